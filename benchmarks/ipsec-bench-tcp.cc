/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Section 7: a bulk TCP transfer (BulkSendApplication to a PacketSink)
 * between two hosts on one link, through ESP aes-gcm-16 in transport mode
 * and plain.
 */
#include "ipsec-bench-sections.h"
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-algorithms.h"

#include <sstream>

namespace ns3
{
namespace ipsecbench
{

namespace
{

/// TCP's maximum segment size: with ESP's overhead the segments still fit the link's MTU.
constexpr uint32_t SEGMENT = 1400;

RunOutcome
RunOnce(StackKind kind, const BenchConfig& cfg)
{
    TwoHosts t(kind);
    Protection gcm;
    gcm.enc = "aes-gcm-16";
    if (kind == StackKind::IPSEC)
    {
        RunSetkey(t.a, gcm.TransportScript(t.addrA, t.addrB, t.addrA));
        RunSetkey(t.b, gcm.TransportScript(t.addrA, t.addrB, t.addrB));
    }
    const uint16_t port = 5001;
    PacketSinkHelper sinkHelper("ns3::TcpSocketFactory",
                                InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sinkApp = sinkHelper.Install(t.b);
    BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(t.addrB, port));
    bulk.SetAttribute("MaxBytes", UintegerValue(cfg.tcpBytes));
    bulk.SetAttribute("SendSize", UintegerValue(SEGMENT));
    ApplicationContainer sendApp = bulk.Install(t.a);
    sinkApp.Start(Seconds(0));
    sendApp.Start(Seconds(0));
    Stopwatch watch;
    double seconds = TimedRun(watch);

    Check check;
    uint64_t received = DynamicCast<PacketSink>(sinkApp.Get(0))->GetTotalRx();
    check.Expect("bytes delivered", received, cfg.tcpBytes);
    if (kind == StackKind::IPSEC)
    {
        const IpsecStats& a = Stats(t.a);
        const IpsecStats& b = Stats(t.b);
        // Every ESP packet sent was received and decrypted (none lost), and
        // the data segments alone were at least bytes / segment.
        check.Expect("A out_success = B in_success", a.out_success, b.in_success);
        check.Expect("B out_success = A in_success", b.out_success, a.in_success);
        check.AtLeast("A out_success", a.out_success, cfg.tcpBytes / SEGMENT);
        uint8_t id = FindEncAlgorithm("aes-gcm-16")->sadbId;
        check.Expect("A out_esphist[aes-gcm-16] = out_success", a.out_esphist[id], a.out_success);
    }
    Simulator::Destroy();
    return check.Outcome({seconds}, watch);
}

} // namespace

void
RunTcpSection(Bench& bench, const BenchConfig& cfg)
{
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(SEGMENT));
    std::ostringstream mb;
    mb << cfg.tcpBytes / 1e6 << " MB";
    const std::string param = mb.str();
    Variant plain;
    plain.rows = {{"plain", param, "s", "plain", param, Target()}};
    plain.run = [&]()
    {
        return RunOnce(StackKind::PLAIN, cfg);
    };
    Variant esp;
    esp.rows = {{"esp-aes-gcm-16", param, "s", "plain", param, Target::Ratio(1.15)}};
    esp.run = [&]()
    {
        return RunOnce(StackKind::IPSEC, cfg);
    };
    bench.RunSection("tcp",
                     "bulk TCP transfer over one 1 Gbit/s link, segments of 1400 bytes "
                     "(Simulator::Run wall time; ratio to plain ns-3)",
                     {plain, esp});
}

} // namespace ipsecbench
} // namespace ns3
