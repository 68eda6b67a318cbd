// SPDX-License-Identifier: GPL-2.0-only
/*
 * The algorithm tables (setkey -E / -A / -C): which algorithms exist, their
 * SADB numbers (KAME's), key sizes, block/IV/ICV sizes, and the primitive
 * the crypto backend computes each with.  Data only: adding an algorithm of
 * an existing kind is one row here; how a kind is computed is in
 * ipsec-crypto-openssl.cc, and the key checks against a row in
 * ipsec-algorithm-keys.cc.
 */
#include "ipsec-algorithms.h"

#include "ipsec-crypto-openssl.h"
#include "ns3/log.h"

#include <algorithm>
#include <array>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecAlgorithms");

namespace
{

/// ESP encryption, in SADB id order (ids as NetBSD 2.0's pfkeyv2.h; 20 and
/// 28 are the IANA/FreeBSD values of algorithms KAME never had).
const std::vector<IpsecEncAlgorithm>&
EncRows()
{
    using K = IpsecCipherKind;
    // clang-format off
    static const std::vector<IpsecEncAlgorithm> rows = {
        // name, id, kind, minBits, maxBits, exact, block, iv, icv, salt, weak, kame, OpenSSL
        {"des-cbc", 2, K::CBC, 64, 64, {}, 8, 8, 0, 0, true, true, "DES-CBC"},
        {"3des-cbc", 3, K::CBC, 192, 192, {}, 8, 8, 0, 0, true, true, "DES-EDE3-CBC"},
        {"cast128-cbc", 6, K::CBC, 40, 128, {}, 8, 8, 0, 0, false, true, "CAST5-CBC"},
        {"blowfish-cbc", 7, K::CBC, 40, 448, {}, 8, 8, 0, 0, false, true, "BF-CBC"},
        {"null", 11, K::NONE_CIPHER, 0, 2048, {}, 1, 0, 0, 0, false, true, ""},
        {"rijndael-cbc", 12, K::CBC, 128, 256, {128, 192, 256}, 16, 16, 0, 0, false, true, "AES-*-CBC"},
        {"aes-gcm-16", 20, K::AEAD, 160, 288, {160, 224, 288}, 1, 8, 16, 4, false, false, "AES-*-GCM"},
        {"chacha20-poly1305", 28, K::AEAD, 288, 288, {}, 1, 8, 16, 4, false, false, "ChaCha20-Poly1305"},
        {"aes-ctr", 249, K::CTR, 160, 288, {160, 224, 288}, 16, 8, 0, 4, false, true, "AES-*-CTR"},
    };
    // clang-format on
    return rows;
}

/// Authentication, in SADB id order.  The kind says how the MAC is built,
/// the digest which OpenSSL hash it is built on.
const std::vector<IpsecAuthAlgorithm>&
AuthRows()
{
    using K = IpsecAuthKind;
    static const std::vector<IpsecAuthAlgorithm> rows = {
        // name, id, kind, OpenSSL digest, minBits, maxBits, kameIcv, rfcIcv, ah
        {"hmac-md5", 2, K::HMAC, "MD5", 128, 128, 12, 12, true},
        {"hmac-sha1", 3, K::HMAC, "SHA1", 160, 160, 12, 12, true},
        {"hmac-sha2-256", 5, K::HMAC, "SHA256", 256, 256, 12, 16, true},
        {"hmac-sha2-384", 6, K::HMAC, "SHA384", 384, 384, 12, 24, true},
        {"hmac-sha2-512", 7, K::HMAC, "SHA512", 512, 512, 12, 32, true},
        {"hmac-ripemd160", 8, K::HMAC, "RIPEMD160", 160, 160, 12, 12, true},
        {"aes-xcbc-mac", 9, K::XCBC, "", 128, 128, 12, 12, true},
        {"keyed-md5", 249, K::KEYED_HASH, "MD5", 128, 128, 12, 12, true},
        {"keyed-sha1", 250, K::KEYED_HASH, "SHA1", 160, 160, 12, 12, true},
        {"null", 251, K::NONE_AUTH, "", 0, 2048, 0, 0, false},
    };
    return rows;
}

/// IPComp, in SADB id order.
const std::vector<IpsecCompAlgorithm>&
CompRows()
{
    static const std::vector<IpsecCompAlgorithm> rows = {
        // name, id, supported
        {"oui", 1, false},
        {"deflate", 2, true},
        {"lzs", 3, false},
    };
    return rows;
}

/// Another setkey name of a row.
struct Alias
{
    const char* alias; ///< the other name
    const char* name;  ///< the row's name
};

const std::array<Alias, 1> kEncAliases = {{
    {"aes-cbc", "rijndael-cbc"},
}};

const std::array<Alias, 3> kAuthAliases = {{
    {"hmac-sha256", "hmac-sha2-256"},
    {"hmac-sha384", "hmac-sha2-384"},
    {"hmac-sha512", "hmac-sha2-512"},
}};

template <typename Row, typename Aliases>
const Row*
FindByName(const std::vector<Row>& rows, const Aliases& aliases, const std::string& name)
{
    std::string canonical = name;
    for (const auto& a : aliases)
    {
        if (name == a.alias)
        {
            canonical = a.name;
            break;
        }
    }
    for (const auto& r : rows)
    {
        if (canonical == r.name)
        {
            return &r;
        }
    }
    return nullptr;
}

template <typename Row>
const Row*
FindById(const std::vector<Row>& rows, uint8_t id)
{
    for (const auto& r : rows)
    {
        if (r.sadbId == id)
        {
            return &r;
        }
    }
    return nullptr;
}

} // namespace

