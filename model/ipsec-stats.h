/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * KAME's struct ipsecstat (one per family: ipsecstat, ipsec6stat) and the
 * printer of NetBSD's `netstat -s` ipsec:/ipsec6: sections.
 */
#ifndef IPSEC_STATS_H
#define IPSEC_STATS_H

#include "ipsec-drop-reason.h"
#include "ns3/assert.h"

#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

struct IpsecStats
{
    uint64_t in_success{0};
    uint64_t in_polvio{0};
    uint64_t in_nosa{0};
    uint64_t in_inval{0};
    uint64_t in_nomem{0};
    uint64_t in_badspi{0};
    uint64_t in_ahreplay{0};
    uint64_t in_espreplay{0};
    uint64_t in_ahauthsucc{0};
    uint64_t in_ahauthfail{0};
    uint64_t in_espauthsucc{0};
    uint64_t in_espauthfail{0};
    std::array<uint64_t, 256> in_esphist{};
    std::array<uint64_t, 256> in_ahhist{};
    std::array<uint64_t, 256> in_comphist{};
    uint64_t out_success{0};
    uint64_t out_polvio{0};
    uint64_t out_nosa{0};
    uint64_t out_inval{0};
    uint64_t out_nomem{0};
    uint64_t out_noroute{0};
    std::array<uint64_t, 256> out_esphist{};
    std::array<uint64_t, 256> out_ahhist{};
    std::array<uint64_t, 256> out_comphist{};
    uint64_t spdcachelookup{0};
    uint64_t spdcachemiss{0};

    /// The scalar counters as (KAME field name, value), in declaration order.
    std::vector<std::pair<std::string, uint64_t>> Scalars() const;

    /**
     * Writes the section exactly as NetBSD's netstat -s does:
     * "ipsec:" (or "ipsec6:"), then one "\t<n> <text>" line per counter and
     * the non-zero histograms.  With @p omitZero (netstat -ss) zero counters
     * are left out.
     */
    void Print(std::ostream& os, const std::string& section, bool omitZero = false) const;
    /// A JSON object {"in_success": n, ..., "out_esphist": {"3des-cbc": n}, ...}.
    void PrintJson(std::ostream& os) const;
};

/**
 * KAME's struct pfkeystat (keysock.c / key.c): what crossed a node's PF_KEY
 * sockets.  "out" is userland to kernel (requests), "in" kernel to
 * userland (replies, ACQUIRE, EXPIRE), as netstat's KAME wording has it.
 */
struct IpsecPfKeyStats
{
    uint64_t out_total{0};
    uint64_t out_bytes{0};
    std::array<uint64_t, 256> out_msgtype{};
    uint64_t out_invlen{0};
    uint64_t out_invver{0};
    uint64_t out_invmsgtype{0};
    uint64_t out_tooshort{0};
    uint64_t out_nomem{0};
    uint64_t out_dupext{0};
    uint64_t out_invexttype{0};
    uint64_t out_invsatype{0};
    uint64_t out_invaddr{0};
    uint64_t in_total{0};
    uint64_t in_bytes{0};
    std::array<uint64_t, 256> in_msgtype{};
    /// [0] toward one socket, [1] toward all sockets, [2] toward registered sockets.
    std::array<uint64_t, 3> in_msgtarget{};
    uint64_t in_nomem{0};
    /// A PF_KEY socket that could not be attached (key_attach; netstat
    /// does not print it).
    uint64_t sockerr{0};

    /// The scalar counters as (KAME field name, value), in declaration order.
    std::vector<std::pair<std::string, uint64_t>> Scalars() const;
    /// Increments the scalar counter named @p name ("out_invlen"...); false if unknown.
    bool Increment(const std::string& name);
    /// netstat -s's "pfkey:" section (with @p omitZero: netstat -ss).
    void Print(std::ostream& os, bool omitZero = false) const;
    /// A JSON object of the scalars and both histograms (by message type name).
    void PrintJson(std::ostream& os) const;
};

/**
 * The outcome of a processing step: success, or the KAME counter that was
 * incremented and a human-readable reason (for the Drop trace and logs).
 */
struct IpsecVerdict
{
    const char* counter{nullptr}; ///< KAME field name, nullptr on success
    std::string reason;
    /// The typed reason (meaningful only when the verdict failed).
    IpsecDropReason drop{IpsecDropReason::IN_INVALID};

    bool Ok() const
    {
        return counter == nullptr;
    }
};

/// One scalar counter of IpsecStats and its KAME name.
struct IpsecStatsField
{
    uint64_t IpsecStats::*field{nullptr};
    const char* name{nullptr};
};

/// IPSEC_STATS_FIELD(in_espreplay): the field and its name.
#define IPSEC_STATS_FIELD(field)   \
    IpsecStatsField                \
    {                              \
        &IpsecStats::field, #field \
    }

/// Increments @p field of @p stats and returns the matching failed verdict.
inline IpsecVerdict
IpsecFail(IpsecStats& stats, uint64_t IpsecStats::*field, const char* name, std::string reason)
{
    ++(stats.*field);
    IpsecVerdict v{name, std::move(reason)};
    bool known = IpsecDropReasonFromCounter(name, &v.drop);
    NS_ASSERT_MSG(known, "no drop reason for counter " << name);
    (void) known;
    return v;
}

/// Shorthand: IPSEC_FAIL(stats, in_inval, "reason") counts in_inval and names it.
#define IPSEC_FAIL(stats, field, reason) IpsecFail(stats, &IpsecStats::field, #field, reason)

} // namespace ns3

#endif /* IPSEC_STATS_H */
