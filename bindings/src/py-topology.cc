/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ns3ipsec._core's topologies: the FAQ's (host-to-host, VPN, leaf node) from
 * the module's helpers, and one's own from nodes, point-to-point and CSMA
 * links with rate, delay, MTU and loss, addresses and routes.
 */
#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/mobility-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/wifi-module.h"
#include "py-module.h"

namespace py = pybind11;
using namespace ns3;

namespace ns3ipsec
{

namespace
{

/// The devices of one link.
struct PyLink
{
    NetDeviceContainer devices;
    std::string kind; ///< "p2p" or "csma"
};

PyNode
Wrap(Ptr<Node> n)
{
    return PyNode{n};
}

void
SetLoss(const NetDeviceContainer& devices, double rate)
{
    if (rate <= 0)
    {
        return;
    }
    for (uint32_t i = 0; i < devices.GetN(); ++i)
    {
        Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
        em->SetAttribute("ErrorUnit", StringValue("ERROR_UNIT_PACKET"));
        em->SetAttribute("ErrorRate", DoubleValue(rate));
        devices.Get(i)->SetAttribute("ReceiveErrorModel", PointerValue(em));
    }
}

PyLink
PointToPoint(const PyNode& a,
             const PyNode& b,
             const std::string& rate,
             const std::string& delay,
             uint32_t mtu,
             double loss)
{
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue(rate));
    p2p.SetChannelAttribute("Delay", StringValue(delay));
    if (mtu)
    {
        p2p.SetDeviceAttribute("Mtu", UintegerValue(mtu));
    }
    PyLink l{p2p.Install(a.node, b.node), "p2p"};
    SetLoss(l.devices, loss);
    return l;
}

PyLink
Csma(const std::vector<PyNode>& nodes,
     const std::string& rate,
     const std::string& delay,
     uint32_t mtu,
     double loss)
{
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue(rate));
    csma.SetChannelAttribute("Delay", StringValue(delay));
    if (mtu)
    {
        csma.SetDeviceAttribute("Mtu", UintegerValue(mtu));
    }
    PyLink l{csma.Install(UnwrapNodes(nodes)), "csma"};
    SetLoss(l.devices, loss);
    return l;
}

PyLink
Wifi(const std::vector<PyNode>& nodes,
     const std::string& mode,
     double spacing,
     uint32_t mtu,
     double loss)
{
    // An ad hoc 802.11a network at a fixed rate: the nodes stand on a line,
    // spacing metres apart (the default channel: log-distance loss).
    WifiHelper wifi;
    wifi.SetStandard(WIFI_STANDARD_80211a);
    wifi.SetRemoteStationManager("ns3::ConstantRateWifiManager",
                                 "DataMode",
                                 StringValue(mode),
                                 "ControlMode",
                                 StringValue(mode));
    YansWifiChannelHelper channel = YansWifiChannelHelper::Default();
    YansWifiPhyHelper phy;
    phy.SetChannel(channel.Create());
    WifiMacHelper mac;
    mac.SetType("ns3::AdhocWifiMac");
    NodeContainer c = UnwrapNodes(nodes);
    MobilityHelper mobility;
    mobility.SetPositionAllocator("ns3::GridPositionAllocator",
                                  "DeltaX",
                                  DoubleValue(spacing),
                                  "GridWidth",
                                  UintegerValue(c.GetN()));
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(c);
    PyLink l{wifi.Install(phy, mac, c), "wifi"};
    if (loss > 0)
    {
        // Frames lost after reception, whatever the channel: the MAC then
        // retries unicast frames as it would after any loss.
        for (uint32_t i = 0; i < l.devices.GetN(); ++i)
        {
            Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
            em->SetAttribute("ErrorUnit", StringValue("ERROR_UNIT_PACKET"));
            em->SetAttribute("ErrorRate", DoubleValue(loss));
            // Streams of its own: which frames are lost does not depend on
            // what ran before in the process.
            em->AssignStreams(500 + 2 * i);
            DynamicCast<WifiNetDevice>(l.devices.Get(i))->GetPhy()->SetPostReceptionErrorModel(em);
        }
    }
    if (mtu)
    {
        for (uint32_t i = 0; i < l.devices.GetN(); ++i)
        {
            l.devices.Get(i)->SetMtu(mtu);
        }
    }
    return l;
}

