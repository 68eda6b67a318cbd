/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ISAKMP messages (RFC 2408) with the IPsec DOI (RFC 2407) and IKEv1's
 * attributes (RFC 2409), in their wire layout: what the simulated IKE
 * daemon sends in UDP datagrams on port 500, byte for byte what racoon
 * sends, so Wireshark dissects them and their sizes on the links are real.
 *
 * An IsakmpMessage is the 28-byte header and a chain of payloads; each
 * payload keeps its body (the bytes after its 4-byte generic header) and is
 * encoded and decoded by the typed structures below.  Encryption is the
 * caller's (the keys live in the daemon): Serialize writes the header and
 * the plaintext chain; with the E flag the caller encrypts the bytes after
 * the header (padded to the cipher block, RFC 2409 section 5.3) and fixes
 * the length; ParseHeader and ParsePayloads read them back the other way.
 * Parsing never trusts a length: a malformed message is refused with a
 * reason, never read past its end.
 */
#ifndef ISAKMP_MESSAGE_H
#define ISAKMP_MESSAGE_H

#include "ipsec-address.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/// Numbers from RFC 2408, 2407 and 2409 (and their IANA registries).
namespace isakmp
{
// Exchange types (RFC 2408 3.1, RFC 2409).
constexpr uint8_t EXCH_BASE = 1;
constexpr uint8_t EXCH_IDENT = 2; ///< main mode (identity protection)
constexpr uint8_t EXCH_AUTH_ONLY = 3;
constexpr uint8_t EXCH_AGGRESSIVE = 4;
constexpr uint8_t EXCH_INFO = 5;
constexpr uint8_t EXCH_QUICK = 32;
constexpr uint8_t EXCH_NEW_GROUP = 33;

// Payload types (RFC 2408 3.1).
constexpr uint8_t PL_NONE = 0;
constexpr uint8_t PL_SA = 1;
constexpr uint8_t PL_PROPOSAL = 2;
constexpr uint8_t PL_TRANSFORM = 3;
constexpr uint8_t PL_KE = 4;
constexpr uint8_t PL_ID = 5;
constexpr uint8_t PL_CERT = 6;
constexpr uint8_t PL_CR = 7;
constexpr uint8_t PL_HASH = 8;
constexpr uint8_t PL_SIG = 9;
constexpr uint8_t PL_NONCE = 10;
constexpr uint8_t PL_NOTIFY = 11;
constexpr uint8_t PL_DELETE = 12;
constexpr uint8_t PL_VID = 13;

// Header flags.
constexpr uint8_t FLAG_ENC = 0x01;
constexpr uint8_t FLAG_COMMIT = 0x02;
constexpr uint8_t FLAG_AUTH_ONLY = 0x04;

constexpr uint8_t VERSION = 0x10; ///< major 1, minor 0
constexpr uint32_t DOI_IPSEC = 1;
constexpr uint32_t SIT_IDENTITY_ONLY = 1;
constexpr uint32_t SIT_SECRECY = 2;   ///< labelled situation (not supported)
constexpr uint32_t SIT_INTEGRITY = 4; ///< labelled situation (not supported)

// Protocol ids (RFC 2407 4.4.1).
constexpr uint8_t PROTO_ISAKMP = 1;
constexpr uint8_t PROTO_IPSEC_AH = 2;
constexpr uint8_t PROTO_IPSEC_ESP = 3;
constexpr uint8_t PROTO_IPCOMP = 4;

// Transform ids: phase 1 (RFC 2407 4.4.2), AH (4.4.3), ESP (4.4.4), IPComp (4.4.5).
constexpr uint8_t KEY_IKE = 1;
constexpr uint8_t AH_MD5 = 2;
constexpr uint8_t AH_SHA = 3;
constexpr uint8_t AH_SHA2_256 = 5;
constexpr uint8_t AH_SHA2_384 = 6;
constexpr uint8_t AH_SHA2_512 = 7;
constexpr uint8_t ESP_DES = 2;
constexpr uint8_t ESP_3DES = 3;
constexpr uint8_t ESP_CAST = 6;
constexpr uint8_t ESP_BLOWFISH = 7;
constexpr uint8_t ESP_NULL = 11;
constexpr uint8_t ESP_AES = 12;
constexpr uint8_t ESP_AES_CTR = 13;
constexpr uint8_t IPCOMP_DEFLATE = 2;

// Phase-1 attributes (RFC 2409 appendix A) and their values.
constexpr uint16_t OAKLEY_ENC = 1;
constexpr uint16_t OAKLEY_HASH = 2;
constexpr uint16_t OAKLEY_AUTH = 3;
constexpr uint16_t OAKLEY_GROUP = 4;
constexpr uint16_t OAKLEY_LIFE_TYPE = 11;
constexpr uint16_t OAKLEY_LIFE_DURATION = 12;
constexpr uint16_t OAKLEY_KEY_LENGTH = 14;
constexpr uint16_t OAKLEY_ENC_DES = 1;
constexpr uint16_t OAKLEY_ENC_BLOWFISH = 3;
constexpr uint16_t OAKLEY_ENC_3DES = 5;
constexpr uint16_t OAKLEY_ENC_CAST = 6;
constexpr uint16_t OAKLEY_ENC_AES = 7;
constexpr uint16_t OAKLEY_HASH_MD5 = 1;
constexpr uint16_t OAKLEY_HASH_SHA1 = 2;
constexpr uint16_t OAKLEY_HASH_SHA2_256 = 4;
constexpr uint16_t OAKLEY_HASH_SHA2_384 = 5;
constexpr uint16_t OAKLEY_HASH_SHA2_512 = 6;
constexpr uint16_t OAKLEY_AUTH_PSK = 1;
constexpr uint16_t OAKLEY_LIFE_SECONDS = 1;
constexpr uint16_t OAKLEY_LIFE_KILOBYTES = 2;

// Phase-2 (IPsec DOI) attributes (RFC 2407 4.5).
constexpr uint16_t IPSEC_LIFE_TYPE = 1;
constexpr uint16_t IPSEC_LIFE_DURATION = 2;
constexpr uint16_t IPSEC_GROUP_DESC = 3;
constexpr uint16_t IPSEC_ENC_MODE = 4;
constexpr uint16_t IPSEC_AUTH_ALG = 5;
constexpr uint16_t IPSEC_KEY_LENGTH = 6;
constexpr uint16_t IPSEC_ENC_MODE_TUNNEL = 1;
constexpr uint16_t IPSEC_ENC_MODE_TRANSPORT = 2;
constexpr uint16_t IPSEC_AUTH_HMAC_MD5 = 1;
constexpr uint16_t IPSEC_AUTH_HMAC_SHA1 = 2;
constexpr uint16_t IPSEC_AUTH_HMAC_SHA2_256 = 5;
constexpr uint16_t IPSEC_AUTH_HMAC_SHA2_384 = 6;
constexpr uint16_t IPSEC_AUTH_HMAC_SHA2_512 = 7;

// Identification types (RFC 2407 4.6.2.1).
constexpr uint8_t ID_IPV4_ADDR = 1;
constexpr uint8_t ID_FQDN = 2;
constexpr uint8_t ID_USER_FQDN = 3;
constexpr uint8_t ID_IPV4_ADDR_SUBNET = 4;
constexpr uint8_t ID_IPV6_ADDR = 5;
constexpr uint8_t ID_IPV6_ADDR_SUBNET = 6;
constexpr uint8_t ID_IPV4_ADDR_RANGE = 7;
constexpr uint8_t ID_IPV6_ADDR_RANGE = 8;
constexpr uint8_t ID_DER_ASN1_DN = 9;
constexpr uint8_t ID_DER_ASN1_GN = 10;
constexpr uint8_t ID_KEY_ID = 11;

// Notify message types (RFC 2408 3.14.1, RFC 2407 4.6.3).
constexpr uint16_t N_INVALID_PAYLOAD_TYPE = 1;
constexpr uint16_t N_INVALID_COOKIE = 4;
constexpr uint16_t N_INVALID_EXCHANGE_TYPE = 7;
constexpr uint16_t N_INVALID_FLAGS = 8;
constexpr uint16_t N_INVALID_MESSAGE_ID = 9;
constexpr uint16_t N_PAYLOAD_MALFORMED = 16;
constexpr uint16_t N_INVALID_KEY_INFORMATION = 17;
constexpr uint16_t N_INVALID_ID_INFORMATION = 18;
constexpr uint16_t N_AUTHENTICATION_FAILED = 24;
constexpr uint16_t N_INVALID_HASH_INFORMATION = 23;
constexpr uint16_t N_NO_PROPOSAL_CHOSEN = 14;
constexpr uint16_t N_ATTRIBUTES_NOT_SUPPORTED = 13;
constexpr uint16_t N_RESPONDER_LIFETIME = 24576;
constexpr uint16_t N_INITIAL_CONTACT = 24578;

/**
 * The names Wireshark 4.0 prints ("Identity Protection (Main Mode)",
 * "Quick Mode"; "Security Association", "Vendor ID"; notify types as
 * racoon and Wireshark both spell them, "NO-PROPOSAL-CHOSEN"); a number
 * without a name is its decimal value, as racoon's num2str prints it.
 */
std::string ExchangeName(uint8_t exchange);
std::string PayloadName(uint8_t payload);
std::string NotifyName(uint16_t type);
} // namespace isakmp

