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
 * @ingroup ipsec
 * Installs an IpsecAdversary on the node of a device.
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

    /// Sets an attribute of the IpsecAdversary instances (Interval, Count, FloodRate, ...).
    void SetAttribute(const std::string& name, const AttributeValue& value);
    /// The attacks, in order.
    void SetAttacks(const std::vector<IpsecAttack>& attacks);
    /// The attacks as a comma-separated list of names ("all" for every kind);
    /// false (with the reason in @p error) on an unknown name.
    bool SetAttacks(const std::string& list, std::string* error = nullptr);
    /// The IPsec endpoint attacked; with @p device (the victim's device on the
    /// link) the adversary addresses its frames to that device's MAC.
    void SetVictim(const IpsecAddress& address, Ptr<NetDevice> device = nullptr);
    /// The victim's IPsec peer (source of forged ESP/AH/IPComp; default: learned).
    void SetPeer(const IpsecAddress& address);
    /// A prefix the victim's policy protects, e.g. "10.0.1.0/24" or "fd00:10:0:1::/64"
    /// (an address without a length is a host); false if it cannot be parsed.
    bool AddProtectedPrefix(const std::string& prefix);
    void AddProtectedPrefix(const IpsecAddress& prefix, uint8_t length);
    /// Where spoofed plaintext goes (default: the victim).
    void SetSpoofDestination(const IpsecAddress& address);
    /// When the attacks start and stop (the adversary sniffs from the start of the simulation).
    void SetStartStop(Time start, Time stop);

    /// Creates the adversary on @p device's node, attached to @p device.
    Ptr<IpsecAdversary> Install(Ptr<NetDevice> device) const;

  private:
    ObjectFactory m_factory;
    std::vector<IpsecAttack> m_attacks;
    IpsecAddress m_victim;
    Ptr<NetDevice> m_victimDevice;
    IpsecAddress m_peer;
    IpsecAddress m_spoofDestination;
    std::vector<std::pair<IpsecAddress, uint8_t>> m_prefixes;
    Time m_start;
    Time m_stop;
};

} // namespace ns3

#endif /* IPSEC_ADVERSARY_HELPER_H */
