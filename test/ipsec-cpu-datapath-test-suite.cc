/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The processing-delay model of the data path (IpsecCpu's DataPath): the
 * crypto processor's queue and cores against hand-worked schedules, the
 * cost of one transform against the throughputs the Pentium100 profile was
 * built from (SSLeay's published speed figures), and the delays and drops a
 * timed node adds to real traffic, over IPv4 and IPv6, in transport mode on
 * hosts and in tunnel mode on forwarding gateways.
 */
#include "ipsec-test-base.h"
#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipsec-module.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <vector>

using namespace ns3;

namespace
{

/**
 * Sets @p cpu's DataPath to @p timed and its every transform of ESP null or
 * AH to cost 1 ms: PacketCycles 1e6 at a 1 GHz clock (ESP null costs nothing
 * more; AH's MAC costs microseconds on the reference profile).
 * @param cpu the node's processor
 * @param timed its DataPath
 * @return @p cpu
 */
Ptr<IpsecCpu>
TimeEachTransform(Ptr<IpsecCpu> cpu, bool timed)
{
    cpu->SetAttribute("DataPath", BooleanValue(timed));
    cpu->SetAttribute("ClockHz", DoubleValue(1e9));
    cpu->SetAttribute("PacketCycles", DoubleValue(1e6));
    return cpu;
}

/// Jobs of known cost on the crypto processor: when each starts and ends.
struct Schedule
{
    std::vector<double> startMs;
    std::vector<double> endMs;
    std::vector<bool> accepted;
};

Schedule
RunJobs(uint32_t cores, uint32_t limit, const std::vector<double>& costsMs)
{
    Ptr<IpsecCpu> cpu = CreateObject<IpsecCpu>();
    cpu->SetAttribute("DataPath", BooleanValue(true));
    cpu->SetAttribute("CryptoCores", UintegerValue(cores));
    cpu->SetAttribute("CryptoQueueLimit", UintegerValue(limit));
    Schedule s;
    s.startMs.assign(costsMs.size(), -1);
    s.endMs.assign(costsMs.size(), -1);
    for (size_t i = 0; i < costsMs.size(); ++i)
    {
        double cost = costsMs[i];
        s.accepted.push_back(cpu->SubmitCrypto(
            [&s, i, cost]()
            {
                s.startMs[i] = Simulator::Now().GetSeconds() * 1e3;
                return MilliSeconds(cost);
            },
            [&s, i]()
            {
                s.endMs[i] = Simulator::Now().GetSeconds() * 1e3;
            }));
    }
    Simulator::Run();
    Simulator::Destroy();
    return s;
}

} // namespace

/**
 * The crypto processor is a FIFO queue served by CryptoCores cores: with
 * one core, jobs of 1, 2 and 3 ms queued at once end at 1, 3 and 6 ms; with
 * two, the third starts on the core the first frees and ends at 4 ms.
 * CryptoQueueLimit bounds the jobs waiting, not those running; the
 * CryptoQueue trace and the busy time follow the schedule.
 */
class CryptoQueueTestCase : public TestCase
{
  public:
    CryptoQueueTestCase()
        : TestCase("crypto processor: FIFO order, cores, queue limit, queue trace, busy time")
    {
    }

  private:
    void DoRun() override
    {
        Schedule one = RunJobs(1, 256, {1, 2, 3});
        std::vector<double> start1{0, 1, 3};
        std::vector<double> end1{1, 3, 6};
        for (size_t i = 0; i < 3; ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(one.accepted[i], true, "job " << i << " accepted");
            NS_TEST_EXPECT_MSG_EQ_TOL(one.startMs[i], start1[i], 1e-9, "1 core: job " << i);
            NS_TEST_EXPECT_MSG_EQ_TOL(one.endMs[i], end1[i], 1e-9, "1 core: job " << i);
        }
        Schedule two = RunJobs(2, 256, {1, 2, 3});
        std::vector<double> start2{0, 0, 1};
        std::vector<double> end2{1, 2, 4};
        for (size_t i = 0; i < 3; ++i)
        {
            NS_TEST_EXPECT_MSG_EQ_TOL(two.startMs[i], start2[i], 1e-9, "2 cores: job " << i);
            NS_TEST_EXPECT_MSG_EQ_TOL(two.endMs[i], end2[i], 1e-9, "2 cores: job " << i);
        }
        // One core, room for one waiting job: the third is refused.
        Schedule limited = RunJobs(1, 1, {1, 1, 1});
        NS_TEST_EXPECT_MSG_EQ(limited.accepted[0], true, "the first runs");
        NS_TEST_EXPECT_MSG_EQ(limited.accepted[1], true, "the second waits");
        NS_TEST_EXPECT_MSG_EQ(limited.accepted[2], false, "the third finds the queue full");
        NS_TEST_EXPECT_MSG_EQ_TOL(limited.endMs[2], -1.0, 1e-9, "a refused job never runs");
        // No waiting room at all: only what a free core takes.
        Schedule none = RunJobs(2, 0, {1, 1, 1});
        NS_TEST_EXPECT_MSG_EQ(none.accepted[1], true, "the second core takes the second");
        NS_TEST_EXPECT_MSG_EQ(none.accepted[2], false, "nothing may wait");

        // The CryptoQueue trace, the busy time and the counters.
        Ptr<IpsecCpu> cpu = CreateObject<IpsecCpu>();
        cpu->SetAttribute("DataPath", BooleanValue(true));
        cpu->SetAttribute("CryptoQueueLimit", UintegerValue(2));
        std::vector<uint32_t> lengths;
        cpu->TraceConnectWithoutContext(
            "CryptoQueue",
            MakeCallback(+[](std::vector<uint32_t>* v, uint32_t, uint32_t now)
                         {
                             v->push_back(now);
                         })
                .Bind(&lengths));
        uint32_t finished = 0;
        cpu->TraceConnectWithoutContext(
            "CryptoJob",
            MakeCallback(+[](uint32_t* n, IpsecCpu::JobEvent e, uint64_t, Time)
                         {
                             *n += e == IpsecCpu::JobEvent::FINISHED;
                         })
                .Bind(&finished));
        for (int i = 0; i < 4; ++i)
        {
            cpu->SubmitCrypto(
                []()
                {
                    return MilliSeconds(2);
                },
                nullptr);
        }
        Time busyAt3;
        Simulator::Schedule(MilliSeconds(3),
                            [&]()
                            {
                                busyAt3 = cpu->GetCryptoBusyTime();
                            });
        Simulator::Run();
        // queued 1 -> started 0, queued 1, queued 2, (the fourth refused),
        // started at 2 ms -> 1, started at 4 ms -> 0.
        std::vector<uint32_t> expected{1, 0, 1, 2, 1, 0};
        NS_TEST_EXPECT_MSG_EQ(lengths.size(), expected.size(), "queue-length changes");
        for (size_t i = 0; i < std::min(lengths.size(), expected.size()); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(lengths[i], expected[i], "queue length, change " << i);
        }
        NS_TEST_EXPECT_MSG_EQ(busyAt3, MilliSeconds(3), "busy 3 ms at 3 ms (one job running)");
        NS_TEST_EXPECT_MSG_EQ(cpu->GetCryptoBusyTime(), MilliSeconds(6), "three jobs of 2 ms");
        NS_TEST_EXPECT_MSG_EQ(cpu->GetCryptoJobs(), 3u, "three finished");
        NS_TEST_EXPECT_MSG_EQ(finished, 3u, "three FINISHED events");
        NS_TEST_EXPECT_MSG_EQ(cpu->GetCryptoDrops(), 1u, "one refused");
        Simulator::Destroy();
    }
};

/**
 * One transform's cost on the Pentium100 profile, worked by hand from the
 * throughputs its description gives (SSLeay 0.8 on a 100 MHz Pentium:
 * 3DES-CBC 0.78 MB/s, MD5 18.3 MB/s, SHA-1 7.4 MB/s), with the fixed costs
 * set to zero.  ESP 3des-cbc with hmac-md5 carrying 108 bytes: 2 trailer
 * bytes and 2 of padding make 112 encrypted bytes; with the 8-byte header,
 * the 8-byte IV and the 12-byte ICV 140 on the wire.  The HMAC covers 128
 * bytes: its inner hash processes the 64-byte key block and them, padded to
 * 256 bytes, its outer hash the key block and the 16-byte digest, padded to
 * 128.  AH hmac-sha1 over 100 bytes: 192 and 128 bytes hashed.
 */
class TransformCostTestCase : public TestCase
{
  public:
    TransformCostTestCase()
        : TestCase("one transform's cost from the Pentium100 profile's published throughputs")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecCpu> cpu = CreateObject<IpsecCpu>();
        cpu->SetAttribute("Profile", StringValue("Pentium100"));
        cpu->SetAttribute("PacketCycles", DoubleValue(0));
        cpu->SetAttribute("CipherCyclesPerMessage", DoubleValue(0));
        cpu->SetAttribute("HmacCyclesPerCall", DoubleValue(0));

        IpsecSaParams ep;
        ep.proto = IpsecProto::ESP;
        ep.enc = FindEncAlgorithm("3des-cbc");
        ep.encKey.assign(24, 0x11);
        ep.auth = FindAuthAlgorithm("hmac-md5");
        ep.authKey.assign(16, 0x22);
        IpsecSa esp(ep, Time(0));
        esp.icvLen = 12;
        double expected = 112 / 0.78e6 + (256 + 128) / 18.3e6;
        NS_TEST_EXPECT_MSG_EQ_TOL(cpu->TransformTime(esp, 140, 108, true).GetSeconds(),
                                  expected,
                                  1e-9,
                                  "ESP 3des-cbc hmac-md5, 140 bytes on the wire");
        NS_TEST_EXPECT_MSG_EQ_TOL(cpu->TransformTime(esp, 140, 108, false).GetSeconds(),
                                  expected,
                                  1e-9,
                                  "decryption costs as much as encryption");

        IpsecSaParams ahp;
        ahp.proto = IpsecProto::AH;
        ahp.auth = FindAuthAlgorithm("hmac-sha1");
        ahp.authKey.assign(20, 0x33);
        IpsecSa ah(ahp, Time(0));
        ah.icvLen = 12;
        NS_TEST_EXPECT_MSG_EQ_TOL(cpu->TransformTime(ah, 112, 0, true).GetSeconds(),
                                  (192 + 128) / 7.4e6,
                                  1e-9,
                                  "AH hmac-sha1 over 100 bytes");

        // The fixed work: PacketCycles at the profile's 100 MHz clock.
        cpu->SetAttribute("PacketCycles", DoubleValue(5000));
        IpsecSaParams np;
        np.proto = IpsecProto::ESP;
        np.enc = FindEncAlgorithm("null");
        IpsecSa null(np, Time(0));
        NS_TEST_EXPECT_MSG_EQ_TOL(cpu->TransformTime(null, 1000, 980, true).GetSeconds(),
                                  5000 / 100e6,
                                  1e-12,
                                  "ESP null costs its fixed work only");
        // SymmetricScale multiplies the cryptography, not the fixed work.
        cpu->SetAttribute("SymmetricScale", DoubleValue(2));
        NS_TEST_EXPECT_MSG_EQ_TOL(cpu->TransformTime(esp, 140, 108, true).GetSeconds(),
                                  5000 / 100e6 + 2 * expected,
                                  1e-9,
                                  "SymmetricScale doubles the cryptography");
    }
};

namespace
{

/// Host A sends datagrams to host B through ESP null (transport mode):
/// when each arrives, and A's and B's counters and drops.
struct FlowRun
{
    std::vector<double> arrivalsMs;
    std::vector<double> echoRttMs; ///< per echoed datagram
    IpsecStats a;
    IpsecStats b;
    uint32_t outNoMemDrops{0};
    uint32_t inNoMemDrops{0};
};

/**
 * @param v6 the family
 * @param burst datagrams A sends at once at 2 s (after one at 1 s that
 *        resolves the addresses; only what arrives from 2 s on is recorded,
 *        the counters include it)
 * @param echo whether B echoes each back (A records the round trip)
 * @param timeA, timeB whether A's and B's DataPath is on (1 ms per
 *        transform: PacketCycles 1e6 at a 1 GHz clock; ESP null costs
 *        nothing else)
 * @param limitA, limitB their CryptoQueueLimit
 */
FlowRun
RunFlow(
    bool v6, uint32_t burst, bool echo, bool timeA, bool timeB, uint32_t limitA, uint32_t limitB)
{
    IpsecHostToHostHelper topo;
    topo.SetIpv6(v6);
    topo.SetLinkRate("100Mbps");
    topo.SetLinkDelay("2ms");
    topo.Build();
    Ptr<Node> a = topo.GetHostA();
    Ptr<Node> b = topo.GetHostB();
    std::string addrA = topo.GetAddressA().ToString();
    std::string addrB = topo.GetAddressB().ToString();
    IpsecHelper ipsec;
    for (auto [node, self, peer] :
         {std::make_tuple(a, addrA, addrB), std::make_tuple(b, addrB, addrA)})
    {
        ipsec.RunSetkeyString(node,
                              "add " + addrA + " " + addrB + " esp 1000 -E null;\n" + "add " + addrB
                                  + " " + addrA + " esp 2000 -E null;\n" + "spdadd " + self + " "
                                  + peer + " udp -P out ipsec esp/transport//require;\n" + "spdadd "
                                  + peer + " " + self
                                  + " udp -P in ipsec esp/transport//require;\n",
                              "test");
    }
    for (auto [node, timed, limit] :
         {std::make_tuple(a, timeA, limitA), std::make_tuple(b, timeB, limitB)})
    {
        Ptr<IpsecCpu> cpu = TimeEachTransform(IpsecCpu::Of(node), timed);
        cpu->SetAttribute("CryptoQueueLimit", UintegerValue(limit));
    }
    FlowRun run;
    for (Ptr<Node> n : {a, b})
    {
        n->GetObject<IpsecStack>()->TraceConnectWithoutContext(
            "Drop",
            MakeCallback(
                +[](FlowRun* r, Ptr<const Packet>, bool, IpsecDropReason why, const std::string&)
                {
                    r->outNoMemDrops += why == IpsecDropReason::OUT_NO_MEMORY;
                    r->inNoMemDrops += why == IpsecDropReason::IN_NO_MEMORY;
                })
                .Bind(&run));
    }
    Address any = v6 ? Address(Inet6SocketAddress(Ipv6Address::GetAny(), 9))
                     : Address(InetSocketAddress(Ipv4Address::GetAny(), 9));
    Address toB = v6 ? Address(Inet6SocketAddress(topo.GetAddressB().ToIpv6(), 9))
                     : Address(InetSocketAddress(topo.GetAddressB().ToIpv4(), 9));
    Ptr<Socket> server = Socket::CreateSocket(b, UdpSocketFactory::GetTypeId());
    server->Bind(any);
    server->SetRecvCallback(
        [&run, echo](Ptr<Socket> s)
        {
            Address from;
            while (Ptr<Packet> p = s->RecvFrom(from))
            {
                if (Simulator::Now() >= Seconds(2))
                {
                    run.arrivalsMs.push_back(Simulator::Now().GetSeconds() * 1e3);
                }
                if (echo)
                {
                    s->SendTo(p, 0, from);
                }
            }
        });
    Ptr<Socket> client = Socket::CreateSocket(a, UdpSocketFactory::GetTypeId());
    client->Bind(v6 ? Address(Inet6SocketAddress(Ipv6Address::GetAny(), 0))
                    : Address(InetSocketAddress(Ipv4Address::GetAny(), 0)));
    client->SetRecvCallback(
        [&run](Ptr<Socket> s)
        {
            while (s->Recv())
            {
                if (Simulator::Now() >= Seconds(2))
                {
                    run.echoRttMs.push_back(Simulator::Now().GetSeconds() * 1e3 - 2000);
                }
            }
        });
    // One datagram at 1 s resolves the addresses on the way (ARP holds only
    // 3 datagrams while it resolves); the burst follows at 2 s.
    Simulator::Schedule(Seconds(1),
                        [client, toB]()
                        {
                            client->SendTo(Create<Packet>(100), 0, toB);
                        });
    Simulator::Schedule(Seconds(2),
                        [client, toB, burst]()
                        {
                            for (uint32_t i = 0; i < burst; ++i)
                            {
                                client->SendTo(Create<Packet>(100), 0, toB);
                            }
                        });
    Simulator::Stop(Seconds(4));
    Simulator::Run();
    run.a = a->GetObject<IpsecStack>()->GetStats(v6);
    run.b = b->GetObject<IpsecStack>()->GetStats(v6);
    Simulator::Destroy();
    return run;
}

} // namespace

/**
 * A timed node adds its transforms' time to every datagram: one echoed
 * datagram's round trip grows by exactly 4 ms with both hosts timed at
 * 1 ms per transform (A's output, B's input, B's output, A's input), by
 * 2 ms with one of them timed; untimed, nothing changes.
 */
class DataPathDelayTestCase : public TestCase
{
  public:
    DataPathDelayTestCase(bool v6)
        : TestCase(std::string("a timed node delays each datagram by its transforms' cost over ")
                   + (v6 ? "IPv6" : "IPv4"))
        , m_v6(v6)
    {
    }

  private:
    void DoRun() override
    {
        FlowRun plain = RunFlow(m_v6, 1, true, false, false, 256, 256);
        FlowRun both = RunFlow(m_v6, 1, true, true, true, 256, 256);
        FlowRun onlyB = RunFlow(m_v6, 1, true, false, true, 256, 256);
        NS_TEST_ASSERT_MSG_EQ(plain.echoRttMs.size(), 1u, "untimed: echoed");
        NS_TEST_ASSERT_MSG_EQ(both.echoRttMs.size(), 1u, "timed: echoed");
        NS_TEST_ASSERT_MSG_EQ(onlyB.echoRttMs.size(), 1u, "B timed: echoed");
        NS_TEST_EXPECT_MSG_EQ_TOL(both.echoRttMs[0] - plain.echoRttMs[0],
                                  4.0,
                                  1e-6,
                                  "four transforms of 1 ms on the round trip");
        NS_TEST_EXPECT_MSG_EQ_TOL(
            onlyB.echoRttMs[0] - plain.echoRttMs[0], 2.0, 1e-6, "B's input and output");
        NS_TEST_EXPECT_MSG_EQ(both.a.out_success, 2u, "A protected both datagrams");
        NS_TEST_EXPECT_MSG_EQ(both.b.in_success, 2u, "B decapsulated them");
        NS_TEST_EXPECT_MSG_EQ(both.a.in_success, 2u, "and A the echoes");
    }

    bool m_v6;
};

/**
 * A slow sender caps the rate and its queue drops the excess: 30 datagrams
 * sent at once through A's single core at 1 ms each, 10 allowed to wait:
 * 11 are sent (the one running and the 10 waiting), 1 ms apart on B's side,
 * and the 19 others dropped and counted as out_nomem with the Drop trace,
 * before ESP touched them (out_success 11).  On the receiving side B's
 * queue refuses what does not fit (in_nomem), before any transform.
 */
class DataPathQueueTestCase : public TestCase
{
  public:
    DataPathQueueTestCase(bool v6)
        : TestCase(std::string("a timed node's crypto queue caps the rate and drops the excess "
                               "over ")
                   + (v6 ? "IPv6" : "IPv4"))
        , m_v6(v6)
    {
    }

  private:
    void DoRun() override
    {
        FlowRun out = RunFlow(m_v6, 30, false, true, false, 10, 256);
        NS_TEST_ASSERT_MSG_EQ(out.arrivalsMs.size(), 11u, "the running one and the 10 waiting");
        for (size_t i = 1; i < out.arrivalsMs.size(); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ_TOL(out.arrivalsMs[i] - out.arrivalsMs[i - 1],
                                      1.0,
                                      1e-6,
                                      "one datagram per ms of A's processor, " << i);
        }
        NS_TEST_EXPECT_MSG_EQ(out.a.out_nomem, 19u, "19 dropped at A's queue");
        NS_TEST_EXPECT_MSG_EQ(out.outNoMemDrops, 19u, "each with the Drop trace");
        NS_TEST_EXPECT_MSG_EQ(out.a.out_success, 1u + 11u, "only those sent were protected");
        NS_TEST_EXPECT_MSG_EQ(out.b.in_success, 1u + 11u, "B got them all");

        // B timed with room for 5 waiting: A sends all 30 untimed, 1 ms of
        // B's work each, and they arrive 8 us apart (100-byte datagrams
        // at 100 Mbit/s): B keeps the one running and 5 waiting at any time.
        FlowRun in = RunFlow(m_v6, 30, false, false, true, 256, 5);
        NS_TEST_EXPECT_MSG_EQ(in.b.in_nomem + in.b.in_success, 1u + 30u, "every datagram counted");
        NS_TEST_EXPECT_MSG_EQ(in.inNoMemDrops, in.b.in_nomem, "each drop traced");
        NS_TEST_EXPECT_MSG_EQ(in.b.in_success, 1u + 6u, "the first and the 5 that could wait");
        NS_TEST_EXPECT_MSG_EQ(in.arrivalsMs.size(), 6u, "delivered");
    }

    bool m_v6;
};

/**
 * AH covers the IPv4 identification: datagrams that wait on a timed
 * sender's crypto processor must leave with the identification their ICV
 * was computed over.  A burst of 10 AH datagrams (transport mode, then a
 * tunnel) through A's single core, 1 ms each: B authenticates all of them.
 */
class DataPathAhIdentificationTestCase : public TestCase
{
  public:
    DataPathAhIdentificationTestCase(bool tunnel)
        : TestCase(std::string("AH datagrams queued on a timed sender keep the identification "
                               "their ICV covers (")
                   + (tunnel ? "tunnel" : "transport") + " mode)")
        , m_tunnel(tunnel)
    {
    }

  private:
    void DoRun() override
    {
        IpsecHostToHostHelper topo;
        topo.Build();
        Ptr<Node> a = topo.GetHostA();
        Ptr<Node> b = topo.GetHostB();
        std::string mode = m_tunnel ? "tunnel/10.1.1.1-20.1.1.1" : "transport/";
        std::string sa = std::string("add 10.1.1.1 20.1.1.1 ah 1000 ")
                       + (m_tunnel ? "-m tunnel " : "")
                       + "-A hmac-sha1 0x0011223344556677889900112233445566778899;\n";
        IpsecHelper ipsec;
        ipsec.RunSetkeyString(
            a, sa + "spdadd 10.1.1.1 20.1.1.1 udp -P out ipsec ah/" + mode + "/require;\n");
        ipsec.RunSetkeyString(b, sa);
        TimeEachTransform(IpsecCpu::Of(a), true);
        Ptr<Socket> client = Socket::CreateSocket(a, UdpSocketFactory::GetTypeId());
        client->Bind();
        Address to = InetSocketAddress(topo.GetAddressB().ToIpv4(), 9);
        // One datagram resolves the addresses; the burst follows.
        Simulator::Schedule(Seconds(1),
                            [client, to]()
                            {
                                client->SendTo(Create<Packet>(100), 0, to);
                            });
        Simulator::Schedule(Seconds(2),
                            [client, to]()
                            {
                                for (int i = 0; i < 10; ++i)
                                {
                                    client->SendTo(Create<Packet>(100), 0, to);
                                }
                            });
        Simulator::Stop(Seconds(4));
        Simulator::Run();
        const IpsecStats& st = b->GetObject<IpsecStack>()->GetStats(false);
        NS_TEST_EXPECT_MSG_EQ(st.in_ahauthfail, 0u, "no ICV failed");
        NS_TEST_EXPECT_MSG_EQ(st.in_success, 11u, "B authenticated all 11");
        Simulator::Destroy();
    }

    bool m_tunnel;
};

/**
 * Forged datagrams cost the receiver its time before they fail: A holds
 * another authentication key than B for A's SA, so each of A's 20 ESP
 * datagrams fails B's ICV check (in_espauthfail), and B's crypto processor
 * has still spent a transform on each (20 jobs of at least 1 ms), the
 * budget an attacker's flood takes from real traffic.
 */
class DataPathForgedCostTestCase : public TestCase
{
  public:
    DataPathForgedCostTestCase()
        : TestCase("datagrams that fail authentication cost the receiver's processor their time")
    {
    }

  private:
    void DoRun() override
    {
        IpsecHostToHostHelper topo;
        topo.Build();
        Ptr<Node> a = topo.GetHostA();
        Ptr<Node> b = topo.GetHostB();
        IpsecHelper ipsec;
        const std::string policy
            = "spdadd 10.1.1.1 20.1.1.1 udp -P out ipsec esp/transport//require;\n";
        ipsec.RunSetkeyString(a,
                              "add 10.1.1.1 20.1.1.1 esp 1000 -E null -A hmac-md5 "
                              "0x00000000000000000000000000000001;\n"
                                  + policy);
        ipsec.RunSetkeyString(b,
                              "add 10.1.1.1 20.1.1.1 esp 1000 -E null -A hmac-md5 "
                              "0x00000000000000000000000000000002;\n");
        Ptr<IpsecCpu> cpu = TimeEachTransform(IpsecCpu::Of(b), true);
        Ptr<Socket> client = Socket::CreateSocket(a, UdpSocketFactory::GetTypeId());
        client->Bind();
        Address to = InetSocketAddress(topo.GetAddressB().ToIpv4(), 9);
        for (int i = 0; i < 20; ++i)
        {
            Simulator::Schedule(Seconds(1 + 0.1 * i),
                                [client, to]()
                                {
                                    client->SendTo(Create<Packet>(100), 0, to);
                                });
        }
        Simulator::Stop(Seconds(5));
        Simulator::Run();
        const IpsecStats& st = b->GetObject<IpsecStack>()->GetStats(false);
        NS_TEST_EXPECT_MSG_EQ(st.in_espauthfail, 20u, "every datagram failed its ICV");
        NS_TEST_EXPECT_MSG_EQ(st.in_success, 0u, "none was accepted");
        NS_TEST_EXPECT_MSG_EQ(cpu->GetCryptoJobs(), 20u, "each was a job");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(
            cpu->GetCryptoBusyTime(), MilliSeconds(20), "each cost at least its fixed 1 ms");
        Simulator::Destroy();
    }
};

/**
 * A gateway that tunnels forwarded traffic charges its transforms too: the
 * FAQ's VPN with gateway 1 timed at 1 ms per transform delays a host-to-host
 * echo by 2 ms (the request's encapsulation, the reply's decapsulation).
 */
class DataPathGatewayTestCase : public TestCase
{
  public:
    DataPathGatewayTestCase(bool v6)
        : TestCase(std::string("a timed VPN gateway delays the traffic it tunnels over ")
                   + (v6 ? "IPv6" : "IPv4"))
        , m_v6(v6)
    {
    }

  private:
    double EchoRttMs(bool timed)
    {
        IpsecVpnHelper vpn;
        vpn.SetIpv6(m_v6);
        vpn.Build();
        std::string w1 = vpn.GetGatewayWanAddress(1).ToString();
        std::string w2 = vpn.GetGatewayWanAddress(2).ToString();
        std::string n1 = m_v6 ? "fd00:10:0:1::/64" : "10.0.1.0/24";
        std::string n2 = m_v6 ? "fd00:10:0:2::/64" : "10.0.2.0/24";
        IpsecHelper ipsec;
        for (int side = 0; side < 2; ++side)
        {
            std::string me = side == 0 ? w1 : w2;
            std::string peer = side == 0 ? w2 : w1;
            std::string mine = side == 0 ? n1 : n2;
            std::string theirs = side == 0 ? n2 : n1;
            ipsec.RunSetkeyString(vpn.GetGateway(side + 1),
                                  "add " + w1 + " " + w2 + " esp 1000 -m tunnel -E null;\n" + "add "
                                      + w2 + " " + w1 + " esp 2000 -m tunnel -E null;\n" + "spdadd "
                                      + mine + " " + theirs + " any -P out ipsec esp/tunnel/" + me
                                      + "-" + peer + "/require;\n" + "spdadd " + theirs + " " + mine
                                      + " any -P in ipsec esp/tunnel/" + peer + "-" + me
                                      + "/require;\n",
                                  "test");
        }
        TimeEachTransform(IpsecCpu::Of(vpn.GetGateway(1)), timed);
        Ptr<Node> h1 = vpn.GetHosts(1).Get(0);
        Ptr<Node> h2 = vpn.GetHosts(2).Get(0);
        IpsecAddress a2 = vpn.GetHostAddress(2, 0);
        Address to = m_v6 ? Address(Inet6SocketAddress(a2.ToIpv6(), 9))
                          : Address(InetSocketAddress(a2.ToIpv4(), 9));
        Ptr<Socket> server = Socket::CreateSocket(h2, UdpSocketFactory::GetTypeId());
        server->Bind(m_v6 ? Address(Inet6SocketAddress(Ipv6Address::GetAny(), 9))
                          : Address(InetSocketAddress(Ipv4Address::GetAny(), 9)));
        server->SetRecvCallback(
            [](Ptr<Socket> s)
            {
                Address from;
                while (Ptr<Packet> p = s->RecvFrom(from))
                {
                    s->SendTo(p, 0, from);
                }
            });
        Ptr<Socket> client = Socket::CreateSocket(h1, UdpSocketFactory::GetTypeId());
        client->Bind(m_v6 ? Address(Inet6SocketAddress(Ipv6Address::GetAny(), 0))
                          : Address(InetSocketAddress(Ipv4Address::GetAny(), 0)));
        double rtt = -1;
        client->SetRecvCallback(
            [&rtt](Ptr<Socket> s)
            {
                while (s->Recv())
                {
                    rtt = Simulator::Now().GetSeconds() * 1e3 - 2000;
                }
            });
        // At 2 s, once neighbour discovery (IPv6) and ARP have settled.
        Simulator::Schedule(Seconds(1),
                            [client, to]()
                            {
                                client->SendTo(Create<Packet>(100), 0, to);
                            });
        Simulator::Schedule(Seconds(2),
                            [client, to]()
                            {
                                client->SendTo(Create<Packet>(100), 0, to);
                            });
        Simulator::Stop(Seconds(4));
        Simulator::Run();
        uint64_t out = vpn.GetGateway(1)->GetObject<IpsecStack>()->GetStats(m_v6).out_success;
        Simulator::Destroy();
        NS_TEST_EXPECT_MSG_EQ(out, 2u, "gateway 1 tunnelled both requests");
        return rtt;
    }

    void DoRun() override
    {
        double plain = EchoRttMs(false);
        double timed = EchoRttMs(true);
        NS_TEST_ASSERT_MSG_GT(plain, 0.0, "echoed untimed");
        NS_TEST_EXPECT_MSG_EQ_TOL(timed - plain, 2.0, 1e-6, "one encapsulation, one decapsulation");
    }

    bool m_v6;
};

/// The processing-delay model's suite.
class IpsecCpuDataPathTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecCpuDataPathTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-cpu-datapath", UNIT)
    {
        AddTestCase(new CryptoQueueTestCase, TestCase::QUICK);
        AddTestCase(new TransformCostTestCase, TestCase::QUICK);
        AddTestCase(new DataPathForgedCostTestCase, TestCase::QUICK);
        AddTestCase(new DataPathAhIdentificationTestCase(false), TestCase::QUICK);
        AddTestCase(new DataPathAhIdentificationTestCase(true), TestCase::QUICK);
        for (bool v6 : {false, true})
        {
            AddTestCase(new DataPathDelayTestCase(v6), TestCase::QUICK);
            AddTestCase(new DataPathQueueTestCase(v6), TestCase::QUICK);
            AddTestCase(new DataPathGatewayTestCase(v6), TestCase::QUICK);
        }
    }
};

/// The suite's instance.
static IpsecCpuDataPathTestSuite g_ipsecCpuDataPathTestSuite;
