// SPDX-License-Identifier: GPL-2.0-only
//
// The deflate codec of IPComp (RFC 2394) on zlib: raw deflate and the
// bounded two-pass inflate, on streams kept from datagram to datagram.
#include "ipsec-deflate.h"

#include <algorithm>
#include <memory>
#include <zlib.h>

namespace ns3
{

/**
 * A z_stream set up for compression or decompression and torn down when
 * destroyed.  zlib keeps a pointer back to the z_stream in its state, so the
 * object must stay where it was created: not copyable, not movable.
 */
class IpsecZStream
{
  public:
    enum Mode
    {
        DEFLATE,
        INFLATE,
    };

    explicit IpsecZStream(Mode mode)
        : m_mode(mode)
    {
        m_zs.zalloc = Z_NULL;
        m_zs.zfree = Z_NULL;
        m_zs.opaque = Z_NULL;
        m_zs.next_in = Z_NULL;
        m_zs.avail_in = 0;
        m_status = mode == DEFLATE ? deflateInit2(&m_zs,
                                                  Z_DEFAULT_COMPRESSION,
                                                  Z_DEFLATED,
                                                  IpsecDeflate::WINDOW_OUT,
                                                  MAX_MEM_LEVEL,
                                                  Z_DEFAULT_STRATEGY)
                                   : inflateInit2(&m_zs, IpsecDeflate::WINDOW_IN);
    }

    ~IpsecZStream()
    {
        if (m_status == Z_OK)
        {
            m_mode == DEFLATE ? deflateEnd(&m_zs) : inflateEnd(&m_zs);
        }
    }

    IpsecZStream(const IpsecZStream&) = delete;
    IpsecZStream& operator=(const IpsecZStream&) = delete;

    /// Z_OK when the stream is usable, else the init error.
    int InitStatus() const
    {
        return m_status;
    }

    z_stream* Get()
    {
        return &m_zs;
    }

    /// deflateReset / inflateReset: a fresh stream with the same parameters.
    /// @return zlib's code (Z_OK on success)
    int Reset()
    {
        return m_mode == DEFLATE ? deflateReset(&m_zs) : inflateReset(&m_zs);
    }

