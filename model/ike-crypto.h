/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IKEv1's cryptography (RFC 2409), with OpenSSL: the MODP Diffie-Hellman
 * groups (RFC 2409 section 6, RFC 3526), the negotiated hash as PRF (HMAC),
 * SKEYID and its derivatives, the phase-1 encryption key and IVs, the
 * HASH_I/HASH_R and quick-mode hashes, KEYMAT and its expansion, and the
 * phase-1 block ciphers in CBC mode (computed by the data path's backend,
 * ipsec-crypto-openssl.h).  Everything works on byte vectors; the
 * algorithms are rows of tables.  Random values (DH private exponents) come
 * from the caller (an ns-3 random stream), so runs are deterministic.
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

/**
 * @defgroup ipsec-ike The simulated racoon (IKEv1)
 * @ingroup ipsec
 * A simulated racoon: ISAKMP messages, IKEv1's cryptography, racoon.conf
 * and psk.txt, proposals, and the daemon that negotiates SAs over the
 * simulated network and installs them through PF_KEY.
 */

/// Bytes, as IKE's computations take and give them.
using IkeBytes = std::vector<uint8_t>;

/**
 * @ingroup ipsec-ike
 * A MODP group (RFC 2409 section 6, RFC 3526).
 */
struct IkeDhGroup
{
    uint16_t id;        ///< Oakley group number: 1, 2, 5, 14, 15, 16, 17, 18
    const char* name;   ///< racoon's name: "modp768", "modp1024", ...
    uint32_t bits;      ///< modulus length
    uint32_t generator; ///< the generator

    /**
     * A group by number.
     * @param id the Oakley group number
     * @return the group, or nullptr
     */
    static const IkeDhGroup* ById(uint16_t id);
    /**
     * A group by name.
     * @param name "modp1024" or "2"
     * @return the group, or nullptr
     */
    static const IkeDhGroup* ByName(const std::string& name);
    /**
     * Every group.
     * @return the groups, in Oakley id order
     */
    static const std::vector<IkeDhGroup>& All();

    /**
     * The modulus length in bytes.
     * @return the length of public values and shared secrets
     */
    uint32_t Bytes() const;

    /**
     * The prime (OpenSSL's copy of the RFC's: BN_get_rfc2409_prime_* and
     * BN_get_rfc3526_prime_*).
     * @return p, big-endian, Bytes() long
     */
    IkeBytes Prime() const;
};

/**
 * @ingroup ipsec-ike
 * One side's Diffie-Hellman: a private exponent, the public value, the shared secret.
 */
class IkeDh
{
  public:
    /**
     * Chooses the private exponent and computes the public value g^x mod p,
     * padded to the modulus length.  The exponent's top bit is then set, as
     * OpenSSL's BN_rand(x, bits, 0, 0) did for racoon, so it has exactly
     * GetExponentBits() bits.
     * @param group the group
     * @param random big-endian bytes, at least ceil(bits / 8) of them (a
     *        fatal error otherwise: a caller's bug)
     * @param exponentBits the exponent is the first this many bits of
     *        @p random, or the modulus length less one when 0 (classic
     *        racoon's full-length exponents); below the modulus length
     */
    IkeDh(const IkeDhGroup& group, const IkeBytes& random, uint32_t exponentBits = 0);

    /**
     * The group.
     * @return the group
     */
    const IkeDhGroup& GetGroup() const;
    /**
     * The exponent's length (for the CPU model).
     * @return the bits of the private exponent
     */
    uint32_t GetExponentBits() const;
    /**
     * The public value.
     * @return g^x mod p, padded to the modulus length
     */
    const IkeBytes& GetPublic() const;
    /**
     * The shared secret.
     * @param peerPublic the peer's public value
     * @param shared set to g^xy mod p, padded to the modulus length
     * @return false when the peer's value is not in [2, p-2] or has the wrong length
     */
    bool ComputeShared(const IkeBytes& peerPublic, IkeBytes* shared) const;

  private:
    const IkeDhGroup* m_group;
    IkeBytes m_private;
    uint32_t m_exponentBits;
    IkeBytes m_public;
};

/**
 * @ingroup ipsec-ike
 * A hash / PRF algorithm (Oakley hash attribute values).
 */
struct IkeHashAlg
{
    uint16_t id;      ///< 1 md5, 2 sha1, 4 sha256, 5 sha384, 6 sha512
    const char* name; ///< racoon's name: "md5", "sha1", "sha256", ...
    uint32_t length;  ///< output bytes

    /**
     * A hash by Oakley value.
     * @param id the value
     * @return the hash, or nullptr
     */
    static const IkeHashAlg* ById(uint16_t id);
    /**
     * A hash by name.
     * @param name racoon's names and its aliases ("sha2_256" for "sha256",
     *        ...) or the id ("2")
     * @return the hash, or nullptr
     */
    static const IkeHashAlg* ByName(const std::string& name);
    /**
     * Every hash.
     * @return the hashes, in Oakley id order
     */
    static const std::vector<IkeHashAlg>& All();
};

