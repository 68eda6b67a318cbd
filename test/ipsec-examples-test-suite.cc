// SPDX-License-Identifier: GPL-2.0-only
/*
 * System tests of the FAQ examples ipsec-vpn, ipsec-leaf-node and
 * ipsec-ah-tunnel, each run as a separate program the way a user runs it and
 * judged from the outside (its exit status, stdout/stderr, JSON summary and
 * pcaps):
 *
 *  1. ipsec-vpn over IPv4 and IPv6, with the FAQ's gateway scripts and with
 *     the esp-auth variants (the same plus `-A hmac-sha1`): every flow is
 *     delivered; the WAN carries nothing but ESP between the gateways' WAN
 *     addresses (IPv6 neighbour discovery excepted); tshark, given the keys
 *     read from the scripts by a small parser in this file (never from the
 *     module), decrypts every ESP frame to an inner packet from LAN 1 to
 *     LAN 2 or back carrying the test traffic; with esp-auth every ICV is
 *     good; the gateways' KAME counters equal the ESP frames on the WAN.
 *     LAN 1 carries the same traffic in the clear.  Negative controls
 *     (wrong keys, no IPsec at all) show that the checks can fail.  The
 *     esp-auth scripts are checked to be the FAQ's plus -A, nothing else.
 *  2. ipsec-vpn with --hosts=3 (IPv4, IPv6): every pair of hosts delivers
 *     everything, through the ESP tunnel.
 *  3. ipsec-leaf-node over the point-to-point leaf link and over Wi-Fi
 *     (IPv4, IPv6; FAQ and esp-auth scripts): every flow is delivered; the
 *     leaf link carries only ESP between the leaf and the router (plus
 *     ARP/ND and 802.11 control frames), which tshark decrypts to leaf <->
 *     server datagrams; the router-server link carries the same traffic in
 *     the clear.
 *  4. ipsec-ah-tunnel: the KAME run delivers nothing and gw2 counts policy
 *     violations on authentic packets; the corrected run delivers all (JSON
 *     and stdout agree); in both the WAN carries the AH tunnel only and
 *     gw2 verified every AH packet on it; in the KAME run nothing from
 *     LAN 1 reaches LAN 2.
 *  5. Determinism of ipsec-vpn: the same --RngRun gives byte-identical files;
 *     another one other IVs and ciphertext, the same flows.
 *  6. A broken gateway script stops ipsec-vpn with exit status 1 and
 *     setkey's message naming the file and line.
 *  7. ipsec-pop-policy and ipsec-bootstrap with their documented defaults
 *     deliver everything (stdout and JSON agree, no policy violation, no
 *     missing SA) and stop with status 1 on a script that does not parse
 *     (their own suites, ipsec-pop and ipsec-bootstrap, judge them in depth).
 *
 * Expected values come from the scripts, the README and the helpers'
 * documented topology and traffic (5 pings, 5 UDP echoes to port 7, a TCP
 * transfer to port 5001), never from the program's output.  tshark is
 * optional: without it the tshark checks are skipped with a message.  The
 * cases run the standalone build's example programs
 * (NS3_IPSEC_BINARY_DIR/examples/...); inside an ns-3 source tree they skip.
 */

#include "ipsec-test-base.h"
#include "ipsec-test-util.h"
#include "ns3/test.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <tuple>
#include <utility>
#include <vector>

// Defined by test/CMakeLists.txt in the standalone build, which builds the
// example programs this suite runs.  Inside an ns-3 source tree
// (contrib/ipsec) the examples are ns-3's and the suite skips its cases.
#ifdef NS3_IPSEC_BINARY_DIR
#define NS3_IPSEC_EXAMPLES_STANDALONE 1
#else
#define NS3_IPSEC_EXAMPLES_STANDALONE 0
#define NS3_IPSEC_BINARY_DIR          "build"
#endif
#ifndef NS3_IPSEC_SOURCE_DIR
#define NS3_IPSEC_SOURCE_DIR "."
#endif

using namespace ns3;
using namespace ns3::ipsectest;

