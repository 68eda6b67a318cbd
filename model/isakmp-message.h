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

/**
 * @ingroup ipsec-ike
 * Numbers from RFC 2408, 2407 and 2409 (and their IANA registries).
 */
namespace isakmp
{
/**
 * @name Exchange types
 * Exchange types (RFC 2408 3.1, RFC 2409).
 */
///@{
constexpr uint8_t EXCH_BASE = 1;       ///< base mode
constexpr uint8_t EXCH_IDENT = 2;      ///< main mode (identity protection)
constexpr uint8_t EXCH_AUTH_ONLY = 3;  ///< authentication only
constexpr uint8_t EXCH_AGGRESSIVE = 4; ///< aggressive mode
constexpr uint8_t EXCH_INFO = 5;       ///< informational
constexpr uint8_t EXCH_QUICK = 32;     ///< quick mode (RFC 2409 5.5)
constexpr uint8_t EXCH_NEW_GROUP = 33; ///< new group mode (RFC 2409 5.6)
///@}

/**
 * @name Payload types
 * Payload types (RFC 2408 3.1).
 */
///@{
constexpr uint8_t PL_NONE = 0;      ///< no next payload
constexpr uint8_t PL_SA = 1;        ///< Security Association
constexpr uint8_t PL_PROPOSAL = 2;  ///< Proposal
constexpr uint8_t PL_TRANSFORM = 3; ///< Transform
constexpr uint8_t PL_KE = 4;        ///< Key Exchange
constexpr uint8_t PL_ID = 5;        ///< Identification
constexpr uint8_t PL_CERT = 6;      ///< Certificate
constexpr uint8_t PL_CR = 7;        ///< Certificate Request
constexpr uint8_t PL_HASH = 8;      ///< Hash
constexpr uint8_t PL_SIG = 9;       ///< Signature
constexpr uint8_t PL_NONCE = 10;    ///< Nonce
constexpr uint8_t PL_NOTIFY = 11;   ///< Notification
constexpr uint8_t PL_DELETE = 12;   ///< Delete
constexpr uint8_t PL_VID = 13;      ///< Vendor ID
///@}

/**
 * @name NAT traversal payload types
 * NAT traversal payload types: RFC 3947 section 3.2 and 5.2, and the
 * private-use numbers of its drafts (draft-ietf-ipsec-nat-t-ike-02/03).
 */
///@{
constexpr uint8_t PL_NATD = 20;         ///< NAT-D (RFC 3947)
constexpr uint8_t PL_NATOA = 21;        ///< NAT-OA (RFC 3947)
constexpr uint8_t PL_NATD_DRAFT = 130;  ///< NAT-D (drafts 02 and 03)
constexpr uint8_t PL_NATOA_DRAFT = 131; ///< NAT-OA (drafts 02 and 03)
///@}

/**
 * @name Header flags
 * Header flags.
 */
///@{
constexpr uint8_t FLAG_ENC = 0x01;       ///< the payloads after the header are encrypted
constexpr uint8_t FLAG_COMMIT = 0x02;    ///< commit (RFC 2408 3.1)
constexpr uint8_t FLAG_AUTH_ONLY = 0x04; ///< authentication only
///@}

constexpr uint8_t VERSION = 0x10;         ///< major 1, minor 0
constexpr uint32_t DOI_IPSEC = 1;         ///< the IPsec DOI (RFC 2407)
constexpr uint32_t SIT_IDENTITY_ONLY = 1; ///< situation: identity only
constexpr uint32_t SIT_SECRECY = 2;       ///< labelled situation (not supported)
constexpr uint32_t SIT_INTEGRITY = 4;     ///< labelled situation (not supported)

/**
 * @name Protocol ids
 * Protocol ids (RFC 2407 4.4.1).
 */
///@{
constexpr uint8_t PROTO_ISAKMP = 1;    ///< the ISAKMP SA (phase 1)
constexpr uint8_t PROTO_IPSEC_AH = 2;  ///< AH
constexpr uint8_t PROTO_IPSEC_ESP = 3; ///< ESP
constexpr uint8_t PROTO_IPCOMP = 4;    ///< IPComp
///@}

/**
 * @name Transform ids
 * Transform ids: phase 1 (RFC 2407 4.4.2), AH (4.4.3), ESP (4.4.4), IPComp (4.4.5).
 */
///@{
constexpr uint8_t KEY_IKE = 1;        ///< phase 1: IKE
constexpr uint8_t AH_MD5 = 2;         ///< AH with HMAC-MD5
constexpr uint8_t AH_SHA = 3;         ///< AH with HMAC-SHA1
constexpr uint8_t AH_SHA2_256 = 5;    ///< AH with HMAC-SHA2-256
constexpr uint8_t AH_SHA2_384 = 6;    ///< AH with HMAC-SHA2-384
constexpr uint8_t AH_SHA2_512 = 7;    ///< AH with HMAC-SHA2-512
constexpr uint8_t ESP_DES = 2;        ///< ESP with DES-CBC
constexpr uint8_t ESP_3DES = 3;       ///< ESP with 3DES-CBC
constexpr uint8_t ESP_CAST = 6;       ///< ESP with CAST-128-CBC
constexpr uint8_t ESP_BLOWFISH = 7;   ///< ESP with Blowfish-CBC
constexpr uint8_t ESP_NULL = 11;      ///< ESP with null encryption
constexpr uint8_t ESP_AES = 12;       ///< ESP with AES-CBC
constexpr uint8_t ESP_AES_CTR = 13;   ///< ESP with AES-CTR
constexpr uint8_t IPCOMP_DEFLATE = 2; ///< IPComp with deflate
///@}

/**
 * @name Phase-1 attributes
 * Phase-1 attributes (RFC 2409 appendix A) and their values.
 */
///@{
constexpr uint16_t OAKLEY_ENC = 1;            ///< encryption algorithm
constexpr uint16_t OAKLEY_HASH = 2;           ///< hash algorithm
constexpr uint16_t OAKLEY_AUTH = 3;           ///< authentication method
constexpr uint16_t OAKLEY_GROUP = 4;          ///< group description
constexpr uint16_t OAKLEY_LIFE_TYPE = 11;     ///< life type
constexpr uint16_t OAKLEY_LIFE_DURATION = 12; ///< life duration
constexpr uint16_t OAKLEY_KEY_LENGTH = 14;    ///< key length
constexpr uint16_t OAKLEY_ENC_DES = 1;        ///< encryption: DES-CBC
constexpr uint16_t OAKLEY_ENC_BLOWFISH = 3;   ///< encryption: Blowfish-CBC
constexpr uint16_t OAKLEY_ENC_3DES = 5;       ///< encryption: 3DES-CBC
constexpr uint16_t OAKLEY_ENC_CAST = 6;       ///< encryption: CAST-CBC
constexpr uint16_t OAKLEY_ENC_AES = 7;        ///< encryption: AES-CBC
constexpr uint16_t OAKLEY_HASH_MD5 = 1;       ///< hash: MD5
constexpr uint16_t OAKLEY_HASH_SHA1 = 2;      ///< hash: SHA1
constexpr uint16_t OAKLEY_HASH_SHA2_256 = 4;  ///< hash: SHA2-256
constexpr uint16_t OAKLEY_HASH_SHA2_384 = 5;  ///< hash: SHA2-384
constexpr uint16_t OAKLEY_HASH_SHA2_512 = 6;  ///< hash: SHA2-512
constexpr uint16_t OAKLEY_AUTH_PSK = 1;       ///< authentication: pre-shared key
constexpr uint16_t OAKLEY_LIFE_SECONDS = 1;   ///< life type: seconds
constexpr uint16_t OAKLEY_LIFE_KILOBYTES = 2; ///< life type: kilobytes
///@}

/**
 * @name Phase-2 attributes
 * Phase-2 (IPsec DOI) attributes (RFC 2407 4.5).
 */
///@{
constexpr uint16_t IPSEC_LIFE_TYPE = 1;          ///< SA life type
constexpr uint16_t IPSEC_LIFE_DURATION = 2;      ///< SA life duration
constexpr uint16_t IPSEC_GROUP_DESC = 3;         ///< group description (PFS)
constexpr uint16_t IPSEC_ENC_MODE = 4;           ///< encapsulation mode
constexpr uint16_t IPSEC_AUTH_ALG = 5;           ///< authentication algorithm
constexpr uint16_t IPSEC_KEY_LENGTH = 6;         ///< key length
constexpr uint16_t IPSEC_ENC_MODE_TUNNEL = 1;    ///< encapsulation mode: tunnel
constexpr uint16_t IPSEC_ENC_MODE_TRANSPORT = 2; ///< encapsulation mode: transport
/// encapsulation mode: UDP-Encapsulated-Tunnel (RFC 3947 section 5.1)
constexpr uint16_t IPSEC_ENC_MODE_UDP_TUNNEL = 3;
/// encapsulation mode: UDP-Encapsulated-Transport (RFC 3947 section 5.1)
constexpr uint16_t IPSEC_ENC_MODE_UDP_TRANSPORT = 4;
/// encapsulation mode: UDP-Encapsulated-Tunnel of the drafts (private use)
constexpr uint16_t IPSEC_ENC_MODE_UDP_TUNNEL_DRAFT = 61443;
/// encapsulation mode: UDP-Encapsulated-Transport of the drafts (private use)
constexpr uint16_t IPSEC_ENC_MODE_UDP_TRANSPORT_DRAFT = 61444;
constexpr uint16_t IPSEC_AUTH_HMAC_MD5 = 1;      ///< authentication: HMAC-MD5
constexpr uint16_t IPSEC_AUTH_HMAC_SHA1 = 2;     ///< authentication: HMAC-SHA1
constexpr uint16_t IPSEC_AUTH_HMAC_SHA2_256 = 5; ///< authentication: HMAC-SHA2-256
constexpr uint16_t IPSEC_AUTH_HMAC_SHA2_384 = 6; ///< authentication: HMAC-SHA2-384
constexpr uint16_t IPSEC_AUTH_HMAC_SHA2_512 = 7; ///< authentication: HMAC-SHA2-512
///@}

/**
 * @name Identification types
 * Identification types (RFC 2407 4.6.2.1).
 */
///@{
constexpr uint8_t ID_IPV4_ADDR = 1;        ///< an IPv4 address
constexpr uint8_t ID_FQDN = 2;             ///< a fully qualified domain name
constexpr uint8_t ID_USER_FQDN = 3;        ///< user\@fqdn
constexpr uint8_t ID_IPV4_ADDR_SUBNET = 4; ///< an IPv4 address and mask
constexpr uint8_t ID_IPV6_ADDR = 5;        ///< an IPv6 address
constexpr uint8_t ID_IPV6_ADDR_SUBNET = 6; ///< an IPv6 address and mask
constexpr uint8_t ID_IPV4_ADDR_RANGE = 7;  ///< a range of IPv4 addresses
constexpr uint8_t ID_IPV6_ADDR_RANGE = 8;  ///< a range of IPv6 addresses
constexpr uint8_t ID_DER_ASN1_DN = 9;      ///< an X.500 distinguished name
constexpr uint8_t ID_DER_ASN1_GN = 10;     ///< an X.500 general name
constexpr uint8_t ID_KEY_ID = 11;          ///< an opaque key identifier
///@}

/**
 * @name Notify message types
 * Notify message types (RFC 2408 3.14.1, RFC 2407 4.6.3).
 */
///@{
constexpr uint16_t N_INVALID_PAYLOAD_TYPE = 1;      ///< INVALID-PAYLOAD-TYPE
constexpr uint16_t N_INVALID_COOKIE = 4;            ///< INVALID-COOKIE
constexpr uint16_t N_INVALID_EXCHANGE_TYPE = 7;     ///< INVALID-EXCHANGE-TYPE
constexpr uint16_t N_INVALID_FLAGS = 8;             ///< INVALID-FLAGS
constexpr uint16_t N_INVALID_MESSAGE_ID = 9;        ///< INVALID-MESSAGE-ID
constexpr uint16_t N_PAYLOAD_MALFORMED = 16;        ///< PAYLOAD-MALFORMED
constexpr uint16_t N_INVALID_KEY_INFORMATION = 17;  ///< INVALID-KEY-INFORMATION
constexpr uint16_t N_INVALID_ID_INFORMATION = 18;   ///< INVALID-ID-INFORMATION
constexpr uint16_t N_AUTHENTICATION_FAILED = 24;    ///< AUTHENTICATION-FAILED
constexpr uint16_t N_INVALID_HASH_INFORMATION = 23; ///< INVALID-HASH-INFORMATION
constexpr uint16_t N_NO_PROPOSAL_CHOSEN = 14;       ///< NO-PROPOSAL-CHOSEN
constexpr uint16_t N_ATTRIBUTES_NOT_SUPPORTED = 13; ///< ATTRIBUTES-NOT-SUPPORTED
constexpr uint16_t N_RESPONDER_LIFETIME = 24576;    ///< RESPONDER-LIFETIME (RFC 2407 4.6.3.1)
constexpr uint16_t N_INITIAL_CONTACT = 24578;       ///< INITIAL-CONTACT (RFC 2407 4.6.3.3)
///@}

/**
 * @ingroup ipsec-ike
 * The name Wireshark 4.0 prints for an exchange type.
 * @param exchange the exchange type
 * @return e.g. "Identity Protection (Main Mode)", "Quick Mode"; a number
 *         without a name is its decimal value, as racoon's num2str prints it
 */
std::string ExchangeName(uint8_t exchange);
/**
 * @ingroup ipsec-ike
 * The name Wireshark 4.0 prints for a payload type.
 * @param payload the payload type
 * @return e.g. "Security Association", "Vendor ID"; a number without a name
 *         is its decimal value
 */
std::string PayloadName(uint8_t payload);
/**
 * @ingroup ipsec-ike
 * The name of a notify type, as racoon and Wireshark both spell it.
 * @param type the notify message type
 * @return e.g. "NO-PROPOSAL-CHOSEN"; a number without a name is its decimal value
 */
std::string NotifyName(uint16_t type);
} // namespace isakmp

