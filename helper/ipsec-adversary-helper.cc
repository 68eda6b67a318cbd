/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-adversary-helper.h"

#include "ns3/log.h"
#include "ns3/mac48-address.h"
#include "ns3/node.h"

#include <cstdlib>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecAdversaryHelper");

IpsecAdversaryHelper::IpsecAdversaryHelper()
    : m_start(Seconds(1))
    , m_stop(Time::Max())
{
    m_factory.SetTypeId(IpsecAdversary::GetTypeId());
}

void
IpsecAdversaryHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

void
IpsecAdversaryHelper::SetAttacks(const std::vector<IpsecAttack>& attacks)
{
    m_attacks = attacks;
}

bool
IpsecAdversaryHelper::SetAttacks(const std::string& list, std::string* error)
{
    std::vector<IpsecAttack> attacks;
    if (!IpsecParseAttacks(list, &attacks, error))
    {
        return false;
    }
    m_attacks = attacks;
    return true;
}

void
IpsecAdversaryHelper::SetVictim(const IpsecAddress& address, Ptr<NetDevice> device)
{
    m_victim = address;
    m_victimDevice = device;
}

void
IpsecAdversaryHelper::SetPeer(const IpsecAddress& address)
{
    m_peer = address;
}

bool
IpsecAdversaryHelper::AddProtectedPrefix(const std::string& prefix)
{
    std::string addr = prefix;
    int length = -1;
    std::size_t slash = prefix.find('/');
    if (slash != std::string::npos)
    {
        addr = prefix.substr(0, slash);
        std::string len = prefix.substr(slash + 1);
        char* end = nullptr;
        long v = std::strtol(len.c_str(), &end, 10);
        if (len.empty() || *end != '\0' || v < 0 || v > 128)
        {
            return false;
        }
        length = static_cast<int>(v);
    }
    auto a = IpsecAddress::Parse(addr);
    if (!a || (length >= 0 && length > a->GetBits()))
    {
        return false;
    }
    AddProtectedPrefix(*a, static_cast<uint8_t>(length < 0 ? a->GetBits() : length));
    return true;
}

void
IpsecAdversaryHelper::AddProtectedPrefix(const IpsecAddress& prefix, uint8_t length)
{
    m_prefixes.emplace_back(prefix, length);
}

void
IpsecAdversaryHelper::SetSpoofDestination(const IpsecAddress& address)
{
    m_spoofDestination = address;
}

void
IpsecAdversaryHelper::SetStartStop(Time start, Time stop)
{
    m_start = start;
    m_stop = stop;
}

Ptr<IpsecAdversary>
IpsecAdversaryHelper::Install(Ptr<NetDevice> device) const
{
    NS_ABORT_MSG_IF(!device || !device->GetNode(), "IpsecAdversaryHelper: a device on a node");
    Ptr<IpsecAdversary> app = m_factory.Create<IpsecAdversary>();
    device->GetNode()->AddApplication(app);
    app->SetDevice(device);
    app->SetVictim(m_victim);
    if (m_victimDevice)
    {
        app->SetVictimMac(m_victimDevice->GetAddress());
    }
    if (m_peer.GetFamily() != IpsecAddress::NONE)
    {
        app->SetPeer(m_peer);
    }
    for (const auto& [prefix, length] : m_prefixes)
    {
        app->AddProtectedPrefix(prefix, length);
    }
    if (m_spoofDestination.GetFamily() != IpsecAddress::NONE)
    {
        app->SetSpoofDestination(m_spoofDestination);
    }
    app->SetAttacks(m_attacks);
    app->SetStartTime(m_start);
    if (m_stop != Time::Max())
    {
        app->SetStopTime(m_stop);
    }
    return app;
}

} // namespace ns3
