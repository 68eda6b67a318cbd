/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-sad.h"

#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cerrno>
#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecSad");
NS_OBJECT_ENSURE_REGISTERED(IpsecSad);

TypeId
IpsecSad::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::IpsecSad")
              .SetParent<Object>()
              .SetGroupName("Ipsec")
              .AddConstructor<IpsecSad>()
              .AddAttribute("LarvalLifetime",
                            "net.key.larval_lifetime: seconds a larval SA (from GETSPI) may "
                            "wait for its keys before it is removed -- the time an IKE "
                            "exchange has.",
                            UintegerValue(30),
                            MakeUintegerAccessor(&IpsecSad::m_larvalLifetime),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("SpiMinValue",
                            "net.key.spi_min_value: lowest SPI GETSPI chooses.",
                            UintegerValue(0x100),
                            MakeUintegerAccessor(&IpsecSad::m_spiMin),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("SpiMaxValue",
                            "net.key.spi_max_value: highest SPI GETSPI chooses.",
                            UintegerValue(0x0fffffff),
                            MakeUintegerAccessor(&IpsecSad::m_spiMax),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("SpiTry",
                            "net.key.spi_try: random SPIs GETSPI tries before giving up.",
                            UintegerValue(1000),
                            MakeUintegerAccessor(&IpsecSad::m_spiTry),
                            MakeUintegerChecker<uint32_t>(1));
    return tid;
}

IpsecSad::IpsecSad()
    : m_truncation(IpsecIcvTruncation::KAME_96)
    , m_larvalLifetime(30)
    , m_spiMin(0x100)
    , m_spiMax(0x0fffffff)
    , m_spiTry(1000)
    , m_spiRng(CreateObject<UniformRandomVariable>())
{
}

int64_t
IpsecSad::AssignStreams(int64_t stream)
{
    m_spiRng->SetStream(stream);
    return 1;
}

bool
IpsecSad::PairKey::operator==(const PairKey& o) const
{
    return proto == o.proto && src == o.src && dst == o.dst;
}

bool
IpsecSad::SpiKey::operator==(const SpiKey& o) const
{
    return spi == o.spi && proto == o.proto && dst == o.dst;
}

size_t
IpsecSad::KeyHash::operator()(const PairKey& k) const
{
    return k.src.Hash() * 31 + k.dst.Hash() * 7 + static_cast<size_t>(k.proto);
}

size_t
IpsecSad::KeyHash::operator()(const SpiKey& k) const
{
    return k.dst.Hash() * 31 + (static_cast<size_t>(k.spi) << 8) + static_cast<size_t>(k.proto);
}

const std::vector<Ptr<IpsecSaHead>>*
IpsecSad::HeadsOf(const IpsecAddress& src, const IpsecAddress& dst, IpsecProto proto) const
{
    auto it = m_pairs.find(PairKey{src, dst, proto});
    return it == m_pairs.end() ? nullptr : &it->second;
}

Ptr<IpsecSaHead>
IpsecSad::NewHead(const IpsecAddress& src,
                  const IpsecAddress& dst,
                  IpsecProto proto,
                  IpsecMode mode,
                  uint32_t reqid)
{
    auto head = Create<IpsecSaHead>();
    head->src = src;
    head->dst = dst;
    head->proto = proto;
    head->mode = mode;
    head->reqid = reqid;
    m_heads.push_front(head);
    m_pairs[PairKey{src, dst, proto}].push_back(head);
    return head;
}

void
IpsecSad::Index(const Ptr<IpsecSa>& sa)
{
    m_bySpi[SpiKey{sa->params.dst, sa->params.proto, sa->params.spi}].push_back(sa);
}

bool
IpsecSad::SpiInUse(const IpsecAddress& dst, IpsecProto proto, uint32_t spi) const
{
    // The larval, mature and dying SAs of every head with this destination
    // and protocol: exactly the SAs the SPI index holds.
    return m_bySpi.count(SpiKey{dst, proto, spi}) != 0;
}

int
IpsecSad::GetSpi(const IpsecAddress& src,
                 const IpsecAddress& dst,
                 IpsecProto proto,
                 IpsecMode mode,
                 uint32_t reqid,
                 uint32_t minSpi,
                 uint32_t maxSpi,
                 uint32_t* spi,
                 uint32_t pid)
{
    if (proto == IpsecProto::IPCOMP)
    {
        maxSpi = std::min<uint32_t>(maxSpi, 0xffff); // CPIs are 16 bits
    }
    if (minSpi > maxSpi)
    {
        return EINVAL;
    }
    uint32_t chosen = 0;
    if (minSpi == maxSpi)
    {
        if (SpiInUse(dst, proto, minSpi))
        {
            return EEXIST;
        }
        chosen = minSpi;
    }
    else
    {
        for (uint32_t i = 0; i < m_spiTry && chosen == 0; ++i)
        {
            uint32_t candidate = m_spiRng->GetInteger(minSpi, maxSpi);
            if (!SpiInUse(dst, proto, candidate))
            {
                chosen = candidate;
            }
        }
        if (chosen == 0)
        {
            return EEXIST;
        }
    }
    IpsecSaParams p;
    p.src = src;
    p.dst = dst;
    p.proto = proto;
    p.spi = chosen;
    p.mode = mode;
    p.reqid = reqid;
    Ptr<IpsecSaHead> head = FindHead(src, dst, proto, mode, reqid);
    if (!head)
    {
        head = NewHead(src, dst, proto, mode, reqid);
    }
    auto sa = Create<IpsecSa>(p, Simulator::Now());
    sa->state = IpsecSaState::LARVAL;
    sa->pid = pid;
    head->sas[static_cast<int>(IpsecSaState::LARVAL)].push_front(sa);
    Index(sa);
    *spi = chosen;
    ScheduleTick();
    return 0;
}

void
IpsecSad::SetIcvTruncation(IpsecIcvTruncation t)
{
    m_truncation = t;
}

IpsecIcvTruncation
IpsecSad::GetIcvTruncation() const
{
    return m_truncation;
}

const std::list<Ptr<IpsecSaHead>>&
IpsecSad::GetHeads() const
{
    return m_heads;
}

uint32_t
IpsecSad::GetN() const
{
    uint32_t n = 0;
    for (const auto& h : m_heads)
    {
        for (const auto& l : h->sas)
        {
            n += l.size();
        }
    }
    return n;
}

Ptr<IpsecSaHead>
IpsecSad::FindHead(const IpsecAddress& src,
                   const IpsecAddress& dst,
                   IpsecProto proto,
                   IpsecMode mode,
                   uint32_t reqid) const
{
    const auto* heads = HeadsOf(src, dst, proto);
    if (!heads)
    {
        return nullptr;
    }
    for (auto it = heads->rbegin(); it != heads->rend(); ++it)
    {
        const Ptr<IpsecSaHead>& h = *it;
        if ((h->mode == IpsecMode::ANY || h->mode == mode) && (reqid == 0 || h->reqid == reqid))
        {
            return h;
        }
    }
    return nullptr;
}

int
IpsecSad::Add(const IpsecSaParams& params, std::string* why)
{
    NS_LOG_FUNCTION(this << params.src << params.dst << IpsecProtoName(params.proto) << params.spi);
    Ptr<IpsecSaHead> head
        = FindHead(params.src, params.dst, params.proto, params.mode, params.reqid);
    if (head)
    {
        for (auto st : {IpsecSaState::LARVAL, IpsecSaState::MATURE, IpsecSaState::DYING})
        {
            for (const auto& sa : head->sas[static_cast<int>(st)])
            {
                if (sa->params.spi == params.spi)
                {
                    if (why)
                    {
                        *why = "SA already exists";
                    }
                    return EEXIST;
                }
            }
        }
    }
    auto sa = Create<IpsecSa>(params, Simulator::Now());
    int rc = sa->Mature(m_truncation, why);
    if (rc != 0)
    {
        return rc;
    }
    if (!head)
    {
        head = NewHead(params.src, params.dst, params.proto, params.mode, params.reqid);
    }
    // The SA dumps with its head's mode and reqid.
    sa->params.mode = head->mode;
    sa->params.reqid = head->reqid;
    head->sas[static_cast<int>(IpsecSaState::MATURE)].push_front(sa);
    Index(sa);
    if (params.softAddTime != 0 || params.hardAddTime != 0 || params.softBytes != 0
        || params.hardBytes != 0)
    {
        ScheduleTick();
    }
    return 0;
}

int
IpsecSad::Update(const IpsecSaParams& params, uint32_t pid, std::string* why)
{
    NS_LOG_FUNCTION(this << params.src << params.dst << IpsecProtoName(params.proto) << params.spi
                         << pid);
    auto fail = [why](int rc, const char* text)
    {
        if (why)
        {
            *why = text;
        }
        return rc;
    };
    Ptr<IpsecSaHead> head
        = FindHead(params.src, params.dst, params.proto, params.mode, params.reqid);
    if (!head)
    {
        return fail(ENOENT, "no SA head for these addresses, protocol, mode and reqid");
    }
    Ptr<IpsecSa> sa;
    for (auto st : {IpsecSaState::LARVAL, IpsecSaState::MATURE, IpsecSaState::DYING})
    {
        for (const auto& candidate : head->sas[static_cast<int>(st)])
        {
            if (!sa && candidate->params.spi == params.spi)
            {
                sa = candidate;
            }
        }
    }
    if (!sa)
    {
        return fail(ENOENT, "no SA with this SPI");
    }
    if (sa->state != IpsecSaState::LARVAL)
    {
        return fail(EINVAL, "the SA is not larval");
    }
    if (sa->pid != pid)
    {
        return fail(EINVAL, "the SA was created by another process (pid mismatch)");
    }
    // key_setsaval + key_mature on a copy, so a refused update leaves the SA as it was.
    IpsecSaParams p = params;
    p.mode = head->mode;
    p.reqid = head->reqid;
    auto mature = Create<IpsecSa>(p, sa->created);
    mature->pid = pid;
    int rc = mature->Mature(m_truncation, why);
    if (rc != 0)
    {
        return rc;
    }
    auto& larval = head->sas[static_cast<int>(IpsecSaState::LARVAL)];
    larval.remove(sa);
    sa->state = IpsecSaState::DEAD;
    Unindex(sa);
    head->sas[static_cast<int>(IpsecSaState::MATURE)].push_front(mature);
    Index(mature);
    ScheduleTick();
    return 0;
}

void
IpsecSad::SetExpireCallback(Callback<void, Ptr<IpsecSa>> cb)
{
    m_expire = cb;
}

void
IpsecSad::ScheduleTick()
{
    if (m_ticking)
    {
        return;
    }
    m_ticking = true;
    // KAME's timer runs on whole seconds.
    Time next = Seconds(std::floor(Simulator::Now().GetSeconds()) + 1);
    Simulator::Schedule(next - Simulator::Now(), &IpsecSad::Tick, Ptr<IpsecSad>(this));
}

bool
IpsecSad::NeedsTick() const
{
    for (const auto& h : m_heads)
    {
        if (!h->sas[static_cast<int>(IpsecSaState::LARVAL)].empty())
        {
            return true;
        }
        for (auto st : {IpsecSaState::MATURE, IpsecSaState::DYING})
        {
            for (const auto& sa : h->sas[static_cast<int>(st)])
            {
                const IpsecSaParams& p = sa->params;
                if (p.softAddTime != 0 || p.hardAddTime != 0 || p.softBytes != 0
                    || p.hardBytes != 0)
                {
                    return true;
                }
            }
        }
    }
    return false;
}

void
IpsecSad::Tick()
{
    m_ticking = false;
    Time now = Simulator::Now();
    auto age = [now](const Ptr<IpsecSa>& sa)
    {
        return static_cast<uint64_t>(std::floor((now - sa->created).GetSeconds()));
    };
    for (auto& h : m_heads)
    {
        auto& larval = h->sas[static_cast<int>(IpsecSaState::LARVAL)];
        auto& mature = h->sas[static_cast<int>(IpsecSaState::MATURE)];
        auto& dying = h->sas[static_cast<int>(IpsecSaState::DYING)];
        // Larval SAs nobody updated within net.key.larval_lifetime: silently gone.
        larval.remove_if(
            [&](const Ptr<IpsecSa>& sa)
            {
                if (age(sa) > m_larvalLifetime)
                {
                    sa->state = IpsecSaState::DEAD;
                    Unindex(sa);
                    return true;
                }
                return false;
            });
        // Dying SAs past their hard lifetime: dead, silently.
        for (auto it = dying.begin(); it != dying.end();)
        {
            const IpsecSaParams& p = (*it)->params;
            bool expired = (p.hardAddTime != 0 && age(*it) > p.hardAddTime)
                        || (p.hardBytes != 0 && (*it)->bytes > p.hardBytes);
            if (expired)
            {
                auto next = std::next(it);
                KillIn(dying, it, *h);
                it = next;
            }
            else
            {
                ++it;
            }
        }
        // Mature SAs past their soft lifetime.
        for (auto it = mature.begin(); it != mature.end();)
        {
            Ptr<IpsecSa> sa = *it;
            const IpsecSaParams& p = sa->params;
            bool expired = (p.softAddTime != 0 && age(sa) > p.softAddTime)
                        || (p.softBytes != 0 && sa->bytes > p.softBytes);
            if (!expired)
            {
                ++it;
                continue;
            }
            if (sa->lastUsed.IsZero())
            {
                // Never used: straight to dead, no SADB_EXPIRE.
                auto next = std::next(it);
                KillIn(mature, it, *h);
                it = next;
                continue;
            }
            it = mature.erase(it);
            sa->state = IpsecSaState::DYING;
            dying.push_front(sa);
            if (!m_expire.IsNull())
            {
                m_expire(sa);
            }
        }
    }
    if (NeedsTick())
    {
        ScheduleTick();
    }
}

void
IpsecSad::Unindex(const Ptr<IpsecSa>& sa)
{
    auto it = m_bySpi.find(SpiKey{sa->params.dst, sa->params.proto, sa->params.spi});
    if (it == m_bySpi.end())
    {
        return;
    }
    auto& sas = it->second;
    for (auto s = sas.begin(); s != sas.end(); ++s)
    {
        if (*s == sa)
        {
            sas.erase(s);
            break;
        }
    }
    if (sas.empty())
    {
        m_bySpi.erase(it);
    }
}

void
IpsecSad::KillIn(std::list<Ptr<IpsecSa>>& list,
                 std::list<Ptr<IpsecSa>>::iterator it,
                 IpsecSaHead& head)
{
    Ptr<IpsecSa> sa = *it;
    list.erase(it);
    sa->state = IpsecSaState::DEAD;
    Unindex(sa);
    if (sa->refcnt > 1)
    {
        // A policy request still holds it: visible as dead until released.
        head.sas[static_cast<int>(IpsecSaState::DEAD)].push_front(sa);
    }
}

void
IpsecSad::Kill(Ptr<IpsecSa> sa)
{
    // An SA lives in a head of its own addresses and protocol.
    const auto* heads = HeadsOf(sa->params.src, sa->params.dst, sa->params.proto);
    if (!heads)
    {
        return;
    }
    for (auto h = heads->rbegin(); h != heads->rend(); ++h)
    {
        for (auto st : {IpsecSaState::LARVAL, IpsecSaState::MATURE, IpsecSaState::DYING})
        {
            auto& list = (*h)->sas[static_cast<int>(st)];
            for (auto it = list.begin(); it != list.end(); ++it)
            {
                if (*it == sa)
                {
                    KillIn(list, it, **h);
                    return;
                }
            }
        }
    }
}

int
IpsecSad::Delete(const IpsecAddress& src, const IpsecAddress& dst, IpsecProto proto, uint32_t spi)
{
    const auto* heads = HeadsOf(src, dst, proto);
    if (!heads)
    {
        return ENOENT;
    }
    for (auto h = heads->rbegin(); h != heads->rend(); ++h)
    {
        for (auto st : {IpsecSaState::LARVAL, IpsecSaState::MATURE, IpsecSaState::DYING})
        {
            auto& list = (*h)->sas[static_cast<int>(st)];
            for (auto it = list.begin(); it != list.end(); ++it)
            {
                if ((*it)->params.spi == spi)
                {
                    KillIn(list, it, **h);
                    return 0;
                }
            }
        }
    }
    return ENOENT;
}

std::vector<Ptr<IpsecSa>>
IpsecSad::DeleteAll(const IpsecAddress& src, const IpsecAddress& dst, IpsecProto proto)
{
    std::vector<Ptr<IpsecSa>> killed;
    const auto* heads = HeadsOf(src, dst, proto);
    if (!heads)
    {
        return killed;
    }
    for (auto h = heads->rbegin(); h != heads->rend(); ++h)
    {
        for (auto st : {IpsecSaState::MATURE, IpsecSaState::DYING})
        {
            auto& list = (*h)->sas[static_cast<int>(st)];
            while (!list.empty())
            {
                killed.push_back(list.front());
                KillIn(list, list.begin(), **h);
            }
        }
    }
    return killed;
}

Ptr<IpsecSa>
IpsecSad::Get(const IpsecAddress& src,
              const IpsecAddress& dst,
              IpsecProto proto,
              uint32_t spi) const
{
    const auto* heads = HeadsOf(src, dst, proto);
    if (!heads)
    {
        return nullptr;
    }
    for (auto h = heads->rbegin(); h != heads->rend(); ++h)
    {
        for (const auto& list : (*h)->sas)
        {
            for (const auto& sa : list)
            {
                if (sa->params.spi == spi && sa->state != IpsecSaState::DEAD)
                {
                    return sa;
                }
            }
        }
    }
    return nullptr;
}

void
IpsecSad::Flush(bool all, IpsecProto proto)
{
    for (auto it = m_heads.begin(); it != m_heads.end();)
    {
        if (all || (*it)->proto == proto)
        {
            for (auto& list : (*it)->sas)
            {
                for (auto& sa : list)
                {
                    sa->state = IpsecSaState::DEAD;
                    Unindex(sa);
                }
            }
            auto pair = m_pairs.find(PairKey{(*it)->src, (*it)->dst, (*it)->proto});
            auto& heads = pair->second;
            heads.erase(std::find(heads.begin(), heads.end(), *it));
            if (heads.empty())
            {
                m_pairs.erase(pair);
            }
            it = m_heads.erase(it);
        }
        else
        {
            ++it;
        }
    }
}

Ptr<IpsecSa>
IpsecSad::LookupInbound(const IpsecAddress& dst, IpsecProto proto, uint32_t spi) const
{
    auto found = m_bySpi.find(SpiKey{dst, proto, spi});
    if (found == m_bySpi.end())
    {
        return nullptr;
    }
    Ptr<IpsecSa> best;
    for (const Ptr<IpsecSa>& sa : found->second)
    {
        if (sa->state == IpsecSaState::DYING)
        {
            return sa;
        }
        if (sa->state == IpsecSaState::MATURE && !best)
        {
            best = sa;
        }
    }
    return best;
}

Ptr<IpsecSa>
IpsecSad::SelectOutbound(const IpsecAddress& src,
                         const IpsecAddress& dst,
                         IpsecProto proto,
                         IpsecMode mode,
                         uint32_t reqid,
                         bool preferOld) const
{
    Ptr<IpsecSaHead> head = FindHead(src, dst, proto, mode, reqid);
    return head ? SelectInHead(*head, preferOld) : nullptr;
}

Ptr<IpsecSa>
IpsecSad::SelectInHead(const IpsecSaHead& head, bool preferOld)
{
    for (auto st : {IpsecSaState::DYING, IpsecSaState::MATURE})
    {
        const auto& list = head.sas[static_cast<int>(st)];
        Ptr<IpsecSa> chosen;
        for (const auto& sa : list)
        {
            if (!chosen
                || (preferOld ? sa->created < chosen->created : sa->created > chosen->created))
            {
                chosen = sa;
            }
        }
        if (chosen)
        {
            return chosen;
        }
    }
    return nullptr;
}

} // namespace ns3
