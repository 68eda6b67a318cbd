/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-ipv6-l3-protocol.h"

#include "ipsec-header-walk.h"
#include "ipsec-ipv4-l3-protocol.h"
#include "ipsec-ipv6-extension.h"
#include "ipsec-l3-send.h"
#include "ipsec-l4-protocol.h"
#include "ns3/icmpv6-l4-protocol.h"
#include "ns3/ipv4-route.h"
#include "ns3/ipv4-routing-protocol.h"
#include "ns3/ipv6-extension-demux.h"
#include "ns3/ipv6-extension.h"
#include "ns3/ipv6-route.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecIpv6L3Protocol");
NS_OBJECT_ENSURE_REGISTERED(IpsecIpv6L3Protocol);

TypeId
IpsecIpv6L3Protocol::GetTypeId()
{
    static TypeId tid = TypeId("ns3::IpsecIpv6L3Protocol")
                            .SetParent<Ipv6L3Protocol>()
                            .SetGroupName("Ipsec")
                            .AddConstructor<IpsecIpv6L3Protocol>();
    return tid;
}

IpsecIpv6L3Protocol::IpsecIpv6L3Protocol()
    : m_depth(0)
    , m_rawGate(false)
    , m_rxInterface(0)
    , m_rxNoted(false)
    , m_extensions(false)
{
}

void
IpsecIpv6L3Protocol::NotifyNewAggregate()
{
    if (!m_rxNoted)
    {
        // ns-3 does not tell an extension header's Process which interface
        // the datagram came in on; IPsec input needs it to re-inject the
        // inner one.  (Connected once the object has its TypeId.)
        m_rxNoted = TraceConnectWithoutContext(
            "Rx", MakeCallback(&IpsecIpv6L3Protocol::NoteReceive, this));
    }
    Ipv6L3Protocol::NotifyNewAggregate();
}

void
IpsecIpv6L3Protocol::NoteReceive(Ptr<const Packet>, Ptr<Ipv6>, uint32_t interface)
{
    m_rxInterface = interface;
    if (!m_extensions)
    {
        RegisterIpsecExtensions();
    }
}

void
IpsecIpv6L3Protocol::RegisterIpsecExtensions()
{
    // ESP, AH and IPComp as extension headers: ns-3 then calls them wherever
    // they are in the chain, with the headers in front.  Done before the
    // first datagram is processed rather than at installation: an
    // Ipv6Extension owns a random variable, and creating them with the
    // stack would shift the automatic stream numbers of every random
    // variable created after it (CSMA backoffs, ...), changing existing
    // simulations' results.
    m_extensions = true;
    Ptr<Ipv6ExtensionDemux> demux = GetObject<Ipv6ExtensionDemux>();
    if (!demux)
    {
        return;
    }
    for (int proto : {ipsecproto::ESP, ipsecproto::AH, ipsecproto::IPCOMP})
    {
        Ptr<IpsecL4Protocol> l4 = DynamicCast<IpsecL4Protocol>(GetProtocol(proto));
        if (l4)
        {
            Ptr<IpsecIpv6Extension> ext = CreateObject<IpsecIpv6Extension>();
            ext->SetNode(GetObject<Node>());
            ext->Setup(l4, this);
            demux->Insert(ext);
        }
    }
}

Ptr<NetDevice>
IpsecIpv6L3Protocol::GetReceivingDevice()
{
    return m_rxInterface < GetNInterfaces() ? GetNetDevice(m_rxInterface) : nullptr;
}

void
IpsecIpv6L3Protocol::DoDispose()
{
    m_ipsec = nullptr;
    Ipv6L3Protocol::DoDispose();
}

void
IpsecIpv6L3Protocol::EnableRawSocketGate()
{
    if (!m_rawGate)
    {
        m_rawGate = TraceConnectWithoutContext(
            "Rx", MakeCallback(&IpsecIpv6L3Protocol::GateRawSockets, this));
    }
}

