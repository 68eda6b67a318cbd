// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of IpsecSysctl, the ipsec(4) sysctl names of a node.  The names,
 * defaults and ranges are typed here from ipsec(4), KAME's ipsec_sysctl and
 * key_sysctl and the variables' initial values in KAME's ipsec.c and key.c
 * (the esp/ah/ipcomp_enable switches: NetBSD FAST_IPSEC, all 1),
 * never read from the code under test; the message formats are those
 * documented in ipsec-sysctl.h (NetBSD sysctl(8)).
 */
#include "ipsec-test-base.h"
#include "ns3/boolean.h"
#include "ns3/integer.h"
#include "ns3/ipsec-algorithms.h"
#include "ns3/ipsec-stack.h"
#include "ns3/ipsec-sysctl.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <functional>
#include <type_traits>

using namespace ns3;

static_assert(std::is_base_of_v<std::runtime_error, IpsecSysctlError>,
              "IpsecSysctlError is a std::runtime_error");

namespace
{

enum class Kind
{
    UINT,
    INT,
    BOOL,
};

/// One sysctl variable as ipsec(4) and KAME describe it.
struct Knob
{
    const char* name;
    const char* attribute;
    Kind kind;
    int64_t def; ///< default (KAME's initial value)
    int64_t min; ///< range the kernel accepts
    int64_t max;
    const char* expected; ///< the "(expected ...)" text of the EINVAL message
};

const Knob g_knobs[] = {
    {"net.inet.ipsec.def_policy", "DefPolicy", Kind::UINT, 1, 0, 1, "0 or 1"},
    {"net.inet.ipsec.esp_trans_deflev", "EspTransDeflev", Kind::UINT, 1, 1, 2, "1 or 2"},
    {"net.inet.ipsec.esp_net_deflev", "EspNetDeflev", Kind::UINT, 1, 1, 2, "1 or 2"},
    {"net.inet.ipsec.ah_trans_deflev", "AhTransDeflev", Kind::UINT, 1, 1, 2, "1 or 2"},
    {"net.inet.ipsec.ah_net_deflev", "AhNetDeflev", Kind::UINT, 1, 1, 2, "1 or 2"},
    {"net.inet.ipsec.ah_cleartos", "AhCleartos", Kind::BOOL, 1, 0, 1, "0 or 1"},
    {"net.inet.ipsec.ah_offsetmask",
     "AhOffsetmask",
     Kind::UINT,
     0,
     0,
     65535,
     "an integer from 0 to 65535"},
    {"net.inet.ipsec.dfbit", "Dfbit", Kind::UINT, 0, 0, 2, "0, 1 or 2"},
    {"net.inet.ipsec.ecn", "Ecn", Kind::INT, 0, -1, 1, "-1, 0 or 1"},
    {"net.inet.ipsec.debug",
     "Debug",
     Kind::UINT,
     0,
     0,
     2147483647,
     "an integer from 0 to 2147483647"},
    {"net.inet.esp.esp_enable", "EspEnable", Kind::BOOL, 1, 0, 1, "0 or 1"},
    {"net.inet.ah.ah_enable", "AhEnable", Kind::BOOL, 1, 0, 1, "0 or 1"},
    {"net.inet.ipcomp.ipcomp_enable", "IpcompEnable", Kind::BOOL, 1, 0, 1, "0 or 1"},
    {"net.inet6.ipsec6.def_policy", "Ipv6DefPolicy", Kind::UINT, 1, 0, 1, "0 or 1"},
    {"net.inet6.ipsec6.esp_trans_deflev", "Ipv6EspTransDeflev", Kind::UINT, 1, 1, 2, "1 or 2"},
    {"net.inet6.ipsec6.esp_net_deflev", "Ipv6EspNetDeflev", Kind::UINT, 1, 1, 2, "1 or 2"},
    {"net.inet6.ipsec6.ah_trans_deflev", "Ipv6AhTransDeflev", Kind::UINT, 1, 1, 2, "1 or 2"},
    {"net.inet6.ipsec6.ah_net_deflev", "Ipv6AhNetDeflev", Kind::UINT, 1, 1, 2, "1 or 2"},
    {"net.inet6.ipsec6.ecn", "Ipv6Ecn", Kind::INT, 0, -1, 1, "-1, 0 or 1"},
    {"net.inet6.ipsec6.debug",
     "Debug",
     Kind::UINT,
     0,
     0,
     2147483647,
     "an integer from 0 to 2147483647"},
};

Ptr<Node>
MakeNode()
{
    Ptr<Node> n = CreateObject<Node>();
    n->AggregateObject(CreateObject<IpsecStack>());
    return n;
}

/// The attribute behind @p k, read with IpsecStack::GetAttribute.
int64_t
ReadAttribute(Ptr<Node> n, const Knob& k)
{
    Ptr<IpsecStack> s = n->GetObject<IpsecStack>();
    switch (k.kind)
    {
        case Kind::UINT:
        {
            UintegerValue v;
            s->GetAttribute(k.attribute, v);
            return static_cast<int64_t>(v.Get());
        }
        case Kind::INT:
        {
            IntegerValue v;
            s->GetAttribute(k.attribute, v);
            return v.Get();
        }
        case Kind::BOOL:
        {
            BooleanValue v;
            s->GetAttribute(k.attribute, v);
            return v.Get() ? 1 : 0;
        }
    }
    return -12345;
}

/// The message of the IpsecSysctlError @p f throws, or "<no error>".
std::string
ErrorOf(const std::function<void()>& f)
{
    try
    {
        f();
    }
    catch (const IpsecSysctlError& e)
    {
        return e.what();
    }
    return "<no error>";
}

std::string
Join(const std::vector<std::string>& lines)
{
    std::string s;
    for (const std::string& l : lines)
    {
        s += l + "\n";
    }
    return s;
}

/// A valid value different from the default.
int64_t
OtherValue(const Knob& k)
{
    return k.def == k.max ? k.min : k.max;
}

IpsecSelector
PacketSel(const char* src, const char* dst)
{
    IpsecSelector s;
    s.src = *IpsecAddress::Parse(src);
    s.dst = *IpsecAddress::Parse(dst);
    s.prefs = s.prefd = s.src.GetBits();
    s.ulproto = 17;
    s.sport = 1000;
    s.dport = 9;
    return s;
}

/// "use" or "require" (the effective level of a request is always one of them).
std::string
LevelText(IpsecLevel level)
{
    switch (level)
    {
        case IpsecLevel::USE:
            return "use";
        case IpsecLevel::REQUIRE:
            return "require";
        default:
            return "other";
    }
}

IpsecRequest
DefaultReq(IpsecProto proto, IpsecMode mode)
{
    IpsecRequest r;
    r.proto = proto;
    r.mode = mode;
    r.level = IpsecLevel::DEFAULT;
    return r;
}

Ptr<IpsecPolicy>
OutPolicy(const char* src, uint8_t ps, const char* dst, uint8_t pd, IpsecRequest req)
{
    auto p = Create<IpsecPolicy>();
    p->selector.src = *IpsecAddress::Parse(src);
    p->selector.dst = *IpsecAddress::Parse(dst);
    p->selector.prefs = ps;
    p->selector.prefd = pd;
    p->direction = IpsecDirection::OUTBOUND;
    p->action = IpsecPolicyAction::IPSEC;
    p->requests = {req};
    return p;
}

IpsecRequest
RequireReq(IpsecProto proto, IpsecMode mode, const char* tsrc = nullptr, const char* tdst = nullptr)
{
    IpsecRequest r;
    r.proto = proto;
    r.mode = mode;
    r.level = IpsecLevel::REQUIRE;
    if (tsrc)
    {
        r.tunnelSrc = *IpsecAddress::Parse(tsrc);
        r.tunnelDst = *IpsecAddress::Parse(tdst);
    }
    return r;
}

/// A null-encryption ESP SA, or an hmac-md5 AH SA.
int
AddSa(Ptr<IpsecStack> s, IpsecProto proto, const char* src, const char* dst, uint32_t spi)
{
    IpsecSaParams p;
    p.src = *IpsecAddress::Parse(src);
    p.dst = *IpsecAddress::Parse(dst);
    p.proto = proto;
    p.spi = spi;
    if (proto == IpsecProto::ESP)
    {
        p.enc = FindEncAlgorithm("null");
        p.hasEncKey = true;
    }
    else
    {
        p.auth = FindAuthAlgorithm("hmac-md5");
        p.authKey.assign(16, 'k');
    }
    return s->GetSad()->Add(p);
}

IpsecStack::OutputContext
Context(const char* src, const char* dst, uint8_t tos, bool df, bool forwarded)
{
    IpsecStack::OutputContext ctx;
    ctx.header.src = *IpsecAddress::Parse(src);
    ctx.header.dst = *IpsecAddress::Parse(dst);
    ctx.header.protocol = 17;
    ctx.header.tos = tos;
    ctx.header.df = df;
    ctx.header.fragField = df ? 0x4000 : 0;
    ctx.forwarded = forwarded;
    ctx.allocateId = [](const IpsecIpHeader&)
    {
        return uint16_t(7);
    };
    ctx.peekId = [](const IpsecIpHeader&)
    {
        return uint16_t(8);
    };
    return ctx;
}

} // namespace

