// SPDX-License-Identifier: GPL-2.0-only
/*
 * The adversary (IpsecAdversary) against a victim on a shared CSMA link.
 *
 * Transport mode: hosts A and B protect everything between them (setkey
 * scripts below); A sends B ten UDP datagrams ("legit N"); the adversary,
 * a third node on the link without any IP stack, sniffs them and attacks B.
 * Tunnel mode: the NetBSD IPsec FAQ's VPN, h1 -- gw1 == WAN == gw2 -- h2,
 * the adversary on the WAN attacking gw2, its plaintext spoofs going to h2.
 *
 * Each case makes one kind of attack and checks on the victim, against
 * what KAME does (esp4_input/esp6_input, ah4_input/ah6_input,
 * ipcomp4_input/ipcomp6_input, ipsec4_in_reject, udp4_input's policy check,
 * ip_forward's; see "Adversary" in doc/ipsec.rst):
 *  - no forged datagram reached any socket of the victim (B; gw2 and h2),
 *  - every legitimate datagram did, once;
 *  - the victim's ipsecstat/ipsec6stat: every counter and every histogram
 *    exactly the legitimate flow's (each datagram one in_success, one ICV
 *    success, one histogram slot; nothing outbound, the flow is one-way) plus
 *    the attack's increments -- so a forged echo request the victim answered
 *    would show as an out_success;
 *  - every dropped attack datagram fired the victim's IpsecStack Drop trace
 *    once, naming that counter;
 *  - the adversary's own counters: sent, nothing skipped.
 *
 * Not compared: spdcachelookup/spdcachemiss (socket-based lookups move with
 * every datagram that reaches a socket, legitimate or not; KAME's cache
 * rules are tested in ipsec-socket-policy).
 *
 * The neighbour caches are filled beforehand (IpsecFillNeighbourCaches), so no
 * ARP or neighbour discovery adds datagrams of its own to the counters.
 * Checksums are enabled: the adversary's headers must be right for the
 * victim's IP layer to accept them at all.
 */
#include "ipsec-test-base.h"
#include "ipsec-test-util.h"
#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/csma-helper.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/global-value.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipsec-adversary-helper.h"
#include "ns3/ipsec-adversary.h"
#include "ns3/ipsec-helper.h"
#include "ns3/ipsec-net-util.h"
#include "ns3/ipsec-stack-helper.h"
#include "ns3/ipsec-stack.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/ipv6-static-routing-helper.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

// The example this suite runs (test/CMakeLists.txt builds it first).  Inside
// an ns-3 source tree (contrib/ipsec) the examples are ns-3's: the cases that
// run it skip.
#ifdef NS3_IPSEC_BINARY_DIR
#define NS3_IPSEC_ADVERSARY_STANDALONE 1
#else
#define NS3_IPSEC_ADVERSARY_STANDALONE 0
#define NS3_IPSEC_BINARY_DIR           "build"
#endif