void
IpsecIpv6L3Protocol::GateRawSockets(Ptr<const Packet> packet, Ptr<Ipv6>, uint32_t interface)
{
    Ptr<IpsecStack> ipsec = GetIpsec();
    if (!ipsec)
    {
        return;
    }
    ipsec->GetSocketPolicyRegistry()->RestoreRawSockets();
    if (!ipsec->GetSocketPolicyRegistry()->HasRawSockets(true))
    {
        return;
    }
    Ipv6Header header;
    Ptr<Packet> payload = packet->Copy();
    if (payload->RemoveHeader(header) == 0 || payload->GetSize() < header.GetPayloadLength())
    {
        return;
    }
    payload->RemoveAtEnd(payload->GetSize() - header.GetPayloadLength());
    ipsec->GetSocketPolicyRegistry()->GateRawDelivery(*ipsec,
                                                      payload,
                                                      IpsecAddress(header.GetSource()),
                                                      IpsecAddress(header.GetDestination()),
                                                      header.GetNextHeader(),
                                                      GetNetDevice(interface));
}

void
IpsecIcmp6AdminProhibited(Ptr<Icmpv6L4Protocol> icmp,
                          Ptr<const Packet> payload,
                          const Ipv6Header& header)
{
    if (!icmp)
    {
        return;
    }
    if (header.GetNextHeader() == Icmpv6L4Protocol::PROT_NUMBER)
    {
        uint8_t type = 0;
        if (payload->GetSize() == 0 || (payload->CopyData(&type, 1), type < 128))
        {
            return; // an ICMPv6 error (types 0..127)
        }
    }
    Ptr<Packet> offending = payload->Copy();
    offending->AddHeader(header);
    icmp->SendErrorDestinationUnreachable(
        offending, header.GetSource(), Icmpv6Header::ICMPV6_ADM_PROHIBITED);
}

void
IpsecIpv6L3Protocol::SetIdentificationHooks(IpsecStack::OutputContext& ctx)
{
    // An IPv4 outer header of a mixed-family tunnel takes its identification
    // from IPv4 (AH covers it).
    if (Ptr<IpsecIpv4L3Protocol> ipv4 = GetObject<IpsecIpv4L3Protocol>())
    {
        ipv4->SetIdentificationHooks(ctx);
    }
}

Ptr<IpsecStack>
IpsecIpv6L3Protocol::GetIpsec()
{
    if (!m_ipsec)
    {
        m_ipsec = GetObject<IpsecStack>();
    }
    return m_ipsec;
}

void
IpsecIpv6L3Protocol::Send(Ptr<Packet> packet,
                          Ipv6Address source,
                          Ipv6Address destination,
                          uint8_t protocol,
                          Ptr<Ipv6Route> route)
{
    Ptr<IpsecStack> ipsec = GetIpsec();
    if (m_depth > 0 || !ipsec || destination.IsMulticast() || source.IsAny())
    {
        Ipv6L3Protocol::Send(packet, source, destination, protocol, route);
        return;
    }
    IpsecStack::OutputContext ctx;
    ctx.header.src = IpsecAddress(source);
    ctx.header.dst = IpsecAddress(destination);
    ctx.header.protocol = protocol;
    SocketIpv6TclassTag tclass;
    ctx.header.tos = packet->PeekPacketTag(tclass) ? tclass.GetTclass() : 0;
    SocketIpv6HopLimitTag hopLimit;
    ctx.header.ttl
        = packet->PeekPacketTag(hopLimit) ? hopLimit.GetHopLimit() : IpsecDefaultTtl(*this);
    SetIdentificationHooks(ctx);
    if (route)
    {
        ipsec->FitTcpSegmentSize(packet, ctx.header, route->GetOutputDevice()->GetMtu());
    }
    uint32_t pmtu = ipsec->GetFragmentBeforeTunnel() ? IpsecLearnedIpv6Pmtu(*this, destination) : 0;
    if (pmtu > 0 && packet->GetSize() + 40 > pmtu
        && SendFragmentsToTunnel(ctx, packet, route, pmtu))
    {
        return;
    }
    IpsecProtectAndSend<Ipv6L3Protocol>(*this, m_depth, *ipsec, ctx, packet, protocol, route);
}

