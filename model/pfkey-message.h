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

/**
 * @ingroup ipsec-keys
 * Message types (sadb_msg_type): RFC 2367 section 3.1's, then KAME's
 * SADB_X_* extensions.
 */
enum class PfKeyType : uint8_t
{
    RESERVED = 0,      ///< SADB_RESERVED: never valid (out_invmsgtype)
    GETSPI = 1,        ///< SADB_GETSPI (RFC 2367 section 3.1.1): a larval SA with a fresh SPI
    UPDATE = 2,        ///< SADB_UPDATE (section 3.1.2): keys a larval SA, making it mature
    ADD = 3,           ///< SADB_ADD (section 3.1.3): a mature SA, setkey's "add"
    DELETE = 4,        ///< SADB_DELETE (section 3.1.4): one SA by SPI, or all between two addresses
    GET = 5,           ///< SADB_GET (section 3.1.5): one SA, setkey's "get"
    ACQUIRE = 6,       ///< SADB_ACQUIRE (section 3.1.6): the kernel asks a daemon for an SA
    REGISTER = 7,      ///< SADB_REGISTER (section 3.1.7): subscribes to an SA type's ACQUIREs
    EXPIRE = 8,        ///< SADB_EXPIRE (section 3.1.8): kernel-originated soft or hard expiry
    FLUSH = 9,         ///< SADB_FLUSH (section 3.1.9): removes every SA (of a type)
    DUMP = 10,         ///< SADB_DUMP (section 3.1.10): every SA, one reply each (setkey -D)
    X_PROMISC = 11,    ///< SADB_X_PROMISC: copies of every message (satype non-zero: on)
    X_PCHANGE = 12,    ///< SADB_X_PCHANGE: policy change notice, not implemented (EINVAL, as KAME)
    X_SPDUPDATE = 13,  ///< SADB_X_SPDUPDATE: replaces the policy of a selector (spdupdate)
    X_SPDADD = 14,     ///< SADB_X_SPDADD: adds a policy (setkey's spdadd)
    X_SPDDELETE = 15,  ///< SADB_X_SPDDELETE: removes the policy of a selector (spddelete)
    X_SPDGET = 16,     ///< SADB_X_SPDGET: one policy, by id
    X_SPDACQUIRE = 17, ///< SADB_X_SPDACQUIRE: kernel-originated, refused from userland
    X_SPDDUMP = 18,    ///< SADB_X_SPDDUMP: every policy, one reply each (setkey -DP)
    X_SPDFLUSH = 19,   ///< SADB_X_SPDFLUSH: removes every policy (spdflush)
    X_SPDSETIDX = 20,  ///< SADB_X_SPDSETIDX: adds a policy, as X_SPDADD (key_spdadd)
    X_SPDEXPIRE = 21,  ///< SADB_X_SPDEXPIRE: kernel-originated, refused from userland
    X_SPDDELETE2 = 22, ///< SADB_X_SPDDELETE2: removes a policy by id
};

/// @ingroup ipsec-keys
/// The highest message type KAME knows (SADB_MAX).
constexpr uint8_t PFKEY_TYPE_MAX = 22;

/**
 * @ingroup ipsec-keys
 * Netstat's name of a message type, as the pfkey: section of `netstat -s`
 * prints it (KAME's pfkey_msgtypenames).
 * @param type an sadb_msg_type value
 * @return "getspi", "x_spdadd"...; "#N" beyond the table
 */
std::string PfKeyTypeName(uint8_t type);

/**
 * @ingroup ipsec-keys
 * SA types (sadb_msg_satype, RFC 2367 section 2.2; IPComp is KAME's
 * SADB_X_SATYPE_IPCOMP).  The model implements AH, ESP and IPComp; the
 * others parse but are refused with EOPNOTSUPP, as KAME refuses them.
 */
namespace PfKeySaType
{
constexpr uint8_t UNSPEC
    = 0;                   ///< SADB_SATYPE_UNSPEC: every type (FLUSH, DUMP), no type (SPD messages)
constexpr uint8_t AH = 2;  ///< SADB_SATYPE_AH
constexpr uint8_t ESP = 3; ///< SADB_SATYPE_ESP
constexpr uint8_t RSVP = 5;   ///< SADB_SATYPE_RSVP (not implemented)
constexpr uint8_t OSPFV2 = 6; ///< SADB_SATYPE_OSPFV2 (not implemented)
constexpr uint8_t RIPV2 = 7;  ///< SADB_SATYPE_RIPV2 (not implemented)
constexpr uint8_t MIP = 8;    ///< SADB_SATYPE_MIP (not implemented)
constexpr uint8_t IPCOMP = 9; ///< SADB_X_SATYPE_IPCOMP
} // namespace PfKeySaType

