/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IkeDaemon, phase 1 (RFC 2409 sections 5 and 5.4, racoon's isakmp_ident.c
 * and isakmp_agg.c): main mode (6 messages) and aggressive mode (3) with
 * pre-shared keys, as initiator and responder, and the ISAKMP datagram
 * dispatch.
 *
 *   main mode          initiator                        responder
 *   MM1  HDR, SA                       ->
 *   MM2                                <-  HDR, SA
 *   MM3  HDR, KE, Ni                   ->   (I: DH key pair first)
 *   MM4                                <-  HDR, KE, Nr   (R: key pair, sends,
 *                                                         then g^xy and keys)
 *   MM5  HDR*, IDii, HASH_I            ->   (I: g^xy and keys first)
 *   MM6                                <-  HDR*, IDir, HASH_R   (sent once)
 *
 *   aggressive mode
 *   AM1  HDR, SA, KE, Ni, IDii         ->
 *   AM2                                <-  HDR, SA, KE, Nr, IDir, HASH_R
 *   AM3  HDR, HASH_I                   ->   (sent once)
 */
#include "ike-daemon-handles.h"
#include "ipsec-cpu.h"
#include "ipsec-stack.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4-route.h"
#include "ns3/ipv4-routing-protocol.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6-route.h"
#include "ns3/ipv6-routing-protocol.h"
#include "ns3/ipv6.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <tuple>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IkePhase1");

namespace
{

std::string
Hex(const uint8_t* b, size_t n)
{
    std::ostringstream os;
    for (size_t i = 0; i < n; ++i)
    {
        os << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(b[i]);
    }
    return os.str();
}

bool
IsZero(const std::array<uint8_t, 8>& c)
{
    return std::all_of(c.begin(),
                       c.end(),
                       [](uint8_t b)
                       {
                           return b == 0;
                       });
}

IkeBytes
CookieBytes(const std::array<uint8_t, 8>& c)
{
    return IkeBytes(c.begin(), c.end());
}

/// The text racoon logs when a message lacks a payload it needs.
const char* const kFewPayloads = "few isakmp message received.";

/// The source address of @p node's route to @p peer (the unspecified
/// address when there is none).
IpsecAddress
SourceTowards(Ptr<Node> node, const IpsecAddress& peer)
{
    Socket::SocketErrno err;
    if (peer.IsV6())
    {
        Ptr<Ipv6> ipv6 = node->GetObject<Ipv6>();
        Ipv6Header hdr;
        hdr.SetDestination(peer.ToIpv6());
        Ptr<Ipv6Route> r
            = ipv6 ? ipv6->GetRoutingProtocol()->RouteOutput(nullptr, hdr, nullptr, err) : nullptr;
        return r ? IpsecAddress(r->GetSource()) : IpsecAddress(Ipv6Address::GetAny());
    }
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    Ipv4Header hdr;
    hdr.SetDestination(peer.ToIpv4());
    Ptr<Ipv4Route> r
        = ipv4 ? ipv4->GetRoutingProtocol()->RouteOutput(nullptr, hdr, nullptr, err) : nullptr;
    return r ? IpsecAddress(r->GetSource()) : IpsecAddress(Ipv4Address::GetAny());
}

/// Our identity in phase 1 (my_identifier; the address by default).
IsakmpId
MyId(const RacoonRemote* rm, const IpsecAddress& local)
{
    IsakmpId id = IsakmpId::Address(local);
    if (!rm || !rm->myIdentifier)
    {
        return id;
    }
    const RacoonIdentifier& my = *rm->myIdentifier;
    switch (my.type)
    {
        case RacoonIdentifier::Type::ADDRESS:
            if (std::optional<IpsecAddress> a = IpsecAddress::Parse(my.value))
            {
                id = IsakmpId::Address(*a);
            }
            return id;
        case RacoonIdentifier::Type::FQDN:
            id.type = isakmp::ID_FQDN;
            break;
        case RacoonIdentifier::Type::USER_FQDN:
            id.type = isakmp::ID_USER_FQDN;
            break;
        case RacoonIdentifier::Type::KEYID:
            id.type = isakmp::ID_KEY_ID;
            break;
    }
    id.protocol = 0;
    id.port = 0;
    id.data.assign(my.value.begin(), my.value.end());
    return id;
}

/// verify_identifier: does the peer's ID body @p idBody match peers_identifier?
bool
PeerIdAcceptable(const RacoonRemote* rm, const IkeBytes& idBody, const IpsecAddress& peer)
{
    if (!rm || !rm->verifyIdentifier || !rm->peersIdentifier)
    {
        return true;
    }
    IsakmpId got;
    std::string why;
    if (!IsakmpId::Decode(idBody, &got, &why))
    {
        return false;
    }
    IsakmpId want = MyId(nullptr, peer);
    const RacoonIdentifier& p = *rm->peersIdentifier;
    RacoonRemote tmp;
    tmp.myIdentifier = p;
    want = MyId(&tmp, peer);
    return got.type == want.type && got.data == want.data;
}

} // namespace

void
IkeDaemon::Ph1::Choose(const IkePh1Transform& t)
{
    chosen = t;
    hash = IkeHashAlg::ById(t.hash);
    cipher = IkeCipherAlg::ById(t.cipher);
    keyBytes = (t.keyBits ? t.keyBits : cipher->defaultKeyBits) / 8;
}

std::string
IkeDaemon::Ph1::Cookies() const
{
    return Hex(icookie.data(), 8) + ":" + Hex(rcookie.data(), 8);
}

std::string
IkeDaemon::Ph1::Describe() const
{
    return local.ToString() + "[" + std::to_string(localPort) + "]-" + peer.ToString() + "["
         + std::to_string(peerPort) + "] spi:" + Cookies();
}

// ---- lookups --------------------------------------------------------------------

IkeDaemon::Ph1*
IkeDaemon::FindPh1(const std::array<uint8_t, 8>& icookie, const std::array<uint8_t, 8>& rcookie)
{
    // racoon's getph1byindex: both cookies.
    for (auto& [id, ph1] : m_ph1)
    {
        if (ph1->icookie == icookie && ph1->rcookie == rcookie)
        {
            return ph1.get();
        }
    }
    return nullptr;
}

IkeDaemon::Ph1*
IkeDaemon::FindPh1ByICookie(const std::array<uint8_t, 8>& icookie)
{
    // racoon's getph1byindex0: the initiator's cookie only.
    for (auto& [id, ph1] : m_ph1)
    {
        if (ph1->icookie == icookie && ph1->state != IkePh1State::EXPIRED)
        {
            return ph1.get();
        }
    }
    return nullptr;
}

IkeDaemon::Ph1*
IkeDaemon::FindPh1Id(uint32_t id)
{
    auto it = m_ph1.find(id);
    return it == m_ph1.end() ? nullptr : it->second.get();
}

IkeDaemon::Ph1*
IkeDaemon::FindPh1ByPeer(const IpsecAddress& peer, bool established)
{
    // racoon's getph1byaddr: an established one first, else one negotiating.
    Ph1* negotiating = nullptr;
    for (auto& [id, ph1] : m_ph1)
    {
        if (ph1->peer != peer || ph1->state == IkePh1State::EXPIRED
            || ph1->state == IkePh1State::DYING)
        {
            continue;
        }
        if (ph1->Established())
        {
            return ph1.get();
        }
        if (!negotiating)
        {
            negotiating = ph1.get();
        }
    }
    return established ? nullptr : negotiating;
}

// ---- dispatch ---------------------------------------------------------------------

