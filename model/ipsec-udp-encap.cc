/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * UDP encapsulation of ESP (RFC 3948); see ipsec-udp-encap.h.
 */
#include "ipsec-udp-encap.h"

#include "ipsec-checksum.h"
#include "ns3/udp-header.h"

#include <array>
#include <vector>

namespace ns3
{

IpsecUdpEncapKind
IpsecClassifyUdpEncap(Ptr<const Packet> segment)
{
    uint32_t len = segment->GetSize();
    if (len < 8)
    {
        return IpsecUdpEncapKind::ESP; // IpsecAdmitSegment has refused it already
    }
    std::array<uint8_t, 12> b{};
    uint32_t n = segment->CopyData(b.data(), std::min<uint32_t>(len, b.size()));
    uint32_t payload = n - 8;
    if (len == 9 && b[8] == 0xff)
    {
        return IpsecUdpEncapKind::KEEPALIVE;
    }
    if (payload >= 4 && b[8] == 0 && b[9] == 0 && b[10] == 0 && b[11] == 0)
    {
        return IpsecUdpEncapKind::IKE;
    }
    return IpsecUdpEncapKind::ESP;
}

void
IpsecPrependUdpEncap(Ptr<Packet> packet, uint16_t sport, uint16_t dport)
{
    // UdpHeader without EnableChecksums writes a zero checksum.
    UdpHeader udp;
    udp.SetSourcePort(sport);
    udp.SetDestinationPort(dport);
    packet->AddHeader(udp);
}

namespace
{

/// Where the checksum of a TCP (6) or UDP (17) header is; 0 for another protocol.
uint32_t
TransportChecksumOffset(uint8_t protocol)
{
    return protocol == 6 ? 16 : protocol == 17 ? 6 : 0;
}

/// The packet's bytes replaced (its packet tags stay).
void
ReplaceBytes(Ptr<Packet> payload, const std::vector<uint8_t>& b)
{
    Ptr<Packet> fixed = Create<Packet>(b.data(), b.size());
    payload->RemoveAtEnd(payload->GetSize());
    payload->AddAtEnd(fixed);
}

} // namespace

bool
IpsecUdpChecksumOk(Ptr<const Packet> segment, Ipv4Address src, Ipv4Address dst)
{
    uint32_t len = segment->GetSize();
    std::vector<uint8_t> b(len);
    segment->CopyData(b.data(), len);
    return len < 8 || (b[6] == 0 && b[7] == 0)
        || IpsecUpperChecksum(IpsecAddress(src), IpsecAddress(dst), 17, b) == 0;
}

bool
IpsecFixTransportChecksum(Ptr<Packet> payload,
                          uint8_t protocol,
                          const IpsecAddress& origSrc,
                          const IpsecAddress& origDst,
                          const IpsecAddress& src,
                          const IpsecAddress& dst)
{
    uint32_t at = TransportChecksumOffset(protocol);
    if (at == 0 || payload->GetSize() < at + 2)
    {
        return protocol != 6 && protocol != 17;
    }
    std::vector<uint8_t> b(payload->GetSize());
    payload->CopyData(b.data(), b.size());
    uint16_t old = (b[at] << 8) | b[at + 1];
    if (protocol == 17 && old == 0)
    {
        return true; // no checksum
    }
    // RFC 1624: every 16-bit word of the pseudo-header that changed (the addresses).
    uint16_t sumNew = old;
    auto adjust = [&sumNew](const IpsecAddress& from, const IpsecAddress& to)
    {
        if (from.GetFamily() != to.GetFamily())
        {
            return;
        }
        const uint8_t* f = from.Bytes();
        const uint8_t* t = to.Bytes();
        for (uint8_t i = 0; i + 1 < from.Size(); i += 2)
        {
            sumNew = IpsecChecksumAdjust(sumNew, (f[i] << 8) | f[i + 1], (t[i] << 8) | t[i + 1]);
        }
    };
    adjust(origSrc, src);
    adjust(origDst, dst);
    if (protocol == 17 && sumNew == 0)
    {
        sumNew = 0xffff; // RFC 768: a computed zero is sent as all ones
    }
    if (sumNew == old)
    {
        return true;
    }
    b[at] = static_cast<uint8_t>(sumNew >> 8);
    b[at + 1] = static_cast<uint8_t>(sumNew);
    ReplaceBytes(payload, b);
    return true;
}

void
IpsecRecomputeTransportChecksum(Ptr<Packet> payload,
                                uint8_t protocol,
                                const IpsecAddress& src,
                                const IpsecAddress& dst)
{
    uint32_t at = TransportChecksumOffset(protocol);
    uint32_t len = payload->GetSize();
    if (at == 0 || len < at + 2)
    {
        return;
    }
    std::vector<uint8_t> b(len);
    payload->CopyData(b.data(), len);
    b[at] = 0;
    b[at + 1] = 0;
    uint16_t c = IpsecUpperChecksum(src, dst, protocol, b);
    if (protocol == 17 && c == 0)
    {
        c = 0xffff;
    }
    b[at] = static_cast<uint8_t>(c >> 8);
    b[at + 1] = static_cast<uint8_t>(c);
    ReplaceBytes(payload, b);
}

} // namespace ns3
