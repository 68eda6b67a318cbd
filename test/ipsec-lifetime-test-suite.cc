/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * SA add-time lifetimes in simulated time, as KAME's key_timehandler applies
 * them (see "SA lifetimes" in doc/ipsec.rst): soft expiry makes a used SA
 * dying (with an SADB_EXPIRE) and removes a never-used one silently; hard
 * expiry removes a dying SA silently; ages are whole seconds compared
 * strictly, so a lifetime of T ends at the first tick where the age is T + 1;
 * with soft >= hard the SA stays mature until the soft time and dies one tick
 * later.  Dying SAs are preferred on output.
 */
#include "ipsec-test-base.h"
#include "ns3/ipsec-module.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

using namespace ns3;

namespace
{

IpsecSaParams
Sa(uint32_t spi, uint64_t hard, uint64_t soft)
{
    IpsecSaParams p;
    p.src = *IpsecAddress::Parse("10.0.0.1");
    p.dst = *IpsecAddress::Parse("10.0.0.2");
    p.proto = IpsecProto::ESP;
    p.spi = spi;
    p.enc = FindEncAlgorithm("null");
    p.hasEncKey = true;
    p.hardAddTime = hard;
    p.softAddTime = soft;
    return p;
}

} // namespace

class LifetimeTestCase : public TestCase
{
  public:
    LifetimeTestCase()
        : TestCase("soft and hard add-time lifetimes, expire messages, dying preferred")
    {
    }

  private:
    void DoRun() override
    {
        auto sad = CreateObject<IpsecSad>();
        std::vector<std::pair<double, uint32_t>> expired;
        sad->SetExpireCallback(Callback<void, Ptr<IpsecSa>>(
            [&expired](Ptr<IpsecSa> sa)
            {
                expired.emplace_back(Simulator::Now().GetSeconds(), sa->params.spi);
            }));
        IpsecAddress a = *IpsecAddress::Parse("10.0.0.1");
        IpsecAddress b = *IpsecAddress::Parse("10.0.0.2");
        auto state = [&](uint32_t spi)
        {
            Ptr<IpsecSa> sa = sad->Get(a, b, IpsecProto::ESP, spi);
            return sa ? IpsecSaStateName(sa->state) : std::string("gone");
        };
        std::map<std::string, std::string> seen;
        auto look = [&](const std::string& when)
        {
            for (uint32_t spi : {1000u, 1001u, 1002u})
            {
                seen[when + "/" + std::to_string(spi)] = state(spi);
            }
        };
        Ptr<IpsecSa> preferredAt7;
        NS_TEST_ASSERT_MSG_EQ(sad->Add(Sa(1000, 10, 5)), 0, "never-used SA, -lh 10 -ls 5");
        NS_TEST_ASSERT_MSG_EQ(sad->Add(Sa(1001, 10, 5)), 0, "used SA, -lh 10 -ls 5");
        NS_TEST_ASSERT_MSG_EQ(sad->Add(Sa(1002, 5, 10)), 0, "-lh 5 -ls 10 (soft >= hard)");
        Simulator::Schedule(
            Seconds(1.5),
            [&]()
            {
                sad->Get(a, b, IpsecProto::ESP, 1001)->RecordUse(100, Simulator::Now());
                sad->Get(a, b, IpsecProto::ESP, 1002)->RecordUse(100, Simulator::Now());
            });
        for (double t : {5.5, 6.5, 10.5, 11.5, 12.5})
        {
            Simulator::Schedule(Seconds(t),
                                [&, t]()
                                {
                                    look(std::to_string(int(t * 10)));
                                });
        }
        Simulator::Schedule(Seconds(7),
                            [&]()
                            {
                                // A newer mature SA in the same head: the dying one is still
                                // preferred.
                                sad->Add(Sa(1003, 0, 0));
                                preferredAt7 = sad->SelectOutbound(
                                    a, b, IpsecProto::ESP, IpsecMode::TRANSPORT, 0);
                            });
        Simulator::Run(); // ends by itself: the timer stops when no SA has a lifetime left
        bool stopped = Simulator::Now() < Seconds(20);
        NS_TEST_EXPECT_MSG_EQ(stopped, true, "the lifetime timer stops");

        NS_TEST_EXPECT_MSG_EQ(seen["55/1000"], "mature", "age 5 is not > 5");
        NS_TEST_EXPECT_MSG_EQ(seen["65/1000"], "gone", "never used: removed at the soft time");
        NS_TEST_EXPECT_MSG_EQ(seen["55/1001"], "mature", "used, age 5");
        NS_TEST_EXPECT_MSG_EQ(seen["65/1001"], "dying", "used: dying at the soft time");
        NS_TEST_EXPECT_MSG_EQ(seen["105/1001"], "dying", "age 10 is not > 10");
        NS_TEST_EXPECT_MSG_EQ(seen["115/1001"], "gone", "hard expiry of the dying SA");
        NS_TEST_EXPECT_MSG_EQ(seen["105/1002"], "mature", "soft 10 > hard 5: still mature");
        NS_TEST_EXPECT_MSG_EQ(seen["115/1002"], "dying", "dying at the soft time");
        NS_TEST_EXPECT_MSG_EQ(seen["125/1002"], "gone", "and dead one tick later");
        NS_TEST_ASSERT_MSG_EQ(expired.size(), 2u, "SADB_EXPIRE for the used SAs only");
        NS_TEST_EXPECT_MSG_EQ(expired[0].first, 6.0, "first expire at the tick of age 6");
        NS_TEST_EXPECT_MSG_EQ(expired[0].second, 1001u, "for SPI 1001");
        NS_TEST_EXPECT_MSG_EQ(expired[1].first, 11.0, "then SPI 1002 at age 11");
        NS_TEST_ASSERT_MSG_NE(preferredAt7, nullptr, "an SA is chosen");
        NS_TEST_EXPECT_MSG_EQ(preferredAt7->params.spi, 1001u, "dying preferred over mature");
        Simulator::Destroy();
    }
};

