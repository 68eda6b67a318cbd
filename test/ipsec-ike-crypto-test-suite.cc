// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipsec-ike-crypto: IKEv1's cryptography (model/ike-crypto.{h,cc}).
 *
 * Expected values come from outside the code under test:
 *
 *  - the MODP primes: typed in below from RFC 2409 section 6 and RFC 3526
 *    sections 2-7 (in the RFCs' layout), also compared with OpenSSL's own
 *    copies (BN_get_rfc2409_prime_*, BN_get_rfc3526_prime_*) and checked
 *    to be prime (BN_check_prime up to 2048 bits; the larger ones take 20 s
 *    together, so QUICK runs a Fermat test to base 3 on them and EXTENSIVE
 *    runs BN_check_prime);
 *  - DH: g^1 = 2 and g^2 = 4; other exponents against BN_mod_exp here and
 *    against test/ike/ike-kat.py;
 *  - hashes: RFC 1321 A.5 and FIPS 180-2 appendices ("abc");
 *  - PRF: RFC 2202 sections 2 and 3, RFC 4231 section 4;
 *  - RFC 2409 derivations (SKEYID*, the encryption key and its appendix B
 *    expansion, the IVs, HASH_I/R, HASH(1)-(3), the informational HASH,
 *    KEYMAT with and without PFS): known answers printed by
 *    test/ike/ike-kat.py, a second implementation in Python (hashlib,
 *    hmac, pow) written from the RFC alone.  Regenerate with
 *        /usr/bin/python3 test/ike/ike-kat.py
 *    and paste its output over the "known answers" block below; the
 *    ipsec-ike-kat CTest (ike-kat.py --check) keeps the two in step;
 *  - CBC: RFC 3602 section 4 and NIST SP 800-38A F.2.1-F.2.6 (AES), FIPS 81
 *    appendix C (DES), NIST SP 800-67 rev 1 B.1 (3DES), Eric Young's
 *    Blowfish vectors, RFC 2144 B.1 (CAST-128), the same vectors as
 *    ipsec-crypto-kat (test/ipsec-test-vectors.cc), and round trips for
 *    every key length.
 */
#include "ipsec-test-base.h"
#include "ipsec-test-util.h"
#include "ipsec-test-vectors.h"
#include "ns3/abort.h"
#include "ns3/ike-crypto.h"
#include "ns3/test.h"

#include <memory>
#include <openssl/bn.h>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

using Bytes = IkeBytes;

/// Hex digits to bytes; blanks and newlines are ignored.
Bytes
Hex(const std::string& text)
{
    return ipsectest::HexBytes(text);
}

using ipsectest::Ascii;
using ipsectest::Rep;
using ipsectest::ToHex;

/// n bytes (i * mul + add) mod 256, as ike-kat.py's pattern().
Bytes
Pattern(size_t n, unsigned mul, unsigned add)
{
    Bytes b(n);
    for (size_t i = 0; i < n; ++i)
    {
        b[i] = static_cast<uint8_t>((i * mul + add) & 0xff);
    }
    return b;
}

const IkeDhGroup&
Group(const std::string& name)
{
    const IkeDhGroup* g = IkeDhGroup::ByName(name);
    NS_ABORT_MSG_IF(g == nullptr, "no group " << name);
    return *g;
}

const IkeHashAlg&
Hash(const std::string& name)
{
    const IkeHashAlg* h = IkeHashAlg::ByName(name);
    NS_ABORT_MSG_IF(h == nullptr, "no hash " << name);
    return *h;
}

const IkeCipherAlg&
Cipher(const std::string& name)
{
    const IkeCipherAlg* c = IkeCipherAlg::ByName(name);
    NS_ABORT_MSG_IF(c == nullptr, "no cipher " << name);
    return *c;
}

struct BnDeleter
{
    void operator()(BIGNUM* b) const
    {
        BN_free(b);
    }
};

using Bn = std::unique_ptr<BIGNUM, BnDeleter>;

Bn
BnFromBytes(const Bytes& b)
{
    return Bn(BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr));
}

Bytes
BnToBytes(const BIGNUM* v, size_t len)
{
    Bytes out(len);
    BN_bn2binpad(v, out.data(), static_cast<int>(len));
    return out;
}

// ---------------------------------------------------------------------------
// Known answers printed by test/ike/ike-kat.py (do not edit by hand).
// ---------------------------------------------------------------------------

// modp1024, full-length exponents from RAND_I / RAND_R
const char* const kGxi = "3371db652d1482c4a206eff70de51be392827d276e6a4724da4ea53602698591"
                         "aecbf8eaac591cd4369a0084275cef4bf217e93d231e17ca3036c5a3694f50d4"
                         "350ba62f4a002302fdf55f68280caf77b078f57f79f7dbdcdb9b0108dec1e437"
                         "fd596d477fec816453f8b4cf129a80a40e4a64200e90b2820f3070b9395fc997";
const char* const kGxr = "91df64aca0a20469168cd0cd9d8616f44e25a87792d5456c2c901a2ae9147255"
                         "bad35847790d6774e28d3d5786dee0357af374da540da29ac4c0e168abc6e5fe"
                         "942ead71f95deb89b38db30b21841385b3233f385dc9570b4002ba420d33255a"
                         "8d538e914f8cfab10be80f847d62a7608cfaa19c165dbf2827f7e0e382113d88";
const char* const kGxy = "1cb2503e758e1a4b8c8ecf69498da408184cd1109ff94e81c99fab29ec9172ef"
                         "26bf6221777e0d4467a0e30f9708fcbda15550673e5df850602a510afdb726cb"
                         "2e6110ad6eb845b0fcc1c682cfe693e7955b69c47700a6167f645c79f7f993dc"
                         "f60c52444afdd191db93ae51f380fff68463367b4bfa5ba0ea38674d2a8f15e3";
// modp768 (PFS), full-length exponents from PFS_RAND_I / PFS_RAND_R
const char* const kGxyQm = "fbc58c7e685b0671f228f0f13e95a8d6ea119181ad342782b51c880bef6ed888"
                           "18c60d5dbdf1d228886f7dcdd57471c9a4000b7ce74483b067c39b2e56df73e7"
                           "a45f7ec7ab742d32f6605f9fcd2343bad3c31aa7bdb93872f7ea12e926044d79";
// modp768: sha256("pad 771") x 3 gives a public value with a leading zero
const char* const kPadRandom = "40419107f0852eb999fcf924b1914c5f19b4a9d719030d709724f00281f46f2f"
                               "40419107f0852eb999fcf924b1914c5f19b4a9d719030d709724f00281f46f2f"
                               "40419107f0852eb999fcf924b1914c5f19b4a9d719030d709724f00281f46f2f";
const char* const kPadPublic = "00e0d326de412a7de9cbf16f9a3857ca4c63eb8f0c5ccbc864244aa9286240ea"
                               "7efbeaeb2f0497d914c0f811d8e87604c46e9afa24a78eff468149ffec1d0773"
                               "e86c79341ec1ca7241d4963aff52c9d02d25ba024d914b66c005e2510fc088ca";
// modp768: sha256("shared 42") x 3 against PFS_RAND_R: g^xy with a leading zero
const char* const kSharedPadRandom
    = "a42979a396db5167886b56e33965c6729b3f075372bf8f065789dc949814b5ec"
      "a42979a396db5167886b56e33965c6729b3f075372bf8f065789dc949814b5ec"
      "a42979a396db5167886b56e33965c6729b3f075372bf8f065789dc949814b5ec";
const char* const kSharedPad = "0073db48272635b057e17230f3e9ad01fc90989be8bcf18cca7e4f597b6101ae"
                               "6f9061d28ec745ef86a87a9e3d637b461dfc539513c199e99bdf6964e3196a0d"
                               "1f4c7da03d4c6263b6af091402fc133a3a1c785dadad50bb95681a3a73b56793";
