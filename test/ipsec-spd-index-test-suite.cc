/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The SPD's index against the lists it replaces for lookups: IpsecSpd::Lookup
 * must return what KAME's key_allocsp returns, the first policy of the
 * direction in insertion order whose selector matches the packet
 * (IpsecSelector::Matches, which ipsec-core tests on its own), and
 * IpsecSpd::FindInboundTunnel what key_gettunnel's walk of the inbound
 * policies returns.  Both references are written here as the linear walks
 * over a list the test keeps itself.  Policy sets and packets are random
 * (an ns-3 random stream), drawn from small pools of addresses, prefixes,
 * ports and protocols so that many policies overlap and many packets match
 * several policies; spdadd, spddelete, spddelete2, re-adds and spdflush are
 * interleaved with the lookups, with the lookup cache off, tiny and at its
 * default size.  Counters assert that the sets exercised what they claim.
 */
#include "ipsec-test-base.h"
#include "ns3/boolean.h"
#include "ns3/ipsec-policy.h"
#include "ns3/ipsec-spd.h"
#include "ns3/log.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cerrno>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecSpdIndexTest");

namespace
{

/// The random choices of a test, from one ns-3 stream.
class Draw
{
  public:
    explicit Draw(int64_t stream)
        : m_rng(CreateObject<UniformRandomVariable>())
    {
        m_rng->SetStream(stream);
    }

    /// A number in [0, n).
    uint32_t Below(uint32_t n)
    {
        return m_rng->GetInteger(0, n - 1);
    }

    /// True with probability @p p.
    bool Chance(double p)
    {
        return m_rng->GetValue(0.0, 1.0) < p;
    }

    /// One of @p items.
    template <typename T>
    const T& Pick(const std::vector<T>& items)
    {
        return items[Below(items.size())];
    }

