/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Tunnel mode end to end: the NetBSD IPsec FAQ's two-gateway VPN
 * (IpsecVpnHelper) and its leaf-node host tunnel, configured by setkey,
 * with real and crafted traffic.  What the suite checks, against KAME's
 * functions (named below) and doc/ipsec.rst:
 *
 *  - the datagrams on the links, read from the devices' frames (PPP on the
 *    WAN and the leaf-node links, Ethernet at the receiving host): only
 *    ESP/AH between the tunnel ends, the outer header (TTL 64, TOS and ECN,
 *    DF per dfbit), the nesting of bundles (the bytes after the outer
 *    header), the inner TTL at the destination host (ipsec4_output's
 *    request order, ipsec4_encapsulate, ipsec6_encapsulate);
 *  - the gateways' ipsecstat/ipsec6stat against those frames;
 *  - the ipsec(4) knobs dfbit, ecn, esp_net_deflev, esp_enable;
 *  - the inbound check after decapsulation, corrected and with KAME's
 *    history bug (ipsec_in_reject, ipsec(4) BUGS), and on forwarded
 *    datagrams (ip_input's forwarding check);
 *  - the decapsulation test ipsec4_tunnel_validate with forged and
 *    malformed tunnel datagrams (see "Leaving a tunnel" in doc/ipsec.rst);
 *  - "fragmentation needed" / Packet Too Big with the IPsec overhead
 *    (ipsec_hdrsiz) and fragmentation of the outer datagram.
 *
 * Crafted tunnel datagrams are built with a sender-side IpsecSa holding the
 * keys of the receiving gateway's SA, and sent from a raw socket (IPv4 with
 * IpHeaderInclude, which bypasses the sender's IPsec output).
 *
 * ns-3 stops a suite at its first failing test case: the cases that found
 * the model's deviations from KAME (a tunnel inside a tunnel with the same
 * endpoints, "fragmentation needed" decided by the outer DF) come last.
 */
#include "common/ipsec-traffic-helper.h"
#include "ipsec-test-base.h"
#include "ipsec-test-util.h"
#include "ns3/boolean.h"
#include "ns3/csma-net-device.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/integer.h"
#include "ns3/ipsec-module.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-raw-socket-factory.h"
#include "ns3/ipv6-header.h"
#include "ns3/ipv6-raw-socket-factory.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/udp-header.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace ns3;

namespace
{

using Bytes = std::vector<uint8_t>;

// ---- ECN code points and a DSCP (RFC 3168 / RFC 2474) ------------------
constexpr uint8_t NOT_ECT = 0x00;
constexpr uint8_t ECT1 = 0x01;
constexpr uint8_t ECT0 = 0x02;
constexpr uint8_t CE = 0x03;
constexpr uint8_t DSCP_EF = 0xb8;

constexpr uint16_t PORT = 9; ///< the UDP port the receiving host listens on

// The FAQ's ciphers: blowfish-cbc, 8-byte IV, 8-byte block (RFC 2451).
constexpr uint32_t ESP_HDR = 8;
constexpr uint32_t BF_IV = 8;
constexpr uint32_t BF_BLOCK = 8;
const std::string FAQ_KEY_12 = "blowfishtest.001"; ///< gw1 -> gw2, SPI 13245

/// Size of ESP around @p plen payload bytes with blowfish-cbc and no
/// authentication: header, IV, payload, KAME padding (never an extension of
/// exactly 1) with its two trailer bytes (esp_output).
uint32_t
EspLen(uint32_t plen)
{
    uint32_t extend = BF_BLOCK - plen % BF_BLOCK;
    if (extend == 1)
    {
        extend += BF_BLOCK;
    }
    return ESP_HDR + BF_IV + plen + extend;
}

/// ipsec_hdrsiz of one blowfish-cbc ESP tunnel request: outer header, ESP
/// header, IV, worst-case padding (padbound + 1), no ICV.
uint32_t
TunnelOverhead(bool v6)
{
    return (v6 ? 40 : 20) + ESP_HDR + BF_IV + BF_BLOCK + 1;
}

Bytes
PacketBytes(Ptr<const Packet> p)
{
    Bytes b(p->GetSize());
    p->CopyData(b.data(), b.size());
    return b;
}

uint32_t
Read32(const uint8_t* p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

/// One IP datagram as seen on a link (layer-2 framing removed).
struct Datagram
{
    Bytes b;
    Time t;

    bool V6() const
    {
        return (b[0] >> 4) == 6;
    }

    uint32_t HeaderLength() const
    {
        return V6() ? 40 : (b[0] & 0x0f) * 4u;
    }

    uint8_t Proto() const
    {
        return V6() ? b[6] : b[9];
    }

    uint8_t Ttl() const
    {
        return V6() ? b[7] : b[8];
    }

    uint8_t Tos() const
    {
        return V6() ? static_cast<uint8_t>(((b[0] & 0x0f) << 4) | (b[1] >> 4)) : b[1];
    }

    bool Df() const
    {
        return !V6() && (b[6] & 0x40);
    }

    bool Mf() const
    {
        return !V6() && (b[6] & 0x20);
    }

    uint16_t FragOffset() const
    {
        return V6() ? 0 : static_cast<uint16_t>(((b[6] & 0x1f) << 8) | b[7]);
    }

    bool IsFragment() const
    {
        return Mf() || FragOffset() != 0;
    }

    IpsecAddress Src() const
    {
        return V6() ? IpsecAddress(Ipv6Address::Deserialize(&b[8]))
                    : IpsecAddress(Ipv4Address::Deserialize(&b[12]));
    }

    IpsecAddress Dst() const
    {
        return V6() ? IpsecAddress(Ipv6Address::Deserialize(&b[24]))
                    : IpsecAddress(Ipv4Address::Deserialize(&b[16]));
    }

    /// IPv6 neighbour discovery and DAD: link-local or unspecified source,
    /// or a multicast destination.  Not part of the traffic under test.
    bool IsControl() const
    {
        if (!V6())
        {
            return false;
        }
        bool llSrc = (b[8] == 0xfe && (b[9] & 0xc0) == 0x80) || Src().IsAny();
        return llSrc || b[24] == 0xff;
    }

    const uint8_t* Payload() const
    {
        return b.data() + HeaderLength();
    }

    uint32_t PayloadLength() const
    {
        return b.size() - HeaderLength();
    }
};

/// Builds a Datagram from frame bytes @p f whose IP datagram starts at @p off.
bool
ParseDatagram(const Bytes& f, uint32_t off, Datagram* d)
{
    if (f.size() < off + 20)
    {
        return false;
    }
    uint8_t version = f[off] >> 4;
    uint32_t len = 0;
    if (version == 4)
    {
        len = (uint32_t(f[off + 2]) << 8) | f[off + 3];
    }
    else if (version == 6 && f.size() >= off + 40)
    {
        len = 40 + ((uint32_t(f[off + 4]) << 8) | f[off + 5]);
    }
    if (len == 0 || f.size() < off + len)
    {
        return false;
    }
    d->b.assign(f.begin() + off, f.begin() + off + len);
    d->t = Simulator::Now();
    return true;
}

/// Records the IP datagrams of the frames @p dev's trace @p trace gives:
/// a link header of @p headerLen bytes whose last two name the protocol,
/// @p ipv4 or @p ipv6 for IP.
void
TapFrames(Ptr<NetDevice> dev,
          const std::string& trace,
          size_t headerLen,
          uint16_t ipv4,
          uint16_t ipv6,
          std::vector<Datagram>* out)
{
    dev->TraceConnectWithoutContext(
        trace,
        Callback<void, Ptr<const Packet>>(
            [out, headerLen, ipv4, ipv6](Ptr<const Packet> p)
            {
                Bytes f = PacketBytes(p);
                if (f.size() < headerLen)
                {
                    return;
                }
                uint16_t type = (f[headerLen - 2] << 8) | f[headerLen - 1];
                Datagram d;
                if ((type == ipv4 || type == ipv6) && ParseDatagram(f, headerLen, &d))
                {
                    out->push_back(d);
                }
            }));
}

/// Records the IP datagrams of a point-to-point device's trace @p trace
/// (PhyTxBegin or PhyRxEnd: PPP frames).
void
TapPpp(Ptr<NetDevice> dev, const std::string& trace, std::vector<Datagram>* out)
{
    TapFrames(dev, trace, 2, 0x0021, 0x0057, out);
}

/// Records the IP datagrams a CSMA device receives (MacRx: Ethernet frames).
void
TapCsmaRx(Ptr<NetDevice> dev, std::vector<Datagram>* out)
{
    TapFrames(dev, "MacRx", 14, 0x0800, 0x86dd, out);
}

/// A UDP socket on @p node counting what arrives at @p port.
struct UdpSink
{
    struct State
    {
        std::vector<uint32_t> sizes;
        std::vector<Address> from;
    };

    std::shared_ptr<State> s{std::make_shared<State>()};
    Ptr<Socket> socket;

    UdpSink(Ptr<Node> node, bool v6, uint16_t port)
    {
        socket = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
        if (v6)
        {
            socket->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), port));
        }
        else
        {
            socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
        }
        auto state = s;
        socket->SetRecvCallback(Callback<void, Ptr<Socket>>(
            [state](Ptr<Socket> sock)
            {
                Address from;
                while (Ptr<Packet> p = sock->RecvFrom(from))
                {
                    state->sizes.push_back(p->GetSize());
                    state->from.push_back(from);
                }
            }));
    }

    uint32_t Count() const
    {
        return s->sizes.size();
    }

    uint32_t CountSize(uint32_t size) const
    {
        uint32_t n = 0;
        for (uint32_t x : s->sizes)
        {
            n += x == size;
        }
        return n;
    }

    uint32_t CountFrom(const IpsecAddress& a) const
    {
        uint32_t n = 0;
        for (const Address& f : s->from)
        {
            if (a.IsV6() ? Inet6SocketAddress::IsMatchingType(f)
                               && Inet6SocketAddress::ConvertFrom(f).GetIpv6() == a.ToIpv6()
                         : InetSocketAddress::IsMatchingType(f)
                               && InetSocketAddress::ConvertFrom(f).GetIpv4() == a.ToIpv4())
            {
                ++n;
            }
        }
        return n;
    }
};

/// Collects ICMP "fragmentation needed" (IPv4) or Packet Too Big (IPv6)
/// messages arriving at a node, with their MTU.
struct MtuListener
{
    std::shared_ptr<std::vector<uint32_t>> mtus{std::make_shared<std::vector<uint32_t>>()};
    Ptr<Socket> socket;

