/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ESP in UDP (RFC 3948) on the data path: what a UDP_ENCAP_ESPINUDP port
 * makes of a datagram (keepalive, the non-ESP marker, ESP), the transport
 * checksum fix-up against checksums computed here from first principles,
 * traffic over esp-udp SAs in transport and tunnel mode with the UDP
 * header on the wire read off the link, and the drops: wrong ports, an SA
 * without NAT-T, a bad UDP checksum, a keepalive of the wrong size.
 */
#include "common/ipsec-traffic-helper.h"
#include "ipsec-test-base.h"
#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/global-value.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipsec-module.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <map>
#include <vector>

using namespace ns3;

namespace
{

/// RFC 1071 checksum of the IPv4 pseudo-header and @p seg (the checksum
/// field is taken as it is in @p seg).
uint16_t
InternetChecksum(const std::string& src,
                 const std::string& dst,
                 uint8_t proto,
                 const std::vector<uint8_t>& seg)
{
    std::vector<uint8_t> b(12);
    Ipv4Address(src.c_str()).Serialize(b.data());
    Ipv4Address(dst.c_str()).Serialize(b.data() + 4);
    b[9] = proto;
    b[10] = static_cast<uint8_t>(seg.size() >> 8);
    b[11] = static_cast<uint8_t>(seg.size());
    b.insert(b.end(), seg.begin(), seg.end());
    if (b.size() % 2)
    {
        b.push_back(0);
    }
    uint32_t sum = 0;
    for (size_t i = 0; i < b.size(); i += 2)
    {
        sum += (b[i] << 8) | b[i + 1];
    }
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(~sum);
}

/// @p seg with its checksum (at @p at) computed over @p src and @p dst.
std::vector<uint8_t>
WithChecksum(std::vector<uint8_t> seg,
             uint32_t at,
             const std::string& src,
             const std::string& dst,
             uint8_t proto)
{
    seg[at] = 0;
    seg[at + 1] = 0;
    uint16_t c = InternetChecksum(src, dst, proto, seg);
    if (proto == 17 && c == 0)
    {
        c = 0xffff;
    }
    seg[at] = static_cast<uint8_t>(c >> 8);
    seg[at + 1] = static_cast<uint8_t>(c);
    return seg;
}

std::vector<uint8_t>
Bytes(Ptr<const Packet> p)
{
    std::vector<uint8_t> b(p->GetSize());
    p->CopyData(b.data(), b.size());
    return b;
}

/// A UDP segment: ports 1234 -> 5678, then @p payloadLen bytes 0x41...
std::vector<uint8_t>
UdpSegment(uint32_t payloadLen)
{
    std::vector<uint8_t> s{0x04, 0xd2, 0x16, 0x2e, 0, 0, 0, 0};
    uint32_t len = 8 + payloadLen;
    s[4] = static_cast<uint8_t>(len >> 8);
    s[5] = static_cast<uint8_t>(len);
    for (uint32_t i = 0; i < payloadLen; ++i)
    {
        s.push_back(static_cast<uint8_t>(0x41 + i));
    }
    return s;
}

/// A TCP segment of 20 header bytes (ACK) and @p payloadLen bytes.
std::vector<uint8_t>
TcpSegment(uint32_t payloadLen)
{
    std::vector<uint8_t> s{0x30, 0x39, 0x00, 0x50, 0,    0,    0, 1, 0, 0,
                           0,    2,    0x50, 0x10, 0xff, 0xff, 0, 0, 0, 0};
    for (uint32_t i = 0; i < payloadLen; ++i)
    {
        s.push_back(static_cast<uint8_t>(7 * i));
    }
    return s;
}

} // namespace

/**
 * What a UDP_ENCAP_ESPINUDP port makes of a datagram (RFC 3948 section 2,
 * NetBSD's udp4_espinudp): the one byte 0xFF is a keepalive, four zero
 * bytes the non-ESP marker in front of IKE, anything else ESP -- two bytes
 * 0xFF 0xFF included (a keepalive of the wrong size, which ESP input then
 * refuses as too short).
 */
class ClassifyTestCase : public TestCase
{
  public:
    ClassifyTestCase()
        : TestCase("classification: keepalive, non-ESP marker, ESP")
    {
    }