/// Every name exists, in List's order, and reads KAME's default.
class SysctlDefaultsTestCase : public TestCase
{
  public:
    SysctlDefaultsTestCase()
        : TestCase("sysctl names and defaults (ipsec(4), KAME's initial values)")
    {
    }

  private:
    void DoRun() override
    {
        std::vector<std::string> names = IpsecSysctl::GetNames();
        // The IpsecStack variables of g_knobs, then the 11 net.key ones
        // (SysctlNetKeyTestCase and the listing test check those).
        NS_TEST_ASSERT_MSG_EQ(names.size(), std::size(g_knobs) + 11, "31 variables");
        for (std::size_t i = 0; i < std::size(g_knobs); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(names[i], std::string(g_knobs[i].name), "name " << i);
        }
        for (std::size_t i = std::size(g_knobs); i < names.size(); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(names[i].rfind("net.key.", 0), 0, "name " << i);
        }
        Ptr<Node> n = MakeNode();
        for (const Knob& k : g_knobs)
        {
            NS_TEST_EXPECT_MSG_EQ(
                IpsecSysctl::Get(n, k.name), std::to_string(k.def), k.name << " default");
            NS_TEST_EXPECT_MSG_EQ(ReadAttribute(n, k), k.def, k.attribute << " default");
        }
        Simulator::Destroy();
    }
};

/// A valid write changes the attribute; the bounds and number syntaxes are accepted.
class SysctlWriteTestCase : public TestCase
{
  public:
    SysctlWriteTestCase()
        : TestCase("sysctl writes change the IpsecStack attribute")
    {
    }

