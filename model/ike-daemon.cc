/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IkeDaemon: the application, its sockets, the processor jobs, PF_KEY,
 * retransmission and the shared helpers.  Phase 1 is in ike-phase1.cc,
 * quick mode and informational exchanges in ike-phase2.cc.
 */
#include "ike-daemon.h"

#include "ike-daemon-handles.h"
#include "ipsec-cpu.h"
#include "ipsec-pfkey-socket.h"
#include "ipsec-stack.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cerrno>
#include <iomanip>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IkeDaemon");
NS_OBJECT_ENSURE_REGISTERED(IkeDaemon);

std::string
IkePh1StateName(IkePh1State s)
{
    static const char* names[] = {"SPAWN",
                                  "START",
                                  "MSG1RECEIVED",
                                  "MSG1SENT",
                                  "MSG2RECEIVED",
                                  "MSG2SENT",
                                  "MSG3RECEIVED",
                                  "MSG3SENT",
                                  "MSG4RECEIVED",
                                  "ESTABLISHED",
                                  "DYING",
                                  "EXPIRED"};
    return names[static_cast<size_t>(s)];
}

std::string
IkePh2StateName(IkePh2State s)
{
    static const char* names[] = {"SPAWN",
                                  "START",
                                  "STATUS",
                                  "GETSPISENT",
                                  "GETSPIDONE",
                                  "MSG1SENT",
                                  "COMMIT",
                                  "ADDSA",
                                  "ESTABLISHED",
                                  "EXPIRED"};
    return names[static_cast<size_t>(s)];
}

std::string
IkeFailureName(IkeFailure f)
{
    switch (f)
    {
        case IkeFailure::NO_REMOTE:
            return "no remote configuration";
        case IkeFailure::NO_SAINFO:
            return "no sainfo";
        case IkeFailure::NO_POLICY:
            return "no policy";
        case IkeFailure::PSK_MISSING:
            return "pre-shared key missing";
        case IkeFailure::PSK_WEAK_PERMISSION:
            return "psk file has weak permissions";
        case IkeFailure::PH1_NO_PROPOSAL:
            return "phase 1 proposal mismatch";
        case IkeFailure::PH1_AUTH_FAILED:
            return "phase 1 authentication failed (pre-shared key mismatch)";
        case IkeFailure::PH1_TIMEOUT:
            return "phase 1 no response";
        case IkeFailure::PH1_WAIT_TIMEOUT:
            return "phase 2 waited too long for phase 1";
        case IkeFailure::PH2_NO_PROPOSAL:
            return "phase 2 proposal mismatch";
        case IkeFailure::PH2_AUTH_FAILED:
            return "phase 2 authentication failed";
        case IkeFailure::PH2_TIMEOUT:
            return "phase 2 no response";
        case IkeFailure::PH2_DEADLINE:
            return "phase 2 deadline";
        case IkeFailure::LARVAL_EXPIRED:
            return "larval SA expired";
        case IkeFailure::MALFORMED:
            return "malformed message";
        case IkeFailure::ENCRYPT_FAILED:
            return "encryption failed";
        case IkeFailure::COUNT:
            break;
    }
    return "?";
}

std::string
IkeDropName(IkeDrop d)
{
    switch (d)
    {
        case IkeDrop::SHORT:
            return "short";
        case IkeDrop::TOO_BIG:
            return "too-big";
        case IkeDrop::LENGTH_MISMATCH:
            return "length-mismatch";
        case IkeDrop::BAD_HEADER:
            return "bad-header";
        case IkeDrop::BAD_EXCHANGE:
            return "bad-exchange";
        case IkeDrop::UNKNOWN_COOKIE:
            return "unknown-cookie";
        case IkeDrop::COOKIE_MISMATCH:
            return "cookie-mismatch";
        case IkeDrop::UNEXPECTED:
            return "unexpected";
        case IkeDrop::UNDECRYPTABLE:
            return "undecryptable";
        case IkeDrop::BAD_PAYLOAD:
            return "bad-payload";
        case IkeDrop::UNSUPPORTED_PAYLOAD:
            return "unsupported-payload";
        case IkeDrop::BAD_HASH:
            return "bad-hash";
        case IkeDrop::BAD_PROPOSAL:
            return "bad-proposal";
        case IkeDrop::NO_CONFIG:
            return "no-config";
        case IkeDrop::DUPLICATE:
            return "duplicate";
        case IkeDrop::UNAUTHENTICATED:
            return "unauthenticated";
        case IkeDrop::BAD_MARKER:
            return "bad-marker";
        case IkeDrop::COUNT:
            break;
    }
    return "?";
}

