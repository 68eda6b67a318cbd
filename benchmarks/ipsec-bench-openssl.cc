/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Section 3: the cryptography and compression of the 1-hop section's
 * protections on the same datagrams, with OpenSSL's EVP API and zlib called
 * here directly (not through the model): per datagram the sender's work
 * (ESP: encrypt and MAC, or seal; AH: MAC; IPComp: deflate) and the
 * receiver's (verify and decrypt, or open; inflate), each side with its own
 * contexts keyed once, as an SA's.  Then the derived section "module": a
 * protection's 1-hop cost less plain ns-3's and less this, which is what
 * the module itself spends per datagram per IPsec hop.
 */
#include "ipsec-bench-sections.h"
#include "ns3/ipsec-algorithms.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdexcept>
#include <zlib.h>

namespace ns3
{
namespace ipsecbench
{

namespace
{

/// ESP's SPI and sequence number (RFC 4303 section 2).
constexpr size_t ESP_HEADER = 8;
/// The UDP header in front of the payload: what transport mode protects.
constexpr size_t UDP_HEADER = 8;
/// IPComp's header (RFC 3173 section 2.2).
constexpr size_t IPCOMP_HEADER = 4;
/// IPv4 header and AH with a 96-bit ICV: what AH's ICV covers beside the payload.
constexpr size_t IP_AND_AH = 20 + 12 + 12;

void
Require(bool ok, const char* what)
{
    if (!ok)
    {
        throw std::runtime_error(std::string("OpenSSL/zlib: ") + what);
    }
}

/// An HMAC keyed once (EVP_MAC), re-initialised per datagram as the model's SA does.
class Hmac
{
  public:
    Hmac(const char* digest, const std::vector<uint8_t>& key, size_t icvLen)
        : m_icvLen(icvLen)
    {
        m_mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        Require(m_mac != nullptr, "EVP_MAC_fetch HMAC");
        m_ctx = EVP_MAC_CTX_new(m_mac);
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
            OSSL_PARAM_construct_end()};
        Require(m_ctx != nullptr && EVP_MAC_init(m_ctx, key.data(), key.size(), params) == 1,
                "EVP_MAC_init");
    }

    ~Hmac()
    {
        EVP_MAC_CTX_free(m_ctx);
        EVP_MAC_free(m_mac);
    }

    Hmac(const Hmac&) = delete;
    Hmac& operator=(const Hmac&) = delete;

    /// The truncated ICV of @p len bytes at @p data into @p icv.
    void Compute(const uint8_t* data, size_t len, uint8_t* icv)
    {
        uint8_t full[EVP_MAX_MD_SIZE];
        size_t outl = 0;
        Require(EVP_MAC_init(m_ctx, nullptr, 0, nullptr) == 1
                    && EVP_MAC_update(m_ctx, data, len) == 1
                    && EVP_MAC_final(m_ctx, full, &outl, sizeof(full)) == 1,
                "HMAC");
        std::memcpy(icv, full, m_icvLen);
    }

    /// Whether the ICV at @p icv is right.
    bool Verify(const uint8_t* data, size_t len, const uint8_t* icv)
    {
        uint8_t mine[EVP_MAX_MD_SIZE];
        Compute(data, len, mine);
        return CRYPTO_memcmp(mine, icv, m_icvLen) == 0;
    }

    size_t IcvLen() const
    {
        return m_icvLen;
    }

  private:
    EVP_MAC* m_mac{nullptr};
    EVP_MAC_CTX* m_ctx{nullptr};
    size_t m_icvLen;
};

/// A cipher context keyed once for one direction.
class Cipher
{
  public:
    Cipher(const std::string& name, const std::vector<uint8_t>& key, bool encrypt)
        : m_encrypt(encrypt ? 1 : 0)
    {
        m_cipher = EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr);
        Require(m_cipher != nullptr, "EVP_CIPHER_fetch");
        m_ctx = EVP_CIPHER_CTX_new();
        Require(m_ctx != nullptr
                    && EVP_CipherInit_ex2(m_ctx, m_cipher, key.data(), nullptr, m_encrypt, nullptr)
                           == 1
                    && EVP_CIPHER_CTX_set_padding(m_ctx, 0) == 1,
                "EVP_CipherInit_ex2");
    }

