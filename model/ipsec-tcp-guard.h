/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * tcp_input's state checks, made on a segment the policed TCP is about to
 * hand to a socket (after the inbound policy check, as tcp_input makes them
 * after ipsec4_in_reject), where ns-3 3.37's TcpSocketBase lacks them and
 * fails:
 *
 *  - a socket without a peer (listening, or bound and closed) takes only a
 *    SYN: a RST is dropped, and a segment with ACK or without SYN is dropped
 *    as NetBSD's tcp_input drops it (tcps_badsyn; NetBSD also answers those
 *    with a RST, which ns-3 would not either);
 *  - a socket in SYN_SENT drops a segment with none of SYN, ACK and RST
 *    (RFC 9293 section 3.10.7.3: "if neither of the SYN or RST bits is set
 *    then drop the segment"), which ns-3 takes as the end of the handshake
 *    before its window is known.  In the synchronized states such segments
 *    go on, although tcp_input drops them ("if the ACK bit is off"): ns-3
 *    3.37 takes them as data, and its own window probes carry no flag, so
 *    dropping them would keep a zero window closed between two ns-3 nodes;
 *  - a zero window the socket cannot honour is read as a window of one
 *    byte.  TcpSocketBase::DoForwardUp arms the persist timer whenever the
 *    peer's window is zero, and PersistTimeout then dereferences the
 *    transmit buffer's segment at the next sequence to send: null, so the
 *    simulation crashes, on a socket that has nothing left to send there or
 *    that has not reached ESTABLISHED (its window starts at zero; a listening
 *    socket keeps the window of the last SYN).  BSD's persist timer runs only
 *    when there is data to send (tcp_setpersist from tcp_output), so a zero
 *    window on such a socket changes nothing there; here the socket will
 *    send at most one byte before the peer's next window arrives.
 *
 * Drops are traced on the node's IpsecStack with their reason
 * (TCP_LISTEN_RESET, TCP_BAD_SYN, TCP_NO_ACK); the model keeps no TCP
 * counters.
 */
#ifndef IPSEC_TCP_GUARD_H
#define IPSEC_TCP_GUARD_H

#include "ns3/packet.h"
#include "ns3/tcp-l4-protocol.h"

namespace ns3
{

class IpsecStack;

/**
 * @ingroup ipsec-glue
 * Applies the checks above to a TCP segment on its way to the socket of
 * @p endPoint: drops it (traced on @p ipsec) or lets it go on, with its
 * window rewritten (and its checksum updated, RFC 1624) when a zero window
 * must not reach the socket.
 * @param ipsec the receiving node's IpsecStack (gets the Drop trace), or nullptr
 * @param tcp the node's TCP
 * @param segment the segment, its whole header first (IpsecCheckUpperLayer
 *        passed it); its window may be rewritten in place
 * @param endPoint the end point IpsecFindEndPoint found for it
 * @param v6 whether it came in an IPv6 datagram (@p endPoint is then an
 *        Ipv6EndPoint, else an Ipv4EndPoint)
 * @return true when the segment may go to the socket
 */
bool IpsecGuardTcpSegment(
    IpsecStack* ipsec, TcpL4Protocol& tcp, Ptr<Packet> segment, const void* endPoint, bool v6);

} // namespace ns3

#endif /* IPSEC_TCP_GUARD_H */
