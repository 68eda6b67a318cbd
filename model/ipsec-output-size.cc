/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * What IPsec adds to a datagram's size on output (KAME ipsec_hdrsiz /
 * ipsec4_hdrsiz_tcp): the overhead of a policy's transforms and tunnel
 * headers, and the TCP segment size lowered to fit it (tcp_mss with
 * ipsec_hdrsiz).
 */
#include "ipsec-header-walk.h"
#include "ipsec-private-access.h"
#include "ipsec-stack.h"
#include "ipsec-transform.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-l4-protocol.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecOutputSize");

uint32_t
IpsecStack::OutputOverhead(const IpsecSelector& sel)
{
    return PolicyOverhead(m_spd->Lookup(IpsecDirection::OUTBOUND, sel), sel);
}

uint32_t
IpsecStack::PolicyOverhead(Ptr<IpsecPolicy> policy, const IpsecSelector& sel)
{
    if (!policy || policy->action != IpsecPolicyAction::IPSEC)
    {
        return 0;
    }
    uint32_t size = 0;
    // A transport request without endpoints uses the addresses of the header
    // current at its place in the bundle (the outer ones after a tunnel).
    IpsecAddress curSrc = sel.src;
    IpsecAddress curDst = sel.dst;
    for (const IpsecRequest& req : policy->requests)
    {
        const IpsecAddress& src = req.HasEndpoints() ? req.tunnelSrc : curSrc;
        const IpsecAddress& dst = req.HasEndpoints() ? req.tunnelDst : curDst;
        if (req.mode == IpsecMode::TUNNEL)
        {
            size += req.tunnelSrc.IsV6() ? 40 : 20;
            curSrc = req.tunnelSrc;
            curDst = req.tunnelDst;
        }
        Ptr<IpsecSa> sa = m_sad->SelectOutbound(src, dst, req.proto, req.mode, req.reqid);
        size += IpsecTransform::Get(req.proto).HeaderOverhead(PeekPointer(sa), src.IsV6());
        if (sa && sa->params.IsUdpEncapsulated())
        {
            size += 8; // the UDP header of RFC 3948
        }
    }
    return size;
}

void
IpsecStack::FitTcpSegmentSize(Ptr<const Packet> segment, const IpsecIpHeader& ip, uint32_t mtu)
{
    if (ip.protocol != 6 || segment->GetSize() < 20 || !m_node)
    {
        return;
    }
    // The ports and the flags, read off the bytes: TcpHeader::Deserialize
    // creates an object for every option of every segment.
    uint8_t b[14];
    segment->CopyData(b, sizeof(b));
    if (!(b[13] & TcpHeader::SYN))
    {
        return;
    }
    const uint16_t sport = (b[0] << 8) | b[1];
    const uint16_t dport = (b[2] << 8) | b[3];
    // The segment's socket decides (KAME ipsec4_hdrsiz with the socket):
    // its own policy, or the SPD.  Not counted as a lookup.
    IpsecSelector sel = IpsecPacketSelector(ip.src, ip.dst, 6, segment, IpsecWalkRules{});
    IpsecSocketPolicyRegistry::Lookup lookup = OutputPolicy(ip, segment, sel, false);
    uint32_t overhead = lookup.result == IpsecSocketPolicyRegistry::Lookup::POLICY
                          ? PolicyOverhead(lookup.policy, sel)
                          : 0;
    uint32_t fixed = ip.Size() + 20 + 12 + overhead;
    Ptr<TcpL4Protocol> l4 = m_node->GetObject<TcpL4Protocol>();
    if (overhead == 0 || mtu <= fixed || !l4)
    {
        return;
    }
    Address local = ip.IsV6() ? Address(Inet6SocketAddress(ip.src.ToIpv6(), sport))
                              : Address(InetSocketAddress(ip.src.ToIpv4(), sport));
    Address peer = ip.IsV6() ? Address(Inet6SocketAddress(ip.dst.ToIpv6(), dport))
                             : Address(InetSocketAddress(ip.dst.ToIpv4(), dport));
    uint32_t size = IpsecLowerTcpSegmentSize(*l4, local, peer, mtu - fixed);
    NS_LOG_LOGIC("TCP segment size " << size << " for an IPsec overhead of " << overhead);
}

} // namespace ns3
