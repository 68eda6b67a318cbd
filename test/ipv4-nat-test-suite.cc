/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The NAT box (Ipv4Nat, Ipv4NatRouting, Ipv4NatHelper): inside hosts and an
 * outside server through a NAT router, with checksums enabled.  The bytes
 * on the wire are checked by this file's own decoder (IPv4 header checksum,
 * UDP/TCP checksums with the pseudo-header, ICMP checksums, the datagram an
 * ICMP error quotes), independent of the NAT's incremental updates.
 */
#include "ipsec-test-base.h"
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-apps-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-stack-helper.h"
#include "ns3/ipv4-nat-helper.h"
#include "ns3/ipv4-nat-routing.h"
#include "ns3/ipv4-nat.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <functional>
#include <iomanip>
#include <sstream>

using namespace ns3;

namespace
{

using Bytes = std::vector<uint8_t>;

/// Assert a container's size, and end the case if it is wrong (the runner
/// continues after a failed assertion; the elements are read next).
#define NAT_REQUIRE_SIZE(v, n, msg)                    \
    NS_TEST_ASSERT_MSG_EQ((v).size(), size_t(n), msg); \
    if ((v).size() != size_t(n))                       \
    {                                                  \
        Simulator::Destroy();                          \
        return;                                        \
    }

uint16_t
G16(const Bytes& b, size_t o)
{
    return uint16_t((b[o] << 8) | b[o + 1]);
}

uint32_t
G32(const Bytes& b, size_t o)
{
    return (uint32_t(G16(b, o)) << 16) | G16(b, o + 2);
}

/// One's complement sum of bytes (an odd last byte padded with zero).
uint32_t
Sum(const Bytes& b, size_t off, size_t len, uint32_t acc = 0)
{
    for (size_t i = 0; i < len; i += 2)
    {
        uint16_t w = uint16_t(b[off + i] << 8);
        if (i + 1 < len)
        {
            w |= b[off + i + 1];
        }
        acc += w;
    }
    return acc;
}

uint16_t
Fold(uint32_t acc)
{
    while (acc >> 16)
    {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    return uint16_t(acc);
}

/// Whether an IPv4 datagram's header checksum and (unfragmented) transport
/// checksum are right; *why says what is wrong.
bool
ChecksumsOk(const Bytes& d, std::string* why)
{
    if (d.size() < 20)
    {
        *why = "short";
        return false;
    }
    size_t ihl = (d[0] & 0x0f) * 4u;
    if (Fold(Sum(d, 0, ihl)) != 0xffff)
    {
        *why = "ip header checksum";
        return false;
    }
    uint16_t frag = G16(d, 6);
    if ((frag & 0x3fff) != 0)
    {
        return true; // a fragment: the transport checksum spans the datagram
    }
    uint8_t proto = d[9];
    size_t len = G16(d, 2) - ihl;
    if (proto == 17 || proto == 6)
    {
        if (proto == 17 && G16(d, ihl + 6) == 0)
        {
            return true;
        }
        uint32_t acc = Sum(d, 12, 8); // the pseudo-header's addresses
        acc += proto + len;
        if (Fold(Sum(d, ihl, len, acc)) != 0xffff)
        {
            *why = proto == 17 ? "udp checksum" : "tcp checksum";
            return false;
        }
    }
    if (proto == 1 && Fold(Sum(d, ihl, len)) != 0xffff)
    {
        *why = "icmp checksum";
        return false;
    }
    return true;
}

Bytes
ToBytes(Ptr<const Packet> p)
{
    Bytes b(p->GetSize());
    p->CopyData(b.data(), b.size());
    return b;
}

/// The network: inside hosts a (10.0.0.2) and b (10.0.0.3) on a CSMA LAN with
/// the router r (10.0.0.1); r (192.0.2.1) and the server s (192.0.2.2) on a
/// point-to-point link.  Global routing, populated after the NAT is installed.
struct Net
{
    Ptr<Node> a;                            ///< inside host
    Ptr<Node> b;                            ///< inside host
    Ptr<Node> r;                            ///< the NAT router
    Ptr<Node> s;                            ///< outside server
    Ptr<Ipv4Nat> nat;                       ///< r's NAT
    std::vector<Bytes> sRx;                 ///< datagrams s received (with IPv4 header)
    std::vector<Bytes> aRx;                 ///< datagrams a received
    std::vector<Bytes> bRx;                 ///< datagrams b received
    std::vector<Bytes> aTx;                 ///< datagrams a sent
    std::vector<Ipv4Nat::DropReason> drops; ///< the NAT's Drop trace
    Ipv4Address aAddr{"10.0.0.2"};          ///< a's address
    Ipv4Address bAddr{"10.0.0.3"};          ///< b's address
    Ipv4Address rOut{"192.0.2.1"};          ///< r's outside address
    Ipv4Address sAddr{"192.0.2.2"};         ///< s's address
};

void
Tap(Ptr<Node> n, const std::string& trace, std::vector<Bytes>* into)
{
    n->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
        trace,
        Callback<void, Ptr<const Packet>, Ptr<Ipv4>, uint32_t>(
            [into](Ptr<const Packet> p, Ptr<Ipv4>, uint32_t)
            {
                into->push_back(ToBytes(p));
            }));
}

std::unique_ptr<Net>
BuildNet(const Ipv4NatHelper& helper, bool ipsecRouter = false, bool install = true)
{
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    auto net = std::make_unique<Net>();
    net->a = CreateObject<Node>();
    net->b = CreateObject<Node>();
    net->r = CreateObject<Node>();
    net->s = CreateObject<Node>();
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.Install(NodeContainer(net->a, net->b, net->s));
    if (ipsecRouter)
    {
        IpsecStackHelper ipsec;
        ipsec.SetIpv6StackInstall(false);
        ipsec.Install(NodeContainer(net->r));
    }
    else
    {
        stack.Install(net->r);
    }
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    NetDeviceContainer lan = csma.Install(NodeContainer(net->r, net->a, net->b));
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("2ms"));
    NetDeviceContainer wan = p2p.Install(net->r, net->s);
    Ipv4AddressHelper addr;
    addr.SetBase("10.0.0.0", "255.255.255.0");
    addr.Assign(lan);
    addr.SetBase("192.0.2.0", "255.255.255.0");
    addr.Assign(wan);
    if (install)
    {
        net->nat = helper.Install(net->r, lan.Get(0), wan.Get(0));
        Ipv4NatHelper::AssignStreams(NodeContainer(net->r), 7);
        auto* drops = &net->drops;
        net->nat->TraceConnectWithoutContext(
            "Drop",
            Callback<void, Ptr<const Packet>, const Ipv4Header&, Ipv4Nat::DropReason>(
                [drops](Ptr<const Packet>, const Ipv4Header&, Ipv4Nat::DropReason r)
                {
                    drops->push_back(r);
                }));
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    Tap(net->s, "Rx", &net->sRx);
    Tap(net->a, "Rx", &net->aRx);
    Tap(net->b, "Rx", &net->bRx);
    Tap(net->a, "Tx", &net->aTx);
    return net;
}

/// A UDP socket bound to a port (0: any) whose datagrams go to a function.
Ptr<Socket>
Udp(Ptr<Node> n,
    uint16_t port,
    std::function<void(Ptr<Socket>, Ptr<Packet>, InetSocketAddress)> f,
    Ipv4Address local = Ipv4Address::GetAny())
{
    Ptr<Socket> s = Socket::CreateSocket(n, UdpSocketFactory::GetTypeId());
    s->Bind(InetSocketAddress(local, port));
    s->SetRecvCallback(Callback<void, Ptr<Socket>>(
        [f](Ptr<Socket> sock)
        {
            Address from;
            while (Ptr<Packet> p = sock->RecvFrom(from))
            {
                if (f)
                {
                    f(sock, p, InetSocketAddress::ConvertFrom(from));
                }
            }
        }));
    return s;
}

void
SendTo(Ptr<Socket> s, uint32_t size, Ipv4Address to, uint16_t port)
{
    s->SendTo(Create<Packet>(size), 0, InetSocketAddress(to, port));
}

/// Every datagram's checksums checked; returns the first failure.
std::string
CheckAll(const std::vector<Bytes>& ds)
{
    for (const Bytes& d : ds)
    {
        std::string why;
        if (!ChecksumsOk(d, &why))
        {
            std::ostringstream os;
            os << why << " in";
            for (uint8_t x : d)
            {
                os << " " << std::hex << std::setw(2) << std::setfill('0') << unsigned(x);
            }
            return os.str();
        }
    }
    return "";
}

/// A UDP echo server on s's port 9 that remembers who it saw.
struct Echo
{
    std::vector<InetSocketAddress> seen; ///< sources of the datagrams
    std::vector<uint32_t> sizes;         ///< their sizes
    Ptr<Socket> sock;                    ///< the socket
};

std::shared_ptr<Echo>
EchoServer(Ptr<Node> s, uint16_t port = 9)
{
    auto e = std::make_shared<Echo>();
    Echo* raw = e.get();
    e->sock = Udp(s,
                  port,
                  [raw](Ptr<Socket> sock, Ptr<Packet> p, InetSocketAddress from)
                  {
                      raw->seen.push_back(from);
                      raw->sizes.push_back(p->GetSize());
                      sock->SendTo(p, 0, from);
                  });
    return e;
}

// ---------------------------------------------------------------------------

class NatUdpTest : public TestCase
{
  public:
    NatUdpTest()
        : TestCase("UDP through the NAT: port preservation, a second host's port, echo back, "
                   "checksums, the table")
    {
    }

