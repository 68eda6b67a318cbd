/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IpsecDatagramAudit judged on cases whose outcome is built in, so that its
 * verdicts can be trusted by the suites that use it (ipsec-sizes):
 *
 *  1. the payload: the id in the first 20 bytes, the offset in every line,
 *     different ids give different bytes, deflate shrinks it;
 *  2. on A -- R -- B (plain IPv6 stacks, no IPsec; R's link to B has an
 *     MTU of 1280), datagrams whose fate the test arranges:
 *       - delivered                                    -> DELIVERED
 *       - 1 byte, identified by its tag only           -> DELIVERED
 *       - dropped by B's receive error model           -> DROPPED, B PhyRxDrop
 *       - too big for R's next link: ns-3's router drops it without a
 *         trace and sends a Packet Too Big, which carries the datagram's
 *         tag and which A's receive error model drops  -> SILENTLY_LOST (the
 *         dropped ICMPv6 error is not the datagram's drop)
 *       - delivered, then a forged copy of its bytes   -> CORRUPTED (twice)
 *       - dropped, then forged bytes with one changed  -> CORRUPTED (bytes)
 *       - an unidentifiable datagram on the port       -> a stray
 *     and the summary, Ok() and the report agree;
 *  3. IPv4 datagrams dropped by a full queue disc: DROPPED, with the queue
 *     disc's drop event, never silently lost.
 */
#include "ipsec-test-base.h"
#include "ns3/error-model.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipsec-module.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv6-static-routing-helper.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/udp-socket-factory.h"

#include <functional>
#include <string>
#include <vector>
#include <zlib.h>

using namespace ns3;

namespace
{

constexpr uint16_t PORT = 4000;

/// Drops the frames a predicate picks.
class PickErrorModel : public ErrorModel
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::IpsecAuditTestPickErrorModel")
                                .SetParent<ErrorModel>()
                                .SetGroupName("Ipsec");
        return tid;
    }

    std::function<bool(const std::vector<uint8_t>&)> pick;
    uint32_t dropped{0};

  private:
    bool DoCorrupt(Ptr<Packet> p) override
    {
        std::vector<uint8_t> b(p->GetSize());
        p->CopyData(b.data(), b.size());
        bool drop = pick && pick(b);
        dropped += drop;
        return drop;
    }

    void DoReset() override {}
};

// ===========================================================================
// 1. The payload
// ===========================================================================

class AuditPayloadTestCase : public TestCase
{
  public:
    AuditPayloadTestCase()
        : TestCase("payload: id in the first bytes, offset in every line, compressible")
    {
    }

  private:
    void DoRun() override
    {
        std::vector<uint8_t> p = IpsecDatagramAudit::Payload(0x11, 70);
        std::string text(p.begin(), p.end());
        NS_TEST_EXPECT_MSG_EQ(p.size(), 70u, "the size asked for");
        NS_TEST_EXPECT_MSG_EQ(
            text.substr(0, 32), "ipsec-audit 00000011 @00000000.\n", "line 0: id and offset 0");
        NS_TEST_EXPECT_MSG_EQ(
            text.substr(32, 32), "ipsec-audit 00000011 @00000020.\n", "line 1: offset 0x20");
        NS_TEST_EXPECT_MSG_EQ(text.substr(64), "ipsec-", "cut to the size");
        NS_TEST_EXPECT_MSG_EQ(IpsecDatagramAudit::ReadId(p.data(), p.size()), 0x11u, "ReadId");
        NS_TEST_EXPECT_MSG_EQ(IpsecDatagramAudit::ReadId(p.data(), 20), 0x11u, "20 bytes suffice");
        NS_TEST_EXPECT_MSG_EQ(IpsecDatagramAudit::ReadId(p.data(), 19), 0u, "19 do not");
        std::vector<uint8_t> other = IpsecDatagramAudit::Payload(0x12, 70);
        NS_TEST_EXPECT_MSG_EQ((other != p), true, "another id, other bytes");
        const uint8_t junk[24] = "ipsec-audit 0000001g @";
        NS_TEST_EXPECT_MSG_EQ(IpsecDatagramAudit::ReadId(junk, sizeof(junk)), 0u, "not hex");

        std::vector<uint8_t> big = IpsecDatagramAudit::Payload(7, 1400);
        uLongf outLen = compressBound(big.size());
        std::vector<uint8_t> out(outLen);
        NS_TEST_ASSERT_MSG_EQ(compress(out.data(), &outLen, big.data(), big.size()), Z_OK, "zlib");
        NS_TEST_EXPECT_MSG_LT(outLen, big.size() / 3, "deflate shrinks it at least threefold");
    }
};

