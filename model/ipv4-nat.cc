/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The NAT box's translation (see ipv4-nat.h and doc/ipsec.rst, "NAT box").
 * Checksums are updated incrementally (RFC 1624, equation 3) on the bytes
 * the NAT rewrites, so a first fragment's UDP/TCP checksum is right for the
 * whole datagram; a UDP checksum of zero stays zero (RFC 768).  The IPv4
 * header's own checksum is ns-3's: Ipv4Header computes it on serialisation.
 */
#include "ipv4-nat.h"

#include "ipsec-checksum.h"
#include "ipsec-packet-util.h"
#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <iomanip>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("Ipv4Nat");
NS_OBJECT_ENSURE_REGISTERED(Ipv4Nat);

namespace
{

constexpr uint8_t PROTO_ICMP = 1;
constexpr uint8_t PROTO_TCP = 6;
constexpr uint8_t PROTO_UDP = 17;
/// The longest ICMP error prefix the NAT rewrites: ICMP header, the quoted
/// IPv4 header with options, 8 bytes of its payload.
constexpr size_t ICMP_ERROR_PREFIX = 8 + 60 + 8;

uint16_t
Get16(const std::vector<uint8_t>& b, size_t off)
{
    return static_cast<uint16_t>((b[off] << 8) | b[off + 1]);
}

void
Put16(std::vector<uint8_t>& b, size_t off, uint16_t v)
{
    b[off] = static_cast<uint8_t>(v >> 8);
    b[off + 1] = static_cast<uint8_t>(v & 0xff);
}

Ipv4Address
GetAddr(const std::vector<uint8_t>& b, size_t off)
{
    return Ipv4Address((uint32_t(b[off]) << 24) | (uint32_t(b[off + 1]) << 16)
                       | (uint32_t(b[off + 2]) << 8) | uint32_t(b[off + 3]));
}

/// A checksum field of the rewritten bytes to keep right.
struct CsumField
{
    size_t offset; ///< where it is in the bytes (SIZE_MAX: none)
    bool udp;      ///< a UDP checksum: zero means none, and a result of zero is sent as 0xffff
};

/// Adjust one checksum field for a 16-bit word changed from o to n.
void
AdjustField(std::vector<uint8_t>& b, CsumField f, uint16_t o, uint16_t n)
{
    if (f.offset == SIZE_MAX || f.offset + 2 > b.size() || o == n)
    {
        return;
    }
    uint16_t c = Get16(b, f.offset);
    if (f.udp && c == 0)
    {
        return; // RFC 768: no checksum, and none is made
    }
    c = IpsecChecksumAdjust(c, o, n);
    if (f.udp && c == 0)
    {
        c = 0xffff;
    }
    Put16(b, f.offset, c);
}

/// Adjust a checksum field for an address (two words) changed from o to n.
void
AdjustFieldAddr(std::vector<uint8_t>& b, CsumField f, Ipv4Address o, Ipv4Address n)
{
    uint32_t ov = o.Get();
    uint32_t nv = n.Get();
    AdjustField(b, f, uint16_t(ov >> 16), uint16_t(nv >> 16));
    AdjustField(b, f, uint16_t(ov & 0xffff), uint16_t(nv & 0xffff));
}

/// Write a 16-bit field and adjust the checksums that cover it.
void
Set16(std::vector<uint8_t>& b, size_t off, uint16_t v, std::initializer_list<CsumField> csums)
{
    uint16_t o = Get16(b, off);
    for (const CsumField& f : csums)
    {
        AdjustField(b, f, o, v);
    }
    Put16(b, off, v);
}

/// Write an address field and adjust the checksums that cover it.
void
SetAddr(std::vector<uint8_t>& b, size_t off, Ipv4Address a, std::initializer_list<CsumField> csums)
{
    uint32_t v = a.Get();
    Set16(b, off, uint16_t(v >> 16), csums);
    Set16(b, off + 2, uint16_t(v & 0xffff), csums);
}

/// Adjust an ICMP checksum (at offset 2) for every word changed after it.
void
AdjustIcmpChecksum(std::vector<uint8_t>& b, const std::vector<uint8_t>& old)
{
    for (size_t i = 4; i + 1 < b.size(); i += 2)
    {
        AdjustField(b, {2, false}, Get16(old, i), Get16(b, i));
    }
}

/**
 * Recompute an unfragmented ICMP message's checksum from all its bytes (the
 * rewritten leading ones and the rest of the packet).  The incremental
 * update gives 0x0000 where the sum of the other words is zero and the
 * checksum must be 0xffff (RFC 1624 section 3), which happens for an echo
 * with identifier and sequence number 0 and a zero payload.
 */
void
IcmpChecksumWhole(std::vector<uint8_t>& b, Ptr<const Packet> p)
{
    std::vector<uint8_t> all(p->GetSize());
    p->CopyData(all.data(), all.size());
    std::copy(b.begin(), b.end(), all.begin());
    all[2] = 0;
    all[3] = 0;
    Put16(b, 2, IpsecFoldChecksum(IpsecOnesSum(all.data(), all.size())));
}

/// The L4 checksum field of a protocol's header at offset l (SIZE_MAX: none).
CsumField
L4Csum(uint8_t proto, size_t l)
{
    switch (proto)
    {
        case PROTO_UDP:
            return {l + 6, true};
        case PROTO_TCP:
            return {l + 16, false};
        case PROTO_ICMP:
            return {l + 2, false};
        default:
            return {SIZE_MAX, false};
    }
}

/// The bytes of a header a NAPT translation needs.
size_t
NeededBytes(uint8_t proto)
{
    return proto == PROTO_TCP ? 20 : 8;
}

bool
IsIcmpError(uint8_t type)
{
    return type == 3 || type == 4 || type == 11 || type == 12;
}

bool
IsIcmpQuery(uint8_t type)
{
    return type == 8 || type == 13;
}

bool
IsIcmpReply(uint8_t type)
{
    return type == 0 || type == 14;
}

std::vector<uint8_t>
Head(Ptr<const Packet> p, size_t n)
{
    std::vector<uint8_t> b(std::min<size_t>(n, p->GetSize()));
    if (!b.empty())
    {
        p->CopyData(b.data(), b.size());
    }
    return b;
}

const char*
ProtoName(uint8_t p)
{
    switch (p)
    {
        case PROTO_ICMP:
            return "icmp";
        case PROTO_TCP:
            return "tcp";
        case PROTO_UDP:
            return "udp";
        case 50:
            return "esp";
        case 51:
            return "ah";
        default:
            return nullptr;
    }
}

} // namespace

