/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * racoon.conf and psk.txt.  The grammar is racoon's cfparse.y (ipsec-tools
 * 0.7/0.8), written as a recursive-descent parser: one function per block,
 * the keywords of racoon's lexer states (cftoken.l) per block.  Where racoon
 * checks a block when it closes (process_rmconf(), set_isakmp_proposal(),
 * the sainfo rule), the same checks run at the closing '}'.
 */
#include "racoon-conf.h"

#include "ns3/log.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <glob.h>
#include <map>
#include <sstream>
#include <sys/stat.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RacoonConf");

namespace
{

/// racoon's MAX_INCLUDE_DEPTH: the main file and 9 nested includes.
constexpr size_t kMaxIncludeDepth = 10;
/// The longest time a statement may give, in seconds (a 32-bit SA lifetime).
constexpr uint64_t kMaxSeconds = 0xffffffffULL;
/// Files larger than this are not configuration files.
constexpr uintmax_t kMaxFileSize = 16 * 1024 * 1024;
/// Tokens longer than this are shortened in messages.
constexpr size_t kMaxShown = 60;

/// @p s with non-printable bytes as \xNN, shortened to kMaxShown characters.
std::string
Printable(const std::string& s)
{
    std::string out;
    for (unsigned char c : s)
    {
        if (out.size() >= kMaxShown)
        {
            out += "...";
            break;
        }
        if (std::isprint(c) != 0)
        {
            out.push_back(static_cast<char>(c));
        }
        else
        {
            static const char* const kHex = "0123456789abcdef";
            out += "\\x";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xf]);
        }
    }
    return out;
}

/// "'a', 'b' or 'c'" (the words already quoted or described).
std::string
Alternatives(const std::vector<std::string>& words)
{
    std::string out;
    for (size_t i = 0; i < words.size(); ++i)
    {
        if (i > 0)
        {
            out += i + 1 == words.size() ? " or " : ", ";
        }
        out += words[i];
    }
    return out;
}

/// The keywords @p words, each quoted, as alternatives.
std::string
QuotedAlternatives(const std::vector<std::string>& words)
{
    std::vector<std::string> quoted;
    for (const auto& w : words)
    {
        quoted.push_back("'" + w + "'");
    }
    return Alternatives(quoted);
}

std::string
FormatError(const std::string& file,
            uint32_t line,
            const std::string& token,
            const std::string& expected,
            const std::string& message)
{
    std::ostringstream os;
    os << file << ":" << line << ": ";
    if (!message.empty())
    {
        os << message;
        return os.str();
    }
    os << "unexpected ";
    if (token.empty())
    {
        os << "end of file";
    }
    else if (token[0] == '"')
    {
        os << Printable(token);
    }
    else
    {
        os << "'" << Printable(token) << "'";
    }
    if (!expected.empty())
    {
        os << ", expected " << expected;
    }
    return os.str();
}