void
IkeDaemon::HandleIsakmp(Work& w,
                        const std::vector<uint8_t>& bytes,
                        const Address& from,
                        bool nattSocket)
{
    IpsecAddress peer;
    uint16_t port = 0;
    if (InetSocketAddress::IsMatchingType(from))
    {
        peer = IpsecAddress(InetSocketAddress::ConvertFrom(from).GetIpv4());
        port = InetSocketAddress::ConvertFrom(from).GetPort();
    }
    else if (Inet6SocketAddress::IsMatchingType(from))
    {
        peer = IpsecAddress(Inet6SocketAddress::ConvertFrom(from).GetIpv6());
        port = Inet6SocketAddress::ConvertFrom(from).GetPort();
    }
    m_rxBytes = &bytes;
    m_rxPeer = peer;
    m_rxPath = Path{nattSocket ? m_nattPort : m_port, port, nattSocket};
    if (nattSocket)
    {
        // isakmp_handler: a keepalive is pulled and ignored.
        if (bytes.size() == 1 && bytes[0] == 0xff)
        {
            m_stats.keepalivesReceived++;
            m_rxBytes = nullptr;
            return;
        }
        // On the NAT-T port only the non-ESP marker's datagrams are ISAKMP
        // (RFC 3948 section 2.2); what follows it must be an ISAKMP message.
        bool marked
            = bytes.size() >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0 && bytes[3] == 0;
        uint32_t length = 0;
        if (bytes.size() >= 4 + IsakmpHeader::SIZE)
        {
            length = (uint32_t(bytes[28]) << 24) | (uint32_t(bytes[29]) << 16)
                   | (uint32_t(bytes[30]) << 8) | bytes[31];
        }
        if (!marked || length != bytes.size() - 4)
        {
            m_stats.nattBadMarker++;
            Drop(IkeDrop::BAD_MARKER,
                 1,
                 marked ? "packet shorter than isakmp header size (" + std::to_string(bytes.size())
                              + ", " + std::to_string(length) + ", "
                              + std::to_string(IsakmpHeader::SIZE) + ") after the non-ESP marker"
                        : "non-ESP marker missing on the NAT-T port from " + peer.ToString() + "["
                              + std::to_string(port) + "]");
            m_rxBytes = nullptr;
            return;
        }
        std::vector<uint8_t> inner(bytes.begin() + 4, bytes.end());
        m_stats.messagesReceived++;
        m_stats.bytesReceived += inner.size();
        m_rxBytes = &inner;
        Dispatch(w, inner, peer);
        m_rxBytes = nullptr;
        return;
    }
    m_stats.messagesReceived++;
    m_stats.bytesReceived += bytes.size();
    Dispatch(w, bytes, peer);
    m_rxBytes = nullptr;
}

void
IkeDaemon::Dispatch(Work& w, const std::vector<uint8_t>& bytes, const IpsecAddress& peer)
{
    // isakmp_handler: the sizes first.
    uint32_t length = 0;
    if (bytes.size() >= IsakmpHeader::SIZE)
    {
        length = (uint32_t(bytes[24]) << 24) | (uint32_t(bytes[25]) << 16)
               | (uint32_t(bytes[26]) << 8) | bytes[27];
    }
    if (bytes.size() < IsakmpHeader::SIZE || length < IsakmpHeader::SIZE)
    {
        Fail(IkeFailure::MALFORMED);
        Drop(IkeDrop::SHORT,
             1,
             "packet shorter than isakmp header size (" + std::to_string(bytes.size()) + ", "
                 + std::to_string(length) + ", " + std::to_string(IsakmpHeader::SIZE) + ")");
        return;
    }
    if (length > 0xffff)
    {
        Fail(IkeFailure::MALFORMED);
        Drop(IkeDrop::TOO_BIG, 1, "the length in the isakmp header is too big.");
        return;
    }
    if (length != bytes.size())
    {
        Fail(IkeFailure::MALFORMED);
        Drop(IkeDrop::LENGTH_MISMATCH,
             1,
             "received invalid length (" + std::to_string(bytes.size())
                 + " != " + std::to_string(length) + "), why ?");
        return;
    }
    // check_recvdpkt: a message already answered is answered again.
    if (CheckRecvd(w, bytes, peer))
    {
        return;
    }
    // isakmp_main.
    IsakmpHeader h;
    std::string why;
    if (std::all_of(bytes.begin(),
                    bytes.begin() + 8,
                    [](uint8_t b)
                    {
                        return b == 0;
                    }))
    {
        Fail(IkeFailure::MALFORMED);
        Drop(IkeDrop::BAD_HEADER, 1, "malformed cookie received.");
        return;
    }
    if (!IsakmpMessage::ParseHeader(bytes, &h, &why))
    {
        Fail(IkeFailure::MALFORMED);
        Drop(IkeDrop::BAD_HEADER,
             1,
             "invalid major version " + std::to_string(bytes[17] >> 4) + ".");
        return;
    }
    if (h.flags & ~(isakmp::FLAG_ENC | isakmp::FLAG_COMMIT | isakmp::FLAG_AUTH_ONLY))
    {
        char f[8];
        std::snprintf(f, sizeof(f), "0x%02x", h.flags);
        Drop(IkeDrop::BAD_HEADER, 1, std::string("invalid flag ") + f + ".");
        return;
    }
    if ((h.flags & isakmp::FLAG_COMMIT) && h.messageId == 0)
    {
        SendNotify(w, nullptr, peer, h, isakmp::N_INVALID_FLAGS);
        Drop(IkeDrop::BAD_HEADER, 1, "Commit bit on phase1 forbidden.");
        return;
    }
    Ph1* ph1 = FindPh1(h.icookie, h.rcookie);
    if (ph1)
    {
        if (IsZero(h.rcookie) && ph1->initiator)
        {
            Drop(IkeDrop::COOKIE_MISMATCH,
                 5,
                 "malformed cookie received or the initiator's cookies collide.");
            return;
        }
        // isakmp_main: NAT-T's port floating, once per phase 1.
        if (ph1->natt.version != IkeNattVersion::NONE && !ph1->portsChanged
            && (ph1->peer != peer || ph1->peerPort != m_rxPath.peerPort
                || ph1->localPort != m_rxPath.localPort))
        {
            ph1->peer = peer;
            ph1->peerPort = m_rxPath.peerPort;
            ph1->localPort = m_rxPath.localPort;
            ph1->portsChanged = true;
            ph1->marker = true;
            m_stats.nattPortChanges++;
            Log(4,
                "NAT-T: ports changed to: " + peer.ToString() + "[" + std::to_string(ph1->peerPort)
                    + "]<->" + ph1->local.ToString() + "[" + std::to_string(ph1->localPort) + "]");
            AddKeepalive(*ph1);
        }
        if (ph1->peer != peer || ph1->peerPort != m_rxPath.peerPort)
        {
            // racoon goes on: the handle's address is where its answers go.
            Log(2,
                "remote address mismatched. db=" + ph1->peer.ToString() + "["
                    + std::to_string(ph1->peerPort) + "], act=" + peer.ToString() + "["
                    + std::to_string(m_rxPath.peerPort) + "]");
        }
    }
    std::string index = Hex(h.icookie.data(), 8) + ":" + Hex(h.rcookie.data(), 8);
    switch (h.exchange)
    {
        case isakmp::EXCH_IDENT:
        case isakmp::EXCH_AGGRESSIVE:
            if (h.messageId != 0)
            {
                Drop(IkeDrop::BAD_HEADER, 1, "message id should be zero in phase1.");
                return;
            }
            if (!ph1)
            {
                // The first message of an initiator, or the responder's first answer.
                ph1 = FindPh1ByICookie(h.icookie);
                if (!ph1)
                {
                    if (!IsZero(h.rcookie))
                    {
                        Drop(IkeDrop::UNKNOWN_COOKIE,
                             5,
                             "malformed cookie received or the spi expired.");
                        return;
                    }
                    RespondPh1(w, h, peer, bytes);
                    return;
                }
                if (!ph1->initiator)
                {
                    Drop(IkeDrop::COOKIE_MISMATCH,
                         5,
                         "malformed cookie received. it has to be as the initiator.  " + index);
                    return;
                }
            }
            if (h.exchange != ph1->exchange)
            {
                Drop(IkeDrop::UNEXPECTED,
                     1,
                     "exchange type is mismatched: db=" + isakmp::ExchangeName(ph1->exchange)
                         + " packet=" + isakmp::ExchangeName(h.exchange) + ", ignore it.");
                return;
            }
            if (ph1->state >= IkePh1State::ESTABLISHED)
            {
                // ph1_main: "ignore a packet".
                Drop(IkeDrop::UNEXPECTED, 0, "");
                return;
            }
            HandlePh1(w, *ph1, IsakmpMessage{h, {}}, bytes);
            return;
        case isakmp::EXCH_AUTH_ONLY:
        case isakmp::EXCH_BASE:
            Drop(IkeDrop::BAD_EXCHANGE,
                 4,
                 "unsupported exchange " + std::to_string(h.exchange) + " received.");
            return;
        case isakmp::EXCH_INFO:
            if (!ph1)
            {
                ph1 = FindPh1ByICookie(h.icookie);
                if (!ph1)
                {
                    Drop(IkeDrop::UNKNOWN_COOKIE, 1, "unknown Informational exchange received.");
                    return;
                }
                if (ph1->peer != peer)
                {
                    Log(2,
                        "remote address mismatched. db=" + ph1->peer.ToString() + "["
                            + std::to_string(ph1->peerPort) + "]");
                }
            }
            HandleInfo(w, ph1, IsakmpMessage{h, {}}, bytes);
            return;
        case isakmp::EXCH_QUICK:
            if (!ph1)
            {
                SendNotify(w, nullptr, peer, h, isakmp::N_INVALID_COOKIE);
                Drop(IkeDrop::UNKNOWN_COOKIE,
                     1,
                     "can't start the quick mode, there is no ISAKMP-SA, " + index);
                return;
            }
            if (!ph1->Established())
            {
                Drop(IkeDrop::UNEXPECTED,
                     1,
                     "can't start the quick mode, there is no valid ISAKMP-SA, " + index);
                return;
            }
            HandlePh2(w, *ph1, IsakmpMessage{h, {}}, bytes);
            return;
        case isakmp::EXCH_NEW_GROUP:
            if (!ph1)
            {
                Drop(IkeDrop::UNKNOWN_COOKIE,
                     1,
                     "Unknown new group mode exchange, there is no ISAKMP-SA.");
                return;
            }
            Drop(IkeDrop::BAD_EXCHANGE,
                 4,
                 "unsupported exchange " + std::to_string(h.exchange) + " received.");
            return;
        default:
            Drop(IkeDrop::BAD_EXCHANGE,
                 1,
                 "Invalid exchange type " + std::to_string(h.exchange) + " from " + peer.ToString()
                     + "[" + std::to_string(m_rxPath.peerPort) + "].");
            return;
    }
}

