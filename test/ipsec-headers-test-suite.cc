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
#include "ipsec-test-base.h"
#include "ipsec-test-bytes.h"
#include "ipsec-test-encoder.h"
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
#include "ns3/point-to-point-net-device.h"
#include "ns3/ppp-header.h"
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
#include <map>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>
#include <zlib.h>

using namespace ns3;

namespace
{

using ipsectest::ToHex;

/**
 * NS_TEST_ASSERT_MSG_* return from a test case only under --stop-on-failure;
 * the checks that later code relies on (it indexes what they count) end the
 * test case whatever the runner's options.
 */
#define REQUIRE_MSG_EQ(actual, limit, msg)         \
    do                                             \
    {                                              \
        NS_TEST_EXPECT_MSG_EQ(actual, limit, msg); \
        if (!((actual) == (limit)))                \
        {                                          \
            return;                                \
        }                                          \
    } while (false)

#define REQUIRE_MSG_GT(actual, limit, msg)         \
    do                                             \
    {                                              \
        NS_TEST_EXPECT_MSG_GT(actual, limit, msg); \
        if (!((actual) > (limit)))                 \
        {                                          \
            return;                                \
        }                                          \
    } while (false)

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

uint32_t
Get16(const Bytes& b, size_t off)
{
    return (uint32_t(b[off]) << 8) | b[off + 1];
}

uint32_t
Get32(const Bytes& b, size_t off)
{
    return (Get16(b, off) << 16) | Get16(b, off + 2);
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

/// @p n bytes of readable, compressible text (seed @p seed).
Bytes
Text(uint32_t n, uint32_t seed)
{
    std::string word = "ipsec-headers payload #" + std::to_string(seed) + " ";
    Bytes b;
    for (uint32_t i = 0; i < n; ++i)
    {
        b.push_back(static_cast<uint8_t>(word[i % word.size()]));
    }
    return b;
}

Bytes
Addr(Ipv6Address a)
{
    uint8_t b[16];
    a.Serialize(b);
    return Bytes(b, b + 16);
}

Bytes
Addr(Ipv4Address a)
{
    uint8_t b[4];
    a.Serialize(b);
    return Bytes(b, b + 4);
}

/// RFC 1071: the one's complement sum of 16-bit words (an odd byte padded).
uint32_t
Sum(const Bytes& b, uint32_t sum = 0)
{
    for (size_t i = 0; i < b.size(); i += 2)
    {
        sum += (uint32_t(b[i]) << 8) | (i + 1 < b.size() ? b[i + 1] : 0);
    }
    return sum;
}

uint16_t
Fold(uint32_t sum)
{
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(~sum & 0xffff);
}

/// A UDP header and @p data, with the checksum over @p pseudo (RFC 768:
/// a computed 0 is sent as 0xffff).
Bytes
UdpWithPseudo(const Bytes& pseudo, uint16_t sport, uint16_t dport, const Bytes& data)
{
    Bytes u;
    Put16(u, sport);
    Put16(u, dport);
    Put16(u, 8 + data.size());
    Put16(u, 0);
    u.insert(u.end(), data.begin(), data.end());
    uint16_t c = Fold(Sum(u, Sum(pseudo)));
    c = c == 0 ? 0xffff : c;
    u[6] = c >> 8;
    u[7] = c & 0xff;
    return u;
}

/// UDP over IPv6: RFC 8200 section 8.1 pseudo-header (addresses, upper-layer
/// length, next header 17).
Bytes
Udp6(Ipv6Address src, Ipv6Address dst, uint16_t sport, uint16_t dport, const Bytes& data)
{
    Bytes pseudo = Cat({Addr(src), Addr(dst)});
    Put32(pseudo, 8 + data.size());
    Put32(pseudo, P_UDP);
    return UdpWithPseudo(pseudo, sport, dport, data);
}

/// UDP over IPv4: RFC 768 pseudo-header.
Bytes
Udp4(Ipv4Address src, Ipv4Address dst, uint16_t sport, uint16_t dport, const Bytes& data)
{
    Bytes pseudo = Cat({Addr(src), Addr(dst)});
    Put16(pseudo, P_UDP);
    Put16(pseudo, 8 + data.size());
    return UdpWithPseudo(pseudo, sport, dport, data);
}

/// An IPv4 header (RFC 791, no options) with its checksum.
Bytes
Ipv4Hdr(Ipv4Address src,
        Ipv4Address dst,
        uint8_t proto,
        uint32_t payloadLength,
        uint16_t id,
        uint16_t fragField = 0)
{
    Bytes h = {0x45, 0};
    Put16(h, 20 + payloadLength);
    Put16(h, id);
    Put16(h, fragField);
    h.push_back(64);
    h.push_back(proto);
    Put16(h, 0);
    h = Cat({h, Addr(src), Addr(dst)});
    uint16_t c = Fold(Sum(h));
    h[10] = c >> 8;
    h[11] = c & 0xff;
    return h;
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

/// Offsets of the option data in MutableOptions and ImmutableOptions.
constexpr uint32_t MUTABLE_DATA_AT = 5;
constexpr uint32_t IMMUTABLE_DATA_AT = 4;

/// A 16-byte Hop-by-Hop or Destination Options header: Pad1, the unknown
/// mutable option 0x3e with 9 data bytes, PadN(0).
Bytes
MutableOptions(uint8_t next)
{
    Bytes h = {next, 1, 0x00, OPT_MUTABLE, 9};
    for (uint8_t i = 0; i < 9; ++i)
    {
        h.push_back(0xa0 + i);
    }
    h.push_back(0x01);
    h.push_back(0x00);
    return h;
}

/// A 16-byte Hop-by-Hop or Destination Options header: the unknown
/// non-mutable option 0x1e with 10 data bytes, PadN(0).
Bytes
ImmutableOptions(uint8_t next)
{
    Bytes h = {next, 1, OPT_IMMUTABLE, 10};
    for (uint8_t i = 0; i < 10; ++i)
    {
        h.push_back(0xc0 + i);
    }
    h.push_back(0x01);
    h.push_back(0x00);
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

// ---- crypto: OpenSSL directly ----------------------------------------------

Bytes
HmacSha1_96(const Bytes& key, const Bytes& data)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), md, &len);
    return Bytes(md, md + 12); // RFC 2404: the first 96 bits
}

Bytes
AesCbc(const Bytes& key, const Bytes& iv, const Bytes& in, bool encrypt)
{
    Bytes out(in.size() + 16);
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int n = 0;
    int f = 0;
    bool ok = EVP_CipherInit_ex(ctx, EVP_aes_128_cbc(), nullptr, key.data(), iv.data(), encrypt)
           && EVP_CIPHER_CTX_set_padding(ctx, 0)
           && EVP_CipherUpdate(ctx, out.data(), &n, in.data(), static_cast<int>(in.size()))
           && EVP_CipherFinal_ex(ctx, out.data() + n, &f);
    EVP_CIPHER_CTX_free(ctx);
    NS_ABORT_MSG_UNLESS(ok, "AES-CBC failed");
    out.resize(n + f);
    return out;
}

/// An ESP SA: rijndael-cbc (AES-128-CBC, RFC 3602) + hmac-sha1 (RFC 2404).
struct EspSa
{
    uint32_t spi;
    Bytes encKey;  ///< 16 bytes
    Bytes authKey; ///< 20 bytes
};

/// RFC 4303: SPI, sequence number, IV, AES-CBC of payload + padding
/// (1, 2, 3, ...) + pad length + next header, ICV over all of it.
Bytes
EspEncode(const EspSa& sa, uint32_t seq, const Bytes& iv, const Bytes& payload, uint8_t next)
{
    Bytes plain = payload;
    uint32_t padLen = (16 - (payload.size() + 2) % 16) % 16;
    for (uint32_t i = 1; i <= padLen; ++i)
    {
        plain.push_back(static_cast<uint8_t>(i));
    }
    plain.push_back(static_cast<uint8_t>(padLen));
    plain.push_back(next);
    Bytes esp;
    Put32(esp, sa.spi);
    Put32(esp, seq);
    esp = Cat({esp, iv, AesCbc(sa.encKey, iv, plain, true)});
    return Cat({esp, HmacSha1_96(sa.authKey, esp)});
}

/// Checks the ICV and decrypts an ESP packet; "" or what is wrong.
std::string
EspDecode(const EspSa& sa, const Bytes& esp, Bytes* payload, uint8_t* next, uint32_t* seq)
{
    if (esp.size() < 8 + 16 + 16 + 12 || (esp.size() - 8 - 16 - 12) % 16 != 0)
    {
        return "ESP packet of " + std::to_string(esp.size()) + " bytes has no valid layout";
    }
    if (Get32(esp, 0) != sa.spi)
    {
        return "SPI " + std::to_string(Get32(esp, 0)) + " is not the SA's";
    }
    *seq = Get32(esp, 4);
    Bytes covered = Slice(esp, 0, esp.size() - 12);
    if (HmacSha1_96(sa.authKey, covered) != Slice(esp, esp.size() - 12))
    {
        return "ICV mismatch";
    }
    Bytes plain = AesCbc(sa.encKey, Slice(esp, 8, 24), Slice(esp, 24, esp.size() - 12), false);
    uint32_t padLen = plain[plain.size() - 2];
    if (padLen + 2 > plain.size())
    {
        return "pad length too large";
    }
    for (uint32_t i = 1; i <= padLen; ++i)
    {
        if (plain[plain.size() - 2 - padLen + i - 1] != i)
        {
            return "padding is not 1, 2, 3, ... (RFC 4303 section 2.4)";
        }
    }
    *next = plain.back();
    *payload = Slice(plain, 0, plain.size() - 2 - padLen);
    return "";
}

/**
 * AH's ICV (hmac-sha1-96) of the IPv6 datagram @p d (IPv6 header first)
 * whose AH header starts at @p ahOffset, RFC 4302 section 3.3.3.1.2:
 * traffic class, flow label and hop limit zero; in the Hop-by-Hop and
 * Destination Options headers in front of AH the data of every option
 * whose type has the 0x20 bit zero (unless @p zeroMutable is false: the
 * wrong computation the model must refuse); a type 0 Routing header with
 * segments left, and the destination address, as the final destination
 * will see them (the sender's computation: each remaining hop swaps the
 * destination with the next address and decrements segments left, RFC 2460
 * section 4.4); the ICV field zero.
 */
Bytes
AhIcvV6(const Bytes& key, Bytes d, uint32_t ahOffset, bool zeroMutable = true)
{
    d[0] = 0x60;
    d[1] = 0;
    d[2] = 0;
    d[3] = 0;
    d[7] = 0;
    uint8_t type = d[6];
    uint32_t off = 40;
    while (off < ahOffset)
    {
        uint32_t end = off + (uint32_t(d[off + 1]) + 1) * 8;
        if (zeroMutable && (type == P_HOPOPTS || type == P_DSTOPTS))
        {
            uint32_t o = off + 2;
            while (o < end)
            {
                if (d[o] == 0) // Pad1
                {
                    ++o;
                    continue;
                }
                uint32_t len = d[o + 1];
                if (d[o] & 0x20)
                {
                    std::fill(d.begin() + o + 2, d.begin() + o + 2 + len, 0);
                }
                o += 2 + len;
            }
        }
        if (type == P_ROUTING && d[off + 2] == 0 && d[off + 3] > 0)
        {
            uint32_t n = (end - off - 8) / 16;
            for (uint32_t i = n - d[off + 3]; i < n; ++i)
            {
                std::swap_ranges(d.begin() + 24, d.begin() + 40, d.begin() + off + 8 + 16 * i);
            }
            d[off + 3] = 0;
        }
        type = d[off];
        off = end;
    }
    uint32_t ahLen = (uint32_t(d[ahOffset + 1]) + 2) * 4;
    std::fill(d.begin() + ahOffset + 12, d.begin() + ahOffset + ahLen, 0);
    return HmacSha1_96(key, d);
}

// ---- IPComp: zlib directly ---------------------------------------------------

/// RFC 2394: a raw deflate stream (RFC 1951, no zlib header), window 2^15.
Bytes
RawDeflate(const Bytes& in)
{
    z_stream zs{};
    NS_ABORT_MSG_UNLESS(
        deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK,
        "deflateInit2");
    Bytes out(deflateBound(&zs, in.size()) + 16);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    NS_ABORT_MSG_UNLESS(rc == Z_STREAM_END, "deflate did not finish: " << rc);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

/// An IPComp header (RFC 3173): next header, flags 0, CPI.
Bytes
IpcompHdr(uint8_t next, uint16_t cpi = 2)
{
    Bytes h = {next, 0};
    Put16(h, cpi);
    return h;
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
            NS_TEST_EXPECT_MSG_EQ(unsigned(sel.prefs), (c.v6 ? 128u : 32u), c.name << ": prefix");
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
// System tests: the scaffolding
// ===========================================================================

constexpr uint16_t RX_PORT = 7000;
constexpr uint16_t TX_PORT = 4000;
const Time START = Seconds(2); ///< after IPv6 duplicate address detection

// Keys of the SAs (setkey writes them in hex).
const Bytes ENC_KEY = {
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
const Bytes ENC_KEY2 = {
    0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0};
const Bytes AUTH_KEY = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23,
                        0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67};
const Bytes AUTH_KEY2 = {0x76, 0x54, 0x32, 0x10, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54,
                         0x32, 0x10, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
const Bytes AH_KEY = {'a', 'h', '-', 'h', 'e', 'a', 'd', 'e', 'r', 's',
                      '-', 't', 'e', 's', 't', '-', 'k', 'e', 'y', '!'};
const Bytes IV = {
    0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
constexpr uint32_t SPI_ESP = 0x1001;
constexpr uint32_t SPI_AH = 0x2001;

std::string
EspSaLine(const std::string& src, const std::string& dst, const EspSa& sa)
{
    return "add " + src + " " + dst + " esp " + std::to_string(sa.spi) + " -E rijndael-cbc 0x"
         + ToHex(sa.encKey) + " -A hmac-sha1 0x" + ToHex(sa.authKey) + ";\n";
}

std::string
AhSaLine(const std::string& src, const std::string& dst, uint32_t spi, const Bytes& key)
{
    return "add " + src + " " + dst + " ah " + std::to_string(spi) + " -A hmac-sha1 0x" + ToHex(key)
         + ";\n";
}

/// A test case with a simulation: destroys it in any case.
class SimTestCase : public TestCase
{
  public:
    explicit SimTestCase(const std::string& name)
        : TestCase(name)
    {
    }

  protected:
    void DoTeardown() override
    {
        Simulator::Destroy();
    }

    /// Runs @p script on @p node; false (reported) if setkey refuses it.
    bool Setkey(Ptr<Node> node, const std::string& script, const std::string& name)
    {
        try
        {
            IpsecHelper().RunSetkeyString(node, script, name);
        }
        catch (const IpsecConfigError& e)
        {
            NS_TEST_EXPECT_MSG_EQ(std::string(e.what()), "", name << "'s setkey script is refused");
            return false;
        }
        return true;
    }
};

/// S (plain ns-3 Internet stack) -- point-to-point -- R (IPsec).
struct Pair
{
    Ptr<Node> s;
    Ptr<Node> r;
    Ptr<NetDevice> sDev;
    Ptr<NetDevice> rDev;
    Ipv6Address s6{"fd00:1::1"};
    Ipv6Address r6{"fd00:1::2"};
    Ipv4Address s4{"10.1.0.1"};
    Ipv4Address r4{"10.1.0.2"};
    Ptr<IpsecStack> ipsec; ///< R's
};

Pair
BuildPair(const IpsecStackHelper& ipsecHelper)
{
    Pair p;
    p.s = CreateObject<Node>();
    p.r = CreateObject<Node>();
    InternetStackHelper().Install(p.s);
    ipsecHelper.Install(p.r);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("1ms"));
    NetDeviceContainer d = p2p.Install(p.s, p.r);
    p.sDev = d.Get(0);
    p.rDev = d.Get(1);
    Ipv4AddressHelper v4;
    v4.SetBase("10.1.0.0", "255.255.255.0");
    v4.Assign(d);
    IpsecAssignIpv6(p.sDev, "fd00:1::1", false);
    IpsecAssignIpv6(p.rDev, "fd00:1::2", false);
    p.ipsec = p.r->GetObject<IpsecStack>();
    return p;
}

std::string
Str(Ipv6Address a)
{
    std::ostringstream os;
    os << a;
    return os.str();
}

/// The payloads a UDP socket receives.
class UdpSink
{
  public:
    void Open(Ptr<Node> node, bool v6, uint16_t port)
    {
        m_socket = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
        if (v6)
        {
            m_socket->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), port));
        }
        else
        {
            m_socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
        }
        m_socket->SetRecvCallback(MakeCallback(&UdpSink::OnReceive, this));
    }

    std::vector<Bytes> received;

  private:
    void OnReceive(Ptr<Socket> s)
    {
        while (Ptr<Packet> p = s->Recv())
        {
            Bytes b(p->GetSize());
            p->CopyData(b.data(), b.size());
            received.push_back(b);
        }
    }

    Ptr<Socket> m_socket;
};

/// IpsecStack's Drop trace: (counter, reason).
class DropLog
{
  public:
    void Connect(Ptr<IpsecStack> ipsec)
    {
        ipsec->TraceConnectWithoutContext("Drop", MakeCallback(&DropLog::OnDrop, this));
    }

