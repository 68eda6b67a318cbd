/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The NetBSD IPsec FAQ's mail server ("Configuring AH/ESP keys by using
 * IKE"): A requires transport mode AH for POP (TCP port 110) from
 * everyone, except for its own local traffic, through four policies whose
 * order "is highly important":
 *
 *   spdadd A[110] A tcp -P out none;
 *   spdadd A A[110] tcp -P in none;
 *   spdadd A[110] 0.0.0.0/0 tcp -P out ipsec ah/transport//require;
 *   spdadd 0.0.0.0/0 A[110] tcp -P in ipsec ah/transport//require;
 *
 * and B, a client, has the two policies for its side.  Topology, one CSMA
 * LAN 10.0.0.0/24:
 *
 *   A 10.0.0.1 (POP server on TCP 110, and a local POP client)
 *   B 10.0.0.2 (POP client, examples/pop/B.conf)
 *   C 10.0.0.3 (only with --outsider=true: a POP client without IPsec)
 *
 * The FAQ lets racoon negotiate the keys.  By default the scripts
 * (examples/pop/) add manual AH SAs (hmac-sha1) in both directions;
 * --keys=ike runs the same policies without them (A-ike.conf,
 * A-reordered-ike.conf, B-ike.conf) and a simulated racoon on A and B with
 * racoon's sample racoon.conf (examples/ike/racoon.conf) and the FAQ's key
 * (examples/pop/psk-pop.txt): B's first SYN finds no SA (out_nosa), B's
 * racoon negotiates the AH SAs with A's (A finds its `0.0.0.0/0 A[110]`
 * policy for B's narrower identities, as racoon's getsp_r does) and TCP's
 * retransmission goes through.  The racoon lines and each host's
 * `setkey -D` follow the report.
 *
 * Traffic: each client opens a POP3 session to A:110 (greeting, USER, PASS,
 * STAT, RETR of one message of --mailBytes bytes, QUIT): B at 1 s, A's own
 * client at 1.5 s, C at 2 s.
 *
 * A's own traffic.  BSD sends a datagram to one of the host's own addresses
 * through lo0, with that address as the source, through IPsec output (the
 * outbound policies) and, on arrival, the inbound check (the inbound
 * policies).  --local chooses how A's own client reaches A's server:
 *
 *  lo0 (default)  to A's address 10.0.0.1 through ns-3's loopback device,
 *                 as BSD does: A's address is put on the loopback interface
 *                 too (ns-3's TCP takes a connection's source address from
 *                 the route's interface) and a host route leads there.
 *  interface      to A's address with ns-3's own routes: the LAN interface
 *                 hands the datagram back to IP input itself, synchronously
 *                 (Ipv4Interface::Send), without the device.  The policies
 *                 see the same datagrams, but ns-3.37's TCP stalls on that
 *                 path (each exchange waits for a retransmission timeout;
 *                 here the session never finishes), with or without IPsec.
 *  localhost      to 127.0.0.1: no policy's selector covers that address.
 *
 * Either way A's own datagrams never reach the LAN or a pcap.  The program
 * counts which of A's policies they (and everything else) matched.
 *
 *  --order=faq (default, examples/pop/A.conf): B's session runs in AH; A's
 *     own session runs in clear: its requests match `A A[110] in none`, the
 *     server's replies `A[110] A out none` (the client's requests match no
 *     outbound policy at all -- their source port is not 110 -- and the
 *     replies no inbound one, so the system default, none, applies).
 *  --order=reordered (examples/pop/A-reordered.conf, require first): B's
 *     session still works; A's own session never opens: the client's SYN
 *     leaves in clear (no outbound policy matches it) and A's inbound check
 *     finds `0.0.0.0/0 A[110] in ... require` first and drops it
 *     (in_polvio), every retransmission again.  So the failure is an inbound
 *     policy violation, not a missing SA (out_nosa): the server never gets
 *     to answer.  The `none` policies can never match: the lint report
 *     (IpsecPolicyLint) says so.
 *
 * Output: the lint report of A's SPD, one line per POP session, what A's
 * LAN device carried, which of A's policies matched how many datagrams
 * (A's own ones apart), the drops A counted with the model's reason, each
 * node's `netstat -s` ipsec: section and a short explanation.
 *
 *  --json=FILE     the same as JSON (nodes with KAME counters, flows,
 *                  sessions, lint findings, policy hits, drops, LAN counts)
 *  --pcapDir=DIR   a pcap per device (ipsec-pop-policy-NODE-DEVICE.pcap;
 *                  A is node 0, B node 1); B's session is AH there
 *  --verbose       every policy decision on A, as it happens
 *  --setkeyA=FILE, --setkeyB=FILE  other scripts
 *
 * A script with an error stops the program before the simulation starts,
 * with setkey's message, and exit status 1.
 */
#include "common/ipsec-example-report.h"
#include "ns3/core-module.h"
#include "ns3/csma-helper.h"
#include "ns3/csma-net-device.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/network-module.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#ifndef NS3_IPSEC_EXAMPLES_DIR
// Inside an ns-3 source tree (contrib/ipsec), examples run from the tree's top.
#define NS3_IPSEC_EXAMPLES_DIR "contrib/ipsec/examples"
#endif

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecPopPolicy");

namespace
{

const uint16_t kPopPort = 110;

/// Sends what a socket's buffer takes now and the rest when it has room.
class SocketWriter
{
  public:
    void Write(Ptr<Socket> s, const std::string& data)
    {
        m_pending[s] += data;
        Flush(s);
    }

    void Flush(Ptr<Socket> s)
    {
        std::string& out = m_pending[s];
        while (!out.empty() && s->GetTxAvailable() > 0)
        {
            uint32_t n = std::min<uint32_t>(s->GetTxAvailable(), out.size());
            int sent = s->Send(Create<Packet>(reinterpret_cast<const uint8_t*>(out.data()), n), 0);
            if (sent <= 0)
            {
                break;
            }
            out.erase(0, sent);
        }
    }

    bool Empty(Ptr<Socket> s)
    {
        return m_pending[s].empty();
    }

    void Forget(Ptr<Socket> s)
    {
        m_pending.erase(s);
    }

  private:
    std::map<Ptr<Socket>, std::string> m_pending;
};

/// Everything received on @p s appended to @p buffer.
void
ReadAll(Ptr<Socket> s, std::string& buffer)
{
    while (Ptr<Packet> p = s->Recv())
    {
        std::string chunk(p->GetSize(), '\0');
        p->CopyData(reinterpret_cast<uint8_t*>(&chunk[0]), chunk.size());
        buffer += chunk;
    }
}

/**
 * A POP3 server (RFC 1939) with one mailbox holding one message: greeting,
 * USER, PASS, STAT, RETR 1 and QUIT, enough for the clients below.
 */
class PopServer : public Application
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid
            = TypeId("ns3::IpsecExamplePopServer").SetParent<Application>().SetGroupName("Ipsec");
        return tid;
    }

    /// The message RETR 1 returns: @p bytes bytes of mail in lines of at most 74 bytes.
    void SetMailSize(uint32_t bytes)
    {
        m_mail.clear();
        std::string header = "Subject: your mail\r\n\r\n";
        if (bytes >= header.size() + 2)
        {
            m_mail = header;
        }
        while (m_mail.size() < bytes)
        {
            size_t remaining = bytes - m_mail.size(); // always at least 2
            size_t len = remaining <= 74 ? remaining - 2 : std::min<size_t>(72, remaining - 4);
            m_mail += std::string(len, 'a' + static_cast<char>(m_mail.size() % 26)) + "\r\n";
        }
    }

    uint32_t GetMailSize() const
    {
        return m_mail.size();
    }

    /// The peers whose connections the server accepted, in order.
    const std::vector<InetSocketAddress>& GetAccepted() const
    {
        return m_accepted;
    }

  private:
    void StartApplication() override
    {
        m_listen = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
        m_listen->Bind(InetSocketAddress(Ipv4Address::GetAny(), kPopPort));
        m_listen->Listen();
        m_listen->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                    MakeCallback(&PopServer::Accept, this));
    }

    void StopApplication() override
    {
        if (m_listen)
        {
            m_listen->Close();
        }
    }

    void Accept(Ptr<Socket> s, const Address& from)
    {
        m_accepted.push_back(InetSocketAddress::ConvertFrom(from));
        s->SetRecvCallback(MakeCallback(&PopServer::Read, this));
        s->SetSendCallback(MakeCallback(&PopServer::Room, this));
        m_writer.Write(s, "+OK POP3 server ready\r\n");
    }

    void Room(Ptr<Socket> s, uint32_t)
    {
        m_writer.Flush(s);
        if (m_closing.count(s) && m_writer.Empty(s))
        {
            m_closing.erase(s);
            m_writer.Forget(s);
            s->Close();
        }
    }

    void Read(Ptr<Socket> s)
    {
        std::string& in = m_input[s];
        ReadAll(s, in);
        size_t eol;
        while ((eol = in.find("\r\n")) != std::string::npos)
        {
            std::string line = in.substr(0, eol);
            in.erase(0, eol + 2);
            std::string verb = line.substr(0, line.find(' '));
            if (verb == "USER" || verb == "PASS")
            {
                m_writer.Write(s, "+OK\r\n");
            }
            else if (verb == "STAT")
            {
                m_writer.Write(s, "+OK 1 " + std::to_string(m_mail.size()) + "\r\n");
            }
            else if (line == "RETR 1")
            {
                m_writer.Write(
                    s, "+OK " + std::to_string(m_mail.size()) + " octets\r\n" + m_mail + ".\r\n");
            }
            else if (verb == "QUIT")
            {
                m_writer.Write(s, "+OK bye\r\n");
                m_input.erase(s);
                m_closing.insert(s);
                Room(s, 0);
                return;
            }
            else
            {
                m_writer.Write(s, "-ERR unknown command\r\n");
            }
        }
    }

    Ptr<Socket> m_listen;
    std::string m_mail;
    SocketWriter m_writer;
    std::map<Ptr<Socket>, std::string> m_input;
    std::set<Ptr<Socket>> m_closing;
    std::vector<InetSocketAddress> m_accepted;
};