    ~Cipher()
    {
        EVP_CIPHER_CTX_free(m_ctx);
        EVP_CIPHER_free(m_cipher);
    }

    Cipher(const Cipher&) = delete;
    Cipher& operator=(const Cipher&) = delete;

    /**
     * One datagram: @p len bytes at @p in to @p out with @p iv; for an
     * AEAD the @p aad and the tag at @p tag (written when encrypting,
     * checked when decrypting).  False when an AEAD tag does not verify.
     */
    bool Run(const uint8_t* iv,
             const uint8_t* aad,
             size_t aadLen,
             const uint8_t* in,
             size_t len,
             uint8_t* out,
             uint8_t* tag,
             size_t tagLen)
    {
        int outl = 0;
        int finl = 0;
        Require(EVP_CipherInit_ex2(m_ctx, nullptr, nullptr, iv, m_encrypt, nullptr) == 1, "IV");
        if (tagLen > 0 && !m_encrypt)
        {
            Require(EVP_CIPHER_CTX_ctrl(m_ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tagLen), tag)
                        == 1,
                    "set tag");
        }
        if (aadLen > 0)
        {
            Require(EVP_CipherUpdate(m_ctx, nullptr, &outl, aad, static_cast<int>(aadLen)) == 1,
                    "AAD");
        }
        Require(EVP_CipherUpdate(m_ctx, out, &outl, in, static_cast<int>(len)) == 1, "update");
        if (EVP_CipherFinal_ex(m_ctx, out + outl, &finl) != 1)
        {
            return false;
        }
        if (tagLen > 0 && m_encrypt)
        {
            Require(EVP_CIPHER_CTX_ctrl(m_ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tagLen), tag)
                        == 1,
                    "get tag");
        }
        return true;
    }

  private:
    EVP_CIPHER* m_cipher{nullptr};
    EVP_CIPHER_CTX* m_ctx{nullptr};
    int m_encrypt;
};

