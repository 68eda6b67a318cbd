/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The inbound policy check on local delivery.  KAME checks the inbound
 * policy in tcp_input, udp4_input, icmp and the other "last header"
 * protocols before a datagram reaches a socket; here the node's UDP, TCP,
 * ICMPv4 and ICMPv6 protocol objects are these subclasses, whose Receive()
 * checks the segment's length as udp_input/tcp_input/icmp_input do, then
 * asks IpsecStack::CheckInbound and drops (in_polvio) what the policy
 * rejects; TCP then makes tcp_input's state checks that ns-3's TCP lacks
 * (ipsec-tcp-guard.h).  IpsecStackHelper installs them in place of the stock classes,
 * so GetObject<UdpL4Protocol>() and every ns-3 API keep working.  Their
 * down targets also tell the per-socket policies which datagrams an L4
 * protocol (rather than a raw socket) sends.
 */
#ifndef IPSEC_POLICED_L4_H
#define IPSEC_POLICED_L4_H

#include "ipsec-private-access.h"
#include "ipsec-tcp-guard.h"
#include "ns3/icmpv4-l4-protocol.h"
#include "ns3/icmpv6-l4-protocol.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv6-header.h"
#include "ns3/ipv6-interface.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/udp-l4-protocol.h"

#include <type_traits>

