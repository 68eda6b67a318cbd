/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IkeDaemon, phase 2 (RFC 2409 section 5.5, racoon's isakmp_quick.c and
 * pfkey.c) and informational exchanges (RFC 2409 section 5.7,
 * isakmp_inf.c).
 *
 *   quick mode        initiator                         responder
 *   (ACQUIRE; phase 1; GETSPI for its inbound SAs)
 *   QM1  HDR*, HASH(1), SA, Ni [, KE], IDci, IDcr   ->
 *                                      (policy, sainfo and proposal checks;
 *                                       GETSPI for its inbound SAs)
 *   QM2                               <-   HDR*, HASH(2), SA, Nr [, KE], IDci, IDcr
 *   QM3  HDR*, HASH(3)                ->   (sent once)
 *   (each side: KEYMAT, UPDATE of its inbound SAs, ADD of its outbound ones)
 */
#include "ike-daemon-handles.h"
#include "ipsec-cpu.h"
#include "ipsec-pfkey-socket.h"
#include "ipsec-sa.h"
#include "ipsec-stack.h"
#include "ns3/log.h"
#include "ns3/simulator.h"

#include <cerrno>
#include <cstring>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IkePhase2");

namespace
{

IkeBytes
Be32(uint32_t v)
{
    return {static_cast<uint8_t>(v >> 24),
            static_cast<uint8_t>(v >> 16),
            static_cast<uint8_t>(v >> 8),
            static_cast<uint8_t>(v)};
}

IkeBytes
SpiBytes(IpsecProto p, uint32_t spi)
{
    if (p == IpsecProto::IPCOMP)
    {
        return {static_cast<uint8_t>(spi >> 8), static_cast<uint8_t>(spi)};
    }
    return Be32(spi);
}

uint8_t
IsakmpProto(IpsecProto p)
{
    switch (p)
    {
        case IpsecProto::AH:
            return isakmp::PROTO_IPSEC_AH;
        case IpsecProto::ESP:
            return isakmp::PROTO_IPSEC_ESP;
        case IpsecProto::IPCOMP:
            return isakmp::PROTO_IPCOMP;
    }
    return 0;
}

/// racoon's s_ipsecdoi_proto.
std::string
DoiProtoName(uint8_t proto)
{
    switch (proto)
    {
        case isakmp::PROTO_ISAKMP:
            return "ISAKMP";
        case isakmp::PROTO_IPSEC_AH:
            return "AH";
        case isakmp::PROTO_IPSEC_ESP:
            return "ESP";
        case isakmp::PROTO_IPCOMP:
            return "IPCOMP";
    }
    return std::to_string(proto);
}

/// racoon's s_pfkey_satype.
std::string
SaTypeName(uint8_t satype)
{
    switch (satype)
    {
        case PfKeySaType::AH:
            return "AH";
        case PfKeySaType::ESP:
            return "ESP";
        case PfKeySaType::IPCOMP:
            return "IPCOMP";
    }
    return std::to_string(satype);
}

/// The payloads after the first (the HASH), as they are on the wire.
IkeBytes
AfterHash(const IsakmpMessage& m)
{
    IsakmpMessage rest;
    rest.payloads.assign(m.payloads.begin() + 1, m.payloads.end());
    return rest.SerializePayloads();
}

/// An ID payload for one side of a selector: an address, or an address and prefix.
IsakmpId
SelectorId(const IpsecAddress& a, uint8_t prefix, uint8_t proto, uint16_t port)
{
    uint8_t p = proto == IPSEC_ULPROTO_ANY ? 0 : proto;
    if (prefix == a.GetBits())
    {
        return IsakmpId::Address(a, p, port);
    }
    return IsakmpId::Subnet(a, prefix, p, port);
}

/// The selector side an ID payload describes.
bool
IdToSide(const IsakmpId& id, IpsecAddress* a, uint8_t* prefix, uint8_t* proto, uint16_t* port)
{
    *proto = id.protocol == 0 ? IPSEC_ULPROTO_ANY : id.protocol;
    *port = id.port;
    auto read = [&](size_t n) -> bool
    {
        if (id.data.size() < n)
        {
            return false;
        }
        if (n == 4)
        {
            uint8_t b[4];
            std::copy(id.data.begin(), id.data.begin() + 4, b);
            *a = IpsecAddress(Ipv4Address::Deserialize(b));
        }
        else
        {
            uint8_t b[16];
            std::copy(id.data.begin(), id.data.begin() + 16, b);
            *a = IpsecAddress(Ipv6Address(b));
        }
        return true;
    };
    auto maskBits = [&](size_t off, size_t n)
    {
        uint8_t bits = 0;
        for (size_t i = off; i < off + n && i < id.data.size(); ++i)
        {
            for (int b = 7; b >= 0; --b)
            {
                if (id.data[i] & (1 << b))
                {
                    ++bits;
                }
            }
        }
        return bits;
    };
    switch (id.type)
    {
        case isakmp::ID_IPV4_ADDR:
            *prefix = 32;
            return id.data.size() == 4 && read(4);
        case isakmp::ID_IPV6_ADDR:
            *prefix = 128;
            return id.data.size() == 16 && read(16);
        case isakmp::ID_IPV4_ADDR_SUBNET:
            *prefix = maskBits(4, 4);
            return id.data.size() == 8 && read(4);
        case isakmp::ID_IPV6_ADDR_SUBNET:
            *prefix = maskBits(16, 16);
            return id.data.size() == 32 && read(16);
        default:
            return false;
    }
}

/// The selector of the other direction: source and destination swapped
/// (racoon's getsp_r looks up a policy's twin with it).
IpsecSelector
Reversed(IpsecSelector s)
{
    std::swap(s.src, s.dst);
    std::swap(s.prefs, s.prefd);
    std::swap(s.sport, s.dport);
    return s;
}

} // namespace

std::string
IkeDaemon::Ph2::Describe() const
{
    std::string s;
    for (const IpsecRequest& r : requests)
    {
        s += (s.empty() ? "" : "/") + IpsecProtoName(r.proto);
    }
    return s + " " + local.ToString() + "->" + peer.ToString();
}

IkeDaemon::Ph2*
IkeDaemon::FindPh2(uint32_t id)
{
    auto it = m_ph2.find(id);
    return it == m_ph2.end() ? nullptr : it->second.get();
}

void
IkeDaemon::SetPh2State(Ph2& p, IkePh2State s)
{
    IkePh2State old = p.state;
    p.state = s;
    m_ph2Trace(old, s, p.initiator, p.peer);
}

void
IkeDaemon::DeletePh2(uint32_t id)
{
    if (Ph2* p = FindPh2(id))
    {
        Simulator::Cancel(p->retry.timer);
        Simulator::Cancel(p->deadline);
        Simulator::Cancel(p->poll);
        Simulator::Cancel(p->expire);
        m_ph2.erase(id);
    }
}

void
IkeDaemon::Ph2Failed(Work& w, Ph2& p, IkeFailure why, const std::string& text)
{
    Fail(why);
    Log(1, text);
    m_negotiationTrace(2, false, why, p.peer, Simulator::Now() - p.started);
    SendErrorAcquire(w, p);
    SetPh2State(p, IkePh2State::EXPIRED);
    DeletePh2(p.id);
}

// ---- PF_KEY: ACQUIRE, GETSPI, UPDATE/ADD replies, EXPIRE -----------------------------

