/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Outbound processing (KAME ipsec4_output / ipsec6_output_trans): the SPD
 * lookup, the system default policy, SA selection per request with the
 * use/require rules, and the transforms applied in request order (the first
 * request ends up innermost).
 */
#include "ipsec-esp.h"
#include "ipsec-packet-util.h"
#include "ipsec-stack.h"
#include "ns3/log.h"
#include "ns3/simulator.h"

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

} // namespace

IpsecStack::OutputResult
IpsecStack::ProcessOutput(Ptr<Packet> packet, const OutputContext& ctx)
{
    bool v6 = ctx.src.IsV6();
    IpsecStats& st = GetStats(v6);
    OutputResult r;
    r.packet = packet;
    r.protocol = ctx.protocol;

    IpsecSelector sel;
    sel.src = ctx.src;
    sel.dst = ctx.dst;
    sel.prefs = sel.prefd = ctx.src.GetBits();
    IpsecFillUpperLayer(sel, ctx.protocol, packet, !ctx.forwarded, m_icmp6TypeCode);

    Ptr<IpsecPolicy> policy = m_spd->Lookup(IpsecDirection::OUTBOUND, sel);
    m_policyTrace(IpsecDirection::OUTBOUND, PacketSelectorText(sel), policy);
    r.policy = policy;
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
    NS_LOG_LOGIC("outbound " << PacketSelectorText(sel) << " matched spid " << policy->id);
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

    // Choose the SA of every request first: the final outer protocol decides
    // the IPv4 identification AH must cover.
    std::vector<Ptr<IpsecSa>> sas;
    for (const IpsecRequest& req : policy->requests)
    {
        if (req.mode == IpsecMode::TUNNEL)
        {
            st.out_inval++;
            NotifyDrop(packet, v6, "out_inval", "tunnel mode requests are not supported yet");
            r.verdict = Verdict::DROP;
            return r;
        }
        if (req.proto == IpsecProto::IPCOMP)
        {
            NS_LOG_WARN("IPComp requests are not supported yet; transform skipped");
            continue;
        }
        const IpsecAddress& src = req.HasEndpoints() ? req.tunnelSrc : ctx.src;
        const IpsecAddress& dst = req.HasEndpoints() ? req.tunnelDst : ctx.dst;
        Ptr<IpsecSa> sa = m_sad->SelectOutbound(src, dst, req.proto, req.mode, req.reqid);
        if (!sa || !sa->IsUsable())
        {
            if (EffectiveLevel(req, v6) == IpsecLevel::REQUIRE)
            {
                st.out_nosa++;
                NotifyDrop(packet,
                           v6,
                           "out_nosa",
                           "no " + IpsecProtoName(req.proto) + " SA " + src.ToString() + "->"
                               + dst.ToString() + " for required request " + req.ToString());
                r.verdict = Verdict::DROP;
                return r;
            }
            NS_LOG_LOGIC("no SA for " << req.ToString() << " (level use): skipped");
            continue;
        }
        sas.push_back(sa);
    }
    if (sas.empty())
    {
        return r;
    }

    IpsecIcvHeaderBuilder ahHeader;
    uint8_t next = ctx.protocol;
    for (const Ptr<IpsecSa>& sa : sas)
    {
        IpsecVerdict v;
        if (sa->params.proto == IpsecProto::ESP)
        {
            v = IpsecEsp::Output(*sa, packet, next, m_rng, st);
        }
        else
        {
            if (!ahHeader)
            {
                ahHeader = ctx.ahHeader(static_cast<uint8_t>(sas.back()->params.proto));
            }
            v = IpsecAh::Output(*sa, packet, next, v6, ahHeader, st);
        }
        if (!v.Ok())
        {
            NotifyDrop(packet, v6, v.counter, v.reason);
            r.verdict = Verdict::DROP;
            return r;
        }
        next = static_cast<uint8_t>(sa->params.proto);
        sa->RecordUse(packet->GetSize() + ctx.ipHeaderLength, Simulator::Now());
        m_outputTrace(packet, next, sa->params.spi);
    }
    r.verdict = Verdict::PROTECTED;
    r.packet = packet;
    r.protocol = next;
    return r;
}

} // namespace ns3
