/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Section 1: the cost of one UDP datagram between two hosts on one link,
 * plain ns-3 against the IPsec stack with no SA or policy (the hooks only)
 * and against each protection.
 */
#include "ipsec-bench-sections.h"
#include "ns3/core-module.h"

#include <sstream>

namespace ns3
{
namespace ipsecbench
{

namespace
{

ProtectionCase
Case(const std::string& name,
     const std::string& enc,
     const std::string& espAuth,
     const std::string& ahAuth,
     bool ipcomp,
     bool compressible,
     Target target = Target())
{
    ProtectionCase c;
    c.name = name;
    c.p.enc = enc;
    c.p.espAuth = espAuth;
    c.p.ahAuth = ahAuth;
    c.p.ipcomp = ipcomp;
    c.compressible = compressible;
    c.target = target;
    return c;
}

/**
 * One run: two hosts, the protection's setkey scripts (none for plain and
 * the hooks), cfg.datagrams datagrams from A to B.
 */
RunOutcome
RunOnce(StackKind kind,
        const ProtectionCase* pc,
        const BenchConfig& cfg,
        const std::vector<uint8_t>& payload)
{
    TwoHosts t(kind);
    if (pc != nullptr)
    {
        RunSetkey(t.a, pc->p.TransportScript(t.addrA, t.addrB, t.addrA));
        RunSetkey(t.b, pc->p.TransportScript(t.addrA, t.addrB, t.addrB));
    }
    UdpStream stream(t.b, t.addrB, 9, payload);
    stream.AddSenders(t.a, 1, 10000);
    Stopwatch watch;
    Check check;
    double seconds = stream.Run(cfg.datagrams, SendInterval(cfg.payload), watch, check);
    if (kind == StackKind::IPSEC)
    {
        ExpectProtected(check,
                        pc != nullptr ? pc->p : Protection(),
                        pc != nullptr && pc->compressible,
                        Stats(t.a),
                        Stats(t.b),
                        cfg.datagrams,
                        "A",
                        "B");
    }
    Simulator::Destroy();
    return check.Outcome({seconds * 1e6 / cfg.datagrams}, watch);
}

std::string
OneHopTitle()
{
    return "per-datagram cost between two hosts on one 1 Gbit/s link (Simulator::Run wall time "
           "/ datagrams; ratio to plain ns-3)";
}

} // namespace

std::vector<ProtectionCase>
OneHopCases()
{
    return {
        Case("esp-null", "null", "", "", false, false, Target::Ratio(1.20)),
        Case("esp-aes-gcm-16", "aes-gcm-16", "", "", false, false, Target::Ratio(1.40)),
        Case("esp-rijndael-cbc/hmac-sha1", "rijndael-cbc", "hmac-sha1", "", false, false),
        Case("esp-aes-ctr/hmac-sha2-256", "aes-ctr", "hmac-sha2-256", "", false, false),
        Case("esp-chacha20-poly1305", "chacha20-poly1305", "", "", false, false),
        Case("esp-3des-cbc/hmac-md5", "3des-cbc", "hmac-md5", "", false, false),
        Case("ah-hmac-sha1", "", "", "hmac-sha1", false, false),
        Case("ipcomp+esp-compressible", "rijndael-cbc", "hmac-sha1", "", true, true),
        Case("ipcomp+esp-incompressible", "rijndael-cbc", "hmac-sha1", "", true, false),
    };
}

std::string
DatagramParam(uint32_t payload, uint64_t datagrams)
{
    return std::to_string(payload) + " B x " + std::to_string(datagrams);
}

std::vector<uint32_t>
Decades(uint32_t first, uint32_t max)
{
    std::vector<uint32_t> sizes;
    uint64_t s = first;
    for (; s <= max; s *= 10)
    {
        sizes.push_back(static_cast<uint32_t>(s));
    }
    if (sizes.empty() || sizes.back() != max)
    {
        sizes.push_back(max);
    }
    return sizes;
}

void
RunOneHopSection(Bench& bench, const BenchConfig& cfg, bool withOpenssl)
{
    const std::vector<uint8_t> random = IncompressiblePayload(cfg.payload);
    const std::vector<uint8_t> text = CompressiblePayload(cfg.payload);
    const std::vector<ProtectionCase> cases = OneHopCases();
    const std::string param = DatagramParam(cfg.payload, cfg.datagrams);
    const std::string unit = "us/dgram";

    std::vector<Variant> variants;
    Variant plain;
    plain.rows = {{"plain", param, unit, "plain", param, Target()}};
    plain.run = [&]()
    {
        return RunOnce(StackKind::PLAIN, nullptr, cfg, random);
    };
    variants.push_back(plain);
    Variant hooks;
    hooks.rows = {{"hooks", param, unit, "plain", param, Target::Ratio(1.05)}};
    hooks.run = [&]()
    {
        return RunOnce(StackKind::IPSEC, nullptr, cfg, random);
    };
    variants.push_back(hooks);
    std::vector<std::pair<std::string, Variant>> ssl;
    if (withOpenssl)
    {
        ssl = OpensslVariants(cfg, random, text);
        bench.DeclareSection("1hop", OneHopTitle());
        bench.DeclareSection("openssl", OpensslTitle());
    }
    auto addOpenssl = [&](const std::string& name)
    {
        for (const auto& [n, v] : ssl)
        {
            if (n == name)
            {
                variants.push_back(v);
            }
        }
    };
    for (const auto& c : cases)
    {
        Variant v;
        v.rows = {{c.name, param, unit, "plain", param, c.target}};
        const ProtectionCase* pc = &c;
        v.run = [&, pc]()
        {
            return RunOnce(StackKind::IPSEC, pc, cfg, pc->compressible ? text : random);
        };
        variants.push_back(v);
        addOpenssl(c.name);
        if (c.p.ipcomp)
        {
            addOpenssl(c.compressible ? "deflate-compressible" : "deflate-incompressible");
        }
    }
    bench.RunSection("1hop", OneHopTitle(), variants);
}

} // namespace ipsecbench
} // namespace ns3
