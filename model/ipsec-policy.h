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
 * A policy selector, or the selector extracted from a packet (then both
 * prefixes are full length).  Ports 0 mean "any"; for ICMPv6 selectors the
 * type sits in the source-port slot and the code in the destination-port
 * slot, as KAME encodes them.
 */
struct IpsecSelector
{
    IpsecAddress src;
    IpsecAddress dst;
    uint8_t prefs{0};                   ///< source prefix length
    uint8_t prefd{0};                   ///< destination prefix length
    uint16_t sport{0};                  ///< 0 = any
    uint16_t dport{0};                  ///< 0 = any
    uint8_t ulproto{IPSEC_ULPROTO_ANY}; ///< 255 = any

    /// KAME key_cmpspidx_withmask: does packet selector @p pkt match this policy selector?
    bool Matches(const IpsecSelector& pkt) const;
    /// Exact equality (duplicate detection of spdadd).
    bool operator==(const IpsecSelector& o) const;
};

/// One IPsec request of an ipsec policy ("esp/transport//require").
struct IpsecRequest
{
    IpsecProto proto{IpsecProto::ESP};
    IpsecMode mode{IpsecMode::TRANSPORT};
    IpsecAddress tunnelSrc; ///< unset (family NONE) when the request gives no endpoints
    IpsecAddress tunnelDst;
    IpsecLevel level{IpsecLevel::DEFAULT};
    uint32_t reqid{0};

    bool HasEndpoints() const;
    /// ipsec_dump_policy text: "esp/tunnel/10.0.0.1-10.0.0.2/require", "esp/transport//unique:5".
    std::string ToString() const;
};

/// A security policy.
class IpsecPolicy : public SimpleRefCount<IpsecPolicy>
{
  public:
    IpsecSelector selector;
    IpsecDirection direction{IpsecDirection::OUTBOUND};
    IpsecPolicyAction action{IpsecPolicyAction::NONE};
    std::vector<IpsecRequest> requests;
    uint32_t id{0};         ///< spid
    Time created;           ///< simulated time of spdadd
    Time lastUsed;          ///< last lookup hit
    uint32_t setkeyLine{0}; ///< line of the setkey statement that added it (0 if by API)

    /// The policy text after "-P" (ipsec_set_policy syntax), e.g. "out ipsec
    /// esp/transport//require".
    std::string PolicyString() const;
    /// The selector as setkey writes it: "10.0.1.0/24[any] 10.0.2.0/24[any] any".
    std::string SelectorString() const;
};

} // namespace ns3

#endif /* IPSEC_POLICY_H */
