/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The per-socket policy registry (KAME's inpcbpolicy: sp_in, sp_out, priv,
 * and the per-socket cache sp_cache that ipsec_checkpcbcache and
 * ipsec_fillpcbcache keep), and the per-socket parts of IpsecStack's API.
 */
#include "ipsec-socket-policy.h"

#include "ipsec-ipv4-l3-protocol.h"
#include "ipsec-ipv6-l3-protocol.h"
#include "ipsec-policy-parser.h"
#include "ipsec-private-access.h"
#include "ipsec-spd.h"
#include "ipsec-stack.h"
#include "ns3/boolean.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4-end-point.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv4-raw-socket-impl.h"
#include "ns3/ipv6-end-point.h"
#include "ns3/ipv6-interface.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simple-net-device.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/udp-socket.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cerrno>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecSocketPolicy");
NS_OBJECT_ENSURE_REGISTERED(IpsecSocketPolicyRegistry);

namespace
{

using Kind = IpsecSocketPolicyEntry::Kind;

/// Bound on the per-socket cache states remembered (sockets come and go).
constexpr size_t CACHE_LIMIT = 4096;

/// The local (GetSockName) or peer (GetPeerName) name of @p socket in family
/// @p v6; false when the socket has none of that family.
bool
SocketName(Socket& socket, bool peer, bool v6, IpsecAddress* addr, uint16_t* port)
{
    Address name;
    if ((peer ? socket.GetPeerName(name) : socket.GetSockName(name)) != 0)
    {
        return false;
    }
    if (!v6 && InetSocketAddress::IsMatchingType(name))
    {
        InetSocketAddress a = InetSocketAddress::ConvertFrom(name);
        *addr = IpsecAddress(a.GetIpv4());
        *port = a.GetPort();
        return true;
    }
    if (v6 && Inet6SocketAddress::IsMatchingType(name))
    {
        Inet6SocketAddress a = Inet6SocketAddress::ConvertFrom(name);
        *addr = IpsecAddress(a.GetIpv6());
        *port = a.GetPort();
        return true;
    }
    return false;
}

/// The local port of @p socket in either family (0: none).
uint16_t
LocalPort(Socket& socket)
{
    IpsecAddress addr;
    uint16_t port = 0;
    if (SocketName(socket, false, false, &addr, &port)
        || SocketName(socket, false, true, &addr, &port))
    {
        return port;
    }
    return 0;
}

/// A raw socket's "Protocol" attribute.
uint16_t
RawProtocol(const Socket& socket)
{
    UintegerValue protocol;
    return socket.GetAttributeFailSafe("Protocol", protocol) ? protocol.Get() : 0xffff;
}

/// Kind of an ns-3 socket; false for sockets per-socket policies do not apply to.
bool
ClassifySocket(Ptr<Socket> socket, Kind* kind, bool* rawV6)
{
    *rawV6 = false;
    if (DynamicCast<TcpSocketBase>(socket))
    {
        *kind = Kind::TCP;
        return true;
    }
    if (DynamicCast<UdpSocket>(socket))
    {
        *kind = Kind::UDP;
        return true;
    }
    if (DynamicCast<Ipv4RawSocketImpl>(socket))
    {
        *kind = Kind::RAW;
        return true;
    }
    // Debian installs no header of Ipv6RawSocketImpl: recognise it by its TypeId.
    TypeId raw6;
    if (TypeId::LookupByNameFailSafe("ns3::Ipv6RawSocketImpl", &raw6)
        && (socket->GetInstanceTypeId() == raw6 || socket->GetInstanceTypeId().IsChildOf(raw6)))
    {
        *kind = Kind::RAW;
        *rawV6 = true;
        return true;
    }
    return false;
}

std::string
KindName(Kind kind, bool rawV6)
{
    switch (kind)
    {
        case Kind::UDP:
            return "UDP";
        case Kind::TCP:
            return "TCP";
        case Kind::RAW:
            return rawV6 ? "raw IPv6" : "raw IPv4";
    }
    return "?";
}

} // namespace

Ptr<IpsecPolicy>
IpsecSocketPolicyEntry::Get(IpsecDirection dir) const
{
    return dir == IpsecDirection::INBOUND ? in : out;
}