  private:
    void DoRun() override
    {
        Ipv4NatHelper helper;
        auto net = BuildNet(helper);
        auto echo = EchoServer(net->s);
        int aGot = 0;
        int bGot = 0;
        Ptr<Socket> sa = Udp(net->a,
                             5000,
                             [&](Ptr<Socket>, Ptr<Packet>, InetSocketAddress from)
                             {
                                 aGot += from.GetIpv4() == net->sAddr && from.GetPort() == 9;
                             });
        Ptr<Socket> sb = Udp(net->b,
                             5000,
                             [&](Ptr<Socket>, Ptr<Packet>, InetSocketAddress from)
                             {
                                 bGot += from.GetIpv4() == net->sAddr && from.GetPort() == 9;
                             });
        std::vector<Ipv4NatMapping> created;
        net->nat->TraceConnectWithoutContext("MappingCreated",
                                             Callback<void, const Ipv4NatMapping&>(
                                                 [&](const Ipv4NatMapping& m)
                                                 {
                                                     created.push_back(m);
                                                 }));
        Simulator::Schedule(Seconds(1), &SendTo, sa, 100, net->sAddr, 9);
        Simulator::Schedule(Seconds(2), &SendTo, sb, 100, net->sAddr, 9);
        Simulator::Schedule(Seconds(3), &SendTo, sa, 100, net->sAddr, 9);
        std::string table;
        Simulator::Schedule(Seconds(4),
                            [&]()
                            {
                                std::ostringstream os;
                                net->nat->Print(os);
                                table = os.str();
                            });
        Simulator::Stop(Seconds(5));
        Simulator::Run();
        NAT_REQUIRE_SIZE(echo->seen, 3, "the server got the three datagrams");
        NS_TEST_ASSERT_MSG_EQ(echo->seen[0].GetIpv4(), net->rOut, "from the outside address");
        NS_TEST_ASSERT_MSG_EQ(echo->seen[0].GetPort(), 5000, "a's port kept");
        NS_TEST_ASSERT_MSG_EQ(echo->seen[1].GetIpv4(), net->rOut, "b from the outside address");
        NS_TEST_ASSERT_MSG_EQ(
            echo->seen[1].GetPort(), 1024, "b's 5000 taken: the first of the range");
        NS_TEST_ASSERT_MSG_EQ(echo->seen[2].GetPort(), 5000, "a's mapping reused");
        NS_TEST_ASSERT_MSG_EQ(aGot, 2, "a got both echoes");
        NS_TEST_ASSERT_MSG_EQ(bGot, 1, "b got its echo");
        NAT_REQUIRE_SIZE(created, 2, "two mappings made");
        NS_TEST_ASSERT_MSG_EQ(created[1].insideAddress, net->bAddr, "b's mapping");
        NS_TEST_ASSERT_MSG_EQ(created[1].outsidePort, 1024, "b's mapping's port");
        NS_TEST_ASSERT_MSG_EQ(net->nat->GetStats().translatedOut, 3, "three out");
        NS_TEST_ASSERT_MSG_EQ(net->nat->GetStats().translatedIn, 3, "three in");
        NS_TEST_ASSERT_MSG_EQ(CheckAll(net->sRx), "", "checksums at the server");
        NS_TEST_ASSERT_MSG_EQ(CheckAll(net->aRx), "", "checksums at a");
        NS_TEST_ASSERT_MSG_EQ(CheckAll(net->bRx), "", "checksums at b");
        // The server's view, decoded: source 192.0.2.1, port 5000.
        NAT_REQUIRE_SIZE(net->sRx, 3, "three datagrams at the server");
        NS_TEST_ASSERT_MSG_EQ(net->aRx.empty(), false, "a received");
        if (net->aRx.empty())
        {
            Simulator::Destroy();
            return;
        }
        NS_TEST_ASSERT_MSG_EQ(G32(net->sRx[0], 12), 0xc0000201u, "source on the wire");
        NS_TEST_ASSERT_MSG_EQ(G16(net->sRx[0], 20), 5000, "source port on the wire");
        NS_TEST_ASSERT_MSG_EQ(G32(net->aRx[0], 16), 0x0a000002u, "a's address on the wire");
        NS_TEST_ASSERT_MSG_EQ(G16(net->aRx[0], 22), 5000, "a's port on the wire");
        NS_TEST_ASSERT_MSG_NE(
            table.find("MAP udp 10.0.0.2 5000 <- -> 192.0.2.1 5000 [192.0.2.2 9]"),
            std::string::npos,
            table);
        NS_TEST_ASSERT_MSG_NE(
            table.find("MAP udp 10.0.0.3 5000 <- -> 192.0.2.1 1024 [192.0.2.2 9]"),
            std::string::npos,
            table);
        Simulator::Destroy();
    }
};

class NatPingTest : public TestCase
{
  public:
    NatPingTest()
        : TestCase("ICMP echo through the NAT (identifier mapping, ICMP checksum on the wire); "
                   "a ping of the router's outside address is the router's")
    {
    }

