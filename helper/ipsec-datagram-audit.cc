/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-datagram-audit.h"

#include "ns3/arp-l3-protocol.h"
#include "ns3/csma-net-device.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipsec-stack.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-queue-disc-item.h"
#include "ns3/ipv6-header.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/ipv6-queue-disc-item.h"
#include "ns3/log.h"
#include "ns3/names.h"
#include "ns3/net-device.h"
#include "ns3/node-list.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/pointer.h"
#include "ns3/queue-disc.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecDatagramAudit");
NS_OBJECT_ENSURE_REGISTERED(IpsecDatagramAuditTag);

// ===========================================================================
// The tag
// ===========================================================================

TypeId
IpsecDatagramAuditTag::GetTypeId()
{
    static TypeId tid = TypeId("ns3::IpsecDatagramAuditTag")
                            .SetParent<Tag>()
                            .SetGroupName("Ipsec")
                            .AddConstructor<IpsecDatagramAuditTag>();
    return tid;
}

TypeId
IpsecDatagramAuditTag::GetInstanceTypeId() const
{
    return GetTypeId();
}

IpsecDatagramAuditTag::IpsecDatagramAuditTag()
    : m_audit(0)
    , m_id(0)
{
}

IpsecDatagramAuditTag::IpsecDatagramAuditTag(uint64_t audit, uint32_t id)
    : m_audit(audit)
    , m_id(id)
{
}

uint32_t
IpsecDatagramAuditTag::GetSerializedSize() const
{
    return 12;
}

void
IpsecDatagramAuditTag::Serialize(TagBuffer i) const
{
    i.WriteU64(m_audit);
    i.WriteU32(m_id);
}

void
IpsecDatagramAuditTag::Deserialize(TagBuffer i)
{
    m_audit = i.ReadU64();
    m_id = i.ReadU32();
}

void
IpsecDatagramAuditTag::Print(std::ostream& os) const
{
    os << "audited datagram " << m_id;
}

uint64_t
IpsecDatagramAuditTag::GetAudit() const
{
    return m_audit;
}

uint32_t
IpsecDatagramAuditTag::GetId() const
{
    return m_id;
}

// ===========================================================================
// Reading packets: is this an ICMP error message?
// ===========================================================================

