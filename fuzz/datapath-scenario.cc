/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The data-path fuzzers' scenario (see datapath-scenario.h).
 */
#include "datapath-scenario.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/global-value.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/integer.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipsec-helper.h"
#include "ns3/ipsec-stack-helper.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv6-extension-demux.h"
#include "ns3/ipv6-extension.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/ipv6-static-routing-helper.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/ppp-header.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <sstream>

namespace ipsecfuzz
{

using namespace ns3;

void
Finding(const std::string& what)
{
    std::fprintf(stderr, "datapath fuzzer finding: %s\n", what.c_str());
    std::fflush(stderr);
    __builtin_trap();
}

// ---- the SA table ------------------------------------------------------------

namespace
{

/// A key of @p bits bits for SA @p spi as setkey's hex ("0x..."); the bytes
/// are no DES weak key.
std::string
Key(uint32_t bits, uint32_t spi, uint8_t salt)
{
    std::string s = "0x";
    char buf[3];
    for (uint32_t i = 0; i < bits / 8; ++i)
    {
        std::snprintf(buf, sizeof buf, "%02x", (spi * 37 + i * 29 + salt * 101 + 0x5a) & 0xff);
        s += buf;
    }
    return s;
}

/// The key length an SA of the table uses for encryption algorithm @p enc.
uint32_t
EncKeyBits(const std::string& enc, uint32_t spi)
{
    if (enc == "des-cbc")
    {
        return 64;
    }
    if (enc == "3des-cbc")
    {
        return 192;
    }
    if (enc == "rijndael-cbc")
    {
        return spi % 2 ? 128 : 256;
    }
    if (enc == "aes-gcm-16" || enc == "aes-ctr")
    {
        return spi % 2 ? 160 : 288; // key || 4-byte salt/nonce
    }
    if (enc == "chacha20-poly1305")
    {
        return 288;
    }
    if (enc == "null")
    {
        return 0;
    }
    return 128; // cast128-cbc, blowfish-cbc
}

uint32_t
AuthKeyBits(const std::string& auth)
{
    if (auth == "hmac-sha1" || auth == "hmac-ripemd160" || auth == "keyed-sha1")
    {
        return 160;
    }
    if (auth == "hmac-sha2-256")
    {
        return 256;
    }
    if (auth == "hmac-sha2-384")
    {
        return 384;
    }
    if (auth == "hmac-sha2-512")
    {
        return 512;
    }
    if (auth == "null")
    {
        return 0;
    }
    return 128; // hmac-md5, aes-xcbc-mac, keyed-md5
}

std::vector<SaRow>
BuildTable()
{
    // {proto, v6, spi, mode, enc, auth, rawCpi, replay, nestedInner}
    std::vector<SaRow> one = {
        // ESP: every encryption algorithm, every authentication algorithm at least once.
        {50, false, 0x1001, "any", "des-cbc", "", false, 0, false},
        {50, false, 0x1002, "transport", "des-cbc", "hmac-md5", false, 32, false},
        {50, false, 0x1003, "any", "3des-cbc", "", false, 0, false},
        {50, false, 0x1004, "transport", "3des-cbc", "hmac-sha1", false, 0, false},
        {50, false, 0x1005, "any", "3des-cbc", "keyed-md5", false, 0, false},
        {50, false, 0x1006, "any", "cast128-cbc", "", false, 0, false},
        {50, false, 0x1007, "transport", "cast128-cbc", "hmac-sha2-256", false, 0, false},
        {50, false, 0x1008, "any", "blowfish-cbc", "", false, 0, false},
        {50, false, 0x1009, "transport", "blowfish-cbc", "hmac-sha2-384", false, 0, false},
        {50, false, 0x100a, "transport", "null", "hmac-sha1", false, 0, false},
        {50, false, 0x100b, "any", "null", "hmac-sha2-512", false, 0, false},
        {50, false, 0x100c, "any", "null", "keyed-sha1", false, 0, false},
        {50, false, 0x100d, "any", "rijndael-cbc", "", false, 0, false},
        {50, false, 0x100e, "transport", "rijndael-cbc", "hmac-sha1", false, 32, false},
        {50, false, 0x100f, "any", "rijndael-cbc", "hmac-sha2-256", false, 0, false},
        {50, false, 0x1010, "transport", "rijndael-cbc", "aes-xcbc-mac", false, 0, false},
        {50, false, 0x1011, "any", "rijndael-cbc", "hmac-ripemd160", false, 0, false},
        {50, false, 0x1012, "transport", "aes-gcm-16", "", false, 32, false},
        {50, false, 0x1013, "transport", "chacha20-poly1305", "", false, 32, false},
        {50, false, 0x1014, "any", "aes-ctr", "", false, 0, false},
        {50, false, 0x1015, "transport", "aes-ctr", "hmac-sha2-512", false, 0, false},
        {50, false, 0x1016, "any", "null", "", false, 0, false},
        {50, false, 0x1017, "any", "aes-gcm-16", "", false, 0, false},
        {50, false, 0x1018, "any", "rijndael-cbc", "null", false, 0, false},
        // AH: every authentication algorithm that AH takes.
        {51, false, 0x2001, "any", "", "hmac-md5", false, 0, false},
        {51, false, 0x2002, "transport", "", "hmac-sha1", false, 32, false},
        {51, false, 0x2003, "any", "", "hmac-sha2-256", false, 0, false},
        {51, false, 0x2004, "transport", "", "hmac-sha2-384", false, 0, false},
        {51, false, 0x2005, "any", "", "hmac-sha2-512", false, 0, false},
        {51, false, 0x2006, "transport", "", "hmac-ripemd160", false, 32, false},
        {51, false, 0x2007, "any", "", "aes-xcbc-mac", false, 0, false},
        {51, false, 0x2008, "transport", "", "keyed-md5", false, 0, false},
        {51, false, 0x2009, "any", "", "keyed-sha1", false, 0, false},
        // IPComp deflate: the well-known CPI 2 on the wire, and a negotiated one (-R).
        {108, false, 0x3001, "any", "", "", false, 0, false},
        {108, false, 0x3002, "any", "", "", true, 0, false},
        // Tunnel SAs (10.0.0.1 -> 10.0.0.2), and the nested inner tunnel.
        {50, false, 0x4001, "tunnel", "rijndael-cbc", "hmac-sha1", false, 32, false},
        {50, false, 0x4002, "tunnel", "aes-gcm-16", "", false, 0, false},
        {51, false, 0x4003, "tunnel", "", "hmac-sha2-256", false, 32, false},
        {108, false, 0x4004, "tunnel", "", "", true, 0, false},
        {50, false, 0x4005, "tunnel", "3des-cbc", "hmac-md5", false, 0, true},
    };
    std::vector<SaRow> all = one;
    for (SaRow r : one)
    {
        r.v6 = true;
        all.push_back(r);
    }
    return all;
}

} // namespace

uint32_t
SaRow::WireId() const
{
    if (proto == 108)
    {
        return rawCpi ? (spi & 0xffff) : 2;
    }
    return spi;
}

std::string
SaRow::Src() const
{
    if (nestedInner)
    {
        return v6 ? "fd00:1::1" : "10.1.0.1";
    }
    return v6 ? "fd00::1" : "10.0.0.1";
}

std::string
SaRow::Dst() const
{
    return v6 ? "fd00::2" : "10.0.0.2";
}

std::string
SaRow::AddLine() const
{
    std::ostringstream os;
    const char* p = proto == 50 ? "esp" : proto == 51 ? "ah" : "ipcomp";
    os << "add " << Src() << " " << Dst() << " " << p << " " << spi << " -m " << mode;
    if (replay)
    {
        os << " -r " << replay;
    }
    if (proto == 50)
    {
        os << " -E " << enc;
        uint32_t bits = EncKeyBits(enc, spi);
        if (bits)
        {
            os << " " << Key(bits, spi, 1);
        }
        if (*auth)
        {
            os << " -A " << auth;
            uint32_t abits = AuthKeyBits(auth);
            if (abits)
            {
                os << " " << Key(abits, spi, 2);
            }
        }
    }
    else if (proto == 51)
    {
        os << " -A " << auth << " " << Key(AuthKeyBits(auth), spi, 3);
    }
    else
    {
        os << " -C deflate" << (rawCpi ? " -R" : "");
    }
    os << ";\n";
    return os.str();
}

std::string
SaRow::Name() const
{
    std::ostringstream os;
    os << (proto == 50 ? "esp" : proto == 51 ? "ah" : "ipcomp") << (v6 ? "-v6-" : "-v4-");
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04x", spi);
    os << buf;
    if (*enc)
    {
        os << "-" << enc;
    }
    if (*auth)
    {
        os << "-" << auth;
    }
    if (proto == 108)
    {
        os << (rawCpi ? "-cpi" : "-cpi2");
    }
    os << "-" << mode << (nestedInner ? "-nested" : "");
    return os.str();
}

const std::vector<SaRow>&
SaTable()
{
    static const std::vector<SaRow> table = BuildTable();
    return table;
}

std::vector<const SaRow*>
SaRows(uint8_t proto, bool v6)
{
    std::vector<const SaRow*> out;
    for (const SaRow& r : SaTable())
    {
        if (r.proto == proto && r.v6 == v6)
        {
            out.push_back(&r);
        }
    }
    return out;
}

std::string
TunnelAddress(bool v6, int n)
{
    return (v6 ? "fd00:3::" : "10.3.0.") + std::to_string(n);
}

const std::vector<SocketRule>&
VictimSockets()
{
    static const std::vector<SocketRule> sockets = {
        // The transport policies, by port, on the WAN address.
        {"10.0.0.2", 7000, false, true, false},
        {"10.0.0.2", 7001, false, false, true},
        {"10.0.0.2", 7002, false, true, true},
        {"10.0.0.2", 7003, false, true, false},
        {"10.0.0.2", TCP_PORT, true, true, false},
        {"fd00::2", 7000, false, true, false},
        {"fd00::2", 7001, false, false, true},
        {"fd00::2", 7002, false, true, true},
        {"fd00::2", 7003, false, true, false},
        {"fd00::2", TCP_PORT, true, true, false},
        // The tunnels' addresses (TunnelAddress 4-8).
        {"10.3.0.4", 7000, false, true, false},
        {"10.3.0.5", 7000, false, false, true},
        {"10.3.0.6", 7000, false, true, false},
        {"10.3.0.7", 7000, false, true, false},
        {"10.3.0.8", 7000, false, true, false},
        {"fd00:3::4", 7000, false, true, false},
        {"fd00:3::5", 7000, false, false, true},
        {"fd00:3::6", 7000, false, true, false},
        {"fd00:3::7", 7000, false, true, false},
        {"fd00:3::8", 7000, false, true, false},
    };
    return sockets;
}

std::string
NattSaLine()
{
    return "add 10.0.0.1[4500] 10.0.0.2[4500] esp-udp " + std::to_string(NATT_SPI)
         + " -m transport -E aes-cbc " + Key(128, NATT_SPI, 1) + " -A hmac-sha1 "
         + Key(160, NATT_SPI, 2) + ";\n";
}

std::string
VictimScript()
{
    std::string s = "flush;\nspdflush;\n";
    for (const SaRow& r : SaTable())
    {
        s += r.AddLine();
    }
    s += NattSaLine();
    // Inbound policies: nothing reaches V's sockets (see VictimSockets), or
    // H's network, in clear.  The SPD is searched in order: the tunnels'
    // addresses first, then the transport policies by port.
    for (bool v6 : {false, true})
    {
        std::string any = v6 ? "::/0" : "0.0.0.0/0";
        std::string peer = v6 ? "fd00::1" : "10.0.0.1";
        std::string self = v6 ? "fd00::2" : "10.0.0.2";
        std::string tun = peer + "-" + self;
        // The other family's tunnel endpoints (mixed-family tunnels).
        std::string other = v6 ? "10.0.0.1-10.0.0.2" : "fd00::1-fd00::2";
        std::string behindP = v6 ? "fd00:1::1" : "10.1.0.1";
        std::string lan = v6 ? "fd00:2::/64" : "10.2.0.0/24";
        auto to = [&](const std::string& src, int n, const std::string& policy)
        {
            s += "spdadd " + src + " " + TunnelAddress(v6, n) + " any -P in ipsec " + policy
               + ";\n";
        };
        to(any, 4, "esp/tunnel/" + tun + "/require");
        to(any, 5, "ah/tunnel/" + tun + "/require");
        to(any, 6, "ipcomp/tunnel/" + tun + "/use esp/transport//require");
        to(any, 7, "esp/tunnel/" + other + "/require");
        // Nested tunnels: the inner one from the network behind P, inside
        // P's; from anywhere else, ESP at least.
        to(behindP,
           8,
           "esp/tunnel/" + behindP + "-" + self + "/require esp/tunnel/" + tun + "/require");
        to(any, 8, "esp/transport//require");
        auto port = [&](int p, const std::string& proto, const std::string& policy)
        {
            s += "spdadd " + any + " " + any + "[" + std::to_string(p) + "] " + proto
               + " -P in ipsec " + policy + ";\n";
        };
        port(7000, "udp", "esp/transport//require");
        port(7001, "udp", "ah/transport//require");
        port(7002, "udp", "esp/transport//require ah/transport//require");
        port(7003, "udp", "ipcomp/transport//use esp/transport//require");
        port(TCP_PORT, "tcp", "esp/transport//require");
        // H's network: through the ESP tunnel only (V is its gateway).
        s += "spdadd " + any + " " + lan + " any -P in ipsec esp/tunnel/" + tun + "/require;\n";
    }
    return s;
}

Knobs
DecodeKnobs(uint8_t b)
{
    Knobs k;
    const int32_t ecn[4] = {1, 0, -1, 1};
    k.ecn = ecn[b & 3];
    k.kameDecapHistory = b & 0x04;
    k.ahClearTos = !(b & 0x08);
    k.checksums = !(b & 0x80);
    return k;
}

namespace
{

/// The SAs with a replay window deleted and added again (Scenario::End).
std::string
ReplayResetScript()
{
    std::string s;
    for (const SaRow& r : SaTable())
    {
        if (r.replay)
        {
            const char* p = r.proto == 50 ? "esp" : r.proto == 51 ? "ah" : "ipcomp";
            s += "delete " + r.Src() + " " + r.Dst() + " " + p + " " + std::to_string(r.spi)
               + ";\n";
            s += r.AddLine();
        }
    }
    return s;
}

} // namespace

namespace
{

/// What RunInput did, for DATAPATH_FUZZER_STATS.
struct RunStats
{
    uint64_t inputs{0};
    uint64_t scenarios{0};    ///< scenarios built
    uint64_t replayResets{0}; ///< End installed the replay-window SAs anew
    uint64_t skipped{0};      ///< datagrams not injected (!Ns3CanParse)

