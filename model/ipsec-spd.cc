/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-spd.h"

#include "ns3/boolean.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

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
                            "Packet selectors remembered per direction by the lookup cache in "
                            "front of the SPD's index (a direct-mapped table that grows with "
                            "the flows seen up to this many slots; 0 disables the cache).",
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

// ---- keys -------------------------------------------------------------------

namespace
{

/// Slots of a direction's lookup cache at first (it grows with the flows seen).
constexpr uint32_t CACHE_FIRST_SLOTS = 8;

/// Word 4 of a key: both families, the upper-layer protocol and the ports.
constexpr uint64_t META_FAMILIES = 0xffffull;
constexpr uint64_t META_PROTO = 0xffull << 16;
constexpr uint64_t META_SPORT = 0xffffull << 24;
constexpr uint64_t META_DPORT = 0xffffull << 40;

/// The 16 bytes of an address (zero-padded) as two words.
void
AddressWords(const IpsecAddress& a, uint64_t* w)
{
    uint8_t bytes[16] = {0};
    std::memcpy(bytes, a.Bytes(), a.Size());
    std::memcpy(w, bytes, sizeof(bytes));
}

/// The first @p prefix bits of a 16-byte address as two words.
void
PrefixMask(uint8_t prefix, uint64_t* w)
{
    uint8_t bytes[16] = {0};
    for (uint8_t i = 0; i < 16 && prefix > 0; ++i)
    {
        uint8_t bits = std::min<uint8_t>(prefix, 8);
        bytes[i] = static_cast<uint8_t>(0xff << (8 - bits));
        prefix -= bits;
    }
    std::memcpy(w, bytes, sizeof(bytes));
}

uint64_t
Meta(const IpsecSelector& s)
{
    return static_cast<uint64_t>(s.src.GetFamily()) | static_cast<uint64_t>(s.dst.GetFamily()) << 8
         | static_cast<uint64_t>(s.ulproto) << 16 | static_cast<uint64_t>(s.sport) << 24
         | static_cast<uint64_t>(s.dport) << 40;
}

/// The shape of a policy selector: family, prefixes and wildcards.
uint32_t
ShapeCode(const IpsecSelector& s)
{
    return static_cast<uint32_t>(s.src.GetFamily()) | static_cast<uint32_t>(s.prefs) << 8
         | static_cast<uint32_t>(s.prefd) << 16
         | static_cast<uint32_t>(s.ulproto != IPSEC_ULPROTO_ANY) << 24
         | static_cast<uint32_t>(s.sport != 0) << 25 | static_cast<uint32_t>(s.dport != 0) << 26;
}

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

bool
IpsecSpd::Key::operator==(const Key& o) const
{
    return w[0] == o.w[0] && w[1] == o.w[1] && w[2] == o.w[2] && w[3] == o.w[3] && w[4] == o.w[4]
        && w[5] == o.w[5];
}

size_t
IpsecSpd::KeyHash::operator()(const Key& k) const
{
    uint64_t h = 0x243f6a8885a308d3ull;
    for (uint64_t x : k.w)
    {
        h = (h ^ x) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 29;
    }
    return static_cast<size_t>(h ^ (h >> 32));
}

IpsecSpd::Key
IpsecSpd::AddressKey(const IpsecAddress& src, const IpsecAddress& dst)
{
    Key k;
    AddressWords(src, &k.w[0]);
    AddressWords(dst, &k.w[2]);
    k.w[4] = static_cast<uint64_t>(src.GetFamily()) | static_cast<uint64_t>(dst.GetFamily()) << 8;
    return k;
}

IpsecSpd::Key
IpsecSpd::PacketKey(const IpsecSelector& pkt)
{
    Key k;
    AddressWords(pkt.src, &k.w[0]);
    AddressWords(pkt.dst, &k.w[2]);
    k.w[4] = Meta(pkt);
    return k;
}

IpsecSpd::Key
IpsecSpd::ExactKey(const IpsecSelector& sel)
{
    Key k = PacketKey(sel);
    k.w[5] = static_cast<uint64_t>(sel.prefs) | static_cast<uint64_t>(sel.prefd) << 8;
    return k;
}

// ---- the lists ---------------------------------------------------------------

IpsecSpd::Direction&
IpsecSpd::Dir(IpsecDirection dir)
{
    return dir == IpsecDirection::INBOUND ? m_in : m_out;
}

const IpsecSpd::Direction&
IpsecSpd::Dir(IpsecDirection dir) const
{
    return dir == IpsecDirection::INBOUND ? m_in : m_out;
}

const std::vector<Ptr<IpsecPolicy>>&
IpsecSpd::GetPolicies(IpsecDirection dir) const
{
    return Dir(dir).list;
}

uint32_t
IpsecSpd::GetN() const
{
    return m_in.list.size() + m_out.list.size();
}

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
    Direction& d = Dir(policy->direction);
    // key_spdadd's key_getsp: an exact selector of the same direction exists.
    Key exact = ExactKey(sel);
    if (d.exact.count(exact))
    {
        if (why)
        {
            *why = "policy already exists";
        }
        return EEXIST;
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

    auto [it, inserted] = m_entries.try_emplace(policy->id);
    NS_ASSERT_MSG(inserted, "spid " << policy->id << " reused");
    Entry& e = it->second;
    e.policy = policy;
    e.dir = policy->direction;
    e.id = policy->id;
    e.rank = m_nextRank++;
    e.exact = exact;
    e.shapeCode = ShapeCode(sel);
    d.list.push_back(policy);
    d.ranks.push_back(e.rank);
    d.exact.emplace(exact, &e);

    auto& shape = d.shapes[e.shapeCode];
    if (!shape)
    {
        // A new shape's earliest policy is the latest one: the order stays sorted.
        shape = std::make_unique<Shape>();
        PrefixMask(sel.prefs, &shape->mask.w[0]);
        PrefixMask(sel.prefd, &shape->mask.w[2]);
        shape->mask.w[4] = META_FAMILIES | (sel.ulproto != IPSEC_ULPROTO_ANY ? META_PROTO : 0)
                         | (sel.sport != 0 ? META_SPORT : 0) | (sel.dport != 0 ? META_DPORT : 0);
        shape->family = sel.src.GetFamily();
        d.order.push_back(shape.get());
    }
    Key full = PacketKey(sel);
    for (int i = 0; i < 5; ++i)
    {
        e.masked.w[i] = full.w[i] & shape->mask.w[i];
    }
    shape->table[e.masked].push_back(&e);
    shape->ranks.push_back(e.rank);

    if (e.dir == IpsecDirection::INBOUND && policy->action == IpsecPolicyAction::IPSEC)
    {
        int32_t previous = -1;
        for (uint32_t i = 0; i < policy->requests.size(); ++i)
        {
            const IpsecRequest& r = policy->requests[i];
            if (r.mode != IpsecMode::TUNNEL)
            {
                continue;
            }
            Key k = AddressKey(r.tunnelSrc, r.tunnelDst);
            m_tunnels[k].push_back(TunnelRef{&e, i, previous});
            e.tunnels.push_back(k);
            previous = static_cast<int32_t>(i);
        }
    }
    Changed();
    return 0;
}

void
IpsecSpd::Remove(Entry* e)
{
    Direction& d = Dir(e->dir);
    auto pos = std::lower_bound(d.ranks.begin(), d.ranks.end(), e->rank);
    NS_ASSERT(pos != d.ranks.end() && *pos == e->rank);
    d.list.erase(d.list.begin() + (pos - d.ranks.begin()));
    d.ranks.erase(pos);
    d.exact.erase(e->exact);

    auto shapeIt = d.shapes.find(e->shapeCode);
    NS_ASSERT(shapeIt != d.shapes.end());
    Shape* shape = shapeIt->second.get();
    auto bucket = shape->table.find(e->masked);
    NS_ASSERT(bucket != shape->table.end());
    bucket->second.erase(std::find(bucket->second.begin(), bucket->second.end(), e));
    if (bucket->second.empty())
    {
        shape->table.erase(bucket);
    }
    auto rank = std::lower_bound(shape->ranks.begin(), shape->ranks.end(), e->rank);
    NS_ASSERT(rank != shape->ranks.end() && *rank == e->rank);
    if (rank == shape->ranks.begin())
    {
        d.orderStale = true; // the shape's earliest policy changes
    }
    shape->ranks.erase(rank);
    if (shape->ranks.empty())
    {
        d.order.erase(std::find(d.order.begin(), d.order.end(), shape));
        d.shapes.erase(shapeIt);
    }

    for (const Key& k : e->tunnels)
    {
        // Two requests of one policy with the same endpoints share a list:
        // the first pass removed both.
        auto t = m_tunnels.find(k);
        if (t == m_tunnels.end())
        {
            continue;
        }
        auto& refs = t->second;
        refs.erase(std::remove_if(refs.begin(),
                                  refs.end(),
                                  [e](const TunnelRef& r)
                                  {
                                      return r.entry == e;
                                  }),
                   refs.end());
        if (refs.empty())
        {
            m_tunnels.erase(t);
        }
    }
    m_entries.erase(e->id);
    Changed();
}

int
IpsecSpd::Delete(const IpsecSelector& sel, IpsecDirection dir)
{
    Direction& d = Dir(dir);
    auto it = d.exact.find(ExactKey(sel));
    if (it == d.exact.end())
    {
        return EINVAL;
    }
    Remove(it->second);
    return 0;
}

int
IpsecSpd::DeleteById(uint32_t id)
{
    auto it = m_entries.find(id);
    if (it == m_entries.end())
    {
        return EINVAL;
    }
    Remove(&it->second);
    return 0;
}

Ptr<IpsecPolicy>
IpsecSpd::GetById(uint32_t id) const
{
    auto it = m_entries.find(id);
    return it == m_entries.end() ? nullptr : it->second.policy;
}

void
IpsecSpd::Flush()
{
    for (Direction* d : {&m_in, &m_out})
    {
        d->list.clear();
        d->ranks.clear();
        d->exact.clear();
        d->shapes.clear();
        d->order.clear();
        d->orderStale = false;
    }
    m_tunnels.clear();
    m_entries.clear();
    Changed();
}

uint64_t
IpsecSpd::GetGeneration() const
{
    return m_generation;
}

void
IpsecSpd::Changed()
{
    ++m_generation; // also empties the lookup caches: their slots carry the generation
}

// ---- lookups -----------------------------------------------------------------

Ptr<IpsecPolicy>
IpsecSpd::IndexLookup(Direction& d, const Key& pkt)
{
    if (d.orderStale)
    {
        std::sort(d.order.begin(),
                  d.order.end(),
                  [](const Shape* a, const Shape* b)
                  {
                      return a->ranks.front() < b->ranks.front();
                  });
        d.orderStale = false;
    }
    const auto family = static_cast<uint8_t>(pkt.w[4]);
    Entry* best = nullptr;
    uint64_t bestRank = std::numeric_limits<uint64_t>::max();
    for (const Shape* shape : d.order)
    {
        if (shape->ranks.front() >= bestRank)
        {
            break; // every policy of this shape and the next ones comes later
        }
        if (shape->family != family)
        {
            continue;
        }
        Key masked;
        for (int i = 0; i < 5; ++i)
        {
            masked.w[i] = pkt.w[i] & shape->mask.w[i];
        }
        auto hit = shape->table.find(masked);
        if (hit != shape->table.end() && hit->second.front()->rank < bestRank)
        {
            best = hit->second.front();
            bestRank = best->rank;
        }
    }
    return best ? best->policy : nullptr;
}

Ptr<IpsecPolicy>
IpsecSpd::Lookup(IpsecDirection dir, const IpsecSelector& pkt)
{
    Direction& d = Dir(dir);
    if (d.list.empty())
    {
        return nullptr;
    }
    // The masked key of a policy holds both of its families (equal, key_spdadd
    // checks them), so a packet whose families differ matches no shape.
    Key key = PacketKey(pkt);
    if (m_cacheSize == 0)
    {
        Ptr<IpsecPolicy> p = IndexLookup(d, key);
        if (p)
        {
            p->lastUsed = Simulator::Now();
        }
        return p;
    }
    // The cache: a direct-mapped table that starts small and doubles (up to
    // CacheSize slots) when half of it was filled in one generation.
    if (d.cacheGeneration != m_generation)
    {
        d.cacheGeneration = m_generation;
        d.cacheFilled = 0;
    }
    if (d.cache.empty() || d.cache.size() > m_cacheSize)
    {
        d.cache.assign(std::min<uint32_t>(m_cacheSize, CACHE_FIRST_SLOTS), CacheSlot{});
        d.cacheFilled = 0;
    }
    uint64_t h = KeyHash()(key);
    auto slotOf = [&d](uint64_t hash) -> CacheSlot&
    {
        return d
            .cache[static_cast<size_t>((static_cast<__uint128_t>(hash) * d.cache.size()) >> 64)];
    };
    CacheSlot* slot = &slotOf(h);
    if (slot->generation == m_generation + 1 && slot->key == key)
    {
        if (slot->policy)
        {
            slot->policy->lastUsed = Simulator::Now();
        }
        return slot->policy;
    }
    Ptr<IpsecPolicy> p = IndexLookup(d, key);
    if (slot->generation != m_generation + 1)
    {
        if (++d.cacheFilled > d.cache.size() / 2 && d.cache.size() < m_cacheSize)
        {
            d.cache.assign(std::min<size_t>(2 * d.cache.size(), m_cacheSize), CacheSlot{});
            d.cacheFilled = 1;
            slot = &slotOf(h);
        }
    }
    slot->key = key;
    slot->policy = PeekPointer(p);
    slot->generation = m_generation + 1;
    if (p)
    {
        p->lastUsed = Simulator::Now();
    }
    return p;
}

Ptr<IpsecPolicy>
IpsecSpd::FindInboundTunnel(const IpsecAddress& outerSrc,
                            const IpsecAddress& outerDst,
                            const IpsecAddress& innerSrc,
                            const IpsecAddress& innerDst,
                            bool transformed) const
{
    auto it = m_tunnels.find(AddressKey(outerSrc, outerDst));
    if (it == m_tunnels.end())
    {
        return nullptr;
    }
    // The key holds the endpoints exactly (family and bytes): every request
    // here has tunnelSrc == outerSrc and tunnelDst == outerDst.
    for (const TunnelRef& ref : it->second)
    {
        const IpsecPolicy& p = *ref.entry->policy;
        const IpsecRequest& req = p.requests[ref.request];
        if (!transformed && req.proto != IpsecProto::IPCOMP)
        {
            continue;
        }
        bool innerMatches;
        if (ref.previous < 0)
        {
            innerMatches = p.selector.src.MatchesPrefix(innerSrc, p.selector.prefs)
                        && p.selector.dst.MatchesPrefix(innerDst, p.selector.prefd);
        }
        else
        {
            const IpsecRequest& prev = p.requests[ref.previous];
            innerMatches = prev.tunnelSrc == innerSrc && prev.tunnelDst == innerDst;
        }
        if (innerMatches)
        {
            return ref.entry->policy;
        }
    }
    return nullptr;
}

} // namespace ns3
