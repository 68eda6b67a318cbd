/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IpsecAdversaryHelper: turns a node on a link into an attacker
 * (IpsecAdversary): which attacks, how often, from when to when, against
 * which IPsec endpoint and which protected prefixes.
 */
#ifndef IPSEC_ADVERSARY_HELPER_H
#define IPSEC_ADVERSARY_HELPER_H

#include "ns3/ipsec-address.h"
#include "ns3/ipsec-adversary.h"
#include "ns3/net-device.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"

#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-helpers
 * Installs an IpsecAdversary on the node of a device.  The settings apply
 * to every adversary installed afterwards; the attacks run from 1 s
 * (SetStartStop) to the end of the simulation by default.
 *
 * @code
 * IpsecAdversaryHelper adversary;
 * adversary.SetVictim(IpsecAddress(Ipv4Address("10.1.1.2")), victimDevice);
 * adversary.AddProtectedPrefix("10.1.1.1/32");
 * adversary.SetAttacks("forged-guessed-spi,replay,plaintext-spoof");
 * adversary.SetAttribute("Interval", TimeValue(MilliSeconds(50)));
 * adversary.SetStartStop(Seconds(2), Seconds(10));
 * Ptr<IpsecAdversary> app = adversary.Install(attackerDevice);
 * @endcode
 */
class IpsecAdversaryHelper
{
  public:
    IpsecAdversaryHelper();

    /**
     * Sets an attribute of the IpsecAdversary instances (Interval, Count,
     * FloodRate, ...).
     * @param name the attribute's name
     * @param value its value
     */
    void SetAttribute(const std::string& name, const AttributeValue& value);
    /**
     * The attacks, in order.
     * @param attacks the kinds, in the order each adversary makes them
     */
    void SetAttacks(const std::vector<IpsecAttack>& attacks);
    /**
     * The attacks as a comma-separated list of names ("all" for every
     * kind; IpsecParseAttacks); false (with the reason in @p error) on an
     * unknown name.
     * @param list e.g. "replay,bit-flip"
     * @param error set to a sentence on an unknown name (may be nullptr)
     * @return false on an unknown name (the attacks set before are kept)
     */
    bool SetAttacks(const std::string& list, std::string* error = nullptr);
    /**
     * The IPsec endpoint attacked; with @p device (the victim's device on
     * the link) the adversary addresses its frames to that device's MAC.
     * @param address the victim's address
     * @param device the victim's device on the adversary's link, or nullptr
     */
    void SetVictim(const IpsecAddress& address, Ptr<NetDevice> device = nullptr);
    /**
     * The victim's IPsec peer (source of forged ESP/AH/IPComp; default:
     * learned from the traffic sniffed).
     * @param address the peer's address
     */
    void SetPeer(const IpsecAddress& address);
    /**
     * A prefix the victim's policy protects, e.g. "10.0.1.0/24" or
     * "fd00:10:0:1::/64" (an address without a length is a host); false if
     * it cannot be parsed.
     * @param prefix an address with an optional "/length"
     * @return false for an unparsable address or a length beyond the
     *         family's
     */
    bool AddProtectedPrefix(const std::string& prefix);
    /**
     * A prefix the victim's policy protects, already parsed.
     * @param prefix the network address
     * @param length the prefix length in bits
     */
    void AddProtectedPrefix(const IpsecAddress& prefix, uint8_t length);
    /**
     * Where spoofed plaintext goes (default: the victim).
     * @param address the destination of the spoofed datagrams
     */
    void SetSpoofDestination(const IpsecAddress& address);
    /**
     * When the attacks start and stop (the adversary sniffs from the start
     * of the simulation).
     * @param start the application's start time (default 1 s)
     * @param stop its stop time (Time::Max(): never, the default)
     */
    void SetStartStop(Time start, Time stop);

    /**
     * Creates the adversary on @p device's node, attached to @p device.
     * A null device or one without a node aborts the program.
     * @param device the adversary's device on the attacked link
     * @return the adversary (an application of that node)
     */
    Ptr<IpsecAdversary> Install(Ptr<NetDevice> device) const;

  private:
    ObjectFactory m_factory;                                  ///< creates the adversaries
    std::vector<IpsecAttack> m_attacks;                       ///< the attacks, in order
    IpsecAddress m_victim;                                    ///< the victim's address
    Ptr<NetDevice> m_victimDevice;                            ///< the victim's device, or null
    IpsecAddress m_peer;                                      ///< the victim's peer, or none
    IpsecAddress m_spoofDestination;                          ///< spoof target, or none
    std::vector<std::pair<IpsecAddress, uint8_t>> m_prefixes; ///< protected prefixes
    Time m_start;                                             ///< the attacks' start
    Time m_stop;                                              ///< their stop
};

} // namespace ns3

#endif /* IPSEC_ADVERSARY_HELPER_H */
