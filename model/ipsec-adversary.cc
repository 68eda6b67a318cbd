/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IpsecAdversary: every byte of its datagrams is written here, from the
 * RFCs (RFC 791 and 8200 for the IP headers and options, RFC 768/792/4443
 * for UDP and ICMP, RFC 4303 and 4302 for ESP and AH, RFC 3173 and 1951 for
 * IPComp and raw deflate), never by the module's transforms.
 */
#include "ipsec-adversary.h"

#include "ipsec-checksum.h"
#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <sstream>
#include <zlib.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecAdversary");
NS_OBJECT_ENSURE_REGISTERED(IpsecAdversary);

namespace
{

// IP protocol numbers (IANA).
constexpr uint8_t PROTO_HOPOPTS = 0;
constexpr uint8_t PROTO_ICMP = 1;
constexpr uint8_t PROTO_UDP = 17;
constexpr uint8_t PROTO_ROUTING = 43;
constexpr uint8_t PROTO_FRAGMENT = 44;
constexpr uint8_t PROTO_ESP = 50;
constexpr uint8_t PROTO_AH = 51;
constexpr uint8_t PROTO_ICMPV6 = 58;
constexpr uint8_t PROTO_DSTOPTS = 60;
constexpr uint8_t PROTO_IPCOMP = 108;

constexpr uint16_t ETHERTYPE_IPV4 = 0x0800;
constexpr uint16_t ETHERTYPE_IPV6 = 0x86DD;

/// RFC 3173 section 4 / RFC 2394: the well-known CPI of deflate.
constexpr uint16_t CPI_DEFLATE = 2;
/// RFC 4302 section 2: next header, payload length, reserved, SPI, sequence number.
constexpr uint32_t AH_FIXED = 12;
/// The ICV of every HMAC KAME offers (HMAC-*-96, RFC 2404 and 4868's truncations).
constexpr uint32_t ICV_96 = 12;
/// Where V6_FRAGMENT_OVERLAP cuts its ESP datagram (a multiple of 8, RFC 8200 4.5).
constexpr uint32_t OVERLAP_CUT = 48;

const std::array<const char*, IPSEC_ATTACK_KINDS> ATTACK_NAMES = {
    "forged-guessed-spi",
    "forged-real-spi",
    "replay",
    "bit-flip",
    "truncate",
    "plaintext-spoof",
    "ipcomp-spoof",
    "nested-ipcomp",
    "decompression-bomb",
    "exthdr-tricks",
    "flood",
};

void
Append16(std::vector<uint8_t>& v, uint16_t x)
{
    v.push_back(static_cast<uint8_t>(x >> 8));
    v.push_back(static_cast<uint8_t>(x));
}

void
Append32(std::vector<uint8_t>& v, uint32_t x)
{
    Append16(v, static_cast<uint16_t>(x >> 16));
    Append16(v, static_cast<uint16_t>(x));
}

void
Put16(std::vector<uint8_t>& v, std::size_t at, uint16_t x)
{
    v[at] = static_cast<uint8_t>(x >> 8);
    v[at + 1] = static_cast<uint8_t>(x);
}

void
Put32(std::vector<uint8_t>& v, std::size_t at, uint32_t x)
{
    Put16(v, at, static_cast<uint16_t>(x >> 16));
    Put16(v, at + 2, static_cast<uint16_t>(x));
}

uint16_t
Get16(const std::vector<uint8_t>& v, std::size_t at)
{
    return static_cast<uint16_t>((v[at] << 8) | v[at + 1]);
}

uint32_t
Get32(const std::vector<uint8_t>& v, std::size_t at)
{
    return (static_cast<uint32_t>(Get16(v, at)) << 16) | Get16(v, at + 2);
}

void
AppendBytes(std::vector<uint8_t>& v, const uint8_t* p, std::size_t n)
{
    v.insert(v.end(), p, p + n);
}

void
AppendBytes(std::vector<uint8_t>& v, const std::vector<uint8_t>& w)
{
    v.insert(v.end(), w.begin(), w.end());
}

/// RFC 791: the header checksum of the IPv4 header at the front of @p ip.
void
SetIpv4Checksum(std::vector<uint8_t>& ip)
{
    uint32_t hlen = (ip[0] & 0x0f) * 4u;
    Put16(ip, 10, 0);
    Put16(ip, 10, IpsecFoldChecksum(IpsecOnesSum(ip.data(), hlen)));
}

/// Raw deflate (RFC 1951: no zlib header or checksum, as RFC 2394 section 2 requires).
std::vector<uint8_t>
Deflate(const std::vector<uint8_t>& in)
{
    z_stream zs{};
    std::vector<uint8_t> out;
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    {
        return out;
    }
    out.resize(deflateBound(&zs, in.size()) + 16);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    out.resize(rc == Z_STREAM_END ? zs.total_out : 0);
    deflateEnd(&zs);
    return out;
}

/// An IPComp header (RFC 3173 section 2.2): next header, flags 0, the CPI.
std::vector<uint8_t>
IpcompHeader(uint8_t next)
{
    std::vector<uint8_t> h{next, 0};
    Append16(h, CPI_DEFLATE);
    return h;
}

/// An 8-byte Hop-by-Hop or Destination Options header holding one PadN
/// option (RFC 8200 sections 4.2-4.3).
std::vector<uint8_t>
PadNOptionsHeader(uint8_t next)
{
    return {next, 0, 1, 4, 0, 0, 0, 0};
}

} // namespace

const std::string IpsecAdversary::MARKER = "ns3-ipsec adversary";

std::string
IpsecAttackName(IpsecAttack attack)
{
    auto i = static_cast<std::size_t>(attack);
    return i < ATTACK_NAMES.size() ? ATTACK_NAMES[i] : "unknown";
}

std::vector<IpsecAttack>
IpsecAllAttacks()
{
    std::vector<IpsecAttack> all;
    for (std::size_t i = 0; i < IPSEC_ATTACK_KINDS; ++i)
    {
        all.push_back(static_cast<IpsecAttack>(i));
    }
    return all;
}

