/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-header-walk.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace ns3
{

namespace
{

/// Reads bytes at an offset of a packet, copying only the prefix it needs
/// (into a small buffer first: most walks read a few header bytes).
class PrefixReader
{
  public:
    explicit PrefixReader(Ptr<const Packet> p)
        : m_packet(p)
        , m_size(p ? p->GetSize() : 0)
    {
    }

    uint32_t Size() const
    {
        return m_size;
    }

    /// Copies @p n bytes at @p off into @p out; false if the packet is shorter.
    bool Read(uint32_t off, uint32_t n, uint8_t* out)
    {
        if (off > m_size || n > m_size - off)
        {
            return false;
        }
        if (off + n > m_have)
        {
            m_have = std::min<uint32_t>(m_size, std::max<uint32_t>(off + n, 2 * m_have));
            if (m_have <= SMALL)
            {
                m_have = std::min<uint32_t>(m_size, SMALL);
                m_packet->CopyData(m_small, m_have);
            }
            else
            {
                m_big.resize(m_have);
                m_packet->CopyData(m_big.data(), m_have);
            }
        }
        std::memcpy(out, (m_have <= SMALL ? m_small : m_big.data()) + off, n);
        return true;
    }

  private:
    static constexpr uint32_t SMALL = 64;
    Ptr<const Packet> m_packet;
    uint32_t m_size;
    uint32_t m_have{0}; ///< bytes copied so far
    uint8_t m_small[SMALL];
    std::vector<uint8_t> m_big;
};

} // namespace

bool
IpsecIsIpv6OptionLayout(uint8_t protocol)
{
    return protocol == ipsecproto::HOPOPTS || protocol == ipsecproto::ROUTING
        || protocol == ipsecproto::DSTOPTS;
}

IpsecUpperLayer
IpsecWalkIpv4(uint8_t protocol, Ptr<const Packet> payload, const IpsecWalkRules& rules)
{
    IpsecUpperLayer r;
    if ((rules.ipv4FragField & 0x3fff) != 0)
    {
        if (!rules.rfc4301Fragments)
        {
            return r; // KAME: no upper-layer header to trust: "any"
        }
        if ((rules.ipv4FragField & 0x1fff) != 0)
        {
            // RFC 4301: a later fragment has the protocol, OPAQUE ports.
            r.protocol = protocol;
            r.opaque = true;
            return r;
        }
        // A first fragment is walked as a whole datagram would be.
    }
    PrefixReader in(payload);
    uint8_t nxt = protocol;
    uint32_t off = 0;
    while (off < in.Size())
    {
        if (nxt != ipsecproto::AH)
        {
            r.protocol = nxt;
            r.offset = off;
            return r;
        }
        uint8_t ah[2];
        if (!in.Read(off, 2, ah))
        {
            return r;
        }
        nxt = ah[0];
        off += (uint32_t(ah[1]) + 2) << 2;
    }
    return r; // nothing behind the header (or behind the AH headers): "any"
}

IpsecUpperLayer
IpsecWalkIpv6(uint8_t nextHeader, Ptr<const Packet> payload, const IpsecWalkRules& rules)
{
    PrefixReader in(payload);
    uint8_t nxt = nextHeader;
    uint32_t off = 0;
    bool opaque = false;
    for (;;)
    {
        uint8_t h[4];
        uint32_t next = 0;
        if (IpsecIsIpv6OptionLayout(nxt))
        {
            if (!in.Read(off, 2, h))
            {
                break;
            }
            next = off + ((uint32_t(h[1]) + 1) << 3);
        }
        else if (nxt == ipsecproto::AH)
        {
            if (!in.Read(off, 2, h))
            {
                break;
            }
            next = off + ((uint32_t(h[1]) + 2) << 2);
        }
        else if (nxt == ipsecproto::FRAGMENT)
        {
            if (!in.Read(off, 4, h))
            {
                break;
            }
            if (((h[2] << 8 | h[3]) & 0xfff8) != 0)
            {
                // A non-first fragment: nothing behind it to read.  KAME
                // stops at the Fragment header; RFC 4301 takes the protocol
                // it names, ports OPAQUE.
                if (rules.rfc4301Fragments)
                {
                    nxt = h[0];
                    opaque = true;
                }
                break;
            }
            next = off + 8;
        }
        else
        {
            break; // an upper layer, ESP, IPComp, an inner IPv6 header, No Next Header
        }
        if (next > in.Size())
        {
            break; // truncated: the walk ends where that header starts
        }
        nxt = h[0];
        off = next;
    }
    IpsecUpperLayer r;
    r.protocol = nxt;
    r.offset = off;
    r.opaque = opaque;
    return r;
}

IpsecSelector
IpsecPacketSelector(const IpsecAddress& src,
                    const IpsecAddress& dst,
                    uint8_t protocol,
                    Ptr<const Packet> payload,
                    const IpsecWalkRules& rules)
{
    IpsecSelector sel;
    sel.src = src;
    sel.dst = dst;
    sel.prefs = sel.prefd = src.GetBits();
    IpsecUpperLayer ul = src.IsV6() ? IpsecWalkIpv6(protocol, payload, rules)
                                    : IpsecWalkIpv4(protocol, payload, rules);
    sel.ulproto = ul.protocol;
    uint32_t size = payload ? payload->GetSize() : 0;
    uint32_t need = ul.protocol == ipsecproto::TCP ? 20 : ul.protocol == ipsecproto::UDP ? 8 : 0;
    bool ports = need > 0 && rules.wantPorts;
    bool icmp6 = src.IsV6() && ul.protocol == ipsecproto::ICMPV6 && rules.icmp6TypeCode;
    if (icmp6)
    {
        need = 8; // struct icmp6_hdr
    }
    if (!ul.opaque && (ports || icmp6) && ul.offset <= size && size - ul.offset >= need)
    {
        uint8_t b[4];
        PrefixReader in(payload);
        in.Read(ul.offset, 4, b);
        if (ports)
        {
            sel.sport = (b[0] << 8) | b[1];
            sel.dport = (b[2] << 8) | b[3];
        }
        else
        {
            sel.sport = b[0]; // type
            sel.dport = b[1]; // code
        }
    }
    return sel;
}

IpsecIpv6Unfragmentable
IpsecIpv6UnfragmentablePart(uint8_t nextHeader, Ptr<const Packet> payload)
{
    PrefixReader in(payload);
    IpsecIpv6Unfragmentable r;
    r.firstHeader = nextHeader;
    r.nextHeader = nextHeader;
    uint32_t off = 0;
    // Takes the option-layout header at off when it fits; false otherwise.
    auto take = [&](uint8_t type)
    {
        uint8_t h[2];
        if (r.nextHeader != type || !in.Read(off, 2, h))
        {
            return false;
        }
        uint32_t len = (uint32_t(h[1]) + 1) << 3;
        if (len > in.Size() - off)
        {
            return false;
        }
        r.nextHeaderAt = off;
        r.nextHeader = h[0];
        off += len;
        r.length = off;
        return true;
    };
    take(ipsecproto::HOPOPTS);
    if (r.nextHeader == ipsecproto::DSTOPTS)
    {
        // Destination options for the intermediate destinations: only when a
        // routing header follows.
        uint8_t h[2];
        if (in.Read(off, 2, h) && h[0] == ipsecproto::ROUTING)
        {
            take(ipsecproto::DSTOPTS);
        }
    }
    take(ipsecproto::ROUTING);
    return r;
}

} // namespace ns3