    ~RunStats()
    {
        if (std::getenv("DATAPATH_FUZZER_STATS"))
        {
            std::fprintf(stderr,
                         "datapath fuzzer: %llu inputs, %llu scenarios built, %llu replay-window "
                         "resets, %llu datagrams skipped (ns-3 cannot parse them)\n",
                         static_cast<unsigned long long>(inputs),
                         static_cast<unsigned long long>(scenarios),
                         static_cast<unsigned long long>(replayResets),
                         static_cast<unsigned long long>(skipped));
        }
    }
};

RunStats g_runStats;

} // namespace

// ---- the scenario --------------------------------------------------------------

namespace
{

/// Options of a Hop-by-Hop or Destination Options header (@p off, @p len)
/// of @p d within it.
bool
OptionsFit(const Bytes& d, size_t off, size_t len)
{
    for (size_t opt = off; opt < off + len;)
    {
        if (d[opt] == 0)
        {
            opt++; // Pad1
            continue;
        }
        if (opt + 2 > off + len || opt + 2 + d[opt + 1] > off + len)
        {
            return false;
        }
        opt += 2 + d[opt + 1];
    }
    return true;
}

/// Gives @p dev's node an interface on it with @p v4/24 and @p v6/64, up.
void
Attach(Ptr<NetDevice> dev, const char* v4, const char* v6, bool forwarding)
{
    Ptr<Node> node = dev->GetNode();
    Ptr<Ipv4> ip = node->GetObject<Ipv4>();
    int32_t i = ip->AddInterface(dev);
    ip->AddAddress(i, Ipv4InterfaceAddress(Ipv4Address(v4), Ipv4Mask("/24")));
    ip->SetMetric(i, 1);
    ip->SetUp(i);
    Ptr<Ipv6> ip6 = node->GetObject<Ipv6>();
    int32_t j = ip6->AddInterface(dev);
    ip6->AddAddress(j, Ipv6InterfaceAddress(Ipv6Address(v6), Ipv6Prefix(64)));
    ip6->SetMetric(j, 1);
    ip6->SetUp(j);
    ip6->SetForwarding(j, forwarding);
}

uint64_t
HistSum(const std::array<uint64_t, 256>& h)
{
    return std::accumulate(h.begin(), h.end(), uint64_t{0});
}

bool
IsDropCounter(const std::string& name)
{
    if (name == "in_success" || name == "in_ahauthsucc" || name == "in_espauthsucc"
        || name == "out_success")
    {
        return false;
    }
    return name.rfind("in_", 0) == 0 || name.rfind("out_", 0) == 0;
}

} // namespace

Scenario::Scenario(const Knobs& knobs, const std::string& peerScript)
{
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(1);
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(knobs.checksums));
    Config::SetDefault("ns3::Icmpv6L4Protocol::DAD", BooleanValue(false));
    // One router solicitation and one retransmission (RFC 7559's default is
    // to retransmit forever): then the simulation runs dry.
    Config::SetDefault("ns3::Icmpv6L4Protocol::RsMaxRetransmissionCount", UintegerValue(1));
    // IPv6 in IPv4 tunnels and the reverse (KAME's key_spdadd refuses them).
    Config::SetDefault("ns3::IpsecSpd::MixedFamilyTunnels", BooleanValue(true));

