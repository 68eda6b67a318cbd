// SPDX-License-Identifier: GPL-2.0-only
/*
 * Byte-string helpers that the suites and the test encoder share: hex text
 * to bytes and back, ASCII text and runs of one byte as bytes, big-endian
 * fields.  Standard C++ only, nothing of model/: the encoder
 * (ipsec-test-encoder.h), which must stay independent of the module, uses
 * them too.
 */
#ifndef IPSEC_TEST_BYTES_H
#define IPSEC_TEST_BYTES_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{
namespace ipsectest
{

/// The value of the hex digit @p c (either case), or -1 if it is not one.
int HexDigit(char c);

/// Hex digits to bytes; every other character (blanks, colons, newlines) is ignored.
std::vector<uint8_t> HexBytes(const std::string& text);

/// @p b as lower-case hex digits, no separators.
std::string ToHex(const std::vector<uint8_t>& b);

/// The characters of @p text as bytes, without a terminating NUL.
std::vector<uint8_t> Ascii(const std::string& text);

/// @p n bytes of value @p byte.
std::vector<uint8_t> Rep(uint8_t byte, size_t n);

/// Big-endian helpers.
void PutBe16(uint8_t* p, uint16_t v);
void PutBe32(uint8_t* p, uint32_t v);
uint16_t GetBe16(const uint8_t* p);
uint32_t GetBe32(const uint8_t* p);

} // namespace ipsectest
} // namespace ns3

#endif /* IPSEC_TEST_BYTES_H */
