// SPDX-License-Identifier: GPL-2.0-only
#include "ipsec-ipcomp.h"

#include "ipsec-history-tag.h"
#include "ipsec-packet-util.h"
#include "ns3/log.h"

#include <algorithm>
#include <sstream>
#include <zlib.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecIpcomp");

namespace
{

/// SADB_X_CALG_DEFLATE, the only algorithm KAME implements.
constexpr uint8_t CALG_DEFLATE = 2;
/// Scratch buffer of the counting pass of Inflate (on the stack).
constexpr size_t INFLATE_SCRATCH = 8192;
/// Inputs are IP payloads; anything longer than zlib's 32-bit counts is refused.
constexpr size_t MAX_ZLIB_INPUT = 0xffffffffu;

/**
 * A z_stream set up for compression or decompression and torn down on scope
 * exit.  zlib keeps a pointer back to the z_stream in its state, so the
 * object must stay where it was created: not copyable, not movable.
 */
class ZStream
{
  public:
    enum Mode
    {
        DEFLATE,
        INFLATE,
    };

    explicit ZStream(Mode mode)
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
                                                  IpsecIpcomp::DEFLATE_WINDOW_OUT,
                                                  MAX_MEM_LEVEL,
                                                  Z_DEFAULT_STRATEGY)
                                   : inflateInit2(&m_zs, IpsecIpcomp::DEFLATE_WINDOW_IN);
    }

    ~ZStream()
    {
        if (m_status == Z_OK)
        {
            m_mode == DEFLATE ? deflateEnd(&m_zs) : inflateEnd(&m_zs);
        }
    }

    ZStream(const ZStream&) = delete;
    ZStream& operator=(const ZStream&) = delete;

    /// Z_OK when the stream is usable, else the init error.
    int InitStatus() const
    {
        return m_status;
    }

    z_stream* Get()
    {
        return &m_zs;
    }

  private:
    Mode m_mode;
    z_stream m_zs{};
    int m_status;
};

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

/// "0x" and @p v in hex.
std::string
Hex(uint32_t v)
{
    std::ostringstream os;
    os << "0x" << std::hex << v;
    return os.str();
}

/// True for the algorithms this codec implements (deflate only, as KAME).
bool
Implemented(const IpsecCompAlgorithm* alg)
{
    return alg != nullptr && alg->supported && alg->sadbId == CALG_DEFLATE;
}

/**
 * Raw deflate of @p len bytes at @p data into @p out after @p headroom
 * bytes left for the caller (the IPComp header).  @p out is resized to
 * headroom + compressed length.
 */