namespace
{

// ===========================================================================
// The programs under test and what they are documented to do
// ===========================================================================

/// An example binary, built by the examples/ CMake project.
std::string
ExampleBinary(const std::string& name)
{
    return std::string(NS3_IPSEC_BINARY_DIR) + "/examples/" + name;
}

/// A shipped setkey script: examples/<dir>/<name>.
std::string
ShippedScript(const std::string& dir, const std::string& name)
{
    return std::string(NS3_IPSEC_SOURCE_DIR) + "/examples/" + dir + "/" + name;
}

// The traffic of examples/common/ipsec-traffic-helper.h, from client to server.
const uint32_t kPings = 5;       ///< ICMP echo requests
const uint32_t kUdpEchoes = 5;   ///< UDP echo datagrams to port 7
const uint16_t kUdpEchoPort = 7; ///< the UDP echo server's port
const uint16_t kTcpPort = 5001;  ///< the TCP sink's port
const uint64_t kTcpBytes = 200000;

/// The IP protocol number of ESP (RFC 4303).
const long long kProtoEsp = 50;

/// pcap link types (tcpdump.org/linktypes.html).
const uint32_t kLinkPpp = 9;
const uint32_t kLinkEthernet = 1;

/// The ipsec-vpn topology of one family (helper/ipsec-vpn-helper.h, README).
struct VpnFamily
{
    bool ipv6;
    const char* name;
    const char* gw1Lan;
    const char* gw1Wan;
    const char* gw2Lan;
    const char* gw2Wan;
    const char* lan1; ///< LAN 1's prefix
    const char* lan2; ///< LAN 2's prefix
    const char* host11;
    const char* host21;
    const char* counters; ///< the JSON counter group of this family
};

const VpnFamily kVpn4 = {false,
                         "IPv4",
                         "10.0.1.1",
                         "20.0.0.1",
                         "10.0.2.1",
                         "20.0.0.2",
                         "10.0.1.0/24",
                         "10.0.2.0/24",
                         "10.0.1.2",
                         "10.0.2.2",
                         "ipsec"};
const VpnFamily kVpn6 = {true,
                         "IPv6",
                         "fd00:10:0:1::1",
                         "fd00:20::1",
                         "fd00:10:0:2::1",
                         "fd00:20::2",
                         "fd00:10:0:1::/64",
                         "fd00:10:0:2::/64",
                         "fd00:10:0:1::2",
                         "fd00:10:0:2::2",
                         "ipsec6"};

/// The ipsec-leaf-node topology of one family (ipsec-leaf-node-helper.h).
struct LeafFamily
{
    bool ipv6;
    const char* name;
    const char* leaf;
    const char* routerLeaf;
    const char* routerServer;
    const char* server;
    const char* counters;
};

const LeafFamily kLeaf4 = {false, "IPv4", "10.0.1.5", "10.0.1.1", "10.0.2.1", "10.0.2.2", "ipsec"};
const LeafFamily kLeaf6 = {
    true, "IPv6", "fd00:10:0:1::5", "fd00:10:0:1::1", "fd00:10:0:2::1", "fd00:10:0:2::2", "ipsec6"};

// ===========================================================================
// Addresses
// ===========================================================================

/// Whether @p addr lies in @p prefix ("a.b.c.d/len", "x::/len" or a bare
/// address, which means the address itself).
bool
InPrefix(const std::string& addr, const std::string& prefix)
{
    size_t slash = prefix.find('/');
    std::string net = prefix.substr(0, slash);
    int af = net.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    if ((addr.find(':') != std::string::npos) != (af == AF_INET6))
    {
        return false;
    }
    unsigned char a[16];
    unsigned char n[16];
    if (inet_pton(af, addr.c_str(), a) != 1 || inet_pton(af, net.c_str(), n) != 1)
    {
        return false;
    }
    int bits = af == AF_INET6 ? 128 : 32;
    int len = slash == std::string::npos ? bits : std::atoi(prefix.c_str() + slash + 1);
    for (int i = 0; i < len; ++i)
    {
        int mask = 0x80 >> (i % 8);
        if ((a[i / 8] & mask) != (n[i / 8] & mask))
        {
            return false;
        }
    }
    return true;
}

// ===========================================================================
// A tiny reader of the setkey scripts, for the keys and the policies
// ===========================================================================

/// The spdadd statements of the script @p path, one string each (tokens
/// separated by one space).
std::vector<std::string>
ReadScriptPolicies(const std::string& path)
{
    std::vector<std::string> policies;
    for (const auto& stmt : ScriptStatements(ReadFile(path)))
    {
        if (stmt[0].text != "spdadd")
        {
            continue;
        }
        std::string s;
        for (const auto& t : stmt)
        {
            s += (s.empty() ? "" : " ") + (t.quoted ? "\"" + t.text + "\"" : t.text);
        }
        policies.push_back(s);
    }
    return policies;
}

/// The SA of ESP from @p src to @p dst, or nullptr.
const ScriptSa*
FindEspSa(const std::vector<ScriptSa>& sas, const std::string& src, const std::string& dst)
{
    return FindSa(sas, "esp", src, dst);
}

// ===========================================================================
// tshark
// ===========================================================================

/// The fields printed per frame, in this order (all occurrences: a tunnel
/// mode frame has two ip.src, the outer first).
const std::vector<std::string> kFields = {
    "frame.number",
    "frame.protocols",
    "ip.src",
    "ip.dst",
    "ip.proto",
    "ip.checksum.status",
    "ipv6.src",
    "ipv6.dst",
    "ipv6.nxt",
    "esp.spi",
    "esp.sequence",
    "esp.icv_good",
    "esp.icv_bad",
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
    std::map<std::string, std::vector<std::string>> field;
    std::vector<std::string> layers; ///< frame.protocols

    /// Occurrence @p i of a field, "" if absent.
    const std::string& Get(const std::string& name, size_t i = 0) const
    {
        static const std::string none;
        auto it = field.find(name);
        return it == field.end() || i >= it->second.size() ? none : it->second[i];
    }

    /// A numeric field (decimal or 0x hex), or -1 if absent.
    long long Num(const std::string& name, size_t i = 0) const
    {
        const std::string& v = Get(name, i);
        return v.empty() ? -1 : std::strtoll(v.c_str(), nullptr, 0);
    }

    /// A boolean field: tshark 4.0 prints 1/0 (older ones True/False).
    bool IsTrue(const std::string& name) const
    {
        const std::string& v = Get(name);
        return v == "1" || v == "True";
    }

    /// Index of the first @p layer in frame.protocols at or after @p from, or -1.
    int Layer(const std::string& layer, int from = 0) const
    {
        for (size_t i = from; i < layers.size(); ++i)
        {
            if (layers[i] == layer)
            {
                return static_cast<int>(i);
            }
        }
        return -1;
    }

    /// The layer after @p at, or "".
    std::string After(int at) const
    {
        return at >= 0 && at + 1 < static_cast<int>(layers.size()) ? layers[at + 1] : "";
    }

    /// Occurrence @p i of the IP source / destination of @p family.
    std::string Src(bool ipv6, size_t i) const
    {
        return CanonicalAddress(Get(ipv6 ? "ipv6.src" : "ip.src", i));
    }

    std::string Dst(bool ipv6, size_t i) const
    {
        return CanonicalAddress(Get(ipv6 ? "ipv6.dst" : "ip.dst", i));
    }
};

/// The two ends of the traffic on a link: the client side (LAN 1, the
/// leaf) and the server side (LAN 2, the server), each a prefix or an
/// address, and, on a tunnelled link, the tunnel's endpoints.
struct LinkSpec
{
    bool ipv6{false};
    std::string clientSide;
    std::string serverSide;
    bool tunnel{false};
    std::string clientEnd; ///< the tunnel endpoint on the client's side
    std::string serverEnd;
    bool wifi{false}; ///< 802.11: control frames, retransmissions
    /// Packets may be lost before the capture point (a full device queue):
    /// sequence numbers need only increase.
    bool gaps{false};
};

/// What tshark saw on one link, classified against the test traffic.
struct LinkSummary
{
    uint32_t frames{0};
    uint32_t linkOnly{0};      ///< frames without IP (ARP, 802.11 control)
    uint32_t arp{0};           ///< ARP frames
    uint32_t nd{0};            ///< ICMPv6 router/neighbour discovery in the clear
    uint32_t esp{0};           ///< frames with ESP (each copy counted)
    uint32_t espDuplicates{0}; ///< ESP frames whose SPI and sequence were seen before
    uint32_t espToServer{0};   ///< distinct ESP packets client end -> server end
    uint32_t espToClient{0};   ///< distinct ESP packets server end -> client end
    uint32_t espDecrypted{0};  ///< ESP frames carrying the expected traffic
    uint32_t icvGood{0};
    uint32_t icvBad{0};
    uint32_t badOuter{0};       ///< ESP not between the tunnel endpoints, or not next header 50
    uint32_t badSpi{0};         ///< SPI not the script's SA for that direction
    uint32_t badSequence{0};    ///< sequence numbers not 1, 2, 3... per SA
    uint32_t unexpectedEsp{0};  ///< ESP where the traffic should be plain
    uint32_t unprotected{0};    ///< plain IP where only ESP is allowed
    uint32_t unexpectedIp{0};   ///< IP packets that are not the test traffic (or bad checksums)
    uint32_t unknown{0};        ///< frames that are neither IP, ARP nor 802.11 control
    uint32_t echoRequests{0};   ///< client -> server (distinct packets)
    uint32_t echoReplies{0};    ///< server -> client
    uint32_t udpToEcho{0};      ///< client -> server port 7
    uint32_t udpFromEcho{0};    ///< server -> client from port 7
    uint32_t tcpToSink{0};      ///< client -> server port 5001
    uint32_t tcpFromSink{0};    ///< server -> client from port 5001
    uint64_t tcpBytesToSink{0}; ///< TCP payload bytes client -> server
    std::set<std::pair<std::string, std::string>> pairs; ///< inner (client, server) pairs
    std::string firstProblem;                            ///< the first odd frame, for messages
};

/// Classifies @p frames of a capture of a link described by @p link; ESP
/// SPIs are checked against @p sas.
LinkSummary
Summarize(const std::vector<Frame>& frames, const LinkSpec& link, const std::vector<ScriptSa>& sas)
{
    LinkSummary s;
    const bool v6 = link.ipv6;
    const std::string ipLayer = v6 ? "ipv6" : "ip";
    const std::string icmp = v6 ? "icmpv6" : "icmp";
    const long long echoRequest = v6 ? 128 : 8; // RFC 4443 / RFC 792
    const long long echoReply = v6 ? 129 : 0;
    std::map<uint32_t, std::set<long long>> seqs; // per SPI
    std::map<uint32_t, long long> lastSeq;        // per SPI

    auto problem = [&s](const Frame& f, const std::string& what)
    {
        if (s.firstProblem.empty())
        {
            s.firstProblem
                = "frame " + f.Get("frame.number") + " (" + f.Get("frame.protocols") + "): " + what;
        }
    };

    // Classifies the IP packet whose header is occurrence @p occ of the IP
    // fields and whose layer is at @p ipAt; true if it is the test traffic.
    auto traffic = [&](const Frame& f, size_t occ, int ipAt, bool count)
    {
        const std::string src = f.Src(v6, occ);
        const std::string dst = f.Dst(v6, occ);
        const bool toServer = InPrefix(src, link.clientSide) && InPrefix(dst, link.serverSide);
        const bool toClient = InPrefix(src, link.serverSide) && InPrefix(dst, link.clientSide);
        if (!toServer && !toClient)
        {
            return false;
        }
        if (!v6 && f.Get("ip.checksum.status", occ) != "1")
        {
            return false;
        }
        const std::string l4 = f.After(ipAt);
        bool ok = false;
        if (l4 == icmp)
        {
            long long t = f.Num(icmp + ".type");
            if (f.Get(icmp + ".checksum.status") == "1")
            {
                if (toServer && t == echoRequest)
                {
                    s.echoRequests += count;
                    ok = true;
                }
                else if (toClient && t == echoReply)
                {
                    s.echoReplies += count;
                    ok = true;
                }
            }
        }
        else if (l4 == "udp" && f.Get("udp.checksum.status") == "1")
        {
            if (toServer && f.Num("udp.dstport") == kUdpEchoPort)
            {
                s.udpToEcho += count;
                ok = true;
            }
            else if (toClient && f.Num("udp.srcport") == kUdpEchoPort)
            {
                s.udpFromEcho += count;
                ok = true;
            }
        }
        else if (l4 == "tcp" && f.Get("tcp.checksum.status") == "1")
        {
            if (toServer && f.Num("tcp.dstport") == kTcpPort)
            {
                s.tcpToSink += count;
                s.tcpBytesToSink += count ? std::max(0LL, f.Num("tcp.len")) : 0;
                ok = true;
            }
            else if (toClient && f.Num("tcp.srcport") == kTcpPort)
            {
                s.tcpFromSink += count;
                ok = true;
            }
        }
        if (ok)
        {
            s.pairs.insert(toServer ? std::make_pair(src, dst) : std::make_pair(dst, src));
        }
        return ok;
    };

    for (const auto& f : frames)
    {
        ++s.frames;
        const int ipAt = f.Layer(ipLayer);
        const int espAt = f.Layer("esp");
        if (ipAt < 0)
        {
            if (f.Layer("arp") >= 0)
            {
                ++s.arp;
                ++s.linkOnly;
            }
            else if (link.wifi && f.Layer("wlan") >= 0 && f.Layer("llc") < 0)
            {
                ++s.linkOnly; // 802.11 acknowledgements and other control frames
            }
            else
            {
                ++s.unknown;
                problem(f, "neither " + ipLayer + " nor ARP");
            }
            continue;
        }
        if (espAt < 0)
        {
            // Neighbour discovery (RFC 4861: types 133-137) stays in the clear.
            long long t = f.Num("icmpv6.type");
            if (v6 && f.After(ipAt) == "icmpv6" && t >= 133 && t <= 137)
            {
                ++s.nd;
                continue;
            }
            if (link.tunnel)
            {
                ++s.unprotected;
                problem(f, "not ESP on the tunnelled link");
                continue;
            }
            if (!traffic(f, 0, ipAt, true))
            {
                ++s.unexpectedIp;
                problem(f, "not the test traffic (or a bad checksum)");
            }
            continue;
        }

        ++s.esp;
        if (!link.tunnel)
        {
            ++s.unexpectedEsp;
            problem(f, "ESP on a plain link");
            continue;
        }
        // The outer header: between the tunnel endpoints, next header ESP.
        const std::string src = f.Src(v6, 0);
        const std::string dst = f.Dst(v6, 0);
        const bool fromClientEnd
            = src == CanonicalAddress(link.clientEnd) && dst == CanonicalAddress(link.serverEnd);
        const bool fromServerEnd
            = src == CanonicalAddress(link.serverEnd) && dst == CanonicalAddress(link.clientEnd);
        if ((!fromClientEnd && !fromServerEnd) || f.Num(v6 ? "ipv6.nxt" : "ip.proto") != kProtoEsp
            || f.After(ipAt) != "esp" || (!v6 && f.Get("ip.checksum.status") != "1"))
        {
            ++s.badOuter;
            problem(f, "outer header " + src + " -> " + dst);
            continue;
        }
        const ScriptSa* sa = FindEspSa(sas, src, dst);
        const long long spi = f.Num("esp.spi");
        const long long seq = f.Num("esp.sequence");
        if (sa == nullptr || spi != static_cast<long long>(sa->spi))
        {
            ++s.badSpi;
            problem(f, "unexpected SPI " + f.Get("esp.spi"));
        }
        // RFC 4303 3.3.3: the first packet of an SA carries 1.  On Wi-Fi a
        // frame may be captured again (802.11 retransmission): counted once.
        const uint32_t key = static_cast<uint32_t>(spi);
        const bool duplicate = !seqs[key].insert(seq).second;
        if (duplicate)
        {
            ++s.espDuplicates;
        }
        else
        {
            auto it = lastSeq.emplace(key, 0).first;
            if (link.gaps ? seq <= it->second : seq != it->second + 1)
            {
                ++s.badSequence;
                problem(f,
                        "sequence " + std::to_string(seq) + " after " + std::to_string(it->second));
            }
            it->second = seq;
            (fromClientEnd ? s.espToServer : s.espToClient) += 1;
        }
        s.icvGood += f.IsTrue("esp.icv_good");
        s.icvBad += f.IsTrue("esp.icv_bad");

        // The inner packet: an IP header right after ESP, in the tunnel's
        // direction, carrying the test traffic.
        bool expected = false;
        if (f.After(espAt) == ipLayer)
        {
            const std::string isrc = f.Src(v6, 1);
            const bool innerToServer = InPrefix(isrc, link.clientSide);
            expected = innerToServer == fromClientEnd && traffic(f, 1, espAt + 1, !duplicate);
        }
        if (expected)
        {
            ++s.espDecrypted;
        }
        else
        {
            problem(f, "the decrypted packet is not the test traffic in the tunnel's direction");
        }
    }
    return s;
}

// ===========================================================================
// A minimal JSON reader
// ===========================================================================

/// The `flow NAME FROM -> TO: X of Y UNIT delivered` lines of the program's
/// standard output (README, "The examples").
std::vector<FlowResult>
StdoutFlows(const std::string& out)
{
    static const std::regex line(R"(^flow (\S+) (\S+) -> (\S+): (\d+) of (\d+) (.+) delivered$)");
    std::vector<FlowResult> flows;
    std::istringstream in(out);
    std::string text;
    while (std::getline(in, text))
    {
        std::smatch m;
        if (std::regex_match(text, m, line))
        {
            FlowResult r;
            r.name = m[1];
            r.from = m[2];
            r.to = m[3];
            r.received = std::stoll(m[4]);
            r.sent = std::stoll(m[5]);
            r.unit = m[6];
            flows.push_back(r);
        }
    }
    return flows;
}

/// The addresses of node @p name, canonical.
std::vector<std::string>
JsonAddresses(const Json& doc, const std::string& name)
{
    std::vector<std::string> out;
    const Json* node = JsonNode(doc, name);
    const Json* addrs = node != nullptr ? node->Find("addresses") : nullptr;
    if (addrs != nullptr)
    {
        for (const auto& a : addrs->items)
        {
            out.push_back(CanonicalAddress(a.text));
        }
    }
    return out;
}

// ===========================================================================
// pcap files
// ===========================================================================

/// The IPv4 packet of a PPP (0x0021) or Ethernet (0x0800) frame, or "".
std::string
Ipv4Packet(uint32_t linkType, const std::string& frame)
{
    auto u16 = [&frame](size_t at)
    {
        return static_cast<uint32_t>((static_cast<unsigned char>(frame[at]) << 8)
                                     | static_cast<unsigned char>(frame[at + 1]));
    };
    size_t header = linkType == kLinkPpp ? 2 : linkType == kLinkEthernet ? 14 : 0;
    uint32_t type = linkType == kLinkPpp ? 0x0021 : 0x0800;
    if (header == 0 || frame.size() < header + 20 || u16(header - 2) != type
        || (static_cast<unsigned char>(frame[header]) >> 4) != 4)
    {
        return "";
    }
    return frame.substr(header);
}

/// The IPv4 source address of an IPv4 packet.
std::string
Ipv4Source(const std::string& ip)
{
    char out[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, ip.data() + 12, out, sizeof(out)) != nullptr ? out : "";
}

/// The IPv4 destination address of an IPv4 packet.
std::string
Ipv4Destination(const std::string& ip)
{
    char out[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, ip.data() + 16, out, sizeof(out)) != nullptr ? out : "";
}

/// The IPv4 packet inside the AH tunnel packet @p ip (RFC 4302: next
/// header 4, IP-in-IP), with the AH SPI in @p spi; "" if @p ip is not one.
std::string
AhTunnelInner(const std::string& ip, uint32_t& spi)
{
    const int protoAh = 51;
    const int protoIpip = 4;
    if (ip.size() < 20 || static_cast<unsigned char>(ip[9]) != protoAh)
    {
        return "";
    }
    size_t ihl = (static_cast<unsigned char>(ip[0]) & 0xf) * 4;
    if (ip.size() < ihl + 12)
    {
        return "";
    }
    size_t ahLen = (static_cast<unsigned char>(ip[ihl + 1]) + 2) * 4;
    spi = 0;
    for (int i = 0; i < 4; ++i)
    {
        spi = (spi << 8) | static_cast<unsigned char>(ip[ihl + 4 + i]);
    }
    if (static_cast<unsigned char>(ip[ihl]) != protoIpip || ip.size() < ihl + ahLen + 20
        || (static_cast<unsigned char>(ip[ihl + ahLen]) >> 4) != 4)
    {
        return "";
    }
    return ip.substr(ihl + ahLen);
}

/// The ESP packets (SPI, sequence -> SPI onwards) of a PPP/IPv4 capture.
std::map<std::pair<uint32_t, uint32_t>, std::string>
EspPackets(uint32_t linkType, const std::vector<PcapRecord>& records)
{
    std::map<std::pair<uint32_t, uint32_t>, std::string> esp;
    for (const auto& r : records)
    {
        std::string ip = Ipv4Packet(linkType, r.data);
        if (ip.empty() || static_cast<unsigned char>(ip[9]) != kProtoEsp)
        {
            continue;
        }
        size_t ihl = (static_cast<unsigned char>(ip[0]) & 0xf) * 4;
        if (ip.size() < ihl + 8)
        {
            continue;
        }
        auto u32 = [&ip](size_t at)
        {
            uint32_t v = 0;
            for (int i = 0; i < 4; ++i)
            {
                v = (v << 8) | static_cast<unsigned char>(ip[at + i]);
            }
            return v;
        };
        esp[{u32(ihl), u32(ihl + 4)}] = ip.substr(ihl);
    }
    return esp;
}

// ===========================================================================
// Shared base: running the examples and tshark, with test assertions
// ===========================================================================

class IpsecExamplesTestCase : public ExampleTestCase
{
  public:
    explicit IpsecExamplesTestCase(const std::string& name)
        : ExampleTestCase(name)
    {
    }

