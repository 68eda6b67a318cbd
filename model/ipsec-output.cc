/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Outbound processing (KAME ipsec4_output, ipsec6_output_trans/_tunnel),
 * in three steps: LookupOutputPolicy (the socket's policy or the SPD, the
 * system default policy), ResolveOutputSas (one SA per request with the
 * use/require rules, key_checkrequest), ApplyTransforms (the requests in
 * order -- the first one innermost -- each through its IpsecTransform; a
 * tunnel request first wraps the datagram in a new outer header,
 * ipsec4_encapsulate, and later requests work on that header).
 */
#include "ipsec-header-walk.h"
#include "ipsec-packet-util.h"
#include "ipsec-stack.h"
#include "ipsec-transform.h"
#include "ipsec-udp-encap.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"

#include <new>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecOutput");

namespace
{

constexpr uint8_t ECN_MASK = 0x03;
constexpr uint8_t ECN_CE = 0x03;
constexpr uint8_t ECN_ECT0 = 0x02;

} // namespace

IpsecIpHeader
IpsecStack::TunnelHeader(const IpsecSa& sa, const IpsecIpHeader& inner) const
{
    IpsecIpHeader outer;
    outer.src = sa.params.src;
    outer.dst = sa.params.dst;
    outer.protocol = inner.IsV6() ? 41 : 4;
    outer.ttl = 64; // IPDEFTTL
    // ECN (RFC 3168 rules, KAME ip_ecn_ingress): outer TOS from the inner one.
    int32_t ecn = outer.IsV6() ? m_ecn6 : m_ecn4;
    outer.tos = inner.tos;
    if (ecn == 1)
    {
        if ((inner.tos & ECN_MASK) == ECN_CE)
        {
            outer.tos = (inner.tos & ~ECN_MASK) | ECN_ECT0;
        }
    }
    else if (ecn == 0)
    {
        outer.tos = inner.tos & ~ECN_MASK;
    }
    // DF of an IPv4 outer header: net.inet.ipsec.dfbit.
    outer.df = m_dfbit == 1 || (m_dfbit == 2 && !inner.IsV6() && inner.df);
    outer.fragField = outer.df ? 0x4000 : 0;
    if (outer.IsV6() && inner.IsV6())
    {
        outer.flowLabel = inner.flowLabel; // ipsec6_encapsulate copies the inner header
    }
    return outer;
}

IpsecSocketPolicyRegistry::Lookup
IpsecStack::OutputPolicy(const IpsecIpHeader& ip,
                         Ptr<const Packet> segment,
                         const IpsecSelector& sel,
                         bool count)
{
    IpsecSocketPolicyRegistry::Lookup r
        = m_socketPolicies->LookupBySocket(m_socketPolicies->FindSender(ip, segment),
                                           IpsecDirection::OUTBOUND,
                                           sel,
                                           *m_spd,
                                           GetStats(ip.IsV6()),
                                           count);
    if (r.result == IpsecSocketPolicyRegistry::Lookup::NO_SOCKET)
    {
        // ipsec4_getpolicybyaddr: no socket (kernel ICMP, a TCP reset for a
        // closed port, a raw socket without a policy).
        r.result = IpsecSocketPolicyRegistry::Lookup::POLICY;
        r.policy = m_spd->Lookup(IpsecDirection::OUTBOUND, sel);
    }
    return r;
}

Ptr<IpsecPolicy>
IpsecStack::PeekOutputPolicy(Ptr<const Packet> packet, const IpsecIpHeader& header)
{
    IpsecSelector sel = IpsecPacketSelector(header.src,
                                            header.dst,
                                            header.protocol,
                                            packet,
                                            WalkRules(true, header.IsV6() ? 0 : header.fragField));
    IpsecSocketPolicyRegistry::Lookup lookup = OutputPolicy(header, packet, sel, false);
    if (lookup.result != IpsecSocketPolicyRegistry::Lookup::POLICY || !lookup.policy
        || lookup.policy->action != IpsecPolicyAction::IPSEC)
    {
        return nullptr;
    }
    return lookup.policy;
}

