// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tests' independent ESP/AH/IP packet builder and checker (see
 * ipsec-test-encoder.h).  Written from the RFCs cited there on OpenSSL's
 * EVP interface; it uses nothing of the module.
 */

#include "ipsec-test-encoder.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cstring>
#include <memory>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/provider.h>

namespace ns3
{
namespace ipsectest
{

namespace
{

/// DES, Blowfish, CAST5 and RIPEMD-160 live in OpenSSL 3's "legacy"
/// provider; loading a provider by hand turns off the implicit "default",
/// so both are loaded (once; OpenSSL counts the references).
void
LoadProviders()
{
    static const bool loaded = []
    {
        OSSL_PROVIDER_load(nullptr, "legacy");
        OSSL_PROVIDER_load(nullptr, "default");
        return true;
    }();
    (void) loaded;
}

struct CipherFree
{
    void operator()(EVP_CIPHER* c) const
    {
        EVP_CIPHER_free(c);
    }
};

struct CtxFree
{
    void operator()(EVP_CIPHER_CTX* c) const
    {
        EVP_CIPHER_CTX_free(c);
    }
};

struct MdFree
{
    void operator()(EVP_MD* m) const
    {
        EVP_MD_free(m);
    }
};

struct MdCtxFree
{
    void operator()(EVP_MD_CTX* c) const
    {
        EVP_MD_CTX_free(c);
    }
};

using CipherPtr = std::unique_ptr<EVP_CIPHER, CipherFree>;
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;
using MdPtr = std::unique_ptr<EVP_MD, MdFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

CipherPtr
FetchCipher(const std::string& name)
{
    LoadProviders();
    return CipherPtr(EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr));
}

MdPtr
FetchMd(const std::string& name)
{
    LoadProviders();
    return MdPtr(EVP_MD_fetch(nullptr, name.c_str(), nullptr));
}

/// OpenSSL's name of the cipher behind @p enc with a key of @p keyLen bytes
/// (without the salt); "" if none.
std::string
OpensslCipher(const std::string& enc, size_t keyLen)
{
    auto aes = [keyLen](const char* mode) -> std::string
    {
        if (keyLen != 16 && keyLen != 24 && keyLen != 32)
        {
            return "";
        }
        return "AES-" + std::to_string(keyLen * 8) + "-" + mode;
    };
    if (enc == "des-cbc")
    {
        return keyLen == 8 ? "DES-CBC" : "";
    }
    if (enc == "3des-cbc")
    {
        return keyLen == 24 ? "DES-EDE3-CBC" : "";
    }
    if (enc == "cast128-cbc")
    {
        return keyLen >= 5 && keyLen <= 16 ? "CAST5-CBC" : "";
    }
    if (enc == "blowfish-cbc")
    {
        return keyLen >= 5 && keyLen <= 56 ? "BF-CBC" : "";
    }
    if (enc == "rijndael-cbc" || enc == "aes-cbc")
    {
        return aes("CBC");
    }
    if (enc == "aes-ctr")
    {
        return aes("CTR");
    }
    if (enc == "aes-gcm-16")
    {
        return aes("GCM");
    }
    if (enc == "chacha20-poly1305")
    {
        return keyLen == 32 ? "ChaCha20-Poly1305" : "";
    }
    return "";
}

bool
HasMac(const WireSa& sa)
{
    return !sa.auth.empty() && sa.auth != "null";
}

} // namespace

// ---------------------------------------------------------------------------
// algorithms
// ---------------------------------------------------------------------------

bool
EspLayout(const std::string& enc, EspCipherLayout& out)
{
    out = EspCipherLayout();
    if (enc.empty() || enc == "null")
    {
        out.kind = EspCipherLayout::NUL; // RFC 2410: block size 1, no IV
        return true;
    }
    if (enc == "des-cbc" || enc == "3des-cbc" || enc == "cast128-cbc" || enc == "blowfish-cbc")
    {
        out.kind = EspCipherLayout::CBC; // 64-bit blocks, IV = one block
        out.blockSize = 8;
        out.ivLen = 8;
        out.padBoundary = 8;
        return true;
    }
    if (enc == "rijndael-cbc" || enc == "aes-cbc")
    {
        out.kind = EspCipherLayout::CBC; // RFC 3602 section 2.4
        out.blockSize = 16;
        out.ivLen = 16;
        out.padBoundary = 16;
        return true;
    }
    if (enc == "aes-ctr")
    {
        out.kind = EspCipherLayout::CTR; // RFC 3686 sections 3.1, 5.1
        out.ivLen = 8;
        out.saltLen = 4;
        return true;
    }
    if (enc == "aes-gcm-16")
    {
        out.kind = EspCipherLayout::GCM; // RFC 4106 sections 3.1, 8.1
        out.ivLen = 8;
        out.saltLen = 4;
        out.tagLen = 16;
        return true;
    }
    if (enc == "chacha20-poly1305")
    {
        out.kind = EspCipherLayout::CHACHA; // RFC 7634 sections 2, 4
        out.ivLen = 8;
        out.saltLen = 4;
        out.tagLen = 16;
        return true;
    }
    return false;
}

bool
KnownMac(const std::string& auth)
{
    static const char* const names[] = {"hmac-md5",
                                        "hmac-sha1",
                                        "hmac-sha2-256",
                                        "hmac-sha2-384",
                                        "hmac-sha2-512",
                                        "hmac-ripemd160",
                                        "aes-xcbc-mac",
                                        "keyed-md5",
                                        "keyed-sha1"};
    for (const char* n : names)
    {
        if (auth == n)
        {
            return true;
        }
    }
    return false;
}

bool
AesXcbcMac(const Bytes& key, const Bytes& data, Bytes& mac)
{
    // RFC 3566 section 4: K1, K2, K3 = E(K, 0x01..), E(K, 0x02..), E(K, 0x03..);
    // E = E(K1, M[i] XOR E); the last block is XORed with K2 when complete,
    // else padded with 0x80 0x00... and XORed with K3.
    if (key.size() != 16)
    {
        return false;
    }
    CipherPtr aes = FetchCipher("AES-128-ECB");
    if (!aes)
    {
        return false;
    }
    auto ecb = [&aes](const Bytes& k, const uint8_t* in, uint8_t* out)
    {
        CtxPtr ctx(EVP_CIPHER_CTX_new());
        int len = 0;
        int fin = 0;
        return ctx && EVP_EncryptInit_ex2(ctx.get(), aes.get(), k.data(), nullptr, nullptr) == 1
            && EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1
            && EVP_EncryptUpdate(ctx.get(), out, &len, in, 16) == 1 && len == 16
            && EVP_EncryptFinal_ex(ctx.get(), out + len, &fin) == 1;
    };
    Bytes k1(16);
    Bytes k2(16);
    Bytes k3(16);
    uint8_t c[16];
    for (uint8_t i = 1; i <= 3; ++i)
    {
        std::memset(c, i, sizeof(c));
        Bytes& k = i == 1 ? k1 : (i == 2 ? k2 : k3);
        if (!ecb(key, c, k.data()))
        {
            return false;
        }
    }
    uint8_t e[16] = {0};
    size_t n = data.size();
    size_t blocks = n == 0 ? 1 : (n + 15) / 16;
    for (size_t b = 0; b < blocks; ++b)
    {
        uint8_t m[16] = {0};
        size_t off = b * 16;
        size_t take = std::min<size_t>(16, n - std::min(n, off));
        if (take > 0)
        {
            // An empty message's data() may be null, which memcpy must not get.
            std::memcpy(m, data.data() + off, take);
        }
        if (b + 1 == blocks)
        {
            const Bytes* last = &k2;
            if (take < 16)
            {
                m[take] = 0x80;
                last = &k3;
            }
            for (int i = 0; i < 16; ++i)
            {
                m[i] ^= (*last)[i];
            }
        }
        for (int i = 0; i < 16; ++i)
        {
            m[i] ^= e[i];
        }
        if (!ecb(k1, m, e))
        {
            return false;
        }
    }
    mac.assign(e, e + 16);
    return true;
}

bool
ComputeMac(const std::string& auth, const Bytes& key, const Bytes& data, Bytes& mac)
{
    mac.clear();
    if (auth == "aes-xcbc-mac")
    {
        return AesXcbcMac(key, data, mac);
    }
    std::string digest;
    bool keyed = false;
    if (auth == "hmac-md5")
    {
        digest = "MD5";
    }
    else if (auth == "hmac-sha1")
    {
        digest = "SHA1";
    }
    else if (auth == "hmac-sha2-256")
    {
        digest = "SHA256";
    }
    else if (auth == "hmac-sha2-384")
    {
        digest = "SHA384";
    }
    else if (auth == "hmac-sha2-512")
    {
        digest = "SHA512";
    }
    else if (auth == "hmac-ripemd160")
    {
        digest = "RIPEMD160";
    }
    else if (auth == "keyed-md5")
    {
        digest = "MD5";
        keyed = true;
    }
    else if (auth == "keyed-sha1")
    {
        digest = "SHA1";
        keyed = true;
    }
    else
    {
        return false;
    }
    MdPtr md = FetchMd(digest);
    if (!md)
    {
        return false;
    }
    uint8_t out[EVP_MAX_MD_SIZE];
    unsigned int outLen = 0;
    if (!keyed)
    {
        // RFC 2104 HMAC
        if (!HMAC(md.get(),
                  key.data(),
                  static_cast<int>(key.size()),
                  data.data(),
                  data.size(),
                  out,
                  &outLen))
        {
            return false;
        }
        mac.assign(out, out + outLen);
        return true;
    }
    // KAME's ah_keyed_md5_init / ah_keyed_sha1_init (RFC 1828, RFC 1852):
    // H(key || 0x80 0x00... || keybits as 8 bytes little-endian || data || key),
    // the key padded to the 64-byte block with the hash's own padding
    // (KAME writes the bit length least significant byte first for both).
    Bytes in = key;
    size_t padLen = key.size() < 56 ? 64 - 8 - key.size() : 128 - 8 - key.size();
    in.push_back(0x80);
    in.insert(in.end(), padLen - 1, 0);
    uint64_t bits = uint64_t(key.size()) * 8;
    for (int i = 0; i < 8; ++i)
    {
        in.push_back(static_cast<uint8_t>(i < 4 ? bits >> (8 * i) : 0));
    }
    in.insert(in.end(), data.begin(), data.end());
    in.insert(in.end(), key.begin(), key.end());
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md.get(), nullptr) != 1
        || EVP_DigestUpdate(ctx.get(), in.data(), in.size()) != 1
        || EVP_DigestFinal_ex(ctx.get(), out, &outLen) != 1)
    {
        return false;
    }
    mac.assign(out, out + outLen);
    return true;
}

