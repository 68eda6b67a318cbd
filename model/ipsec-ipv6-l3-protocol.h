/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The IPv6 output hook: an Ipv6L3Protocol whose Send() runs every locally
 * originated datagram through the node's IpsecStack (KAME
 * ipsec6_output_trans) before ns-3 builds the header, routes and fragments.
 */
#ifndef IPSEC_IPV6_L3_PROTOCOL_H
#define IPSEC_IPV6_L3_PROTOCOL_H

#include "ipsec-stack.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/ipv6-routing-protocol.h"
#include "ns3/nstime.h"

#include <map>
#include <utility>

namespace ns3
{

/**
 * @ingroup ipsec-glue
 * The IPv6 output hook: an Ipv6L3Protocol whose Send runs every locally
 * originated datagram through the node's IpsecStack (KAME
 * ipsec6_output_trans) before ns-3 builds the header, routes and fragments.
 */
class IpsecIpv6L3Protocol : public Ipv6L3Protocol
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    IpsecIpv6L3Protocol();

    void Send(Ptr<Packet> packet,
              Ipv6Address source,
              Ipv6Address destination,
              uint8_t protocol,
              Ptr<Ipv6Route> route) override;

    /**
     * The node's IPsec.
     * @return the IpsecStack, or nullptr if none is aggregated
     */
    Ptr<IpsecStack> GetIpsec();

    /**
     * Attaches the per-socket policies' raw-socket gate to the Rx trace (the
     * per-socket policies do so when a raw socket of this family first gets
     * a policy; until then received datagrams pay nothing for it).
     */
    void EnableRawSocketGate();

    /**
     * Sends a datagram the output processing protected: with its original
     * route in transport mode, or routed to the tunnel's outer destination
     * with hop limit 64 and the outer traffic class (no route: out_noroute).
     * @param r what the output processing made
     * @param route the route Send was given
     */
    void SendProtected(const IpsecStack::OutputResult& r, Ptr<Ipv6Route> route);

    /**
     * The gateway's output path for a forwarded datagram (called by
     * IpsecIpv6ListRouting instead of IpForward); @p forward is IpForward.
     * A datagram that no longer fits the outgoing link once protected gets
     * the stack's Ipv6TunnelTooBig treatment (KAME: Packet Too Big).
     * @param idev the device the datagram came in on
     * @param route the route to the datagram's destination
     * @param packet the datagram's payload
     * @param header the datagram's header as received
     * @param forward IpForward
     */
    void ForwardWithIpsec(Ptr<const NetDevice> idev,
                          Ptr<Ipv6Route> route,
                          Ptr<Packet> packet,
                          const Ipv6Header& header,
                          const Ipv6RoutingProtocol::UnicastForwardCallback& forward);
    /**
     * The end of ForwardWithIpsec for a protected datagram, once the
     * node's crypto processor has computed it: the MTU checks and the send.
     * @param r the protected datagram
     * @param route the route the datagram was forwarded on
     * @param original the datagram as it arrived (for ICMP errors)
     * @param header its IP header as it arrived
     */
    void ForwardProtected(const IpsecStack::OutputResult& r,
                          Ptr<Ipv6Route> route,
                          Ptr<Packet> original,
                          const Ipv6Header& header);

    /**
     * The device of the datagram being received.
     * @return the device of the interface of the last Rx
     */
    Ptr<NetDevice> GetReceivingDevice();

  protected:
    void DoDispose() override;
    void NotifyNewAggregate() override;

  private:
    /**
     * FragmentBeforeTunnel: when a tunnel will carry the local datagram
     * @p packet (header in @p ctx), fragments it to @p pmtu and sends each
     * fragment through the datagram's policy; false when no tunnel applies.
     */
    bool SendFragmentsToTunnel(const IpsecStack::OutputContext& ctx,
                               Ptr<Packet> packet,
                               Ptr<Ipv6Route> route,
                               uint32_t pmtu);
    /// The IPv4 identification hooks, for an IPv4 outer header (mixed families).
    void SetIdentificationHooks(IpsecStack::OutputContext& ctx);
    /// The Rx trace: remembers the interface a datagram arrives on.
    void NoteReceive(Ptr<const Packet> packet, Ptr<Ipv6> ipv6, uint32_t interface);
    /// Registers IpsecIpv6Extension for ESP, AH and IPComp with the node's demux.
    void RegisterIpsecExtensions();
    /// ip6_forward's Packet Too Big for the original datagram @p original
    /// (with @p header), the MTU @p mtu less the IPsec overhead (at least 1280).
    void SendTooBig(Ptr<IpsecStack> ipsec,
                    Ptr<const Packet> original,
                    const Ipv6Header& header,
                    uint32_t mtu);

    /// The Rx trace: raw sockets whose per-socket inbound policy rejects the
    /// datagram are kept from this delivery (see IpsecIpv4L3Protocol).
    void GateRawSockets(Ptr<const Packet> packet, Ptr<Ipv6> ipv6, uint32_t interface);

    Ptr<IpsecStack> m_ipsec;
    uint32_t m_depth;
    bool m_rawGate;         ///< GateRawSockets is connected
    uint32_t m_rxInterface; ///< interface of the datagram being received
    bool m_rxNoted;         ///< NoteReceive is connected
    bool m_extensions;      ///< RegisterIpsecExtensions has run
};

} // namespace ns3

#endif /* IPSEC_IPV6_L3_PROTOCOL_H */
