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

/**
 * @ingroup ipsec-helpers
 * Builds the NetBSD IPsec FAQ's leaf-node topology: leaf 10.0.1.5 --
 * router 10.0.1.1 / 10.0.2.1 -- server 10.0.2.2, the leaf link
 * point-to-point or Wi-Fi, the server link point-to-point.  Every node
 * gets IpsecStackHelper's stack and fixed addresses (the FAQ's, so setkey
 * scripts can name them; building the topology again in one process gives
 * the same ones); IPv4 routes come from global routing
 * (Ipv4GlobalRoutingHelper::PopulateRoutingTables, which covers every node
 * of the simulation), the IPv6 leaf and server get a default route to the
 * router.  The IPsec between leaf and router is left to the caller
 * (IpsecHelper).
 */
class IpsecLeafNodeHelper
{
  public:
    IpsecLeafNodeHelper();

    /**
     * IPv6 instead of IPv4 addresses (default false).
     * @param ipv6 true for fd00:10:0:1::/64 and fd00:10:0:2::/64
     */
    void SetIpv6(bool ipv6);
    /**
     * The leaf link's type: "p2p" (default) or "wifi" (802.11a ad hoc at
     * 12 Mbps, YansWifiPhy, the leaf 5 m from the router); anything else is
     * a fatal error in Build().
     * @param type "p2p" or "wifi"
     */
    void SetLeafLinkType(const std::string& type);
    /**
     * Point-to-point leaf link's rate (default 256kbps; not for Wi-Fi).
     * @param rate a DataRate string
     */
    void SetLeafRate(const std::string& rate);
    /**
     * Point-to-point leaf link's delay (default 20ms; not for Wi-Fi).
     * @param delay a Time string
     */
    void SetLeafDelay(const std::string& delay);
    /**
     * Router-server link's rate (default 10Mbps).
     * @param rate a DataRate string
     */
    void SetServerRate(const std::string& rate);
    /**
     * Router-server link's delay (default 2ms).
     * @param delay a Time string
     */
    void SetServerDelay(const std::string& delay);

    /// Creates the nodes, links, stacks, addresses and routes (once).
    void Build();

    /**
     * The leaf host (after Build).
     * @return the node
     */
    Ptr<Node> GetLeaf() const;
    /**
     * The router, the leaf's IPsec peer (after Build).
     * @return the node
     */
    Ptr<Node> GetRouter() const;
    /**
     * The server behind the router, reached in the clear (after Build).
     * @return the node
     */
    Ptr<Node> GetServer() const;
    /**
     * All three nodes.
     * @return leaf, router, server
     */
    NodeContainer GetNodes() const;
    /**
     * The leaf link's type.
     * @return "p2p" or "wifi"
     */
    std::string GetLeafLinkType() const;
    /**
     * The leaf's address.
     * @return 10.0.1.5, or fd00:10:0:1::5 with IPv6
     */
    IpsecAddress GetLeafAddress() const;
    /**
     * The router's address on the leaf link.
     * @return 10.0.1.1, or fd00:10:0:1::1
     */
    IpsecAddress GetRouterLeafAddress() const;
    /**
     * The router's address on the server link.
     * @return 10.0.2.1, or fd00:10:0:2::1
     */
    IpsecAddress GetRouterServerAddress() const;
    /**
     * The server's address.
     * @return 10.0.2.2, or fd00:10:0:2::2
     */
    IpsecAddress GetServerAddress() const;
    /**
     * The leaf link's devices.
     * @return the leaf's, then the router's
     */
    NetDeviceContainer GetLeafDevices() const;
    /**
     * The server link's devices.
     * @return the router's, then the server's
     */
    NetDeviceContainer GetServerDevices() const;

    /**
     * A pcap per device (prefix-NODE-DEVICE.pcap), whatever the link types
     * (Wi-Fi with radiotap headers).
     * @param prefix the files' prefix (a directory may be part of it)
     */
    void EnablePcap(const std::string& prefix) const;
    /**
     * Fixed random streams for the Wi-Fi devices (none on point-to-point);
     * returns the number used.
     * @param stream the first stream index to use
     * @return the number of streams used (0 for a point-to-point leaf link)
     */
    int64_t AssignStreams(int64_t stream) const;

  private:
    /// The fixed IPv4 addresses (/24) and global routing.
    void AssignIpv4();
    /// The fixed IPv6 addresses (IpsecAssignIpv6) and default routes.
    void AssignIpv6();

    bool m_ipv6;                        ///< IPv6 addresses
    std::string m_leafType;             ///< "p2p" or "wifi"
    std::string m_leafRate;             ///< point-to-point leaf link's rate
    std::string m_leafDelay;            ///< point-to-point leaf link's delay
    std::string m_serverRate;           ///< server link's rate
    std::string m_serverDelay;          ///< server link's delay
    NodeContainer m_nodes;              ///< leaf, router, server
    NetDeviceContainer m_leafDevices;   ///< leaf, router
    NetDeviceContainer m_serverDevices; ///< router, server
    IpsecAddress m_leaf;                ///< the leaf's address
    IpsecAddress m_routerLeaf;          ///< the router's on the leaf link
    IpsecAddress m_routerServer;        ///< the router's on the server link
    IpsecAddress m_server;              ///< the server's address
};

} // namespace ns3

#endif /* IPSEC_LEAF_NODE_HELPER_H */
