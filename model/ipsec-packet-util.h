/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Small packet utilities shared by the transforms: carrying ns-3 tags from
 * the packet a transform consumed to the packet it produced (FlowMonitor's
 * byte tags, socket TTL/TOS/priority tags), and reading the selector of an
 * upper-layer segment.
 */
#ifndef IPSEC_PACKET_UTIL_H
#define IPSEC_PACKET_UTIL_H

#include "ipsec-policy.h"
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
 * The selector of a datagram from @p src to @p dst carrying @p segment
 * (ipsec_setspidx): full-length prefixes, the upper-layer protocol and, for
 * TCP/UDP when @p wantPorts, the ports read from the front of the segment;
 * for ICMPv6 the type/code in the port slots when @p icmp6TypeCode.
 */
IpsecSelector IpsecPacketSelector(const IpsecAddress& src,
                                  const IpsecAddress& dst,
                                  uint8_t protocol,
                                  Ptr<const Packet> segment,
                                  bool wantPorts,
                                  bool icmp6TypeCode);

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