TypeId
IkeDaemon::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::IkeDaemon")
              .SetParent<Application>()
              .SetGroupName("Ipsec")
              .AddConstructor<IkeDaemon>()
              .AddAttribute("Pid",
                            "The process id of the daemon's PF_KEY messages (sadb_msg_pid).",
                            UintegerValue(500),
                            MakeUintegerAccessor(&IkeDaemon::m_pid),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("Port",
                            "The UDP port IKE listens on and sends to (isakmp, 500).",
                            UintegerValue(500),
                            MakeUintegerAccessor(&IkeDaemon::m_port),
                            MakeUintegerChecker<uint16_t>(1))
              .AddAttribute("NattPort",
                            "The UDP port of NAT traversal (racoon's port_isakmp_natt, "
                            "ipsec-nat-t, 4500), where phase 1 floats once a NAT is detected "
                            "(RFC 3947 section 4); listen { isakmp_natt } overrides it.",
                            UintegerValue(4500),
                            MakeUintegerAccessor(&IkeDaemon::m_nattPort),
                            MakeUintegerChecker<uint16_t>(1))
              .AddAttribute("DhExponentBits",
                            "Length of the Diffie-Hellman private exponents: 0 = the modulus "
                            "length less one, as classic racoon with OpenSSL 0.9 (the default); "
                            "e.g. 256 for the short exponents of later libraries.",
                            UintegerValue(0),
                            MakeUintegerAccessor(&IkeDaemon::m_exponentBits),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("TimerDefaults",
                            "timer { phase1; phase2 } where racoon.conf gives none: racoon's "
                            "code (30 s, 30 s) or its racoon.conf(5) man page (15 s, 10 s).",
                            EnumValue(RACOON_CODE),
                            MakeEnumAccessor(&IkeDaemon::m_timerDefaults),
                            MakeEnumChecker(RACOON_CODE, "RacoonCode", MAN_PAGE, "ManPage"))
              .AddAttribute("RetryCounter",
                            "timer { counter }: transmissions of a message before the "
                            "negotiation fails (0: racoon.conf's).",
                            UintegerValue(0),
                            MakeUintegerAccessor(&IkeDaemon::m_retryCounter),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("RetryInterval",
                            "timer { interval }: time between retransmissions (0: racoon.conf's).",
                            TimeValue(Seconds(0)),
                            MakeTimeAccessor(&IkeDaemon::m_retryInterval),
                            MakeTimeChecker(Seconds(0)))
              .AddAttribute("Phase1Wait",
                            "timer { phase1 }: how long a phase 2 waits for its phase 1 "
                            "(0: racoon.conf's, else TimerDefaults).",
                            TimeValue(Seconds(0)),
                            MakeTimeAccessor(&IkeDaemon::m_phase1Wait),
                            MakeTimeChecker(Seconds(0)))
              .AddAttribute("Phase2Wait",
                            "timer { phase2 }: how long a quick mode may take from its GETSPI "
                            "(0: racoon.conf's, else TimerDefaults).",
                            TimeValue(Seconds(0)),
                            MakeTimeAccessor(&IkeDaemon::m_phase2Wait),
                            MakeTimeChecker(Seconds(0)))
              .AddTraceSource("Message",
                              "An ISAKMP message sent or received: direction, peer, exchange, "
                              "message number, bytes, retransmission (or duplicate).",
                              MakeTraceSourceAccessor(&IkeDaemon::m_messageTrace),
                              "ns3::IkeDaemon::MessageTracedCallback")
              .AddTraceSource("Phase1State",
                              "A phase-1 handle changed state (racoon's names).",
                              MakeTraceSourceAccessor(&IkeDaemon::m_ph1Trace),
                              "ns3::IkeDaemon::Ph1StateTracedCallback")
              .AddTraceSource("Phase2State",
                              "A phase-2 handle changed state (racoon's names).",
                              MakeTraceSourceAccessor(&IkeDaemon::m_ph2Trace),
                              "ns3::IkeDaemon::Ph2StateTracedCallback")
              .AddTraceSource("Negotiation",
                              "A phase-1 or phase-2 negotiation ended: phase, success, the "
                              "failure's reason, peer, duration.",
                              MakeTraceSourceAccessor(&IkeDaemon::m_negotiationTrace),
                              "ns3::IkeDaemon::NegotiationTracedCallback")
              .AddTraceSource("Phase1Keys",
                              "The keys of an ISAKMP SA just established: the cookies and the "
                              "encryption key (Wireshark's IKEv1 decryption table), SKEYID_a "
                              "and the last phase-1 CBC block (what phase 2's HASHes and IVs "
                              "derive from).",
                              MakeTraceSourceAccessor(&IkeDaemon::m_phase1KeysTrace),
                              "ns3::IkeDaemon::Phase1KeysTracedCallback")
              .AddTraceSource("SaKeys",
                              "The keys of an SA the daemon installed (Wireshark's ESP SA table).",
                              MakeTraceSourceAccessor(&IkeDaemon::m_saKeysTrace),
                              "ns3::IkeDaemon::SaKeysTracedCallback")
              .AddTraceSource("PfKeySent",
                              "A PF_KEY message the daemon sends its kernel (GETSPI, UPDATE, "
                              "ADD, ...), as racoon's pfkey_send_* builds it: with the NAT-T "
                              "extensions of a UDP-encapsulated SA.",
                              MakeTraceSourceAccessor(&IkeDaemon::m_pfkeySentTrace),
                              "ns3::IkeDaemon::PfKeySentTracedCallback")
              .AddTraceSource("Drop",
                              "A received ISAKMP datagram dropped: the reason (IkeDrop), the "
                              "sender's address, the datagram.  Every drop is counted in "
                              "IkeDaemonStats::drops by its reason and in dropped.",
                              MakeTraceSourceAccessor(&IkeDaemon::m_dropTrace),
                              "ns3::IkeDaemon::DropTracedCallback")
              .AddTraceSource("Log",
                              "racoon's log lines, with racoon's level (1 ERROR, 2 WARNING, "
                              "3 NOTIFY, 4 INFO, 5 DEBUG).",
                              MakeTraceSourceAccessor(&IkeDaemon::m_logTrace),
                              "ns3::IkeDaemon::LogTracedCallback");
    return tid;
}

IkeDaemon::IkeDaemon()
    : m_rng(CreateObject<UniformRandomVariable>())
    , m_pid(500)
    , m_exponentBits(0)
    , m_port(500)
    , m_running(false)
    , m_nextHandle(1)
    , m_pfkeySeq(0)
{
}

IkeDaemon::~IkeDaemon() = default;

void
IkeDaemon::DoDispose()
{
    m_ph1.clear();
    m_ph2.clear();
    Simulator::Cancel(m_sweep);
    m_recvd.clear();
    if (m_pfkey)
    {
        m_pfkey->Close();
    }
    m_pfkey = nullptr;
    m_socket4 = nullptr;
    m_socket6 = nullptr;
    m_nattSocket4 = nullptr;
    m_nattSocket6 = nullptr;
    Simulator::Cancel(m_keepalive);
    m_ipsec = nullptr;
    m_cpu = nullptr;
    m_rng = nullptr;
    Application::DoDispose();
}

void
IkeDaemon::SetConfig(const RacoonConf& conf)
{
    m_conf = conf;
}

void
IkeDaemon::SetPskFile(const RacoonPskFile& psk)
{
    m_psk = psk;
}

const RacoonConf&
IkeDaemon::GetConfig() const
{
    return m_conf;
}

const IkeDaemonStats&
IkeDaemon::GetStats() const
{
    return m_stats;
}

int64_t
IkeDaemon::AssignStreams(int64_t stream)
{
    m_rng->SetStream(stream);
    return 1;
}

// ---- the application -------------------------------------------------------

void
IkeDaemon::StartApplication()
{
    Ptr<Node> node = GetNode();
    m_ipsec = node->GetObject<IpsecStack>();
    NS_ABORT_MSG_UNLESS(m_ipsec, "IkeDaemon on node " << node->GetId() << " without IPsec");
    m_cpu = IpsecCpu::Of(node);
    m_running = true;
    // The timer attributes over racoon.conf's timer block.
    RacoonTimer& t = m_conf.timer;
    if (m_timerDefaults == MAN_PAGE)
    {
        t.phase1 = t.phase1Set ? t.phase1 : Seconds(15);
        t.phase2 = t.phase2Set ? t.phase2 : Seconds(10);
    }
    t.counter = m_retryCounter ? m_retryCounter : t.counter;
    t.interval = m_retryInterval.IsStrictlyPositive() ? m_retryInterval : t.interval;
    t.phase1 = m_phase1Wait.IsStrictlyPositive() ? m_phase1Wait : t.phase1;
    t.phase2 = m_phase2Wait.IsStrictlyPositive() ? m_phase2Wait : t.phase2;

    // PF_KEY: register for every SA type, then read the SPD.
    m_pfkey = m_ipsec->GetKeyEngine()->Open(m_pid);
    if (!m_pfkey)
    {
        // pfkey_init: racoon cannot run without its PF_KEY socket.
        Log(1, "libipsec failed pfkey open (No buffer space available)");
        m_running = false;
        return;
    }
    m_pfkey->SetRecvCallback(MakeCallback(&IkeDaemon::OnPfKey, this));
    for (uint8_t satype : {PfKeySaType::ESP, PfKeySaType::AH, PfKeySaType::IPCOMP})
    {
        m_pfkey->Send(PfKeyMessage(PfKeyType::REGISTER, satype, ++m_pfkeySeq));
    }
    m_pfkey->Send(PfKeyMessage(PfKeyType::X_SPDDUMP, PfKeySaType::UNSPEC, ++m_pfkeySeq));

    // isakmp: UDP 500 on each family the node has, bypassing IPsec both ways
    // (racoon's setsockopt(IP_IPSEC_POLICY, "in bypass" / "out bypass")).
    auto open = [this, node](bool v6, uint16_t port)
    {
        Ptr<Socket> s = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
        int rc = v6 ? s->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), port))
                    : s->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
        NS_ABORT_MSG_IF(rc != 0, "IkeDaemon: cannot bind UDP port " << port);
        for (const char* p : {"in bypass", "out bypass"})
        {
            std::string why;
            NS_ABORT_MSG_IF(m_ipsec->SetSocketPolicy(s, p, true, &why) != 0,
                            "IkeDaemon: setsockopt(" << p << "): " << why);
        }
        s->SetRecvCallback(MakeCallback(&IkeDaemon::OnIsakmp, this));
        return s;
    };
    if (node->GetObject<Ipv4>())
    {
        m_socket4 = open(false, m_port);
    }
    if (node->GetObject<Ipv6>())
    {
        m_socket6 = open(true, m_port);
    }
    // NAT-T (grabmyaddr.c, isakmp_open): listen { isakmp_natt } opens the
    // NAT-T port; without a listen section racoon opens it on every address
    // when a remote has nat_traversal on (natt_enabled_in_rmconf).  The
    // socket is UDP_ENCAP_ESPINUDP: the kernel takes ESP and keepalives out
    // of it and passes the marked ISAKMP messages on.
    bool nattWanted = false;
    if (!m_conf.listenNatt.empty())
    {
        m_nattPort = m_conf.listenNatt.front().second;
        nattWanted = true;
    }
    else if (m_conf.listen.empty())
    {
        nattWanted = std::any_of(m_conf.remotes.begin(),
                                 m_conf.remotes.end(),
                                 [](const RacoonRemote& r)
                                 {
                                     return r.natTraversal != RacoonNatTraversal::OFF;
                                 });
    }
    if (nattWanted && m_nattPort != m_port)
    {
        if (node->GetObject<Ipv4>())
        {
            m_nattSocket4 = open(false, m_nattPort);
        }
        if (node->GetObject<Ipv6>())
        {
            m_nattSocket6 = open(true, m_nattPort);
        }
        m_ipsec->SetUdpEncapPort(m_nattPort, true);
        Log(4, "0.0.0.0[" + std::to_string(m_nattPort) + "] used for NAT-T");
        // natt_keepalive_init: the keepalive timer (0 disables it).
        if (m_conf.timer.nattKeepalive.IsStrictlyPositive())
        {
            m_keepalive
                = Simulator::Schedule(m_conf.timer.nattKeepalive, &IkeDaemon::SendKeepalives, this);
        }
    }
    Log(4, "racoon started (simulated) on node " + std::to_string(node->GetId()));
}