  protected:
    /// Reads and parses the JSON summary @p path.
    bool ReadJson(const std::string& path, Json& doc)
    {
        std::string text = ReadFile(path);
        bool parsed = JsonReader(text).Read(doc);
        NS_TEST_EXPECT_MSG_EQ(parsed, true, "bad JSON in " << path << ":\n" << text);
        return parsed;
    }

    /// Checks that @p flows are exactly the test traffic from @p from to
    /// @p to (ping, udp-echo, tcp of @p tcpBytes), all delivered when
    /// @p delivered, none when not; and that the program printed the same.
    void CheckFlows(const std::vector<FlowResult>& flows,
                    const std::string& from,
                    const std::string& to,
                    uint64_t tcpBytes,
                    bool delivered,
                    const std::string& ctx)
    {
        const std::vector<FlowResult> expected = {
            {"ping", from, to, "echo requests/replies", kPings, kPings},
            {"udp-echo", from, to, "datagrams", kUdpEchoes, kUdpEchoes},
            {"tcp",
             from,
             to,
             "bytes",
             static_cast<long long>(tcpBytes),
             static_cast<long long>(tcpBytes)},
        };
        NS_TEST_EXPECT_MSG_EQ(flows.size(), expected.size(), ctx << ": flows");
        for (const auto& e : expected)
        {
            auto it = std::find_if(flows.begin(),
                                   flows.end(),
                                   [&e](const FlowResult& f)
                                   {
                                       return f.name == e.name && f.from == e.from && f.to == e.to;
                                   });
            NS_TEST_EXPECT_MSG_EQ((it != flows.end()),
                                  true,
                                  ctx << ": no flow " << e.name << " " << from << " -> " << to);
            if (it == flows.end())
            {
                continue;
            }
            NS_TEST_EXPECT_MSG_EQ(it->unit, e.unit, ctx << ": " << *it);
            NS_TEST_EXPECT_MSG_EQ(it->sent, e.sent, ctx << ": " << *it);
            NS_TEST_EXPECT_MSG_EQ(it->received, (delivered ? e.received : 0), ctx << ": " << *it);
        }
    }

    /// Counter @p key of @p group, or -1 (reported) if missing.
    long long Counter(const Json* group, const std::string& key, const std::string& ctx)
    {
        const Json* v = group != nullptr ? group->Find(key) : nullptr;
        long long n = v != nullptr ? v->Integer() : -1;
        NS_TEST_EXPECT_MSG_GT_OR_EQ(n, 0, "counter " << key << " missing or not a count: " << ctx);
        return n;
    }

    /// Entry @p alg of histogram @p key of @p group (0 if absent).
    long long Histogram(const Json* group,
                        const std::string& key,
                        const std::string& alg,
                        const std::string& ctx)
    {
        const Json* h = group != nullptr ? group->Find(key) : nullptr;
        NS_TEST_EXPECT_MSG_EQ((h != nullptr && h->kind == Json::OBJECT),
                              true,
                              "histogram " << key << " missing: " << ctx);
        const Json* v = h != nullptr ? h->Find(alg) : nullptr;
        return v != nullptr ? v->Integer() : 0;
    }

    /// The counters of @p group that a clean run leaves at zero.
    void CheckZeroCounters(const Json* group, const std::string& ctx)
    {
        NS_TEST_EXPECT_MSG_EQ((group != nullptr), true, ctx << ": no counters");
        for (const auto& key : CleanRunZeroCounters())
        {
            NS_TEST_EXPECT_MSG_EQ(Counter(group, key, ctx), 0, ctx << ": " << key);
        }
    }

    /// Every counter and histogram of @p node's group @p group is zero/empty
    /// (the other address family's, which the run does not use).
    void CheckIdleGroup(const Json& doc,
                        const std::string& node,
                        const std::string& group,
                        const std::string& ctx)
    {
        const Json* g = JsonCounters(doc, node, group);
        NS_TEST_EXPECT_MSG_EQ((g != nullptr), true, ctx << ": no " << group << " of " << node);
        if (g == nullptr)
        {
            return;
        }
        for (const auto& [key, value] : g->members)
        {
            if (value.kind == Json::OBJECT)
            {
                NS_TEST_EXPECT_MSG_EQ(
                    value.members.size(), 0, ctx << ": " << node << "'s " << group << "." << key);
            }
            else
            {
                NS_TEST_EXPECT_MSG_EQ(
                    value.Integer(), 0, ctx << ": " << node << "'s " << group << "." << key);
            }
        }
    }

    /// The ESP SAs of @p path: one each way between @p a and @p b, with
    /// @p encAlg and @p authAlg, in names tshark knows.
    bool ReadSas(const std::string& path,
                 const std::string& a,
                 const std::string& b,
                 const std::string& encAlg,
                 const std::string& authAlg,
                 std::vector<ScriptSa>& sas)
    {
        std::string error;
        sas = ReadScriptSas(path, error);
        NS_TEST_EXPECT_MSG_EQ(error, "", "reading " << path);
        NS_TEST_EXPECT_MSG_EQ(sas.size(), 2, "SAs added by " << path);
        for (const auto& sa : sas)
        {
            NS_TEST_EXPECT_MSG_EQ(sa.proto, "esp", path);
            NS_TEST_EXPECT_MSG_EQ(sa.encAlg, encAlg, path);
            NS_TEST_EXPECT_MSG_EQ(sa.authAlg, authAlg, path);
            NS_TEST_EXPECT_MSG_NE(TsharkEncryption(sa.encAlg), "", "no tshark name");
            NS_TEST_EXPECT_MSG_NE(TsharkAuthentication(sa.authAlg), "", "no tshark name");
            // hmac-sha1 takes a 160-bit key (RFC 2404).
            NS_TEST_EXPECT_MSG_EQ(sa.authKey.size(), (authAlg.empty() ? 0 : 40), path);
        }
        NS_TEST_EXPECT_MSG_EQ((FindEspSa(sas, a, b) != nullptr), true, path << ": no SA " << a);
        NS_TEST_EXPECT_MSG_EQ((FindEspSa(sas, b, a) != nullptr), true, path << ": no SA " << b);
        return error.empty() && sas.size() == 2 && FindEspSa(sas, a, b) && FindEspSa(sas, b, a);
    }

    /// The two scripts of a pair (gw1/gw2, leaf/router) add the same SAs.
    void CheckSameSas(const std::string& one, const std::string& other)
    {
        std::string e1;
        std::string e2;
        std::vector<ScriptSa> s1 = ReadScriptSas(one, e1);
        std::vector<ScriptSa> s2 = ReadScriptSas(other, e2);
        std::sort(s1.begin(), s1.end());
        std::sort(s2.begin(), s2.end());
        NS_TEST_EXPECT_MSG_EQ(e1 + e2, "", "reading " << one << " and " << other);
        NS_TEST_EXPECT_MSG_EQ((s1 == s2), true, one << " and " << other << " add different SAs");
    }

    /// An esp-auth script is the FAQ script @p faq with `-A hmac-sha1 KEY`
    /// on each `add` and nothing else changed.
    void CheckEspAuthVariant(const std::string& faq, const std::string& auth)
    {
        std::string e1;
        std::string e2;
        std::vector<ScriptSa> f = ReadScriptSas(faq, e1);
        std::vector<ScriptSa> a = ReadScriptSas(auth, e2);
        NS_TEST_EXPECT_MSG_EQ(e1 + e2, "", "reading " << faq << " and " << auth);
        NS_TEST_EXPECT_MSG_EQ(a.size(), f.size(), auth << " vs " << faq);
        for (size_t i = 0; i < std::min(a.size(), f.size()); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(f[i].authAlg, "", faq << " has no ESP authenticator");
            NS_TEST_EXPECT_MSG_EQ(a[i].authAlg, "hmac-sha1", auth);
            NS_TEST_EXPECT_MSG_EQ(a[i].authKey.size(), 40, auth << ": a 160-bit key");
            ScriptSa stripped = a[i];
            stripped.authAlg.clear();
            stripped.authKey.clear();
            NS_TEST_EXPECT_MSG_EQ((stripped == f[i]),
                                  true,
                                  auth << ": SA " << i + 1 << " differs from " << faq
                                       << " in more than -A");
        }
        std::vector<std::string> pf = ReadScriptPolicies(faq);
        NS_TEST_EXPECT_MSG_GT(pf.size(), 0, faq << " has no policies");
        NS_TEST_EXPECT_MSG_EQ(
            (ReadScriptPolicies(auth) == pf), true, auth << " has other policies than " << faq);
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
                if (!values[i].empty())
                {
                    f.field[kFields[i]] = Split(values[i], ',');
                }
            }
            f.layers = Split(f.Get("frame.protocols"), ':');
            frames.push_back(f);
        };
        if (!RunTshark(pcap, ipv6, sas, kFields, "a", tmp, row))
        {
            return false;
        }
        NS_TEST_EXPECT_MSG_GT(frames.size(), 0, "tshark printed no frames for " << pcap);
        return !frames.empty();
    }

    /// The checks of a tunnelled link @p s: nothing but ESP between the
    /// tunnel's endpoints (and ND/ARP/802.11 control), every ESP frame
    /// decrypted to the test traffic (@p pairs client/server pairs), every
    /// ICV good when @p auth.
    void CheckTunnelLink(const LinkSummary& s,
                         const LinkSpec& link,
                         bool auth,
                         uint32_t pairs,
                         uint64_t tcpBytes,
                         const std::string& ctx)
    {
        const std::string c = ctx + "; first odd " + s.firstProblem;
        NS_TEST_EXPECT_MSG_GT(s.esp, 0, c);
        NS_TEST_EXPECT_MSG_EQ(s.unprotected, 0, c);
        NS_TEST_EXPECT_MSG_EQ(s.unknown, 0, c);
        NS_TEST_EXPECT_MSG_EQ(s.badOuter, 0, c);
        NS_TEST_EXPECT_MSG_EQ(s.badSpi, 0, c);
        NS_TEST_EXPECT_MSG_EQ(s.badSequence, 0, c);
        NS_TEST_EXPECT_MSG_EQ(s.espDecrypted, s.esp, c << ": not every ESP frame decrypted");
        NS_TEST_EXPECT_MSG_EQ(s.icvBad, 0, c);
        NS_TEST_EXPECT_MSG_EQ(s.icvGood, (auth ? s.esp : 0), c << ": good ICVs");
        if (!link.wifi)
        {
            NS_TEST_EXPECT_MSG_EQ(s.espDuplicates, 0, c << ": a packet captured twice");
            NS_TEST_EXPECT_MSG_EQ(s.linkOnly, s.arp, c << ": link-layer frames");
        }
        if (!link.ipv6)
        {
            NS_TEST_EXPECT_MSG_EQ(s.nd, 0, c);
        }
        CheckTraffic(s, pairs, tcpBytes, c);
    }

    /// The test traffic of @p pairs client/server pairs in @p s.
    void CheckTraffic(const LinkSummary& s, uint32_t pairs, uint64_t tcpBytes, const std::string& c)
    {
        NS_TEST_EXPECT_MSG_EQ(s.pairs.size(), pairs, c << ": client/server pairs");
        NS_TEST_EXPECT_MSG_EQ(s.echoRequests, pairs * kPings, c << ": echo requests");
        NS_TEST_EXPECT_MSG_EQ(s.echoReplies, pairs * kPings, c << ": echo replies");
        NS_TEST_EXPECT_MSG_EQ(s.udpToEcho, pairs * kUdpEchoes, c << ": UDP to port 7");
        NS_TEST_EXPECT_MSG_EQ(s.udpFromEcho, pairs * kUdpEchoes, c << ": UDP from port 7");
        NS_TEST_EXPECT_MSG_GT(s.tcpToSink, 0, c << ": TCP to port 5001");
        NS_TEST_EXPECT_MSG_GT(s.tcpFromSink, 0, c << ": TCP from port 5001");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(s.tcpBytesToSink, pairs * tcpBytes, c << ": TCP bytes");
    }

    /// Reports that the tshark checks of this case are skipped.
    void SkipTshark()
    {
        ipsectest::ReportSkip("ipsec-examples",
                              "the tshark checks of \"" + GetName()
                                  + "\": tshark is not on PATH (install tshark to run them)");
    }

    /// Fails if the example binary is missing (skips outside the
    /// standalone build).
    bool HaveBinary(const std::string& binary)
    {
        if (!NS3_IPSEC_EXAMPLES_STANDALONE)
        {
            ipsectest::ReportSkip("ipsec-examples",
                                  "\"" + GetName()
                                      + "\": it runs the standalone build's example programs");
            return false;
        }
        bool exists = std::filesystem::exists(binary);
        NS_TEST_EXPECT_MSG_EQ(
            exists, true, binary << " is missing: build the examples (cmake --build)");
        return exists;
    }
};

