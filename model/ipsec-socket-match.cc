/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Socket matching: which socket a datagram belongs to and which policy
 * applies to it.  KAME's ip_output and udp_input/tcp_input hand IPsec the
 * socket, and ipsec4_getpolicybysock / ipsec6_getpolicybysock choose
 * between the socket's policy and the SPD; ns-3 tells the IP layer nothing
 * about sockets, so the socket is found from the datagram: the UDP/TCP end
 * point ns-3's demultiplexer gives its ports and addresses, and the
 * registered socket whose names are that end point's (or, for an accepted
 * connection, its listener's).  The per-socket cache that
 * ipsec_checkpcbcache / ipsec_fillpcbcache keep is counted here
 * (spdcachelookup, spdcachemiss).  What a socket holds is in
 * ipsec-socket-policy.cc; raw sockets' rules in ipsec-raw-socket-gate.cc.
 */
#include "ipsec-private-access.h"
#include "ipsec-socket-policy.h"
#include "ipsec-spd.h"
#include "ns3/ipv4-end-point.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv6-end-point.h"
#include "ns3/ipv6-interface.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/udp-l4-protocol.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecSocketMatch");

namespace
{

using Kind = IpsecSocketPolicyEntry::Kind;

/// Bound on the per-socket cache states remembered (sockets come and go).
constexpr size_t CACHE_LIMIT = 4096;

/// The names of end point @p endPoint (an Ipv4EndPoint or Ipv6EndPoint).
template <typename EndPoint>
IpsecEndPointName
NameOf(const void* endPoint)
{
    // ns-3's end point getters are not const.
    auto* e = const_cast<EndPoint*>(static_cast<const EndPoint*>(endPoint));
    IpsecEndPointName name;
    name.local = IpsecAddress(e->GetLocalAddress());
    name.localPort = e->GetLocalPort();
    name.peer = IpsecAddress(e->GetPeerAddress());
    name.peerPort = e->GetPeerPort();
    return name;
}

IpsecEndPointName
NameOfEndPoint(const void* endPoint, bool v6)
{
    return v6 ? NameOf<Ipv6EndPoint>(endPoint) : NameOf<Ipv4EndPoint>(endPoint);
}

} // namespace

// ---- matching datagrams to sockets ---------------------------------------------

Ptr<const IpsecSocketPolicyEntry>
IpsecSocketPolicyRegistry::FindOwner(Kind kind, bool v6, const IpsecEndPointName& ep)
{
    Ptr<const IpsecSocketPolicyEntry> listener;
    bool listenerAny = true;
    bool sweep = false;
    bool connection = !(ep.peer.IsAny() && ep.peerPort == 0);
    for (const Ptr<IpsecSocketPolicyEntry>& e : m_entries)
    {
        if (e->kind != kind)
        {
            continue;
        }
        if (!IsAlive(*e))
        {
            sweep = true;
            continue;
        }
        IpsecAddress name;
        uint16_t port = 0;
        if (!SocketName(*e->socket, false, v6, &name, &port) || port != ep.localPort)
        {
            continue;
        }
        IpsecAddress peer;
        uint16_t peerPort = 0;
        // A listening TCP socket's peer is 0.0.0.0:0: unconnected.  (A
        // connected ns-3 UDP socket has a peer but an end point without one.)
        bool connected = SocketName(*e->socket, true, v6, &peer, &peerPort)
                      && !(peer.IsAny() && peerPort == 0);
        if (name == ep.local && (!connection || (peer == ep.peer && peerPort == ep.peerPort)))
        {
            listener = e; // the end point's own socket
            break;
        }
        if (kind == Kind::TCP && connection && !connected && (name.IsAny() || name == ep.local)
            && (!listener || listenerAny))
        {
            listener = e; // an accepted connection's listener (a bound address wins)
            listenerAny = name.IsAny();
        }
    }
    if (sweep)
    {
        Sweep();
    }
    return listener;
}

