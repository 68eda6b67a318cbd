// SPDX-License-Identifier: GPL-2.0-only
/*
 * Known-answer tests of the algorithm tables and the per-SA crypto
 * contexts (model/ipsec-algorithms.{h,cc}, ipsec-algorithm-keys.cc,
 * ipsec-crypto-openssl.{h,cc}).  Every expected value below is a
 * published test vector typed in from its source (the section is named
 * next to it), never the output of the code under test (the CBC and the
 * RFC 2202/4231 HMAC vectors in test/ipsec-test-vectors.cc, which
 * ipsec-ike-crypto checks too):
 *
 *  - AES-CBC:      RFC 3602 section 4 (cases 1-4), NIST SP 800-38A F.2.1/F.2.3/F.2.5
 *  - AES-CTR:      RFC 3686 section 6 (test vectors 1-9)
 *  - AES-GCM:      McGrew & Viega, "The Galois/Counter Mode of Operation",
 *                  test cases 2, 3, 4, 14 and 16 (as RFC 4106 key||salt, 8-byte IV)
 *  - ChaCha20-Poly1305: RFC 8439 section 2.8.2 (salt 07000000, IV 4041..47)
 *  - DES-CBC:      FIPS 81 appendix C ("Now is the time for all ")
 *  - 3DES:         NIST SP 800-67 rev 1 appendix B.1 (three blocks, each a
 *                  one-block CBC packet with a zero IV, i.e. ECB)
 *  - Blowfish:     Eric Young's / Schneier's vectors: CBC chaining test and
 *                  set_key tests with 40-, 64- and 192-bit keys
 *  - CAST-128:     RFC 2144 appendix B.1 (128-, 80- and 40-bit keys)
 *  - HMAC-MD5/SHA1: RFC 2202 sections 2 and 3 (cases 1-7)
 *  - HMAC-SHA-2:   RFC 4231 section 4 (cases 1-4, 6, 7; case 5 truncated)
 *  - HMAC-RIPEMD160: RFC 2286 section 2 (cases 1-7), when OpenSSL has it
 *  - AES-XCBC-MAC-96: RFC 3566 section 4.6 (test cases 1-7)
 *  - keyed-md5 / keyed-sha1: against MD5/SHA-1 of the byte string KAME's
 *    ah_keyed_*() hash, written out here byte by byte.
 */
#include "ipsec-test-base.h"
#include "ipsec-test-util.h"
#include "ipsec-test-vectors.h"
#include "ns3/ipsec-algorithms.h"
#include "ns3/ipsec-crypto-openssl.h"
#include "ns3/test.h"

#include <algorithm>
#include <cstring>
#include <openssl/evp.h>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

using Bytes = std::vector<uint8_t>;

/// Hex digits to bytes; spaces, colons and newlines are ignored.
Bytes
Hex(const std::string& text)
{
    return ipsectest::HexBytes(text);
}

using ipsectest::Ascii;
using ipsectest::Rep;
using ipsectest::ToHex;

