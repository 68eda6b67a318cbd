/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Walking the headers behind an IP header, as KAME does before every policy
 * lookup and before inserting a transport-mode IPsec header:
 *
 *  - ipsec4_get_ulp: an IPv4 fragment (MF set or a non-zero offset) has no
 *    upper layer (protocol 255, "any"); otherwise AH headers are skipped and
 *    the first other header is the upper layer;
 *  - ipsec6_get_ulp / ip6_lasthdr: IPv6 extension headers (Hop-by-Hop,
 *    Routing, Destination Options, the Fragment header of a first fragment)
 *    and AH are skipped; a non-first fragment stops at its Fragment header
 *    (protocol 44), ESP, IPComp and an inner IPv6 header stop the walk;
 *  - the unfragmentable part of an IPv6 datagram (RFC 8200 section 4.5, KAME
 *    ip6_output): Hop-by-Hop, a Destination Options header followed by a
 *    Routing header, and the Routing header.  Transport-mode IPsec headers
 *    go after it (ipsec6_output_trans); a later Destination Options header
 *    is protected with the payload.
 *
 * The walks read only the bytes they need and never trust a length field
 * beyond the packet: a truncated header ends the walk where it starts.
 */
#ifndef IPSEC_HEADER_WALK_H
#define IPSEC_HEADER_WALK_H

#include "ipsec-policy.h"
#include "ns3/packet.h"

#include <cstdint>

namespace ns3
{

/// IPv6 extension header and protocol numbers the walks know.
namespace ipsecproto
{
constexpr uint8_t HOPOPTS = 0;
constexpr uint8_t IPV4 = 4;
constexpr uint8_t TCP = 6;
constexpr uint8_t UDP = 17;
constexpr uint8_t IPV6 = 41;
constexpr uint8_t ROUTING = 43;
constexpr uint8_t FRAGMENT = 44;
constexpr uint8_t ESP = 50;
constexpr uint8_t AH = 51;
constexpr uint8_t ICMPV6 = 58;
constexpr uint8_t NONE = 59;
constexpr uint8_t DSTOPTS = 60;
constexpr uint8_t IPCOMP = 108;
constexpr uint8_t ANY = 255; ///< IPSEC_ULPROTO_ANY
} // namespace ipsecproto

/// Where a walk ended: the upper-layer protocol and the offset of its header.
struct IpsecUpperLayer
{
    uint8_t protocol{ipsecproto::ANY}; ///< 255 when KAME gives up (IPv4 fragments)
    uint32_t offset{0};                ///< offset of that header in the IP payload
    bool opaque{false};                ///< no header to read ports from (a fragment)
};

/// How a walk treats what it finds.
struct IpsecWalkRules
{
    /// Read TCP/UDP ports (false for forwarded datagrams: ip_forward's lookups have none).
    bool wantPorts{true};
    /// ICMPv6 type and code in the port slots (KAME K2003/KHEAD).
    bool icmp6TypeCode{false};
    /// The IPv4 header's flags and fragment offset (DF ignored): a fragment
    /// when MF is set or the offset is not zero.
    uint16_t ipv4FragField{0};
    /**
     * RFC 4301 section 4.4.1.1 instead of KAME for fragments: an IPv4
     * fragment keeps its protocol (ports from a first fragment that holds
     * the whole header, else OPAQUE), and a non-first IPv6 fragment has the
     * protocol its Fragment header names, with OPAQUE ports.  KAME: an IPv4
     * fragment is "any", a non-first IPv6 fragment protocol 44.
     */
    bool rfc4301Fragments{false};
};

/**
 * ipsec4_get_ulp: the upper layer of an IPv4 datagram whose header says
 * @p protocol and whose payload is @p payload.  A fragment (see
 * rules.ipv4FragField) is "any" (KAME); with rules.rfc4301Fragments a first
 * fragment is walked as a whole datagram and a later one has @p protocol
 * and OPAQUE ports.
 */
IpsecUpperLayer IpsecWalkIpv4(uint8_t protocol,
                              Ptr<const Packet> payload,
                              const IpsecWalkRules& rules = {});

/**
 * ip6_lasthdr: the last header of an IPv6 datagram whose header's next
 * header is @p nextHeader and whose payload (extension headers included)
 * is @p payload.
 */
IpsecUpperLayer IpsecWalkIpv6(uint8_t nextHeader,
                              Ptr<const Packet> payload,
                              const IpsecWalkRules& rules = {});

/**
 * The selector of a datagram from @p src to @p dst (ipsec_setspidx):
 * full-length prefixes, the upper-layer protocol found by walking the
 * headers from @p protocol (the IP header's protocol / next header) over
 * @p payload (the IP payload), and for TCP/UDP when rules.wantPorts the
 * ports (KAME reads them only when the whole TCP or UDP header is there);
 * for ICMPv6 the type/code in the port slots when rules.icmp6TypeCode.
 * Callers that already know the upper layer (a TCP or UDP receiver) pass
 * its protocol and segment.
 */
IpsecSelector IpsecPacketSelector(const IpsecAddress& src,
                                  const IpsecAddress& dst,
                                  uint8_t protocol,
                                  Ptr<const Packet> payload,
                                  const IpsecWalkRules& rules);

/// The unfragmentable extension headers at the front of an IPv6 payload.
struct IpsecIpv6Unfragmentable
{
    uint32_t length{0};       ///< bytes of extension headers that stay in front
    uint8_t firstHeader{0};   ///< the IPv6 header's next header (the first of them)
    uint8_t nextHeader{0};    ///< the header that follows them (where IPsec goes)
    uint32_t nextHeaderAt{0}; ///< offset of the last one's next-header byte
};

/**
 * The unfragmentable part of an IPv6 payload @p payload whose header's next
 * header is @p nextHeader: Hop-by-Hop, then a Destination Options header
 * only when a Routing header follows it, then the Routing header.
 */
IpsecIpv6Unfragmentable IpsecIpv6UnfragmentablePart(uint8_t nextHeader, Ptr<const Packet> payload);

/// Is @p protocol an IPv6 extension header with the (length + 1) * 8 layout?
bool IpsecIsIpv6OptionLayout(uint8_t protocol);

} // namespace ns3

#endif /* IPSEC_HEADER_WALK_H */
