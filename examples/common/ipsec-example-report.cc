/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-example-report.h"

#include "ns3/ipsec-cpu.h"
#include "ns3/ipsec-helper.h"
#include "ns3/ipsec-stack.h"
#include "ns3/setkey-dump.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>

namespace ns3
{

void
IpsecDelayStatistics(std::vector<double> samples, double& mean, double& median, double& p95)
{
    mean = median = p95 = 0;
    if (samples.empty())
    {
        return;
    }
    std::sort(samples.begin(), samples.end());
    size_t n = samples.size();
    mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(n);
    median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
    // Nearest rank: the ceil(0.95 n)-th smallest (in integers: (95 n + 99) / 100).
    p95 = samples[(95 * n + 99) / 100 - 1];
}

IpsecFlowMetrics
IpsecComputeFlowMetrics(const IpsecFlowResult& flow)
{
    const IpsecFlowSamples& s = flow.samples;
    IpsecFlowMetrics m;
    if (s.firstSend >= 0 && s.lastDelivery > s.firstSend)
    {
        m.activeSeconds = s.lastDelivery - s.firstSend;
        m.throughputBps = static_cast<double>(s.deliveredBytes) * 8 / m.activeSeconds;
    }
    m.delayKind = s.delayKind;
    m.delaySamples = s.delays.size();
    IpsecDelayStatistics(s.delays, m.delayMeanMs, m.delayMedianMs, m.delayP95Ms);
    m.delayMeanMs *= 1000;
    m.delayMedianMs *= 1000;
    m.delayP95Ms *= 1000;
    if (flow.sent > 0)
    {
        m.lossFraction = flow.received >= flow.sent ? 0
                                                    : static_cast<double>(flow.sent - flow.received)
                                                          / static_cast<double>(flow.sent);
    }
    m.tcp = s.tcp;
    m.dataSegments = s.dataSegments;
    m.retransmissions = s.retransmissions;
    if (s.dataSegments > 0)
    {
        m.retransmissionFraction
            = static_cast<double>(s.retransmissions) / static_cast<double>(s.dataSegments);
    }
    return m;
}

namespace
{

/// @p v with 2 decimals under 10, 1 under 100, none above ("0" for 0).
std::string
Number(double v)
{
    if (v == 0)
    {
        return "0";
    }
    double a = std::fabs(v);
    int decimals = a < 10 ? 2 : a < 100 ? 1 : 0;
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    return buf;
}

/// @p bps in bit/s, kbit/s or Mbit/s.
std::string
Rate(double bps)
{
    if (bps >= 1e6)
    {
        return Number(bps / 1e6) + " Mbit/s";
    }
    if (bps >= 1e3)
    {
        return Number(bps / 1e3) + " kbit/s";
    }
    return Number(bps) + " bit/s";
}

/// The JSON member prefix of a delay kind ("rtt", "oneWayDelay", "responseTime").
std::string
DelayMember(const std::string& kind)
{
    if (kind == "one-way delay")
    {
        return "oneWayDelay";
    }
    if (kind == "response time")
    {
        return "responseTime";
    }
    return "rtt";
}

/// A number for JSON: finite, full precision.
std::string
JsonNumber(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.9g", std::isfinite(v) ? v : 0.0);
    return buf;
}

} // namespace

void
IpsecPrintFlowMetrics(std::ostream& os, const IpsecFlowResult& flow)
{
    IpsecFlowMetrics m = IpsecComputeFlowMetrics(flow);
    os << "  throughput " << Rate(m.throughputBps) << ", "
       << (m.delayKind.empty() ? std::string("rtt") : m.delayKind);
    if (m.delaySamples == 0)
    {
        os << " n/a";
    }
    else
    {
        os << " mean " << Number(m.delayMeanMs) << " ms median " << Number(m.delayMedianMs)
           << " ms p95 " << Number(m.delayP95Ms) << " ms (" << m.delaySamples
           << (m.delaySamples == 1 ? " sample)" : " samples)");
    }
    os << ", not delivered " << Number(m.lossFraction * 100) << " %";
    if (m.tcp)
    {
        os << ", retransmitted " << m.retransmissions << " of " << m.dataSegments
           << " data segments (" << Number(m.retransmissionFraction * 100) << " %)";
    }
    os << "\n";
}

void
IpsecWriteFlowMetricsJson(std::ostream& os, const IpsecFlowResult& flow)
{
    IpsecFlowMetrics m = IpsecComputeFlowMetrics(flow);
    os << ", \"throughputBps\": " << JsonNumber(m.throughputBps)
       << ", \"activeSeconds\": " << JsonNumber(m.activeSeconds);
    if (!m.delayKind.empty())
    {
        std::string d = DelayMember(m.delayKind);
        os << ", \"" << d << "Samples\": " << m.delaySamples;
        if (m.delaySamples > 0)
        {
            os << ", \"" << d << "MeanMs\": " << JsonNumber(m.delayMeanMs) << ", \"" << d
               << "MedianMs\": " << JsonNumber(m.delayMedianMs) << ", \"" << d
               << "P95Ms\": " << JsonNumber(m.delayP95Ms);
        }
        else
        {
            os << ", \"" << d << "MeanMs\": null, \"" << d << "MedianMs\": null, \"" << d
               << "P95Ms\": null";
        }
    }
    os << ", \"lossFraction\": " << JsonNumber(m.lossFraction);
    if (m.tcp)
    {
        os << ", \"dataSegments\": " << m.dataSegments
           << ", \"retransmissions\": " << m.retransmissions
           << ", \"retransmissionFraction\": " << JsonNumber(m.retransmissionFraction);
    }
}

void
IpsecPrintFlowLine(std::ostream& os,
                   const IpsecFlowResult& flow,
                   const std::string& from,
                   const std::string& to)
{
    os << "flow " << flow.name << " " << from << " -> " << to << ": " << flow.received << " of "
       << flow.sent << " " << flow.unit << " delivered\n";
    IpsecPrintFlowMetrics(os, flow);
}

void
IpsecPrintNetstatSection(std::ostream& os, const std::string& label, Ptr<Node> node)
{
    os << "\n" << label << " (netstat -s -p ipsec / ipsec6 / pfkey):\n";
    IpsecHelper::PrintNetstat(node, os);
}

void
IpsecPrintIkeLine(std::ostream& os, const std::string& label, Ptr<IkeDaemon> daemon)
{
    const IkeDaemonStats& s = daemon->GetStats();
    os << label << " racoon: phase 1 established " << s.ph1Established << ", phase 2 established "
       << s.ph2Established << ", SAs installed " << s.saInstalled << ", messages " << s.messagesSent
       << " sent / " << s.messagesReceived << " received, retransmissions " << s.retransmissions
       << ", CPU busy " << IpsecCpu::Of(daemon->GetNode())->GetBusyTime().GetSeconds() << " s\n";
}

void
IpsecWriteReportJson(std::ostream& os,
                     const std::vector<IpsecReportNode>& nodes,
                     const std::vector<IpsecReportFlow>& flows,
                     const std::string& indent)
{
    os << "\"nodes\": [\n";
    for (size_t i = 0; i < nodes.size(); ++i)
    {
        os << indent << "  {\"name\": \"" << nodes[i].name << "\", \"addresses\": [";
        for (size_t a = 0; a < nodes[i].addresses.size(); ++a)
        {
            os << (a ? ", " : "") << "\"" << nodes[i].addresses[a] << "\"";
        }
        os << "], \"counters\": ";
        IpsecHelper::PrintStatsJson(nodes[i].node, os);
        os << "}" << (i + 1 < nodes.size() ? "," : "") << "\n";
    }
    os << indent << "],\n" << indent << "\"flows\": [\n";
    for (size_t i = 0; i < flows.size(); ++i)
    {
        const IpsecFlowResult& f = flows[i].result;
        os << indent << "  {\"name\": \"" << f.name << "\", \"from\": \"" << flows[i].from
           << "\", \"to\": \"" << flows[i].to << "\", \"unit\": \"" << f.unit
           << "\", \"sent\": " << f.sent << ", \"received\": " << f.received;
        IpsecWriteFlowMetricsJson(os, f);
        os << "}" << (i + 1 < flows.size() ? "," : "") << "\n";
    }
    os << indent << "]";
}

void
IpsecWriteReportJsonFile(const std::string& path,
                         const std::vector<IpsecReportNode>& nodes,
                         const std::vector<IpsecReportFlow>& flows)
{
    std::ofstream out(path);
    out << "{\n  ";
    IpsecWriteReportJson(out, nodes, flows, "  ");
    out << "\n}\n";
}

std::string
IpsecJsonString(const std::string& s)
{
    std::string out = "\"";
    for (char c : s)
    {
        if (c == '"' || c == '\\')
        {
            out += '\\';
            out += c;
        }
        else if (static_cast<unsigned char>(c) < 0x20)
        {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\u%04x", c);
            out += buf;
        }
        else
        {
            out += c;
        }
    }
    return out + "\"";
}

void
IpsecPrintSetkeyD(std::ostream& os, const std::string& label, Ptr<Node> node)
{
    os << "\n" << label << "# setkey -D\n";
    SetkeyDump::PrintSad(os, node->GetObject<IpsecStack>()->GetSad(), SetkeyDumpOptions());
}

void
IpsecPrintLint(std::ostream& os,
               const std::string& what,
               const std::vector<IpsecLintFinding>& findings)
{
    os << "lint of " << what << " (IpsecPolicyLint): ";
    if (findings.empty())
    {
        os << "no policy is shadowed or redundant\n";
    }
    else
    {
        os << findings.size() << " policy(ies) can never match\n";
        for (const auto& f : findings)
        {
            os << "  " << f.message << "\n";
        }
    }
}

IpsecSetkeyDumps::IpsecSetkeyDumps()
    : m_dumps(std::make_shared<std::vector<Dump>>())
{
}

void
IpsecSetkeyDumps::Schedule(Ptr<Node> node, const std::string& name, Ipv4Address addr, double at)
{
    auto dumps = m_dumps;
    Simulator::ScheduleWithContext(node->GetId(),
                                   Seconds(at),
                                   [dumps, node, name, addr, at]()
                                   {
                                       Ptr<IpsecStack> st = IpsecHelper::GetStack(node);
                                       SetkeyDumpOptions opts;
                                       opts.localAddresses.insert(IpsecAddress(addr));
                                       Dump d;
                                       d.at = at;
                                       d.node = name;
                                       d.sad = SetkeyDump::SadToString(st->GetSad(), opts);
                                       d.spd = SetkeyDump::SpdToString(st->GetSpd(), opts);
                                       std::cout << "=== " << name << " (" << addr << ") at " << at
                                                 << " s: setkey -D\n"
                                                 << d.sad << "=== " << name << " (" << addr
                                                 << ") at " << at << " s: setkey -DP\n"
                                                 << d.spd << "\n";
                                       dumps->push_back(d);
                                   });
}

const std::vector<IpsecSetkeyDumps::Dump>&
IpsecSetkeyDumps::GetDumps() const
{
    return *m_dumps;
}

void
IpsecSetkeyDumps::WriteJson(std::ostream& os) const
{
    const std::vector<Dump>& dumps = *m_dumps;
    os << "\"dumps\": [\n";
    for (size_t i = 0; i < dumps.size(); ++i)
    {
        const Dump& d = dumps[i];
        os << "    {\"at\": " << d.at << ", \"node\": " << IpsecJsonString(d.node)
           << ", \"sad\": " << IpsecJsonString(d.sad) << ", \"spd\": " << IpsecJsonString(d.spd)
           << "}" << (i + 1 < dumps.size() ? "," : "") << "\n";
    }
    os << "  ]";
}

} // namespace ns3