/// What one POP session did (kept by the program after the simulation).
struct PopSession
{
    std::string name; ///< "B", "A (local)", "C"
    std::string from; ///< client node name
    Ipv4Address server;
    Ipv4Address bindTo{Ipv4Address::GetAny()}; ///< the client socket's address
    Time start;
    uint32_t synSent{0};      ///< SYN segments the client sent (retransmissions included)
    bool connected{false};    ///< the three-way handshake completed
    Time connectedAt;         ///< when
    bool greeted{false};      ///< the server's greeting arrived
    uint64_t mailBytes{0};    ///< bytes of the message RETR returned
    bool completed{false};    ///< QUIT answered: the whole session ran
    bool failed{false};       ///< the socket gave up (connection failed or reset)
    Time failedAt;            ///< when
    uint16_t localPort{0};    ///< the client's port
    std::string lastResponse; ///< the last response line (for the report)
};

/// A POP3 client: connects, then USER, PASS, STAT, RETR 1, QUIT, one at a time.
class PopClient : public Application
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid
            = TypeId("ns3::IpsecExamplePopClient").SetParent<Application>().SetGroupName("Ipsec");
        return tid;
    }

    void Setup(std::shared_ptr<PopSession> session)
    {
        m_session = session;
    }

  private:
    enum State
    {
        GREETING,
        USER,
        PASS,
        STAT,
        RETR,
        QUIT,
        DONE
    };

    void StartApplication() override
    {
        m_socket = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
        m_socket->Bind(InetSocketAddress(m_session->bindTo, 0));
        auto session = m_session;
        m_socket->TraceConnectWithoutContext(
            "Tx",
            Callback<void, Ptr<const Packet>, const TcpHeader&, Ptr<const TcpSocketBase>>(
                [session](Ptr<const Packet>, const TcpHeader& h, Ptr<const TcpSocketBase>)
                {
                    if ((h.GetFlags() & TcpHeader::SYN) && !(h.GetFlags() & TcpHeader::ACK))
                    {
                        session->synSent++;
                    }
                }));
        m_socket->SetConnectCallback(MakeCallback(&PopClient::Connected, this),
                                     MakeCallback(&PopClient::Failed, this));
        m_socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                    MakeCallback(&PopClient::Failed, this));
        m_socket->SetRecvCallback(MakeCallback(&PopClient::Read, this));
        m_socket->SetSendCallback(MakeCallback(&PopClient::Room, this));
        m_session->start = Simulator::Now();
        m_socket->Connect(InetSocketAddress(m_session->server, kPopPort));
        Address local;
        m_socket->GetSockName(local);
        m_session->localPort = InetSocketAddress::ConvertFrom(local).GetPort();
    }

    void StopApplication() override
    {
        if (m_socket && m_state != DONE)
        {
            m_socket->Close();
        }
    }

    void Connected(Ptr<Socket>)
    {
        m_session->connected = true;
        m_session->connectedAt = Simulator::Now();
    }

    void Failed(Ptr<Socket>)
    {
        if (m_state != DONE)
        {
            m_session->failed = true;
            m_session->failedAt = Simulator::Now();
            m_state = DONE;
        }
    }

    void Room(Ptr<Socket> s, uint32_t)
    {
        m_writer.Flush(s);
    }

    void Command(const std::string& line, State next)
    {
        // The state first: to a local server the answer may arrive (and Read
        // run again) before Send returns.
        m_state = next;
        m_writer.Write(m_socket, line + "\r\n");
    }

    void Read(Ptr<Socket> s)
    {
        ReadAll(s, m_input);
        while (m_state != DONE)
        {
            size_t eol = m_input.find("\r\n");
            if (eol == std::string::npos)
            {
                return;
            }
            std::string line = m_input.substr(0, eol);
            if (m_state == RETR && line.compare(0, 3, "+OK") == 0)
            {
                // "+OK N octets", the message, a line with a single dot.
                size_t end = m_input.find("\r\n.\r\n", eol);
                if (end == std::string::npos)
                {
                    return;
                }
                m_session->mailBytes = end + 2 - (eol + 2);
                m_input.erase(0, end + 5);
            }
            else
            {
                m_input.erase(0, eol + 2);
            }
            m_session->lastResponse = line;
            if (line.compare(0, 3, "+OK") != 0)
            {
                Command("QUIT", QUIT);
                continue;
            }
            switch (m_state)
            {
                case GREETING:
                    m_session->greeted = true;
                    Command("USER alice", USER);
                    break;
                case USER:
                    Command("PASS secret", PASS);
                    break;
                case PASS:
                    Command("STAT", STAT);
                    break;
                case STAT:
                    Command("RETR 1", RETR);
                    break;
                case RETR:
                    Command("QUIT", QUIT);
                    break;
                case QUIT:
                    m_session->completed = true;
                    m_state = DONE;
                    m_socket->Close();
                    break;
                case DONE:
                    break;
            }
        }
    }

    std::shared_ptr<PopSession> m_session;
    Ptr<Socket> m_socket;
    SocketWriter m_writer;
    std::string m_input;
    State m_state{GREETING};
};

