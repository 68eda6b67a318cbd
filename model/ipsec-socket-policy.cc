/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The per-socket policy store: what a socket holds (KAME's inpcbpolicy:
 * sp_in, sp_out and priv).  setsockopt(IP_IPSEC_POLICY / IPV6_IPSEC_POLICY)
 * with ipsec_set_policy(3)'s text (ipsec4_set_policy / ipsec6_set_policy,
 * then ipsec_set_policy's checks and errnos), getsockopt's ipsec_get_policy,
 * an accepted TCP connection's copy of its listener's policies
 * (ipsec_copy_pcbpolicy), forgetting closed sockets, and the per-socket
 * parts of IpsecStack's API.  Which socket a datagram belongs to and which
 * policy applies is in ipsec-socket-match.cc; raw sockets' rules in
 * ipsec-raw-socket-gate.cc.
 */
#include "ipsec-socket-policy.h"

#include "ipsec-ipv4-l3-protocol.h"
#include "ipsec-ipv6-l3-protocol.h"
#include "ipsec-policy-parser.h"
#include "ipsec-private-access.h"
#include "ipsec-stack.h"
#include "ns3/boolean.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4-raw-socket-impl.h"
#include "ns3/log.h"
#include "ns3/node.h"
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

bool
IpsecSocketPolicyRegistry::SocketName(
    Socket& socket, bool peer, bool v6, IpsecAddress* addr, uint16_t* port)
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

uint16_t
IpsecSocketPolicyRegistry::RawProtocol(const Socket& socket)
{
    UintegerValue protocol;
    return socket.GetAttributeFailSafe("Protocol", protocol) ? protocol.Get() : 0xffff;
}

// ---- the store -----------------------------------------------------------------

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
    IpsecAddress addr;
    uint16_t port = 0;
    if ((SocketName(*e.socket, false, false, &addr, &port)
         || SocketName(*e.socket, false, true, &addr, &port))
        && port != 0)
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
