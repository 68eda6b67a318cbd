/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * "Correct for every datagram": UDP datagrams of every size, from 1 byte to
 * 65000, through IPsec, each one audited by IpsecDatagramAudit (delivered
 * byte for byte, or dropped with a drop trace saying where and why; never
 * corrupted, never silently lost).
 *
 * The matrix, one test case per cell:
 *   transforms  esp rijndael-cbc/hmac-sha1, esp aes-gcm-16, ah hmac-sha1,
 *               ipcomp deflate + esp rijndael-cbc/hmac-sha1,
 *               esp rijndael-cbc + ah hmac-sha1;
 *   mode        transport between hosts A and B (IpsecHostToHostHelper:
 *               A -- router -- B), or a tunnel between the VPN gateways
 *               (IpsecVpnHelper: host1 -- gw1 -- gw2 -- host2; the hosts
 *               know nothing of IPsec);
 *   family      IPv4, IPv6, and for tunnels IPv4 in IPv6 and IPv6 in IPv4
 *               (the VPN helper's IPv4 topology made dual-stack here);
 *   sizes       UDP payloads 1, 64, 1400, 1450, 1500, 3000, 8000 and 65000
 *               bytes, in that order, three rounds, one datagram every
 *               200 ms.  With 1500-byte MTUs everywhere: 1400 fits every
 *               link as a plain datagram; 1450 fits the LAN but not the WAN
 *               once tunnelled (fragmented by the gateway only) and not the
 *               host's link once protected in transport mode; 1500 and more
 *               are fragmented by the sending host, and their full-size
 *               fragments again by the gateway after tunnelling (both).
 *
 * The specification (KAME, RFC 791, RFC 8200), from which every expected
 * value below is computed -- never from the model's output:
 *   - IPv4 and IPv6 transport: the sending host protects the whole datagram,
 *     then fragments the protected datagram (KAME does no pre-
 *     fragmentation); the receiver reassembles, removes IPsec, delivers.
 *     A's out_success = B's in_success = sum over datagrams of the
 *     transforms applied (IPComp is skipped, counted as nothing, when the
 *     UDP segment is under 90 bytes).
 *   - IPv4 through the gateways: host1 fragments the plain datagram for its
 *     LAN (RFC 791 as ns-3 does it: fragments of floor((MTU-20)/8)*8 bytes);
 *     gw1 tunnels each fragment separately, keeping the inner fragment's
 *     flags and offset, and fragments the outer packet when it exceeds the
 *     WAN MTU (outer DF clear, dfbit 0); host2 reassembles the original
 *     datagram.  Every datagram is delivered; gw1's out_success = gw2's
 *     in_success = sum over fragments of the transforms (IPComp skipped for
 *     inner packets under 90 bytes).  The same when the outer family is
 *     IPv6 (gw1 is the source of the outer IPv6 packet and may fragment it).
 *   - IPv6 through the gateways (IPv6 in IPv6): a gateway never
 *     fragments a forwarded IPv6 datagram.  KAME's ip6_forward applies the
 *     IPsec output (counting its transforms) and then, when the
 *     encapsulated packet exceeds the outgoing link MTU, drops it and sends
 *     an ICMPv6 Packet Too Big to the source with MTU = link MTU minus
 *     ipsec6_hdrsiz (outer header, ESP header + IV + pad boundary + 1 + ICV;
 *     AH 12 + ICV padded to 8; IPComp 4), never below 1280.  The source
 *     then fragments (RFC 8200: fragments of floor((PMTU-48)/8)*8 bytes)
 *     every later datagram to that path MTU, so only the first datagram
 *     that does not fit is lost, accounted at gw1.  IPComp compresses the
 *     audit's text about fivefold, so nothing is too big with it.
 *
 *   - IPv6 in IPv4 (no KAME counterpart: KAME tunnels only within a
 *     family): the outer IPv4 header follows the IPv4 rules, so gw1, its
 *     source, fragments it when it exceeds the WAN MTU (DF clear, dfbit 0)
 *     and nothing is too big; IPv4 in IPv6 is "IPv4 through the gateways".
 *
 * Each cell checks: the audit is Ok(); every datagram's verdict (DELIVERED,
 * or DROPPED with a drop event at gw1 where the rules above drop it); the
 * Packet Too Big messages reaching host1 (number, MTU, the destination of
 * the datagram they quote); the IPsec packets the sending peer puts on its
 * link to the other peer and how many of them are fragments, i.e. where the
 * fragmentation happened (not for IPComp in transport mode, whose
 * compressed sizes are not known exactly); the IPsec peers' counters.
 *
 * ns-3 stops a suite at its first failing test case; the cases run
 * transport first, then tunnels, IPv4 before IPv6 before mixed families.
 */
#include "ipsec-test-base.h"
#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipsec-module.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/ipv6-static-routing-helper.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/simulator.h"
#include "ns3/test.h"

#include <exception>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

constexpr uint16_t PORT = 9;
constexpr uint32_t LAN_MTU = 1500; ///< the hosts' links (ns-3's default device MTU)
constexpr uint32_t WAN_MTU = 1500; ///< the link between the gateways
constexpr uint32_t IPV6_MIN_MTU = 1280;
constexpr uint32_t IPCOMP_MIN = 90; ///< KAME compresses payloads of at least 90 bytes
constexpr uint32_t ROUNDS = 3;
const std::vector<uint32_t> SIZES = {1, 64, 1400, 1450, 1500, 3000, 8000, 65000};
const Time START = Seconds(2); ///< after IPv6 duplicate address detection
const Time SPACING = MilliSeconds(200);

