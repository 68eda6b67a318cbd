/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Inbound processing: ESP/AH input (KAME esp4_input/ah4_input and their
 * IPv6 twins) with the marks and history they leave on the packet, and the
 * inbound policy check (ipsec_in_reject) the upper layers call before
 * delivery.
 */
#include "ipsec-esp.h"
#include "ipsec-header-walk.h"
#include "ipsec-history-tag.h"
#include "ipsec-ipcomp.h"
#include "ipsec-packet-util.h"
#include "ipsec-stack.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecInput");

Ptr<IpsecSa>
IpsecStack::FindInboundSa(
    Ptr<Packet> packet, IpsecProto proto, const IpsecAddress& dst, bool ipv6, uint32_t* spi)
{
    IpsecStats& st = GetStats(ipv6);
    uint32_t size = packet->GetSize();
    IpsecVerdict v;
    if (proto == IpsecProto::ESP && (size % 4 != 0 || size < 8))
    {
        v = IPSEC_FAIL(st,
                       in_inval,
                       "ESP packet of " + std::to_string(size)
                           + " bytes is not a multiple of 4 or too short");
    }
    else if (proto == IpsecProto::AH && size < 12)
    {
        v = IPSEC_FAIL(st, in_inval, "AH packet of " + std::to_string(size) + " bytes too short");
    }
    else
    {
        *spi = proto == IpsecProto::ESP ? IpsecEsp::PeekSpi(packet) : IpsecAh::PeekSpi(packet);
        Ptr<IpsecSa> sa = m_sad->LookupInbound(dst, proto, *spi);
        if (sa)
        {
            return sa;
        }
        v = IPSEC_FAIL(st,
                       in_nosa,
                       "no " + IpsecProtoName(proto) + " SA for SPI " + std::to_string(*spi)
                           + " to " + dst.ToString());
    }
    NotifyDrop(packet, ipv6, v.counter, v.reason);
    return nullptr;
}

namespace
{
constexpr uint8_t ECN_MASK = 0x03;
constexpr uint8_t ECN_CE = 0x03;
} // namespace

bool
IpsecStack::TunnelValidate(Ptr<const IpsecSa> sa,
                           const IpsecIpHeader& outer,
                           Ptr<const Packet> inner,
                           bool innerV6,
                           std::string* why)
{
    // kame-spec 4.8: the SA is not a transport one, the inner header is
    // there, and an inbound policy has a tunnel request with exactly these
    // endpoints and a selector that matches the inner addresses.
    if (sa && sa->params.mode == IpsecMode::TRANSPORT)
    {
        *why = "the SA is a transport-mode SA";
        return false;
    }
    IpsecIpHeader in;
    if (!IpsecIpHeader::Peek(inner, innerV6, &in))
    {
        *why = "no valid inner IP header";
        return false;
    }
    if (sa && outer.dst != sa->params.dst)
    {
        *why = "outer destination is not the SA's";
        return false;
    }
    // key_gettunnel: the first tunnel request of a policy pairs the
    // selector with its endpoints, each further one the previous request's
    // endpoints (the inner header of a nested tunnel) with its own.
    for (const Ptr<IpsecPolicy>& p : m_spd->GetPolicies(IpsecDirection::INBOUND))
    {
        if (p->action != IpsecPolicyAction::IPSEC)
        {
            continue;
        }
        const IpsecRequest* previous = nullptr;
        for (const IpsecRequest& req : p->requests)
        {
            if (req.mode != IpsecMode::TUNNEL)
            {
                continue;
            }
            bool innerMatches = previous
                                  ? previous->tunnelSrc == in.src && previous->tunnelDst == in.dst
                                  : p->selector.src.MatchesPrefix(in.src, p->selector.prefs)
                                        && p->selector.dst.MatchesPrefix(in.dst, p->selector.prefd);
            previous = &req;
            // Plain IP-in-IP (no transform) only ends an IPComp tunnel that
            // sent a datagram uncompressed.
            if (innerMatches && req.tunnelSrc == outer.src && req.tunnelDst == outer.dst
                && (sa || req.proto == IpsecProto::IPCOMP))
            {
                return true;
            }
        }
    }
    *why = "no inbound tunnel policy for " + outer.src.ToString() + "-" + outer.dst.ToString()
         + " and inner " + in.src.ToString() + "->" + in.dst.ToString();
    return false;
}

bool
IpsecStack::EcnDecapsulate(uint8_t outerTos, bool v6, Ptr<Packet> inner, bool innerV6)
{
    int32_t ecn = v6 ? m_ecn6 : m_ecn4;
    if (ecn == -1 || (outerTos & ECN_MASK) != ECN_CE)
    {
        return true;
    }
    if (ecn == 0)
    {
        return false; // CE on a tunnel that forbids ECN
    }
    // ecn == 1: copy CE into the inner header, or drop a not-ECT inner datagram.
    IpsecIpHeader in;
    IpsecIpHeader::Peek(inner, innerV6, &in);
    if ((in.tos & ECN_MASK) == 0)
    {
        return false;
    }
    if (innerV6)
    {
        Ipv6Header h;
        inner->RemoveHeader(h);
        h.SetTrafficClass(h.GetTrafficClass() | ECN_CE);
        inner->AddHeader(h);
    }
    else
    {
        Ipv4Header h;
        inner->RemoveHeader(h);
        h.SetTos(h.GetTos() | ECN_CE);
        if (Node::ChecksumEnabled())
        {
            h.EnableChecksum();
        }
        inner->AddHeader(h);
    }
    return true;
}