bool
EspCipher(
    const WireSa& sa, bool encrypt, const Bytes& iv, const Bytes& aad, Bytes& data, Bytes& tag)
{
    EspCipherLayout l;
    if (!EspLayout(sa.enc, l) || iv.size() != l.ivLen || sa.encKey.size() < l.saltLen)
    {
        return false;
    }
    if (l.kind == EspCipherLayout::NUL)
    {
        return true;
    }
    if (l.kind == EspCipherLayout::CBC && data.size() % l.blockSize != 0)
    {
        return false;
    }
    size_t keyLen = sa.encKey.size() - l.saltLen;
    Bytes key(sa.encKey.begin(), sa.encKey.begin() + keyLen);
    Bytes salt(sa.encKey.begin() + keyLen, sa.encKey.end());
    CipherPtr cipher = FetchCipher(OpensslCipher(sa.enc, keyLen));
    CtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!cipher || !ctx)
    {
        return false;
    }
    Bytes fullIv;
    switch (l.kind)
    {
        case EspCipherLayout::CBC:
            fullIv = iv;
            break;
        case EspCipherLayout::CTR:
            // RFC 3686 section 4: nonce (4) || IV (8) || block counter (4) = 1
            fullIv = salt;
            fullIv.insert(fullIv.end(), iv.begin(), iv.end());
            fullIv.insert(fullIv.end(), {0, 0, 0, 1});
            break;
        default:
            // RFC 4106 section 4 / RFC 7634 section 2: salt (4) || IV (8)
            fullIv = salt;
            fullIv.insert(fullIv.end(), iv.begin(), iv.end());
            break;
    }
    bool aead = l.kind == EspCipherLayout::GCM || l.kind == EspCipherLayout::CHACHA;
    int ok
        = EVP_CipherInit_ex2(ctx.get(), cipher.get(), nullptr, nullptr, encrypt ? 1 : 0, nullptr);
    if (ok != 1)
    {
        return false;
    }
    if (l.kind == EspCipherLayout::CBC
        && EVP_CIPHER_CTX_set_key_length(ctx.get(), static_cast<int>(keyLen)) != 1)
    {
        return false;
    }
    if (aead
        && EVP_CIPHER_CTX_ctrl(
               ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(fullIv.size()), nullptr)
               != 1)
    {
        return false;
    }
    if (EVP_CipherInit_ex2(ctx.get(), nullptr, key.data(), fullIv.data(), encrypt ? 1 : 0, nullptr)
            != 1
        || EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1)
    {
        return false;
    }
    int len = 0;
    if (aead)
    {
        if (!encrypt)
        {
            if (tag.size() != l.tagLen
                || EVP_CIPHER_CTX_ctrl(
                       ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()), tag.data())
                       != 1)
            {
                return false;
            }
        }
        if (!aad.empty()
            && EVP_CipherUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size()))
                   != 1)
        {
            return false;
        }
    }
    Bytes out(data.size() + 32);
    int total = 0;
    if (!data.empty())
    {
        if (EVP_CipherUpdate(
                ctx.get(), out.data(), &len, data.data(), static_cast<int>(data.size()))
            != 1)
        {
            return false;
        }
        total = len;
    }
    if (EVP_CipherFinal_ex(ctx.get(), out.data() + total, &len) != 1)
    {
        return false; // for the AEADs on decryption: the tag did not verify
    }
    total += len;
    if (static_cast<size_t>(total) != data.size())
    {
        return false;
    }
    out.resize(total);
    data = out;
    if (aead && encrypt)
    {
        tag.assign(l.tagLen, 0);
        if (EVP_CIPHER_CTX_ctrl(
                ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(l.tagLen), tag.data())
            != 1)
        {
            return false;
        }
    }
    return true;
}