/// A's policy decisions: which policy (or the system default) how many datagrams matched.
struct PolicyHits
{
    struct Row
    {
        IpsecDirection dir{IpsecDirection::OUTBOUND};
        Ptr<IpsecPolicy> policy; ///< nullptr: no policy matched, system default
        uint64_t own{0};         ///< datagrams from the node to itself
        uint64_t others{0};      ///< every other datagram
    };

    std::vector<Row> rows; ///< in order of first use
    bool verbose{false};
    std::string nodeName;
    uint64_t defPolicy{1}; ///< net.inet.ipsec.def_policy of the node

    void Hit(IpsecDirection dir, const std::string& selector, Ptr<IpsecPolicy> policy)
    {
        // The trace's selector text starts with the source and the destination
        // address (the outbound one with "[port]" after each).
        std::istringstream words(selector);
        std::string src;
        std::string dst;
        words >> src >> dst;
        bool own = src.substr(0, src.find('[')) == dst.substr(0, dst.find('['));
        Row* row = nullptr;
        for (Row& r : rows)
        {
            if (r.dir == dir && r.policy == policy)
            {
                row = &r;
            }
        }
        if (!row)
        {
            rows.push_back({dir, policy, 0, 0});
            row = &rows.back();
        }
        (own ? row->own : row->others)++;
        if (verbose)
        {
            std::cout << std::fixed << std::setprecision(6) << Simulator::Now().GetSeconds() << "s "
                      << nodeName << " " << IpsecDirectionName(dir) << " " << selector << ": "
                      << Describe(dir, policy) << "\n";
        }
    }