// ===========================================================================
// 2. Verdicts
// ===========================================================================

/// The audit's id carried by an IPv6 UDP frame (PPP), or 0.
uint32_t
FrameId(const std::vector<uint8_t>& b)
{
    if (b.size() < 2 + 40 + 8 + 20 || b[0] != 0x00 || b[1] != 0x57 || b[2 + 6] != 17)
    {
        return 0;
    }
    return IpsecDatagramAudit::ReadId(b.data() + 2 + 48, b.size() - 2 - 48);
}

class AuditVerdictTestCase : public TestCase
{
  public:
    AuditVerdictTestCase()
        : TestCase("verdicts: delivered, dropped, silently lost, corrupted, stray")
    {
    }

  private:
    void DoTeardown() override
    {
        Simulator::Destroy();
    }

    void DoRun() override
    {
        NodeContainer n;
        n.Create(3); // A, R, B
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
        p2p.SetChannelAttribute("Delay", StringValue("1ms"));
        NetDeviceContainer ar = p2p.Install(n.Get(0), n.Get(1));
        NetDeviceContainer rb = p2p.Install(n.Get(1), n.Get(2));
        InternetStackHelper().Install(n);
        rb.Get(0)->SetMtu(1280);
        rb.Get(1)->SetMtu(1280);
        IpsecAssignIpv6(ar.Get(0), "fd00:1::1", false);
        IpsecAssignIpv6(ar.Get(1), "fd00:1::2", true);
        IpsecAssignIpv6(rb.Get(0), "fd00:2::2", true);
        IpsecAssignIpv6(rb.Get(1), "fd00:2::1", false);
        Ipv6StaticRoutingHelper routing;
        routing.GetStaticRouting(n.Get(0)->GetObject<Ipv6>())
            ->SetDefaultRoute(Ipv6Address("fd00:1::2"), 1);
        routing.GetStaticRouting(n.Get(2)->GetObject<Ipv6>())
            ->SetDefaultRoute(Ipv6Address("fd00:2::2"), 1);
        Ptr<Node> a = n.Get(0);
        Ptr<Node> b = n.Get(2);

        // B loses the frames of datagram 3 and the first one of datagram 6
        // (not the forged copy that follows it); A loses Packet Too Bigs.
        Ptr<PickErrorModel> atB = CreateObject<PickErrorModel>();
        atB->pick = [six = 0](const std::vector<uint8_t>& f) mutable
        {
            uint32_t id = FrameId(f);
            return id == 3 || (id == 6 && six++ == 0);
        };
        DynamicCast<PointToPointNetDevice>(rb.Get(1))->SetReceiveErrorModel(atB);
        Ptr<PickErrorModel> atA = CreateObject<PickErrorModel>();
        atA->pick = [](const std::vector<uint8_t>& f)
        {
            return f.size() > 2 + 40 && f[0] == 0x00 && f[1] == 0x57 && f[2 + 6] == 58
                && f[2 + 40] == 2;
        };
        DynamicCast<PointToPointNetDevice>(ar.Get(0))->SetReceiveErrorModel(atA);

        IpsecDatagramAudit audit;
        audit.Watch(n);
        audit.Listen(b, PORT);
        Address to = Inet6SocketAddress(Ipv6Address("fd00:2::1"), PORT);
        uint32_t delivered = audit.Send(a, to, 100, Seconds(2.0));
        uint32_t tiny = audit.Send(a, to, 1, Seconds(2.1));
        uint32_t dropped = audit.Send(a, to, 100, Seconds(2.2));
        uint32_t tooBig = audit.Send(a, to, 1400, Seconds(2.3));
        uint32_t twice = audit.Send(a, to, 100, Seconds(2.4));
        uint32_t altered = audit.Send(a, to, 100, Seconds(2.5));
        NS_TEST_ASSERT_MSG_EQ(dropped, 3u, "ids in send order, from 1");
        NS_TEST_ASSERT_MSG_EQ(altered, 6u, "ids in send order, from 1");

        // A forger: plain UDP datagrams from A, without the audit's tag.
        Ptr<Socket> forger = Socket::CreateSocket(a, UdpSocketFactory::GetTypeId());
        forger->Bind6();
        auto forge = [forger, to](Time at, std::vector<uint8_t> bytes)
        {
            Simulator::Schedule(at - Simulator::Now(),
                                [forger, to, bytes]()
                                {
                                    forger->SendTo(
                                        Create<Packet>(bytes.data(), bytes.size()), 0, to);
                                });
        };
        forge(Seconds(2.45), IpsecDatagramAudit::Payload(twice, 100));
        std::vector<uint8_t> changed = IpsecDatagramAudit::Payload(altered, 100);
        changed[50] ^= 0x01;
        forge(Seconds(2.55), changed);
        forge(Seconds(2.6), {'h', 'e', 'l', 'l', 'o'});
        Simulator::Stop(Seconds(3));
        Simulator::Run();

        using V = IpsecDatagramAudit::Verdict;
        NS_TEST_EXPECT_MSG_EQ(audit.GetVerdict(delivered), V::DELIVERED, audit.Describe(1));
        NS_TEST_EXPECT_MSG_EQ(audit.GetVerdict(tiny), V::DELIVERED, audit.Describe(2));
        NS_TEST_EXPECT_MSG_EQ(audit.GetVerdict(dropped), V::DROPPED, audit.Describe(3));
        NS_TEST_EXPECT_MSG_EQ(audit.GetVerdict(tooBig), V::SILENTLY_LOST, audit.Describe(4));
        NS_TEST_EXPECT_MSG_EQ(audit.GetVerdict(twice), V::CORRUPTED, audit.Describe(5));
        NS_TEST_EXPECT_MSG_EQ(audit.GetVerdict(altered), V::CORRUPTED, audit.Describe(6));

        NS_TEST_EXPECT_MSG_EQ(atB->dropped, 2u, "B's error model dropped datagrams 3 and 6");
        NS_TEST_EXPECT_MSG_EQ(atA->dropped, 1u, "A's error model dropped the Packet Too Big");
        const auto& drop = audit.GetRecord(dropped).drops;
        NS_TEST_ASSERT_MSG_EQ(drop.size(), 1u, "one drop event for datagram 3");
        NS_TEST_EXPECT_MSG_EQ(drop[0].node, b->GetId(), "at B");
        NS_TEST_EXPECT_MSG_EQ(drop[0].trace, "device 0 PhyRxDrop", "B's receive error model");
        NS_TEST_EXPECT_MSG_EQ(audit.GetRecord(tooBig).drops.size(),
                              0u,
                              "the dropped Packet Too Big is not datagram 4's drop");
        NS_TEST_EXPECT_MSG_EQ(audit.GetRecord(twice).deliveries.size(), 2u, "delivered twice");
        const auto& alt = audit.GetRecord(altered).deliveries;
        NS_TEST_ASSERT_MSG_EQ(alt.size(), 1u, "the altered bytes arrived once");
        NS_TEST_EXPECT_MSG_EQ(alt[0].problem, "bytes differ from offset 50", "where they differ");

        IpsecDatagramAudit::Summary s = audit.GetSummary();
        NS_TEST_EXPECT_MSG_EQ(s.datagrams, 6u, "datagrams");
        NS_TEST_EXPECT_MSG_EQ(s.delivered, 2u, "delivered");
        NS_TEST_EXPECT_MSG_EQ(s.dropped, 1u, "dropped");
        NS_TEST_EXPECT_MSG_EQ(s.silentlyLost, 1u, "silently lost");
        NS_TEST_EXPECT_MSG_EQ(s.corrupted, 2u, "corrupted");
        NS_TEST_EXPECT_MSG_EQ(s.strays, 1u, "the forged 'hello'");
        NS_TEST_EXPECT_MSG_EQ(s.icmpErrorDrops, 1u, "the Packet Too Big quoting datagram 4");
        NS_TEST_EXPECT_MSG_EQ(audit.Ok(), false, "not ok");

        std::string report = audit.Report();
        for (uint32_t id : {dropped, tooBig, twice, altered})
        {
            NS_TEST_EXPECT_MSG_NE(report.find("datagram " + std::to_string(id) + " ("),
                                  std::string::npos,
                                  "the report lists datagram " << id << ":\n"
                                                               << report);
        }
        for (uint32_t id : {delivered, tiny})
        {
            NS_TEST_EXPECT_MSG_EQ(report.find("datagram " + std::to_string(id) + " ("),
                                  std::string::npos,
                                  "the report omits datagram " << id << ":\n"
                                                               << report);
        }
    }
};

