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

/// What one flow sent and what arrived.
struct IpsecFlowResult
{
    std::string name; ///< "ping", "udp-echo", "tcp"
    std::string unit; ///< "echo requests/replies", "datagrams", "bytes"
    uint64_t sent{0};
    uint64_t received{0};
};

class IpsecTrafficHelper
{
  public:
    IpsecTrafficHelper();

    void SetPingCount(uint32_t n);    ///< default 5, one per second
    void SetUdpEchoCount(uint32_t n); ///< default 5 datagrams of 512 bytes
    void SetTcpBytes(uint64_t bytes); ///< default 1 MB (1000000 bytes)
    void SetStart(Time start);        ///< default 1 s
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

    /// Results, valid after Simulator::Run().
    std::vector<IpsecFlowResult> GetResults() const;

  private:
    struct Counters;
    uint32_t m_pings;
    uint32_t m_udpEchoes;
    uint64_t m_tcpBytes;
    Time m_start;
    std::shared_ptr<Counters> m_counters;
};

} // namespace ns3

#endif /* IPSEC_TRAFFIC_HELPER_H */
