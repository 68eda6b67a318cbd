/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-list-routing.h"

#include "ipsec-ipv4-l3-protocol.h"
#include "ipsec-ipv6-l3-protocol.h"
#include "ipsec-policed-l4.h"
#include "ipsec-stack.h"
#include "ipsec-udp-encap.h"
#include "ns3/ipv4-route.h"
#include "ns3/ipv6-route.h"
#include "ns3/log.h"

#include <type_traits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecListRouting");

namespace
{

/**
 * ip_input and ip6_input (RFC 1122 section 3.2.1.3): nothing from a
 * multicast source, to this node or through it (ips_badaddr,
 * ip6s_badscope).  ns-3 3.37 forwards and delivers such a datagram, and
 * crashes when it answers one with an ICMP or ICMPv6 error (its route to a
 * link-local multicast address reads an interface it does not have).
 * @return true when the datagram from @p source was dropped (and traced)
 */
template <typename Address>
bool
DroppedForMulticastSource(IpsecStack& ipsec, Ptr<const Packet> p, Address source)
{
    if (!source.IsMulticast())
    {
        return false;
    }
    constexpr bool v6 = std::is_same_v<Address, Ipv6Address>;
    ipsec.NotifyDrop(p,
                     v6,
                     v6 ? IpsecDropReason::IP6_BAD_SCOPE : IpsecDropReason::IP_BAD_ADDRESS,
                     "a multicast source address (" + IpsecAddress(source).ToString() + ")");
    return true;
}

} // namespace

NS_OBJECT_ENSURE_REGISTERED(IpsecIpv4ListRouting);
NS_OBJECT_ENSURE_REGISTERED(IpsecIpv6ListRouting);

TypeId
IpsecIpv4ListRouting::GetTypeId()
{
    static TypeId tid = TypeId("ns3::IpsecIpv4ListRouting")
                            .SetParent<Ipv4ListRouting>()
                            .SetGroupName("Ipsec")
                            .AddConstructor<IpsecIpv4ListRouting>();
    return tid;
}

void
IpsecIpv4ListRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    m_ipv4 = ipv4;
    // Found once: RouteInput needs it for every datagram.
    m_l3 = ipv4 ? PeekPointer(ipv4->GetObject<IpsecIpv4L3Protocol>()) : nullptr;
    Ipv4ListRouting::SetIpv4(ipv4);
}

void
IpsecIpv4ListRouting::DoDispose()
{
    m_ipv4 = nullptr;
    m_l3 = nullptr;
    m_forward.Nullify();
    m_ucb.Nullify();
    Ipv4ListRouting::DoDispose();
}

bool
IpsecIpv4ListRouting::RouteInput(Ptr<const Packet> p,
                                 const Ipv4Header& header,
                                 Ptr<const NetDevice> idev,
                                 UnicastForwardCallback ucb,
                                 MulticastForwardCallback mcb,
                                 LocalDeliverCallback lcb,
                                 ErrorCallback ecb)
{
    if (!m_l3 || !m_l3->GetIpsec())
    {
        return Ipv4ListRouting::RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
    }
    if (DroppedForMulticastSource(*m_l3->GetIpsec(), p, header.GetSource()))
    {
        return true;
    }
    if (m_forward.IsNull() || !ucb.IsEqual(m_ucb))
    {
        IpsecIpv4L3Protocol* l3 = m_l3; // lives as long as this routing protocol
        m_ucb = ucb;
        m_forward = UnicastForwardCallback(
            [l3, ucb](Ptr<Ipv4Route> route, Ptr<const Packet> packet, const Ipv4Header& h)
            {
                Ptr<IpsecStack> ipsec = l3->GetIpsec();
                Ptr<Packet> copy = packet->Copy();
                bool ok = ipsec->CheckInbound(copy,
                                              IpsecAddress(h.GetSource()),
                                              IpsecAddress(h.GetDestination()),
                                              h.GetProtocol(),
                                              true,
                                              nullptr,
                                              IpsecIpHeader::FromIpv4(h).fragField);
                IpsecStripHistory(copy); // the marks never leave this node
                if (ok)
                {
                    l3->ForwardWithIpsec(route, copy, h, ucb);
                }
            });
    }
    uint8_t proto = header.GetProtocol();
    if (p->GetByteTagIterator().HasNext()
        && (proto == 50 || proto == 51 || proto == 108 || (proto == 17 && IsUdpEncapEsp(p))))
    {
        // A flow probe would report the protected datagram's local delivery
        // as its flow's arrival (its addresses are the plaintext's in
        // transport mode): the byte tags wait for the decapsulated datagram.
        Ptr<IpsecStack> ipsec = m_l3->GetIpsec();
        LocalDeliverCallback deliver = lcb;
        lcb = LocalDeliverCallback(
            [ipsec, deliver](Ptr<const Packet> packet, const Ipv4Header& h, uint32_t iif)
            {
                ipsec->HoldByteTags(packet);
                Ptr<Packet> bare = packet->Copy();
                bare->RemoveAllByteTags();
                deliver(bare, h, iif);
            });
    }
    return Ipv4ListRouting::RouteInput(p, header, idev, m_forward, mcb, lcb, ecb);
}