// ---- phase 1 as initiator ---------------------------------------------------------------

IkeDaemon::Ph1*
IkeDaemon::StartPh1(Work& w, const IpsecAddress& peer, const RacoonRemote& rm)
{
    auto ph1 = std::make_unique<Ph1>();
    Ph1& p = *ph1;
    p.id = m_nextHandle++;
    p.initiator = true;
    p.peer = peer;
    p.rm = &rm;
    p.exchange = !rm.exchangeModes.empty() && rm.exchangeModes.front() == "aggressive"
                   ? isakmp::EXCH_AGGRESSIVE
                   : isakmp::EXCH_IDENT;
    p.started = Simulator::Now();
    IkeBytes c = Random(8);
    std::copy(c.begin(), c.end(), p.icookie.begin());
    p.local = SourceTowards(GetNode(), peer);
    p.localPort = m_port;
    p.peerPort = rm.port;
    m_stats.ph1Started++;
    Ph1* raw = ph1.get();
    m_ph1[p.id] = std::move(ph1);
    SetPh1State(p, IkePh1State::START);
    Log(4,
        std::string("initiate new phase 1 negotiation: ") + p.local.ToString() + "["
            + std::to_string(p.localPort) + "]<=>" + peer.ToString() + "["
            + std::to_string(p.peerPort) + "]");
    Log(4,
        std::string("begin ")
            + (p.exchange == isakmp::EXCH_IDENT ? "Identity Protection" : "Aggressive") + " mode.");

    IsakmpMessage m;
    m.header.icookie = p.icookie;
    m.header.exchange = p.exchange;
    IsakmpSa sa = IkePhase1Offer(rm);
    p.saiBody = sa.Encode();
    m.Add(isakmp::PL_SA, p.saiBody);
    uint32_t number = 1;
    if (p.exchange == isakmp::EXCH_AGGRESSIVE)
    {
        // One group for all proposals: the first one's.
        MakeKeyExchange(w, p, rm.proposals.empty() ? 2 : rm.proposals[0].dhGroup);
        p.idiiBody = MyId(p.rm, p.local).Encode();
        m.Add(isakmp::PL_KE, p.gxi);
        m.Add(isakmp::PL_NONCE, p.ni);
        m.Add(isakmp::PL_ID, p.idiiBody);
    }
    // ident_i1send / agg_i1send: the NAT-T vendor IDs when the remote allows NAT-T.
    if (rm.natTraversal != RacoonNatTraversal::OFF)
    {
        AddNattVids(m);
    }
    w.ChargeMessage();
    SendWithRetry(w, p.id, true, peer, m.Serialize(), p.exchange, number);
    SetPh1State(p, IkePh1State::MSG1SENT);
    return raw;
}

// ---- phase 1 as responder -----------------------------------------------------------------

