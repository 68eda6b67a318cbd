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
 * the IP_* reasons are the IP layer's own counters, which the model does
 * not keep; the others are drops KAME does not count anywhere.
 */
enum class IpsecDropReason : uint8_t
{
    IN_POLICY_VIOLATION,  ///< in_polvio: the inbound policy rejects the datagram
    IN_NO_SA,             ///< in_nosa: no SA (or no algorithm) for the SPI/CPI
    IN_INVALID,           ///< in_inval: malformed, truncated, or the crypto library failed
    IN_NO_MEMORY,         ///< in_nomem: too many transforms, or no memory to decompress
    IN_BAD_SPI,           ///< in_badspi
    IN_AH_REPLAY,         ///< in_ahreplay: replayed or too old AH sequence number
    IN_ESP_REPLAY,        ///< in_espreplay: replayed or too old ESP sequence number
    IN_AH_AUTH_FAILED,    ///< in_ahauthfail: AH ICV mismatch
    IN_ESP_AUTH_FAILED,   ///< in_espauthfail: ESP ICV or AEAD tag mismatch
    OUT_POLICY_VIOLATION, ///< out_polvio: discard policy, or default policy discard
    OUT_NO_SA,            ///< out_nosa: no SA for a required request
    OUT_INVALID,          ///< out_inval: a transform failed, or an invalid socket policy
    OUT_NO_MEMORY,        ///< out_nomem
    OUT_NO_ROUTE,         ///< out_noroute: no route to a tunnel's end
    IP_NO_ROUTE,          ///< ip's ips_noroute (not an IPsec counter)
    IP_CANT_FRAGMENT,     ///< ip's ips_cantfrag: DF and too big once protected
    IP_MESSAGE_SIZE,      ///< ip_output's EMSGSIZE to a local sender
    IP6_TOO_BIG,          ///< ifs6_in_toobig: a forwarded IPv6 datagram too big once protected
    TRANSFORM_DISABLED,   ///< esp_enable / ah_enable / ipcomp_enable is 0 (not counted)
    NOT_DECAPSULATED,     ///< a tunnel's end failed ipsec4_tunnel_validate (not counted)
    NO_INTERFACE,         ///< no interface to deliver a decapsulated datagram on (not counted)
    IP6_BAD_OPTIONS,      ///< ip6s_toosmall: an inner IPv6 option or header overruns (ip6_input)
};

/**
 * The counter KAME increments for @p reason: the ipsecstat field
 * ("in_inval"), the IP layer's counter in parentheses ("(ips_noroute)"),
 * or "(not counted)".
 */
const char* IpsecDropReasonCounter(IpsecDropReason reason);

/// The name of @p reason ("IN_INVALID").
const char* IpsecDropReasonName(IpsecDropReason reason);

/**
 * The reason whose counter is @p counter (an ipsecstat field name or one of
 * the parenthesised IP counters); false when none is.
 */
bool IpsecDropReasonFromCounter(const std::string& counter, IpsecDropReason* reason);

/// Prints the name of @p reason.
std::ostream& operator<<(std::ostream& os, IpsecDropReason reason);

} // namespace ns3

#endif /* IPSEC_DROP_REASON_H */
