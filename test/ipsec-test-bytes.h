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

/**
 * A PF_KEY message written field by field, as a C program filling struct
 * sadb_* on a little-endian host would: host-order fields little-endian,
 * network-order ones (ports, SPIs) big-endian.  A suite derives its writer
 * from it (CRTP, so that the chained calls keep the writer's type) and adds
 * the extensions it needs.
 * @tparam Writer the deriving writer
 */
template <typename Writer>
struct PfKeyFieldWriter
{
    std::vector<uint8_t> b; ///< the bytes so far

    /// One byte.
    Writer& U8(uint8_t v)
    {
        b.push_back(v);
        return static_cast<Writer&>(*this);
    }

    /// A host-order (little-endian) 16-bit field.
    Writer& U16(uint16_t v)
    {
        return U8(v & 0xff).U8(v >> 8);
    }

    /// A host-order (little-endian) 32-bit field.
    Writer& U32(uint32_t v)
    {
        return U16(v & 0xffff).U16(v >> 16);
    }

    /// A network-order 16-bit field.
    Writer& N16(uint16_t v)
    {
        return U8(v >> 8).U8(v & 0xff);
    }

    /// A network-order 32-bit field.
    Writer& N32(uint32_t v)
    {
        return N16(v >> 16).N16(v & 0xffff);
    }

    /// @p n zero bytes.
    Writer& Zero(size_t n)
    {
        b.insert(b.end(), n, 0);
        return static_cast<Writer&>(*this);
    }

    /// struct sadb_msg (PF_KEY_V2).
    Writer& Header(uint8_t type, uint8_t satype, uint16_t words, uint32_t seq, uint32_t pid)
    {
        return U8(2).U8(type).U8(0).U8(satype).U16(words).U16(0).U32(seq).U32(pid);
    }
};

} // namespace ipsectest
} // namespace ns3

#endif /* IPSEC_TEST_BYTES_H */
