/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-esp.h"

#include "ipsec-history-tag.h"
#include "ipsec-packet-util.h"
#include "ipsec-sa.h"
#include "ns3/log.h"

#include <algorithm>
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecEsp");

namespace
{

constexpr uint32_t ESP_HEADER = IpsecEsp::HEADER_SIZE;

/// KAME's pad extension: bytes added after the payload, trailer included.
uint32_t
PadExtension(const IpsecEncAlgorithm& enc, uint32_t plen)
{
    uint32_t padbound = enc.PadBoundary();
    uint32_t extend = padbound - (plen % padbound);
    if (extend == 1)
    {
        extend = padbound + 1;
    }
    return extend;
}

} // namespace

uint32_t
IpsecEsp::Overhead(const IpsecSa& sa, uint32_t plen)
{
    return ESP_HEADER + sa.params.enc->ivLen + PadExtension(*sa.params.enc, plen) + sa.icvLen;
}

IpsecProto
IpsecEsp::GetProto() const
{
    return IpsecProto::ESP;
}

std::string
IpsecEsp::InitState(IpsecSa& sa, IpsecIcvTruncation truncation) const
{
    const IpsecSaParams& p = sa.params;
    if (p.comp)
    {
        return "compression algorithm given for esp";
    }
    if (!p.enc || !p.hasEncKey)
    {
        return "esp needs an encryption algorithm (-E)";
    }
    if (std::string e = CheckEncKey(*p.enc, p.encKey); !e.empty())
    {
        return e;
    }
    std::string error;
    sa.cipher = CreateCipherContext(*p.enc, p.encKey, &error);
    if (!sa.cipher)
    {
        return error;
    }
    sa.icvLen = p.enc->icvLen;
    if (p.auth && p.auth->kind != IpsecAuthKind::NONE_AUTH)
    {
        if (p.enc->kind == IpsecCipherKind::AEAD)
        {
            return std::string(p.enc->name) + " authenticates by itself and takes no -A algorithm";
        }
        return sa.InitAuthenticator(truncation);
    }
    return "";
}

uint32_t
IpsecEsp::HeaderOverhead(const IpsecSa* sa, bool /* ipv6 */) const
{
    if (!sa)
    {
        // No SA yet: a 16-byte IV, the worst padding of a 16-byte block with
        // its 2 trailer bytes, a 16-byte ICV.
        return ESP_HEADER + 16 + 17 + 16;
    }
    // header, IV, worst-case padding with its 2 trailer bytes, ICV
    return ESP_HEADER + sa->params.enc->ivLen + sa->params.enc->PadBoundary() + 1 + sa->icvLen;
}

IpsecVerdict
IpsecEsp::PeekSpi(Ptr<const Packet> packet, IpsecStats& stats, uint32_t* spi) const
{
    uint32_t size = packet->GetSize();
    if (size % 4 != 0 || size < ESP_HEADER)
    {
        return IPSEC_FAIL(stats,
                          in_inval,
                          "ESP packet of " + std::to_string(size)
                              + " bytes is not a multiple of 4 or too short");
    }
    uint8_t b[4];
    packet->CopyData(b, 4);
    *spi = IpsecRead32(b);
    return {};
}

IpsecVerdict
IpsecEsp::PeekSequence(const IpsecSa& sa,
                       Ptr<const Packet> packet,
                       IpsecStats& /* stats */,
                       uint32_t* seq,
                       bool* check) const
{
    // esp4_input: no replay check without authentication (noreplaycheck).
    *check = sa.params.enc->kind == IpsecCipherKind::AEAD || sa.mac != nullptr;
    uint8_t b[ESP_HEADER];
    packet->CopyData(b, ESP_HEADER);
    *seq = IpsecRead32(&b[4]);
    return {};
}

IpsecStatsField
IpsecEsp::ReplayCounter() const
{
    return IPSEC_STATS_FIELD(in_espreplay);
}

