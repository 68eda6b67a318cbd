/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ns3ipsec._core's example scaffolding: what the C++ examples share
 * (examples/common) bound as it is, so that the Python examples
 * (examples/python) give the same numbers by construction -- the report
 * (flow lines, netstat sections, racoon lines, setkey -D, the JSON
 * summary), the output options, the FAQ's IKE example as one object, the
 * POP3 server and client with their observers, the adversary's tally --
 * and the few pieces of ns-3 and of the module the examples' scenarios use
 * beyond the package's basics (devices, static routes, PF_KEY sockets, the
 * adversary, racoon's daemon object).  The Python side is
 * bindings/ns3ipsec/examples.py, which gives the Pythonic names and
 * exceptions.
 *
 * Whatever C++ prints while the simulation runs (setkey dumps at times,
 * racoon's log, policy decisions) goes to Python's sys.stdout through
 * CoutToPython, so that it interleaves with what Python prints in order.
 */
#include "common/ipsec-attack-tally.h"
#include "common/ipsec-example-args.h"
#include "common/ipsec-example-output.h"
#include "common/ipsec-example-report.h"
#include "common/ipsec-example-trace.h"
#include "common/ipsec-ike-faq-helper.h"
#include "common/ipsec-pop3.h"
#include "common/ipsec-traffic-helper.h"
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/csma-helper.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-adversary-helper.h"
#include "ns3/ipsec-module.h"
#include "ns3/ipsec-net-util.h"
#include "ns3/ipv4-address-generator.h"
#include "ns3/point-to-point-helper.h"
#include "py-module.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <pybind11/iostream.h>
#include <sstream>

namespace py = pybind11;
using namespace ns3;

namespace ns3ipsec
{

namespace
{

/// A net device, as Python holds it.
struct PyDevice
{
    Ptr<NetDevice> device;
};

/// racoon's daemon on a node.
struct PyIkeDaemon
{
    Ptr<IkeDaemon> daemon;
};

/// A PF_KEY socket (PF_KEY_V2) of a node's key engine.
struct PyPfKeySocket
{
    Ptr<IpsecPfKeySocket> socket;
};

/// ns-3's uniform random variable on a fixed stream.
struct PyUniform
{
    Ptr<UniformRandomVariable> rv;
};

/// The POP3 server application.
struct PyPopServer
{
    Ptr<PopServer> server;
};

/// What IpsecPolicyLint found in a SPD.
struct PyLint
{
    std::vector<IpsecLintFinding> findings;
};

/// An IpsecAdversary application.
struct PyAdversary
{
    Ptr<IpsecAdversary> app;
};

/// A UDP socket of the adversary example's echo flow.
struct PySocket
{
    Ptr<Socket> socket;
};

/// The adversary example's tally and the sockets it is the callback of.
struct PyAttackTally
{
    IpsecAttackTally tally;
    std::vector<Ptr<Socket>> sockets;
};

/// std::cout into Python's sys.stdout, each write at once, while it is entered.
class CoutToPython
{
  public:
    void Enter()
    {
        m_redirect = std::make_unique<py::scoped_ostream_redirect>(
            std::cout, py::module_::import("sys").attr("stdout"));
        m_unitbuf = std::cout.flags() & std::ios_base::unitbuf;
        std::cout << std::unitbuf;
    }

    /// Restores the buffer; what the run set on std::cout's format (e.g.
    /// IpsecPolicyHits' fixed notation) stays, as it does in a C++ example.
    void Exit()
    {
        std::cout.flush();
        if (!m_unitbuf)
        {
            std::cout.unsetf(std::ios_base::unitbuf);
        }
        m_redirect.reset();
    }

  private:
    std::unique_ptr<py::scoped_ostream_redirect> m_redirect;
    bool m_unitbuf{false};
};

using FlowPtr = std::shared_ptr<IpsecFlowResult>;
/// A report node from Python: (name, node, addresses).
using NodeEntry = std::tuple<std::string, PyNode, std::vector<std::string>>;
/// A report flow from Python: (from, to, flow).
using FlowEntry = std::tuple<std::string, std::string, FlowPtr>;

IpsecAddress
Addr(const std::string& text)
{
    std::optional<IpsecAddress> a = IpsecAddress::Parse(text);
    if (!a)
    {
        throw py::value_error("not an address: " + text);
    }
    return *a;
}

std::string
Str(const IpsecAddress& a)
{
    return a.ToString();
}

std::string
Str(Ipv4Address a)
{
    std::ostringstream os;
    a.Print(os);
    return os.str();
}

NetDeviceContainer
Devices(const std::vector<PyDevice>& devices)
{
    NetDeviceContainer c;
    for (const PyDevice& d : devices)
    {
        c.Add(d.device);
    }
    return c;
}

std::vector<IpsecReportNode>
ReportNodes(const std::vector<NodeEntry>& nodes)
{
    std::vector<IpsecReportNode> out;
    for (const auto& [name, node, addresses] : nodes)
    {
        IpsecReportNode n{name, node.node, {}};
        for (const std::string& a : addresses)
        {
            n.addresses.push_back(Addr(a));
        }
        out.push_back(n);
    }
    return out;
}

std::vector<IpsecReportFlow>
ReportFlows(const std::vector<FlowEntry>& flows)
{
    std::vector<IpsecReportFlow> out;
    for (const auto& [from, to, flow] : flows)
    {
        out.push_back({from, to, *flow});
    }
    return out;
}

std::vector<FlowPtr>
Flows(const std::vector<IpsecFlowResult>& results)
{
    std::vector<FlowPtr> out;
    for (const IpsecFlowResult& f : results)
    {
        out.push_back(std::make_shared<IpsecFlowResult>(f));
    }
    return out;
}

/// What @p f prints, formatted as std::cout is now: the C++ examples print
/// their reports on std::cout, whose format a run may have changed.
template <typename F>
std::string
Text(F f)
{
    std::ostringstream os;
    os.copyfmt(std::cout);
    f(os);
    return os.str();
}

/// An IpsecIkeFaqHelper::Result as a dict (times in seconds; first_reply_s None without one).
py::dict
FaqResult(const IpsecIkeFaqHelper::Result& r)
{
    py::dict d;
    d["pings_sent"] = r.pingsSent;
    d["replies_received"] = r.repliesReceived;
    d["first_reply_s"] = r.firstReply.IsNegative()
                           ? py::object(py::none())
                           : py::object(py::float_(r.firstReply.GetSeconds()));
    d["first_reply_seq"] = r.firstReplySeq;
    d["out_nosa_a"] = r.outNosaA;
    d["a"] = IkeStatsDict(r.a);
    d["b"] = IkeStatsDict(r.b);
    d["cpu_busy_a_s"] = r.cpuBusyA.GetSeconds();
    d["cpu_busy_b_s"] = r.cpuBusyB.GetSeconds();
    return d;
}

uint8_t
PfKeyTypeByName(const std::string& name)
{
    for (uint32_t t = 0; t < 256; ++t)
    {
        std::string n = PfKeyTypeName(static_cast<uint8_t>(t));
        if (n.empty() || n[0] == '#')
        {
            break;
        }
        if (n == name)
        {
            return static_cast<uint8_t>(t);
        }
    }
    throw py::value_error("no PF_KEY message type " + name);
}

uint8_t
SaTypeByName(const std::string& name)
{
    if (name == "esp")
    {
        return PfKeySaType::ESP;
    }
    if (name == "ah")
    {
        return PfKeySaType::AH;
    }
    if (name == "unspec")
    {
        return PfKeySaType::UNSPEC;
    }
    throw py::value_error("SA type must be esp, ah or unspec, not " + name);
}

PfKeyAddress
PfKeyAddr(const std::string& text)
{
    PfKeyAddress x;
    x.addr = Addr(text);
    x.prefixlen = x.addr.GetBits();
    return x;
}

std::vector<IpsecAttack>
Attacks(const std::string& list)
{
    std::vector<IpsecAttack> kinds;
    std::string error;
    if (!IpsecParseAttacks(list, &kinds, &error))
    {
        throw py::value_error(error);
    }
    return kinds;
}

void
RegisterReport(py::module_& m)
{
    py::class_<CoutToPython>(m, "CoutToPython")
        .def(py::init<>())
        .def("__enter__", &CoutToPython::Enter)
        .def("__exit__",
             [](CoutToPython& c, py::object, py::object, py::object)
             {
                 c.Exit();
             });

    py::class_<IpsecFlowResult, FlowPtr>(
        m,
        "FlowResult",
        "One flow of an example: its name, unit, what was sent and received, and its metrics.")
        .def_readonly("name", &IpsecFlowResult::name)
        .def_readonly("unit", &IpsecFlowResult::unit)
        .def_readonly("sent", &IpsecFlowResult::sent)
        .def_readonly("received", &IpsecFlowResult::received)
        .def(
            "line",
            [](const IpsecFlowResult& f, const std::string& from, const std::string& to)
            {
                return Text(
                    [&](std::ostream& os)
                    {
                        IpsecPrintFlowLine(os, f, from, to);
                    });
            },
            py::arg("source"),
            py::arg("destination"),
            "The examples' `flow NAME FROM -> TO: ...` line and its metrics line.")
        .def(
            "metrics", &FlowMetricsDict, "The flow's metrics (IpsecComputeFlowMetrics) as a dict.");

    m.def("traffic_flows",
          [](const IpsecTrafficHelper& t)
          {
              return Flows(t.GetResults());
          });
    m.def("netstat_section",
          [](const std::string& label, const PyNode& n)
          {
              return Text(
                  [&](std::ostream& os)
                  {
                      IpsecPrintNetstatSection(os, label, n.node);
                  });
          });
    m.def("setkey_d_section",
          [](const std::string& label, const PyNode& n)
          {
              return Text(
                  [&](std::ostream& os)
                  {
                      IpsecPrintSetkeyD(os, label, n.node);
                  });
          });
    m.def("report_json",
          [](const std::vector<NodeEntry>& nodes,
             const std::vector<FlowEntry>& flows,
             const std::string& indent)
          {
              return Text(
                  [&](std::ostream& os)
                  {
                      IpsecWriteReportJson(os, ReportNodes(nodes), ReportFlows(flows), indent);
                  });
          });
    m.def("write_report_json",
          [](const std::string& path,
             const std::vector<NodeEntry>& nodes,
             const std::vector<FlowEntry>& flows)
          {
              IpsecWriteReportJsonFile(path, ReportNodes(nodes), ReportFlows(flows));
          });
    m.def("prepare_outputs",
          [](const std::string& program,
             const std::vector<std::tuple<std::string, std::string, bool>>& options)
          {
              std::vector<IpsecOutputOption> o;
              for (const auto& [option, path, folder] : options)
              {
                  o.push_back({option, path, folder});
              }
              return IpsecPrepareOutputs(program, o);
          });
    m.def("log_time", &IpsecLogTime);
    m.def("parse_times",
          [](const std::string& list)
          {
              std::vector<double> times;
              if (!IpsecParseTimes(list, times))
              {
                  throw py::value_error("expected seconds separated by commas, got \"" + list
                                        + "\"");
              }
              return times;
          });
    m.def("split_list", &IpsecSplitList);
    m.def("data_rate_bps",
          [](const std::string& rate)
          {
              return static_cast<double>(DataRate(rate).GetBitRate());
          });

    py::class_<IpsecSetkeyDumps>(m, "SetkeyDumps")
        .def(py::init<>())
        .def("schedule",
             [](IpsecSetkeyDumps& d,
                const PyNode& n,
                const std::string& name,
                const std::string& addr,
                double at)
             {
                 d.Schedule(n.node, name, Ipv4Address(addr.c_str()), at);
             })
        .def("json",
             [](const IpsecSetkeyDumps& d)
             {
                 return Text(
                     [&](std::ostream& os)
                     {
                         d.WriteJson(os);
                     });
             })
        .def("__len__",
             [](const IpsecSetkeyDumps& d)
             {
                 return d.GetDumps().size();
             });
}

void
RegisterNetwork(py::module_& m)
{
    py::class_<PyDevice>(m, "Device")
        .def_property_readonly("node",
                               [](const PyDevice& d)
                               {
                                   return PyNode{d.device->GetNode()};
                               })
        .def_property_readonly("index",
                               [](const PyDevice& d)
                               {
                                   return d.device->GetIfIndex();
                               });
    m.def("node_device",
          [](const PyNode& n, uint32_t i)
          {
              if (i >= n.node->GetNDevices())
              {
                  throw py::index_error("node " + std::to_string(n.node->GetId())
                                        + " has no device " + std::to_string(i));
              }
              return PyDevice{n.node->GetDevice(i)};
          });
    m.def("csma_devices",
          [](const std::vector<PyNode>& nodes,
             const std::string& rate,
             const std::string& delay,
             int64_t stream)
          {
              CsmaHelper csma;
              csma.SetChannelAttribute("DataRate", StringValue(rate));
              csma.SetChannelAttribute("Delay", StringValue(delay));
              NetDeviceContainer c = csma.Install(UnwrapNodes(nodes));
              if (stream >= 0)
              {
                  csma.AssignStreams(c, stream); // the backoff draws
              }
              std::vector<PyDevice> out;
              for (uint32_t i = 0; i < c.GetN(); ++i)
              {
                  out.push_back(PyDevice{c.Get(i)});
              }
              return out;
          });
    m.def(
        "assign_ipv4_devices",
        [](const std::vector<PyDevice>& devices,
           const std::string& network,
           const std::string& mask,
           const std::string& base)
        {
            Ipv4InterfaceContainer c
                = Ipv4AddressHelper(network.c_str(), mask.c_str(), base.c_str())
                      .Assign(Devices(devices));
            std::vector<std::string> out;
            for (uint32_t i = 0; i < c.GetN(); ++i)
            {
                out.push_back(Str(c.GetAddress(i)));
            }
            return out;
        },
        py::arg("devices"),
        py::arg("network"),
        py::arg("mask"),
        py::arg("base") = "0.0.0.1");
    m.def("assign_ipv6_device",
          [](const PyDevice& d, const std::string& address, bool forwarding)
          {
              return IpsecAssignIpv6(d.device, address, forwarding);
          });
    m.def("fill_neighbour_caches",
          [](const std::vector<PyDevice>& devices)
          {
              IpsecFillNeighbourCaches(Devices(devices));
          });
    m.def("reset_ipv4_addresses",
          []()
          {
              Ipv4AddressGenerator::Reset();
          });
    m.def("names_add",
          [](const std::string& name, const PyNode& n)
          {
              Names::Add(name, n.node);
          });
    m.def("ipv4_default_route",
          [](const PyNode& n, const std::string& gateway, uint32_t iface)
          {
              Ipv4StaticRoutingHelper()
                  .GetStaticRouting(n.node->GetObject<Ipv4>())
                  ->SetDefaultRoute(Ipv4Address(gateway.c_str()), iface);
          });
    m.def("ipv4_network_route",
          [](const PyNode& n,
             const std::string& network,
             const std::string& mask,
             const std::string& gateway,
             uint32_t iface)
          {
              Ipv4StaticRoutingHelper()
                  .GetStaticRouting(n.node->GetObject<Ipv4>())
                  ->AddNetworkRouteTo(Ipv4Address(network.c_str()),
                                      Ipv4Mask(mask.c_str()),
                                      Ipv4Address(gateway.c_str()),
                                      iface);
          });
    m.def("ipv6_default_route",
          [](const PyNode& n, const std::string& gateway, uint32_t iface)
          {
              Ipv6StaticRoutingHelper()
                  .GetStaticRouting(n.node->GetObject<Ipv6>())
                  ->SetDefaultRoute(Ipv6Address(gateway.c_str()), iface);
          });
    m.def("ipv6_network_route",
          [](const PyNode& n,
             const std::string& network,
             uint32_t prefix,
             const std::string& gateway,
             uint32_t iface)
          {
              Ipv6StaticRoutingHelper()
                  .GetStaticRouting(n.node->GetObject<Ipv6>())
                  ->AddNetworkRouteTo(Ipv6Address(network.c_str()),
                                      Ipv6Prefix(static_cast<uint8_t>(prefix)),
                                      Ipv6Address(gateway.c_str()),
                                      iface);
          });
    m.def("ipv4_add_address",
          [](const PyNode& n, uint32_t iface, const std::string& addr, const std::string& mask)
          {
              n.node->GetObject<Ipv4>()->AddAddress(
                  iface, Ipv4InterfaceAddress(Ipv4Address(addr.c_str()), Ipv4Mask(mask.c_str())));
          });
    m.def("ipv4_static_routes",
          [](const PyNode& n)
          {
              Ptr<Ipv4StaticRouting> r
                  = Ipv4StaticRoutingHelper().GetStaticRouting(n.node->GetObject<Ipv4>());
              std::vector<std::tuple<std::string, std::string, uint32_t>> out;
              for (uint32_t i = 0; i < r->GetNRoutes(); ++i)
              {
                  Ipv4RoutingTableEntry e = r->GetRoute(i);
                  std::ostringstream mask;
                  e.GetDestNetworkMask().Print(mask);
                  out.emplace_back(Str(e.GetDestNetwork()), mask.str(), e.GetInterface());
              }
              return out;
          });
    m.def("ipv4_remove_static_route",
          [](const PyNode& n, uint32_t i)
          {
              Ipv4StaticRoutingHelper().GetStaticRouting(n.node->GetObject<Ipv4>())->RemoveRoute(i);
          });
    m.def("ipv4_add_host_route",
          [](const PyNode& n, const std::string& addr, uint32_t iface)
          {
              Ipv4StaticRoutingHelper()
                  .GetStaticRouting(n.node->GetObject<Ipv4>())
                  ->AddHostRouteTo(Ipv4Address(addr.c_str()), iface);
          });
    m.def("enable_pcap_all",
          [](const std::string& kind, const std::string& prefix, bool promiscuous)
          {
              if (kind == "p2p")
              {
                  PointToPointHelper().EnablePcapAll(prefix, promiscuous);
              }
              else if (kind == "csma")
              {
                  CsmaHelper().EnablePcapAll(prefix, promiscuous);
              }
              else
              {
                  throw py::value_error("pcap kind must be p2p or csma");
              }
          });
    m.def("enable_key_log",
          [](const std::vector<PyNode>& nodes, const std::string& dir, bool all)
          {
              IpsecKeyLogHelper().EnableKeyLog(
                  all ? NodeContainer::GetGlobal() : UnwrapNodes(nodes), dir);
          });
    m.def("vpn_nodes",
          [](const IpsecVpnHelper& h)
          {
              return WrapNodes(h.GetNodes());
          });
    m.def("leaf_node_nodes",
          [](const IpsecLeafNodeHelper& h)
          {
              return WrapNodes(h.GetNodes());
          });
    m.def("leaf_node_router_addresses",
          [](const IpsecLeafNodeHelper& h)
          {
              return std::make_pair(Str(h.GetRouterLeafAddress()), Str(h.GetRouterServerAddress()));
          });
    m.def("leaf_node_assign_streams",
          [](const IpsecLeafNodeHelper& h, int64_t stream)
          {
              return h.AssignStreams(stream);
          });
    m.def("set_cpu_profile",
          [](const PyNode& n, const std::string& profile)
          {
              IpsecCpu::Of(n.node)->SetAttribute("Profile", StringValue(profile));
          });
    m.def("set_boot_config",
          [](const PyNode& n, const std::string& path)
          {
              IpsecHelper().SetBootConfig(n.node, path);
          });
    m.def("schedule_setkey_file",
          [](const PyNode& n, const std::string& path, double at)
          {
              IpsecHelper().ScheduleSetkeyFile(n.node, path, Seconds(at));
          });
    m.def("run_setkey_file",
          [](const PyNode& n, const std::string& path)
          {
              IpsecHelper().RunSetkeyFile(n.node, path);
          });
}

void
RegisterTrafficPieces(py::module_& m)
{
    m.def("udp_echo_server",
          [](const PyNode& n, uint16_t port, double start)
          {
              UdpEchoServerHelper(port).Install(n.node).Start(Seconds(start));
          });
    m.def("udp_echo_flow",
          [](const PyNode& client,
             const std::string& server,
             uint16_t port,
             uint32_t count,
             uint32_t size,
             double start,
             double interval,
             const std::string& name,
             const std::string& unit)
          {
              auto flow = std::make_shared<IpsecFlowResult>();
              flow->name = name;
              flow->unit = unit;
              IpsecInstallUdpEchoClient(client.node,
                                        Addr(server),
                                        port,
                                        count,
                                        size,
                                        Seconds(start),
                                        Seconds(interval),
                                        flow);
              return flow;
          });

    py::class_<IpsecLanCounts, std::shared_ptr<IpsecLanCounts>>(m, "LanCounts")
        .def_static("watch",
                    [](const PyDevice& d, uint16_t port)
                    {
                        return IpsecLanCounts::Watch(d.device, port);
                    })
        .def_readonly("esp", &IpsecLanCounts::esp)
        .def_readonly("clear", &IpsecLanCounts::clear)
        .def_readonly("other", &IpsecLanCounts::other)
        .def_readonly("first_ip", &IpsecLanCounts::firstIp)
        .def_readonly("first_protocol", &IpsecLanCounts::firstProtocol);
}

void
RegisterIke(py::module_& m)
{
    py::class_<PyIkeDaemon>(m, "IkeDaemon")
        .def("stats",
             [](const PyIkeDaemon& d)
             {
                 return IkeStatsDict(d.daemon->GetStats());
             })
        .def("line",
             [](const PyIkeDaemon& d, const std::string& label)
             {
                 return Text(
                     [&](std::ostream& os)
                     {
                         IpsecPrintIkeLine(os, label, d.daemon);
                     });
             })
        .def("print_traces",
             [](const PyIkeDaemon& d, const std::string& who, bool received)
             {
                 IpsecPrintRacoonTraces(d.daemon, who, received);
             });
    m.def(
        "racoon_daemon",
        [](const PyNode& n,
           const std::string& conf,
           const std::string& psk,
           uint32_t mode,
           double nattKeepalive,
           double ph1Lifetime,
           double ph2Lifetime)
        {
            if (nattKeepalive < 0 && ph1Lifetime <= 0 && ph2Lifetime <= 0)
            {
                return PyIkeDaemon{IpsecIkeHelper().Install(n.node, conf, psk, mode)};
            }
            // racoon.conf's timer { natt_keepalive }, the remotes' and the
            // sainfos' lifetime time overridden, as ipsec-natt's --keepalive,
            // --ph1Lifetime and --ph2Lifetime do it; the keys as Install finds them.
            RacoonConf c = ReadRacoonConf(conf);
            if (nattKeepalive >= 0)
            {
                c.timer.nattKeepalive = Seconds(nattKeepalive);
            }
            for (RacoonRemote& rm : c.remotes)
            {
                rm.lifetime = ph1Lifetime > 0 ? Seconds(ph1Lifetime) : rm.lifetime;
            }
            for (RacoonSainfo& si : c.sainfos)
            {
                si.lifetime = ph2Lifetime > 0 ? Seconds(ph2Lifetime) : si.lifetime;
            }
            std::string keys = psk;
            if (keys.empty() && !c.pskPath.empty())
            {
                std::filesystem::path p(c.pskPath);
                keys = std::filesystem::exists(p)
                         ? c.pskPath
                         : (std::filesystem::path(conf).parent_path() / p.filename()).string();
            }
            std::optional<RacoonPskFile> file;
            if (!keys.empty())
            {
                file = RacoonPskFile::Read(keys, mode);
            }
            return PyIkeDaemon{IpsecIkeHelper().Install(n.node, c, file)};
        },
        py::arg("node"),
        py::arg("conf"),
        py::arg("psk"),
        py::arg("mode"),
        py::arg("natt_keepalive") = -1.0,
        py::arg("ph1_lifetime") = 0.0,
        py::arg("ph2_lifetime") = 0.0);
    m.def("ike_assign_streams",
          [](const std::vector<PyNode>& nodes, int64_t stream)
          {
              return IpsecIkeHelper().AssignStreams(UnwrapNodes(nodes), stream);
          });
    m.def("enable_ike_key_log",
          [](const std::vector<PyNode>& nodes, const std::string& dir)
          {
              IpsecIkeHelper().EnableKeyLog(UnwrapNodes(nodes), dir);
          });

    py::class_<IpsecIkeFaqHelper>(m, "IkeFaqHelper")
        .def(py::init<const std::string&>())
        .def("set_ipv6", &IpsecIkeFaqHelper::SetIpv6)
        .def("set_link_rate", &IpsecIkeFaqHelper::SetLinkRate)
        .def("set_link_delay", &IpsecIkeFaqHelper::SetLinkDelay)
        .def("set_link_loss", &IpsecIkeFaqHelper::SetLinkLoss)
        .def("set_cpu_profile", &IpsecIkeFaqHelper::SetCpuProfile)
        .def("set_dh_group", &IpsecIkeFaqHelper::SetDhGroup)
        .def("set_exchange_mode", &IpsecIkeFaqHelper::SetExchangeMode)
        .def("set_larval_lifetime", &IpsecIkeFaqHelper::SetLarvalLifetime)
        .def("set_phase2_wait", &IpsecIkeFaqHelper::SetPhase2Wait)
        .def("set_racoon_conf", &IpsecIkeFaqHelper::SetRacoonConf)
        .def("set_psk_file", &IpsecIkeFaqHelper::SetPskFile)
        .def("set_pings", &IpsecIkeFaqHelper::SetPings)
        .def("set_ping_reply_callback",
             [](IpsecIkeFaqHelper& h, py::function cb)
             {
                 h.SetPingReplyCallback(
                     [cb](uint16_t seq)
                     {
                         std::cout.flush();
                         cb(seq);
                     });
             })
        .def("build", &IpsecIkeFaqHelper::Build)
        .def("host_a",
             [](const IpsecIkeFaqHelper& h)
             {
                 return PyNode{h.GetHostA()};
             })
        .def("host_b",
             [](const IpsecIkeFaqHelper& h)
             {
                 return PyNode{h.GetHostB()};
             })
        .def("nodes",
             [](const IpsecIkeFaqHelper& h)
             {
                 return WrapNodes(h.GetNodes());
             })
        .def("daemon",
             [](const IpsecIkeFaqHelper& h, char host)
             {
                 return PyIkeDaemon{h.GetDaemon(host)};
             })
        .def("flows",
             [](const IpsecIkeFaqHelper& h)
             {
                 return Flows(h.GetTraffic().GetResults());
             })
        .def("run",
             [](IpsecIkeFaqHelper& h)
             {
                 return FaqResult(h.Run());
             });
}

void
RegisterPfKey(py::module_& m)
{
    py::class_<PfKeyMessage>(m, "PfKeyMessage")
        .def(py::init(
                 [](const std::string& type, const std::string& satype)
                 {
                     return PfKeyMessage(static_cast<PfKeyType>(PfKeyTypeByName(type)),
                                         SaTypeByName(satype));
                 }),
             py::arg("type"),
             py::arg("satype") = "esp")
        .def_property_readonly("type",
                               [](const PfKeyMessage& msg)
                               {
                                   return PfKeyTypeName(static_cast<uint8_t>(msg.GetType()));
                               })
        .def_property_readonly("errno",
                               [](const PfKeyMessage& msg)
                               {
                                   return static_cast<int>(msg.errnum);
                               })
        .def_property_readonly("spi",
                               [](const PfKeyMessage& msg)
                               {
                                   return msg.sa ? py::object(py::int_(msg.sa->spi))
                                                 : py::object(py::none());
                               })
        .def(
            "set_sa",
            [](PfKeyMessage& msg,
               uint32_t spi,
               uint8_t encrypt,
               uint8_t auth,
               uint32_t flags,
               uint8_t replay)
            {
                PfKeySa sa;
                sa.spi = spi;
                sa.encrypt = encrypt;
                sa.auth = auth;
                sa.flags = flags;
                sa.replay = replay;
                msg.sa = sa;
                msg.sa2 = PfKeySa2{};
            },
            py::arg("spi"),
            py::arg("encrypt") = 0,
            py::arg("auth") = 0,
            py::arg("flags") = 0,
            py::arg("replay") = 0)
        .def("set_src",
             [](PfKeyMessage& msg, const std::string& a)
             {
                 msg.src = PfKeyAddr(a);
             })
        .def("set_dst",
             [](PfKeyMessage& msg, const std::string& a)
             {
                 msg.dst = PfKeyAddr(a);
             })
        .def(
            "set_keys",
            [](PfKeyMessage& msg, const std::vector<uint8_t>& enc, const std::vector<uint8_t>& auth)
            {
                msg.encKey = PfKeyKey{static_cast<uint16_t>(enc.size() * 8), enc};
                msg.authKey = PfKeyKey{static_cast<uint16_t>(auth.size() * 8), auth};
            })
        .def("__str__", &PfKeyMessage::ToString);
    m.attr("SA_FLAG_CYCSEQ") = IpsecSaFlags::CYCSEQ;

    py::class_<PyPfKeySocket>(m, "PfKeySocket")
        .def("send",
             [](const PyPfKeySocket& s, const PfKeyMessage& msg)
             {
                 return s.socket->Send(msg);
             })
        .def("recv",
             [](const PyPfKeySocket& s)
             {
                 PfKeyMessage msg;
                 if (s.socket->Recv(&msg))
                 {
                     return py::object(py::cast(msg));
                 }
                 return py::object(py::none());
             })
        .def("on_receive",
             [](const PyPfKeySocket& s, py::function cb)
             {
                 s.socket->SetRecvCallback(Callback<void, Ptr<IpsecPfKeySocket>>(
                     std::function<void(Ptr<IpsecPfKeySocket>)>(
                         [cb](Ptr<IpsecPfKeySocket>)
                         {
                             std::cout.flush();
                             cb();
                         })));
             });
    m.def("pfkey_open",
          [](const PyNode& n, uint32_t pid)
          {
              return PyPfKeySocket{IpsecHelper::GetStack(n.node)->GetKeyEngine()->Open(pid)};
          });

    py::class_<PyUniform>(m, "UniformRandom")
        .def(py::init(
            [](int64_t stream)
            {
                PyUniform u{CreateObject<UniformRandomVariable>()};
                u.rv->SetStream(stream);
                return u;
            }))
        .def("integer",
             [](const PyUniform& u, uint32_t lo, uint32_t hi)
             {
                 return u.rv->GetInteger(lo, hi);
             });
}

void
RegisterPop(py::module_& m)
{
    m.attr("POP3_PORT") = POP3_PORT;
    py::class_<PyPopServer>(m, "PopServer")
        .def_property_readonly("mail_size",
                               [](const PyPopServer& s)
                               {
                                   return s.server->GetMailSize();
                               })
        .def("accepted",
             [](const PyPopServer& s)
             {
                 std::vector<std::pair<std::string, uint16_t>> out;
                 for (const InetSocketAddress& a : s.server->GetAccepted())
                 {
                     out.emplace_back(Str(a.GetIpv4()), a.GetPort());
                 }
                 return out;
             });
    m.def("pop_server",
          [](const PyNode& n, uint32_t mailBytes, double start)
          {
              Ptr<PopServer> s = CreateObject<PopServer>();
              s->SetMailSize(mailBytes);
              n.node->AddApplication(s);
              s->SetStartTime(Seconds(start));
              return PyPopServer{s};
          });

    py::class_<PopSession, std::shared_ptr<PopSession>>(m, "PopSession")
        .def_readonly("name", &PopSession::name)
        .def_readonly("source", &PopSession::from)
        .def_property_readonly("server",
                               [](const PopSession& s)
                               {
                                   return Str(s.server);
                               })
        .def_readonly("connected", &PopSession::connected)
        .def_readonly("completed", &PopSession::completed)
        .def("line", &PopSessionLine)
        .def("flow",
             [](const PopSession& s, uint32_t mail)
             {
                 return std::make_shared<IpsecFlowResult>(s.Flow(mail));
             });
    m.def("pop_session",
          [](const std::string& name,
             const PyNode& client,
             const std::string& from,
             const std::string& to,
             const std::string& bindTo,
             double start)
          {
              auto s = std::make_shared<PopSession>();
              s->name = name;
              s->from = from;
              s->server = Ipv4Address(to.c_str());
              s->bindTo = Ipv4Address(bindTo.c_str());
              Ptr<PopClient> app = CreateObject<PopClient>();
              app->Setup(s);
              client.node->AddApplication(app);
              app->SetStartTime(Seconds(start));
              return s;
          });

    py::class_<IpsecPolicyHits::Row>(m, "PolicyHitsRow")
        .def_property_readonly("direction",
                               [](const IpsecPolicyHits::Row& r)
                               {
                                   return IpsecDirectionName(r.dir);
                               })
        .def_property_readonly("default_policy",
                               [](const IpsecPolicyHits::Row& r)
                               {
                                   return !r.policy;
                               })
        .def_property_readonly("requires_ipsec",
                               [](const IpsecPolicyHits::Row& r)
                               {
                                   return r.policy && r.policy->action == IpsecPolicyAction::IPSEC;
                               })
        .def_readonly("own", &IpsecPolicyHits::Row::own)
        .def_readonly("others", &IpsecPolicyHits::Row::others);
    py::class_<IpsecPolicyHits, std::shared_ptr<IpsecPolicyHits>>(m, "PolicyHits")
        .def_static("watch",
                    [](const PyNode& n, const std::string& name, bool verbose)
                    {
                        return IpsecPolicyHits::Watch(n.node, name, verbose);
                    })
        .def_readonly("rows", &IpsecPolicyHits::rows)
        .def("describe",
             [](const IpsecPolicyHits& h, const IpsecPolicyHits::Row& r)
             {
                 return h.Describe(r.dir, r.policy);
             })
        .def("text",
             [](const IpsecPolicyHits& h)
             {
                 return Text(
                     [&](std::ostream& os)
                     {
                         h.Print(os);
                     });
             });
    py::class_<IpsecDropTally, std::shared_ptr<IpsecDropTally>>(m, "DropTally")
        .def_static("watch",
                    [](const PyNode& n)
                    {
                        return IpsecDropTally::Watch(n.node);
                    })
        .def("drops",
             [](const IpsecDropTally& t)
             {
                 std::vector<std::tuple<std::string, std::string, uint64_t>> out;
                 for (const auto& [key, count] : t.drops)
                 {
                     out.emplace_back(key.first, key.second, count);
                 }
                 return out;
             })
        .def("text",
             [](const IpsecDropTally& t, const std::string& name)
             {
                 return Text(
                     [&](std::ostream& os)
                     {
                         t.Print(os, name);
                     });
             });
    py::class_<PopWireCounts, std::shared_ptr<PopWireCounts>>(m, "PopWireCounts")
        .def_static("watch",
                    [](const PyDevice& d, const std::string& a)
                    {
                        return PopWireCounts::Watch(d.device, Ipv4Address(a.c_str()));
                    })
        .def("peer",
             [](PopWireCounts& w, const std::string& a)
             {
                 const PopWireCounts::Peer p = w.peers[Ipv4Address(a.c_str())];
                 return std::make_tuple(p.ahPop, p.clearPop, p.other);
             })
        .def("text",
             [](const PopWireCounts& w)
             {
                 return Text(
                     [&](std::ostream& os)
                     {
                         w.Print(os);
                     });
             });
    py::class_<PyLint>(m, "LintFindings")
        .def("__len__",
             [](const PyLint& l)
             {
                 return l.findings.size();
             })
        .def("text",
             [](const PyLint& l, const std::string& what)
             {
                 return Text(
                     [&](std::ostream& os)
                     {
                         IpsecPrintLint(os, what, l.findings);
                     });
             });
    m.def("policy_lint",
          [](const PyNode& n)
          {
              return PyLint{IpsecPolicyLint::Check(IpsecHelper::GetStack(n.node)->GetSpd())};
          });
    m.def("pop_write_json",
          [](const std::string& path,
             const std::string& order,
             const std::string& local,
             const std::vector<NodeEntry>& nodes,
             const std::vector<FlowEntry>& flows,
             const std::vector<std::shared_ptr<PopSession>>& sessions,
             const PyPopServer& server,
             const PyLint& lint,
             std::shared_ptr<IpsecPolicyHits> hits,
             const std::vector<std::shared_ptr<IpsecDropTally>>& drops,
             std::shared_ptr<PopWireCounts> wire)
          {
              PopReport r;
              r.order = order;
              r.local = local;
              r.nodes = ReportNodes(nodes);
              r.flows = ReportFlows(flows);
              r.sessions = sessions;
              r.server = server.server;
              r.lint = lint.findings;
              r.hits = hits;
              r.drops = drops;
              r.wire = wire;
              PopWriteJson(path, r);
          });
}

void
RegisterAdversary(py::module_& m)
{
    m.def("parse_attacks",
          [](const std::string& list)
          {
              std::vector<std::string> names;
              for (IpsecAttack a : Attacks(list))
              {
                  names.push_back(IpsecAttackName(a));
              }
              return names;
          });
    py::class_<PyAdversary>(m, "Adversary")
        .def("assign_streams",
             [](const PyAdversary& a, int64_t stream)
             {
                 return a.app->AssignStreams(stream);
             });
    py::class_<IpsecAdversaryHelper>(m, "AdversaryHelper")
        .def(py::init<>())
        .def("set_victim",
             [](IpsecAdversaryHelper& h, const std::string& addr, const PyDevice& d)
             {
                 h.SetVictim(Addr(addr), d.device);
             })
        .def("set_peer",
             [](IpsecAdversaryHelper& h, const std::string& addr)
             {
                 h.SetPeer(Addr(addr));
             })
        .def("add_protected_prefix",
             [](IpsecAdversaryHelper& h, const std::string& prefix)
             {
                 if (!h.AddProtectedPrefix(prefix))
                 {
                     throw py::value_error("not a prefix: " + prefix);
                 }
             })
        .def("set_spoof_destination",
             [](IpsecAdversaryHelper& h, const std::string& addr)
             {
                 h.SetSpoofDestination(Addr(addr));
             })
        .def("set_attacks",
             [](IpsecAdversaryHelper& h, const std::string& list)
             {
                 h.SetAttacks(Attacks(list));
             })
        .def("set_attribute",
             [](IpsecAdversaryHelper& h, const std::string& name, const std::string& value)
             {
                 h.SetAttribute(name, StringValue(value));
             })
        .def("set_start_stop",
             [](IpsecAdversaryHelper& h, double start, double stop)
             {
                 h.SetStartStop(Seconds(start), Seconds(stop));
             })
        .def("install",
             [](const IpsecAdversaryHelper& h, const PyDevice& d)
             {
                 return PyAdversary{h.Install(d.device)};
             });

    py::class_<PySocket>(m, "UdpSocket");
    py::class_<PyAttackTally>(m, "AttackTally")
        .def(py::init<>())
        .def("serve",
             [](PyAttackTally& t, const PyNode& n, bool v6, uint16_t port)
             {
                 Ptr<Socket> s = IpsecAttackTally::UdpSocket(n.node, v6, port);
                 s->SetRecvCallback(MakeBoundCallback(&IpsecAttackTally::ServerReceive, &t.tally));
                 t.sockets.push_back(s);
             })
        .def("client",
             [](PyAttackTally& t, const PyNode& n, bool v6)
             {
                 Ptr<Socket> s = IpsecAttackTally::UdpSocket(n.node, v6, 0);
                 s->SetRecvCallback(MakeBoundCallback(&IpsecAttackTally::ClientReceive, &t.tally));
                 t.sockets.push_back(s);
                 return PySocket{s};
             })
        .def("schedule_request",
             [](PyAttackTally& t,
                const PySocket& s,
                const std::string& server,
                uint16_t port,
                uint32_t n,
                uint32_t size,
                double at)
             {
                 IpsecAddress a = Addr(server);
                 Address to = a.IsV6() ? Address(Inet6SocketAddress(a.ToIpv6(), port))
                                       : Address(InetSocketAddress(a.ToIpv4(), port));
                 Simulator::Schedule(
                     Seconds(at), &IpsecAttackTally::SendRequest, &t.tally, s.socket, to, n, size);
             })
        .def("watch",
             [](PyAttackTally& t, const PyAdversary& a, const PyNode& victim, bool v6)
             {
                 t.tally.Watch(a.app, victim.node, v6);
             })
        .def("report",
             [](PyAttackTally& t,
                const std::string& what,
                const std::string& mode,
                uint32_t family,
                const std::string& config,
                uint32_t packets,
                const PyNode& client,
                const PyNode& server,
                const PyNode& victim,
                const PyAdversary& app,
                const std::string& attacks,
                const std::string& json)
             {
                 std::ostringstream os;
                 bool ok = t.tally.Report(os,
                                          {what,
                                           mode,
                                           family,
                                           config,
                                           packets,
                                           client.node,
                                           server.node,
                                           victim.node,
                                           app.app,
                                           Attacks(attacks)},
                                          json);
                 return std::make_pair(ok, os.str());
             });
}

} // namespace

void
RegisterExamples(py::module_& m)
{
    static py::exception<IpsecConfigError> configError(m, "ConfigError");
    static py::exception<RacoonConfError> racoonError(m, "RacoonConfError");
    py::register_exception_translator(
        [](std::exception_ptr p)
        {
            try
            {
                if (p)
                {
                    std::rethrow_exception(p);
                }
            }
            catch (const IpsecConfigError& e)
            {
                configError(e.what());
            }
            catch (const RacoonConfError& e)
            {
                racoonError(e.what());
            }
        });
    RegisterReport(m);
    RegisterNetwork(m);
    RegisterTrafficPieces(m);
    RegisterIke(m);
    RegisterPfKey(m);
    RegisterPop(m);
    RegisterAdversary(m);
}

} // namespace ns3ipsec
