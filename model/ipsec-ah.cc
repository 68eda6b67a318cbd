/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-ah.h"

#include "ipsec-history-tag.h"
#include "ipsec-packet-util.h"
#include "ipsec-sa.h"
#include "ns3/log.h"

#include <algorithm>
#include <openssl/crypto.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecAh");

namespace
{
constexpr uint32_t AH_FIXED = IpsecAh::FIXED_SIZE;
} // namespace

std::vector<uint8_t>
IpsecAhIcvHeaderV4(uint8_t tos,
                   uint16_t totalLength,
                   uint16_t identification,
                   uint16_t flagsOffset,
                   const IpsecAddress& src,
                   const IpsecAddress& dst,
                   bool clearTos,
                   uint16_t offsetMask)
{
    std::vector<uint8_t> h(20, 0);
    h[0] = 0x45;
    h[1] = clearTos ? 0 : tos;
    h[2] = totalLength >> 8;
    h[3] = totalLength & 0xff;
    h[4] = identification >> 8;
    h[5] = identification & 0xff;
    uint16_t fo = flagsOffset & offsetMask;
    h[6] = fo >> 8;
    h[7] = fo & 0xff;
    h[8] = 0;  // TTL
    h[9] = 51; // AH
    // h[10..11] checksum zero
    std::copy(src.Bytes(), src.Bytes() + 4, &h[12]);
    std::copy(dst.Bytes(), dst.Bytes() + 4, &h[16]);
    return h;
}

namespace
{

constexpr uint8_t OPT_PAD1 = 0;
constexpr uint8_t OPT_MAY_CHANGE = 0x20;
constexpr uint8_t PROTO_HOPOPTS = 0;
constexpr uint8_t PROTO_ROUTING = 43;
constexpr uint8_t PROTO_DSTOPTS = 60;

/// Zeroes the data of the mutable options of the Hop-by-Hop or Destination
/// Options header at [off, end) (options are type, length, data; Pad1 is one byte).
void
ZeroMutableOptions(std::vector<uint8_t>& b, uint32_t off, uint32_t end)
{
    uint32_t o = off + 2;
    while (o < end)
    {
        if (b[o] == OPT_PAD1)
        {
            ++o;
            continue;
        }
        if (o + 1 >= end)
        {
            return; // truncated option: ns-3 would not have accepted it
        }
        uint32_t len = b[o + 1];
        uint32_t dataEnd = std::min(end, o + 2 + len);
        if (b[o] & OPT_MAY_CHANGE)
        {
            std::fill(b.begin() + o + 2, b.begin() + dataEnd, 0);
        }
        o += 2 + len;
    }
}

/// A type 0 Routing header at [off, end) with segments left, as the final
/// destination sees it: @p dst becomes the first address, the last address
/// the destination (RFC 2460 section 4.4), no segments left.
void
FinalFormRouting(std::vector<uint8_t>& b, uint32_t off, uint32_t end, uint8_t* dst)
{
    uint32_t n = (end - off - 8) / 16; // addresses
    uint8_t segmentsLeft = b[off + 3];
    if (b[off + 2] != 0 || segmentsLeft == 0 || n == 0 || segmentsLeft > n)
    {
        return;
    }
    // The addresses not yet visited rotate through the destination field.
    uint32_t first = n - segmentsLeft;
    uint8_t cur[16];
    std::copy(dst, dst + 16, cur);
    for (uint32_t k = first; k < n; ++k)
    {
        uint8_t* a = &b[off + 8 + 16 * k];
        std::swap_ranges(cur, cur + 16, a);
    }
    std::copy(cur, cur + 16, dst);
    b[off + 3] = 0;
}

} // namespace

