/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * NAT traversal (KAME_IPSEC(4)'s IPSEC_NAT_T: RFC 3947 in IKE, RFC 3948 ESP
 * in UDP): road warriors behind a home NAT reach their office through the
 * VPN gateway.
 *
 *   rw1 192.168.1.10 --+
 *                      +-- LAN -- NAT 192.168.1.1 | 198.51.100.1 -- WAN -- gateway 198.51.100.2 |
 *   rw2 192.168.1.11 --+                                                   10.0.0.1 --
 * server 10.0.0.2
 *
 * The road warriors' policies send everything for 10.0.0.0/24 through an
 * ESP tunnel to the gateway (examples/natt/rw1.conf, rw2.conf); the
 * gateway's end both tunnels at the NAT's address, each with a reqid of its
 * own (gw.conf).  No SA exists at the start: every host runs the simulated
 * racoon with NAT traversal on (racoon-rw.conf, racoon-gw.conf, psk.txt).
 * A road warrior's first ping makes its kernel ACQUIRE; racoon's main mode
 * exchanges the NAT-T vendor IDs and NAT-D payloads, both sides see the NAT,
 * the negotiation floats to UDP 4500 behind the non-ESP marker, quick mode
 * negotiates UDP-encapsulated tunnel SAs, and from then on ESP travels in
 * UDP 4500 (RFC 3948) through the NAT (the NAT box, Ipv4Nat: a NAPT with a
 * UDP mapping timeout).
 *
 * Timeline: each road warrior pings at 1 s (bringing its tunnel up), then
 * sends pings, UDP echoes and a TCP transfer to the server at 10 s; the
 * server does the same towards each road warrior at 40 s (both directions);
 * then the road warriors fall silent.  From 120 s the server pings each road
 * warrior once a second for 60 s, and at 150 s (rw1) and 155 s (rw2) the
 * road warriors ping the server again.  racoon's keepalives (one byte 0xFF
 * every natt_keepalive, 20 s) hold the NAT's mappings open through the
 * silence, and every probe is answered.  With --keepalive=0 the NAT forgets
 * the mappings after its UDP timeout (--natUdpTimeout, 30 s): the server's
 * probes die at the NAT for want of a mapping; when rw1 speaks again at 150
 * s the NAT maps it anew -- to the same outside port 4500 (port
 * preservation), so the gateway accepts it and rw1 is reachable again --
 * but rw2's new mapping gets another outside port than its SAs name: the
 * gateway refuses its ESP (in_nosa: the SA's ports differ, as NetBSD's
 * key_allocsa) and its answers go to the old port, which the NAT drops;
 * rw2 stays cut off until its SAs are negotiated again.  --roadWarriors=1
 * leaves rw2 out.
 *
 * --ph1Lifetime (the road warriors' remote; the gateway takes the
 * initiator's) and --ph2Lifetime (every sainfo) shorten racoon's lifetimes.
 * With --keepalive=0 --ph1Lifetime=150 --ph2Lifetime=150 rw2 recovers: at
 * the SAs' soft lifetime (123 s) the road warriors renegotiate over their
 * ISAKMP SAs, but racoon moves an ISAKMP SA to new ports only once
 * (isakmp_main's NAT_PORTS_CHANGED: the float to 4500), so the gateway
 * answers rw2's quick mode at the old port ("remote address mismatched"),
 * the NAT drops it, and rw2 gives up at 153 s; its ISAKMP SA and old SAs
 * have expired by then (151.6 s), and its ping at 155 s starts a new phase
 * 1 through the NAT's current mapping: the gateway's new SAs name the new
 * port, and rw2's later pings and the server's later probes arrive.
 *
 * The output: every flow, each daemon's NAT-T line, the NAT's mappings and
 * counters, the gateway's IPsec counters and every host's setkey -D (esp-udp
 * SAs with their ports).  --pcapDir writes a pcap of every device and the
 * keys Wireshark needs (esp_sa, ikev1_decryption_table), with which it
 * decrypts the UDP-encapsulated ESP on both sides of the NAT.
 */
#include "common/ipsec-example-output.h"
#include "common/ipsec-example-report.h"
#include "common/ipsec-example-trace.h"
#include "common/ipsec-traffic-helper.h"
#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <iostream>
#include <memory>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecNattExample");

namespace
{

std::string
ExampleFile(const std::string& name)
{
    return std::string(NS3_IPSEC_EXAMPLES_DIR) + "/natt/" + name;
}

/// One batch of traffic and who it went between.
struct Batch
{
    std::string from;
    std::string to;
    std::shared_ptr<IpsecTrafficHelper> traffic;
};

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t roadWarriors = 2;
    uint32_t keepalive = 20;
    double natUdpTimeout = 30;
    uint32_t ph1Lifetime = 0;
    uint32_t ph2Lifetime = 0;
    std::string wanRate = "10Mbps";
    std::string wanDelay = "10ms";
    std::string pcapDir;
    bool verbose = false;

    CommandLine cmd(__FILE__);
    cmd.AddValue("roadWarriors", "road warriors behind the NAT (1 or 2)", roadWarriors);
    cmd.AddValue("keepalive",
                 "racoon's timer { natt_keepalive } on every host (s; 0: no keepalives)",
                 keepalive);
    cmd.AddValue("natUdpTimeout", "the NAT's UDP mapping timeout (s)", natUdpTimeout);
    cmd.AddValue("ph1Lifetime",
                 "the road warriors' phase-1 lifetime (s; 0: racoon.conf's 8 hours; the "
                 "gateway takes the initiator's)",
                 ph1Lifetime);
    cmd.AddValue("ph2Lifetime",
                 "the sainfo lifetime on every host (s; 0: racoon.conf's 1 hour)",
                 ph2Lifetime);
    cmd.AddValue("wanRate", "rate of the WAN link", wanRate);
    cmd.AddValue("wanDelay", "delay of the WAN link", wanDelay);
    cmd.AddValue(
        "pcapDir", "write a pcap of every device and the keys into this directory", pcapDir);
    cmd.AddValue("verbose", "print racoon's log and every IKE message", verbose);
    cmd.Parse(argc, argv);
    if (roadWarriors < 1 || roadWarriors > 2)
    {
        std::cerr << "ipsec-natt: --roadWarriors must be 1 or 2\n";
        return 1;
    }
    if (!IpsecPrepareOutputs("ipsec-natt", {{"pcapDir", pcapDir, true}}))
    {
        return 1;
    }
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    // The nodes: the road warriors, the NAT, the gateway and the server.
    NodeContainer rws;
    rws.Create(roadWarriors);
    Ptr<Node> nat = CreateObject<Node>();
    Ptr<Node> gw = CreateObject<Node>();
    Ptr<Node> server = CreateObject<Node>();
    NodeContainer ipsecNodes(rws, NodeContainer(gw));
    IpsecStackHelper().Install(ipsecNodes);
    InternetStackHelper().Install(NodeContainer(nat, server));
    NodeContainer all(rws, NodeContainer(nat, gw, server));
    IpsecStackHelper().AssignStreams(ipsecNodes, 100);

    CsmaHelper lan;
    lan.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    lan.SetChannelAttribute("Delay", StringValue("1ms"));
    NetDeviceContainer lanDevs = lan.Install(NodeContainer(NodeContainer(nat), rws));
    lan.AssignStreams(lanDevs, 400); // the CSMA backoff draws
    PointToPointHelper wan;
    wan.SetDeviceAttribute("DataRate", StringValue(wanRate));
    wan.SetChannelAttribute("Delay", StringValue(wanDelay));
    NetDeviceContainer wanDevs = wan.Install(nat, gw);
    PointToPointHelper office;
    office.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    office.SetChannelAttribute("Delay", StringValue("1ms"));
    NetDeviceContainer officeDevs = office.Install(gw, server);

    Ipv4AddressHelper addr;
    addr.SetBase("192.168.1.0", "255.255.255.0", "0.0.0.1");
    addr.Assign(lanDevs.Get(0)); // the NAT .1
    addr.SetBase("192.168.1.0", "255.255.255.0", "0.0.0.10");
    for (uint32_t i = 0; i < roadWarriors; ++i)
    {
        addr.Assign(lanDevs.Get(1 + i)); // .10, .11
    }
    addr.SetBase("198.51.100.0", "255.255.255.0");
    addr.Assign(wanDevs); // NAT .1, gateway .2
    addr.SetBase("10.0.0.0", "255.255.255.0");
    addr.Assign(officeDevs); // gateway .1, server .2
    // The road warriors' default route is the NAT, the NAT's and the
    // server's the gateway, the gateway's the WAN: nobody routes to the home
    // LAN but the NAT (the gateway reaches it through the tunnels only).
    Ipv4StaticRoutingHelper srh;
    for (uint32_t i = 0; i < roadWarriors; ++i)
    {
        srh.GetStaticRouting(rws.Get(i)->GetObject<Ipv4>())
            ->SetDefaultRoute(Ipv4Address("192.168.1.1"), 1);
    }
    srh.GetStaticRouting(nat->GetObject<Ipv4>())->SetDefaultRoute(Ipv4Address("198.51.100.2"), 2);
    srh.GetStaticRouting(server->GetObject<Ipv4>())->SetDefaultRoute(Ipv4Address("10.0.0.1"), 1);
    srh.GetStaticRouting(gw->GetObject<Ipv4>())->SetDefaultRoute(Ipv4Address("198.51.100.1"), 1);

    Ipv4NatHelper natHelper;
    natHelper.SetAttribute("UdpTimeout", TimeValue(Seconds(natUdpTimeout)));
    Ptr<Ipv4Nat> box = natHelper.Install(nat, lanDevs.Get(0), wanDevs.Get(0));

    // setkey, racoon.
    IpsecHelper ipsec;
    IpsecIkeHelper ike;
    std::vector<Ptr<IkeDaemon>> daemons;
    try
    {
        for (uint32_t i = 0; i < roadWarriors; ++i)
        {
            ipsec.RunSetkeyFile(rws.Get(i), ExampleFile("rw" + std::to_string(i + 1) + ".conf"));
        }
        ipsec.RunSetkeyFile(gw, ExampleFile("gw.conf"));
        RacoonPskFile psk = RacoonPskFile::Read(ExampleFile("psk.txt"), 0600);
        for (uint32_t i = 0; i <= roadWarriors; ++i)
        {
            bool isGw = i == roadWarriors;
            RacoonConf conf
                = ReadRacoonConf(ExampleFile(isGw ? "racoon-gw.conf" : "racoon-rw.conf"));
            conf.timer.nattKeepalive = Seconds(keepalive);
            for (RacoonRemote& rm : conf.remotes)
            {
                if (ph1Lifetime != 0 && !isGw)
                {
                    rm.lifetime = Seconds(ph1Lifetime);
                }
            }
            if (ph2Lifetime != 0)
            {
                for (RacoonSainfo& si : conf.sainfos)
                {
                    si.lifetime = Seconds(ph2Lifetime);
                }
            }
            daemons.push_back(ike.Install(isGw ? gw : rws.Get(i), conf, psk));
        }
    }
    catch (const IpsecConfigError& e)
    {
        std::cerr << e.what() << "\n";
        return 1;
    }
    catch (const RacoonConfError& e)
    {
        std::cerr << "racoon: " << e.what() << "\n";
        return 1;
    }
    ike.AssignStreams(ipsecNodes, 300);
    std::vector<std::string> names{"rw1", "rw2"};
    names.resize(roadWarriors);
    if (verbose)
    {
        for (uint32_t i = 0; i < roadWarriors; ++i)
        {
            IpsecPrintRacoonTraces(daemons[i], names[i]);
        }
        IpsecPrintRacoonTraces(daemons.back(), "gw");
    }
    if (!pcapDir.empty())
    {
        lan.EnablePcapAll(pcapDir + "/ipsec-natt-lan", true);
        wan.EnablePcapAll(pcapDir + "/ipsec-natt-wan", true);
        office.EnablePcapAll(pcapDir + "/ipsec-natt-office", true);
        IpsecIkeHelper().EnableKeyLog(ipsecNodes, pcapDir);
    }

    // The traffic.
    IpsecAddress serverAddr(Ipv4Address("10.0.0.2"));
    std::vector<Batch> batches;
    auto add = [&](Ptr<Node> client,
                   const std::string& from,
                   IpsecAddress clientAddr,
                   Ptr<Node> srv,
                   const std::string& to,
                   IpsecAddress srvAddr,
                   double start,
                   uint32_t pings,
                   uint32_t echoes,
                   uint64_t tcp)
    {
        auto t = std::make_shared<IpsecTrafficHelper>();
        auto n = static_cast<uint16_t>(batches.size());
        t->SetPorts(7000 + n, 5001 + n);
        t->SetPingIdentifier(0x1000 + n);
        t->SetStart(Seconds(start));
        t->SetPingCount(pings);
        t->SetUdpEchoCount(echoes);
        t->SetTcpBytes(tcp);
        t->Install(client, clientAddr, srv, srvAddr);
        batches.push_back({from, to, t});
    };
    for (uint32_t i = 0; i < roadWarriors; ++i)
    {
        IpsecAddress rwAddr(Ipv4Address(i == 0 ? "192.168.1.10" : "192.168.1.11"));
        double d = 0.5 * i;
        add(rws.Get(i), names[i], rwAddr, server, "server", serverAddr, 1 + d, 3, 0, 0);
        add(rws.Get(i), names[i], rwAddr, server, "server", serverAddr, 10 + d, 5, 5, 200000);
        add(server, "server", serverAddr, rws.Get(i), names[i], rwAddr, 40 + d, 5, 5, 200000);
        add(server, "server", serverAddr, rws.Get(i), names[i], rwAddr, 120 + d, 60, 0, 0);
        add(rws.Get(i), names[i], rwAddr, server, "server", serverAddr, 150 + 5 * i, 5, 0, 0);
    }
    Simulator::Stop(Seconds(200));
    Simulator::Run();

    std::cout << "ipsec-natt: " << roadWarriors << " road warrior(s) behind a NAT (UDP timeout "
              << natUdpTimeout << " s), natt_keepalive "
              << (keepalive ? std::to_string(keepalive) + " s" : std::string("off")) << "\n";
    for (const Batch& b : batches)
    {
        for (const IpsecFlowResult& f : b.traffic->GetResults())
        {
            if (f.sent != 0)
            {
                IpsecPrintFlowLine(std::cout, f, b.from, b.to);
            }
        }
    }
    for (uint32_t i = 0; i < roadWarriors; ++i)
    {
        IpsecPrintIkeLine(std::cout, names[i], daemons[i]);
    }
    IpsecPrintIkeLine(std::cout, "gw", daemons.back());
    const Ipv4NatStats& ns = box->GetStats();
    std::cout << "NAT: mappings created " << ns.mappingsCreated << ", expired "
              << ns.mappingsExpired << ", translated out " << ns.translatedOut << ", in "
              << ns.translatedIn << ", dropped for want of a mapping " << ns.droppedNoMapping
              << ", dropped in all " << ns.dropped << "\n";
    box->Print(std::cout);
    const IpsecStats& g = gw->GetObject<IpsecStack>()->GetStats(false);
    std::cout << "gw: in_success " << g.in_success << ", in_nosa " << g.in_nosa << ", out_success "
              << g.out_success << ", NAT keepalives received "
              << gw->GetObject<IpsecStack>()->GetUdpEncapKeepalives() << "\n";
    for (uint32_t i = 0; i < roadWarriors; ++i)
    {
        IpsecPrintSetkeyD(std::cout, names[i], rws.Get(i));
    }
    IpsecPrintSetkeyD(std::cout, "gw", gw);
    Simulator::Destroy();
    return 0;
}
