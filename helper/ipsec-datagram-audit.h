/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IpsecDatagramAudit: a "no silent loss" auditor of UDP datagrams, for any
 * topology (see the class).
 */
#ifndef IPSEC_DATAGRAM_AUDIT_H
#define IPSEC_DATAGRAM_AUDIT_H

#include "ns3/address.h"
#include "ns3/node-container.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/tag.h"

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-helpers
 * The packet tag of a datagram IpsecDatagramAudit sends: the audit's key
 * (which audit) and the datagram's id.
 */
class IpsecDatagramAuditTag : public Tag
{
  public:
    /**
     * @brief Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    /// @return the object TypeId
    TypeId GetInstanceTypeId() const override;
    /// @return 12 (the key and the id)
    uint32_t GetSerializedSize() const override;
    /// @param i where the key and the id are written
    void Serialize(TagBuffer i) const override;
    /// @param i where the key and the id are read
    void Deserialize(TagBuffer i) override;
    /// @param os where `audited datagram ID` is written
    void Print(std::ostream& os) const override;

    /// A tag of no audit (key and id 0).
    IpsecDatagramAuditTag();
    /**
     * A tag of one audited datagram.
     * @param audit the key of the audit that sends the datagram
     * @param id the datagram's id in that audit
     */
    IpsecDatagramAuditTag(uint64_t audit, uint32_t id);

    /**
     * Which audit sent the datagram.
     * @return the key of the audit that sent the datagram
     */
    uint64_t GetAudit() const;
    /**
     * Which datagram of that audit it is.
     * @return the datagram's id
     */
    uint32_t GetId() const;

  private:
    uint64_t m_audit; ///< the audit's key (0: none)
    uint32_t m_id;    ///< the datagram's id (0: none)
};

/**
 * @ingroup ipsec-helpers
 * A "no silent loss" auditor of UDP datagrams, for any topology
 * (IpsecVpnHelper, IpsecHostToHostHelper or a user's own).
 *
 * It sends audited UDP datagrams and gives each one a verdict at the end:
 *
 *   DELIVERED      delivered exactly once, byte for byte, on a node that owns
 *                  the destination address;
 *   CORRUPTED      delivered with another size or other bytes, more than
 *                  once, or on a node that does not own the destination;
 *   DROPPED        not delivered, and at least one drop point of a watched
 *                  node reported a piece of it (the report names the node,
 *                  the trace and the counter/reason);
 *   SILENTLY_LOST  not delivered, and no drop point said anything about it.
 *
 * Ok() is true when no datagram is CORRUPTED or SILENTLY_LOST and nothing
 * unidentifiable arrived on the audited ports (a "stray" delivery: bytes
 * that carry neither the audit's text nor its tag are the remains of some
 * datagram).
 *
 * Usage (after the topology, its addresses and routes are built):
 *
 * @code
 *   IpsecDatagramAudit audit;
 *   audit.Watch(nodes);                 // connect to the drop points
 *   audit.Listen(receiver, 9);          // IPv4 and IPv6 UDP port 9
 *   audit.Send(sender, Inet6SocketAddress(dst, 9), 3000, Seconds(2));
 *   Simulator::Run();
 *   if (!audit.Ok()) audit.Print(std::cout);
 * @endcode
 *
 * The results live in the audit: keep it until they are read (the report
 * names nodes, so print it before Simulator::Destroy()).  The callbacks it
 * connects hold only a weak reference to its state: destroying the audit
 * while the simulation still runs is safe (it just stops recording).
 * Copies of an IpsecDatagramAudit share one state.
 *
 * Identification.  Datagram ids are per audit, from 1.  Every datagram
 * carries its id twice:
 *   - in its bytes: the payload is the repeated 32-byte line
 *     "ipsec-audit IIIIIIII @OOOOOOOO.\n" (id and the line's offset in hex),
 *     cut to the payload size: deterministic, a function of the id and the
 *     offset (so bytes moved to another offset are detected), and
 *     compressible (deflate shrinks it about fivefold, so IPComp compresses
 *     it).  A receiver reads the id from the first 20 bytes;
 *   - as an IpsecDatagramAuditTag packet tag (ns-3 keeps packet tags on
 *     fragments, reassembly keeps the first fragment's, and the IPsec model
 *     copies them onto the packets it produces), so a drop of a fragment or
 *     of an encrypted packet is attributed to its datagram, and datagrams
 *     shorter than 20 bytes are still identified on delivery.
 *
 * Drop points connected by Watch(), per node (node-scoped connections only;
 * nothing of nodes that are not watched is touched):
 *   - IpsecStack "Drop" (counter and reason of the IPsec model);
 *   - Ipv4L3Protocol and Ipv6L3Protocol "Drop" (their DropReason);
 *   - ArpL3Protocol "Drop" (ARP's pending queue full);
 *   - every device's MacTxDrop, MacRxDrop, PhyTxDrop and PhyRxDrop trace
 *     when it has one with the Packet::TracedCallback signature (point to
 *     point, CSMA, and others that follow that convention), the "Drop"
 *     trace of the queue in its "TxQueue" attribute, and the
 *     DropBeforeEnqueue/DropAfterDequeue traces (with their reason) of the
 *     root queue disc on it, if a TrafficControlLayer is installed;
 *   - the audit's own receiving sockets' "Drop" trace (buffer overflow).
 * Watch() connects to what exists when it is called: call it after the
 * topology is complete (queue discs installed, addresses assigned).
 *
 * Attribution rules (what counts as a drop of datagram N):
 *   - the dropped packet carries this audit's tag for datagram N;
 *   - except ICMP and ICMPv6 error messages: ns-3's ICMPv6 errors (Packet
 *     Too Big, Time Exceeded, Parameter Problem, Destination Unreachable)
 *     are built from a copy of the offending packet and so carry its tags.
 *     The drop of such an error is not the datagram's drop: it is counted
 *     in the summary (icmpErrorDrops) and not attributed.  An error message
 *     is recognised from the IP header when the trace gives it (L3 and
 *     queue-disc traces), read from the frame (point-to-point PPP, CSMA
 *     Ethernet II and LLC/SNAP, and the queues of those devices), and, for
 *     the IPsec Drop trace, whose packet may start at the IP header or at
 *     the upper-layer header, from either form (an IP header saying
 *     ICMP/ICMPv6 with an error type, or an ICMP error header followed by a
 *     quoted IP header).  Limitation: an error message that IPsec has
 *     already encrypted cannot be recognised; its drop is attributed;
 *   - a reassembly timeout (DROP_FRAGMENT_TIMEOUT) is a consequence, not a
 *     cause: it is listed with the datagram, but a datagram whose only drop
 *     events are reassembly timeouts lost a fragment without a trace and is
 *     SILENTLY_LOST;
 *   - drops of untagged packets from the first send on are counted
 *     (untaggedDrops) and listed in the report (they may be audited
 *     datagrams whose tags a model lost; earlier ones, such as neighbour
 *     discovery at start-up, cannot be).
 *
 * A datagram not yet delivered when the verdict is asked (simulation stopped
 * too early, or never sent because the simulation ended before its send
 * time) is SILENTLY_LOST; its report line says "never sent" in the latter
 * case.  A send the socket refused (SendTo returned -1) is DROPPED with the
 * socket's errno as reason.  Deterministic: no random numbers, no wall
 * clock; the only per-instance value is the key in the tag that tells this
 * audit's datagrams from another audit's.
 */