// ---------------------------------------------------------------------------
// ESP
// ---------------------------------------------------------------------------

Bytes
EspPlaintext(const WireSa& sa, const Bytes& payload, uint8_t next, size_t extraPad)
{
    EspCipherLayout l;
    EspLayout(sa.enc, l);
    size_t boundary = std::max<size_t>(l.padBoundary, 4);
    size_t padLen = (boundary - (payload.size() + 2) % boundary) % boundary + extraPad;
    Bytes p = payload;
    for (size_t i = 1; i <= padLen; ++i)
    {
        p.push_back(static_cast<uint8_t>(i)); // RFC 4303 section 2.4
    }
    p.push_back(static_cast<uint8_t>(padLen));
    p.push_back(next);
    return p;
}

Bytes
EspSeal(const WireSa& sa, uint32_t seq, const Bytes& body)
{
    Bytes out(8);
    PutBe32(&out[0], sa.spi);
    PutBe32(&out[4], seq);
    out.insert(out.end(), body.begin(), body.end());
    EspCipherLayout l;
    EspLayout(sa.enc, l);
    if (HasMac(sa) && l.tagLen == 0)
    {
        Bytes mac;
        if (!ComputeMac(sa.auth, sa.authKey, out, mac) || mac.size() < sa.icvLen)
        {
            return Bytes();
        }
        out.insert(out.end(), mac.begin(), mac.begin() + sa.icvLen);
    }
    return out;
}