bool
DeflateInto(
    const uint8_t* data, size_t len, size_t headroom, std::vector<uint8_t>* out, std::string* why)
{
    if (len > MAX_ZLIB_INPUT)
    {
        if (why)
        {
            *why = "input too long";
        }
        return false;
    }
    ZStream stream(ZStream::DEFLATE);
    z_stream* zs = stream.Get();
    if (stream.InitStatus() != Z_OK)
    {
        if (why)
        {
            *why = "deflateInit2: " + ZlibMessage(zs, stream.InitStatus());
        }
        return false;
    }
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
IpsecIpcomp::InflateStatus
InflatePass(z_stream* zs,
            const uint8_t* data,
            size_t len,
            size_t cap,
            uint8_t* dest,
            size_t* produced,
            std::string* why)
{
    using Status = IpsecIpcomp::InflateStatus;
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

bool
IpsecIpcomp::Deflate(const uint8_t* data, size_t len, std::vector<uint8_t>* out, std::string* why)
{
    return DeflateInto(data, len, 0, out, why);
}

IpsecIpcomp::InflateStatus
IpsecIpcomp::Inflate(
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
    ZStream stream(ZStream::INFLATE);
    z_stream* zs = stream.Get();
    if (stream.InitStatus() != Z_OK)
    {
        if (why)
        {
            *why = "inflateInit2: " + ZlibMessage(zs, stream.InitStatus());
        }
        return stream.InitStatus() == Z_MEM_ERROR ? InflateStatus::NO_MEMORY
                                                  : InflateStatus::INTERNAL;
    }
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

IpsecVerdict
IpsecIpcomp::Output(
    const IpsecSa& sa, Ptr<Packet>& packet, uint8_t nextHeader, IpsecStats& stats, bool* applied)
{
    NS_LOG_FUNCTION(&sa << packet << +nextHeader);
    if (applied)
    {
        *applied = false;
    }
    const IpsecSaParams& p = sa.params;
    // ipcomp_output checks the SPI and the algorithm before anything else,
    // with or without -R.
    if ((p.spi & ~0xffffu) != 0)
    {
        return IPSEC_FAIL(
            stats, out_inval, "IPComp SPI " + Hex(p.spi) + " does not fit in the 16-bit CPI");
    }
    const IpsecCompAlgorithm* alg = p.comp;
    if (!Implemented(alg))
    {
        return IPSEC_FAIL(stats,
                          out_inval,
                          std::string("unknown compression algorithm ")
                              + (alg ? alg->name : "(none)"));
    }
    uint16_t cpi
        = (p.flags & IpsecSaFlags::RAWCPI) ? static_cast<uint16_t>(p.spi & 0xffff) : alg->sadbId;
    uint32_t plen = packet->GetSize();
    if (plen < MIN_PAYLOAD)
    {
        NS_LOG_LOGIC("payload of " << plen << " bytes is below " << MIN_PAYLOAD
                                   << ": not compressed");
        return {};
    }
    std::vector<uint8_t> payload = IpsecPacketBytes(packet);
    std::vector<uint8_t> buf;
    std::string why;
    if (!DeflateInto(payload.data(), payload.size(), HEADER_SIZE, &buf, &why))
    {
        return IPSEC_FAIL(stats, out_inval, "compression failed: " + why);
    }
    stats.out_comphist[alg->sadbId]++;
    size_t clen = buf.size() - HEADER_SIZE;
    if (clen > plen)
    {
        NS_LOG_LOGIC("payload grew from " << plen << " to " << clen
                                          << " bytes: sent without IPComp");
        return {};
    }
    buf[0] = nextHeader;
    buf[1] = 0; // flags
    buf[2] = static_cast<uint8_t>(cpi >> 8);
    buf[3] = static_cast<uint8_t>(cpi & 0xff);
    NS_LOG_LOGIC("compressed " << plen << " -> " << clen << " bytes, CPI " << cpi);
    packet = IpsecMakePacket(buf.data(), buf.size(), packet);
    stats.out_success++;
    if (applied)
    {
        *applied = true;
    }
    return {};
}

uint16_t
IpsecIpcomp::PeekCpi(Ptr<const Packet> packet)
{
    NS_ASSERT_MSG(packet->GetSize() >= HEADER_SIZE, "IPComp packet shorter than its header");
    uint8_t b[HEADER_SIZE] = {0, 0, 0, 0};
    packet->CopyData(b, HEADER_SIZE);
    return static_cast<uint16_t>((b[2] << 8) | b[3]);
}

uint8_t
IpsecIpcomp::PeekNextHeader(Ptr<const Packet> packet)
{
    NS_ASSERT_MSG(packet->GetSize() >= HEADER_SIZE, "IPComp packet shorter than its header");
    uint8_t b = 0;
    packet->CopyData(&b, 1);
    return b;
}

const IpsecCompAlgorithm*
IpsecIpcomp::AlgorithmForCpi(uint16_t cpi, Ptr<IpsecSa> saOrNull)
{
    uint32_t id = cpi;
    if (cpi >= CPI_NEGOTIATE_MIN && saOrNull && saOrNull->IsUsable() && saOrNull->params.comp)
    {
        id = saOrNull->params.comp->sadbId;
    }
    // ipcomp_algorithm_lookup: anything but deflate is unknown.
    const IpsecCompAlgorithm* alg
        = id < 256 ? FindCompAlgorithmById(static_cast<uint8_t>(id)) : nullptr;
    return Implemented(alg) ? alg : nullptr;
}

IpsecVerdict
IpsecIpcomp::Input(uint8_t algorithm,
                   Ptr<Packet>& packet,
                   uint8_t* nextHeader,
                   uint8_t* marks,
                   IpsecStats& stats,
                   uint32_t maxSize)
{
    NS_LOG_FUNCTION(+algorithm << packet);
    uint32_t size = packet->GetSize();
    if (size < HEADER_SIZE)
    {
        return IPSEC_FAIL(stats, in_inval, "packet too short for the IPComp header");
    }
    if (!Implemented(FindCompAlgorithmById(algorithm)))
    {
        return IPSEC_FAIL(
            stats, in_nosa, "unknown compression algorithm " + std::to_string(algorithm));
    }
    std::vector<uint8_t> buf = IpsecPacketBytes(packet);
    uint32_t limit = std::min(maxSize, MAX_DECOMPRESSED);
    std::vector<uint8_t> out;
    std::string why;
    InflateStatus status = Inflate(buf.data() + HEADER_SIZE, size - HEADER_SIZE, limit, &out, &why);
    switch (status)
    {
        case InflateStatus::OK:
            break;
        case InflateStatus::TOO_BIG:
            // KAME decompresses first, counts in_comphist, then finds the
            // datagram too long (ipcomp4_input); here the inflation is stopped
            // at the limit instead of being completed.
            stats.in_comphist[algorithm]++;
            return IPSEC_FAIL(stats,
                              in_inval,
                              "IPComp payload inflates beyond the maximum IP datagram ("
                                  + std::to_string(limit) + " bytes)");
        case InflateStatus::NO_MEMORY:
            return IPSEC_FAIL(stats, in_nomem, "decompression: " + why);
        default:
            return IPSEC_FAIL(stats, in_inval, "decompression failed: " + why);
    }
    stats.in_comphist[algorithm]++;
    // M_DECRYPTED: ICMP must not quote a decompressed packet, and IPComp
    // alone satisfies an inbound "esp require" (section 5 of the spec).
    *marks |= IpsecHistoryTag::DECRYPTED;
    *nextHeader = buf[0];
    static const uint8_t empty = 0;
    packet = IpsecMakePacket(out.empty() ? &empty : out.data(), out.size(), packet);
    NS_LOG_LOGIC("decompressed " << size - HEADER_SIZE << " -> " << out.size()
                                 << " bytes, next header " << +buf[0]);
    return {};
}

} // namespace ns3