Bytes
Cat(Bytes a, const Bytes& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

Bytes
Head(const Bytes& a, size_t n)
{
    return Bytes(a.begin(), a.begin() + std::min(n, a.size()));
}

Bytes
Tail(const Bytes& a, size_t from)
{
    return Bytes(a.begin() + std::min(from, a.size()), a.end());
}

/// Common checks, shared by the test cases below.
class IpsecCryptoTestCase : public TestCase
{
  public:
    explicit IpsecCryptoTestCase(const std::string& name)
        : TestCase(name)
    {
    }

  protected:
    const IpsecEncAlgorithm* Enc(const std::string& name)
    {
        const IpsecEncAlgorithm* alg = FindEncAlgorithm(name);
        NS_TEST_EXPECT_MSG_EQ((alg != nullptr), true, "no encryption algorithm " << name);
        return alg;
    }

    const IpsecAuthAlgorithm* Auth(const std::string& name)
    {
        const IpsecAuthAlgorithm* alg = FindAuthAlgorithm(name);
        NS_TEST_EXPECT_MSG_EQ((alg != nullptr), true, "no authentication algorithm " << name);
        return alg;
    }

    std::unique_ptr<IpsecCipherContext> Cipher(const std::string& name, const Bytes& key)
    {
        const IpsecEncAlgorithm* alg = Enc(name);
        if (alg == nullptr)
        {
            return nullptr;
        }
        std::string error;
        auto ctx = CreateCipherContext(*alg, key, &error);
        NS_TEST_EXPECT_MSG_EQ((ctx != nullptr), true, name << ": " << error);
        return ctx;
    }

    /**
     * Encrypts @p plain and compares with @p expected (and, for AEAD, the
     * tag with @p tag), then decrypts @p expected back to @p plain with the
     * same context.
     */
    void CheckCipher(const std::string& label,
                     IpsecCipherContext* ctx,
                     const Bytes& iv,
                     const Bytes& plain,
                     const Bytes& expected,
                     const Bytes& aad = {},
                     const Bytes& tag = {})
    {
        NS_TEST_ASSERT_MSG_EQ((ctx != nullptr), true, label << ": no context");
        Bytes data = plain;
        Bytes icv(tag.size(), 0);
        bool ok = ctx->Encrypt(iv.data(),
                               aad.empty() ? nullptr : aad.data(),
                               aad.size(),
                               data.data(),
                               data.size(),
                               icv.empty() ? nullptr : icv.data());
        NS_TEST_EXPECT_MSG_EQ(ok, true, label << ": Encrypt failed");
        NS_TEST_EXPECT_MSG_EQ(ToHex(data), ToHex(expected), label << ": ciphertext");
        if (!tag.empty())
        {
            NS_TEST_EXPECT_MSG_EQ(ToHex(icv), ToHex(tag), label << ": tag");
        }
        data = expected;
        ok = ctx->Decrypt(iv.data(),
                          aad.empty() ? nullptr : aad.data(),
                          aad.size(),
                          data.data(),
                          data.size(),
                          tag.empty() ? nullptr : tag.data());
        NS_TEST_EXPECT_MSG_EQ(ok, true, label << ": Decrypt failed");
        NS_TEST_EXPECT_MSG_EQ(ToHex(data), ToHex(plain), label << ": decrypted text");
    }

    /// A fresh context for @p name and @p key, then CheckCipher().
    void CheckCipher(const std::string& label,
                     const std::string& name,
                     const Bytes& key,
                     const Bytes& iv,
                     const Bytes& plain,
                     const Bytes& expected,
                     const Bytes& aad = {},
                     const Bytes& tag = {})
    {
        auto ctx = Cipher(name, key);
        CheckCipher(label, ctx.get(), iv, plain, expected, aad, tag);
    }

    /// The MAC of @p data through @p ctx (Begin / Update / Finish).
    Bytes Mac(IpsecAuthContext* ctx, const Bytes& data)
    {
        Bytes icv(ctx->IcvLength(), 0);
        ctx->Begin();
        ctx->Update(data.data(), data.size());
        NS_TEST_EXPECT_MSG_EQ(ctx->Finish(icv.data()), true, "the MAC computed");
        return icv;
    }

    /// MAC of @p data under @p key with an ICV of expected.size() bytes.
    void CheckMac(const std::string& label,
                  const std::string& name,
                  const Bytes& key,
                  const Bytes& data,
                  const Bytes& expected)
    {
        const IpsecAuthAlgorithm* alg = Auth(name);
        NS_TEST_ASSERT_MSG_EQ((alg != nullptr), true, label);
        std::string error;
        auto ctx = CreateAuthContext(*alg, key, expected.size(), &error);
        NS_TEST_ASSERT_MSG_EQ((ctx != nullptr), true, label << ": " << error);
        NS_TEST_EXPECT_MSG_EQ(ctx->IcvLength(), expected.size(), label << ": ICV length");
        NS_TEST_EXPECT_MSG_EQ(ToHex(Mac(ctx.get(), data)), ToHex(expected), label);
    }
};

// ---------------------------------------------------------------------------

/// Table rows, lookups and aliases against the SADB values and rules.
class IpsecAlgorithmTableTestCase : public IpsecCryptoTestCase
{
  public:
    IpsecAlgorithmTableTestCase()
        : IpsecCryptoTestCase("algorithm tables, ids and aliases")
    {
    }

  private:
    void DoRun() override
    {
        struct EncExpect
        {
            const char* name;
            uint8_t id;
            uint8_t pad;
            uint8_t iv;
            uint8_t icv;
            bool kame;
        };

        const EncExpect enc[] = {
            {"des-cbc", 2, 8, 8, 0, true},
            {"3des-cbc", 3, 8, 8, 0, true},
            {"cast128-cbc", 6, 8, 8, 0, true},
            {"blowfish-cbc", 7, 8, 8, 0, true},
            {"null", 11, 4, 0, 0, true},
            {"rijndael-cbc", 12, 16, 16, 0, true},
            {"aes-gcm-16", 20, 4, 8, 16, false},
            {"chacha20-poly1305", 28, 4, 8, 16, false},
            {"aes-ctr", 249, 16, 8, 0, true},
        };
        for (const auto& e : enc)
        {
            const IpsecEncAlgorithm* a = Enc(e.name);
            if (a == nullptr)
            {
                continue;
            }
            NS_TEST_EXPECT_MSG_EQ(+a->sadbId, +e.id, e.name << " id");
            NS_TEST_EXPECT_MSG_EQ(+a->PadBoundary(), +e.pad, e.name << " pad boundary");
            NS_TEST_EXPECT_MSG_EQ(+a->ivLen, +e.iv, e.name << " IV length");
            NS_TEST_EXPECT_MSG_EQ(+a->icvLen, +e.icv, e.name << " ICV length");
            NS_TEST_EXPECT_MSG_EQ(a->kameNative, e.kame, e.name << " kameNative");
            NS_TEST_EXPECT_MSG_EQ(FindEncAlgorithmById(e.id), a, e.name << " by id");
        }
        NS_TEST_EXPECT_MSG_EQ(IpsecEncAlgorithms().size(), 9, "encryption rows");
        NS_TEST_EXPECT_MSG_EQ(FindEncAlgorithm("aes-cbc"),
                              FindEncAlgorithm("rijndael-cbc"),
                              "aes-cbc is an alias of rijndael-cbc");
        NS_TEST_EXPECT_MSG_EQ((FindEncAlgorithm("twofish-cbc") == nullptr), true, "unknown name");
        NS_TEST_EXPECT_MSG_EQ((FindEncAlgorithmById(99) == nullptr), true, "unknown id");
        NS_TEST_EXPECT_MSG_EQ(+Enc("aes-ctr")->saltLen, 4, "aes-ctr nonce");
        NS_TEST_EXPECT_MSG_EQ(+Enc("aes-gcm-16")->saltLen, 4, "aes-gcm-16 salt");
        NS_TEST_EXPECT_MSG_EQ(+Enc("chacha20-poly1305")->saltLen, 4, "chacha20 salt");
        NS_TEST_EXPECT_MSG_EQ(Enc("des-cbc")->weakKeyCheck, true, "des weak check");
        NS_TEST_EXPECT_MSG_EQ(Enc("3des-cbc")->weakKeyCheck, true, "3des weak check");
        NS_TEST_EXPECT_MSG_EQ(Enc("blowfish-cbc")->weakKeyCheck, false, "blowfish weak check");

        struct AuthExpect
        {
            const char* name;
            uint8_t id;
            size_t kame;
            size_t rfc;
            bool ah;
        };

        const AuthExpect auth[] = {
            {"hmac-md5", 2, 12, 12, true},
            {"hmac-sha1", 3, 12, 12, true},
            {"hmac-sha2-256", 5, 12, 16, true},
            {"hmac-sha2-384", 6, 12, 24, true},
            {"hmac-sha2-512", 7, 12, 32, true},
            {"aes-xcbc-mac", 9, 12, 12, true},
            {"keyed-md5", 249, 12, 12, true},
            {"keyed-sha1", 250, 12, 12, true},
            {"null", 251, 0, 0, false},
        };
        for (const auto& e : auth)
        {
            const IpsecAuthAlgorithm* a = Auth(e.name);
            if (a == nullptr)
            {
                continue;
            }
            NS_TEST_EXPECT_MSG_EQ(+a->sadbId, +e.id, e.name << " id");
            NS_TEST_EXPECT_MSG_EQ(
                IcvLengthFor(*a, IpsecIcvTruncation::KAME_96), e.kame, e.name << " KAME ICV");
            NS_TEST_EXPECT_MSG_EQ(
                IcvLengthFor(*a, IpsecIcvTruncation::RFC_4868), e.rfc, e.name << " RFC ICV");
            NS_TEST_EXPECT_MSG_EQ(a->availableForAh, e.ah, e.name << " AH");
            NS_TEST_EXPECT_MSG_EQ(FindAuthAlgorithmById(e.id), a, e.name << " by id");
        }
        const IpsecAuthAlgorithm* rmd = FindAuthAlgorithm("hmac-ripemd160");
        if (rmd != nullptr)
        {
            NS_TEST_EXPECT_MSG_EQ(+rmd->sadbId, 8, "hmac-ripemd160 id");
            NS_TEST_EXPECT_MSG_EQ(
                IcvLengthFor(*rmd, IpsecIcvTruncation::RFC_4868), 12, "hmac-ripemd160 ICV");
        }
        NS_TEST_EXPECT_MSG_EQ(FindAuthAlgorithm("hmac-sha256"),
                              FindAuthAlgorithm("hmac-sha2-256"),
                              "hmac-sha256 alias");
        NS_TEST_EXPECT_MSG_EQ(FindAuthAlgorithm("hmac-sha384"),
                              FindAuthAlgorithm("hmac-sha2-384"),
                              "hmac-sha384 alias");
        NS_TEST_EXPECT_MSG_EQ(FindAuthAlgorithm("hmac-sha512"),
                              FindAuthAlgorithm("hmac-sha2-512"),
                              "hmac-sha512 alias");
        NS_TEST_EXPECT_MSG_EQ(
            (FindAuthAlgorithm("hmac-sha2-224") == nullptr), true, "unknown auth");

        NS_TEST_EXPECT_MSG_EQ(IpsecCompAlgorithms().size(), 3, "compression rows");
        const IpsecCompAlgorithm* deflate = FindCompAlgorithm("deflate");
        NS_TEST_ASSERT_MSG_EQ((deflate != nullptr), true, "deflate");
        NS_TEST_EXPECT_MSG_EQ(+deflate->sadbId, 2, "deflate id");
        NS_TEST_EXPECT_MSG_EQ(deflate->supported, true, "deflate supported");
        NS_TEST_EXPECT_MSG_EQ(FindCompAlgorithmById(1)->supported, false, "oui unsupported");
        NS_TEST_EXPECT_MSG_EQ(std::string(FindCompAlgorithmById(3)->name), "lzs", "lzs");
        NS_TEST_EXPECT_MSG_EQ(FindCompAlgorithmById(3)->supported, false, "lzs unsupported");

        // Tables are in SADB id order.
        for (size_t i = 1; i < IpsecEncAlgorithms().size(); ++i)
        {
            NS_TEST_EXPECT_MSG_LT(+IpsecEncAlgorithms()[i - 1].sadbId,
                                  +IpsecEncAlgorithms()[i].sadbId,
                                  "encryption table order");
        }
        for (size_t i = 1; i < IpsecAuthAlgorithms().size(); ++i)
        {
            NS_TEST_EXPECT_MSG_LT(+IpsecAuthAlgorithms()[i - 1].sadbId,
                                  +IpsecAuthAlgorithms()[i].sadbId,
                                  "authentication table order");
        }

        NS_TEST_EXPECT_MSG_EQ(
            DescribeKeyBits(128, 256, {128, 192, 256}), "128, 192 or 256 bits", "exact list");
        NS_TEST_EXPECT_MSG_EQ(DescribeKeyBits(40, 448, {}), "40 to 448 bits", "range");
        NS_TEST_EXPECT_MSG_EQ(DescribeKeyBits(192, 192, {}), "192 bits", "single size");
    }
};

// ---------------------------------------------------------------------------

/// setkey's key checks: lengths, messages and DES weak keys.
class IpsecKeyCheckTestCase : public IpsecCryptoTestCase
{
  public:
    IpsecKeyCheckTestCase()
        : IpsecCryptoTestCase("key length and weak key checks")
    {
    }

  private:
    void DoRun() override
    {
        std::string e = CheckEncKey(*Enc("3des-cbc"), Rep(0x5a, 16));
        NS_TEST_EXPECT_MSG_NE(e.find("3des-cbc"), std::string::npos, e);
        NS_TEST_EXPECT_MSG_NE(e.find("192"), std::string::npos, e);
        NS_TEST_EXPECT_MSG_EQ(e, "3des-cbc needs a 192-bit key, got 128 bits", "3des message");

        e = CheckEncKey(*Enc("rijndael-cbc"), Rep(0x5a, 15));
        NS_TEST_EXPECT_MSG_EQ(
            e, "rijndael-cbc needs a 128, 192 or 256-bit key, got 120 bits", "rijndael message");
        e = CheckEncKey(*Enc("aes-cbc"), Rep(0x5a, 20));
        NS_TEST_EXPECT_MSG_NE(e.find("rijndael-cbc"), std::string::npos, e);

        e = CheckEncKey(*Enc("blowfish-cbc"), Rep(0x5a, 4));
        NS_TEST_EXPECT_MSG_EQ(e, "blowfish-cbc needs a key of 40 to 448 bits, got 32 bits", e);
        e = CheckEncKey(*Enc("blowfish-cbc"), Rep(0x5a, 57));
        NS_TEST_EXPECT_MSG_NE(e, "", "blowfish 456 bits");
        e = CheckEncKey(*Enc("cast128-cbc"), Rep(0x5a, 17));
        NS_TEST_EXPECT_MSG_EQ(e, "cast128-cbc needs a key of 40 to 128 bits, got 136 bits", e);
        e = CheckEncKey(*Enc("aes-ctr"), Rep(0x5a, 16));
        NS_TEST_EXPECT_MSG_EQ(e, "aes-ctr needs a 160, 224 or 288-bit key, got 128 bits", e);
        e = CheckEncKey(*Enc("chacha20-poly1305"), Rep(0x5a, 32));
        NS_TEST_EXPECT_MSG_EQ(e, "chacha20-poly1305 needs a 288-bit key, got 256 bits", e);
        e = CheckEncKey(*Enc("des-cbc"), Rep(0x5a, 7));
        NS_TEST_EXPECT_MSG_EQ(e, "des-cbc needs a 64-bit key, got 56 bits", e);

        // DES weak and semi-weak keys, with or without correct parity.
        const char* weak[] = {
            "0101010101010101",
            "0000000000000000", // 0101.. with the parity bits cleared
            "FEFEFEFEFEFEFEFE",
            "FFFFFFFFFFFFFFFF", // FEFE.. with the parity bits set
            "1F1F1F1F0E0E0E0E",
            "E0E0E0E0F1F1F1F1",
            "01FE01FE01FE01FE",
            "FE01FE01FE01FE01",
            "1FE01FE00EF10EF1",
            "E01FE01FF10EF10E",
            "01E001E001F101F1",
            "E001E001F101F101",
            "1FFE1FFE0EFE0EFE",
            "FE1FFE1FFE0EFE0E",
            "011F011F010E010E",
            "1F011F010E010E01",
            "E0FEE0FEF1FEF1FE",
            "FEE0FEE0FEF1FEF1",
        };
        for (const char* w : weak)
        {
            NS_TEST_EXPECT_MSG_EQ(
                CheckEncKey(*Enc("des-cbc"), Hex(w)), "weak key for des-cbc", "DES key " << w);
        }
        const Bytes tdesKey = Hex("0123456789ABCDEF 23456789ABCDEF01 456789ABCDEF0123");
        NS_TEST_EXPECT_MSG_EQ(CheckEncKey(*Enc("3des-cbc"), tdesKey), "", "SP 800-67 key");
        for (size_t third = 0; third < 3; ++third)
        {
            Bytes k = tdesKey;
            const Bytes w = Hex("E0E0E0E0F1F1F1F1");
            std::copy(w.begin(), w.end(), k.begin() + 8 * third);
            NS_TEST_EXPECT_MSG_EQ(
                CheckEncKey(*Enc("3des-cbc"), k), "weak key for 3des-cbc", "weak third " << third);
        }

        // Every valid size is accepted.
        struct Valid
        {
            const char* name;
            size_t bytes;
        };

        const Valid validEnc[] = {
            {"des-cbc", 8},
            {"3des-cbc", 24},
            {"blowfish-cbc", 5},
            {"blowfish-cbc", 16},
            {"blowfish-cbc", 56},
            {"cast128-cbc", 5},
            {"cast128-cbc", 10},
            {"cast128-cbc", 16},
            {"rijndael-cbc", 16},
            {"rijndael-cbc", 24},
            {"rijndael-cbc", 32},
            {"aes-cbc", 32},
            {"aes-ctr", 20},
            {"aes-ctr", 28},
            {"aes-ctr", 36},
            {"aes-gcm-16", 20},
            {"aes-gcm-16", 28},
            {"aes-gcm-16", 36},
            {"chacha20-poly1305", 36},
            {"null", 0},
            {"null", 256},
        };
        for (const auto& v : validEnc)
        {
            // 0x5a.. is not a DES weak key.
            NS_TEST_EXPECT_MSG_EQ(CheckEncKey(*Enc(v.name), Rep(0x5a, v.bytes)),
                                  "",
                                  v.name << " with " << v.bytes << " bytes");
        }
        const Valid validAuth[] = {
            {"hmac-md5", 16},
            {"hmac-sha1", 20},
            {"hmac-sha2-256", 32},
            {"hmac-sha256", 32},
            {"hmac-sha2-384", 48},
            {"hmac-sha2-512", 64},
            {"aes-xcbc-mac", 16},
            {"keyed-md5", 16},
            {"keyed-sha1", 20},
            {"null", 0},
        };
        for (const auto& v : validAuth)
        {
            NS_TEST_EXPECT_MSG_EQ(CheckAuthKey(*Auth(v.name), Rep(0x5a, v.bytes)),
                                  "",
                                  v.name << " with " << v.bytes << " bytes");
        }
        NS_TEST_EXPECT_MSG_EQ(CheckAuthKey(*Auth("hmac-sha1"), Rep(0x5a, 16)),
                              "hmac-sha1 needs a 160-bit key, got 128 bits",
                              "hmac-sha1 short key");
        NS_TEST_EXPECT_MSG_EQ(CheckAuthKey(*Auth("hmac-sha256"), Rep(0x5a, 20)),
                              "hmac-sha2-256 needs a 256-bit key, got 160 bits",
                              "hmac-sha2-256 short key");
        NS_TEST_EXPECT_MSG_NE(CheckAuthKey(*Auth("null"), Rep(0x5a, 257)), "", "null > 2048");

        // Contexts OpenSSL cannot build are refused with a reason.
        std::string error;
        NS_TEST_EXPECT_MSG_EQ(
            (CreateCipherContext(*Enc("rijndael-cbc"), Rep(1, 15), &error) == nullptr),
            true,
            "AES with a 15-byte key");
        NS_TEST_EXPECT_MSG_NE(error, "", "error text");
        error.clear();
        NS_TEST_EXPECT_MSG_EQ(
            (CreateAuthContext(*Auth("hmac-sha1"), Rep(1, 20), 21, &error) == nullptr),
            true,
            "HMAC-SHA1 with a 21-byte ICV");
        NS_TEST_EXPECT_MSG_NE(error, "", "error text");
        error.clear();
        NS_TEST_EXPECT_MSG_EQ(
            (CreateAuthContext(*Auth("aes-xcbc-mac"), Rep(1, 20), 12, &error) == nullptr),
            true,
            "XCBC with a 160-bit key");
        NS_TEST_EXPECT_MSG_NE(error, "", "error text");
    }
};

// ---------------------------------------------------------------------------

/// CBC ciphers: AES, DES, 3DES, Blowfish, CAST-128.
class IpsecCbcKatTestCase : public IpsecCryptoTestCase
{
  public:
    IpsecCbcKatTestCase()
        : IpsecCryptoTestCase("CBC known answers (AES, DES, 3DES, Blowfish, CAST-128)")
    {
    }

  private:
    void DoRun() override
    {
        // The published vectors (ipsec-test-vectors.cc), by setkey's names.
        for (const auto& v : ipsectest::PublishedCbcVectors())
        {
            CheckCipher(v.label, v.esp, v.key, v.iv, v.plain, v.cipher);
        }

        // CBC needs whole blocks.
        auto aes = Cipher("rijndael-cbc", Hex("06a9214036b8a15b512e03d534120006"));
        auto des = Cipher("des-cbc", Hex("0123456789abcdef"));
        NS_TEST_ASSERT_MSG_EQ((aes && des), true, "contexts");
        Bytes buf(24, 0);
        const Bytes iv = Rep(0, 16);
        NS_TEST_EXPECT_MSG_EQ(aes->Encrypt(iv.data(), nullptr, 0, buf.data(), 15, nullptr),
                              false,
                              "AES-CBC with 15 bytes");
        NS_TEST_EXPECT_MSG_EQ(aes->Decrypt(iv.data(), nullptr, 0, buf.data(), 24, nullptr),
                              false,
                              "AES-CBC with 24 bytes");
        NS_TEST_EXPECT_MSG_EQ(des->Encrypt(iv.data(), nullptr, 0, buf.data(), 12, nullptr),
                              false,
                              "DES-CBC with 12 bytes");
        NS_TEST_EXPECT_MSG_EQ(des->Decrypt(iv.data(), nullptr, 0, buf.data(), 20, nullptr),
                              false,
                              "DES-CBC with 20 bytes");

        // null encryption leaves the data alone.
        auto null = Cipher("null", {});
        NS_TEST_ASSERT_MSG_EQ((null != nullptr), true, "null context");
        Bytes text = Ascii("abc");
        NS_TEST_EXPECT_MSG_EQ(
            null->Encrypt(iv.data(), nullptr, 0, text.data(), 3, nullptr), true, "null encrypt");
        NS_TEST_EXPECT_MSG_EQ(ToHex(text), "616263", "null leaves the data");
    }
};

// ---------------------------------------------------------------------------

/// RFC 3686 AES-CTR, key = AES key || nonce, 8-byte IV.
class IpsecCtrKatTestCase : public IpsecCryptoTestCase
{
  public:
    IpsecCtrKatTestCase()
        : IpsecCryptoTestCase("AES-CTR known answers (RFC 3686)")
    {
    }

  private:
    void DoRun() override
    {
        struct Vector
        {
            const char* label;
            const char* key;
            const char* nonce;
            const char* iv;
            const char* plain;
            const char* cipher;
        };

        const char* p16 = "53 69 6E 67 6C 65 20 62 6C 6F 63 6B 20 6D 73 67";
        const char* p32 = "00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F"
                          "10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F";
        const char* p36 = "00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F"
                          "10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F 20 21 22 23";
        const Vector vectors[] = {
            {"RFC 3686 #1",
             "AE 68 52 F8 12 10 67 CC 4B F7 A5 76 55 77 F3 9E",
             "00 00 00 30",
             "00 00 00 00 00 00 00 00",
             p16,
             "E4 09 5D 4F B7 A7 B3 79 2D 61 75 A3 26 13 11 B8"},
            {"RFC 3686 #2",
             "7E 24 06 78 17 FA E0 D7 43 D6 CE 1F 32 53 91 63",
             "00 6C B6 DB",
             "C0 54 3B 59 DA 48 D9 0B",
             p32,
             "51 04 A1 06 16 8A 72 D9 79 0D 41 EE 8E DA D3 88"
             "EB 2E 1E FC 46 DA 57 C8 FC E6 30 DF 91 41 BE 28"},
            {"RFC 3686 #3",
             "76 91 BE 03 5E 50 20 A8 AC 6E 61 85 29 F9 A0 DC",
             "00 E0 01 7B",
             "27 77 7F 3F 4A 17 86 F0",
             p36,
             "C1 CF 48 A8 9F 2F FD D9 CF 46 52 E9 EF DB 72 D7"
             "45 40 A4 2B DE 6D 78 36 D5 9A 5C EA AE F3 10 53 25 B2 07 2F"},
            {"RFC 3686 #4",
             "16 AF 5B 14 5F C9 F5 79 C1 75 F9 3E 3B FB 0E ED 86 3D 06 CC FD B7 85 15",
             "00 00 00 48",
             "36 73 3C 14 7D 6D 93 CB",
             p16,
             "4B 55 38 4F E2 59 C9 C8 4E 79 35 A0 03 CB E9 28"},
            {"RFC 3686 #5",
             "7C 5C B2 40 1B 3D C3 3C 19 E7 34 08 19 E0 F6 9C 67 8C 3D B8 E6 F6 A9 1A",
             "00 96 B0 3B",
             "02 0C 6E AD C2 CB 50 0D",
             p32,
             "45 32 43 FC 60 9B 23 32 7E DF AA FA 71 31 CD 9F"
             "84 90 70 1C 5A D4 A7 9C FC 1F E0 FF 42 F4 FB 00"},
            {"RFC 3686 #6",
             "02 BF 39 1E E8 EC B1 59 B9 59 61 7B 09 65 27 9B F5 9B 60 A7 86 D3 E0 FE",
             "00 07 BD FD",
             "5C BD 60 27 8D CC 09 12",
             p36,
             "96 89 3F C5 5E 5C 72 2F 54 0B 7D D1 DD F7 E7 58"
             "D2 88 BC 95 C6 91 65 88 45 36 C8 11 66 2F 21 88 AB EE 09 35"},
            {"RFC 3686 #7",
             "77 6B EF F2 85 1D B0 6F 4C 8A 05 42 C8 69 6F 6C"
             "6A 81 AF 1E EC 96 B4 D3 7F C1 D6 89 E6 C1 C1 04",
             "00 00 00 60",
             "DB 56 72 C9 7A A8 F0 B2",
             p16,
             "14 5A D0 1D BF 82 4E C7 56 08 63 DC 71 E3 E0 C0"},
            {"RFC 3686 #8",
             "F6 D6 6D 6B D5 2D 59 BB 07 96 36 58 79 EF F8 86"
             "C6 6D D5 1A 5B 6A 99 74 4B 50 59 0C 87 A2 38 84",
             "00 FA AC 24",
             "C1 58 5E F1 5A 43 D8 75",
             p32,
             "F0 5E 23 1B 38 94 61 2C 49 EE 00 0B 80 4E B2 A9"
             "B8 30 6B 50 8F 83 9D 6A 55 30 83 1D 93 44 AF 1C"},
            {"RFC 3686 #9",
             "FF 7A 61 7C E6 91 48 E4 F1 72 6E 2F 43 58 1D E2"
             "AA 62 D9 F8 05 53 2E DF F1 EE D6 87 FB 54 15 3D",
             "00 1C C5 B7",
             "51 A5 1D 70 A1 C1 11 48",
             p36,
             "EB 6C 52 82 1D 0B BB F7 CE 75 94 46 2A CA 4F AA"
             "B4 07 DF 86 65 69 FD 07 F4 8C C0 B5 83 D6 07 1F 1E C0 E6 B8"},
        };
        for (const auto& v : vectors)
        {
            const Bytes key = Cat(Hex(v.key), Hex(v.nonce));
            NS_TEST_EXPECT_MSG_EQ(CheckEncKey(*Enc("aes-ctr"), key), "", v.label << " key");
            CheckCipher(v.label, "aes-ctr", key, Hex(v.iv), Hex(v.plain), Hex(v.cipher));
        }
    }
};

// ---------------------------------------------------------------------------

/// AES-GCM (RFC 4106 layout) and ChaCha20-Poly1305 (RFC 7634 layout).
class IpsecAeadKatTestCase : public IpsecCryptoTestCase
{
  public:
    IpsecAeadKatTestCase()
        : IpsecCryptoTestCase("AEAD known answers (AES-GCM, ChaCha20-Poly1305)")
    {
    }

  private:
    /// A GCM spec vector with a 96-bit IV, split into RFC 4106's key || salt
    /// (first 4 IV bytes) and the 8-byte explicit IV.
    void Gcm(const std::string& label,
             const Bytes& k,
             const Bytes& iv96,
             const Bytes& p,
             const Bytes& a,
             const Bytes& c,
             const Bytes& t)
    {
        const Bytes key = Cat(k, Head(iv96, 4));
        NS_TEST_EXPECT_MSG_EQ(CheckEncKey(*Enc("aes-gcm-16"), key), "", label << " key");
        auto ctx = Cipher("aes-gcm-16", key);
        CheckCipher(label, ctx.get(), Tail(iv96, 4), p, c, a, t);
        CheckTamper(label, ctx.get(), Tail(iv96, 4), c, a, t);
    }

    /// Decrypt must fail when the tag, the AAD or the ciphertext is altered.
    void CheckTamper(const std::string& label,
                     IpsecCipherContext* ctx,
                     const Bytes& iv,
                     const Bytes& c,
                     const Bytes& a,
                     const Bytes& t)
    {
        NS_TEST_ASSERT_MSG_EQ((ctx != nullptr), true, label);
        Bytes badTag = t;
        badTag[5] ^= 0x01;
        Bytes data = c;
        NS_TEST_EXPECT_MSG_EQ(
            ctx->Decrypt(iv.data(), a.data(), a.size(), data.data(), data.size(), badTag.data()),
            false,
            label << ": a tampered tag must fail");
        Bytes badAad = a.empty() ? Bytes{0x00} : a;
        badAad.back() ^= 0x80;
        data = c;
        NS_TEST_EXPECT_MSG_EQ(
            ctx->Decrypt(
                iv.data(), badAad.data(), badAad.size(), data.data(), data.size(), t.data()),
            false,
            label << ": altered AAD must fail");
        if (!c.empty())
        {
            data = c;
            data[0] ^= 0x01;
            NS_TEST_EXPECT_MSG_EQ(
                ctx->Decrypt(iv.data(), a.data(), a.size(), data.data(), data.size(), t.data()),
                false,
                label << ": altered ciphertext must fail");
        }
        // ... and the context still verifies the genuine packet afterwards.
        data = c;
        NS_TEST_EXPECT_MSG_EQ(
            ctx->Decrypt(iv.data(), a.data(), a.size(), data.data(), data.size(), t.data()),
            true,
            label << ": genuine packet after tampered ones");
    }

    void DoRun() override
    {
        const Bytes k3 = Hex("feffe9928665731c6d6a8f9467308308");
        const Bytes iv3 = Hex("cafebabefacedbaddecaf888");
        const Bytes p3 = Hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                             "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
        const Bytes c3 = Hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                             "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985");
        const Bytes a4 = Hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");

        Gcm("GCM test case 2",
            Rep(0, 16),
            Rep(0, 12),
            Rep(0, 16),
            {},
            Hex("0388dace60b6a392f328c2b971b2fe78"),
            Hex("ab6e47d42cec13bdf53a67b21257bddf"));
        Gcm("GCM test case 3", k3, iv3, p3, {}, c3, Hex("4d5c2af327cd64a62cf35abd2ba6fab4"));
        Gcm("GCM test case 4",
            k3,
            iv3,
            Head(p3, 60),
            a4,
            Head(c3, 60),
            Hex("5bc94fbc3221a5db94fae95ae7121a47"));
        Gcm("GCM test case 14 (AES-256)",
            Rep(0, 32),
            Rep(0, 12),
            Rep(0, 16),
            {},
            Hex("cea7403d4d606b6e074ec5d3baf39d18"),
            Hex("d0d1c8a799996bf0265b98b5d48ab919"));
        Gcm("GCM test case 16 (AES-256)",
            Cat(k3, k3),
            iv3,
            Head(p3, 60),
            a4,
            Hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"),
            Hex("76fc6ece0f4e1768cddf8853bb2d551b"));

        // RFC 8439 section 2.8.2: key 80..9f, nonce = 07000000 || 4041424344454647,
        // which is RFC 7634's salt || IV.
        const Bytes key = Cat(Hex("808182838485868788898a8b8c8d8e8f"
                                  "909192939495969798999a9b9c9d9e9f"),
                              Hex("07 00 00 00"));
        const Bytes iv = Hex("40 41 42 43 44 45 46 47");
        const Bytes aad = Hex("50 51 52 53 c0 c1 c2 c3 c4 c5 c6 c7");
        const Bytes plain
            = Ascii("Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
                    "for the future, sunscreen would be it.");
        const Bytes cipher = Hex("d3 1a 8d 34 64 8e 60 db 7b 86 af bc 53 ef 7e c2"
                                 "a4 ad ed 51 29 6e 08 fe a9 e2 b5 a7 36 ee 62 d6"
                                 "3d be a4 5e 8c a9 67 12 82 fa fb 69 da 92 72 8b"
                                 "1a 71 de 0a 9e 06 0b 29 05 d6 a5 b6 7e cd 3b 36"
                                 "92 dd bd 7f 2d 77 8b 8c 98 03 ae e3 28 09 1b 58"
                                 "fa b3 24 e4 fa d6 75 94 55 85 80 8b 48 31 d7 bc"
                                 "3f f4 de f0 8e 4b 7a 9d e5 76 d2 65 86 ce c6 4b"
                                 "61 16");
        const Bytes tag = Hex("1a:e1:0b:59:4f:09:e2:6a:7e:90:2e:cb:d0:60:06:91");
        NS_TEST_EXPECT_MSG_EQ(plain.size(), 114, "RFC 8439 plaintext length");
        NS_TEST_EXPECT_MSG_EQ(CheckEncKey(*Enc("chacha20-poly1305"), key), "", "chacha key");
        auto chacha = Cipher("chacha20-poly1305", key);
        CheckCipher("RFC 8439 2.8.2", chacha.get(), iv, plain, cipher, aad, tag);
        CheckTamper("RFC 8439 2.8.2", chacha.get(), iv, cipher, aad, tag);
    }
};

