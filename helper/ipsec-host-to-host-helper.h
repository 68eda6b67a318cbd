/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The FAQ's host-to-host topology: host A (10.1.1.1) and host B (20.1.1.1)
 * with a router between them, over point-to-point links whose rate and
 * delay are parameters.  Both hosts get an IPsec stack; the router is a
 * plain ns-3 router.  With IPv6, A is fd00:10:1::1 and B
 * fd00:20:1::1.
 */
#ifndef IPSEC_HOST_TO_HOST_HELPER_H
#define IPSEC_HOST_TO_HOST_HELPER_H

#include "ns3/address.h"
#include "ns3/ipsec-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"

#include <string>

namespace ns3
{

/**
 * @ingroup ipsec-helpers
 * Builds the NetBSD IPsec FAQ's host-to-host topology: host A 10.1.1.1 --
 * router -- host B 20.1.1.1 (the router 10.1.1.2 and 20.1.1.2), two
 * point-to-point links.  The hosts get IpsecStackHelper's stack, the router
 * InternetStackHelper's; IPv4 routes come from global routing
 * (Ipv4GlobalRoutingHelper::PopulateRoutingTables, which covers every node
 * of the simulation), IPv6 hosts get a default route to the router
 * (fd00:10:1::2, fd00:20:1::2).  The hosts' IPsec is left to the caller
 * (IpsecHelper).
 */
class IpsecHostToHostHelper
{
  public:
    IpsecHostToHostHelper();

    /**
     * Link rate of both links (default 10Mbps).
     * @param rate a DataRate string, e.g. "10Mbps"
     */
    void SetLinkRate(const std::string& rate);
    /**
     * Propagation delay of both links (default 2ms).
     * @param delay a Time string, e.g. "2ms"
     */
    void SetLinkDelay(const std::string& delay);
    /**
     * IPv6 instead of IPv4 addresses (default false).
     * @param ipv6 true for A fd00:10:1::1 and B fd00:20:1::1
     */
    void SetIpv6(bool ipv6);

    /// Creates the nodes, links, stacks, addresses and routes (once).
    void Build();

    /**
     * Host A, the FAQ's 10.1.1.1 (after Build).
     * @return the node
     */
    Ptr<Node> GetHostA() const;
    /**
     * Host B, the FAQ's 20.1.1.1 (after Build).
     * @return the node
     */
    Ptr<Node> GetHostB() const;
    /**
     * The router between them, which has no IPsec (after Build).
     * @return the node
     */
    Ptr<Node> GetRouter() const;
    /**
     * All three nodes.
     * @return A, the router, B
     */
    NodeContainer GetNodes() const;
    /**
     * The four point-to-point devices.
     * @return A's, the router's towards A, the router's towards B, B's
     */
    NetDeviceContainer GetDevices() const;
    /**
     * Host A's address.
     * @return 10.1.1.1, or fd00:10:1::1 with IPv6
     */
    IpsecAddress GetAddressA() const;
    /**
     * Host B's address.
     * @return 20.1.1.1, or fd00:20:1::1 with IPv6
     */
    IpsecAddress GetAddressB() const;

  private:
    std::string m_rate;           ///< link rate
    std::string m_delay;          ///< link delay
    bool m_ipv6;                  ///< IPv6 addresses
    NodeContainer m_nodes;        ///< A, router, B
    NetDeviceContainer m_devices; ///< A, router (A's link), router (B's link), B
    IpsecAddress m_a;             ///< A's address
    IpsecAddress m_b;             ///< B's address
};

} // namespace ns3

#endif /* IPSEC_HOST_TO_HOST_HELPER_H */
