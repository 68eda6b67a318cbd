/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Section 4: the per-datagram cost as the SPD grows, at a host (transport
 * policies: /32 hosts, /24 and /16 prefixes, specific ports and any, TCP,
 * UDP and any protocol, actions ipsec, none and discard) and at a gateway
 * (tunnel policies between many /24 site prefixes), the traffic matching
 * the last policy (ESP aes-gcm-16): with one flow (the lookup cache
 * answers) and with as many distinct flows as policies, at most
 * --max-flows (source ports; every lookup a miss once they outnumber the
 * cache).  The policies before the last one are added through IpsecSpd's
 * API (IpsecHelper::AddPolicy), the last one and the SAs by setkey.
 */
#include "ipsec-bench-sections.h"
#include "ns3/core-module.h"
#include "ns3/ipsec-module.h"

#include <algorithm>

namespace ns3
{
namespace ipsecbench
{

namespace
{

/// One sweep: where the policies are and how many flows.
struct SpdCase
{
    std::string name; ///< the rows' variant
    bool gateway;     ///< tunnel policies at gateways (else transport at hosts)
    bool many;        ///< as many flows as policies (capped), else one
};

IpsecAddress
V4(uint32_t a)
{
    return IpsecAddress(Ipv4Address(a));
}

IpsecRequest
Request(IpsecMode mode,
        IpsecLevel level,
        Ipv4Address tunnelSrc = Ipv4Address(),
        Ipv4Address tunnelDst = Ipv4Address())
{
    IpsecRequest r;
    r.proto = IpsecProto::ESP;
    r.mode = mode;
    r.level = level;
    if (mode == IpsecMode::TUNNEL)
    {
        r.tunnelSrc = IpsecAddress(tunnelSrc);
        r.tunnelDst = IpsecAddress(tunnelDst);
    }
    return r;
}

/**
 * The i-th policy of a host that none of the benchmark's datagrams
 * matches: a peer in 198.18.0.0/15, six kinds in turn.  @p inbound gives
 * the receiver's mirror image (its inbound policy).
 */
Ptr<IpsecPolicy>
HostFiller(uint32_t i, Ipv4Address self, bool inbound)
{
    const uint32_t me = self.Get();
    const uint32_t peer = 0xc6120000u + i + 1; // 198.18.0.0 + i + 1
    const auto port = static_cast<uint16_t>(1 + (i / 6) % 65000);
    uint32_t local = me;
    uint32_t remote = peer;
    uint8_t prefLocal = 32;
    uint8_t prefRemote = 32;
    uint16_t localPort = 0;
    uint16_t remotePort = 0;
    uint8_t proto = IPSEC_ULPROTO_ANY;
    auto action = IpsecPolicyAction::IPSEC;
    IpsecLevel level = IpsecLevel::REQUIRE;
    switch (i % 6)
    {
        case 0: // host to host, anything
            break;
        case 1: // host to host, TCP in the clear
            proto = 6;
            action = IpsecPolicyAction::NONE;
            break;
        case 2: // our /24 to a /24, one UDP service
            local = me & 0xffffff00u;
            remote = peer & 0xffffff00u;
            prefLocal = prefRemote = 24;
            remotePort = port;
            proto = 17;
            break;
        case 3: // our /24 to a /24, one TCP service refused
            local = me & 0xffffff00u;
            remote = peer & 0xffffff00u;
            prefLocal = prefRemote = 24;
            remotePort = port;
            proto = 6;
            action = IpsecPolicyAction::DISCARD;
            break;
        case 4: // our /16 to a /16, one UDP service in the clear
            local = me & 0xffff0000u;
            remote = peer & 0xffff0000u;
            prefLocal = prefRemote = 16;
            remotePort = port;
            proto = 17;
            action = IpsecPolicyAction::NONE;
            break;
        default: // one of our UDP services to a host, if an SA is there
            localPort = port;
            proto = 17;
            level = IpsecLevel::USE;
            break;
    }
    auto p = Create<IpsecPolicy>();
    IpsecSelector& s = p->selector;
    s.src = V4(inbound ? remote : local);
    s.dst = V4(inbound ? local : remote);
    s.prefs = inbound ? prefRemote : prefLocal;
    s.prefd = inbound ? prefLocal : prefRemote;
    s.sport = inbound ? remotePort : localPort;
    s.dport = inbound ? localPort : remotePort;
    s.ulproto = proto;
    p->direction = inbound ? IpsecDirection::INBOUND : IpsecDirection::OUTBOUND;
    p->action = action;
    if (action == IpsecPolicyAction::IPSEC)
    {
        p->requests = {Request(IpsecMode::TRANSPORT, level)};
    }
    return p;
}

/**
 * The i-th tunnel policy of a gateway that none of the benchmark's
 * datagrams matches: one of our /24 sites (10.x.2-251.0/24) to a remote
 * /24 site (from 48.0.0.0) through the remote gateway 40.0.0.0 + i + 1.
 * @p inbound gives the other gateway's inbound mirror image.
 */
Ptr<IpsecPolicy>
GatewayFiller(uint32_t i, uint32_t sitePrefix, Ipv4Address wan, bool inbound)
{
    const uint32_t site = sitePrefix + ((2 + i % 250) << 8);
    const uint32_t remote = 0x30000000u + (i << 8);
    const Ipv4Address far(0x28000000u + i + 1);
    auto p = Create<IpsecPolicy>();
    IpsecSelector& s = p->selector;
    s.src = V4(inbound ? remote : site);
    s.dst = V4(inbound ? site : remote);
    s.prefs = s.prefd = 24;
    p->direction = inbound ? IpsecDirection::INBOUND : IpsecDirection::OUTBOUND;
    p->action = IpsecPolicyAction::IPSEC;
    p->requests = {inbound ? Request(IpsecMode::TUNNEL, IpsecLevel::REQUIRE, far, wan)
                           : Request(IpsecMode::TUNNEL, IpsecLevel::REQUIRE, wan, far)};
    return p;
}

/// One run of a case with @p policies policies (0: plain ns-3) and @p flows flows.
RunOutcome
RunOnce(const SpdCase& c,
        uint32_t policies,
        uint32_t flows,
        const BenchConfig& cfg,
        const std::vector<uint8_t>& payload,
        const Budget& budget)
{
    StackKind kind = policies == 0 ? StackKind::PLAIN : StackKind::IPSEC;
    IpsecHelper ipsec;
    Protection gcm;
    gcm.enc = "aes-gcm-16";
    Ptr<Node> sender;
    Ptr<Node> receiver;
    Ptr<Node> out; // where the out policies are
    Ptr<Node> in;  // where the in policies are
    Ipv4Address dst;
    std::unique_ptr<TwoHosts> hosts;
    std::unique_ptr<GatewayPath> path;
    if (!c.gateway)
    {
        hosts = std::make_unique<TwoHosts>(kind);
        sender = out = hosts->a;
        receiver = in = hosts->b;
        dst = hosts->addrB;
        if (policies > 0)
        {
            for (uint32_t i = 0; i + 1 < policies; ++i)
            {
                if (i % 256 == 0)
                {
                    budget.Check(i, policies - 1);
                }
                ipsec.AddPolicy(out, HostFiller(i, hosts->addrA, false));
                ipsec.AddPolicy(in, HostFiller(i, hosts->addrB, true));
            }
            RunSetkey(out, gcm.TransportScript(hosts->addrA, hosts->addrB, hosts->addrA));
            RunSetkey(in, gcm.TransportScript(hosts->addrA, hosts->addrB, hosts->addrB));
        }
    }
    else
    {
        path = std::make_unique<GatewayPath>(kind);
        sender = path->a;
        receiver = path->b;
        out = path->gw1;
        in = path->gw2;
        dst = path->addrB;
        if (policies > 0)
        {
            for (uint32_t i = 0; i + 1 < policies; ++i)
            {
                if (i % 256 == 0)
                {
                    budget.Check(i, policies - 1);
                }
                ipsec.AddPolicy(out, GatewayFiller(i, 0x0a010000u, path->wan1, false));
                ipsec.AddPolicy(in, GatewayFiller(i, 0x0a020000u, path->wan2, true));
            }
            RunSetkey(
                out,
                TunnelScript("10.1.1.0/24", "10.2.1.0/24", path->wan1, path->wan2, 0x2001, 0x2002));
            RunSetkey(
                in,
                TunnelScript("10.2.1.0/24", "10.1.1.0/24", path->wan2, path->wan1, 0x2002, 0x2001));
        }
    }
    UdpStream stream(receiver, dst, 9, payload);
    stream.AddSenders(sender, flows, 10000);
    Stopwatch watch;
    Check check;
    double seconds = stream.Run(cfg.spdDatagrams, SendInterval(cfg.payload), watch, check);
    check.Note(std::to_string(flows) + (flows == 1 ? " flow" : " flows"));
    if (kind == StackKind::IPSEC)
    {
        Ptr<IpsecSpd> spdOut = IpsecHelper::GetStack(out)->GetSpd();
        Ptr<IpsecSpd> spdIn = IpsecHelper::GetStack(in)->GetSpd();
        check.Expect(std::string(c.gateway ? "gw1" : "A") + " out policies",
                     spdOut->GetPolicies(IpsecDirection::OUTBOUND).size(),
                     policies);
        check.Expect(std::string(c.gateway ? "gw2" : "B") + " in policies",
                     spdIn->GetPolicies(IpsecDirection::INBOUND).size(),
                     policies);
        ExpectProtected(check,
                        gcm,
                        false,
                        Stats(out),
                        Stats(in),
                        cfg.spdDatagrams,
                        c.gateway ? "gw1" : "A",
                        c.gateway ? "gw2" : "B");
    }
    Simulator::Destroy();
    return check.Outcome({seconds * 1e6 / cfg.spdDatagrams}, watch);
}

std::string
PolicyParam(uint32_t n)
{
    return std::to_string(n) + (n == 1 ? " policy" : " policies");
}

} // namespace

void
RunSpdSection(Bench& bench, const BenchConfig& cfg)
{
    const std::vector<uint8_t> random = IncompressiblePayload(cfg.payload);
    const std::vector<SpdCase> cases = {
        {"host 1 flow", false, false},
        {"host many flows", false, true},
        {"gateway 1 flow", true, false},
        {"gateway many flows", true, true},
    };
    const std::vector<uint32_t> sizes = Decades(1, cfg.maxPolicies);
    const std::string unit = "us/dgram";
    const std::string base = PolicyParam(1);
    std::vector<Variant> variants;
    for (const auto& c : cases)
    {
        const SpdCase* pc = &c;
        uint32_t plainFlows = c.many ? std::min(cfg.maxPolicies, cfg.maxFlows) : 1;
        Variant plain;
        plain.rows = {{c.name, "plain ns-3", unit, c.name, base, Target()}};
        plain.run = [&, pc, plainFlows]()
        {
            return RunOnce(*pc, 0, plainFlows, cfg, random, bench.GetBudget());
        };
        variants.push_back(plain);
        for (uint32_t n : sizes)
        {
            uint32_t flows = c.many ? std::min(n, cfg.maxFlows) : 1;
            Target target = c.many && n == 10000 ? Target::Ratio(1.2) : Target();
            Variant v;
            v.rows = {{c.name, PolicyParam(n), unit, c.name, base, target}};
            v.run = [&, pc, n, flows]()
            {
                return RunOnce(*pc, n, flows, cfg, random, bench.GetBudget());
            };
            v.group = c.name;
            v.size = n;
            variants.push_back(v);
        }
    }
    bench.RunSection("spd",
                     "per-datagram cost as the SPD grows, the traffic matching the last policy "
                     "(ESP aes-gcm-16; ratio to 1 policy)",
                     variants);
}

} // namespace ipsecbench
} // namespace ns3