enum class Xform
{
    ESP_CBC,    ///< esp rijndael-cbc + hmac-sha1
    ESP_GCM,    ///< esp aes-gcm-16
    AH,         ///< ah hmac-sha1
    IPCOMP_ESP, ///< ipcomp deflate (use) + esp rijndael-cbc/hmac-sha1 (require)
    ESP_AH,     ///< esp rijndael-cbc (no authenticator) + ah hmac-sha1
};

std::string
XformName(Xform x)
{
    switch (x)
    {
        case Xform::ESP_CBC:
            return "esp rijndael-cbc+hmac-sha1";
        case Xform::ESP_GCM:
            return "esp aes-gcm-16";
        case Xform::AH:
            return "ah hmac-sha1";
        case Xform::IPCOMP_ESP:
            return "ipcomp deflate + esp rijndael-cbc+hmac-sha1";
        case Xform::ESP_AH:
            return "esp rijndael-cbc + ah hmac-sha1";
    }
    return "?";
}

// ---- sizes, from the RFCs and KAME's rules (esp_output padding, ah4_output,
// ipcomp_output, ipsec_hdrsiz)

// rijndael-cbc: 16-byte IV and pad boundary; aes-gcm-16 (RFC 4106): 8-byte
// IV, 4-byte pad boundary, 16-byte ICV; hmac-sha1: 12-byte ICV (RFC 2404).
constexpr uint32_t ESP_HDR = 8; ///< SPI and sequence number
constexpr uint32_t CBC_IV = 16;
constexpr uint32_t CBC_PAD = 16;
constexpr uint32_t GCM_IV = 8;
constexpr uint32_t GCM_PAD = 4;
constexpr uint32_t GCM_ICV = 16;
constexpr uint32_t SHA1_ICV = 12;
constexpr uint32_t AH_LEN = 12 + SHA1_ICV; ///< 24: already a multiple of 8 (IPv6) and 4 (IPv4)
constexpr uint32_t IPCOMP_HDR = 4;

/// ESP around @p plen bytes: KAME's padding extends to the pad boundary,
/// the two trailer bytes included, never by exactly 1 (then boundary + 1).
uint32_t
EspLength(uint32_t plen, uint32_t iv, uint32_t padBound, uint32_t icv)
{
    uint32_t extend = padBound - plen % padBound;
    if (extend == 1)
    {
        extend += padBound;
    }
    return ESP_HDR + iv + plen + extend + icv;
}

/// ipsec_hdrsiz of one ESP request: worst-case padding (pad boundary + 1).
uint32_t
EspHdrsiz(uint32_t iv, uint32_t padBound, uint32_t icv)
{
    return ESP_HDR + iv + padBound + 1 + icv;
}

/// The transforms applied to a packet whose IPComp input is @p n bytes.
uint32_t
Transforms(Xform x, uint32_t n)
{
    switch (x)
    {
        case Xform::ESP_AH:
            return 2;
        case Xform::IPCOMP_ESP:
            return n >= IPCOMP_MIN ? 2 : 1;
        default:
            return 1;
    }
}

/**
 * The size of inner packet @p n once tunnelled (outer header @p outerV6).
 * For IPComp an upper bound: the audit's text deflates to about a fifth
 * (checked with zlib: a 1496-byte fragment with 48 random header bytes to
 * 210 bytes, a 90-byte one to 80), so n/2 + 48 is generous.
 */
uint32_t
Tunnelled(Xform x, uint32_t n, bool outerV6)
{
    uint32_t outer = outerV6 ? 40 : 20;
    switch (x)
    {
        case Xform::ESP_CBC:
            return outer + EspLength(n, CBC_IV, CBC_PAD, SHA1_ICV);
        case Xform::ESP_GCM:
            return outer + EspLength(n, GCM_IV, GCM_PAD, GCM_ICV);
        case Xform::AH:
            return outer + AH_LEN + n;
        case Xform::IPCOMP_ESP:
        {
            uint32_t compressed = n >= IPCOMP_MIN ? IPCOMP_HDR + n / 2 + 48 : n;
            return outer + EspLength(compressed, CBC_IV, CBC_PAD, SHA1_ICV);
        }
        case Xform::ESP_AH:
            return outer + AH_LEN + EspLength(n, CBC_IV, CBC_PAD, 0);
    }
    return 0;
}

/// The size of a @p segment-byte UDP segment protected in transport mode
/// (IP header included): as a tunnel's inner packet with the datagram's own
/// header in front; 0 for IPComp, whose compressed size is not exact.
uint32_t
TransportProtected(Xform x, uint32_t segment, bool v6)
{
    return x == Xform::IPCOMP_ESP ? 0 : Tunnelled(x, segment, v6);
}

/// ipsec6_hdrsiz of the gateways' tunnel policy.
uint32_t
TunnelHdrsiz(Xform x, bool outerV6)
{
    uint32_t outer = outerV6 ? 40 : 20;
    switch (x)
    {
        case Xform::ESP_CBC:
            return outer + EspHdrsiz(CBC_IV, CBC_PAD, SHA1_ICV);
        case Xform::ESP_GCM:
            return outer + EspHdrsiz(GCM_IV, GCM_PAD, GCM_ICV);
        case Xform::AH:
            return outer + AH_LEN;
        case Xform::IPCOMP_ESP:
            return outer + IPCOMP_HDR + EspHdrsiz(CBC_IV, CBC_PAD, SHA1_ICV);
        case Xform::ESP_AH:
            return outer + EspHdrsiz(CBC_IV, CBC_PAD, 0) + AH_LEN;
    }
    return 0;
}

