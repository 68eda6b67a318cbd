/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ipsec-setkey: setkey(8) for a simulated node, on the command line.
 *
 *   ipsec-setkey [-nva] [--ipsec-tools] [--pid N] [--epoch SECONDS]
 *                [-f FILE | -c] [-D] [-DP] [--lint]
 *
 * Loads a setkey script (-f FILE, "-f -" or -c: standard input) into the
 * SAD and SPD of a fresh simulated node (an ns-3 Node with an IpsecStack),
 * prints what setkey prints while doing so, then the requested dumps in
 * command-line order (-D: the SAD, -DP or -PD: the SPD; a separate -P turns
 * the run's -D into -DP, as in setkey) and, with --lint, every policy that
 * can never match (IpsecPolicyLint).
 *
 *   -n             parse and check only, change nothing (setkey -n)
 *   -v             also print, on standard error, every PF_KEY message sent and
 *                  received (setkey -v), what the run did and why the "kernel"
 *                  refused statements
 *   -a             dumps include dead SAs (setkey -a)
 *   --ipsec-tools  a bad statement is dropped and the rest runs (ipsec-tools
 *                  setkey -c); default: the first client-side error stops the
 *                  run (KAME)
 *   --pid N        the pid the dumps show (default 0)
 *   --epoch S      wall-clock time (seconds since 1970, UTC) of simulated
 *                  time 0 in the dumps (default 1767225600: Jan  1 00:00:00 2026)
 *
 * Exit status: 1 when the script had a parse error (setkey's status), when
 * the script cannot be read or on a usage error; 0 otherwise (kernel errors
 * and lint findings do not change it, as for setkey).
 *
 * Unlike KAME setkey, which writes its yyerror() lines to standard error,
 * every setkey message goes to standard output, so the output is one
 * ordered transcript.
 */
#include "ns3/ipsec-policy-lint.h"
#include "ns3/ipsec-stack.h"
#include "ns3/node.h"
#include "ns3/setkey-dump.h"
#include "ns3/setkey.h"
#include "ns3/simulator.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

const char* const kUsage
    = "usage: ipsec-setkey [-nva] [--ipsec-tools] [--pid N] [--epoch SECONDS]\n"
      "                    [-f FILE | -c] [-D] [-DP] [--lint]\n";

int
Usage(const std::string& why)
{
    if (!why.empty())
    {
        std::cerr << "ipsec-setkey: " << why << "\n";
    }
    std::cerr << kUsage;
    return 1;
}

enum class Dump
{
    SAD,
    SPD,
};

/// Parses a non-negative decimal number (all of @p text).
bool
ParseNumber(const std::string& text, long long* v)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos
        || text.size() > 18)
    {
        return false;
    }
    *v = std::stoll(text);
    return true;
}

} // namespace

