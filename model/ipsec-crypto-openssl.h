/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The crypto backend: how a row of the algorithm tables
 * (ipsec-algorithms.h) is computed.  An SA's contexts are created once,
 * when the SA matures (CreateCipherContext / CreateAuthContext), and reused
 * for every packet; they are built on OpenSSL 3 (EVP ciphers, EVP_MAC's
 * HMAC, KAME's keyed-md5 / keyed-sha1 on EVP digests, AES-XCBC-MAC on
 * AES-128-ECB), dispatched on the row's kind and the primitive it names.
 *
 * Every failure of the crypto library fails closed: a context reports it
 * (Encrypt/Decrypt or Finish return false) and the transform drops and
 * counts the datagram; no output is ever unencrypted or carries an ICV the
 * library did not compute.
 */
#ifndef IPSEC_CRYPTO_OPENSSL_H
#define IPSEC_CRYPTO_OPENSSL_H

#include "ipsec-algorithms.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-transforms
 * Per-SA encryption state (for the OpenSSL backend, two EVP contexts kept
 * for the SA's life, one keyed for each direction).
 */
class IpsecCipherContext
{
  public:
    virtual ~IpsecCipherContext() = default;
    /**
     * Encrypts @p len bytes in place.
     * @param iv the explicit IV as carried in the packet (the row's ivLen bytes)
     * @param aad bytes an AEAD authenticates (the ESP header); ignored by other kinds
     * @param aadLen length of @p aad
     * @param data the bytes to encrypt, overwritten with the ciphertext
     * @param len length of @p data (a multiple of the block size for CBC)
     * @param icv where an AEAD writes its tag (the row's icvLen bytes); ignored by other kinds
     * @return false when the crypto library failed: the output must not be used
     */
    virtual bool Encrypt(const uint8_t* iv,
                         const uint8_t* aad,
                         size_t aadLen,
                         uint8_t* data,
                         size_t len,
                         uint8_t* icv)
        = 0;
    /**
     * Decrypts @p len bytes in place.
     * @param iv the explicit IV as carried in the packet (the row's ivLen bytes)
     * @param aad bytes an AEAD authenticates (the ESP header); ignored by other kinds
     * @param aadLen length of @p aad
     * @param data the bytes to decrypt, overwritten with the plaintext
     * @param len length of @p data (a multiple of the block size for CBC)
     * @param icv the tag an AEAD checks (the row's icvLen bytes); ignored by other kinds
     * @return false on an AEAD tag mismatch or a cipher error
     */
    virtual bool Decrypt(const uint8_t* iv,
                         const uint8_t* aad,
                         size_t aadLen,
                         uint8_t* data,
                         size_t len,
                         const uint8_t* icv)
        = 0;
};

/**
 * @ingroup ipsec-transforms
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
    /// Starts the ICV of a new packet.
    virtual void Begin() = 0;
    /**
     * Adds bytes to the ICV.
     * @param data the bytes
     * @param len their length
     */
    virtual void Update(const uint8_t* data, size_t len) = 0;
    /**
     * Ends the ICV.
     * @param icv where the IcvLength() bytes are written
     * @return false when the crypto library failed since Begin()
     */
    [[nodiscard]] virtual bool Finish(uint8_t* icv) = 0;
    /**
     * The ICV length.
     * @return the bytes Finish writes
     */
    virtual size_t IcvLength() const = 0;
};

/**
 * @ingroup ipsec-transforms
 * Creates an SA's encryption context.
 * @param alg the row
 * @param key the SA's key, salt or nonce included
 * @param error set to the reason when the backend cannot (may be nullptr)
 * @return the context, or nullptr when OpenSSL cannot provide it
 */
std::unique_ptr<IpsecCipherContext> CreateCipherContext(const IpsecEncAlgorithm& alg,
                                                        const std::vector<uint8_t>& key,
                                                        std::string* error);
/**
 * @ingroup ipsec-transforms
 * Creates an SA's authentication context.
 * @param alg the row
 * @param key the SA's key
 * @param icvLen the ICV bytes the SA sends (IcvLengthFor)
 * @param error set to the reason when the backend cannot (may be nullptr)
 * @return the context, or nullptr when OpenSSL cannot provide it
 */
std::unique_ptr<IpsecAuthContext> CreateAuthContext(const IpsecAuthAlgorithm& alg,
                                                    const std::vector<uint8_t>& key,
                                                    size_t icvLen,
                                                    std::string* error);

/**
 * @ingroup ipsec-transforms
 * Whether the backend can compute @p alg on this machine (OpenSSL has the
 * digest the row names; hmac-ripemd160 is missing from some builds).
 * @param alg the row
 * @return true when CreateAuthContext can build it
 */
bool IpsecCryptoAvailable(const IpsecAuthAlgorithm& alg);

/**
 * @ingroup ipsec-transforms
 * Loads OpenSSL's "default" and "legacy" providers into the default library
 * context, once, the first time it is called (DES, Blowfish and CAST5 live
 * in "legacy"; loading a provider explicitly turns off the implicit loading
 * of "default").  Every OpenSSL user in the module (the SA contexts here,
 * IKE's cryptography) calls it before fetching an algorithm.
 * @return false when the legacy provider could not be loaded
 */
bool IpsecLoadOpensslProviders();

/**
 * @ingroup ipsec-transforms
 * Drains OpenSSL's error queue into one line, for the messages of every
 * OpenSSL user in the module.
 * @return the queued errors, separated by "; ", or "unknown OpenSSL error"
 *         when the queue was empty
 */
std::string IpsecOpensslError();

} // namespace ns3

#endif /* IPSEC_CRYPTO_OPENSSL_H */
