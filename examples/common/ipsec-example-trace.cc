/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-example-trace.h"

#include "ns3/ipsec-helper.h"
#include "ns3/ipsec-policy-lint.h"
#include "ns3/ipsec-stack.h"
#include "ns3/isakmp-message.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <iomanip>
#include <iostream>
#include <sstream>

namespace ns3
{

std::shared_ptr<IpsecPolicyHits>
IpsecPolicyHits::Watch(Ptr<Node> node, const std::string& name, bool verbose)
{
    auto hits = std::make_shared<IpsecPolicyHits>();
    hits->verbose = verbose;
    hits->nodeName = name;
    UintegerValue defPolicy;
    IpsecHelper::GetStack(node)->GetAttribute("DefPolicy", defPolicy);
    hits->defPolicy = defPolicy.Get();
    IpsecHelper::GetStack(node)->TraceConnectWithoutContext(
        "PolicyMatch",
        Callback<void, IpsecDirection, const std::string&, Ptr<IpsecPolicy>>(
            [hits](IpsecDirection dir, const std::string& sel, Ptr<IpsecPolicy> p)
            {
                hits->Hit(dir, sel, p);
            }));
    return hits;
}

void
IpsecPolicyHits::Hit(IpsecDirection dir, const std::string& selector, Ptr<IpsecPolicy> policy)
{
    // The trace's selector text starts with the source and the destination
    // address (the outbound one with "[port]" after each).
    std::istringstream words(selector);
    std::string src;
    std::string dst;
    words >> src >> dst;
    bool own = src.substr(0, src.find('[')) == dst.substr(0, dst.find('['));
    Row* row = nullptr;
    for (Row& r : rows)
    {
        if (r.dir == dir && r.policy == policy)
        {
            row = &r;
        }
    }
    if (!row)
    {
        rows.push_back({dir, policy, 0, 0});
        row = &rows.back();
    }
    (own ? row->own : row->others)++;
    if (verbose)
    {
        // (std::cout keeps the fixed notation: the report after the run
        // prints its times with it.)
        std::cout << std::fixed << std::setprecision(6) << Simulator::Now().GetSeconds() << "s "
                  << nodeName << " " << IpsecDirectionName(dir) << " " << selector << ": "
                  << Describe(dir, policy) << "\n";
    }
}

std::string
IpsecPolicyHits::Describe(IpsecDirection dir, Ptr<IpsecPolicy> policy) const
{
    if (!policy)
    {
        return "no " + IpsecDirectionName(dir) + "bound policy matches: system default, def_policy="
             + std::to_string(defPolicy) + (defPolicy == 0 ? " (discard)" : " (none)");
    }
    std::string line = policy->setkeyLine ? "line " + std::to_string(policy->setkeyLine)
                                          : "spid " + std::to_string(policy->id);
    return line + ": " + IpsecPolicyLint::Statement(*policy);
}

void
IpsecPolicyHits::Print(std::ostream& os) const
{
    os << "\npolicy lookups on " << nodeName << ", in datagrams (own: from " << nodeName << " to "
       << nodeName << "; others: the rest):\n";
    for (const auto& r : rows)
    {
        os << "  " << std::setw(3) << std::left << IpsecDirectionName(r.dir) << std::right
           << "  own " << std::setw(4) << r.own << "  others " << std::setw(4) << r.others << "  "
           << Describe(r.dir, r.policy) << "\n";
    }
}

std::shared_ptr<IpsecDropTally>
IpsecDropTally::Watch(Ptr<Node> node)
{
    auto log = std::make_shared<IpsecDropTally>();
    IpsecHelper::GetStack(node)->TraceConnectWithoutContext(
        "Drop",
        Callback<void, Ptr<const Packet>, bool, IpsecDropReason, const std::string&>(
            [log](Ptr<const Packet> p, bool v6, IpsecDropReason cReason, const std::string& r)
            {
                log->Drop(p, v6, cReason, r);
            }));
    return log;
}

void
IpsecDropTally::Drop(Ptr<const Packet>,
                     bool,
                     IpsecDropReason counterReason,
                     const std::string& reason)
{
    const std::string counter = IpsecDropReasonCounter(counterReason);
    drops[{counter, reason}]++;
}

void
IpsecDropTally::Print(std::ostream& os, const std::string& name) const
{
    for (const auto& d : drops)
    {
        os << "drops on " << name << ": " << d.second << " x " << d.first.first << ": "
           << d.first.second << "\n";
    }
}

std::shared_ptr<IpsecLanCounts>
IpsecLanCounts::Watch(Ptr<NetDevice> device, uint16_t port)
{
    auto lan = std::make_shared<IpsecLanCounts>();
    lan->port = port;
    device->TraceConnectWithoutContext("Sniffer",
                                       Callback<void, Ptr<const Packet>>(
                                           [lan](Ptr<const Packet> p)
                                           {
                                               lan->Frame(p);
                                           }));
    return lan;
}

void
IpsecLanCounts::Frame(Ptr<const Packet> frame)
{
    uint8_t b[64] = {};
    uint32_t n = frame->CopyData(b, sizeof(b));
    if (n < 34 || b[12] != 0x08 || b[13] != 0x00)
    {
        return; // ARP
    }
    const uint8_t* ip = b + 14;
    uint32_t l4 = 14 + (ip[0] & 0x0f) * 4;
    if (firstProtocol < 0)
    {
        firstProtocol = ip[9];
        firstIp = Simulator::Now().GetSeconds();
    }
    if (ip[9] == 50)
    {
        esp++;
    }
    else if (ip[9] == 17 && l4 + 4 <= n
             && (((b[l4] << 8) | b[l4 + 1]) == port || ((b[l4 + 2] << 8) | b[l4 + 3]) == port))
    {
        clear++;
    }
    else
    {
        other++;
    }
}

std::string
IpsecLogTime()
{
    std::ostringstream os;
    os << std::fixed << std::setprecision(3) << std::setw(8) << Simulator::Now().GetSeconds()
       << " s  ";
    return os.str();
}

void
IpsecPrintRacoonTraces(Ptr<IkeDaemon> daemon, const std::string& who, bool received, bool flush)
{
    const std::string prefix = who.empty() ? "" : who + " ";
    daemon->TraceConnectWithoutContext("Log",
                                       Callback<void, int, const std::string&>(
                                           [prefix, flush](int, const std::string& line)
                                           {
                                               std::cout << IpsecLogTime() << prefix
                                                         << "racoon: " << line << "\n";
                                               if (flush)
                                               {
                                                   std::cout.flush();
                                               }
                                           }));
    daemon->TraceConnectWithoutContext(
        "Message",
        Callback<void,
                 IkeDaemon::Direction,
                 const IpsecAddress&,
                 uint8_t,
                 uint32_t,
                 uint32_t,
                 bool>(
            [prefix, received, flush](IkeDaemon::Direction d,
                                      const IpsecAddress& peer,
                                      uint8_t exchange,
                                      uint32_t number,
                                      uint32_t bytes,
                                      bool again)
            {
                bool sent = d == IkeDaemon::Direction::SENT;
                if (!sent && !received)
                {
                    return;
                }
                std::cout << IpsecLogTime() << prefix << (sent ? "-> " : "<- ") << peer << "  "
                          << isakmp::ExchangeName(exchange)
                          << (number ? " #" + std::to_string(number) : std::string()) << ", "
                          << bytes << " bytes" << (again ? " (again)" : "") << "\n";
                if (flush)
                {
                    std::cout.flush();
                }
            }));
}

} // namespace ns3