namespace
{

constexpr uint32_t LINE = 32;         ///< bytes of one payload line
constexpr uint32_t ID_BYTES = 20;     ///< "ipsec-audit " and 8 hex digits
constexpr uint32_t PEEK_BYTES = 128;  ///< what the classifiers read of a packet
const char PREFIX[] = "ipsec-audit "; ///< 12 bytes

bool
IcmpTypeIsError(bool v6, uint8_t type)
{
    // ICMPv6 errors: 1 destination unreachable, 2 packet too big, 3 time
    // exceeded, 4 parameter problem.  ICMP: 3, 4 (source quench), 5
    // (redirect), 11, 12.
    return v6 ? type >= 1 && type <= 4
              : type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/// @p b starts at an IPv4 or IPv6 header: is it an ICMP/ICMPv6 error?
bool
DatagramIsIcmpError(const uint8_t* b, uint32_t n)
{
    if (n < 1)
    {
        return false;
    }
    uint8_t version = b[0] >> 4;
    if (version == 4)
    {
        uint32_t ihl = (b[0] & 0x0f) * 4u;
        if (ihl < 20 || n <= ihl)
        {
            return false;
        }
        uint16_t offset = static_cast<uint16_t>(((b[6] & 0x1f) << 8) | b[7]);
        return b[9] == 1 && offset == 0 && IcmpTypeIsError(false, b[ihl]);
    }
    if (version == 6 && n >= 40)
    {
        uint8_t next = b[6];
        uint32_t off = 40;
        while (next == 0 || next == 43 || next == 44 || next == 60)
        {
            if (n < off + 8)
            {
                return false;
            }
            if (next == 44)
            {
                uint16_t fragOffset
                    = static_cast<uint16_t>(((b[off + 2] << 8) | b[off + 3]) & 0xfff8);
                if (fragOffset != 0)
                {
                    return false;
                }
                next = b[off];
                off += 8;
            }
            else
            {
                next = b[off];
                off += (b[off + 1] + 1u) * 8u;
            }
        }
        return next == 58 && n > off && IcmpTypeIsError(true, b[off]);
    }
    return false;
}

/// @p b starts at an ICMP (or ICMPv6, @p v6) header: an error quoting a datagram?
bool
MessageIsIcmpError(bool v6, const uint8_t* b, uint32_t n)
{
    return n >= 8 + 20 && IcmpTypeIsError(v6, b[0]) && (b[8] >> 4) == (v6 ? 6 : 4);
}

/// Does @p b start with an IP header whose length field matches @p n?
bool
StartsWithIpHeader(const uint8_t* b, uint32_t n, uint32_t size)
{
    if (n >= 20 && (b[0] >> 4) == 4 && (b[0] & 0x0f) >= 5)
    {
        return ((uint32_t(b[2]) << 8) | b[3]) == size;
    }
    if (n >= 40 && (b[0] >> 4) == 6)
    {
        return ((uint32_t(b[4]) << 8) | b[5]) + 40 == size;
    }
    return false;
}

std::vector<uint8_t>
Peek(Ptr<const Packet> p, uint32_t max = PEEK_BYTES)
{
    std::vector<uint8_t> b(std::min(p->GetSize(), max));
    p->CopyData(b.data(), b.size());
    return b;
}

/// The first bytes of @p payload behind the serialized @p header.
template <typename Header>
std::vector<uint8_t>
WithHeader(const Header& header, Ptr<const Packet> payload)
{
    Ptr<Packet> c = payload->CreateFragment(0, std::min(payload->GetSize(), PEEK_BYTES));
    c->AddHeader(header);
    return Peek(c);
}

/// Bytes of the layer-2 header in front of the IP header of a frame of @p dev.
uint32_t
LinkHeaderLength(Ptr<NetDevice> dev, const std::vector<uint8_t>& b)
{
    if (DynamicCast<PointToPointNetDevice>(dev))
    {
        // PPP: 0x0021 IPv4, 0x0057 IPv6 (absent before the header is added).
        if (b.size() >= 2)
        {
            uint16_t proto = static_cast<uint16_t>((b[0] << 8) | b[1]);
            if (proto == 0x0021 || proto == 0x0057)
            {
                return 2;
            }
        }
        return 0;
    }
    if (DynamicCast<CsmaNetDevice>(dev) && b.size() >= 14)
    {
        uint16_t type = static_cast<uint16_t>((b[12] << 8) | b[13]);
        if (type == 0x0800 || type == 0x86dd)
        {
            return 14; // Ethernet II
        }
        if (type <= 1500 && b.size() >= 22)
        {
            uint16_t snapType = static_cast<uint16_t>((b[20] << 8) | b[21]);
            if (snapType == 0x0800 || snapType == 0x86dd)
            {
                return 22; // 802.3 length, LLC/SNAP
            }
        }
    }
    return 0;
}

/// Is a frame of @p dev (@p p, layer-2 header included or not) an ICMP error?
bool
FrameIsIcmpError(Ptr<NetDevice> dev, Ptr<const Packet> p)
{
    std::vector<uint8_t> b = Peek(p);
    uint32_t l2 = LinkHeaderLength(dev, b);
    return l2 < b.size() && DatagramIsIcmpError(b.data() + l2, b.size() - l2);
}

std::string
DropReasonName(Ipv4L3Protocol::DropReason r)
{
    switch (r)
    {
        case Ipv4L3Protocol::DROP_TTL_EXPIRED:
            return "DROP_TTL_EXPIRED";
        case Ipv4L3Protocol::DROP_NO_ROUTE:
            return "DROP_NO_ROUTE";
        case Ipv4L3Protocol::DROP_BAD_CHECKSUM:
            return "DROP_BAD_CHECKSUM";
        case Ipv4L3Protocol::DROP_INTERFACE_DOWN:
            return "DROP_INTERFACE_DOWN";
        case Ipv4L3Protocol::DROP_ROUTE_ERROR:
            return "DROP_ROUTE_ERROR";
        case Ipv4L3Protocol::DROP_FRAGMENT_TIMEOUT:
            return "DROP_FRAGMENT_TIMEOUT";
        case Ipv4L3Protocol::DROP_DUPLICATE:
            return "DROP_DUPLICATE";
    }
    return "DropReason " + std::to_string(static_cast<int>(r));
}

std::string
DropReasonName(Ipv6L3Protocol::DropReason r)
{
    switch (r)
    {
        case Ipv6L3Protocol::DROP_TTL_EXPIRED:
            return "DROP_TTL_EXPIRED";
        case Ipv6L3Protocol::DROP_NO_ROUTE:
            return "DROP_NO_ROUTE";
        case Ipv6L3Protocol::DROP_INTERFACE_DOWN:
            return "DROP_INTERFACE_DOWN";
        case Ipv6L3Protocol::DROP_ROUTE_ERROR:
            return "DROP_ROUTE_ERROR";
        case Ipv6L3Protocol::DROP_UNKNOWN_PROTOCOL:
            return "DROP_UNKNOWN_PROTOCOL";
        case Ipv6L3Protocol::DROP_UNKNOWN_OPTION:
            return "DROP_UNKNOWN_OPTION";
        case Ipv6L3Protocol::DROP_MALFORMED_HEADER:
            return "DROP_MALFORMED_HEADER";
        case Ipv6L3Protocol::DROP_FRAGMENT_TIMEOUT:
            return "DROP_FRAGMENT_TIMEOUT";
    }
    return "DropReason " + std::to_string(static_cast<int>(r));
}

/**
 * Connects @p onDrop to the "Drop" trace of the L3 protocol @p l3, called
 * with the datagram's bytes (header included), the packet, the DropReason's
 * name, the interface and whether it was a reassembly timeout.
 */
template <typename L3, typename Hdr, typename Ip, typename OnDrop>
void
ConnectL3Drop(Ptr<L3> l3, OnDrop onDrop)
{
    l3->TraceConnectWithoutContext(
        "Drop",
        Callback<void, const Hdr&, Ptr<const Packet>, typename L3::DropReason, Ptr<Ip>, uint32_t>(
            [onDrop](const Hdr& h,
                     Ptr<const Packet> p,
                     typename L3::DropReason r,
                     Ptr<Ip>,
                     uint32_t iface)
            {
                onDrop(
                    WithHeader(h, p), p, DropReasonName(r), iface, r == L3::DROP_FRAGMENT_TIMEOUT);
            }));
}

/// Connects @p cb to trace @p name of @p object if it exists with the
/// Packet::TracedCallback signature.
bool
ConnectPacketTrace(Ptr<Object> object,
                   const std::string& name,
                   const Callback<void, Ptr<const Packet>>& cb)
{
    TypeId::TraceSourceInformation info;
    if (!object || !object->GetInstanceTypeId().LookupTraceSourceByName(name, &info)
        || info.callback != "ns3::Packet::TracedCallback")
    {
        return false;
    }
    return object->TraceConnectWithoutContext(name, cb);
}

std::string
AddressText(const Address& a)
{
    std::ostringstream os;
    if (InetSocketAddress::IsMatchingType(a))
    {
        InetSocketAddress s = InetSocketAddress::ConvertFrom(a);
        os << s.GetIpv4() << " port " << s.GetPort();
    }
    else if (Inet6SocketAddress::IsMatchingType(a))
    {
        Inet6SocketAddress s = Inet6SocketAddress::ConvertFrom(a);
        os << s.GetIpv6() << " port " << s.GetPort();
    }
    else
    {
        os << a;
    }
    return os.str();
}

std::string
TimeText(Time t)
{
    std::ostringstream os;
    os.precision(6);
    os << std::fixed << t.GetSeconds() << "s";
    return os.str();
}

} // namespace

// ===========================================================================
// The shared state
// ===========================================================================

struct IpsecDatagramAudit::State
{
    uint64_t key{0};
    std::vector<Record> records;
    std::vector<Delivery> strays;
    std::vector<DropEvent> untagged;
    bool anySent{false}; ///< untagged drops before the first send are not recorded
    uint32_t icmpErrorDrops{0};
    std::set<uint32_t> watched;
    std::set<std::pair<uint32_t, uint16_t>> listening;
    std::map<std::pair<uint32_t, bool>, Ptr<Socket>> senders;
    std::vector<Ptr<Socket>> receivers;

