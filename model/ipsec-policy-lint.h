/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A linter for SPDs: KAME looks policies up first-match in insertion order
 * (key_spdadd appends a policy to its direction's list, key_allocsp takes
 * the first one that matches), so a policy whose every possible packet is
 * already taken by earlier policies of the same direction can never match.  The linter
 * finds such policies:
 *  - "shadowed": the earlier policies that take its packets do something
 *    else (another action or other requests), so the policy's intent is
 *    silently lost;
 *  - "redundant": they all do exactly the same (same action and requests),
 *    so the policy is dead weight.
 *
 * Coverage is exact over the selector space (family; source and
 * destination prefixes; source and destination ports, 0 = any; upper
 * protocol, 255 = any), and it takes several earlier policies together
 * into account (10.0.0.0/25 and 10.0.0.128/25 together shadow 10.0.0.0/24).
 * Partial overlaps are never reported.  The space is treated as a product,
 * so combinations no packet can have (a port with a protocol that has no
 * ports) count as uncovered: the linter may miss a shadowed policy in such
 * corner cases but never reports one that can match.  Policies of different
 * families or directions never shadow each other.  Should a policy need more
 * than a fixed amount of work (thousands of overlapping earlier policies
 * that split its selector into many pieces), it is not reported.
 */
#ifndef IPSEC_POLICY_LINT_H
#define IPSEC_POLICY_LINT_H

#include "ipsec-policy.h"
#include "ipsec-spd.h"
#include "ns3/ptr.h"

#include <ostream>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-policy
 * One policy that can never match.
 */
struct IpsecLintFinding
{
    /// Why the policy can never match.
    enum class Kind : uint8_t
    {
        SHADOWED,  ///< covered by earlier policies of which some act differently
        REDUNDANT, ///< covered by earlier policies that all act the same
    };

    Kind kind{Kind::SHADOWED}; ///< shadowed or redundant
    /// The policy that can never match.
    Ptr<IpsecPolicy> policy;
    /// The earlier policies that take its packets (each takes some), in lookup order.
    std::vector<Ptr<IpsecPolicy>> coveredBy;
    /**
     * The report, e.g. "line 7: spdadd 10.0.0.1[110] 10.0.0.1[any] tcp -P
     * out none is shadowed by line 3 (spid 16390): it can never match".
     * Policies are named by their setkey line ("line N") or, when they were
     * not added by setkey, by their spid.
     */
    std::string message;

    /**
     * The name of a kind.
     * @param k the kind
     * @return "shadowed" or "redundant"
     */
    static std::string KindName(Kind k);
};

/**
 * @ingroup ipsec-policy
 * A linter for SPDs: the policies that can never match because earlier
 * policies of their direction take all their packets (KAME looks policies
 * up first-match in insertion order), shadowed or redundant.
 */
class IpsecPolicyLint
{
  public:
    /**
     * Lints an SPD.
     * @param spd the SPD
     * @return every policy of @p spd that can never match, in setkey line
     *         order (policies without a line last, inbound before outbound)
     */
    static std::vector<IpsecLintFinding> Check(Ptr<IpsecSpd> spd);
    /**
     * Lints a list of policies: each direction is checked in the order its
     * policies appear (as if they were added in that order).
     * @param policies the policies
     * @return every policy that can never match
     */
    static std::vector<IpsecLintFinding> Check(const std::vector<Ptr<IpsecPolicy>>& policies);

    /**
     * Whether one selector covers another.
     * @param outer the covering selector
     * @param inner the covered one
     * @return true when @p outer matches every packet @p inner matches
     */
    static bool Covers(const IpsecSelector& outer, const IpsecSelector& inner);
    /**
     * Whether two selectors overlap.
     * @param a a selector
     * @param b another
     * @return true when both match at least one common packet
     */
    static bool Overlaps(const IpsecSelector& a, const IpsecSelector& b);
    /**
     * Whether two policies act the same.
     * @param a a policy
     * @param b another
     * @return true for the same action and the same requests (protocol,
     *         mode, endpoints, level, reqid)
     */
    static bool SameAction(const IpsecPolicy& a, const IpsecPolicy& b);
    /**
     * The setkey statement that adds a policy.
     * @param p the policy
     * @return "spdadd SRC DST UPPER -P DIR ACTION REQUESTS"
     */
    static std::string Statement(const IpsecPolicy& p);
    /**
     * Prints each finding's message on its own line.
     * @param os the stream
     * @param findings the findings
     */
    static void Print(std::ostream& os, const std::vector<IpsecLintFinding>& findings);
};

} // namespace ns3

#endif /* IPSEC_POLICY_LINT_H */