// ===========================================================================
// 1. ipsec-vpn: the WAN carries only ESP, which tshark decrypts
// ===========================================================================

class IpsecExamplesVpnTestCase : public IpsecExamplesTestCase
{
  public:
    IpsecExamplesVpnTestCase(const VpnFamily& fam, bool auth)
        : IpsecExamplesTestCase(std::string("ipsec-vpn over ") + fam.name
                                + (auth ? ", esp-auth scripts" : ", the FAQ's scripts")
                                + ": all delivered, only ESP on the WAN, decrypted, counted")
        , m_fam(fam)
        , m_auth(auth)
    {
    }

  private:
    void DoRun() override
    {
        const std::string binary = ExampleBinary("ipsec-vpn");
        if (!HaveBinary(binary))
        {
            return;
        }
        TempDir tmp("ipsec-examples-vpn");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");
        const VpnFamily& fam = m_fam;
        const std::string suffix = std::string(m_auth ? "-esp-auth" : "") + (fam.ipv6 ? "-v6" : "");
        const std::string gw1 = ShippedScript("vpn", "gw1" + suffix + ".conf");
        const std::string gw2 = ShippedScript("vpn", "gw2" + suffix + ".conf");
        const std::string ctx = std::string("ipsec-vpn over ") + fam.name + " with " + gw1;

        // The scripts: gw2's adds the same SAs as gw1's; the esp-auth ones
        // are the FAQ's with -A.
        CheckSameSas(gw1, gw2);
        if (m_auth)
        {
            for (const char* gw : {"gw1", "gw2"})
            {
                std::string v6 = fam.ipv6 ? "-v6" : "";
                CheckEspAuthVariant(
                    ShippedScript("vpn", gw + v6 + ".conf"),
                    ShippedScript("vpn", gw + std::string("-esp-auth") + v6 + ".conf"));
            }
        }

        const std::string dir = tmp.SubDir("pcap");
        const std::string json = tmp.File("summary.json");
        std::vector<std::string> argv = {binary,
                                         std::string("--ipv6=") + (fam.ipv6 ? "true" : "false"),
                                         "--pcapDir=" + dir,
                                         "--json=" + json,
                                         "--tcpBytes=" + std::to_string(kTcpBytes)};
        if (m_auth)
        {
            argv.push_back("--setkeyGw1=" + gw1);
            argv.push_back("--setkeyGw2=" + gw2);
        }
        // Without --setkeyGw*, the program runs the shipped FAQ scripts.
        RunResult r;
        Json doc;
        if (!RunExample(argv, tmp, r) || !ReadJson(json, doc))
        {
            return;
        }
        NS_TEST_EXPECT_MSG_NE(r.out.find(m_auth ? "custom scripts" : "FAQ gateway scripts"),
                              std::string::npos,
                              ctx << ": stdout:\n"
                                  << r.out);

        // Everything delivered, as printed.
        std::vector<FlowResult> flows = JsonFlows(doc);
        CheckFlows(flows, "host1-1", "host2-1", kTcpBytes, true, ctx);
        NS_TEST_EXPECT_MSG_EQ((StdoutFlows(r.out) == flows), true, ctx << ": stdout vs JSON");

        // The documented topology.
        const std::vector<std::string> gw1Addr
            = {CanonicalAddress(fam.gw1Lan), CanonicalAddress(fam.gw1Wan)};
        const std::vector<std::string> gw2Addr
            = {CanonicalAddress(fam.gw2Lan), CanonicalAddress(fam.gw2Wan)};
        NS_TEST_EXPECT_MSG_EQ((JsonAddresses(doc, "gw1") == gw1Addr), true, ctx << ": gw1");
        NS_TEST_EXPECT_MSG_EQ((JsonAddresses(doc, "gw2") == gw2Addr), true, ctx << ": gw2");
        NS_TEST_EXPECT_MSG_EQ((JsonAddresses(doc, "host1-1")
                               == std::vector<std::string>{CanonicalAddress(fam.host11)}),
                              true,
                              ctx << ": host1-1");
        NS_TEST_EXPECT_MSG_EQ((JsonAddresses(doc, "host2-1")
                               == std::vector<std::string>{CanonicalAddress(fam.host21)}),
                              true,
                              ctx << ": host2-1");

        // The gateways' counters: clean, and what one sends the other gets.
        const Json* c1 = JsonCounters(doc, "gw1", fam.counters);
        const Json* c2 = JsonCounters(doc, "gw2", fam.counters);
        CheckZeroCounters(c1, ctx + ", gw1");
        CheckZeroCounters(c2, ctx + ", gw2");
        for (const char* node : {"gw1", "gw2", "host1-1", "host2-1"})
        {
            CheckIdleGroup(doc, node, fam.ipv6 ? "ipsec" : "ipsec6", ctx);
        }
        // The hosts know nothing of IPsec.
        for (const char* host : {"host1-1", "host2-1"})
        {
            const Json* c = JsonCounters(doc, host, fam.counters);
            NS_TEST_EXPECT_MSG_EQ(Counter(c, "in_success", ctx), 0, ctx << ": " << host);
            NS_TEST_EXPECT_MSG_EQ(Counter(c, "out_success", ctx), 0, ctx << ": " << host);
        }
        const long long out1 = Counter(c1, "out_success", ctx);
        const long long in1 = Counter(c1, "in_success", ctx);
        const long long out2 = Counter(c2, "out_success", ctx);
        const long long in2 = Counter(c2, "in_success", ctx);
        NS_TEST_EXPECT_MSG_GT(out1, 0, ctx << ": gw1 out_success");
        NS_TEST_EXPECT_MSG_GT(out2, 0, ctx << ": gw2 out_success");
        NS_TEST_EXPECT_MSG_EQ(in2, out1, ctx << ": gw2 in_success vs gw1 out_success");
        NS_TEST_EXPECT_MSG_EQ(in1, out2, ctx << ": gw1 in_success vs gw2 out_success");
        NS_TEST_EXPECT_MSG_EQ(Histogram(c1, "out_esphist", "blowfish-cbc", ctx), out1, ctx);
        NS_TEST_EXPECT_MSG_EQ(Histogram(c2, "in_esphist", "blowfish-cbc", ctx), out1, ctx);
        NS_TEST_EXPECT_MSG_EQ(Histogram(c2, "out_esphist", "blowfish-cbc", ctx), out2, ctx);
        NS_TEST_EXPECT_MSG_EQ(Histogram(c1, "in_esphist", "blowfish-cbc", ctx), out2, ctx);
        NS_TEST_EXPECT_MSG_EQ(Counter(c2, "in_espauthsucc", ctx), (m_auth ? out1 : 0), ctx);
        NS_TEST_EXPECT_MSG_EQ(Counter(c1, "in_espauthsucc", ctx), (m_auth ? out2 : 0), ctx);

        // The pcaps: gateways 0 and 1 (LAN device 1, WAN device 2), then
        // the hosts (README: the WAN is ipsec-vpn-0-2.pcap).
        std::set<std::string> files = FilesIn(dir);
        for (const char* name : {"ipsec-vpn-0-1.pcap",
                                 "ipsec-vpn-0-2.pcap",
                                 "ipsec-vpn-1-1.pcap",
                                 "ipsec-vpn-1-2.pcap",
                                 "ipsec-vpn-2-1.pcap",
                                 "ipsec-vpn-3-1.pcap"})
        {
            NS_TEST_EXPECT_MSG_EQ(files.count(name), 1, ctx << ": no " << name);
        }

        if (!HaveTshark())
        {
            SkipTshark();
            return;
        }
        std::vector<ScriptSa> sas;
        const std::string auth = m_auth ? "hmac-sha1" : "";
        if (!ReadSas(gw1, fam.gw1Wan, fam.gw2Wan, "blowfish-cbc", auth, sas))
        {
            return;
        }
        LinkSpec wan;
        wan.ipv6 = fam.ipv6;
        wan.clientSide = fam.lan1;
        wan.serverSide = fam.lan2;
        wan.tunnel = true;
        wan.clientEnd = fam.gw1Wan;
        wan.serverEnd = fam.gw2Wan;
        const std::string wanPcap = PcapFile(dir, "ipsec-vpn", 0, 2);
        std::vector<Frame> frames;
        if (!Dissect(wanPcap, fam.ipv6, sas, tmp, frames))
        {
            return;
        }
        LinkSummary s = Summarize(frames, wan, sas);
        const std::string wctx = ctx + ", " + wanPcap;
        CheckTunnelLink(s, wan, m_auth, 1, kTcpBytes, wctx);
        NS_TEST_EXPECT_MSG_EQ(s.linkOnly, 0, wctx << ": non-IP frames on the point-to-point WAN");
        // The inner packets are host1-1's and host2-1's.
        NS_TEST_EXPECT_MSG_EQ(
            s.pairs.count({CanonicalAddress(fam.host11), CanonicalAddress(fam.host21)}), 1, wctx);
        // The gateways counted exactly the ESP packets on the wire.
        NS_TEST_EXPECT_MSG_EQ(s.espToServer, out1, wctx << ": ESP gw1 -> gw2 vs gw1 out_success");
        NS_TEST_EXPECT_MSG_EQ(s.espToClient, out2, wctx << ": ESP gw2 -> gw1 vs gw2 out_success");
        NS_TEST_EXPECT_MSG_EQ(s.espToServer + s.espToClient, s.esp, wctx);

        // LAN 1 (gw1's device 1) carries the same traffic in the clear: the
        // hosts know nothing of IPsec.
        LinkSpec lan;
        lan.ipv6 = fam.ipv6;
        lan.clientSide = fam.host11;
        lan.serverSide = fam.host21;
        const std::string lanPcap = PcapFile(dir, "ipsec-vpn", 0, 1);
        if (Dissect(lanPcap, fam.ipv6, {}, tmp, frames))
        {
            LinkSummary l = Summarize(frames, lan, {});
            const std::string lctx = ctx + ", " + lanPcap + "; first odd " + l.firstProblem;
            NS_TEST_EXPECT_MSG_EQ(l.esp, 0, lctx);
            NS_TEST_EXPECT_MSG_EQ(l.unexpectedIp + l.unknown, 0, lctx);
            CheckTraffic(l, 1, kTcpBytes, lctx);
        }

        // Negative controls (IPv4): with a wrong key the same checks fail.
        if (!fam.ipv6)
        {
            std::vector<ScriptSa> wrong = sas;
            for (auto& sa : wrong)
            {
                std::string& key = m_auth ? sa.authKey : sa.encKey;
                key.back() = key.back() == '0' ? '2' : '0';
            }
            std::vector<Frame> bad;
            if (Dissect(wanPcap, false, wrong, tmp, bad))
            {
                LinkSummary w = Summarize(bad, wan, sas);
                if (m_auth)
                {
                    NS_TEST_EXPECT_MSG_EQ(w.icvGood, 0, "wrong hmac-sha1 keys: " << wctx);
                    NS_TEST_EXPECT_MSG_EQ(w.icvBad, s.esp, "wrong hmac-sha1 keys: " << wctx);
                }
                else
                {
                    NS_TEST_EXPECT_MSG_EQ(w.esp, s.esp, "wrong blowfish keys: " << wctx);
                    NS_TEST_EXPECT_MSG_EQ(
                        w.espDecrypted, 0, "wrong blowfish keys still decrypt: " << wctx);
                }
            }
        }

        // Negative control (IPv4, FAQ): without IPsec (empty scripts) the
        // same traffic crosses the WAN in the clear, which the checks see.
        if (!fam.ipv6 && !m_auth)
        {
            const std::string empty = tmp.File("empty.conf");
            std::ofstream(empty) << "# no SAs, no policies\n";
            const std::string plainDir = tmp.SubDir("no-ipsec");
            std::vector<Frame> plain;
            if (RunExample({binary,
                            "--setkeyGw1=" + empty,
                            "--setkeyGw2=" + empty,
                            "--pcapDir=" + plainDir,
                            "--tcpBytes=" + std::to_string(kTcpBytes)},
                           tmp,
                           r)
                && Dissect(PcapFile(plainDir, "ipsec-vpn", 0, 2), false, {}, tmp, plain))
            {
                LinkSummary w = Summarize(plain, wan, {});
                NS_TEST_EXPECT_MSG_EQ(w.esp, 0, "no IPsec, but ESP on the WAN");
                NS_TEST_EXPECT_MSG_GT(w.unprotected, 0, "no IPsec: plaintext not seen");
                NS_TEST_EXPECT_MSG_EQ(w.unprotected, w.frames, "no IPsec: not every frame seen");
            }
        }
    }