    /// A drop point reported @p p.  @p icmpError: it is an ICMP error message.
    void Drop(uint32_t node,
              const std::string& trace,
              const std::string& counter,
              const std::string& reason,
              Ptr<const Packet> p,
              bool icmpError,
              bool consequential)
    {
        DropEvent e;
        e.time = Simulator::Now();
        e.node = node;
        e.trace = trace;
        e.counter = counter;
        e.reason = reason;
        e.consequential = consequential;
        IpsecDatagramAuditTag tag;
        if (!p || !p->PeekPacketTag(tag) || tag.GetAudit() != key || tag.GetId() == 0
            || tag.GetId() > records.size())
        {
            if (anySent)
            {
                untagged.push_back(e);
            }
            return;
        }
        if (icmpError)
        {
            NS_LOG_INFO("node " << node << " " << trace
                                << ": dropped an ICMP error quoting datagram " << tag.GetId()
                                << " (not attributed)");
            ++icmpErrorDrops;
            return;
        }
        NS_LOG_INFO("node " << node << " " << trace << " [" << counter << "] " << reason
                            << ": a packet of datagram " << tag.GetId());
        records[tag.GetId() - 1].drops.push_back(e);
    }

    void Receive(Ptr<Socket> socket, uint16_t port)
    {
        Address from;
        while (Ptr<Packet> p = socket->RecvFrom(from))
        {
            Ptr<Node> node = socket->GetNode();
            std::vector<uint8_t> bytes(p->GetSize());
            p->CopyData(bytes.data(), bytes.size());
            Delivery d;
            d.time = Simulator::Now();
            d.node = node->GetId();
            d.size = p->GetSize();
            uint32_t id = ReadId(bytes.data(), bytes.size());
            IpsecDatagramAuditTag tag;
            if ((id == 0 || id > records.size()) && p->PeekPacketTag(tag) && tag.GetAudit() == key)
            {
                id = tag.GetId();
            }
            if (id == 0 || id > records.size())
            {
                d.problem = "unidentifiable " + std::to_string(d.size) + "-byte datagram from "
                          + AddressText(from) + " on port " + std::to_string(port);
                NS_LOG_WARN("node " << d.node << ": " << d.problem);
                strays.push_back(d);
                continue;
            }
            Record& r = records[id - 1];
            std::ostringstream problem;
            if (d.size != r.size)
            {
                problem << d.size << " bytes instead of " << r.size;
            }
            else
            {
                std::vector<uint8_t> expected = Payload(id, r.size);
                auto first = std::mismatch(bytes.begin(), bytes.end(), expected.begin()).first;
                if (first != bytes.end())
                {
                    problem << "bytes differ from offset " << (first - bytes.begin());
                }
            }
            bool owner = false;
            uint16_t toPort = 0;
            if (InetSocketAddress::IsMatchingType(r.to))
            {
                InetSocketAddress a = InetSocketAddress::ConvertFrom(r.to);
                Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
                owner = ipv4 && ipv4->GetInterfaceForAddress(a.GetIpv4()) >= 0;
                toPort = a.GetPort();
            }
            else if (Inet6SocketAddress::IsMatchingType(r.to))
            {
                Inet6SocketAddress a = Inet6SocketAddress::ConvertFrom(r.to);
                Ptr<Ipv6> ipv6 = node->GetObject<Ipv6>();
                owner = ipv6 && ipv6->GetInterfaceForAddress(a.GetIpv6()) >= 0;
                toPort = a.GetPort();
            }
            if (!owner || toPort != port)
            {
                problem << (problem.str().empty() ? "" : ", ") << "received on node " << d.node
                        << " port " << port << ", not at " << AddressText(r.to);
            }
            d.problem = problem.str();
            d.intact = d.problem.empty();
            NS_LOG_INFO("node " << d.node << ": datagram " << id << " arrived, " << d.size
                                << " bytes" << (d.intact ? "" : ": " + d.problem));
            r.deliveries.push_back(d);
        }
    }