  private:
    void DoRun() override
    {
        Ipv4NatHelper helper;
        auto net = BuildNet(helper);
        V4PingHelper ping(net->sAddr);
        ping.SetAttribute("Interval", TimeValue(Seconds(1)));
        ApplicationContainer apps = ping.Install(net->a);
        apps.Start(Seconds(1));
        apps.Stop(Seconds(3.5));
        int replies = 0;
        apps.Get(0)->TraceConnectWithoutContext("Rtt",
                                                Callback<void, Time>(
                                                    [&](Time)
                                                    {
                                                        ++replies;
                                                    }));
        V4PingHelper ping2(net->rOut);
        ApplicationContainer apps2 = ping2.Install(net->s);
        apps2.Start(Seconds(1));
        apps2.Stop(Seconds(2.5));
        int routerReplies = 0;
        apps2.Get(0)->TraceConnectWithoutContext("Rtt",
                                                 Callback<void, Time>(
                                                     [&](Time)
                                                     {
                                                         ++routerReplies;
                                                     }));
        Simulator::Stop(Seconds(5));
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(replies, 3, "three echo replies reached a");
        NS_TEST_ASSERT_MSG_EQ(routerReplies, 2, "the router answered the server's pings");
        std::vector<Ipv4NatMapping> maps = net->nat->GetMappings();
        NAT_REQUIRE_SIZE(maps, 1, "one ICMP mapping");
        NS_TEST_ASSERT_MSG_EQ(unsigned(maps[0].protocol), 1, "ICMP");
        NS_TEST_ASSERT_MSG_EQ(CheckAll(net->sRx), "", "checksums at the server");
        NS_TEST_ASSERT_MSG_EQ(CheckAll(net->aRx), "", "checksums at a");
        bool sawRequest = false;
        for (const Bytes& d : net->sRx)
        {
            if (d[9] == 1 && d[20] == 8)
            {
                sawRequest = true;
                NS_TEST_ASSERT_MSG_EQ(G32(d, 12), 0xc0000201u, "request from the outside address");
                NS_TEST_ASSERT_MSG_EQ(G16(d, 24), maps[0].outsidePort, "its identifier");
            }
        }
        NS_TEST_ASSERT_MSG_EQ(sawRequest, true, "requests seen");
        Simulator::Destroy();
    }
};

class NatTcpTest : public TestCase
{
  public:
    NatTcpTest()
        : TestCase("TCP bulk transfer out through the NAT and in through a static forward; "
                   "the closed connection's mapping expires after the transitory timeout")
    {
    }

  private:
    void DoRun() override
    {
        Ipv4NatHelper helper;
        helper.SetAttribute("TcpTransitoryTimeout", TimeValue(Seconds(20)));
        auto net = BuildNet(helper);
        NS_TEST_ASSERT_MSG_EQ(Ipv4NatHelper::AddStaticPortForward(net->r, 6, 8080, net->bAddr, 80),
                              true,
                              "forward added");
        NS_TEST_ASSERT_MSG_EQ(Ipv4NatHelper::AddStaticPortForward(net->r, 6, 8080, net->aAddr, 81),
                              false,
                              "outside port taken");
        // a -> s:7000
        PacketSinkHelper sink("ns3::TcpSocketFactory",
                              InetSocketAddress(Ipv4Address::GetAny(), 7000));
        ApplicationContainer sinkApp = sink.Install(net->s);
        BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(net->sAddr, 7000));
        bulk.SetAttribute("MaxBytes", UintegerValue(200000));
        ApplicationContainer bulkApp = bulk.Install(net->a);
        bulkApp.Start(Seconds(1));
        // s -> 192.0.2.1:8080 -> b:80
        PacketSinkHelper sink2("ns3::TcpSocketFactory",
                               InetSocketAddress(Ipv4Address::GetAny(), 80));
        ApplicationContainer sinkApp2 = sink2.Install(net->b);
        BulkSendHelper bulk2("ns3::TcpSocketFactory", InetSocketAddress(net->rOut, 8080));
        bulk2.SetAttribute("MaxBytes", UintegerValue(100000));
        ApplicationContainer bulkApp2 = bulk2.Install(net->s);
        bulkApp2.Start(Seconds(1.5));
        std::vector<Ipv4NatMapping> expired;
        net->nat->TraceConnectWithoutContext("MappingExpired",
                                             Callback<void, const Ipv4NatMapping&>(
                                                 [&](const Ipv4NatMapping& m)
                                                 {
                                                     expired.push_back(m);
                                                 }));
        uint32_t countAt15 = 0;
        Simulator::Schedule(Seconds(15),
                            [&]()
                            {
                                countAt15 = net->nat->GetMappingCount();
                            });
        Simulator::Stop(Seconds(60));
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(DynamicCast<PacketSink>(sinkApp.Get(0))->GetTotalRx(),
                              200000,
                              "the server got all of a's bytes");
        NS_TEST_ASSERT_MSG_EQ(DynamicCast<PacketSink>(sinkApp2.Get(0))->GetTotalRx(),
                              100000,
                              "b got all of the server's bytes through the forward");
        NS_TEST_ASSERT_MSG_EQ(countAt15, 2, "the forward and a's mapping");
        NS_TEST_ASSERT_MSG_EQ(expired.size(), 1, "a's mapping expired, the forward did not");
        if (!expired.empty())
        {
            NS_TEST_ASSERT_MSG_EQ(expired[0].insideAddress, net->aAddr, "a's");
            NS_TEST_ASSERT_MSG_EQ(expired[0].tcpFinIn && expired[0].tcpFinOut, true, "closed");
        }
        NS_TEST_ASSERT_MSG_EQ(net->nat->GetMappingCount(), 1, "the forward stays");
        NS_TEST_ASSERT_MSG_EQ(CheckAll(net->sRx), "", "checksums at the server");
        NS_TEST_ASSERT_MSG_EQ(CheckAll(net->aRx), "", "checksums at a");
        NS_TEST_ASSERT_MSG_EQ(CheckAll(net->bRx), "", "checksums at b");
        NS_TEST_ASSERT_MSG_EQ(net->drops.size(), 0, "nothing dropped");
        Simulator::Destroy();
    }
};

class NatFilteringTest : public TestCase
{
  public:
    /**
     * @param f the filtering
     * @param fromOtherPort whether the server's other port gets through
     * @param fromOtherAddress whether the server's other address gets through
     */
    NatFilteringTest(Ipv4Nat::Filtering f, bool fromOtherPort, bool fromOtherAddress)
        : TestCase("filtering " + std::to_string(int(f)))
        , m_f(f)
        , m_port(fromOtherPort)
        , m_addr(fromOtherAddress)
    {
    }

  private:
    void DoRun() override
    {
        Ipv4NatHelper helper;
        helper.SetAttribute("Filtering", EnumValue(m_f));
        auto net = BuildNet(helper);
        Ptr<Ipv4> sIp = net->s->GetObject<Ipv4>();
        sIp->AddAddress(1, Ipv4InterfaceAddress("192.0.2.3", "255.255.255.0"));
        auto echo = EchoServer(net->s);
        std::vector<InetSocketAddress> got;
        Ptr<Socket> sa = Udp(net->a,
                             5000,
                             [&](Ptr<Socket>, Ptr<Packet>, InetSocketAddress from)
                             {
                                 got.push_back(from);
                             });
        Ptr<Socket> otherPort = Udp(net->s, 10, nullptr);
        Ptr<Socket> otherAddr = Udp(net->s, 9, nullptr, Ipv4Address("192.0.2.3"));
        Simulator::Schedule(Seconds(1), &SendTo, sa, 10, net->sAddr, 9);
        Simulator::Schedule(Seconds(2), &SendTo, otherPort, 11, net->rOut, 5000);
        Simulator::Schedule(Seconds(3), &SendTo, otherAddr, 12, net->rOut, 5000);
        Simulator::Stop(Seconds(4));
        Simulator::Run();
        size_t expect = 1 + m_port + m_addr;
        NS_TEST_ASSERT_MSG_EQ(got.size(), expect, "datagrams let in");
        NS_TEST_ASSERT_MSG_EQ(
            net->nat->GetStats().droppedFiltered, uint64_t(2 - m_port - m_addr), "filtered");
        NS_TEST_ASSERT_MSG_EQ(net->drops.size(), size_t(2 - m_port - m_addr), "drop traces");
        for (auto r : net->drops)
        {
            NS_TEST_ASSERT_MSG_EQ(r, Ipv4Nat::FILTERED, "reason");
        }
        Simulator::Destroy();
    }

