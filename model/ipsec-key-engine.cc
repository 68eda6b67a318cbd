/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-key-engine.h"

#include "ipsec-transform.h"
#include "ns3/boolean.h"
#include "ns3/integer.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <new>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecKeyEngine");
NS_OBJECT_ENSURE_REGISTERED(IpsecKeyEngine);

namespace
{

/// The ACQUIRE proposal lifetimes of KAME's key_getprop (seconds).
constexpr uint64_t PROP_SOFT_ADDTIME = 69120;
constexpr uint64_t PROP_HARD_ADDTIME = 86400;
constexpr uint64_t PROP_SOFT_USETIME = 23040;
constexpr uint64_t PROP_HARD_USETIME = 28800;

/// An address extension for an SA or an ACQUIRE: no port, full prefix, any protocol.
PfKeyAddress
FullAddress(const IpsecAddress& a)
{
    PfKeyAddress x;
    x.addr = a;
    x.prefixlen = a.GetBits();
    x.proto = IPSEC_ULPROTO_ANY;
    return x;
}

/// A request with no extensions beyond the header.
bool
HeaderOnly(const PfKeyMessage& m)
{
    return m.Serialize().size() == PfKeyMessage::HEADER_SIZE;
}

PfKeyLifetime
Lifetime(uint32_t allocations, uint64_t bytes, uint64_t addtime, uint64_t usetime)
{
    PfKeyLifetime l;
    l.allocations = allocations;
    l.bytes = bytes;
    l.addtime = addtime;
    l.usetime = usetime;
    return l;
}

} // namespace

