/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The SAD's hash indexes against KAME's linear walks.  IpsecSad finds SA
 * heads through a hash of (source, destination, protocol) and inbound SAs
 * through a hash of (destination, protocol, SPI); KAME's key_getsah,
 * key_getsavbyspi, key_allocsa and key_checkspidup walk the list of heads.
 * Thousands of random operations (add, GETSPI with a fixed or a random SPI,
 * UPDATE, delete, delete-all, kill, flush by protocol, lifetimes expiring
 * and SAs being used) run inside a simulation; after each, every lookup is
 * compared with a linear walk of the heads written here, in the order
 * setkey -D dumps them (IpsecSad::GetHeads, newest first).
 */
#include "ipsec-test-base.h"
#include "ns3/ipsec-algorithms.h"
#include "ns3/ipsec-sad.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cerrno>
#include <random>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

constexpr IpsecSaState kLive[] = {IpsecSaState::LARVAL, IpsecSaState::MATURE, IpsecSaState::DYING};

/// key_getsah by a walk of the heads in list order.
Ptr<IpsecSaHead>
RefFindHead(const IpsecSad& sad,
            const IpsecAddress& src,
            const IpsecAddress& dst,
            IpsecProto proto,
            IpsecMode mode,
            uint32_t reqid)
{
    for (const auto& h : sad.GetHeads())
    {
        if (h->proto == proto && h->src == src && h->dst == dst
            && (h->mode == IpsecMode::ANY || h->mode == mode) && (reqid == 0 || h->reqid == reqid))
        {
            return h;
        }
    }
    return nullptr;
}

/// key_getsavbyspi: the first live SA of the pair with this SPI, heads in
/// list order, states larval, mature, dying.
Ptr<IpsecSa>
RefGet(const IpsecSad& sad,
       const IpsecAddress& src,
       const IpsecAddress& dst,
       IpsecProto proto,
       uint32_t spi)
{
    for (const auto& h : sad.GetHeads())
    {
        if (h->proto != proto || h->src != src || h->dst != dst)
        {
            continue;
        }
        for (auto st : kLive)
        {
            for (const auto& sa : h->sas[static_cast<int>(st)])
            {
                if (sa->params.spi == spi)
                {
                    return sa;
                }
            }
        }
    }
    return nullptr;
}

/// The live SAs of every head with this destination and protocol and SPI.
std::vector<Ptr<IpsecSa>>
RefBySpi(const IpsecSad& sad, const IpsecAddress& dst, IpsecProto proto, uint32_t spi)
{
    std::vector<Ptr<IpsecSa>> out;
    for (const auto& h : sad.GetHeads())
    {
        if (h->proto != proto || h->dst != dst)
        {
            continue;
        }
        for (auto st : kLive)
        {
            for (const auto& sa : h->sas[static_cast<int>(st)])
            {
                if (sa->params.spi == spi)
                {
                    out.push_back(sa);
                }
            }
        }
    }
    return out;
}

/**
 * Random SAD operations, each followed by a comparison of every lookup with
 * the linear walks above.
 */
class SadIndexEquivalenceTestCase : public TestCase
{
  public:
    SadIndexEquivalenceTestCase()
        : TestCase("SAD hash indexes give what KAME's walks of the heads give")
    {
    }

  private:
    void DoRun() override;
    void Step();
    void Check();
    IpsecSaParams RandomParams();

    template <typename T>
    const T& Pick(const std::vector<T>& v)
    {
        return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(m_rng)];
    }

    uint32_t Roll(uint32_t n)
    {
        return std::uniform_int_distribution<uint32_t>(0, n - 1)(m_rng);
    }

    std::mt19937 m_rng{20261206};
    Ptr<IpsecSad> m_sad;
    std::vector<IpsecAddress> m_v4;
    std::vector<IpsecAddress> m_v6;
    std::vector<uint32_t> m_spis{256, 257, 258, 300, 301, 4000, 65535};
    uint32_t m_steps{0};
    uint32_t m_checks{0};
    // How often the interesting cases came up, so the test cannot pass on an
    // SAD that stays empty or never has competing entries.
    uint32_t m_added{0};
    uint32_t m_headsShared{0};
    uint32_t m_spiShared{0};
    uint32_t m_dying{0};
    uint32_t m_larval{0};
    uint32_t m_getSpiTaken{0};
};

IpsecSaParams
SadIndexEquivalenceTestCase::RandomParams()
{
    IpsecSaParams p;
    const auto& pool = Roll(4) == 0 ? m_v6 : m_v4;
    p.src = Pick(pool);
    p.dst = Pick(pool);
    p.proto = std::vector<IpsecProto>{
        IpsecProto::ESP, IpsecProto::ESP, IpsecProto::AH, IpsecProto::IPCOMP}[Roll(4)];
    p.spi = Pick(m_spis);
    p.mode
        = std::vector<IpsecMode>{IpsecMode::ANY, IpsecMode::TRANSPORT, IpsecMode::TUNNEL}[Roll(3)];
    p.reqid = Roll(3);
    switch (p.proto)
    {
        case IpsecProto::ESP:
            p.enc = FindEncAlgorithm("aes-gcm-16");
            p.encKey.assign(20, 0x5a);
            p.hasEncKey = true;
            break;
        case IpsecProto::AH:
            p.auth = FindAuthAlgorithm("hmac-sha1");
            p.authKey.assign(20, 0xa5);
            break;
        default:
            p.comp = FindCompAlgorithm("deflate");
            break;
    }
    if (Roll(3) == 0)
    {
        p.softAddTime = 1 + Roll(3);
        p.hardAddTime = p.softAddTime + 1 + Roll(3);
    }
    return p;
}

