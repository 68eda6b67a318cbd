/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * What the benchmark's sections share to build and check a simulation:
 * stacks (plain ns-3 or IPsec, IPv4 only), point-to-point links with
 * addresses and static routes, the two-host and the gateway topologies,
 * setkey scripts for a transport-mode protection, payloads, a UDP stream
 * that sends datagrams back to back and checks each one delivered byte for
 * byte, the timed Simulator::Run, and a check that says what it verified.
 */
#ifndef IPSEC_BENCH_NET_H
#define IPSEC_BENCH_NET_H

#include "ipsec-bench-framework.h"
#include "ns3/ipsec-stats.h"
#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/socket.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{
namespace ipsecbench
{

/// Which Internet stack a node gets.
enum class StackKind
{
    PLAIN, ///< ns-3's InternetStackHelper: the baseline
    IPSEC, ///< IpsecStackHelper: the IPsec hooks, SPD and SAD (empty until configured)
};

/// The rate of every link (point-to-point, 1 ms delay).
constexpr const char* LINK_RATE = "1Gbps";

/**
 * Installs IPv4 (no IPv6) of @p kind on @p nodes.
 * @param nodes the nodes
 * @param kind plain ns-3 or IPsec
 */
void InstallStack(const NodeContainer& nodes, StackKind kind);

/**
 * Builds point-to-point links of LINK_RATE, 1 ms, with device queues large
 * enough that the benchmark's traffic never overflows them.
 */
class Linker
{
  public:
    Linker();
    /**
     * A link between @p a and @p b.
     * @param a one end
     * @param b the other
     * @return the devices, a's first
     */
    NetDeviceContainer Connect(Ptr<Node> a, Ptr<Node> b);

  private:
    PointToPointHelper m_p2p; ///< the configured helper
};

/**
 * Gives @p device's node an IPv4 interface on it with @p address and
 * @p mask, up (which adds the connected route).
 * @param device the device
 * @param address the address
 * @param mask the mask
 * @return the interface index
 */
uint32_t AddAddress(Ptr<NetDevice> device, Ipv4Address address, Ipv4Mask mask);

/**
 * A static route.
 * @param node the node
 * @param network the destination network
 * @param mask its mask
 * @param nextHop the gateway
 * @param interface the interface towards it
 */
void AddRoute(
    Ptr<Node> node, Ipv4Address network, Ipv4Mask mask, Ipv4Address nextHop, uint32_t interface);

/**
 * The default route.
 * @param node the node
 * @param nextHop the gateway
 * @param interface the interface towards it
 */
void SetDefaultRoute(Ptr<Node> node, Ipv4Address nextHop, uint32_t interface);

/**
 * Runs a setkey script on @p node (IpsecHelper::RunSetkeyString); a
 * script with an error throws IpsecConfigError.
 * @param node the node
 * @param script the script
 */
void RunSetkey(Ptr<Node> node, const std::string& script);

/**
 * The node's IPv4 IPsec counters (KAME's ipsecstat).
 * @param node a node with an IpsecStack
 * @return its counters
 */
const IpsecStats& Stats(Ptr<Node> node);

/**
 * Simulator::Run, timed by @p watch.
 * @param watch the run's stopwatch (wall and CPU time)
 * @return the wall time in seconds
 */
double TimedRun(Stopwatch& watch);

/**
 * The gap between two datagrams of @p payload bytes that LINK_RATE
 * carries with the largest IPsec overhead of the benchmark (ESP in a
 * tunnel), so that no queue grows.
 * @param payload UDP payload bytes
 * @return the interval
 */
Time SendInterval(uint32_t payload);

/**
 * Text repeated to @p size bytes: deflate compresses it well.
 * @param size bytes
 * @return the payload
 */
std::vector<uint8_t> CompressiblePayload(uint32_t size);

/**
 * Bytes from an ns-3 UniformRandomVariable with a fixed stream: deflate
 * cannot compress them.
 * @param size bytes
 * @return the payload
 */
std::vector<uint8_t> IncompressiblePayload(uint32_t size);

/**
 * A key for setkey, "0x" and @p bytes hex bytes, different for different
 * @p seed.
 * @param bytes the key's length
 * @param seed distinguishes keys
 * @return the key
 */
std::string HexKey(size_t bytes, uint32_t seed);

/**
 * An IPsec protection of the traffic between two addresses, as setkey
 * configures it.
 */
struct Protection
{
    std::string enc;     ///< ESP encryption ("" for no ESP)
    std::string espAuth; ///< ESP authentication ("" for none)
    std::string ahAuth;  ///< AH authentication ("" for no AH)
    bool ipcomp{false};  ///< IPComp deflate (before ESP), level "use"

