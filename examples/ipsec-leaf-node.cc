/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The NetBSD IPsec FAQ's "Leaf-node tunnel" in ns-3: a host encrypts all of
 * its traffic up to the next router only, e.g. over a wireless link whose
 * own security is weak; behind the router it goes on in the clear.
 *
 *   leaf 10.0.1.5 ~~leaf link~~ 10.0.1.1 router 10.0.2.1 ---- 10.0.2.2 server
 *
 * The leaf runs the FAQ's script (examples/leaf-node/leaf.conf):
 * rijndael-cbc SAs with SPIs 1011/1012 and the policies
 * `10.0.1.5/32 0.0.0.0/0 ... esp/tunnel/10.0.1.5-10.0.1.1/require` out and
 * the reverse in; the router runs the same with 'in' and 'out' swapped in
 * the spdadd lines (router.conf), as the FAQ says.  On the leaf link every
 * packet is "IPv4 ESP IPv4 payload"; between the router and the server it
 * is plain.  --setkeyLeaf=FILE / --setkeyRouter=FILE run other scripts;
 * --ipv6=true runs the same over IPv6 (leaf fd00:10:0:1::5, router
 * fd00:10:0:1::1 / fd00:10:0:2::1, server fd00:10:0:2::2; *-v6.conf).
 *
 * The leaf link is a slow point-to-point link (--leafRate=256kbps,
 * --leafDelay=20ms) or, with --wifi=true, an 802.11a ad-hoc Wi-Fi link.
 * The leaf sends the server 5 pings, 5 UDP echoes and a TCP transfer
 * (--tcpBytes, 200 kB by default).  At the end it prints what each flow
 * delivered and the `netstat -s` ipsec:/ipsec6: sections of the leaf, the
 * router and the server; --json=FILE writes the same as JSON and
 * --pcapDir=DIR a pcap per device (the leaf link is the leaf's device:
 * ipsec-leaf-node-0-1.pcap; Wi-Fi pcaps have radiotap headers).  A script
 * with an error stops the program before the simulation starts, with
 * setkey's message, and exit status 1.
 */
#include "common/ipsec-example-output.h"
#include "common/ipsec-example-report.h"
#include "ns3/core-module.h"
#include "ns3/data-rate.h"
#include "ns3/ipsec-module.h"

#include <algorithm>
#include <iostream>

#ifndef NS3_IPSEC_EXAMPLES_DIR
// Inside an ns-3 source tree (contrib/ipsec), examples run from the tree's top.
#define NS3_IPSEC_EXAMPLES_DIR "contrib/ipsec/examples"
#endif

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecLeafNode");

