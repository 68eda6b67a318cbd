/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The project's benchmark: what IPsec costs in a simulation, measured
 * against plain ns-3 (printed, never asserted).  Every section runs its
 * variants paired and interleaved in this process, --reps times, and
 * prints the median of each row and its paired ratio to the section's
 * baseline; a row whose datagrams were not all delivered and counted by
 * the IPsec counters is INVALID (and the exit status 1).  See the README,
 * "Performance".
 *
 *   build/benchmarks/ipsec-benchmark [--sections=1hop,gateways,openssl,spd,sad,hub,tcp]
 *       [--reps=5] [--quick] [--budget=60] [--csv=FILE] [--markdown] [size knobs]
 */
#include "ipsec-bench-framework.h"
#include "ipsec-bench-sections.h"
#include "ipsec-bench-system.h"
#include "ns3/core-module.h"

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

using namespace ns3;
using namespace ns3::ipsecbench;

namespace
{

/// The sections in the order they run, with their numbers (--sections takes either).
const std::vector<std::string> kSections
    = {"1hop", "gateways", "openssl", "spd", "sad", "hub", "tcp"};

/// Parses --sections; an unknown name is an error (empty set returned, @p bad set).
std::set<std::string>
ParseSections(const std::string& list, std::string* bad)
{
    std::set<std::string> chosen;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ','))
    {
        if (item == "all")
        {
            chosen.insert(kSections.begin(), kSections.end());
            continue;
        }
        bool found = false;
        for (size_t i = 0; i < kSections.size(); ++i)
        {
            if (item == kSections[i] || item == std::to_string(i + 1))
            {
                chosen.insert(kSections[i]);
                found = true;
            }
        }
        if (!found)
        {
            *bad = item;
            return {};
        }
    }
    return chosen;
}

