/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Security policies as KAME stores them (struct secpolicy): a selector
 * (secpolicyindex), a direction, an action and an ordered list of IPsec
 * requests (struct ipsecrequest).
 */
#ifndef IPSEC_POLICY_H
#define IPSEC_POLICY_H

#include "ipsec-address.h"
#include "ipsec-types.h"
#include "ns3/nstime.h"
#include "ns3/simple-ref-count.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * @defgroup ipsec-policy Policies
 * @ingroup ipsec
 * Security policies and the SPD, per-socket policies, the policy language
 * of setkey and ipsec_set_policy(3), the lint of policies that can never
 * match, and the decapsulation history the inbound check reads.
 */

/**
 * @ingroup ipsec-policy
 * A policy selector, or the selector extracted from a packet (then both
 * prefixes are full length).  Ports 0 mean "any"; for ICMPv6 selectors the
 * type sits in the source-port slot and the code in the destination-port
 * slot, as KAME encodes them.
 */
struct IpsecSelector
{
    IpsecAddress src;                   ///< source address (network of a policy)
    IpsecAddress dst;                   ///< destination address (network of a policy)
    uint8_t prefs{0};                   ///< source prefix length
    uint8_t prefd{0};                   ///< destination prefix length
    uint16_t sport{0};                  ///< 0 = any
    uint16_t dport{0};                  ///< 0 = any
    uint8_t ulproto{IPSEC_ULPROTO_ANY}; ///< 255 = any

    /**
     * KAME key_cmpspidx_withmask: whether a packet matches this policy selector.
     * @param pkt the packet's selector
     * @return true when it matches
     */
    bool Matches(const IpsecSelector& pkt) const;
    /**
     * Exact equality (duplicate detection of spdadd).
     * @param o the other selector
     * @return true when every field is equal
     */
    bool operator==(const IpsecSelector& o) const;
};

/**
 * @ingroup ipsec-policy
 * One IPsec request of an ipsec policy ("esp/transport//require").
 */
struct IpsecRequest
{
    IpsecProto proto{IpsecProto::ESP};    ///< ESP, AH or IPComp
    IpsecMode mode{IpsecMode::TRANSPORT}; ///< transport or tunnel
    IpsecAddress tunnelSrc; ///< unset (family NONE) when the request gives no endpoints
    IpsecAddress tunnelDst; ///< the tunnel's far end, unset as tunnelSrc
    IpsecLevel level{IpsecLevel::DEFAULT}; ///< default, use, require or unique
    uint32_t reqid{0};                     ///< unique:N's reqid (0: none)

    /**
     * Whether the request names tunnel endpoints.
     * @return true when tunnelSrc and tunnelDst are set
     */
    bool HasEndpoints() const;
    /**
     * The request as ipsec_dump_policy writes it.
     * @return e.g. "esp/tunnel/10.0.0.1-10.0.0.2/require", "esp/transport//unique:5"
     */
    std::string ToString() const;
};

/**
 * @ingroup ipsec-policy
 * A security policy (KAME struct secpolicy): a selector, a direction, an
 * action and an ordered list of IPsec requests.
 */
class IpsecPolicy : public SimpleRefCount<IpsecPolicy>
{
  public:
    IpsecSelector selector;                             ///< what the policy applies to
    IpsecDirection direction{IpsecDirection::OUTBOUND}; ///< in or out
    IpsecPolicyAction action{IpsecPolicyAction::NONE};  ///< discard, none, ipsec, entrust, bypass
    std::vector<IpsecRequest> requests;                 ///< ipsec: the requests, in order
    uint32_t id{0};                                     ///< spid
    Time created;                                       ///< simulated time of spdadd
    Time lastUsed;                                      ///< last lookup hit
    uint32_t setkeyLine{0}; ///< line of the setkey statement that added it (0 if by API)

    /**
     * The policy text after "-P" (ipsec_set_policy syntax).
     * @return e.g. "out ipsec esp/transport//require"
     */
    std::string PolicyString() const;
    /**
     * The selector as setkey writes it.
     * @return e.g. "10.0.1.0/24[any] 10.0.2.0/24[any] any"
     */
    std::string SelectorString() const;
};

} // namespace ns3

#endif /* IPSEC_POLICY_H */