    MtuListener(Ptr<Node> node, bool v6)
    {
        socket = Socket::CreateSocket(
            node, v6 ? Ipv6RawSocketFactory::GetTypeId() : Ipv4RawSocketFactory::GetTypeId());
        socket->SetAttribute("Protocol", UintegerValue(v6 ? 58 : 1));
        auto out = mtus;
        socket->SetRecvCallback(Callback<void, Ptr<Socket>>(
            [out, v6](Ptr<Socket> sock)
            {
                while (Ptr<Packet> p = sock->Recv())
                {
                    // ns-3's raw sockets deliver the IP header too.
                    Bytes b = PacketBytes(p);
                    uint32_t h = v6 ? 40 : (b[0] & 0x0f) * 4u;
                    if (b.size() < h + 8)
                    {
                        continue;
                    }
                    if (v6 && b[h] == 2 && b[h + 1] == 0)
                    {
                        out->push_back(Read32(&b[h + 4]));
                    }
                    else if (!v6 && b[h] == 3 && b[h + 1] == 4)
                    {
                        out->push_back((uint32_t(b[h + 6]) << 8) | b[h + 7]);
                    }
                }
            }));
    }
};

/// A UDP datagram from @p src to @p dst:PORT with @p payload bytes, as bytes
/// (IP header included).
Bytes
UdpDatagram(const IpsecAddress& src,
            const IpsecAddress& dst,
            uint32_t payload,
            uint8_t tos,
            uint8_t ttl,
            bool df = false,
            uint16_t id = 0x1234)
{
    Ptr<Packet> p = Create<Packet>(payload);
    UdpHeader udp;
    udp.SetSourcePort(4000);
    udp.SetDestinationPort(PORT);
    if (Node::ChecksumEnabled())
    {
        if (src.IsV6())
        {
            udp.InitializeChecksum(src.ToIpv6(), dst.ToIpv6(), 17);
        }
        else
        {
            udp.InitializeChecksum(src.ToIpv4(), dst.ToIpv4(), 17);
        }
        udp.EnableChecksums();
    }
    p->AddHeader(udp);
    if (src.IsV6())
    {
        Ipv6Header h;
        h.SetSource(src.ToIpv6());
        h.SetDestination(dst.ToIpv6());
        h.SetNextHeader(17);
        h.SetPayloadLength(p->GetSize());
        h.SetHopLimit(ttl);
        h.SetTrafficClass(tos);
        p->AddHeader(h);
    }
    else
    {
        Ipv4Header h;
        h.SetSource(src.ToIpv4());
        h.SetDestination(dst.ToIpv4());
        h.SetProtocol(17);
        h.SetPayloadSize(p->GetSize());
        h.SetTtl(ttl);
        h.SetTos(tos);
        h.SetIdentification(id);
        if (df)
        {
            h.SetDontFragment();
        }
        else
        {
            h.SetMayFragment();
        }
        if (Node::ChecksumEnabled())
        {
            h.EnableChecksum();
        }
        p->AddHeader(h);
    }
    return PacketBytes(p);
}

/// The sender side of the receiving gateway's ESP SA (blowfish-cbc, no
/// authentication, as the FAQ's SAs).
Ptr<IpsecSa>
SenderSa(const IpsecAddress& src, const IpsecAddress& dst, uint32_t spi, const std::string& key)
{
    IpsecSaParams p;
    p.src = src;
    p.dst = dst;
    p.proto = IpsecProto::ESP;
    p.spi = spi;
    p.enc = FindEncAlgorithm("blowfish-cbc");
    p.encKey.assign(key.begin(), key.end());
    p.hasEncKey = true;
    Ptr<IpsecSa> sa = Create<IpsecSa>(p, Seconds(0));
    std::string why;
    NS_ABORT_MSG_IF(sa->Mature(IpsecIcvTruncation::KAME_96, &why) != 0,
                    "sender-side SA refused: " << why);
    return sa;
}

/// ESP (the ESP transform's Output) of @p inner with next header @p next.
Bytes
EspWrap(Ptr<IpsecSa> sa, const Bytes& inner, uint8_t next, Ptr<UniformRandomVariable> rng)
{
    Ptr<Packet> p = Create<Packet>(inner.data(), inner.size());
    IpsecStats scratch;
    IpsecVerdict v = ipsectest::TransformOutput(*sa, p, next, scratch, rng);
    NS_ABORT_MSG_IF(!v.Ok(), "sender-side ESP output failed: " << v.reason);
    return PacketBytes(p);
}

/// Sends @p bytes from the raw socket @p s to @p to at @p at.
void
SendRawAt(Ptr<Socket> s, const Bytes& bytes, const Address& to, Time at)
{
    Simulator::Schedule(at - Simulator::Now(),
                        [s, bytes, to]()
                        {
                            Ptr<Packet> p = Create<Packet>(bytes.data(), bytes.size());
                            s->SendTo(p, 0, to);
                        });
}

/// A raw socket on @p node sending, at @p at, the IPv4 datagram @p datagram
/// (its own header: IpHeaderInclude; bypasses the node's IPsec output).
void
SendIpv4Datagram(Ptr<Node> node, const Bytes& datagram, Time at)
{
    Ptr<Socket> s = Socket::CreateSocket(node, Ipv4RawSocketFactory::GetTypeId());
    s->SetAttribute("IpHeaderInclude", BooleanValue(true));
    Ipv4Address dst = Ipv4Address::Deserialize(&datagram[16]);
    SendRawAt(s, datagram, InetSocketAddress(dst, 0), at);
}

/// A raw IPv6 socket on @p node bound to @p src sending @p payload as
/// protocol @p proto to @p dst with traffic class @p tclass.
void
SendIpv6Raw(Ptr<Node> node,
            const IpsecAddress& src,
            const IpsecAddress& dst,
            uint8_t proto,
            const Bytes& payload,
            uint8_t tclass,
            Time at)
{
    Ptr<Socket> s = Socket::CreateSocket(node, Ipv6RawSocketFactory::GetTypeId());
    s->SetAttribute("Protocol", UintegerValue(proto));
    s->Bind(Inet6SocketAddress(src.ToIpv6(), 0));
    s->SetIpv6Tclass(tclass);
    SendRawAt(s, payload, Inet6SocketAddress(dst.ToIpv6(), 0), at);
}

/// A UDP socket on @p node (bound to @p src) sending @p payload bytes to
/// @p dst:PORT at @p at; IPv6 traffic class @p tclass when >= 0.
void
SendUdp(Ptr<Node> node,
        const IpsecAddress& src,
        const IpsecAddress& dst,
        uint32_t payload,
        Time at,
        int tclass = -1)
{
    Ptr<Socket> s = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
    Address to;
    if (dst.IsV6())
    {
        s->Bind(Inet6SocketAddress(src.ToIpv6(), 0));
        to = Inet6SocketAddress(dst.ToIpv6(), PORT);
        if (tclass >= 0)
        {
            s->SetIpv6Tclass(tclass);
        }
    }
    else
    {
        s->Bind(InetSocketAddress(src.ToIpv4(), 0));
        to = InetSocketAddress(dst.ToIpv4(), PORT);
    }
    Simulator::Schedule(at - Simulator::Now(),
                        [s, payload, to]()
                        {
                            s->SendTo(Create<Packet>(payload), 0, to);
                        });
}

/**
 * The FAQ VPN (IpsecVpnHelper) with its observers: the datagrams each
 * gateway's WAN device sends and receives, the datagrams the first host of
 * each LAN receives, and every gateway's Drop trace.  Setkey templates use
 * $L1 $L2 (the LAN prefixes), $W1 $W2 (the gateways' WAN addresses), $H1
 * $H2 (the first host of each LAN), $H1B (the second host of LAN 1), $X1 (an
 * unused address of LAN 1) in either family.
 */
class Vpn
{
  public:
    explicit Vpn(bool v6, uint32_t hosts = 1)
        : m_v6(v6)
    {
        m_helper.SetIpv6(v6);
        m_helper.SetHostsPerNetwork(hosts);
        m_helper.Build();
        IpsecStackHelper().AssignStreams(m_helper.GetNodes(), 17);
        NetDeviceContainer wan = m_helper.GetWanDevices();
        TapPpp(wan.Get(0), "PhyTxBegin", &wan1Tx);
        TapPpp(wan.Get(0), "PhyRxEnd", &wan1Rx);
        TapPpp(wan.Get(1), "PhyTxBegin", &wan2Tx);
        TapPpp(wan.Get(1), "PhyRxEnd", &wan2Rx);
        TapCsmaRx(m_helper.GetLanDevices(1).Get(1), &host1Rx);
        TapCsmaRx(m_helper.GetLanDevices(2).Get(1), &host2Rx);
        for (uint32_t side = 1; side <= 2; ++side)
        {
            auto* log = &drops[side - 1];
            Stack(Gw(side))->TraceConnectWithoutContext(
                "Drop",
                Callback<void, Ptr<const Packet>, bool, IpsecDropReason, const std::string&>(
                    [log](Ptr<const Packet>, bool, IpsecDropReason cReason, const std::string& r)
                    {
                        const std::string c = IpsecDropReasonCounter(cReason);
                        log->emplace_back(c, r);
                    }));
        }
        m_rng = CreateObject<UniformRandomVariable>();
        m_rng->SetStream(99);
    }

    Vpn(const Vpn&) = delete;
    Vpn& operator=(const Vpn&) = delete;

    bool V6() const
    {
        return m_v6;
    }

    Ptr<Node> Gw(uint32_t side) const
    {
        return m_helper.GetGateway(side);
    }

    Ptr<Node> Host(uint32_t side, uint32_t i = 0) const
    {
        return m_helper.GetHosts(side).Get(i);
    }

    IpsecAddress HostAddr(uint32_t side, uint32_t i = 0) const
    {
        return m_helper.GetHostAddress(side, i);
    }

    IpsecAddress Wan(uint32_t side) const
    {
        return m_helper.GetGatewayWanAddress(side);
    }

    Ptr<NetDevice> WanDevice(uint32_t side) const
    {
        return m_helper.GetWanDevices().Get(side - 1);
    }

    static Ptr<IpsecStack> Stack(Ptr<Node> n)
    {
        return n->GetObject<IpsecStack>();
    }

    const IpsecStats& Stats(Ptr<Node> n) const
    {
        return Stack(n)->GetStats(m_v6);
    }

    std::string Subst(std::string s) const
    {
        std::vector<std::pair<std::string, std::string>> tokens = {
            {"$H1B",
             m_helper.GetHosts(1).GetN() > 1 ? HostAddr(1, 1).ToString() : std::string("?")},
            {"$L1", m_v6 ? "fd00:10:0:1::/64" : "10.0.1.0/24"},
            {"$L2", m_v6 ? "fd00:10:0:2::/64" : "10.0.2.0/24"},
            {"$W1", Wan(1).ToString()},
            {"$W2", Wan(2).ToString()},
            {"$H1", HostAddr(1).ToString()},
            {"$H2", HostAddr(2).ToString()},
            {"$X1", m_v6 ? "fd00:10:0:1::99" : "10.0.1.99"},
        };
        for (const auto& [token, value] : tokens)
        {
            for (size_t pos = s.find(token); pos != std::string::npos; pos = s.find(token, pos))
            {
                s.replace(pos, token.size(), value);
                pos += value.size();
            }
        }
        return s;
    }

    void Setkey(Ptr<Node> n, const std::string& script) const
    {
        IpsecHelper().RunSetkeyString(n, Subst(script), "tunnel-test");
    }

    /// The ESP SA gw1 -> gw2 of the FAQ, sender side.
    Ptr<IpsecSa> FaqSenderSa() const
    {
        return SenderSa(Wan(1), Wan(2), 13245, FAQ_KEY_12);
    }