    NodeContainer nodes;
    nodes.Create(3);
    m_p = nodes.Get(0);
    m_v = nodes.Get(1);
    m_h = nodes.Get(2);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("1ms"));
    NetDeviceContainer wan = p2p.Install(m_p, m_v);
    NetDeviceContainer lan = p2p.Install(m_v, m_h);
    m_vWan = DynamicCast<PointToPointNetDevice>(wan.Get(1));
    m_vLan = DynamicCast<PointToPointNetDevice>(lan.Get(0));

    IpsecStackHelper stack;
    stack.Install(nodes);
    InternetStackHelper internet;
    internet.AssignStreams(nodes, STREAM_BASE);
    stack.AssignStreams(nodes, STREAM_BASE + 1000);

    Attach(wan.Get(0), "10.0.0.1", "fd00::1", false);
    Attach(wan.Get(1), "10.0.0.2", "fd00::2", true);
    Attach(lan.Get(0), "10.2.0.1", "fd00:2::1", true);
    Attach(lan.Get(1), "10.2.0.2", "fd00:2::2", false);
    // The tunnels' addresses, on V's WAN interface (IPv6's strong end system model).
    for (int n = 4; n <= 8; ++n)
    {
        m_v->GetObject<Ipv4>()->AddAddress(
            1, Ipv4InterfaceAddress(Ipv4Address(TunnelAddress(false, n).c_str()), "/24"));
        m_v->GetObject<Ipv6>()->AddAddress(
            1, Ipv6InterfaceAddress(Ipv6Address(TunnelAddress(true, n).c_str()), Ipv6Prefix(64)));
    }
    // The network behind P: a second address on P's WAN interface.
    m_p->GetObject<Ipv4>()->AddAddress(1, Ipv4InterfaceAddress("10.1.0.1", "/24"));
    m_p->GetObject<Ipv6>()->AddAddress(1, Ipv6InterfaceAddress("fd00:1::1", Ipv6Prefix(64)));

    Ipv4StaticRoutingHelper r4;
    Ipv6StaticRoutingHelper r6;
    r4.GetStaticRouting(m_v->GetObject<Ipv4>())
        ->AddNetworkRouteTo("10.1.0.0", "255.255.255.0", "10.0.0.1", 1);
    r6.GetStaticRouting(m_v->GetObject<Ipv6>())
        ->AddNetworkRouteTo("fd00:1::", Ipv6Prefix(64), "fd00::1", 1);
    r4.GetStaticRouting(m_p->GetObject<Ipv4>())
        ->AddNetworkRouteTo("10.2.0.0", "255.255.255.0", "10.0.0.2", 1);
    r6.GetStaticRouting(m_p->GetObject<Ipv6>())
        ->AddNetworkRouteTo("fd00:2::", Ipv6Prefix(64), "fd00::2", 1);
    r4.GetStaticRouting(m_p->GetObject<Ipv4>())
        ->AddNetworkRouteTo("10.3.0.0", "255.255.255.0", "10.0.0.2", 1);
    r6.GetStaticRouting(m_p->GetObject<Ipv6>())
        ->AddNetworkRouteTo("fd00:3::", Ipv6Prefix(64), "fd00::2", 1);
    r4.GetStaticRouting(m_h->GetObject<Ipv4>())->SetDefaultRoute("10.2.0.1", 1);
    r6.GetStaticRouting(m_h->GetObject<Ipv6>())->SetDefaultRoute("fd00:2::1", 1);

    IpsecHelper ipsec;
    try
    {
        ipsec.RunSetkeyString(m_v, VictimScript(), "victim");
        if (!peerScript.empty())
        {
            ipsec.RunSetkeyString(m_p, peerScript, "peer");
        }
    }
    catch (const IpsecConfigError& e)
    {
        std::fprintf(stderr, "datapath scenario: setkey refused a script: %s\n", e.what());
        std::abort();
    }

    m_ipsec = m_v->GetObject<IpsecStack>();
    // ESP in UDP (RFC 3948) on port 4500, as racoon's NAT-T socket sets it.
    m_ipsec->SetUdpEncapPort(4500, true);
    m_ipsec->TraceConnectWithoutContext(
        "Drop",
        Callback<void, Ptr<const Packet>, bool, IpsecDropReason, const std::string&>(
            [this](Ptr<const Packet> p, bool v6, IpsecDropReason reason, const std::string&)
            {
                OnDrop(p, v6, reason);
            }));
    m_v->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
        "Drop",
        Callback<void,
                 const Ipv4Header&,
                 Ptr<const Packet>,
                 Ipv4L3Protocol::DropReason,
                 Ptr<Ipv4>,
                 uint32_t>(
            [this](const Ipv4Header&,
                   Ptr<const Packet>,
                   Ipv4L3Protocol::DropReason reason,
                   Ptr<Ipv4>,
                   uint32_t)
            {
                m_l3Drops++;
                m_l3Reasons += " 4:" + std::to_string(reason);
            }));
    m_v->GetObject<Ipv6L3Protocol>()->TraceConnectWithoutContext(
        "Drop",
        Callback<void,
                 const Ipv6Header&,
                 Ptr<const Packet>,
                 Ipv6L3Protocol::DropReason,
                 Ptr<Ipv6>,
                 uint32_t>(
            [this](const Ipv6Header&,
                   Ptr<const Packet>,
                   Ipv6L3Protocol::DropReason reason,
                   Ptr<Ipv6>,
                   uint32_t)
            {
                m_l3Drops++;
                m_l3Reasons += " 6:" + std::to_string(reason);
            }));

    // V's sockets (VictimSockets), H's on H_PORT.
    for (const SocketRule& rule : VictimSockets())
    {
        bool v6 = std::string(rule.address).find(':') != std::string::npos;
        Ptr<Socket> s = Socket::CreateSocket(
            m_v, rule.tcp ? TcpSocketFactory::GetTypeId() : UdpSocketFactory::GetTypeId());
        int err = v6 ? s->Bind(Inet6SocketAddress(Ipv6Address(rule.address), rule.port))
                     : s->Bind(InetSocketAddress(Ipv4Address(rule.address), rule.port));
        if (err != 0)
        {
            std::fprintf(stderr, "datapath scenario: cannot bind %s %u\n", rule.address, rule.port);
            std::abort();
        }
        if (rule.tcp)
        {
            s->Listen();
            s->SetAcceptCallback(
                Callback<bool, Ptr<Socket>, const ns3::Address&>(
                    [this, rule](Ptr<Socket>, const ns3::Address&)
                    {
                        m_accepted++;
                        CheckJustified(rule, "V's TCP listener accepted a connection request");
                        return true;
                    }),
                Callback<void, Ptr<Socket>, const ns3::Address&>(
                    [this, rule](Ptr<Socket> c, const ns3::Address&)
                    {
                        m_ruleOf[c] = rule;
                        m_connections.push_back(c);
                        c->SetRecvCallback(MakeCallback(&Scenario::Receive, this));
                    }));
        }
        else
        {
            s->SetRecvCallback(MakeCallback(&Scenario::Receive, this));
        }
        m_ruleOf[s] = rule;
        m_sockets.push_back(s);
    }
    for (bool v6 : {false, true})
    {
        Ptr<Socket> s = Socket::CreateSocket(m_h, UdpSocketFactory::GetTypeId());
        if (v6)
        {
            s->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), H_PORT));
        }
        else
        {
            s->Bind(InetSocketAddress(Ipv4Address::GetAny(), H_PORT));
        }
        s->SetRecvCallback(MakeCallback(&Scenario::Receive, this));
        m_hostSocket[s] = true;
        m_sockets.push_back(s);
    }
    Begin(knobs);
}