  private:
    Ptr<UniformRandomVariable> m_rng;
};

IpsecAddress
A(const char* text)
{
    return *IpsecAddress::Parse(text);
}

/// Addresses that share long prefixes, so that prefixes of every length overlap.
const std::vector<IpsecAddress>&
Pool(bool inet6)
{
    static const std::vector<IpsecAddress> v4 = {A("10.0.0.0"),
                                                 A("10.0.0.1"),
                                                 A("10.0.0.5"),
                                                 A("10.0.0.7"),
                                                 A("10.0.1.0"),
                                                 A("10.0.1.9"),
                                                 A("10.0.255.1"),
                                                 A("10.1.0.1"),
                                                 A("10.128.2.3"),
                                                 A("192.168.0.1"),
                                                 A("192.168.0.2")};
    static const std::vector<IpsecAddress> v6 = {A("fd00::"),
                                                 A("fd00::1"),
                                                 A("fd00::5"),
                                                 A("fd00::7"),
                                                 A("fd00::1:0"),
                                                 A("fd00::1:9"),
                                                 A("fd00:0:0:1::1"),
                                                 A("fd00:8000::1"),
                                                 A("fd01::1"),
                                                 A("2001:db8::1"),
                                                 A("2001:db8::2")};
    return inet6 ? v6 : v4;
}

/// An address with the bytes from @p from on replaced by random ones.
IpsecAddress
Scramble(Draw& d, const IpsecAddress& a, uint32_t from)
{
    uint8_t b[16];
    std::copy(a.Bytes(), a.Bytes() + a.Size(), b);
    for (uint32_t i = from; i < a.Size(); ++i)
    {
        b[i] = static_cast<uint8_t>(d.Below(256));
    }
    if (a.IsV4())
    {
        return IpsecAddress(Ipv4Address::Deserialize(b));
    }
    return IpsecAddress(Ipv6Address(b));
}

/// A prefix length: often one that splits the pool, else any.
uint8_t
Prefix(Draw& d, bool v6)
{
    static const std::vector<uint8_t> v4 = {0, 8, 9, 15, 16, 23, 24, 25, 29, 30, 31, 32, 32};
    static const std::vector<uint8_t> v6s
        = {0, 7, 8, 16, 17, 32, 64, 96, 111, 112, 125, 127, 128, 128};
    if (d.Chance(0.5))
    {
        return d.Pick(v6 ? v6s : v4);
    }
    return static_cast<uint8_t>(d.Below(v6 ? 129 : 33));
}

/// A policy address: a pool address, sometimes with random bits past the prefix.
IpsecAddress
PolicyAddress(Draw& d, bool v6, uint8_t prefix)
{
    IpsecAddress a = d.Pick(Pool(v6));
    if (d.Chance(0.3))
    {
        a = Scramble(d, a, (prefix + 7) / 8);
    }
    return a;
}

/// A packet address: mostly a pool address, else one with a random last byte.
IpsecAddress
PacketAddress(Draw& d, bool v6)
{
    IpsecAddress a = d.Pick(Pool(v6));
    if (d.Chance(0.2))
    {
        a = Scramble(d, a, a.Size() - 1);
    }
    return a;
}

const std::vector<IpsecAddress>&
Endpoints(bool inet6)
{
    static const std::vector<IpsecAddress> v4
        = {A("192.0.2.1"), A("192.0.2.2"), A("192.0.2.3"), A("10.0.0.1")};
    static const std::vector<IpsecAddress> v6
        = {A("2001:db8:f::1"), A("2001:db8:f::2"), A("2001:db8:f::3"), A("fd00::1")};
    return inet6 ? v6 : v4;
}

IpsecRequest
Request(Draw& d, bool v6, bool tunnel)
{
    static const std::vector<IpsecProto> protos
        = {IpsecProto::ESP, IpsecProto::ESP, IpsecProto::AH, IpsecProto::IPCOMP};
    IpsecRequest r;
    r.proto = d.Pick(protos);
    r.mode = tunnel ? IpsecMode::TUNNEL : IpsecMode::TRANSPORT;
    r.level = d.Chance(0.2) ? IpsecLevel::UNIQUE : IpsecLevel::REQUIRE;
    if (tunnel)
    {
        r.tunnelSrc = d.Pick(Endpoints(v6));
        r.tunnelDst = d.Pick(Endpoints(v6));
    }
    return r;
}

/// A random policy for spdadd (valid: key_spdadd accepts it unless it is a duplicate).
Ptr<IpsecPolicy>
RandomPolicy(Draw& d, bool inboundOnly = false, bool tunnels = false)
{
    static const std::vector<uint16_t> ports = {0, 0, 0, 0, 0, 0, 500, 1000, 4500};
    static const std::vector<uint8_t> protos
        = {IPSEC_ULPROTO_ANY, IPSEC_ULPROTO_ANY, IPSEC_ULPROTO_ANY, 6, 17, 58};
    bool v6 = d.Chance(0.4);
    auto p = Create<IpsecPolicy>();
    IpsecSelector& s = p->selector;
    s.prefs = Prefix(d, v6);
    s.prefd = Prefix(d, v6);
    s.src = PolicyAddress(d, v6, s.prefs);
    s.dst = PolicyAddress(d, v6, s.prefd);
    s.ulproto = d.Pick(protos);
    if (!tunnels || d.Chance(0.2))
    {
        s.sport = d.Pick(ports);
        s.dport = d.Pick(ports);
    }
    p->direction
        = inboundOnly || d.Chance(0.5) ? IpsecDirection::INBOUND : IpsecDirection::OUTBOUND;
    uint32_t kind = d.Below(tunnels ? 8 : 3);
    if (kind == 0)
    {
        p->action = IpsecPolicyAction::DISCARD;
    }
    else if (kind == 1)
    {
        p->action = IpsecPolicyAction::NONE;
    }
    else
    {
        p->action = IpsecPolicyAction::IPSEC;
        // key_spdadd: a tunnel request needs a selector without ports (but ICMPv6's).
        bool tunnelOk = (s.sport == 0 && s.dport == 0) || s.ulproto == 58;
        uint32_t n = tunnels ? 1 + d.Below(3) : 1;
        for (uint32_t i = 0; i < n; ++i)
        {
            bool tunnel = tunnelOk && d.Chance(tunnels ? 0.75 : 0.5);
            // Some tunnels carry the other family (MixedFamilyTunnels).
            bool endpointsV6 = tunnel && tunnels && d.Chance(0.15) ? !v6 : v6;
            p->requests.push_back(Request(d, endpointsV6, tunnel));
        }
    }
    return p;
}

/// A random packet selector (full prefixes), rarely with odd fields.
IpsecSelector
RandomPacket(Draw& d)
{
    static const std::vector<uint16_t> ports = {500, 1000, 4500, 80, 500, 1000, 4500, 0};
    static const std::vector<uint8_t> protos = {6, 17, 58, 1, 6, 17, IPSEC_ULPROTO_ANY};
    bool v6 = d.Chance(0.4);
    IpsecSelector s;
    s.src = PacketAddress(d, v6);
    s.dst = PacketAddress(d, d.Chance(0.02) ? !v6 : v6); // a mixed pair matches nothing
    s.prefs = s.src.GetBits();
    s.prefd = s.dst.GetBits();
    s.sport = d.Pick(ports);
    s.dport = d.Pick(ports);
    s.ulproto = d.Pick(protos);
    return s;
}

/**
 * A packet inside the selector of @p p: its prefixes completed with the bits
 * of pool addresses (so that it often falls in other policies too), its
 * ports and protocol where it names them.
 */
IpsecSelector
PacketIn(Draw& d, const IpsecSelector& p)
{
    auto fill = [&d](const IpsecAddress& net, uint8_t prefix)
    {
        IpsecAddress other = PacketAddress(d, net.IsV6());
        uint8_t b[16];
        for (uint32_t i = 0; i < net.Size(); ++i)
        {
            uint32_t bits = prefix > 8 * i ? std::min<uint32_t>(8, prefix - 8 * i) : 0;
            auto mask = static_cast<uint8_t>(bits == 0 ? 0 : 0xff << (8 - bits));
            b[i] = static_cast<uint8_t>((net.Bytes()[i] & mask) | (other.Bytes()[i] & ~mask));
        }
        return net.IsV4() ? IpsecAddress(Ipv4Address::Deserialize(b))
                          : IpsecAddress(Ipv6Address(b));
    };
    IpsecSelector s = RandomPacket(d);
    s.src = fill(p.src, p.prefs);
    s.dst = fill(p.dst, p.prefd);
    s.prefs = s.src.GetBits();
    s.prefd = s.dst.GetBits();
    s.sport = p.sport != 0 ? p.sport : s.sport;
    s.dport = p.dport != 0 ? p.dport : s.dport;
    s.ulproto = p.ulproto != IPSEC_ULPROTO_ANY ? p.ulproto : s.ulproto;
    return s;
}

/// The lists as the test keeps them: the reference of the SPD's lists.
struct Reference
{
    std::vector<Ptr<IpsecPolicy>> in;
    std::vector<Ptr<IpsecPolicy>> out;

