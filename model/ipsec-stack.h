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
#include "ipsec-cpu.h"
#include "ipsec-deflate.h"
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
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace ns3
{

class Node;

/**
 * @ingroup ipsec
 * The IPsec state and processing of one node, aggregated to the node
 * (node->GetObject<IpsecStack>()): the SPD, the SAD and the key engine in
 * front of them, the ipsec(4) sysctl knobs as attributes, the ipsecstat /
 * ipsec6stat counters, the random stream for IVs and padding, the
 * per-socket policies; and the family-neutral processing the IPv4/IPv6
 * glue calls: ProcessOutput (ipsec4_output /
 * ipsec6_output), Decapsulate (the input loop of esp4_input, ah4_input,
 * ipcomp4_input and their IPv6 twins), CheckInbound (ipsec4_in_reject /
 * ipsec6_in_reject) and OutputOverhead (ipsec_hdrsiz).  Every drop is
 * counted in a KAME counter and reported by the Drop trace.
 * IpsecStackHelper creates and installs it.
 */
class IpsecStack : public Object
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    IpsecStack();

    /**
     * The node's security policy database (KAME's sptree).
     * @return the SPD (shared with the key engine)
     */
    Ptr<IpsecSpd> GetSpd() const;
    /**
     * The node's security association database (KAME's sahtree).
     * @return the SAD (shared with the key engine)
     */
    Ptr<IpsecSad> GetSad() const;
    /**
     * The node's key engine (PF_KEY): the way setkey and daemons reach the
     * SAD and SPD.
     * @return the key engine, which also keeps the pfkey counters
     */
    Ptr<IpsecKeyEngine> GetKeyEngine() const;

    /**
     * KAME's ipsecstat (IPv4) or ipsec6stat (IPv6), as `netstat -s` prints
     * them.
     * @param ipv6 the family
     * @return the family's counters, to read or to increment
     */
    IpsecStats& GetStats(bool ipv6);
    /**
     * KAME's ipsecstat (IPv4) or ipsec6stat (IPv6), read only.
     * @param ipv6 the family
     * @return the family's counters
     */
    const IpsecStats& GetStats(bool ipv6) const;
    /**
     * `netstat -s` sections "ipsec:", "ipsec6:" and "pfkey:" (in netstat's
     * order and wording).
     * @param os where to print
     * @param omitZero leave out the counters that are zero (netstat -s -z)
     */
    void PrintStats(std::ostream& os, bool omitZero = false) const;

    /**
     * Assigns the random streams: this stack's (IVs and random padding),
     * then the SAD's (the SPIs of GETSPI).
     * @param stream the first stream index to use
     * @return the number of streams used (2)
     */
    int64_t AssignStreams(int64_t stream);

    // ---- outbound ----------------------------------------------------
    /// What ProcessOutput decided for a datagram.
    enum class Verdict
    {
        BYPASS,    ///< send as is (action none, or no policy and def_policy none)
        DROP,      ///< dropped and counted
        PROTECTED, ///< transformed; send packet with protocol
    };

    /**
     * What the family glue tells the output processing about a datagram:
     * its header, whether it is forwarded, and how the IPv4 identification
     * is taken (AH covers it).
     */
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

    /// What ProcessOutput did with a datagram, and what the glue sends.
    struct OutputResult
    {
        Verdict verdict{Verdict::BYPASS}; ///< send as is, dropped, or protected
        /// BYPASS: the payload as given; PROTECTED: the payload behind the
        /// (outermost) header, with every IPsec header; DROP: not to be sent.
        Ptr<Packet> packet;
        /// The header to send the packet with (the outer header after a tunnel).
        IpsecIpHeader header;
        bool tunnelled{false}; ///< a tunnel request was applied
        /// DROP of a locally sent IPv6 datagram for want of a transport SA:
        /// KAME's ipsec6_output_trans answers the sender with an ICMPv6
        /// destination unreachable, administratively prohibited.
        bool adminProhibited{false};
        Ptr<IpsecPolicy> policy; ///< the policy applied (nullptr = system default)
        /// PROTECTED with the node's DataPath on: what the transforms cost
        /// (IpsecCpu::TransformTime); zero otherwise.
        Time cpuCost;
    };

    /**
     * KAME ipsec_hdrsiz: the bytes IPsec adds to a datagram with selector
     * @p sel on output (worst-case padding; outer headers of tunnels), for
     * TCP MSS and "fragmentation needed" MTUs.  0 when no IPsec applies.
     * The SPD decides (no socket policy), without counting a lookup; each
     * request is sized with the SA that would be chosen for it now, or the
     * largest header of its protocol when there is none.
     * @param sel the datagram's selector
     * @return the overhead in bytes
     */
    uint32_t OutputOverhead(const IpsecSelector& sel);

    /**
     * KAME's tcp_mss()/tcp_mssopt() with ipsec_hdrsiz: when @p segment (with
     * header @p ip) is a TCP SYN or SYN-ACK that IPsec will protect, lowers
     * its socket's segment size so that a full segment (20-byte header and
     * 12 bytes of timestamp option) still fits @p mtu with the IPsec overhead.
     * The segment's own socket policy or the SPD decides, without counting
     * a lookup; a segment that is not a SYN, or that no ipsec policy covers,
     * changes nothing.
     * @param segment the TCP segment, from its TCP header on
     * @param ip the IP header it is sent with
     * @param mtu the MTU of the outgoing device in bytes
     */
    void FitTcpSegmentSize(Ptr<const Packet> segment, const IpsecIpHeader& ip, uint32_t mtu);

    /**
     * The output processing of one datagram (ipsec4_output /
     * ipsec6_output): the policy (OutputContext::policy, else the sending
     * socket's policy, else the SPD's; the system default def_policy when
     * none matches), an SA for every request (key_checkrequest: a missing
     * SA sends an ACQUIRE; a "require" request without one drops the
     * datagram, out_nosa; a "use" request is skipped), then the transforms
     * in the policy's order, a tunnel request wrapping what is there in its
     * outer header (ipsec4_encapsulate / ipsec6_encapsulate).  Transport
     * headers go behind IPv6's unfragmentable part.  A transport request
     * for a forwarded IPv4 fragment is refused (out_inval).  The PolicyMatch
     * trace fires for the lookup, the Output trace for every transform
     * applied, the Drop trace for a drop.
     * @param packet the datagram's payload (behind ctx.header); left whole
     * @param ctx the datagram's header and how it is sent
     * @return the verdict, and for PROTECTED the packet and header to send
     */
    OutputResult ProcessOutput(Ptr<Packet> packet, const OutputContext& ctx);

    /**
     * The ipsec policy ProcessOutput would apply to the local datagram
     * @p packet with header @p header (the sending socket's or the SPD's),
     * looked up without counting; nullptr when no ipsec policy applies.
     * The IPv6 glue asks it before fragmenting a datagram it tunnels
     * (FragmentBeforeTunnel).
     * @param packet the datagram's payload
     * @param header the datagram's header
     * @return the policy, or nullptr (bypass, discard, none, or no match)
     */
    Ptr<IpsecPolicy> PeekOutputPolicy(Ptr<const Packet> packet, const IpsecIpHeader& header);

    // ---- inbound -----------------------------------------------------
    /// What Decapsulate left of a datagram, for the glue to re-inject.
    struct DecapResult
    {
        bool ok{false}; ///< false: dropped (counted and traced); ignore the rest
        /// What is left: the upper-layer payload (transport), or the inner
        /// datagram with its IP header (tunnel).
        Ptr<Packet> packet;
        uint8_t nextHeader{0}; ///< transport: the upper-layer protocol
        bool tunnel{false};    ///< a tunnel was decapsulated: packet is an IP datagram
        bool innerV6{false};   ///< family of that inner datagram
        uint8_t marks{0};      ///< IpsecHistoryTag::Mark bits
        /// Every transform removed from the datagram on this node, outermost first.
        std::vector<IpsecHistoryEntry> history;
        /// With the node's DataPath on: what the transforms tried cost, those
        /// of a dropped datagram included; zero otherwise.
        Time cpuCost;
    };

    /**
     * Removes the IPsec header @p outer.protocol at the front of @p packet
     * (and the IPsec headers nested in it, and a tunnel's outer header when
     * ipsec4_tunnel_validate's checks pass); @p packet arrived with header
     * @p outer, whose IPv6 extension headers (those in front of the IPsec
     * header) AH's ICV covers.  At most MaxTransforms transforms are removed
     * from one datagram on this node, IPComp directly in front of another
     * IPsec header is refused.  Drops are counted and traced.  Each
     * transform removed counts in_success and fires the Input trace; the
     * result carries an IpsecHistoryTag with the marks (M_DECRYPTED,
     * M_AUTHIPDGM, M_AUTHIPHDR) and the history, those of an outer tunnel of
     * this node included, for the inbound policy check.
     * @param packet the bytes from the IPsec header on
     * @param outer the IP header it arrived with (protocol: the IPsec
     *        header's, or 4 / 41 for plain IP-in-IP), with the IPv6
     *        extension headers in front of the IPsec header in outer.ext
     * @return ok and what is left, or not ok for a dropped datagram
     */
    DecapResult Decapsulate(Ptr<Packet> packet, const IpsecIpHeader& outer);

    /**
     * The inbound policy check for a datagram about to be delivered (or
     * forwarded): @p sel is its selector, @p packet may carry an
     * IpsecHistoryTag from this node.  Returns false (and counts in_polvio)
     * when the policy rejects it.  The SPD's policy decides (the system
     * default def_policy when none matches); an ipsec policy is satisfied
     * when every required ESP/AH request is in the decapsulation history
     * (a tunnel request with its endpoints), or, with KameDecapHistory or
     * without a history, by KAME's marks (ipsec_in_reject: ESP needs
     * M_DECRYPTED, AH M_AUTHIPHDR).
     * @param packet the datagram's payload (its tag is read, not removed)
     * @param sel its selector
     * @return true when the datagram may go on; false when rejected
     *         (in_polvio, Drop trace)
     */
    bool CheckInbound(Ptr<const Packet> packet, const IpsecSelector& sel);
    /**
     * The same for an upper-layer segment @p packet from @p src to @p dst
     * (the selector is extracted as ipsec_setspidx does; no ports when
     * forwarded).  @p socket, when not null, identifies the receiving
     * socket: the lookup then counts as socket-based (spdcachelookup, and
     * spdcachemiss when the socket's cached selector or the SPD changed
     * since its last lookup) and the socket's own policy applies first
     * (ipsec4_in_reject_so).
     * @param packet the IP payload (the selector walks the headers,
     *        ipsec_setspidx)
     * @param src the datagram's source
     * @param dst the datagram's destination
     * @param protocol the IP header's protocol / next header
     * @param forwarded a gateway's check of a forwarded datagram (no ports)
     * @param socket the receiving UDP/TCP end point, or nullptr
     * @param ipv4FragField an IPv4 header's flags and fragment offset (0
     *        for IPv6)
     * @return true when the datagram may go on; false when rejected
     *         (in_polvio, Drop trace)
     */
    bool CheckInbound(Ptr<const Packet> packet,
                      const IpsecAddress& src,
                      const IpsecAddress& dst,
                      uint8_t protocol,
                      bool forwarded,
                      const void* socket = nullptr,
                      uint16_t ipv4FragField = 0);
    /**
     * The inbound check of a datagram for socket @p socket (a raw socket's
     * delivery): its socket policy in KAME's precedence (ipsec4_in_reject_so:
     * the socket's own policy, entrust asking the SPD; see doc/ipsec.rst).
     * @param packet the IP payload
     * @param src the datagram's source
     * @param dst the datagram's destination
     * @param protocol the IP header's protocol / next header
     * @param socket the receiving socket's match (IpsecSocketPolicyRegistry)
     * @return true when the socket may receive the datagram; false when
     *         rejected (in_polvio, Drop trace)
     */
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
     * @param socket the socket (a socket of another node is EINVAL)
     * @param policy the policy text, direction first
     * @param privileged whether the caller is root (a "bypass" policy needs it,
     *        EACCES otherwise)
     * @param why set to the reason of a refusal (may be nullptr)
     * @return 0, EINVAL, EACCES or ENOPROTOOPT
     */
    int SetSocketPolicy(Ptr<Socket> socket,
                        const std::string& policy,
                        bool privileged = true,
                        std::string* why = nullptr);
    /**
     * ipsec_get_policy(3): @p socket's policy in @p dir as text.
     * @param socket the socket
     * @param dir inbound or outbound
     * @return the policy, direction first ("out entrust" if none was set)
     */
    std::string GetSocketPolicy(Ptr<Socket> socket, IpsecDirection dir) const;
    /**
     * The node's per-socket policies.
     * @return the registry (never null, kept after disposal)
     */
    Ptr<IpsecSocketPolicyRegistry> GetSocketPolicyRegistry() const;

    /**
     * Fires the PolicyMatch trace and logs which policy (id and text) a
     * packet matched, or that the system default applied.
     * @param dir the direction of the lookup
     * @param sel the packet's selector (made text only for listeners and the log)
     * @param policy the policy matched (nullptr: the system default)
     */
    void NotifyPolicy(IpsecDirection dir, const IpsecSelector& sel, Ptr<IpsecPolicy> policy);

    /**
     * A packet's selector as the PolicyMatch trace gives it: "src[sport]
     * dst[dport] proto" outbound, "src dst proto" inbound.
     * @param dir the direction of the lookup
     * @param sel the selector
     * @return the text
     */
    static std::string SelectorText(IpsecDirection dir, const IpsecSelector& sel);

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
    /**
     * Reports the drop a failed @p verdict describes (its counter was
     * incremented by IPSEC_FAIL).
     * @param packet the datagram (or what was left of it)
     * @param ipv6 its family
     * @param verdict the failed verdict: its typed reason and sentence
     */
    void NotifyDrop(Ptr<const Packet> packet, bool ipv6, const IpsecVerdict& verdict);

    /**
     * Whether the transforms take simulated time on this node.
     * @return true when an IpsecCpu with DataPath on is aggregated to the node
     */
    bool IsCryptoTimed() const
    {
        return m_cpu && m_cpu->IsDataPathTimed();
    }

    /**
     * The last step of output for a protected datagram: calls @p tail with
     * @p r (tail sends r.packet) now, or, with the node's DataPath on, with
     * a copy of @p r once the crypto processor has spent r.cpuCost on it.
     * Only the timed path copies the result.  A full crypto queue drops the
     * datagram (out_nomem, the Drop trace).
     * @param r the protected datagram
     * @param tail sends it: callable with a const OutputResult&
     */
    template <typename Tail>
    void AfterOutputCrypto(const OutputResult& r, Tail&& tail)
    {
        if (!IsCryptoTimed())
        {
            tail(r);
            return;
        }
        Time cost = r.cpuCost;
        if (!m_cpu->SubmitCrypto(
                [cost]()
                {
                    return cost;
                },
                [tail = std::forward<Tail>(tail), r]()
                {
                    tail(r);
                }))
        {
            CryptoQueueFull(r.packet, r.header.IsV6(), true);
        }
    }

    /**
     * Counts and reports a datagram refused by a full crypto queue
     * (out_nomem or in_nomem: KAME's ENOBUFS).
     * @param packet the datagram
     * @param ipv6 its family
     * @param outbound the direction
     */
    void CryptoQueueFull(Ptr<const Packet> packet, bool ipv6, bool outbound);

    /**
     * setsockopt(UDP_ENCAP, UDP_ENCAP_ESPINUDP) on a UDP socket bound to a
     * local port (racoon does it on its NAT-T socket, port 4500): UDP
     * datagrams to that port are then RFC 3948 datagrams.  A keepalive (the
     * one byte 0xFF) is consumed; one starting with the non-ESP marker (four
     * zero bytes) goes to the socket with the marker, for the IKE daemon to
     * strip; anything else is ESP, decapsulated as if it had arrived as IP
     * protocol 50 (NetBSD's udp4_espinudp).
     * @param port the local UDP port
     * @param on whether the port decapsulates (false undoes it)
     */
    void SetUdpEncapPort(uint16_t port, bool on);
    /**
     * Whether a local UDP port decapsulates ESP in UDP (SetUdpEncapPort).
     * @param port the local UDP port
     * @return true when it does
     */
    bool IsUdpEncapPort(uint16_t port) const;
    /**
     * Counts and traces a NAT keepalive (RFC 3948 section 2.3) that a
     * UDP_ENCAP_ESPINUDP port consumed.
     * @param packet the UDP datagram (header and the byte 0xFF)
     * @param src where it came from
     * @param sport its source port
     */
    void NotifyUdpEncapKeepalive(Ptr<const Packet> packet, Ipv4Address src, uint16_t sport);
    /**
     * The NAT keepalives the node's UDP_ENCAP_ESPINUDP ports consumed.
     * @return the count
     */
    uint64_t GetUdpEncapKeepalives() const
    {
        return m_udpEncapKeepalives;
    }

    /**
     * Keeps the byte tags of a protected IPv4 datagram that is about to be
     * delivered to this node's ESP, AH or IPComp input, until
     * TakeHeldByteTags: the caller then delivers it without them, so that
     * a flow probe (FlowMonitor's Ipv4FlowProbe, which reports a tagged
     * datagram's arrival where IP delivers it locally) reports the
     * plaintext's delivery after decapsulation instead, with the
     * plaintext's size and after the node's processing delay.  At most 64
     * datagrams are held; the oldest is forgotten first.
     * @param packet the datagram, with its byte tags
     */
    void HoldByteTags(Ptr<const Packet> packet);
    /**
     * The byte tags HoldByteTags kept for a datagram, forgotten here.
     * @param uid the datagram's packet uid
     * @return a packet carrying them, or null
     */
    Ptr<const Packet> TakeHeldByteTags(uint64_t uid);

    /**
     * The node's processor.
     * @return the IpsecCpu aggregated to the node, or null
     */
    Ptr<IpsecCpu> GetCpu() const
    {
        return m_cpu;
    }

    /**
     * The node this stack belongs to.
     * @return the node (null until aggregated or set)
     */
    Ptr<Node> GetNode() const;
    /**
     * Sets the node this stack belongs to, and the per-socket policies'
     * (which reach the node's UDP, TCP and L3 through it).  Aggregating
     * the stack to a node sets it too.
     * @param node the node
     */
    void SetNode(Ptr<Node> node);

    /**
     * net.inet.ipsec.ah_cleartos (AhCleartos), for the glue that builds
     * AH's ICV header.
     * @return true when the IPv4 TOS byte is zeroed in the AH ICV
     */
    bool GetAhClearTos() const;
    /**
     * net.inet.ipsec.ah_offsetmask (AhOffsetmask), for the glue that builds
     * AH's ICV header.
     * @return the mask AND-ed to the IPv4 flags and fragment offset in the ICV
     */
    uint16_t GetAhOffsetMask() const;

    /**
     * How this node's selectors walk a datagram's headers: ports only when
     * @p wantPorts (not for forwarded datagrams), the ICMPv6 type/code and
     * fragment variants from the attributes, @p ipv4FragField the IPv4
     * header's flags and fragment offset.
     * @param wantPorts read TCP/UDP ports into the selector
     * @param ipv4FragField the IPv4 header's flags and fragment offset (0
     *        for IPv6)
     * @return the rules, with Icmp6TypeCodeSelectors and
     *         Rfc4301FragmentSelectors applied
     */
    IpsecWalkRules WalkRules(bool wantPorts, uint16_t ipv4FragField = 0) const;
    /**
     * FragmentBeforeTunnel: a host fragments an IPv6 datagram it tunnels to
     * a learned path MTU.
     * @return the attribute's value (true by default; false = KAME)
     */
    bool GetFragmentBeforeTunnel() const;
    /**
     * MaxTransforms: the most transforms removed from one datagram on this
     * node (one more is dropped, in_nomem).
     * @return the attribute's value (16 by default)
     */
    uint32_t GetMaxTransforms() const;
    /**
     * Ipv6TunnelTooBig: a gateway's answer to a forwarded IPv6 datagram too
     * big once protected.
     * @return KAME (ICMPv6 Packet Too Big) or RFC_2473 (fragment the tunnel
     *         packet of a datagram of at most 1280 bytes)
     */
    IpsecTunnelTooBig GetIpv6TunnelTooBig() const;

    /**
     * Effective level of a request: "default" resolved through the
     * *_deflev knobs of the request's protocol and mode (ipsec_get_reqlevel;
     * 2 is require, anything else use), "unique" counted as require.
     * IPComp's default is use; with AhDefaultFallthrough AH's is use too.
     * @param req the request
     * @param ipv6 the family whose knobs apply (net.inet6.ipsec6.* when true)
     * @return USE or REQUIRE
     */
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
    /**
     * TracedCallback signature of UdpEncapKeepalive.
     * @param packet the UDP datagram
     * @param src its source address
     * @param sport its source port
     */
    typedef void (*KeepaliveTracedCallback)(Ptr<const Packet> packet,
                                            Ipv4Address src,
                                            uint16_t sport);

  protected:
    void DoDispose() override;
    void NotifyNewAggregate() override;

  private:
    /**
     * Sets the IcvTruncation attribute (kept by the SAD, for the SAs added
     * from now on).
     * @param mode an IpsecIcvTruncation
     */
    void SetIcvTruncation(int mode);
    /**
     * The IcvTruncation attribute, from the SAD.
     * @return an IpsecIcvTruncation
     */
    int GetIcvTruncation() const;
    /**
     * The node's zlib streams for IPComp, made on the first datagram that
     * needs them and reused (a node without IPComp never pays for them).
     * @return the streams
     */
    IpsecDeflate* DeflateStreams();

    /**
     * One transform of the input loop: the header's SPI, the SA, the replay
     * check and the transform's Input.  False when the datagram was dropped
     * (counted and traced); else @p in holds what is left and what was learnt.
     * @param packet the bytes from the transform's header on
     * @param outer the outer IP header (AH's ICV covers it)
     * @param proto the transform's protocol
     * @param sa set to the SA found (nullptr for a well-known IPComp CPI)
     * @param in set to the transform's result
     * @param udpEncap the transform's header arrived behind outer's RFC 3948
     *        UDP header (the first transform of an ESP-in-UDP datagram)
     * @return true when the transform was removed
     */
    bool InputTransform(Ptr<Packet> packet,
                        const IpsecIpHeader& outer,
                        IpsecProto proto,
                        Ptr<IpsecSa>* sa,
                        IpsecTransformInput* in,
                        bool udpEncap);
    /// One request of an outbound policy and the SA chosen for it.
    struct OutputStep
    {
        const IpsecRequest* req; ///< the request (in the policy)
        Ptr<IpsecSa> sa;         ///< the SA chosen for it
    };

    /**
     * ProcessOutput, step 1: the policy (nullptr when the datagram is
     * bypassed or was dropped; @p r says which).
     * @param packet the datagram's payload
     * @param ctx the datagram's header and how it is sent
     * @param r the result: its verdict set on a drop, its policy set
     * @return the ipsec policy to apply, or nullptr
     */
    Ptr<IpsecPolicy> LookupOutputPolicy(Ptr<Packet> packet,
                                        const OutputContext& ctx,
                                        OutputResult* r);
    /**
     * Step 2 (key_checkrequest): an SA per request; false when dropped.
     * @param packet the datagram's payload (for the Drop trace)
     * @param ctx the datagram's header and how it is sent
     * @param policy the policy from step 1
     * @param steps set to the requests that have an SA, in order
     * @param r the result: its verdict set on a drop
     * @return false when a required SA is missing
     */
    bool ResolveOutputSas(Ptr<Packet> packet,
                          const OutputContext& ctx,
                          const IpsecPolicy& policy,
                          std::vector<OutputStep>* steps,
                          OutputResult* r);
    /**
     * Step 3: the transforms in order, the tunnel headers; false when
     * dropped.
     * @param packet the datagram's payload
     * @param ctx the datagram's header and how it is sent
     * @param steps the requests and their SAs from step 2 (not empty)
     * @param r the result: verdict, packet and header
     * @return false when a transform dropped the datagram
     */
    bool ApplyTransforms(Ptr<Packet> packet,
                         const OutputContext& ctx,
                         const std::vector<OutputStep>& steps,
                         OutputResult* r);
    /**
     * ipsec4_tunnel_validate: may this decapsulated datagram leave its
     * tunnel?  The SA is not a transport one, the inner header is valid,
     * and an inbound policy has a tunnel request with the outer endpoints
     * whose selector (or the previous tunnel's endpoints) matches the inner
     * addresses (key_gettunnel).
     * @param sa the SA of the last transform (nullptr for plain IP-in-IP,
     *        which only an IPComp tunnel request accepts)
     * @param outer the outer IP header
     * @param inner the inner datagram, with its IP header
     * @param innerV6 its family
     * @param why set to the reason of a refusal
     * @return true when the tunnel may end here
     */
    bool TunnelValidate(Ptr<const IpsecSa> sa,
                        const IpsecIpHeader& outer,
                        Ptr<const Packet> inner,
                        bool innerV6,
                        std::string* why);
    /**
     * The outer header of a tunnel for @p inner (RFC 3168 / KAME ECN and DF
     * rules): the SA's endpoints, TTL 64, the inner TOS with the Ecn
     * attribute's rule, DF by Dfbit, an IPv6 inner flow label copied.
     * @param sa the tunnel SA
     * @param inner the inner header
     * @return the outer header (protocol 4 or 41)
     */
    IpsecIpHeader TunnelHeader(const IpsecSa& sa, const IpsecIpHeader& inner) const;
    /**
     * ECN egress (decapsulation, ip_ecn_egress): with Ecn 1 a CE mark on the
     * outer header is copied into an ECN-capable inner header.
     * @param outerTos the outer TOS / traffic class
     * @param v6 the outer family (whose Ecn knob applies)
     * @param inner the inner datagram, with its IP header (rewritten)
     * @param innerV6 its family
     * @return false when the datagram must be dropped (CE with Ecn 0, or on
     *         a not-ECT inner datagram)
     */
    bool EcnDecapsulate(uint8_t outerTos, bool v6, Ptr<Packet> inner, bool innerV6);
    /**
     * Is a required request satisfied by the decapsulation history?
     * @param req the request
     * @param history the transforms removed, outermost first
     * @return true when an entry of its protocol is there (for a tunnel
     *         request with endpoints: a tunnel entry with those endpoints)
     */
    bool HistorySatisfies(const IpsecRequest& req,
                          const std::vector<IpsecHistoryEntry>& history) const;
    /**
     * ipsec_in_reject for @p policy (nullptr: the system default).
     * @param packet the datagram's payload, with its history tag
     * @param sel its selector
     * @param policy the policy that applies
     * @return true when not rejected; false counts in_polvio and is traced
     */
    bool CheckInboundPolicy(Ptr<const Packet> packet,
                            const IpsecSelector& sel,
                            Ptr<IpsecPolicy> policy);
    /**
     * The inbound check of a datagram with selector @p sel for @p socket.
     * @param packet the datagram's payload, with its history tag
     * @param sel its selector
     * @param socket the receiving socket's match
     * @return true when not rejected; false counts in_polvio and is traced
     */
    bool CheckInboundBySocket(Ptr<const Packet> packet,
                              const IpsecSelector& sel,
                              const IpsecSocketMatch& socket);
    /**
     * The output policy of a local datagram (socket-based when it has a
     * socket, ipsec4_getpolicybysock; the SPD's otherwise,
     * ipsec4_getpolicybyaddr).
     * @param ip the datagram's header
     * @param segment its payload (to find the sending socket)
     * @param sel its selector
     * @param count count the lookup (spdcachelookup, spdcachemiss)
     * @return the lookup's result and policy
     */
    IpsecSocketPolicyRegistry::Lookup OutputPolicy(const IpsecIpHeader& ip,
                                                   Ptr<const Packet> segment,
                                                   const IpsecSelector& sel,
                                                   bool count);
    /**
     * ipsec_hdrsiz for @p policy (nullptr or not ipsec: 0).
     * @param policy the policy
     * @param sel the datagram's selector (the endpoints of transport requests)
     * @return the bytes the policy's requests add
     */
    uint32_t PolicyOverhead(Ptr<IpsecPolicy> policy, const IpsecSelector& sel);

    Ptr<Node> m_node;                 ///< the node this stack belongs to
    Ptr<IpsecSpd> m_spd;              ///< the SPD
    Ptr<IpsecSad> m_sad;              ///< the SAD
    Ptr<IpsecKeyEngine> m_keyEngine;  ///< the key engine (PF_KEY) over both
    IpsecStats m_stats4;              ///< ipsecstat
    IpsecStats m_stats6;              ///< ipsec6stat
    Ptr<UniformRandomVariable> m_rng; ///< IVs and random padding
    Ptr<IpsecCpu> m_cpu;              ///< the node's processor (the DataPath cost model), if any
    std::deque<Ptr<const Packet>> m_heldByteTags; ///< HoldByteTags, oldest first
    std::set<uint16_t> m_udpEncapPorts;           ///< SetUdpEncapPort
    uint64_t m_udpEncapKeepalives{0};             ///< GetUdpEncapKeepalives
    bool m_natOaChecksum{false};                  ///< NatOaChecksum
    /// The UdpEncapKeepalive trace.
    TracedCallback<Ptr<const Packet>, Ipv4Address, uint16_t> m_keepaliveTrace;
    std::unique_ptr<IpsecDeflate> m_deflate; ///< IPComp's zlib streams, made on first use
    /// The transforms' scratch buffer (IpsecTransformOutput::scratch): one
    /// datagram's bytes at a time, reused so that a datagram costs no
    /// allocation of its size.
    std::vector<uint8_t> m_scratch;

    // ipsec(4) knobs, IPv4 (net.inet.ipsec.*) and IPv6 (net.inet6.ipsec6.*)
    uint32_t m_defPolicy4{1};            ///< DefPolicy: 0 discard, 1 none
    uint32_t m_defPolicy6{1};            ///< Ipv6DefPolicy
    uint32_t m_espTransDeflev4{1};       ///< EspTransDeflev: 1 use, 2 require
    uint32_t m_espTransDeflev6{1};       ///< Ipv6EspTransDeflev
    uint32_t m_espNetDeflev4{1};         ///< EspNetDeflev
    uint32_t m_espNetDeflev6{1};         ///< Ipv6EspNetDeflev
    uint32_t m_ahTransDeflev4{1};        ///< AhTransDeflev
    uint32_t m_ahTransDeflev6{1};        ///< Ipv6AhTransDeflev
    uint32_t m_ahNetDeflev4{1};          ///< AhNetDeflev
    uint32_t m_ahNetDeflev6{1};          ///< Ipv6AhNetDeflev
    bool m_ahClearTos;                   ///< AhCleartos
    uint16_t m_ahOffsetMask;             ///< AhOffsetmask
    bool m_icmp6TypeCode;                ///< Icmp6TypeCodeSelectors
    bool m_rfc4301Fragments{false};      ///< Rfc4301FragmentSelectors
    bool m_ahDefaultIsUse;               ///< AhDefaultFallthrough
    uint32_t m_dfbit{0};                 ///< Dfbit: 0 clear, 1 set, 2 copy
    int32_t m_ecn4{0};                   ///< Ecn: -1 ignore, 0 forbidden, 1 allowed
    int32_t m_ecn6{0};                   ///< Ipv6Ecn
    uint32_t m_debug{0};                 ///< Debug: non-zero logs drops to stderr
    bool m_espEnable{true};              ///< EspEnable
    bool m_ahEnable{true};               ///< AhEnable
    bool m_ipcompEnable{true};           ///< IpcompEnable
    bool m_kameDecapHistory{false};      ///< KameDecapHistory
    bool m_inboundDeflevByFamily{false}; ///< InboundDeflevByFamily
    uint32_t m_ip6HdrNestLimit{15};      ///< net.inet6.ip6.hdrnestlimit

    /// Per-socket policies and their cache.
    Ptr<IpsecSocketPolicyRegistry> m_socketPolicies;

    uint32_t m_maxTransforms{16};                                     ///< MaxTransforms
    bool m_fragmentBeforeTunnel{true};                                ///< FragmentBeforeTunnel
    int m_ip6TunnelTooBig{static_cast<int>(IpsecTunnelTooBig::KAME)}; ///< an IpsecTunnelTooBig

    /// The Drop trace.
    TracedCallback<Ptr<const Packet>, bool, IpsecDropReason, const std::string&> m_dropTrace;
    TracedCallback<Ptr<const Packet>, uint8_t, uint32_t> m_outputTrace; ///< the Output trace
    TracedCallback<Ptr<const Packet>, uint8_t, uint32_t> m_inputTrace;  ///< the Input trace
    /// The PolicyMatch trace.
    TracedCallback<IpsecDirection, const std::string&, Ptr<IpsecPolicy>> m_policyTrace;
};

} // namespace ns3

#endif /* IPSEC_STACK_H */