int
main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    bool parseOnly = false;
    bool verbose = false;
    bool lint = false;
    bool fromStdin = false;
    bool separateP = false;
    std::string file;
    std::vector<Dump> dumps;
    SetkeyOptions options;

    for (size_t i = 0; i < args.size(); ++i)
    {
        const std::string& a = args[i];
        if (a == "--lint")
        {
            lint = true;
        }
        else if (a == "--ipsec-tools")
        {
            options.dialect = SetkeyDialect::IPSEC_TOOLS;
        }
        else if (a == "--help" || a == "-h")
        {
            std::cout << kUsage;
            return 0;
        }
        else if (a == "--pid" || a == "--epoch" || a.rfind("--pid=", 0) == 0
                 || a.rfind("--epoch=", 0) == 0)
        {
            std::string name = a.substr(0, a.find('='));
            std::string value;
            if (a.find('=') != std::string::npos)
            {
                value = a.substr(a.find('=') + 1);
            }
            else if (i + 1 < args.size())
            {
                value = args[++i];
            }
            long long v = 0;
            if (!ParseNumber(value, &v) || (name == "--pid" && v > 0xffffffffLL))
            {
                return Usage(name + " needs a number");
            }
            if (name == "--pid")
            {
                options.dump.pid = static_cast<uint32_t>(v);
            }
            else
            {
                options.dump.epoch = v;
            }
        }
        else if (a.size() >= 2 && a[0] == '-' && a[1] != '-')
        {
            bool hasD = false;
            bool hasP = false;
            for (size_t k = 1; k < a.size(); ++k)
            {
                switch (a[k])
                {
                    case 'n':
                        parseOnly = true;
                        break;
                    case 'v':
                        verbose = true;
                        break;
                    case 'a':
                        options.dump.showDead = true;
                        break;
                    case 'c':
                        fromStdin = true;
                        file.clear();
                        break;
                    case 'D':
                        hasD = true;
                        break;
                    case 'P':
                        hasP = true;
                        break;
                    case 'f':
                        if (k + 1 < a.size())
                        {
                            file = a.substr(k + 1);
                        }
                        else if (i + 1 < args.size())
                        {
                            file = args[++i];
                        }
                        else
                        {
                            return Usage("option -f needs a file name");
                        }
                        fromStdin = file == "-";
                        k = a.size();
                        break;
                    default:
                        return Usage(std::string("unknown option -") + a[k]);
                }
            }
            if (hasD)
            {
                dumps.push_back(hasP ? Dump::SPD : Dump::SAD);
            }
            else if (hasP)
            {
                separateP = true;
            }
        }
        else
        {
            // setkey's "setkey file ..." decodes binary PF_KEY messages: not modelled.
            return Usage("unexpected argument '" + a + "'");
        }
    }
    if (separateP)
    {
        for (auto& d : dumps)
        {
            d = Dump::SPD;
        }
    }
    if (!fromStdin && file.empty() && dumps.empty() && !lint)
    {
        return Usage("");
    }
    options.parseOnly = parseOnly;

    // The script.
    std::string text;
    std::string name;
    if (fromStdin)
    {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        text = ss.str();
        name = "-";
    }
    else if (!file.empty())
    {
        std::ifstream in(file, std::ios::binary);
        if (!in)
        {
            std::cerr << "ipsec-setkey: " << file << ": " << std::strerror(errno) << "\n";
            return 1;
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        text = ss.str();
        name = file;
    }

    // A simulated node with an IPsec stack.
    Ptr<Node> node = CreateObject<Node>();
    Ptr<IpsecStack> stack = CreateObject<IpsecStack>();
    node->AggregateObject(stack);
    Ptr<IpsecSad> sad = stack->GetSad();
    Ptr<IpsecSpd> spd = stack->GetSpd();

    int status = 0;
    if (fromStdin || !file.empty())
    {
        if (verbose)
        {
            // setkey -v: every PF_KEY message, as it crosses the socket.
            stack->GetKeyEngine()->TraceConnectWithoutContext(
                "Message",
                MakeCallback(+[](const PfKeyMessage& m, bool fromUser)
                             {
                                 std::cerr << (fromUser ? "ipsec-setkey: -> " : "ipsec-setkey: <- ")
                                           << m.ToString() << "\n";
                             }));
        }
        SetkeyResult r = Setkey::Run(stack->GetKeyEngine(), text, name, options);
        for (const auto& m : r.messages)
        {
            std::cout << m << "\n";
        }
        status = r.ExitStatus();
        if (verbose)
        {
            std::cerr << "ipsec-setkey: " << r.statementsParsed << " statement(s) parsed, "
                      << r.statementsExecuted << " executed"
                      << (r.aborted ? ", run aborted by a parse error" : "")
                      << (r.exited ? ", ended by exit" : "") << "\n";
            for (const auto& e : r.errors)
            {
                if (!e.expected.empty())
                {
                    std::cerr << "ipsec-setkey: line " << e.line << ": expected " << e.expected
                              << "\n";
                }
            }
            for (const auto& k : r.kernelErrors)
            {
                std::cerr << "ipsec-setkey: line " << k.line << ": " << SetkeyCommandName(k.command)
                          << " refused (" << k.text << "): " << k.reason << "\n";
            }
        }
    }

    for (Dump d : dumps)
    {
        if (d == Dump::SAD)
        {
            SetkeyDump::PrintSad(std::cout, sad, options.dump);
        }
        else
        {
            SetkeyDump::PrintSpd(std::cout, spd, options.dump);
        }
    }

    if (lint)
    {
        std::vector<IpsecLintFinding> findings = IpsecPolicyLint::Check(spd);
        IpsecPolicyLint::Print(std::cout, findings);
        if (verbose)
        {
            std::cerr << "ipsec-setkey: " << findings.size() << " lint finding(s) in "
                      << spd->GetN() << " polic" << (spd->GetN() == 1 ? "y" : "ies") << "\n";
        }
    }

    std::cout.flush();
    Simulator::Destroy();
    return status;
}