void
IkeDaemon::HandleAcquire(Work& w, const PfKeyMessage& m)
{
    m_stats.acquires++;
    if (!m.src || !m.dst || !m.policy)
    {
        Log(1, "an ACQUIRE without addresses or policy");
        return;
    }
    const IpsecPolicy* sp = FindPolicyById(m.policy->id);
    if (!sp || sp->action != IpsecPolicyAction::IPSEC)
    {
        Log(1, "no policy found: id:" + std::to_string(m.policy->id));
        return;
    }
    for (const auto& [id, ph2] : m_ph2)
    {
        // pk_recvacquire: only a negotiation under way holds the policy; an
        // established or expired handle (a rekey) does not.
        if (ph2->initiator && ph2->spid == sp->id && ph2->state != IkePh2State::ESTABLISHED
            && ph2->state != IkePh2State::EXPIRED)
        {
            Log(5, "ignore the acquire because ph2 found");
            return;
        }
    }
    IpsecAddress peer = m.dst->addr;
    const RacoonRemote* rm = m_conf.FindRemote(peer);
    if (!rm)
    {
        Fail(IkeFailure::NO_REMOTE);
        Log(1, "no configuration found for " + peer.ToString() + ".");
        return;
    }
    if (rm->passive)
    {
        Log(5, "because of passive mode, ignore the acquire message for " + peer.ToString());
        return;
    }
    auto ph2 = std::make_unique<Ph2>();
    Ph2& p = *ph2;
    p.id = m_nextHandle++;
    p.initiator = true;
    p.seq = m.seq;
    p.spid = sp->id;
    p.local = m.src->addr;
    p.peer = peer;
    p.selector = sp->selector;
    p.requests = sp->requests;
    {
        // getsp_r's inbound twin of the outbound policy: its reqids for the
        // inbound SAs (pr->reqid_in), the outbound policy's for the outbound.
        const IpsecPolicy* twin
            = FindPolicyBySelector(IpsecDirection::INBOUND, Reversed(sp->selector));
        for (size_t i = 0; i < sp->requests.size(); ++i)
        {
            p.reqidOut.push_back(sp->requests[i].reqid);
            p.reqidIn.push_back(twin && i < twin->requests.size() ? twin->requests[i].reqid
                                                                  : sp->requests[i].reqid);
        }
    }
    p.started = Simulator::Now();
    RacoonSainfoId local;
    local.anonymous = false;
    local.address = p.selector.src;
    local.prefix = p.selector.prefs;
    local.port = p.selector.sport;
    local.protocol = p.selector.ulproto;
    RacoonSainfoId remote = local;
    remote.address = p.selector.dst;
    remote.prefix = p.selector.prefd;
    remote.port = p.selector.dport;
    p.sainfo = m_conf.FindSainfo(local, remote);
    if (!p.sainfo)
    {
        Fail(IkeFailure::NO_SAINFO);
        Log(1,
            "failed to get sainfo for " + p.selector.src.ToString() + "->"
                + p.selector.dst.ToString() + ".");
        return;
    }
    m_stats.ph2Started++;
    uint32_t id = p.id;
    m_ph2[id] = std::move(ph2);
    SetPh2State(p, IkePh2State::START);

    // isakmp_post_acquire: quick mode at once over an established ISAKMP
    // SA, else queued behind the phase 1 under way or a new one.
    Ph1* ph1 = FindPh1ByPeer(peer, false);
    if (ph1 && ph1->Established())
    {
        p.ph1 = ph1->id;
        StartPh2(w, p);
        return;
    }
    if (!ph1)
    {
        Log(4, "IPsec-SA request for " + peer.ToString() + " queued due to no phase1 found.");
        ph1 = StartPh1(w, peer, *rm);
    }
    else
    {
        Log(4, "request for establishing IPsec-SA was queued due to no phase1 found.");
    }
    ph1->waiting.push_back(id);
    SetPh2State(p, IkePh2State::STATUS);
    // isakmp_chkph1there: poll once a second for phase1 seconds.
    p.poll = Simulator::Schedule(Seconds(1), &IkeDaemon::PollPh1, this, id);
}

void
IkeDaemon::PollPh1(uint32_t ph2Id)
{
    Run("check phase1",
        [this, ph2Id](Work& w)
        {
            Ph2* p = FindPh2(ph2Id);
            if (!p || p->state != IkePh2State::STATUS)
            {
                return;
            }
            if (Ph1* ph1 = FindPh1ByPeer(p->peer, true))
            {
                p->ph1 = ph1->id;
                StartPh2(w, *p);
                return;
            }
            p->polls++;
            if (Seconds(p->polls) >= m_conf.timer.phase1)
            {
                Ph2Failed(w,
                          *p,
                          IkeFailure::PH1_WAIT_TIMEOUT,
                          "phase2 negotiation failed due to time up waiting for phase1. "
                              + p->Describe());
                return;
            }
            p->poll = Simulator::Schedule(Seconds(1), &IkeDaemon::PollPh1, this, ph2Id);
        });
}

void
IkeDaemon::StartPh2(Work& w, Ph2& p)
{
    // quick_i1prep / quick_r1prep: our inbound SPIs first (larval SAs; the
    // larval clock runs from here), and the phase2 deadline.
    if (p.initiator)
    {
        Log(4, "initiate new phase 2 negotiation: " + p.Describe());
    }
    p.mySpis.assign(p.initiator ? p.requests.size() : p.chosen.sas.size(), 0);
    p.spisPending = static_cast<uint32_t>(p.mySpis.size());
    if (!p.initiator)
    {
        p.seq = 0x80000000u | ++m_pfkeySeq;
    }
    for (size_t i = 0; i < p.mySpis.size(); ++i)
    {
        IpsecProto proto = p.initiator ? p.requests[i].proto : p.chosen.sas[i].proto;
        IpsecMode mode = p.initiator ? p.requests[i].mode : p.chosen.sas[i].mode;
        PfKeyMessage m(PfKeyType::GETSPI, PfKeySaTypeOf(proto), p.seq);
        PfKeyAddress src;
        src.addr = p.peer;
        src.prefixlen = p.peer.GetBits();
        PfKeyAddress dst;
        dst.addr = p.local;
        dst.prefixlen = p.local.GetBits();
        m.src = src;
        m.dst = dst;
        PfKeySa2 sa2;
        sa2.mode = static_cast<uint8_t>(mode == IpsecMode::TUNNEL ? IpsecMode::TUNNEL
                                                                  : IpsecMode::TRANSPORT);
        // pk_sendgetspi: the inbound policy's reqid (pr->reqid_in), as UPDATE
        // sends it; otherwise the larval SA's head is not the one UPDATE looks for.
        sa2.reqid = i < p.reqidIn.size() ? p.reqidIn[i] : 0;
        m.sa2 = sa2;
        // pk_sendgetspi (pfkey_send_getspi_nat): the NAT-T type and ports of
        // a UDP-encapsulated SA.
        Ph1* ph1 = FindPh1Id(p.ph1);
        bool udp = p.initiator ? (ph1 && NatDetected(*ph1)) : p.chosen.sas[i].udpEncap;
        if (udp && ph1)
        {
            m.nattType = IpsecSaParams::UDP_ENCAP_ESPINUDP;
            m.nattSport = ph1->peerPort;
            m.nattDport = ph1->localPort;
        }
        if (proto == IpsecProto::IPCOMP)
        {
            PfKeySpiRange r;
            r.min = 0x100;
            r.max = 0xffff;
            m.spirange = r;
        }
        SendPfKey(w, m);
    }
    SetPh2State(p, IkePh2State::GETSPISENT);
    uint32_t id = p.id;
    Simulator::Cancel(p.deadline);
    p.deadline = Simulator::Schedule(
        m_conf.timer.phase2,
        [this, id]()
        {
            Run("quick timeover",
                [this, id](Work& w)
                {
                    if (Ph2* q = FindPh2(id); q && q->state != IkePh2State::ESTABLISHED)
                    {
                        StopRetry(id, false);
                        Ph2Failed(w,
                                  *q,
                                  IkeFailure::PH2_DEADLINE,
                                  "give up to get IPsec-SA due to time up to wait. "
                                      + q->Describe());
                    }
                });
        });
}

void
IkeDaemon::HandleGetSpi(Work& w, const PfKeyMessage& m)
{
    for (auto& [id, ph2] : m_ph2)
    {
        Ph2& p = *ph2;
        if (p.seq != m.seq || p.state != IkePh2State::GETSPISENT)
        {
            continue;
        }
        if (m.errnum != 0 || !m.sa)
        {
            Ph2Failed(w,
                      p,
                      IkeFailure::LARVAL_EXPIRED,
                      "pfkey GETSPI failed: " + std::string(std::strerror(m.errnum)));
            return;
        }
        for (size_t i = 0; i < p.mySpis.size(); ++i)
        {
            IpsecProto proto = p.initiator ? p.requests[i].proto : p.chosen.sas[i].proto;
            if (p.mySpis[i] == 0 && PfKeySaTypeOf(proto) == m.satype)
            {
                p.mySpis[i] = m.sa->spi;
                p.spisPending--;
                Log(5,
                    "pfkey GETSPI succeeded: " + IpsecProtoName(proto)
                        + " spi=" + std::to_string(m.sa->spi));
                break;
            }
        }
        if (p.spisPending == 0)
        {
            SetPh2State(p, IkePh2State::GETSPIDONE);
            if (p.initiator)
            {
                SendQuick1(w, p);
            }
            else
            {
                SendQuick2(w, p);
            }
        }
        return;
    }
}