// ---------------------------------------------------------------------------

/// One context per SA, many packets: per-packet state must be reset.
class IpsecContextReuseTestCase : public IpsecCryptoTestCase
{
  public:
    IpsecContextReuseTestCase()
        : IpsecCryptoTestCase("contexts reused across packets")
    {
    }

  private:
    void DoRun() override
    {
        // SP 800-38A F.2.1 CBC-AES128: with IV(n) = C(n-1) each block is its
        // own packet, so one context encrypts three packets with three IVs.
        const char* p[] = {"6bc1bee22e409f96e93d7e117393172a",
                           "ae2d8a571e03ac9c9eb76fac45af8e51",
                           "30c81c46a35ce411e5fbc1191a0a52ef"};
        const char* c[] = {"7649abac8119b246cee98e9b12e9197d",
                           "5086cb9b507219ee95db113a917678b2",
                           "73bed6b8e3c1743b7116e69e22229516"};
        auto aes = Cipher("rijndael-cbc", Hex("2b7e151628aed2a6abf7158809cf4f3c"));
        Bytes iv = Hex("000102030405060708090a0b0c0d0e0f");
        for (int i = 0; i < 3; ++i)
        {
            CheckCipher("SP 800-38A F.2.1 packet " + std::to_string(i + 1),
                        aes.get(),
                        iv,
                        Hex(p[i]),
                        Hex(c[i]));
            iv = Hex(c[i]);
        }
        // Back to the first IV: nothing carried over from the last packet.
        CheckCipher("SP 800-38A F.2.1 packet 1 again",
                    aes.get(),
                    Hex("000102030405060708090a0b0c0d0e0f"),
                    Hex(p[0]),
                    Hex(c[0]));

        // FIPS 81 DES-CBC, one 8-byte packet at a time.
        auto des = Cipher("des-cbc", Hex("0123456789abcdef"));
        const char* dp[] = {"Now is t", "he time ", "for all "};
        const char* dc[] = {"e5c7cdde872bf27c", "43e934008c389c0f", "683788499a7c05f6"};
        iv = Hex("1234567890abcdef");
        for (int i = 0; i < 3; ++i)
        {
            CheckCipher(
                "FIPS 81 packet " + std::to_string(i + 1), des.get(), iv, Ascii(dp[i]), Hex(dc[i]));
            iv = Hex(dc[i]);
        }

        // AES-CTR with a partial last block, twice on one context: a left-over
        // key stream byte would shift the second packet.
        auto ctr
            = Cipher("aes-ctr", Hex("76 91 BE 03 5E 50 20 A8 AC 6E 61 85 29 F9 A0 DC 00 E0 01 7B"));
        for (int round = 0; round < 2; ++round)
        {
            CheckCipher("RFC 3686 #3 round " + std::to_string(round + 1),
                        ctr.get(),
                        Hex("27 77 7F 3F 4A 17 86 F0"),
                        Hex("00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F"
                            "10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F 20 21 22 23"),
                        Hex("C1 CF 48 A8 9F 2F FD D9 CF 46 52 E9 EF DB 72 D7"
                            "45 40 A4 2B DE 6D 78 36 D5 9A 5C EA AE F3 10 53 25 B2 07 2F"));
        }

        // GCM test cases 3 and 4 share key and IV: one context, two packets
        // of different lengths and AAD.
        auto gcm = Cipher("aes-gcm-16", Hex("feffe9928665731c6d6a8f9467308308 cafebabe"));
        const Bytes gp = Hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                             "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
        const Bytes gc = Hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                             "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985");
        for (int round = 0; round < 2; ++round)
        {
            CheckCipher("GCM case 3 on a shared context",
                        gcm.get(),
                        Hex("facedbaddecaf888"),
                        gp,
                        gc,
                        {},
                        Hex("4d5c2af327cd64a62cf35abd2ba6fab4"));
            CheckCipher("GCM case 4 on a shared context",
                        gcm.get(),
                        Hex("facedbaddecaf888"),
                        Head(gp, 60),
                        Head(gc, 60),
                        Hex("feedfacedeadbeeffeedfacedeadbeefabaddad2"),
                        Hex("5bc94fbc3221a5db94fae95ae7121a47"));
        }