std::vector<uint8_t>
IpsecAhIcvHeaderV6(uint32_t payloadLength,
                   const IpsecAddress& src,
                   const IpsecAddress& dst,
                   const std::vector<uint8_t>& ext,
                   uint8_t extFirst,
                   bool outbound)
{
    std::vector<uint8_t> h(40 + ext.size(), 0);
    uint32_t plen = payloadLength + ext.size();
    h[0] = 0x60;
    h[4] = plen >> 8;
    h[5] = plen & 0xff;
    h[6] = ext.empty() ? 51 : extFirst;
    h[7] = 0; // hop limit
    std::copy(src.Bytes(), src.Bytes() + 16, &h[8]);
    std::copy(dst.Bytes(), dst.Bytes() + 16, &h[24]);
    std::copy(ext.begin(), ext.end(), h.begin() + 40);
    uint8_t type = extFirst;
    uint32_t off = 40;
    while (off + 2 <= h.size())
    {
        uint32_t end = off + ((uint32_t(h[off + 1]) + 1) << 3);
        if (end > h.size())
        {
            break; // the caller's chain is malformed: leave the rest as is
        }
        if (type == PROTO_ROUTING)
        {
            if (outbound)
            {
                FinalFormRouting(h, off, end, &h[24]);
            }
        }
        else if (type == PROTO_HOPOPTS || type == PROTO_DSTOPTS)
        {
            ZeroMutableOptions(h, off, end);
        }
        type = h[off];
        if (end == h.size())
        {
            h[off] = 51; // the last extension header is followed by AH
        }
        off = end;
    }
    return h;
}

uint32_t
IpsecAh::HeaderLength(const IpsecSa& sa, bool ipv6)
{
    uint32_t align = ipv6 ? 8 : 4;
    uint32_t len = AH_FIXED + sa.icvLen;
    return (len + align - 1) / align * align;
}

IpsecProto
IpsecAh::GetProto() const
{
    return IpsecProto::AH;
}

std::string
IpsecAh::InitState(IpsecSa& sa, IpsecIcvTruncation truncation) const
{
    const IpsecSaParams& p = sa.params;
    if (p.enc || p.hasEncKey)
    {
        return "encryption algorithm given for ah";
    }
    if (p.comp)
    {
        return "compression algorithm given for ah";
    }
    if (!p.auth)
    {
        return "ah needs an authentication algorithm (-A)";
    }
    if (!p.auth->availableForAh)
    {
        return std::string("protocol and algorithm mismatch: ") + p.auth->name
             + " cannot be used with ah";
    }
    return sa.InitAuthenticator(truncation);
}

uint32_t
IpsecAh::HeaderOverhead(const IpsecSa* sa, bool ipv6) const
{
    // No SA yet: a 16-byte ICV.
    return sa ? HeaderLength(*sa, ipv6) : AH_FIXED + 16;
}

bool
IpsecAh::CoversIpHeader() const
{
    return true;
}

IpsecVerdict
IpsecAh::PeekSpi(Ptr<const Packet> packet, IpsecStats& stats, uint32_t* spi) const
{
    uint32_t size = packet->GetSize();
    if (size < AH_FIXED)
    {
        return IPSEC_FAIL(
            stats, in_inval, "AH packet of " + std::to_string(size) + " bytes too short");
    }
    uint8_t b[8];
    packet->CopyData(b, 8);
    *spi = IpsecRead32(&b[4]);
    return {};
}

IpsecVerdict
IpsecAh::PeekSequence(const IpsecSa& sa,
                      Ptr<const Packet> packet,
                      IpsecStats& stats,
                      uint32_t* seq,
                      bool* check) const
{
    // ah4_input: the header's length must be the SA's before the replay check.
    uint32_t size = packet->GetSize();
    bool ipv6 = sa.params.dst.IsV6();
    uint32_t expected = HeaderLength(sa, ipv6);
    if (size < expected)
    {
        return IPSEC_FAIL(stats, in_inval, "packet shorter than its AH header");
    }
    uint8_t b[AH_FIXED];
    packet->CopyData(b, AH_FIXED);
    uint32_t ahLen = (uint32_t(b[1]) + 2) * 4;
    if (ahLen != expected)
    {
        return IPSEC_FAIL(stats,
                          in_inval,
                          "AH length " + std::to_string(ahLen) + " does not match the SA's "
                              + std::to_string(expected) + " (sum length mismatch)");
    }
    *seq = IpsecRead32(&b[8]);
    *check = true;
    return {};
}

IpsecStatsField
IpsecAh::ReplayCounter() const
{
    return IPSEC_STATS_FIELD(in_ahreplay);
}

void
IpsecAh::AddProposalCombs(const IpsecProposalLimits& limits, std::vector<PfKeyComb>* combs) const
{
    // key_getcomb_ah
    for (const IpsecAuthAlgorithm* a : IpsecProposalAuthAlgorithms())
    {
        PfKeyComb c;
        c.auth = a->sadbId;
        c.authMinBits = std::max<uint16_t>(a->minKeyBits, limits.ahKeyMin);
        c.authMaxBits = a->maxKeyBits;
        combs->push_back(c);
    }
}

