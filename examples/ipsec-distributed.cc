/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A hub-and-spoke VPN of many sites, sequential or under ns-3's distributed
 * simulator (MPI), with the same results either way.
 *
 *   h<i>.1 ---+                                 +== gw<k> ...
 *             +--- gw<i> ===== WAN i =====  hub --- server 10.0.0.2
 *   h<i>.2 ---+  10.a.b.0/24   172.16.0.0/12,       10.0.0.0/24
 *                              a /30 per site
 *
 * Each site i (1..--sites) has a gateway gw<i> and --hostsPerSite hosts,
 * each on a port of its own (a switched LAN: a 100 Mbit/s point-to-point
 * link per host, the /30 at 4 j of the site's /24: 10.1.1.0/24 for site 1,
 * ..., 10.1.250.0/24, 10.2.1.0/24, ...); each gateway reaches the hub over
 * its own point-to-point WAN link (--wanRate, --wanDelay).  Everything
 * between a site and the server's network 10.0.0.0/24 goes through an ESP
 * tunnel (rijndael-cbc, hmac-sha1) between gw<i> and the hub, keyed by
 * setkey with keys of its own per site.  Each host pings the server and
 * sends it UDP echoes (--pings, --echoes, one a second): host k of H pings
 * at 1 s + k/(2H) s and echoes half a second later, so no two hosts send at
 * the same instant and no two sites' packets reach the hub at the same
 * instant.  (Where events of two ranks fall on one instant at one node, the
 * distributed simulator may run them in another order than the sequential
 * one: with a node-wide random stream for ESP IVs, the bytes on the wire
 * would then differ.)
 *
 * --mpi runs it under ns-3's distributed simulator (mpirun -np N; the
 * granted-time-window algorithm, --nullmsg for the null-message one): the
 * hub and the server are on rank 0, alone (the hub encrypts and decrypts as
 * much as all gateways together), the sites with their gateways and hosts
 * spread over ranks 1 to N-1 (site i on rank 1 + (i-1) mod (N-1)), so the
 * WAN links are the only links between ranks and their delay is the
 * lookahead.  Every rank builds the whole topology in the same
 * order (the same node ids and random streams), installs applications only
 * on its own nodes, and reports them: with --outDir, rank r writes
 * DIR/ipsec-distributed-rank<r>.txt (without --mpi, rank 0 writes all), one
 * block per local node in node order, each after a line "== NAME" -- the
 * hub's and every gateway's KAME counters (netstat -ss -p ipsec) and every
 * host's flows (ping, UDP echo: measured at the host) -- and with
 * --pcapDir a pcap of every local device, named by node and device as the
 * sequential run names them.  The blocks of all ranks are the sequential
 * run's, and each pcap is byte-identical to the sequential run's (the
 * ipsec-mpi test).  Without --outDir the report goes to the standard
 * output; the wall time of the run goes to the standard error.
 */
#include "common/ipsec-example-output.h"
#include "common/ipsec-example-report.h"
#include "common/ipsec-traffic-helper.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#ifdef NS3_IPSEC_HAVE_MPI
#include "ns3/mpi-interface.h"
#endif

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecDistributedExample");

namespace
{

/// Site @p i's LAN prefix (i from 1): "10.1.1" ... "10.1.250", "10.2.1" ...
std::string
SitePrefix(uint32_t i)
{
    return "10." + std::to_string(1 + (i - 1) / 250) + "." + std::to_string(1 + (i - 1) % 250);
}

/// The WAN link of site @p i: 172.16.0.0/12 cut into /30s; the hub is .1, the gateway .2.
std::pair<Ipv4Address, Ipv4Address>
WanAddresses(uint32_t i)
{
    uint32_t base = Ipv4Address("172.16.0.0").Get() + 4 * i;
    return {Ipv4Address(base + 1), Ipv4Address(base + 2)};
}

/// 2 * @p bytes hex digits drawn from @p seed (a fixed, per-site key).
std::string
Key(uint32_t seed, uint32_t bytes)
{
    std::ostringstream os;
    os << "0x" << std::hex << std::setfill('0');
    uint32_t x = seed * 2654435761u + 12345;
    for (uint32_t k = 0; k < bytes; ++k)
    {
        x = x * 1103515245u + 12345;
        os << std::setw(2) << ((x >> 16) & 0xff);
    }
    return os.str();
}

/// One host's traffic and its name.
struct Host
{
    std::string name;
    Ptr<Node> node;
    std::shared_ptr<IpsecTrafficHelper> traffic;
};

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t sites = 8;
    uint32_t hostsPerSite = 2;
    uint32_t pings = 10;
    uint32_t echoes = 10;
    std::string wanRate = "10Mbps";
    std::string wanDelay = "10ms";
    bool mpi = false;
    bool nullmsg = false;
    std::string outDir;
    std::string pcapDir;