namespace
{

// SADB algorithm numbers (RFC 2367 and KAME's pfkeyv2.h): the histogram slots.
constexpr uint8_t SADB_EALG_3DESCBC = 3;
constexpr uint8_t SADB_X_EALG_BLOWFISHCBC = 7;
constexpr uint8_t SADB_X_EALG_RIJNDAELCBC = 12;
constexpr uint8_t SADB_AALG_SHA1HMAC = 3;
constexpr uint8_t SADB_X_CALG_DEFLATE = 2;

constexpr uint16_t PORT = 9;          ///< the legitimate flow's port, and the spoofs'
constexpr uint32_t LEGIT = 10;        ///< legitimate datagrams, one every 100 ms from 1 s
constexpr double ATTACK_START = 1.55; ///< after the first captures

enum class Mode
{
    TRANSPORT,
    TUNNEL
};

enum class Setup
{
    ESP_AUTH,      ///< rijndael-cbc + hmac-sha1, replay window of 32 (-r 4); tunnel: blowfish-cbc
    AH,            ///< hmac-sha1, -r 4
    ESP_NOAUTH,    ///< 3des-cbc without authentication (the FAQ's host-to-host encryption)
    ESP_NO_WINDOW, ///< ESP_AUTH without -r: no replay window
};

// ---------------------------------------------------------------------------
// The setkey scripts
// ---------------------------------------------------------------------------

struct Addresses
{
    std::string a; ///< transport: host A; tunnel: gw1's WAN address
    std::string b; ///< transport: host B; tunnel: gw2's WAN address
    std::string lan1;
    std::string lan2;
};

Addresses
AddressesFor(Mode mode, bool v6)
{
    if (mode == Mode::TRANSPORT)
    {
        return v6 ? Addresses{"fd00:1::1", "fd00:1::2", "", ""}
                  : Addresses{"10.1.1.1", "10.1.1.2", "", ""};
    }
    return v6 ? Addresses{"fd00:20::1", "fd00:20::2", "fd00:10:0:1::/64", "fd00:10:0:2::/64"}
              : Addresses{"20.0.0.1", "20.0.0.2", "10.0.1.0/24", "10.0.2.0/24"};
}

/// The script of side @p side (0: A or gw1, 1: B or gw2).
std::string
Script(Mode mode, Setup config, bool v6, int side)
{
    Addresses ad = AddressesFor(mode, v6);
    std::string r = config == Setup::ESP_NO_WINDOW ? "" : " -r 4";
    std::ostringstream s;
    std::string proto = config == Setup::AH ? "ah" : "esp";
    auto sa = [&](const std::string& src, const std::string& dst, int spi, int key)
    {
        s << "add " << src << " " << dst << " " << proto << " " << spi << r;
        if (mode == Mode::TUNNEL)
        {
            s << " -m tunnel -E blowfish-cbc \"blowfishtest.00" << key
              << "\" -A hmac-sha1 \"vpnauth-hmacsha1.00" << key << "\";\n";
            return;
        }
        switch (config)
        {
            case Setup::AH:
                s << " -A hmac-sha1 \"adversary-hmac-sha" << key << "!\";\n";
                break;
            case Setup::ESP_NOAUTH:
                s << " -E 3des-cbc \"adversary-3des-192bitke" << key << "\";\n";
                break;
            default:
                s << " -E rijndael-cbc \"adversary-aes12" << key
                  << "\" -A hmac-sha1 \"adversary-hmac-sha" << key << "!\";\n";
                break;
        }
    };
    sa(ad.a, ad.b, 4101, 1);
    sa(ad.b, ad.a, 4102, 2);
    std::string me = side == 0 ? ad.a : ad.b;
    std::string peer = side == 0 ? ad.b : ad.a;
    if (mode == Mode::TRANSPORT)
    {
        std::string req = proto + "/transport//require";
        s << "spdadd " << me << " " << peer << " any -P out ipsec " << req << ";\n";
        s << "spdadd " << peer << " " << me << " any -P in ipsec " << req << ";\n";
    }
    else
    {
        std::string mine = side == 0 ? ad.lan1 : ad.lan2;
        std::string theirs = side == 0 ? ad.lan2 : ad.lan1;
        s << "spdadd " << mine << " " << theirs << " any -P out ipsec " << proto << "/tunnel/" << me
          << "-" << peer << "/require;\n";
        s << "spdadd " << theirs << " " << mine << " any -P in ipsec " << proto << "/tunnel/"
          << peer << "-" << me << "/require;\n";
    }
    return s.str();
}

// ---------------------------------------------------------------------------
// What a case expects
// ---------------------------------------------------------------------------

using Counter = uint64_t IpsecStats::*;
using Histogram = std::array<uint64_t, 256> IpsecStats::*;

struct Spec
{
    std::string name;
    Mode mode{Mode::TRANSPORT};
    bool v6{false};
    Setup config{Setup::ESP_AUTH};
    IpsecAttack attack{IpsecAttack::FORGED_GUESSED_SPI};
    uint32_t count{3}; ///< attacks made
    /// Attributes of the adversary.
    std::vector<std::pair<std::string, std::string>> attributes;
    /// Attack datagrams the victim's IP layer receives (copies, floods).
    uint32_t datagrams{3};
    /// Increments of the victim's counters beyond the legitimate flow's.
    std::map<std::string, uint64_t> counters;
    /// Histogram increments: {"in_comphist", slot} -> n.
    std::map<std::pair<std::string, uint8_t>, uint64_t> histograms;
    /// Drop traces expected on the victim, by counter.
    std::map<std::string, uint64_t> drops;
    /// Forged datagrams KAME delivers (replays without a window; KameDecapHistory).
    uint32_t delivered{0};
    /// IpsecStack attributes of the victim.
    std::vector<std::pair<std::string, std::string>> stackAttributes;
    std::string why; ///< the KAME rule, for the messages
};

Counter
CounterByName(const std::string& name)
{
    static const std::map<std::string, Counter> m = {
        {"in_success", &IpsecStats::in_success},
        {"in_polvio", &IpsecStats::in_polvio},
        {"in_nosa", &IpsecStats::in_nosa},
        {"in_inval", &IpsecStats::in_inval},
        {"in_nomem", &IpsecStats::in_nomem},
        {"in_badspi", &IpsecStats::in_badspi},
        {"in_ahreplay", &IpsecStats::in_ahreplay},
        {"in_espreplay", &IpsecStats::in_espreplay},
        {"in_ahauthsucc", &IpsecStats::in_ahauthsucc},
        {"in_ahauthfail", &IpsecStats::in_ahauthfail},
        {"in_espauthsucc", &IpsecStats::in_espauthsucc},
        {"in_espauthfail", &IpsecStats::in_espauthfail},
        {"out_success", &IpsecStats::out_success},
        {"out_polvio", &IpsecStats::out_polvio},
        {"out_nosa", &IpsecStats::out_nosa},
        {"out_inval", &IpsecStats::out_inval},
        {"out_nomem", &IpsecStats::out_nomem},
        {"out_noroute", &IpsecStats::out_noroute},
    };
    auto it = m.find(name);
    NS_ABORT_MSG_IF(it == m.end(), "no counter " << name);
    return it->second;
}

Histogram
HistogramByName(const std::string& name)
{
    if (name == "in_esphist")
    {
        return &IpsecStats::in_esphist;
    }
    if (name == "in_ahhist")
    {
        return &IpsecStats::in_ahhist;
    }
    if (name == "out_esphist")
    {
        return &IpsecStats::out_esphist;
    }
    if (name == "out_ahhist")
    {
        return &IpsecStats::out_ahhist;
    }
    if (name == "out_comphist")
    {
        return &IpsecStats::out_comphist;
    }
    NS_ABORT_MSG_IF(name != "in_comphist", "no histogram " << name);
    return &IpsecStats::in_comphist;
}

/// The counters compared exactly (see the file comment).
const std::vector<std::string>&
ComparedCounters()
{
    static const std::vector<std::string> c = {"in_success",
                                               "in_polvio",
                                               "in_nosa",
                                               "in_inval",
                                               "in_nomem",
                                               "in_badspi",
                                               "in_ahreplay",
                                               "in_espreplay",
                                               "in_ahauthsucc",
                                               "in_ahauthfail",
                                               "in_espauthsucc",
                                               "in_espauthfail",
                                               "out_success",
                                               "out_polvio",
                                               "out_nosa",
                                               "out_inval",
                                               "out_nomem",
                                               "out_noroute"};
    return c;
}

// ---------------------------------------------------------------------------
// The victim's Drop trace, in one place (its signature may become a typed enum)
// ---------------------------------------------------------------------------

struct DropRecord
{
    std::string counter;
    std::string reason;
};

void
RecordDrop(std::vector<DropRecord>* drops,
           Ptr<const Packet>,
           bool,
           IpsecDropReason reason,
           const std::string& text)
{
    drops->push_back({IpsecDropReasonCounter(reason), text});
}

void
ConnectDrops(Ptr<Node> node, std::vector<DropRecord>* drops)
{
    Config::ConnectWithoutContext("/NodeList/" + std::to_string(node->GetId())
                                      + "/$ns3::IpsecStack/Drop",
                                  MakeBoundCallback(&RecordDrop, drops));
}

// ---------------------------------------------------------------------------
// One run
// ---------------------------------------------------------------------------

/// What reached the victim's sockets.
struct Deliveries
{
    std::map<uint32_t, uint32_t> legit; ///< legit number -> times received
    std::vector<std::string> other;     ///< anything else (a forged datagram)
};

void
Receive(Deliveries* d, Ptr<Socket> socket)
{
    Ptr<Packet> p;
    while ((p = socket->Recv()))
    {
        std::string s(p->GetSize(), '\0');
        p->CopyData(reinterpret_cast<uint8_t*>(&s[0]), s.size());
        if (s.rfind("legit ", 0) == 0)
        {
            d->legit[std::stoul(s.substr(6))]++;
        }
        else
        {
            d->other.push_back(s);
        }
    }
}

void
SendLegit(Ptr<Socket> socket, Address to, uint32_t i)
{
    std::string s = "legit " + std::to_string(i);
    socket->SendTo(Create<Packet>(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0, to);
}

/// Records IP-layer drops of the victim's ns-3 stack (diagnostics only).
void
RecordIpDrop4(std::vector<std::string>* log,
              const Ipv4Header&,
              Ptr<const Packet>,
              Ipv4L3Protocol::DropReason reason,
              Ptr<Ipv4>,
              uint32_t)
{
    log->push_back("ipv4 drop reason " + std::to_string(reason));
}

void
RecordIpDrop6(std::vector<std::string>* log,
              const Ipv6Header&,
              Ptr<const Packet>,
              Ipv6L3Protocol::DropReason reason,
              Ptr<Ipv6>,
              uint32_t)
{
    log->push_back("ipv6 drop reason " + std::to_string(reason));
}

class Scenario
{
  public:
    explicit Scenario(const Spec& spec);
    void Execute();

    const Spec& spec;
    Ptr<Node> victim;               ///< the IPsec endpoint attacked (B, gw2)
    std::vector<Ptr<Node>> sockets; ///< nodes whose sockets must see no forgery
    Ptr<IpsecAdversary> adversary;
    Deliveries delivered;
    std::vector<DropRecord> drops;
    std::vector<std::string> ipDrops;
    IpsecStats before;
    IpsecStats after;

  private:
    std::vector<Ptr<Socket>> m_keep;
};

Scenario::Scenario(const Spec& s)
    : spec(s)
{
}

void
Scenario::Execute()
{
    const bool v6 = spec.v6;
    IpsecStackHelper stack;
    stack.SetIpv4StackInstall(!v6);
    stack.SetIpv6StackInstall(v6);
    Ptr<Node> attacker = CreateObject<Node>();
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    csma.SetChannelAttribute("Delay", StringValue("0.1ms"));
    Ptr<Node> sender;
    Ptr<Node> receiver;
    IpsecAddress receiverAddress;
    Ptr<NetDevice> victimDevice;
    Ptr<Node> gw[2];
    if (spec.mode == Mode::TRANSPORT)
    {
        Ptr<Node> a = CreateObject<Node>();
        Ptr<Node> b = CreateObject<Node>();
        stack.Install(NodeContainer(a, b));
        NetDeviceContainer d = csma.Install(NodeContainer(a, b, attacker));
        if (v6)
        {
            IpsecAssignIpv6(d.Get(0), "fd00:1::1", false);
            IpsecAssignIpv6(d.Get(1), "fd00:1::2", false);
        }
        else
        {
            Ipv4AddressHelper addr("10.1.1.0", "255.255.255.0");
            addr.Assign(NetDeviceContainer(d.Get(0), d.Get(1)));
        }
        IpsecFillNeighbourCaches(NetDeviceContainer(d.Get(0), d.Get(1)));
        sender = a;
        receiver = b;
        victim = b;
        victimDevice = d.Get(1);
        receiverAddress = *IpsecAddress::Parse(AddressesFor(spec.mode, v6).b);
        sockets = {b};
        gw[0] = a;
        gw[1] = b;
    }
    else
    {
        NodeContainer nodes;
        nodes.Create(4); // h1, gw1, gw2, h2
        stack.Install(nodes);
        NetDeviceContainer lan1 = csma.Install(NodeContainer(nodes.Get(1), nodes.Get(0)));
        NetDeviceContainer wan = csma.Install(NodeContainer(nodes.Get(1), nodes.Get(2), attacker));
        NetDeviceContainer lan2 = csma.Install(NodeContainer(nodes.Get(2), nodes.Get(3)));
        if (v6)
        {
            IpsecAssignIpv6(lan1.Get(0), "fd00:10:0:1::1", true);
            IpsecAssignIpv6(lan1.Get(1), "fd00:10:0:1::2", false);
            IpsecAssignIpv6(wan.Get(0), "fd00:20::1", true);
            IpsecAssignIpv6(wan.Get(1), "fd00:20::2", true);
            IpsecAssignIpv6(lan2.Get(0), "fd00:10:0:2::1", true);
            IpsecAssignIpv6(lan2.Get(1), "fd00:10:0:2::2", false);
            Ipv6StaticRoutingHelper routing;
            auto r = [&](Ptr<Node> n)
            {
                return routing.GetStaticRouting(n->GetObject<Ipv6>());
            };
            r(nodes.Get(0))->SetDefaultRoute(Ipv6Address("fd00:10:0:1::1"), 1);
            r(nodes.Get(3))->SetDefaultRoute(Ipv6Address("fd00:10:0:2::1"), 1);
            r(nodes.Get(1))
                ->AddNetworkRouteTo(
                    Ipv6Address("fd00:10:0:2::"), Ipv6Prefix(64), Ipv6Address("fd00:20::2"), 2);
            r(nodes.Get(2))
                ->AddNetworkRouteTo(
                    Ipv6Address("fd00:10:0:1::"), Ipv6Prefix(64), Ipv6Address("fd00:20::1"), 1);
        }
        else
        {
            Ipv4AddressHelper addr("10.0.1.0", "255.255.255.0");
            addr.Assign(lan1); // gw1 .1, h1 .2
            addr.SetBase("20.0.0.0", "255.255.255.0");
            addr.Assign(NetDeviceContainer(wan.Get(0), wan.Get(1)));
            addr.SetBase("10.0.2.0", "255.255.255.0");
            addr.Assign(lan2); // gw2 .1, h2 .2
            Ipv4StaticRoutingHelper routing;
            auto r = [&](Ptr<Node> n)
            {
                return routing.GetStaticRouting(n->GetObject<Ipv4>());
            };
            r(nodes.Get(0))->SetDefaultRoute(Ipv4Address("10.0.1.1"), 1);
            r(nodes.Get(3))->SetDefaultRoute(Ipv4Address("10.0.2.1"), 1);
            r(nodes.Get(1))
                ->AddNetworkRouteTo(
                    Ipv4Address("10.0.2.0"), Ipv4Mask("255.255.255.0"), Ipv4Address("20.0.0.2"), 2);
            r(nodes.Get(2))
                ->AddNetworkRouteTo(
                    Ipv4Address("10.0.1.0"), Ipv4Mask("255.255.255.0"), Ipv4Address("20.0.0.1"), 1);
        }
        IpsecFillNeighbourCaches(lan1);
        IpsecFillNeighbourCaches(NetDeviceContainer(wan.Get(0), wan.Get(1)));
        IpsecFillNeighbourCaches(lan2);
        sender = nodes.Get(0);
        receiver = nodes.Get(3);
        victim = nodes.Get(2);
        victimDevice = wan.Get(1);
        receiverAddress = *IpsecAddress::Parse(v6 ? "fd00:10:0:2::2" : "10.0.2.2");
        sockets = {nodes.Get(2), nodes.Get(3)};
        gw[0] = nodes.Get(1);
        gw[1] = nodes.Get(2);
    }
    IpsecHelper ipsec;
    for (int side = 0; side < 2; ++side)
    {
        ipsec.RunSetkeyString(gw[side], Script(spec.mode, spec.config, v6, side), "script");
    }
    Ptr<IpsecStack> vstack = victim->GetObject<IpsecStack>();
    for (const auto& [name, value] : spec.stackAttributes)
    {
        vstack->SetAttribute(name, StringValue(value));
    }

    // Sockets on port 9 of every node that must not see a forgery.
    for (Ptr<Node> n : sockets)
    {
        Ptr<Socket> s = Socket::CreateSocket(n, UdpSocketFactory::GetTypeId());
        if (v6)
        {
            s->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), PORT));
        }
        else
        {
            s->Bind(InetSocketAddress(Ipv4Address::GetAny(), PORT));
        }
        s->SetRecvCallback(MakeBoundCallback(&Receive, &delivered));
        m_keep.push_back(s);
    }
    // The legitimate flow.
    Ptr<Socket> out = Socket::CreateSocket(sender, UdpSocketFactory::GetTypeId());
    Address to = v6 ? Address(Inet6SocketAddress(receiverAddress.ToIpv6(), PORT))
                    : Address(InetSocketAddress(receiverAddress.ToIpv4(), PORT));
    out->Bind();
    m_keep.push_back(out);
    for (uint32_t i = 0; i < LEGIT; ++i)
    {
        Simulator::Schedule(Seconds(1.0 + 0.1 * i), &SendLegit, out, to, i);
    }

    // The adversary.
    Addresses ad = AddressesFor(spec.mode, v6);
    NetDeviceContainer attackerDev;
    for (uint32_t i = 0; i < attacker->GetNDevices(); ++i)
    {
        attackerDev.Add(attacker->GetDevice(i));
    }
    IpsecAdversaryHelper helper;
    helper.SetVictim(*IpsecAddress::Parse(ad.b), victimDevice);
    if (spec.mode == Mode::TRANSPORT)
    {
        helper.AddProtectedPrefix(ad.a);
    }
    else
    {
        helper.AddProtectedPrefix(ad.lan1);
        helper.SetPeer(*IpsecAddress::Parse(ad.a));
        helper.SetSpoofDestination(receiverAddress);
    }
    helper.SetAttacks({spec.attack});
    helper.SetAttribute("Count", UintegerValue(spec.count));
    helper.SetAttribute("Interval", TimeValue(MilliSeconds(100)));
    for (const auto& [name, value] : spec.attributes)
    {
        helper.SetAttribute(name, StringValue(value));
    }
    helper.SetStartStop(Seconds(ATTACK_START), Seconds(10));
    adversary = helper.Install(attackerDev.Get(0));
    adversary->AssignStreams(1000);

    ConnectDrops(victim, &drops);
    if (v6)
    {
        victim->GetObject<Ipv6L3Protocol>()->TraceConnectWithoutContext(
            "Drop", MakeBoundCallback(&RecordIpDrop6, &ipDrops));
    }
    else
    {
        victim->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "Drop", MakeBoundCallback(&RecordIpDrop4, &ipDrops));
    }
    before = vstack->GetStats(v6);
    Simulator::Stop(Seconds(5));
    Simulator::Run();
    after = vstack->GetStats(v6);
    m_keep.clear();
    Simulator::Destroy();
}