    bool Has(const std::string& counter, const std::string& words) const
    {
        for (const auto& [c, r] : drops)
        {
            if (c == counter && r.find(words) != std::string::npos)
            {
                return true;
            }
        }
        return false;
    }

    std::string Text() const
    {
        std::ostringstream os;
        os << drops.size() << " drop(s)";
        for (const auto& [c, r] : drops)
        {
            os << "; " << c << ": " << r;
        }
        return os.str();
    }

    std::vector<std::pair<std::string, std::string>> drops;

  private:
    void OnDrop(Ptr<const Packet>, bool, IpsecDropReason counterReason, const std::string& reason)
    {
        const std::string counter = IpsecDropReasonCounter(counterReason);
        drops.emplace_back(counter, reason);
    }
};

/// The IP datagrams a point-to-point device sends (PPP framing removed).
class WireCapture
{
  public:
    void Tap(Ptr<NetDevice> dev)
    {
        dev->TraceConnectWithoutContext("PhyTxBegin", MakeCallback(&WireCapture::OnFrame, this));
    }

    std::vector<Bytes> v4;
    std::vector<Bytes> v6;

  private:
    void OnFrame(Ptr<const Packet> p)
    {
        Bytes f(p->GetSize());
        p->CopyData(f.data(), f.size());
        if (f.size() < 2 + 20)
        {
            return;
        }
        uint32_t ppp = Get16(f, 0);
        if (ppp == 0x0021)
        {
            uint32_t len = Get16(f, 2 + 2);
            if (f.size() >= 2 + len)
            {
                v4.push_back(Slice(f, 2, 2 + len));
            }
        }
        else if (ppp == 0x0057 && f.size() >= 2 + 40)
        {
            uint32_t len = 40 + Get16(f, 2 + 4);
            if (f.size() >= 2 + len)
            {
                v6.push_back(Slice(f, 2, 2 + len));
            }
        }
    }
};

Ipv6Address
Src6(const Bytes& d)
{
    return Ipv6Address::Deserialize(&d[8]);
}

Ipv6Address
Dst6(const Bytes& d)
{
    return Ipv6Address::Deserialize(&d[24]);
}

Ipv4Address
Src4(const Bytes& d)
{
    return Ipv4Address::Deserialize(&d[12]);
}

Ipv4Address
Dst4(const Bytes& d)
{
    return Ipv4Address::Deserialize(&d[16]);
}

/// Neighbour discovery, DAD and the like: not the traffic under test.
bool
IsControl6(const Bytes& d)
{
    Ipv6Address s = Src6(d);
    return s.IsLinkLocal() || s.IsAny() || Dst6(d).IsMulticast();
}

/// An IPv6 raw socket on @p node (bound to @p src, protocol @p proto)
/// sends @p payload to @p dst at @p at: ns-3 writes the IPv6 header, whose
/// next header is @p proto.
void
SendRaw6(
    Ptr<Node> node, Ipv6Address src, Ipv6Address dst, uint8_t proto, const Bytes& payload, Time at)
{
    Ptr<Socket> s = Socket::CreateSocket(node, Ipv6RawSocketFactory::GetTypeId());
    s->SetAttribute("Protocol", UintegerValue(proto));
    s->Bind(Inet6SocketAddress(src, 0));
    Simulator::Schedule(at - Simulator::Now(),
                        [s, dst, payload]()
                        {
                            s->SendTo(Create<Packet>(payload.data(), payload.size()),
                                      0,
                                      Inet6SocketAddress(dst, 0));
                        });
}

/// An IPv4 raw socket on @p node sends @p payload as protocol @p proto.
void
SendRaw4(
    Ptr<Node> node, Ipv4Address src, Ipv4Address dst, uint8_t proto, const Bytes& payload, Time at)
{
    Ptr<Socket> s = Socket::CreateSocket(node, Ipv4RawSocketFactory::GetTypeId());
    s->SetAttribute("Protocol", UintegerValue(proto));
    s->Bind(InetSocketAddress(src, 0));
    Simulator::Schedule(
        at - Simulator::Now(),
        [s, dst, payload]()
        {
            s->SendTo(Create<Packet>(payload.data(), payload.size()), 0, InetSocketAddress(dst, 0));
        });
}

/// An IPv4 raw socket with IpHeaderInclude on @p node sends the datagram
/// @p datagram (our own header) at @p at.
void
SendDatagram4(Ptr<Node> node, const Bytes& datagram, Time at)
{
    Ptr<Socket> s = Socket::CreateSocket(node, Ipv4RawSocketFactory::GetTypeId());
    s->SetAttribute("IpHeaderInclude", BooleanValue(true));
    Ipv4Address dst = Dst4(datagram);
    Simulator::Schedule(at - Simulator::Now(),
                        [s, dst, datagram]()
                        {
                            s->SendTo(Create<Packet>(datagram.data(), datagram.size()),
                                      0,
                                      InetSocketAddress(dst, 0));
                        });
}

// ===========================================================================
// 2. IPv6 input: ESP and AH behind Hop-by-Hop and Destination Options
// ===========================================================================

enum class InputKind
{
    ESP,                  ///< [HbH][DestOpt][ESP][UDP]
    AH,                   ///< [HbH][DestOpt][AH][UDP], ICV per RFC 4302
    AH_MUTABLE_EN_ROUTE,  ///< the mutable option's data changed after the ICV: still authentic
    AH_UNZEROED_MUTABLE,  ///< ICV computed over the mutable option's data: must fail
    AH_IMMUTABLE_CHANGED, ///< the non-mutable option's data changed after the ICV: must fail
    AH_ROUTING,           ///< [HbH][DestOpt][Routing, segments left 0][DestOpt][AH][UDP]
    ESP_FRAGMENTED,       ///< [HbH][Frag][DestOpt][ESP of ~3000 bytes], reassembled by R
    AH_FRAGMENTED,        ///< [HbH][Frag][DestOpt][AH][UDP of ~3000 bytes]
    AH_FRAGMENTED_FIRST,  ///< [Frag][DestOpt][AH][UDP of ~3000 bytes]: IPv6 next header 44
};

std::string
InputName(InputKind k)
{
    switch (k)
    {
        case InputKind::ESP:
            return "ESP behind Hop-by-Hop and Destination Options is decrypted and delivered";
        case InputKind::AH:
            return "AH behind Hop-by-Hop and Destination Options: ICV over the zeroed chain, "
                   "delivered";
        case InputKind::AH_MUTABLE_EN_ROUTE:
            return "AH: a mutable option (0x3e) changed en route is still authentic";
        case InputKind::AH_UNZEROED_MUTABLE:
            return "AH: an ICV over the mutable option's data (not zeroed) fails";
        case InputKind::AH_IMMUTABLE_CHANGED:
            return "AH: a non-mutable option (0x1e) changed after the ICV fails";
        case InputKind::AH_ROUTING:
            return "AH behind Hop-by-Hop, Destination Options, Routing and Destination Options";
        case InputKind::ESP_FRAGMENTED:
            return "ESP behind Hop-by-Hop, Fragment and Destination Options is reassembled and "
                   "delivered";
        case InputKind::AH_FRAGMENTED:
            return "AH behind Hop-by-Hop, Fragment and Destination Options: the ICV covers the "
                   "chain as "
                   "sent before fragmentation";
        case InputKind::AH_FRAGMENTED_FIRST:
            return "AH behind Fragment and Destination Options (IPv6 next header 44): the ICV "
                   "covers "
                   "the chain as sent before fragmentation";
    }
    return "?";
}

class Ipv6InputTestCase : public SimTestCase
{
  public:
    explicit Ipv6InputTestCase(InputKind kind)
        : SimTestCase("IPv6 input: " + InputName(kind))
        , m_kind(kind)
    {
    }

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        const InputKind k = m_kind;
        bool esp = k == InputKind::ESP || k == InputKind::ESP_FRAGMENTED;
        bool fragmented = k == InputKind::ESP_FRAGMENTED || k == InputKind::AH_FRAGMENTED
                       || k == InputKind::AH_FRAGMENTED_FIRST;
        uint8_t ipsecProto = esp ? P_ESP : P_AH;
        Pair net = BuildPair(IpsecStackHelper());
        EspSa sa{SPI_ESP, ENC_KEY, AUTH_KEY};
        std::string s = Str(net.s6);
        std::string r = Str(net.r6);
        if (!Setkey(net.r,
                    EspSaLine(s, r, sa) + AhSaLine(s, r, SPI_AH, AH_KEY) + "spdadd " + s + " " + r
                        + " udp -P in ipsec " + (esp ? "esp" : "ah") + "/transport//require;\n",
                    "R"))
        {
            return;
        }
        UdpSink sink;
        sink.Open(net.r, true, RX_PORT);
        DropLog drops;
        drops.Connect(net.ipsec);
        WireCapture wire;
        wire.Tap(net.sDev);

