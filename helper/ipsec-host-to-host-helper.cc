/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-host-to-host-helper.h"

#include "ipsec-net-util.h"
#include "ipsec-stack-helper.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv6-static-routing-helper.h"
#include "ns3/ipv6.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/string.h"

namespace ns3
{

IpsecHostToHostHelper::IpsecHostToHostHelper()
    : m_rate("10Mbps")
    , m_delay("2ms")
    , m_ipv6(false)
{
}

void
IpsecHostToHostHelper::SetLinkRate(const std::string& rate)
{
    m_rate = rate;
}

void
IpsecHostToHostHelper::SetLinkDelay(const std::string& delay)
{
    m_delay = delay;
}

void
IpsecHostToHostHelper::SetIpv6(bool ipv6)
{
    m_ipv6 = ipv6;
}

void
IpsecHostToHostHelper::Build()
{
    m_nodes.Create(3);
    Ptr<Node> a = m_nodes.Get(0);
    Ptr<Node> r = m_nodes.Get(1);
    Ptr<Node> b = m_nodes.Get(2);

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue(m_rate));
    p2p.SetChannelAttribute("Delay", StringValue(m_delay));
    NetDeviceContainer left = p2p.Install(a, r);
    NetDeviceContainer right = p2p.Install(r, b);
    m_devices.Add(left);
    m_devices.Add(right);

    IpsecStackHelper ipsecStack;
    ipsecStack.Install(NodeContainer(a, b));
    InternetStackHelper plain;
    plain.Install(r);

    if (!m_ipv6)
    {
        Ipv4AddressHelper addr;
        addr.SetBase("10.1.1.0", "255.255.255.0", "0.0.0.1");
        Ipv4InterfaceContainer l = addr.Assign(left); // A = 10.1.1.1, router = 10.1.1.2
        addr.SetBase("20.1.1.0", "255.255.255.0", "0.0.0.1");
        Ipv4InterfaceContainer rr = addr.Assign(NetDeviceContainer(right.Get(1), right.Get(0)));
        m_a = IpsecAddress(l.GetAddress(0));
        m_b = IpsecAddress(rr.GetAddress(0)); // B = 20.1.1.1
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();
        return;
    }
    // Fixed addresses, so setkey scripts can name them: ::1 on the hosts, ::2 on the router.
    IpsecAssignIpv6(left.Get(0), "fd00:10:1::1", false);
    IpsecAssignIpv6(left.Get(1), "fd00:10:1::2", true);
    IpsecAssignIpv6(right.Get(0), "fd00:20:1::2", true);
    IpsecAssignIpv6(right.Get(1), "fd00:20:1::1", false);
    Ipv6StaticRoutingHelper routing;
    routing.GetStaticRouting(a->GetObject<Ipv6>())->SetDefaultRoute(Ipv6Address("fd00:10:1::2"), 1);
    routing.GetStaticRouting(b->GetObject<Ipv6>())->SetDefaultRoute(Ipv6Address("fd00:20:1::2"), 1);
    m_a = IpsecAddress(Ipv6Address("fd00:10:1::1"));
    m_b = IpsecAddress(Ipv6Address("fd00:20:1::1"));
}

Ptr<Node>
IpsecHostToHostHelper::GetHostA() const
{
    return m_nodes.Get(0);
}

Ptr<Node>
IpsecHostToHostHelper::GetHostB() const
{
    return m_nodes.Get(2);
}

Ptr<Node>
IpsecHostToHostHelper::GetRouter() const
{
    return m_nodes.Get(1);
}

NodeContainer
IpsecHostToHostHelper::GetNodes() const
{
    return m_nodes;
}

NetDeviceContainer
IpsecHostToHostHelper::GetDevices() const
{
    return m_devices;
}

IpsecAddress
IpsecHostToHostHelper::GetAddressA() const
{
    return m_a;
}

IpsecAddress
IpsecHostToHostHelper::GetAddressB() const
{
    return m_b;
}

} // namespace ns3