// Sha1Des3: sha1, a 24-byte key, 8-byte blocks
const char* const kSha1Des3Skeyid = "92268a546db4db9005b041940e820359021f3756";
const char* const kSha1Des3SkeyidD = "ac023b6bf0e18169367846d74303a5f8189ed7f3";
const char* const kSha1Des3SkeyidA = "0580312198dbd771d55e3fed27ac485b862bcd72";
const char* const kSha1Des3SkeyidE = "60aff73331b2a573e6557c19ca8f91d78845f37d";
const char* const kSha1Des3EncKey = "926a726dc27f9afc841758d5261ab2516fb0cd172f336daf";
const char* const kSha1Des3Iv = "488f553ed3f353b1";
const char* const kSha1Des3HashI = "0be24e059ad957360f55efccf3d3b93e20412cb8";
const char* const kSha1Des3HashR = "3756a3ff9263607872fa7409ce0fff027b461621";
const char* const kSha1Des3Phase2Iv = "59ee54a707c9cd85";
const char* const kSha1Des3Hash1 = "8b1e901419d3348d2c1ceb7c6bf4b055e71d75dc";
const char* const kSha1Des3Hash2 = "930f7062959189708a7ea75b3bb1c3869abe1a0c";
const char* const kSha1Des3Hash3 = "363eac06817f23bd6cc0d18b952f133a3eeff19f";
const char* const kSha1Des3InfoHash = "60665a6a1907cc46ad52867dbc6521becad726c4";
const char* const kSha1Des3Keymat
    = "0870cff92d394646cf19f2fb9fd7eee52ed62fac54d7a6a87f62a0fbcdeb73ef"
      "9508092f5b313e68890629b8";
const char* const kSha1Des3KeymatPfs
    = "75675f356bae59e1054a084084eb6cda2d7f7bc42d6de665bdca61f87c082a24"
      "b49c11015a157f3e4aec6547";
// Md5Aes256: md5, a 32-byte key, 16-byte blocks
const char* const kMd5Aes256Skeyid = "17f83fa7234d0b501fc1193b8a308b2b";
const char* const kMd5Aes256SkeyidD = "bc0f5226884285217dd16e8795439826";
const char* const kMd5Aes256SkeyidA = "32d6e708053c90ad0a37fda336156e57";
const char* const kMd5Aes256SkeyidE = "f2b3aa2361a4301d0b778de91a14f1af";
const char* const kMd5Aes256EncKey
    = "89490d30a5849bb63276bf4c1ba3660fbb469d8fe8433fb9a5bc94d2d89a5386";
const char* const kMd5Aes256Iv = "110300d20b29f238dae9edb34bf585c7";
// Sha256Bf448: sha256, a 56-byte key, 8-byte blocks
const char* const kSha256Bf448Skeyid
    = "97e902eb4f9faaceafe251a999a7c79c37fad251b9e9765af6b6b6d320e4e027";
const char* const kSha256Bf448SkeyidD
    = "ea086ee699bceafcb8c26935ffcdc23d25abebcc103d941983faf31553e3e855";
const char* const kSha256Bf448SkeyidA
    = "02ab08d8c32169f2a5c83de4f48a1ebc1fd23e318ba360ae3783df32602bb696";
const char* const kSha256Bf448SkeyidE
    = "e4ef04e458a0d7bb9fc1b14895ba65985c0d8ad3fbc8c909230b03833ab35bb6";
const char* const kSha256Bf448EncKey
    = "47c6818981f9528bdd3a7b2e84b45c6174a147867803b2bd12cfbb6d76381eec"
      "17fe1c23c2aa754d496961dc34355c867f0c418356aff4ca";
const char* const kSha256Bf448Iv = "14703fa69c493f72";
// Sha384Aes192: sha384, a 24-byte key, 16-byte blocks
const char* const kSha384Aes192Skeyid
    = "68dd7f61dc9f290a2e9f614da3d83b9bbe264cc5cb5e80db9a2504c0150ceeb6"
      "d471f9de9780f319c5d1f3730f9f0ba3";
const char* const kSha384Aes192SkeyidD
    = "1b1d9d4226fd1363b036529936459357b2b79e17012d4af10c143e018818722b"
      "6fe087e6285ceb0b1b4259a70fa866a4";
const char* const kSha384Aes192SkeyidA
    = "3ac5ccbd2610cf0537b9c84357ffe7c64df0c1ee37a149dac01229e4da250a75"
      "3d76185225e1b16d9294aeb346d8e37e";
const char* const kSha384Aes192SkeyidE
    = "41cf70ab36f1859213a46d1f8f1bfc54e374bbb40992ab3fa19a50d17c497dcf"
      "57e99e9f6fb72b436e2d5dcf7dca4316";
const char* const kSha384Aes192EncKey = "41cf70ab36f1859213a46d1f8f1bfc54e374bbb40992ab3f";
const char* const kSha384Aes192Iv = "0f0e4a2974f6a8ade4507f1e49bf6776";
// Sha512Aes128: sha512, a 16-byte key, 16-byte blocks
const char* const kSha512Aes128Skeyid
    = "d5f6c80178ad49b2ef3808d673777de2b9285439edd242aa33448a731901bffe"
      "dd0aa6d8da807eca8d3533dd8aee8843f55911ee41a3fbcefb4008a7447d7822";
const char* const kSha512Aes128SkeyidD
    = "cb7d012e144a00541d94f0ac007c6869aa0dc907f3d56874037813b9539144ce"
      "e40ce556ac8b2730c7636a1958c152022c7c437441b311b7dd54d1c54a9af6e6";
const char* const kSha512Aes128SkeyidA
    = "9aeeb64112442b06038cfdfe3098cff9b54e5e7f2bb604d552ff46fe067e34c5"
      "7865de5be94783137c96ebdea41f4f07ecf09871e493c4487c0748676f461943";
const char* const kSha512Aes128SkeyidE
    = "adf6190d668defd5d6b30dc2065c8e1dd4af4de4b572c8868bec37d202f69a5f"
      "35788fdafca62f95be7b1bdbffd009943fe4132e8385279733f1cff7546b2bb2";
const char* const kSha512Aes128EncKey = "adf6190d668defd5d6b30dc2065c8e1d";
const char* const kSha512Aes128Iv = "af2273dab474eda6b04ca77580d16dfb";

// The inputs ike-kat.py used.
const Bytes kPsk = Ascii("spamspamspam");
const Bytes kNiB = Pattern(16, 7, 1);
const Bytes kNrB = Pattern(20, 11, 3);
const Bytes kCkyI = Hex("0102030405060708");
const Bytes kCkyR = Hex("a1a2a3a4a5a6a7a8");
const Bytes kRandI = Pattern(128, 37, 11);
const Bytes kRandR = Pattern(128, 53, 29);
const Bytes kSaiB = Hex("00000001 00000001 00000028 01010001 00000020 01010000"
                        " 80010005 80020002 80030001 80040002 800b0001 800c7080");
const Bytes kIdiiB = Hex("011101f4c0000201");
const Bytes kIdirB = Hex("011101f4c0000202");
const Bytes kLastBlock = Hex("0f1e2d3c4b5a6978");
const uint32_t kMid = 0x4A3B2C1D;
const Bytes kQmRest1 = Hex("0a000010deadbeef05000014" + std::string(32, '1'));
const Bytes kQmRest2 = Hex("0a000010cafebabe05000018" + std::string(40, '2'));
const Bytes kQmNiB = Pattern(16, 3, 0x40);
const Bytes kQmNrB = Pattern(24, 5, 0x80);
const uint32_t kInfoMid = 0xDEADBEEF;
const Bytes kInfoRest = Hex("0000000c000000010100000e");
const Bytes kSpi = Hex("0badcafe");
const Bytes kPfsRandI = Pattern(96, 17, 5);
const Bytes kPfsRandR = Pattern(96, 29, 7);