/**
 * @ingroup ipsec-ike
 * A phase-1 cipher (Oakley encryption attribute values), CBC.
 */
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

    /**
     * A cipher by Oakley value.
     * @param id the value
     * @return the cipher, or nullptr
     */
    static const IkeCipherAlg* ById(uint16_t id);
    /**
     * A cipher by name.
     * @param name racoon's names ("rijndael" too) or the id ("7")
     * @return the cipher, or nullptr
     */
    static const IkeCipherAlg* ByName(const std::string& name);
    /**
     * Every cipher.
     * @return the ciphers, in Oakley id order
     */
    static const std::vector<IkeCipherAlg>& All();

    /**
     * Whether a key length is valid.
     * @param bits the key length
     * @return aes: 128, 192 or 256; others: a multiple of 8 in [minKeyBits, maxKeyBits]
     */
    bool IsValidKeyBits(uint32_t bits) const;
};

/**
 * @ingroup ipsec-ike
 * hash(data).
 * @param h the hash
 * @param data the data
 * @return the digest
 */
IkeBytes IkeHash(const IkeHashAlg& h, const IkeBytes& data);
/**
 * @ingroup ipsec-ike
 * prf(key, data): HMAC with the negotiated hash.
 * @param h the hash
 * @param key the key
 * @param data the data
 * @return the HMAC
 */
IkeBytes IkePrf(const IkeHashAlg& h, const IkeBytes& key, const IkeBytes& data);

/**
 * @ingroup ipsec-ike
 * Concatenation.
 * @param parts a, b, ...
 * @return a | b | ...
 */
IkeBytes IkeConcat(std::initializer_list<IkeBytes> parts);

/**
 * @ingroup ipsec-ike
 * The phase-1 keying material (RFC 2409 section 5, pre-shared keys).
 */
struct IkePhase1Keys
{
    IkeBytes skeyid;  ///< SKEYID = prf(PSK, Ni_b | Nr_b)
    IkeBytes skeyidD; ///< SKEYID_d, for KEYMAT
    IkeBytes skeyidA; ///< SKEYID_a, for the hashes
    IkeBytes skeyidE; ///< SKEYID_e, for the encryption key
    IkeBytes encKey;  ///< the cipher key: SKEYID_e, expanded when too short (appendix B)
    IkeBytes iv;      ///< the first phase-1 IV: hash(g^xi | g^xr), one block
};

/**
 * @ingroup ipsec-ike
 * The phase-1 encryption key from SKEYID_e (RFC 2409 appendix B): its first
 * bytes when it is long enough, else K1 | K2 | ... with K1 = prf(SKEYID_e, 0)
 * (one zero byte) and Kn = prf(SKEYID_e, K(n-1)).
 * @param h the hash
 * @param skeyidE SKEYID_e
 * @param keyBytes the key length
 * @return the key
 */
IkeBytes IkeEncryptionKey(const IkeHashAlg& h, const IkeBytes& skeyidE, uint32_t keyBytes);

/**
 * @ingroup ipsec-ike
 * The first phase-1 IV (RFC 2409 appendix B).
 * @param h the hash
 * @param cipher the cipher (its block size)
 * @param gxi the initiator's public value
 * @param gxr the responder's public value
 * @return hash(g^xi | g^xr), its first block
 */
IkeBytes IkePhase1Iv(const IkeHashAlg& h,
                     const IkeCipherAlg& cipher,
                     const IkeBytes& gxi,
                     const IkeBytes& gxr);

/**
 * @ingroup ipsec-ike
 * The phase-1 keys with pre-shared keys: SKEYID = prf(PSK, Ni_b | Nr_b);
 * SKEYID_d/_a/_e; the encryption key; the initial IV.
 * @param h the hash
 * @param cipher the cipher
 * @param keyBytes the cipher key's length
 * @param psk the pre-shared key
 * @param niB the initiator's nonce
 * @param nrB the responder's nonce
 * @param gxy the shared secret
 * @param gxi the initiator's public value
 * @param gxr the responder's public value
 * @param ckyI the initiator's cookie
 * @param ckyR the responder's cookie
 * @return the keys
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

/**
 * @ingroup ipsec-ike
 * HASH_I or HASH_R (RFC 2409 section 5):
 * HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b) and
 * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b), the
 * same from the responder's side.
 * @param h the hash
 * @param skeyid SKEYID
 * @param initiators true for HASH_I, false for HASH_R
 * @param gxi the initiator's public value
 * @param gxr the responder's public value
 * @param ckyI the initiator's cookie
 * @param ckyR the responder's cookie
 * @param saiB the initiator's SA payload body
 * @param idB the ID payload body of the side whose hash it is: IDii_b for
 *        HASH_I, IDir_b for HASH_R
 * @return HASH_I or HASH_R
 */
