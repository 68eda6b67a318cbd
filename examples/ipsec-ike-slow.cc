/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The NetBSD IPsec FAQ's warning as a study: "On slow machines, you may not
 * be able to negotiate keys with racoon IKE daemon, as IKE negotiation has to
 * finish within net.key.larval_lifetime sysctl MIB, which is 30 seconds by
 * default."
 *
 * Each case is the FAQ's IKE example (IpsecIkeFaqHelper: hosts A and B, ESP
 * transport required both ways, racoon's sample racoon.conf, the FAQ's
 * psk.txt, A pinging B once a second) with one combination of CPU profile,
 * Diffie-Hellman group, link delay, packet loss and
 * net.key.larval_lifetime.  racoon's timer { phase2 } follows the larval
 * lifetime unless --phase2Wait is given (raising only the larval lifetime
 * leaves racoon's own 30 s deadline in force).  Per case it prints whether
 * and when the SAs came up (the first echo reply), the IKE messages and
 * retransmissions, the pings lost before (A's out_nosa) and the CPU time
 * each host spent, one line per case and, with --csv, the same as CSV; a
 * progress line on stderr while it runs.
 *
 * With the very slow profile (MipsR3000_25MHz) and MODP-2048 (group 14) the
 * negotiation never converges at 30 s and succeeds once the larval lifetime
 * is raised, as the FAQ says.
 */
#include "common/ipsec-example-args.h"
#include "common/ipsec-example-output.h"
#include "common/ipsec-ike-faq-helper.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/network-module.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecIkeSlowStudy");

namespace
{

/// One case of the sweep, as given on the command line.
struct Case
{
    std::string cpu;
    std::string group;
    std::string delay;
    std::string loss;
    std::string larval;
};

/**
 * Runs the FAQ's IKE example with CPU profile @p cpu, Diffie-Hellman group
 * @p group, link delay @p delay and loss @p loss, larval lifetime
 * @p larval and racoon's phase-2 wait @p wait, @p pings pings long.
 * Throws IpsecConfigError or RacoonConfError.
 */
IpsecIkeFaqHelper::Result
RunCase(const std::string& cpu,
        uint16_t group,
        const std::string& delay,
        double loss,
        uint32_t larval,
        uint32_t wait,
        uint32_t pings,
        bool ipv6)
{
    IpsecIkeFaqHelper run(std::string(NS3_IPSEC_EXAMPLES_DIR) + "/ike");
    run.SetIpv6(ipv6);
    run.SetCpuProfile(cpu);
    run.SetDhGroup(group);
    run.SetLinkDelay(delay);
    run.SetLinkLoss(loss);
    run.SetLarvalLifetime(larval);
    run.SetPhase2Wait(wait);
    run.SetPings(pings);
    run.Build();
    IpsecIkeFaqHelper::Result r = run.Run();
    Simulator::Destroy();
    return r;
}

/// The CSV's header line.
const char* const CSV_HEADER
    = "cpu,dh_group,delay,loss,larval_lifetime,phase2_wait,up,first_reply_s,"
      "messages_a,messages_b,retransmissions,pings_sent,pings_lost_before,"
      "ph1_established,ph2_established,failures_a,failures_b,cpu_busy_a_s,"
      "cpu_busy_b_s\n";

/// The table's header line.
void
PrintHeader()
{
    std::cout << std::left << std::setw(16) << "cpu" << std::setw(6) << "group" << std::setw(8)
              << "delay" << std::setw(6) << "loss" << std::setw(7) << "larval" << std::setw(5)
              << "up" << std::setw(9) << "at (s)" << std::setw(10) << "msgs A/B" << std::setw(6)
              << "rexmt" << std::setw(7) << "lost"
              << "cpu busy A (s)\n";
}

/// @p c's line of the table, and of the CSV when @p csv is open.
void
PrintCase(const Case& c, uint32_t wait, const IpsecIkeFaqHelper::Result& r, std::ofstream& csv)
{
    bool up = !r.firstReply.IsNegative();
    uint64_t failA = 0;
    uint64_t failB = 0;
    for (uint64_t f : r.a.failures)
    {
        failA += f;
    }
    for (uint64_t f : r.b.failures)
    {
        failB += f;
    }
    std::ostringstream msgs;
    msgs << r.a.messagesSent << "/" << r.b.messagesSent;
    std::ostringstream at;
    if (up)
    {
        at << std::fixed << std::setprecision(2) << r.firstReply.GetSeconds();
    }
    else
    {
        at << "-";
    }
    std::cout << std::left << std::setw(16) << c.cpu << std::setw(6) << c.group << std::setw(8)
              << c.delay << std::setw(6) << c.loss << std::setw(7) << c.larval << std::setw(5)
              << (up ? "yes" : "no") << std::setw(9) << at.str() << std::setw(10) << msgs.str()
              << std::setw(6) << r.a.retransmissions + r.b.retransmissions << std::setw(7)
              << r.outNosaA << std::fixed << std::setprecision(3) << r.cpuBusyA.GetSeconds() << "\n"
              << std::defaultfloat;
    if (csv)
    {
        csv << c.cpu << "," << c.group << "," << c.delay << "," << c.loss << "," << c.larval << ","
            << wait << "," << (up ? 1 : 0) << "," << (up ? at.str() : "") << "," << r.a.messagesSent
            << "," << r.b.messagesSent << "," << r.a.retransmissions + r.b.retransmissions << ","
            << r.pingsSent << "," << r.outNosaA << "," << r.a.ph1Established << ","
            << r.a.ph2Established << "," << failA << "," << failB << "," << r.cpuBusyA.GetSeconds()
            << "," << r.cpuBusyB.GetSeconds() << "\n";
    }
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string cpus = "Reference2020s,Pentium100,MipsR3000_25MHz";
    std::string groups = "2,14";
    std::string delays = "2ms,250ms";
    std::string losses = "0,0.1";
    std::string larvals = "30,90";
    uint32_t phase2Wait = 0;
    uint32_t pings = 120;
    std::string csv;
    bool ipv6 = false;

    CommandLine cmd(__FILE__);
    cmd.AddValue("cpus", "CPU profiles of both hosts, comma-separated", cpus);
    cmd.AddValue("groups", "Diffie-Hellman groups (phase 1 and PFS), comma-separated", groups);
    cmd.AddValue("delays", "one-way delays of each link, comma-separated", delays);
    cmd.AddValue("losses", "packet loss rates of each link, comma-separated", losses);
    cmd.AddValue("larvals", "net.key.larval_lifetime values (s), comma-separated", larvals);
    cmd.AddValue(
        "phase2Wait", "racoon's timer { phase2 } (s); 0 = the case's larval lifetime", phase2Wait);
    cmd.AddValue("pings", "pings from A to B, one per second (the run's length)", pings);
    cmd.AddValue("csv", "write the results as CSV to this file", csv);
    cmd.AddValue("ipv6", "run over IPv6", ipv6);
    cmd.Parse(argc, argv);
    if (!IpsecPrepareOutputs("ipsec-ike-slow", {{"csv", csv, false}}))
    {
        return 1;
    }

    // Every combination: CPU x group x delay x loss x larval lifetime.
    std::vector<Case> cases;
    for (const std::string& cpu : IpsecSplitList(cpus))
    {
        for (const std::string& group : IpsecSplitList(groups))
        {
            for (const std::string& delay : IpsecSplitList(delays))
            {
                for (const std::string& loss : IpsecSplitList(losses))
                {
                    for (const std::string& larval : IpsecSplitList(larvals))
                    {
                        cases.push_back({cpu, group, delay, loss, larval});
                    }
                }
            }
        }
    }

    std::ofstream csvOut;
    if (!csv.empty())
    {
        csvOut.open(csv);
        if (!csvOut)
        {
            std::cerr << "ipsec-ike-slow: cannot write " << csv << "\n";
            return 1;
        }
        csvOut << CSV_HEADER;
    }
    std::cout << "ipsec-ike-slow: the FAQ's IKE example, " << cases.size() << " cases, " << pings
              << " pings each (" << (ipv6 ? "IPv6" : "IPv4") << ")\n";
    PrintHeader();

    size_t done = 0;
    for (const Case& c : cases)
    {
        std::cerr << "\rcase " << ++done << "/" << cases.size() << ": " << c.cpu << " group "
                  << c.group << " " << c.delay << " loss " << c.loss << " larval " << c.larval
                  << "          " << std::flush;
        uint32_t larval = std::stoul(c.larval);
        uint32_t wait = phase2Wait ? phase2Wait : larval;
        auto group = static_cast<uint16_t>(std::stoul(c.group));
        double loss = std::stod(c.loss);
        IpsecIkeFaqHelper::Result r;
        try
        {
            r = RunCase(c.cpu, group, c.delay, loss, larval, wait, pings, ipv6);
        }
        catch (const std::exception& e)
        {
            std::cerr << "\nipsec-ike-slow: " << e.what() << "\n";
            return 1;
        }
        PrintCase(c, wait, r, csvOut);
    }
    std::cerr << "\n";
    return 0;
}
