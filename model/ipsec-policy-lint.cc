/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-policy-lint.h"

#include "ns3/log.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <set>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecPolicyLint");

namespace
{

/// Region evaluations allowed per checked policy before giving up on it.
const uint64_t kWorkBudget = 20000;

/// An address prefix: the first @c plen bits of @c bytes.
struct Prefix
{
    std::array<uint8_t, 16> bytes{};
    uint8_t size{0}; ///< 4 or 16
    uint8_t plen{0};

    bool Bit(uint32_t i) const
    {
        return (bytes[i / 8] >> (7 - i % 8)) & 1;
    }

    void Flip(uint32_t i)
    {
        bytes[i / 8] ^= static_cast<uint8_t>(0x80u >> (i % 8));
    }

    /// Do the first @p n bits of this and @p o agree?
    bool SameBits(const Prefix& o, uint32_t n) const
    {
        uint32_t full = n / 8;
        if (std::memcmp(bytes.data(), o.bytes.data(), full) != 0)
        {
            return false;
        }
        uint32_t rest = n % 8;
        if (rest == 0)
        {
            return true;
        }
        uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
        return (bytes[full] & mask) == (o.bytes[full] & mask);
    }
};

/// A set of port or protocol values: {value}, or everything except @c excluded.
struct ValueSet
{
    bool any{true};
    uint32_t value{0};
    std::vector<uint32_t> excluded; ///< sorted; only when any

    bool Contains(uint32_t v) const
    {
        return any ? !std::binary_search(excluded.begin(), excluded.end(), v) : v == value;
    }
};

/// The packets a selector (or part of one) matches.
struct Region
{
    uint8_t family{0};
    Prefix src;
    Prefix dst;
    ValueSet sport;
    ValueSet dport;
    ValueSet proto;
};

/// Number of values of the three value dimensions (ports 0..65535, protocols 0..255).
const uint32_t kDomain[3] = {65536, 65536, 256};

Prefix
MakePrefix(const IpsecAddress& a, uint8_t plen)
{
    Prefix p;
    p.size = a.Size();
    std::memcpy(p.bytes.data(), a.Bytes(), p.size);
    p.plen = std::min<uint8_t>(plen, p.size * 8);
    return p;
}

ValueSet
MakeValues(uint32_t v, uint32_t anyValue)
{
    ValueSet s;
    s.any = v == anyValue;
    s.value = s.any ? 0 : v;
    return s;
}

Region
MakeRegion(const IpsecSelector& sel)
{
    Region r;
    r.family = sel.src.GetFamily();
    r.src = MakePrefix(sel.src, sel.prefs);
    r.dst = MakePrefix(sel.dst, sel.prefd);
    r.sport = MakeValues(sel.sport, 0);
    r.dport = MakeValues(sel.dport, 0);
    r.proto = MakeValues(sel.ulproto, IPSEC_ULPROTO_ANY);
    return r;
}

bool
PrefixesIntersect(const Prefix& a, const Prefix& b)
{
    return a.SameBits(b, std::min(a.plen, b.plen));
}

/// Does @p outer contain @p inner?
bool
PrefixCovers(const Prefix& outer, const Prefix& inner)
{
    return outer.plen <= inner.plen && outer.SameBits(inner, outer.plen);
}

/// @p e is a selector's set: a single value or everything.
bool
ValuesIntersect(const ValueSet& e, const ValueSet& r)
{
    // Regions are never empty (empty pieces are dropped), so "any" meets every one.
    return e.any || r.Contains(e.value);
}

bool
ValuesCover(const ValueSet& e, const ValueSet& r)
{
    return e.any || (!r.any && r.value == e.value);
}

bool
Intersect(const Region& e, const Region& r)
{
    return e.family == r.family && PrefixesIntersect(e.src, r.src)
        && PrefixesIntersect(e.dst, r.dst) && ValuesIntersect(e.sport, r.sport)
        && ValuesIntersect(e.dport, r.dport) && ValuesIntersect(e.proto, r.proto);
}

bool
RegionCovers(const Region& e, const Region& r)
{
    return e.family == r.family && PrefixCovers(e.src, r.src) && PrefixCovers(e.dst, r.dst)
        && ValuesCover(e.sport, r.sport) && ValuesCover(e.dport, r.dport)
        && ValuesCover(e.proto, r.proto);
}

/**
 * Splits the address dimension: appends to @p pieces the parts of @p r
 * outside @p e's prefix, and narrows @p cur to @p e's prefix.
 */
void
SplitPrefix(Region& cur, Prefix Region::*dim, const Prefix& e, std::vector<Region>& pieces)
{
    Prefix& c = cur.*dim;
    if (PrefixCovers(e, c))
    {
        return;
    }
    // e is inside c: the siblings of e's path below c's prefix are outside e.
    for (uint32_t k = c.plen + 1; k <= e.plen; ++k)
    {
        Region piece = cur;
        Prefix p = e;
        p.Flip(k - 1);
        p.plen = static_cast<uint8_t>(k);
        piece.*dim = p;
        pieces.push_back(piece);
    }
    c = e;
}

void
SplitValues(Region& cur,
            ValueSet Region::*dim,
            const ValueSet& e,
            uint32_t domain,
            std::vector<Region>& pieces)
{
    ValueSet& c = cur.*dim;
    if (ValuesCover(e, c))
    {
        return;
    }
    // c is "any except S" and e is a single value w not in S.
    Region piece = cur;
    ValueSet& rest = piece.*dim;
    rest.excluded.insert(std::upper_bound(rest.excluded.begin(), rest.excluded.end(), e.value),
                         e.value);
    if (rest.excluded.size() < domain)
    {
        pieces.push_back(piece);
    }
    c = e;
}

/// The parts of @p r outside @p e (which intersects it), as disjoint regions.
std::vector<Region>
Subtract(const Region& r, const Region& e)
{
    std::vector<Region> pieces;
    Region cur = r;
    SplitPrefix(cur, &Region::src, e.src, pieces);
    SplitPrefix(cur, &Region::dst, e.dst, pieces);
    SplitValues(cur, &Region::sport, e.sport, kDomain[0], pieces);
    SplitValues(cur, &Region::dport, e.dport, kDomain[1], pieces);
    SplitValues(cur, &Region::proto, e.proto, kDomain[2], pieces);
    return pieces;
}

/// The state of one coverage check.
struct CoverCheck
{
    const std::vector<Region>* earlier;
    std::set<size_t> winners;
    uint64_t budget{kWorkBudget};
    bool exhausted{false};