/// The key bytes of a protection's algorithm (the same as setkey's: see HexKey).
std::vector<uint8_t>
KeyBytes(size_t bytes, uint32_t seed)
{
    std::string hex = HexKey(bytes, seed);
    std::vector<uint8_t> key;
    for (size_t i = 2; i + 1 < hex.size(); i += 2)
    {
        key.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return key;
}

/**
 * ESP in transport mode with one algorithm pair, both ends: the sender's
 * contexts and the receiver's.  Seal() builds header, IV, ciphertext and
 * ICV as RFC 4303 section 2; Open() verifies and decrypts.
 */
class Esp
{
  public:
    Esp(const std::string& encName, const std::string& authName)
        : m_enc(FindEncAlgorithm(encName))
        , m_auth(authName.empty() ? nullptr : FindAuthAlgorithm(authName))
    {
        std::vector<uint8_t> key = KeyBytes(m_enc->minKeyBits / 8, 1);
        m_aead = m_enc->kind == IpsecCipherKind::AEAD;
        m_ctr = m_enc->kind == IpsecCipherKind::CTR;
        m_salt.assign(key.end() - m_enc->saltLen, key.end());
        key.resize(key.size() - m_enc->saltLen);
        std::string name = m_enc->evpCipher;
        auto star = name.find('*');
        if (star != std::string::npos)
        {
            name.replace(star, 1, std::to_string(key.size() * 8));
        }
        m_seal = std::make_unique<Cipher>(name, key, true);
        m_open = std::make_unique<Cipher>(name, key, false);
        if (m_auth != nullptr)
        {
            std::vector<uint8_t> authKey = KeyBytes(m_auth->minKeyBits / 8, 1001);
            m_macOut = std::make_unique<Hmac>(m_auth->digest, authKey, m_auth->kameIcvLen);
            m_macIn = std::make_unique<Hmac>(m_auth->digest, authKey, m_auth->kameIcvLen);
        }
    }

    /// The protected bytes of @p len bytes of payload (padded and trailed) into @p wire.
    size_t Seal(const uint8_t* plain, size_t len, std::vector<uint8_t>* wire)
    {
        size_t body = Body(len);
        size_t icvLen = m_aead ? m_enc->icvLen : (m_macOut ? m_macOut->IcvLen() : 0);
        size_t total = ESP_HEADER + m_enc->ivLen + body + icvLen;
        wire->resize(total);
        uint8_t* w = wire->data();
        ++m_seq;
        std::memset(w, 0, ESP_HEADER);
        std::memcpy(w + 4, &m_seq, 4);
        uint8_t* iv = w + ESP_HEADER;
        for (size_t i = 0; i < m_enc->ivLen; ++i)
        {
            iv[i] = static_cast<uint8_t>(m_seq + i);
        }
        m_plain.resize(body);
        std::memcpy(m_plain.data(), plain, len);
        for (size_t i = len; i < body - 2; ++i)
        {
            m_plain[i] = static_cast<uint8_t>(i - len + 1); // RFC 4303 2.4's default padding
        }
        m_plain[body - 2] = static_cast<uint8_t>(body - 2 - len);
        m_plain[body - 1] = 17;
        uint8_t* data = iv + m_enc->ivLen;
        uint8_t nonce[16];
        Nonce(iv, nonce);
        Require(m_seal->Run(nonce,
                            w,
                            m_aead ? ESP_HEADER : 0,
                            m_plain.data(),
                            body,
                            data,
                            m_aead ? data + body : nullptr,
                            m_aead ? icvLen : 0),
                "seal");
        if (m_macOut)
        {
            m_macOut->Compute(w, ESP_HEADER + m_enc->ivLen + body, data + body);
        }
        return total;
    }

    /// Verifies and decrypts @p wire into @p plain; false if it does not verify.
    bool Open(const std::vector<uint8_t>& wire, std::vector<uint8_t>* plain)
    {
        size_t icvLen = m_aead ? m_enc->icvLen : (m_macIn ? m_macIn->IcvLen() : 0);
        size_t body = wire.size() - ESP_HEADER - m_enc->ivLen - icvLen;
        const uint8_t* w = wire.data();
        const uint8_t* iv = w + ESP_HEADER;
        const uint8_t* data = iv + m_enc->ivLen;
        if (m_macIn && !m_macIn->Verify(w, ESP_HEADER + m_enc->ivLen + body, data + body))
        {
            return false;
        }
        plain->resize(body);
        uint8_t nonce[16];
        Nonce(iv, nonce);
        uint8_t tag[16];
        if (m_aead)
        {
            std::memcpy(tag, data + body, icvLen);
        }
        if (!m_open->Run(nonce,
                         w,
                         m_aead ? ESP_HEADER : 0,
                         data,
                         body,
                         plain->data(),
                         m_aead ? tag : nullptr,
                         m_aead ? icvLen : 0))
        {
            return false;
        }
        plain->resize(body - 2 - (*plain)[body - 2]);
        return true;
    }

  private:
    /// Payload, padding and trailer rounded up to the algorithm's boundary.
    size_t Body(size_t len) const
    {
        size_t b = m_enc->PadBoundary();
        return (len + 2 + b - 1) / b * b;
    }

    /// The cipher's IV: salt and IV for an AEAD (12 bytes) and CTR (with
    /// the block counter 1, RFC 3686 section 4), the IV itself for CBC.
    void Nonce(const uint8_t* iv, uint8_t* nonce) const
    {
        if (m_aead || m_ctr)
        {
            std::memcpy(nonce, m_salt.data(), m_salt.size());
            std::memcpy(nonce + m_salt.size(), iv, m_enc->ivLen);
            if (m_ctr)
            {
                const uint8_t one[4] = {0, 0, 0, 1};
                std::memcpy(nonce + m_salt.size() + m_enc->ivLen, one, 4);
            }
        }
        else
        {
            std::memcpy(nonce, iv, m_enc->ivLen);
        }
    }

    const IpsecEncAlgorithm* m_enc;
    const IpsecAuthAlgorithm* m_auth;
    bool m_aead{false};
    bool m_ctr{false};
    std::vector<uint8_t> m_salt;
    std::unique_ptr<Cipher> m_seal;
    std::unique_ptr<Cipher> m_open;
    std::unique_ptr<Hmac> m_macOut;
    std::unique_ptr<Hmac> m_macIn;
    std::vector<uint8_t> m_plain;
    uint32_t m_seq{0};
};

/// Raw deflate as IPComp's (the model's window and level, KAME's), streams set up once.
class Deflate
{
  public:
    Deflate()
    {
        Require(deflateInit2(&m_def, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9, Z_DEFAULT_STRATEGY)
                    == Z_OK,
                "deflateInit2");
        Require(inflateInit2(&m_inf, -15) == Z_OK, "inflateInit2");
    }

    ~Deflate()
    {
        deflateEnd(&m_def);
        inflateEnd(&m_inf);
    }

    Deflate(const Deflate&) = delete;
    Deflate& operator=(const Deflate&) = delete;

    /// Compresses @p len bytes into @p out (resized to the compressed size).
    void Compress(const uint8_t* data, size_t len, std::vector<uint8_t>* out)
    {
        Require(deflateReset(&m_def) == Z_OK, "deflateReset");
        out->resize(deflateBound(&m_def, len));
        m_def.next_in = const_cast<uint8_t*>(data);
        m_def.avail_in = static_cast<uInt>(len);
        m_def.next_out = out->data();
        m_def.avail_out = static_cast<uInt>(out->size());
        Require(deflate(&m_def, Z_FINISH) == Z_STREAM_END, "deflate");
        out->resize(out->size() - m_def.avail_out);
    }

    /// Decompresses @p len bytes into @p out (sized to the expected length).
    bool Decompress(const uint8_t* data, size_t len, std::vector<uint8_t>* out)
    {
        Require(inflateReset(&m_inf) == Z_OK, "inflateReset");
        m_inf.next_in = const_cast<uint8_t*>(data);
        m_inf.avail_in = static_cast<uInt>(len);
        m_inf.next_out = out->data();
        m_inf.avail_out = static_cast<uInt>(out->size());
        int rc = inflate(&m_inf, Z_FINISH);
        return rc == Z_STREAM_END && m_inf.avail_out == 0;
    }

  private:
    z_stream m_def{};
    z_stream m_inf{};
};

/// What one OpenSSL-alone variant does per datagram.
struct Work
{
    std::string enc;          ///< ESP encryption ("" for none)
    std::string espAuth;      ///< ESP authentication
    std::string ahAuth;       ///< AH authentication
    bool deflate{false};      ///< IPComp's deflate (and inflate when it shrinks)
    bool compressible{false}; ///< text payload (else random)
};

RunOutcome
RunOnce(const Work& w, const BenchConfig& cfg, const std::vector<uint8_t>& payload)
{
    // What transport mode protects: the UDP header and the payload.
    std::vector<uint8_t> inner(UDP_HEADER, 0);
    inner.insert(inner.end(), payload.begin(), payload.end());
    std::unique_ptr<Esp> esp;
    if (!w.enc.empty())
    {
        esp = std::make_unique<Esp>(w.enc, w.espAuth);
    }
    std::unique_ptr<Hmac> ahOut;
    std::unique_ptr<Hmac> ahIn;
    std::vector<uint8_t> ahData(IP_AND_AH + inner.size(), 0);
    std::memcpy(ahData.data() + IP_AND_AH, inner.data(), inner.size());
    if (!w.ahAuth.empty())
    {
        const IpsecAuthAlgorithm* a = FindAuthAlgorithm(w.ahAuth);
        std::vector<uint8_t> key = KeyBytes(a->minKeyBits / 8, 7);
        ahOut = std::make_unique<Hmac>(a->digest, key, a->kameIcvLen);
        ahIn = std::make_unique<Hmac>(a->digest, key, a->kameIcvLen);
    }
    std::unique_ptr<Deflate> zlib;
    if (w.deflate)
    {
        zlib = std::make_unique<Deflate>();
    }

    std::vector<uint8_t> compressed;
    std::vector<uint8_t> toEsp;
    std::vector<uint8_t> wire;
    std::vector<uint8_t> opened;
    std::vector<uint8_t> restored(inner.size());
    uint64_t good = 0;
    uint64_t shrunk = 0;
    Stopwatch watch;
    watch.Start();
    for (uint32_t i = 0; i < cfg.datagrams; ++i)
    {
        // Sender: IPComp (kept only if smaller), then ESP; or AH.
        const std::vector<uint8_t>* data = &inner;
        bool isCompressed = false;
        if (zlib)
        {
            zlib->Compress(inner.data(), inner.size(), &compressed);
            if (compressed.size() + IPCOMP_HEADER < inner.size())
            {
                compressed.insert(compressed.begin(), IPCOMP_HEADER, 0);
                data = &compressed;
                isCompressed = true;
            }
        }
        bool ok = true;
        const std::vector<uint8_t>* received = data;
        if (esp)
        {
            esp->Seal(data->data(), data->size(), &wire);
            // Receiver: verify and decrypt.
            ok = esp->Open(wire, &opened);
            received = &opened;
        }
        if (ahOut)
        {
            uint8_t icv[EVP_MAX_MD_SIZE];
            ahOut->Compute(ahData.data(), ahData.size(), icv);
            ok = ok && ahIn->Verify(ahData.data(), ahData.size(), icv);
        }
        if (ok && isCompressed)
        {
            ok = zlib->Decompress(
                received->data() + IPCOMP_HEADER, received->size() - IPCOMP_HEADER, &restored);
            ok = ok && std::memcmp(restored.data(), inner.data(), inner.size()) == 0;
            shrunk += ok;
        }
        else if (ok && esp)
        {
            ok = received->size() == data->size()
              && std::memcmp(received->data(), data->data(), data->size()) == 0;
        }
        good += ok;
    }
    double seconds = watch.Stop();

    Check check;
    check.Expect("datagrams protected and verified", good, cfg.datagrams);
    if (w.deflate)
    {
        check.Expect("compressed", shrunk, w.compressible ? cfg.datagrams : 0);
    }
    return check.Outcome({seconds * 1e6 / cfg.datagrams}, watch);
}

} // namespace

