// SPDX-License-Identifier: GPL-2.0-only
/*
 * The crypto backend on OpenSSL 3: the per-SA contexts declared in
 * ipsec-crypto-openssl.h, built from a row of the algorithm tables
 * (ipsec-algorithms.cc).  The code distinguishes only the kinds (CBC / CTR /
 * AEAD / null through one EVP cipher named by the row; HMAC, KAME's keyed
 * hash and AES-XCBC-MAC on the digest the row names, and null); adding an
 * algorithm of an existing kind needs nothing here.
 *
 * Fail closed: every OpenSSL call is checked; a failure while computing a
 * packet makes Encrypt/Decrypt or Finish return false, and the transform
 * drops and counts the datagram.
 *
 * OpenSSL 3 keeps DES, Blowfish and CAST5 in its "legacy" provider; it is
 * loaded once, lazily, together with "default" (loading any provider
 * explicitly turns off the implicit loading of "default").
 */
#include "ipsec-crypto-openssl.h"

#include "ns3/log.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecCryptoOpenssl");

namespace
{

// ---------------------------------------------------------------------------
// OpenSSL plumbing
// ---------------------------------------------------------------------------

/// The providers this module relies on; loaded on first use, never unloaded.
struct OpensslProviders
{
    OSSL_PROVIDER* defaultProvider; ///< "default": AES, 3DES, SHA-*, HMAC, ...
    OSSL_PROVIDER* legacyProvider;  ///< "legacy": DES, Blowfish, CAST5 (maybe RIPEMD160)
};

const OpensslProviders&
EnsureProviders()
{
    static const OpensslProviders providers = []
    {
        OpensslProviders p{};
        p.defaultProvider = OSSL_PROVIDER_load(nullptr, "default");
        p.legacyProvider = OSSL_PROVIDER_load(nullptr, "legacy");
        if (p.defaultProvider == nullptr)
        {
            NS_LOG_WARN("cannot load OpenSSL's default provider");
        }
        if (p.legacyProvider == nullptr)
        {
            NS_LOG_WARN("cannot load OpenSSL's legacy provider: "
                        "des-cbc, blowfish-cbc and cast128-cbc will be unavailable");
        }
        ERR_clear_error();
        return p;
    }();
    return providers;
}

/// unique_ptr deleter calling an OpenSSL free function.
template <typename T, void (*Free)(T*)>
struct EvpFree
{
    void operator()(T* p) const
    {
        Free(p);
    }
};

using EvpCipherFree = EvpFree<EVP_CIPHER, EVP_CIPHER_free>;
using EvpCipherCtxFree = EvpFree<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using EvpMacFree = EvpFree<EVP_MAC, EVP_MAC_free>;
using EvpMacCtxFree = EvpFree<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using EvpMdFree = EvpFree<EVP_MD, EVP_MD_free>;
using EvpMdCtxFree = EvpFree<EVP_MD_CTX, EVP_MD_CTX_free>;

using CipherPtr = std::unique_ptr<EVP_CIPHER, EvpCipherFree>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, EvpCipherCtxFree>;
using MacPtr = std::unique_ptr<EVP_MAC, EvpMacFree>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, EvpMacCtxFree>;
using MdPtr = std::unique_ptr<EVP_MD, EvpMdFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree>;

void
SetError(std::string* error, const std::string& text)
{
    NS_LOG_WARN(text);
    if (error != nullptr)
    {
        *error = text;
    }
}

/// The OpenSSL cipher name of @p alg for a cipher key of @p cipherKeyBits:
/// the row's name with its '*' replaced by the bits.
std::string
EvpCipherName(const IpsecEncAlgorithm& alg, size_t cipherKeyBits)
{
    std::string name = alg.evpCipher != nullptr ? alg.evpCipher : "";
    auto star = name.find('*');
    if (star != std::string::npos)
    {
        name.replace(star, 1, std::to_string(cipherKeyBits));
    }
    return name;
}

// ---------------------------------------------------------------------------
// Cipher contexts
// ---------------------------------------------------------------------------

/// null encryption (RFC 2410): the data stays as it is.
class NullCipherContext : public IpsecCipherContext
{
  public:
    bool Encrypt(const uint8_t*, const uint8_t*, size_t, uint8_t*, size_t, uint8_t*) override
    {
        return true;
    }