int
main(int argc, char* argv[])
{
    std::string setkeyLeaf;
    std::string setkeyRouter;
    bool ipv6 = false;
    bool wifi = false;
    std::string pcapDir;
    std::string json;
    std::string leafRate = "256kbps";
    std::string leafDelay = "20ms";
    uint64_t tcpBytes = 200000;

    CommandLine cmd(__FILE__);
    cmd.AddValue("setkeyLeaf", "setkey script for the leaf node (default: the FAQ's)", setkeyLeaf);
    cmd.AddValue("setkeyRouter",
                 "setkey script for the router (default: the FAQ's, in/out swapped)",
                 setkeyRouter);
    cmd.AddValue("ipv6", "run over IPv6 (leaf fd00:10:0:1::5, server fd00:10:0:2::2)", ipv6);
    cmd.AddValue("wifi", "the leaf link is 802.11a ad-hoc Wi-Fi instead of point-to-point", wifi);
    cmd.AddValue("pcapDir", "write a pcap for every device into this directory", pcapDir);
    cmd.AddValue("json", "write a JSON summary to this file", json);
    cmd.AddValue("leafRate", "data rate of the point-to-point leaf link", leafRate);
    cmd.AddValue("leafDelay", "delay of the point-to-point leaf link", leafDelay);
    cmd.AddValue("tcpBytes", "bytes of the TCP transfer", tcpBytes);
    cmd.Parse(argc, argv);
    if (!IpsecPrepareOutputs("ipsec-leaf-node",
                             {{"pcapDir", pcapDir, true}, {"json", json, false}}))
    {
        return 1;
    }

    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    std::string dir = std::string(NS3_IPSEC_EXAMPLES_DIR) + "/leaf-node/";
    std::string suffix = ipv6 ? "-v6.conf" : ".conf";
    bool faq = setkeyLeaf.empty() && setkeyRouter.empty();
    if (setkeyLeaf.empty())
    {
        setkeyLeaf = dir + "leaf" + suffix;
    }
    if (setkeyRouter.empty())
    {
        setkeyRouter = dir + "router" + suffix;
    }

    IpsecLeafNodeHelper topology;
    topology.SetIpv6(ipv6);
    topology.SetLeafLinkType(wifi ? "wifi" : "p2p");
    topology.SetLeafRate(leafRate);
    topology.SetLeafDelay(leafDelay);
    topology.Build();
    IpsecStackHelper().AssignStreams(topology.GetNodes(), 100);
    topology.AssignStreams(200);

    IpsecHelper ipsec;
    try
    {
        ipsec.RunSetkeyFile(topology.GetLeaf(), setkeyLeaf);
        ipsec.RunSetkeyFile(topology.GetRouter(), setkeyRouter);
    }
    catch (const IpsecConfigError& e)
    {
        std::string what = e.what(); // some messages lack the final newline
        std::cerr << what << (what.empty() || what.back() != '\n' ? "\n" : "");
        std::cerr << "The simulation was not started.\n";
        Simulator::Destroy();
        return 1;
    }

    if (!pcapDir.empty())
    {
        topology.EnablePcap(pcapDir + "/ipsec-leaf-node");
        // Wireshark's ESP SA table of the scripts' SAs, beside the pcaps.
        IpsecKeyLogHelper().EnableKeyLog(NodeContainer::GetGlobal(), pcapDir);
    }

    IpsecTrafficHelper traffic;
    traffic.SetTcpBytes(tcpBytes);
    Time end = traffic.Install(topology.GetLeaf(),
                               topology.GetLeafAddress(),
                               topology.GetServer(),
                               topology.GetServerAddress());
    // The traffic helper leaves 20 s for TCP; on a slow leaf link allow
    // twice the time the transfer needs at line rate (plus ESP) when that is more.
    double lineRate = wifi ? 6e6 : static_cast<double>(DataRate(leafRate).GetBitRate());
    double needed = 2.0 * 1.3 * 8.0 * static_cast<double>(tcpBytes) / lineRate + 10.0;
    Simulator::Stop(std::max(end, end - Seconds(20) + Seconds(needed)));
    Simulator::Run();

    std::vector<IpsecFlowResult> flows = traffic.GetResults();
    std::cout << "ipsec-leaf-node: " << (faq ? "FAQ leaf and router scripts" : "custom scripts")
              << (ipv6 ? " over IPv6" : " over IPv4") << ", leaf link "
              << (wifi ? "Wi-Fi 802.11a ad-hoc" : "point-to-point " + leafRate + " " + leafDelay)
              << "\n";
    std::vector<IpsecReportFlow> flowEntries;
    for (const auto& f : flows)
    {
        IpsecPrintFlowLine(std::cout, f, "leaf", "server");
        flowEntries.push_back({"leaf", "server", f});
    }
    std::vector<IpsecReportNode> nodes
        = {{"leaf", topology.GetLeaf(), {topology.GetLeafAddress()}},
           {"router",
            topology.GetRouter(),
            {topology.GetRouterLeafAddress(), topology.GetRouterServerAddress()}},
           {"server", topology.GetServer(), {topology.GetServerAddress()}}};
    for (const auto& n : nodes)
    {
        IpsecPrintNetstatSection(
            std::cout, n.name == "router" ? std::string("router") : "host " + n.name, n.node);
    }
    if (!json.empty())
    {
        IpsecWriteReportJsonFile(json, nodes, flowEntries);
    }
    Simulator::Destroy();
    return 0;
}
