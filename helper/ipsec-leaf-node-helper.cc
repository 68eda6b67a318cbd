/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-leaf-node-helper.h"

#include "ipsec-net-util.h"
#include "ipsec-stack-helper.h"
#include "ns3/double.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6-static-routing-helper.h"
#include "ns3/ipv6.h"
#include "ns3/log.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/string.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/traffic-control-layer.h"
#ifdef NS3_IPSEC_HAVE_WIFI // an ns-3 built with only the modules the model needs has no wifi
#include "ns3/mobility-helper.h"
#include "ns3/wifi-helper.h"
#include "ns3/wifi-mac-helper.h"
#include "ns3/wifi-net-device.h"
#include "ns3/yans-wifi-helper.h"
#endif

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecLeafNodeHelper");

namespace
{

/// A fixed IPv4 address /24 on @p device, as Ipv4AddressHelper::Assign
/// would give it (interface up, default queue disc) but without the global
/// address generator, so the topology can be built again in one process.
void
AssignFixedIpv4(Ptr<NetDevice> device, const char* address)
{
    Ptr<Ipv4> ipv4 = device->GetNode()->GetObject<Ipv4>();
    int32_t i = ipv4->GetInterfaceForDevice(device);
    if (i < 0)
    {
        i = ipv4->AddInterface(device);
    }
    ipv4->AddAddress(i, Ipv4InterfaceAddress(Ipv4Address(address), Ipv4Mask("255.255.255.0")));
    ipv4->SetMetric(i, 1);
    ipv4->SetUp(i);
    Ptr<TrafficControlLayer> tc = device->GetNode()->GetObject<TrafficControlLayer>();
    if (tc && !tc->GetRootQueueDiscOnDevice(device))
    {
        TrafficControlHelper::Default().Install(device);
    }
}

} // namespace

IpsecLeafNodeHelper::IpsecLeafNodeHelper()
    : m_ipv6(false)
    , m_leafType("p2p")
    , m_leafRate("256kbps")
    , m_leafDelay("20ms")
    , m_serverRate("10Mbps")
    , m_serverDelay("2ms")
{
}

void
IpsecLeafNodeHelper::SetIpv6(bool ipv6)
{
    m_ipv6 = ipv6;
}

void
IpsecLeafNodeHelper::SetLeafLinkType(const std::string& type)
{
    m_leafType = type;
}

void
IpsecLeafNodeHelper::SetLeafRate(const std::string& rate)
{
    m_leafRate = rate;
}

void
IpsecLeafNodeHelper::SetLeafDelay(const std::string& delay)
{
    m_leafDelay = delay;
}

void
IpsecLeafNodeHelper::SetServerRate(const std::string& rate)
{
    m_serverRate = rate;
}

void
IpsecLeafNodeHelper::SetServerDelay(const std::string& delay)
{
    m_serverDelay = delay;
}

void
IpsecLeafNodeHelper::Build()
{
    NS_ABORT_MSG_UNLESS(m_leafType == "p2p" || m_leafType == "wifi",
                        "IpsecLeafNodeHelper: leaf link type must be p2p or wifi, not "
                            << m_leafType);
#ifndef NS3_IPSEC_HAVE_WIFI
    NS_ABORT_MSG_IF(m_leafType == "wifi",
                    "IpsecLeafNodeHelper: a Wi-Fi leaf link needs ns-3's wifi module, which the "
                    "ns-3 this module was built against lacks");
#endif
    m_nodes.Create(3);
    Ptr<Node> leaf = m_nodes.Get(0);
    Ptr<Node> router = m_nodes.Get(1);
    Ptr<Node> server = m_nodes.Get(2);
    IpsecStackHelper stack;
    stack.Install(m_nodes);

#ifdef NS3_IPSEC_HAVE_WIFI
    if (m_leafType == "wifi")
    {
        WifiHelper wifi;
        wifi.SetStandard(WIFI_STANDARD_80211a);
        wifi.SetRemoteStationManager("ns3::ConstantRateWifiManager",
                                     "DataMode",
                                     StringValue("OfdmRate12Mbps"),
                                     "ControlMode",
                                     StringValue("OfdmRate6Mbps"));
        YansWifiChannelHelper channel = YansWifiChannelHelper::Default();
        YansWifiPhyHelper phy;
        phy.SetChannel(channel.Create());
        WifiMacHelper mac;
        mac.SetType("ns3::AdhocWifiMac");
        m_leafDevices = wifi.Install(phy, mac, NodeContainer(leaf, router));

        MobilityHelper mobility;
        Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
        positions->Add(Vector(0.0, 0.0, 0.0)); // leaf
        positions->Add(Vector(5.0, 0.0, 0.0)); // router, 5 m away
        mobility.SetPositionAllocator(positions);
        mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
        mobility.Install(NodeContainer(leaf, router));
    }
    else
#endif
    {
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue(m_leafRate));
        p2p.SetChannelAttribute("Delay", StringValue(m_leafDelay));
        m_leafDevices = p2p.Install(leaf, router);
    }
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue(m_serverRate));
    p2p.SetChannelAttribute("Delay", StringValue(m_serverDelay));
    m_serverDevices = p2p.Install(router, server);

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
IpsecLeafNodeHelper::AssignIpv4()
{
    AssignFixedIpv4(m_leafDevices.Get(0), "10.0.1.5");
    AssignFixedIpv4(m_leafDevices.Get(1), "10.0.1.1");
    AssignFixedIpv4(m_serverDevices.Get(0), "10.0.2.1");
    AssignFixedIpv4(m_serverDevices.Get(1), "10.0.2.2");
    m_leaf = IpsecAddress(Ipv4Address("10.0.1.5"));
    m_routerLeaf = IpsecAddress(Ipv4Address("10.0.1.1"));
    m_routerServer = IpsecAddress(Ipv4Address("10.0.2.1"));
    m_server = IpsecAddress(Ipv4Address("10.0.2.2"));
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
}