/*
 * Encode() writes a structure as it is; a structure the wire cannot carry
 * (a field that does not fit its octets, a Delete SPI of another size than
 * spiSize, a payload over 65535 bytes) is the caller's bug and aborts.
 * Decode() refuses malformed bytes with a reason; for every x it accepts,
 * Decode(x.Encode()) gives x back.
 */

/**
 * @ingroup ipsec-ike
 * The fixed header (RFC 2408 3.1).
 */
struct IsakmpHeader
{
    static constexpr uint32_t SIZE = 28; ///< the header's bytes
    std::array<uint8_t, 8> icookie{};    ///< the initiator's cookie
    std::array<uint8_t, 8> rcookie{};    ///< the responder's cookie
    uint8_t nextPayload{0};              ///< the first payload's type
    uint8_t version{isakmp::VERSION};    ///< major and minor version
    uint8_t exchange{0};                 ///< the exchange type
    uint8_t flags{0};                    ///< FLAG_ENC, FLAG_COMMIT, FLAG_AUTH_ONLY
    uint32_t messageId{0};               ///< the message id (0 in phase 1)
    uint32_t length{0};                  ///< the whole message, header included

    /**
     * Equality.
     * @param o the other
     * @return true when every field is equal
     */
    bool operator==(const IsakmpHeader& o) const;
    /**
     * Inequality.
     * @param o the other
     * @return true unless equal
     */
    bool operator!=(const IsakmpHeader& o) const;
};

