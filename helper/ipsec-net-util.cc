/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-net-util.h"

#include "ns3/ipv6.h"
#include "ns3/node.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/traffic-control-layer.h"

namespace ns3
{

uint32_t
IpsecAssignIpv6(Ptr<NetDevice> device, const std::string& address, bool forwarding)
{
    Ptr<Ipv6> ipv6 = device->GetNode()->GetObject<Ipv6>();
    int32_t i = ipv6->GetInterfaceForDevice(device);
    if (i < 0)
    {
        i = ipv6->AddInterface(device);
    }
    ipv6->AddAddress(i, Ipv6InterfaceAddress(Ipv6Address(address.c_str()), Ipv6Prefix(64)));
    ipv6->SetUp(i);
    ipv6->SetForwarding(i, forwarding);
    Ptr<TrafficControlLayer> tc = device->GetNode()->GetObject<TrafficControlLayer>();
    if (tc && !tc->GetRootQueueDiscOnDevice(device))
    {
        TrafficControlHelper::Default().Install(device);
    }
    return i;
}

} // namespace ns3
