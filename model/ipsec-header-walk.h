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

/**
 * @ingroup ipsec-policy
 * IPv6 extension header and protocol numbers the walks know (IANA's
 * Assigned Internet Protocol Numbers, KAME's IPPROTO_* constants).
 */
namespace ipsecproto
{
constexpr uint8_t HOPOPTS = 0;   ///< IPv6 Hop-by-Hop Options (RFC 8200 section 4.3)
constexpr uint8_t IPV4 = 4;      ///< IPv4 in IP (a tunnel-mode inner header)
constexpr uint8_t TCP = 6;       ///< TCP: ports read for the selector
constexpr uint8_t UDP = 17;      ///< UDP: ports read for the selector
constexpr uint8_t IPV6 = 41;     ///< IPv6 in IP (a tunnel-mode inner header; ends the walk)
constexpr uint8_t ROUTING = 43;  ///< IPv6 Routing header (RFC 8200 section 4.4)
constexpr uint8_t FRAGMENT = 44; ///< IPv6 Fragment header (RFC 8200 section 4.5)
constexpr uint8_t ESP = 50;      ///< ESP (RFC 4303): opaque, ends the walk
constexpr uint8_t AH = 51;       ///< AH (RFC 4302): skipped by the walks
constexpr uint8_t ICMPV6 = 58;   ///< ICMPv6: type and code read for the selector on request
constexpr uint8_t NONE = 59;     ///< IPv6 No Next Header: ends the walk
constexpr uint8_t DSTOPTS = 60;  ///< IPv6 Destination Options (RFC 8200 section 4.6)
constexpr uint8_t IPCOMP = 108;  ///< IPComp (RFC 3173): compressed, ends the walk
constexpr uint8_t ANY = 255;     ///< IPSEC_ULPROTO_ANY: KAME's "no upper layer known"
} // namespace ipsecproto

/**
 * @ingroup ipsec-policy
 * Where a walk ended: the upper-layer protocol and the offset of its header
 * (what ipsec4_get_ulp and ipsec6_get_ulp leave in the selector).
 */
struct IpsecUpperLayer
{
    uint8_t protocol{ipsecproto::ANY}; ///< 255 when KAME gives up (IPv4 fragments)
    uint32_t offset{0};                ///< offset of that header in the IP payload
    bool opaque{false};                ///< no header to read ports from (a fragment)
};

/**
 * @ingroup ipsec-policy
 * How a walk treats what it finds: which fields of the upper layer go into
 * the selector and whether fragments are classified as KAME or as RFC 4301
 * does.
 */
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
 * @ingroup ipsec-policy
 * ipsec4_get_ulp: the upper layer of an IPv4 datagram whose header says
 * @p protocol and whose payload is @p payload.  AH headers are skipped
 * ((length + 2) * 4 bytes each); the first other header is the upper
 * layer.  A fragment (see rules.ipv4FragField) is "any" (KAME); with
 * rules.rfc4301Fragments a first fragment is walked as a whole datagram and
 * a later one has @p protocol and OPAQUE ports.  A payload that ends inside
 * or right after the AH headers gives "any".
 * @param protocol the IPv4 header's protocol field
 * @param payload the IPv4 payload (the bytes behind the IPv4 header)
 * @param rules how fragments are treated (wantPorts and icmp6TypeCode are
 *        not read here)
 * @return the upper-layer protocol (ipsecproto::ANY when there is none) and
 *         the offset of its header in @p payload
 */
IpsecUpperLayer IpsecWalkIpv4(uint8_t protocol,
                              Ptr<const Packet> payload,
                              const IpsecWalkRules& rules = {});

