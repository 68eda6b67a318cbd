/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Tests of the SPD linter (IpsecPolicyLint) and of the ipsec-setkey
 * command-line tool that runs setkey scripts, dumps and the linter.
 */
#include "ipsec-test-base.h"
#include "ipsec-test-util.h"
#include "ns3/ipsec-policy-lint.h"
#include "ns3/ipsec-sad.h"
#include "ns3/ipsec-spd.h"
#include "ns3/setkey.h"
#include "ns3/simulator.h"
#include "ns3/test.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace ns3;
using namespace ns3::ipsectest;

namespace
{

/// An SPD loaded from a setkey script.
struct Spd
{
    Ptr<IpsecSad> sad = CreateObject<IpsecSad>();
    Ptr<IpsecSpd> spd = CreateObject<IpsecSpd>();
    SetkeyResult result;

    explicit Spd(const std::string& script)
    {
        result = Setkey::Run(sad, spd, script);
    }

    std::vector<IpsecLintFinding> Lint() const
    {
        return IpsecPolicyLint::Check(spd);
    }
};

std::string
Join(const std::vector<IpsecLintFinding>& findings)
{
    std::ostringstream os;
    IpsecPolicyLint::Print(os, findings);
    return os.str();
}

IpsecSelector
Sel(const char* src, uint8_t ps, const char* dst, uint8_t pd, uint16_t sp, uint16_t dp, uint8_t ul)
{
    IpsecSelector s;
    s.src = *IpsecAddress::Parse(src);
    s.dst = *IpsecAddress::Parse(dst);
    s.prefs = ps;
    s.prefd = pd;
    s.sport = sp;
    s.dport = dp;
    s.ulproto = ul;
    return s;
}

// The NetBSD IPsec FAQ's POP server (seed 000, "setkey -c" on host A), A = 10.0.0.1.
const char* const kPopNone1 = "spdadd 10.0.0.1[110] 10.0.0.1 tcp -P out none;\n";
const char* const kPopNone2 = "spdadd 10.0.0.1 10.0.0.1[110] tcp -P in none;\n";
const char* const kPopAh1
    = "spdadd 10.0.0.1[110] 0.0.0.0/0 tcp -P out ipsec ah/transport//require;\n";
const char* const kPopAh2
    = "spdadd 0.0.0.0/0 10.0.0.1[110] tcp -P in ipsec ah/transport//require;\n";

/// The FAQ's policies: in the FAQ's order they are fine; reordered, the bypasses are lost.
class LintFaqTestCase : public TestCase
{
  public:
    LintFaqTestCase()
        : TestCase("FAQ POP server policies, in order and reordered")
    {
    }

  private:
    void DoRun() override
    {
        Spd faq(std::string(kPopNone1) + kPopNone2 + kPopAh1 + kPopAh2);
        NS_TEST_ASSERT_MSG_EQ(faq.result.ok, true, "FAQ script loads");
        NS_TEST_ASSERT_MSG_EQ(faq.spd->GetN(), 4u, "four policies");
        NS_TEST_EXPECT_MSG_EQ(Join(faq.Lint()), "", "FAQ order: no finding");

        Spd bad(std::string(kPopAh1) + kPopAh2 + kPopNone1 + kPopNone2);
        NS_TEST_ASSERT_MSG_EQ(bad.result.ok, true, "reordered script loads");
        std::vector<IpsecLintFinding> f = bad.Lint();
        NS_TEST_ASSERT_MSG_EQ(f.size(), 2u, "both none policies");
        NS_TEST_EXPECT_MSG_EQ(f[0].message,
                              "line 3: spdadd 10.0.0.1[110] 10.0.0.1[any] tcp -P out none is "
                              "shadowed by line 1 (spid 16388): it can never match",
                              "out none");
        NS_TEST_EXPECT_MSG_EQ(f[1].message,
                              "line 4: spdadd 10.0.0.1[any] 10.0.0.1[110] tcp -P in none is "
                              "shadowed by line 2 (spid 16389): it can never match",
                              "in none");
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(f[0].kind),
                              static_cast<int>(IpsecLintFinding::Kind::SHADOWED),
                              "kind");
        NS_TEST_EXPECT_MSG_EQ(f[0].policy->id, 16390u, "the policy");
        NS_TEST_ASSERT_MSG_EQ(f[0].coveredBy.size(), 1u, "one coverer");
        NS_TEST_EXPECT_MSG_EQ(f[0].coveredBy[0]->id, 16388u, "by the out ipsec policy");
        NS_TEST_EXPECT_MSG_EQ(IpsecLintFinding::KindName(f[0].kind), "shadowed", "name");

