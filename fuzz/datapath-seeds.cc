/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The seed writer of the data-path fuzzers (WriteSeeds, see
 * datapath-scenario.h): the peer P of the scenario, configured with a
 * setkey script of its own, sends real traffic to the victim V (or to H
 * behind it); what V's WAN device receives is recorded and written in the
 * fuzzers' input formats.  The seeds are made by the model's own output
 * path: they are a corpus to mutate, not known answers (the suites in
 * test/ check the wire format against outside encoders).
 *
 *   esp-input/, ah-input/, ipcomp-input/  one seed per SA of SaTable()
 *       (the datagram's payload: [flags][SA number][knobs][payload]), plus
 *       a replayed copy, an ECN CE mark on a tunnel, and a Destination
 *       Options header in front (IPv6);
 *   receive-path/  the whole datagrams of every exchange below: each SA,
 *       ESP+AH and IPComp+ESP bundles, IPComp tunnel inside ESP,
 *       mixed-family tunnels, nested tunnels, a tunnel to H through V,
 *       TCP (handshake and data), fragmented ESP and fragments inside a
 *       tunnel, ESP in UDP (RFC 3948) to port 4500, plaintext to a protected port and to a closed one, ICMP
 *       echo, IPv6 extension headers in front of ESP.
 *
 * Every exchange that a real SA protects must be accepted by V (the SA
 * decapsulated; delivered where the policy allows it): otherwise the table
 * or the scripts are wrong and the writer aborts.
 */
#include "datapath-scenario.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/udp-socket-factory.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sys/stat.h>

namespace ipsecfuzz
{

using namespace ns3;

namespace
{

/// What P sends, and what V must make of it.
struct Exchange
{
    enum Expect
    {
        DELIVERED,    ///< a socket of V (or H) receives the data
        DECAPSULATED, ///< V removes a transform (the policy may then refuse it)
        REFUSED,      ///< nothing delivered (plaintext to a protected or closed port)
    };

    std::string name;
    std::string script; ///< P's setkey script
    bool v6{false};
    std::string src;
    std::string dst;
    uint16_t port{7000};
    uint32_t size{64};
    bool tcp{false};
    Expect expect{DELIVERED};
};

std::string
Peer(bool v6)
{
    return v6 ? "fd00::1" : "10.0.0.1";
}

std::string
Self(bool v6)
{
    return v6 ? "fd00::2" : "10.0.0.2";
}

std::string
BehindP(bool v6)
{
    return v6 ? "fd00:1::1" : "10.1.0.1";
}

const SaRow&
Row(bool v6, uint32_t spi)
{
    for (const SaRow& r : SaTable())
    {
        if (r.v6 == v6 && r.spi == spi)
        {
            return r;
        }
    }
    std::fprintf(stderr, "seed writer: no SA 0x%x\n", spi);
    std::abort();
}

/// P's policy out from @p src to @p dst[@p port] with @p requests.
std::string
Out(const std::string& src,
    const std::string& dst,
    uint16_t port,
    const std::string& proto,
    const std::string& requests)
{
    return "spdadd " + src + " " + dst + "[" + std::to_string(port) + "] " + proto
         + " -P out ipsec " + requests + ";\n";
}

/// P's policy out from @p src to @p dst, any protocol (tunnel policies take no ports).
std::string
OutTo(const std::string& src, const std::string& dst, const std::string& requests)
{
    return "spdadd " + src + " " + dst + " any -P out ipsec " + requests + ";\n";
}

std::vector<Exchange>
Exchanges()
{
    std::vector<Exchange> out;
    // One exchange per SA of the table.
    for (const SaRow& r : SaTable())
    {
        bool v6 = r.v6;
        std::string tun = Peer(v6) + "-" + Self(v6);
        Exchange e;
        e.name = r.Name();
        e.v6 = v6;
        e.src = Peer(v6);
        e.dst = Self(v6);
        e.script = r.AddLine();
        std::string p = r.proto == 50 ? "esp" : r.proto == 51 ? "ah" : "ipcomp";
        if (r.nestedInner)
        {
            // The inner tunnel alone: decapsulated, then refused (the policy
            // wants the outer tunnel around it too).
            e.src = BehindP(v6);
            e.dst = TunnelAddress(v6, 8);
            e.script
                += OutTo(e.src, e.dst, "esp/tunnel/" + BehindP(v6) + "-" + Self(v6) + "/require");
            e.expect = Exchange::DECAPSULATED;
        }
        else if (std::string(r.mode) == "tunnel")
        {
            e.src = BehindP(v6);
            e.dst = TunnelAddress(v6, r.proto == 50 ? 4 : r.proto == 51 ? 5 : 6);
            e.size = r.proto == 108 ? 600 : 64;
            e.script += OutTo(e.src, e.dst, p + "/tunnel/" + tun + "/require");
            // IPComp alone: V's policy for that address wants ESP too.
            e.expect = r.proto == 108 ? Exchange::DECAPSULATED : Exchange::DELIVERED;
        }
        else
        {
            e.port = r.proto == 50 ? 7000 : r.proto == 51 ? 7001 : 7003;
            e.size = r.proto == 108 ? 600 : 64;
            e.script += Out(e.src, e.dst, e.port, "udp", p + "/transport//require");
            e.expect = r.proto == 108 ? Exchange::DECAPSULATED : Exchange::DELIVERED;
        }
        out.push_back(e);
    }
    // Bundles, tunnels, TCP, fragments and plaintext, both families.
    for (bool v6 : {false, true})
    {
        std::string fam = v6 ? "v6-" : "v4-";
        std::string tun = Peer(v6) + "-" + Self(v6);
        auto add = [&](const std::string& name,
                       std::vector<uint32_t> spis,
                       const std::string& policy,
                       uint16_t port,
                       Exchange::Expect expect)
        {
            Exchange e;
            e.name = "bundle-" + fam + name;
            e.v6 = v6;
            e.src = Peer(v6);
            e.dst = Self(v6);
            e.port = port;
            e.expect = expect;
            for (uint32_t spi : spis)
            {
                e.script += Row(v6, spi).AddLine();
            }
            e.script += policy.empty() ? "" : Out(e.src, e.dst, port, "udp", policy);
            out.push_back(e);
            return &out.back();
        };
        add("esp-ah",
            {0x100e, 0x2002},
            "esp/transport//require ah/transport//require",
            7002,
            Exchange::DELIVERED);
        add("ipcomp-esp",
            {0x3002, 0x100e},
            "ipcomp/transport//require esp/transport//require",
            7003,
            Exchange::DELIVERED)
            ->size
            = 600;
        add("ipcomp-cpi2-esp",
            {0x3001, 0x1012},
            "ipcomp/transport//require esp/transport//require",
            7003,
            Exchange::DELIVERED)
            ->size
            = 600;
        {
            Exchange* e = add("ipcomp-tunnel-esp", {0x4004, 0x1004}, "", 7000, Exchange::DELIVERED);
            e->src = BehindP(v6);
            e->dst = TunnelAddress(v6, 6);
            e->size = 600;
            e->script += OutTo(
                e->src, e->dst, "ipcomp/tunnel/" + tun + "/require esp/transport//require");
        }
        add("esp-fragments", {0x100e}, "esp/transport//require", 7000, Exchange::DELIVERED)->size
            = 3000;
        if (!v6)
        {
            // ESP in UDP (RFC 3948) to V's port 4500.
            Exchange* e = add("esp-udp", {}, "esp/transport//require", 7000, Exchange::DELIVERED);
            e->script = NattSaLine() + e->script;
        }
        add("plaintext", {}, "", 7000, Exchange::REFUSED);
        add("plaintext-closed-port", {}, "", 7099, Exchange::REFUSED);
        add("ah-bad-port", {0x2001}, "ah/transport//require", 7000, Exchange::DECAPSULATED);
        {
            Exchange* e = add("tunnel-fragments", {0x4001}, "", 7000, Exchange::DELIVERED);
            e->src = BehindP(v6);
            e->dst = TunnelAddress(v6, 4);
            e->size = 3000;
            e->script += OutTo(e->src, e->dst, "esp/tunnel/" + tun + "/require");
        }
        {
            // The other family inside this one's tunnel.
            Exchange* e = add("mixed-family", {0x4001}, "", 7000, Exchange::DELIVERED);
            e->v6 = !v6;
            e->src = BehindP(!v6);
            e->dst = TunnelAddress(!v6, 7);
            e->script += OutTo(e->src, e->dst, "esp/tunnel/" + tun + "/require");
        }
        {
            Exchange* e = add("nested-tunnels", {0x4005, 0x4001}, "", 7000, Exchange::DELIVERED);
            e->src = BehindP(v6);
            e->dst = TunnelAddress(v6, 8);
            e->script += OutTo(e->src,
                               e->dst,
                               "esp/tunnel/" + BehindP(v6) + "-" + Self(v6) + "/require esp/tunnel/"
                                   + tun + "/require");
        }
        {
            // Through V's tunnel to H, behind it.
            Exchange* e = add("tunnel-to-host", {0x4001}, "", H_PORT, Exchange::DELIVERED);
            e->src = BehindP(v6);
            e->dst = v6 ? "fd00:2::2" : "10.2.0.2";
            e->script += "spdadd " + e->src + " " + (v6 ? "fd00:2::/64" : "10.2.0.0/24")
                       + " any -P out ipsec esp/tunnel/" + tun + "/require;\n";
        }
        {
            Exchange* e = add("tcp", {0x100e}, "", TCP_PORT, Exchange::DELIVERED);
            e->tcp = true;
            e->script += Out(e->src, e->dst, TCP_PORT, "tcp", "esp/transport//require");
        }
    }
    return out;
}

/// Runs @p e; returns what V's WAN device received (IP datagrams).
std::vector<Bytes>
Record(const Exchange& e)
{
    std::vector<Bytes> seen;
    Scenario sc(Knobs{}, e.script);
    sc.GetVictimWan()->TraceConnectWithoutContext(
        "PhyRxEnd",
        Callback<void, Ptr<const Packet>>(
            [&seen](Ptr<const Packet> p)
            {
                Bytes b(p->GetSize());
                p->CopyData(b.data(), b.size());
                // After the PPP header; not IPv6's router solicitations
                // (from a link-local address), which P sends at start.
                if (b.size() > 2 && !(b.size() >= 10 && (b[2] >> 4) == 6 && b[10] == 0xfe))
                {
                    seen.emplace_back(b.begin() + 2, b.end());
                }
            }));
    Ptr<Node> p = sc.GetPeer();
    Ptr<Socket> s = Socket::CreateSocket(
        p, e.tcp ? TcpSocketFactory::GetTypeId() : UdpSocketFactory::GetTypeId());
    ns3::Address to;
    if (e.v6)
    {
        s->Bind(Inet6SocketAddress(Ipv6Address(e.src.c_str()), 0));
        to = Inet6SocketAddress(Ipv6Address(e.dst.c_str()), e.port);
    }
    else
    {
        s->Bind(InetSocketAddress(Ipv4Address(e.src.c_str()), 0));
        to = InetSocketAddress(Ipv4Address(e.dst.c_str()), e.port);
    }
    // Compressible data (IPComp sends a datagram uncompressed when deflate
    // does not make it smaller).
    Bytes data(e.size);
    const char text[] = "ns3-ipsec data-path fuzzer seed ";
    for (size_t i = 0; i < data.size(); ++i)
    {
        data[i] = static_cast<uint8_t>(text[i % (sizeof text - 1)]);
    }
    if (e.tcp)
    {
        s->SetConnectCallback(Callback<void, Ptr<Socket>>(
                                  [data](Ptr<Socket> c)
                                  {
                                      c->Send(Create<Packet>(data.data(), data.size()));
                                  }),
                              MakeNullCallback<void, Ptr<Socket>>());
        Simulator::Schedule(Seconds(1),
                            [s, to]()
                            {
                                s->Connect(to);
                            });
    }
    else
    {
        Simulator::Schedule(Seconds(1),
                            [s, to, data]()
                            {
                                s->SendTo(Create<Packet>(data.data(), data.size()), 0, to);
                            });
    }
    const IpsecStats before4 = sc.GetVictim()->GetObject<IpsecStack>()->GetStats(false);
    const IpsecStats before6 = sc.GetVictim()->GetObject<IpsecStack>()->GetStats(true);
    sc.Run();
    const IpsecStats& after4 = sc.GetVictim()->GetObject<IpsecStack>()->GetStats(false);
    const IpsecStats& after6 = sc.GetVictim()->GetObject<IpsecStack>()->GetStats(true);
    bool decap = after4.in_success + after6.in_success > before4.in_success + before6.in_success;
    bool delivered = sc.GetDelivered() > 0 || sc.GetAccepted() > 0;
    bool ok = e.expect == Exchange::DELIVERED    ? delivered && decap
            : e.expect == Exchange::DECAPSULATED ? decap && !delivered
                                                 : !delivered && !decap;
    std::fprintf(stderr,
                 "seed writer: %-55s %2zu datagrams, %s%s\n",
                 e.name.c_str(),
                 seen.size(),
                 delivered ? "delivered"
                 : decap   ? "decapsulated"
                           : "refused",
                 ok ? "" : "  <-- NOT AS EXPECTED");
    if (!ok || seen.empty())
    {
        std::fprintf(stderr, "seed writer: exchange %s did not go as expected\n", e.name.c_str());
        std::abort();
    }
    s->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                          MakeNullCallback<void, Ptr<Socket>>());
    return seen;
}

void
Write(const std::string& dir, const std::string& name, const Bytes& b)
{
    mkdir(dir.c_str(), 0755);
    std::ofstream f(dir + "/" + name, std::ios::binary);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    if (!f)
    {
        std::fprintf(stderr, "seed writer: cannot write %s/%s\n", dir.c_str(), name.c_str());
        std::abort();
    }
}

/// The IPsec protocol right after the datagram's fixed header and where its
/// payload starts; false for fragments and anything else.
bool
Split(const Bytes& d, uint8_t* proto, size_t* off, bool* v6)
{
    if (d.size() >= 20 && (d[0] >> 4) == 4)
    {
        *v6 = false;
        *proto = d[9];
        *off = (d[0] & 0x0f) * 4;
        return ((d[6] & 0x3f) | d[7]) == 0 && !(d[6] & 0x20);
    }
    if (d.size() >= 40 && (d[0] >> 4) == 6)
    {
        *v6 = true;
        *proto = d[6];
        *off = 40;
        return true;
    }
    return false;
}

/// The receive-path record of datagram @p d, after a delay of code @p delay.
void
PutRecord(Bytes& input, const Bytes& d, uint8_t delay)
{
    input.push_back(static_cast<uint8_t>(0x01 | (delay << 2)));
    input.push_back(static_cast<uint8_t>(d.size() >> 8));
    input.push_back(static_cast<uint8_t>(d.size()));
    input.insert(input.end(), d.begin(), d.end());
}

/// @p d (IPv6 with ESP right after the fixed header) with a Hop-by-Hop and
/// a Destination Options header (PadN each) in front of the ESP header.
Bytes
WithExtensionHeaders(const Bytes& d)
{
    Bytes out(d.begin(), d.begin() + 40);
    uint8_t next = out[6];
    out[6] = 0; // Hop-by-Hop
    Bytes hbh = {60, 0, 1, 4, 0, 0, 0, 0};
    Bytes dst = {next, 0, 1, 4, 0, 0, 0, 0};
    out.insert(out.end(), hbh.begin(), hbh.end());
    out.insert(out.end(), dst.begin(), dst.end());
    out.insert(out.end(), d.begin() + 40, d.end());
    FixLength(out);
    return out;
}

} // namespace

void
WriteSeeds(const std::string& dir)
{
    mkdir(dir.c_str(), 0755);
    const std::string esp = dir + "/esp-input";
    const std::string ah = dir + "/ah-input";
    const std::string ipcomp = dir + "/ipcomp-input";
    const std::string rx = dir + "/receive-path";
    std::set<uint8_t> replayed;
    for (const Exchange& e : Exchanges())
    {
        std::vector<Bytes> seen = Record(e);
        Bytes input{0x00};
        for (size_t i = 0; i < seen.size() && i < 8; ++i)
        {
            PutRecord(input, seen[i], i == 0 ? 0 : 1);
        }
        Write(rx, e.name, input);
        std::map<uint8_t, int> count; // IPsec datagrams of each protocol in this exchange
        for (const Bytes& d : seen)
        {
            uint8_t proto = 0;
            size_t off = 0;
            bool v6 = false;
            if (!Split(d, &proto, &off, &v6) || (proto != 50 && proto != 51 && proto != 108)
                || off + 8 > d.size())
            {
                continue;
            }
            std::string name = e.name + (count[proto] ? "-" + std::to_string(count[proto]) : "");
            count[proto]++;
            // The SA number of this SPI / CPI among the rows of the protocol and family.
            std::vector<const SaRow*> rows = SaRows(proto, v6);
            uint32_t id
                = proto == 108 ? (d[off + 2] << 8 | d[off + 3])
                : proto == 50
                    ? (uint32_t(d[off]) << 24 | d[off + 1] << 16 | d[off + 2] << 8 | d[off + 3])
                    : (uint32_t(d[off + 4]) << 24 | d[off + 5] << 16 | d[off + 6] << 8
                       | d[off + 7]);
            uint8_t index = 0;
            for (size_t i = 0; i < rows.size(); ++i)
            {
                if (rows[i]->WireId() == id)
                {
                    index = static_cast<uint8_t>(i);
                }
            }
            Bytes payload(d.begin() + off, d.end());
            Bytes seed{static_cast<uint8_t>(v6 ? 0x01 : 0x00), index, 0x00};
            seed.insert(seed.end(), payload.begin(), payload.end());
            const std::string& to = proto == 50 ? esp : proto == 51 ? ah : ipcomp;
            Write(to, name, seed);
            // A few variants: the datagram replayed (on an SA with a replay
            // window), CE on a tunnel, a Destination Options header in front.
            const SaRow* row = rows[index];
            if (row->replay && !replayed.count(proto))
            {
                replayed.insert(proto);
                Bytes r = seed;
                r[0] |= 0x10;
                Write(to, name + "-replayed", r);
            }
            if (std::string(row->mode) == "tunnel" && !row->nestedInner)
            {
                Bytes c = seed;
                c[0] |= 0x04;
                Write(to, name + "-ce", c);
                c[2] = 0x01; // Ecn 0: CE on a tunnel is forbidden
                Write(to, name + "-ce-forbidden", c);
            }
            if (v6 && proto != 108)
            {
                Bytes x = seed;
                x[0] |= 0x40;
                Write(to, name + "-dstopts", x);
            }
        }
        if (e.name == "esp-v6-100e-rijndael-cbc-hmac-sha1-transport")
        {
            Bytes x{0x00};
            PutRecord(x, WithExtensionHeaders(seen[0]), 0);
            Write(rx, e.name + "-exthdr", x);
        }
    }
    // ICMP echo requests in clear (RFC 792; RFC 4443 with its checksum over
    // the pseudo-header), which V answers, and a datagram of an unknown protocol.
    Bytes echo4 = {0x45, 0, 0,  28, 0, 1, 0, 0, 64, 1, 0,    0,    10, 0,
                   0,    1, 10, 0,  0, 2, 8, 0, 0,  0, 0x12, 0x34, 0,  1};
    uint32_t sum = 0x0800 + 0x1234 + 0x0001;
    echo4[22] = static_cast<uint8_t>(~sum >> 8);
    echo4[23] = static_cast<uint8_t>(~sum);
    FixIpv4Checksum(echo4);
    Bytes in{0x00};
    PutRecord(in, echo4, 0);
    Write(rx, "icmp-echo-v4", in);
    Bytes unknown
        = {0x45, 0, 0, 24, 0, 2, 0, 0, 64, 200, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 1, 2, 3, 4};
    FixIpv4Checksum(unknown);
    Bytes un{0x00};
    PutRecord(un, unknown, 0);
    Write(rx, "unknown-protocol-v4", un);
    Bytes echo6 = {0x60, 0, 0, 0, 0, 8, 58, 64};
    Bytes a6 = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    Bytes b6 = a6;
    b6[15] = 2;
    echo6.insert(echo6.end(), a6.begin(), a6.end());
    echo6.insert(echo6.end(), b6.begin(), b6.end());
    Bytes icmp6 = {128, 0, 0, 0, 0x12, 0x34, 0, 1};
    // Pseudo-header: source, destination, length 8, next header 58.
    uint32_t s6 = 0;
    for (size_t i = 8; i < 40; i += 2)
    {
        s6 += (echo6[i] << 8) | echo6[i + 1];
    }
    s6 += 8 + 58;
    for (size_t i = 0; i < icmp6.size(); i += 2)
    {
        s6 += (icmp6[i] << 8) | icmp6[i + 1];
    }
    while (s6 >> 16)
    {
        s6 = (s6 & 0xffff) + (s6 >> 16);
    }
    icmp6[2] = static_cast<uint8_t>(~s6 >> 8);
    icmp6[3] = static_cast<uint8_t>(~s6);
    echo6.insert(echo6.end(), icmp6.begin(), icmp6.end());
    Bytes in6{0x00};
    PutRecord(in6, echo6, 0);
    Write(rx, "icmp-echo-v6", in6);
}

} // namespace ipsecfuzz
