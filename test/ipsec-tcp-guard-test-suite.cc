/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * tcp_input's state checks ahead of ns-3's TCP (model/ipsec-tcp-guard.h):
 * what reaches a TCP socket of a node with the IPsec stack.
 *
 * The victim V has the IpsecStackHelper's stack (no policy) and a TCP
 * listener on port 7010.  The peer P is a bare point-to-point device with no
 * IP stack: every segment P sends is written here byte by byte (the IP
 * header by the test encoder, the TCP header with its RFC 9293 section 3.1
 * checksum over the pseudo header; the runner enables ns-3's checksums),
 * and every segment V sends is read off P's device.  What is expected comes
 * from RFC 9293, NetBSD's tcp_input and ns-3's documented TCP attributes
 * (TcpSocket::PersistTimeout, 6 s by default), never from running the model:
 *
 *  - a socket without a peer takes only a SYN: a RST is dropped
 *    (TCP_LISTEN_RESET), a FIN, an ACK, a SYN and ACK, and a segment with no
 *    flag at all are dropped (TCP_BAD_SYN); V answers none of them;
 *  - a SYN, and the handshake's ACK, with a zero window still make a
 *    connection, and V (with nothing to send) sends no data; data with no
 *    flag at all reaches a connection's application (ns-3's window probes
 *    are such segments);
 *  - a connecting socket (SYN_SENT) drops a segment with none of SYN, ACK
 *    and RST (TCP_NO_ACK), and is connected by the SYN and ACK after it;
 *  - a zero window is honoured while V has data to send: nothing for the
 *    persist timeout, then a one-byte probe; once V has sent everything, a
 *    zero window changes nothing.
 *
 * Before the guard, ns-3 3.37 crashed 6 s after the first case's RST (a
 * null dereference in TcpSocketBase::PersistTimeout, found by the
 * ipcomp-input fuzzer): the suite then dies instead of failing.
 */
#include "ipsec-test-base.h"
#include "ipsec-test-encoder.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipsec-module.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv6.h"
#include "ns3/node.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/test.h"

#include <sstream>
#include <string>
#include <vector>

using namespace ns3;
using namespace ns3::ipsectest;

namespace
{

constexpr uint16_t V_PORT = 7010;
constexpr uint16_t P_PORT = 40000;
constexpr uint8_t FIN = 0x01;
constexpr uint8_t SYN = 0x02;
constexpr uint8_t RST = 0x04;
constexpr uint8_t PSH = 0x08;
constexpr uint8_t ACK = 0x10;
constexpr uint8_t URG = 0x20;

/// A segment V sent, as read off P's device.
struct Seen
{
    double at;       ///< seconds
    uint8_t flags;   ///< TCP flags
    uint32_t seq;    ///< sequence number
    uint32_t ack;    ///< acknowledgment number
    uint32_t length; ///< data bytes
    uint16_t sport;  ///< V's port
};

/// One simulation: V, P, the link, and what crossed it.
class TcpGuardCase : public TestCase
{
  public:
    TcpGuardCase(const std::string& name, bool v6)
        : TestCase(name + (v6 ? " (IPv6)" : " (IPv4)"))
        , m_v6(v6)
    {
    }

