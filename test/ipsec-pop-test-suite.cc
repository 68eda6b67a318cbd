// SPDX-License-Identifier: GPL-2.0-only
/*
 * System tests of the ipsec-pop-policy example: the NetBSD IPsec FAQ's POP
 * mail server A, which requires AH for POP (TCP 110) from everyone but
 * itself, with its four policies in the FAQ's order and reordered.
 *
 *  1. The shipped scripts, loaded in-process: the linter finds nothing in
 *     A.conf and B.conf and reports exactly the two `none` policies of
 *     A-reordered.conf as shadowed by the two `require` policies.
 *  2. The FAQ's order (with an outsider C that has no IPsec): every
 *     datagram between A and B on the LAN is AH with the SPI of the
 *     scripts' SA for its direction, an ICV this test recomputes with
 *     OpenSSL from the scripts' keys, and a TCP segment of port 110 inside;
 *     the mail crossed the LAN inside AH; A's own session completed without
 *     ever appearing on the LAN, and its datagrams matched the `none`
 *     policies and never the `require` ones; C's SYNs reached A in clear
 *     and were all refused (A's in_polvio equals them) and never answered.
 *  3. The reordered set: B's session still completes in AH; A's own
 *     session never opens, A's server never accepts it, and each of its
 *     SYNs is counted in A's in_polvio, refused by the inbound `require`
 *     policy -- not a missing SA: out_nosa stays 0, since the SYN matches no
 *     outbound policy and the server never gets to answer.  The program's
 *     lint findings name the lines of the `none` policies.  To 127.0.0.1
 *     (--local=localhost) the local session completes: no policy covers it.
 *
 * Expected values come from the scripts (read by this file or by
 * ipsec-test-util's small reader, never by the module's parser), the
 * command line and RFC 4302, not from the program's text output.  The cases
 * run the standalone build's example program; inside an ns-3 source tree
 * they skip.
 */

#include "ipsec-test-base.h"
#include "ipsec-test-util.h"
#include "ns3/ipsec-policy-lint.h"
#include "ns3/ipsec-sad.h"
#include "ns3/ipsec-spd.h"
#include "ns3/setkey.h"
#include "ns3/simulator.h"
#include "ns3/test.h"

#include <algorithm>
#include <arpa/inet.h>
#include <filesystem>
#include <iostream>
#include <map>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <set>
#include <string>
#include <vector>

#ifndef NS3_IPSEC_SOURCE_DIR
#define NS3_IPSEC_SOURCE_DIR "."
#endif

using namespace ns3;
using namespace ns3::ipsectest;

namespace
{

// The example's topology (examples/ipsec-pop-policy.cc, README).
const char* const kA = "10.0.0.1";
const char* const kB = "10.0.0.2";
const char* const kC = "10.0.0.3";
const uint16_t kPop = 110;
const uint8_t kProtoTcp = 6;
const uint8_t kProtoAh = 51;
const uint32_t kMailBytes = 12345; ///< passed as --mailBytes

std::string
PopScript(const std::string& name)
{
    return std::string(NS3_IPSEC_SOURCE_DIR) + "/examples/pop/" + name;
}

/// The 1-based numbers of the lines of @p path containing every one of @p words.
std::vector<long long>
LinesWith(const std::string& path, const std::vector<std::string>& words)
{
    std::vector<long long> lines;
    std::vector<std::string> all = Split(ReadFile(path), '\n');
    for (size_t i = 0; i < all.size(); ++i)
    {
        if (all[i].rfind("#", 0) == 0)
        {
            continue;
        }
        bool every = true;
        for (const auto& w : words)
        {
            every = every && all[i].find(w) != std::string::npos;
        }
        if (every)
        {
            lines.push_back(static_cast<long long>(i + 1));
        }
    }
    return lines;
}

/// An IPv4 datagram from an Ethernet pcap.
using Datagram = CapturedIpv4;

uint32_t
Be32(const std::string& s, size_t at)
{
    return (static_cast<uint32_t>(static_cast<uint8_t>(s[at])) << 24)
         | (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 1])) << 16)
         | (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 2])) << 8)
         | static_cast<uint32_t>(static_cast<uint8_t>(s[at + 3]));
}

uint16_t
Be16(const std::string& s, size_t at)
{
    return static_cast<uint16_t>((static_cast<uint8_t>(s[at]) << 8)
                                 | static_cast<uint8_t>(s[at + 1]));
}

