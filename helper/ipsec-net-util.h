/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Small addressing utilities the topology helpers share.
 */
#ifndef IPSEC_NET_UTIL_H
#define IPSEC_NET_UTIL_H

#include "ns3/net-device-container.h"
#include "ns3/net-device.h"

#include <string>

namespace ns3
{

/**
 * Gives @p device's node an IPv6 interface on it with the fixed address
 * @p address/64 (so setkey scripts can name it), brings it up, installs the
 * default queue disc as Ipv6AddressHelper::Assign would, and enables
 * forwarding when @p forwarding.  Returns the interface index.
 */
uint32_t IpsecAssignIpv6(Ptr<NetDevice> device, const std::string& address, bool forwarding);

/**
 * Fills the ARP and neighbour caches of @p devices (devices of one link)
 * with permanent entries for each other's addresses (IPv4; IPv6 global and
 * link-local), so that no ARP or neighbour discovery runs between them.
 * Unlike ns-3's NeighborCacheHelper it accepts nodes with one family only
 * and other devices on the link whose nodes have no IP stack at all (they
 * are left alone).
 */
void IpsecFillNeighbourCaches(const NetDeviceContainer& devices);

} // namespace ns3

#endif /* IPSEC_NET_UTIL_H */
