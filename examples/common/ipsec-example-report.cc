/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-example-report.h"

#include "ns3/ipsec-cpu.h"
#include "ns3/ipsec-helper.h"

#include <cstdio>
#include <fstream>

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

} // namespace ns3