void
IkeDaemon::RespondPh1(Work& w,
                      const IsakmpHeader& h,
                      const IpsecAddress& peer,
                      const std::vector<uint8_t>& raw)
{
    IsakmpMessage m;
    std::string why;
    if (!IsakmpMessage::Parse(raw, &m, &why))
    {
        Fail(IkeFailure::MALFORMED);
        Drop(IkeDrop::BAD_PAYLOAD,
             1,
             "malformed first message from " + peer.ToString() + ": " + why);
        return;
    }
    m_messageTrace(
        Direction::RECEIVED, peer, h.exchange, 1, static_cast<uint32_t>(raw.size()), false);
    const RacoonRemote* rm = m_conf.FindRemote(peer);
    if (!rm)
    {
        Fail(IkeFailure::NO_REMOTE);
        Drop(IkeDrop::NO_CONFIG, 1, "couldn't find configuration for " + peer.ToString() + ".");
        return;
    }
    bool aggressive = h.exchange == isakmp::EXCH_AGGRESSIVE;
    std::string mode = aggressive ? "aggressive" : "main";
    if (std::find(rm->exchangeModes.begin(), rm->exchangeModes.end(), mode)
        == rm->exchangeModes.end())
    {
        Fail(IkeFailure::PH1_NO_PROPOSAL);
        Drop(IkeDrop::BAD_PROPOSAL,
             1,
             "not acceptable " + std::string(aggressive ? "Aggressive" : "Identity Protection")
                 + " mode from " + peer.ToString() + ".");
        return;
    }
    // ident_r1recv / agg_r1recv: the SA first, then only what the message may carry.
    if (m.payloads.empty() || m.payloads[0].type != isakmp::PL_SA)
    {
        Drop(IkeDrop::BAD_PAYLOAD,
             1,
             "received invalid next payload type "
                 + std::to_string(m.payloads.empty() ? 0 : m.payloads[0].type) + ", expecting "
                 + std::to_string(isakmp::PL_SA) + ".");
        return;
    }
    bool only
        = aggressive ? OnlyPayloads(
              m, {isakmp::PL_KE, isakmp::PL_NONCE, isakmp::PL_ID, isakmp::PL_VID, isakmp::PL_CR}, 1)
                     : OnlyPayloads(m, {isakmp::PL_VID}, 1);
    if (!only)
    {
        return;
    }
    if (aggressive
        && (!m.Find(isakmp::PL_KE) || !m.Find(isakmp::PL_NONCE) || !m.Find(isakmp::PL_ID)))
    {
        Fail(IkeFailure::MALFORMED);
        Drop(IkeDrop::BAD_PAYLOAD, 1, kFewPayloads);
        return;
    }
    const IsakmpPayload* saPl = &m.payloads[0];
    IsakmpSa offered;
    if (!IsakmpSa::Decode(saPl->body, &offered, &why))
    {
        Fail(IkeFailure::MALFORMED);
        Log(1, "malformed SA payload from " + peer.ToString() + ": " + why);
        Drop(IkeDrop::BAD_PROPOSAL, 1, "failed to get valid proposal.");
        return;
    }
    IkePh1Transform chosen;
    if (!IkeSelectPhase1(offered, *rm, &chosen, &why))
    {
        Fail(IkeFailure::PH1_NO_PROPOSAL);
        Log(1, why + ".");
        // An unauthenticated NO-PROPOSAL-CHOSEN the initiator can only log.
        SendNotify(w, nullptr, peer, m.header, isakmp::N_NO_PROPOSAL_CHOSEN);
        m_negotiationTrace(1, false, IkeFailure::PH1_NO_PROPOSAL, peer, Seconds(0));
        Drop(IkeDrop::BAD_PROPOSAL, 1, "failed to get valid proposal.");
        return;
    }
    auto ph1 = std::make_unique<Ph1>();
    Ph1& p = *ph1;
    p.id = m_nextHandle++;
    p.initiator = false;
    p.peer = peer;
    p.rm = rm;
    p.exchange = m.header.exchange;
    p.started = Simulator::Now();
    p.icookie = m.header.icookie;
    IkeBytes c = Random(8);
    std::copy(c.begin(), c.end(), p.rcookie.begin());
    p.saiBody = saPl->body;
    p.Choose(chosen);
    // Our address is the one the peer sent to: the source towards it.
    p.local = SourceTowards(GetNode(), peer);
    p.localPort = m_rxPath.localPort;
    p.peerPort = m_rxPath.peerPort;
    // isakmp_ph1begin_r: "RFC3947 says that we MUST accept new phases1 on
    // NAT-T floated port"; copy_ph1addresses adds the marker there.
    if (p.localPort == m_nattPort && p.localPort != m_port)
    {
        p.portsChanged = true;
        p.marker = true;
    }
    m_stats.ph1Responded++;
    Ph1* ph = ph1.get();
    m_ph1[p.id] = std::move(ph1);
    p.lastReceived = raw;
    p.lastReply.clear(); // the reply to it, if any, is set when sent
    SetPh1State(p, IkePh1State::START);
    Log(4,
        std::string("respond new phase 1 negotiation: ") + p.local.ToString() + "["
            + std::to_string(p.localPort) + "]<=>" + peer.ToString() + "["
            + std::to_string(p.peerPort) + "]");
    SetPh1State(p, IkePh1State::MSG1RECEIVED);
    HandleVids(p, m);

    // The chosen transform, as offered.
    IsakmpSa reply;
    IsakmpProposal prop;
    prop.number = offered.proposals[0].number;
    prop.protocol = isakmp::PROTO_ISAKMP;
    for (const IsakmpTransform& t : offered.proposals[0].transforms)
    {
        if (t.number == chosen.number)
        {
            prop.transforms.push_back(t);
        }
    }
    reply.proposals.push_back(prop);

    IsakmpMessage out;
    out.header.icookie = p.icookie;
    out.header.rcookie = p.rcookie;
    out.header.exchange = p.exchange;
    out.Add(isakmp::PL_SA, reply.Encode());
    w.ChargeMessage();

    if (p.exchange == isakmp::EXCH_AGGRESSIVE)
    {
        // AM1 carries KE, Ni and IDii: key pair, g^xy, keys, then AM2.
        const IsakmpPayload* ke = m.Find(isakmp::PL_KE);
        const IsakmpPayload* nonce = m.Find(isakmp::PL_NONCE);
        const IsakmpPayload* id = m.Find(isakmp::PL_ID);
        p.gxi = ke->body;
        p.ni = nonce->body;
        p.idiiBody = id->body;
        std::optional<IkeBytes> psk = LookupPsk(w, *ph);
        if (!psk)
        {
            return;
        }
        p.psk = *psk;
        MakeKeyExchange(w, p, chosen.group);
        if (!ComputeKeys(w, *ph))
        {
            return;
        }
        p.idirBody = MyId(p.rm, p.local).Encode();
        IkeBytes hashR = Ph1Hash(w, p, false, p.idirBody);
        out.Add(isakmp::PL_KE, p.gxr);
        out.Add(isakmp::PL_NONCE, p.nr);
        out.Add(isakmp::PL_ID, p.idirBody);
        out.Add(isakmp::PL_HASH, hashR);
    }
    // ident_r1send / agg_r1send: the one NAT-T vendor ID chosen, and in
    // aggressive mode the NAT-D payloads.
    if (p.natt.version != IkeNattVersion::NONE)
    {
        out.Add(isakmp::PL_VID, IkeVendorIdHash(IkeNattVersionName(p.natt.version)));
        if (p.exchange == isakmp::EXCH_AGGRESSIVE)
        {
            AddNatD(w, out, p);
        }
    }
    SendPh1Reply(w, p, raw, out.Serialize(), 2, true);
    SetPh1State(p, IkePh1State::MSG1SENT);
}

// ---- phase 1 messages ------------------------------------------------------------------------