    bool Decrypt(const uint8_t*, const uint8_t*, size_t, uint8_t*, size_t, const uint8_t*) override
    {
        return true;
    }
};

CipherCtxPtr NewKeyedCipherCtx(
    EVP_CIPHER* cipher, const uint8_t* key, size_t keyLen, bool encrypt, std::string* why);

/**
 * CBC, CTR and AEAD through one EVP cipher.  A context keyed for encryption
 * and one keyed for decryption (a block cipher's key schedule differs between
 * the two directions, and re-keying per packet is what we avoid); each packet
 * only re-initialises the IV.  Each is made when first used: an SA carries
 * traffic one way, and OpenSSL's keyed context of a cipher such as AES-GCM
 * takes over a kilobyte, so an SA that is never used (or only one way) does
 * not pay for it.
 */
class EvpCipherContext : public IpsecCipherContext
{
  public:
    EvpCipherContext(const IpsecEncAlgorithm& alg,
                     CipherPtr cipher,
                     std::vector<uint8_t> key,
                     std::vector<uint8_t> salt)
        : m_name(alg.name)
        , m_kind(alg.kind)
        , m_blockSize(alg.blockSize)
        , m_ivLen(alg.ivLen)
        , m_icvLen(alg.icvLen)
        , m_cipher(std::move(cipher))
        , m_key(std::move(key))
        , m_salt(std::move(salt))
    {
    }

    ~EvpCipherContext() override
    {
        OPENSSL_cleanse(m_key.data(), m_key.size());
        OPENSSL_cleanse(m_salt.data(), m_salt.size());
    }

    bool Encrypt(const uint8_t* iv,
                 const uint8_t* aad,
                 size_t aadLen,
                 uint8_t* data,
                 size_t len,
                 uint8_t* icv) override
    {
        return Run(Keyed(m_enc, true), true, iv, aad, aadLen, data, len, icv);
    }

    bool Decrypt(const uint8_t* iv,
                 const uint8_t* aad,
                 size_t aadLen,
                 uint8_t* data,
                 size_t len,
                 const uint8_t* icv) override
    {
        // OpenSSL's SET_TAG takes a non-const pointer but only reads it.
        return Run(
            Keyed(m_dec, false), false, iv, aad, aadLen, data, len, const_cast<uint8_t*>(icv));
    }

  private:
    /// The context of one direction, keyed when first needed (nullptr if
    /// OpenSSL fails: the packet then fails, it is never sent unprotected).
    EVP_CIPHER_CTX* Keyed(CipherCtxPtr& ctx, bool encrypt)
    {
        if (!ctx)
        {
            std::string why;
            ctx = NewKeyedCipherCtx(m_cipher.get(), m_key.data(), m_key.size(), encrypt, &why);
            if (!ctx)
            {
                NS_LOG_LOGIC(m_name << ": cannot key a context: " << why);
                ERR_clear_error();
            }
        }
        return ctx.get();
    }

    /// The IV handed to OpenSSL: salt/nonce || explicit IV, plus for CTR the
    /// 32-bit big-endian block counter starting at 1 (RFC 3686).
    size_t BuildIv(const uint8_t* iv, uint8_t* out) const
    {
        size_t n = 0;
        if (!m_salt.empty())
        {
            std::memcpy(out, m_salt.data(), m_salt.size());
            n += m_salt.size();
        }
        std::memcpy(out + n, iv, m_ivLen);
        n += m_ivLen;
        if (m_kind == IpsecCipherKind::CTR)
        {
            const uint8_t one[4] = {0, 0, 0, 1};
            std::memcpy(out + n, one, sizeof(one));
            n += sizeof(one);
        }
        return n;
    }