    /// ESP-in-tunnel datagram payload: @p inner (a datagram) in ESP of @p sa.
    Bytes Esp(Ptr<IpsecSa> sa, const Bytes& inner, uint8_t next)
    {
        return EspWrap(sa, inner, next, m_rng);
    }

    /// Sends @p espPayload as an ESP datagram from node @p from (address
    /// @p src) to gw2's WAN address, outer TOS/traffic class @p tos.
    void SendEsp(
        Ptr<Node> from, const IpsecAddress& src, const Bytes& espPayload, uint8_t tos, Time at)
    {
        if (m_v6)
        {
            SendIpv6Raw(from, src, Wan(2), 50, espPayload, tos, at);
            return;
        }
        Ptr<Packet> p = Create<Packet>(espPayload.data(), espPayload.size());
        Ipv4Header h;
        h.SetSource(src.ToIpv4());
        h.SetDestination(Wan(2).ToIpv4());
        h.SetProtocol(50);
        h.SetPayloadSize(p->GetSize());
        h.SetTtl(64);
        h.SetTos(tos);
        h.SetIdentification(static_cast<uint16_t>(0x7000 + m_crafted++));
        h.SetMayFragment();
        if (Node::ChecksumEnabled())
        {
            h.EnableChecksum();
        }
        p->AddHeader(h);
        SendIpv4Datagram(from, PacketBytes(p), at);
    }

    /// The datagrams of @p frames that are not IPv6 control traffic.
    static std::vector<Datagram> Traffic(const std::vector<Datagram>& frames)
    {
        std::vector<Datagram> r;
        for (const Datagram& d : frames)
        {
            if (!d.IsControl())
            {
                r.push_back(d);
            }
        }
        return r;
    }

    static uint32_t CountProto(const std::vector<Datagram>& frames, uint8_t proto)
    {
        uint32_t n = 0;
        for (const Datagram& d : Traffic(frames))
        {
            n += d.Proto() == proto;
        }
        return n;
    }

    /// Drop trace entries of gateway @p side whose reason contains @p text.
    uint32_t CountDrops(uint32_t side, const std::string& text) const
    {
        uint32_t n = 0;
        for (const auto& [counter, reason] : drops[side - 1])
        {
            n += (counter + ": " + reason).find(text) != std::string::npos;
        }
        return n;
    }

    std::string DropsText(uint32_t side) const
    {
        std::ostringstream os;
        for (const auto& [counter, reason] : drops[side - 1])
        {
            os << "[" << counter << ": " << reason << "] ";
        }
        return os.str();
    }

    std::vector<Datagram> wan1Tx;
    std::vector<Datagram> wan1Rx;
    std::vector<Datagram> wan2Tx;
    std::vector<Datagram> wan2Rx;
    std::vector<Datagram> host1Rx;
    std::vector<Datagram> host2Rx;
    std::vector<std::pair<std::string, std::string>> drops[2];

  private:
    bool m_v6;
    IpsecVpnHelper m_helper;
    Ptr<UniformRandomVariable> m_rng;
    uint32_t m_crafted{0};
};

std::string
FamilyName(bool v6)
{
    return v6 ? "IPv6" : "IPv4";
}

// ---- the FAQ's VPN configuration -----------------------------------------

const std::string FAQ_SAS
    = "add $W1 $W2 esp 13245 -E blowfish-cbc \"blowfishtest.001\" ;\n"
      "add $W2 $W1 esp 13246 -E blowfish-cbc 0xdeadbeefdeadbeefdeadbeefdeadbeef;\n";
const std::string FAQ_GW1 = FAQ_SAS
                          + "spdadd $L1 $L2 any -P out ipsec esp/tunnel/$W1-$W2/require ;\n"
                            "spdadd $L2 $L1 any -P in ipsec esp/tunnel/$W2-$W1/require ;\n";
const std::string FAQ_GW2 = FAQ_SAS
                          + "spdadd $L2 $L1 any -P out ipsec esp/tunnel/$W2-$W1/require ;\n"
                            "spdadd $L1 $L2 any -P in ipsec esp/tunnel/$W1-$W2/require ;\n";

} // namespace

/**
 * A test case that builds a simulation: DoTeardown destroys it, so a failed
 * NS_TEST_ASSERT (which returns from DoRun) never leaves nodes behind for
 * the next case.
 */
class SimulationTestCase : public TestCase
{
  public:
    explicit SimulationTestCase(const std::string& name)
        : TestCase(name)
    {
    }

  private:
    void DoTeardown() override
    {
        Simulator::Destroy();
    }
};

// ===========================================================================
// 1. The FAQ VPN
// ===========================================================================

/**
 * The FAQ's VPN with ping, UDP echo and a TCP transfer between a host on
 * each LAN: everything arrives; between the gateways there is only ESP,
 * with outer TTL 64 and the gateways' addresses; the inner TTL at the
 * destination host is 62 (64, one decrement per gateway, none by IPsec:
 * ipsec4_encapsulate); and the gateways' counters equal the ESP frames on
 * the WAN.
 */
class FaqVpnTestCase : public SimulationTestCase
{
  public:
    explicit FaqVpnTestCase(bool v6)
        : SimulationTestCase("FAQ VPN over " + FamilyName(v6)
                             + ": delivery, ESP-only WAN, TTLs, counters")
        , m_v6(v6)
    {
    }

  private:
    void DoRun() override
    {
        Vpn vpn(m_v6);
        vpn.Setkey(vpn.Gw(1), FAQ_GW1);
        vpn.Setkey(vpn.Gw(2), FAQ_GW2);
        IpsecTrafficHelper traffic;
        traffic.SetPingCount(3);
        traffic.SetUdpEchoCount(3);
        traffic.SetTcpBytes(60000);
        traffic.SetStart(Seconds(2));
        Simulator::Stop(
            traffic.Install(vpn.Host(1), vpn.HostAddr(1), vpn.Host(2), vpn.HostAddr(2)));
        Simulator::Run();

        for (const IpsecFlowResult& f : traffic.GetResults())
        {
            NS_TEST_EXPECT_MSG_EQ(f.received, f.sent, f.name << " delivered completely");
            NS_TEST_EXPECT_MSG_GT(f.sent, 0u, f.name << " sent something");
        }

        // The WAN: every datagram between the gateways is ESP with outer TTL 64.
        uint32_t esp[2][2] = {{0, 0}, {0, 0}}; // [gw][tx, rx]
        const std::vector<Datagram>* logs[2][2]
            = {{&vpn.wan1Tx, &vpn.wan1Rx}, {&vpn.wan2Tx, &vpn.wan2Rx}};
        for (uint32_t g = 0; g < 2; ++g)
        {
            for (uint32_t dir = 0; dir < 2; ++dir)
            {
                for (const Datagram& d : *logs[g][dir])
                {
                    if (d.IsControl())
                    {
                        // IPv6 duplicate address detection on the WAN.
                        NS_TEST_EXPECT_MSG_EQ(uint32_t(d.Proto()), 58u, "only ICMPv6 control");
                        NS_TEST_EXPECT_MSG_LT(d.t, Seconds(2), "before the traffic");
                        continue;
                    }
                    uint32_t from = (g == 0) == (dir == 0) ? 1 : 2; // tx of gw1 / rx of gw2
                    NS_TEST_EXPECT_MSG_EQ(
                        uint32_t(d.Proto()), 50u, "only ESP between the gateways");
                    NS_TEST_EXPECT_MSG_EQ(d.Src(), vpn.Wan(from), "outer source: the SA's");
                    NS_TEST_EXPECT_MSG_EQ(d.Dst(), vpn.Wan(3 - from), "outer destination");
                    NS_TEST_EXPECT_MSG_EQ(uint32_t(d.Ttl()), 64u, "outer TTL is IPDEFTTL");
                    esp[g][dir] += d.Proto() == 50;
                }
            }
        }
        NS_TEST_EXPECT_MSG_GT(esp[0][0], 40u, "gw1 tunnelled the traffic");
        NS_TEST_EXPECT_MSG_GT(esp[1][0], 20u, "gw2 tunnelled the replies and ACKs");

        const IpsecStats& g1 = vpn.Stats(vpn.Gw(1));
        const IpsecStats& g2 = vpn.Stats(vpn.Gw(2));
        NS_TEST_EXPECT_MSG_EQ(g1.out_success, esp[0][0], "gw1 out_success = ESP frames it sent");
        NS_TEST_EXPECT_MSG_EQ(g2.in_success, esp[1][1], "gw2 in_success = ESP frames received");
        NS_TEST_EXPECT_MSG_EQ(esp[1][1], esp[0][0], "no loss on the WAN");
        NS_TEST_EXPECT_MSG_EQ(g2.out_success, esp[1][0], "gw2 out_success = ESP frames it sent");
        NS_TEST_EXPECT_MSG_EQ(g1.in_success, esp[0][1], "gw1 in_success = ESP frames received");
        NS_TEST_EXPECT_MSG_EQ(g1.in_polvio + g2.in_polvio + g1.in_inval + g2.in_inval + g1.out_nosa
                                  + g2.out_nosa,
                              0u,
                              "no drops");
        NS_TEST_EXPECT_MSG_EQ(g1.out_esphist[7] + g2.out_esphist[7],
                              g1.out_success + g2.out_success,
                              "all blowfish-cbc (SADB_EALG_BLOWFISHCBC 7)");

        // The inner TTL at the receiving hosts: 64 - 2 gateway hops.
        uint32_t inner[2] = {0, 0};
        for (uint32_t side = 1; side <= 2; ++side)
        {
            const auto& rx = side == 2 ? vpn.host2Rx : vpn.host1Rx;
            for (const Datagram& d : rx)
            {
                if (d.Src() == vpn.HostAddr(3 - side))
                {
                    NS_TEST_EXPECT_MSG_EQ(uint32_t(d.Ttl()), 62u, "inner TTL at the host");
                    NS_TEST_EXPECT_MSG_NE(uint32_t(d.Proto()), 50u, "plaintext on the LAN");
                    ++inner[side - 1];
                }
            }
        }
        NS_TEST_EXPECT_MSG_GT(inner[1], 40u, "host 2 received host 1's traffic");
        NS_TEST_EXPECT_MSG_GT(inner[0], 20u, "host 1 received host 2's traffic");
    }

    bool m_v6;
};

// ===========================================================================
// 2. The outer header: dfbit, TOS, ECN (encapsulation and decapsulation)
// ===========================================================================

/// One datagram of an outer-header test.
struct Probe
{
    uint8_t tos;      ///< inner TOS / traffic class
    bool df{false};   ///< inner DF (IPv4)
    int crafted{-1};  ///< >= 0: crafted at gw1, outer TOS = this (ESP built by the test)
    int outerTos{-1}; ///< expected outer TOS on the WAN (-1: not checked)
    int outerDf{-1};  ///< expected outer DF (-1: not checked)
    int innerTos{-1}; ///< expected inner TOS at host 2 (-1: must not arrive)
};