class IpsecDatagramAudit
{
  public:
    /// What became of a datagram (see the class).
    enum class Verdict
    {
        DELIVERED,     ///< delivered exactly once, intact, on a node owning the destination
        CORRUPTED,     ///< delivered altered, more than once, or on the wrong node
        DROPPED,       ///< not delivered; a drop point of a watched node reported it
        SILENTLY_LOST, ///< not delivered, and no drop point said anything about it
    };

    /// One report of a drop point about a packet.
    struct DropEvent
    {
        Time time;                 ///< when
        uint32_t node{0};          ///< the node's id
        std::string trace;         ///< e.g. "IpsecStack Drop", "device 1 PhyRxDrop"
        std::string counter;       ///< KAME counter, ns-3 DropReason or trace name
        std::string reason;        ///< free text ("" when the trace gives none)
        bool consequential{false}; ///< a reassembly timeout
    };

    /// One arrival on an audited socket.
    struct Delivery
    {
        Time time;           ///< when
        uint32_t node{0};    ///< the receiving node's id
        uint32_t size{0};    ///< UDP payload bytes received
        bool intact{false};  ///< the exact bytes, on a node owning the destination
        std::string problem; ///< what was wrong when not intact
    };

    /// Everything known about one datagram.
    struct Record
    {
        uint32_t id{0};                   ///< the datagram's id (from 1)
        uint32_t from{0};                 ///< sending node id
        Address to;                       ///< InetSocketAddress or Inet6SocketAddress
        uint32_t size{0};                 ///< UDP payload bytes
        Time sendTime;                    ///< when it is sent
        bool sent{false};                 ///< the send event ran
        int sendErrno{0};                 ///< SendTo failed with this Socket::SocketErrno (0: ok)
        std::vector<Delivery> deliveries; ///< its arrivals, in order
        std::vector<DropEvent> drops;     ///< the drop points' reports about it, in order
    };