    bool Run(EVP_CIPHER_CTX* ctx,
             bool encrypt,
             const uint8_t* iv,
             const uint8_t* aad,
             size_t aadLen,
             uint8_t* data,
             size_t len,
             uint8_t* icv)
    {
        const bool aead = m_kind == IpsecCipherKind::AEAD;
        if (ctx == nullptr || len > INT_MAX || aadLen > INT_MAX)
        {
            return false;
        }
        if (m_kind == IpsecCipherKind::CBC && len % m_blockSize != 0)
        {
            NS_LOG_LOGIC(m_name << ": " << len << " bytes is not a multiple of the block size "
                                << +m_blockSize);
            return false;
        }
        if (iv == nullptr || (len > 0 && data == nullptr) || (aead && icv == nullptr)
            || (aead && aadLen > 0 && aad == nullptr))
        {
            return false;
        }
        uint8_t fullIv[EVP_MAX_IV_LENGTH];
        BuildIv(iv, fullIv);
        int outl = 0;
        int finl = 0;
        bool ok = EVP_CipherInit_ex2(ctx, nullptr, nullptr, fullIv, encrypt ? 1 : 0, nullptr) == 1;
        if (ok && aead && !encrypt)
        {
            ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, m_icvLen, icv) == 1;
        }
        if (ok && aead && aadLen > 0)
        {
            int aadOut = 0;
            ok = EVP_CipherUpdate(ctx, nullptr, &aadOut, aad, static_cast<int>(aadLen)) == 1;
        }
        if (ok && len > 0)
        {
            ok = EVP_CipherUpdate(ctx, data, &outl, data, static_cast<int>(len)) == 1;
        }
        if (ok)
        {
            // For AEAD decryption this is where the tag is checked.
            ok = EVP_CipherFinal_ex(ctx, data + outl, &finl) == 1;
        }
        if (ok && aead && encrypt)
        {
            ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, m_icvLen, icv) == 1;
        }
        OPENSSL_cleanse(fullIv, sizeof(fullIv));
        if (!ok)
        {
            NS_LOG_LOGIC(m_name << (encrypt ? " encryption" : " decryption") << " failed"
                                << (aead && !encrypt ? " (ICV mismatch?)" : ""));
            ERR_clear_error();
            return false;
        }
        return static_cast<size_t>(outl + finl) == len;
    }

    const char* m_name; ///< the setkey name (the algorithm table's)
    IpsecCipherKind m_kind;
    uint8_t m_blockSize;
    uint8_t m_ivLen;
    uint8_t m_icvLen;
    CipherPtr m_cipher;          ///< the fetched algorithm
    std::vector<uint8_t> m_key;  ///< the cipher's key (without the salt)
    std::vector<uint8_t> m_salt; ///< the nonce's salt (RFC 4106, RFC 3686), or empty
    CipherCtxPtr m_enc;          ///< keyed for encryption, once used
    CipherCtxPtr m_dec;          ///< keyed for decryption, once used
};

/// One EVP context for @p cipher keyed with @p key in direction @p encrypt.
CipherCtxPtr
NewKeyedCipherCtx(
    EVP_CIPHER* cipher, const uint8_t* key, size_t keyLen, bool encrypt, std::string* why)
{
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    const int enc = encrypt ? 1 : 0;
    if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher, nullptr, nullptr, enc, nullptr) != 1)
    {
        *why = IpsecOpensslError();
        return nullptr;
    }
    // Blowfish and CAST5 take variable key lengths; OpenSSL defaults to 128 bits.
    if (static_cast<size_t>(EVP_CIPHER_CTX_get_key_length(ctx.get())) != keyLen
        && EVP_CIPHER_CTX_set_key_length(ctx.get(), static_cast<int>(keyLen)) != 1)
    {
        *why = "OpenSSL refuses a " + std::to_string(keyLen * 8) + "-bit key ("
             + IpsecOpensslError() + ")";
        return nullptr;
    }
    if (EVP_CipherInit_ex2(ctx.get(), nullptr, key, nullptr, enc, nullptr) != 1
        || EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1)
    {
        *why = IpsecOpensslError();
        return nullptr;
    }
    return ctx;
}

// ---------------------------------------------------------------------------
// Authentication contexts
// ---------------------------------------------------------------------------

class NullAuthContext : public IpsecAuthContext
{
  public:
    void Begin() override {}