    /**
     * The setkey statements of @p self (one of @p a, @p b): the SAs of both
     * directions (a -> b SPI @p spi, b -> a SPI @p spi + 1, per protocol)
     * and self's policies (out towards the other, in from it), transport
     * mode, level require.
     * @param a one host
     * @param b the other
     * @param self the node the script is for (a or b)
     * @param spi the first SPI
     * @return the script
     */
    std::string TransportScript(Ipv4Address a,
                                Ipv4Address b,
                                Ipv4Address self,
                                uint32_t spi = 0x1000) const;
    /**
     * The SAs' setkey arguments after the SPI (-m, -E, -A, -C and keys).
     * @param proto "esp", "ah" or "ipcomp"
     * @param seed distinguishes the keys of different SAs
     * @return e.g. "-E aes-gcm-16 0x..."
     */
    std::string SaArguments(const std::string& proto, uint32_t seed) const;
};

/**
 * The setkey statements of a tunnel between two gateways, ESP aes-gcm-16
 * (keys derived from the SPIs, so both ends agree): the SAs localWan ->
 * remoteWan (@p spiOut) and back (@p spiIn), the policies localNet ->
 * remoteNet out and back in, level require.  The other gateway runs the
 * same with everything swapped.
 * @param localNet e.g. "10.1.1.0/24"
 * @param remoteNet e.g. "10.2.1.0/24"
 * @param localWan this gateway's tunnel end
 * @param remoteWan the other gateway's
 * @param spiOut SPI of the outbound SA
 * @param spiIn SPI of the inbound SA
 * @return the script
 */
std::string TunnelScript(const std::string& localNet,
                         const std::string& remoteNet,
                         Ipv4Address localWan,
                         Ipv4Address remoteWan,
                         uint32_t spiOut,
                         uint32_t spiIn);

class Check;

/**
 * Checks the counters of a datagram stream through @p p: the sender's
 * out_success and histograms, the receiver's in_success and histograms
 * (IPComp is tried on every datagram, counted in out_comphist, and applied
 * only when it shrinks the datagram, @p compressed).  Without any
 * transform (an IPsec stack with no SA or policy) both success counters
 * must stay 0.
 * @param check where the results go
 * @param p the protection (none: the hooks only)
 * @param compressed whether IPComp shrank the datagrams
 * @param out the sender's counters
 * @param in the receiver's counters
 * @param n datagrams
 * @param outName the sender's name in the text
 * @param inName the receiver's
 */
void ExpectProtected(Check& check,
                     const Protection& p,
                     bool compressed,
                     const IpsecStats& out,
                     const IpsecStats& in,
                     uint64_t n,
                     const std::string& outName,
                     const std::string& inName);

/**
 * What a run checked: the delivered datagrams and the counters, with the
 * numbers, and whether everything was as expected.
 */
class Check
{
  public:
    /**
     * Datagrams delivered intact.
     * @param got delivered byte for byte
     * @param want sent
     */
    void Delivered(uint64_t got, uint64_t want);
    /**
     * A counter.
     * @param label how it is printed, e.g. "A out_success"
     * @param got its value
     * @param want the expected value
     */
    void Expect(const std::string& label, uint64_t got, uint64_t want);
    /**
     * A counter that must be at least @p min.
     * @param label how it is printed
     * @param got its value
     * @param min the least expected value
     */
    void AtLeast(const std::string& label, uint64_t got, uint64_t min);
    /**
     * Something printed, not checked.
     * @param text the text
     */
    void Note(const std::string& text);
    /**
     * Whether every expectation held.
     * @return true if all held
     */
    bool Ok() const;
    /**
     * What was checked.
     * @return "delivered 30000/30000, A out_success 30000, ..."
     */
    std::string Text() const;
    /**
     * A run's outcome: its values, valid when every expectation held, what
     * was checked and the CPU share of its timed regions.
     * @param values one per row of the variant
     * @param watch the run's stopwatch
     * @return the outcome
     */
    RunOutcome Outcome(std::vector<double> values, const Stopwatch& watch) const;

