/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * One simulated host with the IPsec stack and the simulated racoon
 * (IkeDaemon), attached to a real Linux interface: an IKEv1 peer for a real
 * implementation (test/ike/ike-charon-interop.py runs it against
 * strongSwan's charon).
 *
 *   ns-3 node (this program)  ==  real interface (--interface)  ==  real peer
 *   --local 10.99.0.1/24                                             --peer 10.99.0.2
 *
 * The node runs under the realtime simulator with checksums enabled; its
 * only device is an FdNetDevice on a raw socket of the interface
 * (EmuFdNetDeviceHelper; the program opens the socket itself, it runs as
 * root), with its own MAC address (--mac).  The interface should have no IP
 * address of its own, so that the Linux kernel does not answer for it.
 *
 * Its policies require ESP with the peer both ways (--mode transport or
 * tunnel; --policy=FILE runs a setkey script instead), and the daemon reads
 * --racoonConf and --psk.  With --initiate the node sends a UDP datagram to
 * the peer every second: the first meets no SA, the kernel sends an ACQUIRE,
 * and the daemon negotiates (main or aggressive mode, as racoon.conf's
 * exchange_mode says).  Without it the daemon waits as responder, and the
 * datagrams start once phase 2 is established (--traffic=false: none).
 * With --receive the node also reports what comes back on that socket (an
 * echo of the peer's, through the SAs): a line "received UDP datagram ..."
 * per datagram and "UDP datagrams received N" before `setkey -D`; without
 * it the output is as before.
 *
 * It prints racoon's log and the IKE messages as they go, "ready" once the
 * simulation runs, `setkey -D` at the end and one result line:
 *   ipsec-ike-peer: RESULT PASS ...   (phase 1 and phase 2 established, SAs installed)
 *   ipsec-ike-peer: RESULT FAIL ...
 * It stops --linger seconds after phase 2 is established, or after
 * --duration.  --keyLog=DIR writes Wireshark's IKEv1 and ESP key tables
 * (IpsecIkeHelper::EnableKeyLog), --pcap=FILE a capture of the node's device.
 *
 * Exit status: 0 negotiated, 1 not negotiated, 2 bad options or
 * configuration, 77 the interface could not be opened (not root, no such
 * interface).
 *
 *   ./ipsec-ike-peer --interface=veth1 --local=10.99.0.1/24 --peer=10.99.0.2 \
 *       --racoonConf=racoon.conf --psk=psk.txt --initiate --keyLog=keys
 */
#include "common/ipsec-example-output.h"
#include "common/ipsec-example-trace.h"
#include "common/ipsec-raw-socket.h"
#include "ns3/core-module.h"
#include "ns3/fd-net-device-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/network-module.h"

#include <arpa/inet.h>
#include <iostream>
#include <sstream>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecIkePeer");

namespace
{

/// Exit status when the interface cannot be opened (CTest's skip code).
constexpr int EXIT_NO_INTERFACE = 77;

/// EmuFdNetDeviceHelper on a raw socket the program opened itself (Debian's
/// libns3-fd-net-device looks for its socket creator in its build tree).
class OpenedEmuFdNetDeviceHelper : public EmuFdNetDeviceHelper
{
  public:
    explicit OpenedEmuFdNetDeviceHelper(int fd)
        : m_fd(fd)
    {
    }

  protected:
    int CreateFileDescriptor() const override
    {
        return m_fd;
    }

  private:
    int m_fd;
};

/// The command line (see above).
struct Options
{
    std::string interface;
    std::string mac = "02:00:00:00:01:01";
    std::string local = "10.99.0.1/24";
    std::string peer = "10.99.0.2";
    std::string racoonConf;
    std::string psk;
    uint32_t pskMode = 0600;
    std::string mode = "transport";
    std::string policy;
    std::string keyLog;
    std::string pcap;
    std::string cpu = "Reference2020s";
    double duration = 60;
    double linger = 3;
    bool initiate = false;
    bool traffic = true;
    uint16_t port = 9;
    bool receive = false;
    bool verbose = true;
    Ipv4Address localIp; ///< --local's address
    int prefix{24};      ///< --local's prefix length
    Ipv4Address peerIp;  ///< --peer
};

/// Reads the command line into @p o; false when an option is missing or bad.
bool
ParseOptions(int argc, char* argv[], Options& o)
{
    CommandLine cmd(__FILE__);
    cmd.Usage("One simulated host with the IPsec stack and the simulated racoon on a real "
              "Linux interface (realtime simulator, raw socket; run as root).  Exit status 0 "
              "when phase 1 and phase 2 were established, 1 when not, 2 on bad options, 77 "
              "when the interface cannot be opened.");
    cmd.AddValue("interface", "the Linux interface to attach to (e.g. a veth end)", o.interface);
    cmd.AddValue("mac", "the node's MAC address on it", o.mac);
    cmd.AddValue("local", "the node's IPv4 address/prefix length", o.local);
    cmd.AddValue("peer", "the IKE peer's IPv4 address", o.peer);
    cmd.AddValue("racoonConf", "the daemon's racoon.conf", o.racoonConf);
    cmd.AddValue("psk", "psk.txt ('' = racoon.conf's path pre_shared_key)", o.psk);
    cmd.AddValue("pskMode", "the psk.txt's file mode as racoon checks it", o.pskMode);
    cmd.AddValue("mode", "ESP mode of the policies: transport or tunnel", o.mode);
    cmd.AddValue("policy", "a setkey script to run instead of the --mode policies", o.policy);
    cmd.AddValue("keyLog", "write Wireshark's ikev1_decryption_table and esp_sa here", o.keyLog);
    cmd.AddValue("pcap", "write what the node sends and receives into this pcap file", o.pcap);
    cmd.AddValue("cpu", "CPU profile of the node (IpsecCpu profiles)", o.cpu);
    cmd.AddValue("duration", "stop after this many seconds (wall clock)", o.duration);
    cmd.AddValue("linger", "stop this many seconds after phase 2 is established", o.linger);
    cmd.AddValue("initiate",
                 "send a UDP datagram to the peer every second (the ACQUIRE starts the "
                 "negotiation); otherwise wait as responder",
                 o.initiate);
    cmd.AddValue(
        "traffic", "as responder, send those datagrams once phase 2 is established", o.traffic);
    cmd.AddValue("port", "UDP port of those datagrams", o.port);
    cmd.AddValue("receive",
                 "report the datagrams received on that socket (e.g. the peer's echo)",
                 o.receive);
    cmd.AddValue("verbose", "print racoon's log and every IKE message", o.verbose);
    cmd.Parse(argc, argv);

    size_t slash = o.local.find('/');
    std::string localAddr = o.local.substr(0, slash);
    o.prefix = slash == std::string::npos ? 24 : std::atoi(o.local.c_str() + slash + 1);
    in_addr probe;
    if (o.interface.empty() || o.racoonConf.empty() || o.prefix < 1 || o.prefix > 32
        || ::inet_pton(AF_INET, localAddr.c_str(), &probe) != 1
        || ::inet_pton(AF_INET, o.peer.c_str(), &probe) != 1
        || (o.mode != "transport" && o.mode != "tunnel"))
    {
        return false;
    }
    o.localIp = Ipv4Address(localAddr.c_str());
    o.peerIp = Ipv4Address(o.peer.c_str());
    return true;
}

/// The policies: ESP with @p peer both ways, in @p mode.
std::string
PolicyScript(const Ipv4Address& local, const Ipv4Address& peer, const std::string& mode)
{
    std::ostringstream l;
    std::ostringstream p;
    local.Print(l);
    peer.Print(p);
    std::string out = "esp/transport//require";
    std::string in = out;
    if (mode == "tunnel")
    {
        out = "esp/tunnel/" + l.str() + "-" + p.str() + "/require";
        in = "esp/tunnel/" + p.str() + "-" + l.str() + "/require";
    }
    return "spdadd " + l.str() + " " + p.str() + " any -P out ipsec " + out + ";\n" + "spdadd "
         + p.str() + " " + l.str() + " any -P in ipsec " + in + ";\n";
}

/**
 * The node: the IPsec stack (no IPv6), the CPU profile @p cpu, and its only
 * device, an FdNetDevice on the raw socket @p fd of @p interface with the
 * MAC address @p mac and the IPv4 address @p addr/@p prefix (with --pcap, a
 * capture of it in @p pcap).
 */
Ptr<Node>
CreatePeerNode(int fd,
               const std::string& interface,
               const std::string& mac,
               Ipv4Address addr,
               int prefix,
               const std::string& cpu,
               const std::string& pcap)
{
    Ptr<Node> node = CreateObject<Node>();
    IpsecStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.Install(node);
    stack.AssignStreams(NodeContainer(node), 100);
    IpsecCpu::Of(node)->SetAttribute("Profile", StringValue(cpu));

    OpenedEmuFdNetDeviceHelper emu(fd);
    emu.SetDeviceName(interface);
    Ptr<NetDevice> dev = emu.Install(node).Get(0);
    dev->SetAddress(Mac48Address(mac.c_str()));
    if (!pcap.empty())
    {
        emu.EnablePcap(pcap, dev, false, true);
    }

    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    int32_t ifIndex = ipv4->AddInterface(dev);
    ipv4->AddAddress(ifIndex,
                     Ipv4InterfaceAddress(addr, Ipv4Mask(("/" + std::to_string(prefix)).c_str())));
    ipv4->SetUp(ifIndex);
    return node;
}

/**
 * The daemon's counters, `setkey -D` and the RESULT line; true when it
 * passed.  @p received is the number of datagrams received on @p udp, printed
 * when @p receive.
 */
bool
PrintResult(Ptr<Node> node,
            Ptr<IkeDaemon> racoon,
            bool initiate,
            Ptr<Socket> udp,
            uint64_t sent,
            bool receive,
            uint64_t received)
{
    const IkeDaemonStats& s = racoon->GetStats();
    std::cout << "racoon: phase 1 established " << s.ph1Established << ", phase 2 established "
              << s.ph2Established << ", SAs installed " << s.saInstalled << ", messages "
              << s.messagesSent << " sent / " << s.messagesReceived << " received, dropped "
              << s.dropped << ", retransmissions " << s.retransmissions << "\n";
    if (udp)
    {
        std::cout << "UDP datagrams sent " << sent << ", out_nosa "
                  << node->GetObject<IpsecStack>()->GetStats(false).out_nosa << "\n";
        if (receive)
        {
            std::cout << "UDP datagrams received " << received << "\n";
        }
    }
    std::cout << "\n# setkey -D\n";
    SetkeyDump::PrintSad(std::cout, node->GetObject<IpsecStack>()->GetSad());
    bool pass = s.ph1Established > 0 && s.ph2Established > 0 && s.saInstalled >= 2;
    std::cout << "ipsec-ike-peer: RESULT " << (pass ? "PASS" : "FAIL") << " as "
              << (initiate ? "initiator" : "responder") << ": phase 1 established "
              << s.ph1Established << ", phase 2 established " << s.ph2Established
              << ", SAs installed " << s.saInstalled << std::endl;
    return pass;
}

} // namespace

int
main(int argc, char* argv[])
{
    Options o;
    if (!ParseOptions(argc, argv, o))
    {
        std::cerr << "ipsec-ike-peer: needs --interface, --racoonConf, an IPv4 --local=ADDR/LEN, "
                     "an IPv4 --peer and --mode transport or tunnel (see --help)\n";
        return 2;
    }
    if (!IpsecPrepareOutputs("ipsec-ike-peer",
                             {{"keyLog", o.keyLog, true}, {"pcap", o.pcap, false}}))
    {
        return 1;
    }

    GlobalValue::Bind("SimulatorImplementationType", StringValue("ns3::RealtimeSimulatorImpl"));
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    std::string why;
    int fd = IpsecOpenRawSocket(o.interface, &why);
    if (fd < 0)
    {
        std::cout << "ipsec-ike-peer: SKIP cannot open interface " << o.interface << ": " << why
                  << "\n";
        return EXIT_NO_INTERFACE;
    }
    Ptr<Node> node = CreatePeerNode(fd, o.interface, o.mac, o.localIp, o.prefix, o.cpu, o.pcap);

    // The policies (or --policy's script) and the daemon.
    IpsecIkeHelper ike;
    Ptr<IkeDaemon> racoon;
    try
    {
        IpsecHelper ipsec;
        if (o.policy.empty())
        {
            ipsec.RunSetkeyString(node, PolicyScript(o.localIp, o.peerIp, o.mode), "policy");
        }
        else
        {
            ipsec.RunSetkeyFile(node, o.policy);
        }
        racoon = ike.Install(node, o.racoonConf, o.psk, o.pskMode);
    }
    catch (const IpsecConfigError& e)
    {
        std::cerr << e.what() << "\n";
        return 2;
    }
    catch (const RacoonConfError& e)
    {
        std::cerr << "racoon: " << e.what() << "\n";
        return 2;
    }
    ike.AssignStreams(NodeContainer(node), 300);
    if (!o.keyLog.empty())
    {
        ike.EnableKeyLog(NodeContainer(node), o.keyLog);
    }
    if (o.verbose)
    {
        IpsecPrintRacoonTraces(racoon, "", true, true);
    }

    // The traffic: a datagram a second to the peer.
    uint64_t sent = 0;
    Ptr<Socket> udp;
    if (o.initiate || o.traffic)
    {
        udp = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
        udp->Bind();
        udp->Connect(InetSocketAddress(o.peerIp, o.port));
    }
    uint64_t received = 0;
    if (udp && o.receive)
    {
        udp->SetRecvCallback(Callback<void, Ptr<Socket>>(
            [&received](Ptr<Socket> s)
            {
                Address from;
                while (Ptr<Packet> p = s->RecvFrom(from))
                {
                    ++received;
                    InetSocketAddress in = InetSocketAddress::ConvertFrom(from);
                    std::cout << IpsecLogTime() << "received UDP datagram of " << p->GetSize()
                              << " bytes from " << in.GetIpv4() << ":" << in.GetPort() << std::endl;
                }
            }));
    }
    std::function<void()> tick = [&]()
    {
        Ptr<Packet> p = Create<Packet>(64);
        udp->Send(p);
        ++sent;
        Simulator::Schedule(Seconds(1), tick);
    };

    // Stop --linger seconds after phase 2 (as responder, start the traffic then).
    bool established = false;
    racoon->TraceConnectWithoutContext(
        "Negotiation",
        Callback<void, uint8_t, bool, IkeFailure, const IpsecAddress&, Time>(
            [&](uint8_t phase, bool ok, IkeFailure f, const IpsecAddress& with, Time took)
            {
                std::cout << IpsecLogTime() << "phase " << int(phase) << " with " << with << ": "
                          << (ok ? "established" : "failed (" + IkeFailureName(f) + ")")
                          << " after " << took.GetSeconds() << " s" << std::endl;
                if (phase == 2 && ok && !established)
                {
                    established = true;
                    Simulator::Stop(Seconds(o.linger));
                    if (!o.initiate && o.traffic)
                    {
                        Simulator::Schedule(Seconds(0), tick);
                    }
                }
            }));

    Simulator::Schedule(Seconds(0),
                        [&]()
                        {
                            std::cout << "ipsec-ike-peer: ready on " << o.interface << " as "
                                      << o.local << ", " << (o.initiate ? "initiator" : "responder")
                                      << ", peer " << o.peer << std::endl;
                            if (o.initiate)
                            {
                                Simulator::Schedule(Seconds(0.5), tick);
                            }
                        });
    Simulator::Stop(Seconds(o.duration));
    Simulator::Run();

    bool pass = PrintResult(node, racoon, o.initiate, udp, sent, o.receive, received);
    Simulator::Destroy();
    return pass ? 0 : 1;
}
