// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipsec-ike-bad-input: what the simulated racoon does with ISAKMP datagrams
 * an attacker sends it.  The NetBSD IPsec FAQ's IKE example (IpsecIkeFaqHelper:
 * A 10.1.1.1 -- router -- B 20.1.1.1, racoon's sample racoon.conf, the FAQ's
 * psk.txt, pings from A to B) runs, and the router -- the third party on the
 * path -- watches the ISAKMP datagrams going by, may swallow some, and sends
 * its own to B's (or A's) UDP port 500 straight onto the link, from any
 * source address it likes (A's, a third party's).
 *
 * The attack datagrams are written out byte by byte here, from RFC 2408
 * section 3 (the header, the generic payload header, SA, Proposal,
 * Transform, ID, HASH, Nonce, Notification), never with the module's ISAKMP
 * encoder; encrypted ones are encrypted here with OpenSSL (3DES-CBC, the
 * IVs of RFC 2409 appendix B, HASH(1) of section 5.5) under the phase-1 key
 * the daemons' Phase1Keys trace (the key log) gives, and the phase-1 IV is
 * computed here from the KE payloads and the last block seen on the wire.
 *
 * Each case checks, from the protocol and racoon's code (isakmp_handler,
 * isakmp_main, ph1_main, quick_main, check_recvdpkt, the ident_* / agg_* /
 * quick_* receive functions, isakmp_info_recv):
 *  - which typed drop counter moved, for exactly which datagram (the Drop
 *    trace names the datagram), and that nothing else was dropped;
 *  - racoon's log line;
 *  - that no SA came from the attack (the SADs as before it, no larval SA);
 *  - that the simulation ran to its end (no crash);
 *  - that the legitimate negotiation still succeeds, or fails as racoon's
 *    would.
 * Checksums are on (as in every suite of the runner); nothing waits on the
 * wall clock.
 */
#include "common/ipsec-ike-faq-helper.h"
#include "ipsec-test-base.h"
#include "ns3/boolean.h"
#include "ns3/core-module.h"
#include "ns3/error-model.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <algorithm>
#include <functional>
#include <map>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <set>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

using Bytes = std::vector<uint8_t>;

// ===========================================================================
// RFC 2408 section 3, by hand
// ===========================================================================

// Payload types (3.1) and exchange types.
constexpr uint8_t NP_NONE = 0;
constexpr uint8_t NP_SA = 1;
constexpr uint8_t NP_P = 2;
constexpr uint8_t NP_T = 3;
constexpr uint8_t NP_KE = 4;
constexpr uint8_t NP_ID = 5;
constexpr uint8_t NP_HASH = 8;
constexpr uint8_t NP_NONCE = 10;
constexpr uint8_t NP_N = 11;
constexpr uint8_t NP_VID = 13;
constexpr uint8_t NP_NATD = 20;  // RFC 3947 section 3.2
constexpr uint8_t NP_NATOA = 21; // RFC 3947 section 5.2
constexpr uint8_t ET_BASE = 1;
constexpr uint8_t ET_IDENT = 2;
constexpr uint8_t ET_AUTH = 3;
constexpr uint8_t ET_AGG = 4;
constexpr uint8_t ET_INFO = 5;
constexpr uint8_t ET_QUICK = 32;
constexpr uint8_t ET_NEWGRP = 33;
constexpr uint8_t FLAG_E = 0x01;
constexpr uint8_t FLAG_C = 0x02;

void
Put16(Bytes& b, uint16_t v)
{
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}

void
Put32(Bytes& b, uint32_t v)
{
    Put16(b, static_cast<uint16_t>(v >> 16));
    Put16(b, static_cast<uint16_t>(v));
}

Bytes
Be32(uint32_t v)
{
    Bytes b;
    Put32(b, v);
    return b;
}

Bytes
Cat(Bytes a, const Bytes& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// One payload: its type and its body (what follows the generic header).
struct Pl
{
    uint8_t type;
    Bytes body;
};

/// The chain of generic payload headers (3.2): next payload, RESERVED, length.
Bytes
Chain(const std::vector<Pl>& pls)
{
    Bytes out;
    for (size_t i = 0; i < pls.size(); ++i)
    {
        out.push_back(i + 1 < pls.size() ? pls[i + 1].type : NP_NONE);
        out.push_back(0);
        Put16(out, static_cast<uint16_t>(4 + pls[i].body.size()));
        out = Cat(out, pls[i].body);
    }
    return out;
}

/// The fixed header (3.1) with an explicit length field.
Bytes
Header(const Bytes& icky,
       const Bytes& rcky,
       uint8_t next,
       uint8_t exchange,
       uint8_t flags,
       uint32_t msgid,
       uint32_t length,
       uint8_t version = 0x10)
{
    Bytes h = Cat(icky, rcky);
    h.push_back(next);
    h.push_back(version);
    h.push_back(exchange);
    h.push_back(flags);
    Put32(h, msgid);
    Put32(h, length);
    return h;
}

/// A whole unencrypted message.
Bytes
Message(const Bytes& icky, const Bytes& rcky, uint8_t exchange, const std::vector<Pl>& pls)
{
    Bytes chain = Chain(pls);
    return Cat(Header(icky,
                      rcky,
                      pls.empty() ? NP_NONE : pls[0].type,
                      exchange,
                      0,
                      0,
                      static_cast<uint32_t>(28 + chain.size())),
               chain);
}

/// A data attribute (3.3), basic (TV) form.
Bytes
Tv(uint16_t type, uint16_t value)
{
    Bytes b;
    Put16(b, 0x8000 | type);
    Put16(b, value);
    return b;
}

/// A data attribute, variable (TLV) form with a 4-byte value.
Bytes
Tlv32(uint16_t type, uint32_t value)
{
    Bytes b;
    Put16(b, type);
    Put16(b, 4);
    Put32(b, value);
    return b;
}

/// A Transform payload (3.6), generic header included.
Bytes
Transform(uint8_t next, uint8_t number, uint8_t id, const Bytes& attributes)
{
    Bytes b{next, 0};
    Put16(b, static_cast<uint16_t>(8 + attributes.size()));
    b.push_back(number);
    b.push_back(id);
    Put16(b, 0);
    return Cat(b, attributes);
}

/// A Proposal payload (3.5), generic header included; @p count is its # of transforms.
Bytes
Proposal(uint8_t number, uint8_t protocol, const Bytes& spi, uint8_t count, const Bytes& transforms)
{
    Bytes b{NP_NONE, 0};
    Put16(b, static_cast<uint16_t>(8 + spi.size() + transforms.size()));
    b.push_back(number);
    b.push_back(protocol);
    b.push_back(static_cast<uint8_t>(spi.size()));
    b.push_back(count);
    return Cat(Cat(b, spi), transforms);
}

/// An SA payload body (3.4, RFC 2407 4.6.1): IPsec DOI, SIT_IDENTITY_ONLY.
Bytes
SaBody(const Bytes& proposals)
{
    Bytes b;
    Put32(b, 1);
    Put32(b, 1);
    return Cat(b, proposals);
}

/// racoon's sample proposal: 3DES, SHA1, pre-shared key, MODP-1024, 24 hours
/// (RFC 2409 appendix A attribute numbers), plus @p extra attributes.
Bytes
Ph1Sa(const Bytes& extra = {})
{
    Bytes attrs = Cat(Tv(1, 5), Tv(2, 2));
    attrs = Cat(attrs, Tv(3, 1));
    attrs = Cat(attrs, Tv(4, 2));
    attrs = Cat(attrs, Tv(11, 1));
    attrs = Cat(attrs, Tlv32(12, 86400));
    attrs = Cat(attrs, extra);
    return SaBody(Proposal(1, 1, {}, 1, Transform(NP_NONE, 1, 1, attrs)));
}

/// An ESP proposal (RFC 2407 4.4.4, 4.5): 3DES, HMAC-SHA1, transport, PFS
/// MODP-1024, 12 hours, SPI @p spi; @p extra attributes appended.
Bytes
EspSa(uint32_t spi, const Bytes& extra = {})
{
    Bytes attrs = Cat(Tv(1, 1), Tlv32(2, 43200));
    attrs = Cat(attrs, Tv(3, 2));
    attrs = Cat(attrs, Tv(4, 2));
    attrs = Cat(attrs, Tv(5, 2));
    attrs = Cat(attrs, extra);
    return SaBody(Proposal(1, 3, Be32(spi), 1, Transform(NP_NONE, 1, 3, attrs)));
}

/// An ID payload body (RFC 2407 4.6.2): an address, protocol and port 0.
Bytes
IdBody(const IpsecAddress& a)
{
    Bytes b{static_cast<uint8_t>(a.IsV6() ? 5 : 1), 0, 0, 0};
    if (a.IsV6())
    {
        uint8_t buf[16];
        a.ToIpv6().Serialize(buf);
        b.insert(b.end(), buf, buf + 16);
    }
    else
    {
        uint8_t buf[4];
        a.ToIpv4().Serialize(buf);
        b.insert(b.end(), buf, buf + 4);
    }
    return b;
}

/// A Notification payload body (3.14) about an ISAKMP SA.
Bytes
NotifyBody(uint16_t type, const Bytes& spi)
{
    Bytes b;
    Put32(b, 1);
    b.push_back(1);
    b.push_back(static_cast<uint8_t>(spi.size()));
    Put16(b, type);
    return Cat(b, spi);
}

/// @p n bytes of a recognisable pattern.
Bytes
Pattern(size_t n, uint8_t seed)
{
    Bytes b(n);
    for (size_t i = 0; i < n; ++i)
    {
        b[i] = static_cast<uint8_t>(seed + 37 * i + 1);
    }
    return b;
}

// ---- reading what went by -------------------------------------------------

struct Isakmp
{
    Bytes icky;
    Bytes rcky;
    uint8_t next{0};
    uint8_t exchange{0};
    uint8_t flags{0};
    uint32_t msgid{0};
    Bytes body; ///< after the header
};

bool
ReadIsakmp(const Bytes& b, Isakmp* out)
{
    if (b.size() < 28)
    {
        return false;
    }
    out->icky.assign(b.begin(), b.begin() + 8);
    out->rcky.assign(b.begin() + 8, b.begin() + 16);
    out->next = b[16];
    out->exchange = b[18];
    out->flags = b[19];
    out->msgid = (uint32_t(b[20]) << 24) | (b[21] << 16) | (b[22] << 8) | b[23];
    out->body.assign(b.begin() + 28, b.end());
    return true;
}

/// The payloads of a plaintext chain (trailing padding ignored).
std::vector<Pl>
Walk(uint8_t first, const Bytes& chain)
{
    std::vector<Pl> out;
    size_t off = 0;
    for (uint8_t type = first; type != NP_NONE;)
    {
        if (off + 4 > chain.size())
        {
            return {};
        }
        uint16_t len = (chain[off + 2] << 8) | chain[off + 3];
        if (len < 4 || off + len > chain.size())
        {
            return {};
        }
        out.push_back({type, Bytes(chain.begin() + off + 4, chain.begin() + off + len)});
        type = chain[off];
        off += len;
    }
    return out;
}

const Pl*
FindPl(const std::vector<Pl>& pls, uint8_t type)
{
    for (const Pl& p : pls)
    {
        if (p.type == type)
        {
            return &p;
        }
    }
    return nullptr;
}

/// The body of @p m's first payload of @p type (unencrypted messages; empty if none).
Bytes
Body(const Isakmp& m, uint8_t type)
{
    std::vector<Pl> pls = Walk(m.next, m.body);
    const Pl* p = FindPl(pls, type);
    return p ? p->body : Bytes();
}

// ---- OpenSSL, directly ----------------------------------------------------

Bytes
Sha1(const Bytes& data)
{
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha1(), nullptr);
    out.resize(n);
    return out;
}