TypeId
IpsecSocketPolicyRegistry::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::IpsecSocketPolicyRegistry")
              .SetParent<Object>()
              .SetGroupName("Ipsec")
              .AddConstructor<IpsecSocketPolicyRegistry>()
              .AddAttribute(
                  "KameInvalidLookupAccepts",
                  "Variant for a datagram received on a non-privileged socket whose inbound "
                  "policy is bypass when no SPD entry matches (ipsec4_getpolicybysock and "
                  "ipsec6_getpolicybysock fail the lookup with EINVAL).  false (default): "
                  "the datagram is dropped and counted as in_polvio.  true: it is accepted, "
                  "as KAME's ipsec4_in_reject_so and ipsec6_in_reject_so do, which treat a "
                  "failed lookup as 'not rejected'.  Output always drops such a datagram "
                  "(out_inval).",
                  BooleanValue(false),
                  MakeBooleanAccessor(&IpsecSocketPolicyRegistry::m_kameInvalidLookupAccepts),
                  MakeBooleanChecker());
    return tid;
}

IpsecSocketPolicyRegistry::IpsecSocketPolicyRegistry() = default;

IpsecSocketPolicyRegistry::~IpsecSocketPolicyRegistry() = default;

void
IpsecSocketPolicyRegistry::DoDispose()
{
    RestoreRawSockets();
    m_restoreEvent.Cancel();
    m_entries.clear();
    m_cache.clear();
    m_node = nullptr;
    m_ipv4 = nullptr;
    m_ipv6 = nullptr;
    m_udp = nullptr;
    m_tcp = nullptr;
    m_nowhere = nullptr;
    Object::DoDispose();
}

void
IpsecSocketPolicyRegistry::SetNode(Ptr<Node> node)
{
    if (m_node != node)
    {
        m_node = node;
        m_haveProtocols = false;
    }
}

bool
IpsecSocketPolicyRegistry::GetKameInvalidLookupAccepts() const
{
    return m_kameInvalidLookupAccepts;
}

// ---- the registry ------------------------------------------------------------

bool
IpsecSocketPolicyRegistry::IsAlive(IpsecSocketPolicyEntry& e) const
{
    if (e.socket->GetReferenceCount() <= 1)
    {
        return false; // nobody but the registry refers to it
    }
    if (e.kind == Kind::RAW)
    {
        if (!m_node)
        {
            return true;
        }
        if (e.rawV6)
        {
            Ptr<Ipv6L3Protocol> l3 = m_node->GetObject<Ipv6L3Protocol>();
            return l3 && IpsecIsOpenRawSocket(*l3, PeekPointer(e.socket));
        }
        Ptr<Ipv4L3Protocol> l3 = m_node->GetObject<Ipv4L3Protocol>();
        return l3 && IpsecIsOpenRawSocket(*l3, PeekPointer(e.socket));
    }
    // A UDP/TCP socket gives up its end point (its local port) when closed.
    if (LocalPort(*e.socket) != 0)
    {
        e.wasBound = true;
        return true;
    }
    return !e.wasBound;
}

void
IpsecSocketPolicyRegistry::Sweep()
{
    auto dead = std::remove_if(m_entries.begin(),
                               m_entries.end(),
                               [this](const Ptr<IpsecSocketPolicyEntry>& e)
                               {
                                   bool alive = IsAlive(*e);
                                   if (!alive)
                                   {
                                       NS_LOG_LOGIC("forgetting the policies of closed socket "
                                                    << e->socket);
                                   }
                                   return !alive;
                               });
    m_entries.erase(dead, m_entries.end());
}

Ptr<IpsecSocketPolicyEntry>
IpsecSocketPolicyRegistry::AddEntry(Ptr<Socket> socket, Kind kind, bool rawV6, bool privileged)
{
    Ptr<IpsecSocketPolicyEntry> e = Create<IpsecSocketPolicyEntry>();
    e->socket = socket;
    e->kind = kind;
    e->rawV6 = rawV6;
    e->privileged = privileged;
    m_entries.push_back(e);
    if (kind == Kind::RAW && m_node)
    {
        if (rawV6)
        {
            if (Ptr<IpsecIpv6L3Protocol> l3 = m_node->GetObject<IpsecIpv6L3Protocol>())
            {
                l3->EnableRawSocketGate();
            }
        }
        else if (Ptr<IpsecIpv4L3Protocol> l3 = m_node->GetObject<IpsecIpv4L3Protocol>())
        {
            l3->EnableRawSocketGate();
        }
    }
    return e;
}