        // The extension headers in front of the IPsec header, and the first
        // one (the IPv6 header's next header, the raw socket's protocol).
        Bytes front;
        uint8_t first = P_HOPOPTS;
        if (k == InputKind::AH_ROUTING)
        {
            front = Cat({MutableOptions(P_DSTOPTS),
                         MutableOptions(P_ROUTING),
                         RoutingHdr(P_DSTOPTS),
                         ImmutableOptions(P_AH)});
        }
        else if (k == InputKind::AH_FRAGMENTED_FIRST)
        {
            front = ImmutableOptions(P_AH);
            first = P_DSTOPTS;
        }
        else
        {
            front = Cat({MutableOptions(P_DSTOPTS), ImmutableOptions(ipsecProto)});
        }
        Bytes data = Text(fragmented ? 2960 : 64, 1);
        Bytes udp = Udp6(net.s6, net.r6, TX_PORT, RX_PORT, data);
        Bytes payload;
        if (esp)
        {
            payload = Cat({front, EspEncode(sa, 1, IV, udp, P_UDP)});
        }
        else
        {
            uint32_t ah = front.size();
            payload = Cat({front, AhHdr(P_UDP, SPI_AH, 1), udp});
            Bytes datagram = Cat({Ipv6Hdr(net.s6, net.r6, first, payload.size()), payload});
            Bytes icv = AhIcvV6(AH_KEY, datagram, 40 + ah, k != InputKind::AH_UNZEROED_MUTABLE);
            std::copy(icv.begin(), icv.end(), payload.begin() + ah + 12);
            if (k == InputKind::AH_MUTABLE_EN_ROUTE)
            {
                payload[MUTABLE_DATA_AT] ^= 0xff;
                payload[MUTABLE_DATA_AT + 8] ^= 0x5a;
            }
            else if (k == InputKind::AH_IMMUTABLE_CHANGED)
            {
                payload[16 + IMMUTABLE_DATA_AT + 3] ^= 0x01;
            }
        }
        SendRaw6(net.s, net.s6, net.r6, first, payload, START);
        Simulator::Stop(START + Seconds(1));
        Simulator::Run();

        const IpsecStats& st = net.ipsec->GetStats(true);
        bool authentic
            = k != InputKind::AH_UNZEROED_MUTABLE && k != InputKind::AH_IMMUTABLE_CHANGED;
        if (fragmented)
        {
            // RFC 8200 section 4.5: the Hop-by-Hop header (if any) stays in
            // front of every fragment, the rest is cut into pieces of
            // floor((1500 - 40 - unfragmentable - 8) / 8) * 8 bytes.
            uint32_t unfragmentable = first == P_HOPOPTS ? 16 : 0;
            uint32_t chunk = (1500 - 40 - unfragmentable - 8) / 8 * 8;
            uint32_t fragmentable = payload.size() - unfragmentable;
            uint32_t expected = (fragmentable + chunk - 1) / chunk;
            uint32_t fragments = 0;
            for (const Bytes& d : wire.v6)
            {
                bool frag = first == P_HOPOPTS
                              ? d[6] == P_HOPOPTS && d.size() > 56 && d[40] == P_FRAGMENT
                              : d[6] == P_FRAGMENT;
                fragments += frag && Src6(d) == net.s6;
            }
            NS_TEST_EXPECT_MSG_EQ(fragments, expected, "S sent the datagram in fragments");
        }
        if (authentic)
        {
            REQUIRE_MSG_EQ(sink.received.size(), 1u, "R's UDP socket got it; " << drops.Text());
            NS_TEST_EXPECT_MSG_EQ((sink.received[0] == data), true, "byte for byte");
            NS_TEST_EXPECT_MSG_EQ(st.in_success, 1u, "in_success");
            if (esp)
            {
                NS_TEST_EXPECT_MSG_EQ(st.in_espauthsucc, 1u, "in_espauthsucc");
            }
            else
            {
                NS_TEST_EXPECT_MSG_EQ(st.in_ahauthsucc, 1u, "in_ahauthsucc");
            }
            NS_TEST_EXPECT_MSG_EQ(st.in_polvio, 0u, "in_polvio");
            NS_TEST_EXPECT_MSG_EQ(st.in_ahauthfail + st.in_espauthfail + st.in_inval + st.in_nosa,
                                  0u,
                                  "no input error; " << drops.Text());
            NS_TEST_EXPECT_MSG_EQ(drops.drops.size(), 0u, drops.Text());
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(sink.received.size(), 0u, "nothing delivered");
            NS_TEST_EXPECT_MSG_EQ(st.in_ahauthfail, 1u, "in_ahauthfail; " << drops.Text());
            NS_TEST_EXPECT_MSG_EQ(st.in_ahauthsucc, 0u, "in_ahauthsucc");
            NS_TEST_EXPECT_MSG_EQ(st.in_success, 0u, "in_success");
            NS_TEST_EXPECT_MSG_EQ(drops.Has("in_ahauthfail", "ICV"), true, drops.Text());
        }
    }

    InputKind m_kind;
};

// ===========================================================================
// 3. IPv6 output: the IPsec header behind the unfragmentable part
// ===========================================================================

class Ipv6OutputTestCase : public SimTestCase
{
  public:
    Ipv6OutputTestCase(bool esp, bool routing)
        : SimTestCase(std::string("IPv6 output: ") + (esp ? "ESP" : "AH")
                      + (routing ? " goes behind Hop-by-Hop, Destination Options and a type 0 "
                                   "Routing header (segments left 1), the last Destination "
                                   "Options header inside"
                                 : " goes behind Hop-by-Hop, the Destination Options header "
                                   "inside"))
        , m_esp(esp)
        , m_routing(routing)
    {
    }

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        Pair net = BuildPair(IpsecStackHelper());
        EspSa sa{0x3001, ENC_KEY2, AUTH_KEY2};
        const uint32_t ahSpi = 0x3002;
        std::string s = Str(net.s6);
        std::string r = Str(net.r6);
        std::string script = m_esp ? EspSaLine(r, s, sa) : AhSaLine(r, s, ahSpi, AH_KEY);
        script += "spdadd " + r + " " + s + " udp -P out ipsec " + (m_esp ? "esp" : "ah")
                + "/transport//require;\n";
        if (!Setkey(net.r, script, "R"))
        {
            return;
        }
        WireCapture wire;
        wire.Tap(net.rDev);
        DropLog drops;
        drops.Connect(net.ipsec);

        // The unfragmentable part (RFC 8200 section 4.5) and where its last
        // next-header byte is; then what IPsec must protect.
        Bytes front;
        uint32_t lastNextAt = 0;
        if (m_routing)
        {
            // The datagram goes to S first; its final destination is
            // fd00:99::1 (the Routing header's address).
            front = Cat({MutableOptions(P_DSTOPTS),
                         MutableOptions(P_ROUTING),
                         RoutingHdr(P_DSTOPTS, 1, Ipv6Address("fd00:99::1"))});
            lastNextAt = 32;
        }
        else
        {
            front = MutableOptions(P_DSTOPTS);
        }
        Bytes inner
            = Cat({ImmutableOptions(P_UDP), Udp6(net.r6, net.s6, TX_PORT, RX_PORT, Text(100, 2))});
        SendRaw6(net.r, net.r6, net.s6, P_HOPOPTS, Cat({front, inner}), START);
        Simulator::Stop(START + Seconds(1));
        Simulator::Run();

        std::vector<Bytes> sent;
        for (const Bytes& d : wire.v6)
        {
            if (!IsControl6(d) && Src6(d) == net.r6 && Dst6(d) == net.s6 && d[6] != P_ICMPV6)
            {
                sent.push_back(d);
            }
        }
        REQUIRE_MSG_EQ(sent.size(), 1u, "R sent one datagram to S; " << drops.Text());
        const Bytes& d = sent[0];
        uint32_t at = 40 + front.size(); // where the IPsec header must be
        NS_TEST_EXPECT_MSG_EQ(unsigned(d[6]), unsigned(P_HOPOPTS), "the IPv6 header's next header");
        NS_TEST_EXPECT_MSG_EQ(Get16(d, 4), d.size() - 40, "payload length");
        REQUIRE_MSG_GT(d.size(), at + 24u, "long enough");
        Bytes expectedFront = front;
        expectedFront[lastNextAt] = m_esp ? P_ESP : P_AH;
        NS_TEST_EXPECT_MSG_EQ(ToHex(Slice(d, 40, at)),
                              ToHex(expectedFront),
                              "the unfragmentable part as sent, its last next header "
                                  << unsigned(expectedFront[lastNextAt]));
        if (m_esp)
        {
            Bytes plain;
            uint8_t next = 0;
            uint32_t seq = 0;
            std::string err = EspDecode(sa, Slice(d, at), &plain, &next, &seq);
            REQUIRE_MSG_EQ(err, "", "ESP decodes with R's SA");
            NS_TEST_EXPECT_MSG_EQ(seq, 1u, "the first sequence number");
            NS_TEST_EXPECT_MSG_EQ(
                unsigned(next), unsigned(P_DSTOPTS), "ESP's next header: DestOpt");
            NS_TEST_EXPECT_MSG_EQ((plain == inner), true, "inside: [DestOpt][UDP] as sent");
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(
                unsigned(d[at]), unsigned(P_DSTOPTS), "AH's next header: DestOpt");
            NS_TEST_EXPECT_MSG_EQ(unsigned(d[at + 1]), 4u, "AH's length (24 bytes)");
            NS_TEST_EXPECT_MSG_EQ(Get32(d, at + 4), ahSpi, "AH's SPI");
            NS_TEST_EXPECT_MSG_EQ(Get32(d, at + 8), 1u, "AH's sequence number");
            NS_TEST_EXPECT_MSG_EQ(
                (Slice(d, at + 24) == inner), true, "behind AH: [DestOpt][UDP] as sent");
            NS_TEST_EXPECT_MSG_EQ(ToHex(Slice(d, at + 12, at + 24)),
                                  ToHex(AhIcvV6(AH_KEY, d, at)),
                                  "the ICV over the zeroed chain"
                                      << (m_routing ? " in its final-destination form" : "")
                                      << " (RFC 4302 section 3.3.3.1.2)");
            NS_TEST_EXPECT_MSG_NE(ToHex(Slice(d, at + 12, at + 24)),
                                  ToHex(AhIcvV6(AH_KEY, d, at, false)),
                                  "(the mutable option's data matters to the ICV)");
        }
        NS_TEST_EXPECT_MSG_EQ(net.ipsec->GetStats(true).out_success, 1u, "R's out_success");
        NS_TEST_EXPECT_MSG_EQ(drops.drops.size(), 0u, drops.Text());
    }

    bool m_esp;
    bool m_routing;
};