    CommandLine cmd(__FILE__);
    cmd.AddValue("sites", "the spoke sites (each a gateway and its hosts)", sites);
    cmd.AddValue("hostsPerSite", "hosts behind each site's gateway", hostsPerSite);
    cmd.AddValue("pings", "pings from each host to the server (one a second)", pings);
    cmd.AddValue("echoes", "UDP echoes from each host to the server (one a second)", echoes);
    cmd.AddValue("wanRate", "rate of each WAN link", wanRate);
    cmd.AddValue("wanDelay", "delay of each WAN link (the lookahead between ranks)", wanDelay);
    cmd.AddValue("mpi", "run under ns-3's distributed simulator (mpirun -np N)", mpi);
    cmd.AddValue("nullmsg", "with --mpi: the null-message algorithm", nullmsg);
    cmd.AddValue(
        "outDir", "write each rank's report into DIR/ipsec-distributed-rank<r>.txt", outDir);
    cmd.AddValue(
        "pcapDir", "write a pcap of every device of this rank into this directory", pcapDir);
    cmd.Parse(argc, argv);
    if (sites < 1 || hostsPerSite < 1 || hostsPerSite > 63
        || uint64_t(sites) * hostsPerSite > 50000)
    {
        std::cerr << "ipsec-distributed: --sites must be at least 1, --hostsPerSite 1 to 63, "
                     "and there can be 50000 hosts at the most\n";
        return 1;
    }

    uint32_t rank = 0;
    uint32_t ranks = 1;
    if (mpi)
    {
#ifdef NS3_IPSEC_HAVE_MPI
        GlobalValue::Bind("SimulatorImplementationType",
                          StringValue(nullmsg ? "ns3::NullMessageSimulatorImpl"
                                              : "ns3::DistributedSimulatorImpl"));
        MpiInterface::Enable(&argc, &argv);
        rank = MpiInterface::GetSystemId();
        ranks = MpiInterface::GetSize();
#else
        std::cerr << "ipsec-distributed: --mpi needs an ns-3 with its mpi module (this build "
                     "has none: see the README, \"Scaling out with MPI\")\n";
        return 1;
#endif
    }
    // Ends MPI (when on) before main returns.
    auto finish = [mpi](int status)
    {
#ifdef NS3_IPSEC_HAVE_MPI
        if (mpi)
        {
            MpiInterface::Disable();
        }
#else
        (void) mpi;
#endif
        return status;
    };
    if (!IpsecPrepareOutputs("ipsec-distributed",
                             {{"outDir", outDir, true}, {"pcapDir", pcapDir, true}}))
    {
        return finish(1);
    }
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    auto wallStart = std::chrono::steady_clock::now();

    // The nodes, in one order on every rank: the hub and the server (rank
    // 0), then each site's gateway and hosts (ranks 1 to N-1).
    Ptr<Node> hub = CreateObject<Node>(0);
    Ptr<Node> server = CreateObject<Node>(0);
    std::vector<Ptr<Node>> gws;
    std::vector<NodeContainer> lans;
    for (uint32_t i = 1; i <= sites; ++i)
    {
        // The hub encrypts and decrypts as much as all gateways together:
        // with more than one rank it keeps rank 0 to itself.
        uint32_t r = ranks == 1 ? 0 : 1 + (i - 1) % (ranks - 1);
        gws.push_back(CreateObject<Node>(r));
        NodeContainer hosts;
        hosts.Create(hostsPerSite, r);
        lans.push_back(hosts);
    }
    NodeContainer ipsecNodes(hub);
    for (Ptr<Node> g : gws)
    {
        ipsecNodes.Add(g);
    }
    NodeContainer plainNodes(server);
    for (const NodeContainer& h : lans)
    {
        plainNodes.Add(h);
    }
    IpsecStackHelper().Install(ipsecNodes);
    InternetStackHelper().Install(plainNodes);
    IpsecStackHelper().AssignStreams(ipsecNodes, 100);