  private:
    void DoRun() override
    {
        for (const Knob& k : g_knobs)
        {
            Ptr<Node> n = MakeNode();
            for (int64_t v : {OtherValue(k), k.min, k.max, k.def})
            {
                IpsecSysctl::Set(n, k.name, std::to_string(v));
                NS_TEST_EXPECT_MSG_EQ(ReadAttribute(n, k), v, k.name << "=" << v << " attribute");
                NS_TEST_EXPECT_MSG_EQ(IpsecSysctl::Get(n, k.name),
                                      std::to_string(v),
                                      k.name << "=" << v << " read back");
            }
        }

        Ptr<Node> n = MakeNode();
        Ptr<IpsecStack> s = n->GetObject<IpsecStack>();
        // Number syntaxes: hexadecimal, sign, blanks, leading zeros (not octal).
        IpsecSysctl::Set(n, "net.inet.ipsec.ah_offsetmask", "0xff00");
        NS_TEST_EXPECT_MSG_EQ(IpsecSysctl::Get(n, "net.inet.ipsec.ah_offsetmask"),
                              "65280",
                              "hex accepted, read back in decimal");
        IpsecSysctl::Set(n, "net.inet.ipsec.ah_offsetmask", "0XFFFF");
        NS_TEST_EXPECT_MSG_EQ(s->GetAhOffsetMask(), 0xffff, "upper-case hex");
        IpsecSysctl::Set(n, "net.inet.ipsec.ah_offsetmask", "010");
        NS_TEST_EXPECT_MSG_EQ(s->GetAhOffsetMask(), 10, "leading zero is decimal");
        IpsecSysctl::Set(n, "net.inet.ipsec.ecn", " -1\t");
        NS_TEST_EXPECT_MSG_EQ(IpsecSysctl::Get(n, "net.inet.ipsec.ecn"), "-1", "blanks, sign");
        IpsecSysctl::Set(n, "net.inet.ipsec.dfbit", "+2");
        NS_TEST_EXPECT_MSG_EQ(IpsecSysctl::Get(n, "net.inet.ipsec.dfbit"), "2", "plus sign");
        IpsecSysctl::Set(n, "net.inet.ipsec.def_policy", "-0");
        NS_TEST_EXPECT_MSG_EQ(IpsecSysctl::Get(n, "net.inet.ipsec.def_policy"), "0", "-0");

        // The twins are separate variables ...
        IpsecSysctl::Set(n, "net.inet.ipsec.ecn", "1");
        IpsecSysctl::Set(n, "net.inet6.ipsec6.ecn", "-1");
        NS_TEST_EXPECT_MSG_EQ(IpsecSysctl::Get(n, "net.inet.ipsec.ecn"), "1", "v4 ecn kept");
        IpsecSysctl::Set(n, "net.inet6.ipsec6.esp_trans_deflev", "2");
        NS_TEST_EXPECT_MSG_EQ(IpsecSysctl::Get(n, "net.inet.ipsec.esp_trans_deflev"),
                              "1",
                              "v4 deflev not touched by the v6 twin");
        // ... except debug: KAME's two debug nodes are the one ipsec_debug.
        IpsecSysctl::Set(n, "net.inet6.ipsec6.debug", "7");
        NS_TEST_EXPECT_MSG_EQ(IpsecSysctl::Get(n, "net.inet.ipsec.debug"), "7", "debug shared");

        // Nodes are independent.
        Ptr<Node> other = MakeNode();
        NS_TEST_EXPECT_MSG_EQ(
            IpsecSysctl::Get(other, "net.inet.ipsec.dfbit"), "0", "another node keeps its default");
        Simulator::Destroy();
    }
};

/// The writes have the knob's effect on the IPsec processing.
class SysctlEffectTestCase : public TestCase
{
  public:
    SysctlEffectTestCase()
        : TestCase("sysctl writes take effect (levels, default policy, AH ICV knobs)")
    {
    }

  private:
    void DoRun() override
    {
        struct Deflev
        {
            const char* name;
            IpsecProto proto;
            IpsecMode mode;
            bool v6;
        };

        const Deflev deflevs[] = {
            {"net.inet.ipsec.esp_trans_deflev", IpsecProto::ESP, IpsecMode::TRANSPORT, false},
            {"net.inet.ipsec.esp_net_deflev", IpsecProto::ESP, IpsecMode::TUNNEL, false},
            {"net.inet.ipsec.ah_trans_deflev", IpsecProto::AH, IpsecMode::TRANSPORT, false},
            {"net.inet.ipsec.ah_net_deflev", IpsecProto::AH, IpsecMode::TUNNEL, false},
            {"net.inet6.ipsec6.esp_trans_deflev", IpsecProto::ESP, IpsecMode::TRANSPORT, true},
            {"net.inet6.ipsec6.esp_net_deflev", IpsecProto::ESP, IpsecMode::TUNNEL, true},
            {"net.inet6.ipsec6.ah_trans_deflev", IpsecProto::AH, IpsecMode::TRANSPORT, true},
            {"net.inet6.ipsec6.ah_net_deflev", IpsecProto::AH, IpsecMode::TUNNEL, true},
        };
        for (const Deflev& d : deflevs)
        {
            Ptr<Node> n = MakeNode();
            Ptr<IpsecStack> s = n->GetObject<IpsecStack>();
            IpsecRequest req = DefaultReq(d.proto, d.mode);
            NS_TEST_EXPECT_MSG_EQ(LevelText(s->EffectiveLevel(req, d.v6)),
                                  "use",
                                  d.name << " default: default resolves to use");
            IpsecSysctl::Set(n, d.name, "2");
            NS_TEST_EXPECT_MSG_EQ(LevelText(s->EffectiveLevel(req, d.v6)),
                                  "require",
                                  d.name << "=2: default resolves to require");
            // Only the one (proto, mode, family) combination changed.
            for (const Deflev& o : deflevs)
            {
                if (&o == &d)
                {
                    continue;
                }
                NS_TEST_EXPECT_MSG_EQ(
                    LevelText(s->EffectiveLevel(DefaultReq(o.proto, o.mode), o.v6)),
                    "use",
                    d.name << "=2 leaves " << o.name << " alone");
            }
            NS_TEST_EXPECT_MSG_EQ(
                LevelText(s->EffectiveLevel(DefaultReq(IpsecProto::IPCOMP, d.mode), d.v6)),
                "use",
                "ipcomp default is always use");
            IpsecSysctl::Set(n, d.name, "1");
            NS_TEST_EXPECT_MSG_EQ(
                LevelText(s->EffectiveLevel(req, d.v6)), "use", d.name << "=1: back to use");
        }

        // def_policy: an unmatched packet (empty SPD) is accepted with 1
        // (none) and rejected with 0 (discard), per family.
        {
            Ptr<Node> n = MakeNode();
            Ptr<IpsecStack> s = n->GetObject<IpsecStack>();
            IpsecSelector v4 = PacketSel("10.0.0.9", "10.0.0.1");
            IpsecSelector v6 = PacketSel("2001:db8::9", "2001:db8::1");
            NS_TEST_EXPECT_MSG_EQ(s->CheckInbound(Create<Packet>(8), v4), true, "v4 default none");
            NS_TEST_EXPECT_MSG_EQ(s->CheckInbound(Create<Packet>(8), v6), true, "v6 default none");
            IpsecSysctl::Set(n, "net.inet.ipsec.def_policy", "0");
            NS_TEST_EXPECT_MSG_EQ(s->CheckInbound(Create<Packet>(8), v4),
                                  false,
                                  "net.inet.ipsec.def_policy=0 rejects unmatched IPv4");
            NS_TEST_EXPECT_MSG_EQ(s->GetStats(false).in_polvio, 1u, "in_polvio counted");
            NS_TEST_EXPECT_MSG_EQ(s->CheckInbound(Create<Packet>(8), v6),
                                  true,
                                  "IPv6 still uses net.inet6.ipsec6.def_policy=1");
            IpsecSysctl::Set(n, "net.inet6.ipsec6.def_policy", "0");
            NS_TEST_EXPECT_MSG_EQ(s->CheckInbound(Create<Packet>(8), v6),
                                  false,
                                  "net.inet6.ipsec6.def_policy=0 rejects unmatched IPv6");
            NS_TEST_EXPECT_MSG_EQ(s->GetStats(true).in_polvio, 1u, "ipsec6 in_polvio counted");
            IpsecSysctl::Set(n, "net.inet.ipsec.def_policy", "1");
            NS_TEST_EXPECT_MSG_EQ(
                s->CheckInbound(Create<Packet>(8), v4), true, "def_policy=1 accepts again");
        }

        // ah_cleartos / ah_offsetmask: what the glue reads for AH's ICV header.
        {
            Ptr<Node> n = MakeNode();
            Ptr<IpsecStack> s = n->GetObject<IpsecStack>();
            NS_TEST_EXPECT_MSG_EQ(s->GetAhClearTos(), true, "ah_cleartos default 1");
            IpsecSysctl::Set(n, "net.inet.ipsec.ah_cleartos", "0");
            NS_TEST_EXPECT_MSG_EQ(s->GetAhClearTos(), false, "ah_cleartos=0");
            NS_TEST_EXPECT_MSG_EQ(s->GetAhOffsetMask(), 0, "ah_offsetmask default 0");
            IpsecSysctl::Set(n, "net.inet.ipsec.ah_offsetmask", "0x4000");
            NS_TEST_EXPECT_MSG_EQ(s->GetAhOffsetMask(), 0x4000, "ah_offsetmask keeps DF");
        }
        Simulator::Destroy();
    }
};

