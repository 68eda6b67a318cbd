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

/**
 * @ingroup ipsec
 * KAME's struct ipsecstat, one per family (ipsecstat, ipsec6stat): the
 * counters of netstat -s's ipsec: and ipsec6: sections, named as KAME's
 * fields.  The histograms are indexed by SADB algorithm id.
 */
struct IpsecStats
{
    uint64_t in_success{0};     ///< inbound packets processed successfully
    uint64_t in_polvio{0};      ///< inbound packets that violated process security policy
    uint64_t in_nosa{0};        ///< inbound packets with no SA available
    uint64_t in_inval{0};       ///< invalid inbound packets
    uint64_t in_nomem{0};       ///< inbound packets failed due to insufficient memory
    uint64_t in_badspi{0};      ///< inbound packets failed getting SPI
    uint64_t in_ahreplay{0};    ///< inbound packets failed on AH replay check
    uint64_t in_espreplay{0};   ///< inbound packets failed on ESP replay check
    uint64_t in_ahauthsucc{0};  ///< inbound AH packets considered authentic
    uint64_t in_ahauthfail{0};  ///< inbound AH packets failed on authentication
    uint64_t in_espauthsucc{0}; ///< inbound ESP packets considered authentic
    uint64_t in_espauthfail{0}; ///< inbound ESP packets failed on authentication
    std::array<uint64_t, 256> in_esphist{};  ///< ESP input histogram (encryption algorithm)
    std::array<uint64_t, 256> in_ahhist{};   ///< AH input histogram (authentication algorithm)
    std::array<uint64_t, 256> in_comphist{}; ///< IPComp input histogram
    uint64_t out_success{0};                 ///< outbound packets processed successfully
    uint64_t out_polvio{0};  ///< outbound packets that violated process security policy
    uint64_t out_nosa{0};    ///< outbound packets with no SA available
    uint64_t out_inval{0};   ///< invalid outbound packets
    uint64_t out_nomem{0};   ///< outbound packets failed due to insufficient memory
    uint64_t out_noroute{0}; ///< outbound packets with no route
    std::array<uint64_t, 256> out_esphist{};  ///< ESP output histogram (encryption algorithm)
    std::array<uint64_t, 256> out_ahhist{};   ///< AH output histogram (authentication algorithm)
    std::array<uint64_t, 256> out_comphist{}; ///< IPComp output histogram
    uint64_t spdcachelookup{0};               ///< per-socket policy lookups (ipsec_checkpcbcache)
    uint64_t spdcachemiss{0};                 ///< of which the socket's cache could not answer

    /**
     * The scalar counters.
     * @return (KAME field name, value) pairs, in declaration order
     */
    std::vector<std::pair<std::string, uint64_t>> Scalars() const;

    /**
     * Writes the section exactly as NetBSD's netstat -s does: the section
     * name, then one "\t<n> <text>" line per counter and the non-zero
     * histograms.
     * @param os the stream
     * @param section "ipsec" or "ipsec6"
     * @param omitZero zero counters are left out (netstat -ss)
     */
    void Print(std::ostream& os, const std::string& section, bool omitZero = false) const;
    /**
     * Writes the counters as a JSON object, {"in_success": n, ...,
     * "out_esphist": {"3des-cbc": n}, ...}.
     * @param os the stream
     */
    void PrintJson(std::ostream& os) const;
};

/**
 * @ingroup ipsec-keys
 * KAME's struct pfkeystat (keysock.c / key.c): what crossed a node's PF_KEY
 * sockets.  "out" is userland to kernel (requests), "in" kernel to
 * userland (replies, ACQUIRE, EXPIRE), as netstat's KAME wording has it.
 */
struct IpsecPfKeyStats
{
    uint64_t out_total{0};                   ///< requests sent from userland
    uint64_t out_bytes{0};                   ///< bytes sent from userland
    std::array<uint64_t, 256> out_msgtype{}; ///< requests by message type
    uint64_t out_invlen{0};                  ///< messages with invalid length field
    uint64_t out_invver{0};                  ///< messages with invalid version field
    uint64_t out_invmsgtype{0};              ///< messages with invalid message type field
    uint64_t out_tooshort{0};                ///< messages too short
    uint64_t out_nomem{0};                   ///< messages with memory allocation failure
    uint64_t out_dupext{0};                  ///< messages with duplicate extension
    uint64_t out_invexttype{0};              ///< messages with invalid extension type
    uint64_t out_invsatype{0};               ///< messages with invalid sa type
    uint64_t out_invaddr{0};                 ///< messages with invalid address extension
    uint64_t in_total{0};                    ///< messages sent to userland
    uint64_t in_bytes{0};                    ///< bytes sent to userland
    std::array<uint64_t, 256> in_msgtype{};  ///< messages to userland by message type
    /// [0] toward one socket, [1] toward all sockets, [2] toward registered sockets.
    std::array<uint64_t, 3> in_msgtarget{};
    uint64_t in_nomem{0}; ///< messages to userland with memory allocation failure
    /// A PF_KEY socket that could not be attached (key_attach; netstat
    /// does not print it).
    uint64_t sockerr{0};

    /**
     * The scalar counters.
     * @return (KAME field name, value) pairs, in declaration order
     */
    std::vector<std::pair<std::string, uint64_t>> Scalars() const;
    /**
     * Increments a scalar counter by name.
     * @param name the KAME field name, e.g. "out_invlen"
     * @return false if unknown
     */
    bool Increment(const std::string& name);
    /**
     * Writes netstat -s's "pfkey:" section.
     * @param os the stream
     * @param omitZero zero counters are left out (netstat -ss)
     */
    void Print(std::ostream& os, bool omitZero = false) const;
    /**
     * Writes the scalars and both histograms (by message type name) as a
     * JSON object.
     * @param os the stream
     */
    void PrintJson(std::ostream& os) const;
};

/**
 * @ingroup ipsec
 * The outcome of a processing step: success, or the KAME counter that was
 * incremented and a human-readable reason (for the Drop trace and logs).
 */
struct IpsecVerdict
{
    const char* counter{nullptr}; ///< KAME field name, nullptr on success
    std::string reason;           ///< why the step failed, for the Drop trace and logs
    /// The typed reason (meaningful only when the verdict failed).
    IpsecDropReason drop{IpsecDropReason::IN_INVALID};

    /**
     * Whether the step succeeded.
     * @return true on success
     */
    bool Ok() const
    {
        return counter == nullptr;
    }
};

/**
 * @ingroup ipsec
 * One scalar counter of IpsecStats and its KAME name.
 */
struct IpsecStatsField
{
    uint64_t IpsecStats::*field{nullptr}; ///< the counter
    const char* name{nullptr};            ///< its KAME name
};

/// IPSEC_STATS_FIELD(in_espreplay): the field and its name.
#define IPSEC_STATS_FIELD(field)   \
    IpsecStatsField                \
    {                              \
        &IpsecStats::field, #field \
    }

/**
 * @ingroup ipsec
 * Counts a failure.
 * @param stats the family's counters
 * @param field the counter incremented
 * @param name its KAME name
 * @param reason why, for the Drop trace and logs
 * @return the failed verdict, with the drop reason of @p name
 */
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