  private:
    static IpsecUdpEncapKind Classify(std::vector<uint8_t> payload)
    {
        std::vector<uint8_t> d{0x11, 0x94, 0x11, 0x94, 0, 0, 0, 0};
        d[5] = static_cast<uint8_t>(8 + payload.size());
        d.insert(d.end(), payload.begin(), payload.end());
        return IpsecClassifyUdpEncap(Create<Packet>(d.data(), d.size()));
    }

    void DoRun() override
    {
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(Classify({0xff})),
                              static_cast<int>(IpsecUdpEncapKind::KEEPALIVE),
                              "0xFF alone");
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(Classify({0xff, 0xff})),
                              static_cast<int>(IpsecUdpEncapKind::ESP),
                              "0xFF 0xFF is no keepalive");
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(Classify({0, 0, 0, 0, 1, 2, 3})),
                              static_cast<int>(IpsecUdpEncapKind::IKE),
                              "marker");
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(Classify({0, 0, 0})),
                              static_cast<int>(IpsecUdpEncapKind::ESP),
                              "three zero bytes are no marker");
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(Classify({0, 0, 0x10, 0x01, 0, 0, 0, 1})),
                              static_cast<int>(IpsecUdpEncapKind::ESP),
                              "an SPI");
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(Classify({})),
                              static_cast<int>(IpsecUdpEncapKind::ESP),
                              "empty: ESP input refuses it");

        // The header the output loop writes: ports, length, zero checksum.
        Ptr<Packet> p = Create<Packet>(20);
        IpsecPrependUdpEncap(p, 4500, 1025);
        std::vector<uint8_t> expect{0x11, 0x94, 0x04, 0x01, 0x00, 28, 0x00, 0x00};
        std::vector<uint8_t> got = Bytes(p);
        got.resize(8);
        NS_TEST_EXPECT_MSG_EQ((got == expect), true, "RFC 3948 section 2.1 header");
    }
};

/**
 * The transport-mode checksum fix-up (RFC 3948 section 3.1.2): a UDP or
 * TCP segment whose checksum was computed by its sender over its private
 * address 192.168.1.10 arrives from the NAT's 198.51.100.1.  Both ways --
 * RFC 1624's incremental update from the NAT-OA and NetBSD's recomputation
 * -- give the checksum computed here over the received addresses; a UDP
 * checksum of zero stays zero under the incremental update and is
 * computed by NetBSD's.  The receiver's own address, translated too
 * (203.0.113.5 -> 10.0.0.2), is handled as well.
 */
class ChecksumFixupTestCase : public TestCase
{
  public:
    ChecksumFixupTestCase()
        : TestCase("transport checksum fix-up: NAT-OA incremental update and recomputation")
    {
    }

  private:
    void Check(uint8_t proto, std::vector<uint8_t> seg, const std::string& what)
    {
        uint32_t at = proto == 6 ? 16 : 6;
        std::vector<uint8_t> sent = WithChecksum(seg, at, "192.168.1.10", "203.0.113.5", proto);
        std::vector<uint8_t> want = WithChecksum(seg, at, "198.51.100.1", "10.0.0.2", proto);
        NS_TEST_EXPECT_MSG_NE(sent[at] * 256 + sent[at + 1],
                              want[at] * 256 + want[at + 1],
                              what << ": the NAT changes the checksum");
        Ptr<Packet> inc = Create<Packet>(sent.data(), sent.size());
        NS_TEST_EXPECT_MSG_EQ(IpsecFixTransportChecksum(inc,
                                                        proto,
                                                        IpsecAddress(Ipv4Address("192.168.1.10")),
                                                        IpsecAddress(Ipv4Address("203.0.113.5")),
                                                        IpsecAddress(Ipv4Address("198.51.100.1")),
                                                        IpsecAddress(Ipv4Address("10.0.0.2"))),
                              true,
                              what);
        NS_TEST_EXPECT_MSG_EQ((Bytes(inc) == want), true, what << ": incremental update");
        Ptr<Packet> rec = Create<Packet>(sent.data(), sent.size());
        IpsecRecomputeTransportChecksum(rec,
                                        proto,
                                        IpsecAddress(Ipv4Address("198.51.100.1")),
                                        IpsecAddress(Ipv4Address("10.0.0.2")));
        NS_TEST_EXPECT_MSG_EQ((Bytes(rec) == want), true, what << ": recomputed");
    }