void
IkeDaemon::HandleUpdateAddReply(Work& w, const PfKeyMessage& m)
{
    for (auto& [id, ph2] : m_ph2)
    {
        Ph2& p = *ph2;
        if (p.seq != m.seq || p.updatesPending == 0 || p.state != IkePh2State::ADDSA)
        {
            continue;
        }
        p.updatesPending--;
        bool update = m.GetType() == PfKeyType::UPDATE;
        if (m.errnum != 0)
        {
            // pk_recvupdate / pk_recvadd: the kernel refused the SA.  An
            // UPDATE refused with ENOENT: the larval SA expired meanwhile
            // (net.key.larval_lifetime).
            p.updateError = p.updateError ? p.updateError : m.errnum;
            Log(1,
                std::string("pfkey ") + (update ? "UPDATE" : "ADD")
                    + " failed: " + std::strerror(m.errnum));
        }
        else
        {
            m_stats.saInstalled++;
            Log(5,
                std::string("pfkey ") + (update ? "UPDATE" : "ADD") + " succeeded: spi="
                    + std::to_string(m.sa ? m.sa->spi : 0) + " " + p.Describe());
        }
        if (p.updatesPending > 0)
        {
            return;
        }
        if (p.updateError)
        {
            IkeFailure f = p.updateError == ENOENT ? IkeFailure::LARVAL_EXPIRED
                                                   : IkeFailure::PH2_NO_PROPOSAL;
            Fail(f);
            m_negotiationTrace(2, false, f, p.peer, Simulator::Now() - p.started);
            SetPh2State(p, IkePh2State::EXPIRED);
            DeletePh2(id);
            return;
        }
        SetPh2State(p, IkePh2State::ESTABLISHED);
        m_stats.ph2Established++;
        m_negotiationTrace(2, true, IkeFailure::COUNT, p.peer, Simulator::Now() - p.started);
        Log(4, "IPsec-SA established: " + p.chosen.ToString() + " " + p.Describe());
        // isakmp_ph2expire: racoon's own clock drops the handle at the end of
        // the SAs' lifetime (KAME's key engine sends no hard EXPIRE; the SAs
        // die silently), so rekeyed handles do not pile up.
        Time life = Seconds(p.chosen.lifeSeconds ? p.chosen.lifeSeconds : 28800);
        uint32_t handle = p.id;
        p.expire = Simulator::Schedule(life,
                                       [this, handle]()
                                       {
                                           Run("phase2 expire",
                                               [this, handle](Work&)
                                               {
                                                   if (Ph2* q = FindPh2(handle))
                                                   {
                                                       Log(4, "phase2 sa expired " + q->Describe());
                                                       SetPh2State(*q, IkePh2State::EXPIRED);
                                                       DeletePh2(handle);
                                                   }
                                               });
                                       });
        (void) w;
        return;
    }
}

void
IkeDaemon::HandleExpire(Work& w, const PfKeyMessage& m)
{
    if (!m.sa)
    {
        return;
    }
    bool hard = m.hard.has_value();
    for (auto& [id, ph2] : m_ph2)
    {
        Ph2& p = *ph2;
        bool mine = std::find(p.mySpis.begin(), p.mySpis.end(), m.sa->spi) != p.mySpis.end();
        bool theirs = false;
        for (const IkePh2Sa& s : p.chosen.sas)
        {
            theirs = theirs || s.spi == m.sa->spi;
        }
        if (!mine && !theirs)
        {
            continue;
        }
        Log(4,
            std::string("IPsec-SA expired: ") + (hard ? "hard " : "soft ")
                + "spi=" + std::to_string(m.sa->spi) + " " + p.Describe());
        if (!hard)
        {
            if (p.initiator && p.state == IkePh2State::ESTABLISHED && !p.rekey)
            {
                // The initiator renegotiates at the soft expiry; the old SAs
                // carry traffic until their hard expiry.
                p.rekey = true;
                m_stats.rekeys++;
                PfKeyMessage acq(PfKeyType::ACQUIRE, m.satype, 0);
                acq.src = PfKeyAddress{IPSEC_ULPROTO_ANY, p.local.GetBits(), p.local, 0};
                acq.dst = PfKeyAddress{IPSEC_ULPROTO_ANY, p.peer.GetBits(), p.peer, 0};
                PfKeyPolicy pol;
                pol.id = p.spid;
                pol.type = static_cast<uint16_t>(IpsecPolicyAction::IPSEC);
                acq.policy = pol;
                uint32_t old = id;
                p.state = IkePh2State::EXPIRED; // no longer blocks a new negotiation
                HandleAcquire(w, acq);
                if (Ph2* q = FindPh2(old))
                {
                    q->state = IkePh2State::ESTABLISHED;
                }
            }
            return;
        }
        if (mine)
        {
            // racoon deletes the expired SA's handle and tells the peer.
            SendPh2Delete(w, p, m.sa->spi);
            DeletePh2(id);
        }
        return;
    }
}

void
IkeDaemon::SendPh2Delete(Work& w, const Ph2& p, std::optional<uint32_t> spi)
{
    // isakmp_info_send_d2: one informational exchange per SA, carrying the
    // SPI of our inbound SA (the peer's outbound one), and only over an
    // ISAKMP-SA that already exists (never a phase 1 just to say this).
    Ph1* ph1 = FindPh1ByPeer(p.peer, true);
    if (!ph1)
    {
        return;
    }
    for (size_t i = 0; i < p.chosen.sas.size() && i < p.mySpis.size(); ++i)
    {
        if (spi && p.mySpis[i] != *spi)
        {
            continue;
        }
        IsakmpDelete d;
        d.protocol = IsakmpProto(p.chosen.sas[i].proto);
        d.spiSize = p.chosen.sas[i].proto == IpsecProto::IPCOMP ? 2 : 4;
        d.spis.push_back(SpiBytes(p.chosen.sas[i].proto, p.mySpis[i]));
        IsakmpPayload pl{isakmp::PL_DELETE, d.Encode()};
        SendIsakmp(
            w, p.peer, EncryptedInfo(w, *ph1, pl), isakmp::EXCH_INFO, 0, false, PathOf(*ph1));
        m_stats.deletesSent++;
        Log(4, "sendto Information delete: " + p.Describe());
    }
}

void
IkeDaemon::HandleSaDelete(Work& w, const PfKeyMessage& m)
{
    // pk_recvdelete: an SA of ours deleted by someone else (setkey, the
    // kernel); the peer is told, the handle goes.  Our own DELETEs (after
    // the peer's informational DELETE) are not interesting.
    if (m.pid == m_pid || m.errnum != 0 || !m.sa || !m.src || !m.dst)
    {
        return;
    }
    for (auto& [id, ph2] : m_ph2)
    {
        Ph2& p = *ph2;
        bool match = false;
        for (size_t i = 0; i < p.chosen.sas.size(); ++i)
        {
            bool inbound = i < p.mySpis.size() && p.mySpis[i] == m.sa->spi && m.src->addr == p.peer
                        && m.dst->addr == p.local;
            bool outbound = p.chosen.sas[i].spi == m.sa->spi && m.src->addr == p.local
                         && m.dst->addr == p.peer;
            match = match || inbound || outbound;
        }
        if (!match)
        {
            continue;
        }
        Log(1,
            "pfkey DELETE received: " + SaTypeName(m.satype) + " " + m.src->addr.ToString()
                + "[0]->" + m.dst->addr.ToString() + "[0] spi=" + std::to_string(m.sa->spi));
        if (p.state == IkePh2State::ESTABLISHED)
        {
            SendPh2Delete(w, p, std::nullopt);
        }
        DeletePh2(id);
        return;
    }
}

void
IkeDaemon::PurgeIpsecSpi(Work& w, Ph1& ph1, const IsakmpDelete& d)
{
    // purge_ipsec_spi: the peer deleted its inbound SAs, so ours towards it
    // go as well, with their phase-2 handle.
    uint8_t satype = d.protocol == isakmp::PROTO_IPSEC_AH ? PfKeySaType::AH
                   : d.protocol == isakmp::PROTO_IPCOMP   ? PfKeySaType::IPCOMP
                                                          : PfKeySaType::ESP;
    for (const auto& spiBytes : d.spis)
    {
        uint32_t spi = 0;
        for (uint8_t b : spiBytes)
        {
            spi = (spi << 8) | b;
        }
        PfKeyMessage del(PfKeyType::DELETE, satype, ++m_pfkeySeq);
        PfKeySa sa;
        sa.spi = spi;
        del.sa = sa;
        del.src = PfKeyAddress{IPSEC_ULPROTO_ANY, ph1.local.GetBits(), ph1.local, 0};
        del.dst = PfKeyAddress{IPSEC_ULPROTO_ANY, ph1.peer.GetBits(), ph1.peer, 0};
        SendPfKey(w, del);
        bool known = false;
        for (auto& [id, ph2] : m_ph2)
        {
            bool theirs = false;
            for (const IkePh2Sa& s : ph2->chosen.sas)
            {
                theirs = theirs || (s.spi == spi && IsakmpProto(s.proto) == d.protocol);
            }
            if (theirs && ph2->peer == ph1.peer && ph2->state == IkePh2State::ESTABLISHED)
            {
                DeletePh2(id);
                known = true;
                break;
            }
        }
        m_stats.deletesReceived++;
        // racoon names only the SAs it found (its SADB dump); the daemon
        // knows those it negotiated.
        Log(known ? 4 : 5,
            std::string(known ? "purged IPsec-SA" : "DELETE for no SA of ours:")
                + " proto_id=" + DoiProtoName(d.protocol) + " spi=" + std::to_string(spi) + ".");
    }
}

