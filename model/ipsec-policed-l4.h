/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The inbound policy check on local delivery.  KAME checks the inbound
 * policy in tcp_input, udp4_input, icmp and the other "last header"
 * protocols before a datagram reaches a socket; here the node's UDP, TCP,
 * ICMPv4 and ICMPv6 protocol objects are these subclasses, whose Receive()
 * checks the segment's length as udp_input/tcp_input/icmp_input do, then
 * asks IpsecStack::CheckInbound and drops (in_polvio) what the policy
 * rejects.  IpsecStackHelper installs them in place of the stock classes,
 * so GetObject<UdpL4Protocol>() and every ns-3 API keep working.  Their
 * down targets also tell the per-socket policies which datagrams an L4
 * protocol (rather than a raw socket) sends.
 */
#ifndef IPSEC_POLICED_L4_H
#define IPSEC_POLICED_L4_H

#include "ipsec-private-access.h"
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

/**
 * The check itself: true when the datagram may be delivered.  @p socket is
 * the UDP/TCP end point it goes to (counted as a socket-based lookup), or
 * nullptr for the "last header" protocols (ICMP).  The history tag is
 * removed either way.
 */
bool IpsecAdmitInbound(Ptr<Node> node,
                       Ptr<Packet> packet,
                       const Ipv4Header& header,
                       uint8_t protocol,
                       const void* socket);
bool IpsecAdmitInbound(Ptr<Node> node,
                       Ptr<Packet> packet,
                       const Ipv6Header& header,
                       uint8_t protocol,
                       const void* socket);
/**
 * The length checks of udp_input, tcp_input, icmp_input and icmp6_input
 * (IpsecCheckUpperLayer), made before the socket lookup and the policy
 * check as KAME makes them: a segment that fails is dropped, with the
 * node's IpsecStack Drop trace (the transport layer's counter is not kept).
 *
 * @param l4 the receiving protocol (its node's IpsecStack gets the trace)
 * @param packet the segment
 * @param v6 whether it came in an IPv6 datagram
 * @return true when the segment may go on
 */
bool IpsecAdmitSegment(const IpL4Protocol& l4, Ptr<Packet> packet, bool v6);
/// Removes this module's marks from a packet that leaves the check.
void IpsecStripHistory(Ptr<Packet> packet);
/**
 * @p target wrapped so that the node's per-socket policies know the L3 is
 * handed a datagram by an L4 protocol (a socket's UDP/TCP segment, or the
 * kernel's ICMP), not by a raw socket.  @p l4 is the L4 protocol object.
 */
IpL4Protocol::DownTargetCallback IpsecMarkL4Send(IpL4Protocol* l4,
                                                 IpL4Protocol::DownTargetCallback target);
IpL4Protocol::DownTargetCallback6 IpsecMarkL4Send(IpL4Protocol* l4,
                                                  IpL4Protocol::DownTargetCallback6 target);
/// Ends a raw-socket delivery the per-socket policies prepared (see
/// IpsecSocketPolicyRegistry::GateRawDelivery) before the datagram goes up.
void IpsecEndRawDelivery(const IpL4Protocol& l4);
/// The ports at the front of a UDP/TCP segment; false if it is too short.
bool IpsecPeekPorts(Ptr<const Packet> segment, uint16_t* sport, uint16_t* dport);

/**
 * An ns-3 upper-layer protocol (Base) whose input first passes the inbound
 * policy check.  UDP and TCP check only segments for which a socket exists,
 * as KAME's udp4_input/tcp_input do (the others get their port unreachable
 * or RST from Base, unchecked); ICMP always checks.
 */
template <typename Base>
class IpsecPolicedL4 : public Base
{
  public:
    static TypeId GetTypeId();

    enum IpL4Protocol::RxStatus Receive(Ptr<Packet> p,
                                        const Ipv4Header& header,
                                        Ptr<Ipv4Interface> incomingInterface) override
    {
        return Police(p, header, incomingInterface);
    }

    enum IpL4Protocol::RxStatus Receive(Ptr<Packet> p,
                                        const Ipv6Header& header,
                                        Ptr<Ipv6Interface> incomingInterface) override
    {
        return Police(p, header, incomingInterface);
    }

    void SetDownTarget(IpL4Protocol::DownTargetCallback cb) override
    {
        Base::SetDownTarget(IpsecMarkL4Send(this, cb));
    }

    void SetDownTarget6(IpL4Protocol::DownTargetCallback6 cb) override
    {
        Base::SetDownTarget6(IpsecMarkL4Send(this, cb));
    }

  private:
    template <typename Header, typename Iface>
    enum IpL4Protocol::RxStatus Police(Ptr<Packet> p, const Header& header, Ptr<Iface> iface)
    {
        IpsecEndRawDelivery(*this);
        if (!IpsecAdmitSegment(*this, p, std::is_same_v<Header, Ipv6Header>))
        {
            return IpL4Protocol::RX_OK; // dropped, traced
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
        if (!IpsecAdmitInbound(
                this->template GetObject<Node>(), p, header, this->GetProtocolNumber(), socket))
        {
            return IpL4Protocol::RX_OK; // dropped, counted as in_polvio
        }
        return Base::Receive(p, header, iface);
    }
};

using IpsecUdpL4Protocol = IpsecPolicedL4<UdpL4Protocol>;
using IpsecTcpL4Protocol = IpsecPolicedL4<TcpL4Protocol>;
using IpsecIcmpv4L4Protocol = IpsecPolicedL4<Icmpv4L4Protocol>;
using IpsecIcmpv6L4Protocol = IpsecPolicedL4<Icmpv6L4Protocol>;

} // namespace ns3

#endif /* IPSEC_POLICED_L4_H */