namespace ns3
{

class IpsecStack;

/**
 * @ingroup ipsec-glue
 * The IpsecStack aggregated to an object's node (GetObject<IpsecStack>).
 * @param object an aggregate of the node (an L4 protocol)
 * @return the stack, or nullptr when the node has none
 */
IpsecStack* IpsecFindStack(const Object& object);

/**
 * @ingroup ipsec-glue
 * The check itself, for a segment of an IPv4 datagram: the node's
 * IpsecStack::CheckInbound (ipsec4_in_reject) on the selector of the
 * segment, as delivered (not forwarded).  @p socket is the UDP/TCP end
 * point it goes to (counted as a socket-based lookup), or nullptr for the
 * "last header" protocols (ICMP).  The history tag is removed either way.
 * A node without an IpsecStack admits everything.
 * @param ipsec the receiving node's IpsecStack, or nullptr
 * @param packet the segment (the IP payload), with the IpsecHistoryTag of
 *        the transforms removed from it on this node, if any
 * @param header the IPv4 header it arrived with (source and destination)
 * @param protocol the upper-layer protocol (the receiving L4's number)
 * @param socket the receiving end point, or nullptr
 * @return true when the datagram may be delivered; false when the policy
 *         rejects it (counted in in_polvio and traced)
 */
bool IpsecAdmitInbound(IpsecStack* ipsec,
                       Ptr<Packet> packet,
                       const Ipv4Header& header,
                       uint8_t protocol,
                       const void* socket);
/**
 * @ingroup ipsec-glue
 * The check itself, for a segment of an IPv6 datagram (ipsec6_in_reject);
 * as the IPv4 overload.
 * @param ipsec the receiving node's IpsecStack, or nullptr
 * @param packet the segment (the payload behind the last extension header),
 *        with the IpsecHistoryTag of the transforms removed from it on this
 *        node, if any
 * @param header the IPv6 header it arrived with (source and destination)
 * @param protocol the upper-layer protocol (the receiving L4's number)
 * @param socket the receiving end point, or nullptr
 * @return true when the datagram may be delivered; false when the policy
 *         rejects it (counted in in_polvio and traced)
 */
bool IpsecAdmitInbound(IpsecStack* ipsec,
                       Ptr<Packet> packet,
                       const Ipv6Header& header,
                       uint8_t protocol,
                       const void* socket);
/**
 * @ingroup ipsec-glue
 * The length checks of udp_input, tcp_input, icmp_input and icmp6_input
 * (IpsecCheckUpperLayer), made before the socket lookup and the policy
 * check as KAME makes them: a segment that fails is dropped, with the
 * node's IpsecStack Drop trace (the transport layer's counter is not kept).
 *
 * @param ipsec the receiving node's IpsecStack (gets the trace), or nullptr
 * @param protocol the receiving protocol's number
 * @param packet the segment
 * @param v6 whether it came in an IPv6 datagram
 * @return true when the segment may go on
 */
bool IpsecAdmitSegment(IpsecStack* ipsec, uint8_t protocol, Ptr<Packet> packet, bool v6);
/**
 * @ingroup ipsec-glue
 * Removes this module's marks (the IpsecHistoryTag the input loop put on
 * the datagram) from a packet that leaves the check, so that they never
 * travel on to another node or a later check.
 * @param packet the segment (a packet without the tag is left as it is)
 */
void IpsecStripHistory(Ptr<Packet> packet);
/**
 * @ingroup ipsec-glue
 * @p target wrapped so that the node's per-socket policies know the IPv4
 * L3 is handed a datagram by an L4 protocol (a socket's UDP/TCP segment,
 * or the kernel's ICMP), not by a raw socket: the call to @p target runs
 * inside an IpsecL4SendScope of the node's IpsecSocketPolicyRegistry.
 * @param l4 the L4 protocol object (the registry is found through its node)
 * @param target the IPv4 down target (Ipv4L3Protocol::Send)
 * @return the wrapped target; a null @p target is returned as it is
 */
IpL4Protocol::DownTargetCallback IpsecMarkL4Send(IpL4Protocol* l4,
                                                 IpL4Protocol::DownTargetCallback target);
/**
 * @ingroup ipsec-glue
 * The IPv6 down target wrapped as the IPv4 overload wraps the IPv4 one.
 * @param l4 the L4 protocol object (the registry is found through its node)
 * @param target the IPv6 down target (Ipv6L3Protocol::Send)
 * @return the wrapped target; a null @p target is returned as it is
 */
IpL4Protocol::DownTargetCallback6 IpsecMarkL4Send(IpL4Protocol* l4,
                                                  IpL4Protocol::DownTargetCallback6 target);
/**
 * @ingroup ipsec-glue
 * Ends a raw-socket delivery the per-socket policies prepared (see
 * IpsecSocketPolicyRegistry::GateRawDelivery) before the datagram goes up:
 * ns-3 gives raw sockets their copy before the L4 protocol's Receive, so
 * the raw sockets kept from that delivery get their bound device back here.
 * @param ipsec the receiving node's IpsecStack (nothing happens for nullptr)
 */
void IpsecEndRawDelivery(IpsecStack* ipsec);
/**
 * @ingroup ipsec-glue
 * The ports at the front of a UDP/TCP segment (the first four bytes, in
 * network byte order, as both headers begin).
 * @param segment the segment, from its UDP or TCP header on
 * @param sport set to the source port (untouched when too short)
 * @param dport set to the destination port (untouched when too short)
 * @return false when the segment is shorter than four bytes
 */
bool IpsecPeekPorts(Ptr<const Packet> segment, uint16_t* sport, uint16_t* dport);

/**
 * @ingroup ipsec-glue
 * NetBSD's udp4_espinudp, for a UDP datagram that passed the length checks:
 * on a port with UDP_ENCAP_ESPINUDP (IpsecStack::SetUdpEncapPort), a NAT
 * keepalive is consumed (counted, traced), ESP (RFC 3948) loses its UDP
 * header and goes to the node's ESP input, and anything behind the non-ESP
 * marker goes on to the socket.  A wrong non-zero UDP checksum on ESP is
 * dropped (udps_badsum).
 * @param ipsec the receiving node's IpsecStack, or nullptr
 * @param packet the UDP datagram from its header on
 * @param header the IPv4 header it arrived with
 * @param iface the interface it arrived on
 * @return true when the datagram was consumed here (keepalive, ESP, or a
 *         drop); false when UDP goes on with it
 */
bool IpsecUdpEncapInput(IpsecStack* ipsec,
                        Ptr<Packet> packet,
                        const Ipv4Header& header,
                        Ptr<Ipv4Interface> iface);

/**
 * @ingroup ipsec-glue
 * An ns-3 upper-layer protocol (Base) whose input first passes the inbound
 * policy check.  UDP and TCP check only segments for which a socket exists,
 * as KAME's udp4_input/tcp_input do (the others get their port unreachable
 * or RST from Base, unchecked); ICMP always checks.
 * @tparam Base UdpL4Protocol, TcpL4Protocol, Icmpv4L4Protocol or
 *         Icmpv6L4Protocol (the instantiations the library has)
 */
template <typename Base>
class IpsecPolicedL4 : public Base
{
  public:
    /**
     * Get the type ID: "ns3::Ipsec" followed by the base's name without
     * "ns3::" (ns3::IpsecUdpL4Protocol...), a child of the base's.
     * @return the object TypeId
     */
    static TypeId GetTypeId();

    /**
     * Base::Receive for a segment of an IPv4 datagram, once the segment
     * passed the length checks (IpsecAdmitSegment) and the inbound policy
     * check (IpsecAdmitInbound); a segment that fails either is dropped
     * (traced; in_polvio for the policy).
     * @param p the segment
     * @param header the IPv4 header it arrived with
     * @param incomingInterface the interface it arrived on
     * @return Base's status, or RX_OK for a dropped segment
     */
    enum IpL4Protocol::RxStatus Receive(Ptr<Packet> p,
                                        const Ipv4Header& header,
                                        Ptr<Ipv4Interface> incomingInterface) override
    {
        return Police(p, header, incomingInterface);
    }

    /**
     * Base::Receive for a segment of an IPv6 datagram, once the segment
     * passed the length checks and the inbound policy check; as the IPv4
     * overload.
     * @param p the segment
     * @param header the IPv6 header it arrived with
     * @param incomingInterface the interface it arrived on
     * @return Base's status, or RX_OK for a dropped segment
     */
    enum IpL4Protocol::RxStatus Receive(Ptr<Packet> p,
                                        const Ipv6Header& header,
                                        Ptr<Ipv6Interface> incomingInterface) override
    {
        return Police(p, header, incomingInterface);
    }