  protected:
    /// Builds V, P and V's listener.
    void Setup()
    {
        m_p = CreateObject<Node>();
        m_v = CreateObject<Node>();
        IpsecStackHelper().Install(m_v);
        PointToPointHelper link;
        link.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
        link.SetChannelAttribute("Delay", StringValue("10ms"));
        NetDeviceContainer devices = link.Install(m_p, m_v);
        m_pDevice = devices.Get(0);
        Ptr<NetDevice> vDevice = devices.Get(1);
        Ipv4AddressHelper v4;
        v4.SetBase("10.0.0.0", "255.255.255.0", "0.0.0.2");
        v4.Assign(NetDeviceContainer(vDevice));
        Ptr<Ipv6> ipv6 = m_v->GetObject<Ipv6>();
        int32_t ifIndex = ipv6->GetInterfaceForDevice(vDevice);
        if (ifIndex < 0)
        {
            ifIndex = ipv6->AddInterface(vDevice);
        }
        ipv6->AddAddress(ifIndex, Ipv6InterfaceAddress(Ipv6Address("fd00::2"), Ipv6Prefix(64)));
        ipv6->SetUp(ifIndex);
        ParseIp4("10.0.0.1", m_p4);
        ParseIp4("10.0.0.2", m_v4);
        ParseIp6("fd00::1", m_p6);
        ParseIp6("fd00::2", m_v6addr);

        m_pDevice->SetReceiveCallback(MakeCallback(&TcpGuardCase::OnWire, this));
        m_v->GetObject<IpsecStack>()->TraceConnectWithoutContext(
            "Drop", MakeCallback(&TcpGuardCase::OnDrop, this));

        m_listener = Socket::CreateSocket(m_v, TcpSocketFactory::GetTypeId());
        int rc = m_v6 ? m_listener->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), V_PORT))
                      : m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), V_PORT));
        NS_TEST_ASSERT_MSG_EQ(rc, 0, "cannot bind V's listener");
        m_listener->Listen();
        m_listener->SetAcceptCallback(MakeCallback(&TcpGuardCase::OnRequest, this),
                                      MakeCallback(&TcpGuardCase::OnAccept, this));
    }

    /// P sends a TCP segment to V's listener.
    void Send(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t window, const Bytes& data)
    {
        SendPorts(P_PORT, V_PORT, flags, seq, ack, window, data);
    }

    /// P sends a TCP segment from port @p sport to V's port @p dport.
    void SendPorts(uint16_t sport,
                   uint16_t dport,
                   uint8_t flags,
                   uint32_t seq,
                   uint32_t ack,
                   uint16_t window,
                   const Bytes& data)
    {
        Bytes tcp(20 + data.size(), 0);
        std::copy(data.begin(), data.end(), tcp.begin() + 20);
        tcp[0] = sport >> 8;
        tcp[1] = sport & 0xff;
        tcp[2] = dport >> 8;
        tcp[3] = dport & 0xff;
        for (int i = 0; i < 4; ++i)
        {
            tcp[4 + i] = seq >> (24 - 8 * i);
            tcp[8 + i] = ack >> (24 - 8 * i);
        }
        tcp[12] = 5 << 4;
        tcp[13] = flags;
        tcp[14] = window >> 8;
        tcp[15] = window & 0xff;
        const uint8_t* src = m_v6 ? m_p6 : m_p4;
        const uint8_t* dst = m_v6 ? m_v6addr : m_v4;
        const uint16_t sum = PseudoHeaderChecksum(src, dst, m_v6, 6, tcp);
        tcp[16] = sum >> 8;
        tcp[17] = sum & 0xff;
        Bytes datagram;
        if (m_v6)
        {
            Ip6Fields ip;
            std::copy(m_p6, m_p6 + 16, ip.src);
            std::copy(m_v6addr, m_v6addr + 16, ip.dst);
            ip.next = 6;
            datagram = Ipv6Datagram(ip, tcp);
        }
        else
        {
            Ip4Fields ip;
            std::copy(m_p4, m_p4 + 4, ip.src);
            std::copy(m_v4, m_v4 + 4, ip.dst);
            ip.proto = 6;
            ip.id = ++m_ipId;
            datagram = Ipv4Datagram(ip, tcp);
        }
        Ptr<Packet> p = Create<Packet>(datagram.data(), datagram.size());
        m_pDevice->Send(p, m_pDevice->GetBroadcast(), m_v6 ? 0x86DD : 0x0800);
    }

    /// Schedules Send at @p at seconds.
    void SendAt(double at,
                uint8_t flags,
                uint32_t seq,
                uint32_t ack,
                uint16_t window,
                const Bytes& data = {})
    {
        Simulator::Schedule(Seconds(at), &TcpGuardCase::Send, this, flags, seq, ack, window, data);
    }

    /// Runs to @p until seconds, then ends the simulation.
    void RunUntil(double until)
    {
        Simulator::Stop(Seconds(until));
        Simulator::Run();
    }

    /// Ends the simulation (sockets closed, objects freed).
    void Finish()
    {
        for (const Ptr<Socket>& s : m_accepted)
        {
            s->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        }
        m_accepted.clear();
        m_listener = nullptr;
        Simulator::Destroy();
    }

    /// The drop reasons traced on V, in order, as text.
    std::string Drops() const
    {
        std::ostringstream os;
        for (IpsecDropReason r : m_drops)
        {
            os << IpsecDropReasonName(r) << " ";
        }
        return os.str();
    }

    /// What V sent with data in it, after @p from seconds.
    std::vector<Seen> DataAfter(double from) const
    {
        std::vector<Seen> out;
        for (const Seen& s : m_seen)
        {
            if (s.at > from && s.length > 0)
            {
                out.push_back(s);
            }
        }
        return out;
    }

    /// The end of the highest data V sent so far (P's next acknowledgment).
    uint32_t HighestSent() const
    {
        uint32_t high = m_isn + 1;
        for (const Seen& s : m_seen)
        {
            if (s.length > 0 && s.seq + s.length - high < 0x80000000u)
            {
                high = s.seq + s.length;
            }
        }
        return high;
    }

    /// Called for each connection V accepts (the case's own reaction).
    virtual void Accepted(Ptr<Socket> /* socket */) {}

    /// Called for each segment V sends (the case's own reaction).
    virtual void Heard(const Seen& /* segment */) {}

    /// V, the victim.
    Ptr<Node> Victim() const
    {
        return m_v;
    }

    bool m_v6;
    std::vector<Seen> m_seen; ///< every TCP segment V sent to P
    std::vector<IpsecDropReason> m_drops;
    uint32_t m_accepts{0};  ///< connections V accepted
    std::string m_received; ///< bytes V's connections received
    uint32_t m_isn{0};      ///< V's initial sequence number (from its SYN-ACK)
    std::vector<Ptr<Socket>> m_accepted;

  private:
    bool OnWire(Ptr<NetDevice>, Ptr<const Packet> packet, uint16_t protocol, const Address&)
    {
        Bytes b(packet->GetSize());
        packet->CopyData(b.data(), b.size());
        size_t off = 0;
        if (protocol == 0x0800 && b.size() >= 20 && b[9] == 6)
        {
            off = (b[0] & 0x0f) * 4u;
        }
        else if (protocol == 0x86DD && b.size() >= 40 && b[6] == 6)
        {
            off = 40;
        }
        else
        {
            return true; // not TCP (IPv6's own messages)
        }
        if (b.size() < off + 20)
        {
            return true;
        }
        const uint8_t* t = b.data() + off;
        Seen s;
        s.at = Simulator::Now().GetSeconds();
        s.flags = t[13];
        s.seq = (uint32_t(t[4]) << 24) | (t[5] << 16) | (t[6] << 8) | t[7];
        s.ack = (uint32_t(t[8]) << 24) | (t[9] << 16) | (t[10] << 8) | t[11];
        s.length = b.size() - off - (t[12] >> 4) * 4u;
        s.sport = (t[0] << 8) | t[1];
        if ((s.flags & (SYN | ACK)) == (SYN | ACK))
        {
            m_isn = s.seq;
        }
        m_seen.push_back(s);
        Heard(s);
        return true;
    }

    void OnDrop(Ptr<const Packet>, bool, IpsecDropReason reason, const std::string&)
    {
        m_drops.push_back(reason);
    }

    bool OnRequest(Ptr<Socket>, const Address&)
    {
        return true;
    }

    void OnAccept(Ptr<Socket> socket, const Address&)
    {
        ++m_accepts;
        m_accepted.push_back(socket);
        socket->SetRecvCallback(MakeCallback(&TcpGuardCase::OnData, this));
        Accepted(socket);
    }

    void OnData(Ptr<Socket> socket)
    {
        while (Ptr<Packet> p = socket->Recv())
        {
            Bytes b(p->GetSize());
            p->CopyData(b.data(), b.size());
            m_received.append(b.begin(), b.end());
        }
    }

    Ptr<Node> m_p;
    Ptr<Node> m_v;
    Ptr<NetDevice> m_pDevice;
    Ptr<Socket> m_listener;
    uint8_t m_p4[4]{};
    uint8_t m_v4[4]{};
    uint8_t m_p6[16]{};
    uint8_t m_v6addr[16]{};
    uint16_t m_ipId{0};
};

