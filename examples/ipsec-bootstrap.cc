/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The NetBSD IPsec FAQ's "Setting up IPsec manual keys and policies on
 * bootstrap": rc.conf(5)'s ipsec=YES runs `/sbin/setkey -f /etc/ipsec.conf`
 * at bootstrap time, before any of the network activities -- "for example,
 * you can perform encrypted NFS mount for /usr".
 *
 *   server  10.1.0.1  NFS server (UDP port 2049)   examples/bootstrap/server.conf
 *   client1 10.1.0.2  mounts /usr at boot           examples/bootstrap/client1.conf
 *   client2 10.1.0.3  mounts /usr at boot           examples/bootstrap/client2.conf
 *
 * on one CSMA LAN.  Every node gets its ipsec.conf with
 * IpsecHelper::SetBootConfig (checked when the program starts, run when the
 * simulation starts, before anything else happens): ESP transport SAs with
 * add-time lifetimes (soft 40 s, hard 60 s) and policies that require ESP
 * for NFS.  At time 0 each client starts its boot-time mount: an NFS request
 * (a UDP datagram to port 2049, which the server echoes) every second for
 * --duration seconds.  The very first request is already ESP on the wire.
 *
 * At every time of --dumpAt (simulated seconds, comma-separated) the program
 * prints `setkey -D` and `setkey -DP` of every node (SetkeyDump, KAME's
 * layout): the SAs with their lifetimes and what they carried, the policies.
 *
 *  --dumpAt=5,30      when to dump (default 5)
 *  --duration=20      seconds of NFS requests (default 20)
 *  --rekeyAt=T        at T each node runs examples/bootstrap/rekey-NODE.conf
 *                     (IpsecHelper::ScheduleSetkeyFile, as an administrator
 *                     typing setkey -f): new SAs beside the boot-time ones,
 *                     which expire at 60 s; without it, requests after 60 s
 *                     find no SA (out_nosa)
 *  --configAt=T       no ipsec=YES: the ipsec.conf files run at T instead of
 *                     at boot (ScheduleSetkeyFile), so the requests before T
 *                     go in clear
 *  --confDir=DIR      other ipsec.conf files (server.conf, client1.conf,
 *                     client2.conf, rekey-*.conf)
 *  --pcapDir=DIR      a pcap per device (ipsec-bootstrap-NODE-0.pcap; the
 *                     server is node 0)
 *  --json=FILE        nodes with KAME counters, flows, and every dump
 *
 * At the end: one line per client (requests answered), what the LAN
 * carried, and each node's `netstat -s` ipsec: section.  A script with an
 * error stops the program before the simulation starts, with setkey's
 * message, and exit status 1.
 */
#include "common/ipsec-example-args.h"
#include "common/ipsec-example-output.h"
#include "common/ipsec-example-report.h"
#include "common/ipsec-example-trace.h"
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/csma-helper.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/network-module.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#ifndef NS3_IPSEC_EXAMPLES_DIR
// Inside an ns-3 source tree (contrib/ipsec), examples run from the tree's top.
#define NS3_IPSEC_EXAMPLES_DIR "contrib/ipsec/examples"
#endif

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecBootstrap");

