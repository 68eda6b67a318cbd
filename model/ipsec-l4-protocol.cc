/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-l4-protocol.h"

#include "ipsec-input-checks.h"
#include "ipsec-list-routing.h"
#include "ipsec-packet-util.h"
#include "ipsec-private-access.h"
#include "ipsec-stack.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv6-interface.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/log.h"
#include "ns3/node.h"

#include <memory>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecL4Protocol");
NS_OBJECT_ENSURE_REGISTERED(IpsecL4Protocol);

TypeId
IpsecL4Protocol::GetTypeId()
{
    static TypeId tid = TypeId("ns3::IpsecL4Protocol")
                            .SetParent<IpL4Protocol>()
                            .SetGroupName("Ipsec")
                            .AddConstructor<IpsecL4Protocol>();
    return tid;
}

IpsecL4Protocol::IpsecL4Protocol()
    : m_protocol(50)
{
}

void
IpsecL4Protocol::Setup(Ptr<IpsecStack> ipsec, uint8_t protocol)
{
    m_ipsec = ipsec;
    m_protocol = protocol;
}

void
IpsecL4Protocol::DoDispose()
{
    m_ipsec = nullptr;
    m_ipv4 = nullptr;
    m_downTarget = IpL4Protocol::DownTargetCallback();
    m_downTarget6 = IpL4Protocol::DownTargetCallback6();
    IpL4Protocol::DoDispose();
}

int
IpsecL4Protocol::GetProtocolNumber() const
{
    return m_protocol;
}

enum IpL4Protocol::RxStatus
IpsecL4Protocol::Receive(Ptr<Packet> p,
                         const Ipv4Header& header,
                         Ptr<Ipv4Interface> incomingInterface)
{
    NS_LOG_FUNCTION(this << p << header);
    IpsecIpHeader outer = IpsecIpHeader::FromIpv4(header);
    outer.protocol = m_protocol;
    outer.fragField &= 0x4000; // reassembled: only DF is left of the fragment fields
    Input(p, outer, incomingInterface->GetDevice());
    return IpL4Protocol::RX_OK; // delivered, or dropped and counted
}

void
IpsecL4Protocol::ReceiveUdpEncap(Ptr<Packet> p,
                                 const Ipv4Header& header,
                                 Ptr<Ipv4Interface> incomingInterface,
                                 uint16_t sport,
                                 uint16_t dport)
{
    NS_LOG_FUNCTION(this << p << header << sport << dport);
    IpsecIpHeader outer = IpsecIpHeader::FromIpv4(header);
    outer.protocol = m_protocol;
    outer.fragField &= 0x4000;
    outer.udpEncap = true;
    outer.encapSport = sport;
    outer.encapDport = dport;
    Input(p, outer, incomingInterface->GetDevice());
}

enum IpL4Protocol::RxStatus
IpsecL4Protocol::Receive(Ptr<Packet> p,
                         const Ipv6Header& header,
                         Ptr<Ipv6Interface> incomingInterface)
{
    NS_LOG_FUNCTION(this << p << header);
    // ns-3 has processed (and removed) any extension headers in front: the
    // header's next header is the first of them, this receiver's protocol
    // is what p starts with.
    IpsecIpHeader outer = IpsecIpHeader::FromIpv6(header);
    outer.protocol = m_protocol;
    Input(p, outer, incomingInterface->GetDevice());
    return IpL4Protocol::RX_OK;
}

void
IpsecL4Protocol::Input(Ptr<Packet> payload, const IpsecIpHeader& outer, Ptr<NetDevice> device)
{
    m_ipsec->GetSocketPolicyRegistry()->RestoreRawSockets(); // raw sockets had their copy
    if (outer.IsV6())
    {
        // ip6_input's address checks, which ns-3's IPv6 input does not make:
        // what is left after the transforms goes back to it with these
        // addresses (transport mode), and an error it answers to a multicast
        // source crashes it.
        uint8_t src[16];
        uint8_t dst[16];
        outer.src.ToIpv6().Serialize(src);
        outer.dst.ToIpv6().Serialize(dst);
        IpsecDropReason bad;
        std::string why;
        if (!IpsecCheckIpv6Addresses(src, dst, &bad, &why))
        {
            m_ipsec->NotifyDrop(payload, true, bad, why);
            return;
        }
    }
    // The byte tags (flow probes') IpsecIpv4ListRouting held back go onto
    // what decapsulation leaves.
    Ptr<const Packet> byteTags
        = outer.IsV6() ? nullptr : m_ipsec->TakeHeldByteTags(payload->GetUid());
    if (!m_ipsec->IsCryptoTimed())
    {
        Deliver(m_ipsec->Decapsulate(payload, outer), outer, device, byteTags);
        return;
    }
    // The node's crypto processor decapsulates the datagram when a core is
    // free, and it goes on once that work's time has elapsed.
    Ptr<IpsecL4Protocol> self = this;
    auto r = std::make_shared<IpsecStack::DecapResult>();
    bool queued = m_ipsec->GetCpu()->SubmitCrypto(
        [self, r, payload, outer]()
        {
            *r = self->m_ipsec->Decapsulate(payload, outer);
            return r->cpuCost;
        },
        [self, r, outer, device, byteTags]()
        {
            self->Deliver(std::move(*r), outer, device, byteTags);
        });
    if (!queued)
    {
        m_ipsec->CryptoQueueFull(payload, outer.IsV6(), false);
    }
}