Scenario::~Scenario()
{
    for (Ptr<Socket>& s : m_sockets)
    {
        s->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    }
    for (Ptr<Socket>& s : m_connections)
    {
        s->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    }
    // Disposes the nodes (and every socket and trace sink with them) while
    // this object, which the callbacks point to, still exists.
    Simulator::Destroy();
}

Scenario::Snapshot
Scenario::Take() const
{
    Snapshot s;
    s.s4 = m_ipsec ? m_ipsec->GetStats(false) : IpsecStats();
    s.s6 = m_ipsec ? m_ipsec->GetStats(true) : IpsecStats();
    s.uncounted = m_uncounted;
    s.l3Drops = m_l3Drops;
    s.delivered = m_delivered;
    return s;
}

void
Scenario::Inject(const Bytes& datagram, Time at, bool lan, bool mustAccount)
{
    Simulator::ScheduleWithContext(
        m_v->GetId(), at, &Scenario::DoInject, this, datagram, lan, mustAccount);
}

void
Scenario::DoInject(Bytes datagram, bool lan, bool mustAccount)
{
    if (!Ns3CanParse(datagram))
    {
        m_skipped++;
        return;
    }
    bool v6 = !datagram.empty() && (datagram[0] >> 4) == 6;
    Ptr<Packet> p = Create<Packet>(datagram.data(), datagram.size());
    PppHeader ppp;
    ppp.SetProtocol(v6 ? 0x0057 : 0x0021);
    p->AddHeader(ppp);
    m_recordStart = Take();
    m_injecting = true;
    (lan ? m_vLan : m_vWan)->Receive(p);
    m_injecting = false;
    if (!mustAccount)
    {
        return;
    }
    Snapshot now = Take();
    uint64_t accounted
        = (now.uncounted - m_recordStart.uncounted) + (now.l3Drops - m_recordStart.l3Drops);
    for (bool f : {false, true})
    {
        const IpsecStats& a = f ? m_recordStart.s6 : m_recordStart.s4;
        const IpsecStats& b = f ? now.s6 : now.s4;
        accounted += b.in_success - a.in_success;
        std::vector<std::pair<std::string, uint64_t>> before = a.Scalars();
        std::vector<std::pair<std::string, uint64_t>> after = b.Scalars();
        for (size_t i = 0; i < after.size(); ++i)
        {
            if (IsDropCounter(after[i].first))
            {
                accounted += after[i].second - before[i].second;
            }
        }
    }
    if (accounted == 0)
    {
        Finding("a datagram for the IPsec input left no trace: no transform removed, no KAME "
                "counter, no drop trace, no ns-3 drop");
    }
}