    void DoSend(Ptr<Node> node, uint32_t id)
    {
        Record& r = records[id - 1];
        r.sent = true;
        anySent = true;
        bool v6 = Inet6SocketAddress::IsMatchingType(r.to);
        Ptr<Socket>& socket = senders[{node->GetId(), v6}];
        if (!socket)
        {
            socket = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
            if (v6)
            {
                socket->Bind6();
            }
            else
            {
                socket->Bind();
            }
        }
        std::vector<uint8_t> bytes = Payload(id, r.size);
        Ptr<Packet> p = Create<Packet>(bytes.data(), bytes.size());
        p->AddPacketTag(IpsecDatagramAuditTag(key, id));
        NS_LOG_INFO("node " << node->GetId() << ": datagram " << id << ", " << r.size
                            << " bytes, to " << AddressText(r.to));
        if (socket->SendTo(p, 0, r.to) < 0)
        {
            r.sendErrno = socket->GetErrno();
            DropEvent e;
            e.time = Simulator::Now();
            e.node = node->GetId();
            e.trace = "Socket SendTo";
            e.counter = "errno " + std::to_string(r.sendErrno);
            e.reason = "the socket refused the datagram";
            r.drops.push_back(e);
        }
    }
};

// ===========================================================================
// IpsecDatagramAudit
// ===========================================================================

IpsecDatagramAudit::IpsecDatagramAudit()
    : m_state(std::make_shared<State>())
{
    // Only compared for equality: tells this audit's tags from another's.
    m_state->key = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(m_state.get()));
}