bool
IpsecIpv6L3Protocol::SendFragmentsToTunnel(const IpsecStack::OutputContext& ctx,
                                           Ptr<Packet> packet,
                                           Ptr<Ipv6Route> route,
                                           uint32_t pmtu)
{
    // Only a datagram that a tunnel will carry: in transport mode (and in
    // clear) ns-3 fragments the datagram on its way out, to the same PMTU.
    Ptr<IpsecPolicy> policy = GetIpsec()->PeekOutputPolicy(packet, ctx.header);
    bool tunnel = false;
    for (const IpsecRequest& req : policy ? policy->requests : std::vector<IpsecRequest>{})
    {
        tunnel = tunnel || req.mode == IpsecMode::TUNNEL;
    }
    Ptr<Ipv6ExtensionDemux> demux = GetObject<Ipv6ExtensionDemux>();
    Ptr<Ipv6ExtensionFragment> fragmenter
        = demux ? DynamicCast<Ipv6ExtensionFragment>(
              demux->GetExtension(Ipv6ExtensionFragment::EXT_NUMBER))
                : nullptr;
    if (!tunnel || !fragmenter)
    {
        return false;
    }
    // The source fragments its datagram (RFC 8200 section 4.5) before the
    // tunnel takes it; every fragment gets the datagram's policy.
    std::list<Ipv6ExtensionFragment::Ipv6PayloadHeaderPair> fragments;
    fragmenter->GetFragments(packet, ctx.header.ToIpv6(packet->GetSize()), pmtu, fragments);
    NS_LOG_LOGIC("datagram of " << packet->GetSize() + 40 << " bytes to " << ctx.header.dst
                                << " fragmented to its path MTU " << pmtu
                                << " before the tunnel: " << fragments.size() << " fragments");
    for (auto& [fragment, header] : fragments)
    {
        IpsecStack::OutputContext fctx = ctx;
        fctx.header.protocol = header.GetNextHeader();
        fctx.policy = policy;
        IpsecProtectAndSend<Ipv6L3Protocol>(
            *this, m_depth, *GetIpsec(), fctx, fragment, header.GetNextHeader(), route, &header);
    }
    return true;
}

void
IpsecIpv6L3Protocol::SendProtected(const IpsecStack::OutputResult& r, Ptr<Ipv6Route> route)
{
    const IpsecIpHeader& h = r.header;
    Ptr<Packet> p = r.packet;
    if (!h.IsV6())
    {
        // IPv6 inside an IPv4 tunnel: the outer datagram is IPv4's to send.
        if (Ptr<IpsecIpv4L3Protocol> ipv4 = GetObject<IpsecIpv4L3Protocol>())
        {
            ipv4->SendProtected(r, nullptr);
        }
        return;
    }
    ++m_depth;
    if (r.tunnelled)
    {
        SocketIpv6HopLimitTag hopLimit;
        p->RemovePacketTag(hopLimit);
        hopLimit.SetHopLimit(h.ttl);
        p->AddPacketTag(hopLimit);
        SocketIpv6TclassTag tclass;
        p->RemovePacketTag(tclass);
        tclass.SetTclass(h.tos);
        p->AddPacketTag(tclass);
        Socket::SocketErrno err;
        Ipv6Header header = h.ToIpv6(p->GetSize());
        route = GetRoutingProtocol()->RouteOutput(p, header, nullptr, err);
        if (!route)
        {
            // KAME ipsec6_output_tunnel: out_noroute
            GetIpsec()->GetStats(true).out_noroute++;
            GetIpsec()->NotifyDrop(p,
                                   true,
                                   IpsecDropReason::OUT_NO_ROUTE,
                                   "no route to tunnel end " + h.dst.ToString());
            --m_depth;
            return;
        }
    }
    Ipv6L3Protocol::Send(p, h.src.ToIpv6(), h.dst.ToIpv6(), h.protocol, route);
    --m_depth;
}

void
IpsecIpv6L3Protocol::SendTooBig(Ptr<IpsecStack> ipsec,
                                Ptr<const Packet> original,
                                const Ipv6Header& header,
                                uint32_t mtu)
{
    // ip6_forward: the link MTU less ipsec6_hdrsiz of the original datagram,
    // never below the IPv6 minimum MTU.
    uint32_t overhead
        = ipsec->OutputOverhead(IpsecPacketSelector(IpsecAddress(header.GetSource()),
                                                    IpsecAddress(header.GetDestination()),
                                                    header.GetNextHeader(),
                                                    original,
                                                    ipsec->WalkRules(false)));
    uint32_t reported = std::max<uint32_t>(overhead < mtu ? mtu - overhead : mtu, 1280);
    Ptr<Packet> quoted = original->Copy();
    quoted->AddHeader(header);
    GetIcmpv6()->SendErrorTooBig(quoted, header.GetSource(), reported);
    ipsec->NotifyDrop(original,
                      true,
                      IpsecDropReason::IP6_TOO_BIG,
                      "too big for the link MTU " + std::to_string(mtu)
                          + " once IPsec is added; Packet Too Big, MTU "
                          + std::to_string(reported));
}