std::string
OpensslTitle()
{
    return "the same cryptography and deflate alone, OpenSSL's EVP API and zlib called "
           "directly: sender and receiver work per datagram";
}

std::vector<std::pair<std::string, Variant>>
OpensslVariants(const BenchConfig& cfg,
                const std::vector<uint8_t>& random,
                const std::vector<uint8_t>& text)
{
    const std::string param = DatagramParam(cfg.payload, cfg.datagrams);
    std::vector<std::pair<std::string, Work>> works;
    for (const auto& c : OneHopCases())
    {
        if (c.p.enc == "null" && c.p.espAuth.empty())
        {
            continue; // no cryptography: see AddModuleWork
        }
        works.push_back(
            {c.name, Work{c.p.enc, c.p.espAuth, c.p.ahAuth, c.p.ipcomp, c.compressible}});
    }
    works.push_back({"deflate-compressible", Work{"", "", "", true, true}});
    works.push_back({"deflate-incompressible", Work{"", "", "", true, false}});

    std::vector<std::pair<std::string, Variant>> variants;
    for (const auto& [name, work] : works)
    {
        Variant v;
        v.rows = {{name, param, "us/dgram", "", "", Target(), "openssl"}};
        Work w = work;
        const std::vector<uint8_t>* payload = w.compressible ? &text : &random;
        v.run = [&cfg, w, payload]()
        {
            return RunOnce(w, cfg, *payload);
        };
        variants.push_back({name, v});
    }
    return variants;
}