/// The packets (their sizes) a host sends for a @p segment-byte payload
/// over a path MTU @p mtu with a @p header-byte IP header, each fragment
/// carrying @p fragmentHeader more bytes and floor((MTU - header -
/// fragmentHeader) / 8) * 8 data bytes.
std::vector<uint32_t>
Packets(uint32_t segment, uint32_t mtu, uint32_t header, uint32_t fragmentHeader)
{
    if (header + segment <= mtu)
    {
        return {header + segment};
    }
    std::vector<uint32_t> out;
    uint32_t chunk = (mtu - header - fragmentHeader) / 8 * 8;
    for (uint32_t off = 0; off < segment; off += chunk)
    {
        out.push_back(header + fragmentHeader + std::min(chunk, segment - off));
    }
    return out;
}

/// IPv4 (RFC 791): fragments of floor((MTU - 20) / 8) * 8 data bytes.
std::vector<uint32_t>
Ipv4Packets(uint32_t segment, uint32_t mtu)
{
    return Packets(segment, mtu, 20, 0);
}

/// IPv6 (RFC 8200): an 8-byte Fragment header in each fragment.
std::vector<uint32_t>
Ipv6Packets(uint32_t segment, uint32_t mtu)
{
    return Packets(segment, mtu, 40, 8);
}

/// One cell of the matrix.
struct Cell
{
    Xform xform;
    bool tunnel;
    bool innerV6;
    bool outerV6; ///< == innerV6 in transport mode

    std::string FamilyName() const
    {
        if (innerV6 == outerV6)
        {
            return innerV6 ? "IPv6" : "IPv4";
        }
        return innerV6 ? "IPv6 in IPv4" : "IPv4 in IPv6";
    }

    std::string Name() const
    {
        return std::string(tunnel ? "tunnel gw1-gw2" : "transport A-B") + ", " + FamilyName() + ", "
             + XformName(xform) + ": UDP 1 to 65000 bytes";
    }
};

/// What the specification says one run must show.
struct Expectation
{
    std::set<uint32_t> dropped;    ///< indices (send order) of datagrams lost at gw1
    std::vector<uint32_t> ptbMtus; ///< Packet Too Big MTUs host1 receives, in order
    uint64_t out{0};               ///< the sending IPsec node's out_success
    uint64_t in{0};                ///< the receiving IPsec node's in_success
    /// IPsec packets (fragments counted one by one) the sending IPsec node
    /// puts on its link to the peer (A's link; gw1's WAN), and how many of
    /// them are fragments; unknown for IPComp in transport mode.
    bool wireKnown{true};
    uint32_t wireFrames{0};
    uint32_t wireFragments{0};

    void Wire(const std::vector<uint32_t>& pieces)
    {
        wireFrames += pieces.size();
        wireFragments += pieces.size() > 1 ? pieces.size() : 0;
    }
};

Expectation
Expect(const Cell& c, const std::vector<uint32_t>& sizes)
{
    Expectation e;
    uint32_t pmtu = LAN_MTU; // host1's path MTU to host2
    for (uint32_t k = 0; k < sizes.size(); ++k)
    {
        uint32_t segment = sizes[k] + 8;
        if (!c.tunnel)
        {
            // Transport: the whole datagram is protected once, then fragmented.
            e.out += Transforms(c.xform, segment);
            e.in += Transforms(c.xform, segment);
            uint32_t size = TransportProtected(c.xform, segment, c.innerV6);
            e.wireKnown = size > 0;
            if (size > 0)
            {
                e.Wire(c.innerV6 ? Ipv6Packets(size - 40, LAN_MTU)
                                 : Ipv4Packets(size - 20, LAN_MTU));
            }
            continue;
        }
        std::vector<uint32_t> packets
            = c.innerV6 ? Ipv6Packets(segment, pmtu) : Ipv4Packets(segment, LAN_MTU);
        uint32_t newPmtu = pmtu;
        for (uint32_t n : packets)
        {
            e.out += Transforms(c.xform, n);
            if (c.innerV6 && c.outerV6 && Tunnelled(c.xform, n, c.outerV6) > WAN_MTU)
            {
                e.dropped.insert(k);
                uint32_t mtu = std::max(IPV6_MIN_MTU, WAN_MTU - TunnelHdrsiz(c.xform, c.outerV6));
                e.ptbMtus.push_back(mtu);
                newPmtu = std::min(newPmtu, mtu);
                continue;
            }
            e.in += Transforms(c.xform, n);
            // gw1 (the source of the outer packet) fragments it for the WAN;
            // with IPComp the packet fits (Tunnelled is then an upper bound).
            uint32_t outer = Tunnelled(c.xform, n, c.outerV6);
            e.Wire(c.outerV6 ? Ipv6Packets(outer - 40, WAN_MTU) : Ipv4Packets(outer - 20, WAN_MTU));
        }
        pmtu = newPmtu; // the Packet Too Big arrives long before the next datagram
    }
    return e;
}

// ---- setkey scripts --------------------------------------------------------

const std::string CBC_KEY[2]
    = {"0x00112233445566778899aabbccddeeff", "0xffeeddccbbaa99887766554433221100"};
const std::string SHA1_KEY[2]
    = {"0x0123456789abcdef0123456789abcdef01234567", "0x76543210fedcba9876543210fedcba9876543210"};
const std::string GCM_KEY[2]
    = {"0x00112233445566778899aabbccddeeff01020304", "0xffeeddccbbaa9988776655443322110005060708"};

