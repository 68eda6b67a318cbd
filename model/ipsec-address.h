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

/**
 * @ingroup ipsec
 * A family-neutral IP address (IPv4 or IPv6) as the SPD, the SAD and the
 * transforms see it: 4 or 16 bytes in network order.
 */
class IpsecAddress
{
  public:
    /// The address family.
    enum Family : uint8_t
    {
        NONE = 0,  ///< unset
        INET = 4,  ///< IPv4
        INET6 = 6, ///< IPv6
    };

    /// An unset address (family NONE).
    IpsecAddress();
    /**
     * An IPv4 address.
     * @param a the address
     */
    IpsecAddress(Ipv4Address a);
    /**
     * An IPv6 address.
     * @param a the address
     */
    IpsecAddress(Ipv6Address a);

    /**
     * Parses a numeric IPv4 or IPv6 address.
     * @param text e.g. "10.1.1.1", "fe80::1"
     * @return the address, or nothing when @p text is not one
     */
    static std::optional<IpsecAddress> Parse(const std::string& text);

    /**
     * The family.
     * @return NONE, INET or INET6
     */
    Family GetFamily() const;
    /**
     * Whether the address is IPv4.
     * @return true for INET
     */
    bool IsV4() const;
    /**
     * Whether the address is IPv6.
     * @return true for INET6
     */
    bool IsV6() const;
    /**
     * The address length.
     * @return 32 or 128 bits; 0 when unset
     */
    uint8_t GetBits() const;

    /**
     * The IPv4 address.
     * @return the address (of an INET address)
     */
    Ipv4Address ToIpv4() const;
    /**
     * The IPv6 address.
     * @return the address (of an INET6 address)
     */
    Ipv6Address ToIpv6() const;
    /**
     * The address bytes.
     * @return the 4 or 16 bytes, network order
     */
    const uint8_t* Bytes() const;
    /**
     * The address length in bytes.
     * @return 4 or 16; 0 when unset
     */
    uint8_t Size() const;

    /**
     * Prefix comparison.
     * @param other the other address (of the same family)
     * @param prefix the bits compared (0 matches anything of the family)
     * @return true if the first @p prefix bits of both are equal
     */
    bool MatchesPrefix(const IpsecAddress& other, uint8_t prefix) const;
    /**
     * Whether this is the unspecified address.
     * @return true for 0.0.0.0 and ::
     */
    bool IsAny() const;

    /**
     * The numeric text, as KAME prints it (inet_ntop).
     * @return e.g. "10.1.1.1", "fe80::1"
     */
    std::string ToString() const;

    /**
     * Equality.
     * @param o the other address
     * @return true for the same family and bytes
     */
    bool operator==(const IpsecAddress& o) const;
    /**
     * Inequality.
     * @param o the other address
     * @return true unless equal
     */
    bool operator!=(const IpsecAddress& o) const;
    /**
     * A total order (family, then bytes), for maps.
     * @param o the other address
     * @return true when this address sorts first
     */
    bool operator<(const IpsecAddress& o) const;

    /**
     * A hash of the family and the address bytes (for the SAD's and SPD's
     * hash indexes).
     * @return the hash
     */
    size_t Hash() const;

  private:
    Family m_family;
    std::array<uint8_t, 16> m_bytes;
};

/**
 * @ingroup ipsec
 * Writes an address as ToString does.
 * @param os the stream
 * @param a the address
 * @return the stream
 */
std::ostream& operator<<(std::ostream& os, const IpsecAddress& a);

} // namespace ns3

#endif /* IPSEC_ADDRESS_H */
