/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Small packet utilities shared by the transforms: carrying ns-3 tags from
 * the packet a transform consumed to the packet it produced (FlowMonitor's
 * byte tags, socket TTL/TOS/priority tags) and reading a packet's bytes.
 */
#ifndef IPSEC_PACKET_UTIL_H
#define IPSEC_PACKET_UTIL_H

#include "ns3/header.h"
#include "ns3/packet.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/// Copies every packet tag and byte tag of @p from onto @p to (byte tags span all of @p to).
void IpsecCopyTags(Ptr<const Packet> from, Ptr<Packet> to);
/// Copies only the byte tags.
void IpsecCopyByteTags(Ptr<const Packet> from, Ptr<Packet> to);

/// A packet built from @p len bytes at @p data carrying @p from's tags.
Ptr<Packet> IpsecMakePacket(const uint8_t* data, size_t len, Ptr<const Packet> tagsFrom);

/// The packet's bytes.
std::vector<uint8_t> IpsecPacketBytes(Ptr<const Packet> p);

/**
 * Raw bytes written in front of a packet with AddHeader (an IPv6 extension
 * header chain the model keeps as bytes), so the packet keeps its tags.
 */
class IpsecBytesHeader : public Header
{
  public:
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    IpsecBytesHeader() = default;
    explicit IpsecBytesHeader(std::vector<uint8_t> bytes);
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    /// Reads as many bytes as the header holds (set them first, or use RemoveAtStart).
    uint32_t Deserialize(Buffer::Iterator start) override;
    void Print(std::ostream& os) const override;

  private:
    std::vector<uint8_t> m_bytes;
};

/// Big-endian helpers.
inline void
IpsecWrite32(uint8_t* p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

inline uint32_t
IpsecRead32(const uint8_t* p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

} // namespace ns3

#endif /* IPSEC_PACKET_UTIL_H */