Ptr<const IpsecSocketPolicyEntry>
IpsecSocketPolicyRegistry::FindByName(Kind kind,
                                      bool v6,
                                      uint8_t protocol,
                                      const IpsecAddress& local,
                                      uint16_t localPort,
                                      const IpsecAddress& remote,
                                      uint16_t remotePort)
{
    Ptr<const IpsecSocketPolicyEntry> best;
    int bestScore = 0;
    bool sweep = false;
    for (const Ptr<IpsecSocketPolicyEntry>& e : m_entries)
    {
        if (e->kind != kind || (kind == Kind::RAW && e->rawV6 != v6))
        {
            continue;
        }
        if (!IsAlive(*e))
        {
            sweep = true;
            continue;
        }
        if (kind == Kind::RAW && RawProtocol(*e->socket) != protocol)
        {
            continue;
        }
        IpsecAddress name;
        uint16_t port = 0;
        if (!SocketName(*e->socket, false, v6, &name, &port)
            || (kind != Kind::RAW && port != localPort) || (!name.IsAny() && name != local))
        {
            continue;
        }
        IpsecAddress peer;
        uint16_t peerPort = 0;
        bool connected = SocketName(*e->socket, true, v6, &peer, &peerPort)
                      && !(peer.IsAny() && peerPort == 0);
        if (connected && (peer != remote || (kind != Kind::RAW && peerPort != remotePort)))
        {
            continue;
        }
        int score = 1 + (connected ? 4 : 0) + (name.IsAny() ? 0 : 2);
        if (score > bestScore)
        {
            best = e;
            bestScore = score;
        }
    }
    if (sweep)
    {
        Sweep();
    }
    return best;
}

const void*
IpsecSocketPolicyRegistry::SenderEndPoint(uint8_t protocol,
                                          const IpsecAddress& src,
                                          uint16_t sport,
                                          const IpsecAddress& dst,
                                          uint16_t dport)
{
    if (!m_node)
    {
        return nullptr;
    }
    if (!m_haveProtocols)
    {
        m_ipv4 = m_node->GetObject<Ipv4L3Protocol>();
        m_ipv6 = m_node->GetObject<Ipv6L3Protocol>();
        m_udp = m_node->GetObject<UdpL4Protocol>();
        m_tcp = m_node->GetObject<TcpL4Protocol>();
        m_haveProtocols = true;
    }
    if (!src.IsV6())
    {
        int32_t i = m_ipv4 ? m_ipv4->GetInterfaceForAddress(src.ToIpv4()) : -1;
        if (i < 0)
        {
            return nullptr;
        }
        Ptr<Ipv4Interface> iface = m_ipv4->GetInterface(i);
        if (protocol == 17)
        {
            return m_udp
                     ? IpsecFindEndPoint(*m_udp, src.ToIpv4(), sport, dst.ToIpv4(), dport, iface)
                     : nullptr;
        }
        return m_tcp ? IpsecFindEndPoint(*m_tcp, src.ToIpv4(), sport, dst.ToIpv4(), dport, iface)
                     : nullptr;
    }
    int32_t i = m_ipv6 ? m_ipv6->GetInterfaceForAddress(src.ToIpv6()) : -1;
    if (i < 0)
    {
        return nullptr;
    }
    Ptr<Ipv6Interface> iface = m_ipv6->GetInterface(i);
    if (protocol == 17)
    {
        return m_udp ? IpsecFindEndPoint(*m_udp, src.ToIpv6(), sport, dst.ToIpv6(), dport, iface)
                     : nullptr;
    }
    return m_tcp ? IpsecFindEndPoint(*m_tcp, src.ToIpv6(), sport, dst.ToIpv6(), dport, iface)
                 : nullptr;
}

