// SPDX-License-Identifier: GPL-2.0-only
/*
 * Byte-string helpers shared by the suites and the test encoder
 * (ipsec-test-bytes.h).
 */
#include "ipsec-test-bytes.h"

namespace ns3
{
namespace ipsectest
{

int
HexDigit(char c)
{
    if (c >= '0' && c <= '9')
    {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f')
    {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F')
    {
        return c - 'A' + 10;
    }
    return -1;
}

std::vector<uint8_t>
HexBytes(const std::string& text)
{
    std::vector<uint8_t> out;
    int hi = -1;
    for (char c : text)
    {
        const int v = HexDigit(c);
        if (v < 0)
        {
            continue;
        }
        if (hi < 0)
        {
            hi = v;
        }
        else
        {
            out.push_back(static_cast<uint8_t>(hi * 16 + v));
            hi = -1;
        }
    }
    return out;
}

std::string
ToHex(const std::vector<uint8_t>& b)
{
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (uint8_t x : b)
    {
        s += digits[x >> 4];
        s += digits[x & 15];
    }
    return s;
}

std::vector<uint8_t>
Ascii(const std::string& text)
{
    return std::vector<uint8_t>(text.begin(), text.end());
}

std::vector<uint8_t>
Rep(uint8_t byte, size_t n)
{
    return std::vector<uint8_t>(n, byte);
}

void
PutBe16(uint8_t* p, uint16_t v)
{
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}

void
PutBe32(uint8_t* p, uint32_t v)
{
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

uint16_t
GetBe16(const uint8_t* p)
{
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

uint32_t
GetBe32(const uint8_t* p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

} // namespace ipsectest
} // namespace ns3
