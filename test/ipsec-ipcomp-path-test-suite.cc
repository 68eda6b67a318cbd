// SPDX-License-Identifier: GPL-2.0-only
/*
 * IPComp in the data path, end to end through the whole ns-3 stack, judged
 * from the outside against KAME's ipcomp_output and ipcomp4_input /
 * ipcomp6_input (see "IPComp" in doc/ipsec.rst), the request order of
 * ipsec4_output, the inbound check and struct ipsecstat:
 *
 *  1. IPComp transport between hosts A and B (IpsecHostToHostHelper, IPv4
 *     and IPv6, with and without setkey's -R): everything is delivered; on
 *     A's link every datagram whose payload is at least 90 bytes carries
 *     IPComp (protocol 108, well-known CPI 2 without -R, the low 16 bits of
 *     the SA's SPI with -R) unless it does not compress (random bytes), and
 *     shorter ones (pings, TCP ACKs, an 89-byte datagram) leave uncompressed;
 *     out_comphist[deflate] counts every attempt, out_success only the
 *     applied ones, the receiver's in_success equals the IPComp datagrams.
 *     Every IPComp payload seen on the wire is inflated here with zlib.
 *     The bundle ipcomp/transport//use esp/transport//require (with ESP
 *     null encryption, so the wire can be read) nests IPComp inside ESP.
 *  2. The same from a pcap of A's link: tshark extracts each IPComp
 *     datagram's next header, CPI and compressed payload (its own
 *     decompression is not relied on), zlib inflates the payload here, and
 *     the result must be the original upper-layer datagram: the UDP echo
 *     (port 7, 8 + 512 bytes) or a TCP segment of the transfer to port 5001
 *     (payload zeros).  Skipped (not failed) only when tshark is not
 *     installed.
 *  3. The FAQ's VPN with an IPComp tunnel under ESP transport between the
 *     gateways (ipcomp/tunnel/gw1-gw2/use esp/transport/gw1-gw2/require)
 *     over a 512 kbps WAN: everything delivered, only ESP on the WAN, and
 *     fewer bytes on the WAN (and an earlier end of the TCP transfer) than
 *     the same traffic over esp/tunnel/gw1-gw2/require; an IPComp tunnel
 *     alone sends IPComp and, for what it does not compress, plain IP-in-IP.
 *  4. net.inet.ipcomp.ipcomp_enable=0 (IpsecSysctl): on the receiver IPComp
 *     datagrams are dropped; on the sender they leave uncompressed.
 *  5. Crafted IPComp datagrams injected from A with a raw socket: garbage,
 *     a decompression bomb, unknown CPIs, truncated headers, the largest
 *     datagram and one byte more, and valid ones (well-known CPI without any
 *     SA; CPI >= 256 with an SA); B's whole ipsecstat/ipsec6stat is compared
 *     with the snapshot taken before each injection plus exactly the
 *     increments KAME makes.
 *
 * Expected values come from those KAME rules, the setkey scripts and the
 * traffic (traffic helper: 5 pings of 56 data bytes, 5 UDP echoes of 512
 * bytes to port 7, a TCP transfer of zeros to port 5001), never from the
 * model.
 */
#include "common/ipsec-traffic-helper.h"
#include "ipsec-test-base.h"
#include "ipsec-test-util.h"
#include "ns3/boolean.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipsec-module.h"
#include "ns3/ipv4-queue-disc-item.h"
#include "ns3/ipv4-raw-socket-factory.h"
#include "ns3/ipv6-queue-disc-item.h"
#include "ns3/ipv6-raw-socket-factory.h"
#include "ns3/packet-sink.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/queue-disc.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/test.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/udp-header.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>
#include <zlib.h>

#ifndef NS3_IPSEC_SOURCE_DIR // defined by test/CMakeLists.txt
#define NS3_IPSEC_SOURCE_DIR "."
#endif
#ifndef NS3_IPSEC_BINARY_DIR
#define NS3_IPSEC_BINARY_DIR "build"
#endif

using namespace ns3;

namespace
{

using Bytes = std::vector<uint8_t>;
using Counter = uint64_t IpsecStats::*;
using Histogram = std::array<uint64_t, 256> IpsecStats::*;

// Protocol numbers (IANA) and KAME's IPComp constants (ipcomp.h, net/pfkeyv2.h).
constexpr uint8_t PROTO_ICMP = 1;
constexpr uint8_t PROTO_TCP = 6;
constexpr uint8_t PROTO_UDP = 17;
constexpr uint8_t PROTO_ESP = 50;
constexpr uint8_t PROTO_ICMP6 = 58;
constexpr uint8_t PROTO_IPCOMP = 108;
constexpr uint8_t SADB_X_CALG_DEFLATE = 2;    ///< deflate's number, its well-known CPI
constexpr uint8_t SADB_EALG_RIJNDAELCBC = 12; ///< out_esphist slot
constexpr uint32_t IPCOMP_HDR = 4;
constexpr uint32_t MIN_PAYLOAD = 90; ///< shorter payloads are not compressed

// The traffic helper's flows (examples/common/ipsec-traffic-helper.h).
constexpr uint16_t PORT_ECHO = 7;
constexpr uint16_t PORT_TCP = 5001;
constexpr uint32_t ECHO_SIZE = 512;
constexpr uint32_t UDP_HDR = 8;

// This suite's own UDP flows from A to B.
constexpr uint16_t PORT_RANDOM = 9;    ///< incompressible datagrams
constexpr uint16_t PORT_BOUNDARY = 10; ///< 89- and 90-byte payloads
constexpr uint32_t RANDOM_SIZE = 300;
constexpr uint32_t RANDOM_COUNT = 5;

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

/// @p n pseudo-random bytes (mt19937 is fully specified by the standard).
Bytes
RandomBytes(size_t n, uint32_t seed)
{
    std::mt19937 gen(seed);
    Bytes b(n);
    for (auto& x : b)
    {
        x = static_cast<uint8_t>(gen() & 0xff);
    }
    return b;
}

// ---------------------------------------------------------------------------
// zlib, called directly (never through the module)
// ---------------------------------------------------------------------------

/// Raw inflate (RFC 1951, window 2^15) of @p len bytes; true only if the
/// stream ends exactly at the end of the input and inflates to at most
/// @p limit bytes.
bool
Inflate(const uint8_t* data, size_t len, Bytes* out, size_t limit = 1 << 17)
{
    z_stream z{};
    if (inflateInit2(&z, -15) != Z_OK)
    {
        return false;
    }
    out->assign(limit + 1, 0);
    z.next_in = const_cast<Bytef*>(data);
    z.avail_in = static_cast<uInt>(len);
    z.next_out = out->data();
    z.avail_out = static_cast<uInt>(out->size());
    int rc = inflate(&z, Z_FINISH);
    bool ok = rc == Z_STREAM_END && z.avail_in == 0 && z.total_out <= limit;
    out->resize(z.total_out);
    inflateEnd(&z);
    return ok;
}

/// Raw deflate (window 2^15, default level) of @p in.
Bytes
Deflate(const Bytes& in)
{
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    {
        return {};
    }
    Bytes out(deflateBound(&z, in.size()));
    z.next_in = const_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return rc == Z_STREAM_END ? out : Bytes{};
}

// ---------------------------------------------------------------------------
// Datagrams on a point-to-point link
// ---------------------------------------------------------------------------

/// One IP datagram as a device put it on the wire.
struct Datagram
{
    bool v6{false};
    uint8_t proto{0}; ///< IPv4 protocol / IPv6 next header
    uint16_t fragField{0};
    IpsecAddress src;
    IpsecAddress dst;
    Bytes payload;         ///< what follows the (fixed) IP header
    uint32_t frameSize{0}; ///< the PPP frame, as counted on the link
};

/// Parses an IP datagram (IPv4 or IPv6, no extension headers) at @p b.
bool
ParseIp(const uint8_t* b, size_t n, Datagram* d)
{
    if (n < 20)
    {
        return false;
    }
    if ((b[0] >> 4) == 4)
    {
        size_t ihl = (b[0] & 0x0f) * 4u;
        size_t total = Get16(b + 2);
        if (ihl < 20 || total < ihl || total > n)
        {
            return false;
        }
        d->v6 = false;
        d->proto = b[9];
        d->fragField = Get16(b + 6);
        d->src = IpsecAddress(Ipv4Address::Deserialize(b + 12));
        d->dst = IpsecAddress(Ipv4Address::Deserialize(b + 16));
        d->payload.assign(b + ihl, b + total);
        return true;
    }
    if ((b[0] >> 4) == 6 && n >= 40)
    {
        size_t plen = Get16(b + 4);
        if (40 + plen > n)
        {
            return false;
        }
        d->v6 = true;
        d->proto = b[6];
        d->src = IpsecAddress(Ipv6Address::Deserialize(b + 8));
        d->dst = IpsecAddress(Ipv6Address::Deserialize(b + 24));
        d->payload.assign(b + 40, b + 40 + plen);
        return true;
    }
    return false;
}

/// A PPP frame (as PhyTxBegin hands it over) carrying IPv4 or IPv6.
bool
ParsePppFrame(Ptr<const Packet> p, Datagram* d)
{
    Bytes f = PacketBytes(p);
    if (f.size() < 2)
    {
        return false;
    }
    uint16_t ppp = Get16(f.data());
    if (ppp != 0x0021 && ppp != 0x0057)
    {
        return false;
    }
    d->frameSize = static_cast<uint32_t>(f.size());
    return ParseIp(f.data() + 2, f.size() - 2, d);
}

/// Records every IP datagram @p dev transmits.
void
CaptureTx(Ptr<NetDevice> dev, std::shared_ptr<std::vector<Datagram>> log)
{
    dev->TraceConnectWithoutContext("PhyTxBegin",
                                    Callback<void, Ptr<const Packet>>(
                                        [log](Ptr<const Packet> p)
                                        {
                                            Datagram d;
                                            if (ParsePppFrame(p, &d))
                                            {
                                                log->push_back(std::move(d));
                                            }
                                        }));
}

// ---------------------------------------------------------------------------
// UDP endpoints of the suite's own flows
// ---------------------------------------------------------------------------

struct UdpSink
{
    Ptr<Socket> socket;
    std::vector<Bytes> payloads;
};

std::shared_ptr<UdpSink>
InstallUdpSink(Ptr<Node> node, bool v6, uint16_t port)
{
    auto sink = std::make_shared<UdpSink>();
    sink->socket = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
    if (v6)
    {
        sink->socket->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), port));
    }
    else
    {
        sink->socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
    }
    UdpSink* raw = sink.get();
    sink->socket->SetRecvCallback((Callback<void, Ptr<Socket>>(
        [raw](Ptr<Socket> s)
        {
            Address from;
            while (Ptr<Packet> p = s->RecvFrom(from))
            {
                raw->payloads.push_back(PacketBytes(p));
            }
        })));
    return sink;
}