// ---------------------------------------------------------------------------

/// Names, ids and key-length rules as racoon spells and checks them.
class IkeTablesTestCase : public TestCase
{
  public:
    IkeTablesTestCase()
        : TestCase("group, hash and cipher tables (racoon's names, Oakley ids)")
    {
    }

  private:
    void DoRun() override
    {
        const struct
        {
            const char* name;
            uint16_t id;
            uint32_t bits;
        } groups[] = {
            {"modp768", 1, 768},
            {"modp1024", 2, 1024},
            {"modp1536", 5, 1536},
            {"modp2048", 14, 2048},
            {"modp3072", 15, 3072},
            {"modp4096", 16, 4096},
            {"modp6144", 17, 6144},
            {"modp8192", 18, 8192},
        };
        NS_TEST_EXPECT_MSG_EQ(IkeDhGroup::All().size(), 8, "eight MODP groups");
        for (const auto& g : groups)
        {
            const IkeDhGroup* byName = IkeDhGroup::ByName(g.name);
            const IkeDhGroup* byId = IkeDhGroup::ById(g.id);
            const IkeDhGroup* byNumber = IkeDhGroup::ByName(std::to_string(g.id));
            NS_TEST_ASSERT_MSG_NE(byName, nullptr, g.name);
            NS_TEST_EXPECT_MSG_EQ(byName, byId, g.name << " by id");
            NS_TEST_EXPECT_MSG_EQ(byName, byNumber, g.name << " by number");
            NS_TEST_EXPECT_MSG_EQ(byName->id, g.id, g.name);
            NS_TEST_EXPECT_MSG_EQ(byName->bits, g.bits, g.name);
            NS_TEST_EXPECT_MSG_EQ(byName->Bytes(), g.bits / 8, g.name);
            NS_TEST_EXPECT_MSG_EQ(byName->generator, 2, g.name);
        }
        // Groups 3 and 4 are EC2N (racoon has no code for them), 19+ ECP.
        for (const char* bad : {"3", "4", "19", "0", "modp512", "ec2n155", "", "0x2", "+2", "-2"})
        {
            NS_TEST_EXPECT_MSG_EQ(IkeDhGroup::ByName(bad), nullptr, "no group '" << bad << "'");
        }

        const struct
        {
            const char* name;
            const char* alias;
            uint16_t id;
            uint32_t length;
        } hashes[] = {
            {"md5", "md5", 1, 16},
            {"sha1", "sha1", 2, 20},
            {"sha256", "sha2_256", 4, 32},
            {"sha384", "sha2_384", 5, 48},
            {"sha512", "sha2_512", 6, 64},
        };
        NS_TEST_EXPECT_MSG_EQ(IkeHashAlg::All().size(), 5, "five hashes");
        for (const auto& h : hashes)
        {
            const IkeHashAlg* byName = IkeHashAlg::ByName(h.name);
            NS_TEST_ASSERT_MSG_NE(byName, nullptr, h.name);
            NS_TEST_EXPECT_MSG_EQ(IkeHashAlg::ByName(h.alias), byName, h.alias);
            NS_TEST_EXPECT_MSG_EQ(IkeHashAlg::ById(h.id), byName, h.name << " by id");
            NS_TEST_EXPECT_MSG_EQ(IkeHashAlg::ByName(std::to_string(h.id)), byName, h.name);
            NS_TEST_EXPECT_MSG_EQ(byName->length, h.length, h.name);
        }
        for (const char* bad : {"3", "tiger", "sha2", "hmac_sha1", "SHA1"})
        {
            NS_TEST_EXPECT_MSG_EQ(IkeHashAlg::ByName(bad), nullptr, "no hash '" << bad << "'");
        }

        const struct
        {
            const char* name;
            uint16_t id;
            uint32_t block;
            uint32_t defaultBits;
            bool variable;
            uint32_t withoutAttribute;
        } ciphers[] = {
            {"des", 1, 8, 64, false, 64},
            {"blowfish", 3, 8, 128, true, 448},
            {"3des", 5, 8, 192, false, 192},
            {"cast128", 6, 8, 128, true, 128},
            {"aes", 7, 16, 128, true, 128},
        };
        NS_TEST_EXPECT_MSG_EQ(IkeCipherAlg::All().size(), 5, "five ciphers");
        for (const auto& c : ciphers)
        {
            const IkeCipherAlg* byName = IkeCipherAlg::ByName(c.name);
            NS_TEST_ASSERT_MSG_NE(byName, nullptr, c.name);
            NS_TEST_EXPECT_MSG_EQ(IkeCipherAlg::ById(c.id), byName, c.name << " by id");
            NS_TEST_EXPECT_MSG_EQ(IkeCipherAlg::ByName(std::to_string(c.id)), byName, c.name);
            NS_TEST_EXPECT_MSG_EQ(byName->blockSize, c.block, c.name);
            NS_TEST_EXPECT_MSG_EQ(byName->defaultKeyBits, c.defaultBits, c.name);
            NS_TEST_EXPECT_MSG_EQ(byName->variableKeyLength, c.variable, c.name);
            NS_TEST_EXPECT_MSG_EQ(byName->keyBitsWithoutAttribute, c.withoutAttribute, c.name);
            NS_TEST_EXPECT_MSG_EQ(byName->IsValidKeyBits(c.defaultBits), true, c.name);
        }
        NS_TEST_EXPECT_MSG_EQ(IkeCipherAlg::ByName("rijndael"), &Cipher("aes"), "rijndael");
        for (const char* bad : {"2", "4", "8", "idea", "rc5", "cast", "camellia", "null_enc"})
        {
            NS_TEST_EXPECT_MSG_EQ(IkeCipherAlg::ByName(bad), nullptr, "no cipher '" << bad << "'");
        }

        // Key lengths (racoon's check_keylen and eay_*_keylen).
        const IkeCipherAlg& aes = Cipher("aes");
        const IkeCipherAlg& bf = Cipher("blowfish");
        const IkeCipherAlg& cast = Cipher("cast128");
        for (uint32_t bits : {128, 192, 256})
        {
            NS_TEST_EXPECT_MSG_EQ(aes.IsValidKeyBits(bits), true, "aes " << bits);
        }
        for (uint32_t bits : {0, 64, 120, 136, 160, 224, 320, 512})
        {
            NS_TEST_EXPECT_MSG_EQ(aes.IsValidKeyBits(bits), false, "aes " << bits);
        }
        NS_TEST_EXPECT_MSG_EQ(bf.IsValidKeyBits(40), true, "blowfish 40");
        NS_TEST_EXPECT_MSG_EQ(bf.IsValidKeyBits(448), true, "blowfish 448");
        NS_TEST_EXPECT_MSG_EQ(bf.IsValidKeyBits(456), false, "blowfish 456");
        NS_TEST_EXPECT_MSG_EQ(bf.IsValidKeyBits(32), false, "blowfish 32");
        NS_TEST_EXPECT_MSG_EQ(bf.IsValidKeyBits(44), false, "blowfish 44 (not whole bytes)");
        NS_TEST_EXPECT_MSG_EQ(cast.IsValidKeyBits(40), true, "cast128 40");
        NS_TEST_EXPECT_MSG_EQ(cast.IsValidKeyBits(136), false, "cast128 136");
        NS_TEST_EXPECT_MSG_EQ(Cipher("des").IsValidKeyBits(64), true, "des 64");
        NS_TEST_EXPECT_MSG_EQ(Cipher("des").IsValidKeyBits(56), false, "des 56");
        NS_TEST_EXPECT_MSG_EQ(Cipher("3des").IsValidKeyBits(192), true, "3des 192");
        NS_TEST_EXPECT_MSG_EQ(Cipher("3des").IsValidKeyBits(128), false, "3des 128 (two-key)");
    }
};

// ---------------------------------------------------------------------------