    void Update(const uint8_t*, size_t) override {}

    bool Finish(uint8_t*) override
    {
        return true;
    }

    size_t IcvLength() const override
    {
        return 0;
    }
};

/**
 * What the MACs on one OpenSSL context share: the ICV is the first
 * IcvLength() bytes of the full MAC, and a failed OpenSSL call anywhere
 * since Begin() makes Finish() return false (fail closed).  A subclass says
 * how the MAC starts, takes bytes and ends (Start, Step, Final).
 */
class TruncatedMacContext : public IpsecAuthContext
{
  public:
    /**
     * @param what the MAC's name in log messages
     * @param icvLen the ICV bytes, at most the full MAC's
     */
    TruncatedMacContext(const char* what, size_t icvLen)
        : m_what(what)
        , m_icvLen(icvLen)
    {
    }

    void Begin() final
    {
        m_failed = !Start();
        if (m_failed)
        {
            NS_LOG_ERROR(m_what << " init failed: " << IpsecOpensslError());
        }
    }

    void Update(const uint8_t* data, size_t len) final
    {
        if (!m_failed && len > 0 && !Step(data, len))
        {
            NS_LOG_ERROR(m_what << " update failed: " << IpsecOpensslError());
            m_failed = true;
        }
    }

    bool Finish(uint8_t* icv) final
    {
        uint8_t full[EVP_MAX_MD_SIZE];
        size_t outl = 0;
        if (m_failed || !Final(full, &outl) || outl < m_icvLen)
        {
            NS_LOG_ERROR(m_what << " final failed: " << IpsecOpensslError());
            OPENSSL_cleanse(full, sizeof(full));
            return false;
        }
        std::memcpy(icv, full, m_icvLen);
        OPENSSL_cleanse(full, sizeof(full));
        return true;
    }

    size_t IcvLength() const final
    {
        return m_icvLen;
    }

  private:
    /// Starts a new MAC; false when OpenSSL failed.
    virtual bool Start() = 0;
    /// Adds @p len bytes (len > 0); false when OpenSSL failed.
    virtual bool Step(const uint8_t* data, size_t len) = 0;
    /// Ends the MAC into @p full (EVP_MAX_MD_SIZE bytes), its length in @p len;
    /// false when OpenSSL failed.
    virtual bool Final(uint8_t* full, size_t* len) = 0;

    const char* m_what;
    size_t m_icvLen;
    bool m_failed{false};
};

/// An EVP_MAC context for HMAC with @p digest, keyed with @p key (nullptr if
/// OpenSSL refuses).
MacCtxPtr
NewKeyedHmacCtx(EVP_MAC* mac, const char* digest, const std::vector<uint8_t>& key)
{
    MacCtxPtr ctx(mac ? EVP_MAC_CTX_new(mac) : nullptr);
    if (!ctx)
    {
        return nullptr;
    }
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
        OSSL_PARAM_construct_end(),
    };
    // A zero-length key still needs a non-null pointer.
    static const uint8_t kEmpty = 0;
    const uint8_t* k = key.empty() ? &kEmpty : key.data();
    if (EVP_MAC_init(ctx.get(), k, key.size(), params) != 1)
    {
        return nullptr;
    }
    return ctx;
}

/**
 * RFC 2104 HMAC through EVP_MAC; the key is set once, Begin() re-inits.  The
 * keyed context (close to a kilobyte in OpenSSL 3) is made when the SA first
 * computes a MAC, so SAs that carry no traffic do not hold one.
 */
class HmacAuthContext : public TruncatedMacContext
{
  public:
    HmacAuthContext(MacPtr mac, const char* digest, std::vector<uint8_t> key, size_t icvLen)
        : TruncatedMacContext("HMAC", icvLen)
        , m_mac(std::move(mac))
        , m_digest(digest)
        , m_key(std::move(key))
    {
    }

    ~HmacAuthContext() override
    {
        OPENSSL_cleanse(m_key.data(), m_key.size());
    }