/// Schedules a UDP datagram with @p payload from @p socket to @p dst:@p port.
void
ScheduleUdp(Time at, Ptr<Socket> socket, const IpsecAddress& dst, uint16_t port, Bytes payload)
{
    Simulator::Schedule(at,
                        [socket, dst, port, payload]()
                        {
                            Ptr<Packet> p = Create<Packet>(payload.data(), payload.size());
                            if (dst.IsV6())
                            {
                                socket->SendTo(p, 0, Inet6SocketAddress(dst.ToIpv6(), port));
                            }
                            else
                            {
                                socket->SendTo(p, 0, InetSocketAddress(dst.ToIpv4(), port));
                            }
                        });
}

Ptr<Socket>
UdpSender(Ptr<Node> node)
{
    return Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
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

/// Sum of the histogram @p h.
uint64_t
Sum(const std::array<uint64_t, 256>& h)
{
    uint64_t s = 0;
    for (uint64_t v : h)
    {
        s += v;
    }
    return s;
}

// ---------------------------------------------------------------------------
// Host-to-host IPComp transport configuration
// ---------------------------------------------------------------------------

constexpr uint32_t SPI_AB = 0x2345; ///< A -> B; with -R the CPI on the wire
constexpr uint32_t SPI_BA = 0x2346; ///< B -> A

/// setkey script of @p self (A or B): both IPComp SAs, and the policies
/// ipcomp/transport//use out to the peer and in from it.
std::string
IpcompTransportScript(const IpsecAddress& a,
                      const IpsecAddress& b,
                      bool selfIsA,
                      bool rawCpi,
                      bool withPolicies = true)
{
    std::string r = rawCpi ? " -R" : "";
    std::ostringstream s;
    s << "add " << a << " " << b << " ipcomp " << SPI_AB << " -C deflate" << r << ";\n";
    s << "add " << b << " " << a << " ipcomp " << SPI_BA << " -C deflate" << r << ";\n";
    if (withPolicies)
    {
        const IpsecAddress& self = selfIsA ? a : b;
        const IpsecAddress& peer = selfIsA ? b : a;
        s << "spdadd " << self << " " << peer << " any -P out ipsec ipcomp/transport//use;\n";
        s << "spdadd " << peer << " " << self << " any -P in ipsec ipcomp/transport//use;\n";
    }
    return s.str();
}

/// What one direction of A's link showed.
struct DirectionTally
{
    uint32_t ipcomp{0};         ///< IPComp datagrams
    uint32_t ipcompUdp{0};      ///< ... carrying the UDP echo
    uint32_t ipcompTcp{0};      ///< ... carrying TCP to/from port 5001
    uint32_t boundary90{0};     ///< ... carrying the 90-byte boundary datagram
    uint32_t shortPlain{0};     ///< uncompressed, payload < 90 bytes
    uint32_t boundary89{0};     ///< ... the 89-byte boundary datagram among them
    uint32_t incompressible{0}; ///< uncompressed, >= 90 bytes: the random datagrams
    uint32_t unexpected{0};     ///< anything else
};

// ===========================================================================
// 1. IPComp transport end to end
// ===========================================================================

class IpcompTransportTestCase : public TestCase
{
  public:
    IpcompTransportTestCase(bool v6, bool rawCpi)
        : TestCase(std::string("IPComp transport A<->B over ") + (v6 ? "IPv6" : "IPv4")
                   + (rawCpi ? " with -R (CPI = SPI)" : " (well-known CPI 2)")
                   + ": compressed iff >= 90 bytes and compressible, counters = wire")
        , m_v6(v6)
        , m_raw(rawCpi)
    {
    }

  private:
    /// Classifies one datagram of A -> B (@p aToB) or B -> A, sent with CPI @p cpi.
    void Classify(const Datagram& d, bool aToB, uint16_t cpi, DirectionTally* t)
    {
        if (d.proto == PROTO_IPCOMP)
        {
            t->ipcomp++;
            NS_TEST_ASSERT_MSG_GT_OR_EQ(d.payload.size(), IPCOMP_HDR, "short IPComp datagram");
            uint8_t next = d.payload[0];
            NS_TEST_EXPECT_MSG_EQ(+d.payload[1], 0, "IPComp flags must be 0");
            NS_TEST_EXPECT_MSG_EQ(Get16(&d.payload[2]), cpi, "CPI on the wire");
            Bytes inner;
            bool ok = Inflate(d.payload.data() + IPCOMP_HDR, d.payload.size() - IPCOMP_HDR, &inner);
            NS_TEST_ASSERT_MSG_EQ(ok, true, "an IPComp payload does not inflate with zlib");
            NS_TEST_EXPECT_MSG_GT_OR_EQ(
                inner.size(), MIN_PAYLOAD, "a payload under 90 bytes was compressed");
            NS_TEST_EXPECT_MSG_LT(d.payload.size() - IPCOMP_HDR,
                                  inner.size(),
                                  "compressed payload not smaller (zeros compress)");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(inner.size(), 8u, "inner datagram too short");
            uint16_t sport = Get16(&inner[0]);
            uint16_t dport = Get16(&inner[2]);
            if (next == PROTO_UDP)
            {
                NS_TEST_EXPECT_MSG_EQ(Get16(&inner[4]), inner.size(), "UDP length field");
                if ((aToB ? dport : sport) == PORT_ECHO && inner.size() == UDP_HDR + ECHO_SIZE)
                {
                    t->ipcompUdp++;
                }
                else if (aToB && dport == PORT_BOUNDARY && inner.size() == MIN_PAYLOAD)
                {
                    t->boundary90++;
                }
                else
                {
                    t->unexpected++;
                }
            }
            else if (next == PROTO_TCP && (aToB ? dport : sport) == PORT_TCP)
            {
                t->ipcompTcp++;
            }
            else
            {
                t->unexpected++;
            }
            return;
        }
        uint8_t icmp = m_v6 ? PROTO_ICMP6 : PROTO_ICMP;
        if (d.proto != PROTO_UDP && d.proto != PROTO_TCP && d.proto != icmp)
        {
            t->unexpected++;
            return;
        }
        if (d.payload.size() < MIN_PAYLOAD)
        {
            t->shortPlain++;
            if (aToB && d.proto == PROTO_UDP && d.payload.size() == MIN_PAYLOAD - 1
                && Get16(&d.payload[2]) == PORT_BOUNDARY)
            {
                t->boundary89++;
            }
            return;
        }
        if (aToB && d.proto == PROTO_UDP && Get16(&d.payload[2]) == PORT_RANDOM
            && d.payload.size() == UDP_HDR + RANDOM_SIZE)
        {
            t->incompressible++;
            return;
        }
        t->unexpected++;
    }

    void DoRun() override
    {
        IpsecHostToHostHelper topo;
        topo.SetIpv6(m_v6);
        topo.Build();
        IpsecStackHelper().AssignStreams(topo.GetNodes(), 11);
        IpsecAddress a = topo.GetAddressA();
        IpsecAddress b = topo.GetAddressB();
        IpsecHelper ipsec;
        ipsec.RunSetkeyString(topo.GetHostA(), IpcompTransportScript(a, b, true, m_raw), "A");
        ipsec.RunSetkeyString(topo.GetHostB(), IpcompTransportScript(a, b, false, m_raw), "B");

        // A's link: what A transmits and what the router transmits to A.
        auto fromA = std::make_shared<std::vector<Datagram>>();
        auto toA = std::make_shared<std::vector<Datagram>>();
        CaptureTx(topo.GetDevices().Get(0), fromA);
        CaptureTx(topo.GetDevices().Get(1), toA);

        IpsecTrafficHelper traffic;
        traffic.SetTcpBytes(100000);
        Time stop = traffic.Install(topo.GetHostA(), topo.GetAddressA(), topo.GetHostB(), b);

        // Incompressible datagrams and the two sizes around the threshold.
        auto randomSink = InstallUdpSink(topo.GetHostB(), m_v6, PORT_RANDOM);
        auto boundarySink = InstallUdpSink(topo.GetHostB(), m_v6, PORT_BOUNDARY);
        Ptr<Socket> tx = UdpSender(topo.GetHostA());
        for (uint32_t i = 0; i < RANDOM_COUNT; ++i)
        {
            ScheduleUdp(Seconds(1.25 + i), tx, b, PORT_RANDOM, RandomBytes(RANDOM_SIZE, 100 + i));
        }
        // UDP payloads of 81 and 82 bytes: IP payloads of 89 and 90 bytes.
        ScheduleUdp(Seconds(1.3), tx, b, PORT_BOUNDARY, Bytes(MIN_PAYLOAD - 1 - UDP_HDR, 0));
        ScheduleUdp(Seconds(1.35), tx, b, PORT_BOUNDARY, Bytes(MIN_PAYLOAD - UDP_HDR, 0));

        Simulator::Stop(stop);
        Simulator::Run();

        for (const IpsecFlowResult& f : traffic.GetResults())
        {
            NS_TEST_EXPECT_MSG_EQ(f.received, f.sent, f.name + " delivered completely");
            NS_TEST_EXPECT_MSG_GT(f.sent, 0u, f.name + " sent something");
        }
        NS_TEST_EXPECT_MSG_EQ(randomSink->payloads.size(), RANDOM_COUNT, "random datagrams");
        for (uint32_t i = 0; i < randomSink->payloads.size(); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ((randomSink->payloads[i] == RandomBytes(RANDOM_SIZE, 100 + i)),
                                  true,
                                  "random datagram " << i << " arrived changed");
        }
        NS_TEST_EXPECT_MSG_EQ(boundarySink->payloads.size(), 2u, "boundary datagrams");

        uint16_t cpiAB = m_raw ? SPI_AB & 0xffff : SADB_X_CALG_DEFLATE;
        uint16_t cpiBA = m_raw ? SPI_BA & 0xffff : SADB_X_CALG_DEFLATE;
        DirectionTally ab;
        DirectionTally ba;
        for (const Datagram& d : *fromA)
        {
            if (d.src == a && d.dst == b)
            {
                Classify(d, true, cpiAB, &ab);
            }
        }
        for (const Datagram& d : *toA)
        {
            if (d.src == b && d.dst == a)
            {
                Classify(d, false, cpiBA, &ba);
            }
        }

        // The wire against the traffic.
        NS_TEST_EXPECT_MSG_EQ(ab.unexpected + ba.unexpected, 0u, "unexpected datagrams");
        NS_TEST_EXPECT_MSG_EQ(ab.ipcompUdp, 5u, "5 UDP echo requests compressed");
        NS_TEST_EXPECT_MSG_EQ(ba.ipcompUdp, 5u, "5 UDP echo replies compressed");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(
            ab.ipcompTcp, 100000u / 536, "every TCP data segment compressed");
        NS_TEST_EXPECT_MSG_EQ(ba.ipcompTcp, 0u, "B's ACKs are short: never compressed");
        NS_TEST_EXPECT_MSG_EQ(ab.boundary90, 1u, "the 90-byte payload was compressed");
        NS_TEST_EXPECT_MSG_EQ(ab.boundary89, 1u, "the 89-byte payload left uncompressed");
        NS_TEST_EXPECT_MSG_EQ(ab.incompressible, RANDOM_COUNT, "random datagrams uncompressed");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(ab.shortPlain, 5u + 1 + 1, "pings, SYN, ACKs, 89 bytes");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(ba.shortPlain, 5u, "ping replies and ACKs");

        // The counters against the wire (ipcomp_output, ipcomp4_input).
        const IpsecStats& sa = topo.GetHostA()->GetObject<IpsecStack>()->GetStats(m_v6);
        const IpsecStats& sb = topo.GetHostB()->GetObject<IpsecStack>()->GetStats(m_v6);
        NS_TEST_EXPECT_MSG_EQ(sa.out_comphist[SADB_X_CALG_DEFLATE],
                              ab.ipcomp + ab.incompressible,
                              "A: out_comphist[deflate] counts every compression attempt");
        NS_TEST_EXPECT_MSG_EQ(
            Sum(sa.out_comphist), sa.out_comphist[SADB_X_CALG_DEFLATE], "A: only deflate");
        NS_TEST_EXPECT_MSG_EQ(sa.out_success, ab.ipcomp, "A: out_success = applied IPComp");
        NS_TEST_EXPECT_MSG_EQ(sb.in_success, ab.ipcomp, "B: in_success = A's IPComp datagrams");
        NS_TEST_EXPECT_MSG_EQ(
            sb.in_comphist[SADB_X_CALG_DEFLATE], ab.ipcomp, "B: in_comphist[deflate]");
        NS_TEST_EXPECT_MSG_EQ(sb.out_comphist[SADB_X_CALG_DEFLATE],
                              ba.ipcomp,
                              "B: every attempt of B succeeded (zeros)");
        NS_TEST_EXPECT_MSG_EQ(sb.out_success, ba.ipcomp, "B: out_success");
        NS_TEST_EXPECT_MSG_EQ(sa.in_success, ba.ipcomp, "A: in_success = B's IPComp datagrams");
        for (const IpsecStats* s : {&sa, &sb})
        {
            NS_TEST_EXPECT_MSG_EQ(s->in_inval + s->in_nosa + s->in_polvio + s->out_inval
                                      + s->out_nosa + s->out_polvio,
                                  0u,
                                  "no errors");
        }
        const IpsecStats& other = topo.GetHostA()->GetObject<IpsecStack>()->GetStats(!m_v6);
        NS_TEST_EXPECT_MSG_EQ(
            other.out_success + other.in_success, 0u, "the other family's counters stay still");
        Simulator::Destroy();
    }

    bool m_v6;
    bool m_raw;
};

// ===========================================================================
// 1b. ipcomp/transport//use esp/transport//require: IP ESP IPComp payload
// ===========================================================================

/**
 * The bundle ipcomp/transport//use esp/transport//require (IPComp inside
 * ESP, request order) between the hosts, with ESP null encryption (and
 * hmac-sha1) so the wire can be read: every datagram from A is ESP; inside,
 * the next header is IPComp exactly for upper-layer payloads of at least 90
 * bytes, and what follows the IPComp header inflates (zlib) to the original
 * segment.
 */
class IpcompEspBundleTestCase : public TestCase
{
  public:
    explicit IpcompEspBundleTestCase(bool v6)
        : TestCase(std::string("ipcomp + esp transport bundle A<->B (") + (v6 ? "IPv6" : "IPv4")
                   + "): ESP outside, IPComp inside for payloads of 90 bytes or more")
        , m_v6(v6)
    {
    }

  private:
    void DoRun() override
    {
        IpsecHostToHostHelper topo;
        topo.SetIpv6(m_v6);
        topo.Build();
        IpsecStackHelper().AssignStreams(topo.GetNodes(), 19);
        IpsecAddress a = topo.GetAddressA();
        IpsecAddress b = topo.GetAddressB();
        const std::string auth = "-A hmac-sha1 0x0123456789abcdef0123456789abcdef01234567";
        for (bool selfIsA : {true, false})
        {
            const IpsecAddress& self = selfIsA ? a : b;
            const IpsecAddress& peer = selfIsA ? b : a;
            std::ostringstream s;
            s << "add " << a << " " << b << " esp 0x4001 -E null " << auth << ";\n"
              << "add " << b << " " << a << " esp 0x4002 -E null " << auth << ";\n"
              << "add " << a << " " << b << " ipcomp 0x4003 -C deflate;\n"
              << "add " << b << " " << a << " ipcomp 0x4004 -C deflate;\n"
              << "spdadd " << self << " " << peer
              << " any -P out ipsec ipcomp/transport//use esp/transport//require;\n"
              << "spdadd " << peer << " " << self
              << " any -P in ipsec ipcomp/transport//use esp/transport//require;\n";
            IpsecHelper().RunSetkeyString(
                selfIsA ? topo.GetHostA() : topo.GetHostB(), s.str(), selfIsA ? "A" : "B");
        }
        auto fromA = std::make_shared<std::vector<Datagram>>();
        CaptureTx(topo.GetDevices().Get(0), fromA);
        IpsecTrafficHelper traffic;
        traffic.SetTcpBytes(50000);
        Simulator::Stop(traffic.Install(topo.GetHostA(), a, topo.GetHostB(), b));
        Simulator::Run();
        for (const IpsecFlowResult& f : traffic.GetResults())
        {
            NS_TEST_EXPECT_MSG_EQ(f.received, f.sent, f.name + " delivered completely");
        }

        constexpr uint32_t ICV = 12; // hmac-sha1, truncated to 96 bits (RFC 2404)
        uint32_t esp = 0;
        uint32_t compressed = 0;
        uint32_t plain = 0;
        for (const Datagram& d : *fromA)
        {
            if (d.src != a || d.dst != b)
            {
                continue;
            }
            NS_TEST_ASSERT_MSG_EQ(+d.proto, +PROTO_ESP, "a datagram from A outside ESP");
            ++esp;
            // [SPI][seq][payload][pad][pad length][next header][ICV]; null
            // encryption: no IV, the payload in clear.
            NS_TEST_ASSERT_MSG_GT(d.payload.size(), 8u + 2 + ICV, "short ESP datagram");
            size_t end = d.payload.size() - ICV;
            uint8_t next = d.payload[end - 1];
            uint8_t padLen = d.payload[end - 2];
            NS_TEST_ASSERT_MSG_GT_OR_EQ(end - 2, 8u + padLen, "bad ESP padding");
            Bytes inner(d.payload.begin() + 8, d.payload.begin() + (end - 2 - padLen));
            if (next == PROTO_IPCOMP)
            {
                ++compressed;
                NS_TEST_ASSERT_MSG_GT(inner.size(), IPCOMP_HDR, "short IPComp");
                NS_TEST_EXPECT_MSG_EQ(Get16(&inner[2]), SADB_X_CALG_DEFLATE, "well-known CPI");
                Bytes original;
                NS_TEST_ASSERT_MSG_EQ(
                    Inflate(inner.data() + IPCOMP_HDR, inner.size() - IPCOMP_HDR, &original),
                    true,
                    "the IPComp payload inside ESP does not inflate");
                NS_TEST_EXPECT_MSG_GT_OR_EQ(original.size(), MIN_PAYLOAD, "compressed < 90");
                uint16_t dport = Get16(&original[2]);
                NS_TEST_EXPECT_MSG_EQ((dport == PORT_ECHO || dport == PORT_TCP),
                                      true,
                                      "inflated to the UDP echo or the TCP transfer");
            }
            else
            {
                ++plain;
                NS_TEST_EXPECT_MSG_LT(inner.size(), MIN_PAYLOAD, "uncompressed >= 90 bytes");
            }
        }
        const IpsecStats& sa = topo.GetHostA()->GetObject<IpsecStack>()->GetStats(m_v6);
        const IpsecStats& sb = topo.GetHostB()->GetObject<IpsecStack>()->GetStats(m_v6);
        NS_TEST_EXPECT_MSG_GT_OR_EQ(compressed, 5u + 50000 / 536, "echoes and TCP data");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(plain, 5u, "pings and ACKs");
        NS_TEST_EXPECT_MSG_EQ(sa.out_success, esp + compressed, "A: ESP and IPComp outputs");
        NS_TEST_EXPECT_MSG_EQ(sa.out_comphist[SADB_X_CALG_DEFLATE], compressed, "A: attempts");
        NS_TEST_EXPECT_MSG_EQ(sb.in_success, esp + compressed, "B: both transforms removed");
        NS_TEST_EXPECT_MSG_EQ(sb.in_comphist[SADB_X_CALG_DEFLATE], compressed, "B: inflated");
        NS_TEST_EXPECT_MSG_EQ(sb.in_espauthsucc, esp, "B: every ICV verified");
        NS_TEST_EXPECT_MSG_EQ(
            sb.in_polvio + sb.in_inval + sa.in_polvio + sa.in_inval, 0u, "no drops");
        Simulator::Destroy();
    }

    bool m_v6;
};

// ===========================================================================
// 2. tshark + zlib: the payloads on A's link are the original datagrams
// ===========================================================================

/// @p s quoted for a POSIX shell.
std::string
Quote(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
    {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

bool
HaveTshark()
{
    return std::system("command -v tshark >/dev/null 2>&1") == 0;
}

/// Runs @p cmd through the shell; its standard output in @p out.
int
RunCommand(const std::string& cmd, std::string* out)
{
    std::cout.flush();
    std::cerr.flush();
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr)
    {
        return -1;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
    {
        out->append(buf, n);
    }
    int st = pclose(p);
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/// Hex text (with or without ':' separators) to bytes; false if malformed.
bool
FromHex(const std::string& text, Bytes* out)
{
    out->clear();
    int hi = -1;
    for (char c : text)
    {
        if (c == ':')
        {
            continue;
        }
        const int v = ipsectest::HexDigit(c);
        if (v < 0)
        {
            return false;
        }
        if (hi < 0)
        {
            hi = v;
        }
        else
        {
            out->push_back(static_cast<uint8_t>(hi << 4 | v));
            hi = -1;
        }
    }
    return hi < 0;
}

std::vector<std::string>
Split(const std::string& line, char sep)
{
    std::vector<std::string> f;
    std::string cur;
    for (char c : line)
    {
        if (c == sep)
        {
            f.push_back(cur);
            cur.clear();
        }
        else
        {
            cur += c;
        }
    }
    f.push_back(cur);
    return f;
}

class IpcompTsharkTestCase : public TestCase
{
  public:
    explicit IpcompTsharkTestCase(bool v6)
        : TestCase(std::string("tshark extracts A's IPComp payloads (") + (v6 ? "IPv6" : "IPv4")
                   + " pcap), zlib inflates them to the original UDP and TCP datagrams")
        , m_v6(v6)
    {
    }

  private:
    /// Runs the traffic with a pcap of A's device written to @p pcap; returns
    /// the number of IPComp datagrams on A's link by the counters (A's
    /// applied compressions plus B's, which A decompressed).  The topology
    /// goes away on return, which closes the pcap file.
    uint64_t Simulate(const std::string& pcap)
    {
        IpsecHostToHostHelper topo;
        topo.SetIpv6(m_v6);
        topo.Build();
        IpsecStackHelper().AssignStreams(topo.GetNodes(), 13);
        IpsecAddress a = topo.GetAddressA();
        IpsecAddress b = topo.GetAddressB();
        IpsecHelper ipsec;
        ipsec.RunSetkeyString(topo.GetHostA(), IpcompTransportScript(a, b, true, false), "A");
        ipsec.RunSetkeyString(topo.GetHostB(), IpcompTransportScript(a, b, false, false), "B");
        PointToPointHelper p2p;
        p2p.EnablePcap(pcap, topo.GetDevices().Get(0), false, true);

        IpsecTrafficHelper traffic;
        traffic.SetPingCount(2);
        traffic.SetUdpEchoCount(3);
        traffic.SetTcpBytes(20000);
        Simulator::Stop(traffic.Install(topo.GetHostA(), a, topo.GetHostB(), b));
        Simulator::Run();
        for (const IpsecFlowResult& f : traffic.GetResults())
        {
            NS_TEST_EXPECT_MSG_EQ(f.received, f.sent, f.name + " delivered completely");
        }
        const IpsecStats& sa = topo.GetHostA()->GetObject<IpsecStack>()->GetStats(m_v6);
        uint64_t frames = sa.out_success + sa.in_success;
        Simulator::Destroy();
        return frames;
    }

    void DoRun() override
    {
        if (!HaveTshark())
        {
            ipsectest::ReportSkip(
                "ipsec-ipcomp-path",
                "\"" + GetName() + "\": tshark is not on PATH (install tshark to run this test)");
            return;
        }
        std::string base = std::string(NS3_IPSEC_BINARY_DIR) + "/test";
        std::error_code ec;
        std::filesystem::create_directories(base, ec);
        std::string tmpl = base + "/ipsec-ipcomp-path-XXXXXX";
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        NS_TEST_ASSERT_MSG_EQ((mkdtemp(buf.data()) != nullptr), true, "cannot create " << tmpl);
        std::string dir = buf.data();

        std::string pcap = dir + "/ipcomp-a.pcap";
        uint64_t expectedFrames = Simulate(pcap);
        NS_TEST_ASSERT_MSG_EQ(std::filesystem::exists(pcap), true, pcap << " was not written");
        std::string out;
        std::string cmd
            = "tshark -n -r " + Quote(pcap)
            + " -Y ipcomp -T fields -E separator=/t -E occurrence=f -e ipcomp.next_header"
              " -e ipcomp.flags -e ipcomp.cpi -e data.data 2>"
            + Quote(dir + "/tshark.err");
        int rc = RunCommand(cmd, &out);
        NS_TEST_ASSERT_MSG_EQ(rc, 0, "tshark failed: " << cmd);

        uint32_t frames = 0;
        uint32_t udpRequests = 0;
        uint32_t udpReplies = 0;
        uint32_t tcpSegments = 0;
        uint64_t tcpPayload = 0;
        std::istringstream lines(out);
        std::string line;
        while (std::getline(lines, line))
        {
            if (line.empty())
            {
                continue;
            }
            ++frames;
            std::vector<std::string> f = Split(line, '\t');
            NS_TEST_ASSERT_MSG_EQ(f.size(), 4u, "tshark line: " << line);
            unsigned long next = std::strtoul(f[0].c_str(), nullptr, 0);
            NS_TEST_EXPECT_MSG_EQ(std::strtoul(f[1].c_str(), nullptr, 0), 0ul, "flags: " << line);
            NS_TEST_EXPECT_MSG_EQ(std::strtoul(f[2].c_str(), nullptr, 0),
                                  static_cast<unsigned long>(SADB_X_CALG_DEFLATE),
                                  "well-known CPI: " << line);
            Bytes compressed;
            NS_TEST_ASSERT_MSG_EQ(FromHex(f[3], &compressed), true, "data.data: " << line);
            NS_TEST_ASSERT_MSG_GT(compressed.size(), 0u, "no payload: " << line);
            Bytes inner;
            NS_TEST_ASSERT_MSG_EQ(Inflate(compressed.data(), compressed.size(), &inner),
                                  true,
                                  "zlib cannot inflate frame " << frames);
            NS_TEST_ASSERT_MSG_GT_OR_EQ(inner.size(), MIN_PAYLOAD, "compressed under 90 bytes");
            uint16_t sport = Get16(&inner[0]);
            uint16_t dport = Get16(&inner[2]);
            if (next == PROTO_UDP)
            {
                // The 8-byte UDP header and the 512-byte echo payload.
                NS_TEST_EXPECT_MSG_EQ(inner.size(), UDP_HDR + ECHO_SIZE, "UDP datagram size");
                NS_TEST_EXPECT_MSG_EQ(Get16(&inner[4]), UDP_HDR + ECHO_SIZE, "UDP length");
                udpRequests += dport == PORT_ECHO;
                udpReplies += sport == PORT_ECHO;
                NS_TEST_EXPECT_MSG_EQ(((dport == PORT_ECHO) != (sport == PORT_ECHO)),
                                      true,
                                      "UDP echo port 7 on one side");
            }
            else if (next == PROTO_TCP)
            {
                // A TCP segment to the sink: header (data offset) and zeros.
                NS_TEST_EXPECT_MSG_EQ(dport, PORT_TCP, "TCP to port 5001");
                NS_TEST_ASSERT_MSG_GT_OR_EQ(inner.size(), 20u, "TCP header");
                size_t off = (inner[12] >> 4) * 4u;
                NS_TEST_ASSERT_MSG_GT_OR_EQ(off, 20u, "TCP data offset");
                NS_TEST_ASSERT_MSG_GT(inner.size(), off, "TCP segment without data");
                bool zeros = true;
                for (size_t i = off; i < inner.size(); ++i)
                {
                    zeros = zeros && inner[i] == 0;
                }
                NS_TEST_EXPECT_MSG_EQ(zeros, true, "the bulk transfer's data are zeros");
                tcpSegments++;
                tcpPayload += inner.size() - off;
            }
            else
            {
                NS_TEST_EXPECT_MSG_EQ(next, 0ul, "unexpected next header: " << line);
            }
        }
        NS_TEST_EXPECT_MSG_EQ(frames, expectedFrames, "IPComp frames in the pcap");
        NS_TEST_EXPECT_MSG_EQ(udpRequests, 3u, "3 echo requests");
        NS_TEST_EXPECT_MSG_EQ(udpReplies, 3u, "3 echo replies");
        NS_TEST_EXPECT_MSG_GT(tcpSegments, 0u, "TCP segments");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(tcpPayload, 20000u, "the whole transfer (and retransmissions)");
        std::filesystem::remove_all(dir, ec);
    }

    bool m_v6;
};

// ===========================================================================
// 3. IPComp tunnel + ESP transport over a slow WAN
// ===========================================================================

/// The gateways' policies in one VPN run.
enum class VpnMode
{
    BUNDLE,     ///< ipcomp/tunnel/gw1-gw2/use esp/transport/gw1-gw2/require
    ESP_TUNNEL, ///< esp/tunnel/gw1-gw2/require: the same without IPComp
    IPCOMP,     ///< ipcomp/tunnel/gw1-gw2/use alone
};

/// What one VPN run showed.
struct VpnRun
{
    std::vector<IpsecFlowResult> flows;
    uint64_t wanBytes{0};                   ///< every frame on the WAN, both directions
    std::map<uint8_t, uint32_t> protos[2];  ///< protocols gw1 / gw2 sent on the WAN
    std::map<uint8_t, uint32_t> dropped[2]; ///< ... and their WAN queue discs dropped
    uint32_t foreign{0};                    ///< WAN datagrams not between the gateways
    Time lastTcpRx;                         ///< when the sink got its last byte
    IpsecStats gw1;
    IpsecStats gw2;
};

class IpcompVpnTestCase : public TestCase
{
  public:
    explicit IpcompVpnTestCase(bool v6)
        : TestCase(std::string("IPComp tunnel + ESP transport between the gateways over a ")
                   + "512 kbps WAN (" + (v6 ? "IPv6" : "IPv4")
                   + "): only ESP on the WAN, fewer bytes than ESP tunnel alone")
        , m_v6(v6)
    {
    }

  private:
    VpnRun Run(VpnMode mode)
    {
        IpsecVpnHelper vpn;
        vpn.SetIpv6(m_v6);
        vpn.SetWanRate("512kbps");
        vpn.Build();
        IpsecStackHelper().AssignStreams(vpn.GetNodes(), 17);
        IpsecAddress g1 = vpn.GetGatewayWanAddress(1);
        IpsecAddress g2 = vpn.GetGatewayWanAddress(2);
        std::string lan1 = m_v6 ? "fd00:10:0:1::/64" : "10.0.1.0/24";
        std::string lan2 = m_v6 ? "fd00:10:0:2::/64" : "10.0.2.0/24";
        const std::string enc = "-E rijndael-cbc 0x00112233445566778899aabbccddeeff "
                                "-A hmac-sha1 0x0123456789abcdef0123456789abcdef01234567";
        // The same SAs in every mode; only the policies differ.
        std::ostringstream sas;
        sas << "add " << g1 << " " << g2 << " esp 0x1001 " << enc << ";\n"
            << "add " << g2 << " " << g1 << " esp 0x1002 " << enc << ";\n"
            << "add " << g1 << " " << g2 << " ipcomp 0x2001 -C deflate;\n"
            << "add " << g2 << " " << g1 << " ipcomp 0x2002 -C deflate;\n";
        auto requests = [mode](const IpsecAddress& s, const IpsecAddress& d)
        {
            std::ostringstream r;
            switch (mode)
            {
                case VpnMode::BUNDLE:
                    r << "ipcomp/tunnel/" << s << "-" << d << "/use esp/transport/" << s << "-" << d
                      << "/require";
                    break;
                case VpnMode::ESP_TUNNEL:
                    r << "esp/tunnel/" << s << "-" << d << "/require";
                    break;
                case VpnMode::IPCOMP:
                    r << "ipcomp/tunnel/" << s << "-" << d << "/use";
                    break;
            }
            return r.str();
        };
        std::ostringstream s1;
        s1 << sas.str() << "spdadd " << lan1 << " " << lan2 << " any -P out ipsec "
           << requests(g1, g2) << ";\n"
           << "spdadd " << lan2 << " " << lan1 << " any -P in ipsec " << requests(g2, g1) << ";\n";
        std::ostringstream s2;
        s2 << sas.str() << "spdadd " << lan2 << " " << lan1 << " any -P out ipsec "
           << requests(g2, g1) << ";\n"
           << "spdadd " << lan1 << " " << lan2 << " any -P in ipsec " << requests(g1, g2) << ";\n";
        IpsecHelper ipsec;
        ipsec.RunSetkeyString(vpn.GetGateway(1), s1.str(), "gw1");
        ipsec.RunSetkeyString(vpn.GetGateway(2), s2.str(), "gw2");

        auto w1 = std::make_shared<std::vector<Datagram>>();
        auto w2 = std::make_shared<std::vector<Datagram>>();
        CaptureTx(vpn.GetWanDevices().Get(0), w1);
        CaptureTx(vpn.GetWanDevices().Get(1), w2);

        // The WAN's queue discs (fq_codel) may drop what IPsec produced.
        auto drops = std::make_shared<std::array<std::map<uint8_t, uint32_t>, 2>>();
        for (int side = 0; side < 2; ++side)
        {
            Ptr<NetDevice> dev = vpn.GetWanDevices().Get(side);
            Ptr<QueueDisc> qd
                = dev->GetNode()->GetObject<TrafficControlLayer>()->GetRootQueueDiscOnDevice(dev);
            NS_TEST_EXPECT_MSG_EQ((qd != nullptr), true, "no queue disc on the WAN device");
            if (!qd)
            {
                continue;
            }
            qd->TraceConnectWithoutContext(
                "Drop",
                Callback<void, Ptr<const QueueDiscItem>>(
                    [drops, side](Ptr<const QueueDiscItem> item)
                    {
                        uint8_t proto = 0;
                        if (auto v4 = DynamicCast<const Ipv4QueueDiscItem>(item))
                        {
                            proto = v4->GetHeader().GetProtocol();
                        }
                        else if (auto v6 = DynamicCast<const Ipv6QueueDiscItem>(item))
                        {
                            proto = v6->GetHeader().GetNextHeader();
                        }
                        (*drops)[side][proto]++;
                    }));
        }

        Ptr<Node> h1 = vpn.GetHosts(1).Get(0);
        Ptr<Node> h2 = vpn.GetHosts(2).Get(0);
        IpsecTrafficHelper traffic;
        traffic.SetTcpBytes(200000);
        Time stop = traffic.Install(h1, vpn.GetHostAddress(1, 0), h2, vpn.GetHostAddress(2, 0));
        auto lastRx = std::make_shared<Time>();
        for (uint32_t i = 0; i < h2->GetNApplications(); ++i)
        {
            if (Ptr<PacketSink> sink = DynamicCast<PacketSink>(h2->GetApplication(i)))
            {
                sink->TraceConnectWithoutContext("Rx",
                                                 Callback<void, Ptr<const Packet>, const Address&>(
                                                     [lastRx](Ptr<const Packet>, const Address&)
                                                     {
                                                         *lastRx = Simulator::Now();
                                                     }));
            }
        }
        Simulator::Stop(stop);
        Simulator::Run();

        VpnRun r;
        r.flows = traffic.GetResults();
        r.lastTcpRx = *lastRx;
        for (int side = 0; side < 2; ++side)
        {
            const auto& log = side == 0 ? *w1 : *w2;
            const IpsecAddress& from = side == 0 ? g1 : g2;
            const IpsecAddress& to = side == 0 ? g2 : g1;
            for (const Datagram& d : log)
            {
                r.wanBytes += d.frameSize;
                if (d.v6 && d.proto == PROTO_ICMP6 && !d.payload.empty() && d.payload[0] >= 133
                    && d.payload[0] <= 137)
                {
                    continue; // the gateways' own neighbour discovery (DAD)
                }
                r.protos[side][d.proto]++;
                if (d.src != from || d.dst != to)
                {
                    r.foreign++;
                }
            }
        }
        r.dropped[0] = (*drops)[0];
        r.dropped[1] = (*drops)[1];
        r.gw1 = vpn.GetGateway(1)->GetObject<IpsecStack>()->GetStats(m_v6);
        r.gw2 = vpn.GetGateway(2)->GetObject<IpsecStack>()->GetStats(m_v6);
        Simulator::Destroy();
        return r;
    }

    /// Checks common to every mode: delivery and counters against the WAN.
    void CheckRun(const VpnRun& r, VpnMode mode, const std::string& what)
    {
        for (const IpsecFlowResult& f : r.flows)
        {
            NS_TEST_EXPECT_MSG_EQ(f.received, f.sent, what + f.name + " delivered completely");
            NS_TEST_EXPECT_MSG_GT(f.sent, 0u, what + f.name + " sent");
        }
        NS_TEST_EXPECT_MSG_EQ(r.foreign, 0u, what + "only the gateways talk on the WAN");
        uint8_t inner = m_v6 ? 41 : 4;
        const IpsecStats* gw[2] = {&r.gw1, &r.gw2};
        for (int side = 0; side < 2; ++side)
        {
            const IpsecStats& out = *gw[side];
            const IpsecStats& in = *gw[1 - side];
            std::string who = what + "gw" + std::to_string(side + 1) + ": ";
            // What the gateway's IPsec output produced = on the wire + dropped
            // by its queue disc; what the peer's input saw = on the wire.
            std::map<uint8_t, uint32_t> p = r.protos[side];
            std::map<uint8_t, uint32_t> q = r.dropped[side];
            uint32_t esp = p[PROTO_ESP];
            uint32_t ipcomp = p[PROTO_IPCOMP];
            uint32_t ipip = p[inner];
            uint32_t total = 0;
            uint32_t lost = 0;
            for (const auto& [proto, n] : p)
            {
                total += n;
            }
            for (const auto& [proto, n] : q)
            {
                lost += n;
            }
            if (mode == VpnMode::IPCOMP)
            {
                // Compressed datagrams carry IPComp; the others leave as
                // plain IP-in-IP (ipcomp_output: the encapsulation came first).
                NS_TEST_EXPECT_MSG_EQ(ipcomp + ipip, total, who + "only IPComp and IP-in-IP");
                NS_TEST_EXPECT_MSG_EQ(q[PROTO_IPCOMP] + q[inner], lost, who + "drops");
                NS_TEST_EXPECT_MSG_GT(ipip, 0u, who + "short datagrams as plain IP-in-IP");
                NS_TEST_EXPECT_MSG_EQ(out.out_success,
                                      ipcomp + q[PROTO_IPCOMP],
                                      who + "out_success = IPComp datagrams");
                NS_TEST_EXPECT_MSG_EQ(out.out_comphist[SADB_X_CALG_DEFLATE],
                                      out.out_success,
                                      who + "every attempt applied");
                NS_TEST_EXPECT_MSG_EQ(in.in_success, ipcomp, who + "peer's in_success");
                NS_TEST_EXPECT_MSG_EQ(
                    in.in_comphist[SADB_X_CALG_DEFLATE], ipcomp, who + "peer inflated them");
            }
            else
            {
                uint32_t espLost = q[PROTO_ESP];
                NS_TEST_EXPECT_MSG_EQ(esp, total, who + "only ESP on the WAN");
                NS_TEST_EXPECT_MSG_EQ(espLost, lost, who + "only ESP dropped");
                NS_TEST_EXPECT_MSG_EQ(out.out_esphist[SADB_EALG_RIJNDAELCBC],
                                      esp + espLost,
                                      who + "ESP outputs = ESP datagrams sent");
                NS_TEST_EXPECT_MSG_EQ(in.in_esphist[SADB_EALG_RIJNDAELCBC],
                                      esp,
                                      who + "the peer decrypted all that arrived");
                // out_success counts ESP and the IPComp actually applied; the
                // peer inflated what came inside the ESP that arrived.
                uint64_t comp = out.out_success - (esp + espLost);
                uint64_t inflated = in.in_comphist[SADB_X_CALG_DEFLATE];
                NS_TEST_EXPECT_MSG_EQ(out.out_comphist[SADB_X_CALG_DEFLATE],
                                      comp,
                                      who + "every attempt applied (zeros, echo data)");
                NS_TEST_EXPECT_MSG_LT_OR_EQ(inflated, comp, who + "peer inflated at most that");
                NS_TEST_EXPECT_MSG_GT_OR_EQ(
                    inflated + espLost, comp, who + "and all but what was dropped");
                NS_TEST_EXPECT_MSG_EQ(in.in_success, esp + inflated, who + "peer's in_success");
                if (mode == VpnMode::ESP_TUNNEL)
                {
                    NS_TEST_EXPECT_MSG_EQ(comp, 0u, who + "no IPComp without the request");
                }
            }
            NS_TEST_EXPECT_MSG_EQ(out.in_inval + out.in_nosa + out.in_polvio + out.in_espauthfail
                                      + out.out_inval + out.out_nosa,
                                  0u,
                                  who + "no errors");
        }
    }

    void DoRun() override
    {
        VpnRun with = Run(VpnMode::BUNDLE);
        VpnRun without = Run(VpnMode::ESP_TUNNEL);
        VpnRun alone = Run(VpnMode::IPCOMP);
        CheckRun(with, VpnMode::BUNDLE, "ipcomp+esp: ");
        CheckRun(without, VpnMode::ESP_TUNNEL, "esp tunnel: ");
        CheckRun(alone, VpnMode::IPCOMP, "ipcomp tunnel alone: ");
        // In a tunnel the threshold applies to the inner datagram with its
        // header (ipcomp_output).  gw2 sends the 5 echo replies (header + 520
        // bytes), the 5 ping replies (IPv4 20 + 64 = 84 bytes: under 90;
        // IPv6 40 + 64 = 104: compressed), SYN-ACK and ACKs (under 90 without
        // SACK blocks, which only losses bring: checked when none occurred).
        uint32_t lost = 0;
        for (const auto& [proto, n] : with.dropped[0])
        {
            lost += n;
        }
        if (lost == 0)
        {
            NS_TEST_EXPECT_MSG_EQ(with.gw2.out_comphist[SADB_X_CALG_DEFLATE],
                                  (m_v6 ? 10u : 5u),
                                  "gw2's compressions: echo replies (and IPv6 ping replies)");
        }
        NS_TEST_EXPECT_MSG_GT(with.gw1.out_comphist[SADB_X_CALG_DEFLATE],
                              200000u / 1500,
                              "gw1 compressed the TCP data");
        NS_TEST_EXPECT_MSG_LT(
            with.wanBytes, without.wanBytes, "IPComp made the transfer shorter on the wire");
        // Zeros deflate to almost nothing: well under half the bytes.
        NS_TEST_EXPECT_MSG_LT(with.wanBytes * 2,
                              without.wanBytes,
                              "IPComp saved less than half: " << with.wanBytes << " vs "
                                                              << without.wanBytes);
        NS_TEST_EXPECT_MSG_LT(with.lastTcpRx,
                              without.lastTcpRx,
                              "the compressed transfer ended earlier on the slow WAN");
    }

    bool m_v6;
};

// ===========================================================================
// 4. net.inet.ipcomp.ipcomp_enable=0
// ===========================================================================

class IpcompEnableTestCase : public TestCase
{
  public:
    IpcompEnableTestCase(bool v6, bool onReceiver)
        : TestCase(std::string("ipcomp_enable=0 on the ") + (onReceiver ? "receiver" : "sender")
                   + " (" + (v6 ? "IPv6" : "IPv4")
                   + "): " + (onReceiver ? "IPComp datagrams dropped" : "sent uncompressed"))
        , m_v6(v6)
        , m_onReceiver(onReceiver)
    {
    }

  private:
    void DoRun() override
    {
        IpsecHostToHostHelper topo;
        topo.SetIpv6(m_v6);
        topo.Build();
        IpsecAddress a = topo.GetAddressA();
        IpsecAddress b = topo.GetAddressB();
        IpsecHelper ipsec;
        ipsec.RunSetkeyString(topo.GetHostA(), IpcompTransportScript(a, b, true, false), "A");
        ipsec.RunSetkeyString(topo.GetHostB(), IpcompTransportScript(a, b, false, false), "B");
        Ptr<Node> knob = m_onReceiver ? topo.GetHostB() : topo.GetHostA();
        IpsecSysctl::Set(knob, "net.inet.ipcomp.ipcomp_enable", "0");
        NS_TEST_EXPECT_MSG_EQ(
            IpsecSysctl::Get(knob, "net.inet.ipcomp.ipcomp_enable"), "0", "sysctl reads back");

        auto fromA = std::make_shared<std::vector<Datagram>>();
        CaptureTx(topo.GetDevices().Get(0), fromA);
        std::vector<std::string> dropsB;
        topo.GetHostB()->GetObject<IpsecStack>()->TraceConnectWithoutContext(
            "Drop",
            Callback<void, Ptr<const Packet>, bool, IpsecDropReason, const std::string&>(
                [&dropsB](Ptr<const Packet>, bool, IpsecDropReason cReason, const std::string& why)
                {
                    const std::string c = IpsecDropReasonCounter(cReason);
                    dropsB.push_back(c + ": " + why);
                }));

        auto bigSink = InstallUdpSink(topo.GetHostB(), m_v6, PORT_RANDOM);
        auto smallSink = InstallUdpSink(topo.GetHostB(), m_v6, PORT_BOUNDARY);
        Ptr<Socket> tx = UdpSender(topo.GetHostA());
        for (uint32_t i = 0; i < 5; ++i)
        {
            ScheduleUdp(Seconds(2 + i * 0.1), tx, b, PORT_RANDOM, Bytes(512, 0));
            ScheduleUdp(Seconds(2.05 + i * 0.1), tx, b, PORT_BOUNDARY, Bytes(40, 0));
        }
        Simulator::Stop(Seconds(4));
        Simulator::Run();

        uint32_t ipcomp = 0;
        uint32_t plainBig = 0;
        for (const Datagram& d : *fromA)
        {
            if (d.src == a && d.dst == b)
            {
                ipcomp += d.proto == PROTO_IPCOMP;
                plainBig += d.proto == PROTO_UDP && d.payload.size() == UDP_HDR + 512;
            }
        }
        const IpsecStats& sa = topo.GetHostA()->GetObject<IpsecStack>()->GetStats(m_v6);
        const IpsecStats& sb = topo.GetHostB()->GetObject<IpsecStack>()->GetStats(m_v6);
        NS_TEST_EXPECT_MSG_EQ(smallSink->payloads.size(), 5u, "short datagrams never compressed");
        if (m_onReceiver)
        {
            NS_TEST_EXPECT_MSG_EQ(ipcomp, 5u, "A still compresses");
            NS_TEST_EXPECT_MSG_EQ(bigSink->payloads.size(), 0u, "B delivered none of them");
            NS_TEST_EXPECT_MSG_EQ(dropsB.size(), 5u, "one traced drop per IPComp datagram");
            for (const std::string& d : dropsB)
            {
                NS_TEST_EXPECT_MSG_EQ((Lower(d).find("ipcomp") != std::string::npos
                                       && d.find("disabled") != std::string::npos),
                                      true,
                                      "drop reason: " << d);
            }
            NS_TEST_EXPECT_MSG_EQ(
                sb.in_success + Sum(sb.in_comphist), 0u, "B decompressed nothing");
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(ipcomp, 0u, "no IPComp on the wire");
            NS_TEST_EXPECT_MSG_EQ(plainBig, 5u, "the 512-byte datagrams left in clear");
            NS_TEST_EXPECT_MSG_EQ(
                Sum(sa.out_comphist) + sa.out_success, 0u, "A attempted no compression");
            NS_TEST_EXPECT_MSG_EQ(bigSink->payloads.size(), 5u, "B's 'use' policy accepts them");
            NS_TEST_EXPECT_MSG_EQ(dropsB.size(), 0u, "no drops");
        }
        Simulator::Destroy();
    }

    bool m_v6;
    bool m_onReceiver;
};

// ===========================================================================
// 5. Crafted IPComp datagrams from the wire
// ===========================================================================

constexpr uint16_t CPI_WITH_SA = 0x1234; ///< B has an IPComp SA A->B with this SPI (-R)
constexpr uint16_t CPI_NO_SA = 0x1b58;   ///< 7000: >= 256, no SA
constexpr uint16_t PORT_VICTIM = 9;
constexpr uint16_t PORT_ESP_ONLY = 11; ///< B's inbound policy requires ESP for UDP to it
constexpr uint16_t PORT_ATTACKER = 4000;

/// One injection and what it must do on B.
struct Injection
{
    std::string name;
    Bytes bytes;                   ///< the IP payload (protocol 108)
    std::vector<Counter> counters; ///< each +1
    bool comphist{false};          ///< in_comphist[deflate] +1
    std::string drop;              ///< the counter the Drop trace names ("" = none)
    bool delivered{false};
    Bytes payload; ///< what the socket must receive when delivered
};

class IpcompBadInputTestCase : public TestCase
{
  public:
    IpcompBadInputTestCase(bool v6, bool kameHistory)
        : TestCase(std::string("crafted IPComp from the wire (") + (v6 ? "IPv6" : "IPv4")
                   + (kameHistory ? ", KameDecapHistory" : "")
                   + "): garbage, bomb, unknown CPIs, truncated, size limit, no SA")
        , m_v6(v6)
        , m_kameHistory(kameHistory)
    {
    }

  private:
    Bytes Udp(const Bytes& payload, uint16_t dport = PORT_VICTIM) const
    {
        Ptr<Packet> p = Create<Packet>(payload.data(), payload.size());
        UdpHeader udp;
        udp.SetSourcePort(PORT_ATTACKER);
        udp.SetDestinationPort(dport);
        if (Node::ChecksumEnabled())
        {
            if (m_v6)
            {
                udp.InitializeChecksum(m_a.ToIpv6(), m_b.ToIpv6(), PROTO_UDP);
            }
            else
            {
                udp.InitializeChecksum(m_a.ToIpv4(), m_b.ToIpv4(), PROTO_UDP);
            }
            udp.EnableChecksums();
        }
        p->AddHeader(udp);
        return PacketBytes(p);
    }

    static Bytes Ipcomp(uint8_t next, uint16_t cpi, const Bytes& data)
    {
        Bytes b(IPCOMP_HDR + data.size());
        b[0] = next;
        b[1] = 0; // flags
        b[2] = static_cast<uint8_t>(cpi >> 8);
        b[3] = static_cast<uint8_t>(cpi & 0xff);
        std::copy(data.begin(), data.end(), b.begin() + IPCOMP_HDR);
        return b;
    }

    void Build()
    {
        Bytes text;
        const std::string words = "IPComp datagram crafted by the attacker node. ";
        while (text.size() < 200)
        {
            text.insert(text.end(), words.begin(), words.end());
        }
        text.resize(200);
        Bytes udp = Udp(text);
        Bytes deflated = Deflate(udp);
        NS_TEST_ASSERT_MSG_GT(deflated.size(), 0u, "zlib deflate failed");

        Injection i;
        i.name = "well-known CPI 2, no SA at all: accepted (ipcomp4_input)";
        i.bytes = Ipcomp(PROTO_UDP, SADB_X_CALG_DEFLATE, deflated);
        i.counters
            = {&IpsecStats::in_success, &IpsecStats::spdcachelookup, &IpsecStats::spdcachemiss};
        i.comphist = true;
        i.delivered = true;
        i.payload = text;
        m_steps.push_back(i);

        i = Injection();
        i.name = "CPI 0x1234 >= 256 with B's SA (-R): accepted";
        i.bytes = Ipcomp(PROTO_UDP, CPI_WITH_SA, deflated);
        // The same socket and selector as before: a cache hit.
        i.counters = {&IpsecStats::in_success, &IpsecStats::spdcachelookup};
        i.comphist = true;
        i.delivered = true;
        i.payload = text;
        m_steps.push_back(i);

        i = Injection();
        i.name = "garbage instead of deflate data: in_inval";
        Bytes garbage(64, 0xff); // BFINAL=1, BTYPE=11 (reserved): invalid at once
        i.bytes = Ipcomp(PROTO_UDP, SADB_X_CALG_DEFLATE, garbage);
        i.counters = {&IpsecStats::in_inval};
        i.drop = "in_inval";
        m_steps.push_back(i);

        i = Injection();
        i.name = "decompression bomb (1 MB of zeros): in_inval, not delivered";
        Bytes bomb = Deflate(Bytes(1 << 20, 0));
        NS_TEST_ASSERT_MSG_LT(bomb.size(), 1400u, "the bomb must fit in one datagram");
        i.bytes = Ipcomp(PROTO_UDP, SADB_X_CALG_DEFLATE, bomb);
        i.counters = {&IpsecStats::in_inval};
        // A valid stream: KAME's ipcomp4_input inflates it, counts
        // in_comphist[cpi], and only then finds the datagram longer than
        // IP_MAXPACKET (in_inval); garbage fails in the inflater, before.
        i.comphist = true;
        i.drop = "in_inval";
        m_steps.push_back(i);

        i = Injection();
        i.name = "unknown CPI 7000 >= 256 without SA: in_nosa";
        i.bytes = Ipcomp(PROTO_UDP, CPI_NO_SA, deflated);
        i.counters = {&IpsecStats::in_nosa};
        i.drop = "in_nosa";
        m_steps.push_back(i);

        for (uint16_t cpi : {uint16_t(1), uint16_t(3)})
        {
            i = Injection();
            i.name
                = "well-known CPI " + std::to_string(cpi) + " (oui/lzs, not implemented): in_nosa";
            i.bytes = Ipcomp(PROTO_UDP, cpi, deflated);
            i.counters = {&IpsecStats::in_nosa};
            i.drop = "in_nosa";
            m_steps.push_back(i);
        }

        i = Injection();
        i.name = "truncated header (3 bytes): in_inval";
        i.bytes = {PROTO_UDP, 0, 0};
        i.counters = {&IpsecStats::in_inval};
        i.drop = "in_inval";
        m_steps.push_back(i);

        i = Injection();
        i.name = "truncated header (1 byte): in_inval";
        i.bytes = {PROTO_UDP};
        i.counters = {&IpsecStats::in_inval};
        i.drop = "in_inval";
        m_steps.push_back(i);

        i = Injection();
        i.name = "well-known CPI 2 again after the errors: still accepted";
        i.bytes = Ipcomp(PROTO_UDP, SADB_X_CALG_DEFLATE, deflated);
        i.counters = {&IpsecStats::in_success, &IpsecStats::spdcachelookup};
        i.comphist = true;
        i.delivered = true;
        i.payload = text;
        m_steps.push_back(i);

        // The largest datagram: IPv4 total length (20 + inflated) <= 65535
        // (KAME checks ip_len after inflating), IPv6 payload length <= 65535.
        uint32_t largest = m_v6 ? 65535 : 65535 - 20;
        i = Injection();
        i.name = "inflates to exactly the largest datagram (" + std::to_string(largest)
               + " bytes): accepted";
        Bytes big(largest - UDP_HDR, 0);
        i.bytes = Ipcomp(PROTO_UDP, SADB_X_CALG_DEFLATE, Deflate(Udp(big)));
        i.counters = {&IpsecStats::in_success, &IpsecStats::spdcachelookup};
        i.comphist = true;
        i.delivered = true;
        i.payload = big;
        m_steps.push_back(i);

        i = Injection();
        i.name = "inflates to one byte more: in_inval (after in_comphist, as KAME)";
        i.bytes = Ipcomp(PROTO_UDP, SADB_X_CALG_DEFLATE, Deflate(Bytes(largest + 1, 0)));
        i.counters = {&IpsecStats::in_inval};
        i.comphist = true;
        i.drop = "in_inval";
        m_steps.push_back(i);

        // ipcomp4_input marks the packet "decrypted", so a well-known CPI
        // without any SA satisfies an inbound ESP 'require' in KAME's
        // flag-based check (KameDecapHistory=true).  The model's default
        // check looks at the decapsulation history, where no ESP is.
        i = Injection();
        i.name = std::string("well-known CPI to a port whose policy requires ESP: ")
               + (m_kameHistory ? "accepted (KAME's flag check)" : "in_polvio (history check)");
        i.bytes = Ipcomp(PROTO_UDP, SADB_X_CALG_DEFLATE, Deflate(Udp(text, PORT_ESP_ONLY)));
        // A new socket: its first socket-based lookup misses the cache.
        i.counters
            = {&IpsecStats::in_success, &IpsecStats::spdcachelookup, &IpsecStats::spdcachemiss};
        i.comphist = true;
        if (m_kameHistory)
        {
            i.delivered = true;
            i.payload = text;
        }
        else
        {
            i.counters.push_back(&IpsecStats::in_polvio);
            i.drop = "in_polvio";
        }
        m_steps.push_back(i);
    }

    void Inject(size_t k)
    {
        m_before = m_ipsec->GetStats(m_v6);
        m_beforeOther = m_ipsec->GetStats(!m_v6);
        m_drops.clear();
        m_received.clear();
        const Injection& s = m_steps[k];
        Ptr<Packet> p = Create<Packet>(s.bytes.data(), s.bytes.size());
        int rc = m_raw->SendTo(p,
                               0,
                               m_v6 ? Address(Inet6SocketAddress(m_b.ToIpv6(), 0))
                                    : Address(InetSocketAddress(m_b.ToIpv4(), 0)));
        NS_TEST_EXPECT_MSG_GT_OR_EQ(rc, 0, s.name << ": the attacker could not send");
    }

    void CompareStats(const IpsecStats& expected, const IpsecStats& actual, const std::string& what)
    {
        auto e = expected.Scalars();
        auto a = actual.Scalars();
        NS_TEST_ASSERT_MSG_EQ(e.size(), a.size(), "counter lists differ");
        for (size_t k = 0; k < e.size(); ++k)
        {
            NS_TEST_EXPECT_MSG_EQ(a[k].second,
                                  e[k].second,
                                  what << ": " << e[k].first << " is " << a[k].second
                                       << ", expected " << e[k].second);
        }
        const std::pair<Histogram, const char*> histograms[] = {
            {&IpsecStats::in_esphist, "in_esphist"},
            {&IpsecStats::in_ahhist, "in_ahhist"},
            {&IpsecStats::in_comphist, "in_comphist"},
            {&IpsecStats::out_esphist, "out_esphist"},
            {&IpsecStats::out_ahhist, "out_ahhist"},
            {&IpsecStats::out_comphist, "out_comphist"},
        };
        for (const auto& [h, name] : histograms)
        {
            for (size_t k = 0; k < 256; ++k)
            {
                NS_TEST_EXPECT_MSG_EQ(
                    (actual.*h)[k], (expected.*h)[k], what << ": " << name << "[" << k << "]");
            }
        }
    }

    void Verify(size_t k)
    {
        const Injection& s = m_steps[k];
        IpsecStats expected = m_before;
        for (Counter c : s.counters)
        {
            ++(expected.*c);
        }
        if (s.comphist)
        {
            ++expected.in_comphist[SADB_X_CALG_DEFLATE];
        }
        CompareStats(expected, m_ipsec->GetStats(m_v6), s.name);
        CompareStats(m_beforeOther, m_ipsec->GetStats(!m_v6), s.name + " (other family)");
        if (s.drop.empty())
        {
            NS_TEST_EXPECT_MSG_EQ(m_drops.size(), 0u, s.name << ": unexpected drop");
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(m_drops.size(), 1u, s.name << ": one Drop trace expected");
            if (!m_drops.empty())
            {
                NS_TEST_EXPECT_MSG_EQ(m_drops[0], s.drop, s.name << ": Drop trace counter");
            }
        }
        NS_TEST_EXPECT_MSG_EQ(m_received.size(), (s.delivered ? 1u : 0u), s.name << ": delivery");
        if (s.delivered && !m_received.empty())
        {
            NS_TEST_EXPECT_MSG_EQ((m_received[0] == s.payload), true, s.name << ": payload");
        }
        ++m_verified;
    }

    void DoRun() override
    {
        IpsecHostToHostHelper topo;
        topo.SetIpv6(m_v6);
        topo.Build();
        m_a = topo.GetAddressA();
        m_b = topo.GetAddressB();
        Ptr<Node> attacker = topo.GetHostA(); // no SPD entries: sends what it is given
        Ptr<Node> victim = topo.GetHostB();
        m_ipsec = victim->GetObject<IpsecStack>();
        std::ostringstream script;
        script << "add " << m_a << " " << m_b << " ipcomp " << CPI_WITH_SA << " -C deflate -R;\n"
               << "spdadd " << m_a << " " << m_b << "[" << PORT_ESP_ONLY
               << "] udp -P in ipsec esp/transport//require;\n";
        IpsecHelper().RunSetkeyString(victim, script.str(), "B");
        m_ipsec->SetAttribute("KameDecapHistory", BooleanValue(m_kameHistory));

        m_raw = Socket::CreateSocket(
            attacker, m_v6 ? Ipv6RawSocketFactory::GetTypeId() : Ipv4RawSocketFactory::GetTypeId());
        m_raw->SetAttribute("Protocol", UintegerValue(PROTO_IPCOMP));
        if (m_v6)
        {
            m_raw->Bind(Inet6SocketAddress(m_a.ToIpv6(), 0));
        }
        for (uint16_t port : {PORT_VICTIM, PORT_ESP_ONLY})
        {
            Ptr<Socket> sink = Socket::CreateSocket(victim, UdpSocketFactory::GetTypeId());
            if (m_v6)
            {
                sink->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), port));
            }
            else
            {
                sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
            }
            sink->SetRecvCallback(Callback<void, Ptr<Socket>>(
                [this](Ptr<Socket> s)
                {
                    Address from;
                    while (Ptr<Packet> p = s->RecvFrom(from))
                    {
                        m_received.push_back(PacketBytes(p));
                    }
                }));
        }
        m_ipsec->TraceConnectWithoutContext(
            "Drop",
            Callback<void, Ptr<const Packet>, bool, IpsecDropReason, const std::string&>(
                [this](Ptr<const Packet>, bool, IpsecDropReason cReason, const std::string&)
                {
                    const std::string c = IpsecDropReasonCounter(cReason);
                    m_drops.push_back(c);
                }));

        Build();
        m_verified = 0;
        const Time start = Seconds(3); // IPv6 addresses are usable by then
        for (size_t k = 0; k < m_steps.size(); ++k)
        {
            Time at = start + Seconds(k);
            Simulator::Schedule(at, &IpcompBadInputTestCase::Inject, this, k);
            Simulator::Schedule(at + MilliSeconds(500), &IpcompBadInputTestCase::Verify, this, k);
        }
        Simulator::Stop(start + Seconds(m_steps.size() + 1));
        Simulator::Run();
        NS_TEST_EXPECT_MSG_EQ(m_verified, m_steps.size(), "every injection processed (no crash)");
        Simulator::Destroy();
        m_steps.clear();
        m_raw = nullptr;
        m_ipsec = nullptr;
    }

    bool m_v6;
    bool m_kameHistory;
    IpsecAddress m_a;
    IpsecAddress m_b;
    Ptr<IpsecStack> m_ipsec;
    Ptr<Socket> m_raw;
    std::vector<Injection> m_steps;
    IpsecStats m_before;
    IpsecStats m_beforeOther;
    std::vector<std::string> m_drops;
    std::vector<Bytes> m_received;
    size_t m_verified{0};
};

} // namespace

class IpsecIpcompPathTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecIpcompPathTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-ipcomp-path", SYSTEM)
    {
        for (bool v6 : {false, true})
        {
            AddTestCase(new IpcompTransportTestCase(v6, false), TestCase::QUICK);
            AddTestCase(new IpcompTransportTestCase(v6, true), TestCase::QUICK);
        }
        for (bool v6 : {false, true})
        {
            AddTestCase(new IpcompEspBundleTestCase(v6), TestCase::QUICK);
        }
        for (bool v6 : {false, true})
        {
            AddTestCase(new IpcompTsharkTestCase(v6), TestCase::QUICK);
        }
        for (bool v6 : {false, true})
        {
            AddTestCase(new IpcompVpnTestCase(v6), TestCase::QUICK);
        }
        for (bool v6 : {false, true})
        {
            AddTestCase(new IpcompEnableTestCase(v6, true), TestCase::QUICK);
            AddTestCase(new IpcompEnableTestCase(v6, false), TestCase::QUICK);
        }
        for (bool v6 : {false, true})
        {
            AddTestCase(new IpcompBadInputTestCase(v6, false), TestCase::QUICK);
        }
        AddTestCase(new IpcompBadInputTestCase(false, true), TestCase::QUICK);
    }
};

static IpsecIpcompPathTestSuite g_ipsecIpcompPathTestSuite;
