/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The NetBSD IPsec FAQ's host-to-host configurations in ns-3.
 *
 *   host A 10.1.1.1 ---- router ---- host B 20.1.1.1
 *
 * Each host runs a setkey script (shipped in examples/host-to-host/):
 *   --config=3des      (default) FAQ "host-to-host encryption", 3des-cbc, SPIs 9876/10000
 *   --config=rijndael  the same with rijndael-cbc (AES), 128-bit keys
 *   --config=ah        FAQ "host-to-host authentication", AH hmac-md5, SPIs 9877/10001
 *   --config=ah-esp    FAQ "encryption+authentication": IPv4 AH ESP payload
 *   --config=esp-auth  ESP rijndael-cbc with hmac-sha1 (every ESP packet has an ICV)
 * or any script: --setkeyA=FILE --setkeyB=FILE.  --ipv6=true runs the same
 * over fd00:10:1::1 / fd00:20:1::1 (the *-v6.conf scripts).
 *
 * Traffic from A to B: 5 pings, 5 UDP echoes, a 1 MB TCP transfer.  At the
 * end it prints what each flow delivered and each host's `netstat -s`
 * ipsec:/ipsec6: sections; --json=FILE writes the same as JSON and
 * --pcapDir=DIR a pcap per device (decrypt ESP with Wireshark/tshark and the
 * scripts' keys).  A script with an error stops the program before the
 * simulation starts, with setkey's message, and exit status 1.
 */
#include "common/ipsec-example-output.h"
#include "common/ipsec-example-report.h"
#include "ns3/core-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/point-to-point-helper.h"

#include <iostream>

#ifndef NS3_IPSEC_EXAMPLES_DIR
// Inside an ns-3 source tree (contrib/ipsec), examples run from the tree's top.
#define NS3_IPSEC_EXAMPLES_DIR "contrib/ipsec/examples"
#endif

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecHostToHost");

int
main(int argc, char* argv[])
{
    std::string config = "3des";
    std::string setkeyA;
    std::string setkeyB;
    bool ipv6 = false;
    std::string pcapDir;
    std::string json;
    std::string rate = "10Mbps";
    std::string delay = "2ms";
    uint64_t tcpBytes = 1000000;

    CommandLine cmd(__FILE__);
    cmd.AddValue("config", "shipped configuration: 3des, rijndael, ah, ah-esp, esp-auth", config);
    cmd.AddValue("setkeyA", "setkey script for host A (replaces --config's)", setkeyA);
    cmd.AddValue("setkeyB", "setkey script for host B (replaces --config's)", setkeyB);
    cmd.AddValue("ipv6", "run over IPv6 (fd00:10:1::1 and fd00:20:1::1)", ipv6);
    cmd.AddValue("pcapDir", "write a pcap for every device into this directory", pcapDir);
    cmd.AddValue("json", "write a JSON summary to this file", json);
    cmd.AddValue("rate", "data rate of both links", rate);
    cmd.AddValue("delay", "delay of both links", delay);
    cmd.AddValue("tcpBytes", "bytes of the TCP transfer", tcpBytes);
    cmd.Parse(argc, argv);
    if (!IpsecPrepareOutputs("ipsec-host-to-host",
                             {{"pcapDir", pcapDir, true}, {"json", json, false}}))
    {
        return 1;
    }

    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    std::string dir = std::string(NS3_IPSEC_EXAMPLES_DIR) + "/host-to-host/";
    std::string suffix = ipv6 ? "-v6.conf" : ".conf";
    if (setkeyA.empty())
    {
        setkeyA = dir + config + "-A" + suffix;
    }
    if (setkeyB.empty())
    {
        setkeyB = dir + config + "-B" + suffix;
    }

    IpsecHostToHostHelper topology;
    topology.SetIpv6(ipv6);
    topology.SetLinkRate(rate);
    topology.SetLinkDelay(delay);
    topology.Build();
    IpsecStackHelper().AssignStreams(topology.GetNodes(), 100);

    IpsecHelper ipsec;
    try
    {
        ipsec.RunSetkeyFile(topology.GetHostA(), setkeyA);
        ipsec.RunSetkeyFile(topology.GetHostB(), setkeyB);
    }
    catch (const IpsecConfigError& e)
    {
        std::cerr << e.what();
        std::cerr << "The simulation was not started.\n";
        Simulator::Destroy();
        return 1;
    }

    if (!pcapDir.empty())
    {
        PointToPointHelper p2p;
        p2p.EnablePcapAll(pcapDir + "/ipsec-host-to-host", false);
        // Wireshark's ESP SA table of the scripts' SAs, beside the pcaps.
        IpsecKeyLogHelper().EnableKeyLog(NodeContainer::GetGlobal(), pcapDir);
    }

    IpsecTrafficHelper traffic;
    traffic.SetTcpBytes(tcpBytes);
    Time end = traffic.Install(
        topology.GetHostA(), topology.GetAddressA(), topology.GetHostB(), topology.GetAddressB());
    Simulator::Stop(end);
    Simulator::Run();

    std::vector<IpsecFlowResult> flows = traffic.GetResults();
    std::cout << "ipsec-host-to-host: "
              << (setkeyA == dir + config + "-A" + suffix ? config : "custom")
              << (ipv6 ? " over IPv6" : " over IPv4") << "\n";
    std::vector<IpsecReportFlow> flowEntries;
    for (const auto& f : flows)
    {
        IpsecPrintFlowLine(std::cout, f, "A", "B");
        flowEntries.push_back({"A", "B", f});
    }
    std::vector<IpsecReportNode> hosts = {{"A", topology.GetHostA(), {topology.GetAddressA()}},
                                          {"B", topology.GetHostB(), {topology.GetAddressB()}}};
    for (const auto& n : hosts)
    {
        IpsecPrintNetstatSection(std::cout, "host " + n.name, n.node);
    }
    if (!json.empty())
    {
        IpsecWriteReportJsonFile(json, hosts, flowEntries);
    }
    Simulator::Destroy();
    return 0;
}