Bytes
HmacSha1(const Bytes& key, const Bytes& data)
{
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int n = 0;
    HMAC(EVP_sha1(),
         key.data(),
         static_cast<int>(key.size()),
         data.data(),
         data.size(),
         out.data(),
         &n);
    out.resize(n);
    return out;
}

/// 3DES-CBC without padding (whole blocks).
Bytes
Des3(bool encrypt, const Bytes& key, const Bytes& iv, const Bytes& data)
{
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    Bytes out(data.size() + 8);
    int n = 0;
    int m = 0;
    EVP_CipherInit_ex(ctx, EVP_des_ede3_cbc(), nullptr, key.data(), iv.data(), encrypt ? 1 : 0);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    EVP_CipherUpdate(ctx, out.data(), &n, data.data(), static_cast<int>(data.size()));
    EVP_CipherFinal_ex(ctx, out.data() + n, &m);
    EVP_CIPHER_CTX_free(ctx);
    out.resize(n + m);
    return out;
}

/// @p chain padded to the 3DES block (RFC 2409 5.3: the last byte the pad length).
Bytes
Padded(Bytes chain)
{
    size_t pad = 8 - chain.size() % 8;
    for (size_t i = 1; i < pad; ++i)
    {
        chain.push_back(0);
    }
    chain.push_back(static_cast<uint8_t>(pad - 1));
    return chain;
}

/// An encrypted message: the header, then @p pls encrypted under @p key and @p iv.
Bytes
Encrypted(const Bytes& icky,
          const Bytes& rcky,
          uint8_t exchange,
          uint32_t msgid,
          const std::vector<Pl>& pls,
          const Bytes& key,
          const Bytes& iv)
{
    Bytes cipher = Des3(true, key, iv, Padded(Chain(pls)));
    return Cat(Header(icky,
                      rcky,
                      pls[0].type,
                      exchange,
                      FLAG_E,
                      msgid,
                      static_cast<uint32_t>(28 + cipher.size())),
               cipher);
}

/// The phase-2 IV (RFC 2409 appendix B): hash(last phase-1 CBC block | M-ID), one block.
Bytes
Phase2Iv(const Bytes& lastBlock, uint32_t msgid)
{
    Bytes h = Sha1(Cat(lastBlock, Be32(msgid)));
    h.resize(8);
    return h;
}

// ===========================================================================
// The run: the FAQ's example with a router that watches and injects
// ===========================================================================

/// An ISAKMP datagram the router saw.
struct Seen
{
    Time at;
    bool fromA{false};
    Bytes bytes;
};

/// A drop the Drop trace reported.
struct DropSeen
{
    IkeDrop reason;
    IpsecAddress from;
    Bytes bytes;
};

/**
 * Intercepts every frame a router's device receives: records the ISAKMP
 * datagrams (UDP 500 to 500) and drops those the sink says.
 */
class TapErrorModel : public ErrorModel
{
  public:
    std::function<bool(const Bytes& isakmp)> onIsakmp;

  private:
    bool DoCorrupt(Ptr<Packet> p) override
    {
        Bytes f(p->GetSize());
        p->CopyData(f.data(), f.size());
        // PPP (RFC 1661) protocol: 0x0021 IPv4, 0x0057 IPv6.
        if (f.size() < 2)
        {
            return false;
        }
        uint16_t proto = (f[0] << 8) | f[1];
        size_t ip = 2;
        size_t udp = 0;
        if (proto == 0x0021 && f.size() >= ip + 20 && f[ip + 9] == 17
            && (((f[ip + 6] & 0x3f) << 8) | f[ip + 7]) == 0 && !(f[ip + 6] & 0x20))
        {
            udp = ip + 4 * (f[ip] & 0x0f);
        }
        else if (proto == 0x0057 && f.size() >= ip + 40 && f[ip + 6] == 17)
        {
            udp = ip + 40;
        }
        if (udp == 0 || f.size() < udp + 8)
        {
            return false;
        }
        uint16_t sport = (f[udp] << 8) | f[udp + 1];
        uint16_t dport = (f[udp + 2] << 8) | f[udp + 3];
        uint16_t len = (f[udp + 4] << 8) | f[udp + 5];
        if (sport != 500 || dport != 500 || len < 8 || udp + len > f.size())
        {
            return false;
        }
        return onIsakmp && onIsakmp(Bytes(f.begin() + udp + 8, f.begin() + udp + len));
    }

    void DoReset() override {}
};

/// (src, dst, spi, state) of every SA of @p node's SAD.
std::set<std::string>
SadState(Ptr<Node> node)
{
    std::set<std::string> out;
    for (const Ptr<IpsecSaHead>& head : IpsecHelper::GetStack(node)->GetSad()->GetHeads())
    {
        for (int st = 0; st < 4; ++st)
        {
            for (const Ptr<IpsecSa>& sa : head->sas[st])
            {
                out.insert(sa->params.src.ToString() + ">" + sa->params.dst.ToString() + " spi "
                           + std::to_string(sa->params.spi) + " state " + std::to_string(st));
            }
        }
    }
    return out;
}

size_t
CountState(const std::set<std::string>& sad, int state)
{
    return std::count_if(sad.begin(),
                         sad.end(),
                         [state](const std::string& s)
                         {
                             return s.find(" state " + std::to_string(state)) != std::string::npos;
                         });
}

bool
LogHas(const std::vector<std::string>& log, const std::string& text)
{
    return std::any_of(log.begin(),
                       log.end(),
                       [&text](const std::string& l)
                       {
                           return l.find(text) != std::string::npos;
                       });
}

