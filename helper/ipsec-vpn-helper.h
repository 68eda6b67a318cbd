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

class IpsecVpnHelper
{
  public:
    /// Installs devices of one link between the given nodes (first the gateway).
    using LinkInstaller = std::function<NetDeviceContainer(NodeContainer)>;

    IpsecVpnHelper();

    void SetHostsPerNetwork(uint32_t n); ///< default 1
    void SetIpv6(bool ipv6);
    void SetLanRate(const std::string& rate);   ///< CSMA LAN rate (default 100Mbps)
    void SetLanDelay(const std::string& delay); ///< default 0.1ms
    void SetWanRate(const std::string& rate);   ///< point-to-point WAN rate (default 2Mbps)
    void SetWanDelay(const std::string& delay); ///< default 10ms
    /// Replaces the LAN link type (called with the gateway first, then its hosts).
    void SetLanInstaller(LinkInstaller installer);
    /// Replaces the WAN link type (called with gw1, gw2).
    void SetWanInstaller(LinkInstaller installer);

    void Build();

    Ptr<Node> GetGateway(uint32_t side) const; ///< side 1 or 2
    NodeContainer GetHosts(uint32_t side) const;
    NodeContainer GetNodes() const;
    IpsecAddress GetHostAddress(uint32_t side, uint32_t i) const;
    /// The gateway's address on its LAN and on the WAN.
    IpsecAddress GetGatewayLanAddress(uint32_t side) const;
    IpsecAddress GetGatewayWanAddress(uint32_t side) const;
    NetDeviceContainer GetWanDevices() const;
    NetDeviceContainer GetLanDevices(uint32_t side) const;

  private:
    void AssignIpv4();
    void AssignIpv6();

    uint32_t m_hosts;
    bool m_ipv6;
    std::string m_lanRate;
    std::string m_lanDelay;
    std::string m_wanRate;
    std::string m_wanDelay;
    LinkInstaller m_lanInstaller;
    LinkInstaller m_wanInstaller;
    NodeContainer m_gateways;
    NodeContainer m_hostNodes[2];
    NetDeviceContainer m_lan[2];
    NetDeviceContainer m_wan;
    std::vector<IpsecAddress> m_hostAddr[2];
    IpsecAddress m_gwLan[2];
    IpsecAddress m_gwWan[2];
};

} // namespace ns3

#endif /* IPSEC_VPN_HELPER_H */