/**
 * @ingroup ipsec-keys
 * The satype of an IPsec protocol (KAME's key_proto2satype).
 * @param proto ESP, AH or IPComp
 * @return PfKeySaType::ESP, AH or IPCOMP
 */
uint8_t PfKeySaTypeOf(IpsecProto proto);
/**
 * @ingroup ipsec-keys
 * The IPsec protocol of an satype (KAME's key_satype2proto).
 * @param satype an sadb_msg_satype value
 * @param proto set to ESP, AH or IPComp (untouched otherwise)
 * @return false when @p satype is not ESP, AH or IPComp
 */
bool PfKeyProtoOf(uint8_t satype, IpsecProto* proto);

/**
 * @ingroup ipsec-keys
 * Extension types (sadb_ext_type, RFC 2367 section 2.3, then KAME's
 * SADB_X_EXT_*).
 */
namespace PfKeyExt
{
constexpr uint16_t SA = 1;                 ///< SADB_EXT_SA: PfKeySa (section 2.3.1)
constexpr uint16_t LIFETIME_CURRENT = 2;   ///< SADB_EXT_LIFETIME_CURRENT (section 2.3.2)
constexpr uint16_t LIFETIME_HARD = 3;      ///< SADB_EXT_LIFETIME_HARD
constexpr uint16_t LIFETIME_SOFT = 4;      ///< SADB_EXT_LIFETIME_SOFT
constexpr uint16_t ADDRESS_SRC = 5;        ///< SADB_EXT_ADDRESS_SRC (section 2.3.3)
constexpr uint16_t ADDRESS_DST = 6;        ///< SADB_EXT_ADDRESS_DST
constexpr uint16_t ADDRESS_PROXY = 7;      ///< SADB_EXT_ADDRESS_PROXY: kept opaque
constexpr uint16_t KEY_AUTH = 8;           ///< SADB_EXT_KEY_AUTH (section 2.3.4)
constexpr uint16_t KEY_ENCRYPT = 9;        ///< SADB_EXT_KEY_ENCRYPT
constexpr uint16_t IDENTITY_SRC = 10;      ///< SADB_EXT_IDENTITY_SRC (2.3.5): kept opaque
constexpr uint16_t IDENTITY_DST = 11;      ///< SADB_EXT_IDENTITY_DST: kept opaque
constexpr uint16_t SENSITIVITY = 12;       ///< SADB_EXT_SENSITIVITY (2.3.6): kept opaque
constexpr uint16_t PROPOSAL = 13;          ///< SADB_EXT_PROPOSAL (section 2.3.7)
constexpr uint16_t SUPPORTED_AUTH = 14;    ///< SADB_EXT_SUPPORTED_AUTH (section 2.3.8)
constexpr uint16_t SUPPORTED_ENCRYPT = 15; ///< SADB_EXT_SUPPORTED_ENCRYPT
constexpr uint16_t SPIRANGE = 16;          ///< SADB_EXT_SPIRANGE (section 2.3.9)
constexpr uint16_t X_KMPRIVATE = 17;       ///< SADB_X_EXT_KMPRIVATE: kept opaque
constexpr uint16_t X_POLICY = 18;          ///< SADB_X_EXT_POLICY: PfKeyPolicy
constexpr uint16_t X_SA2 = 19;             ///< SADB_X_EXT_SA2: PfKeySa2
// NetBSD (>= 5) numbers 20..25 for NAT-T (sys/net/pfkeyv2.h); KAME-2003's
// SADB_X_EXT_TAG (also 20) does not exist there, see "PF_KEY" in doc/ipsec.rst.
constexpr uint16_t X_NAT_T_TYPE = 20;  ///< SADB_X_EXT_NAT_T_TYPE: struct sadb_x_nat_t_type
constexpr uint16_t X_NAT_T_SPORT = 21; ///< SADB_X_EXT_NAT_T_SPORT: struct sadb_x_nat_t_port
constexpr uint16_t X_NAT_T_DPORT = 22; ///< SADB_X_EXT_NAT_T_DPORT: struct sadb_x_nat_t_port
constexpr uint16_t X_NAT_T_OAI = 23;   ///< SADB_X_EXT_NAT_T_OAI (alias NAT_T_OA): sadb_address
constexpr uint16_t X_NAT_T_OAR = 24;   ///< SADB_X_EXT_NAT_T_OAR: sadb_address
constexpr uint16_t X_NAT_T_FRAG = 25;  ///< SADB_X_EXT_NAT_T_FRAG: struct sadb_x_nat_t_frag
constexpr uint16_t MAX = 25;           ///< SADB_EXT_MAX: the highest type known
} // namespace PfKeyExt