std::vector<std::string>
AssignIpv4(const PyLink& l, const std::string& network, const std::string& mask)
{
    Ipv4AddressHelper h;
    h.SetBase(network.c_str(), mask.c_str());
    Ipv4InterfaceContainer c = h.Assign(l.devices);
    std::vector<std::string> out;
    for (uint32_t i = 0; i < c.GetN(); ++i)
    {
        std::ostringstream os;
        c.GetAddress(i).Print(os);
        out.push_back(os.str());
    }
    return out;
}

std::vector<std::string>
AssignIpv6(const PyLink& l, const std::string& prefix)
{
    Ipv6AddressHelper h;
    h.SetBase(Ipv6Address(prefix.c_str()), Ipv6Prefix(64));
    Ipv6InterfaceContainer c = h.Assign(l.devices);
    c.SetForwarding(0, true);
    std::vector<std::string> out;
    for (uint32_t i = 0; i < c.GetN(); ++i)
    {
        std::ostringstream os;
        c.GetAddress(i, 1).Print(os);
        out.push_back(os.str());
    }
    return out;
}

void
InstallStack(const std::vector<PyNode>& nodes, bool ipv4, bool ipv6, bool ipsec)
{
    if (!ipsec)
    {
        InternetStackHelper internet;
        internet.SetIpv4StackInstall(ipv4);
        internet.SetIpv6StackInstall(ipv6);
        internet.Install(UnwrapNodes(nodes));
        return;
    }
    IpsecStackHelper stack;
    stack.SetIpv4StackInstall(ipv4);
    stack.SetIpv6StackInstall(ipv6);
    stack.Install(UnwrapNodes(nodes));
}

void
EnablePcap(const PyLink& l, const std::string& prefix)
{
    if (l.kind == "p2p")
    {
        PointToPointHelper().EnablePcap(prefix, l.devices, false);
    }
    else if (l.kind == "wifi")
    {
        YansWifiPhyHelper phy;
        phy.SetPcapDataLinkType(WifiPhyHelper::DLT_IEEE802_11);
        phy.EnablePcap(prefix, l.devices, false);
    }
    else
    {
        CsmaHelper().EnablePcap(prefix, l.devices, false);
    }
}

std::string
Str(const IpsecAddress& a)
{
    return a.ToString();
}

} // namespace

