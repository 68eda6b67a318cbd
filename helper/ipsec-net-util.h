/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Addressing utilities for topologies whose setkey scripts name fixed
 * addresses: a fixed IPv6 address on a device, and ARP / neighbour caches
 * filled beforehand.  The topology helpers (IpsecHostToHostHelper,
 * IpsecVpnHelper, IpsecLeafNodeHelper) use them; so can a user's own
 * topology.
 */
#ifndef IPSEC_NET_UTIL_H
#define IPSEC_NET_UTIL_H

#include "ns3/net-device-container.h"
#include "ns3/net-device.h"

#include <string>

namespace ns3
{

/**
 * @ingroup ipsec-helpers
 * Gives @p device's node an IPv6 interface on @p device with the fixed
 * address @p address/64, so that a setkey script can name it, brings the
 * interface up, installs the default queue disc as Ipv6AddressHelper::Assign
 * would, and enables forwarding on the interface when @p forwarding (a
 * gateway or a router).  The node needs an IPv6 stack (IpsecStackHelper or
 * InternetStackHelper); the interface is reused when it exists, so a device
 * can get several addresses.
 *
 * @code
 *   IpsecAssignIpv6(devices.Get(0), "fd00:10:1::1", false); // host A
 *   IpsecAssignIpv6(devices.Get(1), "fd00:10:1::2", true);  // its router
 * @endcode
 *
 * @param device the device (its node has an Ipv6 object)
 * @param address the address, in IPv6 text form, with a /64 prefix
 * @param forwarding whether the interface forwards datagrams
 * @return the IPv6 interface index of @p device
 */
uint32_t IpsecAssignIpv6(Ptr<NetDevice> device, const std::string& address, bool forwarding);

/**
 * @ingroup ipsec-helpers
 * Fills the ARP and neighbour caches of @p devices (devices of one link)
 * with permanent entries for each other's addresses (IPv4; IPv6 global and
 * link-local), so that no ARP or neighbour discovery runs between them (and
 * none crosses the IPsec policies).  Call it after the addresses are
 * assigned.  Unlike ns-3's NeighborCacheHelper it accepts nodes with one
 * family only and other devices on the link whose nodes have no IP stack at
 * all, such as an IpsecAdversary's (they are left alone).
 *
 * @code
 *   NetDeviceContainer lan = csma.Install(NodeContainer(a, b, attacker));
 *   ...                                       // addresses of a and b
 *   IpsecFillNeighbourCaches(NetDeviceContainer(lan.Get(0), lan.Get(1)));
 * @endcode
 *
 * @param devices the devices of one link
 */
void IpsecFillNeighbourCaches(const NetDeviceContainer& devices);

} // namespace ns3

#endif /* IPSEC_NET_UTIL_H */
