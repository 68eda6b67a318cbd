/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The NetBSD IPsec FAQ's mail server ("Configuring AH/ESP keys by using
 * IKE"): A requires transport mode AH for POP (TCP port 110) from
 * everyone, except for its own local traffic, through four policies whose
 * order "is highly important":
 *
 *   spdadd A[110] A tcp -P out none;
 *   spdadd A A[110] tcp -P in none;
 *   spdadd A[110] 0.0.0.0/0 tcp -P out ipsec ah/transport//require;
 *   spdadd 0.0.0.0/0 A[110] tcp -P in ipsec ah/transport//require;
 *
 * and B, a client, has the two policies for its side.  Topology, one CSMA
 * LAN 10.0.0.0/24:
 *
 *   A 10.0.0.1 (POP server on TCP 110, and a local POP client)
 *   B 10.0.0.2 (POP client, examples/pop/B.conf)
 *   C 10.0.0.3 (only with --outsider=true: a POP client without IPsec)
 *
 * The FAQ lets racoon negotiate the keys.  By default the scripts
 * (examples/pop/) add manual AH SAs (hmac-sha1) in both directions;
 * --keys=ike runs the same policies without them (A-ike.conf,
 * A-reordered-ike.conf, B-ike.conf) and a simulated racoon on A and B with
 * racoon's sample racoon.conf (examples/ike/racoon.conf) and the FAQ's key
 * (examples/pop/psk-pop.txt): B's first SYN finds no SA (out_nosa), B's
 * racoon negotiates the AH SAs with A's (A finds its `0.0.0.0/0 A[110]`
 * policy for B's narrower identities, as racoon's getsp_r does) and TCP's
 * retransmission goes through.  The racoon lines and each host's
 * `setkey -D` follow the report.
 *
 * Traffic: each client opens a POP3 session to A:110 (greeting, USER, PASS,
 * STAT, RETR of one message of --mailBytes bytes, QUIT): B at 1 s, A's own
 * client at 1.5 s, C at 2 s.
 *
 * A's own traffic.  BSD sends a datagram to one of the host's own addresses
 * through lo0, with that address as the source, through IPsec output (the
 * outbound policies) and, on arrival, the inbound check (the inbound
 * policies).  --local chooses how A's own client reaches A's server:
 *
 *  lo0 (default)  to A's address 10.0.0.1 through ns-3's loopback device,
 *                 as BSD does: A's address is put on the loopback interface
 *                 too (ns-3's TCP takes a connection's source address from
 *                 the route's interface) and a host route leads there.
 *  interface      to A's address with ns-3's own routes: the LAN interface
 *                 hands the datagram back to IP input itself, synchronously
 *                 (Ipv4Interface::Send), without the device.  The policies
 *                 see the same datagrams, but ns-3.37's TCP stalls on that
 *                 path (each exchange waits for a retransmission timeout;
 *                 here the session never finishes), with or without IPsec.
 *  localhost      to 127.0.0.1: no policy's selector covers that address.
 *
 * Either way A's own datagrams never reach the LAN or a pcap.  The program
 * counts which of A's policies they (and everything else) matched.
 *
 *  --order=faq (default, examples/pop/A.conf): B's session runs in AH; A's
 *     own session runs in clear: its requests match `A A[110] in none`, the
 *     server's replies `A[110] A out none` (the client's requests match no
 *     outbound policy at all -- their source port is not 110 -- and the
 *     replies no inbound one, so the system default, none, applies).
 *  --order=reordered (examples/pop/A-reordered.conf, require first): B's
 *     session still works; A's own session never opens: the client's SYN
 *     leaves in clear (no outbound policy matches it) and A's inbound check
 *     finds `0.0.0.0/0 A[110] in ... require` first and drops it
 *     (in_polvio), every retransmission again.  So the failure is an inbound
 *     policy violation, not a missing SA (out_nosa): the server never gets
 *     to answer.  The `none` policies can never match: the lint report
 *     (IpsecPolicyLint) says so.
 *
 * Output: the lint report of A's SPD, one line per POP session, what A's
 * LAN device carried, which of A's policies matched how many datagrams
 * (A's own ones apart), the drops A counted with the model's reason, each
 * node's `netstat -s` ipsec: section and a short explanation.
 *
 *  --json=FILE     the same as JSON (nodes with KAME counters, flows,
 *                  sessions, lint findings, policy hits, drops, LAN counts)
 *  --pcapDir=DIR   a pcap per device (ipsec-pop-policy-NODE-DEVICE.pcap;
 *                  A is node 0, B node 1); B's session is AH there
 *  --verbose       every policy decision on A, as it happens
 *  --setkeyA=FILE, --setkeyB=FILE  other scripts
 *
 * A script with an error stops the program before the simulation starts,
 * with setkey's message, and exit status 1.
 */
#include "common/ipsec-example-output.h"
#include "common/ipsec-example-report.h"
#include "common/ipsec-example-trace.h"
#include "common/ipsec-pop3.h"
#include "ns3/core-module.h"
#include "ns3/csma-helper.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/network-module.h"

#include <iostream>
#include <memory>

#ifndef NS3_IPSEC_EXAMPLES_DIR
// Inside an ns-3 source tree (contrib/ipsec), examples run from the tree's top.
#define NS3_IPSEC_EXAMPLES_DIR "contrib/ipsec/examples"
#endif

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecPopPolicy");

namespace
{

/// The command line (see above).
struct Options
{
    std::string order = "faq";
    std::string local = "lo0";
    std::string setkeyA;
    std::string setkeyB;
    bool outsider = false;
    uint32_t mailBytes = 20000;
    double stopTime = 200;
    bool verbose = false;
    std::string pcapDir;
    std::string json;
    std::string keys = "manual";
};

/// Reads the command line into @p o; false, with a message, for a bad value.
bool
ParseOptions(int argc, char* argv[], Options& o)
{
    CommandLine cmd(__FILE__);
    cmd.AddValue("order",
                 "A's policies: faq (the FAQ's order, A.conf) or reordered (require first, "
                 "A-reordered.conf)",
                 o.order);
    cmd.AddValue("local",
                 "A's own POP client: lo0 (to A's address through the loopback device, as BSD "
                 "routes it), interface (to A's address with ns-3's default routes) or "
                 "localhost (to 127.0.0.1)",
                 o.local);
    cmd.AddValue("setkeyA", "setkey script for A (replaces --order's)", o.setkeyA);
    cmd.AddValue("setkeyB", "setkey script for B (default examples/pop/B.conf)", o.setkeyB);
    cmd.AddValue("outsider", "add host C 10.0.0.3, a POP client without IPsec", o.outsider);
    cmd.AddValue("mailBytes", "size of the message each session retrieves", o.mailBytes);
    cmd.AddValue(
        "stopTime", "simulated seconds to run (failed connections give up first)", o.stopTime);
    cmd.AddValue("verbose", "print every policy decision on A as it happens", o.verbose);
    cmd.AddValue("pcapDir", "write a pcap for every device into this directory", o.pcapDir);
    cmd.AddValue("json", "write a JSON summary to this file", o.json);
    cmd.AddValue("keys", "manual (the scripts' AH SAs) or ike (racoon negotiates them)", o.keys);
    cmd.Parse(argc, argv);

    if (o.order != "faq" && o.order != "reordered")
    {
        std::cerr << "--order must be faq or reordered\n";
        return false;
    }
    if (o.local != "lo0" && o.local != "interface" && o.local != "localhost")
    {
        std::cerr << "--local must be lo0, interface or localhost\n";
        return false;
    }
    if (o.keys != "manual" && o.keys != "ike")
    {
        std::cerr << "--keys must be manual or ike\n";
        return false;
    }
    o.mailBytes = std::max<uint32_t>(o.mailBytes, 2);
    return true;
}

/**
 * Sends what @p node sends to its own address @p addr through its loopback
 * device, as BSD sends it through lo0, with @p addr as the source.  ns-3's
 * TCP takes a connection's source address from the route's interface, so
 * the loopback interface (0) gets @p addr too, with the LAN's mask
 * @p mask (with a /32 ns-3 would take @p addr for that interface's
 * broadcast address); the network route that adds is replaced by a host
 * route for @p addr alone.
 */
void
RouteThroughLoopback(Ptr<Node> node, Ipv4Address addr, Ipv4Mask mask)
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    ipv4->AddAddress(0, Ipv4InterfaceAddress(addr, mask));
    Ptr<Ipv4StaticRouting> routes = Ipv4StaticRoutingHelper().GetStaticRouting(ipv4);
    for (uint32_t i = 0; i < routes->GetNRoutes(); ++i)
    {
        Ipv4RoutingTableEntry r = routes->GetRoute(i);
        if (r.GetInterface() == 0 && r.GetDestNetwork() == addr.CombineMask(mask)
            && r.GetDestNetworkMask() == mask)
        {
            routes->RemoveRoute(i);
            break;
        }
    }
    routes->AddHostRouteTo(addr, 0);
}

/// A POP client on @p client running @p name's session to @p to from @p bindTo at @p start s.
std::shared_ptr<PopSession>
StartSession(const std::string& name,
             Ptr<Node> client,
             const std::string& from,
             Ipv4Address to,
             Ipv4Address bindTo,
             double start)
{
    auto s = std::make_shared<PopSession>();
    s->name = name;
    s->from = from;
    s->server = to;
    s->bindTo = bindTo;
    Ptr<PopClient> app = CreateObject<PopClient>();
    app->Setup(s);
    client->AddApplication(app);
    app->SetStartTime(Seconds(start));
    return s;
}

/// The report's first lines: which policies A runs, the hosts.
void
PrintTitle(const Options& o, bool customA, const Ipv4InterfaceContainer& ifaces)
{
    std::cout << "ipsec-pop-policy: the FAQ's POP server, "
              << (customA            ? "A's script " + o.setkeyA
                  : o.order == "faq" ? std::string("policies in the FAQ's order (pop/A.conf)")
                                     : std::string("policies reordered, require first "
                                                   "(pop/A-reordered.conf)"))
              << "\n  A " << ifaces.GetAddress(0) << " mail server (POP, TCP " << POP3_PORT
              << "), B " << ifaces.GetAddress(1) << " client"
              << (o.outsider ? ", C " + std::string() : "");
    if (o.outsider)
    {
        std::cout << ifaces.GetAddress(2) << " client without IPsec";
    }
    std::cout << (o.keys == "ike"
                      ? "; racoon negotiates the AH SAs\n\n"
                      : "; AH keys are manual (--keys=ike: racoon negotiates them)\n\n");
}

/**
 * The report after the run: the lint of A's SPD, the sessions, the flows,
 * what A's LAN device carried, A's policy lookups, the drops and every
 * node's `netstat -s`; fills @p r's flows and nodes.
 */
void
PrintReport(PopReport& r, const NodeContainer& nodes, const Ipv4InterfaceContainer& ifaces)
{
    IpsecPrintLint(std::cout, "A's SPD", r.lint);
    std::cout << "\n";
    uint32_t mail = r.server->GetMailSize();
    for (const auto& s : r.sessions)
    {
        std::cout << PopSessionLine(*s, mail) << "\n";
        r.flows.push_back({s->from, "A", s->Flow(mail)});
    }
    const std::vector<InetSocketAddress>& accepted = r.server->GetAccepted();
    std::cout << "A's POP server accepted " << accepted.size() << " connection(s)";
    for (size_t i = 0; i < accepted.size(); ++i)
    {
        std::cout << (i ? ", " : ": ") << accepted[i].GetIpv4() << ":" << accepted[i].GetPort();
    }
    std::cout << "\n\n";
    for (const auto& f : r.flows)
    {
        IpsecPrintFlowLine(std::cout, f.result, f.from, f.to);
    }
    r.wire->Print(std::cout);
    r.hits->Print(std::cout);
    const char* names[] = {"A", "B", "C"};
    for (uint32_t i = 0; i < nodes.GetN(); ++i)
    {
        r.drops[i]->Print(std::cout, names[i]);
        r.nodes.push_back({names[i], nodes.Get(i), {IpsecAddress(ifaces.GetAddress(i))}});
    }
    for (const auto& n : r.nodes)
    {
        IpsecPrintNetstatSection(std::cout, "host " + n.name, n.node);
    }
}

/// A short explanation of the run, from what was observed.
void
PrintWhatHappened(const PopReport& r,
                  const std::string& local,
                  const Ipv4InterfaceContainer& ifaces)
{
    const PopSession& sb = *r.sessions[0];
    const PopSession& sa = *r.sessions[1];
    std::cout << "\nWhat happened:\n";
    const PopWireCounts::Peer wb = r.wire->peers[ifaces.GetAddress(1)];
    std::cout << "  B's POP session " << (sb.completed ? "completed" : "did not complete")
              << (wb.clearPop == 0 && wb.ahPop > 0 ? " and ran in AH" : "") << ": between A and B "
              << "the LAN carried " << wb.ahPop << " POP segments in AH and " << wb.clearPop
              << " in clear.\n";
    uint64_t ownLookups = 0;
    for (const auto& row : r.hits->rows)
    {
        ownLookups += row.own;
    }
    std::string path
        = local == "lo0" ? "went through A's loopback device (A's address is routed there, as BSD "
                           "routes it through lo0)"
        : local == "interface"
            ? "were handed back to IP input inside A's LAN interface (ns-3's "
              "Ipv4Interface::Send does that, synchronously, for the interface's own address)"
            : "went through A's loopback device";
    std::cout << "  A's own session (" << (local == "localhost" ? "127.0.0.1" : "A") << " -> "
              << sa.server << ":" << POP3_PORT << ") "
              << (sa.completed   ? "ran in clear"
                  : sa.connected ? "opened but did not finish"
                                 : "never opened")
              << ". Its datagrams " << path << ", never reached the LAN, and met A's policies "
              << ownLookups << " time(s):\n";
    const IpsecPolicyHits::Row* ownOutDefault = nullptr;
    const IpsecPolicyHits::Row* ownInIpsec = nullptr;
    for (const auto& row : r.hits->rows)
    {
        if (row.own > 0)
        {
            std::cout << "    " << row.own << " x " << IpsecDirectionName(row.dir) << ": "
                      << r.hits->Describe(row.dir, row.policy) << "\n";
        }
        if (row.own > 0 && row.dir == IpsecDirection::OUTBOUND && !row.policy)
        {
            ownOutDefault = &row;
        }
        if (row.own > 0 && row.dir == IpsecDirection::INBOUND && row.policy
            && row.policy->action == IpsecPolicyAction::IPSEC)
        {
            ownInIpsec = &row;
        }
    }
    if (ownLookups == 0)
    {
        std::cout << "    (none: its addresses match no policy's selector)\n";
    }
    if (!sa.connected && ownOutDefault && ownInIpsec)
    {
        std::cout << "  So the client's SYN matched no outbound policy (its source port is not "
                  << POP3_PORT << ") and left without AH, and the first inbound policy that "
                  << "matched it on arrival requires AH (" << ownInIpsec->own
                  << " SYNs refused); an SA from A to A would not help, no policy asks for one.\n";
    }
    for (size_t i = 2; i < r.sessions.size(); ++i)
    {
        const PopSession& s = *r.sessions[i];
        const PopWireCounts::Peer w = r.wire->peers[ifaces.GetAddress(i)];
        std::cout << "  " << s.name << "'s POP session (no IPsec) "
                  << (s.completed   ? "completed"
                      : s.connected ? "did not complete"
                                    : "never opened")
                  << ": between A and " << s.name << " the LAN carried " << w.ahPop
                  << " POP segments in AH and " << w.clearPop << " in clear.\n";
    }
    for (const auto& d : r.drops[0]->drops)
    {
        std::cout << "  A dropped " << d.second << " datagram(s), " << d.first.first << ": "
                  << d.first.second << ".\n";
    }
    if (local == "interface" && sa.connected && !sa.completed)
    {
        std::cout << "  On that synchronous path ns-3.37's TCP stalls (each exchange waits for a "
                     "retransmission timeout), with or without IPsec; --local=lo0 avoids it.\n";
    }
    if (!r.lint.empty())
    {
        std::cout << "  The lint report names the policies that can never match: earlier "
                     "policies take all their packets.\n";
    }
}

} // namespace