IpsecStack::OutputResult
IpsecStack::ProcessOutput(Ptr<Packet> packet, const OutputContext& ctx)
{
    OutputResult r;
    r.packet = packet;
    r.header = ctx.header;
    Ptr<IpsecPolicy> policy = LookupOutputPolicy(packet, ctx, &r);
    if (!policy)
    {
        return r; // bypassed, or dropped (r.verdict)
    }
    std::vector<OutputStep> steps;
    if (!ResolveOutputSas(packet, ctx, *policy, &steps, &r) || steps.empty())
    {
        return r;
    }
    ApplyTransforms(packet, ctx, steps, &r);
    return r;
}

Ptr<IpsecPolicy>
IpsecStack::LookupOutputPolicy(Ptr<Packet> packet, const OutputContext& ctx, OutputResult* r)
{
    bool v6 = ctx.header.IsV6();
    IpsecStats& st = GetStats(v6);
    IpsecSelector sel
        = IpsecPacketSelector(ctx.header.src,
                              ctx.header.dst,
                              ctx.header.protocol,
                              packet,
                              WalkRules(!ctx.forwarded, v6 ? 0 : ctx.header.fragField));

    // A forwarded datagram has no socket; a local one is looked up by its
    // socket's policy first (ipsec4_getpolicybysock, then the SPD).
    IpsecSocketPolicyRegistry::Lookup lookup;
    if (ctx.policy)
    {
        lookup.result = IpsecSocketPolicyRegistry::Lookup::POLICY;
        lookup.policy = ctx.policy; // a fragment: its datagram's policy
    }
    else if (ctx.forwarded)
    {
        lookup.policy = m_spd->Lookup(IpsecDirection::OUTBOUND, sel);
    }
    else
    {
        lookup = OutputPolicy(ctx.header, packet, sel, true);
    }
    Ptr<IpsecPolicy> policy = lookup.policy;
    NotifyPolicy(IpsecDirection::OUTBOUND, sel, policy);
    r->policy = policy;
    if (lookup.result == IpsecSocketPolicyRegistry::Lookup::BYPASS)
    {
        NS_LOG_LOGIC("outbound " << SelectorText(IpsecDirection::OUTBOUND, sel)
                                 << ": socket policy bypass");
        return nullptr;
    }
    if (lookup.result == IpsecSocketPolicyRegistry::Lookup::INVALID)
    {
        // ip_output: ipsec4_getpolicybysock failed (EINVAL).
        st.out_inval++;
        NotifyDrop(packet,
                   v6,
                   IpsecDropReason::OUT_INVALID,
                   "socket policy '" + policy->PolicyString()
                       + "' of a non-privileged socket and no SPD entry matches (EINVAL)");
        r->verdict = Verdict::DROP;
        return nullptr;
    }
    if (!policy)
    {
        uint32_t def = v6 ? m_defPolicy6 : m_defPolicy4;
        if (def == 0)
        {
            st.out_polvio++;
            NotifyDrop(packet,
                       v6,
                       IpsecDropReason::OUT_POLICY_VIOLATION,
                       "system default policy is discard");
            r->verdict = Verdict::DROP;
        }
        return nullptr;
    }
    NS_LOG_LOGIC("outbound " << SelectorText(IpsecDirection::OUTBOUND, sel) << " matched "
                             << (lookup.fromSocket ? std::string("the socket's policy")
                                                   : "spid " + std::to_string(policy->id)));
    switch (policy->action)
    {
        case IpsecPolicyAction::DISCARD:
            st.out_polvio++;
            NotifyDrop(packet,
                       v6,
                       IpsecDropReason::OUT_POLICY_VIOLATION,
                       "policy spid " + std::to_string(policy->id) + " discards the packet");
            r->verdict = Verdict::DROP;
            return nullptr;
        case IpsecPolicyAction::IPSEC:
            return policy;
        default:
            return nullptr; // none
    }
}

