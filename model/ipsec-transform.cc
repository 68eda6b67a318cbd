/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The transform table (which IpsecTransform serves which protocol) and the
 * parts every transform shares: the anti-replay step of the input loop and
 * the defaults of the interface.
 */
#include "ipsec-transform.h"

#include "ipsec-ah.h"
#include "ipsec-esp.h"
#include "ipsec-ipcomp.h"
#include "ipsec-sa.h"
#include "ns3/abort.h"

namespace ns3
{

const IpsecTransform&
IpsecTransform::Get(IpsecProto proto)
{
    // One immutable instance per protocol (FreeBSD's xform_attach table).
    static const IpsecEsp esp;
    static const IpsecAh ah;
    static const IpsecIpcomp ipcomp;
    switch (proto)
    {
        case IpsecProto::ESP:
            return esp;
        case IpsecProto::AH:
            return ah;
        case IpsecProto::IPCOMP:
            return ipcomp;
    }
    NS_ABORT_MSG("no IPsec transform for protocol " << static_cast<int>(proto));
}

bool
IpsecTransform::CoversIpHeader() const
{
    return false;
}

bool
IpsecTransform::SpiNamesSa(uint32_t /* spi */) const
{
    return true;
}

bool
IpsecTransform::NeedsSa() const
{
    return true;
}

IpsecVerdict
IpsecTransform::PeekSequence(const IpsecSa& /* sa */,
                             Ptr<const Packet> /* packet */,
                             IpsecStats& /* stats */,
                             uint32_t* seq,
                             bool* check) const
{
    *seq = 0;
    *check = false;
    return {};
}

IpsecStatsField
IpsecTransform::ReplayCounter() const
{
    return {};
}

std::vector<const IpsecAuthAlgorithm*>
IpsecProposalAuthAlgorithms()
{
    std::vector<const IpsecAuthAlgorithm*> algs;
    for (const char* name : {"hmac-md5", "hmac-sha1"})
    {
        if (const IpsecAuthAlgorithm* a = FindAuthAlgorithm(name))
        {
            algs.push_back(a);
        }
    }
    return algs;
}

IpsecInboundReplay::IpsecInboundReplay(IpsecSa* sa,
                                       uint32_t seq,
                                       IpsecStats* stats,
                                       IpsecStatsField counter)
    : m_sa(sa)
    , m_seq(seq)
    , m_stats(stats)
    , m_counter(counter)
{
}

IpsecVerdict
IpsecInboundReplay::Check() const
{
    if (!m_sa || m_sa->replay.Check(m_seq))
    {
        return {};
    }
    return IpsecFail(*m_stats,
                     m_counter.field,
                     m_counter.name,
                     "replayed or too old sequence number " + std::to_string(m_seq));
}

IpsecVerdict
IpsecInboundReplay::Advance() const
{
    if (!m_sa || m_sa->replay.Update(m_seq, m_sa->params.flags & IpsecSaFlags::CYCSEQ))
    {
        return {};
    }
    return IpsecFail(*m_stats,
                     m_counter.field,
                     m_counter.name,
                     "replay window update refused sequence number " + std::to_string(m_seq));
}

} // namespace ns3