/// Segments other than a SYN to the listener: dropped, unanswered, no crash.
class ListenerCase : public TcpGuardCase
{
  public:
    explicit ListenerCase(bool v6)
        : TcpGuardCase("a listener takes only a SYN", v6)
    {
    }

  private:
    void DoRun() override
    {
        Setup();
        // The fuzzer's segment: URG, PSH and RST without ACK, 5 data bytes.
        SendAt(0.1, URG | PSH | RST, 0, 0, 0x2c2c, Bytes{0x3a, 0x3a, 0x3a, 0x3a, 0x3a});
        SendAt(0.2, FIN, 100, 0, 1000);
        SendAt(0.3, ACK, 100, 1, 0);
        SendAt(0.4, 0, 100, 0, 0, Bytes{1, 2, 3, 4});
        SendAt(0.5, SYN | ACK, 100, 1, 0);
        RunUntil(40); // past ns-3's persist timeout (6 s) several times over
        NS_TEST_EXPECT_MSG_EQ(Drops(),
                              "TCP_LISTEN_RESET TCP_BAD_SYN TCP_BAD_SYN TCP_BAD_SYN TCP_BAD_SYN ",
                              "the drops traced on V");
        NS_TEST_EXPECT_MSG_EQ(m_seen.size(), 0u, "V answered a segment it must drop");
        NS_TEST_EXPECT_MSG_EQ(m_accepts, 0u, "V accepted a connection without a SYN");
        Finish();
    }
};