        // HMAC: Begin() discards whatever the previous packet left.
        std::string error;
        auto hmac = CreateAuthContext(*Auth("hmac-sha2-256"), Rep(0x0b, 20), 32, &error);
        NS_TEST_ASSERT_MSG_EQ((hmac != nullptr), true, error);
        const Bytes expect
            = Hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        for (int round = 0; round < 3; ++round)
        {
            NS_TEST_EXPECT_MSG_EQ(ToHex(Mac(hmac.get(), Ascii("Hi There"))),
                                  ToHex(expect),
                                  "RFC 4231 case 1, round " << round + 1);
        }
        hmac->Begin();
        const Bytes junk = Rep(0x77, 100);
        hmac->Update(junk.data(), junk.size()); // abandoned packet
        NS_TEST_EXPECT_MSG_EQ(ToHex(Mac(hmac.get(), Ascii("Hi There"))),
                              ToHex(expect),
                              "RFC 4231 case 1 after an abandoned packet");
    }
};

// ---------------------------------------------------------------------------

/// HMAC-MD5, HMAC-SHA1 (RFC 2202), HMAC-SHA-2 (RFC 4231), HMAC-RIPEMD160 (RFC 2286).
class IpsecHmacKatTestCase : public IpsecCryptoTestCase
{
  public:
    IpsecHmacKatTestCase()
        : IpsecCryptoTestCase("HMAC known answers (RFC 2202, 4231, 2286)")
    {
    }

