/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * UDP encapsulation of ESP (RFC 3948, KAME_IPSEC(4)'s IPSEC_NAT_T): the
 * UDP header the output loop puts in front of an SA's ESP, what a UDP port
 * with UDP_ENCAP_ESPINUDP makes of a datagram (NetBSD's udp4_espinudp:
 * keepalive, IKE behind the non-ESP marker, or ESP), and the transport-mode
 * checksum fix-up of RFC 3948 section 3.1.2.
 */
#ifndef IPSEC_UDP_ENCAP_H
#define IPSEC_UDP_ENCAP_H

#include "ipsec-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/packet.h"

#include <cstdint>

namespace ns3
{

/**
 * @ingroup ipsec-transforms
 * What a datagram to a UDP_ENCAP_ESPINUDP port is (RFC 3948 section 2).
 */
enum class IpsecUdpEncapKind : uint8_t
{
    KEEPALIVE, ///< the one byte 0xFF of a NAT keepalive (section 2.3): consumed
    IKE,       ///< the non-ESP marker (four zero bytes, section 2.2): to the socket
    ESP,       ///< anything else: ESP, decapsulated (a short one fails there)
};

/**
 * @ingroup ipsec-transforms
 * Classifies a datagram that arrived on a UDP_ENCAP_ESPINUDP port.
 * @param segment the UDP datagram, from its UDP header on (at least 8 bytes)
 * @return keepalive, IKE or ESP
 */
IpsecUdpEncapKind IpsecClassifyUdpEncap(Ptr<const Packet> segment);

/**
 * @ingroup ipsec-transforms
 * Puts the RFC 3948 UDP header (section 2.1: the SA's ports, a zero
 * checksum) in front of an ESP header.
 * @param packet the ESP header and what follows
 * @param sport the UDP source port
 * @param dport the UDP destination port
 */
void IpsecPrependUdpEncap(Ptr<Packet> packet, uint16_t sport, uint16_t dport);

/**
 * @ingroup ipsec-transforms
 * udp_input's checksum check: a zero checksum is no checksum (RFC 768),
 * any other must verify over the IPv4 pseudo-header.
 * @param segment the UDP datagram from its header on
 * @param src the IPv4 source address
 * @param dst the IPv4 destination address
 * @return true when the checksum is absent or right
 */
bool IpsecUdpChecksumOk(Ptr<const Packet> segment, Ipv4Address src, Ipv4Address dst);

/**
 * @ingroup ipsec-transforms
 * RFC 3948 section 3.1.2: after a transport-mode ESP-in-UDP datagram is
 * decapsulated, the TCP or UDP checksum behind it still covers the
 * addresses its sender used (NAT-OA, RFC 3947 section 5.2), not those the
 * datagram arrived with: the checksum is updated incrementally (RFC 1624)
 * from the original addresses to the received ones.  A UDP checksum of
 * zero stays zero; other protocols are left alone.
 * @param payload the upper-layer segment (modified in place)
 * @param protocol its protocol (6 or 17)
 * @param origSrc the sender's original source address
 * @param origDst the destination address the sender used
 * @param src the source address the datagram arrived with
 * @param dst the destination address it arrived with
 * @return true when the checksum was updated (or needed no change)
 */
bool IpsecFixTransportChecksum(Ptr<Packet> payload,
                               uint8_t protocol,
                               const IpsecAddress& origSrc,
                               const IpsecAddress& origDst,
                               const IpsecAddress& src,
                               const IpsecAddress& dst);

/**
 * @ingroup ipsec-transforms
 * NetBSD's ipsec4_fixup_checksum: the TCP or UDP checksum of a
 * decapsulated transport-mode ESP-in-UDP segment computed again over the
 * addresses it arrived with (a UDP checksum of zero gets one too, as in
 * NetBSD).  Other protocols are left alone.
 * @param payload the upper-layer segment (modified in place)
 * @param protocol its protocol
 * @param src the source address the datagram arrived with
 * @param dst the destination address it arrived with
 */
void IpsecRecomputeTransportChecksum(Ptr<Packet> payload,
                                     uint8_t protocol,
                                     const IpsecAddress& src,
                                     const IpsecAddress& dst);

} // namespace ns3

#endif /* IPSEC_UDP_ENCAP_H */
