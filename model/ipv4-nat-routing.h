/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The NAT box's hook into ns-3 without changing ns-3: a routing protocol
 * that wraps the node's own.  Ipv4L3Protocol::Receive hands every datagram
 * to RouteInput; the wrapper lets the NAT translate the destination of a
 * datagram arriving on the outside interface (then asks the inner protocol
 * to route the translated datagram), and gives the inner protocol a unicast
 * forward callback that translates the source of a datagram forwarded from
 * an inside interface out of the outside interface.  Everything else is the
 * inner protocol's.
 */
#ifndef IPV4_NAT_ROUTING_H
#define IPV4_NAT_ROUTING_H

#include "ns3/ipv4-routing-protocol.h"

namespace ns3
{

class Ipv4Nat;

/**
 * @ingroup ipsec
 * A routing protocol wrapping a node's own one for its Ipv4Nat (see
 * Ipv4NatHelper, which installs it).  Ipv4StaticRoutingHelper::GetStaticRouting
 * no longer finds the node's static routing through Ipv4::GetRoutingProtocol;
 * use GetInner() (global routing keeps working: the GlobalRouter holds its
 * own pointer to the global routing protocol).
 */
class Ipv4NatRouting : public Ipv4RoutingProtocol
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    Ipv4NatRouting();
    ~Ipv4NatRouting() override;

    /**
     * Set the wrapped protocol (the node's, which already has its Ipv4).
     * @param inner the protocol
     */
    void SetInner(Ptr<Ipv4RoutingProtocol> inner);
    /**
     * The wrapped protocol.
     * @return it
     */
    Ptr<Ipv4RoutingProtocol> GetInner() const;
    /**
     * Set the NAT.
     * @param nat the node's NAT
     */
    void SetNat(Ptr<Ipv4Nat> nat);

    Ptr<Ipv4Route> RouteOutput(Ptr<Packet> p,
                               const Ipv4Header& header,
                               Ptr<NetDevice> oif,
                               Socket::SocketErrno& sockerr) override;
    bool RouteInput(Ptr<const Packet> p,
                    const Ipv4Header& header,
                    Ptr<const NetDevice> idev,
                    UnicastForwardCallback ucb,
                    MulticastForwardCallback mcb,
                    LocalDeliverCallback lcb,
                    ErrorCallback ecb) override;
    void NotifyInterfaceUp(uint32_t interface) override;
    void NotifyInterfaceDown(uint32_t interface) override;
    void NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void NotifyRemoveAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void SetIpv4(Ptr<Ipv4> ipv4) override;
    void PrintRoutingTable(Ptr<OutputStreamWrapper> stream,
                           Time::Unit unit = Time::S) const override;

  protected:
    void DoDispose() override;

  private:
    /// The forward callback given to the inner protocol for datagrams from
    /// an inside interface: translates those leaving by the outside one.
    void ForwardFromInside(Ptr<Ipv4Route> route, Ptr<const Packet> p, const Ipv4Header& h);

    Ptr<Ipv4RoutingProtocol> m_inner; ///< the node's own routing protocol
    Ptr<Ipv4Nat> m_nat;               ///< the NAT
    Ptr<Ipv4> m_ipv4;                 ///< the node's IPv4
    UnicastForwardCallback m_ucb;     ///< the L3's forward callback (IpForward)
    UnicastForwardCallback m_forward; ///< ForwardFromInside, made once
};

} // namespace ns3

#endif /* IPV4_NAT_ROUTING_H */