    std::vector<Ptr<IpsecPolicy>>& List(IpsecDirection dir)
    {
        return dir == IpsecDirection::INBOUND ? in : out;
    }

    /// key_allocsp: every policy of @p dir that matches, in list order.
    std::vector<Ptr<IpsecPolicy>> Matching(IpsecDirection dir, const IpsecSelector& pkt)
    {
        std::vector<Ptr<IpsecPolicy>> r;
        for (const auto& p : List(dir))
        {
            if (p->selector.Matches(pkt))
            {
                r.push_back(p);
            }
        }
        return r;
    }

    /// key_spdadd's duplicate check.
    bool Has(const Ptr<IpsecPolicy>& p)
    {
        for (const auto& q : List(p->direction))
        {
            if (q->selector == p->selector)
            {
                return true;
            }
        }
        return false;
    }

    void Erase(const Ptr<IpsecPolicy>& p)
    {
        auto& l = List(p->direction);
        l.erase(std::find(l.begin(), l.end(), p));
    }
};

/// key_gettunnel as a walk of the inbound list.
struct TunnelAnswer
{
    Ptr<IpsecPolicy> policy; ///< the first policy that has such a request
    bool nested{false};      ///< its request was paired with a previous tunnel request
};

TunnelAnswer
ReferenceTunnel(const std::vector<Ptr<IpsecPolicy>>& inbound,
                const IpsecAddress& outerSrc,
                const IpsecAddress& outerDst,
                const IpsecAddress& innerSrc,
                const IpsecAddress& innerDst,
                bool transformed)
{
    for (const auto& p : inbound)
    {
        if (p->action != IpsecPolicyAction::IPSEC)
        {
            continue;
        }
        const IpsecRequest* previous = nullptr;
        for (const auto& r : p->requests)
        {
            if (r.mode != IpsecMode::TUNNEL)
            {
                continue;
            }
            bool inner = previous
                           ? previous->tunnelSrc == innerSrc && previous->tunnelDst == innerDst
                           : p->selector.src.MatchesPrefix(innerSrc, p->selector.prefs)
                                 && p->selector.dst.MatchesPrefix(innerDst, p->selector.prefd);
            bool nested = previous != nullptr;
            previous = &r;
            if (inner && r.tunnelSrc == outerSrc && r.tunnelDst == outerDst
                && (transformed || r.proto == IpsecProto::IPCOMP))
            {
                return TunnelAnswer{p, nested};
            }
        }
    }
    return TunnelAnswer{};
}

std::string
Describe(const Ptr<IpsecPolicy>& p)
{
    if (!p)
    {
        return "(none)";
    }
    return p->SelectorString() + " " + p->PolicyString() + " spid " + std::to_string(p->id);
}

std::string
Describe(const IpsecSelector& s)
{
    std::ostringstream os;
    os << s.src << "[" << s.sport << "] " << s.dst << "[" << s.dport << "] "
       << static_cast<int>(s.ulproto);
    return os.str();
}

/**
 * Reports a failure and returns false from the enclosing function unless
 * @p cond holds; @p msg is streamed.
 */
#define SPD_CHECK(cond, msg)                                           \
    do                                                                 \
    {                                                                  \
        if (!(cond))                                                   \
        {                                                              \
            NS_TEST_EXPECT_MSG_EQ(false, true, msg << " [" #cond "]"); \
            return false;                                              \
        }                                                              \
    } while (false)

} // namespace

/// Directed cases of the index: ranks across deletions, host bits, families, the cache.
class SpdIndexDirectedTestCase : public TestCase
{
  public:
    SpdIndexDirectedTestCase()
        : TestCase("SPD index: insertion order across deletes, host bits, families, cache")
    {
    }

  private:
    static Ptr<IpsecPolicy> Policy(const char* src, uint8_t ps, const char* dst, uint8_t pd)
    {
        auto p = Create<IpsecPolicy>();
        p->selector.src = A(src);
        p->selector.dst = A(dst);
        p->selector.prefs = ps;
        p->selector.prefd = pd;
        p->direction = IpsecDirection::OUTBOUND;
        p->action = IpsecPolicyAction::NONE;
        return p;
    }

