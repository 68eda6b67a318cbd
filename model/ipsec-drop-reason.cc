/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The table of drop reasons, their names and KAME's counters.
 */
#include "ipsec-drop-reason.h"

#include <array>

namespace ns3
{

namespace
{

struct Row
{
    IpsecDropReason reason;
    const char* name;
    const char* counter;
};

/// One row per reason, in the enum's order.
constexpr std::array<Row, 38> ROWS{{
    {IpsecDropReason::IN_POLICY_VIOLATION, "IN_POLICY_VIOLATION", "in_polvio"},
    {IpsecDropReason::IN_NO_SA, "IN_NO_SA", "in_nosa"},
    {IpsecDropReason::IN_INVALID, "IN_INVALID", "in_inval"},
    {IpsecDropReason::IN_NO_MEMORY, "IN_NO_MEMORY", "in_nomem"},
    {IpsecDropReason::IN_BAD_SPI, "IN_BAD_SPI", "in_badspi"},
    {IpsecDropReason::IN_AH_REPLAY, "IN_AH_REPLAY", "in_ahreplay"},
    {IpsecDropReason::IN_ESP_REPLAY, "IN_ESP_REPLAY", "in_espreplay"},
    {IpsecDropReason::IN_AH_AUTH_FAILED, "IN_AH_AUTH_FAILED", "in_ahauthfail"},
    {IpsecDropReason::IN_ESP_AUTH_FAILED, "IN_ESP_AUTH_FAILED", "in_espauthfail"},
    {IpsecDropReason::OUT_POLICY_VIOLATION, "OUT_POLICY_VIOLATION", "out_polvio"},
    {IpsecDropReason::OUT_NO_SA, "OUT_NO_SA", "out_nosa"},
    {IpsecDropReason::OUT_INVALID, "OUT_INVALID", "out_inval"},
    {IpsecDropReason::OUT_NO_MEMORY, "OUT_NO_MEMORY", "out_nomem"},
    {IpsecDropReason::OUT_NO_ROUTE, "OUT_NO_ROUTE", "out_noroute"},
    {IpsecDropReason::IP_NO_ROUTE, "IP_NO_ROUTE", "(ips_noroute)"},
    {IpsecDropReason::IP_CANT_FRAGMENT, "IP_CANT_FRAGMENT", "(ips_cantfrag)"},
    {IpsecDropReason::IP_MESSAGE_SIZE, "IP_MESSAGE_SIZE", "(EMSGSIZE)"},
    {IpsecDropReason::IP6_TOO_BIG, "IP6_TOO_BIG", "(ifs6_in_toobig)"},
    {IpsecDropReason::TRANSFORM_DISABLED, "TRANSFORM_DISABLED", "(not counted)"},
    {IpsecDropReason::NOT_DECAPSULATED, "NOT_DECAPSULATED", "(not counted)"},
    {IpsecDropReason::NO_INTERFACE, "NO_INTERFACE", "(not counted)"},
    {IpsecDropReason::IP6_BAD_OPTIONS, "IP6_BAD_OPTIONS", "(ip6s_toosmall)"},
    {IpsecDropReason::IP6_TOO_SHORT, "IP6_TOO_SHORT", "(ip6s_tooshort)"},
    {IpsecDropReason::IP6_TOO_MANY_HEADERS, "IP6_TOO_MANY_HEADERS", "(ip6s_toomanyhdr)"},
    {IpsecDropReason::UDP_TOO_SHORT, "UDP_TOO_SHORT", "(udps_hdrops)"},
    {IpsecDropReason::UDP_BAD_LENGTH, "UDP_BAD_LENGTH", "(udps_badlen)"},
    {IpsecDropReason::UDP_BAD_CHECKSUM, "UDP_BAD_CHECKSUM", "(udps_badsum)"},
    {IpsecDropReason::TCP_TOO_SHORT, "TCP_TOO_SHORT", "(tcps_rcvshort)"},
    {IpsecDropReason::TCP_BAD_OFFSET, "TCP_BAD_OFFSET", "(tcps_rcvbadoff)"},
    {IpsecDropReason::ICMP_TOO_SHORT, "ICMP_TOO_SHORT", "(icps_tooshort)"},
    {IpsecDropReason::ICMP6_TOO_SHORT, "ICMP6_TOO_SHORT", "(icp6s_tooshort)"},
    {IpsecDropReason::ICMP_BAD_LENGTH, "ICMP_BAD_LENGTH", "(icps_badlen)"},
    {IpsecDropReason::ND_BAD_OPTION, "ND_BAD_OPTION", "(icp6s_badns)"},
    {IpsecDropReason::IP6_BAD_SCOPE, "IP6_BAD_SCOPE", "(ip6s_badscope)"},
    {IpsecDropReason::TCP_BAD_SYN, "TCP_BAD_SYN", "(tcps_badsyn)"},
    {IpsecDropReason::TCP_LISTEN_RESET, "TCP_LISTEN_RESET", "(not counted)"},
    {IpsecDropReason::TCP_NO_ACK, "TCP_NO_ACK", "(not counted)"},
    {IpsecDropReason::IP_BAD_ADDRESS, "IP_BAD_ADDRESS", "(ips_badaddr)"},
}};

constexpr bool
InEnumOrder()
{
    for (size_t i = 0; i < ROWS.size(); ++i)
    {
        if (static_cast<size_t>(ROWS[i].reason) != i)
        {
            return false;
        }
    }
    return true;
}

static_assert(InEnumOrder(), "ROWS must list the reasons in the enum's order");
static_assert(ROWS.size() == static_cast<size_t>(IPSEC_DROP_REASON_LAST) + 1,
              "ROWS must list every reason");

const Row&
RowOf(IpsecDropReason reason)
{
    return ROWS[static_cast<size_t>(reason)];
}

} // namespace

const char*
IpsecDropReasonCounter(IpsecDropReason reason)
{
    return RowOf(reason).counter;
}

const char*
IpsecDropReasonName(IpsecDropReason reason)
{
    return RowOf(reason).name;
}

bool
IpsecDropReasonFromCounter(const std::string& counter, IpsecDropReason* reason)
{
    for (const Row& r : ROWS)
    {
        if (counter == r.counter && counter != "(not counted)")
        {
            *reason = r.reason;
            return true;
        }
    }
    return false;
}

std::ostream&
operator<<(std::ostream& os, IpsecDropReason reason)
{
    return os << IpsecDropReasonName(reason);
}

} // namespace ns3
