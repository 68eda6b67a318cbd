/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Outbound processing (KAME ipsec4_output, ipsec6_output_trans/_tunnel):
 * the SPD lookup, the system default policy, one SA per request with the
 * use/require rules, then the requests applied in order -- the first one
 * innermost; a tunnel request first wraps the datagram in a new outer
 * header (ipsec4_encapsulate), and later requests work on that header.
 */
#include "ipsec-esp.h"
#include "ipsec-header-walk.h"
#include "ipsec-ipcomp.h"
#include "ipsec-packet-util.h"
#include "ipsec-private-access.h"
#include "ipsec-stack.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-l4-protocol.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecOutput");

namespace
{

std::string
PacketSelectorText(const IpsecSelector& sel)
{
    return sel.src.ToString() + "[" + std::to_string(sel.sport) + "] " + sel.dst.ToString() + "["
         + std::to_string(sel.dport) + "] " + std::to_string(sel.ulproto);
}

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

uint32_t
IpsecStack::OutputOverhead(const IpsecSelector& sel)
{
    return PolicyOverhead(m_spd->Lookup(IpsecDirection::OUTBOUND, sel), sel);
}

uint32_t
IpsecStack::PolicyOverhead(Ptr<IpsecPolicy> policy, const IpsecSelector& sel)
{
    if (!policy || policy->action != IpsecPolicyAction::IPSEC)
    {
        return 0;
    }
    uint32_t size = 0;
    // A transport request without endpoints uses the addresses of the header
    // current at its place in the bundle (the outer ones after a tunnel).
    IpsecAddress curSrc = sel.src;
    IpsecAddress curDst = sel.dst;
    for (const IpsecRequest& req : policy->requests)
    {
        const IpsecAddress& src = req.HasEndpoints() ? req.tunnelSrc : curSrc;
        const IpsecAddress& dst = req.HasEndpoints() ? req.tunnelDst : curDst;
        if (req.mode == IpsecMode::TUNNEL)
        {
            size += req.tunnelSrc.IsV6() ? 40 : 20;
            curSrc = req.tunnelSrc;
            curDst = req.tunnelDst;
        }
        Ptr<IpsecSa> sa = m_sad->SelectOutbound(src, dst, req.proto, req.mode, req.reqid);
        switch (req.proto)
        {
            case IpsecProto::ESP:
                // header, IV, worst-case padding with its 2 trailer bytes, ICV
                size += sa ? 8 + sa->params.enc->ivLen + sa->params.enc->PadBoundary() + 1
                                 + sa->icvLen
                           : 8 + 16 + 17 + 16;
                break;
            case IpsecProto::AH:
                size += sa ? IpsecAh::HeaderLength(*sa, src.IsV6()) : 12 + 16;
                break;
            case IpsecProto::IPCOMP:
                size += 4;
                break;
        }
    }
    return size;
}

void
IpsecStack::FitTcpSegmentSize(Ptr<const Packet> segment, const IpsecIpHeader& ip, uint32_t mtu)
{
    TcpHeader tcp;
    if (ip.protocol != 6 || segment->GetSize() < 20 || !m_node)
    {
        return;
    }
    segment->PeekHeader(tcp);
    if (!(tcp.GetFlags() & TcpHeader::SYN))
    {
        return;
    }
    // The segment's socket decides (KAME ipsec4_hdrsiz with the socket):
    // its own policy, or the SPD.  Not counted as a lookup.
    IpsecSelector sel = IpsecPacketSelector(ip.src, ip.dst, 6, segment, IpsecWalkRules{});
    IpsecSocketPolicyRegistry::Lookup lookup = OutputPolicy(ip, segment, sel, false);
    uint32_t overhead = lookup.result == IpsecSocketPolicyRegistry::Lookup::POLICY
                          ? PolicyOverhead(lookup.policy, sel)
                          : 0;
    uint32_t fixed = ip.Size() + 20 + 12 + overhead;
    Ptr<TcpL4Protocol> l4 = m_node->GetObject<TcpL4Protocol>();
    if (overhead == 0 || mtu <= fixed || !l4)
    {
        return;
    }
    Address local = ip.IsV6() ? Address(Inet6SocketAddress(ip.src.ToIpv6(), tcp.GetSourcePort()))
                              : Address(InetSocketAddress(ip.src.ToIpv4(), tcp.GetSourcePort()));
    Address peer = ip.IsV6()
                     ? Address(Inet6SocketAddress(ip.dst.ToIpv6(), tcp.GetDestinationPort()))
                     : Address(InetSocketAddress(ip.dst.ToIpv4(), tcp.GetDestinationPort()));
    uint32_t size = IpsecLowerTcpSegmentSize(*l4, local, peer, mtu - fixed);
    NS_LOG_LOGIC("TCP segment size " << size << " for an IPsec overhead of " << overhead);
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
    bool v6 = ctx.header.IsV6();
    IpsecStats& st = GetStats(v6);
    OutputResult r;
    r.packet = packet;
    r.header = ctx.header;

    bool fragment = !v6 && (ctx.header.fragField & 0x3fff) != 0; // MF or an offset
    IpsecSelector sel
        = IpsecPacketSelector(ctx.header.src,
                              ctx.header.dst,
                              ctx.header.protocol,
                              packet,
                              WalkRules(!ctx.forwarded, v6 ? 0 : ctx.header.fragField));

    // A forwarded datagram has no socket; a local one is looked up by its
    // socket's policy first (kame-spec 2.10).
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
    NotifyPolicy(IpsecDirection::OUTBOUND, PacketSelectorText(sel), policy);
    r.policy = policy;
    if (lookup.result == IpsecSocketPolicyRegistry::Lookup::BYPASS)
    {
        NS_LOG_LOGIC("outbound " << PacketSelectorText(sel) << ": socket policy bypass");
        return r;
    }
    if (lookup.result == IpsecSocketPolicyRegistry::Lookup::INVALID)
    {
        // ip_output: ipsec4_getpolicybysock failed (EINVAL).
        st.out_inval++;
        NotifyDrop(packet,
                   v6,
                   "out_inval",
                   "socket policy '" + policy->PolicyString()
                       + "' of a non-privileged socket and no SPD entry matches (EINVAL)");
        r.verdict = Verdict::DROP;
        return r;
    }
    if (!policy)
    {
        uint32_t def = v6 ? m_defPolicy6 : m_defPolicy4;
        if (def == 0)
        {
            st.out_polvio++;
            NotifyDrop(packet, v6, "out_polvio", "system default policy is discard");
            r.verdict = Verdict::DROP;
        }
        return r;
    }
    NS_LOG_LOGIC("outbound " << PacketSelectorText(sel) << " matched "
                             << (lookup.fromSocket ? std::string("the socket's policy")
                                                   : "spid " + std::to_string(policy->id)));
    switch (policy->action)
    {
        case IpsecPolicyAction::DISCARD:
            st.out_polvio++;
            NotifyDrop(packet,
                       v6,
                       "out_polvio",
                       "policy spid " + std::to_string(policy->id) + " discards the packet");
            r.verdict = Verdict::DROP;
            return r;
        case IpsecPolicyAction::IPSEC:
            break;
        default:
            return r; // none
    }

    // Choose the SA of every request first (key_checkrequest); a transport
    // request without endpoints uses the addresses of the header current at
    // its place in the bundle, i.e. the outer ones after a tunnel.
    struct Step
    {
        const IpsecRequest* req;
        Ptr<IpsecSa> sa;
    };

    std::vector<Step> steps;
    IpsecAddress curSrc = ctx.header.src;
    IpsecAddress curDst = ctx.header.dst;
    for (const IpsecRequest& req : policy->requests)
    {
        if (req.proto == IpsecProto::IPCOMP && !m_ipcompEnable)
        {
            continue; // net.inet.ipcomp.ipcomp_enable=0
        }
        const IpsecAddress& src = req.HasEndpoints() ? req.tunnelSrc : curSrc;
        const IpsecAddress& dst = req.HasEndpoints() ? req.tunnelDst : curDst;
        // key_checkrequest: no SA sends an ACQUIRE (throttled), whatever the level.
        Ptr<IpsecSa> sa = m_keyEngine->AllocateOutbound(src, dst, req, policy);
        if (!sa || !sa->IsUsable())
        {
            if (EffectiveLevel(req, src.IsV6()) == IpsecLevel::REQUIRE)
            {
                st.out_nosa++;
                NotifyDrop(packet,
                           v6,
                           "out_nosa",
                           "no " + IpsecProtoName(req.proto) + " SA " + src.ToString() + "->"
                               + dst.ToString() + " for required request " + req.ToString());
                r.verdict = Verdict::DROP;
                r.adminProhibited = v6 && !ctx.forwarded && req.mode != IpsecMode::TUNNEL;
                return r;
            }
            NS_LOG_LOGIC("no SA for " << req.ToString() << " (level use): skipped");
            continue;
        }
        if (req.mode == IpsecMode::TUNNEL)
        {
            curSrc = sa->params.src;
            curDst = sa->params.dst;
        }
        steps.push_back({&req, sa});
    }
    if (steps.empty())
    {
        return r;
    }
    size_t lastTunnel = steps.size();
    for (size_t i = 0; i < steps.size(); ++i)
    {
        if (steps[i].req->mode == IpsecMode::TUNNEL)
        {
            lastTunnel = i;
        }
    }
    uint8_t finalProto = static_cast<uint8_t>(steps.back().sa->params.proto);

    IpsecIpHeader cur = ctx.header;
    bool changed = false; // IPComp alone may leave the datagram as it was
    bool tunnelled = false;
    for (size_t i = 0; i < steps.size(); ++i)
    {
        IpsecSa& sa = *steps[i].sa;
        if (steps[i].req->mode != IpsecMode::TUNNEL && !tunnelled)
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
                           "out_inval",
                           "transport mode cannot protect a fragment (" + steps[i].req->ToString()
                               + ")");
                r.verdict = Verdict::DROP;
                return r;
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
        if (steps[i].req->mode == IpsecMode::TUNNEL)
        {
            // ipsec4_encapsulate / ipsec6_encapsulate
            if (!cur.IsV6() && !cur.haveId && ctx.allocateId)
            {
                cur.id = ctx.allocateId(cur);
                cur.haveId = true;
            }
            cur.Prepend(packet);
            cur = TunnelHeader(sa, cur);
            r.tunnelled = true;
            tunnelled = true;
            changed = true;
        }
        IpsecVerdict v;
        if (sa.params.proto == IpsecProto::ESP)
        {
            v = IpsecEsp::Output(sa, packet, cur.protocol, m_rng, GetStats(cur.IsV6()));
        }
        else if (sa.params.proto == IpsecProto::IPCOMP)
        {
            bool applied = false;
            uint32_t uncompressed = packet->GetSize() + cur.Size();
            v = IpsecIpcomp::Output(sa, packet, cur.protocol, GetStats(cur.IsV6()), &applied);
            if (v.Ok() && !applied)
            {
                continue; // short or incompressible: sent without IPComp header
            }
            if (v.Ok())
            {
                changed = true;
                cur.protocol = static_cast<uint8_t>(IpsecProto::IPCOMP);
                sa.RecordUse(uncompressed, Simulator::Now()); // KAME: uncompressed bytes
                m_outputTrace(packet, cur.protocol, sa.params.spi);
                continue;
            }
        }
        else
        {
            if (!cur.IsV6() && !cur.haveId && ctx.allocateId && ctx.peekId)
            {
                // AH covers the identification: the final header's is the
                // one the stack will assign, an inner one is decided now.
                IpsecIpHeader probe = cur;
                probe.protocol = finalProto;
                bool final = lastTunnel == steps.size() || i >= lastTunnel;
                cur.id = final ? ctx.peekId(probe) : ctx.allocateId(cur);
                cur.haveId = !final;
            }
            bool clearTos = m_ahClearTos;
            uint16_t mask = m_ahOffsetMask;
            IpsecIpHeader icvHeader = cur;
            v = IpsecAh::Output(
                sa,
                packet,
                cur.protocol,
                cur.IsV6(),
                [&icvHeader, clearTos, mask](uint32_t len)
                {
                    return icvHeader.AhIcvBytes(len, clearTos, mask, true);
                },
                GetStats(cur.IsV6()));
        }
        if (!v.Ok())
        {
            NotifyDrop(packet, cur.IsV6(), v.counter, v.reason);
            r.verdict = Verdict::DROP;
            return r;
        }
        changed = true;
        cur.protocol = static_cast<uint8_t>(sa.params.proto);
        sa.RecordUse(packet->GetSize() + cur.Size(), Simulator::Now());
        m_outputTrace(packet, cur.protocol, sa.params.spi);
    }
    if (!changed)
    {
        return r; // sent as it is
    }
    // The unfragmentable extension headers go back in front.
    cur.PrependExtensions(packet);
    cur.protocol = cur.WireProtocol();
    cur.ext.clear();
    r.verdict = Verdict::PROTECTED;
    r.packet = packet;
    r.header = cur;
    return r;
}

} // namespace ns3
