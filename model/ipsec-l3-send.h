/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * What IpsecIpv4L3Protocol::Send and IpsecIpv6L3Protocol::Send share once
 * each has described its datagram: run the output processing, then send
 * the datagram in clear, drop it, or hand the protected datagram to the
 * L3's SendProtected (routing, header, fragmentation), after letting flow
 * probes see the plaintext on the SendOutgoing trace.
 */
#ifndef IPSEC_L3_SEND_H
#define IPSEC_L3_SEND_H

#include "ipsec-packet-util.h"
#include "ipsec-private-access.h"
#include "ipsec-stack.h"
#include "ns3/icmpv6-l4-protocol.h"
#include "ns3/ipv6-header.h"

#include <type_traits>

namespace ns3
{

/**
 * @ingroup ipsec-glue
 * KAME's ipsec6_output_trans on a missing SA: an ICMPv6 destination
 * unreachable (code 1, administratively prohibited) goes back to the local
 * sender -- never about an ICMPv6 error, so errors cannot beget errors.
 * @param icmp the node's ICMPv6
 * @param payload the datagram's payload
 * @param header the header it would have had
 */
void IpsecIcmp6AdminProhibited(Ptr<Icmpv6L4Protocol> icmp,
                               Ptr<const Packet> payload,
                               const Ipv6Header& header);

/**
 * @ingroup ipsec-glue
 * The output processing of a datagram an L3 Send is given: then sends it in
 * clear, drops it, or hands the protected datagram to the L3's
 * SendProtected, after letting flow probes see the plaintext on the
 * SendOutgoing trace.
 * @tparam BaseL3 Ipv4L3Protocol or Ipv6L3Protocol (its Send is called non-virtually)
 * @tparam L3 the IPsec L3 (IpsecIpv4L3Protocol or IpsecIpv6L3Protocol)
 * @tparam Route Ipv4Route or Ipv6Route
 * @param l3 the IPsec L3 (provides SendProtected)
 * @param depth the caller's re-entrancy counter (BaseL3::Send may call Send again)
 * @param ipsec the node's IPsec
 * @param ctx what the L3 knows of the datagram
 * @param packet the datagram's payload
 * @param protocol its upper-layer protocol
 * @param route the route Send was given
 * @param fragmentHeader the header of a fragment the L3 made itself, or
 *        nullptr for a whole datagram, whose header is the context's over
 *        the payload (built only when a protected datagram or an ICMPv6
 *        error needs it: a datagram in clear needs only its addresses)
 */
template <typename BaseL3, typename L3, typename Route>
void
IpsecProtectAndSend(
    L3& l3,
    uint32_t& depth,
    IpsecStack& ipsec,
    const IpsecStack::OutputContext& ctx,
    Ptr<Packet> packet,
    uint8_t protocol,
    Ptr<Route> route,
    const std::conditional_t<std::is_same_v<BaseL3, Ipv6L3Protocol>, Ipv6Header, Ipv4Header>*
        fragmentHeader
    = nullptr)
{
    const uint32_t size = packet->GetSize();
    auto plainHeader = [&]()
    {
        if constexpr (std::is_same_v<BaseL3, Ipv6L3Protocol>)
        {
            return fragmentHeader ? *fragmentHeader : ctx.header.ToIpv6(size);
        }
        else
        {
            return fragmentHeader ? *fragmentHeader : ctx.header.ToIpv4(size);
        }
    };
    IpsecStack::OutputResult r = ipsec.ProcessOutput(packet, ctx);
    switch (r.verdict)
    {
        case IpsecStack::Verdict::DROP:
            if constexpr (std::is_same_v<BaseL3, Ipv6L3Protocol>)
            {
                if (r.adminProhibited)
                {
                    IpsecIcmp6AdminProhibited(l3.GetIcmpv6(), packet, plainHeader());
                }
            }
            return;
        case IpsecStack::Verdict::BYPASS:
            if constexpr (std::is_same_v<BaseL3, Ipv6L3Protocol>)
            {
                l3.BaseL3::Send(
                    packet, ctx.header.src.ToIpv6(), ctx.header.dst.ToIpv6(), protocol, route);
            }
            else
            {
                l3.BaseL3::Send(
                    packet, ctx.header.src.ToIpv4(), ctx.header.dst.ToIpv4(), protocol, route);
            }
            return;
        case IpsecStack::Verdict::PROTECTED:
            break;
    }
    // Flow probes classify (and tag) the plaintext; the tags they add are
    // carried over to the protected datagram.
    int32_t iface = route ? l3.GetInterfaceForDevice(route->GetOutputDevice()) : -1;
    IpsecFireSendOutgoing(l3, plainHeader(), packet, iface < 0 ? 0 : iface);
    r.packet->RemoveAllByteTags();
    IpsecCopyByteTags(packet, r.packet);
    Ptr<L3> self = &l3;
    ipsec.AfterOutputCrypto(r,
                            [self, &depth, route](const IpsecStack::OutputResult& result)
                            {
                                ++depth;
                                self->SendProtected(result, route);
                                --depth;
                            });
}

} // namespace ns3

#endif /* IPSEC_L3_SEND_H */