/**
 * @ingroup ipsec-keys
 * The association extension, struct sadb_sa (RFC 2367 section 2.3.1).
 */
struct PfKeySa
{
    uint32_t spi{0};    ///< host value (network order on the wire)
    uint8_t replay{0};  ///< replay window in bytes (window bits / 8; 0 = no replay check)
    uint8_t state{0};   ///< SADB_SASTATE_*: 0 larval, 1 mature, 2 dying, 3 dead
    uint8_t auth{0};    ///< SADB_AALG_* / SADB_X_AALG_* authentication algorithm (0 none)
    uint8_t encrypt{0}; ///< SADB_EALG_* / SADB_X_EALG_*; for IPComp SADB_X_CALG_*
    uint32_t flags{0};  ///< SADB_X_EXT_* flags (KAME: old/new ESP, IV and padding variants)
};

/**
 * @ingroup ipsec-keys
 * A lifetime extension, struct sadb_lifetime (RFC 2367 section 2.3.2):
 * current, hard or soft.
 */
struct PfKeyLifetime
{
    uint32_t allocations{0}; ///< times the SA was allocated (current) or may be (limits)
    uint64_t bytes{0};       ///< bytes processed (current) or allowed (limits)
    uint64_t addtime{0};     ///< seconds (current: wall-clock creation time)
    uint64_t usetime{0};     ///< seconds (current: wall-clock time of the last use)
};

/**
 * @ingroup ipsec-keys
 * An address extension, struct sadb_address and its sockaddr (RFC 2367
 * section 2.3.3): the SA's endpoint or the policy selector's network.
 */
struct PfKeyAddress
{
    uint8_t proto{IPSEC_ULPROTO_ANY}; ///< upper-layer protocol (255 = any)
    uint8_t prefixlen{0};             ///< prefix length in bits (full length for an SA)
    IpsecAddress addr;                ///< the address (sockaddr_in or sockaddr_in6)
    uint16_t port{0};                 ///< the port (0 = any)
};

/**
 * @ingroup ipsec-keys
 * A key extension, struct sadb_key (RFC 2367 section 2.3.4).
 */
struct PfKeyKey
{
    uint16_t bits{0};          ///< key length in bits (sadb_key_bits)
    std::vector<uint8_t> data; ///< the key, (bits + 7) / 8 bytes
};

/**
 * @ingroup ipsec-keys
 * The SPI range of a GETSPI, struct sadb_spirange (RFC 2367 section 2.3.9).
 */
struct PfKeySpiRange
{
    uint32_t min{0}; ///< smallest SPI acceptable
    uint32_t max{0}; ///< largest SPI acceptable (min = max: exactly that SPI)
};

/**
 * @ingroup ipsec-keys
 * KAME's second association extension, struct sadb_x_sa2: the SA's mode,
 * sequence number and reqid.
 */
struct PfKeySa2
{
    uint8_t mode{0};      ///< IPSEC_MODE_*: 0 any, 1 transport, 2 tunnel
    uint32_t sequence{0}; ///< the SA's sequence number (last sent or received)
    uint32_t reqid{0};    ///< the reqid binding the SA to policies (0 = none)
};

/**
 * @ingroup ipsec-keys
 * KAME's policy extension, struct sadb_x_policy with its
 * sadb_x_ipsecrequest list (key_msg2sp, key_sp2msg).
 */
struct PfKeyPolicy
{
    uint16_t type{0}; ///< IPSEC_POLICY_*: 0 discard, 1 none, 2 ipsec, 3 entrust, 4 bypass
    uint8_t dir{0};   ///< IPSEC_DIR_*: 1 inbound, 2 outbound
    uint32_t id{0};   ///< the policy's id (spid; 0 in a request that adds one)
    std::vector<IpsecRequest> requests; ///< the ipsec policy's requests, in order
};

/**
 * @ingroup ipsec-keys
 * One algorithm of a REGISTER reply, struct sadb_alg (SUPPORTED_AUTH /
 * SUPPORTED_ENCRYPT, RFC 2367 section 2.3.8).
 */
struct PfKeyAlg
{
    uint8_t id{0};       ///< the SADB algorithm number
    uint8_t ivlen{0};    ///< IV length in bytes (encryption)
    uint16_t minbits{0}; ///< shortest key in bits
    uint16_t maxbits{0}; ///< longest key in bits
};