void
IpsecLeafNodeHelper::AssignIpv6()
{
    uint32_t leafIf = IpsecAssignIpv6(m_leafDevices.Get(0), "fd00:10:0:1::5", false);
    IpsecAssignIpv6(m_leafDevices.Get(1), "fd00:10:0:1::1", true);
    IpsecAssignIpv6(m_serverDevices.Get(0), "fd00:10:0:2::1", true);
    uint32_t serverIf = IpsecAssignIpv6(m_serverDevices.Get(1), "fd00:10:0:2::2", false);
    m_leaf = *IpsecAddress::Parse("fd00:10:0:1::5");
    m_routerLeaf = *IpsecAddress::Parse("fd00:10:0:1::1");
    m_routerServer = *IpsecAddress::Parse("fd00:10:0:2::1");
    m_server = *IpsecAddress::Parse("fd00:10:0:2::2");
    Ipv6StaticRoutingHelper routing;
    routing.GetStaticRouting(GetLeaf()->GetObject<Ipv6>())
        ->SetDefaultRoute(m_routerLeaf.ToIpv6(), leafIf);
    routing.GetStaticRouting(GetServer()->GetObject<Ipv6>())
        ->SetDefaultRoute(m_routerServer.ToIpv6(), serverIf);
}

Ptr<Node>
IpsecLeafNodeHelper::GetLeaf() const
{
    return m_nodes.Get(0);
}

Ptr<Node>
IpsecLeafNodeHelper::GetRouter() const
{
    return m_nodes.Get(1);
}

Ptr<Node>
IpsecLeafNodeHelper::GetServer() const
{
    return m_nodes.Get(2);
}

NodeContainer
IpsecLeafNodeHelper::GetNodes() const
{
    return m_nodes;
}

std::string
IpsecLeafNodeHelper::GetLeafLinkType() const
{
    return m_leafType;
}

IpsecAddress
IpsecLeafNodeHelper::GetLeafAddress() const
{
    return m_leaf;
}

IpsecAddress
IpsecLeafNodeHelper::GetRouterLeafAddress() const
{
    return m_routerLeaf;
}

IpsecAddress
IpsecLeafNodeHelper::GetRouterServerAddress() const
{
    return m_routerServer;
}

IpsecAddress
IpsecLeafNodeHelper::GetServerAddress() const
{
    return m_server;
}

NetDeviceContainer
IpsecLeafNodeHelper::GetLeafDevices() const
{
    return m_leafDevices;
}

NetDeviceContainer
IpsecLeafNodeHelper::GetServerDevices() const
{
    return m_serverDevices;
}

void
IpsecLeafNodeHelper::EnablePcap(const std::string& prefix) const
{
    NetDeviceContainer all(m_leafDevices, m_serverDevices);
    PointToPointHelper p2p;
#ifdef NS3_IPSEC_HAVE_WIFI
    YansWifiPhyHelper phy;
    phy.SetPcapDataLinkType(WifiPhyHelper::DLT_IEEE802_11_RADIO);
#endif
    for (uint32_t i = 0; i < all.GetN(); ++i)
    {
        Ptr<NetDevice> d = all.Get(i);
        if (DynamicCast<PointToPointNetDevice>(d))
        {
            p2p.EnablePcap(prefix, d, false, false);
        }
#ifdef NS3_IPSEC_HAVE_WIFI
        else if (DynamicCast<WifiNetDevice>(d))
        {
            phy.EnablePcap(prefix, d, false, false);
        }
#endif
    }
}

int64_t
IpsecLeafNodeHelper::AssignStreams(int64_t stream) const
{
#ifdef NS3_IPSEC_HAVE_WIFI
    if (m_leafType == "wifi")
    {
        WifiHelper wifi;
        return wifi.AssignStreams(m_leafDevices, stream);
    }
#endif
    (void) stream;
    return 0;
}

} // namespace ns3
