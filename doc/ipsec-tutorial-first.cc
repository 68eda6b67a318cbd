/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The tutorial's own program (doc/tutorial.rst, "Your own simulation"):
 * the NetBSD IPsec FAQ's host-to-host encryption, host A 10.1.1.1 --
 * router -- host B 20.1.1.1, with the setkey scripts written into the
 * program, three UDP echoes from A to B with ns-3's own applications, and
 * each host's netstat -s ipsec: section (without the zero counters) at the
 * end.  The tutorial includes this file; the build compiles it
 * (build/doc/ipsec-tutorial-first), so the code the tutorial shows compiles.
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/ipsec-module.h"

#include <iostream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    CommandLine cmd(__FILE__);
    cmd.Parse(argc, argv);

    // The FAQ's topology: two hosts with an IPsec stack, a plain router.
    IpsecHostToHostHelper topology;
    topology.Build();
    IpsecStackHelper().AssignStreams(topology.GetNodes(), 100); // reproducible IVs
    Ptr<Node> a = topology.GetHostA();
    Ptr<Node> b = topology.GetHostB();

    // The same SAs on both hosts; each host's policies name its own address
    // first.  A script with an error throws IpsecConfigError with setkey's
    // message, before the simulation starts.
    const std::string sas
        = "add 10.1.1.1 20.1.1.1 esp 9876 -E 3des-cbc \"hogehogehogehogehogehoge\";\n"
          "add 20.1.1.1 10.1.1.1 esp 10000 -E 3des-cbc "
          "0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef;\n";
    const std::string policiesA
        = "spdadd 10.1.1.1 20.1.1.1 any -P out ipsec esp/transport//use;\n"
          "spdadd 20.1.1.1 10.1.1.1 any -P in ipsec esp/transport//require;\n";
    const std::string policiesB
        = "spdadd 20.1.1.1 10.1.1.1 any -P out ipsec esp/transport//use;\n"
          "spdadd 10.1.1.1 20.1.1.1 any -P in ipsec esp/transport//require;\n";
    IpsecHelper ipsec;
    ipsec.RunSetkeyString(a, sas + policiesA);
    ipsec.RunSetkeyString(b, sas + policiesB);

    // ns-3's UDP echo: B serves on port 9, A sends three requests.
    UdpEchoServerHelper server(9);
    server.Install(b).Start(Seconds(1));
    UdpEchoClientHelper client(topology.GetAddressB().ToIpv4(), 9);
    client.SetAttribute("MaxPackets", UintegerValue(3));
    client.SetAttribute("Interval", TimeValue(Seconds(1)));
    client.SetAttribute("PacketSize", UintegerValue(100));
    client.Install(a).Start(Seconds(2));

    Simulator::Stop(Seconds(10));
    Simulator::Run();

    std::cout << "host A\n";
    IpsecHelper::PrintNetstat(a, std::cout, true);
    std::cout << "host B\n";
    IpsecHelper::PrintNetstat(b, std::cout, true);
    Simulator::Destroy();
    return 0;
}