Ptr<IpsecSocketPolicyEntry>
IpsecSocketPolicyRegistry::Find(Ptr<Socket> socket)
{
    Sweep();
    for (const Ptr<IpsecSocketPolicyEntry>& e : m_entries)
    {
        if (e->socket == socket)
        {
            return e;
        }
    }
    return nullptr;
}

Ptr<IpsecSocketPolicyEntry>
IpsecSocketPolicyRegistry::FindListenerOf(Ptr<Socket> socket)
{
    if (!DynamicCast<TcpSocketBase>(socket))
    {
        return nullptr;
    }
    // The connection seen as its own end point; it is not registered, so
    // only a listener can claim it.
    for (bool v6 : {false, true})
    {
        IpsecEndPointName ep;
        if (SocketName(*socket, false, v6, &ep.local, &ep.localPort)
            && SocketName(*socket, true, v6, &ep.peer, &ep.peerPort) && ep.localPort != 0
            && ep.peerPort != 0)
        {
            return ConstCast<IpsecSocketPolicyEntry>(FindOwner(Kind::TCP, v6, ep));
        }
    }
    return nullptr;
}

int
IpsecSocketPolicyRegistry::Set(Ptr<Socket> socket,
                               const std::string& text,
                               bool privileged,
                               std::string* why)
{
    NS_LOG_FUNCTION(this << socket << text << privileged);
    auto fail = [why](int error, const std::string& reason)
    {
        NS_LOG_LOGIC("setsockopt IP_IPSEC_POLICY refused: " << reason);
        if (why)
        {
            *why = reason;
        }
        return error;
    };
    Kind kind = Kind::UDP;
    bool rawV6 = false;
    if (!socket)
    {
        return fail(EINVAL, "no socket");
    }
    if (!ClassifySocket(socket, &kind, &rawV6))
    {
        return fail(ENOPROTOOPT,
                    socket->GetInstanceTypeId().GetName()
                        + " is not a UDP, TCP or raw IP socket: it has no IPsec policy");
    }
    // libipsec's ipsec_set_policy(3) first: a text that does not parse never
    // reaches the kernel.
    IpsecPolicySpec spec;
    IpsecPolicyParseError error;
    if (!ParseIpsecPolicy(text, &spec, &error))
    {
        std::string reason = error.message;
        if (!error.token.empty())
        {
            reason += " at \"" + error.token + "\"";
        }
        if (!error.expected.empty())
        {
            reason += "; expected " + error.expected;
        }
        return fail(EINVAL, reason);
    }
    // ipsec4_set_policy / ipsec6_set_policy, then ipsec_set_policy.
    if (spec.direction != IpsecDirection::INBOUND && spec.direction != IpsecDirection::OUTBOUND)
    {
        return fail(EINVAL, "the direction must be in or out");
    }
    if (!spec.hasAction)
    {
        return fail(EINVAL,
                    "a direction without an action (libipsec sends policy type 0, discard)");
    }
    switch (spec.action)
    {
        case IpsecPolicyAction::DISCARD:
        case IpsecPolicyAction::NONE:
            return fail(EINVAL,
                        IpsecPolicyActionName(spec.action)
                            + " is not a socket policy: use ipsec, entrust or bypass");
        case IpsecPolicyAction::BYPASS:
            if (!privileged)
            {
                return fail(EACCES, "bypass needs a privileged caller");
            }
            break;
        case IpsecPolicyAction::IPSEC:
            if (spec.requests.empty())
            {
                return fail(EINVAL, "an ipsec policy needs at least one request");
            }
            break;
        case IpsecPolicyAction::ENTRUST:
            break;
    }

    Ptr<IpsecPolicy> policy = Create<IpsecPolicy>();
    policy->direction = spec.direction;
    policy->action = spec.action;
    policy->created = Simulator::Now();
    policy->lastUsed = policy->created;
    if (spec.action == IpsecPolicyAction::IPSEC)
    {
        policy->requests = spec.requests;
        for (IpsecRequest& r : policy->requests)
        {
            if (r.level != IpsecLevel::UNIQUE)
            {
                r.reqid = 0; // only unique:N binds SAs of a reqid
            }
        }
    }

    SetNode(socket->GetNode());
    Ptr<IpsecSocketPolicyEntry> e = Find(socket);
    if (!e)
    {
        Ptr<IpsecSocketPolicyEntry> listener = FindListenerOf(socket);
        e = AddEntry(socket, kind, rawV6, listener ? listener->privileged : privileged);
        if (listener)
        {
            // An accepted connection has its own copy of the listener's
            // policies (KAME ipsec_copy_pcbpolicy); now it may change them.
            e->in = listener->in;
            e->out = listener->out;
        }
    }
    (spec.direction == IpsecDirection::INBOUND ? e->in : e->out) = policy;
    e->generation++;
    NS_LOG_INFO("node " << (m_node ? m_node->GetId() : 0) << " " << KindName(kind, rawV6)
                        << " socket " << socket << ": " << policy->PolicyString()
                        << (e->privileged ? " (privileged)" : " (non-privileged)"));
    return 0;
}

