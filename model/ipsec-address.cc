/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-address.h"

#include <arpa/inet.h>
#include <cstring>

namespace ns3
{

IpsecAddress::IpsecAddress()
    : m_family(NONE)
    , m_bytes{}
{
}

IpsecAddress::IpsecAddress(Ipv4Address a)
    : m_family(INET)
    , m_bytes{}
{
    a.Serialize(m_bytes.data());
}

IpsecAddress::IpsecAddress(Ipv6Address a)
    : m_family(INET6)
    , m_bytes{}
{
    a.Serialize(m_bytes.data());
}

std::optional<IpsecAddress>
IpsecAddress::Parse(const std::string& text)
{
    IpsecAddress r;
    std::string host = text;
    auto pct = host.find('%'); // scope id: accepted, ignored (global addresses only)
    if (pct != std::string::npos)
    {
        host = host.substr(0, pct);
    }
    if (inet_pton(AF_INET, host.c_str(), r.m_bytes.data()) == 1)
    {
        r.m_family = INET;
        return r;
    }
    if (inet_pton(AF_INET6, host.c_str(), r.m_bytes.data()) == 1)
    {
        r.m_family = INET6;
        return r;
    }
    return std::nullopt;
}

IpsecAddress::Family
IpsecAddress::GetFamily() const
{
    return m_family;
}

bool
IpsecAddress::IsV4() const
{
    return m_family == INET;
}

bool
IpsecAddress::IsV6() const
{
    return m_family == INET6;
}

uint8_t
IpsecAddress::GetBits() const
{
    return Size() * 8;
}

Ipv4Address
IpsecAddress::ToIpv4() const
{
    return Ipv4Address::Deserialize(m_bytes.data());
}

Ipv6Address
IpsecAddress::ToIpv6() const
{
    return Ipv6Address::Deserialize(m_bytes.data());
}

const uint8_t*
IpsecAddress::Bytes() const
{
    return m_bytes.data();
}

uint8_t
IpsecAddress::Size() const
{
    return m_family == INET ? 4 : (m_family == INET6 ? 16 : 0);
}

bool
IpsecAddress::MatchesPrefix(const IpsecAddress& other, uint8_t prefix) const
{
    if (m_family != other.m_family)
    {
        return false;
    }
    uint8_t full = prefix / 8;
    uint8_t rest = prefix % 8;
    if (full > Size() || (full == Size() && rest != 0))
    {
        return false;
    }
    if (std::memcmp(m_bytes.data(), other.m_bytes.data(), full) != 0)
    {
        return false;
    }
    if (rest == 0)
    {
        return true;
    }
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (m_bytes[full] & mask) == (other.m_bytes[full] & mask);
}

bool
IpsecAddress::IsAny() const
{
    for (uint8_t i = 0; i < Size(); ++i)
    {
        if (m_bytes[i] != 0)
        {
            return false;
        }
    }
    return m_family != NONE;
}

std::string
IpsecAddress::ToString() const
{
    char buf[INET6_ADDRSTRLEN] = {0};
    if (m_family == INET)
    {
        inet_ntop(AF_INET, m_bytes.data(), buf, sizeof(buf));
    }
    else if (m_family == INET6)
    {
        inet_ntop(AF_INET6, m_bytes.data(), buf, sizeof(buf));
    }
    else
    {
        return "(none)";
    }
    return buf;
}

bool
IpsecAddress::operator==(const IpsecAddress& o) const
{
    return m_family == o.m_family && std::memcmp(m_bytes.data(), o.m_bytes.data(), Size()) == 0;
}

bool
IpsecAddress::operator!=(const IpsecAddress& o) const
{
    return !(*this == o);
}

bool
IpsecAddress::operator<(const IpsecAddress& o) const
{
    if (m_family != o.m_family)
    {
        return m_family < o.m_family;
    }
    return std::memcmp(m_bytes.data(), o.m_bytes.data(), Size()) < 0;
}

size_t
IpsecAddress::Hash() const
{
    // FNV-1a, 64 bits.
    uint64_t h = 0xcbf29ce484222325ULL;
    auto mix = [&h](uint8_t b)
    {
        h ^= b;
        h *= 0x100000001b3ULL;
    };
    mix(m_family);
    for (uint8_t i = 0; i < Size(); ++i)
    {
        mix(m_bytes[i]);
    }
    return static_cast<size_t>(h);
}

std::ostream&
operator<<(std::ostream& os, const IpsecAddress& a)
{
    return os << a.ToString();
}

} // namespace ns3