void
IpsecDatagramAudit::Watch(NodeContainer nodes)
{
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        Watch(*it);
    }
}

void
IpsecDatagramAudit::Watch(Ptr<Node> node)
{
    NS_LOG_FUNCTION(this << node);
    uint32_t id = node->GetId();
    if (!m_state->watched.insert(id).second)
    {
        return;
    }
    std::weak_ptr<State> w = m_state;

    if (Ptr<IpsecStack> ipsec = node->GetObject<IpsecStack>())
    {
        ipsec->TraceConnectWithoutContext(
            "Drop",
            Callback<void, Ptr<const Packet>, bool, IpsecDropReason, const std::string&>(
                [w,
                 id](Ptr<const Packet> p, bool v6, IpsecDropReason drop, const std::string& reason)
                {
                    const std::string counter = IpsecDropReasonCounter(drop);
                    auto s = w.lock();
                    if (!s)
                    {
                        return;
                    }
                    // The packet starts at its IP header or at the upper-layer header.
                    std::vector<uint8_t> b = Peek(p);
                    bool icmp = StartsWithIpHeader(b.data(), b.size(), p->GetSize())
                                  ? DatagramIsIcmpError(b.data(), b.size())
                                  : MessageIsIcmpError(v6, b.data(), b.size());
                    s->Drop(id, "IpsecStack Drop", counter, reason, p, icmp, false);
                }));
    }
    // The L3 protocols' Drop traces (one callback shape for both families).
    auto l3Drop = [w, id](std::string trace)
    {
        return [w, id, trace](const std::vector<uint8_t>& b,
                              Ptr<const Packet> p,
                              const std::string& reason,
                              uint32_t iface,
                              bool timeout)
        {
            if (auto s = w.lock())
            {
                s->Drop(id,
                        trace,
                        reason,
                        "interface " + std::to_string(iface),
                        p,
                        DatagramIsIcmpError(b.data(), b.size()),
                        timeout);
            }
        };
    };
    if (Ptr<Ipv4L3Protocol> ipv4 = node->GetObject<Ipv4L3Protocol>())
    {
        ConnectL3Drop<Ipv4L3Protocol, Ipv4Header, Ipv4>(ipv4, l3Drop("Ipv4L3Protocol Drop"));
    }
    if (Ptr<Ipv6L3Protocol> ipv6 = node->GetObject<Ipv6L3Protocol>())
    {
        ConnectL3Drop<Ipv6L3Protocol, Ipv6Header, Ipv6>(ipv6, l3Drop("Ipv6L3Protocol Drop"));
    }
    if (Ptr<ArpL3Protocol> arp = node->GetObject<ArpL3Protocol>())
    {
        ConnectPacketTrace(arp,
                           "Drop",
                           Callback<void, Ptr<const Packet>>(
                               [w, id](Ptr<const Packet> p)
                               {
                                   if (auto s = w.lock())
                                   {
                                       std::vector<uint8_t> b = Peek(p);
                                       s->Drop(id,
                                               "ArpL3Protocol Drop",
                                               "Drop",
                                               "ARP pending queue full",
                                               p,
                                               DatagramIsIcmpError(b.data(), b.size()),
                                               false);
                                   }
                               }));
    }

    Ptr<TrafficControlLayer> tc = node->GetObject<TrafficControlLayer>();
    for (uint32_t i = 0; i < node->GetNDevices(); ++i)
    {
        Ptr<NetDevice> dev = node->GetDevice(i);
        // The callbacks live in the device's (and its queue's) traces: they
        // hold the device by a plain pointer, a Ptr would keep it alive for
        // ever (a reference cycle LeakSanitizer reports).
        NetDevice* rawDev = PeekPointer(dev);
        std::string where = "device " + std::to_string(i);
        for (const char* name : {"MacTxDrop", "MacRxDrop", "PhyTxDrop", "PhyRxDrop"})
        {
            std::string trace = where + " " + name;
            ConnectPacketTrace(dev,
                               name,
                               Callback<void, Ptr<const Packet>>(
                                   [w, id, rawDev, trace, name](Ptr<const Packet> p)
                                   {
                                       if (auto s = w.lock())
                                       {
                                           s->Drop(id,
                                                   trace,
                                                   name,
                                                   "",
                                                   p,
                                                   FrameIsIcmpError(Ptr<NetDevice>(rawDev), p),
                                                   false);
                                       }
                                   }));
        }
        PointerValue queue;
        if (dev->GetAttributeFailSafe("TxQueue", queue) && queue.GetObject())
        {
            std::string trace = where + " TxQueue Drop";
            ConnectPacketTrace(queue.GetObject(),
                               "Drop",
                               Callback<void, Ptr<const Packet>>(
                                   [w, id, rawDev, trace](Ptr<const Packet> p)
                                   {
                                       if (auto s = w.lock())
                                       {
                                           s->Drop(id,
                                                   trace,
                                                   "Drop",
                                                   "device queue full",
                                                   p,
                                                   FrameIsIcmpError(Ptr<NetDevice>(rawDev), p),
                                                   false);
                                       }
                                   }));
        }
        Ptr<QueueDisc> qd = tc ? tc->GetRootQueueDiscOnDevice(dev) : nullptr;
        if (!qd)
        {
            continue;
        }
        for (const char* name : {"DropBeforeEnqueue", "DropAfterDequeue"})
        {
            std::string trace = where + " QueueDisc " + name;
            qd->TraceConnectWithoutContext(
                name,
                Callback<void, Ptr<const QueueDiscItem>, const char*>(
                    [w, id, trace, name](Ptr<const QueueDiscItem> item, const char* reason)
                    {
                        auto s = w.lock();
                        if (!s)
                        {
                            return;
                        }
                        std::vector<uint8_t> b;
                        if (auto v4 = DynamicCast<const Ipv4QueueDiscItem>(item))
                        {
                            b = WithHeader(v4->GetHeader(), item->GetPacket());
                        }
                        else if (auto v6 = DynamicCast<const Ipv6QueueDiscItem>(item))
                        {
                            b = WithHeader(v6->GetHeader(), item->GetPacket());
                        }
                        s->Drop(id,
                                trace,
                                name,
                                reason ? reason : "",
                                item->GetPacket(),
                                DatagramIsIcmpError(b.data(), b.size()),
                                false);
                    }));
        }
    }
}