    VpnFamily m_fam;
    bool m_auth;
};

// ===========================================================================
// 1b. ipsec-vpn --keys=ike: the tunnel SAs negotiated by racoon
// ===========================================================================

/**
 * The FAQ's VPN keyed by IKE: the gateways' key log (Wireshark's esp_sa
 * table) is turned by this test into a setkey script, read back by the
 * tests' own script reader, and tshark decrypts the WAN with those keys.
 * Expected: the racoon-vpn.conf sainfo's first choices (blowfish-cbc with
 * racoon's default 128-bit key, hmac-sha1) in tunnel SAs between the WAN addresses with fresh SPIs;
 * every ESP frame decrypted with a good ICV; RFC 2409's 6 main-mode and 3 quick-mode messages on
 * UDP 500 and nothing else in the clear; the first ping lost at gateway 1 for want of an SA
 * (out_nosa), everything else delivered.
 */
class IpsecExamplesVpnIkeTestCase : public IpsecExamplesTestCase
{
  public:
    IpsecExamplesVpnIkeTestCase()
        : IpsecExamplesTestCase("ipsec-vpn --keys=ike: racoon negotiates the tunnel, tshark "
                                "decrypts the WAN with the key log")
    {
    }

  private:
    void DoRun() override
    {
        const std::string binary = ExampleBinary("ipsec-vpn");
        if (!HaveBinary(binary))
        {
            return;
        }
        TempDir tmp("ipsec-examples-vpn-ike");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");
        const VpnFamily& fam = kVpn4;
        const std::string dir = tmp.SubDir("pcap");
        const std::string json = tmp.File("summary.json");
        RunResult r;
        Json doc;
        if (!RunExample({binary,
                         "--keys=ike",
                         "--pcapDir=" + dir,
                         "--json=" + json,
                         "--tcpBytes=" + std::to_string(kTcpBytes)},
                        tmp,
                        r)
            || !ReadJson(json, doc))
        {
            return;
        }
        const std::string ctx = "ipsec-vpn --keys=ike";
        NS_TEST_EXPECT_MSG_NE(r.out.find("keyed by IKE"), std::string::npos, r.out);
        for (const FlowResult& f : JsonFlows(doc))
        {
            // The first ping meets no SA on gateway 1; TCP and the UDP echoes
            // start later, when the SAs are up.
            NS_TEST_EXPECT_MSG_EQ(f.received, f.sent - (f.name == "ping" ? 1 : 0), ctx << f.name);
        }
        const Json* c1 = JsonCounters(doc, "gw1", fam.counters);
        NS_TEST_EXPECT_MSG_EQ(Counter(c1, "out_nosa", ctx), 1, ctx << ": gw1 out_nosa");

        // esp_sa -> a setkey script of this test's making.
        std::ifstream log(dir + "/esp_sa");
        NS_TEST_ASSERT_MSG_EQ(bool(log), true, ctx << ": no key log esp_sa in " << dir);
        const std::string script = tmp.File("from-key-log.conf");
        std::ofstream conf(script);
        std::string line;
        int lines = 0;
        while (std::getline(log, line))
        {
            std::vector<std::string> f;
            for (size_t at = line.find('"'); at != std::string::npos; at = line.find('"', at))
            {
                size_t end = line.find('"', at + 1);
                f.push_back(line.substr(at + 1, end - at - 1));
                at = end + 1;
            }
            NS_TEST_ASSERT_MSG_EQ(f.size(), 8u, ctx << ": esp_sa line " << line);
            NS_TEST_EXPECT_MSG_EQ(f[4], "BLOWFISH-CBC [RFC2451]", ctx << ": sainfo's first cipher");
            NS_TEST_EXPECT_MSG_EQ(f[5].size(), 2u + 2 * 16, ctx << ": blowfish, 128 bits");
            NS_TEST_EXPECT_MSG_EQ(f[6], "HMAC-SHA-1-96 [RFC2404]", ctx << ": hmac_sha1");
            conf << "add " << f[1] << " " << f[2] << " esp " << std::stoul(f[3], nullptr, 16)
                 << " -m tunnel -E blowfish-cbc " << f[5] << " -A hmac-sha1 " << f[7] << ";\n";
            lines++;
        }
        conf.close();
        NS_TEST_EXPECT_MSG_EQ(lines, 2, ctx << ": one SA each way");
        std::vector<ScriptSa> sas;
        if (!ReadSas(script, fam.gw1Wan, fam.gw2Wan, "blowfish-cbc", "hmac-sha1", sas))
        {
            return;
        }
        for (const ScriptSa& sa : sas)
        {
            NS_TEST_EXPECT_MSG_EQ((sa.spi != 13245 && sa.spi != 13246), true, "fresh SPIs");
        }
        if (!HaveTshark())
        {
            SkipTshark();
            return;
        }
        LinkSpec wan;
        wan.clientSide = fam.lan1;
        wan.serverSide = fam.lan2;
        wan.tunnel = true;
        wan.clientEnd = fam.gw1Wan;
        wan.serverEnd = fam.gw2Wan;
        std::vector<Frame> frames;
        const std::string wanPcap = PcapFile(dir, "ipsec-vpn", 0, 2);
        if (!Dissect(wanPcap, false, sas, tmp, frames))
        {
            return;
        }
        LinkSummary s = Summarize(frames, wan, sas);
        const std::string wctx = ctx + ", " + wanPcap + "; first odd " + s.firstProblem;
        uint32_t isakmp = 0;
        for (const Frame& f : frames)
        {
            isakmp += std::count(f.layers.begin(), f.layers.end(), "isakmp") > 0 ? 1 : 0;
        }
        NS_TEST_EXPECT_MSG_EQ(isakmp, 11u, wctx << ": main mode, two INITIAL-CONTACTs, quick mode");
        NS_TEST_EXPECT_MSG_GT(s.esp, 0u, wctx);
        NS_TEST_EXPECT_MSG_EQ(s.espDecrypted, s.esp, wctx << ": every ESP frame decrypted");
        NS_TEST_EXPECT_MSG_EQ(s.icvGood, s.esp, wctx << ": every ICV good");
        NS_TEST_EXPECT_MSG_EQ(s.badSpi + s.badOuter + s.badSequence, 0u, wctx);
        NS_TEST_EXPECT_MSG_EQ(
            s.unprotected + s.unexpectedIp, isakmp, wctx << ": only IKE in clear");
        NS_TEST_EXPECT_MSG_EQ(s.espToServer, Counter(c1, "out_success", ctx), wctx);
    }
};

// ===========================================================================
// 2. ipsec-vpn with three hosts per LAN
// ===========================================================================

class IpsecExamplesVpnHostsTestCase : public IpsecExamplesTestCase
{
  public:
    explicit IpsecExamplesVpnHostsTestCase(const VpnFamily& fam)
        : IpsecExamplesTestCase(std::string("ipsec-vpn --hosts=3 over ") + fam.name
                                + ": every pair of hosts delivers everything")
        , m_fam(fam)
    {
    }

  private:
    void DoRun() override
    {
        const std::string binary = ExampleBinary("ipsec-vpn");
        if (!HaveBinary(binary))
        {
            return;
        }
        TempDir tmp("ipsec-examples-hosts");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");
        const uint32_t hosts = 3;
        const std::string json = tmp.File("summary.json");
        const std::string dir = tmp.SubDir("pcap");
        const std::string ctx = std::string("ipsec-vpn --hosts=3 over ") + m_fam.name;
        RunResult r;
        Json doc;
        if (!RunExample({binary,
                         "--hosts=" + std::to_string(hosts),
                         std::string("--ipv6=") + (m_fam.ipv6 ? "true" : "false"),
                         "--json=" + json,
                         "--pcapDir=" + dir,
                         "--tcpBytes=" + std::to_string(kTcpBytes)},
                        tmp,
                        r)
            || !ReadJson(json, doc))
        {
            return;
        }
        std::vector<FlowResult> flows = JsonFlows(doc);
        NS_TEST_EXPECT_MSG_EQ(flows.size(), 3 * hosts, ctx << ": flows");
        NS_TEST_EXPECT_MSG_EQ((StdoutFlows(r.out) == flows), true, ctx << ": stdout vs JSON");
        std::set<std::string> addresses;
        for (uint32_t i = 1; i <= hosts; ++i)
        {
            const std::string from = "host1-" + std::to_string(i);
            const std::string to = "host2-" + std::to_string(i);
            std::vector<FlowResult> pair;
            std::copy_if(flows.begin(),
                         flows.end(),
                         std::back_inserter(pair),
                         [&](const FlowResult& f)
                         {
                             return f.from == from;
                         });
            CheckFlows(pair, from, to, kTcpBytes, true, ctx);
            // Each host on its LAN, with an address of its own.
            for (const auto& [name, lan] :
                 {std::make_pair(from, m_fam.lan1), std::make_pair(to, m_fam.lan2)})
            {
                std::vector<std::string> a = JsonAddresses(doc, name);
                NS_TEST_EXPECT_MSG_EQ(a.size(), 1, ctx << ": addresses of " << name);
                if (!a.empty())
                {
                    NS_TEST_EXPECT_MSG_EQ(InPrefix(a[0], lan), true, ctx << ": " << a[0]);
                    NS_TEST_EXPECT_MSG_EQ(addresses.insert(a[0]).second, true, ctx << ": " << a[0]);
                }
            }
        }
        for (const char* gw : {"gw1", "gw2"})
        {
            CheckZeroCounters(JsonCounters(doc, gw, m_fam.counters), ctx + ", " + gw);
        }

        // The WAN: only ESP, decrypted to the three pairs' traffic.
        if (!HaveTshark())
        {
            SkipTshark();
            return;
        }
        std::vector<ScriptSa> sas;
        std::string gw1
            = ShippedScript("vpn", std::string("gw1") + (m_fam.ipv6 ? "-v6" : "") + ".conf");
        if (!ReadSas(gw1, m_fam.gw1Wan, m_fam.gw2Wan, "blowfish-cbc", "", sas))
        {
            return;
        }
        LinkSpec wan;
        wan.ipv6 = m_fam.ipv6;
        wan.clientSide = m_fam.lan1;
        wan.serverSide = m_fam.lan2;
        wan.tunnel = true;
        wan.clientEnd = m_fam.gw1Wan;
        wan.serverEnd = m_fam.gw2Wan;
        // Three TCP transfers share the 2 Mbps WAN: gw1's device queue may
        // drop ESP packets before the capture (gw1's out_success counts
        // them, gw2's in_success does not).
        wan.gaps = true;
        std::vector<Frame> frames;
        const std::string wanPcap = PcapFile(dir, "ipsec-vpn", 0, 2);
        if (!Dissect(wanPcap, m_fam.ipv6, sas, tmp, frames))
        {
            return;
        }
        LinkSummary s = Summarize(frames, wan, sas);
        const std::string wctx = ctx + ", " + wanPcap;
        CheckTunnelLink(s, wan, false, hosts, kTcpBytes, wctx);
        // What went over the wire is what the receiving gateway accepted;
        // the sender counted at least as much.
        const Json* c1 = JsonCounters(doc, "gw1", m_fam.counters);
        const Json* c2 = JsonCounters(doc, "gw2", m_fam.counters);
        NS_TEST_EXPECT_MSG_EQ(Counter(c2, "in_success", wctx), s.espToServer, wctx << ": gw2 in");
        NS_TEST_EXPECT_MSG_EQ(Counter(c1, "in_success", wctx), s.espToClient, wctx << ": gw1 in");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(
            Counter(c1, "out_success", wctx), s.espToServer, wctx << ": gw1 out");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(
            Counter(c2, "out_success", wctx), s.espToClient, wctx << ": gw2 out");
    }

