/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Inbound processing: ESP/AH input (KAME esp4_input/ah4_input and their
 * IPv6 twins) with the marks and history they leave on the packet, and the
 * inbound policy check (ipsec_in_reject) the upper layers call before
 * delivery.
 */
#include "ipsec-esp.h"
#include "ipsec-history-tag.h"
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

IpsecStack::DecapResult
IpsecStack::Decapsulate(Ptr<Packet> packet,
                        uint8_t proto,
                        const IpsecAddress& src,
                        const IpsecAddress& dst,
                        const std::function<std::vector<uint8_t>(uint32_t)>& ahHeader)
{
    bool v6 = dst.IsV6();
    IpsecStats& st = GetStats(v6);
    DecapResult r;
    std::vector<IpsecHistoryEntry> history;
    uint8_t current = proto;
    while (current == static_cast<uint8_t>(IpsecProto::ESP)
           || current == static_cast<uint8_t>(IpsecProto::AH))
    {
        IpsecProto p = static_cast<IpsecProto>(current);
        uint32_t spi = 0;
        Ptr<IpsecSa> sa = FindInboundSa(packet, p, dst, v6, &spi);
        if (!sa)
        {
            return r;
        }
        uint32_t wireBytes = packet->GetSize();
        uint8_t next = 0;
        IpsecVerdict v = p == IpsecProto::ESP
                           ? IpsecEsp::Input(*sa, packet, &next, &r.marks, st)
                           : IpsecAh::Input(*sa, packet, v6, ahHeader, &next, &r.marks, st);
        if (!v.Ok())
        {
            NotifyDrop(packet, v6, v.counter, v.reason);
            return r;
        }
        sa->RecordUse(wireBytes, Simulator::Now());
        st.in_success++;
        history.push_back({p, spi, IpsecMode::TRANSPORT, src, dst});
        m_inputTrace(packet, current, spi);
        current = next;
    }
    r.ok = true;
    r.packet = packet;
    r.nextHeader = current;
    r.historyId = StoreHistory(std::move(history));
    IpsecHistoryTag tag(m_node ? m_node->GetId() : 0, r.marks, r.historyId);
    r.packet->ReplacePacketTag(tag);
    return r;
}

bool
IpsecStack::CheckInbound(Ptr<const Packet> packet,
                         const IpsecAddress& src,
                         const IpsecAddress& dst,
                         uint8_t protocol,
                         bool forwarded,
                         const void* socket)
{
    IpsecSelector sel;
    sel.src = src;
    sel.dst = dst;
    sel.prefs = sel.prefd = src.GetBits();
    IpsecFillUpperLayer(sel, protocol, packet, !forwarded, m_icmp6TypeCode);
    if (socket)
    {
        // KAME's per-socket policy cache: a miss after any SPD change or when
        // the selector differs from the socket's previous lookup.
        IpsecStats& st = GetStats(src.IsV6());
        st.spdcachelookup++;
        auto key = std::make_pair(m_spd->GetGeneration(), IpsecSpd::CacheKey(sel));
        auto it = m_socketCache.find(socket);
        if (it == m_socketCache.end() || it->second != key)
        {
            st.spdcachemiss++;
            if (m_socketCache.size() >= 4096)
            {
                m_socketCache.clear(); // bounded: sockets come and go
            }
            m_socketCache[socket] = key;
        }
    }
    return CheckInbound(packet, sel);
}

bool
IpsecStack::CheckInbound(Ptr<const Packet> packet, const IpsecSelector& sel)
{
    bool v6 = sel.src.IsV6();
    IpsecStats& st = GetStats(v6);
    uint8_t marks = 0;
    IpsecHistoryTag tag;
    if (packet->PeekPacketTag(tag) && m_node && tag.GetNodeId() == m_node->GetId())
    {
        marks = tag.GetMarks();
    }
    Ptr<IpsecPolicy> policy = m_spd->Lookup(IpsecDirection::INBOUND, sel);
    m_policyTrace(IpsecDirection::INBOUND,
                  sel.src.ToString() + " " + sel.dst.ToString() + " " + std::to_string(sel.ulproto),
                  policy);
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
    else
    {
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
            why = "policy spid " + std::to_string(policy->id) + " requires ESP";
        }
        else if (needInteg && !needAuth && !(marks & IpsecHistoryTag::AUTH_DGRAM))
        {
            why = "policy spid " + std::to_string(policy->id) + " requires integrity";
        }
        else if (needAuth && !(marks & IpsecHistoryTag::AUTH_HDR))
        {
            why = "policy spid " + std::to_string(policy->id) + " requires AH";
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