void
IkeDaemon::RecvInitialContact(Work& w, Ph1& ph1)
{
    // info_recv_initialcontact: the peer has no SAs with us any more (it
    // rebooted), so the established SAs between the two addresses go, both
    // ways, with their handles; larval SAs of a quick mode under way and the
    // ISAKMP SA stay.  (racoon finds them in an SADB dump; the daemon knows
    // them from its established handles.)
    std::vector<uint32_t> gone;
    for (auto& [id, ph2] : m_ph2)
    {
        Ph2& p = *ph2;
        if (p.peer != ph1.peer || p.state != IkePh2State::ESTABLISHED)
        {
            continue;
        }
        if (NatDetected(ph1))
        {
            // With a NAT detected racoon compares the SAs' addresses with
            // their ports (CMPSADDR): hosts behind one NAT share its
            // address, and one's INITIAL-CONTACT must not purge another's.
            const Ph1* mine = FindPh1Id(p.ph1);
            if (!mine || mine->peerPort != ph1.peerPort)
            {
                continue;
            }
        }
        for (size_t i = 0; i < p.chosen.sas.size() && i < p.mySpis.size(); ++i)
        {
            uint8_t satype = PfKeySaTypeOf(p.chosen.sas[i].proto);
            for (bool inbound : {true, false})
            {
                PfKeyMessage del(PfKeyType::DELETE, satype, ++m_pfkeySeq);
                PfKeySa sa;
                sa.spi = inbound ? p.mySpis[i] : p.chosen.sas[i].spi;
                del.sa = sa;
                const IpsecAddress& src = inbound ? p.peer : p.local;
                const IpsecAddress& dst = inbound ? p.local : p.peer;
                del.src = PfKeyAddress{IPSEC_ULPROTO_ANY, src.GetBits(), src, 0};
                del.dst = PfKeyAddress{IPSEC_ULPROTO_ANY, dst.GetBits(), dst, 0};
                SendPfKey(w, del);
                Log(4, "purging spi=" + std::to_string(sa.spi) + ".");
            }
        }
        gone.push_back(id);
    }
    for (uint32_t id : gone)
    {
        DeletePh2(id);
    }
    m_stats.initialContactsReceived++;
}

void
IkeDaemon::PurgeIsakmpSpi(const IsakmpDelete& d)
{
    // purge_isakmp_spi: the SPI is the pair of cookies.
    for (const auto& spi : d.spis)
    {
        if (spi.size() != 16)
        {
            continue;
        }
        std::array<uint8_t, 8> ic;
        std::array<uint8_t, 8> rc;
        std::copy(spi.begin(), spi.begin() + 8, ic.begin());
        std::copy(spi.begin() + 8, spi.end(), rc.begin());
        Ph1* ph1 = FindPh1(ic, rc);
        if (!ph1)
        {
            continue;
        }
        m_stats.deletesReceived++;
        Log(4, "purged ISAKMP-SA proto_id=ISAKMP spi=" + ph1->Cookies() + ".");
        StopRetry(ph1->id, true);
        Simulator::Cancel(ph1->expire);
        SetPh1State(*ph1, IkePh1State::EXPIRED);
        m_ph1.erase(ph1->id);
    }
}

// ---- quick mode: the initiator -----------------------------------------------------------

void
IkeDaemon::SendQuick1(Work& w, Ph2& p)
{
    Ph1* ph1 = FindPh1Id(p.ph1);
    if (!ph1 || !ph1->Established())
    {
        Ph2Failed(w, p, IkeFailure::PH1_WAIT_TIMEOUT, "the ISAKMP-SA is gone: " + p.Describe());
        return;
    }
    if (p.messageId == 0)
    {
        p.messageId = NewMessageId();
    }
    p.offered = IkePhase2Proposals(p.requests, *p.sainfo, p.mySpis);
    if (p.offered.empty())
    {
        Ph2Failed(w, p, IkeFailure::NO_SAINFO, "failed to create saprop: " + p.Describe());
        return;
    }
    if (NatDetected(*ph1))
    {
        // ipsecdoi_setph2proposal: tunnel -> UDP-tunnel, transport -> UDP-transport.
        for (IkePh2Proposal& alt : p.offered)
        {
            for (IkePh2Sa& sa : alt.sas)
            {
                uint16_t mode = sa.mode == IpsecMode::TUNNEL ? isakmp::IPSEC_ENC_MODE_TUNNEL
                                                             : isakmp::IPSEC_ENC_MODE_TRANSPORT;
                Log(4,
                    "NAT detected -> UDP encapsulation (ENC_MODE " + std::to_string(mode) + "->"
                        + std::to_string(mode + ph1->natt.ModeDiff()) + ").");
                sa.udpEncap = true;
            }
        }
    }
    p.ni = Random(ph1->rm ? ph1->rm->nonceSize : 16);
    std::vector<IsakmpPayload> payloads;
    payloads.push_back({isakmp::PL_SA, IkeEncodePhase2(p.offered, ph1->natt.ModeDiff()).Encode()});
    payloads.push_back({isakmp::PL_NONCE, p.ni});
    if (uint16_t g = p.offered[0].pfsGroup)
    {
        const IkeDhGroup* group = IkeDhGroup::ById(g);
        p.dh = std::make_unique<IkeDh>(*group, Random(group->bits / 8), m_exponentBits);
        w.ChargeModexp(group->bits, p.dh->GetExponentBits());
        payloads.push_back({isakmp::PL_KE, p.dh->GetPublic()});
    }
    p.idci = SelectorId(p.selector.src, p.selector.prefs, p.selector.ulproto, p.selector.sport)
                 .Encode();
    p.idcr = SelectorId(p.selector.dst, p.selector.prefd, p.selector.ulproto, p.selector.dport)
                 .Encode();
    payloads.push_back({isakmp::PL_ID, p.idci});
    payloads.push_back({isakmp::PL_ID, p.idcr});
    // quick_i1send: NAT-OAi (our address) and NAT-OAr (the peer's as we see
    // it) with UDP-Encapsulated-Transport (RFC 3947 section 5.2).
    AddNatOa(payloads, *ph1, p, p.local, p.peer);
    IsakmpMessage rest;
    rest.payloads = payloads;
    IkeBytes restBytes = rest.SerializePayloads();
    IkeBytes hash = IkeHash1(*ph1->hash, ph1->keys.skeyidA, p.messageId, restBytes);
    w.ChargePrf(*ph1->hash, static_cast<uint32_t>(4 + restBytes.size()));
    p.iv = IkePhase2Iv(*ph1->hash, *ph1->cipher, ph1->iv, p.messageId);
    w.ChargeHash(*ph1->hash, 12);
    std::vector<uint8_t> bytes
        = Ph2Message(w, *ph1, p.messageId, p.iv, isakmp::EXCH_QUICK, payloads, hash);
    if (bytes.empty())
    {
        Ph2Failed(w, p, IkeFailure::ENCRYPT_FAILED, "failed to begin ipsec sa negotiation.");
        return;
    }
    SendWithRetry(w, p.id, false, p.peer, bytes, isakmp::EXCH_QUICK, 1);
    SetPh2State(p, IkePh2State::MSG1SENT);
}

// ---- quick mode: messages ---------------------------------------------------------------