    VpnFamily m_fam;
};

// ===========================================================================
// 3. ipsec-leaf-node: ESP on the leaf link only
// ===========================================================================

class IpsecExamplesLeafTestCase : public IpsecExamplesTestCase
{
  public:
    IpsecExamplesLeafTestCase(const LeafFamily& fam, bool wifi, bool auth)
        : IpsecExamplesTestCase(std::string("ipsec-leaf-node over ") + fam.name + ", "
                                + (wifi ? "Wi-Fi" : "point-to-point") + " leaf link, "
                                + (auth ? "esp-auth scripts" : "the FAQ's scripts")
                                + ": ESP on the leaf link only, plaintext behind the router")
        , m_fam(fam)
        , m_wifi(wifi)
        , m_auth(auth)
    {
    }

  private:
    void DoRun() override
    {
        const std::string binary = ExampleBinary("ipsec-leaf-node");
        if (!HaveBinary(binary))
        {
            return;
        }
        TempDir tmp("ipsec-examples-leaf");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");
        const LeafFamily& fam = m_fam;
        const std::string v6 = fam.ipv6 ? "-v6" : "";
        const std::string suffix = std::string(m_auth ? "-esp-auth" : "") + v6 + ".conf";
        const std::string leaf = ShippedScript("leaf-node", "leaf" + suffix);
        const std::string router = ShippedScript("leaf-node", "router" + suffix);
        const std::string ctx = std::string("ipsec-leaf-node over ") + fam.name
                              + (m_wifi ? ", Wi-Fi" : ", point-to-point") + ", " + leaf;

        CheckSameSas(leaf, router);
        if (m_auth)
        {
            CheckEspAuthVariant(ShippedScript("leaf-node", "leaf" + v6 + ".conf"), leaf);
            CheckEspAuthVariant(ShippedScript("leaf-node", "router" + v6 + ".conf"), router);
        }

        const std::string dir = tmp.SubDir("pcap");
        const std::string json = tmp.File("summary.json");
        std::vector<std::string> argv = {binary,
                                         std::string("--ipv6=") + (fam.ipv6 ? "true" : "false"),
                                         std::string("--wifi=") + (m_wifi ? "true" : "false"),
                                         "--pcapDir=" + dir,
                                         "--json=" + json,
                                         "--tcpBytes=" + std::to_string(kTcpBytes)};
        if (m_auth)
        {
            argv.push_back("--setkeyLeaf=" + leaf);
            argv.push_back("--setkeyRouter=" + router);
        }
        RunResult r;
        Json doc;
        if (!RunExample(argv, tmp, r) || !ReadJson(json, doc))
        {
            return;
        }
        NS_TEST_EXPECT_MSG_NE(r.out.find(m_wifi ? "Wi-Fi" : "point-to-point"),
                              std::string::npos,
                              ctx << ": stdout:\n"
                                  << r.out);
        std::vector<FlowResult> flows = JsonFlows(doc);
        CheckFlows(flows, "leaf", "server", kTcpBytes, true, ctx);
        NS_TEST_EXPECT_MSG_EQ((StdoutFlows(r.out) == flows), true, ctx << ": stdout vs JSON");
        NS_TEST_EXPECT_MSG_EQ(
            (JsonAddresses(doc, "leaf") == std::vector<std::string>{CanonicalAddress(fam.leaf)}),
            true,
            ctx << ": leaf");
        NS_TEST_EXPECT_MSG_EQ((JsonAddresses(doc, "router")
                               == std::vector<std::string>{CanonicalAddress(fam.routerLeaf),
                                                           CanonicalAddress(fam.routerServer)}),
                              true,
                              ctx << ": router");
        NS_TEST_EXPECT_MSG_EQ((JsonAddresses(doc, "server")
                               == std::vector<std::string>{CanonicalAddress(fam.server)}),
                              true,
                              ctx << ": server");

        const Json* cl = JsonCounters(doc, "leaf", fam.counters);
        const Json* cr = JsonCounters(doc, "router", fam.counters);
        const Json* cs = JsonCounters(doc, "server", fam.counters);
        CheckZeroCounters(cl, ctx + ", leaf");
        CheckZeroCounters(cr, ctx + ", router");
        CheckZeroCounters(cs, ctx + ", server");
        for (const char* node : {"leaf", "router", "server"})
        {
            CheckIdleGroup(doc, node, fam.ipv6 ? "ipsec" : "ipsec6", ctx);
        }
        const long long outLeaf = Counter(cl, "out_success", ctx);
        const long long outRouter = Counter(cr, "out_success", ctx);
        NS_TEST_EXPECT_MSG_GT(outLeaf, 0, ctx << ": leaf out_success");
        NS_TEST_EXPECT_MSG_EQ(Counter(cr, "in_success", ctx), outLeaf, ctx << ": router in");
        NS_TEST_EXPECT_MSG_EQ(Counter(cl, "in_success", ctx), outRouter, ctx << ": leaf in");
        NS_TEST_EXPECT_MSG_EQ(Counter(cr, "in_espauthsucc", ctx), (m_auth ? outLeaf : 0), ctx);
        NS_TEST_EXPECT_MSG_EQ(Counter(cl, "in_espauthsucc", ctx), (m_auth ? outRouter : 0), ctx);
        // The server takes no part in IPsec.
        NS_TEST_EXPECT_MSG_EQ(Counter(cs, "in_success", ctx), 0, ctx << ": server");
        NS_TEST_EXPECT_MSG_EQ(Counter(cs, "out_success", ctx), 0, ctx << ": server");

        // pcaps: leaf 0 (device 1: the leaf link), router 1 (1: leaf link,
        // 2: server link), server 2.
        std::set<std::string> files = FilesIn(dir);
        for (const char* name : {"ipsec-leaf-node-0-1.pcap",
                                 "ipsec-leaf-node-1-1.pcap",
                                 "ipsec-leaf-node-1-2.pcap",
                                 "ipsec-leaf-node-2-1.pcap"})
        {
            NS_TEST_EXPECT_MSG_EQ(files.count(name), 1, ctx << ": no " << name);
        }
        if (!HaveTshark())
        {
            SkipTshark();
            return;
        }
        std::vector<ScriptSa> sas;
        if (!ReadSas(
                leaf, fam.leaf, fam.routerLeaf, "rijndael-cbc", m_auth ? "hmac-sha1" : "", sas))
        {
            return;
        }

        // The leaf link, as the leaf and as the router capture it.
        LinkSpec leafLink;
        leafLink.ipv6 = fam.ipv6;
        leafLink.clientSide = fam.leaf;
        leafLink.serverSide = fam.server;
        leafLink.tunnel = true;
        leafLink.clientEnd = fam.leaf;
        leafLink.serverEnd = fam.routerLeaf;
        leafLink.wifi = m_wifi;
        for (int node : {0, 1})
        {
            const std::string pcap = PcapFile(dir, "ipsec-leaf-node", node, 1);
            std::vector<Frame> frames;
            if (!Dissect(pcap, fam.ipv6, sas, tmp, frames))
            {
                continue;
            }
            LinkSummary s = Summarize(frames, leafLink, sas);
            const std::string lctx = ctx + ", " + pcap;
            CheckTunnelLink(s, leafLink, m_auth, 1, kTcpBytes, lctx);
            NS_TEST_EXPECT_MSG_EQ(
                s.pairs.count({CanonicalAddress(fam.leaf), CanonicalAddress(fam.server)}),
                1,
                lctx << ": the inner packets are the leaf's and the server's");
            // Every ESP packet a node sent was captured (on Wi-Fi: at least
            // once), and the receiver counted it.
            NS_TEST_EXPECT_MSG_EQ(s.espToServer, outLeaf, lctx << ": ESP leaf -> router");
            NS_TEST_EXPECT_MSG_EQ(s.espToClient, outRouter, lctx << ": ESP router -> leaf");
            if (!m_wifi)
            {
                NS_TEST_EXPECT_MSG_EQ(s.linkOnly, 0, lctx << ": non-IP frames");
            }
        }

        // Behind the router: the same traffic, in the clear (which the
        // leaf link's checks would reject: a negative control).
        LinkSpec plain;
        plain.ipv6 = fam.ipv6;
        plain.clientSide = fam.leaf;
        plain.serverSide = fam.server;
        for (auto [node, dev] : {std::make_pair(1, 2), std::make_pair(2, 1)})
        {
            const std::string pcap = PcapFile(dir, "ipsec-leaf-node", node, dev);
            std::vector<Frame> frames;
            if (!Dissect(pcap, fam.ipv6, {}, tmp, frames))
            {
                continue;
            }
            LinkSummary s = Summarize(frames, plain, {});
            const std::string pctx = ctx + ", " + pcap + "; first odd " + s.firstProblem;
            NS_TEST_EXPECT_MSG_EQ(s.esp, 0, pctx << ": ESP behind the router");
            NS_TEST_EXPECT_MSG_EQ(s.unexpectedIp + s.unknown + s.linkOnly, 0, pctx);
            CheckTraffic(s, 1, kTcpBytes, pctx);
            LinkSummary w = Summarize(frames, leafLink, sas);
            NS_TEST_EXPECT_MSG_EQ(
                w.unprotected, s.frames - s.nd, pctx << ": the tunnel checks miss plaintext");
        }
    }

    LeafFamily m_fam;
    bool m_wifi;
    bool m_auth;
};

// ===========================================================================
// 4. ipsec-ah-tunnel: KAME rejects, the corrected mode delivers
// ===========================================================================

class IpsecExamplesAhTunnelTestCase : public IpsecExamplesTestCase
{
  public:
    IpsecExamplesAhTunnelTestCase()
        : IpsecExamplesTestCase("ipsec-ah-tunnel: KAME delivers nothing (in_polvio), the "
                                "corrected mode everything")
    {
    }