/*
 * Encode() writes a structure as it is; a structure the wire cannot carry
 * (a field that does not fit its octets, a Delete SPI of another size than
 * spiSize, a payload over 65535 bytes) is the caller's bug and aborts.
 * Decode() refuses malformed bytes with a reason; for every x it accepts,
 * Decode(x.Encode()) gives x back.
 */

/// The fixed header (RFC 2408 3.1).
struct IsakmpHeader
{
    static constexpr uint32_t SIZE = 28;
    std::array<uint8_t, 8> icookie{};
    std::array<uint8_t, 8> rcookie{};
    uint8_t nextPayload{0};
    uint8_t version{isakmp::VERSION};
    uint8_t exchange{0};
    uint8_t flags{0};
    uint32_t messageId{0};
    uint32_t length{0}; ///< the whole message, header included

    bool operator==(const IsakmpHeader& o) const;
    bool operator!=(const IsakmpHeader& o) const;
};

/// A data attribute (RFC 2408 3.3): basic (TV, 16-bit value) or variable (TLV).
struct IsakmpAttribute
{
    uint16_t type{0};
    bool basic{true};
    uint16_t value{0};          ///< basic form
    std::vector<uint8_t> bytes; ///< variable form
    /// The value as a number (basic, or a variable one of at most 8 bytes;
    /// 0 for a longer one: see HasNumber).
    uint64_t Number() const;
    /// True if Number() is the value: basic, or variable of at most 8 bytes.
    bool HasNumber() const;
    /**
     * A basic attribute when @p v fits 16 bits, else a variable one of 4
     * bytes (racoon's choice for life durations: isakmp_set_attr_v with a
     * u_int32_t), or of the fewest bytes that hold @p v beyond 32 bits.
     */
    static IsakmpAttribute Make(uint16_t type, uint64_t v);