    static IpsecSelector Packet(const char* src, const char* dst)
    {
        IpsecSelector s;
        s.src = A(src);
        s.dst = A(dst);
        s.prefs = s.src.GetBits();
        s.prefd = s.dst.GetBits();
        s.ulproto = 17;
        s.sport = 1000;
        s.dport = 500;
        return s;
    }

    void DoRun() override
    {
        for (uint32_t cache : {0u, 1u, 4096u})
        {
            auto spd = CreateObject<IpsecSpd>();
            spd->SetAttribute("CacheSize", UintegerValue(cache));
            const auto out = IpsecDirection::OUTBOUND;
            auto wide = Policy("10.0.0.0", 8, "0.0.0.0", 0);
            auto host = Policy("10.0.0.1", 32, "10.0.0.2", 32);
            NS_TEST_ASSERT_MSG_EQ(spd->Add(wide), 0, "spdadd 10/8");
            NS_TEST_ASSERT_MSG_EQ(spd->Add(host), 0, "spdadd host");
            IpsecSelector pkt = Packet("10.0.0.1", "10.0.0.2");
            NS_TEST_EXPECT_MSG_EQ(spd->Lookup(out, pkt), wide, "the earlier, wider policy wins");
            NS_TEST_EXPECT_MSG_EQ(spd->Delete(wide->selector, out), 0, "spddelete 10/8");
            NS_TEST_EXPECT_MSG_EQ(spd->Lookup(out, pkt), host, "then the host policy");
            NS_TEST_EXPECT_MSG_EQ(spd->Add(wide), 0, "10/8 again, now at the tail");
            NS_TEST_EXPECT_MSG_EQ(spd->Lookup(out, pkt), host, "the host policy stays first");
            NS_TEST_EXPECT_MSG_EQ(spd->DeleteById(host->id), 0, "spddelete2 of the host policy");
            NS_TEST_EXPECT_MSG_EQ(spd->DeleteById(host->id), EINVAL, "twice: EINVAL");
            NS_TEST_EXPECT_MSG_EQ(spd->GetById(host->id), nullptr, "spdget of a deleted id");
            NS_TEST_EXPECT_MSG_EQ(spd->GetById(wide->id), wide, "spdget");
            NS_TEST_EXPECT_MSG_EQ(spd->Lookup(out, pkt), wide, "10/8 matches again");

            // Bits past the prefix are kept (dumps print them) but never compared.
            auto sloppy = Policy("192.168.1.77", 24, "192.168.2.5", 23);
            auto clean = Policy("192.168.1.0", 24, "192.168.2.0", 23);
            NS_TEST_EXPECT_MSG_EQ(spd->Add(sloppy), 0, "192.168.1.77/24");
            NS_TEST_EXPECT_MSG_EQ(spd->Add(clean), 0, "192.168.1.0/24 is another selector");
            NS_TEST_EXPECT_MSG_EQ(spd->Add(Policy("192.168.1.77", 24, "192.168.2.5", 23)),
                                  EEXIST,
                                  "the exact selector again: EEXIST");
            IpsecSelector lan = Packet("192.168.1.200", "192.168.3.1");
            NS_TEST_EXPECT_MSG_EQ(spd->Lookup(out, lan), sloppy, "/24 and /23 compared");
            NS_TEST_EXPECT_MSG_EQ(spd->Delete(clean->selector, out), 0, "exact spddelete");
            NS_TEST_EXPECT_MSG_EQ(spd->Lookup(out, lan), sloppy, "the other one stays");
            NS_TEST_EXPECT_MSG_EQ(spd->Delete(sloppy->selector, out), 0, "spddelete");
            NS_TEST_EXPECT_MSG_EQ(spd->Lookup(out, lan), nullptr, "nothing left for the LAN");

            // Prefix 0 covers its family only.
            auto any4 = Policy("0.0.0.0", 0, "0.0.0.0", 0);
            NS_TEST_EXPECT_MSG_EQ(spd->Add(any4), 0, "0/0");
            NS_TEST_EXPECT_MSG_EQ(spd->Lookup(out, Packet("fd00::1", "fd00::2")),
                                  nullptr,
                                  "IPv4 0/0 does not match IPv6");
            auto any6 = Policy("::", 0, "::", 0);
            NS_TEST_EXPECT_MSG_EQ(spd->Add(any6), 0, "::/0");
            NS_TEST_EXPECT_MSG_EQ(spd->Lookup(out, Packet("fd00::1", "fd00::2")), any6, "::/0");
            NS_TEST_EXPECT_MSG_EQ(
                spd->Lookup(out, Packet("172.16.0.1", "172.16.0.2")), any4, "0/0");
            NS_TEST_EXPECT_MSG_EQ(
                spd->Lookup(IpsecDirection::INBOUND, pkt), nullptr, "the inbound list is empty");

            // Every change invalidates what the cache remembers; lookups are no change.
            uint64_t gen = spd->GetGeneration();
            NS_TEST_EXPECT_MSG_EQ(spd->Lookup(out, pkt), wide, "10/8");
            NS_TEST_EXPECT_MSG_EQ(spd->GetGeneration(), gen, "a lookup changes nothing");
            NS_TEST_EXPECT_MSG_EQ(
                spd->Add(Policy("10.0.0.0", 8, "0.0.0.0", 0)), EEXIST, "a duplicate");
            NS_TEST_EXPECT_MSG_EQ(spd->GetGeneration(), gen, "a refused spdadd changes nothing");
            NS_TEST_EXPECT_MSG_EQ(spd->Delete(wide->selector, out), 0, "spddelete 10/8");
            NS_TEST_EXPECT_MSG_GT(spd->GetGeneration(), gen, "spddelete is a change");
            NS_TEST_EXPECT_MSG_EQ(spd->Lookup(out, pkt), any4, "the cache followed");
            spd->Flush();
            NS_TEST_EXPECT_MSG_EQ(spd->Lookup(out, pkt), nullptr, "spdflush");
            NS_TEST_EXPECT_MSG_EQ(spd->GetN(), 0u, "spdflush empties both lists");
            NS_TEST_EXPECT_MSG_EQ(spd->Add(wide), 0, "spdadd after spdflush");
            NS_TEST_EXPECT_MSG_EQ(spd->Lookup(out, pkt), wide, "10/8 once more");
        }
    }
};

/// Random policy sets: Lookup against the linear first match, with changes interleaved.
class SpdIndexEquivalenceTestCase : public TestCase
{
  public:
    SpdIndexEquivalenceTestCase()
        : TestCase("SPD index: Lookup equals the first match of the list on random sets")
    {
    }