  private:
    void DoRun() override
    {
        const std::string binary = ExampleBinary("ipsec-ah-tunnel");
        if (!HaveBinary(binary))
        {
            return;
        }
        TempDir tmp("ipsec-examples-ah");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");
        const std::string json = tmp.File("summary.json");
        const std::string dir = tmp.SubDir("pcap");
        RunResult r;
        Json doc;
        if (!RunExample({binary, "--json=" + json, "--pcapDir=" + dir}, tmp, r)
            || !ReadJson(json, doc))
        {
            return;
        }
        const Json* runs = doc.Find("runs");
        NS_TEST_ASSERT_MSG_EQ(
            (runs != nullptr && runs->items.size() == 2), true, "two runs expected in the JSON");
        // The program prints the KAME run's flows, then the corrected run's.
        std::vector<FlowResult> printed = StdoutFlows(r.out);
        NS_TEST_EXPECT_MSG_EQ(printed.size(), 6, "flow lines of two runs:\n" << r.out);
        const uint64_t tcpBytes = 1000000; // the example's fixed transfer (README)
        std::string error;
        const std::string script = ShippedScript("ah-tunnel", "gw1.conf");
        const std::vector<ScriptSa> sas = ReadScriptSas(script, error);
        NS_TEST_EXPECT_MSG_EQ(error, "", script);
        NS_TEST_EXPECT_MSG_EQ(sas.size(), 2, script);
        for (const auto& sa : sas)
        {
            NS_TEST_EXPECT_MSG_EQ(sa.proto, "ah", script);
            NS_TEST_EXPECT_MSG_EQ(sa.authAlg, "hmac-sha1", script);
            NS_TEST_EXPECT_MSG_EQ(sa.mode, "tunnel", script);
        }
        CheckSameSas(script, ShippedScript("ah-tunnel", "gw2.conf"));

        for (size_t i = 0; i < 2; ++i)
        {
            const Json& run = runs->items[i];
            const bool kame = i == 0;
            const std::string mode = kame ? "kame" : "corrected";
            const std::string ctx = "ipsec-ah-tunnel, " + mode + " run";
            const Json* m = run.Find("mode");
            const Json* k = run.Find("KameDecapHistory");
            NS_TEST_EXPECT_MSG_EQ((m != nullptr ? m->text : ""), mode, ctx);
            NS_TEST_EXPECT_MSG_EQ((k != nullptr ? k->text : ""), (kame ? "true" : "false"), ctx);

            std::vector<FlowResult> flows = JsonFlows(run);
            CheckFlows(flows, "host1-1", "host2-1", tcpBytes, !kame, ctx);
            if (printed.size() == 6)
            {
                std::vector<FlowResult> mine(printed.begin() + 3 * i,
                                             printed.begin() + 3 * (i + 1));
                NS_TEST_EXPECT_MSG_EQ((mine == flows), true, ctx << ": stdout vs JSON");
            }

            const Json* gw2 = JsonCounters(run, "gw2", "ipsec");
            const long long polvio = Counter(gw2, "in_polvio", ctx);
            const long long success = Counter(gw2, "in_success", ctx);
            const long long authentic = Counter(gw2, "in_ahauthsucc", ctx);
            NS_TEST_EXPECT_MSG_EQ(Counter(gw2, "in_ahauthfail", ctx), 0, ctx);
            NS_TEST_EXPECT_MSG_EQ(Histogram(gw2, "in_ahhist", "hmac-sha1", ctx), authentic, ctx);
            if (kame)
            {
                // Every packet AH verified, and then rejected by the policy.
                NS_TEST_EXPECT_MSG_GT(polvio, 0, ctx << ": gw2 in_polvio");
                NS_TEST_EXPECT_MSG_EQ(authentic, polvio, ctx << ": gw2 in_ahauthsucc");
            }
            else
            {
                NS_TEST_EXPECT_MSG_EQ(polvio, 0, ctx << ": gw2 in_polvio");
                NS_TEST_EXPECT_MSG_GT(success, 0, ctx << ": gw2 in_success");
                NS_TEST_EXPECT_MSG_EQ(authentic, success, ctx << ": gw2 in_ahauthsucc");
            }

            // From the outside: in the KAME run nothing from LAN 1 reaches
            // LAN 2 (gw2's LAN device 1, an Ethernet capture); in the
            // corrected run the traffic does.
            const std::string pcap = PcapFile(dir, "ipsec-ah-tunnel-" + mode, 1, 1);
            uint32_t link = 0;
            std::vector<PcapRecord> records;
            NS_TEST_EXPECT_MSG_EQ(ReadPcap(pcap, link, records), true, ctx << ": " << pcap);
            NS_TEST_EXPECT_MSG_EQ(link, kLinkEthernet, ctx << ": " << pcap);
            uint32_t fromLan1 = 0;
            for (const auto& rec : records)
            {
                std::string ip = Ipv4Packet(link, rec.data);
                fromLan1 += !ip.empty() && InPrefix(Ipv4Source(ip), kVpn4.lan1);
            }
            // The WAN (gw1's device 2) carries AH tunnels only, in both runs
            // (the scripts' SPIs, the LANs' packets inside); gw2 verified
            // every AH packet gw1 sent.
            const std::string wan = PcapFile(dir, "ipsec-ah-tunnel-" + mode, 0, 2);
            uint32_t wanLink = 0;
            std::vector<PcapRecord> wanRecords;
            NS_TEST_EXPECT_MSG_EQ(ReadPcap(wan, wanLink, wanRecords), true, ctx << ": " << wan);
            NS_TEST_EXPECT_MSG_EQ(wanLink, kLinkPpp, ctx << ": " << wan);
            uint32_t toGw2 = 0;
            uint32_t toGw1 = 0;
            uint32_t odd = 0;
            for (const auto& rec : wanRecords)
            {
                std::string ip = Ipv4Packet(wanLink, rec.data);
                uint32_t spi = 0;
                std::string inner = AhTunnelInner(ip, spi);
                const std::string src = ip.empty() ? "" : Ipv4Source(ip);
                const std::string innerSrc = inner.empty() ? "" : Ipv4Source(inner);
                const std::string innerDst = inner.empty() ? "" : Ipv4Destination(inner);
                const ScriptSa* sa
                    = ip.empty() ? nullptr : FindSa(sas, "ah", src, Ipv4Destination(ip));
                const bool lan1to2
                    = InPrefix(innerSrc, kVpn4.lan1) && InPrefix(innerDst, kVpn4.lan2);
                const bool lan2to1
                    = InPrefix(innerSrc, kVpn4.lan2) && InPrefix(innerDst, kVpn4.lan1);
                if (sa != nullptr && sa->spi == spi && src == kVpn4.gw1Wan && lan1to2)
                {
                    ++toGw2;
                }
                else if (sa != nullptr && sa->spi == spi && src == kVpn4.gw2Wan && lan2to1)
                {
                    ++toGw1;
                }
                else
                {
                    ++odd;
                }
            }
            NS_TEST_EXPECT_MSG_EQ(
                odd, 0, ctx << ": WAN packets that are not the AH tunnel, " << wan);
            NS_TEST_EXPECT_MSG_GT(toGw2, 0, ctx << ": no AH gw1 -> gw2 on " << wan);
            NS_TEST_EXPECT_MSG_EQ(authentic, toGw2, ctx << ": gw2 in_ahauthsucc vs " << wan);
            NS_TEST_EXPECT_MSG_EQ(success, toGw2, ctx << ": gw2 in_success vs " << wan);
            // The senders count what their full device queue may still drop
            // (a 1 MB transfer over the 2 Mbps WAN).
            const Json* gw1 = JsonCounters(run, "gw1", "ipsec");
            NS_TEST_EXPECT_MSG_GT_OR_EQ(
                Counter(gw1, "out_success", ctx), toGw2, ctx << ": gw1 out");
            NS_TEST_EXPECT_MSG_EQ(Counter(gw1, "in_success", ctx), toGw1, ctx << ": gw1 in");
            NS_TEST_EXPECT_MSG_GT_OR_EQ(
                Counter(gw2, "out_success", ctx), toGw1, ctx << ": gw2 out");
            if (kame)
            {
                NS_TEST_EXPECT_MSG_EQ(fromLan1, 0, ctx << ": LAN 1 packets on LAN 2, " << pcap);
                NS_TEST_EXPECT_MSG_EQ(toGw1, 0, ctx << ": nothing comes back, " << wan);
            }
            else
            {
                NS_TEST_EXPECT_MSG_GT_OR_EQ(fromLan1,
                                            kPings + kUdpEchoes + tcpBytes / 1460,
                                            ctx << ": LAN 1 packets on LAN 2, " << pcap);
            }
        }
    }
};

// ===========================================================================
// 5. Determinism of ipsec-vpn
// ===========================================================================

class IpsecExamplesVpnDeterminismTestCase : public IpsecExamplesTestCase
{
  public:
    IpsecExamplesVpnDeterminismTestCase()
        : IpsecExamplesTestCase("ipsec-vpn: same RngRun, same bytes; another RngRun, other "
                                "ciphertext, same flows")
    {
    }

  private:
    void DoRun() override
    {
        const std::string binary = ExampleBinary("ipsec-vpn");
        if (!HaveBinary(binary))
        {
            return;
        }
        TempDir tmp("ipsec-examples-determinism");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");
        std::map<std::string, std::string> dirs;
        NS_TEST_ASSERT_MSG_EQ(
            RunThreeSeeds({binary, "--tcpBytes=" + std::to_string(kTcpBytes)}, tmp, dirs),
            true,
            "three runs");

        // Same RngRun: the same files, byte for byte.
        std::set<std::string> files = ExpectSameFiles(dirs["1a"], dirs["1b"]);
        NS_TEST_EXPECT_MSG_EQ(files.count("ipsec-vpn-0-2.pcap"), 1, "no WAN pcap");
        NS_TEST_EXPECT_MSG_EQ(files.count("esp_sa"), 1, "no key log beside the pcaps");
        NS_TEST_EXPECT_MSG_EQ(
            files.size(),
            8,
            "6 pcaps (2 gateways x 2, 2 hosts), the key log (esp_sa) and the JSON");

        // Another RngRun: every ESP packet on the WAN has another IV and
        // another ciphertext; SPI and sequence numbers are the same.
        uint32_t link1 = 0;
        uint32_t link2 = 0;
        std::vector<PcapRecord> rec1;
        std::vector<PcapRecord> rec2;
        const std::string wan1 = PcapFile(dirs["1a"], "ipsec-vpn", 0, 2);
        const std::string wan2 = PcapFile(dirs["2"], "ipsec-vpn", 0, 2);
        NS_TEST_ASSERT_MSG_EQ(ReadPcap(wan1, link1, rec1), true, wan1);
        NS_TEST_ASSERT_MSG_EQ(ReadPcap(wan2, link2, rec2), true, wan2);
        NS_TEST_EXPECT_MSG_EQ(link1, kLinkPpp, "the WAN is point-to-point");
        NS_TEST_EXPECT_MSG_EQ(link2, kLinkPpp, "the WAN is point-to-point");
        auto esp1 = EspPackets(link1, rec1);
        auto esp2 = EspPackets(link2, rec2);
        NS_TEST_EXPECT_MSG_GT(esp1.size(), 0, "no ESP on the WAN");
        NS_TEST_EXPECT_MSG_EQ(esp1.size(), rec1.size(), "not every WAN packet is ESP (IPv4)");
        const size_t ivEnd = 8 + 8; // SPI, sequence number, blowfish's 64-bit IV
        uint32_t common = 0;
        uint32_t sameIv = 0;
        uint32_t sameCiphertext = 0;
        for (const auto& [key, payload] : esp1)
        {
            auto it = esp2.find(key);
            if (it == esp2.end())
            {
                continue;
            }
            ++common;
            sameIv += payload.compare(8, 8, it->second, 8, 8) == 0;
            sameCiphertext += payload.substr(ivEnd) == it->second.substr(ivEnd);
        }
        NS_TEST_EXPECT_MSG_EQ(common, esp1.size(), "SPI/sequence pairs differ between runs");
        NS_TEST_EXPECT_MSG_EQ(esp2.size(), esp1.size(), "ESP packets on the WAN");
        NS_TEST_EXPECT_MSG_EQ(sameIv, 0, "IVs repeated under another RngRun");
        std::set<std::string> ivs;
        for (const auto& [key, payload] : esp1)
        {
            ivs.insert(payload.substr(8, 8));
        }
        NS_TEST_EXPECT_MSG_EQ(ivs.size(), esp1.size(), "an IV repeated within one run");
        NS_TEST_EXPECT_MSG_EQ(sameCiphertext, 0, "ciphertext repeated under another RngRun");

        // ... and the same flows.
        Json j1;
        Json j2;
        NS_TEST_ASSERT_MSG_EQ(ReadJson(dirs["1a"] + "/summary.json", j1), true, "JSON 1");
        NS_TEST_ASSERT_MSG_EQ(ReadJson(dirs["2"] + "/summary.json", j2), true, "JSON 2");
        std::vector<FlowResult> f1 = JsonFlows(j1);
        CheckFlows(f1, "host1-1", "host2-1", kTcpBytes, true, "RngRun 1");
        NS_TEST_EXPECT_MSG_EQ((f1 == JsonFlows(j2)), true, "flows differ between RngRun 1 and 2");
    }
};

// ===========================================================================
// 6. A broken gateway script stops ipsec-vpn
// ===========================================================================

class IpsecExamplesVpnBadScriptTestCase : public IpsecExamplesTestCase
{
  public:
    IpsecExamplesVpnBadScriptTestCase()
        : IpsecExamplesTestCase("ipsec-vpn: a broken gateway script stops it before the "
                                "simulation, naming the file and line")
    {
    }

