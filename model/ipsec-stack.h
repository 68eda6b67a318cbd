/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IpsecStack: the IPsec state and processing of one node, aggregated to the
 * node (node->GetObject<IpsecStack>()).  It owns the SPD and SAD, the
 * ipsec(4) knobs (attributes), KAME's counters per family, the random
 * stream for IVs and padding, and the decapsulation history; and it
 * implements the family-neutral packet processing the IPv4/IPv6 glue calls:
 *   - ProcessOutput  (ipsec-output.cc): SPD lookup, SA selection, transforms;
 *   - OutputOverhead (ipsec-output-size.cc): ipsec_hdrsiz and the TCP MSS;
 *   - Decapsulate    (ipsec-decapsulate.cc): the input loop, marks and history;
 *   - CheckInbound   (ipsec-inbound-policy.cc): the inbound policy check (ipsec_in_reject);
 *   - per-socket policies (ipsec-socket-policy.cc): setsockopt IP_IPSEC_POLICY.
 */
#ifndef IPSEC_STACK_H
#define IPSEC_STACK_H

#include "ipsec-ah.h"
#include "ipsec-header-walk.h"
#include "ipsec-history-tag.h"
#include "ipsec-ip-header.h"
#include "ipsec-key-engine.h"
#include "ipsec-sad.h"
#include "ipsec-socket-policy.h"
#include "ipsec-spd.h"
#include "ipsec-stats.h"
#include "ipsec-transform.h"
#include "ns3/object.h"
#include "ns3/packet.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <array>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace ns3
{

class Node;

class IpsecStack : public Object
{
  public:
    static TypeId GetTypeId();
    IpsecStack();

    Ptr<IpsecSpd> GetSpd() const;
    Ptr<IpsecSad> GetSad() const;
    /// The node's key engine (PF_KEY): the way setkey and daemons reach the SAD and SPD.
    Ptr<IpsecKeyEngine> GetKeyEngine() const;

    /// KAME's ipsecstat (IPv4) or ipsec6stat (IPv6).
    IpsecStats& GetStats(bool ipv6);
    const IpsecStats& GetStats(bool ipv6) const;
    /// `netstat -s` sections "ipsec:", "ipsec6:" and "pfkey:" (in netstat's order).
    void PrintStats(std::ostream& os, bool omitZero = false) const;

    /// Assigns the random stream used for IVs and random padding.
    int64_t AssignStreams(int64_t stream);

    // ---- outbound ----------------------------------------------------
    enum class Verdict
    {
        BYPASS,    ///< send as is (action none, or no policy and def_policy none)
        DROP,      ///< dropped and counted
        PROTECTED, ///< transformed; send packet with protocol
    };

    /// What the family glue tells the output processing about a datagram.
    struct OutputContext
    {
        /// The datagram's own header; the packet given to ProcessOutput is its payload.
        IpsecIpHeader header;
        /// Forwarded (a gateway's ip_forward): selectors carry no ports.
        bool forwarded{false};
        /// IPv4: allocates the identification of a header that IPsec writes
        /// itself (an inner header of a tunnel) for (src, dst, protocol).
        std::function<uint16_t(const IpsecIpHeader&)> allocateId;
        /// IPv4: the identification the stack's Send will give the final
        /// (outermost) header, which AH must cover.
        std::function<uint16_t(const IpsecIpHeader&)> peekId;
        /// A fragment of a datagram whose policy was already chosen (see
        /// FragmentBeforeTunnel): that policy applies, without a lookup.
        Ptr<IpsecPolicy> policy;
    };

    struct OutputResult
    {
        Verdict verdict{Verdict::BYPASS};
        Ptr<Packet> packet;
        /// The header to send the packet with (the outer header after a tunnel).
        IpsecIpHeader header;
        bool tunnelled{false}; ///< a tunnel request was applied
        /// DROP of a locally sent IPv6 datagram for want of a transport SA:
        /// KAME's ipsec6_output_trans answers the sender with an ICMPv6
        /// destination unreachable, administratively prohibited.
        bool adminProhibited{false};
        Ptr<IpsecPolicy> policy; ///< the policy applied (nullptr = system default)
    };

    /**
     * KAME ipsec_hdrsiz: the bytes IPsec adds to a datagram with selector
     * @p sel on output (worst-case padding; outer headers of tunnels), for
     * TCP MSS and "fragmentation needed" MTUs.  0 when no IPsec applies.
     */
    uint32_t OutputOverhead(const IpsecSelector& sel);

    /**
     * KAME's tcp_mss()/tcp_mssopt() with ipsec_hdrsiz: when @p segment (with
     * header @p ip) is a TCP SYN or SYN-ACK that IPsec will protect, lowers
     * its socket's segment size so that a full segment (20-byte header and
     * 12 bytes of timestamp option) still fits @p mtu with the IPsec overhead.
     */
    void FitTcpSegmentSize(Ptr<const Packet> segment, const IpsecIpHeader& ip, uint32_t mtu);

    OutputResult ProcessOutput(Ptr<Packet> packet, const OutputContext& ctx);

    /**
     * The ipsec policy ProcessOutput would apply to the local datagram
     * @p packet with header @p header (the sending socket's or the SPD's),
     * looked up without counting; nullptr when no ipsec policy applies.
     */
    Ptr<IpsecPolicy> PeekOutputPolicy(Ptr<const Packet> packet, const IpsecIpHeader& header);

    // ---- inbound -----------------------------------------------------
    struct DecapResult
    {
        bool ok{false};
        /// What is left: the upper-layer payload (transport), or the inner
        /// datagram with its IP header (tunnel).
        Ptr<Packet> packet;
        uint8_t nextHeader{0}; ///< transport: the upper-layer protocol
        bool tunnel{false};    ///< a tunnel was decapsulated: packet is an IP datagram
        bool innerV6{false};   ///< family of that inner datagram
        uint8_t marks{0};      ///< IpsecHistoryTag::Mark bits
        /// Every transform removed from the datagram on this node, outermost first.
        std::vector<IpsecHistoryEntry> history;
    };

    /**
     * Removes the IPsec header @p outer.protocol at the front of @p packet
     * (and the IPsec headers nested in it, and a tunnel's outer header when
     * ipsec4_tunnel_validate's checks pass); @p packet arrived with header
     * @p outer, whose IPv6 extension headers (those in front of the IPsec
     * header) AH's ICV covers.  At most MaxTransforms transforms are removed
     * from one datagram on this node, IPComp directly in front of another
     * IPsec header is refused.  Drops are counted and traced.
     */
    DecapResult Decapsulate(Ptr<Packet> packet, const IpsecIpHeader& outer);

    /**
     * The inbound policy check for a datagram about to be delivered (or
     * forwarded): @p sel is its selector, @p packet may carry an
     * IpsecHistoryTag from this node.  Returns false (and counts in_polvio)
     * when the policy rejects it.
     */
    bool CheckInbound(Ptr<const Packet> packet, const IpsecSelector& sel);
    /// The same for an upper-layer segment @p packet from @p src to @p dst
    /// (the selector is extracted as ipsec_setspidx does; no ports when forwarded).
    /// @p socket, when not null, identifies the receiving socket: the lookup
    /// then counts as socket-based (spdcachelookup, and spdcachemiss when the
    /// socket's cached selector or the SPD changed since its last lookup).
    /// @p protocol is the IP header's protocol / next header and @p packet its
    /// payload (the selector walks the headers, ipsec_setspidx);
    /// @p ipv4FragField: an IPv4 header's flags and fragment offset.
    bool CheckInbound(Ptr<const Packet> packet,
                      const IpsecAddress& src,
                      const IpsecAddress& dst,
                      uint8_t protocol,
                      bool forwarded,
                      const void* socket = nullptr,
                      uint16_t ipv4FragField = 0);
    /// The inbound check of a datagram for socket @p socket (a raw socket's
    /// delivery): its socket policy in KAME's precedence (ipsec4_in_reject_so:
    /// the socket's own policy, entrust asking the SPD; see doc/ipsec.rst).
    bool CheckInboundSocket(Ptr<const Packet> packet,
                            const IpsecAddress& src,
                            const IpsecAddress& dst,
                            uint8_t protocol,
                            const IpsecSocketMatch& socket);

    // ---- per-socket policies (ipsec-socket-policy.cc) --------------------
    /**
     * setsockopt(IP_IPSEC_POLICY / IPV6_IPSEC_POLICY) on @p socket, one of
     * this node's UDP, TCP or raw sockets: @p policy is ipsec_set_policy(3)
     * text ("out ipsec esp/transport//require", "in bypass", "in entrust").
     * @p privileged: the caller is root.  Returns 0 or KAME's errno (EINVAL,
     * EACCES, ENOPROTOOPT), with a sentence in @p why.
     */
    int SetSocketPolicy(Ptr<Socket> socket,
                        const std::string& policy,
                        bool privileged = true,
                        std::string* why = nullptr);
    /// ipsec_get_policy(3): @p socket's policy in @p dir as text ("out entrust" if none).
    std::string GetSocketPolicy(Ptr<Socket> socket, IpsecDirection dir) const;
    /// The node's per-socket policies.
    Ptr<IpsecSocketPolicyRegistry> GetSocketPolicyRegistry() const;

    /// Fires the PolicyMatch trace and logs which policy (id and text) a
    /// packet matched, or that the system default applied.
    void NotifyPolicy(IpsecDirection dir, const std::string& selector, Ptr<IpsecPolicy> policy);

    /**
     * Reports a drop: fires the Drop trace and logs it.  The counter of
     * @p drop must already have been incremented.
     * @param packet the datagram (or what was left of it)
     * @param ipv6 its family
     * @param drop why it was dropped
     * @param reason a sentence for the logs and the trace
     */
    void NotifyDrop(Ptr<const Packet> packet,
                    bool ipv6,
                    IpsecDropReason drop,
                    const std::string& reason);
    /// Reports the drop a failed @p verdict describes.
    void NotifyDrop(Ptr<const Packet> packet, bool ipv6, const IpsecVerdict& verdict);

    /// The node this stack belongs to.
    Ptr<Node> GetNode() const;
    void SetNode(Ptr<Node> node);

    /// ah_cleartos and ah_offsetmask, for the glue that builds AH's ICV header.
    bool GetAhClearTos() const;
    uint16_t GetAhOffsetMask() const;

    /**
     * How this node's selectors walk a datagram's headers: ports only when
     * @p wantPorts (not for forwarded datagrams), the ICMPv6 type/code and
     * fragment variants from the attributes, @p ipv4FragField the IPv4
     * header's flags and fragment offset.
     */
    IpsecWalkRules WalkRules(bool wantPorts, uint16_t ipv4FragField = 0) const;
    /// FragmentBeforeTunnel: a host fragments an IPv6 datagram it tunnels to a learned path MTU.
    bool GetFragmentBeforeTunnel() const;
    /// MaxTransforms: the most transforms removed from one datagram.
    uint32_t GetMaxTransforms() const;
    /// Ipv6TunnelTooBig: a gateway's answer to a forwarded IPv6 datagram too big once protected.
    IpsecTunnelTooBig GetIpv6TunnelTooBig() const;

    /// Effective level of a request (default resolved through the *_deflev knobs).
    IpsecLevel EffectiveLevel(const IpsecRequest& req, bool ipv6) const;

    /**
     * Signature of the Drop trace: packet, family (true = IPv6), the typed
     * reason (IpsecDropReasonCounter gives the KAME counter it incremented)
     * and a sentence saying why.
     */
    typedef void (*DropTracedCallback)(Ptr<const Packet>,
                                       bool,
                                       IpsecDropReason,
                                       const std::string&);
    /// Signature of the Transform traces: packet after the transform, protocol, SPI.
    typedef void (*TransformTracedCallback)(Ptr<const Packet>, uint8_t, uint32_t);
    /// Signature of the PolicyMatch trace: direction, selector text, policy (nullptr = default).
    typedef void (*PolicyTracedCallback)(IpsecDirection, const std::string&, Ptr<IpsecPolicy>);

  protected:
    void DoDispose() override;
    void NotifyNewAggregate() override;

  private:
    /// The IcvTruncation attribute (an IpsecIcvTruncation; kept by the SAD).
    void SetIcvTruncation(int mode);
    int GetIcvTruncation() const;
    /**
     * One transform of the input loop: the header's SPI, the SA, the replay
     * check and the transform's Input.  False when the datagram was dropped
     * (counted and traced); else @p in holds what is left and what was learnt.
     */
    bool InputTransform(Ptr<Packet> packet,
                        const IpsecIpHeader& outer,
                        IpsecProto proto,
                        Ptr<IpsecSa>* sa,
                        IpsecTransformInput* in);
    /// One request of an outbound policy and the SA chosen for it.
    struct OutputStep
    {
        const IpsecRequest* req;
        Ptr<IpsecSa> sa;
    };

    /// ProcessOutput, step 1: the policy (nullptr when the datagram is
    /// bypassed or was dropped; @p r says which).
    Ptr<IpsecPolicy> LookupOutputPolicy(Ptr<Packet> packet,
                                        const OutputContext& ctx,
                                        OutputResult* r);
    /// Step 2 (key_checkrequest): an SA per request; false when dropped.
    bool ResolveOutputSas(Ptr<Packet> packet,
                          const OutputContext& ctx,
                          const IpsecPolicy& policy,
                          std::vector<OutputStep>* steps,
                          OutputResult* r);
    /// Step 3: the transforms in order, the tunnel headers; false when dropped.
    bool ApplyTransforms(Ptr<Packet> packet,
                         const OutputContext& ctx,
                         const std::vector<OutputStep>& steps,
                         OutputResult* r);
    /// ipsec4_tunnel_validate: may this decapsulated datagram leave its tunnel?
    bool TunnelValidate(Ptr<const IpsecSa> sa,
                        const IpsecIpHeader& outer,
                        Ptr<const Packet> inner,
                        bool innerV6,
                        std::string* why);
    /// The outer header of a tunnel for @p inner (RFC 3168 / KAME ECN and DF rules).
    IpsecIpHeader TunnelHeader(const IpsecSa& sa, const IpsecIpHeader& inner) const;
    /// ECN egress (decapsulation); false when the datagram must be dropped.
    bool EcnDecapsulate(uint8_t outerTos, bool v6, Ptr<Packet> inner, bool innerV6);
    /// Is a required request satisfied by the decapsulation history?
    bool HistorySatisfies(const IpsecRequest& req,
                          const std::vector<IpsecHistoryEntry>& history) const;
    /// ipsec_in_reject for @p policy (nullptr: the system default).
    bool CheckInboundPolicy(Ptr<const Packet> packet,
                            const IpsecSelector& sel,
                            Ptr<IpsecPolicy> policy);
    /// The inbound check of a datagram with selector @p sel for @p socket.
    bool CheckInboundBySocket(Ptr<const Packet> packet,
                              const IpsecSelector& sel,
                              const IpsecSocketMatch& socket);
    /// The output policy of a local datagram (socket-based when it has a socket).
    IpsecSocketPolicyRegistry::Lookup OutputPolicy(const IpsecIpHeader& ip,
                                                   Ptr<const Packet> segment,
                                                   const IpsecSelector& sel,
                                                   bool count);
    /// ipsec_hdrsiz for @p policy (nullptr or not ipsec: 0).
    uint32_t PolicyOverhead(Ptr<IpsecPolicy> policy, const IpsecSelector& sel);

    Ptr<Node> m_node;
    Ptr<IpsecSpd> m_spd;
    Ptr<IpsecSad> m_sad;
    Ptr<IpsecKeyEngine> m_keyEngine;
    IpsecStats m_stats4;
    IpsecStats m_stats6;
    Ptr<UniformRandomVariable> m_rng;

    // ipsec(4) knobs, IPv4 (net.inet.ipsec.*) and IPv6 (net.inet6.ipsec6.*)
    uint32_t m_defPolicy4{1};
    uint32_t m_defPolicy6{1};
    uint32_t m_espTransDeflev4{1};
    uint32_t m_espTransDeflev6{1};
    uint32_t m_espNetDeflev4{1};
    uint32_t m_espNetDeflev6{1};
    uint32_t m_ahTransDeflev4{1};
    uint32_t m_ahTransDeflev6{1};
    uint32_t m_ahNetDeflev4{1};
    uint32_t m_ahNetDeflev6{1};
    bool m_ahClearTos;
    uint16_t m_ahOffsetMask;
    bool m_icmp6TypeCode;
    bool m_rfc4301Fragments{false};
    bool m_ahDefaultIsUse;
    uint32_t m_dfbit{0};
    int32_t m_ecn4{0};
    int32_t m_ecn6{0};
    uint32_t m_debug{0};
    bool m_espEnable{true};
    bool m_ahEnable{true};
    bool m_ipcompEnable{true};
    bool m_kameDecapHistory{false};
    uint32_t m_ip6HdrNestLimit{15}; ///< net.inet6.ip6.hdrnestlimit

    /// Per-socket policies and their cache.
    Ptr<IpsecSocketPolicyRegistry> m_socketPolicies;

    uint32_t m_maxTransforms{16};
    bool m_fragmentBeforeTunnel{true};
    int m_ip6TunnelTooBig{static_cast<int>(IpsecTunnelTooBig::KAME)}; ///< an IpsecTunnelTooBig

    TracedCallback<Ptr<const Packet>, bool, IpsecDropReason, const std::string&> m_dropTrace;
    TracedCallback<Ptr<const Packet>, uint8_t, uint32_t> m_outputTrace;
    TracedCallback<Ptr<const Packet>, uint8_t, uint32_t> m_inputTrace;
    TracedCallback<IpsecDirection, const std::string&, Ptr<IpsecPolicy>> m_policyTrace;
};

} // namespace ns3

#endif /* IPSEC_STACK_H */