    std::string Describe(IpsecDirection dir, Ptr<IpsecPolicy> policy) const
    {
        if (!policy)
        {
            return "no " + IpsecDirectionName(dir)
                 + "bound policy matches: system default, def_policy=" + std::to_string(defPolicy)
                 + (defPolicy == 0 ? " (discard)" : " (none)");
        }
        std::string line = policy->setkeyLine ? "line " + std::to_string(policy->setkeyLine)
                                              : "spid " + std::to_string(policy->id);
        return line + ": " + IpsecPolicyLint::Statement(*policy);
    }
};

/// What A's LAN device carried (frames A sent or received), by peer.
struct WireCounts
{
    struct Peer
    {
        uint64_t ahPop{0};    ///< AH datagrams carrying a TCP segment of port 110
        uint64_t clearPop{0}; ///< TCP segments of port 110 without IPsec
        uint64_t other{0};    ///< any other IPv4 datagram
    };

    Ipv4Address a;
    std::map<Ipv4Address, Peer> peers;
    uint64_t selfToSelf{0}; ///< datagrams from A to A (never expected on a device)

    static bool PopPorts(const uint8_t* tcp)
    {
        uint16_t sport = (tcp[0] << 8) | tcp[1];
        uint16_t dport = (tcp[2] << 8) | tcp[3];
        return sport == kPopPort || dport == kPopPort;
    }

    void Frame(Ptr<const Packet> frame)
    {
        uint8_t b[128] = {};
        uint32_t n = frame->CopyData(b, sizeof(b));
        if (n < 34 || b[12] != 0x08 || b[13] != 0x00)
        {
            return; // not IPv4 (ARP)
        }
        const uint8_t* ip = b + 14;
        Ipv4Address src = Ipv4Address::Deserialize(ip + 12);
        Ipv4Address dst = Ipv4Address::Deserialize(ip + 16);
        if (src == a && dst == a)
        {
            selfToSelf++;
            return;
        }
        Peer& peer = peers[src == a ? dst : src];
        uint32_t ihl = (ip[0] & 0x0f) * 4;
        uint32_t l4 = 14 + ihl;
        if (ip[9] == 51 && l4 + 2 <= n)
        {
            // AH (RFC 4302): next header, length in 32-bit words minus 2.
            uint32_t inner = l4 + (ip[ihl + 1] + 2) * 4;
            bool pop = ip[ihl] == 6 && inner + 4 <= n && PopPorts(b + inner);
            (pop ? peer.ahPop : peer.other)++;
        }
        else if (ip[9] == 6 && l4 + 4 <= n && PopPorts(b + l4))
        {
            peer.clearPop++;
        }
        else
        {
            peer.other++;
        }
    }
};

/// One drop a node's IPsec counted, by counter and reason.
struct DropLog
{
    std::map<std::pair<std::string, std::string>, uint64_t> drops;

    void Drop(Ptr<const Packet>, bool, IpsecDropReason counterReason, const std::string& reason)
    {
        const std::string counter = IpsecDropReasonCounter(counterReason);
        drops[{counter, reason}]++;
    }
};

/**
 * Sends what @p node sends to its own address @p addr through its loopback
 * device, as BSD sends it through lo0, with @p addr as the source.  ns-3's
 * TCP takes a connection's source address from the route's interface, so
 * the loopback interface (0) gets @p addr too, with the LAN's mask
 * @p mask (with a /32 ns-3 would take @p addr for that interface's
 * broadcast address); the network route that adds is replaced by a host
 * route for @p addr alone.
 */
void
RouteThroughLoopback(Ptr<Node> node, Ipv4Address addr, Ipv4Mask mask)
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    ipv4->AddAddress(0, Ipv4InterfaceAddress(addr, mask));
    Ptr<Ipv4StaticRouting> routes = Ipv4StaticRoutingHelper().GetStaticRouting(ipv4);
    for (uint32_t i = 0; i < routes->GetNRoutes(); ++i)
    {
        Ipv4RoutingTableEntry r = routes->GetRoute(i);
        if (r.GetInterface() == 0 && r.GetDestNetwork() == addr.CombineMask(mask)
            && r.GetDestNetworkMask() == mask)
        {
            routes->RemoveRoute(i);
            break;
        }
    }
    routes->AddHostRouteTo(addr, 0);
}

