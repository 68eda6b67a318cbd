/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The Internet checksum; see ipsec-checksum.h.
 */
#include "ipsec-checksum.h"

namespace ns3
{

uint32_t
IpsecOnesSum(const uint8_t* p, std::size_t n, uint32_t sum)
{
    for (std::size_t i = 0; i + 1 < n; i += 2)
    {
        sum += static_cast<uint32_t>((p[i] << 8) | p[i + 1]);
    }
    if (n % 2)
    {
        sum += static_cast<uint32_t>(p[n - 1] << 8);
    }
    return sum;
}

uint16_t
IpsecFoldChecksum(uint32_t sum)
{
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(~sum & 0xffff);
}

uint16_t
IpsecUpperChecksum(const IpsecAddress& src,
                   const IpsecAddress& dst,
                   uint8_t protocol,
                   const std::vector<uint8_t>& msg)
{
    uint32_t sum = IpsecOnesSum(src.Bytes(), src.Size());
    sum = IpsecOnesSum(dst.Bytes(), dst.Size(), sum);
    uint32_t len = static_cast<uint32_t>(msg.size());
    sum += (len >> 16) + (len & 0xffff);
    sum += protocol;
    sum = IpsecOnesSum(msg.data(), msg.size(), sum);
    return IpsecFoldChecksum(sum);
}

uint16_t
IpsecChecksumAdjust(uint16_t csum, uint16_t oldWord, uint16_t newWord)
{
    uint32_t sum = (~csum & 0xffffu) + (~oldWord & 0xffffu) + newWord;
    sum = (sum & 0xffffu) + (sum >> 16);
    sum = (sum & 0xffffu) + (sum >> 16);
    return static_cast<uint16_t>(~sum & 0xffffu);
}

} // namespace ns3
