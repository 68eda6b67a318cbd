/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Example scaffolding (examples/common, not part of the module): the small
 * POP3 server and client (RFC 1939) the ipsec-pop-policy example runs
 * through the FAQ's mail-server policies, and the record of one session.
 */
#ifndef IPSEC_POP3_H
#define IPSEC_POP3_H

#include "ipsec-example-report.h"
#include "ipsec-example-trace.h"
#include "ns3/application.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipsec-policy-lint.h"
#include "ns3/ipv4-address.h"
#include "ns3/nstime.h"
#include "ns3/socket.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace ns3
{

/// POP3's TCP port (RFC 1939).
constexpr uint16_t POP3_PORT = 110;

/// Sends what a socket's buffer takes now and the rest when it has room.
class PopSocketWriter
{
  public:
    /// Queues @p data on @p s and sends what fits.
    void Write(Ptr<Socket> s, const std::string& data);
    /// Sends what is queued for @p s and fits now.
    void Flush(Ptr<Socket> s);
    /// @return true when nothing is queued for @p s.
    bool Empty(Ptr<Socket> s);
    /// Drops @p s's queue.
    void Forget(Ptr<Socket> s);

  private:
    std::map<Ptr<Socket>, std::string> m_pending;
};

/**
 * A POP3 server (RFC 1939) on TCP port 110 with one mailbox holding one
 * message: greeting, USER, PASS, STAT, RETR 1 and QUIT, enough for
 * PopClient.
 */
class PopServer : public Application
{
  public:
    /// @return the object TypeId
    static TypeId GetTypeId();

    /// The message RETR 1 returns: @p bytes bytes of mail in lines of at most 74 bytes.
    void SetMailSize(uint32_t bytes);
    /// @return the size of the message in bytes
    uint32_t GetMailSize() const;
    /// @return the peers whose connections the server accepted, in order
    const std::vector<InetSocketAddress>& GetAccepted() const;

  private:
    void StartApplication() override;
    void StopApplication() override;
    void Accept(Ptr<Socket> s, const Address& from);
    void Room(Ptr<Socket> s, uint32_t);
    void Read(Ptr<Socket> s);

    Ptr<Socket> m_listen;
    std::string m_mail;
    PopSocketWriter m_writer;
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
    /// Each command's response time (s): from the command (the greeting:
    /// from the connection) to its complete response, RETR's message included.
    std::vector<double> responseTimes;
    double commandAt{-1}; ///< when the command awaiting its response was sent (s)
    double mailAt{-1};    ///< when RETR's message was complete (s)

    /// The session as a flow (`pop`, bytes of mail), with its metrics' samples.
    /// @param mailSize the size of the server's message
    /// @return the flow
    IpsecFlowResult Flow(uint32_t mailSize) const;
};

/**
 * A POP3 client: connects to its session's server on port 110, then USER,
 * PASS, STAT, RETR 1, QUIT, one at a time, and records what happened in
 * the session.
 */
class PopClient : public Application
{
  public:
    /// @return the object TypeId
    static TypeId GetTypeId();

    /// The session to run (server, local address) and to record into.
    void Setup(std::shared_ptr<PopSession> session);

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

    void StartApplication() override;
    void StopApplication() override;
    void Connected(Ptr<Socket>);
    void Failed(Ptr<Socket>);
    void Room(Ptr<Socket> s, uint32_t);
    void Command(const std::string& line, State next);
    void Read(Ptr<Socket> s);

    std::shared_ptr<PopSession> m_session;
    Ptr<Socket> m_socket;
    PopSocketWriter m_writer;
    std::string m_input;
    State m_state{GREETING};
};

/**
 * The report line of a session (`session NAME -> A ADDR:110: ...`).
 * @param s the session
 * @param mailSize the size of the server's message
 * @return the line, without a newline
 */
std::string PopSessionLine(const PopSession& s, uint32_t mailSize);

/// What the server's LAN device carried (frames it sent or received), by peer.
struct PopWireCounts
{
    /// The datagrams between the server and one peer.
    struct Peer
    {
        uint64_t ahPop{0};    ///< AH datagrams carrying a TCP segment of port 110
        uint64_t clearPop{0}; ///< TCP segments of port 110 without IPsec
        uint64_t other{0};    ///< any other IPv4 datagram
    };

    Ipv4Address a; ///< the server's address
    std::map<Ipv4Address, Peer> peers;
    uint64_t selfToSelf{0}; ///< datagrams from A to A (never expected on a device)

    /**
     * Connects a new count to @p device's Sniffer trace (a CSMA device).
     * @param device the server's device
     * @param a the server's address
     * @return the count (the trace holds it too)
     */
    static std::shared_ptr<PopWireCounts> Watch(Ptr<NetDevice> device, Ipv4Address a);

    /// The Sniffer trace's sink: one Ethernet frame.
    void Frame(Ptr<const Packet> frame);

    /// Writes the `A's LAN device ...` lines to @p os.
    void Print(std::ostream& os) const;
};

/// Everything the ipsec-pop-policy example reports, for its JSON summary.
struct PopReport
{
    std::string order; ///< "faq", "reordered" or "custom"
    std::string local; ///< --local
    std::vector<IpsecReportNode> nodes;
    std::vector<IpsecReportFlow> flows;
    std::vector<std::shared_ptr<PopSession>> sessions;
    Ptr<PopServer> server;
    std::vector<IpsecLintFinding> lint;
    std::shared_ptr<IpsecPolicyHits> hits;
    std::vector<std::shared_ptr<IpsecDropTally>> drops; ///< per node, as nodes
    std::shared_ptr<PopWireCounts> wire;
};

/**
 * Writes @p report as the example's JSON summary to the file @p path.
 * @param path the file
 * @param report what to write
 */
void PopWriteJson(const std::string& path, const PopReport& report);

} // namespace ns3

#endif /* IPSEC_POP3_H */