std::ostream&
operator<<(std::ostream& os, const Ipv4NatMapping& m)
{
    bool ports = m.protocol == PROTO_ICMP || m.protocol == PROTO_TCP || m.protocol == PROTO_UDP;
    if (m.protocol == 0)
    {
        os << "BIMAP " << m.insideAddress << " <- -> " << m.outsideAddress;
    }
    else
    {
        os << (m.isStatic ? "RDR " : "MAP ");
        const char* name = ProtoName(m.protocol);
        if (name)
        {
            os << name;
        }
        else
        {
            os << "proto " << unsigned(m.protocol);
        }
        os << " " << m.insideAddress;
        if (ports)
        {
            os << " " << m.insidePort;
        }
        os << " <- -> " << m.outsideAddress;
        if (ports)
        {
            os << " " << m.outsidePort;
        }
        if (!m.isStatic)
        {
            os << " [" << m.remoteAddress;
            if (m.protocol != PROTO_ICMP && ports)
            {
                os << " " << m.remotePort;
            }
            os << "]";
        }
    }
    if (m.isStatic)
    {
        os << " static";
    }
    else
    {
        Time left = m.deadline - Simulator::Now();
        os << " " << std::max<int64_t>(0, left.GetSeconds() + 0.999) << "s";
    }
    return os;
}

