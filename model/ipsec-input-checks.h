/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The length checks KAME's IP and transport inputs make before anything
 * reads a header, which ns-3 3.37's inputs do not make (they trust the
 * lengths they are given, loop on some and read past the datagram on
 * others):
 *
 *  - ip6_input: the payload length within the datagram, each extension
 *    header within it (IP6_EXTHDR_CHECK, ip6s_tooshort), at most
 *    ip6_hdrnestlimit headers (ip6s_toomanyhdr); ip6_process_hopopts /
 *    dest6_input: each option within its header (ip6s_toosmall);
 *  - udp_input / udp6_input: the UDP header there (udps_hdrops) and its
 *    length field within the datagram (udps_badlen);
 *  - tcp_input: the TCP header there (tcps_rcvshort) and its data offset
 *    within the segment (tcps_rcvbadoff);
 *  - tcp_dooptions: options of a length below 2 or past the header end the
 *    options, a Maximum Segment Size option of another length than 4 is
 *    ignored (the segment is processed; ns-3 loops on the first and aborts
 *    on the second, so the model rewrites them as KAME reads them);
 *  - icmp_input: ICMP_MINLEN bytes (icps_tooshort), and an error message
 *    holding the IP header it quotes and 8 bytes after it (ICMP_ADVLENMIN,
 *    ICMP_ADVLEN, icps_badlen); icmp6_input: the 8-byte ICMPv6 header, an
 *    error holding the IPv6 header it quotes and the 8 bytes after it, a
 *    neighbour discovery message its fixed part (icp6s_tooshort), and
 *    nd6_options: each option of a non-zero length within the message
 *    (icp6s_badns and the like).
 *
 * The input loop checks what it hands back to ns-3's IPv6 input with
 * IpsecCheckIpv6Datagram (a tunnel's inner datagram) or
 * IpsecCheckIpv6Headers (a transport-mode payload); the policed upper-layer
 * protocols check every segment with IpsecCheckUpperLayer before the
 * socket lookup and the inbound policy check.
 */
#ifndef IPSEC_INPUT_CHECKS_H
#define IPSEC_INPUT_CHECKS_H

#include "ipsec-drop-reason.h"
#include "ns3/packet.h"

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * @ingroup ipsec
 * KAME's default ip6_hdrnestlimit (net.inet6.ip6.hdrnestlimit): the headers
 * ip6_input processes in one datagram, the upper layer included.
 */
constexpr uint32_t IPSEC_IP6_HDRNESTLIMIT = 15;

/**
 * @ingroup ipsec
 * The longest extension-header chain ns-3 3.37's IPv6 input walks correctly:
 * Ipv6L3Protocol::LocalDeliver keeps the offset, and each header's length,
 * in 8 bits.
 */
constexpr uint32_t IPSEC_NS3_IP6_CHAIN_MAX = 255;

/**
 * @ingroup ipsec
 * Checks the addresses of an IPv6 datagram that came in on a device as
 * ip6_input does (ip6s_badscope): no multicast source, no unspecified
 * destination, no loopback address (KAME takes those only on a loopback
 * interface), no IPv4-mapped address.  ns-3 3.37's input checks none of
 * them, and answers an error to a multicast source by crashing (its ICMPv6
 * picks a source address on an interface it does not have).
 *
 * @param src the source address (16 bytes)
 * @param dst the destination address (16 bytes)
 * @param reason set to IP6_BAD_SCOPE when an address fails
 * @param why set to a sentence saying which when one fails
 * @return true when the addresses may go on
 */
bool IpsecCheckIpv6Addresses(const uint8_t src[16],
                             const uint8_t dst[16],
                             IpsecDropReason* reason,
                             std::string* why);

/**
 * @ingroup ipsec
 * Checks an IPv6 datagram @p datagram (starting with its IPv6 header) as
 * ip6_input would before its extension headers are processed: its addresses
 * (IpsecCheckIpv6Addresses), the payload length within the datagram, then
 * the headers as IpsecCheckIpv6Headers checks them.
 *
 * @param datagram the datagram, IPv6 header first
 * @param nestLimit ip6_hdrnestlimit, or 0 for no limit
 * @param reason set to the drop reason when the datagram fails
 * @param why set to a sentence saying what is wrong when it fails
 * @return true when ns-3's IPv6 input may have the datagram
 */
bool IpsecCheckIpv6Datagram(Ptr<const Packet> datagram,
                            uint32_t nestLimit,
                            IpsecDropReason* reason,
                            std::string* why);

/**
 * @ingroup ipsec
 * Checks the extension headers at the front of an IPv6 payload @p payload
 * whose first header is @p nextHeader: every Hop-by-Hop, Routing, Fragment
 * and Destination Options header within the payload, every option within
 * its header, fewer than @p nestLimit extension headers (with the upper
 * layer, at most @p nestLimit headers), and a chain ns-3 can walk
 * (IPSEC_NS3_IP6_CHAIN_MAX bytes).  The walk stops at the first other
 * header, or at the Fragment header of a non-first fragment.
 *
 * @param payload the payload, @p nextHeader's header first
 * @param nextHeader the first header's protocol number
 * @param nestLimit ip6_hdrnestlimit, or 0 for no limit
 * @param reason set to the drop reason when the headers fail
 * @param why set to a sentence saying what is wrong when they fail
 * @return true when ns-3's IPv6 input may walk the headers
 */
bool IpsecCheckIpv6Headers(Ptr<const Packet> payload,
                           uint8_t nextHeader,
                           uint32_t nestLimit,
                           IpsecDropReason* reason,
                           std::string* why);

/**
 * @ingroup ipsec
 * Checks an upper-layer segment as udp_input, tcp_input, icmp_input or
 * icmp6_input does before reading it.  Protocols other than UDP (17),
 * TCP (6), ICMP (1) and ICMPv6 (58) pass.  UDP's length field must not
 * exceed the segment over IPv4 (udp_input trims a longer segment) and must
 * equal it over IPv6 (udp6_input).
 *
 * @param segment the segment, its upper-layer header first
 * @param protocol the IP protocol number
 * @param v6 whether the segment came in an IPv6 datagram
 * @param reason set to the drop reason when the segment fails
 * @param why set to a sentence saying what is wrong when it fails
 * @return true when the segment may be read
 */
bool IpsecCheckUpperLayer(Ptr<const Packet> segment,
                          uint8_t protocol,
                          bool v6,
                          IpsecDropReason* reason,
                          std::string* why);

/**
 * @ingroup ipsec
 * Rewrites the options of a TCP segment as tcp_dooptions reads them, so
 * that ns-3 3.37's TcpHeader can parse them: an option whose length is
 * below 2 or runs past the header ends the options (from it on, the header
 * holds End of Option List), and an option of a kind ns-3 parses whose
 * length is not that kind's (Maximum Segment Size 4, window scale 3, SACK
 * permitted 2, SACK 2 + 8n with n >= 1, timestamps 10) is ignored (its bytes
 * become No-Operation).  ns-3 loops forever on the first, and on the second
 * aborts (MSS) or reads the option with its own length (a SACK's blocks from
 * past its end, past the header).  The checksum is updated as RFC
 * 1624 section 3 does, so a segment whose checksum was right stays right.
 * The segment must have passed IpsecCheckUpperLayer.
 *
 * @param segment the TCP segment, its header first; rewritten in place
 * @return the number of options rewritten (0: the segment is unchanged)
 */
uint32_t IpsecSanitizeTcpOptions(Ptr<Packet> segment);

/**
 * @ingroup ipsec
 * Replaces the first @p length bytes of the TCP segment @p segment (its
 * header, or the front of it, at least 18 bytes) with @p after, and writes
 * into the checksum field (bytes 16-17 of @p after) the checksum updated
 * from @p before's as RFC 1624 section 3 does, over the 16-bit words that
 * differ: a segment whose checksum was right stays right.
 * @param segment the TCP segment; its first @p length bytes are replaced
 * @param before its first @p length bytes as they are
 * @param after the bytes to write (the checksum field is overwritten)
 * @param length how many bytes (even)
 */
void IpsecRewriteTcpHeader(Ptr<Packet> segment,
                           const uint8_t* before,
                           uint8_t* after,
                           uint32_t length);

/**
 * @ingroup ipsec
 * IpsecSanitizeTcpOptions on the TCP segment of a tunnel's inner datagram
 * @p datagram, when it is not a fragment and its TCP header is whole: a
 * gateway forwards the datagram, and ns-3 3.37 parses its TCP header on the
 * way out (the flow hash of the FqCoDel queue disc Ipv4AddressHelper
 * installs) and at a plain ns-3 host behind the gateway, with the same loop
 * and abort.  The end host reads the rewritten options as it would read the
 * original ones (tcp_dooptions).
 *
 * @param datagram the inner datagram, its IP header first; rewritten in place
 * @param v6 whether it is an IPv6 datagram
 * @return the number of options rewritten (0: the datagram is unchanged)
 */
uint32_t IpsecSanitizeInnerTcpOptions(Ptr<Packet> datagram, bool v6);

} // namespace ns3

#endif /* IPSEC_INPUT_CHECKS_H */
