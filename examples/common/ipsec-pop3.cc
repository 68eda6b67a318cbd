/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-pop3.h"

#include "ns3/net-device.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/tcp-socket-factory.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ns3
{

void
PopSocketWriter::Write(Ptr<Socket> s, const std::string& data)
{
    m_pending[s] += data;
    Flush(s);
}

void
PopSocketWriter::Flush(Ptr<Socket> s)
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

bool
PopSocketWriter::Empty(Ptr<Socket> s)
{
    return m_pending[s].empty();
}

void
PopSocketWriter::Forget(Ptr<Socket> s)
{
    m_pending.erase(s);
}

namespace
{

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

} // namespace

TypeId
PopServer::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::IpsecExamplePopServer").SetParent<Application>().SetGroupName("Ipsec");
    return tid;
}

void
PopServer::SetMailSize(uint32_t bytes)
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

uint32_t
PopServer::GetMailSize() const
{
    return m_mail.size();
}

const std::vector<InetSocketAddress>&
PopServer::GetAccepted() const
{
    return m_accepted;
}

void
PopServer::StartApplication()
{
    m_listen = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    m_listen->Bind(InetSocketAddress(Ipv4Address::GetAny(), POP3_PORT));
    m_listen->Listen();
    m_listen->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                MakeCallback(&PopServer::Accept, this));
}

void
PopServer::StopApplication()
{
    if (m_listen)
    {
        m_listen->Close();
    }
}

void
PopServer::Accept(Ptr<Socket> s, const Address& from)
{
    m_accepted.push_back(InetSocketAddress::ConvertFrom(from));
    s->SetRecvCallback(MakeCallback(&PopServer::Read, this));
    s->SetSendCallback(MakeCallback(&PopServer::Room, this));
    m_writer.Write(s, "+OK POP3 server ready\r\n");
}

void
PopServer::Room(Ptr<Socket> s, uint32_t)
{
    m_writer.Flush(s);
    if (m_closing.count(s) && m_writer.Empty(s))
    {
        m_closing.erase(s);
        m_writer.Forget(s);
        s->Close();
    }
}

void
PopServer::Read(Ptr<Socket> s)
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

TypeId
PopClient::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::IpsecExamplePopClient").SetParent<Application>().SetGroupName("Ipsec");
    return tid;
}

void
PopClient::Setup(std::shared_ptr<PopSession> session)
{
    m_session = session;
}

void
PopClient::StartApplication()
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
    m_socket->Connect(InetSocketAddress(m_session->server, POP3_PORT));
    Address local;
    m_socket->GetSockName(local);
    m_session->localPort = InetSocketAddress::ConvertFrom(local).GetPort();
}

void
PopClient::StopApplication()
{
    if (m_socket && m_state != DONE)
    {
        m_socket->Close();
    }
}

void
PopClient::Connected(Ptr<Socket>)
{
    m_session->connected = true;
    m_session->connectedAt = Simulator::Now();
    m_session->commandAt = Simulator::Now().GetSeconds(); // the greeting is due
}

void
PopClient::Failed(Ptr<Socket>)
{
    if (m_state != DONE)
    {
        m_session->failed = true;
        m_session->failedAt = Simulator::Now();
        m_state = DONE;
    }
}

void
PopClient::Room(Ptr<Socket> s, uint32_t)
{
    m_writer.Flush(s);
}

void
PopClient::Command(const std::string& line, State next)
{
    // The state first: to a local server the answer may arrive (and Read
    // run again) before Send returns.
    m_state = next;
    m_session->commandAt = Simulator::Now().GetSeconds();
    m_writer.Write(m_socket, line + "\r\n");
}

void
PopClient::Read(Ptr<Socket> s)
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
            m_session->mailAt = Simulator::Now().GetSeconds();
            m_input.erase(0, end + 5);
        }
        else
        {
            m_input.erase(0, eol + 2);
        }
        m_session->lastResponse = line;
        if (m_session->commandAt >= 0)
        {
            m_session->responseTimes.push_back(Simulator::Now().GetSeconds()
                                               - m_session->commandAt);
            m_session->commandAt = -1;
        }
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

IpsecFlowResult
PopSession::Flow(uint32_t mailSize) const
{
    IpsecFlowResult f{"pop", "bytes of mail", mailSize, mailBytes, {}};
    f.samples.delayKind = "response time";
    f.samples.delays = responseTimes;
    f.samples.firstSend = start.GetSeconds(); // the first SYN
    if (mailAt >= 0)
    {
        f.samples.deliveredBytes = mailBytes;
        f.samples.lastDelivery = mailAt;
    }
    return f;
}

