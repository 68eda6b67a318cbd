/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Installs the Internet stack with IPsec on nodes: what
 * InternetStackHelper::Install does, but with the IPsec-aware IPv4/IPv6
 * layers (output hooks), the policed UDP/TCP/ICMP (inbound policy check),
 * the ESP/AH receivers and the node's IpsecStack (SPD, SAD, knobs,
 * counters).  ns-3.37's InternetStackHelper cannot be told to use other L3
 * classes, hence this helper.
 */
#ifndef IPSEC_STACK_HELPER_H
#define IPSEC_STACK_HELPER_H

#include "ns3/ipv4-routing-helper.h"
#include "ns3/ipv6-routing-helper.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <memory>
#include <string>

namespace ns3
{

class IpsecStackHelper
{
  public:
    /// Routing as InternetStackHelper's default: static + global (IPv4), static (IPv6).
    IpsecStackHelper();
    ~IpsecStackHelper();
    IpsecStackHelper(const IpsecStackHelper& o);
    IpsecStackHelper& operator=(const IpsecStackHelper& o);

    void SetRoutingHelper(const Ipv4RoutingHelper& routing);
    void SetRoutingHelper(const Ipv6RoutingHelper& routing);
    void SetIpv4StackInstall(bool enable);
    void SetIpv6StackInstall(bool enable);
    /// Sets an attribute of every IpsecStack created (e.g. "DefPolicy", "IcvTruncation").
    void SetIpsecAttribute(const std::string& name, const AttributeValue& value);

    void Install(Ptr<Node> node) const;
    void Install(const NodeContainer& nodes) const;

    /**
     * Assigns fixed random streams to the IpsecStacks of @p nodes (IVs,
     * random padding), starting at @p stream.  Returns the number used.
     */
    int64_t AssignStreams(const NodeContainer& nodes, int64_t stream) const;

  private:
    std::unique_ptr<Ipv4RoutingHelper> m_routing;
    std::unique_ptr<Ipv6RoutingHelper> m_routing6;
    bool m_ipv4;
    bool m_ipv6;
    ObjectFactory m_ipsecFactory;
};

} // namespace ns3

#endif /* IPSEC_STACK_HELPER_H */
