/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * End-to-end transport mode through the whole ns-3 stack: the FAQ topology
 * configured by setkey, real traffic, and independent observers -- the
 * protocol numbers of the datagrams on the wire (read from the device's
 * PPP frames) and FlowMonitor's view of the flows.
 */
#include "common/ipsec-traffic-helper.h"
#include "ipsec-test-base.h"
#include "ns3/config.h"
#include "ns3/flow-monitor-helper.h"
#include "ns3/ipsec-module.h"
#include "ns3/ipv4-flow-classifier.h"
#include "ns3/ipv6-flow-classifier.h"
#include "ns3/ppp-header.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <map>

using namespace ns3;

namespace
{

std::string
Script(bool v6, const std::string& me, const std::string& peer, const std::string& algo)
{
    std::string a = v6 ? "fd00:10:1::1" : "10.1.1.1";
    std::string b = v6 ? "fd00:20:1::1" : "20.1.1.1";
    std::string self = me == "A" ? a : b;
    std::string other = me == "A" ? b : a;
    (void) peer;
    return "add " + a + " " + b + " esp 9876 " + algo + ";\n" + "add " + b + " " + a + " esp 10000 "
         + algo + ";\n" + "spdadd " + self + " " + other
         + " any -P out ipsec esp/transport//require;\n" + "spdadd " + other + " " + self
         + " any -P in ipsec esp/transport//require;\n";
}

} // namespace

/**
 * Every datagram A sends to B leaves A as ESP, the counters equal what the
 * wire shows, all traffic arrives, and FlowMonitor still classifies the
 * UDP/TCP flows and sees them delivered.
 */
class TransportEndToEndTestCase : public TestCase
{
  public:
    TransportEndToEndTestCase(bool v6, std::string label, std::string algo)
        : TestCase("ESP transport end to end over " + std::string(v6 ? "IPv6" : "IPv4") + " with "
                   + label)
        , m_v6(v6)
        , m_algo(std::move(algo))
    {
    }

