/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The headers in front of the upper layer: policy selectors that walk them
 * (KAME ipsec_setspidx: ipsec4_get_ulp, ip6_lasthdr), IPsec headers behind
 * IPv6 extension headers on input and output (RFC 4302 section 3.3.3.1.2 for
 * AH's ICV), gateways whose protocol-specific tunnel policy must catch
 * datagrams whatever headers come first, and the bound on the transforms
 * removed from one datagram (nested IPComp tunnels).
 *
 * Every datagram fed to the model is built here by an independent encoder:
 * hand-written header bytes, ESP (rijndael-cbc + hmac-sha1-96) and AH
 * (hmac-sha1-96) with OpenSSL's EVP and HMAC functions, IPComp with zlib's
 * raw deflate, UDP checksums with the RFC 768 / RFC 8200 section 8.1
 * pseudo-header (the runner enables ns-3's checksums).  What the model puts
 * on the wire is read back with the same independent decoder.  Expected
 * values come from the RFCs and KAME's rules, never from running the model:
 *
 *  - ipsec4_get_ulp: an IPv4 fragment (MF or an offset) has protocol 255
 *    and no ports; AH headers are skipped; ports only when the whole TCP
 *    (20 bytes) / UDP (8 bytes) header is there; nothing behind the header
 *    (or behind the AH headers) is 255;
 *  - ip6_lasthdr: Hop-by-Hop, Routing, Destination Options, the Fragment
 *    header of a first fragment and AH are skipped; a later fragment stops
 *    at its Fragment header (44); ESP, IPComp, IPv6 (41), No Next Header and
 *    upper layers stop the walk; a truncated header ends it where it starts;
 *  - RFC 4301 section 4.4.1.1 (the Rfc4301FragmentSelectors variant): an
 *    IPv4 later fragment keeps its protocol, OPAQUE ports; an IPv4 first
 *    fragment is walked as a whole datagram; an IPv6 later fragment has
 *    the protocol its Fragment header names, OPAQUE ports;
 *  - RFC 8200 section 4.5: the unfragmentable part is Hop-by-Hop, a
 *    Destination Options header followed by a Routing header, and the
 *    Routing header; transport-mode IPsec goes behind it (RFC 4303 section
 *    3.1.1, RFC 4302 section 3.1.1), a later Destination Options header is
 *    protected;
 *  - RFC 4302 section 3.3.3.1.2: AH's ICV covers the IPv6 header (traffic
 *    class, flow label and hop limit zero) and the extension headers in
 *    front of AH, the data of options whose type has the 0x20 bit zero;
 *  - KAME ip_forward / ip6_forward: a gateway's selector has no ports, so a
 *    `udp` tunnel policy covers forwarded UDP whatever comes before it;
 *  - NetBSD ipcomp4_input: "nested ipcomp" is refused (in_inval); a
 *    well-known CPI (2, deflate) needs no SA; the model's MaxTransforms
 *    (default 16) bounds the transforms removed from one datagram (one more
 *    is in_nomem).
 *
 * ns-3 stops a suite at its first failing test case: the cases go from the
 * unit tests of the walks to the system tests.
 */
#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipsec-module.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-raw-socket-factory.h"
#include "ns3/ipv6-raw-socket-factory.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iomanip>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sstream>
#include <string>
#include <utility>
#include <vector>
#include <zlib.h>

using namespace ns3;

namespace
{

using Bytes = std::vector<uint8_t>;

// ===========================================================================
// The independent encoder and decoder
// ===========================================================================

constexpr uint8_t P_HOPOPTS = 0;
constexpr uint8_t P_ICMP = 1;
constexpr uint8_t P_IPV4 = 4;
constexpr uint8_t P_TCP = 6;
constexpr uint8_t P_UDP = 17;
constexpr uint8_t P_IPV6 = 41;
constexpr uint8_t P_ROUTING = 43;
constexpr uint8_t P_FRAGMENT = 44;
constexpr uint8_t P_ESP = 50;
constexpr uint8_t P_AH = 51;
constexpr uint8_t P_ICMPV6 = 58;
constexpr uint8_t P_NONE = 59;
constexpr uint8_t P_DSTOPTS = 60;
constexpr uint8_t P_IPCOMP = 108;
constexpr uint8_t P_ANY = 255;

/// Option types: bits 00 (skip if unknown); 0x20 "may change en route".
constexpr uint8_t OPT_MUTABLE = 0x3e;
constexpr uint8_t OPT_IMMUTABLE = 0x1e;

void
Put16(Bytes& b, uint32_t v)
{
    b.push_back(static_cast<uint8_t>((v >> 8) & 0xff));
    b.push_back(static_cast<uint8_t>(v & 0xff));
}

void
Put32(Bytes& b, uint32_t v)
{
    Put16(b, v >> 16);
    Put16(b, v & 0xffff);
}

Bytes
Cat(std::initializer_list<Bytes> parts)
{
    Bytes out;
    for (const Bytes& p : parts)
    {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

Bytes
Slice(const Bytes& b, size_t from, size_t to = SIZE_MAX)
{
    to = std::min(to, b.size());
    from = std::min(from, to);
    return Bytes(b.begin() + from, b.begin() + to);
}

Bytes
Addr(Ipv6Address a)
{
    uint8_t b[16];
    a.Serialize(b);
    return Bytes(b, b + 16);
}

/// An IPv6 header (RFC 8200), traffic class and flow label 0.
Bytes
Ipv6Hdr(Ipv6Address src, Ipv6Address dst, uint8_t next, uint32_t payloadLength, uint8_t hop = 64)
{
    Bytes h = {0x60, 0, 0, 0};
    Put16(h, payloadLength);
    h.push_back(next);
    h.push_back(hop);
    return Cat({h, Addr(src), Addr(dst)});
}

/// A Hop-by-Hop or Destination Options header of (@p units + 1) * 8 bytes
/// holding a single PadN option.
Bytes
PadOptions(uint8_t next, uint8_t units)
{
    uint32_t total = (uint32_t(units) + 1) * 8;
    Bytes h = {next, units, 0x01, static_cast<uint8_t>(total - 4)};
    h.resize(total, 0);
    return h;
}

/// A type 0 Routing header (RFC 2460 section 4.4) with one address,
/// @p address, and @p segmentsLeft (24 bytes).
Bytes
RoutingHdr(uint8_t next, uint8_t segmentsLeft = 0, Ipv6Address address = Ipv6Address("fd00:99::1"))
{
    Bytes h = {next, 2, 0, segmentsLeft, 0, 0, 0, 0};
    h = Cat({h, Addr(address)});
    return h;
}

/// A Fragment header: @p offset in 8-byte units, M flag @p more.
Bytes
FragmentHdr(uint8_t next, uint16_t offset, bool more, uint32_t id = 0x1234)
{
    Bytes h = {next, 0};
    Put16(h, (uint32_t(offset) << 3) | (more ? 1 : 0));
    Put32(h, id);
    return h;
}

/// AH (RFC 4302) with a 12-byte ICV field (24 bytes, aligned for both
/// families), the ICV zero or @p icvByte.
Bytes
AhHdr(uint8_t next, uint32_t spi = 0x100, uint32_t seq = 1, uint8_t icvByte = 0)
{
    Bytes h = {next, 4, 0, 0};
    Put32(h, spi);
    Put32(h, seq);
    h.resize(24, icvByte);
    return h;
}

Bytes
TcpHdr(uint16_t sport, uint16_t dport)
{
    Bytes h;
    Put16(h, sport);
    Put16(h, dport);
    Put32(h, 1000);
    Put32(h, 0);
    h.push_back(0x50);
    h.push_back(0x02); // SYN
    Put16(h, 65535);
    Put16(h, 0);
    Put16(h, 0);
    return h;
}

/// An ICMP / ICMPv6 header (type, code, checksum, 4 bytes).
Bytes
IcmpHdr(uint8_t type, uint8_t code)
{
    return Bytes{type, code, 0, 0, 0, 1, 0, 1};
}

/// UDP header and data without a checksum (for the selector unit tests).
Bytes
UdpPlain(uint16_t sport, uint16_t dport, uint32_t dataLength = 4)
{
    Bytes u;
    Put16(u, sport);
    Put16(u, dport);
    Put16(u, 8 + dataLength);
    Put16(u, 0);
    u.resize(8 + dataLength, 0x55);
    return u;
}

// ===========================================================================
// 1. Unit tests of the walks
// ===========================================================================

const IpsecAddress SRC4 = *IpsecAddress::Parse("10.0.0.1");
const IpsecAddress DST4 = *IpsecAddress::Parse("10.0.0.2");
const IpsecAddress SRC6 = *IpsecAddress::Parse("fd00::1");
const IpsecAddress DST6 = *IpsecAddress::Parse("fd00::2");

IpsecWalkRules
Rules(bool wantPorts = true, uint16_t fragField = 0, bool rfc4301 = false, bool icmp6 = false)
{
    IpsecWalkRules r;
    r.wantPorts = wantPorts;
    r.ipv4FragField = fragField;
    r.rfc4301Fragments = rfc4301;
    r.icmp6TypeCode = icmp6;
    return r;
}

/// One datagram and the selector the rules give it.
struct WalkCase
{
    std::string name;
    bool v6;
    uint8_t protocol; ///< the IP header's protocol / next header
    Bytes payload;
    IpsecWalkRules rules;
    uint8_t ulproto;
    uint16_t sport;
    uint16_t dport;
    int offset{-1}; ///< where the walk ends (-1: not checked)
    bool opaque{false};
};

class WalkTestCase : public TestCase
{
  public:
    WalkTestCase(const std::string& name, std::vector<WalkCase> cases)
        : TestCase(name)
        , m_cases(std::move(cases))
    {
    }

  private:
    void DoRun() override
    {
        for (const WalkCase& c : m_cases)
        {
            Ptr<Packet> p = Create<Packet>(c.payload.data(), c.payload.size());
            const IpsecAddress& src = c.v6 ? SRC6 : SRC4;
            const IpsecAddress& dst = c.v6 ? DST6 : DST4;
            IpsecSelector sel = IpsecPacketSelector(src, dst, c.protocol, p, c.rules);
            NS_TEST_EXPECT_MSG_EQ(
                unsigned(sel.ulproto), unsigned(c.ulproto), c.name << ": protocol");
            NS_TEST_EXPECT_MSG_EQ(sel.sport, c.sport, c.name << ": source port");
            NS_TEST_EXPECT_MSG_EQ(sel.dport, c.dport, c.name << ": destination port");
            NS_TEST_EXPECT_MSG_EQ(sel.src, src, c.name << ": source address");
            NS_TEST_EXPECT_MSG_EQ(sel.dst, dst, c.name << ": destination address");
            NS_TEST_EXPECT_MSG_EQ(unsigned(sel.prefs), c.v6 ? 128u : 32u, c.name << ": prefix");
            IpsecUpperLayer ul = c.v6 ? IpsecWalkIpv6(c.protocol, p, c.rules)
                                      : IpsecWalkIpv4(c.protocol, p, c.rules);
            NS_TEST_EXPECT_MSG_EQ(unsigned(ul.protocol), unsigned(c.ulproto), c.name << ": walk");
            if (c.offset >= 0)
            {
                NS_TEST_EXPECT_MSG_EQ(ul.offset, uint32_t(c.offset), c.name << ": walk offset");
            }
            NS_TEST_EXPECT_MSG_EQ(ul.opaque, c.opaque, c.name << ": opaque");
        }
    }

    std::vector<WalkCase> m_cases;
};

std::vector<WalkCase>
Ipv4KameCases()
{
    const uint16_t MF = 0x2000;
    const uint16_t LATER = 185; // offset 1480 bytes, last fragment
    return {
        {"TCP", false, P_TCP, TcpHdr(1234, 80), Rules(), P_TCP, 1234, 80, 0},
        {"UDP", false, P_UDP, UdpPlain(5000, 53), Rules(), P_UDP, 5000, 53, 0},
        {"ICMP", false, P_ICMP, IcmpHdr(8, 0), Rules(), P_ICMP, 0, 0, 0},
        {"AH then UDP: ports read behind AH",
         false,
         P_AH,
         Cat({AhHdr(P_UDP), UdpPlain(5000, 53)}),
         Rules(),
         P_UDP,
         5000,
         53,
         24},
        {"AH, AH, TCP",
         false,
         P_AH,
         Cat({AhHdr(P_AH), AhHdr(P_TCP), TcpHdr(1234, 80)}),
         Rules(),
         P_TCP,
         1234,
         80,
         48},
        {"AH with nothing behind it: any", false, P_AH, AhHdr(P_UDP), Rules(), P_ANY, 0, 0},
        {"truncated AH: any", false, P_AH, Bytes{P_UDP}, Rules(), P_ANY, 0, 0},
        {"first fragment (MF): any, no ports",
         false,
         P_UDP,
         UdpPlain(5000, 53, 100),
         Rules(true, MF),
         P_ANY,
         0,
         0},
        {"first fragment with DF and MF: any",
         false,
         P_UDP,
         UdpPlain(5000, 53, 100),
         Rules(true, 0x4000 | MF),
         P_ANY,
         0,
         0},
        {"later fragment: any, no ports",
         false,
         P_UDP,
         UdpPlain(5000, 53, 100),
         Rules(true, LATER),
         P_ANY,
         0,
         0},
        {"DF alone is no fragment",
         false,
         P_UDP,
         UdpPlain(5000, 53),
         Rules(true, 0x4000),
         P_UDP,
         5000,
         53},
        {"truncated TCP (19 bytes): protocol 6, no ports",
         false,
         P_TCP,
         Slice(TcpHdr(1234, 80), 0, 19),
         Rules(),
         P_TCP,
         0,
         0},
        {"truncated UDP (7 bytes): protocol 17, no ports",
         false,
         P_UDP,
         Slice(UdpPlain(5000, 53), 0, 7),
         Rules(),
         P_UDP,
         0,
         0},
        {"UDP header alone (8 bytes): ports",
         false,
         P_UDP,
         UdpPlain(5000, 53, 0),
         Rules(),
         P_UDP,
         5000,
         53},
        {"empty payload: any", false, P_UDP, Bytes{}, Rules(), P_ANY, 0, 0},
        {"forwarded UDP: no ports", false, P_UDP, UdpPlain(5000, 53), Rules(false), P_UDP, 0, 0},
        {"forwarded AH, TCP: protocol 6, no ports",
         false,
         P_AH,
         Cat({AhHdr(P_TCP), TcpHdr(1234, 80)}),
         Rules(false),
         P_TCP,
         0,
         0},
    };
}

std::vector<WalkCase>
Ipv6KameCases()
{
    const Bytes udp = UdpPlain(5000, 53);
    const Bytes tcp = TcpHdr(1234, 80);
    Bytes truncatedHbh = Slice(PadOptions(P_UDP, 1), 0, 8); // says 16 bytes, has 8
    return {
        {"HbH, DestOpt, TCP",
         true,
         P_HOPOPTS,
         Cat({PadOptions(P_DSTOPTS, 0), PadOptions(P_TCP, 0), tcp}),
         Rules(),
         P_TCP,
         1234,
         80,
         16},
        {"Routing, UDP",
         true,
         P_ROUTING,
         Cat({RoutingHdr(P_UDP), udp}),
         Rules(),
         P_UDP,
         5000,
         53,
         24},
        {"HbH (16 bytes), Routing, DestOpt, UDP",
         true,
         P_HOPOPTS,
         Cat({PadOptions(P_ROUTING, 1), RoutingHdr(P_DSTOPTS), PadOptions(P_UDP, 0), udp}),
         Rules(),
         P_UDP,
         5000,
         53,
         48},
        {"first fragment, UDP: ports",
         true,
         P_FRAGMENT,
         Cat({FragmentHdr(P_UDP, 0, true), udp}),
         Rules(),
         P_UDP,
         5000,
         53,
         8},
        {"later fragment: stops at the Fragment header (44)",
         true,
         P_FRAGMENT,
         Cat({FragmentHdr(P_UDP, 185, false), udp}),
         Rules(),
         P_FRAGMENT,
         0,
         0,
         0},
        {"HbH, later fragment: 44",
         true,
         P_HOPOPTS,
         Cat({PadOptions(P_FRAGMENT, 0), FragmentHdr(P_UDP, 185, true), udp}),
         Rules(),
         P_FRAGMENT,
         0,
         0,
         8},
        {"AH, UDP: ports read behind AH",
         true,
         P_AH,
         Cat({AhHdr(P_UDP), udp}),
         Rules(),
         P_UDP,
         5000,
         53,
         24},
        {"DestOpt, AH, DestOpt, TCP",
         true,
         P_DSTOPTS,
         Cat({PadOptions(P_AH, 0), AhHdr(P_DSTOPTS), PadOptions(P_TCP, 0), tcp}),
         Rules(),
         P_TCP,
         1234,
         80,
         40},
        {"ESP stops the walk", true, P_ESP, Bytes(40, 0x11), Rules(), P_ESP, 0, 0, 0},
        {"HbH, ESP",
         true,
         P_HOPOPTS,
         Cat({PadOptions(P_ESP, 0), Bytes(40, 0x11)}),
         Rules(),
         P_ESP,
         0,
         0,
         8},
        {"IPComp stops the walk", true, P_IPCOMP, Bytes(40, 0x11), Rules(), P_IPCOMP, 0, 0, 0},
        {"IPv6 in IPv6 (41) stops the walk",
         true,
         P_IPV6,
         Ipv6Hdr(Ipv6Address("fd00::3"), Ipv6Address("fd00::4"), P_UDP, 0),
         Rules(),
         P_IPV6,
         0,
         0,
         0},
        {"HbH, IPv6 (41)",
         true,
         P_HOPOPTS,
         Cat({PadOptions(P_IPV6, 0),
              Ipv6Hdr(Ipv6Address("fd00::3"), Ipv6Address("fd00::4"), P_UDP, 0)}),
         Rules(),
         P_IPV6,
         0,
         0,
         8},
        {"No Next Header (59)", true, P_HOPOPTS, PadOptions(P_NONE, 0), Rules(), P_NONE, 0, 0, 8},
        {"truncated HbH: the walk ends where it starts",
         true,
         P_HOPOPTS,
         truncatedHbh,
         Rules(),
         P_HOPOPTS,
         0,
         0,
         0},
        {"HbH, truncated DestOpt: ends at the DestOpt",
         true,
         P_HOPOPTS,
         Cat({PadOptions(P_DSTOPTS, 0), Slice(PadOptions(P_UDP, 1), 0, 12)}),
         Rules(),
         P_DSTOPTS,
         0,
         0,
         8},
        {"truncated Fragment header",
         true,
         P_FRAGMENT,
         Bytes{P_UDP, 0, 0},
         Rules(),
         P_FRAGMENT,
         0,
         0,
         0},
        {"truncated UDP (7 bytes)", true, P_UDP, Slice(udp, 0, 7), Rules(), P_UDP, 0, 0, 0},
        {"DestOpt, truncated TCP",
         true,
         P_DSTOPTS,
         Cat({PadOptions(P_TCP, 0), Slice(tcp, 0, 19)}),
         Rules(),
         P_TCP,
         0,
         0,
         8},
        {"ICMPv6 without the type/code rule",
         true,
         P_ICMPV6,
         IcmpHdr(1, 4),
         Rules(),
         P_ICMPV6,
         0,
         0,
         0},
        {"ICMPv6 with the type/code rule: type 1, code 4",
         true,
         P_ICMPV6,
         IcmpHdr(1, 4),
         Rules(true, 0, false, true),
         P_ICMPV6,
         1,
         4,
         0},
        {"DestOpt, ICMPv6 with the type/code rule",
         true,
         P_DSTOPTS,
         Cat({PadOptions(P_ICMPV6, 0), IcmpHdr(128, 0)}),
         Rules(true, 0, false, true),
         P_ICMPV6,
         128,
         0,
         8},
        {"truncated ICMPv6 (4 bytes) with the type/code rule",
         true,
         P_ICMPV6,
         Slice(IcmpHdr(1, 4), 0, 4),
         Rules(true, 0, false, true),
         P_ICMPV6,
         0,
         0,
         0},
        {"forwarded HbH, UDP: no ports",
         true,
         P_HOPOPTS,
         Cat({PadOptions(P_UDP, 0), udp}),
         Rules(false),
         P_UDP,
         0,
         0,
         8},
    };
}

std::vector<WalkCase>
Rfc4301Cases()
{
    const uint16_t MF = 0x2000;
    const uint16_t LATER = 185;
    const Bytes udp = UdpPlain(5000, 53, 100);
    const Bytes tcp = TcpHdr(1234, 80);
    IpsecWalkRules first = Rules(true, MF, true);
    IpsecWalkRules later = Rules(true, LATER, true);
    IpsecWalkRules v6 = Rules(true, 0, true);
    return {
        {"IPv4 first fragment, whole UDP header: ports",
         false,
         P_UDP,
         udp,
         first,
         P_UDP,
         5000,
         53,
         0},
        {"IPv4 first fragment, AH, UDP",
         false,
         P_AH,
         Cat({AhHdr(P_UDP), udp}),
         first,
         P_UDP,
         5000,
         53,
         24},
        {"IPv4 first fragment, truncated TCP: protocol 6, no ports",
         false,
         P_TCP,
         Slice(tcp, 0, 12),
         first,
         P_TCP,
         0,
         0,
         0},
        {"IPv4 later fragment: protocol kept, OPAQUE",
         false,
         P_UDP,
         udp,
         later,
         P_UDP,
         0,
         0,
         -1,
         true},
        {"IPv4 later fragment of an AH datagram: 51, OPAQUE",
         false,
         P_AH,
         udp,
         later,
         P_AH,
         0,
         0,
         -1,
         true},
        {"IPv4 later fragment, forwarded",
         false,
         P_TCP,
         tcp,
         Rules(false, LATER, true),
         P_TCP,
         0,
         0,
         -1,
         true},
        {"IPv4 whole datagram: as KAME",
         false,
         P_UDP,
         udp,
         Rules(true, 0, true),
         P_UDP,
         5000,
         53,
         0},
        {"IPv6 later fragment: the protocol the Fragment header names, OPAQUE",
         true,
         P_FRAGMENT,
         Cat({FragmentHdr(P_UDP, 185, false), udp}),
         v6,
         P_UDP,
         0,
         0,
         -1,
         true},
        {"IPv6 HbH, later fragment of TCP: 6, OPAQUE",
         true,
         P_HOPOPTS,
         Cat({PadOptions(P_FRAGMENT, 0), FragmentHdr(P_TCP, 8, true), tcp}),
         v6,
         P_TCP,
         0,
         0,
         -1,
         true},
        {"IPv6 first fragment, UDP: ports as KAME",
         true,
         P_FRAGMENT,
         Cat({FragmentHdr(P_UDP, 0, true), udp}),
         v6,
         P_UDP,
         5000,
         53,
         8},
    };
}

/// One payload and its unfragmentable part (RFC 8200 section 4.5).
struct UnfragCase
{
    std::string name;
    uint8_t nextHeader;
    Bytes payload;
    uint32_t length;
    uint8_t after;       ///< the header that follows the unfragmentable part
    uint32_t lastNextAt; ///< offset of the last unfragmentable header's next-header byte
};

class UnfragmentableTestCase : public TestCase
{
  public:
    UnfragmentableTestCase()
        : TestCase("walk: the unfragmentable part of IPv6 datagrams (RFC 8200 section 4.5)")
    {
    }

  private:
    void DoRun() override
    {
        const Bytes udp = UdpPlain(5000, 53);
        const std::vector<UnfragCase> cases = {
            {"none (UDP)", P_UDP, udp, 0, P_UDP, 0},
            {"DestOpt without a Routing header: protected",
             P_DSTOPTS,
             Cat({PadOptions(P_UDP, 0), udp}),
             0,
             P_DSTOPTS,
             0},
            {"HbH", P_HOPOPTS, Cat({PadOptions(P_UDP, 0), udp}), 8, P_UDP, 0},
            {"HbH, DestOpt (no Routing header)",
             P_HOPOPTS,
             Cat({PadOptions(P_DSTOPTS, 0), PadOptions(P_UDP, 0), udp}),
             8,
             P_DSTOPTS,
             0},
            {"HbH (16), DestOpt, Routing, DestOpt",
             P_HOPOPTS,
             Cat({PadOptions(P_DSTOPTS, 1),
                  PadOptions(P_ROUTING, 0),
                  RoutingHdr(P_DSTOPTS),
                  PadOptions(P_UDP, 0),
                  udp}),
             48,
             P_DSTOPTS,
             24},
            {"DestOpt, Routing",
             P_DSTOPTS,
             Cat({PadOptions(P_ROUTING, 0), RoutingHdr(P_UDP), udp}),
             32,
             P_UDP,
             8},
            {"Routing", P_ROUTING, Cat({RoutingHdr(P_TCP), TcpHdr(1, 2)}), 24, P_TCP, 0},
            {"HbH, ESP", P_HOPOPTS, Cat({PadOptions(P_ESP, 0), Bytes(32, 0x11)}), 8, P_ESP, 0},
            {"truncated HbH: nothing",
             P_HOPOPTS,
             Slice(PadOptions(P_UDP, 1), 0, 8),
             0,
             P_HOPOPTS,
             0},
        };
        for (const UnfragCase& c : cases)
        {
            Ptr<Packet> p = Create<Packet>(c.payload.data(), c.payload.size());
            IpsecIpv6Unfragmentable u = IpsecIpv6UnfragmentablePart(c.nextHeader, p);
            NS_TEST_EXPECT_MSG_EQ(u.length, c.length, c.name << ": length");
            NS_TEST_EXPECT_MSG_EQ(
                unsigned(u.firstHeader), unsigned(c.nextHeader), c.name << ": first header");
            NS_TEST_EXPECT_MSG_EQ(
                unsigned(u.nextHeader), unsigned(c.after), c.name << ": the header after it");
            if (c.length > 0)
            {
                NS_TEST_EXPECT_MSG_EQ(
                    u.nextHeaderAt, c.lastNextAt, c.name << ": last next-header byte");
                NS_TEST_EXPECT_MSG_EQ(unsigned(c.payload[u.nextHeaderAt]),
                                      unsigned(c.after),
                                      c.name << ": that byte names the header after the part");
            }
        }
        for (uint8_t t : {P_HOPOPTS, P_ROUTING, P_DSTOPTS})
        {
            NS_TEST_EXPECT_MSG_EQ(
                IpsecIsIpv6OptionLayout(t), true, "option layout " << unsigned(t));
        }
        for (uint8_t t : {P_FRAGMENT, P_AH, P_ESP, P_UDP, P_NONE})
        {
            NS_TEST_EXPECT_MSG_EQ(
                IpsecIsIpv6OptionLayout(t), false, "no option layout " << unsigned(t));
        }
    }
};

/// The IpsecStack attributes reach the walk rules.
class WalkRulesTestCase : public TestCase
{
  public:
    WalkRulesTestCase()
        : TestCase("walk: IpsecStack's Rfc4301FragmentSelectors and Icmp6TypeCodeSelectors")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecStack> kame = CreateObject<IpsecStack>();
        IpsecWalkRules r = kame->WalkRules(false, 0x2000);
        NS_TEST_EXPECT_MSG_EQ(r.rfc4301Fragments, false, "KAME fragment selectors by default");
        NS_TEST_EXPECT_MSG_EQ(r.wantPorts, false, "no ports when asked for none");
        NS_TEST_EXPECT_MSG_EQ(r.ipv4FragField, 0x2000, "the IPv4 fragment field");
        Ptr<IpsecStack> variant = CreateObject<IpsecStack>();
        variant->SetAttribute("Rfc4301FragmentSelectors", BooleanValue(true));
        variant->SetAttribute("Icmp6TypeCodeSelectors", BooleanValue(true));
        r = variant->WalkRules(true, 0);
        NS_TEST_EXPECT_MSG_EQ(r.rfc4301Fragments, true, "Rfc4301FragmentSelectors=true");
        NS_TEST_EXPECT_MSG_EQ(r.icmp6TypeCode, true, "Icmp6TypeCodeSelectors=true");
        NS_TEST_EXPECT_MSG_EQ(variant->GetMaxTransforms(), 16u, "MaxTransforms defaults to 16");
    }
};

// ===========================================================================

class IpsecHeadersTestSuite : public TestSuite
{
  public:
    IpsecHeadersTestSuite()
        : TestSuite("ipsec-headers", SYSTEM)
    {
        AddTestCase(new WalkTestCase("walk: IPv4, KAME ipsec4_get_ulp", Ipv4KameCases()),
                    TestCase::QUICK);
        AddTestCase(new WalkTestCase("walk: IPv6, KAME ip6_lasthdr", Ipv6KameCases()),
                    TestCase::QUICK);
        AddTestCase(
            new WalkTestCase("walk: fragments, RFC 4301 section 4.4.1.1 variant", Rfc4301Cases()),
            TestCase::QUICK);
        AddTestCase(new UnfragmentableTestCase(), TestCase::QUICK);
        AddTestCase(new WalkRulesTestCase(), TestCase::QUICK);
    }
};

static IpsecHeadersTestSuite g_ipsecHeadersTestSuite;

} // namespace