/// The primes against the RFCs' text and OpenSSL's copies; primality.
class IkePrimesTestCase : public TestCase
{
  public:
    explicit IkePrimesTestCase(bool full)
        : TestCase(full ? "MODP primes: BN_check_prime on 3072 to 8192 bits"
                        : "MODP primes: RFC 2409 and RFC 3526 text, OpenSSL's copies, primality")
        , m_full(full)
    {
    }

  private:
    void DoRun() override
    {
        BN_CTX* ctx = BN_CTX_new();
        NS_TEST_ASSERT_MSG_NE(ctx, nullptr, "BN_CTX");
        for (const auto& r : Rfc())
        {
            const IkeDhGroup& g = *IkeDhGroup::ById(r.id);
            Bn p = BnFromBytes(g.Prime());
            NS_TEST_ASSERT_MSG_NE(p.get(), nullptr, "the prime of group " << r.id);
            if (m_full)
            {
                if (g.bits > 2048)
                {
                    NS_TEST_EXPECT_MSG_EQ(
                        BN_check_prime(p.get(), ctx, nullptr), 1, "BN_check_prime, group " << r.id);
                }
                continue;
            }
            NS_TEST_EXPECT_MSG_EQ(ToHex(BnToBytes(p.get(), g.Bytes())),
                                  ToHex(Hex(r.hex)),
                                  "group " << r.id << " against " << r.source);
            NS_TEST_EXPECT_MSG_EQ(BN_num_bits(p.get()), static_cast<int>(g.bits), r.id);
            Bn openssl(r.openssl(nullptr));
            NS_TEST_EXPECT_MSG_EQ(
                BN_cmp(p.get(), openssl.get()), 0, "group " << r.id << " against OpenSSL's copy");
            NS_TEST_EXPECT_MSG_EQ(g.generator, 2, "generator of group " << r.id);
            if (g.bits <= 2048)
            {
                NS_TEST_EXPECT_MSG_EQ(
                    BN_check_prime(p.get(), ctx, nullptr), 1, "BN_check_prime, group " << r.id);
            }
            else
            {
                // Fermat to base 3: 3^(p-1) = 1 mod p.
                Bn pm1(BN_dup(p.get()));
                Bn three(BN_new());
                Bn result(BN_new());
                BN_sub_word(pm1.get(), 1);
                BN_set_word(three.get(), 3);
                BN_mod_exp(result.get(), three.get(), pm1.get(), p.get(), ctx);
                NS_TEST_EXPECT_MSG_EQ(BN_is_one(result.get()), 1, "Fermat, group " << r.id);
            }
        }
        BN_CTX_free(ctx);
    }

    struct RfcPrime
    {
        uint16_t id;
        const char* source;
        BIGNUM* (*openssl)(BIGNUM*);
        const char* hex;
    };

    /// Typed in from the RFCs (their layout kept).
    static std::vector<RfcPrime> Rfc()
    {
        return {
            {1,
             "RFC 2409 section 6.1",
             BN_get_rfc2409_prime_768,
             "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
             "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
             "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
             "E485B576 625E7EC6 F44C42E9 A63A3620 FFFFFFFF FFFFFFFF"},
            {2,
             "RFC 2409 section 6.2",
             BN_get_rfc2409_prime_1024,
             "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
             "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
             "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
             "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
             "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE65381"
             "FFFFFFFF FFFFFFFF"},
            {5,
             "RFC 3526 section 2",
             BN_get_rfc3526_prime_1536,
             "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
             "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
             "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
             "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
             "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
             "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
             "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
             "670C354E 4ABC9804 F1746C08 CA237327 FFFFFFFF FFFFFFFF"},
            {14,
             "RFC 3526 section 3",
             BN_get_rfc3526_prime_2048,
             "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
             "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
             "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
             "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
             "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
             "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
             "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
             "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
             "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
             "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
             "15728E5A 8AACAA68 FFFFFFFF FFFFFFFF"},
            {15,
             "RFC 3526 section 4",
             BN_get_rfc3526_prime_3072,
             "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
             "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
             "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
             "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
             "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
             "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
             "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
             "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
             "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
             "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
             "15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64"
             "ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7"
             "ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B"
             "F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
             "BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31"
             "43DB5BFC E0FD108E 4B82D120 A93AD2CA FFFFFFFF FFFFFFFF"},
            {16,
             "RFC 3526 section 5",
             BN_get_rfc3526_prime_4096,
             "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
             "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
             "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
             "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
             "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
             "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
             "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
             "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
             "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
             "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
             "15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64"
             "ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7"
             "ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B"
             "F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
             "BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31"
             "43DB5BFC E0FD108E 4B82D120 A9210801 1A723C12 A787E6D7"
             "88719A10 BDBA5B26 99C32718 6AF4E23C 1A946834 B6150BDA"
             "2583E9CA 2AD44CE8 DBBBC2DB 04DE8EF9 2E8EFC14 1FBECAA6"
             "287C5947 4E6BC05D 99B2964F A090C3A2 233BA186 515BE7ED"
             "1F612970 CEE2D7AF B81BDD76 2170481C D0069127 D5B05AA9"
             "93B4EA98 8D8FDDC1 86FFB7DC 90A6C08F 4DF435C9 34063199"
             "FFFFFFFF FFFFFFFF"},
            {17,
             "RFC 3526 section 6",
             BN_get_rfc3526_prime_6144,
             "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08"
             "8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD EF9519B3 CD3A431B"
             "302B0A6D F25F1437 4FE1356D 6D51C245 E485B576 625E7EC6 F44C42E9"
             "A637ED6B 0BFF5CB6 F406B7ED EE386BFB 5A899FA5 AE9F2411 7C4B1FE6"
             "49286651 ECE45B3D C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8"
             "FD24CF5F 83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
             "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B E39E772C"
             "180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9 DE2BCBF6 95581718"
             "3995497C EA956AE5 15D22618 98FA0510 15728E5A 8AAAC42D AD33170D"
             "04507A33 A85521AB DF1CBA64 ECFB8504 58DBEF0A 8AEA7157 5D060C7D"
             "B3970F85 A6E1E4C7 ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226"
             "1AD2EE6B F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
             "BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31 43DB5BFC"
             "E0FD108E 4B82D120 A9210801 1A723C12 A787E6D7 88719A10 BDBA5B26"
             "99C32718 6AF4E23C 1A946834 B6150BDA 2583E9CA 2AD44CE8 DBBBC2DB"
             "04DE8EF9 2E8EFC14 1FBECAA6 287C5947 4E6BC05D 99B2964F A090C3A2"
             "233BA186 515BE7ED 1F612970 CEE2D7AF B81BDD76 2170481C D0069127"
             "D5B05AA9 93B4EA98 8D8FDDC1 86FFB7DC 90A6C08F 4DF435C9 34028492"
             "36C3FAB4 D27C7026 C1D4DCB2 602646DE C9751E76 3DBA37BD F8FF9406"
             "AD9E530E E5DB382F 413001AE B06A53ED 9027D831 179727B0 865A8918"
             "DA3EDBEB CF9B14ED 44CE6CBA CED4BB1B DB7F1447 E6CC254B 33205151"
             "2BD7AF42 6FB8F401 378CD2BF 5983CA01 C64B92EC F032EA15 D1721D03"
             "F482D7CE 6E74FEF6 D55E702F 46980C82 B5A84031 900B1C9E 59E7C97F"
             "BEC7E8F3 23A97A7E 36CC88BE 0F1D45B7 FF585AC5 4BD407B2 2B4154AA"
             "CC8F6D7E BF48E1D8 14CC5ED2 0F8037E0 A79715EE F29BE328 06A1D58B"
             "B7C5DA76 F550AA3D 8A1FBFF0 EB19CCB1 A313D55C DA56C9EC 2EF29632"
             "387FE8D7 6E3C0468 043E8F66 3F4860EE 12BF2D5B 0B7474D6 E694F91E"
             "6DCC4024 FFFFFFFF FFFFFFFF"},
            {18,
             "RFC 3526 section 7",
             BN_get_rfc3526_prime_8192,
             "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
             "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
             "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
             "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
             "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
             "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
             "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
             "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
             "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
             "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
             "15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64"
             "ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7"
             "ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B"
             "F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
             "BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31"
             "43DB5BFC E0FD108E 4B82D120 A9210801 1A723C12 A787E6D7"
             "88719A10 BDBA5B26 99C32718 6AF4E23C 1A946834 B6150BDA"
             "2583E9CA 2AD44CE8 DBBBC2DB 04DE8EF9 2E8EFC14 1FBECAA6"
             "287C5947 4E6BC05D 99B2964F A090C3A2 233BA186 515BE7ED"
             "1F612970 CEE2D7AF B81BDD76 2170481C D0069127 D5B05AA9"
             "93B4EA98 8D8FDDC1 86FFB7DC 90A6C08F 4DF435C9 34028492"
             "36C3FAB4 D27C7026 C1D4DCB2 602646DE C9751E76 3DBA37BD"
             "F8FF9406 AD9E530E E5DB382F 413001AE B06A53ED 9027D831"
             "179727B0 865A8918 DA3EDBEB CF9B14ED 44CE6CBA CED4BB1B"
             "DB7F1447 E6CC254B 33205151 2BD7AF42 6FB8F401 378CD2BF"
             "5983CA01 C64B92EC F032EA15 D1721D03 F482D7CE 6E74FEF6"
             "D55E702F 46980C82 B5A84031 900B1C9E 59E7C97F BEC7E8F3"
             "23A97A7E 36CC88BE 0F1D45B7 FF585AC5 4BD407B2 2B4154AA"
             "CC8F6D7E BF48E1D8 14CC5ED2 0F8037E0 A79715EE F29BE328"
             "06A1D58B B7C5DA76 F550AA3D 8A1FBFF0 EB19CCB1 A313D55C"
             "DA56C9EC 2EF29632 387FE8D7 6E3C0468 043E8F66 3F4860EE"
             "12BF2D5B 0B7474D6 E694F91E 6DBE1159 74A3926F 12FEE5E4"
             "38777CB6 A932DF8C D8BEC4D0 73B931BA 3BC832B6 8D9DD300"
             "741FA7BF 8AFC47ED 2576F693 6BA42466 3AAB639C 5AE4F568"
             "3423B474 2BF1C978 238F16CB E39D652D E3FDB8BE FC848AD9"
             "22222E04 A4037C07 13EB57A8 1A23F0C7 3473FC64 6CEA306B"
             "4BCBC886 2F8385DD FA9D4B7F A2C087E8 79683303 ED5BDD3A"
             "062B3CF5 B3A278A6 6D2A13F8 3F44F82D DF310EE0 74AB6A36"
             "4597E899 A0255DC1 64F31CC5 0846851D F9AB4819 5DED7EA1"
             "B1D510BD 7EE74D73 FAF36BC3 1ECFA268 359046F4 EB879F92"
             "4009438B 481C6CD7 889A002E D5EE382B C9190DA6 FC026E47"
             "9558E447 5677E9AA 9E3050E2 765694DF C81F56E8 80B96E71"
             "60C980DD 98EDD3DF FFFFFFFF FFFFFFFF"},
        };
    }