  private:
    /// What the sets exercised.
    struct Counts
    {
        uint64_t sets{0};
        uint64_t lookups{0};
        uint64_t matched{0};
        uint64_t multi{0};          ///< packets that match two or more policies
        uint64_t notLongest{0};     ///< a later match had longer prefixes than the first
        uint64_t repeats{0};        ///< a packet looked up again with no change in between
        uint64_t duplicates{0};     ///< EEXIST
        uint64_t deletes{0};        ///< spddelete
        uint64_t deletesById{0};    ///< spddelete2
        uint64_t readds{0};         ///< a deleted policy added again
        uint64_t missingDeletes{0}; ///< EINVAL
        uint64_t flushes{0};
    };

    /// One policy set of @p size policies and @p ops operations.
    bool RunSet(Draw& d, uint32_t cache, uint32_t size, uint32_t ops, Counts& c)
    {
        auto spd = CreateObject<IpsecSpd>();
        spd->SetAttribute("CacheSize", UintegerValue(cache));
        Reference ref;
        std::vector<Ptr<IpsecPolicy>> deleted;
        std::vector<IpsecSelector> recent;
        uint64_t generation = spd->GetGeneration();
        ++c.sets;
        auto add = [&](Ptr<IpsecPolicy> p) -> bool
        {
            bool dup = ref.Has(p);
            int rc = spd->Add(p);
            SPD_CHECK((rc) == (dup ? EEXIST : 0), "spdadd " << Describe(p));
            if (dup)
            {
                ++c.duplicates;
                SPD_CHECK((spd->GetGeneration()) == (generation), "a refused spdadd is no change");
            }
            else
            {
                ref.List(p->direction).push_back(p);
                SPD_CHECK((spd->GetGeneration()) > (generation), "spdadd is a change");
                generation = spd->GetGeneration();
                recent.clear();
            }
            return true;
        };
        auto removed = [&](Ptr<IpsecPolicy> p)
        {
            ref.Erase(p);
            deleted.push_back(p);
            recent.clear();
        };
        for (uint32_t i = 0; i < size; ++i)
        {
            if (!add(RandomPolicy(d)))
            {
                return false;
            }
        }
        for (uint32_t op = 0; op < ops; ++op)
        {
            uint32_t what = d.Below(100);
            if (what < 78)
            {
                IpsecDirection dir
                    = d.Chance(0.5) ? IpsecDirection::INBOUND : IpsecDirection::OUTBOUND;
                IpsecSelector pkt;
                if (what < 18 && !recent.empty())
                {
                    pkt = d.Pick(recent); // the cache's case: the same flow again
                    ++c.repeats;
                }
                else
                {
                    // Half of the packets are drawn inside a policy of the list.
                    auto& list = ref.List(dir);
                    pkt = list.empty() || d.Chance(0.5) ? RandomPacket(d)
                                                        : PacketIn(d, d.Pick(list)->selector);
                    recent.push_back(pkt);
                }
                std::vector<Ptr<IpsecPolicy>> all = ref.Matching(dir, pkt);
                Ptr<IpsecPolicy> expect = all.empty() ? nullptr : all.front();
                if (expect)
                {
                    expect->lastUsed = Seconds(-1);
                }
                Ptr<IpsecPolicy> got = spd->Lookup(dir, pkt);
                SPD_CHECK((got) == (expect),
                          "lookup " << IpsecDirectionName(dir) << " " << Describe(pkt) << ": got "
                                    << Describe(got) << ", expected " << Describe(expect));
                ++c.lookups;
                if (expect)
                {
                    ++c.matched;
                    SPD_CHECK((expect->lastUsed) == (Simulator::Now()), "a match records its time");
                }
                if (all.size() >= 2)
                {
                    ++c.multi;
                    for (const auto& later : all)
                    {
                        if (later->selector.prefs + later->selector.prefd
                            > expect->selector.prefs + expect->selector.prefd)
                        {
                            ++c.notLongest;
                            break;
                        }
                    }
                }
                SPD_CHECK((spd->GetGeneration()) == (generation), "a lookup is no change");
            }
            else if (what < 84)
            {
                Ptr<IpsecPolicy> p = RandomPolicy(d);
                auto& list = ref.List(p->direction);
                if (!list.empty() && d.Chance(0.2))
                {
                    p->selector = d.Pick(list)->selector; // EEXIST
                    p->action = IpsecPolicyAction::DISCARD;
                    p->requests.clear();
                }
                if (!add(p))
                {
                    return false;
                }
            }
            else if (what < 88 && !deleted.empty())
            {
                // A deleted policy added again goes to the tail with a new spid.
                uint32_t k = d.Below(deleted.size());
                Ptr<IpsecPolicy> p = deleted[k];
                deleted.erase(deleted.begin() + k);
                bool dup = ref.Has(p);
                uint32_t oldId = p->id;
                if (!add(p))
                {
                    return false;
                }
                if (!dup)
                {
                    ++c.readds;
                    SPD_CHECK((p->id) > (oldId), "a new spid");
                }
            }
            else if (what < 92)
            {
                IpsecDirection dir
                    = d.Chance(0.5) ? IpsecDirection::INBOUND : IpsecDirection::OUTBOUND;
                auto& list = ref.List(dir);
                if (list.empty() || d.Chance(0.1))
                {
                    // An absent selector (a policy never added): EINVAL.
                    Ptr<IpsecPolicy> p = RandomPolicy(d);
                    int rc = spd->Delete(p->selector, dir);
                    bool present = false;
                    for (const auto& q : list)
                    {
                        present = present || q->selector == p->selector;
                    }
                    if (present)
                    {
                        SPD_CHECK((rc) == (0), "spddelete");
                        Ptr<IpsecPolicy> victim;
                        for (const auto& q : list)
                        {
                            if (q->selector == p->selector)
                            {
                                victim = q;
                            }
                        }
                        removed(victim);
                        ++c.deletes;
                        SPD_CHECK(spd->GetGeneration() > generation, "spddelete is a change");
                        generation = spd->GetGeneration();
                    }
                    else
                    {
                        SPD_CHECK((rc) == (EINVAL), "spddelete of nothing");
                        SPD_CHECK(spd->GetGeneration() == generation, "a failed spddelete");
                        ++c.missingDeletes;
                    }
                }
                else
                {
                    Ptr<IpsecPolicy> p = d.Pick(list);
                    // spddelete takes a copy of the selector, as PF_KEY does.
                    IpsecSelector sel = p->selector;
                    SPD_CHECK((spd->Delete(sel, dir)) == (0), "spddelete");
                    removed(p);
                    ++c.deletes;
                    SPD_CHECK(spd->GetGeneration() > generation, "spddelete is a change");
                    generation = spd->GetGeneration();
                }
            }
            else if (what < 96)
            {
                std::vector<Ptr<IpsecPolicy>> both = ref.in;
                both.insert(both.end(), ref.out.begin(), ref.out.end());
                if (both.empty() || d.Chance(0.1))
                {
                    uint32_t id = d.Chance(0.5) ? 1 : 16388 + 100000;
                    SPD_CHECK((spd->DeleteById(id)) == (EINVAL), "spddelete2 of nothing");
                    SPD_CHECK(spd->GetGeneration() == generation, "a failed spddelete2");
                    ++c.missingDeletes;
                }
                else
                {
                    Ptr<IpsecPolicy> p = d.Pick(both);
                    SPD_CHECK((spd->GetById(p->id)) == (p), "spdget");
                    SPD_CHECK((spd->DeleteById(p->id)) == (0), "spddelete2");
                    SPD_CHECK((spd->GetById(p->id)) == (nullptr), "spdget after spddelete2");
                    removed(p);
                    ++c.deletesById;
                    SPD_CHECK(spd->GetGeneration() > generation, "spddelete2 is a change");
                    generation = spd->GetGeneration();
                }
            }
            else if (what < 97 && d.Chance(0.05))
            {
                spd->Flush();
                for (const auto& p : ref.in)
                {
                    deleted.push_back(p);
                }
                for (const auto& p : ref.out)
                {
                    deleted.push_back(p);
                }
                ref.in.clear();
                ref.out.clear();
                recent.clear();
                SPD_CHECK(spd->GetGeneration() > generation, "spdflush is a change");
                generation = spd->GetGeneration();
                ++c.flushes;
            }
            if (what >= 78 && d.Chance(0.25))
            {
                // The order of record (setkey -DP, the lint, SPDDUMP).
                for (auto dir : {IpsecDirection::INBOUND, IpsecDirection::OUTBOUND})
                {
                    SPD_CHECK(((spd->GetPolicies(dir) == ref.List(dir))) == (true),
                              "GetPolicies keeps insertion order");
                }
                SPD_CHECK((spd->GetN()) == (ref.in.size() + ref.out.size()), "GetN");
            }
        }
        return true;
    }