  private:
    Mode m_mode;
    z_stream m_zs{};
    int m_status;
};

namespace
{

/// Scratch buffer of the counting pass of Inflate (on the stack).
constexpr size_t INFLATE_SCRATCH = 8192;
/// Inputs are IP payloads; anything longer than zlib's 32-bit counts is refused.
constexpr size_t MAX_ZLIB_INPUT = 0xffffffffu;

/// zlib's message for @p ret, or a generic text.
std::string
ZlibMessage(const z_stream* zs, int ret)
{
    if (zs->msg != nullptr)
    {
        return zs->msg;
    }
    return "zlib error " + std::to_string(ret);
}

/**
 * The stream kept in @p slot, made on first use and reset on every later
 * one.  nullptr when zlib cannot make or reset it: @p status gets zlib's
 * code, @p why the reason, and the slot is emptied so that the next
 * datagram tries again.
 */
IpsecZStream*
ReadyStream(std::unique_ptr<IpsecZStream>& slot,
            IpsecZStream::Mode mode,
            int* status,
            std::string* why)
{
    const char* name = mode == IpsecZStream::DEFLATE ? "deflate" : "inflate";
    std::string reason;
    if (!slot)
    {
        slot = std::make_unique<IpsecZStream>(mode);
        *status = slot->InitStatus();
        reason = std::string(name) + "Init2: " + ZlibMessage(slot->Get(), *status);
    }
    else
    {
        *status = slot->Reset();
        reason = std::string(name) + "Reset failed";
    }
    if (*status == Z_OK)
    {
        return slot.get();
    }
    slot.reset();
    if (why)
    {
        *why = reason;
    }
    return nullptr;
}

/**
 * Raw deflate of @p len bytes at @p data into @p out after @p headroom
 * bytes left for the caller (the IPComp header).  @p out is resized to
 * headroom + compressed length.
 */
bool
DeflateInto(std::unique_ptr<IpsecZStream>& slot,
            const uint8_t* data,
            size_t len,
            size_t headroom,
            std::vector<uint8_t>* out,
            std::string* why)
{
    if (len > MAX_ZLIB_INPUT)
    {
        if (why)
        {
            *why = "input too long";
        }
        return false;
    }
    int status;
    IpsecZStream* stream = ReadyStream(slot, IpsecZStream::DEFLATE, &status, why);
    if (!stream)
    {
        return false;
    }
    z_stream* zs = stream->Get();
    // deflateBound (for the parameters given to deflateInit2) guarantees
    // that a single Z_FINISH call completes the stream.
    uLong bound = deflateBound(zs, static_cast<uLong>(len));
    out->resize(headroom + bound);
    zs->next_in = const_cast<Bytef*>(data); // zlib never writes through next_in
    zs->avail_in = static_cast<uInt>(len);
    zs->next_out = out->data() + headroom;
    zs->avail_out = static_cast<uInt>(bound);
    int ret = deflate(zs, Z_FINISH);
    if (ret != Z_STREAM_END)
    {
        if (why)
        {
            *why = "deflate: " + ZlibMessage(zs, ret);
        }
        out->clear();
        return false;
    }
    out->resize(headroom + zs->total_out);
    return true;
}

/**
 * One inflate pass over the whole of @p data.
 *
 * Counting pass (@p dest null): the output goes to a scratch buffer on the
 * stack and is only counted; at most @p cap + 1 bytes are ever produced, the
 * extra byte telling a stream longer than @p cap (TOO_BIG) from one that
 * exactly fills it.  Storing pass (@p dest non-null): the output goes to
 * @p dest, which holds exactly @p cap bytes.
 */
IpsecDeflate::InflateStatus
InflatePass(z_stream* zs,
            const uint8_t* data,
            size_t len,
            size_t cap,
            uint8_t* dest,
            size_t* produced,
            std::string* why)
{
    using Status = IpsecDeflate::InflateStatus;
    uint8_t scratch[INFLATE_SCRATCH];
    auto fail = [why](Status s, const std::string& text)
    {
        if (why)
        {
            *why = text;
        }
        return s;
    };
    auto tooBig = [&]()
    {
        return fail(Status::TOO_BIG, "output exceeds " + std::to_string(cap) + " bytes");
    };
    zs->next_in = const_cast<Bytef*>(data); // zlib never writes through next_in
    zs->avail_in = static_cast<uInt>(len);
    size_t total = 0;
    while (true)
    {
        size_t room;
        if (dest)
        {
            room = cap - total;
            zs->next_out = dest + total;
        }
        else
        {
            if (total > cap)
            {
                return tooBig(); // stop at once: no more output is decoded
            }
            room = std::min(cap + 1 - total, INFLATE_SCRATCH);
            zs->next_out = scratch;
        }
        zs->avail_out = static_cast<uInt>(room);
        int ret = inflate(zs, Z_NO_FLUSH);
        total += room - zs->avail_out;
        switch (ret)
        {
            case Z_OK:
                continue; // zlib made progress; Z_BUF_ERROR reports the lack of it
            case Z_STREAM_END:
                if (total > cap)
                {
                    return tooBig();
                }
                if (zs->avail_in != 0)
                {
                    return fail(Status::TRAILING,
                                std::to_string(zs->avail_in)
                                    + " bytes after the end of the deflate stream");
                }
                *produced = total;
                return Status::OK;
            case Z_BUF_ERROR:
                if (zs->avail_in == 0)
                {
                    return fail(Status::TRUNCATED, "deflate stream truncated (no final block)");
                }
                // Only when the storing pass runs out of room, i.e. the two
                // passes disagree.
                return fail(Status::INTERNAL, "inflate stalled with input left");
            case Z_DATA_ERROR:
                return fail(Status::BAD_STREAM, "invalid deflate stream: " + ZlibMessage(zs, ret));
            case Z_MEM_ERROR:
                return fail(Status::NO_MEMORY, "inflate: out of memory");
            default:
                return fail(Status::INTERNAL, "inflate: " + ZlibMessage(zs, ret));
        }
    }
}

} // namespace

IpsecDeflate::IpsecDeflate() = default;

IpsecDeflate::~IpsecDeflate() = default;

bool
IpsecDeflate::Deflate(
    const uint8_t* data, size_t len, std::vector<uint8_t>* out, std::string* why, size_t headroom)
{
    IpsecDeflate once;
    return once.Compress(data, len, out, why, headroom);
}

bool
IpsecDeflate::Compress(
    const uint8_t* data, size_t len, std::vector<uint8_t>* out, std::string* why, size_t headroom)
{
    return DeflateInto(m_deflate, data, len, headroom, out, why);
}

IpsecDeflate::InflateStatus
IpsecDeflate::Inflate(
    const uint8_t* data, size_t len, uint32_t limit, std::vector<uint8_t>* out, std::string* why)
{
    IpsecDeflate once;
    return once.Decompress(data, len, limit, out, why);
}

IpsecDeflate::InflateStatus
IpsecDeflate::Decompress(
    const uint8_t* data, size_t len, uint32_t limit, std::vector<uint8_t>* out, std::string* why)
{
    out->clear();
    if (len > MAX_ZLIB_INPUT)
    {
        if (why)
        {
            *why = "input too long";
        }
        return InflateStatus::BAD_STREAM;
    }
    int zlibStatus;
    IpsecZStream* stream = ReadyStream(m_inflate, IpsecZStream::INFLATE, &zlibStatus, why);
    if (!stream)
    {
        return zlibStatus == Z_MEM_ERROR ? InflateStatus::NO_MEMORY : InflateStatus::INTERNAL;
    }
    z_stream* zs = stream->Get();
    // Pass 1: validate the whole stream and measure it, with no output buffer.
    size_t size = 0;
    InflateStatus status = InflatePass(zs, data, len, limit, nullptr, &size, why);
    if (status != InflateStatus::OK || size == 0)
    {
        return status;
    }
    // Pass 2: the same stream again into a buffer of exactly that size.
    if (inflateReset(zs) != Z_OK)
    {
        if (why)
        {
            *why = "inflateReset failed";
        }
        return InflateStatus::INTERNAL;
    }
    out->resize(size);
    size_t again = 0;
    status = InflatePass(zs, data, len, size, out->data(), &again, why);
    if (status != InflateStatus::OK || again != size)
    {
        out->clear();
        if (why && status == InflateStatus::OK)
        {
            *why = "inflate passes disagree";
        }
        return status == InflateStatus::OK ? InflateStatus::INTERNAL : status;
    }
    return InflateStatus::OK;
}

} // namespace ns3