void
IpsecIpv6L3Protocol::ForwardWithIpsec(Ptr<const NetDevice> idev,
                                      Ptr<Ipv6Route> route,
                                      Ptr<Packet> packet,
                                      const Ipv6Header& header,
                                      const Ipv6RoutingProtocol::UnicastForwardCallback& forward)
{
    Ptr<IpsecStack> ipsec = GetIpsec();
    if (header.GetHopLimit() <= 1)
    {
        forward(idev, route, packet, header); // IpForward: Time Exceeded
        return;
    }
    IpsecStack::OutputContext ctx;
    ctx.header = IpsecIpHeader::FromIpv6(header);
    ctx.header.ttl = header.GetHopLimit() - 1;
    ctx.forwarded = true;
    SetIdentificationHooks(ctx);
    Ptr<Packet> original = packet->Copy(); // tunnel encapsulation writes into packet
    IpsecStack::OutputResult r = ipsec->ProcessOutput(packet, ctx);
    switch (r.verdict)
    {
        case IpsecStack::Verdict::DROP:
            return;
        case IpsecStack::Verdict::BYPASS:
            if (original->GetSize() + 40 > route->GetOutputDevice()->GetMtu())
            {
                // ns-3's IpForward answers with Packet Too Big and drops it
                // without a trace: say so here (KAME: ifs6_in_toobig).
                ipsec->NotifyDrop(original,
                                  true,
                                  IpsecDropReason::IP6_TOO_BIG,
                                  "too big for the link MTU "
                                      + std::to_string(route->GetOutputDevice()->GetMtu())
                                      + "; Packet Too Big");
            }
            forward(idev, route, original, header);
            return;
        case IpsecStack::Verdict::PROTECTED:
            break;
    }
    Ptr<IpsecIpv6L3Protocol> self = this;
    ipsec->AfterOutputCrypto(r,
                             [self, route, original, header](const IpsecStack::OutputResult& result)
                             {
                                 self->ForwardProtected(result, route, original, header);
                             });
}

void
IpsecIpv6L3Protocol::ForwardProtected(const IpsecStack::OutputResult& r,
                                      Ptr<Ipv6Route> route,
                                      Ptr<Packet> original,
                                      const Ipv6Header& header)
{
    Ptr<IpsecStack> ipsec = GetIpsec();
    // ip6_forward after ipsec6_output_tunnel: a router never fragments an
    // IPv6 datagram, so one that no longer fits the outgoing link (an IPv6
    // outer header, or an IPv4 one with DF) goes back as Packet Too Big.
    const IpsecIpHeader& h = r.header;
    if (h.IsV6() || h.df)
    {
        uint32_t mtu = 0;
        if (!r.tunnelled)
        {
            mtu = route->GetOutputDevice()->GetMtu();
        }
        else if (h.IsV6())
        {
            Socket::SocketErrno err;
            Ipv6Header outer = h.ToIpv6(r.packet->GetSize());
            Ptr<Ipv6Route> out = GetRoutingProtocol()->RouteOutput(r.packet, outer, nullptr, err);
            mtu = out ? out->GetOutputDevice()->GetMtu() : 0;
        }
        else if (Ptr<Ipv4> ipv4 = GetObject<Ipv4>())
        {
            Socket::SocketErrno err;
            Ipv4Header outer = h.ToIpv4(r.packet->GetSize());
            Ptr<Ipv4Route> out
                = ipv4->GetRoutingProtocol()->RouteOutput(r.packet, outer, nullptr, err);
            mtu = out ? out->GetOutputDevice()->GetMtu() : 0;
        }
        bool fits = mtu == 0 || r.packet->GetSize() + h.Size() <= mtu;
        // RFC 2473 section 7.1: a tunnel entry point fragments the tunnel
        // packet of a datagram no larger than the minimum MTU.
        bool fragmentTunnel = ipsec->GetIpv6TunnelTooBig() == IpsecTunnelTooBig::RFC_2473
                           && r.tunnelled && h.IsV6() && original->GetSize() + 40 <= 1280;
        if (!fits && !fragmentTunnel)
        {
            SendTooBig(ipsec, original, header, mtu);
            return;
        }
    }
    SendProtected(r, r.tunnelled ? nullptr : route);
}

} // namespace ns3