Ptr<IpsecPolicy>
IpsecSocketPolicyRegistry::GetPolicy(Ptr<Socket> socket, IpsecDirection dir)
{
    Ptr<IpsecSocketPolicyEntry> e = Find(socket);
    if (!e)
    {
        e = FindListenerOf(socket);
    }
    return e ? e->Get(dir) : nullptr;
}

std::string
IpsecSocketPolicyRegistry::Get(Ptr<Socket> socket, IpsecDirection dir)
{
    Ptr<IpsecPolicy> policy = GetPolicy(socket, dir);
    return policy ? policy->PolicyString() : IpsecDirectionName(dir) + " entrust";
}

void
IpsecSocketPolicyRegistry::SetPrivileged(Ptr<Socket> socket, bool privileged)
{
    Ptr<IpsecSocketPolicyEntry> e = Find(socket);
    Kind kind = Kind::UDP;
    bool rawV6 = false;
    if (!e && socket && ClassifySocket(socket, &kind, &rawV6))
    {
        SetNode(socket->GetNode());
        e = AddEntry(socket, kind, rawV6, privileged);
    }
    if (e && e->privileged != privileged)
    {
        e->privileged = privileged;
        e->generation++;
    }
}

bool
IpsecSocketPolicyRegistry::IsPrivileged(Ptr<Socket> socket)
{
    Ptr<IpsecSocketPolicyEntry> e = Find(socket);
    return !e || e->privileged;
}

void
IpsecSocketPolicyRegistry::Remove(Ptr<Socket> socket)
{
    m_entries.erase(std::remove_if(m_entries.begin(),
                                   m_entries.end(),
                                   [&socket](const Ptr<IpsecSocketPolicyEntry>& e)
                                   {
                                       return e->socket == socket;
                                   }),
                    m_entries.end());
}

uint32_t
IpsecSocketPolicyRegistry::GetN()
{
    Sweep();
    return m_entries.size();
}

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