bool
IpsecStack::ResolveOutputSas(Ptr<Packet> packet,
                             const OutputContext& ctx,
                             const IpsecPolicy& policy,
                             std::vector<OutputStep>* steps,
                             OutputResult* r)
{
    // Choose the SA of every request first (key_checkrequest); a transport
    // request without endpoints uses the addresses of the header current at
    // its place in the bundle, i.e. the outer ones after a tunnel.
    bool v6 = ctx.header.IsV6();
    IpsecAddress curSrc = ctx.header.src;
    IpsecAddress curDst = ctx.header.dst;
    Ptr<IpsecPolicy> policyPtr = r->policy;
    for (const IpsecRequest& req : policy.requests)
    {
        if (req.proto == IpsecProto::IPCOMP && !m_ipcompEnable)
        {
            continue; // net.inet.ipcomp.ipcomp_enable=0
        }
        const IpsecAddress& src = req.HasEndpoints() ? req.tunnelSrc : curSrc;
        const IpsecAddress& dst = req.HasEndpoints() ? req.tunnelDst : curDst;
        // key_checkrequest: no SA sends an ACQUIRE (throttled), whatever the level.
        Ptr<IpsecSa> sa = m_keyEngine->AllocateOutbound(src, dst, req, policyPtr);
        if (!sa || !sa->IsUsable())
        {
            if (EffectiveLevel(req, src.IsV6()) == IpsecLevel::REQUIRE)
            {
                GetStats(v6).out_nosa++;
                NotifyDrop(packet,
                           v6,
                           IpsecDropReason::OUT_NO_SA,
                           "no " + IpsecProtoName(req.proto) + " SA " + src.ToString() + "->"
                               + dst.ToString() + " for required request " + req.ToString());
                r->verdict = Verdict::DROP;
                r->adminProhibited = v6 && !ctx.forwarded && req.mode != IpsecMode::TUNNEL;
                return false;
            }
            NS_LOG_LOGIC("no SA for " << req.ToString() << " (level use): skipped");
            continue;
        }
        if (req.mode == IpsecMode::TUNNEL)
        {
            curSrc = sa->params.src;
            curDst = sa->params.dst;
        }
        steps->push_back({&req, sa});
    }
    return true;
}

