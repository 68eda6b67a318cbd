/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The flow metrics the examples print (examples/common: IpsecTrafficHelper's
 * samples, IpsecComputeFlowMetrics, the metrics line and JSON members),
 * held to hand computations:
 *
 *  1. The statistics alone: mean, median (even and odd counts) and the
 *     nearest-rank 95th percentile of known samples; goodput and loss of a
 *     flow built by hand.
 *  2. Ping and UDP echo over the FAQ's host-to-host topology (A -- router
 *     -- B, two point-to-point links of 1 Mbit/s and 5 ms) with ESP
 *     rijndael-cbc + hmac-sha1 transport SAs, IPv4 and IPv6: every RTT
 *     sample is 4 x (5 ms + the serialization of the PPP frame), the
 *     frame's size computed here from RFC 4303's layout (ESP header, IV,
 *     payload padded with the trailer to the cipher block, ICV), the IP
 *     header and PPP's 2 bytes; the goodput is the payload delivered over
 *     the time from the first request to the last reply; with B's device
 *     losing the second ping (a ReceiveListErrorModel) the ping flow has 4
 *     samples and a loss of 1/5, and its printed line and JSON say so.
 *  3. TCP over the same topology: no retransmission on the clean links and
 *     every RTT sample at least the two-way propagation plus the
 *     serialization of a full segment and of its ACK; with one data segment
 *     lost on B's device, at least one retransmission is counted and every
 *     byte still delivered.
 */
#include "common/ipsec-example-report.h"
#include "common/ipsec-traffic-helper.h"
#include "ipsec-test-base.h"
#include "ns3/error-model.h"
#include "ns3/ipsec-module.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/test.h"

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#ifndef NS3_IPSEC_SOURCE_DIR
#define NS3_IPSEC_SOURCE_DIR "contrib/ipsec"
#endif

using namespace ns3;

namespace
{

const double kRateBps = 1e6;   ///< both links
const double kDelayS = 0.005;  ///< both links
const uint32_t kPingData = 56; ///< ping(8)'s data bytes
const uint32_t kEchoSize = 512;

/// The bytes of a PPP frame carrying @p l4 bytes (ICMP or UDP with its
/// payload) in ESP transport mode with rijndael-cbc (16-byte blocks and IV)
/// and hmac-sha1 (12-byte ICV), RFC 4303: SPI and sequence number, IV, the
/// payload with pad length and next header padded to the block, ICV.
uint32_t
FrameBytes(uint32_t l4, bool v6)
{
    uint32_t padded = (l4 + 2 + 15) / 16 * 16;
    uint32_t esp = 8 + 16 + padded + 12;
    return 2 + (v6 ? 40 : 20) + esp;
}

/// One link's one-way time for a frame of @p bytes: propagation plus serialization.
double
Hop(uint32_t bytes)
{
    return kDelayS + bytes * 8 / kRateBps;
}

/// The flow named @p name of @p flows.
const IpsecFlowResult*
Find(const std::vector<IpsecFlowResult>& flows, const std::string& name)
{
    for (const auto& f : flows)
    {
        if (f.name == name)
        {
            return &f;
        }
    }
    return nullptr;
}

/// The host-to-host topology with the esp-auth scripts, ready to run.
struct Scenario
{
    IpsecHostToHostHelper topo;

    explicit Scenario(bool v6)
    {
        topo.SetIpv6(v6);
        topo.SetLinkRate("1Mbps");
        topo.SetLinkDelay("5ms");
        topo.Build();
        IpsecStackHelper().AssignStreams(topo.GetNodes(), 100);
        std::string dir = std::string(NS3_IPSEC_SOURCE_DIR) + "/examples/host-to-host/";
        std::string sfx = v6 ? "-v6.conf" : ".conf";
        IpsecHelper ipsec;
        ipsec.RunSetkeyFile(topo.GetHostA(), dir + "esp-auth-A" + sfx);
        ipsec.RunSetkeyFile(topo.GetHostB(), dir + "esp-auth-B" + sfx);
    }

    /// B's point-to-point device loses the datagrams it receives as @p nth (from 0).
    void LoseAtB(const std::list<uint32_t>& nth)
    {
        Ptr<Node> b = topo.GetHostB();
        for (uint32_t i = 0; i < b->GetNDevices(); ++i)
        {
            if (Ptr<PointToPointNetDevice> d = DynamicCast<PointToPointNetDevice>(b->GetDevice(i)))
            {
                Ptr<ReceiveListErrorModel> em = CreateObject<ReceiveListErrorModel>();
                em->SetList(nth);
                d->SetAttribute("ReceiveErrorModel", PointerValue(em));
            }
        }
    }
};

// ===========================================================================
// 1. The statistics
// ===========================================================================

class MetricsStatisticsTestCase : public TestCase
{
  public:
    MetricsStatisticsTestCase()
        : TestCase("mean, median, nearest-rank p95, goodput and loss of known samples")
    {
    }