/// dfbit and ecn act on tunnel encapsulation, esp_enable/ah_enable on input.
class SysctlTunnelInputEffectTestCase : public TestCase
{
  public:
    SysctlTunnelInputEffectTestCase()
        : TestCase("sysctl writes take effect (dfbit, ecn, esp_enable, ah_enable)")
    {
    }

  private:
    void DoRun() override
    {
        // A gateway 10.0.0.1 tunnelling 10.1/16 -> 10.2/16 to 10.0.0.2
        // (and 2001:db8:1::/48 -> 2001:db8:2::/48 between 2001:db8::1 and ::2).
        Ptr<Node> n = MakeNode();
        Ptr<IpsecStack> s = n->GetObject<IpsecStack>();
        NS_TEST_ASSERT_MSG_EQ(AddSa(s, IpsecProto::ESP, "10.0.0.1", "10.0.0.2", 0x1000), 0, "SA");
        NS_TEST_ASSERT_MSG_EQ(
            AddSa(s, IpsecProto::ESP, "2001:db8::1", "2001:db8::2", 0x1001), 0, "v6 SA");
        s->GetSpd()->Add(
            OutPolicy("10.1.0.0",
                      16,
                      "10.2.0.0",
                      16,
                      RequireReq(IpsecProto::ESP, IpsecMode::TUNNEL, "10.0.0.1", "10.0.0.2")));
        s->GetSpd()->Add(OutPolicy(
            "2001:db8:1::",
            48,
            "2001:db8:2::",
            48,
            RequireReq(IpsecProto::ESP, IpsecMode::TUNNEL, "2001:db8::1", "2001:db8::2")));
        auto outer = [&](bool v6, uint8_t tos, bool df)
        {
            IpsecStack::OutputContext ctx
                = v6 ? Context("2001:db8:1::5", "2001:db8:2::7", tos, false, true)
                     : Context("10.1.0.5", "10.2.0.7", tos, df, true);
            IpsecStack::OutputResult r = s->ProcessOutput(Create<Packet>(20), ctx);
            NS_TEST_EXPECT_MSG_EQ(r.tunnelled, true, "tunnel applied");
            return r.header;
        };

        // dfbit (ipsec4_encapsulate): 0 clear, 1 set, 2 copy from the inner header.
        NS_TEST_EXPECT_MSG_EQ(outer(false, 0, true).df, false, "dfbit=0 (default): DF cleared");
        IpsecSysctl::Set(n, "net.inet.ipsec.dfbit", "1");
        NS_TEST_EXPECT_MSG_EQ(outer(false, 0, false).df, true, "dfbit=1: DF set");
        IpsecSysctl::Set(n, "net.inet.ipsec.dfbit", "2");
        NS_TEST_EXPECT_MSG_EQ(outer(false, 0, true).df, true, "dfbit=2: DF copied (set)");
        NS_TEST_EXPECT_MSG_EQ(outer(false, 0, false).df, false, "dfbit=2: DF copied (clear)");

        // ecn, encapsulation (ip_ecn_ingress, RFC 3168): inner TOS 0xbb = DSCP 0xb8 + CE.
        NS_TEST_EXPECT_MSG_EQ(+outer(false, 0xbb, false).tos, 0xb8, "ecn=0: ECN bits cleared");
        IpsecSysctl::Set(n, "net.inet.ipsec.ecn", "1");
        NS_TEST_EXPECT_MSG_EQ(+outer(false, 0xbb, false).tos, 0xba, "ecn=1: CE -> ECT(0)");
        NS_TEST_EXPECT_MSG_EQ(+outer(false, 0xb9, false).tos, 0xb9, "ecn=1: ECT(1) copied");
        IpsecSysctl::Set(n, "net.inet.ipsec.ecn", "-1");
        NS_TEST_EXPECT_MSG_EQ(+outer(false, 0xbb, false).tos, 0xbb, "ecn=-1: TOS unchanged");
        NS_TEST_EXPECT_MSG_EQ(
            +outer(true, 0xbb, false).tos, 0xb8, "IPv6 tunnels follow net.inet6.ipsec6.ecn (0)");
        IpsecSysctl::Set(n, "net.inet6.ipsec6.ecn", "1");
        NS_TEST_EXPECT_MSG_EQ(+outer(true, 0xbb, false).tos, 0xba, "ipsec6 ecn=1: CE -> ECT(0)");
        IpsecSysctl::Set(n, "net.inet6.ipsec6.ecn", "-1");
        NS_TEST_EXPECT_MSG_EQ(+outer(true, 0xbb, false).tos, 0xbb, "ipsec6 ecn=-1: unchanged");

        // esp_enable / ah_enable: the node's own transport output fed back to
        // its input (inbound SA lookup ignores the source address).
        Ptr<Node> h = MakeNode();
        Ptr<IpsecStack> hs = h->GetObject<IpsecStack>();
        NS_TEST_ASSERT_MSG_EQ(
            AddSa(hs, IpsecProto::ESP, "10.0.0.1", "10.0.0.2", 0x2000), 0, "ESP SA");
        NS_TEST_ASSERT_MSG_EQ(
            AddSa(hs, IpsecProto::AH, "10.0.0.1", "10.0.0.3", 0x3000), 0, "AH SA");
        hs->GetSpd()->Add(OutPolicy(
            "10.0.0.1", 32, "10.0.0.2", 32, RequireReq(IpsecProto::ESP, IpsecMode::TRANSPORT)));
        hs->GetSpd()->Add(OutPolicy(
            "10.0.0.1", 32, "10.0.0.3", 32, RequireReq(IpsecProto::AH, IpsecMode::TRANSPORT)));
        auto roundTrip = [&](const char* dst)
        {
            IpsecStack::OutputResult r
                = hs->ProcessOutput(Create<Packet>(20), Context("10.0.0.1", dst, 0, false, false));
            NS_TEST_EXPECT_MSG_EQ(static_cast<int>(r.verdict),
                                  static_cast<int>(IpsecStack::Verdict::PROTECTED),
                                  "protected");
            return hs->Decapsulate(r.packet, r.header).ok;
        };
        NS_TEST_EXPECT_MSG_EQ(roundTrip("10.0.0.2"), true, "esp_enable=1: ESP input accepted");
        NS_TEST_EXPECT_MSG_EQ(roundTrip("10.0.0.3"), true, "ah_enable=1: AH input accepted");
        IpsecSysctl::Set(h, "net.inet.esp.esp_enable", "0");
        NS_TEST_EXPECT_MSG_EQ(roundTrip("10.0.0.2"), false, "esp_enable=0: ESP input dropped");
        NS_TEST_EXPECT_MSG_EQ(roundTrip("10.0.0.3"), true, "esp_enable=0 leaves AH alone");
        IpsecSysctl::Set(h, "net.inet.ah.ah_enable", "0");
        NS_TEST_EXPECT_MSG_EQ(roundTrip("10.0.0.3"), false, "ah_enable=0: AH input dropped");
        IpsecSysctl::Set(h, "net.inet.esp.esp_enable", "1");
        NS_TEST_EXPECT_MSG_EQ(roundTrip("10.0.0.2"), true, "esp_enable=1 again");
        Simulator::Destroy();
    }
};