void
SadIndexEquivalenceTestCase::Step()
{
    ++m_steps;
    IpsecSaParams p = RandomParams();
    std::string why;
    switch (Roll(10))
    {
        case 0:
        case 1:
        case 2:
        {
            // SADB_ADD: refused exactly when the head KAME finds has the SPI.
            Ptr<IpsecSaHead> head = RefFindHead(*m_sad, p.src, p.dst, p.proto, p.mode, p.reqid);
            bool dup = false;
            if (head)
            {
                for (auto st : kLive)
                {
                    for (const auto& sa : head->sas[static_cast<int>(st)])
                    {
                        dup = dup || sa->params.spi == p.spi;
                    }
                }
            }
            int rc = m_sad->Add(p, &why);
            NS_TEST_ASSERT_MSG_EQ(rc, (dup ? EEXIST : 0), "add: " << why);
            m_added += rc == 0;
            break;
        }
        case 3:
        {
            // GETSPI with one SPI: EEXIST exactly when a live SA of any head
            // with this destination and protocol has it (key_checkspidup).
            bool taken = !RefBySpi(*m_sad, p.dst, p.proto, p.spi).empty();
            uint32_t spi = 0;
            int rc = m_sad->GetSpi(p.src, p.dst, p.proto, p.mode, p.reqid, p.spi, p.spi, &spi);
            NS_TEST_ASSERT_MSG_EQ(rc, (taken ? EEXIST : 0), "getspi " << p.spi);
            m_getSpiTaken += taken;
            if (rc == 0)
            {
                NS_TEST_ASSERT_MSG_EQ(spi, p.spi, "getspi chose the only SPI it may");
            }
            break;
        }
        case 4:
        {
            // GETSPI in a small range: the SPI chosen was free.
            uint32_t spi = 0;
            int rc = m_sad->GetSpi(p.src, p.dst, p.proto, p.mode, p.reqid, 256, 262, &spi);
            if (rc == 0)
            {
                NS_TEST_ASSERT_MSG_EQ(RefBySpi(*m_sad, p.dst, p.proto, spi).size(),
                                      1,
                                      "the chosen SPI is held by the new larval SA alone");
            }
            break;
        }
        case 5:
        {
            // UPDATE of a larval SA of the head the walk finds, if any.
            Ptr<IpsecSaHead> head = RefFindHead(*m_sad, p.src, p.dst, p.proto, p.mode, p.reqid);
            if (head && !head->sas[static_cast<int>(IpsecSaState::LARVAL)].empty())
            {
                Ptr<IpsecSa> larval = head->sas[static_cast<int>(IpsecSaState::LARVAL)].back();
                p.spi = larval->params.spi;
                int rc = m_sad->Update(p, 0, &why);
                NS_TEST_ASSERT_MSG_EQ(rc, 0, "update: " << why);
                NS_TEST_ASSERT_MSG_EQ(
                    (larval->state == IpsecSaState::DEAD), true, "larval replaced");
            }
            break;
        }
        case 6:
        {
            Ptr<IpsecSa> victim = RefGet(*m_sad, p.src, p.dst, p.proto, p.spi);
            int rc = m_sad->Delete(p.src, p.dst, p.proto, p.spi);
            NS_TEST_ASSERT_MSG_EQ(rc, (victim ? 0 : ENOENT), "delete");
            if (victim)
            {
                NS_TEST_ASSERT_MSG_EQ(
                    (victim->state == IpsecSaState::DEAD), true, "deleted SA dead");
            }
            break;
        }
        case 7:
        {
            if (Roll(4) == 0)
            {
                m_sad->DeleteAll(p.src, p.dst, p.proto);
                for (uint32_t spi : m_spis)
                {
                    Ptr<IpsecSa> left = RefGet(*m_sad, p.src, p.dst, p.proto, spi);
                    NS_TEST_ASSERT_MSG_EQ((!left || left->state == IpsecSaState::LARVAL),
                                          true,
                                          "deleteall leaves only larval SAs");
                }
            }
            else if (Ptr<IpsecSa> sa = RefGet(*m_sad, p.src, p.dst, p.proto, p.spi))
            {
                m_sad->Kill(sa);
                NS_TEST_ASSERT_MSG_EQ((sa->state == IpsecSaState::DEAD), true, "killed SA dead");
            }
            break;
        }
        case 8:
        {
            // Traffic: an SA that carried some does not die silently at its
            // soft lifetime, it becomes dying.
            if (Ptr<IpsecSa> sa = m_sad->LookupInbound(p.dst, p.proto, p.spi))
            {
                sa->RecordUse(100, Simulator::Now());
            }
            break;
        }
        default:
            if (Roll(20) == 0)
            {
                m_sad->Flush(false, p.proto);
            }
            break;
    }
    Check();
    if (m_steps < 4000)
    {
        Simulator::Schedule(MilliSeconds(3), &SadIndexEquivalenceTestCase::Step, this);
    }
}