bool
IpsecParseAttacks(const std::string& list, std::vector<IpsecAttack>* attacks, std::string* error)
{
    std::vector<IpsecAttack> out;
    std::istringstream in(list);
    std::string name;
    while (std::getline(in, name, ','))
    {
        name.erase(0, name.find_first_not_of(" \t"));
        name.erase(name.find_last_not_of(" \t") + 1);
        if (name.empty())
        {
            continue;
        }
        if (name == "all")
        {
            std::vector<IpsecAttack> all = IpsecAllAttacks();
            out.insert(out.end(), all.begin(), all.end());
            continue;
        }
        auto it = std::find(ATTACK_NAMES.begin(), ATTACK_NAMES.end(), name);
        if (it == ATTACK_NAMES.end())
        {
            if (error)
            {
                std::string known;
                for (const char* n : ATTACK_NAMES)
                {
                    known += std::string(known.empty() ? "" : ", ") + n;
                }
                *error = "unknown attack '" + name + "' (known: all, " + known + ")";
            }
            return false;
        }
        out.push_back(static_cast<IpsecAttack>(it - ATTACK_NAMES.begin()));
    }
    *attacks = out;
    return true;
}

std::ostream&
operator<<(std::ostream& os, IpsecAttack attack)
{
    return os << IpsecAttackName(attack);
}

std::string
IpsecExtHdrTrickName(IpsecExtHdrTrick trick)
{
    switch (trick)
    {
        case IpsecExtHdrTrick::ALL:
            return "all";
        case IpsecExtHdrTrick::V6_CHAIN_IPSEC:
            return "v6-chain-ipsec";
        case IpsecExtHdrTrick::V6_CHAIN_PLAIN:
            return "v6-chain-plain";
        case IpsecExtHdrTrick::V6_ROUTING_IPSEC:
            return "v6-routing-ipsec";
        case IpsecExtHdrTrick::V6_ROUTING_PLAIN:
            return "v6-routing-plain";
        case IpsecExtHdrTrick::V6_FRAGMENT_OVERLAP:
            return "v6-fragment-overlap";
        case IpsecExtHdrTrick::V4_OPTIONS_IPSEC:
            return "v4-options-ipsec";
        case IpsecExtHdrTrick::V4_OPTIONS_PLAIN:
            return "v4-options-plain";
    }
    return "unknown";
}