void
IpsecL4Protocol::Deliver(IpsecStack::DecapResult r,
                         const IpsecIpHeader& outer,
                         Ptr<NetDevice> device,
                         Ptr<const Packet> byteTags)
{
    if (!r.ok || !m_ipsec)
    {
        return; // dropped and counted (or the node is gone)
    }
    if (byteTags)
    {
        IpsecCopyByteTags(byteTags, r.packet);
    }
    if (!r.tunnel)
    {
        // Transport mode: the datagram goes on with the upper-layer protocol
        // (KAME sets ip_p / ip6_nxt and goes on with the next header).
        IpsecIpHeader inner = outer;
        inner.ext.clear();
        inner.protocol = r.nextHeader;
        if (!outer.IsV6() && DeliverTransport4(r.packet, inner, device))
        {
            return;
        }
        inner.Prepend(r.packet);
        r.innerV6 = outer.IsV6();
    }
    Reinject(r, device);
}

bool
IpsecL4Protocol::DeliverTransport4(Ptr<Packet> payload,
                                   const IpsecIpHeader& inner,
                                   Ptr<NetDevice> device)
{
    // KAME's esp4_input / ah4_input / ipcomp4_input hand a transport-mode
    // payload straight to the next protocol's input; here, the local
    // delivery of Ipv4L3Protocol::Receive, where IpsecIpv4ListRouting (as
    // Ipv4ListRouting) sends a datagram for one of the node's unicast or
    // broadcast addresses.  Anything else takes the whole way (Reinject).
    if (!m_ipv4)
    {
        m_ipv4 = m_ipsec->GetObject<Ipv4L3Protocol>();
        if (!m_ipv4)
        {
            return false;
        }
    }
    const Ipv4RoutingProtocol* routing = PeekPointer(m_ipv4->GetRoutingProtocol());
    if (routing != m_routing)
    {
        m_routing = routing;
        m_ipsecRouting = dynamic_cast<const IpsecIpv4ListRouting*>(routing) != nullptr;
    }
    if (!m_ipsecRouting)
    {
        return false;
    }
    int32_t iif = m_ipv4->GetInterfaceForDevice(device);
    Ipv4Address dst = inner.dst.ToIpv4();
    if (iif < 0 || !m_ipv4->IsUp(iif) || dst.IsMulticast()
        || !m_ipv4->IsDestinationAddress(dst, iif))
    {
        return false;
    }
    IpsecIpv4DeliverLocally(*m_ipv4, payload, inner.ToIpv4(payload->GetSize()), iif);
    // The inner datagram's raw-socket delivery is over, whatever path it took.
    m_ipsec->GetSocketPolicyRegistry()->RestoreRawSockets();
    return true;
}

void
IpsecL4Protocol::Reinject(const IpsecStack::DecapResult& r, Ptr<NetDevice> device)
{
    // The datagram re-enters IP input as if it had arrived on the same
    // device (KAME re-queues it to ipintr); a device without an interface
    // of the inner family lends the first interface of that family that is up.
    if (r.innerV6)
    {
        Ptr<Ipv6L3Protocol> ipv6 = m_ipsec->GetObject<Ipv6L3Protocol>();
        Ptr<NetDevice> dev = ipv6 ? DeviceFor(ipv6, device) : nullptr;
        if (!dev)
        {
            m_ipsec->NotifyDrop(
                r.packet, true, IpsecDropReason::NO_INTERFACE, "no IPv6 interface to deliver on");
            return;
        }
        ipv6->Receive(dev,
                      r.packet,
                      Ipv6L3Protocol::PROT_NUMBER,
                      Address(),
                      Address(),
                      NetDevice::PACKET_HOST);
        m_ipsec->GetSocketPolicyRegistry()->RestoreRawSockets();
        return;
    }
    Ptr<Ipv4L3Protocol> ipv4 = m_ipsec->GetObject<Ipv4L3Protocol>();
    Ptr<NetDevice> dev = ipv4 ? DeviceFor(ipv4, device) : nullptr;
    if (!dev)
    {
        m_ipsec->NotifyDrop(
            r.packet, false, IpsecDropReason::NO_INTERFACE, "no IPv4 interface to deliver on");
        return;
    }
    ipv4->Receive(
        dev, r.packet, Ipv4L3Protocol::PROT_NUMBER, Address(), Address(), NetDevice::PACKET_HOST);
    // The inner datagram's raw-socket delivery is over, whatever path it took.
    m_ipsec->GetSocketPolicyRegistry()->RestoreRawSockets();
}

template <typename L3>
Ptr<NetDevice>
IpsecL4Protocol::DeviceFor(Ptr<L3> l3, Ptr<NetDevice> preferred)
{
    if (l3->GetInterfaceForDevice(preferred) >= 0)
    {
        return preferred;
    }
    for (uint32_t i = 1; i < l3->GetNInterfaces(); ++i)
    {
        if (l3->IsUp(i))
        {
            return l3->GetNetDevice(i);
        }
    }
    return nullptr;
}

void
IpsecL4Protocol::SetDownTarget(IpL4Protocol::DownTargetCallback cb)
{
    m_downTarget = cb;
}

void
IpsecL4Protocol::SetDownTarget6(IpL4Protocol::DownTargetCallback6 cb)
{
    m_downTarget6 = cb;
}

IpL4Protocol::DownTargetCallback
IpsecL4Protocol::GetDownTarget() const
{
    return m_downTarget;
}

IpL4Protocol::DownTargetCallback6
IpsecL4Protocol::GetDownTarget6() const
{
    return m_downTarget6;
}

} // namespace ns3
