/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Per-socket IPsec policies: KAME's setsockopt(IP_IPSEC_POLICY) and
 * setsockopt(IPV6_IPSEC_POLICY) with ipsec_set_policy(3)'s text, looked up
 * in the precedence of ipsec4_getpolicybysock / ipsec6_getpolicybysock (see
 * "Per-socket policies" in doc/ipsec.rst).  Every socket has an
 * inbound and an outbound policy, "entrust" until one is set; a socket
 * policy is "ipsec" (with requests), "entrust" (ask the SPD) or "bypass"
 * (no IPsec, privileged sockets only).
 *
 * ns-3 tells the IP layer nothing about the socket a datagram comes from or
 * goes to, so the registry matches datagrams to sockets lazily.  A UDP/TCP
 * datagram belongs to the end point ns-3's demultiplexer gives its ports
 * and addresses; the registered socket whose GetSockName()/GetPeerName()
 * are that end point's owns it.  A listening TCP socket (peer 0.0.0.0:0)
 * also covers the connections it accepted (same local port, a peer of their
 * own), as KAME copies the listener's policy to them.  Raw sockets (no
 * ports) match on protocol and addresses, as ns-3's raw delivery does.
 * An outgoing UDP datagram whose end point has no registered owner goes to
 * a registered socket whose names match it: two sockets sharing a port
 * (one bound to the unspecified address) send identical datagrams.
 *
 * The registry belongs to one node's IpsecStack (GetSocketPolicyRegistry).
 * Its three jobs are three files:
 *  - ipsec-socket-policy.cc: the store, what a socket holds (KAME's
 *    inpcbpolicy; ipsec_set_policy, ipsec_get_policy, ipsec_copy_pcbpolicy),
 *    and the per-socket parts of IpsecStack's API;
 *  - ipsec-socket-match.cc: which socket a datagram belongs to and which
 *    policy applies to it (ipsec4_getpolicybysock / ipsec6_getpolicybysock,
 *    the per-socket cache of ipsec_checkpcbcache);
 *  - ipsec-raw-socket-gate.cc: raw sockets, which have no ports: a datagram
 *    no L4 protocol sent is a raw socket's (rip_output), and a datagram
 *    delivered to raw sockets passes each one's inbound check (rip_input's
 *    ipsec4_in_reject_so, rip6_input's ipsec6_in_reject_so).
 */
#ifndef IPSEC_SOCKET_POLICY_H
#define IPSEC_SOCKET_POLICY_H

#include "ipsec-ip-header.h"
#include "ipsec-policy.h"
#include "ipsec-stats.h"
#include "ns3/event-id.h"
#include "ns3/net-device.h"
#include "ns3/object.h"
#include "ns3/socket.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

class IpsecSpd;
class IpsecStack;
class Ipv4L3Protocol;
class Ipv6L3Protocol;
class Node;
class TcpL4Protocol;
class UdpL4Protocol;

/**
 * @ingroup ipsec-policy
 * A registered socket and its two policies (KAME's inpcbpolicy).
 */
struct IpsecSocketPolicyEntry : public SimpleRefCount<IpsecSocketPolicyEntry>
{
    /// What kind of socket it is.
    enum class Kind : uint8_t
    {
        UDP, ///< a UdpSocket
        TCP, ///< a TcpSocketBase
        RAW, ///< Ipv4RawSocketImpl or Ipv6RawSocketImpl (rawV6)
    };

    Ptr<Socket> socket;   ///< the socket
    Kind kind{Kind::UDP}; ///< its kind
    bool rawV6{false};    ///< a raw socket of IPv6
    /// The socket counts as created by root (KAME's pcb policy 'priv').
    bool privileged{true};
    /// Inbound policy, action ENTRUST, BYPASS or IPSEC (nullptr: entrust).
    Ptr<IpsecPolicy> in;
    /// Outbound policy, as in.
    Ptr<IpsecPolicy> out;
    /// Bumped by every change of the policies (the cache then misses).
    uint32_t generation{0};
    /// The socket had a local port: losing it means it was closed.
    bool wasBound{false};

    /**
     * The policy of a direction.
     * @param dir inbound or outbound
     * @return in or out
     */
    Ptr<IpsecPolicy> Get(IpsecDirection dir) const;
};

/**
 * @ingroup ipsec-policy
 * The socket a datagram belongs to, as far as the IPsec output or input knows it.
 */