/// The SAs between the IPsec peers @p a and @p b (index 0: a -> b).
std::string
Sas(Xform x, const std::string& a, const std::string& b)
{
    std::ostringstream s;
    const std::string from[2] = {a, b};
    const std::string to[2] = {b, a};
    for (int d = 0; d < 2; ++d)
    {
        std::string ends = from[d] + " " + to[d];
        switch (x)
        {
            case Xform::ESP_CBC:
            case Xform::IPCOMP_ESP:
                s << "add " << ends << " esp " << 0x1001 + d << " -E rijndael-cbc " << CBC_KEY[d]
                  << " -A hmac-sha1 " << SHA1_KEY[d] << ";\n";
                break;
            case Xform::ESP_GCM:
                s << "add " << ends << " esp " << 0x1001 + d << " -E aes-gcm-16 " << GCM_KEY[d]
                  << ";\n";
                break;
            case Xform::AH:
                s << "add " << ends << " ah " << 0x2001 + d << " -A hmac-sha1 " << SHA1_KEY[d]
                  << ";\n";
                break;
            case Xform::ESP_AH:
                s << "add " << ends << " esp " << 0x1001 + d << " -E rijndael-cbc " << CBC_KEY[d]
                  << ";\n";
                s << "add " << ends << " ah " << 0x2001 + d << " -A hmac-sha1 " << SHA1_KEY[d]
                  << ";\n";
                break;
        }
        if (x == Xform::IPCOMP_ESP)
        {
            s << "add " << ends << " ipcomp " << 0x4001 + d << " -C deflate;\n";
        }
    }
    return s.str();
}

/**
 * The policy's requests for traffic from tunnel end @p s to @p d.  A
 * bundle's second request names the tunnel ends too (as the ipsec-ipcomp-path
 * suite does), except in a mixed-family tunnel: IpsecSpd's
 * MixedFamilyTunnels accepts endpoints of the other family on tunnel
 * requests only, so there it has none (KAME then takes the addresses of the
 * outer header, the tunnel ends).
 */
std::string
Requests(const Cell& c, const std::string& s, const std::string& d)
{
    Xform x = c.xform;
    std::string mode = c.tunnel ? "tunnel/" + s + "-" + d : "transport/";
    std::string inner
        = c.tunnel && c.innerV6 == c.outerV6 ? "transport/" + s + "-" + d : "transport/";
    switch (x)
    {
        case Xform::ESP_CBC:
        case Xform::ESP_GCM:
            return "esp/" + mode + "/require";
        case Xform::AH:
            return "ah/" + mode + "/require";
        case Xform::IPCOMP_ESP:
            return "ipcomp/" + mode + "/use esp/" + inner + "/require";
        case Xform::ESP_AH:
            return "esp/" + mode + "/require ah/" + inner + "/require";
    }
    return "";
}

/// The script of peer @p self (@p selSelf its selector, @p endSelf its
/// tunnel end), with the SAs of @p endA (the sending side) and @p endB.
std::string
Script(const Cell& c,
       const std::string& endA,
       const std::string& endB,
       const std::string& selSelf,
       const std::string& selPeer,
       const std::string& endSelf,
       const std::string& endPeer)
{
    return Sas(c.xform, endA, endB) + "spdadd " + selSelf + " " + selPeer + " any -P out ipsec "
         + Requests(c, endSelf, endPeer) + ";\n" + "spdadd " + selPeer + " " + selSelf
         + " any -P in ipsec " + Requests(c, endPeer, endSelf) + ";\n";
}

// ---- topologies ------------------------------------------------------------

struct Net
{
    NodeContainer nodes;
    Ptr<Node> src;          ///< sending host (A or host1)
    Ptr<Node> dst;          ///< receiving host (B or host2)
    Ptr<Node> peerA;        ///< sending IPsec peer (A or gw1)
    Ptr<Node> peerB;        ///< receiving IPsec peer (B or gw2)
    IpsecAddress srcAddr;   ///< inner family
    IpsecAddress dstAddr;   ///< inner family
    std::string endA, endB; ///< IPsec peers' addresses (outer family)
    std::string selA, selB; ///< policy selectors (inner family)
    NetDeviceContainer devices;
    Ptr<NetDevice> wan; ///< gw1's WAN device (tunnels)
};

/// Gives the VPN helper's IPv4 topology the IPv6 addresses and routes of
/// its IPv6 mode (LANs fd00:10:0:1::/64 and fd00:10:0:2::/64, WAN fd00:20::/64).
void
AddIpv6(IpsecVpnHelper& vpn)
{
    const std::string lan[2] = {"fd00:10:0:1::", "fd00:10:0:2::"};
    const std::string wan[2] = {"fd00:20::1", "fd00:20::2"};
    Ipv6StaticRoutingHelper routing;
    uint32_t wanIf[2];
    for (uint32_t s = 0; s < 2; ++s)
    {
        NetDeviceContainer d = vpn.GetLanDevices(s + 1); // gateway first
        IpsecAssignIpv6(d.Get(0), lan[s] + "1", true);
        uint32_t hostIf = IpsecAssignIpv6(d.Get(1), lan[s] + "2", false);
        routing.GetStaticRouting(d.Get(1)->GetNode()->GetObject<Ipv6>())
            ->SetDefaultRoute(Ipv6Address((lan[s] + "1").c_str()), hostIf);
        wanIf[s] = IpsecAssignIpv6(vpn.GetWanDevices().Get(s), wan[s], true);
    }
    for (uint32_t s = 0; s < 2; ++s)
    {
        routing.GetStaticRouting(vpn.GetGateway(s + 1)->GetObject<Ipv6>())
            ->AddNetworkRouteTo(Ipv6Address(lan[1 - s].c_str()),
                                Ipv6Prefix(64),
                                Ipv6Address(wan[1 - s].c_str()),
                                wanIf[s]);
    }
}

