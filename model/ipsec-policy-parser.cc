/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A hand-written equivalent of libipsec's policy_token.l/policy_parse.y
 * (KAME 2003).  One function per grammar rule; the error texts are those of
 * ipsec_strerror.c.
 */
#include "ipsec-policy-parser.h"

#include "ipsec-address.h"
#include "ns3/log.h"

#include <cctype>
#include <cstdlib>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecPolicyParser");

namespace
{

/// libipsec's token classes.
enum class PolicyTokenKind : uint8_t
{
    END,
    DIR,
    ACTION,
    PROTOCOL,
    MODE,
    LEVEL,
    LEVEL_SPECIFY,
    ME,
    ANY,
    SLASH,
    HYPHEN,
    IPADDRESS,
    PRIORITY,
    BAD,
};

struct PolicyToken
{
    PolicyTokenKind kind{PolicyTokenKind::END};
    std::string text;
    size_t begin{0};
    size_t end{0};
    uint32_t value{
        0}; ///< the enumeration value of DIR/ACTION/PROTOCOL/MODE/LEVEL, reqid of LEVEL_SPECIFY
};

/// Texts of ipsec_strerror() used here.
const char* const kInvalidArgument = "Invalid argument";
const char* const kFewArguments = "Too few arguments";
const char* const kInvalidAddress = "Invalid address specification";
const char* const kInvalidDirection = "Invalid direciton"; // sic, libipsec's spelling
const char* const kFamilyMismatch = "Family mismatch";
const char* const kInvalidMode = "Invalid ipsec mode";
const char* const kNoProtocol = "No protocol specified";
const char* const kPriorityNotCompiled = "Policy priority not compiled in";
/// NetBSD's gai_strerror(EAI_NONAME), what libipsec reports for a bad endpoint.
const char* const kBadHost = "hostname nor servname provided, or not known";

bool
IsWordChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '.' || c == '_';
}

/// policy_token.l: keywords, '/', '-', and every other word is an IPADDRESS.
class PolicyLexer
{
  public:
    explicit PolicyLexer(const std::string& text)
        : m_text(text)
        , m_pos(0)
    {
    }

    PolicyToken Next()
    {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
        {
            ++m_pos;
        }
        PolicyToken t;
        t.begin = m_pos;
        if (m_pos >= m_text.size())
        {
            t.end = m_pos;
            return t;
        }
        char c = m_text[m_pos];
        if (c == '/' || c == '-')
        {
            t.kind = c == '/' ? PolicyTokenKind::SLASH : PolicyTokenKind::HYPHEN;
            t.text = std::string(1, c);
            t.end = ++m_pos;
            return t;
        }
        if (!IsWordChar(c))
        {
            t.kind = PolicyTokenKind::BAD;
            t.text = std::string(1, c);
            t.end = ++m_pos;
            return t;
        }
        size_t start = m_pos;
        while (m_pos < m_text.size() && IsWordChar(m_text[m_pos]))
        {
            ++m_pos;
        }
        // optional %scope of an IPv6 address
        if (m_pos + 1 < m_text.size() && m_text[m_pos] == '%'
            && std::isalnum(static_cast<unsigned char>(m_text[m_pos + 1])))
        {
            ++m_pos;
            while (m_pos < m_text.size() && std::isalnum(static_cast<unsigned char>(m_text[m_pos])))
            {
                ++m_pos;
            }
        }
        t.text = m_text.substr(start, m_pos - start);
        t.end = m_pos;
        Classify(&t);
        return t;
    }

