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
 *   Ipv4L3Protocol::m_defaultTtl,            read    TTL/hop limit of a tunnel's outer
 *   Ipv6L3Protocol::m_defaultTtl                     header, without an attribute lookup
 *   Ipv4L3Protocol::m_sendOutgoingTrace,     call    fired with the plaintext datagram, so
 *   Ipv6L3Protocol::m_sendOutgoingTrace              FlowMonitor still classifies the flow
 *   Ipv4L3Protocol::m_sockets,               read    whether a raw socket is still open
 *   Ipv6L3Protocol::m_sockets                        (per-socket policies)
 *   UdpL4Protocol/TcpL4Protocol::            read    the socket a segment goes to: KAME
 *     m_endPoints, m_endPoints6                      checks UDP/TCP policy only then
 *   TcpL4Protocol::m_sockets,                read    the TCP socket of a connection, and
 *   TcpSocketBase::m_tcb                     write   its segment size lowered by the IPsec
 *                                                    overhead after CLOSED (tcp_mss)
 *   Socket::m_boundnetdevice                 write   keeps a raw socket whose inbound
 *                                                    policy rejects a datagram from ns-3's
 *                                                    raw delivery (restored right after)
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

/// The identification Ipv4L3Protocol::Send will give the next datagram of (src, dst, protocol).
uint16_t IpsecPeekIpv4Identification(const Ipv4L3Protocol& l3,
                                     Ipv4Address src,
                                     Ipv4Address dst,
                                     uint8_t protocol);

/// Takes the identification for an IPv4 header IPsec builds itself (as
/// Ipv4L3Protocol::BuildHeader would, advancing the same counter).
uint16_t IpsecNextIpv4Identification(Ipv4L3Protocol& l3,
                                     Ipv4Address src,
                                     Ipv4Address dst,
                                     uint8_t protocol);

/// The DefaultTtl attribute's value, read without an attribute lookup per packet.
uint8_t IpsecDefaultTtl(const Ipv4L3Protocol& l3);
uint8_t IpsecDefaultTtl(const Ipv6L3Protocol& l3);

/// Fires Ipv4L3Protocol's SendOutgoing trace.
void IpsecFireSendOutgoing(Ipv4L3Protocol& l3,
                           const Ipv4Header& header,
                           Ptr<const Packet> packet,
                           uint32_t interface);

/// Fires Ipv6L3Protocol's SendOutgoing trace.
void IpsecFireSendOutgoing(Ipv6L3Protocol& l3,
                           const Ipv6Header& header,
                           Ptr<const Packet> packet,
                           uint32_t interface);

/**
 * The socket end point a UDP or TCP segment from @p src:@p sport to
 * @p dst:@p dport would be delivered to (nullptr when there is none), read
 * from the protocol's private end-point demultiplexer.  KAME checks the
 * inbound policy of UDP/TCP only when a socket is found.
 */
template <typename L4, typename Addr, typename Iface>
const void* IpsecFindEndPoint(
    L4& l4, Addr dst, uint16_t dport, Addr src, uint16_t sport, Ptr<Iface> iface);
// Instantiated for UdpL4Protocol and TcpL4Protocol, IPv4 and IPv6.

/**
 * Lowers the segment size of the TCP socket of @p tcp bound to @p local and
 * connected to @p peer to at most @p limit bytes (TcpSocketState's
 * m_segmentSize and the transmit buffer's), even after it left the CLOSED
 * state, where TcpSocket::SetSegSize refuses.  Returns the socket's new
 * segment size, or 0 when no such socket exists.
 */
uint32_t IpsecLowerTcpSegmentSize(TcpL4Protocol& tcp,
                                  const Address& local,
                                  const Address& peer,
                                  uint32_t limit);

/**
 * Whether @p socket is one of the open raw sockets of @p l3 (ns-3 removes a
 * raw socket from its L3's list when it is closed).
 */
bool IpsecIsOpenRawSocket(const Ipv4L3Protocol& l3, const Socket* socket);
bool IpsecIsOpenRawSocket(const Ipv6L3Protocol& l3, const Socket* socket);

/**
 * Writes @p socket's bound device without Socket::BindToNetDevice's checks
 * (a raw socket bound to a device other than the incoming one is skipped by
 * Ipv4RawSocketImpl::ForwardUp and Ipv6RawSocketImpl::ForwardUp).
 */
void IpsecSetBoundNetDevice(Socket& socket, Ptr<NetDevice> device);

} // namespace ns3

#endif /* IPSEC_PRIVATE_ACCESS_H */