  private:
    void Check(std::vector<double> s, double mean, double median, double p95)
    {
        double m;
        double med;
        double p;
        IpsecDelayStatistics(s, m, med, p);
        NS_TEST_EXPECT_MSG_EQ_TOL(m, mean, 1e-12, s.size() << " samples: mean");
        NS_TEST_EXPECT_MSG_EQ_TOL(med, median, 1e-12, s.size() << " samples: median");
        NS_TEST_EXPECT_MSG_EQ_TOL(p, p95, 1e-12, s.size() << " samples: p95");
    }

    void DoRun() override
    {
        Check({}, 0, 0, 0);
        Check({7}, 7, 7, 7);
        Check({4, 1, 3, 2}, 2.5, 2.5, 4); // ceil(3.8) = 4th
        Check({5, 1, 3}, 3, 3, 5);
        std::vector<double> twenty;
        std::vector<double> hundred;
        for (int i = 100; i >= 1; --i) // descending: the statistics sort
        {
            hundred.push_back(i);
            if (i <= 20)
            {
                twenty.push_back(i);
            }
        }
        Check(twenty, 10.5, 10.5, 19);  // ceil(0.95 * 20) = 19th
        Check(hundred, 50.5, 50.5, 95); // 95th of 1..100
        std::vector<double> twentyOne = twenty;
        twentyOne.push_back(21);
        Check(twentyOne, 11, 11, 20); // ceil(19.95) = 20th

        IpsecFlowResult f{"x", "datagrams", 8, 6, {}};
        f.samples.delayKind = "rtt";
        f.samples.delays = {0.010, 0.030, 0.020};
        f.samples.deliveredBytes = 1000;
        f.samples.firstSend = 2;
        f.samples.lastDelivery = 6;
        IpsecFlowMetrics m = IpsecComputeFlowMetrics(f);
        NS_TEST_EXPECT_MSG_EQ_TOL(m.throughputBps, 2000.0, 1e-9, "1000 bytes in 4 s");
        NS_TEST_EXPECT_MSG_EQ_TOL(m.activeSeconds, 4.0, 1e-12, "active time");
        NS_TEST_EXPECT_MSG_EQ_TOL(m.delayMeanMs, 20.0, 1e-9, "mean in ms");
        NS_TEST_EXPECT_MSG_EQ_TOL(m.delayMedianMs, 20.0, 1e-9, "median in ms");
        NS_TEST_EXPECT_MSG_EQ_TOL(m.delayP95Ms, 30.0, 1e-9, "p95 in ms");
        NS_TEST_EXPECT_MSG_EQ_TOL(m.lossFraction, 0.25, 1e-12, "2 of 8 lost");
        std::ostringstream line;
        IpsecPrintFlowMetrics(line, f);
        NS_TEST_EXPECT_MSG_EQ(line.str(),
                              "  throughput 2.00 kbit/s, rtt mean 20.0 ms median 20.0 ms p95 "
                              "30.0 ms (3 samples), not delivered 25.0 %\n",
                              "the metrics line");
        std::ostringstream json;
        IpsecWriteFlowMetricsJson(json, f);
        NS_TEST_EXPECT_MSG_EQ(json.str(),
                              ", \"throughputBps\": 2000, \"activeSeconds\": 4, \"rttSamples\": 3, "
                              "\"rttMeanMs\": 20, \"rttMedianMs\": 20, \"rttP95Ms\": 30, "
                              "\"lossFraction\": 0.25",
                              "the JSON members");

        IpsecFlowResult none{"y", "bytes", 10, 0, {}};
        none.samples.delayKind = "rtt";
        none.samples.firstSend = 1;
        m = IpsecComputeFlowMetrics(none);
        NS_TEST_EXPECT_MSG_EQ(m.throughputBps, 0.0, "nothing delivered: no goodput");
        NS_TEST_EXPECT_MSG_EQ(m.lossFraction, 1.0, "nothing delivered: all lost");
        std::ostringstream noneLine;
        IpsecPrintFlowMetrics(noneLine, none);
        NS_TEST_EXPECT_MSG_EQ(
            noneLine.str(), "  throughput 0 bit/s, rtt n/a, not delivered 100 %\n", "no samples");
    }
};

// ===========================================================================
// 2. Ping and UDP echo against the hand computation
// ===========================================================================

class MetricsRequestReplyTestCase : public TestCase
{
  public:
    MetricsRequestReplyTestCase(bool v6, bool losePing)
        : TestCase(std::string("ping and UDP echo RTT and goodput by hand, ")
                   + (v6 ? "IPv6" : "IPv4") + (losePing ? ", the second ping lost" : ""))
        , m_v6(v6)
        , m_losePing(losePing)
    {
    }

