/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "pfkey-message.h"

#include "ipsec-byte-io.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace ns3
{

namespace
{

constexpr uint8_t NETBSD_AF_INET = 2;
constexpr uint8_t NETBSD_AF_INET6 = 24;
constexpr uint8_t SOCKADDR_IN_LEN = 16;
constexpr uint8_t SOCKADDR_IN6_LEN = 28;
constexpr size_t REQUEST_SIZE = 16; ///< sizeof(struct sadb_x_ipsecrequest)
constexpr size_t COMB_SIZE = 72;    ///< sizeof(struct sadb_comb)

/// Smallest body+header of each extension type (key_align's minsize table); 0 = unknown.
size_t
MinExtensionSize(uint16_t type)
{
    static const size_t kMin[PfKeyExt::MAX + 1] = {
        0,  // reserved
        16, // SA
        32, // LIFETIME_CURRENT
        32, // LIFETIME_HARD
        32, // LIFETIME_SOFT
        8,  // ADDRESS_SRC
        8,  // ADDRESS_DST
        8,  // ADDRESS_PROXY
        8,  // KEY_AUTH
        8,  // KEY_ENCRYPT
        8,  // IDENTITY_SRC
        8,  // IDENTITY_DST
        16, // SENSITIVITY
        8,  // PROPOSAL
        8,  // SUPPORTED_AUTH
        8,  // SUPPORTED_ENCRYPT
        16, // SPIRANGE
        8,  // X_KMPRIVATE
        16, // X_POLICY
        16, // X_SA2
        8,  // X_NAT_T_TYPE (exactly 8: FixedExtensionSize)
        8,  // X_NAT_T_SPORT
        8,  // X_NAT_T_DPORT
        8,  // X_NAT_T_OAI
        8,  // X_NAT_T_OAR
        8,  // X_NAT_T_FRAG
    };
    return type <= PfKeyExt::MAX ? kMin[type] : 0;
}

/// key_align's maxsize for the extensions of one fixed size; 0 = variable.
size_t
FixedExtensionSize(uint16_t type)
{
    switch (type)
    {
        case PfKeyExt::X_NAT_T_TYPE:  // struct sadb_x_nat_t_type
        case PfKeyExt::X_NAT_T_SPORT: // struct sadb_x_nat_t_port
        case PfKeyExt::X_NAT_T_DPORT:
        case PfKeyExt::X_NAT_T_FRAG: // struct sadb_x_nat_t_frag
            return 8;
        default:
            return 0;
    }
}

/// Is @p type one of the sadb_address extensions (checked by key_validate_ext)?
bool
IsAddressExtension(uint16_t type)
{
    return type == PfKeyExt::ADDRESS_SRC || type == PfKeyExt::ADDRESS_DST
        || type == PfKeyExt::X_NAT_T_OAI || type == PfKeyExt::X_NAT_T_OAR;
}

size_t
Align8(size_t n)
{
    return (n + 7) & ~size_t(7);
}

/// Little-endian host-order fields (and network-order ones on request).
class Writer : public IpsecByteWriter
{
  public:
    using IpsecByteWriter::IpsecByteWriter;

    void PadTo8(size_t start)
    {
        Zero(Align8(m_b.size() - start) - (m_b.size() - start));
    }

    /// Writes an extension header whose length is patched by End().
    size_t Begin(uint16_t type)
    {
        size_t at = m_b.size();
        L16(0);
        L16(type);
        return at;
    }

    void End(size_t at)
    {
        PadTo8(at);
        uint16_t words = static_cast<uint16_t>((m_b.size() - at) / 8);
        m_b[at] = words & 0xff;
        m_b[at + 1] = words >> 8;
    }

    void Sockaddr(const IpsecAddress& a, uint16_t port)
    {
        if (a.IsV6())
        {
            U8(SOCKADDR_IN6_LEN);
            U8(NETBSD_AF_INET6);
            N16(port);
            L32(0); // flowinfo
            Bytes(a.Bytes(), 16);
            L32(0); // scope id
        }
        else
        {
            U8(SOCKADDR_IN_LEN);
            U8(NETBSD_AF_INET);
            N16(port);
            if (a.IsV4())
            {
                Bytes(a.Bytes(), 4);
            }
            else
            {
                Zero(4);
            }
            Zero(8);
        }
    }
};

/// Reads the same layout; every read is bounds-checked by the caller's length checks.
using Reader = IpsecByteReader;

/// Decodes a sockaddr at @p p (at most @p avail bytes); its length in @p used.
bool
ReadSockaddr(const uint8_t* p, size_t avail, IpsecAddress* addr, uint16_t* port, size_t* used)
{
    if (avail < 2)
    {
        return false;
    }
    uint8_t len = p[0];
    uint8_t family = p[1];
    if (len > avail)
    {
        return false;
    }
    if (family == NETBSD_AF_INET && len == SOCKADDR_IN_LEN)
    {
        *port = (p[2] << 8) | p[3];
        *addr = IpsecAddress(Ipv4Address((uint32_t(p[4]) << 24) | (uint32_t(p[5]) << 16)
                                         | (uint32_t(p[6]) << 8) | p[7]));
        *used = len;
        return true;
    }
    if (family == NETBSD_AF_INET6 && len == SOCKADDR_IN6_LEN)
    {
        *port = (p[2] << 8) | p[3];
        uint8_t bytes[16];
        std::memcpy(bytes, p + 8, 16);
        *addr = IpsecAddress(Ipv6Address(bytes));
        *used = len;
        return true;
    }
    return false;
}

struct Failure
{
    int errnum;
    PfKeyParseError error;
};

void
WriteLifetime(Writer& w, uint16_t type, const PfKeyLifetime& l)
{
    size_t at = w.Begin(type);
    w.L32(l.allocations);
    w.L64(l.bytes);
    w.L64(l.addtime);
    w.L64(l.usetime);
    w.End(at);
}

void
WriteAddress(Writer& w, uint16_t type, const PfKeyAddress& a)
{
    size_t at = w.Begin(type);
    w.U8(a.proto);
    w.U8(a.prefixlen);
    w.L16(0);
    w.Sockaddr(a.addr, a.port);
    w.End(at);
}

void
WriteKey(Writer& w, uint16_t type, const PfKeyKey& k)
{
    size_t at = w.Begin(type);
    w.L16(k.bits);
    w.L16(0);
    w.Bytes(k.data.data(), k.data.size());
    w.End(at);
}

void
WriteSupported(Writer& w, uint16_t type, const std::vector<PfKeyAlg>& algs)
{
    size_t at = w.Begin(type);
    w.L32(0);
    for (const PfKeyAlg& a : algs)
    {
        w.U8(a.id);
        w.U8(a.ivlen);
        w.L16(a.minbits);
        w.L16(a.maxbits);
        w.L16(0);
    }
    w.End(at);
}

void
WritePolicy(Writer& w, const PfKeyPolicy& p)
{
    size_t at = w.Begin(PfKeyExt::X_POLICY);
    w.L16(p.type);
    w.U8(p.dir);
    w.U8(0);
    w.L32(p.id);
    w.L32(0);
    for (const IpsecRequest& r : p.requests)
    {
        size_t start = w.Size();
        size_t len = REQUEST_SIZE;
        if (r.HasEndpoints())
        {
            len += 2 * (r.tunnelSrc.IsV6() ? SOCKADDR_IN6_LEN : SOCKADDR_IN_LEN);
        }
        w.L16(static_cast<uint16_t>(Align8(len))); // sadb_x_ipsecrequest_len is in bytes
        w.L16(static_cast<uint16_t>(r.proto));
        w.U8(static_cast<uint8_t>(r.mode));
        w.U8(static_cast<uint8_t>(r.level));
        w.L16(0);
        w.L32(r.reqid);
        w.L32(0);
        if (r.HasEndpoints())
        {
            w.Sockaddr(r.tunnelSrc, 0);
            w.Sockaddr(r.tunnelDst, 0);
        }
        w.PadTo8(start);
    }
    w.End(at);
}

void
WriteProposal(Writer& w, const PfKeyProposal& p)
{
    size_t at = w.Begin(PfKeyExt::PROPOSAL);
    w.U8(p.replay);
    w.Zero(3);
    for (const PfKeyComb& c : p.combs)
    {
        w.U8(c.auth);
        w.U8(c.encrypt);
        w.L16(c.flags);
        w.L16(c.authMinBits);
        w.L16(c.authMaxBits);
        w.L16(c.encMinBits);
        w.L16(c.encMaxBits);
        w.L32(0);
        w.L32(c.softAllocations);
        w.L32(c.hardAllocations);
        w.L64(c.softBytes);
        w.L64(c.hardBytes);
        w.L64(c.softAddtime);
        w.L64(c.hardAddtime);
        w.L64(c.softUsetime);
        w.L64(c.hardUsetime);
    }
    w.End(at);
}

/// Parses the body of X_POLICY (after its 8-byte header) into @p p.
bool
ReadPolicy(Reader& r, size_t extLen, PfKeyPolicy* p)
{
    p->type = r.L16();
    p->dir = r.U8();
    r.U8();
    p->id = r.L32();
    r.L32();
    size_t left = extLen - 16;
    while (left > 0)
    {
        if (left < REQUEST_SIZE)
        {
            return false;
        }
        const uint8_t* base = r.Here();
        uint16_t len = r.L16();
        if (len < REQUEST_SIZE || len > left || len % 8 != 0)
        {
            return false;
        }
        IpsecRequest req;
        uint16_t proto = r.L16();
        uint8_t mode = r.U8();
        uint8_t level = r.U8();
        r.L16();
        req.reqid = r.L32();
        r.L32();
        if (proto > 0xff || mode > 2 || level > 3)
        {
            return false;
        }
        req.proto = static_cast<IpsecProto>(proto);
        req.mode = static_cast<IpsecMode>(mode);
        req.level = static_cast<IpsecLevel>(level);
        if (len > REQUEST_SIZE)
        {
            size_t avail = len - REQUEST_SIZE;
            const uint8_t* s = base + REQUEST_SIZE;
            size_t used1 = 0;
            size_t used2 = 0;
            uint16_t port = 0;
            if (!ReadSockaddr(s, avail, &req.tunnelSrc, &port, &used1)
                || !ReadSockaddr(s + used1, avail - used1, &req.tunnelDst, &port, &used2)
                || req.tunnelSrc.GetFamily() != req.tunnelDst.GetFamily())
            {
                return false;
            }
        }
        r.Skip(len - REQUEST_SIZE);
        left -= len;
        p->requests.push_back(req);
    }
    return true;
}

bool
ReadAddress(Reader& r, size_t extLen, PfKeyAddress* a)
{
    a->proto = r.U8();
    a->prefixlen = r.U8();
    r.L16();
    size_t used = 0;
    if (!ReadSockaddr(r.Here(), extLen - 8, &a->addr, &a->port, &used))
    {
        return false;
    }
    if (a->prefixlen > a->addr.GetBits())
    {
        return false;
    }
    r.Skip(extLen - 8);
    return true;
}

PfKeyLifetime
ReadLifetime(Reader& r)
{
    PfKeyLifetime l;
    l.allocations = r.L32();
    l.bytes = r.L64();
    l.addtime = r.L64();
    l.usetime = r.L64();
    return l;
}

bool
ReadKey(Reader& r, size_t extLen, PfKeyKey* k)
{
    k->bits = r.L16();
    r.L16();
    size_t bytes = (k->bits + 7) / 8;
    if (bytes > extLen - 8)
    {
        return false;
    }
    k->data.assign(r.Here(), r.Here() + bytes);
    r.Skip(extLen - 8);
    return true;
}

std::vector<PfKeyAlg>
ReadSupported(Reader& r, size_t extLen)
{
    r.L32();
    std::vector<PfKeyAlg> algs;
    for (size_t left = extLen - 8; left >= 8; left -= 8)
    {
        PfKeyAlg a;
        a.id = r.U8();
        a.ivlen = r.U8();
        a.minbits = r.L16();
        a.maxbits = r.L16();
        r.L16();
        algs.push_back(a);
    }
    return algs;
}

PfKeyProposal
ReadProposal(Reader& r, size_t extLen)
{
    PfKeyProposal p;
    p.replay = r.U8();
    r.Skip(3);
    for (size_t left = extLen - 8; left >= COMB_SIZE; left -= COMB_SIZE)
    {
        PfKeyComb c;
        c.auth = r.U8();
        c.encrypt = r.U8();
        c.flags = r.L16();
        c.authMinBits = r.L16();
        c.authMaxBits = r.L16();
        c.encMinBits = r.L16();
        c.encMaxBits = r.L16();
        r.L32();
        c.softAllocations = r.L32();
        c.hardAllocations = r.L32();
        c.softBytes = r.L64();
        c.hardBytes = r.L64();
        c.softAddtime = r.L64();
        c.hardAddtime = r.L64();
        c.softUsetime = r.L64();
        c.hardUsetime = r.L64();
        p.combs.push_back(c);
    }
    return p;
}

/// Does message type @p type need an satype (key_parse)?
bool
NeedsSaType(uint8_t type)
{
    switch (static_cast<PfKeyType>(type))
    {
        case PfKeyType::GETSPI:
        case PfKeyType::UPDATE:
        case PfKeyType::ADD:
        case PfKeyType::DELETE:
        case PfKeyType::GET:
        case PfKeyType::ACQUIRE:
        case PfKeyType::EXPIRE:
            return true;
        default:
            return false;
    }
}

bool
IsSpdType(uint8_t type)
{
    return type >= static_cast<uint8_t>(PfKeyType::X_SPDUPDATE)
        && type <= static_cast<uint8_t>(PfKeyType::X_SPDDELETE2);
}

/// key_parse's satype rules.
int
CheckSaType(const PfKeyMessage& m)
{
    if (m.type == static_cast<uint8_t>(PfKeyType::X_PROMISC))
    {
        return 0; // sadb_msg_satype is the on/off switch
    }
    if (m.satype == PfKeySaType::UNSPEC)
    {
        return NeedsSaType(m.type) ? EINVAL : 0;
    }
    if (IsSpdType(m.type))
    {
        return EINVAL;
    }
    switch (m.satype)
    {
        case PfKeySaType::AH:
        case PfKeySaType::ESP:
        case PfKeySaType::IPCOMP:
            return 0;
        case PfKeySaType::RSVP:
        case PfKeySaType::OSPFV2:
        case PfKeySaType::RIPV2:
        case PfKeySaType::MIP:
            return EOPNOTSUPP;
        default:
            return EINVAL;
    }
}

/// Decodes one extension body (after its 4-byte header) into @p m.
bool
ReadExtension(Reader& r, uint16_t type, size_t extLen, PfKeyMessage* m)
{
    switch (type)
    {
        case PfKeyExt::SA:
        {
            PfKeySa sa;
            sa.spi = r.N32();
            sa.replay = r.U8();
            sa.state = r.U8();
            sa.auth = r.U8();
            sa.encrypt = r.U8();
            sa.flags = r.L32();
            m->sa = sa;
            return true;
        }
        case PfKeyExt::LIFETIME_CURRENT:
            m->current = ReadLifetime(r);
            return true;
        case PfKeyExt::LIFETIME_HARD:
            m->hard = ReadLifetime(r);
            return true;
        case PfKeyExt::LIFETIME_SOFT:
            m->soft = ReadLifetime(r);
            return true;
        case PfKeyExt::ADDRESS_SRC:
        case PfKeyExt::ADDRESS_DST:
        {
            PfKeyAddress a;
            if (!ReadAddress(r, extLen, &a))
            {
                return false;
            }
            (type == PfKeyExt::ADDRESS_SRC ? m->src : m->dst) = a;
            return true;
        }
        case PfKeyExt::KEY_AUTH:
        case PfKeyExt::KEY_ENCRYPT:
        {
            PfKeyKey k;
            if (!ReadKey(r, extLen, &k))
            {
                return false;
            }
            (type == PfKeyExt::KEY_AUTH ? m->authKey : m->encKey) = k;
            return true;
        }
        case PfKeyExt::PROPOSAL:
            m->proposal = ReadProposal(r, extLen);
            return true;
        case PfKeyExt::SUPPORTED_AUTH:
            m->supportedAuth = ReadSupported(r, extLen);
            return true;
        case PfKeyExt::SUPPORTED_ENCRYPT:
            m->supportedEncrypt = ReadSupported(r, extLen);
            return true;
        case PfKeyExt::SPIRANGE:
        {
            PfKeySpiRange s;
            s.min = r.L32();
            s.max = r.L32();
            m->spirange = s;
            return true;
        }
        case PfKeyExt::X_POLICY:
        {
            PfKeyPolicy p;
            if (!ReadPolicy(r, extLen, &p))
            {
                return false;
            }
            m->policy = p;
            return true;
        }
        case PfKeyExt::X_SA2:
        {
            PfKeySa2 s;
            s.mode = r.U8();
            r.U8();
            r.L16();
            s.sequence = r.L32();
            s.reqid = r.L32();
            m->sa2 = s;
            return true;
        }
        case PfKeyExt::X_NAT_T_TYPE:
            m->nattType = r.U8(); // then 3 reserved bytes
            return true;
        case PfKeyExt::X_NAT_T_SPORT:
            m->nattSport = r.N16(); // then 2 reserved bytes
            return true;
        case PfKeyExt::X_NAT_T_DPORT:
            m->nattDport = r.N16();
            return true;
        case PfKeyExt::X_NAT_T_OAI:
        case PfKeyExt::X_NAT_T_OAR:
        {
            PfKeyAddress a;
            if (!ReadAddress(r, extLen, &a))
            {
                return false;
            }
            (type == PfKeyExt::X_NAT_T_OAI ? m->nattOai : m->nattOar) = a;
            return true;
        }
        case PfKeyExt::X_NAT_T_FRAG:
            m->nattFrag = r.L16(); // host order, as NetBSD's esp_frag
            return true;
        default:
            m->opaque[type].assign(r.Here(), r.Here() + (extLen - 4));
            return true;
    }
}

} // namespace

std::string
PfKeyTypeName(uint8_t type)
{
    static const char* const kNames[] = {
        "reserved",  "getspi",      "update",      "add",         "delete",       "get",
        "acquire",   "register",    "expire",      "flush",       "dump",         "x_promisc",
        "x_pchange", "x_spdupdate", "x_spdadd",    "x_spddelete", "x_spdget",     "x_spdacquire",
        "x_spddump", "x_spdflush",  "x_spdsetidx", "x_spdexpire", "x_spddelete2",
    };
    if (type <= PFKEY_TYPE_MAX)
    {
        return kNames[type];
    }
    return "#" + std::to_string(type);
}

uint8_t
PfKeySaTypeOf(IpsecProto proto)
{
    switch (proto)
    {
        case IpsecProto::AH:
            return PfKeySaType::AH;
        case IpsecProto::ESP:
            return PfKeySaType::ESP;
        case IpsecProto::IPCOMP:
            return PfKeySaType::IPCOMP;
    }
    return PfKeySaType::UNSPEC;
}

bool
PfKeyProtoOf(uint8_t satype, IpsecProto* proto)
{
    switch (satype)
    {
        case PfKeySaType::AH:
            *proto = IpsecProto::AH;
            return true;
        case PfKeySaType::ESP:
            *proto = IpsecProto::ESP;
            return true;
        case PfKeySaType::IPCOMP:
            *proto = IpsecProto::IPCOMP;
            return true;
        default:
            return false;
    }
}

std::string
PfKeyParseErrorCounter(PfKeyParseError e)
{
    switch (e)
    {
        case PfKeyParseError::NONE:
            return "";
        case PfKeyParseError::TOO_SHORT:
            return "out_tooshort";
        case PfKeyParseError::INVALID_LENGTH:
            return "out_invlen";
        case PfKeyParseError::INVALID_VERSION:
            return "out_invver";
        case PfKeyParseError::INVALID_TYPE:
            return "out_invmsgtype";
        case PfKeyParseError::DUPLICATE_EXTENSION:
            return "out_dupext";
        case PfKeyParseError::INVALID_EXTENSION:
            return "out_invexttype";
        case PfKeyParseError::INVALID_SATYPE:
            return "out_invsatype";
        case PfKeyParseError::INVALID_ADDRESS:
            return "out_invaddr";
    }
    return "";
}

PfKeyMessage::PfKeyMessage(PfKeyType t, uint8_t st, uint32_t s, uint32_t p)
    : type(static_cast<uint8_t>(t))
    , satype(st)
    , seq(s)
    , pid(p)
{
}

PfKeyType
PfKeyMessage::GetType() const
{
    return static_cast<PfKeyType>(type);
}

std::vector<uint8_t>
PfKeyMessage::Serialize() const
{
    std::vector<uint8_t> b;
    b.reserve(256);
    Writer w(b);
    w.U8(version);
    w.U8(type);
    w.U8(errnum);
    w.U8(satype);
    w.L16(0); // sadb_msg_len, patched below
    w.L16(reserved);
    w.L32(seq);
    w.L32(pid);
    // Extensions in type order (KAME's own replies use this order too).
    if (sa)
    {
        size_t at = w.Begin(PfKeyExt::SA);
        w.N32(sa->spi);
        w.U8(sa->replay);
        w.U8(sa->state);
        w.U8(sa->auth);
        w.U8(sa->encrypt);
        w.L32(sa->flags);
        w.End(at);
    }
    if (current)
    {
        WriteLifetime(w, PfKeyExt::LIFETIME_CURRENT, *current);
    }
    if (hard)
    {
        WriteLifetime(w, PfKeyExt::LIFETIME_HARD, *hard);
    }
    if (soft)
    {
        WriteLifetime(w, PfKeyExt::LIFETIME_SOFT, *soft);
    }
    if (src)
    {
        WriteAddress(w, PfKeyExt::ADDRESS_SRC, *src);
    }
    if (dst)
    {
        WriteAddress(w, PfKeyExt::ADDRESS_DST, *dst);
    }
    if (authKey)
    {
        WriteKey(w, PfKeyExt::KEY_AUTH, *authKey);
    }
    if (encKey)
    {
        WriteKey(w, PfKeyExt::KEY_ENCRYPT, *encKey);
    }
    if (proposal)
    {
        WriteProposal(w, *proposal);
    }
    if (supportedAuth)
    {
        WriteSupported(w, PfKeyExt::SUPPORTED_AUTH, *supportedAuth);
    }
    if (supportedEncrypt)
    {
        WriteSupported(w, PfKeyExt::SUPPORTED_ENCRYPT, *supportedEncrypt);
    }
    if (spirange)
    {
        size_t at = w.Begin(PfKeyExt::SPIRANGE);
        w.L32(spirange->min);
        w.L32(spirange->max);
        w.L32(0);
        w.End(at);
    }
    if (policy)
    {
        WritePolicy(w, *policy);
    }
    if (sa2)
    {
        size_t at = w.Begin(PfKeyExt::X_SA2);
        w.U8(sa2->mode);
        w.U8(0);
        w.L16(0);
        w.L32(sa2->sequence);
        w.L32(sa2->reqid);
        w.End(at);
    }
    if (nattType)
    {
        size_t at = w.Begin(PfKeyExt::X_NAT_T_TYPE);
        w.U8(*nattType);
        w.Zero(3);
        w.End(at);
    }
    for (const auto& [extType, port] :
         {std::pair{PfKeyExt::X_NAT_T_SPORT, nattSport}, {PfKeyExt::X_NAT_T_DPORT, nattDport}})
    {
        if (port)
        {
            size_t at = w.Begin(extType);
            w.N16(*port);
            w.L16(0);
            w.End(at);
        }
    }
    if (nattOai)
    {
        WriteAddress(w, PfKeyExt::X_NAT_T_OAI, *nattOai);
    }
    if (nattOar)
    {
        WriteAddress(w, PfKeyExt::X_NAT_T_OAR, *nattOar);
    }
    if (nattFrag)
    {
        size_t at = w.Begin(PfKeyExt::X_NAT_T_FRAG);
        w.L16(*nattFrag);
        w.L16(0);
        w.End(at);
    }
    for (const auto& [extType, body] : opaque)
    {
        size_t at = w.Begin(extType);
        w.Bytes(body.data(), body.size());
        w.End(at);
    }
    uint16_t words = static_cast<uint16_t>(b.size() / 8);
    b[4] = words & 0xff;
    b[5] = words >> 8;
    return b;
}

int
PfKeyMessage::Parse(const uint8_t* data, size_t len, PfKeyMessage* msg, PfKeyParseError* error)
{
    auto fail = [error](int errnum, PfKeyParseError e)
    {
        if (error)
        {
            *error = e;
        }
        return errnum;
    };
    if (error)
    {
        *error = PfKeyParseError::NONE;
    }
    if (data == nullptr || len < HEADER_SIZE)
    {
        return fail(EINVAL, PfKeyParseError::TOO_SHORT);
    }
    Reader r(data, len);
    PfKeyMessage m;
    m.version = r.U8();
    m.type = r.U8();
    m.errnum = r.U8();
    m.satype = r.U8();
    uint16_t words = r.L16();
    m.reserved = r.L16();
    m.seq = r.L32();
    m.pid = r.L32();
    if (size_t(words) * 8 != len)
    {
        return fail(EINVAL, PfKeyParseError::INVALID_LENGTH);
    }
    if (m.version != VERSION)
    {
        return fail(EINVAL, PfKeyParseError::INVALID_VERSION);
    }
    if (m.type == 0 || m.type > PFKEY_TYPE_MAX)
    {
        return fail(EINVAL, PfKeyParseError::INVALID_TYPE);
    }
    bool seen[PfKeyExt::MAX + 1] = {};
    while (r.Left() > 0)
    {
        if (r.Left() < 4)
        {
            return fail(EINVAL, PfKeyParseError::INVALID_LENGTH);
        }
        size_t start = r.Offset();
        size_t extLen = size_t(r.L16()) * 8;
        uint16_t extType = r.L16();
        if (extType == 0 || extType > PfKeyExt::MAX)
        {
            return fail(EINVAL, PfKeyParseError::INVALID_EXTENSION);
        }
        if (seen[extType])
        {
            return fail(EINVAL, PfKeyParseError::DUPLICATE_EXTENSION);
        }
        seen[extType] = true;
        if (extLen == 0 || extLen > len - start || extLen < MinExtensionSize(extType))
        {
            return fail(EINVAL, PfKeyParseError::INVALID_LENGTH);
        }
        size_t fixed = FixedExtensionSize(extType);
        if (fixed != 0 && extLen != fixed)
        {
            return fail(EINVAL, PfKeyParseError::INVALID_LENGTH);
        }
        Reader body(data + start + 4, extLen - 4);
        bool ok = ReadExtension(body, extType, extLen, &m);
        if (!ok)
        {
            return fail(EINVAL,
                        IsAddressExtension(extType) ? PfKeyParseError::INVALID_ADDRESS
                                                    : PfKeyParseError::INVALID_LENGTH);
        }
        r.Skip(extLen - 4);
    }
    int rc = CheckSaType(m);
    if (rc != 0)
    {
        return fail(rc, PfKeyParseError::INVALID_SATYPE);
    }
    if (m.src && m.dst)
    {
        // Both ends must agree in upper-layer protocol and family.
        if (m.src->proto != m.dst->proto || m.src->addr.GetFamily() != m.dst->addr.GetFamily())
        {
            return fail(EINVAL, PfKeyParseError::INVALID_ADDRESS);
        }
    }
    if (msg)
    {
        *msg = std::move(m);
    }
    return 0;
}

std::string
PfKeyMessage::ToString() const
{
    std::ostringstream os;
    std::string name = PfKeyTypeName(type);
    for (char& c : name)
    {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    os << "SADB_" << name << " satype=" << unsigned(satype) << " seq=" << seq << " pid=" << pid
       << " errno=" << unsigned(errnum);
    if (sa)
    {
        os << " spi=" << sa->spi << " state=" << unsigned(sa->state);
    }
    if (src)
    {
        os << " src=" << src->addr;
    }
    if (dst)
    {
        os << " dst=" << dst->addr;
    }
    if (sa2)
    {
        os << " mode=" << unsigned(sa2->mode) << " reqid=" << sa2->reqid;
    }
    if (nattType)
    {
        os << " natt(type=" << unsigned(*nattType) << " sport=" << nattSport.value_or(0)
           << " dport=" << nattDport.value_or(0) << ")";
    }
    if (policy)
    {
        os << " policy(type=" << policy->type << " dir=" << unsigned(policy->dir)
           << " id=" << policy->id << " requests=" << policy->requests.size() << ")";
    }
    return os.str();
}

} // namespace ns3