    /// Same type, form and value (the other form's field is not compared).
    bool operator==(const IsakmpAttribute& o) const;
    bool operator!=(const IsakmpAttribute& o) const;
};

struct IsakmpTransform
{
    uint8_t number{0};
    uint8_t id{0};
    std::vector<IsakmpAttribute> attributes;
    /// The attribute of type @p type, if present.
    const IsakmpAttribute* Find(uint16_t type) const;

    bool operator==(const IsakmpTransform& o) const;
    bool operator!=(const IsakmpTransform& o) const;
};

struct IsakmpProposal
{
    uint8_t number{0};
    uint8_t protocol{0};
    std::vector<uint8_t> spi; ///< 0 bytes (phase 1), 4 (AH/ESP), 2 (IPComp CPI)
    std::vector<IsakmpTransform> transforms;

    bool operator==(const IsakmpProposal& o) const;
    bool operator!=(const IsakmpProposal& o) const;
};

/// The body of an SA payload (RFC 2408 3.4, RFC 2407 4.6.1).
struct IsakmpSa
{
    uint32_t doi{isakmp::DOI_IPSEC};
    uint32_t situation{isakmp::SIT_IDENTITY_ONLY};
    std::vector<IsakmpProposal> proposals;

    std::vector<uint8_t> Encode() const;
    /// False (with @p why) when the body is malformed.
    static bool Decode(const std::vector<uint8_t>& body, IsakmpSa* out, std::string* why);

    bool operator==(const IsakmpSa& o) const;
    bool operator!=(const IsakmpSa& o) const;
};

/// The body of an ID payload (RFC 2407 4.6.2).
struct IsakmpId
{
    uint8_t type{isakmp::ID_IPV4_ADDR};
    uint8_t protocol{0};
    uint16_t port{0};
    std::vector<uint8_t> data;

