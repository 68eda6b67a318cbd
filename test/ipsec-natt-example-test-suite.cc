/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The ipsec-natt example's story, from its output: two road warriors behind
 * a NAT bring their tunnels up through it (NAT-T, UDP-encapsulated SAs with
 * the NAT's ports at the gateway) and carry ping, UDP echo and TCP both
 * ways; racoon's keepalives hold the NAT's mappings through the silence;
 * without them the mappings expire and the outcome is the one worked out
 * from the timeline below.
 */
#include "ipsec-test-base.h"
#include "ipsec-test-util.h"
#include "ns3/test.h"

#include <regex>
#include <string>

using namespace ns3;
using namespace ns3::ipsectest;

namespace
{

/// The "sent of total" of the flow line "flow NAME FROM -> TO: R of S ...",
/// the @p nth (from 0) such line; -1 when there is none.
std::pair<long, long>
Flow(const std::string& out, const std::string& name, int nth = 0)
{
    std::regex re("flow " + name + ": ([0-9]+) of ([0-9]+) ");
    auto it = std::sregex_iterator(out.begin(), out.end(), re);
    for (int i = 0; it != std::sregex_iterator(); ++it, ++i)
    {
        if (i == nth)
        {
            return {std::stol((*it)[1]), std::stol((*it)[2])};
        }
    }
    return {-1, -1};
}

/// The number after @p label in @p out (e.g. "in_nosa "), or -1.
long
Number(const std::string& out, const std::string& label)
{
    std::smatch m;
    if (std::regex_search(out, m, std::regex(label + "([0-9]+)")))
    {
        return std::stol(m[1]);
    }
    return -1;
}

} // namespace

/**
 * The example's runs.  Timeline (the example's header): each road warrior
 * pings at 1 s (the first ping meets no SA), sends 5 pings, 5 echoes and
 * 200 kB at 10 s; the server the same towards it at 40 s; from 120 s the
 * server pings each road warrior once a second for 60 s; rw1 pings at 150
 * s, rw2 at 155 s.  With keepalives every 20 s and a NAT UDP timeout of 30
 * s everything arrives.  Without keepalives the mappings made by the
 * traffic up to about 50 s expire by about 80 s: the server's 60 probes
 * die at the NAT until rw1's ping at 150 s makes a new mapping -- with the
 * same outside port 4500 (free again, port preservation), so the gateway's
 * SA still matches: 30 of rw1's probes (150-179 s) are answered.  rw2's new
 * mapping gets another port than the one its SAs name (sequential
 * allocation goes on past it), so the gateway refuses all 5 of its pings
 * (in_nosa) and none of the probes to it arrive; with racoon's lifetimes
 * at 150 s it comes back once a new phase 1 is negotiated (below).
 */
class NattExampleTestCase : public ExampleTestCase
{
  public:
    NattExampleTestCase()
        : ExampleTestCase("ipsec-natt: through the NAT both ways, keepalives, mapping expiry")
    {
    }

  private:
    void DoRun() override
    {
#ifdef NS3_IPSEC_BINARY_DIR // the standalone build (test/CMakeLists.txt)
        std::string binary = std::string(NS3_IPSEC_BINARY_DIR) + "/examples/ipsec-natt";
#else // contrib/ipsec in an ns-3 source tree: the examples are ns-3's
        std::string binary;
        ReportSkip("ipsec-natt-example",
                   "\"" + GetName() + "\": it runs the standalone build's example program");
        return;
#endif
        TempDir tmp("natt-example");
        RunResult r;
        if (!RunExample({binary}, tmp, r))
        {
            return;
        }
        const std::string& out = r.out;
        for (const char* host : {"rw1", "rw2"})
        {
            std::string h(host);
            NS_TEST_EXPECT_MSG_EQ(Flow(out, "ping " + h + " -> server").first,
                                  2,
                                  h << ": the first ping waits for the SAs");
            for (const std::string& f : {"ping " + h + " -> server",
                                         "udp-echo " + h + " -> server",
                                         "tcp " + h + " -> server",
                                         "ping server -> " + h,
                                         "udp-echo server -> " + h,
                                         "tcp server -> " + h})
            {
                int nth = f.rfind("ping " + h, 0) == 0 ? 1 : 0;
                auto [got, sent] = Flow(out, f, nth);
                NS_TEST_EXPECT_MSG_GT(sent, 0, f << " ran");
                NS_TEST_EXPECT_MSG_EQ(got, sent, f << " all delivered");
            }
            NS_TEST_EXPECT_MSG_EQ(Flow(out, "ping server -> " + h, 1).first,
                                  60,
                                  h << ": every probe through the silence answered");
        }
        NS_TEST_EXPECT_MSG_EQ(
            Number(out, "dropped for want of a mapping "), 0, "the NAT kept both");
        NS_TEST_EXPECT_MSG_EQ(Number(out, "in_nosa "), 0, "the gateway matched every ESP");
        NS_TEST_EXPECT_MSG_GT(Number(out, "NAT keepalives received "), 0, "keepalives arrived");
        // The gateway's SAs name the NAT's address and the ports it gave.
        NS_TEST_EXPECT_MSG_NE(out.find("198.51.100.1[4500] 198.51.100.2[4500] \n\tesp-udp "),
                              std::string::npos,
                              "rw1's SA at the gateway: the NAT's address, port 4500");
        NS_TEST_EXPECT_MSG_NE(
            out.find("esp-udp mode=tunnel"), std::string::npos, "UDP-encapsulated tunnel SAs");

        // No keepalives.
        RunResult q;
        if (!RunExample({binary, "--keepalive=0"}, tmp, q))
        {
            return;
        }
        NS_TEST_EXPECT_MSG_EQ(Flow(q.out, "ping server -> rw1", 1).first,
                              30,
                              "rw1: probes answered once it spoke again at 150 s");
        NS_TEST_EXPECT_MSG_EQ(Flow(q.out, "ping server -> rw2", 1).first, 0, "rw2 cut off");
        NS_TEST_EXPECT_MSG_EQ(Flow(q.out, "ping rw2 -> server", 2).first, 0, "both ways");
        NS_TEST_EXPECT_MSG_EQ(Number(q.out, "in_nosa "), 5, "rw2's 5 pings from a new port");
        NS_TEST_EXPECT_MSG_GT(
            Number(q.out, "dropped for want of a mapping "), 0, "the probes died at the NAT");
        NS_TEST_EXPECT_MSG_EQ(Number(q.out, "NAT keepalives received "), 0, "none sent");

        // No keepalives, racoon's lifetimes 150 s: rw2's rekey over its old
        // ISAKMP SA at the soft lifetime (123 s) fails (the gateway answers
        // at the old port: racoon floats an ISAKMP SA's ports only once), so
        // its quick mode 1 is resent at 133 and 143 s and given up at 153 s
        // (phase2 wait 30 s); its ISAKMP SA and old SAs are gone at 151.6 s,
        // and its ping at 155 s (lost: it makes the kernel ACQUIRE) starts a
        // new phase 1 through the NAT's current mapping.  The other 4 pings
        // and the server's probes from 155.5 s (25 of 60) are answered.
        RunResult l;
        if (!RunExample(
                {binary, "--keepalive=0", "--ph1Lifetime=150", "--ph2Lifetime=150"}, tmp, l))
        {
            return;
        }
        auto late = Flow(l.out, "ping rw2 -> server", 2);
        NS_TEST_EXPECT_MSG_EQ(late.first, 4, "rw2 back: 4 of its 5 pings at 155 s");
        NS_TEST_EXPECT_MSG_EQ(late.second, 5, "rw2 sent 5");
        NS_TEST_EXPECT_MSG_EQ(
            Flow(l.out, "ping server -> rw2", 1).first, 25, "the probes from 155.5 s");
        NS_TEST_EXPECT_MSG_NE(
            l.out.find("rw2 racoon: phase 1 established 2, phase 2 established 2,"),
            std::string::npos,
            "rw2: a second phase 1 and a second phase 2");
        NS_TEST_EXPECT_MSG_EQ(
            std::regex_search(l.out, std::regex("rw2 racoon: [^\n]*retransmissions 2,")),
            true,
            "rw2's failed quick mode 1 resent twice");
        NS_TEST_EXPECT_MSG_NE(l.out.find("gw racoon: phase 1 established 3,"),
                              std::string::npos,
                              "the gateway: rw1's, rw2's and rw2's new ISAKMP SA");

        // One road warrior: the same recovery.
        RunResult one;
        if (!RunExample({binary, "--keepalive=0", "--roadWarriors=1"}, tmp, one))
        {
            return;
        }
        NS_TEST_EXPECT_MSG_EQ(Flow(one.out, "ping server -> rw1", 1).first, 30, "rw1 alone");
        NS_TEST_EXPECT_MSG_EQ(one.out.find("rw2"), std::string::npos, "no rw2");
    }
};

/// The suite.
class IpsecNattExampleTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecNattExampleTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-natt-example", UNIT)
    {
        AddTestCase(new NattExampleTestCase, TestCase::QUICK);
    }
};

/// The suite's instance.
static IpsecNattExampleTestSuite g_ipsecNattExampleTestSuite;
