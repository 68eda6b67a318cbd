/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-l4-protocol.h"

#include "ipsec-ah.h"
#include "ipsec-stack.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv6-interface.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/log.h"
#include "ns3/node.h"

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
    IpsecAddress src(header.GetSource());
    IpsecAddress dst(header.GetDestination());
    uint8_t tos = header.GetTos();
    uint16_t id = header.GetIdentification();
    uint16_t flagsOffset = (header.IsDontFragment() ? 0x4000 : 0)
                         | (header.IsLastFragment() ? 0 : 0x2000)
                         | (header.GetFragmentOffset() / 8);
    bool clearTos = m_ipsec->GetAhClearTos();
    uint16_t mask = m_ipsec->GetAhOffsetMask();
    auto ahHeader = [=](uint32_t payloadLength)
    {
        return IpsecAhIcvHeaderV4(tos,
                                  static_cast<uint16_t>(20 + payloadLength),
                                  id,
                                  flagsOffset,
                                  src,
                                  dst,
                                  clearTos,
                                  mask);
    };
    IpsecStack::DecapResult r = m_ipsec->Decapsulate(p, m_protocol, src, dst, ahHeader);
    if (!r.ok)
    {
        return IpL4Protocol::RX_OK; // dropped and counted
    }
    Ipv4Header inner = header;
    inner.SetProtocol(r.nextHeader);
    inner.SetPayloadSize(r.packet->GetSize());
    inner.SetFragmentOffset(0);
    inner.SetLastFragment();
    if (Node::ChecksumEnabled())
    {
        inner.EnableChecksum();
    }
    r.packet->AddHeader(inner);
    Ptr<Ipv4L3Protocol> ipv4 = m_ipsec->GetObject<Ipv4L3Protocol>();
    ipv4->Receive(incomingInterface->GetDevice(),
                  r.packet,
                  Ipv4L3Protocol::PROT_NUMBER,
                  Address(),
                  Address(),
                  NetDevice::PACKET_HOST);
    return IpL4Protocol::RX_OK;
}

enum IpL4Protocol::RxStatus
IpsecL4Protocol::Receive(Ptr<Packet> p,
                         const Ipv6Header& header,
                         Ptr<Ipv6Interface> incomingInterface)
{
    NS_LOG_FUNCTION(this << p << header);
    IpsecAddress src(header.GetSource());
    IpsecAddress dst(header.GetDestination());
    auto ahHeader = [=](uint32_t payloadLength)
    {
        return IpsecAhIcvHeaderV6(static_cast<uint16_t>(payloadLength), src, dst);
    };
    IpsecStack::DecapResult r = m_ipsec->Decapsulate(p, m_protocol, src, dst, ahHeader);
    if (!r.ok)
    {
        return IpL4Protocol::RX_OK;
    }
    Ipv6Header inner = header;
    inner.SetNextHeader(r.nextHeader);
    inner.SetPayloadLength(r.packet->GetSize());
    r.packet->AddHeader(inner);
    Ptr<Ipv6L3Protocol> ipv6 = m_ipsec->GetObject<Ipv6L3Protocol>();
    ipv6->Receive(incomingInterface->GetDevice(),
                  r.packet,
                  Ipv6L3Protocol::PROT_NUMBER,
                  Address(),
                  Address(),
                  NetDevice::PACKET_HOST);
    return IpL4Protocol::RX_OK;
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
