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

/**
 * @ingroup ipsec
 * Copies every packet tag and byte tag of one packet onto another.
 * @param from the packet a transform consumed
 * @param to the packet it produced (the byte tags span all of it)
 */
void IpsecCopyTags(Ptr<const Packet> from, Ptr<Packet> to);
/**
 * @ingroup ipsec
 * Copies only the byte tags of one packet onto another.
 * @param from the packet a transform consumed
 * @param to the packet it produced (the byte tags span all of it)
 */
void IpsecCopyByteTags(Ptr<const Packet> from, Ptr<Packet> to);

/**
 * @ingroup ipsec
 * A packet made of bytes, with another packet's tags.
 * @param data the bytes
 * @param len their length
 * @param tagsFrom the packet whose tags it carries
 * @return the packet
 */
Ptr<Packet> IpsecMakePacket(const uint8_t* data, size_t len, Ptr<const Packet> tagsFrom);

/**
 * @ingroup ipsec
 * A packet's bytes.
 * @param p the packet
 * @return a copy of its bytes
 */
std::vector<uint8_t> IpsecPacketBytes(Ptr<const Packet> p);

/**
 * @ingroup ipsec
 * A packet's bytes, into a buffer that may be reused (its capacity is kept).
 * @param p the packet
 * @param into resized to the packet's size and filled with its bytes
 */
void IpsecPacketBytes(Ptr<const Packet> p, std::vector<uint8_t>* into);

/**
 * @ingroup ipsec
 * Raw bytes written in front of a packet with AddHeader (an IPv6 extension
 * header chain the model keeps as bytes), so the packet keeps its tags.
 */
class IpsecBytesHeader : public Header
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    IpsecBytesHeader() = default;
    /**
     * A header of these bytes.
     * @param bytes the bytes
     */
    explicit IpsecBytesHeader(std::vector<uint8_t> bytes);
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    /**
     * Reads as many bytes as the header holds (set them first, or use
     * Packet::RemoveAtStart).
     * @param start where the bytes are read
     * @return the bytes read
     */
    uint32_t Deserialize(Buffer::Iterator start) override;
    void Print(std::ostream& os) const override;

  private:
    std::vector<uint8_t> m_bytes;
};

/**
 * @ingroup ipsec
 * Writes a 32-bit number big-endian.
 * @param p where
 * @param v the number
 */
inline void
IpsecWrite32(uint8_t* p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/**
 * @ingroup ipsec
 * Reads a big-endian 32-bit number.
 * @param p where
 * @return the number
 */
inline uint32_t
IpsecRead32(const uint8_t* p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

} // namespace ns3

#endif /* IPSEC_PACKET_UTIL_H */
