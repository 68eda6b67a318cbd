/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * UDP encapsulation of ESP (RFC 3948); see ipsec-udp-encap.h.
 */
#include "ipsec-udp-encap.h"

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

/// One's-complement sum of big-endian 16-bit words.
uint32_t
Sum16(const uint8_t* p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2)
    {
        sum += (static_cast<uint32_t>(p[i]) << 8) | p[i + 1];
    }
    if (len % 2)
    {
        sum += static_cast<uint32_t>(p[len - 1]) << 8;
    }
    return sum;
}

uint16_t
Fold(uint32_t sum)
{
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(sum);
}

/// The address's bytes (4 or 16).
std::vector<uint8_t>
AddressBytes(const IpsecAddress& a)
{
    std::vector<uint8_t> b(a.IsV6() ? 16 : 4);
    if (a.IsV6())
    {
        a.ToIpv6().Serialize(b.data());
    }
    else
    {
        a.ToIpv4().Serialize(b.data());
    }
    return b;
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
    if (len < 8 || (b[6] == 0 && b[7] == 0))
    {
        return true;
    }
    uint8_t pseudo[12];
    src.Serialize(pseudo);
    dst.Serialize(pseudo + 4);
    pseudo[8] = 0;
    pseudo[9] = 17;
    pseudo[10] = static_cast<uint8_t>(len >> 8);
    pseudo[11] = static_cast<uint8_t>(len);
    uint32_t sum = Sum16(pseudo, sizeof(pseudo), 0);
    sum = Sum16(b.data(), b.size(), sum);
    return Fold(sum) == 0xffff;
}

bool
IpsecFixTransportChecksum(Ptr<Packet> payload,
                          uint8_t protocol,
                          const IpsecAddress& origSrc,
                          const IpsecAddress& origDst,
                          const IpsecAddress& src,
                          const IpsecAddress& dst)
{
    uint32_t at = protocol == 6 ? 16 : protocol == 17 ? 6 : 0;
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
    // RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for every 16-bit word of
    // the pseudo-header that changed (the addresses).
    uint32_t sum = static_cast<uint16_t>(~old);
    auto adjust = [&sum](const IpsecAddress& from, const IpsecAddress& to)
    {
        std::vector<uint8_t> f = AddressBytes(from);
        std::vector<uint8_t> t = AddressBytes(to);
        for (size_t i = 0; i + 1 < f.size() && i + 1 < t.size(); i += 2)
        {
            sum += static_cast<uint16_t>(~((f[i] << 8) | f[i + 1]));
            sum += static_cast<uint32_t>((t[i] << 8) | t[i + 1]);
        }
    };
    if (origSrc.GetFamily() == src.GetFamily())
    {
        adjust(origSrc, src);
    }
    if (origDst.GetFamily() == dst.GetFamily())
    {
        adjust(origDst, dst);
    }
    uint16_t sumNew = static_cast<uint16_t>(~Fold(sum));
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
    uint32_t at = protocol == 6 ? 16 : protocol == 17 ? 6 : 0;
    uint32_t len = payload->GetSize();
    if (at == 0 || len < at + 2)
    {
        return;
    }
    std::vector<uint8_t> b(len);
    payload->CopyData(b.data(), len);
    b[at] = 0;
    b[at + 1] = 0;
    std::vector<uint8_t> pseudo = AddressBytes(src);
    std::vector<uint8_t> d = AddressBytes(dst);
    pseudo.insert(pseudo.end(), d.begin(), d.end());
    if (src.IsV6())
    {
        uint8_t tail[8] = {static_cast<uint8_t>(len >> 24),
                           static_cast<uint8_t>(len >> 16),
                           static_cast<uint8_t>(len >> 8),
                           static_cast<uint8_t>(len),
                           0,
                           0,
                           0,
                           protocol};
        pseudo.insert(pseudo.end(), tail, tail + 8);
    }
    else
    {
        uint8_t tail[4] = {0, protocol, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
        pseudo.insert(pseudo.end(), tail, tail + 4);
    }
    uint32_t sum = Sum16(pseudo.data(), pseudo.size(), 0);
    sum = Sum16(b.data(), len, sum);
    uint16_t c = static_cast<uint16_t>(~Fold(sum));
    if (protocol == 17 && c == 0)
    {
        c = 0xffff;
    }
    b[at] = static_cast<uint8_t>(c >> 8);
    b[at + 1] = static_cast<uint8_t>(c);
    ReplaceBytes(payload, b);
}

} // namespace ns3