/// Out-of-range and malformed values are refused with the knob's EINVAL
/// message and change nothing.
class SysctlBadValueTestCase : public TestCase
{
  public:
    SysctlBadValueTestCase()
        : TestCase("sysctl refuses bad values (EINVAL) and keeps the old value")
    {
    }

  private:
    void DoRun() override
    {
        for (const Knob& k : g_knobs)
        {
            Ptr<Node> n = MakeNode();
            int64_t before = OtherValue(k);
            IpsecSysctl::Set(n, k.name, std::to_string(before));
            std::string listBefore = Join(IpsecSysctl::List(n));
            std::string expected = std::string("sysctl: ") + k.name
                                 + ": Invalid argument (expected " + k.expected + ")";
            std::vector<std::string> bad = {std::to_string(k.min - 1),
                                            std::to_string(k.max + 1),
                                            "abc",
                                            "",
                                            "   ",
                                            "1.0",
                                            "1x",
                                            "0x",
                                            "--1",
                                            "+-1",
                                            "1 1",
                                            "one",
                                            "99999999999999999999999",
                                            "-99999999999999999999999",
                                            "4294967296",
                                            "-4294967295"};
            for (const std::string& v : bad)
            {
                std::string msg = ErrorOf(
                    [&]()
                    {
                        IpsecSysctl::Set(n, k.name, v);
                    });
                NS_TEST_EXPECT_MSG_EQ(msg, expected, k.name << "='" << v << "'");
                NS_TEST_EXPECT_MSG_EQ(ReadAttribute(n, k),
                                      before,
                                      k.name << "='" << v << "' left the attribute alone");
                NS_TEST_EXPECT_MSG_EQ(IpsecSysctl::Get(n, k.name),
                                      std::to_string(before),
                                      k.name << "='" << v << "' left the value alone");
            }
            NS_TEST_EXPECT_MSG_EQ(
                Join(IpsecSysctl::List(n)), listBefore, k.name << ": no variable changed");
            try
            {
                IpsecSysctl::Set(n, k.name, "x");
                NS_TEST_EXPECT_MSG_EQ(true, false, "no exception");
            }
            catch (const IpsecSysctlError& e)
            {
                NS_TEST_EXPECT_MSG_EQ(e.GetName(), std::string(k.name), "GetName");
            }
        }

        // The exact message of the task's example.
        Ptr<Node> n = MakeNode();
        NS_TEST_EXPECT_MSG_EQ(ErrorOf(
                                  [&]()
                                  {
                                      IpsecSysctl::Set(n, "net.inet.ipsec.dfbit", "3");
                                  }),
                              "sysctl: net.inet.ipsec.dfbit: Invalid argument (expected 0, 1 or 2)",
                              "dfbit=3");
        // Booleans take 0 and 1 only, not any non-zero integer.
        NS_TEST_EXPECT_MSG_EQ(ErrorOf(
                                  [&]()
                                  {
                                      IpsecSysctl::Set(n, "net.inet.esp.esp_enable", "2");
                                  }),
                              "sysctl: net.inet.esp.esp_enable: Invalid argument (expected 0 or 1)",
                              "esp_enable=2");
        NS_TEST_EXPECT_MSG_EQ(ErrorOf(
                                  [&]()
                                  {
                                      IpsecSysctl::Set(n, "net.inet.esp.esp_enable", "true");
                                  }),
                              "sysctl: net.inet.esp.esp_enable: Invalid argument (expected 0 or 1)",
                              "esp_enable=true");
        Simulator::Destroy();
    }
};

