/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * PF_KEY v2 messages (RFC 2367 with KAME's extensions, net/pfkeyv2.h; the
 * checks of key_parse in key.c) as C++ objects, and their wire layout.
 *
 * The key engine of a node speaks only this: setkey and key management
 * daemons hand it a byte buffer laid out exactly as a KAME kernel expects
 * (a sadb_msg header followed by 64-bit aligned extensions), and read
 * replies, ACQUIREs and EXPIREs in the same layout.  PfKeyMessage::Parse is
 * KAME's key_parse/key_align/key_validate_ext: it refuses a message with a
 * bad length, version, type, satype, extension or address and says which
 * pfkeystat counter KAME would increment.
 *
 * Byte order: as on a little-endian NetBSD host, every field is in host
 * order (little endian here) except SPIs and ports, which are in network
 * order.  Socket addresses are BSD sockaddr_in (16 bytes) and sockaddr_in6
 * (28 bytes) with NetBSD's AF_INET (2) and AF_INET6 (24).
 */
#ifndef PFKEY_MESSAGE_H
#define PFKEY_MESSAGE_H

#include "ipsec-address.h"
#include "ipsec-policy.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/// Message types (sadb_msg_type).
enum class PfKeyType : uint8_t
{
    RESERVED = 0,
    GETSPI = 1,
    UPDATE = 2,
    ADD = 3,
    DELETE = 4,
    GET = 5,
    ACQUIRE = 6,
    REGISTER = 7,
    EXPIRE = 8,
    FLUSH = 9,
    DUMP = 10,
    X_PROMISC = 11,
    X_PCHANGE = 12,
    X_SPDUPDATE = 13,
    X_SPDADD = 14,
    X_SPDDELETE = 15,
    X_SPDGET = 16,
    X_SPDACQUIRE = 17,
    X_SPDDUMP = 18,
    X_SPDFLUSH = 19,
    X_SPDSETIDX = 20,
    X_SPDEXPIRE = 21,
    X_SPDDELETE2 = 22,
};

/// The highest message type KAME knows (SADB_MAX).
constexpr uint8_t PFKEY_TYPE_MAX = 22;

/// Netstat's name of a message type ("getspi", "x_spdadd"; "#N" beyond the table).
std::string PfKeyTypeName(uint8_t type);

/// SA types (sadb_msg_satype).
namespace PfKeySaType
{
constexpr uint8_t UNSPEC = 0;
constexpr uint8_t AH = 2;
constexpr uint8_t ESP = 3;
constexpr uint8_t RSVP = 5;
constexpr uint8_t OSPFV2 = 6;
constexpr uint8_t RIPV2 = 7;
constexpr uint8_t MIP = 8;
constexpr uint8_t IPCOMP = 9;
} // namespace PfKeySaType

/// The satype of an IPsec protocol, and back (false when not ESP/AH/IPComp).
uint8_t PfKeySaTypeOf(IpsecProto proto);
bool PfKeyProtoOf(uint8_t satype, IpsecProto* proto);

/// Extension types (sadb_ext_type).
namespace PfKeyExt
{
constexpr uint16_t SA = 1;
constexpr uint16_t LIFETIME_CURRENT = 2;
constexpr uint16_t LIFETIME_HARD = 3;
constexpr uint16_t LIFETIME_SOFT = 4;
constexpr uint16_t ADDRESS_SRC = 5;
constexpr uint16_t ADDRESS_DST = 6;
constexpr uint16_t ADDRESS_PROXY = 7;
constexpr uint16_t KEY_AUTH = 8;
constexpr uint16_t KEY_ENCRYPT = 9;
constexpr uint16_t IDENTITY_SRC = 10;
constexpr uint16_t IDENTITY_DST = 11;
constexpr uint16_t SENSITIVITY = 12;
constexpr uint16_t PROPOSAL = 13;
constexpr uint16_t SUPPORTED_AUTH = 14;
constexpr uint16_t SUPPORTED_ENCRYPT = 15;
constexpr uint16_t SPIRANGE = 16;
constexpr uint16_t X_KMPRIVATE = 17;
constexpr uint16_t X_POLICY = 18;
constexpr uint16_t X_SA2 = 19;
constexpr uint16_t X_TAG = 20;
constexpr uint16_t MAX = 20;
} // namespace PfKeyExt

/// sadb_sa.
struct PfKeySa
{
    uint32_t spi{0}; ///< host value (network order on the wire)
    uint8_t replay{0};
    uint8_t state{0};
    uint8_t auth{0};
    uint8_t encrypt{0};
    uint32_t flags{0};
};

/// sadb_lifetime (current, hard or soft).
struct PfKeyLifetime
{
    uint32_t allocations{0};
    uint64_t bytes{0};
    uint64_t addtime{0}; ///< seconds (current: wall-clock creation time)
    uint64_t usetime{0}; ///< seconds (current: wall-clock time of the last use)
};

/// sadb_address.
struct PfKeyAddress
{
    uint8_t proto{IPSEC_ULPROTO_ANY};
    uint8_t prefixlen{0};
    IpsecAddress addr;
    uint16_t port{0};
};

