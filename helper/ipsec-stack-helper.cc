/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-stack-helper.h"

#include "ipsec-list-routing-helper.h"
#include "ns3/arp-l3-protocol.h"
#include "ns3/ipsec-cpu.h"
#include "ns3/ipsec-ipv4-l3-protocol.h"
#include "ns3/ipsec-ipv6-l3-protocol.h"
#include "ns3/ipsec-l4-protocol.h"
#include "ns3/ipsec-policed-l4.h"
#include "ns3/ipsec-stack.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv6-static-routing-helper.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet-socket-factory.h"
#include "ns3/traffic-control-layer.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecStackHelper");

IpsecStackHelper::IpsecStackHelper()
    : m_ipv4(true)
    , m_ipv6(true)
{
    Ipv4StaticRoutingHelper staticRouting;
    Ipv4GlobalRoutingHelper globalRouting;
    IpsecIpv4ListRoutingHelper list;
    list.Add(staticRouting, 0);
    list.Add(globalRouting, -10);
    m_routing.reset(list.Copy());
    Ipv6StaticRoutingHelper staticRouting6;
    IpsecIpv6ListRoutingHelper list6;
    list6.Add(staticRouting6, 0);
    m_routing6.reset(list6.Copy());
    m_ipsecFactory.SetTypeId(IpsecStack::GetTypeId());
    m_cpuFactory.SetTypeId(IpsecCpu::GetTypeId());
}

IpsecStackHelper::~IpsecStackHelper() = default;

IpsecStackHelper::IpsecStackHelper(const IpsecStackHelper& o)
    : m_routing(o.m_routing->Copy())
    , m_routing6(o.m_routing6->Copy())
    , m_ipv4(o.m_ipv4)
    , m_ipv6(o.m_ipv6)
    , m_ipsecFactory(o.m_ipsecFactory)
    , m_cpuFactory(o.m_cpuFactory)
{
}

IpsecStackHelper&
IpsecStackHelper::operator=(const IpsecStackHelper& o)
{
    if (this != &o)
    {
        m_routing.reset(o.m_routing->Copy());
        m_routing6.reset(o.m_routing6->Copy());
        m_ipv4 = o.m_ipv4;
        m_ipv6 = o.m_ipv6;
        m_ipsecFactory = o.m_ipsecFactory;
        m_cpuFactory = o.m_cpuFactory;
    }
    return *this;
}

void
IpsecStackHelper::SetRoutingHelper(const Ipv4RoutingHelper& routing)
{
    m_routing.reset(routing.Copy());
}

void
IpsecStackHelper::SetRoutingHelper(const Ipv6RoutingHelper& routing)
{
    m_routing6.reset(routing.Copy());
}

void
IpsecStackHelper::SetIpv4StackInstall(bool enable)
{
    m_ipv4 = enable;
}

void
IpsecStackHelper::SetIpv6StackInstall(bool enable)
{
    m_ipv6 = enable;
}

void
IpsecStackHelper::SetCpuAttribute(const std::string& name, const AttributeValue& value)
{
    m_cpuFactory.Set(name, value);
}

void
IpsecStackHelper::SetIpsecAttribute(const std::string& name, const AttributeValue& value)
{
    m_ipsecFactory.Set(name, value);
}

namespace
{

template <typename T>
Ptr<T>
AggregateNew(Ptr<Node> node)
{
    Ptr<T> object = CreateObject<T>();
    node->AggregateObject(object);
    return object;
}

} // namespace

void
IpsecStackHelper::Install(Ptr<Node> node) const
{
    if (node->GetObject<Ipv4>() || node->GetObject<Ipv6>())
    {
        NS_FATAL_ERROR("IpsecStackHelper::Install: node " << node->GetId()
                                                          << " already has an Internet stack");
    }
    Ptr<IpsecStack> ipsec = m_ipsecFactory.Create<IpsecStack>();
    node->AggregateObject(ipsec);
    if (!node->GetObject<IpsecCpu>())
    {
        node->AggregateObject(m_cpuFactory.Create<IpsecCpu>());
    }
    if (m_ipv4)
    {
        AggregateNew<ArpL3Protocol>(node);
        Ptr<IpsecIpv4L3Protocol> ipv4 = AggregateNew<IpsecIpv4L3Protocol>(node);
        AggregateNew<IpsecIcmpv4L4Protocol>(node);
        ipv4->SetRoutingProtocol(m_routing->Create(node));
    }
    if (m_ipv6)
    {
        Ptr<IpsecIpv6L3Protocol> ipv6 = AggregateNew<IpsecIpv6L3Protocol>(node);
        AggregateNew<IpsecIcmpv6L4Protocol>(node);
        ipv6->SetRoutingProtocol(m_routing6->Create(node));
        ipv6->RegisterExtensions();
        ipv6->RegisterOptions();
    }
    Ptr<TrafficControlLayer> tc = AggregateNew<TrafficControlLayer>(node);
    AggregateNew<IpsecUdpL4Protocol>(node);
    AggregateNew<IpsecTcpL4Protocol>(node);
    if (!node->GetObject<PacketSocketFactory>())
    {
        AggregateNew<PacketSocketFactory>(node);
    }
    if (m_ipv4)
    {
        node->GetObject<ArpL3Protocol>()->SetTrafficControl(tc);
    }
    // ESP, AH, IPComp, and IP-in-IP (IPv4 4, IPv6 41: what an IPComp tunnel
    // sends when it does not compress).
    for (uint8_t proto : {uint8_t(50), uint8_t(51), uint8_t(108), uint8_t(4), uint8_t(41)})
    {
        Ptr<IpsecL4Protocol> l4 = CreateObject<IpsecL4Protocol>();
        l4->Setup(ipsec, proto);
        if (m_ipv4)
        {
            node->GetObject<Ipv4>()->Insert(l4);
        }
        if (m_ipv6)
        {
            // (IpsecIpv6L3Protocol also registers ESP, AH and IPComp as
            // extension headers, so they are found behind any other one.)
            node->GetObject<Ipv6>()->Insert(l4);
        }
    }
}

void
IpsecStackHelper::Install(const NodeContainer& nodes) const
{
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        Install(*it);
    }
}

int64_t
IpsecStackHelper::AssignStreams(const NodeContainer& nodes, int64_t stream) const
{
    int64_t current = stream;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        if (Ptr<IpsecStack> ipsec = (*it)->GetObject<IpsecStack>())
        {
            current += ipsec->AssignStreams(current);
        }
    }
    return current - stream;
}

} // namespace ns3