void
IkeDaemon::StopApplication()
{
    m_running = false;
    for (auto& [id, ph1] : m_ph1)
    {
        Simulator::Cancel(ph1->retry.timer);
        Simulator::Cancel(ph1->expire);
    }
    for (auto& [id, ph2] : m_ph2)
    {
        Simulator::Cancel(ph2->retry.timer);
        Simulator::Cancel(ph2->deadline);
        Simulator::Cancel(ph2->poll);
        Simulator::Cancel(ph2->expire);
    }
    Simulator::Cancel(m_sweep);
    Simulator::Cancel(m_keepalive);
    for (Ptr<Socket> s : {m_socket4, m_socket6, m_nattSocket4, m_nattSocket6})
    {
        if (s)
        {
            s->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
            s->Close();
        }
    }
    if (m_pfkey)
    {
        m_pfkey->Close();
        m_pfkey = nullptr;
    }
}

// ---- the processor -----------------------------------------------------------

void
IkeDaemon::Run(const std::string& what, std::function<void(Work&)> logic)
{
    auto work = std::make_shared<Work>();
    work->daemon = this;
    Ptr<IkeDaemon> self = this;
    m_cpu->SubmitWork(
        what,
        [self, work, logic]()
        {
            if (self->m_running)
            {
                logic(*work);
            }
            return work->cost;
        },
        [self, work, what]()
        {
            for (auto& out : work->outputs)
            {
                out();
            }
            if (work->then && self->m_running)
            {
                // The rest of the same handler (racoon computes it right
                // after sending): before anything else waiting.
                self->m_cpu->SubmitWork(
                    what + " (continued)",
                    [self, work]()
                    {
                        Work& w2 = *work->next;
                        if (self->m_running)
                        {
                            work->then(w2);
                        }
                        return w2.cost;
                    },
                    [work]()
                    {
                        for (auto& out : work->next->outputs)
                        {
                            out();
                        }
                    },
                    true);
            }
        });
}