    void DoRun() override
    {
        for (uint32_t len : {0u, 1u, 2u, 33u, 1000u})
        {
            Check(17, UdpSegment(len), "UDP with " + std::to_string(len) + " bytes");
            Check(6, TcpSegment(len), "TCP with " + std::to_string(len) + " bytes");
        }
        // A zero UDP checksum: none to fix for RFC 1624, computed by NetBSD.
        std::vector<uint8_t> zero = UdpSegment(10);
        Ptr<Packet> inc = Create<Packet>(zero.data(), zero.size());
        IpsecFixTransportChecksum(inc,
                                  17,
                                  IpsecAddress(Ipv4Address("192.168.1.10")),
                                  IpsecAddress(Ipv4Address("10.0.0.2")),
                                  IpsecAddress(Ipv4Address("198.51.100.1")),
                                  IpsecAddress(Ipv4Address("10.0.0.2")));
        NS_TEST_EXPECT_MSG_EQ((Bytes(inc) == zero), true, "a zero UDP checksum stays zero");
        Ptr<Packet> rec = Create<Packet>(zero.data(), zero.size());
        IpsecRecomputeTransportChecksum(rec,
                                        17,
                                        IpsecAddress(Ipv4Address("198.51.100.1")),
                                        IpsecAddress(Ipv4Address("10.0.0.2")));
        NS_TEST_EXPECT_MSG_EQ((Bytes(rec) == WithChecksum(zero, 6, "198.51.100.1", "10.0.0.2", 17)),
                              true,
                              "NetBSD computes one");
    }
};

namespace
{

const char* const KEYS = "-E aes-cbc 0x00112233445566778899aabbccddeeff "
                         "-A hmac-sha1 0x0102030405060708090a0b0c0d0e0f1011121314";

/// esp-udp SAs between A (10.1.1.1) and B (20.1.1.1) on port 4500 both ways
/// (B's inbound SA 0x1001 expects the source port @p aPort), and the policies.
std::string
NattScript(bool tunnel, bool aSide, uint16_t aPort = 4500, const std::string& ulp = "any")
{
    std::string a = "10.1.1.1";
    std::string b = "20.1.1.1";
    std::string mode = tunnel ? "tunnel" : "transport";
    std::string s = "add " + a + "[" + std::to_string(aPort) + "] " + b
                  + "[4500] esp-udp 0x1001 -m " + mode + " " + KEYS + ";\n" + "add " + b + "[4500] "
                  + a + "[" + std::to_string(aPort) + "] esp-udp 0x1002 -m " + mode + " " + KEYS
                  + ";\n";
    std::string self = aSide ? a : b;
    std::string peer = aSide ? b : a;
    if (tunnel)
    {
        s += "spdadd " + self + " " + peer + " any -P out ipsec esp/tunnel/" + self + "-" + peer
           + "/require;\n" + "spdadd " + peer + " " + self + " any -P in ipsec esp/tunnel/" + peer
           + "-" + self + "/require;\n";
    }
    else
    {
        s += "spdadd " + self + " " + peer + " " + ulp + " -P out ipsec esp/transport//require;\n"
           + "spdadd " + peer + " " + self + " " + ulp + " -P in ipsec esp/transport//require;\n";
    }
    return s;
}

/// What A puts on its link: per IPv4 protocol, and the UDP datagrams' ports
/// and checksums.
struct Wire
{
    std::map<uint8_t, uint32_t> protocols;
    uint32_t udp4500{0};      ///< UDP 4500 -> 4500
    uint32_t zeroChecksum{0}; ///< of those, with a zero UDP checksum
    uint32_t espAfterUdp{0};  ///< of those, whose payload starts with SPI 0x1001
};

void
WatchWire(Ptr<NetDevice> dev, Wire* w)
{
    dev->TraceConnectWithoutContext(
        "PhyTxBegin",
        Callback<void, Ptr<const Packet>>(
            [w](Ptr<const Packet> p)
            {
                std::vector<uint8_t> b(p->GetSize());
                p->CopyData(b.data(), b.size());
                if (b.size() < 2 + 20 || b[0] != 0x00 || b[1] != 0x21)
                {
                    return; // not IPv4 over PPP
                }
                const uint8_t* ip = b.data() + 2;
                w->protocols[ip[9]]++;
                uint32_t hl = (ip[0] & 0x0f) * 4;
                bool first = ((ip[6] & 0x1f) | ip[7]) == 0;
                if (ip[9] != 17 || !first || b.size() < 2 + hl + 16)
                {
                    return;
                }
                const uint8_t* u = ip + hl;
                if (((u[0] << 8) | u[1]) == 4500 && ((u[2] << 8) | u[3]) == 4500)
                {
                    w->udp4500++;
                    w->zeroChecksum += u[6] == 0 && u[7] == 0;
                    w->espAfterUdp += u[8] == 0 && u[9] == 0 && u[10] == 0x10 && u[11] == 0x01;
                }
            }));
}

} // namespace

