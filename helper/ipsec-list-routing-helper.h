/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Routing helpers that build the IPsec-aware list routers
 * (IpsecIpv4ListRouting / IpsecIpv6ListRouting) around any ns-3 routing
 * protocols, like Ipv4ListRoutingHelper / Ipv6ListRoutingHelper do for the
 * stock list router.  IpsecStackHelper uses them by default (static +
 * global routing for IPv4, static for IPv6); a gateway that must tunnel
 * forwarded traffic needs one of them.
 */
#ifndef IPSEC_LIST_ROUTING_HELPER_H
#define IPSEC_LIST_ROUTING_HELPER_H

#include "ns3/ipv4-routing-helper.h"
#include "ns3/ipv6-routing-helper.h"

#include <list>
#include <memory>

namespace ns3
{

/**
 * @ingroup ipsec-helpers
 * Builds an IpsecIpv4ListRouting (forwarded datagrams pass the inbound
 * policy check and the output policy, a gateway's ip_forward) around the
 * IPv4 routing protocols added, as Ipv4ListRoutingHelper builds
 * Ipv4ListRouting.
 */
class IpsecIpv4ListRoutingHelper : public Ipv4RoutingHelper
{
  public:
    IpsecIpv4ListRoutingHelper();
    /**
     * Copies the helper; the routing helpers added are shared, as they are
     * never changed.
     * @param o the helper to copy
     */
    IpsecIpv4ListRoutingHelper(const IpsecIpv4ListRoutingHelper& o);
    IpsecIpv4ListRoutingHelper& operator=(const IpsecIpv4ListRoutingHelper&) = delete;
    IpsecIpv4ListRoutingHelper* Copy() const override;
    /**
     * Adds a routing protocol with @p priority (higher first), as
     * Ipv4ListRoutingHelper::Add.
     * @param routing the protocol's helper (copied)
     * @param priority its priority in the list
     */
    void Add(const Ipv4RoutingHelper& routing, int16_t priority);
    Ptr<Ipv4RoutingProtocol> Create(Ptr<Node> node) const override;

  private:
    /// The helpers of the protocols, with their priorities, in the order added.
    std::list<std::pair<std::shared_ptr<const Ipv4RoutingHelper>, int16_t>> m_list;
};

/**
 * @ingroup ipsec-helpers
 * Builds an IpsecIpv6ListRouting around the IPv6 routing protocols added,
 * as Ipv6ListRoutingHelper builds Ipv6ListRouting.
 */
class IpsecIpv6ListRoutingHelper : public Ipv6RoutingHelper
{
  public:
    IpsecIpv6ListRoutingHelper();
    /**
     * Copies the helper; the routing helpers added are shared, as they are
     * never changed.
     * @param o the helper to copy
     */
    IpsecIpv6ListRoutingHelper(const IpsecIpv6ListRoutingHelper& o);
    IpsecIpv6ListRoutingHelper& operator=(const IpsecIpv6ListRoutingHelper&) = delete;
    IpsecIpv6ListRoutingHelper* Copy() const override;
    /**
     * Adds a routing protocol with @p priority (higher first), as
     * Ipv6ListRoutingHelper::Add.
     * @param routing the protocol's helper (copied)
     * @param priority its priority in the list
     */
    void Add(const Ipv6RoutingHelper& routing, int16_t priority);
    Ptr<Ipv6RoutingProtocol> Create(Ptr<Node> node) const override;

  private:
    /// The helpers of the protocols, with their priorities, in the order added.
    std::list<std::pair<std::shared_ptr<const Ipv6RoutingHelper>, int16_t>> m_list;
};

} // namespace ns3

#endif /* IPSEC_LIST_ROUTING_HELPER_H */
