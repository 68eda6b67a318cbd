/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipv4-nat-helper.h"

#include "ns3/abort.h"
#include "ns3/ipv4-nat-routing.h"
#include "ns3/ipv4-nat.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/net-device.h"
#include "ns3/node.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("Ipv4NatHelper");

Ipv4NatHelper::Ipv4NatHelper()
{
    m_factory.SetTypeId(Ipv4Nat::GetTypeId());
}

void
Ipv4NatHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

Ptr<Ipv4Nat>
Ipv4NatHelper::Install(Ptr<Node> node, const std::vector<uint32_t>& inside, uint32_t outside) const
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    NS_ABORT_MSG_IF(!ipv4, "Ipv4NatHelper: install an internet stack on the node first");
    NS_ABORT_MSG_IF(node->GetObject<Ipv4Nat>(), "Ipv4NatHelper: the node already has a NAT");
    NS_ABORT_MSG_IF(outside >= ipv4->GetNInterfaces(), "Ipv4NatHelper: no such outside interface");
    Ptr<Ipv4RoutingProtocol> inner = ipv4->GetRoutingProtocol();
    NS_ABORT_MSG_IF(!inner, "Ipv4NatHelper: the node has no routing protocol");
    Ptr<Ipv4Nat> nat = m_factory.Create<Ipv4Nat>();
    nat->SetIpv4(ipv4);
    nat->SetOutsideInterface(outside);
    for (uint32_t i : inside)
    {
        NS_ABORT_MSG_IF(i >= ipv4->GetNInterfaces() || i == outside,
                        "Ipv4NatHelper: bad inside interface " << i);
        nat->AddInsideInterface(i);
    }
    node->AggregateObject(nat);
    Ptr<Ipv4NatRouting> wrapper = CreateObject<Ipv4NatRouting>();
    wrapper->SetInner(inner);
    wrapper->SetNat(nat);
    ipv4->SetRoutingProtocol(wrapper);
    return nat;
}

Ptr<Ipv4Nat>
Ipv4NatHelper::Install(Ptr<Node> node, Ptr<NetDevice> inside, Ptr<NetDevice> outside) const
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    NS_ABORT_MSG_IF(!ipv4, "Ipv4NatHelper: install an internet stack on the node first");
    int32_t in = ipv4->GetInterfaceForDevice(inside);
    int32_t out = ipv4->GetInterfaceForDevice(outside);
    NS_ABORT_MSG_IF(in < 0 || out < 0, "Ipv4NatHelper: a device has no IPv4 interface");
    return Install(node, std::vector<uint32_t>{uint32_t(in)}, uint32_t(out));
}

bool
Ipv4NatHelper::AddStaticPortForward(Ptr<Node> node,
                                    uint8_t protocol,
                                    uint16_t outsidePort,
                                    Ipv4Address insideAddress,
                                    uint16_t insidePort)
{
    Ptr<Ipv4Nat> nat = node->GetObject<Ipv4Nat>();
    NS_ABORT_MSG_IF(!nat, "Ipv4NatHelper: the node has no NAT");
    return nat->AddStaticPortMapping(protocol, outsidePort, insideAddress, insidePort);
}

void
Ipv4NatHelper::AddPoolAddress(Ptr<Node> node, Ipv4Address address)
{
    Ptr<Ipv4Nat> nat = node->GetObject<Ipv4Nat>();
    NS_ABORT_MSG_IF(!nat, "Ipv4NatHelper: the node has no NAT");
    nat->AddPoolAddress(address);
}

int64_t
Ipv4NatHelper::AssignStreams(NodeContainer nodes, int64_t stream)
{
    int64_t current = stream;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        Ptr<Ipv4Nat> nat = (*it)->GetObject<Ipv4Nat>();
        if (nat)
        {
            current += nat->AssignStreams(current);
        }
    }
    return current - stream;
}

} // namespace ns3
