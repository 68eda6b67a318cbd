/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The FAQ's IPsec VPN: two gateways joining two private networks over a
 * tunnel.
 *
 *   hosts 10.0.1.2.. --LAN-- gw1 10.0.1.1 / 20.0.0.1 ==WAN== 20.0.0.2 / 10.0.2.1 gw2 --LAN--
 * hosts 10.0.2.2..
 *
 * With IPv6: LANs fd00:10:0:1::/64 and fd00:10:0:2::/64, WAN fd00:20::/64
 * (gateways ::1 on their LAN, ::1 and ::2 on the WAN, hosts ::2 up).
 * The LANs are CSMA and the WAN point-to-point by default; any ns-3 link
 * type can be plugged in with SetLanInstaller / SetWanInstaller.  Every node
 * gets an IPsec stack; the gateways forward.
 */
#ifndef IPSEC_VPN_HELPER_H
#define IPSEC_VPN_HELPER_H

#include "ns3/ipsec-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"

#include <functional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-helpers
 * Builds the NetBSD IPsec FAQ's VPN: gateway 1 and gateway 2 joining the
 * networks 10.0.1.0/24 and 10.0.2.0/24 over a WAN (20.0.0.0/24), N hosts
 * on each network.  Every node gets IpsecStackHelper's stack; IPv4 routes
 * come from global routing (Ipv4GlobalRoutingHelper::PopulateRoutingTables,
 * which covers every node of the simulation), IPv6 ones are static (hosts:
 * default route to their gateway; gateways: the other LAN via the other
 * gateway).  The gateways' IPsec (the tunnel) is left to the caller
 * (IpsecHelper).  Sides are numbered 1 and 2, hosts from 0.
 */
class IpsecVpnHelper
{
  public:
    /// Installs devices of one link between the given nodes (first the gateway).
    using LinkInstaller = std::function<NetDeviceContainer(NodeContainer)>;

    IpsecVpnHelper();

    /**
     * Hosts on each LAN (default 1).
     * @param n the number of hosts per LAN
     */
    void SetHostsPerNetwork(uint32_t n);
    /**
     * IPv6 instead of IPv4 addresses (default false): LANs fd00:10:0:1::/64
     * and fd00:10:0:2::/64, WAN fd00:20::/64.
     * @param ipv6 true for IPv6
     */
    void SetIpv6(bool ipv6);
    /**
     * CSMA LAN rate (default 100Mbps).
     * @param rate a DataRate string
     */
    void SetLanRate(const std::string& rate);
    /**
     * CSMA LAN delay (default 0.1ms).
     * @param delay a Time string
     */
    void SetLanDelay(const std::string& delay);
    /**
     * Point-to-point WAN rate (default 2Mbps).
     * @param rate a DataRate string
     */
    void SetWanRate(const std::string& rate);
    /**
     * Point-to-point WAN delay (default 10ms).
     * @param delay a Time string
     */
    void SetWanDelay(const std::string& delay);
    /**
     * Replaces the LAN link type (called with the gateway first, then its
     * hosts); the LAN rate and delay are then the installer's business.
     * @param installer returns the devices in the order of the nodes given
     */
    void SetLanInstaller(LinkInstaller installer);
    /**
     * Replaces the WAN link type (called with gw1, gw2).
     * @param installer returns gw1's device, then gw2's
     */
    void SetWanInstaller(LinkInstaller installer);

    /// Creates the nodes, stacks, links, addresses and routes (once).
    void Build();

    /**
     * A gateway (after Build).
     * @param side 1 or 2
     * @return the gateway of that side
     */
    Ptr<Node> GetGateway(uint32_t side) const;
    /**
     * The hosts of one LAN (after Build).
     * @param side 1 or 2
     * @return its hosts, in address order
     */
    NodeContainer GetHosts(uint32_t side) const;
    /**
     * Every node.
     * @return gw1, gw2, the hosts of side 1, the hosts of side 2
     */
    NodeContainer GetNodes() const;
    /**
     * A host's address (IPv4 .2 up, IPv6 ::2 up, in host order).
     * @param side 1 or 2
     * @param i the host's index on its LAN, from 0 (out of range throws
     *        std::out_of_range)
     * @return its address
     */
    IpsecAddress GetHostAddress(uint32_t side, uint32_t i) const;
    /**
     * The gateway's address on its LAN.
     * @param side 1 or 2
     * @return 10.0.1.1 / 10.0.2.1 (fd00:10:0:1::1 / fd00:10:0:2::1)
     */
    IpsecAddress GetGatewayLanAddress(uint32_t side) const;
    /**
     * The gateway's address on the WAN.
     * @param side 1 or 2
     * @return 20.0.0.1 / 20.0.0.2 (fd00:20::1 / fd00:20::2)
     */
    IpsecAddress GetGatewayWanAddress(uint32_t side) const;
    /**
     * The WAN's devices.
     * @return gw1's, then gw2's
     */
    NetDeviceContainer GetWanDevices() const;
    /**
     * One LAN's devices.
     * @param side 1 or 2
     * @return the gateway's, then its hosts'
     */
    NetDeviceContainer GetLanDevices(uint32_t side) const;

  private:
    /// The IPv4 addresses (Ipv4AddressHelper) and global routing.
    void AssignIpv4();
    /// The fixed IPv6 addresses (IpsecAssignIpv6) and static routes.
    void AssignIpv6();

    uint32_t m_hosts;                        ///< hosts per LAN
    bool m_ipv6;                             ///< IPv6 addresses
    std::string m_lanRate;                   ///< CSMA rate
    std::string m_lanDelay;                  ///< CSMA delay
    std::string m_wanRate;                   ///< point-to-point rate
    std::string m_wanDelay;                  ///< point-to-point delay
    LinkInstaller m_lanInstaller;            ///< the LAN's installer, or none (CSMA)
    LinkInstaller m_wanInstaller;            ///< the WAN's installer, or none (point-to-point)
    NodeContainer m_gateways;                ///< gw1, gw2
    NodeContainer m_hostNodes[2];            ///< the hosts per side
    NetDeviceContainer m_lan[2];             ///< the LAN devices per side
    NetDeviceContainer m_wan;                ///< the WAN devices
    std::vector<IpsecAddress> m_hostAddr[2]; ///< the hosts' addresses per side
    IpsecAddress m_gwLan[2];                 ///< the gateways' LAN addresses
    IpsecAddress m_gwWan[2];                 ///< the gateways' WAN addresses
};

} // namespace ns3

#endif /* IPSEC_VPN_HELPER_H */
