/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ESP (RFC 4303 layout; KAME esp_output, esp4_input/esp6_input rules):
 *   [SPI 4][Seq 4][IV][payload][pad][pad length 1][next header 1][ICV]
 * Padding to max(block size, 4) with KAME's "never exactly 1" rule, pad
 * contents per the SA's -f flag, a fresh IV from the node's random stream,
 * an ICV from the SA's authenticator or the AEAD tag.  Counters are updated
 * where KAME updates them.
 */
#ifndef IPSEC_ESP_H
#define IPSEC_ESP_H

#include "ipsec-transform.h"

namespace ns3
{

/**
 * @ingroup ipsec-transforms
 * The ESP transform: SPI and sequence number, IV, the payload with KAME's
 * padding (sequential by default, zero or random with -f), pad length and
 * next header, all encrypted, then the ICV.
 */
class IpsecEsp : public IpsecTransform
{
  public:
    /// SPI and sequence number.
    static constexpr uint32_t HEADER_SIZE = 8;

    /**
     * The bytes ESP adds to a payload.
     * @param sa the SA (its algorithms and ICV length)
     * @param plen the payload bytes
     * @return header, IV, padding, trailer and ICV bytes
     */
    static uint32_t Overhead(const IpsecSa& sa, uint32_t plen);

    IpsecProto GetProto() const override;
    std::string InitState(IpsecSa& sa, IpsecIcvTruncation truncation) const override;
    uint32_t HeaderOverhead(const IpsecSa* sa, bool ipv6) const override;
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

#endif /* IPSEC_ESP_H */