/**
 * @ingroup ipsec-ike
 * A data attribute (RFC 2408 3.3): basic (TV, 16-bit value) or variable (TLV).
 */
struct IsakmpAttribute
{
    uint16_t type{0};           ///< the attribute type (without the AF bit)
    bool basic{true};           ///< the basic (TV) form
    uint16_t value{0};          ///< basic form
    std::vector<uint8_t> bytes; ///< variable form
    /**
     * The value as a number.
     * @return the basic value, or a variable one of at most 8 bytes; 0 for a
     *         longer one (see HasNumber)
     */
    uint64_t Number() const;
    /**
     * Whether Number() is the value.
     * @return true for a basic attribute or a variable one of at most 8 bytes
     */
    bool HasNumber() const;
    /**
     * An attribute of a number: basic when it fits 16 bits, else a variable
     * one of 4 bytes (racoon's choice for life durations: isakmp_set_attr_v
     * with a u_int32_t), or of the fewest bytes that hold it beyond 32 bits.
     * @param type the attribute type
     * @param v the value
     * @return the attribute
     */
    static IsakmpAttribute Make(uint16_t type, uint64_t v);

    /// Same type, form and value (the other form's field is not compared).
    /**
     * Equality.
     * @param o the other
     * @return true when every field is equal
     */
    bool operator==(const IsakmpAttribute& o) const;
    /**
     * Inequality.
     * @param o the other
     * @return true unless equal
     */
    bool operator!=(const IsakmpAttribute& o) const;
};