struct IpsecSocketMatch
{
    /// Names the socket for the policy cache (the UDP/TCP end point, or the
    /// raw socket); nullptr: the datagram has no socket.
    const void* identity{nullptr};
    /// Its policies; nullptr: a socket without per-socket policy (entrust both ways).
    Ptr<const IpsecSocketPolicyEntry> entry;

    /**
     * Whether the datagram has a socket.
     * @return false for a datagram of no socket (forwarded, the kernel's)
     */
    bool HasSocket() const
    {
        return identity != nullptr;
    }
};

/**
 * @ingroup ipsec-policy
 * A UDP/TCP end point's names (or a socket's, seen as one).
 */
struct IpsecEndPointName
{
    IpsecAddress local;    ///< the local address
    uint16_t localPort{0}; ///< the local port
    IpsecAddress peer;     ///< the unspecified address when the end point has no peer
    uint16_t peerPort{0};  ///< the peer's port (0 when none)
};

/**
 * @ingroup ipsec-policy
 * The per-socket policies of one node (KAME's setsockopt(IP_IPSEC_POLICY)):
 * what each socket holds, which socket a datagram belongs to and which
 * policy applies to it (ipsec4_getpolicybysock), and the raw sockets'
 * rules.  Its three jobs are in three files (see the comment at the top of
 * ipsec-socket-policy.h).
 */