// ===========================================================================
// 3. Queue drops over IPv4
// ===========================================================================

/**
 * 30 datagrams sent at once over a 1 Mbps IPv4 link whose root queue disc
 * holds 5 packets and device queue 1: most are dropped by the queue disc.
 * Every datagram is DELIVERED or DROPPED with a queue-disc drop event at A,
 * none is silently lost.
 */
class AuditQueueDropTestCase : public TestCase
{
  public:
    AuditQueueDropTestCase()
        : TestCase("verdicts: queue disc drops over IPv4 are accounted")
    {
    }

  private:
    void DoTeardown() override
    {
        Simulator::Destroy();
    }

    void DoRun() override
    {
        NodeContainer n;
        n.Create(2);
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue("1Mbps"));
        p2p.SetChannelAttribute("Delay", StringValue("1ms"));
        p2p.SetQueue("ns3::DropTailQueue", "MaxSize", StringValue("1p"));
        NetDeviceContainer d = p2p.Install(n);
        InternetStackHelper().Install(n);
        TrafficControlHelper tch;
        tch.SetRootQueueDisc("ns3::PfifoFastQueueDisc", "MaxSize", StringValue("5p"));
        tch.Install(d);
        Ipv4AddressHelper addr;
        addr.SetBase("10.9.0.0", "255.255.255.0");
        addr.Assign(d);