struct KnobParams
{
    std::string name;
    bool v6{false};
    uint32_t dfbit{0};
    int ecn1{0}; ///< gw1's Ecn (Ipv6Ecn)
    int ecn2{0}; ///< gw2's
    std::vector<Probe> probes;
};

/**
 * Datagrams host 1 -> host 2 (or crafted tunnel datagrams gw1 -> gw2), one
 * per probe, through the FAQ VPN with the given knobs.  Checks the outer
 * header gw1 wrote (ipsec4_encapsulate: TOS copied, ECN per ecn, DF per
 * dfbit), what host 2 received (inner TOS per the decapsulation rules) and
 * in_inval for the ECN drops.  The other family's ECN knob is set to a
 * different value: it must not matter.
 */
class OuterHeaderTestCase : public SimulationTestCase
{
  public:
    explicit OuterHeaderTestCase(KnobParams p)
        : SimulationTestCase("outer header over " + FamilyName(p.v6) + ": " + p.name)
        , m_p(std::move(p))
    {
    }

  private:
    static int Other(int ecn)
    {
        return ecn == 1 ? 0 : 1;
    }

    void DoRun() override
    {
        bool v6 = m_p.v6;
        Vpn vpn(v6);
        vpn.Setkey(vpn.Gw(1), FAQ_GW1);
        vpn.Setkey(vpn.Gw(2), FAQ_GW2);
        for (auto [side, ecn] : {std::make_pair(1u, m_p.ecn1), std::make_pair(2u, m_p.ecn2)})
        {
            Ptr<IpsecStack> s = Vpn::Stack(vpn.Gw(side));
            s->SetAttribute(v6 ? "Ipv6Ecn" : "Ecn", IntegerValue(ecn));
            s->SetAttribute(v6 ? "Ecn" : "Ipv6Ecn", IntegerValue(Other(ecn)));
            s->SetAttribute("Dfbit", UintegerValue(m_p.dfbit));
        }
        UdpSink sink(vpn.Host(2), v6, PORT);
        Ptr<IpsecSa> sa = vpn.FaqSenderSa();
        uint32_t dropped = 0;
        for (uint32_t i = 0; i < m_p.probes.size(); ++i)
        {
            const Probe& pr = m_p.probes[i];
            uint32_t size = 64 + 8 * i;
            Time at = Seconds(2) + MilliSeconds(50 * i);
            dropped += pr.innerTos < 0;
            if (pr.crafted >= 0)
            {
                // As gw1 would have tunnelled it (inner TTL already decremented).
                Bytes inner
                    = UdpDatagram(vpn.HostAddr(1), vpn.HostAddr(2), size, pr.tos, 63, pr.df);
                vpn.SendEsp(vpn.Gw(1),
                            vpn.Wan(1),
                            vpn.Esp(sa, inner, v6 ? 41 : 4),
                            static_cast<uint8_t>(pr.crafted),
                            at);
            }
            else if (v6)
            {
                SendUdp(vpn.Host(1), vpn.HostAddr(1), vpn.HostAddr(2), size, at, pr.tos);
            }
            else
            {
                // A raw socket with its own header: ns-3's UDP never sets DF.
                SendIpv4Datagram(
                    vpn.Host(1),
                    UdpDatagram(vpn.HostAddr(1), vpn.HostAddr(2), size, pr.tos, 64, pr.df, i),
                    at);
            }
        }
        Simulator::Stop(Seconds(4));
        Simulator::Run();

        std::vector<Datagram> wan = Vpn::Traffic(vpn.wan1Tx);
        NS_TEST_ASSERT_MSG_EQ(wan.size(), m_p.probes.size(), "one ESP datagram per probe");
        for (uint32_t i = 0; i < m_p.probes.size(); ++i)
        {
            const Probe& pr = m_p.probes[i];
            const Datagram& d = wan[i];
            uint32_t size = 64 + 8 * i;
            std::ostringstream what;
            what << "probe " << i << " (inner TOS 0x" << std::hex << int(pr.tos) << std::dec
                 << (pr.df ? ", DF" : "") << (pr.crafted >= 0 ? ", crafted" : "") << ")";
            NS_TEST_EXPECT_MSG_EQ(uint32_t(d.Proto()), 50u, what.str() << ": ESP");
            if (pr.outerTos >= 0)
            {
                NS_TEST_EXPECT_MSG_EQ(uint32_t(d.Tos()),
                                      uint32_t(pr.outerTos),
                                      what.str() << ": outer TOS / traffic class");
            }
            if (pr.outerDf >= 0)
            {
                NS_TEST_EXPECT_MSG_EQ(d.Df(), (pr.outerDf == 1), what.str() << ": outer DF");
            }
            // What host 2 received: the inner datagram of this size.
            int seen = -1;
            uint32_t copies = 0;
            for (const Datagram& r : vpn.host2Rx)
            {
                if (r.Proto() == 17 && r.Src() == vpn.HostAddr(1) && r.PayloadLength() == 8 + size)
                {
                    seen = r.Tos();
                    ++copies;
                }
            }
            NS_TEST_EXPECT_MSG_EQ(copies, (pr.innerTos < 0 ? 0u : 1u), what.str() << ": delivery");
            NS_TEST_EXPECT_MSG_EQ(seen, pr.innerTos, what.str() << ": inner TOS at host 2");
            NS_TEST_EXPECT_MSG_EQ(sink.CountSize(size),
                                  (pr.innerTos < 0 ? 0u : 1u),
                                  what.str() << ": reached the socket");
        }
        const IpsecStats& g2 = vpn.Stats(vpn.Gw(2));
        NS_TEST_EXPECT_MSG_EQ(g2.in_success, m_p.probes.size(), "gw2 decrypted every probe");
        NS_TEST_EXPECT_MSG_EQ(g2.in_inval, dropped, "ECN drops count in_inval");
        NS_TEST_EXPECT_MSG_EQ(
            vpn.CountDrops(2, "in_inval: ECN"), dropped, "Drop trace: " << vpn.DropsText(2));
    }

    KnobParams m_p;
};

// ===========================================================================
// 3. Default levels and esp_enable
// ===========================================================================

/**
 * gw1 with `esp/tunnel/W1-W2/default` and no SA: esp_net_deflev 1 (use)
 * sends in clear, 2 (require) drops with out_nosa.  The family of the SA
 * endpoints decides which knob applies (ipsec_get_reqlevel); the other
 * family's knob is set the other way.
 */
class DeflevTestCase : public SimulationTestCase
{
  public:
    DeflevTestCase(bool v6, uint32_t level)
        : SimulationTestCase("esp-tunnel default level over " + FamilyName(v6)
                             + " with esp_net_deflev " + std::to_string(level))
        , m_v6(v6)
        , m_level(level)
    {
    }

  private:
    void DoRun() override
    {
        Vpn vpn(m_v6);
        vpn.Setkey(vpn.Gw(1), "spdadd $L1 $L2 any -P out ipsec esp/tunnel/$W1-$W2/default;\n");
        Ptr<IpsecStack> s = Vpn::Stack(vpn.Gw(1));
        s->SetAttribute(m_v6 ? "Ipv6EspNetDeflev" : "EspNetDeflev", UintegerValue(m_level));
        s->SetAttribute(m_v6 ? "EspNetDeflev" : "Ipv6EspNetDeflev", UintegerValue(3 - m_level));
        UdpSink sink(vpn.Host(2), m_v6, PORT);
        const uint32_t n = 5;
        for (uint32_t i = 0; i < n; ++i)
        {
            SendUdp(vpn.Host(1), vpn.HostAddr(1), vpn.HostAddr(2), 100, Seconds(2 + 0.1 * i));
        }
        Simulator::Stop(Seconds(4));
        Simulator::Run();

        const IpsecStats& g1 = vpn.Stats(vpn.Gw(1));
        bool use = m_level == 1;
        NS_TEST_EXPECT_MSG_EQ(sink.Count(), (use ? n : 0u), "delivered");
        NS_TEST_EXPECT_MSG_EQ(Vpn::CountProto(vpn.wan1Tx, 17), (use ? n : 0u), "UDP in clear");
        NS_TEST_EXPECT_MSG_EQ(Vpn::CountProto(vpn.wan1Tx, 50), 0u, "no ESP without an SA");
        NS_TEST_EXPECT_MSG_EQ(g1.out_nosa, (use ? 0u : n), "out_nosa");
        NS_TEST_EXPECT_MSG_EQ(g1.out_success, 0u, "nothing protected");
        NS_TEST_EXPECT_MSG_EQ(vpn.CountDrops(1, "out_nosa"), (use ? 0u : n), vpn.DropsText(1));
    }

    bool m_v6;
    uint32_t m_level;
};

/// esp_enable = 0 on gw2: the FAQ's ESP tunnel datagrams are dropped on input.
class EspEnableTestCase : public SimulationTestCase
{
  public:
    explicit EspEnableTestCase(bool v6)
        : SimulationTestCase("EspEnable=false on gw2 drops the tunnel over " + FamilyName(v6))
        , m_v6(v6)
    {
    }

  private:
    void DoRun() override
    {
        Vpn vpn(m_v6);
        vpn.Setkey(vpn.Gw(1), FAQ_GW1);
        vpn.Setkey(vpn.Gw(2), FAQ_GW2);
        Vpn::Stack(vpn.Gw(2))->SetAttribute("EspEnable", BooleanValue(false));
        UdpSink sink(vpn.Host(2), m_v6, PORT);
        const uint32_t n = 4;
        for (uint32_t i = 0; i < n; ++i)
        {
            SendUdp(vpn.Host(1), vpn.HostAddr(1), vpn.HostAddr(2), 100, Seconds(2 + 0.1 * i));
        }
        Simulator::Stop(Seconds(4));
        Simulator::Run();

        NS_TEST_EXPECT_MSG_EQ(vpn.Stats(vpn.Gw(1)).out_success, n, "gw1 tunnelled");
        NS_TEST_EXPECT_MSG_EQ(Vpn::CountProto(vpn.wan2Rx, 50), n, "ESP reached gw2");
        NS_TEST_EXPECT_MSG_EQ(vpn.Stats(vpn.Gw(2)).in_success, 0u, "gw2 processed no ESP");
        NS_TEST_EXPECT_MSG_EQ(sink.Count(), 0u, "nothing delivered");
        NS_TEST_EXPECT_MSG_EQ(vpn.CountDrops(2, "esp input is disabled"), n, vpn.DropsText(2));
    }

    bool m_v6;
};

// ===========================================================================
// 4. The decapsulation history (AH tunnel + require; ESP tunnel + AH bundle)
// ===========================================================================

/**
 * ipsec(4) BUGS: an AH tunnel with `require` on both gateways (or the bundle
 * esp/tunnel/A-B/require ah/transport/A-B/require out, .../use
 * .../require in).  With KameDecapHistory=false the check reads the
 * decapsulation history and everything arrives; with true (KAME) tunnel
 * decapsulation clears the authentication marks: gw2 verifies AH
 * (in_ahauthsucc, in_success) but rejects the inner datagram (in_polvio).
 * The wire shows IP(gw1->gw2) | AH | IP... or IP(gw1->gw2) | AH | ESP.
 */