/// Unknown names and inner nodes are refused with sysctl(8)'s messages.
class SysctlUnknownNameTestCase : public TestCase
{
  public:
    SysctlUnknownNameTestCase()
        : TestCase("sysctl refuses unknown names (incl. the IPv4-only knobs under inet6)")
    {
    }

  private:
    void DoRun() override
    {
        struct Case
        {
            const char* name;
            const char* message;
        };

        const Case cases[] = {
            {"net.inet.ipsec.xyz",
             "sysctl: fourth level name 'xyz' in 'net.inet.ipsec.xyz' is invalid"},
            {"net.inet6.ipsec6.dfbit",
             "sysctl: fourth level name 'dfbit' in 'net.inet6.ipsec6.dfbit' is invalid"},
            {"net.inet6.ipsec6.ah_cleartos",
             "sysctl: fourth level name 'ah_cleartos' in 'net.inet6.ipsec6.ah_cleartos' is "
             "invalid"},
            {"net.inet6.ipsec6.ah_offsetmask",
             "sysctl: fourth level name 'ah_offsetmask' in 'net.inet6.ipsec6.ah_offsetmask' is "
             "invalid"},
            {"net.inet.ipsec.esp_randpad",
             "sysctl: fourth level name 'esp_randpad' in 'net.inet.ipsec.esp_randpad' is invalid"},
            {"net.inet.ipsec.DFBIT",
             "sysctl: fourth level name 'DFBIT' in 'net.inet.ipsec.DFBIT' is invalid"},
            {"net.inet6.ipsec.dfbit",
             "sysctl: third level name 'ipsec' in 'net.inet6.ipsec.dfbit' is invalid"},
            {"net.inet.esp.ah_enable",
             "sysctl: fourth level name 'ah_enable' in 'net.inet.esp.ah_enable' is invalid"},
            {"net.inet6.esp.esp_enable",
             "sysctl: third level name 'esp' in 'net.inet6.esp.esp_enable' is invalid"},
            {"net.key.spi_typo",
             "sysctl: third level name 'spi_typo' in 'net.key.spi_typo' is invalid"},
            {"kern.hostname", "sysctl: top level name 'kern' in 'kern.hostname' is invalid"},
            {"dfbit", "sysctl: top level name 'dfbit' in 'dfbit' is invalid"},
            {"", "sysctl: top level name '' in '' is invalid"},
            {"net.inet.ipsec.dfbit.x",
             "sysctl: fifth level name 'x' in 'net.inet.ipsec.dfbit.x' is invalid"},
            {"net.inet.ipsec.", "sysctl: fourth level name '' in 'net.inet.ipsec.' is invalid"},
            {" net.inet.ipsec.dfbit",
             "sysctl: top level name ' net' in ' net.inet.ipsec.dfbit' is invalid"},
            {"net.inet.ipsec",
             "sysctl: net.inet.ipsec: Is a directory (expected a variable such as "
             "net.inet.ipsec.def_policy)"},
            {"net.inet6",
             "sysctl: net.inet6: Is a directory (expected a variable such as "
             "net.inet6.ipsec6.def_policy)"},
            {"net",
             "sysctl: net: Is a directory (expected a variable such as "
             "net.inet.ipsec.def_policy)"},
        };
        Ptr<Node> n = MakeNode();
        std::string listBefore = Join(IpsecSysctl::List(n));
        for (const Case& c : cases)
        {
            NS_TEST_EXPECT_MSG_EQ(ErrorOf(
                                      [&]()
                                      {
                                          IpsecSysctl::Set(n, c.name, "1");
                                      }),
                                  std::string(c.message),
                                  "Set '" << c.name << "'");
            NS_TEST_EXPECT_MSG_EQ(ErrorOf(
                                      [&]()
                                      {
                                          IpsecSysctl::Get(n, c.name);
                                      }),
                                  std::string(c.message),
                                  "Get '" << c.name << "'");
        }
        NS_TEST_EXPECT_MSG_EQ(Join(IpsecSysctl::List(n)), listBefore, "nothing changed");
        try
        {
            IpsecSysctl::Get(n, "net.inet6.ipsec6.dfbit");
        }
        catch (const IpsecSysctlError& e)
        {
            NS_TEST_EXPECT_MSG_EQ(e.GetName(), "net.inet6.ipsec6.dfbit", "GetName");
        }
        // List of an unknown subtree.
        NS_TEST_EXPECT_MSG_EQ(ErrorOf(
                                  [&]()
                                  {
                                      IpsecSysctl::List(n, "net.inet.ipsec6");
                                  }),
                              "sysctl: third level name 'ipsec6' in 'net.inet.ipsec6' is invalid",
                              "List of an unknown subtree");
        Simulator::Destroy();
    }
};

/// A node without an IpsecStack has no ipsec(4) variables.
class SysctlNoStackTestCase : public TestCase
{
  public:
    SysctlNoStackTestCase()
        : TestCase("sysctl on a node without IpsecStack")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<Node> bare = CreateObject<Node>();
        std::string id = std::to_string(bare->GetId());
        NS_TEST_EXPECT_MSG_EQ(
            ErrorOf(
                [&]()
                {
                    IpsecSysctl::Set(bare, "net.inet.ipsec.dfbit", "1");
                }),
            "sysctl: net.inet.ipsec.dfbit: node " + id
                + " has no ns3::IpsecStack (expected a node with an IpsecStack aggregated)",
            "Set");
        NS_TEST_EXPECT_MSG_EQ(
            ErrorOf(
                [&]()
                {
                    IpsecSysctl::Get(bare, "net.inet6.ipsec6.ecn");
                }),
            "sysctl: net.inet6.ipsec6.ecn: node " + id
                + " has no ns3::IpsecStack (expected a node with an IpsecStack aggregated)",
            "Get");
        NS_TEST_EXPECT_MSG_EQ(
            ErrorOf(
                [&]()
                {
                    IpsecSysctl::SetFromString(bare, "net.inet.ipsec.ecn=1");
                }),
            "sysctl: net.inet.ipsec.ecn: node " + id
                + " has no ns3::IpsecStack (expected a node with an IpsecStack aggregated)",
            "SetFromString");
        NS_TEST_EXPECT_MSG_EQ(ErrorOf(
                                  [&]()
                                  {
                                      IpsecSysctl::List(bare);
                                  }),
                              "sysctl: net: node " + id
                                  + " has no ns3::IpsecStack (expected a node with an IpsecStack "
                                    "aggregated)",
                              "List");
        // A misspelt name is reported as such even without a stack.
        NS_TEST_EXPECT_MSG_EQ(ErrorOf(
                                  [&]()
                                  {
                                      IpsecSysctl::Get(bare, "net.inet.ipsec.xyz");
                                  }),
                              "sysctl: fourth level name 'xyz' in 'net.inet.ipsec.xyz' is invalid",
                              "name checked first");
        NS_TEST_EXPECT_MSG_EQ(
            ErrorOf(
                [&]()
                {
                    IpsecSysctl::Get(nullptr, "net.inet.ipsec.dfbit");
                }),
            "sysctl: net.inet.ipsec.dfbit: no node (expected a node with an IpsecStack "
            "aggregated)",
            "null node");
        Simulator::Destroy();
    }
};