// ---------------------------------------------------------------------------
// The test case
// ---------------------------------------------------------------------------

class AdversaryCase : public TestCase
{
  public:
    explicit AdversaryCase(const Spec& spec)
        : TestCase(spec.name)
        , m_spec(spec)
    {
    }

  private:
    void DoRun() override;
    Spec m_spec;
};

void
AdversaryCase::DoRun()
{
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    Scenario run(m_spec);
    run.Execute();
    const Spec& s = m_spec;
    std::ostringstream ctx;
    ctx << s.name << " (" << s.why << "); victim drops:";
    for (const auto& d : run.drops)
    {
        ctx << " [" << d.counter << ": " << d.reason << "]";
    }
    for (const auto& d : run.ipDrops)
    {
        ctx << " [" << d << "]";
    }
    const std::string c = ctx.str();

    // The adversary's own counters.
    NS_TEST_EXPECT_MSG_EQ(run.adversary->GetSkipped(s.attack), 0, c << ": attacks skipped");
    NS_TEST_EXPECT_MSG_EQ(run.adversary->GetSent(s.attack), s.datagrams, c << ": datagrams sent");

    // Nothing forged reached a socket; the legitimate flow did, once each
    // (a replay KAME accepts is a second copy of a legitimate datagram).
    uint32_t duplicates = 0;
    for (uint32_t i = 0; i < LEGIT; ++i)
    {
        auto it = run.delivered.legit.find(i);
        uint32_t n = it == run.delivered.legit.end() ? 0 : it->second;
        NS_TEST_EXPECT_MSG_GT(n, 0, c << ": legitimate datagram " << i << " not delivered");
        duplicates += n > 1 ? n - 1 : 0;
    }
    uint32_t forged = duplicates + run.delivered.other.size();
    NS_TEST_EXPECT_MSG_EQ(forged,
                          s.delivered,
                          c << ": forged datagrams delivered"
                            << (run.delivered.other.empty()
                                    ? std::string()
                                    : ", e.g. '" + run.delivered.other.front() + "'"));

    // The victim's counters: the legitimate flow plus the attack.
    IpsecStats expect = run.before;
    uint8_t esp = s.mode == Mode::TUNNEL        ? SADB_X_EALG_BLOWFISHCBC
                : s.config == Setup::ESP_NOAUTH ? SADB_EALG_3DESCBC
                                                : SADB_X_EALG_RIJNDAELCBC;
    expect.in_success += LEGIT;
    if (s.config == Setup::AH)
    {
        expect.in_ahauthsucc += LEGIT;
        expect.in_ahhist[SADB_AALG_SHA1HMAC] += LEGIT;
    }
    else
    {
        if (s.config != Setup::ESP_NOAUTH)
        {
            expect.in_espauthsucc += LEGIT;
        }
        expect.in_esphist[esp] += LEGIT;
    }
    for (const auto& [name, n] : s.counters)
    {
        expect.*CounterByName(name) += n;
    }
    for (const auto& [key, n] : s.histograms)
    {
        (expect.*HistogramByName(key.first))[key.second] += n;
    }
    for (const std::string& name : ComparedCounters())
    {
        Counter m = CounterByName(name);
        NS_TEST_EXPECT_MSG_EQ(run.after.*m, expect.*m, c << ": " << name);
    }
    for (const char* h :
         {"in_esphist", "in_ahhist", "in_comphist", "out_esphist", "out_ahhist", "out_comphist"})
    {
        Histogram m = HistogramByName(h);
        for (uint32_t slot = 0; slot < 256; ++slot)
        {
            NS_TEST_EXPECT_MSG_EQ(
                (run.after.*m)[slot], (expect.*m)[slot], c << ": " << h << "[" << slot << "]");
        }
    }

    // Every drop traced once, with its counter.
    std::map<std::string, uint64_t> traced;
    for (const auto& d : run.drops)
    {
        traced[d.counter]++;
    }
    NS_TEST_EXPECT_MSG_EQ(traced.size(), s.drops.size(), c << ": counters traced");
    for (const auto& [counter, n] : s.drops)
    {
        NS_TEST_EXPECT_MSG_EQ(traced[counter], n, c << ": Drop traces naming " << counter);
    }
}