    bool m_full;
};

// ---------------------------------------------------------------------------

/// Diffie-Hellman: exponents, public values, agreement, padding, validation.
class IkeDhTestCase : public TestCase
{
  public:
    IkeDhTestCase()
        : TestCase("Diffie-Hellman: g^1, g^2, exponent length, agreement, padding, peer checks")
    {
    }

  private:
    void DoRun() override
    {
        const IkeDhGroup& g1 = Group("modp768");
        const IkeDhGroup& g2 = Group("modp1024");

        // x = 1 (one bit, set) and x = 2 (two bits: "00" with the top bit set).
        IkeDh one(g1, {0x00}, 1);
        IkeDh two(g1, {0x00}, 2);
        NS_TEST_EXPECT_MSG_EQ(one.GetExponentBits(), 1, "x = 1");
        Bytes expect2 = Rep(0, 96);
        expect2.back() = 2;
        Bytes expect4 = Rep(0, 96);
        expect4.back() = 4;
        NS_TEST_EXPECT_MSG_EQ(
            ToHex(one.GetPublic()), ToHex(expect2), "g^1 = 2, padded to 96 bytes");
        NS_TEST_EXPECT_MSG_EQ(ToHex(two.GetPublic()), ToHex(expect4), "g^2 = 4, padded");
        Bytes s12;
        Bytes s21;
        NS_TEST_EXPECT_MSG_EQ(one.ComputeShared(two.GetPublic(), &s12), true, "4^1");
        NS_TEST_EXPECT_MSG_EQ(two.ComputeShared(one.GetPublic(), &s21), true, "2^2");
        NS_TEST_EXPECT_MSG_EQ(ToHex(s12), ToHex(expect4), "4^1 = 4");
        NS_TEST_EXPECT_MSG_EQ(ToHex(s21), ToHex(expect4), "2^2 = 4");
        // The first 3 bits of 0x5f are 010; with the top bit set x = 6: g^x = 0x40.
        IkeDh six(g1, {0x5f, 0xff}, 3);
        Bytes expect64 = Rep(0, 96);
        expect64.back() = 0x40;
        NS_TEST_EXPECT_MSG_EQ(ToHex(six.GetPublic()), ToHex(expect64), "first bits, top bit set");

        // A 256-bit exponent: exactly those bits of the random bytes (BN_mod_exp here).
        {
            const Bytes random = Pattern(40, 13, 200);
            IkeDh dh(g2, random, 256);
            NS_TEST_EXPECT_MSG_EQ(dh.GetExponentBits(), 256, "256-bit exponent");
            Bn x = BnFromBytes(Bytes(random.begin(), random.begin() + 32));
            BN_set_bit(x.get(), 255);
            Bn p = BnFromBytes(g2.Prime());
            Bn gen(BN_new());
            BN_set_word(gen.get(), 2);
            Bn y(BN_new());
            BN_CTX* ctx = BN_CTX_new();
            BN_mod_exp(y.get(), gen.get(), x.get(), p.get(), ctx);
            BN_CTX_free(ctx);
            NS_TEST_EXPECT_MSG_EQ(ToHex(dh.GetPublic()), ToHex(BnToBytes(y.get(), 128)), "2^x");
        }
        // Default: the modulus length less one (racoon with OpenSSL 0.9).
        for (const auto& g : IkeDhGroup::All())
        {
            const Bytes ri = Pattern(g.Bytes(), 37, 11);
            const Bytes rr = Pattern(g.Bytes(), 53, 29);
            IkeDh a(g, ri);
            IkeDh b(g, rr);
            NS_TEST_EXPECT_MSG_EQ(a.GetExponentBits(), g.bits - 1, g.name);
            NS_TEST_EXPECT_MSG_EQ(&a.GetGroup(), &g, g.name);
            NS_TEST_EXPECT_MSG_EQ(a.GetPublic().size(), g.Bytes(), g.name);
            Bytes sa;
            Bytes sb;
            NS_TEST_EXPECT_MSG_EQ(a.ComputeShared(b.GetPublic(), &sa), true, g.name);
            NS_TEST_EXPECT_MSG_EQ(b.ComputeShared(a.GetPublic(), &sb), true, g.name);
            NS_TEST_EXPECT_MSG_EQ(sa.size(), g.Bytes(), g.name);
            NS_TEST_EXPECT_MSG_EQ(ToHex(sa), ToHex(sb), g.name << ": both sides agree");
            // Short exponents agree too (and differ from the full-length ones).
            IkeDh c(g, ri, 320);
            IkeDh d(g, rr, 320);
            Bytes sc;
            Bytes sd;
            NS_TEST_EXPECT_MSG_EQ(c.ComputeShared(d.GetPublic(), &sc), true, g.name);
            NS_TEST_EXPECT_MSG_EQ(d.ComputeShared(c.GetPublic(), &sd), true, g.name);
            NS_TEST_EXPECT_MSG_EQ(ToHex(sc), ToHex(sd), g.name << ": 320-bit exponents agree");
            NS_TEST_EXPECT_MSG_NE(ToHex(sc), ToHex(sa), g.name);
        }

        // Known answers (ike-kat.py): modp1024 with full-length exponents.
        IkeDh di(g2, kRandI);
        IkeDh dr(g2, kRandR);
        NS_TEST_EXPECT_MSG_EQ(ToHex(di.GetPublic()), ToHex(Hex(kGxi)), "g^xi");
        NS_TEST_EXPECT_MSG_EQ(ToHex(dr.GetPublic()), ToHex(Hex(kGxr)), "g^xr");
        Bytes gxy;
        NS_TEST_EXPECT_MSG_EQ(di.ComputeShared(dr.GetPublic(), &gxy), true, "g^xy");
        NS_TEST_EXPECT_MSG_EQ(ToHex(gxy), ToHex(Hex(kGxy)), "g^xy");
        IkeDh pi(g1, kPfsRandI);
        IkeDh pr(g1, kPfsRandR);
        Bytes gxyQm;
        NS_TEST_EXPECT_MSG_EQ(pr.ComputeShared(pi.GetPublic(), &gxyQm), true, "g(qm)^xy");
        NS_TEST_EXPECT_MSG_EQ(ToHex(gxyQm), ToHex(Hex(kGxyQm)), "g(qm)^xy");

        // Padding of values with a leading zero byte.
        IkeDh pad(g1, Hex(kPadRandom));
        NS_TEST_EXPECT_MSG_EQ(pad.GetPublic().size(), 96, "padded public value");
        NS_TEST_EXPECT_MSG_EQ(+pad.GetPublic()[0], 0, "leading zero kept");
        NS_TEST_EXPECT_MSG_EQ(ToHex(pad.GetPublic()), ToHex(Hex(kPadPublic)), "padded g^x");
        IkeDh sharedPad(g1, Hex(kSharedPadRandom));
        Bytes s;
        NS_TEST_EXPECT_MSG_EQ(sharedPad.ComputeShared(pr.GetPublic(), &s), true, "padded g^xy");
        NS_TEST_EXPECT_MSG_EQ(s.size(), 96, "padded g^xy");
        NS_TEST_EXPECT_MSG_EQ(ToHex(s), ToHex(Hex(kSharedPad)), "padded g^xy");
        // ... and the peer's padded value is accepted as it is.
        Bytes back;
        NS_TEST_EXPECT_MSG_EQ(pr.ComputeShared(sharedPad.GetPublic(), &back), true, "padded peer");
        NS_TEST_EXPECT_MSG_EQ(ToHex(back), ToHex(s), "padded peer");

        // The peer's value: 1 < y < p - 1, exactly the modulus length.
        const Bytes p = g1.Prime();
        Bytes pMinus1 = p;
        pMinus1.back() -= 1;
        Bytes pMinus2 = p;
        pMinus2.back() -= 2;
        Bytes pPlus1 = p; // p ends in 8 bytes ff: p + 1 ends in 8 zero bytes, carry in
        for (size_t i = p.size() - 8; i < p.size(); ++i)
        {
            pPlus1[i] = 0;
        }
        pPlus1[p.size() - 9] += 1;
        Bytes oneValue = Rep(0, 96);
        oneValue.back() = 1;
        const struct
        {
            const char* label;
            Bytes value;
            bool ok;
        } peers[] = {
            {"0", Rep(0, 96), false},
            {"1", oneValue, false},
            {"2", expect2, true},
            {"p-2", pMinus2, true},
            {"p-1", pMinus1, false},
            {"p", p, false},
            {"p+1", pPlus1, false},
            {"2^768-1", Rep(0xff, 96), false},
            {"95 bytes", Bytes(expect4.begin() + 1, expect4.end()), false},
            {"97 bytes", Bytes(97, 0), false},
            {"empty", Bytes(), false},
        };
        Bytes ppad = Bytes(97, 0);
        ppad.back() = 4;
        for (const auto& peer : peers)
        {
            Bytes out = Ascii("untouched");
            NS_TEST_EXPECT_MSG_EQ(six.ComputeShared(peer.value, &out), peer.ok, peer.label);
            if (!peer.ok)
            {
                NS_TEST_EXPECT_MSG_EQ(ToHex(out), ToHex(Ascii("untouched")), peer.label);
            }
        }
        NS_TEST_EXPECT_MSG_EQ(six.ComputeShared(ppad, &s), false, "4 in 97 bytes");
    }
};

