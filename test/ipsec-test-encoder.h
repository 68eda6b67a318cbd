// SPDX-License-Identifier: GPL-2.0-only
/*
 * An ESP/AH/IPv4/IPv6 packet builder and checker for the tests, written from
 * the RFCs on OpenSSL and independent of the module: it includes and calls
 * nothing of model/ (no ipsec-esp.h, ipsec-ah.h, ipsec-algorithms.h), so a
 * wire-format error the module makes symmetrically on output and input
 * cannot hide behind it.  The tests use it two ways:
 *  - as an encoder: known-answer and attack datagrams sent to a node
 *    (ipsec-wire, ipsec-bad-input);
 *  - as a decoder: the ESP and AH of a node's pcap decrypted and their
 *    ICVs recomputed (ipsec-wire), for the algorithms tshark cannot check
 *    and, as a second opinion, for the others.
 *
 * What it implements, and from where:
 *  - ESP (RFC 4303 section 2): SPI, sequence number, explicit IV, payload,
 *    padding 1, 2, 3, ... (section 2.4) to the cipher's boundary (the block
 *    size, at least 4), pad length, next header, ICV over SPI..trailer
 *    (section 3.3.4);
 *  - CBC ciphers (des-cbc RFC 2405, 3des-cbc and blowfish-cbc RFC 2451,
 *    cast128-cbc RFC 2144/2451, rijndael-cbc RFC 3602): IV = one block;
 *  - aes-ctr (RFC 3686): key || 4-byte nonce, 8-byte IV, counter block
 *    nonce || IV || 1 (section 4);
 *  - aes-gcm-16 (RFC 4106): key || 4-byte salt, 8-byte IV, nonce salt || IV
 *    (section 4), AAD SPI || sequence number (section 5), 16-byte tag;
 *  - chacha20-poly1305 (RFC 7634): 256-bit key || 4-byte salt, nonce
 *    salt || IV (section 2), the same AAD (section 2.1), 16-byte tag;
 *  - null encryption (RFC 2410);
 *  - HMAC-MD5-96 (RFC 2403), HMAC-SHA-1-96 (RFC 2404), HMAC-SHA-256/384/512
 *    (RFC 4868; truncated to 96 bits as KAME does, or to half the digest),
 *    HMAC-RIPEMD-160-96 (RFC 2857), AES-XCBC-MAC-96 (RFC 3566 section 4),
 *    keyed-MD5 and keyed-SHA1 as KAME's ah_keyed_md5_init /
 *    ah_keyed_sha1_init compute them (RFC 1828/1852: key, the hash's own
 *    padding of the key with its bit length little-endian, data, key);
 *  - AH (RFC 4302 section 2): next header, payload length, SPI, sequence
 *    number, ICV padded to 32 bits (IPv4) or 64 bits (IPv6); the ICV over
 *    the IP header with the mutable fields zeroed (section 3.3.3.1: IPv4
 *    TOS, flags and fragment offset, TTL, checksum; IPv6 traffic class,
 *    flow label, hop limit), the AH header with the ICV zeroed, and the
 *    payload;
 *  - IPv4 (RFC 791, header checksum), IPv6 (RFC 8200), UDP (RFC 768, the
 *    checksum over the pseudo header of RFC 768 / RFC 8200 section 8.1).
 */
#ifndef IPSEC_TEST_ENCODER_H
#define IPSEC_TEST_ENCODER_H

#include "ipsec-test-bytes.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{
namespace ipsectest
{

using Bytes = std::vector<uint8_t>;

/// An SA as the encoder sees it: setkey's algorithm names and the raw keys.
struct WireSa
{
    uint32_t spi{0};
    std::string enc;  ///< setkey -E name ("" for AH or no encryption)
    Bytes encKey;     ///< with the trailing nonce/salt for aes-ctr, aes-gcm-16, chacha20
    std::string auth; ///< setkey -A name ("" or "null": no ICV)
    Bytes authKey;
    size_t icvLen{12}; ///< ICV bytes of auth (12 as KAME; RFC 4868: 16/24/32)
};

/// How an ESP encryption algorithm lays out the packet (from its RFC).
struct EspCipherLayout
{
    enum Kind
    {
        NUL,
        CBC,
        CTR,
        GCM,
        CHACHA
    };

