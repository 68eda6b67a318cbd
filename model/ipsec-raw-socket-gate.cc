/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The raw-socket gate: the per-socket policies of raw IP sockets, which
 * have no ports to be found by.  Sending: a datagram that no L4 protocol
 * (UDP, TCP, ICMP) is sending comes from a raw socket (rip_output calls
 * ip_output with the socket), the registered one whose protocol and names
 * match it.  Receiving: KAME's rip_input and rip6_input check every raw
 * socket a datagram is delivered to against that socket's inbound policy
 * (ipsec4_in_reject_so / ipsec6_in_reject_so) and "do not inject data into
 * pcb" of one that rejects it (in_polvio); here the L3 asks the gate before
 * its raw delivery, and a rejecting socket is kept from that one delivery.
 * What a socket holds is in ipsec-socket-policy.cc; UDP/TCP matching in
 * ipsec-socket-match.cc.
 */
#include "ipsec-private-access.h"
#include "ipsec-socket-policy.h"
#include "ipsec-stack.h"
#include "ns3/simple-net-device.h"
#include "ns3/simulator.h"

#include <algorithm>

namespace ns3
{

namespace
{

using Kind = IpsecSocketPolicyEntry::Kind;

} // namespace

// ---- raw sockets on output ---------------------------------------------------------

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
IpsecSocketPolicyRegistry::FindRawSender(const IpsecIpHeader& ip)
{
    // Not sent by UDP, TCP or ICMP: a raw socket (ip_output called by
    // rip_output).  Only a raw socket with a policy can be recognised.
    bool v6 = ip.IsV6();
    return HasRawSockets(v6)
             ? RawMatch(FindByName(Kind::RAW, v6, ip.protocol, ip.src, 0, ip.dst, 0))
             : IpsecSocketMatch{};
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

} // namespace ns3