void
IkeDaemon::HandlePh1(Work& w, Ph1& p, const IsakmpMessage& hm, const std::vector<uint8_t>& raw)
{
    IsakmpMessage m;
    std::string why;
    bool encrypted = hm.header.flags & isakmp::FLAG_ENC;
    IkeBytes nextIv; // kept once an encrypted message is accepted
    if (encrypted)
    {
        if (!p.keysReady)
        {
            Drop(IkeDrop::UNEXPECTED,
                 1,
                 "an encrypted message before the keys exist: " + p.Describe());
            return;
        }
        if (!DecryptPh1(w, p, raw, &m, &nextIv))
        {
            // A pre-shared key mismatch looks like garbage here.
            Fail(IkeFailure::PH1_AUTH_FAILED);
            SendNotify(w, &p, p.peer, hm.header, isakmp::N_PAYLOAD_MALFORMED);
            Drop(IkeDrop::UNDECRYPTABLE,
                 1,
                 "failed to decrypt or parse the message: " + p.Describe()
                     + " (probably a pre-shared key mismatch)");
            return;
        }
    }
    else if (!IsakmpMessage::Parse(raw, &m, &why))
    {
        Fail(IkeFailure::MALFORMED);
        Drop(IkeDrop::BAD_PAYLOAD, 1, "malformed message " + p.Describe() + ": " + why);
        return;
    }
    const IsakmpHeader& h = m.header;
    auto need = [&](uint8_t type) -> const IsakmpPayload*
    {
        return m.Find(type);
    };
    auto few = [&]()
    {
        Drop(IkeDrop::BAD_PAYLOAD, 1, kFewPayloads);
    };
    // The first payload must be the SA (ident_i2recv, agg_i2recv).
    auto saFirst = [&]()
    {
        if (m.payloads.empty() || m.payloads[0].type != isakmp::PL_SA)
        {
            Drop(IkeDrop::BAD_PAYLOAD,
                 1,
                 "received invalid next payload type "
                     + std::to_string(m.payloads.empty() ? 0 : m.payloads[0].type) + ", expecting "
                     + std::to_string(isakmp::PL_SA) + ".");
            return false;
        }
        return true;
    };
    // The transform the responder chose: one of ours, unchanged.
    auto chosenOfOurs = [&](const IsakmpPayload* sa, IkePh1Transform* got)
    {
        IsakmpSa chosenSa;
        if (!sa || !IsakmpSa::Decode(sa->body, &chosenSa, &why) || chosenSa.proposals.size() != 1
            || chosenSa.proposals[0].transforms.size() != 1
            || !IkeDecodePh1Transform(chosenSa.proposals[0].transforms[0], got, &why))
        {
            Log(1, "invalid SA payload in the responder's answer: " + why);
            Drop(IkeDrop::BAD_PROPOSAL, 1, "failed to get valid proposal.");
            return false;
        }
        IkePh1Transform own;
        IsakmpSa offer = IkePhase1Offer(*p.rm);
        for (const IsakmpTransform& t : offer.proposals[0].transforms)
        {
            if (IkeDecodePh1Transform(t, &own, &why) && own.cipher == got->cipher
                && own.keyBits == got->keyBits && own.hash == got->hash && own.group == got->group
                && own.auth == got->auth)
            {
                return true;
            }
        }
        Log(1, "the responder chose a transform we did not offer");
        Drop(IkeDrop::BAD_PROPOSAL, 1, "failed to get valid proposal.");
        return false;
    };

    if (p.exchange == isakmp::EXCH_IDENT && p.initiator)
    {
        switch (p.state)
        {
            case IkePh1State::MSG1SENT:
            { // MM2: HDR, SA
                IkePh1Transform got;
                if (!saFirst() || !OnlyPayloads(m, {isakmp::PL_VID}, 1)
                    || !chosenOfOurs(need(isakmp::PL_SA), &got))
                {
                    return;
                }
                AcceptPh1Message(p, h, 2, raw);
                p.rcookie = h.rcookie;
                p.Choose(got);
                HandleVids(p, m);
                if (p.natt.version != IkeNattVersion::NONE)
                {
                    Log(4, "Selected NAT-T version: " + IkeNattVersionName(p.natt.version));
                }
                SetPh1State(p, IkePh1State::MSG2RECEIVED);
                // MM3: our key pair first.
                SendMainKeyExchange(w, p, raw, 3);
                return;
            }
            case IkePh1State::MSG2SENT:
            { // MM4: HDR, KE, Nr
                if (!RecvMainKeyExchange(w, p, m, raw, 4, IkePh1State::MSG3RECEIVED)
                    || !ComputeKeys(w, p))
                {
                    return;
                }
                // ident_i3recv: floating once NAT is detected; MM5 goes to the NAT-T port.
                if (NatDetected(p))
                {
                    FloatPorts(p);
                }
                if (!SendMainIdHash(w, p, raw, 5))
                {
                    return;
                }
                SetPh1State(p, IkePh1State::MSG3SENT);
                return;
            }
            case IkePh1State::MSG3SENT:
            { // MM6: HDR*, IDir, HASH_R
                if (!RecvMainIdHash(w, p, m, raw, 6, nextIv))
                {
                    return;
                }
                SetPh1State(p, IkePh1State::MSG4RECEIVED);
                Ph1Established(w, p);
                return;
            }
            default:
                break; // unexpected: dropped below
        }
    }

    if (p.exchange == isakmp::EXCH_IDENT && !p.initiator)
    {
        switch (p.state)
        {
            case IkePh1State::MSG1SENT:
            { // MM3: HDR, KE, Ni
                if (!RecvMainKeyExchange(w, p, m, raw, 3, IkePh1State::MSG2RECEIVED))
                {
                    return;
                }
                SendMainKeyExchange(w, p, raw, 4);
                // ident_r2send: g^xy and the keys once MM4 is out.
                uint32_t id = p.id;
                w.Then(
                    [this, id](Work& w2)
                    {
                        if (Ph1* q = FindPh1Id(id))
                        {
                            ComputeKeys(w2, *q);
                        }
                    });
                return;
            }
            case IkePh1State::MSG2SENT:
            { // MM5: HDR*, IDii, HASH_I
                if (!RecvMainIdHash(w, p, m, raw, 5, nextIv))
                {
                    return;
                }
                SetPh1State(p, IkePh1State::MSG3RECEIVED);
                if (!SendMainIdHash(w, p, raw, 6))
                {
                    return;
                }
                Ph1Established(w, p);
                return;
            }
            default:
                break; // unexpected: dropped below
        }
    }

    if (p.exchange == isakmp::EXCH_AGGRESSIVE && p.initiator && p.state == IkePh1State::MSG1SENT)
    {
        // AM2: HDR, SA, KE, Nr, IDir, HASH_R.
        if (!saFirst()
            || !OnlyPayloads(m,
                             {isakmp::PL_KE,
                              isakmp::PL_NONCE,
                              isakmp::PL_ID,
                              isakmp::PL_HASH,
                              isakmp::PL_CR,
                              isakmp::PL_CERT,
                              isakmp::PL_SIG,
                              isakmp::PL_VID,
                              isakmp::PL_NOTIFY,
                              NatDType(p)},
                             1))
        {
            return;
        }
        const IsakmpPayload* ke = need(isakmp::PL_KE);
        const IsakmpPayload* nonce = need(isakmp::PL_NONCE);
        const IsakmpPayload* id = need(isakmp::PL_ID);
        const IsakmpPayload* hash = need(isakmp::PL_HASH);
        if (!ke || !nonce || !id || !hash)
        {
            few();
            return;
        }
        IkePh1Transform got;
        if (!chosenOfOurs(need(isakmp::PL_SA), &got))
        {
            return;
        }
        // agg_i2recv leaves the handle as it was when the answer does not verify.
        auto state = [&p]()
        {
            return std::tie(p.rcookie,
                            p.chosen,
                            p.hash,
                            p.cipher,
                            p.keyBytes,
                            p.gxr,
                            p.nr,
                            p.idirBody,
                            p.psk,
                            p.gxy,
                            p.keys,
                            p.keysReady,
                            p.iv);
        };
        auto before = std::apply(
            [](const auto&... f)
            {
                return std::make_tuple(f...);
            },
            state());
        auto restore = [&state, &before]()
        {
            state() = before;
        };
        p.rcookie = h.rcookie;
        p.Choose(got);
        HandleVids(p, m);
        if (p.natt.version != IkeNattVersion::NONE)
        {
            // agg_i2recv: both NAT bits set first, the NAT-D payloads clear them.
            Log(4, "Selected NAT-T version: " + IkeNattVersionName(p.natt.version));
            RecvNatD(w, p, m, true);
            if (NatDetected(p))
            {
                FloatPorts(p);
            }
        }
        p.gxr = ke->body;
        p.nr = nonce->body;
        p.idirBody = id->body;
        std::optional<IkeBytes> psk = LookupPsk(w, p);
        if (!psk)
        {
            return;
        }
        p.psk = *psk;
        if (!ComputeKeys(w, p, false))
        {
            restore();
            Drop(IkeDrop::BAD_PAYLOAD, 1, "invalid DH public value: " + p.Describe());
            return;
        }
        IkeBytes expect = Ph1Hash(w, p, false, p.idirBody);
        if (!PeerHashValid(w, p, h, expect, hash->body))
        {
            restore();
            return;
        }
        AcceptPh1Message(p, h, 2, raw);
        SetPh1State(p, IkePh1State::MSG2RECEIVED);
        IkeBytes hashI = Ph1Hash(w, p, true, p.idiiBody);
        IsakmpMessage out;
        out.Add(isakmp::PL_HASH, hashI);
        if (p.natt.version != IkeNattVersion::NONE)
        {
            // agg_i2send: NAT-D, from the NAT-T port once floated.
            AddNatD(w, out, p);
        }
        SendPh1Reply(w, p, raw, Ph1Message(w, p, out, false), 3, false);
        SetPh1State(p, IkePh1State::MSG2SENT);
        Ph1Established(w, p);
        return;
    }

    if (p.exchange == isakmp::EXCH_AGGRESSIVE && !p.initiator && p.state == IkePh1State::MSG1SENT)
    {
        // AM3: HDR, HASH_I.
        if (!OnlyPayloads(m,
                          {isakmp::PL_HASH,
                           isakmp::PL_VID,
                           isakmp::PL_CERT,
                           isakmp::PL_SIG,
                           isakmp::PL_NOTIFY,
                           NatDType(p)}))
        {
            return;
        }
        const IsakmpPayload* hash = need(isakmp::PL_HASH);
        if (!hash)
        {
            few();
            return;
        }
        if (!p.keysReady)
        {
            Drop(IkeDrop::UNEXPECTED, 1, "AM3 before the keys exist: " + p.Describe());
            return;
        }
        IkeBytes expect = Ph1Hash(w, p, true, p.idiiBody);
        if (!PeerHashValid(w, p, h, expect, hash->body))
        {
            return;
        }
        if (encrypted)
        {
            p.iv = nextIv;
        }
        if (p.natt.version != IkeNattVersion::NONE)
        {
            RecvNatD(w, p, m, false);
        }
        AcceptPh1Message(p, h, 3, raw);
        SetPh1State(p, IkePh1State::MSG2RECEIVED);
        Ph1Established(w, p);
        return;
    }

    Drop(IkeDrop::UNEXPECTED,
         2,
         "unexpected message in state " + IkePh1StateName(p.state) + ": " + p.Describe());
}