std::string
HexToBytes(const std::string& hex)
{
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
    {
        out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return out;
}

/// What an AH datagram (RFC 4302, IPv4 transport mode) carries.
struct AhDatagram
{
    bool ok{false};
    uint8_t next{0};
    uint32_t spi{0};
    uint32_t seq{0};
    size_t icvAt{0};   ///< offset of the ICV in the datagram
    size_t icvLen{0};  ///< its length
    size_t payload{0}; ///< offset of the protected payload
};

AhDatagram
ParseAh(const std::string& ip)
{
    AhDatagram ah;
    size_t ihl = (static_cast<uint8_t>(ip[0]) & 0x0f) * 4;
    if (ip.size() < ihl + 12)
    {
        return ah;
    }
    size_t len = (static_cast<uint8_t>(ip[ihl + 1]) + 2) * 4;
    if (len < 12 || ip.size() < ihl + len)
    {
        return ah;
    }
    ah.ok = true;
    ah.next = static_cast<uint8_t>(ip[ihl]);
    ah.spi = Be32(ip, ihl + 4);
    ah.seq = Be32(ip, ihl + 8);
    ah.icvAt = ihl + 12;
    ah.icvLen = len - 12;
    ah.payload = ihl + len;
    return ah;
}

/**
 * The ICV of an IPv4 AH datagram with HMAC-SHA1-96 and @p key: the IP
 * header with the mutable fields zeroed (TOS, flags and fragment offset,
 * TTL, checksum: RFC 4302 3.3.3.1, KAME's ah_cleartos=1 and
 * ah_offsetmask=0), the AH header with a zero ICV, the payload.
 */
std::string
AhIcvSha1(const std::string& ip, const AhDatagram& ah, const std::string& key)
{
    std::string m = ip;
    m[1] = 0;          // TOS
    m[6] = m[7] = 0;   // flags, fragment offset
    m[8] = 0;          // TTL
    m[10] = m[11] = 0; // header checksum
    for (size_t i = 0; i < ah.icvLen; ++i)
    {
        m[ah.icvAt + i] = 0;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdLen = 0;
    HMAC(EVP_sha1(),
         key.data(),
         static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(m.data()),
         m.size(),
         md,
         &mdLen);
    return std::string(reinterpret_cast<const char*>(md), std::min<unsigned int>(mdLen, 12));
}

const Json*
FindNamed(const Json& doc, const std::string& array, const std::string& name)
{
    const Json* a = doc.Find(array);
    if (!a)
    {
        return nullptr;
    }
    for (const auto& item : a->items)
    {
        const Json* n = item.Find("name");
        if (n && n->text == name)
        {
            return &item;
        }
    }
    return nullptr;
}

long long
Field(const Json* obj, const std::string& key)
{
    const Json* v = obj ? obj->Find(key) : nullptr;
    return v ? v->Integer() : -1;
}

bool
Flag(const Json* obj, const std::string& key)
{
    const Json* v = obj ? obj->Find(key) : nullptr;
    return v && v->text == "true";
}

// ===========================================================================
// 1. The linter on the shipped scripts
// ===========================================================================

class PopLintTestCase : public TestCase
{
  public:
    PopLintTestCase()
        : TestCase("shipped POP scripts: the lint flags the reordered set only")
    {
    }

  private:
    std::vector<IpsecLintFinding> Lint(const std::string& path)
    {
        Ptr<IpsecSad> sad = CreateObject<IpsecSad>();
        Ptr<IpsecSpd> spd = CreateObject<IpsecSpd>();
        SetkeyResult r = Setkey::Run(sad, spd, ReadFile(path), path);
        NS_TEST_EXPECT_MSG_EQ(r.ok, true, path << " loads");
        return IpsecPolicyLint::Check(spd);
    }

    void DoRun() override
    {
        NS_TEST_EXPECT_MSG_EQ(Lint(PopScript("A.conf")).size(), 0u, "A.conf: FAQ order");
        NS_TEST_EXPECT_MSG_EQ(Lint(PopScript("B.conf")).size(), 0u, "B.conf");

        const std::string bad = PopScript("A-reordered.conf");
        std::vector<IpsecLintFinding> f = Lint(bad);
        std::vector<long long> noneLines = LinesWith(bad, {"spdadd", " none;"});
        std::vector<long long> requireLines = LinesWith(bad, {"spdadd", "require;"});
        NS_TEST_ASSERT_MSG_EQ(noneLines.size(), 2u, "two none policies in " << bad);
        NS_TEST_ASSERT_MSG_EQ(requireLines.size(), 2u, "two require policies in " << bad);
        NS_TEST_ASSERT_MSG_EQ(f.size(), 2u, "both none policies, nothing else");
        for (size_t i = 0; i < f.size(); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(static_cast<int>(f[i].kind),
                                  static_cast<int>(IpsecLintFinding::Kind::SHADOWED),
                                  "shadowed (the require policies act differently)");
            NS_TEST_EXPECT_MSG_EQ(static_cast<int>(f[i].policy->action),
                                  static_cast<int>(IpsecPolicyAction::NONE),
                                  "a none policy");
            NS_TEST_EXPECT_MSG_EQ(
                static_cast<long long>(f[i].policy->setkeyLine), noneLines[i], "its line");
            NS_TEST_ASSERT_MSG_EQ(f[i].coveredBy.size(), 1u, "one coverer");
            NS_TEST_EXPECT_MSG_EQ(static_cast<long long>(f[i].coveredBy[0]->setkeyLine),
                                  requireLines[i],
                                  "the require policy of the same direction");
            NS_TEST_EXPECT_MSG_EQ(static_cast<int>(f[i].coveredBy[0]->direction),
                                  static_cast<int>(f[i].policy->direction),
                                  "same direction");
        }
        Simulator::Destroy();
    }
};

// ===========================================================================
// 2, 3. The example program
// ===========================================================================

class PopExampleTestCase : public ExampleTestCase
{
  public:
    explicit PopExampleTestCase(const std::string& name)
        : ExampleTestCase(name)
    {
    }

  protected:
    /// Runs ipsec-pop-policy with @p args (plus --json and --pcapDir) and reads its summary.
    bool Run(const std::vector<std::string>& args,
             const TempDir& tmp,
             Json& doc,
             std::string& pcaps)
    {
        return RunStandaloneExample("ipsec-pop", "ipsec-pop-policy", args, tmp, doc, pcaps);
    }

    /// What the LAN carried between A and B, checked datagram by datagram.
    struct AbTraffic
    {
        uint64_t ahAtoB{0};
        uint64_t ahBtoA{0};
        uint64_t mailBytes{0}; ///< TCP payload from A:110 to B inside AH
        uint64_t clearFromC{0};
        uint64_t toC{0};
        uint64_t selfToSelf{0};
    };

    /**
     * Every datagram between A and B in A's capture must be AH with the
     * SPI of the scripts' SA for its direction, a correct HMAC-SHA1-96 ICV
     * and a TCP segment of port 110 inside.
     */
    void CheckLan(const std::string& pcaps, const std::string& ctx, AbTraffic& t)
    {
        std::string error;
        const std::vector<ScriptSa> sas = ReadScriptSas(PopScript("B.conf"), error);
        NS_TEST_EXPECT_MSG_EQ(error, "", "B.conf");
        const ScriptSa* aToB = FindSa(sas, "ah", kA, kB);
        const ScriptSa* bToA = FindSa(sas, "ah", kB, kA);
        NS_TEST_ASSERT_MSG_NE(aToB, nullptr, "B.conf has an AH SA from A to B");
        NS_TEST_ASSERT_MSG_NE(bToA, nullptr, "B.conf has an AH SA from B to A");
        NS_TEST_EXPECT_MSG_EQ(aToB->authAlg, "hmac-sha1", "B.conf");
        NS_TEST_EXPECT_MSG_EQ(bToA->authAlg, "hmac-sha1", "B.conf");

        std::vector<Datagram> lan;
        const std::string pcap = PcapFile(pcaps, "ipsec-pop-policy", 0, 0);
        NS_TEST_ASSERT_MSG_EQ(ReadEthernetIpv4(pcap, lan), true, "an Ethernet capture: " << pcap);
        uint64_t badIcv = 0;
        uint64_t notPop = 0;
        uint64_t clearAb = 0;
        for (const auto& d : lan)
        {
            if (d.src == kA && d.dst == kA)
            {
                t.selfToSelf++;
                continue;
            }
            if (d.src == kC || d.dst == kC)
            {
                (d.src == kC ? t.clearFromC : t.toC) += d.protocol == kProtoTcp ? 1 : 0;
                continue;
            }
            const bool fromA = d.src == kA && d.dst == kB;
            const bool fromB = d.src == kB && d.dst == kA;
            if (!fromA && !fromB)
            {
                continue;
            }
            if (d.protocol != kProtoAh)
            {
                clearAb++;
                continue;
            }
            AhDatagram ah = ParseAh(d.bytes);
            const ScriptSa* sa = fromA ? aToB : bToA;
            NS_TEST_EXPECT_MSG_EQ(ah.ok, true, ctx << ": a well-formed AH header");
            NS_TEST_EXPECT_MSG_EQ(
                ah.spi, sa->spi, ctx << ": the SPI of the " << d.src << " -> " << d.dst << " SA");
            NS_TEST_EXPECT_MSG_EQ(ah.icvLen, 12u, ctx << ": a 96-bit ICV");
            if (!ah.ok || ah.icvLen != 12)
            {
                continue;
            }
            if (AhIcvSha1(d.bytes, ah, HexToBytes(sa->authKey)) != d.bytes.substr(ah.icvAt, 12))
            {
                badIcv++;
            }
            if (ah.next != kProtoTcp || d.bytes.size() < ah.payload + 20)
            {
                notPop++;
                continue;
            }
            uint16_t sport = Be16(d.bytes, ah.payload);
            uint16_t dport = Be16(d.bytes, ah.payload + 2);
            if ((fromA ? sport : dport) != kPop)
            {
                notPop++;
            }
            size_t tcpHeader = (static_cast<uint8_t>(d.bytes[ah.payload + 12]) >> 4) * 4;
            if (fromA)
            {
                t.ahAtoB++;
                t.mailBytes += d.bytes.size() - ah.payload - tcpHeader;
            }
            else
            {
                t.ahBtoA++;
            }
        }
        NS_TEST_EXPECT_MSG_EQ(clearAb, 0u, ctx << ": datagrams between A and B without AH");
        NS_TEST_EXPECT_MSG_EQ(badIcv, 0u, ctx << ": AH ICVs that do not verify with the key");
        NS_TEST_EXPECT_MSG_EQ(notPop, 0u, ctx << ": AH datagrams not carrying POP");
        NS_TEST_EXPECT_MSG_GT(t.ahAtoB, 0u, ctx << ": AH from A to B");
        NS_TEST_EXPECT_MSG_GT(t.ahBtoA, 0u, ctx << ": AH from B to A");
        // The message and the server's responses crossed the LAN inside AH.
        NS_TEST_EXPECT_MSG_GT(t.mailBytes, kMailBytes, ctx << ": POP payload from A to B in AH");
        NS_TEST_EXPECT_MSG_EQ(t.selfToSelf, 0u, ctx << ": A's datagrams to itself on the LAN");
    }

    /// B's session: complete, the whole message, and A's counters match the LAN.
    void CheckB(const Json& doc, const AbTraffic& t, const std::string& ctx)
    {
        const Json* b = FindNamed(doc, "sessions", "B");
        NS_TEST_ASSERT_MSG_NE(b, nullptr, ctx << ": B's session in the JSON");
        NS_TEST_EXPECT_MSG_EQ(Flag(b, "completed"), true, ctx << ": B's session completed");
        NS_TEST_EXPECT_MSG_EQ(Field(b, "mailBytes"), kMailBytes, ctx << ": B got the message");
        const Json* a = JsonCounters(doc, "A", "ipsec");
        NS_TEST_EXPECT_MSG_EQ(
            Field(a, "out_success"), static_cast<long long>(t.ahAtoB), ctx << ": A's out_success");
        NS_TEST_EXPECT_MSG_EQ(
            Field(a, "in_success"), static_cast<long long>(t.ahBtoA), ctx << ": A's in_success");
        NS_TEST_EXPECT_MSG_EQ(Field(a, "in_ahauthsucc"),
                              static_cast<long long>(t.ahBtoA),
                              ctx << ": A's in_ahauthsucc");
        NS_TEST_EXPECT_MSG_EQ(Field(a, "out_nosa"), 0, ctx << ": A's out_nosa");
    }

    /// The rows of the JSON "policyHits" for policies at @p lines.
    long long OwnHits(const Json& doc, const std::vector<long long>& lines)
    {
        long long own = 0;
        const Json* rows = doc.Find("policyHits");
        for (size_t i = 0; rows && i < rows->items.size(); ++i)
        {
            const Json& row = rows->items[i];
            for (long long line : lines)
            {
                own += Field(&row, "line") == line ? Field(&row, "own") : 0;
            }
        }
        return own;
    }

    /// The addresses the server accepted connections from.
    std::vector<std::string> Accepted(const Json& doc)
    {
        std::vector<std::string> out;
        const Json* a = doc.Find("accepted");
        for (size_t i = 0; a && i < a->items.size(); ++i)
        {
            const Json& item = a->items[i];
            const Json* addr = item.Find("address");
            out.push_back(addr ? addr->text : "");
        }
        return out;
    }
};

class PopFaqOrderTestCase : public PopExampleTestCase
{
  public:
    PopFaqOrderTestCase()
        : PopExampleTestCase("FAQ order: B in AH on the wire, A's own session in clear via the "
                             "none policies, a client without IPsec refused")
    {
    }

  private:
    void DoRun() override
    {
        TempDir tmp("ipsec-pop-faq");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "temporary directory");
        Json doc;
        std::string pcaps;
        if (!Run({"--order=faq", "--outsider=true", "--mailBytes=" + std::to_string(kMailBytes)},
                 tmp,
                 doc,
                 pcaps))
        {
            return;
        }
        const std::string ctx = "FAQ order";
        AbTraffic t;
        CheckLan(pcaps, ctx, t);
        CheckB(doc, t, ctx);

        // A's own session ran, and never through the require policies.
        const Json* local = FindNamed(doc, "sessions", "A (local)");
        NS_TEST_ASSERT_MSG_NE(local, nullptr, "A's session in the JSON");
        NS_TEST_EXPECT_MSG_EQ(Flag(local, "completed"), true, "A's own session completed");
        NS_TEST_EXPECT_MSG_EQ(Field(local, "mailBytes"), kMailBytes, "A got the message");
        const std::string script = PopScript("A.conf");
        std::vector<long long> inNone = LinesWith(script, {"spdadd", "-P in none"});
        std::vector<long long> outNone = LinesWith(script, {"spdadd", "-P out none"});
        std::vector<long long> require = LinesWith(script, {"spdadd", "require;"});
        NS_TEST_ASSERT_MSG_EQ(inNone.size() + outNone.size() + require.size(), 4u, script);
        NS_TEST_EXPECT_MSG_GT(OwnHits(doc, inNone), 0, "A's requests to itself hit 'in none'");
        NS_TEST_EXPECT_MSG_GT(OwnHits(doc, outNone), 0, "A's replies to itself hit 'out none'");
        NS_TEST_EXPECT_MSG_EQ(OwnHits(doc, require), 0, "A's own datagrams never hit require");
        const Json* lint = doc.Find("lint");
        NS_TEST_EXPECT_MSG_EQ((lint ? lint->items.size() : 99u), 0u, "no lint finding");

        // C has no IPsec: its SYNs reach A in clear and are all refused.
        const Json* c = FindNamed(doc, "sessions", "C");
        NS_TEST_ASSERT_MSG_NE(c, nullptr, "C's session in the JSON");
        NS_TEST_EXPECT_MSG_EQ(Flag(c, "connected"), false, "C never connects");
        NS_TEST_EXPECT_MSG_GT(Field(c, "synSent"), 1, "C retransmits its SYN");
        NS_TEST_EXPECT_MSG_EQ(
            static_cast<long long>(t.clearFromC), Field(c, "synSent"), "C's SYNs on the LAN");
        NS_TEST_EXPECT_MSG_EQ(t.toC, 0u, "A never answers C");
        NS_TEST_EXPECT_MSG_EQ(Field(JsonCounters(doc, "A", "ipsec"), "in_polvio"),
                              Field(c, "synSent"),
                              "A's in_polvio: C's SYNs, nothing else");
        std::vector<std::string> accepted = Accepted(doc);
        NS_TEST_EXPECT_MSG_EQ(accepted.size(), 2u, "A accepted B and itself");
        NS_TEST_EXPECT_MSG_EQ((std::count(accepted.begin(), accepted.end(), kC)), 0, "not C");
    }
};

class PopReorderedTestCase : public PopExampleTestCase
{
  public:
    PopReorderedTestCase()
        : PopExampleTestCase("reordered: B still in AH, A's own SYNs refused inbound "
                             "(in_polvio, not out_nosa), the none policies shadowed")
    {
    }

  private:
    void DoRun() override
    {
        TempDir tmp("ipsec-pop-reordered");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "temporary directory");
        Json doc;
        std::string pcaps;
        if (!Run({"--order=reordered", "--mailBytes=" + std::to_string(kMailBytes)},
                 tmp,
                 doc,
                 pcaps))
        {
            return;
        }
        const std::string ctx = "reordered";
        AbTraffic t;
        CheckLan(pcaps, ctx, t);
        CheckB(doc, t, ctx);

        const Json* local = FindNamed(doc, "sessions", "A (local)");
        NS_TEST_ASSERT_MSG_NE(local, nullptr, "A's session in the JSON");
        NS_TEST_EXPECT_MSG_EQ(Flag(local, "connected"), false, "A's own session never opens");
        NS_TEST_EXPECT_MSG_EQ(Field(local, "mailBytes"), 0, "no mail");
        const long long syns = Field(local, "synSent");
        NS_TEST_EXPECT_MSG_GT(syns, 1, "the local client retransmits its SYN");
        std::vector<std::string> accepted = Accepted(doc);
        NS_TEST_EXPECT_MSG_EQ(accepted.size(), 1u, "A's server accepted B only");
        NS_TEST_EXPECT_MSG_EQ((accepted.empty() ? "" : accepted[0]), kB, "B");

        // Each SYN was refused by A's inbound check; no outbound SA was missing.
        const Json* a = JsonCounters(doc, "A", "ipsec");
        NS_TEST_EXPECT_MSG_EQ(Field(a, "in_polvio"), syns, "A's in_polvio: every local SYN");
        NS_TEST_EXPECT_MSG_EQ(Field(a, "out_nosa"), 0, "A's out_nosa");
        const std::string script = PopScript("A-reordered.conf");
        std::vector<long long> inRequire = LinesWith(script, {"spdadd", "-P in ipsec"});
        std::vector<long long> none = LinesWith(script, {"spdadd", " none;"});
        std::vector<long long> outRequire = LinesWith(script, {"spdadd", "-P out ipsec"});
        NS_TEST_ASSERT_MSG_EQ(inRequire.size(), 1u, script);
        NS_TEST_EXPECT_MSG_EQ(OwnHits(doc, inRequire), syns, "the SYNs met 'in ... require'");
        NS_TEST_EXPECT_MSG_EQ(OwnHits(doc, none), 0, "the none policies never match");
        NS_TEST_EXPECT_MSG_EQ(OwnHits(doc, outRequire), 0, "the server never answered");

        // The program's lint findings: the two none policies.
        const Json* lint = doc.Find("lint");
        NS_TEST_ASSERT_MSG_NE(lint, nullptr, "lint in the JSON");
        NS_TEST_ASSERT_MSG_EQ(lint->items.size(), 2u, "two findings");
        for (size_t i = 0; i < 2; ++i)
        {
            const Json* kind = lint->items[i].Find("kind");
            NS_TEST_EXPECT_MSG_EQ((kind ? kind->text : ""), "shadowed", "kind");
            NS_TEST_EXPECT_MSG_EQ(Field(&lint->items[i], "line"), none[i], "a none policy");
        }

        // To 127.0.0.1 no policy applies: the local session completes.
        TempDir tmp2("ipsec-pop-localhost");
        Json doc2;
        if (!Run({"--order=reordered", "--local=localhost", "--mailBytes=1000"}, tmp2, doc2, pcaps))
        {
            return;
        }
        const Json* lo = FindNamed(doc2, "sessions", "A (local)");
        NS_TEST_EXPECT_MSG_EQ(Flag(lo, "completed"), true, "A -> 127.0.0.1 completes");
        NS_TEST_EXPECT_MSG_EQ(Field(JsonCounters(doc2, "A", "ipsec"), "in_polvio"), 0, "localhost");
    }
};