  private:
    /// Full digest and the 96-bit (KAME) truncation of every case.
    void CheckFullAndTruncated(const std::string& rfc,
                               const std::string& alg,
                               const std::vector<ipsectest::MacCase>& cases,
                               const std::vector<const char*>& digests)
    {
        for (size_t i = 0; i < cases.size(); ++i)
        {
            const std::string label = rfc + " " + alg + " case " + std::to_string(i + 1);
            const Bytes full = Hex(digests[i]);
            CheckMac(label + " (full)", alg, cases[i].key, cases[i].data, full);
            CheckMac(label + " (96 bits)", alg, cases[i].key, cases[i].data, Head(full, 12));
        }
    }

    void DoRun() override
    {
        // RFC 2202 section 2: HMAC-MD5.
        CheckFullAndTruncated(
            "RFC 2202", "hmac-md5", ipsectest::Rfc2202Cases(16), ipsectest::Rfc2202Md5());
        // RFC 2202 case 5 publishes the 96-bit truncation itself.
        CheckMac("RFC 2202 hmac-md5 case 5 digest-96",
                 "hmac-md5",
                 Rep(0x0c, 16),
                 Ascii("Test With Truncation"),
                 Hex("56461ef2342edc00f9bab995"));

        // RFC 2202 section 3: HMAC-SHA-1.
        CheckFullAndTruncated(
            "RFC 2202", "hmac-sha1", ipsectest::Rfc2202Cases(20), ipsectest::Rfc2202Sha1());
        CheckMac("RFC 2202 hmac-sha1 case 5 digest-96",
                 "hmac-sha1",
                 Rep(0x0c, 20),
                 Ascii("Test With Truncation"),
                 Hex("4c1a03424b55e07fe7f27be1"));

        // RFC 2286 section 2: HMAC-RIPEMD160 (only if OpenSSL offers it).
        if (FindAuthAlgorithm("hmac-ripemd160") != nullptr)
        {
            CheckFullAndTruncated("RFC 2286",
                                  "hmac-ripemd160",
                                  ipsectest::Rfc2202Cases(20),
                                  {"24cb4bd67d20fc1a5d2ed7732dcc39377f0a5668",
                                   "dda6c0213a485a9e24f4742064a7f033b43c4069",
                                   "b0b105360de759960ab4f35298e116e295d8e7c1",
                                   "d5ca862f4d21d5e610e18b4cf1beb97a4365ecf4",
                                   "7619693978f91d90539ae786500ff3d8e0518e39",
                                   "6466ca07ac5eac29e1bd523e5ada7605b791fd8b",
                                   "69ea60798d71616cce5fd0871e23754cd75d5a0a"});
            CheckMac("RFC 2286 case 5 digest-96",
                     "hmac-ripemd160",
                     Rep(0x0c, 20),
                     Ascii("Test With Truncation"),
                     Hex("7619693978f91d90539ae786"));
        }

        // RFC 4231 section 4: HMAC-SHA-256/384/512, test cases 1-4, 6, 7.
        const std::vector<ipsectest::MacCase> cases4231 = ipsectest::Rfc4231Cases();
        const std::vector<int>& caseNumbers = ipsectest::Rfc4231Numbers();
        const struct
        {
            const char* alg;
            const std::vector<const char*>* digests;
            size_t rfcIcv;
        } sha2[] = {
            {"hmac-sha2-256", &ipsectest::Rfc4231Sha256(), 16},
            {"hmac-sha2-384", &ipsectest::Rfc4231Sha384(), 24},
            {"hmac-sha2-512", &ipsectest::Rfc4231Sha512(), 32},
        };
        for (const auto& s : sha2)
        {
            for (size_t i = 0; i < cases4231.size(); ++i)
            {
                const std::string label
                    = std::string("RFC 4231 ") + s.alg + " case " + std::to_string(caseNumbers[i]);
                const Bytes full = Hex((*s.digests)[i]);
                CheckMac(label + " (full)", s.alg, cases4231[i].key, cases4231[i].data, full);
                CheckMac(label + " (RFC 4868 ICV)",
                         s.alg,
                         cases4231[i].key,
                         cases4231[i].data,
                         Head(full, s.rfcIcv));
                CheckMac(label + " (KAME 96 bits)",
                         s.alg,
                         cases4231[i].key,
                         cases4231[i].data,
                         Head(full, 12));
            }
        }
        // RFC 4231 test case 5: output truncated to 128 bits.
        const struct
        {
            const char* alg;
            const char* mac;
        } case5[] = {
            {"hmac-sha2-256", "a3b6167473100ee06e0c796c2955552b"},
            {"hmac-sha2-384", "3abf34c3503b2a23a46efc619baef897"},
            {"hmac-sha2-512", "415fad6271580a531d4179bc891d87a6"},
        };
        for (const auto& c5 : case5)
        {
            CheckMac(std::string("RFC 4231 ") + c5.alg + " case 5",
                     c5.alg,
                     Rep(0x0c, 20),
                     Ascii("Test With Truncation"),
                     Hex(c5.mac));
        }
    }
};

