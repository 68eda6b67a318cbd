/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-ipv6-l3-protocol.h"

#include "ipsec-ipv4-l3-protocol.h"
#include "ipsec-l3-send.h"
#include "ns3/icmpv6-l4-protocol.h"
#include "ns3/ipv6-route.h"
#include "ns3/log.h"
#include "ns3/socket.h"
#include "ns3/uinteger.h"

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
{
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
    if (route)
    {
        ipsec->FitTcpSegmentSize(packet, ctx.header, route->GetOutputDevice()->GetMtu());
    }
    Ipv6Header plainHeader = ctx.header.ToIpv6(packet->GetSize());
    IpsecProtectAndSend<Ipv6L3Protocol>(
        *this, m_depth, *ipsec, ctx, packet, protocol, route, plainHeader);
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
            GetIpsec()->NotifyDrop(
                p, true, "out_noroute", "no route to tunnel end " + h.dst.ToString());
            --m_depth;
            return;
        }
    }
    Ipv6L3Protocol::Send(p, h.src.ToIpv6(), h.dst.ToIpv6(), h.protocol, route);
    --m_depth;
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
    // ip6_forward: too big once IPsec is added -> Packet Too Big with the MTU
    // reduced by the IPsec overhead (routers never fragment IPv6).
    uint32_t overhead = ipsec->OutputOverhead(IpsecPacketSelector(
        ctx.header.src, ctx.header.dst, header.GetNextHeader(), packet, false, false));
    uint32_t mtu = route->GetOutputDevice()->GetMtu();
    if (overhead > 0 && packet->GetSize() + 40 + overhead > mtu)
    {
        Ptr<Packet> quoted = packet->Copy();
        quoted->AddHeader(header);
        GetIcmpv6()->SendErrorTooBig(quoted, header.GetSource(), mtu - overhead);
        ipsec->NotifyDrop(packet,
                          true,
                          "(ip6s_cantfrag)",
                          "too big once IPsec is added; Packet Too Big, MTU "
                              + std::to_string(mtu - overhead));
        return;
    }
    IpsecStack::OutputResult r = ipsec->ProcessOutput(packet, ctx);
    switch (r.verdict)
    {
        case IpsecStack::Verdict::DROP:
            return;
        case IpsecStack::Verdict::BYPASS:
            forward(idev, route, packet, header);
            return;
        case IpsecStack::Verdict::PROTECTED:
            SendProtected(r, r.tunnelled ? nullptr : route);
            return;
    }
}

} // namespace ns3
