/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-ipv4-l3-protocol.h"

#include "ipsec-ah.h"
#include "ipsec-l3-send.h"
#include "ipsec-private-access.h"
#include "ipsec-stack.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/socket.h"

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
    ctx.src = IpsecAddress(source);
    ctx.dst = IpsecAddress(destination);
    ctx.protocol = protocol;
    SocketIpTosTag tosTag;
    uint8_t tos = packet->PeekPacketTag(tosTag) ? tosTag.GetTos() : 0;
    bool clearTos = ipsec->GetAhClearTos();
    uint16_t offsetMask = ipsec->GetAhOffsetMask();
    ctx.ahHeader = [this, source, destination, tos, clearTos, offsetMask](uint8_t outerProto)
    {
        uint16_t id = IpsecPeekIpv4Identification(*this, source, destination, outerProto);
        IpsecAddress s(source);
        IpsecAddress d(destination);
        return IpsecIcvHeaderBuilder(
            [=](uint32_t payloadLength)
            {
                return IpsecAhIcvHeaderV4(tos,
                                          static_cast<uint16_t>(20 + payloadLength),
                                          id,
                                          0,
                                          s,
                                          d,
                                          clearTos,
                                          offsetMask);
            });
    };
    Ipv4Header plainHeader;
    plainHeader.SetSource(source);
    plainHeader.SetDestination(destination);
    plainHeader.SetProtocol(protocol);
    plainHeader.SetPayloadSize(packet->GetSize());
    plainHeader.SetTos(tos);
    plainHeader.SetTtl(64);
    IpsecProtectAndSend<Ipv4L3Protocol>(
        *this, m_depth, *ipsec, ctx, packet, source, destination, protocol, route, plainHeader);
}

} // namespace ns3
