/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Section 5: the SAD as it grows.  Two hosts with an ESP aes-gcm-16 flow
 * (setkey); then n unrelated SAs (aes-gcm-16, one SA each way with each of
 * n/2 peers in 100.64.0.0/10) are added to host A through the C++ API
 * (IpsecHelper::AddSa): the time that takes, the heap and resident memory
 * it grows by per SA; the same n SAs are added to host B, and the flow's
 * per-datagram cost with them installed is compared with none.
 */
#include "ipsec-bench-sections.h"
#include "ipsec-bench-system.h"
#include "ns3/core-module.h"
#include "ns3/ipsec-module.h"

namespace ns3
{
namespace ipsecbench
{

namespace
{

/// Adds @p n SAs between @p self and peers none of the flow's datagrams use.
void
AddUnrelatedSas(Ptr<Node> node, Ipv4Address self, uint32_t n, const Budget& budget)
{
    IpsecHelper ipsec;
    IpsecSaParams p;
    p.proto = IpsecProto::ESP;
    p.enc = FindEncAlgorithm("aes-gcm-16");
    p.hasEncKey = true;
    p.encKey.assign(20, 0x5a);
    for (uint32_t i = 0; i < n; ++i)
    {
        if (i % 256 == 0)
        {
            budget.Check(i, n);
        }
        IpsecAddress peer(Ipv4Address(0x64400000u + i / 2 + 1)); // 100.64.0.0 + ...
        p.src = i % 2 ? peer : IpsecAddress(self);
        p.dst = i % 2 ? IpsecAddress(self) : peer;
        p.spi = 0x100000u + i;
        p.encKey[0] = static_cast<uint8_t>(i);
        ipsec.AddSa(node, p);
    }
}

RunOutcome
RunOnce(uint32_t sas,
        const BenchConfig& cfg,
        const std::vector<uint8_t>& payload,
        const Budget& budget)
{
    TwoHosts t(StackKind::IPSEC);
    Protection gcm;
    gcm.enc = "aes-gcm-16";
    RunSetkey(t.a, gcm.TransportScript(t.addrA, t.addrB, t.addrA));
    RunSetkey(t.b, gcm.TransportScript(t.addrA, t.addrB, t.addrB));
    std::vector<double> values;
    double memoryBytes = 0;
    Check check;
    Stopwatch watch;
    if (sas > 0)
    {
        size_t heap0 = HeapInUse();
        size_t rss0 = ResidentBytes();
        watch.Start();
        AddUnrelatedSas(t.a, t.addrA, sas, budget);
        double add = watch.Stop();
        double heap = static_cast<double>(HeapInUse()) - static_cast<double>(heap0);
        double rss = static_cast<double>(ResidentBytes()) - static_cast<double>(rss0);
        AddUnrelatedSas(t.b, t.addrB, sas, budget);
        values = {add, heap / sas, rss / sas};
        memoryBytes = 2 * heap;
    }
    check.Expect("A SAs", IpsecHelper::GetStack(t.a)->GetSad()->GetN(), sas + 2);
    check.Expect("B SAs", IpsecHelper::GetStack(t.b)->GetSad()->GetN(), sas + 2);

    UdpStream stream(t.b, t.addrB, 9, payload);
    stream.AddSenders(t.a, 1, 10000);
    double seconds = stream.Run(cfg.sadDatagrams, SendInterval(cfg.payload), watch, check);
    ExpectProtected(check, gcm, false, Stats(t.a), Stats(t.b), cfg.sadDatagrams, "A", "B");
    Simulator::Destroy();
    values.push_back(seconds * 1e6 / cfg.sadDatagrams);
    RunOutcome out = check.Outcome(std::move(values), watch);
    out.memoryBytes = memoryBytes;
    return out;
}

std::string
SaParam(uint32_t n)
{
    return std::to_string(n) + (n == 1 ? " SA" : " SAs");
}

} // namespace

void
RunSadSection(Bench& bench, const BenchConfig& cfg)
{
    const std::vector<uint8_t> random = IncompressiblePayload(cfg.payload);
    const std::string base = SaParam(0);
    std::vector<Variant> variants;
    Variant none;
    none.rows = {{"esp flow", base, "us/dgram", "esp flow", base, Target()}};
    none.run = [&]()
    {
        return RunOnce(0, cfg, random, bench.GetBudget());
    };
    variants.push_back(none);
    for (uint32_t n : Decades(10, cfg.maxSas))
    {
        const std::string param = SaParam(n);
        bool goal = n == 1000000;
        Variant v;
        v.rows = {
            {"add", param, "s", "", "", goal ? Target::Value(10, "s") : Target()},
            {"heap per SA", param, "B", "", "", Target::Value(2048, "B")},
            {"RSS per SA", param, "B", "", "", Target()},
            {"esp flow", param, "us/dgram", "esp flow", base, goal ? Target::Ratio(1.2) : Target()},
        };
        v.run = [&, n]()
        {
            return RunOnce(n, cfg, random, bench.GetBudget());
        };
        v.group = "sad";
        v.size = n;
        variants.push_back(v);
    }
    bench.RunSection("sad",
                     "SAs added to one node through IpsecHelper::AddSa (time, heap and RSS growth "
                     "per SA); an ESP aes-gcm-16 flow with that many unrelated SAs on both ends "
                     "(ratio to none)",
                     variants);
}

} // namespace ipsecbench
} // namespace ns3