    Ipv4Nat::Filtering m_f; ///< the filtering
    bool m_port;            ///< other port let in
    bool m_addr;            ///< other address let in
};

class NatExpiryTest : public TestCase
{
  public:
    /**
     * @param inboundRefresh the InboundRefresh attribute
     */
    explicit NatExpiryTest(bool inboundRefresh)
        : TestCase(inboundRefresh ? "UDP mapping expiry with InboundRefresh: the server's "
                                    "datagram keeps a's mapping alive"
                                  : "UDP mapping expiry: not before the timeout, refreshed by "
                                    "outbound only (default), unsolicited inbound then dropped "
                                    "as NO_MAPPING")
        , m_inboundRefresh(inboundRefresh)
    {
    }

  private:
    void DoRun() override
    {
        Ipv4NatHelper helper;
        helper.SetAttribute("UdpTimeout", TimeValue(Seconds(30)));
        helper.SetAttribute("InboundRefresh", BooleanValue(m_inboundRefresh));
        auto net = BuildNet(helper);
        auto echo = EchoServer(net->s);
        int aGot = 0;
        Ptr<Socket> sa = Udp(net->a,
                             5000,
                             [&](Ptr<Socket>, Ptr<Packet>, InetSocketAddress)
                             {
                                 ++aGot;
                             });
        Ptr<Socket> sb = Udp(net->b,
                             6000,
                             [&](Ptr<Socket>, Ptr<Packet>, InetSocketAddress)
                             {
                                 ++aGot;
                             });
        std::vector<std::pair<Time, Ipv4NatMapping>> expired;
        net->nat->TraceConnectWithoutContext("MappingExpired",
                                             Callback<void, const Ipv4NatMapping&>(
                                                 [&](const Ipv4NatMapping& m)
                                                 {
                                                     expired.emplace_back(Simulator::Now(), m);
                                                 }));
        // a: t=1 only.  b: t=1.5 and t=20 (refresh).  The server pushes to a's
        // mapping from the port a sent to at t=25 (in, no refresh) and at t=32 (after expiry).
        Simulator::Schedule(Seconds(1), &SendTo, sa, 10, net->sAddr, 9);
        Simulator::Schedule(Seconds(1.5), &SendTo, sb, 10, net->sAddr, 9);
        Simulator::Schedule(Seconds(20), &SendTo, sb, 10, net->sAddr, 9);
        Simulator::Schedule(Seconds(25),
                            [&]()
                            {
                                if (!echo->seen.empty())
                                {
                                    echo->sock->SendTo(Create<Packet>(5), 0, echo->seen[0]);
                                }
                            });
        Simulator::Schedule(Seconds(32),
                            [&]()
                            {
                                if (!echo->seen.empty())
                                {
                                    echo->sock->SendTo(Create<Packet>(5), 0, echo->seen[0]);
                                }
                            });
        Simulator::Stop(Seconds(70));
        Simulator::Run();
        NAT_REQUIRE_SIZE(expired, 2, "both expired");
        if (m_inboundRefresh)
        {
            // b's at 50 s (its echo at 20 s refreshed it too), then a's, kept
            // alive by the server's datagrams at 25 s and 32 s: 62 s.
            NS_TEST_ASSERT_MSG_EQ(expired[0].second.insideAddress, net->bAddr, "b's first");
            NS_TEST_ASSERT_MSG_GT(expired[0].first, Seconds(50), "b at 50 s");
            NS_TEST_ASSERT_MSG_LT(expired[0].first, Seconds(50.01), "b at 50 s");
            NS_TEST_ASSERT_MSG_EQ(expired[1].second.insideAddress, net->aAddr, "a's");
            NS_TEST_ASSERT_MSG_GT(
                expired[1].first, Seconds(62), "refreshed by the inbound datagrams");
            NS_TEST_ASSERT_MSG_LT(expired[1].first, Seconds(62.01), "30 s after the last");
            NS_TEST_ASSERT_MSG_EQ(aGot, 5, "the datagram at 32 s arrived too");
            NS_TEST_ASSERT_MSG_EQ(net->drops.size(), 0, "nothing dropped");
        }
        else
        {
            NS_TEST_ASSERT_MSG_EQ(expired[0].second.insideAddress, net->aAddr, "a's first");
            // a's mapping: made at 1 s plus the link delay; expires 30 s later.
            NS_TEST_ASSERT_MSG_GT(expired[0].first, Seconds(31), "not before the timeout");
            NS_TEST_ASSERT_MSG_LT(
                expired[0].first, Seconds(31.01), "at the timeout (inbound did not refresh)");
            NS_TEST_ASSERT_MSG_EQ(expired[1].second.insideAddress, net->bAddr, "b's");
            NS_TEST_ASSERT_MSG_GT(expired[1].first, Seconds(50), "refreshed at 20 s");
            NS_TEST_ASSERT_MSG_LT(expired[1].first, Seconds(50.01), "expired 30 s after");
            NS_TEST_ASSERT_MSG_EQ(aGot, 4, "echoes and the datagram at 25 s arrived");
            NAT_REQUIRE_SIZE(net->drops, 1, "the datagram at 32 s dropped");
            NS_TEST_ASSERT_MSG_EQ(net->drops[0], Ipv4Nat::NO_MAPPING, "NO_MAPPING");
        }
        NS_TEST_ASSERT_MSG_EQ(net->nat->GetMappingCount(), 0, "table empty");
        NS_TEST_ASSERT_MSG_EQ(net->nat->GetStats().mappingsExpired, 2, "counted");
        Simulator::Destroy();
    }

    bool m_inboundRefresh; ///< the InboundRefresh attribute
};

class NatIcmpErrorTest : public TestCase
{
  public:
    NatIcmpErrorTest()
        : TestCase("the server's ICMP port unreachable reaches the inside socket translated, "
                   "quoting a's own datagram")
    {
    }

