/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-spd.h"

#include "ns3/boolean.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cerrno>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecSpd");
NS_OBJECT_ENSURE_REGISTERED(IpsecSpd);

TypeId
IpsecSpd::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::IpsecSpd")
              .SetParent<Object>()
              .SetGroupName("Ipsec")
              .AddConstructor<IpsecSpd>()
              .AddAttribute("FirstPolicyId",
                            "spid of the first policy added (KAME/NetBSD 2.0: 16388, since the "
                            "system default and socket policies take 16384-16387 at boot; "
                            "K2001: 1).",
                            UintegerValue(16388),
                            MakeUintegerAccessor(&IpsecSpd::m_nextId),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("CacheSize",
                            "Packet selectors remembered per direction by the lookup cache "
                            "(0 disables the cache).",
                            UintegerValue(4096),
                            MakeUintegerAccessor(&IpsecSpd::m_cacheSize),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("MixedFamilyTunnels",
                            "Accept tunnel requests whose endpoints are of the other family "
                            "than the selector (IPv6 inside IPv4 and the reverse).  KAME's "
                            "key_spdadd refuses them (EINVAL), the default.",
                            BooleanValue(false),
                            MakeBooleanAccessor(&IpsecSpd::m_mixedFamilyTunnels),
                            MakeBooleanChecker());
    return tid;
}

IpsecSpd::IpsecSpd()
    : m_nextId(16388)
    , m_nextReqid(IPSEC_MANUAL_REQID_MAX + 2)
    , m_cacheSize(4096)
{
}

std::vector<Ptr<IpsecPolicy>>&
IpsecSpd::List(IpsecDirection dir)
{
    return dir == IpsecDirection::INBOUND ? m_in : m_out;
}

const std::vector<Ptr<IpsecPolicy>>&
IpsecSpd::GetPolicies(IpsecDirection dir) const
{
    return dir == IpsecDirection::INBOUND ? m_in : m_out;
}

uint32_t
IpsecSpd::GetN() const
{
    return m_in.size() + m_out.size();
}

namespace
{

int
Invalid(std::string* why, const std::string& text)
{
    if (why)
    {
        *why = text;
    }
    return EINVAL;
}

} // namespace

int
IpsecSpd::Add(Ptr<IpsecPolicy> policy, std::string* why)
{
    NS_LOG_FUNCTION(this << policy->SelectorString() << policy->PolicyString());
    const IpsecSelector& sel = policy->selector;
    if (policy->direction != IpsecDirection::INBOUND
        && policy->direction != IpsecDirection::OUTBOUND)
    {
        return Invalid(why, "invalid direction");
    }
    if (sel.src.GetFamily() != sel.dst.GetFamily())
    {
        return Invalid(why, "address family mismatched");
    }
    if (sel.prefs > sel.src.GetBits() || sel.prefd > sel.dst.GetBits())
    {
        return Invalid(why, "illegal prefixlen");
    }
    switch (policy->action)
    {
        case IpsecPolicyAction::ENTRUST:
        case IpsecPolicyAction::BYPASS:
            return Invalid(why, "entrust and bypass are per-socket policies");
        case IpsecPolicyAction::IPSEC:
            if (policy->requests.empty())
            {
                return Invalid(why, "ipsec policy without a request");
            }
            break;
        default:
            break;
    }
    if (policy->action == IpsecPolicyAction::IPSEC)
    {
        for (auto& r : policy->requests)
        {
            if (r.mode != IpsecMode::TRANSPORT && r.mode != IpsecMode::TUNNEL)
            {
                return Invalid(why, "invalid ipsec mode");
            }
            if (r.mode == IpsecMode::TUNNEL && (sel.sport != 0 || sel.dport != 0)
                && sel.ulproto != 58)
            {
                return Invalid(why, "tunnel request with a port in the selector");
            }
            if (r.HasEndpoints() && r.tunnelSrc.GetFamily() != sel.src.GetFamily()
                && !(m_mixedFamilyTunnels && r.mode == IpsecMode::TUNNEL))
            {
                return Invalid(why, "request endpoint family differs from the selector's");
            }
        }
    }
    for (const auto& p : List(policy->direction))
    {
        if (p->selector == sel)
        {
            if (why)
            {
                *why = "policy already exists";
            }
            return EEXIST;
        }
    }
    for (auto& r : policy->requests)
    {
        if (r.level == IpsecLevel::UNIQUE)
        {
            if (r.reqid == 0 || r.reqid > IPSEC_MANUAL_REQID_MAX)
            {
                r.reqid = m_nextReqid++;
            }
        }
        else
        {
            r.reqid = 0;
        }
    }
    policy->id = m_nextId++;
    policy->created = Simulator::Now();
    policy->lastUsed = policy->created;
    List(policy->direction).push_back(policy);
    InvalidateCache();
    return 0;
}

int
IpsecSpd::Delete(const IpsecSelector& sel, IpsecDirection dir)
{
    auto& list = List(dir);
    for (auto it = list.begin(); it != list.end(); ++it)
    {
        if ((*it)->selector == sel)
        {
            list.erase(it);
            InvalidateCache();
            return 0;
        }
    }
    return EINVAL;
}

int
IpsecSpd::DeleteById(uint32_t id)
{
    for (auto* list : {&m_in, &m_out})
    {
        for (auto it = list->begin(); it != list->end(); ++it)
        {
            if ((*it)->id == id)
            {
                list->erase(it);
                InvalidateCache();
                return 0;
            }
        }
    }
    return EINVAL;
}

Ptr<IpsecPolicy>
IpsecSpd::GetById(uint32_t id) const
{
    for (const auto* list : {&m_in, &m_out})
    {
        for (const auto& p : *list)
        {
            if (p->id == id)
            {
                return p;
            }
        }
    }
    return nullptr;
}

void
IpsecSpd::Flush()
{
    m_in.clear();
    m_out.clear();
    InvalidateCache();
}

uint64_t
IpsecSpd::GetGeneration() const
{
    return m_generation;
}

void
IpsecSpd::InvalidateCache()
{
    ++m_generation;
    m_cache[0].clear();
    m_cache[1].clear();
}

std::string
IpsecSpd::CacheKey(const IpsecSelector& pkt)
{
    std::string k(reinterpret_cast<const char*>(pkt.src.Bytes()), pkt.src.Size());
    k.append(reinterpret_cast<const char*>(pkt.dst.Bytes()), pkt.dst.Size());
    const uint8_t tail[5] = {static_cast<uint8_t>(pkt.sport >> 8),
                             static_cast<uint8_t>(pkt.sport),
                             static_cast<uint8_t>(pkt.dport >> 8),
                             static_cast<uint8_t>(pkt.dport),
                             pkt.ulproto};
    k.append(reinterpret_cast<const char*>(tail), sizeof(tail));
    return k;
}

Ptr<IpsecPolicy>
IpsecSpd::Lookup(IpsecDirection dir, const IpsecSelector& pkt)
{
    auto& list = List(dir);
    if (list.empty())
    {
        return nullptr;
    }
    auto& cache = m_cache[dir == IpsecDirection::INBOUND ? 0 : 1];
    std::string key;
    if (m_cacheSize > 0)
    {
        key = CacheKey(pkt);
        auto hit = cache.find(key);
        if (hit != cache.end())
        {
            if (hit->second == 0)
            {
                return nullptr;
            }
            Ptr<IpsecPolicy> p = list[hit->second - 1];
            p->lastUsed = Simulator::Now();
            return p;
        }
    }
    uint32_t found = 0;
    for (uint32_t i = 0; i < list.size(); ++i)
    {
        if (list[i]->selector.Matches(pkt))
        {
            found = i + 1;
            break;
        }
    }
    if (m_cacheSize > 0)
    {
        if (cache.size() >= m_cacheSize)
        {
            cache.clear();
        }
        cache.emplace(std::move(key), found);
    }
    if (found == 0)
    {
        return nullptr;
    }
    list[found - 1]->lastUsed = Simulator::Now();
    return list[found - 1];
}

} // namespace ns3