// ===========================================================================
// 4. Gateways: a `udp` tunnel policy catches UDP behind any header
// ===========================================================================

/// The VPN helper's topology with `udp` tunnel policies on both gateways.
struct Vpn
{
    IpsecVpnHelper helper;
    Ptr<Node> h1;
    Ptr<Node> h2;
    Ptr<Node> gw1;
    Ptr<Node> gw2;
    IpsecAddress a1;
    IpsecAddress a2;
    IpsecAddress w1;
    IpsecAddress w2;
    EspSa sa12{0x4001, ENC_KEY, AUTH_KEY};
    EspSa sa21{0x4002, ENC_KEY2, AUTH_KEY2};
};

/// The gateway cases: a SimTestCase that builds the Vpn.
class GatewayTestCase : public SimTestCase
{
  public:
    explicit GatewayTestCase(const std::string& name)
        : SimTestCase(name)
    {
    }

  protected:
    /// Builds @p v over IPv6 (@p v6) or IPv4; false if setkey refused a
    /// script (reported).
    bool BuildVpn(Vpn& v, bool v6)
    {
        v.helper.SetIpv6(v6);
        v.helper.SetLanRate("100Mbps");
        v.helper.SetWanRate("100Mbps");
        v.helper.SetWanDelay("1ms");
        v.helper.Build();
        v.h1 = v.helper.GetHosts(1).Get(0);
        v.h2 = v.helper.GetHosts(2).Get(0);
        v.gw1 = v.helper.GetGateway(1);
        v.gw2 = v.helper.GetGateway(2);
        v.a1 = v.helper.GetHostAddress(1, 0);
        v.a2 = v.helper.GetHostAddress(2, 0);
        v.w1 = v.helper.GetGatewayWanAddress(1);
        v.w2 = v.helper.GetGatewayWanAddress(2);
        std::string l1 = v6 ? "fd00:10:0:1::/64" : "10.0.1.0/24";
        std::string l2 = v6 ? "fd00:10:0:2::/64" : "10.0.2.0/24";
        std::string w1 = v.w1.ToString();
        std::string w2 = v.w2.ToString();
        std::string sas = EspSaLine(w1, w2, v.sa12) + EspSaLine(w2, w1, v.sa21);
        // A gateway's udp tunnel: out from its LAN to the other, in the other way.
        auto tunnel = [](const std::string& mine,
                         const std::string& theirs,
                         const std::string& me,
                         const std::string& peer)
        {
            return "spdadd " + mine + " " + theirs + " udp -P out ipsec esp/tunnel/" + me + "-"
                 + peer + "/require;\n" + "spdadd " + theirs + " " + mine
                 + " udp -P in ipsec esp/tunnel/" + peer + "-" + me + "/require;\n";
        };
        return Setkey(v.gw1, sas + tunnel(l1, l2, w1, w2), "gw1")
            && Setkey(v.gw2, sas + tunnel(l2, l1, w2, w1), "gw2");
    }
};

class GatewayIpv6TestCase : public GatewayTestCase
{
  public:
    GatewayIpv6TestCase()
        : GatewayTestCase("gateways, IPv6: a udp tunnel policy tunnels UDP behind DestOpt and "
                          "Hop-by-Hop, and refuses it in clear")
    {
    }

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        Vpn v;
        if (!BuildVpn(v, true))
        {
            return;
        }
        Ipv6Address a1 = v.a1.ToIpv6();
        Ipv6Address a2 = v.a2.ToIpv6();
        WireCapture wan;
        wan.Tap(v.helper.GetWanDevices().Get(0));
        UdpSink sink;
        sink.Open(v.h2, true, RX_PORT);
        DropLog drops1;
        drops1.Connect(v.gw1->GetObject<IpsecStack>());
        DropLog drops2;
        drops2.Connect(v.gw2->GetObject<IpsecStack>());

        // (a) plain UDP from a socket, (b) UDP behind an empty Destination
        // Options header, (c) UDP behind a Hop-by-Hop header.
        Bytes dataA = Text(80, 10);
        Bytes dataB = Text(90, 11);
        Bytes dataC = Text(100, 12);
        Ptr<Socket> udp = Socket::CreateSocket(v.h1, UdpSocketFactory::GetTypeId());
        udp->Bind(Inet6SocketAddress(a1, TX_PORT));
        Simulator::Schedule(START,
                            [udp, dataA, a2]()
                            {
                                udp->SendTo(Create<Packet>(dataA.data(), dataA.size()),
                                            0,
                                            Inet6SocketAddress(a2, RX_PORT));
                            });
        Bytes rawB = Cat({PadOptions(P_UDP, 0), Udp6(a1, a2, TX_PORT + 1, RX_PORT, dataB)});
        Bytes rawC = Cat({PadOptions(P_UDP, 0), Udp6(a1, a2, TX_PORT + 2, RX_PORT, dataC)});
        SendRaw6(v.h1, a1, a2, P_DSTOPTS, rawB, START + MilliSeconds(100));
        SendRaw6(v.h1, a1, a2, P_HOPOPTS, rawC, START + MilliSeconds(200));
        Simulator::Stop(START + Seconds(1));
        Simulator::Run();

        // host2 got all three.
        REQUIRE_MSG_EQ(sink.received.size(),
                       3u,
                       "host2 received; gw1 " << drops1.Text() << "; gw2 " << drops2.Text());
        NS_TEST_EXPECT_MSG_EQ((sink.received[0] == dataA), true, "(a) byte for byte");
        NS_TEST_EXPECT_MSG_EQ((sink.received[1] == dataB), true, "(b) byte for byte");
        NS_TEST_EXPECT_MSG_EQ((sink.received[2] == dataC), true, "(c) byte for byte");

        // Every datagram crossing the WAN is ESP between the gateways and
        // holds host1's datagram.
        std::vector<Bytes> tunnelled;
        for (const Bytes& d : wan.v6)
        {
            if (IsControl6(d))
            {
                continue;
            }
            NS_TEST_EXPECT_MSG_EQ(unsigned(d[6]), unsigned(P_ESP), "only ESP on the WAN");
            NS_TEST_EXPECT_MSG_EQ(Src6(d), v.w1.ToIpv6(), "from gw1");
            NS_TEST_EXPECT_MSG_EQ(Dst6(d), v.w2.ToIpv6(), "to gw2");
            if (d[6] != P_ESP)
            {
                continue;
            }
            Bytes plain;
            uint8_t next = 0;
            uint32_t seq = 0;
            std::string err = EspDecode(v.sa12, Slice(d, 40), &plain, &next, &seq);
            NS_TEST_EXPECT_MSG_EQ(err, "", "the WAN's ESP decodes with gw1's SA");
            NS_TEST_EXPECT_MSG_EQ(unsigned(next), unsigned(P_IPV6), "tunnel mode: IPv6 inside");
            if (err.empty() && plain.size() >= 40)
            {
                tunnelled.push_back(plain);
            }
        }
        REQUIRE_MSG_EQ(tunnelled.size(), 3u, "three tunnelled datagrams on the WAN");
        const uint8_t firstHeader[3] = {P_UDP, P_DSTOPTS, P_HOPOPTS};
        for (uint32_t i = 0; i < 3; ++i)
        {
            const Bytes& in = tunnelled[i];
            NS_TEST_EXPECT_MSG_EQ(Src6(in), a1, "inner source: host1");
            NS_TEST_EXPECT_MSG_EQ(Dst6(in), a2, "inner destination: host2");
            NS_TEST_EXPECT_MSG_EQ(
                unsigned(in[6]), unsigned(firstHeader[i]), "inner next header " << i);
        }
        NS_TEST_EXPECT_MSG_EQ((Slice(tunnelled[0], 48) == dataA), true, "(a) inside the tunnel");
        NS_TEST_EXPECT_MSG_EQ((Slice(tunnelled[1], 40) == rawB), true, "(b) inside the tunnel");
        NS_TEST_EXPECT_MSG_EQ((Slice(tunnelled[2], 40) == rawC), true, "(c) inside the tunnel");

        Ptr<IpsecStack> g1 = v.gw1->GetObject<IpsecStack>();
        Ptr<IpsecStack> g2 = v.gw2->GetObject<IpsecStack>();
        NS_TEST_EXPECT_MSG_EQ(g1->GetStats(true).out_success, 3u, "gw1's out_success");
        NS_TEST_EXPECT_MSG_EQ(g2->GetStats(true).in_success, 3u, "gw2's in_success");
        NS_TEST_EXPECT_MSG_EQ(g2->GetStats(true).in_polvio, 0u, "gw2's in_polvio");

        // The inbound side: gw2 checks forwarded datagrams with the same walk.
        uint64_t polvio = g2->GetStats(true).in_polvio;
        Ptr<Packet> clearUdp = Create<Packet>(rawB.data(), rawB.size());
        NS_TEST_EXPECT_MSG_EQ(g2->CheckInbound(clearUdp, v.a1, v.a2, P_DSTOPTS, true),
                              false,
                              "UDP behind DestOpt in clear is refused");
        NS_TEST_EXPECT_MSG_EQ(g2->GetStats(true).in_polvio, polvio + 1, "in_polvio + 1");
        Ptr<Packet> clearHbh = Create<Packet>(rawC.data(), rawC.size());
        NS_TEST_EXPECT_MSG_EQ(g2->CheckInbound(clearHbh, v.a1, v.a2, P_HOPOPTS, true),
                              false,
                              "UDP behind Hop-by-Hop in clear is refused");
        NS_TEST_EXPECT_MSG_EQ(g2->GetStats(true).in_polvio, polvio + 2, "in_polvio + 2");
        Bytes icmp = Cat({PadOptions(P_ICMPV6, 0), IcmpHdr(128, 0)});
        Ptr<Packet> clearIcmp = Create<Packet>(icmp.data(), icmp.size());
        NS_TEST_EXPECT_MSG_EQ(g2->CheckInbound(clearIcmp, v.a1, v.a2, P_DSTOPTS, true),
                              true,
                              "ICMPv6 behind DestOpt matches no policy: accepted");
        NS_TEST_EXPECT_MSG_EQ(g2->GetStats(true).in_polvio, polvio + 2, "in_polvio unchanged");
    }
};

