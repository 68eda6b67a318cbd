/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-vpn-helper.h"

#include "ipsec-net-util.h"
#include "ipsec-stack-helper.h"
#include "ns3/csma-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv6-static-routing-helper.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/string.h"

namespace ns3
{

IpsecVpnHelper::IpsecVpnHelper()
    : m_hosts(1)
    , m_ipv6(false)
    , m_lanRate("100Mbps")
    , m_lanDelay("0.1ms")
    , m_wanRate("2Mbps")
    , m_wanDelay("10ms")
{
}

void
IpsecVpnHelper::SetHostsPerNetwork(uint32_t n)
{
    m_hosts = n;
}

void
IpsecVpnHelper::SetIpv6(bool ipv6)
{
    m_ipv6 = ipv6;
}

void
IpsecVpnHelper::SetLanRate(const std::string& rate)
{
    m_lanRate = rate;
}

void
IpsecVpnHelper::SetLanDelay(const std::string& delay)
{
    m_lanDelay = delay;
}

void
IpsecVpnHelper::SetWanRate(const std::string& rate)
{
    m_wanRate = rate;
}

void
IpsecVpnHelper::SetWanDelay(const std::string& delay)
{
    m_wanDelay = delay;
}

void
IpsecVpnHelper::SetLanInstaller(LinkInstaller installer)
{
    m_lanInstaller = std::move(installer);
}

void
IpsecVpnHelper::SetWanInstaller(LinkInstaller installer)
{
    m_wanInstaller = std::move(installer);
}

void
IpsecVpnHelper::Build()
{
    m_gateways.Create(2);
    for (auto& hosts : m_hostNodes)
    {
        hosts.Create(m_hosts);
    }
    IpsecStackHelper stack;
    stack.Install(GetNodes());

    LinkInstaller lan = m_lanInstaller;
    if (!lan)
    {
        std::string rate = m_lanRate;
        std::string delay = m_lanDelay;
        lan = [rate, delay](NodeContainer nodes)
        {
            CsmaHelper csma;
            csma.SetChannelAttribute("DataRate", StringValue(rate));
            csma.SetChannelAttribute("Delay", StringValue(delay));
            return csma.Install(nodes);
        };
    }
    LinkInstaller wan = m_wanInstaller;
    if (!wan)
    {
        std::string rate = m_wanRate;
        std::string delay = m_wanDelay;
        wan = [rate, delay](NodeContainer nodes)
        {
            PointToPointHelper p2p;
            p2p.SetDeviceAttribute("DataRate", StringValue(rate));
            p2p.SetChannelAttribute("Delay", StringValue(delay));
            return p2p.Install(nodes);
        };
    }
    for (uint32_t s = 0; s < 2; ++s)
    {
        m_lan[s] = lan(NodeContainer(NodeContainer(m_gateways.Get(s)), m_hostNodes[s]));
    }
    m_wan = wan(m_gateways);
    if (m_ipv6)
    {
        AssignIpv6();
    }
    else
    {
        AssignIpv4();
    }
}

void
IpsecVpnHelper::AssignIpv4()
{
    Ipv4AddressHelper addr;
    for (uint32_t s = 0; s < 2; ++s)
    {
        addr.SetBase(s == 0 ? "10.0.1.0" : "10.0.2.0", "255.255.255.0");
        Ipv4InterfaceContainer c = addr.Assign(m_lan[s]); // gateway .1, hosts .2 ...
        m_gwLan[s] = IpsecAddress(c.GetAddress(0));
        for (uint32_t i = 0; i < m_hosts; ++i)
        {
            m_hostAddr[s].push_back(IpsecAddress(c.GetAddress(i + 1)));
        }
    }
    addr.SetBase("20.0.0.0", "255.255.255.0");
    Ipv4InterfaceContainer w = addr.Assign(m_wan);
    m_gwWan[0] = IpsecAddress(w.GetAddress(0));
    m_gwWan[1] = IpsecAddress(w.GetAddress(1));
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
}

void
IpsecVpnHelper::AssignIpv6()
{
    const char* lanPrefix[2] = {"fd00:10:0:1::", "fd00:10:0:2::"};
    Ipv6StaticRoutingHelper routing;
    for (uint32_t s = 0; s < 2; ++s)
    {
        std::string p = lanPrefix[s];
        IpsecAssignIpv6(m_lan[s].Get(0), p + "1", true);
        m_gwLan[s] = *IpsecAddress::Parse(p + "1");
        for (uint32_t i = 0; i < m_hosts; ++i)
        {
            std::string a = p + std::to_string(i + 2);
            IpsecAssignIpv6(m_lan[s].Get(i + 1), a, false);
            m_hostAddr[s].push_back(*IpsecAddress::Parse(a));
            Ptr<Ipv6> ipv6 = m_hostNodes[s].Get(i)->GetObject<Ipv6>();
            routing.GetStaticRouting(ipv6)->SetDefaultRoute(m_gwLan[s].ToIpv6(), 1);
        }
    }
    IpsecAssignIpv6(m_wan.Get(0), "fd00:20::1", true);
    IpsecAssignIpv6(m_wan.Get(1), "fd00:20::2", true);
    m_gwWan[0] = *IpsecAddress::Parse("fd00:20::1");
    m_gwWan[1] = *IpsecAddress::Parse("fd00:20::2");
    for (uint32_t s = 0; s < 2; ++s)
    {
        Ptr<Ipv6> ipv6 = m_gateways.Get(s)->GetObject<Ipv6>();
        uint32_t wanIf = ipv6->GetInterfaceForDevice(m_wan.Get(s));
        routing.GetStaticRouting(ipv6)->AddNetworkRouteTo(
            Ipv6Address(lanPrefix[1 - s]), Ipv6Prefix(64), m_gwWan[1 - s].ToIpv6(), wanIf);
    }
}

Ptr<Node>
IpsecVpnHelper::GetGateway(uint32_t side) const
{
    return m_gateways.Get(side - 1);
}

NodeContainer
IpsecVpnHelper::GetHosts(uint32_t side) const
{
    return m_hostNodes[side - 1];
}

NodeContainer
IpsecVpnHelper::GetNodes() const
{
    return NodeContainer(m_gateways, m_hostNodes[0], m_hostNodes[1]);
}

IpsecAddress
IpsecVpnHelper::GetHostAddress(uint32_t side, uint32_t i) const
{
    return m_hostAddr[side - 1].at(i);
}

IpsecAddress
IpsecVpnHelper::GetGatewayLanAddress(uint32_t side) const
{
    return m_gwLan[side - 1];
}

IpsecAddress
IpsecVpnHelper::GetGatewayWanAddress(uint32_t side) const
{
    return m_gwWan[side - 1];
}

NetDeviceContainer
IpsecVpnHelper::GetWanDevices() const
{
    return m_wan;
}

NetDeviceContainer
IpsecVpnHelper::GetLanDevices(uint32_t side) const
{
    return m_lan[side - 1];
}

} // namespace ns3
