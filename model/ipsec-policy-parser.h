/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The policy string language of libipsec's ipsec_set_policy(3) (KAME
 * policy_token.l / policy_parse.y, 2003, with the ipsec-tools additions a
 * NetBSD build accepts): "out ipsec esp/tunnel/10.0.0.1-10.0.0.2/require",
 * "in none", "in" (direction only, as spddelete uses it).  setkey hands the
 * text after -P to this parser; per-socket policies use it too, so it knows
 * nothing about setkey.
 */
#ifndef IPSEC_POLICY_PARSER_H
#define IPSEC_POLICY_PARSER_H

#include "ipsec-policy.h"
#include "ipsec-types.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-policy
 * What ipsec_set_policy() encodes into a sadb_x_policy extension.
 */
struct IpsecPolicySpec
{
    IpsecDirection direction{IpsecDirection::ANY}; ///< in or out
    /**
     * False when the text was only a direction ("in"): libipsec then sends
     * policy type 0, i.e. discard, which is what @c action holds.
     */
    bool hasAction{false};
    IpsecPolicyAction action{IpsecPolicyAction::DISCARD}; ///< the policy type
    /// Requests in textual order; parsed for every action, but only "ipsec" uses them.
    std::vector<IpsecRequest> requests;
};

/**
 * @ingroup ipsec-policy
 * Why a policy string was refused.
 */
struct IpsecPolicyParseError
{
    /**
     * ipsec_strerror() text: "Invalid argument" (grammar error), "Too few
     * arguments", "Invalid address specification", "Invalid direciton" (sic),
     * "Family mismatch", "Invalid ipsec mode", "No protocol specified",
     * "Policy priority not compiled in", or getaddrinfo's text for a bad
     * endpoint address.
     */
    std::string message;
    /// The policy token at which parsing stopped ("" at the end of the text).
    std::string token;
    /**
     * The line libipsec writes to stderr for grammar and address errors, e.g.
     * `libipsec: syntax error while parsing "foo"`; empty for semantic errors.
     */
    std::string diagnostic;
    /// What the grammar expected at @c token, in words (for readable messages).
    std::string expected;
};

/**
 * @ingroup ipsec-policy
 * Parses a policy string like ipsec_set_policy().
 * @param text e.g. "out ipsec esp/transport//require"
 * @param out filled on success (may be nullptr)
 * @param error filled on failure (may be nullptr)
 * @return true when the text parses
 */
bool ParseIpsecPolicy(const std::string& text, IpsecPolicySpec* out, IpsecPolicyParseError* error);

/**
 * @ingroup ipsec-policy
 * Parses a policy string like ipsec_set_policy(), the error as two strings.
 * @param text e.g. "out ipsec esp/transport//require"
 * @param out filled on success (may be nullptr)
 * @param error set to the ipsec_strerror() text on failure (may be nullptr)
 * @param badToken set to the token at which parsing stopped (may be nullptr)
 * @return true when the text parses
 */
bool ParseIpsecPolicy(const std::string& text,
                      IpsecPolicySpec* out,
                      std::string* error,
                      std::string* badToken);

} // namespace ns3

#endif /* IPSEC_POLICY_PARSER_H */