/**
 * Traffic over esp-udp SAs (A and B with UDP_ENCAP_ESPINUDP on port 4500,
 * no NAT): every datagram A sends leaves as UDP 4500 -> 4500 with a zero
 * checksum and the ESP header of SA 0x1001 behind it (read off the link),
 * none as protocol 50 or plaintext; UDP echo, ping and a TCP transfer all
 * arrive, in transport and in tunnel mode, and the counters match the wire.
 * A 3000-byte datagram is fragmented after encapsulation and arrives.
 */
class EndToEndTestCase : public TestCase
{
  public:
    EndToEndTestCase(bool tunnel)
        : TestCase(std::string("ESP in UDP end to end, ") + (tunnel ? "tunnel" : "transport")
                   + " mode")
        , m_tunnel(tunnel)
    {
    }

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        IpsecHostToHostHelper topo;
        topo.Build();
        IpsecStackHelper().AssignStreams(topo.GetNodes(), 11);
        IpsecHelper ipsec;
        ipsec.RunSetkeyString(topo.GetHostA(), NattScript(m_tunnel, true), "A");
        ipsec.RunSetkeyString(topo.GetHostB(), NattScript(m_tunnel, false), "B");
        Ptr<IpsecStack> sa = topo.GetHostA()->GetObject<IpsecStack>();
        Ptr<IpsecStack> sb = topo.GetHostB()->GetObject<IpsecStack>();
        sa->SetUdpEncapPort(4500, true);
        sb->SetUdpEncapPort(4500, true);
        Wire wire;
        WatchWire(topo.GetDevices().Get(0), &wire);

        IpsecTrafficHelper traffic;
        traffic.SetTcpBytes(100000);
        Simulator::Stop(traffic.Install(
            topo.GetHostA(), topo.GetAddressA(), topo.GetHostB(), topo.GetAddressB()));
        // One datagram larger than the link's MTU: fragmented once encapsulated.
        std::vector<uint32_t> big;
        Ptr<Socket> sink = Socket::CreateSocket(topo.GetHostB(), UdpSocketFactory::GetTypeId());
        sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), 7000));
        sink->SetRecvCallback(MakeCallback(+[](std::vector<uint32_t>* v, Ptr<Socket> s)
                                           {
                                               while (Ptr<Packet> p = s->Recv())
                                               {
                                                   v->push_back(p->GetSize());
                                               }
                                           })
                                  .Bind(&big));
        Ptr<Socket> src = Socket::CreateSocket(topo.GetHostA(), UdpSocketFactory::GetTypeId());
        Simulator::Schedule(MilliSeconds(500),
                            [src]()
                            {
                                src->SendTo(Create<Packet>(3000),
                                            0,
                                            InetSocketAddress(Ipv4Address("20.1.1.1"), 7000));
                            });
        Simulator::Run();
        NS_TEST_EXPECT_MSG_EQ(big.size(), 1u, "the 3000-byte datagram arrived");
        NS_TEST_EXPECT_MSG_EQ((big.size() == 1 && big[0] == 3000), true, "whole");
        for (const IpsecFlowResult& f : traffic.GetResults())
        {
            NS_TEST_EXPECT_MSG_GT(f.sent, 0u, f.name + " sent");
            NS_TEST_EXPECT_MSG_EQ(f.received, f.sent, f.name + " delivered completely");
        }
        const IpsecStats& a = sa->GetStats(false);
        const IpsecStats& b = sb->GetStats(false);
        NS_TEST_EXPECT_MSG_GT(a.out_success, 50u, "A protected its traffic");
        NS_TEST_EXPECT_MSG_EQ(wire.protocols[50], 0u, "no bare ESP");
        NS_TEST_EXPECT_MSG_EQ(wire.protocols[6] + wire.protocols[1], 0u, "no plaintext TCP, ICMP");
        NS_TEST_EXPECT_MSG_EQ(wire.udp4500, a.out_success, "one UDP 4500 datagram per output");
        NS_TEST_EXPECT_MSG_EQ(wire.zeroChecksum, wire.udp4500, "all with a zero checksum");
        NS_TEST_EXPECT_MSG_EQ(wire.espAfterUdp, wire.udp4500, "SA 0x1001's ESP behind each");
        NS_TEST_EXPECT_MSG_EQ(b.in_success, a.out_success, "B decapsulated all of it");
        NS_TEST_EXPECT_MSG_EQ(a.in_success, b.out_success, "and A all of B's");
        NS_TEST_EXPECT_MSG_EQ(a.in_polvio + b.in_polvio + a.in_inval + b.in_inval + a.in_nosa
                                  + b.in_nosa,
                              0u,
                              "no drops");
        Simulator::Destroy();
    }

    bool m_tunnel;
};