Bytes
EspEncode(const WireSa& sa, uint32_t seq, const Bytes& iv, const Bytes& payload, uint8_t next)
{
    EspCipherLayout l;
    if (!EspLayout(sa.enc, l) || iv.size() != l.ivLen)
    {
        return Bytes();
    }
    Bytes data = EspPlaintext(sa, payload, next);
    Bytes aad(8);
    PutBe32(&aad[0], sa.spi);
    PutBe32(&aad[4], seq);
    Bytes tag;
    if (!EspCipher(sa, true, iv, aad, data, tag))
    {
        return Bytes();
    }
    Bytes body = iv;
    body.insert(body.end(), data.begin(), data.end());
    if (l.tagLen > 0)
    {
        // the AEAD's tag is the ICV (RFC 4106 section 3, RFC 7634 section 2.1)
        Bytes out = aad;
        out.insert(out.end(), body.begin(), body.end());
        out.insert(out.end(), tag.begin(), tag.end());
        return out;
    }
    return EspSeal(sa, seq, body);
}

bool
EspDecode(const WireSa& sa, const Bytes& esp, EspDecoded& out, std::string& error)
{
    out = EspDecoded();
    EspCipherLayout l;
    if (!EspLayout(sa.enc, l))
    {
        error = "unknown encryption " + sa.enc;
        return false;
    }
    size_t icvLen = l.tagLen > 0 ? l.tagLen : (HasMac(sa) ? sa.icvLen : 0);
    if (esp.size() < 8 + l.ivLen + icvLen + 2)
    {
        error = "ESP payload of " + std::to_string(esp.size()) + " bytes is too short";
        return false;
    }
    out.spi = GetBe32(&esp[0]);
    out.seq = GetBe32(&esp[4]);
    out.iv.assign(esp.begin() + 8, esp.begin() + 8 + l.ivLen);
    out.icv.assign(esp.end() - icvLen, esp.end());
    Bytes data(esp.begin() + 8 + l.ivLen, esp.end() - icvLen);
    Bytes aad(esp.begin(), esp.begin() + 8);
    if (l.tagLen == 0 && icvLen > 0)
    {
        Bytes mac;
        if (!ComputeMac(sa.auth, sa.authKey, Bytes(esp.begin(), esp.end() - icvLen), mac))
        {
            error = "cannot compute " + sa.auth;
            return false;
        }
        if (!std::equal(out.icv.begin(), out.icv.end(), mac.begin()))
        {
            error = "ICV mismatch: received " + ToHex(out.icv) + ", computed "
                  + ToHex(Bytes(mac.begin(), mac.begin() + icvLen));
            return false;
        }
    }
    Bytes tag = out.icv;
    if (!EspCipher(sa, false, out.iv, aad, data, tag))
    {
        error = l.tagLen > 0 ? "AEAD tag mismatch or cipher error" : "cipher error";
        return false;
    }
    out.icvOk = true;
    out.next = data.back();
    out.padLen = data[data.size() - 2];
    if (out.padLen + 2u > data.size())
    {
        error = "pad length " + std::to_string(out.padLen) + " exceeds the payload";
        return false;
    }
    size_t payloadLen = data.size() - 2 - out.padLen;
    out.payload.assign(data.begin(), data.begin() + payloadLen);
    out.pad.assign(data.begin() + payloadLen, data.end() - 2);
    out.padOk = true;
    for (size_t i = 0; i < out.pad.size(); ++i)
    {
        out.padOk = out.padOk && out.pad[i] == static_cast<uint8_t>(i + 1);
    }
    return true;
}

