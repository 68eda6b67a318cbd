/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Where forwarded packets meet IPsec (a gateway's ip_forward).  ns-3 hands
 * every received datagram to the routing protocol's RouteInput with a
 * "unicast forward" callback (IpForward); these list-routing subclasses
 * wrap that callback so a forwarded datagram first passes the inbound
 * policy check (selectors without ports, as KAME's forwarding check) and
 * then the output policy -- tunnel encapsulation towards the peer gateway --
 * before, or instead of, IpForward.  Before any of it, a datagram from a
 * multicast source is dropped, to this node or through it (ip_input's
 * ips_badaddr, ip6_input's ip6s_badscope).  Subclassing the *list* router
 * keeps Ipv4StaticRoutingHelper::GetStaticRouting and global routing
 * working.
 */
#ifndef IPSEC_LIST_ROUTING_H
#define IPSEC_LIST_ROUTING_H

#include "ns3/ipv4-list-routing.h"
#include "ns3/ipv6-list-routing.h"

namespace ns3
{

class IpsecIpv4L3Protocol;
class IpsecIpv6L3Protocol;

/**
 * @ingroup ipsec-glue
 * An IPv4 list routing whose unicast forward callback passes forwarded
 * datagrams through the inbound policy check and the output policy
 * (IpsecIpv4L3Protocol::ForwardWithIpsec) before, or instead of, IpForward.
 */
class IpsecIpv4ListRouting : public Ipv4ListRouting
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();

    bool RouteInput(Ptr<const Packet> p,
                    const Ipv4Header& header,
                    Ptr<const NetDevice> idev,
                    UnicastForwardCallback ucb,
                    MulticastForwardCallback mcb,
                    LocalDeliverCallback lcb,
                    ErrorCallback ecb) override;
    void SetIpv4(Ptr<Ipv4> ipv4) override;

  protected:
    void DoDispose() override;

  private:
    Ptr<Ipv4> m_ipv4;
    /**
     * Whether a UDP datagram to this node is ESP in UDP (RFC 3948): to a
     * UDP_ENCAP_ESPINUDP port, neither a keepalive nor behind the non-ESP
     * marker.
     * @param p the datagram's payload (from the UDP header on)
     * @return true for ESP in UDP
     */
    bool IsUdpEncapEsp(Ptr<const Packet> p) const;

    IpsecIpv4L3Protocol* m_l3{nullptr}; ///< m_ipv4 as the module's L3 (nullptr: plain ns-3)
    /// The forward callback handed to the routing protocols, made for the
    /// unicast forward callback @c m_ucb the L3 passed (the same one for
    /// every datagram: IpForward on the L3), so that a datagram does not
    /// pay for building one.
    UnicastForwardCallback m_forward;
    UnicastForwardCallback m_ucb; ///< the callback m_forward wraps
};

/**
 * @ingroup ipsec-glue
 * An IPv6 list routing whose unicast forward callback passes forwarded
 * datagrams through the inbound policy check and the output policy
 * (IpsecIpv6L3Protocol::ForwardWithIpsec) before, or instead of, IpForward.
 */
class IpsecIpv6ListRouting : public Ipv6ListRouting
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();

    bool RouteInput(Ptr<const Packet> p,
                    const Ipv6Header& header,
                    Ptr<const NetDevice> idev,
                    UnicastForwardCallback ucb,
                    MulticastForwardCallback mcb,
                    LocalDeliverCallback lcb,
                    ErrorCallback ecb) override;
    void SetIpv6(Ptr<Ipv6> ipv6) override;

  protected:
    void DoDispose() override;

  private:
    Ptr<Ipv6> m_ipv6;
    IpsecIpv6L3Protocol* m_l3{nullptr}; ///< m_ipv6 as the module's L3 (nullptr: plain ns-3)
    /// The forward callback handed to the routing protocols, made for the
    /// unicast forward callback @c m_ucb the L3 passed (the same one for
    /// every datagram: IpForward on the L3), so that a datagram does not
    /// pay for building one.
    UnicastForwardCallback m_forward;
    UnicastForwardCallback m_ucb; ///< the callback m_forward wraps
};

} // namespace ns3

#endif /* IPSEC_LIST_ROUTING_H */
