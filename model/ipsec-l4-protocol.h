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
#include "ns3/net-device.h"

namespace ns3
{

class Ipv4L3Protocol;
class Ipv6L3Protocol;

class IpsecL4Protocol : public IpL4Protocol
{
  public:
    static TypeId GetTypeId();
    IpsecL4Protocol();

    /// Binds the receiver to a node's stack; @p protocol is 50, 51, 108, 4 or 41.
    void Setup(Ptr<IpsecStack> ipsec, uint8_t protocol);

    /**
     * Processes @p payload, which starts with this receiver's protocol and
     * arrived with @p outer (protocol set to it; IPv6 extension headers in
     * front of it in outer.ext) on @p device: decapsulates, then re-injects
     * the inner datagram, or in transport mode the datagram rebuilt with
     * the upper-layer protocol (the extension headers already processed are
     * not repeated).
     */
    void Input(Ptr<Packet> payload, const IpsecIpHeader& outer, Ptr<NetDevice> device);

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
    /// Hands the decapsulated datagram (with its IP header) to IP input.
    void Reinject(const IpsecStack::DecapResult& r, Ptr<NetDevice> device);
    template <typename L3>
    static Ptr<NetDevice> DeviceFor(Ptr<L3> l3, Ptr<NetDevice> preferred);

    Ptr<IpsecStack> m_ipsec;
    uint8_t m_protocol;
    IpL4Protocol::DownTargetCallback m_downTarget;
    IpL4Protocol::DownTargetCallback6 m_downTarget6;
};

} // namespace ns3

#endif /* IPSEC_L4_PROTOCOL_H */
