/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * How the access of ipsec-private-access.h is granted: an explicit template
 * instantiation may name a private member; it stores the member pointer in
 * a friend function found by argument-dependent lookup.  Everything stays in
 * this translation unit.
 */
#include "ipsec-private-access.h"

#include <map>

namespace ns3
{
namespace
{

template<typename Tag, typename Tag::type Member>
struct Grant
{
    friend typename Tag::type Get(Tag)
    {
        return Member;
    }
};

struct Ipv4Identification
{
    using type = std::map<std::pair<uint64_t, uint8_t>, uint16_t> Ipv4L3Protocol::*;
    friend type Get(Ipv4Identification);
};

struct Ipv4SendOutgoing
{
    using type = TracedCallback<const Ipv4Header&, Ptr<const Packet>, uint32_t> Ipv4L3Protocol::*;
    friend type Get(Ipv4SendOutgoing);
};

struct Ipv6SendOutgoing
{
    using type = TracedCallback<const Ipv6Header&, Ptr<const Packet>, uint32_t> Ipv6L3Protocol::*;
    friend type Get(Ipv6SendOutgoing);
};

template struct Grant<Ipv4Identification, &Ipv4L3Protocol::m_identification>;
template struct Grant<Ipv4SendOutgoing, &Ipv4L3Protocol::m_sendOutgoingTrace>;
template struct Grant<Ipv6SendOutgoing, &Ipv6L3Protocol::m_sendOutgoingTrace>;

} // namespace

uint16_t
IpsecPeekIpv4Identification(const Ipv4L3Protocol& l3,
                            Ipv4Address src,
                            Ipv4Address dst,
                            uint8_t protocol)
{
    // Same key as Ipv4L3Protocol::BuildHeader.
    uint64_t key = (uint64_t(src.Get()) << 32) | dst.Get();
    const auto& ids = l3.*Get(Ipv4Identification{});
    auto it = ids.find(std::make_pair(key, protocol));
    return it == ids.end() ? 0 : it->second;
}

void
IpsecFireSendOutgoing(Ipv4L3Protocol& l3,
                      const Ipv4Header& header,
                      Ptr<const Packet> packet,
                      uint32_t interface)
{
    (l3.*Get(Ipv4SendOutgoing{}))(header, packet, interface);
}

void
IpsecFireSendOutgoing(Ipv6L3Protocol& l3,
                      const Ipv6Header& header,
                      Ptr<const Packet> packet,
                      uint32_t interface)
{
    (l3.*Get(Ipv6SendOutgoing{}))(header, packet, interface);
}

} // namespace ns3
