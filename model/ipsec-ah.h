/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * AH (RFC 4302 layout, KAME ah_output/ah_input rules):
 *   [next header][payload len][reserved 2][SPI 4][Seq 4][ICV, padded]
 * The ICV covers the IP header with its mutable fields zeroed (built by the
 * family glue, see IpsecAhIcvHeaderV4/V6), the AH header with a zero ICV
 * and the payload.
 */
#ifndef IPSEC_AH_H
#define IPSEC_AH_H

#include "ipsec-address.h"
#include "ipsec-transform.h"

#include <functional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-transforms
 * The IPv4 header as the AH ICV sees it (ah4_calccksum): TTL and checksum
 * zeroed, protocol 51.
 * @param tos the header's TOS
 * @param totalLength the datagram's total length
 * @param identification the datagram's identification
 * @param flagsOffset the flags and fragment offset field
 * @param src the source address
 * @param dst the destination address
 * @param clearTos TOS zeroed too (ah_cleartos)
 * @param offsetMask AND-ed with the flags and fragment offset (ah_offsetmask)
 * @return the 20 bytes
 */
std::vector<uint8_t> IpsecAhIcvHeaderV4(uint8_t tos,
                                        uint16_t totalLength,
                                        uint16_t identification,
                                        uint16_t flagsOffset,
                                        const IpsecAddress& src,
                                        const IpsecAddress& dst,
                                        bool clearTos,
                                        uint16_t offsetMask);

/**
 * @ingroup ipsec-transforms
 * The IPv6 header and extension headers as the AH ICV sees them
 * (ah6_calccksum, RFC 4302 section 3.3.3.1.2): traffic class, flow label
 * and hop limit zeroed; the data of every Hop-by-Hop / Destination option
 * whose type has the may-change bit (0x20) zeroed; the payload length
 * covers the extension headers and the bytes from AH on.
 * @param payloadLength the bytes from AH on
 * @param src the source address
 * @param dst the destination address
 * @param ext the extension headers in front of AH (the last one followed by AH)
 * @param extFirst the protocol of the first of them
 * @param outbound a type 0 Routing header that still has segments left, and
 *        the destination, are taken as the final destination will see them
 *        (KAME computes the output ICV on the final-destination form)
 * @return the header and extension headers
 */
std::vector<uint8_t> IpsecAhIcvHeaderV6(uint32_t payloadLength,
                                        const IpsecAddress& src,
                                        const IpsecAddress& dst,
                                        const std::vector<uint8_t>& ext = {},
                                        uint8_t extFirst = 0,
                                        bool outbound = false);

/**
 * @ingroup ipsec-transforms
 * The AH transform (RFC 4302; KAME ah4_output/ah6_output, ah4_input/
 * ah6_input): next header, length, SPI, sequence number and the ICV over
 * the IP header with its mutable fields zeroed, AH and the payload.
 */
class IpsecAh : public IpsecTransform
{
  public:
    /// Next header, length, reserved, SPI, sequence number.
    static constexpr uint32_t FIXED_SIZE = 12;

    /**
     * The AH header length.
     * @param sa the SA (its ICV length)
     * @param ipv6 the family (the ICV is padded to 4 bytes for IPv4, 8 for IPv6)
     * @return the bytes
     */
    static uint32_t HeaderLength(const IpsecSa& sa, bool ipv6);

    IpsecProto GetProto() const override;
    std::string InitState(IpsecSa& sa, IpsecIcvTruncation truncation) const override;
    uint32_t HeaderOverhead(const IpsecSa* sa, bool ipv6) const override;
    bool CoversIpHeader() const override;
    IpsecVerdict Output(IpsecSa& sa, IpsecTransformOutput& out) const override;
    IpsecVerdict PeekSpi(Ptr<const Packet> packet, IpsecStats& stats, uint32_t* spi) const override;
    IpsecVerdict PeekSequence(const IpsecSa& sa,
                              Ptr<const Packet> packet,
                              IpsecStats& stats,
                              uint32_t* seq,
                              bool* check) const override;
    IpsecStatsField ReplayCounter() const override;
    IpsecVerdict Input(IpsecSa* sa, IpsecTransformInput& in) const override;
    void AddProposalCombs(const IpsecProposalLimits& limits,
                          std::vector<PfKeyComb>* combs) const override;
};

} // namespace ns3

#endif /* IPSEC_AH_H */