/// net.key.larval_lifetime: a GETSPI SA nobody updates is gone after it (the FAQ's IKE warning).
class LarvalLifetimeTestCase : public TestCase
{
  public:
    LarvalLifetimeTestCase()
        : TestCase("larval SAs expire after net.key.larval_lifetime")
    {
    }

  private:
    void DoRun() override
    {
        auto sad = CreateObject<IpsecSad>();
        sad->SetAttribute("LarvalLifetime", UintegerValue(30));
        IpsecAddress a = *IpsecAddress::Parse("10.0.0.1");
        IpsecAddress b = *IpsecAddress::Parse("10.0.0.2");
        uint32_t spi = 0;
        NS_TEST_ASSERT_MSG_EQ(
            sad->GetSpi(a, b, IpsecProto::ESP, IpsecMode::ANY, 0, 0x100, 0x0fffffff, &spi),
            0,
            "GETSPI");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(spi, 0x100u, "SPI in the kernel's range");
        uint32_t second = 0;
        sad->GetSpi(a, b, IpsecProto::ESP, IpsecMode::ANY, 0, 0x100, 0x0fffffff, &second);
        NS_TEST_EXPECT_MSG_NE(second, spi, "a different SPI for the second request");
        std::string at30;
        std::string at31;
        Simulator::Schedule(Seconds(30.5),
                            [&]()
                            {
                                at30 = sad->Get(a, b, IpsecProto::ESP, spi) ? "there" : "gone";
                            });
        Simulator::Schedule(Seconds(31.5),
                            [&]()
                            {
                                at31 = sad->Get(a, b, IpsecProto::ESP, spi) ? "there" : "gone";
                            });
        Simulator::Run();
        NS_TEST_EXPECT_MSG_EQ(at30, "there", "age 30 is not > 30");
        NS_TEST_EXPECT_MSG_EQ(at31, "gone", "removed at age 31");
        NS_TEST_EXPECT_MSG_EQ(sad->GetN(), 0u, "both larval SAs gone");
        Simulator::Destroy();
    }
};

class IpsecLifetimeTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecLifetimeTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-lifetime", UNIT)
    {
        AddTestCase(new LifetimeTestCase, TestCase::QUICK);
        AddTestCase(new LarvalLifetimeTestCase, TestCase::QUICK);
    }
};

static IpsecLifetimeTestSuite g_ipsecLifetimeTestSuite;
