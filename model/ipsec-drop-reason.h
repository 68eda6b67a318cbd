/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Why the model dropped a datagram: the typed reason the IpsecStack "Drop"
 * trace carries (as ns-3's Ipv4L3Protocol::DropReason), each mapped to the
 * counter KAME increments for it.
 */
#ifndef IPSEC_DROP_REASON_H
#define IPSEC_DROP_REASON_H

#include <cstdint>
#include <ostream>
#include <string>

namespace ns3
{

/**
 * @ingroup ipsec
 * Why a datagram was dropped.  The IN_* and OUT_* reasons are counted in
 * KAME's ipsecstat/ipsec6stat (IpsecDropReasonCounter names the field);
 * the IP_*, IP6_*, UDP_*, TCP_* and ICMP*_* reasons are the IP and
 * transport layers' own counters, which the model does not keep (the Drop
 * trace names them); the others are drops KAME does not count anywhere.
 */
enum class IpsecDropReason : uint8_t
{
    IN_POLICY_VIOLATION,  ///< in_polvio: the inbound policy rejects the datagram
    IN_NO_SA,             ///< in_nosa: no SA (or no algorithm) for the SPI/CPI
    IN_INVALID,           ///< in_inval: malformed, truncated, or the crypto library failed
    IN_NO_MEMORY,         ///< in_nomem: too many transforms, or no memory to decompress
    IN_BAD_SPI,           ///< in_badspi: the SA of the SPI is neither mature nor dying
    IN_AH_REPLAY,         ///< in_ahreplay: replayed or too old AH sequence number
    IN_ESP_REPLAY,        ///< in_espreplay: replayed or too old ESP sequence number
    IN_AH_AUTH_FAILED,    ///< in_ahauthfail: AH ICV mismatch
    IN_ESP_AUTH_FAILED,   ///< in_espauthfail: ESP ICV or AEAD tag mismatch
    OUT_POLICY_VIOLATION, ///< out_polvio: discard policy, or default policy discard
    OUT_NO_SA,            ///< out_nosa: no SA for a required request
    OUT_INVALID,          ///< out_inval: a transform failed, or an invalid socket policy
    OUT_NO_MEMORY,        ///< out_nomem: no memory for a transform's output
    OUT_NO_ROUTE,         ///< out_noroute: no route to a tunnel's end
    IP_NO_ROUTE,          ///< ip's ips_noroute (not an IPsec counter)
    IP_CANT_FRAGMENT,     ///< ip's ips_cantfrag: DF and too big once protected
    IP_MESSAGE_SIZE,      ///< ip_output's EMSGSIZE to a local sender
    IP6_TOO_BIG,          ///< ifs6_in_toobig: a forwarded IPv6 datagram too big once protected
    TRANSFORM_DISABLED,   ///< esp_enable / ah_enable / ipcomp_enable is 0 (not counted)
    NOT_DECAPSULATED,     ///< a tunnel's end failed ipsec4_tunnel_validate (not counted)
    NO_INTERFACE,         ///< no interface to deliver a decapsulated datagram on (not counted)
    IP6_BAD_OPTIONS,      ///< ip6s_toosmall: an inner IPv6 option overruns its header (ip6_input)
    IP6_TOO_SHORT,        ///< ip6s_tooshort: an inner IPv6 extension header overruns the datagram
    IP6_TOO_MANY_HEADERS, ///< ip6s_toomanyhdr: more headers than ip6_hdrnestlimit, or a chain
                          ///< longer than ns-3's IPv6 input can walk (255 bytes)
    UDP_TOO_SHORT,        ///< udps_hdrops: a UDP datagram shorter than its header
    UDP_BAD_LENGTH,       ///< udps_badlen: a UDP length field beyond the datagram or below 8
    UDP_BAD_CHECKSUM,     ///< udps_badsum: an ESP-in-UDP datagram (RFC 3948) whose non-zero
                          ///< UDP checksum is wrong
    TCP_TOO_SHORT,        ///< tcps_rcvshort: a TCP segment shorter than its header
    TCP_BAD_OFFSET,       ///< tcps_rcvbadoff: a TCP data offset below 20 or beyond the segment
    ICMP_TOO_SHORT,       ///< icps_tooshort: an ICMP message shorter than ICMP_MINLEN (8)
    ICMP6_TOO_SHORT,      ///< icp6s_tooshort: an ICMPv6 message shorter than its 8-byte header,
                          ///< an error shorter than the header it quotes, an ND message shorter
                          ///< than its fixed part
    ICMP_BAD_LENGTH,      ///< icps_badlen: an ICMP error shorter than the header it quotes
    ND_BAD_OPTION,        ///< icp6s_badns (badrs, badra, badna, badredirect): a neighbour
                          ///< discovery option of length 0 or beyond the message
    IP6_BAD_SCOPE,        ///< ip6s_badscope: an IPv6 datagram from a multicast source, to the
                          ///< unspecified address, or with a loopback or IPv4-mapped address
    TCP_BAD_SYN,          ///< tcps_badsyn: a segment other than a SYN (ACK, SYN and ACK,
                          ///< none of SYN, ACK and RST) to a socket without a peer
    TCP_LISTEN_RESET,     ///< a RST to a socket without a peer (tcp_input drops it uncounted)
    TCP_NO_ACK,           ///< a segment with none of SYN, ACK and RST to a socket in
                          ///< SYN_SENT (tcp_input drops it uncounted)
    IP_BAD_ADDRESS,       ///< ips_badaddr: an IPv4 datagram from a multicast source
};

/// The last IpsecDropReason (for tables and loops over every reason).
constexpr IpsecDropReason IPSEC_DROP_REASON_LAST = IpsecDropReason::IP_BAD_ADDRESS;

/**
 * @ingroup ipsec
 * The counter KAME increments for @p reason: the ipsecstat field
 * ("in_inval"), the IP layer's counter in parentheses ("(ips_noroute)"),
 * or "(not counted)".
 * @param reason a drop reason
 * @return the counter's name, a static string (the same for IPv4's
 *         ipsecstat and IPv6's ipsec6stat)
 */
const char* IpsecDropReasonCounter(IpsecDropReason reason);

/**
 * @ingroup ipsec
 * The name of @p reason, as the enumerator is spelt.
 * @param reason a drop reason
 * @return its name ("IN_INVALID"), a static string
 */
const char* IpsecDropReasonName(IpsecDropReason reason);

/**
 * @ingroup ipsec
 * The reason whose counter is @p counter (an ipsecstat field name or one of
 * the parenthesised IP counters); false when none is.  The inverse of
 * IpsecDropReasonCounter, for tests and tools that read a counter's name.
 * @param counter a counter's name as IpsecDropReasonCounter gives it
 *        ("(not counted)" names no single reason and gives false)
 * @param reason set to the reason (untouched on false)
 * @return false when no reason has that counter
 */
bool IpsecDropReasonFromCounter(const std::string& counter, IpsecDropReason* reason);

/**
 * @ingroup ipsec
 * Prints the name of @p reason (IpsecDropReasonName).
 * @param os the stream
 * @param reason a drop reason
 * @return @p os
 */
std::ostream& operator<<(std::ostream& os, IpsecDropReason reason);

} // namespace ns3

#endif /* IPSEC_DROP_REASON_H */