void
Scenario::OnDrop(Ptr<const Packet>, bool v6, IpsecDropReason reason)
{
    // IpsecDropReasonCounter: an ipsecstat field, or in parentheses an IP
    // layer's counter the model does not keep, or "(not counted)".
    const std::string counter = IpsecDropReasonCounter(reason);
    if (counter.empty() || counter[0] == '(')
    {
        m_uncounted++;
        m_uncountedReasons += std::string(v6 ? " 6:" : " 4:") + IpsecDropReasonName(reason);
        return;
    }
    m_traces[{v6, counter}]++;
}

void
Scenario::CheckCounters()
{
    Snapshot now = Take();
    std::map<std::pair<bool, std::string>, bool> known;
    for (bool f : {false, true})
    {
        std::vector<std::pair<std::string, uint64_t>> before
            = (f ? m_start.s6 : m_start.s4).Scalars();
        std::vector<std::pair<std::string, uint64_t>> after = (f ? now.s6 : now.s4).Scalars();
        for (size_t i = 0; i < after.size(); ++i)
        {
            const std::string& name = after[i].first;
            known[{f, name}] = true;
            if (!IsDropCounter(name))
            {
                continue;
            }
            uint64_t grew = after[i].second - before[i].second;
            auto it = m_traces.find({f, name});
            uint64_t traced = it == m_traces.end() ? 0 : it->second;
            if (grew != traced)
            {
                Finding(std::string(f ? "ipsec6 " : "ipsec ") + name + " grew by "
                        + std::to_string(grew) + " with " + std::to_string(traced)
                        + " Drop traces naming it");
            }
        }
    }
    for (const auto& [key, n] : m_traces)
    {
        if (!known.count(key))
        {
            Finding("the Drop trace names an unknown counter: " + key.second);
        }
    }
}

