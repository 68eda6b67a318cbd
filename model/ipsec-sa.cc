/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-sa.h"

#include "ipsec-transform.h"
#include "ns3/log.h"

#include <cerrno>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecSa");

IpsecReplayWindow::IpsecReplayWindow(uint8_t windowBytes)
    : m_bytes(windowBytes)
    , m_bitmap(windowBytes, 0)
{
}

uint8_t
IpsecReplayWindow::GetWindowBytes() const
{
    return m_bytes;
}

uint32_t
IpsecReplayWindow::GetCount() const
{
    return m_count;
}

bool
IpsecReplayWindow::IsSet(uint32_t diff) const
{
    return (m_bitmap[diff / 8] >> (diff % 8)) & 1;
}

void
IpsecReplayWindow::Set(uint32_t diff)
{
    m_bitmap[diff / 8] |= static_cast<uint8_t>(1u << (diff % 8));
}

void
IpsecReplayWindow::Shift(uint32_t by)
{
    uint32_t bits = m_bytes * 8u;
    if (by >= bits)
    {
        std::fill(m_bitmap.begin(), m_bitmap.end(), 0);
        return;
    }
    // bit i moves to bit i + by (older by 'by' positions)
    std::vector<uint8_t> shifted(m_bytes, 0);
    for (uint32_t i = 0; i + by < bits; ++i)
    {
        if (IsSet(i))
        {
            uint32_t j = i + by;
            shifted[j / 8] |= static_cast<uint8_t>(1u << (j % 8));
        }
    }
    m_bitmap.swap(shifted);
}

bool
IpsecReplayWindow::Check(uint32_t seq) const
{
    if (m_bytes == 0)
    {
        return true;
    }
    if (seq == 0)
    {
        return false;
    }
    if (m_count == 0 || seq > m_lastSeq)
    {
        return true;
    }
    uint32_t diff = m_lastSeq - seq;
    if (diff >= m_bytes * 8u)
    {
        return false;
    }
    return !IsSet(diff);
}

bool
IpsecReplayWindow::Update(uint32_t seq, bool cyclic)
{
    if (m_bytes != 0)
    {
        if (seq == 0)
        {
            return false;
        }
        if (m_count == 0)
        {
            m_lastSeq = seq;
            std::fill(m_bitmap.begin(), m_bitmap.end(), 0);
            Set(0);
        }
        else if (seq > m_lastSeq)
        {
            Shift(seq - m_lastSeq);
            Set(0);
            m_lastSeq = seq;
        }
        else
        {
            uint32_t diff = m_lastSeq - seq;
            if (diff >= m_bytes * 8u || IsSet(diff))
            {
                return false;
            }
            Set(diff);
        }
    }
    if (m_count == 0xffffffffu)
    {
        ++m_overflow;
        if (!cyclic)
        {
            return false;
        }
    }
    ++m_count;
    return true;
}

IpsecSa::IpsecSa(const IpsecSaParams& p, Time now)
    : params(p)
    , created(now)
    , replay(p.replayWindow)
{
}

bool
IpsecSa::IsUsable() const
{
    return state == IpsecSaState::MATURE || state == IpsecSaState::DYING;
}

int
IpsecSa::Mature(IpsecIcvTruncation truncation, std::string* why)
{
    auto fail = [why](const std::string& text)
    {
        if (why)
        {
            *why = text;
        }
        return EINVAL;
    };
    const IpsecSaParams& p = params;
    if ((p.proto == IpsecProto::ESP || p.proto == IpsecProto::AH) && p.spi < 256)
    {
        return fail("SPI " + std::to_string(p.spi) + " is reserved (ESP/AH SPIs start at 256)");
    }
    if (p.src.GetFamily() != p.dst.GetFamily())
    {
        return fail("address family mismatched");
    }
    if (p.hardAddTime == 0 && p.softAddTime != 0)
    {
        return fail("soft lifetime given without a hard lifetime");
    }
    if (p.hardAddTime != 0 && p.softAddTime == 0)
    {
        return fail("hard lifetime given without a soft lifetime");
    }
    if (p.flags & (IpsecSaFlags::OLD | IpsecSaFlags::DERIV | IpsecSaFlags::IV4B))
    {
        // KAME also accepts RFC 1826/1827 SAs (ah-old, esp-old, des-deriv,
        // des-32iv); their wire formats are not modelled, so refuse them
        // rather than send the wrong bytes.
        return fail("the RFC 1826/1827 formats (ah-old, esp-old, des-deriv, des-32iv) are "
                    "not modelled");
    }
    if (std::string e = IpsecTransform::Get(p.proto).InitState(*this, truncation); !e.empty())
    {
        return fail(e);
    }
    state = IpsecSaState::MATURE;
    return 0;
}

std::string
IpsecSa::InitAuthenticator(IpsecIcvTruncation truncation)
{
    if (std::string e = CheckAuthKey(*params.auth, params.authKey); !e.empty())
    {
        return e;
    }
    std::string error;
    icvLen = IcvLengthFor(*params.auth, truncation);
    mac = CreateAuthContext(*params.auth, params.authKey, icvLen, &error);
    return mac ? "" : error;
}

bool
IpsecSa::NextSequence(uint32_t* seq)
{
    if ((seqCounter & 0xffffffffu) == 0xffffffffu && !(params.flags & IpsecSaFlags::CYCSEQ))
    {
        return false;
    }
    ++seqCounter;
    *seq = static_cast<uint32_t>(seqCounter);
    return true;
}

void
IpsecSa::RecordUse(uint32_t nbytes, Time now)
{
    bytes += nbytes;
    ++allocations;
    lastUsed = now;
}

} // namespace ns3