  private:
    /// Writes @p path: @p original with the first @p from replaced by @p to;
    /// returns the line (1-based) of the replacement, 0 if not found.
    static int Corrupt(const std::string& original,
                       const std::string& path,
                       const std::string& from,
                       const std::string& to)
    {
        std::string text = ReadFile(original);
        size_t at = text.find(from);
        if (at == std::string::npos)
        {
            return 0;
        }
        text.replace(at, from.size(), to);
        std::ofstream(path) << text;
        return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
    }

    void DoRun() override
    {
        const std::string binary = ExampleBinary("ipsec-vpn");
        if (!HaveBinary(binary))
        {
            return;
        }
        TempDir tmp("ipsec-examples-badscript");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");

        struct Broken
        {
            const char* option;
            const char* original;
            const char* from;
            const char* to;
            std::vector<std::string> needles;
        };

        // gw1: the FAQ's script with a 32-bit blowfish key (blowfish-cbc
        // takes 40 to 448 bits); gw2: the esp-auth script with a 152-bit
        // hmac-sha1 key (160 bits).
        const std::vector<Broken> cases = {
            {"--setkeyGw1=",
             "gw1.conf",
             "\"blowfishtest.001\"",
             "\"abcd\"",
             {"Invalid key length", "blowfish-cbc"}},
            {"--setkeyGw2=",
             "gw2-esp-auth.conf",
             "\"vpnauth-hmacsha1.002\"",
             "\"vpnauth-hmacsha1.02\"",
             {"Invalid key length", "hmac-sha1"}},
        };
        for (const auto& b : cases)
        {
            const std::string script = tmp.File(std::string("broken-") + b.original);
            const int line = Corrupt(ShippedScript("vpn", b.original), script, b.from, b.to);
            NS_TEST_ASSERT_MSG_GT(line, 0, b.from << " not in " << b.original);
            const std::string pcapDir = tmp.SubDir(std::string("pcap-") + b.original);
            const std::string json = tmp.File(std::string(b.original) + ".json");
            RunResult r = RunProgram({binary,
                                      b.option + script,
                                      "--pcapDir=" + pcapDir,
                                      "--json=" + json,
                                      "--tcpBytes=" + std::to_string(kTcpBytes)},
                                     tmp.File("example.stderr"));
            const std::string ctx = r.command + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
            NS_TEST_EXPECT_MSG_EQ(r.status, 1, ctx);
            std::vector<std::string> needles = b.needles;
            needles.push_back(script + ":" + std::to_string(line));
            needles.push_back("line " + std::to_string(line));
            needles.push_back("not started");
            for (const auto& needle : needles)
            {
                NS_TEST_EXPECT_MSG_NE(r.err.find(needle),
                                      std::string::npos,
                                      "stderr does not mention \"" << needle << "\": " << ctx);
            }
            NS_TEST_EXPECT_MSG_EQ(StdoutFlows(r.out).size(), 0, "flow lines: " << ctx);
            NS_TEST_EXPECT_MSG_EQ(FilesIn(pcapDir).size(), 0, "pcaps were written: " << ctx);
            NS_TEST_EXPECT_MSG_EQ(std::filesystem::exists(json), false, "JSON written: " << ctx);
        }
    }
};

/**
 * ipsec-pfkey-daemon: daemons keyed through PF_KEY.  A quick exchange
 * (2 s) loses the pings sent before it (out_nosa, not queued) and carries
 * the rest in ESP; one slower than net.key.larval_lifetime never gets its
 * SAs (every ping dropped); raising the lifetime rescues it.
 */
class IpsecExamplesPfKeyDaemonTestCase : public IpsecExamplesTestCase
{
  public:
    IpsecExamplesPfKeyDaemonTestCase()
        : IpsecExamplesTestCase("ipsec-pfkey-daemon: ACQUIRE, GETSPI, UPDATE and the larval "
                                "lifetime race")
    {
    }

  private:
    void DoRun() override
    {
        const std::string binary = ExampleBinary("ipsec-pfkey-daemon");
        if (!HaveBinary(binary))
        {
            return;
        }
        TempDir tmp("ipsec-examples-pfkey");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");
        struct Case
        {
            std::vector<std::string> args;
            long long pings;
            bool keyed; ///< SAs installed in time
        };

        const std::vector<Case> cases = {
            {{}, 20, true},
            {{"--ipv6=true"}, 20, true},
            {{"--delay=40", "--pings=50"}, 50, false},
            {{"--delay=40", "--pings=50", "--larvalLifetime=60"}, 50, true},
        };
        for (const Case& c : cases)
        {
            std::string ctx = binary;
            for (const auto& a : c.args)
            {
                ctx += " " + a;
            }
            bool v6 = !c.args.empty() && c.args[0] == "--ipv6=true";
            const std::string json = tmp.File("summary.json");
            std::vector<std::string> argv = {binary, "--verbose=false", "--json=" + json};
            argv.insert(argv.end(), c.args.begin(), c.args.end());
            RunResult r;
            Json doc;
            if (!RunExample(argv, tmp, r) || !ReadJson(json, doc))
            {
                continue;
            }
            std::vector<FlowResult> flows = JsonFlows(doc);
            NS_TEST_ASSERT_MSG_EQ(flows.size(), 1u, ctx << ": the ping flow");
            NS_TEST_EXPECT_MSG_EQ(flows[0].sent, c.pings, ctx);
            const Json* a = JsonCounters(doc, "A", v6 ? "ipsec6" : "ipsec");
            const Json* b = JsonCounters(doc, "B", v6 ? "ipsec6" : "ipsec");
            const Json* pfkey = JsonCounters(doc, "A", "pfkey");
            long long nosa = Counter(a, "out_nosa", ctx);
            NS_TEST_EXPECT_MSG_GT(Histogram(pfkey, "in_msgtype", "acquire", ctx),
                                  0,
                                  ctx << ": A's kernel asked for keys");
            NS_TEST_EXPECT_MSG_GT(Histogram(pfkey, "out_msgtype", "getspi", ctx),
                                  0,
                                  ctx << ": A's daemon reserved an SPI");
            if (c.keyed)
            {
                NS_TEST_EXPECT_MSG_GT(nosa, 0, ctx << ": pings before the keys are lost");
                NS_TEST_EXPECT_MSG_EQ(
                    flows[0].received + nosa, c.pings, ctx << ": the rest get through");
                NS_TEST_EXPECT_MSG_EQ(
                    Counter(b, "in_success", ctx), flows[0].received, ctx << ": in ESP");
                NS_TEST_EXPECT_MSG_EQ(Histogram(pfkey, "out_msgtype", "update", ctx),
                                      1,
                                      ctx << ": A's daemon matured its larval SA");
            }
            else
            {
                NS_TEST_EXPECT_MSG_EQ(flows[0].received, 0, ctx << ": never keyed");
                NS_TEST_EXPECT_MSG_EQ(nosa, c.pings, ctx << ": every ping dropped");
                NS_TEST_EXPECT_MSG_EQ(Counter(b, "in_success", ctx), 0, ctx);
                NS_TEST_EXPECT_MSG_EQ(Histogram(pfkey, "in_msgtype", "add", ctx),
                                      0,
                                      ctx << ": no SA added after the larval SA expired");
            }
        }
    }
};

/// The POP and bootstrap examples as a user runs them: documented defaults, errors.
class IpsecExamplesPopBootstrapTestCase : public IpsecExamplesTestCase
{
  public:
    IpsecExamplesPopBootstrapTestCase()
        : IpsecExamplesTestCase("ipsec-pop-policy, ipsec-bootstrap: the documented defaults "
                                "deliver everything, a broken script stops them")
    {
    }

  private:
    void DoRun() override
    {
        const std::string pop = ExampleBinary("ipsec-pop-policy");
        const std::string boot = ExampleBinary("ipsec-bootstrap");
        if (!HaveBinary(pop) || !HaveBinary(boot))
        {
            return;
        }
        TempDir tmp("ipsec-examples-pop-boot");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");

        // Defaults (README): a 20000-byte message to B and to A itself; 20
        // NFS requests from each client.  stdout and JSON agree.
        struct Run
        {
            std::string binary;
            std::vector<FlowResult> expected;
        };

        const std::vector<Run> runs = {
            {pop,
             {{"pop", "B", "A", "bytes of mail", 20000, 20000},
              {"pop", "A", "A", "bytes of mail", 20000, 20000}}},
            {boot,
             {{"nfs", "client1", "server", "requests/replies", 20, 20},
              {"nfs", "client2", "server", "requests/replies", 20, 20}}},
        };
        for (const auto& run : runs)
        {
            const std::string json = tmp.File("summary.json");
            RunResult r;
            Json doc;
            if (!RunExample({run.binary, "--json=" + json}, tmp, r) || !ReadJson(json, doc))
            {
                continue;
            }
            std::vector<FlowResult> flows = JsonFlows(doc);
            NS_TEST_EXPECT_MSG_EQ((flows == run.expected), true, run.binary << ": JSON flows");
            NS_TEST_EXPECT_MSG_EQ((StdoutFlows(r.out) == flows), true, run.binary << ": stdout");
            for (const char* zero : {"in_polvio", "out_nosa", "in_ahauthfail"})
            {
                for (const char* node : {"A", "B", "server", "client1", "client2"})
                {
                    const Json* c = JsonCounters(doc, node, "ipsec");
                    const Json* v = c ? c->Find(zero) : nullptr;
                    NS_TEST_EXPECT_MSG_EQ((v ? v->Integer() : 0), 0, run.binary << " " << node);
                }
            }
        }

        // A script that does not parse: status 1 before the simulation.
        const std::string bad = tmp.File("bad.conf");
        std::ofstream(bad) << "spdadd 10.0.0.1 10.0.0.2 tcp -P out ipsec ah/transport//bogus;\n";
        const std::string confDir = tmp.SubDir("conf");
        for (const char* name : {"server.conf", "client1.conf", "client2.conf"})
        {
            std::ofstream(confDir + "/" + name)
                << ReadFile(ShippedScript("bootstrap", name))
                << "add 10.1.0.9 10.1.0.1 esp 700 -E des-cbc \"short\";\n";
        }
        for (const auto& argv : std::vector<std::vector<std::string>>{
                 {pop, "--setkeyA=" + bad}, {boot, "--confDir=" + confDir}})
        {
            RunResult r = RunProgram(argv, tmp.File("example.stderr"));
            NS_TEST_EXPECT_MSG_EQ(r.status, 1, r.command << "\n" << r.err);
            NS_TEST_EXPECT_MSG_NE(r.err.find("not started"), std::string::npos, r.err);
            NS_TEST_EXPECT_MSG_EQ(StdoutFlows(r.out).size(), 0, r.command);
        }
    }
};

class IpsecExamplesTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecExamplesTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-examples", SYSTEM)
    {
        for (const VpnFamily* fam : {&kVpn4, &kVpn6})
        {
            for (bool auth : {false, true})
            {
                AddTestCase(new IpsecExamplesVpnTestCase(*fam, auth), TestCase::QUICK);
            }
        }
        AddTestCase(new IpsecExamplesVpnIkeTestCase(), TestCase::QUICK);
        AddTestCase(new IpsecExamplesVpnHostsTestCase(kVpn4), TestCase::QUICK);
        AddTestCase(new IpsecExamplesVpnHostsTestCase(kVpn6), TestCase::QUICK);
        for (bool wifi : {false, true})
        {
            for (const LeafFamily* fam : {&kLeaf4, &kLeaf6})
            {
                for (bool auth : {false, true})
                {
                    AddTestCase(new IpsecExamplesLeafTestCase(*fam, wifi, auth), TestCase::QUICK);
                }
            }
        }
        AddTestCase(new IpsecExamplesAhTunnelTestCase, TestCase::QUICK);
        AddTestCase(new IpsecExamplesVpnDeterminismTestCase, TestCase::QUICK);
        AddTestCase(new IpsecExamplesVpnBadScriptTestCase, TestCase::QUICK);
        AddTestCase(new IpsecExamplesPopBootstrapTestCase, TestCase::QUICK);
        AddTestCase(new IpsecExamplesPfKeyDaemonTestCase, TestCase::QUICK);
    }
};

static IpsecExamplesTestSuite g_ipsecExamplesTestSuite;

} // namespace
