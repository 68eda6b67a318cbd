/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Section 6: hub and spoke.  One hub gateway (WAN 13.0.0.2, LAN
 * 192.168.200.0/24 with the server .2) and N spoke gateways, each with one
 * host (spoke i: site 10.g.k.0/24, host .2, WAN 11.g.k.2, g = i / 100,
 * k = i % 100); the WAN is a tree of routers (a core router, one router
 * per 100 spokes) so that no node of plain ns-3 has more than ~100
 * interfaces.  With IPsec, every spoke has an ESP aes-gcm-16 tunnel to the
 * hub (setkey, manual keys: 2 SAs and 2 policies at the spoke, 2N SAs and
 * 2N policies at the hub); the spokes' hosts send the server datagrams in
 * turn.  Rows: set-up time (building the topology and running setkey),
 * per-datagram cost of the whole simulation, heap growth per spoke;
 * plain ns-3 on the same topology is the baseline.
 */
#include "ipsec-bench-sections.h"
#include "ipsec-bench-system.h"
#include "ns3/core-module.h"
#include "ns3/ipsec-module.h"

#include <algorithm>
#include <sstream>

namespace ns3
{
namespace ipsecbench
{

namespace
{

/// Spokes behind one router of the WAN tree.
constexpr uint32_t SPOKES_PER_ROUTER = 100;

Ipv4Address
Addr(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return Ipv4Address((a << 24) | (b << 16) | (c << 8) | d);
}

std::string
Net24(Ipv4Address a)
{
    std::ostringstream os;
    os << Ipv4Address(a.Get() & 0xffffff00u) << "/24";
    return os.str();
}

RunOutcome
RunOnce(StackKind kind,
        uint32_t spokes,
        const BenchConfig& cfg,
        const std::vector<uint8_t>& payload,
        const Budget& budget)
{
    const size_t heap0 = HeapInUse();
    Stopwatch watch;
    watch.Start();
    const uint32_t routers = (spokes + SPOKES_PER_ROUTER - 1) / SPOKES_PER_ROUTER;
    NodeContainer hosts;
    NodeContainer gws;
    NodeContainer tree;
    NodeContainer core; // core router, server
    hosts.Create(spokes);
    gws.Create(spokes);
    tree.Create(routers);
    core.Create(2);
    Ptr<Node> hub = CreateObject<Node>();
    Ptr<Node> r0 = core.Get(0);
    Ptr<Node> server = core.Get(1);
    InstallStack(NodeContainer(hosts, tree, core), StackKind::PLAIN);
    InstallStack(NodeContainer(gws, NodeContainer(hub)), kind);

    Linker link;
    const Ipv4Mask m24("255.255.255.0");
    const Ipv4Mask m16("255.255.0.0");
    const Ipv4Address serverAddr("192.168.200.2");
    const Ipv4Address hubWan("13.0.0.2");
    NetDeviceContainer d = link.Connect(server, hub);
    SetDefaultRoute(server, Ipv4Address("192.168.200.1"), AddAddress(d.Get(0), serverAddr, m24));
    AddAddress(d.Get(1), Ipv4Address("192.168.200.1"), m24);
    d = link.Connect(hub, r0);
    SetDefaultRoute(hub, Ipv4Address("13.0.0.1"), AddAddress(d.Get(0), hubWan, m24));
    uint32_t toHub = AddAddress(d.Get(1), Ipv4Address("13.0.0.1"), m24);
    AddRoute(r0, Ipv4Address("192.168.200.0"), m24, hubWan, toHub);
    for (uint32_t g = 0; g < routers; ++g)
    {
        d = link.Connect(r0, tree.Get(g));
        uint32_t ifR0 = AddAddress(d.Get(0), Addr(12, 0, g, 1), m24);
        uint32_t ifR1 = AddAddress(d.Get(1), Addr(12, 0, g, 2), m24);
        SetDefaultRoute(tree.Get(g), Addr(12, 0, g, 1), ifR1);
        AddRoute(r0, Addr(11, g, 0, 0), m16, Addr(12, 0, g, 2), ifR0);
        AddRoute(r0, Addr(10, g, 0, 0), m16, Addr(12, 0, g, 2), ifR0);
    }
    std::ostringstream hubScript;
    for (uint32_t i = 0; i < spokes; ++i)
    {
        if (i % 16 == 0)
        {
            budget.Check(i, spokes);
        }
        uint32_t g = i / SPOKES_PER_ROUTER;
        uint32_t k = i % SPOKES_PER_ROUTER;
        Ptr<Node> gw = gws.Get(i);
        d = link.Connect(tree.Get(g), gw);
        AddAddress(d.Get(0), Addr(11, g, k, 1), m24);
        Ipv4Address wan = Addr(11, g, k, 2);
        SetDefaultRoute(gw, Addr(11, g, k, 1), AddAddress(d.Get(1), wan, m24));
        d = link.Connect(gw, hosts.Get(i));
        AddAddress(d.Get(0), Addr(10, g, k, 1), m24);
        SetDefaultRoute(
            hosts.Get(i), Addr(10, g, k, 1), AddAddress(d.Get(1), Addr(10, g, k, 2), m24));
        if (kind == StackKind::IPSEC)
        {
            uint32_t up = 0x10000u + 2 * i;
            RunSetkey(gw,
                      TunnelScript(
                          Net24(Addr(10, g, k, 0)), "192.168.200.0/24", wan, hubWan, up, up + 1));
            hubScript << TunnelScript(
                "192.168.200.0/24", Net24(Addr(10, g, k, 0)), hubWan, wan, up + 1, up);
        }
    }
    if (kind == StackKind::IPSEC)
    {
        RunSetkey(hub, hubScript.str());
    }
    UdpStream stream(server, serverAddr, 9, payload);
    for (uint32_t i = 0; i < spokes; ++i)
    {
        stream.AddSenders(hosts.Get(i), 1, 10000);
    }
    const uint64_t perSpoke = std::max<uint64_t>(1, cfg.hubDatagrams / spokes);
    const uint64_t total = perSpoke * spokes;
    stream.Start(total, SendInterval(cfg.payload));
    double setup = watch.Stop();
    double heap = static_cast<double>(HeapInUse()) - static_cast<double>(heap0);
    double seconds = TimedRun(watch);

    Check check;
    check.Delivered(stream.Delivered(), total);
    check.Expect("errors", stream.Errors(), 0);
    if (kind == StackKind::IPSEC)
    {
        uint64_t spokeOut = 0;
        for (uint32_t i = 0; i < spokes; ++i)
        {
            spokeOut += Stats(gws.Get(i)).out_success;
        }
        const IpsecStats& h = Stats(hub);
        uint8_t id = FindEncAlgorithm("aes-gcm-16")->sadbId;
        check.Expect("spokes out_success", spokeOut, total);
        check.Expect("hub in_success", h.in_success, total);
        check.Expect("hub in_esphist[aes-gcm-16]", h.in_esphist[id], total);
        check.Expect("hub SAs", IpsecHelper::GetStack(hub)->GetSad()->GetN(), 2 * spokes);
    }
    Simulator::Destroy();
    RunOutcome out = check.Outcome({setup, seconds * 1e6 / total, heap / spokes}, watch);
    out.memoryBytes = heap;
    return out;
}

} // namespace

void
RunHubSection(Bench& bench, const BenchConfig& cfg)
{
    const std::vector<uint8_t> random = IncompressiblePayload(cfg.payload);
    std::vector<Variant> variants;
    for (uint32_t n : Decades(10, std::min<uint32_t>(cfg.maxSpokes, 25600)))
    {
        const std::string param = std::to_string(n) + " spokes";
        Variant plain;
        plain.rows = {
            {"setup plain", param, "s", "", "", Target()},
            {"per datagram plain", param, "us/dgram", "", "", Target()},
            {"heap per spoke plain", param, "B", "", "", Target()},
        };
        plain.run = [&, n]()
        {
            return RunOnce(StackKind::PLAIN, n, cfg, random, bench.GetBudget());
        };
        plain.group = "hub plain";
        plain.size = n;
        variants.push_back(plain);
        Variant ipsec;
        ipsec.rows = {
            {"setup ipsec", param, "s", "setup plain", param, Target()},
            {"per datagram ipsec", param, "us/dgram", "per datagram plain", param, Target()},
            {"heap per spoke ipsec", param, "B", "heap per spoke plain", param, Target()},
        };
        ipsec.run = [&, n]()
        {
            return RunOnce(StackKind::IPSEC, n, cfg, random, bench.GetBudget());
        };
        ipsec.group = "hub ipsec";
        ipsec.size = n;
        variants.push_back(ipsec);
    }
    bench.RunSection("hub",
                     "one hub gateway, N spoke gateways with an ESP aes-gcm-16 tunnel each, a host "
                     "behind every spoke sending to a server behind the hub (whole simulation; "
                     "ratio to the same topology without IPsec)",
                     variants);
}

} // namespace ipsecbench
} // namespace ns3