/// A zero window from a peer V has nothing to send to; data without flags.
class ZeroWindowHandshakeCase : public TcpGuardCase
{
  public:
    explicit ZeroWindowHandshakeCase(bool v6)
        : TcpGuardCase("a zero window in the handshake", v6)
    {
    }

  private:
    void DoRun() override
    {
        Setup();
        SendAt(0.1, SYN, 1000, 0, 0);
        Simulator::Schedule(Seconds(0.2),
                            [this]()
                            {
                                Send(ACK, 1001, m_isn + 1, 0, {});
                            });
        // Data with no flag at all: ns-3 3.37 sends its window probes so, and
        // takes them as data; a connection must keep taking them.
        SendAt(0.3, 0, 1001, 0, 0, Bytes{'x', 'y'});
        Simulator::Schedule(Seconds(0.4),
                            [this]()
                            {
                                Send(PSH | ACK, 1003, m_isn + 1, 0, Bytes{'a', 'b', 'c', 'd'});
                            });
        RunUntil(40); // past ns-3's persist timeout (6 s) several times over
        NS_TEST_ASSERT_MSG_EQ(m_seen.empty(), false, "V did not answer the SYN");
        NS_TEST_EXPECT_MSG_EQ(uint32_t(m_seen[0].flags & (SYN | ACK | RST)),
                              uint32_t(SYN | ACK),
                              "V's answer to a SYN with a zero window");
        NS_TEST_EXPECT_MSG_EQ(m_seen[0].ack, 1001u, "V's SYN-ACK acknowledges the SYN");
        NS_TEST_EXPECT_MSG_EQ(m_accepts, 1u, "the handshake did not complete");
        NS_TEST_EXPECT_MSG_EQ(Drops(), "", "the drops traced on V");
        NS_TEST_EXPECT_MSG_EQ(m_received, "xyabcd", "what V's application received");
        NS_TEST_EXPECT_MSG_EQ(DataAfter(0).size(), 0u, "V, with nothing to send, sent data");
        Finish();
    }
};

/// A connecting socket of V (SYN_SENT) takes only a SYN and ACK.
class SynSentCase : public TcpGuardCase
{
  public:
    explicit SynSentCase(bool v6)
        : TcpGuardCase("a connecting socket takes no segment without flags", v6)
    {
    }

  private:
    void Heard(const Seen& s) override
    {
        if ((s.flags & (SYN | ACK)) == SYN && m_port == 0)
        {
            m_port = s.sport;
            m_synSeq = s.seq;
        }
    }

    void DoRun() override
    {
        Setup();
        Ptr<Socket> client = Socket::CreateSocket(Victim(), TcpSocketFactory::GetTypeId());
        client->SetConnectCallback(MakeCallback(&SynSentCase::Connected, this),
                                   MakeCallback(&SynSentCase::Failed, this));
        Simulator::Schedule(
            Seconds(0.1),
            [this, client]()
            {
                if (m_v6)
                {
                    client->Bind6();
                    client->Connect(Inet6SocketAddress(Ipv6Address("fd00::1"), P_PORT));
                }
                else
                {
                    client->Bind();
                    client->Connect(InetSocketAddress(Ipv4Address("10.0.0.1"), P_PORT));
                }
            });
        // Data with no flag: tcp_input drops it in SYN_SENT; ns-3 would take
        // it as the end of the handshake, with no window from the peer.
        Simulator::Schedule(Seconds(0.3),
                            [this]()
                            {
                                SendPorts(P_PORT, m_port, 0, 7000, 0, 0, Bytes{1, 2, 3, 4});
                            });
        // An ACK without SYN, with a zero window: ns-3 ignores it in SYN_SENT.
        Simulator::Schedule(Seconds(0.4),
                            [this]()
                            {
                                SendPorts(P_PORT, m_port, ACK, 7000, m_synSeq + 1, 0, {});
                            });
        Simulator::Schedule(Seconds(0.5),
                            [this]()
                            {
                                SendPorts(P_PORT, m_port, SYN | ACK, 7000, m_synSeq + 1, 1000, {});
                            });
        RunUntil(40);
        NS_TEST_EXPECT_MSG_NE(m_port, 0, "V's socket sent no SYN");
        NS_TEST_EXPECT_MSG_EQ(Drops(), "TCP_NO_ACK ", "the drops traced on V");
        NS_TEST_EXPECT_MSG_EQ(m_connected, 1u, "V's connection was not made by the SYN and ACK");
        NS_TEST_EXPECT_MSG_GT(m_connectedAt, 0.5, "V's connection was made before the SYN and ACK");
        NS_TEST_EXPECT_MSG_EQ(m_failed, 0u, "V's connection failed");
        client->Close();
        Finish();
    }

