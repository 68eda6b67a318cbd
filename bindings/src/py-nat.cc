/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ns3ipsec._core's NAT box (Ipv4Nat, Ipv4NatHelper) and the node's side of
 * NAT traversal (the socket option UDP_ENCAP_ESPINUDP, its keepalive
 * count and trace).  Errors that the C++ helper would abort on (no IPv4
 * stack, a second NAT, a bad interface, an attribute value refused) are
 * checked here first and raised as Python exceptions.  The Python side is
 * the Nat class of bindings/ns3ipsec/__init__.py.
 */
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/ipv4-nat-helper.h"
#include "ns3/ipv4-nat.h"
#include "py-module.h"

#include <sstream>

namespace py = pybind11;
using namespace ns3;

namespace ns3ipsec
{

namespace
{

/// A node's NAT box.
struct PyNat
{
    Ptr<Ipv4Nat> nat; ///< the NAT
};

std::string
Str(const Ipv4Address& a)
{
    std::ostringstream os;
    a.Print(os);
    return os.str();
}

std::string
ProtocolName(uint8_t p)
{
    switch (p)
    {
        case 0:
            return "address";
        case 1:
            return "icmp";
        case 6:
            return "tcp";
        case 17:
            return "udp";
        case 50:
            return "esp";
        case 51:
            return "ah";
        default:
            return std::to_string(p);
    }
}

py::dict
MappingDict(const Ipv4NatMapping& m)
{
    py::dict d;
    d["protocol"] = m.protocol;
    d["protocol_name"] = ProtocolName(m.protocol);
    d["inside_address"] = Str(m.insideAddress);
    d["inside_port"] = m.insidePort;
    d["outside_address"] = Str(m.outsideAddress);
    d["outside_port"] = m.outsidePort;
    d["remote_address"] = Str(m.remoteAddress);
    d["remote_port"] = m.remotePort;
    d["static"] = m.isStatic;
    d["created_s"] = m.created.GetSeconds();
    d["expires_s"]
        = m.isStatic ? py::object(py::none()) : py::object(py::float_(m.deadline.GetSeconds()));
    d["packets_out"] = m.packetsOut;
    d["packets_in"] = m.packetsIn;
    return d;
}

py::dict
StatsDict(const Ipv4NatStats& s)
{
    py::dict d;
    d["translated_out"] = s.translatedOut;
    d["translated_in"] = s.translatedIn;
    d["icmp_errors_out"] = s.icmpErrorsOut;
    d["icmp_errors_in"] = s.icmpErrorsIn;
    d["fragments_out"] = s.fragmentsOut;
    d["fragments_in"] = s.fragmentsIn;
    d["mappings_created"] = s.mappingsCreated;
    d["mappings_expired"] = s.mappingsExpired;
    d["takeovers"] = s.takeovers;
    d["fragment_evictions"] = s.fragmentEvictions;
    d["dropped"] = s.dropped;
    d["dropped_no_mapping"] = s.droppedNoMapping;
    d["dropped_filtered"] = s.droppedFiltered;
    d["dropped_ports_exhausted"] = s.droppedPortsExhausted;
    d["dropped_addresses_exhausted"] = s.droppedAddressesExhausted;
    d["dropped_table_full"] = s.droppedTableFull;
    d["dropped_fragment_unknown"] = s.droppedFragmentUnknown;
    d["dropped_malformed"] = s.droppedMalformed;
    d["dropped_unsupported"] = s.droppedUnsupported;
    return d;
}

Ipv4Address
ParseIpv4(const std::string& text)
{
    // Ipv4Address(const char*) accepts anything: check the dotted quad first.
    unsigned b[4];
    char tail;
    if (std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &b[0], &b[1], &b[2], &b[3], &tail) != 4
        || b[0] > 255 || b[1] > 255 || b[2] > 255 || b[3] > 255)
    {
        throw py::value_error("not an IPv4 address: " + text);
    }
    return Ipv4Address(text.c_str());
}

/// The IPv4 interface of device @p index of @p node.
uint32_t
InterfaceOf(Ptr<Node> node, Ptr<Ipv4> ipv4, uint32_t index)
{
    if (index >= node->GetNDevices())
    {
        throw py::value_error("node " + std::to_string(node->GetId()) + " has no device "
                              + std::to_string(index));
    }
    int32_t i = ipv4->GetInterfaceForDevice(node->GetDevice(index));
    if (i < 0)
    {
        throw py::value_error("device " + std::to_string(index) + " of node "
                              + std::to_string(node->GetId()) + " has no IPv4 interface");
    }
    return uint32_t(i);
}

PyNat
InstallNat(const PyNode& n,
           const std::vector<uint32_t>& insideDevices,
           uint32_t outsideDevice,
           const std::vector<std::pair<std::string, std::string>>& attributes)
{
    Ptr<Ipv4> ipv4 = n.node->GetObject<Ipv4>();
    if (!ipv4 || !ipv4->GetRoutingProtocol())
    {
        throw py::value_error("nat: the router needs an IPv4 stack (install_stack) first");
    }
    if (n.node->GetObject<Ipv4Nat>())
    {
        throw py::value_error("nat: node " + std::to_string(n.node->GetId())
                              + " already has a NAT");
    }
    if (insideDevices.empty())
    {
        throw py::value_error("nat: at least one inside network is needed");
    }
    uint32_t outside = InterfaceOf(n.node, ipv4, outsideDevice);
    std::vector<uint32_t> inside;
    for (uint32_t d : insideDevices)
    {
        uint32_t i = InterfaceOf(n.node, ipv4, d);
        if (i == outside)
        {
            throw py::value_error("nat: the outside network cannot also be an inside one");
        }
        inside.push_back(i);
    }
    Ipv4NatHelper helper;
    TypeId tid = Ipv4Nat::GetTypeId();
    for (const auto& [name, value] : attributes)
    {
        TypeId::AttributeInformation info;
        if (!tid.LookupAttributeByName(name, &info))
        {
            throw py::value_error("nat: ns3::Ipv4Nat has no attribute " + name);
        }
        // ns-3 aborts on an ill-formed number: check those first.
        std::string type = info.checker->GetValueTypeName();
        bool numeric = type == "ns3::UintegerValue" || type == "ns3::IntegerValue"
                    || type == "ns3::DoubleValue";
        size_t used = 0;
        bool wellFormed = !value.empty();
        try
        {
            if (numeric && wellFormed)
            {
                (void) std::stod(value, &used);
                wellFormed = used == value.size()
                          && (type == "ns3::DoubleValue"
                              || value.find_first_of(".eE") == std::string::npos)
                          && (type != "ns3::UintegerValue" || value[0] != '-');
            }
        }
        catch (const std::exception&)
        {
            wellFormed = false;
        }
        if ((numeric && !wellFormed) || !info.checker->CreateValidValue(StringValue(value)))
        {
            throw py::value_error("nat: attribute " + name + " refuses " + value);
        }
        helper.SetAttribute(name, StringValue(value));
    }
    return PyNat{helper.Install(n.node, inside, outside)};
}

} // namespace