Net
BuildTransport(bool v6)
{
    IpsecHostToHostHelper h;
    h.SetIpv6(v6);
    h.SetLinkRate("100Mbps");
    h.SetLinkDelay("1ms");
    h.Build();
    Net n;
    n.nodes = h.GetNodes();
    n.src = n.peerA = h.GetHostA();
    n.dst = n.peerB = h.GetHostB();
    n.srcAddr = h.GetAddressA();
    n.dstAddr = h.GetAddressB();
    n.endA = n.selA = n.srcAddr.ToString();
    n.endB = n.selB = n.dstAddr.ToString();
    n.devices = h.GetDevices();
    return n;
}

Net
BuildTunnel(bool innerV6, bool outerV6)
{
    bool mixed = innerV6 != outerV6;
    IpsecVpnHelper vpn;
    vpn.SetIpv6(innerV6 && !mixed);
    vpn.SetLanRate("100Mbps");
    vpn.SetLanDelay("0.1ms");
    vpn.SetWanRate("100Mbps");
    vpn.SetWanDelay("1ms");
    vpn.Build();
    if (mixed)
    {
        AddIpv6(vpn);
    }
    Net n;
    n.nodes = vpn.GetNodes();
    n.src = vpn.GetHosts(1).Get(0);
    n.dst = vpn.GetHosts(2).Get(0);
    n.peerA = vpn.GetGateway(1);
    n.peerB = vpn.GetGateway(2);
    n.srcAddr = innerV6 ? *IpsecAddress::Parse("fd00:10:0:1::2") : vpn.GetHostAddress(1, 0);
    n.dstAddr = innerV6 ? *IpsecAddress::Parse("fd00:10:0:2::2") : vpn.GetHostAddress(2, 0);
    n.selA = innerV6 ? "fd00:10:0:1::/64" : "10.0.1.0/24";
    n.selB = innerV6 ? "fd00:10:0:2::/64" : "10.0.2.0/24";
    n.endA = outerV6 ? "fd00:20::1" : "20.0.0.1";
    n.endB = outerV6 ? "fd00:20::2" : "20.0.0.2";
    n.devices.Add(vpn.GetLanDevices(1));
    n.devices.Add(vpn.GetWanDevices());
    n.wan = vpn.GetWanDevices().Get(0);
    n.devices.Add(vpn.GetLanDevices(2));
    return n;
}

/// An ICMPv6 Packet Too Big a host received.
struct Ptb
{
    uint32_t mtu;
    Ipv6Address from;
    Ipv6Address quotedDst; ///< destination of the datagram it quotes
};

