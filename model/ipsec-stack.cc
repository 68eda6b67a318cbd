/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IpsecStack: object, knobs, counters, history and traces.  The packet
 * processing lives in ipsec-output.cc and ipsec-decapsulate.cc.
 */
#include "ipsec-stack.h"

#include "ipsec-input-checks.h"
#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/integer.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <iostream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecStack");
NS_OBJECT_ENSURE_REGISTERED(IpsecStack);

TypeId
IpsecStack::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::IpsecStack")
              .SetParent<Object>()
              .SetGroupName("Ipsec")
              .AddConstructor<IpsecStack>()
              .AddAttribute("DefPolicy",
                            "net.inet.ipsec.def_policy: system default policy for IPv4 "
                            "packets no SPD entry matches (0 discard, 1 none).",
                            UintegerValue(1),
                            MakeUintegerAccessor(&IpsecStack::m_defPolicy4),
                            MakeUintegerChecker<uint32_t>(0, 1))
              .AddAttribute("Ipv6DefPolicy",
                            "net.inet6.ipsec6.def_policy: the IPv6 twin of DefPolicy.",
                            UintegerValue(1),
                            MakeUintegerAccessor(&IpsecStack::m_defPolicy6),
                            MakeUintegerChecker<uint32_t>(0, 1))
              .AddAttribute("EspTransDeflev",
                            "net.inet.ipsec.esp_trans_deflev: level of esp/transport//default "
                            "(1 use, 2 require).",
                            UintegerValue(1),
                            MakeUintegerAccessor(&IpsecStack::m_espTransDeflev4),
                            MakeUintegerChecker<uint32_t>(1, 2))
              .AddAttribute("EspNetDeflev",
                            "net.inet.ipsec.esp_net_deflev: level of esp/tunnel//default.",
                            UintegerValue(1),
                            MakeUintegerAccessor(&IpsecStack::m_espNetDeflev4),
                            MakeUintegerChecker<uint32_t>(1, 2))
              .AddAttribute("AhTransDeflev",
                            "net.inet.ipsec.ah_trans_deflev: level of ah/transport//default.",
                            UintegerValue(1),
                            MakeUintegerAccessor(&IpsecStack::m_ahTransDeflev4),
                            MakeUintegerChecker<uint32_t>(1, 2))
              .AddAttribute("AhNetDeflev",
                            "net.inet.ipsec.ah_net_deflev: level of ah/tunnel//default.",
                            UintegerValue(1),
                            MakeUintegerAccessor(&IpsecStack::m_ahNetDeflev4),
                            MakeUintegerChecker<uint32_t>(1, 2))
              .AddAttribute("Ipv6EspTransDeflev",
                            "net.inet6.ipsec6.esp_trans_deflev.",
                            UintegerValue(1),
                            MakeUintegerAccessor(&IpsecStack::m_espTransDeflev6),
                            MakeUintegerChecker<uint32_t>(1, 2))
              .AddAttribute("Ipv6EspNetDeflev",
                            "net.inet6.ipsec6.esp_net_deflev.",
                            UintegerValue(1),
                            MakeUintegerAccessor(&IpsecStack::m_espNetDeflev6),
                            MakeUintegerChecker<uint32_t>(1, 2))
              .AddAttribute("Ipv6AhTransDeflev",
                            "net.inet6.ipsec6.ah_trans_deflev.",
                            UintegerValue(1),
                            MakeUintegerAccessor(&IpsecStack::m_ahTransDeflev6),
                            MakeUintegerChecker<uint32_t>(1, 2))
              .AddAttribute("Ipv6AhNetDeflev",
                            "net.inet6.ipsec6.ah_net_deflev.",
                            UintegerValue(1),
                            MakeUintegerAccessor(&IpsecStack::m_ahNetDeflev6),
                            MakeUintegerChecker<uint32_t>(1, 2))
              .AddAttribute("AhCleartos",
                            "net.inet.ipsec.ah_cleartos: zero the IPv4 TOS byte in the AH ICV.",
                            BooleanValue(true),
                            MakeBooleanAccessor(&IpsecStack::m_ahClearTos),
                            MakeBooleanChecker())
              .AddAttribute("AhOffsetmask",
                            "net.inet.ipsec.ah_offsetmask: mask AND-ed to the IPv4 flags and "
                            "fragment offset in the AH ICV.",
                            UintegerValue(0),
                            MakeUintegerAccessor(&IpsecStack::m_ahOffsetMask),
                            MakeUintegerChecker<uint16_t>())
              .AddAttribute("Dfbit",
                            "net.inet.ipsec.dfbit: DF bit of the outer IPv4 header in tunnel "
                            "mode (0 clear, 1 set, 2 copy from the inner header).",
                            UintegerValue(0),
                            MakeUintegerAccessor(&IpsecStack::m_dfbit),
                            MakeUintegerChecker<uint32_t>(0, 2))
              .AddAttribute("Ecn",
                            "net.inet.ipsec.ecn: ECN in tunnel mode (-1 ignore, 0 forbidden, "
                            "1 allowed; RFC 3168 rules).",
                            IntegerValue(0),
                            MakeIntegerAccessor(&IpsecStack::m_ecn4),
                            MakeIntegerChecker<int32_t>(-1, 1))
              .AddAttribute("Ipv6Ecn",
                            "net.inet6.ipsec6.ecn: the IPv6 twin of Ecn.",
                            IntegerValue(0),
                            MakeIntegerAccessor(&IpsecStack::m_ecn6),
                            MakeIntegerChecker<int32_t>(-1, 1))
              .AddAttribute("Debug",
                            "net.inet.ipsec.debug: non-zero logs every drop (as ipseclog) "
                            "to standard error.",
                            UintegerValue(0),
                            MakeUintegerAccessor(&IpsecStack::m_debug),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("EspEnable",
                            "net.inet.esp.esp_enable: accept ESP input (0 drops it).",
                            BooleanValue(true),
                            MakeBooleanAccessor(&IpsecStack::m_espEnable),
                            MakeBooleanChecker())
              .AddAttribute("AhEnable",
                            "net.inet.ah.ah_enable: accept AH input (0 drops it).",
                            BooleanValue(true),
                            MakeBooleanAccessor(&IpsecStack::m_ahEnable),
                            MakeBooleanChecker())
              .AddAttribute("IpcompEnable",
                            "net.inet.ipcomp.ipcomp_enable: accept IPComp input (0 drops it).",
                            BooleanValue(true),
                            MakeBooleanAccessor(&IpsecStack::m_ipcompEnable),
                            MakeBooleanChecker())
              .AddAttribute("KameDecapHistory",
                            "Variant: KAME's documented bug (ipsec(4) BUGS): the inbound check "
                            "ignores the decapsulation history and tunnel decapsulation "
                            "clears the authentication marks, so AH tunnel 'require' policies "
                            "(and bundles like esp/tunnel/A-B/use ah/transport/A-B/require) "
                            "reject genuine traffic (in_polvio).  false (default): the check "
                            "sees every removed transform.",
                            BooleanValue(false),
                            MakeBooleanAccessor(&IpsecStack::m_kameDecapHistory),
                            MakeBooleanChecker())
              .AddAttribute("NatOaChecksum",
                            "Variant: how a transport-mode ESP-in-UDP datagram's TCP/UDP "
                            "checksum is fixed after a NAT (RFC 3948 section 3.1.2).  false "
                            "(default, NetBSD's ipsec4_fixup_checksum): computed again over the "
                            "received addresses.  true: RFC 3948's incremental update from the "
                            "SA's original addresses (NAT-OA: NatOai the sender's, NatOar the "
                            "one it sent to); an SA without NAT-OA is computed again.",
                            BooleanValue(false),
                            MakeBooleanAccessor(&IpsecStack::m_natOaChecksum),
                            MakeBooleanChecker())
              .AddAttribute("Ip6HeaderNestLimit",
                            "ip6_hdrnestlimit (net.inet6.ip6.hdrnestlimit): the most headers, "
                            "the upper layer included, in an IPv6 datagram the input loop "
                            "hands back to IP input; more are dropped (ip6s_toomanyhdr).  "
                            "0: no limit (ns-3's own limit of 255 bytes of extension headers "
                            "still applies).",
                            UintegerValue(IPSEC_IP6_HDRNESTLIMIT),
                            MakeUintegerAccessor(&IpsecStack::m_ip6HdrNestLimit),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("Icmp6TypeCodeSelectors",
                            "Variant: extract the ICMPv6 type/code into the selector's port "
                            "slots (KAME K2003/KHEAD).  false = NetBSD 2.0: they are not, so "
                            "only 'icmp6' without type/code matches ICMPv6.",
                            BooleanValue(false),
                            MakeBooleanAccessor(&IpsecStack::m_icmp6TypeCode),
                            MakeBooleanChecker())
              .AddAttribute("Rfc4301FragmentSelectors",
                            "Variant: selectors of fragments as RFC 4301 section 4.4.1.1 "
                            "has them: an IPv4 fragment keeps its protocol (a first "
                            "fragment its ports too) and a non-first IPv6 fragment takes "
                            "the protocol its Fragment header names, ports OPAQUE.  false "
                            "= KAME (ipsec4_get_ulp, ip6_lasthdr): an IPv4 fragment "
                            "matches only 'any' policies, a non-first IPv6 fragment is "
                            "protocol 44, so a protocol-specific policy never sees "
                            "fragments.",
                            BooleanValue(false),
                            MakeBooleanAccessor(&IpsecStack::m_rfc4301Fragments),
                            MakeBooleanChecker())
              .AddAttribute("AhDefaultFallthrough",
                            "Variant: KAME proper (and FAST_IPSEC 2.0) resolve ah/.../default "
                            "always to 'use' (a missing break); false = NetBSD 2.0, which "
                            "honours ah_trans_deflev/ah_net_deflev.",
                            BooleanValue(false),
                            MakeBooleanAccessor(&IpsecStack::m_ahDefaultIsUse),
                            MakeBooleanChecker())
              .AddAttribute("InboundDeflevByFamily",
                            "Variant: false (KAME's ipsec_in_reject, which calls "
                            "ipsec_get_reqlevel(isr, AF_INET)): the inbound check resolves "
                            "'default' levels with the net.inet.ipsec knobs for IPv6 "
                            "datagrams too; true (FreeBSD netipsec's ipsec_get_reqlevel): "
                            "with the datagram's family's knobs (net.inet6.ipsec6.*_deflev).",
                            BooleanValue(false),
                            MakeBooleanAccessor(&IpsecStack::m_inboundDeflevByFamily),
                            MakeBooleanChecker())
              .AddAttribute(
                  "IcvTruncation",
                  "ICV length of HMAC-SHA-2 SAs added from now on: Kame96 (KAME: every "
                  "HMAC truncated to 96 bits) or Rfc4868 (128/192/256 bits).",
                  EnumValue(static_cast<int>(IpsecIcvTruncation::KAME_96)),
                  MakeEnumAccessor(&IpsecStack::SetIcvTruncation, &IpsecStack::GetIcvTruncation),
                  MakeEnumChecker(static_cast<int>(IpsecIcvTruncation::KAME_96),
                                  "Kame96",
                                  static_cast<int>(IpsecIcvTruncation::RFC_4868),
                                  "Rfc4868"))
              .AddAttribute("MaxTransforms",
                            "The most IPsec transforms (ESP, AH, IPComp, and the plain IP-in-IP "
                            "that ends an IPComp tunnel) removed from one datagram on this node, "
                            "tunnels inside tunnels included.  One more is dropped (in_nomem, as "
                            "KAME counts a packet whose decapsulation history cannot grow), so "
                            "the work and the re-injection depth per datagram are bounded.  The "
                            "deepest bundle KAME's policies describe in practice (IPComp, ESP "
                            "and AH, twice nested) needs 6.",
                            UintegerValue(16),
                            MakeUintegerAccessor(&IpsecStack::m_maxTransforms),
                            MakeUintegerChecker<uint32_t>(1, 1024))
              .AddAttribute("FragmentBeforeTunnel",
                            "A host that tunnels an IPv6 datagram larger than the path MTU it "
                            "learned (Packet Too Big) for the datagram's own destination "
                            "fragments the datagram first and tunnels each fragment, so the "
                            "tunnel end can forward them.  false = KAME: ip6_output tunnels the "
                            "datagram whole, and the tunnel end can never forward it over a "
                            "link with a smaller MTU (every such datagram is lost).",
                            BooleanValue(true),
                            MakeBooleanAccessor(&IpsecStack::m_fragmentBeforeTunnel),
                            MakeBooleanChecker())
              .AddAttribute("Ipv6TunnelTooBig",
                            "A gateway's answer to a forwarded IPv6 datagram that no longer fits "
                            "the outgoing link once IPsec protected it: Kame (ip6_forward: drop "
                            "it, ICMPv6 Packet Too Big with the link MTU less ipsec6_hdrsiz, at "
                            "least 1280) or Rfc2473 (fragment the tunnel packet when the "
                            "original datagram is at most 1280 bytes, Packet Too Big otherwise).",
                            EnumValue(static_cast<int>(IpsecTunnelTooBig::KAME)),
                            MakeEnumAccessor(&IpsecStack::m_ip6TunnelTooBig),
                            MakeEnumChecker(static_cast<int>(IpsecTunnelTooBig::KAME),
                                            "Kame",
                                            static_cast<int>(IpsecTunnelTooBig::RFC_2473),
                                            "Rfc2473"))
              .AddTraceSource("Drop",
                              "A packet dropped by IPsec: packet, IPv6?, the typed reason "
                              "(IpsecDropReason; IpsecDropReasonCounter names the KAME "
                              "counter incremented) and a sentence saying why.",
                              MakeTraceSourceAccessor(&IpsecStack::m_dropTrace),
                              "ns3::IpsecStack::DropTracedCallback")
              .AddTraceSource("Output",
                              "A transform applied on output: resulting packet, protocol, SPI.",
                              MakeTraceSourceAccessor(&IpsecStack::m_outputTrace),
                              "ns3::IpsecStack::TransformTracedCallback")
              .AddTraceSource("Input",
                              "A transform removed on input: resulting packet, protocol, SPI.",
                              MakeTraceSourceAccessor(&IpsecStack::m_inputTrace),
                              "ns3::IpsecStack::TransformTracedCallback")
              .AddTraceSource("UdpEncapKeepalive",
                              "A NAT keepalive (RFC 3948 section 2.3, the byte 0xFF) consumed "
                              "by a UDP_ENCAP_ESPINUDP port: datagram, source address, port.",
                              MakeTraceSourceAccessor(&IpsecStack::m_keepaliveTrace),
                              "ns3::IpsecStack::KeepaliveTracedCallback")
              .AddTraceSource("PolicyMatch",
                              "Which policy a packet matched: direction, packet selector, policy "
                              "(nullptr when the system default policy applied).",
                              MakeTraceSourceAccessor(&IpsecStack::m_policyTrace),
                              "ns3::IpsecStack::PolicyTracedCallback");
    return tid;
}

IpsecStack::IpsecStack()
    : m_spd(CreateObject<IpsecSpd>())
    , m_sad(CreateObject<IpsecSad>())
    , m_keyEngine(CreateObject<IpsecKeyEngine>())
    , m_rng(CreateObject<UniformRandomVariable>())
    , m_ahClearTos(true)
    , m_ahOffsetMask(0)
    , m_icmp6TypeCode(false)
    , m_ahDefaultIsUse(false)
    , m_socketPolicies(CreateObject<IpsecSocketPolicyRegistry>())
{
    m_keyEngine->SetDatabases(m_sad, m_spd);
}

Ptr<IpsecKeyEngine>
IpsecStack::GetKeyEngine() const
{
    return m_keyEngine;
}

void
IpsecStack::DoDispose()
{
    m_node = nullptr;
    if (m_keyEngine)
    {
        m_keyEngine->Dispose();
    }
    m_keyEngine = nullptr;
    m_spd = nullptr;
    m_sad = nullptr;
    m_rng = nullptr;
    m_cpu = nullptr;
    m_heldByteTags.clear();
    m_socketPolicies->Dispose(); // kept: disposed, it refers to nothing
    Object::DoDispose();
}

void
IpsecStack::NotifyNewAggregate()
{
    if (!m_node)
    {
        SetNode(GetObject<Node>());
    }
    if (!m_cpu)
    {
        m_cpu = GetObject<IpsecCpu>();
    }
    Object::NotifyNewAggregate();
}

void
IpsecStack::HoldByteTags(Ptr<const Packet> packet)
{
    constexpr size_t HELD_MAX = 64;
    if (m_heldByteTags.size() >= HELD_MAX)
    {
        m_heldByteTags.pop_front();
    }
    m_heldByteTags.push_back(packet);
}

void
IpsecStack::SetUdpEncapPort(uint16_t port, bool on)
{
    if (on)
    {
        m_udpEncapPorts.insert(port);
    }
    else
    {
        m_udpEncapPorts.erase(port);
    }
}

bool
IpsecStack::IsUdpEncapPort(uint16_t port) const
{
    return !m_udpEncapPorts.empty() && m_udpEncapPorts.count(port) != 0;
}

void
IpsecStack::NotifyUdpEncapKeepalive(Ptr<const Packet> packet, Ipv4Address src, uint16_t sport)
{
    NS_LOG_LOGIC("NAT keepalive from " << src << " port " << sport);
    m_udpEncapKeepalives++;
    m_keepaliveTrace(packet, src, sport);
}

Ptr<const Packet>
IpsecStack::TakeHeldByteTags(uint64_t uid)
{
    for (auto it = m_heldByteTags.begin(); it != m_heldByteTags.end(); ++it)
    {
        if ((*it)->GetUid() == uid)
        {
            Ptr<const Packet> p = *it;
            m_heldByteTags.erase(it);
            return p;
        }
    }
    return nullptr;
}

void
IpsecStack::CryptoQueueFull(Ptr<const Packet> packet, bool ipv6, bool outbound)
{
    IpsecStats& st = GetStats(ipv6);
    (outbound ? st.out_nomem : st.in_nomem)++;
    NotifyDrop(packet,
               ipv6,
               outbound ? IpsecDropReason::OUT_NO_MEMORY : IpsecDropReason::IN_NO_MEMORY,
               "crypto queue full (" + std::to_string(m_cpu->GetCryptoQueueLength())
                   + " datagrams waiting, CryptoQueueLimit)");
}

Ptr<Node>
IpsecStack::GetNode() const
{
    return m_node;
}

void
IpsecStack::SetNode(Ptr<Node> node)
{
    m_node = node;
    if (m_socketPolicies)
    {
        m_socketPolicies->SetNode(node); // the registry reaches the node's UDP/TCP/L3
    }
}

Ptr<IpsecSpd>
IpsecStack::GetSpd() const
{
    return m_spd;
}

Ptr<IpsecSad>
IpsecStack::GetSad() const
{
    return m_sad;
}

IpsecStats&
IpsecStack::GetStats(bool ipv6)
{
    return ipv6 ? m_stats6 : m_stats4;
}

const IpsecStats&
IpsecStack::GetStats(bool ipv6) const
{
    return ipv6 ? m_stats6 : m_stats4;
}

void
IpsecStack::PrintStats(std::ostream& os, bool omitZero) const
{
    m_stats4.Print(os, "ipsec", omitZero);
    m_stats6.Print(os, "ipsec6", omitZero);
    m_keyEngine->PrintStats(os, omitZero);
}

int64_t
IpsecStack::AssignStreams(int64_t stream)
{
    m_rng->SetStream(stream);
    return 1 + m_sad->AssignStreams(stream + 1);
}

void
IpsecStack::SetIcvTruncation(int mode)
{
    m_sad->SetIcvTruncation(static_cast<IpsecIcvTruncation>(mode));
}

int
IpsecStack::GetIcvTruncation() const
{
    return static_cast<int>(m_sad->GetIcvTruncation());
}

bool
IpsecStack::GetAhClearTos() const
{
    return m_ahClearTos;
}

uint16_t
IpsecStack::GetAhOffsetMask() const
{
    return m_ahOffsetMask;
}

IpsecLevel
IpsecStack::EffectiveLevel(const IpsecRequest& req, bool ipv6) const
{
    switch (req.level)
    {
        case IpsecLevel::USE:
            return IpsecLevel::USE;
        case IpsecLevel::REQUIRE:
        case IpsecLevel::UNIQUE:
            return IpsecLevel::REQUIRE;
        case IpsecLevel::DEFAULT:
            break;
    }
    bool tunnel = req.mode == IpsecMode::TUNNEL;
    uint32_t level = 1;
    switch (req.proto)
    {
        case IpsecProto::ESP:
            level = tunnel ? (ipv6 ? m_espNetDeflev6 : m_espNetDeflev4)
                           : (ipv6 ? m_espTransDeflev6 : m_espTransDeflev4);
            break;
        case IpsecProto::AH:
            level = m_ahDefaultIsUse ? 1
                                     : (tunnel ? (ipv6 ? m_ahNetDeflev6 : m_ahNetDeflev4)
                                               : (ipv6 ? m_ahTransDeflev6 : m_ahTransDeflev4));
            break;
        case IpsecProto::IPCOMP:
            level = 1;
            break;
    }
    return level == 2 ? IpsecLevel::REQUIRE : IpsecLevel::USE;
}

IpsecDeflate*
IpsecStack::DeflateStreams()
{
    if (!m_deflate)
    {
        m_deflate = std::make_unique<IpsecDeflate>();
    }
    return m_deflate.get();
}

std::string
IpsecStack::SelectorText(IpsecDirection dir, const IpsecSelector& sel)
{
    if (dir == IpsecDirection::OUTBOUND)
    {
        return sel.src.ToString() + "[" + std::to_string(sel.sport) + "] " + sel.dst.ToString()
             + "[" + std::to_string(sel.dport) + "] " + std::to_string(sel.ulproto);
    }
    return sel.src.ToString() + " " + sel.dst.ToString() + " " + std::to_string(sel.ulproto);
}

void
IpsecStack::NotifyPolicy(IpsecDirection dir, const IpsecSelector& sel, Ptr<IpsecPolicy> policy)
{
    NS_LOG_INFO("node " << (m_node ? m_node->GetId() : 0) << " " << IpsecDirectionName(dir) << " "
                        << SelectorText(dir, sel) << ": "
                        << (policy
                                ? "spid " + std::to_string(policy->id) + " "
                                      + policy->SelectorString() + " -P " + policy->PolicyString()
                                : std::string("no policy, system default")));
    // The text is built for listeners only: most datagrams have none.
    if (!m_policyTrace.IsEmpty())
    {
        m_policyTrace(dir, SelectorText(dir, sel), policy);
    }
}

void
IpsecStack::NotifyDrop(Ptr<const Packet> packet, bool ipv6, const IpsecVerdict& verdict)
{
    NotifyDrop(packet, ipv6, verdict.drop, verdict.reason);
}

void
IpsecStack::NotifyDrop(Ptr<const Packet> packet,
                       bool ipv6,
                       IpsecDropReason drop,
                       const std::string& reason)
{
    const char* counter = IpsecDropReasonCounter(drop);
    NS_LOG_INFO("node " << (m_node ? m_node->GetId() : 0) << (ipv6 ? " ipsec6" : " ipsec")
                        << " drop (" << counter << "): " << reason);
    if (m_debug != 0)
    {
        // net.inet.ipsec.debug: KAME's ipseclog() diagnostics.
        std::cerr << Simulator::Now().As(Time::S) << " node " << (m_node ? m_node->GetId() : 0)
                  << (ipv6 ? " ipsec6" : " ipsec") << ": " << reason << " (" << counter << ")\n";
    }
    m_dropTrace(packet, ipv6, drop, reason);
}

IpsecWalkRules
IpsecStack::WalkRules(bool wantPorts, uint16_t ipv4FragField) const
{
    IpsecWalkRules rules;
    rules.wantPorts = wantPorts;
    rules.icmp6TypeCode = m_icmp6TypeCode;
    rules.ipv4FragField = ipv4FragField;
    rules.rfc4301Fragments = m_rfc4301Fragments;
    return rules;
}

bool
IpsecStack::GetFragmentBeforeTunnel() const
{
    return m_fragmentBeforeTunnel;
}

uint32_t
IpsecStack::GetMaxTransforms() const
{
    return m_maxTransforms;
}

IpsecTunnelTooBig
IpsecStack::GetIpv6TunnelTooBig() const
{
    return static_cast<IpsecTunnelTooBig>(m_ip6TunnelTooBig);
}

} // namespace ns3