bool
IpsecStack::ApplyTransforms(Ptr<Packet> packet,
                            const OutputContext& ctx,
                            const std::vector<OutputStep>& steps,
                            OutputResult* r)
{
    bool v6 = ctx.header.IsV6();
    IpsecStats& st = GetStats(v6);
    bool fragment = !v6 && (ctx.header.fragField & 0x3fff) != 0; // MF or an offset
    size_t lastTunnel = steps.size();
    for (size_t i = 0; i < steps.size(); ++i)
    {
        if (steps[i].req->mode == IpsecMode::TUNNEL)
        {
            lastTunnel = i;
        }
    }
    uint8_t finalProto = static_cast<uint8_t>(steps.back().sa->params.proto);
    if (IsCryptoTimed() && m_cpu->IsCryptoQueueFull())
    {
        // No room on the crypto processor: dropped before any transform
        // (no sequence number spent, nothing counted as out_success).
        m_cpu->CountCryptoRefusal();
        CryptoQueueFull(packet, v6, true);
        r->verdict = Verdict::DROP;
        return false;
    }

    IpsecIpHeader cur = ctx.header;
    bool changed = false; // IPComp alone may leave the datagram as it was
    bool tunnelled = false;
    for (size_t i = 0; i < steps.size(); ++i)
    {
        IpsecSa& sa = *steps[i].sa;
        const IpsecRequest& req = *steps[i].req;
        if (req.mode != IpsecMode::TUNNEL && !tunnelled)
        {
            if (fragment)
            {
                // A forwarded IPv4 fragment: a transport-mode header would sit
                // in one fragment of a datagram it does not cover, and the
                // destination could never reassemble it (RFC 4301 section 7:
                // transport mode carries whole datagrams).  Tunnel it instead.
                st.out_inval++;
                NotifyDrop(packet,
                           v6,
                           IpsecDropReason::OUT_INVALID,
                           "transport mode cannot protect a fragment (" + req.ToString() + ")");
                r->verdict = Verdict::DROP;
                return false;
            }
            if (v6 && cur.ext.empty() && IpsecIsIpv6OptionLayout(cur.protocol))
            {
                // ipsec6_output_trans: the transport header goes behind the
                // unfragmentable part (Hop-by-Hop, Destination Options before
                // a Routing header, the Routing header).
                IpsecIpv6Unfragmentable u = IpsecIpv6UnfragmentablePart(cur.protocol, packet);
                if (u.length > 0)
                {
                    cur.ext = IpsecPacketBytes(packet->CreateFragment(0, u.length));
                    cur.extFirst = u.firstHeader;
                    cur.extLastNextHeader = u.nextHeaderAt;
                    cur.protocol = u.nextHeader;
                    packet = packet->Copy(); // the caller's datagram stays whole
                    packet->RemoveAtStart(u.length);
                }
            }
        }
        if (req.mode == IpsecMode::TUNNEL)
        {
            // ipsec4_encapsulate / ipsec6_encapsulate
            if (!cur.IsV6() && !cur.haveId && ctx.allocateId)
            {
                cur.id = ctx.allocateId(cur);
                cur.haveId = true;
            }
            cur.Prepend(packet);
            cur = TunnelHeader(sa, cur);
            r->tunnelled = true;
            tunnelled = true;
            changed = true;
        }
        const IpsecTransform& xf = IpsecTransform::Get(sa.params.proto);
        IpsecTransformOutput out;
        out.packet = packet;
        out.nextHeader = cur.protocol;
        out.ipv6 = cur.IsV6();
        out.headerSize = cur.Size();
        out.stats = &GetStats(cur.IsV6());
        out.rng = m_rng;
        out.deflate = DeflateStreams();
        out.scratch = &m_scratch;
        if (xf.CoversIpHeader())
        {
            if (!cur.IsV6() && !cur.haveId && ctx.allocateId && ctx.peekId)
            {
                // AH covers the identification: the final header's is the
                // one the stack will assign, an inner one is decided now.
                // With the node's DataPath on, the datagram waits on the
                // crypto processor while others may leave: the final one is
                // decided now too, in the order the datagrams are queued
                // (KAME's ip_output fixes ip_id before ipsec4_output).
                IpsecIpHeader probe = cur;
                probe.protocol = finalProto;
                bool final = lastTunnel == steps.size() || i >= lastTunnel;
                bool decideNow = !final || IsCryptoTimed();
                cur.id = decideNow ? ctx.allocateId(final ? probe : cur) : ctx.peekId(probe);
                cur.haveId = decideNow;
            }
            bool clearTos = m_ahClearTos;
            uint16_t mask = m_ahOffsetMask;
            IpsecIpHeader icvHeader = cur;
            out.icvHeader = [icvHeader, clearTos, mask](uint32_t len)
            {
                return icvHeader.AhIcvBytes(len, clearTos, mask, true);
            };
        }
        uint32_t plainBytes = packet->GetSize();
        IpsecVerdict v;
        try
        {
            v = xf.Output(sa, out);
        }
        catch (const std::bad_alloc&)
        {
            // KAME: an mbuf allocation failed (out_nomem).
            v = IPSEC_FAIL(
                *out.stats, out_nomem, IpsecProtoName(sa.params.proto) + " output: out of memory");
        }
        if (!v.Ok())
        {
            NotifyDrop(packet, cur.IsV6(), v);
            r->verdict = Verdict::DROP;
            return false;
        }
        if (IsCryptoTimed())
        {
            // IPComp's deflate costs its time even when it does not pay.
            uint32_t wire = out.packet->GetSize() + (xf.CoversIpHeader() ? cur.Size() : 0);
            r->cpuCost += m_cpu->TransformTime(sa, wire, plainBytes, true);
        }
        if (!out.applied)
        {
            continue; // IPComp: short or incompressible, sent without its header
        }
        packet = out.packet;
        changed = true;
        cur.protocol = static_cast<uint8_t>(sa.params.proto);
        sa.RecordUse(out.lifetimeBytes, Simulator::Now());
        m_outputTrace(packet, cur.protocol, sa.params.spi);
        if (sa.params.IsUdpEncapsulated() && sa.params.proto == IpsecProto::ESP)
        {
            // RFC 3948 section 2.1: the ESP header behind a UDP header with
            // the SA's NAT-T ports and a zero checksum (NetBSD's
            // ipsec_process_done for an SA with natt_type).
            IpsecPrependUdpEncap(packet, sa.params.nattSport, sa.params.nattDport);
            cur.protocol = 17;
        }
    }
    if (!changed)
    {
        return true; // sent as it is
    }
    // The unfragmentable extension headers go back in front.
    cur.PrependExtensions(packet);
    cur.protocol = cur.WireProtocol();
    cur.ext.clear();
    r->verdict = Verdict::PROTECTED;
    r->packet = packet;
    r->header = cur;
    return true;
}

} // namespace ns3