namespace
{

/// Sends @p payload from @p socket (bound on A) to B's port 4500 at @p at.
void
SendRaw(Ptr<Socket> socket, std::vector<uint8_t> payload, Time at)
{
    Simulator::Schedule(at,
                        [socket, payload]()
                        {
                            socket->SendTo(Create<Packet>(payload.data(), payload.size()),
                                           0,
                                           InetSocketAddress(Ipv4Address("20.1.1.1"), 4500));
                        });
}

/// A UDP socket on @p node bound to @p port.
Ptr<Socket>
BoundSocket(Ptr<Node> node, uint16_t port)
{
    Ptr<Socket> s = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
    s->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
    return s;
}

} // namespace

/**
 * Datagrams to B's UDP_ENCAP_ESPINUDP port 4500, sent by a plain UDP socket
 * on A (so with ns-3's non-zero checksum): a keepalive is consumed (counted
 * and traced, never delivered); the non-ESP marker with what follows goes
 * to the socket bound there; two bytes 0xFF 0xFF are ESP too short for its
 * header (in_inval); ESP for SA 0x1001 from port 4501 finds no SA, the
 * SA's port being 4500 (in_nosa, as NetBSD's key_allocsa with ports);
 * ESP to an SA without NAT-T (0x2001) finds none either; and ESP from the
 * right port reaches the SA and fails its ICV (in_espauthfail).  Every
 * drop fires the Drop trace with its reason.
 */
class BadInputTestCase : public TestCase
{
  public:
    BadInputTestCase()
        : TestCase("keepalives, the non-ESP marker, wrong ports, SAs without NAT-T, bad ICVs")
    {
    }

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        IpsecHostToHostHelper topo;
        topo.Build();
        IpsecStackHelper().AssignStreams(topo.GetNodes(), 3);
        IpsecHelper ipsec;
        std::string plain = std::string("add 10.1.1.1 20.1.1.1 esp 0x2001 ") + KEYS + ";\n";
        // The policy covers ICMP only: the marked datagram is IKE's, which
        // racoon's socket lets through with its bypass policy.
        ipsec.RunSetkeyString(topo.GetHostB(), NattScript(false, false, 4500, "icmp") + plain, "B");
        Ptr<IpsecStack> sb = topo.GetHostB()->GetObject<IpsecStack>();
        sb->SetUdpEncapPort(4500, true);
        std::vector<IpsecDropReason> drops;
        sb->TraceConnectWithoutContext(
            "Drop",
            Callback<void, Ptr<const Packet>, bool, IpsecDropReason, const std::string&>(
                [&drops](Ptr<const Packet>, bool, IpsecDropReason r, const std::string&)
                {
                    drops.push_back(r);
                }));
        uint32_t keepalives = 0;
        sb->TraceConnectWithoutContext(
            "UdpEncapKeepalive",
            Callback<void, Ptr<const Packet>, Ipv4Address, uint16_t>(
                [&keepalives](Ptr<const Packet> p, Ipv4Address src, uint16_t sport)
                {
                    keepalives
                        += p->GetSize() == 9 && src == Ipv4Address("10.1.1.1") && sport == 4500;
                }));
        // IKE's socket on B.
        std::vector<std::vector<uint8_t>> received;
        Ptr<Socket> ike = Socket::CreateSocket(topo.GetHostB(), UdpSocketFactory::GetTypeId());
        ike->Bind(InetSocketAddress(Ipv4Address::GetAny(), 4500));
        ike->SetRecvCallback(MakeCallback(+[](std::vector<std::vector<uint8_t>>* r, Ptr<Socket> s)
                                          {
                                              while (Ptr<Packet> p = s->Recv())
                                              {
                                                  r->push_back(Bytes(p));
                                              }
                                          })
                                 .Bind(&received));

