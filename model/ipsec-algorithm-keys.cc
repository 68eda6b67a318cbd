// SPDX-License-Identifier: GPL-2.0-only
/*
 * The key checks against a row of the algorithm tables, as setkey and
 * key_mature make them: the key sizes a row accepts, with setkey's message
 * when a key has another, and the DES weak and semi-weak keys refused for
 * the rows that ask for it (des-cbc; each of 3des-cbc's three keys).
 */
#include "ipsec-algorithms.h"

#include <algorithm>
#include <array>

namespace ns3
{

namespace
{

/// "192", "128, 192 or 256", "40 to 448" (no unit).
std::string
KeyBitsList(uint16_t minBits, uint16_t maxBits, const std::vector<uint16_t>& exact)
{
    if (!exact.empty())
    {
        std::string text;
        for (size_t i = 0; i < exact.size(); ++i)
        {
            if (i > 0)
            {
                text += (i + 1 == exact.size()) ? " or " : ", ";
            }
            text += std::to_string(exact[i]);
        }
        return text;
    }
    if (minBits == maxBits)
    {
        return std::to_string(minBits);
    }
    return std::to_string(minBits) + " to " + std::to_string(maxBits);
}

std::string
CheckKeyBits(const char* name,
             uint16_t minBits,
             uint16_t maxBits,
             const std::vector<uint16_t>& exact,
             size_t keyBytes)
{
    const size_t bits = keyBytes * 8;
    const bool ok = exact.empty() ? (bits >= minBits && bits <= maxBits)
                                  : std::find(exact.begin(), exact.end(), bits) != exact.end();
    if (ok)
    {
        return "";
    }
    const std::string got = ", got " + std::to_string(bits) + " bits";
    const bool range = exact.empty() && minBits != maxBits;
    if (range)
    {
        return std::string(name) + " needs a key of " + DescribeKeyBits(minBits, maxBits, exact)
             + got;
    }
    return std::string(name) + " needs a " + KeyBitsList(minBits, maxBits, exact) + "-bit key"
         + got;
}

/// The 4 weak and 12 semi-weak DES keys (with odd parity, as published).
const std::array<std::array<uint8_t, 8>, 16> kDesWeakKeys = {{
    // weak
    {0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01},
    {0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE},
    {0x1F, 0x1F, 0x1F, 0x1F, 0x0E, 0x0E, 0x0E, 0x0E},
    {0xE0, 0xE0, 0xE0, 0xE0, 0xF1, 0xF1, 0xF1, 0xF1},
    // semi-weak pairs
    {0x01, 0xFE, 0x01, 0xFE, 0x01, 0xFE, 0x01, 0xFE},
    {0xFE, 0x01, 0xFE, 0x01, 0xFE, 0x01, 0xFE, 0x01},
    {0x1F, 0xE0, 0x1F, 0xE0, 0x0E, 0xF1, 0x0E, 0xF1},
    {0xE0, 0x1F, 0xE0, 0x1F, 0xF1, 0x0E, 0xF1, 0x0E},
    {0x01, 0xE0, 0x01, 0xE0, 0x01, 0xF1, 0x01, 0xF1},
    {0xE0, 0x01, 0xE0, 0x01, 0xF1, 0x01, 0xF1, 0x01},
    {0x1F, 0xFE, 0x1F, 0xFE, 0x0E, 0xFE, 0x0E, 0xFE},
    {0xFE, 0x1F, 0xFE, 0x1F, 0xFE, 0x0E, 0xFE, 0x0E},
    {0x01, 0x1F, 0x01, 0x1F, 0x01, 0x0E, 0x01, 0x0E},
    {0x1F, 0x01, 0x1F, 0x01, 0x0E, 0x01, 0x0E, 0x01},
    {0xE0, 0xFE, 0xE0, 0xFE, 0xF1, 0xFE, 0xF1, 0xFE},
    {0xFE, 0xE0, 0xFE, 0xE0, 0xFE, 0xF1, 0xFE, 0xF1},
}};

/// True if the 8 bytes at @p k are a DES weak or semi-weak key, ignoring
/// the parity bit (the least significant bit of each byte).
bool
IsDesWeakKey(const uint8_t* k)
{
    for (const auto& weak : kDesWeakKeys)
    {
        bool same = true;
        for (size_t i = 0; i < 8 && same; ++i)
        {
            same = (k[i] & 0xFE) == (weak[i] & 0xFE);
        }
        if (same)
        {
            return true;
        }
    }
    return false;
}

} // namespace

std::string
DescribeKeyBits(uint16_t minBits, uint16_t maxBits, const std::vector<uint16_t>& exact)
{
    return KeyBitsList(minBits, maxBits, exact) + " bits";
}

std::string
CheckEncKey(const IpsecEncAlgorithm& alg, const std::vector<uint8_t>& key)
{
    std::string e
        = CheckKeyBits(alg.name, alg.minKeyBits, alg.maxKeyBits, alg.exactKeyBits, key.size());
    if (!e.empty())
    {
        return e;
    }
    if (alg.weakKeyCheck)
    {
        // des-cbc: one DES key; 3des-cbc: each of its three.
        for (size_t off = 0; off + 8 <= key.size(); off += 8)
        {
            if (IsDesWeakKey(key.data() + off))
            {
                return std::string("weak key for ") + alg.name;
            }
        }
    }
    return "";
}

std::string
CheckAuthKey(const IpsecAuthAlgorithm& alg, const std::vector<uint8_t>& key)
{
    return CheckKeyBits(alg.name, alg.minKeyBits, alg.maxKeyBits, {}, key.size());
}

} // namespace ns3