// ---------------------------------------------------------------------------
// The example, its report and its datagrams on the wire
// ---------------------------------------------------------------------------

std::string
ExampleBinary()
{
    return std::string(NS3_IPSEC_BINARY_DIR) + "/examples/ipsec-adversary";
}

/**
 * ipsec-adversary with every attack: its JSON summary (checked against the
 * documented topology and traffic, never against its own text) says that
 * every echo request and reply was delivered, no forgery was, every attack
 * was made and each kind's drops are the victim's counter for it; then
 * tshark, an independent decoder, reads the adversary's own pcap: every
 * IPv4 header, UDP and ICMP checksum right, nothing malformed (skipped
 * without tshark).
 */
class ExampleCase : public TestCase
{
  public:
    /// @p icmp: the spoofs are ICMP echo requests (SpoofProtocol=icmp), else UDP.
    ExampleCase(const std::string& mode, uint32_t family, const std::string& config, bool icmp)
        : TestCase("example ipsec-adversary --mode=" + mode + " --family=" + std::to_string(family)
                   + " --config=" + config + (icmp ? " (icmp)" : ""))
        , m_mode(mode)
        , m_family(family)
        , m_config(config)
        , m_icmp(icmp)
    {
    }

  private:
    void DoRun() override;
    std::string m_mode;
    uint32_t m_family;
    std::string m_config;
    bool m_icmp;
};

