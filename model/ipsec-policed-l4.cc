/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-policed-l4.h"

#include "ipsec-header-walk.h"
#include "ipsec-history-tag.h"
#include "ipsec-input-checks.h"
#include "ipsec-l4-protocol.h"
#include "ipsec-stack.h"
#include "ipsec-udp-encap.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-route.h"
#include "ns3/ipv6-route.h"
#include "ns3/node.h"

namespace ns3
{

namespace
{

template <typename Header>
bool
Admit(IpsecStack* ipsec,
      Ptr<Packet> packet,
      const Header& header,
      uint8_t protocol,
      const void* socket)
{
    if (!ipsec)
    {
        return true;
    }
    bool ok = ipsec->CheckInbound(packet,
                                  IpsecAddress(header.GetSource()),
                                  IpsecAddress(header.GetDestination()),
                                  protocol,
                                  false,
                                  socket);
    // The marks are for this node's check only: never let them travel on.
    IpsecStripHistory(packet);
    return ok;
}

} // namespace

bool
IpsecAdmitInbound(IpsecStack* ipsec,
                  Ptr<Packet> packet,
                  const Ipv4Header& header,
                  uint8_t protocol,
                  const void* socket)
{
    return Admit(ipsec, packet, header, protocol, socket);
}

bool
IpsecAdmitInbound(IpsecStack* ipsec,
                  Ptr<Packet> packet,
                  const Ipv6Header& header,
                  uint8_t protocol,
                  const void* socket)
{
    return Admit(ipsec, packet, header, protocol, socket);
}

bool
IpsecAdmitSegment(IpsecStack* ipsec, uint8_t protocol, Ptr<Packet> packet, bool v6)
{
    IpsecDropReason reason;
    std::string why;
    if (IpsecCheckUpperLayer(packet, protocol, v6, &reason, &why))
    {
        if (protocol == ipsecproto::TCP)
        {
            IpsecSanitizeTcpOptions(packet); // options ns-3 cannot parse, as KAME reads them
        }
        return true;
    }
    if (ipsec)
    {
        ipsec->NotifyDrop(packet, v6, reason, why);
    }
    IpsecStripHistory(packet);
    return false;
}

bool
IpsecUdpEncapInput(IpsecStack* ipsec,
                   Ptr<Packet> packet,
                   const Ipv4Header& header,
                   Ptr<Ipv4Interface> iface)
{
    uint16_t sport = 0;
    uint16_t dport = 0;
    if (!ipsec || !IpsecPeekPorts(packet, &sport, &dport) || !ipsec->IsUdpEncapPort(dport))
    {
        return false;
    }
    switch (IpsecClassifyUdpEncap(packet))
    {
        case IpsecUdpEncapKind::IKE:
            return false; // the socket gets it, marker and all
        case IpsecUdpEncapKind::KEEPALIVE:
            ipsec->NotifyUdpEncapKeepalive(packet, header.GetSource(), sport);
            IpsecStripHistory(packet);
            return true;
        case IpsecUdpEncapKind::ESP:
            break;
    }
    if (Node::ChecksumEnabled()
        && !IpsecUdpChecksumOk(packet, header.GetSource(), header.GetDestination()))
    {
        ipsec->NotifyDrop(packet,
                          false,
                          IpsecDropReason::UDP_BAD_CHECKSUM,
                          "ESP in UDP from " + IpsecAddress(header.GetSource()).ToString()
                              + " port " + std::to_string(sport) + ": bad UDP checksum");
        IpsecStripHistory(packet);
        return true;
    }
    Ptr<Ipv4L3Protocol> l3 = ipsec->GetObject<Ipv4L3Protocol>();
    Ptr<IpL4Protocol> l4 = l3 ? l3->GetProtocol(50) : nullptr;
    auto* esp = dynamic_cast<IpsecL4Protocol*>(PeekPointer(l4));
    if (!esp)
    {
        return false; // no ESP input on this node: plain UDP
    }
    packet->RemoveAtStart(8);
    esp->ReceiveUdpEncap(packet, header, iface, sport, dport);
    return true;
}

void
IpsecStripHistory(Ptr<Packet> packet)
{
    IpsecHistoryTag tag;
    packet->RemovePacketTag(tag);
}

namespace
{

template <typename Target, typename Addr, typename Route>
Target
MarkL4Send(IpL4Protocol* l4, Target target)
{
    if (target.IsNull())
    {
        return target;
    }
    // The node's registry, found once when the IPsec stack is already there
    // (IpsecStackHelper aggregates it before the L4 protocols).
    Ptr<IpsecStack> ipsec = l4->GetObject<IpsecStack>();
    Ptr<IpsecSocketPolicyRegistry> known = ipsec ? ipsec->GetSocketPolicyRegistry() : nullptr;
    return Target(
        [l4, known, target](Ptr<Packet> p, Addr src, Addr dst, uint8_t proto, Ptr<Route> r)
        {
            Ptr<IpsecSocketPolicyRegistry> registry = known;
            if (!registry)
            {
                Ptr<IpsecStack> late = l4->GetObject<IpsecStack>();
                registry = late ? late->GetSocketPolicyRegistry() : nullptr;
            }
            IpsecL4SendScope scope(registry);
            target(p, src, dst, proto, r);
        });
}

} // namespace

IpL4Protocol::DownTargetCallback
IpsecMarkL4Send(IpL4Protocol* l4, IpL4Protocol::DownTargetCallback target)
{
    return MarkL4Send<IpL4Protocol::DownTargetCallback, Ipv4Address, Ipv4Route>(l4, target);
}

IpL4Protocol::DownTargetCallback6
IpsecMarkL4Send(IpL4Protocol* l4, IpL4Protocol::DownTargetCallback6 target)
{
    return MarkL4Send<IpL4Protocol::DownTargetCallback6, Ipv6Address, Ipv6Route>(l4, target);
}

IpsecStack*
IpsecFindStack(const Object& object)
{
    return PeekPointer(object.GetObject<IpsecStack>());
}

void
IpsecEndRawDelivery(IpsecStack* ipsec)
{
    if (ipsec)
    {
        ipsec->GetSocketPolicyRegistry()->RestoreRawSockets();
    }
}

bool
IpsecPeekPorts(Ptr<const Packet> segment, uint16_t* sport, uint16_t* dport)
{
    uint8_t b[4];
    if (segment->GetSize() < sizeof(b))
    {
        return false;
    }
    segment->CopyData(b, sizeof(b));
    *sport = (b[0] << 8) | b[1];
    *dport = (b[2] << 8) | b[3];
    return true;
}

template <typename Base>
TypeId
IpsecPolicedL4<Base>::GetTypeId()
{
    static TypeId tid = TypeId(("ns3::Ipsec" + Base::GetTypeId().GetName().substr(5)).c_str())
                            .template SetParent<Base>()
                            .SetGroupName("Ipsec")
                            .template AddConstructor<IpsecPolicedL4<Base>>();
    return tid;
}

template class IpsecPolicedL4<UdpL4Protocol>;
template class IpsecPolicedL4<TcpL4Protocol>;
template class IpsecPolicedL4<Icmpv4L4Protocol>;
template class IpsecPolicedL4<Icmpv6L4Protocol>;

NS_OBJECT_ENSURE_REGISTERED(IpsecUdpL4Protocol);
NS_OBJECT_ENSURE_REGISTERED(IpsecTcpL4Protocol);
NS_OBJECT_ENSURE_REGISTERED(IpsecIcmpv4L4Protocol);
NS_OBJECT_ENSURE_REGISTERED(IpsecIcmpv6L4Protocol);

} // namespace ns3