  private:
    void DoRun() override
    {
        Ipv4NatHelper helper;
        helper.SetAttribute("PortPreservation", BooleanValue(false));
        auto net = BuildNet(helper);
        Ptr<Socket> sa = Udp(net->a, 5000, nullptr);
        int icmps = 0;
        uint8_t type = 0;
        uint8_t code = 0;
        sa->SetAttribute(
            "IcmpCallback",
            CallbackValue(Callback<void, Ipv4Address, uint8_t, uint8_t, uint8_t, uint32_t>(
                [&](Ipv4Address src, uint8_t, uint8_t t, uint8_t c, uint32_t)
                {
                    icmps += src == Ipv4Address("192.0.2.2");
                    type = t;
                    code = c;
                })));
        Simulator::Schedule(Seconds(1), &SendTo, sa, 40, net->sAddr, 9999);
        Simulator::Stop(Seconds(3));
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(icmps, 1, "the socket got the error");
        NS_TEST_ASSERT_MSG_EQ(unsigned(type), 3, "destination unreachable");
        NS_TEST_ASSERT_MSG_EQ(unsigned(code), 3, "port unreachable");
        NS_TEST_ASSERT_MSG_EQ(net->nat->GetStats().icmpErrorsIn, 1, "counted");
        // At the server the datagram came from 192.0.2.1:1024 (no preservation).
        NS_TEST_ASSERT_MSG_EQ(net->sRx.empty() || net->aTx.empty(), false, "datagrams seen");
        if (net->sRx.empty() || net->aTx.empty())
        {
            Simulator::Destroy();
            return;
        }
        NS_TEST_ASSERT_MSG_EQ(G16(net->sRx.at(0), 20), 1024, "translated port at the server");
        // At a: the error, its quoted datagram exactly a's own (ports,
        // addresses, UDP checksum), all checksums right.
        const Bytes* err = nullptr;
        for (const Bytes& d : net->aRx)
        {
            if (d[9] == 1)
            {
                err = &d;
            }
        }
        NS_TEST_ASSERT_MSG_NE(err, nullptr, "a got an ICMP message");
        if (!err || err->size() < 56)
        {
            Simulator::Destroy();
            return;
        }
        const Bytes& e = *err;
        std::string why;
        NS_TEST_ASSERT_MSG_EQ(ChecksumsOk(e, &why), true, why);
        NS_TEST_ASSERT_MSG_EQ(G32(e, 16), 0x0a000002u, "to a");
        const Bytes& sent = net->aTx.at(0);
        size_t q = 28; // quoted IPv4 header
        NS_TEST_ASSERT_MSG_EQ(G32(e, q + 12), G32(sent, 12), "quoted source is a");
        NS_TEST_ASSERT_MSG_EQ(G32(e, q + 16), G32(sent, 16), "quoted destination");
        NS_TEST_ASSERT_MSG_EQ(Fold(Sum(e, q, 20)), 0xffff, "quoted header checksum");
        for (size_t i = 0; i < 8; ++i)
        {
            NS_TEST_ASSERT_MSG_EQ(
                unsigned(e[q + 20 + i]), unsigned(sent[20 + i]), "quoted UDP header byte " << i);
        }
        Simulator::Destroy();
    }
};

class NatIcmpErrorOutTest : public TestCase
{
  public:
    NatIcmpErrorOutTest()
        : TestCase("an inside host's ICMP port unreachable about a forwarded datagram reaches the "
                   "server translated (outer source and quoted destination)")
    {
    }

  private:
    void DoRun() override
    {
        Ipv4NatHelper helper;
        auto net = BuildNet(helper);
        // 192.0.2.1:5000 -> b:7777, where nothing listens.
        NS_TEST_ASSERT_MSG_EQ(
            Ipv4NatHelper::AddStaticPortForward(net->r, 17, 5000, net->bAddr, 7777),
            true,
            "forward");
        Ptr<Socket> ss = Udp(net->s, 4000, nullptr);
        int icmps = 0;
        ss->SetAttribute(
            "IcmpCallback",
            CallbackValue(Callback<void, Ipv4Address, uint8_t, uint8_t, uint8_t, uint32_t>(
                [&](Ipv4Address src, uint8_t, uint8_t t, uint8_t c, uint32_t)
                {
                    icmps += src == Ipv4Address("192.0.2.1") && t == 3 && c == 3;
                })));
        Simulator::Schedule(Seconds(1), &SendTo, ss, 30, net->rOut, 5000);
        Simulator::Stop(Seconds(3));
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(icmps, 1, "the server's socket got b's error, from the NAT");
        NS_TEST_ASSERT_MSG_EQ(net->nat->GetStats().icmpErrorsOut, 1, "counted");
        const Bytes* err = nullptr;
        for (const Bytes& d : net->sRx)
        {
            if (d[9] == 1)
            {
                err = &d;
            }
        }
        NS_TEST_ASSERT_MSG_NE(err, nullptr, "the server got an ICMP message");
        if (!err || err->size() < 56)
        {
            Simulator::Destroy();
            return;
        }
        const Bytes& e = *err;
        std::string why;
        NS_TEST_ASSERT_MSG_EQ(ChecksumsOk(e, &why), true, why);
        size_t q = 28;
        NS_TEST_ASSERT_MSG_EQ(G32(e, 12), 0xc0000201u, "from the outside address");
        NS_TEST_ASSERT_MSG_EQ(G32(e, q + 12), 0xc0000202u, "quoted source: the server");
        NS_TEST_ASSERT_MSG_EQ(G32(e, q + 16), 0xc0000201u, "quoted destination: the NAT");
        NS_TEST_ASSERT_MSG_EQ(G16(e, q + 20), 4000, "quoted source port");
        NS_TEST_ASSERT_MSG_EQ(G16(e, q + 22), 5000, "quoted destination port: the forward's");
        NS_TEST_ASSERT_MSG_EQ(Fold(Sum(e, q, 20)), 0xffff, "quoted header checksum");
        Simulator::Destroy();
    }
};

class NatFragmentTest : public TestCase
{
  public:
    NatFragmentTest()
        : TestCase("a 3000-byte UDP datagram both ways through 1500-byte MTU links")
    {
    }

  private:
    void DoRun() override
    {
        Ipv4NatHelper helper;
        auto net = BuildNet(helper);
        auto echo = EchoServer(net->s);
        std::vector<uint32_t> got;
        Ptr<Socket> sa = Udp(net->a,
                             5000,
                             [&](Ptr<Socket>, Ptr<Packet> p, InetSocketAddress)
                             {
                                 got.push_back(p->GetSize());
                             });
        Simulator::Schedule(Seconds(1), &SendTo, sa, 3000, net->sAddr, 9);
        Simulator::Stop(Seconds(3));
        Simulator::Run();
        NAT_REQUIRE_SIZE(echo->sizes, 1, "the server reassembled it");
        NS_TEST_ASSERT_MSG_EQ(echo->sizes[0], 3000, "whole");
        NS_TEST_ASSERT_MSG_EQ(echo->seen[0].GetIpv4(), net->rOut, "translated");
        NAT_REQUIRE_SIZE(got, 1, "a reassembled the echo");
        NS_TEST_ASSERT_MSG_EQ(got[0], 3000, "whole");
        NS_TEST_ASSERT_MSG_EQ(net->nat->GetStats().fragmentsOut, 2, "two later fragments out");
        NS_TEST_ASSERT_MSG_EQ(net->nat->GetStats().fragmentsIn, 2, "two later fragments in");
        NS_TEST_ASSERT_MSG_EQ(net->sRx.size(), 3, "three fragments at the server");
        for (const Bytes& d : net->sRx)
        {
            NS_TEST_ASSERT_MSG_EQ(G32(d, 12), 0xc0000201u, "each from the outside address");
        }
        NS_TEST_ASSERT_MSG_EQ(CheckAll(net->sRx), "", "header checksums");
        Simulator::Destroy();
    }
};

class NatAddressOnlyTest : public TestCase
{
  public:
    NatAddressOnlyTest()
        : TestCase("address-only mode: a pool address per inside host, ports kept, "
                   "pool exhaustion dropped")
    {
    }

