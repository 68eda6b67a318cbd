/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-traffic-helper.h"

#include "ns3/abort.h"
#include "ns3/application.h"
#include "ns3/bulk-send-application.h"
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
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/udp-echo-helper.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <map>

namespace ns3
{

void
IpsecFlowSamples::Sent()
{
    if (firstSend < 0)
    {
        firstSend = Simulator::Now().GetSeconds();
    }
}

void
IpsecFlowSamples::Delivered(uint64_t bytes)
{
    deliveredBytes += bytes;
    lastDelivery = Simulator::Now().GetSeconds();
}

namespace
{

/// The data bytes of an echo request, as ping(8) sends.
constexpr uint32_t PING_DATA = 56;

/**
 * The RTT samples and retransmissions of a TCP sender, from its socket's
 * Tx and Rx traces (ns-3.37's own "RTT" trace gives the smoothed estimate,
 * not the samples): the time from a data segment's first transmission to
 * the ACK that first covers it, sampled on the newest segment an ACK
 * newly covers, and not when any segment it covers was retransmitted
 * (Karn's rule, RFC 6298).  ns-3's initial sequence number is 0, so the
 * numbers of a transfer under 4 GB do not wrap.
 */
struct TcpSampler
{
    /// A data segment sent and not yet acknowledged.
    struct Segment
    {
        uint32_t end;
        double sentAt;
        bool retransmitted;
    };

    std::map<uint32_t, Segment> outstanding; ///< by first sequence number
    uint32_t highestSent{0};                 ///< one past the highest sequence number sent
    uint32_t highestAck{0};
    IpsecFlowSamples* samples;

    void Tx(Ptr<const Packet> p, const TcpHeader& h)
    {
        if (p->GetSize() == 0)
        {
            return;
        }
        uint32_t seq = h.GetSequenceNumber().GetValue();
        uint32_t end = seq + p->GetSize();
        samples->dataSegments++;
        if (seq < highestSent)
        {
            samples->retransmissions++;
            for (auto& [first, s] : outstanding)
            {
                if (first < end && s.end > seq)
                {
                    s.retransmitted = true;
                }
            }
        }
        if (end > highestSent)
        {
            outstanding[std::max(seq, highestSent)] = {end, Simulator::Now().GetSeconds(), false};
            highestSent = end;
        }
    }

    void Rx(const TcpHeader& h)
    {
        if (!(h.GetFlags() & TcpHeader::ACK))
        {
            return;
        }
        uint32_t ack = h.GetAckNumber().GetValue();
        if (ack <= highestAck)
        {
            return;
        }
        highestAck = ack;
        bool covered = false;
        bool retransmitted = false;
        double newest = 0;
        while (!outstanding.empty() && outstanding.begin()->second.end <= ack)
        {
            covered = true;
            retransmitted = retransmitted || outstanding.begin()->second.retransmitted;
            newest = outstanding.begin()->second.sentAt;
            outstanding.erase(outstanding.begin());
        }
        if (covered && !retransmitted)
        {
            samples->delays.push_back(Simulator::Now().GetSeconds() - newest);
        }
    }
};

/// The number a UDP echo datagram carries in its first 4 bytes.
uint32_t
EchoNumber(Ptr<const Packet> p)
{
    uint8_t b[4] = {0, 0, 0, 0};
    if (p->GetSize() < 4)
    {
        return 0;
    }
    p->CopyData(b, 4);
    return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3];
}

} // namespace

