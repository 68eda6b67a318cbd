/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-policy.h"

#include <sstream>

namespace ns3
{

bool
IpsecSelector::Matches(const IpsecSelector& pkt) const
{
    if (src.GetFamily() != pkt.src.GetFamily())
    {
        return false;
    }
    if (ulproto != IPSEC_ULPROTO_ANY && ulproto != pkt.ulproto)
    {
        return false;
    }
    if (sport != 0 && sport != pkt.sport)
    {
        return false;
    }
    if (dport != 0 && dport != pkt.dport)
    {
        return false;
    }
    return src.MatchesPrefix(pkt.src, prefs) && dst.MatchesPrefix(pkt.dst, prefd);
}

bool
IpsecSelector::operator==(const IpsecSelector& o) const
{
    return src == o.src && dst == o.dst && prefs == o.prefs && prefd == o.prefd && sport == o.sport
        && dport == o.dport && ulproto == o.ulproto;
}

bool
IpsecRequest::HasEndpoints() const
{
    return tunnelSrc.GetFamily() != IpsecAddress::NONE;
}

std::string
IpsecRequest::ToString() const
{
    std::ostringstream os;
    os << IpsecProtoName(proto) << "/" << IpsecModeName(mode) << "/";
    if (HasEndpoints())
    {
        os << tunnelSrc << "-" << tunnelDst;
    }
    os << "/" << IpsecLevelName(level);
    if (reqid != 0)
    {
        os << (reqid <= IPSEC_MANUAL_REQID_MAX ? ":" : "#") << reqid;
    }
    return os.str();
}

std::string
IpsecPolicy::PolicyString() const
{
    std::ostringstream os;
    os << IpsecDirectionName(direction) << " " << IpsecPolicyActionName(action);
    if (action == IpsecPolicyAction::IPSEC)
    {
        for (const auto& r : requests)
        {
            os << " " << r.ToString();
        }
    }
    return os.str();
}

namespace
{

std::string
UpperName(uint8_t proto)
{
    // setkey -DP prints getprotobynumber()'s /etc/protocols name.
    static const std::pair<uint8_t, const char*> names[] = {
        {0, "ip"},
        {1, "icmp"},
        {2, "igmp"},
        {4, "ip4"},
        {6, "tcp"},
        {8, "egp"},
        {17, "udp"},
        {41, "ipv6"},
        {43, "ipv6-route"},
        {44, "ipv6-frag"},
        {46, "rsvp"},
        {47, "gre"},
        {50, "esp"},
        {51, "ah"},
        {58, "icmp6"},
        {59, "ipv6-nonxt"},
        {60, "ipv6-opts"},
        {89, "ospf"},
        {103, "pim"},
        {108, "ipcomp"},
        {112, "vrrp"},
        {132, "sctp"},
        {135, "mobility-header"},
        {IPSEC_ULPROTO_ANY, "any"},
    };
    for (const auto& [number, name] : names)
    {
        if (number == proto)
        {
            return name;
        }
    }
    return std::to_string(proto);
}

std::string
EndpointString(const IpsecAddress& a, uint8_t prefix, uint16_t port, bool showPort)
{
    std::ostringstream os;
    os << a;
    if (prefix != a.GetBits())
    {
        os << "/" << static_cast<int>(prefix);
    }
    if (showPort)
    {
        if (port == 0)
        {
            os << "[any]";
        }
        else
        {
            os << "[" << port << "]";
        }
    }
    return os.str();
}

} // namespace

std::string
IpsecPolicy::SelectorString() const
{
    bool icmp6 = selector.ulproto == 58;
    std::ostringstream os;
    os << EndpointString(selector.src, selector.prefs, selector.sport, !icmp6) << " "
       << EndpointString(selector.dst, selector.prefd, selector.dport, !icmp6) << " "
       << UpperName(selector.ulproto);
    if (icmp6 && (selector.sport != 0 || selector.dport != 0))
    {
        os << " " << selector.sport << "," << selector.dport;
    }
    return os.str();
}

} // namespace ns3