void
IkeDaemon::HandlePh2(Work& w, Ph1& ph1, const IsakmpMessage& hm, const std::vector<uint8_t>& raw)
{
    Ph2* found = nullptr;
    for (auto& [id, ph2] : m_ph2)
    {
        if (ph2->ph1 == ph1.id && ph2->messageId == hm.header.messageId)
        {
            found = ph2.get();
        }
    }
    if (!found)
    {
        RespondPh2(w, ph1, hm, raw);
        return;
    }
    Ph2& p = *found;
    if (raw == p.lastReceived)
    {
        // Not answered yet (the reply waits for our SPIs), or no longer
        // (racoon's recvdpkt entry expired): quick_main ignores it.
        Drop(IkeDrop::DUPLICATE, 0, "");
        return;
    }
    if (p.state != IkePh2State::MSG1SENT)
    {
        // quick_main: "ignore a packet" while waiting for SPIs or once established.
        Drop(IkeDrop::UNEXPECTED,
             5,
             "unexpected quick mode message in state " + IkePh2StateName(p.state) + ": "
                 + p.Describe());
        return;
    }
    if (!(hm.header.flags & isakmp::FLAG_ENC))
    {
        Drop(IkeDrop::UNEXPECTED, 1, "Packet wasn't encrypted.");
        return;
    }
    IkeBytes iv = p.iv;
    IsakmpMessage m;
    if (!DecryptPh2(w, ph1, raw, iv, &m))
    {
        Fail(IkeFailure::MALFORMED);
        Drop(IkeDrop::UNDECRYPTABLE,
             1,
             "failed to decrypt or parse a quick mode message: " + p.Describe());
        return;
    }
    if (!HashFirst(m))
    {
        return;
    }
    const IkeBytes& hash = m.payloads[0].body;
    // quick_i2recv / quick_r3recv: a HASH that does not verify ends the
    // phase 2 (INVALID-HASH-INFORMATION to the peer, the handle deleted).
    auto badHash = [&](const std::string& text)
    {
        Fail(IkeFailure::PH2_AUTH_FAILED);
        SendNotify(w, &ph1, ph1.peer, hm.header, isakmp::N_INVALID_HASH_INFORMATION);
        Drop(IkeDrop::BAD_HASH, 1, text);
        Log(1, "phase2 negotiation failed.");
        m_negotiationTrace(
            2, false, IkeFailure::PH2_AUTH_FAILED, p.peer, Simulator::Now() - p.started);
        StopRetry(p.id, false);
        SetPh2State(p, IkePh2State::EXPIRED);
        DeletePh2(p.id);
    };
    if (p.initiator)
    {
        // QM2: HASH(2), SA, Nr [, KE], IDci, IDcr [, NAT-OAi, NAT-OAr].
        if (!OnlyPayloads(m,
                          {isakmp::PL_SA,
                           isakmp::PL_NONCE,
                           isakmp::PL_KE,
                           isakmp::PL_ID,
                           isakmp::PL_NOTIFY,
                           NatOaType(ph1)},
                          1))
        {
            return;
        }
        const IsakmpPayload* sa = m.Find(isakmp::PL_SA);
        const IsakmpPayload* nonce = m.Find(isakmp::PL_NONCE);
        if (!sa || !nonce)
        {
            Drop(IkeDrop::BAD_PAYLOAD, 1, "few isakmp message received.");
            return;
        }
        IkeBytes restBytes = AfterHash(m);
        IkeBytes expect = IkeQuickHash2(*ph1.hash, ph1.keys.skeyidA, p.messageId, p.ni, restBytes);
        w.ChargePrf(*ph1.hash, static_cast<uint32_t>(4 + p.ni.size() + restBytes.size()));
        if (expect != hash)
        {
            badHash("HASH(2) mismatch.");
            return;
        }
        IsakmpSa chosenSa;
        std::vector<IkePh2Proposal> alts;
        std::string why;
        if (!IsakmpSa::Decode(sa->body, &chosenSa, &why) || !IkeDecodePhase2(chosenSa, &alts, &why)
            || alts.size() != 1)
        {
            Ph2Failed(w, p, IkeFailure::PH2_NO_PROPOSAL, "invalid SA in QM2: " + why);
            return;
        }
        // It must be one of our alternatives (the responder's SPIs in it).
        IkePh2Proposal picked;
        if (!IkeSelectPhase2(alts, p.offered, "obey", &picked, &why))
        {
            Ph2Failed(w,
                      p,
                      IkeFailure::PH2_NO_PROPOSAL,
                      "the responder chose a proposal we did not offer");
            return;
        }
        // quick_i2recv: the first NAT-OA is natoa_src, the second natoa_dst.
        std::optional<IpsecAddress> oa[2];
        if (!ReadNatOa(m, ph1, oa))
        {
            return;
        }
        p.natoaSrc = oa[0];
        p.natoaDst = oa[1];
        m_messageTrace(Direction::RECEIVED, p.peer, isakmp::EXCH_QUICK, 2, raw.size(), false);
        StopRetry(p.id, false);
        p.iv = iv;
        p.lastReceived = raw;
        p.lastReply.clear(); // the reply to it, if any, is set when sent
        p.chosen = alts[0];
        p.nr = nonce->body;
        if (p.dh)
        {
            const IsakmpPayload* ke = m.Find(isakmp::PL_KE);
            if (!ke || !p.dh->ComputeShared(ke->body, &p.gxyQm))
            {
                Ph2Failed(w, p, IkeFailure::PH2_NO_PROPOSAL, "no valid KE in QM2 with PFS");
                return;
            }
            w.ChargeModexp(p.dh->GetGroup().bits, p.dh->GetExponentBits());
        }
        // QM3: HASH(3), sent once.
        IkeBytes hash3 = IkeQuickHash3(*ph1.hash, ph1.keys.skeyidA, p.messageId, p.ni, p.nr);
        w.ChargePrf(*ph1.hash, static_cast<uint32_t>(5 + p.ni.size() + p.nr.size()));
        std::vector<uint8_t> bytes
            = Ph2Message(w, ph1, p.messageId, p.iv, isakmp::EXCH_QUICK, {}, hash3);
        if (bytes.empty())
        {
            Ph2Failed(w, p, IkeFailure::ENCRYPT_FAILED, "phase2 negotiation failed.");
            return;
        }
        p.lastReply = bytes;
        p.lastReplyNumber = 3;
        AddRecvd(raw, p.peer, bytes, isakmp::EXCH_QUICK, 3, PathOf(ph1));
        SendIsakmp(w, p.peer, bytes, isakmp::EXCH_QUICK, 3, false, PathOf(ph1));
        InstallSas(w, p);
        return;
    }
    {
        // QM3: HASH(3).
        if (!OnlyPayloads(m, {isakmp::PL_NOTIFY}, 1))
        {
            return;
        }
        IkeBytes expect = IkeQuickHash3(*ph1.hash, ph1.keys.skeyidA, p.messageId, p.ni, p.nr);
        w.ChargePrf(*ph1.hash, static_cast<uint32_t>(5 + p.ni.size() + p.nr.size()));
        if (expect != hash)
        {
            badHash("HASH(3) mismatch.");
            return;
        }
        m_messageTrace(Direction::RECEIVED, p.peer, isakmp::EXCH_QUICK, 3, raw.size(), false);
        StopRetry(p.id, false);
        p.iv = iv;
        p.lastReceived = raw;
        p.lastReply.clear(); // the reply to it, if any, is set when sent
        InstallSas(w, p);
    }
}

// ---- quick mode: the responder --------------------------------------------------------