// ---------------------------------------------------------------------------
// IP and UDP
// ---------------------------------------------------------------------------

bool
ParseIp4(const std::string& text, uint8_t out[4])
{
    return inet_pton(AF_INET, text.c_str(), out) == 1;
}

bool
ParseIp6(const std::string& text, uint8_t out[16])
{
    return inet_pton(AF_INET6, text.c_str(), out) == 1;
}

namespace
{

/// RFC 1071's one's complement sum, folded.
uint32_t
Sum16(const uint8_t* p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
    {
        sum += GetBe16(p + i);
    }
    if (n % 2)
    {
        sum += uint32_t(p[n - 1]) << 8;
    }
    return sum;
}

uint16_t
Fold(uint32_t sum)
{
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(~sum);
}

Bytes
UdpWithChecksum(const Bytes& pseudo, uint16_t sport, uint16_t dport, const Bytes& data)
{
    Bytes u(8);
    PutBe16(&u[0], sport);
    PutBe16(&u[2], dport);
    PutBe16(&u[4], static_cast<uint16_t>(8 + data.size()));
    u.insert(u.end(), data.begin(), data.end());
    uint32_t sum = Sum16(pseudo.data(), pseudo.size(), 0);
    sum = Sum16(u.data(), u.size(), sum);
    uint16_t c = Fold(sum);
    PutBe16(&u[6], c == 0 ? 0xffff : c);
    return u;
}

} // namespace