        // The list API, same answer.
        std::vector<Ptr<IpsecPolicy>> list;
        for (auto dir : {IpsecDirection::OUTBOUND, IpsecDirection::INBOUND})
        {
            for (const auto& p : bad.spd->GetPolicies(dir))
            {
                list.push_back(p);
            }
        }
        NS_TEST_EXPECT_MSG_EQ(Join(IpsecPolicyLint::Check(list)), Join(f), "list API");

        // Host B's policies of the FAQ: nothing to report.
        Spd b("spdadd 10.0.0.2 10.0.0.1[110] tcp -P out ipsec ah/transport//require;\n"
              "spdadd 10.0.0.1[110] 10.0.0.2 tcp -P in ipsec ah/transport//require;\n");
        NS_TEST_EXPECT_MSG_EQ(b.Lint().size(), 0u, "host B");
        Simulator::Destroy();
    }
};

/// Redundant (same action) versus shadowed, families, directions, partial overlaps.
class LintRulesTestCase : public TestCase
{
  public:
    LintRulesTestCase()
        : TestCase("redundant, families, directions, partial overlaps")
    {
    }

  private:
    void DoRun() override
    {
        // Same action and requests: redundant.
        Spd r("spdadd 10.0.0.0/24 10.0.1.0/24 any -P out ipsec esp/transport//require;\n"
              "spdadd 10.0.0.5 10.0.1.0/24 tcp -P out ipsec esp/transport//require;\n"
              "spdadd 10.0.0.6[22] 10.0.1.7[1022] tcp -P out ipsec esp/transport//use;\n"
              "spdadd 10.0.0.0/24 10.0.1.0/24 any -P in discard;\n"
              "spdadd 10.0.0.0/25 10.0.1.0/24 any -P in discard;\n");
        NS_TEST_ASSERT_MSG_EQ(r.result.ok, true, "loads");
        std::vector<IpsecLintFinding> f = r.Lint();
        NS_TEST_ASSERT_MSG_EQ(f.size(), 3u, Join(f));
        NS_TEST_EXPECT_MSG_EQ(f[0].message,
                              "line 2: spdadd 10.0.0.5[any] 10.0.1.0/24[any] tcp -P out ipsec "
                              "esp/transport//require is redundant with line 1 (spid 16388): it "
                              "can never match, and the same policy applies anyway",
                              "redundant");
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(f[0].kind),
                              static_cast<int>(IpsecLintFinding::Kind::REDUNDANT),
                              "kind");
        // Another level is another action.
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(f[1].kind),
                              static_cast<int>(IpsecLintFinding::Kind::SHADOWED),
                              "use vs require");
        NS_TEST_EXPECT_MSG_EQ(f[1].policy->setkeyLine, 3u, "line 3");
        NS_TEST_EXPECT_MSG_EQ(f[2].policy->setkeyLine, 5u, "in discard duplicate");
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(f[2].kind),
                              static_cast<int>(IpsecLintFinding::Kind::REDUNDANT),
                              "discard twice");

        // Other family, other direction: never.
        Spd fam("spdadd 0.0.0.0/0 0.0.0.0/0 any -P out discard;\n"
                "spdadd ::/0 ::/0 any -P out none;\n"
                "spdadd 10.0.0.1 10.0.0.2 any -P in none;\n");
        NS_TEST_ASSERT_MSG_EQ(fam.result.ok, true, "loads");
        NS_TEST_EXPECT_MSG_EQ(Join(fam.Lint()), "", "families and directions");

        // Partial overlaps are not reported.
        Spd part("spdadd 10.0.0.0/24 10.0.1.0/24 tcp -P out none;\n"
                 "spdadd 10.0.0.0/16 10.0.1.5 any -P out discard;\n"
                 "spdadd 10.0.0.1[80] 10.0.1.5 tcp -P in none;\n"
                 "spdadd 10.0.0.1 10.0.1.5[443] tcp -P in discard;\n"
                 "spdadd 10.0.0.1 10.0.1.5 udp -P in discard;\n"
                 "spdadd 10.0.0.0/8 10.0.0.0/8 any -P in discard;\n");
        NS_TEST_ASSERT_MSG_EQ(part.result.ok, true, "loads");
        NS_TEST_EXPECT_MSG_EQ(Join(part.Lint()), "", "partial overlaps");

        // The pairwise predicates.
        IpsecSelector any4 = Sel("0.0.0.0", 0, "0.0.0.0", 0, 0, 0, IPSEC_ULPROTO_ANY);
        IpsecSelector pop = Sel("10.0.0.1", 32, "10.0.0.1", 32, 110, 0, 6);
        IpsecSelector any6 = Sel("::", 0, "::", 0, 0, 0, IPSEC_ULPROTO_ANY);
        NS_TEST_EXPECT_MSG_EQ(IpsecPolicyLint::Covers(any4, pop), true, "any covers");
        NS_TEST_EXPECT_MSG_EQ(IpsecPolicyLint::Covers(pop, any4), false, "not conversely");
        NS_TEST_EXPECT_MSG_EQ(IpsecPolicyLint::Overlaps(pop, any4), true, "overlap");
        NS_TEST_EXPECT_MSG_EQ(IpsecPolicyLint::Covers(any6, pop), false, "family");
        NS_TEST_EXPECT_MSG_EQ(IpsecPolicyLint::Overlaps(any6, any4), false, "family overlap");
        NS_TEST_EXPECT_MSG_EQ(
            IpsecPolicyLint::Overlaps(pop, Sel("10.0.0.1", 32, "10.0.0.1", 32, 111, 0, 6)),
            false,
            "ports differ");
        NS_TEST_EXPECT_MSG_EQ(
            IpsecPolicyLint::Overlaps(pop, Sel("10.0.0.1", 32, "10.0.0.1", 32, 110, 0, 17)),
            false,
            "protocols differ");
        Simulator::Destroy();
    }
};

