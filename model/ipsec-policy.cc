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
    switch (proto)
    {
        case IPSEC_ULPROTO_ANY:
            return "any";
        case 1:
            return "icmp";
        case 4:
            return "ip4";
        case 6:
            return "tcp";
        case 17:
            return "udp";
        case 47:
            return "gre";
        case 58:
            return "icmp6";
        default:
            return std::to_string(proto);
    }
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
