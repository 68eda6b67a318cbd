/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The NAT box's routing protocol wrapper (see ipv4-nat-routing.h).
 */
#include "ipv4-nat-routing.h"

#include "ipv4-nat.h"
#include "ns3/ipv4-route.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/net-device.h"
#include "ns3/output-stream-wrapper.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("Ipv4NatRouting");
NS_OBJECT_ENSURE_REGISTERED(Ipv4NatRouting);

TypeId
Ipv4NatRouting::GetTypeId()
{
    static TypeId tid = TypeId("ns3::Ipv4NatRouting")
                            .SetParent<Ipv4RoutingProtocol>()
                            .SetGroupName("Ipsec")
                            .AddConstructor<Ipv4NatRouting>();
    return tid;
}

Ipv4NatRouting::Ipv4NatRouting() = default;
Ipv4NatRouting::~Ipv4NatRouting() = default;

void
Ipv4NatRouting::SetInner(Ptr<Ipv4RoutingProtocol> inner)
{
    m_inner = inner;
}

Ptr<Ipv4RoutingProtocol>
Ipv4NatRouting::GetInner() const
{
    return m_inner;
}

void
Ipv4NatRouting::SetNat(Ptr<Ipv4Nat> nat)
{
    m_nat = nat;
}

void
Ipv4NatRouting::DoDispose()
{
    if (m_inner)
    {
        m_inner->Dispose();
    }
    m_inner = nullptr;
    m_nat = nullptr;
    m_ipv4 = nullptr;
    m_ucb.Nullify();
    m_forward.Nullify();
    Ipv4RoutingProtocol::DoDispose();
}

Ptr<Ipv4Route>
Ipv4NatRouting::RouteOutput(Ptr<Packet> p,
                            const Ipv4Header& header,
                            Ptr<NetDevice> oif,
                            Socket::SocketErrno& sockerr)
{
    return m_inner->RouteOutput(p, header, oif, sockerr);
}

bool
Ipv4NatRouting::RouteInput(Ptr<const Packet> p,
                           const Ipv4Header& header,
                           Ptr<const NetDevice> idev,
                           UnicastForwardCallback ucb,
                           MulticastForwardCallback mcb,
                           LocalDeliverCallback lcb,
                           ErrorCallback ecb)
{
    if (!m_nat || !m_ipv4)
    {
        return m_inner->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
    }
    int32_t iif = m_ipv4->GetInterfaceForDevice(idev);
    if (iif >= 0 && m_nat->IsOutsideInterface(iif))
    {
        Ptr<const Packet> packet = p;
        Ipv4Header h = header;
        switch (m_nat->Inbound(packet, h))
        {
            case Ipv4Nat::DROPPED:
                return true; // counted and traced by the NAT
            case Ipv4Nat::TRANSLATED:
                // Now addressed to an inside host: the inner protocol forwards it.
                return m_inner->RouteInput(packet, h, idev, ucb, mcb, lcb, ecb);
            case Ipv4Nat::PASS:
                break;
        }
        return m_inner->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
    }
    if (iif >= 0 && m_nat->IsInsideInterface(iif))
    {
        if (m_forward.IsNull() || !ucb.IsEqual(m_ucb))
        {
            m_ucb = ucb;
            m_forward = MakeCallback(&Ipv4NatRouting::ForwardFromInside, this);
        }
        return m_inner->RouteInput(p, header, idev, m_forward, mcb, lcb, ecb);
    }
    return m_inner->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
}

void
Ipv4NatRouting::ForwardFromInside(Ptr<Ipv4Route> route, Ptr<const Packet> p, const Ipv4Header& h)
{
    if (m_nat && route && route->GetOutputDevice())
    {
        int32_t oif = m_ipv4->GetInterfaceForDevice(route->GetOutputDevice());
        if (oif >= 0 && m_nat->IsOutsideInterface(oif))
        {
            Ptr<const Packet> packet = p;
            Ipv4Header header = h;
            switch (m_nat->Outbound(packet, header))
            {
                case Ipv4Nat::DROPPED:
                    return;
                case Ipv4Nat::TRANSLATED:
                    m_ucb(route, packet, header);
                    return;
                case Ipv4Nat::PASS:
                    break;
            }
        }
    }
    m_ucb(route, p, h);
}

void
Ipv4NatRouting::NotifyInterfaceUp(uint32_t interface)
{
    m_inner->NotifyInterfaceUp(interface);
}

void
Ipv4NatRouting::NotifyInterfaceDown(uint32_t interface)
{
    m_inner->NotifyInterfaceDown(interface);
}

void
Ipv4NatRouting::NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address)
{
    m_inner->NotifyAddAddress(interface, address);
}

void
Ipv4NatRouting::NotifyRemoveAddress(uint32_t interface, Ipv4InterfaceAddress address)
{
    m_inner->NotifyRemoveAddress(interface, address);
}

void
Ipv4NatRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    // The inner protocol already has the node's IPv4 (it was the node's
    // protocol; ns-3's protocols assert on a second SetIpv4).
    m_ipv4 = ipv4;
}

void
Ipv4NatRouting::PrintRoutingTable(Ptr<OutputStreamWrapper> stream, Time::Unit unit) const
{
    *stream->GetStream() << "Ipv4NatRouting (NAT box) wrapping:\n";
    m_inner->PrintRoutingTable(stream, unit);
}

} // namespace ns3
