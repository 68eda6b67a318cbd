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

class IpsecHostToHostHelper
{
  public:
    IpsecHostToHostHelper();

    /// Link rate and delay of both links (default 10Mbps, 2ms).
    void SetLinkRate(const std::string& rate);
    void SetLinkDelay(const std::string& delay);
    /// IPv6 instead of IPv4 addresses.
    void SetIpv6(bool ipv6);

    /// Creates the nodes, links, stacks, addresses and routes.
    void Build();

    Ptr<Node> GetHostA() const;
    Ptr<Node> GetHostB() const;
    Ptr<Node> GetRouter() const;
    NodeContainer GetNodes() const;
    NetDeviceContainer GetDevices() const;
    IpsecAddress GetAddressA() const;
    IpsecAddress GetAddressB() const;

  private:
    std::string m_rate;
    std::string m_delay;
    bool m_ipv6;
    NodeContainer m_nodes; // A, router, B
    NetDeviceContainer m_devices;
    IpsecAddress m_a;
    IpsecAddress m_b;
};

} // namespace ns3

#endif /* IPSEC_HOST_TO_HOST_HELPER_H */
