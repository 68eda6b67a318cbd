/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Tunnels whose outer family differs from the inner one: IPv6 networks
 * joined through an IPv4 ESP tunnel, and IPv4 networks through an IPv6 one.
 * KAME's key_spdadd refuses such policies; IpsecSpd::MixedFamilyTunnels
 * accepts them.  Observed on the wire: the WAN carries only ESP of the
 * outer family once the traffic starts, and everything arrives.
 */
#include "common/ipsec-traffic-helper.h"
#include "ipsec-test-base.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/test.h"

#include <cerrno>

using namespace ns3;

namespace
{

std::string
GatewayScript(bool gw1,
              const std::string& lan1,
              const std::string& lan2,
              const std::string& w1,
              const std::string& w2)
{
    std::string keys = "add " + w1 + " " + w2
                     + " esp 5001 -E rijndael-cbc \"mixedfamily-0001\" -A hmac-sha1 "
                       "\"mixed-family-auth-01\";\n"
                       "add "
                     + w2 + " " + w1
                     + " esp 5002 -E rijndael-cbc \"mixedfamily-0002\" -A hmac-sha1 "
                       "\"mixed-family-auth-02\";\n";
    std::string out = gw1 ? lan1 + " " + lan2 : lan2 + " " + lan1;
    std::string in = gw1 ? lan2 + " " + lan1 : lan1 + " " + lan2;
    std::string outEnds = gw1 ? w1 + "-" + w2 : w2 + "-" + w1;
    std::string inEnds = gw1 ? w2 + "-" + w1 : w1 + "-" + w2;
    return keys + "spdadd " + out + " any -P out ipsec esp/tunnel/" + outEnds + "/require;\n"
         + "spdadd " + in + " any -P in ipsec esp/tunnel/" + inEnds + "/require;\n";
}

} // namespace

class MixedFamilyTestCase : public TestCase
{
  public:
    /// @p innerV6: IPv6 LANs over an IPv4 tunnel (else IPv4 LANs over IPv6).
    explicit MixedFamilyTestCase(bool innerV6)
        : TestCase(innerV6 ? "IPv6 networks through an IPv4 ESP tunnel"
                           : "IPv4 networks through an IPv6 ESP tunnel")
        , m_innerV6(innerV6)
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer n;
        n.Create(4); // h1, gw1, gw2, h2
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
        p2p.SetChannelAttribute("Delay", StringValue("2ms"));
        NetDeviceContainer lan1 = p2p.Install(n.Get(0), n.Get(1));
        NetDeviceContainer wan = p2p.Install(n.Get(1), n.Get(2));
        NetDeviceContainer lan2 = p2p.Install(n.Get(2), n.Get(3));
        IpsecStackHelper().Install(n);

        // Both families everywhere: the inner one routes the LANs, the outer
        // one carries the tunnel.
        Ipv4AddressHelper v4;
        v4.SetBase("10.0.1.0", "255.255.255.0");
        Ipv4InterfaceContainer l1 = v4.Assign(NetDeviceContainer(lan1.Get(1), lan1.Get(0)));
        v4.SetBase("20.0.0.0", "255.255.255.0");
        v4.Assign(wan);
        v4.SetBase("10.0.2.0", "255.255.255.0");
        Ipv4InterfaceContainer l2 = v4.Assign(lan2);
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();
        IpsecAssignIpv6(lan1.Get(1), "fd00:1::1", true);
        IpsecAssignIpv6(lan1.Get(0), "fd00:1::2", false);
        IpsecAssignIpv6(wan.Get(0), "fd00:20::1", true);
        IpsecAssignIpv6(wan.Get(1), "fd00:20::2", true);
        IpsecAssignIpv6(lan2.Get(0), "fd00:2::1", true);
        IpsecAssignIpv6(lan2.Get(1), "fd00:2::2", false);
        Ipv6StaticRoutingHelper routing;
        routing.GetStaticRouting(n.Get(0)->GetObject<Ipv6>())
            ->SetDefaultRoute(Ipv6Address("fd00:1::1"), 1);
        routing.GetStaticRouting(n.Get(3)->GetObject<Ipv6>())
            ->SetDefaultRoute(Ipv6Address("fd00:2::1"), 1);
        routing.GetStaticRouting(n.Get(1)->GetObject<Ipv6>())
            ->AddNetworkRouteTo(
                Ipv6Address("fd00:2::"), Ipv6Prefix(64), Ipv6Address("fd00:20::2"), 2);
        routing.GetStaticRouting(n.Get(2)->GetObject<Ipv6>())
            ->AddNetworkRouteTo(
                Ipv6Address("fd00:1::"), Ipv6Prefix(64), Ipv6Address("fd00:20::1"), 1);

