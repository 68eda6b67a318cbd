/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * libFuzzer target: the ipsec_set_policy(3) policy string parser
 * (model/ipsec-policy-parser.cc), which setkey uses for the text after -P
 * and per-socket policies will use too.  Besides the sanitizers' findings
 * it checks what the parser promises: an error always has a message, and a
 * parsed tunnel request has both endpoints, of one family.
 */
#include "ipsec-policy-parser.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string text(reinterpret_cast<const char*>(data), size);
    ns3::IpsecPolicySpec spec;
    ns3::IpsecPolicyParseError error;
    if (!ns3::ParseIpsecPolicy(text, &spec, &error))
    {
        if (error.message.empty())
        {
            std::fprintf(stderr, "policy-parser-fuzzer: refused without a message\n");
            std::abort();
        }
        return 0;
    }
    for (const ns3::IpsecRequest& req : spec.requests)
    {
        if (spec.action == ns3::IpsecPolicyAction::IPSEC && req.mode == ns3::IpsecMode::TUNNEL
            && (!req.HasEndpoints() || req.tunnelSrc.IsV6() != req.tunnelDst.IsV6()))
        {
            std::fprintf(stderr, "policy-parser-fuzzer: a tunnel request without its endpoints\n");
            std::abort();
        }
    }
    return 0;
}
