/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Speed measurements of the IPsec model (printed, never asserted):
 *  1. ESP output + input of one datagram per algorithm pair (per-SA crypto
 *     contexts, no per-packet allocation of cipher state);
 *  2. SPD lookups with thousands of policies, with and without the cache;
 *  3. a whole simulation: wall time of a TCP transfer through ESP.
 *
 *   build/benchmarks/ipsec-benchmark [--packets=20000] [--size=1400] [--policies=5000]
 */
#include "common/ipsec-traffic-helper.h"
#include "ns3/core-module.h"
#include "ns3/ipsec-module.h"

#include <chrono>
#include <iomanip>
#include <iostream>

using namespace ns3;
using Clock = std::chrono::steady_clock;

namespace
{

double
Seconds_(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

void
BenchEsp(const std::string& enc,
         size_t encBytes,
         const std::string& auth,
         size_t authBytes,
         uint32_t packets,
         uint32_t size)
{
    IpsecSaParams p;
    p.src = IpsecAddress(Ipv4Address("10.0.0.1"));
    p.dst = IpsecAddress(Ipv4Address("10.0.0.2"));
    p.spi = 1000;
    p.enc = FindEncAlgorithm(enc);
    p.hasEncKey = true;
    p.encKey.assign(encBytes, 0x5a);
    if (!auth.empty())
    {
        p.auth = FindAuthAlgorithm(auth);
        p.authKey.assign(authBytes, 0xa5);
    }
    auto out = Create<IpsecSa>(p, Seconds(0));
    auto in = Create<IpsecSa>(p, Seconds(0));
    std::string why;
    if (out->Mature(IpsecIcvTruncation::KAME_96, &why)
        || in->Mature(IpsecIcvTruncation::KAME_96, &why))
    {
        std::cout << enc << "/" << auth << ": " << why << "\n";
        return;
    }
    auto rng = CreateObject<UniformRandomVariable>();
    IpsecStats st;
    const IpsecTransform& esp = IpsecTransform::Get(IpsecProto::ESP);
    std::vector<uint8_t> payload(size, 0x42);
    auto t0 = Clock::now();
    for (uint32_t i = 0; i < packets; ++i)
    {
        Ptr<Packet> pkt = Create<Packet>(payload.data(), payload.size());
        IpsecTransformOutput o;
        o.packet = pkt;
        o.nextHeader = 17;
        o.stats = &st;
        o.rng = rng;
        esp.Output(*out, o);
        IpsecInboundReplay noReplay;
        IpsecTransformInput input;
        input.packet = o.packet;
        input.stats = &st;
        input.replay = &noReplay;
        esp.Input(PeekPointer(in), input);
    }
    double s = Seconds_(t0, Clock::now());
    std::cout << std::left << std::setw(40) << (enc + (auth.empty() ? "" : " + " + auth))
              << std::right << std::setw(10) << std::fixed << std::setprecision(0) << packets / s
              << " packets/s  " << std::setw(8) << std::setprecision(1)
              << packets * double(size) * 8 / s / 1e6 << " Mbit/s (out+in)\n";
}

void
BenchSpd(uint32_t policies)
{
    for (uint32_t cache : {0u, 4096u})
    {
        uint32_t lookups = cache ? 1000000 : 10000;
        auto spd = CreateObject<IpsecSpd>();
        spd->SetAttribute("CacheSize", UintegerValue(cache));
        for (uint32_t i = 0; i < policies; ++i)
        {
            auto pol = Create<IpsecPolicy>();
            pol->selector.src = IpsecAddress(Ipv4Address(0x0a000000 + (i << 8)));
            pol->selector.dst = IpsecAddress(Ipv4Address("192.168.0.0"));
            pol->selector.prefs = 24;
            pol->selector.prefd = 16;
            pol->direction = IpsecDirection::OUTBOUND;
            pol->action = IpsecPolicyAction::NONE;
            spd->Add(pol);
        }
        IpsecSelector sel; // matches the last policy: the worst case of a linear walk
        sel.src = IpsecAddress(Ipv4Address(0x0a000000 + ((policies - 1) << 8) + 5));
        sel.dst = IpsecAddress(Ipv4Address("192.168.1.1"));
        sel.prefs = sel.prefd = 32;
        sel.ulproto = 17;
        sel.sport = 1000;
        sel.dport = 9;
        auto t0 = Clock::now();
        uint32_t hits = 0;
        for (uint32_t i = 0; i < lookups; ++i)
        {
            hits += spd->Lookup(IpsecDirection::OUTBOUND, sel) != nullptr;
        }
        double s = Seconds_(t0, Clock::now());
        std::cout << "SPD, " << policies << " policies, cache " << (cache ? "on " : "off") << ": "
                  << std::setprecision(0) << lookups / s << " lookups/s (" << hits << " hits)\n";
    }
}

void
BenchSimulation(const std::string& config)
{
    auto t0 = Clock::now();
    IpsecHostToHostHelper topo;
    topo.SetLinkRate("100Mbps");
    topo.Build();
    IpsecHelper ipsec;
    std::string dir = std::string(NS3_IPSEC_SOURCE_DIR) + "/examples/host-to-host/";
    if (config != "none")
    {
        ipsec.RunSetkeyFile(topo.GetHostA(), dir + config + "-A.conf");
        ipsec.RunSetkeyFile(topo.GetHostB(), dir + config + "-B.conf");
    }
    IpsecTrafficHelper traffic;
    traffic.SetPingCount(0);
    traffic.SetUdpEchoCount(0);
    traffic.SetTcpBytes(20000000);
    Simulator::Stop(
        traffic.Install(topo.GetHostA(), topo.GetAddressA(), topo.GetHostB(), topo.GetAddressB()));
    Simulator::Run();
    uint64_t bytes = traffic.GetResults().back().received;
    Simulator::Destroy();
    double s = Seconds_(t0, Clock::now());
    std::cout << "simulation, 20 MB TCP over 100 Mbit/s, " << std::setw(9) << config << ": "
              << std::setprecision(2) << s << " s wall, " << bytes << " bytes delivered\n";
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t packets = 20000;
    uint32_t size = 1400;
    uint32_t policies = 5000;
    CommandLine cmd(__FILE__);
    cmd.AddValue("packets", "datagrams per algorithm", packets);
    cmd.AddValue("size", "datagram size", size);
    cmd.AddValue("policies", "SPD size", policies);
    cmd.Parse(argc, argv);

    std::cout << "ESP output+input of " << size << "-byte datagrams:\n";
    BenchEsp("null", 0, "hmac-sha1", 20, packets, size);
    BenchEsp("3des-cbc", 24, "", 0, packets, size);
    BenchEsp("blowfish-cbc", 16, "hmac-md5", 16, packets, size);
    BenchEsp("rijndael-cbc", 16, "hmac-sha1", 20, packets, size);
    BenchEsp("rijndael-cbc", 32, "hmac-sha2-256", 32, packets, size);
    BenchEsp("aes-ctr", 20, "aes-xcbc-mac", 16, packets, size);
    BenchEsp("aes-gcm-16", 20, "", 0, packets, size);
    BenchEsp("chacha20-poly1305", 36, "", 0, packets, size);
    std::cout << "\n";
    BenchSpd(policies);
    std::cout << "\n";
    BenchSimulation("none");
    BenchSimulation("esp-auth");
    BenchSimulation("ah-esp");
    return 0;
}