        std::vector<uint8_t> esp1001{0, 0, 0x10, 0x01, 0, 0, 0, 1};
        esp1001.resize(8 + 16 + 16 + 12, 0x5a); // IV, one block, ICV
        std::vector<uint8_t> esp2001 = esp1001;
        esp2001[2] = 0x20;
        Ptr<Socket> a4500 = BoundSocket(topo.GetHostA(), 4500);
        Ptr<Socket> a4501 = BoundSocket(topo.GetHostA(), 4501);
        SendRaw(a4500, {0xff}, Seconds(1));
        SendRaw(a4500, {0, 0, 0, 0, 0xaa, 0xbb}, Seconds(2));
        SendRaw(a4500, {0xff, 0xff}, Seconds(3));
        SendRaw(a4501, esp1001, Seconds(4));
        SendRaw(a4500, esp2001, Seconds(5));
        SendRaw(a4500, esp1001, Seconds(6));
        Simulator::Run();

        const IpsecStats& b = sb->GetStats(false);
        NS_TEST_EXPECT_MSG_EQ(sb->GetUdpEncapKeepalives(), 1u, "one keepalive counted");
        NS_TEST_EXPECT_MSG_EQ(keepalives, 1u, "and traced with its source");
        NS_TEST_ASSERT_MSG_EQ(received.size(), 1u, "only the marked datagram reached the socket");
        std::vector<uint8_t> marked{0, 0, 0, 0, 0xaa, 0xbb};
        NS_TEST_EXPECT_MSG_EQ(
            (!received.empty() && received[0] == marked), true, "with its marker");
        NS_TEST_EXPECT_MSG_EQ(b.in_inval, 1u, "0xFF 0xFF: too short for ESP");
        NS_TEST_EXPECT_MSG_EQ(b.in_nosa, 2u, "wrong port, SA without NAT-T");
        NS_TEST_EXPECT_MSG_EQ(b.in_espauthfail, 1u, "the right port reaches the ICV check");
        NS_TEST_EXPECT_MSG_EQ(b.in_success, 0u, "nothing decapsulated");
        std::vector<IpsecDropReason> expect{IpsecDropReason::IN_INVALID,
                                            IpsecDropReason::IN_NO_SA,
                                            IpsecDropReason::IN_NO_SA,
                                            IpsecDropReason::IN_ESP_AUTH_FAILED};
        NS_TEST_EXPECT_MSG_EQ((drops == expect), true, "each drop traced with its reason");
        Simulator::Destroy();
    }
};

/**
 * A hand-made ESP-in-UDP datagram with a wrong non-zero UDP checksum is
 * dropped before ESP (udps_badsum, traced); the same with a zero checksum
 * (RFC 768: none) reaches ESP.  Sent through a raw socket so that the UDP
 * header is this test's.
 */
