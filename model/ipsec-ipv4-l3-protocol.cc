/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-ipv4-l3-protocol.h"

#include "ipsec-header-walk.h"
#include "ipsec-ipv6-l3-protocol.h"
#include "ipsec-l3-send.h"
#include "ipsec-private-access.h"
#include "ipsec-stack.h"
#include "ns3/icmpv4-l4-protocol.h"
#include "ns3/ipv6-route.h"
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
    , m_rawGate(false)
{
}

uint32_t
IpsecIpv4L3Protocol::AddInterface(Ptr<NetDevice> device)
{
    ForgetAddressMemos();
    return Ipv4L3Protocol::AddInterface(device);
}

bool
IpsecIpv4L3Protocol::AddAddress(uint32_t i, Ipv4InterfaceAddress address)
{
    ForgetAddressMemos();
    return Ipv4L3Protocol::AddAddress(i, address);
}

bool
IpsecIpv4L3Protocol::RemoveAddress(uint32_t interfaceIndex, uint32_t addressIndex)
{
    ForgetAddressMemos();
    return Ipv4L3Protocol::RemoveAddress(interfaceIndex, addressIndex);
}

bool
IpsecIpv4L3Protocol::RemoveAddress(uint32_t interface, Ipv4Address address)
{
    ForgetAddressMemos();
    return Ipv4L3Protocol::RemoveAddress(interface, address);
}

void
IpsecIpv4L3Protocol::ForgetAddressMemos()
{
    m_unicastMemo.valid = false;
    m_ifaceMemo.valid = false;
}

template <typename Answer, typename Ask>
Answer
IpsecIpv4L3Protocol::Remembered(AddressMemo<Answer>& memo, Ipv4Address address, Ask ask)
{
    if (!memo.valid || address != memo.address)
    {
        memo.address = address;
        memo.answer = ask(address);
        memo.valid = true;
    }
    return memo.answer;
}

int32_t
IpsecIpv4L3Protocol::GetInterfaceForAddress(Ipv4Address addr) const
{
    return Remembered(m_ifaceMemo,
                      addr,
                      [this](Ipv4Address a)
                      {
                          return Ipv4L3Protocol::GetInterfaceForAddress(a);
                      });
}

bool
IpsecIpv4L3Protocol::IsUnicastDestination(Ipv4Address destination)
{
    return Remembered(m_unicastMemo,
                      destination,
                      [this](Ipv4Address a)
                      {
                          return IsUnicast(a);
                      });
}

void
IpsecIpv4L3Protocol::DoDispose()
{
    m_ipsec = nullptr;
    Ipv4L3Protocol::DoDispose();
}

void
IpsecIpv4L3Protocol::EnableRawSocketGate()
{
    if (!m_rawGate)
    {
        m_rawGate = TraceConnectWithoutContext(
            "Rx", MakeCallback(&IpsecIpv4L3Protocol::GateRawSockets, this));
    }
}

void
IpsecIpv4L3Protocol::GateRawSockets(Ptr<const Packet> packet, Ptr<Ipv4>, uint32_t interface)
{
    Ptr<IpsecStack> ipsec = GetIpsec();
    if (!ipsec)
    {
        return;
    }
    ipsec->GetSocketPolicyRegistry()->RestoreRawSockets();
    if (!ipsec->GetSocketPolicyRegistry()->HasRawSockets(false))
    {
        return;
    }
    Ipv4Header header;
    if (Node::ChecksumEnabled())
    {
        header.EnableChecksum();
    }
    Ptr<Packet> payload = packet->Copy();
    if (payload->RemoveHeader(header) == 0 || !header.IsChecksumOk()
        || payload->GetSize() < header.GetPayloadSize())
    {
        return; // Receive drops it before any raw socket sees it
    }
    payload->RemoveAtEnd(payload->GetSize() - header.GetPayloadSize());
    ipsec->GetSocketPolicyRegistry()->GateRawDelivery(*ipsec,
                                                      payload,
                                                      IpsecAddress(header.GetSource()),
                                                      IpsecAddress(header.GetDestination()),
                                                      header.GetProtocol(),
                                                      GetNetDevice(interface));
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
    if (m_depth > 0 || !ipsec || !IsUnicastDestination(destination))
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
    ctx.header.ttl = packet->PeekPacketTag(ttlTag) ? ttlTag.GetTtl() : IpsecDefaultTtl(*this);
    SetIdentificationHooks(ctx);
    if (route)
    {
        ipsec->FitTcpSegmentSize(packet, ctx.header, route->GetOutputDevice()->GetMtu());
    }
    IpsecProtectAndSend<Ipv4L3Protocol>(*this, m_depth, *ipsec, ctx, packet, protocol, route);
}

void
IpsecIpv4L3Protocol::SendProtected(const IpsecStack::OutputResult& r, Ptr<Ipv4Route> route)
{
    if (r.header.IsV6())
    {
        // IPv4 inside an IPv6 tunnel: the outer datagram is IPv6's to send.
        if (Ptr<IpsecIpv6L3Protocol> ipv6 = GetObject<IpsecIpv6L3Protocol>())
        {
            ipv6->SendProtected(r, nullptr);
        }
        return;
    }
    uint32_t mtu = 0;
    if (SendProtectedChecked(r, route, false, &mtu) == SendStatus::TOO_BIG)
    {
        // ip_output's EMSGSIZE for a local datagram: nothing leaves.
        GetIpsec()->NotifyDrop(r.packet,
                               false,
                               IpsecDropReason::IP_MESSAGE_SIZE,
                               "DF datagram of " + std::to_string(r.packet->GetSize() + 20)
                                   + " bytes exceeds the MTU " + std::to_string(mtu));
    }
}