  private:
    bool Start() override
    {
        if (!m_ctx)
        {
            // Keying starts the first MAC.
            m_ctx = NewKeyedHmacCtx(m_mac.get(), m_digest, m_key);
            return m_ctx != nullptr;
        }
        return EVP_MAC_init(m_ctx.get(), nullptr, 0, nullptr) == 1;
    }

    bool Step(const uint8_t* data, size_t len) override
    {
        return EVP_MAC_update(m_ctx.get(), data, len) == 1;
    }

    bool Final(uint8_t* full, size_t* len) override
    {
        return EVP_MAC_final(m_ctx.get(), full, len, EVP_MAX_MD_SIZE) == 1;
    }

    MacPtr m_mac;               ///< the fetched HMAC
    const char* m_digest;       ///< the digest's OpenSSL name (from the algorithm table)
    std::vector<uint8_t> m_key; ///< the key
    MacCtxPtr m_ctx;            ///< keyed, once used
};

/**
 * KAME's keyed-md5 / keyed-sha1 (ah_keyed_*_init/loop/result in
 * kame/sys/netinet6/ah_core.c): hash(key || pad || data || key), where pad
 * completes the key to a hash block the way MD5 pads a message: 0x80, zero
 * bytes, then the key length in bits as 8 bytes, least significant byte
 * first (KAME writes the same little-endian length for SHA-1 too).  Like
 * KAME, key || pad || length fills one 64-byte block for keys under 56 bytes
 * and two for keys of 56 to 119 bytes (KAME's arithmetic breaks beyond that;
 * here longer keys simply take as many blocks as they need).
 */
class KeyedHashAuthContext : public TruncatedMacContext
{
  public:
    KeyedHashAuthContext(MdPtr md, MdCtxPtr ctx, const std::vector<uint8_t>& key, size_t icvLen)
        : TruncatedMacContext("keyed hash", icvLen)
        , m_md(std::move(md))
        , m_ctx(std::move(ctx))
        , m_key(key)
    {
        const size_t keyLen = key.size();
        // Bytes of padding (0x80 and zeros) so that key || pad || length
        // ends on a 64-byte boundary: KAME's 56 - keylen or 120 - keylen.
        const size_t padLen = 64 - ((keyLen + 8) % 64);
        m_prefix = key;
        m_prefix.push_back(0x80);
        m_prefix.resize(keyLen + padLen, 0);
        const uint64_t bits = static_cast<uint64_t>(keyLen) * 8;
        for (int i = 0; i < 8; ++i)
        {
            m_prefix.push_back(static_cast<uint8_t>(bits >> (8 * i)));
        }
    }

    ~KeyedHashAuthContext() override
    {
        OPENSSL_cleanse(m_prefix.data(), m_prefix.size());
        OPENSSL_cleanse(m_key.data(), m_key.size());
    }

  private:
    bool Start() override
    {
        return EVP_DigestInit_ex2(m_ctx.get(), m_md.get(), nullptr) == 1
            && EVP_DigestUpdate(m_ctx.get(), m_prefix.data(), m_prefix.size()) == 1;
    }

    bool Step(const uint8_t* data, size_t len) override
    {
        return EVP_DigestUpdate(m_ctx.get(), data, len) == 1;
    }

    bool Final(uint8_t* full, size_t* len) override
    {
        unsigned int outl = 0;
        const bool ok = EVP_DigestUpdate(m_ctx.get(), m_key.data(), m_key.size()) == 1
                     && EVP_DigestFinal_ex(m_ctx.get(), full, &outl) == 1;
        *len = outl;
        return ok;
    }

    MdPtr m_md;
    MdCtxPtr m_ctx;
    std::vector<uint8_t> m_key;
    std::vector<uint8_t> m_prefix;
};

/**
 * AES-XCBC-MAC (RFC 3566) over AES-128-ECB: K1 = E(K, 0x01..), K2 =
 * E(K, 0x02..), K3 = E(K, 0x03..); CBC-MAC under K1, the last block XORed
 * with K2 when complete, else padded with 0x80 0x00.. and XORed with K3.
 * The ECB context keyed with K1 is kept for the SA; the last (possibly
 * complete) block is held back until Finish().
 */
