/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The FAQ's leaf-node tunnel: a host whose traffic is encrypted up to its
 * router only (e.g. a wireless host whose link-layer security is weak),
 * and goes on in the clear behind the router.
 *
 *   leaf 10.0.1.5 ~~leaf link~~ 10.0.1.1 router 10.0.2.1 ---- 10.0.2.2 server
 *
 * With IPv6: leaf fd00:10:0:1::5, router fd00:10:0:1::1 and fd00:10:0:2::1,
 * server fd00:10:0:2::2.  The leaf link is a slow point-to-point link by
 * default (256kbps, 20ms) or Wi-Fi (SetLeafLinkType("wifi"): 802.11a
 * ad-hoc, YansWifiPhy, the two nodes 5 m apart, constant position); the
 * router-server link is point-to-point.  Every node gets an IPsec stack;
 * routing is IPv4 global routing, IPv6 static default routes.
 */
#ifndef IPSEC_LEAF_NODE_HELPER_H
#define IPSEC_LEAF_NODE_HELPER_H

#include "ns3/ipsec-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"

#include <string>

namespace ns3
{

class IpsecLeafNodeHelper
{
  public:
    IpsecLeafNodeHelper();

    void SetIpv6(bool ipv6);
    /// "p2p" (default) or "wifi"; anything else is a fatal error in Build().
    void SetLeafLinkType(const std::string& type);
    void SetLeafRate(const std::string& rate);     ///< point-to-point leaf link (default 256kbps)
    void SetLeafDelay(const std::string& delay);   ///< default 20ms
    void SetServerRate(const std::string& rate);   ///< router-server link (default 10Mbps)
    void SetServerDelay(const std::string& delay); ///< default 2ms

    /// Creates the nodes, links, stacks, addresses and routes.
    void Build();

    Ptr<Node> GetLeaf() const;
    Ptr<Node> GetRouter() const;
    Ptr<Node> GetServer() const;
    NodeContainer GetNodes() const; ///< leaf, router, server
    std::string GetLeafLinkType() const;
    IpsecAddress GetLeafAddress() const;
    /// The router's address on the leaf link and on the server link.
    IpsecAddress GetRouterLeafAddress() const;
    IpsecAddress GetRouterServerAddress() const;
    IpsecAddress GetServerAddress() const;
    NetDeviceContainer GetLeafDevices() const;   ///< leaf, router
    NetDeviceContainer GetServerDevices() const; ///< router, server

    /// A pcap per device (prefix-NODE-DEVICE.pcap), whatever the link types.
    void EnablePcap(const std::string& prefix) const;
    /// Fixed random streams for the Wi-Fi devices (none on point-to-point);
    /// returns the number used.
    int64_t AssignStreams(int64_t stream) const;

  private:
    void AssignIpv4();
    void AssignIpv6();

    bool m_ipv6;
    std::string m_leafType;
    std::string m_leafRate;
    std::string m_leafDelay;
    std::string m_serverRate;
    std::string m_serverDelay;
    NodeContainer m_nodes; // leaf, router, server
    NetDeviceContainer m_leafDevices;
    NetDeviceContainer m_serverDevices;
    IpsecAddress m_leaf;
    IpsecAddress m_routerLeaf;
    IpsecAddress m_routerServer;
    IpsecAddress m_server;
};

} // namespace ns3

#endif /* IPSEC_LEAF_NODE_HELPER_H */
