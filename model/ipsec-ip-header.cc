/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-ip-header.h"

#include "ipsec-ah.h"
#include "ipsec-packet-util.h"
#include "ns3/node.h"

namespace ns3
{

bool
IpsecIpHeader::IsV6() const
{
    return src.IsV6();
}

uint32_t
IpsecIpHeader::Size() const
{
    return (IsV6() ? 40 : 20) + ext.size();
}

IpsecIpHeader
IpsecIpHeader::FromIpv4(const Ipv4Header& h)
{
    IpsecIpHeader r;
    r.src = IpsecAddress(h.GetSource());
    r.dst = IpsecAddress(h.GetDestination());
    r.protocol = h.GetProtocol();
    r.tos = h.GetTos();
    r.ttl = h.GetTtl();
    r.df = h.IsDontFragment();
    r.fragField = (h.IsDontFragment() ? 0x4000 : 0) | (h.IsLastFragment() ? 0 : 0x2000)
                | (h.GetFragmentOffset() / 8);
    r.id = h.GetIdentification();
    r.haveId = true;
    return r;
}

IpsecIpHeader
IpsecIpHeader::FromIpv6(const Ipv6Header& h)
{
    IpsecIpHeader r;
    r.src = IpsecAddress(h.GetSource());
    r.dst = IpsecAddress(h.GetDestination());
    r.protocol = h.GetNextHeader();
    r.tos = h.GetTrafficClass();
    r.ttl = h.GetHopLimit();
    r.flowLabel = h.GetFlowLabel();
    return r;
}

Ipv4Header
IpsecIpHeader::ToIpv4(uint32_t payloadSize) const
{
    Ipv4Header h;
    h.SetSource(src.ToIpv4());
    h.SetDestination(dst.ToIpv4());
    h.SetProtocol(protocol);
    h.SetPayloadSize(payloadSize);
    h.SetTos(tos);
    h.SetTtl(ttl);
    h.SetIdentification(id);
    if (df)
    {
        h.SetDontFragment();
    }
    else
    {
        h.SetMayFragment();
    }
    // A forwarded fragment keeps its place in the original datagram.
    if (fragField & 0x2000)
    {
        h.SetMoreFragments();
    }
    else
    {
        h.SetLastFragment();
    }
    h.SetFragmentOffset((fragField & 0x1fff) * 8);
    if (Node::ChecksumEnabled())
    {
        h.EnableChecksum();
    }
    return h;
}

Ipv6Header
IpsecIpHeader::ToIpv6(uint32_t payloadSize) const
{
    Ipv6Header h;
    h.SetSource(src.ToIpv6());
    h.SetDestination(dst.ToIpv6());
    h.SetNextHeader(protocol);
    h.SetPayloadLength(payloadSize);
    h.SetTrafficClass(tos);
    h.SetHopLimit(ttl);
    h.SetFlowLabel(flowLabel);
    return h;
}

uint8_t
IpsecIpHeader::WireProtocol() const
{
    return ext.empty() ? protocol : extFirst;
}

void
IpsecIpHeader::PrependExtensions(Ptr<Packet> packet) const
{
    if (ext.empty())
    {
        return;
    }
    std::vector<uint8_t> bytes = ext;
    bytes[extLastNextHeader] = protocol;
    packet->AddHeader(IpsecBytesHeader(std::move(bytes)));
}

void
IpsecIpHeader::Prepend(Ptr<Packet> packet) const
{
    if (IsV6())
    {
        PrependExtensions(packet);
        Ipv6Header h = ToIpv6(packet->GetSize());
        h.SetNextHeader(WireProtocol());
        packet->AddHeader(h);
    }
    else
    {
        packet->AddHeader(ToIpv4(packet->GetSize()));
    }
}

bool
IpsecIpHeader::Peek(Ptr<const Packet> packet, bool v6, IpsecIpHeader* out)
{
    uint8_t first = 0;
    if (packet->GetSize() < (v6 ? 40u : 20u))
    {
        return false;
    }
    packet->CopyData(&first, 1);
    if ((first >> 4) != (v6 ? 6 : 4))
    {
        return false;
    }
    if (v6)
    {
        Ipv6Header h;
        packet->PeekHeader(h);
        *out = FromIpv6(h);
        return packet->GetSize() >= 40u + h.GetPayloadLength();
    }
    Ipv4Header h;
    packet->PeekHeader(h);
    *out = FromIpv4(h);
    return h.GetSerializedSize() == 20 && packet->GetSize() >= h.GetPayloadSize() + 20u;
}

std::vector<uint8_t>
IpsecIpHeader::AhIcvBytes(uint32_t payloadLength,
                          bool clearTos,
                          uint16_t offsetMask,
                          bool outbound) const
{
    if (IsV6())
    {
        return IpsecAhIcvHeaderV6(payloadLength, src, dst, ext, extFirst, outbound);
    }
    return IpsecAhIcvHeaderV4(tos,
                              static_cast<uint16_t>(20 + payloadLength),
                              id,
                              fragField,
                              src,
                              dst,
                              clearTos,
                              offsetMask);
}

} // namespace ns3