  private:
    bool m_ok{true};                  ///< every expectation held
    std::vector<std::string> m_items; ///< the printed items
};

/**
 * UDP datagrams sent back to back from one or more sockets (round robin,
 * one datagram every interval) to one receiving socket that checks every
 * datagram byte for byte against the payload.
 */
class UdpStream
{
  public:
    /**
     * A receiver on @p receiver, bound to @p port.
     * @param receiver the node
     * @param address its address the senders send to
     * @param port the UDP port
     * @param payload every datagram's payload (kept by reference)
     */
    UdpStream(Ptr<Node> receiver,
              Ipv4Address address,
              uint16_t port,
              const std::vector<uint8_t>& payload);
    /**
     * @p sockets sending sockets on @p node, source ports @p firstPort...
     * @param node the node
     * @param sockets how many (distinct flows)
     * @param firstPort the first source port
     */
    void AddSenders(Ptr<Node> node, uint32_t sockets, uint16_t firstPort);
    /**
     * Schedules @p datagrams sends, the first at time 0, then one every
     * @p interval, from the sockets in turn.
     * @param datagrams how many
     * @param interval the gap
     */
    void Start(uint64_t datagrams, Time interval);
    /**
     * Start, then the simulation timed by @p watch, then whether every
     * datagram arrived intact and none failed (into @p check).
     * @param datagrams how many
     * @param interval the gap
     * @param watch the run's stopwatch
     * @param check what the run checks
     * @return the simulation's wall time (s)
     */
    double Run(uint64_t datagrams, Time interval, Stopwatch& watch, Check& check);
    /**
     * Datagrams received intact.
     * @return the count
     */
    uint64_t Delivered() const;
    /**
     * Datagrams received with another size or other bytes, and sends the
     * socket refused.
     * @return the count
     */
    uint64_t Errors() const;

  private:
    void SendNext();
    void Receive(Ptr<Socket> socket);

    Ipv4Address m_address;                 ///< the receiver's address
    uint16_t m_port;                       ///< the receiver's port
    const std::vector<uint8_t>& m_payload; ///< every datagram's payload
    std::vector<uint8_t> m_buffer;         ///< a received datagram
    Ptr<Socket> m_sink;                    ///< the receiving socket
    std::vector<Ptr<Socket>> m_senders;    ///< the sending sockets
    uint64_t m_total{0};                   ///< datagrams to send
    uint64_t m_sent{0};                    ///< datagrams sent
    Time m_interval;                       ///< the gap
    uint64_t m_delivered{0};               ///< received intact
    uint64_t m_errors{0};                  ///< received wrong, or refused
};

/**
 * Two hosts on one link: A 10.1.1.1 and B 10.1.1.2.
 */
struct TwoHosts
{
    NodeContainer nodes;           ///< A, B
    Ptr<Node> a;                   ///< host A
    Ptr<Node> b;                   ///< host B
    Ipv4Address addrA{"10.1.1.1"}; ///< A's address
    Ipv4Address addrB{"10.1.1.2"}; ///< B's address

    /**
     * Creates the nodes, stacks and the link.
     * @param kind both hosts' stack
     */
    explicit TwoHosts(StackKind kind);
};

/**
 * Host A 10.1.1.2 - gateway 1 (10.1.1.1, WAN 20.0.0.1) - gateway 2 (WAN
 * 20.0.0.2, 10.2.1.1) - host B 10.2.1.2; the hosts have ns-3's stack,
 * the gateways @p kind's; static routes.
 */
struct GatewayPath
{
    NodeContainer nodes;           ///< A, gw1, gw2, B
    Ptr<Node> a;                   ///< host A
    Ptr<Node> gw1;                 ///< gateway 1
    Ptr<Node> gw2;                 ///< gateway 2
    Ptr<Node> b;                   ///< host B
    Ipv4Address addrA{"10.1.1.2"}; ///< A's address
    Ipv4Address addrB{"10.2.1.2"}; ///< B's address
    Ipv4Address wan1{"20.0.0.1"};  ///< gateway 1's WAN address
    Ipv4Address wan2{"20.0.0.2"};  ///< gateway 2's WAN address

    /**
     * Creates the nodes, stacks, links and routes.
     * @param kind the gateways' stack
     */
    explicit GatewayPath(StackKind kind);
};

} // namespace ipsecbench
} // namespace ns3

#endif /* IPSEC_BENCH_NET_H */