  private:
    static void Classify(PolicyToken* t)
    {
        struct Keyword
        {
            const char* word;
            PolicyTokenKind kind;
            uint32_t value;
        };

        static const Keyword kKeywords[] = {
            {"in", PolicyTokenKind::DIR, static_cast<uint32_t>(IpsecDirection::INBOUND)},
            {"out", PolicyTokenKind::DIR, static_cast<uint32_t>(IpsecDirection::OUTBOUND)},
            // ipsec-tools without HAVE_POLICY_FWD (every BSD) maps fwd to in.
            {"fwd", PolicyTokenKind::DIR, static_cast<uint32_t>(IpsecDirection::INBOUND)},
            {"discard", PolicyTokenKind::ACTION, static_cast<uint32_t>(IpsecPolicyAction::DISCARD)},
            {"none", PolicyTokenKind::ACTION, static_cast<uint32_t>(IpsecPolicyAction::NONE)},
            {"ipsec", PolicyTokenKind::ACTION, static_cast<uint32_t>(IpsecPolicyAction::IPSEC)},
            {"bypass", PolicyTokenKind::ACTION, static_cast<uint32_t>(IpsecPolicyAction::BYPASS)},
            {"entrust", PolicyTokenKind::ACTION, static_cast<uint32_t>(IpsecPolicyAction::ENTRUST)},
            {"esp", PolicyTokenKind::PROTOCOL, static_cast<uint32_t>(IpsecProto::ESP)},
            {"ah", PolicyTokenKind::PROTOCOL, static_cast<uint32_t>(IpsecProto::AH)},
            {"ipcomp", PolicyTokenKind::PROTOCOL, static_cast<uint32_t>(IpsecProto::IPCOMP)},
            {"transport", PolicyTokenKind::MODE, static_cast<uint32_t>(IpsecMode::TRANSPORT)},
            {"tunnel", PolicyTokenKind::MODE, static_cast<uint32_t>(IpsecMode::TUNNEL)},
            {"me", PolicyTokenKind::ME, 0},
            {"any", PolicyTokenKind::ANY, 0},
            {"default", PolicyTokenKind::LEVEL, static_cast<uint32_t>(IpsecLevel::DEFAULT)},
            {"use", PolicyTokenKind::LEVEL, static_cast<uint32_t>(IpsecLevel::USE)},
            {"require", PolicyTokenKind::LEVEL, static_cast<uint32_t>(IpsecLevel::REQUIRE)},
            {"unique", PolicyTokenKind::LEVEL, static_cast<uint32_t>(IpsecLevel::UNIQUE)},
            {"priority", PolicyTokenKind::PRIORITY, 0},
            {"prio", PolicyTokenKind::PRIORITY, 0},
        };

        for (const auto& k : kKeywords)
        {
            if (t->text == k.word)
            {
                t->kind = k.kind;
                t->value = k.value;
                return;
            }
        }
        const std::string prefix = "unique:";
        if (t->text.size() > prefix.size() && t->text.compare(0, prefix.size(), prefix) == 0)
        {
            std::string digits = t->text.substr(prefix.size());
            bool allDigits = true;
            for (char c : digits)
            {
                allDigits = allDigits && std::isdigit(static_cast<unsigned char>(c));
            }
            if (allDigits)
            {
                // atol() then stored in a 32-bit reqid; saturate instead of overflowing.
                unsigned long long v = std::strtoull(digits.c_str(), nullptr, 10);
                t->kind = PolicyTokenKind::LEVEL_SPECIFY;
                t->value = v > 0xffffffffULL ? 0xffffffffU : static_cast<uint32_t>(v);
                return;
            }
        }
        t->kind = PolicyTokenKind::IPADDRESS;
    }

    const std::string& m_text;
    size_t m_pos;
};

/// policy_parse.y, one function per rule.
class PolicyParser
{
  public:
    explicit PolicyParser(const std::string& text)
        : m_text(text)
        , m_lexer(text)
    {
    }

    bool Parse(IpsecPolicySpec* out, IpsecPolicyParseError* error)
    {
        m_spec = IpsecPolicySpec();
        bool ok = ParsePolicySpec();
        if (ok)
        {
            if (out)
            {
                *out = m_spec;
            }
        }
        else if (error)
        {
            *error = m_error;
        }
        return ok;
    }

  private:
    const PolicyToken& Peek()
    {
        if (!m_hasPeek)
        {
            m_peek = m_lexer.Next();
            m_hasPeek = true;
        }
        return m_peek;
    }

    PolicyToken Take()
    {
        Peek();
        m_hasPeek = false;
        return m_peek;
    }

    /// A yacc "syntax error": libipsec prints a diagnostic, ipsec_set_policy reports EINVAL.
    bool SyntaxError(const PolicyToken& at, const std::string& expected)
    {
        m_error.message = kInvalidArgument;
        m_error.token = at.text;
        m_error.diagnostic = "libipsec: syntax error while parsing \"" + at.text + "\"";
        m_error.expected = expected;
        return false;
    }

    /// A semantic error (ipsec_errcode set, no diagnostic).
    bool Fail(const std::string& message, const std::string& token, const std::string& expected)
    {
        m_error.message = message;
        m_error.token = token;
        m_error.diagnostic.clear();
        m_error.expected = expected;
        return false;
    }