/**
 * @ingroup ipsec-policy
 * ip6_lasthdr: the last header of an IPv6 datagram whose header's next
 * header is @p nextHeader and whose payload (extension headers included)
 * is @p payload.  Hop-by-Hop, Routing and Destination Options headers, AH
 * and the Fragment header of a first fragment are skipped; a non-first
 * fragment stops at its Fragment header (protocol 44; with
 * rules.rfc4301Fragments the protocol that header names, OPAQUE ports);
 * any other header (an upper layer, ESP, IPComp, an inner IPv6 header, No
 * Next Header) ends the walk.  A header that does not fit in @p payload
 * ends the walk where it starts.
 * @param nextHeader the IPv6 header's next header field
 * @param payload the IPv6 payload (extension headers included)
 * @param rules how fragments are treated (wantPorts and icmp6TypeCode are
 *        not read here)
 * @return the last header's protocol and its offset in @p payload
 */
IpsecUpperLayer IpsecWalkIpv6(uint8_t nextHeader,
                              Ptr<const Packet> payload,
                              const IpsecWalkRules& rules = {});

/**
 * @ingroup ipsec-policy
 * The selector of a datagram from @p src to @p dst (ipsec_setspidx):
 * full-length prefixes, the upper-layer protocol found by walking the
 * headers from @p protocol (the IP header's protocol / next header) over
 * @p payload (the IP payload), and for TCP/UDP when rules.wantPorts the
 * ports (KAME reads them only when the whole TCP or UDP header is there);
 * for ICMPv6 the type/code in the port slots when rules.icmp6TypeCode.
 * Callers that already know the upper layer (a TCP or UDP receiver) pass
 * its protocol and segment.  The family of @p src chooses the walk
 * (IpsecWalkIpv4 or IpsecWalkIpv6).
 * @param src the datagram's source address
 * @param dst the datagram's destination address
 * @param protocol the IP header's protocol (IPv4) or next header (IPv6)
 * @param payload the IP payload (may be null: no upper layer is read)
 * @param rules which upper-layer fields are read and how fragments are
 *        classified
 * @return the selector to look the SPD up with: ports 0 (any) when they
 *         were not read
 */
IpsecSelector IpsecPacketSelector(const IpsecAddress& src,
                                  const IpsecAddress& dst,
                                  uint8_t protocol,
                                  Ptr<const Packet> payload,
                                  const IpsecWalkRules& rules);

/**
 * @ingroup ipsec-transforms
 * The unfragmentable extension headers at the front of an IPv6 payload
 * (RFC 8200 section 4.5): where ipsec6_output_trans inserts a
 * transport-mode header.
 */
struct IpsecIpv6Unfragmentable
{
    uint32_t length{0};       ///< bytes of extension headers that stay in front
    uint8_t firstHeader{0};   ///< the IPv6 header's next header (the first of them)
    uint8_t nextHeader{0};    ///< the header that follows them (where IPsec goes)
    uint32_t nextHeaderAt{0}; ///< offset of the last one's next-header byte
};

/**
 * @ingroup ipsec-transforms
 * The unfragmentable part of an IPv6 payload @p payload whose header's next
 * header is @p nextHeader: Hop-by-Hop, then a Destination Options header
 * only when a Routing header follows it, then the Routing header (KAME
 * ip6_output's split, RFC 8200 section 4.1's order).  A header that does
 * not fit in @p payload is left out of the part.
 * @param nextHeader the IPv6 header's next header field
 * @param payload the IPv6 payload (extension headers included)
 * @return the length of the part, the header that follows it and where the
 *         next-header byte to rewrite is (length 0 when there is no such
 *         header: the IPsec header goes right behind the IPv6 header)
 */
IpsecIpv6Unfragmentable IpsecIpv6UnfragmentablePart(uint8_t nextHeader, Ptr<const Packet> payload);

/**
 * @ingroup ipsec-policy
 * Whether @p protocol is an IPv6 extension header with the (length + 1) * 8
 * layout (RFC 8200 section 4: Hop-by-Hop, Routing, Destination Options).
 * @param protocol a next header value
 * @return true for 0, 43 and 60
 */
bool IpsecIsIpv6OptionLayout(uint8_t protocol);

} // namespace ns3

#endif /* IPSEC_HEADER_WALK_H */
