/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The algorithm tables: one row per algorithm setkey knows, with KAME's
 * SADB ids, key-length rules, block/IV/ICV sizes and the OpenSSL primitive
 * behind it.  Everything that depends on "which algorithm" (setkey's key
 * checks, ESP padding, netstat histogram names, the crypto contexts) reads
 * these rows; there are no per-algorithm if-chains elsewhere.
 *
 * Crypto contexts are created once per SA (CreateCipherContext /
 * CreateAuthContext) and reused for every packet.
 */
#ifndef IPSEC_ALGORITHMS_H
#define IPSEC_ALGORITHMS_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/// How the encryption transform works, which decides the ESP layout.
enum class IpsecCipherKind : uint8_t
{
    NONE_CIPHER, ///< null encryption (RFC 2410)
    CBC,         ///< block cipher in CBC mode, explicit IV = block size
    CTR,         ///< AES-CTR (RFC 3686): key || 4-byte nonce, 8-byte IV
    AEAD,        ///< AES-GCM (RFC 4106) / ChaCha20-Poly1305 (RFC 7634): key || 4-byte salt
};

/// One row of the ESP encryption table (setkey -E).
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

    /// ESP pad boundary: max(block size, 4) (KAME esp_output).
    uint8_t PadBoundary() const;
};

/// How the authentication transform computes its MAC.
enum class IpsecAuthKind : uint8_t
{
    NONE_AUTH,  ///< null: no ICV
    HMAC,       ///< RFC 2104 HMAC
    KEYED_HASH, ///< KAME keyed-md5 / keyed-sha1 (RFC 1828 style)
    XCBC,       ///< AES-XCBC-MAC-96 (RFC 3566)
};

/// One row of the authentication table (setkey -A).
struct IpsecAuthAlgorithm
{
    const char* name;   ///< setkey name, e.g. "hmac-sha1"
    uint8_t sadbId;     ///< SADB_AALG_* / SADB_X_AALG_* id
    IpsecAuthKind kind; ///< MAC construction
    const char* digest; ///< OpenSSL digest name ("MD5", "SHA1", "SHA256", ...); "" for XCBC/null
    uint16_t minKeyBits;
    uint16_t maxKeyBits;
    uint8_t kameIcvLen;  ///< ICV bytes KAME sends (12 for every HMAC; 0 for null)
    uint8_t rfcIcvLen;   ///< ICV bytes today's RFCs give (RFC 4868: 16/24/32 for SHA-2)
    bool availableForAh; ///< false for null (ESP only)
};

/// One row of the compression table (setkey -C).
struct IpsecCompAlgorithm
{
    const char* name; ///< "deflate", "oui", "lzs"
    uint8_t sadbId;   ///< SADB_X_CALG_*
    bool supported;   ///< only deflate is implemented (KAME rejects the others)
};

/// Which ICV length an HMAC-SHA-2 SA uses.
enum class IpsecIcvTruncation : uint8_t
{
    KAME_96 = 0,  ///< KAME: every HMAC truncated to 96 bits
    RFC_4868 = 1, ///< RFC 4868: half the digest (128/192/256 bits)
};

/// The whole tables, in SADB id order.
const std::vector<IpsecEncAlgorithm>& IpsecEncAlgorithms();
const std::vector<IpsecAuthAlgorithm>& IpsecAuthAlgorithms();
const std::vector<IpsecCompAlgorithm>& IpsecCompAlgorithms();

/// Lookups by setkey name (aliases included, e.g. "aes-cbc" -> rijndael-cbc,
/// "hmac-sha256" -> hmac-sha2-256).  nullptr when unknown.
const IpsecEncAlgorithm* FindEncAlgorithm(const std::string& name);
const IpsecAuthAlgorithm* FindAuthAlgorithm(const std::string& name);
const IpsecCompAlgorithm* FindCompAlgorithm(const std::string& name);
/// Lookups by SADB id.  nullptr when unknown.
const IpsecEncAlgorithm* FindEncAlgorithmById(uint8_t id);
const IpsecAuthAlgorithm* FindAuthAlgorithmById(uint8_t id);
const IpsecCompAlgorithm* FindCompAlgorithmById(uint8_t id);