namespace
{

/**
 * The client of IpsecInstallUdpEchoClient: ns-3's UdpEchoClient, event for
 * event (the first datagram an instant after the start, each next one
 * scheduled by the one before), with numbered datagrams.
 */
class NumberedEchoClient : public Application
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::IpsecExampleNumberedEchoClient")
                                .SetParent<Application>()
                                .SetGroupName("Ipsec");
        return tid;
    }

    IpsecAddress m_server;
    uint16_t m_port{0};
    uint32_t m_count{0};
    uint32_t m_size{0};
    Time m_interval;
    std::shared_ptr<IpsecFlowResult> m_flow;

  private:
    void StartApplication() override
    {
        m_flow->samples.delayKind = "rtt";
        m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
        if (m_server.IsV6())
        {
            m_socket->Bind6();
            m_socket->Connect(Inet6SocketAddress(m_server.ToIpv6(), m_port));
        }
        else
        {
            m_socket->Bind();
            m_socket->Connect(InetSocketAddress(m_server.ToIpv4(), m_port));
        }
        m_socket->SetRecvCallback(MakeCallback(&NumberedEchoClient::Read, this));
        m_event = Simulator::Schedule(Seconds(0), &NumberedEchoClient::Send, this);
    }

    void StopApplication() override
    {
        m_event.Cancel();
        if (m_socket)
        {
            m_socket->Close();
            m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        }
    }

    void Send()
    {
        std::vector<uint8_t> data(m_size, 0);
        uint32_t n = ++m_sent;
        data[0] = n >> 24;
        data[1] = (n >> 16) & 0xff;
        data[2] = (n >> 8) & 0xff;
        data[3] = n & 0xff;
        m_flow->sent++;
        m_flow->samples.Sent();
        m_sentAt[n] = Simulator::Now().GetSeconds();
        m_socket->Send(Create<Packet>(data.data(), m_size));
        if (m_sent < m_count)
        {
            m_event = Simulator::Schedule(m_interval, &NumberedEchoClient::Send, this);
        }
    }

    void Read(Ptr<Socket> s)
    {
        while (Ptr<Packet> p = s->Recv())
        {
            m_flow->received++;
            m_flow->samples.Delivered(p->GetSize());
            auto it = m_sentAt.find(EchoNumber(p));
            if (it != m_sentAt.end())
            {
                m_flow->samples.delays.push_back(Simulator::Now().GetSeconds() - it->second);
                m_sentAt.erase(it); // a duplicate reply is no second sample
            }
        }
    }

    Ptr<Socket> m_socket;
    EventId m_event;
    uint32_t m_sent{0};
    std::map<uint32_t, double> m_sentAt; ///< by number, until answered
};

} // namespace

void
IpsecInstallUdpEchoClient(Ptr<Node> client,
                          const IpsecAddress& server,
                          uint16_t port,
                          uint32_t count,
                          uint32_t size,
                          Time start,
                          Time interval,
                          std::shared_ptr<IpsecFlowResult> flow)
{
    if (count == 0)
    {
        return;
    }
    NS_ABORT_MSG_IF(size < 4, "an echo datagram carries its 4-byte number");
    Ptr<NumberedEchoClient> app = CreateObject<NumberedEchoClient>();
    app->m_server = server;
    app->m_port = port;
    app->m_count = count;
    app->m_size = size;
    app->m_interval = interval;
    app->m_flow = std::move(flow);
    client->AddApplication(app);
    app->SetStartTime(start);
}

/// Shared with the callbacks, so results survive the helper's copies.
struct IpsecTrafficHelper::Counters
{
    IpsecFlowResult ping{"ping", "echo requests/replies", 0, 0, {}};
    std::map<uint16_t, double> pingSentAt; ///< by sequence number, until answered
    std::function<void(uint16_t)> onPingReply;
    std::shared_ptr<IpsecFlowResult> udp
        = std::make_shared<IpsecFlowResult>(IpsecFlowResult{"udp-echo", "datagrams", 0, 0, {}});
    IpsecFlowResult tcp{"tcp", "bytes", 0, 0, {}};
    TcpSampler tcpSampler;
    Ptr<PacketSink> sink;