/// "name=value" assignments.
class SysctlSetFromStringTestCase : public TestCase
{
  public:
    SysctlSetFromStringTestCase()
        : TestCase("sysctl -w name=value")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<Node> n = MakeNode();
        Ptr<IpsecStack> s = n->GetObject<IpsecStack>();
        IpsecSysctl::SetFromString(n, "net.inet.ipsec.dfbit=2");
        UintegerValue dfbit;
        s->GetAttribute("Dfbit", dfbit);
        NS_TEST_EXPECT_MSG_EQ(dfbit.Get(), 2u, "dfbit=2");
        IpsecSysctl::SetFromString(n, "  net.inet6.ipsec6.ecn = -1 ");
        IntegerValue ecn6;
        s->GetAttribute("Ipv6Ecn", ecn6);
        NS_TEST_EXPECT_MSG_EQ(ecn6.Get(), -1, "blanks around name and value");
        IpsecSysctl::SetFromString(n, "net.inet.ipcomp.ipcomp_enable=0");
        BooleanValue ipcomp;
        s->GetAttribute("IpcompEnable", ipcomp);
        NS_TEST_EXPECT_MSG_EQ(ipcomp.Get(), false, "ipcomp_enable=0");

        NS_TEST_EXPECT_MSG_EQ(ErrorOf(
                                  [&]()
                                  {
                                      IpsecSysctl::SetFromString(n, "net.inet.ipsec.dfbit");
                                  }),
                              "sysctl: 'net.inet.ipsec.dfbit': expected name=value",
                              "no '='");
        NS_TEST_EXPECT_MSG_EQ(ErrorOf(
                                  [&]()
                                  {
                                      IpsecSysctl::SetFromString(n, "net.inet.ipsec.dfbit=");
                                  }),
                              "sysctl: net.inet.ipsec.dfbit: Invalid argument (expected 0, 1 or 2)",
                              "empty value");
        NS_TEST_EXPECT_MSG_EQ(ErrorOf(
                                  [&]()
                                  {
                                      IpsecSysctl::SetFromString(n, "net.inet.ipsec.dfbit=1=1");
                                  }),
                              "sysctl: net.inet.ipsec.dfbit: Invalid argument (expected 0, 1 or 2)",
                              "second '=' belongs to the value");
        NS_TEST_EXPECT_MSG_EQ(
            ErrorOf(
                [&]()
                {
                    IpsecSysctl::SetFromString(n, "net.inet6.ipsec6.dfbit=1");
                }),
            "sysctl: fourth level name 'dfbit' in 'net.inet6.ipsec6.dfbit' is invalid",
            "unknown name");
        NS_TEST_EXPECT_MSG_EQ(IpsecSysctl::Get(n, "net.inet.ipsec.dfbit"), "2", "unchanged");
        Simulator::Destroy();
    }
};

