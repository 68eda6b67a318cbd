/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ns3ipsec._core's traffic and results: ns-3's applications (ping, UDP
 * echo, constant-rate and on/off UDP, bulk TCP) between two nodes, and
 * ns-3's FlowMonitor, which classifies the plaintext before IPsec (the
 * model fires the IP layer's send trace for it), so each flow's packets,
 * bytes, delays and losses are the application's, not ESP's.
 */
#include "common/ipsec-example-report.h"
#include "common/ipsec-traffic-helper.h"
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/flow-monitor-module.h"
#include "ns3/internet-apps-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "py-module.h"

#include <algorithm>
#include <memory>

namespace py = pybind11;
using namespace ns3;

namespace ns3ipsec
{

namespace
{

Address
SocketAddress(const std::string& addr, uint16_t port)
{
    if (addr.find(':') != std::string::npos)
    {
        return Inet6SocketAddress(Ipv6Address(addr.c_str()), port);
    }
    return InetSocketAddress(Ipv4Address(addr.c_str()), port);
}

Address
AnyAddress(const std::string& like, uint16_t port)
{
    if (like.find(':') != std::string::npos)
    {
        return Inet6SocketAddress(Ipv6Address::GetAny(), port);
    }
    return InetSocketAddress(Ipv4Address::GetAny(), port);
}

/// A packet sink: what it received.
struct PySink
{
    Ptr<PacketSink> sink;
};

/// A ping: the round trips of the replies.
struct PyPing
{
    std::shared_ptr<std::vector<double>> rtts = std::make_shared<std::vector<double>>();
    uint32_t sent{0};
};

PySink
InstallSink(const PyNode& server, const std::string& addr, uint16_t port, bool tcp, double start)
{
    PacketSinkHelper h(tcp ? "ns3::TcpSocketFactory" : "ns3::UdpSocketFactory",
                       AnyAddress(addr, port));
    ApplicationContainer apps = h.Install(server.node);
    apps.Start(Seconds(start));
    return PySink{DynamicCast<PacketSink>(apps.Get(0))};
}

void
UdpEcho(const PyNode& client,
        const PyNode& server,
        const std::string& addr,
        uint32_t count,
        uint32_t size,
        double interval,
        double start,
        uint16_t port)
{
    UdpEchoServerHelper srv(port);
    srv.Install(server.node).Start(Seconds(start));
    UdpEchoClientHelper cli(SocketAddress(addr, port));
    cli.SetAttribute("MaxPackets", UintegerValue(count));
    cli.SetAttribute("PacketSize", UintegerValue(size));
    cli.SetAttribute("Interval", TimeValue(Seconds(interval)));
    cli.Install(client.node).Start(Seconds(start));
}

PySink
Udp(const PyNode& client,
    const PyNode& server,
    const std::string& addr,
    const std::string& rate,
    uint32_t size,
    double on,
    double off,
    double start,
    double stop,
    uint16_t port)
{
    PySink sink = InstallSink(server, addr, port, false, start);
    OnOffHelper h("ns3::UdpSocketFactory", SocketAddress(addr, port));
    h.SetConstantRate(DataRate(rate), size);
    if (off > 0)
    {
        h.SetAttribute(
            "OnTime",
            StringValue("ns3::ConstantRandomVariable[Constant=" + std::to_string(on) + "]"));
        h.SetAttribute(
            "OffTime",
            StringValue("ns3::ConstantRandomVariable[Constant=" + std::to_string(off) + "]"));
    }
    ApplicationContainer apps = h.Install(client.node);
    apps.Start(Seconds(start));
    apps.Stop(Seconds(stop));
    return sink;
}

PySink
BulkTcp(const PyNode& client,
        const PyNode& server,
        const std::string& addr,
        uint64_t bytes,
        double start,
        uint16_t port)
{
    PySink sink = InstallSink(server, addr, port, true, start);
    BulkSendHelper h("ns3::TcpSocketFactory", SocketAddress(addr, port));
    h.SetAttribute("MaxBytes", UintegerValue(bytes));
    h.Install(client.node).Start(Seconds(start));
    return sink;
}

PyPing
Ping(const PyNode& client, const std::string& addr, uint32_t count, double interval, double start)
{
    PyPing ping;
    ping.sent = count;
    if (addr.find(':') != std::string::npos)
    {
        throw py::value_error("ping: IPv4 only (ns-3 3.37's V4Ping); use udp_echo over IPv6");
    }
    V4PingHelper h{Ipv4Address(addr.c_str())};
    h.SetAttribute("Interval", TimeValue(Seconds(interval)));
    ApplicationContainer apps = h.Install(client.node);
    apps.Start(Seconds(start));
    // V4Ping sends at start and every interval until it stops.
    apps.Stop(Seconds(start + interval * (count - 1) + interval / 2));
    auto rtts = ping.rtts;
    apps.Get(0)->TraceConnectWithoutContext("Rtt",
                                            Callback<void, Time>(std::function<void(Time)>(
                                                [rtts](Time t)
                                                {
                                                    rtts->push_back(t.GetSeconds());
                                                })));
    return ping;
}

/// A node's racoon.
struct PyIke
{
    Ptr<IkeDaemon> daemon; ///< the daemon
};

/// ns-3's flow monitor over every node.
struct PyFlowMonitor
{
    std::shared_ptr<FlowMonitorHelper> helper = std::make_shared<FlowMonitorHelper>();
    Ptr<FlowMonitor> monitor;
};

/// The @p q quantile (0..1) of a delay histogram, at its bins' middles.
double
Quantile(Histogram h, double q)
{
    uint64_t total = 0;
    for (uint32_t i = 0; i < h.GetNBins(); ++i)
    {
        total += h.GetBinCount(i);
    }
    if (total == 0)
    {
        return 0;
    }
    double target = q * total;
    uint64_t seen = 0;
    for (uint32_t i = 0; i < h.GetNBins(); ++i)
    {
        seen += h.GetBinCount(i);
        if (seen >= target)
        {
            return (h.GetBinStart(i) + h.GetBinEnd(i)) / 2;
        }
    }
    return h.GetBinEnd(h.GetNBins() - 1);
}

/// The attributes of each <Flow .../> element of a classifier's XML, by flow id.
void
ParseFlowXml(const std::string& xml, std::map<uint32_t, std::map<std::string, std::string>>& out)
{
    size_t pos = 0;
    while ((pos = xml.find("<Flow ", pos)) != std::string::npos)
    {
        size_t end = xml.find("/>", pos);
        std::map<std::string, std::string> attrs;
        size_t a = pos + 6;
        while (a < end)
        {
            size_t eq = xml.find("=\"", a);
            if (eq == std::string::npos || eq > end)
            {
                break;
            }
            size_t q = xml.find('"', eq + 2);
            std::string name = xml.substr(a, eq - a);
            name.erase(0, name.find_first_not_of(' '));
            attrs[name] = xml.substr(eq + 2, q - eq - 2);
            a = q + 1;
        }
        if (attrs.count("flowId"))
        {
            out[std::stoul(attrs["flowId"])] = attrs;
        }
        pos = end;
    }
}

py::list
FlowStats(PyFlowMonitor& fm)
{
    fm.monitor->CheckForLostPackets();
    py::list out;
    // The classifiers' public view of their five-tuples is their XML.
    std::map<uint32_t, std::map<std::string, std::string>> tuples;
    for (Ptr<FlowClassifier> c : {fm.helper->GetClassifier(), fm.helper->GetClassifier6()})
    {
        std::ostringstream xml;
        c->SerializeToXmlStream(xml, 0);
        ParseFlowXml(xml.str(), tuples);
    }
    for (const auto& [id, st] : fm.monitor->GetFlowStats())
    {
        py::dict d;
        d["flow_id"] = id;
        std::ostringstream src;
        std::ostringstream dst;
        auto it = tuples.find(id);
        if (it != tuples.end())
        {
            src << it->second.at("sourceAddress");
            dst << it->second.at("destinationAddress");
            d["protocol"] = std::stoi(it->second.at("protocol"));
            d["source_port"] = std::stoi(it->second.at("sourcePort"));
            d["destination_port"] = std::stoi(it->second.at("destinationPort"));
        }
        d["source"] = src.str();
        d["destination"] = dst.str();
        d["tx_packets"] = st.txPackets;
        d["rx_packets"] = st.rxPackets;
        d["tx_bytes"] = st.txBytes;
        d["rx_bytes"] = st.rxBytes;
        d["lost_packets"] = st.lostPackets;
        d["first_tx_s"] = st.timeFirstTxPacket.GetSeconds();
        d["first_rx_s"] = st.timeFirstRxPacket.GetSeconds();
        d["last_rx_s"] = st.timeLastRxPacket.GetSeconds();
        d["delay_sum_s"] = st.delaySum.GetSeconds();
        d["delay_median_s"] = Quantile(st.delayHistogram, 0.5);
        d["delay_p95_s"] = Quantile(st.delayHistogram, 0.95);
        out.append(d);
    }
    return out;
}

} // namespace

void
RegisterTraffic(py::module_& m)
{
    py::class_<PySink>(m, "Sink").def_property_readonly("received_bytes",
                                                        [](const PySink& s)
                                                        {
                                                            return s.sink->GetTotalRx();
                                                        });
    py::class_<PyPing>(m, "Ping")
        .def_property_readonly("sent",
                               [](const PyPing& p)
                               {
                                   return p.sent;
                               })
        .def_property_readonly("rtts",
                               [](const PyPing& p)
                               {
                                   return *p.rtts;
                               });
    // The FAQ examples' traffic (ping, UDP echo, TCP bulk transfer), as the
    // C++ examples send it: the same numbers from Python.
    py::class_<IpsecTrafficHelper>(m, "FaqTraffic")
        .def(py::init<>())
        .def("set_ping_count", &IpsecTrafficHelper::SetPingCount)
        .def("set_udp_echo_count", &IpsecTrafficHelper::SetUdpEchoCount)
        .def("set_tcp_bytes", &IpsecTrafficHelper::SetTcpBytes)
        .def("set_ports", &IpsecTrafficHelper::SetPorts)
        .def("set_ping_identifier", &IpsecTrafficHelper::SetPingIdentifier)
        .def("set_start",
             [](IpsecTrafficHelper& t, double s)
             {
                 t.SetStart(Seconds(s));
             })
        .def("install",
             [](IpsecTrafficHelper& t,
                const PyNode& client,
                const std::string& clientAddr,
                const PyNode& server,
                const std::string& serverAddr)
             {
                 return t
                     .Install(client.node,
                              *IpsecAddress::Parse(clientAddr),
                              server.node,
                              *IpsecAddress::Parse(serverAddr))
                     .GetSeconds();
             })
        .def("results",
             [](const IpsecTrafficHelper& t)
             {
                 py::list out;
                 for (const IpsecFlowResult& f : t.GetResults())
                 {
                     py::dict d;
                     d["name"] = f.name;
                     d["unit"] = f.unit;
                     d["sent"] = f.sent;
                     d["received"] = f.received;
                     d.attr("update")(FlowMetricsDict(f));
                     out.append(d);
                 }
                 return out;
             });
    m.def("faq_traffic_report",
          [](const IpsecTrafficHelper& t, const std::string& from, const std::string& to)
          {
              std::ostringstream os;
              for (const IpsecFlowResult& f : t.GetResults())
              {
                  IpsecPrintFlowLine(os, f, from, to);
              }
              return os.str();
          });
    m.def("udp_echo", &UdpEcho);
    m.def("udp", &Udp);
    m.def("bulk_tcp", &BulkTcp);
    m.def("ping", &Ping);

    py::class_<PyFlowMonitor>(m, "FlowMonitor")
        .def(py::init(
            [](double binWidth)
            {
                PyFlowMonitor fm;
                fm.helper->SetMonitorAttribute("DelayBinWidth", DoubleValue(binWidth));
                fm.monitor = fm.helper->InstallAll();
                return fm;
            }))
        .def("stats", &FlowStats);

    // racoon: the daemon, its counters and events.
    py::class_<PyIke>(m, "Ike")
        .def("stats",
             [](const PyIke& d)
             {
                 return IkeStatsDict(d.daemon->GetStats());
             })
        .def("on_negotiation",
             [](const PyIke& d, py::function cb)
             {
                 std::function<void(uint8_t, bool, IkeFailure, const IpsecAddress&, Time)> f =
                     [cb](uint8_t phase, bool ok, IkeFailure why, const IpsecAddress& peer, Time t)
                 {
                     cb(phase,
                        ok,
                        ok ? std::string() : IkeFailureName(why),
                        peer.ToString(),
                        t.GetSeconds());
                 };
                 d.daemon->TraceConnectWithoutContext(
                     "Negotiation",
                     Callback<void, uint8_t, bool, IkeFailure, const IpsecAddress&, Time>(f));
             })
        .def("on_log",
             [](const PyIke& d, py::function cb)
             {
                 std::function<void(int, const std::string&)> f
                     = [cb](int level, const std::string& text)
                 {
                     cb(level, text);
                 };
                 d.daemon->TraceConnectWithoutContext("Log",
                                                      Callback<void, int, const std::string&>(f));
             });
    m.def("install_racoon",
          [](const PyNode& n, const std::string& conf, const std::string& psk)
          {
              try
              {
                  return py::make_tuple(PyIke{IpsecIkeHelper().Install(n.node, conf, psk)},
                                        std::string());
              }
              catch (const std::exception& e)
              {
                  return py::make_tuple(py::none(), std::string(e.what()));
              }
          });
    m.def("enable_key_log",
          [](const std::vector<PyNode>& nodes, const std::string& dir)
          {
              NodeContainer c = UnwrapNodes(nodes);
              IpsecKeyLogHelper().EnableKeyLog(c, dir);
              IpsecIkeHelper().EnableKeyLog(c, dir);
          });
}

} // namespace ns3ipsec