IpsecStack::DecapResult
IpsecStack::Decapsulate(Ptr<Packet> packet, const IpsecIpHeader& outer)
{
    bool v6 = outer.IsV6();
    IpsecStats& st = GetStats(v6);
    DecapResult r;
    std::vector<IpsecHistoryEntry> history;
    // A datagram that left an outer tunnel of this node keeps what was
    // removed before (nested tunnels): the marks and the history travel with it.
    IpsecHistoryTag previous;
    if (packet->PeekPacketTag(previous) && m_node && previous.GetNodeId() == m_node->GetId())
    {
        r.marks = previous.GetMarks();
        history = previous.GetHistory();
    }
    // Refuses one more transform on a datagram that had MaxTransforms removed.
    auto tooDeep = [&]()
    {
        if (history.size() < m_maxTransforms)
        {
            return false;
        }
        st.in_nomem++;
        NotifyDrop(packet,
                   v6,
                   "in_nomem",
                   "more than " + std::to_string(m_maxTransforms)
                       + " IPsec transforms on one datagram (MaxTransforms)");
        return true;
    };
    uint8_t current = outer.protocol;
    Ptr<IpsecSa> sa; // the SA of the last transform (none for a well-known IPComp CPI)
    IpsecProto proto = IpsecProto::IPCOMP;
    uint32_t spi = 0;
    bool transformed = false;
    while (current == static_cast<uint8_t>(IpsecProto::ESP)
           || current == static_cast<uint8_t>(IpsecProto::AH)
           || current == static_cast<uint8_t>(IpsecProto::IPCOMP))
    {
        proto = static_cast<IpsecProto>(current);
        if ((proto == IpsecProto::ESP && !m_espEnable) || (proto == IpsecProto::AH && !m_ahEnable)
            || (proto == IpsecProto::IPCOMP && !m_ipcompEnable))
        {
            NotifyDrop(packet, v6, "(not counted)", IpsecProtoName(proto) + " input is disabled");
            return r;
        }
        if (tooDeep())
        {
            return r;
        }
        uint32_t wireBytes = packet->GetSize();
        uint8_t next = 0;
        uint8_t marks = 0;
        IpsecVerdict v;
        if (proto == IpsecProto::IPCOMP)
        {
            if (!DecompressInput(packet, outer, &sa, &spi, &next, &marks))
            {
                return r;
            }
        }
        else
        {
            sa = FindInboundSa(packet, proto, outer.dst, v6, &spi);
            if (!sa)
            {
                return r;
            }
            if (proto == IpsecProto::ESP)
            {
                v = IpsecEsp::Input(*sa, packet, &next, &marks, st);
            }
            else
            {
                // The ICV covers the outer header and the extension headers in
                // front of AH as they are now (length of what is left).
                const IpsecIpHeader& icvHeader = outer;
                bool clearTos = m_ahClearTos;
                uint16_t mask = m_ahOffsetMask;
                v = IpsecAh::Input(
                    *sa,
                    packet,
                    v6,
                    [&icvHeader, clearTos, mask](uint32_t len)
                    {
                        return icvHeader.AhIcvBytes(len, clearTos, mask);
                    },
                    &next,
                    &marks,
                    st);
            }
            if (!v.Ok())
            {
                NotifyDrop(packet, v6, v.counter, v.reason);
                return r;
            }
        }
        if (sa)
        {
            sa->RecordUse(wireBytes, Simulator::Now());
        }
        st.in_success++;
        r.marks |= marks;
        transformed = true;
        m_inputTrace(packet, current, spi);
        if (next == 4 || next == 41)
        {
            current = next;
            break;
        }
        history.push_back({proto, spi, IpsecMode::TRANSPORT, outer.src, outer.dst});
        current = next;
    }
    if (current == 4 || current == 41)
    {
        // A tunnel ends here -- or, with no transform at all, a datagram that
        // an IPComp tunnel left uncompressed (plain IP-in-IP).
        bool innerV6 = current == 41;
        std::string why;
        if (!transformed && tooDeep())
        {
            return r;
        }
        if (!TunnelValidate(transformed ? sa : nullptr, outer, packet, innerV6, &why))
        {
            // KAME hands it to the IP-in-IP handler: without a gif interface
            // it goes nowhere (and IPsec does not count it).
            NotifyDrop(packet, v6, "(not counted)", "not decapsulated: " + why);
            return r;
        }
        if (!EcnDecapsulate(outer.tos, v6, packet, innerV6))
        {
            st.in_inval++;
            NotifyDrop(packet, v6, "in_inval", "ECN: congestion mark on a tunnel that forbids it");
            return r;
        }
        history.push_back({proto, spi, IpsecMode::TUNNEL, outer.src, outer.dst});
        if (m_kameDecapHistory)
        {
            // KAME: after a tunnel the inner datagram shows "no sign of
            // authenticity" (ipsec(4) BUGS): AH tunnels, and bundles such as
            // esp/tunnel/A-B/use ah/transport/A-B/require, fail a 'require'
            // AH check.
            r.marks &= ~(IpsecHistoryTag::AUTH_HDR | IpsecHistoryTag::AUTH_DGRAM);
        }
        r.tunnel = true;
        r.innerV6 = innerV6;
    }
    r.ok = true;
    r.packet = packet;
    r.nextHeader = current;
    r.history = history;
    // Remove, then add: ns-3.37's ReplacePacketTag rewrites a tag in place,
    // in the space of the old one, and the history may have grown.
    IpsecHistoryTag tag(m_node ? m_node->GetId() : 0, r.marks, std::move(history));
    IpsecHistoryTag old;
    r.packet->RemovePacketTag(old);
    r.packet->AddPacketTag(tag);
    return r;
}

