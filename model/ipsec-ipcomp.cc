// SPDX-License-Identifier: GPL-2.0-only
#include "ipsec-ipcomp.h"

#include "ipsec-deflate.h"
#include "ipsec-history-tag.h"
#include "ipsec-packet-util.h"
#include "ipsec-sa.h"
#include "ns3/log.h"

#include <algorithm>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecIpcomp");

namespace
{

/// SADB_X_CALG_DEFLATE, the only algorithm KAME implements.
constexpr uint8_t CALG_DEFLATE = 2;

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

} // namespace

IpsecVerdict
IpsecIpcomp::Compress(const IpsecSa& sa,
                      Ptr<Packet>& packet,
                      uint8_t nextHeader,
                      IpsecStats& stats,
                      bool* applied,
                      IpsecDeflate* codec)
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
    bool deflated
        = codec ? codec->Compress(payload.data(), payload.size(), &buf, &why, HEADER_SIZE)
                : IpsecDeflate::Deflate(payload.data(), payload.size(), &buf, &why, HEADER_SIZE);
    if (!deflated)
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
IpsecIpcomp::Decompress(uint8_t algorithm,
                        Ptr<Packet>& packet,
                        uint8_t* nextHeader,
                        uint8_t* marks,
                        IpsecStats& stats,
                        uint32_t maxSize,
                        IpsecDeflate* codec)
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
    const uint8_t* body = buf.data() + HEADER_SIZE;
    IpsecDeflate::InflateStatus status
        = codec ? codec->Decompress(body, size - HEADER_SIZE, limit, &out, &why)
                : IpsecDeflate::Inflate(body, size - HEADER_SIZE, limit, &out, &why);
    switch (status)
    {
        case IpsecDeflate::InflateStatus::OK:
            break;
        case IpsecDeflate::InflateStatus::TOO_BIG:
            // KAME decompresses first, counts in_comphist, then finds the
            // datagram too long (ipcomp4_input); here the inflation is stopped
            // at the limit instead of being completed.
            stats.in_comphist[algorithm]++;
            return IPSEC_FAIL(stats,
                              in_inval,
                              "IPComp payload inflates beyond the maximum IP datagram ("
                                  + std::to_string(limit) + " bytes)");
        case IpsecDeflate::InflateStatus::NO_MEMORY:
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

IpsecProto
IpsecIpcomp::GetProto() const
{
    return IpsecProto::IPCOMP;
}

std::string
IpsecIpcomp::InitState(IpsecSa& sa, IpsecIcvTruncation /* truncation */) const
{
    const IpsecSaParams& p = sa.params;
    if (p.auth || p.enc)
    {
        return "ipcomp takes only a compression algorithm (-C)";
    }
    if (!p.comp)
    {
        return "ipcomp needs a compression algorithm (-C)";
    }
    if (!p.comp->supported)
    {
        return std::string("unknown compression algorithm ") + p.comp->name;
    }
    if (!(p.flags & IpsecSaFlags::RAWCPI) && p.spi >= 0x10000)
    {
        return "IPComp CPI must be below 0x10000 without -R";
    }
    return "";
}

uint32_t
IpsecIpcomp::HeaderOverhead(const IpsecSa* /* sa */, bool /* ipv6 */) const
{
    // Deflate output is sent only when it is not longer than the input.
    return HEADER_SIZE;
}

IpsecVerdict
IpsecIpcomp::Output(IpsecSa& sa, IpsecTransformOutput& out) const
{
    uint32_t uncompressed = out.packet->GetSize() + out.headerSize;
    bool applied = false;
    IpsecVerdict v = Compress(sa, out.packet, out.nextHeader, *out.stats, &applied, out.deflate);
    out.applied = applied;
    out.lifetimeBytes = uncompressed; // KAME counts the uncompressed bytes
    return v;
}

IpsecVerdict
IpsecIpcomp::PeekSpi(Ptr<const Packet> packet, IpsecStats& stats, uint32_t* spi) const
{
    if (packet->GetSize() < HEADER_SIZE)
    {
        return IPSEC_FAIL(stats, in_inval, "IPComp datagram shorter than its header");
    }
    *spi = PeekCpi(packet);
    return {};
}

bool
IpsecIpcomp::SpiNamesSa(uint32_t spi) const
{
    return spi >= CPI_NEGOTIATE_MIN;
}

bool
IpsecIpcomp::NeedsSa() const
{
    return false;
}

IpsecVerdict
IpsecIpcomp::Input(IpsecSa* sa, IpsecTransformInput& in) const
{
    IpsecStats& st = *in.stats;
    uint8_t inner = PeekNextHeader(in.packet);
    if (inner == static_cast<uint8_t>(IpsecProto::IPCOMP)
        || inner == static_cast<uint8_t>(IpsecProto::ESP)
        || inner == static_cast<uint8_t>(IpsecProto::AH))
    {
        // NetBSD ipcomp4_input/ipcomp6_input: "nested ipcomp - possible
        // attack, not likely useful".
        return IPSEC_FAIL(st,
                          in_inval,
                          "nested IPComp: an IPComp header followed by "
                              + IpsecProtoName(static_cast<IpsecProto>(inner)) + " (bailing)");
    }
    const IpsecCompAlgorithm* alg
        = AlgorithmForCpi(static_cast<uint16_t>(in.spi), Ptr<IpsecSa>(sa));
    if (!alg)
    {
        return IPSEC_FAIL(
            st, in_nosa, "no IPComp algorithm or SA for CPI " + std::to_string(in.spi));
    }
    // IPv4: KAME's ip_len overflow check (65535 minus the header).
    uint32_t maxSize = in.ipv6 ? MAX_DECOMPRESSED : 65535 - in.outerHeaderSize;
    IpsecVerdict v
        = Decompress(alg->sadbId, in.packet, &in.nextHeader, &in.marks, st, maxSize, in.deflate);
    return v;
}

void
IpsecIpcomp::AddProposalCombs(const IpsecProposalLimits& /* limits */,
                              std::vector<PfKeyComb>* combs) const
{
    for (const IpsecCompAlgorithm& a : IpsecCompAlgorithms())
    {
        if (a.supported)
        {
            PfKeyComb c;
            c.encrypt = a.sadbId;
            combs->push_back(c);
        }
    }
}

} // namespace ns3