uint32_t
Read32(const uint8_t* p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

// ---- the test case ---------------------------------------------------------

class SizesTestCase : public TestCase
{
  public:
    explicit SizesTestCase(Cell cell)
        : TestCase(cell.Name())
        , m_cell(cell)
    {
    }

  private:
    void DoTeardown() override
    {
        Simulator::Destroy();
    }

    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        const Cell& c = m_cell;
        Net net = c.tunnel ? BuildTunnel(c.innerV6, c.outerV6) : BuildTransport(c.innerV6);
        IpsecStackHelper().AssignStreams(net.nodes, 1);
        for (uint32_t i = 0; i < net.devices.GetN(); ++i)
        {
            // The VPN's WAN is its only point-to-point link.
            bool wan = c.tunnel && DynamicCast<PointToPointNetDevice>(net.devices.Get(i));
            NS_ABORT_MSG_UNLESS(net.devices.Get(i)->GetMtu() == (wan ? WAN_MTU : LAN_MTU),
                                "the expectations assume 1500-byte MTUs");
        }

        if (c.innerV6 != c.outerV6)
        {
            for (Ptr<Node> gw : {net.peerA, net.peerB})
            {
                gw->GetObject<IpsecStack>()->GetSpd()->SetAttribute("MixedFamilyTunnels",
                                                                    BooleanValue(true));
            }
        }
        try
        {
            IpsecHelper ipsec;
            ipsec.RunSetkeyString(
                net.peerA,
                Script(c, net.endA, net.endB, net.selA, net.selB, net.endA, net.endB),
                "A");
            ipsec.RunSetkeyString(
                net.peerB,
                Script(c, net.endA, net.endB, net.selB, net.selA, net.endB, net.endA),
                "B");
        }
        catch (const IpsecConfigError& ex)
        {
            NS_TEST_ASSERT_MSG_EQ(std::string(ex.what()), "", "the setkey scripts are refused");
            return;
        }

        IpsecDatagramAudit audit;
        audit.Watch(net.nodes);
        audit.Listen(net.dst, PORT);

        // Packet Too Big messages reaching the sending host.
        std::vector<Ptb> ptbs;
        if (c.innerV6)
        {
            net.src->GetObject<Ipv6L3Protocol>()->TraceConnectWithoutContext(
                "Rx",
                Callback<void, Ptr<const Packet>, Ptr<Ipv6>, uint32_t>(
                    [&ptbs](Ptr<const Packet> p, Ptr<Ipv6>, uint32_t)
                    {
                        uint8_t b[40 + 8 + 40];
                        if (p->GetSize() < sizeof(b))
                        {
                            return;
                        }
                        p->CopyData(b, sizeof(b));
                        if (b[6] == 58 && b[40] == 2 && b[41] == 0)
                        {
                            ptbs.push_back({Read32(&b[44]),
                                            Ipv6Address::Deserialize(&b[8]),
                                            Ipv6Address::Deserialize(&b[48 + 24])});
                        }
                    }));
        }

        // The IPsec packets the sending peer puts on its link to the other
        // peer (A's link to the router; gw1's WAN), read from the PPP frames.
        uint32_t wireFrames = 0;
        uint32_t wireFragments = 0;
        Ptr<NetDevice> wireDev = c.tunnel ? net.wan : net.devices.Get(0);
        wireDev->TraceConnectWithoutContext(
            "PhyTxBegin",
            Callback<void, Ptr<const Packet>>(
                [&wireFrames, &wireFragments](Ptr<const Packet> p)
                {
                    uint8_t b[2 + 40] = {};
                    uint32_t n = p->CopyData(b, sizeof(b));
                    if (Simulator::Now() < START || n < 2 + 20)
                    {
                        return; // (the last fragment of an IPv4 datagram may be tiny)
                    }
                    uint16_t ppp = static_cast<uint16_t>((b[0] << 8) | b[1]);
                    const uint8_t* ip = b + 2;
                    bool fragment = false;
                    uint8_t proto = 0;
                    if (ppp == 0x0021)
                    {
                        fragment = ((ip[6] & 0x3f) | ip[7]) != 0; // MF or an offset
                        proto = ip[9];
                    }
                    else if (ppp == 0x0057 && n == sizeof(b))
                    {
                        fragment = ip[6] == 44;
                        proto = ip[6];
                    }
                    if (fragment || proto == 50 || proto == 51 || proto == 108)
                    {
                        ++wireFrames;
                        wireFragments += fragment;
                    }
                }));

        Address to = c.innerV6 ? Address(Inet6SocketAddress(net.dstAddr.ToIpv6(), PORT))
                               : Address(InetSocketAddress(net.dstAddr.ToIpv4(), PORT));
        std::vector<uint32_t> sizes;
        std::vector<uint32_t> ids;
        Time at = START;
        for (uint32_t round = 0; round < ROUNDS; ++round)
        {
            for (uint32_t size : SIZES)
            {
                sizes.push_back(size);
                ids.push_back(audit.Send(net.src, to, size, at));
                at += SPACING;
            }
        }
        Simulator::Stop(at + Seconds(1));
        try
        {
            Simulator::Run();
        }
        catch (const std::exception& ex)
        {
            // Fail this cell and let the suite go on (DoTeardown destroys
            // the simulation).
            NS_TEST_ASSERT_MSG_EQ(std::string(ex.what()),
                                  "",
                                  "the simulation threw an exception at " << Simulator::Now().As(
                                      Time::S) << "; the audit:\n" << audit.Report());
            return;
        }

        Expectation e = Expect(c, sizes);
        std::string report = audit.Report();

        // 1. Nothing corrupted, nothing silently lost.
        NS_TEST_EXPECT_MSG_EQ(audit.Ok(), true, "the audit:\n" << report);

        // 2. Every datagram delivered byte for byte, except the ones the
        //    specification drops, which must be accounted at gw1.
        for (uint32_t k = 0; k < ids.size(); ++k)
        {
            bool drop = e.dropped.count(k) > 0;
            IpsecDatagramAudit::Verdict v = audit.GetVerdict(ids[k]);
            NS_TEST_EXPECT_MSG_EQ(
                IpsecDatagramAudit::VerdictName(v),
                IpsecDatagramAudit::VerdictName(drop ? IpsecDatagramAudit::Verdict::DROPPED
                                                     : IpsecDatagramAudit::Verdict::DELIVERED),
                audit.Describe(ids[k]));
            if (drop && v == IpsecDatagramAudit::Verdict::DROPPED)
            {
                bool atGw1 = false;
                for (const auto& d : audit.GetRecord(ids[k]).drops)
                {
                    atGw1 |= d.node == net.peerA->GetId() && !d.consequential && !d.counter.empty()
                          && !d.trace.empty();
                }
                NS_TEST_EXPECT_MSG_EQ(
                    atGw1, true, "the drop is accounted at gw1: " << audit.Describe(ids[k]));
            }
        }

        // 3. Packet Too Big: the MTU less the IPsec overhead, about host2.
        if (c.innerV6)
        {
            NS_TEST_EXPECT_MSG_EQ(
                ptbs.size(), e.ptbMtus.size(), "Packet Too Big messages at the sending host");
            for (uint32_t i = 0; i < std::min(ptbs.size(), e.ptbMtus.size()); ++i)
            {
                NS_TEST_EXPECT_MSG_EQ(
                    ptbs[i].mtu, e.ptbMtus[i], "Packet Too Big MTU = WAN MTU - ipsec6_hdrsiz");
                NS_TEST_EXPECT_MSG_EQ(ptbs[i].quotedDst,
                                      net.dstAddr.ToIpv6(),
                                      "the Packet Too Big quotes a datagram to host2");
            }
        }

        // 4. Where the fragmentation happened: the IPsec packets on the
        //    sending peer's link, and how many of them are fragments.
        if (e.wireKnown)
        {
            NS_TEST_EXPECT_MSG_EQ(wireFrames,
                                  e.wireFrames,
                                  "IPsec packets and fragments " << (c.tunnel ? "gw1" : "A")
                                                                 << " sent toward its peer");
            NS_TEST_EXPECT_MSG_EQ(wireFragments,
                                  e.wireFragments,
                                  "fragments among them (" << (c.tunnel ? "gw1" : "A")
                                                           << " fragments what it protected)");
        }

        // 5. KAME's counters (family of the packets IPsec processed: the outer one).
        const IpsecStats& a = net.peerA->GetObject<IpsecStack>()->GetStats(c.outerV6);
        const IpsecStats& b = net.peerB->GetObject<IpsecStack>()->GetStats(c.outerV6);
        NS_TEST_EXPECT_MSG_EQ(a.out_success,
                              e.out,
                              (c.tunnel ? "gw1" : "A")
                                  << " out_success: one per transform applied to each "
                                  << (c.tunnel ? "fragment reaching gw1" : "datagram")
                                  << (e.dropped.empty()
                                          ? ""
                                          : " (KAME's ip6_forward applies IPsec before its MTU "
                                            "check: the packets then dropped as too big count)"));
        NS_TEST_EXPECT_MSG_EQ(b.in_success,
                              e.in,
                              (c.tunnel ? "gw2" : "B")
                                  << " in_success: one per transform removed from each "
                                  << (c.tunnel ? "fragment gw1 sent" : "datagram"));
        NS_TEST_EXPECT_MSG_EQ(a.out_nosa + a.out_inval + a.out_polvio, 0u, "no output errors");
        NS_TEST_EXPECT_MSG_EQ(b.in_polvio, 0u, "in_polvio");
        NS_TEST_EXPECT_MSG_EQ(b.in_inval, 0u, "in_inval");
        NS_TEST_EXPECT_MSG_EQ(b.in_nosa, 0u, "in_nosa");
        NS_TEST_EXPECT_MSG_EQ(
            b.out_success + a.in_success, 0u, "nothing travels back through IPsec");
        if (c.tunnel)
        {
            for (Ptr<Node> host : {net.src, net.dst})
            {
                for (bool v6 : {false, true})
                {
                    const IpsecStats& h = host->GetObject<IpsecStack>()->GetStats(v6);
                    NS_TEST_EXPECT_MSG_EQ(
                        h.out_success + h.in_success, 0u, "the hosts know nothing of IPsec");
                }
            }
        }
    }

    Cell m_cell;
};