void
RegisterNat(py::module_& m)
{
    py::class_<PyNat>(m, "Nat")
        .def("stats",
             [](const PyNat& n)
             {
                 return StatsDict(n.nat->GetStats());
             })
        .def("mappings",
             [](const PyNat& n)
             {
                 py::list out;
                 for (const Ipv4NatMapping& mapping : n.nat->GetMappings())
                 {
                     out.append(MappingDict(mapping));
                 }
                 return out;
             })
        .def("mapping_count",
             [](const PyNat& n)
             {
                 return n.nat->GetMappingCount();
             })
        .def("table",
             [](const PyNat& n)
             {
                 std::ostringstream os;
                 n.nat->Print(os);
                 return os.str();
             })
        .def("outside_address",
             [](const PyNat& n)
             {
                 return Str(n.nat->GetOutsideAddress());
             })
        .def("set_outside_address",
             [](const PyNat& n, const std::string& a)
             {
                 n.nat->SetOutsideAddress(ParseIpv4(a));
             })
        .def("add_pool_address",
             [](const PyNat& n, const std::string& a)
             {
                 n.nat->AddPoolAddress(ParseIpv4(a));
             })
        .def("add_port_forward",
             [](const PyNat& n,
                uint8_t protocol,
                uint16_t outsidePort,
                const std::string& insideAddress,
                uint16_t insidePort)
             {
                 return n.nat->AddStaticPortMapping(
                     protocol, outsidePort, ParseIpv4(insideAddress), insidePort);
             })
        .def("add_static_address",
             [](const PyNat& n, const std::string& inside, const std::string& outside)
             {
                 return n.nat->AddStaticAddressMapping(ParseIpv4(inside), ParseIpv4(outside));
             })
        .def("assign_streams",
             [](const PyNat& n, int64_t stream)
             {
                 return n.nat->AssignStreams(stream);
             })
        .def("get_attribute",
             [](const PyNat& n, const std::string& name)
             {
                 TypeId::AttributeInformation info;
                 if (!Ipv4Nat::GetTypeId().LookupAttributeByName(name, &info))
                 {
                     throw py::value_error("ns3::Ipv4Nat has no attribute " + name);
                 }
                 Ptr<AttributeValue> v = info.checker->Create();
                 n.nat->GetAttribute(name, *v);
                 return v->SerializeToString(info.checker);
             })
        .def("on_mapping",
             [](const PyNat& n, bool created, py::function cb)
             {
                 std::function<void(const Ipv4NatMapping&)> f = [cb](const Ipv4NatMapping& mp)
                 {
                     cb(MappingDict(mp));
                 };
                 n.nat->TraceConnectWithoutContext(created ? "MappingCreated" : "MappingExpired",
                                                   Callback<void, const Ipv4NatMapping&>(f));
             })
        .def("on_drop",
             [](const PyNat& n, py::function cb)
             {
                 std::function<void(Ptr<const Packet>, const Ipv4Header&, Ipv4Nat::DropReason)> f
                     = [cb](Ptr<const Packet> p, const Ipv4Header& h, Ipv4Nat::DropReason why)
                 {
                     cb(std::string(Ipv4Nat::DropReasonName(why)),
                        Str(h.GetSource()),
                        Str(h.GetDestination()),
                        int(h.GetProtocol()),
                        p ? p->GetSize() : 0);
                 };
                 n.nat->TraceConnectWithoutContext(
                     "Drop",
                     Callback<void, Ptr<const Packet>, const Ipv4Header&, Ipv4Nat::DropReason>(f));
             })
        .def("on_translated",
             [](const PyNat& n, py::function cb)
             {
                 std::function<void(Ptr<const Packet>, const Ipv4Header&, Ipv4Nat::Direction)> f
                     = [cb](Ptr<const Packet> p, const Ipv4Header& h, Ipv4Nat::Direction d)
                 {
                     cb(d == Ipv4Nat::OUTBOUND,
                        Str(h.GetSource()),
                        Str(h.GetDestination()),
                        int(h.GetProtocol()),
                        p ? p->GetSize() : 0);
                 };
                 n.nat->TraceConnectWithoutContext(
                     "Translated",
                     Callback<void, Ptr<const Packet>, const Ipv4Header&, Ipv4Nat::Direction>(f));
             });
    m.def("install_nat", &InstallNat);
    m.def("node_nat",
          [](const PyNode& n) -> py::object
          {
              Ptr<Ipv4Nat> nat = n.node->GetObject<Ipv4Nat>();
              if (!nat)
              {
                  return py::none();
              }
              return py::cast(PyNat{nat});
          });

    // The node's side of RFC 3948: setsockopt UDP_ENCAP_ESPINUDP on a port.
    m.def("set_udp_encap_port",
          [](const PyNode& n, uint16_t port, bool on)
          {
              IpsecHelper::GetStack(n.node)->SetUdpEncapPort(port, on);
          });
    m.def("is_udp_encap_port",
          [](const PyNode& n, uint16_t port)
          {
              return IpsecHelper::GetStack(n.node)->IsUdpEncapPort(port);
          });
    m.def("udp_encap_keepalives",
          [](const PyNode& n)
          {
              return IpsecHelper::GetStack(n.node)->GetUdpEncapKeepalives();
          });
    m.def("on_udp_encap_keepalive",
          [](const PyNode& n, py::function cb)
          {
              std::function<void(Ptr<const Packet>, Ipv4Address, uint16_t)> f
                  = [cb](Ptr<const Packet>, Ipv4Address src, uint16_t sport)
              {
                  cb(Str(src), sport);
              };
              IpsecHelper::GetStack(n.node)->TraceConnectWithoutContext(
                  "UdpEncapKeepalive", Callback<void, Ptr<const Packet>, Ipv4Address, uint16_t>(f));
          });
}

} // namespace ns3ipsec