void
SadIndexEquivalenceTestCase::Check()
{
    uint32_t n = 0;
    for (const auto& h : m_sad->GetHeads())
    {
        for (const auto& list : h->sas)
        {
            n += list.size();
        }
        m_dying += h->sas[static_cast<int>(IpsecSaState::DYING)].size();
        m_larval += h->sas[static_cast<int>(IpsecSaState::LARVAL)].size();
    }
    NS_TEST_ASSERT_MSG_EQ(m_sad->GetN(), n, "GetN counts every SA of every head");
    for (int k = 0; k < 12; ++k)
    {
        IpsecSaParams p = RandomParams();
        ++m_checks;
        NS_TEST_ASSERT_MSG_EQ(m_sad->FindHead(p.src, p.dst, p.proto, p.mode, p.reqid),
                              RefFindHead(*m_sad, p.src, p.dst, p.proto, p.mode, p.reqid),
                              "FindHead differs from the walk of the heads");
        NS_TEST_ASSERT_MSG_EQ(m_sad->Get(p.src, p.dst, p.proto, p.spi),
                              RefGet(*m_sad, p.src, p.dst, p.proto, p.spi),
                              "Get differs from the walk of the heads");
        // key_allocsa: a dying SA if there is one, else a mature one.
        std::vector<Ptr<IpsecSa>> all = RefBySpi(*m_sad, p.dst, p.proto, p.spi);
        uint32_t dying = 0;
        uint32_t mature = 0;
        for (const auto& sa : all)
        {
            dying += sa->state == IpsecSaState::DYING;
            mature += sa->state == IpsecSaState::MATURE;
        }
        m_spiShared += (dying + mature) > 1;
        Ptr<IpsecSa> got = m_sad->LookupInbound(p.dst, p.proto, p.spi);
        if (dying + mature == 0)
        {
            NS_TEST_ASSERT_MSG_EQ(got, nullptr, "LookupInbound found an SA the walk does not");
            continue;
        }
        NS_TEST_ASSERT_MSG_NE(got, nullptr, "LookupInbound missed a usable SA");
        NS_TEST_ASSERT_MSG_EQ((std::find(all.begin(), all.end(), got) != all.end()),
                              true,
                              "LookupInbound returned an SA of another key");
        NS_TEST_ASSERT_MSG_EQ((got->state == (dying ? IpsecSaState::DYING : IpsecSaState::MATURE)),
                              true,
                              "LookupInbound prefers a dying SA");
        // Heads of the same pair and protocol that compete (mode or reqid).
        uint32_t sameKey = 0;
        for (const auto& h : m_sad->GetHeads())
        {
            sameKey += h->proto == p.proto && h->src == p.src && h->dst == p.dst;
        }
        m_headsShared += sameKey > 1;
    }
}

void
SadIndexEquivalenceTestCase::DoRun()
{
    for (const char* a : {"10.0.0.1", "10.0.0.2", "10.0.0.3", "192.168.1.1"})
    {
        m_v4.push_back(*IpsecAddress::Parse(a));
    }
    for (const char* a : {"2001:db8::1", "2001:db8::2"})
    {
        m_v6.push_back(*IpsecAddress::Parse(a));
    }
    m_sad = CreateObject<IpsecSad>();
    m_sad->SetAttribute("LarvalLifetime", UintegerValue(2));
    Simulator::Schedule(Seconds(0), &SadIndexEquivalenceTestCase::Step, this);
    Simulator::Run();
    Simulator::Destroy();
    NS_TEST_ASSERT_MSG_EQ(m_steps, 4000, "every step ran");
    // Not vacuous: the random SAD had SAs in every state and competing keys.
    NS_TEST_ASSERT_MSG_GT(m_added, 400, "SAs added");
    NS_TEST_ASSERT_MSG_GT(m_headsShared, 200, "lookups where heads shared a pair");
    NS_TEST_ASSERT_MSG_GT(m_spiShared, 50, "lookups where usable SAs shared an SPI");
    NS_TEST_ASSERT_MSG_GT(m_dying, 100, "dying SAs seen");
    NS_TEST_ASSERT_MSG_GT(m_larval, 100, "larval SAs seen");
    NS_TEST_ASSERT_MSG_GT(m_getSpiTaken, 20, "GETSPIs refused for a taken SPI");
    NS_TEST_ASSERT_MSG_GT(m_checks, 40000, "lookups compared");
    m_sad = nullptr;
}

/// The suite.
class IpsecSadIndexTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecSadIndexTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-sad-index", UNIT)
    {
        AddTestCase(new SadIndexEquivalenceTestCase, TestCase::QUICK);
    }
};

IpsecSadIndexTestSuite g_ipsecSadIndexTestSuite;

} // namespace
