// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ipsec(4) knobs (KAME's ipsec_sysctl), set by their sysctl names
 * through IpsecSysctl, and their effect on real traffic between the hosts
 * of the FAQ's host-to-host topology (A 10.1.1.1 -- router -- B 20.1.1.1;
 * IPv6 fd00:10:1::1 / fd00:20:1::1).  Each scenario sends a handful of UDP
 * datagrams from one host to a UDP socket of the other and observes: what
 * the socket received, the datagrams on A's link (PPP frames), both hosts'
 * ipsecstat/ipsec6stat, the IpsecStack "Drop" traces, and (debug) what was
 * written to standard error.
 *
 *  - ah_cleartos (ah4_calccksum): AH's ICV covers the IPv4 TOS byte only
 *    when ah_cleartos is 0.  ns-3 routers never rewrite TOS, so the knob shows
 *    through a mismatch between the ends: with TOS 0x10 on the wire, equal
 *    settings deliver, different settings make the receiver's ICV differ
 *    (in_ahauthfail); with TOS 0 the settings cannot matter.
 *  - ah_offsetmask (ah4_calccksum): the flags/fragment-offset field enters
 *    the ICV AND-ed with the mask.  AH is computed before fragmentation (on a
 *    datagram with MF 0 and offset 0) and verified after reassembly (again
 *    MF 0 and offset 0), and ns-3 never sets DF on a host's datagram, so for
 *    ordinary transport traffic the field is 0 at both ends and any pair of
 *    masks delivers, fragmented or not.  The field is non-zero only when DF
 *    is set: an AH tunnel with dfbit=1 (ipsec4_encapsulate) puts DF on the
 *    outer header, and then the masks must agree on bit 0x4000.
 *  - esp_enable / ah_enable = 0 on the receiver: nothing is delivered, each
 *    datagram's drop is traced, and no ipsecstat counter moves (the model's
 *    documented behaviour: KAME's ipsecstat has no counter for it).
 *  - def_policy = 0 (both families; ip4_def_policy / ip6_def_policy and
 *    ipsec_in_reject): a node without policies drops its outbound traffic
 *    (out_polvio) and inbound plaintext (in_polvio); the IPv4 and IPv6
 *    knobs are independent.
 *  - esp_trans_deflev / ah_trans_deflev (ipsec_get_reqlevel): a `default`
 *    request without SA is `require` at 2 (out_nosa) and `use` at 1 (sent in
 *    clear);
 *    output uses the packet's family's knob, the inbound check the IPv4 one
 *    for both families (ipsec_in_reject calls ipsec_get_reqlevel with the
 *    IPv4 variables).
 *  - debug (ipsec_debug): non-zero logs every drop to standard error
 *    (captured with an rdbuf swap); 0 logs nothing.  net.inet.ipsec.debug and
 *    net.inet6.ipsec6.debug are the same variable.
 *
 * Expected values come from those KAME functions (see "Variants" and the
 * ipsec(4) knob table in doc/ipsec.rst) and the scenario, never from the
 * model's output.
 */
#include "ipsec-test-base.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipsec-module.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/udp-socket-factory.h"

#include <array>
#include <cctype>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace ns3;

