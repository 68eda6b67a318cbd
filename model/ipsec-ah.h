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
 * IPv4 header for the AH ICV (ah4_calccksum): TTL and checksum zeroed, TOS
 * zeroed when @p clearTos (ah_cleartos), flags/fragment offset AND-ed with
 * @p offsetMask (ah_offsetmask), protocol 51.
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
 * IPv6 header and extension headers for the AH ICV (ah6_calccksum, RFC 4302
 * section 3.3.3.1.2): traffic class, flow label and hop limit zeroed; the
 * extension headers @p ext in front of AH (a chain starting with
 * @p extFirst, the last one followed by AH) with the data of every
 * Hop-by-Hop / Destination option whose type has the may-change bit (0x20)
 * zeroed; the payload length covers them and the @p payloadLength bytes
 * from AH on.  @p outbound: a type 0 Routing header that still has segments
 * left, and the destination, are taken as the final destination will see
 * them (KAME computes the output ICV on the final-destination form).
 */
std::vector<uint8_t> IpsecAhIcvHeaderV6(uint32_t payloadLength,
                                        const IpsecAddress& src,
                                        const IpsecAddress& dst,
                                        const std::vector<uint8_t>& ext = {},
                                        uint8_t extFirst = 0,
                                        bool outbound = false);

/**
 * @ingroup ipsec
 * The AH transform (RFC 4302; KAME ah4_output/ah6_output, ah4_input/
 * ah6_input): next header, length, SPI, sequence number and the ICV over
 * the IP header with its mutable fields zeroed, AH and the payload.
 */
class IpsecAh : public IpsecTransform
{
  public:
    /// Next header, length, reserved, SPI, sequence number.
    static constexpr uint32_t FIXED_SIZE = 12;

    /// AH header length for @p sa (ICV padded to 4 bytes for IPv4, 8 for IPv6).
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