void
IkeDaemon::RespondPh2(Work& w, Ph1& ph1, const IsakmpMessage& hm, const std::vector<uint8_t>& raw)
{
    // quick_r1recv; what it refuses with a notification type,
    // isakmp_ph2begin_r tells the peer (encrypted: phase 1 is established).
    auto notify = [&](uint16_t type)
    {
        SendNotify(w, &ph1, ph1.peer, hm.header, type);
    };
    if (!(hm.header.flags & isakmp::FLAG_ENC))
    {
        notify(isakmp::N_PAYLOAD_MALFORMED);
        Drop(IkeDrop::UNEXPECTED, 1, "Packet wasn't encrypted.");
        return;
    }
    if (hm.header.messageId == 0)
    {
        Drop(IkeDrop::BAD_HEADER,
             1,
             "a quick mode message without a message id from " + ph1.peer.ToString());
        return;
    }
    IkeBytes iv = IkePhase2Iv(*ph1.hash, *ph1.cipher, ph1.iv, hm.header.messageId);
    w.ChargeHash(*ph1.hash, 12);
    IsakmpMessage m;
    if (!DecryptPh2(w, ph1, raw, iv, &m))
    {
        // (also a reply to a quick mode this side already gave up)
        Drop(IkeDrop::UNDECRYPTABLE,
             1,
             "failed to decrypt or parse QM1 from " + ph1.peer.ToString());
        return;
    }
    if (!HashFirst(m))
    {
        return;
    }
    if (!OnlyPayloads(m,
                      {isakmp::PL_SA,
                       isakmp::PL_NONCE,
                       isakmp::PL_KE,
                       isakmp::PL_ID,
                       isakmp::PL_NOTIFY,
                       NatOaType(ph1)},
                      1))
    {
        notify(isakmp::N_PAYLOAD_MALFORMED);
        return;
    }
    // quick_r1recv: the first NAT-OA is natoa_dst (the initiator's), the
    // second natoa_src; a third is malformed.
    std::optional<IpsecAddress> natoa[2];
    if (!ReadNatOa(m, ph1, natoa))
    {
        notify(isakmp::N_PAYLOAD_MALFORMED);
        return;
    }
    const IsakmpPayload* sa = m.Find(isakmp::PL_SA);
    const IsakmpPayload* nonce = m.Find(isakmp::PL_NONCE);
    std::vector<const IsakmpPayload*> ids = m.FindAll(isakmp::PL_ID);
    if (!sa || !nonce)
    {
        notify(isakmp::N_PAYLOAD_MALFORMED);
        Drop(IkeDrop::BAD_PAYLOAD, 1, "few isakmp message received.");
        return;
    }
    if (ids.size() > 2)
    {
        notify(isakmp::N_INVALID_ID_INFORMATION);
        Drop(IkeDrop::BAD_PAYLOAD, 1, "received too many ID payloads.");
        return;
    }
    IkeBytes restBytes = AfterHash(m);
    IkeBytes expect = IkeHash1(*ph1.hash, ph1.keys.skeyidA, hm.header.messageId, restBytes);
    w.ChargePrf(*ph1.hash, static_cast<uint32_t>(4 + restBytes.size()));
    if (expect != m.payloads[0].body)
    {
        Fail(IkeFailure::PH2_AUTH_FAILED);
        notify(isakmp::N_INVALID_HASH_INFORMATION);
        Drop(IkeDrop::BAD_HASH, 1, "HASH(1) mismatch.");
        return;
    }
    m_messageTrace(Direction::RECEIVED, ph1.peer, isakmp::EXCH_QUICK, 1, raw.size(), false);
    auto refuse = [&](IkeFailure f, IkeDrop d, const std::string& text)
    {
        Fail(f);
        m_negotiationTrace(2, false, f, ph1.peer, Seconds(0));
        notify(isakmp::N_NO_PROPOSAL_CHOSEN);
        Drop(d, 1, text);
    };
    std::string why;
    IsakmpSa offeredSa;
    std::vector<IkePh2Proposal> offered;
    if (!IsakmpSa::Decode(sa->body, &offeredSa, &why)
        || !IkeDecodePhase2(offeredSa, &offered, &why))
    {
        Log(1, "invalid SA payload in QM1 from " + ph1.peer.ToString() + ": " + why);
        refuse(IkeFailure::PH2_NO_PROPOSAL, IkeDrop::BAD_PROPOSAL, "no proposal chosen.");
        return;
    }
    // The selectors: from the IDs, or the phase-1 addresses.
    IpsecSelector sel; // as the initiator's outbound policy (our inbound) has it
    sel.src = ph1.peer;
    sel.dst = ph1.local;
    sel.prefs = ph1.peer.GetBits();
    sel.prefd = ph1.local.GetBits();
    if (!ids.empty())
    {
        IsakmpId ci;
        IsakmpId cr;
        uint8_t proto = IPSEC_ULPROTO_ANY;
        uint8_t proto2 = IPSEC_ULPROTO_ANY;
        if (ids.size() != 2 || !IsakmpId::Decode(ids[0]->body, &ci, &why)
            || !IsakmpId::Decode(ids[1]->body, &cr, &why)
            || !IdToSide(ci, &sel.src, &sel.prefs, &proto, &sel.sport)
            || !IdToSide(cr, &sel.dst, &sel.prefd, &proto2, &sel.dport))
        {
            Fail(IkeFailure::MALFORMED);
            notify(isakmp::N_INVALID_ID_INFORMATION);
            Drop(IkeDrop::BAD_PAYLOAD, 1, "invalid ID payloads in QM1 from " + ph1.peer.ToString());
            return;
        }
        sel.ulproto = proto;
    }
    // racoon's getsp_r: our inbound policy for these selectors, and the outbound twin.
    const IpsecPolicy* in = FindPolicyBySelector(IpsecDirection::INBOUND, sel);
    IpsecSelector rev = Reversed(sel);
    const IpsecPolicy* out = FindPolicyBySelector(IpsecDirection::OUTBOUND, rev);
    if (!in || !out)
    {
        refuse(IkeFailure::NO_POLICY,
               IkeDrop::NO_CONFIG,
               "no policy found: " + sel.src.ToString() + "/" + std::to_string(sel.prefs) + " "
                   + sel.dst.ToString() + "/" + std::to_string(sel.prefd));
        return;
    }
    RacoonSainfoId local;
    local.anonymous = false;
    local.address = sel.dst;
    local.prefix = sel.prefd;
    local.port = sel.dport;
    local.protocol = sel.ulproto;
    RacoonSainfoId remote = local;
    remote.address = sel.src;
    remote.prefix = sel.prefs;
    remote.port = sel.sport;
    const RacoonSainfo* si = m_conf.FindSainfo(local, remote);
    if (!si)
    {
        refuse(IkeFailure::NO_SAINFO, IkeDrop::NO_CONFIG, "failed to get sainfo.");
        return;
    }
    std::vector<IkePh2Proposal> mine
        = IkePhase2Proposals(in->requests, *si, std::vector<uint32_t>(in->requests.size(), 0));
    if (NatDetected(ph1))
    {
        // cmpsaprop_alloc: with NAT detected the peer's UDP-encapsulated
        // modes count as their plain ones (its plain ones still match).
        std::vector<IkePh2Proposal> udp = mine;
        for (IkePh2Proposal& alt : udp)
        {
            for (IkePh2Sa& sa : alt.sas)
            {
                sa.udpEncap = true;
            }
        }
        mine.insert(mine.begin(), udp.begin(), udp.end());
    }
    IkePh2Proposal chosen;
    if (!IkeSelectPhase2(offered, mine, ph1.rm ? ph1.rm->proposalCheck : "strict", &chosen, &why))
    {
        Log(1, why + ".");
        refuse(IkeFailure::PH2_NO_PROPOSAL, IkeDrop::BAD_PROPOSAL, "no proposal chosen.");
        Log(1, "failed to pre-process ph2 packet.");
        return;
    }
    const IsakmpPayload* ke = m.Find(isakmp::PL_KE);
    if (chosen.pfsGroup && !ke)
    {
        refuse(IkeFailure::PH2_NO_PROPOSAL,
               IkeDrop::BAD_PROPOSAL,
               "PFS is specified, but peer doesn't sends KE.");
        return;
    }
    if (!chosen.pfsGroup && ke)
    {
        refuse(IkeFailure::PH2_NO_PROPOSAL,
               IkeDrop::BAD_PROPOSAL,
               "no PFS is specified, but peer sends KE.");
        return;
    }
    auto ph2 = std::make_unique<Ph2>();
    Ph2& p = *ph2;
    p.id = m_nextHandle++;
    p.initiator = false;
    p.local = ph1.local;
    p.peer = ph1.peer;
    p.spid = out->id;
    p.selector = rev;
    p.requests = in->requests;
    for (size_t i = 0; i < in->requests.size(); ++i)
    {
        p.reqidIn.push_back(in->requests[i].reqid);
        p.reqidOut.push_back(i < out->requests.size() ? out->requests[i].reqid
                                                      : in->requests[i].reqid);
    }
    p.sainfo = si;
    p.ph1 = ph1.id;
    p.messageId = hm.header.messageId;
    p.chosen = chosen;
    p.natoaDst = natoa[0];
    p.natoaSrc = natoa[1];
    p.ni = nonce->body;
    p.iv = iv;
    p.lastReceived = raw;
    p.lastReply.clear(); // the reply to it, if any, is set when sent
    p.started = Simulator::Now();
    if (ids.size() == 2)
    {
        p.idci = ids[0]->body;
        p.idcr = ids[1]->body;
    }
    if (chosen.pfsGroup)
    {
        p.peerKe = ke->body;
    }
    m_stats.ph2Responded++;
    uint32_t id = p.id;
    m_ph2[id] = std::move(ph2);
    SetPh2State(p, IkePh2State::START);
    Log(4, "respond new phase 2 negotiation: " + p.Describe());
    StartPh2(w, p);
}

void
IkeDaemon::SendQuick2(Work& w, Ph2& p)
{
    Ph1* ph1 = FindPh1Id(p.ph1);
    if (!ph1)
    {
        Ph2Failed(w, p, IkeFailure::PH1_WAIT_TIMEOUT, "the ISAKMP-SA is gone: " + p.Describe());
        return;
    }
    p.nr = Random(ph1->rm ? ph1->rm->nonceSize : 16);
    // Our proposal: the chosen one with our SPIs.
    IkePh2Proposal reply = p.chosen;
    for (size_t i = 0; i < reply.sas.size(); ++i)
    {
        reply.sas[i].spi = p.mySpis[i];
    }
    std::vector<IsakmpPayload> payloads;
    payloads.push_back({isakmp::PL_SA, IkeEncodePhase2({reply}, ph1->natt.ModeDiff()).Encode()});
    payloads.push_back({isakmp::PL_NONCE, p.nr});
    if (p.chosen.pfsGroup)
    {
        const IkeDhGroup* group = IkeDhGroup::ById(p.chosen.pfsGroup);
        p.dh = std::make_unique<IkeDh>(*group, Random(group->bits / 8), m_exponentBits);
        w.ChargeModexp(group->bits, p.dh->GetExponentBits());
        if (!p.dh->ComputeShared(p.peerKe, &p.gxyQm))
        {
            Ph2Failed(w, p, IkeFailure::MALFORMED, "invalid KE in QM1: " + p.Describe());
            return;
        }
        w.ChargeModexp(group->bits, p.dh->GetExponentBits());
        payloads.push_back({isakmp::PL_KE, p.dh->GetPublic()});
    }
    if (!p.idci.empty())
    {
        payloads.push_back({isakmp::PL_ID, p.idci});
        payloads.push_back({isakmp::PL_ID, p.idcr});
    }
    // quick_r2send: NAT-OAi (the initiator's address as we see it) and
    // NAT-OAr (ours).
    AddNatOa(payloads, *ph1, p, p.peer, p.local);
    IsakmpMessage rest;
    rest.payloads = payloads;
    IkeBytes restBytes = rest.SerializePayloads();
    IkeBytes hash = IkeQuickHash2(*ph1->hash, ph1->keys.skeyidA, p.messageId, p.ni, restBytes);
    w.ChargePrf(*ph1->hash, static_cast<uint32_t>(4 + p.ni.size() + restBytes.size()));
    std::vector<uint8_t> bytes
        = Ph2Message(w, *ph1, p.messageId, p.iv, isakmp::EXCH_QUICK, payloads, hash);
    if (bytes.empty())
    {
        Ph2Failed(w, p, IkeFailure::ENCRYPT_FAILED, "phase2 negotiation failed.");
        return;
    }
    p.lastReply = bytes;
    p.lastReplyNumber = 2;
    AddRecvd(p.lastReceived, p.peer, bytes, isakmp::EXCH_QUICK, 2, PathOf(*ph1));
    SendWithRetry(w, p.id, false, p.peer, bytes, isakmp::EXCH_QUICK, 2);
    SetPh2State(p, IkePh2State::MSG1SENT);
}

// ---- the SAs -----------------------------------------------------------------------------