  private:
    void DoRun() override
    {
        Ipv4NatHelper helper;
        helper.SetAttribute("Mode", EnumValue(Ipv4Nat::ADDRESS_ONLY));
        auto net = BuildNet(helper);
        Ipv4NatHelper::AddPoolAddress(net->r, Ipv4Address("192.0.2.10"));
        auto echo = EchoServer(net->s);
        int aGot = 0;
        Ptr<Socket> sa = Udp(net->a,
                             5000,
                             [&](Ptr<Socket>, Ptr<Packet>, InetSocketAddress)
                             {
                                 ++aGot;
                             });
        Ptr<Socket> sb = Udp(net->b, 5000, nullptr);
        Simulator::Schedule(Seconds(1), &SendTo, sa, 10, net->sAddr, 9);
        Simulator::Schedule(Seconds(2), &SendTo, sb, 10, net->sAddr, 9);
        Simulator::Stop(Seconds(3));
        Simulator::Run();
        NAT_REQUIRE_SIZE(echo->seen, 1, "a's only");
        NS_TEST_ASSERT_MSG_EQ(echo->seen[0].GetIpv4(), Ipv4Address("192.0.2.10"), "pool address");
        NS_TEST_ASSERT_MSG_EQ(echo->seen[0].GetPort(), 5000, "port untouched");
        NS_TEST_ASSERT_MSG_EQ(aGot, 1, "the echo came back");
        NAT_REQUIRE_SIZE(net->drops, 1, "b dropped");
        NS_TEST_ASSERT_MSG_EQ(net->drops[0], Ipv4Nat::ADDRESSES_EXHAUSTED, "pool used up");
        NS_TEST_ASSERT_MSG_EQ(CheckAll(net->sRx), "", "checksums at the server");
        NS_TEST_ASSERT_MSG_EQ(CheckAll(net->aRx), "", "checksums at a");
        std::ostringstream os;
        net->nat->Print(os);
        NS_TEST_ASSERT_MSG_NE(
            os.str().find("BIMAP 10.0.0.2 <- -> 192.0.2.10"), std::string::npos, os.str());
        Simulator::Destroy();
    }
};

class NatOtherProtocolTest : public TestCase
{
  public:
    NatOtherProtocolTest()
        : TestCase("raw protocol 50 through the NAT, keyed by (protocol, remote); a second "
                   "inside host takes the mapping over")
    {
    }

  private:
    static Ptr<Socket> Raw(Ptr<Node> n, std::function<void(Ipv4Address)> f)
    {
        Ptr<Socket> s = Socket::CreateSocket(n, Ipv4RawSocketFactory::GetTypeId());
        s->SetAttribute("Protocol", UintegerValue(50));
        s->Bind();
        s->SetRecvCallback(Callback<void, Ptr<Socket>>(
            [f](Ptr<Socket> sock)
            {
                Address from;
                while (Ptr<Packet> p = sock->RecvFrom(from))
                {
                    f(InetSocketAddress::ConvertFrom(from).GetIpv4());
                }
            }));
        return s;
    }

    void DoRun() override
    {
        Ipv4NatHelper helper;
        auto net = BuildNet(helper);
        std::vector<Ipv4Address> atServer;
        int aGot = 0;
        int bGot = 0;
        Ptr<Socket> rs = Raw(net->s,
                             [&](Ipv4Address from)
                             {
                                 atServer.push_back(from);
                             });
        Ptr<Socket> ra = Raw(net->a,
                             [&](Ipv4Address)
                             {
                                 ++aGot;
                             });
        Ptr<Socket> rb = Raw(net->b,
                             [&](Ipv4Address)
                             {
                                 ++bGot;
                             });
        int takeovers = 0;
        net->nat->TraceConnectWithoutContext("MappingExpired",
                                             Callback<void, const Ipv4NatMapping&>(
                                                 [&](const Ipv4NatMapping& m)
                                                 {
                                                     takeovers += m.insideAddress == net->aAddr;
                                                 }));
        auto send = [&](Ptr<Socket> s, Ipv4Address to)
        {
            s->SendTo(Create<Packet>(64), 0, InetSocketAddress(to, 0));
        };
        Simulator::Schedule(Seconds(1),
                            [&]()
                            {
                                send(ra, net->sAddr);
                            });
        Simulator::Schedule(Seconds(2),
                            [&]()
                            {
                                send(rs, net->rOut);
                            });
        Simulator::Schedule(Seconds(3),
                            [&]()
                            {
                                send(rb, net->sAddr);
                            });
        Simulator::Schedule(Seconds(4),
                            [&]()
                            {
                                send(rs, net->rOut);
                            });
        Simulator::Stop(Seconds(5));
        Simulator::Run();
        NAT_REQUIRE_SIZE(atServer, 2, "both reached the server");
        NS_TEST_ASSERT_MSG_EQ(atServer[0], net->rOut, "a's from the outside address");
        NS_TEST_ASSERT_MSG_EQ(atServer[1], net->rOut, "b's from the outside address");
        NS_TEST_ASSERT_MSG_EQ(aGot, 1, "the first answer went to a");
        NS_TEST_ASSERT_MSG_EQ(bGot, 1, "the second to b, which took the mapping over");
        NS_TEST_ASSERT_MSG_EQ(takeovers, 1, "a's mapping reported gone");
        NS_TEST_ASSERT_MSG_EQ(net->nat->GetStats().takeovers, 1, "counted");
        NS_TEST_ASSERT_MSG_EQ(net->nat->GetMappingCount(), 1, "one mapping");
        std::ostringstream os;
        net->nat->Print(os);
        NS_TEST_ASSERT_MSG_NE(os.str().find("MAP esp 10.0.0.3 <- -> 192.0.2.1 [192.0.2.2]"),
                              std::string::npos,
                              os.str());
        Simulator::Destroy();
    }
};

class NatIpsecRouterTest : public TestCase
{
  public:
    NatIpsecRouterTest()
        : TestCase("the NAT on a router with IpsecStackHelper's stack (IpsecIpv4ListRouting "
                   "wrapped)")
    {
    }

  private:
    void DoRun() override
    {
        Ipv4NatHelper helper;
        auto net = BuildNet(helper, true);
        Ptr<Ipv4NatRouting> wrapper
            = DynamicCast<Ipv4NatRouting>(net->r->GetObject<Ipv4>()->GetRoutingProtocol());
        NS_TEST_ASSERT_MSG_NE(wrapper, nullptr, "wrapped");
        NS_TEST_ASSERT_MSG_NE(DynamicCast<Ipv4ListRouting>(wrapper->GetInner()),
                              nullptr,
                              "the IPsec list routing inside");
        auto echo = EchoServer(net->s);
        int aGot = 0;
        Ptr<Socket> sa = Udp(net->a,
                             5000,
                             [&](Ptr<Socket>, Ptr<Packet>, InetSocketAddress)
                             {
                                 ++aGot;
                             });
        Simulator::Schedule(Seconds(1), &SendTo, sa, 100, net->sAddr, 9);
        Simulator::Stop(Seconds(3));
        Simulator::Run();
        NAT_REQUIRE_SIZE(echo->seen, 1, "reached the server");
        NS_TEST_ASSERT_MSG_EQ(echo->seen[0].GetIpv4(), net->rOut, "translated");
        NS_TEST_ASSERT_MSG_EQ(aGot, 1, "echo back");
        NS_TEST_ASSERT_MSG_EQ(CheckAll(net->aRx), "", "checksums at a");
        Simulator::Destroy();
    }
};

// ------------------------------------------------- direct (no topology) tests

/// An IPv4 header for direct calls.
Ipv4Header
Hdr(const char* src, const char* dst, uint8_t proto, uint16_t payload)
{
    Ipv4Header h;
    h.SetSource(Ipv4Address(src));
    h.SetDestination(Ipv4Address(dst));
    h.SetProtocol(proto);
    h.SetPayloadSize(payload);
    h.SetTtl(64);
    h.SetIdentification(77);
    return h;
}