  private:
    void DoRun() override
    {
        IpsecHostToHostHelper topo;
        topo.SetIpv6(m_v6);
        topo.Build();
        IpsecStackHelper().AssignStreams(topo.GetNodes(), 7);
        IpsecHelper ipsec;
        ipsec.RunSetkeyString(topo.GetHostA(), Script(m_v6, "A", "B", m_algo), "A");
        ipsec.RunSetkeyString(topo.GetHostB(), Script(m_v6, "B", "A", m_algo), "B");

        // Protocol numbers of what A puts on its link.
        std::map<uint8_t, uint32_t> wire;
        Ptr<NetDevice> devA = topo.GetDevices().Get(0);
        devA->TraceConnectWithoutContext("PhyTxBegin",
                                         Callback<void, Ptr<const Packet>>(
                                             [&wire, this](Ptr<const Packet> p)
                                             {
                                                 uint8_t b[2 + 40];
                                                 if (p->GetSize() < sizeof(b))
                                                 {
                                                     return;
                                                 }
                                                 p->CopyData(b, sizeof(b));
                                                 uint16_t ppp = (b[0] << 8) | b[1];
                                                 if (ppp == 0x0021 && !m_v6)
                                                 {
                                                     wire[b[2 + 9]]++;
                                                 }
                                                 else if (ppp == 0x0057 && m_v6)
                                                 {
                                                     wire[b[2 + 6]]++;
                                                 }
                                             }));

        FlowMonitorHelper fmh;
        Ptr<FlowMonitor> monitor = fmh.Install(NodeContainer(topo.GetHostA(), topo.GetHostB()));

        IpsecTrafficHelper traffic;
        traffic.SetTcpBytes(300000);
        Simulator::Stop(traffic.Install(
            topo.GetHostA(), topo.GetAddressA(), topo.GetHostB(), topo.GetAddressB()));
        Simulator::Run();

        for (const IpsecFlowResult& f : traffic.GetResults())
        {
            NS_TEST_EXPECT_MSG_EQ(f.received, f.sent, f.name + " delivered completely");
        }
        const IpsecStats& a = topo.GetHostA()->GetObject<IpsecStack>()->GetStats(m_v6);
        const IpsecStats& b = topo.GetHostB()->GetObject<IpsecStack>()->GetStats(m_v6);
        NS_TEST_EXPECT_MSG_GT(a.out_success, 200u, "A protected its traffic");
        NS_TEST_EXPECT_MSG_EQ(a.out_success, wire[50], "one ESP datagram on the wire per output");
        NS_TEST_EXPECT_MSG_EQ(wire[17] + wire[6] + wire[1] + (m_v6 ? 0 : 0),
                              0u,
                              "no plaintext UDP, TCP or ICMP from A");
        NS_TEST_EXPECT_MSG_EQ(b.in_success, a.out_success, "B decapsulated all of it");
        NS_TEST_EXPECT_MSG_EQ(a.in_success, b.out_success, "and A all of B's");
        NS_TEST_EXPECT_MSG_EQ(a.in_polvio + b.in_polvio + a.in_inval + b.in_inval, 0u, "no drops");

        monitor->CheckForLostPackets();
        uint32_t udpFlows = 0;
        uint32_t tcpFlows = 0;
        for (const auto& [id, stats] : monitor->GetFlowStats())
        {
            uint8_t proto;
            if (m_v6)
            {
                proto
                    = DynamicCast<Ipv6FlowClassifier>(fmh.GetClassifier6())->FindFlow(id).protocol;
            }
            else
            {
                proto = DynamicCast<Ipv4FlowClassifier>(fmh.GetClassifier())->FindFlow(id).protocol;
            }
            NS_TEST_EXPECT_MSG_GT(stats.rxPackets, 0u, "FlowMonitor saw the flow delivered");
            NS_TEST_EXPECT_MSG_EQ(stats.rxPackets, stats.txPackets, "no packet lost");
            udpFlows += proto == 17;
            tcpFlows += proto == 6;
        }
        NS_TEST_EXPECT_MSG_EQ(udpFlows, 2u, "UDP echo, both directions");
        NS_TEST_EXPECT_MSG_EQ(tcpFlows, 2u, "TCP data and ACKs");
        Simulator::Destroy();
    }

    bool m_v6;
    std::string m_algo;
};

/**
 * KAME lowers a protected connection's MSS by ipsec_hdrsiz, so full TCP
 * segments still fit the MTU with ESP: with a 1448-byte segment size on
 * 1500-byte links, no ESP datagram on the wire is fragmented, and the
 * largest one fills the MTU within ipsec_hdrsiz's worst-case padding.
 */
class TcpSegmentSizeTestCase : public TestCase
{
  public:
    TcpSegmentSizeTestCase(bool v6)
        : TestCase(std::string("TCP segment size lowered by the IPsec overhead over ")
                   + (v6 ? "IPv6" : "IPv4"))
        , m_v6(v6)
    {
    }