/**
 * @ingroup ipsec-ike
 * A Transform payload (RFC 2408 3.6), within its proposal.
 */
struct IsakmpTransform
{
    uint8_t number{0};                       ///< the transform number
    uint8_t id{0};                           ///< the transform id (KEY_IKE, ESP_3DES, ...)
    std::vector<IsakmpAttribute> attributes; ///< the SA attributes, in order
    /**
     * An attribute by type.
     * @param type the attribute type
     * @return the first attribute of that type, or nullptr
     */
    const IsakmpAttribute* Find(uint16_t type) const;

    /**
     * Equality.
     * @param o the other
     * @return true when every field is equal
     */
    bool operator==(const IsakmpTransform& o) const;
    /**
     * Inequality.
     * @param o the other
     * @return true unless equal
     */
    bool operator!=(const IsakmpTransform& o) const;
};

/**
 * @ingroup ipsec-ike
 * A Proposal payload (RFC 2408 3.5), within its SA payload.
 */
struct IsakmpProposal
{
    uint8_t number{0};                       ///< the proposal number (equal numbers: a bundle)
    uint8_t protocol{0};                     ///< PROTO_ISAKMP, PROTO_IPSEC_AH, ...
    std::vector<uint8_t> spi;                ///< 0 bytes (phase 1), 4 (AH/ESP), 2 (IPComp CPI)
    std::vector<IsakmpTransform> transforms; ///< the transforms offered

