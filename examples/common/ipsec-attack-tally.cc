/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-attack-tally.h"

#include "ipsec-example-report.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipsec-helper.h"
#include "ns3/ipsec-stack.h"
#include "ns3/names.h"
#include "ns3/simulator.h"
#include "ns3/udp-socket-factory.h"

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace ns3
{

void
IpsecAttackTally::Watch(Ptr<IpsecAdversary> app, Ptr<Node> victim, bool v6)
{
    app->TraceConnectWithoutContext("Attack", MakeBoundCallback(&IpsecAttackTally::OnAttack, this));
    victim->GetObject<IpsecStack>()->TraceConnectWithoutContext(
        "Drop", MakeBoundCallback(&IpsecAttackTally::OnDrop, this));
    if (v6)
    {
        victim->GetObject<Ipv6L3Protocol>()->TraceConnectWithoutContext(
            "Drop", MakeBoundCallback(&IpsecAttackTally::OnIpv6Drop, this));
    }
    else
    {
        victim->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "Drop", MakeBoundCallback(&IpsecAttackTally::OnIpv4Drop, this));
    }
}

void
IpsecAttackTally::OnAttack(IpsecAttackTally* t, IpsecAttack kind, Ptr<const Packet>)
{
    t->last = kind;
    t->any = true;
}

/// The victim's IpsecStack Drop trace, attributed to the attack sent last
/// (attacks are Interval apart; the echo flow is never dropped).
void
IpsecAttackTally::OnDrop(
    IpsecAttackTally* t, Ptr<const Packet>, bool, IpsecDropReason reason, const std::string&)
{
    const std::string counter = IpsecDropReasonCounter(reason);
    if (t->any)
    {
        t->drops[t->last][counter]++;
    }
    else
    {
        t->unattributed[counter]++;
    }
}

/// The victim's own IP layer (ns-3, not IPsec): what it drops after the
/// attacks began.  Multicast is left out: the attacks send none, and ns-3's
/// hosts drop each other's router solicitations as route errors.
void
IpsecAttackTally::IpDrop(IpsecAttackTally* t, const std::string& reason)
{
    if (t->any)
    {
        t->ipDrops[reason]++;
    }
}

void
IpsecAttackTally::OnIpv4Drop(IpsecAttackTally* t,
                             const Ipv4Header& h,
                             Ptr<const Packet>,
                             Ipv4L3Protocol::DropReason r,
                             Ptr<Ipv4>,
                             uint32_t)
{
    static const char* names[] = {"",
                                  "TTL expired",
                                  "no route",
                                  "bad checksum",
                                  "interface down",
                                  "route error",
                                  "fragment reassembly timeout",
                                  "duplicate"};
    if (!h.GetDestination().IsMulticast() && !h.GetDestination().IsBroadcast())
    {
        IpDrop(t, r < 8 ? names[r] : "reason " + std::to_string(r));
    }
}

void
IpsecAttackTally::OnIpv6Drop(IpsecAttackTally* t,
                             const Ipv6Header& h,
                             Ptr<const Packet>,
                             Ipv6L3Protocol::DropReason r,
                             Ptr<Ipv6>,
                             uint32_t)
{
    static const char* names[] = {"",
                                  "hop limit expired",
                                  "no route",
                                  "interface down",
                                  "route error",
                                  "unknown protocol",
                                  "unknown option",
                                  "malformed header",
                                  "fragment reassembly timeout"};
    if (!h.GetDestination().IsMulticast())
    {
        IpDrop(t, r < 9 ? names[r] : "reason " + std::to_string(r));
    }
}

namespace
{

std::string
Text(Ptr<Packet> p)
{
    std::string s(p->GetSize(), '\0');
    p->CopyData(reinterpret_cast<uint8_t*>(&s[0]), s.size());
    return s;
}

} // namespace

void
IpsecAttackTally::ServerReceive(IpsecAttackTally* t, Ptr<Socket> socket)
{
    Ptr<Packet> p;
    Address from;
    while ((p = socket->RecvFrom(from)))
    {
        std::string s = Text(p);
        if (s.rfind(IpsecAdversary::MARKER, 0) == 0)
        {
            std::string name = s.substr(IpsecAdversary::MARKER.size() + 1);
            name = name.substr(0, name.find(' '));
            std::vector<IpsecAttack> kinds;
            IpsecParseAttacks(name, &kinds, nullptr);
            t->delivered[kinds.empty() ? t->last : kinds.front()]++;
            continue;
        }
        if (s.rfind("echo ", 0) != 0)
        {
            t->delivered[t->last]++;
            continue;
        }
        uint32_t n = std::stoul(s.substr(5));
        if (!t->requests.insert(n).second)
        {
            t->duplicates++;
            t->delivered[t->last]++; // a replayed request KAME accepted
            continue;
        }
        double now = Simulator::Now().GetSeconds();
        t->requestSamples.Delivered(p->GetSize());
        auto sent = t->sentAt.find(n);
        if (sent != t->sentAt.end())
        {
            t->requestSamples.delays.push_back(now - sent->second);
        }
        t->echoedAt[n] = now;
        t->replySamples.Sent();
        socket->SendTo(p, 0, from);
    }
}

void
IpsecAttackTally::ClientReceive(IpsecAttackTally* t, Ptr<Socket> socket)
{
    while (Ptr<Packet> p = socket->Recv())
    {
        t->replies++;
        t->replySamples.Delivered(p->GetSize());
        std::string s = Text(p);
        if (s.rfind("echo ", 0) != 0)
        {
            continue;
        }
        auto echoed = t->echoedAt.find(std::stoul(s.substr(5)));
        if (echoed != t->echoedAt.end())
        {
            t->replySamples.delays.push_back(Simulator::Now().GetSeconds() - echoed->second);
            t->echoedAt.erase(echoed); // a duplicate is no second sample
        }
    }
}