// ---- keys, encryption ----------------------------------------------------------------------

std::optional<std::vector<uint8_t>>
IkeDaemon::LookupPsk(Work& w, Ph1& p)
{
    // Main mode can only select the key by the peer's address (its ID is
    // still encrypted); aggressive mode tries the received ID first.
    std::string why;
    std::optional<std::vector<uint8_t>> key;
    if (m_psk)
    {
        if (p.exchange == isakmp::EXCH_AGGRESSIVE && !p.initiator && !p.idiiBody.empty())
        {
            IsakmpId id;
            if (IsakmpId::Decode(p.idiiBody, &id, &why))
            {
                key = m_psk->Lookup(id.ToString(), &why);
            }
        }
        if (!key)
        {
            key = m_psk->Lookup(p.peer.ToString(), &why);
        }
    }
    if (key)
    {
        return key;
    }
    bool weak = m_psk && why.find("permission") != std::string::npos;
    IkeFailure f = weak ? IkeFailure::PSK_WEAK_PERMISSION : IkeFailure::PSK_MISSING;
    if (weak)
    {
        Log(1, why);
    }
    Ph1Failed(w, p, f, "couldn't find the pskey for " + p.peer.ToString() + ".");
    return std::nullopt;
}

bool
IkeDaemon::ComputeKeys(Work& w, Ph1& p, bool failOnBadPublic)
{
    const IkeBytes& peerPublic = p.initiator ? p.gxr : p.gxi;
    if (!p.dh || !p.dh->ComputeShared(peerPublic, &p.gxy))
    {
        if (failOnBadPublic)
        {
            Ph1Failed(w, p, IkeFailure::MALFORMED, "invalid DH public value: " + p.Describe());
        }
        return false;
    }
    w.ChargeModexp(p.dh->GetGroup().bits, p.dh->GetExponentBits());
    p.keys = IkeDerivePhase1Psk(*p.hash,
                                *p.cipher,
                                p.keyBytes,
                                p.psk,
                                p.ni,
                                p.nr,
                                p.gxy,
                                p.gxi,
                                p.gxr,
                                CookieBytes(p.icookie),
                                CookieBytes(p.rcookie));
    // SKEYID, SKEYID_d/_a/_e, the key expansion, the IV hash.
    uint32_t n = static_cast<uint32_t>(p.gxy.size());
    w.ChargePrf(*p.hash, static_cast<uint32_t>(p.ni.size() + p.nr.size()));
    w.ChargePrf(*p.hash, n + 17);
    w.ChargePrf(*p.hash, n + 17 + p.hash->length);
    w.ChargePrf(*p.hash, n + 17 + p.hash->length);
    for (uint32_t have = p.hash->length; have < p.keyBytes; have += p.hash->length)
    {
        w.ChargePrf(*p.hash, p.hash->length);
    }
    w.ChargeHash(*p.hash, 2 * n);
    p.iv = p.keys.iv;
    p.keysReady = true;
    Log(5, "SKEYID computed: " + p.Describe());
    return true;
}

std::vector<uint8_t>
IkeDaemon::Ph1Message(Work& w, Ph1& p, IsakmpMessage m, bool encrypt)
{
    m.header.icookie = p.icookie;
    m.header.rcookie = p.rcookie;
    m.header.exchange = p.exchange;
    m.header.messageId = 0;
    w.ChargeMessage();
    if (!encrypt)
    {
        return m.Serialize();
    }
    m.header.flags |= isakmp::FLAG_ENC;
    std::vector<uint8_t> plain = m.SerializePayloads();
    // racoon's padding: to the block size, random bytes, the last one the
    // pad length less one (exclusive_tail).
    uint32_t bs = p.cipher->blockSize;
    uint32_t pad = bs - plain.size() % bs;
    IkeBytes fill = Random(pad);
    fill.back() = static_cast<uint8_t>(pad - 1);
    plain.insert(plain.end(), fill.begin(), fill.end());
    IkeBytes cipher;
    if (!Encrypt(*p.cipher, p.keys.encKey, p.iv, plain, &cipher))
    {
        // Fail closed: nothing is sent; the caller fails the phase 1.
        return {};
    }
    w.ChargeCipher(*p.cipher, static_cast<uint32_t>(plain.size()));
    p.iv.assign(cipher.end() - bs, cipher.end());
    return m.Serialize(cipher);
}

bool
IkeDaemon::DecryptPh1(Work& w,
                      Ph1& p,
                      const std::vector<uint8_t>& raw,
                      IsakmpMessage* m,
                      std::vector<uint8_t>* nextIv)
{
    std::string why;
    if (!IsakmpMessage::ParseHeader(raw, &m->header, &why))
    {
        return false;
    }
    uint32_t bs = p.cipher->blockSize;
    IkeBytes body(raw.begin() + IsakmpHeader::SIZE, raw.end());
    if (body.empty() || body.size() % bs != 0)
    {
        return false;
    }
    IkeBytes plain;
    w.ChargeCipher(*p.cipher, static_cast<uint32_t>(body.size()));
    if (!IkeCbcDecrypt(*p.cipher, p.keys.encKey, p.iv, body, &plain)
        || !IsakmpMessage::ParsePayloads(m->header.nextPayload, plain, &m->payloads, &why))
    {
        return false;
    }
    // The IV after this message; racoon synchronises to it (ivm->iv = ivm->ive)
    // only once the message verified (ident_r3recv, ident_i4recv).
    nextIv->assign(body.end() - bs, body.end());
    return true;
}

// ---- outcomes ----------------------------------------------------------------------------------

void
IkeDaemon::SetPh1State(Ph1& p, IkePh1State s)
{
    IkePh1State old = p.state;
    p.state = s;
    m_ph1Trace(old, s, p.initiator, p.peer);
}

IkeBytes
IkeDaemon::Ph1Hash(Work& w, const Ph1& p, bool initiators, const IkeBytes& idBody)
{
    // RFC 2409 section 5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R |
    // SAi_b | IDii_b), HASH_R the same with g^xr | g^xi, CKY-R | CKY-I, IDir_b.
    IkeBytes hash = IkePhase1Hash(*p.hash,
                                  p.keys.skeyid,
                                  initiators,
                                  p.gxi,
                                  p.gxr,
                                  CookieBytes(p.icookie),
                                  CookieBytes(p.rcookie),
                                  p.saiBody,
                                  idBody);
    w.ChargePrf(*p.hash, static_cast<uint32_t>(2 * p.gxi.size() + 16 + p.saiBody.size()));
    return hash;
}

bool
IkeDaemon::PeerHashValid(
    Work& w, Ph1& p, const IsakmpHeader& h, const IkeBytes& expected, const IkeBytes& received)
{
    if (expected == received)
    {
        return true;
    }
    // oakley_validate_auth: the exchange times out unless the real message follows.
    Fail(IkeFailure::PH1_AUTH_FAILED);
    SendNotify(w, &p, p.peer, h, isakmp::N_INVALID_HASH_INFORMATION);
    Drop(IkeDrop::BAD_HASH, 1, "HASH mismatched");
    return false;
}

void
IkeDaemon::AcceptPh1Message(Ph1& p,
                            const IsakmpHeader& h,
                            uint32_t number,
                            const std::vector<uint8_t>& raw)
{
    m_messageTrace(Direction::RECEIVED, p.peer, h.exchange, number, raw.size(), false);
    StopRetry(p.id, true);
    p.lastReceived = raw;
    p.lastReply.clear(); // the reply to it, if any, is set when sent
}

void
IkeDaemon::SendPh1Reply(Work& w,
                        Ph1& p,
                        const std::vector<uint8_t>& answered,
                        const std::vector<uint8_t>& bytes,
                        uint32_t number,
                        bool resend)
{
    p.lastReply = bytes;
    p.lastReplyNumber = number;
    AddRecvd(answered, p.peer, bytes, p.exchange, number, PathOf(p));
    if (resend)
    {
        SendWithRetry(w, p.id, true, p.peer, bytes, p.exchange, number);
    }
    else
    {
        SendIsakmp(w, p.peer, bytes, p.exchange, number, false, PathOf(p));
    }
}