    /**
     * Equality.
     * @param o the other
     * @return true when every field is equal
     */
    bool operator==(const IsakmpProposal& o) const;
    /**
     * Inequality.
     * @param o the other
     * @return true unless equal
     */
    bool operator!=(const IsakmpProposal& o) const;
};

/**
 * @ingroup ipsec-ike
 * The body of an SA payload (RFC 2408 3.4, RFC 2407 4.6.1).
 */
struct IsakmpSa
{
    uint32_t doi{isakmp::DOI_IPSEC};               ///< the DOI
    uint32_t situation{isakmp::SIT_IDENTITY_ONLY}; ///< the situation
    std::vector<IsakmpProposal> proposals;         ///< the proposals

    /**
     * Encodes the body.
     * @return the payload body, as the wire carries it
     */
    std::vector<uint8_t> Encode() const;
    /**
     * Decodes a body.
     * @param body the payload body
     * @param out the decoded structure
     * @param why set when the body is malformed
     * @return false when the body is malformed
     */
    static bool Decode(const std::vector<uint8_t>& body, IsakmpSa* out, std::string* why);

    /**
     * Equality.
     * @param o the other
     * @return true when every field is equal
     */
    bool operator==(const IsakmpSa& o) const;
    /**
     * Inequality.
     * @param o the other
     * @return true unless equal
     */
    bool operator!=(const IsakmpSa& o) const;
};

/**
 * @ingroup ipsec-ike
 * The body of an ID payload (RFC 2407 4.6.2).
 */
struct IsakmpId
{
    uint8_t type{isakmp::ID_IPV4_ADDR}; ///< the identification type
    uint8_t protocol{0};                ///< the upper-layer protocol (0: any)
    uint16_t port{0};                   ///< the port (0: any)
    std::vector<uint8_t> data;          ///< the identification data

