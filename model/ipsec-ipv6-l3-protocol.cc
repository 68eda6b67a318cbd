/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-ipv6-l3-protocol.h"

#include "ipsec-ah.h"
#include "ipsec-l3-send.h"
#include "ns3/ipv6-route.h"
#include "ns3/log.h"

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
{
}

void
IpsecIpv6L3Protocol::DoDispose()
{
    m_ipsec = nullptr;
    Ipv6L3Protocol::DoDispose();
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
    ctx.src = IpsecAddress(source);
    ctx.dst = IpsecAddress(destination);
    ctx.protocol = protocol;
    ctx.ipHeaderLength = 40;
    IpsecAddress s(source);
    IpsecAddress d(destination);
    ctx.ahHeader = [s, d](uint8_t)
    {
        return IpsecIcvHeaderBuilder(
            [s, d](uint32_t payloadLength)
            {
                return IpsecAhIcvHeaderV6(static_cast<uint16_t>(payloadLength), s, d);
            });
    };
    Ipv6Header plainHeader;
    plainHeader.SetSource(source);
    plainHeader.SetDestination(destination);
    plainHeader.SetNextHeader(protocol);
    plainHeader.SetPayloadLength(packet->GetSize());
    plainHeader.SetHopLimit(64);
    IpsecProtectAndSend<Ipv6L3Protocol>(
        *this, m_depth, *ipsec, ctx, packet, source, destination, protocol, route, plainHeader);
}

} // namespace ns3
