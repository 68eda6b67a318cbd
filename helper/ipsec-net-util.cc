/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-net-util.h"

#include "ns3/arp-cache.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv6-interface.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/ipv6.h"
#include "ns3/ndisc-cache.h"
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

void
IpsecFillNeighbourCaches(const NetDeviceContainer& devices)
{
    for (uint32_t i = 0; i < devices.GetN(); ++i)
    {
        Ptr<NetDevice> me = devices.Get(i);
        Ptr<Ipv4L3Protocol> ip4 = me->GetNode()->GetObject<Ipv4L3Protocol>();
        Ptr<Ipv6L3Protocol> ip6 = me->GetNode()->GetObject<Ipv6L3Protocol>();
        for (uint32_t j = 0; j < devices.GetN(); ++j)
        {
            Ptr<NetDevice> other = devices.Get(j);
            if (i == j)
            {
                continue;
            }
            Ptr<Ipv4L3Protocol> o4 = other->GetNode()->GetObject<Ipv4L3Protocol>();
            Ptr<Ipv6L3Protocol> o6 = other->GetNode()->GetObject<Ipv6L3Protocol>();
            int32_t mine = ip4 ? ip4->GetInterfaceForDevice(me) : -1;
            int32_t theirs = o4 ? o4->GetInterfaceForDevice(other) : -1;
            Ptr<ArpCache> arp = mine >= 0 ? ip4->GetInterface(mine)->GetArpCache() : nullptr;
            if (arp && theirs >= 0)
            {
                Ptr<Ipv4Interface> oi = o4->GetInterface(theirs);
                for (uint32_t a = 0; a < oi->GetNAddresses(); ++a)
                {
                    Ipv4Address addr = oi->GetAddress(a).GetLocal();
                    ArpCache::Entry* e = arp->Lookup(addr);
                    e = e ? e : arp->Add(addr);
                    e->SetMacAddress(other->GetAddress());
                    e->MarkPermanent();
                }
            }
            mine = ip6 ? ip6->GetInterfaceForDevice(me) : -1;
            theirs = o6 ? o6->GetInterfaceForDevice(other) : -1;
            Ptr<NdiscCache> nd = mine >= 0 ? ip6->GetInterface(mine)->GetNdiscCache() : nullptr;
            if (nd && theirs >= 0)
            {
                Ptr<Ipv6Interface> oi = o6->GetInterface(theirs);
                for (uint32_t a = 0; a < oi->GetNAddresses(); ++a)
                {
                    Ipv6Address addr = oi->GetAddress(a).GetAddress();
                    NdiscCache::Entry* e = nd->Lookup(addr);
                    e = e ? e : nd->Add(addr);
                    e->SetMacAddress(other->GetAddress());
                    e->MarkPermanent();
                }
            }
        }
    }
}

} // namespace ns3