    /**
     * Encodes the body.
     * @return the payload body, as the wire carries it
     */
    std::vector<uint8_t> Encode() const;
    /**
     * Decodes a body.
     * @param body the payload body
     * @param out the decoded structure
     * @param why set when the body is malformed
     * @return false when the body is malformed
     */
    static bool Decode(const std::vector<uint8_t>& body, IsakmpId* out, std::string* why);
    /**
     * An address identity (ID_IPV4_ADDR, ID_IPV6_ADDR).
     * @param a the address
     * @param protocol the upper-layer protocol (0: any)
     * @param port the port (0: any)
     * @return the identity
     */
    static IsakmpId Address(const IpsecAddress& a, uint8_t protocol = 0, uint16_t port = 0);
    /**
     * An address/prefix identity (ID_IPV4_ADDR_SUBNET, ID_IPV6_ADDR_SUBNET).
     * @param a the address
     * @param prefix the prefix length
     * @param protocol the upper-layer protocol (0: any)
     * @param port the port (0: any)
     * @return the identity
     */
    static IsakmpId Subnet(const IpsecAddress& a,
                           uint8_t prefix,
                           uint8_t protocol = 0,
                           uint16_t port = 0);
    /**
     * The identity racoon sends for an SPD selector (ipsecdoi_sockaddr2id):
     * Address when @p prefix is the whole address, else Subnet; the
     * upper-layer protocol IPSEC_ULPROTO_ANY (255) is sent as 0.
     * @param a the selector's address
     * @param prefix its prefix length
     * @param ulproto its upper-layer protocol
     * @param port its port
     * @return the identity
     */
    static IsakmpId Selector(const IpsecAddress& a,
                             uint8_t prefix,
                             uint8_t ulproto = 255,
                             uint16_t port = 0);
    /**
     * The identity in words (for logs).
     * @return "10.1.1.1", "10.0.1.0/24", "host.example", ...
     */
    std::string ToString() const;

    /**
     * Equality.
     * @param o the other
     * @return true when every field is equal
     */
    bool operator==(const IsakmpId& o) const;
    /**
     * Inequality.
     * @param o the other
     * @return true unless equal
     */
    bool operator!=(const IsakmpId& o) const;
};

/**
 * @ingroup ipsec-ike
 * The body of a Notification payload (RFC 2408 3.14).
 */
struct IsakmpNotify
{
    uint32_t doi{isakmp::DOI_IPSEC};        ///< the DOI
    uint8_t protocol{isakmp::PROTO_ISAKMP}; ///< the protocol the SPI belongs to
    uint16_t type{0};                       ///< the notify message type
    std::vector<uint8_t> spi;               ///< the SPI (phase 1: the cookies, or none)
    std::vector<uint8_t> data;              ///< the notification data

    /**
     * Encodes the body.
     * @return the payload body, as the wire carries it
     */
    std::vector<uint8_t> Encode() const;
    /**
     * Decodes a body.
     * @param body the payload body
     * @param out the decoded structure
     * @param why set when the body is malformed
     * @return false when the body is malformed
     */
    static bool Decode(const std::vector<uint8_t>& body, IsakmpNotify* out, std::string* why);

    /**
     * Equality.
     * @param o the other
     * @return true when every field is equal
     */
    bool operator==(const IsakmpNotify& o) const;
    /**
     * Inequality.
     * @param o the other
     * @return true unless equal
     */
    bool operator!=(const IsakmpNotify& o) const;
};

/**
 * @ingroup ipsec-ike
 * The body of a Delete payload (RFC 2408 3.15).
 */
struct IsakmpDelete
{
    uint32_t doi{isakmp::DOI_IPSEC};        ///< the DOI
    uint8_t protocol{isakmp::PROTO_ISAKMP}; ///< the protocol of the SAs deleted
    uint8_t spiSize{0};                     ///< the bytes of each SPI
    std::vector<std::vector<uint8_t>> spis; ///< the SPIs (phase 1: the cookies)

    /**
     * Encodes the body.
     * @return the payload body, as the wire carries it
     */
    std::vector<uint8_t> Encode() const;
    /**
     * Decodes a body.
     * @param body the payload body
     * @param out the decoded structure
     * @param why set when the body is malformed
     * @return false when the body is malformed
     */
    static bool Decode(const std::vector<uint8_t>& body, IsakmpDelete* out, std::string* why);