  private:
    void DoRun() override
    {
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
        IpsecHostToHostHelper topo;
        topo.SetIpv6(m_v6);
        topo.Build();
        IpsecHelper ipsec;
        std::string algo = "-E rijndael-cbc 0x00112233445566778899aabbccddeeff -A hmac-sha1 "
                           "\"01234567890123456789\"";
        ipsec.RunSetkeyString(topo.GetHostA(), Script(m_v6, "A", "B", algo), "A");
        ipsec.RunSetkeyString(topo.GetHostB(), Script(m_v6, "B", "A", algo), "B");
        uint32_t fragments = 0;
        uint32_t largest = 0;
        uint32_t esp = 0;
        topo.GetDevices().Get(0)->TraceConnectWithoutContext(
            "PhyTxBegin",
            Callback<void, Ptr<const Packet>>(
                [&, this](Ptr<const Packet> p)
                {
                    uint8_t b[2 + 48];
                    if (p->GetSize() < sizeof(b))
                    {
                        return;
                    }
                    p->CopyData(b, sizeof(b));
                    uint32_t ipSize = p->GetSize() - 2;
                    uint8_t proto = m_v6 ? b[2 + 6] : b[2 + 9];
                    bool fragment
                        = m_v6 ? proto == 44 : (((b[2 + 6] << 8) | b[2 + 7]) & 0x3fff) != 0;
                    fragments += fragment;
                    if (proto == 50)
                    {
                        esp++;
                        largest = std::max(largest, ipSize);
                    }
                }));
        IpsecTrafficHelper traffic;
        traffic.SetPingCount(0);
        traffic.SetUdpEchoCount(0);
        traffic.SetTcpBytes(200000);
        Simulator::Stop(traffic.Install(
            topo.GetHostA(), topo.GetAddressA(), topo.GetHostB(), topo.GetAddressB()));
        Simulator::Run();
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(536));
        NS_TEST_EXPECT_MSG_EQ(traffic.GetResults().back().received, 200000u, "TCP delivered");
        NS_TEST_EXPECT_MSG_GT(esp, 100u, "ESP datagrams seen");
        NS_TEST_EXPECT_MSG_EQ(fragments, 0u, "no datagram fragmented");
        NS_TEST_EXPECT_MSG_LT_OR_EQ(largest, 1500u, "every ESP datagram fits the MTU");
        // ipsec_hdrsiz counts the worst padding (block size + 1 for AES);
        // the real padding is at most 16 bytes smaller.
        NS_TEST_EXPECT_MSG_GT(largest, 1500u - 17u, "full segments are still used");
        Simulator::Destroy();
    }

    bool m_v6;
};

class IpsecTransportTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecTransportTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-transport", SYSTEM)
    {
        for (bool v6 : {false, true})
        {
            AddTestCase(new TransportEndToEndTestCase(
                            v6,
                            "rijndael-cbc and hmac-sha1",
                            "-E rijndael-cbc 0x00112233445566778899aabbccddeeff -A hmac-sha1 "
                            "\"01234567890123456789\""),
                        TestCase::QUICK);
            AddTestCase(
                new TransportEndToEndTestCase(
                    v6, "aes-gcm-16", "-E aes-gcm-16 0x00112233445566778899aabbccddeeff01020304"),
                TestCase::QUICK);
        }
        AddTestCase(
            new TransportEndToEndTestCase(
                false,
                "chacha20-poly1305",
                "-E chacha20-poly1305 "
                "0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff01020304"),
            TestCase::QUICK);
        AddTestCase(new TransportEndToEndTestCase(
                        false,
                        "aes-ctr and hmac-sha2-256",
                        "-E aes-ctr 0x00112233445566778899aabbccddeeff01020304 -A hmac-sha2-256 "
                        "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
                    TestCase::QUICK);
        AddTestCase(
            new TransportEndToEndTestCase(false,
                                          "blowfish-cbc and aes-xcbc-mac",
                                          "-E blowfish-cbc \"blowfishtest.001\" -A aes-xcbc-mac "
                                          "0x000102030405060708090a0b0c0d0e0f"),
            TestCase::QUICK);
        AddTestCase(
            new TransportEndToEndTestCase(
                false,
                "cast128-cbc and hmac-md5",
                "-E cast128-cbc 0x0102030405060708 -A hmac-md5 0x000102030405060708090a0b0c0d0e0f"),
            TestCase::QUICK);
        AddTestCase(
            new TransportEndToEndTestCase(
                false,
                "des-cbc and keyed-md5",
                "-E des-cbc 0x0123456789abcdef -A keyed-md5 0x000102030405060708090a0b0c0d0e0f"),
            TestCase::QUICK);
        AddTestCase(
            new TransportEndToEndTestCase(false,
                                          "null and hmac-sha2-512",
                                          "-E null -A hmac-sha2-512 0x" + std::string(128, 'a')),
            TestCase::QUICK);
        AddTestCase(new TcpSegmentSizeTestCase(false), TestCase::QUICK);
        AddTestCase(new TcpSegmentSizeTestCase(true), TestCase::QUICK);
    }
};

static IpsecTransportTestSuite g_ipsecTransportTestSuite;