std::string
AddressText(Ipv4Address a)
{
    std::ostringstream os;
    os << a;
    return os.str();
}

std::string
SessionLine(const PopSession& s, uint32_t mailSize)
{
    std::ostringstream os;
    os << "session " << s.name << " -> A " << s.server << ":" << kPopPort << ": ";
    if (s.completed)
    {
        os << "connected at " << s.connectedAt.As(Time::S) << ", mail of " << s.mailBytes
           << " bytes retrieved, QUIT answered";
    }
    else if (s.connected)
    {
        os << "connected at " << s.connectedAt.As(Time::S) << " but did not finish (" << s.mailBytes
           << " of " << mailSize << " bytes of mail; last response \"" << s.lastResponse << "\")";
    }
    else
    {
        os << "never connected: " << s.synSent << " SYN(s) sent, none answered";
        if (s.failed)
        {
            os << "; the client gave up at " << s.failedAt.As(Time::S);
        }
    }
    return os.str();
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string order = "faq";
    std::string local = "lo0";
    std::string setkeyA;
    std::string setkeyB;
    bool outsider = false;
    uint32_t mailBytes = 20000;
    double stopTime = 200;
    bool verbose = false;
    std::string pcapDir;
    std::string json;
    std::string keys = "manual";

    CommandLine cmd(__FILE__);
    cmd.AddValue("order",
                 "A's policies: faq (the FAQ's order, A.conf) or reordered (require first, "
                 "A-reordered.conf)",
                 order);
    cmd.AddValue("local",
                 "A's own POP client: lo0 (to A's address through the loopback device, as BSD "
                 "routes it), interface (to A's address with ns-3's default routes) or "
                 "localhost (to 127.0.0.1)",
                 local);
    cmd.AddValue("setkeyA", "setkey script for A (replaces --order's)", setkeyA);
    cmd.AddValue("setkeyB", "setkey script for B (default examples/pop/B.conf)", setkeyB);
    cmd.AddValue("outsider", "add host C 10.0.0.3, a POP client without IPsec", outsider);
    cmd.AddValue("mailBytes", "size of the message each session retrieves", mailBytes);
    cmd.AddValue(
        "stopTime", "simulated seconds to run (failed connections give up first)", stopTime);
    cmd.AddValue("verbose", "print every policy decision on A as it happens", verbose);
    cmd.AddValue("pcapDir", "write a pcap for every device into this directory", pcapDir);
    cmd.AddValue("json", "write a JSON summary to this file", json);
    cmd.AddValue("keys", "manual (the scripts' AH SAs) or ike (racoon negotiates them)", keys);
    cmd.Parse(argc, argv);

    if (order != "faq" && order != "reordered")
    {
        std::cerr << "--order must be faq or reordered\n";
        return 1;
    }
    if (local != "lo0" && local != "interface" && local != "localhost")
    {
        std::cerr << "--local must be lo0, interface or localhost\n";
        return 1;
    }
    if (keys != "manual" && keys != "ike")
    {
        std::cerr << "--keys must be manual or ike\n";
        return 1;
    }
    bool ike = keys == "ike";
    mailBytes = std::max<uint32_t>(mailBytes, 2);

    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    std::string dir = std::string(NS3_IPSEC_EXAMPLES_DIR) + "/pop/";
    bool customA = !setkeyA.empty();
    if (setkeyA.empty())
    {
        setkeyA = dir + (order == "faq" ? "A" : "A-reordered") + (ike ? "-ike.conf" : ".conf");
    }
    if (setkeyB.empty())
    {
        setkeyB = dir + (ike ? "B-ike.conf" : "B.conf");
    }

    // The LAN: A, B and (with --outsider) C.
    NodeContainer nodes;
    nodes.Create(outsider ? 3 : 2);
    Ptr<Node> a = nodes.Get(0);
    Ptr<Node> b = nodes.Get(1);
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    csma.SetChannelAttribute("Delay", StringValue("50us"));
    NetDeviceContainer devices = csma.Install(nodes);
    IpsecStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.Install(nodes);
    stack.AssignStreams(nodes, 100);
    Ipv4AddressHelper addresses("10.0.0.0", "255.255.255.0");
    Ipv4InterfaceContainer ifaces = addresses.Assign(devices);
    Ipv4Address addrA = ifaces.GetAddress(0);
    if (local == "lo0")
    {
        RouteThroughLoopback(a, addrA, Ipv4Mask("255.255.255.0"));
    }

    IpsecHelper ipsec;
    Ptr<IkeDaemon> racoon[2];
    try
    {
        ipsec.RunSetkeyFile(a, setkeyA);
        ipsec.RunSetkeyFile(b, setkeyB);
        if (ike)
        {
            IpsecIkeHelper ikeHelper;
            std::string conf = std::string(NS3_IPSEC_EXAMPLES_DIR) + "/ike/racoon.conf";
            racoon[0] = ikeHelper.Install(a, conf, dir + "psk-pop.txt");
            racoon[1] = ikeHelper.Install(b, conf, dir + "psk-pop.txt");
            ikeHelper.AssignStreams(NodeContainer(a, b), 200);
        }
    }
    catch (const std::exception& e) // IpsecConfigError, RacoonConfError
    {
        std::cerr << e.what();
        std::cerr << "The simulation was not started.\n";
        Simulator::Destroy();
        return 1;
    }

    if (!pcapDir.empty())
    {
        csma.EnablePcapAll(pcapDir + "/ipsec-pop-policy", false);
    }

    // What A's configuration is worth before any packet: the lint report.
    std::vector<IpsecLintFinding> lint = IpsecPolicyLint::Check(IpsecHelper::GetStack(a)->GetSpd());

    // Observers: A's policy decisions and drops, B's drops, A's LAN device.
    auto hits = std::make_shared<PolicyHits>();
    hits->verbose = verbose;
    hits->nodeName = "A";
    UintegerValue defPolicy;
    IpsecHelper::GetStack(a)->GetAttribute("DefPolicy", defPolicy);
    hits->defPolicy = defPolicy.Get();
    IpsecHelper::GetStack(a)->TraceConnectWithoutContext(
        "PolicyMatch",
        Callback<void, IpsecDirection, const std::string&, Ptr<IpsecPolicy>>(
            [hits](IpsecDirection dir, const std::string& sel, Ptr<IpsecPolicy> p)
            {
                hits->Hit(dir, sel, p);
            }));
    std::vector<std::shared_ptr<DropLog>> drops;
    for (uint32_t i = 0; i < nodes.GetN(); ++i)
    {
        auto log = std::make_shared<DropLog>();
        drops.push_back(log);
        IpsecHelper::GetStack(nodes.Get(i))
            ->TraceConnectWithoutContext(
                "Drop",
                Callback<void, Ptr<const Packet>, bool, IpsecDropReason, const std::string&>(
                    [log](
                        Ptr<const Packet> p, bool v6, IpsecDropReason cReason, const std::string& r)
                    {
                        log->Drop(p, v6, cReason, r);
                    }));
    }
    auto wire = std::make_shared<WireCounts>();
    wire->a = addrA;
    devices.Get(0)->TraceConnectWithoutContext("Sniffer",
                                               Callback<void, Ptr<const Packet>>(
                                                   [wire](Ptr<const Packet> p)
                                                   {
                                                       wire->Frame(p);
                                                   }));

    // The POP server on A, and the sessions.
    Ptr<PopServer> server = CreateObject<PopServer>();
    server->SetMailSize(mailBytes);
    a->AddApplication(server);
    server->SetStartTime(Seconds(0.5));

    std::vector<std::shared_ptr<PopSession>> sessions;
    auto addSession = [&](const std::string& name,
                          Ptr<Node> client,
                          const std::string& from,
                          Ipv4Address to,
                          Ipv4Address bindTo,
                          double start)
    {
        auto s = std::make_shared<PopSession>();
        s->name = name;
        s->from = from;
        s->server = to;
        s->bindTo = bindTo;
        Ptr<PopClient> app = CreateObject<PopClient>();
        app->Setup(s);
        client->AddApplication(app);
        app->SetStartTime(Seconds(start));
        sessions.push_back(s);
    };
    addSession("B", b, "B", addrA, Ipv4Address::GetAny(), 1.0);
    if (local == "localhost")
    {
        addSession("A (local)", a, "A", Ipv4Address::GetLoopback(), Ipv4Address::GetAny(), 1.5);
    }
    else
    {
        addSession("A (local)", a, "A", addrA, addrA, 1.5);
    }
    if (outsider)
    {
        addSession("C", nodes.Get(2), "C", addrA, Ipv4Address::GetAny(), 2.0);
    }

    Simulator::Stop(Seconds(stopTime));
    Simulator::Run();

    // ------------------------------------------------------------------
    // The report.
    // ------------------------------------------------------------------
    std::cout << "ipsec-pop-policy: the FAQ's POP server, "
              << (customA          ? "A's script " + setkeyA
                  : order == "faq" ? std::string("policies in the FAQ's order (pop/A.conf)")
                                   : std::string("policies reordered, require first "
                                                 "(pop/A-reordered.conf)"))
              << "\n  A " << addrA << " mail server (POP, TCP " << kPopPort << "), B "
              << ifaces.GetAddress(1) << " client" << (outsider ? ", C " + std::string() : "");
    if (outsider)
    {
        std::cout << ifaces.GetAddress(2) << " client without IPsec";
    }
    std::cout << "; AH keys are manual (the model has no IKE yet)\n\n";

    std::cout << "lint of A's SPD (IpsecPolicyLint): ";
    if (lint.empty())
    {
        std::cout << "no policy is shadowed or redundant\n";
    }
    else
    {
        std::cout << lint.size() << " policy(ies) can never match\n";
        for (const auto& f : lint)
        {
            std::cout << "  " << f.message << "\n";
        }
    }
    std::cout << "\n";

    std::vector<IpsecReportFlow> flows;
    for (const auto& s : sessions)
    {
        std::cout << SessionLine(*s, server->GetMailSize()) << "\n";
        flows.push_back(
            {s->from, "A", {"pop", "bytes of mail", server->GetMailSize(), s->mailBytes}});
    }
    std::cout << "A's POP server accepted " << server->GetAccepted().size() << " connection(s)";
    for (size_t i = 0; i < server->GetAccepted().size(); ++i)
    {
        const InetSocketAddress& peer = server->GetAccepted()[i];
        std::cout << (i ? ", " : ": ") << peer.GetIpv4() << ":" << peer.GetPort();
    }
    std::cout << "\n\n";
    for (const auto& f : flows)
    {
        IpsecPrintFlowLine(std::cout, f.result, f.from, f.to);
    }

    std::cout << "\nA's LAN device (frames A sent or received):\n";
    for (const auto& [peer, c] : wire->peers)
    {
        std::cout << "  with " << peer << ": " << c.ahPop << " POP segments in AH, " << c.clearPop
                  << " in clear, " << c.other << " other IPv4 datagrams\n";
    }
    std::cout << "  from A to A: " << wire->selfToSelf << " datagrams\n";
    std::cout << "\npolicy lookups on A, in datagrams (own: from A to A; others: the rest):\n";
    for (const auto& r : hits->rows)
    {
        std::cout << "  " << std::setw(3) << std::left << IpsecDirectionName(r.dir) << std::right
                  << "  own " << std::setw(4) << r.own << "  others " << std::setw(4) << r.others
                  << "  " << hits->Describe(r.dir, r.policy) << "\n";
    }
    const char* names[] = {"A", "B", "C"};
    for (uint32_t i = 0; i < nodes.GetN(); ++i)
    {
        for (const auto& d : drops[i]->drops)
        {
            std::cout << "drops on " << names[i] << ": " << d.second << " x " << d.first.first
                      << ": " << d.first.second << "\n";
        }
    }

    std::vector<IpsecReportNode> reportNodes
        = {{"A", a, {IpsecAddress(addrA)}}, {"B", b, {IpsecAddress(ifaces.GetAddress(1))}}};
    if (outsider)
    {
        reportNodes.push_back({"C", nodes.Get(2), {IpsecAddress(ifaces.GetAddress(2))}});
    }
    for (const auto& n : reportNodes)
    {
        IpsecPrintNetstatSection(std::cout, "host " + n.name, n.node);
    }
    if (ike)
    {
        std::cout << "\n";
        IpsecPrintIkeLine(std::cout, "A", racoon[0]);
        IpsecPrintIkeLine(std::cout, "B", racoon[1]);
        for (Ptr<Node> n : {a, b})
        {
            std::cout << "\n" << (n == a ? "A" : "B") << "# setkey -D\n";
            SetkeyDump::PrintSad(
                std::cout, n->GetObject<IpsecStack>()->GetSad(), SetkeyDumpOptions());
        }
    }

    // A short explanation, from what was observed.
    const PopSession& sb = *sessions[0];
    const PopSession& sa = *sessions[1];
    std::cout << "\nWhat happened:\n";
    const WireCounts::Peer wb = wire->peers[ifaces.GetAddress(1)];
    std::cout << "  B's POP session " << (sb.completed ? "completed" : "did not complete")
              << (wb.clearPop == 0 && wb.ahPop > 0 ? " and ran in AH" : "") << ": between A and B "
              << "the LAN carried " << wb.ahPop << " POP segments in AH and " << wb.clearPop
              << " in clear.\n";
    uint64_t ownLookups = 0;
    for (const auto& r : hits->rows)
    {
        ownLookups += r.own;
    }
    std::string path
        = local == "lo0" ? "went through A's loopback device (A's address is routed there, as BSD "
                           "routes it through lo0)"
        : local == "interface"
            ? "were handed back to IP input inside A's LAN interface (ns-3's "
              "Ipv4Interface::Send does that, synchronously, for the interface's own address)"
            : "went through A's loopback device";
    std::cout << "  A's own session (" << (local == "localhost" ? "127.0.0.1" : "A") << " -> "
              << sa.server << ":" << kPopPort << ") "
              << (sa.completed   ? "ran in clear"
                  : sa.connected ? "opened but did not finish"
                                 : "never opened")
              << ". Its datagrams " << path << ", never reached the LAN, and met A's policies "
              << ownLookups << " time(s):\n";
    for (const auto& r : hits->rows)
    {
        if (r.own > 0)
        {
            std::cout << "    " << r.own << " x " << IpsecDirectionName(r.dir) << ": "
                      << hits->Describe(r.dir, r.policy) << "\n";
        }
    }
    if (ownLookups == 0)
    {
        std::cout << "    (none: its addresses match no policy's selector)\n";
    }
    const PolicyHits::Row* ownOutDefault = nullptr;
    const PolicyHits::Row* ownInIpsec = nullptr;
    for (const auto& r : hits->rows)
    {
        if (r.own > 0 && r.dir == IpsecDirection::OUTBOUND && !r.policy)
        {
            ownOutDefault = &r;
        }
        if (r.own > 0 && r.dir == IpsecDirection::INBOUND && r.policy
            && r.policy->action == IpsecPolicyAction::IPSEC)
        {
            ownInIpsec = &r;
        }
    }
    if (!sa.connected && ownOutDefault && ownInIpsec)
    {
        std::cout << "  So the client's SYN matched no outbound policy (its source port is not "
                  << kPopPort << ") and left without AH, and the first inbound policy that "
                  << "matched it on arrival requires AH (" << ownInIpsec->own
                  << " SYNs refused); an SA from A to A would not help, no policy asks for one.\n";
    }
    for (size_t i = 2; i < sessions.size(); ++i)
    {
        const PopSession& s = *sessions[i];
        const WireCounts::Peer w = wire->peers[ifaces.GetAddress(i)];
        std::cout << "  " << s.name << "'s POP session (no IPsec) "
                  << (s.completed   ? "completed"
                      : s.connected ? "did not complete"
                                    : "never opened")
                  << ": between A and " << s.name << " the LAN carried " << w.ahPop
                  << " POP segments in AH and " << w.clearPop << " in clear.\n";
    }
    for (const auto& d : drops[0]->drops)
    {
        std::cout << "  A dropped " << d.second << " datagram(s), " << d.first.first << ": "
                  << d.first.second << ".\n";
    }
    if (local == "interface" && sa.connected && !sa.completed)
    {
        std::cout << "  On that synchronous path ns-3.37's TCP stalls (each exchange waits for a "
                     "retransmission timeout), with or without IPsec; --local=lo0 avoids it.\n";
    }
    if (!lint.empty())
    {
        std::cout << "  The lint report names the policies that can never match: earlier "
                     "policies take all their packets.\n";
    }

    if (!json.empty())
    {
        std::ofstream out(json);
        out << "{\n  \"example\": \"ipsec-pop-policy\",\n  \"order\": "
            << IpsecJsonString(customA ? "custom" : order)
            << ",\n  \"local\": " << IpsecJsonString(local) << ",\n  ";
        IpsecWriteReportJson(out, reportNodes, flows, "  ");
        out << ",\n  \"sessions\": [\n";
        for (size_t i = 0; i < sessions.size(); ++i)
        {
            const PopSession& s = *sessions[i];
            out << "    {\"name\": " << IpsecJsonString(s.name)
                << ", \"from\": " << IpsecJsonString(s.from)
                << ", \"server\": " << IpsecJsonString(AddressText(s.server))
                << ", \"port\": " << kPopPort << ", \"clientPort\": " << s.localPort
                << ", \"synSent\": " << s.synSent
                << ", \"connected\": " << (s.connected ? "true" : "false")
                << ", \"greeted\": " << (s.greeted ? "true" : "false")
                << ", \"mailBytes\": " << s.mailBytes
                << ", \"completed\": " << (s.completed ? "true" : "false")
                << ", \"failed\": " << (s.failed ? "true" : "false") << "}"
                << (i + 1 < sessions.size() ? "," : "") << "\n";
        }
        out << "  ],\n  \"accepted\": [";
        for (size_t i = 0; i < server->GetAccepted().size(); ++i)
        {
            const InetSocketAddress& peer = server->GetAccepted()[i];
            out << (i ? ", " : "")
                << "{\"address\": " << IpsecJsonString(AddressText(peer.GetIpv4()))
                << ", \"port\": " << peer.GetPort() << "}";
        }
        out << "],\n  \"lint\": [\n";
        for (size_t i = 0; i < lint.size(); ++i)
        {
            const IpsecLintFinding& f = lint[i];
            out << "    {\"kind\": " << IpsecJsonString(IpsecLintFinding::KindName(f.kind))
                << ", \"line\": " << f.policy->setkeyLine
                << ", \"statement\": " << IpsecJsonString(IpsecPolicyLint::Statement(*f.policy))
                << ", \"coveredByLines\": [";
            for (size_t c = 0; c < f.coveredBy.size(); ++c)
            {
                out << (c ? ", " : "") << f.coveredBy[c]->setkeyLine;
            }
            out << "]}" << (i + 1 < lint.size() ? "," : "") << "\n";
        }
        out << "  ],\n  \"policyHits\": [\n";
        for (size_t i = 0; i < hits->rows.size(); ++i)
        {
            const auto& r = hits->rows[i];
            out << "    {\"direction\": " << IpsecJsonString(IpsecDirectionName(r.dir))
                << ", \"line\": " << (r.policy ? r.policy->setkeyLine : 0)
                << ", \"policy\": " << IpsecJsonString(hits->Describe(r.dir, r.policy))
                << ", \"own\": " << r.own << ", \"others\": " << r.others << "}"
                << (i + 1 < hits->rows.size() ? "," : "") << "\n";
        }
        out << "  ],\n  \"drops\": [\n";
        bool first = true;
        for (uint32_t i = 0; i < nodes.GetN(); ++i)
        {
            for (const auto& d : drops[i]->drops)
            {
                out << (first ? "" : ",\n") << "    {\"node\": " << IpsecJsonString(names[i])
                    << ", \"counter\": " << IpsecJsonString(d.first.first)
                    << ", \"reason\": " << IpsecJsonString(d.first.second)
                    << ", \"count\": " << d.second << "}";
                first = false;
            }
        }
        out << (first ? "" : "\n") << "  ],\n  \"lan\": {\"selfToSelf\": " << wire->selfToSelf
            << ", \"peers\": [";
        first = true;
        for (const auto& [peer, c] : wire->peers)
        {
            out << (first ? "" : ", ") << "{\"address\": " << IpsecJsonString(AddressText(peer))
                << ", \"ahPop\": " << c.ahPop << ", \"clearPop\": " << c.clearPop
                << ", \"other\": " << c.other << "}";
            first = false;
        }
        out << "]}\n}\n";
    }
    Simulator::Destroy();
    return 0;
}