namespace
{

const uint16_t kNfsPort = 2049;

/// A client's boot-time mount: an NFS request (a UDP datagram of 1024 bytes
/// the server echoes) every second from time 0, @p requests of them.
std::shared_ptr<IpsecFlowResult>
StartMount(Ptr<Node> client, Ipv4Address server, uint32_t requests)
{
    auto flow = std::make_shared<IpsecFlowResult>();
    flow->name = "nfs";
    flow->unit = "requests/replies";
    IpsecInstallUdpEchoClient(
        client, IpsecAddress(server), kNfsPort, requests, 1024, Seconds(0), Seconds(1), flow);
    return flow;
}

/// The title: when every node's ipsec.conf (and its rekey script) runs.
std::string
Title(double configAt, double rekeyAt)
{
    std::ostringstream title;
    title << "ipsec-bootstrap: NFS clients mount /usr from the server at boot; every node's "
          << "ipsec.conf runs ";
    if (configAt < 0)
    {
        title << "at boot (rc.conf ipsec=YES)";
    }
    else
    {
        title << "by hand at " << configAt << " s";
    }
    if (rekeyAt >= 0)
    {
        title << ", its rekey script at " << rekeyAt << " s";
    }
    return title.str();
}

/// What the server's LAN device carried, one line.
void
PrintLan(const IpsecLanCounts& lan)
{
    std::cout << "\nthe server's LAN device: " << lan.esp << " ESP datagrams, " << lan.clear
              << " NFS datagrams in clear, " << lan.other << " other IPv4 datagrams";
    if (lan.firstProtocol >= 0)
    {
        std::cout << "; the first IPv4 datagram (at " << lan.firstIp << " s) was "
                  << (lan.firstProtocol == 50 ? std::string("ESP")
                                              : "IP protocol " + std::to_string(lan.firstProtocol));
    }
    std::cout << "\n";
}

/// The JSON summary: the options, the nodes and flows, the LAN, every dump.
void
WriteJson(const std::string& path,
          double configAt,
          double rekeyAt,
          const std::vector<IpsecReportNode>& nodes,
          const std::vector<IpsecReportFlow>& flows,
          const IpsecLanCounts& lan,
          const IpsecSetkeyDumps& dumps)
{
    std::ofstream out(path);
    out << "{\n  \"example\": \"ipsec-bootstrap\",\n  \"boot\": "
        << (configAt < 0 ? "true" : "false") << ",\n  \"configAt\": " << configAt
        << ",\n  \"rekeyAt\": " << rekeyAt << ",\n  ";
    IpsecWriteReportJson(out, nodes, flows, "  ");
    out << ",\n  \"lan\": {\"esp\": " << lan.esp << ", \"clearNfs\": " << lan.clear
        << ", \"other\": " << lan.other << ", \"firstProtocol\": " << lan.firstProtocol
        << ", \"firstAt\": " << lan.firstIp << "},\n  ";
    dumps.WriteJson(out);
    out << "\n}\n";
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string dumpAt = "5";
    double duration = 20;
    double rekeyAt = -1;
    double configAt = -1;
    std::string confDir = std::string(NS3_IPSEC_EXAMPLES_DIR) + "/bootstrap";
    std::string pcapDir;
    std::string json;

    CommandLine cmd(__FILE__);
    cmd.AddValue("dumpAt",
                 "simulated seconds (comma-separated) at which to print setkey -D and -DP of "
                 "every node",
                 dumpAt);
    cmd.AddValue(
        "duration", "seconds during which each client sends an NFS request a second", duration);
    cmd.AddValue(
        "rekeyAt", "run the rekey-NODE.conf scripts at this time (default: never)", rekeyAt);
    cmd.AddValue("configAt",
                 "run the ipsec.conf files at this time instead of at boot (default: at boot)",
                 configAt);
    cmd.AddValue(
        "confDir", "directory of server.conf, client1.conf, client2.conf, rekey-*.conf", confDir);
    cmd.AddValue("pcapDir", "write a pcap for every device into this directory", pcapDir);
    cmd.AddValue("json", "write a JSON summary (with the dumps) to this file", json);
    cmd.Parse(argc, argv);
    if (!IpsecPrepareOutputs("ipsec-bootstrap",
                             {{"pcapDir", pcapDir, true}, {"json", json, false}}))
    {
        return 1;
    }

    std::vector<double> dumpTimes;
    if (!IpsecParseTimes(dumpAt, dumpTimes))
    {
        std::cerr << "--dumpAt: expected seconds separated by commas, got \"" << dumpAt << "\"\n";
        return 1;
    }

    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    // The LAN: the NFS server and its two clients.
    const std::vector<std::string> names = {"server", "client1", "client2"};
    NodeContainer nodes;
    nodes.Create(names.size());
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    csma.SetChannelAttribute("Delay", StringValue("50us"));
    NetDeviceContainer devices = csma.Install(nodes);
    IpsecStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.Install(nodes);
    stack.AssignStreams(nodes, 100);
    Ipv4AddressHelper addresses("10.1.0.0", "255.255.255.0");
    Ipv4InterfaceContainer ifaces = addresses.Assign(devices);

    // rc.conf ipsec=YES on every node (or, with --configAt, setkey -f by hand later).
    IpsecHelper ipsec;
    try
    {
        for (uint32_t i = 0; i < nodes.GetN(); ++i)
        {
            std::string conf = confDir + "/" + names[i] + ".conf";
            if (configAt < 0)
            {
                ipsec.SetBootConfig(nodes.Get(i), conf);
            }
            else
            {
                ipsec.ScheduleSetkeyFile(nodes.Get(i), conf, Seconds(configAt));
            }
            if (rekeyAt >= 0)
            {
                ipsec.ScheduleSetkeyFile(
                    nodes.Get(i), confDir + "/rekey-" + names[i] + ".conf", Seconds(rekeyAt));
            }
        }
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
        csma.EnablePcapAll(pcapDir + "/ipsec-bootstrap", false);
        // Wireshark's ESP SA table beside the pcaps: the SAs of ipsec.conf
        // and the rekey scripts, written as they are added during the run.
        IpsecKeyLogHelper().EnableKeyLog(NodeContainer::GetGlobal(), pcapDir);
    }

    // The boot-time mounts: each client sends an NFS request a second from time 0.
    UdpEchoServerHelper nfsServer(kNfsPort);
    nfsServer.Install(nodes.Get(0)).Start(Seconds(0));
    std::vector<std::shared_ptr<IpsecFlowResult>> flows;
    for (uint32_t i = 1; i < nodes.GetN(); ++i)
    {
        flows.push_back(
            StartMount(nodes.Get(i), ifaces.GetAddress(0), static_cast<uint32_t>(duration)));
    }
    auto lan = IpsecLanCounts::Watch(devices.Get(0), kNfsPort);

    // setkey -D and -DP of every node at each --dumpAt time.
    IpsecSetkeyDumps dumps;
    for (double t : dumpTimes)
    {
        for (uint32_t i = 0; i < nodes.GetN(); ++i)
        {
            dumps.Schedule(nodes.Get(i), names[i], ifaces.GetAddress(i), t);
        }
    }

    double end = std::max(duration + 2, 1.0);
    for (double t : dumpTimes)
    {
        end = std::max(end, t + 0.001);
    }
    Simulator::Stop(Seconds(end));
    std::cout << Title(configAt, rekeyAt) << "\n\n";
    Simulator::Run();

    // What each mount got, what the LAN carried, every node's counters.
    std::vector<IpsecReportFlow> flowEntries;
    std::vector<IpsecReportNode> reportNodes;
    for (uint32_t i = 0; i < nodes.GetN(); ++i)
    {
        reportNodes.push_back({names[i], nodes.Get(i), {IpsecAddress(ifaces.GetAddress(i))}});
    }
    for (size_t i = 0; i < flows.size(); ++i)
    {
        IpsecPrintFlowLine(std::cout, *flows[i], names[i + 1], names[0]);
        flowEntries.push_back({names[i + 1], names[0], *flows[i]});
    }
    PrintLan(*lan);
    for (const auto& n : reportNodes)
    {
        IpsecPrintNetstatSection(std::cout, n.name, n.node);
    }

    if (!json.empty())
    {
        WriteJson(json, configAt, rekeyAt, reportNodes, flowEntries, *lan, dumps);
    }
    Simulator::Destroy();
    return 0;
}
