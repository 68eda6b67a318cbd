/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-esp.h"

#include "ipsec-history-tag.h"
#include "ipsec-packet-util.h"
#include "ns3/log.h"

#include <openssl/crypto.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecEsp");

namespace
{

constexpr uint32_t ESP_HEADER = 8; // SPI + sequence number

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

uint32_t
IpsecEsp::PeekSpi(Ptr<const Packet> packet)
{
    uint8_t b[4];
    packet->CopyData(b, 4);
    return IpsecRead32(b);
}

IpsecVerdict
IpsecEsp::Output(IpsecSa& sa,
                 Ptr<Packet>& packet,
                 uint8_t nextHeader,
                 Ptr<UniformRandomVariable> rng,
                 IpsecStats& stats)
{
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
    std::vector<uint8_t> buf(total);
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
    packet = IpsecMakePacket(buf.data(), buf.size(), packet);
    stats.out_esphist[enc.sadbId]++;
    stats.out_success++;
    return {};
}

IpsecVerdict
IpsecEsp::Input(
    IpsecSa& sa, Ptr<Packet>& packet, uint8_t* nextHeader, uint8_t* marks, IpsecStats& stats)
{
    const IpsecEncAlgorithm& enc = *sa.params.enc;
    std::vector<uint8_t> buf = IpsecPacketBytes(packet);
    uint32_t seq = IpsecRead32(&buf[4]);
    bool aead = enc.kind == IpsecCipherKind::AEAD;
    bool authenticated = aead || sa.mac != nullptr;
    size_t size = buf.size();
    uint32_t ivLen = enc.ivLen;
    // After a successful authentication (KAME ipsec_updatereplay).
    auto updateReplay = [&]() -> IpsecVerdict
    {
        if (sa.replay.Update(seq, sa.params.flags & IpsecSaFlags::CYCSEQ))
        {
            return {};
        }
        return IPSEC_FAIL(stats,
                          in_espreplay,
                          "replay window update refused sequence number " + std::to_string(seq));
    };
    if (authenticated)
    {
        if (!sa.replay.Check(seq))
        {
            return IPSEC_FAIL(
                stats, in_espreplay, "replayed or too old sequence number " + std::to_string(seq));
        }
        if (size < ESP_HEADER + (aead ? ivLen : 0) + sa.icvLen)
        {
            return IPSEC_FAIL(stats, in_inval, "packet too short for the ICV");
        }
        size -= sa.icvLen;
        if (sa.mac)
        {
            std::vector<uint8_t> computed(sa.icvLen);
            sa.mac->Begin();
            sa.mac->Update(buf.data(), size);
            if (!sa.mac->Finish(computed.data()))
            {
                return IPSEC_FAIL(stats, in_inval, "ICV computation failed in the crypto library");
            }
            if (CRYPTO_memcmp(computed.data(), buf.data() + size, sa.icvLen) != 0)
            {
                return IPSEC_FAIL(stats, in_espauthfail, "ESP ICV mismatch");
            }
            stats.in_espauthsucc++;
            *marks |= IpsecHistoryTag::AUTH_DGRAM;
            if (IpsecVerdict v = updateReplay(); !v.Ok())
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
        if (IpsecVerdict v = updateReplay(); !v.Ok())
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