class XcbcAuthContext : public IpsecAuthContext
{
  public:
    static constexpr size_t kBlock = 16;

    XcbcAuthContext(CipherCtxPtr k1Ecb, const uint8_t* k2, const uint8_t* k3, size_t icvLen)
        : m_ecb(std::move(k1Ecb))
        , m_icvLen(icvLen)
    {
        std::memcpy(m_k2, k2, kBlock);
        std::memcpy(m_k3, k3, kBlock);
        Begin();
    }

    ~XcbcAuthContext() override
    {
        OPENSSL_cleanse(m_k2, sizeof(m_k2));
        OPENSSL_cleanse(m_k3, sizeof(m_k3));
        OPENSSL_cleanse(m_e, sizeof(m_e));
        OPENSSL_cleanse(m_buf, sizeof(m_buf));
    }

    void Begin() override
    {
        std::memset(m_e, 0, sizeof(m_e));
        m_bufLen = 0;
        m_failed = false;
    }

    void Update(const uint8_t* data, size_t len) override
    {
        while (len > 0)
        {
            if (m_bufLen == kBlock)
            {
                // More data follows, so the buffered block is not the last one.
                Absorb(m_buf, nullptr);
                m_bufLen = 0;
            }
            const size_t n = std::min(len, kBlock - m_bufLen);
            std::memcpy(m_buf + m_bufLen, data, n);
            m_bufLen += n;
            data += n;
            len -= n;
        }
    }

    bool Finish(uint8_t* icv) override
    {
        const uint8_t* k = m_k2;
        if (m_bufLen < kBlock)
        {
            m_buf[m_bufLen] = 0x80;
            std::memset(m_buf + m_bufLen + 1, 0, kBlock - m_bufLen - 1);
            k = m_k3;
        }
        Absorb(m_buf, k);
        bool ok = !m_failed;
        if (ok)
        {
            std::memcpy(icv, m_e, m_icvLen);
        }
        Begin();
        return ok;
    }

    size_t IcvLength() const override
    {
        return m_icvLen;
    }

  private:
    /// E = AES-K1(E xor block [xor extra]).
    void Absorb(const uint8_t* block, const uint8_t* extra)
    {
        for (size_t i = 0; i < kBlock; ++i)
        {
            m_e[i] ^= block[i] ^ (extra != nullptr ? extra[i] : 0);
        }
        int outl = 0;
        if (EVP_EncryptUpdate(m_ecb.get(), m_e, &outl, m_e, kBlock) != 1
            || outl != static_cast<int>(kBlock))
        {
            NS_LOG_ERROR("AES-XCBC block encryption failed: " << IpsecOpensslError());
            m_failed = true;
        }
    }

    CipherCtxPtr m_ecb;
    size_t m_icvLen;
    uint8_t m_k2[kBlock];
    uint8_t m_k3[kBlock];
    uint8_t m_e[kBlock];
    uint8_t m_buf[kBlock];
    size_t m_bufLen{0};
    bool m_failed{false};
};

/// Whether an ICV of @p icvLen bytes can be cut from @p alg's MAC of
/// @p full bytes (1 to @p full); sets @p error when it cannot.
bool
IcvFits(const IpsecAuthAlgorithm& alg, size_t icvLen, size_t full, std::string* error)
{
    if (icvLen == 0 || icvLen > full)
    {
        SetError(error,
                 std::string(alg.name) + " gives an ICV of 1 to " + std::to_string(full)
                     + " bytes, not " + std::to_string(icvLen));
        return false;
    }
    return true;
}

std::unique_ptr<IpsecAuthContext>
CreateHmac(const IpsecAuthAlgorithm& alg,
           const std::vector<uint8_t>& key,
           size_t icvLen,
           std::string* error)
{
    MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac)
    {
        SetError(error,
                 std::string("OpenSSL cannot provide HMAC for ") + alg.name + ": "
                     + IpsecOpensslError());
        return nullptr;
    }
    // Keyed once here, so that what OpenSSL refuses is refused when the SA is
    // added; the context the SA uses is made when it first computes a MAC.
    MacCtxPtr probe = NewKeyedHmacCtx(mac.get(), alg.digest, key);
    if (!probe)
    {
        SetError(error,
                 std::string("OpenSSL cannot set up ") + alg.name + ": " + IpsecOpensslError());
        return nullptr;
    }
    if (!IcvFits(alg, icvLen, EVP_MAC_CTX_get_mac_size(probe.get()), error))
    {
        return nullptr;
    }
    return std::make_unique<HmacAuthContext>(std::move(mac), alg.digest, key, icvLen);
}