class AttackRun
{
  public:
    AttackRun(bool v6,
              const std::string& mode,
              uint32_t pings,
              RacoonNatTraversal natt = RacoonNatTraversal::OFF)
        : m_v6(v6)
        , m_faq(std::string(NS3_IPSEC_SOURCE_DIR) + "/examples/ike")
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(1);
        m_faq.SetIpv6(v6);
        m_faq.SetExchangeMode(mode);
        m_faq.SetPings(pings);
        m_faq.SetNatTraversal(natt);
        std::string psk = v6 ? "fd00:10:1::1 spamspamspam\nfd00:20:1::1 spamspamspam\n"
                             : "10.1.1.1 spamspamspam\n20.1.1.1 spamspamspam\n";
        m_faq.SetPsk('A', RacoonPskFile(psk, "psk.txt", 0600));
        m_faq.SetPsk('B', RacoonPskFile(psk, "psk.txt", 0600));
        m_faq.Build();
        m_a = m_faq.GetHostA();
        m_b = m_faq.GetHostB();
        m_router = m_faq.GetNodes().Get(1);
        for (uint32_t i = 0; i < m_router->GetNDevices(); ++i)
        {
            Ptr<PointToPointNetDevice> d
                = DynamicCast<PointToPointNetDevice>(m_router->GetDevice(i));
            if (!d)
            {
                continue;
            }
            Ptr<Channel> ch = d->GetChannel();
            for (std::size_t j = 0; j < ch->GetNDevices(); ++j)
            {
                if (ch->GetDevice(j)->GetNode() == m_a)
                {
                    m_toA = d;
                }
                if (ch->GetDevice(j)->GetNode() == m_b)
                {
                    m_toB = d;
                }
            }
        }
        for (bool fromA : {true, false})
        {
            Ptr<TapErrorModel> tap = CreateObject<TapErrorModel>();
            tap->onIsakmp = [this, fromA](const Bytes& b)
            {
                Seen s{Simulator::Now(), fromA, b};
                m_seen.push_back(s);
                bool sink = m_sink && m_sink(s);
                if (m_watch)
                {
                    m_watch(*this, s);
                }
                return sink;
            };
            (fromA ? m_toA : m_toB)->SetReceiveErrorModel(tap);
        }
        for (char host : {'A', 'B'})
        {
            Ptr<IkeDaemon> d = m_faq.GetDaemon(host);
            std::vector<DropSeen>* drops = host == 'A' ? &m_dropsA : &m_dropsB;
            d->TraceConnectWithoutContext(
                "Drop",
                Callback<void, IkeDrop, const IpsecAddress&, const Bytes&>(
                    [drops](IkeDrop r, const IpsecAddress& from, const Bytes& b)
                    {
                        drops->push_back({r, from, b});
                    }));
            std::vector<std::string>* log = host == 'A' ? &m_logA : &m_logB;
            d->TraceConnectWithoutContext("Log",
                                          Callback<void, int, const std::string&>(
                                              [log](int, const std::string& line)
                                              {
                                                  log->push_back(line);
                                              }));
            IkeDaemon::Phase1Keys* keys = host == 'A' ? &m_keysA : &m_keysB;
            d->TraceConnectWithoutContext("Phase1Keys",
                                          Callback<void, const IkeDaemon::Phase1Keys&>(
                                              [keys](const IkeDaemon::Phase1Keys& k)
                                              {
                                                  *keys = k;
                                              }));
            uint32_t* starts = host == 'A' ? &m_ph1StartsA : &m_ph1StartsB;
            uint32_t* ends = host == 'A' ? &m_ph1EndsA : &m_ph1EndsB;
            d->TraceConnectWithoutContext(
                "Phase1State",
                Callback<void, IkePh1State, IkePh1State, bool, const IpsecAddress&>(
                    [starts, ends](IkePh1State from, IkePh1State to, bool, const IpsecAddress&)
                    {
                        *starts += from == IkePh1State::SPAWN && to == IkePh1State::START;
                        *ends += to == IkePh1State::EXPIRED;
                    }));
        }
    }

    ~AttackRun()
    {
        Simulator::Destroy();
    }

    /// A's, B's, the router's on B's link, or an address nobody has.
    IpsecAddress Addr(const std::string& who) const
    {
        if (who == "A")
        {
            return *IpsecAddress::Parse(m_v6 ? "fd00:10:1::1" : "10.1.1.1");
        }
        if (who == "B")
        {
            return *IpsecAddress::Parse(m_v6 ? "fd00:20:1::1" : "20.1.1.1");
        }
        if (who == "router")
        {
            return *IpsecAddress::Parse(m_v6 ? "fd00:20:1::2" : "20.1.1.2");
        }
        // on A's link, but no host there: B's answers go nowhere
        return *IpsecAddress::Parse(m_v6 ? "fd00:10:1::77" : "10.1.1.77");
    }

    /// Sends @p isakmp from @p from (UDP 500) to @p to's port 500, onto the link.
    void Send(const std::string& to, const IpsecAddress& from, const Bytes& isakmp)
    {
        bool toB = to == "B";
        IpsecAddress dst = Addr(to);
        Ptr<Packet> p = Create<Packet>(isakmp.data(), isakmp.size());
        UdpHeader udp;
        udp.SetSourcePort(500);
        udp.SetDestinationPort(500);
        if (m_v6)
        {
            udp.InitializeChecksum(from.ToIpv6(), dst.ToIpv6(), 17);
        }
        else
        {
            udp.InitializeChecksum(from.ToIpv4(), dst.ToIpv4(), 17);
        }
        udp.EnableChecksums();
        p->AddHeader(udp);
        uint16_t protocol;
        if (m_v6)
        {
            Ipv6Header ip;
            ip.SetSource(from.ToIpv6());
            ip.SetDestination(dst.ToIpv6());
            ip.SetNextHeader(17);
            ip.SetHopLimit(64);
            ip.SetPayloadLength(static_cast<uint16_t>(p->GetSize()));
            p->AddHeader(ip);
            protocol = Ipv6L3Protocol::PROT_NUMBER;
        }
        else
        {
            Ipv4Header ip;
            ip.SetSource(from.ToIpv4());
            ip.SetDestination(dst.ToIpv4());
            ip.SetProtocol(17);
            ip.SetTtl(64);
            ip.SetIdentification(m_ipId++);
            ip.SetPayloadSize(p->GetSize());
            ip.EnableChecksum();
            p->AddHeader(ip);
            protocol = Ipv4L3Protocol::PROT_NUMBER;
        }
        Ptr<NetDevice> dev = toB ? m_toB : m_toA;
        dev->Send(p, dev->GetBroadcast(), protocol);
        m_sent.push_back(isakmp);
    }

    /// Sends @p isakmp to B's port 500 from a UDP socket of the router's own
    /// stack (its address, IP fragmentation as the stack does it).
    void SendFromRouterSocket(const Bytes& isakmp)
    {
        Ptr<Socket> s = Socket::CreateSocket(m_router, UdpSocketFactory::GetTypeId());
        if (m_v6)
        {
            s->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), 500));
            s->SendTo(Create<Packet>(isakmp.data(), isakmp.size()),
                      0,
                      Inet6SocketAddress(Addr("B").ToIpv6(), 500));
        }
        else
        {
            s->Bind(InetSocketAddress(Ipv4Address::GetAny(), 500));
            s->SendTo(Create<Packet>(isakmp.data(), isakmp.size()),
                      0,
                      InetSocketAddress(Addr("B").ToIpv4(), 500));
        }
        s->Close();
        m_sent.push_back(isakmp);
    }

    /// Runs @p f at @p t.
    void At(Time t, std::function<void(AttackRun&)> f)
    {
        Simulator::Schedule(t,
                            [this, f]()
                            {
                                f(*this);
                            });
    }

    /// Calls @p f for every ISAKMP datagram the router sees (after recording it).
    void Watch(std::function<void(AttackRun&, const Seen&)> f)
    {
        m_watch = std::move(f);
    }

    /// Swallows the datagrams @p f says.
    void Sink(std::function<bool(const Seen&)> f)
    {
        m_sink = std::move(f);
    }

    /// The first datagram seen that @p f accepts (empty if none).
    Bytes First(std::function<bool(const Seen&, const Isakmp&)> f) const
    {
        for (const Seen& s : m_seen)
        {
            Isakmp m;
            if (ReadIsakmp(s.bytes, &m) && f(s, m))
            {
                return s.bytes;
            }
        }
        return {};
    }

    /// The main-mode message @p n (1..6) of the legitimate exchange, as seen.
    Bytes MainMode(uint32_t n) const
    {
        uint32_t count = 0;
        for (const Seen& s : m_seen)
        {
            Isakmp m;
            if (ReadIsakmp(s.bytes, &m) && m.exchange == ET_IDENT && s.fromA == (n % 2 == 1)
                && ++count && count == (n + 1) / 2)
            {
                return s.bytes;
            }
        }
        return {};
    }

    /// The quick-mode message @p n (1..3) of the legitimate exchange, as seen.
    Bytes QuickMode(uint32_t n) const
    {
        uint32_t count = 0;
        for (const Seen& s : m_seen)
        {
            Isakmp m;
            if (ReadIsakmp(s.bytes, &m) && m.exchange == ET_QUICK && s.fromA == (n != 2) && ++count
                && count == (n == 3 ? 2 : 1))
            {
                return s.bytes;
            }
        }
        return {};
    }

    /**
     * Quick mode 1 as A would send it to B (RFC 2409 section 5.5): HASH(1)
     * -- prf(SKEYID_a, M-ID | @p rest), or a pattern unless @p rightHash --
     * then @p rest, encrypted under B's ISAKMP SA with the phase-2 IV of
     * appendix B.
     */
    Bytes QuickMode1ToB(uint32_t msgid, std::vector<Pl> rest, bool rightHash) const
    {
        const IkeDaemon::Phase1Keys& k = m_keysB;
        Bytes mm6 = MainMode(6);
        Bytes last(mm6.end() - 8, mm6.end());
        Bytes hash = rightHash ? HmacSha1(k.skeyidA, Cat(Be32(msgid), Chain(rest)))
                               : Pattern(20, static_cast<uint8_t>(msgid));
        rest.insert(rest.begin(), Pl{NP_HASH, hash});
        return Encrypted(
            k.icookie, k.rcookie, ET_QUICK, msgid, rest, k.encKey, Phase2Iv(last, msgid));
    }

    /// A well-formed quick mode 1 chain after HASH(1): SA (ESP, @p spi), Nonce, KE, IDci, IDcr.
    std::vector<Pl> QuickMode1Payloads(uint32_t spi, uint8_t seed) const
    {
        return {{NP_SA, EspSa(spi)},
                {NP_NONCE, Pattern(16, seed)},
                {NP_KE, Pattern(128, static_cast<uint8_t>(seed + 1))},
                {NP_ID, IdBody(Addr("A"))},
                {NP_ID, IdBody(Addr("B"))}};
    }

    void Go()
    {
        m_sadBefore.clear();
        Simulator::Stop(m_faq.GetEndTime());
        m_result = m_faq.Run();
        m_end = Simulator::Now();
        m_sadA = SadState(m_a);
        m_sadB = SadState(m_b);
    }

    /// Snapshot of both SADs (before an attack).
    void SnapshotSads()
    {
        m_sadBefore = {SadState(m_a), SadState(m_b)};
    }

    bool m_v6;
    IpsecIkeFaqHelper m_faq;
    Ptr<Node> m_a;
    Ptr<Node> m_b;
    Ptr<Node> m_router;
    Ptr<PointToPointNetDevice> m_toA;
    Ptr<PointToPointNetDevice> m_toB;
    uint16_t m_ipId{40000};
    std::vector<Seen> m_seen;
    std::vector<Bytes> m_sent;
    std::function<bool(const Seen&)> m_sink;
    std::function<void(AttackRun&, const Seen&)> m_watch;
    std::vector<DropSeen> m_dropsA;
    std::vector<DropSeen> m_dropsB;
    std::vector<std::string> m_logA;
    std::vector<std::string> m_logB;
    IkeDaemon::Phase1Keys m_keysA;
    IkeDaemon::Phase1Keys m_keysB;
    uint32_t m_ph1StartsA{0};
    uint32_t m_ph1StartsB{0};
    uint32_t m_ph1EndsA{0};
    uint32_t m_ph1EndsB{0};
    std::vector<std::set<std::string>> m_sadBefore;
    std::set<std::string> m_sadA;
    std::set<std::string> m_sadB;
    IpsecIkeFaqHelper::Result m_result;
    Time m_end;
};

// ===========================================================================
// Test cases
// ===========================================================================

/// What one injected datagram must do at its target.
struct Expect
{
    std::string what;
    Bytes bytes;
    IkeDrop reason;
};

/**
 * A test case: one run, attacks scheduled by Attack(), checks by Check().
 * The common checks: every expected datagram dropped once with its reason,
 * no other drop on either daemon beyond @c m_otherDrops{A,B}, the run
 * reached its end, no SA from the attack.
 */
class IkeBadInputCase : public TestCase
{
  public:
    IkeBadInputCase(const std::string& name, bool v6 = false, const std::string& mode = "")
        : TestCase(std::string(v6 ? "IPv6: " : "IPv4: ") + (mode.empty() ? "" : mode + " mode: ")
                   + name)
        , m_v6(v6)
        , m_mode(mode)
    {
    }

  protected:
    /// Runs before the attacked run is built (e.g. a first run without attack).
    virtual void Prepare() {}

    /// Schedules the attacks; registers what each datagram must do with ExpectDrop.
    virtual void Attack(AttackRun& run) = 0;

    /// Runs right after the simulation, before the common checks.
    virtual void AfterRun(AttackRun& run)
    {
        (void) run;
    }

    /// Further checks after the run.
    virtual void Check(AttackRun& run)
    {
        (void) run;
    }

    /// The legitimate negotiation is expected to come up (default) or not.
    bool m_legitimate{true};
    uint32_t m_pings{10};
    /// Drops the test expects besides the registered ones: per daemon, per reason.
    std::map<IkeDrop, uint64_t> m_otherDropsA;
    std::map<IkeDrop, uint64_t> m_otherDropsB;
    bool m_checkSads{true};
    /// racoon.conf's nat_traversal on both sides.
    RacoonNatTraversal m_natt{RacoonNatTraversal::OFF};

    void ExpectDrop(char host, const std::string& what, const Bytes& bytes, IkeDrop reason)
    {
        (host == 'A' ? m_expectA : m_expectB).push_back({what, bytes, reason});
    }

    /// Injects @p bytes to @p to from @p from at @p t, expected dropped for @p reason.
    void InjectDrop(AttackRun& run,
                    Time t,
                    const std::string& to,
                    const std::string& from,
                    const std::string& what,
                    const Bytes& bytes,
                    IkeDrop reason)
    {
        ExpectDrop(to == "A" ? 'A' : 'B', what, bytes, reason);
        run.At(t,
               [to, from, bytes](AttackRun& r)
               {
                   r.Send(to, r.Addr(from), bytes);
               });
    }

    bool m_v6;
    std::string m_mode;

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        Prepare();
        AttackRun run(m_v6, m_mode, m_pings, m_natt);
        run.At(Seconds(4.5),
               [](AttackRun& r)
               {
                   r.SnapshotSads();
               });
        Attack(run);
        run.Go();
        AfterRun(run);

        NS_TEST_ASSERT_MSG_EQ(run.m_end, run.m_faq.GetEndTime(), "the run reached its end");
        for (char host : {'A', 'B'})
        {
            const std::vector<Expect>& expect = host == 'A' ? m_expectA : m_expectB;
            const std::vector<DropSeen>& drops = host == 'A' ? run.m_dropsA : run.m_dropsB;
            const IkeDaemonStats& st = host == 'A' ? run.m_result.a : run.m_result.b;
            std::map<IkeDrop, uint64_t> want = host == 'A' ? m_otherDropsA : m_otherDropsB;
            uint64_t any = 0; // expected dropped, for a reason the test leaves open
            for (const Expect& e : expect)
            {
                if (e.reason == IkeDrop::COUNT)
                {
                    any++;
                }
                else
                {
                    want[e.reason]++;
                }
                std::vector<IkeDrop> got;
                for (const DropSeen& d : drops)
                {
                    if (d.bytes == e.bytes)
                    {
                        got.push_back(d.reason);
                    }
                }
                NS_TEST_EXPECT_MSG_EQ(got.size(), 1, host << ": " << e.what << ": dropped once");
                if (!got.empty() && e.reason != IkeDrop::COUNT)
                {
                    NS_TEST_EXPECT_MSG_EQ(
                        IkeDropName(got[0]), IkeDropName(e.reason), host << ": " << e.what);
                }
            }
            uint64_t total = 0;
            uint64_t wanted = any;
            for (size_t i = 0; i < static_cast<size_t>(IkeDrop::COUNT); ++i)
            {
                IkeDrop r = static_cast<IkeDrop>(i);
                uint64_t w = want.count(r) ? want[r] : 0;
                if (any == 0)
                {
                    NS_TEST_EXPECT_MSG_EQ(
                        st.Drops(r), w, host << ": drops counted as " << IkeDropName(r));
                }
                else
                {
                    NS_TEST_EXPECT_MSG_GT_OR_EQ(
                        st.Drops(r), w, host << ": drops counted as " << IkeDropName(r));
                }
                total += st.Drops(r);
                wanted += w;
            }
            NS_TEST_EXPECT_MSG_EQ(total, wanted, host << ": drops in all");
            NS_TEST_EXPECT_MSG_EQ(st.dropped, total, host << ": dropped is the sum of drops");
            NS_TEST_EXPECT_MSG_EQ(drops.size(), total, host << ": one Drop trace per drop");
        }
        if (m_legitimate)
        {
            NS_TEST_EXPECT_MSG_EQ(run.m_result.a.ph1Established, 1, "A: one ISAKMP SA");
            NS_TEST_EXPECT_MSG_EQ(run.m_result.b.ph1Established, 1, "B: one ISAKMP SA");
            NS_TEST_EXPECT_MSG_EQ(run.m_result.a.ph2Established, 1, "A: one quick mode");
            NS_TEST_EXPECT_MSG_EQ(run.m_result.b.ph2Established, 1, "B: one quick mode");
            NS_TEST_EXPECT_MSG_EQ(CountState(run.m_sadA, 1), 2, "A: two mature SAs");
            NS_TEST_EXPECT_MSG_EQ(CountState(run.m_sadB, 1), 2, "B: two mature SAs");
            NS_TEST_EXPECT_MSG_EQ(run.m_result.repliesReceived + run.m_result.outNosaA,
                                  run.m_result.pingsSent,
                                  "every ping but those before the SAs answered");
        }
        if (m_checkSads)
        {
            NS_TEST_EXPECT_MSG_EQ(
                CountState(run.m_sadA, 0) + CountState(run.m_sadB, 0), 0, "no larval SA left");
            if (run.m_sadBefore.size() == 2)
            {
                NS_TEST_EXPECT_MSG_EQ((run.m_sadA == run.m_sadBefore[0]),
                                      true,
                                      "A's SAD as before the attacks (setkey -D)");
                NS_TEST_EXPECT_MSG_EQ((run.m_sadB == run.m_sadBefore[1]),
                                      true,
                                      "B's SAD as before the attacks (setkey -D)");
            }
        }
        Check(run);
    }

    std::vector<Expect> m_expectA;
    std::vector<Expect> m_expectB;
};

