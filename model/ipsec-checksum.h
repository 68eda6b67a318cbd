/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The Internet checksum (RFC 1071) of the bytes IPsec writes and reads
 * itself: the one's complement sum, the checksum of an upper-layer message
 * with its pseudo-header (RFC 768, RFC 8200 section 8.1), and RFC 1624's
 * incremental update.
 */
#ifndef IPSEC_CHECKSUM_H
#define IPSEC_CHECKSUM_H

#include "ipsec-address.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec
 * The one's complement sum of RFC 1071 of @p n bytes (big-endian words, an
 * odd last byte padded with zero), added to @p sum, not yet folded.
 * @param p the bytes
 * @param n their number
 * @param sum the sum so far
 * @return the new sum
 */
uint32_t IpsecOnesSum(const uint8_t* p, std::size_t n, uint32_t sum = 0);

/**
 * @ingroup ipsec
 * A one's complement sum folded to 16 bits and complemented: the checksum
 * to write (or 0 when the summed bytes held a right checksum).
 * @param sum the sum (IpsecOnesSum)
 * @return the checksum
 */
uint16_t IpsecFoldChecksum(uint32_t sum);

/**
 * @ingroup ipsec
 * The checksum of an upper-layer message with the pseudo-header of RFC 768
 * (IPv4) or RFC 8200 section 8.1 (IPv6), over the message as it is (its
 * checksum field included: 0 for a message whose checksum is right).
 * @param src the source address
 * @param dst the destination address
 * @param protocol the upper-layer protocol
 * @param msg the message
 * @return the checksum
 */
uint16_t IpsecUpperChecksum(const IpsecAddress& src,
                            const IpsecAddress& dst,
                            uint8_t protocol,
                            const std::vector<uint8_t>& msg);

/**
 * @ingroup ipsec
 * RFC 1624 equation 3, HC' = ~(~HC + ~m + m'): a checksum updated for one
 * 16-bit word of what it covers changed.
 * @param csum the checksum
 * @param oldWord the word before
 * @param newWord the word after
 * @return the updated checksum
 */
uint16_t IpsecChecksumAdjust(uint16_t csum, uint16_t oldWord, uint16_t newWord);

} // namespace ns3

#endif /* IPSEC_CHECKSUM_H */
