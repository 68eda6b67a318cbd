/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ipsec(4) BUGS in ns-3: "AH and tunnel mode encapsulation may not work as
 * you might expect."  The FAQ's VPN (see ipsec-vpn.cc) with an AH tunnel
 * instead of ESP:
 *
 *   host1-1 10.0.1.2 -- gw1 10.0.1.1 / 20.0.0.1 ==AH tunnel== 20.0.0.2 / 10.0.2.1 gw2 --
 *   host2-1 10.0.2.2
 *
 * Both gateways run examples/ah-tunnel/gw*.conf: hmac-sha1 SAs in tunnel
 * mode (-m tunnel, SPIs 13245/13246) and `ah/tunnel/20.0.0.1-20.0.0.2/require`
 * policies both ways.  The program runs this VPN twice, with the same
 * traffic as ipsec-vpn (host1-1 sends host2-1 5 pings, 5 UDP echoes and a
 * 1 MB TCP transfer):
 *
 *  1. KAME (IpsecStack::KameDecapHistory=true): AH authenticates the outer
 *     packet; gw2 strips it and clears the packet's authentication marks,
 *     then checks the inner packet against its inbound 'require' policy,
 *     which finds "no sign of authenticity": every packet is rejected
 *     (in_polvio) although AH verified it (in_ahauthsucc), and nothing is
 *     delivered.  "The issue will be solved when we revamp our policy
 *     engine to keep all the packet decapsulation history."
 *  2. corrected (KameDecapHistory=false, the default): the check sees the
 *     decapsulation history, i.e. the AH tunnel that was removed, and
 *     everything is delivered.
 *
 * It prints each run's flows and `netstat -s` ipsec: sections, then the two
 * side by side with gw2's in_polvio, in_success and in_ahauthsucc.
 * --json=FILE writes both runs as JSON ({"runs": [...]}, each with the
 * layout of ipsec-vpn's summary); --pcapDir=DIR a pcap per device and run
 * (ipsec-ah-tunnel-kame-*.pcap, ipsec-ah-tunnel-corrected-*.pcap; the WAN
 * is NODE 0 DEVICE 2).  A script with an error stops the program before the
 * simulation starts, with setkey's message, and exit status 1.
 */
#include "common/ipsec-example-output.h"
#include "common/ipsec-example-report.h"
#include "ns3/core-module.h"
#include "ns3/csma-helper.h"
#include "ns3/ipsec-module.h"
#include "ns3/ipv4-address-generator.h"
#include "ns3/point-to-point-helper.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#ifndef NS3_IPSEC_EXAMPLES_DIR
// Inside an ns-3 source tree (contrib/ipsec), examples run from the tree's top.
#define NS3_IPSEC_EXAMPLES_DIR "contrib/ipsec/examples"
#endif

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecAhTunnel");

namespace
{

/// What one run of the VPN produced (kept after Simulator::Destroy).
struct RunResult
{
    bool kame{false};
    std::vector<IpsecFlowResult> flows;
    IpsecStats gw2;     ///< gw2's IPv4 counters
    std::string report; ///< flows and netstat sections, as printed
    std::string json;   ///< the run's "nodes" and "flows" members
};

const char* kFrom = "host1-1";
const char* kTo = "host2-1";

/**
 * Builds the VPN, configures both gateways with the AH tunnel scripts,
 * sets KameDecapHistory on every node to @p kame and runs the traffic.
 * Raises IpsecConfigError if a script has an error (before the simulation).
 */
RunResult
RunVpn(bool kame,
       const std::string& setkeyGw1,
       const std::string& setkeyGw2,
       const std::string& pcapPrefix)
{
    Ipv4AddressGenerator::Reset(); // the second run assigns the same addresses again
    IpsecVpnHelper topology;
    topology.Build();
    IpsecStackHelper().AssignStreams(topology.GetNodes(), 100);
    NodeContainer all = topology.GetNodes();
    for (uint32_t i = 0; i < all.GetN(); ++i)
    {
        IpsecHelper::GetStack(all.Get(i))->SetAttribute("KameDecapHistory", BooleanValue(kame));
    }

    IpsecHelper ipsec;
    try
    {
        ipsec.RunSetkeyFile(topology.GetGateway(1), setkeyGw1);
        ipsec.RunSetkeyFile(topology.GetGateway(2), setkeyGw2);
    }
    catch (const IpsecConfigError&)
    {
        Simulator::Destroy();
        throw;
    }
    if (!pcapPrefix.empty())
    {
        PointToPointHelper p2p;
        p2p.EnablePcapAll(pcapPrefix, false);
        CsmaHelper csma;
        csma.EnablePcapAll(pcapPrefix, false);
    }

    IpsecTrafficHelper traffic;
    Time end = traffic.Install(topology.GetHosts(1).Get(0),
                               topology.GetHostAddress(1, 0),
                               topology.GetHosts(2).Get(0),
                               topology.GetHostAddress(2, 0));
    Simulator::Stop(end);
    Simulator::Run();

    RunResult r;
    r.kame = kame;
    r.flows = traffic.GetResults();
    r.gw2 = IpsecHelper::GetStack(topology.GetGateway(2))->GetStats(false);

    std::ostringstream report;
    std::vector<IpsecReportFlow> flows;
    for (const auto& f : r.flows)
    {
        IpsecPrintFlowLine(report, f, kFrom, kTo);
        flows.push_back({kFrom, kTo, f});
    }
    std::vector<IpsecReportNode> nodes
        = {{"gw1",
            topology.GetGateway(1),
            {topology.GetGatewayLanAddress(1), topology.GetGatewayWanAddress(1)}},
           {"gw2",
            topology.GetGateway(2),
            {topology.GetGatewayLanAddress(2), topology.GetGatewayWanAddress(2)}},
           {kFrom, topology.GetHosts(1).Get(0), {topology.GetHostAddress(1, 0)}},
           {kTo, topology.GetHosts(2).Get(0), {topology.GetHostAddress(2, 0)}}};
    for (const auto& n : nodes)
    {
        IpsecPrintNetstatSection(
            report, (n.name.rfind("gw", 0) == 0 ? "gateway " : "host ") + n.name, n.node);
    }
    r.report = report.str();

    std::ostringstream json;
    IpsecWriteReportJson(json, nodes, flows, "      ");
    r.json = json.str();

    Simulator::Destroy();
    return r;
}

std::string
Delivered(const IpsecFlowResult& f)
{
    return std::to_string(f.received) + " of " + std::to_string(f.sent);
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string pcapDir;
    std::string json;

    CommandLine cmd(__FILE__);
    cmd.AddValue("pcapDir", "write a pcap for every device and run into this directory", pcapDir);
    cmd.AddValue("json", "write a JSON summary of both runs to this file", json);
    cmd.Parse(argc, argv);
    if (!IpsecPrepareOutputs("ipsec-ah-tunnel",
                             {{"pcapDir", pcapDir, true}, {"json", json, false}}))
    {
        return 1;
    }

    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    std::string dir = std::string(NS3_IPSEC_EXAMPLES_DIR) + "/ah-tunnel/";
    std::string setkeyGw1 = dir + "gw1.conf";
    std::string setkeyGw2 = dir + "gw2.conf";

    std::vector<RunResult> runs;
    try
    {
        for (bool kame : {true, false})
        {
            std::string prefix;
            if (!pcapDir.empty())
            {
                prefix = pcapDir + "/ipsec-ah-tunnel-" + (kame ? "kame" : "corrected");
            }
            runs.push_back(RunVpn(kame, setkeyGw1, setkeyGw2, prefix));
        }
    }
    catch (const IpsecConfigError& e)
    {
        std::string what = e.what(); // some messages lack the final newline
        std::cerr << what << (what.empty() || what.back() != '\n' ? "\n" : "");
        std::cerr << "The simulation was not started.\n";
        return 1;
    }

    std::cout << "ipsec-ah-tunnel: the FAQ's VPN with an AH tunnel, "
                 "ah/tunnel/20.0.0.1-20.0.0.2/require both ways, over IPv4\n";
    for (const RunResult& r : runs)
    {
        std::cout << "\n=== "
                  << (r.kame ? "KAME (KameDecapHistory=true)"
                             : "corrected (KameDecapHistory=false)")
                  << " ===\n"
                  << r.report;
    }

    const RunResult& k = runs[0];
    const RunResult& c = runs[1];
    const int w0 = 44;
    const int w1 = 26;
    std::cout << "\n=== side by side ===\n"
              << std::left << std::setw(w0) << "" << std::setw(w1) << "KAME"
              << "corrected\n"
              << std::setw(w0) << "" << std::setw(w1) << "(KameDecapHistory=true)"
              << "(KameDecapHistory=false)\n";
    for (size_t i = 0; i < k.flows.size(); ++i)
    {
        std::string label = "flow " + k.flows[i].name + " " + kFrom + " -> " + kTo;
        std::cout << std::setw(w0) << label << std::setw(w1) << Delivered(k.flows[i])
                  << Delivered(c.flows[i]) << " " << k.flows[i].unit << "\n";
    }
    std::pair<const char*, uint64_t IpsecStats::*> counters[]
        = {{"gw2 in_polvio (policy violations)", &IpsecStats::in_polvio},
           {"gw2 in_success", &IpsecStats::in_success},
           {"gw2 in_ahauthsucc (AH authentic)", &IpsecStats::in_ahauthsucc}};
    for (const auto& [name, field] : counters)
    {
        std::cout << std::setw(w0) << name << std::setw(w1) << k.gw2.*field << c.gw2.*field << "\n";
    }
    auto complete = [](const RunResult& r)
    {
        size_t n = 0;
        for (const auto& f : r.flows)
        {
            n += f.sent > 0 && f.received == f.sent;
        }
        return n;
    };
    std::cout << std::right << "\nKAME: " << complete(k) << " of " << k.flows.size()
              << " flows delivered completely, gw2 rejected " << k.gw2.in_polvio
              << " packets (in_polvio)\n      after verifying " << k.gw2.in_ahauthsucc
              << " AH packets.\ncorrected: " << complete(c) << " of " << c.flows.size()
              << " flows delivered completely, " << c.gw2.in_polvio << " rejected.\n";
    std::cout << "\nWhy KAME rejects: AH authenticates the encapsulating (outer) packet, not the\n"
                 "encapsulated (inner) packet.  gw2 verifies AH (in_ahauthsucc), strips the outer\n"
                 "header, and enforces its inbound policy "
                 "(ah/tunnel/20.0.0.1-20.0.0.2/require)\n"
                 "on the inner packet, where there is no sign of authenticity left: every packet\n"
                 "is a policy violation (in_polvio) and dropped.  ipsec(4) BUGS: \"The issue will\n"
                 "be solved when we revamp our policy engine to keep all the packet\n"
                 "decapsulation history.\"  The corrected mode keeps that history: the check sees\n"
                 "the AH tunnel that was removed, and the same traffic is delivered.  With KAME,\n"
                 "use ESP tunnels (with -A for integrity) or an inbound level of 'use'.\n";

    if (!json.empty())
    {
        std::ofstream out(json);
        out << "{\n  \"runs\": [\n";
        for (size_t i = 0; i < runs.size(); ++i)
        {
            out << "    {\n      \"mode\": \"" << (runs[i].kame ? "kame" : "corrected")
                << "\",\n      \"KameDecapHistory\": " << (runs[i].kame ? "true" : "false")
                << ",\n      " << runs[i].json << "\n    }" << (i + 1 < runs.size() ? "," : "")
                << "\n";
        }
        out << "  ]\n}\n";
    }
    return 0;
}