void
IkeDaemon::Work::ChargeMessage()
{
    cost += daemon->m_cpu->MessageTime();
}

void
IkeDaemon::Work::ChargeModexp(uint32_t modulusBits, uint32_t exponentBits)
{
    cost += daemon->m_cpu->ModexpTime(modulusBits, exponentBits);
}

void
IkeDaemon::Work::ChargePrf(const IkeHashAlg& h, uint32_t bytes)
{
    cost += daemon->m_cpu->PrfTime(h.name, bytes);
}

void
IkeDaemon::Work::ChargeHash(const IkeHashAlg& h, uint32_t bytes)
{
    cost += daemon->m_cpu->HashTime(h.name, bytes);
}

void
IkeDaemon::Work::ChargeCipher(const IkeCipherAlg& c, uint32_t bytes)
{
    cost += daemon->m_cpu->CipherTime(c.name, bytes);
}

void
IkeDaemon::Work::Then(std::function<void(Work&)> rest)
{
    then = std::move(rest);
    next = std::make_shared<Work>();
    next->daemon = daemon;
}

// ---- PF_KEY ---------------------------------------------------------------------

void
IkeDaemon::OnPfKey(Ptr<IpsecPfKeySocket> so)
{
    std::vector<uint8_t> bytes;
    while (so->Recv(&bytes))
    {
        PfKeyMessage m;
        if (PfKeyMessage::Parse(bytes.data(), bytes.size(), &m) != 0)
        {
            continue;
        }
        Run("pfkey " + PfKeyTypeName(m.type),
            [this, m](Work& w)
            {
                HandlePfKey(w, m);
            });
    }
}