void
IpsecEsp::AddProposalCombs(const IpsecProposalLimits& limits, std::vector<PfKeyComb>* combs) const
{
    // key_getcomb_esp: every native cipher that allows esp_keymin bits,
    // alone or (esp_auth) with each of the proposed authenticators.
    std::vector<const IpsecAuthAlgorithm*> auths = IpsecProposalAuthAlgorithms();
    for (const IpsecEncAlgorithm& e : IpsecEncAlgorithms())
    {
        if (!e.kameNative || e.kind == IpsecCipherKind::NONE_CIPHER
            || e.maxKeyBits < limits.espKeyMin)
        {
            continue;
        }
        PfKeyComb c;
        c.encrypt = e.sadbId;
        c.encMinBits = std::max<uint16_t>(e.minKeyBits, limits.espKeyMin);
        c.encMaxBits = e.maxKeyBits;
        if (!limits.espAuth)
        {
            combs->push_back(c);
            continue;
        }
        for (const IpsecAuthAlgorithm* a : auths)
        {
            c.auth = a->sadbId;
            c.authMinBits = a->minKeyBits;
            c.authMaxBits = a->maxKeyBits;
            combs->push_back(c);
        }
    }
}

IpsecVerdict
IpsecEsp::Output(IpsecSa& sa, IpsecTransformOutput& out) const
{
    Ptr<Packet>& packet = out.packet;
    IpsecStats& stats = *out.stats;
    Ptr<UniformRandomVariable> rng = out.rng;
    uint8_t nextHeader = out.nextHeader;
    const IpsecEncAlgorithm& enc = *sa.params.enc;
    uint32_t seq;
    if (!sa.NextSequence(&seq))
    {
        return IPSEC_FAIL(stats, out_inval, "sequence number overflow on a non-cyclic SA");
    }
    uint32_t plen = packet->GetSize();
    uint32_t extend = PadExtension(enc, plen);
    uint32_t ivLen = enc.ivLen;
    uint32_t body = plen + extend; // encrypted part
    size_t total = ESP_HEADER + ivLen + body + sa.icvLen;
    if (total > 65535 - 40)
    {
        return IPSEC_FAIL(stats, out_inval, "ESP packet larger than the maximum IP datagram");
    }
    // Every byte of the buffer is written below (header, IV, payload,
    // padding, trailer, ICV), so a reused one needs no clearing.
    std::vector<uint8_t> own;
    std::vector<uint8_t>& buf = out.scratch ? *out.scratch : own;
    buf.resize(total);
    IpsecWrite32(&buf[0], sa.params.spi);
    IpsecWrite32(&buf[4], seq);
    uint8_t* iv = &buf[ESP_HEADER];
    for (uint32_t i = 0; i < ivLen; ++i)
    {
        iv[i] = static_cast<uint8_t>(rng->GetInteger(0, 255));
    }
    uint8_t* data = iv + ivLen;
    packet->CopyData(data, plen);
    uint8_t* pad = data + plen;
    for (uint32_t i = 0; i + 2 < extend; ++i)
    {
        if (sa.params.flags & IpsecSaFlags::PZERO)
        {
            pad[i] = 0;
        }
        else if (sa.params.flags & IpsecSaFlags::PRAND)
        {
            pad[i] = static_cast<uint8_t>(rng->GetInteger(0, 255));
        }
        else
        {
            pad[i] = static_cast<uint8_t>(i + 1); // seq-pad (KAME default)
        }
    }
    pad[extend - 2] = static_cast<uint8_t>(extend - 2);
    pad[extend - 1] = nextHeader;
    uint8_t* icv = data + body;
    if (!sa.cipher->Encrypt(iv, &buf[0], ESP_HEADER, data, body, icv))
    {
        return IPSEC_FAIL(stats, out_inval, "encryption failed");
    }
    if (sa.mac)
    {
        sa.mac->Begin();
        sa.mac->Update(&buf[0], ESP_HEADER + ivLen + body);
        if (!sa.mac->Finish(icv))
        {
            // Fail closed (KAME esp_output: the authenticator failed, out_inval).
            return IPSEC_FAIL(stats, out_inval, "ICV computation failed in the crypto library");
        }
    }
    packet = IpsecMakePacket(buf.data(), total, packet);
    stats.out_esphist[enc.sadbId]++;
    stats.out_success++;
    out.applied = true;
    out.lifetimeBytes = packet->GetSize() + out.headerSize;
    return {};
}

