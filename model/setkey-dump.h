/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * `setkey -D` and `setkey -DP` for a simulated node: the SAD and the SPD
 * printed line for line as KAME's libipsec prints them (pfkey_sadump,
 * pfkey_spdump, ipsec_dump_policy in libipsec), in the order the kernel dumps
 * them (key_dump, key_spddump; see "Dumps" in doc/ipsec.rst).
 *
 * What the model must decide because a simulation has no wall clock and no
 * processes (all of it in SetkeyDumpOptions):
 *  - Dates: simulated time t is shown as the wall-clock time epoch + t
 *    (whole seconds, UTC, ctime() characters 4..23); "current:" is
 *    epoch + Simulator::Now().  The default epoch is Thu Jan  1 00:00:00
 *    2026 UTC, so dumps are deterministic.  A zero wall-clock time prints
 *    as 20 spaces, as in KAME ("last:" of an SA never used).
 *  - pid: the process id of "setkey" (default 0).
 *  - Nothing is ever truncated (KAME loses the tail of large dumps when the
 *    PF_KEY socket buffer overflows, ipsec(4) BUGS; the model does not).
 *
 * The SA's "seq=" is KAME's single replay counter (sav->replay->count),
 * which esp/ah output increments once per packet sent and
 * ipsec_updatereplay() once per packet accepted.  The model keeps the two
 * apart (IpsecSa::seqCounter and IpsecSa::replay.GetCount()); the dump
 * prints the low 32 bits of their sum, which is exactly KAME's value: on an
 * ordinary SA only one of them ever moves, and on an SA a node both sends
 * and receives on (a loopback SA) KAME's counter also counts both.
 *
 * The SA's "refcnt=" is 1 for an idle SA and 2 once it carried outbound
 * traffic (the policy request keeps a reference, key_checkrequest).  The key
 * engine sets IpsecSa::refcnt to 2 when output selects an SA; for SAs used
 * without it (an SA driven by hand, as the dump tests do) "carried outbound
 * traffic" is also derived: with SetkeyDumpOptions::localAddresses given,
 * an SA whose source is one of them and that processed a packet; otherwise
 * an SA that processed a packet and sent a sequence number (so such an
 * outbound IPComp SA shows 1 unless localAddresses is given).  The larger
 * of the two wins.
 */
#ifndef SETKEY_DUMP_H
#define SETKEY_DUMP_H

#include "ipsec-sad.h"
#include "ipsec-spd.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-setkey
 * How a dump renders what a simulation does not have (clock, pid) and what it shows.
 */
struct SetkeyDumpOptions
{
    /// The default epoch: 2026-01-01 00:00:00 UTC ("Jan  1 00:00:00 2026").
    static constexpr int64_t DEFAULT_EPOCH = 1767225600;

    /// Wall-clock time (seconds since 1970-01-01 00:00:00 UTC) of simulated time 0.
    int64_t epoch{DEFAULT_EPOCH};
    /// What "pid=" shows: the process id of the dumping setkey.
    uint32_t pid{0};
    /// setkey -a: also print SAs in state dead.
    bool showDead{false};
    /// "dump esp;": only SAs of this protocol (all when empty).
    std::optional<IpsecProto> proto;
    /// The node's own addresses (see the file comment on refcnt); may be empty.
    std::set<IpsecAddress> localAddresses;
    /// Print the "NAT OA=" line of a NAT-T SA that has an initiator's original
    /// address.  libipsec prints it when the kernel's dump carries
    /// SADB_X_EXT_NAT_T_OA; NetBSD's key_setdumpsa never sends it, so the
    /// default (false) is what setkey -D shows on NetBSD.
    bool natOa{false};
};

/**
 * @ingroup ipsec-setkey
 * setkey -D and setkey -DP, as KAME's libipsec prints them.  All functions
 * print complete lines ending in '\n'.
 */