void
IkeDaemon::HandlePfKey(Work& w, const PfKeyMessage& m)
{
    switch (m.GetType())
    {
        case PfKeyType::ACQUIRE:
            if (m.pid == 0 && m.errnum == 0)
            {
                HandleAcquire(w, m);
            }
            break;
        case PfKeyType::GETSPI:
            if (m.pid == m_pid)
            {
                HandleGetSpi(w, m);
            }
            break;
        case PfKeyType::UPDATE:
        case PfKeyType::ADD:
            if (m.pid == m_pid)
            {
                HandleUpdateAddReply(w, m);
            }
            break;
        case PfKeyType::EXPIRE:
            HandleExpire(w, m);
            break;
        case PfKeyType::DELETE:
            HandleSaDelete(w, m);
            break;
        case PfKeyType::X_SPDDUMP:
        case PfKeyType::X_SPDADD:
        case PfKeyType::X_SPDUPDATE:
        case PfKeyType::X_SPDDELETE:
        case PfKeyType::X_SPDDELETE2:
        case PfKeyType::X_SPDFLUSH:
            HandleSpd(m);
            break;
        default:
            break;
    }
}

void
IkeDaemon::HandleSpd(const PfKeyMessage& m)
{
    if (m.errnum != 0)
    {
        return;
    }
    switch (m.GetType())
    {
        case PfKeyType::X_SPDFLUSH:
            m_spd.clear();
            return;
        case PfKeyType::X_SPDDELETE:
        case PfKeyType::X_SPDDELETE2:
            if (m.policy)
            {
                m_spd.erase(m.policy->id);
            }
            return;
        default:
            break;
    }
    if (!m.policy || !m.src || !m.dst || m.policy->id == 0)
    {
        return;
    }
    IpsecPolicy p;
    p.id = m.policy->id;
    p.direction = static_cast<IpsecDirection>(m.policy->dir);
    p.action = static_cast<IpsecPolicyAction>(m.policy->type);
    p.requests = m.policy->requests;
    p.selector.src = m.src->addr;
    p.selector.dst = m.dst->addr;
    p.selector.prefs = m.src->prefixlen;
    p.selector.prefd = m.dst->prefixlen;
    p.selector.sport = m.src->port;
    p.selector.dport = m.dst->port;
    p.selector.ulproto = m.src->proto;
    m_spd[p.id] = p;
}

const IpsecPolicy*
IkeDaemon::FindPolicyById(uint32_t id) const
{
    auto it = m_spd.find(id);
    return it == m_spd.end() ? nullptr : &it->second;
}