/// Validates a key the way setkey/key_mature do.  Returns "" when the key is
/// acceptable, otherwise a message naming the algorithm and the expected
/// lengths, e.g. "3des-cbc needs a 192-bit key, got 128 bits" or
/// "weak key for des-cbc".
std::string CheckEncKey(const IpsecEncAlgorithm& alg, const std::vector<uint8_t>& key);
std::string CheckAuthKey(const IpsecAuthAlgorithm& alg, const std::vector<uint8_t>& key);
/// Human text of the accepted key sizes, e.g. "128, 192 or 256 bits", "40 to 448 bits".
std::string DescribeKeyBits(uint16_t minBits, uint16_t maxBits, const std::vector<uint16_t>& exact);

/**
 * Per-SA encryption state (an OpenSSL EVP context kept for the SA's life).
 * Encrypt/Decrypt work in place on @p len bytes.  @p iv points to the
 * explicit IV as carried in the packet (ivLen bytes).  For AEAD kinds
 * @p aad is authenticated and the tag is written to / checked against
 * @p icv (icvLen bytes); other kinds ignore aad and icv.
 * Decrypt returns false on an AEAD tag mismatch or a cipher error.
 */
class IpsecCipherContext
{
  public:
    virtual ~IpsecCipherContext() = default;
    virtual bool Encrypt(const uint8_t* iv,
                         const uint8_t* aad,
                         size_t aadLen,
                         uint8_t* data,
                         size_t len,
                         uint8_t* icv)
        = 0;
    virtual bool Decrypt(const uint8_t* iv,
                         const uint8_t* aad,
                         size_t aadLen,
                         uint8_t* data,
                         size_t len,
                         const uint8_t* icv)
        = 0;
};

/**
 * Per-SA authentication state.  Usage per packet: Begin(); Update()...;
 * Finish(out) writes IcvLength() bytes (the truncated ICV) and returns true,
 * or false when the crypto library failed anywhere since Begin(): the
 * caller then drops the packet (fail closed; the ICV bytes are not to be
 * used).
 */
class IpsecAuthContext
{
  public:
    virtual ~IpsecAuthContext() = default;
    virtual void Begin() = 0;
    virtual void Update(const uint8_t* data, size_t len) = 0;
    [[nodiscard]] virtual bool Finish(uint8_t* icv) = 0;
    virtual size_t IcvLength() const = 0;
};

/// Creates the per-SA context; nullptr (with @p error set) if OpenSSL cannot.
std::unique_ptr<IpsecCipherContext> CreateCipherContext(const IpsecEncAlgorithm& alg,
                                                        const std::vector<uint8_t>& key,
                                                        std::string* error);
std::unique_ptr<IpsecAuthContext> CreateAuthContext(const IpsecAuthAlgorithm& alg,
                                                    const std::vector<uint8_t>& key,
                                                    size_t icvLen,
                                                    std::string* error);

/// ICV length an SA with @p alg uses under @p mode (0 for null).
size_t IcvLengthFor(const IpsecAuthAlgorithm& alg, IpsecIcvTruncation mode);

/**
 * Loads OpenSSL's "default" and "legacy" providers into the default library
 * context, once, the first time it is called (DES, Blowfish and CAST5 live
 * in "legacy"; loading a provider explicitly turns off the implicit loading
 * of "default").  Every OpenSSL user in the module (the SA contexts here,
 * IKE's cryptography) calls it before fetching an algorithm.  False when
 * the legacy provider could not be loaded.
 */
bool IpsecLoadOpensslProviders();

} // namespace ns3

#endif /* IPSEC_ALGORITHMS_H */
