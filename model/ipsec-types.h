/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Shared enumerations of the IPsec model.  The numeric values are the ones
 * KAME uses in PF_KEY v2 (RFC 2367 and net/pfkeyv2.h), so dumps, histograms
 * and (later) PF_KEY messages can carry them unchanged.
 */
#ifndef IPSEC_TYPES_H
#define IPSEC_TYPES_H

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * @ingroup ipsec
 * IP protocol numbers of the IPsec transforms.
 */
enum class IpsecProto : uint8_t
{
    ESP = 50,     ///< Encapsulating Security Payload (RFC 4303)
    AH = 51,      ///< Authentication Header (RFC 4302)
    IPCOMP = 108, ///< IP Payload Compression (RFC 3173)
};

/**
 * @ingroup ipsec
 * SA / request mode (sadb_x_sa2_mode, ipsecrequest mode).
 */
enum class IpsecMode : uint8_t
{
    ANY = 0,       ///< an SA usable in either mode
    TRANSPORT = 1, ///< transport mode
    TUNNEL = 2,    ///< tunnel mode
};

/**
 * @ingroup ipsec
 * Request level (ipsecrequest level).
 */
enum class IpsecLevel : uint8_t
{
    DEFAULT = 0, ///< the system's level (net.inet.ipsec.*_trans_deflev / *_net_deflev)
    USE = 1,     ///< use an SA if there is one
    REQUIRE = 2, ///< an SA is required
    UNIQUE = 3,  ///< an SA of this policy's own is required
};

/**
 * @ingroup ipsec
 * Policy action (sadb_x_policy_type).
 */
enum class IpsecPolicyAction : uint8_t
{
    DISCARD = 0, ///< drop the datagram
    NONE = 1,    ///< no IPsec
    IPSEC = 2,   ///< apply the requests
    ENTRUST = 3, ///< socket policy: ask the SPD
    BYPASS = 4,  ///< socket policy: no IPsec whatever the SPD says
};

/**
 * @ingroup ipsec
 * Policy direction (sadb_x_policy_dir).
 */
enum class IpsecDirection : uint8_t
{
    ANY = 0,      ///< no direction (PF_KEY's wildcard)
    INBOUND = 1,  ///< in
    OUTBOUND = 2, ///< out
};

/**
 * @ingroup ipsec
 * SA state (SADB_SASTATE_*).
 */
enum class IpsecSaState : uint8_t
{
    LARVAL = 0, ///< reserved by GETSPI, not yet usable
    MATURE = 1, ///< usable
    DYING = 2,  ///< past its soft lifetime, still usable
    DEAD = 3,   ///< past its hard lifetime or deleted
};

/**
 * @ingroup ipsec
 * PF_KEY SA flags (sadb_sa_flags / SADB_X_EXT_*).
 */
namespace IpsecSaFlags
{
constexpr uint32_t OLD = 0x0001;    ///< SADB_X_EXT_OLD: RFC 1827/1829 formats
constexpr uint32_t IV4B = 0x0010;   ///< SADB_X_EXT_IV4B: 4-byte IV (old ESP)
constexpr uint32_t DERIV = 0x0020;  ///< SADB_X_EXT_DERIV: derived IV (old ESP)
constexpr uint32_t CYCSEQ = 0x0040; ///< SADB_X_EXT_CYCSEQ: the sequence number may wrap
constexpr uint32_t RAWCPI = 0x0080; ///< SADB_X_EXT_RAWCPI: IPComp sends the SPI as CPI (-R)
constexpr uint32_t PRAND = 0x0100;  ///< SADB_X_EXT_PRAND: random ESP padding (-f random-pad)
constexpr uint32_t PZERO = 0x0200;  ///< SADB_X_EXT_PZERO: zero ESP padding (-f zero-pad)
constexpr uint32_t PSEQ = 0x0000;   ///< SADB_X_EXT_PSEQ: sequential ESP padding (the default)
} // namespace IpsecSaFlags

/**
 * @ingroup ipsec
 * What a gateway does with a forwarded IPv6 datagram that no longer fits the
 * outgoing link once IPsec has protected it (a router never fragments IPv6).
 */
enum class IpsecTunnelTooBig : uint8_t
{
    /// KAME ip6_forward: drop it and send the source an ICMPv6 Packet Too Big
    /// with the link MTU less ipsec6_hdrsiz (at least 1280).
    KAME = 0,
    /// RFC 2473 section 7.1: the tunnel entry point fragments the tunnel
    /// packet when the original datagram is at most 1280 bytes (the IPv6
    /// minimum MTU), and sends Packet Too Big for larger ones.
    RFC_2473 = 1,
};

/// Upper-layer protocol wildcard (IPSEC_ULPROTO_ANY).
constexpr uint8_t IPSEC_ULPROTO_ANY = 255;
/// Largest reqid an administrator may choose (IPSEC_MANUAL_REQID_MAX).
constexpr uint32_t IPSEC_MANUAL_REQID_MAX = 0x3fff;

/**
 * @ingroup ipsec
 * The setkey name of a protocol.
 * @param p the protocol
 * @return "esp", "ah" or "ipcomp"
 */
std::string IpsecProtoName(IpsecProto p);
/**
 * @ingroup ipsec
 * The setkey name of a mode.
 * @param m the mode
 * @return "any", "transport" or "tunnel"
 */
std::string IpsecModeName(IpsecMode m);
/**
 * @ingroup ipsec
 * The ipsec_dump_policy name of a level.
 * @param l the level
 * @return "default", "use", "require" or "unique"
 */
std::string IpsecLevelName(IpsecLevel l);
/**
 * @ingroup ipsec
 * The ipsec_dump_policy name of an action.
 * @param a the action
 * @return "discard", "none", "ipsec", "entrust" or "bypass"
 */
std::string IpsecPolicyActionName(IpsecPolicyAction a);
/**
 * @ingroup ipsec
 * The ipsec_dump_policy name of a direction.
 * @param d the direction
 * @return "in", "out" or "any"
 */
std::string IpsecDirectionName(IpsecDirection d);
/**
 * @ingroup ipsec
 * The setkey -D name of an SA state.
 * @param s the state
 * @return "larval", "mature", "dying" or "dead"
 */
std::string IpsecSaStateName(IpsecSaState s);

} // namespace ns3

#endif /* IPSEC_TYPES_H */
