/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Installs the NAT box (Ipv4Nat and its routing wrapper Ipv4NatRouting) on
 * a router node of any ns-3 topology with an IPv4 stack.
 */
#ifndef IPV4_NAT_HELPER_H
#define IPV4_NAT_HELPER_H

#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <vector>

namespace ns3
{

class Ipv4Nat;
class NetDevice;
class Node;

/**
 * @ingroup ipsec
 * Installs a NAT box on a router: an Ipv4Nat aggregated to the node, and an
 * Ipv4NatRouting wrapping the node's routing protocol (installed after the
 * internet stack, InternetStackHelper or IpsecStackHelper, and after the
 * interfaces have their addresses).
 *
 * @code
 * Ipv4NatHelper nat;
 * nat.SetAttribute("UdpTimeout", TimeValue(Seconds(30)));
 * Ptr<Ipv4Nat> box = nat.Install(router, insideDevice, outsideDevice);
 * nat.AddStaticPortForward(router, 17, 5000, Ipv4Address("10.0.0.2"), 5000);
 * @endcode
 */
class Ipv4NatHelper
{
  public:
    Ipv4NatHelper();

    /**
     * Set an attribute of the Ipv4Nat objects this helper makes.
     * @param name the attribute's name
     * @param value its value
     */
    void SetAttribute(const std::string& name, const AttributeValue& value);

    /**
     * Install a NAT on a router.
     * @param node the router (with an IPv4 stack)
     * @param inside the IPv4 interface indexes of the inside networks
     * @param outside the IPv4 interface index of the outside network
     * @return the NAT
     */
    Ptr<Ipv4Nat> Install(Ptr<Node> node,
                         const std::vector<uint32_t>& inside,
                         uint32_t outside) const;
    /**
     * Install a NAT on a router, naming its devices.
     * @param node the router (with an IPv4 stack)
     * @param inside the device of the inside network
     * @param outside the device of the outside network
     * @return the NAT
     */
    Ptr<Ipv4Nat> Install(Ptr<Node> node, Ptr<NetDevice> inside, Ptr<NetDevice> outside) const;

    /**
     * Add a static port forward (RFC 4787's "static mapping"): the node's NAT
     * sends datagrams to its outside address's port to the inside endpoint.
     * @param node a node with a NAT installed
     * @param protocol 6 (TCP) or 17 (UDP)
     * @param outsidePort the outside port
     * @param insideAddress the inside host
     * @param insidePort its port
     * @return false if refused (see Ipv4Nat::AddStaticPortMapping)
     */
    static bool AddStaticPortForward(Ptr<Node> node,
                                     uint8_t protocol,
                                     uint16_t outsidePort,
                                     Ipv4Address insideAddress,
                                     uint16_t insidePort);
    /**
     * Add an address to the node's NAT's address-only pool.
     * @param node a node with a NAT installed
     * @param address the address
     */
    static void AddPoolAddress(Ptr<Node> node, Ipv4Address address);

    /**
     * Use fixed random streams for the NATs of some nodes.
     * @param nodes the nodes (those without a NAT are skipped)
     * @param stream the first stream index
     * @return the number of streams used
     */
    static int64_t AssignStreams(NodeContainer nodes, int64_t stream);

  private:
    ObjectFactory m_factory; ///< makes the Ipv4Nat
};

} // namespace ns3

#endif /* IPV4_NAT_HELPER_H */
