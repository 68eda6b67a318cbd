/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A family-neutral description of an IP header as IPsec handles it: the
 * header of the datagram being protected, the outer header of a tunnel, the
 * header a received ESP/AH datagram came with.  It knows how to write
 * itself in front of a payload (ns-3 Ipv4Header/Ipv6Header, checksum
 * included), how to read an inner header, and which bytes AH's ICV covers
 * (mutable fields zeroed, RFC 4302 / KAME ah4_calccksum, ah6_calccksum).
 */
#ifndef IPSEC_IP_HEADER_H
#define IPSEC_IP_HEADER_H

#include "ipsec-address.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv6-header.h"
#include "ns3/packet.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-transforms
 * An IPv4 or IPv6 header as IPsec handles it: the header of the datagram
 * being protected, the outer header of a tunnel, the header a received
 * ESP/AH datagram came with.
 */
struct IpsecIpHeader
{
    IpsecAddress src;      ///< source address (its family is the header's)
    IpsecAddress dst;      ///< destination address
    uint8_t protocol{0};   ///< protocol / next header
    uint8_t tos{0};        ///< IPv4 TOS or IPv6 traffic class
    uint8_t ttl{64};       ///< TTL / hop limit
    bool df{false};        ///< IPv4 don't-fragment
    uint16_t fragField{0}; ///< IPv4 flags + fragment offset as received (DF included)
    uint16_t id{0};        ///< IPv4 identification
    bool haveId{false};    ///< id is decided (else the sender assigns it)
    uint32_t flowLabel{0}; ///< IPv6 flow label
    /**
     * IPv6: the extension headers that sit between this header and the
     * IPsec header, in wire order -- on output the unfragmentable part a
     * transport-mode header goes behind, on input what preceded the IPsec
     * header.  Their chain starts with extFirst (what the IPv6 header's next
     * header says); the last one's next-header byte, at extLastNextHeader,
     * is written as protocol.  Empty for IPv4 and for most IPv6 datagrams.
     */
    std::vector<uint8_t> ext;
    uint8_t extFirst{0};           ///< protocol of the first header in ext
    uint32_t extLastNextHeader{0}; ///< offset in ext of the last next-header byte
    /// Input: the IPsec header arrived behind an RFC 3948 UDP header (ESP in
    /// UDP, removed by then), with these ports.
    bool udpEncap{false};
    uint16_t encapSport{0}; ///< that UDP header's source port
    uint16_t encapDport{0}; ///< that UDP header's destination port

    /**
     * The family.
     * @return true for IPv6
     */
    bool IsV6() const;
    /**
     * The header's size.
     * @return 20 or 40 bytes, and the extension headers in ext
     */
    uint32_t Size() const;

    /**
     * Reads an ns-3 IPv4 header.
     * @param h the header
     * @return its fields
     */
    static IpsecIpHeader FromIpv4(const Ipv4Header& h);
    /**
     * Reads an ns-3 IPv6 header.
     * @param h the header
     * @return its fields
     */
    static IpsecIpHeader FromIpv6(const Ipv6Header& h);
    /**
     * Writes an ns-3 IPv4 header (checksum enabled when ns-3's are).
     * @param payloadSize the bytes behind the header
     * @return the header
     */
    Ipv4Header ToIpv4(uint32_t payloadSize) const;
    /**
     * Writes an ns-3 IPv6 header.
     * @param payloadSize the bytes behind the header, its extension headers included
     * @return the header
     */
    Ipv6Header ToIpv6(uint32_t payloadSize) const;

    /**
     * What the IP header's protocol / next header field says.
     * @return extFirst when ext is not empty, else protocol
     */
    uint8_t WireProtocol() const;
    /**
     * Writes ext (its last next header set to protocol) in front of a packet.
     * @param packet the packet
     */
    void PrependExtensions(Ptr<Packet> packet) const;
    /**
     * Writes the header (and ext) in front of its payload.
     * @param packet the payload
     */
    void Prepend(Ptr<Packet> packet) const;
    /**
     * Reads the IP header at the front of an inner datagram.
     * @param packet the datagram
     * @param v6 its family
     * @param out the header read
     * @return false if the packet is too short or not of that version
     */
    static bool Peek(Ptr<const Packet> packet, bool v6, IpsecIpHeader* out);

    /**
     * The header bytes AH's ICV covers when this header carries AH (protocol
     * 51).  IPv4: TTL and checksum zero.  IPv6: traffic class, flow label and
     * hop limit zero, then ext with the data of every option whose type has
     * the may-change bit (0x20) zeroed and the last next header 51 (RFC 4302
     * section 3.3.3.1.2, KAME ah6_calccksum).
     * @param payloadLength the bytes from AH on
     * @param clearTos IPv4: TOS zero too (ah_cleartos)
     * @param offsetMask IPv4: AND-ed with the flags and fragment offset (ah_offsetmask)
     * @param outbound IPv6 on output: a type 0 Routing header and the
     *        destination as the final destination will see them
     * @return the bytes
     */
    std::vector<uint8_t> AhIcvBytes(uint32_t payloadLength,
                                    bool clearTos,
                                    uint16_t offsetMask,
                                    bool outbound = false) const;
};

} // namespace ns3

#endif /* IPSEC_IP_HEADER_H */
