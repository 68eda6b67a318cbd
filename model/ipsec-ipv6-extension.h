/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The IPv6 inbound entry of ESP, AH and IPComp.  ns-3 3.37's IPv6 input
 * (Ipv6L3Protocol::LocalDeliver) walks the extension headers through its
 * Ipv6ExtensionDemux and hands an upper-layer protocol only what is left,
 * with the IPv6 header as received: after a Hop-by-Hop, Destination
 * Options, Routing or Fragment header (a reassembled datagram) the header's
 * next header is that extension's number, and the extension headers are
 * gone.  Registered in the demux for 50, 51 and 108, this extension is
 * called with the whole payload and the offset where the IPsec header
 * starts, wherever it is in the chain -- as KAME's ip6_input calls
 * esp6_input/ah6_input/ipcomp6_input with the offset of the header -- so
 * AH's ICV can cover the extension headers in front of it (RFC 4302
 * section 3.3.3.1.2).  It hands the datagram to the protocol's
 * IpsecL4Protocol::Input and stops ns-3's walk.
 */
#ifndef IPSEC_IPV6_EXTENSION_H
#define IPSEC_IPV6_EXTENSION_H

#include "ns3/ipv6-extension.h"

namespace ns3
{

class IpsecL4Protocol;
class IpsecIpv6L3Protocol;

/**
 * @ingroup ipsec-glue
 * The IPv6 inbound entry of ESP, AH and IPComp: an Ipv6Extension registered
 * for 50, 51 and 108, called with the whole payload and the offset of the
 * IPsec header wherever it is in the chain (as ip6_input calls
 * esp6_input/ah6_input/ipcomp6_input), which hands the datagram to the
 * protocol's IpsecL4Protocol::Input and stops ns-3's walk.
 */
class IpsecIpv6Extension : public Ipv6Extension
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    IpsecIpv6Extension();

    /**
     * Binds the extension to the node's receiver and IPv6.
     * @param l4 the receiver (whose protocol the extension takes)
     * @param l3 the node's IPv6
     */
    void Setup(Ptr<IpsecL4Protocol> l4, Ptr<IpsecIpv6L3Protocol> l3);

    uint8_t GetExtensionNumber() const override;
    uint8_t Process(Ptr<Packet>& packet,
                    uint8_t offset,
                    const Ipv6Header& ipv6Header,
                    Ipv6Address dst,
                    uint8_t* nextHeader,
                    bool& stopProcessing,
                    bool& isDropped,
                    Ipv6L3Protocol::DropReason& dropReason) override;

  protected:
    void DoDispose() override;

  private:
    Ptr<IpsecL4Protocol> m_l4;
    Ptr<IpsecIpv6L3Protocol> m_l3;
    uint8_t m_protocol;
};

} // namespace ns3

#endif /* IPSEC_IPV6_EXTENSION_H */