void
ExampleCase::DoRun()
{
    using namespace ipsectest;
    if (!NS3_IPSEC_ADVERSARY_STANDALONE)
    {
        ReportSkip("ipsec-adversary",
                   "\"" + GetName() + "\": it runs the standalone build's example program");
        return;
    }
    NS_TEST_ASSERT_MSG_EQ(std::filesystem::exists(ExampleBinary()),
                          true,
                          ExampleBinary() << " is missing: build the examples");
    TempDir tmp("ipsec-adversary");
    NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "cannot create a temporary directory");
    const std::string pcaps = tmp.SubDir("pcap");
    const std::string json = tmp.File("summary.json");
    RunResult r = RunProgram(
        {ExampleBinary(),
         "--mode=" + m_mode,
         "--family=" + std::to_string(m_family),
         "--config=" + m_config,
         "--count=2",
         std::string("--ns3::IpsecAdversary::SpoofProtocol=") + (m_icmp ? "icmp" : "udp"),
         "--pcapDir=" + pcaps,
         "--json=" + json},
        tmp.File("stderr"));
    const std::string ctx = r.command + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
    NS_TEST_ASSERT_MSG_EQ(r.status, 0, ctx);
    Json doc;
    std::string text = ReadFile(json);
    NS_TEST_ASSERT_MSG_EQ(JsonReader(text).Read(doc), true, "bad JSON: " << text);

    // The flows: 20 echo requests (the example's default), all answered.
    for (const FlowResult& f : JsonFlows(doc))
    {
        NS_TEST_EXPECT_MSG_EQ(f.sent, 20, ctx << f);
        NS_TEST_EXPECT_MSG_EQ(f.received, 20, ctx << f);
    }
    NS_TEST_EXPECT_MSG_EQ(JsonFlows(doc).size(), 2, ctx);
    const Json* forged = doc.Find("forgedDelivered");
    NS_TEST_ASSERT_MSG_NE(forged, nullptr, text);
    NS_TEST_EXPECT_MSG_EQ(forged->Integer(), 0, ctx);

    // Each attack: made (2 of each; a flood is 100 datagrams), and its drops
    // the victim's counter for it (exthdr-tricks: the first two tricks of the
    // family; the victim of the tunnel is gw2).
    const bool ah = m_config == "ah";
    const std::string authfail = ah ? "in_ahauthfail" : "in_espauthfail";
    const std::string replay = ah ? "in_ahreplay" : "in_espreplay";
    const std::map<std::string, std::map<std::string, long long>> want = {
        {"forged-guessed-spi", {{"in_nosa", 2}}},
        {"forged-real-spi", {{authfail, 2}}},
        {"replay", {{replay, 2}}},
        {"bit-flip", {{authfail, 2}}},
        {"truncate", {{"in_inval", 2}}},
        {"plaintext-spoof", {{"in_polvio", 2}}},
        {"ipcomp-spoof", {{"in_polvio", 2}}},
        {"nested-ipcomp", {{"in_inval", 2}}},
        {"decompression-bomb", {{"in_inval", 2}}},
        {"exthdr-tricks", {{authfail, 1}, {"in_polvio", 1}}},
        {"flood", {{"in_nosa", 200}}},
    };
    const Json* attacks = doc.Find("attacks");
    NS_TEST_ASSERT_MSG_NE(attacks, nullptr, text);
    NS_TEST_EXPECT_MSG_EQ(attacks->items.size(), want.size(), text);
    for (const Json& a : attacks->items)
    {
        const Json* name = a.Find("name");
        NS_TEST_ASSERT_MSG_NE(name, nullptr, text);
        auto w = want.find(name->text);
        NS_TEST_ASSERT_MSG_EQ((w != want.end()), true, "unknown attack " << name->text);
        NS_TEST_EXPECT_MSG_EQ(
            a.Find("sent")->Integer(), (name->text == "flood" ? 200 : 2), ctx << name->text);
        NS_TEST_EXPECT_MSG_EQ(a.Find("skipped")->Integer(), 0, ctx << name->text);
        NS_TEST_EXPECT_MSG_EQ(a.Find("delivered")->Integer(), 0, ctx << name->text);
        const Json* drops = a.Find("drops");
        NS_TEST_ASSERT_MSG_NE(drops, nullptr, text);
        NS_TEST_EXPECT_MSG_EQ(drops->members.size(), w->second.size(), ctx << name->text);
        for (const auto& [counter, n] : w->second)
        {
            const Json* v = drops->Find(counter);
            NS_TEST_EXPECT_MSG_EQ((v ? v->Integer() : -1), n, ctx << name->text << " " << counter);
        }
    }

    if (!HaveTshark())
    {
        ReportSkip("ipsec-adversary",
                   "\"" + GetName() + "\": tshark is not on PATH (the wire check)");
        return;
    }
    const std::string pcap = pcaps + "/ipsec-adversary-adversary-0.pcap";
    RunResult t = RunProgram({"tshark",
                              "-r",
                              pcap,
                              "-o",
                              "ip.check_checksum:TRUE",
                              "-o",
                              "udp.check_checksum:TRUE",
                              "-T",
                              "fields",
                              "-E",
                              "occurrence=a",
                              "-e",
                              "frame.number",
                              "-e",
                              "ip.checksum.status",
                              "-e",
                              "udp.checksum.status",
                              "-e",
                              "icmp.checksum.status",
                              "-e",
                              "icmpv6.checksum.status",
                              "-e",
                              "_ws.malformed",
                              "-e",
                              "_ws.col.Info"},
                             tmp.File("tshark.stderr"));
    NS_TEST_ASSERT_MSG_EQ(t.status, 0, t.command << "\n" << t.err);
    uint32_t frames = 0;
    uint32_t udp = 0;
    uint32_t icmp = 0;
    std::vector<std::string> malformed;
    std::istringstream lines(t.out);
    std::string line;
    while (std::getline(lines, line))
    {
        std::vector<std::string> f = Split(line, '\t');
        if (f.size() < 7)
        {
            continue;
        }
        ++frames;
        // Checksum status: 0 bad, 1 good, 2 not checked.  The bomb's payload is
        // zeros, and tshark inflates IPComp: its "UDP header" is no header.
        bool bomb = f[6].find("BAD UDP LENGTH") != std::string::npos;
        for (int i : {1, 2, 3, 4})
        {
            for (const std::string& v : Split(f[i], ','))
            {
                if (i == 2 && bomb)
                {
                    continue;
                }
                NS_TEST_EXPECT_MSG_NE(v, "0", "frame " << f[0] << ": a bad checksum: " << line);
            }
        }
        udp += f[2] == "1";
        icmp += f[3] == "1" || f[4] == "1";
        if (!f[5].empty() && !bomb)
        {
            malformed.push_back(line);
        }
    }
    // Malformed on purpose: the truncated AH datagrams (cut inside their
    // header or ICV; a truncated ESP datagram looks like any other to tshark).
    std::ostringstream m;
    for (const auto& l : malformed)
    {
        m << l << "\n";
    }
    NS_TEST_EXPECT_MSG_EQ(malformed.size(), (m_config == "ah" ? 2 : 0), "malformed:\n" << m.str());
    NS_TEST_EXPECT_MSG_GT(frames, 200, "frames read from " << pcap << ":\n" << t.out);
    NS_TEST_EXPECT_MSG_GT(udp, 0, "no UDP checksum verified:\n" << t.out);
    if (m_icmp)
    {
        NS_TEST_EXPECT_MSG_GT(icmp, 0, "no ICMP checksum verified:\n" << t.out);
    }
}

