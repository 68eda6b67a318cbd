/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Section 2: datagrams through two gateways, host - gw1 - gw2 - host,
 * plain ns-3 against an ESP aes-gcm-16 tunnel between the gateways (the
 * FAQ's VPN; the hosts know nothing of IPsec).
 */
#include "ipsec-bench-sections.h"
#include "ns3/core-module.h"

namespace ns3
{
namespace ipsecbench
{

namespace
{

RunOutcome
RunOnce(StackKind kind, const BenchConfig& cfg, const std::vector<uint8_t>& payload)
{
    GatewayPath t(kind);
    if (kind == StackKind::IPSEC)
    {
        RunSetkey(t.gw1,
                  TunnelScript("10.1.1.0/24", "10.2.1.0/24", t.wan1, t.wan2, 0x2001, 0x2002));
        RunSetkey(t.gw2,
                  TunnelScript("10.2.1.0/24", "10.1.1.0/24", t.wan2, t.wan1, 0x2002, 0x2001));
    }
    UdpStream stream(t.b, t.addrB, 9, payload);
    stream.AddSenders(t.a, 1, 10000);
    Stopwatch watch;
    Check check;
    double seconds = stream.Run(cfg.datagrams, SendInterval(cfg.payload), watch, check);
    if (kind == StackKind::IPSEC)
    {
        Protection gcm;
        gcm.enc = "aes-gcm-16";
        ExpectProtected(check, gcm, false, Stats(t.gw1), Stats(t.gw2), cfg.datagrams, "gw1", "gw2");
    }
    Simulator::Destroy();
    return check.Outcome({seconds * 1e6 / cfg.datagrams}, watch);
}

} // namespace

void
RunGatewaySection(Bench& bench, const BenchConfig& cfg)
{
    const std::vector<uint8_t> random = IncompressiblePayload(cfg.payload);
    const std::string param = DatagramParam(cfg.payload, cfg.datagrams);
    const std::string unit = "us/dgram";
    Variant plain;
    plain.rows = {{"plain", param, unit, "plain", param, Target()}};
    plain.run = [&]()
    {
        return RunOnce(StackKind::PLAIN, cfg, random);
    };
    Variant tunnel;
    tunnel.rows = {{"esp-tunnel-aes-gcm-16", param, unit, "plain", param, Target()}};
    tunnel.run = [&]()
    {
        return RunOnce(StackKind::IPSEC, cfg, random);
    };
    bench.RunSection("gateways",
                     "host - gateway - gateway - host, ESP tunnel between the gateways "
                     "(Simulator::Run wall time / datagrams; ratio to plain ns-3)",
                     {plain, tunnel});
}

} // namespace ipsecbench
} // namespace ns3