/// Several earlier policies together can shadow a later one.
class LintUnionTestCase : public TestCase
{
  public:
    LintUnionTestCase()
        : TestCase("shadowing by several policies together")
    {
    }

  private:
    void DoRun() override
    {
        Spd u("spdadd 10.0.0.0/25 10.0.1.0/24 any -P out discard;\n"       // 16388
              "spdadd 10.0.0.128/25 10.0.1.0/24 any -P out discard;\n"     // 16389
              "spdadd 10.0.0.0/24 10.0.1.0/24 tcp -P out none;\n"          // 16390: shadowed
              "spdadd 10.0.0.0/24 10.0.1.0/24 udp -P out discard;\n"       // 16391: redundant
              "spdadd 10.0.2.0/24 10.0.3.0/24 tcp -P out none;\n"          // 16392
              "spdadd 10.0.2.0/24 10.0.3.0/24 any -P out discard;\n"       // 16393
              "spdadd 10.0.2.0/23 10.0.3.0/24 udp -P out none;\n"          // 16394: partial
              "spdadd 10.0.2.7 10.0.3.0/24 udp -P out discard;\n"          // 16395: by 16393
              "spdadd 10.0.2.7[80] 10.0.3.9 any -P out discard;\n"         // 16396: two
              "spdadd 10.0.4.0[any] 10.0.5.0[80] tcp -P out none;\n"       // 16397
              "spdadd 10.0.4.0 10.0.5.0 tcp -P out discard;\n"             // 16398
              "spdadd 10.0.4.0[1000] 10.0.5.0[80] tcp -P out discard;\n"); // 16399: by 16397
        NS_TEST_ASSERT_MSG_EQ(u.result.ok, true, "loads");
        std::vector<IpsecLintFinding> f = u.Lint();
        NS_TEST_ASSERT_MSG_EQ(f.size(), 5u, Join(f));
        NS_TEST_EXPECT_MSG_EQ(f[0].message,
                              "line 3: spdadd 10.0.0.0/24[any] 10.0.1.0/24[any] tcp -P out none "
                              "is shadowed by line 1 (spid 16388) and line 2 (spid 16389): it "
                              "can never match",
                              "two halves");
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(f[1].kind),
                              static_cast<int>(IpsecLintFinding::Kind::REDUNDANT),
                              "two halves, same action");
        NS_TEST_EXPECT_MSG_EQ(f[1].coveredBy.size(), 2u, "both halves");
        NS_TEST_EXPECT_MSG_EQ(f[2].policy->setkeyLine, 8u, "udp host");
        NS_TEST_ASSERT_MSG_EQ(f[2].coveredBy.size(), 1u, "tcp policy does not take udp");
        NS_TEST_EXPECT_MSG_EQ(f[2].coveredBy[0]->id, 16393u, "by the any policy");
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(f[2].kind),
                              static_cast<int>(IpsecLintFinding::Kind::REDUNDANT),
                              "discard under discard");
        // tcp packets go to line 5 (none), the rest to line 6 (discard).
        NS_TEST_EXPECT_MSG_EQ(f[3].policy->setkeyLine, 9u, "any protocol, port 80");
        NS_TEST_EXPECT_MSG_EQ(f[3].coveredBy.size(), 2u, "tcp and the rest");
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(f[3].kind),
                              static_cast<int>(IpsecLintFinding::Kind::SHADOWED),
                              "none and discard");
        NS_TEST_EXPECT_MSG_EQ(f[4].policy->setkeyLine, 12u, "port-specific under port any");
        NS_TEST_EXPECT_MSG_EQ(f[4].coveredBy[0]->id, 16397u, "first full cover wins");
        Simulator::Destroy();
    }
};

