/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The inbound policy check the upper layers call before delivering (or
 * forwarding) a datagram: KAME's ipsec4_in_reject / ipsec6_in_reject and
 * the socket-based ipsec4_in_reject_so, against the marks and the
 * decapsulation history the input loop left on the packet.
 */
#include "ipsec-header-walk.h"
#include "ipsec-history-tag.h"
#include "ipsec-stack.h"
#include "ns3/log.h"
#include "ns3/node.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecInboundPolicy");

bool
IpsecStack::HistorySatisfies(const IpsecRequest& req,
                             const std::vector<IpsecHistoryEntry>& history) const
{
    for (const IpsecHistoryEntry& e : history)
    {
        if (e.proto != req.proto)
        {
            continue;
        }
        if (req.mode != IpsecMode::TUNNEL || !req.HasEndpoints())
        {
            return true;
        }
        if (e.mode == IpsecMode::TUNNEL && e.outerSrc == req.tunnelSrc
            && e.outerDst == req.tunnelDst)
        {
            return true;
        }
    }
    return false;
}

namespace
{

/// How a drop message names the policy: "policy spid N", or the socket's.
std::string
PolicyName(const IpsecPolicy& policy)
{
    return policy.id != 0 ? "policy spid " + std::to_string(policy.id) : "the socket's policy";
}

} // namespace

bool
IpsecStack::CheckInbound(Ptr<const Packet> packet,
                         const IpsecAddress& src,
                         const IpsecAddress& dst,
                         uint8_t protocol,
                         bool forwarded,
                         const void* socket,
                         uint16_t ipv4FragField)
{
    IpsecSelector sel
        = IpsecPacketSelector(src, dst, protocol, packet, WalkRules(!forwarded, ipv4FragField));
    if (socket)
    {
        // The UDP/TCP end point the segment goes to: a socket-based lookup
        // (ipsec4_in_reject_so), with that socket's policy if it has one.
        return CheckInboundBySocket(packet, sel, m_socketPolicies->FindReceiver(sel, socket));
    }
    return CheckInbound(packet, sel);
}

bool
IpsecStack::CheckInboundSocket(Ptr<const Packet> packet,
                               const IpsecAddress& src,
                               const IpsecAddress& dst,
                               uint8_t protocol,
                               const IpsecSocketMatch& socket)
{
    return CheckInboundBySocket(
        packet, IpsecPacketSelector(src, dst, protocol, packet, WalkRules(true)), socket);
}

bool
IpsecStack::CheckInboundBySocket(Ptr<const Packet> packet,
                                 const IpsecSelector& sel,
                                 const IpsecSocketMatch& socket)
{
    bool v6 = sel.src.IsV6();
    IpsecStats& st = GetStats(v6);
    IpsecSocketPolicyRegistry::Lookup r
        = m_socketPolicies->LookupBySocket(socket, IpsecDirection::INBOUND, sel, *m_spd, st, true);
    switch (r.result)
    {
        case IpsecSocketPolicyRegistry::Lookup::NO_SOCKET:
            return CheckInbound(packet, sel);
        case IpsecSocketPolicyRegistry::Lookup::POLICY:
            return CheckInboundPolicy(packet, sel, r.policy);
        case IpsecSocketPolicyRegistry::Lookup::BYPASS:
            NotifyPolicy(IpsecDirection::INBOUND, sel, r.policy);
            return true;
        case IpsecSocketPolicyRegistry::Lookup::INVALID:
            break;
    }
    NotifyPolicy(IpsecDirection::INBOUND, sel, r.policy);
    if (m_socketPolicies->GetKameInvalidLookupAccepts())
    {
        // KAME ipsec4_in_reject_so: "if (sp == NULL) return 0;".
        NS_LOG_LOGIC("failed socket lookup (EINVAL) treated as not rejected, as KAME");
        return true;
    }
    st.in_polvio++;
    NotifyDrop(packet,
               v6,
               IpsecDropReason::IN_POLICY_VIOLATION,
               "socket policy '" + r.policy->PolicyString()
                   + "' of a non-privileged socket and no SPD entry matches (EINVAL)");
    return false;
}

bool
IpsecStack::CheckInbound(Ptr<const Packet> packet, const IpsecSelector& sel)
{
    return CheckInboundPolicy(packet, sel, m_spd->Lookup(IpsecDirection::INBOUND, sel));
}

bool
IpsecStack::CheckInboundPolicy(Ptr<const Packet> packet,
                               const IpsecSelector& sel,
                               Ptr<IpsecPolicy> policy)
{
    bool v6 = sel.src.IsV6();
    // KAME resolves "default" with the IPv4 knobs even for IPv6 datagrams
    // (ipsec_get_reqlevel(isr, AF_INET)); InboundDeflevByFamily uses the family's.
    const bool v6Knobs = v6 && m_inboundDeflevByFamily;
    IpsecStats& st = GetStats(v6);
    uint8_t marks = 0;
    bool haveHistory = false;
    IpsecHistoryTag tag;
    if (packet->PeekPacketTag(tag) && m_node && tag.GetNodeId() == m_node->GetId())
    {
        marks = tag.GetMarks();
        haveHistory = !m_kameDecapHistory && !tag.GetHistory().empty();
    }
    const std::vector<IpsecHistoryEntry>& history = tag.GetHistory();
    NotifyPolicy(IpsecDirection::INBOUND, sel, policy);
    std::string why;
    if (!policy)
    {
        if ((v6 ? m_defPolicy6 : m_defPolicy4) == 1)
        {
            return true;
        }
        why = "system default policy is discard";
    }
    else if (policy->action == IpsecPolicyAction::DISCARD)
    {
        why = "policy spid " + std::to_string(policy->id) + " discards the packet";
    }
    else if (policy->action != IpsecPolicyAction::IPSEC)
    {
        return true;
    }
    else if (haveHistory)
    {
        // Corrected check: every required ESP/AH request must appear in the
        // decapsulation history (tunnel requests with their endpoints).
        for (const IpsecRequest& req : policy->requests)
        {
            if (req.proto != IpsecProto::IPCOMP
                && EffectiveLevel(req, v6Knobs) == IpsecLevel::REQUIRE
                && !HistorySatisfies(req, history))
            {
                why = PolicyName(*policy) + " requires " + req.ToString()
                    + ", which did not protect the packet";
                break;
            }
        }
        if (why.empty())
        {
            return true;
        }
    }
    else
    {
        // KAME's flag-based check (ipsec_in_reject).
        bool needConf = false;
        bool needAuth = false;
        bool needInteg = false;
        for (const IpsecRequest& req : policy->requests)
        {
            if (EffectiveLevel(req, v6Knobs) != IpsecLevel::REQUIRE)
            {
                continue;
            }
            if (req.proto == IpsecProto::ESP)
            {
                needConf = true;
            }
            else if (req.proto == IpsecProto::AH)
            {
                needAuth = true;
                needInteg = true;
            }
        }
        if (needConf && !(marks & IpsecHistoryTag::DECRYPTED))
        {
            why = PolicyName(*policy) + " requires ESP";
        }
        else if (needInteg && !needAuth && !(marks & IpsecHistoryTag::AUTH_DGRAM))
        {
            why = PolicyName(*policy) + " requires integrity";
        }
        else if (needAuth && !(marks & IpsecHistoryTag::AUTH_HDR))
        {
            why = PolicyName(*policy) + " requires AH";
        }
        else
        {
            return true;
        }
    }
    st.in_polvio++;
    NotifyDrop(packet, v6, IpsecDropReason::IN_POLICY_VIOLATION, why);
    return false;
}

} // namespace ns3