/// --keys=ike: the same sessions with the AH SAs negotiated by racoon.
class PopIkeTestCase : public PopExampleTestCase
{
  public:
    PopIkeTestCase()
        : PopExampleTestCase("keyed by IKE: racoon negotiates B's AH SAs with A's wider policy, "
                             "the session completes in AH")
    {
    }

  private:
    void DoRun() override
    {
        TempDir tmp("ipsec-pop-ike");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "temporary directory");
        Json doc;
        std::string pcaps;
        if (!Run({"--keys=ike", "--outsider=true", "--mailBytes=" + std::to_string(kMailBytes)},
                 tmp,
                 doc,
                 pcaps))
        {
            return;
        }
        std::vector<Datagram> lan;
        const std::string pcap = PcapFile(pcaps, "ipsec-pop-policy", 0, 0);
        NS_TEST_ASSERT_MSG_EQ(ReadEthernetIpv4(pcap, lan), true, "an Ethernet capture: " << pcap);
        uint64_t clearTcp = 0;
        uint64_t isakmp = 0;
        std::set<uint32_t> spiAtoB;
        std::set<uint32_t> spiBtoA;
        const uint8_t kProtoUdp = 17;
        for (const auto& d : lan)
        {
            const bool fromA = d.src == kA && d.dst == kB;
            const bool fromB = d.src == kB && d.dst == kA;
            if (!fromA && !fromB)
            {
                continue;
            }
            size_t ihl = (static_cast<uint8_t>(d.bytes[0]) & 0x0f) * 4;
            if (d.protocol == kProtoUdp && d.bytes.size() >= ihl + 8 && Be16(d.bytes, ihl) == 500
                && Be16(d.bytes, ihl + 2) == 500)
            {
                isakmp++;
                continue;
            }
            if (d.protocol == kProtoTcp)
            {
                clearTcp++;
                continue;
            }
            if (d.protocol == kProtoAh)
            {
                AhDatagram ah = ParseAh(d.bytes);
                NS_TEST_EXPECT_MSG_EQ(ah.ok, true, "a well-formed AH header");
                NS_TEST_EXPECT_MSG_EQ(unsigned(ah.next), unsigned(kProtoTcp), "POP inside AH");
                (fromA ? spiAtoB : spiBtoA).insert(ah.spi);
            }
        }
        // RFC 2409: main mode is 6 messages, quick mode 3; both on UDP 500.
        NS_TEST_EXPECT_MSG_GT_OR_EQ(isakmp, 9u, "main mode and quick mode between A and B");
        NS_TEST_EXPECT_MSG_EQ(clearTcp, 0u, "no TCP between A and B outside AH");
        NS_TEST_EXPECT_MSG_EQ(spiAtoB.size(), 1u, "one negotiated SA from A to B");
        NS_TEST_EXPECT_MSG_EQ(spiBtoA.size(), 1u, "one negotiated SA from B to A");
        std::string error;
        for (const ScriptSa& sa : ReadScriptSas(PopScript("B.conf"), error))
        {
            NS_TEST_EXPECT_MSG_EQ(spiAtoB.count(sa.spi) + spiBtoA.count(sa.spi),
                                  0u,
                                  "not a manual SA of the scripts");
        }
        const Json* b = FindNamed(doc, "sessions", "B");
        NS_TEST_ASSERT_MSG_NE(b, nullptr, "B's session in the JSON");
        NS_TEST_EXPECT_MSG_EQ(Flag(b, "completed"), true, "B's session completed");
        NS_TEST_EXPECT_MSG_EQ(Field(b, "mailBytes"), kMailBytes, "B got the message");
        NS_TEST_EXPECT_MSG_GT(Field(b, "synSent"), 1, "the first SYN waited for the SAs");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(Field(JsonCounters(doc, "B", "ipsec"), "out_nosa"),
                                    1,
                                    "B's first SYN dropped for want of an SA");
        const Json* local = FindNamed(doc, "sessions", "A (local)");
        NS_TEST_EXPECT_MSG_EQ(Flag(local, "completed"), true, "A's own session, no IKE needed");
        const Json* c = FindNamed(doc, "sessions", "C");
        NS_TEST_EXPECT_MSG_EQ(Flag(c, "connected"), false, "C, without IPsec, never connects");
    }
};

class IpsecPopTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecPopTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-pop", SYSTEM)
    {
        AddTestCase(new PopLintTestCase, TestCase::QUICK);
        AddTestCase(new PopFaqOrderTestCase, TestCase::QUICK);
        AddTestCase(new PopReorderedTestCase, TestCase::QUICK);
        AddTestCase(new PopIkeTestCase, TestCase::QUICK);
    }
};

IpsecPopTestSuite g_ipsecPopTestSuite;

} // namespace
