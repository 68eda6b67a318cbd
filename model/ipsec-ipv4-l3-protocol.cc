/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-ipv4-l3-protocol.h"

#include "ipsec-l3-send.h"
#include "ipsec-private-access.h"
#include "ipsec-stack.h"
#include "ns3/icmpv4-l4-protocol.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/socket.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecIpv4L3Protocol");
NS_OBJECT_ENSURE_REGISTERED(IpsecIpv4L3Protocol);

TypeId
IpsecIpv4L3Protocol::GetTypeId()
{
    static TypeId tid = TypeId("ns3::IpsecIpv4L3Protocol")
                            .SetParent<Ipv4L3Protocol>()
                            .SetGroupName("Ipsec")
                            .AddConstructor<IpsecIpv4L3Protocol>();
    return tid;
}

IpsecIpv4L3Protocol::IpsecIpv4L3Protocol()
    : m_depth(0)
{
}

void
IpsecIpv4L3Protocol::DoDispose()
{
    m_ipsec = nullptr;
    Ipv4L3Protocol::DoDispose();
}

Ptr<IpsecStack>
IpsecIpv4L3Protocol::GetIpsec()
{
    if (!m_ipsec)
    {
        m_ipsec = GetObject<IpsecStack>();
    }
    return m_ipsec;
}

void
IpsecIpv4L3Protocol::SetIdentificationHooks(IpsecStack::OutputContext& ctx)
{
    ctx.allocateId = [this](const IpsecIpHeader& h)
    {
        return IpsecNextIpv4Identification(*this, h.src.ToIpv4(), h.dst.ToIpv4(), h.protocol);
    };
    ctx.peekId = [this](const IpsecIpHeader& h)
    {
        return IpsecPeekIpv4Identification(*this, h.src.ToIpv4(), h.dst.ToIpv4(), h.protocol);
    };
}

void
IpsecIpv4L3Protocol::Send(Ptr<Packet> packet,
                          Ipv4Address source,
                          Ipv4Address destination,
                          uint8_t protocol,
                          Ptr<Ipv4Route> route)
{
    Ptr<IpsecStack> ipsec = GetIpsec();
    if (m_depth > 0 || !ipsec || !IsUnicast(destination))
    {
        Ipv4L3Protocol::Send(packet, source, destination, protocol, route);
        return;
    }
    if (source.IsAny() && route)
    {
        source = route->GetSource();
    }
    IpsecStack::OutputContext ctx;
    ctx.header.src = IpsecAddress(source);
    ctx.header.dst = IpsecAddress(destination);
    ctx.header.protocol = protocol;
    SocketIpTosTag tosTag;
    ctx.header.tos = packet->PeekPacketTag(tosTag) ? tosTag.GetTos() : 0;
    SocketIpTtlTag ttlTag;
    UintegerValue defaultTtl;
    GetAttribute("DefaultTtl", defaultTtl);
    ctx.header.ttl = packet->PeekPacketTag(ttlTag) ? ttlTag.GetTtl() : defaultTtl.Get();
    SetIdentificationHooks(ctx);
    Ipv4Header plainHeader = ctx.header.ToIpv4(packet->GetSize());
    IpsecProtectAndSend<Ipv4L3Protocol>(
        *this, m_depth, *ipsec, ctx, packet, protocol, route, plainHeader);
}

void
IpsecIpv4L3Protocol::SendProtected(const IpsecStack::OutputResult& r, Ptr<Ipv4Route> route)
{
    const IpsecIpHeader& h = r.header;
    Ptr<Packet> p = r.packet;
    Ipv4Address src = h.src.ToIpv4();
    Ipv4Address dst = h.dst.ToIpv4();
    ++m_depth;
    if (!r.tunnelled)
    {
        Ipv4L3Protocol::Send(p, src, dst, h.protocol, route);
        --m_depth;
        return;
    }
    // The outer header of a tunnel: TTL 64, the TOS the ECN rules gave, and
    // a route to the outer destination.
    SocketIpTtlTag ttl;
    p->RemovePacketTag(ttl);
    SocketIpTosTag tos;
    p->RemovePacketTag(tos);
    if (!h.df)
    {
        ttl.SetTtl(h.ttl);
        p->AddPacketTag(ttl);
        tos.SetTos(h.tos);
        p->AddPacketTag(tos);
        Ipv4L3Protocol::Send(p, src, dst, h.protocol, nullptr);
        --m_depth;
        return;
    }
    // ns-3's Send never sets DF: write the header here (dfbit 1, or 2 with DF inside).
    IpsecIpHeader outer = h;
    outer.id = IpsecNextIpv4Identification(*this, src, dst, h.protocol);
    Ipv4Header header = outer.ToIpv4(p->GetSize());
    Socket::SocketErrno err;
    Ptr<Ipv4Route> rt = GetRoutingProtocol()->RouteOutput(p, header, nullptr, err);
    if (!rt)
    {
        GetIpsec()->NotifyDrop(
            p, false, "(ips_noroute)", "no route to tunnel end " + h.dst.ToString());
    }
    else
    {
        SendWithHeader(p, header, rt);
    }
    --m_depth;
}

void
IpsecIpv4L3Protocol::ForwardWithIpsec(Ptr<Ipv4Route> route,
                                      Ptr<Packet> packet,
                                      const Ipv4Header& header,
                                      const Ipv4RoutingProtocol::UnicastForwardCallback& forward)
{
    Ptr<IpsecStack> ipsec = GetIpsec();
    if (header.GetTtl() <= 1)
    {
        forward(route, packet, header); // IpForward drops it and sends Time Exceeded
        return;
    }
    IpsecStack::OutputContext ctx;
    ctx.header = IpsecIpHeader::FromIpv4(header);
    ctx.header.ttl = header.GetTtl() - 1; // ip_forward decrements before ip_output
    ctx.forwarded = true;
    SetIdentificationHooks(ctx);
    // ip_forward: a DF datagram that no longer fits once IPsec is added gets
    // "fragmentation needed" with the MTU reduced by the IPsec overhead.
    if (header.IsDontFragment())
    {
        IpsecSelector sel;
        sel.src = ctx.header.src;
        sel.dst = ctx.header.dst;
        sel.prefs = sel.prefd = 32;
        sel.ulproto = header.GetProtocol();
        uint32_t overhead = ipsec->OutputOverhead(sel);
        uint32_t mtu = route->GetOutputDevice()->GetMtu();
        if (overhead > 0 && packet->GetSize() + 20 + overhead > mtu)
        {
            GetObject<Icmpv4L4Protocol>()->SendDestUnreachFragNeeded(
                header, packet, mtu - overhead);
            ipsec->NotifyDrop(packet,
                              false,
                              "(ips_cantfrag)",
                              "DF datagram too big once IPsec is added; fragmentation needed, MTU "
                                  + std::to_string(mtu - overhead));
            return;
        }
    }
    IpsecStack::OutputResult r = ipsec->ProcessOutput(packet, ctx);
    switch (r.verdict)
    {
        case IpsecStack::Verdict::DROP:
            return;
        case IpsecStack::Verdict::BYPASS:
            forward(route, packet, header);
            return;
        case IpsecStack::Verdict::PROTECTED:
            SendProtected(r, r.tunnelled ? nullptr : route);
            return;
    }
}

} // namespace ns3