/**
 * A host's own tunnel (the FAQ's leaf-node tunnel: leaf -- router --
 * server, the leaf tunnels its traffic to the server up to the router).
 * The leaf protects each whole datagram and fragments the tunnel packet for
 * its link; the router reassembles, decapsulates and forwards the inner
 * datagram to the server over a 1500-byte link.
 *   - IPv4: the router fragments the inner datagram; all delivered.
 *   - IPv6: a router never fragments, so an inner datagram larger than the
 *     server's link is dropped at the router with a Packet Too Big (MTU
 *     1500) to the leaf.  With FragmentBeforeTunnel (the default) the leaf
 *     then fragments every later datagram to that path MTU before the
 *     tunnel takes it (fragments of floor((1500 - 48) / 8) * 8 bytes, one
 *     tunnel packet and one transform set each): only the first too-big
 *     datagram is lost.  Without it (KAME) every datagram larger than the
 *     server's link is lost, each with its Packet Too Big.
 */
class LeafTunnelSizesTestCase : public TestCase
{
  public:
    LeafTunnelSizesTestCase(Xform x, bool v6, bool fragmentBeforeTunnel)
        : TestCase(std::string("host tunnel leaf-router, ") + (v6 ? "IPv6, " : "IPv4, ")
                   + XformName(x) + (fragmentBeforeTunnel ? "" : ", FragmentBeforeTunnel=false")
                   + ": UDP 1 to 65000 bytes to a server behind the router")
        , m_xform(x)
        , m_v6(v6)
        , m_fragmentBeforeTunnel(fragmentBeforeTunnel)
    {
    }

  private:
    void DoTeardown() override
    {
        Simulator::Destroy();
    }

    void DoRun() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        IpsecLeafNodeHelper topo;
        topo.SetIpv6(m_v6);
        topo.SetLeafRate("100Mbps");
        topo.SetLeafDelay("1ms");
        topo.SetServerRate("100Mbps");
        topo.Build();
        IpsecStackHelper().AssignStreams(topo.GetNodes(), 1);
        Ptr<Node> leaf = topo.GetLeaf();
        Ptr<Node> router = topo.GetRouter();
        for (Ptr<Node> n : {leaf, router})
        {
            n->GetObject<IpsecStack>()->SetAttribute("FragmentBeforeTunnel",
                                                     BooleanValue(m_fragmentBeforeTunnel));
        }
        for (NetDeviceContainer d : {topo.GetLeafDevices(), topo.GetServerDevices()})
        {
            for (uint32_t i = 0; i < d.GetN(); ++i)
            {
                NS_ABORT_MSG_UNLESS(d.Get(i)->GetMtu() == LAN_MTU,
                                    "the expectations assume 1500-byte MTUs");
            }
        }
        const std::string l = topo.GetLeafAddress().ToString();
        const std::string r = topo.GetRouterLeafAddress().ToString();
        const std::string s = topo.GetServerAddress().ToString();
        Cell cell{m_xform, true, m_v6, m_v6};
        try
        {
            IpsecHelper ipsec;
            ipsec.RunSetkeyString(leaf, Script(cell, l, r, l, s, l, r), "leaf");
            ipsec.RunSetkeyString(router, Script(cell, l, r, s, l, r, l), "router");
        }
        catch (const IpsecConfigError& ex)
        {
            NS_TEST_ASSERT_MSG_EQ(std::string(ex.what()), "", "the setkey scripts are refused");
            return;
        }

