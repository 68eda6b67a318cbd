/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ESP (RFC 4303 layout, KAME esp_output/esp_input rules):
 *   [SPI 4][Seq 4][IV][payload][pad][pad length 1][next header 1][ICV]
 * Padding to max(block size, 4) with KAME's "never exactly 1" rule, pad
 * contents per the SA's -f flag, a fresh IV from the node's random stream,
 * an ICV from the SA's authenticator or the AEAD tag.  Counters are updated
 * where KAME updates them.
 */
#ifndef IPSEC_ESP_H
#define IPSEC_ESP_H

#include "ipsec-sa.h"
#include "ipsec-stats.h"
#include "ns3/packet.h"
#include "ns3/random-variable-stream.h"

#include <string>

namespace ns3
{

class IpsecEsp
{
  public:
    /// Bytes ESP adds to a payload of @p plen bytes under @p sa.
    static uint32_t Overhead(const IpsecSa& sa, uint32_t plen);

    /**
     * Encapsulates @p packet (the bytes after the insertion point) in place.
     * Returns "" on success, else the drop reason (out_inval counted).
     */
    static IpsecVerdict Output(IpsecSa& sa,
                               Ptr<Packet>& packet,
                               uint8_t nextHeader,
                               Ptr<UniformRandomVariable> rng,
                               IpsecStats& stats);

    /// The SPI of an ESP packet (caller checked the length).
    static uint32_t PeekSpi(Ptr<const Packet> packet);

    /**
     * Verifies, decrypts and strips ESP in place; sets @p nextHeader and adds
     * to @p marks.  Returns "" on success, else the drop reason (the KAME
     * counter has been incremented).
     */
    static IpsecVerdict Input(
        IpsecSa& sa, Ptr<Packet>& packet, uint8_t* nextHeader, uint8_t* marks, IpsecStats& stats);
};

} // namespace ns3

#endif /* IPSEC_ESP_H */