void
IkeDaemon::InstallSas(Work& w, Ph2& p)
{
    Ph1* ph1 = FindPh1Id(p.ph1);
    if (!ph1)
    {
        Ph2Failed(w, p, IkeFailure::PH1_WAIT_TIMEOUT, "the ISAKMP-SA is gone: " + p.Describe());
        return;
    }
    Simulator::Cancel(p.deadline);
    SetPh2State(p, IkePh2State::ADDSA);
    uint64_t life = p.chosen.lifeSeconds ? p.chosen.lifeSeconds : 28800;
    for (size_t i = 0; i < p.chosen.sas.size(); ++i)
    {
        const IkePh2Sa& s = p.chosen.sas[i];
        IkeSadbAlgorithms alg;
        std::string why;
        if (!IkeSadbAlgorithmsOf(s, &alg, &why))
        {
            Ph2Failed(w, p, IkeFailure::PH2_NO_PROPOSAL, why);
            return;
        }
        uint32_t reqidIn = i < p.reqidIn.size() ? p.reqidIn[i] : 0;
        uint32_t reqidOut = i < p.reqidOut.size() ? p.reqidOut[i] : 0;
        uint32_t keyLen = alg.encKeyBytes + alg.authKeyBytes;
        // Inbound (our SPI, UPDATE of the larval SA) and outbound (theirs, ADD).
        for (bool inbound : {true, false})
        {
            uint32_t spi = inbound ? p.mySpis[i] : s.spi;
            PfKeyMessage m(inbound ? PfKeyType::UPDATE : PfKeyType::ADD, alg.satype, p.seq);
            PfKeySa sa;
            sa.spi = spi;
            sa.replay = s.proto == IpsecProto::IPCOMP ? 0 : 4; // racoon: a 32-packet window
            sa.state = 1;
            sa.auth = alg.auth;
            sa.encrypt = alg.encrypt;
            sa.flags = s.proto == IpsecProto::IPCOMP ? IpsecSaFlags::RAWCPI : 0;
            m.sa = sa;
            PfKeySa2 sa2;
            sa2.mode = static_cast<uint8_t>(s.mode);
            sa2.reqid = inbound ? reqidIn : reqidOut; // pk_sendupdate / pk_sendadd
            m.sa2 = sa2;
            const IpsecAddress& from = inbound ? p.peer : p.local;
            const IpsecAddress& to = inbound ? p.local : p.peer;
            m.src = PfKeyAddress{IPSEC_ULPROTO_ANY, from.GetBits(), from, 0};
            m.dst = PfKeyAddress{IPSEC_ULPROTO_ANY, to.GetBits(), to, 0};
            if (s.udpEncap)
            {
                // pk_sendupdate / pk_sendadd (pfkey_send_update2 / add2 with
                // the natt fields): the ports of the phase 1 as the SA's
                // source and destination; racoon's one original address
                // (SADB_X_EXT_NAT_T_OA, NetBSD's OAI) is natoa_src inbound
                // and natoa_dst outbound; OAR carries the other.
                m.nattType = IpsecSaParams::UDP_ENCAP_ESPINUDP;
                m.nattSport = inbound ? ph1->peerPort : ph1->localPort;
                m.nattDport = inbound ? ph1->localPort : ph1->peerPort;
                const std::optional<IpsecAddress>& oai = inbound ? p.natoaSrc : p.natoaDst;
                const std::optional<IpsecAddress>& oar = inbound ? p.natoaDst : p.natoaSrc;
                if (oai)
                {
                    m.nattOai = PfKeyAddress{IPSEC_ULPROTO_ANY, oai->GetBits(), *oai, 0};
                }
                if (oar)
                {
                    m.nattOar = PfKeyAddress{IPSEC_ULPROTO_ANY, oar->GetBits(), *oar, 0};
                }
                if (ph1->rm)
                {
                    m.nattFrag = ph1->rm->espFrag;
                }
            }
            if (keyLen > 0)
            {
                IkeBytes keymat = IkeKeymat(*ph1->hash,
                                            ph1->keys.skeyidD,
                                            p.gxyQm,
                                            IsakmpProto(s.proto),
                                            SpiBytes(s.proto, spi),
                                            p.ni,
                                            p.nr,
                                            keyLen);
                for (uint32_t have = 0; have < keyLen; have += ph1->hash->length)
                {
                    w.ChargePrf(
                        *ph1->hash,
                        static_cast<uint32_t>(p.gxyQm.size() + 5 + p.ni.size() + p.nr.size()));
                }
                if (alg.encKeyBytes)
                {
                    m.encKey = PfKeyKey{static_cast<uint16_t>(alg.encKeyBytes * 8),
                                        IkeBytes(keymat.begin(), keymat.begin() + alg.encKeyBytes)};
                }
                if (alg.authKeyBytes)
                {
                    m.authKey = PfKeyKey{static_cast<uint16_t>(alg.authKeyBytes * 8),
                                         IkeBytes(keymat.begin() + alg.encKeyBytes, keymat.end())};
                }
            }
            SaKeys k;
            k.proto = s.proto;
            k.src = from;
            k.dst = to;
            k.spi = spi;
            k.encrypt = alg.encrypt;
            k.auth = alg.auth;
            k.encKey = m.encKey ? m.encKey->data : IkeBytes();
            k.authKey = m.authKey ? m.authKey->data : IkeBytes();
            m_saKeysTrace(k);
            PfKeyLifetime hard;
            hard.addtime = life;
            PfKeyLifetime soft;
            soft.addtime = life * 80 / 100; // libipsec's PFKEY_SOFT_LIFETIME_RATE
            m.hard = hard;
            m.soft = soft;
            p.updatesPending++;
            SendPfKey(w, m);
        }
    }
    // Established once the kernel accepted them (HandleUpdateAddReply).
}

// ---- encrypted phase-2 and informational messages -------------------------------------------

std::vector<uint8_t>
IkeDaemon::Ph2Message(Work& w,
                      Ph1& ph1,
                      uint32_t messageId,
                      std::vector<uint8_t>& iv,
                      uint8_t exchange,
                      const std::vector<IsakmpPayload>& payloads,
                      const std::vector<uint8_t>& hash)
{
    IsakmpMessage m;
    m.header.icookie = ph1.icookie;
    m.header.rcookie = ph1.rcookie;
    m.header.exchange = exchange;
    m.header.flags = isakmp::FLAG_ENC;
    m.header.messageId = messageId;
    m.Add(isakmp::PL_HASH, hash);
    for (const IsakmpPayload& pl : payloads)
    {
        m.Add(pl.type, pl.body);
    }
    w.ChargeMessage();
    std::vector<uint8_t> plain = m.SerializePayloads();
    uint32_t bs = ph1.cipher->blockSize;
    uint32_t pad = bs - plain.size() % bs;
    IkeBytes fill = Random(pad);
    fill.back() = static_cast<uint8_t>(pad - 1);
    plain.insert(plain.end(), fill.begin(), fill.end());
    IkeBytes cipher;
    if (!Encrypt(*ph1.cipher, ph1.keys.encKey, iv, plain, &cipher))
    {
        // Fail closed, as Ph1Message: the caller fails the phase 2 (an
        // informational message is not sent).
        return {};
    }
    w.ChargeCipher(*ph1.cipher, static_cast<uint32_t>(plain.size()));
    iv.assign(cipher.end() - bs, cipher.end());
    return m.Serialize(cipher);
}

bool
IkeDaemon::DecryptPh2(
    Work& w, Ph1& ph1, const std::vector<uint8_t>& raw, std::vector<uint8_t>& iv, IsakmpMessage* m)
{
    std::string why;
    if (!IsakmpMessage::ParseHeader(raw, &m->header, &why))
    {
        return false;
    }
    uint32_t bs = ph1.cipher->blockSize;
    IkeBytes body(raw.begin() + IsakmpHeader::SIZE, raw.end());
    if (body.empty() || body.size() % bs != 0)
    {
        return false;
    }
    IkeBytes plain;
    w.ChargeCipher(*ph1.cipher, static_cast<uint32_t>(body.size()));
    if (!IkeCbcDecrypt(*ph1.cipher, ph1.keys.encKey, iv, body, &plain)
        || !IsakmpMessage::ParsePayloads(m->header.nextPayload, plain, &m->payloads, &why))
    {
        return false;
    }
    iv.assign(body.end() - bs, body.end());
    return true;
}

uint32_t
IkeDaemon::NewMessageId()
{
    uint32_t msgid = 0;
    while (msgid == 0)
    {
        IkeBytes r = Random(4);
        msgid = (uint32_t(r[0]) << 24) | (r[1] << 16) | (r[2] << 8) | r[3];
    }
    return msgid;
}

std::vector<uint8_t>
IkeDaemon::EncryptedInfo(Work& w, Ph1& ph1, const IsakmpPayload& pl)
{
    // RFC 2409 section 5.7: HDR*, HASH(1), N/D with HASH(1) = prf(SKEYID_a,
    // M-ID | N/D) and the IV from the last phase-1 block and the M-ID.
    uint32_t msgid = NewMessageId();
    IsakmpMessage rest;
    rest.payloads.push_back(pl);
    IkeBytes hash = IkeHash1(*ph1.hash, ph1.keys.skeyidA, msgid, rest.SerializePayloads());
    w.ChargePrf(*ph1.hash, 64);
    IkeBytes iv = IkePhase2Iv(*ph1.hash, *ph1.cipher, ph1.iv, msgid);
    return Ph2Message(w, ph1, msgid, iv, isakmp::EXCH_INFO, {pl}, hash);
}

