/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Example scaffolding (examples/common, not part of the module): the FAQ
 * examples' test traffic from a client to a server -- ping, a UDP echo and
 * a TCP bulk transfer -- and what each delivered.  Works for IPv4 and IPv6.
 * Used by the examples, the end-to-end tests and the benchmark alike.
 */
#ifndef IPSEC_TRAFFIC_HELPER_H
#define IPSEC_TRAFFIC_HELPER_H

#include "ns3/ipsec-address.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/socket.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

class PacketSink;

/**
 * What a flow's metrics (IpsecFlowMetrics) are computed from: the
 * application bytes it delivered and when, its delay samples and, for TCP,
 * the sender's data segments.  All times are simulated seconds.
 */
struct IpsecFlowSamples
{
    /// What the delays are: "rtt" (request/reply pairs, TCP segment to
    /// ACK), "one-way delay" (send to arrival), "response time" (a
    /// command to its complete response); "" when the flow measures none.
    std::string delayKind;
    std::vector<double> delays;  ///< one sample per pair, ACK or datagram, in order (s)
    uint64_t deliveredBytes{0};  ///< application payload bytes that arrived
    double firstSend{-1};        ///< the flow's first transmission (-1: none)
    double lastDelivery{-1};     ///< the last delivery of payload (-1: none)
    bool tcp{false};             ///< the TCP counters below are meaningful
    uint64_t dataSegments{0};    ///< TCP: segments with data sent, retransmissions included
    uint64_t retransmissions{0}; ///< TCP: segments that sent data already sent before

    /// Records the transmission of the flow's first packet at the current time.
    void Sent();
    /// Records @p bytes of payload delivered at the current time.
    void Delivered(uint64_t bytes);
};

/// What one flow sent and what arrived.
struct IpsecFlowResult
{
    std::string name; ///< "ping", "udp-echo", "tcp"
    std::string unit; ///< "echo requests/replies", "datagrams", "bytes"
    uint64_t sent{0};
    uint64_t received{0};
    IpsecFlowSamples samples{}; ///< what the metrics are computed from
};

/**
 * A UDP echo client like ns-3's UdpEchoClient (datagrams of a fixed size at
 * a fixed interval to an echo server, e.g. UdpEchoServer), whose datagrams
 * carry their number (from 1, 4 bytes big-endian, then zeros) so that each
 * reply is paired with its request: @p flow counts the requests sent and
 * the replies received and samples each pair's RTT.
 * @param client the node that sends
 * @param server the server's address (IPv4 or IPv6)
 * @param port the server's UDP port
 * @param count datagrams to send (0: none)
 * @param size bytes of each datagram's payload (at least 4)
 * @param start when the first is sent
 * @param interval the time between two
 * @param flow where the counts and samples go (held by the client's socket)
 */
void IpsecInstallUdpEchoClient(Ptr<Node> client,
                               const IpsecAddress& server,
                               uint16_t port,
                               uint32_t count,
                               uint32_t size,
                               Time start,
                               Time interval,
                               std::shared_ptr<IpsecFlowResult> flow);

class IpsecTrafficHelper
{
  public:
    IpsecTrafficHelper();

    void SetPingCount(uint32_t n);    ///< default 5, one per second
    void SetUdpEchoCount(uint32_t n); ///< default 5 datagrams of 512 bytes
    void SetTcpBytes(uint64_t bytes); ///< default 1 MB (1000000 bytes)
    void SetStart(Time start);        ///< default 1 s
    /// The UDP echo and TCP ports (default 7 and 5001): helpers whose
    /// traffic goes to the same server need ports of their own.
    void SetPorts(uint16_t udpEchoPort, uint16_t tcpPort);
    /// The echo requests' identifier (default 0x1234): helpers that ping
    /// from one node need identifiers of their own (replies are matched by it).
    void SetPingIdentifier(uint16_t id);
    /// Called with the sequence number (from 1) of every echo reply the client gets.
    void SetPingReplyCallback(std::function<void(uint16_t)> cb);

    /**
     * Installs the traffic from @p client (at @p clientAddr) to @p server
     * (at @p serverAddr).  Returns the time by which it should be done.
     */
    Time Install(Ptr<Node> client,
                 const IpsecAddress& clientAddr,
                 Ptr<Node> server,
                 const IpsecAddress& serverAddr);

    /**
     * Install's server half: the UDP echo server and the TCP sink on
     * @p server.  Under ns-3's distributed simulator each rank installs
     * applications on its own nodes only: the server's rank calls this, the
     * client's InstallClient (the ping and UDP echo results are the client's;
     * the TCP bytes delivered are counted where the server runs).
     */
    void InstallServer(Ptr<Node> server, bool v6);

    /**
     * Install's client half: the ping, the UDP echo client and the TCP sender
     * on @p client (at @p clientAddr), to @p serverAddr.  Returns the time by
     * which it should be done.
     */
    Time InstallClient(Ptr<Node> client,
                       const IpsecAddress& clientAddr,
                       const IpsecAddress& serverAddr);

    /// Results, valid after Simulator::Run().
    std::vector<IpsecFlowResult> GetResults() const;

  private:
    struct Counters;
    uint32_t m_pings;
    uint32_t m_udpEchoes;
    uint64_t m_tcpBytes;
    Time m_start;
    uint16_t m_echoPort{7};
    uint16_t m_tcpPort{5001};
    uint16_t m_pingId{0x1234};
    std::shared_ptr<Counters> m_counters;
};

} // namespace ns3

#endif /* IPSEC_TRAFFIC_HELPER_H */