void
Scenario::CheckJustified(const SocketRule& rule, const std::string& what)
{
    const Snapshot& ref = m_injecting ? m_recordStart : m_start;
    Snapshot now = Take();
    bool esp = HistSum(now.s4.in_esphist) + HistSum(now.s6.in_esphist)
             > HistSum(ref.s4.in_esphist) + HistSum(ref.s6.in_esphist);
    bool ah = HistSum(now.s4.in_ahhist) + HistSum(now.s6.in_ahhist)
            > HistSum(ref.s4.in_ahhist) + HistSum(ref.s6.in_ahhist);
    // KAME's flag-based ipsec_in_reject (KameDecapHistory): IPComp input
    // sets the "decrypted" mark too, which satisfies an ESP require.
    bool comp = HistSum(now.s4.in_comphist) + HistSum(now.s6.in_comphist)
              > HistSum(ref.s4.in_comphist) + HistSum(ref.s6.in_comphist);
    esp = esp || (m_knobs.kameDecapHistory && comp);
    if ((rule.needEsp && !esp) || (rule.needAh && !ah))
    {
        Finding(what + " (" + rule.address + " port " + std::to_string(rule.port)
                + ") although no required " + (rule.needEsp && !esp ? "ESP" : "AH")
                + " transform was removed (forged delivery)");
    }
}

void
Scenario::Receive(Ptr<Socket> s)
{
    ns3::Address from;
    while (Ptr<Packet> p = s->RecvFrom(from))
    {
        m_delivered++;
        if (m_hostSocket.count(s))
        {
            // Forwarded by V into H's network, only out of V's ESP tunnel; H
            // receives later than V's input: since the start.
            bool saved = m_injecting;
            m_injecting = false;
            CheckJustified(SocketRule{"H", H_PORT, false, true, false}, "H received a datagram");
            m_injecting = saved;
        }
        else
        {
            CheckJustified(m_ruleOf.at(s), "V's socket received a datagram");
        }
    }
}