    PointToPointHelper office;
    office.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
    office.SetChannelAttribute("Delay", StringValue("1ms"));
    PointToPointHelper wan;
    wan.SetDeviceAttribute("DataRate", StringValue(wanRate));
    wan.SetChannelAttribute("Delay", StringValue(wanDelay));
    PointToPointHelper lan; // a switched LAN: each host on its own port
    lan.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    lan.SetChannelAttribute("Delay", StringValue("10us"));

    Ipv4AddressHelper addr;
    Ipv4StaticRoutingHelper srh;
    NetDeviceContainer officeDevs = office.Install(hub, server);
    addr.SetBase("10.0.0.0", "255.255.255.0");
    addr.Assign(officeDevs); // hub .1, server .2
    srh.GetStaticRouting(server->GetObject<Ipv4>())->SetDefaultRoute(Ipv4Address("10.0.0.1"), 1);
    std::vector<NetDeviceContainer> links{officeDevs}; // every link, for the pcaps
    std::ostringstream hubSetkey;
    for (uint32_t i = 1; i <= sites; ++i)
    {
        Ptr<Node> gw = gws[i - 1];
        auto [hubWan, gwWan] = WanAddresses(i);
        NetDeviceContainer w = wan.Install(hub, gw);
        addr.SetBase(Ipv4Address(hubWan.Get() - 1), "255.255.255.252");
        addr.Assign(w); // hub .1, gateway .2
        std::string prefix = SitePrefix(i);
        uint32_t siteBase = Ipv4Address((prefix + ".0").c_str()).Get();
        links.push_back(w);
        for (uint32_t j = 0; j < hostsPerSite; ++j)
        {
            // Host j's port: the /30 at 4 j of the site's /24 (gateway +1, host +2).
            Ptr<Node> host = lans[i - 1].Get(j);
            NetDeviceContainer l = lan.Install(gw, host);
            addr.SetBase(Ipv4Address(siteBase + 4 * j), "255.255.255.252");
            addr.Assign(l);
            links.push_back(l);
            srh.GetStaticRouting(host->GetObject<Ipv4>())
                ->SetDefaultRoute(Ipv4Address(siteBase + 4 * j + 1), 1);
        }
        srh.GetStaticRouting(gw->GetObject<Ipv4>())->SetDefaultRoute(hubWan, 1);
        srh.GetStaticRouting(hub->GetObject<Ipv4>())
            ->AddNetworkRouteTo(Ipv4Address(siteBase), Ipv4Mask("255.255.255.0"), gwWan, 1 + i);

        // The tunnel: KAME's setkey on both ends, the SAs' keys the site's own.
        std::ostringstream sas;
        std::string h = IpsecAddress(hubWan).ToString();
        std::string g = IpsecAddress(gwWan).ToString();
        sas << "add " << g << " " << h << " esp " << 0x10000 + 2 * i
            << " -m tunnel -E rijndael-cbc " << Key(2 * i, 16) << " -A hmac-sha1 "
            << Key(2 * i + 50000, 20) << ";\n"
            << "add " << h << " " << g << " esp " << 0x10001 + 2 * i
            << " -m tunnel -E rijndael-cbc " << Key(2 * i + 1, 16) << " -A hmac-sha1 "
            << Key(2 * i + 50001, 20) << ";\n";
        std::string site = prefix + ".0/24";
        std::ostringstream gwConf;
        gwConf << sas.str() << "spdadd " << site << " 10.0.0.0/24 any -P out ipsec esp/tunnel/" << g
               << "-" << h << "/require;\n"
               << "spdadd 10.0.0.0/24 " << site << " any -P in ipsec esp/tunnel/" << h << "-" << g
               << "/require;\n";
        hubSetkey << sas.str() << "spdadd 10.0.0.0/24 " << site << " any -P out ipsec esp/tunnel/"
                  << h << "-" << g << "/require;\n"
                  << "spdadd " << site << " 10.0.0.0/24 any -P in ipsec esp/tunnel/" << g << "-"
                  << h << "/require;\n";
        IpsecHelper().RunSetkeyString(gw, gwConf.str());
    }
    IpsecHelper().RunSetkeyString(hub, hubSetkey.str());