class GatewayIpv4AhTestCase : public GatewayTestCase
{
  public:
    GatewayIpv4AhTestCase()
        : GatewayTestCase("gateways, IPv4: [AH][UDP] in clear matches the udp tunnel policy (AH "
                          "skipped) and is tunnelled")
    {
    }

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        Vpn v;
        if (!BuildVpn(v, false))
        {
            return;
        }
        Ipv4Address a1 = v.a1.ToIpv4();
        Ipv4Address a2 = v.a2.ToIpv4();
        WireCapture wan;
        wan.Tap(v.helper.GetWanDevices().Get(0));
        DropLog drops1;
        drops1.Connect(v.gw1->GetObject<IpsecStack>());
        // What host2's IPv4 hands its upper layers (AH here).
        std::vector<Bytes> delivered;
        v.h2->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "LocalDeliver",
            Callback<void, const Ipv4Header&, Ptr<const Packet>, uint32_t>(
                [&delivered](const Ipv4Header& h, Ptr<const Packet> p, uint32_t)
                {
                    if (h.GetProtocol() == P_AH)
                    {
                        Bytes b(p->GetSize());
                        p->CopyData(b.data(), b.size());
                        delivered.push_back(b);
                    }
                }));

        // A bogus AH (no SA anywhere) in front of a real UDP datagram.
        Bytes payload
            = Cat({AhHdr(P_UDP, 0xdead, 1, 0xaa), Udp4(a1, a2, TX_PORT, RX_PORT, Text(60, 20))});
        SendRaw4(v.h1, a1, a2, P_AH, payload, START);
        Simulator::Stop(START + Seconds(1));
        Simulator::Run();

        std::vector<Bytes> tunnelled;
        for (const Bytes& d : wan.v4)
        {
            NS_TEST_EXPECT_MSG_NE(Src4(d), a1, "nothing from host1 crosses the WAN in clear");
            NS_TEST_EXPECT_MSG_EQ(unsigned(d[9]), unsigned(P_ESP), "only ESP on the WAN");
            if (d[9] != P_ESP)
            {
                continue;
            }
            NS_TEST_EXPECT_MSG_EQ(Src4(d), v.w1.ToIpv4(), "from gw1");
            NS_TEST_EXPECT_MSG_EQ(Dst4(d), v.w2.ToIpv4(), "to gw2");
            Bytes plain;
            uint8_t next = 0;
            uint32_t seq = 0;
            std::string err = EspDecode(v.sa12, Slice(d, (d[0] & 0x0f) * 4u), &plain, &next, &seq);
            NS_TEST_EXPECT_MSG_EQ(err, "", "the WAN's ESP decodes with gw1's SA");
            NS_TEST_EXPECT_MSG_EQ(unsigned(next), unsigned(P_IPV4), "tunnel mode: IPv4 inside");
            if (err.empty() && plain.size() >= 20)
            {
                tunnelled.push_back(plain);
            }
        }
        REQUIRE_MSG_EQ(tunnelled.size(), 1u, "one tunnelled datagram; gw1 " << drops1.Text());
        const Bytes& in = tunnelled[0];
        NS_TEST_EXPECT_MSG_EQ(unsigned(in[9]), unsigned(P_AH), "inner protocol: AH");
        NS_TEST_EXPECT_MSG_EQ(Src4(in), a1, "inner source: host1");
        NS_TEST_EXPECT_MSG_EQ(Dst4(in), a2, "inner destination: host2");
        NS_TEST_EXPECT_MSG_EQ((Slice(in, 20) == payload), true, "[AH][UDP] inside the tunnel");
        REQUIRE_MSG_EQ(delivered.size(), 1u, "host2 got the [AH][UDP] datagram");
        NS_TEST_EXPECT_MSG_EQ((delivered[0] == payload), true, "byte for byte");

        Ptr<IpsecStack> g1 = v.gw1->GetObject<IpsecStack>();
        Ptr<IpsecStack> g2 = v.gw2->GetObject<IpsecStack>();
        NS_TEST_EXPECT_MSG_EQ(g1->GetStats(false).out_success, 1u, "gw1's out_success");
        NS_TEST_EXPECT_MSG_EQ(g2->GetStats(false).in_success, 1u, "gw2's in_success");
        NS_TEST_EXPECT_MSG_EQ(g2->GetStats(false).in_polvio, 0u, "gw2's in_polvio");
        NS_TEST_EXPECT_MSG_EQ(v.h2->GetObject<IpsecStack>()->GetStats(false).in_nosa,
                              1u,
                              "host2 has no SA for the bogus AH (ah4_input: in_nosa)");

        uint64_t polvio = g2->GetStats(false).in_polvio;
        Ptr<Packet> clear = Create<Packet>(payload.data(), payload.size());
        NS_TEST_EXPECT_MSG_EQ(g2->CheckInbound(clear, v.a1, v.a2, P_AH, true),
                              false,
                              "forwarded [AH][UDP] in clear is refused by gw2");
        NS_TEST_EXPECT_MSG_EQ(g2->GetStats(false).in_polvio, polvio + 1, "in_polvio + 1");
        Bytes icmp = Cat({AhHdr(P_ICMP, 0xdead, 2, 0xaa), IcmpHdr(8, 0)});
        Ptr<Packet> clearIcmp = Create<Packet>(icmp.data(), icmp.size());
        NS_TEST_EXPECT_MSG_EQ(g2->CheckInbound(clearIcmp, v.a1, v.a2, P_AH, true),
                              true,
                              "[AH][ICMP] matches no policy: accepted");
    }
};

// ===========================================================================
// 5. Bounded decapsulation: nested IPComp tunnels
// ===========================================================================

/// The innermost UDP datagram A -> B wrapped in @p layers IPComp tunnels
/// (well-known CPI 2, deflate), each an IPv4 datagram A -> B.
Bytes
NestedIpcomp(const Pair& net, const Bytes& data, uint32_t layers)
{
    Bytes udp = Udp4(net.s4, net.r4, TX_PORT, RX_PORT, data);
    Bytes d = Cat({Ipv4Hdr(net.s4, net.r4, P_UDP, udp.size(), 1), udp});
    for (uint32_t k = 1; k <= layers; ++k)
    {
        Bytes c = RawDeflate(d);
        d = Cat({Ipv4Hdr(net.s4, net.r4, P_IPCOMP, 4 + c.size(), static_cast<uint16_t>(1 + k)),
                 IpcompHdr(P_IPV4),
                 c});
    }
    return d;
}

const std::string IPCOMP_POLICY = "spdadd 10.1.0.1 10.1.0.2 any -P in ipsec "
                                  "ipcomp/tunnel/10.1.0.1-10.1.0.2/use;\n";

class IpcompDepthTestCase : public SimTestCase
{
  public:
    IpcompDepthTestCase(uint32_t layers, uint32_t maxTransforms)
        : SimTestCase("bounded decapsulation: " + std::to_string(layers)
                      + " nested IPComp tunnels, "
                      + (maxTransforms ? "MaxTransforms " + std::to_string(maxTransforms)
                                       : std::string("default MaxTransforms (16)")))
        , m_layers(layers)
        , m_max(maxTransforms)
    {
    }

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        IpsecStackHelper helper;
        if (m_max)
        {
            helper.SetIpsecAttribute("MaxTransforms", UintegerValue(m_max));
        }
        Pair net = BuildPair(helper);
        uint32_t limit = m_max ? m_max : 16;
        REQUIRE_MSG_EQ(net.ipsec->GetMaxTransforms(), limit, "B's MaxTransforms");
        if (!Setkey(net.r, IPCOMP_POLICY, "B"))
        {
            return;
        }
        UdpSink sink;
        sink.Open(net.r, false, RX_PORT);
        DropLog drops;
        drops.Connect(net.ipsec);
        Bytes data = Text(300, 30);
        SendDatagram4(net.s, NestedIpcomp(net, data, m_layers), START);
        Simulator::Stop(START + Seconds(1));
        Simulator::Run();

        const IpsecStats& st = net.ipsec->GetStats(false);
        if (m_layers <= limit)
        {
            REQUIRE_MSG_EQ(sink.received.size(), 1u, "delivered; " << drops.Text());
            NS_TEST_EXPECT_MSG_EQ((sink.received[0] == data), true, "byte for byte");
            NS_TEST_EXPECT_MSG_EQ(st.in_success, m_layers, "in_success: one per layer");
            NS_TEST_EXPECT_MSG_EQ(st.in_nomem, 0u, "in_nomem");
            NS_TEST_EXPECT_MSG_EQ(st.in_inval + st.in_polvio + st.in_nosa, 0u, drops.Text());
            NS_TEST_EXPECT_MSG_EQ(drops.drops.size(), 0u, drops.Text());
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(sink.received.size(), 0u, "nothing delivered");
            NS_TEST_EXPECT_MSG_EQ(st.in_nomem, 1u, "in_nomem: one transform too many");
            NS_TEST_EXPECT_MSG_EQ(st.in_success, limit, "in_success: the layers removed before");
            NS_TEST_EXPECT_MSG_EQ(st.in_inval + st.in_polvio + st.in_nosa, 0u, drops.Text());
            NS_TEST_EXPECT_MSG_EQ(drops.Has("in_nomem", "MaxTransforms"), true, drops.Text());
            NS_TEST_EXPECT_MSG_EQ(drops.drops.size(), 1u, drops.Text());
        }
    }

    uint32_t m_layers;
    uint32_t m_max;
};

class NestedIpcompTestCase : public SimTestCase
{
  public:
    NestedIpcompTestCase()
        : SimTestCase("bounded decapsulation: IPComp directly inside IPComp is refused (in_inval)")
    {
    }

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        Pair net = BuildPair(IpsecStackHelper());
        if (!Setkey(net.r, IPCOMP_POLICY, "B"))
        {
            return;
        }
        UdpSink sink;
        sink.Open(net.r, false, RX_PORT);
        DropLog drops;
        drops.Connect(net.ipsec);
        // [IPv4 108][IPComp next 108][deflate([IPComp next 4][deflate(IPv4 UDP)])]
        Bytes udp = Udp4(net.s4, net.r4, TX_PORT, RX_PORT, Text(200, 40));
        Bytes inner = Cat({Ipv4Hdr(net.s4, net.r4, P_UDP, udp.size(), 1), udp});
        Bytes layer = Cat({IpcompHdr(P_IPV4), RawDeflate(inner)});
        Bytes c = RawDeflate(layer);
        Bytes d = Cat({Ipv4Hdr(net.s4, net.r4, P_IPCOMP, 4 + c.size(), 2), IpcompHdr(P_IPCOMP), c});
        SendDatagram4(net.s, d, START);
        Simulator::Stop(START + Seconds(1));
        Simulator::Run();

        const IpsecStats& st = net.ipsec->GetStats(false);
        NS_TEST_EXPECT_MSG_EQ(sink.received.size(), 0u, "nothing delivered");
        NS_TEST_EXPECT_MSG_EQ(st.in_inval, 1u, "in_inval; " << drops.Text());
        NS_TEST_EXPECT_MSG_EQ(st.in_success, 0u, "in_success");
        NS_TEST_EXPECT_MSG_EQ(drops.Has("in_inval", "nested IPComp"), true, drops.Text());
    }
};

// ===========================================================================

/**
 * The decapsulation history travels with the datagram.  Two fragments of
 * one UDP datagram from host1 to gw2's own LAN address are tunnelled by gw1
 * (an "any" policy: KAME gives fragments no upper layer) with 300 other
 * datagrams to host2 between them.  gw2 decapsulates each fragment and
 * keeps the first one in reassembly while it decapsulates the 300 others;
 * the reassembled datagram must still show it came through the tunnel
 * (gw2's inbound policy requires it): delivered, no in_polvio.  (A history
 * kept on the node, in a ring of 256 slots, was overwritten by then.)
 */
/**
 * ip6_input's address checks on the datagram an IPsec header came in: an
 * IPComp datagram (well-known CPI 2, no SA) carrying UDP to a port without
 * a socket, from a multicast source, is dropped (ip6s_badscope) before
 * anything is decompressed; from a unicast source, the same datagram is
 * decompressed and ns-3 answers it with a port unreachable.  Before the
 * check, ns-3 3.37 crashed answering the multicast source (its ICMPv6
 * source address selection).  The datagrams are put on R's device directly
 * (S's stack would not send from a multicast source).
 */
/// Hands @p datagram (IPv4 or IPv6, by its version) to point-to-point device
/// @p dev as if it had come off the link.
void
DeliverOnDevice(Ptr<NetDevice> dev, const Bytes& datagram)
{
    Ptr<Packet> p = Create<Packet>(datagram.data(), datagram.size());
    PppHeader ppp;
    ppp.SetProtocol(!datagram.empty() && (datagram[0] >> 4) == 6 ? 0x0057 : 0x0021);
    p->AddHeader(ppp);
    DynamicCast<PointToPointNetDevice>(dev)->Receive(p);
}