class IpsecSocketPolicyRegistry : public Object
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    IpsecSocketPolicyRegistry();
    ~IpsecSocketPolicyRegistry() override;

    // ---- the store (ipsec-socket-policy.cc) -------------------------------

    /**
     * setsockopt(IP_IPSEC_POLICY / IPV6_IPSEC_POLICY) with the text
     * ipsec_set_policy(3) takes, e.g. "out ipsec esp/transport//require",
     * "in bypass".
     * @param socket the socket
     * @param text the policy
     * @param privileged the caller's privilege (uid 0)
     * @param why set to a sentence on an error (may be nullptr)
     * @return 0, or the errno KAME's setsockopt returns: EINVAL for a text
     *         that does not parse, a direction without action, a discard or
     *         none policy, an ipsec policy without request; EACCES for
     *         bypass by a non-privileged caller; ENOPROTOOPT for a socket
     *         that is not a UDP, TCP or raw IP socket
     */
    int Set(Ptr<Socket> socket, const std::string& text, bool privileged, std::string* why);
    /**
     * ipsec_get_policy(3)/ipsec_dump_policy(3): the policy a socket has (an
     * accepted TCP connection reports its listener's).
     * @param socket the socket
     * @param dir the direction
     * @return the policy's text ("in entrust" when none was set)
     */
    std::string Get(Ptr<Socket> socket, IpsecDirection dir);
    /**
     * The policy a socket uses.
     * @param socket the socket
     * @param dir the direction
     * @return the policy (nullptr: entrust)
     */
    Ptr<IpsecPolicy> GetPolicy(Ptr<Socket> socket, IpsecDirection dir);
    /**
     * Whether @p socket counts as privileged when its policies are looked up
     * (KAME: it was created by root).  A socket gets the privilege of the
     * first SetSocketPolicy call on it; this changes it, e.g. to model a
     * socket a non-root process created and root configured.
     * @param socket the socket
     * @param privileged whether it counts as created by root
     */
    void SetPrivileged(Ptr<Socket> socket, bool privileged);
    /**
     * Whether a socket counts as privileged.
     * @param socket the socket
     * @return true when created by root (or unknown: a socket without
     *         policies is entrust both ways, privileged or not)
     */
    bool IsPrivileged(Ptr<Socket> socket);
    /**
     * Forgets the policies of a socket (both directions back to entrust).
     * @param socket the socket
     */
    void Remove(Ptr<Socket> socket);
    /**
     * The number of sockets with a policy of their own.  A socket is
     * forgotten once it is closed (a UDP/TCP socket lost its local port, a
     * raw socket left its L3) or nothing but the registry refers to it.
     * @return the sockets
     */
    uint32_t GetN();

    /**
     * Sets the node whose sockets these are.
     * @param node the node
     */
    void SetNode(Ptr<Node> node);
    /**
     * The variant knob KameInvalidLookupAccepts.
     * @return true when a failed inbound socket lookup (INVALID) accepts, as
     *         KAME's in_reject_so
     */
    bool GetKameInvalidLookupAccepts() const;

    // ---- socket matching (ipsec-socket-match.cc), used by the packet
    // processing (IpsecStack, the L3/L4 glue) ------------------------------

    /**
     * The socket sending a locally generated datagram @p ip carrying
     * @p segment: the UDP/TCP socket of a segment an L4 protocol is sending
     * (see BeginL4Send), or a registered raw socket that matches a datagram
     * no L4 protocol sent.  Kernel ICMP, TCP resets for closed ports and raw
     * sockets without a policy have no socket.
     * @param ip the datagram's header
     * @param segment what it carries
     * @return the socket, or none
     */
    IpsecSocketMatch FindSender(const IpsecIpHeader& ip, Ptr<const Packet> segment);
    /**
     * The socket of a received UDP/TCP segment.
     * @param sel the segment's selector
     * @param endPoint the end point the L4 demultiplexer delivers it to: the
     *        Ipv4EndPoint (IPv4 selector) or Ipv6EndPoint (IPv6)
     *        IpsecFindEndPoint returned
     * @return the socket, or none
     */
    IpsecSocketMatch FindReceiver(const IpsecSelector& sel, const void* endPoint);

    /// What a socket-based policy lookup found.
    struct Lookup
    {
        /// What the lookup decided.
        enum Result : uint8_t
        {
            NO_SOCKET, ///< not socket-based: the address-based SPD lookup applies
            POLICY,    ///< policy: an SPD entry, the socket's ipsec policy, or nullptr (system
                       ///< default)
            BYPASS,    ///< privileged bypass: no IPsec (policy: the socket's)
            INVALID,   ///< non-privileged bypass and no SPD entry: EINVAL (policy: the socket's)
        };

        Result result{NO_SOCKET}; ///< what the lookup decided
        Ptr<IpsecPolicy> policy;  ///< the policy that applies (see Result)
        bool fromSocket{false};   ///< policy is the socket's own
    };

    /**
     * KAME's ipsec4_getpolicybysock/ipsec6_getpolicybysock for the datagram
     * with selector @p sel on socket @p match, direction @p dir.  Privileged
     * socket: bypass, or its ipsec policy, or (entrust) the SPD.  Other
     * sockets: the SPD first; then their ipsec policy, entrust (system
     * default) or bypass (INVALID).
     * @param match the datagram's socket
     * @param dir the direction
     * @param sel the datagram's selector
     * @param spd the node's SPD
     * @param stats the family's counters
     * @param count counts spdcachelookup and, when the socket's cache cannot
     *        be used (first lookup, other selector, SPD or socket policy
     *        changed since), spdcachemiss
     * @return what the lookup found
     */
    Lookup LookupBySocket(const IpsecSocketMatch& match,
                          IpsecDirection dir,
                          const IpsecSelector& sel,
                          IpsecSpd& spd,
                          IpsecStats& stats,
                          bool count);

    // ---- raw sockets (ipsec-raw-socket-gate.cc) ---------------------------

    /// An L4 protocol (UDP, TCP, ICMP) of the node is sending: what reaches
    /// the L3 until EndL4Send is not a raw socket's.
    void BeginL4Send();
    /// The L4 protocol's send that BeginL4Send marked has ended.
    void EndL4Send();
    /**
     * The match of a registered raw socket.
     * @param entry the raw socket's entry (may be nullptr)
     * @return its policy cache identity and entry (no socket for nullptr)
     */
    static IpsecSocketMatch RawMatch(Ptr<const IpsecSocketPolicyEntry> entry);

    /**
     * Whether the gate has work.
     * @param v6 the family
     * @return true when a raw socket of the family has a policy
     */
    bool HasRawSockets(bool v6) const;
    /**
     * Called when the L3 is about to hand a received datagram to its raw
     * sockets (the L3's Rx trace): every registered raw socket that would
     * receive it (protocol, bound addresses, bound device as the raw
     * socket's ForwardUp checks) gets the inbound check of @p ipsec with its
     * socket policy; one that rejects it (in_polvio) is kept from this one
     * delivery.
     * @param ipsec the node's IPsec (its inbound check)
     * @param payload the datagram without its IP header
     * @param src its source
     * @param dst its destination
     * @param protocol its protocol
     * @param device the device it came in on
     */
    void GateRawDelivery(IpsecStack& ipsec,
                         Ptr<const Packet> payload,
                         const IpsecAddress& src,
                         const IpsecAddress& dst,
                         uint8_t protocol,
                         Ptr<NetDevice> device);
    /// Ends the raw delivery the last gate prepared (idempotent).
    void RestoreRawSockets();

  protected:
    void DoDispose() override;

  private:
    /**
     * The local (GetSockName) or peer (GetPeerName) name of @p socket in
     * family @p v6; false when the socket has none of that family.
     */
    static bool SocketName(Socket& socket, bool peer, bool v6, IpsecAddress* addr, uint16_t* port);
    /// A raw socket's "Protocol" attribute (0xffff when it has none).
    static uint16_t RawProtocol(const Socket& socket);
    /**
     * The registered raw socket that sends a datagram no L4 protocol sent
     * (rip_output's socket); no socket when none with a policy matches.
     */
    IpsecSocketMatch FindRawSender(const IpsecIpHeader& ip);
    /// The entry of @p socket (nullptr if none); forgets dead entries first.
    Ptr<IpsecSocketPolicyEntry> Find(Ptr<Socket> socket);
    /**
     * The registered socket whose end point @p ep is (its local name is the
     * end point's, and its peer too when the end point has one), else the
     * registered listening TCP socket an accepted connection @p ep comes from.
     */
    Ptr<const IpsecSocketPolicyEntry> FindOwner(IpsecSocketPolicyEntry::Kind kind,
                                                bool v6,
                                                const IpsecEndPointName& ep);
    /**
     * The registered socket of @p kind whose names match a datagram with this
     * local and remote end (raw: of @p protocol, ports ignored); a connected
     * one wins, then one bound to an address.
     */
    Ptr<const IpsecSocketPolicyEntry> FindByName(IpsecSocketPolicyEntry::Kind kind,
                                                 bool v6,
                                                 uint8_t protocol,
                                                 const IpsecAddress& local,
                                                 uint16_t localPort,
                                                 const IpsecAddress& remote,
                                                 uint16_t remotePort);
    /// An accepted TCP connection's listener entry (the policy it inherits).
    Ptr<IpsecSocketPolicyEntry> FindListenerOf(Ptr<Socket> socket);
    /// Is the socket of @p e still alive (open, referenced by others)?  Updates wasBound.
    bool IsAlive(IpsecSocketPolicyEntry& e) const;
    /// The UDP/TCP end point sending from @p src:@p sport to @p dst:@p dport
    /// (the one its reply would reach); nullptr if none.
    const void* SenderEndPoint(uint8_t protocol,
                               const IpsecAddress& src,
                               uint16_t sport,
                               const IpsecAddress& dst,
                               uint16_t dport);
    /// A new entry; a raw socket's also attaches its L3's raw-socket gate.
    Ptr<IpsecSocketPolicyEntry> AddEntry(Ptr<Socket> socket,
                                         IpsecSocketPolicyEntry::Kind kind,
                                         bool rawV6,
                                         bool privileged);
    void Sweep();

    Ptr<Node> m_node;
    /// The node's protocols, looked up once (every UDP/TCP datagram needs them).
    Ptr<Ipv4L3Protocol> m_ipv4;
    Ptr<Ipv6L3Protocol> m_ipv6;
    Ptr<UdpL4Protocol> m_udp;
    Ptr<TcpL4Protocol> m_tcp;
    bool m_haveProtocols{false};
    std::vector<Ptr<IpsecSocketPolicyEntry>> m_entries;
    uint32_t m_l4Sends{0};
    bool m_kameInvalidLookupAccepts{false};

    /// Per-socket policy cache: (socket identity, direction) -> (SPD
    /// generation, socket policy generation, packet selector).
    struct CacheState
    {
        uint64_t spdGeneration;
        uint32_t policyGeneration;
        IpsecSelector selector;

        bool operator!=(const CacheState& o) const;
    };

    std::map<std::pair<const void*, IpsecDirection>, CacheState> m_cache;

    /// Raw sockets kept from the current delivery, with their real bound device.
    std::vector<std::pair<Ptr<Socket>, Ptr<NetDevice>>> m_held;
    /// The device a held raw socket is bound to while held: never an incoming one.
    Ptr<NetDevice> m_nowhere;
    EventId m_restoreEvent;
};

/**
 * @ingroup ipsec-policy
 * Marks an L4 protocol's send (IpsecSocketPolicyRegistry::BeginL4Send) for its lifetime.
 */
class IpsecL4SendScope
{
  public:
    /**
     * Begins the mark.
     * @param registry the node's registry (may be nullptr: no mark)
     */
    explicit IpsecL4SendScope(Ptr<IpsecSocketPolicyRegistry> registry);
    ~IpsecL4SendScope();
    IpsecL4SendScope(const IpsecL4SendScope&) = delete;
    IpsecL4SendScope& operator=(const IpsecL4SendScope&) = delete;

  private:
    Ptr<IpsecSocketPolicyRegistry> m_registry;
};

} // namespace ns3

#endif /* IPSEC_SOCKET_POLICY_H */
