/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-list-routing-helper.h"

#include "ns3/ipsec-list-routing.h"
#include "ns3/node.h"

namespace ns3
{

IpsecIpv4ListRoutingHelper::IpsecIpv4ListRoutingHelper() = default;

IpsecIpv4ListRoutingHelper::IpsecIpv4ListRoutingHelper(const IpsecIpv4ListRoutingHelper& o)
    : Ipv4RoutingHelper(o)
    , m_list(o.m_list)
{
}

IpsecIpv4ListRoutingHelper*
IpsecIpv4ListRoutingHelper::Copy() const
{
    return new IpsecIpv4ListRoutingHelper(*this);
}

void
IpsecIpv4ListRoutingHelper::Add(const Ipv4RoutingHelper& routing, int16_t priority)
{
    m_list.emplace_back(std::shared_ptr<const Ipv4RoutingHelper>(routing.Copy()), priority);
}

Ptr<Ipv4RoutingProtocol>
IpsecIpv4ListRoutingHelper::Create(Ptr<Node> node) const
{
    Ptr<IpsecIpv4ListRouting> list = CreateObject<IpsecIpv4ListRouting>();
    for (const auto& [helper, priority] : m_list)
    {
        list->AddRoutingProtocol(helper->Create(node), priority);
    }
    return list;
}

IpsecIpv6ListRoutingHelper::IpsecIpv6ListRoutingHelper() = default;

IpsecIpv6ListRoutingHelper::IpsecIpv6ListRoutingHelper(const IpsecIpv6ListRoutingHelper& o)
    : Ipv6RoutingHelper(o)
    , m_list(o.m_list)
{
}

IpsecIpv6ListRoutingHelper*
IpsecIpv6ListRoutingHelper::Copy() const
{
    return new IpsecIpv6ListRoutingHelper(*this);
}

void
IpsecIpv6ListRoutingHelper::Add(const Ipv6RoutingHelper& routing, int16_t priority)
{
    m_list.emplace_back(std::shared_ptr<const Ipv6RoutingHelper>(routing.Copy()), priority);
}

Ptr<Ipv6RoutingProtocol>
IpsecIpv6ListRoutingHelper::Create(Ptr<Node> node) const
{
    Ptr<IpsecIpv6ListRouting> list = CreateObject<IpsecIpv6ListRouting>();
    for (const auto& [helper, priority] : m_list)
    {
        list->AddRoutingProtocol(helper->Create(node), priority);
    }
    return list;
}

} // namespace ns3