IpsecVerdict
IpsecEsp::Input(IpsecSa* saPtr, IpsecTransformInput& in) const
{
    IpsecSa& sa = *saPtr;
    Ptr<Packet>& packet = in.packet;
    IpsecStats& stats = *in.stats;
    uint8_t* nextHeader = &in.nextHeader;
    uint8_t* marks = &in.marks;
    const IpsecEncAlgorithm& enc = *sa.params.enc;
    std::vector<uint8_t> own;
    std::vector<uint8_t>& buf = in.scratch ? *in.scratch : own;
    IpsecPacketBytes(packet, &buf);
    size_t size = buf.size();
    bool aead = enc.kind == IpsecCipherKind::AEAD;
    bool authenticated = aead || sa.mac != nullptr;
    uint32_t ivLen = enc.ivLen;
    if (authenticated)
    {
        // The input loop has checked the sequence number (ipsec_chkreplay).
        if (size < ESP_HEADER + (aead ? ivLen : 0) + sa.icvLen)
        {
            return IPSEC_FAIL(stats, in_inval, "packet too short for the ICV");
        }
        size -= sa.icvLen;
        if (sa.mac)
        {
            uint8_t computed[EVP_MAX_MD_SIZE];
            if (sa.icvLen > sizeof(computed))
            {
                return IPSEC_FAIL(stats, in_inval, "ICV longer than any digest");
            }
            sa.mac->Begin();
            sa.mac->Update(buf.data(), size);
            if (!sa.mac->Finish(computed))
            {
                return IPSEC_FAIL(stats, in_inval, "ICV computation failed in the crypto library");
            }
            if (CRYPTO_memcmp(computed, buf.data() + size, sa.icvLen) != 0)
            {
                return IPSEC_FAIL(stats, in_espauthfail, "ESP ICV mismatch");
            }
            stats.in_espauthsucc++;
            *marks |= IpsecHistoryTag::AUTH_DGRAM;
            if (IpsecVerdict v = in.replay->Advance(); !v.Ok())
            {
                return v;
            }
        }
    }
    if (size < ESP_HEADER + ivLen + 2)
    {
        return IPSEC_FAIL(stats, in_inval, "packet too short for ESP header, IV and trailer");
    }
    uint32_t body = size - ESP_HEADER - ivLen;
    if (enc.kind == IpsecCipherKind::CBC && body % enc.blockSize != 0)
    {
        return IPSEC_FAIL(stats, in_inval, "payload not a multiple of the cipher block size");
    }
    uint8_t* iv = &buf[ESP_HEADER];
    uint8_t* data = iv + ivLen;
    bool ok = enc.kind == IpsecCipherKind::AEAD
                ? sa.cipher->Decrypt(iv, &buf[0], ESP_HEADER, data, body, &buf[size])
                : sa.cipher->Decrypt(iv, nullptr, 0, data, body, nullptr);
    if (!ok)
    {
        if (aead)
        {
            return IPSEC_FAIL(stats, in_espauthfail, "AEAD tag mismatch");
        }
        return IPSEC_FAIL(stats, in_inval, "decryption failed");
    }
    if (aead)
    {
        stats.in_espauthsucc++;
        *marks |= IpsecHistoryTag::AUTH_DGRAM;
        if (IpsecVerdict v = in.replay->Advance(); !v.Ok())
        {
            return v;
        }
    }
    stats.in_esphist[enc.sadbId]++;
    *marks |= IpsecHistoryTag::DECRYPTED;
    uint8_t padLen = data[body - 2];
    if (uint32_t(padLen) + 2 > body)
    {
        return IPSEC_FAIL(
            stats, in_inval, "pad length " + std::to_string(padLen) + " larger than the payload");
    }
    *nextHeader = data[body - 1];
    packet = IpsecMakePacket(data, body - padLen - 2, packet);
    return {};
}

} // namespace ns3