// ---- the plain run: nothing dropped ----------------------------------------

class BaselineCase : public IkeBadInputCase
{
  public:
    BaselineCase(bool v6, const std::string& mode)
        : IkeBadInputCase("no attack: nothing dropped, nothing answered twice", v6, mode)
    {
    }

  private:
    void Attack(AttackRun&) override {}

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(run.m_result.a.duplicates + run.m_result.b.duplicates, 0, "no copy");
        // The test's own reading of the wire agrees with the keys trace:
        // the phase-2 IV derives from the last phase-1 CBC block on the wire.
        if (m_mode.empty())
        {
            Bytes mm6 = run.MainMode(6);
            NS_TEST_ASSERT_MSG_GT(mm6.size(), 36, "MM6 seen");
            Bytes last(mm6.end() - 8, mm6.end());
            NS_TEST_EXPECT_MSG_EQ((last == run.m_keysB.iv), true, "B's last phase-1 block");
            NS_TEST_EXPECT_MSG_EQ((last == run.m_keysA.iv), true, "A's last phase-1 block");
            // and QM1 decrypts with it into HASH, SA, Nonce, KE, ID, ID
            Isakmp q;
            NS_TEST_ASSERT_MSG_EQ(ReadIsakmp(run.QuickMode(1), &q), true, "QM1 seen");
            Bytes plain = Des3(false, run.m_keysB.encKey, Phase2Iv(last, q.msgid), q.body);
            std::vector<Pl> pls = Walk(q.next, plain);
            NS_TEST_ASSERT_MSG_EQ(pls.size(), 6, "QM1's payloads");
            NS_TEST_EXPECT_MSG_EQ(int(pls[0].type), int(NP_HASH), "HASH(1) first");
            Bytes rest = Chain(std::vector<Pl>(pls.begin() + 1, pls.end()));
            NS_TEST_EXPECT_MSG_EQ(
                (HmacSha1(run.m_keysB.skeyidA, Cat(Be32(q.msgid), rest)) == pls[0].body),
                true,
                "HASH(1) = prf(SKEYID_a, M-ID | SA | Ni | KE | IDci | IDcr)");
        }
    }
};

// ---- sizes ------------------------------------------------------------------

class SizesCase : public IkeBadInputCase
{
  public:
    explicit SizesCase(bool v6)
        : IkeBadInputCase("truncated, mis-sized and oversized datagrams", v6)
    {
    }

  private:
    void Attack(AttackRun& run) override
    {
        Bytes icky = Pattern(8, 1);
        Bytes rcky = Pattern(8, 2);
        Bytes ok = Message(icky, rcky, ET_IDENT, {{NP_SA, Ph1Sa()}});
        Time t = Seconds(5);
        InjectDrop(run, t, "B", "A", "empty datagram", {}, IkeDrop::SHORT);
        InjectDrop(run, t, "B", "A", "1 byte", {0x42}, IkeDrop::SHORT);
        InjectDrop(
            run, t, "B", "other", "27 bytes", Bytes(ok.begin(), ok.begin() + 27), IkeDrop::SHORT);
        Bytes small = Header(icky, rcky, NP_NONE, ET_IDENT, 0, 0, 20);
        InjectDrop(run, t, "B", "A", "header length 20", small, IkeDrop::SHORT);
        Bytes longer = ok;
        longer[27] += 4;
        InjectDrop(
            run, t, "B", "A", "length field 4 over the datagram", longer, IkeDrop::LENGTH_MISMATCH);
        Bytes shorter = ok;
        shorter[27] -= 4;
        InjectDrop(run,
                   t,
                   "B",
                   "A",
                   "length field 4 under the datagram",
                   shorter,
                   IkeDrop::LENGTH_MISMATCH);
        Bytes big = Header(icky, rcky, NP_NONE, ET_IDENT, 0, 0, 0x10000);
        InjectDrop(run, t, "B", "router", "length field 65536", big, IkeDrop::TOO_BIG);
        Bytes huge = Header(icky, rcky, NP_NONE, ET_IDENT, 0, 0, 0xffffffff);
        InjectDrop(run, t, "B", "A", "length field 2^32-1", huge, IkeDrop::TOO_BIG);
        // A real 30000-byte datagram (IP fragments) that says so: read, then
        // refused for its cookies, as any other.
        Bytes vid(30000 - 28 - 4 - 4 - Ph1Sa().size(), 0x5a);
        Bytes large = Message(icky, rcky, ET_IDENT, {{NP_SA, Ph1Sa()}, {NP_VID, vid}});
        ExpectDrop('B', "a 30000-byte datagram", large, IkeDrop::UNKNOWN_COOKIE);
        run.At(t,
               [large](AttackRun& r)
               {
                   r.SendFromRouterSocket(large);
               });
    }

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "packet shorter than isakmp header size (0, 0, 28)"),
            true,
            "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logB, "the length in the isakmp header is too big."),
                              true,
                              "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "received invalid length ("), true, "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(run.m_ph1StartsB, 1, "B: no handle for any of them");
    }
};

// ---- header fields and exchange types -----------------------------------------

class HeaderCase : public IkeBadInputCase
{
  public:
    HeaderCase()
        : IkeBadInputCase("bad header fields, unknown and unsupported exchange types")
    {
    }

  private:
    void Attack(AttackRun& run) override
    {
        Bytes icky = Pattern(8, 3);
        Bytes zero(8, 0);
        Bytes sa = Ph1Sa();
        Time t = Seconds(5);
        auto msg = [&](const Bytes& i, uint8_t exch, uint8_t flags, uint32_t msgid, uint8_t version)
        {
            Bytes chain = Chain({{NP_SA, sa}});
            return Cat(Header(i, zero, NP_SA, exch, flags, msgid, 28 + chain.size(), version),
                       chain);
        };
        InjectDrop(run,
                   t,
                   "B",
                   "A",
                   "zero initiator cookie",
                   msg(zero, ET_IDENT, 0, 0, 0x10),
                   IkeDrop::BAD_HEADER);
        InjectDrop(
            run, t, "B", "A", "version 0.0", msg(icky, ET_IDENT, 0, 0, 0x00), IkeDrop::BAD_HEADER);
        InjectDrop(run,
                   t,
                   "B",
                   "other",
                   "version 2.0 (IKEv2)",
                   msg(icky, 34, 0x08, 0, 0x20),
                   IkeDrop::BAD_HEADER);
        InjectDrop(
            run, t, "B", "A", "flag 0x80", msg(icky, ET_IDENT, 0x80, 0, 0x10), IkeDrop::BAD_HEADER);
        InjectDrop(run,
                   t,
                   "B",
                   "A",
                   "commit bit in phase 1",
                   msg(icky, ET_IDENT, FLAG_C, 0, 0x10),
                   IkeDrop::BAD_HEADER);
        InjectDrop(run,
                   t,
                   "B",
                   "A",
                   "main mode with a message id",
                   msg(icky, ET_IDENT, 0, 7, 0x10),
                   IkeDrop::BAD_HEADER);
        InjectDrop(run, t, "B", "A", "exchange 0", msg(icky, 0, 0, 0, 0x10), IkeDrop::BAD_EXCHANGE);
        InjectDrop(
            run, t, "B", "A", "exchange 99", msg(icky, 99, 0, 0, 0x10), IkeDrop::BAD_EXCHANGE);
        InjectDrop(run,
                   t,
                   "B",
                   "A",
                   "IKE_SA_INIT number, version 1.0",
                   msg(icky, 34, 0, 0, 0x10),
                   IkeDrop::BAD_EXCHANGE);
        InjectDrop(run,
                   t,
                   "B",
                   "A",
                   "authentication only",
                   msg(icky, ET_AUTH, 0, 0, 0x10),
                   IkeDrop::BAD_EXCHANGE);
        InjectDrop(
            run, t, "B", "A", "base mode", msg(icky, ET_BASE, 0, 0, 0x10), IkeDrop::BAD_EXCHANGE);
        InjectDrop(run,
                   t,
                   "B",
                   "A",
                   "new group without an ISAKMP SA",
                   msg(icky, ET_NEWGRP, 0, 5, 0x10),
                   IkeDrop::UNKNOWN_COOKIE);
    }

    void AfterRun(AttackRun&) override
    {
        // The INVALID-FLAGS answering the commit bit reaches A, which has no
        // ISAKMP SA with those cookies.
        m_otherDropsA[IkeDrop::UNKNOWN_COOKIE] = 1;
    }

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logB, "malformed cookie received."), true, "racoon");
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logB, "invalid flag 0x80."), true, "racoon");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "Commit bit on phase1 forbidden."), true, "racoon");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "message id should be zero in phase1."), true, "racoon");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "Invalid exchange type 99 from 10.1.1.1[500]."), true, "racoon");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "unsupported exchange 3 received."), true, "racoon");
        // isakmp_info_send_nx: the commit bit is answered with INVALID-FLAGS.
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logB, "sendto Information INVALID-FLAGS to 10.1.1.1."),
                              true,
                              "INVALID-FLAGS");
        NS_TEST_EXPECT_MSG_EQ(run.m_ph1StartsB, 1, "B: no handle for any of them");
    }
};

// ---- payload chains ------------------------------------------------------------

class PayloadChainCase : public IkeBadInputCase
{
  public:
    explicit PayloadChainCase(bool v6)
        : IkeBadInputCase("first messages with bad payload chains", v6)
    {
    }