/// The attack names, the helper's prefixes and the adversary's bookkeeping.
class ApiCase : public TestCase
{
  public:
    ApiCase()
        : TestCase("attack names and protected prefixes")
    {
    }

  private:
    void DoRun() override
    {
        std::vector<IpsecAttack> a;
        std::string error;
        NS_TEST_EXPECT_MSG_EQ(IpsecParseAttacks("all", &a, &error), true, error);
        NS_TEST_EXPECT_MSG_EQ(a.size(), IPSEC_ATTACK_KINDS, "all");
        for (IpsecAttack k : IpsecAllAttacks())
        {
            std::vector<IpsecAttack> one;
            NS_TEST_EXPECT_MSG_EQ(IpsecParseAttacks(IpsecAttackName(k), &one, &error), true, error);
            NS_TEST_EXPECT_MSG_EQ((one == std::vector<IpsecAttack>{k}), true, IpsecAttackName(k));
        }
        NS_TEST_EXPECT_MSG_EQ(IpsecParseAttacks(" replay, flood ,", &a, &error), true, error);
        NS_TEST_EXPECT_MSG_EQ(
            (a == std::vector<IpsecAttack>{IpsecAttack::REPLAY, IpsecAttack::FLOOD}),
            true,
            "a list");
        NS_TEST_EXPECT_MSG_EQ(IpsecParseAttacks("replay,teardrop", &a, &error), false, "unknown");
        NS_TEST_EXPECT_MSG_NE(error.find("teardrop"), std::string::npos, error);
        IpsecAdversaryHelper h;
        NS_TEST_EXPECT_MSG_EQ(h.AddProtectedPrefix("10.0.1.0/24"), true, "v4 prefix");
        NS_TEST_EXPECT_MSG_EQ(h.AddProtectedPrefix("fd00:10:0:1::/64"), true, "v6 prefix");
        NS_TEST_EXPECT_MSG_EQ(h.AddProtectedPrefix("10.1.1.1"), true, "a host");
        NS_TEST_EXPECT_MSG_EQ(h.AddProtectedPrefix("10.0.1.0/33"), false, "too long");
        NS_TEST_EXPECT_MSG_EQ(h.AddProtectedPrefix("10.0.1.0/"), false, "no length");
        NS_TEST_EXPECT_MSG_EQ(h.AddProtectedPrefix("nowhere/8"), false, "no address");
        NS_TEST_EXPECT_MSG_EQ(h.SetAttacks("replay,nothing"), false, "unknown attack");
    }
};

// ---------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------