class DecapHistoryTestCase : public SimulationTestCase
{
  public:
    DecapHistoryTestCase(bool v6, bool bundle, bool kame)
        : SimulationTestCase(std::string(bundle ? "ESP tunnel + AH transport bundle" : "AH tunnel")
                             + " with require over " + FamilyName(v6)
                             + ", KameDecapHistory=" + (kame ? "true" : "false"))
        , m_v6(v6)
        , m_bundle(bundle)
        , m_kame(kame)
    {
    }

  private:
    void DoRun() override
    {
        Vpn vpn(m_v6);
        if (m_bundle)
        {
            std::string sas = "add $W1 $W2 esp 15001 -E blowfish-cbc \"blowfishtest.001\";\n"
                              "add $W1 $W2 ah 15002 -A hmac-md5 \"bundleahkey.0001\";\n";
            vpn.Setkey(vpn.Gw(1),
                       sas
                           + "spdadd $L1 $L2 any -P out ipsec esp/tunnel/$W1-$W2/require "
                             "ah/transport/$W1-$W2/require;\n");
            vpn.Setkey(vpn.Gw(2),
                       sas
                           + "spdadd $L1 $L2 any -P in ipsec esp/tunnel/$W1-$W2/use "
                             "ah/transport/$W1-$W2/require;\n");
        }
        else
        {
            std::string sas = "add $W1 $W2 ah 14001 -A hmac-md5 \"ahtunnelkey1.001\";\n"
                              "add $W2 $W1 ah 14002 -A hmac-md5 \"ahtunnelkey2.002\";\n";
            vpn.Setkey(vpn.Gw(1),
                       sas
                           + "spdadd $L1 $L2 any -P out ipsec ah/tunnel/$W1-$W2/require;\n"
                             "spdadd $L2 $L1 any -P in ipsec ah/tunnel/$W2-$W1/require;\n");
            vpn.Setkey(vpn.Gw(2),
                       sas
                           + "spdadd $L2 $L1 any -P out ipsec ah/tunnel/$W2-$W1/require;\n"
                             "spdadd $L1 $L2 any -P in ipsec ah/tunnel/$W1-$W2/require;\n");
        }
        for (uint32_t side = 1; side <= 2; ++side)
        {
            Vpn::Stack(vpn.Gw(side))->SetAttribute("KameDecapHistory", BooleanValue(m_kame));
        }
        UdpSink sink(vpn.Host(2), m_v6, PORT);
        const uint32_t n = 5;
        for (uint32_t i = 0; i < n; ++i)
        {
            SendUdp(vpn.Host(1), vpn.HostAddr(1), vpn.HostAddr(2), 120, Seconds(2 + 0.1 * i));
        }
        Simulator::Stop(Seconds(4));
        Simulator::Run();

        // The wire: IP(gw1->gw2) | AH | (IP inner ... | ESP ...).
        std::vector<Datagram> wan = Vpn::Traffic(vpn.wan1Tx);
        NS_TEST_EXPECT_MSG_EQ(wan.size(), n, "one datagram per UDP datagram");
        for (const Datagram& d : wan)
        {
            NS_TEST_ASSERT_MSG_EQ(uint32_t(d.Proto()), 51u, "AH outermost");
            const uint8_t* ah = d.Payload();
            uint32_t ahLen = (ah[1] + 2) * 4;
            NS_TEST_EXPECT_MSG_EQ(ahLen, 24u, "AH with a 96-bit hmac-md5 ICV");
            NS_TEST_EXPECT_MSG_EQ(Read32(ah + 4), (m_bundle ? 15002u : 14001u), "AH SPI");
            if (m_bundle)
            {
                NS_TEST_EXPECT_MSG_EQ(uint32_t(ah[0]), 50u, "AH's next header: ESP");
                NS_TEST_EXPECT_MSG_EQ(Read32(ah + ahLen), 15001u, "then the ESP SPI");
            }
            else
            {
                NS_TEST_EXPECT_MSG_EQ(uint32_t(ah[0]), (m_v6 ? 41u : 4u), "AH's next: IP");
                Datagram inner;
                inner.b.assign(ah + ahLen, d.b.data() + d.b.size());
                NS_TEST_EXPECT_MSG_EQ(inner.Src(), vpn.HostAddr(1), "inner source in clear");
                NS_TEST_EXPECT_MSG_EQ(inner.Dst(), vpn.HostAddr(2), "inner destination");
                NS_TEST_EXPECT_MSG_EQ(uint32_t(inner.Ttl()), 63u, "inner TTL after gw1");
            }
        }
        const IpsecStats& g2 = vpn.Stats(vpn.Gw(2));
        NS_TEST_EXPECT_MSG_EQ(g2.in_ahauthsucc, n, "gw2 verified every AH ICV");
        NS_TEST_EXPECT_MSG_EQ(g2.in_success, (m_bundle ? 2 * n : n), "gw2 transforms");
        NS_TEST_EXPECT_MSG_EQ(
            g2.in_polvio, (m_kame ? n : 0u), "inbound check: " << vpn.DropsText(2));
        NS_TEST_EXPECT_MSG_EQ(sink.Count(), (m_kame ? 0u : n), "delivered to host 2");
    }

    bool m_v6;
    bool m_bundle;
    bool m_kame;
};

// ===========================================================================
// 5. Nesting: a tunnel in a tunnel, bundles around and inside a tunnel
// ===========================================================================

/**
 * Three nestings, each checked on the wire and by delivery:
 *  - SAME_ENDPOINTS: `esp/tunnel/W1-W2/unique:1 esp/tunnel/W1-W2/unique:2`
 *    (SAs -u 1 and -u 2): IP(W1->W2) | ESP(spi 2) [IP(W1->W2) | ESP(spi 1)
 *    [IP(H1->H2) | UDP]].  gw2 decapsulates both; the outer one passes the
 *    tunnel test with the pairwise rule of key_gettunnel;
 *  - OUTER_BUNDLE: `esp/tunnel/W1-W2/require esp/transport//require
 *    ah/transport//require`: IP(W1->W2) | AH | ESP(transport) | ESP(tunnel)...;
 *  - HOST_BUNDLE_IN_AH_TUNNEL: the hosts use esp/transport + ah/transport,
 *    the gateways an AH tunnel: IP(W1->W2) | AH | IP(H1->H2) | AH | ESP.
 */
class NestingTestCase : public SimulationTestCase
{
  public:
    enum Kind
    {
        SAME_ENDPOINTS,
        OUTER_BUNDLE,
        HOST_BUNDLE_IN_AH_TUNNEL,
    };

    NestingTestCase(bool v6, Kind kind)
        : SimulationTestCase(Name(kind) + " over " + FamilyName(v6))
        , m_v6(v6)
        , m_kind(kind)
    {
    }

  private:
    static std::string Name(Kind k)
    {
        switch (k)
        {
            case SAME_ENDPOINTS:
                return "nested ESP tunnels with the same endpoints (unique:1, unique:2)";
            case OUTER_BUNDLE:
                return "ESP transport + AH transport on the outer header of an ESP tunnel";
            case HOST_BUNDLE_IN_AH_TUNNEL:
                return "hosts' ESP transport + AH transport inside the gateways' AH tunnel";
        }
        return "";
    }

