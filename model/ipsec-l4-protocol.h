/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The inbound entry of IPsec: an IpL4Protocol registered with Ipv4 and Ipv6
 * for protocol 50 (ESP), 51 (AH), 108 (IPComp), 4 and 41 (the plain
 * IP-in-IP an IPComp tunnel sends uncompressed).  ns-3 hands it every such
 * datagram addressed to the node, after reassembly; over IPv6, ESP, AH and
 * IPComp come through IpsecIpv6Extension instead, which sees the extension
 * headers in front of them.  It asks the IpsecStack to remove the IPsec
 * headers, then re-injects the inner datagram into the IP input path
 * (Ipv4L3Protocol::Receive / Ipv6L3Protocol::Receive) carrying an
 * IpsecHistoryTag, so raw sockets, ICMP, UDP and TCP receive it exactly as
 * if it had arrived in clear, and the inbound policy check sees how it was
 * protected.  The re-injection is synchronous (nested in the outer
 * datagram's input); its depth is bounded because every level removes at
 * least one transform and the stack's MaxTransforms bounds those.
 */
#ifndef IPSEC_L4_PROTOCOL_H
#define IPSEC_L4_PROTOCOL_H

#include "ipsec-stack.h"
#include "ns3/ip-l4-protocol.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-routing-protocol.h"
#include "ns3/net-device.h"

namespace ns3
{

class Ipv4L3Protocol;
class Ipv6L3Protocol;

/**
 * @ingroup ipsec-glue
 * The inbound entry of IPsec (esp4_input, ah4_input, ipcomp4_input and
 * KAME's IP-in-IP input): an IpL4Protocol for protocol 50 (ESP), 51 (AH),
 * 108 (IPComp), 4 or 41 (IP-in-IP), one instance per protocol and node.  It
 * has the node's IpsecStack remove the IPsec headers (IpsecStack::Decapsulate)
 * and re-injects the inner datagram into IP input with an IpsecHistoryTag,
 * synchronously, on the device it arrived on.  It sends nothing: the down
 * targets are kept only because IpL4Protocol requires them.
 */
class IpsecL4Protocol : public IpL4Protocol
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    IpsecL4Protocol();

    /**
     * Binds the receiver to a node's stack (IpsecStackHelper does it before
     * registering the receiver with Ipv4 and Ipv6).
     * @param ipsec the node's stack, which decapsulates and counts
     * @param protocol the protocol received: 50, 51, 108, 4 or 41
     *        (GetProtocolNumber; 50 until set)
     */
    void Setup(Ptr<IpsecStack> ipsec, uint8_t protocol);

    /**
     * Processes @p payload, which starts with this receiver's protocol and
     * arrived with @p outer (protocol set to it; IPv6 extension headers in
     * front of it in outer.ext) on @p device: decapsulates, then re-injects
     * the inner datagram, or in transport mode the datagram rebuilt with
     * the upper-layer protocol (the extension headers already processed are
     * not repeated).  The raw-socket delivery of the outer datagram, which
     * ns-3 has done by now, is ended first
     * (IpsecSocketPolicyRegistry::RestoreRawSockets).
     * A datagram the stack refuses has been counted and traced by it; an
     * inner datagram of a family the node has no interface of is dropped
     * with IpsecDropReason::NO_INTERFACE.
     * @param payload the bytes from the IPsec (or inner IP) header on
     * @param outer the outer IP header as it arrived (reassembled)
     * @param device the device the outer datagram arrived on
     */
    void Input(Ptr<Packet> payload, const IpsecIpHeader& outer, Ptr<NetDevice> device);
    /**
     * What follows decapsulation: a transport-mode payload goes to its
     * upper-layer protocol, a tunnel's inner datagram back into IP input.
     * @param r what Decapsulate left (nothing happens when it dropped it)
     * @param outer the outer header the datagram arrived with
     * @param device the device it arrived on
     * @param byteTags carries the byte tags to put on what is delivered
     *        (IpsecStack::HoldByteTags), or null
     */
    void Deliver(IpsecStack::DecapResult r,
                 const IpsecIpHeader& outer,
                 Ptr<NetDevice> device,
                 Ptr<const Packet> byteTags);

    /**
     * ESP that arrived in UDP (RFC 3948) on a UDP_ENCAP_ESPINUDP port, its
     * UDP header removed: as Receive, with the ports kept for the SA
     * lookup (NetBSD's udp4_espinudp hands it to esp4_input).
     * @param p the bytes from the ESP header on
     * @param header the IPv4 header it arrived with (protocol 17)
     * @param incomingInterface the interface it arrived on
     * @param sport the UDP source port
     * @param dport the UDP destination port
     */
    void ReceiveUdpEncap(Ptr<Packet> p,
                         const Ipv4Header& header,
                         Ptr<Ipv4Interface> incomingInterface,
                         uint16_t sport,
                         uint16_t dport);

    int GetProtocolNumber() const override;
    enum IpL4Protocol::RxStatus Receive(Ptr<Packet> p,
                                        const Ipv4Header& header,
                                        Ptr<Ipv4Interface> incomingInterface) override;
    enum IpL4Protocol::RxStatus Receive(Ptr<Packet> p,
                                        const Ipv6Header& header,
                                        Ptr<Ipv6Interface> incomingInterface) override;
    void SetDownTarget(IpL4Protocol::DownTargetCallback cb) override;
    void SetDownTarget6(IpL4Protocol::DownTargetCallback6 cb) override;
    IpL4Protocol::DownTargetCallback GetDownTarget() const override;
    IpL4Protocol::DownTargetCallback6 GetDownTarget6() const override;

  protected:
    void DoDispose() override;

  private:
    /**
     * Hands a transport-mode IPv4 payload to the node's local delivery
     * (IpsecIpv4DeliverLocally: the Rx trace, raw sockets, LocalDeliver),
     * as KAME's transport-mode input goes on with the next protocol, when
     * ns-3's IPv4 input would deliver it locally: the node's IPv4 routes
     * with IpsecIpv4ListRouting, the interface is up, and the destination
     * is one of its unicast or broadcast addresses there.
     * @param payload the payload behind the removed IPsec header
     * @param inner the IPv4 header it goes on with (the outer one with the
     *        next protocol)
     * @param device the device the outer datagram arrived on
     * @return false when none of this holds (nothing was done: Reinject)
     */
    bool DeliverTransport4(Ptr<Packet> payload, const IpsecIpHeader& inner, Ptr<NetDevice> device);
    /**
     * Hands the decapsulated datagram (with its IP header) to IP input
     * (Ipv4L3Protocol::Receive / Ipv6L3Protocol::Receive, as KAME re-queues
     * it to ipintr / ip6intr).
     * @param r the stack's result (packet with its IP header, inner family)
     * @param device the device the outer datagram arrived on
     */
    void Reinject(const IpsecStack::DecapResult& r, Ptr<NetDevice> device);
    /**
     * The device to re-inject on: @p preferred when it has an interface of
     * @p l3's family, else the device of the first interface of that family
     * that is up (the loopback, interface 0, excepted).
     * @tparam L3 Ipv4L3Protocol or Ipv6L3Protocol
     * @param l3 the family's L3 protocol
     * @param preferred the device the outer datagram arrived on
     * @return the device, or null when the family has no interface up
     */
    template <typename L3>
    static Ptr<NetDevice> DeviceFor(Ptr<L3> l3, Ptr<NetDevice> preferred);

    Ptr<IpsecStack> m_ipsec;                         ///< the node's stack
    Ptr<Ipv4L3Protocol> m_ipv4;                      ///< the node's IPv4, once found
    const Ipv4RoutingProtocol* m_routing{nullptr};   ///< its routing protocol when last seen
    bool m_ipsecRouting{false};                      ///< m_routing is an IpsecIpv4ListRouting
    uint8_t m_protocol;                              ///< the protocol received
    IpL4Protocol::DownTargetCallback m_downTarget;   ///< IPv4 send (unused)
    IpL4Protocol::DownTargetCallback6 m_downTarget6; ///< IPv6 send (unused)
};

} // namespace ns3

#endif /* IPSEC_L4_PROTOCOL_H */