class MulticastSourceTestCase : public SimTestCase
{
  public:
    MulticastSourceTestCase()
        : SimTestCase("ip6_input address checks: IPComp from a multicast source is dropped "
                      "(ip6s_badscope) before decompression")
    {
    }

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        Pair net = BuildPair(IpsecStackHelper());
        DropLog drops;
        drops.Connect(net.ipsec);
        const uint16_t closedPort = 7999;
        for (const auto& src : {Ipv6Address("ff02::1"), net.s6})
        {
            Bytes udp = Udp6(src, net.r6, 40000, closedPort, Text(100, 9));
            Bytes c = RawDeflate(udp);
            Bytes d = Cat({Ipv6Hdr(src, net.r6, P_IPCOMP, 4 + c.size()), IpcompHdr(P_UDP), c});
            Simulator::Schedule(
                src.IsMulticast() ? Seconds(1) : Seconds(2), &DeliverOnDevice, net.rDev, d);
        }
        uint32_t unreachable = 0;
        net.s->GetObject<Ipv6L3Protocol>()->TraceConnectWithoutContext(
            "LocalDeliver",
            Callback<void, const Ipv6Header&, Ptr<const Packet>, uint32_t>(
                [&unreachable](const Ipv6Header& h, Ptr<const Packet> p, uint32_t)
                {
                    uint8_t type = 0;
                    if (h.GetNextHeader() == 58 && p->GetSize() > 0)
                    {
                        p->CopyData(&type, 1);
                        unreachable += type == 1;
                    }
                }));
        Simulator::Schedule(Seconds(1.5),
                            [&]()
                            {
                                NS_TEST_EXPECT_MSG_EQ(drops.drops.size(), 1u, drops.Text());
                                NS_TEST_EXPECT_MSG_EQ(
                                    drops.Has("(ip6s_badscope)", "multicast"), true, drops.Text());
                                NS_TEST_EXPECT_MSG_EQ(net.ipsec->GetStats(true).in_success,
                                                      0u,
                                                      "decompressed from a multicast source");
                            });
        Simulator::Stop(Seconds(5));
        Simulator::Run();
        NS_TEST_EXPECT_MSG_EQ(net.ipsec->GetStats(true).in_success,
                              1u,
                              "the unicast source's datagram was not decompressed");
        NS_TEST_EXPECT_MSG_EQ(unreachable, 1u, "S's port unreachables; " << drops.Text());
    }
};

class MulticastSource4TestCase : public SimTestCase
{
  public:
    MulticastSource4TestCase()
        : SimTestCase("ip_input address checks: nothing from a multicast IPv4 source is "
                      "delivered, forwarded or answered (ips_badaddr)")
    {
    }

  private:
    /// A UDP datagram from @p src to @p dst with TTL @p ttl.
    static Bytes Datagram(Ipv4Address src, Ipv4Address dst, uint8_t ttl)
    {
        Bytes udp = Udp4(src, dst, 40000, 7999, Text(100, 4));
        Bytes h = Ipv4Hdr(src, dst, P_UDP, udp.size(), 0x4d4d);
        h[8] = ttl;
        h[10] = h[11] = 0;
        uint16_t c = Fold(Sum(h));
        h[10] = c >> 8;
        h[11] = c & 0xff;
        return Cat({h, udp});
    }

    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        Pair net = BuildPair(IpsecStackHelper());
        DropLog drops;
        drops.Connect(net.ipsec);
        // To R's closed port (a port unreachable), and through R back onto the
        // link with TTL 1 (a time exceeded): from a multicast source first,
        // then from S.
        const Ipv4Address onLink("10.1.0.99");
        double at = 1;
        for (const auto& src : {Ipv4Address("224.0.0.5"), net.s4})
        {
            for (const auto& [dst, ttl] : {std::make_pair(net.r4, 64), std::make_pair(onLink, 1)})
            {
                Simulator::Schedule(
                    Seconds(at), &DeliverOnDevice, net.rDev, Datagram(src, dst, ttl));
                at += 1;
            }
        }
        std::map<uint8_t, uint32_t> icmpAtS; // ICMP type -> messages S got
        net.s->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "LocalDeliver",
            Callback<void, const Ipv4Header&, Ptr<const Packet>, uint32_t>(
                [&icmpAtS](const Ipv4Header& h, Ptr<const Packet> p, uint32_t)
                {
                    uint8_t type = 0;
                    if (h.GetProtocol() == P_ICMP && p->GetSize() > 0)
                    {
                        p->CopyData(&type, 1);
                        icmpAtS[type]++;
                    }
                }));
        uint64_t forwarded = 0;
        net.r->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "UnicastForward",
            Callback<void, const Ipv4Header&, Ptr<const Packet>, uint32_t>(
                [&forwarded](const Ipv4Header&, Ptr<const Packet>, uint32_t)
                {
                    forwarded++;
                }));
        Simulator::Schedule(Seconds(2.5),
                            [&]()
                            {
                                NS_TEST_EXPECT_MSG_EQ(drops.drops.size(), 2u, drops.Text());
                                NS_TEST_EXPECT_MSG_EQ(
                                    drops.Has("(ips_badaddr)", "multicast"), true, drops.Text());
                                NS_TEST_EXPECT_MSG_EQ(forwarded, 0u, "forwarded from 224.0.0.5");
                            });
        Simulator::Stop(Seconds(6));
        Simulator::Run();
        NS_TEST_EXPECT_MSG_EQ(drops.drops.size(), 2u, drops.Text());
        NS_TEST_EXPECT_MSG_EQ(icmpAtS[3], 1u, "S's port unreachables; " << drops.Text());
        NS_TEST_EXPECT_MSG_EQ(icmpAtS[11], 1u, "S's time exceeded; " << drops.Text());
    }
};

class ReassemblyHistoryTestCase : public SimTestCase
{
  public:
    ReassemblyHistoryTestCase()
        : SimTestCase("history: a fragment that waits in reassembly while 300 other datagrams are "
                      "decapsulated keeps its history")
    {
    }

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        IpsecVpnHelper vpn;
        vpn.SetLanRate("100Mbps");
        vpn.SetWanRate("100Mbps");
        vpn.SetWanDelay("1ms");
        vpn.Build();
        Ptr<Node> h1 = vpn.GetHosts(1).Get(0);
        Ptr<Node> h2 = vpn.GetHosts(2).Get(0);
        Ptr<Node> gw2 = vpn.GetGateway(2);
        std::string w1 = vpn.GetGatewayWanAddress(1).ToString();
        std::string w2 = vpn.GetGatewayWanAddress(2).ToString();
        EspSa sa12{0x4001, ENC_KEY, AUTH_KEY};
        EspSa sa21{0x4002, ENC_KEY2, AUTH_KEY2};
        std::string sas = EspSaLine(w1, w2, sa12) + EspSaLine(w2, w1, sa21);
        const std::string l1 = "10.0.1.0/24";
        const std::string l2 = "10.0.2.0/24";
        if (!Setkey(vpn.GetGateway(1),
                    sas + "spdadd " + l1 + " " + l2 + " any -P out ipsec esp/tunnel/" + w1 + "-"
                        + w2 + "/require;\n",
                    "gw1")
            || !Setkey(gw2,
                       sas + "spdadd " + l1 + " " + l2 + " any -P in ipsec esp/tunnel/" + w1 + "-"
                           + w2 + "/require;\n",
                       "gw2"))
        {
            return;
        }
        Ipv4Address a1 = vpn.GetHostAddress(1, 0).ToIpv4();
        Ipv4Address g2 = vpn.GetGatewayLanAddress(2).ToIpv4();
        UdpSink atGw2;
        atGw2.Open(gw2, false, RX_PORT);
        UdpSink atH2;
        atH2.Open(h2, false, RX_PORT);

        // The datagram, cut by hand: 512 bytes (UDP header included) at
        // offset 0 with MF, the rest at offset 64 (in 8-byte units).
        Bytes data = Text(1000, 7);
        Bytes udp = Udp4(a1, g2, 4000, RX_PORT, data);
        Bytes part1 = Slice(udp, 0, 512);
        Bytes part2 = Slice(udp, 512);
        SendDatagram4(h1, Cat({Ipv4Hdr(a1, g2, P_UDP, part1.size(), 0x777, 0x2000), part1}), START);
        SendDatagram4(
            h1, Cat({Ipv4Hdr(a1, g2, P_UDP, part2.size(), 0x777, 64), part2}), START + Seconds(1));
        // 300 datagrams decapsulated by gw2 in between.
        Ptr<Socket> s = Socket::CreateSocket(h1, UdpSocketFactory::GetTypeId());
        InetSocketAddress to(vpn.GetHostAddress(2, 0).ToIpv4(), RX_PORT);
        // (One first, alone, to resolve host2's address on gw2's LAN: ARP
        // keeps only a few datagrams while it waits.)
        Simulator::Schedule(START - MilliSeconds(500),
                            [s, to]()
                            {
                                s->SendTo(Create<Packet>(20), 0, to);
                            });
        for (uint32_t i = 0; i < 300; ++i)
        {
            Simulator::Schedule(START + MilliSeconds(100) + MilliSeconds(2 * i),
                                [s, to]()
                                {
                                    s->SendTo(Create<Packet>(20), 0, to);
                                });
        }
        DropLog drops;
        drops.Connect(gw2->GetObject<IpsecStack>());
        Simulator::Stop(START + Seconds(3));
        Simulator::Run();

        NS_TEST_EXPECT_MSG_EQ(atH2.received.size(), 301u, "the 300 datagrams in between, and one");
        const IpsecStats& st = gw2->GetObject<IpsecStack>()->GetStats(false);
        NS_TEST_EXPECT_MSG_EQ(st.in_success, 303u, "gw2 decapsulated the two fragments and 301");
        NS_TEST_EXPECT_MSG_EQ(st.in_polvio, 0u, "no policy violation: " << drops.Text());
        NS_TEST_ASSERT_MSG_EQ(atGw2.received.size(), 1u, "the reassembled datagram at gw2");
        NS_TEST_EXPECT_MSG_EQ(ToHex(atGw2.received[0]), ToHex(data), "byte for byte");
    }
};

/**
 * What the input loop checks in an inner IPv6 datagram before ns-3's IPv6
 * input sees it (ip6_process_hopopts): headers within the datagram, options
 * within their header.  The datagrams are written byte by byte here; the
 * overrunning PadN is the one that sent ns-3 3.37's option parser into an
 * endless loop (its 8-bit running length wraps).
 */
class InputChecksTestCase : public TestCase
{
  public:
    InputChecksTestCase()
        : TestCase("input checks: IPv6 headers within the datagram (ip6_input), transport "
                   "headers within the segment (udp_input, tcp_input, icmp_input)")
    {
    }

  private:
    /// An IPv6 header (payload length of @p ext and 8 bytes of UDP, plus
    /// @p extraLength) with next header @p first, then @p ext, then an
    /// 8-byte UDP header.
    static Ptr<Packet> Datagram(uint8_t first, const std::vector<uint8_t>& ext, int extraLength = 0)
    {
        std::vector<uint8_t> b(40, 0);
        b[0] = 0x60;
        uint32_t plen = ext.size() + 8 + extraLength;
        b[4] = plen >> 8;
        b[5] = plen & 0xff;
        b[6] = first;
        b[7] = 64;
        b[8] = 0xfd; // fd00::1 -> fd00::2
        b[23] = 1;
        b[24] = 0xfd;
        b[39] = 2;
        b.insert(b.end(), ext.begin(), ext.end());
        std::vector<uint8_t> udp = {0x1f, 0x40, 0x1b, 0x58, 0, 8, 0, 0};
        b.insert(b.end(), udp.begin(), udp.end());
        return Create<Packet>(b.data(), b.size());
    }

    /// @p n Destination Options headers of 8 bytes (a PadN of 4), the last
    /// naming UDP.
    static std::vector<uint8_t> DstChain(int n)
    {
        std::vector<uint8_t> ext;
        for (int i = 0; i < n; ++i)
        {
            std::vector<uint8_t> h = {uint8_t(i + 1 < n ? 60 : 17), 0, 1, 4, 0, 0, 0, 0};
            ext.insert(ext.end(), h.begin(), h.end());
        }
        return ext;
    }

    void Expect(
        Ptr<const Packet> d, uint32_t limit, bool ok, IpsecDropReason want, const std::string& what)
    {
        std::string why;
        IpsecDropReason got = IpsecDropReason::NO_INTERFACE;
        NS_TEST_EXPECT_MSG_EQ(
            IpsecCheckIpv6Datagram(d, limit, &got, &why), ok, what << ": " << why);
        if (!ok)
        {
            NS_TEST_EXPECT_MSG_EQ(got, want, what << ": " << why);
        }
    }