std::unique_ptr<IpsecAuthContext>
CreateKeyedHash(const IpsecAuthAlgorithm& alg,
                const std::vector<uint8_t>& key,
                size_t icvLen,
                std::string* error)
{
    MdPtr md(EVP_MD_fetch(nullptr, alg.digest, nullptr));
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!md || !ctx)
    {
        SetError(error,
                 std::string("OpenSSL cannot provide ") + alg.digest + " for " + alg.name + ": "
                     + IpsecOpensslError());
        return nullptr;
    }
    if (!IcvFits(alg, icvLen, EVP_MD_get_size(md.get()), error))
    {
        return nullptr;
    }
    return std::make_unique<KeyedHashAuthContext>(std::move(md), std::move(ctx), key, icvLen);
}

std::unique_ptr<IpsecAuthContext>
CreateXcbc(const IpsecAuthAlgorithm& alg,
           const std::vector<uint8_t>& key,
           size_t icvLen,
           std::string* error)
{
    constexpr size_t kBlock = XcbcAuthContext::kBlock;
    if (key.size() != kBlock)
    {
        SetError(error,
                 std::string(alg.name) + " needs a 128-bit key, got "
                     + std::to_string(key.size() * 8) + " bits");
        return nullptr;
    }
    if (!IcvFits(alg, icvLen, kBlock, error))
    {
        return nullptr;
    }
    CipherPtr ecb(EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr));
    if (!ecb)
    {
        SetError(error,
                 std::string("OpenSSL cannot provide AES-128-ECB for ") + alg.name + ": "
                     + IpsecOpensslError());
        return nullptr;
    }
    std::string why;
    CipherCtxPtr kCtx = NewKeyedCipherCtx(ecb.get(), key.data(), key.size(), true, &why);
    if (!kCtx)
    {
        SetError(error, std::string(alg.name) + ": " + why);
        return nullptr;
    }
    // K1, K2, K3 = E(K, 0x01 x16), E(K, 0x02 x16), E(K, 0x03 x16).
    uint8_t derived[3][kBlock];
    for (int i = 0; i < 3; ++i)
    {
        std::memset(derived[i], i + 1, kBlock);
        int outl = 0;
        if (EVP_EncryptUpdate(kCtx.get(), derived[i], &outl, derived[i], kBlock) != 1)
        {
            OPENSSL_cleanse(derived, sizeof(derived));
            SetError(error, std::string(alg.name) + ": " + IpsecOpensslError());
            return nullptr;
        }
    }
    // Re-key the same context with K1 for the per-packet CBC-MAC.
    if (EVP_EncryptInit_ex2(kCtx.get(), nullptr, derived[0], nullptr, nullptr) != 1)
    {
        OPENSSL_cleanse(derived, sizeof(derived));
        SetError(error, std::string(alg.name) + ": " + IpsecOpensslError());
        return nullptr;
    }
    auto ctx = std::make_unique<XcbcAuthContext>(std::move(kCtx), derived[1], derived[2], icvLen);
    OPENSSL_cleanse(derived, sizeof(derived));
    return ctx;
}

} // namespace

