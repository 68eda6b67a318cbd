/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-policed-l4.h"

#include "ipsec-history-tag.h"
#include "ipsec-stack.h"
#include "ns3/node.h"

namespace ns3
{

namespace
{

template<typename Header>
bool
Admit(Ptr<Node> node, Ptr<Packet> packet, const Header& header, uint8_t protocol)
{
    Ptr<IpsecStack> ipsec = node ? node->GetObject<IpsecStack>() : nullptr;
    IpsecHistoryTag tag;
    if (!ipsec)
    {
        return true;
    }
    bool ok = ipsec->CheckInbound(packet,
                                  IpsecAddress(header.GetSource()),
                                  IpsecAddress(header.GetDestination()),
                                  protocol,
                                  false);
    // The marks are for this node's check only: never let them travel on.
    packet->RemovePacketTag(tag);
    return ok;
}

} // namespace

bool
IpsecAdmitInbound(Ptr<Node> node, Ptr<Packet> packet, const Ipv4Header& header, uint8_t protocol)
{
    return Admit(node, packet, header, protocol);
}

bool
IpsecAdmitInbound(Ptr<Node> node, Ptr<Packet> packet, const Ipv6Header& header, uint8_t protocol)
{
    return Admit(node, packet, header, protocol);
}

template<typename Base>
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
