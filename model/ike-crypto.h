/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IKEv1's cryptography (RFC 2409), with OpenSSL: the MODP Diffie-Hellman
 * groups (RFC 2409 section 6, RFC 3526), the negotiated hash as PRF (HMAC),
 * SKEYID and its derivatives, the phase-1 encryption key and IVs, the
 * HASH_I/HASH_R and quick-mode hashes, KEYMAT and its expansion, and the
 * phase-1 block ciphers in CBC mode.  Everything works on byte vectors;
 * the algorithms are rows of tables.  Random values (DH private exponents)
 * come from the caller (an ns-3 random stream), so runs are deterministic.
 *
 * Encodings, as racoon's oakley.c: DH public values and shared secrets are
 * big-endian and left-padded to the modulus length.
 */
#ifndef IKE_CRYPTO_H
#define IKE_CRYPTO_H

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace ns3
{

using IkeBytes = std::vector<uint8_t>;

/// A MODP group (RFC 2409 section 6, RFC 3526).
struct IkeDhGroup
{
    uint16_t id;      ///< Oakley group number: 1, 2, 5, 14, 15, 16, 17, 18
    const char* name; ///< racoon's name: "modp768", "modp1024", ...
    uint32_t bits;    ///< modulus length
    const char* primeHex;
    uint32_t generator;

    static const IkeDhGroup* ById(uint16_t id);
    static const IkeDhGroup* ByName(const std::string& name); ///< "modp1024" or "2"
    /// Every group, in Oakley id order.
    static const std::vector<IkeDhGroup>& All();

    /// The modulus length in bytes (the length of public values and shared secrets).
    uint32_t Bytes() const;
};

/// One side's Diffie-Hellman: a private exponent, the public value, the shared secret.
class IkeDh
{
  public:
    /**
     * Chooses the private exponent from @p random (big-endian bytes; the
     * exponent is their first @p exponentBits bits, or the modulus length
     * less one when 0 -- classic racoon's full-length exponents) and
     * computes the public value g^x mod p, padded to the modulus length.
     * The exponent's top bit is then set, as OpenSSL's BN_rand(x, bits, 0, 0)
     * did for racoon, so it has exactly GetExponentBits() bits.  @p random
     * must hold at least ceil(bits / 8) bytes and @p exponentBits must be
     * below the modulus length (a fatal error otherwise: a caller's bug).
     */
    IkeDh(const IkeDhGroup& group, const IkeBytes& random, uint32_t exponentBits = 0);

    const IkeDhGroup& GetGroup() const;
    /// Bits of the private exponent (for the CPU model).
    uint32_t GetExponentBits() const;
    const IkeBytes& GetPublic() const;
    /**
     * g^xy mod p from the peer's public value, padded to the modulus length;
     * false when the peer's value is not in [2, p-2] or has the wrong length.
     */
    bool ComputeShared(const IkeBytes& peerPublic, IkeBytes* shared) const;

  private:
    const IkeDhGroup* m_group;
    IkeBytes m_private;
    uint32_t m_exponentBits;
    IkeBytes m_public;
};

/// A hash / PRF algorithm (Oakley hash attribute values).
struct IkeHashAlg
{
    uint16_t id;      ///< 1 md5, 2 sha1, 4 sha256, 5 sha384, 6 sha512
    const char* name; ///< racoon's name: "md5", "sha1", "sha256", ...
    uint32_t length;  ///< output bytes

    static const IkeHashAlg* ById(uint16_t id);
    /// racoon's names and its aliases ("sha2_256" for "sha256", ...) or the id ("2").
    static const IkeHashAlg* ByName(const std::string& name);
    /// Every hash, in Oakley id order.
    static const std::vector<IkeHashAlg>& All();
};

/// A phase-1 cipher (Oakley encryption attribute values), CBC.
struct IkeCipherAlg
{
    uint16_t id;             ///< 1 des, 3 blowfish, 5 3des, 6 cast128, 7 aes
    const char* name;        ///< racoon's name
    uint32_t blockSize;      ///< bytes
    uint32_t defaultKeyBits; ///< key length when none is negotiated
    bool variableKeyLength;  ///< a key length attribute may be negotiated
    uint32_t minKeyBits;     ///< shortest key (racoon's check_keylen / eay_*_keylen)
    uint32_t maxKeyBits;     ///< longest key
    /**
     * The key length racoon uses when a received proposal has no Key Length
     * attribute (its eay_*_keylen(0)): defaultKeyBits except for blowfish,
     * 448, while racoon.conf's default (and what racoon proposes) is 128.
     */
    uint32_t keyBitsWithoutAttribute;

    static const IkeCipherAlg* ById(uint16_t id);
    /// racoon's names ("rijndael" too) or the id ("7").
    static const IkeCipherAlg* ByName(const std::string& name);
    /// Every cipher, in Oakley id order.
    static const std::vector<IkeCipherAlg>& All();

    /// Whether a key of @p bits bits is valid (aes: 128, 192 or 256; others
    /// a multiple of 8 in [minKeyBits, maxKeyBits]).
    bool IsValidKeyBits(uint32_t bits) const;
};

/// hash(data).
IkeBytes IkeHash(const IkeHashAlg& h, const IkeBytes& data);
/// prf(key, data) = HMAC with hash @p h.
IkeBytes IkePrf(const IkeHashAlg& h, const IkeBytes& key, const IkeBytes& data);

/// a | b | ...
IkeBytes IkeConcat(std::initializer_list<IkeBytes> parts);

/// The phase-1 keying material (RFC 2409 section 5, pre-shared keys).
struct IkePhase1Keys
{
    IkeBytes skeyid;
    IkeBytes skeyidD;
    IkeBytes skeyidA;
    IkeBytes skeyidE;
    IkeBytes encKey; ///< the cipher key: SKEYID_e, expanded when too short (appendix B)
    IkeBytes iv;     ///< the first phase-1 IV: hash(g^xi | g^xr), one block
};

/**
 * The phase-1 encryption key of @p keyBytes bytes from SKEYID_e (RFC 2409
 * appendix B): its first bytes when it is long enough, else K1 | K2 | ...
 * with K1 = prf(SKEYID_e, 0) (one zero byte) and Kn = prf(SKEYID_e, K(n-1)).
 */
IkeBytes IkeEncryptionKey(const IkeHashAlg& h, const IkeBytes& skeyidE, uint32_t keyBytes);

/// The first phase-1 IV: hash(g^xi | g^xr), its first block (RFC 2409 appendix B).
IkeBytes IkePhase1Iv(const IkeHashAlg& h,
                     const IkeCipherAlg& cipher,
                     const IkeBytes& gxi,
                     const IkeBytes& gxr);

/**
 * SKEYID = prf(PSK, Ni_b | Nr_b); SKEYID_d/_a/_e; the encryption key of
 * @p keyBytes bytes; the initial IV for @p cipher.  @p gxi and @p gxr are
 * the initiator's and the responder's public values.
 */
IkePhase1Keys IkeDerivePhase1Psk(const IkeHashAlg& h,
                                 const IkeCipherAlg& cipher,
                                 uint32_t keyBytes,
                                 const IkeBytes& psk,
                                 const IkeBytes& niB,
                                 const IkeBytes& nrB,
                                 const IkeBytes& gxy,
                                 const IkeBytes& gxi,
                                 const IkeBytes& gxr,
                                 const IkeBytes& ckyI,
                                 const IkeBytes& ckyR);

/// HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b).
IkeBytes IkeHashI(const IkeHashAlg& h,
                  const IkeBytes& skeyid,
                  const IkeBytes& gxi,
                  const IkeBytes& gxr,
                  const IkeBytes& ckyI,
                  const IkeBytes& ckyR,
                  const IkeBytes& saiB,
                  const IkeBytes& idiiB);
/// HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b).
IkeBytes IkeHashR(const IkeHashAlg& h,
                  const IkeBytes& skeyid,
                  const IkeBytes& gxi,
                  const IkeBytes& gxr,
                  const IkeBytes& ckyI,
                  const IkeBytes& ckyR,
                  const IkeBytes& saiB,
                  const IkeBytes& idirB);

/*
 * Message IDs: @p messageId is the ISAKMP header's M-ID read as a
 * big-endian number; the hashes and IVs below write it as those 4 bytes
 * (racoon copies the header's bytes).
 */

/// The IV of a phase-2 or informational exchange: hash(last phase-1 CBC block | M-ID), one block.
IkeBytes IkePhase2Iv(const IkeHashAlg& h,
                     const IkeCipherAlg& cipher,
                     const IkeBytes& lastPhase1Block,
                     uint32_t messageId);

/// HASH(1) = prf(SKEYID_a, M-ID | rest), HASH(2) = prf(SKEYID_a, M-ID | Ni_b | rest)
/// (@p rest: the message's payloads after the HASH payload, generic headers included).
IkeBytes IkeQuickHash1(const IkeHashAlg& h,
                       const IkeBytes& skeyidA,
                       uint32_t messageId,
                       const IkeBytes& rest);
IkeBytes IkeQuickHash2(const IkeHashAlg& h,
                       const IkeBytes& skeyidA,
                       uint32_t messageId,
                       const IkeBytes& niB,
                       const IkeBytes& rest);
/// HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b); the 0 is one byte.
IkeBytes IkeQuickHash3(const IkeHashAlg& h,
                       const IkeBytes& skeyidA,
                       uint32_t messageId,
                       const IkeBytes& niB,
                       const IkeBytes& nrB);
/// The HASH of an informational exchange: prf(SKEYID_a, M-ID | N/D payloads).
IkeBytes IkeInfoHash(const IkeHashAlg& h,
                     const IkeBytes& skeyidA,
                     uint32_t messageId,
                     const IkeBytes& rest);

/**
 * KEYMAT for one SA and direction, @p length bytes:
 * prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b), expanded
 * K1 | K2 | ... with Kn = prf(SKEYID_d, K(n-1) | seed) (RFC 2409 section 5.5).
 * @p spi is the SPI the receiving side chose, 4 bytes as racoon writes it
 * (an IPComp CPI too: two zero bytes and the CPI; IPComp uses no keys).
 * Any length is accepted; the bytes are used as given.
 */
IkeBytes IkeKeymat(const IkeHashAlg& h,
                   const IkeBytes& skeyidD,
                   const IkeBytes& gxyQm,
                   uint8_t protocol,
                   const IkeBytes& spi,
                   const IkeBytes& niB,
                   const IkeBytes& nrB,
                   uint32_t length);

/// CBC with @p cipher; @p data a whole number of blocks.  False on an OpenSSL failure.
bool IkeCbcEncrypt(const IkeCipherAlg& cipher,
                   const IkeBytes& key,
                   const IkeBytes& iv,
                   const IkeBytes& data,
                   IkeBytes* out);
bool IkeCbcDecrypt(const IkeCipherAlg& cipher,
                   const IkeBytes& key,
                   const IkeBytes& iv,
                   const IkeBytes& data,
                   IkeBytes* out);

} // namespace ns3

#endif /* IKE_CRYPTO_H */
