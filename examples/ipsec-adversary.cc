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
#include "common/ipsec-attack-tally.h"
#include "common/ipsec-example-output.h"
#include "ns3/command-line.h"
#include "ns3/core-module.h"
#include "ns3/csma-helper.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipsec-adversary-helper.h"
#include "ns3/ipsec-helper.h"
#include "ns3/ipsec-key-log-helper.h"
#include "ns3/ipsec-net-util.h"
#include "ns3/ipsec-stack-helper.h"
#include "ns3/ipsec-stack.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv6-static-routing-helper.h"

#include <filesystem>
#include <iostream>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecAdversaryExample");

namespace
{

constexpr uint16_t PORT = 9; // the echo service, and where spoofed UDP goes

/// Who is who in the scenario the program builds.
struct Scenario
{
    Ptr<Node> client;
    Ptr<Node> server;
    Ptr<Node> victim;
    Ptr<NetDevice> attackerDevice;
    IpsecAddress serverAddress;
    std::string what; ///< one line for the report
};

/**
 * Transport mode: hosts A and B and the adversary on one CSMA link, the
 * scripts CONFIG-A.conf and CONFIG-B.conf (-v6 with IPv6); A is the client,
 * B the server and the victim.
 */
Scenario
BuildTransport(Ptr<Node> attacker,
               bool v6,
               const std::string& config,
               IpsecStackHelper& stack,
               CsmaHelper& csma,
               IpsecAdversaryHelper& adversary)
{
    const std::string dir = NS3_IPSEC_EXAMPLES_DIR "/adversary/";
    const std::string sfx = v6 ? "-v6.conf" : ".conf";
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
    // ARP and neighbour discovery stay out of the picture (and of the policies).
    IpsecFillNeighbourCaches(NetDeviceContainer(d.Get(0), d.Get(1)));
    IpsecHelper ipsec;
    ipsec.RunSetkeyFile(a, dir + config + "-A" + sfx);
    ipsec.RunSetkeyFile(b, dir + config + "-B" + sfx);
    Scenario s{a, b, b, d.Get(2), *IpsecAddress::Parse(addrB), ""};
    adversary.SetVictim(s.serverAddress, d.Get(1));
    adversary.AddProtectedPrefix(addrA);
    s.what = "transport mode, IPv" + std::string(v6 ? "6" : "4") + ", " + config + ": A " + addrA
           + " <-> B " + addrB + ", the adversary on their link attacking B";
    return s;
}

/**
 * Tunnel mode: the FAQ's VPN h1 -- gw1 == WAN == gw2 -- h2, every link
 * CSMA, the adversary on the WAN (gw1.conf, gw2.conf; -v6 with IPv6); h1
 * is the client, h2 the server, gw2 the victim.
 */
Scenario
BuildTunnel(Ptr<Node> attacker,
            bool v6,
            IpsecStackHelper& stack,
            CsmaHelper& csma,
            IpsecAdversaryHelper& adversary)
{
    const std::string dir = NS3_IPSEC_EXAMPLES_DIR "/adversary/";
    const std::string sfx = v6 ? "-v6.conf" : ".conf";
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
    IpsecHelper ipsec;
    ipsec.RunSetkeyFile(n.Get(1), dir + "gw1" + sfx);
    ipsec.RunSetkeyFile(n.Get(2), dir + "gw2" + sfx);
    Scenario s{n.Get(0),
               n.Get(3),
               n.Get(2),
               wan.Get(2),
               *IpsecAddress::Parse(v6 ? "fd00:10:0:2::2" : "10.0.2.2"),
               ""};
    adversary.SetVictim(*IpsecAddress::Parse(v6 ? "fd00:20::2" : "20.0.0.2"), wan.Get(1));
    adversary.SetPeer(*IpsecAddress::Parse(v6 ? "fd00:20::1" : "20.0.0.1"));
    adversary.AddProtectedPrefix(v6 ? "fd00:10:0:1::/64" : "10.0.1.0/24");
    adversary.SetSpoofDestination(s.serverAddress);
    s.what = std::string("tunnel mode, IPv") + (v6 ? "6" : "4") + ", the FAQ's VPN (gw1" + sfx
           + ", gw2" + sfx
           + "): h1 -- gw1 == WAN == gw2 -- h2, the adversary on the WAN attacking gw2";
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
    if (!IpsecPrepareOutputs("ipsec-adversary",
                             {{"pcapDir", pcapDir, true}, {"json", json, false}}))
    {
        return 1;
    }

    std::vector<IpsecAttack> kinds;
    std::string error;
    if (!IpsecParseAttacks(attacks, &kinds, &error) || kinds.empty() || (family != 4 && family != 6)
        || (mode != "transport" && mode != "tunnel"))
    {
        std::cerr << "ipsec-adversary: " << (error.empty() ? "bad arguments" : error) << "\n";
        return 1;
    }
    const bool v6 = family == 6;
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    // The topology, the scripts and the adversary's victim; the adversary's
    // node has no IP stack at all.
    IpsecStackHelper stack;
    stack.SetIpv4StackInstall(!v6);
    stack.SetIpv6StackInstall(v6);
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    csma.SetChannelAttribute("Delay", StringValue("0.1ms"));
    Ptr<Node> attacker = CreateObject<Node>();
    Names::Add("adversary", attacker);
    IpsecAdversaryHelper adversary;
    Scenario s;
    try
    {
        if (mode == "transport")
        {
            s = BuildTransport(attacker, v6, config, stack, csma, adversary);
        }
        else
        {
            s = BuildTunnel(attacker, v6, stack, csma, adversary);
            config = "esp-auth";
        }
    }
    catch (const IpsecConfigError& e)
    {
        std::cerr << e.what() << "\n";
        return 1;
    }

    // The legitimate flow: UDP echo from the client to the server, a
    // request every 100 ms from 1 s.
    IpsecAttackTally tally;
    Ptr<Socket> serverSocket = IpsecAttackTally::UdpSocket(s.server, v6, PORT);
    serverSocket->SetRecvCallback(MakeBoundCallback(&IpsecAttackTally::ServerReceive, &tally));
    std::vector<Ptr<Socket>> traps; // a gateway victim's own port 9
    if (s.victim != s.server)
    {
        Ptr<Socket> trap = IpsecAttackTally::UdpSocket(s.victim, v6, PORT);
        trap->SetRecvCallback(MakeBoundCallback(&IpsecAttackTally::ServerReceive, &tally));
        traps.push_back(trap);
    }
    Ptr<Socket> clientSocket = IpsecAttackTally::UdpSocket(s.client, v6, 0);
    clientSocket->SetRecvCallback(MakeBoundCallback(&IpsecAttackTally::ClientReceive, &tally));
    Address to = v6 ? Address(Inet6SocketAddress(s.serverAddress.ToIpv6(), PORT))
                    : Address(InetSocketAddress(s.serverAddress.ToIpv4(), PORT));
    for (uint32_t i = 0; i < packets; ++i)
    {
        Simulator::Schedule(Seconds(1.0 + 0.1 * i),
                            &IpsecAttackTally::SendRequest,
                            &tally,
                            clientSocket,
                            to,
                            i,
                            size);
    }

    // The adversary: from 1.55 s (between two echo requests), one attack every
    // --interval seconds.
    adversary.SetAttacks(kinds);
    adversary.SetAttribute("Count", UintegerValue(count));
    adversary.SetAttribute("Interval", TimeValue(Seconds(interval)));
    adversary.SetStartStop(Seconds(1.55), Seconds(1000));
    Ptr<IpsecAdversary> app = adversary.Install(s.attackerDevice);
    app->AssignStreams(1000);
    tally.Watch(app, s.victim, v6);
    if (pcap || !pcapDir.empty())
    {
        std::string d = pcapDir.empty() ? "." : pcapDir;
        csma.EnablePcapAll(d + "/ipsec-adversary", false);
        // Wireshark's ESP SA table of the scripts' SAs, beside the pcaps.
        IpsecKeyLogHelper().EnableKeyLog(NodeContainer::GetGlobal(), d);
    }

    // Long enough for the flow, the attacks, and an IPv6 reassembly timeout (60 s).
    double end = std::max(1.0 + 0.1 * packets, 1.55 + interval * count * kinds.size()) + 1.0;
    if (v6)
    {
        end += 61;
    }
    Simulator::Stop(Seconds(end));
    Simulator::Run();

    if (!tally.Report(
            std::cout,
            {s.what, mode, family, config, packets, s.client, s.server, s.victim, app, kinds},
            json))
    {
        return 1;
    }
    Simulator::Destroy();
    return 0;
}