    // policy_spec : DIR ACTION rules | DIR
    bool ParsePolicySpec()
    {
        PolicyToken dir = Take();
        if (dir.kind != PolicyTokenKind::DIR)
        {
            return SyntaxError(dir, "a policy direction (in or out)");
        }
        m_spec.direction = static_cast<IpsecDirection>(dir.value);
        const PolicyToken& next = Peek();
        if (next.kind == PolicyTokenKind::END)
        {
            m_spec.hasAction = false;
            m_spec.action = IpsecPolicyAction::DISCARD; // libipsec sends p_type 0
            return true;
        }
        if (next.kind == PolicyTokenKind::PRIORITY)
        {
            // ipsec-tools built without HAVE_PFKEY_POLICY_PRIORITY (NetBSD, KAME).
            return Fail(kPriorityNotCompiled, next.text, "a policy action");
        }
        if (next.kind != PolicyTokenKind::ACTION)
        {
            return SyntaxError(next, "a policy action (discard, none, ipsec, entrust or bypass)");
        }
        PolicyToken action = Take();
        m_spec.hasAction = true;
        m_spec.action = static_cast<IpsecPolicyAction>(action.value);
        return ParseRules();
    }

    // rules : /*NOTHING*/ | rules rule
    bool ParseRules()
    {
        while (Peek().kind != PolicyTokenKind::END)
        {
            const PolicyToken& t = Peek();
            if (t.kind == PolicyTokenKind::MODE || t.kind == PolicyTokenKind::SLASH)
            {
                // "transport//require": libipsec's yacc only says "syntax error"; the
                // EIPSEC_NO_PROTO text of rule_check() names the actual mistake.
                return Fail(kNoProtocol, t.text, "a request protocol (esp, ah or ipcomp)");
            }
            if (t.kind == PolicyTokenKind::LEVEL || t.kind == PolicyTokenKind::LEVEL_SPECIFY)
            {
                return SyntaxError(t,
                                   "a request protocol (esp, ah or ipcomp); a level without "
                                   "endpoints needs two slashes: PROTO/MODE//LEVEL");
            }
            if (t.kind != PolicyTokenKind::PROTOCOL)
            {
                return SyntaxError(t, "a request protocol (esp, ah or ipcomp)");
            }
            if (!ParseRule())
            {
                return false;
            }
        }
        return true;
    }

    /*
     * rule : protocol SLASH mode SLASH addresses SLASH level
     *      | protocol SLASH mode SLASH addresses SLASH
     *      | protocol SLASH mode SLASH addresses
     *      | protocol SLASH mode SLASH
     *      | protocol SLASH mode SLASH SLASH level
     *      | protocol SLASH mode
     *      | protocol SLASH          -> Too few arguments
     *      | protocol                -> Too few arguments
     */
    bool ParseRule()
    {
        m_request = IpsecRequest();
        m_request.level = IpsecLevel::DEFAULT;
        m_request.reqid = 0;
        PolicyToken proto = Take();
        m_requestBegin = proto.begin;
        m_request.proto = static_cast<IpsecProto>(proto.value);
        if (Peek().kind != PolicyTokenKind::SLASH)
        {
            return Fail(kFewArguments, proto.text, "'/' and a mode after the protocol");
        }
        PolicyToken slash = Take();
        if (Peek().kind != PolicyTokenKind::MODE)
        {
            return Fail(kFewArguments,
                        m_text.substr(proto.begin, slash.end - proto.begin),
                        "a mode (transport or tunnel)");
        }
        PolicyToken mode = Take();
        m_requestEnd = mode.end;
        m_request.mode = static_cast<IpsecMode>(mode.value);
        if (Peek().kind == PolicyTokenKind::SLASH)
        {
            m_requestEnd = Take().end;
            const PolicyToken& t = Peek();
            if (t.kind == PolicyTokenKind::SLASH)
            {
                Take();
                if (!ParseLevel())
                {
                    return false;
                }
            }
            else if (t.kind == PolicyTokenKind::IPADDRESS || t.kind == PolicyTokenKind::ME
                     || t.kind == PolicyTokenKind::ANY)
            {
                if (!ParseAddresses())
                {
                    return false;
                }
                if (Peek().kind == PolicyTokenKind::SLASH)
                {
                    m_requestEnd = Take().end;
                    if (Peek().kind == PolicyTokenKind::LEVEL
                        || Peek().kind == PolicyTokenKind::LEVEL_SPECIFY)
                    {
                        if (!ParseLevel())
                        {
                            return false;
                        }
                    }
                }
            }
        }
        return CheckRule();
    }

    // level : LEVEL | LEVEL_SPECIFY
    bool ParseLevel()
    {
        PolicyToken t = Take();
        if (t.kind == PolicyTokenKind::LEVEL)
        {
            m_request.level = static_cast<IpsecLevel>(t.value);
            m_request.reqid = 0;
        }
        else if (t.kind == PolicyTokenKind::LEVEL_SPECIFY)
        {
            m_request.level = IpsecLevel::UNIQUE;
            m_request.reqid = t.value;
        }
        else
        {
            return SyntaxError(t, "a level (default, use, require, unique or unique:N)");
        }
        m_requestEnd = t.end;
        return true;
    }