void
IpsecDatagramAudit::Listen(Ptr<Node> node, uint16_t port)
{
    NS_LOG_FUNCTION(this << node << port);
    if (!m_state->listening.insert({node->GetId(), port}).second)
    {
        return;
    }
    std::weak_ptr<State> w = m_state;
    uint32_t id = node->GetId();
    for (bool v6 : {false, true})
    {
        if (v6 ? !node->GetObject<Ipv6>() : !node->GetObject<Ipv4>())
        {
            continue;
        }
        Ptr<Socket> s = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
        s->SetAttribute("RcvBufSize", UintegerValue(1u << 22));
        int rc = v6 ? s->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), port))
                    : s->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
        NS_ABORT_MSG_IF(rc != 0,
                        "IpsecDatagramAudit: cannot bind UDP port " << port << " on node " << id);
        s->SetRecvCallback(Callback<void, Ptr<Socket>>(
            [w, port](Ptr<Socket> socket)
            {
                if (auto st = w.lock())
                {
                    st->Receive(socket, port);
                }
            }));
        ConnectPacketTrace(s,
                           "Drop",
                           Callback<void, Ptr<const Packet>>(
                               [w, id, port](Ptr<const Packet> p)
                               {
                                   if (auto st = w.lock())
                                   {
                                       st->Drop(id,
                                                "UdpSocket Drop",
                                                "Drop",
                                                "receive buffer of port " + std::to_string(port)
                                                    + " full",
                                                p,
                                                false,
                                                false);
                                   }
                               }));
        m_state->receivers.push_back(s);
    }
}

