/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Boot-time configuration (rc.conf's ipsec=YES: setkey -f /etc/ipsec.conf
 * before any network activity) and scripts run at a given simulated time.
 */
#include "common/ipsec-traffic-helper.h"
#include "ipsec-test-base.h"
#include "ns3/ipsec-module.h"
#include "ns3/simulator.h"
#include "ns3/test.h"

#include <fstream>

#ifndef NS3_IPSEC_SOURCE_DIR // defined by test/CMakeLists.txt
#define NS3_IPSEC_SOURCE_DIR "."
#endif
#ifndef NS3_IPSEC_BINARY_DIR
#define NS3_IPSEC_BINARY_DIR "."
#endif

using namespace ns3;

namespace
{

std::string
Script(const std::string& name)
{
    return std::string(NS3_IPSEC_SOURCE_DIR) + "/examples/host-to-host/" + name;
}

std::string
WriteTemp(const std::string& name, const std::string& text)
{
    std::string path = std::string(NS3_IPSEC_BINARY_DIR) + "/ipsec-boot-" + name;
    std::ofstream(path) << text;
    return path;
}

} // namespace

class BootConfigTestCase : public TestCase
{
  public:
    BootConfigTestCase()
        : TestCase("ipsec.conf at boot, a bad one refused up front, a script at a later time")
    {
    }

  private:
    void DoRun() override
    {
        IpsecHostToHostHelper topo;
        topo.Build();
        IpsecHelper ipsec;
        ipsec.SetBootConfig(topo.GetHostA(), Script("esp-auth-A.conf"));
        ipsec.SetBootConfig(topo.GetHostB(), Script("esp-auth-B.conf"));
        Ptr<IpsecStack> a = topo.GetHostA()->GetObject<IpsecStack>();
        NS_TEST_EXPECT_MSG_EQ(a->GetSad()->GetN(), 0u, "nothing installed before the node boots");

        // A script that does not parse is refused before the simulation runs.
        std::string bad
            = WriteTemp("bad.conf", "add 10.1.1.1 20.1.1.1 esp 9876 -E 3des-cbc \"short\";\n");
        bool refused = false;
        try
        {
            ipsec.ScheduleSetkeyFile(topo.GetHostA(), bad, Seconds(2));
        }
        catch (const IpsecConfigError& e)
        {
            refused = std::string(e.what()).find("Invalid key length") != std::string::npos;
        }
        NS_TEST_EXPECT_MSG_EQ(refused, true, "parse error raised at once");

        // At 3.5 s the administrator makes A discard what it sends to B.
        std::string discard = WriteTemp(
            "discard.conf", "spdflush;\nspdadd 10.1.1.1 20.1.1.1 any -P out discard;\n");
        ipsec.ScheduleSetkeyFile(topo.GetHostA(), discard, Seconds(3.5));

        IpsecTrafficHelper traffic; // pings at 1, 2, 3, 4 and 5 s
        traffic.SetUdpEchoCount(0);
        traffic.SetTcpBytes(0);
        Simulator::Stop(traffic.Install(
            topo.GetHostA(), topo.GetAddressA(), topo.GetHostB(), topo.GetAddressB()));
        Simulator::Run();
        NS_TEST_EXPECT_MSG_EQ(a->GetSad()->GetN(), 2u, "the boot script installed the SAs");
        NS_TEST_EXPECT_MSG_EQ(traffic.GetResults().front().received,
                              3u,
                              "pings before 3.5 s answered through ESP, later ones discarded");
        NS_TEST_EXPECT_MSG_EQ(
            a->GetStats(false).out_polvio, 2u, "two pings hit the discard policy");
        NS_TEST_EXPECT_MSG_EQ(a->GetStats(false).out_esphist[12], 3u, "three went out as ESP");
        Simulator::Destroy();
    }
};

class IpsecBootTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecBootTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-boot", SYSTEM)
    {
        AddTestCase(new BootConfigTestCase, TestCase::QUICK);
    }
};

static IpsecBootTestSuite g_ipsecBootTestSuite;