void
IkeDaemon::MakeKeyExchange(Work& w, Ph1& p, uint16_t group)
{
    const IkeDhGroup* g = IkeDhGroup::ById(group);
    p.dh = std::make_unique<IkeDh>(*g, Random(g->bits / 8), m_exponentBits);
    w.ChargeModexp(g->bits, p.dh->GetExponentBits());
    (p.initiator ? p.gxi : p.gxr) = p.dh->GetPublic();
    (p.initiator ? p.ni : p.nr) = Random(p.rm->nonceSize);
}

void
IkeDaemon::SendMainKeyExchange(Work& w,
                               Ph1& p,
                               const std::vector<uint8_t>& answered,
                               uint32_t number)
{
    MakeKeyExchange(w, p, p.chosen.group);
    IsakmpMessage out;
    out.Add(isakmp::PL_KE, p.initiator ? p.gxi : p.gxr);
    out.Add(isakmp::PL_NONCE, p.initiator ? p.ni : p.nr);
    if (p.natt.version != IkeNattVersion::NONE)
    {
        // ident_ir2mx_send: NAT-D in MM3 and MM4.
        AddNatD(w, out, p);
    }
    SendPh1Reply(w, p, answered, Ph1Message(w, p, out, false), number, true);
    SetPh1State(p, IkePh1State::MSG2SENT);
}

bool
IkeDaemon::SendMainIdHash(Work& w, Ph1& p, const std::vector<uint8_t>& answered, uint32_t number)
{
    IkeBytes& idBody = p.initiator ? p.idiiBody : p.idirBody;
    idBody = MyId(p.rm, p.local).Encode();
    IkeBytes hash = Ph1Hash(w, p, p.initiator, idBody);
    IsakmpMessage out;
    out.Add(isakmp::PL_ID, idBody);
    out.Add(isakmp::PL_HASH, hash);
    std::vector<uint8_t> bytes = Ph1Message(w, p, out, true);
    if (bytes.empty())
    {
        // ph1_main fails and isakmp_main deletes the phase 1 (racoon's line).
        Ph1Failed(w, p, IkeFailure::ENCRYPT_FAILED, "phase1 negotiation failed.");
        return false;
    }
    // The responder's MM6 is the exchange's last message: sent once.
    SendPh1Reply(w, p, answered, bytes, number, p.initiator);
    return true;
}

bool
IkeDaemon::RecvMainKeyExchange(Work& w,
                               Ph1& p,
                               const IsakmpMessage& m,
                               const std::vector<uint8_t>& raw,
                               uint32_t number,
                               IkePh1State next)
{
    if (!OnlyPayloads(
            m, {isakmp::PL_KE, isakmp::PL_NONCE, isakmp::PL_VID, isakmp::PL_CR, NatDType(p)}))
    {
        return false;
    }
    const IsakmpPayload* ke = m.Find(isakmp::PL_KE);
    const IsakmpPayload* nonce = m.Find(isakmp::PL_NONCE);
    if (!ke || !nonce)
    {
        Drop(IkeDrop::BAD_PAYLOAD, 1, kFewPayloads);
        return false;
    }
    AcceptPh1Message(p, m.header, number, raw);
    (p.initiator ? p.gxr : p.gxi) = ke->body;
    (p.initiator ? p.nr : p.ni) = nonce->body;
    if (p.natt.version != IkeNattVersion::NONE)
    {
        RecvNatD(w, p, m, false);
    }
    SetPh1State(p, next);
    std::optional<IkeBytes> psk = LookupPsk(w, p);
    if (!psk)
    {
        return false;
    }
    p.psk = *psk;
    return true;
}

bool
IkeDaemon::RecvMainIdHash(Work& w,
                          Ph1& p,
                          const IsakmpMessage& m,
                          const std::vector<uint8_t>& raw,
                          uint32_t number,
                          const IkeBytes& nextIv)
{
    // These must arrive encrypted (ident_r3recv, ident_i4recv).
    if (!(m.header.flags & isakmp::FLAG_ENC))
    {
        Drop(IkeDrop::UNEXPECTED,
             1,
             std::string(p.initiator ? "ignore" : "reject")
                 + " the packet, expecting the packet encrypted.");
        return false;
    }
    // A certificate request may come with MM5 only.
    const bool only = p.initiator ? OnlyPayloads(m,
                                                 {isakmp::PL_ID,
                                                  isakmp::PL_HASH,
                                                  isakmp::PL_CERT,
                                                  isakmp::PL_SIG,
                                                  isakmp::PL_VID,
                                                  isakmp::PL_NOTIFY})
                                  : OnlyPayloads(m,
                                                 {isakmp::PL_ID,
                                                  isakmp::PL_HASH,
                                                  isakmp::PL_CR,
                                                  isakmp::PL_CERT,
                                                  isakmp::PL_SIG,
                                                  isakmp::PL_VID,
                                                  isakmp::PL_NOTIFY});
    if (!only)
    {
        return false;
    }
    const IsakmpPayload* id = m.Find(isakmp::PL_ID);
    const IsakmpPayload* hash = m.Find(isakmp::PL_HASH);
    if (!id || !hash)
    {
        Drop(IkeDrop::BAD_PAYLOAD, 1, kFewPayloads);
        return false;
    }
    // The peer's hash: HASH_I from the initiator, HASH_R from the responder.
    IkeBytes expect = Ph1Hash(w, p, !p.initiator, id->body);
    if (!PeerHashValid(w, p, m.header, expect, hash->body))
    {
        return false;
    }
    if (!PeerIdAcceptable(p.rm, id->body, p.peer))
    {
        Ph1Failed(w, p, IkeFailure::PH1_AUTH_FAILED, "mismatched ID: " + p.Describe());
        return false;
    }
    p.iv = nextIv; // the IV advances with an accepted message only
    AcceptPh1Message(p, m.header, number, raw);
    (p.initiator ? p.idirBody : p.idiiBody) = id->body;
    return true;
}

void
IkeDaemon::Ph1Established(Work& w, Ph1& p)
{
    SetPh1State(p, IkePh1State::ESTABLISHED);
    m_stats.ph1Established++;
    Time took = Simulator::Now() - p.started;
    m_negotiationTrace(1, true, IkeFailure::COUNT, p.peer, took);
    Log(4, "ISAKMP-SA established " + p.Describe());
    // ph1_main: INITIAL-CONTACT once per peer (racoon's contacted list),
    // unless the remote says initial_contact off.
    if ((!p.rm || p.rm->initialContact) && m_contacted.insert(p.peer).second)
    {
        IsakmpHeader about;
        about.icookie = p.icookie;
        about.rcookie = p.rcookie;
        SendNotify(w, &p, p.peer, about, isakmp::N_INITIAL_CONTACT);
        m_stats.initialContactsSent++;
    }
    Phase1Keys keys;
    keys.icookie.assign(p.icookie.begin(), p.icookie.end());
    keys.rcookie.assign(p.rcookie.begin(), p.rcookie.end());
    keys.cipher = p.cipher->name;
    keys.keyBits = p.keyBytes * 8;
    keys.hash = p.hash->name;
    keys.encKey = p.keys.encKey;
    keys.initiator = p.initiator;
    keys.skeyidA = p.keys.skeyidA;
    keys.iv = p.iv;
    m_phase1KeysTrace(keys);
    uint32_t id = p.id;
    Time life = Seconds(p.chosen.lifeSeconds ? p.chosen.lifeSeconds : 28800);
    p.expire = Simulator::Schedule(life,
                                   [this, id]()
                                   {
                                       Run("isakmp-sa expire",
                                           [this, id](Work&)
                                           {
                                               if (Ph1* q = FindPh1Id(id))
                                               {
                                                   SetPh1State(*q, IkePh1State::EXPIRED);
                                                   Log(4, "ISAKMP-SA expired " + q->Describe());
                                                   StopRetry(id, true);
                                                   m_ph1.erase(id);
                                               }
                                           });
                                   });
    // The phase-2 negotiations that waited for it.
    std::vector<uint32_t> waiting;
    waiting.swap(p.waiting);
    for (uint32_t ph2id : waiting)
    {
        if (Ph2* ph2 = FindPh2(ph2id))
        {
            if (ph2->state == IkePh2State::STATUS)
            {
                Simulator::Cancel(ph2->poll);
                ph2->ph1 = p.id;
                StartPh2(w, *ph2);
            }
        }
    }
}