std::unique_ptr<IpsecCipherContext>
CreateCipherContext(const IpsecEncAlgorithm& alg,
                    const std::vector<uint8_t>& key,
                    std::string* error)
{
    NS_LOG_FUNCTION(alg.name << key.size());
    if (alg.kind == IpsecCipherKind::NONE_CIPHER)
    {
        return std::make_unique<NullCipherContext>();
    }
    if (key.size() <= alg.saltLen)
    {
        SetError(error,
                 std::string(alg.name) + ": key of " + std::to_string(key.size() * 8)
                     + " bits is too short");
        return nullptr;
    }
    EnsureProviders();
    const size_t cipherKeyLen = key.size() - alg.saltLen;
    const std::string evpName = EvpCipherName(alg, cipherKeyLen * 8);
    if (evpName.empty())
    {
        SetError(error, std::string("no OpenSSL cipher is known for ") + alg.name);
        return nullptr;
    }
    CipherPtr cipher(EVP_CIPHER_fetch(nullptr, evpName.c_str(), nullptr));
    if (!cipher)
    {
        SetError(error,
                 "OpenSSL cannot provide " + evpName + " for " + alg.name + ": "
                     + IpsecOpensslError());
        return nullptr;
    }
    // Keyed once here, so that what OpenSSL refuses (a key length, an IV
    // length other than the table's) is refused when the SA is added; the
    // contexts the SA uses are made when it first carries a packet
    // (EvpCipherContext::Keyed).
    std::string why;
    CipherCtxPtr enc = NewKeyedCipherCtx(cipher.get(), key.data(), cipherKeyLen, true, &why);
    if (!enc)
    {
        SetError(error, std::string(alg.name) + " (" + evpName + "): " + why);
        return nullptr;
    }
    // The row's layout must match what OpenSSL expects: salt || IV (|| counter).
    const size_t ivWanted = alg.saltLen + alg.ivLen + (alg.kind == IpsecCipherKind::CTR ? 4 : 0);
    const int ivHave = EVP_CIPHER_CTX_get_iv_length(enc.get());
    if (ivHave < 0 || static_cast<size_t>(ivHave) != ivWanted || ivWanted > EVP_MAX_IV_LENGTH)
    {
        SetError(error,
                 std::string(alg.name) + ": " + evpName + " wants a " + std::to_string(ivHave)
                     + "-byte IV, the table gives " + std::to_string(ivWanted));
        return nullptr;
    }
    std::vector<uint8_t> salt(key.end() - alg.saltLen, key.end());
    std::vector<uint8_t> cipherKey(key.begin(), key.begin() + cipherKeyLen);
    return std::make_unique<EvpCipherContext>(
        alg, std::move(cipher), std::move(cipherKey), std::move(salt));
}

std::unique_ptr<IpsecAuthContext>
CreateAuthContext(const IpsecAuthAlgorithm& alg,
                  const std::vector<uint8_t>& key,
                  size_t icvLen,
                  std::string* error)
{
    NS_LOG_FUNCTION(alg.name << key.size() << icvLen);
    EnsureProviders();
    switch (alg.kind)
    {
        case IpsecAuthKind::NONE_AUTH:
            if (icvLen != 0)
            {
                SetError(error,
                         std::string(alg.name) + " has no ICV, not " + std::to_string(icvLen)
                             + " bytes");
                return nullptr;
            }
            return std::make_unique<NullAuthContext>();
        case IpsecAuthKind::HMAC:
            return CreateHmac(alg, key, icvLen, error);
        case IpsecAuthKind::KEYED_HASH:
            return CreateKeyedHash(alg, key, icvLen, error);
        case IpsecAuthKind::XCBC:
            return CreateXcbc(alg, key, icvLen, error);
    }
    SetError(error, std::string("unknown authentication kind for ") + alg.name);
    return nullptr;
}

bool
IpsecCryptoAvailable(const IpsecAuthAlgorithm& alg)
{
    if (alg.digest == nullptr || alg.digest[0] == '\0')
    {
        return true;
    }
    EnsureProviders();
    MdPtr md(EVP_MD_fetch(nullptr, alg.digest, nullptr));
    if (!md)
    {
        ERR_clear_error();
        return false;
    }
    return true;
}

bool
IpsecLoadOpensslProviders()
{
    return EnsureProviders().legacyProvider != nullptr;
}

std::string
IpsecOpensslError()
{
    std::string text;
    unsigned long e;
    while ((e = ERR_get_error()) != 0)
    {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof(buf));
        if (!text.empty())
        {
            text += "; ";
        }
        text += buf;
    }
    return text.empty() ? "unknown OpenSSL error" : text;
}

} // namespace ns3