bool
IpsecStack::DecompressInput(Ptr<Packet>& packet,
                            const IpsecIpHeader& outer,
                            Ptr<IpsecSa>* sa,
                            uint32_t* cpi,
                            uint8_t* next,
                            uint8_t* marks)
{
    // ipcomp4_input: well-known CPIs need no SA; others are looked up.
    bool v6 = outer.IsV6();
    IpsecStats& st = GetStats(v6);
    IpsecVerdict v;
    if (packet->GetSize() < IpsecIpcomp::HEADER_SIZE)
    {
        v = IPSEC_FAIL(st, in_inval, "IPComp datagram shorter than its header");
    }
    else
    {
        *cpi = IpsecIpcomp::PeekCpi(packet);
        *sa = nullptr;
        uint8_t inner = IpsecIpcomp::PeekNextHeader(packet);
        if (*cpi >= IpsecIpcomp::CPI_NEGOTIATE_MIN)
        {
            *sa = m_sad->LookupInbound(outer.dst, IpsecProto::IPCOMP, *cpi);
        }
        const IpsecCompAlgorithm* alg = IpsecIpcomp::AlgorithmForCpi(*cpi, *sa);
        if (inner == static_cast<uint8_t>(IpsecProto::IPCOMP)
            || inner == static_cast<uint8_t>(IpsecProto::ESP)
            || inner == static_cast<uint8_t>(IpsecProto::AH))
        {
            // NetBSD ipcomp4_input/ipcomp6_input: "nested ipcomp - possible
            // attack, not likely useful".
            v = IPSEC_FAIL(st,
                           in_inval,
                           "nested IPComp: an IPComp header followed by "
                               + IpsecProtoName(static_cast<IpsecProto>(inner)) + " (bailing)");
        }
        else if (!alg)
        {
            v = IPSEC_FAIL(
                st, in_nosa, "no IPComp algorithm or SA for CPI " + std::to_string(*cpi));
        }
        else
        {
            v = IpsecIpcomp::Input(alg->sadbId,
                                   packet,
                                   next,
                                   marks,
                                   st,
                                   v6 ? IpsecIpcomp::MAX_DECOMPRESSED : 65535 - outer.Size());
        }
    }
    if (!v.Ok())
    {
        NotifyDrop(packet, v6, v.counter, v.reason);
        return false;
    }
    return true;
}

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

std::string
InboundSelectorText(const IpsecSelector& sel)
{
    return sel.src.ToString() + " " + sel.dst.ToString() + " " + std::to_string(sel.ulproto);
}

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
            NotifyPolicy(IpsecDirection::INBOUND, InboundSelectorText(sel), r.policy);
            return true;
        case IpsecSocketPolicyRegistry::Lookup::INVALID:
            break;
    }
    NotifyPolicy(IpsecDirection::INBOUND, InboundSelectorText(sel), r.policy);
    if (m_socketPolicies->GetKameInvalidLookupAccepts())
    {
        // KAME ipsec4_in_reject_so: "if (sp == NULL) return 0;".
        NS_LOG_LOGIC("failed socket lookup (EINVAL) treated as not rejected, as KAME");
        return true;
    }
    st.in_polvio++;
    NotifyDrop(packet,
               v6,
               "in_polvio",
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
    NotifyPolicy(IpsecDirection::INBOUND, InboundSelectorText(sel), policy);
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
            if (req.proto != IpsecProto::IPCOMP && EffectiveLevel(req, false) == IpsecLevel::REQUIRE
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
            // KAME resolves "default" with the IPv4 knobs even for IPv6 packets.
            if (EffectiveLevel(req, false) != IpsecLevel::REQUIRE)
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
    NotifyDrop(packet, v6, "in_polvio", why);
    return false;
}

} // namespace ns3
