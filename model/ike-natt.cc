/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * NAT traversal in IKEv1 (RFC 3947): vendor IDs, versions, NAT-D.
 */
#include "ike-natt.h"

#include "isakmp-message.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IkeNatt");

const std::vector<IkeNattVendorId>&
IkeNattVendorIds()
{
    // racoon's isakmp_plist_append_natt_vids: the RFC first, older drafts
    // last (some implementations take the first NAT-T VID they see).
    static const std::vector<IkeNattVendorId> kVids = {
        {IkeNattVersion::RFC, "RFC 3947", true},
        {IkeNattVersion::DRAFT_03, "draft-ietf-ipsec-nat-t-ike-03", false},
        {IkeNattVersion::DRAFT_02, "draft-ietf-ipsec-nat-t-ike-02", true},
        {IkeNattVersion::DRAFT_02_N, "draft-ietf-ipsec-nat-t-ike-02\n", true},
        {IkeNattVersion::DRAFT_01, "draft-ietf-ipsec-nat-t-ike-01", false},
        {IkeNattVersion::DRAFT_00, "draft-ietf-ipsec-nat-t-ike-00", false},
    };
    return kVids;
}

std::vector<uint8_t>
IkeVendorIdHash(const std::string& text)
{
    return IkeHash(*IkeHashAlg::ByName("md5"), IkeBytes(text.begin(), text.end()));
}

IkeNattVersion
IkeNattVersionOf(const std::vector<uint8_t>& body)
{
    for (const IkeNattVendorId& v : IkeNattVendorIds())
    {
        if (v.enabled && IkeVendorIdHash(v.text) == body)
        {
            return v.version;
        }
    }
    return IkeNattVersion::NONE;
}

std::string
IkeNattVersionName(IkeNattVersion v)
{
    for (const IkeNattVendorId& x : IkeNattVendorIds())
    {
        if (x.version == v)
        {
            return x.text;
        }
    }
    return "none";
}

uint16_t
IkeNattOptions::ModeDiff() const
{
    return static_cast<uint16_t>(modeUdpTunnel - 1);
}

IkeNattOptions
IkeNattOptionsFor(IkeNattVersion v)
{
    IkeNattOptions o;
    o.version = v;
    switch (v)
    {
        case IkeNattVersion::NONE:
            return o;
        case IkeNattVersion::DRAFT_00:
        case IkeNattVersion::DRAFT_01:
        case IkeNattVersion::DRAFT_02:
        case IkeNattVersion::DRAFT_02_N:
        case IkeNattVersion::DRAFT_03:
            // Drafts 00 and 01 do not float to the NAT-T port.
            o.floatPort = v != IkeNattVersion::DRAFT_00 && v != IkeNattVersion::DRAFT_01;
            o.payloadNatD = isakmp::PL_NATD_DRAFT;
            o.payloadNatOa = isakmp::PL_NATOA_DRAFT;
            o.modeUdpTunnel = isakmp::IPSEC_ENC_MODE_UDP_TUNNEL_DRAFT;
            o.modeUdpTransport = isakmp::IPSEC_ENC_MODE_UDP_TRANSPORT_DRAFT;
            return o;
        case IkeNattVersion::RFC:
            o.floatPort = true;
            o.payloadNatD = isakmp::PL_NATD;
            o.payloadNatOa = isakmp::PL_NATOA;
            o.modeUdpTunnel = isakmp::IPSEC_ENC_MODE_UDP_TUNNEL;
            o.modeUdpTransport = isakmp::IPSEC_ENC_MODE_UDP_TRANSPORT;
            return o;
    }
    return o;
}

IkeBytes
IkeNatDHash(const IkeHashAlg& h,
            const std::array<uint8_t, 8>& icookie,
            const std::array<uint8_t, 8>& rcookie,
            const IpsecAddress& addr,
            uint16_t port,
            bool zeroAddress)
{
    IkeBytes buf(icookie.begin(), icookie.end());
    buf.insert(buf.end(), rcookie.begin(), rcookie.end());
    if (zeroAddress)
    {
        buf.insert(buf.end(), addr.Size(), 0);
    }
    else
    {
        buf.insert(buf.end(), addr.Bytes(), addr.Bytes() + addr.Size());
    }
    buf.push_back(static_cast<uint8_t>(port >> 8));
    buf.push_back(static_cast<uint8_t>(port & 0xff));
    return IkeHash(h, buf);
}

} // namespace ns3