        std::string lanA = m_innerV6 ? "fd00:1::/64" : "10.0.1.0/24";
        std::string lanB = m_innerV6 ? "fd00:2::/64" : "10.0.2.0/24";
        std::string w1 = m_innerV6 ? "20.0.0.1" : "fd00:20::1";
        std::string w2 = m_innerV6 ? "20.0.0.2" : "fd00:20::2";
        IpsecHelper ipsec;
        for (uint32_t g : {1u, 2u})
        {
            Ptr<IpsecStack> stack = n.Get(g)->GetObject<IpsecStack>();
            std::string script = GatewayScript(g == 1, lanA, lanB, w1, w2);
            // KAME refuses the policies ...
            IpsecHelper tolerant;
            tolerant.SetTolerateKernelErrors(true);
            SetkeyResult r = tolerant.RunSetkeyString(n.Get(g), script, "gw");
            NS_TEST_EXPECT_MSG_EQ(
                r.kernelErrors.size(), 2u, "KAME: mixed-family tunnels are EINVAL");
            for (const auto& e : r.kernelErrors)
            {
                NS_TEST_EXPECT_MSG_EQ(e.errnum, EINVAL, "Invalid argument");
            }
            // ... the variant accepts them.
            stack->GetSpd()->SetAttribute("MixedFamilyTunnels", BooleanValue(true));
            stack->GetSad()->Flush(true);
            ipsec.RunSetkeyString(n.Get(g), script, "gw");
            NS_TEST_EXPECT_MSG_EQ(stack->GetSpd()->GetN(), 2u, "both policies installed");
        }

        uint32_t outerEsp = 0;
        uint32_t other = 0;
        uint16_t outerPpp = m_innerV6 ? 0x0021 : 0x0057;
        for (uint32_t d : {0u, 1u})
        {
            wan.Get(d)->TraceConnectWithoutContext(
                "PhyTxBegin",
                Callback<void, Ptr<const Packet>>(
                    [&, this](Ptr<const Packet> p)
                    {
                        if (Simulator::Now() < Seconds(1))
                        {
                            return; // address resolution before the traffic
                        }
                        uint8_t b[2 + 40];
                        p->CopyData(b, std::min<uint32_t>(sizeof(b), p->GetSize()));
                        uint16_t ppp = (b[0] << 8) | b[1];
                        uint8_t proto = ppp == 0x0021 ? b[2 + 9] : b[2 + 6];
                        if (ppp == outerPpp && proto == 50)
                        {
                            outerEsp++;
                        }
                        else
                        {
                            other++;
                        }
                    }));
        }
        IpsecAddress h1
            = m_innerV6 ? *IpsecAddress::Parse("fd00:1::2") : IpsecAddress(l1.GetAddress(1));
        IpsecAddress h2
            = m_innerV6 ? *IpsecAddress::Parse("fd00:2::2") : IpsecAddress(l2.GetAddress(1));
        IpsecTrafficHelper traffic;
        traffic.SetTcpBytes(200000);
        Simulator::Stop(traffic.Install(n.Get(0), h1, n.Get(3), h2));
        Simulator::Run();
        for (const IpsecFlowResult& f : traffic.GetResults())
        {
            NS_TEST_EXPECT_MSG_EQ(f.received, f.sent, f.name + " delivered through the tunnel");
        }
        NS_TEST_EXPECT_MSG_GT(outerEsp, 200u, "the WAN carries ESP of the outer family");
        NS_TEST_EXPECT_MSG_EQ(other, 0u, "and nothing else once the traffic runs");
        const IpsecStats& gw1 = n.Get(1)->GetObject<IpsecStack>()->GetStats(!m_innerV6);
        const IpsecStats& gw2 = n.Get(2)->GetObject<IpsecStack>()->GetStats(!m_innerV6);
        NS_TEST_EXPECT_MSG_EQ(
            gw1.out_success + gw2.out_success, outerEsp, "one ESP frame per output");
        NS_TEST_EXPECT_MSG_EQ(gw2.in_success, gw1.out_success, "gw2 decapsulated all of it");
        Simulator::Destroy();
    }

    bool m_innerV6;
};

class IpsecMixedFamilyTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecMixedFamilyTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-mixed-family", SYSTEM)
    {
        AddTestCase(new MixedFamilyTestCase(true), TestCase::QUICK);
        AddTestCase(new MixedFamilyTestCase(false), TestCase::QUICK);
    }
};

static IpsecMixedFamilyTestSuite g_ipsecMixedFamilyTestSuite;
