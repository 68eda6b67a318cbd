/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-tcp-guard.h"

#include "ipsec-input-checks.h"
#include "ipsec-private-access.h"
#include "ipsec-stack.h"
#include "ns3/ipv4-end-point.h"
#include "ns3/ipv6-end-point.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecTcpGuard");

namespace
{

constexpr uint8_t TH_RST = 0x04;
constexpr uint8_t TH_SYN = 0x02;
constexpr uint8_t TH_ACK = 0x10;

/// Whether the end point has no peer (a listening socket's, or a bound
/// one's): neither a peer address nor a peer port.
bool
Unconnected(const void* endPoint, bool v6)
{
    // The getters are not const in ns-3 3.37; they only read.
    if (v6)
    {
        auto* e = const_cast<Ipv6EndPoint*>(static_cast<const Ipv6EndPoint*>(endPoint));
        return e->GetPeerPort() == 0 && e->GetPeerAddress().IsAny();
    }
    auto* e = const_cast<Ipv4EndPoint*>(static_cast<const Ipv4EndPoint*>(endPoint));
    return e->GetPeerPort() == 0 && e->GetPeerAddress().IsAny();
}

} // namespace

bool
IpsecGuardTcpSegment(
    IpsecStack* ipsec, TcpL4Protocol& tcp, Ptr<Packet> segment, const void* endPoint, bool v6)
{
    uint8_t h[20];
    segment->CopyData(h, sizeof(h));
    const uint8_t flags = h[13];
    const bool syn = flags & TH_SYN;
    const bool ack = flags & TH_ACK;
    const bool rst = flags & TH_RST;
    IpsecDropReason reason;
    const char* why = nullptr;
    if (Unconnected(endPoint, v6))
    {
        if (rst)
        {
            reason = IpsecDropReason::TCP_LISTEN_RESET;
            why = "a RST to a socket without a peer";
        }
        else if (!syn || ack)
        {
            reason = IpsecDropReason::TCP_BAD_SYN;
            why = "a segment other than a SYN to a socket without a peer";
        }
    }
    else if (!syn && !ack && !rst && IpsecTcpInSynSent(tcp, endPoint, v6))
    {
        reason = IpsecDropReason::TCP_NO_ACK;
        why = "a segment with none of SYN, ACK and RST to a socket in SYN_SENT";
    }
    if (why)
    {
        NS_LOG_LOGIC("dropped: " << why);
        if (ipsec)
        {
            ipsec->NotifyDrop(segment, v6, reason, why);
        }
        return false;
    }
    if ((syn || ack) && h[14] == 0 && h[15] == 0)
    {
        const uint32_t ackNumber = (uint32_t(h[8]) << 24) | (h[9] << 16) | (h[10] << 8) | h[11];
        if (IpsecTcpIdleAtZeroWindow(tcp, endPoint, v6, ack, ackNumber))
        {
            NS_LOG_LOGIC("a zero window to a socket with nothing to probe with: read as 1");
            uint8_t fixed[20];
            std::copy(h, h + sizeof(h), fixed);
            fixed[15] = 1;
            IpsecRewriteTcpHeader(segment, h, fixed, sizeof(fixed));
        }
    }
    return true;
}

} // namespace ns3