        IpsecDatagramAudit audit;
        audit.Watch(topo.GetNodes());
        audit.Listen(topo.GetServer(), PORT);
        std::vector<uint32_t> ptbMtus;
        if (m_v6)
        {
            leaf->GetObject<Ipv6L3Protocol>()->TraceConnectWithoutContext(
                "Rx",
                Callback<void, Ptr<const Packet>, Ptr<Ipv6>, uint32_t>(
                    [&ptbMtus](Ptr<const Packet> p, Ptr<Ipv6>, uint32_t)
                    {
                        uint8_t b[48];
                        if (p->GetSize() >= sizeof(b) && (p->CopyData(b, sizeof(b)), true)
                            && b[6] == 58 && b[40] == 2 && b[41] == 0)
                        {
                            ptbMtus.push_back(Read32(&b[44]));
                        }
                    }));
        }
        Address to = m_v6 ? Address(Inet6SocketAddress(topo.GetServerAddress().ToIpv6(), PORT))
                          : Address(InetSocketAddress(topo.GetServerAddress().ToIpv4(), PORT));
        std::vector<uint32_t> sizes;
        std::vector<uint32_t> ids;
        Time at = START;
        for (uint32_t round = 0; round < ROUNDS; ++round)
        {
            for (uint32_t size : SIZES)
            {
                sizes.push_back(size);
                ids.push_back(audit.Send(leaf, to, size, at));
                at += SPACING;
            }
        }
        Simulator::Stop(at + Seconds(1));
        Simulator::Run();

        // The specification, datagram by datagram.
        uint32_t header = m_v6 ? 40 : 20;
        uint32_t pmtu = 0; // the leaf's path MTU to the server, once learned
        uint64_t out = 0;
        std::set<uint32_t> dropped;
        std::vector<uint32_t> expectedPtbs;
        for (uint32_t k = 0; k < sizes.size(); ++k)
        {
            uint32_t segment = 8 + sizes[k];
            std::vector<uint32_t> inner = {header + segment};
            if (m_v6 && pmtu > 0 && header + segment > pmtu)
            {
                inner = Ipv6Packets(segment, pmtu);
            }
            for (uint32_t n : inner)
            {
                out += Transforms(m_xform, n);
            }
            if (m_v6 && inner.size() == 1 && inner[0] > LAN_MTU)
            {
                dropped.insert(k);
                expectedPtbs.push_back(LAN_MTU);
                if (m_fragmentBeforeTunnel)
                {
                    pmtu = LAN_MTU;
                }
            }
        }

        NS_TEST_EXPECT_MSG_EQ(audit.Ok(), true, "the audit:\n" << audit.Report());
        for (uint32_t k = 0; k < ids.size(); ++k)
        {
            bool drop = dropped.count(k) > 0;
            IpsecDatagramAudit::Verdict v = audit.GetVerdict(ids[k]);
            NS_TEST_EXPECT_MSG_EQ(
                IpsecDatagramAudit::VerdictName(v),
                IpsecDatagramAudit::VerdictName(drop ? IpsecDatagramAudit::Verdict::DROPPED
                                                     : IpsecDatagramAudit::Verdict::DELIVERED),
                audit.Describe(ids[k]));
            if (drop && v == IpsecDatagramAudit::Verdict::DROPPED)
            {
                bool atRouter = false;
                for (const auto& d : audit.GetRecord(ids[k]).drops)
                {
                    atRouter |= d.node == router->GetId() && d.counter == "(ifs6_in_toobig)";
                }
                NS_TEST_EXPECT_MSG_EQ(atRouter,
                                      true,
                                      "the router accounts the datagram it cannot forward: "
                                          << audit.Describe(ids[k]));
            }
        }
        NS_TEST_EXPECT_MSG_EQ(ptbMtus.size(), expectedPtbs.size(), "Packet Too Big at the leaf");
        for (uint32_t i = 0; i < std::min(ptbMtus.size(), expectedPtbs.size()); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(
                ptbMtus[i], expectedPtbs[i], "Packet Too Big MTU: the server's link");
        }
        const IpsecStats& a = leaf->GetObject<IpsecStack>()->GetStats(m_v6);
        const IpsecStats& b = router->GetObject<IpsecStack>()->GetStats(m_v6);
        NS_TEST_EXPECT_MSG_EQ(a.out_success,
                              out,
                              "leaf out_success: one per transform applied to each datagram "
                              "(each fragment, once fragmented before the tunnel)");
        NS_TEST_EXPECT_MSG_EQ(b.in_success, out, "router in_success: the same transforms removed");
        NS_TEST_EXPECT_MSG_EQ(a.out_nosa + a.out_inval + a.out_polvio, 0u, "no output errors");
        NS_TEST_EXPECT_MSG_EQ(b.in_polvio + b.in_inval + b.in_nosa, 0u, "no input errors");
    }

    Xform m_xform;
    bool m_v6;
    bool m_fragmentBeforeTunnel;
};

class IpsecSizesTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecSizesTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-sizes", SYSTEM)
    {
        const Xform xforms[]
            = {Xform::ESP_CBC, Xform::ESP_GCM, Xform::AH, Xform::IPCOMP_ESP, Xform::ESP_AH};
        for (bool v6 : {false, true})
        {
            for (Xform x : xforms)
            {
                AddTestCase(new SizesTestCase({x, false, v6, v6}), TestCase::QUICK);
            }
        }
        const std::pair<bool, bool> families[]
            = {{false, false}, {true, true}, {false, true}, {true, false}};
        for (auto [innerV6, outerV6] : families)
        {
            for (Xform x : xforms)
            {
                AddTestCase(new SizesTestCase({x, true, innerV6, outerV6}), TestCase::QUICK);
            }
        }
        for (bool v6 : {false, true})
        {
            for (Xform x : {Xform::ESP_CBC, Xform::AH, Xform::IPCOMP_ESP})
            {
                AddTestCase(new LeafTunnelSizesTestCase(x, v6, true), TestCase::QUICK);
            }
        }
        AddTestCase(new LeafTunnelSizesTestCase(Xform::ESP_CBC, true, false), TestCase::QUICK);
    }
};

static IpsecSizesTestSuite g_ipsecSizesTestSuite;

} // namespace