uint32_t
IpsecDatagramAudit::Send(Ptr<Node> from, const Address& to, uint32_t payloadSize, Time at)
{
    NS_LOG_FUNCTION(this << from << payloadSize << at);
    NS_ABORT_MSG_UNLESS(InetSocketAddress::IsMatchingType(to)
                            || Inet6SocketAddress::IsMatchingType(to),
                        "IpsecDatagramAudit::Send: not an Inet(6)SocketAddress");
    Record r;
    r.id = static_cast<uint32_t>(m_state->records.size() + 1);
    r.from = from->GetId();
    r.to = to;
    r.size = payloadSize;
    r.sendTime = std::max(at, Simulator::Now());
    m_state->records.push_back(r);
    std::weak_ptr<State> w = m_state;
    uint32_t id = r.id;
    Simulator::ScheduleWithContext(from->GetId(),
                                   r.sendTime - Simulator::Now(),
                                   [w, from, id]()
                                   {
                                       if (auto s = w.lock())
                                       {
                                           s->DoSend(from, id);
                                       }
                                   });
    return id;
}

std::vector<uint8_t>
IpsecDatagramAudit::Payload(uint32_t id, uint32_t size)
{
    std::vector<uint8_t> out(size);
    char line[LINE + 1];
    for (uint32_t start = 0; start < size; start += LINE)
    {
        std::snprintf(line, sizeof(line), "%s%08x @%08x.\n", PREFIX, id, start);
        std::copy(line, line + std::min(LINE, size - start), out.begin() + start);
    }
    return out;
}

uint32_t
IpsecDatagramAudit::ReadId(const uint8_t* data, uint32_t size)
{
    if (size < ID_BYTES || !std::equal(PREFIX, PREFIX + 12, data))
    {
        return 0;
    }
    uint32_t id = 0;
    for (uint32_t i = 12; i < ID_BYTES; ++i)
    {
        uint8_t c = data[i];
        uint32_t digit;
        if (c >= '0' && c <= '9')
        {
            digit = c - '0';
        }
        else if (c >= 'a' && c <= 'f')
        {
            digit = c - 'a' + 10;
        }
        else
        {
            return 0;
        }
        id = (id << 4) | digit;
    }
    return id;
}

IpsecDatagramAudit::Verdict
IpsecDatagramAudit::GetVerdict(uint32_t id) const
{
    const Record& r = GetRecord(id);
    if (!r.deliveries.empty())
    {
        bool clean = r.deliveries.size() == 1 && r.deliveries.front().intact;
        return clean ? Verdict::DELIVERED : Verdict::CORRUPTED;
    }
    bool cause = std::any_of(r.drops.begin(),
                             r.drops.end(),
                             [](const DropEvent& e)
                             {
                                 return !e.consequential;
                             });
    return cause ? Verdict::DROPPED : Verdict::SILENTLY_LOST;
}

const IpsecDatagramAudit::Record&
IpsecDatagramAudit::GetRecord(uint32_t id) const
{
    NS_ABORT_MSG_IF(id == 0 || id > m_state->records.size(),
                    "IpsecDatagramAudit: no datagram " << id);
    return m_state->records[id - 1];
}

std::vector<IpsecDatagramAudit::Record>
IpsecDatagramAudit::GetRecords() const
{
    return m_state->records;
}

std::vector<IpsecDatagramAudit::Delivery>
IpsecDatagramAudit::GetStrays() const
{
    return m_state->strays;
}

std::vector<IpsecDatagramAudit::DropEvent>
IpsecDatagramAudit::GetUntaggedDrops() const
{
    return m_state->untagged;
}

IpsecDatagramAudit::Summary
IpsecDatagramAudit::GetSummary() const
{
    Summary s;
    s.datagrams = m_state->records.size();
    for (const Record& r : m_state->records)
    {
        switch (GetVerdict(r.id))
        {
            case Verdict::DELIVERED:
                ++s.delivered;
                break;
            case Verdict::CORRUPTED:
                ++s.corrupted;
                break;
            case Verdict::DROPPED:
                ++s.dropped;
                break;
            case Verdict::SILENTLY_LOST:
                ++s.silentlyLost;
                break;
        }
    }
    s.strays = m_state->strays.size();
    s.icmpErrorDrops = m_state->icmpErrorDrops;
    s.untaggedDrops = m_state->untagged.size();
    return s;
}

