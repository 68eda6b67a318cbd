/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-traffic-helper.h"

#include "ns3/bulk-send-helper.h"
#include "ns3/icmpv4.h"
#include "ns3/icmpv6-header.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-raw-socket-factory.h"
#include "ns3/ipv6-header.h"
#include "ns3/ipv6-raw-socket-factory.h"
#include "ns3/packet-sink-helper.h"
#include "ns3/packet-sink.h"
#include "ns3/simulator.h"
#include "ns3/udp-echo-helper.h"
#include "ns3/uinteger.h"

namespace ns3
{

/// Shared with the callbacks, so results survive the helper's copies.
struct IpsecTrafficHelper::Counters
{
    uint64_t pingSent{0};
    uint64_t pingReplies{0};
    std::function<void(uint16_t)> onPingReply;
    uint64_t udpSent{0};
    uint64_t udpReceived{0};
    uint64_t tcpTarget{0};
    Ptr<PacketSink> sink;
};

IpsecTrafficHelper::IpsecTrafficHelper()
    : m_pings(5)
    , m_udpEchoes(5)
    , m_tcpBytes(1000000)
    , m_start(Seconds(1))
    , m_counters(std::make_shared<Counters>())
{
}

void
IpsecTrafficHelper::SetPingCount(uint32_t n)
{
    m_pings = n;
}

void
IpsecTrafficHelper::SetUdpEchoCount(uint32_t n)
{
    m_udpEchoes = n;
}

void
IpsecTrafficHelper::SetTcpBytes(uint64_t bytes)
{
    m_tcpBytes = bytes;
}

void
IpsecTrafficHelper::SetStart(Time start)
{
    m_start = start;
}

void
IpsecTrafficHelper::SetPingReplyCallback(std::function<void(uint16_t)> cb)
{
    m_counters->onPingReply = std::move(cb);
}

namespace
{

/// ICMP echo request (type 8 / 128) with 56 data bytes, as ping(8) sends.
void
SendPing(
    Ptr<Socket> socket, bool v6, IpsecAddress src, IpsecAddress dst, uint16_t seq, uint64_t* sent)
{
    uint8_t data[56];
    for (uint32_t i = 0; i < sizeof(data); ++i)
    {
        data[i] = static_cast<uint8_t>(i);
    }
    Ptr<Packet> p = Create<Packet>(data, sizeof(data));
    if (v6)
    {
        Icmpv6Echo echo(true);
        echo.SetId(0x1234);
        echo.SetSeq(seq);
        if (Node::ChecksumEnabled())
        {
            echo.CalculatePseudoHeaderChecksum(
                src.ToIpv6(), dst.ToIpv6(), p->GetSize() + echo.GetSerializedSize(), 58);
        }
        p->AddHeader(echo);
        socket->SendTo(p, 0, Inet6SocketAddress(dst.ToIpv6(), 0));
    }
    else
    {
        Icmpv4Echo echo;
        echo.SetIdentifier(0x1234);
        echo.SetSequenceNumber(seq);
        echo.SetData(Create<Packet>(data, sizeof(data)));
        Icmpv4Header h;
        h.SetType(Icmpv4Header::ICMPV4_ECHO);
        h.SetCode(0);
        if (Node::ChecksumEnabled())
        {
            h.EnableChecksum();
        }
        Ptr<Packet> q = Create<Packet>();
        q->AddHeader(echo);
        q->AddHeader(h);
        socket->SendTo(q, 0, InetSocketAddress(dst.ToIpv4(), 0));
    }
    ++*sent;
}

} // namespace

Time
IpsecTrafficHelper::Install(Ptr<Node> client,
                            const IpsecAddress& clientAddr,
                            Ptr<Node> server,
                            const IpsecAddress& serverAddr)
{
    bool v6 = serverAddr.IsV6();
    auto c = m_counters;
    Time t = m_start;

    // ping: a raw ICMP socket on the client, like ping(8); replies from the server counted.
    Ptr<Socket> ping = v6 ? Socket::CreateSocket(client, Ipv6RawSocketFactory::GetTypeId())
                          : Socket::CreateSocket(client, Ipv4RawSocketFactory::GetTypeId());
    ping->SetAttribute("Protocol", UintegerValue(v6 ? 58 : 1));
    // (The node's IP layer keeps the socket; holding it here too would make
    // a cycle with the receive callback, which holds these counters.)
    ping->SetRecvCallback(
        [c, v6, serverAddr](Ptr<Socket> s)
        {
            Address from;
            while (Ptr<Packet> p = s->RecvFrom(from))
            {
                if (v6)
                {
                    Ipv6Header ip; // ns-3's IPv6 raw sockets deliver the IPv6 header too
                    p->RemoveHeader(ip);
                    Icmpv6Header h;
                    p->PeekHeader(h);
                    if (h.GetType() == Icmpv6Header::ICMPV6_ECHO_REPLY
                        && ip.GetSource() == serverAddr.ToIpv6())
                    {
                        c->pingReplies++;
                        Icmpv6Echo echo(false);
                        p->PeekHeader(echo);
                        if (c->onPingReply)
                        {
                            c->onPingReply(echo.GetSeq());
                        }
                    }
                }
                else
                {
                    Ipv4Header ip;
                    p->RemoveHeader(ip);
                    Icmpv4Header h;
                    p->RemoveHeader(h);
                    if (h.GetType() == Icmpv4Header::ICMPV4_ECHO_REPLY
                        && ip.GetSource() == serverAddr.ToIpv4())
                    {
                        c->pingReplies++;
                        Icmpv4Echo echo;
                        p->PeekHeader(echo);
                        if (c->onPingReply)
                        {
                            c->onPingReply(echo.GetSequenceNumber());
                        }
                    }
                }
            }
        });
    for (uint32_t i = 0; i < m_pings; ++i)
    {
        Simulator::Schedule(
            t + Seconds(i),
            [c, ping, v6, clientAddr, serverAddr, i]()
            {
                SendPing(
                    ping, v6, clientAddr, serverAddr, static_cast<uint16_t>(i + 1), &c->pingSent);
            });
    }

    // UDP echo on port 7 (none when the count is 0: UdpEchoClient would send forever).
    if (m_udpEchoes > 0)
    {
        UdpEchoServerHelper echoServer(7);
        echoServer.Install(server).Start(Seconds(0));
        Address serverSock = v6 ? Address(serverAddr.ToIpv6()) : Address(serverAddr.ToIpv4());
        UdpEchoClientHelper echoClient(serverSock, 7);
        echoClient.SetAttribute("MaxPackets", UintegerValue(m_udpEchoes));
        echoClient.SetAttribute("Interval", TimeValue(Seconds(1)));
        echoClient.SetAttribute("PacketSize", UintegerValue(512));
        ApplicationContainer ec = echoClient.Install(client);
        ec.Start(t + MilliSeconds(500));
        ec.Get(0)->TraceConnectWithoutContext("Tx",
                                              Callback<void, Ptr<const Packet>>(
                                                  [c](Ptr<const Packet>)
                                                  {
                                                      c->udpSent++;
                                                  }));
        ec.Get(0)->TraceConnectWithoutContext("Rx",
                                              Callback<void, Ptr<const Packet>>(
                                                  [c](Ptr<const Packet>)
                                                  {
                                                      c->udpReceived++;
                                                  }));
    }

    // TCP bulk transfer to port 5001 (none for 0 bytes: BulkSend would not stop).
    if (m_tcpBytes > 0)
    {
        Address sinkAddr = v6 ? Address(Inet6SocketAddress(Ipv6Address::GetAny(), 5001))
                              : Address(InetSocketAddress(Ipv4Address::GetAny(), 5001));
        PacketSinkHelper sinkHelper("ns3::TcpSocketFactory", sinkAddr);
        ApplicationContainer sinkApp = sinkHelper.Install(server);
        sinkApp.Start(Seconds(0));
        c->sink = DynamicCast<PacketSink>(sinkApp.Get(0));
        Address dstAddr = v6 ? Address(Inet6SocketAddress(serverAddr.ToIpv6(), 5001))
                             : Address(InetSocketAddress(serverAddr.ToIpv4(), 5001));
        BulkSendHelper bulk("ns3::TcpSocketFactory", dstAddr);
        bulk.SetAttribute("MaxBytes", UintegerValue(m_tcpBytes));
        bulk.Install(client).Start(t + Seconds(m_pings + m_udpEchoes));
    }
    c->tcpTarget = m_tcpBytes;
    return t + Seconds(m_pings + m_udpEchoes + 20);
}

std::vector<IpsecFlowResult>
IpsecTrafficHelper::GetResults() const
{
    const Counters& c = *m_counters;
    return {{"ping", "echo requests/replies", c.pingSent, c.pingReplies},
            {"udp-echo", "datagrams", c.udpSent, c.udpReceived},
            {"tcp", "bytes", c.tcpTarget, c.sink ? c.sink->GetTotalRx() : 0}};
}

} // namespace ns3