const IpsecPolicy*
IkeDaemon::FindPolicyBySelector(IpsecDirection dir, const IpsecSelector& sel) const
{
    // racoon's getsp_r: the policy whose selector is exactly this one, else
    // the first whose selector holds it (cmpspidxwild: the peer's IDs may be
    // narrower than our policy, as a host is inside 0.0.0.0/0).
    const IpsecPolicy* wild = nullptr;
    for (const auto& [id, p] : m_spd)
    {
        const IpsecSelector& s = p.selector;
        if (p.direction != dir || p.action != IpsecPolicyAction::IPSEC)
        {
            continue;
        }
        if (s == sel)
        {
            return &p;
        }
        bool holds = s.prefs <= sel.prefs && s.prefd <= sel.prefd
                  && sel.src.MatchesPrefix(s.src, s.prefs) && sel.dst.MatchesPrefix(s.dst, s.prefd)
                  && (s.sport == 0 || s.sport == sel.sport)
                  && (s.dport == 0 || s.dport == sel.dport)
                  && (s.ulproto == IPSEC_ULPROTO_ANY || s.ulproto == sel.ulproto);
        if (!wild && holds)
        {
            wild = &p;
        }
    }
    return wild;
}

void
IkeDaemon::SendPfKey(Work& w, PfKeyMessage m)
{
    m.pid = m_pid;
    m_pfkeySentTrace(m);
    Ptr<IpsecPfKeySocket> so = m_pfkey;
    w.outputs.push_back(
        [so, m]()
        {
            if (so)
            {
                so->Send(m);
            }
        });
}

void
IkeDaemon::SendErrorAcquire(Work& w, const Ph2& ph2)
{
    // racoon's pk_sendeacquire: the kernel holds further ACQUIREs for this
    // destination back for another blockacq_lifetime.
    if (!ph2.initiator || ph2.seq == 0)
    {
        return;
    }
    PfKeyMessage m(PfKeyType::ACQUIRE,
                   ph2.requests.empty() ? PfKeySaType::ESP
                                        : PfKeySaTypeOf(ph2.requests.front().proto),
                   ph2.seq);
    m.errnum = ENOENT;
    SendPfKey(w, m);
    m_stats.errorAcquires++;
}

// ---- ISAKMP datagrams -----------------------------------------------------------

void
IkeDaemon::OnIsakmp(Ptr<Socket> socket)
{
    Address from;
    bool natt = socket == m_nattSocket4 || socket == m_nattSocket6;
    while (Ptr<Packet> p = socket->RecvFrom(from))
    {
        std::vector<uint8_t> bytes(p->GetSize());
        p->CopyData(bytes.data(), bytes.size());
        Run("isakmp input",
            [this, bytes, from, natt](Work& w)
            {
                w.ChargeMessage();
                HandleIsakmp(w, bytes, from, natt);
            });
    }
}

void
IkeDaemon::SendIsakmp(Work& w,
                      const IpsecAddress& peer,
                      const std::vector<uint8_t>& bytes,
                      uint8_t exchange,
                      uint32_t messageNumber,
                      bool retransmission,
                      Path path)
{
    if (bytes.empty())
    {
        return; // a message that could not be built (failed encryption, logged)
    }
    uint16_t local = path.localPort ? path.localPort : m_port;
    bool natt = local == m_nattPort && local != m_port;
    Ptr<Socket> s = natt ? (peer.IsV6() ? m_nattSocket6 : m_nattSocket4)
                         : (peer.IsV6() ? m_socket6 : m_socket4);
    uint16_t port = path.peerPort ? path.peerPort : m_port;
    // isakmp_send: the non-ESP marker in front on the NAT-T port.
    std::vector<uint8_t> wire;
    if (path.marker)
    {
        Log(5, "Adding NON-ESP marker");
        wire.assign(4, 0);
    }
    wire.insert(wire.end(), bytes.begin(), bytes.end());
    Ptr<IkeDaemon> self = this;
    w.outputs.push_back(
        [self, s, peer, wire, port, exchange, messageNumber, retransmission]()
        {
            const std::vector<uint8_t>& bytes = wire;
            if (!s || !self->m_running)
            {
                return;
            }
            Ptr<Packet> p = Create<Packet>(bytes.data(), bytes.size());
            Address to = peer.IsV6() ? Address(Inet6SocketAddress(peer.ToIpv6(), port))
                                     : Address(InetSocketAddress(peer.ToIpv4(), port));
            s->SendTo(p, 0, to);
            self->m_stats.messagesSent++;
            self->m_stats.bytesSent += bytes.size();
            self->m_messageTrace(Direction::SENT,
                                 peer,
                                 exchange,
                                 messageNumber,
                                 static_cast<uint32_t>(bytes.size()),
                                 retransmission);
        });
}

// ---- received packets ------------------------------------------------------------

void
IkeDaemon::AddRecvd(const std::vector<uint8_t>& received,
                    const IpsecAddress& peer,
                    const std::vector<uint8_t>& reply,
                    uint8_t exchange,
                    uint32_t replyNumber,
                    Path path)
{
    // add_recvdpkt: nothing to keep when racoon would not retransmit at all.
    if (m_conf.timer.counter == 0 || received.empty())
    {
        return;
    }
    Recvd r;
    r.received = received;
    r.peer = peer;
    r.reply = reply;
    r.exchange = exchange;
    r.replyNumber = replyNumber;
    r.path = path;
    r.retries = m_conf.timer.counter;
    r.sent = Simulator::Now();
    m_recvd.push_back(std::move(r));
    if (!m_sweep.IsRunning())
    {
        m_sweep
            = Simulator::Schedule(m_conf.timer.counter * Interval(), &IkeDaemon::SweepRecvd, this);
    }
}

