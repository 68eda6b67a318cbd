/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-ipv6-extension.h"

#include "ipsec-header-walk.h"
#include "ipsec-ipv6-l3-protocol.h"
#include "ipsec-l4-protocol.h"
#include "ipsec-packet-util.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecIpv6Extension");
NS_OBJECT_ENSURE_REGISTERED(IpsecIpv6Extension);

TypeId
IpsecIpv6Extension::GetTypeId()
{
    static TypeId tid = TypeId("ns3::IpsecIpv6Extension")
                            .SetParent<Ipv6Extension>()
                            .SetGroupName("Ipsec")
                            .AddConstructor<IpsecIpv6Extension>();
    return tid;
}

IpsecIpv6Extension::IpsecIpv6Extension()
    : m_protocol(ipsecproto::ESP)
{
}

void
IpsecIpv6Extension::Setup(Ptr<IpsecL4Protocol> l4, Ptr<IpsecIpv6L3Protocol> l3)
{
    m_l4 = l4;
    m_l3 = l3;
    m_protocol = static_cast<uint8_t>(l4->GetProtocolNumber());
}

void
IpsecIpv6Extension::DoDispose()
{
    m_l4 = nullptr;
    m_l3 = nullptr;
    Ipv6Extension::DoDispose();
}

uint8_t
IpsecIpv6Extension::GetExtensionNumber() const
{
    return m_protocol;
}

uint8_t
IpsecIpv6Extension::Process(Ptr<Packet>& packet,
                            uint8_t offset,
                            const Ipv6Header& ipv6Header,
                            Ipv6Address /* dst */,
                            uint8_t* /* nextHeader */,
                            bool& stopProcessing,
                            bool& isDropped,
                            Ipv6L3Protocol::DropReason& /* dropReason */)
{
    NS_LOG_FUNCTION(this << packet << +offset << ipv6Header);
    // IPsec takes the datagram from here on, delivered or dropped (and counted).
    stopProcessing = true;
    isDropped = false;
    if (!m_l4 || !m_l3 || offset > packet->GetSize())
    {
        return 0;
    }
    IpsecIpHeader outer = IpsecIpHeader::FromIpv6(ipv6Header);
    outer.protocol = m_protocol;
    if (offset > 0)
    {
        // The extension headers in front, as the sender built them: after
        // reassembly the Fragment header is gone, but the header before it
        // still names it; what followed a Fragment header can only be a
        // Destination Options header (RFC 8200 section 4.1) or this one.
        outer.ext = IpsecPacketBytes(packet->CreateFragment(0, offset));
        uint8_t type = ipv6Header.GetNextHeader();
        outer.extFirst = type == ipsecproto::FRAGMENT ? ipsecproto::DSTOPTS : type;
        uint32_t off = 0;
        while (off + 2 <= outer.ext.size())
        {
            uint32_t end = off + ((uint32_t(outer.ext[off + 1]) + 1) << 3);
            outer.extLastNextHeader = off;
            if (outer.ext[off] == ipsecproto::FRAGMENT)
            {
                outer.ext[off] = end >= outer.ext.size() ? m_protocol : ipsecproto::DSTOPTS;
            }
            off = end;
        }
    }
    Ptr<Packet> payload = packet->CreateFragment(offset, packet->GetSize() - offset);
    m_l4->Input(payload, outer, m_l3->GetReceivingDevice());
    return 0;
}

} // namespace ns3