bool
IpsecDatagramAudit::Ok() const
{
    Summary s = GetSummary();
    return s.corrupted == 0 && s.silentlyLost == 0 && s.strays == 0;
}

std::string
IpsecDatagramAudit::VerdictName(Verdict v)
{
    switch (v)
    {
        case Verdict::DELIVERED:
            return "DELIVERED";
        case Verdict::CORRUPTED:
            return "CORRUPTED";
        case Verdict::DROPPED:
            return "DROPPED";
        case Verdict::SILENTLY_LOST:
            return "SILENTLY_LOST";
    }
    return "?";
}

namespace
{

std::string
NodeText(uint32_t id)
{
    std::string name = Names::FindName(NodeList::GetNode(id));
    return "node " + std::to_string(id) + (name.empty() ? "" : " (" + name + ")");
}

std::string
NodeTextSafe(uint32_t id)
{
    if (id < NodeList::GetNNodes())
    {
        return NodeText(id);
    }
    return "node " + std::to_string(id);
}

std::string
DropText(const IpsecDatagramAudit::DropEvent& e)
{
    std::string s
        = NodeTextSafe(e.node) + " at " + TimeText(e.time) + " " + e.trace + " [" + e.counter + "]";
    if (!e.reason.empty())
    {
        s += " " + e.reason;
    }
    return s;
}

} // namespace

std::string
IpsecDatagramAudit::Describe(uint32_t id) const
{
    const Record& r = GetRecord(id);
    Verdict v = GetVerdict(id);
    std::ostringstream os;
    os << "datagram " << id << " (" << r.size << " bytes, " << NodeTextSafe(r.from) << " -> "
       << AddressText(r.to) << ", " << (r.sent ? "sent" : "to be sent") << " at "
       << TimeText(r.sendTime) << "): " << VerdictName(v);
    if (!r.sent)
    {
        os << ": never sent (the simulation ended before its send time)";
    }
    for (const Delivery& d : r.deliveries)
    {
        os << "; delivered " << d.size << " bytes on " << NodeTextSafe(d.node) << " at "
           << TimeText(d.time) << (d.intact ? "" : " (" + d.problem + ")");
    }
    if (r.sent && r.deliveries.empty() && r.drops.empty())
    {
        os << ": not delivered, no drop event";
    }
    for (const DropEvent& e : r.drops)
    {
        os << "; " << (e.consequential ? "then " : "dropped: ") << DropText(e);
    }
    return os.str();
}

void
IpsecDatagramAudit::Print(std::ostream& os) const
{
    Summary s = GetSummary();
    os << "ipsec datagram audit: " << s.datagrams << " datagrams: " << s.delivered << " delivered, "
       << s.corrupted << " corrupted, " << s.dropped << " dropped, " << s.silentlyLost
       << " silently lost; " << s.strays << " stray arrivals, " << s.icmpErrorDrops
       << " dropped ICMP errors quoting audited datagrams, " << s.untaggedDrops
       << " drops of untagged packets" << (Ok() ? " (ok)" : " (NOT OK)") << "\n";
    for (const Record& r : m_state->records)
    {
        if (GetVerdict(r.id) != Verdict::DELIVERED)
        {
            os << "  " << Describe(r.id) << "\n";
        }
    }
    for (const Delivery& d : m_state->strays)
    {
        os << "  stray: " << d.problem << " on " << NodeTextSafe(d.node) << " at "
           << TimeText(d.time) << "\n";
    }
    uint32_t shown = 0;
    for (const DropEvent& e : m_state->untagged)
    {
        if (++shown > 20)
        {
            os << "  ... " << (m_state->untagged.size() - 20) << " more untagged drops\n";
            break;
        }
        os << "  untagged drop: " << DropText(e) << "\n";
    }
}

std::string
IpsecDatagramAudit::Report() const
{
    std::ostringstream os;
    Print(os);
    return os.str();
}

std::ostream&
operator<<(std::ostream& os, IpsecDatagramAudit::Verdict v)
{
    return os << IpsecDatagramAudit::VerdictName(v);
}

} // namespace ns3
