/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A family-neutral IP address (IPv4 or IPv6) as the SPD, the SAD and the
 * transforms see it: 4 or 16 bytes in network order, prefix comparison and
 * KAME's numeric printing.  Keeping one type lets the policy and state
 * databases serve both families without duplication.
 */
#ifndef IPSEC_ADDRESS_H
#define IPSEC_ADDRESS_H

#include "ns3/ipv4-address.h"
#include "ns3/ipv6-address.h"

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace ns3
{

class IpsecAddress
{
  public:
    enum Family : uint8_t
    {
        NONE = 0,
        INET = 4,
        INET6 = 6,
    };

    IpsecAddress();
    IpsecAddress(Ipv4Address a);
    IpsecAddress(Ipv6Address a);

    /// Parses a numeric IPv4 or IPv6 address ("10.1.1.1", "fe80::1").
    static std::optional<IpsecAddress> Parse(const std::string& text);

    Family GetFamily() const;
    bool IsV4() const;
    bool IsV6() const;
    /// Address length in bits (32 or 128; 0 when unset).
    uint8_t GetBits() const;

    Ipv4Address ToIpv4() const;
    Ipv6Address ToIpv6() const;
    /// The 4 or 16 address bytes, network order.
    const uint8_t* Bytes() const;
    uint8_t Size() const;

    /// True if the first @p prefix bits of this and @p other are equal
    /// (same family required; prefix 0 matches anything of the family).
    bool MatchesPrefix(const IpsecAddress& other, uint8_t prefix) const;
    /// The unspecified address of the family (0.0.0.0 / ::).
    bool IsAny() const;

    /// Numeric text as KAME prints it (inet_ntop).
    std::string ToString() const;

    bool operator==(const IpsecAddress& o) const;
    bool operator!=(const IpsecAddress& o) const;
    bool operator<(const IpsecAddress& o) const;

  private:
    Family m_family;
    std::array<uint8_t, 16> m_bytes;
};

std::ostream& operator<<(std::ostream& os, const IpsecAddress& a);

} // namespace ns3

#endif /* IPSEC_ADDRESS_H */