// ---------------------------------------------------------------------------

/// RFC 3566 section 4.6, AES-XCBC-MAC-96 test cases 1-7.
class IpsecXcbcKatTestCase : public IpsecCryptoTestCase
{
  public:
    IpsecXcbcKatTestCase()
        : IpsecCryptoTestCase("AES-XCBC-MAC-96 known answers (RFC 3566)")
    {
    }

  private:
    void DoRun() override
    {
        const Bytes key = Hex("000102030405060708090a0b0c0d0e0f");
        Bytes m34;
        for (int i = 0; i < 34; ++i)
        {
            m34.push_back(static_cast<uint8_t>(i));
        }
        const struct
        {
            const char* label;
            Bytes message;
            const char* mac;
        } cases[] = {
            {"RFC 3566 case 1 (0 bytes)", {}, "75f0251d528ac01c4573dfd584d79f29"},
            {"RFC 3566 case 2 (3 bytes)", Head(m34, 3), "5b376580ae2f19afe7219ceef172756f"},
            {"RFC 3566 case 3 (16 bytes)", Head(m34, 16), "d2a246fa349b68a79998a4394ff7a263"},
            {"RFC 3566 case 4 (20 bytes)", Head(m34, 20), "47f51b4564966215b8985c63055ed308"},
            {"RFC 3566 case 5 (32 bytes)", Head(m34, 32), "f54f0ec8d2b9f3d36807734bd5283fd4"},
            {"RFC 3566 case 6 (34 bytes)", m34, "becbb3bccdb518a30677d5481fb6b4d8"},
            {"RFC 3566 case 7 (1000 bytes)", Rep(0, 1000), "f0dafee895db30253761103b5d84528f"},
        };

        std::string error;
        auto mac96 = CreateAuthContext(*Auth("aes-xcbc-mac"), key, 12, &error);
        auto mac128 = CreateAuthContext(*Auth("aes-xcbc-mac"), key, 16, &error);
        NS_TEST_ASSERT_MSG_EQ((mac96 && mac128), true, error);
        for (const auto& c : cases)
        {
            const Bytes full = Hex(c.mac);
            // One Update per packet, on contexts shared by all cases.
            NS_TEST_EXPECT_MSG_EQ(ToHex(Mac(mac96.get(), c.message)),
                                  ToHex(Head(full, 12)),
                                  c.label << ": AES-XCBC-MAC-96");
            NS_TEST_EXPECT_MSG_EQ(
                ToHex(Mac(mac128.get(), c.message)), ToHex(full), c.label << ": AES-XCBC-MAC");
            // The same message fed in pieces of 1, 5 and 16 bytes.
            for (size_t piece : {1, 5, 16})
            {
                Bytes icv(12, 0);
                mac96->Begin();
                for (size_t off = 0; off < c.message.size(); off += piece)
                {
                    mac96->Update(c.message.data() + off, std::min(piece, c.message.size() - off));
                }
                mac96->Update(nullptr, 0);
                NS_TEST_ASSERT_MSG_EQ(mac96->Finish(icv.data()), true, "the MAC computed");
                NS_TEST_EXPECT_MSG_EQ(ToHex(icv),
                                      ToHex(Head(full, 12)),
                                      c.label << " in " << piece << "-byte pieces");
            }
        }
    }
};

