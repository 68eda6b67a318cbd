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

/**
 * @defgroup ipsec-helpers Helpers
 * @ingroup ipsec
 * Building simulations with IPsec: installing the stack
 * (IpsecStackHelper) and its list routing, configuring nodes with setkey
 * scripts or the C++ API (IpsecHelper), the simulated racoon
 * (IpsecIkeHelper), the adversary (IpsecAdversaryHelper), the FAQ's
 * topologies (IpsecHostToHostHelper, IpsecVpnHelper,
 * IpsecLeafNodeHelper), address helpers and the datagram audit.
 */

/**
 * @ingroup ipsec-helpers
 * Installs the Internet stack with IPsec on nodes, as
 * InternetStackHelper::Install does, with the IPsec-aware classes: the
 * node's IpsecStack (configured by SetIpsecAttribute), IpsecIpv4L3Protocol
 * and IpsecIpv6L3Protocol, the policed UDP, TCP, ICMPv4 and ICMPv6
 * (IpsecUdpL4Protocol...), one IpsecL4Protocol for each of ESP, AH,
 * IPComp and IP-in-IP (4, 41), ARP, the traffic control layer and a
 * packet socket factory.  Routing is IPsec's list routing around the
 * routing helpers given.
 */
class IpsecStackHelper
{
  public:
    /// Routing as InternetStackHelper's default: static + global (IPv4), static (IPv6).
    IpsecStackHelper();
    ~IpsecStackHelper();
    /**
     * Copies the helper, with copies of its routing helpers.
     * @param o the helper to copy
     */
    IpsecStackHelper(const IpsecStackHelper& o);
    /**
     * Copies the helper, with copies of its routing helpers.
     * @param o the helper to copy
     * @return this helper
     */
    IpsecStackHelper& operator=(const IpsecStackHelper& o);

    /**
     * The IPv4 routing of the nodes installed from now on (the helper is
     * copied).  A gateway that tunnels forwarded traffic needs
     * IpsecIpv4ListRoutingHelper around its protocols.
     * @param routing the routing helper
     */
    void SetRoutingHelper(const Ipv4RoutingHelper& routing);
    /**
     * The IPv6 routing of the nodes installed from now on (the helper is
     * copied); IpsecIpv6ListRoutingHelper for a gateway.
     * @param routing the routing helper
     */
    void SetRoutingHelper(const Ipv6RoutingHelper& routing);
    /**
     * Whether Install gives nodes IPv4 (ARP, IPv4, ICMPv4).
     * @param enable true by default
     */
    void SetIpv4StackInstall(bool enable);
    /**
     * Whether Install gives nodes IPv6 (IPv6 with its extensions and
     * options, ICMPv6).
     * @param enable true by default
     */
    void SetIpv6StackInstall(bool enable);
    /**
     * Sets an attribute of every IpsecStack created (e.g. "DefPolicy",
     * "IcvTruncation"; the ipsec(4) knobs, see IpsecStack::GetTypeId).
     * @param name the attribute's name
     * @param value its value
     */
    void SetIpsecAttribute(const std::string& name, const AttributeValue& value);
    /**
     * Sets an attribute of every node's processor (IpsecCpu, aggregated by
     * Install), e.g. "Profile" = "Pentium100" and "DataPath" = true for
     * gateways whose ESP, AH and IPComp work takes simulated time.
     * @param name the attribute's name
     * @param value its value
     */
    void SetCpuAttribute(const std::string& name, const AttributeValue& value);

    /**
     * Installs the stack on @p node.  A node that already has IPv4 or IPv6
     * is a fatal error.
     * @param node the node
     */
    void Install(Ptr<Node> node) const;
    /**
     * Installs the stack on every node of @p nodes.
     * @param nodes the nodes
     */
    void Install(const NodeContainer& nodes) const;

    /**
     * Assigns fixed random streams to the IpsecStacks of @p nodes (IVs,
     * random padding, the SPIs of GETSPI), starting at @p stream.  Returns
     * the number used.  Nodes without an IpsecStack are skipped.
     * @param nodes the nodes
     * @param stream the first stream index to use
     * @return the number of streams used (2 per stack)
     */
    int64_t AssignStreams(const NodeContainer& nodes, int64_t stream) const;

  private:
    std::unique_ptr<Ipv4RoutingHelper> m_routing;  ///< IPv4 routing of new nodes
    std::unique_ptr<Ipv6RoutingHelper> m_routing6; ///< IPv6 routing of new nodes
    bool m_ipv4;                                   ///< install IPv4
    bool m_ipv6;                                   ///< install IPv6
    ObjectFactory m_ipsecFactory;                  ///< creates the IpsecStacks
    ObjectFactory m_cpuFactory;                    ///< creates the IpsecCpus
};

} // namespace ns3

#endif /* IPSEC_STACK_HELPER_H */
