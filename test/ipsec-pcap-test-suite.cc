// SPDX-License-Identifier: GPL-2.0-only
/*
 * System tests of examples/ipsec-host-to-host (the NetBSD IPsec FAQ's
 * host-to-host configurations), run as a separate program the way a user
 * runs it, and judged from the outside:
 *
 *  1. tshark decrypts the pcaps it writes: for every shipped configuration
 *     over IPv4 and IPv6, tshark is given the SAs' keys, read from the
 *     shipped setkey scripts by a small parser in this file (never from the
 *     module), and must find every ESP packet decrypted into the FAQ's test
 *     traffic with good inner checksums, every ICV good (esp-auth), no bad
 *     ICV, consecutive sequence numbers from 1, the configured SPIs, and no
 *     packet between A and B outside ESP/AH.  Negative controls (wrong keys,
 *     no IPsec at all) show that the checks can fail.
 *  2. Determinism: the same --RngRun gives byte-identical pcaps and JSON; a
 *     different one changes only the ciphertext (IVs), not the traffic.
 *  3. Every shipped configuration delivers all of the traffic, and the
 *     netstat-style counters of the JSON summary agree with each other, with
 *     the configured algorithms, with the traffic's size and with the
 *     packets counted on the wire by tshark.
 *  4. The FAQ's literal host-A script (a 128-bit key for 3des-cbc) stops the
 *     program before the simulation starts, with setkey's message.
 *
 * Expected values come from the scripts, the traffic helper's documented
 * defaults (5 pings, 5 UDP echoes to port 7, a TCP transfer to port 5001),
 * ns-3's TCP segment size and the RFCs, never from the program's output.
 * tshark is optional: without it the tshark checks are skipped with a
 * message (CI installs it).
 */

#include "ipsec-test-base.h"
#include "ipsec-test-util.h"
#include "ns3/attribute.h"
#include "ns3/test.h"
#include "ns3/type-id.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <utility>
#include <vector>

#ifndef NS3_IPSEC_SOURCE_DIR // defined by test/CMakeLists.txt
#define NS3_IPSEC_SOURCE_DIR "."
#endif
#ifndef NS3_IPSEC_BINARY_DIR
#define NS3_IPSEC_BINARY_DIR "build"
#endif

using namespace ns3;
using namespace ns3::ipsectest;

namespace
{

// ===========================================================================
// The program under test and the specification it implements
// ===========================================================================

/// The example binary, built by the examples/ CMake project.
std::string
ExampleBinary()
{
    return std::string(NS3_IPSEC_BINARY_DIR) + "/examples/ipsec-host-to-host";
}

/// A shipped setkey script: examples/host-to-host/<config>-<host>[-v6].conf.
std::string
ShippedScript(const std::string& config, char host, bool ipv6)
{
    return std::string(NS3_IPSEC_SOURCE_DIR) + "/examples/host-to-host/" + config + "-" + host
         + (ipv6 ? "-v6.conf" : ".conf");
}

/// A shipped configuration and what its scripts configure (NetBSD IPsec FAQ).
struct ShippedConfig
{
    const char* name;
    const char* espAlg;  ///< ESP encryption algorithm, "" without ESP
    const char* espAuth; ///< ESP authenticator, "" if none
    const char* ahAlg;   ///< AH algorithm, "" without AH
};

const ShippedConfig kConfigs[] = {
    {"3des", "3des-cbc", "", ""},
    {"rijndael", "rijndael-cbc", "", ""},
    {"ah", "", "", "hmac-md5"},
    {"ah-esp", "3des-cbc", "", "hmac-md5"},
    {"esp-auth", "rijndael-cbc", "hmac-sha1", ""},
};

/// The topology's host addresses (helper/ipsec-host-to-host-helper.h).
struct Family
{
    bool ipv6;
    const char* hostA;
    const char* hostB;
    const char* counters;      ///< the JSON counter group of this family
    const char* otherCounters; ///< the other family's group
    const char* name;
};

const Family kIpv4 = {false, "10.1.1.1", "20.1.1.1", "ipsec", "ipsec6", "IPv4"};
const Family kIpv6 = {true, "fd00:10:1::1", "fd00:20:1::1", "ipsec6", "ipsec", "IPv6"};

// The traffic of examples/common/ipsec-traffic-helper.h, from A to B.
const uint32_t kPings = 5;            ///< ICMP echo requests, one per second
const uint32_t kUdpEchoes = 5;        ///< UDP echo datagrams to port 7
const uint16_t kUdpEchoPort = 7;      ///< the UDP echo server's port
const uint16_t kTcpPort = 5001;       ///< the TCP sink's port
const uint64_t kTcpDefault = 1000000; ///< the example's default transfer

/// The IP protocol numbers of ESP and AH (IANA; RFC 4303, RFC 4302).
const int kProtoEsp = 50;
const int kProtoAh = 51;

/// ns-3's default TCP segment size (ns3::TcpSocket::SegmentSize), which the
/// example does not change; 0 if it cannot be read.
uint64_t
DefaultTcpSegmentSize()
{
    TypeId tid;
    if (!TypeId::LookupByNameFailSafe("ns3::TcpSocket", &tid))
    {
        return 0;
    }
    TypeId::AttributeInformation info;
    if (!tid.LookupAttributeByName("SegmentSize", &info))
    {
        return 0;
    }
    return std::strtoull(info.initialValue->SerializeToString(info.checker).c_str(), nullptr, 10);
}

/// The pcap the example writes for device @p dev of node @p node (0 = A).
std::string
PcapFile(const std::string& dir, int node, int dev)
{
    return ipsectest::PcapFile(dir, "ipsec-host-to-host", node, dev);
}

// ===========================================================================
// tshark
// ===========================================================================

/// The fields printed per frame, in this order (the first occurrence of each).
const std::vector<std::string> kFields = {
    "frame.number",
    "frame.protocols",
    "ip.src",
    "ip.dst",
    "ip.checksum.status",
    "ip.proto",
    "ipv6.src",
    "ipv6.dst",
    "ipv6.nxt",
    "esp.spi",
    "esp.sequence",
    "esp.icv_good",
    "esp.icv_bad",
    "ah.spi",
    "ah.sequence",
    "icmp.type",
    "icmp.checksum.status",
    "icmpv6.type",
    "icmpv6.checksum.status",
    "udp.srcport",
    "udp.dstport",
    "udp.checksum.status",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.len",
    "tcp.checksum.status",
};

/// One frame as tshark dissected it.
struct Frame
{
    std::map<std::string, std::string> field;
    std::vector<std::string> layers; ///< frame.protocols