// ---------------------------------------------------------------------------

/// KAME keyed-md5 / keyed-sha1 against MD5 / SHA-1 of the explicit string
/// key || 0x80 || zeros || 64-bit little-endian key bit length || data || key.
class IpsecKeyedHashTestCase : public IpsecCryptoTestCase
{
  public:
    IpsecKeyedHashTestCase()
        : IpsecCryptoTestCase("KAME keyed-md5 and keyed-sha1")
    {
    }

  private:
    static Bytes Digest(const char* md, const Bytes& input)
    {
        Bytes out(EVP_MAX_MD_SIZE, 0);
        unsigned int outl = 0;
        EVP_Digest(
            input.data(), input.size(), out.data(), &outl, EVP_get_digestbyname(md), nullptr);
        out.resize(outl);
        return out;
    }

    void DoRun() override
    {
        const std::vector<Bytes> messages = {
            {},
            Ascii("what do ya want for nothing?"),
            Rep(0xcd, 200),
        };

        // keyed-md5, 16-byte key: 16 + 1 + 39 zero bytes = 56, then the
        // length 128 bits = 0x80 as 8 little-endian bytes.
        const Bytes md5Key = Hex("00112233445566778899aabbccddeeff");
        const Bytes md5Prefix
            = Cat(Cat(Cat(md5Key, {0x80}), Rep(0, 39)), Hex("80 00 00 00 00 00 00 00"));
        NS_TEST_EXPECT_MSG_EQ(md5Prefix.size(), 64, "keyed-md5 prefix is one MD5 block");

        // keyed-sha1, 20-byte key: 20 + 1 + 35 = 56, then 160 bits = 0xa0,
        // little-endian as KAME writes it (not SHA-1's own big-endian).
        const Bytes sha1Key = Hex("0123456789abcdeffedcba987654321000112233");
        const Bytes sha1Prefix
            = Cat(Cat(Cat(sha1Key, {0x80}), Rep(0, 35)), Hex("a0 00 00 00 00 00 00 00"));
        NS_TEST_EXPECT_MSG_EQ(sha1Prefix.size(), 64, "keyed-sha1 prefix is one SHA-1 block");

        const struct
        {
            const char* alg;
            const char* md;
            const Bytes* key;
            const Bytes* prefix;
            size_t icvs[2];
        } algs[] = {
            {"keyed-md5", "MD5", &md5Key, &md5Prefix, {12, 16}},
            {"keyed-sha1", "SHA1", &sha1Key, &sha1Prefix, {12, 20}},
        };
        for (const auto& a : algs)
        {
            NS_TEST_EXPECT_MSG_EQ(CheckAuthKey(*Auth(a.alg), *a.key), "", a.alg);
            for (size_t icvLen : a.icvs)
            {
                std::string error;
                auto ctx = CreateAuthContext(*Auth(a.alg), *a.key, icvLen, &error);
                NS_TEST_ASSERT_MSG_EQ((ctx != nullptr), true, a.alg << ": " << error);
                for (const auto& m : messages)
                {
                    const Bytes expect = Digest(a.md, Cat(Cat(*a.prefix, m), *a.key));
                    NS_TEST_EXPECT_MSG_EQ(ToHex(Mac(ctx.get(), m)),
                                          ToHex(Head(expect, icvLen)),
                                          a.alg << " over " << m.size() << " bytes, ICV "
                                                << icvLen);
                }
            }
        }

        // null authentication: no ICV at all.
        std::string error;
        auto null = CreateAuthContext(*Auth("null"), {}, 0, &error);
        NS_TEST_ASSERT_MSG_EQ((null != nullptr), true, error);
        NS_TEST_EXPECT_MSG_EQ(null->IcvLength(), 0, "null ICV length");
        NS_TEST_EXPECT_MSG_EQ((CreateAuthContext(*Auth("null"), {}, 12, &error) == nullptr),
                              true,
                              "null with a 12-byte ICV");
    }
};

} // namespace

/// The suite: known-answer tests of the algorithm tables and their OpenSSL contexts.
class IpsecCryptoKatTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecCryptoKatTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-crypto-kat", UNIT)
    {
        AddTestCase(new IpsecAlgorithmTableTestCase, TestCase::QUICK);
        AddTestCase(new IpsecKeyCheckTestCase, TestCase::QUICK);
        AddTestCase(new IpsecCbcKatTestCase, TestCase::QUICK);
        AddTestCase(new IpsecCtrKatTestCase, TestCase::QUICK);
        AddTestCase(new IpsecAeadKatTestCase, TestCase::QUICK);
        AddTestCase(new IpsecContextReuseTestCase, TestCase::QUICK);
        AddTestCase(new IpsecHmacKatTestCase, TestCase::QUICK);
        AddTestCase(new IpsecXcbcKatTestCase, TestCase::QUICK);
        AddTestCase(new IpsecKeyedHashTestCase, TestCase::QUICK);
    }
};

/// Static instance registering the suite.
static IpsecCryptoKatTestSuite g_ipsecCryptoKatTestSuite;