    Kind kind{NUL};
    size_t blockSize{1}; ///< cipher block (1 for stream modes)
    size_t ivLen{0};     ///< explicit IV bytes in each packet
    size_t saltLen{0};   ///< trailing key bytes that are nonce/salt
    size_t tagLen{0};    ///< AEAD tag bytes
    size_t padBoundary{4};
};

/// The layout of setkey's encryption algorithm @p enc; false if unknown.
bool EspLayout(const std::string& enc, EspCipherLayout& out);

/// Whether @p auth is one of the MACs the encoder knows ("" and "null" are no MAC).
bool KnownMac(const std::string& auth);

/// The untruncated MAC of @p data under @p auth; false on an unknown
/// algorithm or a crypto-library error.
bool ComputeMac(const std::string& auth, const Bytes& key, const Bytes& data, Bytes& mac);

/// AES-XCBC-MAC (RFC 3566 section 4), the full 128 bits.
bool AesXcbcMac(const Bytes& key, const Bytes& data, Bytes& mac);

/// Encrypts (@p encrypt) or decrypts @p data with the ESP cipher of @p sa:
/// CBC/CTR/null in place; for the AEADs with @p aad, and @p tag written on
/// encryption or checked on decryption (false on a mismatch).
bool EspCipher(
    const WireSa& sa, bool encrypt, const Bytes& iv, const Bytes& aad, Bytes& data, Bytes& tag);

/// RFC 4303 section 2.4's default padding of @p payload for @p sa's
/// cipher, then pad length and next header: the plaintext ESP encrypts.
/// @p extraPad adds that many more pad bytes (a multiple of the boundary).
Bytes EspPlaintext(const WireSa& sa, const Bytes& payload, uint8_t next, size_t extraPad = 0);

/// The ESP payload (SPI .. ICV) of @p payload under @p sa with sequence
/// number @p seq and explicit IV @p iv (ivLen bytes).  Empty on error.
Bytes EspEncode(
    const WireSa& sa, uint32_t seq, const Bytes& iv, const Bytes& payload, uint8_t next);

/// SPI || seq || @p body || ICV over all of it (when @p sa authenticates and
/// is no AEAD): for hand-made bodies (short, random, bad padding).
Bytes EspSeal(const WireSa& sa, uint32_t seq, const Bytes& body);

/// What EspDecode found in an ESP payload.
struct EspDecoded
{
    uint32_t spi{0};
    uint32_t seq{0};
    Bytes iv;
    Bytes icv;
    bool icvOk{false}; ///< the ICV / AEAD tag verified (true when the SA has none)
    Bytes payload;     ///< the data before the padding
    Bytes pad;
    uint8_t padLen{0};
    uint8_t next{0};
    bool padOk{false}; ///< the padding is RFC 4303's 1, 2, 3, ...
};

/// Decrypts and checks the ESP payload @p esp under @p sa; false (with
/// @p error) if it cannot be parsed or its ICV / tag is wrong.
bool EspDecode(const WireSa& sa, const Bytes& esp, EspDecoded& out, std::string& error);

// ---------------------------------------------------------------------------
// IP datagrams
// ---------------------------------------------------------------------------

/// The fields of an IPv4 header (RFC 791) the tests choose.
struct Ip4Fields
{
    uint8_t src[4]{};
    uint8_t dst[4]{};
    uint8_t tos{0};
    uint16_t id{0};
    uint16_t flagsFrag{0x4000}; ///< flags and fragment offset (DF by default)
    uint8_t ttl{64};
    uint8_t proto{0};
};

/// The fields of an IPv6 header (RFC 8200).
struct Ip6Fields
{
    uint8_t src[16]{};
    uint8_t dst[16]{};
    uint8_t trafficClass{0};
    uint32_t flowLabel{0};
    uint8_t hopLimit{64};
    uint8_t next{0};
};

/// "a.b.c.d" / an IPv6 address in text to bytes; false if not one.
bool ParseIp4(const std::string& text, uint8_t out[4]);
bool ParseIp6(const std::string& text, uint8_t out[16]);

/// A whole IPv4 datagram: header with total length and checksum, then @p payload.
Bytes Ipv4Datagram(const Ip4Fields& ip, const Bytes& payload);
/// A whole IPv6 datagram: header with payload length, then @p payload.
Bytes Ipv6Datagram(const Ip6Fields& ip, const Bytes& payload);

/// A UDP datagram (RFC 768) with its checksum over the IPv4 / IPv6 pseudo header.
Bytes Udp4(
    const uint8_t src[4], const uint8_t dst[4], uint16_t sport, uint16_t dport, const Bytes& data);
Bytes Udp6(const uint8_t src[16],
           const uint8_t dst[16],
           uint16_t sport,
           uint16_t dport,
           const Bytes& data);

/// The Internet checksum (RFC 1071) of a TCP or UDP @p segment of protocol
/// @p proto over the IPv4 (@p v6 false: 4-byte addresses) or IPv6 pseudo
/// header (RFC 9293 section 3.1, RFC 8200 section 8.1), the segment's own
/// checksum field as it is (zero it first).
uint16_t PseudoHeaderChecksum(
    const uint8_t* src, const uint8_t* dst, bool v6, uint8_t proto, const Bytes& segment);

/// The AH header length for @p sa's ICV: 12 + ICV padded to 4 (IPv4) or 8 (IPv6) bytes.
size_t AhHeaderLength(const WireSa& sa, bool v6);

/// An IPv4 datagram with AH (@p sa, sequence @p seq) over @p payload whose
/// protocol is @p next (4 for a tunnelled IPv4 datagram); @p ip.proto is set to 51.
Bytes AhDatagram4(const WireSa& sa, uint32_t seq, Ip4Fields ip, const Bytes& payload, uint8_t next);
/// The same for IPv6 (no extension headers before AH).
Bytes AhDatagram6(const WireSa& sa, uint32_t seq, Ip6Fields ip, const Bytes& payload, uint8_t next);

/// What AhCheck found in an IP datagram carrying AH directly after the IP header.
struct AhDecoded
{
    uint8_t next{0};
    uint8_t lengthField{0};
    uint32_t spi{0};
    uint32_t seq{0};
    Bytes icv;         ///< the ICV field as received (with any padding)
    Bytes expectedIcv; ///< what the ICV must be (truncated MAC)
    bool icvOk{false};
    Bytes payload; ///< what follows the AH header
};

/// Parses AH in the IPv4 (@p v6 false, options allowed) or IPv6 datagram
/// @p ip and recomputes its ICV under @p sa; false if it cannot be parsed.
bool AhCheck(const WireSa& sa, const Bytes& ip, bool v6, AhDecoded& out, std::string& error);

/// The bytes of the ICV-input of AH over IPv4 / IPv6 (exposed for the
/// encoder's own known-answer checks): the datagram @p ip with the mutable
/// fields and the ICV field zeroed.
Bytes AhIcvInput(const Bytes& ip, bool v6, size_t ipHeaderLength, size_t ahLength);

} // namespace ipsectest
} // namespace ns3

#endif /* IPSEC_TEST_ENCODER_H */
