/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-types.h"

namespace ns3
{

std::string
IpsecProtoName(IpsecProto p)
{
    switch (p)
    {
        case IpsecProto::ESP:
            return "esp";
        case IpsecProto::AH:
            return "ah";
        case IpsecProto::IPCOMP:
            return "ipcomp";
    }
    return std::to_string(static_cast<int>(p));
}

std::string
IpsecModeName(IpsecMode m)
{
    switch (m)
    {
        case IpsecMode::ANY:
            return "any";
        case IpsecMode::TRANSPORT:
            return "transport";
        case IpsecMode::TUNNEL:
            return "tunnel";
    }
    return "?";
}

std::string
IpsecLevelName(IpsecLevel l)
{
    switch (l)
    {
        case IpsecLevel::DEFAULT:
            return "default";
        case IpsecLevel::USE:
            return "use";
        case IpsecLevel::REQUIRE:
            return "require";
        case IpsecLevel::UNIQUE:
            return "unique";
    }
    return "?";
}

std::string
IpsecPolicyActionName(IpsecPolicyAction a)
{
    switch (a)
    {
        case IpsecPolicyAction::DISCARD:
            return "discard";
        case IpsecPolicyAction::NONE:
            return "none";
        case IpsecPolicyAction::IPSEC:
            return "ipsec";
        case IpsecPolicyAction::ENTRUST:
            return "entrust";
        case IpsecPolicyAction::BYPASS:
            return "bypass";
    }
    return "?";
}

std::string
IpsecDirectionName(IpsecDirection d)
{
    switch (d)
    {
        case IpsecDirection::ANY:
            return "any";
        case IpsecDirection::INBOUND:
            return "in";
        case IpsecDirection::OUTBOUND:
            return "out";
    }
    return "?";
}

std::string
IpsecSaStateName(IpsecSaState s)
{
    switch (s)
    {
        case IpsecSaState::LARVAL:
            return "larval";
        case IpsecSaState::MATURE:
            return "mature";
        case IpsecSaState::DYING:
            return "dying";
        case IpsecSaState::DEAD:
            return "dead";
    }
    return "?";
}

} // namespace ns3
