// SPDX-License-Identifier: GPL-2.0-only
/*
 * Published known answers shared by the crypto suites (ipsec-test-vectors.h),
 * typed in from their sources.
 */
#include "ipsec-test-vectors.h"

#include "ipsec-test-bytes.h"

namespace ns3
{
namespace ipsectest
{

const std::vector<CbcVector>&
PublishedCbcVectors()
{
    // NIST SP 800-38A F.2.1-F.2.6: one IV and plaintext for the three key sizes.
    static const std::vector<uint8_t> spIv = HexBytes("000102030405060708090a0b0c0d0e0f");
    static const std::vector<uint8_t> spPlain = HexBytes("6bc1bee22e409f96e93d7e117393172a"
                                                         "ae2d8a571e03ac9c9eb76fac45af8e51"
                                                         "30c81c46a35ce411e5fbc1191a0a52ef"
                                                         "f69f2445df4f9b17ad2b417be66c3710");
    // Eric Young's Blowfish set_key tests (vectors.txt): data FEDCBA9876543210,
    // one block, zero IV.
    static const std::vector<uint8_t> bfData = HexBytes("FEDCBA9876543210");
    // RFC 2144 B.1: CAST-128 single blocks (ECB = one-block CBC, zero IV).
    static const std::vector<uint8_t> castPlain = HexBytes("01 23 45 67 89 AB CD EF");
    static const std::vector<CbcVector> vectors = {
        // RFC 3602 section 4, cases 1-4 (AES-128-CBC); case 2 by setkey's alias.
        {"RFC 3602 case 1",
         "rijndael-cbc",
         "aes",
         HexBytes("06a9214036b8a15b512e03d534120006"),
         HexBytes("3dafba429d9eb430b422da802c9fac41"),
         Ascii("Single block msg"),
         HexBytes("e353779c1079aeb82708942dbe77181a")},
        {"RFC 3602 case 2",
         "aes-cbc",
         "aes",
         HexBytes("c286696d887c9aa0611bbb3e2025a45a"),
         HexBytes("562e17996d093d28ddb3ba695a2e6f58"),
         HexBytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
         HexBytes("d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1")},
        {"RFC 3602 case 3",
         "rijndael-cbc",
         "aes",
         HexBytes("6c3ea0477630ce21a2ce334aa746c2cd"),
         HexBytes("c782dc4c098c66cbd9cd27d825682c81"),
         Ascii("This is a 48-byte message (exactly 3 AES blocks)"),
         HexBytes("d0a02b3836451753d493665d33f0e886"
                  "2dea54cdb293abc7506939276772f8d5"
                  "021c19216bad525c8579695d83ba2684")},
        {"RFC 3602 case 4",
         "rijndael-cbc",
         "aes",
         HexBytes("56e47a38c5598974bc46903dba290349"),
         HexBytes("8ce82eefbea0da3c44699ed7db51b7d9"),
         HexBytes("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
                  "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
                  "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
                  "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"),
         HexBytes("c30e32ffedc0774e6aff6af0869f71aa"
                  "0f3af07a9a31a9c684db207eb0ef8e4e"
                  "35907aa632c3ffdf868bb7b29d3d46ad"
                  "83ce9f9a102ee99d49a53e87f4c3da55")},
        {"SP 800-38A F.2.1/F.2.2 CBC-AES128",
         "rijndael-cbc",
         "aes",
         HexBytes("2b7e151628aed2a6abf7158809cf4f3c"),
         spIv,
         spPlain,
         HexBytes("7649abac8119b246cee98e9b12e9197d"
                  "5086cb9b507219ee95db113a917678b2"
                  "73bed6b8e3c1743b7116e69e22229516"
                  "3ff1caa1681fac09120eca307586e1a7")},
        {"SP 800-38A F.2.3/F.2.4 CBC-AES192",
         "rijndael-cbc",
         "aes",
         HexBytes("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b"),
         spIv,
         spPlain,
         HexBytes("4f021db243bc633d7178183a9fa071e8"
                  "b4d9ada9ad7dedf4e5e738763f69145a"
                  "571b242012fb7ae07fa9baac3df102e0"
                  "08b0e27988598881d920a9e64f5615cd")},
        {"SP 800-38A F.2.5/F.2.6 CBC-AES256",
         "rijndael-cbc",
         "aes",
         HexBytes("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
         spIv,
         spPlain,
         HexBytes("f58c4c04d6e5f1ba779eabfb5f7bfbd6"
                  "9cfc4e967edb808d679f777bc6702c7d"
                  "39f23369a9d9bacfa530e26304231461"
                  "b2eb05e2c39be9fcda6c19078c6a9d1b")},
        // FIPS 81 appendix C: DES-CBC of "Now is the time for all ".
        {"FIPS 81 DES-CBC",
         "des-cbc",
         "des",
         HexBytes("0123456789abcdef"),
         HexBytes("1234567890abcdef"),
         Ascii("Now is the time for all "),
         HexBytes("e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6")},
        // NIST SP 800-67 rev 1 B.1: three-key TDEA, "The qufck brown fox jump"
        // in ECB; each block is a one-block CBC message with a zero IV.
        {"SP 800-67 TDEA block 1",
         "3des-cbc",
         "3des",
         HexBytes("0123456789ABCDEF 23456789ABCDEF01 456789ABCDEF0123"),
         Rep(0, 8),
         HexBytes("5468652071756663"),
         HexBytes("A826FD8CE53B855F")},
        {"SP 800-67 TDEA block 2",
         "3des-cbc",
         "3des",
         HexBytes("0123456789ABCDEF 23456789ABCDEF01 456789ABCDEF0123"),
         Rep(0, 8),
         HexBytes("6B2062726F776E20"),
         HexBytes("CCE21C8112256FE6")},
        {"SP 800-67 TDEA block 3",
         "3des-cbc",
         "3des",
         HexBytes("0123456789ABCDEF 23456789ABCDEF01 456789ABCDEF0123"),
         Rep(0, 8),
         HexBytes("666F78206A756D70"),
         HexBytes("68D5C05DD9B6B900")},
        // Blowfish, Eric Young's CBC test (vectors.txt "chaining mode test
        // data"): 29 bytes incl. the trailing NUL, zero-padded to 32.
        {"Blowfish CBC (E. Young)",
         "blowfish-cbc",
         "blowfish",
         HexBytes("0123456789ABCDEFF0E1D2C3B4A59687"),
         HexBytes("FEDCBA9876543210"),
         HexBytes("37363534333231204E6F77206973207468652074696D6520666F722000000000"),
         HexBytes("6B77B4D63006DEE605B156E27403979358DEB9E7154616D959F1652BD5FF92CC")},
        {"Blowfish set_key k[5] (40 bits)",
         "blowfish-cbc",
         "blowfish",
         HexBytes("F0E1D2C3B4"),
         Rep(0, 8),
         bfData,
         HexBytes("B39E44481BDB1E6E")},
        {"Blowfish set_key k[8] (64 bits)",
         "blowfish-cbc",
         "blowfish",
         HexBytes("F0E1D2C3B4A59687"),
         Rep(0, 8),
         bfData,
         HexBytes("E87A244E2CC85E82")},
        {"Blowfish set_key k[24] (192 bits)",
         "blowfish-cbc",
         "blowfish",
         HexBytes("F0E1D2C3B4A5968778695A4B3C2D1E0F0011223344556677"),
         Rep(0, 8),
         bfData,
         HexBytes("05044B62FA52D080")},
        {"RFC 2144 B.1 128-bit key",
         "cast128-cbc",
         "cast128",
         HexBytes("01 23 45 67 12 34 56 78 23 45 67 89 34 56 78 9A"),
         Rep(0, 8),
         castPlain,
         HexBytes("23 8B 4F E5 84 7E 44 B2")},
        {"RFC 2144 B.1 80-bit key",
         "cast128-cbc",
         "cast128",
         HexBytes("01 23 45 67 12 34 56 78 23 45"),
         Rep(0, 8),
         castPlain,
         HexBytes("EB 6A 71 1A 2C 02 27 1B")},
        {"RFC 2144 B.1 40-bit key",
         "cast128-cbc",
         "cast128",
         HexBytes("01 23 45 67 12"),
         Rep(0, 8),
         castPlain,
         HexBytes("7A C8 16 D1 6E 9B 30 2E")},
    };
    return vectors;
}

std::vector<MacCase>
Rfc2202Cases(size_t keyLen)
{
    return {
        {Rep(0x0b, keyLen), Ascii("Hi There")},
        {Ascii("Jefe"), Ascii("what do ya want for nothing?")},
        {Rep(0xaa, keyLen), Rep(0xdd, 50)},
        {HexBytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), Rep(0xcd, 50)},
        {Rep(0x0c, keyLen), Ascii("Test With Truncation")},
        {Rep(0xaa, 80), Ascii("Test Using Larger Than Block-Size Key - Hash Key First")},
        {Rep(0xaa, 80),
         Ascii("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data")},
    };
}

const std::vector<const char*>&
Rfc2202Md5()
{
    static const std::vector<const char*> digests = {"9294727a3638bb1c13f48ef8158bfc9d",
                                                     "750c783e6ab0b503eaa86e310a5db738",
                                                     "56be34521d144c88dbb8c733f0e8b3f6",
                                                     "697eaf0aca3a3aea3a75164746ffaa79",
                                                     "56461ef2342edc00f9bab995690efd4c",
                                                     "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd",
                                                     "6f630fad67cda0ee1fb1f562db3aa53e"};
    return digests;
}

const std::vector<const char*>&
Rfc2202Sha1()
{
    static const std::vector<const char*> digests = {"b617318655057264e28bc0b6fb378c8ef146be00",
                                                     "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
                                                     "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
                                                     "4c9007f4026250c6bc8414f9bf50c86c2d7235da",
                                                     "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
                                                     "aa4ae5e15272d00e95705637ce8a3b55ed402112",
                                                     "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"};
    return digests;
}

std::vector<MacCase>
Rfc4231Cases()
{
    return {
        {Rep(0x0b, 20), Ascii("Hi There")},
        {Ascii("Jefe"), Ascii("what do ya want for nothing?")},
        {Rep(0xaa, 20), Rep(0xdd, 50)},
        {HexBytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), Rep(0xcd, 50)},
        {Rep(0xaa, 131), Ascii("Test Using Larger Than Block-Size Key - Hash Key First")},
        {Rep(0xaa, 131),
         Ascii("This is a test using a larger than block-size key and a larger than "
               "block-size data. The key needs to be hashed before being used by the "
               "HMAC algorithm.")},
    };
}

const std::vector<int>&
Rfc4231Numbers()
{
    static const std::vector<int> numbers = {1, 2, 3, 4, 6, 7};
    return numbers;
}

const std::vector<const char*>&
Rfc4231Sha256()
{
    static const std::vector<const char*> digests = {
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    };
    return digests;
}

const std::vector<const char*>&
Rfc4231Sha384()
{
    static const std::vector<const char*> digests = {
        "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
        "faea9ea9076ede7f4af152e8b2fa9cb6",
        "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
        "8e2240ca5e69e2c78b3239ecfab21649",
        "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
        "2a5ab39dc13814b94e3ab6e101a34f27",
        "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
        "6801dd23c4a7d679ccf8a386c674cffb",
        "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
        "0c2ef6ab4030fe8296248df163f44952",
        "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
        "a678cc31e799176d3860e6110c46523e",
    };
    return digests;
}

const std::vector<const char*>&
Rfc4231Sha512()
{
    static const std::vector<const char*> digests = {
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
        "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
        "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
        "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
        "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
        "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
        "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
        "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
        "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
        "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
        "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
    };
    return digests;
}

} // namespace ipsectest
} // namespace ns3