/**
 * @ingroup ipsec-keys
 * One combination of an ACQUIRE's proposal, struct sadb_comb (RFC 2367
 * section 2.3.7): the algorithms, key sizes and lifetimes the kernel
 * proposes (key_getcomb_esp, key_getcomb_ah).
 */
struct PfKeyComb
{
    uint8_t auth{0};             ///< authentication algorithm (0 none)
    uint8_t encrypt{0};          ///< encryption algorithm (0 for AH)
    uint16_t flags{0};           ///< sadb_comb_flags (SADB_SAFLAGS_*)
    uint16_t authMinBits{0};     ///< shortest authentication key in bits
    uint16_t authMaxBits{0};     ///< longest authentication key in bits
    uint16_t encMinBits{0};      ///< shortest encryption key in bits
    uint16_t encMaxBits{0};      ///< longest encryption key in bits
    uint32_t softAllocations{0}; ///< soft lifetime: allocations
    uint32_t hardAllocations{0}; ///< hard lifetime: allocations
    uint64_t softBytes{0};       ///< soft lifetime: bytes
    uint64_t hardBytes{0};       ///< hard lifetime: bytes
    uint64_t softAddtime{0};     ///< soft lifetime: seconds after creation
    uint64_t hardAddtime{0};     ///< hard lifetime: seconds after creation
    uint64_t softUsetime{0};     ///< soft lifetime: seconds after first use
    uint64_t hardUsetime{0};     ///< hard lifetime: seconds after first use
};

/**
 * @ingroup ipsec-keys
 * The proposal extension of an ACQUIRE, struct sadb_prop (RFC 2367
 * section 2.3.7).
 */
struct PfKeyProposal
{
    uint8_t replay{0};            ///< replay window in bytes
    std::vector<PfKeyComb> combs; ///< the combinations, most preferred first
};

/**
 * @ingroup ipsec-keys
 * Why Parse refused a message: the pfkeystat counter KAME increments.
 */
enum class PfKeyParseError : uint8_t
{
    NONE,                ///< the message parsed
    TOO_SHORT,           ///< out_tooshort: shorter than a sadb_msg
    INVALID_LENGTH,      ///< out_invlen: sadb_msg_len or an extension length is wrong
    INVALID_VERSION,     ///< out_invver
    INVALID_TYPE,        ///< out_invmsgtype
    DUPLICATE_EXTENSION, ///< out_dupext
    INVALID_EXTENSION,   ///< out_invexttype
    INVALID_SATYPE,      ///< out_invsatype
    INVALID_ADDRESS,     ///< out_invaddr
};

/**
 * @ingroup ipsec-keys
 * The pfkeystat counter name of @p e, as the key engine increments it and
 * `netstat -s` prints it.
 * @param e why a message was refused
 * @return "out_invlen", "out_invsatype"...; "" for NONE
 */
std::string PfKeyParseErrorCounter(PfKeyParseError e);

/**
 * @ingroup ipsec-keys
 * One PF_KEY v2 message (RFC 2367 section 2): the sadb_msg header as
 * fields, each known extension as an optional member (present when the
 * message carries it), the extensions KAME ignores kept as bytes.  Built
 * by setkey, the daemons and the key engine; Serialize and Parse convert
 * to and from the wire layout.
 */
class PfKeyMessage
{
  public:
    /// PF_KEY_V2.
    static constexpr uint8_t VERSION = 2;
    /// sizeof(struct sadb_msg).
    static constexpr size_t HEADER_SIZE = 16;

    uint8_t version{VERSION};            ///< sadb_msg_version (PF_KEY_V2)
    uint8_t type{0};                     ///< sadb_msg_type (a PfKeyType)
    uint8_t errnum{0};                   ///< sadb_msg_errno: 0, or a reply's errno
    uint8_t satype{PfKeySaType::UNSPEC}; ///< sadb_msg_satype (a PfKeySaType)
    uint16_t reserved{0};                ///< replies: the reference count of an SA or policy
    uint32_t seq{0}; ///< sadb_msg_seq: matches a reply (and an ACQUIRE) to its request
    uint32_t pid{0}; ///< sadb_msg_pid: the sending process (0 from the kernel)

