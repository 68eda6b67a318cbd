/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * How the access of ipsec-private-access.h is granted: an explicit template
 * instantiation may name a private member; it stores the member pointer in
 * a friend function found by argument-dependent lookup.  Everything stays in
 * this translation unit.
 */
#include "ipsec-private-access.h"

#include "ns3/ipv4-end-point-demux.h"
#include "ns3/ipv4-end-point.h"
#include "ns3/ipv4-raw-socket-impl.h"
#include "ns3/ipv6-end-point-demux.h"
#include "ns3/ipv6-end-point.h"
#include "ns3/ipv6-pmtu-cache.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/tcp-tx-buffer.h"

#include <list>
#include <map>
#include <type_traits>

namespace ns3
{
namespace
{

template <typename Tag, typename Tag::type Member>
struct Grant
{
    friend typename Tag::type Get(Tag)
    {
        return Member;
    }
};

struct Ipv4Identification
{
    using type = std::map<std::pair<uint64_t, uint8_t>, uint16_t> Ipv4L3Protocol::*;
    friend type Get(Ipv4Identification);
};

struct Ipv4SendOutgoing
{
    using type = TracedCallback<const Ipv4Header&, Ptr<const Packet>, uint32_t> Ipv4L3Protocol::*;
    friend type Get(Ipv4SendOutgoing);
};

struct Ipv6SendOutgoing
{
    using type = TracedCallback<const Ipv6Header&, Ptr<const Packet>, uint32_t> Ipv6L3Protocol::*;
    friend type Get(Ipv6SendOutgoing);
};

struct UdpEndPoints4
{
    using type = Ipv4EndPointDemux* UdpL4Protocol::*;
    friend type Get(UdpEndPoints4);
};

struct UdpEndPoints6
{
    using type = Ipv6EndPointDemux* UdpL4Protocol::*;
    friend type Get(UdpEndPoints6);
};

struct TcpEndPoints4
{
    using type = Ipv4EndPointDemux* TcpL4Protocol::*;
    friend type Get(TcpEndPoints4);
};

struct TcpEndPoints6
{
    using type = Ipv6EndPointDemux* TcpL4Protocol::*;
    friend type Get(TcpEndPoints6);
};

template struct Grant<UdpEndPoints4, &UdpL4Protocol::m_endPoints>;
template struct Grant<UdpEndPoints6, &UdpL4Protocol::m_endPoints6>;
template struct Grant<TcpEndPoints4, &TcpL4Protocol::m_endPoints>;
template struct Grant<TcpEndPoints6, &TcpL4Protocol::m_endPoints6>;

/// The end-point demultiplexer of @p l4 for the family of Addr.
template <typename Addr>
auto
Demux(UdpL4Protocol& l4)
{
    if constexpr (std::is_same_v<Addr, Ipv4Address>)
    {
        return l4.*Get(UdpEndPoints4{});
    }
    else
    {
        return l4.*Get(UdpEndPoints6{});
    }
}

template <typename Addr>
auto
Demux(TcpL4Protocol& l4)
{
    if constexpr (std::is_same_v<Addr, Ipv4Address>)
    {
        return l4.*Get(TcpEndPoints4{});
    }
    else
    {
        return l4.*Get(TcpEndPoints6{});
    }
}

struct TcpSockets
{
    using type = std::vector<Ptr<TcpSocketBase>> TcpL4Protocol::*;
    friend type Get(TcpSockets);
};

struct TcpControlBlock
{
    using type = Ptr<TcpSocketState> TcpSocketBase::*;
    friend type Get(TcpControlBlock);
};

struct TcpEndPoint4
{
    using type = Ipv4EndPoint* TcpSocketBase::*;
    friend type Get(TcpEndPoint4);
};

struct TcpEndPoint6
{
    using type = Ipv6EndPoint* TcpSocketBase::*;
    friend type Get(TcpEndPoint6);
};

struct TcpState
{
    using type = TracedValue<TcpSocket::TcpStates_t> TcpSocketBase::*;
    friend type Get(TcpState);
};

template struct Grant<TcpSockets, &TcpL4Protocol::m_sockets>;
template struct Grant<TcpControlBlock, &TcpSocketBase::m_tcb>;
template struct Grant<TcpEndPoint4, &TcpSocketBase::m_endPoint>;
template struct Grant<TcpEndPoint6, &TcpSocketBase::m_endPoint6>;
template struct Grant<TcpState, &TcpSocketBase::m_state>;

struct Ipv4DefaultTtl
{
    using type = uint8_t Ipv4L3Protocol::*;
    friend type Get(Ipv4DefaultTtl);
};

struct Ipv6DefaultTtl
{
    using type = uint8_t Ipv6L3Protocol::*;
    friend type Get(Ipv6DefaultTtl);
};

// Ipv6RawSocketImpl's header is not installed by Debian: its list is only
// walked and its elements compared by address, which needs no complete type.
struct Ipv4RawSockets
{
    using type = std::list<Ptr<Ipv4RawSocketImpl>> Ipv4L3Protocol::*;
    friend type Get(Ipv4RawSockets);
};

struct Ipv6RawSockets
{
    using type = std::list<Ptr<Ipv6RawSocketImpl>> Ipv6L3Protocol::*;
    friend type Get(Ipv6RawSockets);
};

struct SocketBoundDevice
{
    using type = Ptr<NetDevice> Socket::*;
    friend type Get(SocketBoundDevice);
};

struct Ipv4RxTrace
{
    using type = TracedCallback<Ptr<const Packet>, Ptr<Ipv4>, uint32_t> Ipv4L3Protocol::*;
    friend type Get(Ipv4RxTrace);
};

struct Ipv4LocalDeliver
{
    using type = void (Ipv4L3Protocol::*)(Ptr<const Packet>, const Ipv4Header&, uint32_t);
    friend type Get(Ipv4LocalDeliver);
};

template struct Grant<Ipv4RxTrace, &Ipv4L3Protocol::m_rxTrace>;
template struct Grant<Ipv4LocalDeliver, &Ipv4L3Protocol::LocalDeliver>;
template struct Grant<Ipv4RawSockets, &Ipv4L3Protocol::m_sockets>;
template struct Grant<Ipv6RawSockets, &Ipv6L3Protocol::m_sockets>;
template struct Grant<SocketBoundDevice, &Socket::m_boundnetdevice>;
template struct Grant<Ipv4DefaultTtl, &Ipv4L3Protocol::m_defaultTtl>;
template struct Grant<Ipv6DefaultTtl, &Ipv6L3Protocol::m_defaultTtl>;
template struct Grant<Ipv4Identification, &Ipv4L3Protocol::m_identification>;
template struct Grant<Ipv4SendOutgoing, &Ipv4L3Protocol::m_sendOutgoingTrace>;
template struct Grant<Ipv6SendOutgoing, &Ipv6L3Protocol::m_sendOutgoingTrace>;

} // namespace

namespace
{

struct Ipv4DemuxList
{
    using type = Ipv4EndPointDemux::EndPoints Ipv4EndPointDemux::*;
    friend type Get(Ipv4DemuxList);
};

struct Ipv6DemuxList
{
    using type = Ipv6EndPointDemux::EndPoints Ipv6EndPointDemux::*;
    friend type Get(Ipv6DemuxList);
};

template struct Grant<Ipv4DemuxList, &Ipv4EndPointDemux::m_endPoints>;
template struct Grant<Ipv6DemuxList, &Ipv6EndPointDemux::m_endPoints>;

const Ipv4EndPointDemux::EndPoints&
EndPointList(Ipv4EndPointDemux& demux)
{
    return demux.*Get(Ipv4DemuxList{});
}

const Ipv6EndPointDemux::EndPoints&
EndPointList(Ipv6EndPointDemux& demux)
{
    return demux.*Get(Ipv6DemuxList{});
}

/**
 * Whether IPv4 end point address @p bound (neither @p dst nor any) is the
 * network part of one of @p iface's addresses that @p dst is in: the
 * "subnet-directed any" case of Ipv4EndPointDemux::Lookup.
 */
bool
SubnetAnyMatches(Ipv4Address bound, Ipv4Address dst, const Ptr<Ipv4Interface>& iface)
{
    for (uint32_t i = 0; iface && i < iface->GetNAddresses(); ++i)
    {
        Ipv4InterfaceAddress a = iface->GetAddress(i);
        Ipv4Address net = a.GetLocal().CombineMask(a.GetMask());
        if (bound == net && dst.CombineMask(a.GetMask()) == net)
        {
            return true;
        }
    }
    return false;
}

bool
SubnetAnyMatches(Ipv6Address, Ipv6Address, const Ptr<Ipv6Interface>&)
{
    return false; // Ipv6EndPointDemux::Lookup has no such case
}

} // namespace

namespace
{

struct PacketTags
{
    using type = PacketTagList Packet::*;
    friend type Get(PacketTags);
};

template struct Grant<PacketTags, &Packet::m_packetTagList>;

struct Ipv6PmtuCacheOf
{
    using type = Ptr<Ipv6PmtuCache> Ipv6L3Protocol::*;
    friend type Get(Ipv6PmtuCacheOf);
};

template struct Grant<Ipv6PmtuCacheOf, &Ipv6L3Protocol::m_pmtuCache>;

} // namespace

uint32_t
IpsecLearnedIpv6Pmtu(Ipv6L3Protocol& l3, Ipv6Address dst)
{
    Ptr<Ipv6PmtuCache> cache = l3.*Get(Ipv6PmtuCacheOf{});
    return cache ? cache->GetPmtu(dst) : 0;
}

void
IpsecSharePacketTags(const Packet& from, Packet& to)
{
    to.*Get(PacketTags{}) = from.*Get(PacketTags{});
}

template <typename L4, typename Addr, typename Iface>
const void*
IpsecFindEndPoint(L4& l4, Addr dst, uint16_t dport, Addr src, uint16_t sport, Ptr<Iface> iface)
{
    // The front of what Ipv4EndPointDemux::Lookup / Ipv6EndPointDemux::Lookup
    // return -- the first end point, in the demultiplexer's order, of the
    // most exact of their four classes -- found in one walk that allocates
    // nothing (theirs builds five lists for every segment).
    auto* demux = Demux<Addr>(l4);
    if (!demux)
    {
        return nullptr;
    }
    const Addr any = Addr::GetAny();
    const void* best = nullptr;
    int bestClass = 0;
    for (auto* e : EndPointList(*demux))
    {
        if (!e->IsRxEnabled() || e->GetLocalPort() != dport)
        {
            continue;
        }
        if (Ptr<NetDevice> bound = e->GetBoundNetDevice())
        {
            if (!iface || bound != iface->GetDevice())
            {
                continue;
            }
        }
        const Addr local = e->GetLocalAddress();
        const bool localExact = local == dst;
        const bool localWild = !localExact && (local == any || SubnetAnyMatches(local, dst, iface));
        if (!localExact && !localWild)
        {
            continue;
        }
        const uint16_t peerPort = e->GetPeerPort();
        const Addr peer = e->GetPeerAddress();
        const bool peerExact = peerPort == sport && peer == src;
        const bool peerWild = peerPort == 0 && peer == any;
        // Classes 4 (all four exact), 3 (all but the local address), 2 (local
        // address and port only), 1 (local port only).
        int c = 0;
        if (peerExact)
        {
            c = localExact ? 4 : 3;
        }
        else if (peerWild)
        {
            c = localExact ? 2 : 1;
        }
        if (c > bestClass)
        {
            bestClass = c;
            best = e;
        }
    }
    return best;
}

template const void* IpsecFindEndPoint(
    UdpL4Protocol&, Ipv4Address, uint16_t, Ipv4Address, uint16_t, Ptr<Ipv4Interface>);
template const void* IpsecFindEndPoint(
    UdpL4Protocol&, Ipv6Address, uint16_t, Ipv6Address, uint16_t, Ptr<Ipv6Interface>);
template const void* IpsecFindEndPoint(
    TcpL4Protocol&, Ipv4Address, uint16_t, Ipv4Address, uint16_t, Ptr<Ipv4Interface>);
template const void* IpsecFindEndPoint(
    TcpL4Protocol&, Ipv6Address, uint16_t, Ipv6Address, uint16_t, Ptr<Ipv6Interface>);

uint32_t
IpsecLowerTcpSegmentSize(TcpL4Protocol& tcp,
                         const Address& local,
                         const Address& peer,
                         uint32_t limit)
{
    for (const Ptr<TcpSocketBase>& socket : tcp.*Get(TcpSockets{}))
    {
        Address name;
        Address peerName;
        if (socket->GetSockName(name) != 0 || socket->GetPeerName(peerName) != 0 || name != local
            || peerName != peer)
        {
            continue;
        }
        Ptr<TcpSocketState> tcb = (*socket).*Get(TcpControlBlock{});
        if (tcb->m_segmentSize > limit)
        {
            tcb->m_segmentSize = limit;
            socket->GetTxBuffer()->SetSegmentSize(limit);
        }
        return tcb->m_segmentSize;
    }
    return 0;
}

namespace
{

/// The TCP socket whose end point is @p endPoint, or nullptr.
TcpSocketBase*
TcpSocketOf(TcpL4Protocol& tcp, const void* endPoint, bool v6)
{
    for (const Ptr<TcpSocketBase>& socket : tcp.*Get(TcpSockets{}))
    {
        const void* own = v6 ? static_cast<const void*>((*socket).*Get(TcpEndPoint6{}))
                             : static_cast<const void*>((*socket).*Get(TcpEndPoint4{}));
        if (own == endPoint)
        {
            return PeekPointer(socket);
        }
    }
    return nullptr;
}

} // namespace

bool
IpsecTcpIdleAtZeroWindow(
    TcpL4Protocol& tcp, const void* endPoint, bool v6, bool hasAck, uint32_t ack)
{
    TcpSocketBase* socket = TcpSocketOf(tcp, endPoint, v6);
    if (!socket || (*socket).*Get(TcpState{}) < TcpSocket::ESTABLISHED)
    {
        return true;
    }
    SequenceNumber32 next = ((*socket).*Get(TcpControlBlock{}))->m_nextTxSequence;
    if (hasAck && SequenceNumber32(ack) > next)
    {
        next = SequenceNumber32(ack);
    }
    return socket->GetTxBuffer()->SizeFromSequence(next) == 0;
}

bool
IpsecTcpInSynSent(TcpL4Protocol& tcp, const void* endPoint, bool v6)
{
    TcpSocketBase* socket = TcpSocketOf(tcp, endPoint, v6);
    return socket && (*socket).*Get(TcpState{}) == TcpSocket::SYN_SENT;
}

void
IpsecIpv4DeliverLocally(Ipv4L3Protocol& l3,
                        Ptr<Packet> payload,
                        const Ipv4Header& header,
                        uint32_t iif)
{
    // What Ipv4L3Protocol::Receive does for a datagram it delivers locally,
    // in its order; its checks (interface up, header checksum) are the
    // caller's, and the ARP cache's entry of the source was refreshed by the
    // outer datagram, which had the same source.
    auto& rx = l3.*Get(Ipv4RxTrace{});
    if (!rx.IsEmpty())
    {
        Ptr<Packet> datagram = payload->Copy();
        datagram->AddHeader(header);
        rx(datagram, Ptr<Ipv4>(&l3), iif);
    }
    Ptr<Ipv4Interface> iface = l3.GetInterface(iif);
    for (const Ptr<Ipv4RawSocketImpl>& socket : l3.*Get(Ipv4RawSockets{}))
    {
        socket->ForwardUp(payload, header, iface);
    }
    (l3.*Get(Ipv4LocalDeliver{}))(payload, header, iif);
}

bool
IpsecIsOpenRawSocket(const Ipv4L3Protocol& l3, const Socket* socket)
{
    for (const Ptr<Ipv4RawSocketImpl>& s : l3.*Get(Ipv4RawSockets{}))
    {
        if (static_cast<const Socket*>(PeekPointer(s)) == socket)
        {
            return true;
        }
    }
    return false;
}

bool
IpsecIsOpenRawSocket(const Ipv6L3Protocol& l3, const Socket* socket)
{
    // The most derived object's address, compared with the list's elements
    // (Ipv6RawSocketImpl objects, which are most derived).
    const void* object = dynamic_cast<const void*>(socket);
    for (const Ptr<Ipv6RawSocketImpl>& s : l3.*Get(Ipv6RawSockets{}))
    {
        if (static_cast<const void*>(PeekPointer(s)) == object)
        {
            return true;
        }
    }
    return false;
}

void
IpsecSetBoundNetDevice(Socket& socket, Ptr<NetDevice> device)
{
    socket.*Get(SocketBoundDevice{}) = device;
}

uint8_t
IpsecDefaultTtl(const Ipv4L3Protocol& l3)
{
    return l3.*Get(Ipv4DefaultTtl{});
}

uint8_t
IpsecDefaultTtl(const Ipv6L3Protocol& l3)
{
    return l3.*Get(Ipv6DefaultTtl{});
}

uint16_t
IpsecPeekIpv4Identification(const Ipv4L3Protocol& l3,
                            Ipv4Address src,
                            Ipv4Address dst,
                            uint8_t protocol)
{
    // Same key as Ipv4L3Protocol::BuildHeader.
    uint64_t key = (uint64_t(src.Get()) << 32) | dst.Get();
    const auto& ids = l3.*Get(Ipv4Identification{});
    auto it = ids.find(std::make_pair(key, protocol));
    return it == ids.end() ? 0 : it->second;
}

uint16_t
IpsecNextIpv4Identification(Ipv4L3Protocol& l3, Ipv4Address src, Ipv4Address dst, uint8_t protocol)
{
    uint64_t key = (uint64_t(src.Get()) << 32) | dst.Get();
    auto& ids = l3.*Get(Ipv4Identification{});
    return ids[std::make_pair(key, protocol)]++;
}

void
IpsecFireSendOutgoing(Ipv4L3Protocol& l3,
                      const Ipv4Header& header,
                      Ptr<const Packet> packet,
                      uint32_t interface)
{
    (l3.*Get(Ipv4SendOutgoing{}))(header, packet, interface);
}

void
IpsecFireSendOutgoing(Ipv6L3Protocol& l3,
                      const Ipv6Header& header,
                      Ptr<const Packet> packet,
                      uint32_t interface)
{
    (l3.*Get(Ipv6SendOutgoing{}))(header, packet, interface);
}

} // namespace ns3
