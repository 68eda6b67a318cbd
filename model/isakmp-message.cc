/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Every multi-octet field is in network order (RFC 2408 3).  Decoding
 * reads through a bounds-checked cursor, and every length is checked
 * against what holds it before anything inside is read.
 */
#include "isakmp-message.h"

#include "ipsec-byte-io.h"
#include "ns3/abort.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace ns3
{

namespace
{

constexpr uint16_t AF_TV = 0x8000;   ///< attribute format bit: basic (TV) form (RFC 2408 3.3)
constexpr size_t GENERIC_SIZE = 4;   ///< generic payload header (RFC 2408 3.2)
constexpr size_t PROPOSAL_SIZE = 8;  ///< proposal payload without its SPI (RFC 2408 3.5)
constexpr size_t TRANSFORM_SIZE = 8; ///< transform payload without attributes (RFC 2408 3.6)
constexpr size_t ATTRIBUTE_SIZE = 4; ///< attribute type and length or value (RFC 2408 3.3)
constexpr size_t MAX_PAYLOAD = 0xffff;

/// Sets *why (when given) and returns false.
bool
Fail(std::string* why, const std::string& text)
{
    if (why != nullptr)
    {
        *why = text;
    }
    return false;
}

std::string
Str(uint64_t v)
{
    return std::to_string(v);
}

/// Network-order fields, and a 16-bit length patched afterwards.
class Writer : public IpsecByteWriter
{
  public:
    using IpsecByteWriter::IpsecByteWriter;

    /// Patches the 16-bit length at @p at + 2 (a generic header's) to the bytes since @p at.
    void PatchLength(size_t at, const char* what)
    {
        size_t len = m_b.size() - at;
        NS_ABORT_MSG_IF(len > MAX_PAYLOAD,
                        "ISAKMP: a " << what << " of " << len
                                     << " bytes does not fit a 16-bit length");
        m_b[at + 2] = len >> 8;
        m_b[at + 3] = len & 0xff;
    }
};

/// Reads network-order fields; the caller checks Left() first.
using Cursor = IpsecByteReader;

/// Writes a generic payload header whose length PatchLength fills in.
size_t
BeginGeneric(Writer& w, uint8_t next)
{
    size_t at = w.Size();
    w.U8(next);
    w.U8(0);
    w.N16(0);
    return at;
}

/**
 * Whether @p size octets is an SPI size @p protocol can have (racoon's
 * check_spi_size; RFC 2408 3.5 and 3.15 for ISAKMP, RFC 2407 4.4.1).
 * @p none: a notification may be about no SA in particular (size 0).
 */
bool
SpiSizeOk(uint8_t protocol, uint8_t size, bool none, std::string* why)
{
    switch (protocol)
    {
        case isakmp::PROTO_ISAKMP:
            // The cookies are the ISAKMP SPI: "MAY be from zero (0) to sixteen (16)".
            if (size > 16)
            {
                return Fail(why, "an ISAKMP SPI of " + Str(size) + " bytes (at most 16)");
            }
            return true;
        case isakmp::PROTO_IPSEC_AH:
        case isakmp::PROTO_IPSEC_ESP:
            if (size != 4 && !(none && size == 0))
            {
                return Fail(why,
                            std::string(protocol == isakmp::PROTO_IPSEC_AH ? "an AH" : "an ESP")
                                + " SPI of " + Str(size) + " bytes (4)");
            }
            return true;
        case isakmp::PROTO_IPCOMP:
            if (size != 2 && size != 4 && !(none && size == 0))
            {
                return Fail(why, "an IPComp CPI of " + Str(size) + " bytes (2 or 4)");
            }
            return true;
        default:
            return Fail(why,
                        "protocol id " + Str(protocol)
                            + ", not ISAKMP (1), AH (2), ESP (3) or IPComp (4) (RFC 2407 4.4.1)");
    }
}

/// Reads the attributes filling @p c (a transform's, after its header).
bool
DecodeAttributes(Cursor& c, std::vector<IsakmpAttribute>* out, std::string* why)
{
    for (size_t i = 1; c.Left() > 0; ++i)
    {
        std::string where = "attribute " + Str(i);
        if (c.Left() < ATTRIBUTE_SIZE)
        {
            return Fail(why,
                        where + ": " + Str(c.Left())
                            + " bytes left in the transform, shorter than an attribute (4)");
        }
        uint16_t type = c.N16();
        uint16_t lorv = c.N16();
        IsakmpAttribute a;
        a.type = type & ~AF_TV;
        if (type & AF_TV)
        {
            a.basic = true;
            a.value = lorv;
        }
        else
        {
            a.basic = false;
            if (lorv > c.Left())
            {
                return Fail(why,
                            where + " (type " + Str(a.type) + "): its " + Str(lorv)
                                + "-byte value runs past the transform (" + Str(c.Left())
                                + " bytes left)");
            }
            a.bytes = c.Take(lorv);
        }
        out->push_back(std::move(a));
    }
    return true;
}

/// Reads the transforms of a proposal (@p c: the bytes after its SPI).
bool
DecodeTransforms(Cursor& c, uint8_t count, std::vector<IsakmpTransform>* out, std::string* why)
{
    for (size_t i = 1;; ++i)
    {
        std::string where = "transform " + Str(i);
        if (c.Left() < TRANSFORM_SIZE)
        {
            return Fail(why,
                        where + ": " + Str(c.Left())
                            + " bytes left in the proposal, shorter than a transform header (8)");
        }
        uint8_t next = c.U8();
        c.U8(); // reserved
        uint16_t len = c.N16();
        if (next != isakmp::PL_NONE && next != isakmp::PL_TRANSFORM)
        {
            return Fail(why, where + ": next payload " + Str(next) + ", not 0 or 3 (Transform)");
        }
        if (len < TRANSFORM_SIZE)
        {
            return Fail(why, where + ": length " + Str(len) + ", shorter than its 8-byte header");
        }
        if (len - GENERIC_SIZE > c.Left())
        {
            return Fail(why,
                        where + ": length " + Str(len) + " runs past the proposal ("
                            + Str(c.Left() + GENERIC_SIZE) + " bytes left)");
        }
        Cursor body = c.Sub(len - GENERIC_SIZE);
        IsakmpTransform t;
        t.number = body.U8();
        t.id = body.U8();
        body.N16(); // reserved2
        if (!DecodeAttributes(body, &t.attributes, why))
        {
            if (why != nullptr)
            {
                *why = where + ", " + *why;
            }
            return false;
        }
        out->push_back(std::move(t));
        if (next == isakmp::PL_NONE)
        {
            break;
        }
        if (c.Left() == 0)
        {
            return Fail(why, where + ": next payload 3 (Transform), but the proposal ends");
        }
    }
    if (c.Left() != 0)
    {
        return Fail(why, Str(c.Left()) + " bytes after the last transform");
    }
    if (out->size() != count)
    {
        return Fail(
            why, "# of transforms is " + Str(count) + ", the proposal holds " + Str(out->size()));
    }
    return true;
}

/// 4 or 16 address bytes as text.
std::string
AddressText(const uint8_t* p, size_t n)
{
    if (n == 4)
    {
        return IpsecAddress(Ipv4Address((uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16)
                                        | (uint32_t(p[2]) << 8) | p[3]))
            .ToString();
    }
    uint8_t b[16];
    std::copy(p, p + 16, b);
    return IpsecAddress(Ipv6Address(b)).ToString();
}

/// The prefix length of a contiguous mask of @p n bytes, or -1.
int
MaskPrefix(const uint8_t* m, size_t n)
{
    int bits = 0;
    size_t i = 0;
    for (; i < n && m[i] == 0xff; ++i)
    {
        bits += 8;
    }
    if (i < n)
    {
        uint8_t b = m[i];
        while (b & 0x80)
        {
            ++bits;
            b <<= 1;
        }
        if (b != 0)
        {
            return -1;
        }
        for (++i; i < n; ++i)
        {
            if (m[i] != 0)
            {
                return -1;
            }
        }
    }
    return bits;
}

/// The data size an ID type requires (RFC 2407 4.6.2.2 - 4.6.2.9), or 0 if free.
size_t
IdDataSize(uint8_t type)
{
    switch (type)
    {
        case isakmp::ID_IPV4_ADDR:
            return 4;
        case isakmp::ID_IPV4_ADDR_SUBNET:
        case isakmp::ID_IPV4_ADDR_RANGE:
            return 8;
        case isakmp::ID_IPV6_ADDR:
            return 16;
        case isakmp::ID_IPV6_ADDR_SUBNET:
        case isakmp::ID_IPV6_ADDR_RANGE:
            return 32;
        default:
            return 0;
    }
}

/// The RFC 2408 3.1 abbreviation of a payload type (Summary).
std::string
PayloadAbbrev(uint8_t type)
{
    static const char* const kAbbrev[] = {
        "NONE", "SA", "P", "T", "KE", "ID", "CERT", "CR", "HASH", "SIG", "NONCE", "N", "D", "VID"};
    if (type < sizeof(kAbbrev) / sizeof(kAbbrev[0]))
    {
        return kAbbrev[type];
    }
    return "#" + Str(type);
}

/// The smallest body of a payload type whose fixed part the chain can check.
size_t
MinBody(uint8_t type)
{
    switch (type)
    {
        case isakmp::PL_SA:
            return 8; // DOI, situation (RFC 2408 3.4)
        case isakmp::PL_ID:
            return 4; // ID type, protocol, port (RFC 2407 4.6.2)
        case isakmp::PL_NOTIFY:
            return 8; // DOI, protocol, SPI size, notify type (RFC 2408 3.14)
        case isakmp::PL_DELETE:
            return 8; // DOI, protocol, SPI size, # of SPIs (RFC 2408 3.15)
        case isakmp::PL_CERT:
        case isakmp::PL_CR:
            return 1; // encoding / certificate type (RFC 2408 3.9, 3.10)
        case isakmp::PL_KE:
        case isakmp::PL_HASH:
        case isakmp::PL_SIG:
        case isakmp::PL_NONCE:
        case isakmp::PL_VID:
            return 1; // their data is their point (RFC 2408 3.7, 3.11 - 3.13, 3.16)
        default:
            return 0;
    }
}

} // namespace

// ===========================================================================
// Names
// ===========================================================================

namespace isakmp
{

std::string
ExchangeName(uint8_t exchange)
{
    switch (exchange)
    {
        case 0:
            return "NONE";
        case EXCH_BASE:
            return "Base";
        case EXCH_IDENT:
            return "Identity Protection (Main Mode)";
        case EXCH_AUTH_ONLY:
            return "Authentication Only";
        case EXCH_AGGRESSIVE:
            return "Aggressive";
        case EXCH_INFO:
            return "Informational";
        case 6:
            return "Transaction (Config Mode)";
        case EXCH_QUICK:
            return "Quick Mode";
        case EXCH_NEW_GROUP:
            return "New Group Mode";
        default:
            return Str(exchange);
    }
}

std::string
PayloadName(uint8_t payload)
{
    static const char* const kNames[] = {"NONE / No Next Payload",
                                         "Security Association",
                                         "Proposal",
                                         "Transform",
                                         "Key Exchange",
                                         "Identification",
                                         "Certificate",
                                         "Certificate Request",
                                         "Hash",
                                         "Signature",
                                         "Nonce",
                                         "Notification",
                                         "Delete",
                                         "Vendor ID"};
    if (payload < sizeof(kNames) / sizeof(kNames[0]))
    {
        return kNames[payload];
    }
    switch (payload)
    {
        case PL_NATD:
        case PL_NATD_DRAFT:
            return "NAT-D";
        case PL_NATOA:
        case PL_NATOA_DRAFT:
            return "NAT-OA";
        default:
            break;
    }
    return Str(payload);
}

std::string
NotifyName(uint16_t type)
{
    // RFC 2408 3.14.1, RFC 2407 4.6.3, RFC 3706 (dead peer detection).
    static const char* const kErrors[] = {nullptr,
                                          "INVALID-PAYLOAD-TYPE",
                                          "DOI-NOT-SUPPORTED",
                                          "SITUATION-NOT-SUPPORTED",
                                          "INVALID-COOKIE",
                                          "INVALID-MAJOR-VERSION",
                                          "INVALID-MINOR-VERSION",
                                          "INVALID-EXCHANGE-TYPE",
                                          "INVALID-FLAGS",
                                          "INVALID-MESSAGE-ID",
                                          "INVALID-PROTOCOL-ID",
                                          "INVALID-SPI",
                                          "INVALID-TRANSFORM-ID",
                                          "ATTRIBUTES-NOT-SUPPORTED",
                                          "NO-PROPOSAL-CHOSEN",
                                          "BAD-PROPOSAL-SYNTAX",
                                          "PAYLOAD-MALFORMED",
                                          "INVALID-KEY-INFORMATION",
                                          "INVALID-ID-INFORMATION",
                                          "INVALID-CERT-ENCODING",
                                          "INVALID-CERTIFICATE",
                                          "CERT-TYPE-UNSUPPORTED",
                                          "INVALID-CERT-AUTHORITY",
                                          "INVALID-HASH-INFORMATION",
                                          "AUTHENTICATION-FAILED",
                                          "INVALID-SIGNATURE",
                                          "ADDRESS-NOTIFICATION",
                                          "NOTIFY-SA-LIFETIME",
                                          "CERTIFICATE-UNAVAILABLE",
                                          "UNSUPPORTED-EXCHANGE-TYPE",
                                          "UNEQUAL-PAYLOAD-LENGTHS"};
    if (type < sizeof(kErrors) / sizeof(kErrors[0]) && kErrors[type] != nullptr)
    {
        return kErrors[type];
    }
    switch (type)
    {
        case 16384:
            return "CONNECTED";
        case N_RESPONDER_LIFETIME:
            return "RESPONDER-LIFETIME";
        case 24577:
            return "REPLAY-STATUS";
        case N_INITIAL_CONTACT:
            return "INITIAL-CONTACT";
        case 36136:
            return "R-U-THERE";
        case 36137:
            return "R-U-THERE-ACK";
        default:
            return Str(type);
    }
}

} // namespace isakmp

// ===========================================================================
// Equality
// ===========================================================================

bool
IsakmpHeader::operator==(const IsakmpHeader& o) const
{
    return icookie == o.icookie && rcookie == o.rcookie && nextPayload == o.nextPayload
        && version == o.version && exchange == o.exchange && flags == o.flags
        && messageId == o.messageId && length == o.length;
}

bool
IsakmpHeader::operator!=(const IsakmpHeader& o) const
{
    return !(*this == o);
}

bool
IsakmpAttribute::operator==(const IsakmpAttribute& o) const
{
    return type == o.type && basic == o.basic && (basic ? value == o.value : bytes == o.bytes);
}

bool
IsakmpAttribute::operator!=(const IsakmpAttribute& o) const
{
    return !(*this == o);
}

bool
IsakmpTransform::operator==(const IsakmpTransform& o) const
{
    return number == o.number && id == o.id && attributes == o.attributes;
}

bool
IsakmpTransform::operator!=(const IsakmpTransform& o) const
{
    return !(*this == o);
}

bool
IsakmpProposal::operator==(const IsakmpProposal& o) const
{
    return number == o.number && protocol == o.protocol && spi == o.spi
        && transforms == o.transforms;
}

bool
IsakmpProposal::operator!=(const IsakmpProposal& o) const
{
    return !(*this == o);
}

bool
IsakmpSa::operator==(const IsakmpSa& o) const
{
    return doi == o.doi && situation == o.situation && proposals == o.proposals;
}

bool
IsakmpSa::operator!=(const IsakmpSa& o) const
{
    return !(*this == o);
}

bool
IsakmpId::operator==(const IsakmpId& o) const
{
    return type == o.type && protocol == o.protocol && port == o.port && data == o.data;
}

bool
IsakmpId::operator!=(const IsakmpId& o) const
{
    return !(*this == o);
}

bool
IsakmpNotify::operator==(const IsakmpNotify& o) const
{
    return doi == o.doi && protocol == o.protocol && type == o.type && spi == o.spi
        && data == o.data;
}

bool
IsakmpNotify::operator!=(const IsakmpNotify& o) const
{
    return !(*this == o);
}

bool
IsakmpDelete::operator==(const IsakmpDelete& o) const
{
    return doi == o.doi && protocol == o.protocol && spiSize == o.spiSize && spis == o.spis;
}

bool
IsakmpDelete::operator!=(const IsakmpDelete& o) const
{
    return !(*this == o);
}

bool
IsakmpPayload::operator==(const IsakmpPayload& o) const
{
    return type == o.type && body == o.body;
}

bool
IsakmpPayload::operator!=(const IsakmpPayload& o) const
{
    return !(*this == o);
}

// ===========================================================================
// Attributes, transforms, SA payloads (RFC 2408 3.3 - 3.6)
// ===========================================================================

uint64_t
IsakmpAttribute::Number() const
{
    if (basic)
    {
        return value;
    }
    if (bytes.size() > 8)
    {
        return 0;
    }
    uint64_t v = 0;
    for (uint8_t b : bytes)
    {
        v = (v << 8) | b;
    }
    return v;
}

bool
IsakmpAttribute::HasNumber() const
{
    return basic || bytes.size() <= 8;
}

IsakmpAttribute
IsakmpAttribute::Make(uint16_t type, uint64_t v)
{
    IsakmpAttribute a;
    a.type = type;
    if (v <= 0xffff)
    {
        a.basic = true;
        a.value = static_cast<uint16_t>(v);
        return a;
    }
    // racoon (setph1attr, setph2proposal0): a duration above 0xffff is a
    // variable attribute holding a 4-byte u_int32_t; beyond 32 bits (racoon
    // cannot send those) the fewest bytes that hold the value.
    size_t n = 4;
    while (n < 8 && (v >> (8 * n)) != 0)
    {
        ++n;
    }
    a.basic = false;
    for (size_t i = n; i-- > 0;)
    {
        a.bytes.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    return a;
}

const IsakmpAttribute*
IsakmpTransform::Find(uint16_t type) const
{
    for (const IsakmpAttribute& a : attributes)
    {
        if (a.type == type)
        {
            return &a;
        }
    }
    return nullptr;
}

std::vector<uint8_t>
IsakmpSa::Encode() const
{
    std::vector<uint8_t> b;
    Writer w(b);
    w.N32(doi);
    w.N32(situation);
    for (size_t i = 0; i < proposals.size(); ++i)
    {
        const IsakmpProposal& p = proposals[i];
        NS_ABORT_MSG_IF(p.spi.size() > 0xff || p.transforms.size() > 0xff,
                        "ISAKMP: a proposal with a " << p.spi.size() << "-byte SPI and "
                                                     << p.transforms.size() << " transforms");
        size_t pat = BeginGeneric(w, i + 1 < proposals.size() ? isakmp::PL_PROPOSAL : 0);
        w.U8(p.number);
        w.U8(p.protocol);
        w.U8(static_cast<uint8_t>(p.spi.size()));
        w.U8(static_cast<uint8_t>(p.transforms.size()));
        w.Bytes(p.spi);
        for (size_t j = 0; j < p.transforms.size(); ++j)
        {
            const IsakmpTransform& t = p.transforms[j];
            size_t tat = BeginGeneric(w, j + 1 < p.transforms.size() ? isakmp::PL_TRANSFORM : 0);
            w.U8(t.number);
            w.U8(t.id);
            w.N16(0);
            for (const IsakmpAttribute& a : t.attributes)
            {
                NS_ABORT_MSG_IF(a.type & AF_TV, "ISAKMP: attribute type " << a.type << " > 0x7fff");
                if (a.basic)
                {
                    w.N16(a.type | AF_TV);
                    w.N16(a.value);
                }
                else
                {
                    NS_ABORT_MSG_IF(a.bytes.size() > 0xffff,
                                    "ISAKMP: a " << a.bytes.size() << "-byte attribute value");
                    w.N16(a.type);
                    w.N16(static_cast<uint16_t>(a.bytes.size()));
                    w.Bytes(a.bytes);
                }
            }
            w.PatchLength(tat, "transform");
        }
        w.PatchLength(pat, "proposal");
    }
    return b;
}

bool
IsakmpSa::Decode(const std::vector<uint8_t>& body, IsakmpSa* out, std::string* why)
{
    Cursor c(body.data(), body.size());
    if (c.Left() < 8)
    {
        return Fail(why,
                    "SA payload: " + Str(body.size())
                        + " bytes, shorter than its DOI and situation (8)");
    }
    IsakmpSa sa;
    sa.doi = c.N32();
    sa.situation = c.N32();
    if (sa.doi != isakmp::DOI_IPSEC)
    {
        return Fail(why,
                    "SA payload: DOI " + Str(sa.doi)
                        + ", not the IPsec DOI (1): its situation cannot be read");
    }
    if (sa.situation & (isakmp::SIT_SECRECY | isakmp::SIT_INTEGRITY))
    {
        char hex[16];
        std::snprintf(hex, sizeof(hex), "0x%08x", sa.situation);
        return Fail(why,
                    std::string("SA payload: situation ") + hex
                        + " is labelled (SIT_SECRECY/SIT_INTEGRITY, RFC 2407 4.6.1): not "
                          "supported");
    }
    if (c.Left() == 0)
    {
        return Fail(why, "SA payload without a proposal");
    }
    for (size_t i = 1;; ++i)
    {
        std::string where = "SA payload, proposal " + Str(i);
        if (c.Left() < PROPOSAL_SIZE)
        {
            return Fail(why,
                        where + ": " + Str(c.Left())
                            + " bytes left, shorter than a proposal header (8)");
        }
        uint8_t next = c.U8();
        c.U8(); // reserved
        uint16_t len = c.N16();
        if (next != isakmp::PL_NONE && next != isakmp::PL_PROPOSAL)
        {
            return Fail(why, where + ": next payload " + Str(next) + ", not 0 or 2 (Proposal)");
        }
        if (len < PROPOSAL_SIZE)
        {
            return Fail(why, where + ": length " + Str(len) + ", shorter than its 8-byte header");
        }
        if (len - GENERIC_SIZE > c.Left())
        {
            return Fail(why,
                        where + ": length " + Str(len) + " runs past the SA payload ("
                            + Str(c.Left() + GENERIC_SIZE) + " bytes left)");
        }
        Cursor pc = c.Sub(len - GENERIC_SIZE);
        IsakmpProposal p;
        p.number = pc.U8();
        p.protocol = pc.U8();
        uint8_t spiSize = pc.U8();
        uint8_t count = pc.U8();
        std::string reason;
        if (!SpiSizeOk(p.protocol, spiSize, false, &reason))
        {
            return Fail(why, where + ": " + reason);
        }
        if (spiSize > pc.Left())
        {
            return Fail(why,
                        where + ": its " + Str(spiSize) + "-byte SPI does not fit its length "
                            + Str(len));
        }
        p.spi = pc.Take(spiSize);
        if (count == 0)
        {
            return Fail(why, where + ": # of transforms is 0");
        }
        if (!DecodeTransforms(pc, count, &p.transforms, &reason))
        {
            return Fail(why, where + ", " + reason);
        }
        sa.proposals.push_back(std::move(p));
        if (next == isakmp::PL_NONE)
        {
            break;
        }
        if (c.Left() == 0)
        {
            return Fail(why, where + ": next payload 2 (Proposal), but the SA payload ends");
        }
    }
    if (c.Left() != 0)
    {
        return Fail(why, "SA payload: " + Str(c.Left()) + " bytes after the last proposal");
    }
    if (out != nullptr)
    {
        *out = std::move(sa);
    }
    return true;
}

// ===========================================================================
// Identification (RFC 2407 4.6.2)
// ===========================================================================

std::vector<uint8_t>
IsakmpId::Encode() const
{
    std::vector<uint8_t> b;
    Writer w(b);
    w.U8(type);
    w.U8(protocol);
    w.N16(port);
    w.Bytes(data);
    return b;
}

bool
IsakmpId::Decode(const std::vector<uint8_t>& body, IsakmpId* out, std::string* why)
{
    Cursor c(body.data(), body.size());
    if (c.Left() < 4)
    {
        return Fail(why,
                    "ID payload: " + Str(body.size())
                        + " bytes, shorter than its type, protocol and port (4)");
    }
    IsakmpId id;
    id.type = c.U8();
    id.protocol = c.U8();
    id.port = c.N16();
    id.data = c.Take(c.Left());
    if (id.type == 0)
    {
        return Fail(why, "ID payload: ID type 0 is reserved (RFC 2407 4.6.2.1)");
    }
    size_t need = IdDataSize(id.type);
    if (need != 0 && id.data.size() != need)
    {
        return Fail(why,
                    "ID payload: ID type " + Str(id.type) + " holds " + Str(need)
                        + " bytes of data, not " + Str(id.data.size()));
    }
    if (out != nullptr)
    {
        *out = std::move(id);
    }
    return true;
}

IsakmpId
IsakmpId::Address(const IpsecAddress& a, uint8_t protocol, uint16_t port)
{
    NS_ABORT_MSG_IF(a.GetFamily() == IpsecAddress::NONE, "IsakmpId::Address: no address");
    IsakmpId id;
    id.type = a.IsV4() ? isakmp::ID_IPV4_ADDR : isakmp::ID_IPV6_ADDR;
    id.protocol = protocol;
    id.port = port;
    id.data.assign(a.Bytes(), a.Bytes() + a.Size());
    return id;
}

IsakmpId
IsakmpId::Subnet(const IpsecAddress& a, uint8_t prefix, uint8_t protocol, uint16_t port)
{
    NS_ABORT_MSG_IF(a.GetFamily() == IpsecAddress::NONE, "IsakmpId::Subnet: no address");
    NS_ABORT_MSG_IF(prefix > a.GetBits(),
                    "IsakmpId::Subnet: prefix " << unsigned(prefix) << " of " << a);
    IsakmpId id;
    id.type = a.IsV4() ? isakmp::ID_IPV4_ADDR_SUBNET : isakmp::ID_IPV6_ADDR_SUBNET;
    id.protocol = protocol;
    id.port = port;
    // The address, then a mask of its length (RFC 2407 4.6.2.5, 4.6.2.6),
    // the address as given (racoon's ipsecdoi_sockaddr2id does not mask it).
    id.data.assign(a.Bytes(), a.Bytes() + a.Size());
    for (uint8_t i = 0; i < a.Size(); ++i)
    {
        int bits = std::min(8, std::max(0, int(prefix) - 8 * i));
        id.data.push_back(static_cast<uint8_t>(0xff00 >> bits));
    }
    return id;
}

IsakmpId
IsakmpId::Selector(const IpsecAddress& a, uint8_t prefix, uint8_t ulproto, uint16_t port)
{
    uint8_t protocol = ulproto == 255 ? 0 : ulproto;
    if (prefix >= a.GetBits())
    {
        return Address(a, protocol, port);
    }
    return Subnet(a, prefix, protocol, port);
}

std::string
IsakmpId::ToString() const
{
    std::ostringstream os;
    const uint8_t* d = data.data();
    switch (type)
    {
        case isakmp::ID_IPV4_ADDR:
        case isakmp::ID_IPV6_ADDR:
            if (data.size() == IdDataSize(type))
            {
                os << AddressText(d, data.size());
                break;
            }
            os << "(malformed)";
            break;
        case isakmp::ID_IPV4_ADDR_SUBNET:
        case isakmp::ID_IPV6_ADDR_SUBNET:
            if (data.size() == IdDataSize(type))
            {
                size_t n = data.size() / 2;
                int prefix = MaskPrefix(d + n, n);
                os << AddressText(d, n) << "/";
                if (prefix >= 0)
                {
                    os << prefix;
                }
                else
                {
                    os << AddressText(d + n, n);
                }
                break;
            }
            os << "(malformed)";
            break;
        case isakmp::ID_IPV4_ADDR_RANGE:
        case isakmp::ID_IPV6_ADDR_RANGE:
            if (data.size() == IdDataSize(type))
            {
                size_t n = data.size() / 2;
                os << AddressText(d, n) << "-" << AddressText(d + n, n);
                break;
            }
            os << "(malformed)";
            break;
        case isakmp::ID_FQDN:
        case isakmp::ID_USER_FQDN:
            for (uint8_t ch : data)
            {
                if (ch >= 0x20 && ch < 0x7f)
                {
                    os << static_cast<char>(ch);
                }
                else
                {
                    char esc[8];
                    std::snprintf(esc, sizeof(esc), "\\x%02x", ch);
                    os << esc;
                }
            }
            break;
        default:
        {
            os << "type " << unsigned(type) << " 0x";
            for (uint8_t ch : data)
            {
                char hex[4];
                std::snprintf(hex, sizeof(hex), "%02x", ch);
                os << hex;
            }
            break;
        }
    }
    if (protocol != 0 || port != 0)
    {
        os << "[" << unsigned(protocol) << ":" << port << "]";
    }
    return os.str();
}

// ===========================================================================
// Notification and Delete (RFC 2408 3.14, 3.15)
// ===========================================================================

std::vector<uint8_t>
IsakmpNotify::Encode() const
{
    NS_ABORT_MSG_IF(spi.size() > 0xff, "ISAKMP: a " << spi.size() << "-byte notify SPI");
    std::vector<uint8_t> b;
    Writer w(b);
    w.N32(doi);
    w.U8(protocol);
    w.U8(static_cast<uint8_t>(spi.size()));
    w.N16(type);
    w.Bytes(spi);
    w.Bytes(data);
    return b;
}

bool
IsakmpNotify::Decode(const std::vector<uint8_t>& body, IsakmpNotify* out, std::string* why)
{
    Cursor c(body.data(), body.size());
    if (c.Left() < 8)
    {
        return Fail(why,
                    "Notification payload: " + Str(body.size())
                        + " bytes, shorter than its DOI, protocol, SPI size and type (8)");
    }
    IsakmpNotify n;
    n.doi = c.N32();
    n.protocol = c.U8();
    uint8_t spiSize = c.U8();
    n.type = c.N16();
    if (n.doi != 0 && n.doi != isakmp::DOI_IPSEC)
    {
        return Fail(why,
                    "Notification payload: DOI " + Str(n.doi) + ", not ISAKMP (0) or IPsec (1)");
    }
    std::string reason;
    // Protocol 0 is what some peers send for a notification about no SA.
    if (!(n.protocol == 0 && spiSize == 0) && !SpiSizeOk(n.protocol, spiSize, true, &reason))
    {
        return Fail(why, "Notification payload: " + reason);
    }
    if (spiSize > c.Left())
    {
        return Fail(why,
                    "Notification payload: its " + Str(spiSize) + "-byte SPI runs past the body ("
                        + Str(c.Left()) + " bytes left)");
    }
    if (n.type == 0)
    {
        return Fail(why, "Notification payload: notify message type 0 is reserved");
    }
    n.spi = c.Take(spiSize);
    n.data = c.Take(c.Left());
    if (out != nullptr)
    {
        *out = std::move(n);
    }
    return true;
}

std::vector<uint8_t>
IsakmpDelete::Encode() const
{
    NS_ABORT_MSG_IF(spis.size() > 0xffff, "ISAKMP: a Delete with " << spis.size() << " SPIs");
    std::vector<uint8_t> b;
    Writer w(b);
    w.N32(doi);
    w.U8(protocol);
    w.U8(spiSize);
    w.N16(static_cast<uint16_t>(spis.size()));
    for (const std::vector<uint8_t>& s : spis)
    {
        NS_ABORT_MSG_IF(s.size() != spiSize,
                        "ISAKMP: a " << s.size() << "-byte SPI in a Delete of " << unsigned(spiSize)
                                     << "-byte SPIs");
        w.Bytes(s);
    }
    return b;
}

bool
IsakmpDelete::Decode(const std::vector<uint8_t>& body, IsakmpDelete* out, std::string* why)
{
    Cursor c(body.data(), body.size());
    if (c.Left() < 8)
    {
        return Fail(why,
                    "Delete payload: " + Str(body.size())
                        + " bytes, shorter than its DOI, protocol, SPI size and # of SPIs (8)");
    }
    IsakmpDelete d;
    d.doi = c.N32();
    d.protocol = c.U8();
    d.spiSize = c.U8();
    uint16_t count = c.N16();
    if (d.doi != 0 && d.doi != isakmp::DOI_IPSEC)
    {
        return Fail(why, "Delete payload: DOI " + Str(d.doi) + ", not ISAKMP (0) or IPsec (1)");
    }
    std::string reason;
    if (!SpiSizeOk(d.protocol, d.spiSize, false, &reason))
    {
        return Fail(why, "Delete payload: " + reason);
    }
    if (d.spiSize == 0)
    {
        return Fail(why, "Delete payload: SPI size 0 names no SA");
    }
    if (count == 0)
    {
        return Fail(why, "Delete payload: # of SPIs is 0");
    }
    size_t need = size_t(count) * d.spiSize;
    if (need != c.Left())
    {
        return Fail(why,
                    "Delete payload: " + Str(count) + " SPIs of " + Str(d.spiSize) + " bytes need "
                        + Str(need) + " bytes, the body has " + Str(c.Left()));
    }
    for (uint16_t i = 0; i < count; ++i)
    {
        d.spis.push_back(c.Take(d.spiSize));
    }
    if (out != nullptr)
    {
        *out = std::move(d);
    }
    return true;
}

// ===========================================================================
// Messages (RFC 2408 3.1, 3.2)
// ===========================================================================

void
IsakmpMessage::Add(uint8_t type, std::vector<uint8_t> body)
{
    payloads.push_back(IsakmpPayload{type, std::move(body)});
}

const IsakmpPayload*
IsakmpMessage::Find(uint8_t type) const
{
    for (const IsakmpPayload& p : payloads)
    {
        if (p.type == type)
        {
            return &p;
        }
    }
    return nullptr;
}

std::vector<const IsakmpPayload*>
IsakmpMessage::FindAll(uint8_t type) const
{
    std::vector<const IsakmpPayload*> all;
    for (const IsakmpPayload& p : payloads)
    {
        if (p.type == type)
        {
            all.push_back(&p);
        }
    }
    return all;
}

std::vector<uint8_t>
IsakmpMessage::SerializePayloads() const
{
    std::vector<uint8_t> b;
    Writer w(b);
    for (size_t i = 0; i < payloads.size(); ++i)
    {
        NS_ABORT_MSG_IF(payloads[i].type == isakmp::PL_NONE, "ISAKMP: a payload of type 0");
        size_t at = BeginGeneric(w, i + 1 < payloads.size() ? payloads[i + 1].type : 0);
        w.Bytes(payloads[i].body);
        w.PatchLength(at, "payload");
    }
    return b;
}

std::vector<uint8_t>
IsakmpMessage::Serialize() const
{
    return Serialize(SerializePayloads());
}

std::vector<uint8_t>
IsakmpMessage::Serialize(const std::vector<uint8_t>& body) const
{
    uint64_t length = IsakmpHeader::SIZE + body.size();
    NS_ABORT_MSG_IF(length > 0xffffffffu, "ISAKMP: a message of " << length << " bytes");
    std::vector<uint8_t> b;
    b.reserve(length);
    Writer w(b);
    for (uint8_t c : header.icookie)
    {
        w.U8(c);
    }
    for (uint8_t c : header.rcookie)
    {
        w.U8(c);
    }
    w.U8(payloads.empty() ? header.nextPayload : payloads.front().type);
    w.U8(header.version);
    w.U8(header.exchange);
    w.U8(header.flags);
    w.N32(header.messageId);
    w.N32(static_cast<uint32_t>(length));
    w.Bytes(body);
    return b;
}

bool
IsakmpMessage::ParseHeader(const std::vector<uint8_t>& bytes, IsakmpHeader* out, std::string* why)
{
    if (bytes.size() < IsakmpHeader::SIZE)
    {
        return Fail(why,
                    "ISAKMP header: " + Str(bytes.size()) + " bytes, shorter than a header (28)");
    }
    Cursor c(bytes.data(), bytes.size());
    IsakmpHeader h;
    for (uint8_t& b : h.icookie)
    {
        b = c.U8();
    }
    for (uint8_t& b : h.rcookie)
    {
        b = c.U8();
    }
    h.nextPayload = c.U8();
    h.version = c.U8();
    h.exchange = c.U8();
    h.flags = c.U8();
    h.messageId = c.N32();
    h.length = c.N32();
    if ((h.version >> 4) != 1)
    {
        char v[8];
        std::snprintf(v, sizeof(v), "0x%02x", h.version);
        return Fail(why, std::string("ISAKMP header: version ") + v + ", not 1.x");
    }
    if (h.length != bytes.size())
    {
        return Fail(why,
                    "ISAKMP header: length field " + Str(h.length) + ", the datagram has "
                        + Str(bytes.size()) + " bytes");
    }
    if (out != nullptr)
    {
        *out = h;
    }
    return true;
}

bool
IsakmpMessage::ParsePayloads(uint8_t first,
                             const std::vector<uint8_t>& chain,
                             std::vector<IsakmpPayload>* out,
                             std::string* why)
{
    std::vector<IsakmpPayload> payloads;
    Cursor c(chain.data(), chain.size());
    // Every payload is at least its 4-byte generic header long, so the walk
    // ends: the chain is linear, a next-payload field cannot loop.
    for (uint8_t type = first; type != isakmp::PL_NONE;)
    {
        std::string where
            = "payload " + Str(payloads.size() + 1) + " (" + isakmp::PayloadName(type) + ")";
        if (c.Left() < GENERIC_SIZE)
        {
            if (c.Left() == 0 && !payloads.empty())
            {
                return Fail(why,
                            "the payload chain ends after " + Str(payloads.size())
                                + (payloads.size() == 1 ? " payload" : " payloads")
                                + ", but the last names a next payload ("
                                + isakmp::PayloadName(type) + ")");
            }
            return Fail(why,
                        where + ": " + Str(c.Left())
                            + " bytes left, shorter than a generic payload header (4)");
        }
        uint8_t next = c.U8();
        c.U8(); // reserved (RFC 2408 3.2: zero; racoon does not check it)
        uint16_t len = c.N16();
        if (len < GENERIC_SIZE)
        {
            return Fail(why,
                        where + ": length " + Str(len) + ", shorter than its generic header (4)");
        }
        if (len - GENERIC_SIZE > c.Left())
        {
            return Fail(why,
                        where + ": length " + Str(len) + " runs past the end ("
                            + Str(c.Left() + GENERIC_SIZE) + " bytes left)");
        }
        size_t min = MinBody(type);
        if (len - GENERIC_SIZE < min)
        {
            return Fail(why,
                        where + ": length " + Str(len) + ", shorter than its fixed part ("
                            + Str(GENERIC_SIZE + min) + ")");
        }
        payloads.push_back(IsakmpPayload{type, c.Take(len - GENERIC_SIZE)});
        type = next;
    }
    if (out != nullptr)
    {
        *out = std::move(payloads);
    }
    return true;
}

bool
IsakmpMessage::Parse(const std::vector<uint8_t>& bytes, IsakmpMessage* out, std::string* why)
{
    IsakmpHeader h;
    if (!ParseHeader(bytes, &h, why))
    {
        return false;
    }
    if (h.flags & isakmp::FLAG_ENC)
    {
        return Fail(why, "the payloads are encrypted (E flag): decrypt them, then ParsePayloads");
    }
    std::vector<uint8_t> chain(bytes.begin() + IsakmpHeader::SIZE, bytes.end());
    std::vector<IsakmpPayload> payloads;
    if (!ParsePayloads(h.nextPayload, chain, &payloads, why))
    {
        return false;
    }
    size_t used = 0;
    for (const IsakmpPayload& p : payloads)
    {
        used += GENERIC_SIZE + p.body.size();
    }
    if (used != chain.size())
    {
        return Fail(why,
                    Str(chain.size() - used)
                        + " bytes after the last payload of a message that is not encrypted");
    }
    if (out != nullptr)
    {
        out->header = h;
        out->payloads = std::move(payloads);
    }
    return true;
}

std::string
IsakmpMessage::Summary() const
{
    std::ostringstream os;
    os << isakmp::ExchangeName(header.exchange);
    bool zero = true;
    for (uint8_t b : header.rcookie)
    {
        zero = zero && b == 0;
    }
    if (zero)
    {
        os << " I->R";
    }
    if (header.flags & isakmp::FLAG_ENC)
    {
        os << " E";
    }
    if (header.messageId != 0)
    {
        char id[16];
        std::snprintf(id, sizeof(id), "0x%08x", header.messageId);
        os << " msgid " << id;
    }
    uint64_t length = header.length;
    if (!(header.flags & isakmp::FLAG_ENC))
    {
        length = IsakmpHeader::SIZE;
        for (const IsakmpPayload& p : payloads)
        {
            length += GENERIC_SIZE + p.body.size();
        }
    }
    os << " len " << length << ":";
    for (const IsakmpPayload& p : payloads)
    {
        os << " " << PayloadAbbrev(p.type);
    }
    return os.str();
}

} // namespace ns3
