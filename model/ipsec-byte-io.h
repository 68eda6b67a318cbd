/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Reading and writing the fixed-width fields of a wire format, in network
 * order (ISAKMP, the network-order parts of PF_KEY) or in a little-endian
 * host's order (PF_KEY messages as NetBSD/i386 lays them out).  The codecs
 * of model/isakmp-message.cc and model/pfkey-message.cc build on these.
 */
#ifndef IPSEC_BYTE_IO_H
#define IPSEC_BYTE_IO_H

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec
 * Appends fields to a byte vector.
 */
class IpsecByteWriter
{
  public:
    /**
     * Writes at the end of @p b.
     * @param b the vector written to
     */
    explicit IpsecByteWriter(std::vector<uint8_t>& b)
        : m_b(b)
    {
    }

    /// Appends one byte.
    /// @param v the byte
    void U8(uint8_t v)
    {
        m_b.push_back(v);
    }

    /// Appends a 16-bit field in network order.
    /// @param v the value
    void N16(uint16_t v)
    {
        U8(v >> 8);
        U8(v & 0xff);
    }

    /// Appends a 32-bit field in network order.
    /// @param v the value
    void N32(uint32_t v)
    {
        N16(v >> 16);
        N16(v & 0xffff);
    }

    /// Appends a 16-bit field, little-endian.
    /// @param v the value
    void L16(uint16_t v)
    {
        U8(v & 0xff);
        U8(v >> 8);
    }

    /// Appends a 32-bit field, little-endian.
    /// @param v the value
    void L32(uint32_t v)
    {
        L16(v & 0xffff);
        L16(v >> 16);
    }

    /// Appends a 64-bit field, little-endian.
    /// @param v the value
    void L64(uint64_t v)
    {
        L32(v & 0xffffffff);
        L32(v >> 32);
    }

    /// Appends bytes.
    /// @param p the bytes
    /// @param n how many
    void Bytes(const uint8_t* p, size_t n)
    {
        m_b.insert(m_b.end(), p, p + n);
    }

    /// Appends bytes.
    /// @param v the bytes
    void Bytes(const std::vector<uint8_t>& v)
    {
        m_b.insert(m_b.end(), v.begin(), v.end());
    }

    /// Appends zeros.
    /// @param n how many
    void Zero(size_t n)
    {
        m_b.insert(m_b.end(), n, 0);
    }

    /// The vector's size.
    /// @return the bytes in the vector
    size_t Size() const
    {
        return m_b.size();
    }

  protected:
    std::vector<uint8_t>& m_b; ///< the vector written to
};

/**
 * @ingroup ipsec
 * Reads fields from [p, p + n).  A read past the end gives zeros and does
 * not move; the caller checks Left() before reading what it needs.
 */
class IpsecByteReader
{
  public:
    /// Reads [p, p + n).
    /// @param p the bytes
    /// @param n how many
    IpsecByteReader(const uint8_t* p, size_t n)
        : m_p(p)
        , m_n(n)
    {
    }

    /// The bytes left.
    /// @return the bytes left to read
    size_t Left() const
    {
        return m_n - m_off;
    }

    /// The bytes read.
    /// @return the bytes read so far
    size_t Offset() const
    {
        return m_off;
    }

    /// Reads one byte.
    /// @return the next byte, or 0 at the end
    uint8_t U8()
    {
        return m_off < m_n ? m_p[m_off++] : 0;
    }

    /// Reads a 16-bit field in network order.
    /// @return the value
    uint16_t N16()
    {
        uint16_t hi = U8();
        return (hi << 8) | U8();
    }

    /// Reads a 32-bit field in network order.
    /// @return the value
    uint32_t N32()
    {
        uint32_t hi = N16();
        return (hi << 16) | N16();
    }

    /// Reads a 16-bit field, little-endian.
    /// @return the value
    uint16_t L16()
    {
        uint16_t lo = U8();
        return lo | (uint16_t(U8()) << 8);
    }

    /// Reads a 32-bit field, little-endian.
    /// @return the value
    uint32_t L32()
    {
        uint32_t lo = L16();
        return lo | (uint32_t(L16()) << 16);
    }

    /// Reads a 64-bit field, little-endian.
    /// @return the value
    uint64_t L64()
    {
        uint64_t lo = L32();
        return lo | (uint64_t(L32()) << 32);
    }

    /// Skips bytes (at most what is left).
    /// @param n how many
    void Skip(size_t n)
    {
        m_off = std::min(m_n, m_off + n);
    }

    /// Where the next read starts.
    /// @return a pointer to the next byte
    const uint8_t* Here() const
    {
        return m_p + m_off;
    }

    /// Takes bytes.
    /// @param k how many
    /// @return the next @p k bytes (fewer if fewer are left)
    std::vector<uint8_t> Take(size_t k)
    {
        k = std::min(k, Left());
        std::vector<uint8_t> v(m_p + m_off, m_p + m_off + k);
        m_off += k;
        return v;
    }

    /// A reader over the next bytes, which this one skips.
    /// @param k how many
    /// @return the reader
    IpsecByteReader Sub(size_t k)
    {
        k = std::min(k, Left());
        IpsecByteReader r(m_p + m_off, k);
        m_off += k;
        return r;
    }

  private:
    const uint8_t* m_p;
    size_t m_n;
    size_t m_off{0};
};

} // namespace ns3

#endif /* IPSEC_BYTE_IO_H */