TypeId
IpsecKeyEngine::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::IpsecKeyEngine")
              .SetParent<Object>()
              .SetGroupName("Ipsec")
              .AddConstructor<IpsecKeyEngine>()
              .AddAttribute("BlockAcqCount",
                            "net.key.blockacq_count: ACQUIREs held back between two sent for "
                            "the same SA index (one message per count+2 packets).",
                            UintegerValue(10),
                            MakeUintegerAccessor(&IpsecKeyEngine::m_blockAcqCount),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("BlockAcqLifetime",
                            "net.key.blockacq_lifetime: seconds an acquire-block entry lives; "
                            "after it the next packet sends an ACQUIRE at once.",
                            UintegerValue(20),
                            MakeUintegerAccessor(&IpsecKeyEngine::m_blockAcqLifetime),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("EspKeyMin",
                            "net.key.esp_keymin: smallest cipher key (bits) an ACQUIRE proposes.",
                            UintegerValue(256),
                            MakeUintegerAccessor(&IpsecKeyEngine::m_espKeyMin),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("EspAuth",
                            "net.key.esp_auth: non-zero to propose ESP with authentication.",
                            UintegerValue(0),
                            MakeUintegerAccessor(&IpsecKeyEngine::m_espAuth),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("AhKeyMin",
                            "net.key.ah_keymin: smallest AH key (bits) an ACQUIRE proposes.",
                            UintegerValue(128),
                            MakeUintegerAccessor(&IpsecKeyEngine::m_ahKeyMin),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("PreferredOldSa",
                            "net.key.preferred_oldsa: true (KAME) uses the oldest SA on output; "
                            "false uses the newest and retires older SAs that have a hard "
                            "lifetime with an SADB_DELETE.",
                            BooleanValue(true),
                            MakeBooleanAccessor(&IpsecKeyEngine::m_preferredOldSa),
                            MakeBooleanChecker())
              .AddAttribute("Debug",
                            "net.key.debug: the debug mask (stored; the model logs with NS_LOG).",
                            UintegerValue(0),
                            MakeUintegerAccessor(&IpsecKeyEngine::m_debug),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("ByteLifetimes",
                            "false (NetBSD 2.0 / KAME 2003): byte lifetimes are refused with "
                            "EINVAL; true (KAME 2001): accepted and enforced like add-time ones.",
                            BooleanValue(false),
                            MakeBooleanAccessor(&IpsecKeyEngine::m_byteLifetimes),
                            MakeBooleanChecker())
              .AddAttribute("WallClockEpoch",
                            "Wall-clock seconds (since 1970, UTC) of simulated time 0, for the "
                            "lifetime fields of messages (default 2026-01-01 00:00:00).",
                            IntegerValue(1767225600),
                            MakeIntegerAccessor(&IpsecKeyEngine::m_epoch),
                            MakeIntegerChecker<int64_t>())
              .AddTraceSource("Message",
                              "A PF_KEY message crossed the engine: the message and true when "
                              "userland sent it (false: kernel to userland).",
                              MakeTraceSourceAccessor(&IpsecKeyEngine::m_messageTrace),
                              "ns3::IpsecKeyEngine::MessageTracedCallback");
    return tid;
}

IpsecKeyEngine::IpsecKeyEngine()
    : m_blockAcqCount(10)
    , m_blockAcqLifetime(20)
    , m_espKeyMin(256)
    , m_espAuth(0)
    , m_ahKeyMin(128)
    , m_preferredOldSa(true)
    , m_debug(0)
    , m_byteLifetimes(false)
    , m_epoch(1767225600)
{
}

void
IpsecKeyEngine::SetDatabases(Ptr<IpsecSad> sad, Ptr<IpsecSpd> spd, bool expire)
{
    m_sad = sad;
    m_spd = spd;
    m_ownsExpire = expire;
    if (m_sad && expire)
    {
        m_sad->SetExpireCallback(MakeCallback(&IpsecKeyEngine::NotifyExpire, this));
    }
}

Ptr<IpsecSad>
IpsecKeyEngine::GetSad() const
{
    return m_sad;
}

Ptr<IpsecSpd>
IpsecKeyEngine::GetSpd() const
{
    return m_spd;
}

Ptr<IpsecPfKeySocket>
IpsecKeyEngine::Open(uint32_t pid)
{
    try
    {
        auto so = CreateObject<IpsecPfKeySocket>();
        so->Attach(this, pid);
        m_sockets.push_back(so);
        return so;
    }
    catch (const std::bad_alloc&)
    {
        // key_attach: the socket's control block or buffers could not be had.
        m_stats.sockerr++;
        NS_LOG_WARN("PF_KEY socket for pid " << pid << " not attached: no memory");
        return nullptr;
    }
}

void
IpsecKeyEngine::Forget(IpsecPfKeySocket* socket)
{
    m_sockets.erase(std::remove_if(m_sockets.begin(),
                                   m_sockets.end(),
                                   [socket](const Ptr<IpsecPfKeySocket>& s)
                                   {
                                       return PeekPointer(s) == socket;
                                   }),
                    m_sockets.end());
}

void
IpsecKeyEngine::DoDispose()
{
    for (auto& so : m_sockets)
    {
        so->Detach();
    }
    m_sockets.clear();
    if (m_sad && m_ownsExpire)
    {
        m_sad->SetExpireCallback(MakeNullCallback<void, Ptr<IpsecSa>>());
    }
    m_sad = nullptr;
    m_spd = nullptr;
    Object::DoDispose();
}

IpsecPfKeyStats&
IpsecKeyEngine::GetStats()
{
    return m_stats;
}

const IpsecPfKeyStats&
IpsecKeyEngine::GetStats() const
{
    return m_stats;
}

void
IpsecKeyEngine::PrintStats(std::ostream& os, bool omitZero) const
{
    m_stats.Print(os, omitZero);
}

const std::string&
IpsecKeyEngine::GetLastReason() const
{
    return m_lastReason;
}

uint64_t
IpsecKeyEngine::WallClock(Time t) const
{
    return static_cast<uint64_t>(m_epoch + static_cast<int64_t>(std::floor(t.GetSeconds())));
}

int
IpsecKeyEngine::Fail(int errnum, const std::string& why)
{
    m_lastReason = why;
    return errnum;
}

// ---- dispatch ---------------------------------------------------------

const std::array<IpsecKeyEngine::Handler, PFKEY_TYPE_MAX + 1>&
IpsecKeyEngine::Handlers()
{
    // key_typesw: kernel-originated types (EXPIRE, X_SPDACQUIRE, X_SPDEXPIRE)
    // have no handler and are refused with EOPNOTSUPP.
    static const std::array<Handler, PFKEY_TYPE_MAX + 1> kTable = {
        nullptr,                           // RESERVED (refused by the parser)
        &IpsecKeyEngine::HandleGetSpi,     // GETSPI
        &IpsecKeyEngine::HandleUpdate,     // UPDATE
        &IpsecKeyEngine::HandleAdd,        // ADD
        &IpsecKeyEngine::HandleDelete,     // DELETE
        &IpsecKeyEngine::HandleGet,        // GET
        &IpsecKeyEngine::HandleAcquire,    // ACQUIRE
        &IpsecKeyEngine::HandleRegister,   // REGISTER
        nullptr,                           // EXPIRE
        &IpsecKeyEngine::HandleFlush,      // FLUSH
        &IpsecKeyEngine::HandleDump,       // DUMP
        &IpsecKeyEngine::HandlePromisc,    // X_PROMISC
        &IpsecKeyEngine::HandlePChange,    // X_PCHANGE
        &IpsecKeyEngine::HandleSpdAdd,     // X_SPDUPDATE
        &IpsecKeyEngine::HandleSpdAdd,     // X_SPDADD
        &IpsecKeyEngine::HandleSpdDelete,  // X_SPDDELETE
        &IpsecKeyEngine::HandleSpdGet,     // X_SPDGET
        nullptr,                           // X_SPDACQUIRE
        &IpsecKeyEngine::HandleSpdDump,    // X_SPDDUMP
        &IpsecKeyEngine::HandleSpdFlush,   // X_SPDFLUSH
        &IpsecKeyEngine::HandleSpdAdd,     // X_SPDSETIDX
        nullptr,                           // X_SPDEXPIRE
        &IpsecKeyEngine::HandleSpdDelete2, // X_SPDDELETE2
    };
    return kTable;
}

int
IpsecKeyEngine::Receive(IpsecPfKeySocket* from, const uint8_t* data, size_t len)
{
    NS_LOG_FUNCTION(this << from << len);
    m_lastReason.clear();
    m_stats.out_total++;
    m_stats.out_bytes += len;
    PfKeyMessage m;
    PfKeyParseError error = PfKeyParseError::NONE;
    int rc = PfKeyMessage::Parse(data, len, &m, &error);
    bool typeKnown = len >= PfKeyMessage::HEADER_SIZE && error != PfKeyParseError::TOO_SHORT
                  && error != PfKeyParseError::INVALID_LENGTH
                  && error != PfKeyParseError::INVALID_VERSION
                  && error != PfKeyParseError::INVALID_TYPE;
    if (typeKnown)
    {
        m_stats.out_msgtype[data[1]]++;
    }
    if (rc != 0)
    {
        std::string counter = PfKeyParseErrorCounter(error);
        m_stats.Increment(counter);
        NS_LOG_INFO("refused PF_KEY message (" << len << " bytes): " << counter);
        m_lastReason = "malformed message (" + counter + ")";
        if (len >= PfKeyMessage::HEADER_SIZE && from)
        {
            // Echo the header with the errno, as key_senderror does.
            PfKeyMessage echo;
            echo.version = PfKeyMessage::VERSION;
            echo.type = data[1];
            echo.satype = data[3];
            echo.seq = data[8] | (data[9] << 8) | (data[10] << 16) | (uint32_t(data[11]) << 24);
            echo.pid = data[12] | (data[13] << 8) | (data[14] << 16) | (uint32_t(data[15]) << 24);
            echo.errnum = static_cast<uint8_t>(rc);
            SendUp(from, Target::ONE, echo);
        }
        return rc;
    }
    m_messageTrace(m, true);
    NS_LOG_LOGIC("from userland: " << m.ToString());
    Handler h = Handlers()[m.type];
    if (!h)
    {
        return SendError(from, m, Fail(EOPNOTSUPP, "a kernel-originated message type"));
    }
    rc = (this->*h)(from, m);
    if (rc != 0)
    {
        return SendError(from, m, rc);
    }
    return 0;
}

int
IpsecKeyEngine::SendError(IpsecPfKeySocket* so, const PfKeyMessage& request, int errnum)
{
    NS_LOG_INFO("SADB message type " << PfKeyTypeName(request.type) << " failed: errno " << errnum
                                     << " (" << m_lastReason << ")");
    PfKeyMessage echo(request.GetType(), request.satype, request.seq, request.pid);
    echo.errnum = static_cast<uint8_t>(errnum);
    if (so)
    {
        SendUp(so, Target::ONE, echo);
    }
    return errnum;
}

void
IpsecKeyEngine::SendUp(IpsecPfKeySocket* one, Target target, const PfKeyMessage& msg)
{
    std::vector<uint8_t> bytes = msg.Serialize();
    m_stats.in_total++;
    m_stats.in_bytes += bytes.size();
    m_stats.in_msgtype[msg.type]++;
    m_stats.in_msgtarget[static_cast<int>(target)]++;
    m_messageTrace(msg, false);
    NS_LOG_LOGIC("to userland: " << msg.ToString());
    std::vector<uint8_t> wrapped;
    // Deliver only queues (receive callbacks run later), so m_sockets cannot change here.
    for (const auto& so : m_sockets)
    {
        if (so->IsPromiscuous())
        {
            // An SADB_X_PROMISC header in front of a copy of the message.
            if (wrapped.empty())
            {
                PfKeyMessage head(PfKeyType::X_PROMISC, PfKeySaType::UNSPEC);
                wrapped = head.Serialize();
                uint16_t words = static_cast<uint16_t>((wrapped.size() + bytes.size()) / 8);
                wrapped[4] = words & 0xff;
                wrapped[5] = words >> 8;
                wrapped.insert(wrapped.end(), bytes.begin(), bytes.end());
            }
            if (!so->Deliver(wrapped))
            {
                m_stats.in_nomem++;
            }
        }
        bool wanted = false;
        switch (target)
        {
            case Target::ONE:
                wanted = PeekPointer(so) == one;
                break;
            case Target::ALL:
                wanted = true;
                break;
            case Target::REGISTERED:
                wanted = so->IsRegistered(msg.satype);
                break;
        }
        if (wanted && !so->Deliver(bytes))
        {
            m_stats.in_nomem++;
        }
    }
}

// ---- conversions --------------------------------------------------------

PfKeyMessage
IpsecKeyEngine::SaMessage(PfKeyType type, const IpsecSa& sa, bool keys) const
{
    const IpsecSaParams& p = sa.params;
    PfKeyMessage m(type, PfKeySaTypeOf(p.proto));
    PfKeySa x;
    x.spi = p.spi;
    x.replay = sa.replay.GetWindowBytes();
    x.state = static_cast<uint8_t>(sa.state);
    x.auth = p.auth ? p.auth->sadbId : 0;
    x.encrypt = p.proto == IpsecProto::IPCOMP ? (p.comp ? p.comp->sadbId : 0)
                                              : (p.enc ? p.enc->sadbId : 0);
    x.flags = p.flags;
    m.sa = x;
    PfKeySa2 sa2;
    sa2.mode = static_cast<uint8_t>(p.mode);
    sa2.reqid = p.reqid;
    sa2.sequence = static_cast<uint32_t>(sa.seqCounter + sa.replay.GetCount());
    m.sa2 = sa2;
    m.current = Lifetime(static_cast<uint32_t>(sa.allocations),
                         sa.bytes,
                         WallClock(sa.created),
                         sa.lastUsed.IsZero() ? 0 : WallClock(sa.lastUsed));
    if (p.hardAddTime || p.hardBytes || p.hardUseTime || p.hardAllocations)
    {
        m.hard = Lifetime(p.hardAllocations, p.hardBytes, p.hardAddTime, p.hardUseTime);
    }
    if (p.softAddTime || p.softBytes || p.softUseTime || p.softAllocations)
    {
        m.soft = Lifetime(p.softAllocations, p.softBytes, p.softAddTime, p.softUseTime);
    }
    m.src = FullAddress(p.src);
    m.dst = FullAddress(p.dst);
    if (type == PfKeyType::GET || type == PfKeyType::DUMP)
    {
        // key_setdumpsa: NAT_T_TYPE always (0 for an ordinary SA); for a
        // NAT-T SA the ports, in the extensions and in the addresses (the SA
        // index carries them); FRAG only when set; never OAI or OAR.
        m.nattType = static_cast<uint8_t>(p.nattType);
        if (p.nattType != 0)
        {
            m.src->port = p.nattSport;
            m.dst->port = p.nattDport;
            m.nattSport = p.nattSport;
            m.nattDport = p.nattDport;
            if (p.nattFrag != 0 && p.nattFrag != 0xffff)
            {
                m.nattFrag = p.nattFrag;
            }
        }
    }
    if (keys)
    {
        if (p.auth)
        {
            m.authKey = PfKeyKey{static_cast<uint16_t>(p.authKey.size() * 8), p.authKey};
        }
        if (p.hasEncKey && p.proto == IpsecProto::ESP)
        {
            m.encKey = PfKeyKey{static_cast<uint16_t>(p.encKey.size() * 8), p.encKey};
        }
    }
    m.reserved = static_cast<uint16_t>(std::min<uint32_t>(sa.refcnt, 0xffff));
    return m;
}

int
IpsecKeyEngine::ToSaParams(const PfKeyMessage& m, IpsecSaParams* p, std::string* why) const
{
    auto fail = [why](const std::string& text)
    {
        if (why)
        {
            *why = text;
        }
        return EINVAL;
    };
    if (!m.sa || !m.src || !m.dst)
    {
        return fail("invalid message: SA and both addresses are required");
    }
    if (m.hard.has_value() != m.soft.has_value())
    {
        return fail("invalid message: hard and soft lifetimes must be given together");
    }
    if (!PfKeyProtoOf(m.satype, &p->proto))
    {
        return fail("invalid SA type");
    }
    p->src = m.src->addr;
    p->dst = m.dst->addr;
    p->spi = m.sa->spi;
    p->replayWindow = m.sa->replay;
    p->flags = m.sa->flags;
    if (m.sa2)
    {
        if (m.sa2->mode > static_cast<uint8_t>(IpsecMode::TUNNEL))
        {
            return fail("invalid mode");
        }
        p->mode = static_cast<IpsecMode>(m.sa2->mode);
        p->reqid = m.sa2->reqid;
    }
    else
    {
        p->mode = IpsecMode::ANY;
        p->reqid = 0;
    }
    if (p->proto == IpsecProto::IPCOMP)
    {
        p->comp = m.sa->encrypt ? FindCompAlgorithmById(m.sa->encrypt) : nullptr;
        if (m.sa->encrypt && !p->comp)
        {
            return fail("unknown compression algorithm " + std::to_string(m.sa->encrypt));
        }
    }
    else if (m.sa->encrypt != 0)
    {
        p->enc = FindEncAlgorithmById(m.sa->encrypt);
        if (!p->enc)
        {
            return fail("unknown encryption algorithm " + std::to_string(m.sa->encrypt));
        }
    }
    if (m.sa->auth != 0)
    {
        p->auth = FindAuthAlgorithmById(m.sa->auth);
        if (!p->auth)
        {
            return fail("unknown authentication algorithm " + std::to_string(m.sa->auth));
        }
    }
    if (m.encKey)
    {
        p->hasEncKey = true;
        p->encKey = m.encKey->data;
    }
    if (m.authKey)
    {
        p->authKey = m.authKey->data;
    }
    if (m.hard)
    {
        p->hardAddTime = m.hard->addtime;
        p->hardBytes = m.hard->bytes;
        p->hardUseTime = m.hard->usetime;
        p->hardAllocations = m.hard->allocations;
    }
    if (m.soft)
    {
        p->softAddTime = m.soft->addtime;
        p->softBytes = m.soft->bytes;
        p->softUseTime = m.soft->usetime;
        p->softAllocations = m.soft->allocations;
    }
    if (!m_byteLifetimes && (p->hardBytes != 0 || p->softBytes != 0))
    {
        return fail("we no longer support byte lifetime");
    }
    // key_handle_natt_info: NAT-T only when TYPE, SPORT and DPORT are all
    // present (otherwise the extensions are ignored, as NetBSD does).
    if (m.nattType && m.nattSport && m.nattDport && *m.nattType != 0)
    {
        if (p->proto != IpsecProto::ESP)
        {
            return fail("NAT-T: only ESP can be UDP-encapsulated");
        }
        if (*m.nattType != IpsecSaParams::UDP_ENCAP_ESPINUDP)
        {
            // 1 is UDP_ENCAP_ESPINUDP_NON_IKE (the pre-RFC 3948 drafts'
            // non-IKE marker), which the model's data path does not implement.
            return fail("NAT-T: encapsulation type " + std::to_string(*m.nattType)
                        + " not supported (only UDP_ENCAP_ESPINUDP, 2)");
        }
        p->nattType = IpsecSaParams::UDP_ENCAP_ESPINUDP;
        p->nattSport = *m.nattSport;
        p->nattDport = *m.nattDport;
        if (m.nattOai)
        {
            p->nattOai = m.nattOai->addr;
        }
        if (m.nattOar)
        {
            p->nattOar = m.nattOar->addr;
        }
        // No FRAG extension: NetBSD's esp_frag = IP_MAXPACKET, "none" (0) here.
        p->nattFrag = m.nattFrag.value_or(0);
    }
    return 0;
}

int
IpsecKeyEngine::ToPolicy(const PfKeyMessage& m, Ptr<IpsecPolicy>* out, std::string* why) const
{
    if (!m.src || !m.dst || !m.policy)
    {
        if (why)
        {
            *why = "invalid message: both addresses and a policy are required";
        }
        return EINVAL;
    }
    if ((m.policy->dir != static_cast<uint8_t>(IpsecDirection::INBOUND)
         && m.policy->dir != static_cast<uint8_t>(IpsecDirection::OUTBOUND))
        || m.policy->type > static_cast<uint16_t>(IpsecPolicyAction::BYPASS))
    {
        if (why)
        {
            *why = "invalid policy direction or type";
        }
        return EINVAL;
    }
    auto policy = Create<IpsecPolicy>();
    policy->selector.src = m.src->addr;
    policy->selector.dst = m.dst->addr;
    policy->selector.prefs = m.src->prefixlen;
    policy->selector.prefd = m.dst->prefixlen;
    policy->selector.sport = m.src->port;
    policy->selector.dport = m.dst->port;
    policy->selector.ulproto = m.src->proto;
    policy->direction = static_cast<IpsecDirection>(m.policy->dir);
    policy->action = static_cast<IpsecPolicyAction>(m.policy->type);
    if (policy->action == IpsecPolicyAction::IPSEC)
    {
        // key_msg2sp() keeps requests only for ipsec policies.
        policy->requests = m.policy->requests;
    }
    *out = policy;
    return 0;
}

PfKeyMessage
IpsecKeyEngine::PolicyMessage(PfKeyType type, const IpsecPolicy& policy)
{
    PfKeyMessage m(type, PfKeySaType::UNSPEC);
    const IpsecSelector& sel = policy.selector;
    m.src = PfKeyAddress{sel.ulproto, sel.prefs, sel.src, sel.sport};
    m.dst = PfKeyAddress{sel.ulproto, sel.prefd, sel.dst, sel.dport};
    PfKeyPolicy x;
    x.type = static_cast<uint16_t>(policy.action);
    x.dir = static_cast<uint8_t>(policy.direction);
    x.id = policy.id;
    x.requests = policy.requests;
    m.policy = x;
    m.reserved = 1;
    return m;
}

// ---- SA messages ----------------------------------------------------------

int
IpsecKeyEngine::HandleGetSpi(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    if (!m.src || !m.dst)
    {
        return Fail(EINVAL, "invalid message: both addresses are required");
    }
    IpsecProto proto;
    PfKeyProtoOf(m.satype, &proto);
    UintegerValue lo;
    UintegerValue hi;
    m_sad->GetAttribute("SpiMinValue", lo);
    m_sad->GetAttribute("SpiMaxValue", hi);
    uint32_t min = m.spirange ? m.spirange->min : lo.Get();
    uint32_t max = m.spirange ? m.spirange->max : hi.Get();
    IpsecMode mode
        = m.sa2 ? static_cast<IpsecMode>(std::min<uint8_t>(m.sa2->mode, 2)) : IpsecMode::ANY;
    uint32_t reqid = m.sa2 ? m.sa2->reqid : 0;
    uint32_t spi = 0;
    int rc = m_sad->GetSpi(m.src->addr, m.dst->addr, proto, mode, reqid, min, max, &spi, m.pid);
    if (rc != 0)
    {
        return Fail(rc, "no free SPI in the range");
    }
    if (m.seq != 0)
    {
        // The daemon answers an ACQUIRE: its block entry starts over.
        for (auto& [key, entry] : m_acquires)
        {
            if (entry.seq == m.seq)
            {
                entry.created = Simulator::Now();
            }
        }
    }
    PfKeyMessage reply(PfKeyType::GETSPI, m.satype, m.seq, m.pid);
    PfKeySa x;
    x.spi = spi;
    reply.sa = x;
    reply.src = FullAddress(m.src->addr);
    reply.dst = FullAddress(m.dst->addr);
    SendUp(so, Target::ONE, reply);
    return 0;
}

int
IpsecKeyEngine::HandleUpdate(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    return InstallSa(so, m, true);
}

int
IpsecKeyEngine::HandleAdd(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    return InstallSa(so, m, false);
}

int
IpsecKeyEngine::InstallSa(IpsecPfKeySocket* so, const PfKeyMessage& m, bool update)
{
    IpsecSaParams p;
    std::string why;
    int rc = ToSaParams(m, &p, &why);
    if (rc == 0)
    {
        rc = update ? m_sad->Update(p, m.pid, &why) : m_sad->Add(p, &why);
    }
    if (rc != 0)
    {
        return Fail(rc, why);
    }
    // The reply is broadcast with the keys stripped.
    PfKeyMessage reply = m;
    reply.authKey.reset();
    reply.encKey.reset();
    SendUp(so, Target::ALL, reply);
    return 0;
}

int
IpsecKeyEngine::HandleDelete(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    if (!m.src || !m.dst)
    {
        return Fail(EINVAL, "invalid message: both addresses are required");
    }
    IpsecProto proto;
    PfKeyProtoOf(m.satype, &proto);
    if (m.sa)
    {
        if (m_sad->Delete(m.src->addr, m.dst->addr, proto, m.sa->spi) != 0)
        {
            return Fail(ENOENT, "no such SA");
        }
    }
    else
    {
        m_sad->DeleteAll(m.src->addr, m.dst->addr, proto);
    }
    SendUp(so, Target::ALL, m);
    return 0;
}

int
IpsecKeyEngine::HandleGet(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    if (!m.sa || !m.src || !m.dst)
    {
        return Fail(EINVAL, "invalid message: SA and both addresses are required");
    }
    IpsecProto proto;
    PfKeyProtoOf(m.satype, &proto);
    Ptr<IpsecSa> sa = m_sad->Get(m.src->addr, m.dst->addr, proto, m.sa->spi);
    if (!sa)
    {
        return Fail(ENOENT, "no such SA");
    }
    PfKeyMessage reply = SaMessage(PfKeyType::GET, *sa, true);
    reply.seq = m.seq;
    reply.pid = m.pid;
    SendUp(so, Target::ONE, reply);
    return 0;
}

int
IpsecKeyEngine::HandleAcquire(IpsecPfKeySocket* /* so */, const PfKeyMessage& m)
{
    if (HeaderOnly(m))
    {
        // A daemon's answer to an ACQUIRE (possibly with an errno): the
        // block entry with that sequence number starts over.
        for (auto& [key, entry] : m_acquires)
        {
            if (entry.seq == m.seq)
            {
                entry.created = Simulator::Now();
                entry.count = 0;
            }
        }
        return 0;
    }
    if (!m.src || !m.dst)
    {
        return Fail(EINVAL, "invalid message: both addresses are required");
    }
    IpsecRequest req;
    PfKeyProtoOf(m.satype, &req.proto);
    req.mode = m.sa2 ? static_cast<IpsecMode>(std::min<uint8_t>(m.sa2->mode, 2)) : IpsecMode::ANY;
    req.reqid = m.sa2 ? m.sa2->reqid : 0;
    if (m_sad->FindHead(m.src->addr, m.dst->addr, req.proto, req.mode, req.reqid))
    {
        return Fail(EEXIST, "an SA head for this index already exists");
    }
    Acquire(m.src->addr, m.dst->addr, req, nullptr);
    return 0;
}

int
IpsecKeyEngine::HandleRegister(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    PfKeyMessage reply(PfKeyType::REGISTER, m.satype, m.seq, m.pid);
    std::vector<PfKeyAlg> auth;
    for (const IpsecAuthAlgorithm& a : IpsecAuthAlgorithms())
    {
        auth.push_back(PfKeyAlg{a.sadbId, 0, a.minKeyBits, a.maxKeyBits});
    }
    std::vector<PfKeyAlg> enc;
    for (const IpsecEncAlgorithm& e : IpsecEncAlgorithms())
    {
        enc.push_back(PfKeyAlg{e.sadbId, e.ivLen, e.minKeyBits, e.maxKeyBits});
    }
    reply.supportedAuth = auth;
    reply.supportedEncrypt = enc;
    if (m.satype == PfKeySaType::UNSPEC)
    {
        SendUp(so, Target::ONE, reply); // only the lists
        return 0;
    }
    so->SetRegistered(m.satype);
    SendUp(so, Target::REGISTERED, reply);
    return 0;
}

int
IpsecKeyEngine::HandleFlush(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    IpsecProto proto = IpsecProto::ESP;
    bool all = !PfKeyProtoOf(m.satype, &proto);
    m_sad->Flush(all, proto);
    SendUp(so, Target::ALL, PfKeyMessage(PfKeyType::FLUSH, m.satype, m.seq, m.pid));
    return 0;
}

int
IpsecKeyEngine::HandleDump(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    IpsecProto proto = IpsecProto::ESP;
    bool all = !PfKeyProtoOf(m.satype, &proto);
    std::vector<Ptr<IpsecSa>> sas;
    for (const auto& head : m_sad->GetHeads())
    {
        if (!all && head->proto != proto)
        {
            continue;
        }
        for (auto st :
             {IpsecSaState::MATURE, IpsecSaState::DYING, IpsecSaState::LARVAL, IpsecSaState::DEAD})
        {
            const auto& list = head->sas[static_cast<int>(st)];
            sas.insert(sas.end(), list.begin(), list.end());
        }
    }
    if (sas.empty())
    {
        return Fail(ENOENT, "SAD empty");
    }
    uint32_t seq = static_cast<uint32_t>(sas.size());
    for (const auto& sa : sas)
    {
        PfKeyMessage reply = SaMessage(PfKeyType::DUMP, *sa, true);
        reply.seq = --seq;
        reply.pid = m.pid;
        SendUp(so, Target::ONE, reply);
    }
    return 0;
}

int
IpsecKeyEngine::HandlePromisc(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    if (HeaderOnly(m))
    {
        // sadb_msg_satype carries the switch.
        so->SetPromiscuous(m.satype != 0);
        return 0;
    }
    SendUp(so, Target::ALL, m);
    return 0;
}

int
IpsecKeyEngine::HandlePChange(IpsecPfKeySocket* /* so */, const PfKeyMessage& /* m */)
{
    return Fail(EINVAL, "SADB_X_PCHANGE is not implemented (as in KAME)");
}

// ---- SPD messages -----------------------------------------------------------

int
IpsecKeyEngine::HandleSpdAdd(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    Ptr<IpsecPolicy> policy;
    std::string why;
    int rc = ToPolicy(m, &policy, &why);
    if (rc != 0)
    {
        return Fail(rc, why);
    }
    if (m.GetType() == PfKeyType::X_SPDUPDATE)
    {
        // key_spdadd(SADB_X_SPDUPDATE): the selector checks come first; then
        // an existing exact match is removed and the new policy is appended
        // at the tail (even if it then fails validation).
        const IpsecSelector& sel = policy->selector;
        bool selectorOk = sel.src.GetFamily() == sel.dst.GetFamily()
                       && sel.prefs <= sel.src.GetBits() && sel.prefd <= sel.dst.GetBits();
        if (selectorOk)
        {
            m_spd->Delete(sel, policy->direction);
        }
    }
    rc = m_spd->Add(policy, &why);
    if (rc != 0)
    {
        return Fail(rc, why);
    }
    PfKeyMessage reply = PolicyMessage(m.GetType(), *policy);
    reply.seq = m.seq;
    reply.pid = m.pid;
    SendUp(so, Target::ALL, reply);
    return 0;
}

int
IpsecKeyEngine::HandleSpdDelete(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    Ptr<IpsecPolicy> policy;
    std::string why;
    int rc = ToPolicy(m, &policy, &why);
    if (rc != 0)
    {
        return Fail(rc, why);
    }
    // Only the direction of the policy matters; not found is EINVAL in KAME.
    if (m_spd->Delete(policy->selector, policy->direction) != 0)
    {
        return Fail(EINVAL, "no such policy");
    }
    SendUp(so, Target::ALL, m);
    return 0;
}

int
IpsecKeyEngine::HandleSpdDelete2(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    if (!m.policy)
    {
        return Fail(EINVAL, "invalid message: a policy extension is required");
    }
    if (m_spd->DeleteById(m.policy->id) != 0)
    {
        return Fail(EINVAL, "no policy with id " + std::to_string(m.policy->id));
    }
    SendUp(so, Target::ALL, m);
    return 0;
}

int
IpsecKeyEngine::HandleSpdGet(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    if (!m.policy)
    {
        return Fail(EINVAL, "invalid message: a policy extension is required");
    }
    Ptr<IpsecPolicy> policy = m_spd->GetById(m.policy->id);
    if (!policy)
    {
        return Fail(ENOENT, "no policy with id " + std::to_string(m.policy->id));
    }
    PfKeyMessage reply = PolicyMessage(PfKeyType::X_SPDGET, *policy);
    reply.seq = m.seq;
    reply.pid = m.pid;
    SendUp(so, Target::ONE, reply);
    return 0;
}

int
IpsecKeyEngine::HandleSpdDump(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    uint32_t n = m_spd->GetN();
    if (n == 0)
    {
        return Fail(ENOENT, "SPD empty");
    }
    for (auto dir : {IpsecDirection::INBOUND, IpsecDirection::OUTBOUND})
    {
        for (const auto& policy : m_spd->GetPolicies(dir))
        {
            PfKeyMessage reply = PolicyMessage(PfKeyType::X_SPDDUMP, *policy);
            reply.seq = --n;
            reply.pid = m.pid;
            SendUp(so, Target::ONE, reply);
        }
    }
    return 0;
}

int
IpsecKeyEngine::HandleSpdFlush(IpsecPfKeySocket* so, const PfKeyMessage& m)
{
    m_spd->Flush();
    SendUp(so, Target::ALL, PfKeyMessage(PfKeyType::X_SPDFLUSH, 0, m.seq, m.pid));
    return 0;
}

// ---- kernel-originated ------------------------------------------------------

Ptr<IpsecSa>
IpsecKeyEngine::AllocateOutbound(const IpsecAddress& src,
                                 const IpsecAddress& dst,
                                 const IpsecRequest& req,
                                 Ptr<const IpsecPolicy> policy)
{
    Ptr<IpsecSaHead> head = m_sad->FindHead(src, dst, req.proto, req.mode, req.reqid);
    if (head)
    {
        // The request drops the SA it cached for the previous packet; a dead
        // SA it was keeping alive is released now.
        head->sas[static_cast<int>(IpsecSaState::DEAD)].clear();
    }
    Ptr<IpsecSa> sa = head ? IpsecSad::SelectInHead(*head, m_preferredOldSa) : nullptr;
    if (!sa)
    {
        Acquire(src, dst, req, policy);
        return nullptr;
    }
    if (!m_preferredOldSa)
    {
        // The newest SA wins; the older ones of its state that have a hard
        // lifetime are retired, and the daemons told (SADB_DELETE).
        std::vector<Ptr<IpsecSa>> losers;
        for (const auto& other : head->sas[static_cast<int>(sa->state)])
        {
            if (other != sa && other->params.hardAddTime != 0)
            {
                losers.push_back(other);
            }
        }
        for (const auto& loser : losers)
        {
            PfKeyMessage del = SaMessage(PfKeyType::DELETE, *loser, false);
            del.current.reset();
            del.hard.reset();
            del.soft.reset();
            m_sad->Kill(loser);
            SendUp(nullptr, Target::REGISTERED, del);
        }
    }
    sa->refcnt = 2; // the request keeps a reference until the next packet
    return sa;
}

bool
IpsecKeyEngine::Acquire(const IpsecAddress& src,
                        const IpsecAddress& dst,
                        const IpsecRequest& req,
                        Ptr<const IpsecPolicy> policy)
{
    Time now = Simulator::Now();
    auto expired = [this, now](const AcqEntry& e)
    {
        return std::floor((now - e.created).GetSeconds()) > m_blockAcqLifetime;
    };
    AcqKey key(
        src, dst, static_cast<uint8_t>(req.proto), static_cast<uint8_t>(req.mode), req.reqid);
    auto it = m_acquires.find(key);
    if (it != m_acquires.end() && expired(it->second))
    {
        m_acquires.erase(it);
        it = m_acquires.end();
    }
    if (it != m_acquires.end())
    {
        AcqEntry& e = it->second;
        if (m_blockAcqCount < e.count)
        {
            e.count = 0; // send again
        }
        else
        {
            e.count++;
            NS_LOG_LOGIC("ACQUIRE held back (" << e.count << ")");
            return false;
        }
    }
    else
    {
        if (m_acquires.size() >= 1024)
        {
            // key_timehandler's sweep, done when the table grows.
            for (auto j = m_acquires.begin(); j != m_acquires.end();)
            {
                j = expired(j->second) ? m_acquires.erase(j) : std::next(j);
            }
        }
        AcqEntry e;
        e.seq = ++m_acqSeq;
        e.created = now;
        it = m_acquires.emplace(key, e).first;
    }
    PfKeyMessage m(PfKeyType::ACQUIRE, PfKeySaTypeOf(req.proto), it->second.seq, 0);
    m.src = FullAddress(src);
    m.dst = FullAddress(dst);
    if (policy)
    {
        PfKeyPolicy x;
        x.type = static_cast<uint16_t>(policy->action);
        x.dir = static_cast<uint8_t>(policy->direction);
        x.id = policy->id;
        m.policy = x;
    }
    m.proposal = BuildProposal(req.proto);
    NS_LOG_INFO("ACQUIRE seq " << m.seq << " for " << IpsecProtoName(req.proto) << " " << src
                               << "->" << dst);
    SendUp(nullptr, Target::REGISTERED, m);
    return true;
}

PfKeyProposal
IpsecKeyEngine::BuildProposal(IpsecProto proto) const
{
    PfKeyProposal prop;
    prop.replay = 4; // KAME proposes a 32-packet window
    auto comb = [](PfKeyComb c)
    {
        c.softAllocations = 1;
        c.hardAllocations = 1;
        c.softAddtime = PROP_SOFT_ADDTIME;
        c.hardAddtime = PROP_HARD_ADDTIME;
        c.softUsetime = PROP_SOFT_USETIME;
        c.hardUsetime = PROP_HARD_USETIME;
        return c;
    };
    IpsecProposalLimits limits;
    limits.espKeyMin = m_espKeyMin;
    limits.espAuth = m_espAuth != 0;
    limits.ahKeyMin = m_ahKeyMin;
    std::vector<PfKeyComb> combs;
    IpsecTransform::Get(proto).AddProposalCombs(limits, &combs);
    for (const PfKeyComb& c : combs)
    {
        prop.combs.push_back(comb(c));
    }
    return prop;
}

void
IpsecKeyEngine::NotifyExpire(Ptr<IpsecSa> sa)
{
    // SADB_EXPIRE: SA, SA2, the current and the soft lifetime, addresses.
    PfKeyMessage m = SaMessage(PfKeyType::EXPIRE, *sa, false);
    m.hard.reset();
    NS_LOG_INFO("EXPIRE (soft) for " << IpsecProtoName(sa->params.proto) << " spi "
                                     << sa->params.spi);
    SendUp(nullptr, Target::REGISTERED, m);
}

} // namespace ns3