std::string
PopSessionLine(const PopSession& s, uint32_t mailSize)
{
    std::ostringstream os;
    os << "session " << s.name << " -> A " << s.server << ":" << POP3_PORT << ": ";
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

namespace
{

/// @return true when the TCP header at @p tcp has port 110 on either side
bool
PopPorts(const uint8_t* tcp)
{
    uint16_t sport = (tcp[0] << 8) | tcp[1];
    uint16_t dport = (tcp[2] << 8) | tcp[3];
    return sport == POP3_PORT || dport == POP3_PORT;
}

std::string
AddressText(Ipv4Address a)
{
    std::ostringstream os;
    os << a;
    return os.str();
}

} // namespace

std::shared_ptr<PopWireCounts>
PopWireCounts::Watch(Ptr<NetDevice> device, Ipv4Address a)
{
    auto wire = std::make_shared<PopWireCounts>();
    wire->a = a;
    device->TraceConnectWithoutContext("Sniffer",
                                       Callback<void, Ptr<const Packet>>(
                                           [wire](Ptr<const Packet> p)
                                           {
                                               wire->Frame(p);
                                           }));
    return wire;
}

void
PopWireCounts::Frame(Ptr<const Packet> frame)
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

void
PopWireCounts::Print(std::ostream& os) const
{
    os << "\nA's LAN device (frames A sent or received):\n";
    for (const auto& [peer, c] : peers)
    {
        os << "  with " << peer << ": " << c.ahPop << " POP segments in AH, " << c.clearPop
           << " in clear, " << c.other << " other IPv4 datagrams\n";
    }
    os << "  from A to A: " << selfToSelf << " datagrams\n";
}

void
PopWriteJson(const std::string& path, const PopReport& report)
{
    std::ofstream out(path);
    out << "{\n  \"example\": \"ipsec-pop-policy\",\n  \"order\": " << IpsecJsonString(report.order)
        << ",\n  \"local\": " << IpsecJsonString(report.local) << ",\n  ";
    IpsecWriteReportJson(out, report.nodes, report.flows, "  ");
    out << ",\n  \"sessions\": [\n";
    const auto& sessions = report.sessions;
    for (size_t i = 0; i < sessions.size(); ++i)
    {
        const PopSession& s = *sessions[i];
        out << "    {\"name\": " << IpsecJsonString(s.name)
            << ", \"from\": " << IpsecJsonString(s.from)
            << ", \"server\": " << IpsecJsonString(AddressText(s.server))
            << ", \"port\": " << POP3_PORT << ", \"clientPort\": " << s.localPort
            << ", \"synSent\": " << s.synSent
            << ", \"connected\": " << (s.connected ? "true" : "false")
            << ", \"greeted\": " << (s.greeted ? "true" : "false")
            << ", \"mailBytes\": " << s.mailBytes
            << ", \"completed\": " << (s.completed ? "true" : "false")
            << ", \"failed\": " << (s.failed ? "true" : "false") << "}"
            << (i + 1 < sessions.size() ? "," : "") << "\n";
    }
    out << "  ],\n  \"accepted\": [";
    const auto& accepted = report.server->GetAccepted();
    for (size_t i = 0; i < accepted.size(); ++i)
    {
        const InetSocketAddress& peer = accepted[i];
        out << (i ? ", " : "") << "{\"address\": " << IpsecJsonString(AddressText(peer.GetIpv4()))
            << ", \"port\": " << peer.GetPort() << "}";
    }
    out << "],\n  \"lint\": [\n";
    const auto& lint = report.lint;
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
    const auto& rows = report.hits->rows;
    for (size_t i = 0; i < rows.size(); ++i)
    {
        const auto& r = rows[i];
        out << "    {\"direction\": " << IpsecJsonString(IpsecDirectionName(r.dir))
            << ", \"line\": " << (r.policy ? r.policy->setkeyLine : 0)
            << ", \"policy\": " << IpsecJsonString(report.hits->Describe(r.dir, r.policy))
            << ", \"own\": " << r.own << ", \"others\": " << r.others << "}"
            << (i + 1 < rows.size() ? "," : "") << "\n";
    }
    out << "  ],\n  \"drops\": [\n";
    bool first = true;
    for (size_t i = 0; i < report.drops.size(); ++i)
    {
        for (const auto& d : report.drops[i]->drops)
        {
            out << (first ? "" : ",\n")
                << "    {\"node\": " << IpsecJsonString(report.nodes[i].name)
                << ", \"counter\": " << IpsecJsonString(d.first.first)
                << ", \"reason\": " << IpsecJsonString(d.first.second)
                << ", \"count\": " << d.second << "}";
            first = false;
        }
    }
    out << (first ? "" : "\n") << "  ],\n  \"lan\": {\"selfToSelf\": " << report.wire->selfToSelf
        << ", \"peers\": [";
    first = true;
    for (const auto& [peer, c] : report.wire->peers)
    {
        out << (first ? "" : ", ") << "{\"address\": " << IpsecJsonString(AddressText(peer))
            << ", \"ahPop\": " << c.ahPop << ", \"clearPop\": " << c.clearPop
            << ", \"other\": " << c.other << "}";
        first = false;
    }
    out << "]}\n}\n";
}

} // namespace ns3