/// sadb_key.
struct PfKeyKey
{
    uint16_t bits{0};
    std::vector<uint8_t> data;
};

/// sadb_spirange.
struct PfKeySpiRange
{
    uint32_t min{0};
    uint32_t max{0};
};

/// sadb_x_sa2.
struct PfKeySa2
{
    uint8_t mode{0};
    uint32_t sequence{0};
    uint32_t reqid{0};
};

/// sadb_x_policy with its sadb_x_ipsecrequest list.
struct PfKeyPolicy
{
    uint16_t type{0};
    uint8_t dir{0};
    uint32_t id{0};
    std::vector<IpsecRequest> requests;
};

/// sadb_alg (SUPPORTED_AUTH / SUPPORTED_ENCRYPT).
struct PfKeyAlg
{
    uint8_t id{0};
    uint8_t ivlen{0};
    uint16_t minbits{0};
    uint16_t maxbits{0};
};

/// sadb_comb.
struct PfKeyComb
{
    uint8_t auth{0};
    uint8_t encrypt{0};
    uint16_t flags{0};
    uint16_t authMinBits{0};
    uint16_t authMaxBits{0};
    uint16_t encMinBits{0};
    uint16_t encMaxBits{0};
    uint32_t softAllocations{0};
    uint32_t hardAllocations{0};
    uint64_t softBytes{0};
    uint64_t hardBytes{0};
    uint64_t softAddtime{0};
    uint64_t hardAddtime{0};
    uint64_t softUsetime{0};
    uint64_t hardUsetime{0};
};

/// sadb_prop.
struct PfKeyProposal
{
    uint8_t replay{0};
    std::vector<PfKeyComb> combs;
};

/// Why Parse refused a message: the pfkeystat counter KAME increments.
enum class PfKeyParseError : uint8_t
{
    NONE,
    TOO_SHORT,           ///< out_tooshort: shorter than a sadb_msg
    INVALID_LENGTH,      ///< out_invlen: sadb_msg_len or an extension length is wrong
    INVALID_VERSION,     ///< out_invver
    INVALID_TYPE,        ///< out_invmsgtype
    DUPLICATE_EXTENSION, ///< out_dupext
    INVALID_EXTENSION,   ///< out_invexttype
    INVALID_SATYPE,      ///< out_invsatype
    INVALID_ADDRESS,     ///< out_invaddr
};

/// The pfkeystat counter name of @p e ("out_invlen", ...; "" for NONE).
std::string PfKeyParseErrorCounter(PfKeyParseError e);

/// One PF_KEY message.
class PfKeyMessage
{
  public:
    /// PF_KEY_V2.
    static constexpr uint8_t VERSION = 2;
    /// sizeof(struct sadb_msg).
    static constexpr size_t HEADER_SIZE = 16;

    uint8_t version{VERSION};
    uint8_t type{0};
    uint8_t errnum{0};
    uint8_t satype{PfKeySaType::UNSPEC};
    uint16_t reserved{0}; ///< replies: the reference count of an SA or policy
    uint32_t seq{0};
    uint32_t pid{0};

    std::optional<PfKeySa> sa;
    std::optional<PfKeyLifetime> current;
    std::optional<PfKeyLifetime> hard;
    std::optional<PfKeyLifetime> soft;
    std::optional<PfKeyAddress> src;
    std::optional<PfKeyAddress> dst;
    std::optional<PfKeyKey> authKey;
    std::optional<PfKeyKey> encKey;
    std::optional<PfKeyProposal> proposal;
    std::optional<std::vector<PfKeyAlg>> supportedAuth;
    std::optional<std::vector<PfKeyAlg>> supportedEncrypt;
    std::optional<PfKeySpiRange> spirange;
    std::optional<PfKeyPolicy> policy;
    std::optional<PfKeySa2> sa2;
    /// Extensions KAME accepts and ignores (proxy, identities, sensitivity,
    /// kmprivate, tag), kept as their bodies so a message survives a round trip.
    std::map<uint16_t, std::vector<uint8_t>> opaque;

    PfKeyMessage() = default;
    PfKeyMessage(PfKeyType t, uint8_t satype, uint32_t seq = 0, uint32_t pid = 0);

    PfKeyType GetType() const;

    /// The RFC 2367 wire layout (sadb_msg_len set from the extensions).
    std::vector<uint8_t> Serialize() const;

    /**
     * key_parse's checks on @p len bytes at @p data: framing, version, type,
     * extension types and lengths, duplicates, satype rules per message
     * type, and address extensions (family, length, prefix, matching
     * src/dst protocol and family).  Returns 0 and fills @p msg, or an errno
     * (EINVAL; EOPNOTSUPP for satypes KAME does not implement) with
     * @p error saying which counter it belongs to.
     */
    static int Parse(const uint8_t* data,
                     size_t len,
                     PfKeyMessage* msg,
                     PfKeyParseError* error = nullptr);

    /// A one-line summary for logs: "SADB_ADD satype=3 seq=1 pid=0 errno=0 [sa src dst ...]".
    std::string ToString() const;
};

} // namespace ns3

#endif /* PFKEY_MESSAGE_H */