  private:
    void Attack(AttackRun& run) override
    {
        Bytes zero(8, 0);
        Bytes sa = Ph1Sa();
        Time t = Seconds(5);
        uint8_t n = 10;
        auto icky = [&n]()
        {
            return Pattern(8, n++);
        };
        InjectDrop(run,
                   t,
                   "B",
                   "other",
                   "SA, then payload type 200",
                   Message(icky(), zero, ET_IDENT, {{NP_SA, sa}, {200, Pattern(12, 1)}}),
                   IkeDrop::UNSUPPORTED_PAYLOAD);
        InjectDrop(run,
                   t,
                   "B",
                   "other",
                   "SA, then a KE in main mode 1",
                   Message(icky(), zero, ET_IDENT, {{NP_SA, sa}, {NP_KE, Pattern(128, 2)}}),
                   IkeDrop::UNSUPPORTED_PAYLOAD);
        InjectDrop(run,
                   t,
                   "B",
                   "other",
                   "Vendor ID before the SA",
                   Message(icky(), zero, ET_IDENT, {{NP_VID, Pattern(16, 3)}, {NP_SA, sa}}),
                   IkeDrop::BAD_PAYLOAD);
        InjectDrop(run,
                   t,
                   "B",
                   "other",
                   "no payload at all",
                   Message(icky(), zero, ET_IDENT, {}),
                   IkeDrop::BAD_PAYLOAD);
        // The last payload names a next one that is not there.
        Bytes dangling = Message(icky(), zero, ET_IDENT, {{NP_SA, sa}});
        dangling[28] = 200;
        InjectDrop(run, t, "B", "other", "a dangling next payload", dangling, IkeDrop::BAD_PAYLOAD);
        // A payload length that runs past the end.
        Bytes past = Message(icky(), zero, ET_IDENT, {{NP_SA, sa}});
        past[30] = 0x7f;
        InjectDrop(
            run, t, "B", "other", "a payload length past the end", past, IkeDrop::BAD_PAYLOAD);
        // A payload length under its generic header.
        Bytes under = Message(icky(), zero, ET_IDENT, {{NP_SA, sa}});
        under[30] = 0;
        under[31] = 3;
        InjectDrop(run, t, "B", "other", "a payload length of 3", under, IkeDrop::BAD_PAYLOAD);
        // Bytes after the last payload of an unencrypted message.
        Bytes trailing = Cat(Message(icky(), zero, ET_IDENT, {{NP_SA, sa}}), Bytes(4, 0));
        trailing[27] += 4;
        InjectDrop(run, t, "B", "other", "trailing bytes", trailing, IkeDrop::BAD_PAYLOAD);
        // Aggressive mode without its KE.
        InjectDrop(
            run,
            t,
            "B",
            "other",
            "aggressive mode 1 without a KE",
            Message(icky(),
                    zero,
                    ET_AGG,
                    {{NP_SA, sa}, {NP_NONCE, Pattern(16, 4)}, {NP_ID, IdBody(run.Addr("other"))}}),
            IkeDrop::BAD_PROPOSAL);
    }

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "ignore the packet, received unexpecting payload type 200."),
            true,
            "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "received invalid next payload type 13, expecting 1."),
            true,
            "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(run.m_ph1StartsB, 1, "B: no handle for any of them");
        NS_TEST_EXPECT_MSG_EQ(run.m_result.b.ph1Responded, 1, "B: responded to A only");
    }
};

// ---- cookies -------------------------------------------------------------------------

class CookieCase : public IkeBadInputCase
{
  public:
    explicit CookieCase(bool v6)
        : IkeBadInputCase("unknown, wrong and zero cookies of an existing ISAKMP SA", v6)
    {
    }

  private:
    void Attack(AttackRun& run) override
    {
        run.At(Seconds(5),
               [this](AttackRun& r)
               {
                   Bytes i = r.m_keysB.icookie;
                   Bytes rc = r.m_keysB.rcookie;
                   Bytes zero(8, 0);
                   Bytes other = Pattern(8, 77);
                   Bytes ke = Pattern(128, 1);
                   Bytes nonce = Pattern(16, 2);
                   auto send = [&](const std::string& what,
                                   const Bytes& b,
                                   IkeDrop why,
                                   const std::string& to = "B",
                                   const std::string& from = "A")
                   {
                       ExpectDrop(to == "A" ? 'A' : 'B', what, b, why);
                       r.Send(to, r.Addr(from), b);
                   };
                   send("the SA's initiator cookie, another responder cookie",
                        Message(i, other, ET_IDENT, {{NP_KE, ke}, {NP_NONCE, nonce}}),
                        IkeDrop::COOKIE_MISMATCH);
                   send("the SA's initiator cookie, a zero responder cookie",
                        Message(i, zero, ET_IDENT, {{NP_SA, Ph1Sa()}, {NP_VID, Pattern(16, 8)}}),
                        IkeDrop::COOKIE_MISMATCH);
                   send("another initiator cookie, the SA's responder cookie",
                        Message(other, rc, ET_IDENT, {{NP_KE, ke}, {NP_NONCE, nonce}}),
                        IkeDrop::UNKNOWN_COOKIE);
                   send("quick mode with unknown cookies",
                        Cat(Header(other, other, NP_HASH, ET_QUICK, FLAG_E, 0x1234, 28 + 48),
                            Pattern(48, 5)),
                        IkeDrop::UNKNOWN_COOKIE);
                   send("quick mode, the SA's initiator cookie, another responder cookie",
                        Cat(Header(i, other, NP_HASH, ET_QUICK, FLAG_E, 0x1235, 28 + 48),
                            Pattern(48, 6)),
                        IkeDrop::UNKNOWN_COOKIE,
                        "B",
                        "other");
                   send("informational with unknown cookies",
                        Message(other, zero, ET_INFO, {{NP_N, NotifyBody(14, Cat(other, zero))}}),
                        IkeDrop::UNKNOWN_COOKIE);
                   // A phase-1 message to the established SA: ph1_main ignores it.
                   send("main mode to an established ISAKMP SA",
                        Message(i, rc, ET_IDENT, {{NP_KE, ke}, {NP_NONCE, nonce}}),
                        IkeDrop::UNEXPECTED);
                   send("aggressive mode with the main mode SA's cookies",
                        Message(i, rc, ET_AGG, {{NP_HASH, Pattern(20, 7)}}),
                        IkeDrop::UNEXPECTED);
                   // The initiator: its own cookie with a zero responder cookie
                   // is the established SA's (getph1byindex0), ignored.
                   send("to A: its cookie, a zero responder cookie",
                        Message(i, zero, ET_IDENT, {{NP_SA, Ph1Sa()}}),
                        IkeDrop::UNEXPECTED,
                        "A",
                        "B");
               });
    }

    void AfterRun(AttackRun&) override
    {
        // The INVALID-COOKIE answering the quick mode from A's address reaches
        // A, which has no ISAKMP SA with those cookies either.
        m_otherDropsA[IkeDrop::UNKNOWN_COOKIE] = 1;
    }

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "malformed cookie received. it has to be as the initiator."),
            true,
            "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logB, "malformed cookie received or the spi expired."),
                              true,
                              "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "can't start the quick mode, there is no ISAKMP-SA, "),
            true,
            "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "unknown Informational exchange received."), true, "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logB, "exchange type is mismatched: "), true, "racoon");
        // isakmp_info_send_nx: INVALID-COOKIE back to whoever sent a quick mode
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "sendto Information INVALID-COOKIE to "), true, "INVALID-COOKIE");
        NS_TEST_EXPECT_MSG_EQ(run.m_ph1StartsB, 1, "B: no new handle");
    }
};

// ---- replays -------------------------------------------------------------------------

/**
 * A copy of a message of the legitimate exchange, sent again from A's address
 * while racoon still keeps its answers (check_recvdpkt: counter x interval =
 * 50 s): each side answers from its cache, the copies ping-pong to the end of
 * the exchange and the last one, which nobody answered, is dropped.
 */
class ReplayCase : public IkeBadInputCase
{
  public:
    /// @p which: "MM1", "MM3", "MM5", "QM1"; @p from: "A" or "other"; @p at in seconds.
    ReplayCase(const std::string& which, const std::string& from, double at, bool v6 = false)
        : IkeBadInputCase("replay of " + which + " from "
                              + (from == "A" ? "A's address" : "a third party") + " at "
                              + std::to_string(int(at)) + " s",
                          v6)
        , m_which(which)
        , m_from(from)
        , m_at(at)
    {
        m_pings = at > 60 ? 110 : 10;
    }

  private:
    void Attack(AttackRun& run) override
    {
        run.At(Seconds(m_at),
               [this](AttackRun& r)
               {
                   Bytes copy = m_which[0] == 'M' ? r.MainMode(m_which[2] - '0')
                                                  : r.QuickMode(m_which[2] - '0');
                   NS_TEST_ASSERT_MSG_EQ(copy.empty(), false, m_which << " seen on the wire");
                   m_copy = copy;
                   r.Send("B", r.Addr(m_from), copy);
               });
        bool late = m_at > 60;
        bool third = m_from != "A";
        // What racoon does, step by step:
        if (third)
        {
            // check_recvdpkt: processed before, but from another address (2).
            m_dropsB = 1;
            m_reasonB = IkeDrop::DUPLICATE;
        }
        else if (late)
        {
            // Forgotten: isakmp_main sees the SA's initiator cookie and a zero
            // responder cookie at the responder.
            m_dropsB = 1;
            m_reasonB = IkeDrop::COOKIE_MISMATCH;
        }
        else if (m_which == "QM1")
        {
            // QM1 -> B resends QM2 -> A resends QM3 -> B: QM3 is its last
            // message received, unanswered: dropped as a copy.
            m_dupB = 1;
            m_dupA = 1;
            m_otherDropsB[IkeDrop::DUPLICATE] = 1;
        }
        else
        {
            // MMn -> ... -> MM6 at A, which answers nothing: ph1_main ignores it.
            uint32_t n = m_which[2] - '0';
            m_dupB = (7 - n) / 2;
            m_dupA = (5 - n) / 2;
            m_otherDropsA[IkeDrop::UNEXPECTED] = 1;
        }
        if (m_dropsB)
        {
            m_otherDropsB[m_reasonB] = 1;
        }
    }

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(run.m_result.b.duplicates, m_dupB, "B's answers from its cache");
        NS_TEST_EXPECT_MSG_EQ(run.m_result.a.duplicates, m_dupA, "A's answers from its cache");
        if (m_dropsB)
        {
            size_t n = std::count_if(run.m_dropsB.begin(),
                                     run.m_dropsB.end(),
                                     [this](const DropSeen& d)
                                     {
                                         return d.bytes == m_copy && d.reason == m_reasonB;
                                     });
            NS_TEST_EXPECT_MSG_EQ(n, 1, "the copy itself was dropped");
        }
        if (m_dupB)
        {
            NS_TEST_EXPECT_MSG_EQ(
                LogHas(run.m_logB, "the packet is retransmitted by "), true, "racoon's line");
        }
        NS_TEST_EXPECT_MSG_EQ(run.m_ph1StartsB, 1, "B: no new handle");
        NS_TEST_EXPECT_MSG_EQ(run.m_result.b.ph2Responded, 1, "B: no new quick mode");
    }

    std::string m_which;
    std::string m_from;
    double m_at;
    Bytes m_copy;
    uint64_t m_dupA{0};
    uint64_t m_dupB{0};
    uint64_t m_dropsB{0};
    IkeDrop m_reasonB{IkeDrop::COUNT};
};

// ---- quick mode 1 built here -------------------------------------------------------

/**
 * Quick mode 1 messages written and encrypted here under the ISAKMP SA's key
 * (the key log), the IV from the last phase-1 block seen on the wire: one
 * with a wrong HASH(1) from A's address and one from a third party; with a
 * right HASH(1) (SKEYID_a from the keys trace) but an SA with no transform,
 * an unknown attribute, a payload type quick mode does not carry, three IDs.
 */
class QuickModeCase : public IkeBadInputCase
{
  public:
    explicit QuickModeCase(bool v6)
        : IkeBadInputCase("quick mode 1: wrong HASH, bad proposals, bad payloads", v6)
    {
    }