/// A UDP datagram's bytes with a checksum computed here.
Bytes
UdpBytes(
    const char* src, const char* dst, uint16_t sport, uint16_t dport, size_t payload, bool csum)
{
    Bytes b(8 + payload);
    b[0] = sport >> 8;
    b[1] = sport & 0xff;
    b[2] = dport >> 8;
    b[3] = dport & 0xff;
    b[4] = (8 + payload) >> 8;
    b[5] = (8 + payload) & 0xff;
    for (size_t i = 0; i < payload; ++i)
    {
        b[8 + i] = uint8_t(i * 7 + 3);
    }
    if (csum)
    {
        Bytes ph(8);
        uint32_t s = Ipv4Address(src).Get();
        uint32_t d = Ipv4Address(dst).Get();
        for (int i = 0; i < 4; ++i)
        {
            ph[i] = uint8_t(s >> (24 - 8 * i));
            ph[4 + i] = uint8_t(d >> (24 - 8 * i));
        }
        uint32_t acc = Sum(ph, 0, 8) + 17 + b.size();
        uint16_t c = uint16_t(~Fold(Sum(b, 0, b.size(), acc)));
        b[6] = c >> 8;
        b[7] = c & 0xff;
    }
    return b;
}

Ptr<Ipv4Nat>
DirectNat()
{
    Ptr<Ipv4Nat> nat = CreateObject<Ipv4Nat>();
    nat->SetOutsideAddress(Ipv4Address("192.0.2.1"));
    nat->SetOutsideInterface(2);
    nat->AddInsideInterface(1);
    return nat;
}

/// The datagram (header + payload) as bytes.
Bytes
Datagram(Ipv4Header h, Ptr<const Packet> p)
{
    Ptr<Packet> q = p->Copy();
    h.EnableChecksum();
    h.SetPayloadSize(q->GetSize());
    q->AddHeader(h);
    return ToBytes(q);
}

class NatChecksumTest : public TestCase
{
  public:
    NatChecksumTest()
        : TestCase("direct: translated UDP checksums verify from scratch; a zero UDP checksum "
                   "stays zero; ports exhausted; non-first fragment unknown")
    {
    }

  private:
    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        Ptr<Ipv4Nat> nat = DirectNat();
        std::vector<Ipv4Nat::DropReason> drops;
        nat->TraceConnectWithoutContext(
            "Drop",
            Callback<void, Ptr<const Packet>, const Ipv4Header&, Ipv4Nat::DropReason>(
                [&](Ptr<const Packet>, const Ipv4Header&, Ipv4Nat::DropReason r)
                {
                    drops.push_back(r);
                }));
        for (size_t payload : {0, 1, 33, 200})
        {
            Bytes u = UdpBytes("10.0.0.2", "198.51.100.7", 40000 + payload, 53, payload, true);
            Ptr<const Packet> p = Create<Packet>(u.data(), u.size());
            Ipv4Header h = Hdr("10.0.0.2", "198.51.100.7", 17, u.size());
            NS_TEST_ASSERT_MSG_EQ(nat->Outbound(p, h), Ipv4Nat::TRANSLATED, "out");
            Bytes d = Datagram(h, p);
            std::string why;
            NS_TEST_ASSERT_MSG_EQ(ChecksumsOk(d, &why), true, why << " payload " << payload);
            NS_TEST_ASSERT_MSG_EQ(G32(d, 12), 0xc0000201u, "source");
        }
        {
            Bytes u = UdpBytes("10.0.0.9", "198.51.100.7", 4500, 4500, 20, false);
            Ptr<const Packet> p = Create<Packet>(u.data(), u.size());
            Ipv4Header h = Hdr("10.0.0.9", "198.51.100.7", 17, u.size());
            NS_TEST_ASSERT_MSG_EQ(nat->Outbound(p, h), Ipv4Nat::TRANSLATED, "out");
            Bytes d = Datagram(h, p);
            NS_TEST_ASSERT_MSG_EQ(G16(d, 26), 0, "zero checksum stays zero");
            NS_TEST_ASSERT_MSG_EQ(G16(d, 20), 4500, "port kept");
            // and back in
            Bytes r = UdpBytes("198.51.100.7", "192.0.2.1", 4500, 4500, 20, false);
            Ptr<const Packet> rp = Create<Packet>(r.data(), r.size());
            Ipv4Header rh = Hdr("198.51.100.7", "192.0.2.1", 17, r.size());
            NS_TEST_ASSERT_MSG_EQ(nat->Inbound(rp, rh), Ipv4Nat::TRANSLATED, "in");
            NS_TEST_ASSERT_MSG_EQ(rh.GetDestination(), Ipv4Address("10.0.0.9"), "to the host");
            Bytes rd = Datagram(rh, rp);
            NS_TEST_ASSERT_MSG_EQ(G16(rd, 26), 0, "still zero");
        }
        // Non-first fragment with no first fragment seen, both ways.
        {
            Ptr<const Packet> p = Create<Packet>(100);
            Ipv4Header h = Hdr("198.51.100.7", "192.0.2.1", 17, 100);
            h.SetFragmentOffset(1480);
            NS_TEST_ASSERT_MSG_EQ(nat->Inbound(p, h), Ipv4Nat::DROPPED, "unknown fragment in");
            Ipv4Header o = Hdr("10.0.0.2", "198.51.100.7", 17, 100);
            o.SetFragmentOffset(1480);
            NS_TEST_ASSERT_MSG_EQ(nat->Outbound(p, o), Ipv4Nat::DROPPED, "unknown fragment out");
        }
        NAT_REQUIRE_SIZE(drops, 2, "two drops");
        NS_TEST_ASSERT_MSG_EQ(drops[0], Ipv4Nat::FRAGMENT_UNKNOWN, "reason");
        NS_TEST_ASSERT_MSG_EQ(drops[1], Ipv4Nat::FRAGMENT_UNKNOWN, "reason");
        // Port exhaustion: a one-port range.
        Ptr<Ipv4Nat> small = DirectNat();
        small->SetAttribute("PortMin", UintegerValue(2000));
        small->SetAttribute("PortMax", UintegerValue(2000));
        for (int host = 1; host <= 2; ++host)
        {
            std::string src = "10.0.0." + std::to_string(host);
            Bytes u = UdpBytes(src.c_str(), "198.51.100.7", 5000, 53, 4, true);
            Ptr<const Packet> p = Create<Packet>(u.data(), u.size());
            Ipv4Header h = Hdr(src.c_str(), "198.51.100.7", 17, u.size());
            Ipv4Nat::Verdict v = small->Outbound(p, h);
            Ipv4Nat::Verdict want = host == 1 ? Ipv4Nat::TRANSLATED : Ipv4Nat::DROPPED;
            NS_TEST_ASSERT_MSG_EQ(v, want, "host");
        }
        NS_TEST_ASSERT_MSG_EQ(small->GetStats().droppedPortsExhausted, 1, "exhausted");
        NAT_REQUIRE_SIZE(small->GetMappings(), 1, "one mapping");
        NS_TEST_ASSERT_MSG_EQ(small->GetMappings()[0].outsidePort, 2000, "the one port");
        Simulator::Destroy();
    }
};