class BadChecksumTestCase : public TestCase
{
  public:
    BadChecksumTestCase()
        : TestCase("a wrong UDP checksum on ESP in UDP is dropped, a zero one is none")
    {
    }

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        IpsecHostToHostHelper topo;
        topo.Build();
        IpsecHelper ipsec;
        ipsec.RunSetkeyString(topo.GetHostB(), NattScript(false, false), "B");
        Ptr<IpsecStack> sb = topo.GetHostB()->GetObject<IpsecStack>();
        sb->SetUdpEncapPort(4500, true);
        std::vector<IpsecDropReason> drops;
        sb->TraceConnectWithoutContext(
            "Drop",
            Callback<void, Ptr<const Packet>, bool, IpsecDropReason, const std::string&>(
                [&drops](Ptr<const Packet>, bool, IpsecDropReason r, const std::string&)
                {
                    drops.push_back(r);
                }));
        Ptr<Socket> raw = Socket::CreateSocket(topo.GetHostA(),
                                               TypeId::LookupByName("ns3::Ipv4RawSocketFactory"));
        raw->SetAttribute("Protocol", UintegerValue(17));
        std::vector<uint8_t> d{0x11, 0x94, 0x11, 0x94, 0, 0, 0, 0, 0, 0, 0x10, 0x01, 0, 0, 0, 1};
        d.resize(8 + 8 + 16 + 16 + 12, 0x5a);
        d[5] = static_cast<uint8_t>(d.size());
        std::vector<uint8_t> bad = d;
        bad[6] = 0x12;
        bad[7] = 0x34;
        Simulator::Schedule(Seconds(1),
                            [&]()
                            {
                                raw->SendTo(Create<Packet>(bad.data(), bad.size()),
                                            0,
                                            InetSocketAddress(Ipv4Address("20.1.1.1"), 0));
                                raw->SendTo(Create<Packet>(d.data(), d.size()),
                                            0,
                                            InetSocketAddress(Ipv4Address("20.1.1.1"), 0));
                            });
        Simulator::Run();
        std::vector<IpsecDropReason> expect{IpsecDropReason::UDP_BAD_CHECKSUM,
                                            IpsecDropReason::IN_ESP_AUTH_FAILED};
        NS_TEST_EXPECT_MSG_EQ((drops == expect), true, "bad checksum, then the ICV check");
        Simulator::Destroy();
    }
};

/**
 * Transport-mode ESP in UDP through a real NAT (Ipv4Nat), set up by hand:
 * the road warrior rw (192.168.1.10) and the gateway gw (198.51.100.2),
 * the NAT's outside address 198.51.100.1 (port 4500 kept).  The gateway's
 * inbound SA names the NAT's address and, with @p natOa, the road
 * warrior's own address as its NAT-OA (setkey's "esp-udp OA").  TCP, UDP
 * echo and ping both ways arrive whole: the TCP and UDP checksums that rw
 * computed over its private address (and gw over the NAT's) are fixed
 * after decapsulation -- by NetBSD's recomputation, or with NatOaChecksum
 * by RFC 3948's incremental update from the NAT-OA (rw's inbound SA has
 * none and is recomputed).  Without any fix-up TCP would deliver nothing:
 * ns-3's TCP and UDP verify their checksums here.
 */
class TransportThroughNatTestCase : public TestCase
{
  public:
    explicit TransportThroughNatTestCase(bool natOa)
        : TestCase(std::string("transport mode through a NAT, checksums ")
                   + (natOa ? "updated from the NAT-OA" : "recomputed (NetBSD)"))
        , m_natOa(natOa)
    {
    }

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        Config::SetDefault("ns3::IpsecStack::NatOaChecksum", BooleanValue(m_natOa));
        Ptr<Node> rw = CreateObject<Node>();
        Ptr<Node> nat = CreateObject<Node>();
        Ptr<Node> gw = CreateObject<Node>();
        IpsecStackHelper().Install(NodeContainer(rw, gw));
        InternetStackHelper().Install(nat);
        IpsecStackHelper().AssignStreams(NodeContainer(rw, gw), 5);
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
        p2p.SetChannelAttribute("Delay", StringValue("2ms"));
        NetDeviceContainer lan = p2p.Install(rw, nat);
        NetDeviceContainer wan = p2p.Install(nat, gw);
        Ipv4AddressHelper addr;
        addr.SetBase("192.168.1.0", "255.255.255.0", "0.0.0.10");
        addr.Assign(lan.Get(0));
        addr.SetBase("192.168.1.0", "255.255.255.0", "0.0.0.1");
        addr.Assign(lan.Get(1));
        addr.SetBase("198.51.100.0", "255.255.255.0");
        addr.Assign(wan);
        Ipv4StaticRoutingHelper srh;
        srh.GetStaticRouting(rw->GetObject<Ipv4>())->SetDefaultRoute("192.168.1.1", 1);
        Ipv4NatHelper().Install(nat, lan.Get(1), wan.Get(0));