namespace
{

using Bytes = std::vector<uint8_t>;

constexpr uint8_t PROTO_UDP = 17;
constexpr uint8_t PROTO_ESP = 50;
constexpr uint8_t PROTO_AH = 51;
constexpr uint8_t SADB_AALG_SHA1HMAC = 3; ///< in_ahhist / out_ahhist slot (net/pfkeyv2.h)
constexpr uint16_t IP_DF = 0x4000;
constexpr uint16_t IP_MF = 0x2000;
constexpr uint16_t IP_OFFMASK = 0x1fff;
constexpr uint16_t PORT = 9;

const std::string AH_KEY = "0x0123456789abcdef0123456789abcdef01234567"; // 160 bits
const std::string ESP_ALGS
    = "-E rijndael-cbc 0x00112233445566778899aabbccddeeff -A hmac-sha1 " + AH_KEY;

Bytes
PacketBytes(Ptr<const Packet> p)
{
    Bytes b(p->GetSize());
    p->CopyData(b.data(), b.size());
    return b;
}

uint16_t
Get16(const uint8_t* p)
{
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

std::string
Lower(std::string s)
{
    for (char& c : s)
    {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

/// One IP datagram in a PPP frame.
struct Datagram
{
    bool v6{false};
    uint8_t proto{0};
    uint8_t tos{0};
    uint16_t fragField{0}; ///< IPv4 flags and fragment offset
    IpsecAddress src;
    IpsecAddress dst;
    uint32_t payloadSize{0};
};

bool
ParsePppFrame(Ptr<const Packet> p, Datagram* d)
{
    Bytes f = PacketBytes(p);
    if (f.size() < 2 + 20)
    {
        return false;
    }
    uint16_t ppp = Get16(f.data());
    const uint8_t* b = f.data() + 2;
    if (ppp == 0x0021 && (b[0] >> 4) == 4)
    {
        d->v6 = false;
        d->tos = b[1];
        d->fragField = Get16(b + 6);
        d->proto = b[9];
        d->src = IpsecAddress(Ipv4Address::Deserialize(b + 12));
        d->dst = IpsecAddress(Ipv4Address::Deserialize(b + 16));
        d->payloadSize = Get16(b + 2) - (b[0] & 0x0f) * 4u;
        return true;
    }
    if (ppp == 0x0057 && (b[0] >> 4) == 6 && f.size() >= 2 + 40)
    {
        d->v6 = true;
        d->tos = static_cast<uint8_t>(((b[0] & 0x0f) << 4) | (b[1] >> 4));
        d->proto = b[6];
        d->src = IpsecAddress(Ipv6Address::Deserialize(b + 8));
        d->dst = IpsecAddress(Ipv6Address::Deserialize(b + 24));
        d->payloadSize = Get16(b + 4);
        return true;
    }
    return false;
}

/// One host-to-host run: configuration, a UDP flow, and what happened.
struct Scenario
{
    bool v6{false};
    std::string scriptA; ///< setkey script for A (the sender unless fromB)
    std::string scriptB;
    std::vector<std::pair<std::string, std::string>> sysctlA; ///< (name, value)
    std::vector<std::pair<std::string, std::string>> sysctlB;
    /// IpsecStack attributes of A that have no sysctl name (model variants).
    std::vector<std::pair<std::string, std::string>> attributesA;
    bool fromB{false}; ///< the flow goes B -> A
    uint32_t count{5};
    uint32_t size{200}; ///< UDP payload bytes
    uint8_t tos{0};     ///< IPv4 TOS of the sender's datagrams (SocketIpTosTag)
    bool captureCerr{false};
};

struct Drop
{
    std::string counter;
    std::string reason;
};

struct Outcome
{
    uint32_t received{0};
    bool payloadsIntact{true};
    IpsecStats a; ///< A's counters of the scenario's family
    IpsecStats b;
    IpsecStats aOther; ///< the other family's
    IpsecStats bOther;
    std::vector<Drop> dropsA;
    std::vector<Drop> dropsB;
    std::vector<Datagram> fromA; ///< what A transmitted (A -> B)
    std::vector<Datagram> toA;   ///< what the router transmitted to A (B -> A)
    std::string err;             ///< standard error during the run (captureCerr)
    uint32_t nodeA{0};           ///< A's node id
};

Bytes
Payload(uint32_t size, uint32_t i)
{
    Bytes b(size);
    for (uint32_t k = 0; k < size; ++k)
    {
        b[k] = static_cast<uint8_t>(i * 31 + k);
    }
    return b;
}

void
SendUdp(Ptr<Socket> s, const IpsecAddress& dst, const Bytes& payload, uint8_t tos = 0)
{
    Ptr<Packet> p = Create<Packet>(payload.data(), payload.size());
    if (tos != 0)
    {
        // IP_TOS for this datagram, the tag through which ns-3's sockets pass
        // it to IP.  (Socket::SetIpTos on an unconnected ns-3.37 UDP socket
        // does not reach the wire, with or without IPsec: the tag is set here.)
        SocketIpTosTag tag;
        tag.SetTos(tos);
        p->ReplacePacketTag(tag);
    }
    if (dst.IsV6())
    {
        s->SendTo(p, 0, Inet6SocketAddress(dst.ToIpv6(), PORT));
    }
    else
    {
        s->SendTo(p, 0, InetSocketAddress(dst.ToIpv4(), PORT));
    }
}

Outcome
RunScenario(const Scenario& sc)
{
    IpsecHostToHostHelper topo;
    topo.SetIpv6(sc.v6);
    topo.Build();
    IpsecStackHelper().AssignStreams(topo.GetNodes(), 5);
    Ptr<Node> a = topo.GetHostA();
    Ptr<Node> b = topo.GetHostB();
    IpsecHelper ipsec;
    if (!sc.scriptA.empty())
    {
        ipsec.RunSetkeyString(a, sc.scriptA, "A");
    }
    if (!sc.scriptB.empty())
    {
        ipsec.RunSetkeyString(b, sc.scriptB, "B");
    }
    for (const auto& [name, value] : sc.attributesA)
    {
        a->GetObject<IpsecStack>()->SetAttribute(name, StringValue(value));
    }
    for (const auto& [name, value] : sc.sysctlA)
    {
        IpsecSysctl::Set(a, name, value);
    }
    for (const auto& [name, value] : sc.sysctlB)
    {
        IpsecSysctl::Set(b, name, value);
    }

    auto out = std::make_shared<Outcome>();
    out->nodeA = a->GetId();
    Ptr<Node> sender = sc.fromB ? b : a;
    Ptr<Node> receiver = sc.fromB ? a : b;
    IpsecAddress receiverAddr = sc.fromB ? topo.GetAddressA() : topo.GetAddressB();

    // Receiver socket; payload i is Payload(size, i).
    Ptr<Socket> rx = Socket::CreateSocket(receiver, UdpSocketFactory::GetTypeId());
    if (sc.v6)
    {
        rx->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), PORT));
    }
    else
    {
        rx->Bind(InetSocketAddress(Ipv4Address::GetAny(), PORT));
    }
    uint32_t size = sc.size;
    Outcome* o = out.get();
    rx->SetRecvCallback((Callback<void, Ptr<Socket>>(
        [o, size](Ptr<Socket> s)
        {
            Address from;
            while (Ptr<Packet> p = s->RecvFrom(from))
            {
                Bytes got = PacketBytes(p);
                bool found = false;
                for (uint32_t i = 0; i < 64 && !found; ++i)
                {
                    found = got == Payload(size, i);
                }
                o->payloadsIntact = o->payloadsIntact && found;
                o->received++;
            }
        })));
    Ptr<Socket> tx = Socket::CreateSocket(sender, UdpSocketFactory::GetTypeId());

    // Traces.
    using DropCb = Callback<void, Ptr<const Packet>, bool, IpsecDropReason, const std::string&>;
    a->GetObject<IpsecStack>()->TraceConnectWithoutContext(
        "Drop",
        DropCb(
            [o](Ptr<const Packet>, bool, IpsecDropReason cReason, const std::string& r)
            {
                const std::string c = IpsecDropReasonCounter(cReason);
                o->dropsA.push_back({c, r});
            }));
    b->GetObject<IpsecStack>()->TraceConnectWithoutContext(
        "Drop",
        DropCb(
            [o](Ptr<const Packet>, bool, IpsecDropReason cReason, const std::string& r)
            {
                const std::string c = IpsecDropReasonCounter(cReason);
                o->dropsB.push_back({c, r});
            }));
    IpsecAddress addrA = topo.GetAddressA();
    IpsecAddress addrB = topo.GetAddressB();
    topo.GetDevices().Get(0)->TraceConnectWithoutContext(
        "PhyTxBegin",
        Callback<void, Ptr<const Packet>>(
            [o, addrA, addrB](Ptr<const Packet> p)
            {
                Datagram d;
                if (ParsePppFrame(p, &d) && d.src == addrA && d.dst == addrB)
                {
                    o->fromA.push_back(d);
                }
            }));
    topo.GetDevices().Get(1)->TraceConnectWithoutContext(
        "PhyTxBegin",
        Callback<void, Ptr<const Packet>>(
            [o, addrA, addrB](Ptr<const Packet> p)
            {
                Datagram d;
                if (ParsePppFrame(p, &d) && d.src == addrB && d.dst == addrA)
                {
                    o->toA.push_back(d);
                }
            }));

    const Time start = Seconds(2);
    for (uint32_t i = 0; i < sc.count; ++i)
    {
        Bytes payload = Payload(sc.size, i);
        uint8_t tos = sc.tos;
        Simulator::Schedule(start + MilliSeconds(100 * i),
                            [tx, receiverAddr, payload, tos]()
                            {
                                SendUdp(tx, receiverAddr, payload, tos);
                            });
    }

    std::ostringstream captured;
    std::streambuf* saved = nullptr;
    if (sc.captureCerr)
    {
        saved = std::cerr.rdbuf(captured.rdbuf());
    }
    Simulator::Stop(start + Seconds(2));
    Simulator::Run();
    if (saved)
    {
        std::cerr.rdbuf(saved);
        out->err = captured.str();
    }
    out->a = a->GetObject<IpsecStack>()->GetStats(sc.v6);
    out->b = b->GetObject<IpsecStack>()->GetStats(sc.v6);
    out->aOther = a->GetObject<IpsecStack>()->GetStats(!sc.v6);
    out->bOther = b->GetObject<IpsecStack>()->GetStats(!sc.v6);
    Simulator::Destroy();
    return *out;
}

/// How many of @p drops name @p counter.
uint32_t
CountDrops(const std::vector<Drop>& drops, const std::string& counter)
{
    uint32_t n = 0;
    for (const Drop& d : drops)
    {
        n += d.counter == counter;
    }
    return n;
}

/// Every counter and histogram slot of @p s is zero.
bool
AllZero(const IpsecStats& s)
{
    for (const auto& [name, value] : s.Scalars())
    {
        if (value != 0)
        {
            return false;
        }
    }
    for (const auto* h : {&s.in_esphist,
                          &s.in_ahhist,
                          &s.in_comphist,
                          &s.out_esphist,
                          &s.out_ahhist,
                          &s.out_comphist})
    {
        for (uint64_t v : *h)
        {
            if (v != 0)
            {
                return false;
            }
        }
    }
    return true;
}

std::string
Addr(bool v6, char host)
{
    if (v6)
    {
        return host == 'A' ? "fd00:10:1::1" : "fd00:20:1::1";
    }
    return host == 'A' ? "10.1.1.1" : "20.1.1.1";
}

/// SA A->B and the policies "out" on A and "in" on B for UDP A->B.
std::string
TransportScript(bool v6, char self, const std::string& proto, const std::string& request)
{
    std::string a = Addr(v6, 'A');
    std::string b = Addr(v6, 'B');
    std::ostringstream s;
    if (proto == "ah")
    {
        s << "add " << a << " " << b << " ah 0x3001 -A hmac-sha1 " << AH_KEY << ";\n";
    }
    else if (proto == "esp")
    {
        s << "add " << a << " " << b << " esp 0x3002 " << ESP_ALGS << ";\n";
    }
    if (!request.empty())
    {
        s << "spdadd " << a << " " << b << " udp -P " << (self == 'A' ? "out" : "in") << " ipsec "
          << request << ";\n";
    }
    return s.str();
}

/// A generic test case: a body run with the case as its argument.
class KnobTestCase : public TestCase
{
  public:
    using Body = std::function<void(KnobTestCase&)>;