std::string
Label(Mode mode, bool v6, Setup config)
{
    std::string l = std::string(v6 ? "v6" : "v4") + (mode == Mode::TUNNEL ? " tunnel" : "");
    switch (config)
    {
        case Setup::AH:
            return l + " ah";
        case Setup::ESP_NOAUTH:
            return l + " esp-noauth";
        case Setup::ESP_NO_WINDOW:
            return l + " esp-no-window";
        default:
            return l;
    }
}

/// A case whose every attack datagram ends in one drop counted by @p counter.
Spec
Dropped(IpsecAttack attack,
        Mode mode,
        bool v6,
        Setup config,
        const std::string& counter,
        const std::string& why,
        uint32_t count = 3,
        uint32_t perAttack = 1)
{
    Spec s;
    s.name = IpsecAttackName(attack) + " " + Label(mode, v6, config);
    s.mode = mode;
    s.v6 = v6;
    s.config = config;
    s.attack = attack;
    s.count = count;
    s.datagrams = count * perAttack;
    s.counters[counter] = s.datagrams;
    s.drops[counter] = s.datagrams;
    s.why = why;
    return s;
}

Spec
With(Spec s, const std::string& suffix, const std::string& attribute, const std::string& value)
{
    s.name += " " + suffix;
    s.attributes.emplace_back(attribute, value);
    return s;
}

class IpsecAdversaryTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecAdversaryTestSuite();

  private:
    void Add(const Spec& s)
    {
        AddTestCase(new AdversaryCase(s), TestCase::QUICK);
    }

    /// Dropped(@p attack, ...) against ESP with authentication, in transport
    /// and tunnel mode, over IPv4 and IPv6.
    void AddEspEveryWay(IpsecAttack attack, const std::string& counter, const std::string& why)
    {
        for (Mode m : {Mode::TRANSPORT, Mode::TUNNEL})
        {
            for (bool v6 : {false, true})
            {
                Add(Dropped(attack, m, v6, Setup::ESP_AUTH, counter, why));
            }
        }
    }
};

