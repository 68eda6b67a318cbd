/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The deflate codec of IPComp (RFC 2394, RFC 1951 raw streams) on zlib,
 * apart from the transform that uses it (ipsec-ipcomp.h).
 */
#ifndef IPSEC_DEFLATE_H
#define IPSEC_DEFLATE_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

class IpsecZStream;

/**
 * @ingroup ipsec-transforms
 * Raw deflate and bounded raw inflate, as IPComp uses them.
 *
 * An object keeps one deflate and one inflate stream of zlib, made on first
 * use and reset (deflateReset, inflateReset) for every datagram: setting up
 * deflate's state (about 270 KiB at memory level 9) costs far more than
 * compressing a datagram.  Each datagram is still a stream of its own, so
 * the bytes are those of a fresh stream.  A node keeps one (IpsecStack), as
 * Linux keeps per-CPU IPComp scratch state rather than one per SA; the
 * static Deflate and Inflate are one-shot versions with a stream each call.
 */
class IpsecDeflate
{
  public:
    IpsecDeflate();
    ~IpsecDeflate();
    IpsecDeflate(const IpsecDeflate&) = delete;
    IpsecDeflate& operator=(const IpsecDeflate&) = delete;

    /// zlib windowBits of the raw deflate streams IPComp sends (negative: no zlib wrapper).
    static constexpr int WINDOW_OUT = -12;
    /// zlib windowBits of the raw deflate streams IPComp accepts.
    static constexpr int WINDOW_IN = -15;

    /// Outcome of Inflate.
    enum class InflateStatus : uint8_t
    {
        OK = 0,     ///< inflated within the limit
        BAD_STREAM, ///< not a valid raw deflate stream (zlib Z_DATA_ERROR)
        TRUNCATED,  ///< the input ended before the final block did
        TRAILING,   ///< bytes after the end of the deflate stream
        TOO_BIG,    ///< the output would exceed the limit
        NO_MEMORY,  ///< zlib could not allocate its state
        INTERNAL,   ///< any other zlib error
    };

    /**
     * Raw deflate as IPComp output does it (window 2^12, default level,
     * memory level 9, one Z_FINISH call).
     * @param data the bytes to compress
     * @param len their length
     * @param out receives @p headroom bytes left for the caller (the IPComp
     *        header), then exactly the compressed bytes
     * @param why set on a zlib error (if not null)
     * @param headroom bytes left in front of the compressed ones
     * @return false on a zlib error
     */
    static bool Deflate(const uint8_t* data,
                        size_t len,
                        std::vector<uint8_t>* out,
                        std::string* why,
                        size_t headroom = 0);

    /**
     * Deflate on this object's stream; as the static Deflate.
     * @param data the bytes to compress
     * @param len their length
     * @param out receives @p headroom bytes, then the compressed bytes
     * @param why set on a zlib error (if not null)
     * @param headroom bytes left in front of the compressed ones
     * @return false on a zlib error
     */
    bool Compress(const uint8_t* data,
                  size_t len,
                  std::vector<uint8_t>* out,
                  std::string* why,
                  size_t headroom = 0);

    /**
     * Bounded raw inflate (window 2^15).
     *
     * Two passes over one z_stream: the first inflates into a fixed 8 KiB
     * scratch buffer on the stack, only counting, and stops as soon as more
     * than @p limit bytes have come out; the second (after inflateReset)
     * inflates into @p out sized exactly to the length the first pass
     * found.  So nothing is allocated for the output of a rejected stream
     * (@p out is only cleared), and an accepted one never gets more
     * than @p limit bytes.  zlib's own state (about 7 KiB plus the 32 KiB
     * window) is allocated per call and freed before returning (Decompress
     * keeps it in the object instead).  The work
     * per call is bounded by 2 * (@p limit + 1) output bytes whatever the
     * ratio of the stream.
     * @param data the compressed bytes
     * @param len their length
     * @param limit the most bytes the output may have
     * @param out the inflated bytes (cleared on failure)
     * @param why set on failure (if not null)
     * @return OK, or why the stream was refused
     */
    static InflateStatus Inflate(const uint8_t* data,
                                 size_t len,
                                 uint32_t limit,
                                 std::vector<uint8_t>* out,
                                 std::string* why);

    /**
     * Inflate on this object's stream; as the static Inflate.
     * @param data the compressed bytes
     * @param len their length
     * @param limit the most bytes the output may have
     * @param out the inflated bytes (cleared on failure)
     * @param why set on failure (if not null)
     * @return OK, or why the stream was refused
     */
    InflateStatus Decompress(const uint8_t* data,
                             size_t len,
                             uint32_t limit,
                             std::vector<uint8_t>* out,
                             std::string* why);

  private:
    std::unique_ptr<IpsecZStream> m_deflate; ///< made on the first Compress
    std::unique_ptr<IpsecZStream> m_inflate; ///< made on the first Decompress
};

} // namespace ns3

#endif /* IPSEC_DEFLATE_H */
