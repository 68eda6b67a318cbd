/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A NAT box for ns-3 (IPv4 only): network address and port translation
 * (NAPT) of UDP, TCP and ICMP query identifiers with endpoint-independent
 * mapping (RFC 4787, RFC 5382, RFC 5508), translation of ICMP errors and
 * the datagram they quote, source translation of other IP protocols keyed
 * by (protocol, remote address), an address-only mode (basic NAT, RFC 3022
 * section 2.1), static port forwards, per-protocol mapping timeouts and a
 * bounded fragment cache.  The object is aggregated to the router node;
 * Ipv4NatRouting (the node's routing protocol wrapper) hands it the
 * datagrams the node receives and forwards.  See doc/ipsec.rst, "NAT box".
 */
#ifndef IPV4_NAT_H
#define IPV4_NAT_H

#include "ns3/event-id.h"
#include "ns3/ipv4-address.h"
#include "ns3/ipv4-header.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/packet.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

namespace ns3
{

class Ipv4;

/**
 * @ingroup ipsec
 * One NAT mapping (a session of NetBSD's ipnat, a conntrack entry of Linux).
 *
 * In NAPT mode a UDP, TCP or ICMP-query mapping binds the inside endpoint
 * (insideAddress, insidePort) to the outside endpoint (outsideAddress,
 * outsidePort), whatever the remote (endpoint-independent mapping); the
 * port of an ICMP mapping is the query identifier.  A mapping of another
 * IP protocol binds (protocol, remoteAddress) to insideAddress (ports 0).
 * In address-only mode a mapping binds insideAddress to outsideAddress
 * (protocol 0, ports 0).
 */
struct Ipv4NatMapping
{
    uint8_t protocol{0};        ///< IP protocol (0: an address-only mapping)
    Ipv4Address insideAddress;  ///< the inside host
    uint16_t insidePort{0};     ///< its port or ICMP identifier
    Ipv4Address outsideAddress; ///< the address the outside sees
    uint16_t outsidePort{0};    ///< the port or identifier the outside sees
    Ipv4Address remoteAddress;  ///< the remote of an other-protocol mapping, else the last
    uint16_t remotePort{0};     ///< the last remote port seen (UDP/TCP)
    bool isStatic{false};       ///< a static mapping (port forward): never expires
    Time created;               ///< when it was made
    Time deadline;              ///< when it expires unless refreshed
    uint64_t packetsOut{0};     ///< datagrams translated outbound
    uint64_t packetsIn{0};      ///< datagrams translated inbound
    bool tcpSeenInbound{false}; ///< TCP: a segment came back (the connection is up)
    bool tcpFinOut{false};      ///< TCP: a FIN went out
    bool tcpFinIn{false};       ///< TCP: a FIN came in
    bool tcpRst{false};         ///< TCP: a RST was seen
    std::set<std::pair<Ipv4Address, uint16_t>> permitted; ///< remotes sent to (filtering)
    EventId timer;                                        ///< the expiry event (re-armed lazily)
};

/**
 * @ingroup ipsec
 * Print a mapping on one line (the format of Ipv4Nat::Print).
 * @param os the stream
 * @param m the mapping
 * @return the stream
 */
std::ostream& operator<<(std::ostream& os, const Ipv4NatMapping& m);

/**
 * @ingroup ipsec
 * Counters of an Ipv4Nat (every drop is also counted by reason).
 */
struct Ipv4NatStats
{
    uint64_t translatedOut{0};     ///< datagrams translated outbound
    uint64_t translatedIn{0};      ///< datagrams translated inbound
    uint64_t icmpErrorsOut{0};     ///< ICMP errors translated outbound (of translatedOut)
    uint64_t icmpErrorsIn{0};      ///< ICMP errors translated inbound (of translatedIn)
    uint64_t fragmentsOut{0};      ///< non-first fragments translated outbound (of translatedOut)
    uint64_t fragmentsIn{0};       ///< non-first fragments translated inbound (of translatedIn)
    uint64_t mappingsCreated{0};   ///< mappings made (static ones included)
    uint64_t mappingsExpired{0};   ///< mappings expired
    uint64_t takeovers{0};         ///< other-protocol mappings taken over by another inside host
    uint64_t fragmentEvictions{0}; ///< fragment cache entries evicted because it was full
    uint64_t dropped{0};           ///< datagrams dropped (all reasons)
    uint64_t droppedNoMapping{0};  ///< of dropped: Ipv4Nat::NO_MAPPING
    uint64_t droppedFiltered{0};   ///< of dropped: Ipv4Nat::FILTERED
    uint64_t droppedPortsExhausted{0};     ///< of dropped: Ipv4Nat::PORTS_EXHAUSTED
    uint64_t droppedAddressesExhausted{0}; ///< of dropped: Ipv4Nat::ADDRESSES_EXHAUSTED
    uint64_t droppedTableFull{0};          ///< of dropped: Ipv4Nat::TABLE_FULL
    uint64_t droppedFragmentUnknown{0};    ///< of dropped: Ipv4Nat::FRAGMENT_UNKNOWN
    uint64_t droppedMalformed{0};          ///< of dropped: Ipv4Nat::MALFORMED
    uint64_t droppedUnsupported{0};        ///< of dropped: Ipv4Nat::UNSUPPORTED
};

/**
 * @ingroup ipsec
 * A NAT box: the translation state of one router node (IPv4 only).
 *
 * Aggregated to the router node by Ipv4NatHelper, which also wraps the
 * node's routing protocol in an Ipv4NatRouting that calls Inbound() for the
 * datagrams arriving on the outside interface and Outbound() for the
 * datagrams forwarded from an inside interface out of the outside one.
 */
class Ipv4Nat : public Object
{
  public:
    /// Translation mode.
    enum Mode
    {
        NAPT,        ///< address and port translation (one outside address)
        ADDRESS_ONLY ///< basic NAT: inside address <-> outside address from a pool
    };

    /// Inbound filtering behaviour (RFC 4787 section 5).
    enum Filtering
    {
        ENDPOINT_INDEPENDENT,      ///< any remote may use a mapping
        ADDRESS_DEPENDENT,         ///< only remote addresses the inside host sent to
        ADDRESS_AND_PORT_DEPENDENT ///< only remote address+port pairs the inside host sent to
    };

    /// How a port is chosen when the inside port cannot be kept.
    enum PortAllocation
    {
        SEQUENTIAL, ///< the next free port after the last one allocated
        RANDOM      ///< a free port from a random start (the node's random stream)
    };

    /// Why the NAT dropped a datagram.
    enum DropReason
    {
        NO_MAPPING,          ///< inbound (or an ICMP error) matches no mapping
        FILTERED,            ///< the mapping exists but the filtering refuses the remote
        PORTS_EXHAUSTED,     ///< no free port (or identifier) for a new mapping
        ADDRESSES_EXHAUSTED, ///< address-only mode: the pool is used up
        TABLE_FULL,          ///< MaxMappings reached
        FRAGMENT_UNKNOWN,    ///< a non-first fragment whose first fragment was not seen
        MALFORMED,           ///< a truncated or inconsistent header
        UNSUPPORTED          ///< an ICMP type the NAT does not translate
    };

    /// The direction of a translated datagram.
    enum Direction
    {
        OUTBOUND, ///< inside to outside (source translated)
        INBOUND   ///< outside to inside (destination translated)
    };

    /// What the NAT did with a datagram.
    enum Verdict
    {
        PASS,       ///< not the NAT's: routed as it is
        TRANSLATED, ///< rewritten: route the new header and packet
        DROPPED     ///< dropped, counted and traced
    };

    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    Ipv4Nat();
    ~Ipv4Nat() override;

    /**
     * Set the node's IPv4 (Ipv4NatHelper does it).
     * @param ipv4 the router's IPv4
     */
    void SetIpv4(Ptr<Ipv4> ipv4);
    /**
     * Set the outside interface (one).
     * @param interface the IPv4 interface index
     */
    void SetOutsideInterface(uint32_t interface);
    /**
     * Add an inside interface.
     * @param interface the IPv4 interface index
     */
    void AddInsideInterface(uint32_t interface);
    /**
     * Whether an interface is the outside one.
     * @param interface an IPv4 interface index
     * @return whether it is the outside interface
     */
    bool IsOutsideInterface(uint32_t interface) const;
    /**
     * Whether an interface is an inside one.
     * @param interface an IPv4 interface index
     * @return whether it is an inside interface
     */
    bool IsInsideInterface(uint32_t interface) const;
    /**
     * The outside interface's index.
     * @return the index (UINT32_MAX when unset)
     */
    uint32_t GetOutsideInterface() const;
    /**
     * Set the NAPT outside address (default: the outside interface's first address).
     * @param address the address
     */
    void SetOutsideAddress(Ipv4Address address);
    /**
     * The NAPT outside address.
     * @return the address set, else the outside interface's first address
     */
    Ipv4Address GetOutsideAddress() const;
    /**
     * Add an address to the address-only mode's pool.
     * @param address an outside address (routed to this node by the outside)
     */
    void AddPoolAddress(Ipv4Address address);

    /**
     * Add a static NAPT mapping (a port forward): datagrams of the protocol to
     * the outside address's port go to the inside endpoint, from any remote;
     * the inside endpoint's outbound datagrams leave from that port.
     * @param protocol 6 (TCP) or 17 (UDP)
     * @param outsidePort the outside port
     * @param insideAddress the inside host
     * @param insidePort its port
     * @return false if the outside port or inside endpoint is taken, the
     *         protocol is neither, or the table is full
     */
    bool AddStaticPortMapping(uint8_t protocol,
                              uint16_t outsidePort,
                              Ipv4Address insideAddress,
                              uint16_t insidePort);
    /**
     * Add a static address-only mapping (address-only mode).
     * @param insideAddress the inside host
     * @param outsideAddress its outside address (need not be in the pool)
     * @return false if either address is taken or the table is full
     */
    bool AddStaticAddressMapping(Ipv4Address insideAddress, Ipv4Address outsideAddress);

    /**
     * Translate a datagram that arrived on the outside interface.
     * @param packet the payload (after the IPv4 header); replaced when translated
     * @param header the IPv4 header; rewritten when translated
     * @return what to do with it
     */
    Verdict Inbound(Ptr<const Packet>& packet, Ipv4Header& header);
    /**
     * Translate a datagram forwarded from an inside interface out of the
     * outside one.
     * @param packet the payload (after the IPv4 header); replaced when translated
     * @param header the IPv4 header; rewritten when translated
     * @return what to do with it
     */
    Verdict Outbound(Ptr<const Packet>& packet, Ipv4Header& header);

    /**
     * The counters.
     * @return them
     */
    const Ipv4NatStats& GetStats() const;
    /**
     * The number of mappings (static ones included).
     * @return it
     */
    uint32_t GetMappingCount() const;
    /**
     * The mappings: NAPT ones by (protocol, inside endpoint), then other-protocol
     * ones, then address-only ones.
     * @return copies of them (without their timers)
     */
    std::vector<Ipv4NatMapping> GetMappings() const;
    /**
     * Print the mapping table, one line a mapping, in the manner of NetBSD's
     * `ipnat -l`: `MAP` (dynamic) or `RDR` (static) or `BIMAP` (address
     * only), the protocol, the inside endpoint, `<- ->`, the outside
     * endpoint, the remote in brackets and the seconds left.
     * @param os the stream
     */
    void Print(std::ostream& os) const;
    /**
     * Use fixed random streams.
     * @param stream the first stream index
     * @return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);
    /**
     * The name of a drop reason.
     * @param reason a drop reason
     * @return its name (e.g. "NO_MAPPING")
     */
    static const char* DropReasonName(DropReason reason);

    /**
     * TracedCallback signature of MappingCreated and MappingExpired.
     * @param mapping the mapping
     */
    typedef void (*MappingTracedCallback)(const Ipv4NatMapping& mapping);
    /**
     * TracedCallback signature of Translated.
     * @param packet the translated payload
     * @param header the translated IPv4 header
     * @param direction the direction
     */
    typedef void (*TranslatedTracedCallback)(Ptr<const Packet> packet,
                                             const Ipv4Header& header,
                                             Direction direction);
    /**
     * TracedCallback signature of Drop.
     * @param packet the payload dropped
     * @param header its IPv4 header
     * @param reason why
     */
    typedef void (*DropTracedCallback)(Ptr<const Packet> packet,
                                       const Ipv4Header& header,
                                       DropReason reason);

  protected:
    void DoDispose() override;

  private:
    /// A mapping held by the table.
    using MappingPtr = std::shared_ptr<Ipv4NatMapping>;
    /// (protocol, address, port) of one side of a mapping.
    using EndpointKey = std::tuple<uint8_t, uint32_t, uint16_t>;
    /// (source, destination, identification, protocol) of a fragmented datagram.
    using FragmentKey = std::tuple<uint32_t, uint32_t, uint16_t, uint8_t>;

    /// What the fragment cache knows of a fragmented datagram.
    struct FragmentEntry
    {
        bool local{false};          ///< inbound, not translated (the router's own)
        Ipv4Address newSource;      ///< the source to write
        Ipv4Address newDestination; ///< the destination to write
        Time expires;               ///< when the entry is forgotten
    };

    /// Cancel every mapping's expiry event.
    void CancelTimers();
    /// The timeout of a mapping in its state.
    Time TimeoutOf(const Ipv4NatMapping& m, uint8_t protocol) const;
    /// Refresh a mapping: move its deadline (later only if extend) and make
    /// sure its timer fires by then.
    void Refresh(const MappingPtr& m, uint8_t protocol, bool extend);
    /// The expiry event of a mapping.
    void TimerFired(std::weak_ptr<Ipv4NatMapping> w);
    /// Remove a mapping from the table (no trace).
    void Unlink(const MappingPtr& m);
    /// Add a mapping to the table and fire MappingCreated.
    void Link(const MappingPtr& m);
    /// A mapping made now and linked; a dynamic one is due for its first
    /// refresh now, a static one never expires.
    MappingPtr NewMapping(uint8_t protocol,
                          Ipv4Address inside,
                          uint16_t insidePort,
                          Ipv4Address outside,
                          uint16_t outsidePort,
                          bool isStatic,
                          Ipv4Address remote = Ipv4Address());
    /// Count and trace a drop; returns DROPPED.
    Verdict Drop(Ptr<const Packet> p, const Ipv4Header& h, DropReason reason);
    /// Choose an outside port for a new NAPT mapping (0: none free).
    uint16_t AllocatePort(uint8_t protocol, uint16_t wanted);
    /// Whether an outside port is in the port range (ICMP identifiers: any).
    bool InRange(uint8_t protocol, uint16_t port) const;
    /// The NAPT mapping of an inside endpoint, made if absent (status in *reason).
    MappingPtr OutboundMapping(
        uint8_t protocol, Ipv4Address inside, uint16_t port, DropReason* reason, bool* failed);
    /// The address-only mapping of an inside address, made if absent.
    MappingPtr AddressMapping(Ipv4Address inside, DropReason* reason, bool* failed);
    /// Whether filtering lets a remote use a mapping.
    bool Permitted(const Ipv4NatMapping& m, Ipv4Address remote, uint16_t port) const;
    /// Remember a remote the inside host sent to (bounded).
    void Permit(Ipv4NatMapping& m, Ipv4Address remote, uint16_t port);
    /// The fragment cache's entry of a datagram, if any (expired ones removed).
    const FragmentEntry* FindFragment(const FragmentKey& key);
    /// Remember a fragmented datagram's translation (bounded, oldest evicted).
    void RememberFragment(const FragmentKey& key, const FragmentEntry& entry);
    /// Whether an address is one the NAT answers for on the outside.
    bool IsNatAddress(Ipv4Address a) const;
    /// Build the translated packet from rewritten leading bytes.
    static Ptr<const Packet> Rebuild(Ptr<const Packet> p, const std::vector<uint8_t>& head);
    /// Finish a translation: counters, trace.
    Verdict Translated(Ptr<const Packet> p, const Ipv4Header& h, Direction d);
    /// Translate an ICMP error's quoted datagram (both directions).
    Verdict TranslateIcmpError(Ptr<const Packet>& packet,
                               Ipv4Header& header,
                               std::vector<uint8_t>& b,
                               Direction d);
    /// Inbound, NAPT mode, first fragment or whole datagram.
    Verdict InboundNapt(Ptr<const Packet>& packet, Ipv4Header& header);
    /// Outbound, NAPT mode, first fragment or whole datagram.
    Verdict OutboundNapt(Ptr<const Packet>& packet, Ipv4Header& header);
    /// Address-only mode, both directions.
    Verdict AddressOnly(Ptr<const Packet>& packet, Ipv4Header& header, Direction d);
    /// TCP state tracking of a segment's flags.
    void TrackTcp(Ipv4NatMapping& m, uint8_t flags, Direction d);

    Ptr<Ipv4> m_ipv4;               ///< the router's IPv4
    uint32_t m_outside{UINT32_MAX}; ///< the outside interface
    std::set<uint32_t> m_inside;    ///< the inside interfaces
    Ipv4Address m_outsideAddress{
        Ipv4Address::GetAny()};      ///< the NAPT outside address (any: the interface's)
    std::vector<Ipv4Address> m_pool; ///< the address-only pool

    Mode m_mode{NAPT};                                 ///< Mode attribute
    Filtering m_filtering{ADDRESS_AND_PORT_DEPENDENT}; ///< Filtering attribute
    bool m_portPreservation{true};                     ///< PortPreservation attribute
    PortAllocation m_allocation{SEQUENTIAL};           ///< PortAllocation attribute
    uint16_t m_portMin{1024};                          ///< PortMin attribute
    uint16_t m_portMax{65535};                         ///< PortMax attribute
    Time m_udpTimeout;                                 ///< UdpTimeout attribute
    Time m_tcpEstablishedTimeout;                      ///< TcpEstablishedTimeout attribute
    Time m_tcpTransitoryTimeout;                       ///< TcpTransitoryTimeout attribute
    Time m_icmpTimeout;                                ///< IcmpTimeout attribute
    Time m_otherTimeout;                               ///< OtherTimeout attribute
    bool m_inboundRefresh{false};                      ///< InboundRefresh attribute
    uint32_t m_maxMappings{65536};                     ///< MaxMappings attribute
    uint32_t m_maxRemotes{64};                         ///< MaxRemotesPerMapping attribute
    uint32_t m_maxFragments{256};                      ///< MaxFragmentEntries attribute
    Time m_fragmentTimeout;                            ///< FragmentTimeout attribute

    std::map<EndpointKey, MappingPtr> m_byInside;  ///< NAPT: (proto, inside addr, port)
    std::map<EndpointKey, MappingPtr> m_byOutside; ///< NAPT: (proto, outside addr, port)
    std::map<std::pair<uint8_t, uint32_t>, MappingPtr> m_other; ///< (proto, remote) -> mapping
    std::map<uint32_t, MappingPtr> m_addrByInside;              ///< address-only: inside -> mapping
    std::map<uint32_t, MappingPtr> m_addrByOutside;   ///< address-only: outside -> mapping
    std::map<uint8_t, uint16_t> m_nextPort;           ///< sequential allocation cursor per protocol
    std::map<FragmentKey, FragmentEntry> m_fragments; ///< the fragment cache
    std::deque<FragmentKey> m_fragmentOrder;          ///< its insertion order (eviction)
    Ptr<UniformRandomVariable> m_rng;                 ///< port allocation's random stream
    Ipv4NatStats m_stats;                             ///< the counters

    TracedCallback<const Ipv4NatMapping&> m_mappingCreated; ///< MappingCreated
    TracedCallback<const Ipv4NatMapping&> m_mappingExpired; ///< MappingExpired
    TracedCallback<Ptr<const Packet>, const Ipv4Header&, Direction> m_translated; ///< Translated
    TracedCallback<Ptr<const Packet>, const Ipv4Header&, DropReason> m_drop;      ///< Drop
};

} // namespace ns3

#endif /* IPV4_NAT_H */
