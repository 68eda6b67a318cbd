/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ipsec-adversary: an attacker on the link of two IPsec peers.
 *
 * Transport mode: hosts A (10.1.1.1) and B (10.1.1.2) on one CSMA link
 * protect everything between them (examples/adversary/CONFIG-A.conf,
 * CONFIG-B.conf); A sends B UDP echo requests, B echoes them.  Tunnel mode:
 * the NetBSD IPsec FAQ's VPN, h1 -- gw1 == WAN == gw2 -- h2, the WAN a CSMA
 * link (examples/adversary/gw1.conf, gw2.conf); h1 echoes with h2.  A third
 * node on the link (no IP stack at all) runs IpsecAdversary: it sniffs the
 * ESP/AH datagrams to its victim (B, or gw2) and sends forged, replayed,
 * tampered, truncated and spoofed datagrams of its own.  At the end the
 * program prints, per attack, what was sent, what reached the victim's
 * sockets and the drops the victim's IpsecStack traced, then the victim's
 * `netstat -s`: with authenticated SAs and a replay window, nothing forged
 * is delivered and the echo flow is unaffected.
 *
 *   build/examples/ipsec-adversary --attacks=all --family=4 --mode=transport
 */
#include "ns3/command-line.h"
#include "ns3/core-module.h"
#include "ns3/csma-helper.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipsec-adversary-helper.h"
#include "ns3/ipsec-helper.h"
#include "ns3/ipsec-net-util.h"
#include "ns3/ipsec-stack-helper.h"
#include "ns3/ipsec-stack.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/ipv6-static-routing-helper.h"
#include "ns3/udp-socket-factory.h"

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecAdversaryExample");