TypeId
Ipv4Nat::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::Ipv4Nat")
              .SetParent<Object>()
              .SetGroupName("Ipsec")
              .AddConstructor<Ipv4Nat>()
              .AddAttribute("Mode",
                            "NAPT (address and port translation) or ADDRESS_ONLY (basic NAT "
                            "from the address pool).",
                            EnumValue(NAPT),
                            MakeEnumAccessor(&Ipv4Nat::m_mode),
                            MakeEnumChecker(NAPT, "NAPT", ADDRESS_ONLY, "ADDRESS_ONLY"))
              .AddAttribute("Filtering",
                            "Inbound filtering of NAPT mappings (RFC 4787 section 5).",
                            EnumValue(ADDRESS_AND_PORT_DEPENDENT),
                            MakeEnumAccessor(&Ipv4Nat::m_filtering),
                            MakeEnumChecker(ENDPOINT_INDEPENDENT,
                                            "ENDPOINT_INDEPENDENT",
                                            ADDRESS_DEPENDENT,
                                            "ADDRESS_DEPENDENT",
                                            ADDRESS_AND_PORT_DEPENDENT,
                                            "ADDRESS_AND_PORT_DEPENDENT"))
              .AddAttribute("PortPreservation",
                            "Keep the inside port (ICMP identifier) when it is free on the "
                            "outside address and in the port range.",
                            BooleanValue(true),
                            MakeBooleanAccessor(&Ipv4Nat::m_portPreservation),
                            MakeBooleanChecker())
              .AddAttribute("PortAllocation",
                            "How a port is chosen when the inside one cannot be kept.",
                            EnumValue(SEQUENTIAL),
                            MakeEnumAccessor(&Ipv4Nat::m_allocation),
                            MakeEnumChecker(SEQUENTIAL, "SEQUENTIAL", RANDOM, "RANDOM"))
              .AddAttribute("PortMin",
                            "The lowest outside port (and ICMP identifier) allocated.",
                            UintegerValue(1024),
                            MakeUintegerAccessor(&Ipv4Nat::m_portMin),
                            MakeUintegerChecker<uint16_t>(1))
              .AddAttribute("PortMax",
                            "The highest outside port (and ICMP identifier) allocated.",
                            UintegerValue(65535),
                            MakeUintegerAccessor(&Ipv4Nat::m_portMax),
                            MakeUintegerChecker<uint16_t>(1))
              .AddAttribute("UdpTimeout",
                            "Idle time after which a UDP mapping expires (RFC 4787 REQ-5: at "
                            "least 2 minutes).",
                            TimeValue(Seconds(120)),
                            MakeTimeAccessor(&Ipv4Nat::m_udpTimeout),
                            MakeTimeChecker(Seconds(0)))
              .AddAttribute("TcpEstablishedTimeout",
                            "Idle time after which an established TCP mapping expires (RFC 5382 "
                            "REQ-5: at least 2 hours 4 minutes).",
                            TimeValue(Seconds(7440)),
                            MakeTimeAccessor(&Ipv4Nat::m_tcpEstablishedTimeout),
                            MakeTimeChecker(Seconds(0)))
              .AddAttribute("TcpTransitoryTimeout",
                            "Idle time after which a TCP mapping not (or no longer) established "
                            "expires: before a segment came back, after FIN both ways or a RST "
                            "(RFC 5382 REQ-5: 4 minutes).",
                            TimeValue(Seconds(240)),
                            MakeTimeAccessor(&Ipv4Nat::m_tcpTransitoryTimeout),
                            MakeTimeChecker(Seconds(0)))
              .AddAttribute("IcmpTimeout",
                            "Idle time after which an ICMP query mapping expires (RFC 5508 REQ-1: "
                            "at least 60 s).",
                            TimeValue(Seconds(60)),
                            MakeTimeAccessor(&Ipv4Nat::m_icmpTimeout),
                            MakeTimeChecker(Seconds(0)))
              .AddAttribute("OtherTimeout",
                            "Idle time after which a mapping of another IP protocol (e.g. ESP) "
                            "expires.",
                            TimeValue(Seconds(120)),
                            MakeTimeAccessor(&Ipv4Nat::m_otherTimeout),
                            MakeTimeChecker(Seconds(0)))
              .AddAttribute("InboundRefresh",
                            "Whether inbound datagrams refresh a mapping (outbound ones always "
                            "do, RFC 4787 REQ-6).",
                            BooleanValue(false),
                            MakeBooleanAccessor(&Ipv4Nat::m_inboundRefresh),
                            MakeBooleanChecker())
              .AddAttribute("MaxMappings",
                            "The most mappings the table holds; a datagram needing one more is "
                            "dropped (TABLE_FULL).",
                            UintegerValue(65536),
                            MakeUintegerAccessor(&Ipv4Nat::m_maxMappings),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("MaxRemotesPerMapping",
                            "The most remotes a mapping remembers for filtering (one is "
                            "forgotten for a new one).",
                            UintegerValue(64),
                            MakeUintegerAccessor(&Ipv4Nat::m_maxRemotes),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("MaxFragmentEntries",
                            "The most fragmented datagrams the fragment cache remembers (the "
                            "oldest is evicted).",
                            UintegerValue(256),
                            MakeUintegerAccessor(&Ipv4Nat::m_maxFragments),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("FragmentTimeout",
                            "How long the fragment cache remembers a fragmented datagram.",
                            TimeValue(Seconds(30)),
                            MakeTimeAccessor(&Ipv4Nat::m_fragmentTimeout),
                            MakeTimeChecker(Seconds(0)))
              .AddTraceSource("MappingCreated",
                              "A mapping was made (static ones included; an other-protocol "
                              "mapping taken over fires MappingExpired then MappingCreated).",
                              MakeTraceSourceAccessor(&Ipv4Nat::m_mappingCreated),
                              "ns3::Ipv4Nat::MappingTracedCallback")
              .AddTraceSource("MappingExpired",
                              "A mapping expired (or was taken over).",
                              MakeTraceSourceAccessor(&Ipv4Nat::m_mappingExpired),
                              "ns3::Ipv4Nat::MappingTracedCallback")
              .AddTraceSource("Translated",
                              "A datagram was translated (the new payload and header).",
                              MakeTraceSourceAccessor(&Ipv4Nat::m_translated),
                              "ns3::Ipv4Nat::TranslatedTracedCallback")
              .AddTraceSource("Drop",
                              "The NAT dropped a datagram, with the reason.",
                              MakeTraceSourceAccessor(&Ipv4Nat::m_drop),
                              "ns3::Ipv4Nat::DropTracedCallback");
    return tid;
}

Ipv4Nat::Ipv4Nat()
    : m_rng(CreateObject<UniformRandomVariable>())
{
    NS_LOG_FUNCTION(this);
}

Ipv4Nat::~Ipv4Nat()
{
    // The expiry events hold this object's address: none may outlive it
    // (a NAT made without a node is destroyed without DoDispose).
    CancelTimers();
}

void
Ipv4Nat::CancelTimers()
{
    for (auto& kv : m_byInside)
    {
        kv.second->timer.Cancel();
    }
    for (auto& kv : m_other)
    {
        kv.second->timer.Cancel();
    }
    for (auto& kv : m_addrByInside)
    {
        kv.second->timer.Cancel();
    }
}

void
Ipv4Nat::DoDispose()
{
    CancelTimers();
    m_byInside.clear();
    m_byOutside.clear();
    m_other.clear();
    m_addrByInside.clear();
    m_addrByOutside.clear();
    m_fragments.clear();
    m_fragmentOrder.clear();
    m_ipv4 = nullptr;
    m_rng = nullptr;
    Object::DoDispose();
}

void
Ipv4Nat::SetIpv4(Ptr<Ipv4> ipv4)
{
    m_ipv4 = ipv4;
}

void
Ipv4Nat::SetOutsideInterface(uint32_t interface)
{
    m_outside = interface;
}

void
Ipv4Nat::AddInsideInterface(uint32_t interface)
{
    m_inside.insert(interface);
}

bool
Ipv4Nat::IsOutsideInterface(uint32_t interface) const
{
    return interface == m_outside;
}

bool
Ipv4Nat::IsInsideInterface(uint32_t interface) const
{
    return m_inside.count(interface) != 0;
}

uint32_t
Ipv4Nat::GetOutsideInterface() const
{
    return m_outside;
}

void
Ipv4Nat::SetOutsideAddress(Ipv4Address address)
{
    m_outsideAddress = address;
}

Ipv4Address
Ipv4Nat::GetOutsideAddress() const
{
    if (m_outsideAddress != Ipv4Address::GetAny() || !m_ipv4 || m_outside == UINT32_MAX
        || m_outside >= m_ipv4->GetNInterfaces() || m_ipv4->GetNAddresses(m_outside) == 0)
    {
        return m_outsideAddress;
    }
    return m_ipv4->GetAddress(m_outside, 0).GetLocal();
}

void
Ipv4Nat::AddPoolAddress(Ipv4Address address)
{
    if (std::find(m_pool.begin(), m_pool.end(), address) == m_pool.end())
    {
        m_pool.push_back(address);
    }
}

bool
Ipv4Nat::IsNatAddress(Ipv4Address a) const
{
    if (m_mode == ADDRESS_ONLY)
    {
        return m_addrByOutside.count(a.Get()) != 0
            || std::find(m_pool.begin(), m_pool.end(), a) != m_pool.end();
    }
    return a == GetOutsideAddress();
}

const Ipv4NatStats&
Ipv4Nat::GetStats() const
{
    return m_stats;
}

uint32_t
Ipv4Nat::GetMappingCount() const
{
    return m_byInside.size() + m_other.size() + m_addrByInside.size();
}

std::vector<Ipv4NatMapping>
Ipv4Nat::GetMappings() const
{
    std::vector<Ipv4NatMapping> out;
    for (const auto& kv : m_byInside)
    {
        out.push_back(*kv.second);
    }
    for (const auto& kv : m_other)
    {
        out.push_back(*kv.second);
    }
    for (const auto& kv : m_addrByInside)
    {
        out.push_back(*kv.second);
    }
    for (auto& m : out)
    {
        m.timer = EventId();
    }
    return out;
}

void
Ipv4Nat::Print(std::ostream& os) const
{
    for (const Ipv4NatMapping& m : GetMappings())
    {
        os << m << "\n";
    }
}

int64_t
Ipv4Nat::AssignStreams(int64_t stream)
{
    m_rng->SetStream(stream);
    return 1;
}

const char*
Ipv4Nat::DropReasonName(DropReason reason)
{
    switch (reason)
    {
        case NO_MAPPING:
            return "NO_MAPPING";
        case FILTERED:
            return "FILTERED";
        case PORTS_EXHAUSTED:
            return "PORTS_EXHAUSTED";
        case ADDRESSES_EXHAUSTED:
            return "ADDRESSES_EXHAUSTED";
        case TABLE_FULL:
            return "TABLE_FULL";
        case FRAGMENT_UNKNOWN:
            return "FRAGMENT_UNKNOWN";
        case MALFORMED:
            return "MALFORMED";
        case UNSUPPORTED:
            return "UNSUPPORTED";
    }
    return "?";
}

Ipv4Nat::Verdict
Ipv4Nat::Drop(Ptr<const Packet> p, const Ipv4Header& h, DropReason reason)
{
    NS_LOG_LOGIC("drop " << DropReasonName(reason) << " " << h);
    ++m_stats.dropped;
    switch (reason)
    {
        case NO_MAPPING:
            ++m_stats.droppedNoMapping;
            break;
        case FILTERED:
            ++m_stats.droppedFiltered;
            break;
        case PORTS_EXHAUSTED:
            ++m_stats.droppedPortsExhausted;
            break;
        case ADDRESSES_EXHAUSTED:
            ++m_stats.droppedAddressesExhausted;
            break;
        case TABLE_FULL:
            ++m_stats.droppedTableFull;
            break;
        case FRAGMENT_UNKNOWN:
            ++m_stats.droppedFragmentUnknown;
            break;
        case MALFORMED:
            ++m_stats.droppedMalformed;
            break;
        case UNSUPPORTED:
            ++m_stats.droppedUnsupported;
            break;
    }
    m_drop(p, h, reason);
    return DROPPED;
}

Ipv4Nat::Verdict
Ipv4Nat::Translated(Ptr<const Packet> p, const Ipv4Header& h, Direction d)
{
    if (d == OUTBOUND)
    {
        ++m_stats.translatedOut;
    }
    else
    {
        ++m_stats.translatedIn;
    }
    m_translated(p, h, d);
    return TRANSLATED;
}

Ptr<const Packet>
Ipv4Nat::Rebuild(Ptr<const Packet> p, const std::vector<uint8_t>& head)
{
    // The packet keeps its tags; only its leading bytes are new.
    Ptr<Packet> q = p->Copy();
    q->RemoveAtStart(head.size());
    q->AddHeader(IpsecBytesHeader(head));
    return q;
}

// ---------------------------------------------------------------- mappings

Time
Ipv4Nat::TimeoutOf(const Ipv4NatMapping& m, uint8_t protocol) const
{
    uint8_t p = m.protocol == 0 ? protocol : m.protocol;
    switch (p)
    {
        case PROTO_UDP:
            return m_udpTimeout;
        case PROTO_ICMP:
            return m_icmpTimeout;
        case PROTO_TCP:
            if (m.protocol == 0)
            {
                return m_tcpEstablishedTimeout; // address-only mode tracks no connection
            }
            if (m.tcpRst || (m.tcpFinIn && m.tcpFinOut) || !m.tcpSeenInbound)
            {
                return m_tcpTransitoryTimeout;
            }
            return m_tcpEstablishedTimeout;
        default:
            return m_otherTimeout;
    }
}

void
Ipv4Nat::Refresh(const MappingPtr& m, uint8_t protocol, bool extend)
{
    if (m->isStatic)
    {
        return;
    }
    Time d = Simulator::Now() + TimeoutOf(*m, protocol);
    if (m->protocol == 0 && d < m->deadline)
    {
        return; // address-only: the longest of its protocols' timeouts
    }
    if (!extend && d >= m->deadline)
    {
        return; // an inbound datagram may only shorten it (TCP FIN/RST)
    }
    m->deadline = d;
    if (!m->timer.IsRunning() || Time(m->timer.GetTs()) > d)
    {
        // One event per mapping: it is moved only when the deadline comes
        // earlier; a later deadline is found when the event fires.
        m->timer.Cancel();
        std::weak_ptr<Ipv4NatMapping> w = m;
        m->timer = Simulator::Schedule(d - Simulator::Now(), &Ipv4Nat::TimerFired, this, w);
    }
}

void
Ipv4Nat::TimerFired(std::weak_ptr<Ipv4NatMapping> w)
{
    MappingPtr m = w.lock();
    if (!m)
    {
        return;
    }
    Time now = Simulator::Now();
    if (now < m->deadline)
    {
        m->timer = Simulator::Schedule(m->deadline - now, &Ipv4Nat::TimerFired, this, w);
        return;
    }
    NS_LOG_LOGIC("expired " << *m);
    Unlink(m);
    ++m_stats.mappingsExpired;
    m_mappingExpired(*m);
}

Ipv4Nat::MappingPtr
Ipv4Nat::NewMapping(uint8_t protocol,
                    Ipv4Address inside,
                    uint16_t insidePort,
                    Ipv4Address outside,
                    uint16_t outsidePort,
                    bool isStatic,
                    Ipv4Address remote)
{
    auto m = std::make_shared<Ipv4NatMapping>();
    m->protocol = protocol;
    m->insideAddress = inside;
    m->insidePort = insidePort;
    m->outsideAddress = outside;
    m->outsidePort = outsidePort;
    m->remoteAddress = remote;
    m->isStatic = isStatic;
    m->created = Simulator::Now();
    if (!isStatic)
    {
        m->deadline = Simulator::Now();
    }
    Link(m);
    return m;
}

void
Ipv4Nat::Link(const MappingPtr& m)
{
    if (m->protocol == 0)
    {
        m_addrByInside[m->insideAddress.Get()] = m;
        m_addrByOutside[m->outsideAddress.Get()] = m;
    }
    else if (m->protocol == PROTO_ICMP || m->protocol == PROTO_TCP || m->protocol == PROTO_UDP)
    {
        m_byInside[{m->protocol, m->insideAddress.Get(), m->insidePort}] = m;
        m_byOutside[{m->protocol, m->outsideAddress.Get(), m->outsidePort}] = m;
    }
    else
    {
        m_other[{m->protocol, m->remoteAddress.Get()}] = m;
    }
    ++m_stats.mappingsCreated;
    NS_LOG_LOGIC("created " << *m);
    m_mappingCreated(*m);
}

void
Ipv4Nat::Unlink(const MappingPtr& m)
{
    m->timer.Cancel();
    if (m->protocol == 0)
    {
        m_addrByInside.erase(m->insideAddress.Get());
        m_addrByOutside.erase(m->outsideAddress.Get());
    }
    else if (m->protocol == PROTO_ICMP || m->protocol == PROTO_TCP || m->protocol == PROTO_UDP)
    {
        m_byInside.erase({m->protocol, m->insideAddress.Get(), m->insidePort});
        m_byOutside.erase({m->protocol, m->outsideAddress.Get(), m->outsidePort});
    }
    else
    {
        m_other.erase({m->protocol, m->remoteAddress.Get()});
    }
}

bool
Ipv4Nat::InRange(uint8_t protocol, uint16_t port) const
{
    if (protocol == PROTO_ICMP)
    {
        return true; // identifiers are kept whatever they are
    }
    return port >= m_portMin && port <= m_portMax;
}

uint16_t
Ipv4Nat::AllocatePort(uint8_t protocol, uint16_t wanted)
{
    uint32_t out = GetOutsideAddress().Get();
    auto isFree = [&](uint16_t p)
    {
        return p != 0 && m_byOutside.count({protocol, out, p}) == 0;
    };
    if (m_portPreservation && InRange(protocol, wanted) && isFree(wanted))
    {
        return wanted;
    }
    if (m_portMin > m_portMax)
    {
        return 0;
    }
    uint32_t n = uint32_t(m_portMax) - m_portMin + 1;
    uint32_t start;
    if (m_allocation == RANDOM)
    {
        start = m_rng->GetInteger(0, n - 1);
    }
    else
    {
        auto it = m_nextPort.find(protocol);
        uint16_t cursor = it == m_nextPort.end() ? m_portMin : it->second;
        start = cursor >= m_portMin && cursor <= m_portMax ? cursor - m_portMin : 0;
    }
    for (uint32_t i = 0; i < n; ++i)
    {
        auto p = static_cast<uint16_t>(m_portMin + (start + i) % n);
        if (isFree(p))
        {
            m_nextPort[protocol] = p == m_portMax ? m_portMin : static_cast<uint16_t>(p + 1);
            return p;
        }
    }
    return 0;
}

Ipv4Nat::MappingPtr
Ipv4Nat::OutboundMapping(
    uint8_t protocol, Ipv4Address inside, uint16_t port, DropReason* reason, bool* failed)
{
    auto it = m_byInside.find({protocol, inside.Get(), port});
    if (it != m_byInside.end())
    {
        return it->second;
    }
    if (GetMappingCount() >= m_maxMappings)
    {
        *reason = TABLE_FULL;
        *failed = true;
        return nullptr;
    }
    uint16_t outPort = AllocatePort(protocol, port);
    if (outPort == 0)
    {
        *reason = PORTS_EXHAUSTED;
        *failed = true;
        return nullptr;
    }
    return NewMapping(protocol, inside, port, GetOutsideAddress(), outPort, false);
}

Ipv4Nat::MappingPtr
Ipv4Nat::AddressMapping(Ipv4Address inside, DropReason* reason, bool* failed)
{
    auto it = m_addrByInside.find(inside.Get());
    if (it != m_addrByInside.end())
    {
        return it->second;
    }
    if (GetMappingCount() >= m_maxMappings)
    {
        *reason = TABLE_FULL;
        *failed = true;
        return nullptr;
    }
    for (Ipv4Address a : m_pool)
    {
        if (m_addrByOutside.count(a.Get()) == 0)
        {
            return NewMapping(0, inside, 0, a, 0, false);
        }
    }
    *reason = ADDRESSES_EXHAUSTED;
    *failed = true;
    return nullptr;
}

bool
Ipv4Nat::AddStaticPortMapping(uint8_t protocol,
                              uint16_t outsidePort,
                              Ipv4Address insideAddress,
                              uint16_t insidePort)
{
    Ipv4Address out = GetOutsideAddress();
    if ((protocol != PROTO_TCP && protocol != PROTO_UDP) || outsidePort == 0
        || m_byOutside.count({protocol, out.Get(), outsidePort})
        || m_byInside.count({protocol, insideAddress.Get(), insidePort})
        || GetMappingCount() >= m_maxMappings)
    {
        return false;
    }
    NewMapping(protocol, insideAddress, insidePort, out, outsidePort, true);
    return true;
}

bool
Ipv4Nat::AddStaticAddressMapping(Ipv4Address insideAddress, Ipv4Address outsideAddress)
{
    if (m_addrByInside.count(insideAddress.Get()) || m_addrByOutside.count(outsideAddress.Get())
        || GetMappingCount() >= m_maxMappings)
    {
        return false;
    }
    NewMapping(0, insideAddress, 0, outsideAddress, 0, true);
    return true;
}

bool
Ipv4Nat::Permitted(const Ipv4NatMapping& m, Ipv4Address remote, uint16_t port) const
{
    if (m.isStatic || m_filtering == ENDPOINT_INDEPENDENT)
    {
        return true;
    }
    if (m_filtering == ADDRESS_DEPENDENT || m.protocol == PROTO_ICMP)
    {
        auto it = m.permitted.lower_bound({remote, 0});
        return it != m.permitted.end() && it->first == remote;
    }
    return m.permitted.count({remote, port}) != 0;
}

void
Ipv4Nat::Permit(Ipv4NatMapping& m, Ipv4Address remote, uint16_t port)
{
    m.remoteAddress = remote;
    m.remotePort = port;
    if (m.isStatic || m.permitted.count({remote, port}))
    {
        return;
    }
    if (m.permitted.size() >= m_maxRemotes)
    {
        m.permitted.erase(m.permitted.begin());
    }
    m.permitted.insert({remote, port});
}

void
Ipv4Nat::TrackTcp(Ipv4NatMapping& m, uint8_t flags, Direction d)
{
    const uint8_t FIN = 0x01;
    const uint8_t SYN = 0x02;
    const uint8_t RST = 0x04;
    const uint8_t ACK = 0x10;
    if (d == OUTBOUND && (flags & SYN) && !(flags & ACK))
    {
        // A new connection from the same inside endpoint.
        m.tcpSeenInbound = false;
        m.tcpFinIn = m.tcpFinOut = m.tcpRst = false;
    }
    if (d == INBOUND)
    {
        m.tcpSeenInbound = true;
    }
    if (flags & RST)
    {
        m.tcpRst = true;
    }
    if (flags & FIN)
    {
        (d == OUTBOUND ? m.tcpFinOut : m.tcpFinIn) = true;
    }
}

// ---------------------------------------------------------- fragment cache

const Ipv4Nat::FragmentEntry*
Ipv4Nat::FindFragment(const FragmentKey& key)
{
    auto it = m_fragments.find(key);
    if (it == m_fragments.end())
    {
        return nullptr;
    }
    if (it->second.expires <= Simulator::Now())
    {
        m_fragments.erase(it); // its key leaves the order queue when it comes first
        return nullptr;
    }
    return &it->second;
}

void
Ipv4Nat::RememberFragment(const FragmentKey& key, const FragmentEntry& entry)
{
    // Forget what is old, then the oldest while the cache is full.
    Time now = Simulator::Now();
    while (!m_fragmentOrder.empty())
    {
        auto it = m_fragments.find(m_fragmentOrder.front());
        if (it != m_fragments.end() && it->second.expires > now
            && m_fragments.size() < m_maxFragments)
        {
            break;
        }
        if (it != m_fragments.end() && it->second.expires > now)
        {
            ++m_stats.fragmentEvictions;
        }
        if (it != m_fragments.end())
        {
            m_fragments.erase(it);
        }
        m_fragmentOrder.pop_front();
    }
    FragmentEntry e = entry;
    e.expires = now + m_fragmentTimeout;
    if (m_fragments.count(key) == 0)
    {
        m_fragmentOrder.push_back(key);
    }
    m_fragments[key] = e;
}

// ------------------------------------------------------------- translation

Ipv4Nat::Verdict
Ipv4Nat::Inbound(Ptr<const Packet>& packet, Ipv4Header& header)
{
    if (!IsNatAddress(header.GetDestination()))
    {
        return PASS;
    }
    if (m_mode == ADDRESS_ONLY)
    {
        return AddressOnly(packet, header, INBOUND);
    }
    uint8_t proto = header.GetProtocol();
    if (proto != PROTO_ICMP && proto != PROTO_TCP && proto != PROTO_UDP)
    {
        auto it = m_other.find({proto, header.GetSource().Get()});
        if (it == m_other.end())
        {
            return PASS; // the router's own (e.g. its own ESP)
        }
        MappingPtr m = it->second;
        header.SetDestination(m->insideAddress);
        ++m->packetsIn;
        Refresh(m, proto, m_inboundRefresh);
        return Translated(packet, header, INBOUND);
    }
    FragmentKey key{
        header.GetSource().Get(), header.GetDestination().Get(), header.GetIdentification(), proto};
    if (header.GetFragmentOffset() != 0)
    {
        const FragmentEntry* e = FindFragment(key);
        if (!e)
        {
            return Drop(packet, header, FRAGMENT_UNKNOWN);
        }
        if (e->local)
        {
            return PASS;
        }
        header.SetDestination(e->newDestination);
        ++m_stats.fragmentsIn;
        return Translated(packet, header, INBOUND);
    }
    bool more = !header.IsLastFragment();
    Verdict v = InboundNapt(packet, header);
    if (more && v != DROPPED)
    {
        FragmentEntry e;
        e.local = v == PASS;
        e.newDestination = header.GetDestination();
        RememberFragment(key, e);
    }
    return v;
}

Ipv4Nat::Verdict
Ipv4Nat::Outbound(Ptr<const Packet>& packet, Ipv4Header& header)
{
    if (header.GetTtl() <= 1)
    {
        // ns-3's forwarding sends the inside host its Time Exceeded about
        // the datagram it sent (a NAT translates after the TTL check).
        return PASS;
    }
    if (m_mode == ADDRESS_ONLY)
    {
        return AddressOnly(packet, header, OUTBOUND);
    }
    uint8_t proto = header.GetProtocol();
    if (proto != PROTO_ICMP && proto != PROTO_TCP && proto != PROTO_UDP)
    {
        // Keyed by (protocol, remote address), as Linux's conntrack does for
        // a protocol it has no tracker for: a second inside host talking the
        // same protocol to the same remote takes the mapping over.
        Ipv4Address remote = header.GetDestination();
        auto it = m_other.find({proto, remote.Get()});
        MappingPtr m;
        if (it != m_other.end())
        {
            m = it->second;
            if (m->insideAddress != header.GetSource())
            {
                ++m_stats.takeovers;
                m_mappingExpired(*m);
                m->insideAddress = header.GetSource();
                m->packetsOut = m->packetsIn = 0;
                m->created = Simulator::Now();
                ++m_stats.mappingsCreated;
                m_mappingCreated(*m);
            }
        }
        else
        {
            if (GetMappingCount() >= m_maxMappings)
            {
                return Drop(packet, header, TABLE_FULL);
            }
            m = NewMapping(proto, header.GetSource(), 0, GetOutsideAddress(), 0, false, remote);
        }
        ++m->packetsOut;
        Refresh(m, proto, true);
        header.SetSource(m->outsideAddress);
        return Translated(packet, header, OUTBOUND);
    }
    FragmentKey key{
        header.GetSource().Get(), header.GetDestination().Get(), header.GetIdentification(), proto};
    if (header.GetFragmentOffset() != 0)
    {
        const FragmentEntry* e = FindFragment(key);
        if (!e)
        {
            return Drop(packet, header, FRAGMENT_UNKNOWN);
        }
        header.SetSource(e->newSource);
        ++m_stats.fragmentsOut;
        return Translated(packet, header, OUTBOUND);
    }
    bool more = !header.IsLastFragment();
    Verdict v = OutboundNapt(packet, header);
    if (more && v == TRANSLATED)
    {
        FragmentEntry e;
        e.newSource = header.GetSource();
        RememberFragment(key, e);
    }
    return v;
}

Ipv4Nat::Verdict
Ipv4Nat::InboundNapt(Ptr<const Packet>& packet, Ipv4Header& header)
{
    uint8_t proto = header.GetProtocol();
    if (packet->GetSize() < NeededBytes(proto))
    {
        return Drop(packet, header, MALFORMED);
    }
    Ipv4Address remote = header.GetSource();
    Ipv4Address out = header.GetDestination();
    if (proto == PROTO_ICMP)
    {
        std::vector<uint8_t> b = Head(packet, ICMP_ERROR_PREFIX);
        uint8_t type = b[0];
        if (IsIcmpError(type))
        {
            return TranslateIcmpError(packet, header, b, INBOUND);
        }
        if (!IsIcmpReply(type))
        {
            return PASS; // echo requests and the rest: the router's
        }
        b.resize(8);
        auto it = m_byOutside.find({PROTO_ICMP, out.Get(), Get16(b, 4)});
        if (it == m_byOutside.end())
        {
            return Drop(packet, header, NO_MAPPING);
        }
        MappingPtr m = it->second;
        if (!Permitted(*m, remote, 0))
        {
            return Drop(packet, header, FILTERED);
        }
        Set16(b, 4, m->insidePort, {{2, false}});
        if (header.IsLastFragment())
        {
            IcmpChecksumWhole(b, packet);
        }
        header.SetDestination(m->insideAddress);
        ++m->packetsIn;
        Refresh(m, proto, m_inboundRefresh);
        packet = Rebuild(packet, b);
        return Translated(packet, header, INBOUND);
    }
    std::vector<uint8_t> b = Head(packet, NeededBytes(proto));
    uint16_t sport = Get16(b, 0);
    uint16_t dport = Get16(b, 2);
    auto it = m_byOutside.find({proto, out.Get(), dport});
    if (it == m_byOutside.end())
    {
        // Ports outside the NAT's range are the router's own services.
        return InRange(proto, dport) ? Drop(packet, header, NO_MAPPING) : PASS;
    }
    MappingPtr m = it->second;
    if (!Permitted(*m, remote, sport))
    {
        return Drop(packet, header, FILTERED);
    }
    CsumField csum = L4Csum(proto, 0);
    AdjustFieldAddr(b, csum, out, m->insideAddress); // the pseudo-header
    Set16(b, 2, m->insidePort, {csum});
    if (proto == PROTO_TCP)
    {
        TrackTcp(*m, b[13], INBOUND);
    }
    header.SetDestination(m->insideAddress);
    ++m->packetsIn;
    Refresh(m, proto, m_inboundRefresh);
    packet = Rebuild(packet, b);
    return Translated(packet, header, INBOUND);
}

Ipv4Nat::Verdict
Ipv4Nat::OutboundNapt(Ptr<const Packet>& packet, Ipv4Header& header)
{
    uint8_t proto = header.GetProtocol();
    if (packet->GetSize() < NeededBytes(proto))
    {
        return Drop(packet, header, MALFORMED);
    }
    Ipv4Address inside = header.GetSource();
    Ipv4Address remote = header.GetDestination();
    DropReason why = NO_MAPPING;
    bool failed = false;
    if (proto == PROTO_ICMP)
    {
        std::vector<uint8_t> b = Head(packet, ICMP_ERROR_PREFIX);
        uint8_t type = b[0];
        if (IsIcmpError(type))
        {
            return TranslateIcmpError(packet, header, b, OUTBOUND);
        }
        if (!IsIcmpQuery(type))
        {
            // Replies and other types: nothing inbound was let through that
            // they could answer.
            return Drop(packet, header, IsIcmpReply(type) ? NO_MAPPING : UNSUPPORTED);
        }
        b.resize(8);
        MappingPtr m = OutboundMapping(PROTO_ICMP, inside, Get16(b, 4), &why, &failed);
        if (failed)
        {
            return Drop(packet, header, why);
        }
        Permit(*m, remote, 0);
        ++m->packetsOut;
        Refresh(m, proto, true);
        Set16(b, 4, m->outsidePort, {{2, false}});
        if (header.IsLastFragment())
        {
            IcmpChecksumWhole(b, packet);
        }
        header.SetSource(m->outsideAddress);
        packet = Rebuild(packet, b);
        return Translated(packet, header, OUTBOUND);
    }
    std::vector<uint8_t> b = Head(packet, NeededBytes(proto));
    uint16_t sport = Get16(b, 0);
    uint16_t dport = Get16(b, 2);
    MappingPtr m = OutboundMapping(proto, inside, sport, &why, &failed);
    if (failed)
    {
        return Drop(packet, header, why);
    }
    Permit(*m, remote, dport);
    if (proto == PROTO_TCP)
    {
        TrackTcp(*m, b[13], OUTBOUND);
    }
    ++m->packetsOut;
    Refresh(m, proto, true);
    CsumField csum = L4Csum(proto, 0);
    AdjustFieldAddr(b, csum, inside, m->outsideAddress);
    Set16(b, 0, m->outsidePort, {csum});
    header.SetSource(m->outsideAddress);
    packet = Rebuild(packet, b);
    return Translated(packet, header, OUTBOUND);
}

Ipv4Nat::Verdict
Ipv4Nat::TranslateIcmpError(Ptr<const Packet>& packet,
                            Ipv4Header& header,
                            std::vector<uint8_t>& b,
                            Direction d)
{
    // The quoted datagram (RFC 792): its IPv4 header and at least 8 bytes.
    const size_t e = 8;
    if (b.size() < e + 20 || (b[e] >> 4) != 4 || (b[e] & 0x0f) < 5
        || b.size() < e + (b[e] & 0x0f) * 4u)
    {
        return Drop(packet, header, MALFORMED);
    }
    const size_t l = e + (b[e] & 0x0f) * 4u;
    const size_t avail = b.size() - l;
    uint8_t qproto = b[e + 9];
    Ipv4Address qsrc = GetAddr(b, e + 12);
    Ipv4Address qdst = GetAddr(b, e + 16);
    bool qFirst = (Get16(b, e + 6) & 0x1fff) == 0;
    bool napt = qproto == PROTO_ICMP || qproto == PROTO_TCP || qproto == PROTO_UDP;
    // Where the quoted datagram's port (identifier) is: the source port or
    // the echo identifier the NAT wrote (inbound), the destination port the
    // NAT wrote (outbound).
    size_t portOff = qproto == PROTO_ICMP ? l + 4 : (d == INBOUND ? l : l + 2);
    if (napt && (!qFirst || avail < portOff - l + 2))
    {
        return Drop(packet, header, MALFORMED);
    }
    MappingPtr m;
    if (d == INBOUND)
    {
        // An error about a datagram the NAT sent: it quotes the outside address.
        if (qsrc != header.GetDestination())
        {
            return PASS;
        }
        if (napt)
        {
            uint16_t port = Get16(b, portOff);
            auto it = m_byOutside.find({qproto, qsrc.Get(), port});
            if (it == m_byOutside.end())
            {
                return InRange(qproto, port) ? Drop(packet, header, NO_MAPPING) : PASS;
            }
            m = it->second;
        }
        else
        {
            auto it = m_other.find({qproto, qdst.Get()});
            if (it == m_other.end())
            {
                return PASS;
            }
            m = it->second;
        }
    }
    else
    {
        // An inside host's error about a datagram the NAT translated to it.
        if (qdst != header.GetSource())
        {
            return Drop(packet, header, NO_MAPPING);
        }
        if (napt)
        {
            auto it = m_byInside.find({qproto, qdst.Get(), Get16(b, portOff)});
            if (it == m_byInside.end())
            {
                return Drop(packet, header, NO_MAPPING);
            }
            m = it->second;
        }
        else
        {
            auto it = m_other.find({qproto, qsrc.Get()});
            if (it == m_other.end() || it->second->insideAddress != qdst)
            {
                return Drop(packet, header, NO_MAPPING);
            }
            m = it->second;
        }
    }
    std::vector<uint8_t> old = b;
    CsumField ipCsum{e + 10, false};
    CsumField l4;
    if (qproto == PROTO_UDP && avail >= 8)
    {
        l4 = {l + 6, true};
    }
    else if (qproto == PROTO_TCP && avail >= 18)
    {
        l4 = {l + 16, false};
    }
    else if (qproto == PROTO_ICMP && avail >= 4)
    {
        l4 = {l + 2, false};
    }
    else
    {
        l4 = {SIZE_MAX, false};
    }
    CsumField pseudo = qproto == PROTO_ICMP ? CsumField{SIZE_MAX, false} : l4;
    if (d == INBOUND)
    {
        SetAddr(b, e + 12, m->insideAddress, {ipCsum, pseudo});
        if (napt)
        {
            Set16(b, portOff, m->insidePort, {l4});
        }
        header.SetDestination(m->insideAddress);
        ++m->packetsIn;
        ++m_stats.icmpErrorsIn;
    }
    else
    {
        SetAddr(b, e + 16, m->outsideAddress, {ipCsum, pseudo});
        if (napt)
        {
            Set16(b, portOff, m->outsidePort, {l4});
        }
        header.SetSource(m->outsideAddress);
        ++m->packetsOut;
        ++m_stats.icmpErrorsOut;
    }
    AdjustIcmpChecksum(b, old);
    if (header.IsLastFragment())
    {
        IcmpChecksumWhole(b, packet);
    }
    packet = Rebuild(packet, b);
    return Translated(packet, header, d);
}

Ipv4Nat::Verdict
Ipv4Nat::AddressOnly(Ptr<const Packet>& packet, Ipv4Header& header, Direction d)
{
    uint8_t proto = header.GetProtocol();
    MappingPtr m;
    if (d == INBOUND)
    {
        auto it = m_addrByOutside.find(header.GetDestination().Get());
        if (it == m_addrByOutside.end())
        {
            return Drop(packet, header, NO_MAPPING);
        }
        m = it->second;
    }
    else
    {
        DropReason why = NO_MAPPING;
        bool failed = false;
        m = AddressMapping(header.GetSource(), &why, &failed);
        if (failed)
        {
            return Drop(packet, header, why);
        }
    }
    Ipv4Address from = d == INBOUND ? header.GetDestination() : header.GetSource();
    Ipv4Address to = d == INBOUND ? m->insideAddress : m->outsideAddress;
    if (header.GetFragmentOffset() == 0
        && (proto == PROTO_UDP || proto == PROTO_TCP || proto == PROTO_ICMP))
    {
        // Only the first fragment has the transport header (its checksum
        // covers the whole datagram and the addresses).
        if (packet->GetSize() < NeededBytes(proto))
        {
            return Drop(packet, header, MALFORMED);
        }
        std::vector<uint8_t> b
            = Head(packet, proto == PROTO_ICMP ? ICMP_ERROR_PREFIX : NeededBytes(proto));
        if (proto == PROTO_ICMP)
        {
            if (IsIcmpError(b[0]))
            {
                const size_t e = 8;
                if (b.size() < e + 20 || (b[e] >> 4) != 4 || (b[e] & 0x0f) < 5
                    || b.size() < e + (b[e] & 0x0f) * 4u)
                {
                    return Drop(packet, header, MALFORMED);
                }
                const size_t l = e + (b[e] & 0x0f) * 4u;
                uint8_t qproto = b[e + 9];
                size_t avail = b.size() - l;
                CsumField pseudo{SIZE_MAX, false};
                if (qproto == PROTO_UDP && avail >= 8)
                {
                    pseudo = {l + 6, true};
                }
                else if (qproto == PROTO_TCP && avail >= 18)
                {
                    pseudo = {l + 16, false};
                }
                // The quoted datagram went the other way: its source is the
                // outside address (inbound), its destination the inside host
                // (outbound).
                size_t at = d == INBOUND ? e + 12 : e + 16;
                if (GetAddr(b, at) == from)
                {
                    std::vector<uint8_t> old = b;
                    SetAddr(b, at, to, {{e + 10, false}, pseudo});
                    AdjustIcmpChecksum(b, old);
                    packet = Rebuild(packet, b);
                }
                (d == INBOUND ? m_stats.icmpErrorsIn : m_stats.icmpErrorsOut)++;
            }
        }
        else
        {
            AdjustFieldAddr(b, L4Csum(proto, 0), from, to);
            packet = Rebuild(packet, b);
        }
    }
    else if (header.GetFragmentOffset() != 0)
    {
        (d == INBOUND ? m_stats.fragmentsIn : m_stats.fragmentsOut)++;
    }
    if (d == INBOUND)
    {
        header.SetDestination(to);
        ++m->packetsIn;
    }
    else
    {
        header.SetSource(to);
        m->remoteAddress = header.GetDestination();
        ++m->packetsOut;
    }
    Refresh(m, proto, d == OUTBOUND || m_inboundRefresh);
    return Translated(packet, header, d);
}

} // namespace ns3