class SetkeyDump
{
  public:
    /**
     * setkey -D: every SA (heads newest first; in a head the states mature,
     * dying, larval, dead; in a state front to back), with sadb_seq counting
     * down to 0 over all SAs (dead ones included, as the kernel sends them;
     * setkey hides them unless -a).  "No SAD entries." when the SAD (or the
     * protocol asked for) has no SA at all.
     * @param os the stream
     * @param sad the SAD
     * @param opts how the dump renders
     */
    static void PrintSad(std::ostream& os,
                         Ptr<IpsecSad> sad,
                         const SetkeyDumpOptions& opts = SetkeyDumpOptions());
    /**
     * setkey -DP: every policy, inbound list first, then outbound, each in
     * lookup order, seq counting down to 0.  "No SPD entries." when the SPD
     * is empty.
     * @param os the stream
     * @param spd the SPD
     * @param opts how the dump renders
     */
    static void PrintSpd(std::ostream& os,
                         Ptr<IpsecSpd> spd,
                         const SetkeyDumpOptions& opts = SetkeyDumpOptions());

    /**
     * setkey -D into a string.
     * @param sad the SAD
     * @param opts how the dump renders
     * @return what PrintSad prints
     */
    static std::string SadToString(Ptr<IpsecSad> sad,
                                   const SetkeyDumpOptions& opts = SetkeyDumpOptions());
    /**
     * setkey -DP into a string.
     * @param spd the SPD
     * @param opts how the dump renders
     * @return what PrintSpd prints
     */
    static std::string SpdToString(Ptr<IpsecSpd> spd,
                                   const SetkeyDumpOptions& opts = SetkeyDumpOptions());

    /**
     * One SA as pfkey_sadump prints it.  Addresses, protocol, mode and
     * reqid come from the SA's params, which the SAD sets to its head's.
     * @param os the stream
     * @param sa the SA
     * @param sadbSeq the sadb_seq shown (0 for "get")
     * @param opts how the dump renders
     */
    static void PrintSa(std::ostream& os,
                        const IpsecSa& sa,
                        uint32_t sadbSeq,
                        const SetkeyDumpOptions& opts = SetkeyDumpOptions());
    /**
     * One policy as pfkey_spdump prints it.
     * @param os the stream
     * @param policy the policy
     * @param seq the seq shown
     * @param opts how the dump renders
     */
    static void PrintPolicy(std::ostream& os,
                            const IpsecPolicy& policy,
                            uint32_t seq,
                            const SetkeyDumpOptions& opts = SetkeyDumpOptions());

    /**
     * The wall clock a simulated time stands for.
     * @param t the simulated time
     * @param opts the dump's epoch
     * @return epoch + whole seconds of @p t
     */
    static int64_t WallClock(Time t, const SetkeyDumpOptions& opts);
    /**
     * KAME's str_time().
     * @param wallSeconds seconds since 1970-01-01 00:00:00 UTC
     * @return ctime() characters 4..23 in UTC ("Mar  5 14:02:11 2004"), or
     *         20 spaces for 0
     */
    static std::string FormatDate(int64_t wallSeconds);
    /**
     * ipsec_hexdump().
     * @param key the bytes
     * @return for each byte two lowercase hex digits, a space before every
     *         group of four bytes and a bare newline before byte 32, 64, ...
     */
    static std::string HexKey(const std::vector<uint8_t>& key);
    /**
     * libipsec's name of an encryption algorithm.
     * @param sadbId the SADB id
     * @return the name (unknown ids: the number)
     */
    static std::string EncAlgorithmName(uint8_t sadbId);
    /**
     * libipsec's name of an authentication algorithm.
     * @param sadbId the SADB id
     * @return the name (unknown ids: the number)
     */
    static std::string AuthAlgorithmName(uint8_t sadbId);
    /**
     * libipsec's name of a compression algorithm.
     * @param sadbId the SADB id
     * @return the name (unknown ids: the number)
     */
    static std::string CompAlgorithmName(uint8_t sadbId);
};

} // namespace ns3

#endif /* SETKEY_DUMP_H */