    std::vector<uint8_t> Encode() const;
    static bool Decode(const std::vector<uint8_t>& body, IsakmpId* out, std::string* why);
    /// An address identity, or an address/prefix one (ID_IPV{4,6}_ADDR_SUBNET)
    /// with the given upper-layer protocol and port.
    static IsakmpId Address(const IpsecAddress& a, uint8_t protocol = 0, uint16_t port = 0);
    static IsakmpId Subnet(const IpsecAddress& a,
                           uint8_t prefix,
                           uint8_t protocol = 0,
                           uint16_t port = 0);
    /**
     * The identity racoon sends for an SPD selector (ipsecdoi_sockaddr2id):
     * Address when @p prefix is the whole address, else Subnet; the
     * upper-layer protocol IPSEC_ULPROTO_ANY (255) is sent as 0.
     */
    static IsakmpId Selector(const IpsecAddress& a,
                             uint8_t prefix,
                             uint8_t ulproto = 255,
                             uint16_t port = 0);
    /// "10.1.1.1", "10.0.1.0/24", "host.example", ... (for logs).
    std::string ToString() const;

    bool operator==(const IsakmpId& o) const;
    bool operator!=(const IsakmpId& o) const;
};

/// The body of a Notification payload (RFC 2408 3.14).
struct IsakmpNotify
{
    uint32_t doi{isakmp::DOI_IPSEC};
    uint8_t protocol{isakmp::PROTO_ISAKMP};
    uint16_t type{0};
    std::vector<uint8_t> spi;
    std::vector<uint8_t> data;

    std::vector<uint8_t> Encode() const;
    static bool Decode(const std::vector<uint8_t>& body, IsakmpNotify* out, std::string* why);

    bool operator==(const IsakmpNotify& o) const;
    bool operator!=(const IsakmpNotify& o) const;
};

/// The body of a Delete payload (RFC 2408 3.15).
struct IsakmpDelete
{
    uint32_t doi{isakmp::DOI_IPSEC};
    uint8_t protocol{isakmp::PROTO_ISAKMP};
    uint8_t spiSize{0};
    std::vector<std::vector<uint8_t>> spis;

    std::vector<uint8_t> Encode() const;
    static bool Decode(const std::vector<uint8_t>& body, IsakmpDelete* out, std::string* why);

    bool operator==(const IsakmpDelete& o) const;
    bool operator!=(const IsakmpDelete& o) const;
};

/// One payload of a message: its type and body.
struct IsakmpPayload
{
    uint8_t type{0};
    std::vector<uint8_t> body; ///< after the generic header (next, reserved, length)

    bool operator==(const IsakmpPayload& o) const;
    bool operator!=(const IsakmpPayload& o) const;
};

class IsakmpMessage
{
  public:
    IsakmpHeader header;
    std::vector<IsakmpPayload> payloads;

    /// Appends a payload.
    void Add(uint8_t type, std::vector<uint8_t> body);
    /// The first payload of @p type (nullptr if none).
    const IsakmpPayload* Find(uint8_t type) const;
    /// Every payload of @p type.
    std::vector<const IsakmpPayload*> FindAll(uint8_t type) const;

    /// The payload chain (generic headers included), without the header.
    std::vector<uint8_t> SerializePayloads() const;
    /**
     * The whole message: the header (nextPayload and length filled in from
     * the payloads, or from @p body when given -- the encrypted chain) and
     * the chain.
     */
    std::vector<uint8_t> Serialize() const;
    std::vector<uint8_t> Serialize(const std::vector<uint8_t>& body) const;

    /**
     * Reads the header of @p bytes into @p out: false (with @p why) when the
     * datagram is shorter than a header, its length field disagrees with the
     * datagram, or the version is not 1.x.
     */
    static bool ParseHeader(const std::vector<uint8_t>& bytes, IsakmpHeader* out, std::string* why);
    /**
     * Reads the payload chain @p chain (plaintext) that starts with payload
     * type @p first; trailing padding after the last payload (an encrypted
     * message's) is allowed.  False (with @p why) on a malformed chain.
     */
    static bool ParsePayloads(uint8_t first,
                              const std::vector<uint8_t>& chain,
                              std::vector<IsakmpPayload>* out,
                              std::string* why);
    /**
     * ParseHeader and ParsePayloads of a message without the E flag; as it
     * is not padded, bytes after its last payload are refused too.
     */
    static bool Parse(const std::vector<uint8_t>& bytes, IsakmpMessage* out, std::string* why);

    /**
     * "Identity Protection (Main Mode) I->R len 80: SA" (for logs): the
     * exchange, I->R when the responder cookie is zero (the initiator's
     * first message), E when encrypted, the message id when not zero, the
     * length (the header's when encrypted, else what Serialize writes), and
     * the payloads by their RFC 2408
     * abbreviations (SA KE ID HASH NONCE N D VID ...).
     */
    std::string Summary() const;
};

} // namespace ns3

#endif /* ISAKMP_MESSAGE_H */