// ---------------------------------------------------------------------------

/// hash() and prf() = HMAC against published vectors.
class IkeHashPrfTestCase : public TestCase
{
  public:
    IkeHashPrfTestCase()
        : TestCase("hash and PRF (RFC 1321, FIPS 180-2, RFC 2202, RFC 4231)")
    {
    }

  private:
    void DoRun() override
    {
        const struct
        {
            const char* hash;
            const char* digest;
        } abc[] = {
            {"md5", "900150983cd24fb0d6963f7d28e17f72"},
            {"sha1", "a9993e364706816aba3e25717850c26c9cd0d89d"},
            {"sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
            {"sha384",
             "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
             "8086072ba1e7cc2358baeca134c825a7"},
            {"sha512",
             "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
             "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
        };
        for (const auto& v : abc)
        {
            NS_TEST_EXPECT_MSG_EQ(
                ToHex(IkeHash(Hash(v.hash), Ascii("abc"))), v.digest, v.hash << "(\"abc\")");
        }

        // RFC 2202 cases 1-7 (keys of 16 bytes for MD5, 20 for SHA-1) and
        // RFC 4231 section 4, test cases 1-4, 6 and 7 (ipsec-test-vectors.cc).
        const auto md5Cases = ipsectest::Rfc2202Cases(16);
        const auto sha1Cases = ipsectest::Rfc2202Cases(20);
        for (size_t i = 0; i < 7; ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(ToHex(IkePrf(Hash("md5"), md5Cases[i].key, md5Cases[i].data)),
                                  ipsectest::Rfc2202Md5()[i],
                                  "RFC 2202 HMAC-MD5 case " << i + 1);
            NS_TEST_EXPECT_MSG_EQ(ToHex(IkePrf(Hash("sha1"), sha1Cases[i].key, sha1Cases[i].data)),
                                  ipsectest::Rfc2202Sha1()[i],
                                  "RFC 2202 HMAC-SHA-1 case " << i + 1);
        }
        const auto cases4231 = ipsectest::Rfc4231Cases();
        const std::vector<int>& numbers = ipsectest::Rfc4231Numbers();
        for (size_t i = 0; i < cases4231.size(); ++i)
        {
            const ipsectest::MacCase& c = cases4231[i];
            NS_TEST_EXPECT_MSG_EQ(ToHex(IkePrf(Hash("sha256"), c.key, c.data)),
                                  ipsectest::Rfc4231Sha256()[i],
                                  "RFC 4231 HMAC-SHA-256 case " << numbers[i]);
            NS_TEST_EXPECT_MSG_EQ(ToHex(IkePrf(Hash("sha384"), c.key, c.data)),
                                  ipsectest::Rfc4231Sha384()[i],
                                  "RFC 4231 HMAC-SHA-384 case " << numbers[i]);
            NS_TEST_EXPECT_MSG_EQ(ToHex(IkePrf(Hash("sha512"), c.key, c.data)),
                                  ipsectest::Rfc4231Sha512()[i],
                                  "RFC 4231 HMAC-SHA-512 case " << numbers[i]);
        }

        // An empty key (an empty pre-shared key) is a key of length zero.
        NS_TEST_EXPECT_MSG_EQ(ToHex(IkePrf(Hash("md5"), {}, {})),
                              "74e6f7298a9c2d168935f58c001bad88",
                              "HMAC-MD5 with an empty key");
        NS_TEST_EXPECT_MSG_EQ(ToHex(IkePrf(Hash("sha1"), {}, {})),
                              "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d",
                              "HMAC-SHA-1 with an empty key");

        NS_TEST_EXPECT_MSG_EQ(
            ToHex(IkeConcat({Hex("01"), {}, Hex("0203"), Hex("04")})), "01020304", "IkeConcat");
    }
};

// ---------------------------------------------------------------------------

/// RFC 2409 section 5 / 5.5 / 5.7 / appendix B against ike-kat.py.
class IkeDerivationsTestCase : public TestCase
{
  public:
    IkeDerivationsTestCase()
        : TestCase("RFC 2409 derivations (pre-shared key) against ike-kat.py")
    {
    }

  private:
    void DoRun() override
    {
        IkeDh di(Group("modp1024"), kRandI);
        IkeDh dr(Group("modp1024"), kRandR);
        const Bytes gxi = di.GetPublic();
        const Bytes gxr = dr.GetPublic();
        Bytes gxy;
        NS_TEST_ASSERT_MSG_EQ(di.ComputeShared(gxr, &gxy), true, "g^xy");
        NS_TEST_ASSERT_MSG_EQ(ToHex(gxy), ToHex(Hex(kGxy)), "g^xy");

        const struct
        {
            const char* hash;
            const char* cipher;
            uint32_t keyBytes;
            const char* skeyid;
            const char* skeyidD;
            const char* skeyidA;
            const char* skeyidE;
            const char* encKey;
            const char* iv;
        } cases[] = {
            {"sha1",
             "3des",
             24,
             kSha1Des3Skeyid,
             kSha1Des3SkeyidD,
             kSha1Des3SkeyidA,
             kSha1Des3SkeyidE,
             kSha1Des3EncKey,
             kSha1Des3Iv},
            {"md5",
             "aes",
             32,
             kMd5Aes256Skeyid,
             kMd5Aes256SkeyidD,
             kMd5Aes256SkeyidA,
             kMd5Aes256SkeyidE,
             kMd5Aes256EncKey,
             kMd5Aes256Iv},
            {"sha256",
             "blowfish",
             56,
             kSha256Bf448Skeyid,
             kSha256Bf448SkeyidD,
             kSha256Bf448SkeyidA,
             kSha256Bf448SkeyidE,
             kSha256Bf448EncKey,
             kSha256Bf448Iv},
            {"sha384",
             "aes",
             24,
             kSha384Aes192Skeyid,
             kSha384Aes192SkeyidD,
             kSha384Aes192SkeyidA,
             kSha384Aes192SkeyidE,
             kSha384Aes192EncKey,
             kSha384Aes192Iv},
            {"sha512",
             "aes",
             16,
             kSha512Aes128Skeyid,
             kSha512Aes128SkeyidD,
             kSha512Aes128SkeyidA,
             kSha512Aes128SkeyidE,
             kSha512Aes128EncKey,
             kSha512Aes128Iv},
        };
        for (const auto& c : cases)
        {
            const std::string label
                = std::string(c.hash) + "/" + c.cipher + "-" + std::to_string(c.keyBytes * 8);
            const IkeHashAlg& h = Hash(c.hash);
            const IkeCipherAlg& cipher = Cipher(c.cipher);
            const IkePhase1Keys k = IkeDerivePhase1Psk(
                h, cipher, c.keyBytes, kPsk, kNiB, kNrB, gxy, gxi, gxr, kCkyI, kCkyR);
            NS_TEST_EXPECT_MSG_EQ(ToHex(k.skeyid), c.skeyid, label << " SKEYID");
            NS_TEST_EXPECT_MSG_EQ(ToHex(k.skeyidD), c.skeyidD, label << " SKEYID_d");
            NS_TEST_EXPECT_MSG_EQ(ToHex(k.skeyidA), c.skeyidA, label << " SKEYID_a");
            NS_TEST_EXPECT_MSG_EQ(ToHex(k.skeyidE), c.skeyidE, label << " SKEYID_e");
            NS_TEST_EXPECT_MSG_EQ(ToHex(k.encKey), c.encKey, label << " encryption key");
            NS_TEST_EXPECT_MSG_EQ(k.encKey.size(), c.keyBytes, label << " key length");
            NS_TEST_EXPECT_MSG_EQ(ToHex(k.iv), c.iv, label << " first IV");
            NS_TEST_EXPECT_MSG_EQ(k.iv.size(), cipher.blockSize, label << " IV length");
            NS_TEST_EXPECT_MSG_EQ(ToHex(IkeEncryptionKey(h, k.skeyidE, c.keyBytes)),
                                  c.encKey,
                                  label << " IkeEncryptionKey");
            NS_TEST_EXPECT_MSG_EQ(
                ToHex(IkePhase1Iv(h, cipher, gxi, gxr)), c.iv, label << " IkePhase1Iv");
        }

        // Appendix B, by hand: 3DES from SHA-1 is K1 | K2 cut to 24 bytes.
        const IkeHashAlg& sha1 = Hash("sha1");
        const Bytes skeyidE = Hex(kSha1Des3SkeyidE);
        const Bytes k1 = IkePrf(sha1, skeyidE, {0x00});
        const Bytes k2 = IkePrf(sha1, skeyidE, k1);
        NS_TEST_EXPECT_MSG_EQ(ToHex(IkeEncryptionKey(sha1, skeyidE, 24)),
                              ToHex(IkeConcat({k1, Bytes(k2.begin(), k2.begin() + 4)})),
                              "K1 | K2");
        NS_TEST_EXPECT_MSG_EQ(ToHex(IkeEncryptionKey(sha1, skeyidE, 20)),
                              ToHex(skeyidE),
                              "no expansion when SKEYID_e is long enough");

        // The exchanges' hashes, IVs and KEYMAT (sha1, 3DES).
        const Bytes skeyid = Hex(kSha1Des3Skeyid);
        const Bytes skeyidA = Hex(kSha1Des3SkeyidA);
        const Bytes skeyidD = Hex(kSha1Des3SkeyidD);
        const IkeCipherAlg& des3 = Cipher("3des");
        NS_TEST_EXPECT_MSG_EQ(
            ToHex(IkePhase1Hash(sha1, skeyid, true, gxi, gxr, kCkyI, kCkyR, kSaiB, kIdiiB)),
            kSha1Des3HashI,
            "HASH_I");
        NS_TEST_EXPECT_MSG_EQ(
            ToHex(IkePhase1Hash(sha1, skeyid, false, gxi, gxr, kCkyI, kCkyR, kSaiB, kIdirB)),
            kSha1Des3HashR,
            "HASH_R");
        NS_TEST_EXPECT_MSG_EQ(
            ToHex(IkePhase2Iv(sha1, des3, kLastBlock, kMid)), kSha1Des3Phase2Iv, "phase-2 IV");
        NS_TEST_EXPECT_MSG_EQ(
            ToHex(IkeHash1(sha1, skeyidA, kMid, kQmRest1)), kSha1Des3Hash1, "HASH(1)");
        NS_TEST_EXPECT_MSG_EQ(
            ToHex(IkeQuickHash2(sha1, skeyidA, kMid, kQmNiB, kQmRest2)), kSha1Des3Hash2, "HASH(2)");
        NS_TEST_EXPECT_MSG_EQ(
            ToHex(IkeQuickHash3(sha1, skeyidA, kMid, kQmNiB, kQmNrB)), kSha1Des3Hash3, "HASH(3)");
        NS_TEST_EXPECT_MSG_EQ(ToHex(IkeHash1(sha1, skeyidA, kInfoMid, kInfoRest)),
                              kSha1Des3InfoHash,
                              "informational HASH");
        // ESP 3DES + HMAC-SHA1: 24 + 20 = 44 bytes, three SHA-1 blocks.
        const uint8_t esp = 3;
        const Bytes keymat = IkeKeymat(sha1, skeyidD, {}, esp, kSpi, kQmNiB, kQmNrB, 44);
        NS_TEST_EXPECT_MSG_EQ(ToHex(keymat), kSha1Des3Keymat, "KEYMAT");
        Bytes gxyQm;
        IkeDh pi(Group("modp768"), kPfsRandI);
        IkeDh pr(Group("modp768"), kPfsRandR);
        NS_TEST_ASSERT_MSG_EQ(pi.ComputeShared(pr.GetPublic(), &gxyQm), true, "g(qm)^xy");
        NS_TEST_EXPECT_MSG_EQ(ToHex(IkeKeymat(sha1, skeyidD, gxyQm, esp, kSpi, kQmNiB, kQmNrB, 44)),
                              kSha1Des3KeymatPfs,
                              "KEYMAT with PFS");
        // racoon computes at least three blocks and cuts: any length is a prefix.
        const Bytes keymat60 = IkeKeymat(sha1, skeyidD, {}, esp, kSpi, kQmNiB, kQmNrB, 60);
        NS_TEST_EXPECT_MSG_EQ(
            ToHex(Bytes(keymat60.begin(), keymat60.begin() + 44)), ToHex(keymat), "KEYMAT prefix");
        NS_TEST_EXPECT_MSG_EQ(
            IkeKeymat(sha1, skeyidD, {}, esp, kSpi, kQmNiB, kQmNrB, 0).size(), 0, "no KEYMAT");
        // K1 = prf(SKEYID_d, seed), K2 = prf(SKEYID_d, K1 | seed).
        const Bytes seed = IkeConcat({{esp}, kSpi, kQmNiB, kQmNrB});
        const Bytes km1 = IkePrf(sha1, skeyidD, seed);
        const Bytes km2 = IkePrf(sha1, skeyidD, IkeConcat({km1, seed}));
        NS_TEST_EXPECT_MSG_EQ(ToHex(Bytes(keymat.begin(), keymat.begin() + 40)),
                              ToHex(IkeConcat({km1, km2})),
                              "KEYMAT K1 | K2");
    }
};

// ---------------------------------------------------------------------------

/// The phase-1 ciphers in CBC mode.
class IkeCbcTestCase : public TestCase
{
  public:
    IkeCbcTestCase()
        : TestCase("phase-1 CBC (SP 800-38A, FIPS 81, SP 800-67, Blowfish, RFC 2144), round trips")
    {
    }

  private:
    void Check(const std::string& label,
               const char* cipher,
               const Bytes& key,
               const Bytes& iv,
               const Bytes& plain,
               const Bytes& encrypted)
    {
        Bytes out;
        NS_TEST_EXPECT_MSG_EQ(
            IkeCbcEncrypt(Cipher(cipher), key, iv, plain, &out), true, label << " encrypt");
        NS_TEST_EXPECT_MSG_EQ(ToHex(out), ToHex(encrypted), label << " encrypt");
        out.clear();
        NS_TEST_EXPECT_MSG_EQ(
            IkeCbcDecrypt(Cipher(cipher), key, iv, encrypted, &out), true, label << " decrypt");
        NS_TEST_EXPECT_MSG_EQ(ToHex(out), ToHex(plain), label << " decrypt");
    }

    void DoRun() override
    {
        // The published vectors (ipsec-test-vectors.cc), by racoon's names.
        for (const auto& v : ipsectest::PublishedCbcVectors())
        {
            Check(v.label, v.ike.c_str(), v.key, v.iv, v.plain, v.cipher);
        }

        // Round trips: every cipher, every key length it accepts.
        const Bytes keyBytes = Pattern(64, 29, 101); // up to 448 bits and one byte more
        for (const auto& c : IkeCipherAlg::All())
        {
            const Bytes civ = Pattern(c.blockSize, 7, 3);
            const Bytes text = Pattern(4 * c.blockSize, 11, 5);
            Bytes previous;
            for (uint32_t bits = c.minKeyBits; bits <= c.maxKeyBits; bits += 8)
            {
                if (!c.IsValidKeyBits(bits))
                {
                    continue;
                }
                const std::string label = std::string(c.name) + "-" + std::to_string(bits);
                const Bytes key(keyBytes.begin(), keyBytes.begin() + bits / 8);
                Bytes enc;
                Bytes dec;
                NS_TEST_EXPECT_MSG_EQ(IkeCbcEncrypt(c, key, civ, text, &enc), true, label);
                NS_TEST_EXPECT_MSG_EQ(enc.size(), text.size(), label);
                NS_TEST_EXPECT_MSG_NE(ToHex(enc), ToHex(text), label);
                NS_TEST_EXPECT_MSG_NE(ToHex(enc), ToHex(previous), label << ": the length counts");
                NS_TEST_EXPECT_MSG_EQ(IkeCbcDecrypt(c, key, civ, enc, &dec), true, label);
                NS_TEST_EXPECT_MSG_EQ(ToHex(dec), ToHex(text), label << " round trip");
                previous = enc;
            }
            // Nothing to encrypt is nothing.
            const Bytes key(keyBytes.begin(), keyBytes.begin() + c.defaultKeyBits / 8);
            Bytes empty = Ascii("x");
            NS_TEST_EXPECT_MSG_EQ(IkeCbcEncrypt(c, key, civ, {}, &empty), true, c.name);
            NS_TEST_EXPECT_MSG_EQ(empty.size(), 0, c.name);
            // Refused: a bad key length, a bad IV, a partial block.
            Bytes out = Ascii("untouched");
            const Bytes longKey(keyBytes.begin(), keyBytes.begin() + c.maxKeyBits / 8 + 1);
            NS_TEST_EXPECT_MSG_EQ(IkeCbcEncrypt(c, longKey, civ, text, &out), false, c.name);
            NS_TEST_EXPECT_MSG_EQ(IkeCbcEncrypt(c, Bytes(4, 1), civ, text, &out), false, c.name);
            NS_TEST_EXPECT_MSG_EQ(IkeCbcEncrypt(c, key, Bytes(c.blockSize - 1, 0), text, &out),
                                  false,
                                  c.name << ": short IV");
            NS_TEST_EXPECT_MSG_EQ(
                IkeCbcDecrypt(c, key, civ, Bytes(text.begin(), text.end() - 1), &out),
                false,
                c.name << ": partial block");
            NS_TEST_EXPECT_MSG_EQ(ToHex(out), ToHex(Ascii("untouched")), c.name);
        }
        // A 160-bit AES key is refused, whatever the (well-formed) IV and data.
        Bytes out;
        NS_TEST_EXPECT_MSG_EQ(
            IkeCbcEncrypt(Cipher("aes"), Rep(1, 20), Rep(0, 16), Rep(0, 64), &out),
            false,
            "AES-160");
    }
};

// ---------------------------------------------------------------------------

class IkeCryptoTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IkeCryptoTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-ike-crypto", UNIT)
    {
        AddTestCase(new IkeTablesTestCase, TestCase::QUICK);
        AddTestCase(new IkePrimesTestCase(false), TestCase::QUICK);
        AddTestCase(new IkePrimesTestCase(true), TestCase::EXTENSIVE);
        AddTestCase(new IkeDhTestCase, TestCase::QUICK);
        AddTestCase(new IkeHashPrfTestCase, TestCase::QUICK);
        AddTestCase(new IkeDerivationsTestCase, TestCase::QUICK);
        AddTestCase(new IkeCbcTestCase, TestCase::QUICK);
    }
};

IkeCryptoTestSuite g_ikeCryptoTestSuite;

} // namespace