bool
IkeDaemon::CheckRecvd(Work& w, const std::vector<uint8_t>& bytes, const IpsecAddress& peer)
{
    auto it = std::find_if(m_recvd.begin(),
                           m_recvd.end(),
                           [&bytes](const Recvd& r)
                           {
                               return r.received == bytes;
                           });
    if (it == m_recvd.end())
    {
        return false;
    }
    if (it->peer != peer
        || (it->path.peerPort ? it->path.peerPort : m_port)
               != (m_rxPath.peerPort ? m_rxPath.peerPort : m_port))
    {
        // check_recvdpkt's 2: processed before, from another address; not answered.
        Drop(IkeDrop::DUPLICATE, 3, "the packet is retransmitted by " + peer.ToString() + " (2).");
        return true;
    }
    if (Simulator::Now() - it->sent < Seconds(1))
    {
        Log(2, "the packet retransmitted in a short time from " + peer.ToString());
    }
    m_stats.duplicates++;
    m_messageTrace(Direction::RECEIVED,
                   peer,
                   it->exchange,
                   it->replyNumber - 1,
                   static_cast<uint32_t>(bytes.size()),
                   true);
    SendIsakmp(w, peer, it->reply, it->exchange, it->replyNumber, true, it->path);
    Log(3, "the packet is retransmitted by " + peer.ToString() + " (1).");
    if (--it->retries == 0)
    {
        m_recvd.erase(it);
        Log(5, "deleted the retransmission packet to " + peer.ToString() + ".");
    }
    else
    {
        it->sent = Simulator::Now();
    }
    return true;
}

void
IkeDaemon::SweepRecvd()
{
    // sweep_recvdpkt: every counter x interval, what was last sent longer ago goes.
    Time life = m_conf.timer.counter * Interval();
    Time now = Simulator::Now();
    m_recvd.erase(std::remove_if(m_recvd.begin(),
                                 m_recvd.end(),
                                 [&](const Recvd& r)
                                 {
                                     return r.sent < now - life;
                                 }),
                  m_recvd.end());
    if (!m_recvd.empty() && m_running)
    {
        m_sweep = Simulator::Schedule(life, &IkeDaemon::SweepRecvd, this);
    }
}

void
IkeDaemon::SendWithRetry(Work& w,
                         uint32_t id,
                         bool phase1,
                         const IpsecAddress& peer,
                         const std::vector<uint8_t>& bytes,
                         uint8_t exchange,
                         uint32_t messageNumber)
{
    Retry* r = phase1 ? (FindPh1Id(id) ? &FindPh1Id(id)->retry : nullptr)
                      : (FindPh2(id) ? &FindPh2(id)->retry : nullptr);
    if (!r)
    {
        return;
    }
    Simulator::Cancel(r->timer);
    r->generation++;
    r->last = bytes;
    r->sends = 1;
    r->peer = peer;
    r->exchange = exchange;
    r->messageNumber = messageNumber;
    SendIsakmp(w, peer, bytes, exchange, messageNumber, false, PathOfHandle(id, phase1));
    uint64_t generation = r->generation;
    Ptr<IkeDaemon> self = this;
    w.outputs.push_back(
        [self, id, phase1, generation]()
        {
            self->ArmResend(id, phase1, generation);
        });
}

void
IkeDaemon::StopRetry(uint32_t id, bool phase1)
{
    Retry* r = phase1 ? (FindPh1Id(id) ? &FindPh1Id(id)->retry : nullptr)
                      : (FindPh2(id) ? &FindPh2(id)->retry : nullptr);
    if (r)
    {
        Simulator::Cancel(r->timer);
        r->generation++;
    }
}

void
IkeDaemon::ArmResend(uint32_t id, bool phase1, uint64_t generation)
{
    Retry* r = phase1 ? (FindPh1Id(id) ? &FindPh1Id(id)->retry : nullptr)
                      : (FindPh2(id) ? &FindPh2(id)->retry : nullptr);
    if (!r || r->generation != generation || !m_running)
    {
        return;
    }
    r->timer = Simulator::Schedule(Interval(), &IkeDaemon::Resend, this, id, phase1, generation);
}