  private:
    void DoRun() override
    {
        Scenario s(m_v6);
        if (m_losePing)
        {
            // B receives ping 1 (1 s), UDP echo 1 (1.5 s), ping 2 (2 s), ...
            s.LoseAtB({2});
        }
        IpsecTrafficHelper traffic; // 5 pings from 1 s, 5 UDP echoes from 1.5 s, 1 s apart
        traffic.SetTcpBytes(0);
        Simulator::Stop(traffic.Install(
            s.topo.GetHostA(), s.topo.GetAddressA(), s.topo.GetHostB(), s.topo.GetAddressB()));
        Simulator::Run();
        std::vector<IpsecFlowResult> flows = traffic.GetResults();
        Simulator::Destroy();

        // Two links each way, store and forward at the router.
        const double pingRtt = 4 * Hop(FrameBytes(8 + kPingData, m_v6));
        const double echoRtt = 4 * Hop(FrameBytes(8 + kEchoSize, m_v6));
        const uint32_t pings = m_losePing ? 4 : 5;

        const IpsecFlowResult* ping = Find(flows, "ping");
        NS_TEST_ASSERT_MSG_NE(ping, nullptr, "no ping flow");
        NS_TEST_EXPECT_MSG_EQ(ping->sent, 5, "pings sent");
        NS_TEST_EXPECT_MSG_EQ(ping->received, pings, "replies");
        NS_TEST_ASSERT_MSG_EQ(ping->samples.delays.size(), pings, "one RTT per reply");
        for (double d : ping->samples.delays)
        {
            NS_TEST_EXPECT_MSG_EQ_TOL(d, pingRtt, 1e-9, "ping RTT");
        }
        IpsecFlowMetrics pm = IpsecComputeFlowMetrics(*ping);
        NS_TEST_EXPECT_MSG_EQ_TOL(pm.delayMeanMs, pingRtt * 1e3, 1e-6, "ping mean");
        NS_TEST_EXPECT_MSG_EQ_TOL(pm.delayMedianMs, pingRtt * 1e3, 1e-6, "ping median");
        NS_TEST_EXPECT_MSG_EQ_TOL(pm.delayP95Ms, pingRtt * 1e3, 1e-6, "ping p95");
        // The first ping at 1 s, the last reply 4 s later plus one RTT.
        NS_TEST_EXPECT_MSG_EQ_TOL(
            pm.throughputBps, pings * kPingData * 8 / (4 + pingRtt), 1e-6, "ping goodput");
        NS_TEST_EXPECT_MSG_EQ_TOL(pm.lossFraction, (m_losePing ? 0.2 : 0.0), 1e-12, "ping loss");

        const IpsecFlowResult* echo = Find(flows, "udp-echo");
        NS_TEST_ASSERT_MSG_NE(echo, nullptr, "no UDP echo flow");
        NS_TEST_EXPECT_MSG_EQ(echo->received, 5, "UDP echoes");
        NS_TEST_ASSERT_MSG_EQ(echo->samples.delays.size(), 5, "one RTT per reply");
        for (double d : echo->samples.delays)
        {
            NS_TEST_EXPECT_MSG_EQ_TOL(d, echoRtt, 1e-9, "UDP echo RTT");
        }
        IpsecFlowMetrics em = IpsecComputeFlowMetrics(*echo);
        NS_TEST_EXPECT_MSG_EQ_TOL(em.delayP95Ms, echoRtt * 1e3, 1e-6, "UDP echo p95");
        NS_TEST_EXPECT_MSG_EQ_TOL(
            em.throughputBps, 5 * kEchoSize * 8 / (4 + echoRtt), 1e-6, "UDP echo goodput");
        NS_TEST_EXPECT_MSG_EQ(em.lossFraction, 0.0, "UDP echo loss");

        // The report's lines and JSON carry the same numbers.
        std::ostringstream out;
        IpsecPrintFlowLine(out, *ping, "A", "B");
        char rtt[32];
        std::snprintf(rtt, sizeof(rtt), "%.1f", pingRtt * 1e3);
        std::ostringstream want;
        want << "flow ping A -> B: " << pings << " of 5 echo requests/replies delivered\n"
             << "  throughput ";
        NS_TEST_EXPECT_MSG_EQ(out.str().rfind(want.str(), 0), 0, out.str());
        std::ostringstream tail;
        tail << "rtt mean " << rtt << " ms median " << rtt << " ms p95 " << rtt << " ms (" << pings
             << " samples), not delivered " << (m_losePing ? "20.0" : "0") << " %\n";
        NS_TEST_EXPECT_MSG_NE(out.str().find(tail.str()), std::string::npos, out.str());
        std::ostringstream json;
        IpsecWriteFlowMetricsJson(json, *ping);
        NS_TEST_EXPECT_MSG_NE(json.str().find("\"rttSamples\": " + std::to_string(pings)),
                              std::string::npos,
                              json.str());
    }