void
IkeDaemon::Ph1Failed(Work& w, Ph1& p, IkeFailure why, const std::string& text)
{
    (void) w;
    Fail(why);
    Log(1, text);
    m_negotiationTrace(1, false, why, p.peer, Simulator::Now() - p.started);
    StopRetry(p.id, true);
    Simulator::Cancel(p.expire);
    SetPh1State(p, IkePh1State::EXPIRED);
    // The phase 2s waiting for it go on polling until their phase1 wait is over.
    m_ph1.erase(p.id);
}

// ---- NAT traversal -------------------------------------------------------------------------

void
IkeDaemon::AddNattVids(IsakmpMessage& m) const
{
    // isakmp_plist_append_natt_vids: every version this build knows.
    for (const IkeNattVendorId& v : IkeNattVendorIds())
    {
        if (v.enabled)
        {
            m.Add(isakmp::PL_VID, IkeVendorIdHash(v.text));
        }
    }
}

void
IkeDaemon::HandleVids(Ph1& p, const IsakmpMessage& m)
{
    for (const IsakmpPayload* vid : m.FindAll(isakmp::PL_VID))
    {
        IkeNattVersion v = IkeNattVersionOf(vid->body);
        if (v == IkeNattVersion::NONE)
        {
            Log(5, "received unknown Vendor ID");
            continue;
        }
        Log(4, "received Vendor ID: " + IkeNattVersionName(v));
        // natt_handle_vendorid: only when the remote allows NAT-T; the
        // highest version announced wins.
        if (!p.rm || p.rm->natTraversal == RacoonNatTraversal::OFF)
        {
            continue;
        }
        if (static_cast<uint8_t>(p.natt.version) < static_cast<uint8_t>(v))
        {
            p.natt = IkeNattOptionsFor(v);
        }
    }
}

uint8_t
IkeDaemon::NatDType(const Ph1& p) const
{
    return p.natt.version == IkeNattVersion::NONE ? isakmp::PL_NONE : p.natt.payloadNatD;
}

void
IkeDaemon::AddNatD(Work& w, IsakmpMessage& m, const Ph1& p)
{
    // natt_hash_addr: the peer's address and port first, then ours, each
    // as this side sees them; zeros for the address with "force".
    bool force = p.rm && p.rm->natTraversal == RacoonNatTraversal::FORCE;
    for (int i = 0; i < 2; ++i)
    {
        const IpsecAddress& a = i == 0 ? p.peer : p.local;
        uint16_t port = i == 0 ? p.peerPort : p.localPort;
        Log(4,
            "Hashing " + a.ToString() + "[" + std::to_string(port) + "] with algo #"
                + std::to_string(p.chosen.hash) + (force ? " (NAT-T forced)" : " "));
        m.Add(p.natt.payloadNatD, IkeNatDHash(*p.hash, p.icookie, p.rcookie, a, port, force));
        w.ChargeHash(*p.hash, 16 + a.Size() + 2);
    }
}

void
IkeDaemon::RecvNatD(Work& w, Ph1& p, const IsakmpMessage& m, bool detectFirst)
{
    // The exchanges' *_recv: the first NAT-D sets both NAT bits, each one
    // that verifies clears its own (natt_compare_addr_hash: the first is
    // our address as the peer sees it, the others the peer's).
    bool force = p.rm && p.rm->natTraversal == RacoonNatTraversal::FORCE;
    if (detectFirst)
    {
        p.natDetectedMe = p.natDetectedPeer = true;
    }
    int seq = 0;
    for (const IsakmpPayload* natd : m.FindAll(p.natt.payloadNatD))
    {
        if (seq == 0)
        {
            p.natDetectedMe = p.natDetectedPeer = true;
        }
        bool verified = false;
        if (!force)
        {
            const IpsecAddress& a = seq == 0 ? p.local : p.peer;
            uint16_t port = seq == 0 ? p.localPort : p.peerPort;
            IkeBytes expect = IkeNatDHash(*p.hash, p.icookie, p.rcookie, a, port);
            w.ChargeHash(*p.hash, 16 + a.Size() + 2);
            verified = expect == natd->body;
            if (verified)
            {
                (seq == 0 ? p.natDetectedMe : p.natDetectedPeer) = false;
            }
        }
        Log(4,
            "NAT-D payload #" + std::to_string(seq) + (verified ? " verified" : " doesn't match"));
        ++seq;
    }
    bool detected = p.natDetectedMe || p.natDetectedPeer;
    Log(4,
        std::string("NAT ") + (detected ? "detected: " : "not detected ")
            + (p.natDetectedMe ? "ME " : "") + (p.natDetectedPeer ? "PEER" : ""));
    if (detected && !p.natDecided)
    {
        m_stats.nattDetected++;
    }
    p.natDecided = true;
}

bool
IkeDaemon::NatDetected(const Ph1& p) const
{
    return p.natt.version != IkeNattVersion::NONE && (p.natDetectedMe || p.natDetectedPeer);
}

void
IkeDaemon::FloatPorts(Ph1& p)
{
    // natt_float_ports.
    if (!p.natt.floatPort)
    {
        AddKeepalive(p);
        return;
    }
    if (!(p.peer.IsV6() ? m_nattSocket6 : m_nattSocket4))
    {
        Log(1,
            "NAT-T: no socket on port " + std::to_string(m_nattPort)
                + " (listen { isakmp_natt }): not floating " + p.Describe());
        return;
    }
    if (p.localPort != m_nattPort || p.peerPort != m_nattPort)
    {
        m_stats.nattFloated++;
    }
    p.localPort = m_nattPort;
    p.peerPort = m_nattPort;
    p.portsChanged = true;
    p.marker = true;
    AddKeepalive(p);
}

void
IkeDaemon::AddKeepalive(Ph1& p)
{
    // natt_keepalive_add_ph1: racoon queues every phase 1 with a NAT on
    // either side (the NAT_DETECTED_ME-only variant is a comment in it).
    if (NatDetected(p) && !p.kaQueued)
    {
        p.kaQueued = true;
        Log(4,
            "KA list add: " + p.local.ToString() + "[" + std::to_string(p.localPort) + "]->"
                + p.peer.ToString() + "[" + std::to_string(p.peerPort) + "]");
    }
}

void
IkeDaemon::SendKeepalives()
{
    if (!m_running)
    {
        return;
    }
    // natt_keepalive_send: one datagram per (source, destination) pair of
    // the list, whatever the number of phase 1s sharing it.
    std::set<std::tuple<IpsecAddress, uint16_t, IpsecAddress, uint16_t>> sent;
    for (auto& [id, ph1] : m_ph1)
    {
        Ph1& p = *ph1;
        if (!p.kaQueued || p.state == IkePh1State::EXPIRED)
        {
            continue;
        }
        if (!sent.insert({p.local, p.localPort, p.peer, p.peerPort}).second)
        {
            continue;
        }
        bool natt = p.localPort == m_nattPort && p.localPort != m_port;
        Ptr<Socket> s = natt ? (p.peer.IsV6() ? m_nattSocket6 : m_nattSocket4)
                             : (p.peer.IsV6() ? m_socket6 : m_socket4);
        if (!s)
        {
            continue;
        }
        Log(5,
            "KA: " + p.local.ToString() + "[" + std::to_string(p.localPort) + "]->"
                + p.peer.ToString() + "[" + std::to_string(p.peerPort) + "]");
        uint8_t ka = 0xff;
        Address to = p.peer.IsV6() ? Address(Inet6SocketAddress(p.peer.ToIpv6(), p.peerPort))
                                   : Address(InetSocketAddress(p.peer.ToIpv4(), p.peerPort));
        s->SendTo(Create<Packet>(&ka, 1), 0, to);
        m_stats.keepalivesSent++;
    }
    m_keepalive = Simulator::Schedule(m_conf.timer.nattKeepalive, &IkeDaemon::SendKeepalives, this);
}

} // namespace ns3
