/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The input loop (KAME esp4_input/ah4_input/ipcomp4_input and their IPv6
 * twins, in the shape of Linux's xfrm_input): each IPsec header in turn
 * through its IpsecTransform, with the SA lookup and the anti-replay check
 * here; the marks and history left on the packet for the inbound policy
 * check (ipsec-inbound-policy.cc); a tunnel's end (ipsec4_tunnel_validate,
 * ECN egress).
 */
#include "ipsec-header-walk.h"
#include "ipsec-history-tag.h"
#include "ipsec-input-checks.h"
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

NS_LOG_COMPONENT_DEFINE("IpsecDecapsulate");

bool
IpsecStack::InputTransform(Ptr<Packet> packet,
                           const IpsecIpHeader& outer,
                           IpsecProto proto,
                           Ptr<IpsecSa>* sa,
                           IpsecTransformInput* in,
                           bool udpEncap)
{
    // One transform of the input loop (xfrm_input): the header's length
    // and SPI, the SA (key_allocsa), the replay check, the transform.
    bool v6 = outer.IsV6();
    IpsecStats& st = GetStats(v6);
    const IpsecTransform& xf = IpsecTransform::Get(proto);
    uint32_t spi = 0;
    IpsecVerdict v = xf.PeekSpi(packet, st, &spi);
    *sa = nullptr;
    if (v.Ok() && xf.SpiNamesSa(spi))
    {
        *sa = m_sad->LookupInbound(outer.dst, proto, spi);
    }
    if (v.Ok() && !*sa && xf.NeedsSa())
    {
        v = IPSEC_FAIL(st,
                       in_nosa,
                       "no " + IpsecProtoName(proto) + " SA for SPI " + std::to_string(spi) + " to "
                           + outer.dst.ToString());
    }
    if (v.Ok() && *sa && udpEncap)
    {
        // ESP in UDP (RFC 3948): NetBSD's key_allocsa matches a NAT-T SA
        // only with its ports, and ESP in UDP only a NAT-T SA.
        const IpsecSaParams& p = (*sa)->params;
        if (!p.IsUdpEncapsulated())
        {
            v = IPSEC_FAIL(st,
                           in_nosa,
                           "ESP in UDP for SPI " + std::to_string(spi) + " to "
                               + outer.dst.ToString() + ", whose SA is not UDP-encapsulated");
        }
        else if (p.nattSport != outer.encapSport || p.nattDport != outer.encapDport)
        {
            v = IPSEC_FAIL(st,
                           in_nosa,
                           "ESP in UDP for SPI " + std::to_string(spi) + " from port "
                               + std::to_string(outer.encapSport) + " to "
                               + std::to_string(outer.encapDport) + ", the SA's ports are "
                               + std::to_string(p.nattSport) + " and "
                               + std::to_string(p.nattDport));
        }
    }
    if (v.Ok() && *sa && !(*sa)->IsUsable())
    {
        // esp4_input/ah4_input: an SA neither mature nor dying.  key_allocsa
        // hands out only those, so this is as unreachable here as in KAME.
        v = IPSEC_FAIL(
            st, in_badspi, "SA for SPI " + std::to_string(spi) + " is neither mature nor dying");
    }
    IpsecInboundReplay replay;
    if (v.Ok() && *sa)
    {
        uint32_t seq = 0;
        bool check = false;
        v = xf.PeekSequence(**sa, packet, st, &seq, &check);
        if (v.Ok() && check)
        {
            replay = IpsecInboundReplay(PeekPointer(*sa), seq, &st, xf.ReplayCounter());
            v = replay.Check();
        }
    }
    if (v.Ok())
    {
        in->packet = packet;
        in->ipv6 = v6;
        in->outerHeaderSize = outer.Size();
        in->stats = &st;
        in->replay = &replay;
        in->deflate = DeflateStreams();
        in->scratch = &m_scratch;
        in->spi = spi;
        if (xf.CoversIpHeader())
        {
            // The ICV covers the outer header and the extension headers in
            // front of the transform as they are now (length of what is left).
            bool clearTos = m_ahClearTos;
            uint16_t mask = m_ahOffsetMask;
            const IpsecIpHeader& icvHeader = outer;
            in->icvHeader = [&icvHeader, clearTos, mask](uint32_t len)
            {
                return icvHeader.AhIcvBytes(len, clearTos, mask);
            };
        }
        try
        {
            v = xf.Input(PeekPointer(*sa), *in);
        }
        catch (const std::bad_alloc&)
        {
            // KAME: an mbuf allocation failed (in_nomem).
            v = IPSEC_FAIL(st, in_nomem, IpsecProtoName(proto) + " input: out of memory");
        }
        in->replay = nullptr;
        in->icvHeader = nullptr;
    }
    if (!v.Ok())
    {
        NotifyDrop(packet, v6, v);
        return false;
    }
    return true;
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
    // ipsec4_tunnel_validate: the SA is not a transport one, the inner header is
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
    // endpoints (the inner header of a nested tunnel) with its own.  Plain
    // IP-in-IP (no transform) only ends an IPComp tunnel that sent a
    // datagram uncompressed.  The SPD answers from its index of inbound
    // tunnel requests by endpoints.
    if (m_spd->FindInboundTunnel(outer.src, outer.dst, in.src, in.dst, sa != nullptr))
    {
        return true;
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
                   IpsecDropReason::IN_NO_MEMORY,
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
            NotifyDrop(packet,
                       v6,
                       IpsecDropReason::TRANSFORM_DISABLED,
                       IpsecProtoName(proto) + " input is disabled");
            return r;
        }
        if (tooDeep())
        {
            return r;
        }
        uint32_t wireBytes = packet->GetSize();
        IpsecTransformInput in;
        bool ok = InputTransform(packet, outer, proto, &sa, &in, outer.udpEncap && !transformed);
        if (IsCryptoTimed())
        {
            // A datagram that fails its transform has cost the work up to the
            // failure, counted here as the whole transform (the ICV is
            // computed before it is compared); one without an SA only the
            // fixed work.
            if (sa)
            {
                uint32_t wire = wireBytes + (proto == IpsecProto::AH ? outer.Size() : 0);
                uint32_t plain = ok && in.packet ? in.packet->GetSize() : 0;
                r.cpuCost += m_cpu->TransformTime(*sa, wire, plain, false);
            }
            else
            {
                r.cpuCost += m_cpu->CyclesTime(m_cpu->GetProfile().packetCycles);
                if (ok && proto == IpsecProto::IPCOMP)
                {
                    // A well-known CPI: inflated without an SA.
                    r.cpuCost += m_cpu->CompressionTime(in.packet->GetSize(), false);
                }
            }
        }
        if (!ok)
        {
            return r;
        }
        packet = in.packet;
        spi = in.spi;
        uint8_t next = in.nextHeader;
        uint8_t marks = in.marks;
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
            NotifyDrop(packet, v6, IpsecDropReason::NOT_DECAPSULATED, "not decapsulated: " + why);
            return r;
        }
        IpsecDropReason bad;
        if (innerV6 && !IpsecCheckIpv6Datagram(packet, m_ip6HdrNestLimit, &bad, &why))
        {
            // KAME's ip6_input would refuse it; ns-3's IPv6 input, which
            // gets the inner datagram next, trusts its lengths (and loops on
            // some of them).
            NotifyDrop(packet, v6, bad, "inner IPv6 datagram: " + why);
            return r;
        }
        // TCP options ns-3 cannot parse, as the host behind reads them
        // (ns-3 parses them on the way there, in its queue disc's flow hash).
        IpsecSanitizeInnerTcpOptions(packet, innerV6);
        if (!EcnDecapsulate(outer.tos, v6, packet, innerV6))
        {
            st.in_inval++;
            NotifyDrop(packet,
                       v6,
                       IpsecDropReason::IN_INVALID,
                       "ECN: congestion mark on a tunnel that forbids it");
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
    else if (outer.udpEncap && sa && (current == 6 || current == 17))
    {
        // A transport-mode ESP-in-UDP datagram: the TCP/UDP checksum covers
        // the addresses the sender used, not those a NAT left.
        const IpsecSaParams& p = sa->params;
        bool haveOa = p.nattOai.GetFamily() != IpsecAddress::NONE
                   || p.nattOar.GetFamily() != IpsecAddress::NONE;
        if (m_natOaChecksum && haveOa)
        {
            // RFC 3948 section 3.1.2: the incremental update from the
            // addresses the sender used (the SA's NAT-OA) to the received ones.
            IpsecFixTransportChecksum(
                packet,
                current,
                p.nattOai.GetFamily() != IpsecAddress::NONE ? p.nattOai : outer.src,
                p.nattOar.GetFamily() != IpsecAddress::NONE ? p.nattOar : outer.dst,
                outer.src,
                outer.dst);
        }
        else
        {
            // NetBSD's ipsec4_fixup_checksum: computed again over the
            // received addresses (ESP has authenticated the bytes).
            IpsecRecomputeTransportChecksum(packet, current, outer.src, outer.dst);
        }
    }
    else if (v6)
    {
        // Transport mode: ns-3's IPv6 input walks the headers after the
        // last transform next, as ip6_input goes on with the next header.
        IpsecDropReason bad;
        std::string why;
        if (!IpsecCheckIpv6Headers(packet, current, m_ip6HdrNestLimit, &bad, &why))
        {
            NotifyDrop(packet, v6, bad, "after the transforms: " + why);
            return r;
        }
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

} // namespace ns3
