/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-input-checks.h"

#include "ipsec-header-walk.h"
#include "ipsec-packet-util.h"

#include <algorithm>

namespace ns3
{

namespace
{

constexpr uint8_t ICMP = 1; ///< IPPROTO_ICMP

bool
Fail(IpsecDropReason r, std::string text, IpsecDropReason* reason, std::string* why)
{
    *reason = r;
    *why = std::move(text);
    return false;
}

/// Every option of the Hop-by-Hop or Destination Options header in
/// [begin, end) of @p b lies within it (ip6_process_hopopts, dest6_input).
bool
OptionsWithin(const uint8_t* b, uint32_t begin, uint32_t end, std::string* why)
{
    uint32_t o = begin + 2;
    while (o < end)
    {
        if (b[o] == 0)
        {
            ++o; // Pad1
            continue;
        }
        if (o + 2 > end || o + 2 + b[o + 1] > end)
        {
            *why = "option " + std::to_string(b[o]) + " overruns its header";
            return false;
        }
        o += 2 + b[o + 1];
    }
    return true;
}

/**
 * The walk of the headers at [start, end) of @p b, the first being @p next.
 * @p b holds at least min(end, start + IPSEC_NS3_IP6_CHAIN_MAX + 2) bytes.
 */
bool
WalkChain(const uint8_t* b,
          uint32_t start,
          uint32_t end,
          uint8_t next,
          uint32_t nestLimit,
          IpsecDropReason* reason,
          std::string* why)
{
    uint32_t off = start;
    uint32_t nest = 0;
    while (next == ipsecproto::HOPOPTS || next == ipsecproto::ROUTING
           || next == ipsecproto::FRAGMENT || next == ipsecproto::DSTOPTS)
    {
        const std::string name = "extension header " + std::to_string(next);
        // This header and the upper layer after it must both fit the limit.
        if (nestLimit != 0 && ++nest >= nestLimit)
        {
            return Fail(IpsecDropReason::IP6_TOO_MANY_HEADERS,
                        "more than " + std::to_string(nestLimit) + " headers (ip6_hdrnestlimit)",
                        reason,
                        why);
        }
        if (off + 2 > end)
        {
            return Fail(IpsecDropReason::IP6_TOO_SHORT, name + " truncated", reason, why);
        }
        const uint32_t len = next == ipsecproto::FRAGMENT ? 8 : (uint32_t(b[off + 1]) + 1) << 3;
        if (off + len > end)
        {
            return Fail(
                IpsecDropReason::IP6_TOO_SHORT, name + " longer than the datagram", reason, why);
        }
        if (off + len - start > IPSEC_NS3_IP6_CHAIN_MAX)
        {
            return Fail(IpsecDropReason::IP6_TOO_MANY_HEADERS,
                        "extension headers longer than " + std::to_string(IPSEC_NS3_IP6_CHAIN_MAX)
                            + " bytes, beyond ns-3's IPv6 input",
                        reason,
                        why);
        }
        if ((next == ipsecproto::HOPOPTS || next == ipsecproto::DSTOPTS)
            && !OptionsWithin(b, off, off + len, why))
        {
            *reason = IpsecDropReason::IP6_BAD_OPTIONS;
            *why = name + ": " + *why;
            return false;
        }
        if (next == ipsecproto::FRAGMENT && (((uint32_t(b[off + 2]) << 8) | b[off + 3]) & 0xfff8))
        {
            return true; // a non-first fragment: what follows is data
        }
        next = b[off];
        off += len;
    }
    return true;
}

/// Bytes a walk may read: a chain ns-3 can walk and 2 bytes past it.
constexpr uint32_t CHAIN_PREFIX = IPSEC_NS3_IP6_CHAIN_MAX + 1 + 8;

/// ICMP error types whose message quotes the datagram that caused it
/// (icmp_input's "deliver" cases: unreachable, source quench, redirect,
/// time exceeded, parameter problem).
bool
IsIcmpError(uint8_t type)
{
    return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/// An ICMP error (@p b: its first bytes, at least 9 when @p size is over 8;
/// @p size: the message's) holds the quoted IP header and 8 bytes of its payload:
/// ICMP_ADVLENMIN (36) and ICMP_ADVLEN (8 + the quoted header + 8), and a
/// quoted header of at least 20 bytes (icmp_input, icps_badlen).
bool
CheckIcmpError(const uint8_t* b, uint32_t size, IpsecDropReason* reason, std::string* why)
{
    const uint8_t type = b[0];
    if (!IsIcmpError(type))
    {
        return true;
    }
    const uint32_t quotedHl = size > 8 ? uint32_t(b[8] & 0x0f) << 2 : 0;
    if (size < 36 || quotedHl < 20 || size < 8 + quotedHl + 8)
    {
        return Fail(IpsecDropReason::ICMP_BAD_LENGTH,
                    "ICMP type " + std::to_string(type) + " of " + std::to_string(size)
                        + " bytes does not hold the IP header it quotes and 8 bytes after it",
                    reason,
                    why);
    }
    return true;
}

/// The fixed part of a neighbour discovery message (RFC 4861 section 4), 0
/// for another type.
uint32_t
NdFixedLength(uint8_t type)
{
    switch (type)
    {
        case 133: // router solicitation
            return 8;
        case 134: // router advertisement
            return 16;
        case 135: // neighbor solicitation
        case 136: // neighbor advertisement
            return 24;
        case 137: // redirect
            return 40;
        default:
            return 0;
    }
}

/**
 * ICMPv6 errors hold the quoted IPv6 header and the 8 bytes after it (the
 * ports the transport's ctlinput reads); neighbour discovery messages hold
 * their fixed part (icmp6_input's IP6_EXTHDR_CHECK, icp6s_tooshort) and
 * options of a non-zero length within the message (nd6_options).
 */
bool
CheckIcmp6(Ptr<const Packet> segment, uint8_t type, IpsecDropReason* reason, std::string* why)
{
    const uint32_t size = segment->GetSize();
    const std::string what
        = "ICMPv6 type " + std::to_string(type) + " of " + std::to_string(size) + " bytes";
    if (type >= 1 && type <= 4)
    {
        if (size < 8 + 40 + 8)
        {
            return Fail(IpsecDropReason::ICMP6_TOO_SHORT,
                        what + " does not hold the IPv6 header it quotes and 8 bytes after it",
                        reason,
                        why);
        }
        return true;
    }
    const uint32_t fixed = NdFixedLength(type);
    if (fixed == 0)
    {
        return true;
    }
    if (size < fixed)
    {
        return Fail(
            IpsecDropReason::ICMP6_TOO_SHORT, what + " shorter than its fixed part", reason, why);
    }
    const std::vector<uint8_t> b = IpsecPacketBytes(segment);
    for (uint32_t o = fixed; o < size;)
    {
        const uint32_t len = o + 1 < size ? uint32_t(b[o + 1]) * 8 : 0;
        if (len == 0 || o + len > size)
        {
            return Fail(IpsecDropReason::ND_BAD_OPTION,
                        what + ": option " + std::to_string(b[o]) + " of length "
                            + std::to_string(len) + " at byte " + std::to_string(o),
                        reason,
                        why);
        }
        o += len;
    }
    return true;
}

} // namespace

bool
IpsecCheckIpv6Addresses(const uint8_t src[16],
                        const uint8_t dst[16],
                        IpsecDropReason* reason,
                        std::string* why)
{
    static const uint8_t ZERO[16] = {};
    static const uint8_t MAPPED[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    auto loopback = [](const uint8_t* a)
    {
        return std::equal(a, a + 15, ZERO) && a[15] == 1;
    };
    auto mapped = [](const uint8_t* a)
    {
        return std::equal(a, a + 12, MAPPED);
    };
    const char* what = nullptr;
    if (src[0] == 0xff)
    {
        what = "a multicast source address";
    }
    else if (std::equal(dst, dst + 16, ZERO))
    {
        what = "the unspecified destination address";
    }
    else if (loopback(src) || loopback(dst))
    {
        what = "a loopback address from a device";
    }
    else if (mapped(src) || mapped(dst))
    {
        what = "an IPv4-mapped address";
    }
    if (what)
    {
        return Fail(IpsecDropReason::IP6_BAD_SCOPE, what, reason, why);
    }
    return true;
}

bool
IpsecCheckIpv6Datagram(Ptr<const Packet> datagram,
                       uint32_t nestLimit,
                       IpsecDropReason* reason,
                       std::string* why)
{
    uint8_t b[40 + CHAIN_PREFIX];
    const uint32_t size = datagram->GetSize();
    if (size < 40)
    {
        return Fail(
            IpsecDropReason::IP6_TOO_SHORT, "IPv6 datagram shorter than its header", reason, why);
    }
    datagram->CopyData(b, std::min<uint32_t>(size, sizeof(b)));
    if (!IpsecCheckIpv6Addresses(b + 8, b + 24, reason, why))
    {
        return false;
    }
    const uint32_t plen = (uint32_t(b[4]) << 8) | b[5];
    const uint32_t end = plen ? 40 + plen : size; // 0: a jumbogram, left to ns-3
    if (end > size)
    {
        return Fail(IpsecDropReason::IP6_TOO_SHORT,
                    "payload length " + std::to_string(plen) + " beyond the datagram's "
                        + std::to_string(size - 40) + " bytes",
                    reason,
                    why);
    }
    return WalkChain(b, 40, end, b[6], nestLimit, reason, why);
}

bool
IpsecCheckIpv6Headers(Ptr<const Packet> payload,
                      uint8_t nextHeader,
                      uint32_t nestLimit,
                      IpsecDropReason* reason,
                      std::string* why)
{
    uint8_t b[CHAIN_PREFIX];
    const uint32_t size = payload->GetSize();
    payload->CopyData(b, std::min<uint32_t>(size, sizeof(b)));
    return WalkChain(b, 0, size, nextHeader, nestLimit, reason, why);
}

bool
IpsecCheckUpperLayer(
    Ptr<const Packet> segment, uint8_t protocol, bool v6, IpsecDropReason* reason, std::string* why)
{
    const uint32_t size = segment->GetSize();
    uint8_t b[20];
    segment->CopyData(b, std::min<uint32_t>(size, sizeof(b)));
    // Written only for a datagram that fails (most pass).
    auto bytes = [size]()
    {
        return " (" + std::to_string(size) + " bytes)";
    };
    switch (protocol)
    {
        case ipsecproto::UDP:
        {
            if (size < 8)
            {
                return Fail(IpsecDropReason::UDP_TOO_SHORT,
                            "UDP datagram shorter than its header" + bytes(),
                            reason,
                            why);
            }
            const uint32_t ulen = (uint32_t(b[4]) << 8) | b[5];
            if (ulen < 8 || ulen > size || (v6 && ulen != size))
            {
                return Fail(IpsecDropReason::UDP_BAD_LENGTH,
                            "UDP length " + std::to_string(ulen) + bytes(),
                            reason,
                            why);
            }
            return true;
        }
        case ipsecproto::TCP:
        {
            if (size < 20)
            {
                return Fail(IpsecDropReason::TCP_TOO_SHORT,
                            "TCP segment shorter than its header" + bytes(),
                            reason,
                            why);
            }
            const uint32_t dataOffset = uint32_t(b[12] >> 4) << 2;
            if (dataOffset < 20 || dataOffset > size)
            {
                return Fail(IpsecDropReason::TCP_BAD_OFFSET,
                            "TCP data offset " + std::to_string(dataOffset) + bytes(),
                            reason,
                            why);
            }
            return true;
        }
        case ICMP:
            if (size < 8)
            {
                return Fail(IpsecDropReason::ICMP_TOO_SHORT,
                            "ICMP message shorter than ICMP_MINLEN" + bytes(),
                            reason,
                            why);
            }
            return CheckIcmpError(b, size, reason, why);
        case ipsecproto::ICMPV6:
            if (size < 8)
            {
                return Fail(IpsecDropReason::ICMP6_TOO_SHORT,
                            "ICMPv6 message shorter than its header" + bytes(),
                            reason,
                            why);
            }
            return CheckIcmp6(segment, b[0], reason, why);
        default:
            return true;
    }
}

void
IpsecRewriteTcpHeader(Ptr<Packet> segment, const uint8_t* before, uint8_t* after, uint32_t length)
{
    // RFC 1624 equation 3, HC' = ~(~HC + ~m + m'), over the words that changed.
    uint32_t sum = uint16_t(~((before[16] << 8) | before[17]));
    for (uint32_t o = 0; o + 1 < length; o += 2)
    {
        const uint16_t m = (before[o] << 8) | before[o + 1];
        const uint16_t m2 = (after[o] << 8) | after[o + 1];
        if (o != 16 && m != m2)
        {
            sum += uint16_t(~m);
            sum += m2;
        }
    }
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    const uint16_t checksum = ~sum;
    after[16] = checksum >> 8;
    after[17] = checksum & 0xff;
    segment->RemoveAtStart(length);
    segment->AddHeader(IpsecBytesHeader(std::vector<uint8_t>(after, after + length)));
}

uint32_t
IpsecSanitizeTcpOptions(Ptr<Packet> segment)
{
    uint8_t old[60];
    const uint32_t size = segment->GetSize();
    segment->CopyData(old, std::min<uint32_t>(size, sizeof(old)));
    const uint32_t hl = uint32_t(old[12] >> 4) << 2; // 20..60, within the segment
    uint8_t fixed[60];
    std::copy(old, old + hl, fixed);
    uint32_t rewritten = 0;
    for (uint32_t o = 20; o < hl && fixed[o] != 0;) // End of Option List
    {
        if (fixed[o] == 1)
        {
            ++o; // No-Operation
            continue;
        }
        const uint32_t len = o + 1 < hl ? fixed[o + 1] : 0;
        if (len < 2 || o + len > hl)
        {
            std::fill(fixed + o, fixed + hl, 0);
            ++rewritten;
            break;
        }
        // tcp_dooptions ignores an option of a known kind whose length is not
        // the kind's: MSS 4, window scale 3, SACK permitted 2, SACK 2 + 8n
        // with n >= 1 (RFC 2018), timestamps 10.  ns-3's parsers would read
        // them with the kind's own length instead (a SACK's blocks from past
        // its end, and past the header).
        const uint8_t kind = fixed[o];
        const bool malformed
            = (kind == 2 && len != 4) || (kind == 3 && len != 3) || (kind == 4 && len != 2)
           || (kind == 5 && (len <= 2 || (len - 2) % 8 != 0)) || (kind == 8 && len != 10);
        if (malformed)
        {
            std::fill(fixed + o, fixed + o + len, 1);
            ++rewritten;
        }
        o += len;
    }
    if (rewritten == 0)
    {
        return 0;
    }
    IpsecRewriteTcpHeader(segment, old, fixed, hl);
    return rewritten;
}

uint32_t
IpsecSanitizeInnerTcpOptions(Ptr<Packet> datagram, bool v6)
{
    const uint32_t size = datagram->GetSize();
    uint8_t h[40];
    if (size < (v6 ? 40u : 20u))
    {
        return 0;
    }
    datagram->CopyData(h, v6 ? 40 : 20);
    const uint32_t ipLen = v6 ? 40 : uint32_t(h[0] & 0x0f) << 2;
    if (ipLen < (v6 ? 40u : 20u) || ipLen > size || (!v6 && h[9] != ipsecproto::TCP))
    {
        return 0; // (an IPv4 datagram's upper layer is its header's protocol)
    }
    Ptr<Packet> payload = datagram->CreateFragment(ipLen, size - ipLen);
    IpsecWalkRules rules;
    rules.ipv4FragField = v6 ? 0 : uint16_t(((h[6] & 0x3f) << 8) | h[7]);
    const IpsecUpperLayer ul
        = v6 ? IpsecWalkIpv6(h[6], payload, rules) : IpsecWalkIpv4(h[9], payload, rules);
    if (ul.protocol != ipsecproto::TCP || ul.opaque || ul.offset > payload->GetSize())
    {
        return 0;
    }
    Ptr<Packet> segment = payload->CreateFragment(ul.offset, payload->GetSize() - ul.offset);
    IpsecDropReason bad;
    std::string why;
    if (!IpsecCheckUpperLayer(segment, ipsecproto::TCP, v6, &bad, &why))
    {
        return 0; // the receiving host drops it (tcps_rcvshort, tcps_rcvbadoff)
    }
    const uint32_t rewritten = IpsecSanitizeTcpOptions(segment);
    if (rewritten > 0)
    {
        Ptr<Packet> front = datagram->CreateFragment(0, ipLen + ul.offset);
        datagram->RemoveAtStart(size);
        datagram->AddAtEnd(front);
        datagram->AddAtEnd(segment);
    }
    return rewritten;
}

} // namespace ns3