void
RunOpensslSection(Bench& bench, const BenchConfig& cfg)
{
    const std::vector<uint8_t> random = IncompressiblePayload(cfg.payload);
    const std::vector<uint8_t> text = CompressiblePayload(cfg.payload);
    std::vector<Variant> variants;
    for (const auto& [name, v] : OpensslVariants(cfg, random, text))
    {
        variants.push_back(v);
    }
    bench.RunSection("openssl", OpensslTitle(), variants);
}

namespace
{

/// The per-repetition values of a derived row: f(r) for every repetition
/// where all of @p rows have a sample.
template <typename F>
std::vector<double>
PerRep(const std::vector<const Row*>& rows, F f)
{
    size_t reps = std::numeric_limits<size_t>::max();
    for (const Row* r : rows)
    {
        reps = std::min(reps, r->samples.size());
    }
    std::vector<double> out;
    for (size_t i = 0; i < reps; ++i)
    {
        bool all = true;
        for (const Row* r : rows)
        {
            all = all && !std::isnan(r->samples[i]);
        }
        if (all)
        {
            out.push_back(f(i));
        }
    }
    return out;
}

/// " (per repetition min..max)".
std::string
Range(const std::vector<double>& v)
{
    if (v.empty())
    {
        return "";
    }
    auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return "; per repetition " + FormatNumber(*lo) + " .. " + FormatNumber(*hi);
}

} // namespace