    void DoRun() override
    {
        Vpn vpn(m_v6);
        const uint32_t n = 4;
        const uint32_t payload = 100;
        uint32_t hdr = m_v6 ? 40 : 20;
        uint32_t d = hdr + 8 + payload; // the hosts' datagram
        switch (m_kind)
        {
            case SAME_ENDPOINTS:
            {
                std::string sas
                    = "add $W1 $W2 esp 16001 -m tunnel -u 1 -E blowfish-cbc \"nestedinner.0001\";\n"
                      "add $W1 $W2 esp 16002 -m tunnel -u 2 -E blowfish-cbc "
                      "\"nestedouter.0002\";\n";
                vpn.Setkey(vpn.Gw(1),
                           sas
                               + "spdadd $L1 $L2 any -P out ipsec esp/tunnel/$W1-$W2/unique:1 "
                                 "esp/tunnel/$W1-$W2/unique:2;\n");
                vpn.Setkey(vpn.Gw(2),
                           sas
                               + "spdadd $L1 $L2 any -P in ipsec esp/tunnel/$W1-$W2/require "
                                 "esp/tunnel/$W1-$W2/require;\n");
                break;
            }
            case OUTER_BUNDLE:
            {
                std::string sas
                    = "add $W1 $W2 esp 17001 -m tunnel -E blowfish-cbc \"outerbundle.0001\";\n"
                      "add $W1 $W2 esp 17002 -m transport -E blowfish-cbc \"outerbundle.0002\";\n"
                      "add $W1 $W2 ah 17003 -m transport -A hmac-md5 \"outerbundleah.03\";\n";
                std::string reqs = "ipsec esp/tunnel/$W1-$W2/require esp/transport//require "
                                   "ah/transport//require;\n";
                vpn.Setkey(vpn.Gw(1), sas + "spdadd $L1 $L2 any -P out " + reqs);
                vpn.Setkey(vpn.Gw(2), sas + "spdadd $L1 $L2 any -P in " + reqs);
                break;
            }
            case HOST_BUNDLE_IN_AH_TUNNEL:
            {
                std::string hostSas
                    = "add $H1 $H2 esp 18001 -m transport -E blowfish-cbc \"hostbundle.esp01\";\n"
                      "add $H1 $H2 ah 18002 -m transport -A hmac-md5 \"hostbundle.ah.02\";\n";
                std::string reqs = "ipsec esp/transport//require ah/transport//require;\n";
                vpn.Setkey(vpn.Host(1), hostSas + "spdadd $H1 $H2 any -P out " + reqs);
                vpn.Setkey(vpn.Host(2), hostSas + "spdadd $H1 $H2 any -P in " + reqs);
                std::string gwSa
                    = "add $W1 $W2 ah 18003 -m tunnel -A hmac-md5 \"gwahtunnel.key03\";\n";
                vpn.Setkey(vpn.Gw(1),
                           gwSa + "spdadd $L1 $L2 any -P out ipsec ah/tunnel/$W1-$W2/require;\n");
                vpn.Setkey(vpn.Gw(2),
                           gwSa + "spdadd $L1 $L2 any -P in ipsec ah/tunnel/$W1-$W2/require;\n");
                break;
            }
        }
        UdpSink sink(vpn.Host(2), m_v6, PORT);
        for (uint32_t i = 0; i < n; ++i)
        {
            SendUdp(vpn.Host(1), vpn.HostAddr(1), vpn.HostAddr(2), payload, Seconds(2 + 0.1 * i));
        }
        Simulator::Stop(Seconds(4));
        Simulator::Run();

        std::vector<Datagram> wan = Vpn::Traffic(vpn.wan1Tx);
        NS_TEST_EXPECT_MSG_EQ(wan.size(), n, "one WAN datagram per UDP datagram");
        const IpsecStats& g1 = vpn.Stats(vpn.Gw(1));
        const IpsecStats& g2 = vpn.Stats(vpn.Gw(2));
        for (const Datagram& w : wan)
        {
            NS_TEST_EXPECT_MSG_EQ(w.Src(), vpn.Wan(1), "outer source");
            NS_TEST_EXPECT_MSG_EQ(w.Dst(), vpn.Wan(2), "outer destination");
            const uint8_t* p = w.Payload();
            switch (m_kind)
            {
                case SAME_ENDPOINTS:
                    NS_TEST_EXPECT_MSG_EQ(uint32_t(w.Proto()), 50u, "ESP outermost");
                    NS_TEST_EXPECT_MSG_EQ(Read32(p), 16002u, "the outer tunnel's SA (-u 2)");
                    NS_TEST_EXPECT_MSG_EQ(w.PayloadLength(),
                                          EspLen(hdr + EspLen(d)),
                                          "ESP of (IP | ESP of the datagram)");
                    break;
                case OUTER_BUNDLE:
                    NS_TEST_ASSERT_MSG_EQ(uint32_t(w.Proto()), 51u, "AH outermost");
                    NS_TEST_EXPECT_MSG_EQ(uint32_t(p[0]), 50u, "AH's next header: ESP");
                    NS_TEST_EXPECT_MSG_EQ(Read32(p + 4), 17003u, "AH SPI");
                    NS_TEST_EXPECT_MSG_EQ(Read32(p + 24), 17002u, "then the transport ESP");
                    NS_TEST_EXPECT_MSG_EQ(w.PayloadLength(),
                                          24 + EspLen(EspLen(d)),
                                          "AH | ESP of (ESP of the datagram)");
                    break;
                case HOST_BUNDLE_IN_AH_TUNNEL:
                {
                    NS_TEST_ASSERT_MSG_EQ(uint32_t(w.Proto()), 51u, "AH outermost");
                    NS_TEST_EXPECT_MSG_EQ(uint32_t(p[0]), (m_v6 ? 41u : 4u), "AH's next: IP");
                    NS_TEST_EXPECT_MSG_EQ(Read32(p + 4), 18003u, "the gateways' AH SPI");
                    Datagram inner;
                    inner.b.assign(p + 24, w.b.data() + w.b.size());
                    NS_TEST_EXPECT_MSG_EQ(inner.Src(), vpn.HostAddr(1), "inner: host 1");
                    NS_TEST_EXPECT_MSG_EQ(inner.Dst(), vpn.HostAddr(2), "inner: to host 2");
                    NS_TEST_ASSERT_MSG_EQ(uint32_t(inner.Proto()), 51u, "the hosts' AH");
                    const uint8_t* ah = inner.Payload();
                    NS_TEST_EXPECT_MSG_EQ(uint32_t(ah[0]), 50u, "then ESP");
                    NS_TEST_EXPECT_MSG_EQ(Read32(ah + 4), 18002u, "hosts' AH SPI");
                    NS_TEST_EXPECT_MSG_EQ(Read32(ah + 24), 18001u, "hosts' ESP SPI");
                    NS_TEST_EXPECT_MSG_EQ(inner.PayloadLength(),
                                          24 + EspLen(8 + payload),
                                          "AH | ESP of the UDP segment");
                    break;
                }
            }
        }
        uint32_t transforms = m_kind == SAME_ENDPOINTS ? 2 : (m_kind == OUTER_BUNDLE ? 3 : 1);
        NS_TEST_EXPECT_MSG_EQ(g1.out_success, transforms * n, "gw1 transforms");
        NS_TEST_EXPECT_MSG_EQ(g2.in_success, transforms * n, "gw2 transforms");
        if (m_kind == HOST_BUNDLE_IN_AH_TUNNEL)
        {
            NS_TEST_EXPECT_MSG_EQ(vpn.Stats(vpn.Host(1)).out_success, 2 * n, "host 1: ESP, AH");
            NS_TEST_EXPECT_MSG_EQ(vpn.Stats(vpn.Host(2)).in_success, 2 * n, "host 2: AH, ESP");
            NS_TEST_EXPECT_MSG_EQ(vpn.Stats(vpn.Host(2)).in_polvio, 0u, "host 2 accepted");
        }
        NS_TEST_EXPECT_MSG_EQ(g2.in_polvio, 0u, "gw2 accepted");
        NS_TEST_EXPECT_MSG_EQ(sink.Count(), n, "delivered; gw2 drops: " << vpn.DropsText(2));
    }

    bool m_v6;
    Kind m_kind;
};

// ===========================================================================
// 6. Bad tunnel input
// ===========================================================================

/**
 * Tunnel datagrams ipsec4_tunnel_validate must refuse (see "Leaving a tunnel"
 * in doc/ipsec.rst): ESP decrypts them (in_success) but they are not
 * decapsulated (the Drop trace says so) and nothing reaches host 2.  After
 * them, a genuine datagram still arrives (the node survived).
 *  - WRONG_OUTER_SOURCE: right SA and keys, sent by host 1 (outer source is
 *    not the policy's tunnel end);
 *  - TRANSPORT_SA: gw2's SA is `-m transport` under a tunnel policy (real
 *    traffic from gw1);
 *  - MALFORMED_INNER: next header IPv4/IPv6 but a short, wrong-version or
 *    truncated inner header (crafted at gw1 with the right outer source);
 *  - INNER_MISMATCH: gw2's inbound policy selects another source host.
 */
class BadTunnelInputTestCase : public SimulationTestCase
{
  public:
    enum Kind
    {
        WRONG_OUTER_SOURCE,
        TRANSPORT_SA,
        MALFORMED_INNER,
        INNER_MISMATCH,
    };

    BadTunnelInputTestCase(bool v6, Kind kind)
        : SimulationTestCase("bad tunnel input over " + FamilyName(v6) + ": " + Name(kind))
        , m_v6(v6)
        , m_kind(kind)
    {
    }

  private:
    static std::string Name(Kind k)
    {
        switch (k)
        {
            case WRONG_OUTER_SOURCE:
                return "outer source is not the tunnel end";
            case TRANSPORT_SA:
                return "SA installed -m transport under a tunnel policy";
            case MALFORMED_INNER:
                return "malformed inner datagram";
            case INNER_MISMATCH:
                return "inner addresses outside the inbound selector";
        }
        return "";
    }

    void DoRun() override
    {
        Vpn vpn(m_v6);
        uint8_t next = m_v6 ? 41 : 4;
        vpn.Setkey(vpn.Gw(1), FAQ_GW1);
        switch (m_kind)
        {
            case TRANSPORT_SA:
                vpn.Setkey(vpn.Gw(2),
                           "add $W1 $W2 esp 13245 -m transport -E blowfish-cbc "
                           "\"blowfishtest.001\";\n"
                           "spdadd $L1 $L2 any -P in ipsec esp/tunnel/$W1-$W2/require;\n");
                break;
            case INNER_MISMATCH:
                vpn.Setkey(vpn.Gw(2),
                           FAQ_SAS
                               + "spdadd $X1 $L2 any -P in ipsec esp/tunnel/$W1-$W2/require;\n");
                break;
            default:
                vpn.Setkey(vpn.Gw(2), FAQ_GW2);
        }
        UdpSink sink(vpn.Host(2), m_v6, PORT);
        Ptr<IpsecSa> sa = vpn.FaqSenderSa();
        uint32_t bad = 0;
        std::string expectedWhy;
        Time t = Seconds(2);
        auto step = [&t]()
        {
            t += MilliSeconds(100);
            return t;
        };
        switch (m_kind)
        {
            case WRONG_OUTER_SOURCE:
                for (uint32_t i = 0; i < 3; ++i)
                {
                    Bytes inner = UdpDatagram(vpn.HostAddr(1), vpn.HostAddr(2), 80 + 8 * i, 0, 63);
                    vpn.SendEsp(vpn.Host(1), vpn.HostAddr(1), vpn.Esp(sa, inner, next), 0, step());
                    ++bad;
                }
                expectedWhy = "no inbound tunnel policy";
                break;
            case TRANSPORT_SA:
            case INNER_MISMATCH:
                for (uint32_t i = 0; i < 3; ++i)
                {
                    SendUdp(vpn.Host(1), vpn.HostAddr(1), vpn.HostAddr(2), 80 + 8 * i, step());
                    ++bad;
                }
                expectedWhy
                    = m_kind == TRANSPORT_SA ? "transport-mode SA" : "no inbound tunnel policy";
                break;
            case MALFORMED_INNER:
            {
                Bytes good = UdpDatagram(vpn.HostAddr(1), vpn.HostAddr(2), 40, 0, 63);
                std::vector<Bytes> inners;
                inners.emplace_back(10, 0x45); // shorter than any IP header
                Bytes version = good;          // the other IP version
                version[0] = m_v6 ? 0x45 : 0x60;
                inners.push_back(version);
                Bytes truncated(good.begin(), good.begin() + (m_v6 ? 44 : 24)); // length says more
                inners.push_back(truncated);
                Bytes garbage(64);
                for (uint32_t i = 0; i < garbage.size(); ++i)
                {
                    garbage[i] = static_cast<uint8_t>(i * 37 + 11);
                }
                garbage[0] = m_v6 ? 0x6f : 0x4f; // right version, nonsense otherwise
                inners.push_back(garbage);
                for (const Bytes& inner : inners)
                {
                    vpn.SendEsp(vpn.Gw(1), vpn.Wan(1), vpn.Esp(sa, inner, next), 0, step());
                    ++bad;
                }
                expectedWhy = "not decapsulated";
                break;
            }
        }
        // A genuine datagram afterwards; with TRANSPORT_SA and INNER_MISMATCH
        // it fails like the others.
        uint32_t genuineSize = 333;
        SendUdp(vpn.Host(1), vpn.HostAddr(1), vpn.HostAddr(2), genuineSize, step());
        bool genuineArrives = m_kind == WRONG_OUTER_SOURCE || m_kind == MALFORMED_INNER;
        Simulator::Stop(Seconds(4));
        Simulator::Run();

        const IpsecStats& g2 = vpn.Stats(vpn.Gw(2));
        uint32_t refused = bad + (genuineArrives ? 0 : 1);
        NS_TEST_EXPECT_MSG_EQ(g2.in_success, bad + 1, "gw2 decrypted all of them");
        NS_TEST_EXPECT_MSG_EQ(vpn.CountDrops(2, "not decapsulated"),
                              refused,
                              "not decapsulated: " << vpn.DropsText(2));
        NS_TEST_EXPECT_MSG_EQ(vpn.CountDrops(2, expectedWhy), refused, "the reason");
        NS_TEST_EXPECT_MSG_EQ(sink.Count(), (genuineArrives ? 1u : 0u), "delivered to host 2");
        NS_TEST_EXPECT_MSG_EQ(
            sink.CountSize(genuineSize), (genuineArrives ? 1u : 0u), "only the genuine datagram");
        uint32_t lan = 0;
        for (const Datagram& d : vpn.host2Rx)
        {
            lan += d.Src() == vpn.HostAddr(1);
        }
        NS_TEST_EXPECT_MSG_EQ(lan, (genuineArrives ? 1u : 0u), "nothing else on LAN 2");
        NS_TEST_EXPECT_MSG_EQ(g2.in_polvio, 0u, "never reached the policy check");
    }

    bool m_v6;
    Kind m_kind;
};