namespace
{

constexpr uint16_t PORT = 9; // the echo service, and where spoofed UDP goes

/// What the run saw, per attack kind.
struct Tally
{
    IpsecAttack last{IpsecAttack::FORGED_GUESSED_SPI}; ///< the attack sent last
    bool any{false};                                   ///< an attack was sent
    std::map<IpsecAttack, std::map<std::string, uint64_t>> drops;
    std::map<std::string, uint64_t> unattributed; ///< drops before any attack
    std::map<IpsecAttack, uint64_t> delivered;
    std::map<std::string, uint64_t>
        ipDrops;                 ///< the victim's own IP layer (ns-3), after the attacks began
    std::set<uint32_t> requests; ///< echo requests received (by number)
    uint32_t replies{0};
    uint32_t duplicates{0};
};

void
OnAttack(Tally* t, IpsecAttack kind, Ptr<const Packet>)
{
    t->last = kind;
    t->any = true;
}

/// The victim's IpsecStack Drop trace, attributed to the attack sent last
/// (attacks are Interval apart; the echo flow is never dropped).
void
OnDrop(Tally* t, Ptr<const Packet>, bool, IpsecDropReason reason, const std::string&)
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
IpDrop(Tally* t, const std::string& reason)
{
    if (t->any)
    {
        t->ipDrops[reason]++;
    }
}

void
OnIpv4Drop(Tally* t,
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
OnIpv6Drop(Tally* t,
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

std::string
Text(Ptr<Packet> p)
{
    std::string s(p->GetSize(), '\0');
    p->CopyData(reinterpret_cast<uint8_t*>(&s[0]), s.size());
    return s;
}

/// The echo server on the victim's side: echoes requests, and tells a
/// forged datagram (the adversary's marker, or a request seen before) from
/// a request.
void
ServerReceive(Tally* t, Ptr<Socket> socket)
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
        socket->SendTo(p, 0, from);
    }
}

void
ClientReceive(Tally* t, Ptr<Socket> socket)
{
    while (socket->Recv())
    {
        t->replies++;
    }
}

void
SendRequest(Ptr<Socket> socket, Address to, uint32_t n, uint32_t size)
{
    std::string s = "echo " + std::to_string(n) + " ";
    while (s.size() < size)
    {
        s += "the quick brown fox jumps over the lazy dog ";
    }
    s.resize(size);
    socket->SendTo(Create<Packet>(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0, to);
}

Ptr<Socket>
UdpSocket(Ptr<Node> node, bool v6, uint16_t port)
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

} // namespace

int
main(int argc, char* argv[])
{
    std::string attacks = "all";
    uint32_t family = 4;
    std::string mode = "transport";
    std::string config = "esp-auth";
    uint32_t count = 3;
    uint32_t packets = 20;
    uint32_t size = 200;
    double interval = 0.1;
    bool pcap = false;
    std::string pcapDir;
    std::string json;

    CommandLine cmd(__FILE__);
    cmd.AddValue("attacks", "comma-separated attacks, or 'all'", attacks);
    cmd.AddValue("family", "4 or 6", family);
    cmd.AddValue("mode", "transport (two hosts) or tunnel (the FAQ's VPN)", mode);
    cmd.AddValue("config",
                 "transport mode's scripts: esp-auth, ah, ipcomp, esp-noauth "
                 "(examples/adversary/CONFIG-A.conf, CONFIG-B.conf)",
                 config);
    cmd.AddValue("count", "attacks of each kind", count);
    cmd.AddValue("packets", "echo requests of the legitimate flow, one every 100 ms", packets);
    cmd.AddValue("size", "bytes of each echo request", size);
    cmd.AddValue("interval", "seconds between two attacks", interval);
    cmd.AddValue("pcap", "write a pcap of every device (into --pcapDir, else here)", pcap);
    cmd.AddValue("pcapDir", "write a pcap of every device into this directory", pcapDir);
    cmd.AddValue("json", "write the summary as JSON to this file", json);
    cmd.Parse(argc, argv);

    std::vector<IpsecAttack> kinds;
    std::string error;
    if (!IpsecParseAttacks(attacks, &kinds, &error) || kinds.empty() || (family != 4 && family != 6)
        || (mode != "transport" && mode != "tunnel"))
    {
        std::cerr << "ipsec-adversary: " << (error.empty() ? "bad arguments" : error) << "\n";
        return 1;
    }
    const bool v6 = family == 6;
    const bool tunnel = mode == "tunnel";
    const std::string dir = NS3_IPSEC_EXAMPLES_DIR "/adversary/";
    const std::string sfx = v6 ? "-v6.conf" : ".conf";
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    // Topology.  The neighbour caches are filled beforehand, so that ARP and
    // neighbour discovery stay out of the picture (and out of the policies).
    IpsecStackHelper stack;
    stack.SetIpv4StackInstall(!v6);
    stack.SetIpv6StackInstall(v6);
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    csma.SetChannelAttribute("Delay", StringValue("0.1ms"));
    Ptr<Node> attacker = CreateObject<Node>();
    Names::Add("adversary", attacker);
    Ptr<Node> client;
    Ptr<Node> server;
    Ptr<Node> victim;
    Ptr<NetDevice> victimDevice;
    Ptr<NetDevice> attackerDevice;
    IpsecAddress serverAddress;
    IpsecAdversaryHelper adversary;
    IpsecHelper ipsec;
    std::string what;
    try
    {
        if (!tunnel)
        {
            Ptr<Node> a = CreateObject<Node>();
            Ptr<Node> b = CreateObject<Node>();
            Names::Add("A", a);
            Names::Add("B", b);
            stack.Install(NodeContainer(a, b));
            NetDeviceContainer d = csma.Install(NodeContainer(a, b, attacker));
            std::string addrA = v6 ? "fd00:1::1" : "10.1.1.1";
            std::string addrB = v6 ? "fd00:1::2" : "10.1.1.2";
            if (v6)
            {
                IpsecAssignIpv6(d.Get(0), addrA, false);
                IpsecAssignIpv6(d.Get(1), addrB, false);
            }
            else
            {
                Ipv4AddressHelper("10.1.1.0", "255.255.255.0")
                    .Assign(NetDeviceContainer(d.Get(0), d.Get(1)));
            }
            IpsecFillNeighbourCaches(NetDeviceContainer(d.Get(0), d.Get(1)));
            ipsec.RunSetkeyFile(a, dir + config + "-A" + sfx);
            ipsec.RunSetkeyFile(b, dir + config + "-B" + sfx);
            client = a;
            server = b;
            victim = b;
            victimDevice = d.Get(1);
            attackerDevice = d.Get(2);
            serverAddress = *IpsecAddress::Parse(addrB);
            adversary.SetVictim(serverAddress, victimDevice);
            adversary.AddProtectedPrefix(addrA);
            what = "transport mode, IPv" + std::to_string(family) + ", " + config + ": A " + addrA
                 + " <-> B " + addrB + ", the adversary on their link attacking B";
        }
        else
        {
            NodeContainer n; // h1, gw1, gw2, h2
            n.Create(4);
            Names::Add("h1", n.Get(0));
            Names::Add("gw1", n.Get(1));
            Names::Add("gw2", n.Get(2));
            Names::Add("h2", n.Get(3));
            stack.Install(n);
            NetDeviceContainer lan1 = csma.Install(NodeContainer(n.Get(1), n.Get(0)));
            NetDeviceContainer wan = csma.Install(NodeContainer(n.Get(1), n.Get(2), attacker));
            NetDeviceContainer lan2 = csma.Install(NodeContainer(n.Get(2), n.Get(3)));
            NetDeviceContainer wanHosts(wan.Get(0), wan.Get(1));
            if (v6)
            {
                IpsecAssignIpv6(lan1.Get(0), "fd00:10:0:1::1", true);
                IpsecAssignIpv6(lan1.Get(1), "fd00:10:0:1::2", false);
                IpsecAssignIpv6(wan.Get(0), "fd00:20::1", true);
                IpsecAssignIpv6(wan.Get(1), "fd00:20::2", true);
                IpsecAssignIpv6(lan2.Get(0), "fd00:10:0:2::1", true);
                IpsecAssignIpv6(lan2.Get(1), "fd00:10:0:2::2", false);
                Ipv6StaticRoutingHelper r;
                r.GetStaticRouting(n.Get(0)->GetObject<Ipv6>())
                    ->SetDefaultRoute(Ipv6Address("fd00:10:0:1::1"), 1);
                r.GetStaticRouting(n.Get(3)->GetObject<Ipv6>())
                    ->SetDefaultRoute(Ipv6Address("fd00:10:0:2::1"), 1);
                r.GetStaticRouting(n.Get(1)->GetObject<Ipv6>())
                    ->AddNetworkRouteTo("fd00:10:0:2::", Ipv6Prefix(64), "fd00:20::2", 2);
                r.GetStaticRouting(n.Get(2)->GetObject<Ipv6>())
                    ->AddNetworkRouteTo("fd00:10:0:1::", Ipv6Prefix(64), "fd00:20::1", 1);
            }
            else
            {
                Ipv4AddressHelper addr("10.0.1.0", "255.255.255.0");
                addr.Assign(lan1); // gw1 .1, h1 .2
                addr.SetBase("20.0.0.0", "255.255.255.0");
                addr.Assign(wanHosts);
                addr.SetBase("10.0.2.0", "255.255.255.0");
                addr.Assign(lan2); // gw2 .1, h2 .2
                Ipv4StaticRoutingHelper r;
                r.GetStaticRouting(n.Get(0)->GetObject<Ipv4>())->SetDefaultRoute("10.0.1.1", 1);
                r.GetStaticRouting(n.Get(3)->GetObject<Ipv4>())->SetDefaultRoute("10.0.2.1", 1);
                r.GetStaticRouting(n.Get(1)->GetObject<Ipv4>())
                    ->AddNetworkRouteTo("10.0.2.0", "255.255.255.0", "20.0.0.2", 2);
                r.GetStaticRouting(n.Get(2)->GetObject<Ipv4>())
                    ->AddNetworkRouteTo("10.0.1.0", "255.255.255.0", "20.0.0.1", 1);
            }
            IpsecFillNeighbourCaches(lan1);
            IpsecFillNeighbourCaches(wanHosts);
            IpsecFillNeighbourCaches(lan2);
            ipsec.RunSetkeyFile(n.Get(1), dir + "gw1" + sfx);
            ipsec.RunSetkeyFile(n.Get(2), dir + "gw2" + sfx);
            client = n.Get(0);
            server = n.Get(3);
            victim = n.Get(2);
            victimDevice = wan.Get(1);
            attackerDevice = wan.Get(2);
            serverAddress = *IpsecAddress::Parse(v6 ? "fd00:10:0:2::2" : "10.0.2.2");
            adversary.SetVictim(*IpsecAddress::Parse(v6 ? "fd00:20::2" : "20.0.0.2"), victimDevice);
            adversary.SetPeer(*IpsecAddress::Parse(v6 ? "fd00:20::1" : "20.0.0.1"));
            adversary.AddProtectedPrefix(v6 ? "fd00:10:0:1::/64" : "10.0.1.0/24");
            adversary.SetSpoofDestination(serverAddress);
            config = "esp-auth";
            what = std::string("tunnel mode, IPv") + std::to_string(family) + ", the FAQ's VPN (gw1"
                 + sfx + ", gw2" + sfx
                 + "): h1 -- gw1 == WAN == gw2 -- h2, the adversary on the WAN attacking gw2";
        }
    }
    catch (const IpsecConfigError& e)
    {
        std::cerr << e.what() << "\n";
        return 1;
    }

    // The legitimate flow: UDP echo from the client to the server.
    Tally tally;
    Ptr<Socket> serverSocket = UdpSocket(server, v6, PORT);
    serverSocket->SetRecvCallback(MakeBoundCallback(&ServerReceive, &tally));
    std::vector<Ptr<Socket>> traps; // a gateway victim's own port 9
    if (victim != server)
    {
        Ptr<Socket> s = UdpSocket(victim, v6, PORT);
        s->SetRecvCallback(MakeBoundCallback(&ServerReceive, &tally));
        traps.push_back(s);
    }
    Ptr<Socket> clientSocket = UdpSocket(client, v6, 0);
    clientSocket->SetRecvCallback(MakeBoundCallback(&ClientReceive, &tally));
    Address to = v6 ? Address(Inet6SocketAddress(serverAddress.ToIpv6(), PORT))
                    : Address(InetSocketAddress(serverAddress.ToIpv4(), PORT));
    for (uint32_t i = 0; i < packets; ++i)
    {
        Simulator::Schedule(Seconds(1.0 + 0.1 * i), &SendRequest, clientSocket, to, i, size);
    }

    // The adversary: from 1.55 s (between two echo requests), one attack every
    // --interval seconds.
    adversary.SetAttacks(kinds);
    adversary.SetAttribute("Count", UintegerValue(count));
    adversary.SetAttribute("Interval", TimeValue(Seconds(interval)));
    adversary.SetStartStop(Seconds(1.55), Seconds(1000));
    Ptr<IpsecAdversary> app = adversary.Install(attackerDevice);
    app->AssignStreams(1000);
    app->TraceConnectWithoutContext("Attack", MakeBoundCallback(&OnAttack, &tally));
    victim->GetObject<IpsecStack>()->TraceConnectWithoutContext("Drop",
                                                                MakeBoundCallback(&OnDrop, &tally));
    if (v6)
    {
        victim->GetObject<Ipv6L3Protocol>()->TraceConnectWithoutContext(
            "Drop", MakeBoundCallback(&OnIpv6Drop, &tally));
    }
    else
    {
        victim->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "Drop", MakeBoundCallback(&OnIpv4Drop, &tally));
    }
    if (pcap || !pcapDir.empty())
    {
        std::string d = pcapDir.empty() ? "." : pcapDir;
        std::filesystem::create_directories(d);
        csma.EnablePcapAll(d + "/ipsec-adversary", false);
    }

