/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The algorithm tables: one row per algorithm setkey knows, with KAME's
 * SADB ids, key-length rules, block/IV/ICV sizes and the name of the
 * primitive the crypto backend computes it with.  Everything that depends
 * on "which algorithm" (setkey's key checks, ESP padding, netstat histogram
 * names, the crypto contexts) reads these rows; there are no per-algorithm
 * if-chains elsewhere.
 *
 * The rows are in ipsec-algorithms.cc, the key checks against a row
 * (key_mature's sizes, DES weak keys) in ipsec-algorithm-keys.cc, and the
 * per-SA contexts that compute a row (OpenSSL) in ipsec-crypto-openssl.h.
 */
#ifndef IPSEC_ALGORITHMS_H
#define IPSEC_ALGORITHMS_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-transforms
 * How an encryption algorithm works, which decides the ESP layout and which
 * context the crypto backend builds for it.
 */
enum class IpsecCipherKind : uint8_t
{
    NONE_CIPHER, ///< null encryption (RFC 2410)
    CBC,         ///< block cipher in CBC mode, explicit IV = block size
    CTR,         ///< AES-CTR (RFC 3686): key || 4-byte nonce, 8-byte IV
    AEAD,        ///< AES-GCM (RFC 4106) / ChaCha20-Poly1305 (RFC 7634): key || 4-byte salt
};

/**
 * @ingroup ipsec-transforms
 * One row of the ESP encryption table (setkey -E).
 */
struct IpsecEncAlgorithm
{
    const char* name;     ///< setkey name, e.g. "3des-cbc"
    uint8_t sadbId;       ///< SADB_EALG_* / SADB_X_EALG_* id (netstat histogram index)
    IpsecCipherKind kind; ///< layout family
    uint16_t minKeyBits;  ///< smallest key accepted (incl. nonce/salt for CTR/AEAD)
    uint16_t maxKeyBits;  ///< largest key accepted
    /// When non-empty, the only key sizes accepted (e.g. rijndael-cbc 128/192/256).
    std::vector<uint16_t> exactKeyBits;
    uint8_t blockSize; ///< cipher block size (1 for stream/null)
    uint8_t ivLen;     ///< explicit IV bytes carried in each packet
    uint8_t icvLen;    ///< AEAD tag bytes (0 for non-AEAD)
    uint8_t saltLen;   ///< trailing key bytes used as nonce/salt (CTR, AEAD)
    bool weakKeyCheck; ///< DES/3DES weak keys rejected
    bool kameNative;   ///< false for algorithms beyond KAME (aes-gcm-16, chacha20-poly1305)
    /// The backend's cipher: OpenSSL's name, a '*' standing for the cipher
    /// key's bits (the key less the salt), e.g. "AES-*-CBC"; "" for null.
    const char* evpCipher;

    /**
     * ESP pad boundary (KAME esp_output).
     * @return max(block size, 4)
     */
    uint8_t PadBoundary() const;
};

/**
 * @ingroup ipsec-transforms
 * How an authentication algorithm computes its MAC, which decides the
 * context the crypto backend builds for it.
 */
enum class IpsecAuthKind : uint8_t
{
    NONE_AUTH,  ///< null: no ICV
    HMAC,       ///< RFC 2104 HMAC
    KEYED_HASH, ///< KAME keyed-md5 / keyed-sha1 (RFC 1828 style)
    XCBC,       ///< AES-XCBC-MAC-96 (RFC 3566)
};

/**
 * @ingroup ipsec-transforms
 * One row of the authentication table (setkey -A).
 */
struct IpsecAuthAlgorithm
{
    const char* name;    ///< setkey name, e.g. "hmac-sha1"
    uint8_t sadbId;      ///< SADB_AALG_* / SADB_X_AALG_* id
    IpsecAuthKind kind;  ///< MAC construction
    const char* digest;  ///< the backend's digest: OpenSSL's name ("MD5", "SHA256", ...); "" for
                         ///< XCBC/null
    uint16_t minKeyBits; ///< smallest key accepted
    uint16_t maxKeyBits; ///< largest key accepted
    uint8_t kameIcvLen;  ///< ICV bytes KAME sends (12 for every HMAC; 0 for null)
    uint8_t rfcIcvLen;   ///< ICV bytes today's RFCs give (RFC 4868: 16/24/32 for SHA-2)
    bool availableForAh; ///< false for null (ESP only)
};

/**
 * @ingroup ipsec-transforms
 * One row of the compression table (setkey -C).
 */
struct IpsecCompAlgorithm
{
    const char* name; ///< "deflate", "oui", "lzs"
    uint8_t sadbId;   ///< SADB_X_CALG_*
    bool supported;   ///< only deflate is implemented (KAME rejects the others)
};

/**
 * @ingroup ipsec-transforms
 * Which ICV length an HMAC-SHA-2 SA uses.
 */
enum class IpsecIcvTruncation : uint8_t
{
    KAME_96 = 0,  ///< KAME: every HMAC truncated to 96 bits
    RFC_4868 = 1, ///< RFC 4868: half the digest (128/192/256 bits)
};

/**
 * @ingroup ipsec-transforms
 * The encryption table.
 * @return every row, in SADB id order
 */
const std::vector<IpsecEncAlgorithm>& IpsecEncAlgorithms();
/**
 * @ingroup ipsec-transforms
 * The authentication table, without the rows the crypto backend cannot
 * compute on this machine (hmac-ripemd160 on some OpenSSL builds).
 * @return the rows, in SADB id order
 */
const std::vector<IpsecAuthAlgorithm>& IpsecAuthAlgorithms();
/**
 * @ingroup ipsec-transforms
 * The compression table.
 * @return every row, in SADB id order
 */
const std::vector<IpsecCompAlgorithm>& IpsecCompAlgorithms();

/**
 * @ingroup ipsec-transforms
 * Looks an encryption algorithm up by its setkey name, aliases included
 * ("aes-cbc" is rijndael-cbc).
 * @param name the setkey name
 * @return the row, or nullptr when unknown
 */
const IpsecEncAlgorithm* FindEncAlgorithm(const std::string& name);
/**
 * @ingroup ipsec-transforms
 * Looks an authentication algorithm up by its setkey name, aliases included
 * ("hmac-sha256" is hmac-sha2-256).
 * @param name the setkey name
 * @return the row, or nullptr when unknown
 */
const IpsecAuthAlgorithm* FindAuthAlgorithm(const std::string& name);
/**
 * @ingroup ipsec-transforms
 * Looks a compression algorithm up by its setkey name.
 * @param name the setkey name
 * @return the row, or nullptr when unknown
 */
const IpsecCompAlgorithm* FindCompAlgorithm(const std::string& name);
/**
 * @ingroup ipsec-transforms
 * Looks an encryption algorithm up by its SADB id.
 * @param id SADB_EALG_* / SADB_X_EALG_* id
 * @return the row, or nullptr when unknown
 */
const IpsecEncAlgorithm* FindEncAlgorithmById(uint8_t id);
/**
 * @ingroup ipsec-transforms
 * Looks an authentication algorithm up by its SADB id.
 * @param id SADB_AALG_* / SADB_X_AALG_* id
 * @return the row, or nullptr when unknown
 */
const IpsecAuthAlgorithm* FindAuthAlgorithmById(uint8_t id);
/**
 * @ingroup ipsec-transforms
 * Looks a compression algorithm up by its SADB id.
 * @param id SADB_X_CALG_* id
 * @return the row, or nullptr when unknown
 */
const IpsecCompAlgorithm* FindCompAlgorithmById(uint8_t id);

/**
 * @ingroup ipsec-transforms
 * The ICV length of an SA.
 * @param alg the SA's authentication algorithm
 * @param mode the ICV truncation in force
 * @return the ICV bytes (0 for null)
 */
size_t IcvLengthFor(const IpsecAuthAlgorithm& alg, IpsecIcvTruncation mode);

/**
 * @ingroup ipsec-transforms
 * Validates an encryption key the way setkey and key_mature do (sizes;
 * DES weak keys for the rows that ask for it).
 * @param alg the algorithm
 * @param key the key, salt or nonce included
 * @return "" when the key is acceptable, otherwise a message naming the
 *         algorithm and the expected lengths, e.g. "3des-cbc needs a 192-bit
 *         key, got 128 bits" or "weak key for des-cbc"
 */
std::string CheckEncKey(const IpsecEncAlgorithm& alg, const std::vector<uint8_t>& key);
/**
 * @ingroup ipsec-transforms
 * Validates an authentication key the way setkey and key_mature do.
 * @param alg the algorithm
 * @param key the key
 * @return "" when the key is acceptable, otherwise a message naming the
 *         algorithm and the expected lengths
 */
std::string CheckAuthKey(const IpsecAuthAlgorithm& alg, const std::vector<uint8_t>& key);
/**
 * @ingroup ipsec-transforms
 * Human text of the accepted key sizes.
 * @param minBits the smallest size
 * @param maxBits the largest size
 * @param exact the only sizes accepted, when not empty
 * @return e.g. "128, 192 or 256 bits", "40 to 448 bits", "192 bits"
 */
std::string DescribeKeyBits(uint16_t minBits, uint16_t maxBits, const std::vector<uint16_t>& exact);

} // namespace ns3

#endif /* IPSEC_ALGORITHMS_H */