    const std::string& Get(const std::string& name) const
    {
        static const std::string none;
        auto it = field.find(name);
        return it == field.end() ? none : it->second;
    }

    /// A numeric field (decimal or 0x hex), or -1 if absent.
    long long Num(const std::string& name) const
    {
        const std::string& v = Get(name);
        return v.empty() ? -1 : std::strtoll(v.c_str(), nullptr, 0);
    }

    /// A boolean field: tshark 4.0 prints 1/0 (older ones True/False).
    bool IsTrue(const std::string& name) const
    {
        const std::string& v = Get(name);
        return v == "1" || v == "True";
    }

    /// Index of @p layer in frame.protocols, or -1.
    int Layer(const std::string& layer) const
    {
        for (size_t i = 0; i < layers.size(); ++i)
        {
            if (layers[i] == layer)
            {
                return static_cast<int>(i);
            }
        }
        return -1;
    }

    std::string Src() const
    {
        return CanonicalAddress(Get("ip.src").empty() ? Get("ipv6.src") : Get("ip.src"));
    }

    std::string Dst() const
    {
        return CanonicalAddress(Get("ip.dst").empty() ? Get("ipv6.dst") : Get("ip.dst"));
    }
};

/// What tshark saw on one link, classified against the FAQ's traffic.
struct LinkSummary
{
    uint32_t frames{0};
    uint32_t betweenHosts{0};    ///< frames between A and B (either way)
    uint32_t otherFrames{0};     ///< e.g. IPv6 neighbour discovery
    uint32_t wrongProtection{0}; ///< A<->B frames without exactly the configured ESP/AH
    uint32_t plaintext{0};       ///< ICMP echo/UDP/TCP outside ESP/AH
    uint32_t esp{0};             ///< frames with ESP
    uint32_t espDecrypted{0};    ///< ESP frames whose inner packet is the expected traffic
    uint32_t icvGood{0};
    uint32_t icvBad{0};
    uint32_t ah{0};              ///< frames with AH
    uint32_t ahInnerVisible{0};  ///< AH frames whose inner packet is the expected traffic
    uint32_t unexpectedInner{0}; ///< protected frames carrying something else
    uint32_t badChecksums{0};    ///< IPv4 header, inner ICMP/ICMPv6/UDP/TCP checksums not good
    uint32_t badNextHeader{0};   ///< outer ip.proto/ipv6.nxt not 51 (AH) or 50 (ESP)
    uint32_t badOrder{0};        ///< AH ESP in the wrong order
    uint32_t badSpi{0};          ///< SPI not the script's SA for that direction
    uint32_t badSequence{0};     ///< sequence numbers not 1, 2, 3... per SA
    uint32_t echoRequests{0};    ///< A -> B
    uint32_t echoReplies{0};     ///< B -> A
    uint32_t udpToEcho{0};       ///< A -> B port 7
    uint32_t udpFromEcho{0};     ///< B -> A from port 7
    uint32_t tcpToSink{0};       ///< A -> B port 5001
    uint32_t tcpFromSink{0};     ///< B -> A from port 5001
    uint64_t tcpBytesToSink{0};  ///< TCP payload bytes A -> B
    uint32_t espFromA{0};
    uint32_t ahFromA{0};
    uint32_t espFromB{0};
    uint32_t ahFromB{0};
    std::string firstProblem; ///< the first odd frame, for messages
};

/// Classifies @p frames of a capture on A's link.
LinkSummary
Summarize(const std::vector<Frame>& frames,
          const Family& fam,
          const ShippedConfig& cfg,
          const std::vector<ScriptSa>& sas)
{
    LinkSummary s;
    const std::string a = CanonicalAddress(fam.hostA);
    const std::string b = CanonicalAddress(fam.hostB);
    const std::string icmp = fam.ipv6 ? "icmpv6" : "icmp";
    const long long echoRequest = fam.ipv6 ? 128 : 8; // RFC 4443 / RFC 792
    const long long echoReply = fam.ipv6 ? 129 : 0;
    const bool wantEsp = cfg.espAlg[0] != '\0';
    const bool wantAh = cfg.ahAlg[0] != '\0';
    std::map<std::pair<std::string, uint32_t>, long long> nextSeq;

    auto problem = [&s](const Frame& f, const std::string& what)
    {
        if (s.firstProblem.empty())
        {
            s.firstProblem
                = "frame " + f.Get("frame.number") + " (" + f.Get("frame.protocols") + "): " + what;
        }
    };

    for (const auto& f : frames)
    {
        ++s.frames;
        const std::string src = f.Src();
        const std::string dst = f.Dst();
        const bool fromA = src == a && dst == b;
        const bool fromB = src == b && dst == a;
        const int espAt = f.Layer("esp");
        const int ahAt = f.Layer("ah");
        const bool hasEsp = espAt >= 0;
        const bool hasAh = ahAt >= 0;

        if (!fam.ipv6 && f.Layer("ip") >= 0 && f.Get("ip.checksum.status") != "1")
        {
            ++s.badChecksums;
            problem(f, "bad IPv4 header checksum");
        }
        if (!fromA && !fromB)
        {
            ++s.otherFrames;
        }
        else
        {
            ++s.betweenHosts;
            if (hasEsp != wantEsp || hasAh != wantAh)
            {
                ++s.wrongProtection;
                problem(f, "not protected as configured");
            }
            // The outer header's next protocol: AH first when both.
            long long next = f.Num(fam.ipv6 ? "ipv6.nxt" : "ip.proto");
            if ((wantAh || wantEsp) && next != (wantAh ? kProtoAh : kProtoEsp))
            {
                ++s.badNextHeader;
                problem(f, "outer next protocol " + std::to_string(next));
            }
        }

        if (!hasEsp && !hasAh)
        {
            long long t = f.Num(icmp + ".type");
            if (f.Layer("udp") >= 0 || f.Layer("tcp") >= 0
                || (f.Layer(icmp) >= 0 && (fam.ipv6 ? (t == 128 || t == 129) : true)))
            {
                ++s.plaintext;
                problem(f, "plaintext traffic");
            }
            continue;
        }

        if (hasEsp && hasAh && ahAt > espAt)
        {
            ++s.badOrder;
            problem(f, "ESP before AH");
        }
        // SPIs and sequence numbers, per SA (RFC 4303 3.3.3, RFC 4302 3.3.2:
        // the first packet of an SA carries 1).
        for (const char* proto : {"esp", "ah"})
        {
            if (f.Layer(proto) < 0)
            {
                continue;
            }
            long long spi = f.Num(std::string(proto) + ".spi");
            long long seq = f.Num(std::string(proto) + ".sequence");
            const ScriptSa* sa = FindSa(sas, proto, src, dst);
            if (sa == nullptr || spi != static_cast<long long>(sa->spi))
            {
                ++s.badSpi;
                problem(f, std::string("unexpected ") + proto + " SPI");
            }
            auto key = std::make_pair(std::string(proto), static_cast<uint32_t>(spi));
            auto it = nextSeq.emplace(key, 1).first;
            if (seq != it->second)
            {
                ++s.badSequence;
                problem(f,
                        std::string(proto) + " sequence " + std::to_string(seq) + ", expected "
                            + std::to_string(it->second));
            }
            it->second = seq + 1;
        }
        if (fromA)
        {
            s.espFromA += hasEsp;
            s.ahFromA += hasAh;
        }
        if (fromB)
        {
            s.espFromB += hasEsp;
            s.ahFromB += hasAh;
        }

        // The inner packet: the layer after the innermost IPsec header.
        const int last = std::max(espAt, ahAt);
        const std::string inner
            = last + 1 < static_cast<int>(f.layers.size()) ? f.layers[last + 1] : "";
        bool expected = false;
        if (inner == icmp)
        {
            long long t = f.Num(icmp + ".type");
            bool good = f.Get(icmp + ".checksum.status") == "1";
            if (fromA && t == echoRequest && good)
            {
                ++s.echoRequests;
                expected = true;
            }
            else if (fromB && t == echoReply && good)
            {
                ++s.echoReplies;
                expected = true;
            }
        }
        else if (inner == "udp")
        {
            bool good = f.Get("udp.checksum.status") == "1";
            if (fromA && f.Num("udp.dstport") == kUdpEchoPort && good)
            {
                ++s.udpToEcho;
                expected = true;
            }
            else if (fromB && f.Num("udp.srcport") == kUdpEchoPort && good)
            {
                ++s.udpFromEcho;
                expected = true;
            }
        }
        else if (inner == "tcp")
        {
            bool good = f.Get("tcp.checksum.status") == "1";
            if (fromA && f.Num("tcp.dstport") == kTcpPort && good)
            {
                ++s.tcpToSink;
                s.tcpBytesToSink += std::max(0LL, f.Num("tcp.len"));
                expected = true;
            }
            else if (fromB && f.Num("tcp.srcport") == kTcpPort && good)
            {
                ++s.tcpFromSink;
                expected = true;
            }
        }
        if (!expected)
        {
            ++s.unexpectedInner;
            problem(f, "inner packet is not the expected traffic (or a bad checksum)");
        }
        if (hasEsp)
        {
            ++s.esp;
            s.espDecrypted += expected;
            s.icvGood += f.IsTrue("esp.icv_good");
            s.icvBad += f.IsTrue("esp.icv_bad");
        }
        if (hasAh)
        {
            ++s.ah;
            s.ahInnerVisible += expected;
        }
    }
    return s;
}

std::string
Describe(const ShippedConfig& cfg, const Family& fam)
{
    return std::string(cfg.name) + " over " + fam.name;
}

/// The example's command line for @p cfg over @p fam, plus @p extra.
std::vector<std::string>
ExampleCommand(const ShippedConfig& cfg, const Family& fam, const std::vector<std::string>& extra)
{
    std::vector<std::string> argv = {ExampleBinary(),
                                     std::string("--config=") + cfg.name,
                                     std::string("--ipv6=") + (fam.ipv6 ? "true" : "false")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

// ===========================================================================
// Shared base: running the example and tshark, with test assertions
// ===========================================================================

class IpsecPcapTestCase : public ExampleTestCase
{
  public:
    explicit IpsecPcapTestCase(const std::string& name)
        : ExampleTestCase(name)
    {
    }

  protected:
    /// The SAs of the shipped host-A script of @p cfg, checked against the
    /// configuration's description (two SAs, one per direction, per protocol).
    bool ReadSas(const ShippedConfig& cfg, const Family& fam, std::vector<ScriptSa>& sas)
    {
        std::string error;
        std::string path = ShippedScript(cfg.name, 'A', fam.ipv6);
        sas = ReadScriptSas(path, error);
        NS_TEST_EXPECT_MSG_EQ(error, "", "reading " << path);
        size_t expected = (cfg.espAlg[0] ? 2 : 0) + (cfg.ahAlg[0] ? 2 : 0);
        NS_TEST_EXPECT_MSG_EQ(sas.size(), expected, "SAs added by " << path);
        for (const auto& sa : sas)
        {
            if (sa.proto == "esp")
            {
                NS_TEST_EXPECT_MSG_EQ(sa.encAlg, cfg.espAlg, path);
                NS_TEST_EXPECT_MSG_EQ(sa.authAlg, cfg.espAuth, path);
                NS_TEST_EXPECT_MSG_NE(TsharkEncryption(sa.encAlg), "", "no tshark name");
                NS_TEST_EXPECT_MSG_NE(TsharkAuthentication(sa.authAlg), "", "no tshark name");
            }
            else
            {
                NS_TEST_EXPECT_MSG_EQ(sa.proto, "ah", path);
                NS_TEST_EXPECT_MSG_EQ(sa.authAlg, cfg.ahAlg, path);
            }
        }
        for (const char* proto : {"esp", "ah"})
        {
            bool want = std::string(proto) == "esp" ? cfg.espAlg[0] : cfg.ahAlg[0];
            if (want)
            {
                NS_TEST_EXPECT_MSG_EQ((FindSa(sas, proto, fam.hostA, fam.hostB) != nullptr),
                                      true,
                                      path << ": no " << proto << " SA from A to B");
                NS_TEST_EXPECT_MSG_EQ((FindSa(sas, proto, fam.hostB, fam.hostA) != nullptr),
                                      true,
                                      path << ": no " << proto << " SA from B to A");
            }
        }
        return error.empty() && sas.size() == expected;
    }

    /// Runs tshark over @p pcap with @p sas' keys; true if it worked.
    bool Dissect(const std::string& pcap,
                 bool ipv6,
                 const std::vector<ScriptSa>& sas,
                 const TempDir& tmp,
                 std::vector<Frame>& frames)
    {
        frames.clear();
        auto row = [&frames](const std::vector<std::string>& values)
        {
            Frame f;
            for (size_t i = 0; i < kFields.size(); ++i)
            {
                f.field[kFields[i]] = values[i];
            }
            f.layers = Split(f.Get("frame.protocols"), ':');
            frames.push_back(f);
        };
        if (!RunTshark(pcap, ipv6, sas, kFields, "f", tmp, row))
        {
            return false;
        }
        NS_TEST_EXPECT_MSG_GT(frames.size(), 0, "tshark printed no frames for " << pcap);
        return !frames.empty();
    }
};

// ===========================================================================
// 1. tshark decrypts the example's pcaps
// ===========================================================================

class IpsecPcapTsharkTestCase : public IpsecPcapTestCase
{
  public:
    IpsecPcapTsharkTestCase()
        : IpsecPcapTestCase("tshark decrypts the example's pcaps with the scripts' keys")
    {
    }

  private:
    void DoRun() override
    {
        if (!HaveTshark())
        {
            ipsectest::ReportSkip(
                "ipsec-pcap",
                "\"" + GetName() + "\": tshark is not on PATH (install tshark to run this test)");
            return;
        }
        NS_TEST_ASSERT_MSG_EQ(std::filesystem::exists(ExampleBinary()),
                              true,
                              ExampleBinary() << " is missing: build the examples");
        TempDir tmp("ipsec-pcap-tshark");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");
        const uint64_t tcpBytes = 100000;

        for (const auto& cfg : kConfigs)
        {
            for (const Family* fam : {&kIpv4, &kIpv6})
            {
                const std::string what = Describe(cfg, *fam);
                const std::string dir = tmp.SubDir(std::string(cfg.name) + "-" + fam->name);
                RunResult r;
                std::vector<ScriptSa> sas;
                if (!RunExample(ExampleCommand(
                                    cfg,
                                    *fam,
                                    {"--pcapDir=" + dir, "--tcpBytes=" + std::to_string(tcpBytes)}),
                                tmp,
                                r)
                    || !ReadSas(cfg, *fam, sas))
                {
                    continue;
                }
                const std::string pcap = PcapFile(dir, 0, 0);
                std::vector<Frame> frames;
                if (!Dissect(pcap, fam->ipv6, sas, tmp, frames))
                {
                    continue;
                }
                LinkSummary s = Summarize(frames, *fam, cfg, sas);
                const std::string ctx = what + ", " + pcap + "; first odd " + s.firstProblem;
                const bool esp = cfg.espAlg[0] != '\0';
                const bool ah = cfg.ahAlg[0] != '\0';

                // Nothing between A and B outside the configured IPsec, no
                // plaintext traffic at all.
                NS_TEST_EXPECT_MSG_GT(s.betweenHosts, 0, ctx);
                NS_TEST_EXPECT_MSG_EQ(s.wrongProtection, 0, ctx);
                NS_TEST_EXPECT_MSG_EQ(s.plaintext, 0, ctx);
                NS_TEST_EXPECT_MSG_EQ(s.badOrder, 0, ctx);
                NS_TEST_EXPECT_MSG_EQ(s.badNextHeader, 0, ctx);
                NS_TEST_EXPECT_MSG_EQ(s.badSpi, 0, ctx);
                NS_TEST_EXPECT_MSG_EQ(s.badSequence, 0, ctx);
                NS_TEST_EXPECT_MSG_EQ(s.badChecksums, 0, ctx);
                NS_TEST_EXPECT_MSG_EQ(s.unexpectedInner, 0, ctx);
                if (!fam->ipv6)
                {
                    NS_TEST_EXPECT_MSG_EQ(s.otherFrames, 0, ctx);
                }
                // Every ESP packet decrypted, no bad ICV, every ICV good
                // where ESP has an authenticator.
                NS_TEST_EXPECT_MSG_EQ(s.esp, (esp ? s.betweenHosts : 0), ctx);
                NS_TEST_EXPECT_MSG_EQ(s.espDecrypted, s.esp, ctx);
                NS_TEST_EXPECT_MSG_EQ(s.icvBad, 0, ctx);
                NS_TEST_EXPECT_MSG_EQ(s.icvGood, (cfg.espAuth[0] ? s.esp : 0), ctx);
                NS_TEST_EXPECT_MSG_EQ(s.ah, (ah ? s.betweenHosts : 0), ctx);
                NS_TEST_EXPECT_MSG_EQ(s.ahInnerVisible, s.ah, ctx);
                // The inner traffic is the FAQ's test traffic.
                NS_TEST_EXPECT_MSG_EQ(s.echoRequests, kPings, ctx);
                NS_TEST_EXPECT_MSG_EQ(s.echoReplies, kPings, ctx);
                NS_TEST_EXPECT_MSG_EQ(s.udpToEcho, kUdpEchoes, ctx);
                NS_TEST_EXPECT_MSG_EQ(s.udpFromEcho, kUdpEchoes, ctx);
                NS_TEST_EXPECT_MSG_GT(s.tcpToSink, 0, ctx);
                NS_TEST_EXPECT_MSG_GT(s.tcpFromSink, 0, ctx);
                NS_TEST_EXPECT_MSG_GT_OR_EQ(s.tcpBytesToSink, tcpBytes, ctx);

                // Negative controls on IPv4: with a wrong key the same checks
                // must fail, so they cannot pass vacuously.
                if (!fam->ipv6 && std::string(cfg.name) == "3des")
                {
                    std::vector<ScriptSa> wrong = sas;
                    for (auto& sa : wrong)
                    {
                        sa.encKey.back() = sa.encKey.back() == '0' ? '2' : '0';
                    }
                    std::vector<Frame> bad;
                    if (Dissect(pcap, false, wrong, tmp, bad))
                    {
                        LinkSummary w = Summarize(bad, *fam, cfg, sas);
                        NS_TEST_EXPECT_MSG_EQ(w.esp, s.esp, "wrong 3des keys: " << ctx);
                        NS_TEST_EXPECT_MSG_EQ(
                            w.espDecrypted, 0, "wrong 3des keys still decrypt: " << ctx);
                    }
                }
                if (!fam->ipv6 && std::string(cfg.name) == "esp-auth")
                {
                    std::vector<ScriptSa> wrong = sas;
                    for (auto& sa : wrong)
                    {
                        sa.authKey.back() = sa.authKey.back() == '0' ? '2' : '0';
                    }
                    std::vector<Frame> bad;
                    if (Dissect(pcap, false, wrong, tmp, bad))
                    {
                        LinkSummary w = Summarize(bad, *fam, cfg, sas);
                        NS_TEST_EXPECT_MSG_EQ(w.icvGood, 0, "wrong hmac-sha1 keys: " << ctx);
                        NS_TEST_EXPECT_MSG_EQ(w.icvBad, s.esp, "wrong hmac-sha1 keys: " << ctx);
                    }
                }
            }
        }

        // Negative control: the same traffic without IPsec (empty scripts)
        // is plaintext between A and B, which the checks above must see.
        const std::string empty = tmp.File("empty.conf");
        std::ofstream(empty) << "# no SAs, no policies\n";
        const std::string dir = tmp.SubDir("no-ipsec");
        RunResult r;
        std::vector<Frame> frames;
        if (RunExample({ExampleBinary(),
                        "--setkeyA=" + empty,
                        "--setkeyB=" + empty,
                        "--pcapDir=" + dir,
                        "--tcpBytes=" + std::to_string(tcpBytes)},
                       tmp,
                       r)
            && Dissect(PcapFile(dir, 0, 0), false, {}, tmp, frames))
        {
            LinkSummary w = Summarize(frames, kIpv4, kConfigs[0], {});
            NS_TEST_EXPECT_MSG_GT(w.betweenHosts, 0, "no IPsec: no packets between A and B");
            NS_TEST_EXPECT_MSG_EQ(w.wrongProtection, w.betweenHosts, "no IPsec: not all seen");
            NS_TEST_EXPECT_MSG_EQ(w.plaintext, w.betweenHosts, "no IPsec: plaintext not seen");
            NS_TEST_EXPECT_MSG_EQ(w.esp + w.ah, 0, "no IPsec, but ESP/AH seen");
        }
    }
};

// ===========================================================================
// 2. Determinism
// ===========================================================================

class IpsecPcapDeterminismTestCase : public IpsecPcapTestCase
{
  public:
    IpsecPcapDeterminismTestCase()
        : IpsecPcapTestCase("same RngRun, same bytes; another RngRun, other IVs, same traffic")
    {
    }

  private:
    void DoRun() override
    {
        NS_TEST_ASSERT_MSG_EQ(std::filesystem::exists(ExampleBinary()),
                              true,
                              ExampleBinary() << " is missing: build the examples");
        TempDir tmp("ipsec-pcap-determinism");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");
        const ShippedConfig& cfg = kConfigs[0]; // 3des, the example's default
        const Family& fam = kIpv4;

        std::map<std::string, std::string> dirs;
        NS_TEST_ASSERT_MSG_EQ(
            RunThreeSeeds(ExampleCommand(cfg, fam, {"--tcpBytes=100000"}), tmp, dirs),
            true,
            "three runs");

        // Same RngRun: the same files, byte for byte (pcaps and JSON).
        std::set<std::string> files = ExpectSameFiles(dirs["1a"], dirs["1b"]);
        NS_TEST_EXPECT_MSG_EQ(files.count("ipsec-host-to-host-0-0.pcap"), 1, "no pcap of A");
        NS_TEST_EXPECT_MSG_EQ(files.count("esp_sa"), 1, "no key log beside the pcaps");
        NS_TEST_EXPECT_MSG_EQ(
            files.size(), 6, "4 pcaps (A, router x2, B), the key log (esp_sa) and the JSON");

        // Another RngRun: host A's pcap differs, but only inside the ESP
        // payload (IVs): the same packets at the same times with the same
        // lengths, IP headers, SPIs and sequence numbers.
        uint32_t link1 = 0;
        uint32_t link2 = 0;
        std::vector<PcapRecord> rec1;
        std::vector<PcapRecord> rec2;
        NS_TEST_ASSERT_MSG_EQ(ReadPcap(PcapFile(dirs["1a"], 0, 0), link1, rec1), true, "pcap");
        NS_TEST_ASSERT_MSG_EQ(ReadPcap(PcapFile(dirs["2"], 0, 0), link2, rec2), true, "pcap");
        NS_TEST_EXPECT_MSG_EQ(link1, link2, "link types");
        NS_TEST_ASSERT_MSG_EQ(rec1.size(), rec2.size(), "number of packets on A's link");
        NS_TEST_ASSERT_MSG_GT(rec1.size(), 0, "no packets on A's link");
        // PPP (2 bytes) + IPv4 header (20) + SPI and sequence number (8).
        const size_t espPayload = link1 == 9 ? 2 + 20 + 8 : 0;
        uint32_t differing = 0;
        for (size_t i = 0; i < rec1.size(); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(rec1[i].sec, rec2[i].sec, "timestamp of packet " << i + 1);
            NS_TEST_EXPECT_MSG_EQ(rec1[i].usec, rec2[i].usec, "timestamp of packet " << i + 1);
            NS_TEST_EXPECT_MSG_EQ(rec1[i].origLen, rec2[i].origLen, "length of packet " << i + 1);
            NS_TEST_EXPECT_MSG_EQ(rec1[i].data.size(), rec2[i].data.size(), "packet " << i + 1);
            if (rec1[i].data != rec2[i].data)
            {
                ++differing;
                size_t at = 0;
                while (at < rec1[i].data.size() && rec1[i].data[at] == rec2[i].data[at])
                {
                    ++at;
                }
                NS_TEST_EXPECT_MSG_GT_OR_EQ(
                    at, espPayload, "packet " << i + 1 << " differs before the ESP payload");
            }
        }
        NS_TEST_EXPECT_MSG_GT(differing, 0, "--RngRun=2 gave the same ciphertext as --RngRun=1");
        NS_TEST_EXPECT_MSG_EQ(
            differing, rec1.size(), "every ESP packet has a fresh random IV, so every one differs");

        Json j1;
        Json j2;
        std::string t1 = ReadFile(dirs["1a"] + "/summary.json");
        std::string t2 = ReadFile(dirs["2"] + "/summary.json");
        NS_TEST_ASSERT_MSG_EQ(JsonReader(t1).Read(j1), true, "JSON of run 1:\n" << t1);
        NS_TEST_ASSERT_MSG_EQ(JsonReader(t2).Read(j2), true, "JSON of run 2:\n" << t2);
        std::vector<FlowResult> f1 = JsonFlows(j1);
        NS_TEST_EXPECT_MSG_EQ(f1.size(), 3, "ping, udp-echo, tcp");
        NS_TEST_EXPECT_MSG_EQ((f1 == JsonFlows(j2)), true, "flows differ between RngRun 1 and 2");
    }
};

// ===========================================================================
// 3. Every shipped configuration delivers everything; counters match
// ===========================================================================

class IpsecPcapCountersTestCase : public IpsecPcapTestCase
{
  public:
    IpsecPcapCountersTestCase()
        : IpsecPcapTestCase("every shipped configuration delivers all traffic; counters match")
    {
    }

  private:
    /// Counter @p key of @p group, or -1 (reported) if missing.
    long long Counter(const Json* group, const std::string& key, const std::string& ctx)
    {
        const Json* v = group != nullptr ? group->Find(key) : nullptr;
        long long n = v != nullptr ? v->Integer() : -1;
        NS_TEST_EXPECT_MSG_GT_OR_EQ(n, 0, "counter " << key << " missing or not a count: " << ctx);
        return n;
    }

    /// Histogram @p key of @p group, as a map.
    std::map<std::string, long long> Histogram(const Json* group,
                                               const std::string& key,
                                               const std::string& ctx)
    {
        std::map<std::string, long long> h;
        const Json* v = group != nullptr ? group->Find(key) : nullptr;
        NS_TEST_EXPECT_MSG_EQ((v != nullptr && v->kind == Json::OBJECT),
                              true,
                              "histogram " << key << " missing: " << ctx);
        if (v != nullptr)
        {
            for (const auto& [name, count] : v->members)
            {
                h[name] = count.Integer();
            }
        }
        return h;
    }

    /// A histogram naming only @p alg (with any count), or empty without it.
    void CheckHistogram(const std::map<std::string, long long>& h,
                        const std::string& alg,
                        long long count,
                        const std::string& ctx)
    {
        if (alg.empty())
        {
            NS_TEST_EXPECT_MSG_EQ(h.size(), 0, ctx << " should be empty");
            return;
        }
        NS_TEST_EXPECT_MSG_EQ(h.size(), 1, ctx << " should name only " << alg);
        auto it = h.find(alg);
        NS_TEST_EXPECT_MSG_EQ((it != h.end()), true, ctx << " does not name " << alg);
        if (it != h.end())
        {
            NS_TEST_EXPECT_MSG_EQ(it->second, count, ctx << "[" << alg << "]");
        }
    }

    void DoRun() override
    {
        NS_TEST_ASSERT_MSG_EQ(std::filesystem::exists(ExampleBinary()),
                              true,
                              ExampleBinary() << " is missing: build the examples");
        TempDir tmp("ipsec-pcap-counters");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");
        const uint64_t segment = DefaultTcpSegmentSize();
        NS_TEST_ASSERT_MSG_GT(segment, 0, "cannot read ns3::TcpSocket::SegmentSize");
        const bool tshark = HaveTshark();
        if (!tshark)
        {
            std::cerr << "ipsec-pcap: tshark is not on PATH; the counters are not compared "
                         "with the packets on the wire\n";
        }
        // Counters that a clean run must leave at zero (KAME's ipsecstat).
        const std::vector<std::string>& zero = CleanRunZeroCounters();
        const std::vector<std::string> histograms = {
            "in_esphist", "in_ahhist", "in_comphist", "out_esphist", "out_ahhist", "out_comphist"};

        for (const auto& cfg : kConfigs)
        {
            for (const Family* fam : {&kIpv4, &kIpv6})
            {
                const std::string what = Describe(cfg, *fam);
                // The example's full 1 MB transfer for two of them, 200 kB
                // elsewhere, to keep the suite fast.
                const bool full
                    = std::string(cfg.name) == "3des" || std::string(cfg.name) == "ah-esp";
                const uint64_t tcpBytes = full ? kTcpDefault : 200000;
                const std::string dir = tmp.SubDir(std::string(cfg.name) + "-" + fam->name);
                const std::string json = dir + "/summary.json";
                std::vector<std::string> extra = {"--json=" + json};
                if (!full)
                {
                    extra.push_back("--tcpBytes=" + std::to_string(tcpBytes));
                }
                if (tshark)
                {
                    extra.push_back("--pcapDir=" + dir);
                }
                RunResult r;
                if (!RunExample(ExampleCommand(cfg, *fam, extra), tmp, r))
                {
                    continue;
                }
                Json doc;
                std::string text = ReadFile(json);
                bool parsed = JsonReader(text).Read(doc);
                NS_TEST_EXPECT_MSG_EQ(parsed, true, what << ": bad JSON:\n" << text);
                if (!parsed)
                {
                    continue;
                }

                // Everything delivered.
                std::vector<FlowResult> flows = JsonFlows(doc);
                std::map<std::string, std::pair<long long, long long>> expectFlows = {
                    {"ping", {kPings, kPings}},
                    {"udp-echo", {kUdpEchoes, kUdpEchoes}},
                    {"tcp", {static_cast<long long>(tcpBytes), static_cast<long long>(tcpBytes)}},
                };
                NS_TEST_EXPECT_MSG_EQ(flows.size(), expectFlows.size(), what << ": flows");
                for (const auto& f : flows)
                {
                    auto it = expectFlows.find(f.name);
                    NS_TEST_EXPECT_MSG_EQ(
                        (it != expectFlows.end()), true, what << ": unexpected flow " << f.name);
                    if (it != expectFlows.end())
                    {
                        NS_TEST_EXPECT_MSG_EQ(f.sent, it->second.first, what << ": " << f.name);
                        NS_TEST_EXPECT_MSG_EQ(
                            f.received, it->second.second, what << ": " << f.name << " delivered");
                        expectFlows.erase(it);
                    }
                }
                NS_TEST_EXPECT_MSG_EQ(expectFlows.size(), 0, what << ": a flow is missing");

                // The counters: this family's group, the other one all zero.
                const Json* countersA = JsonCounters(doc, "A");
                const Json* countersB = JsonCounters(doc, "B");
                NS_TEST_EXPECT_MSG_EQ((countersA != nullptr), true, what << ": no counters of A");
                NS_TEST_EXPECT_MSG_EQ((countersB != nullptr), true, what << ": no counters of B");
                if (countersA == nullptr || countersB == nullptr)
                {
                    continue;
                }
                for (const Json* c : {countersA, countersB})
                {
                    const Json* other = c->Find(fam->otherCounters);
                    NS_TEST_EXPECT_MSG_EQ(
                        (other != nullptr), true, what << ": no " << fam->otherCounters);
                    if (other == nullptr)
                    {
                        continue;
                    }
                    for (const auto& [key, value] : other->members)
                    {
                        if (value.kind == Json::OBJECT)
                        {
                            NS_TEST_EXPECT_MSG_EQ(value.members.size(),
                                                  0,
                                                  what << ": " << fam->otherCounters << "." << key);
                        }
                        else
                        {
                            NS_TEST_EXPECT_MSG_EQ(value.Integer(),
                                                  0,
                                                  what << ": " << fam->otherCounters << "." << key);
                        }
                    }
                }
                const Json* a = countersA->Find(fam->counters);
                const Json* b = countersB->Find(fam->counters);
                NS_TEST_EXPECT_MSG_EQ(
                    (a != nullptr), true, what << ": no " << fam->counters << " of A");
                NS_TEST_EXPECT_MSG_EQ(
                    (b != nullptr), true, what << ": no " << fam->counters << " of B");
                if (a == nullptr || b == nullptr)
                {
                    continue;
                }
                for (const auto& [host, group] : {std::make_pair("A", a), std::make_pair("B", b)})
                {
                    for (const auto& key : zero)
                    {
                        NS_TEST_EXPECT_MSG_EQ(
                            Counter(group, key, what), 0, what << ": " << host << "'s " << key);
                    }
                }

                // Datagrams each way, from the histograms (one entry per
                // datagram and transform), and the per-transform totals.
                const bool esp = cfg.espAlg[0] != '\0';
                const bool ah = cfg.ahAlg[0] != '\0';
                const long long transforms = (esp ? 1 : 0) + (ah ? 1 : 0);
                std::map<std::string, std::map<std::string, long long>> hA;
                std::map<std::string, std::map<std::string, long long>> hB;
                for (const auto& h : histograms)
                {
                    hA[h] = Histogram(a, h, what + ", A");
                    hB[h] = Histogram(b, h, what + ", B");
                }
                const char* outHist = esp ? "out_esphist" : "out_ahhist";
                const std::string alg = esp ? cfg.espAlg : cfg.ahAlg;
                const long long aToB = hA[outHist].count(alg) ? hA[outHist][alg] : -1;
                const long long bToA = hB[outHist].count(alg) ? hB[outHist][alg] : -1;
                const std::string ctx = what + ": ";
                CheckHistogram(hA["out_esphist"], cfg.espAlg, aToB, ctx + "A's out_esphist");
                CheckHistogram(hA["out_ahhist"], cfg.ahAlg, aToB, ctx + "A's out_ahhist");
                CheckHistogram(hB["in_esphist"], cfg.espAlg, aToB, ctx + "B's in_esphist");
                CheckHistogram(hB["in_ahhist"], cfg.ahAlg, aToB, ctx + "B's in_ahhist");
                CheckHistogram(hB["out_esphist"], cfg.espAlg, bToA, ctx + "B's out_esphist");
                CheckHistogram(hB["out_ahhist"], cfg.ahAlg, bToA, ctx + "B's out_ahhist");
                CheckHistogram(hA["in_esphist"], cfg.espAlg, bToA, ctx + "A's in_esphist");
                CheckHistogram(hA["in_ahhist"], cfg.ahAlg, bToA, ctx + "A's in_ahhist");
                CheckHistogram(hA["out_comphist"], "", 0, ctx + "A's out_comphist");
                CheckHistogram(hA["in_comphist"], "", 0, ctx + "A's in_comphist");
                CheckHistogram(hB["out_comphist"], "", 0, ctx + "B's out_comphist");
                CheckHistogram(hB["in_comphist"], "", 0, ctx + "B's in_comphist");

                const long long aOut = Counter(a, "out_success", what);
                const long long aIn = Counter(a, "in_success", what);
                const long long bOut = Counter(b, "out_success", what);
                const long long bIn = Counter(b, "in_success", what);
                NS_TEST_EXPECT_MSG_EQ(aOut, bIn, ctx << "A's out_success vs B's in_success");
                NS_TEST_EXPECT_MSG_EQ(bOut, aIn, ctx << "B's out_success vs A's in_success");
                NS_TEST_EXPECT_MSG_EQ(aOut, transforms * aToB, ctx << "A's out_success");
                NS_TEST_EXPECT_MSG_EQ(bOut, transforms * bToA, ctx << "B's out_success");
                // At least the traffic's datagrams: A sends the pings, the
                // UDP datagrams, a SYN and the TCP data in segments of
                // ns-3's default size; B the replies, echoes, a SYN/ACK and
                // at least one ACK.
                const long long minAToB
                    = kPings + kUdpEchoes + 1
                    + static_cast<long long>((tcpBytes + segment - 1) / segment);
                NS_TEST_EXPECT_MSG_GT_OR_EQ(aToB, minAToB, ctx << "datagrams A -> B");
                NS_TEST_EXPECT_MSG_GT_OR_EQ(
                    bToA, kPings + kUdpEchoes + 2, ctx << "datagrams B -> A");
                // Authentication successes (KAME counts one per datagram
                // whose ICV was checked).
                NS_TEST_EXPECT_MSG_EQ(
                    Counter(b, "in_ahauthsucc", what), (ah ? aToB : 0), ctx << "B");
                NS_TEST_EXPECT_MSG_EQ(
                    Counter(a, "in_ahauthsucc", what), (ah ? bToA : 0), ctx << "A");
                NS_TEST_EXPECT_MSG_EQ(
                    Counter(b, "in_espauthsucc", what), (cfg.espAuth[0] ? aToB : 0), ctx << "B");
                NS_TEST_EXPECT_MSG_EQ(
                    Counter(a, "in_espauthsucc", what), (cfg.espAuth[0] ? bToA : 0), ctx << "A");

                // The same numbers counted on A's link by tshark.
                if (!tshark)
                {
                    continue;
                }
                std::vector<ScriptSa> sas;
                std::vector<Frame> frames;
                if (!ReadSas(cfg, *fam, sas)
                    || !Dissect(PcapFile(dir, 0, 0), fam->ipv6, sas, tmp, frames))
                {
                    continue;
                }
                LinkSummary s = Summarize(frames, *fam, cfg, sas);
                NS_TEST_EXPECT_MSG_EQ(s.wrongProtection + s.plaintext,
                                      0,
                                      ctx << "unprotected packets; " << s.firstProblem);
                NS_TEST_EXPECT_MSG_EQ(s.espFromA, (esp ? aToB : 0), ctx << "ESP packets A sent");
                NS_TEST_EXPECT_MSG_EQ(s.ahFromA, (ah ? aToB : 0), ctx << "AH packets A sent");
                NS_TEST_EXPECT_MSG_EQ(s.espFromA + s.ahFromA, aOut, ctx << "A's out_success");
                NS_TEST_EXPECT_MSG_EQ(s.espFromB + s.ahFromB, aIn, ctx << "A's in_success");
                NS_TEST_EXPECT_MSG_GT_OR_EQ(s.tcpBytesToSink, tcpBytes, ctx << "TCP bytes");
            }
        }
    }
};

// ===========================================================================
// 4. A bad script stops the example before the simulation
// ===========================================================================

class IpsecPcapBadScriptTestCase : public IpsecPcapTestCase
{
  public:
    IpsecPcapBadScriptTestCase()
        : IpsecPcapTestCase("the FAQ's literal host A script stops the example")
    {
    }

  private:
    void DoRun() override
    {
        NS_TEST_ASSERT_MSG_EQ(std::filesystem::exists(ExampleBinary()),
                              true,
                              ExampleBinary() << " is missing: build the examples");
        TempDir tmp("ipsec-pcap-badscript");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");
        // The NetBSD IPsec FAQ, "host-to-host encryption", host A, verbatim:
        // the 10000 key on line 2 is 128 bits, but 3des-cbc takes 192.
        const std::string script = tmp.File("faq-host-A.conf");
        {
            std::ofstream out(script);
            out << "add 10.1.1.1 20.1.1.1 esp 9876 -E 3des-cbc \"hogehogehogehogehogehoge\";\n"
                << "add 20.1.1.1 10.1.1.1 esp 10000 -E 3des-cbc "
                   "0xdeadbeefdeadbeefdeadbeefdeadbeef;\n"
                << "spdadd 10.1.1.1 20.1.1.1 any -P out ipsec esp/transport//use;\n";
        }
        const std::string pcapDir = tmp.SubDir("pcap");
        const std::string json = tmp.File("summary.json");
        RunResult r = RunProgram(
            {ExampleBinary(), "--setkeyA=" + script, "--pcapDir=" + pcapDir, "--json=" + json},
            tmp.File("example.stderr"));
        const std::string ctx = r.command + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
        NS_TEST_EXPECT_MSG_EQ(r.status, 1, ctx);
        for (const char* needle :
             {"line 2", "Invalid key length", "3des-cbc", "192", "not started"})
        {
            NS_TEST_EXPECT_MSG_NE(r.err.find(needle),
                                  std::string::npos,
                                  "stderr does not mention \"" << needle << "\": " << ctx);
        }
        NS_TEST_EXPECT_MSG_EQ(r.out.find("flow "), std::string::npos, "flow lines: " << ctx);
        NS_TEST_EXPECT_MSG_EQ(r.out.find("delivered"), std::string::npos, "flow lines: " << ctx);
        NS_TEST_EXPECT_MSG_EQ(FilesIn(pcapDir).size(), 0, "pcaps were written: " << ctx);
        NS_TEST_EXPECT_MSG_EQ(std::filesystem::exists(json), false, "JSON was written: " << ctx);
    }
};

class IpsecPcapTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecPcapTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-pcap", SYSTEM)
    {
        AddTestCase(new IpsecPcapTsharkTestCase, TestCase::QUICK);
        AddTestCase(new IpsecPcapDeterminismTestCase, TestCase::QUICK);
        AddTestCase(new IpsecPcapCountersTestCase, TestCase::QUICK);
        AddTestCase(new IpsecPcapBadScriptTestCase, TestCase::QUICK);
    }
};

static IpsecPcapTestSuite g_ipsecPcapTestSuite;

} // namespace