/// net.key.*: views of the SAD's and the key engine's attributes.
class SysctlNetKeyTestCase : public TestCase
{
  public:
    SysctlNetKeyTestCase()
        : TestCase("net.key variables reach the SAD and the key engine")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<Node> n = MakeNode();
        Ptr<IpsecStack> stack = n->GetObject<IpsecStack>();
        IpsecSysctl::Set(n, "net.key.larval_lifetime", "120");
        UintegerValue u;
        stack->GetSad()->GetAttribute("LarvalLifetime", u);
        NS_TEST_EXPECT_MSG_EQ(u.Get(), 120, "larval_lifetime is the SAD's LarvalLifetime");
        IpsecSysctl::Set(n, "net.key.blockacq_count", "3");
        stack->GetKeyEngine()->GetAttribute("BlockAcqCount", u);
        NS_TEST_EXPECT_MSG_EQ(u.Get(), 3, "blockacq_count is the engine's BlockAcqCount");
        IpsecSysctl::Set(n, "net.key.preferred_oldsa", "0");
        BooleanValue b;
        stack->GetKeyEngine()->GetAttribute("PreferredOldSa", b);
        NS_TEST_EXPECT_MSG_EQ(b.Get(), false, "preferred_oldsa 0");
        NS_TEST_EXPECT_MSG_EQ(IpsecSysctl::Get(n, "net.key.preferred_oldsa"), "0", "read back");
        std::string message;
        try
        {
            IpsecSysctl::Set(n, "net.key.preferred_oldsa", "2");
        }
        catch (const IpsecSysctlError& e)
        {
            message = e.what();
        }
        NS_TEST_EXPECT_MSG_EQ(message,
                              "sysctl: net.key.preferred_oldsa: Invalid argument (expected 0 or 1)",
                              "out of range");
        message.clear();
        try
        {
            IpsecSysctl::Set(n, "net.key.spi_try", "0");
        }
        catch (const IpsecSysctlError& e)
        {
            message = e.what();
        }
        NS_TEST_EXPECT_MSG_NE(message, "", "spi_try 0 refused");
        message.clear();
        try
        {
            IpsecSysctl::Get(n, "net.key.random_int");
        }
        catch (const IpsecSysctlError& e)
        {
            message = e.what();
        }
        NS_TEST_EXPECT_MSG_EQ(
            message,
            "sysctl: third level name 'random_int' in 'net.key.random_int' is invalid",
            "random_int is not modelled");
    }
};
/// `sysctl -a` lines.
class SysctlListTestCase : public TestCase
{
  public:
    SysctlListTestCase()
        : TestCase("sysctl -a listing")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<Node> n = MakeNode();
        const std::string defaults = "net.inet.ipsec.def_policy = 1\n"
                                     "net.inet.ipsec.esp_trans_deflev = 1\n"
                                     "net.inet.ipsec.esp_net_deflev = 1\n"
                                     "net.inet.ipsec.ah_trans_deflev = 1\n"
                                     "net.inet.ipsec.ah_net_deflev = 1\n"
                                     "net.inet.ipsec.ah_cleartos = 1\n"
                                     "net.inet.ipsec.ah_offsetmask = 0\n"
                                     "net.inet.ipsec.dfbit = 0\n"
                                     "net.inet.ipsec.ecn = 0\n"
                                     "net.inet.ipsec.debug = 0\n"
                                     "net.inet.esp.esp_enable = 1\n"
                                     "net.inet.ah.ah_enable = 1\n"
                                     "net.inet.ipcomp.ipcomp_enable = 1\n"
                                     "net.inet6.ipsec6.def_policy = 1\n"
                                     "net.inet6.ipsec6.esp_trans_deflev = 1\n"
                                     "net.inet6.ipsec6.esp_net_deflev = 1\n"
                                     "net.inet6.ipsec6.ah_trans_deflev = 1\n"
                                     "net.inet6.ipsec6.ah_net_deflev = 1\n"
                                     "net.inet6.ipsec6.ecn = 0\n"
                                     "net.inet6.ipsec6.debug = 0\n"
                                     // key.c's net.key defaults
                                     "net.key.debug = 0\n"
                                     "net.key.spi_try = 1000\n"
                                     "net.key.spi_min_value = 256\n"
                                     "net.key.spi_max_value = 268435455\n"
                                     "net.key.larval_lifetime = 30\n"
                                     "net.key.blockacq_count = 10\n"
                                     "net.key.blockacq_lifetime = 20\n"
                                     "net.key.esp_keymin = 256\n"
                                     "net.key.esp_auth = 0\n"
                                     "net.key.ah_keymin = 128\n"
                                     "net.key.preferred_oldsa = 1\n";
        NS_TEST_EXPECT_MSG_EQ(Join(IpsecSysctl::List(n)), defaults, "defaults");
        NS_TEST_EXPECT_MSG_EQ(Join(IpsecSysctl::List(n)), defaults, "stable");
        NS_TEST_EXPECT_MSG_EQ(Join(IpsecSysctl::List(n, "net")), defaults, "net subtree = all");

        IpsecSysctl::Set(n, "net.inet.ipsec.ah_offsetmask", "0xffff");
        IpsecSysctl::Set(n, "net.inet.ipsec.ah_cleartos", "0");
        IpsecSysctl::Set(n, "net.inet6.ipsec6.ecn", "-1");
        std::vector<std::string> lines = IpsecSysctl::List(n);
        NS_TEST_ASSERT_MSG_EQ(lines.size(), 31u, "one line per variable");
        NS_TEST_EXPECT_MSG_EQ(lines[5], "net.inet.ipsec.ah_cleartos = 0", "boolean as 0");
        NS_TEST_EXPECT_MSG_EQ(lines[6], "net.inet.ipsec.ah_offsetmask = 65535", "decimal");
        NS_TEST_EXPECT_MSG_EQ(lines[18], "net.inet6.ipsec6.ecn = -1", "negative");

        NS_TEST_EXPECT_MSG_EQ(Join(IpsecSysctl::List(n, "net.inet6.ipsec6")),
                              "net.inet6.ipsec6.def_policy = 1\n"
                              "net.inet6.ipsec6.esp_trans_deflev = 1\n"
                              "net.inet6.ipsec6.esp_net_deflev = 1\n"
                              "net.inet6.ipsec6.ah_trans_deflev = 1\n"
                              "net.inet6.ipsec6.ah_net_deflev = 1\n"
                              "net.inet6.ipsec6.ecn = -1\n"
                              "net.inet6.ipsec6.debug = 0\n",
                              "inet6 subtree");
        NS_TEST_EXPECT_MSG_EQ(Join(IpsecSysctl::List(n, "net.inet.esp")),
                              "net.inet.esp.esp_enable = 1\n",
                              "esp subtree");
        NS_TEST_EXPECT_MSG_EQ(Join(IpsecSysctl::List(n, "net.inet.ipsec.ah_offsetmask")),
                              "net.inet.ipsec.ah_offsetmask = 65535\n",
                              "one variable");
        NS_TEST_EXPECT_MSG_EQ(IpsecSysctl::List(n, "net.inet").size(), 13u, "inet subtree");
        // Every line is "name = value" with the value Get returns.
        for (const std::string& line : IpsecSysctl::List(n))
        {
            std::string::size_type eq = line.find(" = ");
            NS_TEST_ASSERT_MSG_NE(eq, std::string::npos, line);
            NS_TEST_EXPECT_MSG_EQ(
                line.substr(eq + 3), IpsecSysctl::Get(n, line.substr(0, eq)), line);
        }
        Simulator::Destroy();
    }
};

class IpsecSysctlTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecSysctlTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-sysctl", UNIT)
    {
        AddTestCase(new SysctlDefaultsTestCase, TestCase::QUICK);
        AddTestCase(new SysctlWriteTestCase, TestCase::QUICK);
        AddTestCase(new SysctlEffectTestCase, TestCase::QUICK);
        AddTestCase(new SysctlTunnelInputEffectTestCase, TestCase::QUICK);
        AddTestCase(new SysctlBadValueTestCase, TestCase::QUICK);
        AddTestCase(new SysctlUnknownNameTestCase, TestCase::QUICK);
        AddTestCase(new SysctlNoStackTestCase, TestCase::QUICK);
        AddTestCase(new SysctlSetFromStringTestCase, TestCase::QUICK);
        AddTestCase(new SysctlListTestCase, TestCase::QUICK);
        AddTestCase(new SysctlNetKeyTestCase, TestCase::QUICK);
    }
};

static IpsecSysctlTestSuite g_ipsecSysctlTestSuite;