IpsecIpv4L3Protocol::SendStatus
IpsecIpv4L3Protocol::SendProtectedChecked(const IpsecStack::OutputResult& r,
                                          Ptr<Ipv4Route> route,
                                          bool forwarded,
                                          uint32_t* mtu)
{
    const IpsecIpHeader& h = r.header;
    Ptr<Packet> p = r.packet;
    Ipv4Address src = h.src.ToIpv4();
    Ipv4Address dst = h.dst.ToIpv4();
    SendStatus status = SendStatus::SENT;
    ++m_depth;
    if (!r.tunnelled && !forwarded && !h.haveId)
    {
        Ipv4L3Protocol::Send(p, src, dst, h.protocol, route);
    }
    else if (r.tunnelled && !h.df && !h.haveId)
    {
        // The outer header of a tunnel: TTL 64 and the TOS the ECN rules
        // gave; ns-3 routes it to the outer destination and fragments it.
        SocketIpTtlTag ttl;
        p->RemovePacketTag(ttl);
        ttl.SetTtl(h.ttl);
        p->AddPacketTag(ttl);
        SocketIpTosTag tos;
        p->RemovePacketTag(tos);
        tos.SetTos(h.tos);
        p->AddPacketTag(tos);
        Ipv4L3Protocol::Send(p, src, dst, h.protocol, nullptr);
    }
    else
    {
        // The header is written here: a DF outer header (ns-3's Send never
        // sets DF, and never refuses to fragment), a forwarded datagram
        // protected in transport mode, which keeps its own fields, or one
        // whose identification AH's ICV already covers (decided before it
        // waited on the crypto processor).
        IpsecIpHeader out = h;
        if (!out.haveId)
        {
            out.id = IpsecNextIpv4Identification(*this, src, dst, h.protocol);
        }
        Ipv4Header header = out.ToIpv4(p->GetSize());
        SocketIpTtlTag ttl;
        p->RemovePacketTag(ttl);
        SocketIpTosTag tos;
        p->RemovePacketTag(tos);
        if (r.tunnelled || !route)
        {
            Socket::SocketErrno err;
            route = GetRoutingProtocol()->RouteOutput(p, header, nullptr, err);
        }
        if (!route)
        {
            GetIpsec()->NotifyDrop(
                p, false, IpsecDropReason::IP_NO_ROUTE, "no route to " + h.dst.ToString());
            status = SendStatus::NO_ROUTE;
        }
        else if (h.df && p->GetSize() + 20 > route->GetOutputDevice()->GetMtu())
        {
            *mtu = route->GetOutputDevice()->GetMtu();
            status = SendStatus::TOO_BIG;
        }
        else
        {
            SendWithHeader(p, header, route);
        }
    }
    --m_depth;
    return status;
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
    Ptr<Packet> original = packet->Copy(); // ProcessOutput consumes the packet
    IpsecStack::OutputResult r = ipsec->ProcessOutput(packet, ctx);
    switch (r.verdict)
    {
        case IpsecStack::Verdict::DROP:
            return;
        case IpsecStack::Verdict::BYPASS:
            forward(route, original, header);
            return;
        case IpsecStack::Verdict::PROTECTED:
            break;
    }
    Ptr<IpsecIpv4L3Protocol> self = this;
    ipsec->AfterOutputCrypto(r,
                             [self, route, original, header](const IpsecStack::OutputResult& result)
                             {
                                 self->ForwardProtected(result, route, original, header);
                             });
}

void
IpsecIpv4L3Protocol::ForwardProtected(const IpsecStack::OutputResult& r,
                                      Ptr<Ipv4Route> route,
                                      Ptr<Packet> original,
                                      const Ipv4Header& header)
{
    Ptr<IpsecStack> ipsec = GetIpsec();
    if (r.header.IsV6())
    {
        SendProtected(r, nullptr); // the IPv6 outer header of a mixed-family tunnel
        return;
    }
    uint32_t mtu = 0;
    if (SendProtectedChecked(r, r.tunnelled ? nullptr : route, true, &mtu) != SendStatus::TOO_BIG)
    {
        return;
    }
    // ip_forward: ip_output refused a DF datagram (EMSGSIZE); the sender is
    // told the MTU less the IPsec overhead (ipsec4_hdrsiz).
    IpsecIpHeader ip = IpsecIpHeader::FromIpv4(header);
    uint32_t overhead = ipsec->OutputOverhead(IpsecPacketSelector(
        ip.src, ip.dst, header.GetProtocol(), original, ipsec->WalkRules(false, ip.fragField)));
    GetObject<Icmpv4L4Protocol>()->SendDestUnreachFragNeeded(
        header, original, mtu > overhead ? mtu - overhead : 68);
    ipsec->NotifyDrop(original,
                      false,
                      IpsecDropReason::IP_CANT_FRAGMENT,
                      "DF datagram too big once IPsec is added; fragmentation needed, MTU "
                          + std::to_string(mtu - overhead));
}

} // namespace ns3