/// @p knob if the command line gave it (non-zero), else the mode's default @p def.
template <typename T>
T
Knob(T knob, T def)
{
    return knob != 0 ? knob : def;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string sections = "all";
    int reps = 5;
    bool quick = false;
    double budget = 60;
    double memoryBudgetGb = 0;
    std::string csv;
    bool markdown = false;
    std::string only;
    double minCpu = 0.9;
    int retries = 2;
    BenchConfig knobs;
    knobs = BenchConfig{0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    CommandLine cmd(__FILE__);
    cmd.AddValue("sections",
                 "comma-separated sections (names or numbers 1-7): 1hop, gateways, openssl, spd, "
                 "sad, hub, tcp; or all",
                 sections);
    cmd.AddValue("reps", "repetitions of every variant (the median is printed)", reps);
    cmd.AddValue(
        "quick", "tiny sizes: the whole program in well under a minute (a smoke test)", quick);
    cmd.AddValue(
        "budget", "a sweep size whose run is estimated to take longer (s) is skipped", budget);
    cmd.AddValue("memoryBudget",
                 "a sweep size estimated to need more heap (GB) is skipped (0: half the "
                 "memory available at the start)",
                 memoryBudgetGb);
    cmd.AddValue("csv", "write section,variant,param,median,unit,ratio,reps,valid to FILE", csv);
    cmd.AddValue("markdown", "also print the results as a Markdown table", markdown);
    cmd.AddValue("minCpu",
                 "a run whose timed part got less than this share of a CPU (the machine ran "
                 "something else) is run again",
                 minCpu);
    cmd.AddValue("retries", "how many times such a run is run again at most", retries);
    cmd.AddValue("only",
                 "run only the variants whose \"variant (param)\" contains this text (to profile "
                 "one; rows without their baseline have no ratio)",
                 only);
    cmd.AddValue("payload", "UDP payload bytes (default 1400)", knobs.payload);
    cmd.AddValue("datagrams",
                 "datagrams of the 1hop, gateways and openssl sections (default 30000)",
                 knobs.datagrams);
    cmd.AddValue(
        "max-policies", "largest SPD of the spd sweep (default 100000)", knobs.maxPolicies);
    cmd.AddValue(
        "max-flows", "most distinct flows of the spd sweep (default 10000)", knobs.maxFlows);
    cmd.AddValue("spd-datagrams", "datagrams per spd run (default 20000)", knobs.spdDatagrams);
    cmd.AddValue("max-sas", "largest SAD of the sad sweep (default 1000000)", knobs.maxSas);
    cmd.AddValue("sad-datagrams", "datagrams per sad run (default 20000)", knobs.sadDatagrams);
    cmd.AddValue("max-spokes", "most spokes of the hub sweep (default 10000)", knobs.maxSpokes);
    cmd.AddValue("hub-datagrams",
                 "datagrams per hub run, all spokes together (default 20000)",
                 knobs.hubDatagrams);
    cmd.AddValue("tcp-bytes", "bytes of the tcp transfer (default 20000000)", knobs.tcpBytes);
    cmd.Parse(argc, argv);

    std::string bad;
    std::set<std::string> chosen = ParseSections(sections, &bad);
    if (chosen.empty())
    {
        std::cerr << "unknown section '" << bad
                  << "' (sections: 1hop, gateways, openssl, spd, sad, "
                  << "hub, tcp, all)\n";
        return 2;
    }
    if (reps < 1)
    {
        std::cerr << "--reps must be at least 1\n";
        return 2;
    }

    BenchConfig full;
    BenchConfig tiny{1400, 300, 100, 100, 300, 100, 300, 10, 200, 200000};
    const BenchConfig& def = quick ? tiny : full;
    BenchConfig cfg;
    cfg.payload = Knob(knobs.payload, def.payload);
    cfg.datagrams = Knob(knobs.datagrams, def.datagrams);
    cfg.maxPolicies = Knob(knobs.maxPolicies, def.maxPolicies);
    cfg.maxFlows = Knob(knobs.maxFlows, def.maxFlows);
    cfg.spdDatagrams = Knob(knobs.spdDatagrams, def.spdDatagrams);
    cfg.maxSas = Knob(knobs.maxSas, def.maxSas);
    cfg.sadDatagrams = Knob(knobs.sadDatagrams, def.sadDatagrams);
    cfg.maxSpokes = Knob(knobs.maxSpokes, def.maxSpokes);
    cfg.hubDatagrams = Knob(knobs.hubDatagrams, def.hubDatagrams);
    cfg.tcpBytes = Knob(knobs.tcpBytes, def.tcpBytes);

    Bench::Options options;
    options.reps = reps;
    options.budget = budget;
    options.memoryBudget
        = memoryBudgetGb > 0 ? memoryBudgetGb * 1e9 : static_cast<double>(AvailableBytes()) / 2;
    options.only = only;
    options.minCpuShare = minCpu;
    options.retries = retries;
    options.cleanup = []()
    {
        Simulator::Destroy();
    };
    Bench bench(options);

    const std::string machine = MachineLine();
    std::ostringstream header;
    header << "ipsec-benchmark: " << machine << "\n"
           << "reps " << reps << " (paired, interleaved; median), budget " << budget
           << " s per sweep run, memory budget " << FormatNumber(options.memoryBudget / 1e9)
           << " GB, runs with less than " << minCpu * 100 << "% CPU run again (" << retries
           << " times at most)" << (quick ? ", --quick sizes" : "") << "\n";
    std::cout << header.str() << std::flush;
    std::cerr << header.str();

    for (const auto& s : kSections)
    {
        if (!chosen.count(s))
        {
            continue;
        }
        if (s == "1hop")
        {
            // With openssl, both sections run interleaved (the module's
            // work is then a difference within each repetition).
            RunOneHopSection(bench, cfg, chosen.count("openssl") > 0);
        }
        else if (s == "gateways")
        {
            RunGatewaySection(bench, cfg);
        }
        else if (s == "openssl" && !chosen.count("1hop"))
        {
            RunOpensslSection(bench, cfg);
        }
        else if (s == "spd")
        {
            RunSpdSection(bench, cfg);
        }
        else if (s == "sad")
        {
            RunSadSection(bench, cfg);
        }
        else if (s == "hub")
        {
            RunHubSection(bench, cfg);
        }
        else if (s == "tcp")
        {
            RunTcpSection(bench, cfg);
        }
    }
    if (chosen.count("1hop") && chosen.count("openssl"))
    {
        AddModuleWork(bench, cfg);
    }

    bench.PrintTable(std::cout);
    if (markdown)
    {
        std::cout << "\nMachine: " << machine << "; reps " << reps << "\n\n";
        bench.PrintMarkdown(std::cout);
    }
    if (!csv.empty())
    {
        std::ofstream out(csv);
        bench.PrintCsv(out);
        if (!out)
        {
            std::cerr << "cannot write " << csv << "\n";
            return 2;
        }
    }
    if (bench.AnyInvalid())
    {
        std::cout
            << "\nINVALID rows: some datagrams were not delivered or not counted as expected\n";
        return 1;
    }
    return 0;
}