    /// An echo reply with @p seq from the server: counted, its RTT sampled.
    void PingReply(uint16_t seq)
    {
        ping.received++;
        ping.samples.Delivered(PING_DATA);
        auto it = pingSentAt.find(seq);
        if (it != pingSentAt.end())
        {
            ping.samples.delays.push_back(Simulator::Now().GetSeconds() - it->second);
            pingSentAt.erase(it);
        }
        if (onPingReply)
        {
            onPingReply(seq);
        }
    }
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
IpsecTrafficHelper::SetPingIdentifier(uint16_t id)
{
    m_pingId = id;
}

void
IpsecTrafficHelper::SetPorts(uint16_t udpEchoPort, uint16_t tcpPort)
{
    m_echoPort = udpEchoPort;
    m_tcpPort = tcpPort;
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
SendPing(Ptr<Socket> socket, bool v6, IpsecAddress src, IpsecAddress dst, uint16_t seq, uint16_t id)
{
    uint8_t data[PING_DATA];
    for (uint32_t i = 0; i < sizeof(data); ++i)
    {
        data[i] = static_cast<uint8_t>(i);
    }
    Ptr<Packet> p = Create<Packet>(data, sizeof(data));
    if (v6)
    {
        Icmpv6Echo echo(true);
        echo.SetId(id);
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
        echo.SetIdentifier(id);
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
}

} // namespace

Time
IpsecTrafficHelper::Install(Ptr<Node> client,
                            const IpsecAddress& clientAddr,
                            Ptr<Node> server,
                            const IpsecAddress& serverAddr)
{
    InstallServer(server, serverAddr.IsV6());
    return InstallClient(client, clientAddr, serverAddr);
}

void
IpsecTrafficHelper::InstallServer(Ptr<Node> server, bool v6)
{
    // The UDP echo server (none when the count is 0).
    if (m_udpEchoes > 0)
    {
        UdpEchoServerHelper echoServer(m_echoPort);
        echoServer.Install(server).Start(Seconds(0));
    }
    // The TCP sink (none for 0 bytes), counting what arrives.
    if (m_tcpBytes > 0)
    {
        auto c = m_counters;
        Address sinkAddr = v6 ? Address(Inet6SocketAddress(Ipv6Address::GetAny(), m_tcpPort))
                              : Address(InetSocketAddress(Ipv4Address::GetAny(), m_tcpPort));
        PacketSinkHelper sinkHelper("ns3::TcpSocketFactory", sinkAddr);
        ApplicationContainer sinkApp = sinkHelper.Install(server);
        sinkApp.Start(Seconds(0));
        c->sink = DynamicCast<PacketSink>(sinkApp.Get(0));
        // The counters hold the sink: its callback holds them weakly (a
        // strong hold would be a cycle, never freed).
        std::weak_ptr<Counters> weak = c;
        c->sink->TraceConnectWithoutContext("Rx",
                                            Callback<void, Ptr<const Packet>, const Address&>(
                                                [weak](Ptr<const Packet> p, const Address&)
                                                {
                                                    if (auto c = weak.lock())
                                                    {
                                                        c->tcp.samples.Delivered(p->GetSize());
                                                    }
                                                }));
    }
}

Time
IpsecTrafficHelper::InstallClient(Ptr<Node> client,
                                  const IpsecAddress& clientAddr,
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
        [c, v6, serverAddr, id = m_pingId](Ptr<Socket> s)
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
                        Icmpv6Echo echo(false);
                        p->PeekHeader(echo);
                        if (echo.GetId() == id)
                        {
                            c->PingReply(echo.GetSeq());
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
                        Icmpv4Echo echo;
                        p->PeekHeader(echo);
                        if (echo.GetIdentifier() == id)
                        {
                            c->PingReply(echo.GetSequenceNumber());
                        }
                    }
                }
            }
        });
    for (uint32_t i = 0; i < m_pings; ++i)
    {
        Simulator::Schedule(t + Seconds(i),
                            [c, ping, v6, clientAddr, serverAddr, i, id = m_pingId]()
                            {
                                auto seq = static_cast<uint16_t>(i + 1);
                                c->ping.sent++;
                                c->ping.samples.Sent();
                                c->pingSentAt[seq] = Simulator::Now().GetSeconds();
                                SendPing(ping, v6, clientAddr, serverAddr, seq, id);
                            });
    }
    c->ping.samples.delayKind = "rtt";

    // UDP echo to port 7 (none when the count is 0).
    if (m_udpEchoes > 0)
    {
        IpsecInstallUdpEchoClient(client,
                                  serverAddr,
                                  m_echoPort,
                                  m_udpEchoes,
                                  512,
                                  t + MilliSeconds(500),
                                  Seconds(1),
                                  c->udp);
    }

    // TCP bulk transfer to port 5001 (none for 0 bytes: BulkSend would not stop).
    if (m_tcpBytes > 0)
    {
        std::weak_ptr<Counters> weak = c;
        Address dstAddr = v6 ? Address(Inet6SocketAddress(serverAddr.ToIpv6(), m_tcpPort))
                             : Address(InetSocketAddress(serverAddr.ToIpv4(), m_tcpPort));
        BulkSendHelper bulk("ns3::TcpSocketFactory", dstAddr);
        bulk.SetAttribute("MaxBytes", UintegerValue(m_tcpBytes));
        ApplicationContainer bulkApp = bulk.Install(client);
        Time tcpStart = t + Seconds(m_pings + m_udpEchoes);
        bulkApp.Start(tcpStart);
        c->tcp.samples.delayKind = "rtt";
        c->tcp.samples.tcp = true;
        c->tcpSampler.samples = &c->tcp.samples;
        // BulkSend creates its socket (and sends the SYN) when it starts; the
        // sender's traces are connected right after, in the same instant
        // (ScheduleNow runs after the start event already queued for it).
        Ptr<BulkSendApplication> sender = DynamicCast<BulkSendApplication>(bulkApp.Get(0));
        Simulator::Schedule(
            tcpStart,
            [c, sender, weak]()
            {
                c->tcp.samples.Sent(); // the SYN
                Simulator::ScheduleNow(
                    [weak, sender]()
                    {
                        Ptr<Socket> s = sender->GetSocket();
                        NS_ABORT_MSG_UNLESS(s, "BulkSend has no socket after its start");
                        s->TraceConnectWithoutContext("Tx",
                                                      Callback<void,
                                                               Ptr<const Packet>,
                                                               const TcpHeader&,
                                                               Ptr<const TcpSocketBase>>(
                                                          [weak](Ptr<const Packet> p,
                                                                 const TcpHeader& h,
                                                                 Ptr<const TcpSocketBase>)
                                                          {
                                                              if (auto c = weak.lock())
                                                              {
                                                                  c->tcpSampler.Tx(p, h);
                                                              }
                                                          }));
                        s->TraceConnectWithoutContext("Rx",
                                                      Callback<void,
                                                               Ptr<const Packet>,
                                                               const TcpHeader&,
                                                               Ptr<const TcpSocketBase>>(
                                                          [weak](Ptr<const Packet>,
                                                                 const TcpHeader& h,
                                                                 Ptr<const TcpSocketBase>)
                                                          {
                                                              if (auto c = weak.lock())
                                                              {
                                                                  c->tcpSampler.Rx(h);
                                                              }
                                                          }));
                    });
            });
    }
    c->tcp.sent = m_tcpBytes;
    return t + Seconds(m_pings + m_udpEchoes + 20);
}

std::vector<IpsecFlowResult>
IpsecTrafficHelper::GetResults() const
{
    const Counters& c = *m_counters;
    IpsecFlowResult tcp = c.tcp;
    tcp.received = c.sink ? c.sink->GetTotalRx() : 0;
    return {c.ping, *c.udp, tcp};
}

} // namespace ns3