Bytes
Ipv4Datagram(const Ip4Fields& ip, const Bytes& payload)
{
    Bytes d(20, 0);
    d[0] = 0x45;
    d[1] = ip.tos;
    PutBe16(&d[2], static_cast<uint16_t>(20 + payload.size()));
    PutBe16(&d[4], ip.id);
    PutBe16(&d[6], ip.flagsFrag);
    d[8] = ip.ttl;
    d[9] = ip.proto;
    std::memcpy(&d[12], ip.src, 4);
    std::memcpy(&d[16], ip.dst, 4);
    PutBe16(&d[10], Fold(Sum16(d.data(), 20, 0)));
    d.insert(d.end(), payload.begin(), payload.end());
    return d;
}

Bytes
Ipv6Datagram(const Ip6Fields& ip, const Bytes& payload)
{
    Bytes d(40, 0);
    uint32_t first = (6u << 28) | (uint32_t(ip.trafficClass) << 20) | (ip.flowLabel & 0xfffff);
    PutBe32(&d[0], first);
    PutBe16(&d[4], static_cast<uint16_t>(payload.size()));
    d[6] = ip.next;
    d[7] = ip.hopLimit;
    std::memcpy(&d[8], ip.src, 16);
    std::memcpy(&d[24], ip.dst, 16);
    d.insert(d.end(), payload.begin(), payload.end());
    return d;
}

uint16_t
PseudoHeaderChecksum(
    const uint8_t* src, const uint8_t* dst, bool v6, uint8_t proto, const Bytes& segment)
{
    const size_t alen = v6 ? 16 : 4;
    Bytes pseudo(v6 ? 40 : 12, 0);
    std::memcpy(&pseudo[0], src, alen);
    std::memcpy(&pseudo[alen], dst, alen);
    if (v6)
    {
        PutBe32(&pseudo[32], static_cast<uint32_t>(segment.size()));
        pseudo[39] = proto;
    }
    else
    {
        pseudo[9] = proto;
        PutBe16(&pseudo[10], static_cast<uint16_t>(segment.size()));
    }
    return Fold(Sum16(segment.data(), segment.size(), Sum16(pseudo.data(), pseudo.size(), 0)));
}

Bytes
Udp4(const uint8_t src[4], const uint8_t dst[4], uint16_t sport, uint16_t dport, const Bytes& data)
{
    Bytes pseudo(12, 0);
    std::memcpy(&pseudo[0], src, 4);
    std::memcpy(&pseudo[4], dst, 4);
    pseudo[9] = 17;
    PutBe16(&pseudo[10], static_cast<uint16_t>(8 + data.size()));
    return UdpWithChecksum(pseudo, sport, dport, data);
}

Bytes
Udp6(
    const uint8_t src[16], const uint8_t dst[16], uint16_t sport, uint16_t dport, const Bytes& data)
{
    Bytes pseudo(40, 0);
    std::memcpy(&pseudo[0], src, 16);
    std::memcpy(&pseudo[16], dst, 16);
    PutBe32(&pseudo[32], static_cast<uint32_t>(8 + data.size()));
    pseudo[39] = 17;
    return UdpWithChecksum(pseudo, sport, dport, data);
}

// ---------------------------------------------------------------------------
// AH
// ---------------------------------------------------------------------------

size_t
AhHeaderLength(const WireSa& sa, bool v6)
{
    size_t icv = HasMac(sa) ? sa.icvLen : 0;
    size_t align = v6 ? 8 : 4; // RFC 4302 section 3.3.3.2.1
    return (12 + icv + align - 1) / align * align;
}

Bytes
AhIcvInput(const Bytes& ip, bool v6, size_t ipHeaderLength, size_t ahLength)
{
    Bytes m = ip;
    if (v6)
    {
        // version kept; traffic class, flow label and hop limit zeroed
        m[0] &= 0xf0;
        m[1] = 0;
        m[2] = 0;
        m[3] = 0;
        m[7] = 0;
    }
    else
    {
        m[1] = 0; // TOS
        m[6] = 0; // flags and fragment offset
        m[7] = 0;
        m[8] = 0;  // TTL
        m[10] = 0; // header checksum
        m[11] = 0;
    }
    for (size_t i = ipHeaderLength + 12; i < ipHeaderLength + ahLength && i < m.size(); ++i)
    {
        m[i] = 0; // the ICV field with its padding
    }
    return m;
}