  private:
    void Attack(AttackRun& run) override
    {
        run.At(
            Seconds(5),
            [this](AttackRun& r)
            {
                const IkeDaemon::Phase1Keys& k = r.m_keysB;
                Bytes mm6 = r.MainMode(6);
                Bytes last(mm6.end() - 8, mm6.end());
                IpsecAddress b = r.Addr("B");
                uint32_t msgid = 0x51000000;
                auto qm1 = [&](std::vector<Pl> rest, bool rightHash)
                {
                    return r.QuickMode1ToB(++msgid, std::move(rest), rightHash);
                };
                std::vector<Pl> good = r.QuickMode1Payloads(0x1000, 9);
                auto send = [&](const std::string& what,
                                const Bytes& bytes,
                                IkeDrop why,
                                const std::string& from = "A")
                {
                    ExpectDrop('B', what, bytes, why);
                    r.Send("B", r.Addr(from), bytes);
                };
                send("a wrong HASH(1)", qm1(good, false), IkeDrop::BAD_HASH);
                send("a wrong HASH(1), from a third party",
                     qm1(good, false),
                     IkeDrop::BAD_HASH,
                     "other");
                std::vector<Pl> none = good;
                none[0].body = SaBody(Proposal(1, 3, Be32(0x1001), 0, {}));
                send("an ESP proposal without a transform", qm1(none, true), IkeDrop::BAD_PROPOSAL);
                std::vector<Pl> unknown = good;
                unknown[0].body = EspSa(0x1002, Tv(99, 1));
                send("an unknown attribute (99)", qm1(unknown, true), IkeDrop::BAD_PROPOSAL);
                std::vector<Pl> extra = good;
                extra.push_back({200, Pattern(8, 11)});
                send("a payload of type 200", qm1(extra, true), IkeDrop::UNSUPPORTED_PAYLOAD);
                std::vector<Pl> ids = good;
                ids.push_back({NP_ID, IdBody(b)});
                send("three IDs", qm1(ids, true), IkeDrop::BAD_PAYLOAD);
                std::vector<Pl> nononce{good[0], good[2], good[3], good[4]};
                send("no nonce", qm1(nononce, true), IkeDrop::BAD_PAYLOAD);
                // Encrypted under another key: garbage once decrypted, which
                // fails wherever it happens to fail (any reason).
                Bytes wrongKey = k.encKey;
                wrongKey[0] ^= 0x55;
                ++msgid;
                std::vector<Pl> withHash = good;
                withHash.insert(withHash.begin(), Pl{NP_HASH, Pattern(20, 12)});
                send("encrypted under another key",
                     Encrypted(k.icookie,
                               k.rcookie,
                               ET_QUICK,
                               msgid,
                               withHash,
                               wrongKey,
                               Phase2Iv(last, msgid)),
                     IkeDrop::COUNT);
                // Not whole cipher blocks: cannot be decrypted at all.
                Bytes cut = qm1(good, true);
                cut.resize(cut.size() - 3);
                cut[27] -= 3;
                send("3 bytes short of a cipher block", cut, IkeDrop::UNDECRYPTABLE);
                // Not encrypted at all.
                send("a quick mode in clear",
                     Cat(Header(k.icookie, k.rcookie, NP_HASH, ET_QUICK, 0, 0x52000000, 28 + 24),
                         Chain({{NP_HASH, Pattern(20, 13)}})),
                     IkeDrop::UNEXPECTED);
            });
    }

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logB, "HASH(1) mismatch."), true, "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "remote address mismatched."), true, "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logB, "no proposal chosen."), true, "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "Packet wasn't encrypted."), true, "racoon's line");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(
            run.m_result.b.Failures(IkeFailure::PH2_AUTH_FAILED), 2, "B: the two wrong HASH(1)");
        NS_TEST_EXPECT_MSG_EQ(run.m_result.b.ph2Responded, 1, "B: no quick mode started");
        // isakmp_ph2begin_r tells the peer, encrypted: A reads each notification.
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logA,
                   "notification INVALID-HASH-INFORMATION received in informational exchange."),
            true,
            "A reads B's INVALID-HASH-INFORMATION");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logA,
                   "notification NO-PROPOSAL-CHOSEN received in informational exchange."),
            true,
            "A reads B's NO-PROPOSAL-CHOSEN");
    }
};

// ---- main mode 5 with a wrong HASH ----------------------------------------------------

/**
 * A main mode 5 written here with a wrong HASH_I, encrypted with the phase-1
 * key (from a first, identical run's key log) and the first phase-1 IV
 * (hash(g^xi | g^xr), from the KE payloads seen on the wire), sent to B as
 * soon as the router sees main mode 4 go by: it beats A's real one.
 * racoon: "HASH mismatched", INVALID-HASH-INFORMATION, the handle kept and
 * its IV not advanced; A's real message 5 then completes the exchange.
 * With @p replace, the router also swallows A's real message 5 (and its
 * retransmissions): B only ever sees forged ones and the exchange times out.
 */
class ForgedMainMode5Case : public IkeBadInputCase
{
  public:
    explicit ForgedMainMode5Case(bool replace)
        : IkeBadInputCase(replace ? "main mode 5 replaced by one with a wrong HASH_I: time up"
                                  : "a main mode 5 with a wrong HASH_I before the real one")
        , m_replace(replace)
    {
        m_legitimate = !replace;
        m_pings = replace ? 70 : 10;
    }

  private:
    void Prepare() override
    {
        m_forged = 0;
        // The same run without the attack gives the key (runs are deterministic).
        AttackRun dry(false, "", 3);
        dry.Go();
        m_key = dry.m_keysB.encKey;
        m_icky = dry.m_keysB.icookie;
        // The test's own decryption of the real message 5 checks key and IV.
        Isakmp mm3;
        Isakmp mm4;
        Isakmp mm5;
        ReadIsakmp(dry.MainMode(3), &mm3);
        ReadIsakmp(dry.MainMode(4), &mm4);
        ReadIsakmp(dry.MainMode(5), &mm5);
        Bytes gxi = Body(mm3, NP_KE);
        Bytes gxr = Body(mm4, NP_KE);
        NS_TEST_ASSERT_MSG_EQ((!gxi.empty() && !gxr.empty()), true, "KE payloads on the wire");
        Bytes iv = Sha1(Cat(gxi, gxr));
        iv.resize(8);
        std::vector<Pl> pls = Walk(mm5.next, Des3(false, m_key, iv, mm5.body));
        NS_TEST_ASSERT_MSG_EQ(pls.size(), 2, "the real MM5 decrypts into two payloads");
        NS_TEST_EXPECT_MSG_EQ(int(pls[0].type), int(NP_ID), "IDii");
        NS_TEST_EXPECT_MSG_EQ(int(pls[1].type), int(NP_HASH), "HASH_I");
    }

    void Attack(AttackRun& run) override
    {
        run.Watch(
            [this](AttackRun& r, const Seen& s)
            {
                Isakmp m;
                if (s.fromA || !ReadIsakmp(s.bytes, &m) || m.exchange != ET_IDENT
                    || (m.flags & FLAG_E) || m.icky != m_icky || Body(m, NP_KE).empty())
                {
                    return; // not main mode 4 of the exchange whose key we have
                }
                Bytes mm3 = r.First(
                    [&m](const Seen& x, const Isakmp& y)
                    {
                        return x.fromA && y.icky == m.icky && y.rcky == m.rcky
                            && y.exchange == ET_IDENT && !Body(y, NP_KE).empty();
                    });
                Isakmp i3;
                ReadIsakmp(mm3, &i3);
                Bytes gxi = Body(i3, NP_KE);
                Bytes gxr = Body(m, NP_KE);
                if (gxi.empty() || gxr.empty())
                {
                    return;
                }
                Bytes iv = Sha1(Cat(gxi, gxr));
                iv.resize(8);
                ++m_forged;
                Bytes forged = Encrypted(m.icky,
                                         m.rcky,
                                         ET_IDENT,
                                         0,
                                         {{NP_ID, IdBody(r.Addr("A"))},
                                          {NP_HASH, Pattern(20, static_cast<uint8_t>(m_forged))}},
                                         m_key,
                                         iv);
                ExpectDrop('B',
                           "forged main mode 5 #" + std::to_string(m_forged),
                           forged,
                           IkeDrop::BAD_HASH);
                AttackRun* rp = &r;
                Simulator::ScheduleNow(
                    [forged, rp]()
                    {
                        rp->Send("B", rp->Addr("A"), forged);
                    });
            });
        if (m_replace)
        {
            run.Sink(
                [](const Seen& s)
                {
                    Isakmp m;
                    return s.fromA && ReadIsakmp(s.bytes, &m) && m.exchange == ET_IDENT
                        && (m.flags & FLAG_E);
                });
        }
    }

    void AfterRun(AttackRun&) override
    {
        // B answers each forgery with an unencrypted INVALID-HASH-INFORMATION;
        // A, past (or about to send) its message 5, does nothing with it.
        m_otherDropsA[IkeDrop::UNAUTHENTICATED] = m_forged;
    }

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logB, "HASH mismatched"), true, "racoon's line");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(m_forged, 1u, "forged at least once");
        NS_TEST_EXPECT_MSG_EQ(run.m_result.b.Failures(IkeFailure::PH1_AUTH_FAILED),
                              m_forged,
                              "B: each forgery failed authentication");
        if (!m_replace)
        {
            NS_TEST_EXPECT_MSG_EQ(m_forged, 1u, "one main mode 4, one forgery");
            return;
        }
        // racoon's 5 transmissions of main mode 4, each answered by a forgery.
        NS_TEST_EXPECT_MSG_EQ(m_forged, 5u, "five main mode 4, five forgeries");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(
            run.m_result.a.Failures(IkeFailure::PH1_TIMEOUT), 1, "A: time up");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(
            run.m_result.b.Failures(IkeFailure::PH1_TIMEOUT), 1, "B: time up");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logA, "phase1 negotiation failed due to time up."), true, "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(
            run.m_result.a.ph1Established + run.m_result.b.ph1Established, 0, "no ISAKMP SA");
        NS_TEST_EXPECT_MSG_EQ(run.m_sadA.size() + run.m_sadB.size(), 0, "no SA");
        NS_TEST_EXPECT_MSG_EQ(run.m_result.repliesReceived, 0, "no reply");
    }

    bool m_replace;
    uint32_t m_forged{0};
    Bytes m_key;
    Bytes m_icky;
};

// ---- phase-1 proposals -------------------------------------------------------------

/// Main mode 1 from a third party whose SA payload B cannot accept: no handle.
class Phase1ProposalCase : public IkeBadInputCase
{
  public:
    Phase1ProposalCase()
        : IkeBadInputCase("main mode 1 with proposals B refuses")
    {
    }