IkeBytes IkePhase1Hash(const IkeHashAlg& h,
                       const IkeBytes& skeyid,
                       bool initiators,
                       const IkeBytes& gxi,
                       const IkeBytes& gxr,
                       const IkeBytes& ckyI,
                       const IkeBytes& ckyR,
                       const IkeBytes& saiB,
                       const IkeBytes& idB);

/*
 * Message IDs: @p messageId is the ISAKMP header's M-ID read as a
 * big-endian number; the hashes and IVs below write it as those 4 bytes
 * (racoon copies the header's bytes).
 */

/**
 * @ingroup ipsec-ike
 * The IV of a phase-2 or informational exchange.
 * @param h the hash
 * @param cipher the cipher (its block size)
 * @param lastPhase1Block the last CBC block of phase 1
 * @param messageId the exchange's M-ID
 * @return hash(last phase-1 CBC block | M-ID), one block
 */
IkeBytes IkePhase2Iv(const IkeHashAlg& h,
                     const IkeCipherAlg& cipher,
                     const IkeBytes& lastPhase1Block,
                     uint32_t messageId);

/**
 * @ingroup ipsec-ike
 * HASH(1) = prf(SKEYID_a, M-ID | rest), of quick mode (RFC 2409 section
 * 5.5) and of an informational exchange (section 5.7, its N/D payloads).
 * @param h the hash
 * @param skeyidA SKEYID_a
 * @param messageId the exchange's M-ID
 * @param rest the message's payloads after the HASH payload, generic headers included
 * @return HASH(1)
 */
IkeBytes IkeHash1(const IkeHashAlg& h,
                  const IkeBytes& skeyidA,
                  uint32_t messageId,
                  const IkeBytes& rest);
/**
 * @ingroup ipsec-ike
 * Quick mode's HASH(2) = prf(SKEYID_a, M-ID | Ni_b | rest).
 * @param h the hash
 * @param skeyidA SKEYID_a
 * @param messageId the exchange's M-ID
 * @param niB the initiator's nonce
 * @param rest the message's payloads after the HASH payload, generic headers included
 * @return HASH(2)
 */
IkeBytes IkeQuickHash2(const IkeHashAlg& h,
                       const IkeBytes& skeyidA,
                       uint32_t messageId,
                       const IkeBytes& niB,
                       const IkeBytes& rest);
/**
 * @ingroup ipsec-ike
 * Quick mode's HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b); the 0 is one byte.
 * @param h the hash
 * @param skeyidA SKEYID_a
 * @param messageId the exchange's M-ID
 * @param niB the initiator's nonce
 * @param nrB the responder's nonce
 * @return HASH(3)
 */
IkeBytes IkeQuickHash3(const IkeHashAlg& h,
                       const IkeBytes& skeyidA,
                       uint32_t messageId,
                       const IkeBytes& niB,
                       const IkeBytes& nrB);
/**
 * @ingroup ipsec-ike
 * KEYMAT for one SA and direction:
 * prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b), expanded
 * K1 | K2 | ... with Kn = prf(SKEYID_d, K(n-1) | seed) (RFC 2409 section 5.5).
 * @param h the hash
 * @param skeyidD SKEYID_d
 * @param gxyQm quick mode's shared secret (PFS), or empty
 * @param protocol the SA's protocol
 * @param spi the SPI the receiving side chose, 4 bytes as racoon writes it
 *        (an IPComp CPI too: two zero bytes and the CPI; IPComp uses no
 *        keys); any length is accepted, the bytes are used as given
 * @param niB the initiator's nonce
 * @param nrB the responder's nonce
 * @param length the bytes wanted
 * @return KEYMAT
 */
IkeBytes IkeKeymat(const IkeHashAlg& h,
                   const IkeBytes& skeyidD,
                   const IkeBytes& gxyQm,
                   uint8_t protocol,
                   const IkeBytes& spi,
                   const IkeBytes& niB,
                   const IkeBytes& nrB,
                   uint32_t length);

/**
 * @ingroup ipsec-ike
 * CBC encryption.
 * @param cipher the cipher
 * @param key the key
 * @param iv the IV
 * @param data a whole number of blocks
 * @param out the ciphertext
 * @return false on an OpenSSL failure
 */
bool IkeCbcEncrypt(const IkeCipherAlg& cipher,
                   const IkeBytes& key,
                   const IkeBytes& iv,
                   const IkeBytes& data,
                   IkeBytes* out);
/**
 * @ingroup ipsec-ike
 * CBC decryption.
 * @param cipher the cipher
 * @param key the key
 * @param iv the IV
 * @param data a whole number of blocks
 * @param out the plaintext
 * @return false on an OpenSSL failure
 */
bool IkeCbcDecrypt(const IkeCipherAlg& cipher,
                   const IkeBytes& key,
                   const IkeBytes& iv,
                   const IkeBytes& data,
                   IkeBytes* out);

} // namespace ns3

#endif /* IKE_CRYPTO_H */
