/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-example-report.h"

#include "ns3/ipsec-cpu.h"
#include "ns3/ipsec-helper.h"
#include "ns3/ipsec-stack.h"
#include "ns3/setkey-dump.h"
#include "ns3/simulator.h"

#include <cstdio>
#include <fstream>
#include <iostream>

namespace ns3
{

void
IpsecPrintFlowLine(std::ostream& os,
                   const IpsecFlowResult& flow,
                   const std::string& from,
                   const std::string& to)
{
    os << "flow " << flow.name << " " << from << " -> " << to << ": " << flow.received << " of "
       << flow.sent << " " << flow.unit << " delivered\n";
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
           << "\", \"sent\": " << f.sent << ", \"received\": " << f.received << "}"
           << (i + 1 < flows.size() ? "," : "") << "\n";
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