    void Connected(Ptr<Socket>)
    {
        ++m_connected;
        m_connectedAt = Simulator::Now().GetSeconds();
    }

    void Failed(Ptr<Socket>)
    {
        ++m_failed;
    }

    uint16_t m_port{0};
    uint32_t m_synSeq{0};
    uint32_t m_connected{0};
    uint32_t m_failed{0};
    double m_connectedAt{0};
};

/// A zero window while V has data to send is honoured; after, it changes nothing.
class PersistCase : public TcpGuardCase
{
  public:
    explicit PersistCase(bool v6)
        : TcpGuardCase("a zero window is honoured while there is data to send", v6)
    {
    }

  private:
    static constexpr uint32_t DATA = 3000;

    void Accepted(Ptr<Socket> socket) override
    {
        std::vector<uint8_t> data(DATA, 'v');
        NS_TEST_EXPECT_MSG_EQ(socket->Send(data.data(), data.size(), 0),
                              int(DATA),
                              "V's application could not queue its data");
    }

    void Heard(const Seen& s) override
    {
        if (m_acking && s.length > 0)
        {
            const uint32_t ack = s.seq + s.length;
            Simulator::ScheduleNow(
                [this, ack]()
                {
                    Send(ACK, 5001, ack, 65535, {});
                });
        }
    }

    void DoRun() override
    {
        Setup();
        SendAt(0.1, SYN, 5000, 0, 65535);
        // The handshake's ACK opens two segments (536 bytes each).
        Simulator::Schedule(Seconds(0.2),
                            [this]()
                            {
                                Send(ACK, 5001, m_isn + 1, 1072, {});
                            });
        // Everything V sent acknowledged, with a zero window: 1928 bytes wait.
        Simulator::Schedule(Seconds(0.5),
                            [this]()
                            {
                                Send(ACK, 5001, HighestSent(), 0, {});
                            });
        // The probe acknowledged, the window open again; P acknowledges the rest.
        Simulator::Schedule(Seconds(7.0),
                            [this]()
                            {
                                m_acking = true;
                                Send(ACK, 5001, HighestSent(), 65535, {});
                            });
        // Everything acknowledged, with a zero window: nothing left to send.
        Simulator::Schedule(Seconds(20.0),
                            [this]()
                            {
                                m_acking = false;
                                Send(ACK, 5001, HighestSent(), 0, {});
                            });
        RunUntil(60);

        uint32_t first = 0;
        for (const Seen& s : DataAfter(0.2))
        {
            first += s.at < 0.5 ? s.length : 0;
        }
        NS_TEST_EXPECT_MSG_EQ(first, 1072u, "V's data before the window closed");
        std::vector<Seen> closed = DataAfter(0.5);
        NS_TEST_ASSERT_MSG_EQ(closed.empty(), false, "V sent nothing after the window closed");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(
            closed[0].at, 6.5, "V sent data into a zero window before the persist timeout");
        NS_TEST_EXPECT_MSG_EQ(closed[0].length, 1u, "V's window probe");
        NS_TEST_EXPECT_MSG_EQ(HighestSent(), m_isn + 1 + DATA, "V did not send all its data");
        NS_TEST_EXPECT_MSG_EQ(
            DataAfter(20.0).size(), 0u, "V sent data after everything was acknowledged");
        NS_TEST_EXPECT_MSG_EQ(Drops(), "", "the drops traced on V");
        Finish();
    }

    bool m_acking{false};
};

/// The suite.
class IpsecTcpGuardTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecTcpGuardTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-tcp-guard", UNIT)
    {
        for (bool v6 : {false, true})
        {
            AddTestCase(new ListenerCase(v6), TestCase::QUICK);
            AddTestCase(new ZeroWindowHandshakeCase(v6), TestCase::QUICK);
            AddTestCase(new SynSentCase(v6), TestCase::QUICK);
            AddTestCase(new PersistCase(v6), TestCase::QUICK);
        }
    }
};

IpsecTcpGuardTestSuite g_ipsecTcpGuardTestSuite;

} // namespace