    /// Counts over all datagrams of the audit.
    struct Summary
    {
        uint32_t datagrams{0};      ///< datagrams sent (or to be sent)
        uint32_t delivered{0};      ///< DELIVERED
        uint32_t corrupted{0};      ///< CORRUPTED
        uint32_t dropped{0};        ///< DROPPED
        uint32_t silentlyLost{0};   ///< SILENTLY_LOST
        uint32_t strays{0};         ///< unidentifiable arrivals on audited ports
        uint32_t icmpErrorDrops{0}; ///< dropped ICMP errors quoting audited datagrams
        uint32_t untaggedDrops{0};  ///< drops of packets without this audit's tag
    };

    IpsecDatagramAudit();

    /**
     * Connects to the drop points of every node of @p nodes (see the class).
     * @param nodes the nodes to watch
     */
    void Watch(NodeContainer nodes);
    /**
     * Connects to the drop points of @p node (see the class).
     * @param node the node to watch
     */
    void Watch(Ptr<Node> node);

    /**
     * Receives audited datagrams on UDP port @p port of @p node (IPv4 and IPv6).
     * @param node the receiving node
     * @param port the UDP port
     */
    void Listen(Ptr<Node> node, uint16_t port);

    /**
     * Sends one audited UDP datagram of @p payloadSize bytes from @p from to
     * @p to (an InetSocketAddress or Inet6SocketAddress) at simulated time
     * @p at (now if already past), from an ephemeral port of a socket the
     * audit keeps per node and family.
     * @param from the sending node
     * @param to the destination
     * @param payloadSize the UDP payload's size in bytes
     * @param at when to send it
     * @return the datagram's id
     */
    uint32_t Send(Ptr<Node> from, const Address& to, uint32_t payloadSize, Time at);

    /**
     * The payload of a datagram (see the class).
     * @param id the datagram's id
     * @param size the payload's size in bytes
     * @return the payload
     */
    static std::vector<uint8_t> Payload(uint32_t id, uint32_t size);
    /**
     * The datagram id a payload carries in its first line
     * ("ipsec-audit IIIIIIII", the first 20 bytes).
     * @param data the first bytes of a payload
     * @param size how many bytes @p data holds
     * @return the id in @p data, or 0 if they are not the audit's
     */
    static uint32_t ReadId(const uint8_t* data, uint32_t size);

    /**
     * The verdict of one datagram (see the class), from what was recorded
     * so far.
     * @param id a datagram's id
     * @return the datagram's verdict as of now
     */
    Verdict GetVerdict(uint32_t id) const;
    /**
     * What was recorded about one datagram.
     * @param id a datagram's id (ids run from 1 to GetRecords().size())
     * @return everything known about the datagram
     */
    const Record& GetRecord(uint32_t id) const;
    /**
     * What was recorded about every datagram.
     * @return the records of every datagram, by id
     */
    std::vector<Record> GetRecords() const;
    /**
     * The arrivals on audited ports that carry neither the audit's text nor
     * its tag.
     * @return the arrivals that could not be identified
     */
    std::vector<Delivery> GetStrays() const;
    /**
     * The drops of packets without this audit's tag, from the first send
     * on.
     * @return the drops of untagged packets on watched nodes
     */
    std::vector<DropEvent> GetUntaggedDrops() const;
    /**
     * The counts of the verdicts and of the other findings.
     * @return the counts over all datagrams
     */
    Summary GetSummary() const;

    /**
     * Whether nothing was lost silently or corrupted.
     * @return true when no datagram is CORRUPTED or SILENTLY_LOST and no
     *         stray arrived
     */
    bool Ok() const;

    /**
     * Writes a one-line summary, then one line per datagram that is not
     * DELIVERED, per stray arrival, and (at most 20) untagged drops.
     * @param os the stream
     */
    void Print(std::ostream& os) const;
    /**
     * The report Print writes, as a string.
     * @return what Print writes
     */
    std::string Report() const;
    /**
     * The report line of one datagram: its size, ends, verdict and the
     * drops or deliveries behind it.
     * @param id a datagram's id
     * @return its line ("datagram 5 (1400 bytes, node 2 -> ...): DROPPED: ...")
     */
    std::string Describe(uint32_t id) const;

    /**
     * The name of a verdict, as the report prints it.
     * @param v a verdict
     * @return its name ("DELIVERED", ...)
     */
    static std::string VerdictName(Verdict v);

  private:
    struct State;                   ///< the records, sockets and connections
    std::shared_ptr<State> m_state; ///< shared by copies, weakly held by the callbacks
};

/**
 * @ingroup ipsec-helpers
 * Writes the verdict's name.
 * @param os the stream
 * @param v the verdict
 * @return @p os
 */
std::ostream& operator<<(std::ostream& os, IpsecDatagramAudit::Verdict v);

} // namespace ns3

#endif /* IPSEC_DATAGRAM_AUDIT_H */