    // addresses : IPADDRESS HYPHEN IPADDRESS | ME HYPHEN ANY | ANY HYPHEN ME
    bool ParseAddresses()
    {
        PolicyToken first = Take();
        if (first.kind == PolicyTokenKind::IPADDRESS)
        {
            if (!ParseEndpoint(first, &m_request.tunnelSrc))
            {
                return false;
            }
            PolicyToken hyphen = Take();
            if (hyphen.kind != PolicyTokenKind::HYPHEN)
            {
                return SyntaxError(hyphen, "'-' between the two endpoint addresses");
            }
            PolicyToken second = Take();
            if (second.kind != PolicyTokenKind::IPADDRESS)
            {
                return SyntaxError(second, "the destination endpoint address");
            }
            if (!ParseEndpoint(second, &m_request.tunnelDst))
            {
                return false;
            }
            m_requestEnd = second.end;
            return true;
        }
        bool me = first.kind == PolicyTokenKind::ME;
        PolicyToken hyphen = Take();
        if (hyphen.kind != PolicyTokenKind::HYPHEN)
        {
            return SyntaxError(hyphen, me ? "'-any' after 'me'" : "'-me' after 'any'");
        }
        PolicyToken second = Take();
        if (second.kind != (me ? PolicyTokenKind::ANY : PolicyTokenKind::ME))
        {
            return SyntaxError(second, me ? "'any' (me-any)" : "'me' (any-me)");
        }
        m_requestEnd = second.end;
        IpsecDirection allowed = me ? IpsecDirection::OUTBOUND : IpsecDirection::INBOUND;
        if (m_spec.direction != allowed)
        {
            return Fail(kInvalidDirection,
                        m_text.substr(first.begin, second.end - first.begin),
                        me ? "me-any only in an out policy" : "any-me only in an in policy");
        }
        // me-any / any-me: a request without addresses
        return true;
    }

    /// parse_sockaddr(): numeric addresses only (AI_NUMERICHOST).
    bool ParseEndpoint(const PolicyToken& t, IpsecAddress* out)
    {
        auto a = IpsecAddress::Parse(t.text);
        if (!a)
        {
            m_error.message = kBadHost;
            m_error.token = t.text;
            m_error.diagnostic = "libipsec: invalid IP address while parsing \"" + t.text + "\"";
            m_error.expected = "a numeric IPv4 or IPv6 endpoint address";
            return false;
        }
        *out = *a;
        return true;
    }

    /// rule_check() and set_x_request().
    bool CheckRule()
    {
        std::string text = m_text.substr(m_requestBegin, m_requestEnd - m_requestBegin);
        if (m_spec.action == IpsecPolicyAction::IPSEC)
        {
            if (m_request.mode != IpsecMode::TRANSPORT && m_request.mode != IpsecMode::TUNNEL)
            {
                return Fail(kInvalidMode, text, "transport or tunnel");
            }
            if (!m_request.HasEndpoints())
            {
                if (m_request.mode != IpsecMode::TRANSPORT)
                {
                    return Fail(
                        kInvalidAddress, text, "tunnel endpoints: PROTO/tunnel/SRC-DST/LEVEL");
                }
            }
            else if (m_request.tunnelSrc.GetFamily() != m_request.tunnelDst.GetFamily())
            {
                return Fail(kFamilyMismatch, text, "endpoints of the same address family");
            }
        }
        m_spec.requests.push_back(m_request);
        return true;
    }

    const std::string& m_text;
    PolicyLexer m_lexer;
    PolicyToken m_peek;
    bool m_hasPeek{false};
    IpsecPolicySpec m_spec;
    IpsecPolicyParseError m_error;
    IpsecRequest m_request;
    size_t m_requestBegin{0};
    size_t m_requestEnd{0};
};

} // namespace

bool
ParseIpsecPolicy(const std::string& text, IpsecPolicySpec* out, IpsecPolicyParseError* error)
{
    NS_LOG_FUNCTION(text);
    PolicyParser parser(text);
    IpsecPolicyParseError e;
    bool ok = parser.Parse(out, &e);
    if (!ok)
    {
        NS_LOG_LOGIC("policy \"" << text << "\": " << e.message << " at \"" << e.token << "\"");
        if (error)
        {
            *error = e;
        }
    }
    return ok;
}

bool
ParseIpsecPolicy(const std::string& text,
                 IpsecPolicySpec* out,
                 std::string* error,
                 std::string* badToken)
{
    IpsecPolicyParseError e;
    bool ok = ParseIpsecPolicy(text, out, &e);
    if (!ok)
    {
        if (error)
        {
            *error = e.message;
        }
        if (badToken)
        {
            *badToken = e.token;
        }
    }
    return ok;
}

} // namespace ns3
