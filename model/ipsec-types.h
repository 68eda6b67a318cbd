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

/// IP protocol numbers of the IPsec transforms.
enum class IpsecProto : uint8_t
{
    ESP = 50,
    AH = 51,
    IPCOMP = 108,
};

/// SA / request mode (sadb_x_sa2_mode, ipsecrequest mode).
enum class IpsecMode : uint8_t
{
    ANY = 0,
    TRANSPORT = 1,
    TUNNEL = 2,
};

/// Request level (ipsecrequest level).
enum class IpsecLevel : uint8_t
{
    DEFAULT = 0,
    USE = 1,
    REQUIRE = 2,
    UNIQUE = 3,
};

/// Policy action (sadb_x_policy_type).
enum class IpsecPolicyAction : uint8_t
{
    DISCARD = 0,
    NONE = 1,
    IPSEC = 2,
    ENTRUST = 3,
    BYPASS = 4,
};

/// Policy direction (sadb_x_policy_dir).
enum class IpsecDirection : uint8_t
{
    ANY = 0,
    INBOUND = 1,
    OUTBOUND = 2,
};

/// SA state (SADB_SASTATE_*).
enum class IpsecSaState : uint8_t
{
    LARVAL = 0,
    MATURE = 1,
    DYING = 2,
    DEAD = 3,
};

/// PF_KEY SA flags (sadb_sa_flags / SADB_X_EXT_*).
namespace IpsecSaFlags
{
constexpr uint32_t OLD = 0x0001;
constexpr uint32_t IV4B = 0x0010;
constexpr uint32_t DERIV = 0x0020;
constexpr uint32_t CYCSEQ = 0x0040;
constexpr uint32_t RAWCPI = 0x0080;
constexpr uint32_t PRAND = 0x0100;
constexpr uint32_t PZERO = 0x0200;
constexpr uint32_t PSEQ = 0x0000;
} // namespace IpsecSaFlags

/**
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

/// The setkey/ipsec_dump_policy names of the enumerations.
std::string IpsecProtoName(IpsecProto p);
std::string IpsecModeName(IpsecMode m);
std::string IpsecLevelName(IpsecLevel l);
std::string IpsecPolicyActionName(IpsecPolicyAction a);
std::string IpsecDirectionName(IpsecDirection d);
std::string IpsecSaStateName(IpsecSaState s);

} // namespace ns3

#endif /* IPSEC_TYPES_H */