    /// Is all of @p r matched by earlier[from..]?  Records which of them match parts of it.
    bool Covered(const Region& r, size_t from)
    {
        if (budget == 0)
        {
            exhausted = true;
            return false;
        }
        --budget;
        for (size_t j = from; j < earlier->size(); ++j)
        {
            const Region& e = (*earlier)[j];
            if (!Intersect(e, r))
            {
                continue;
            }
            winners.insert(j);
            for (const Region& piece : Subtract(r, e))
            {
                if (!Covered(piece, j + 1))
                {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
};

std::string
Name(const IpsecPolicy& p)
{
    if (p.setkeyLine != 0)
    {
        return "line " + std::to_string(p.setkeyLine);
    }
    return "spid " + std::to_string(p.id);
}

std::string
Reference(const IpsecPolicy& p)
{
    if (p.setkeyLine != 0)
    {
        return "line " + std::to_string(p.setkeyLine) + " (spid " + std::to_string(p.id) + ")";
    }
    return "spid " + std::to_string(p.id);
}

std::string
References(const std::vector<Ptr<IpsecPolicy>>& ps)
{
    std::string s;
    for (size_t i = 0; i < ps.size(); ++i)
    {
        if (i > 0)
        {
            s += i + 1 == ps.size() ? " and " : ", ";
        }
        s += Reference(*ps[i]);
    }
    return s;
}

/// Checks one direction's policies, in lookup order.
void
CheckList(const std::vector<Ptr<IpsecPolicy>>& list, std::vector<IpsecLintFinding>& findings)
{
    std::vector<Region> regions;
    regions.reserve(list.size());
    for (const auto& p : list)
    {
        regions.push_back(MakeRegion(p->selector));
    }
    for (size_t i = 1; i < list.size(); ++i)
    {
        const Region& r = regions[i];
        // Only the earlier policies that overlap this one can take its packets.
        std::vector<Region> earlier;
        std::vector<size_t> index;
        bool single = false;
        for (size_t j = 0; j < i; ++j)
        {
            if (Intersect(regions[j], r))
            {
                earlier.push_back(regions[j]);
                index.push_back(j);
                if (RegionCovers(regions[j], r))
                {
                    single = true;
                    break; // nothing after the first full cover can win
                }
            }
        }
        if (earlier.empty())
        {
            continue;
        }
        CoverCheck check;
        check.earlier = &earlier;
        bool covered;
        if (single && earlier.size() == 1)
        {
            covered = true;
            check.winners.insert(0);
        }
        else
        {
            covered = check.Covered(r, 0);
        }
        if (!covered)
        {
            if (check.exhausted)
            {
                NS_LOG_WARN("policy " << Name(*list[i])
                                      << " not checked completely: too many overlapping policies");
            }
            continue;
        }
        IpsecLintFinding f;
        f.policy = list[i];
        bool same = true;
        for (size_t w : check.winners)
        {
            const Ptr<IpsecPolicy>& by = list[index[w]];
            f.coveredBy.push_back(by);
            same = same && IpsecPolicyLint::SameAction(*by, *list[i]);
        }
        f.kind = same ? IpsecLintFinding::Kind::REDUNDANT : IpsecLintFinding::Kind::SHADOWED;
        std::string head = Name(*list[i]) + ": " + IpsecPolicyLint::Statement(*list[i]);
        if (same)
        {
            f.message = head + " is redundant with " + References(f.coveredBy)
                      + ": it can never match, and the same policy applies anyway";
        }
        else
        {
            f.message
                = head + " is shadowed by " + References(f.coveredBy) + ": it can never match";
        }
        findings.push_back(f);
    }
}

void
SortByLine(std::vector<IpsecLintFinding>& findings)
{
    std::stable_sort(findings.begin(),
                     findings.end(),
                     [](const IpsecLintFinding& a, const IpsecLintFinding& b)
                     {
                         uint32_t la = a.policy->setkeyLine ? a.policy->setkeyLine : UINT32_MAX;
                         uint32_t lb = b.policy->setkeyLine ? b.policy->setkeyLine : UINT32_MAX;
                         return la < lb;
                     });
}

} // namespace

std::string
IpsecLintFinding::KindName(Kind k)
{
    return k == Kind::SHADOWED ? "shadowed" : "redundant";
}

bool
IpsecPolicyLint::Covers(const IpsecSelector& outer, const IpsecSelector& inner)
{
    return RegionCovers(MakeRegion(outer), MakeRegion(inner));
}

bool
IpsecPolicyLint::Overlaps(const IpsecSelector& a, const IpsecSelector& b)
{
    return Intersect(MakeRegion(a), MakeRegion(b));
}

bool
IpsecPolicyLint::SameAction(const IpsecPolicy& a, const IpsecPolicy& b)
{
    if (a.action != b.action)
    {
        return false;
    }
    if (a.action != IpsecPolicyAction::IPSEC)
    {
        return true;
    }
    if (a.requests.size() != b.requests.size())
    {
        return false;
    }
    for (size_t i = 0; i < a.requests.size(); ++i)
    {
        const IpsecRequest& x = a.requests[i];
        const IpsecRequest& y = b.requests[i];
        if (x.proto != y.proto || x.mode != y.mode || x.level != y.level || x.reqid != y.reqid
            || x.HasEndpoints() != y.HasEndpoints()
            || (x.HasEndpoints() && (x.tunnelSrc != y.tunnelSrc || x.tunnelDst != y.tunnelDst)))
        {
            return false;
        }
    }
    return true;
}

std::string
IpsecPolicyLint::Statement(const IpsecPolicy& p)
{
    return "spdadd " + p.SelectorString() + " -P " + p.PolicyString();
}

std::vector<IpsecLintFinding>
IpsecPolicyLint::Check(Ptr<IpsecSpd> spd)
{
    NS_LOG_FUNCTION(spd);
    std::vector<IpsecLintFinding> findings;
    CheckList(spd->GetPolicies(IpsecDirection::INBOUND), findings);
    CheckList(spd->GetPolicies(IpsecDirection::OUTBOUND), findings);
    SortByLine(findings);
    return findings;
}

std::vector<IpsecLintFinding>
IpsecPolicyLint::Check(const std::vector<Ptr<IpsecPolicy>>& policies)
{
    std::vector<Ptr<IpsecPolicy>> lists[3]; // indexed by IpsecDirection (any, in, out)
    for (const auto& p : policies)
    {
        lists[static_cast<int>(p->direction) % 3].push_back(p);
    }
    std::vector<IpsecLintFinding> findings;
    for (auto dir : {IpsecDirection::INBOUND, IpsecDirection::OUTBOUND, IpsecDirection::ANY})
    {
        CheckList(lists[static_cast<int>(dir)], findings);
    }
    SortByLine(findings);
    return findings;
}

void
IpsecPolicyLint::Print(std::ostream& os, const std::vector<IpsecLintFinding>& findings)
{
    for (const auto& f : findings)
    {
        os << f.message << "\n";
    }
}

} // namespace ns3