class NatMalformedTest : public TestCase
{
  public:
    NatMalformedTest()
        : TestCase("direct: truncated headers and bogus ICMP errors are dropped as MALFORMED; "
                   "random datagrams never crash and every drop is traced")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<Ipv4Nat> nat = DirectNat();
        uint64_t traced = 0;
        nat->TraceConnectWithoutContext(
            "Drop",
            Callback<void, Ptr<const Packet>, const Ipv4Header&, Ipv4Nat::DropReason>(
                [&](Ptr<const Packet>, const Ipv4Header&, Ipv4Nat::DropReason)
                {
                    ++traced;
                }));
        struct Case
        {
            uint8_t proto;
            Bytes bytes;
            bool inbound;
        };
        std::vector<Case> cases{
            {17, Bytes(5, 0), false},
            {6, Bytes(12, 0), false},
            {1, Bytes(4, 8), false},
            {17, Bytes(7, 0), true},
            {6, Bytes(19, 0), true},
            {1, Bytes(3, 0), true},
            // Port unreachable quoting only 10 bytes of header.
            {1, Bytes{3, 3, 0, 0, 0, 0, 0, 0, 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17}, true},
            // Quoted header claiming 60 bytes of header with 20 present.
            {1,
             Bytes{3, 3, 0,  0,  0, 0, 0,   0, 0x4f, 0, 0,   28, 0,   0,
                   0, 0, 64, 17, 0, 0, 192, 0, 2,    1, 198, 51, 100, 7},
             true},
            // Quoted version 6.
            {1,
             Bytes{11, 0, 0,  0,  0, 0, 0,   0, 0x65, 0, 0,   28, 0,   0,
                   0,  0, 64, 17, 0, 0, 192, 0, 2,    1, 198, 51, 100, 7},
             true},
        };
        for (const Case& c : cases)
        {
            Ptr<const Packet> p = Create<Packet>(c.bytes.data(), c.bytes.size());
            Ipv4Header h = c.inbound ? Hdr("198.51.100.7", "192.0.2.1", c.proto, c.bytes.size())
                                     : Hdr("10.0.0.2", "198.51.100.7", c.proto, c.bytes.size());
            Ipv4Nat::Verdict v = c.inbound ? nat->Inbound(p, h) : nat->Outbound(p, h);
            NS_TEST_ASSERT_MSG_EQ(v, Ipv4Nat::DROPPED, "dropped");
        }
        NS_TEST_ASSERT_MSG_EQ(nat->GetStats().droppedMalformed, cases.size(), "all MALFORMED");
        // Random datagrams (fixed stream), both directions.
        Ptr<UniformRandomVariable> rng = CreateObject<UniformRandomVariable>();
        rng->SetStream(99);
        const uint8_t protos[] = {1, 6, 17, 50};
        for (int i = 0; i < 3000; ++i)
        {
            Bytes b(rng->GetInteger(0, 90));
            for (auto& x : b)
            {
                x = uint8_t(rng->GetInteger(0, 255));
            }
            if (b.size() > 8 && rng->GetInteger(0, 1))
            {
                b[0] = uint8_t(rng->GetInteger(0, 1) ? 3 : 11); // an ICMP error
                b[8] = uint8_t(0x40 | rng->GetInteger(0, 15));
            }
            uint8_t proto = protos[rng->GetInteger(0, 3)];
            bool in = rng->GetInteger(0, 1);
            Ptr<const Packet> p = Create<Packet>(b.data(), b.size());
            Ipv4Header h = in ? Hdr("198.51.100.7", "192.0.2.1", proto, b.size())
                              : Hdr("10.0.0.2", "198.51.100.7", proto, b.size());
            if (rng->GetInteger(0, 3) == 0)
            {
                h.SetMoreFragments();
            }
            uint32_t before = p->GetSize();
            Ipv4Nat::Verdict v = in ? nat->Inbound(p, h) : nat->Outbound(p, h);
            NS_TEST_ASSERT_MSG_EQ(p->GetSize(), before, "the size never changes");
            (void) v;
        }
        NS_TEST_ASSERT_MSG_EQ(traced, nat->GetStats().dropped, "every drop traced");
        NS_TEST_ASSERT_MSG_LT_OR_EQ(nat->GetMappingCount(), 3000, "bounded");
        Simulator::Destroy();
    }
};

class NatTableFullTest : public TestCase
{
  public:
    NatTableFullTest()
        : TestCase("direct: MaxMappings bounds the table (TABLE_FULL); RANDOM allocation is "
                   "reproducible with AssignStreams")
    {
    }

  private:
    std::vector<uint16_t> Ports(int64_t stream)
    {
        Ptr<Ipv4Nat> nat = DirectNat();
        nat->SetAttribute("PortAllocation", EnumValue(Ipv4Nat::RANDOM));
        nat->SetAttribute("PortPreservation", BooleanValue(false));
        nat->AssignStreams(stream);
        std::vector<uint16_t> out;
        for (int i = 0; i < 5; ++i)
        {
            Bytes u = UdpBytes("10.0.0.2", "198.51.100.7", 5000 + i, 53, 4, true);
            Ptr<const Packet> p = Create<Packet>(u.data(), u.size());
            Ipv4Header h = Hdr("10.0.0.2", "198.51.100.7", 17, u.size());
            nat->Outbound(p, h);
            out.push_back(Bytes(ToBytes(p))[0] << 8 | ToBytes(p)[1]);
        }
        return out;
    }

    void DoRun() override
    {
        Ptr<Ipv4Nat> nat = DirectNat();
        nat->SetAttribute("MaxMappings", UintegerValue(3));
        int translated = 0;
        for (int i = 0; i < 5; ++i)
        {
            Bytes u = UdpBytes("10.0.0.2", "198.51.100.7", 5000 + i, 53, 4, true);
            Ptr<const Packet> p = Create<Packet>(u.data(), u.size());
            Ipv4Header h = Hdr("10.0.0.2", "198.51.100.7", 17, u.size());
            translated += nat->Outbound(p, h) == Ipv4Nat::TRANSLATED;
        }
        NS_TEST_ASSERT_MSG_EQ(translated, 3, "three mappings");
        NS_TEST_ASSERT_MSG_EQ(nat->GetStats().droppedTableFull, 2, "two refused");
        std::vector<uint16_t> p1 = Ports(3);
        std::vector<uint16_t> p2 = Ports(3);
        NS_TEST_ASSERT_MSG_EQ((p1 == p2), true, "same stream, same ports");
        std::set<uint16_t> distinct(p1.begin(), p1.end());
        NS_TEST_ASSERT_MSG_EQ(distinct.size(), 5, "distinct");
        NS_TEST_ASSERT_MSG_EQ((p1[0] == 5000 && p1[1] == 5001), false, "not the inside ports");
        Simulator::Destroy();
    }
};

} // namespace

/**
 * @ingroup ipsec-tests
 * The NAT box's suite.
 */
class Ipv4NatTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    Ipv4NatTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipv4-nat", UNIT)
    {
        AddTestCase(new NatUdpTest(), TestCase::QUICK);
        AddTestCase(new NatPingTest(), TestCase::QUICK);
        AddTestCase(new NatTcpTest(), TestCase::QUICK);
        AddTestCase(new NatFilteringTest(Ipv4Nat::ENDPOINT_INDEPENDENT, true, true),
                    TestCase::QUICK);
        AddTestCase(new NatFilteringTest(Ipv4Nat::ADDRESS_DEPENDENT, true, false), TestCase::QUICK);
        AddTestCase(new NatFilteringTest(Ipv4Nat::ADDRESS_AND_PORT_DEPENDENT, false, false),
                    TestCase::QUICK);
        AddTestCase(new NatExpiryTest(false), TestCase::QUICK);
        AddTestCase(new NatExpiryTest(true), TestCase::QUICK);
        AddTestCase(new NatIcmpErrorTest(), TestCase::QUICK);
        AddTestCase(new NatIcmpErrorOutTest(), TestCase::QUICK);
        AddTestCase(new NatFragmentTest(), TestCase::QUICK);
        AddTestCase(new NatAddressOnlyTest(), TestCase::QUICK);
        AddTestCase(new NatOtherProtocolTest(), TestCase::QUICK);
        AddTestCase(new NatIpsecRouterTest(), TestCase::QUICK);
        AddTestCase(new NatChecksumTest(), TestCase::QUICK);
        AddTestCase(new NatMalformedTest(), TestCase::QUICK);
        AddTestCase(new NatTableFullTest(), TestCase::QUICK);
    }
};

/// The suite's instance.
static Ipv4NatTestSuite g_ipv4NatTestSuite;