  private:
    void Attack(AttackRun& run) override
    {
        Bytes zero(8, 0);
        Time t = Seconds(5);
        uint8_t n = 40;
        auto mm1 = [&](const Bytes& sa)
        {
            return Message(Pattern(8, n++), zero, ET_IDENT, {{NP_SA, sa}});
        };
        Bytes ike = Cat(Tv(1, 5), Tv(2, 2));
        ike = Cat(ike, Tv(3, 1));
        ike = Cat(ike, Tv(4, 2));
        auto one = [](uint8_t protocol, uint8_t id, const Bytes& attrs)
        {
            // an ESP proposal has a 4-byte SPI (RFC 2407 4.4.1), phase 1's none
            Bytes spi = protocol == 3 ? Be32(0x100) : Bytes();
            return SaBody(Proposal(1, protocol, spi, 1, Transform(NP_NONE, 1, id, attrs)));
        };
        // Undecodable SA payloads (RFC 2408 3.5: a proposal has transforms).
        InjectDrop(run,
                   t,
                   "B",
                   "other",
                   "a proposal without a transform",
                   mm1(SaBody(Proposal(1, 1, {}, 0, {}))),
                   IkeDrop::BAD_PROPOSAL);
        InjectDrop(run,
                   t,
                   "B",
                   "other",
                   "# of transforms 2, one there",
                   mm1(SaBody(Proposal(1, 1, {}, 2, Transform(NP_NONE, 1, 1, ike)))),
                   IkeDrop::BAD_PROPOSAL);
        // Decodable, but nothing racoon's sample configuration accepts.
        InjectDrop(run,
                   t,
                   "B",
                   "other",
                   "an unknown attribute (type 200)",
                   mm1(Ph1Sa(Tv(200, 1))),
                   IkeDrop::BAD_PROPOSAL);
        InjectDrop(run,
                   t,
                   "B",
                   "other",
                   "an ESP proposal in phase 1",
                   mm1(one(3, 1, ike)),
                   IkeDrop::BAD_PROPOSAL);
        InjectDrop(run,
                   t,
                   "B",
                   "other",
                   "transform id 3, not KEY_IKE",
                   mm1(one(1, 3, ike)),
                   IkeDrop::BAD_PROPOSAL);
        Bytes des = Cat(Tv(1, 1), Tv(2, 2));
        des = Cat(des, Tv(3, 1));
        des = Cat(des, Tv(4, 2));
        InjectDrop(run, t, "B", "other", "DES", mm1(one(1, 1, des)), IkeDrop::BAD_PROPOSAL);
        Bytes longer = Cat(ike, Tv(11, 1));
        longer = Cat(longer, Tlv32(12, 10 * 86400));
        InjectDrop(run,
                   t,
                   "B",
                   "other",
                   "a lifetime over B's (proposal_check strict)",
                   mm1(one(1, 1, longer)),
                   IkeDrop::BAD_PROPOSAL);
    }

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logB, "failed to get valid proposal."), true, "racoon");
        NS_TEST_EXPECT_MSG_EQ(run.m_result.b.Failures(IkeFailure::PH1_NO_PROPOSAL),
                              5,
                              "the decodable ones: no proposal chosen");
        NS_TEST_EXPECT_MSG_EQ(run.m_ph1StartsB, 1, "B: no handle for any of them");
    }
};

// ---- informational exchanges -------------------------------------------------------------

/**
 * Notifications and Deletes: unencrypted ones are only logged while phase 1
 * is still in clear and refused after (isakmp_info_recv: "must be
 * encrypted"); encrypted ones must carry a HASH that verifies.  None of them
 * deletes an SA.
 */
class InformationalCase : public IkeBadInputCase
{
  public:
    explicit InformationalCase(bool v6)
        : IkeBadInputCase("unauthenticated and forged informational exchanges", v6)
    {
    }

  private:
    void Attack(AttackRun& run) override
    {
        // While phase 1 is in clear: as soon as B's main mode 2 goes by.
        run.Watch(
            [this](AttackRun& r, const Seen& s)
            {
                Isakmp m;
                if (m_early || s.fromA || !ReadIsakmp(s.bytes, &m) || m.exchange != ET_IDENT)
                {
                    return;
                }
                m_early = true;
                Bytes n = Message(
                    m.icky, m.rcky, ET_INFO, {{NP_N, NotifyBody(14, Cat(m.icky, m.rcky))}});
                ExpectDrop('B', "a notification during phase 1", n, IkeDrop::UNAUTHENTICATED);
                AttackRun* rp = &r;
                Simulator::ScheduleNow(
                    [rp, n]()
                    {
                        rp->Send("B", rp->Addr("A"), n);
                    });
            });
        run.At(Seconds(5),
               [this](AttackRun& r)
               {
                   const IkeDaemon::Phase1Keys& k = r.m_keysB;
                   Bytes ckys = Cat(k.icookie, k.rcookie);
                   Bytes mm6 = r.MainMode(6);
                   Bytes last(mm6.end() - 8, mm6.end());
                   // B's inbound SA's SPI, from the key log's point of view: any SPI of B's.
                   Bytes del;
                   Put32(del, 1);
                   del.push_back(3);
                   del.push_back(4);
                   Put16(del, 1);
                   Put32(del, 0x1000);
                   auto send = [&](const std::string& what, const Bytes& b, IkeDrop why)
                   {
                       ExpectDrop('B', what, b, why);
                       r.Send("B", r.Addr("A"), b);
                   };
                   send("a notification after phase 1, in clear",
                        Message(k.icookie, k.rcookie, ET_INFO, {{NP_N, NotifyBody(18, ckys)}}),
                        IkeDrop::UNAUTHENTICATED);
                   send("a Delete after phase 1, in clear",
                        Message(k.icookie, k.rcookie, ET_INFO, {{12, del}}),
                        IkeDrop::UNAUTHENTICATED);
                   uint32_t msgid = 0x61000001;
                   send("an encrypted Delete with a wrong HASH",
                        Encrypted(k.icookie,
                                  k.rcookie,
                                  ET_INFO,
                                  msgid,
                                  {{NP_HASH, Pattern(20, 1)}, {12, del}},
                                  k.encKey,
                                  Phase2Iv(last, msgid)),
                        IkeDrop::BAD_HASH);
                   ++msgid;
                   send("an encrypted Delete without a HASH",
                        Encrypted(k.icookie,
                                  k.rcookie,
                                  ET_INFO,
                                  msgid,
                                  {{12, del}},
                                  k.encKey,
                                  Phase2Iv(last, msgid)),
                        IkeDrop::BAD_PAYLOAD);
                   ++msgid;
                   Bytes wrong = k.encKey;
                   wrong[5] ^= 1;
                   send("an informational exchange under another key",
                        Encrypted(k.icookie,
                                  k.rcookie,
                                  ET_INFO,
                                  msgid,
                                  {{NP_HASH, Pattern(20, 2)}, {12, del}},
                                  wrong,
                                  Phase2Iv(last, msgid)),
                        IkeDrop::COUNT);
                   ++msgid;
                   Bytes cut = Encrypted(k.icookie,
                                         k.rcookie,
                                         ET_INFO,
                                         msgid,
                                         {{NP_HASH, Pattern(20, 3)}, {12, del}},
                                         k.encKey,
                                         Phase2Iv(last, msgid));
                   cut.resize(cut.size() - 5);
                   cut[27] -= 5;
                   send("an informational exchange 5 bytes short of a block",
                        cut,
                        IkeDrop::UNDECRYPTABLE);
               });
    }

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(m_early, true, "main mode 2 seen");
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logB,
                                     "notification NO-PROPOSAL-CHOSEN received in unencrypted "
                                     "informational exchange."),
                              true,
                              "racoon's line: logged, nothing else");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "notify message must be encrypted"), true, "racoon");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "delete message must be encrypted"), true, "racoon");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "ignore information due to hash mismatch"), true, "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "ignore information because the message has no hash payload."),
            true,
            "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logB, "purged IPsec-SA"), false, "nothing deleted");
    }

    bool m_early{false};
};

// ---- aggressive mode: forged answers to the initiator ----------------------------------------

/**
 * As soon as the router sees aggressive mode 1 go by, it answers A itself
 * with aggressive mode 2s of its own (B's address, a responder cookie of its
 * own): one with a wrong HASH_R, one with a Diffie-Hellman value out of
 * range, one choosing a hash algorithm A never offered.  racoon's agg_i2recv
 * refuses each and keeps the handle as it was, so B's real answer completes
 * the exchange.
 */
class ForgedAggressive2Case : public IkeBadInputCase
{
  public:
    ForgedAggressive2Case()
        : IkeBadInputCase("forged aggressive mode 2s before the real one", false, "aggressive")
    {
    }

  private:
    void Attack(AttackRun& run) override
    {
        run.Watch(
            [this](AttackRun& r, const Seen& s)
            {
                Isakmp m;
                if (m_done || !s.fromA || !ReadIsakmp(s.bytes, &m) || m.exchange != ET_AGG)
                {
                    return;
                }
                m_done = true;
                Bytes rcky = Pattern(8, 99);
                Bytes ke(128, 0);
                ke.back() = 2; // g^y = 2: in range
                auto am2 = [&](const Bytes& sa, const Bytes& value, uint8_t hashSeed)
                {
                    return Message(m.icky,
                                   rcky,
                                   ET_AGG,
                                   {{NP_SA, sa},
                                    {NP_KE, value},
                                    {NP_NONCE, Pattern(16, hashSeed)},
                                    {NP_ID, IdBody(r.Addr("B"))},
                                    {NP_HASH, Pattern(20, hashSeed)}});
                };
                Bytes unknownHash = Cat(Tv(1, 5), Tv(2, 99));
                unknownHash = Cat(unknownHash, Tv(3, 1));
                unknownHash = Cat(unknownHash, Tv(4, 2));
                std::vector<std::pair<std::string, std::pair<Bytes, IkeDrop>>> forged{
                    {"a wrong HASH_R", {am2(Ph1Sa(), ke, 1), IkeDrop::BAD_HASH}},
                    {"g^y = 0", {am2(Ph1Sa(), Bytes(128, 0), 2), IkeDrop::BAD_PAYLOAD}},
                    {"a hash algorithm A did not offer",
                     {am2(SaBody(Proposal(1, 1, {}, 1, Transform(NP_NONE, 1, 1, unknownHash))),
                          ke,
                          3),
                      IkeDrop::BAD_PROPOSAL}}};
                AttackRun* rp = &r;
                for (const auto& [what, f] : forged)
                {
                    ExpectDrop('A', what, f.first, f.second);
                    Bytes b = f.first;
                    Simulator::ScheduleNow(
                        [rp, b]()
                        {
                            rp->Send("A", rp->Addr("B"), b);
                        });
                }
            });
    }

    void AfterRun(AttackRun&) override
    {
        // A answers the wrong HASH_R with INVALID-HASH-INFORMATION, in clear:
        // B logs it (or, once established, refuses it unencrypted).
        m_otherDropsB[IkeDrop::UNAUTHENTICATED] = 1;
    }

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(m_done, true, "aggressive mode 1 seen");
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logA, "HASH mismatched"), true, "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(run.m_result.a.Failures(IkeFailure::PH1_AUTH_FAILED), 1, "A");
        NS_TEST_EXPECT_MSG_EQ(run.m_ph1StartsA, 1, "A: one handle, kept");
    }

    bool m_done{false};
};

// ---- a flood -------------------------------------------------------------------------

/**
 * 200 datagrams of garbage and 20 well-formed main mode 1s from a third
 * party: each garbage datagram is dropped once and leaves nothing behind;
 * each main mode 1 gets a handle (IKEv1 has no cookie exchange before it),
 * which racoon's retransmissions to nobody end 50 s later.
 */
class FloodCase : public IkeBadInputCase
{
  public:
    FloodCase()
        : IkeBadInputCase("200 garbage datagrams and 20 main mode 1s from a third party")
    {
        m_pings = 70;
    }