void
IpsecAttackTally::SendRequest(
    IpsecAttackTally* t, Ptr<Socket> socket, Address to, uint32_t n, uint32_t size)
{
    t->sentAt[n] = Simulator::Now().GetSeconds();
    t->requestSamples.Sent();
    std::string s = "echo " + std::to_string(n) + " ";
    while (s.size() < size)
    {
        s += "the quick brown fox jumps over the lazy dog ";
    }
    s.resize(size);
    socket->SendTo(Create<Packet>(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0, to);
}

Ptr<Socket>
IpsecAttackTally::UdpSocket(Ptr<Node> node, bool v6, uint16_t port)
{
    Ptr<Socket> s = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
    if (v6)
    {
        s->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), port));
    }
    else
    {
        s->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
    }
    return s;
}

std::vector<IpsecFlowResult>
IpsecAttackTally::Flows(uint32_t packets) const
{
    auto received = static_cast<uint64_t>(requests.size());
    IpsecFlowResult request{"udp-echo", "datagrams", packets, received, requestSamples};
    IpsecFlowResult reply{"udp-echo-reply", "datagrams", received, replies, replySamples};
    request.samples.delayKind = "one-way delay";
    reply.samples.delayKind = "one-way delay";
    return {request, reply};
}

bool
IpsecAttackTally::Report(std::ostream& os, const Run& run, const std::string& json)
{
    const std::string victimName = Names::FindName(run.victim);
    const std::string serverName = Names::FindName(run.server);
    const std::string clientName = Names::FindName(run.client);
    const uint32_t received = requests.size();
    os << "ipsec-adversary: " << run.what << "\n";
    std::vector<IpsecFlowResult> flows = Flows(run.packets);
    IpsecPrintFlowLine(os, flows[0], clientName, serverName);
    IpsecPrintFlowLine(os, flows[1], serverName, clientName);
    os << "\n";
    os << std::left << std::setw(20) << "attack" << std::right << std::setw(6) << "sent"
       << std::setw(9) << "skipped" << std::setw(11) << "delivered"
       << "  drops traced by " << victimName << "'s IpsecStack\n";
    uint64_t forged = 0;
    std::ostringstream attacksJson;
    for (IpsecAttack k : IpsecAllAttacks())
    {
        if (std::find(run.kinds.begin(), run.kinds.end(), k) == run.kinds.end())
        {
            continue;
        }
        std::ostringstream d;
        std::ostringstream dj;
        for (const auto& [counter, n] : drops[k])
        {
            d << (d.tellp() > 0 ? ", " : "") << counter << " x" << n;
            dj << (dj.tellp() > 0 ? ", " : "") << "\"" << counter << "\": " << n;
        }
        forged += delivered[k];
        os << std::left << std::setw(20) << IpsecAttackName(k) << std::right << std::setw(6)
           << run.app->GetSent(k) << std::setw(9) << run.app->GetSkipped(k) << std::setw(11)
           << delivered[k] << "  " << (d.tellp() > 0 ? d.str() : "-") << "\n";
        attacksJson << (attacksJson.tellp() > 0 ? ",\n" : "") << "    {\"name\": \""
                    << IpsecAttackName(k) << "\", \"sent\": " << run.app->GetSent(k)
                    << ", \"skipped\": " << run.app->GetSkipped(k)
                    << ", \"delivered\": " << delivered[k] << ", \"drops\": {" << dj.str() << "}}";
    }
    for (const auto& [counter, n] : unattributed)
    {
        os << "before any attack: " << counter << " x" << n << "\n";
    }
    for (const auto& [reason, n] : ipDrops)
    {
        os << victimName << "'s IP layer (ns-3, not IPsec) dropped " << n << " x " << reason
           << "\n";
    }
    os << "forged datagrams delivered to the sockets of " << victimName
       << (run.victim != run.server ? " and " + serverName : std::string()) << ": " << forged
       << "\n\n"
       << victimName << " (netstat -ss -p ipsec / ipsec6 / pfkey: the counters not zero):\n";
    IpsecHelper::PrintNetstat(run.victim, os, true);

    if (json.empty())
    {
        return true;
    }
    std::ofstream out(json);
    out << "{\n  \"program\": \"ipsec-adversary\", \"mode\": \"" << run.mode
        << "\", \"family\": " << run.family << ", \"config\": \"" << run.config << "\",\n"
        << "  \"victim\": \"" << victimName << "\", \"forgedDelivered\": " << forged << ",\n"
        << "  \"flows\": [\n"
        << "    {\"name\": \"udp-echo\", \"from\": \"" << clientName << "\", \"to\": \""
        << serverName << "\", \"unit\": \"datagrams\", \"sent\": " << run.packets
        << ", \"received\": " << received;
    IpsecWriteFlowMetricsJson(out, flows[0]);
    out << "},\n"
        << "    {\"name\": \"udp-echo-reply\", \"from\": \"" << serverName << "\", \"to\": \""
        << clientName << "\", \"unit\": \"datagrams\", \"sent\": " << received
        << ", \"received\": " << replies;
    IpsecWriteFlowMetricsJson(out, flows[1]);
    out << "}\n  ],\n"
        << "  \"attacks\": [\n"
        << attacksJson.str() << "\n  ],\n"
        << "  \"nodes\": [\n    {\"name\": \"" << victimName << "\", \"counters\": ";
    IpsecHelper::PrintStatsJson(run.victim, out);
    out << "}\n  ]\n}\n";
    if (!out)
    {
        std::cerr << "ipsec-adversary: cannot write " << json << "\n";
        return false;
    }
    return true;
}

} // namespace ns3