namespace
{

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
IpsecSocketPolicyRegistry::RawMatch(Ptr<const IpsecSocketPolicyEntry> entry)
{
    IpsecSocketMatch m;
    if (entry)
    {
        m.identity = PeekPointer(entry->socket);
        m.entry = entry;
    }
    return m;
}

IpsecSocketMatch
IpsecSocketPolicyRegistry::FindSender(const IpsecIpHeader& ip, Ptr<const Packet> segment)
{
    IpsecSocketMatch m;
    bool v6 = ip.IsV6();
    if (m_l4Sends == 0)
    {
        // Not sent by UDP, TCP or ICMP: a raw socket (ip_output called by
        // rip_output).  Only a raw socket with a policy can be recognised.
        return HasRawSockets(v6)
                 ? RawMatch(FindByName(Kind::RAW, v6, ip.protocol, ip.src, 0, ip.dst, 0))
                 : m;
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

void
IpsecSocketPolicyRegistry::BeginL4Send()
{
    ++m_l4Sends;
}

void
IpsecSocketPolicyRegistry::EndL4Send()
{
    NS_ASSERT(m_l4Sends > 0);
    --m_l4Sends;
}

IpsecL4SendScope::IpsecL4SendScope(Ptr<IpsecSocketPolicyRegistry> registry)
    : m_registry(registry)
{
    if (m_registry)
    {
        m_registry->BeginL4Send();
    }
}

IpsecL4SendScope::~IpsecL4SendScope()
{
    if (m_registry)
    {
        m_registry->EndL4Send();
    }
}

// ---- raw sockets on input ----------------------------------------------------------

bool
IpsecSocketPolicyRegistry::HasRawSockets(bool v6) const
{
    return std::any_of(m_entries.begin(),
                       m_entries.end(),
                       [v6](const Ptr<IpsecSocketPolicyEntry>& e)
                       {
                           return e->kind == Kind::RAW && e->rawV6 == v6;
                       });
}

void
IpsecSocketPolicyRegistry::GateRawDelivery(IpsecStack& ipsec,
                                           Ptr<const Packet> payload,
                                           const IpsecAddress& src,
                                           const IpsecAddress& dst,
                                           uint8_t protocol,
                                           Ptr<NetDevice> device)
{
    RestoreRawSockets();
    bool v6 = src.IsV6();
    // The raw sockets ns-3 is about to give the datagram to: the checks of
    // Ipv4RawSocketImpl::ForwardUp / Ipv6RawSocketImpl::ForwardUp.
    std::vector<Ptr<const IpsecSocketPolicyEntry>> receivers;
    bool sweep = false;
    for (const Ptr<IpsecSocketPolicyEntry>& e : m_entries)
    {
        if (e->kind != Kind::RAW || e->rawV6 != v6)
        {
            continue;
        }
        if (!IsAlive(*e))
        {
            sweep = true;
            continue;
        }
        IpsecAddress name;
        IpsecAddress peer;
        uint16_t port = 0;
        Ptr<NetDevice> bound = e->socket->GetBoundNetDevice();
        if (RawProtocol(*e->socket) != protocol || !SocketName(*e->socket, false, v6, &name, &port)
            || (!name.IsAny() && name != dst)
            || (SocketName(*e->socket, true, v6, &peer, &port) && peer != src)
            || (bound && bound != device))
        {
            continue;
        }
        receivers.push_back(e);
    }
    if (sweep)
    {
        Sweep();
    }
    for (const Ptr<const IpsecSocketPolicyEntry>& e : receivers)
    {
        if (ipsec.CheckInboundSocket(payload, src, dst, protocol, RawMatch(e)))
        {
            continue;
        }
        // rip_input: "do not inject data into pcb".  Binding the socket to a
        // device the datagram cannot have come from makes ForwardUp skip it.
        if (!m_nowhere)
        {
            m_nowhere = CreateObject<SimpleNetDevice>();
        }
        m_held.emplace_back(e->socket, e->socket->GetBoundNetDevice());
        IpsecSetBoundNetDevice(*e->socket, m_nowhere);
        if (!m_restoreEvent.IsRunning())
        {
            // Should nothing after the raw delivery end it (see RestoreRawSockets' callers).
            m_restoreEvent
                = Simulator::ScheduleNow(&IpsecSocketPolicyRegistry::RestoreRawSockets, this);
        }
    }
}

void
IpsecSocketPolicyRegistry::RestoreRawSockets()
{
    if (m_held.empty())
    {
        return;
    }
    for (auto& [socket, device] : m_held)
    {
        if (socket->GetBoundNetDevice() == m_nowhere)
        {
            IpsecSetBoundNetDevice(*socket, device);
        }
    }
    m_held.clear();
}

// ---- IpsecStack's per-socket API -------------------------------------------------

int
IpsecStack::SetSocketPolicy(Ptr<Socket> socket,
                            const std::string& policy,
                            bool privileged,
                            std::string* why)
{
    if (socket && m_node && socket->GetNode() != m_node)
    {
        if (why)
        {
            *why = "the socket belongs to node " + std::to_string(socket->GetNode()->GetId())
                 + ", not to node " + std::to_string(m_node->GetId());
        }
        return EINVAL;
    }
    return m_socketPolicies->Set(socket, policy, privileged, why);
}

std::string
IpsecStack::GetSocketPolicy(Ptr<Socket> socket, IpsecDirection dir) const
{
    return m_socketPolicies->Get(socket, dir);
}

Ptr<IpsecSocketPolicyRegistry>
IpsecStack::GetSocketPolicyRegistry() const
{
    return m_socketPolicies;
}

} // namespace ns3