    std::optional<PfKeySa> sa;                             ///< SADB_EXT_SA
    std::optional<PfKeyLifetime> current;                  ///< SADB_EXT_LIFETIME_CURRENT
    std::optional<PfKeyLifetime> hard;                     ///< SADB_EXT_LIFETIME_HARD
    std::optional<PfKeyLifetime> soft;                     ///< SADB_EXT_LIFETIME_SOFT
    std::optional<PfKeyAddress> src;                       ///< SADB_EXT_ADDRESS_SRC
    std::optional<PfKeyAddress> dst;                       ///< SADB_EXT_ADDRESS_DST
    std::optional<PfKeyKey> authKey;                       ///< SADB_EXT_KEY_AUTH
    std::optional<PfKeyKey> encKey;                        ///< SADB_EXT_KEY_ENCRYPT
    std::optional<PfKeyProposal> proposal;                 ///< SADB_EXT_PROPOSAL (ACQUIRE)
    std::optional<std::vector<PfKeyAlg>> supportedAuth;    ///< SADB_EXT_SUPPORTED_AUTH
    std::optional<std::vector<PfKeyAlg>> supportedEncrypt; ///< SADB_EXT_SUPPORTED_ENCRYPT
    std::optional<PfKeySpiRange> spirange;                 ///< SADB_EXT_SPIRANGE (GETSPI)
    std::optional<PfKeyPolicy> policy;                     ///< SADB_X_EXT_POLICY
    std::optional<PfKeySa2> sa2;                           ///< SADB_X_EXT_SA2
    // NetBSD's NAT-T extensions (sys/net/pfkeyv2.h): 20 TYPE, 21 SPORT,
    // 22 DPORT, 23 OAI (OA), 24 OAR, 25 FRAG.  TYPE, SPORT, DPORT and FRAG
    // are exactly 8 bytes on the wire (key_align's maxsize: out_invlen
    // otherwise); OAI and OAR are checked as the address extensions.
    std::optional<uint8_t> nattType;     ///< SADB_X_EXT_NAT_T_TYPE (sadb_x_nat_t_type_type)
    std::optional<uint16_t> nattSport;   ///< SADB_X_EXT_NAT_T_SPORT (host order here)
    std::optional<uint16_t> nattDport;   ///< SADB_X_EXT_NAT_T_DPORT (host order here)
    std::optional<PfKeyAddress> nattOai; ///< SADB_X_EXT_NAT_T_OAI
    std::optional<PfKeyAddress> nattOar; ///< SADB_X_EXT_NAT_T_OAR
    std::optional<uint16_t> nattFrag;    ///< SADB_X_EXT_NAT_T_FRAG (sadb_x_nat_t_frag_fraglen)
    /// Extensions KAME accepts and ignores (proxy, identities, sensitivity,
    /// kmprivate), kept as their bodies so a message survives a round trip.
    std::map<uint16_t, std::vector<uint8_t>> opaque;

    PfKeyMessage() = default;
    /**
     * A message with its header set and no extensions.
     * @param t the message type
     * @param satype the SA type (a PfKeySaType)
     * @param seq the sequence number
     * @param pid the sending process (0 from the kernel)
     */
    PfKeyMessage(PfKeyType t, uint8_t satype, uint32_t seq = 0, uint32_t pid = 0);

    /**
     * The message type as the enumeration.
     * @return type, converted (only values 1 to PFKEY_TYPE_MAX are named)
     */
    PfKeyType GetType() const;

    /**
     * The RFC 2367 wire layout (sadb_msg_len set from the extensions):
     * the header, then the extensions present in type order (as KAME's
     * replies have them), each padded to 64 bits, the opaque ones last.
     * @return the message's bytes, a multiple of 8
     */
    std::vector<uint8_t> Serialize() const;

    /**
     * key_parse's checks on @p len bytes at @p data: framing, version, type,
     * extension types and lengths, duplicates, satype rules per message
     * type, and address extensions (family, length, prefix, matching
     * src/dst protocol and family).  Returns 0 and fills @p msg, or an errno
     * (EINVAL; EOPNOTSUPP for satypes KAME does not implement) with
     * @p error saying which counter it belongs to.
     * @param data the message's bytes
     * @param len their number (sadb_msg_len * 8 must equal it)
     * @param msg set to the message when it parses (may be nullptr: only
     *        the checks)
     * @param error set to why it was refused, NONE when it parses (may be
     *        nullptr)
     * @return 0, EINVAL or EOPNOTSUPP
     */
    static int Parse(const uint8_t* data,
                     size_t len,
                     PfKeyMessage* msg,
                     PfKeyParseError* error = nullptr);

    /**
     * A one-line summary for logs.
     * @return "SADB_ADD satype=3 seq=1 pid=0 errno=0", then the SPI and
     *         state, addresses, mode and reqid, and policy when present
     */
    std::string ToString() const;
};

} // namespace ns3

#endif /* PFKEY_MESSAGE_H */