/// Edit distance with transpositions (optimal string alignment), for "did you mean".
size_t
Distance(const std::string& a, const std::string& b)
{
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i)
    {
        d[i][0] = i;
    }
    for (size_t j = 0; j <= b.size(); ++j)
    {
        d[0][j] = j;
    }
    for (size_t i = 1; i <= a.size(); ++i)
    {
        for (size_t j = 1; j <= b.size(); ++j)
        {
            d[i][j] = std::min({d[i - 1][j] + 1,
                                d[i][j - 1] + 1,
                                d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
            {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

/// @p dir / @p name (@p name itself when absolute or @p dir is empty).
std::string
JoinPath(const std::string& dir, const std::string& name)
{
    if (name.empty() || name[0] == '/' || dir.empty())
    {
        return name;
    }
    return dir.back() == '/' ? dir + name : dir + "/" + name;
}

/// The key of a file on the include stack.
std::string
NormalPath(const std::string& path)
{
    return std::filesystem::path(path).lexically_normal().string();
}

// ---------------------------------------------------------------------------
// The lexer (cftoken.l's lexical classes; keywords are the parser's business)
// ---------------------------------------------------------------------------

enum class Tok : uint8_t
{
    END,
    WORD,         ///< keywords, numbers, addresses, algorithm names
    STRING,       ///< "..." (may span lines)
    LBRACE,       ///< {
    RBRACE,       ///< }
    SEMI,         ///< ;
    COMMA,        ///< ,
    LBRACKET,     ///< [ (a port)
    RBRACKET,     ///< ]
    SLASH,        ///< / (a prefix length)
    BAD,          ///< a character no rule of racoon's lexer takes
    UNTERMINATED, ///< a '"' without its closing '"'
};

struct Token
{
    Tok kind{Tok::END};
    std::string text;  ///< as written (STRING: with the quotes; END: "")
    std::string value; ///< STRING: between the quotes; otherwise the text
    uint32_t line{1};
};

bool
IsWordChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == ':'
        || c == '%' || c == '-';
}

bool
IsDigits(const std::string& s)
{
    return !s.empty()
        && std::all_of(s.begin(),
                       s.end(),
                       [](char c)
                       {
                           return std::isdigit(static_cast<unsigned char>(c)) != 0;
                       });
}

class Lexer
{
  public:
    explicit Lexer(const std::string& text)
        : m_text(text)
    {
        m_lastLine = 1;
        for (char c : text)
        {
            m_lastLine += c == '\n' ? 1 : 0;
        }
        if (!text.empty() && text.back() == '\n')
        {
            --m_lastLine;
        }
    }

    Token Next()
    {
        SkipBlanks();
        Token t;
        t.line = m_line;
        if (m_pos >= m_text.size())
        {
            t.line = m_lastLine;
            return t;
        }
        size_t begin = m_pos;
        char c = m_text[m_pos];
        switch (c)
        {
            case '{':
                return Single(Tok::LBRACE);
            case '}':
                return Single(Tok::RBRACE);
            case ';':
                return Single(Tok::SEMI);
            case ',':
                return Single(Tok::COMMA);
            case '[':
                return Single(Tok::LBRACKET);
            case ']':
                return Single(Tok::RBRACKET);
            case '/':
                return Single(Tok::SLASH);
            case '"':
            {
                size_t close = m_text.find('"', begin + 1);
                if (close == std::string::npos)
                {
                    size_t eol = m_text.find('\n', begin);
                    t.kind = Tok::UNTERMINATED;
                    t.text = m_text.substr(begin, eol == std::string::npos ? eol : eol - begin);
                    t.value = t.text;
                    m_pos = m_text.size();
                    return t;
                }
                for (size_t i = begin + 1; i < close; ++i)
                {
                    m_line += m_text[i] == '\n' ? 1 : 0;
                }
                m_pos = close + 1;
                t.kind = Tok::STRING;
                t.text = m_text.substr(begin, m_pos - begin);
                t.value = m_text.substr(begin + 1, close - begin - 1);
                return t;
            }
            default:
                break;
        }
        if (IsWordChar(c))
        {
            while (m_pos < m_text.size() && IsWordChar(m_text[m_pos]))
            {
                ++m_pos;
            }
            t.kind = Tok::WORD;
        }
        else
        {
            ++m_pos;
            t.kind = Tok::BAD;
        }
        t.text = m_text.substr(begin, m_pos - begin);
        t.value = t.text;
        return t;
    }

  private:
    Token Single(Tok kind)
    {
        Token t;
        t.kind = kind;
        t.line = m_line;
        t.text = m_text.substr(m_pos++, 1);
        t.value = t.text;
        return t;
    }

    void SkipBlanks()
    {
        while (m_pos < m_text.size())
        {
            char c = m_text[m_pos];
            if (c == '\n')
            {
                ++m_line;
                ++m_pos;
            }
            else if (c == ' ' || c == '\t') // cftoken.l's {ws}: not CR, FF or VT
            {
                ++m_pos;
            }
            else if (c == '#')
            {
                while (m_pos < m_text.size() && m_text[m_pos] != '\n')
                {
                    ++m_pos;
                }
            }
            else
            {
                break;
            }
        }
    }

    const std::string& m_text;
    size_t m_pos{0};
    uint32_t m_line{1};
    uint32_t m_lastLine{1};
};

// ---------------------------------------------------------------------------
// racoon's names (cftoken.l, algorithm.c)
// ---------------------------------------------------------------------------

/// One algorithm name of an algorithm class.
struct AlgName
{
    const char* name;      ///< as written
    const char* canonical; ///< as stored ("" if not modelled)
};

// Phase 1 (algclass_isakmp_*): what racoon's algtype2doi() accepts per class.
const AlgName kIsakmpEnc[] = {
    {"des", "des"},
    {"3des", "3des"},
    {"blowfish", "blowfish"},
    {"cast128", "cast128"},
    {"aes", "aes"},
    {"rijndael", "aes"},
    {"idea", ""},
    {"rc5", ""},
    {"camellia", ""},
};
const AlgName kIsakmpHash[] = {
    {"md5", "md5"},
    {"sha1", "sha1"},
    {"sha256", "sha256"},
    {"sha2_256", "sha256"},
    {"sha384", "sha384"},
    {"sha2_384", "sha384"},
    {"sha512", "sha512"},
    {"sha2_512", "sha512"},
    {"tiger", ""},
};
const AlgName kIsakmpAuth[] = {
    {"pre_shared_key", "pre_shared_key"},
    {"rsasig", ""},
    {"dsssig", ""},
    {"rsaenc", ""},
    {"rsarev", ""},
    {"gssapi_krb", ""},
    {"hybrid_rsa_server", ""},
    {"hybrid_dss_server", ""},
    {"hybrid_rsa_client", ""},
    {"hybrid_dss_client", ""},
    {"xauth_psk_server", ""},
    {"xauth_psk_client", ""},
    {"xauth_rsa_server", ""},
    {"xauth_rsa_client", ""},
};
// Phase 2 (algclass_ipsec_*).
const AlgName kIpsecEnc[] = {
    {"des", "des"},
    {"3des", "3des"},
    {"blowfish", "blowfish"},
    {"cast128", "cast128"},
    {"aes", "aes"},
    {"rijndael", "aes"},
    {"null_enc", "null_enc"},
    {"null", "null_enc"},
    {"des_iv64", ""},
    {"des_iv32", ""},
    {"rc5", ""},
    {"idea", ""},
    {"3idea", ""},
    {"rc4", ""},
    {"twofish", ""},
    {"camellia", ""},
};
const AlgName kIpsecAuth[] = {
    {"hmac_md5", "hmac_md5"},
    {"hmac_sha1", "hmac_sha1"},
    {"hmac_sha256", "hmac_sha256"},
    {"hmac_sha2_256", "hmac_sha256"},
    {"hmac_sha384", "hmac_sha384"},
    {"hmac_sha2_384", "hmac_sha384"},
    {"hmac_sha512", "hmac_sha512"},
    {"hmac_sha2_512", "hmac_sha512"},
    {"non_auth", "non_auth"},
    {"des_mac", ""},
    {"kpdk", ""},
};
const AlgName kIpsecComp[] = {
    {"deflate", "deflate"},
    {"lzs", ""},
    {"oui", ""},
};

/// An algorithm class: its names and how messages describe it.
struct AlgClass
{
    const AlgName* names;
    size_t n;
    const char* what; ///< "a phase 1 encryption algorithm"
};

template <size_t N>
AlgClass
MakeClass(const AlgName (&names)[N], const char* what)
{
    return AlgClass{names, N, what};
}

/// The modelled names of @p c, for "expected".
std::vector<std::string>
ModelledNames(const AlgClass& c)
{
    std::vector<std::string> out;
    for (size_t i = 0; i < c.n; ++i)
    {
        if (*c.names[i].canonical != '\0')
        {
            out.push_back(c.names[i].name);
        }
    }
    return out;
}

/// The Oakley groups (num2dhgroup, cftoken.l's modpNNN).
struct DhName
{
    const char* name;
    uint16_t number;
    bool modelled;
};

const DhName kDhGroups[] = {
    {"modp768", 1, true},
    {"modp1024", 2, true},
    {"ec2n155", 3, false},
    {"ec2n185", 4, false},
    {"modp1536", 5, true},
    {"modp2048", 14, true},
    {"modp3072", 15, true},
    {"modp4096", 16, true},
    {"modp6144", 17, true},
    {"modp8192", 18, true},
};

const char* const kExpectDhGroup = "a DH group: 'modp768', 'modp1024', 'modp1536', 'modp2048', "
                                   "'modp3072', 'modp4096', 'modp6144', 'modp8192' or 1, 2, 5, "
                                   "14, 15, 16, 17, 18";

/// racoon's default_keylen(): 0 when the algorithm takes no key length.
uint32_t
DefaultKeyLength(const std::string& canonical)
{
    return canonical == "blowfish" || canonical == "cast128" || canonical == "aes" ? 128 : 0;
}

/// racoon's check_keylen(), as the expected lengths ("" if @p bits is fine).
std::string
KeyLengthProblem(const std::string& canonical, uint64_t bits)
{
    if (canonical == "aes")
    {
        return bits == 128 || bits == 192 || bits == 256 ? "" : "128, 192 or 256";
    }
    if (canonical == "blowfish")
    {
        return bits % 8 == 0 && bits >= 40 && bits <= 448 ? "" : "a multiple of 8 from 40 to 448";
    }
    if (canonical == "cast128")
    {
        return bits % 8 == 0 && bits >= 40 && bits <= 128 ? "" : "a multiple of 8 from 40 to 128";
    }
    return "none";
}

/// Upper-layer protocols by name (cftoken.l's UL_PROTO).
struct ProtoName
{
    const char* name;
    uint8_t number;
};

const ProtoName kProtocols[] = {
    {"esp", 50},
    {"ah", 51},
    {"ipcomp", 108},
    {"icmp", 1},
    {"icmp6", 58},
    {"tcp", 6},
    {"udp", 17},
    {"gre", 47},
};

// ---------------------------------------------------------------------------
// The parser
// ---------------------------------------------------------------------------

/// What the files of one configuration share.
struct Shared
{
    RacoonConf* conf;
    const RacoonConfFiles* files;
    std::string baseDir;
    std::string includeDir;         ///< "path include", resolved; "" = baseDir
    std::vector<std::string> stack; ///< the files being read, outermost first
};

// The keywords each block knows, for "expected" and "did you mean".
const std::vector<std::string> kTopKeywords = {
    "path",
    "include",
    "log",
    "padding",
    "listen",
    "timer",
    "remote",
    "sainfo",
};
// racoon's other top-level keywords (accepted or refused below).
const std::vector<std::string> kTopOther = {
    "privsep",
    "pfkey_buffer",
    "gss_id_enc",
    "complex_bundle",
    "mode_cfg",
    "ldapcfg",
    "radiuscfg",
};
const std::vector<std::string> kRemoteKeywords = {
    "exchange_mode",
    "my_identifier",
    "peers_identifier",
    "verify_identifier",
    "lifetime",
    "nonce_size",
    "initial_contact",
    "passive",
    "proposal_check",
    "generate_policy",
    "nat_traversal",
    "esp_frag",
    "proposal",
};
const std::vector<std::string> kRemoteOther = {
    "remote_address", "doi",
    "situation",      "certificate_type",
    "ca_type",        "peers_certfile",
    "verify_cert",    "send_cert",
    "send_cr",        "match_empty_cr",
    "xauth_login",    "dh_group",
    "ike_frag",       "script",
    "mode_cfg",       "weak_phase1_check",
    "support_proxy",  "dpd",
    "dpd_delay",      "dpd_retry",
    "dpd_maxfail",    "rekey",
    "ph1id",          "encryption_algorithm",
    "hash_algorithm", "authentication_method",
};
const std::vector<std::string> kProposalKeywords = {
    "encryption_algorithm",
    "hash_algorithm",
    "authentication_method",
    "dh_group",
    "lifetime",
};
const std::vector<std::string> kSainfoKeywords = {
    "pfs_group",
    "lifetime",
    "encryption_algorithm",
    "authentication_algorithm",
    "compression_algorithm",
};
const std::vector<std::string> kTimerKeywords = {
    "counter",
    "interval",
    "persend",
    "phase1",
    "phase2",
    "natt_keepalive",
};
const std::vector<std::string> kListenKeywords = {"isakmp", "isakmp_natt"};
const std::vector<std::string> kListenOther = {"adminsock", "strict_address"};
const std::vector<std::string> kPaddingKeywords = {
    "randomize",
    "randomize_length",
    "maximum_length",
    "strict_check",
    "exclusive_tail",
};
const std::vector<std::string> kTimeUnits = {
    "sec",
    "secs",
    "second",
    "seconds",
    "min",
    "mins",
    "minute",
    "minutes",
    "hour",
    "hours",
};

const char* const kReasonCert
    = "certificates are not modelled (authentication_method pre_shared_key is)";
const char* const kReasonXauth = "XAUTH and ISAKMP mode config are not modelled";

/// The parser of one file; "include" runs another on the included file.
class FileParser
{
  public:
    FileParser(Shared& shared, const std::string& text, const std::string& file)
        : m_sh(shared)
        , m_lexer(text)
        , m_file(file)
    {
    }

    void Run()
    {
        while (Peek().kind != Tok::END)
        {
            Statement();
        }
    }

  private:
    // --- tokens and messages ----------------------------------------------

    const Token& Peek()
    {
        if (!m_peek)
        {
            m_peek = m_lexer.Next();
        }
        return *m_peek;
    }

    Token Take()
    {
        Token t = Peek();
        m_peek.reset();
        return t;
    }

    bool PeekWord(const char* word)
    {
        return Peek().kind == Tok::WORD && Peek().text == word;
    }

    [[noreturn]] void Unexpected(const Token& t, const std::string& expected)
    {
        if (t.kind == Tok::UNTERMINATED)
        {
            throw RacoonConfError(m_file,
                                  t.line,
                                  t.text,
                                  "a closing '\"'",
                                  "unterminated string starting '" + Printable(t.text)
                                      + "': no closing '\"' in the rest of the file");
        }
        if (t.kind == Tok::BAD)
        {
            std::string what = t.text == "\r"
                                 ? "carriage return (a DOS line end? racoon takes LF only)"
                                 : "character '" + Printable(t.text) + "'";
            throw RacoonConfError(
                m_file, t.line, t.text, expected, "unexpected " + what + ", expected " + expected);
        }
        throw RacoonConfError(m_file, t.line, t.text, expected);
    }

    /// A syntax error at a keyword of a block, with a guess if it looks like a typo.
    [[noreturn]] void UnknownKeyword(const Token& t,
                                     const std::vector<std::string>& modelled,
                                     const std::vector<std::string>& others,
                                     const std::string& last)
    {
        std::vector<std::string> expected;
        for (const auto& k : modelled)
        {
            expected.push_back("'" + k + "'");
        }
        expected.push_back(last);
        std::string text = Alternatives(expected);
        if (t.kind == Tok::WORD && t.text.size() <= 64)
        {
            // One edit for a short word, two for a longer one.
            std::string best;
            size_t bestDistance = t.text.size() <= 4 ? 2 : 3;
            for (const auto* list : {&modelled, &others})
            {
                for (const auto& k : *list)
                {
                    size_t d = Distance(t.text, k);
                    if (d < bestDistance)
                    {
                        best = k;
                        bestDistance = d;
                    }
                }
            }
            if (!best.empty())
            {
                text += " (did you mean '" + best + "'?)";
            }
        }
        Unexpected(t, text);
    }

    /// A statement racoon has and this model does not.
    [[noreturn]] void Refuse(const Token& t, const std::string& what, const std::string& reason)
    {
        throw RacoonConfError(
            m_file, t.line, t.text, "", "'" + what + "' is not supported: " + reason);
    }

    /// Any other error at @p t.
    [[noreturn]] void Error(const Token& t, const std::string& message)
    {
        throw RacoonConfError(m_file, t.line, t.text, "", message);
    }

    void Ignore(uint32_t line, const std::string& what, const std::string& reason)
    {
        std::ostringstream os;
        os << m_file << ":" << line << ": " << what << ": ignored (" << reason << ")";
        NS_LOG_LOGIC(os.str());
        m_sh.conf->ignored.push_back(os.str());
    }

    /// The ';' that ends the statement started by @p keyword.
    void ExpectSemi(const Token& keyword)
    {
        Token t = Take();
        if (t.kind != Tok::SEMI)
        {
            std::ostringstream os;
            os << "';' to end the '" << keyword.text << "' statement";
            if (t.line != keyword.line)
            {
                os << " of line " << keyword.line;
            }
            Unexpected(t, os.str());
        }
    }

    void ExpectLbrace(const Token& keyword)
    {
        Token t = Take();
        if (t.kind != Tok::LBRACE)
        {
            Unexpected(t, "'{' to open the '" + keyword.text + "' block");
        }
    }

    /// Peeks at what ends a block: true (and consumes it) at its '}'; at
    /// the end of the file, the error names the block.
    bool BlockEnds(const Token& keyword, Token* close = nullptr)
    {
        const Token& t = Peek();
        if (t.kind == Tok::RBRACE)
        {
            Token c = Take();
            if (close)
            {
                *close = c;
            }
            return true;
        }
        if (t.kind == Tok::END)
        {
            std::ostringstream os;
            os << "'}' to close the '" << keyword.text << "' block of line " << keyword.line;
            Unexpected(t, os.str());
        }
        return false;
    }

    /// A keyword of a block: a WORD, else an error listing @p modelled.
    Token Keyword(const std::vector<std::string>& modelled,
                  const std::vector<std::string>& others,
                  const std::string& last)
    {
        Token t = Take();
        if (t.kind != Tok::WORD)
        {
            UnknownKeyword(t, modelled, others, last);
        }
        return t;
    }

    uint64_t Number(const std::string& what, uint64_t max)
    {
        Token t = Take();
        if (t.kind != Tok::WORD || !IsDigits(t.text))
        {
            Unexpected(t, what);
        }
        uint64_t v = 0;
        for (char c : t.text)
        {
            v = v * 10 + static_cast<uint64_t>(c - '0');
            if (v > max)
            {
                std::ostringstream os;
                os << what << " (at most " << max << ")";
                Unexpected(t, os.str());
            }
        }
        return v;
    }

    bool Switch()
    {
        Token t = Take();
        if (t.kind == Tok::WORD && (t.text == "on" || t.text == "off"))
        {
            return t.text == "on";
        }
        Unexpected(t, "'on' or 'off'");
    }

    /// NUMBER UNIT, in seconds.
    Time TimeValue()
    {
        uint64_t n = Number("a number", kMaxSeconds);
        Token unit = Take();
        uint64_t scale = 0;
        if (unit.kind == Tok::WORD)
        {
            const std::string& u = unit.text;
            if (u == "sec" || u == "secs" || u == "second" || u == "seconds")
            {
                scale = 1;
            }
            else if (u == "min" || u == "mins" || u == "minute" || u == "minutes")
            {
                scale = 60;
            }
            else if (u == "hour" || u == "hours")
            {
                scale = 3600;
            }
        }
        if (scale == 0)
        {
            Unexpected(unit, "a time unit: " + QuotedAlternatives(kTimeUnits));
        }
        if (n * scale > kMaxSeconds)
        {
            std::ostringstream os;
            os << n << " " << unit.text << " is too long (at most " << kMaxSeconds << " seconds)";
            Error(unit, os.str());
        }
        return Time::FromInteger(n * scale, Time::S);
    }

    /// "lifetime time N UNIT ;" after the keyword @p kw.
    Time Lifetime(const Token& kw, const char* byteMessage)
    {
        Token type = Take();
        if (type.kind == Tok::WORD && type.text == "byte")
        {
            Error(type,
                  std::string("'lifetime byte' is not supported (racoon: \"") + byteMessage
                      + "\"); use 'lifetime time N UNIT'");
        }
        if (type.kind != Tok::WORD || type.text != "time")
        {
            Unexpected(type, "'time'");
        }
        Time t = TimeValue();
        ExpectSemi(kw);
        return t;
    }

    /// An address (a WORD or "string" inet_pton takes).
    IpsecAddress Address(const std::string& what)
    {
        return AddressIn(Take(), what, true);
    }

    /// @p t as an address: a WORD inet_pton takes (a "string" too when
    /// @p quoted); anything else is unexpected, @p what being expected.
    IpsecAddress AddressIn(const Token& t, const std::string& what, bool quoted)
    {
        std::optional<IpsecAddress> a;
        if (t.kind == Tok::WORD || (quoted && t.kind == Tok::STRING))
        {
            a = IpsecAddress::Parse(t.value);
        }
        if (!a)
        {
            Unexpected(t, what);
        }
        return *a;
    }

    /// "[PORT]" if there is one, else @p none.
    uint16_t Port(uint16_t none, bool anyAllowed)
    {
        if (Peek().kind != Tok::LBRACKET)
        {
            return none;
        }
        Take();
        uint16_t port = 0;
        if (anyAllowed && PeekWord("any"))
        {
            Take();
        }
        else
        {
            port = static_cast<uint16_t>(
                Number(anyAllowed ? "a port number or 'any'" : "a port number", 65535));
        }
        Token close = Take();
        if (close.kind != Tok::RBRACKET)
        {
            Unexpected(close, "']'");
        }
        return port;
    }

    /// A name of the algorithm class @p c: its canonical name.
    std::string Algorithm(const AlgClass& c, Token* at)
    {
        Token t = Take();
        *at = t;
        if (t.kind == Tok::WORD)
        {
            for (size_t i = 0; i < c.n; ++i)
            {
                if (t.text == c.names[i].name)
                {
                    if (*c.names[i].canonical == '\0')
                    {
                        Refuse(t,
                               t.text,
                               std::string("the model implements ") + Alternatives(ModelledNames(c))
                                   + " as " + c.what);
                    }
                    return c.names[i].canonical;
                }
            }
        }
        Unexpected(t, std::string(c.what) + ": " + QuotedAlternatives(ModelledNames(c)));
    }

    /// An optional key length after an encryption algorithm (racoon's encklen).
    uint32_t KeyLength(const std::string& canonical, const std::string& next)
    {
        const Token& t = Peek();
        if (t.kind != Tok::WORD || !IsDigits(t.text))
        {
            return DefaultKeyLength(canonical);
        }
        Token len = Take();
        uint64_t bits = 0;
        for (char c : len.text)
        {
            bits = std::min<uint64_t>(bits * 10 + static_cast<uint64_t>(c - '0'), 1u << 20);
        }
        std::string problem = KeyLengthProblem(canonical, bits);
        if (problem == "none")
        {
            Unexpected(len, next + " ('" + canonical + "' takes no key length)");
        }
        if (!problem.empty())
        {
            Unexpected(len, "a key length for '" + canonical + "': " + problem);
        }
        return static_cast<uint32_t>(bits);
    }

    /// A DH group name or number (dh_group_num).
    uint16_t DhGroup()
    {
        Token t = Take();
        if (t.kind == Tok::WORD)
        {
            bool digits = IsDigits(t.text);
            for (const auto& g : kDhGroups)
            {
                if (digits ? t.text.size() < 4 && std::stoul(t.text) == g.number : t.text == g.name)
                {
                    if (!g.modelled)
                    {
                        Refuse(t, t.text, "the EC2N groups (3 and 4) are not modelled");
                    }
                    return g.number;
                }
            }
        }
        Unexpected(t, kExpectDhGroup);
    }

    /// my_identifier / peers_identifier's "IDTYPE [QUALIFIER] [VALUE]".
    RacoonIdentifier Identifier(const Token& kw)
    {
        Token type = Take();
        RacoonIdentifier id;
        const std::vector<std::string> types = {"address", "fqdn", "user_fqdn", "keyid"};
        if (type.kind == Tok::WORD && (type.text == "asn1dn" || type.text == "subnet"))
        {
            Refuse(type,
                   kw.text + " " + type.text,
                   type.text == "asn1dn" ? std::string(kReasonCert) : std::string("use 'address'"));
        }
        if (type.kind != Tok::WORD
            || std::find(types.begin(), types.end(), type.text) == types.end())
        {
            Unexpected(type, "an identifier type: " + QuotedAlternatives(types));
        }
        if (type.text == "address")
        {
            id.type = RacoonIdentifier::Type::ADDRESS;
            if (Peek().kind != Tok::SEMI)
            {
                IpsecAddress a = Address("an address or ';'");
                id.value = a.ToString();
            }
            return id;
        }
        bool tag = false;
        bool file = type.text == "keyid";
        if (type.text == "keyid" && (PeekWord("tag") || PeekWord("file")))
        {
            tag = Take().text == "tag";
            file = !tag;
        }
        Token v = Take();
        if (v.kind != Tok::STRING && v.kind != Tok::WORD)
        {
            Unexpected(v, "a quoted string");
        }
        if (type.text == "fqdn" || type.text == "user_fqdn")
        {
            id.type = type.text == "fqdn" ? RacoonIdentifier::Type::FQDN
                                          : RacoonIdentifier::Type::USER_FQDN;
            if (v.value.empty())
            {
                Error(v, "empty " + type.text + " (racoon: \"Empty " + type.text + "\")");
            }
            id.value = v.value;
            return id;
        }
        id.type = RacoonIdentifier::Type::KEYID;
        if (!file)
        {
            id.value = v.value;
            return id;
        }
        // racoon's set_identifier_qual(): an unqualified keyid names a file.
        std::string path = JoinPath(m_sh.baseDir, v.value);
        std::string why;
        std::optional<std::string> text = m_sh.files->read(path, &why);
        if (!text)
        {
            Error(v,
                  kw.text + " keyid " + Printable(v.text) + ": cannot read '" + Printable(path)
                      + "': " + why
                      + " (racoon reads the key ID from that file; 'keyid tag \"...\"' gives "
                        "it in place)");
        }
        id.value = *text;
        return id;
    }

    // --- top level ------------------------------------------------------------

    void Statement()
    {
        Token kw = Take();
        if (kw.kind != Tok::WORD)
        {
            UnknownKeyword(kw, kTopKeywords, kTopOther, "end of file");
        }
        const std::string& k = kw.text;
        // The statements with a block or a grammar of their own.
        using Handler = void (FileParser::*)(const Token&);
        static const std::map<std::string, Handler> kStatements = {
            {"path", &FileParser::Path},
            {"include", &FileParser::Include},
            {"log", &FileParser::Log},
            {"padding", &FileParser::Padding},
            {"listen", &FileParser::Listen},
            {"timer", &FileParser::Timer},
            {"remote", &FileParser::Remote},
            {"sainfo", &FileParser::Sainfo},
            {"privsep", &FileParser::Privsep},
        };
        if (auto it = kStatements.find(k); it != kStatements.end())
        {
            (this->*(it->second))(kw);
        }
        else if (k == "pfkey_buffer")
        {
            uint64_t n = Number("a buffer size", 0xffffffffu);
            ExpectSemi(kw);
            Ignore(kw.line,
                   "pfkey_buffer " + std::to_string(n),
                   "the simulated PF_KEY socket has no buffer to size");
        }
        else if (k == "gss_id_enc")
        {
            Token e = Take();
            if (e.kind != Tok::WORD || (e.text != "latin1" && e.text != "utf-16le"))
            {
                Unexpected(e, "'latin1' or 'utf-16le'");
            }
            ExpectSemi(kw);
            Ignore(kw.line, "gss_id_enc " + e.text, "GSS-API authentication is not modelled");
        }
        else if (k == "complex_bundle")
        {
            Refuse(kw, k, "SA bundles are proposed one way only in this model");
        }
        else if (k == "mode_cfg" || k == "ldapcfg" || k == "radiuscfg")
        {
            Refuse(kw, k, kReasonXauth);
        }
        else
        {
            UnknownKeyword(kw, kTopKeywords, kTopOther, "end of file");
        }
    }

    void Path(const Token& kw)
    {
        Token type = Take();
        const std::vector<std::string> types
            = {"include", "pre_shared_key", "certificate", "script", "backupsa", "pidfile"};
        if (type.kind != Tok::WORD
            || std::find(types.begin(), types.end(), type.text) == types.end())
        {
            Unexpected(type, "a path type: " + QuotedAlternatives(types));
        }
        Token value = Take();
        if (value.kind != Tok::STRING)
        {
            Unexpected(value, "a quoted path");
        }
        ExpectSemi(kw);
        if (type.text == "pre_shared_key")
        {
            m_sh.conf->pskPath = value.value;
        }
        else if (type.text == "include")
        {
            m_sh.includeDir = JoinPath(m_sh.baseDir, value.value);
        }
        else
        {
            static const std::pair<const char*, const char*> kReasons[] = {
                {"certificate", "certificates are not modelled"},
                {"script", "the simulated daemon runs no scripts"},
                {"backupsa", "the simulated daemon keeps no SA backup file"},
                {"pidfile", "the simulated daemon writes no pid file"},
            };
            for (const auto& r : kReasons)
            {
                if (type.text == r.first)
                {
                    Ignore(kw.line, "path " + type.text + " " + Printable(value.text), r.second);
                }
            }
        }
    }

    void Include(const Token& kw)
    {
        Token name = Take();
        if (name.kind != Tok::STRING)
        {
            Unexpected(name, "a quoted file name");
        }
        ExpectSemi(kw);
        std::string pattern
            = JoinPath(m_sh.includeDir.empty() ? m_sh.baseDir : m_sh.includeDir, name.value);
        std::vector<std::string> matches = m_sh.files->glob(pattern);
        if (matches.empty())
        {
            Error(name,
                  "include " + Printable(name.text) + ": no file matches '" + Printable(pattern)
                      + "' (racoon: \"glob found no matches\")");
        }
        for (const auto& path : matches)
        {
            std::string key = NormalPath(path);
            auto loop = std::find(m_sh.stack.begin(), m_sh.stack.end(), key);
            if (loop != m_sh.stack.end())
            {
                std::string chain;
                for (auto i = loop; i != m_sh.stack.end(); ++i)
                {
                    chain += Printable(*i) + " includes ";
                }
                Error(name, "include loop: " + chain + Printable(key));
            }
            if (m_sh.stack.size() >= kMaxIncludeDepth)
            {
                std::ostringstream os;
                os << "include " << Printable(name.text)
                   << ": includes nested too deeply (racoon reads at most " << kMaxIncludeDepth
                   << " files deep)";
                Error(name, os.str());
            }
            std::string why;
            std::optional<std::string> text = m_sh.files->read(path, &why);
            if (!text)
            {
                Error(name,
                      "include " + Printable(name.text) + ": cannot read '" + Printable(path)
                          + "': " + why);
            }
            NS_LOG_LOGIC(m_file << ":" << name.line << ": including " << path);
            m_sh.stack.push_back(key);
            FileParser(m_sh, *text, path).Run();
            m_sh.stack.pop_back();
        }
    }

    void Log(const Token& kw)
    {
        Token level = Take();
        const std::vector<std::string> levels
            = {"error", "warning", "notify", "info", "debug", "debug2"};
        if (level.kind != Tok::WORD
            || std::find(levels.begin(), levels.end(), level.text) == levels.end())
        {
            Unexpected(level, "a log level: " + QuotedAlternatives(levels));
        }
        ExpectSemi(kw);
        Ignore(kw.line, "log " + level.text, "the simulated daemon keeps no log");
    }

    void Padding(const Token& kw)
    {
        ExpectLbrace(kw);
        while (!BlockEnds(kw))
        {
            Token s = Keyword(kPaddingKeywords, {}, "'}'");
            std::string value;
            if (s.text == "maximum_length")
            {
                value = std::to_string(Number("a length", 0xffffffffu));
            }
            else if (std::find(kPaddingKeywords.begin(), kPaddingKeywords.end(), s.text)
                     != kPaddingKeywords.end())
            {
                value = Switch() ? "on" : "off";
            }
            else
            {
                UnknownKeyword(s, kPaddingKeywords, {}, "'}'");
            }
            ExpectSemi(s);
            Ignore(s.line,
                   "padding " + s.text + " " + value,
                   "ISAKMP payload padding is not modelled");
        }
    }

    void Listen(const Token& kw)
    {
        ExpectLbrace(kw);
        while (!BlockEnds(kw))
        {
            Token s = Keyword(kListenKeywords, kListenOther, "'}'");
            if (s.text == "isakmp")
            {
                IpsecAddress a = Address("an address");
                uint16_t port = Port(500, false);
                ExpectSemi(s);
                m_sh.conf->listen.emplace_back(a, port);
            }
            else if (s.text == "isakmp_natt")
            {
                IpsecAddress a = Address("an address");
                Token at = Peek();
                uint16_t port = Port(0, false);
                if (port == 0)
                {
                    // racoon's ike_port would give it the isakmp port, 500.
                    Refuse(at,
                           "isakmp_natt without a port",
                           "the NAT-T socket needs its own port (racoon would use 500, the "
                           "isakmp port); write e.g. [4500]");
                }
                ExpectSemi(s);
                m_sh.conf->listenNatt.emplace_back(a, port);
            }
            else if (s.text == "adminsock")
            {
                // adminsock "path" ["owner" "group" mode] | disabled
                Token a = Take();
                if (a.kind == Tok::STRING && Peek().kind == Tok::STRING)
                {
                    for (int i = 0; i < 2; ++i)
                    {
                        Token o = Take();
                        if (o.kind != Tok::STRING)
                        {
                            Unexpected(o, "a quoted string");
                        }
                    }
                    Number("a mode", 0xffffffffu);
                }
                else if (a.kind != Tok::STRING && !(a.kind == Tok::WORD && a.text == "disabled"))
                {
                    Unexpected(a, "a quoted socket path or 'disabled'");
                }
                ExpectSemi(s);
                Ignore(s.line, "adminsock", "racoonctl's socket is not modelled");
            }
            else if (s.text == "strict_address")
            {
                ExpectSemi(s);
                Ignore(
                    s.line, "strict_address", "the simulated daemon's addresses are always there");
            }
            else
            {
                UnknownKeyword(s, kListenKeywords, kListenOther, "'}'");
            }
        }
    }

    void Timer(const Token& kw)
    {
        ExpectLbrace(kw);
        RacoonTimer& timer = m_sh.conf->timer;
        while (!BlockEnds(kw))
        {
            Token s = Keyword(kTimerKeywords, {}, "'}'");
            if (s.text == "counter")
            {
                timer.counter = static_cast<uint32_t>(Number("a number", 0xffffffffu));
            }
            else if (s.text == "persend")
            {
                timer.persend = static_cast<uint32_t>(Number("a number", 0xffffffffu));
            }
            else if (s.text == "interval")
            {
                timer.interval = TimeValue();
            }
            else if (s.text == "phase1")
            {
                timer.phase1 = TimeValue();
                timer.phase1Set = true;
            }
            else if (s.text == "phase2")
            {
                timer.phase2 = TimeValue();
                timer.phase2Set = true;
            }
            else if (s.text == "natt_keepalive")
            {
                timer.nattKeepalive = TimeValue();
            }
            else
            {
                UnknownKeyword(s, kTimerKeywords, {}, "'}'");
            }
            ExpectSemi(s);
        }
    }

    /// privsep { user ...; group ...; chroot ...; }: the daemon's privileges.
    void Privsep(const Token& kw)
    {
        ExpectLbrace(kw);
        const std::vector<std::string> keywords = {"user", "group", "chroot"};
        while (!BlockEnds(kw))
        {
            Token s = Keyword(keywords, {}, "'}'");
            if (std::find(keywords.begin(), keywords.end(), s.text) == keywords.end())
            {
                UnknownKeyword(s, keywords, {}, "'}'");
            }
            Token v = Take();
            bool ok = v.kind == Tok::STRING
                   || (s.text != "chroot" && v.kind == Tok::WORD && IsDigits(v.text));
            if (!ok)
            {
                Unexpected(v,
                           s.text == "chroot" ? "a quoted directory" : "a quoted name or a number");
            }
            ExpectSemi(s);
            Ignore(s.line,
                   "privsep " + s.text + " " + Printable(v.text),
                   "the simulated daemon has no privileges to drop");
        }
    }

    // --- remote -----------------------------------------------------------------

    void Remote(const Token& kw)
    {
        RacoonRemote r;
        r.file = m_file;
        r.line = kw.line;
        r.exchangeModes.clear();
        bool addressGiven = true;
        Token index = Take();
        if (index.kind == Tok::STRING)
        {
            r.name = index.value;
            r.anonymous = true;
            addressGiven = false;
        }
        else if (index.kind == Tok::WORD && index.text == "anonymous")
        {
            r.anonymous = true;
            r.port = Port(500, false);
        }
        else
        {
            r.address = AddressIn(index, "an address, 'anonymous' or a quoted remote name", false);
            r.port = Port(500, false);
        }
        if (PeekWord("inherit"))
        {
            Refuse(Peek(), "inherit", "write the parent's statements out in this block");
        }
        ExpectLbrace(kw);
        Token close;
        while (!BlockEnds(kw, &close))
        {
            RemoteStatement(r, addressGiven);
            addressGiven = addressGiven || !r.anonymous;
        }
        CheckRemote(r, kw, close);
        m_sh.conf->remotes.push_back(r);
    }

    void RemoteStatement(RacoonRemote& r, bool addressGiven)
    {
        Token s = Keyword(kRemoteKeywords, kRemoteOther, "'}'");
        const std::string& k = s.text;
        if (k == "exchange_mode")
        {
            // cftoken.l drops the commas of a remote block.
            r.exchangeModes.clear();
            while (Peek().kind != Tok::SEMI)
            {
                if (Peek().kind == Tok::COMMA && !r.exchangeModes.empty())
                {
                    Take();
                    continue;
                }
                Token m = Take();
                if (m.kind != Tok::WORD
                    || (m.text != "main" && m.text != "aggressive" && m.text != "base"))
                {
                    Unexpected(m,
                               r.exchangeModes.empty()
                                   ? "an exchange mode: 'main', 'aggressive' or 'base'"
                                   : "an exchange mode, ',' or ';'");
                }
                r.exchangeModes.push_back(m.text);
            }
            if (r.exchangeModes.empty())
            {
                Unexpected(Peek(), "an exchange mode: 'main', 'aggressive' or 'base'");
            }
        }
        else if (k == "my_identifier")
        {
            r.myIdentifier = Identifier(s);
        }
        else if (k == "peers_identifier")
        {
            r.peersIdentifiers.push_back(Identifier(s));
            r.peersIdentifier = r.peersIdentifiers.front();
        }
        else if (k == "verify_identifier")
        {
            r.verifyIdentifier = Switch();
        }
        else if (k == "lifetime")
        {
            r.lifetime = Lifetime(s, "byte lifetime support is deprecated in Phase1");
            return;
        }
        else if (k == "nonce_size")
        {
            r.nonceSize = static_cast<uint32_t>(Number("a size in bytes", 0xffffffffu));
        }
        else if (k == "initial_contact")
        {
            r.initialContact = Switch();
        }
        else if (k == "passive")
        {
            r.passive = Switch();
        }
        else if (k == "proposal_check")
        {
            Token l = Take();
            if (l.kind != Tok::WORD
                || (l.text != "obey" && l.text != "strict" && l.text != "claim"
                    && l.text != "exact"))
            {
                Unexpected(l, "'obey', 'strict', 'claim' or 'exact'");
            }
            r.proposalCheck = l.text;
        }
        else if (k == "generate_policy")
        {
            Token l = Take();
            if (l.kind == Tok::WORD && l.text == "unique")
            {
                Refuse(l, "generate_policy unique", "per-SA unique policies are not modelled");
            }
            if (l.kind != Tok::WORD || (l.text != "on" && l.text != "off" && l.text != "require"))
            {
                Unexpected(l, "'on', 'off' or 'require'");
            }
            r.generatePolicy = l.text != "off";
        }
        else if (k == "proposal")
        {
            Proposal(r, s);
            return;
        }
        else if (k == "remote_address")
        {
            if (addressGiven)
            {
                Error(s,
                      "remote_address already specified (racoon: the address of a remote "
                      "block is given once, in 'remote ADDRESS' or as remote_address in a "
                      "named remote)");
            }
            r.address = Address("an address");
            r.port = Port(500, false);
            r.anonymous = false;
        }
        else if (k == "dh_group")
        {
            Error(s,
                  "dh_group cannot be defined here (racoon: only in a proposal { } block "
                  "of the remote)");
        }
        else if (k == "encryption_algorithm" || k == "hash_algorithm"
                 || k == "authentication_method")
        {
            Error(s,
                  "'" + k
                      + "' cannot be defined here: racoon takes the phase 1 algorithms only in "
                        "a proposal { } block of the remote");
        }
        else
        {
            OtherRemoteStatement(r, s);
            return;
        }
        ExpectSemi(s);
    }

    /// racoon's remote statements this model accepts and ignores, or refuses.
    void OtherRemoteStatement(RacoonRemote& r, const Token& s)
    {
        const std::string& k = s.text;
        if (k == "doi")
        {
            Token v = Take();
            if (v.kind != Tok::WORD || v.text != "ipsec_doi")
            {
                Unexpected(v, "'ipsec_doi'");
            }
            ExpectSemi(s);
            Ignore(s.line, "doi ipsec_doi", "the IPsec DOI is the only one");
        }
        else if (k == "situation")
        {
            Token v = Take();
            if (v.kind == Tok::WORD && (v.text == "secrecy" || v.text == "integrity"))
            {
                Refuse(v, "situation " + v.text, "only identity_only is modelled, as in racoon");
            }
            if (v.kind != Tok::WORD || v.text != "identity_only")
            {
                Unexpected(v, "'identity_only', 'secrecy' or 'integrity'");
            }
            ExpectSemi(s);
            Ignore(s.line, "situation identity_only", "the default and only situation");
        }
        else if (k == "certificate_type" || k == "ca_type" || k == "peers_certfile")
        {
            Refuse(s, k, kReasonCert);
        }
        else if (k == "verify_cert" || k == "send_cert" || k == "send_cr" || k == "match_empty_cr")
        {
            bool on = Switch();
            ExpectSemi(s);
            Ignore(s.line,
                   k + (on ? " on" : " off"),
                   "used with certificates only, which are not modelled");
        }
        else if (k == "xauth_login")
        {
            Refuse(s, k, kReasonXauth);
        }
        else if (k == "mode_cfg")
        {
            DefaultOnly(s, "off", kReasonXauth);
        }
        else if (k == "nat_traversal")
        {
            Token v = Take();
            if (v.kind != Tok::WORD || (v.text != "on" && v.text != "off" && v.text != "force"))
            {
                Unexpected(v, "'on', 'off' or 'force'");
            }
            r.natTraversal = v.text == "on"    ? RacoonNatTraversal::ON
                           : v.text == "force" ? RacoonNatTraversal::FORCE
                                               : RacoonNatTraversal::OFF;
            ExpectSemi(s);
        }
        else if (k == "ike_frag")
        {
            DefaultOnly(s, "off", "IKE fragmentation is not modelled", true);
        }
        else if (k == "support_proxy")
        {
            DefaultOnly(
                s, "off", "phase 2 identities other than the SA end points are not modelled");
        }
        else if (k == "weak_phase1_check")
        {
            DefaultOnly(s, "off", "unencrypted informational exchanges are not modelled");
        }
        else if (k == "dpd")
        {
            DefaultOnly(s, "on", "dead peer detection is not modelled");
        }
        else if (k == "rekey")
        {
            DefaultOnly(
                s, "on", "phase 1 rekeying other than racoon's default is not modelled", true);
        }
        else if (k == "dpd_delay" || k == "ph1id")
        {
            Token v = Peek();
            uint64_t n = Number("a number", 0xffffffffu);
            if (n != 0)
            {
                Refuse(v,
                       k + " " + v.text,
                       k == "dpd_delay" ? "dead peer detection is not modelled"
                                        : "linking sainfo and remote blocks by ph1id is not "
                                          "modelled");
            }
            ExpectSemi(s);
            Ignore(s.line, k + " 0", "racoon's default");
        }
        else if (k == "esp_frag")
        {
            r.espFrag = static_cast<uint16_t>(Number("a number", 65535));
            ExpectSemi(s);
        }
        else if (k == "dpd_retry" || k == "dpd_maxfail")
        {
            uint64_t n = Number("a number", 0xffffffffu);
            ExpectSemi(s);
            Ignore(s.line, k + " " + std::to_string(n), "used with dpd_delay only, which is 0");
        }
        else if (k == "script")
        {
            Token path = Take();
            if (path.kind != Tok::STRING)
            {
                Unexpected(path, "a quoted script path");
            }
            Token when = Take();
            if (when.kind != Tok::WORD
                || (when.text != "phase1_up" && when.text != "phase1_down"
                    && when.text != "phase1_dead"))
            {
                Unexpected(when, "'phase1_up', 'phase1_down' or 'phase1_dead'");
            }
            ExpectSemi(s);
            Ignore(s.line,
                   "script " + Printable(path.text) + " " + when.text,
                   "the simulated daemon runs no scripts");
        }
        else
        {
            UnknownKeyword(s, kRemoteKeywords, kRemoteOther, "'}'");
        }
    }

    /// A switch (or "force") whose default @p def is accepted and ignored,
    /// and any other value refused.
    void DefaultOnly(const Token& s, const char* def, const std::string& reason, bool force = false)
    {
        Token v = Take();
        bool known = v.kind == Tok::WORD
                  && (v.text == "on" || v.text == "off" || (force && v.text == "force"));
        if (!known)
        {
            Unexpected(v, force ? "'on', 'off' or 'force'" : "'on' or 'off'");
        }
        if (v.text != def)
        {
            Refuse(v, s.text + " " + v.text, reason);
        }
        ExpectSemi(s);
        Ignore(s.line, s.text + " " + v.text, "racoon's default; " + reason);
    }

    void Proposal(RacoonRemote& r, const Token& kw)
    {
        ExpectLbrace(kw);
        RacoonProposal p;
        bool enc = false;
        bool hash = false;
        bool dh = false;
        bool auth = false;
        Token close;
        while (!BlockEnds(kw, &close))
        {
            Token s = Keyword(kProposalKeywords, {"gss_id", "gssapi_id"}, "'}'");
            const std::string& k = s.text;
            Token at;
            if (k == "encryption_algorithm")
            {
                p.encryption
                    = Algorithm(MakeClass(kIsakmpEnc, "a phase 1 encryption algorithm"), &at);
                p.keyLength = KeyLength(p.encryption, "';'");
                enc = true;
            }
            else if (k == "hash_algorithm" || k == "authentication_method")
            {
                bool isHash = k == "hash_algorithm";
                std::string name
                    = isHash ? Algorithm(MakeClass(kIsakmpHash, "a phase 1 hash algorithm"), &at)
                             : Algorithm(MakeClass(kIsakmpAuth, "an authentication method"), &at);
                (isHash ? p.hash : p.authMethod) = name;
                (isHash ? hash : auth) = true;
                if (Peek().kind == Tok::WORD && IsDigits(Peek().text))
                {
                    // racoon's grammar takes a key length after any algorithm
                    // and ignores it outside encryption_algorithm.
                    Token len = Take();
                    Ignore(len.line,
                           k + " " + name + " " + len.text,
                           "racoon ignores a key length here");
                }
            }
            else if (k == "dh_group")
            {
                p.dhGroup = DhGroup();
                dh = true;
            }
            else if (k == "lifetime")
            {
                p.lifetime = Lifetime(s, "byte lifetime support is deprecated");
                continue;
            }
            else if (k == "gss_id" || k == "gssapi_id")
            {
                Refuse(s, k, "GSS-API authentication is not modelled");
            }
            else
            {
                UnknownKeyword(s, kProposalKeywords, {"gss_id", "gssapi_id"}, "'}'");
            }
            ExpectSemi(s);
        }
        // racoon's set_isakmp_proposal(), in its order.
        const std::pair<bool, const char*> required[] = {
            {enc, "encryption_algorithm (racoon: \"encryption algorithm required.\")"},
            {hash, "hash_algorithm (racoon: \"hash algorithm required.\")"},
            {dh, "dh_group (racoon: \"DH group required.\")"},
            {auth, "authentication_method (racoon: \"authentication method required.\")"},
        };
        for (const auto& req : required)
        {
            if (!req.first)
            {
                std::ostringstream os;
                os << "the proposal of line " << kw.line << " has no " << req.second;
                Error(close, os.str());
            }
        }
        r.proposals.push_back(p);
    }

    /// racoon's process_rmconf() checks, at the remote's '}'.
    void CheckRemote(const RacoonRemote& r, const Token& kw, const Token& close)
    {
        std::ostringstream where;
        where << "the remote block of line " << kw.line;
        if (r.exchangeModes.empty())
        {
            Error(close,
                  where.str()
                      + " has no exchange_mode (racoon: \"no exchange mode specified.\"); "
                        "write e.g. 'exchange_mode main;'");
        }
        if (r.proposals.empty())
        {
            Error(close,
                  where.str()
                      + " has no proposal { } block (racoon: \"no remote specification "
                        "found\")");
        }
        bool aggressive = std::find(r.exchangeModes.begin(), r.exchangeModes.end(), "aggressive")
                       != r.exchangeModes.end();
        for (const auto& p : r.proposals)
        {
            if (aggressive && p.dhGroup != r.proposals.front().dhGroup)
            {
                Error(close,
                      where.str()
                          + ": DH group must be equal in all proposals when aggressive mode "
                            "is used (racoon's message)");
            }
        }
    }

    // --- sainfo -------------------------------------------------------------------

    /// "address A[/P] [[PORT]] PROTO" after its id type.
    RacoonSainfoId SainfoAddress(const Token& type)
    {
        RacoonSainfoId id;
        id.anonymous = false;
        Token a = Take();
        if (a.kind == Tok::WORD && a.text.find('-') != std::string::npos
            && IpsecAddress::Parse(a.text.substr(0, a.text.find('-'))))
        {
            Refuse(a, type.text + " " + a.text, "address ranges in sainfo are not modelled");
        }
        const IpsecAddress addr = AddressIn(a, "an address", false);
        id.address = addr;
        id.prefix = addr.GetBits();
        if (Peek().kind == Tok::SLASH)
        {
            Take();
            Token p = Peek();
            uint64_t prefix = Number("a prefix length", 999);
            if (prefix > addr.GetBits())
            {
                std::ostringstream os;
                os << "prefix length " << prefix << " is longer than an "
                   << (addr.IsV4() ? "IPv4" : "IPv6") << " address (" << int(addr.GetBits())
                   << " bits)";
                Error(p, os.str());
            }
            id.prefix = static_cast<uint8_t>(prefix);
        }
        id.port = Port(0, true);
        Token proto = Take();
        bool found = false;
        if (proto.kind == Tok::WORD)
        {
            if (proto.text == "any")
            {
                id.protocol = 255;
                found = true;
            }
            else if (IsDigits(proto.text))
            {
                if (proto.text.size() > 3 || std::stoul(proto.text) > 255)
                {
                    Unexpected(proto, "a protocol number from 0 to 255");
                }
                id.protocol = static_cast<uint8_t>(std::stoul(proto.text));
                found = true;
            }
            for (const auto& n : kProtocols)
            {
                if (proto.text == n.name)
                {
                    id.protocol = n.number;
                    found = true;
                }
            }
        }
        if (!found)
        {
            std::vector<std::string> names = {"any"};
            for (const auto& n : kProtocols)
            {
                names.push_back(n.name);
            }
            Unexpected(proto,
                       "an upper-layer protocol: " + QuotedAlternatives(names) + " or a number");
        }
        if ((id.protocol == 1 || id.protocol == 58) && id.port != 0)
        {
            Error(proto, "port number must be \"any\" for " + proto.text + " (racoon's message)");
        }
        if ((id.protocol == 1 && addr.IsV6()) || (id.protocol == 58 && addr.IsV4()))
        {
            Error(proto,
                  "upper layer protocol mismatched: " + proto.text + " with an "
                      + (addr.IsV4() ? "IPv4" : "IPv6") + " address (racoon's message)");
        }
        return id;
    }

    /// One identity of an sainfo head; @p first: the local one; @p expected:
    /// what else may come there.
    RacoonSainfoId SainfoId(bool first, const std::string& expected)
    {
        Token t = Take();
        if (t.kind == Tok::WORD && (t.text == "address" || t.text == "subnet"))
        {
            return SainfoAddress(t);
        }
        if (t.kind == Tok::WORD
            && (t.text == "fqdn" || t.text == "user_fqdn" || t.text == "keyid"
                || t.text == "asn1dn"))
        {
            Refuse(t,
                   "sainfo ... " + t.text,
                   "sainfo identities other than addresses are not modelled");
        }
        if (!first && t.kind == Tok::WORD && t.text == "clientaddr")
        {
            Refuse(t, "sainfo ... clientaddr", kReasonXauth);
        }
        Unexpected(t, expected);
    }

    void Sainfo(const Token& kw)
    {
        RacoonSainfo si;
        si.file = m_file;
        si.line = kw.line;
        if (PeekWord("anonymous"))
        {
            Take();
            if (Peek().kind != Tok::LBRACE && !PeekWord("from") && !PeekWord("group"))
            {
                si.remote = SainfoId(false, "'address', 'subnet' or '{'");
            }
        }
        else
        {
            si.local = SainfoId(true, "'anonymous', 'address' or 'subnet'");
            if (PeekWord("anonymous"))
            {
                Take();
            }
            else
            {
                si.remote = SainfoId(false, "'anonymous', 'address' or 'subnet'");
            }
        }
        if (PeekWord("from") || PeekWord("group"))
        {
            Token t = Peek();
            Refuse(t,
                   "sainfo ... " + t.text,
                   t.text == "from" ? "matching sainfo on the peer's phase 1 identity is not "
                                      "modelled"
                                    : std::string(kReasonXauth));
        }
        ExpectLbrace(kw);
        Token close;
        while (!BlockEnds(kw, &close))
        {
            Token s = Keyword(kSainfoKeywords, {"remoteid"}, "'}'");
            const std::string& k = s.text;
            if (k == "pfs_group")
            {
                si.pfsGroup = DhGroup();
            }
            else if (k == "lifetime")
            {
                si.lifetime = Lifetime(s, "byte lifetime support is deprecated");
                continue;
            }
            else if (k == "encryption_algorithm")
            {
                AlgorithmList(s,
                              [&si, this]()
                              {
                                  Token at;
                                  std::string name = Algorithm(
                                      MakeClass(kIpsecEnc, "a phase 2 encryption algorithm"), &at);
                                  si.encryption.emplace_back(name, KeyLength(name, "',' or ';'"));
                              });
                continue;
            }
            else if (k == "authentication_algorithm")
            {
                KeylessAlgorithmList(s,
                                     MakeClass(kIpsecAuth, "a phase 2 authentication algorithm"),
                                     si.authentication);
                continue;
            }
            else if (k == "compression_algorithm")
            {
                KeylessAlgorithmList(
                    s, MakeClass(kIpsecComp, "a compression algorithm"), si.compression);
                continue;
            }
            else if (k == "remoteid")
            {
                Token v = Peek();
                if (Number("a number", 0xffffffffu) != 0)
                {
                    Refuse(v,
                           "remoteid " + v.text,
                           "linking sainfo and remote blocks by ph1id is not modelled");
                }
                Ignore(s.line, "remoteid 0", "racoon's default");
            }
            else
            {
                UnknownKeyword(s, kSainfoKeywords, {"remoteid"}, "'}'");
            }
            ExpectSemi(s);
        }
        CheckSainfo(si, kw, close);
        m_sh.conf->sainfos.push_back(si);
    }

    /// ALGORITHM [KEYLEN] { ',' ALGORITHM [KEYLEN] } ';' (sainfo's algorithms).
    template <class F>
    void AlgorithmList(const Token& kw, F one)
    {
        while (true)
        {
            one();
            Token t = Take();
            if (t.kind == Tok::SEMI)
            {
                return;
            }
            if (t.kind != Tok::COMMA)
            {
                std::ostringstream os;
                os << "',' or ';' to end the '" << kw.text << "' statement";
                if (t.line != kw.line)
                {
                    os << " of line " << kw.line;
                }
                Unexpected(t, os.str());
            }
        }
    }

    /// An AlgorithmList of @p c's algorithms that take no key length, into @p into.
    void KeylessAlgorithmList(const Token& kw, const AlgClass& c, std::vector<std::string>& into)
    {
        AlgorithmList(kw,
                      [&c, &into, this]()
                      {
                          Token at;
                          into.push_back(Algorithm(c, &at));
                          NoKeyLength(into.back());
                      });
    }

    void NoKeyLength(const std::string& name)
    {
        if (Peek().kind == Tok::WORD && IsDigits(Peek().text))
        {
            Unexpected(Take(), "',' or ';' ('" + name + "' takes no key length)");
        }
    }

    /// The sainfo rule's checks at its '}': the three algorithm classes,
    /// then racoon's duplicate check (getsainfo() over the earlier blocks).
    void CheckSainfo(const RacoonSainfo& si, const Token& kw, const Token& close)
    {
        std::ostringstream where;
        where << "the sainfo of line " << kw.line;
        if (si.encryption.empty())
        {
            Error(close,
                  where.str()
                      + " has no encryption_algorithm (racoon: \"no encryption algorithm\")");
        }
        if (si.authentication.empty())
        {
            Error(close,
                  where.str()
                      + " has no authentication_algorithm (racoon: \"no authentication "
                        "algorithm\")");
        }
        if (si.compression.empty())
        {
            Error(close,
                  where.str()
                      + " has no compression_algorithm (racoon: \"no compression "
                        "algorithm\"; write 'compression_algorithm deflate;')");
        }
        const RacoonSainfo* dup = m_sh.conf->FindSainfo(si.local, si.remote);
        if (dup && !dup->local.anonymous && !si.local.anonymous)
        {
            std::ostringstream os;
            os << "duplicated sainfo: " << where.str() << " overlaps the sainfo of " << dup->file
               << ":" << dup->line
               << " (racoon refuses two sainfo with the same local identity whose remote "
                  "identities match each other; 'anonymous' matches any)";
            Error(close, os.str());
        }
    }

    Shared& m_sh;
    Lexer m_lexer;
    std::string m_file;
    std::optional<Token> m_peek;
};

/// An sainfo identity matches a query identity (racoon's ipsecdoi_chkcmpids()
/// with wildcards): anonymous on either side, or equal type (prefix),
/// protocol ("any" is 0) and address data; ports are not compared.
bool
SainfoIdMatches(const RacoonSainfoId& query, const RacoonSainfoId& block)
{
    if (query.anonymous || block.anonymous)
    {
        return true;
    }
    auto proto = [](uint8_t p)
    {
        return p == 255 ? 0 : p;
    };
    return query.address == block.address && query.prefix == block.prefix
        && proto(query.protocol) == proto(block.protocol);
}

/// racoon 0.8's prisainfo(), without remoteid and "from" (not modelled).
int
SainfoPriority(const RacoonSainfo& s)
{
    return (s.local.anonymous ? 0 : 1) + (s.remote.anonymous ? 0 : 1);
}

} // namespace

// ---------------------------------------------------------------------------
// RacoonConfError
// ---------------------------------------------------------------------------

RacoonConfError::RacoonConfError(const std::string& file,
                                 uint32_t line,
                                 const std::string& token,
                                 const std::string& expected,
                                 const std::string& message)
    : std::runtime_error(FormatError(file, line, token, expected, message))
    , m_file(file)
    , m_line(line)
    , m_token(token)
    , m_expected(expected)
    , m_message(message)
{
}

const std::string&
RacoonConfError::GetFile() const
{
    return m_file;
}

uint32_t
RacoonConfError::GetLine() const
{
    return m_line;
}

const std::string&
RacoonConfError::GetToken() const
{
    return m_token;
}

const std::string&
RacoonConfError::GetExpected() const
{
    return m_expected;
}

const std::string&
RacoonConfError::GetMessage() const
{
    return m_message;
}

// ---------------------------------------------------------------------------
// RacoonConf
// ---------------------------------------------------------------------------

const RacoonRemote*
RacoonConf::FindRemote(const IpsecAddress& peer) const
{
    // racoon 0.8's rmconf_find(): the best match type wins, a tie is ambiguous.
    const RacoonRemote* best = nullptr;
    int bestType = 0;
    int count = 0;
    for (const auto& r : remotes)
    {
        int type = 0;
        if (r.anonymous)
        {
            type = 1;
        }
        else if (r.address == peer)
        {
            type = 2;
        }
        if (type == 0 || type < bestType)
        {
            continue;
        }
        if (type > bestType)
        {
            best = &r;
            bestType = type;
            count = 0;
        }
        ++count;
    }
    return count == 1 ? best : nullptr;
}

const RacoonSainfo*
RacoonConf::FindSainfo(const RacoonSainfoId& local, const RacoonSainfoId& remote) const
{
    for (int priority = 2; priority >= 0; --priority)
    {
        for (const auto& s : sainfos)
        {
            if (SainfoPriority(s) == priority && SainfoIdMatches(local, s.local)
                && SainfoIdMatches(remote, s.remote))
            {
                return &s;
            }
        }
    }
    return nullptr;
}

// ---------------------------------------------------------------------------
// Parsing entry points
// ---------------------------------------------------------------------------

RacoonConfFiles
RacoonConfDiskFiles()
{
    RacoonConfFiles files;
    files.glob = [](const std::string& pattern)
    {
        std::vector<std::string> out;
        glob_t g;
        std::memset(&g, 0, sizeof(g));
        int flags = 0;
#ifdef GLOB_TILDE
        flags |= GLOB_TILDE;
#endif
        if (::glob(pattern.c_str(), flags, nullptr, &g) == 0)
        {
            for (size_t i = 0; i < g.gl_pathc; ++i)
            {
                out.emplace_back(g.gl_pathv[i]);
            }
        }
        ::globfree(&g);
        return out;
    };
    files.read = [](const std::string& path, std::string* why) -> std::optional<std::string>
    {
        struct stat st;
        if (::stat(path.c_str(), &st) != 0)
        {
            *why = std::strerror(errno);
            return std::nullopt;
        }
        if (!S_ISREG(st.st_mode))
        {
            *why = "not a regular file";
            return std::nullopt;
        }
        if (static_cast<uintmax_t>(st.st_size) > kMaxFileSize)
        {
            *why = "larger than 16 MiB";
            return std::nullopt;
        }
        std::ifstream in(path, std::ios::binary);
        if (!in)
        {
            *why = std::strerror(errno);
            return std::nullopt;
        }
        std::ostringstream os;
        os << in.rdbuf();
        return os.str();
    };
    return files;
}

RacoonConf
ParseRacoonConf(const std::string& text,
                const std::string& fileName,
                const std::string& baseDir,
                const RacoonConfFiles& files)
{
    RacoonConf conf;
    Shared shared{&conf, &files, baseDir.empty() ? "." : baseDir, "", {}};
    shared.stack.push_back(
        NormalPath(JoinPath(shared.baseDir, std::filesystem::path(fileName).filename().string())));
    FileParser(shared, text, fileName).Run();
    return conf;
}

RacoonConf
ParseRacoonConf(const std::string& text, const std::string& fileName, const std::string& baseDir)
{
    return ParseRacoonConf(text, fileName, baseDir, RacoonConfDiskFiles());
}

RacoonConf
ReadRacoonConf(const std::string& path)
{
    RacoonConfFiles files = RacoonConfDiskFiles();
    std::string why;
    std::optional<std::string> text = files.read(path, &why);
    if (!text)
    {
        throw RacoonConfError(path, 0, "", "", "cannot read: " + why);
    }
    std::string dir = std::filesystem::path(path).parent_path().string();
    return ParseRacoonConf(*text, path, dir.empty() ? "." : dir, files);
}

// ---------------------------------------------------------------------------
// psk.txt (localconf.c's getpsk(), safefile.c's safefile())
// ---------------------------------------------------------------------------

namespace
{

bool
IsSpace(char c)
{
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

/// racoon's str2val(p, 16): hex digits, blanks between them skipped; an
/// even, non-zero number of digits.
std::optional<std::vector<uint8_t>>
DecodeHexKey(const std::string& digits)
{
    std::string hex;
    for (char c : digits)
    {
        if (std::isxdigit(static_cast<unsigned char>(c)) != 0)
        {
            hex.push_back(c);
        }
        else if (!IsSpace(c))
        {
            return std::nullopt;
        }
    }
    if (hex.empty() || hex.size() % 2 != 0)
    {
        return std::nullopt;
    }
    std::vector<uint8_t> key;
    for (size_t i = 0; i < hex.size(); i += 2)
    {
        key.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    }
    return key;
}

std::string
OctalMode(uint32_t mode)
{
    std::ostringstream os;
    os << "0" << std::oct << (mode & 07777);
    return os.str();
}

} // namespace

RacoonPskFile::RacoonPskFile(const std::string& text, const std::string& fileName, uint32_t mode)
    : m_file(fileName)
    , m_mode(mode)
{
    uint32_t lineNo = 0;
    size_t pos = 0;
    while (pos < text.size())
    {
        size_t eol = text.find('\n', pos);
        std::string line = text.substr(pos, eol == std::string::npos ? eol : eol - pos);
        pos = eol == std::string::npos ? text.size() : eol + 1;
        ++lineNo;
        auto note = [this, lineNo](const std::string& what)
        {
            m_notes.push_back(m_file + ":" + std::to_string(lineNo) + ": " + what);
        };
        if (!line.empty() && line[0] == '#')
        {
            continue;
        }
        // The identifier runs to the first blank (from the first character:
        // a leading blank makes it empty), the key from the next non-blank.
        size_t idEnd = 0;
        while (idEnd < line.size() && !IsSpace(line[idEnd]))
        {
            ++idEnd;
        }
        size_t keyStart = idEnd;
        while (keyStart < line.size() && IsSpace(line[keyStart]))
        {
            ++keyStart;
        }
        std::string identifier = line.substr(0, idEnd);
        if (keyStart >= line.size())
        {
            if (identifier.empty())
            {
                continue; // a blank line
            }
            throw RacoonConfError(m_file,
                                  lineNo,
                                  identifier,
                                  "a key after the identifier (\"identifier key\")",
                                  "the line of '" + Printable(identifier)
                                      + "' has no key (racoon skips such a line)");
        }
        Entry e;
        e.identifier = identifier;
        e.line = lineNo;
        std::string key = line.substr(keyStart);
        if (identifier.empty())
        {
            note("the line starts with a blank, so racoon reads an empty identifier and never "
                 "matches it");
        }
        if (IsSpace(key.back()))
        {
            note(key.back() == '\r' ? "the key ends in a CR, which racoon keeps as part of it"
                                    : "the key ends in blanks, which racoon keeps as part of it");
        }
        if (key.compare(0, 2, "0x") == 0)
        {
            std::optional<std::vector<uint8_t>> k = DecodeHexKey(key.substr(2));
            if (!k)
            {
                note("the key '" + Printable(key)
                     + "' is not an even number of hex digits: racoon fails when this line "
                       "matches");
                e.valid = false;
            }
            else
            {
                e.key = *k;
            }
        }
        else
        {
            e.key.assign(key.begin(), key.end());
        }
        m_entries.push_back(e);
    }
}

RacoonPskFile
RacoonPskFile::Read(const std::string& path, uint32_t mode)
{
    std::string why;
    std::optional<std::string> text = RacoonConfDiskFiles().read(path, &why);
    if (!text)
    {
        throw RacoonConfError(path, 0, "", "", "cannot read: " + why);
    }
    return RacoonPskFile(*text, path, mode);
}

std::optional<std::vector<uint8_t>>
RacoonPskFile::Lookup(const std::string& identifier, std::string* why) const
{
    std::string reason;
    if ((m_mode & 077) != 0)
    {
        reason = m_file + " has weak file permission (" + OctalMode(m_mode)
               + ": group or others have access; racoon reads no key from it until "
                 "'chmod 600')";
    }
    else
    {
        for (const auto& e : m_entries)
        {
            if (e.identifier != "*" && e.identifier != identifier)
            {
                continue;
            }
            if (e.valid)
            {
                return e.key;
            }
            reason = m_file + ":" + std::to_string(e.line)
                   + ": the hex key cannot be decoded (racoon: \"failed to get psk buffer\")";
            break;
        }
        if (reason.empty())
        {
            reason = "no key for '" + identifier + "' in " + m_file;
        }
    }
    NS_LOG_LOGIC(reason);
    if (why)
    {
        *why = reason;
    }
    return std::nullopt;
}

uint32_t
RacoonPskFile::GetMode() const
{
    return m_mode;
}

void
RacoonPskFile::SetMode(uint32_t mode)
{
    m_mode = mode;
}

size_t
RacoonPskFile::GetN() const
{
    return m_entries.size();
}

const std::vector<std::string>&
RacoonPskFile::GetNotes() const
{
    return m_notes;
}

} // namespace ns3