    void ExpectSegment(const std::vector<uint8_t>& bytes,
                       uint8_t protocol,
                       bool v6,
                       bool ok,
                       IpsecDropReason want,
                       const std::string& what)
    {
        std::string why;
        IpsecDropReason got = IpsecDropReason::NO_INTERFACE;
        Ptr<Packet> p = Create<Packet>(bytes.data(), bytes.size());
        NS_TEST_EXPECT_MSG_EQ(
            IpsecCheckUpperLayer(p, protocol, v6, &got, &why), ok, what << ": " << why);
        if (!ok)
        {
            NS_TEST_EXPECT_MSG_EQ(got, want, what << ": " << why);
        }
    }

    void DoRun() override
    {
        const auto OK = IpsecDropReason::NO_INTERFACE; // not looked at
        const uint32_t L = IPSEC_IP6_HDRNESTLIMIT;
        // Options: Hop-by-Hop, 8 bytes, PadN of 4 data bytes; Pad1 only;
        // Hop-by-Hop then Destination Options of 16 bytes.
        Expect(Datagram(0, {17, 0, 1, 4, 0, 0, 0, 0}), L, true, OK, "PadN");
        Expect(Datagram(0, {17, 0, 0, 0, 0, 0, 0, 0}), L, true, OK, "Pad1");
        Expect(Datagram(
                   0, {60, 0, 1, 4, 0, 0, 0, 0, 17, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
               L,
               true,
               OK,
               "two headers");
        // Six Pad1, then a PadN of 253 bytes in an 8-byte header (ns-3 3.37
        // loops on it); an option whose type/length pair crosses the end.
        Expect(Datagram(0, {17, 0, 0, 0, 0, 0, 1, 253}),
               L,
               false,
               IpsecDropReason::IP6_BAD_OPTIONS,
               "PadN past the header's end");
        Expect(Datagram(0, {17, 0, 0, 0, 0, 0, 0, 1}),
               L,
               false,
               IpsecDropReason::IP6_BAD_OPTIONS,
               "option header cut by the header's end");
        // Headers beyond the datagram: a Destination Options header claiming
        // 24 bytes with 16 left; a payload length beyond the datagram; a
        // datagram shorter than the IPv6 header.
        Expect(Datagram(60, {17, 2, 1, 4, 0, 0, 0, 0}),
               L,
               false,
               IpsecDropReason::IP6_TOO_SHORT,
               "header longer than the datagram");
        Expect(Datagram(17, {}, 1),
               L,
               false,
               IpsecDropReason::IP6_TOO_SHORT,
               "payload length beyond the datagram");
        Expect(Datagram(17, {}), L, true, OK, "no extension header");
        // ip6_input's address checks (ip6s_badscope): a multicast source
        // (ns-3 3.37 crashed answering it with an ICMPv6 error), the
        // unspecified destination, ::1 and ::ffff:10.0.0.1 off a device.
        for (const auto& [offset, bytes, what] :
             std::vector<std::tuple<size_t, std::vector<uint8_t>, std::string>>{
                 {8, {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, "source ff02::1"},
                 {24, std::vector<uint8_t>(16, 0), "destination ::"},
                 {8, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, "source ::1"},
                 {24, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, "destination ::1"},
                 {8,
                  {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1},
                  "source ::ffff:10.0.0.1"},
             })
        {
            Ptr<Packet> d = Datagram(17, {});
            std::vector<uint8_t> b(d->GetSize());
            d->CopyData(b.data(), b.size());
            std::copy(bytes.begin(), bytes.end(), b.begin() + offset);
            Expect(
                Create<Packet>(b.data(), b.size()), L, false, IpsecDropReason::IP6_BAD_SCOPE, what);
        }
        Expect(Create<Packet>(39), L, false, IpsecDropReason::IP6_TOO_SHORT, "39 bytes");
        // A Fragment header is 8 bytes, whatever follows: 4 bytes of it
        // (ns-3 reads the other 4 from beyond the datagram).
        {
            std::vector<uint8_t> four = {0xc0, 0x10, 0x00, 0x48};
            std::string why;
            IpsecDropReason got = OK;
            NS_TEST_EXPECT_MSG_EQ(
                IpsecCheckIpv6Headers(Create<Packet>(four.data(), four.size()), 44, L, &got, &why),
                false,
                "a 4-byte Fragment header");
            NS_TEST_EXPECT_MSG_EQ(got, IpsecDropReason::IP6_TOO_SHORT, why);
        }
        // A non-first fragment carries data, not headers: the walk stops at
        // its Fragment header.  A first fragment's headers are walked.
        Expect(Datagram(44, {60, 0, 0x00, 0x08, 0, 0, 0, 1, 17, 200, 0, 0}),
               L,
               true,
               OK,
               "non-first fragment");
        Expect(Datagram(44, {60, 0, 0x00, 0x01, 0, 0, 0, 1, 17, 200, 0, 0}),
               L,
               false,
               IpsecDropReason::IP6_TOO_SHORT,
               "first fragment, then a header longer than the datagram");
        // ip6_hdrnestlimit (15): 14 extension headers and the upper layer
        // pass, 15 do not; the limit 0 lets them through.
        Expect(Datagram(60, DstChain(14)), L, true, OK, "14 headers");
        Expect(Datagram(60, DstChain(15)),
               L,
               false,
               IpsecDropReason::IP6_TOO_MANY_HEADERS,
               "15 headers");
        Expect(Datagram(60, DstChain(15)), 0, true, OK, "15 headers, no limit");
        // ns-3's IPv6 input walks 255 bytes of headers: 31 headers of 8
        // bytes (248) pass without a limit, 32 (256) do not, nor one header
        // of 256 bytes.
        Expect(Datagram(60, DstChain(31)), 0, true, OK, "248 bytes of headers");
        Expect(Datagram(60, DstChain(32)),
               0,
               false,
               IpsecDropReason::IP6_TOO_MANY_HEADERS,
               "256 bytes of headers");
        {
            std::vector<uint8_t> big(256, 0);
            big[0] = 17;
            big[1] = 31;
            big[2] = 1;
            big[3] = 252;
            Expect(Datagram(60, big),
                   0,
                   false,
                   IpsecDropReason::IP6_TOO_MANY_HEADERS,
                   "one header of 256 bytes");
            big[1] = 30;
            big[3] = 244;
            big.resize(248);
            Expect(Datagram(60, big), 0, true, OK, "one header of 248 bytes");
        }

        // Transport headers.  UDP: 8 bytes of header, a length field within
        // the segment (IPv4) or equal to it (IPv6).
        const uint8_t UDP = 17;
        ExpectSegment({0xc0, 1, 0x1b, 0x59, 0, 0x68, 0x20},
                      UDP,
                      false,
                      false,
                      IpsecDropReason::UDP_TOO_SHORT,
                      "7-byte UDP");
        ExpectSegment({0, 1, 0, 2, 0, 8, 0, 0}, UDP, false, true, OK, "UDP header only");
        ExpectSegment({0, 1, 0, 2, 0, 8, 0, 0}, UDP, true, true, OK, "UDP header only, IPv6");
        ExpectSegment({0, 1, 0, 2, 0, 9, 0, 0},
                      UDP,
                      false,
                      false,
                      IpsecDropReason::UDP_BAD_LENGTH,
                      "UDP length beyond the segment");
        ExpectSegment({0, 1, 0, 2, 0, 7, 0, 0},
                      UDP,
                      false,
                      false,
                      IpsecDropReason::UDP_BAD_LENGTH,
                      "UDP length below its header");
        ExpectSegment({0, 1, 0, 2, 0, 8, 0, 0, 1, 2, 3, 4},
                      UDP,
                      false,
                      true,
                      OK,
                      "UDP length shorter than the segment, IPv4 (trimmed)");
        ExpectSegment({0, 1, 0, 2, 0, 8, 0, 0, 1, 2, 3, 4},
                      UDP,
                      true,
                      false,
                      IpsecDropReason::UDP_BAD_LENGTH,
                      "UDP length shorter than the segment, IPv6");
        // TCP: 20 bytes, a data offset from 20 to the segment's length.
        const uint8_t TCP = 6;
        std::vector<uint8_t> tcp(20, 0);
        tcp[12] = 5 << 4;
        ExpectSegment(tcp, TCP, false, true, OK, "TCP header");
        tcp[12] = 4 << 4;
        ExpectSegment(tcp, TCP, false, false, IpsecDropReason::TCP_BAD_OFFSET, "data offset 16");
        tcp[12] = 6 << 4;
        ExpectSegment(
            tcp, TCP, true, false, IpsecDropReason::TCP_BAD_OFFSET, "data offset 24 in 20 bytes");
        tcp.resize(24, 1);
        ExpectSegment(tcp, TCP, true, true, OK, "data offset 24, one option word");
        tcp.resize(19);
        ExpectSegment(tcp, TCP, false, false, IpsecDropReason::TCP_TOO_SHORT, "19-byte TCP");
        // ICMP_MINLEN and the ICMPv6 header: 8 bytes.
        ExpectSegment({8, 0, 0xe5, 0xca, 0x20, 0x34, 1},
                      1,
                      false,
                      false,
                      IpsecDropReason::ICMP_TOO_SHORT,
                      "7-byte echo");
        ExpectSegment({8, 0, 0xe5, 0xca, 0x20, 0x34, 1, 0}, 1, false, true, OK, "8-byte echo");
        ExpectSegment({128, 0, 0, 0, 0, 1, 0},
                      58,
                      true,
                      false,
                      IpsecDropReason::ICMP6_TOO_SHORT,
                      "7-byte ICMPv6 echo");
        ExpectSegment({128, 0, 0, 0, 0, 1, 0, 1}, 58, true, true, OK, "8-byte ICMPv6 echo");
        // ICMP errors hold the IP header they quote and 8 bytes after it:
        // ICMP_ADVLENMIN (36) and ICMP_ADVLEN (8 + quoted header + 8).
        std::vector<uint8_t> unreach(36, 0);
        unreach[0] = 3; // destination unreachable, port
        unreach[1] = 3;
        unreach[8] = 0x45;
        ExpectSegment(unreach, 1, false, true, OK, "unreachable quoting 20 + 8 bytes");
        for (uint8_t type : {3, 4, 5, 11, 12})
        {
            std::vector<uint8_t> shortError(unreach.begin(), unreach.begin() + 35);
            shortError[0] = type;
            ExpectSegment(shortError,
                          1,
                          false,
                          false,
                          IpsecDropReason::ICMP_BAD_LENGTH,
                          "ICMP type " + std::to_string(type) + " of 35 bytes");
        }
        ExpectSegment({3, 3, 0xfc, 0xfc, 0, 0, 0, 0},
                      1,
                      false,
                      false,
                      IpsecDropReason::ICMP_BAD_LENGTH,
                      "unreachable quoting nothing");
        unreach[8] = 0x46; // a quoted header of 24 bytes needs 40
        ExpectSegment(
            unreach, 1, false, false, IpsecDropReason::ICMP_BAD_LENGTH, "quoted IHL 6 in 36");
        unreach.resize(40, 0);
        ExpectSegment(unreach, 1, false, true, OK, "quoted IHL 6 in 40");
        unreach[8] = 0x44; // a quoted header below 20 bytes
        ExpectSegment(unreach, 1, false, false, IpsecDropReason::ICMP_BAD_LENGTH, "quoted IHL 4");
        ExpectSegment({0, 0, 0, 0, 0, 1, 0, 1}, 1, false, true, OK, "8-byte echo reply");
        // ICMPv6 errors: 8 + 40 + 8 bytes (the quoted ports).
        for (uint8_t type : {1, 2, 3, 4})
        {
            std::vector<uint8_t> e(56, 0);
            e[0] = type;
            e[8] = 0x60;
            ExpectSegment(e, 58, true, true, OK, "ICMPv6 error of 56 bytes");
            e.resize(55);
            ExpectSegment(e,
                          58,
                          true,
                          false,
                          IpsecDropReason::ICMP6_TOO_SHORT,
                          "ICMPv6 type " + std::to_string(type) + " of 55 bytes");
        }
        // Neighbour discovery (RFC 4861 section 4): the fixed part, then
        // options of 8-byte units, none of length 0, all within the message.
        std::vector<uint8_t> ns(24, 0);
        ns[0] = 135;
        ExpectSegment(ns, 58, true, true, OK, "NS without options");
        std::vector<uint8_t> nsOpt = ns;
        nsOpt.insert(nsOpt.end(), {1, 1, 0, 0, 0, 0, 0, 1}); // source link-layer address
        ExpectSegment(nsOpt, 58, true, true, OK, "NS with one option");
        nsOpt[25] = 0;
        ExpectSegment(
            nsOpt, 58, true, false, IpsecDropReason::ND_BAD_OPTION, "NS option of length 0");
        nsOpt[25] = 2;
        ExpectSegment(
            nsOpt, 58, true, false, IpsecDropReason::ND_BAD_OPTION, "NS option past the end");
        nsOpt.resize(25);
        ExpectSegment(nsOpt, 58, true, false, IpsecDropReason::ND_BAD_OPTION, "NS option cut");
        for (auto [type, fixed] :
             {std::pair<uint8_t, size_t>{133, 8}, {134, 16}, {136, 24}, {137, 40}})
        {
            std::vector<uint8_t> nd(fixed - 1, 0);
            nd[0] = type;
            ExpectSegment(nd,
                          58,
                          true,
                          false,
                          IpsecDropReason::ICMP6_TOO_SHORT,
                          "ND type " + std::to_string(type) + " shorter than its fixed part");
            nd.resize(fixed, 0);
            ExpectSegment(nd, 58, true, true, OK, "ND type " + std::to_string(type));
        }
        // Another protocol is not looked at.
        ExpectSegment({1, 2, 3}, 132, false, true, OK, "SCTP is not checked");
    }
};

/**
 * Options ns-3 3.37's TcpHeader cannot parse, rewritten as tcp_dooptions
 * reads them; the checksum recomputed here from scratch over the pseudo
 * header (RFC 9293 section 3.1) must still hold.
 */
class TcpOptionsTestCase : public TestCase
{
  public:
    TcpOptionsTestCase()
        : TestCase("input checks: TCP options ns-3 cannot parse, rewritten as tcp_dooptions "
                   "reads them, checksum kept")
    {
    }

  private:
    /// The TCP checksum of @p seg from 10.0.0.1 to 10.0.0.2, its own field
    /// taken as 0 (the tests' independent encoder).
    static uint16_t Checksum(std::vector<uint8_t> seg)
    {
        seg[16] = 0;
        seg[17] = 0;
        const uint8_t src[4] = {10, 0, 0, 1};
        const uint8_t dst[4] = {10, 0, 0, 2};
        return ipsectest::PseudoHeaderChecksum(src, dst, false, 6, seg);
    }

    /// A SYN from port 1234 to 9999 with @p options (a multiple of 4 bytes)
    /// and 3 bytes of data, its checksum right.
    static std::vector<uint8_t> Syn(const std::vector<uint8_t>& options)
    {
        std::vector<uint8_t> seg = {0x04, 0xd2, 0x27, 0x0f, 0, 0, 0, 1, 0, 0, 0, 0};
        seg.push_back(uint8_t((20 + options.size()) / 4) << 4);
        seg.insert(seg.end(), {0x02, 0xff, 0xff, 0, 0, 0, 0});
        seg.insert(seg.end(), options.begin(), options.end());
        seg.insert(seg.end(), {'a', 'b', 'c'});
        uint16_t c = Checksum(seg);
        seg[16] = c >> 8;
        seg[17] = c & 0xff;
        return seg;
    }

    void Check(const std::vector<uint8_t>& options,
               const std::vector<uint8_t>& want,
               uint32_t rewritten,
               const std::string& what)
    {
        std::vector<uint8_t> in = Syn(options);
        Ptr<Packet> p = Create<Packet>(in.data(), in.size());
        NS_TEST_EXPECT_MSG_EQ(IpsecSanitizeTcpOptions(p), rewritten, what);
        std::vector<uint8_t> out(p->GetSize());
        p->CopyData(out.data(), out.size());
        NS_TEST_ASSERT_MSG_EQ(out.size(), in.size(), what);
        std::vector<uint8_t> got(out.begin() + 20, out.end() - 3);
        NS_TEST_EXPECT_MSG_EQ((got == want), true, what << ": options");
        NS_TEST_EXPECT_MSG_EQ((std::vector<uint8_t>(out.begin(), out.begin() + 16)
                               == std::vector<uint8_t>(in.begin(), in.begin() + 16)),
                              true,
                              what << ": fixed header");
        NS_TEST_EXPECT_MSG_EQ(
            ((uint16_t(out[16]) << 8) | out[17]), Checksum(out), what << ": checksum");
        NS_TEST_EXPECT_MSG_EQ(std::string(out.end() - 3, out.end()), "abc", what << ": data");
    }

    void DoRun() override
    {
        // Options ns-3 parses are left alone: MSS, NOP, window scale,
        // SACK permitted, timestamps, an unknown kind of length 2.
        const std::vector<uint8_t> good
            = {2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 30, 2};
        Check(good, good, 0, "options ns-3 parses");
        // An unknown option of length 0 (ns-3 loops on it): the options end
        // there, as tcp_dooptions stops at a length below 2.
        Check({1, 1, 30, 0, 2, 4, 5, 0xb4}, {1, 1, 0, 0, 0, 0, 0, 0}, 1, "length 0");
        Check({30, 1, 2, 4, 5, 0xb4, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0}, 1, "length 1");
        // An option running past the header: the same.
        Check({2, 4, 5, 0xb4, 1, 30, 9, 0}, {2, 4, 5, 0xb4, 1, 0, 0, 0}, 1, "past the header");
        Check({2, 4, 5, 0xb4, 1, 1, 1, 8}, {2, 4, 5, 0xb4, 1, 1, 1, 0}, 1, "kind as the last byte");
        // An MSS of length 3 (ns-3 aborts): ignored, as tcp_dooptions does,
        // the options after it kept.
        Check({2, 3, 0, 1, 3, 3, 7, 0}, {1, 1, 1, 1, 3, 3, 7, 0}, 1, "MSS of length 3");
        Check({2, 6, 0, 0, 0, 0, 2, 4, 5, 0xb4, 0, 0},
              {1, 1, 1, 1, 1, 1, 2, 4, 5, 0xb4, 0, 0},
              1,
              "MSS of length 6");
        Check({2, 3, 0, 2, 3, 0, 0, 0}, {1, 1, 1, 1, 1, 1, 0, 0}, 2, "two bad MSS options");
        // The other kinds ns-3 parses, with a length other than the kind's
        // (RFC 7323: window scale 3, timestamps 10; RFC 2018: SACK permitted
        // 2, SACK 2 + 8n, n >= 1): ignored as tcp_dooptions ignores them.
        // ns-3 would read a SACK of length 5 as 2 bytes and the next byte as
        // a new option, and a SACK of length 79 as 9 blocks from past the
        // header (found by the ipcomp-input fuzzer).
        Check({5, 5, 5, 5, 5, 5, 5, 0x4f, 0xff, 0xff, 0xff, 0xff},
              {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0},
              3,
              "SACKs of length 5, then an option past the header");
        Check({5, 2, 1, 1}, {1, 1, 1, 1}, 1, "SACK without a block");
        Check({5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0},
              {5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0},
              0,
              "SACK with one block");
        Check({3, 4, 7, 0, 4, 3, 0, 0}, {1, 1, 1, 1, 1, 1, 1, 0}, 2, "window scale 4, SACK ok 3");
        Check({8, 8, 0, 0, 0, 1, 0, 0}, {1, 1, 1, 1, 1, 1, 1, 1}, 1, "timestamps of length 8");
        // After End of Option List nothing is read.
        Check({0, 30, 0, 0}, {0, 30, 0, 0}, 0, "after End of Option List");

        // A tunnel's inner datagram (what a gateway forwards): the segment
        // after the IPv4 header or the IPv6 extension headers is rewritten;
        // a fragment is left alone.
        const std::vector<uint8_t> bad = Syn({2, 3, 5, 1});
        const std::vector<uint8_t> fixedOptions = {1, 1, 1, 1};
        for (int kind = 0; kind < 3; ++kind)
        {
            std::vector<uint8_t> d;
            if (kind == 2)
            {
                d.assign(40, 0);
                d[0] = 0x60;
                d[6] = 60; // Destination Options, then TCP
                d[7] = 64;
                d.insert(d.end(), {6, 0, 1, 4, 0, 0, 0, 0});
            }
            else
            {
                d = {0x45, 0, 0, 0, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
                if (kind == 1)
                {
                    d[6] = 0x20; // more fragments
                }
            }
            const size_t at = d.size();
            d.insert(d.end(), bad.begin(), bad.end());
            Ptr<Packet> p = Create<Packet>(d.data(), d.size());
            const std::string what = kind == 0 ? "inner IPv4"
                                   : kind == 1 ? "inner IPv4 first fragment"
                                               : "inner IPv6 after a Destination Options header";
            NS_TEST_EXPECT_MSG_EQ(
                IpsecSanitizeInnerTcpOptions(p, kind == 2), (kind == 1 ? 0u : 1u), what);
            std::vector<uint8_t> out(p->GetSize());
            p->CopyData(out.data(), out.size());
            NS_TEST_ASSERT_MSG_EQ(out.size(), d.size(), what);
            NS_TEST_EXPECT_MSG_EQ((std::vector<uint8_t>(out.begin(), out.begin() + at + 16)
                                   == std::vector<uint8_t>(d.begin(), d.begin() + at + 16)),
                                  true,
                                  what << ": headers before the options");
            std::vector<uint8_t> options(out.begin() + at + 20, out.begin() + at + 24);
            NS_TEST_EXPECT_MSG_EQ(
                (options == (kind == 1 ? std::vector<uint8_t>{2, 3, 5, 1} : fixedOptions)),
                true,
                what << ": options");
            std::vector<uint8_t> seg(out.begin() + at, out.end());
            NS_TEST_EXPECT_MSG_EQ(
                ((uint16_t(seg[16]) << 8) | seg[17]), Checksum(seg), what << ": checksum");
        }
    }
};

class IpsecHeadersTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecHeadersTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-headers", SYSTEM)
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
        for (InputKind k : {InputKind::ESP,
                            InputKind::AH,
                            InputKind::AH_MUTABLE_EN_ROUTE,
                            InputKind::AH_UNZEROED_MUTABLE,
                            InputKind::AH_IMMUTABLE_CHANGED,
                            InputKind::AH_ROUTING,
                            InputKind::ESP_FRAGMENTED,
                            InputKind::AH_FRAGMENTED,
                            InputKind::AH_FRAGMENTED_FIRST})
        {
            AddTestCase(new Ipv6InputTestCase(k), TestCase::QUICK);
        }
        for (bool routing : {false, true})
        {
            AddTestCase(new Ipv6OutputTestCase(true, routing), TestCase::QUICK);
            AddTestCase(new Ipv6OutputTestCase(false, routing), TestCase::QUICK);
        }
        AddTestCase(new GatewayIpv6TestCase(), TestCase::QUICK);
        AddTestCase(new GatewayIpv4AhTestCase(), TestCase::QUICK);
        AddTestCase(new IpcompDepthTestCase(16, 0), TestCase::QUICK);
        AddTestCase(new IpcompDepthTestCase(17, 0), TestCase::QUICK);
        AddTestCase(new IpcompDepthTestCase(200, 0), TestCase::QUICK);
        AddTestCase(new IpcompDepthTestCase(40, 64), TestCase::QUICK);
        AddTestCase(new NestedIpcompTestCase(), TestCase::QUICK);
        AddTestCase(new MulticastSourceTestCase(), TestCase::QUICK);
        AddTestCase(new MulticastSource4TestCase(), TestCase::QUICK);
        AddTestCase(new ReassemblyHistoryTestCase(), TestCase::QUICK);
        AddTestCase(new InputChecksTestCase(), TestCase::QUICK);
        AddTestCase(new TcpOptionsTestCase(), TestCase::QUICK);
    }
};

static IpsecHeadersTestSuite g_ipsecHeadersTestSuite;

} // namespace