    void DoRun() override
    {
        Draw d(20261206);
        Counts c;
        // Off, tiny (evictions at every other flow), not a power of two, the default.
        for (uint32_t cache : {0u, 1u, 3u, 100u, 4096u})
        {
            for (uint32_t set = 0; set < 700; ++set)
            {
                uint32_t size = 1 + d.Below(set % 10 == 0 ? 200 : 40);
                if (!RunSet(d, cache, size, 300, c))
                {
                    return;
                }
            }
            // A few large sets: hundreds of shapes, long buckets of equal masked keys.
            for (uint32_t set = 0; set < 3; ++set)
            {
                if (!RunSet(d, cache, 3000, 3000, c))
                {
                    return;
                }
            }
        }
        std::ostringstream os;
        os << c.sets << " sets, " << c.lookups << " lookups, " << c.matched << " matched, "
           << c.multi << " multi-match, " << c.notLongest << " not the longest, " << c.repeats
           << " repeats, " << c.duplicates << " EEXIST, " << c.deletes << " spddelete, "
           << c.deletesById << " spddelete2, " << c.readds << " re-added, " << c.missingDeletes
           << " EINVAL deletes, " << c.flushes << " flushes";
        NS_LOG_INFO(os.str());
        // Not vacuous: the sets overlap, the packets hit, miss and hit several.
        NS_TEST_EXPECT_MSG_EQ(c.sets, 3515u, os.str());
        NS_TEST_EXPECT_MSG_GT(c.matched, c.lookups / 4, os.str());
        NS_TEST_EXPECT_MSG_LT(c.matched, c.lookups * 9 / 10, os.str());
        NS_TEST_EXPECT_MSG_GT(c.multi, c.lookups / 10, os.str());
        NS_TEST_EXPECT_MSG_GT(c.notLongest, c.multi / 10, os.str());
        NS_TEST_EXPECT_MSG_GT(c.repeats, c.lookups / 20, os.str());
        NS_TEST_EXPECT_MSG_GT(c.duplicates, 100u, os.str());
        NS_TEST_EXPECT_MSG_GT(c.deletes, 1000u, os.str());
        NS_TEST_EXPECT_MSG_GT(c.deletesById, 1000u, os.str());
        NS_TEST_EXPECT_MSG_GT(c.readds, 1000u, os.str());
        NS_TEST_EXPECT_MSG_GT(c.missingDeletes, 100u, os.str());
        NS_TEST_EXPECT_MSG_GT(c.flushes, 10u, os.str());
    }
};

/// Random inbound tunnel policies: FindInboundTunnel against key_gettunnel's walk.
class SpdTunnelIndexTestCase : public TestCase
{
  public:
    SpdTunnelIndexTestCase()
        : TestCase("SPD index: inbound tunnel requests by endpoints equal key_gettunnel's walk")
    {
    }