TypeId
IpsecAdversary::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::IpsecAdversary")
              .SetParent<Application>()
              .SetGroupName("Ipsec")
              .AddConstructor<IpsecAdversary>()
              .AddAttribute("Interval",
                            "Time between two attacks of the schedule.",
                            TimeValue(MilliSeconds(100)),
                            MakeTimeAccessor(&IpsecAdversary::m_interval),
                            MakeTimeChecker(Time(0)))
              .AddAttribute("Count",
                            "Attacks of each kind in the list (a flood counts once).",
                            UintegerValue(3),
                            MakeUintegerAccessor(&IpsecAdversary::m_count),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("ForgedSize",
                            "Random bytes after a forged ESP header (IV, ciphertext, ICV) or "
                            "behind a forged AH ICV.  The default, 76, is a multiple of 4 (ESP "
                            "input's alignment check) and leaves a ciphertext that is no "
                            "multiple of an 8- or 16-byte cipher block once an IV is taken.",
                            UintegerValue(76),
                            MakeUintegerAccessor(&IpsecAdversary::m_forgedSize),
                            MakeUintegerChecker<uint32_t>(8, 1400))
              .AddAttribute("ForgedProtocol",
                            "The protocol of guessed-SPI datagrams.",
                            EnumValue(PROTO_ESP),
                            MakeEnumAccessor(&IpsecAdversary::m_forgedProtocol),
                            MakeEnumChecker(PROTO_ESP, "esp", PROTO_AH, "ah"))
              .AddAttribute("SequenceAdvance",
                            "A real-SPI forgery carries the highest sequence number seen for "
                            "the SPI plus this: past the right edge of the receiver's replay "
                            "window even when legitimate datagrams are still on their way.",
                            UintegerValue(1000),
                            MakeUintegerAccessor(&IpsecAdversary::m_sequenceAdvance),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("ReplayCopies",
                            "Copies of the captured datagram each REPLAY sends.",
                            UintegerValue(1),
                            MakeUintegerAccessor(&IpsecAdversary::m_replayCopies),
                            MakeUintegerChecker<uint32_t>(1, 10000))
              .AddAttribute("BitFlipField",
                            "The field a BIT_FLIP changes.",
                            EnumValue(static_cast<int>(IpsecBitFlipField::SEQUENCE)),
                            MakeEnumAccessor(&IpsecAdversary::m_bitFlipField),
                            MakeEnumChecker(static_cast<int>(IpsecBitFlipField::SEQUENCE),
                                            "sequence",
                                            static_cast<int>(IpsecBitFlipField::PAYLOAD),
                                            "payload",
                                            static_cast<int>(IpsecBitFlipField::ICV),
                                            "icv",
                                            static_cast<int>(IpsecBitFlipField::SPI),
                                            "spi"))
              .AddAttribute("SpoofProtocol",
                            "The plaintext of spoofs: a UDP datagram or an ICMP (ICMPv6) echo "
                            "request.",
                            EnumValue(PROTO_UDP),
                            MakeEnumAccessor(&IpsecAdversary::m_spoofProtocol),
                            MakeEnumChecker(PROTO_UDP, "udp", PROTO_ICMP, "icmp"))
              .AddAttribute("SpoofPort",
                            "Destination port of spoofed UDP (a port the victim listens on: "
                            "KAME's udp_input checks the policy only when a socket is found).",
                            UintegerValue(9),
                            MakeUintegerAccessor(&IpsecAdversary::m_spoofPort),
                            MakeUintegerChecker<uint16_t>())
              .AddAttribute("BombSize",
                            "Bytes a decompression bomb inflates to (zeros; the stream must "
                            "fit one frame: about 1.4 MB at most on a 1500-byte link).",
                            UintegerValue(1 << 20),
                            MakeUintegerAccessor(&IpsecAdversary::m_bombSize),
                            MakeUintegerChecker<uint32_t>(65536, 1400000))
              .AddAttribute(
                  "ExtHdrTrick",
                  "The trick of EXTHDR_TRICKS ('all': each of the victim's family in turn).",
                  EnumValue(static_cast<int>(IpsecExtHdrTrick::ALL)),
                  MakeEnumAccessor(&IpsecAdversary::m_trick),
                  MakeEnumChecker(static_cast<int>(IpsecExtHdrTrick::ALL),
                                  "all",
                                  static_cast<int>(IpsecExtHdrTrick::V6_CHAIN_IPSEC),
                                  "v6-chain-ipsec",
                                  static_cast<int>(IpsecExtHdrTrick::V6_CHAIN_PLAIN),
                                  "v6-chain-plain",
                                  static_cast<int>(IpsecExtHdrTrick::V6_ROUTING_IPSEC),
                                  "v6-routing-ipsec",
                                  static_cast<int>(IpsecExtHdrTrick::V6_ROUTING_PLAIN),
                                  "v6-routing-plain",
                                  static_cast<int>(IpsecExtHdrTrick::V6_FRAGMENT_OVERLAP),
                                  "v6-fragment-overlap",
                                  static_cast<int>(IpsecExtHdrTrick::V4_OPTIONS_IPSEC),
                                  "v4-options-ipsec",
                                  static_cast<int>(IpsecExtHdrTrick::V4_OPTIONS_PLAIN),
                                  "v4-options-plain"))
              .AddAttribute("ChainLength",
                            "Destination Options headers behind the Hop-by-Hop header of the "
                            "v6-chain tricks.  Beyond 30 the chain exceeds ns-3.37's 8-bit "
                            "extension-header offset (255 bytes): 31 loses the datagram, 32 and "
                            "more make Ipv6L3Protocol::LocalDeliver loop forever, on any IPv6 "
                            "node.",
                            UintegerValue(8),
                            MakeUintegerAccessor(&IpsecAdversary::m_chainLength),
                            MakeUintegerChecker<uint32_t>(1, 100))
              .AddAttribute("FloodAttack",
                            "The attack a FLOOD repeats.",
                            EnumValue(static_cast<int>(IpsecAttack::FORGED_GUESSED_SPI)),
                            MakeEnumAccessor(&IpsecAdversary::m_floodAttack),
                            MakeEnumChecker(static_cast<int>(IpsecAttack::FORGED_GUESSED_SPI),
                                            "forged-guessed-spi",
                                            static_cast<int>(IpsecAttack::FORGED_REAL_SPI),
                                            "forged-real-spi",
                                            static_cast<int>(IpsecAttack::REPLAY),
                                            "replay",
                                            static_cast<int>(IpsecAttack::BIT_FLIP),
                                            "bit-flip",
                                            static_cast<int>(IpsecAttack::TRUNCATE),
                                            "truncate",
                                            static_cast<int>(IpsecAttack::PLAINTEXT_SPOOF),
                                            "plaintext-spoof",
                                            static_cast<int>(IpsecAttack::IPCOMP_SPOOF),
                                            "ipcomp-spoof",
                                            static_cast<int>(IpsecAttack::NESTED_IPCOMP),
                                            "nested-ipcomp",
                                            static_cast<int>(IpsecAttack::DECOMPRESSION_BOMB),
                                            "decompression-bomb",
                                            static_cast<int>(IpsecAttack::EXTHDR_TRICKS),
                                            "exthdr-tricks"))
              .AddAttribute("FloodRate",
                            "Datagrams per second of a flood.",
                            DoubleValue(1000),
                            MakeDoubleAccessor(&IpsecAdversary::m_floodRate),
                            MakeDoubleChecker<double>(1e-3, 1e7))
              .AddAttribute("FloodCount",
                            "Datagrams of each flood.",
                            UintegerValue(100),
                            MakeUintegerAccessor(&IpsecAdversary::m_floodCount),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("MaxCaptures",
                            "Captured datagrams kept (the oldest are forgotten).",
                            UintegerValue(64),
                            MakeUintegerAccessor(&IpsecAdversary::m_maxCaptures),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("SpoofMac",
                            "Send with the MAC address seen for the spoofed IP source (else "
                            "the device's own).",
                            BooleanValue(true),
                            MakeBooleanAccessor(&IpsecAdversary::m_spoofMac),
                            MakeBooleanChecker())
              .AddTraceSource("Attack",
                              "An attack datagram (or fragment) sent: kind, IP datagram.",
                              MakeTraceSourceAccessor(&IpsecAdversary::m_attackTrace),
                              "ns3::IpsecAdversary::AttackTracedCallback");
    return tid;
}

IpsecAdversary::IpsecAdversary()
    : m_rng(CreateObject<UniformRandomVariable>())
{
    NS_LOG_FUNCTION(this);
}

IpsecAdversary::~IpsecAdversary()
{
    NS_LOG_FUNCTION(this);
}

void
IpsecAdversary::DoDispose()
{
    NS_LOG_FUNCTION(this);
    if (m_sniffing && m_device && m_device->GetNode())
    {
        m_device->GetNode()->UnregisterProtocolHandler(MakeCallback(&IpsecAdversary::Sniff, this));
        m_sniffing = false;
    }
    m_device = nullptr;
    m_captures.clear();
    m_echoGuard.clear();
    Application::DoDispose();
}

void
IpsecAdversary::SetDevice(Ptr<NetDevice> device)
{
    NS_LOG_FUNCTION(this << device);
    m_device = device;
    // Sniff from now on (even before the attacks start): the node's promiscuous
    // handler for this device, as a packet socket in promiscuous mode would.
    if (!m_sniffing && device && device->GetNode())
    {
        device->GetNode()->RegisterProtocolHandler(
            MakeCallback(&IpsecAdversary::Sniff, this), 0, device, true);
        m_sniffing = true;
    }
}

Ptr<NetDevice>
IpsecAdversary::GetDevice() const
{
    return m_device;
}

void
IpsecAdversary::SetVictim(const IpsecAddress& address)
{
    m_victim = address;
    if (m_spoofDestination.GetFamily() == IpsecAddress::NONE)
    {
        m_spoofDestination = address;
    }
}

void
IpsecAdversary::SetVictimMac(const Address& mac)
{
    m_victimMac = mac;
    m_victimMacSet = true;
}

void
IpsecAdversary::SetPeer(const IpsecAddress& address)
{
    m_peer = address;
}

void
IpsecAdversary::AddProtectedPrefix(const IpsecAddress& prefix, uint8_t length)
{
    m_prefixes.emplace_back(prefix, std::min<uint8_t>(length, prefix.GetBits()));
}

void
IpsecAdversary::SetSpoofDestination(const IpsecAddress& address)
{
    m_spoofDestination = address;
}

void
IpsecAdversary::SetAttacks(const std::vector<IpsecAttack>& attacks)
{
    m_attacks = attacks;
}

const std::vector<IpsecAttack>&
IpsecAdversary::GetAttacks() const
{
    return m_attacks;
}

uint64_t
IpsecAdversary::GetSent(IpsecAttack kind) const
{
    return m_sent[static_cast<std::size_t>(kind)];
}

uint64_t
IpsecAdversary::GetFrames(IpsecAttack kind) const
{
    return m_frames[static_cast<std::size_t>(kind)];
}

uint64_t
IpsecAdversary::GetSkipped(IpsecAttack kind) const
{
    return m_skipped[static_cast<std::size_t>(kind)];
}

uint64_t
IpsecAdversary::GetCaptured() const
{
    return m_captured;
}

const std::vector<IpsecExtHdrTrick>&
IpsecAdversary::GetTricksSent() const
{
    return m_tricksSent;
}

int64_t
IpsecAdversary::AssignStreams(int64_t stream)
{
    m_rng->SetStream(stream);
    return 1;
}

uint32_t
IpsecAdversary::RandomU32()
{
    return m_rng->GetInteger(0, 0xffffffffu);
}

std::vector<uint8_t>
IpsecAdversary::RandomBytes(uint32_t n)
{
    std::vector<uint8_t> b(n);
    for (auto& x : b)
    {
        x = static_cast<uint8_t>(m_rng->GetInteger(0, 255));
    }
    return b;
}

void
IpsecAdversary::StartApplication()
{
    NS_LOG_FUNCTION(this);
    NS_ABORT_MSG_IF(!m_device, "IpsecAdversary: no device (SetDevice)");
    NS_ABORT_MSG_IF(m_victim.GetFamily() == IpsecAddress::NONE, "IpsecAdversary: no victim");
    SetDevice(m_device); // sniffing, if the device had no node when it was set
    m_shot = 0;
    m_next = Simulator::ScheduleNow(&IpsecAdversary::Shoot, this);
}

void
IpsecAdversary::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_next.Cancel();
    for (auto& e : m_floods)
    {
        e.Cancel();
    }
    m_floods.clear();
}

// ---------------------------------------------------------------------------
// Sniffing
// ---------------------------------------------------------------------------

void
IpsecAdversary::Sniff(Ptr<NetDevice> /* device */,
                      Ptr<const Packet> packet,
                      uint16_t protocol,
                      const Address& from,
                      const Address& /* to */,
                      NetDevice::PacketType /* type */)
{
    if (protocol != ETHERTYPE_IPV4 && protocol != ETHERTYPE_IPV6)
    {
        return;
    }
    std::vector<uint8_t> b(packet->GetSize());
    packet->CopyData(b.data(), b.size());
    bool v6 = protocol == ETHERTYPE_IPV6;
    IpsecAddress src;
    IpsecAddress dst;
    uint8_t next = 0;
    uint32_t off = 0;
    if (!v6)
    {
        if (b.size() < 20 || (b[0] >> 4) != 4 || (b[0] & 0x0f) * 4u > b.size())
        {
            return;
        }
        src = IpsecAddress(Ipv4Address(Get32(b, 12)));
        dst = IpsecAddress(Ipv4Address(Get32(b, 16)));
        next = b[9];
        off = (b[0] & 0x0f) * 4u;
        if ((Get16(b, 6) & 0x3fff) != 0)
        {
            next = 0xff; // a fragment: not captured
        }
    }
    else
    {
        if (b.size() < 40 || (b[0] >> 4) != 6)
        {
            return;
        }
        src = IpsecAddress(Ipv6Address(&b[8]));
        dst = IpsecAddress(Ipv6Address(&b[24]));
        next = b[6];
        off = 40;
        // RFC 8200 section 4: walk the options and routing headers in front of IPsec.
        while ((next == PROTO_HOPOPTS || next == PROTO_ROUTING || next == PROTO_DSTOPTS)
               && off + 8 <= b.size())
        {
            uint8_t n = b[off];
            off += (b[off + 1] + 1u) * 8u;
            next = n;
        }
    }
    if (from.GetLength() == 6 && from != m_device->GetAddress())
    {
        m_macs[src] = from;
        if (src == m_victim && !m_victimMacSet)
        {
            m_victimMac = from;
        }
    }
    if (dst != m_victim || (next != PROTO_ESP && next != PROTO_AH) || off + 12 > b.size())
    {
        return;
    }
    // Our own frames coming back from the channel are not captures.
    for (auto it = m_echoGuard.begin(); it != m_echoGuard.end(); ++it)
    {
        if (*it == b)
        {
            m_echoGuard.erase(it);
            return;
        }
    }
    Capture c;
    c.ipv6 = v6;
    c.ipsecOffset = off;
    c.protocol = next;
    c.spi = Get32(b, next == PROTO_ESP ? off : off + 4);
    c.seq = Get32(b, next == PROTO_ESP ? off + 4 : off + 8);
    c.srcMac = from;
    c.src = src;
    c.ip = std::move(b);
    auto [it, fresh] = m_maxSeq.emplace(c.spi, c.seq);
    if (!fresh)
    {
        it->second = std::max(it->second, c.seq);
    }
    NS_LOG_LOGIC("captured " << (next == PROTO_ESP ? "ESP" : "AH") << " spi " << c.spi << " seq "
                             << c.seq << " from " << src);
    m_captures.push_back(std::move(c));
    while (m_captures.size() > m_maxCaptures)
    {
        m_captures.pop_front();
    }
    ++m_captured;
}

// ---------------------------------------------------------------------------
// The schedule
// ---------------------------------------------------------------------------

void
IpsecAdversary::Shoot()
{
    std::size_t n = m_attacks.size();
    if (n == 0 || m_shot >= static_cast<uint64_t>(m_count) * n)
    {
        return;
    }
    IpsecAttack kind = m_attacks[m_shot % n];
    ++m_shot;
    if (kind == IpsecAttack::FLOOD)
    {
        FloodOne(m_floodCount);
    }
    else
    {
        Attack(kind, kind);
    }
    if (m_shot < static_cast<uint64_t>(m_count) * n)
    {
        m_next = Simulator::Schedule(m_interval, &IpsecAdversary::Shoot, this);
    }
}

void
IpsecAdversary::FloodOne(uint32_t left)
{
    auto kind = static_cast<IpsecAttack>(m_floodAttack);
    if (kind == IpsecAttack::FLOOD)
    {
        kind = IpsecAttack::FORGED_GUESSED_SPI;
    }
    Attack(kind, IpsecAttack::FLOOD);
    if (left > 1)
    {
        m_floods.push_back(Simulator::Schedule(
            Seconds(1.0 / m_floodRate), &IpsecAdversary::FloodOne, this, left - 1));
    }
}

void
IpsecAdversary::Attack(IpsecAttack kind, IpsecAttack as)
{
    std::vector<Frame> frames;
    m_current = as;
    if (!Build(kind, &frames) || frames.empty())
    {
        ++m_skipped[static_cast<std::size_t>(as)];
        NS_LOG_INFO(Simulator::Now().As(Time::S)
                    << " " << kind << ": cannot be made yet (nothing captured?), skipped");
        return;
    }
    uint32_t copies = kind == IpsecAttack::REPLAY ? m_replayCopies : 1;
    for (uint32_t c = 0; c < copies; ++c)
    {
        for (const Frame& f : frames)
        {
            Send(as, f);
        }
    }
    m_sent[static_cast<std::size_t>(as)] += copies;
    NS_LOG_INFO(Simulator::Now().As(Time::S)
                << " " << kind << ": sent " << copies << " x " << frames.size() << " frame(s)");
}

void
IpsecAdversary::Send(IpsecAttack as, const Frame& frame)
{
    Ptr<Packet> p = Create<Packet>(frame.ip.data(), frame.ip.size());
    Address dst = m_victimMac.IsInvalid() ? Address(Mac48Address::GetBroadcast()) : m_victimMac;
    uint16_t proto = frame.ipv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
    m_attackTrace(as, p);
    m_echoGuard.push_back(frame.ip);
    while (m_echoGuard.size() > 256)
    {
        m_echoGuard.pop_front();
    }
    bool ok;
    if (m_device->SupportsSendFrom() && !frame.srcMac.IsInvalid())
    {
        ok = m_device->SendFrom(p, frame.srcMac, dst, proto);
    }
    else
    {
        ok = m_device->Send(p, dst, proto);
    }
    if (!ok)
    {
        NS_LOG_WARN("the device refused an attack frame of " << frame.ip.size() << " bytes");
    }
    ++m_frames[static_cast<std::size_t>(as)];
}

// ---------------------------------------------------------------------------
// Building datagrams
// ---------------------------------------------------------------------------

bool
IpsecAdversary::Build(IpsecAttack kind, std::vector<Frame>* frames)
{
    switch (kind)
    {
        case IpsecAttack::FORGED_GUESSED_SPI:
            return BuildForged(false, frames);
        case IpsecAttack::FORGED_REAL_SPI:
            return BuildForged(true, frames);
        case IpsecAttack::REPLAY:
        case IpsecAttack::BIT_FLIP:
        case IpsecAttack::TRUNCATE:
            return BuildFromCapture(kind, frames);
        case IpsecAttack::PLAINTEXT_SPOOF:
            return BuildSpoof(false, frames);
        case IpsecAttack::IPCOMP_SPOOF:
            return BuildSpoof(true, frames);
        case IpsecAttack::NESTED_IPCOMP:
            return BuildNestedIpcomp(frames);
        case IpsecAttack::DECOMPRESSION_BOMB:
            return BuildBomb(frames);
        case IpsecAttack::EXTHDR_TRICKS:
            return BuildTrick(frames);
        case IpsecAttack::FLOOD:
            break;
    }
    return false;
}

std::vector<uint8_t>
IpsecAdversary::IpDatagram(const IpsecAddress& src,
                           const IpsecAddress& dst,
                           uint8_t protocol,
                           const std::vector<uint8_t>& payload,
                           const std::vector<uint8_t>& v4options)
{
    std::vector<uint8_t> ip;
    if (dst.IsV6())
    {
        // RFC 8200 section 3: version 6, traffic class 0, flow label 0.
        Append32(ip, 6u << 28);
        Append16(ip, static_cast<uint16_t>(payload.size()));
        ip.push_back(protocol);
        ip.push_back(64); // hop limit
        AppendBytes(ip, src.Bytes(), 16);
        AppendBytes(ip, dst.Bytes(), 16);
    }
    else
    {
        // RFC 791 section 3.1; options padded with End of Option List to 32 bits.
        std::vector<uint8_t> opt = v4options;
        while (opt.size() % 4)
        {
            opt.push_back(0);
        }
        uint32_t hlen = 20 + static_cast<uint32_t>(opt.size());
        ip.push_back(static_cast<uint8_t>(0x40 | (hlen / 4)));
        ip.push_back(0); // type of service
        Append16(ip, static_cast<uint16_t>(hlen + payload.size()));
        Append16(ip, static_cast<uint16_t>(m_rng->GetInteger(0, 0xffff))); // identification
        Append16(ip, 0);                                                   // flags, offset
        ip.push_back(64);                                                  // time to live
        ip.push_back(protocol);
        Append16(ip, 0); // checksum, below
        AppendBytes(ip, src.Bytes(), 4);
        AppendBytes(ip, dst.Bytes(), 4);
        AppendBytes(ip, opt);
        SetIpv4Checksum(ip);
    }
    AppendBytes(ip, payload);
    return ip;
}

std::vector<uint8_t>
IpsecAdversary::MarkerText()
{
    std::ostringstream s;
    s << MARKER << " " << m_current << " #" << ++m_text << " at "
      << Simulator::Now().GetMicroSeconds() << "us";
    std::string t = s.str();
    return std::vector<uint8_t>(t.begin(), t.end());
}

std::vector<uint8_t>
IpsecAdversary::UdpPayload(const IpsecAddress& src, const IpsecAddress& dst)
{
    // RFC 768.
    std::vector<uint8_t> text = MarkerText();
    std::vector<uint8_t> udp;
    Append16(udp, static_cast<uint16_t>(m_rng->GetInteger(49152, 65535))); // source port
    Append16(udp, m_spoofPort);
    Append16(udp, static_cast<uint16_t>(8 + text.size()));
    Append16(udp, 0);
    AppendBytes(udp, text);
    uint16_t sum = IpsecUpperChecksum(src, dst, PROTO_UDP, udp);
    Put16(udp, 6, sum == 0 ? 0xffff : sum);
    return udp;
}

std::vector<uint8_t>
IpsecAdversary::PlainPayload(const IpsecAddress& src, const IpsecAddress& dst, uint8_t* protocol)
{
    if (m_spoofProtocol == PROTO_UDP)
    {
        *protocol = PROTO_UDP;
        return UdpPayload(src, dst);
    }
    // An echo request: RFC 792 (type 8, checksum over the message) or RFC 4443
    // section 4.1 (type 128, checksum with the pseudo-header).
    std::vector<uint8_t> icmp{static_cast<uint8_t>(dst.IsV6() ? 128 : 8), 0, 0, 0};
    Append16(icmp, static_cast<uint16_t>(m_rng->GetInteger(0, 0xffff))); // identifier
    Append16(icmp, static_cast<uint16_t>(m_text + 1));                   // sequence number
    AppendBytes(icmp, MarkerText());
    if (dst.IsV6())
    {
        *protocol = PROTO_ICMPV6;
        Put16(icmp, 2, IpsecUpperChecksum(src, dst, PROTO_ICMPV6, icmp));
    }
    else
    {
        *protocol = PROTO_ICMP;
        Put16(icmp, 2, IpsecFoldChecksum(IpsecOnesSum(icmp.data(), icmp.size())));
    }
    return icmp;
}

IpsecAddress
IpsecAdversary::SpoofedSource()
{
    std::vector<std::pair<IpsecAddress, uint8_t>> mine;
    for (const auto& p : m_prefixes)
    {
        if (p.first.GetFamily() == m_victim.GetFamily())
        {
            mine.push_back(p);
        }
    }
    if (mine.empty())
    {
        return PeerAddress();
    }
    const auto& [prefix, len] = mine[m_rng->GetInteger(0, mine.size() - 1)];
    uint32_t bits = prefix.GetBits();
    std::array<uint8_t, 16> a{};
    std::copy(prefix.Bytes(), prefix.Bytes() + prefix.Size(), a.begin());
    uint32_t hostBits = bits - len;
    if (hostBits > 0)
    {
        // Random host bits; never all zeros or all ones (the subnet's own addresses).
        bool allZero;
        bool allOne;
        do
        {
            allZero = true;
            allOne = true;
            for (uint32_t bit = len; bit < bits; ++bit)
            {
                uint8_t mask = static_cast<uint8_t>(0x80 >> (bit % 8));
                if (m_rng->GetInteger(0, 1))
                {
                    a[bit / 8] |= mask;
                    allZero = false;
                }
                else
                {
                    a[bit / 8] &= static_cast<uint8_t>(~mask);
                    allOne = false;
                }
            }
        } while (hostBits >= 2 && (allZero || allOne));
    }
    return prefix.IsV6() ? IpsecAddress(Ipv6Address(a.data()))
                         : IpsecAddress(Ipv4Address((static_cast<uint32_t>(a[0]) << 24)
                                                    | (static_cast<uint32_t>(a[1]) << 16)
                                                    | (static_cast<uint32_t>(a[2]) << 8) | a[3]));
}

IpsecAddress
IpsecAdversary::PeerAddress()
{
    if (m_peer.GetFamily() == m_victim.GetFamily())
    {
        return m_peer;
    }
    if (!m_captures.empty())
    {
        return m_captures.back().src;
    }
    for (const auto& p : m_prefixes)
    {
        if (p.first.GetFamily() == m_victim.GetFamily())
        {
            return SpoofedSource();
        }
    }
    // RFC 5737 / RFC 3849 documentation addresses.
    return m_victim.IsV6() ? IpsecAddress(Ipv6Address("2001:db8::1"))
                           : IpsecAddress(Ipv4Address("192.0.2.1"));
}

Address
IpsecAdversary::MacFor(const IpsecAddress& ip) const
{
    if (m_spoofMac)
    {
        auto it = m_macs.find(ip);
        if (it != m_macs.end())
        {
            return it->second;
        }
        // A source behind the peer (a tunnelled prefix) arrives from the peer's MAC.
        if (!m_captures.empty())
        {
            return m_captures.back().srcMac;
        }
    }
    return m_device->GetAddress();
}

bool
IpsecAdversary::ForgedIpsecPayload(bool realSpi, std::vector<uint8_t>* payload, uint8_t* protocol)
{
    uint32_t spi;
    uint32_t seq = 1;
    uint32_t icv = ICV_96;
    if (realSpi)
    {
        if (m_captures.empty())
        {
            return false;
        }
        const Capture& c = m_captures.back();
        spi = c.spi;
        *protocol = c.protocol;
        seq = m_maxSeq[spi] + m_sequenceAdvance;
        if (c.protocol == PROTO_AH)
        {
            uint32_t ahLen = (c.ip[c.ipsecOffset + 1] + 2u) * 4u;
            icv = ahLen > AH_FIXED ? ahLen - AH_FIXED : ICV_96;
        }
    }
    else
    {
        *protocol = static_cast<uint8_t>(m_forgedProtocol);
        // A guess: any SPI from 256 up (RFC 4303 2.1 reserves 1-255) that
        // the link has not shown.
        do
        {
            spi = RandomU32();
        } while (spi < 256 || m_maxSeq.count(spi));
    }
    payload->clear();
    if (*protocol == PROTO_ESP)
    {
        // RFC 4303 section 2: SPI, sequence number, then what the SA would
        // encrypt and authenticate: random bytes here.
        Append32(*payload, spi);
        Append32(*payload, seq);
        AppendBytes(*payload, RandomBytes(m_forgedSize));
    }
    else
    {
        // RFC 4302 section 2: the payload length is the AH length in 32-bit
        // words minus 2; the ICV is random, the protected payload too.
        payload->push_back(PROTO_UDP);
        payload->push_back(static_cast<uint8_t>((AH_FIXED + icv) / 4 - 2));
        Append16(*payload, 0);
        Append32(*payload, spi);
        Append32(*payload, seq);
        AppendBytes(*payload, RandomBytes(icv));
        AppendBytes(*payload, RandomBytes(m_forgedSize));
    }
    return true;
}

bool
IpsecAdversary::BuildForged(bool realSpi, std::vector<Frame>* frames)
{
    std::vector<uint8_t> payload;
    uint8_t proto;
    if (!ForgedIpsecPayload(realSpi, &payload, &proto))
    {
        return false;
    }
    IpsecAddress src = PeerAddress();
    frames->push_back({IpDatagram(src, m_victim, proto, payload), m_victim.IsV6(), MacFor(src)});
    return true;
}

bool
IpsecAdversary::BuildFromCapture(IpsecAttack kind, std::vector<Frame>* frames)
{
    if (m_captures.empty())
    {
        return false;
    }
    Capture c = m_captures[m_rng->GetInteger(0, m_captures.size() - 1)];
    std::vector<uint8_t>& b = c.ip;
    const uint32_t off = c.ipsecOffset;
    const bool esp = c.protocol == PROTO_ESP;
    const uint32_t spiAt = esp ? off : off + 4;
    const uint32_t seqAt = esp ? off + 4 : off + 8;
    const uint32_t ahLen = esp ? 0 : (b[off + 1] + 2u) * 4u;
    if (kind == IpsecAttack::BIT_FLIP)
    {
        // The region of each field ([from, to) in bytes).
        uint32_t from = 0;
        uint32_t to = 0;
        auto field = static_cast<IpsecBitFlipField>(m_bitFlipField);
        if (field == IpsecBitFlipField::SEQUENCE)
        {
            // A 0 bit among bits 16..30: the number grows by at least 2^16,
            // beyond anything the receiver has accepted.
            uint32_t seq = Get32(b, seqAt);
            std::vector<uint32_t> zeros;
            for (uint32_t bit = 16; bit <= 30; ++bit)
            {
                if (!(seq & (1u << bit)))
                {
                    zeros.push_back(bit);
                }
            }
            if (!zeros.empty())
            {
                seq |= 1u << zeros[m_rng->GetInteger(0, zeros.size() - 1)];
                Put32(b, seqAt, seq);
                frames->push_back({b, c.ipv6, c.srcMac});
                return true;
            }
            field = IpsecBitFlipField::ICV;
        }
        switch (field)
        {
            case IpsecBitFlipField::SPI:
                from = spiAt;
                to = spiAt + 4;
                break;
            case IpsecBitFlipField::PAYLOAD:
                from = esp ? off + 8 : off + ahLen;
                to = static_cast<uint32_t>(b.size());
                break;
            default: // ICV
                if (esp)
                {
                    to = static_cast<uint32_t>(b.size());
                    from = std::max(off + 8, to >= ICV_96 ? to - ICV_96 : 0);
                }
                else
                {
                    from = off + AH_FIXED;
                    to = std::min<uint32_t>(off + ahLen, b.size());
                }
                break;
        }
        if (to <= from)
        {
            from = spiAt;
            to = spiAt + 4;
        }
        uint32_t bit = m_rng->GetInteger(from * 8, to * 8 - 1);
        b[bit / 8] ^= static_cast<uint8_t>(0x80 >> (bit % 8));
    }
    else if (kind == IpsecAttack::TRUNCATE)
    {
        uint32_t len = static_cast<uint32_t>(b.size()) - off;
        uint32_t keep;
        if (esp)
        {
            // Not a multiple of 4 (the alignment check of esp4_input/esp6_input).
            do
            {
                keep = m_rng->GetInteger(1, len - 1);
            } while (keep % 4 == 0);
        }
        else
        {
            // Inside the AH header or its ICV.
            keep = m_rng->GetInteger(1, std::min(ahLen, len) - 1);
        }
        b.resize(off + keep);
        if (c.ipv6)
        {
            Put16(b, 4, static_cast<uint16_t>(b.size() - 40));
        }
        else
        {
            Put16(b, 2, static_cast<uint16_t>(b.size()));
            SetIpv4Checksum(b);
        }
    }
    frames->push_back({b, c.ipv6, c.srcMac});
    return true;
}

bool
IpsecAdversary::BuildSpoof(bool ipcomp, std::vector<Frame>* frames)
{
    IpsecAddress src = SpoofedSource();
    IpsecAddress dst = m_spoofDestination;
    uint8_t proto;
    std::vector<uint8_t> upper = PlainPayload(src, dst, &proto);
    if (ipcomp)
    {
        std::vector<uint8_t> comp = IpcompHeader(proto);
        AppendBytes(comp, Deflate(upper));
        upper = comp;
        proto = PROTO_IPCOMP;
    }
    frames->push_back({IpDatagram(src, dst, proto, upper), dst.IsV6(), MacFor(src)});
    return true;
}

bool
IpsecAdversary::BuildNestedIpcomp(std::vector<Frame>* frames)
{
    IpsecAddress src = PeerAddress();
    std::vector<uint8_t> inner = IpcompHeader(PROTO_UDP);
    AppendBytes(inner, Deflate(UdpPayload(src, m_victim)));
    std::vector<uint8_t> outer = IpcompHeader(PROTO_IPCOMP);
    AppendBytes(outer, Deflate(inner));
    frames->push_back(
        {IpDatagram(src, m_victim, PROTO_IPCOMP, outer), m_victim.IsV6(), MacFor(src)});
    return true;
}

bool
IpsecAdversary::BuildBomb(std::vector<Frame>* frames)
{
    IpsecAddress src = PeerAddress();
    std::vector<uint8_t> comp = IpcompHeader(PROTO_UDP);
    AppendBytes(comp, Deflate(std::vector<uint8_t>(m_bombSize, 0)));
    std::vector<uint8_t> ip = IpDatagram(src, m_victim, PROTO_IPCOMP, comp);
    if (ip.size() > m_device->GetMtu())
    {
        NS_LOG_WARN("a bomb of " << m_bombSize << " bytes needs " << ip.size()
                                 << " bytes, more than the link's MTU");
        return false;
    }
    frames->push_back({ip, m_victim.IsV6(), MacFor(src)});
    return true;
}

bool
IpsecAdversary::BuildTrick(std::vector<Frame>* frames)
{
    auto trick = static_cast<IpsecExtHdrTrick>(m_trick);
    if (trick == IpsecExtHdrTrick::ALL)
    {
        static const std::vector<IpsecExtHdrTrick> v6 = {IpsecExtHdrTrick::V6_CHAIN_IPSEC,
                                                         IpsecExtHdrTrick::V6_CHAIN_PLAIN,
                                                         IpsecExtHdrTrick::V6_ROUTING_IPSEC,
                                                         IpsecExtHdrTrick::V6_ROUTING_PLAIN,
                                                         IpsecExtHdrTrick::V6_FRAGMENT_OVERLAP};
        static const std::vector<IpsecExtHdrTrick> v4
            = {IpsecExtHdrTrick::V4_OPTIONS_IPSEC, IpsecExtHdrTrick::V4_OPTIONS_PLAIN};
        const auto& list = m_victim.IsV6() ? v6 : v4;
        trick = list[m_trickIndex % list.size()];
        // Move on only when the trick could be made (the IPsec ones need a capture).
        if (!BuildTrick(trick, frames))
        {
            return false;
        }
        ++m_trickIndex;
    }
    else if (!BuildTrick(trick, frames))
    {
        return false;
    }
    m_tricksSent.push_back(trick);
    return true;
}

bool
IpsecAdversary::BuildTrick(IpsecExtHdrTrick trick, std::vector<Frame>* frames)
{
    const bool v6 = m_victim.IsV6();
    const bool v6Trick = trick != IpsecExtHdrTrick::V4_OPTIONS_IPSEC
                      && trick != IpsecExtHdrTrick::V4_OPTIONS_PLAIN;
    if (v6 != v6Trick)
    {
        return false;
    }
    const bool ipsec = trick == IpsecExtHdrTrick::V6_CHAIN_IPSEC
                    || trick == IpsecExtHdrTrick::V6_ROUTING_IPSEC
                    || trick == IpsecExtHdrTrick::V4_OPTIONS_IPSEC;
    IpsecAddress src;
    IpsecAddress dst;
    std::vector<uint8_t> upper;
    uint8_t proto;
    if (trick == IpsecExtHdrTrick::V6_FRAGMENT_OVERLAP)
    {
        // One ESP datagram with a guessed SPI in three fragments, and between the
        // first and the last a second first fragment (offset 0) whose ESP header
        // carries the real SPI (RFC 5722 describes the attack).
        src = PeerAddress();
        dst = m_victim;
        std::vector<uint8_t> guessed;
        std::vector<uint8_t> real;
        int savedProto = m_forgedProtocol;
        m_forgedProtocol = PROTO_ESP;
        ForgedIpsecPayload(false, &guessed, &proto);
        uint8_t realProto = 0;
        if (!ForgedIpsecPayload(true, &real, &realProto) || realProto != PROTO_ESP)
        {
            ForgedIpsecPayload(false, &real, &realProto);
        }
        m_forgedProtocol = savedProto;
        uint32_t cut = std::min<uint32_t>(OVERLAP_CUT, (guessed.size() / 2) & ~7u);
        uint32_t id = RandomU32();
        auto fragment = [&](const std::vector<uint8_t>& data, uint32_t from, uint32_t to, bool more)
        {
            // RFC 8200 section 4.5: next header, reserved, offset (8-byte units) | M, id.
            std::vector<uint8_t> f{PROTO_ESP, 0};
            Append16(f, static_cast<uint16_t>((from / 8) << 3 | (more ? 1 : 0)));
            Append32(f, id);
            f.insert(f.end(), data.begin() + from, data.begin() + to);
            frames->push_back({IpDatagram(src, dst, PROTO_FRAGMENT, f), true, MacFor(src)});
        };
        fragment(guessed, 0, cut, true);
        fragment(real, 0, std::min<uint32_t>(cut, real.size()), true);
        fragment(guessed, cut, guessed.size(), false);
        return true;
    }
    if (ipsec)
    {
        src = PeerAddress();
        dst = m_victim;
        if (!ForgedIpsecPayload(true, &upper, &proto))
        {
            return false;
        }
    }
    else
    {
        src = SpoofedSource();
        dst = m_spoofDestination;
        upper = PlainPayload(src, dst, &proto);
    }
    if (!v6)
    {
        // RFC 2113 Router Alert (copied, class 0, number 20; value 0).
        std::vector<uint8_t> options{0x94, 0x04, 0x00, 0x00};
        frames->push_back({IpDatagram(src, dst, proto, upper, options), false, MacFor(src)});
        return true;
    }
    std::vector<uint8_t> ext;
    uint8_t first;
    if (trick == IpsecExtHdrTrick::V6_CHAIN_IPSEC || trick == IpsecExtHdrTrick::V6_CHAIN_PLAIN)
    {
        first = PROTO_HOPOPTS;
        AppendBytes(ext, PadNOptionsHeader(PROTO_DSTOPTS));
        for (uint32_t i = 0; i < m_chainLength; ++i)
        {
            AppendBytes(ext, PadNOptionsHeader(i + 1 < m_chainLength ? PROTO_DSTOPTS : proto));
        }
    }
    else
    {
        // RFC 8200 section 4.4 with RFC 2460's type 0: one address, segments
        // left 0 -- the datagram is at its final destination, the header is
        // only to be skipped (RFC 5095 section 3).
        first = PROTO_ROUTING;
        ext = {proto, 2, 0, 0, 0, 0, 0, 0};
        AppendBytes(ext, src.Bytes(), 16);
    }
    AppendBytes(ext, upper);
    frames->push_back({IpDatagram(src, dst, first, ext), true, MacFor(src)});
    return true;
}

} // namespace ns3