/// Policies added through the API are named by spid; many policies stay fast.
class LintApiTestCase : public TestCase
{
  public:
    LintApiTestCase()
        : TestCase("policies without setkey lines, large SPD")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecSpd> spd = CreateObject<IpsecSpd>();
        auto add = [&spd](IpsecSelector sel, IpsecPolicyAction action)
        {
            auto p = Create<IpsecPolicy>();
            p->selector = sel;
            p->direction = IpsecDirection::OUTBOUND;
            p->action = action;
            return spd->Add(p);
        };
        NS_TEST_ASSERT_MSG_EQ(
            add(Sel("10.0.0.0", 8, "0.0.0.0", 0, 0, 0, 255), IpsecPolicyAction::DISCARD), 0, "add");
        NS_TEST_ASSERT_MSG_EQ(
            add(Sel("10.1.0.0", 16, "10.2.0.0", 16, 0, 0, 17), IpsecPolicyAction::NONE), 0, "add");
        std::vector<IpsecLintFinding> f = IpsecPolicyLint::Check(spd);
        NS_TEST_ASSERT_MSG_EQ(f.size(), 1u, "one");
        NS_TEST_EXPECT_MSG_EQ(f[0].message,
                              "spid 16389: spdadd 10.1.0.0/16[any] 10.2.0.0/16[any] udp -P out "
                              "none is shadowed by spid 16388: it can never match",
                              "named by spid");