    // Long enough for the flow, the attacks, and an IPv6 reassembly timeout (60 s).
    double end = std::max(1.0 + 0.1 * packets, 1.55 + interval * count * kinds.size()) + 1.0;
    if (v6)
    {
        end += 61;
    }
    Simulator::Stop(Seconds(end));
    Simulator::Run();

    const std::string victimName = Names::FindName(victim);
    const std::string serverName = Names::FindName(server);
    const std::string clientName = Names::FindName(client);
    const uint32_t requests = tally.requests.size();
    std::cout << "ipsec-adversary: " << what << "\n";
    std::cout << "flow udp-echo " << clientName << " -> " << serverName << ": " << requests
              << " of " << packets << " datagrams delivered\n";
    std::cout << "flow udp-echo-reply " << serverName << " -> " << clientName << ": "
              << tally.replies << " of " << requests << " datagrams delivered\n\n";
    std::cout << std::left << std::setw(20) << "attack" << std::right << std::setw(6) << "sent"
              << std::setw(9) << "skipped" << std::setw(11) << "delivered"
              << "  drops traced by " << victimName << "'s IpsecStack\n";
    uint64_t forged = 0;
    std::ostringstream attacksJson;
    for (IpsecAttack k : IpsecAllAttacks())
    {
        if (std::find(kinds.begin(), kinds.end(), k) == kinds.end())
        {
            continue;
        }
        std::ostringstream d;
        std::ostringstream dj;
        for (const auto& [counter, n] : tally.drops[k])
        {
            d << (d.tellp() > 0 ? ", " : "") << counter << " x" << n;
            dj << (dj.tellp() > 0 ? ", " : "") << "\"" << counter << "\": " << n;
        }
        forged += tally.delivered[k];
        std::cout << std::left << std::setw(20) << IpsecAttackName(k) << std::right << std::setw(6)
                  << app->GetSent(k) << std::setw(9) << app->GetSkipped(k) << std::setw(11)
                  << tally.delivered[k] << "  " << (d.tellp() > 0 ? d.str() : "-") << "\n";
        attacksJson << (attacksJson.tellp() > 0 ? ",\n" : "") << "    {\"name\": \""
                    << IpsecAttackName(k) << "\", \"sent\": " << app->GetSent(k)
                    << ", \"skipped\": " << app->GetSkipped(k)
                    << ", \"delivered\": " << tally.delivered[k] << ", \"drops\": {" << dj.str()
                    << "}}";
    }
    for (const auto& [counter, n] : tally.unattributed)
    {
        std::cout << "before any attack: " << counter << " x" << n << "\n";
    }
    for (const auto& [reason, n] : tally.ipDrops)
    {
        std::cout << victimName << "'s IP layer (ns-3, not IPsec) dropped " << n << " x " << reason
                  << "\n";
    }
    std::cout << "forged datagrams delivered to the sockets of " << victimName
              << (victim != server ? " and " + serverName : std::string()) << ": " << forged
              << "\n\n"
              << victimName << " (netstat -ss -p ipsec / ipsec6 / pfkey: the counters not zero):\n";
    IpsecHelper::PrintNetstat(victim, std::cout, true);