IpsecVerdict
IpsecAh::Output(IpsecSa& sa, IpsecTransformOutput& out) const
{
    Ptr<Packet>& packet = out.packet;
    IpsecStats& stats = *out.stats;
    const IpsecIcvHeaderBuilder& ipHeader = out.icvHeader;
    uint8_t nextHeader = out.nextHeader;
    bool ipv6 = out.ipv6;
    uint32_t seq;
    if (!sa.NextSequence(&seq))
    {
        return IPSEC_FAIL(stats, out_inval, "sequence number overflow on a non-cyclic SA");
    }
    uint32_t ahLen = HeaderLength(sa, ipv6);
    uint32_t plen = packet->GetSize();
    if (ahLen + plen > 65535 - 40)
    {
        return IPSEC_FAIL(stats, out_inval, "AH packet larger than the maximum IP datagram");
    }
    // Zeroed: the reserved field and the ICV (and its padding) while the MAC
    // is computed.
    std::vector<uint8_t> own;
    std::vector<uint8_t>& buf = out.scratch ? *out.scratch : own;
    buf.assign(ahLen + plen, 0);
    buf[0] = nextHeader;
    buf[1] = static_cast<uint8_t>(ahLen / 4 - 2);
    IpsecWrite32(&buf[4], sa.params.spi);
    IpsecWrite32(&buf[8], seq);
    packet->CopyData(buf.data() + ahLen, plen); // (an empty payload copies nothing)
    std::vector<uint8_t> hdr = ipHeader(ahLen + plen);
    sa.mac->Begin();
    sa.mac->Update(hdr.data(), hdr.size());
    sa.mac->Update(buf.data(), buf.size());
    if (!sa.mac->Finish(buf.data() + AH_FIXED))
    {
        // Fail closed (KAME ah_output: ah_calccksum failed, out_inval).
        return IPSEC_FAIL(stats, out_inval, "ICV computation failed in the crypto library");
    }
    packet = IpsecMakePacket(buf.data(), buf.size(), packet);
    stats.out_ahhist[sa.params.auth->sadbId]++;
    stats.out_success++;
    out.applied = true;
    out.lifetimeBytes = packet->GetSize() + out.headerSize;
    return {};
}

IpsecVerdict
IpsecAh::Input(IpsecSa* saPtr, IpsecTransformInput& in) const
{
    // PeekSequence checked the header's length against the SA's, and the
    // input loop the sequence number (ipsec_chkreplay).
    IpsecSa& sa = *saPtr;
    IpsecStats& stats = *in.stats;
    std::vector<uint8_t> own;
    std::vector<uint8_t>& buf = in.scratch ? *in.scratch : own;
    IpsecPacketBytes(in.packet, &buf);
    uint32_t ahLen = buf.size() >= AH_FIXED ? (uint32_t(buf[1]) + 2) * 4 : 0;
    if (ahLen < AH_FIXED + sa.icvLen || buf.size() < ahLen)
    {
        return IPSEC_FAIL(stats, in_inval, "packet shorter than its AH header");
    }
    std::vector<uint8_t> received(buf.begin() + AH_FIXED, buf.begin() + AH_FIXED + sa.icvLen);
    std::fill(buf.begin() + AH_FIXED, buf.begin() + ahLen, 0); // ahLen may be the whole datagram
    std::vector<uint8_t> hdr = in.icvHeader(buf.size());
    std::vector<uint8_t> computed(sa.icvLen);
    sa.mac->Begin();
    sa.mac->Update(hdr.data(), hdr.size());
    sa.mac->Update(buf.data(), buf.size());
    if (!sa.mac->Finish(computed.data()))
    {
        return IPSEC_FAIL(stats, in_inval, "ICV computation failed in the crypto library");
    }
    stats.in_ahhist[sa.params.auth->sadbId]++;
    if (CRYPTO_memcmp(computed.data(), received.data(), sa.icvLen) != 0)
    {
        return IPSEC_FAIL(stats, in_ahauthfail, "AH ICV mismatch");
    }
    stats.in_ahauthsucc++;
    in.marks |= IpsecHistoryTag::AUTH_HDR | IpsecHistoryTag::AUTH_DGRAM;
    if (IpsecVerdict v = in.replay->Advance(); !v.Ok())
    {
        return v;
    }
    in.nextHeader = buf[0];
    in.packet = IpsecMakePacket(buf.data() + ahLen, buf.size() - ahLen, in.packet);
    return {};
}

} // namespace ns3