IpsecSocketMatch
IpsecSocketPolicyRegistry::FindSender(const IpsecIpHeader& ip, Ptr<const Packet> segment)
{
    IpsecSocketMatch m;
    bool v6 = ip.IsV6();
    if (m_l4Sends == 0)
    {
        return FindRawSender(ip); // no L4 protocol is sending: a raw socket's
    }
    uint8_t ports[4];
    if ((ip.protocol != 6 && ip.protocol != 17) || segment->GetSize() < sizeof(ports))
    {
        return m; // the kernel's ICMP: no socket
    }
    segment->CopyData(ports, sizeof(ports));
    uint16_t sport = (ports[0] << 8) | ports[1];
    uint16_t dport = (ports[2] << 8) | ports[3];
    // No end point: a TCP reset for a closed port, which has no socket.
    m.identity = SenderEndPoint(ip.protocol, ip.src, sport, ip.dst, dport);
    if (m.identity && !m_entries.empty())
    {
        Kind kind = ip.protocol == 6 ? Kind::TCP : Kind::UDP;
        m.entry = FindOwner(kind, v6, NameOfEndPoint(m.identity, v6));
        if (!m.entry && kind == Kind::UDP)
        {
            // The reply's end point is another socket's that shares the port:
            // the datagram may as well be this registered socket's.
            m.entry = FindByName(kind, v6, ip.protocol, ip.src, sport, ip.dst, dport);
        }
    }
    return m;
}

IpsecSocketMatch
IpsecSocketPolicyRegistry::FindReceiver(const IpsecSelector& sel, const void* endPoint)
{
    IpsecSocketMatch m;
    m.identity = endPoint;
    if (endPoint && !m_entries.empty() && (sel.ulproto == 6 || sel.ulproto == 17))
    {
        bool v6 = sel.src.IsV6();
        m.entry
            = FindOwner(sel.ulproto == 6 ? Kind::TCP : Kind::UDP, v6, NameOfEndPoint(endPoint, v6));
    }
    return m;
}

// ---- the lookup (ipsec4_getpolicybysock) -----------------------------------------

bool
IpsecSocketPolicyRegistry::CacheState::operator!=(const CacheState& o) const
{
    return spdGeneration != o.spdGeneration || policyGeneration != o.policyGeneration
        || !(selector == o.selector);
}

IpsecSocketPolicyRegistry::Lookup
IpsecSocketPolicyRegistry::LookupBySocket(const IpsecSocketMatch& match,
                                          IpsecDirection dir,
                                          const IpsecSelector& sel,
                                          IpsecSpd& spd,
                                          IpsecStats& stats,
                                          bool count)
{
    Lookup r;
    if (!match.HasSocket())
    {
        return r;
    }
    if (count)
    {
        // The socket's cache (KAME's ipsec_checkpcbcache): usable when neither
        // the SPD nor the socket's policy changed and the selector is the same.
        stats.spdcachelookup++;
        CacheState now{spd.GetGeneration(), match.entry ? match.entry->generation : 0, sel};
        auto key = std::make_pair(match.identity, dir);
        auto it = m_cache.find(key);
        if (it == m_cache.end() || it->second != now)
        {
            stats.spdcachemiss++;
            if (m_cache.size() >= CACHE_LIMIT)
            {
                m_cache.clear();
            }
            m_cache[key] = now;
        }
    }
    // A socket without setsockopt has entrust both ways, which gives the
    // same result privileged or not.
    Ptr<IpsecPolicy> own = match.entry ? match.entry->Get(dir) : nullptr;
    IpsecPolicyAction action = own ? own->action : IpsecPolicyAction::ENTRUST;
    bool privileged = !match.entry || match.entry->privileged;
    r.result = Lookup::POLICY;
    if (privileged && action == IpsecPolicyAction::BYPASS)
    {
        r.result = Lookup::BYPASS;
        r.policy = own;
        r.fromSocket = true;
        return r;
    }
    if (privileged && action == IpsecPolicyAction::IPSEC)
    {
        r.policy = own;
        r.fromSocket = true;
        own->lastUsed = Simulator::Now();
        return r;
    }
    r.policy = spd.Lookup(dir, sel);
    if (r.policy || privileged)
    {
        return r; // an SPD entry, or (entrust) the system default
    }
    // Non-privileged socket and no SPD entry.
    switch (action)
    {
        case IpsecPolicyAction::IPSEC:
            r.policy = own;
            r.fromSocket = true;
            own->lastUsed = Simulator::Now();
            break;
        case IpsecPolicyAction::BYPASS:
            NS_LOG_LOGIC("illegal policy for a non-privileged socket: " << own->PolicyString());
            r.result = Lookup::INVALID;
            r.policy = own;
            r.fromSocket = true;
            break;
        default:
            break; // entrust: the system default
    }
    return r;
}

} // namespace ns3
