/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The IPv4 output hook: an Ipv4L3Protocol whose Send() runs every locally
 * originated datagram (UDP, TCP, ICMP and raw sockets) through the node's
 * IpsecStack before ns-3 builds the IP header, routes and fragments it.
 * Installed by IpsecStackHelper in place of the stock Ipv4L3Protocol; all
 * of ns-3's Ipv4 API, attributes and traces keep working.
 */
#ifndef IPSEC_IPV4_L3_PROTOCOL_H
#define IPSEC_IPV4_L3_PROTOCOL_H

#include "ns3/ipv4-l3-protocol.h"

namespace ns3
{

class IpsecStack;

class IpsecIpv4L3Protocol : public Ipv4L3Protocol
{
  public:
    static TypeId GetTypeId();
    IpsecIpv4L3Protocol();

    void Send(Ptr<Packet> packet,
              Ipv4Address source,
              Ipv4Address destination,
              uint8_t protocol,
              Ptr<Ipv4Route> route) override;

    /// The node's IPsec stack (nullptr if none is aggregated).
    Ptr<IpsecStack> GetIpsec();

  protected:
    void DoDispose() override;

  private:
    Ptr<IpsecStack> m_ipsec;
    uint32_t m_depth; ///< re-entrancy guard: Ipv4L3Protocol::Send calls Send again
};

} // namespace ns3

#endif /* IPSEC_IPV4_L3_PROTOCOL_H */