    KnobTestCase(const std::string& name, Body body)
        : TestCase(name)
        , m_body(std::move(body))
    {
    }

    /// Reports a failed check of a body (TestCase's reporting is protected).
    void Fail(const std::string& cond,
              const std::string& actual,
              const std::string& limit,
              const std::string& message,
              const char* file,
              int line)
    {
        ReportTestFailure(cond, actual, limit, message, file, line);
    }

  private:
    void DoRun() override
    {
        m_body(*this);
    }

    Body m_body;
};

/// NS_TEST_EXPECT_MSG_EQ for the bodies (free functions of a KnobTestCase).
#define KNOB_EXPECT_EQ(tc, actual, limit, msg)                                      \
    do                                                                              \
    {                                                                               \
        auto knobActual = (actual);                                                 \
        auto knobLimit = (limit);                                                   \
        if (!(knobActual == knobLimit))                                             \
        {                                                                           \
            std::ostringstream knobA;                                               \
            std::ostringstream knobL;                                               \
            std::ostringstream knobM;                                               \
            knobA << knobActual;                                                    \
            knobL << knobLimit;                                                     \
            knobM << msg;                                                           \
            (tc).Fail(std::string(#actual) + " (actual) == " + #limit + " (limit)", \
                      knobA.str(),                                                  \
                      knobL.str(),                                                  \
                      knobM.str(),                                                  \
                      __FILE__,                                                     \
                      __LINE__);                                                    \
        }                                                                           \
    } while (false)

/// NS_TEST_EXPECT_MSG_EQ(cond, true, msg) for the bodies.
#define KNOB_EXPECT(tc, cond, msg)                                              \
    do                                                                          \
    {                                                                           \
        if (!(cond))                                                            \
        {                                                                       \
            std::ostringstream knobM;                                           \
            knobM << msg;                                                       \
            (tc).Fail(#cond, "false", "true", knobM.str(), __FILE__, __LINE__); \
        }                                                                       \
    } while (false)

/// Delivered completely, nothing dropped by IPsec.
void
ExpectDelivered(KnobTestCase& tc, const Outcome& o, uint32_t count, const std::string& what)
{
    KNOB_EXPECT_EQ(tc, o.received, count, what << ": datagrams delivered");
    KNOB_EXPECT(tc, o.payloadsIntact, what << ": a payload arrived changed");
    KNOB_EXPECT_EQ(tc, o.dropsA.size() + o.dropsB.size(), 0u, what << ": IPsec drops");
}

// ---------------------------------------------------------------------------
// ah_cleartos
// ---------------------------------------------------------------------------

void
AhCleartos(KnobTestCase& tc)
{
    struct Row
    {
        const char* sender;
        const char* receiver;
        uint8_t tos;
        bool tunnel;
        bool delivered;
        const char* why;
    };

    // ah4_calccksum: TOS enters the ICV only with ah_cleartos=0.  The sender's
    // ICV covers what it decided, the receiver recomputes with its own knob.
    // In tunnel mode the outer header (whose TOS is the inner one, ECN bits
    // cleared with ecn=0: ip_ecn_ingress) is the one AH covers.
    const Row rows[] = {
        {"1", "1", 0x10, false, true, "both clear TOS (default): TOS 0x10 is not covered"},
        {"0", "1", 0x10, false, false, "sender covers 0x10, receiver covers 0"},
        {"1", "0", 0x10, false, false, "sender covers 0, receiver covers 0x10"},
        {"0", "0", 0x10, false, true, "both cover TOS 0x10, which no router changed"},
        {"0", "1", 0x00, false, true, "TOS 0: zeroing it changes nothing"},
        {"0", "0", 0x10, true, true, "AH tunnel: both cover the outer TOS 0x10"},
        {"0", "1", 0x10, true, false, "AH tunnel: sender covers the outer TOS, receiver 0"},
    };
    std::string a = Addr(false, 'A');
    std::string b = Addr(false, 'B');
    std::string tunnelSa = "add " + a + " " + b + " ah 0x3004 -A hmac-sha1 " + AH_KEY + ";\n";
    std::string tunnelReq = "ah/tunnel/" + a + "-" + b + "/require";
    for (const Row& r : rows)
    {
        Scenario sc;
        if (r.tunnel)
        {
            sc.scriptA
                = tunnelSa + "spdadd " + a + " " + b + " udp -P out ipsec " + tunnelReq + ";\n";
            sc.scriptB
                = tunnelSa + "spdadd " + a + " " + b + " udp -P in ipsec " + tunnelReq + ";\n";
        }
        else
        {
            sc.scriptA = TransportScript(false, 'A', "ah", "ah/transport//require");
            sc.scriptB = TransportScript(false, 'B', "ah", "ah/transport//require");
        }
        sc.sysctlA = {{"net.inet.ipsec.ah_cleartos", r.sender}};
        sc.sysctlB = {{"net.inet.ipsec.ah_cleartos", r.receiver}};
        sc.tos = r.tos;
        Outcome o = RunScenario(sc);
        std::ostringstream what;
        what << (r.tunnel ? "AH tunnel, " : "AH transport, ") << "ah_cleartos sender " << r.sender
             << " receiver " << r.receiver << ", TOS 0x" << std::hex << +r.tos << " (" << r.why
             << ")";
        // The premise: AH datagrams with the socket's TOS on the wire.
        KNOB_EXPECT_EQ(tc, o.fromA.size(), sc.count, what.str() << ": datagrams from A");
        for (const Datagram& d : o.fromA)
        {
            KNOB_EXPECT_EQ(tc, +d.proto, +PROTO_AH, what.str() << ": protocol on the wire");
            KNOB_EXPECT_EQ(tc, +d.tos, +r.tos, what.str() << ": TOS on the wire");
        }
        KNOB_EXPECT_EQ(tc, o.a.out_success, sc.count, what.str() << ": A's AH outputs");
        KNOB_EXPECT_EQ(tc,
                       o.b.in_ahhist[SADB_AALG_SHA1HMAC],
                       sc.count,
                       what.str() << ": B computed every ICV (in_ahhist)");
        if (r.delivered)
        {
            ExpectDelivered(tc, o, sc.count, what.str());
            KNOB_EXPECT_EQ(tc, o.b.in_ahauthsucc, sc.count, what.str() << ": in_ahauthsucc");
            KNOB_EXPECT_EQ(tc, o.b.in_ahauthfail, 0u, what.str() << ": in_ahauthfail");
        }
        else
        {
            KNOB_EXPECT_EQ(tc, o.received, 0u, what.str() << ": nothing delivered");
            KNOB_EXPECT_EQ(tc, o.b.in_ahauthfail, sc.count, what.str() << ": in_ahauthfail");
            KNOB_EXPECT_EQ(
                tc, o.b.in_ahauthsucc + o.b.in_success, 0u, what.str() << ": no success");
            KNOB_EXPECT_EQ(tc,
                           CountDrops(o.dropsB, "in_ahauthfail"),
                           sc.count,
                           what.str() << ": traced drops");
        }
    }
}

// ---------------------------------------------------------------------------
// ah_offsetmask
// ---------------------------------------------------------------------------

void
AhOffsetmaskTransport(KnobTestCase& tc)
{
    struct Row
    {
        const char* sender;
        const char* receiver;
        uint32_t size;
    };

    // No DF on a host's datagrams; AH before fragmentation, after
    // reassembly: the field is 0 whenever the ICV is computed, so every pair
    // of masks delivers.  3000-byte datagrams are fragmented on the 1500-byte
    // links.
    const Row rows[] = {
        {"0", "0", 200},
        {"0", "0", 3000},
        {"0xffff", "0", 200},
        {"0xffff", "0", 3000},
        {"0xffff", "0xffff", 3000},
        {"0", "0xffff", 3000},
    };
    for (const Row& r : rows)
    {
        Scenario sc;
        sc.scriptA = TransportScript(false, 'A', "ah", "ah/transport//require");
        sc.scriptB = TransportScript(false, 'B', "ah", "ah/transport//require");
        sc.sysctlA = {{"net.inet.ipsec.ah_offsetmask", r.sender}};
        sc.sysctlB = {{"net.inet.ipsec.ah_offsetmask", r.receiver}};
        sc.size = r.size;
        Outcome o = RunScenario(sc);
        std::string what = std::string("AH transport, ah_offsetmask sender ") + r.sender
                         + " receiver " + r.receiver + ", " + std::to_string(r.size)
                         + "-byte datagrams";
        ExpectDelivered(tc, o, sc.count, what);
        KNOB_EXPECT_EQ(tc, o.b.in_ahauthsucc, sc.count, what << ": in_ahauthsucc");
        uint32_t firsts = 0;
        uint32_t laters = 0;
        for (const Datagram& d : o.fromA)
        {
            KNOB_EXPECT_EQ(tc, +d.proto, +PROTO_AH, what << ": every fragment is AH's");
            KNOB_EXPECT_EQ(tc, d.fragField & IP_DF, 0, what << ": no DF");
            firsts += (d.fragField & IP_MF) && (d.fragField & IP_OFFMASK) == 0;
            laters += (d.fragField & IP_OFFMASK) != 0;
        }
        if (r.size > 1500)
        {
            // 8 + 3000 bytes of UDP under 24 bytes of AH: 3032 bytes in 1480-byte pieces.
            KNOB_EXPECT_EQ(tc, firsts, sc.count, what << ": first fragments (MF, offset 0)");
            KNOB_EXPECT_EQ(tc, laters, 2 * sc.count, what << ": later fragments");
        }
        else
        {
            KNOB_EXPECT_EQ(tc, firsts + laters, 0u, what << ": no fragments");
        }
    }
}

void
AhOffsetmaskDf(KnobTestCase& tc)
{
    struct Row
    {
        const char* sender;
        const char* receiver;
        bool delivered;
    };

    // dfbit=1: the outer header of the AH tunnel has DF (0x4000), MF 0,
    // offset 0.  The ICVs agree iff (0x4000 & sender) == (0x4000 & receiver).
    const Row rows[] = {
        {"0", "0", true},
        {"0xffff", "0", false},
        {"0", "0xffff", false},
        {"0xffff", "0xffff", true},
        {"0xbfff", "0", true},
        {"0x4000", "0xffff", true},
    };
    std::string a = Addr(false, 'A');
    std::string b = Addr(false, 'B');
    std::string sa = "add " + a + " " + b + " ah 0x3003 -A hmac-sha1 " + AH_KEY + ";\n";
    std::string req = "ah/tunnel/" + a + "-" + b + "/require";
    for (const Row& r : rows)
    {
        Scenario sc;
        sc.scriptA = sa + "spdadd " + a + " " + b + " udp -P out ipsec " + req + ";\n";
        sc.scriptB = sa + "spdadd " + a + " " + b + " udp -P in ipsec " + req + ";\n";
        sc.sysctlA = {{"net.inet.ipsec.dfbit", "1"}, {"net.inet.ipsec.ah_offsetmask", r.sender}};
        sc.sysctlB = {{"net.inet.ipsec.ah_offsetmask", r.receiver}};
        Outcome o = RunScenario(sc);
        std::string what = std::string("AH tunnel with DF (dfbit=1), ah_offsetmask sender ")
                         + r.sender + " receiver " + r.receiver;
        KNOB_EXPECT_EQ(tc, o.fromA.size(), sc.count, what << ": datagrams from A");
        for (const Datagram& d : o.fromA)
        {
            KNOB_EXPECT_EQ(tc, +d.proto, +PROTO_AH, what << ": outer protocol");
            KNOB_EXPECT_EQ(tc, d.fragField, IP_DF, what << ": outer DF, no fragment bits");
        }
        if (r.delivered)
        {
            ExpectDelivered(tc, o, sc.count, what);
            KNOB_EXPECT_EQ(tc, o.b.in_ahauthsucc, sc.count, what << ": in_ahauthsucc");
        }
        else
        {
            KNOB_EXPECT_EQ(tc, o.received, 0u, what << ": nothing delivered");
            KNOB_EXPECT_EQ(tc, o.b.in_ahauthfail, sc.count, what << ": in_ahauthfail");
            KNOB_EXPECT_EQ(
                tc, CountDrops(o.dropsB, "in_ahauthfail"), sc.count, what << ": traced drops");
        }
    }
}

// ---------------------------------------------------------------------------
// esp_enable / ah_enable
// ---------------------------------------------------------------------------

void
InputEnable(KnobTestCase& tc, bool v6, const std::string& proto)
{
    std::string knob = proto == "esp" ? "net.inet.esp.esp_enable" : "net.inet.ah.ah_enable";
    for (const char* value : {"1", "0"})
    {
        Scenario sc;
        sc.v6 = v6;
        sc.scriptA = TransportScript(v6, 'A', proto, proto + "/transport//require");
        sc.scriptB = TransportScript(v6, 'B', proto, proto + "/transport//require");
        sc.sysctlB = {{knob, value}};
        Outcome o = RunScenario(sc);
        std::string what = knob + "=" + value + " on the receiver (" + (v6 ? "IPv6" : "IPv4") + ")";
        uint8_t wire = proto == "esp" ? PROTO_ESP : PROTO_AH;
        KNOB_EXPECT_EQ(tc, o.fromA.size(), sc.count, what << ": A sent");
        for (const Datagram& d : o.fromA)
        {
            KNOB_EXPECT_EQ(tc, +d.proto, +wire, what << ": protected on the wire");
        }
        if (std::string(value) == "1")
        {
            ExpectDelivered(tc, o, sc.count, what);
            KNOB_EXPECT_EQ(tc, o.b.in_success, sc.count, what << ": in_success");
            continue;
        }
        KNOB_EXPECT_EQ(tc, o.received, 0u, what << ": nothing delivered");
        KNOB_EXPECT_EQ(tc, o.dropsB.size(), sc.count, what << ": one traced drop per datagram");
        for (const Drop& d : o.dropsB)
        {
            KNOB_EXPECT(tc,
                        Lower(d.reason).find(proto) != std::string::npos
                            && d.reason.find("disabled") != std::string::npos,
                        what << ": drop reason '" << d.reason << "'");
        }
        KNOB_EXPECT(tc, AllZero(o.b), what << ": an ipsecstat counter of B moved");
        KNOB_EXPECT(tc, AllZero(o.bOther), what << ": a counter of B's other family moved");
    }
}

// ---------------------------------------------------------------------------
// def_policy
// ---------------------------------------------------------------------------

void
DefPolicy(KnobTestCase& tc, bool v6)
{
    std::string knob = v6 ? "net.inet6.ipsec6.def_policy" : "net.inet.ipsec.def_policy";
    std::string otherKnob = v6 ? "net.inet.ipsec.def_policy" : "net.inet6.ipsec6.def_policy";
    std::string fam = v6 ? " (IPv6)" : " (IPv4)";
    // Outbound from A, which has no policy at all.
    {
        Scenario sc;
        sc.v6 = v6;
        sc.sysctlA = {{knob, "0"}};
        Outcome o = RunScenario(sc);
        std::string what = knob + "=0 on A, A sends" + fam;
        KNOB_EXPECT_EQ(tc, o.received, 0u, what << ": nothing delivered");
        KNOB_EXPECT_EQ(tc, o.fromA.size(), 0u, what << ": nothing left A");
        KNOB_EXPECT_EQ(tc, o.a.out_polvio, sc.count, what << ": out_polvio");
        KNOB_EXPECT_EQ(tc, CountDrops(o.dropsA, "out_polvio"), sc.count, what << ": drops");
        KNOB_EXPECT_EQ(tc, o.dropsA.size(), sc.count, what << ": only those drops");
    }
    // Inbound plaintext from B.
    {
        Scenario sc;
        sc.v6 = v6;
        sc.sysctlA = {{knob, "0"}};
        sc.fromB = true;
        Outcome o = RunScenario(sc);
        std::string what = knob + "=0 on A, B sends plaintext" + fam;
        KNOB_EXPECT_EQ(tc, o.toA.size(), sc.count, what << ": reached A's link");
        KNOB_EXPECT_EQ(tc, o.received, 0u, what << ": nothing delivered");
        KNOB_EXPECT_EQ(tc, o.a.in_polvio, sc.count, what << ": in_polvio");
        KNOB_EXPECT_EQ(tc, CountDrops(o.dropsA, "in_polvio"), sc.count, what << ": drops");
        KNOB_EXPECT_EQ(tc, o.dropsA.size(), sc.count, what << ": only those drops");
    }
    // The other family's knob does not touch this family.
    for (bool fromB : {false, true})
    {
        Scenario sc;
        sc.v6 = v6;
        sc.sysctlA = {{otherKnob, "0"}};
        sc.fromB = fromB;
        Outcome o = RunScenario(sc);
        std::string what = otherKnob + "=0 on A, " + (fromB ? "B" : "A") + " sends" + fam;
        ExpectDelivered(tc, o, sc.count, what);
    }
}

// ---------------------------------------------------------------------------
// esp_trans_deflev / ah_trans_deflev
// ---------------------------------------------------------------------------

void
TransDeflevOutput(KnobTestCase& tc, bool v6, const std::string& proto)
{
    std::string own
        = std::string(v6 ? "net.inet6.ipsec6." : "net.inet.ipsec.") + proto + "_trans_deflev";
    std::string other
        = std::string(v6 ? "net.inet.ipsec." : "net.inet6.ipsec6.") + proto + "_trans_deflev";
    struct Row
    {
        std::string knob;
        const char* value;
        bool required;
        bool fallthrough; ///< AhDefaultFallthrough (ipsec_get_reqlevel's fall-through)
    };

    std::vector<Row> rows = {
        {own, "2", true, false},
        {own, "1", false, false},
        // Output resolves `default` with the packet's family's knob.
        {other, "2", false, false},
    };
    if (proto == "ah")
    {
        // KAME proper's missing break: ah/.../default is always 'use'.
        rows.push_back({own, "2", false, true});
    }
    for (const Row& r : rows)
    {
        Scenario sc;
        sc.v6 = v6;
        // A policy with a `default` request and no SA anywhere.
        sc.scriptA = TransportScript(v6, 'A', "", proto + "/transport//default");
        sc.sysctlA = {{r.knob, r.value}};
        if (r.fallthrough)
        {
            sc.attributesA = {{"AhDefaultFallthrough", "true"}};
        }
        Outcome o = RunScenario(sc);
        std::string what = proto + "/transport//default without SA, " + r.knob + "=" + r.value
                         + (r.fallthrough ? " with AhDefaultFallthrough" : "");
        if (r.required)
        {
            KNOB_EXPECT_EQ(tc, o.received, 0u, what << ": nothing delivered");
            KNOB_EXPECT_EQ(tc, o.fromA.size(), 0u, what << ": nothing left A");
            KNOB_EXPECT_EQ(tc, o.a.out_nosa, sc.count, what << ": out_nosa");
            KNOB_EXPECT_EQ(tc, CountDrops(o.dropsA, "out_nosa"), sc.count, what << ": drops");
        }
        else
        {
            ExpectDelivered(tc, o, sc.count, what);
            KNOB_EXPECT_EQ(tc, o.a.out_nosa + o.a.out_success, 0u, what << ": no IPsec applied");
            KNOB_EXPECT_EQ(tc, o.fromA.size(), sc.count, what << ": sent");
            for (const Datagram& d : o.fromA)
            {
                KNOB_EXPECT_EQ(tc, +d.proto, +PROTO_UDP, what << ": in clear on the wire");
            }
        }
    }
}

void
TransDeflevInput(KnobTestCase& tc, bool v6)
{
    struct Row
    {
        const char* knob;
        const char* value;
        bool rejected;
    };

    // The inbound check resolves `default` with the IPv4 knobs for both
    // families (ipsec_in_reject): the IPv6 knob never matters there.
    const Row rows[] = {
        {"net.inet.ipsec.esp_trans_deflev", "2", true},
        {"net.inet.ipsec.esp_trans_deflev", "1", false},
        {"net.inet6.ipsec6.esp_trans_deflev", "2", false},
    };
    for (const Row& r : rows)
    {
        Scenario sc;
        sc.v6 = v6;
        sc.scriptB = TransportScript(v6, 'B', "", "esp/transport//default");
        sc.sysctlB = {{r.knob, r.value}};
        Outcome o = RunScenario(sc);
        std::string what = std::string("inbound esp/transport//default, plaintext, ") + r.knob + "="
                         + r.value + (v6 ? " (IPv6)" : " (IPv4)");
        if (r.rejected)
        {
            KNOB_EXPECT_EQ(tc, o.received, 0u, what << ": nothing delivered");
            KNOB_EXPECT_EQ(tc, o.b.in_polvio, sc.count, what << ": in_polvio");
            KNOB_EXPECT_EQ(tc, CountDrops(o.dropsB, "in_polvio"), sc.count, what << ": drops");
        }
        else
        {
            ExpectDelivered(tc, o, sc.count, what);
            KNOB_EXPECT_EQ(tc, o.b.in_polvio, 0u, what << ": in_polvio");
        }
    }
}

// ---------------------------------------------------------------------------
// debug
// ---------------------------------------------------------------------------

/// Lines of @p text containing both @p a and @p b.
uint32_t
CountLines(const std::string& text, const std::string& a, const std::string& b)
{
    std::istringstream in(text);
    std::string line;
    uint32_t n = 0;
    while (std::getline(in, line))
    {
        n += line.find(a) != std::string::npos && line.find(b) != std::string::npos;
    }
    return n;
}

void
Debug(KnobTestCase& tc)
{
    struct Row
    {
        const char* knob;
        const char* value;
        bool logged;
    };

    const Row rows[] = {
        {"net.inet.ipsec.debug", "1", true},
        {"net.inet.ipsec.debug", "0", false},
        // One variable under two names: the IPv6 name logs IPv4 drops too.
        {"net.inet6.ipsec6.debug", "1", true},
    };
    for (const Row& r : rows)
    {
        Scenario sc;
        sc.sysctlA = {{"net.inet.ipsec.def_policy", "0"}, {r.knob, r.value}};
        sc.captureCerr = true;
        Outcome o = RunScenario(sc);
        std::string what = std::string("def_policy=0 drops with ") + r.knob + "=" + r.value;
        KNOB_EXPECT_EQ(tc, o.a.out_polvio, sc.count, what << ": the drops happened");
        if (r.logged)
        {
            KNOB_EXPECT_EQ(tc,
                           CountLines(o.err, "ipsec", "(out_polvio)"),
                           sc.count,
                           what << ": one log line per drop; stderr was:\n"
                                << o.err);
            KNOB_EXPECT_EQ(
                tc,
                CountLines(o.err, "node " + std::to_string(o.nodeA) + " ", "default policy"),
                sc.count,
                what << ": the lines name A's node and the reason");
        }
        else
        {
            KNOB_EXPECT_EQ(tc, o.err, std::string(), what << ": nothing logged");
        }
    }
}

} // namespace

class IpsecKnobsTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecKnobsTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-knobs", SYSTEM)
    {
        auto add = [this](const std::string& name, KnobTestCase::Body body)
        {
            AddTestCase(new KnobTestCase(name, std::move(body)), TestCase::QUICK);
        };
        add("ah_cleartos: TOS 0x10 through AH with each pair of settings", AhCleartos);
        add("ah_offsetmask: AH transport, DF-less datagrams, fragmented after AH",
            AhOffsetmaskTransport);
        add("ah_offsetmask: AH tunnel with DF (dfbit=1), the masks must agree on DF",
            AhOffsetmaskDf);
        for (bool v6 : {false, true})
        {
            std::string fam = v6 ? " (IPv6)" : " (IPv4)";
            add("esp_enable=0 on the receiver: nothing delivered, drops traced" + fam,
                [v6](KnobTestCase& tc)
                {
                    InputEnable(tc, v6, "esp");
                });
            add("ah_enable=0 on the receiver: nothing delivered, drops traced" + fam,
                [v6](KnobTestCase& tc)
                {
                    InputEnable(tc, v6, "ah");
                });
            add("def_policy=0 on a node without policies: out_polvio and in_polvio" + fam,
                [v6](KnobTestCase& tc)
                {
                    DefPolicy(tc, v6);
                });
            add("esp_trans_deflev on output: 2 -> out_nosa, 1 -> clear" + fam,
                [v6](KnobTestCase& tc)
                {
                    TransDeflevOutput(tc, v6, "esp");
                });
            add("ah_trans_deflev on output: 2 -> out_nosa, 1 -> clear (and the KAME fallthrough)"
                    + fam,
                [v6](KnobTestCase& tc)
                {
                    TransDeflevOutput(tc, v6, "ah");
                });
            add("esp_trans_deflev on input: the IPv4 knob decides" + fam,
                [v6](KnobTestCase& tc)
                {
                    TransDeflevInput(tc, v6);
                });
        }
        add("debug: drops logged to standard error only when non-zero", Debug);
    }
};

static IpsecKnobsTestSuite g_ipsecKnobsTestSuite;
