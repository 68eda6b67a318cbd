// SPDX-License-Identifier: GPL-2.0-only
/*
 * Published known answers that several suites check: the CBC vectors of
 * RFC 3602, NIST SP 800-38A, FIPS 81, NIST SP 800-67, Eric Young's Blowfish
 * vectors and RFC 2144, run through the ESP cipher contexts (ipsec-crypto-kat)
 * and IKE's phase-1 CBC (ipsec-ike-crypto); the HMAC cases of RFC 2202 and
 * RFC 4231, through the ESP authentication contexts and IKE's prf.  Every
 * value is typed in from its source (named next to it), never computed by
 * the code under test.
 */
#ifndef IPSEC_TEST_VECTORS_H
#define IPSEC_TEST_VECTORS_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{
namespace ipsectest
{

/// One published CBC encryption.
struct CbcVector
{
    std::string label;           ///< the source, e.g. "FIPS 81 DES-CBC"
    std::string esp;             ///< the setkey name of the cipher (an alias for some)
    std::string ike;             ///< racoon's name of the cipher
    std::vector<uint8_t> key;    ///< the key
    std::vector<uint8_t> iv;     ///< the IV (zero for a single ECB block)
    std::vector<uint8_t> plain;  ///< the plaintext, whole blocks
    std::vector<uint8_t> cipher; ///< the ciphertext
};

/// The published CBC vectors of AES, DES, 3DES, Blowfish and CAST-128.
const std::vector<CbcVector>& PublishedCbcVectors();

/// An HMAC test case's inputs.
struct MacCase
{
    std::vector<uint8_t> key;  ///< the key
    std::vector<uint8_t> data; ///< the data
};

/// RFC 2202 / RFC 2286 test cases 1-7, with keys of @p keyLen bytes where
/// the RFC's follow the hash (16 for MD5, 20 for SHA-1 and RIPEMD-160).
std::vector<MacCase> Rfc2202Cases(size_t keyLen);
/// RFC 2202 section 2: the HMAC-MD5 digests of cases 1-7.
const std::vector<const char*>& Rfc2202Md5();
/// RFC 2202 section 3: the HMAC-SHA-1 digests of cases 1-7.
const std::vector<const char*>& Rfc2202Sha1();

/// RFC 4231 section 4 test cases 1-4, 6 and 7 (case 5 is truncated).
std::vector<MacCase> Rfc4231Cases();
/// The RFC's numbers of Rfc4231Cases(): 1, 2, 3, 4, 6, 7.
const std::vector<int>& Rfc4231Numbers();
/// RFC 4231's HMAC-SHA-256 digests of Rfc4231Cases().
const std::vector<const char*>& Rfc4231Sha256();
/// RFC 4231's HMAC-SHA-384 digests of Rfc4231Cases().
const std::vector<const char*>& Rfc4231Sha384();
/// RFC 4231's HMAC-SHA-512 digests of Rfc4231Cases().
const std::vector<const char*>& Rfc4231Sha512();

} // namespace ipsectest
} // namespace ns3

#endif /* IPSEC_TEST_VECTORS_H */