void
IkeDaemon::Resend(uint32_t id, bool phase1, uint64_t generation)
{
    Run("isakmp resend",
        [this, id, phase1, generation](Work& w)
        {
            Ph1* ph1 = phase1 ? FindPh1Id(id) : nullptr;
            Ph2* ph2 = phase1 ? nullptr : FindPh2(id);
            Retry* r = ph1 ? &ph1->retry : (ph2 ? &ph2->retry : nullptr);
            if (!r || r->generation != generation)
            {
                return;
            }
            if (r->sends >= std::max<uint32_t>(1, m_conf.timer.counter))
            {
                if (ph1)
                {
                    Ph1Failed(w,
                              *ph1,
                              IkeFailure::PH1_TIMEOUT,
                              "phase1 negotiation failed due to time up. " + ph1->Describe());
                }
                else
                {
                    Ph2Failed(w,
                              *ph2,
                              IkeFailure::PH2_TIMEOUT,
                              "phase2 negotiation failed due to time up. " + ph2->Describe());
                }
                return;
            }
            r->sends++;
            m_stats.retransmissions++;
            Log(5,
                "resend phase" + std::string(phase1 ? "1 packet " : "2 packet ")
                    + (ph1 ? ph1->Describe() : ph2->Describe()));
            SendIsakmp(
                w, r->peer, r->last, r->exchange, r->messageNumber, true, PathOfHandle(id, phase1));
            Ptr<IkeDaemon> self = this;
            w.outputs.push_back(
                [self, id, phase1, generation]()
                {
                    self->ArmResend(id, phase1, generation);
                });
        });
}

IkeDaemon::Path
IkeDaemon::PathOf(const Ph1& ph1) const
{
    return Path{ph1.localPort, ph1.peerPort, ph1.marker};
}

IkeDaemon::Path
IkeDaemon::PathOfHandle(uint32_t id, bool phase1)
{
    Ph1* ph1 = phase1 ? FindPh1Id(id) : nullptr;
    if (!phase1)
    {
        Ph2* ph2 = FindPh2(id);
        ph1 = ph2 ? FindPh1Id(ph2->ph1) : nullptr;
    }
    return ph1 ? PathOf(*ph1) : Path{};
}

Time
IkeDaemon::Interval() const
{
    return m_conf.timer.interval;
}

// ---- helpers ------------------------------------------------------------------------

std::vector<uint8_t>
IkeDaemon::Random(uint32_t n)
{
    std::vector<uint8_t> b(n);
    for (uint8_t& x : b)
    {
        x = static_cast<uint8_t>(m_rng->GetInteger(0, 255));
    }
    return b;
}

void
IkeDaemon::FailNextEncryptions(uint32_t n)
{
    NS_LOG_FUNCTION(this << n);
    m_failEncryptions = n;
}

bool
IkeDaemon::Encrypt(const IkeCipherAlg& cipher,
                   const IkeBytes& key,
                   const IkeBytes& iv,
                   const IkeBytes& plain,
                   IkeBytes* out)
{
    bool ok;
    if (m_failEncryptions > 0)
    {
        m_failEncryptions--;
        ok = false;
    }
    else
    {
        ok = IkeCbcEncrypt(cipher, key, iv, plain, out);
    }
    if (!ok)
    {
        // racoon's oakley_do_encrypt; the caller sends nothing.
        m_stats.encryptFailures++;
        Log(1, "failed to encrypt.");
    }
    return ok;
}

void
IkeDaemon::Log(int level, const std::string& text)
{
    static const char* names[] = {"", "ERROR", "WARNING", "NOTIFY", "INFO", "DEBUG"};
    std::ostringstream os;
    os << names[std::min(level, 5)] << ": " << text;
    NS_LOG_INFO("node " << (GetNode() ? GetNode()->GetId() : 0) << " racoon " << os.str());
    m_logTrace(level, os.str());
}

void
IkeDaemon::Fail(IkeFailure why)
{
    m_stats.failures[static_cast<size_t>(why)]++;
}

void
IkeDaemon::Drop(IkeDrop why, int level, const std::string& text)
{
    m_stats.dropped++;
    m_stats.drops[static_cast<size_t>(why)]++;
    if (!text.empty())
    {
        Log(level, text);
    }
    static const std::vector<uint8_t> none;
    m_dropTrace(why, m_rxPeer, m_rxBytes ? *m_rxBytes : none);
}

bool
IkeDaemon::OnlyPayloads(const IsakmpMessage& m, std::initializer_list<uint8_t> allowed, size_t skip)
{
    for (size_t i = skip; i < m.payloads.size(); ++i)
    {
        uint8_t type = m.payloads[i].type;
        if (std::find(allowed.begin(), allowed.end(), type) == allowed.end())
        {
            // "We don't send information to the peer even if we received
            // malformed packet" (ident_r1recv).
            Drop(IkeDrop::UNSUPPORTED_PAYLOAD,
                 1,
                 "ignore the packet, received unexpecting payload type " + std::to_string(type)
                     + ".");
            return false;
        }
    }
    return true;
}

} // namespace ns3
