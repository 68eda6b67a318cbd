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
     * A writer appending to a vector.
     * @param b the vector written to (appended at its end)
     */
    explicit IpsecByteWriter(std::vector<uint8_t>& b)
        : m_b(b)
    {
    }

    /**
     * Appends a byte.
     * @param v the byte
     */
    void U8(uint8_t v)
    {
        m_b.push_back(v);
    }

    /**
     * Appends a 16-bit field in network order.
     * @param v the field
     */
    void N16(uint16_t v)
    {
        U8(v >> 8);
        U8(v & 0xff);
    }

    /**
     * Appends a 32-bit field in network order.
     * @param v the field
     */
    void N32(uint32_t v)
    {
        N16(v >> 16);
        N16(v & 0xffff);
    }

    /**
     * Appends a 16-bit field, little-endian.
     * @param v the field
     */
    void L16(uint16_t v)
    {
        U8(v & 0xff);
        U8(v >> 8);
    }

    /**
     * Appends a 32-bit field, little-endian.
     * @param v the field
     */
    void L32(uint32_t v)
    {
        L16(v & 0xffff);
        L16(v >> 16);
    }

    /**
     * Appends a 64-bit field, little-endian.
     * @param v the field
     */
    void L64(uint64_t v)
    {
        L32(v & 0xffffffff);
        L32(v >> 32);
    }

    /**
     * Appends bytes.
     * @param p the bytes
     * @param n how many
     */
    void Bytes(const uint8_t* p, size_t n)
    {
        m_b.insert(m_b.end(), p, p + n);
    }

    /**
     * Appends bytes.
     * @param v the bytes
     */
    void Bytes(const std::vector<uint8_t>& v)
    {
        m_b.insert(m_b.end(), v.begin(), v.end());
    }

    /**
     * Appends zero bytes.
     * @param n how many
     */
    void Zero(size_t n)
    {
        m_b.insert(m_b.end(), n, 0);
    }

    /**
     * The length so far.
     * @return the bytes written so far (the vector's size)
     */
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
    /**
     * A reader at the start of the bytes.
     * @param p the bytes
     * @param n how many
     */
    IpsecByteReader(const uint8_t* p, size_t n)
        : m_p(p)
        , m_n(n)
    {
    }

    /**
     * What is left.
     * @return the bytes left to read
     */
    size_t Left() const
    {
        return m_n - m_off;
    }

    /**
     * Where the reader is.
     * @return the bytes read so far
     */
    size_t Offset() const
    {
        return m_off;
    }

    /**
     * Reads a byte.
     * @return the next byte, or 0 at the end
     */
    uint8_t U8()
    {
        return m_off < m_n ? m_p[m_off++] : 0;
    }

    /**
     * Reads a 16-bit field in network order.
     * @return the field
     */
    uint16_t N16()
    {
        uint16_t hi = U8();
        return (hi << 8) | U8();
    }

    /**
     * Reads a 32-bit field in network order.
     * @return the field
     */
    uint32_t N32()
    {
        uint32_t hi = N16();
        return (hi << 16) | N16();
    }

    /**
     * Reads a 16-bit field, little-endian.
     * @return the field
     */
    uint16_t L16()
    {
        uint16_t lo = U8();
        return lo | (uint16_t(U8()) << 8);
    }

    /**
     * Reads a 32-bit field, little-endian.
     * @return the field
     */
    uint32_t L32()
    {
        uint32_t lo = L16();
        return lo | (uint32_t(L16()) << 16);
    }

    /**
     * Reads a 64-bit field, little-endian.
     * @return the field
     */
    uint64_t L64()
    {
        uint64_t lo = L32();
        return lo | (uint64_t(L32()) << 32);
    }

    /**
     * Skips bytes.
     * @param n how many (at most what is left)
     */
    void Skip(size_t n)
    {
        m_off = std::min(m_n, m_off + n);
    }

    /**
     * The read position.
     * @return where the next read starts
     */
    const uint8_t* Here() const
    {
        return m_p + m_off;
    }

    /**
     * Reads bytes.
     * @param k how many
     * @return the next @p k bytes (fewer if fewer are left)
     */
    std::vector<uint8_t> Take(size_t k)
    {
        k = std::min(k, Left());
        std::vector<uint8_t> v(m_p + m_off, m_p + m_off + k);
        m_off += k;
        return v;
    }

    /**
     * A reader over the next bytes, which this one skips.
     * @param k how many
     * @return the reader (over fewer bytes if fewer are left)
     */
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