IpsecAdversaryTestSuite::IpsecAdversaryTestSuite()
    : ns3::ipsectest::IpsecTestSuite("ipsec-adversary", UNIT)
{
    AddTestCase(new ApiCase, TestCase::QUICK);
    using A = IpsecAttack;
    const Mode T = Mode::TRANSPORT;
    const Mode U = Mode::TUNNEL;
    const Setup E = Setup::ESP_AUTH;

    // Forged ESP/AH with a guessed SPI: key_allocsa finds nothing.
    AddEspEveryWay(A::FORGED_GUESSED_SPI, "in_nosa", "no SA for the SPI");
    Add(With(Dropped(A::FORGED_GUESSED_SPI, T, false, Setup::AH, "in_nosa", "no SA for the SPI"),
             "(AH)",
             "ForgedProtocol",
             "ah"));

    // A sniffed SPI, random ciphertext: the replay pre-check passes (a sequence
    // number past the highest seen), the ICV does not.
    AddEspEveryWay(A::FORGED_REAL_SPI, "in_espauthfail", "ICV mismatch");
    for (bool v6 : {false, true})
    {
        Spec s = Dropped(A::FORGED_REAL_SPI, T, v6, Setup::AH, "in_ahauthfail", "AH ICV mismatch");
        s.histograms[{"in_ahhist", SADB_AALG_SHA1HMAC}] = s.datagrams; // counted before the compare
        Add(s);
    }
    // Without authentication there is no ICV; 68 bytes of ciphertext behind
    // the 8-byte 3DES IV are no multiple of the block: the decryption fails.
    Add(Dropped(A::FORGED_REAL_SPI,
                T,
                false,
                Setup::ESP_NOAUTH,
                "in_inval",
                "ciphertext not a multiple of the block size"));

    // Replays: the replay pre-check, before the ICV.
    for (Mode m : {T, U})
    {
        for (bool v6 : {false, true})
        {
            Add(With(Dropped(A::REPLAY, m, v6, E, "in_espreplay", "sequence number seen", 3, 4),
                     "x4",
                     "ReplayCopies",
                     "4"));
        }
    }
    Add(Dropped(A::REPLAY, T, false, Setup::AH, "in_ahreplay", "sequence number seen"));
    {
        // No replay window (setkey without -r): KAME accepts every replay
        // (RFC 4303 3.4.3 lets the receiver disable the check); the ICV is
        // right, the copy is delivered again.
        Spec s;
        s.name = "replay " + Label(T, false, Setup::ESP_NO_WINDOW) + " delivered";
        s.config = Setup::ESP_NO_WINDOW;
        s.attack = A::REPLAY;
        s.count = 3;
        s.datagrams = 3;
        s.counters = {{"in_success", 3}, {"in_espauthsucc", 3}};
        s.histograms[{"in_esphist", SADB_X_EALG_RIJNDAELCBC}] = 3;
        s.delivered = 3;
        s.why = "window 0: every packet passes";
        Add(s);
    }

    // Bit flips.
    AddEspEveryWay(A::BIT_FLIP, "in_espauthfail", "sequence number raised: ICV");
    {
        Spec s = Dropped(A::BIT_FLIP, T, false, Setup::AH, "in_ahauthfail", "AH ICV");
        s.histograms[{"in_ahhist", SADB_AALG_SHA1HMAC}] = s.datagrams;
        Add(s);
    }
    Add(With(Dropped(A::BIT_FLIP, T, false, E, "in_espreplay", "replay check before the ICV"),
             "(payload)",
             "BitFlipField",
             "payload"));
    Add(With(Dropped(A::BIT_FLIP, T, true, E, "in_espreplay", "replay check before the ICV"),
             "(icv)",
             "BitFlipField",
             "icv"));
    Add(With(Dropped(A::BIT_FLIP, T, false, E, "in_nosa", "no SA for the flipped SPI"),
             "(spi)",
             "BitFlipField",
             "spi"));
    Add(With(Dropped(A::BIT_FLIP, T, false, Setup::AH, "in_ahreplay", "replay check first"),
             "(payload)",
             "BitFlipField",
             "payload"));

    // Truncation: ESP's alignment check, AH's header/ICV pull-up.
    AddEspEveryWay(A::TRUNCATE, "in_inval", "length not a multiple of 4");
    for (bool v6 : {false, true})
    {
        Add(Dropped(A::TRUNCATE, T, v6, Setup::AH, "in_inval", "AH header or ICV cut"));
    }

    // Plaintext from a protected address: udp_input's (ICMP: ip_input's,
    // forwarded: ip_forward's) inbound check.
    for (Mode m : {T, U})
    {
        for (bool v6 : {false, true})
        {
            Add(Dropped(A::PLAINTEXT_SPOOF, m, v6, E, "in_polvio", "policy requires ESP"));
            Add(With(Dropped(A::PLAINTEXT_SPOOF, m, v6, E, "in_polvio", "policy requires ESP"),
                     "(icmp)",
                     "SpoofProtocol",
                     "icmp"));
        }
    }
    Add(Dropped(A::PLAINTEXT_SPOOF, T, false, Setup::AH, "in_polvio", "policy requires AH"));

    // The same plaintext in IPComp with the well-known CPI: decompressed
    // (in_comphist, in_success), then refused by the history check.
    for (bool v6 : {false, true})
    {
        Spec s = Dropped(A::IPCOMP_SPOOF, T, v6, E, "in_polvio", "IPComp is no ESP");
        s.counters["in_success"] = s.datagrams;
        s.histograms[{"in_comphist", SADB_X_CALG_DEFLATE}] = s.datagrams;
        Add(s);
    }
    {
        // KAME's flag-based check: IPComp's "decrypted" mark satisfies
        // esp/require (ipsec4_in_reject), the forgery is delivered.
        Spec s;
        s.name = "ipcomp-spoof v4 KameDecapHistory delivered";
        s.attack = A::IPCOMP_SPOOF;
        s.count = 3;
        s.datagrams = 3;
        s.counters = {{"in_success", 3}};
        s.histograms[{"in_comphist", SADB_X_CALG_DEFLATE}] = 3;
        s.delivered = 3;
        s.stackAttributes = {{"KameDecapHistory", "true"}};
        s.why = "M_DECRYPTED satisfies esp/require";
        Add(s);
    }
    // Through a gateway the IPComp datagram is forwarded: ip_forward's check.
    Add(Dropped(
        A::IPCOMP_SPOOF, U, false, E, "in_polvio", "forwarded IPComp, policy requires ESP"));

    // IPComp in IPComp: refused before the CPI lookup ("nested ipcomp").
    for (bool v6 : {false, true})
    {
        Add(Dropped(A::NESTED_IPCOMP, T, v6, E, "in_inval", "nested ipcomp"));
    }
    Add(Dropped(A::NESTED_IPCOMP, U, false, E, "in_inval", "nested ipcomp"));

    // A deflate stream of 1 MiB: decompressed (in_comphist), too long for an
    // IP datagram: in_inval.
    for (Mode m : {T, U})
    {
        for (bool v6 : {false, true})
        {
            if (m == U && v6)
            {
                continue;
            }
            Spec s = Dropped(A::DECOMPRESSION_BOMB, m, v6, E, "in_inval", "inflates beyond 65535");
            s.histograms[{"in_comphist", SADB_X_CALG_DEFLATE}] = s.datagrams;
            Add(s);
        }
    }

    // Extension headers and options: the headers in front do not hide the
    // IPsec header or the plaintext from the checks.
    struct Trick
    {
        const char* trick;
        bool v6;
        const char* counter;
        const char* why;
    };
    for (const Trick& t :
         {Trick{"v6-chain-ipsec", true, "in_espauthfail", "ESP found behind 9 headers"},
          Trick{"v6-chain-plain", true, "in_polvio", "UDP found behind 9 headers"},
          Trick{"v6-routing-ipsec", true, "in_espauthfail", "RH0, segments left 0"},
          Trick{"v6-routing-plain", true, "in_polvio", "RH0, segments left 0"},
          Trick{"v4-options-ipsec", false, "in_espauthfail", "ESP behind options"},
          Trick{"v4-options-plain", false, "in_polvio", "UDP behind options"}})
    {
        Add(With(Dropped(A::EXTHDR_TRICKS, T, t.v6, E, t.counter, t.why),
                 t.trick,
                 "ExtHdrTrick",
                 t.trick));
    }
    Add(With(Dropped(A::EXTHDR_TRICKS, U, false, E, "in_polvio", "forwarded, options"),
             "v4-options-plain",
             "ExtHdrTrick",
             "v4-options-plain"));
    Add(With(Dropped(A::EXTHDR_TRICKS, U, true, E, "in_polvio", "forwarded, 9 headers"),
             "v6-chain-plain",
             "ExtHdrTrick",
             "v6-chain-plain"));
    Add(With(Dropped(A::EXTHDR_TRICKS, U, true, E, "in_espauthfail", "ESP behind 9 headers"),
             "v6-chain-ipsec",
             "ExtHdrTrick",
             "v6-chain-ipsec"));

    // Floods: 50 guessed-SPI datagrams at 2000/s; the legitimate flow is untouched.
    for (Mode m : {T, U})
    {
        for (bool v6 : {false, true})
        {
            Spec s = Dropped(A::FLOOD, m, v6, E, "in_nosa", "no SA for the SPI", 1, 50);
            s.attributes = {{"FloodCount", "50"}, {"FloodRate", "2000"}};
            Add(s);
        }
    }
    {
        Spec s = Dropped(A::FLOOD, T, false, E, "in_espreplay", "sequence number seen", 1, 50);
        s.name += " of replays";
        s.attributes = {{"FloodCount", "50"}, {"FloodRate", "2000"}, {"FloodAttack", "replay"}};
        Add(s);
    }
    {
        // The v6 UDP checksum, checked by the receiving socket: KAME's flag
        // check delivers the IPComp-wrapped datagram.
        Spec s;
        s.name = "ipcomp-spoof v6 KameDecapHistory delivered";
        s.v6 = true;
        s.attack = A::IPCOMP_SPOOF;
        s.count = 3;
        s.datagrams = 3;
        s.counters = {{"in_success", 3}};
        s.histograms[{"in_comphist", SADB_X_CALG_DEFLATE}] = 3;
        s.delivered = 3;
        s.stackAttributes = {{"KameDecapHistory", "true"}};
        s.why = "M_DECRYPTED satisfies esp/require";
        Add(s);
    }

    // The example program.
    AddTestCase(new ExampleCase("transport", 4, "esp-auth", false), TestCase::QUICK);
    AddTestCase(new ExampleCase("transport", 4, "ipcomp", true), TestCase::QUICK);
    AddTestCase(new ExampleCase("transport", 6, "ah", true), TestCase::QUICK);
    AddTestCase(new ExampleCase("tunnel", 4, "esp-auth", true), TestCase::QUICK);
    AddTestCase(new ExampleCase("tunnel", 6, "esp-auth", false), TestCase::QUICK);
}

IpsecAdversaryTestSuite g_ipsecAdversaryTestSuite;

} // namespace