        IpsecDatagramAudit audit;
        audit.Watch(n);
        audit.Listen(n.Get(1), PORT);
        const uint32_t count = 30;
        for (uint32_t i = 0; i < count; ++i)
        {
            audit.Send(n.Get(0), InetSocketAddress("10.9.0.2", PORT), 1000, Seconds(1));
        }
        Simulator::Stop(Seconds(3));
        Simulator::Run();

        IpsecDatagramAudit::Summary s = audit.GetSummary();
        NS_TEST_EXPECT_MSG_EQ(s.delivered + s.dropped, count, audit.Report());
        NS_TEST_EXPECT_MSG_GT(s.dropped, 0u, "the queue disc overflowed");
        NS_TEST_EXPECT_MSG_GT(s.delivered, 0u, "some got through");
        NS_TEST_EXPECT_MSG_EQ(audit.Ok(), true, audit.Report());
        for (uint32_t id = 1; id <= count; ++id)
        {
            if (audit.GetVerdict(id) != IpsecDatagramAudit::Verdict::DROPPED)
            {
                continue;
            }
            const auto& drops = audit.GetRecord(id).drops;
            NS_TEST_ASSERT_MSG_EQ(drops.size(), 1u, audit.Describe(id));
            NS_TEST_EXPECT_MSG_EQ(drops[0].node, n.Get(0)->GetId(), audit.Describe(id));
            NS_TEST_EXPECT_MSG_EQ(
                drops[0].trace, "device 0 QueueDisc DropBeforeEnqueue", audit.Describe(id));
        }
    }
};

class IpsecDatagramAuditTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecDatagramAuditTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-datagram-audit", UNIT)
    {
        AddTestCase(new AuditPayloadTestCase(), TestCase::QUICK);
        AddTestCase(new AuditVerdictTestCase(), TestCase::QUICK);
        AddTestCase(new AuditQueueDropTestCase(), TestCase::QUICK);
    }
};

static IpsecDatagramAuditTestSuite g_ipsecDatagramAuditTestSuite;

} // namespace