    if (!json.empty())
    {
        std::ofstream out(json);
        out << "{\n  \"program\": \"ipsec-adversary\", \"mode\": \"" << mode
            << "\", \"family\": " << family << ", \"config\": \"" << config << "\",\n"
            << "  \"victim\": \"" << victimName << "\", \"forgedDelivered\": " << forged << ",\n"
            << "  \"flows\": [\n"
            << "    {\"name\": \"udp-echo\", \"from\": \"" << clientName << "\", \"to\": \""
            << serverName << "\", \"unit\": \"datagrams\", \"sent\": " << packets
            << ", \"received\": " << requests << "},\n"
            << "    {\"name\": \"udp-echo-reply\", \"from\": \"" << serverName << "\", \"to\": \""
            << clientName << "\", \"unit\": \"datagrams\", \"sent\": " << requests
            << ", \"received\": " << tally.replies << "}\n  ],\n"
            << "  \"attacks\": [\n"
            << attacksJson.str() << "\n  ],\n"
            << "  \"nodes\": [\n    {\"name\": \"" << victimName << "\", \"counters\": ";
        IpsecHelper::PrintStatsJson(victim, out);
        out << "}\n  ]\n}\n";
        if (!out)
        {
            std::cerr << "ipsec-adversary: cannot write " << json << "\n";
            return 1;
        }
    }
    Simulator::Destroy();
    return 0;
}