// ===========================================================================
// 7. The inbound check on forwarded datagrams
// ===========================================================================

/**
 * gw2 requires the ESP tunnel for LAN 1 -> LAN 2; gw1 protects only host
 * (1,0).  Host (1,1)'s datagrams cross the WAN in clear and gw2 refuses to
 * forward them (in_polvio, ip_input's forwarding check); host (1,0)'s arrive.
 */
class ForwardedCheckTestCase : public SimulationTestCase
{
  public:
    explicit ForwardedCheckTestCase(bool v6)
        : SimulationTestCase("gw2's inbound check on forwarded datagrams over " + FamilyName(v6))
        , m_v6(v6)
    {
    }

  private:
    void DoRun() override
    {
        Vpn vpn(m_v6, 2);
        vpn.Setkey(vpn.Gw(1),
                   FAQ_SAS + "spdadd $H1 $L2 any -P out ipsec esp/tunnel/$W1-$W2/require;\n");
        vpn.Setkey(vpn.Gw(2),
                   FAQ_SAS + "spdadd $L1 $L2 any -P in ipsec esp/tunnel/$W1-$W2/require;\n");
        UdpSink sink(vpn.Host(2), m_v6, PORT);
        const uint32_t n = 4;
        for (uint32_t i = 0; i < n; ++i)
        {
            Time at = Seconds(2 + 0.1 * i);
            SendUdp(vpn.Host(1, 0), vpn.HostAddr(1, 0), vpn.HostAddr(2), 100, at);
            SendUdp(vpn.Host(1, 1), vpn.HostAddr(1, 1), vpn.HostAddr(2), 100, at + MilliSeconds(5));
        }
        Simulator::Stop(Seconds(4));
        Simulator::Run();

        NS_TEST_EXPECT_MSG_EQ(Vpn::CountProto(vpn.wan1Tx, 50), n, "protected datagrams");
        NS_TEST_EXPECT_MSG_EQ(Vpn::CountProto(vpn.wan1Tx, 17), n, "plaintext datagrams");
        NS_TEST_EXPECT_MSG_EQ(sink.CountFrom(vpn.HostAddr(1, 0)), n, "protected ones forwarded");
        NS_TEST_EXPECT_MSG_EQ(sink.CountFrom(vpn.HostAddr(1, 1)), 0u, "plaintext ones refused");
        NS_TEST_EXPECT_MSG_EQ(vpn.Stats(vpn.Gw(2)).in_polvio, n, "in_polvio");
        NS_TEST_EXPECT_MSG_EQ(vpn.CountDrops(2, "in_polvio"), n, vpn.DropsText(2));
    }

    bool m_v6;
};

// ===========================================================================
// 8. MTU
// ===========================================================================

/**
 * A 1480-byte datagram from host 1 (fits the LAN, not the WAN once the ESP
 * tunnel is added).  KAME (ip_output after IPsec, dfbit): the outer header's
 * DF decides; with DF the forwarding gateway answers "fragmentation needed"
 * with the MTU reduced by ipsec_hdrsiz (outer header, ESP header, IV,
 * padbound + 1); without DF the outer datagram is fragmented and the datagram
 * arrives.  Before it a small datagram goes through (so the SA has been
 * used).
 */
class Ipv4MtuTestCase : public SimulationTestCase
{
  public:
    Ipv4MtuTestCase(uint32_t dfbit, bool innerDf)
        : SimulationTestCase("IPv4 MTU: 1480-byte datagram, "
                             + std::string(innerDf ? "DF" : "no DF") + ", dfbit "
                             + std::to_string(dfbit))
        , m_dfbit(dfbit)
        , m_innerDf(innerDf)
    {
    }

  private:
    void DoRun() override
    {
        Vpn vpn(false);
        vpn.Setkey(vpn.Gw(1), FAQ_GW1);
        vpn.Setkey(vpn.Gw(2), FAQ_GW2);
        Vpn::Stack(vpn.Gw(1))->SetAttribute("Dfbit", UintegerValue(m_dfbit));
        UdpSink sink(vpn.Host(2), false, PORT);
        MtuListener icmp(vpn.Host(1), false);
        const uint32_t big = 1480 - 28;
        SendIpv4Datagram(vpn.Host(1),
                         UdpDatagram(vpn.HostAddr(1), vpn.HostAddr(2), 100, 0, 64, m_innerDf, 1),
                         Seconds(2));
        SendIpv4Datagram(vpn.Host(1),
                         UdpDatagram(vpn.HostAddr(1), vpn.HostAddr(2), big, 0, 64, m_innerDf, 2),
                         Seconds(2.5));
        Simulator::Stop(Seconds(4));
        Simulator::Run();

        bool outerDf = m_dfbit == 1 || (m_dfbit == 2 && m_innerDf);
        uint32_t wanMtu = vpn.WanDevice(1)->GetMtu();
        uint32_t fragments = 0;
        for (const Datagram& d : vpn.wan1Tx)
        {
            NS_TEST_EXPECT_MSG_EQ(uint32_t(d.Proto()), 50u, "ESP only");
            NS_TEST_EXPECT_MSG_LT_OR_EQ(d.b.size(), wanMtu, "fits the WAN");
            NS_TEST_EXPECT_MSG_EQ(
                (d.Df() && d.IsFragment()), false, "a DF datagram is never fragmented");
            fragments += d.IsFragment();
        }
        NS_TEST_EXPECT_MSG_EQ(sink.CountSize(100), 1u, "the small datagram arrived");
        if (outerDf)
        {
            NS_TEST_EXPECT_MSG_EQ(icmp.mtus->size(), 1u, "fragmentation needed at the sender");
            if (!icmp.mtus->empty())
            {
                NS_TEST_EXPECT_MSG_EQ(icmp.mtus->front(),
                                      wanMtu - TunnelOverhead(false),
                                      "next-hop MTU = WAN MTU - IPsec overhead");
            }
            NS_TEST_EXPECT_MSG_EQ(fragments, 0u, "nothing fragmented");
            NS_TEST_EXPECT_MSG_EQ(sink.CountSize(big), 0u, "the big datagram was not sent");
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(icmp.mtus->size(), 0u, "no ICMP error");
            NS_TEST_EXPECT_MSG_EQ(fragments, 2u, "the outer datagram in two fragments");
            NS_TEST_EXPECT_MSG_EQ(sink.CountSize(big), 1u, "the big datagram arrived");
            NS_TEST_EXPECT_MSG_EQ(vpn.Stats(vpn.Gw(2)).in_success, 2u, "gw2 decrypted both");
        }
    }

    uint32_t m_dfbit;
    bool m_innerDf;
};

/// IPv6: a 1480-byte datagram gets Packet Too Big with MTU = WAN MTU - overhead.
class Ipv6MtuTestCase : public SimulationTestCase
{
  public:
    Ipv6MtuTestCase()
        : SimulationTestCase("IPv6 MTU: Packet Too Big for a datagram that does not fit the tunnel")
    {
    }

  private:
    void DoRun() override
    {
        Vpn vpn(true);
        vpn.Setkey(vpn.Gw(1), FAQ_GW1);
        vpn.Setkey(vpn.Gw(2), FAQ_GW2);
        UdpSink sink(vpn.Host(2), true, PORT);
        MtuListener icmp(vpn.Host(1), true);
        const uint32_t big = 1480 - 48;
        SendUdp(vpn.Host(1), vpn.HostAddr(1), vpn.HostAddr(2), 100, Seconds(2));
        SendUdp(vpn.Host(1), vpn.HostAddr(1), vpn.HostAddr(2), big, Seconds(2.5));
        Simulator::Stop(Seconds(4));
        Simulator::Run();

        uint32_t wanMtu = vpn.WanDevice(1)->GetMtu();
        NS_TEST_EXPECT_MSG_EQ(sink.CountSize(100), 1u, "the small datagram arrived");
        NS_TEST_EXPECT_MSG_EQ(sink.CountSize(big), 0u, "the big one did not");
        NS_TEST_EXPECT_MSG_EQ(icmp.mtus->size(), 1u, "Packet Too Big at the sender");
        if (!icmp.mtus->empty())
        {
            NS_TEST_EXPECT_MSG_EQ(icmp.mtus->front(),
                                  wanMtu - TunnelOverhead(true),
                                  "MTU = WAN MTU - IPsec overhead");
        }
        NS_TEST_EXPECT_MSG_EQ(Vpn::CountProto(vpn.wan1Tx, 50), 1u, "only the small one tunnelled");
    }
};

// ===========================================================================
// 9. The FAQ's leaf-node host tunnel
// ===========================================================================

/**
 * host 10.0.1.5 -- router 10.0.1.1 / 10.0.3.1 -- server 10.0.3.2, the
 * FAQ's "leaf-node tunnel": the host tunnels everything it sends to the
 * router, which forwards in clear; the router tunnels everything for the
 * host.  Ping, UDP echo and TCP from the host to the server arrive; the
 * host's link carries only ESP (both directions), the server's link none.
 */
class LeafNodeTestCase : public SimulationTestCase
{
  public:
    LeafNodeTestCase()
        : SimulationTestCase("FAQ leaf-node tunnel: host -> router (ESP) -> server (clear)")
    {
    }

  private:
    static void AssignAddress(Ptr<NetDevice> dev, const char* addr)
    {
        Ptr<Ipv4> ipv4 = dev->GetNode()->GetObject<Ipv4>();
        int32_t i = ipv4->GetInterfaceForDevice(dev);
        if (i < 0)
        {
            i = ipv4->AddInterface(dev);
        }
        ipv4->AddAddress(i, Ipv4InterfaceAddress(Ipv4Address(addr), Ipv4Mask("255.255.255.0")));
        ipv4->SetUp(i);
    }