    /**
     * Base::SetDownTarget with @p cb wrapped by IpsecMarkL4Send: what Base
     * sends is known to come from an L4 protocol, not a raw socket.
     * @param cb the IPv4 down target (Ipv4L3Protocol::Send)
     */
    void SetDownTarget(IpL4Protocol::DownTargetCallback cb) override
    {
        Base::SetDownTarget(IpsecMarkL4Send(this, cb));
    }

    /**
     * Base::SetDownTarget6 with @p cb wrapped by IpsecMarkL4Send.
     * @param cb the IPv6 down target (Ipv6L3Protocol::Send)
     */
    void SetDownTarget6(IpL4Protocol::DownTargetCallback6 cb) override
    {
        Base::SetDownTarget6(IpsecMarkL4Send(this, cb));
    }

  private:
    /**
     * The node's IpsecStack, looked up once it is aggregated (every
     * segment needs it; GetObject walks the aggregates each time).
     * @return the stack, or nullptr while the node has none
     */
    IpsecStack* Stack()
    {
        if (!m_ipsec)
        {
            m_ipsec = IpsecFindStack(*this);
        }
        return m_ipsec;
    }

    /// The node's IpsecStack once found.  No reference is held (it would
    /// make a cycle): an aggregate of the same node, it lives as long as
    /// this object (ns-3 deletes a node's aggregates together).
    IpsecStack* m_ipsec{nullptr};

    /**
     * The input of both families: ends the raw delivery, makes the length
     * checks, finds the UDP/TCP end point (a segment without one goes to
     * Base unchecked), makes the inbound policy check and, for TCP,
     * tcp_input's state checks (IpsecGuardTcpSegment), then calls
     * Base::Receive.
     * @tparam Header Ipv4Header or Ipv6Header
     * @tparam Iface Ipv4Interface or Ipv6Interface
     * @param p the segment
     * @param header the IP header it arrived with
     * @param iface the interface it arrived on
     * @return Base's status, or RX_OK for a dropped segment
     */
    template <typename Header, typename Iface>
    enum IpL4Protocol::RxStatus Police(Ptr<Packet> p, const Header& header, Ptr<Iface> iface)
    {
        IpsecStack* ipsec = Stack();
        IpsecEndRawDelivery(ipsec);
        if (!IpsecAdmitSegment(
                ipsec, this->GetProtocolNumber(), p, std::is_same_v<Header, Ipv6Header>))
        {
            return IpL4Protocol::RX_OK; // dropped, traced
        }
        if constexpr (std::is_same_v<Base, UdpL4Protocol> && std::is_same_v<Header, Ipv4Header>)
        {
            if (IpsecUdpEncapInput(ipsec, p, header, iface))
            {
                return IpL4Protocol::RX_OK; // a keepalive, or ESP in UDP
            }
        }
        const void* socket = nullptr;
        if constexpr (std::is_same_v<Base, UdpL4Protocol> || std::is_same_v<Base, TcpL4Protocol>)
        {
            uint16_t sport = 0;
            uint16_t dport = 0;
            if (IpsecPeekPorts(p, &sport, &dport))
            {
                socket = IpsecFindEndPoint(static_cast<Base&>(*this),
                                           header.GetDestination(),
                                           dport,
                                           header.GetSource(),
                                           sport,
                                           iface);
            }
            if (!socket)
            {
                IpsecStripHistory(p);
                return Base::Receive(p, header, iface);
            }
        }
        if (!IpsecAdmitInbound(ipsec, p, header, this->GetProtocolNumber(), socket))
        {
            return IpL4Protocol::RX_OK; // dropped, counted as in_polvio
        }
        if constexpr (std::is_same_v<Base, TcpL4Protocol>)
        {
            if (!IpsecGuardTcpSegment(ipsec, *this, p, socket, std::is_same_v<Header, Ipv6Header>))
            {
                return IpL4Protocol::RX_OK; // dropped, traced
            }
        }
        return Base::Receive(p, header, iface);
    }
};

/// @ingroup ipsec-glue
/// UDP with the inbound policy check (udp4_input, udp6_input), ns3::IpsecUdpL4Protocol.
using IpsecUdpL4Protocol = IpsecPolicedL4<UdpL4Protocol>;
/// @ingroup ipsec-glue
/// TCP with the inbound policy check (tcp_input), ns3::IpsecTcpL4Protocol.
using IpsecTcpL4Protocol = IpsecPolicedL4<TcpL4Protocol>;
/// @ingroup ipsec-glue
/// ICMPv4 with the inbound policy check (icmp_input), ns3::IpsecIcmpv4L4Protocol.
using IpsecIcmpv4L4Protocol = IpsecPolicedL4<Icmpv4L4Protocol>;
/// @ingroup ipsec-glue
/// ICMPv6 with the inbound policy check (icmp6_input), ns3::IpsecIcmpv6L4Protocol.
using IpsecIcmpv6L4Protocol = IpsecPolicedL4<Icmpv6L4Protocol>;

} // namespace ns3

#endif /* IPSEC_POLICED_L4_H */