bool
IpsecIpv4ListRouting::IsUdpEncapEsp(Ptr<const Packet> p) const
{
    uint16_t sport = 0;
    uint16_t dport = 0;
    Ptr<IpsecStack> ipsec = m_l3 ? m_l3->GetIpsec() : nullptr;
    return ipsec && IpsecPeekPorts(p, &sport, &dport) && ipsec->IsUdpEncapPort(dport)
        && IpsecClassifyUdpEncap(p) == IpsecUdpEncapKind::ESP;
}

TypeId
IpsecIpv6ListRouting::GetTypeId()
{
    static TypeId tid = TypeId("ns3::IpsecIpv6ListRouting")
                            .SetParent<Ipv6ListRouting>()
                            .SetGroupName("Ipsec")
                            .AddConstructor<IpsecIpv6ListRouting>();
    return tid;
}

void
IpsecIpv6ListRouting::SetIpv6(Ptr<Ipv6> ipv6)
{
    m_ipv6 = ipv6;
    // Found once: RouteInput needs it for every datagram.
    m_l3 = ipv6 ? PeekPointer(ipv6->GetObject<IpsecIpv6L3Protocol>()) : nullptr;
    Ipv6ListRouting::SetIpv6(ipv6);
}

void
IpsecIpv6ListRouting::DoDispose()
{
    m_ipv6 = nullptr;
    m_l3 = nullptr;
    m_forward.Nullify();
    m_ucb.Nullify();
    Ipv6ListRouting::DoDispose();
}

bool
IpsecIpv6ListRouting::RouteInput(Ptr<const Packet> p,
                                 const Ipv6Header& header,
                                 Ptr<const NetDevice> idev,
                                 UnicastForwardCallback ucb,
                                 MulticastForwardCallback mcb,
                                 LocalDeliverCallback lcb,
                                 ErrorCallback ecb)
{
    if (!m_l3 || !m_l3->GetIpsec())
    {
        return Ipv6ListRouting::RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
    }
    if (DroppedForMulticastSource(*m_l3->GetIpsec(), p, header.GetSource()))
    {
        return true;
    }
    if (m_forward.IsNull() || !ucb.IsEqual(m_ucb))
    {
        IpsecIpv6L3Protocol* l3 = m_l3; // lives as long as this routing protocol
        m_ucb = ucb;
        m_forward = UnicastForwardCallback(
            [l3, ucb](Ptr<const NetDevice> in,
                      Ptr<Ipv6Route> route,
                      Ptr<const Packet> packet,
                      const Ipv6Header& h)
            {
                Ptr<IpsecStack> ipsec = l3->GetIpsec();
                Ptr<Packet> copy = packet->Copy();
                bool ok = ipsec->CheckInbound(copy,
                                              IpsecAddress(h.GetSource()),
                                              IpsecAddress(h.GetDestination()),
                                              h.GetNextHeader(),
                                              true);
                IpsecStripHistory(copy);
                if (ok)
                {
                    l3->ForwardWithIpsec(in, route, copy, h, ucb);
                }
            });
    }
    return Ipv6ListRouting::RouteInput(p, header, idev, m_forward, mcb, lcb, ecb);
}

} // namespace ns3