    /**
     * Equality.
     * @param o the other
     * @return true when every field is equal
     */
    bool operator==(const IsakmpDelete& o) const;
    /**
     * Inequality.
     * @param o the other
     * @return true unless equal
     */
    bool operator!=(const IsakmpDelete& o) const;
};

/**
 * @ingroup ipsec-ike
 * One payload of a message: its type and body.
 */
struct IsakmpPayload
{
    uint8_t type{0};           ///< the payload type
    std::vector<uint8_t> body; ///< after the generic header (next, reserved, length)

    /**
     * Equality.
     * @param o the other
     * @return true when every field is equal
     */
    bool operator==(const IsakmpPayload& o) const;
    /**
     * Inequality.
     * @param o the other
     * @return true unless equal
     */
    bool operator!=(const IsakmpPayload& o) const;
};

/**
 * @ingroup ipsec-ike
 * An ISAKMP message: the 28-byte header and a chain of payloads, each kept
 * as its body.  Encryption is the caller's.
 */
class IsakmpMessage
{
  public:
    IsakmpHeader header;                 ///< the header
    std::vector<IsakmpPayload> payloads; ///< the payloads, in order

    /**
     * Appends a payload.
     * @param type its type
     * @param body its body
     */
    void Add(uint8_t type, std::vector<uint8_t> body);
    /**
     * A payload by type.
     * @param type the payload type
     * @return the first payload of that type, or nullptr
     */
    const IsakmpPayload* Find(uint8_t type) const;
    /**
     * The payloads of a type.
     * @param type the payload type
     * @return every payload of that type, in order
     */
    std::vector<const IsakmpPayload*> FindAll(uint8_t type) const;

    /**
     * The payload chain.
     * @return the payloads, generic headers included, without the header
     */
    std::vector<uint8_t> SerializePayloads() const;
    /**
     * The whole message: the header (nextPayload and length filled in from
     * the payloads) and the chain.
     * @return the bytes
     */
    std::vector<uint8_t> Serialize() const;
    /**
     * The whole message with another chain (the encrypted one): the header
     * (nextPayload from the payloads, length from @p body) and @p body.
     * @param body the bytes after the header
     * @return the bytes
     */
    std::vector<uint8_t> Serialize(const std::vector<uint8_t>& body) const;

    /**
     * Reads a header.
     * @param bytes the datagram
     * @param out the header
     * @param why set when the header is refused
     * @return false when the datagram is shorter than a header, its length
     *         field disagrees with the datagram, or the version is not 1.x
     */
    static bool ParseHeader(const std::vector<uint8_t>& bytes, IsakmpHeader* out, std::string* why);
    /**
     * Reads a plaintext payload chain; trailing padding after the last
     * payload (an encrypted message's) is allowed.
     * @param first the type of the first payload
     * @param chain the bytes
     * @param out the payloads
     * @param why set on a malformed chain
     * @return false on a malformed chain
     */
    static bool ParsePayloads(uint8_t first,
                              const std::vector<uint8_t>& chain,
                              std::vector<IsakmpPayload>* out,
                              std::string* why);
    /**
     * ParseHeader and ParsePayloads of a message without the E flag; as it
     * is not padded, bytes after its last payload are refused too.
     * @param bytes the datagram
     * @param out the message
     * @param why set when it is refused
     * @return false when it is refused
     */
    static bool Parse(const std::vector<uint8_t>& bytes, IsakmpMessage* out, std::string* why);

    /**
     * The message in one line, for logs: the exchange, I->R when the
     * responder cookie is zero (the initiator's first message), E when
     * encrypted, the message id when not zero, the length (the header's
     * when encrypted, else what Serialize writes), and the payloads by
     * their RFC 2408 abbreviations (SA KE ID HASH NONCE N D VID ...).
     * @return e.g. "Identity Protection (Main Mode) I->R len 80: SA"
     */
    std::string Summary() const;
};

} // namespace ns3

#endif /* ISAKMP_MESSAGE_H */
