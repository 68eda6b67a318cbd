/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Example scaffolding (examples/common, not part of the module): the raw
 * packet socket on a Linux interface that ipsec-ike-peer attaches its
 * simulated node to.
 */
#ifndef IPSEC_RAW_SOCKET_H
#define IPSEC_RAW_SOCKET_H

#include <string>

namespace ns3
{

/**
 * A raw packet socket (PF_PACKET, every protocol) on interface @p name,
 * the interface put into promiscuous mode (what ns-3's raw socket creator
 * does).  Needs root.
 * @param name the interface, e.g. a veth end
 * @param why the reason when it cannot be done
 * @return the socket's descriptor, or -1
 */
int IpsecOpenRawSocket(const std::string& name, std::string* why);

} // namespace ns3

#endif /* IPSEC_RAW_SOCKET_H */
