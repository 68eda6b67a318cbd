/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-input-checks.h"

#include "ipsec-header-walk.h"

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

} // namespace

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
    const std::string bytes = " (" + std::to_string(size) + " bytes)";
    switch (protocol)
    {
        case ipsecproto::UDP:
        {
            if (size < 8)
            {
                return Fail(IpsecDropReason::UDP_TOO_SHORT,
                            "UDP datagram shorter than its header" + bytes,
                            reason,
                            why);
            }
            const uint32_t ulen = (uint32_t(b[4]) << 8) | b[5];
            if (ulen < 8 || ulen > size || (v6 && ulen != size))
            {
                return Fail(IpsecDropReason::UDP_BAD_LENGTH,
                            "UDP length " + std::to_string(ulen) + bytes,
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
                            "TCP segment shorter than its header" + bytes,
                            reason,
                            why);
            }
            const uint32_t dataOffset = uint32_t(b[12] >> 4) << 2;
            if (dataOffset < 20 || dataOffset > size)
            {
                return Fail(IpsecDropReason::TCP_BAD_OFFSET,
                            "TCP data offset " + std::to_string(dataOffset) + bytes,
                            reason,
                            why);
            }
            return true;
        }
        case ICMP:
            if (size < 8)
            {
                return Fail(IpsecDropReason::ICMP_TOO_SHORT,
                            "ICMP message shorter than ICMP_MINLEN" + bytes,
                            reason,
                            why);
            }
            return true;
        case ipsecproto::ICMPV6:
            if (size < 8)
            {
                return Fail(IpsecDropReason::ICMP6_TOO_SHORT,
                            "ICMPv6 message shorter than its header" + bytes,
                            reason,
                            why);
            }
            return true;
        default:
            return true;
    }
}

} // namespace ns3