  private:
    void DoRun() override
    {
        Draw d(4309);
        uint64_t queries = 0;
        uint64_t found = 0;
        uint64_t nested = 0;
        uint64_t plainIpcomp = 0;
        uint64_t notFirstInBucket = 0;
        uint64_t changes = 0;
        for (uint32_t set = 0; set < 1500; ++set)
        {
            auto spd = CreateObject<IpsecSpd>();
            spd->SetAttribute("MixedFamilyTunnels", BooleanValue(true));
            Reference ref;
            std::vector<Ptr<IpsecPolicy>> deleted;
            uint32_t size = 1 + d.Below(set % 10 == 0 ? 300 : 30);
            for (uint32_t i = 0; i < size; ++i)
            {
                Ptr<IpsecPolicy> p = RandomPolicy(d, d.Chance(0.9), true);
                bool dup = ref.Has(p);
                NS_TEST_ASSERT_MSG_EQ(spd->Add(p), (dup ? EEXIST : 0), "spdadd " << Describe(p));
                if (!dup)
                {
                    ref.List(p->direction).push_back(p);
                }
            }
            for (uint32_t q = 0; q < 200; ++q)
            {
                if (d.Chance(0.05) && !ref.in.empty())
                {
                    Ptr<IpsecPolicy> p = d.Pick(ref.in);
                    if (d.Chance(0.5))
                    {
                        NS_TEST_ASSERT_MSG_EQ(spd->DeleteById(p->id), 0, "spddelete2");
                    }
                    else
                    {
                        NS_TEST_ASSERT_MSG_EQ(
                            spd->Delete(p->selector, p->direction), 0, "spddelete");
                    }
                    ref.Erase(p);
                    deleted.push_back(p);
                    ++changes;
                }
                if (d.Chance(0.03) && !deleted.empty())
                {
                    Ptr<IpsecPolicy> p = deleted.back();
                    deleted.pop_back();
                    if (!ref.Has(p))
                    {
                        NS_TEST_ASSERT_MSG_EQ(spd->Add(p), 0, "re-added");
                        ref.List(p->direction).push_back(p);
                        ++changes;
                    }
                }
                bool v6 = d.Chance(0.4);
                IpsecAddress outerSrc = d.Pick(Endpoints(v6));
                IpsecAddress outerDst = d.Pick(Endpoints(v6));
                bool innerV6 = d.Chance(0.8) ? v6 : !v6;
                // The inner header: a packet of the selectors' pools, or the
                // endpoints of an inner tunnel (the nested case).
                bool innerTunnel = d.Chance(0.35);
                IpsecAddress innerSrc
                    = innerTunnel ? d.Pick(Endpoints(innerV6)) : PacketAddress(d, innerV6);
                IpsecAddress innerDst
                    = innerTunnel ? d.Pick(Endpoints(innerV6)) : PacketAddress(d, innerV6);
                bool transformed = d.Chance(0.8);
                Ptr<IpsecPolicy> from = ref.in.empty() ? nullptr : d.Pick(ref.in);
                if (from && from->action == IpsecPolicyAction::IPSEC && d.Chance(0.6))
                {
                    // Half the time, a datagram drawn from one of its tunnel
                    // requests (which an earlier policy may take).
                    const IpsecRequest* previous = nullptr;
                    for (const auto& r : from->requests)
                    {
                        if (r.mode != IpsecMode::TUNNEL)
                        {
                            continue;
                        }
                        if (d.Chance(0.6))
                        {
                            outerSrc = r.tunnelSrc;
                            outerDst = r.tunnelDst;
                            if (previous)
                            {
                                innerSrc = previous->tunnelSrc;
                                innerDst = previous->tunnelDst;
                            }
                            else
                            {
                                IpsecSelector inner = PacketIn(d, from->selector);
                                innerSrc = inner.src;
                                innerDst = inner.dst;
                            }
                            break;
                        }
                        previous = &r;
                    }
                }
                TunnelAnswer expect
                    = ReferenceTunnel(ref.in, outerSrc, outerDst, innerSrc, innerDst, transformed);
                Ptr<IpsecPolicy> got
                    = spd->FindInboundTunnel(outerSrc, outerDst, innerSrc, innerDst, transformed);
                NS_TEST_ASSERT_MSG_EQ(got,
                                      expect.policy,
                                      "tunnel " << outerSrc << "-" << outerDst << " inner "
                                                << innerSrc << "->" << innerDst << " transformed "
                                                << transformed << ": got " << Describe(got)
                                                << ", expected " << Describe(expect.policy));
                ++queries;
                if (expect.policy)
                {
                    ++found;
                    nested += expect.nested ? 1 : 0;
                    plainIpcomp += transformed ? 0 : 1;
                    // An earlier inbound policy with a tunnel request of these
                    // endpoints that did not qualify: the answer was not the
                    // first one filed under them.
                    for (const auto& p : ref.in)
                    {
                        if (p == expect.policy)
                        {
                            break;
                        }
                        bool same = false;
                        for (const auto& r : p->requests)
                        {
                            same = same
                                || (p->action == IpsecPolicyAction::IPSEC
                                    && r.mode == IpsecMode::TUNNEL && r.tunnelSrc == outerSrc
                                    && r.tunnelDst == outerDst);
                        }
                        if (same)
                        {
                            ++notFirstInBucket;
                            break;
                        }
                    }
                }
            }
        }
        std::ostringstream os;
        os << queries << " queries, " << found << " found, " << nested << " nested, " << plainIpcomp
           << " IP-in-IP of IPComp, " << notFirstInBucket
           << " not the first request of the endpoints, " << changes << " changes";
        NS_LOG_INFO(os.str());
        NS_TEST_EXPECT_MSG_EQ(queries, 300000u, os.str());
        NS_TEST_EXPECT_MSG_GT(found, queries / 20, os.str());
        NS_TEST_EXPECT_MSG_LT(found, queries * 9 / 10, os.str());
        NS_TEST_EXPECT_MSG_GT(nested, 100u, os.str());
        NS_TEST_EXPECT_MSG_GT(plainIpcomp, 100u, os.str());
        NS_TEST_EXPECT_MSG_GT(notFirstInBucket, 100u, os.str());
        NS_TEST_EXPECT_MSG_GT(changes, 1000u, os.str());
    }
};

/// The SPD index's suite.
class IpsecSpdIndexTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecSpdIndexTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-spd-index", UNIT)
    {
        AddTestCase(new SpdIndexDirectedTestCase, TestCase::QUICK);
        AddTestCase(new SpdIndexEquivalenceTestCase, TestCase::QUICK);
        AddTestCase(new SpdTunnelIndexTestCase, TestCase::QUICK);
    }
};

/// The suite's instance.
static IpsecSpdIndexTestSuite g_ipsecSpdIndexTestSuite;
