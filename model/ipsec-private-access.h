/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The private members of Debian's prebuilt ns-3.37 that the IPsec glue
 * touches, for want of a public API, and how (doc/ipsec.rst, "ns-3
 * internals", says what breaks on another ns-3 version):
 *
 *   member                                   access  why
 *   Ipv4L3Protocol::m_identification         read    AH's ICV covers the id Send will give
 *                                            write   the id of a header IPsec builds itself
 *                                                    (the same counter, advanced once)
 *   Ipv4L3Protocol::m_defaultTtl,            read    TTL/hop limit of a datagram IPsec
 *   Ipv6L3Protocol::m_defaultTtl                     protects, without an attribute lookup
 *   Ipv4L3Protocol::m_sendOutgoingTrace,     call    fired with the plaintext datagram, so
 *   Ipv6L3Protocol::m_sendOutgoingTrace              FlowMonitor still classifies the flow
 *   Ipv4L3Protocol::m_sockets,               read    whether a raw socket is still open
 *   Ipv6L3Protocol::m_sockets                        (per-socket policies)
 *   UdpL4Protocol/TcpL4Protocol::            read    the socket a segment goes to: KAME
 *     m_endPoints, m_endPoints6                      checks UDP/TCP policy only then
 *   TcpL4Protocol::m_sockets,                read    the TCP socket of a connection, and
 *   TcpSocketBase::m_tcb                     write   its segment size lowered by the IPsec
 *                                                    overhead after CLOSED (tcp_mss)
 *   TcpSocketBase::m_endPoint, m_endPoint6,  read    the socket of an end point, whether it
 *     m_state, TcpSocketBase::m_tcb                  is synchronized and what it has left to
 *                                                    send (the zero-window guard of
 *                                                    ipsec-tcp-guard.h)
 *   Ipv4L3Protocol::m_rxTrace,               call    a transport-mode payload delivered as
 *   Ipv4L3Protocol::LocalDeliver                     Receive would after its checks (the Rx
 *                                                    trace, raw sockets, LocalDeliver), without
 *                                                    a second pass through IPv4 input
 *   Socket::m_boundnetdevice                 write   keeps a raw socket whose inbound
 *                                                    policy rejects a datagram from ns-3's
 *                                                    raw delivery (restored right after)
 *   Ipv4EndPointDemux::m_endPoints,          read    walked once per segment, as Lookup
 *     Ipv6EndPointDemux::m_endPoints                 does, without building its lists
 *   Packet::m_packetTagList                  write   a transform's new packet shares its
 *                                                    input's packet tags (copy on write)
 *   Ipv6L3Protocol::m_pmtuCache              read    the path MTU ns-3 learned for a
 *                                                    destination (FragmentBeforeTunnel)
 *
 * The standard allows naming a private member in an explicit template
 * instantiation; the instantiation stores the member pointer where a friend
 * function can return it.  The layout comes from the very headers the
 * library was built with: a renamed or retyped member is a compile error,
 * not a silent misread.
 */
#ifndef IPSEC_PRIVATE_ACCESS_H
#define IPSEC_PRIVATE_ACCESS_H

#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/socket.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/udp-l4-protocol.h"

namespace ns3
{

/**
 * @ingroup ipsec-glue
 * The identification Ipv4L3Protocol::Send will give the next datagram of
 * (src, dst, protocol), read from Ipv4L3Protocol::m_identification without
 * advancing it: AH's ICV (RFC 4302 section 3.3.3.1.1.1) covers the header
 * Send is about to build.
 * @param l3 the node's IPv4
 * @param src the datagram's source
 * @param dst the datagram's destination
 * @param protocol the IPv4 header's protocol
 * @return the next identification of that flow (0 before its first datagram)
 */
uint16_t IpsecPeekIpv4Identification(const Ipv4L3Protocol& l3,
                                     Ipv4Address src,
                                     Ipv4Address dst,
                                     uint8_t protocol);

/**
 * @ingroup ipsec-glue
 * Takes the identification for an IPv4 header IPsec builds itself (a
 * tunnel's outer header), as Ipv4L3Protocol::BuildHeader would, advancing
 * the same per-(src, dst, protocol) counter.
 * @param l3 the node's IPv4
 * @param src the header's source
 * @param dst the header's destination
 * @param protocol the header's protocol
 * @return the identification to write; the counter is one past it
 */
uint16_t IpsecNextIpv4Identification(Ipv4L3Protocol& l3,
                                     Ipv4Address src,
                                     Ipv4Address dst,
                                     uint8_t protocol);

/**
 * @ingroup ipsec-glue
 * The DefaultTtl attribute's value of an IPv4, read without an attribute
 * lookup per packet: the TTL the IPsec output path gives a datagram it
 * protects when no SocketIpTtlTag sets one, as Ipv4L3Protocol::Send would.
 * @param l3 the node's IPv4
 * @return its default TTL
 */
uint8_t IpsecDefaultTtl(const Ipv4L3Protocol& l3);
/**
 * @ingroup ipsec-glue
 * The DefaultTtl attribute's value of an IPv6, read without an attribute
 * lookup per packet: the hop limit the IPsec output path gives a datagram
 * it protects when no SocketIpv6HopLimitTag sets one, as
 * Ipv6L3Protocol::Send would.
 * @param l3 the node's IPv6
 * @return its default hop limit
 */
uint8_t IpsecDefaultTtl(const Ipv6L3Protocol& l3);

/**
 * @ingroup ipsec-glue
 * The path MTU Ipv6L3Protocol's PMTU cache holds for @p dst: what Packet Too
 * Big messages taught the node, for as long as the cache keeps it.
 * @param l3 the node's IPv6
 * @param dst the destination
 * @return the path MTU, or 0 when the cache has none for @p dst
 */
uint32_t IpsecLearnedIpv6Pmtu(Ipv6L3Protocol& l3, Ipv6Address dst);

/**
 * @ingroup ipsec-glue
 * Gives @p to the packet tags of @p from, replacing its own: the tag list is
 * shared until either packet changes it (PacketTagList copies on write), so
 * this costs no tag copy, where re-adding each tag through its TypeId's
 * constructor cost about 700 instructions a tag.
 * @param from the packet whose tags are taken
 * @param to the packet that gets them
 */
void IpsecSharePacketTags(const Packet& from, Packet& to);

/**
 * @ingroup ipsec-glue
 * Fires Ipv4L3Protocol's SendOutgoing trace with the plaintext datagram, so
 * that FlowMonitor classifies the flow by its inner header before IPsec
 * hides it.
 * @param l3 the node's IPv4
 * @param header the plaintext datagram's IPv4 header
 * @param packet its payload
 * @param interface the outgoing interface's index
 */
void IpsecFireSendOutgoing(Ipv4L3Protocol& l3,
                           const Ipv4Header& header,
                           Ptr<const Packet> packet,
                           uint32_t interface);

/**
 * @ingroup ipsec-glue
 * Fires Ipv6L3Protocol's SendOutgoing trace with the plaintext datagram, as
 * the IPv4 overload.
 * @param l3 the node's IPv6
 * @param header the plaintext datagram's IPv6 header
 * @param packet its payload
 * @param interface the outgoing interface's index
 */
void IpsecFireSendOutgoing(Ipv6L3Protocol& l3,
                           const Ipv6Header& header,
                           Ptr<const Packet> packet,
                           uint32_t interface);

/**
 * @ingroup ipsec-glue
 * The socket end point a UDP or TCP segment from @p src:@p sport to
 * @p dst:@p dport would be delivered to (nullptr when there is none), read
 * from the protocol's private end-point demultiplexer.  KAME checks the
 * inbound policy of UDP/TCP only when a socket is found (in_pcblookup in
 * udp4_input and tcp_input comes first).
 * @tparam L4 UdpL4Protocol or TcpL4Protocol
 * @tparam Addr Ipv4Address or Ipv6Address
 * @tparam Iface Ipv4Interface or Ipv6Interface (of Addr's family)
 * @param l4 the receiving protocol
 * @param dst the segment's destination address
 * @param dport its destination port
 * @param src its source address
 * @param sport its source port
 * @param iface the interface it arrived on
 * @return the first end point of the demultiplexer's lookup (an
 *         Ipv4EndPoint or Ipv6EndPoint, as an identity only), or nullptr;
 *         found by walking its end points once as Ipv4EndPointDemux::Lookup
 *         and Ipv6EndPointDemux::Lookup do, without building their lists
 */
template <typename L4, typename Addr, typename Iface>
const void* IpsecFindEndPoint(
    L4& l4, Addr dst, uint16_t dport, Addr src, uint16_t sport, Ptr<Iface> iface);
// Instantiated for UdpL4Protocol and TcpL4Protocol, IPv4 and IPv6.

/**
 * @ingroup ipsec-glue
 * Lowers the segment size of the TCP socket of @p tcp bound to @p local and
 * connected to @p peer to at most @p limit bytes (TcpSocketState's
 * m_segmentSize and the transmit buffer's), even after it left the CLOSED
 * state, where TcpSocket::SetSegSize refuses (KAME's tcp_mss subtracts
 * ipsec_hdrsiz from the MSS the same way).  A smaller segment size is kept.
 * @param tcp the node's TCP
 * @param local the socket's own address and port (GetSockName)
 * @param peer its peer's address and port (GetPeerName)
 * @param limit the largest segment size in bytes
 * @return the socket's segment size afterwards, or 0 when no such socket
 *         exists
 */
uint32_t IpsecLowerTcpSegmentSize(TcpL4Protocol& tcp,
                                  const Address& local,
                                  const Address& peer,
                                  uint32_t limit);

/**
 * @ingroup ipsec-glue
 * Whether a segment advertising a zero window to the TCP socket of end
 * point @p endPoint would leave ns-3 3.37's persist timer nothing to probe
 * with: TcpSocketBase::DoForwardUp arms it whenever the peer's window is 0,
 * and PersistTimeout dereferences the transmit buffer's segment at the next
 * sequence to send, which is null when the socket has no byte left to send
 * there.  True when the socket is not synchronized yet (LISTEN, SYN_SENT,
 * SYN_RCVD: it sends no data before ESTABLISHED), when it has no byte from
 * the next sequence to send on (from @p ack when the segment acknowledges
 * beyond it), or when no socket has that end point.
 * @param tcp the node's TCP
 * @param endPoint the end point IpsecFindEndPoint returned for the segment
 * @param v6 whether it is an Ipv6EndPoint (else an Ipv4EndPoint)
 * @param hasAck whether the segment carries an acknowledgment number
 * @param ack the segment's acknowledgment number
 * @return true when a zero window must not reach the socket
 */
bool IpsecTcpIdleAtZeroWindow(
    TcpL4Protocol& tcp, const void* endPoint, bool v6, bool hasAck, uint32_t ack);

/**
 * @ingroup ipsec-glue
 * Delivers an IPv4 datagram that came in on interface @p iif to this node
 * as Ipv4L3Protocol::Receive does once the datagram has passed its checks
 * and the routing protocol has chosen local delivery: the Rx trace (with
 * the whole datagram, when it has sinks), a copy to every raw socket
 * (Ipv4RawSocketImpl::ForwardUp picks its own), then LocalDeliver (the
 * LocalDeliver trace, reassembly, the upper-layer protocol, port
 * unreachable).  The caller makes sure that the interface is up and that
 * the list routing would deliver the datagram locally (a unicast or
 * broadcast destination of the node).
 * @param l3 the node's IPv4
 * @param payload the datagram's payload
 * @param header its IPv4 header
 * @param iif the interface it came in on
 */
void IpsecIpv4DeliverLocally(Ipv4L3Protocol& l3,
                             Ptr<Packet> payload,
                             const Ipv4Header& header,
                             uint32_t iif);

/**
 * @ingroup ipsec-glue
 * Whether the TCP socket of end point @p endPoint is in SYN_SENT (it sent a
 * SYN and has had no answer).
 * @param tcp the node's TCP
 * @param endPoint the end point IpsecFindEndPoint returned for a segment
 * @param v6 whether it is an Ipv6EndPoint (else an Ipv4EndPoint)
 * @return true when such a socket is in SYN_SENT
 */
bool IpsecTcpInSynSent(TcpL4Protocol& tcp, const void* endPoint, bool v6);

/**
 * @ingroup ipsec-glue
 * Whether @p socket is one of the open raw sockets of @p l3 (ns-3 removes a
 * raw socket from its L3's list when it is closed).
 * @param l3 the node's IPv4
 * @param socket the socket (compared by identity; never dereferenced)
 * @return true while it is open
 */
bool IpsecIsOpenRawSocket(const Ipv4L3Protocol& l3, const Socket* socket);
/**
 * @ingroup ipsec-glue
 * Whether @p socket is one of the open raw sockets of @p l3, as the IPv4
 * overload.
 * @param l3 the node's IPv6
 * @param socket the socket (compared by identity, as its most derived
 *        object)
 * @return true while it is open
 */
bool IpsecIsOpenRawSocket(const Ipv6L3Protocol& l3, const Socket* socket);

/**
 * @ingroup ipsec-glue
 * Writes @p socket's bound device without Socket::BindToNetDevice's checks
 * (a raw socket bound to a device other than the incoming one is skipped by
 * Ipv4RawSocketImpl::ForwardUp and Ipv6RawSocketImpl::ForwardUp).
 * @param socket the raw socket
 * @param device the device to write (restored by the same call with the
 *        device it had)
 */
void IpsecSetBoundNetDevice(Socket& socket, Ptr<NetDevice> device);

} // namespace ns3

#endif /* IPSEC_PRIVATE_ACCESS_H */