uint8_t
IpsecEncAlgorithm::PadBoundary() const
{
    return std::max<uint8_t>(blockSize, 4);
}

const std::vector<IpsecEncAlgorithm>&
IpsecEncAlgorithms()
{
    return EncRows();
}

const std::vector<IpsecAuthAlgorithm>&
IpsecAuthAlgorithms()
{
    static const std::vector<IpsecAuthAlgorithm> table = []
    {
        std::vector<IpsecAuthAlgorithm> t;
        for (const auto& r : AuthRows())
        {
            if (!IpsecCryptoAvailable(r))
            {
                NS_LOG_WARN("OpenSSL has no " << r.digest << ": " << r.name << " is not available");
                continue;
            }
            t.push_back(r);
        }
        return t;
    }();
    return table;
}

const std::vector<IpsecCompAlgorithm>&
IpsecCompAlgorithms()
{
    return CompRows();
}

const IpsecEncAlgorithm*
FindEncAlgorithm(const std::string& name)
{
    return FindByName(IpsecEncAlgorithms(), kEncAliases, name);
}

const IpsecAuthAlgorithm*
FindAuthAlgorithm(const std::string& name)
{
    return FindByName(IpsecAuthAlgorithms(), kAuthAliases, name);
}

const IpsecCompAlgorithm*
FindCompAlgorithm(const std::string& name)
{
    return FindByName(IpsecCompAlgorithms(), std::array<Alias, 0>{}, name);
}

const IpsecEncAlgorithm*
FindEncAlgorithmById(uint8_t id)
{
    return FindById(IpsecEncAlgorithms(), id);
}

const IpsecAuthAlgorithm*
FindAuthAlgorithmById(uint8_t id)
{
    return FindById(IpsecAuthAlgorithms(), id);
}

const IpsecCompAlgorithm*
FindCompAlgorithmById(uint8_t id)
{
    return FindById(IpsecCompAlgorithms(), id);
}

size_t
IcvLengthFor(const IpsecAuthAlgorithm& alg, IpsecIcvTruncation mode)
{
    return mode == IpsecIcvTruncation::RFC_4868 ? alg.rfcIcvLen : alg.kameIcvLen;
}

} // namespace ns3