    auto local = [rank](Ptr<Node> n)
    {
        return n->GetSystemId() == rank;
    };

    // The traffic: each host to the server, at its own times.
    std::vector<Host> hosts;
    IpsecAddress serverAddr(Ipv4Address("10.0.0.2"));
    uint64_t hostCount = uint64_t(sites) * hostsPerSite;
    for (uint32_t i = 1; i <= sites; ++i)
    {
        for (uint32_t j = 1; j <= hostsPerSite; ++j)
        {
            Ptr<Node> n = lans[i - 1].Get(j - 1);
            auto t = std::make_shared<IpsecTrafficHelper>();
            uint32_t k = (i - 1) * hostsPerSite + (j - 1);
            t->SetPorts(7, 5001); // one echo server for all
            t->SetPingIdentifier(static_cast<uint16_t>(k));
            // Host k of H pings at 1 s + k/(2H) s (+ n s) and echoes half a
            // second later: no two hosts send at the same instant.
            t->SetStart(Seconds(1) + NanoSeconds(int64_t(k * 500000000ULL / hostCount)));
            t->SetPingCount(pings);
            t->SetUdpEchoCount(echoes);
            t->SetTcpBytes(0);
            // Applications only on this rank's nodes (every rank would
            // otherwise run every node's application events): the server's
            // one echo server on its rank, each host's client side on its.
            if (k == 0 && local(server))
            {
                t->InstallServer(server, false);
            }
            if (local(n))
            {
                t->InstallClient(
                    n, IpsecAddress(n->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal()), serverAddr);
            }
            hosts.push_back({"h" + std::to_string(i) + "." + std::to_string(j), n, t});
        }
    }

    if (!pcapDir.empty())
    {
        std::string prefix = pcapDir + "/ipsec-distributed";
        for (const NetDeviceContainer& link : links)
        {
            for (uint32_t d = 0; d < link.GetN(); ++d)
            {
                if (local(link.Get(d)->GetNode()))
                {
                    wan.EnablePcap(prefix, link.Get(d), false); // any point-to-point helper
                }
            }
        }
    }

    Simulator::Stop(Seconds(1 + std::max(pings, echoes) + 5));
    Simulator::Run();

    // The report: this rank's nodes, in node order.
    std::ostringstream report;
    if (local(hub))
    {
        report << "== hub: netstat -ss -p ipsec\n";
        hub->GetObject<IpsecStack>()->GetStats(false).Print(report, "ipsec", true);
    }
    size_t next = 0;
    for (uint32_t i = 1; i <= sites; ++i)
    {
        Ptr<Node> gw = gws[i - 1];
        if (local(gw))
        {
            report << "== gw" << i << ": netstat -ss -p ipsec\n";
            gw->GetObject<IpsecStack>()->GetStats(false).Print(report, "ipsec", true);
        }
        for (uint32_t j = 1; j <= hostsPerSite; ++j, ++next)
        {
            const Host& h = hosts[next];
            if (!local(h.node))
            {
                continue;
            }
            report << "== " << h.name << "\n";
            for (const IpsecFlowResult& f : h.traffic->GetResults())
            {
                if (f.sent != 0)
                {
                    IpsecPrintFlowLine(report, f, h.name, "server");
                }
            }
        }
    }
    double wall
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    if (outDir.empty())
    {
        std::cout << report.str();
    }
    else
    {
        std::string file = outDir + "/ipsec-distributed-rank" + std::to_string(rank) + ".txt";
        std::ofstream f(file);
        f << report.str();
        if (!f)
        {
            std::cerr << "ipsec-distributed: cannot write " << file << "\n";
            Simulator::Destroy();
            return finish(1);
        }
    }
    if (rank == 0)
    {
        std::cerr << "ipsec-distributed: " << sites << " sites, " << sites * hostsPerSite
                  << " hosts, " << ranks << " rank(s), " << NodeList::GetNNodes()
                  << " nodes; wall time " << std::fixed << std::setprecision(2) << wall << " s\n";
    }
    Simulator::Destroy();
    return finish(0);
}