void
RegisterTopology(py::module_& m)
{
    m.def("create_nodes",
          [](uint32_t n)
          {
              NodeContainer c;
              c.Create(n);
              return WrapNodes(c);
          });
    m.def("install_stack",
          &InstallStack,
          py::arg("nodes"),
          py::arg("ipv4"),
          py::arg("ipv6"),
          py::arg("ipsec") = true);
    py::class_<PyLink>(m, "Link")
        .def_property_readonly("size",
                               [](const PyLink& l)
                               {
                                   return l.devices.GetN();
                               })
        .def("device_index",
             [](const PyLink& l, const PyNode& n)
             {
                 for (uint32_t i = 0; i < l.devices.GetN(); ++i)
                 {
                     if (l.devices.Get(i)->GetNode() == n.node)
                     {
                         return l.devices.Get(i)->GetIfIndex();
                     }
                 }
                 throw py::value_error("node " + std::to_string(n.node->GetId())
                                       + " is not on this link");
             })
        .def("enable_pcap", &EnablePcap)
        .def("assign_ipv4", &AssignIpv4)
        .def("assign_ipv6", &AssignIpv6);
    m.def("point_to_point", &PointToPoint);
    m.def("csma", &Csma);
    m.def("wifi", &Wifi);
    m.def("populate_routing_tables",
          []()
          {
              Ipv4GlobalRoutingHelper::PopulateRoutingTables();
          });
    m.def("add_ipv6_default_route",
          [](const PyNode& n, const std::string& gw, uint32_t iface)
          {
              Ipv6StaticRoutingHelper h;
              h.GetStaticRouting(n.node->GetObject<Ipv6>())
                  ->SetDefaultRoute(Ipv6Address(gw.c_str()), iface);
          });
    m.def("enable_ipv6_forwarding",
          [](const PyNode& n)
          {
              n.node->GetObject<Ipv6>()->SetAttribute("IpForward", BooleanValue(true));
          });

    py::class_<IpsecHostToHostHelper>(m, "HostToHostHelper")
        .def(py::init<>())
        .def("set_ipv6", &IpsecHostToHostHelper::SetIpv6)
        .def("set_link_rate", &IpsecHostToHostHelper::SetLinkRate)
        .def("set_link_delay", &IpsecHostToHostHelper::SetLinkDelay)
        .def("build", &IpsecHostToHostHelper::Build)
        .def("host_a",
             [](const IpsecHostToHostHelper& h)
             {
                 return Wrap(h.GetHostA());
             })
        .def("host_b",
             [](const IpsecHostToHostHelper& h)
             {
                 return Wrap(h.GetHostB());
             })
        .def("router",
             [](const IpsecHostToHostHelper& h)
             {
                 return Wrap(h.GetRouter());
             })
        .def("address_a",
             [](const IpsecHostToHostHelper& h)
             {
                 return Str(h.GetAddressA());
             })
        .def("address_b",
             [](const IpsecHostToHostHelper& h)
             {
                 return Str(h.GetAddressB());
             })
        .def("enable_pcap",
             [](const IpsecHostToHostHelper& h, const std::string& prefix)
             {
                 PointToPointHelper().EnablePcap(prefix, h.GetDevices(), false);
             });

    py::class_<IpsecVpnHelper>(m, "VpnHelper")
        .def(py::init<>())
        .def("set_hosts_per_network", &IpsecVpnHelper::SetHostsPerNetwork)
        .def("set_ipv6", &IpsecVpnHelper::SetIpv6)
        .def("set_lan_rate", &IpsecVpnHelper::SetLanRate)
        .def("set_lan_delay", &IpsecVpnHelper::SetLanDelay)
        .def("set_wan_rate", &IpsecVpnHelper::SetWanRate)
        .def("set_wan_delay", &IpsecVpnHelper::SetWanDelay)
        .def("build", &IpsecVpnHelper::Build)
        .def("gateway",
             [](const IpsecVpnHelper& h, uint32_t s)
             {
                 return Wrap(h.GetGateway(s));
             })
        .def("hosts",
             [](const IpsecVpnHelper& h, uint32_t s)
             {
                 return WrapNodes(h.GetHosts(s));
             })
        .def("host_address",
             [](const IpsecVpnHelper& h, uint32_t s, uint32_t i)
             {
                 return Str(h.GetHostAddress(s, i));
             })
        .def("gateway_lan_address",
             [](const IpsecVpnHelper& h, uint32_t s)
             {
                 return Str(h.GetGatewayLanAddress(s));
             })
        .def("gateway_wan_address",
             [](const IpsecVpnHelper& h, uint32_t s)
             {
                 return Str(h.GetGatewayWanAddress(s));
             })
        .def("enable_pcap",
             [](const IpsecVpnHelper& h, const std::string& prefix)
             {
                 PointToPointHelper().EnablePcap(prefix, h.GetWanDevices(), false);
             });

    py::class_<IpsecLeafNodeHelper>(m, "LeafNodeHelper")
        .def(py::init<>())
        .def("set_ipv6", &IpsecLeafNodeHelper::SetIpv6)
        .def("set_leaf_link_type", &IpsecLeafNodeHelper::SetLeafLinkType)
        .def("set_leaf_rate", &IpsecLeafNodeHelper::SetLeafRate)
        .def("set_leaf_delay", &IpsecLeafNodeHelper::SetLeafDelay)
        .def("set_server_rate", &IpsecLeafNodeHelper::SetServerRate)
        .def("set_server_delay", &IpsecLeafNodeHelper::SetServerDelay)
        .def("build", &IpsecLeafNodeHelper::Build)
        .def("leaf",
             [](const IpsecLeafNodeHelper& h)
             {
                 return Wrap(h.GetLeaf());
             })
        .def("router",
             [](const IpsecLeafNodeHelper& h)
             {
                 return Wrap(h.GetRouter());
             })
        .def("server",
             [](const IpsecLeafNodeHelper& h)
             {
                 return Wrap(h.GetServer());
             })
        .def("leaf_address",
             [](const IpsecLeafNodeHelper& h)
             {
                 return Str(h.GetLeafAddress());
             })
        .def("server_address",
             [](const IpsecLeafNodeHelper& h)
             {
                 return Str(h.GetServerAddress());
             })
        .def("enable_pcap", &IpsecLeafNodeHelper::EnablePcap);
}

} // namespace ns3ipsec