        // 3000 host policies, then one per /24 they fill: each /24 is covered by
        // its 256 hosts... only for the first /24 (the others are partial).
        Ptr<IpsecSpd> big = CreateObject<IpsecSpd>();
        uint32_t added = 0;
        for (uint32_t i = 0; i < 3000; ++i)
        {
            auto p = Create<IpsecPolicy>();
            p->selector = Sel("10.0.0.0", 32, "10.9.9.9", 32, 0, 0, 255);
            p->selector.src = Ipv4Address(0x0a000000 + i);
            p->action = IpsecPolicyAction::DISCARD;
            added += big->Add(p) == 0;
        }
        for (uint32_t net = 0; net < 12; ++net)
        {
            auto p = Create<IpsecPolicy>();
            p->selector = Sel("10.0.0.0", 24, "10.9.9.9", 32, 0, 0, 255);
            p->selector.src = Ipv4Address(0x0a000000 + (net << 8));
            p->action = IpsecPolicyAction::NONE;
            added += big->Add(p) == 0;
        }
        NS_TEST_ASSERT_MSG_EQ(added, 3012u, "all added");
        f = IpsecPolicyLint::Check(big);
        // 3000 hosts fill the /24s 10.0.0 .. 10.0.10 completely (11 * 256 = 2816).
        NS_TEST_EXPECT_MSG_EQ(f.size(), 11u, "eleven full /24s");
        NS_TEST_EXPECT_MSG_EQ(f.empty() ? 0 : f[0].coveredBy.size(), 256u, "256 hosts");
        Simulator::Destroy();
    }
};

#ifdef NS3_IPSEC_BINARY_DIR

bool
Has(const std::string& text, const std::string& what)
{
    return text.find(what) != std::string::npos;
}

/// The ipsec-setkey program on small scripts.
class LintToolTestCase : public TestCase
{
  public:
    LintToolTestCase()
        : TestCase("ipsec-setkey tool")
    {
    }