    void DoRun() override
    {
        NodeContainer nodes;
        nodes.Create(3); // host, router, server
        IpsecStackHelper stack;
        stack.Install(nodes);
        stack.AssignStreams(nodes, 5);
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
        p2p.SetChannelAttribute("Delay", StringValue("2ms"));
        NetDeviceContainer access = p2p.Install(nodes.Get(0), nodes.Get(1));
        NetDeviceContainer core = p2p.Install(nodes.Get(1), nodes.Get(2));
        AssignAddress(access.Get(0), "10.0.1.5");
        AssignAddress(access.Get(1), "10.0.1.1");
        AssignAddress(core.Get(0), "10.0.3.1");
        AssignAddress(core.Get(1), "10.0.3.2");
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();

        std::string sas = "add 10.0.1.1 10.0.1.5 esp 1011 -E rijndael-cbc \"rijndaeltest.001\" ;\n"
                          "add 10.0.1.5 10.0.1.1 esp 1012 -E rijndael-cbc "
                          "0xdeadbeefdeadbeefdeadbeefdeadbeef;\n";
        IpsecHelper ipsec;
        ipsec.RunSetkeyString(nodes.Get(0),
                              sas
                                  + "spdadd 10.0.1.5/32 0.0.0.0/0 any -P out ipsec "
                                    "esp/tunnel/10.0.1.5-10.0.1.1/require;\n"
                                    "spdadd 0.0.0.0/0 10.0.1.5/32 any -P in ipsec "
                                    "esp/tunnel/10.0.1.1-10.0.1.5/require;\n",
                              "leaf-host");
        ipsec.RunSetkeyString(nodes.Get(1),
                              sas
                                  + "spdadd 10.0.1.5/32 0.0.0.0/0 any -P in ipsec "
                                    "esp/tunnel/10.0.1.5-10.0.1.1/require;\n"
                                    "spdadd 0.0.0.0/0 10.0.1.5/32 any -P out ipsec "
                                    "esp/tunnel/10.0.1.1-10.0.1.5/require;\n",
                              "leaf-router");

        std::vector<Datagram> hostTx;
        std::vector<Datagram> hostRx;
        std::vector<Datagram> serverTx;
        std::vector<Datagram> serverRx;
        TapPpp(access.Get(0), "PhyTxBegin", &hostTx);
        TapPpp(access.Get(0), "PhyRxEnd", &hostRx);
        TapPpp(core.Get(1), "PhyTxBegin", &serverTx);
        TapPpp(core.Get(1), "PhyRxEnd", &serverRx);

        IpsecTrafficHelper traffic;
        traffic.SetPingCount(3);
        traffic.SetUdpEchoCount(3);
        traffic.SetTcpBytes(50000);
        Simulator::Stop(traffic.Install(nodes.Get(0),
                                        IpsecAddress(Ipv4Address("10.0.1.5")),
                                        nodes.Get(2),
                                        IpsecAddress(Ipv4Address("10.0.3.2"))));
        Simulator::Run();

        for (const IpsecFlowResult& f : traffic.GetResults())
        {
            NS_TEST_EXPECT_MSG_EQ(f.received, f.sent, f.name << " delivered completely");
        }
        IpsecAddress host(Ipv4Address("10.0.1.5"));
        IpsecAddress router(Ipv4Address("10.0.1.1"));
        for (const auto* log : {&hostTx, &hostRx})
        {
            for (const Datagram& d : *log)
            {
                NS_TEST_EXPECT_MSG_EQ(uint32_t(d.Proto()), 50u, "only ESP on the host's link");
                bool up = d.Src() == host;
                NS_TEST_EXPECT_MSG_EQ((up ? d.Dst() : d.Src()), router, "tunnel ends");
                NS_TEST_EXPECT_MSG_EQ(uint32_t(d.Ttl()), 64u, "outer TTL");
            }
        }
        for (const auto* log : {&serverTx, &serverRx})
        {
            NS_TEST_EXPECT_MSG_EQ(Vpn::CountProto(*log, 50), 0u, "clear on the server's link");
        }
        NS_TEST_EXPECT_MSG_GT(hostTx.size(), 30u, "the host sent through the tunnel");
        const IpsecStats& h = nodes.Get(0)->GetObject<IpsecStack>()->GetStats(false);
        const IpsecStats& r = nodes.Get(1)->GetObject<IpsecStack>()->GetStats(false);
        NS_TEST_EXPECT_MSG_EQ(h.out_success, hostTx.size(), "host out_success = its ESP frames");
        NS_TEST_EXPECT_MSG_EQ(r.in_success, hostTx.size(), "router decrypted all of them");
        NS_TEST_EXPECT_MSG_EQ(r.out_success, hostRx.size(), "router tunnelled the replies");
        NS_TEST_EXPECT_MSG_EQ(h.in_success, hostRx.size(), "host decrypted them");
        NS_TEST_EXPECT_MSG_EQ(h.in_polvio + r.in_polvio, 0u, "no policy violations");
        // The server sees the host's own address with the TTL of one hop.
        uint32_t fromHost = 0;
        for (const Datagram& d : serverRx)
        {
            if (d.Src() == host)
            {
                ++fromHost;
                NS_TEST_EXPECT_MSG_EQ(uint32_t(d.Ttl()), 63u, "inner TTL after the router");
            }
        }
        NS_TEST_EXPECT_MSG_EQ(fromHost, hostTx.size(), "every tunnelled datagram forwarded");
    }
};

// ===========================================================================

namespace
{

Probe
P(uint8_t tos, int outerTos, int innerTos)
{
    Probe p;
    p.tos = tos;
    p.outerTos = outerTos;
    p.innerTos = innerTos;
    return p;
}

Probe
Df(bool df, int outerDf)
{
    Probe p;
    p.tos = 0;
    p.df = df;
    p.outerTos = 0;
    p.outerDf = outerDf;
    p.innerTos = 0;
    return p;
}

Probe
Crafted(uint8_t outerTos, uint8_t innerTos, int expectedInner)
{
    Probe p;
    p.tos = innerTos;
    p.crafted = outerTos;
    p.outerTos = outerTos;
    p.innerTos = expectedInner;
    return p;
}

std::vector<KnobParams>
KnobCases(bool v6)
{
    const uint8_t EF = DSCP_EF;
    std::vector<KnobParams> c;
    if (!v6)
    {
        c.push_back({"dfbit 0 clears DF", false, 0, 0, 0, {Df(true, 0), Df(false, 0)}});
        c.push_back({"dfbit 1 sets DF", false, 1, 0, 0, {Df(true, 1), Df(false, 1)}});
        c.push_back({"dfbit 2 copies DF", false, 2, 0, 0, {Df(true, 1), Df(false, 0)}});
    }
    // Encapsulation (ip_ecn_ingress) with the same setting on both gateways.
    c.push_back({"ecn 1: TOS copied, CE becomes ECT(0)",
                 v6,
                 0,
                 1,
                 1,
                 {P(EF | NOT_ECT, EF | NOT_ECT, EF | NOT_ECT),
                  P(EF | ECT1, EF | ECT1, EF | ECT1),
                  P(EF | ECT0, EF | ECT0, EF | ECT0),
                  P(EF | CE, EF | ECT0, EF | CE)}});
    c.push_back({"ecn 0: TOS copied, ECN cleared",
                 v6,
                 0,
                 0,
                 0,
                 {P(EF | NOT_ECT, EF, EF | NOT_ECT),
                  P(EF | ECT1, EF, EF | ECT1),
                  P(EF | ECT0, EF, EF | ECT0),
                  P(EF | CE, EF, EF | CE)}});
    c.push_back({"ecn -1: TOS copied unchanged",
                 v6,
                 0,
                 -1,
                 -1,
                 {P(EF | NOT_ECT, EF | NOT_ECT, EF | NOT_ECT),
                  P(EF | ECT0, EF | ECT0, EF | ECT0),
                  P(EF | CE, EF | CE, EF | CE)}});
    // Decapsulation (ip_ecn_egress): an outer CE from gw1 with ecn -1.
    c.push_back({"outer CE, gw2 ecn 0: dropped (in_inval)",
                 v6,
                 0,
                 -1,
                 0,
                 {P(EF | ECT0, EF | ECT0, EF | ECT0), P(EF | CE, EF | CE, -1)}});
    c.push_back({"outer CE, gw2 ecn 1: inner stays CE",
                 v6,
                 0,
                 -1,
                 1,
                 {P(EF | ECT0, EF | ECT0, EF | ECT0), P(EF | CE, EF | CE, EF | CE)}});
    // Crafted outer CE over other inner code points.
    c.push_back({"crafted outer CE, gw2 ecn 1: CE copied in, not-ECT dropped",
                 v6,
                 0,
                 0,
                 1,
                 {Crafted(CE, EF | ECT0, EF | CE),
                  Crafted(CE, EF | ECT1, EF | CE),
                  Crafted(CE, EF | NOT_ECT, -1),
                  Crafted(ECT0, EF | NOT_ECT, EF | NOT_ECT)}});
    c.push_back({"crafted outer CE, gw2 ecn 0: dropped",
                 v6,
                 0,
                 0,
                 0,
                 {Crafted(CE, EF | ECT0, -1), Crafted(ECT0, EF | ECT0, EF | ECT0)}});
    c.push_back({"crafted outer CE, gw2 ecn -1: ignored",
                 v6,
                 0,
                 0,
                 -1,
                 {Crafted(CE, EF | NOT_ECT, EF | NOT_ECT), Crafted(CE, EF | ECT0, EF | ECT0)}});
    return c;
}

} // namespace

class IpsecTunnelTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecTunnelTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-tunnel", SYSTEM)
    {
        for (bool v6 : {false, true})
        {
            AddTestCase(new FaqVpnTestCase(v6), TestCase::QUICK);
        }
        for (bool v6 : {false, true})
        {
            for (KnobParams& k : KnobCases(v6))
            {
                AddTestCase(new OuterHeaderTestCase(k), TestCase::QUICK);
            }
        }
        for (bool v6 : {false, true})
        {
            AddTestCase(new DeflevTestCase(v6, 1), TestCase::QUICK);
            AddTestCase(new DeflevTestCase(v6, 2), TestCase::QUICK);
            AddTestCase(new EspEnableTestCase(v6), TestCase::QUICK);
        }
        for (bool v6 : {false, true})
        {
            for (bool bundle : {false, true})
            {
                for (bool kame : {false, true})
                {
                    AddTestCase(new DecapHistoryTestCase(v6, bundle, kame), TestCase::QUICK);
                }
            }
        }
        for (bool v6 : {false, true})
        {
            AddTestCase(new NestingTestCase(v6, NestingTestCase::OUTER_BUNDLE), TestCase::QUICK);
            AddTestCase(new NestingTestCase(v6, NestingTestCase::HOST_BUNDLE_IN_AH_TUNNEL),
                        TestCase::QUICK);
        }
        for (bool v6 : {false, true})
        {
            for (auto kind : {BadTunnelInputTestCase::WRONG_OUTER_SOURCE,
                              BadTunnelInputTestCase::TRANSPORT_SA,
                              BadTunnelInputTestCase::MALFORMED_INNER,
                              BadTunnelInputTestCase::INNER_MISMATCH})
            {
                AddTestCase(new BadTunnelInputTestCase(v6, kind), TestCase::QUICK);
            }
        }
        for (bool v6 : {false, true})
        {
            AddTestCase(new ForwardedCheckTestCase(v6), TestCase::QUICK);
        }
        AddTestCase(new Ipv4MtuTestCase(2, true), TestCase::QUICK);
        AddTestCase(new Ipv4MtuTestCase(1, true), TestCase::QUICK);
        AddTestCase(new Ipv4MtuTestCase(2, false), TestCase::QUICK);
        AddTestCase(new Ipv4MtuTestCase(0, false), TestCase::QUICK);
        AddTestCase(new Ipv6MtuTestCase(), TestCase::QUICK);
        AddTestCase(new LeafNodeTestCase(), TestCase::QUICK);
        // The cases that found deviations from KAME (key_gettunnel's pairing,
        // the outer DF deciding "fragmentation needed"): last.
        for (bool v6 : {false, true})
        {
            AddTestCase(new NestingTestCase(v6, NestingTestCase::SAME_ENDPOINTS), TestCase::QUICK);
        }
        AddTestCase(new Ipv4MtuTestCase(0, true), TestCase::QUICK);
        AddTestCase(new Ipv4MtuTestCase(1, false), TestCase::QUICK);
    }
};

static IpsecTunnelTestSuite g_ipsecTunnelTestSuite;