void
AddModuleWork(Bench& bench, const BenchConfig& cfg)
{
    const std::string param = DatagramParam(cfg.payload, cfg.datagrams);
    const Row* plain = bench.Find("1hop", "plain", param);
    auto valid = [](const Row* r)
    {
        return r != nullptr && r->valid && !r->skipped;
    };
    for (const auto& c : OneHopCases())
    {
        const Row* one = bench.Find("1hop", c.name, param);
        bool null = c.p.enc == "null" && c.p.espAuth.empty();
        const Row* ssl = null ? nullptr : bench.Find("openssl", c.name, param);
        Row row;
        row.section = "module";
        row.spec = {c.name, "per datagram per hop", "us/dgram", "", "", Target::Value(1, "us")};
        row.valid = valid(plain) && valid(one) && (null || valid(ssl));
        row.note = "1hop " + c.name + " - 1hop plain - "
                 + (null ? std::string("0 (no cryptography)") : "openssl " + c.name)
                 + ", paired per repetition";
        if (row.valid)
        {
            std::vector<const Row*> rows = {one, plain};
            if (!null)
            {
                rows.push_back(ssl);
            }
            row.samples = PerRep(rows,
                                 [&](size_t r)
                                 {
                                     return one->samples[r] - plain->samples[r]
                                          - (null ? 0 : ssl->samples[r]);
                                 });
            row.median = Median(row.samples);
            row.note += Range(row.samples);
        }
        bench.AddDerived(row);
    }
    // IPComp with a payload it cannot shrink: its extra cost over plain
    // against ESP's extra cost plus deflate's own.
    const Row* ipcomp = bench.Find("1hop", "ipcomp+esp-incompressible", param);
    const Row* esp = bench.Find("1hop", "esp-rijndael-cbc/hmac-sha1", param);
    const Row* deflate = bench.Find("openssl", "deflate-incompressible", param);
    Row row;
    row.section = "module";
    row.spec = {"ipcomp+esp-incompressible extra",
                "per datagram per hop",
                "us/dgram",
                "",
                "",
                Target::Ratio(1.5)};
    row.valid = valid(plain) && valid(ipcomp) && valid(esp) && valid(deflate);
    row.note = "1hop ipcomp+esp-incompressible - plain; ratio to 1hop esp-rijndael-cbc/hmac-sha1 "
               "- plain + openssl deflate-incompressible, paired per repetition";
    if (row.valid)
    {
        std::vector<const Row*> rows = {ipcomp, plain, esp, deflate};
        row.samples = PerRep(rows,
                             [&](size_t r)
                             {
                                 return ipcomp->samples[r] - plain->samples[r];
                             });
        row.ratios = PerRep(rows,
                            [&](size_t r)
                            {
                                return (ipcomp->samples[r] - plain->samples[r])
                                     / (esp->samples[r] - plain->samples[r] + deflate->samples[r]);
                            });
        row.median = Median(row.samples);
        row.ratio = Median(row.ratios);
    }
    bench.AddDerived(row);
}

} // namespace ipsecbench
} // namespace ns3