namespace
{

Bytes
AhHeader(const WireSa& sa, uint32_t seq, bool v6, uint8_t next)
{
    size_t len = AhHeaderLength(sa, v6);
    Bytes ah(len, 0);
    ah[0] = next;
    ah[1] = static_cast<uint8_t>(len / 4 - 2); // RFC 4302 section 2.2
    PutBe32(&ah[4], sa.spi);
    PutBe32(&ah[8], seq);
    return ah;
}

bool
FillAhIcv(const WireSa& sa, Bytes& datagram, bool v6, size_t ipHeaderLength)
{
    size_t ahLen = AhHeaderLength(sa, v6);
    Bytes mac;
    if (!ComputeMac(sa.auth, sa.authKey, AhIcvInput(datagram, v6, ipHeaderLength, ahLen), mac)
        || mac.size() < sa.icvLen)
    {
        return false;
    }
    std::copy(mac.begin(), mac.begin() + sa.icvLen, datagram.begin() + ipHeaderLength + 12);
    return true;
}

} // namespace

Bytes
AhDatagram4(const WireSa& sa, uint32_t seq, Ip4Fields ip, const Bytes& payload, uint8_t next)
{
    ip.proto = 51;
    Bytes body = AhHeader(sa, seq, false, next);
    body.insert(body.end(), payload.begin(), payload.end());
    Bytes d = Ipv4Datagram(ip, body);
    if (!FillAhIcv(sa, d, false, 20))
    {
        return Bytes();
    }
    return d;
}

Bytes
AhDatagram6(const WireSa& sa, uint32_t seq, Ip6Fields ip, const Bytes& payload, uint8_t next)
{
    ip.next = 51;
    Bytes body = AhHeader(sa, seq, true, next);
    body.insert(body.end(), payload.begin(), payload.end());
    Bytes d = Ipv6Datagram(ip, body);
    if (!FillAhIcv(sa, d, true, 40))
    {
        return Bytes();
    }
    return d;
}

bool
AhCheck(const WireSa& sa, const Bytes& ip, bool v6, AhDecoded& out, std::string& error)
{
    out = AhDecoded();
    size_t hl = 40;
    if (v6)
    {
        if (ip.size() < 40 || ip[6] != 51)
        {
            error = "not IPv6 with AH next";
            return false;
        }
    }
    else
    {
        if (ip.size() < 20 || (ip[0] >> 4) != 4 || ip[9] != 51)
        {
            error = "not IPv4 with protocol AH";
            return false;
        }
        hl = (ip[0] & 15) * 4u;
        if (hl != 20)
        {
            error = "IPv4 options are not supported by the checker";
            return false;
        }
    }
    if (ip.size() < hl + 12)
    {
        error = "too short for AH";
        return false;
    }
    const uint8_t* ah = &ip[hl];
    out.next = ah[0];
    out.lengthField = ah[1];
    out.spi = GetBe32(ah + 4);
    out.seq = GetBe32(ah + 8);
    size_t ahLen = (size_t(ah[1]) + 2) * 4;
    if (ip.size() < hl + ahLen || ahLen < 12 + sa.icvLen)
    {
        error = "AH length field " + std::to_string(ah[1]) + " does not fit";
        return false;
    }
    out.icv.assign(ah + 12, ah + ahLen);
    out.payload.assign(ip.begin() + hl + ahLen, ip.end());
    Bytes mac;
    if (!ComputeMac(sa.auth, sa.authKey, AhIcvInput(ip, v6, hl, ahLen), mac))
    {
        error = "cannot compute " + sa.auth;
        return false;
    }
    out.expectedIcv.assign(mac.begin(), mac.begin() + sa.icvLen);
    out.icvOk = std::equal(out.expectedIcv.begin(), out.expectedIcv.end(), out.icv.begin());
    return true;
}

} // namespace ipsectest
} // namespace ns3