        std::string keys = KEYS;
        std::string rwScript
            = "add 192.168.1.10[4500] 198.51.100.2[4500] esp-udp 0x1001 -m transport " + keys
            + ";\nadd 198.51.100.2[4500] 192.168.1.10[4500] esp-udp 0x1002 -m transport " + keys
            + ";\nspdadd 192.168.1.10 198.51.100.2 any -P out ipsec esp/transport//require;\n"
              "spdadd 198.51.100.2 192.168.1.10 any -P in ipsec esp/transport//require;\n";
        std::string gwScript
            = "add 198.51.100.1[4500] 198.51.100.2[4500] esp-udp 192.168.1.10 0x1001 -m transport "
            + keys + ";\nadd 198.51.100.2[4500] 198.51.100.1[4500] esp-udp 0x1002 -m transport "
            + keys
            + ";\nspdadd 198.51.100.2 198.51.100.1 any -P out ipsec esp/transport//require;\n"
              "spdadd 198.51.100.1 198.51.100.2 any -P in ipsec esp/transport//require;\n";
        IpsecHelper ipsec;
        ipsec.RunSetkeyString(rw, rwScript, "rw");
        ipsec.RunSetkeyString(gw, gwScript, "gw");
        rw->GetObject<IpsecStack>()->SetUdpEncapPort(4500, true);
        gw->GetObject<IpsecStack>()->SetUdpEncapPort(4500, true);

        IpsecTrafficHelper out;
        out.SetTcpBytes(100000);
        Time t = out.Install(rw,
                             IpsecAddress(Ipv4Address("192.168.1.10")),
                             gw,
                             IpsecAddress(Ipv4Address("198.51.100.2")));
        // Back to the road warrior, through the NAT's mapping (its UDP
        // timeout is longer than the run).
        IpsecTrafficHelper back;
        back.SetStart(t);
        back.SetPorts(8007, 6001);
        back.SetPingIdentifier(0x2222);
        back.SetTcpBytes(100000);
        // The gateway knows the road warrior as the NAT's address.
        Time end = back.Install(gw,
                                IpsecAddress(Ipv4Address("198.51.100.2")),
                                rw,
                                IpsecAddress(Ipv4Address("198.51.100.1")));
        Simulator::Stop(end);
        Simulator::Run();
        for (const auto* h : {&out, &back})
        {
            for (const IpsecFlowResult& f : h->GetResults())
            {
                NS_TEST_EXPECT_MSG_GT(f.sent, 0u, f.name + " sent");
                NS_TEST_EXPECT_MSG_EQ(f.received, f.sent, f.name + " delivered whole");
            }
        }
        const IpsecStats& g = gw->GetObject<IpsecStack>()->GetStats(false);
        const IpsecStats& r = rw->GetObject<IpsecStack>()->GetStats(false);
        NS_TEST_EXPECT_MSG_GT(g.in_success, 50u, "the gateway decapsulated rw's traffic");
        NS_TEST_EXPECT_MSG_EQ(g.in_success, r.out_success, "all of it");
        NS_TEST_EXPECT_MSG_EQ(r.in_success, g.out_success, "and rw all of the gateway's");
        Simulator::Destroy();
        Config::Reset();
    }

    bool m_natOa;
};

/// The suite.
class IpsecUdpEncapTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecUdpEncapTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-udp-encap", UNIT)
    {
        AddTestCase(new ClassifyTestCase, TestCase::QUICK);
        AddTestCase(new ChecksumFixupTestCase, TestCase::QUICK);
        AddTestCase(new EndToEndTestCase(false), TestCase::QUICK);
        AddTestCase(new EndToEndTestCase(true), TestCase::QUICK);
        AddTestCase(new BadInputTestCase, TestCase::QUICK);
        AddTestCase(new BadChecksumTestCase, TestCase::QUICK);
        AddTestCase(new TransportThroughNatTestCase(false), TestCase::QUICK);
        AddTestCase(new TransportThroughNatTestCase(true), TestCase::QUICK);
    }
};

/// The suite's instance.
static IpsecUdpEncapTestSuite g_ipsecUdpEncapTestSuite;
