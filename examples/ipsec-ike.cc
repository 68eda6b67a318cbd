/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The NetBSD IPsec FAQ's "Configuring AH/ESP keys by using IKE", simulated.
 *
 *   host A 10.1.1.1 ---- router ---- host B 20.1.1.1
 *
 * A and B require transport-mode ESP between them (the FAQ's policies,
 * examples/ike/A.conf and B.conf) and have no SA.  Each runs the simulated
 * racoon (IkeDaemon) with racoon's sample configuration
 * (examples/ike/racoon.conf, "copy racoon.conf.sample to
 * /etc/racoon/racoon.conf") and the FAQ's psk.txt (spamspamspam).  A pings
 * B once a second: the first ping meets no SA, is dropped (out_nosa) and
 * makes A's kernel send an ACQUIRE; racoon negotiates phase 1 and quick mode
 * over the simulated link (real ISAKMP messages on UDP 500, real
 * Diffie-Hellman and keys, the node's CPU model charging the work), installs
 * the SAs, and "with some delay, you will start seeing replies".  At the end
 * `setkey -D` on both hosts shows the negotiated SAs.
 *
 * The options vary what decides whether and when the SAs come up: link
 * rate, delay and loss, the CPU profile (--cpu=Pentium100 for the FAQ's
 * "slow machines"), the Diffie-Hellman group, the exchange mode and
 * net.key.larval_lifetime.  --pcapDir writes a pcap of each device and the
 * keys Wireshark needs to decrypt the ISAKMP messages and the ESP packets
 * (ikev1_decryption_table and esp_sa: a Wireshark profile's files).
 */
#include "common/ipsec-example-output.h"
#include "common/ipsec-example-report.h"
#include "common/ipsec-example-trace.h"
#include "common/ipsec-ike-faq-helper.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <iostream>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecIkeExample");

namespace
{

std::string
ExampleFile(const std::string& name)
{
    return std::string(NS3_IPSEC_EXAMPLES_DIR) + "/ike/" + name;
}

} // namespace

int
main(int argc, char* argv[])
{
    bool ipv6 = false;
    uint32_t pings = 20;
    std::string rate = "10Mbps";
    std::string delay = "2ms";
    double loss = 0;
    std::string cpu = "Reference2020s";
    uint32_t dhGroup = 0;
    std::string mode;
    uint32_t larvalLifetime = 30;
    uint32_t phase2Wait = 0;
    std::string confA = ExampleFile("racoon.conf");
    std::string confB = ExampleFile("racoon.conf");
    std::string psk; // psk.txt, or psk-v6.txt with --ipv6
    uint32_t pskMode = 0600;
    std::string pcapDir;
    bool verbose = true;

    CommandLine cmd(__FILE__);
    cmd.AddValue("ipv6", "run over IPv6 (A fd00:10:1::1, B fd00:20:1::1)", ipv6);
    cmd.AddValue("pings", "pings from A to B, one per second", pings);
    cmd.AddValue("rate", "rate of both links", rate);
    cmd.AddValue("delay", "delay of each link", delay);
    cmd.AddValue("loss", "packet loss rate on each link (0..1)", loss);
    cmd.AddValue("cpu", "CPU profile of both hosts (IpsecCpu profiles)", cpu);
    cmd.AddValue(
        "dhGroup", "Diffie-Hellman group of phase 1 (and of PFS), 0 = racoon.conf's", dhGroup);
    cmd.AddValue(
        "mode", "exchange mode of the initiator: main or aggressive ('' = racoon.conf's)", mode);
    cmd.AddValue("larvalLifetime", "net.key.larval_lifetime on both hosts (s)", larvalLifetime);
    cmd.AddValue("phase2Wait",
                 "racoon's timer { phase2 } on both hosts (s; 0 = racoon.conf's, by default 30)",
                 phase2Wait);
    cmd.AddValue("confA", "racoon.conf of A", confA);
    cmd.AddValue("confB", "racoon.conf of B", confB);
    cmd.AddValue("psk", "psk.txt of both hosts (default: psk.txt, psk-v6.txt with --ipv6)", psk);
    cmd.AddValue("pskMode", "the psk.txt's file mode (racoon refuses group/other access)", pskMode);
    cmd.AddValue("pcapDir", "write a pcap of every device into this directory", pcapDir);
    cmd.AddValue("verbose", "print racoon's log and every IKE message", verbose);
    cmd.Parse(argc, argv);
    if (!IpsecPrepareOutputs("ipsec-ike", {{"pcapDir", pcapDir, true}}))
    {
        return 1;
    }

    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    // The FAQ's IKE example: A -- router -- B, the FAQ's policies, racoon on A
    // and B with racoon's sample racoon.conf and the FAQ's psk.txt, pings.
    IpsecIkeFaqHelper faq(std::string(NS3_IPSEC_EXAMPLES_DIR) + "/ike");
    faq.SetIpv6(ipv6);
    faq.SetLinkRate(rate);
    faq.SetLinkDelay(delay);
    faq.SetLinkLoss(loss);
    faq.SetCpuProfile(cpu);
    faq.SetDhGroup(static_cast<uint16_t>(dhGroup));
    faq.SetExchangeMode(mode);
    faq.SetLarvalLifetime(larvalLifetime);
    faq.SetPhase2Wait(phase2Wait);
    faq.SetRacoonConf(confA, confB);
    faq.SetPskFile(psk, pskMode);
    faq.SetPings(pings);
    if (verbose)
    {
        faq.SetPingReplyCallback(
            [](uint16_t seq)
            {
                std::cout << IpsecLogTime() << "A: echo reply " << seq << " from B\n";
            });
    }
    try
    {
        faq.Build();
    }
    catch (const IpsecConfigError& e)
    {
        std::cerr << e.what() << "\n";
        return 1;
    }
    catch (const RacoonConfError& e)
    {
        std::cerr << "racoon: " << e.what() << "\n";
        return 1;
    }
    if (verbose)
    {
        IpsecPrintRacoonTraces(faq.GetDaemon('A'), "A");
        IpsecPrintRacoonTraces(faq.GetDaemon('B'), "B");
    }
    if (!pcapDir.empty())
    {
        PointToPointHelper().EnablePcapAll(pcapDir + "/ipsec-ike", true);
        // Wireshark's IKEv1 decryption table and ESP SA table, beside the pcaps.
        IpsecIkeHelper().EnableKeyLog(faq.GetNodes(), pcapDir);
    }
    IpsecIkeFaqHelper::Result result = faq.Run();

    // The pings, when the first reply came, both daemons, both SADs.
    std::cout << "ipsec-ike: the FAQ's IKE example, " << (ipv6 ? "IPv6" : "IPv4") << ", CPU " << cpu
              << ", net.key.larval_lifetime " << larvalLifetime << " s\n";
    for (const auto& f : faq.GetTraffic().GetResults())
    {
        if (f.sent != 0)
        {
            IpsecPrintFlowLine(std::cout, f, "A", "B");
        }
    }
    if (!result.firstReply.IsNegative())
    {
        std::cout << "first reply: ping " << result.firstReplySeq << " at "
                  << result.firstReply.GetSeconds() << " s\n";
    }
    else
    {
        std::cout << "no reply: the SAs never came up\n";
    }
    IpsecPrintIkeLine(std::cout, "A", faq.GetDaemon('A'));
    IpsecPrintIkeLine(std::cout, "B", faq.GetDaemon('B'));
    std::cout << "A's out_nosa (pings dropped for want of an SA): " << result.outNosaA << "\n";
    IpsecPrintSetkeyD(std::cout, "A", faq.GetHostA());
    IpsecPrintSetkeyD(std::cout, "B", faq.GetHostB());
    Simulator::Destroy();
    return 0;
}