void
Scenario::Begin(const Knobs& knobs)
{
    // ns-3 3.37's IPv6 reassembly can keep fragments for good (no timer
    // left for them once the simulation ran dry) and complete them with a
    // later input's: every node gets a new, empty Fragment extension.
    for (Ptr<Node> node : {m_p, m_v, m_h})
    {
        Ptr<Ipv6ExtensionDemux> demux = node->GetObject<Ipv6ExtensionDemux>();
        Ptr<Ipv6ExtensionFragment> fresh = CreateObject<Ipv6ExtensionFragment>();
        demux->Remove(demux->GetExtension(Ipv6ExtensionFragment::EXT_NUMBER));
        fresh->SetNode(node);
        fresh->AssignStreams(STREAM_BASE + 2000 + node->GetId());
        demux->Insert(fresh);
    }
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(knobs.checksums));
    m_ipsec->SetAttribute("Ecn", IntegerValue(knobs.ecn));
    m_ipsec->SetAttribute("Ipv6Ecn", IntegerValue(knobs.ecn));
    m_ipsec->SetAttribute("KameDecapHistory", BooleanValue(knobs.kameDecapHistory));
    m_ipsec->SetAttribute("AhCleartos", BooleanValue(knobs.ahClearTos));
    m_knobs = knobs;
    m_traces.clear();
    m_l3Reasons.clear();
    m_uncountedReasons.clear();
    m_start = Take();
}

void
Scenario::Run()
{
    // No Simulator::Stop: nothing in the scenario repeats forever (one
    // router solicitation retransmission, no application), so the run ends
    // when every timer an input started has fired; an input that made the
    // simulation run forever is a finding (libFuzzer's -timeout).
    Simulator::Run();
    CheckCounters();
    if (std::getenv("DATAPATH_FUZZER_TRACE"))
    {
        // One line per input: what V's counters did, for comparing the
        // persistent and the fresh scenario on the same inputs.
        Snapshot now = Take();
        std::string line;
        for (bool f : {false, true})
        {
            auto a = (f ? m_start.s6 : m_start.s4).Scalars();
            auto b = (f ? now.s6 : now.s4).Scalars();
            for (size_t i = 0; i < b.size(); ++i)
            {
                if (b[i].second != a[i].second)
                {
                    line += std::string(f ? " 6:" : " 4:") + b[i].first + "+"
                          + std::to_string(b[i].second - a[i].second);
                }
            }
        }
        std::fprintf(stderr,
                     "datapath trace:%s l3drops+%llu (%s) uncounted+%llu (%s) delivered=%u\n",
                     line.c_str(),
                     static_cast<unsigned long long>(now.l3Drops - m_start.l3Drops),
                     m_l3Reasons.c_str(),
                     static_cast<unsigned long long>(now.uncounted - m_start.uncounted),
                     m_uncountedReasons.c_str(),
                     now.delivered - m_start.delivered);
    }
}

bool
Scenario::End()
{
    // A replay window moves only after a datagram authenticated (RFC 4303
    // section 3.4.3, RFC 4302 section 3.4.3): then the SAs that have one are
    // installed anew.  (Without lifetimes nothing else of an SA changes V's
    // behaviour.)
    Snapshot now = Take();
    uint64_t succeeded = 0;
    for (bool f : {false, true})
    {
        const IpsecStats& a = f ? m_start.s6 : m_start.s4;
        const IpsecStats& b = f ? now.s6 : now.s4;
        succeeded += (b.in_success - a.in_success) + (b.in_espauthsucc - a.in_espauthsucc)
                   + (b.in_ahauthsucc - a.in_ahauthsucc);
    }
    if (succeeded)
    {
        g_runStats.replayResets++;
        static const std::string script = ReplayResetScript();
        IpsecHelper().RunSetkeyString(m_v, script, "replay reset");
    }
    // Each socket's policy cache (KAME's ipsec_checkpcbcache; the
    // spdcachelookup and spdcachemiss counters) is valid until the SPD
    // changes: a policy added at the tail and deleted again changes it
    // without changing the order of V's policies, so the next input's first
    // lookup on a socket misses, as in a fresh scenario.
    static const std::string touch = "spdadd 192.0.2.1 192.0.2.2 any -P in none;\n"
                                     "spddelete 192.0.2.1 192.0.2.2 any -P in;\n";
    IpsecHelper().RunSetkeyString(m_v, touch, "policy cache reset");
    // A TCP connection V accepted stays (ns-3 has no way to abort it, and
    // closing it retransmits its FIN forever when P answers in clear, which
    // V's policy drops): V is not reused.
    return m_connections.empty();
}

void
Scenario::RunInput(const Knobs& knobs, const std::function<void(Scenario&)>& inject)
{
    static const bool fresh = std::getenv("DATAPATH_FUZZER_FRESH") != nullptr;
    g_runStats.inputs++;
    if (fresh)
    {
        g_runStats.scenarios++;
        Scenario scenario(knobs);
        inject(scenario);
        scenario.Run();
        g_runStats.skipped += scenario.m_skipped;
        return;
    }
    // Lives for INPUTS_PER_SCENARIO inputs (ns-3 keeps a little state per
    // address it has talked to, such as IPv4 identification counters, so a
    // process's memory would grow without bound), or until an input left it
    // in a state End cannot undo.
    static Scenario* shared = nullptr;
    static uint32_t uses = 0;
    if (shared && uses >= INPUTS_PER_SCENARIO)
    {
        delete shared;
        shared = nullptr;
    }
    if (!shared)
    {
        g_runStats.scenarios++;
        shared = new Scenario(knobs);
        uses = 0;
    }
    uses++;
    shared->Begin(knobs);
    uint32_t skipped = shared->m_skipped;
    inject(*shared);
    shared->Run();
    g_runStats.skipped += shared->m_skipped - skipped;
    if (!shared->End())
    {
        delete shared;
        shared = nullptr;
    }
}