bool
IkeDaemon::HashFirst(const IsakmpMessage& m)
{
    // Quick mode's messages start with their HASH (RFC 2409 section 5.5).
    if (!m.payloads.empty() && m.payloads[0].type == isakmp::PL_HASH)
    {
        return true;
    }
    Drop(IkeDrop::BAD_PAYLOAD,
         1,
         "received invalid next payload type "
             + std::to_string(m.payloads.empty() ? 0 : m.payloads[0].type) + ", expecting "
             + std::to_string(isakmp::PL_HASH) + ".");
    return false;
}

void
IkeDaemon::SendNotify(
    Work& w, Ph1* ph1, const IpsecAddress& peer, const IsakmpHeader& about, uint16_t type)
{
    IsakmpNotify n;
    n.type = type;
    n.protocol = isakmp::PROTO_ISAKMP;
    // Phase-1 notifications carry the cookies as their SPI (isakmp_info_send_n1).
    n.spi.assign(about.icookie.begin(), about.icookie.end());
    n.spi.insert(n.spi.end(), about.rcookie.begin(), about.rcookie.end());
    IsakmpPayload pl{isakmp::PL_NOTIFY, n.Encode()};
    std::vector<uint8_t> bytes;
    if (ph1 && ph1->Established())
    {
        bytes = EncryptedInfo(w, *ph1, pl);
    }
    else
    {
        IsakmpMessage m;
        m.header.icookie = about.icookie;
        m.header.rcookie = ph1 ? ph1->rcookie : about.rcookie;
        m.header.exchange = isakmp::EXCH_INFO;
        m.Add(pl.type, pl.body);
        w.ChargeMessage();
        bytes = m.Serialize();
    }
    Log(4, "sendto Information " + isakmp::NotifyName(type) + " to " + peer.ToString() + ".");
    SendIsakmp(w, peer, bytes, isakmp::EXCH_INFO, 0, false, ph1 ? PathOf(*ph1) : m_rxPath);
}

void
IkeDaemon::HandleInfo(Work& w, Ph1* ph1, const IsakmpMessage& hm, const std::vector<uint8_t>& raw)
{
    // isakmp_info_recv.
    IsakmpMessage m;
    std::string why;
    IpsecAddress peer = ph1 ? ph1->peer : IpsecAddress();
    if (hm.header.flags & isakmp::FLAG_ENC)
    {
        if (!ph1 || !ph1->keysReady)
        {
            Drop(IkeDrop::UNEXPECTED, 1, "an encrypted informational message without an ISAKMP-SA");
            return;
        }
        IkeBytes iv = IkePhase2Iv(*ph1->hash, *ph1->cipher, ph1->iv, hm.header.messageId);
        if (!DecryptPh2(w, *ph1, raw, iv, &m))
        {
            Drop(IkeDrop::UNDECRYPTABLE,
                 1,
                 "failed to decrypt an informational message from " + peer.ToString());
            return;
        }
        if (m.payloads.empty() || m.payloads[0].type != isakmp::PL_HASH)
        {
            Drop(IkeDrop::BAD_PAYLOAD,
                 1,
                 "ignore information because the message has no hash payload.");
            return;
        }
        if (!ph1->Established())
        {
            Drop(IkeDrop::UNEXPECTED,
                 1,
                 "ignore information because ISAKMP-SA has not been established yet.");
            return;
        }
        IkeBytes expect
            = IkeHash1(*ph1->hash, ph1->keys.skeyidA, hm.header.messageId, AfterHash(m));
        w.ChargePrf(*ph1->hash, 64);
        if (expect != m.payloads[0].body)
        {
            Drop(IkeDrop::BAD_HASH, 1, "ignore information due to hash mismatch");
            return;
        }
    }
    else
    {
        if (!IsakmpMessage::Parse(raw, &m, &why))
        {
            Drop(IkeDrop::BAD_PAYLOAD, 1, "malformed informational message: " + why);
            return;
        }
        // Unencrypted only until phase 1 encrypts (the initiator's third
        // message, the responder's second).
        if (ph1
            && ((ph1->initiator && ph1->state >= IkePh1State::MSG3SENT)
                || (!ph1->initiator && ph1->state >= IkePh1State::MSG2SENT)))
        {
            uint8_t first = m.payloads.empty() ? 0 : m.payloads[0].type;
            std::string name = first == isakmp::PL_NOTIFY ? "notify"
                             : first == isakmp::PL_DELETE ? "delete"
                             : first == isakmp::PL_HASH   ? "hash"
                                                          : std::to_string(first);
            Drop(IkeDrop::UNAUTHENTICATED, 1, name + " message must be encrypted");
            return;
        }
    }
    m_messageTrace(Direction::RECEIVED, peer, isakmp::EXCH_INFO, 0, raw.size(), false);
    bool encrypted = hm.header.flags & isakmp::FLAG_ENC;
    for (const IsakmpPayload& pl : m.payloads)
    {
        if (pl.type == isakmp::PL_NOTIFY)
        {
            IsakmpNotify n;
            if (IsakmpNotify::Decode(pl.body, &n, &why))
            {
                // Phase-1 error notifications are not authenticated: racoon only logs them.
                Log(encrypted ? 2 : 1,
                    "notification " + isakmp::NotifyName(n.type) + " received in "
                        + (encrypted ? "" : "unencrypted ") + "informational exchange.");
                if (encrypted && n.type == isakmp::N_INITIAL_CONTACT && ph1)
                {
                    RecvInitialContact(w, *ph1);
                }
            }
        }
        else if (pl.type == isakmp::PL_DELETE && !encrypted)
        {
            Log(2, "Ignoring unencrypted delete payload (check the weak_phase1_check option)");
        }
        else if (pl.type == isakmp::PL_DELETE)
        {
            IsakmpDelete d;
            if (!IsakmpDelete::Decode(pl.body, &d, &why))
            {
                continue;
            }
            if (d.protocol == isakmp::PROTO_ISAKMP)
            {
                PurgeIsakmpSpi(d);
                return; // ph1 may be gone
            }
            PurgeIpsecSpi(w, *ph1, d);
        }
    }
    if (!encrypted)
    {
        // Phase-1 notifications are not authenticated: logged, nothing else.
        Drop(IkeDrop::UNAUTHENTICATED, 0, "");
    }
}

// ---- NAT-OA (RFC 3947 section 5.2) ----------------------------------------------------------

uint8_t
IkeDaemon::NatOaType(const Ph1& ph1) const
{
    return ph1.natt.version == IkeNattVersion::NONE ? isakmp::PL_NONE : ph1.natt.payloadNatOa;
}

void
IkeDaemon::AddNatOa(std::vector<IsakmpPayload>& payloads,
                    const Ph1& ph1,
                    const Ph2& p,
                    const IpsecAddress& oai,
                    const IpsecAddress& oar)
{
    // Only with a transport mode SA and NAT detected (ipsecdoi_transportmode).
    bool transport = !p.requests.empty() && p.requests[0].mode == IpsecMode::TRANSPORT;
    if (!p.initiator)
    {
        transport = !p.chosen.sas.empty() && p.chosen.sas[0].mode == IpsecMode::TRANSPORT;
    }
    if (!transport || !NatDetected(ph1))
    {
        return;
    }
    // ipsecdoi_sockaddr2id(addr, host prefix, IPSEC_ULPROTO_ANY): an ID
    // payload body, protocol and port zero.
    payloads.push_back({ph1.natt.payloadNatOa, IsakmpId::Address(oai).Encode()});
    payloads.push_back({ph1.natt.payloadNatOa, IsakmpId::Address(oar).Encode()});
}

bool
IkeDaemon::ReadNatOa(const IsakmpMessage& m, const Ph1& ph1, std::optional<IpsecAddress> out[2])
{
    uint8_t type = NatOaType(ph1);
    if (type == isakmp::PL_NONE)
    {
        return true;
    }
    size_t n = 0;
    for (const IsakmpPayload* pl : m.FindAll(type))
    {
        IsakmpId id;
        std::string why;
        if (!IsakmpId::Decode(pl->body, &id, &why)
            || (id.type != isakmp::ID_IPV4_ADDR && id.type != isakmp::ID_IPV6_ADDR)
            || id.data.size() != (id.type == isakmp::ID_IPV4_ADDR ? 4u : 16u))
        {
            // ipsecdoi_id2sockaddr refuses it.
            Drop(IkeDrop::BAD_PAYLOAD, 1, "invalid NAT-OA payload: " + why);
            return false;
        }
        if (n == 2)
        {
            Drop(IkeDrop::BAD_PAYLOAD, 1, "received too many NAT-OA payloads.");
            return false;
        }
        IpsecAddress a = id.type == isakmp::ID_IPV4_ADDR
                           ? IpsecAddress(Ipv4Address::Deserialize(id.data.data()))
                           : IpsecAddress(Ipv6Address(id.data.data()));
        out[n++] = a;
    }
    return true;
}

} // namespace ns3