  private:
    void DoRun() override
    {
        std::string tool = std::string(NS3_IPSEC_BINARY_DIR) + "/tools/ipsec-setkey";
        NS_TEST_ASSERT_MSG_EQ(std::filesystem::exists(tool),
                              true,
                              tool << " is missing: build the tools (cmake --build)");
        std::string dir = std::string(NS3_IPSEC_BINARY_DIR) + "/test/ipsec-lint-tool-"
                        + std::to_string(getpid());
        std::filesystem::create_directories(dir);
        std::string script = dir + "/pop.conf";
        std::string bad = dir + "/bad.conf";
        std::string err = dir + "/stderr";
        {
            std::ofstream s(script);
            s << "# the FAQ's POP server, bypasses last\n"
              << kPopAh1 << kPopAh2 << kPopNone1 << kPopNone2
              << "add 10.0.0.1 10.0.0.2 ah 0x1000 -A hmac-md5 \"0123456789abcdef\";\n"
              << "add 10.0.0.1 10.0.0.2 ah 0x1000 -A hmac-md5 \"0123456789abcdef\";\n";
            std::ofstream b(bad);
            b << "spdadd 10.0.0.1 10.0.0.2 any -P out none;\n"
              << "add 10.0.0.1 10.0.0.2 esp 0x1001 -E 3des-cbc \"short\";\n"
              << "spdadd 10.0.0.2 10.0.0.1 any -P in none;\n";
        }

        RunResult r = RunShell("'" + tool + "' -f '" + script + "' -D -DP --lint --pid 42", err);
        NS_TEST_EXPECT_MSG_EQ(r.status, 0, "kernel errors do not change the status: " << r.err);
        std::istringstream lines(r.out);
        std::vector<std::string> v;
        for (std::string l; std::getline(lines, l);)
        {
            v.push_back(l);
        }
        NS_TEST_ASSERT_MSG_EQ(v.size(),
                              1u + 10u + 2u * 7u + 2u * 6u + 2u,
                              "output lines:\n"
                                  << r.out);
        NS_TEST_EXPECT_MSG_EQ(v[0], "The result of line 7: File exists.", "setkey's message");
        NS_TEST_EXPECT_MSG_EQ(v[1], "10.0.0.1 10.0.0.2 ", "then -D");
        NS_TEST_EXPECT_MSG_EQ(v[2], "\tah mode=any spi=4096(0x00001000) reqid=0(0x00000000)", "SA");
        NS_TEST_EXPECT_MSG_EQ(v[3], "\tA: hmac-md5  30313233 34353637 38396162 63646566", "key");
        NS_TEST_EXPECT_MSG_EQ(v[10], "\tsadb_seq=0 pid=42 refcnt=1", "pid option");
        NS_TEST_EXPECT_MSG_EQ(v[11], "0.0.0.0/0[any] 10.0.0.1[110] tcp", "then -DP, in first");
        NS_TEST_EXPECT_MSG_EQ(v[12], "\tin ipsec", "direction");
        NS_TEST_EXPECT_MSG_EQ(v[37],
                              "line 4: spdadd 10.0.0.1[110] 10.0.0.1[any] tcp -P out none is "
                              "shadowed by line 2 (spid 16388): it can never match",
                              "lint");
        NS_TEST_EXPECT_MSG_EQ(v[38],
                              "line 5: spdadd 10.0.0.1[any] 10.0.0.1[110] tcp -P in none is "
                              "shadowed by line 3 (spid 16389): it can never match",
                              "lint");

        // -c reads standard input; -n changes nothing.
        r = RunShell("'" + tool + "' -n -c -D -DP < '" + script + "'", err);
        NS_TEST_EXPECT_MSG_EQ(r.status, 0, "-n -c");
        NS_TEST_EXPECT_MSG_EQ(r.out, "No SAD entries.\nNo SPD entries.\n", "nothing loaded");
        r = RunShell("'" + tool + "' -f - -DP < '" + script + "'", err);
        NS_TEST_EXPECT_MSG_EQ(Has(r.out, "spid=16390 seq=0 pid=0"), true, "-f -: " << r.out);

        // A parse error: setkey's messages and status 1; what ran before stays.
        r = RunShell("'" + tool + "' -v -f '" + bad + "' -DP", err);
        NS_TEST_EXPECT_MSG_EQ(r.status, 1, "parse error");
        NS_TEST_EXPECT_MSG_EQ(Has(r.out, "parse failed, line 2.\n"), true, r.out);
        NS_TEST_EXPECT_MSG_EQ(
            Has(r.out, "10.0.0.1[any] 10.0.0.2[any] any\n\tout none\n"), true, "line 1 applied");
        NS_TEST_EXPECT_MSG_EQ(!Has(r.out, "\tin none"), true, "line 3 not");
        NS_TEST_EXPECT_MSG_EQ(Has(r.err, "1 executed, run aborted"), true, "-v: " << r.err);

        // Usage and unreadable files.
        r = RunShell("'" + tool + "'", err);
        NS_TEST_EXPECT_MSG_EQ(r.status, 1, "no mode: usage");
        NS_TEST_EXPECT_MSG_EQ(Has(r.err, "usage: ipsec-setkey"), true, r.err);
        r = RunShell("'" + tool + "' -X", err);
        NS_TEST_EXPECT_MSG_EQ(r.status, 1, "unknown option");
        r = RunShell("'" + tool + "' -f '" + dir + "/missing.conf'", err);
        NS_TEST_EXPECT_MSG_EQ(r.status, 1, "missing file");
        NS_TEST_EXPECT_MSG_EQ(Has(r.err, "No such file or directory"), true, r.err);
        // A dump alone is a valid run; -D -P is -DP, as in setkey.
        r = RunShell("'" + tool + "' -D -P", err);
        NS_TEST_EXPECT_MSG_EQ(r.status, 0, "-D -P");
        NS_TEST_EXPECT_MSG_EQ(r.out, "No SPD entries.\n", "-D -P dumps the SPD");

        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        Simulator::Destroy();
    }
};

#endif // NS3_IPSEC_BINARY_DIR

} // namespace

/// The SPD linter suite.
class IpsecLintTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecLintTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-lint", UNIT)
    {
        AddTestCase(new LintFaqTestCase, TestCase::QUICK);
        AddTestCase(new LintRulesTestCase, TestCase::QUICK);
        AddTestCase(new LintUnionTestCase, TestCase::QUICK);
        AddTestCase(new LintApiTestCase, TestCase::QUICK);
#ifdef NS3_IPSEC_BINARY_DIR
        AddTestCase(new LintToolTestCase, TestCase::QUICK);
#endif
    }
};

static IpsecLintTestSuite g_ipsecLintTestSuite;