void
InitializeFromEnvironment()
{
    if (const char* dir = std::getenv("DATAPATH_FUZZER_SEEDS"))
    {
        WriteSeeds(dir);
        std::exit(0);
    }
    if (std::getenv("DATAPATH_FUZZER_SCRIPT"))
    {
        std::fputs(VictimScript().c_str(), stdout);
        std::exit(0);
    }
}

// ---- byte helpers ---------------------------------------------------------------

namespace
{

/// Whether ns-3's upper layer can read the segment of protocol @p proto at
/// @p off of @p d once the module has passed it.  The module checks every
/// segment its policed UDP, TCP, ICMP and ICMPv6 receive (lengths, ICMP
/// errors and neighbour discovery options: IpsecCheckUpperLayer; TCP options
/// it rewrites as tcp_dooptions reads them: IpsecSanitizeTcpOptions), but a
/// datagram V forwards is parsed by ns-3 alone: TCP options of length 0
/// (TcpHeader::Deserialize loops forever) or a Maximum Segment Size option of
/// another length than 4 (TcpOptionMSS::Deserialize aborts), in the flow
/// hash of a queue disc and at a plain ns-3 host.  Such plaintext TCP is not
/// delivered, to whichever address.
bool
UpperLayerFits(const Bytes& d, size_t off, uint8_t proto)
{
    size_t left = d.size() - off;
    if (proto != 6)
    {
        return true;
    }
    size_t hl = left >= 13 ? (d[off + 12] >> 4) * 4 : 0;
    if (left < 20 || hl < 20 || hl > left)
    {
        return true; // the module drops it (tcps_rcvshort, tcps_rcvbadoff)
    }
    // Options (RFC 9293 section 3.1): End, NOP, or kind, length >= 2 within
    // the header, and a Maximum Segment Size of length 4.
    for (size_t opt = off + 20; opt < off + hl && d[opt] != 0;)
    {
        if (d[opt] == 1)
        {
            opt++;
            continue;
        }
        if (opt + 2 > off + hl || d[opt + 1] < 2 || opt + d[opt + 1] > off + hl
            || (d[opt] == 2 && d[opt + 1] != 4))
        {
            return false;
        }
        opt += d[opt + 1];
    }
    return true;
}

} // namespace

bool
Ns3CanParse(const Bytes& d)
{
    if (d.empty())
    {
        return false;
    }
    if ((d[0] >> 4) != 6)
    {
        // IPv4 (or anything else, which ns-3 reads as IPv4): a whole header;
        // the upper-layer header whole unless the datagram is a fragment.
        size_t ihl = (d[0] & 0x0f) * 4;
        if (d.size() < 20 || ihl < 20 || ihl > d.size())
        {
            return false;
        }
        bool fragment = (d[6] & 0x20) || ((d[6] & 0x1f) | d[7]);
        return fragment || UpperLayerFits(d, ihl, d[9]);
    }
    if (d.size() < 40)
    {
        return false;
    }
    // IPv6 from a multicast source that is not an IPsec datagram: ns-3's own
    // input answers it with ICMPv6 errors (no route, port unreachable...),
    // and its source address selection for such an error crashes.  An
    // IPsec datagram goes on: the module drops it (ip6s_badscope) before
    // anything is answered.
    if (d[8] == 0xff && d[6] != 50 && d[6] != 51 && d[6] != 108)
    {
        return false;
    }
    // IPv6: the extension headers ns-3 walks before anything of the module
    // runs, each within the datagram and the first 255 bytes (ns-3 keeps
    // 8-bit offsets), options within their header
    // (Ipv6Extension::ProcessOptions counts in 8 bits and loops forever on
    // an option that overruns its header), then the upper-layer header.
    uint8_t next = d[6];
    size_t off = 40;
    while (next == 0 || next == 60 || next == 43 || next == 44)
    {
        if (off + 8 > d.size())
        {
            return false;
        }
        size_t len = next == 44 ? 8 : (d[off + 1] + 1) * 8;
        if (off + len > d.size() || off + len > 255)
        {
            return false;
        }
        if ((next == 0 || next == 60) && !OptionsFit(d, off + 2, len - 2))
        {
            return false;
        }
        if (next == 44 && ((d[off + 2] << 8 | d[off + 3]) & 0xfff8))
        {
            return true; // not the first fragment: no upper-layer header here
        }
        next = d[off];
        off += len;
    }
    return UpperLayerFits(d, off, next);
}

void
FixIpv4Checksum(Bytes& b)
{
    if (b.size() < 20 || (b[0] >> 4) != 4)
    {
        return;
    }
    size_t len = std::min<size_t>(b.size(), std::max<size_t>(20, (b[0] & 0x0f) * 4));
    b[10] = b[11] = 0;
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
    {
        sum += (b[i] << 8) | b[i + 1];
    }
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum = ~sum & 0xffff;
    b[10] = static_cast<uint8_t>(sum >> 8);
    b[11] = static_cast<uint8_t>(sum);
}

void
FixLength(Bytes& b)
{
    if (b.size() >= 20 && (b[0] >> 4) == 4)
    {
        size_t n = std::min<size_t>(b.size(), 65535);
        b[2] = static_cast<uint8_t>(n >> 8);
        b[3] = static_cast<uint8_t>(n);
    }
    else if (b.size() >= 40 && (b[0] >> 4) == 6)
    {
        size_t n = std::min<size_t>(b.size() - 40, 65535);
        b[4] = static_cast<uint8_t>(n >> 8);
        b[5] = static_cast<uint8_t>(n);
    }
}

} // namespace ipsecfuzz
