/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The NetBSD IPsec FAQ's "IPsec VPN" in ns-3: two gateways join two private
 * networks over an ESP tunnel across a public WAN.
 *
 *   hosts 10.0.1.2.. --LAN-- gw1 10.0.1.1 / 20.0.0.1 ==WAN== 20.0.0.2 / 10.0.2.1 gw2 --LAN--
 *   hosts 10.0.2.2..
 *
 * Each gateway runs the FAQ's setkey script (examples/vpn/gw1.conf, and
 * gw2.conf, the same mirrored): blowfish-cbc SAs with SPIs 13245/13246 and
 * `esp/tunnel/20.0.0.1-20.0.0.2/require` policies between 10.0.1.0/24 and
 * 10.0.2.0/24, so on the WAN every packet between the networks is
 * "IPv4 ESP IPv4 payload" while the hosts themselves know nothing of IPsec.
 * --setkeyGw1=FILE / --setkeyGw2=FILE run other scripts; --ipv6=true runs
 * the same over IPv6 (LANs fd00:10:0:1::/64 and fd00:10:0:2::/64, WAN
 * fd00:20::/64, the gw*-v6.conf scripts).
 *
 * --hosts=N puts N hosts on each LAN; host i of LAN 1 (host1-i) sends host
 * i of LAN 2 (host2-i) 5 pings, 5 UDP echoes and a TCP transfer
 * (--tcpBytes, 1 MB by default), all at the same time over the WAN
 * (--wanRate, --wanDelay; LANs --lanRate).  At the end it prints what each
 * flow delivered and the `netstat -s` ipsec:/ipsec6: sections of every
 * gateway and host; --json=FILE writes the same as JSON and --pcapDir=DIR a
 * pcap per device (the WAN is gw1's device 2: ipsec-vpn-0-2.pcap; decrypt
 * it with tshark and the scripts' keys).  A script with an error stops the
 * program before the simulation starts, with setkey's message, and exit
 * status 1.
 *
 * --keys=ike keys the tunnel by IKE instead: the gateways run the policies
 * only (examples/vpn/gw1-ike.conf, gw2-ike.conf or their -v6 versions) and
 * a simulated racoon each (examples/vpn/racoon-vpn.conf: phase 1 between
 * the WAN addresses with the keys of psk-vpn.txt, one `sainfo address
 * 10.0.1.0/24 any address 10.0.2.0/24 any` per gateway), so the first
 * packets across the WAN wait out the negotiation (dropped: out_nosa) and
 * the tunnel SAs appear at the end in each gateway's `setkey -D`; with
 * --pcapDir the key log for Wireshark is written beside the pcaps.
 * --cpu=PROFILE sets the gateways' processor (IpsecCpu profiles).
 */
#include "common/ipsec-example-output.h"
#include "common/ipsec-example-report.h"
#include "common/ipsec-traffic-helper.h"
#include "ns3/core-module.h"
#include "ns3/csma-helper.h"
#include "ns3/data-rate.h"
#include "ns3/ipsec-module.h"
#include "ns3/point-to-point-helper.h"

#include <algorithm>
#include <iostream>

#ifndef NS3_IPSEC_EXAMPLES_DIR
// Inside an ns-3 source tree (contrib/ipsec), examples run from the tree's top.
#define NS3_IPSEC_EXAMPLES_DIR "contrib/ipsec/examples"
#endif

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecVpn");

namespace
{

std::string
HostName(uint32_t side, uint32_t i)
{
    return "host" + std::to_string(side) + "-" + std::to_string(i + 1);
}

/**
 * Each host's flows, the racoon lines and `setkey -D` of the gateways
 * (with --keys=ike), and every node's `netstat -s`; with --json the same
 * as JSON.
 */
void
PrintReport(IpsecVpnHelper& topology,
            const std::vector<IpsecTrafficHelper>& traffic,
            Ptr<IkeDaemon> racoon[2],
            const std::string& json)
{
    uint32_t hosts = traffic.size();
    std::vector<IpsecReportFlow> flows;
    for (uint32_t i = 0; i < hosts; ++i)
    {
        for (const auto& f : traffic[i].GetResults())
        {
            flows.push_back({HostName(1, i), HostName(2, i), f});
            IpsecPrintFlowLine(std::cout, f, HostName(1, i), HostName(2, i));
        }
    }
    if (racoon[0])
    {
        for (uint32_t g = 0; g < 2; ++g)
        {
            IpsecPrintIkeLine(std::cout, "gw" + std::to_string(g + 1), racoon[g]);
        }
        for (uint32_t g = 0; g < 2; ++g)
        {
            IpsecPrintSetkeyD(std::cout, "gw" + std::to_string(g + 1), topology.GetGateway(g + 1));
        }
    }
    std::vector<IpsecReportNode> nodes;
    for (uint32_t s = 1; s <= 2; ++s)
    {
        nodes.push_back({"gw" + std::to_string(s),
                         topology.GetGateway(s),
                         {topology.GetGatewayLanAddress(s), topology.GetGatewayWanAddress(s)}});
    }
    for (uint32_t s = 1; s <= 2; ++s)
    {
        for (uint32_t i = 0; i < hosts; ++i)
        {
            nodes.push_back(
                {HostName(s, i), topology.GetHosts(s).Get(i), {topology.GetHostAddress(s, i)}});
        }
    }
    for (const auto& n : nodes)
    {
        IpsecPrintNetstatSection(
            std::cout, (n.name.rfind("gw", 0) == 0 ? "gateway " : "host ") + n.name, n.node);
    }
    if (!json.empty())
    {
        IpsecWriteReportJsonFile(json, nodes, flows);
    }
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string setkeyGw1;
    std::string setkeyGw2;
    bool ipv6 = false;
    uint32_t hosts = 1;
    std::string pcapDir;
    std::string json;
    std::string wanRate = "2Mbps";
    std::string wanDelay = "10ms";
    std::string lanRate = "100Mbps";
    uint64_t tcpBytes = 1000000;
    std::string keys = "manual";
    std::string cpu = "Reference2020s";

    CommandLine cmd(__FILE__);
    cmd.AddValue("setkeyGw1", "setkey script for gateway 1 (default: the FAQ's)", setkeyGw1);
    cmd.AddValue(
        "setkeyGw2", "setkey script for gateway 2 (default: the FAQ's, mirrored)", setkeyGw2);
    cmd.AddValue("ipv6", "run over IPv6 (fd00:10:0:1::/64, fd00:20::/64, fd00:10:0:2::/64)", ipv6);
    cmd.AddValue("hosts", "hosts on each LAN (host i of LAN 1 talks to host i of LAN 2)", hosts);
    cmd.AddValue("pcapDir", "write a pcap for every device into this directory", pcapDir);
    cmd.AddValue("json", "write a JSON summary to this file", json);
    cmd.AddValue("wanRate", "data rate of the WAN between the gateways", wanRate);
    cmd.AddValue("wanDelay", "delay of the WAN", wanDelay);
    cmd.AddValue("lanRate", "data rate of both LANs", lanRate);
    cmd.AddValue("tcpBytes", "bytes of each TCP transfer", tcpBytes);
    cmd.AddValue("keys", "manual (the scripts' SAs) or ike (racoon negotiates them)", keys);
    cmd.AddValue("cpu", "the gateways' CPU profile (with --keys=ike)", cpu);
    cmd.Parse(argc, argv);
    if (!IpsecPrepareOutputs("ipsec-vpn", {{"pcapDir", pcapDir, true}, {"json", json, false}}))
    {
        return 1;
    }
    if (keys != "manual" && keys != "ike")
    {
        std::cerr << "--keys must be manual or ike\n";
        return 1;
    }
    bool ike = keys == "ike";
    if (hosts == 0)
    {
        std::cerr << "--hosts must be at least 1\n";
        return 1;
    }

    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    std::string dir = std::string(NS3_IPSEC_EXAMPLES_DIR) + "/vpn/";
    std::string suffix = std::string(ike ? "-ike" : "") + (ipv6 ? "-v6.conf" : ".conf");
    bool faq = setkeyGw1.empty() && setkeyGw2.empty();
    if (setkeyGw1.empty())
    {
        setkeyGw1 = dir + "gw1" + suffix;
    }
    if (setkeyGw2.empty())
    {
        setkeyGw2 = dir + "gw2" + suffix;
    }

    // The FAQ's VPN: hosts -- gw1 == WAN == gw2 -- hosts.
    IpsecVpnHelper topology;
    topology.SetIpv6(ipv6);
    topology.SetHostsPerNetwork(hosts);
    topology.SetWanRate(wanRate);
    topology.SetWanDelay(wanDelay);
    topology.SetLanRate(lanRate);
    topology.Build();
    IpsecStackHelper().AssignStreams(topology.GetNodes(), 100);

    // The gateways' scripts; with --keys=ike, racoon on both gateways.
    IpsecHelper ipsec;
    NodeContainer gateways(topology.GetGateway(1), topology.GetGateway(2));
    Ptr<IkeDaemon> racoon[2];
    try
    {
        ipsec.RunSetkeyFile(topology.GetGateway(1), setkeyGw1);
        ipsec.RunSetkeyFile(topology.GetGateway(2), setkeyGw2);
        if (ike)
        {
            IpsecIkeHelper ikeHelper;
            for (uint32_t g = 0; g < 2; ++g)
            {
                IpsecCpu::Of(gateways.Get(g))->SetAttribute("Profile", StringValue(cpu));
                racoon[g] = ikeHelper.Install(gateways.Get(g), dir + "racoon-vpn.conf");
            }
            ikeHelper.AssignStreams(gateways, 200);
        }
    }
    catch (const std::exception& e) // IpsecConfigError, RacoonConfError
    {
        std::string what = e.what(); // some messages lack the final newline
        std::cerr << what << (what.empty() || what.back() != '\n' ? "\n" : "");
        std::cerr << "The simulation was not started.\n";
        Simulator::Destroy();
        return 1;
    }

    if (!pcapDir.empty())
    {
        PointToPointHelper p2p;
        p2p.EnablePcapAll(pcapDir + "/ipsec-vpn", false);
        CsmaHelper csma;
        csma.EnablePcapAll(pcapDir + "/ipsec-vpn", false);
        // Wireshark's ESP SA table beside the pcaps: the scripts' SAs, or
        // with IKE the negotiated ones (and the ISAKMP keys).
        if (ike)
        {
            IpsecIkeHelper().EnableKeyLog(gateways, pcapDir);
        }
        else
        {
            IpsecKeyLogHelper().EnableKeyLog(gateways, pcapDir);
        }
    }

    // Host i of LAN 1 -> host i of LAN 2, all pairs at once.
    std::vector<IpsecTrafficHelper> traffic(hosts);
    Time end = Seconds(0);
    for (uint32_t i = 0; i < hosts; ++i)
    {
        traffic[i].SetTcpBytes(tcpBytes);
        end = std::max(end,
                       traffic[i].Install(topology.GetHosts(1).Get(i),
                                          topology.GetHostAddress(1, i),
                                          topology.GetHosts(2).Get(i),
                                          topology.GetHostAddress(2, i)));
    }
    // The traffic helper leaves 20 s for TCP; N transfers share the WAN, so
    // allow twice the time they need at line rate (plus ESP) when that is more.
    double lineRate = std::min(DataRate(wanRate).GetBitRate(), DataRate(lanRate).GetBitRate());
    double needed = 2.0 * 1.3 * 8.0 * static_cast<double>(tcpBytes) * hosts / lineRate + 10.0;
    Simulator::Stop(std::max(end, end - Seconds(20) + Seconds(needed)));
    Simulator::Run();

    std::cout << "ipsec-vpn: " << (faq ? "FAQ gateway scripts" : "custom scripts")
              << (ike ? " keyed by IKE" : "") << (ipv6 ? " over IPv6" : " over IPv4") << ", "
              << hosts << (hosts == 1 ? " host" : " hosts") << " per network\n";
    PrintReport(topology, traffic, racoon, json);
    Simulator::Destroy();
    return 0;
}