int
main(int argc, char* argv[])
{
    Options o;
    if (!ParseOptions(argc, argv, o)
        || !IpsecPrepareOutputs("ipsec-pop-policy",
                                {{"pcapDir", o.pcapDir, true}, {"json", o.json, false}}))
    {
        return 1;
    }
    const bool ike = o.keys == "ike";

    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    std::string dir = std::string(NS3_IPSEC_EXAMPLES_DIR) + "/pop/";
    bool customA = !o.setkeyA.empty();
    if (o.setkeyA.empty())
    {
        o.setkeyA = dir + (o.order == "faq" ? "A" : "A-reordered") + (ike ? "-ike.conf" : ".conf");
    }
    if (o.setkeyB.empty())
    {
        o.setkeyB = dir + (ike ? "B-ike.conf" : "B.conf");
    }

    // The LAN: A, B and (with --outsider) C.
    NodeContainer nodes;
    nodes.Create(o.outsider ? 3 : 2);
    Ptr<Node> a = nodes.Get(0);
    Ptr<Node> b = nodes.Get(1);
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    csma.SetChannelAttribute("Delay", StringValue("50us"));
    NetDeviceContainer devices = csma.Install(nodes);
    IpsecStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.Install(nodes);
    stack.AssignStreams(nodes, 100);
    Ipv4AddressHelper addresses("10.0.0.0", "255.255.255.0");
    Ipv4InterfaceContainer ifaces = addresses.Assign(devices);
    Ipv4Address addrA = ifaces.GetAddress(0);
    if (o.local == "lo0")
    {
        RouteThroughLoopback(a, addrA, Ipv4Mask("255.255.255.0"));
    }

    // The setkey scripts on A and B; with --keys=ike, racoon on both.
    IpsecHelper ipsec;
    Ptr<IkeDaemon> racoon[2];
    try
    {
        ipsec.RunSetkeyFile(a, o.setkeyA);
        ipsec.RunSetkeyFile(b, o.setkeyB);
        if (ike)
        {
            IpsecIkeHelper ikeHelper;
            std::string conf = std::string(NS3_IPSEC_EXAMPLES_DIR) + "/ike/racoon.conf";
            racoon[0] = ikeHelper.Install(a, conf, dir + "psk-pop.txt");
            racoon[1] = ikeHelper.Install(b, conf, dir + "psk-pop.txt");
            ikeHelper.AssignStreams(NodeContainer(a, b), 200);
        }
    }
    catch (const std::exception& e) // IpsecConfigError, RacoonConfError
    {
        std::cerr << e.what();
        std::cerr << "The simulation was not started.\n";
        Simulator::Destroy();
        return 1;
    }
    if (!o.pcapDir.empty())
    {
        csma.EnablePcapAll(o.pcapDir + "/ipsec-pop-policy", false);
        // Wireshark's ESP SA table beside the pcaps (the POP policies use AH,
        // which needs no key: it stays empty unless a script adds ESP SAs).
        IpsecKeyLogHelper().EnableKeyLog(NodeContainer::GetGlobal(), o.pcapDir);
    }

    // What A's configuration is worth before any packet: the lint report.
    PopReport report;
    report.order = customA ? "custom" : o.order;
    report.local = o.local;
    report.lint = IpsecPolicyLint::Check(IpsecHelper::GetStack(a)->GetSpd());

    // Observers: A's policy decisions, every node's drops, A's LAN device.
    report.hits = IpsecPolicyHits::Watch(a, "A", o.verbose);
    for (uint32_t i = 0; i < nodes.GetN(); ++i)
    {
        report.drops.push_back(IpsecDropTally::Watch(nodes.Get(i)));
    }
    report.wire = PopWireCounts::Watch(devices.Get(0), addrA);

    // The POP server on A, and the sessions: B at 1 s, A's own client at
    // 1.5 s (to A's address, or to 127.0.0.1), C at 2 s.
    report.server = CreateObject<PopServer>();
    report.server->SetMailSize(o.mailBytes);
    a->AddApplication(report.server);
    report.server->SetStartTime(Seconds(0.5));
    Ipv4Address any = Ipv4Address::GetAny();
    report.sessions.push_back(StartSession("B", b, "B", addrA, any, 1.0));
    report.sessions.push_back(
        o.local == "localhost"
            ? StartSession("A (local)", a, "A", Ipv4Address::GetLoopback(), any, 1.5)
            : StartSession("A (local)", a, "A", addrA, addrA, 1.5));
    if (o.outsider)
    {
        report.sessions.push_back(StartSession("C", nodes.Get(2), "C", addrA, any, 2.0));
    }

    Simulator::Stop(Seconds(o.stopTime));
    Simulator::Run();

    // The report.
    PrintTitle(o, customA, ifaces);
    PrintReport(report, nodes, ifaces);
    if (ike)
    {
        std::cout << "\n";
        IpsecPrintIkeLine(std::cout, "A", racoon[0]);
        IpsecPrintIkeLine(std::cout, "B", racoon[1]);
        IpsecPrintSetkeyD(std::cout, "A", a);
        IpsecPrintSetkeyD(std::cout, "B", b);
    }
    PrintWhatHappened(report, o.local, ifaces);
    if (!o.json.empty())
    {
        PopWriteJson(o.json, report);
    }
    Simulator::Destroy();
    return 0;
}