    bool m_v6;
    bool m_losePing;
};

// ===========================================================================
// 3. TCP: RTT samples and retransmissions
// ===========================================================================

class MetricsTcpTestCase : public TestCase
{
  public:
    explicit MetricsTcpTestCase(bool lose)
        : TestCase(std::string("TCP RTT samples and retransmissions")
                   + (lose ? ", one data segment lost" : ", clean links"))
        , m_lose(lose)
    {
    }

  private:
    void DoRun() override
    {
        Scenario s(false);
        if (m_lose)
        {
            // B receives the SYN (0), the handshake's ACK (1), then data: lose the 4th datagram.
            s.LoseAtB({5});
        }
        IpsecTrafficHelper traffic;
        traffic.SetPingCount(0);
        traffic.SetUdpEchoCount(0);
        traffic.SetTcpBytes(50000);
        Simulator::Stop(traffic.Install(
            s.topo.GetHostA(), s.topo.GetAddressA(), s.topo.GetHostB(), s.topo.GetAddressB()));
        Simulator::Run();
        std::vector<IpsecFlowResult> flows = traffic.GetResults();
        Simulator::Destroy();

        const IpsecFlowResult* tcp = Find(flows, "tcp");
        NS_TEST_ASSERT_MSG_NE(tcp, nullptr, "no TCP flow");
        NS_TEST_EXPECT_MSG_EQ(tcp->received, 50000, "every byte delivered");
        IpsecFlowMetrics m = IpsecComputeFlowMetrics(*tcp);
        NS_TEST_EXPECT_MSG_EQ(m.tcp, true, "TCP counters");
        // ns-3's default segment size is 536 bytes: at least 94 segments.
        NS_TEST_EXPECT_MSG_GT_OR_EQ(m.dataSegments, 94u, "data segments");
        if (m_lose)
        {
            NS_TEST_EXPECT_MSG_GT_OR_EQ(m.retransmissions, 1u, "the lost segment sent again");
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(m.retransmissions, 0u, "no retransmission on clean links");
            NS_TEST_EXPECT_MSG_EQ(m.dataSegments, 94u, "50000 bytes in 536-byte segments");
        }
        NS_TEST_EXPECT_MSG_GT(m.delaySamples, 0u, "RTT samples");
        NS_TEST_EXPECT_MSG_LT_OR_EQ(m.delaySamples, m.dataSegments, "at most one per segment");
        // A full segment (TCP header of 20 bytes plus 12 of timestamps) and
        // an ACK (32 bytes), each over two links.
        double least = 2 * Hop(FrameBytes(32 + 536, false)) + 2 * Hop(FrameBytes(32, false));
        double smallest = 1e9;
        for (double d : tcp->samples.delays)
        {
            smallest = std::min(smallest, d);
        }
        NS_TEST_EXPECT_MSG_GT_OR_EQ(smallest + 1e-9, least, "an RTT below the links' minimum");
        NS_TEST_EXPECT_MSG_LT(m.throughputBps, kRateBps, "goodput above the link rate");
        NS_TEST_EXPECT_MSG_GT(m.throughputBps, 0.0, "goodput");
    }

    bool m_lose;
};

class IpsecExampleMetricsTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecExampleMetricsTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-example-metrics", UNIT)
    {
        AddTestCase(new MetricsStatisticsTestCase, TestCase::QUICK);
        for (bool v6 : {false, true})
        {
            AddTestCase(new MetricsRequestReplyTestCase(v6, false), TestCase::QUICK);
        }
        AddTestCase(new MetricsRequestReplyTestCase(false, true), TestCase::QUICK);
        AddTestCase(new MetricsTcpTestCase(false), TestCase::QUICK);
        AddTestCase(new MetricsTcpTestCase(true), TestCase::QUICK);
    }
};

IpsecExampleMetricsTestSuite g_ipsecExampleMetricsTestSuite;

} // namespace