  private:
    void Attack(AttackRun& run) override
    {
        uint32_t x = 12345;
        auto next = [&x]()
        {
            x = x * 1103515245 + 12345;
            return static_cast<uint8_t>(x >> 16);
        };
        for (int i = 0; i < 200; ++i)
        {
            Bytes g(2 + next() % 118);
            for (uint8_t& b : g)
            {
                b = next();
            }
            g[g.size() - 1] = static_cast<uint8_t>(i); // each one different
            g[g.size() - 2] = 0xee;
            if (g.size() >= 28 && i % 2 == 0)
            {
                // half of them with a consistent length field: past isakmp_handler
                g[24] = 0;
                g[25] = 0;
                g[26] = 0;
                g[27] = static_cast<uint8_t>(g.size());
                g[17] = 0x10;
            }
            ExpectDrop('B', "garbage #" + std::to_string(i), g, IkeDrop::COUNT);
            run.At(Seconds(5) + MilliSeconds(i),
                   [g](AttackRun& r)
                   {
                       r.Send("B", r.Addr("other"), g);
                   });
        }
        Bytes zero(8, 0);
        for (int i = 0; i < 20; ++i)
        {
            Bytes mm1 = Message(
                Pattern(8, static_cast<uint8_t>(100 + i)), zero, ET_IDENT, {{NP_SA, Ph1Sa()}});
            run.At(Seconds(6) + MilliSeconds(10 * i),
                   [mm1](AttackRun& r)
                   {
                       r.Send("B", r.Addr("other"), mm1);
                   });
        }
    }

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(run.m_result.b.ph1Responded, 21, "B: A's and the 20");
        NS_TEST_EXPECT_MSG_EQ(run.m_ph1StartsB, 21, "B: 21 handles made");
        NS_TEST_EXPECT_MSG_EQ(run.m_ph1EndsB, 20, "B: the 20 gone again (time up)");
        NS_TEST_EXPECT_MSG_EQ(run.m_result.b.Failures(IkeFailure::PH1_TIMEOUT), 20, "B");
        NS_TEST_EXPECT_MSG_EQ(run.m_result.b.retransmissions, 20 * 4, "4 resends each");
    }
};

} // namespace

// ===========================================================================

namespace
{

// ---- NAT-T: the NAT-D payloads of main mode 3 ---------------------------------------

/**
 * NAT-T on both sides (racoon.conf's nat_traversal on, no NAT on the path).
 * The router swallows A's first main mode 3 (KE, Nonce, NAT-D, NAT-D: RFC
 * 3947 section 3.2) and sends B a copy with its NAT-D payloads damaged:
 *  - SHORT_HASH: the NAT-D bodies cut to 8 bytes.  racoon's
 *    natt_compare_addr_hash compares lengths first: no hash matches, B sees
 *    a NAT on both sides ("NAT detected: ME PEER"), the exchange completes
 *    (the NAT-D payloads are not in HASH_I), nothing is dropped;
 *  - BAD_HEADER: the first NAT-D's generic header says 3 bytes (less than
 *    the header, RFC 2408 section 3.2): B drops the message as malformed.
 *    10 s later B resends main mode 2 and A's timer resends main mode 3 at
 *    the same time; A answers B's copy with main mode 3 again
 *    (check_recvdpkt), so B gets two, and every later message goes twice:
 *    the exchange completes with no NAT detected and A, established, drops
 *    the second main mode 6 as unexpected.
 */
class NattMainMode3Case : public IkeBadInputCase
{
  public:
    enum Kind
    {
        SHORT_HASH,
        BAD_HEADER,
    };

    NattMainMode3Case(Kind kind, bool v6)
        : IkeBadInputCase(kind == SHORT_HASH ? "NAT-T: main mode 3 with NAT-D payloads of 8 bytes"
                                             : "NAT-T: main mode 3 with a NAT-D length of 3",
                          v6)
        , m_kind(kind)
    {
        m_natt = RacoonNatTraversal::ON;
    }

  private:
    void Attack(AttackRun& run) override
    {
        AttackRun* r = &run;
        run.Sink(
            [this, r](const Seen& s)
            {
                Isakmp m;
                if (m_done || !s.fromA || !ReadIsakmp(s.bytes, &m) || m.exchange != ET_IDENT
                    || ++m_fromA != 2)
                {
                    return false;
                }
                m_done = true;
                std::vector<Pl> pls = Walk(m.next, m.body);
                size_t natd = 0;
                size_t offset = 28;
                for (Pl& p : pls)
                {
                    if (p.type == NP_NATD)
                    {
                        natd++;
                        p.body.resize(std::min<size_t>(p.body.size(), 8));
                    }
                    else if (natd == 0)
                    {
                        offset += 4 + p.body.size();
                    }
                }
                m_natdSeen = natd;
                Bytes copy;
                if (m_kind == SHORT_HASH)
                {
                    copy = Message(m.icky, m.rcky, ET_IDENT, pls);
                }
                else
                {
                    copy = s.bytes;
                    copy[offset + 2] = 0;
                    copy[offset + 3] = 3;
                    ExpectDrop('B', "a NAT-D length of 3", copy, IkeDrop::BAD_PAYLOAD);
                    m_otherDropsA[IkeDrop::UNEXPECTED] = 1;
                }
                Simulator::ScheduleNow(
                    [r, copy]()
                    {
                        r->Send("B", r->Addr("A"), copy);
                    });
                return true;
            });
    }

    void AfterRun(AttackRun& run) override
    {
        if (m_kind == BAD_HEADER)
        {
            // established at 11 s, after the snapshot at 4.5 s
            run.m_sadBefore.clear();
        }
    }

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(m_natdSeen, 2, "A's main mode 3 carried two NAT-D payloads");
        const IkeDaemonStats& a = run.m_result.a;
        const IkeDaemonStats& b = run.m_result.b;
        NS_TEST_EXPECT_MSG_EQ(a.nattDetected, 0, "A: no NAT (B's NAT-D payloads match)");
        NS_TEST_EXPECT_MSG_EQ(a.nattFloated + b.nattPortChanges, 0, "nobody floats");
        if (m_kind == SHORT_HASH)
        {
            NS_TEST_EXPECT_MSG_EQ(b.nattDetected, 1, "B: a NAT (no NAT-D payload matches)");
            NS_TEST_EXPECT_MSG_EQ(
                LogHas(run.m_logB, "NAT-D payload #0 doesn't match"), true, "racoon's line");
            NS_TEST_EXPECT_MSG_EQ(
                LogHas(run.m_logB, "NAT detected: ME PEER"), true, "racoon's line");
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(b.nattDetected, 0, "B: no NAT (from A's retransmission)");
            NS_TEST_EXPECT_MSG_EQ(
                LogHas(run.m_logB, "NAT-D payload #0 verified"), true, "racoon's line");
        }
    }

    Kind m_kind;
    bool m_done{false};
    uint32_t m_fromA{0};
    size_t m_natdSeen{0};
};

// ---- NAT-T: the NAT-OA payloads of quick mode 1 --------------------------------------

/**
 * NAT-T on both sides; quick mode 1 written here with a right HASH(1) and
 * damaged NAT-OA payloads (RFC 3947 section 5.2: an ID payload body).  racoon's
 * quick_r1recv refuses each (ipsecdoi_id2sockaddr, or a third NAT-OA) with
 * PAYLOAD-MALFORMED and starts no quick mode.
 */
class NattQuickModeCase : public IkeBadInputCase
{
  public:
    explicit NattQuickModeCase(bool v6)
        : IkeBadInputCase("NAT-T: quick mode 1 with bad NAT-OA payloads", v6)
    {
        m_natt = RacoonNatTraversal::ON;
    }

  private:
    void Attack(AttackRun& run) override
    {
        run.At(
            Seconds(5),
            [this](AttackRun& r)
            {
                IpsecAddress a = r.Addr("A");
                IpsecAddress b = r.Addr("B");
                uint32_t msgid = 0x61000000;
                auto send = [&](const std::string& what, std::vector<Pl> natoa)
                {
                    std::vector<Pl> rest = r.QuickMode1Payloads(0x2000, 21);
                    rest.insert(rest.end(), natoa.begin(), natoa.end());
                    Bytes bytes = r.QuickMode1ToB(++msgid, rest, true);
                    ExpectDrop('B', what, bytes, IkeDrop::BAD_PAYLOAD);
                    r.Send("B", a, bytes);
                };
                Bytes addrA = IdBody(a);
                Bytes cut(addrA.begin(), addrA.end() - 1);
                Bytes fqdn{2, 0, 0, 0, 'a', '.', 'e', 'x'};
                send("a NAT-OA of 2 bytes", {{NP_NATOA, {1, 0}}});
                send("a NAT-OA address one byte short", {{NP_NATOA, cut}, {NP_NATOA, IdBody(b)}});
                send("a NAT-OA naming an FQDN", {{NP_NATOA, fqdn}});
                send("three NAT-OA payloads",
                     {{NP_NATOA, addrA}, {NP_NATOA, IdBody(b)}, {NP_NATOA, addrA}});
            });
    }

    void Check(AttackRun& run) override
    {
        NS_TEST_EXPECT_MSG_EQ(LogHas(run.m_logB, "invalid NAT-OA payload"), true, "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logB, "received too many NAT-OA payloads."), true, "racoon's line");
        NS_TEST_EXPECT_MSG_EQ(run.m_result.b.ph2Responded, 1, "B: no quick mode started");
        NS_TEST_EXPECT_MSG_EQ(
            LogHas(run.m_logA,
                   "notification PAYLOAD-MALFORMED received in informational exchange."),
            true,
            "A reads B's PAYLOAD-MALFORMED");
    }
};

class IpsecIkeBadInputTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecIkeBadInputTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-ike-bad-input", UNIT)
    {
        AddTestCase(new BaselineCase(false, ""), TestCase::QUICK);
        AddTestCase(new SizesCase(false), TestCase::QUICK);
        AddTestCase(new HeaderCase(), TestCase::QUICK);
        AddTestCase(new PayloadChainCase(false), TestCase::QUICK);
        AddTestCase(new CookieCase(false), TestCase::QUICK);
        for (const char* which : {"MM1", "MM3", "MM5", "QM1"})
        {
            AddTestCase(new ReplayCase(which, "A", 5), TestCase::QUICK);
        }
        AddTestCase(new ReplayCase("MM1", "other", 5), TestCase::QUICK);
        AddTestCase(new ReplayCase("MM1", "A", 110), TestCase::QUICK);
        AddTestCase(new QuickModeCase(false), TestCase::QUICK);
        AddTestCase(new Phase1ProposalCase(), TestCase::QUICK);
        AddTestCase(new InformationalCase(false), TestCase::QUICK);
        AddTestCase(new ForgedMainMode5Case(false), TestCase::QUICK);
        AddTestCase(new ForgedMainMode5Case(true), TestCase::QUICK);
        AddTestCase(new ForgedAggressive2Case(), TestCase::QUICK);
        AddTestCase(new FloodCase(), TestCase::QUICK);
        AddTestCase(new NattMainMode3Case(NattMainMode3Case::SHORT_HASH, false), TestCase::QUICK);
        AddTestCase(new NattMainMode3Case(NattMainMode3Case::BAD_HEADER, false), TestCase::QUICK);
        AddTestCase(new NattQuickModeCase(false), TestCase::QUICK);
        // IPv6 and aggressive mode
        AddTestCase(new BaselineCase(true, ""), TestCase::QUICK);
        AddTestCase(new BaselineCase(false, "aggressive"), TestCase::QUICK);
        AddTestCase(new SizesCase(true), TestCase::QUICK);
        AddTestCase(new PayloadChainCase(true), TestCase::QUICK);
        AddTestCase(new CookieCase(true), TestCase::QUICK);
        AddTestCase(new ReplayCase("QM1", "A", 5, true), TestCase::QUICK);
        AddTestCase(new QuickModeCase(true), TestCase::QUICK);
        AddTestCase(new InformationalCase(true), TestCase::QUICK);
        AddTestCase(new NattMainMode3Case(NattMainMode3Case::SHORT_HASH, true), TestCase::QUICK);
        AddTestCase(new NattQuickModeCase(true), TestCase::QUICK);
    }
};

static IpsecIkeBadInputTestSuite g_ipsecIkeBadInputTestSuite;

} // namespace
