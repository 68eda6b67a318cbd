/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The IPv6 output hook: an Ipv6L3Protocol whose Send() runs every locally
 * originated datagram through the node's IpsecStack (KAME
 * ipsec6_output_trans) before ns-3 builds the header, routes and fragments.
 */
#ifndef IPSEC_IPV6_L3_PROTOCOL_H
#define IPSEC_IPV6_L3_PROTOCOL_H

#include "ns3/ipv6-l3-protocol.h"

namespace ns3
{

class IpsecStack;

class IpsecIpv6L3Protocol : public Ipv6L3Protocol
{
  public:
    static TypeId GetTypeId();
    IpsecIpv6L3Protocol();

    void Send(Ptr<Packet> packet,
              Ipv6Address source,
              Ipv6Address destination,
              uint8_t protocol,
              Ptr<Ipv6Route> route) override;

    /// The node's IPsec stack (nullptr if none is aggregated).
    Ptr<IpsecStack> GetIpsec();

  protected:
    void DoDispose() override;

  private:
    Ptr<IpsecStack> m_ipsec;
    uint32_t m_depth;
};

} // namespace ns3

#endif /* IPSEC_IPV6_L3_PROTOCOL_H */
