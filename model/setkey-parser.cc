/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Grammar (KAME setkey parse.y 1.81 + ipsec-tools), one function per rule:
 *
 *   statement  ::= add | get | getspi | delete | deleteall | flush | dump
 *                | spdadd | spdupdate | spddelete | spdflush | spddump | exit
 *   add        ::= "add" aiopts addr addr [proto] spi {ext} algspec ";"
 *   get|getspi|delete ::= CMD aiopts addr addr [proto] spi {ext} ";"
 *   deleteall  ::= "deleteall" aiopts host host [proto] ";"
 *   flush|dump ::= CMD [proto] ";"
 *   spdadd|spdupdate ::= CMD aiopts range range upper [misc] [ctx] policy ";"
 *                      | CMD "tagged" QUOTED policy ";"
 *   spddelete  ::= "spddelete" aiopts range range upper [misc] [ctx] policy ";"
 *   spdflush|spddump|exit|quit|bye ::= CMD ";"
 */
#include "setkey-parser.h"

#include "ns3/log.h"

#include <cctype>
#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SetkeyParser");

namespace
{

/// Words token.l turns into keywords: they can never be an address, a name or a port.
bool
IsKeyword(const std::string& w)
{
    static const char* const kKeywords[] = {
        "add",      "delete",   "deleteall",    "get",    "getspi",    "flush",     "dump",
        "exit",     "quit",     "bye",          "spdadd", "spdupdate", "spddelete", "spddump",
        "spdflush", "tagged",   "ah",           "esp",    "ah-old",    "esp-old",   "ipcomp",
        "esp-udp",  "oui",      "deflate",      "lzs",    "transport", "tunnel",    "random-pad",
        "seq-pad",  "zero-pad", "nocyclic-seq", "any",
    };
    for (const char* k : kKeywords)
    {
        if (w == k)
        {
            return true;
        }
    }
    return false;
}

struct NamedNumber
{
    const char* name;
    const char* alias;
    uint16_t number;
};

/// The protocols of NetBSD's /etc/protocols that make sense as selectors, plus setkey's
/// own "icmp6" and "ip4".
const NamedNumber kProtocols[] = {
    {"ip", "IP", 0},
    {"icmp", "ICMP", 1},
    {"igmp", "IGMP", 2},
    {"ggp", "GGP", 3},
    {"ipencap", "IP-ENCAP", 4},
    {"ipv4", "IPv4", 4},
    {"ip4", nullptr, 4},
    {"st", "ST", 5},
    {"tcp", "TCP", 6},
    {"egp", "EGP", 8},
    {"pup", "PUP", 12},
    {"udp", "UDP", 17},
    {"hmp", "HMP", 20},
    {"xns-idp", "XNS-IDP", 22},
    {"rdp", "RDP", 27},
    {"ipv6", "IPv6", 41},
    {"ipv6-route", "IPv6-Route", 43},
    {"ipv6-frag", "IPv6-Frag", 44},
    {"rsvp", "RSVP", 46},
    {"gre", "GRE", 47},
    {nullptr, "ESP", 50},
    {nullptr, "AH", 51},
    {"ipv6-icmp", "IPv6-ICMP", 58},
    {"icmp6", nullptr, 58},
    {"ipv6-nonxt", "IPv6-NoNxt", 59},
    {"ipv6-opts", "IPv6-Opts", 60},
    {"ospf", "OSPFIGP", 89},
    {"pim", "PIM", 103},
    {nullptr, "IPCOMP", 108},
    {"vrrp", "VRRP", 112},
    {"l2tp", "L2TP", 115},
    {"sctp", "SCTP", 132},
    {"mobility-header", "ipv6-mh", 135},
};

/// A small services table (getaddrinfo with a datagram socket type).
const NamedNumber kServices[] = {
    {"echo", nullptr, 7},     {"discard", nullptr, 9},  {"ftp-data", nullptr, 20},
    {"ftp", nullptr, 21},     {"ssh", nullptr, 22},     {"telnet", nullptr, 23},
    {"smtp", nullptr, 25},    {"domain", nullptr, 53},  {"bootps", nullptr, 67},
    {"bootpc", nullptr, 68},  {"tftp", nullptr, 69},    {"http", "www", 80},
    {"pop2", nullptr, 109},   {"pop3", nullptr, 110},   {"sunrpc", nullptr, 111},
    {"nntp", nullptr, 119},   {"ntp", nullptr, 123},    {"imap", "imap2", 143},
    {"snmp", nullptr, 161},   {"ldap", nullptr, 389},   {"https", nullptr, 443},
    {"isakmp", nullptr, 500}, {"syslog", nullptr, 514}, {"ipsec-nat-t", nullptr, 4500},
};

const NamedNumber*
FindNamed(const NamedNumber* table, size_t n, const std::string& name)
{
    for (size_t i = 0; i < n; ++i)
    {
        if ((table[i].name && name == table[i].name) || (table[i].alias && name == table[i].alias))
        {
            return &table[i];
        }
    }
    return nullptr;
}

/// strtoul() on a digit string, saturating instead of wrapping.
uint64_t
ParseUnsigned(const std::string& digits)
{
    uint64_t v = 0;
    for (char c : digits)
    {
        uint64_t d = static_cast<uint64_t>(c - '0');
        if (v > (std::numeric_limits<uint64_t>::max() - d) / 10)
        {
            return std::numeric_limits<uint64_t>::max();
        }
        v = v * 10 + d;
    }
    return v;
}

bool
AllDigits(const std::string& s)
{
    if (s.empty())
    {
        return false;
    }
    for (char c : s)
    {
        if (!std::isdigit(static_cast<unsigned char>(c)))
        {
            return false;
        }
    }
    return true;
}

std::string
Trim(const std::string& s)
{
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
    {
        return "";
    }
    size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

/// ATOX() of parse.y.
uint8_t
HexNibble(char c)
{
    if (c >= '0' && c <= '9')
    {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f')
    {
        return c - 'a' + 10;
    }
    return c - 'A' + 10;
}

/// "Invalid key length (3des-cbc needs a 192-bit key, got 128 bits)".
std::string
KeyLengthMessage(const std::string& detail,
                 const std::string& name,
                 uint16_t minBits,
                 uint16_t maxBits,
                 const std::vector<uint16_t>& exact,
                 size_t bits)
{
    std::string d = detail;
    if (d.empty())
    {
        d = name + " needs a key of " + DescribeKeyBits(minBits, maxBits, exact) + ", got "
          + std::to_string(bits) + " bits";
    }
    return "Invalid key length (" + d + ")";
}

struct CommandWord
{
    const char* word;
    SetkeyCommand command;
};

const CommandWord kCommands[] = {
    {"add", SetkeyCommand::ADD},
    {"get", SetkeyCommand::GET},
    {"getspi", SetkeyCommand::GETSPI},
    {"delete", SetkeyCommand::DELETE},
    {"deleteall", SetkeyCommand::DELETEALL},
    {"flush", SetkeyCommand::FLUSH},
    {"dump", SetkeyCommand::DUMP},
    {"spdadd", SetkeyCommand::SPDADD},
    {"spdupdate", SetkeyCommand::SPDUPDATE},
    {"spddelete", SetkeyCommand::SPDDELETE},
    {"spdflush", SetkeyCommand::SPDFLUSH},
    {"spddump", SetkeyCommand::SPDDUMP},
    {"exit", SetkeyCommand::EXIT},
    {"quit", SetkeyCommand::EXIT},
    {"bye", SetkeyCommand::EXIT},
};

const char* const kSyntaxError = "syntax error";
const char* const kExpectCommand
    = "a command (add, get, delete, deleteall, flush, dump, spdadd, spdupdate, spddelete, "
      "spdflush, spddump, getspi, exit)";
const char* const kExpectKey = "a key (\"quoted string\" or 0x hex digits)";

} // namespace

std::string
SetkeyCommandName(SetkeyCommand c)
{
    for (const auto& k : kCommands)
    {
        if (k.command == c)
        {
            return k.word;
        }
    }
    return "?";
}

SetkeyParser::SetkeyParser(const std::string& text)
    : m_lexer(text)
    , m_lastWasSemicolon(true)
{
}

uint32_t
SetkeyParser::GetLine() const
{
    return m_lexer.GetLine();
}

// ---------------------------------------------------------------------------
// Token access and errors
// ---------------------------------------------------------------------------

const SetkeyToken&
SetkeyParser::Peek()
{
    if (!m_peek)
    {
        m_peek = m_lexer.Next();
    }
    return *m_peek;
}

SetkeyToken
SetkeyParser::Take()
{
    SetkeyToken t = Peek();
    m_peek.reset();
    m_lastWasSemicolon = t.kind == SetkeyTokenKind::SEMICOLON;
    return t;
}

bool
SetkeyParser::PeekIsOption(const char* option)
{
    const SetkeyToken& t = Peek();
    return t.kind == SetkeyTokenKind::OPTION && t.text == option;
}

bool
SetkeyParser::PeekIsWord(const char* word)
{
    const SetkeyToken& t = Peek();
    return t.kind == SetkeyTokenKind::WORD && t.text == word;
}

bool
SetkeyParser::FailAt(uint32_t line,
                     const std::string& token,
                     const std::string& message,
                     const std::string& expected)
{
    m_error = SetkeyParseError();
    m_error.line = line;
    m_error.token = token;
    m_error.message = message;
    m_error.expected = expected;
    NS_LOG_LOGIC("line " << line << ": " << message << " at [" << token << "]");
    return false;
}

bool
SetkeyParser::Fail(const SetkeyToken& at, const std::string& message, const std::string& expected)
{
    if (at.kind == SetkeyTokenKind::END)
    {
        return FailAt(m_lexer.GetLine(), "", message, expected);
    }
    return FailAt(at.line, at.Display(), message, expected);
}

bool
SetkeyParser::SyntaxError(const SetkeyToken& at, const std::string& expected)
{
    if (at.kind == SetkeyTokenKind::INVALID)
    {
        // token.l: yyfatal("Syntax error") for a character no rule matches.
        Fail(at, "Syntax error", expected);
        m_error.fatal = true;
        return false;
    }
    return Fail(at, kSyntaxError, expected);
}

// ---------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------

SetkeyParser::Status
SetkeyParser::Next(SetkeyStatement* statement, SetkeyParseError* error)
{
    if (Peek().kind == SetkeyTokenKind::END)
    {
        return Status::END;
    }
    SetkeyStatement st;
    if (!ParseStatement(&st))
    {
        if (error)
        {
            *error = m_error;
            // Warnings setkey printed before it met the error come first.
            std::vector<std::string> notes;
            for (const auto& w : st.warnings)
            {
                notes.push_back("line " + std::to_string(w.line) + ": " + w.message + " at ["
                                + w.token + "]");
            }
            error->notes.insert(error->notes.begin(), notes.begin(), notes.end());
        }
        return Status::ERROR;
    }
    NS_LOG_LOGIC("line " << st.line << ": " << SetkeyCommandName(st.command));
    if (statement)
    {
        *statement = st;
    }
    return Status::STATEMENT;
}

void
SetkeyParser::Recover()
{
    if (m_peek)
    {
        SetkeyTokenKind kind = m_peek->kind;
        if (kind == SetkeyTokenKind::END)
        {
            return;
        }
        Take();
        if (kind == SetkeyTokenKind::SEMICOLON)
        {
            return;
        }
    }
    else if (m_lastWasSemicolon)
    {
        return;
    }
    m_lexer.SkipPastSemicolon();
    m_lastWasSemicolon = true;
}

bool
SetkeyParser::ParseAll(const std::string& text,
                       std::vector<SetkeyStatement>* statements,
                       SetkeyParseError* error)
{
    SetkeyParser parser(text);
    SetkeyStatement st;
    while (true)
    {
        switch (parser.Next(&st, error))
        {
            case Status::END:
                return true;
            case Status::ERROR:
                return false;
            case Status::STATEMENT:
                if (statements)
                {
                    statements->push_back(st);
                }
                if (st.command == SetkeyCommand::EXIT)
                {
                    return true;
                }
                break;
        }
    }
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

bool
SetkeyParser::ParseStatement(SetkeyStatement* st)
{
    SetkeyToken t = Take();
    if (t.kind == SetkeyTokenKind::WORD)
    {
        for (const auto& k : kCommands)
        {
            if (t.text == k.word)
            {
                st->command = k.command;
                st->firstLine = t.line;
                switch (k.command)
                {
                    case SetkeyCommand::ADD:
                        return ParseAddCommand(st);
                    case SetkeyCommand::GET:
                    case SetkeyCommand::GETSPI:
                    case SetkeyCommand::DELETE:
                        return ParseSaCommand(st);
                    case SetkeyCommand::DELETEALL:
                        return ParseDeleteAllCommand(st);
                    case SetkeyCommand::FLUSH:
                    case SetkeyCommand::DUMP:
                        return ParseFlushDumpCommand(st);
                    case SetkeyCommand::SPDADD:
                    case SetkeyCommand::SPDUPDATE:
                    case SetkeyCommand::SPDDELETE:
                        return ParseSpdCommand(st);
                    case SetkeyCommand::SPDFLUSH:
                    case SetkeyCommand::SPDDUMP:
                    case SetkeyCommand::EXIT:
                        return ParseBareCommand(st);
                }
            }
        }
    }
    return SyntaxError(t, kExpectCommand);
}

// The part add, get, getspi and delete share: aiopts addr addr [proto] spi {ext}
bool
SetkeyParser::ParseSaIndex(SetkeyStatement* st)
{
    SetkeySaSpec& sa = st->sa;
    if (!ParseAddressOptions(&st->addressOptions)
        || !ParseSaAddress(st->addressOptions, true, &sa.src, &sa.srcPort))
    {
        return false;
    }
    SetkeyToken dstToken = Peek();
    return ParseSaAddress(st->addressOptions, true, &sa.dst, &sa.dstPort)
        && ParseSameFamily(sa.src, sa.dst, dstToken) && ParseProtocolSpec(&sa) && ParseSpi(&sa)
        && ParseExtensions(&sa);
}

// add ::= "add" aiopts addr addr [proto] spi {ext} algspec ";"
bool
SetkeyParser::ParseAddCommand(SetkeyStatement* st)
{
    SetkeySaSpec& sa = st->sa;
    if (!ParseSaIndex(st))
    {
        return false;
    }
    const SetkeyToken& t = Peek();
    if (!(t.kind == SetkeyTokenKind::OPTION
          && (t.text == "-E" || t.text == "-A" || t.text == "-C")))
    {
        return SyntaxError(t,
                           "an algorithm part (-E, -A or -C) or an option (-m -r -u -f -lh -ls)");
    }
    if (!ParseAlgorithmSpec(&sa, &st->warnings))
    {
        return false;
    }
    return ParseEndOfStatement(
        st, "';' (options such as -m, -r, -u, -f, -lh, -ls must come before the algorithm part)");
}

// get|getspi|delete ::= CMD aiopts addr addr [proto] spi {ext} ";"
bool
SetkeyParser::ParseSaCommand(SetkeyStatement* st)
{
    if (!ParseSaIndex(st))
    {
        return false;
    }
    const char* expected = st->command == SetkeyCommand::GETSPI
                             ? "';' or an option (-m -r -u -f -lh -ls)"
                             : "';' (no algorithm part for this command)";
    if (!ParseEndOfStatement(st, expected))
    {
        return false;
    }
    if (st->command != SetkeyCommand::GETSPI && st->sa.mode != IpsecMode::ANY)
    {
        st->warnings.push_back({st->line, "WARNING: mode is obsolete", ";"});
    }
    return true;
}

// deleteall ::= "deleteall" aiopts host host [proto] ";"
bool
SetkeyParser::ParseDeleteAllCommand(SetkeyStatement* st)
{
    SetkeySaSpec& sa = st->sa;
    if (!ParseAddressOptions(&st->addressOptions)
        || !ParseSaAddress(st->addressOptions, false, &sa.src, &sa.srcPort))
    {
        return false;
    }
    SetkeyToken dstToken = Peek();
    if (!ParseSaAddress(st->addressOptions, false, &sa.dst, &sa.dstPort)
        || !ParseSameFamily(sa.src, sa.dst, dstToken) || !ParseProtocolSpec(&sa))
    {
        return false;
    }
    return ParseEndOfStatement(st, "';' (deleteall takes no SPI)");
}

// flush|dump ::= CMD [proto] ";"
bool
SetkeyParser::ParseFlushDumpCommand(SetkeyStatement* st)
{
    if (!ParseProtocolSpec(&st->sa))
    {
        return false;
    }
    return ParseEndOfStatement(st, "';' or a protocol (esp, esp-old, ah, ah-old, ipcomp, esp-udp)");
}

// spdadd|spdupdate ::= CMD aiopts range range upper [misc] [ctx] policy ";"
//                    | CMD "tagged" QUOTED policy ";"
// spddelete        ::= "spddelete" aiopts range range upper [misc] [ctx] policy ";"
bool
SetkeyParser::ParseSpdCommand(SetkeyStatement* st)
{
    SetkeySpdSpec& spd = st->spd;
    if (st->command != SetkeyCommand::SPDDELETE && PeekIsWord("tagged"))
    {
        Take();
        SetkeyToken tag = Take();
        if (tag.kind != SetkeyTokenKind::QUOTED)
        {
            return SyntaxError(tag, "a \"quoted\" tag name");
        }
        spd.tagged = true;
        spd.tag = tag.value;
        return ParsePolicySpec(&spd) && ParseEndOfStatement(st, "';'");
    }
    IpsecSelector& sel = spd.selector;
    if (!ParseAddressOptions(&st->addressOptions)
        || !ParseAddressRange(st->addressOptions, &sel.src, &sel.prefs, &sel.sport))
    {
        return false;
    }
    SetkeyToken dstToken = Peek();
    if (!ParseAddressRange(st->addressOptions, &sel.dst, &sel.prefd, &sel.dport)
        || !ParseUpperSpec(&sel.ulproto) || !ParseUpperMiscSpec(&sel))
    {
        return false;
    }
    SetkeySaSpec ctx;
    if (!ParseContextSpec(&ctx) || !ParsePolicySpec(&spd))
    {
        return false;
    }
    // setkeymsg_spdaddr() only pairs addresses of one family.
    if (!ParseSameFamily(sel.src, sel.dst, dstToken))
    {
        return false;
    }
    return ParseEndOfStatement(st, "';'");
}

// spdflush|spddump|exit|quit|bye ::= CMD ";"
bool
SetkeyParser::ParseBareCommand(SetkeyStatement* st)
{
    return ParseEndOfStatement(st, "';'");
}

bool
SetkeyParser::ParseEndOfStatement(SetkeyStatement* st, const std::string& expected)
{
    SetkeyToken t = Take();
    if (t.kind != SetkeyTokenKind::SEMICOLON)
    {
        return SyntaxError(t, expected);
    }
    st->line = t.line;
    return true;
}

// ---------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------

// aiopts ::= { -4 | -6 | -n | combined }
bool
SetkeyParser::ParseAddressOptions(SetkeyAddressOptions* opts)
{
    while (Peek().kind == SetkeyTokenKind::OPTION)
    {
        const std::string& text = Peek().text;
        char c = text.size() > 1 ? text[1] : '\0';
        if (c != '4' && c != '6' && c != 'n')
        {
            break; // not an address option: the address rule reports it
        }
        SetkeyToken t = Take();
        for (size_t i = 1; i < t.text.size(); ++i)
        {
            switch (t.text[i])
            {
                case '4':
                    opts->family = 4;
                    break;
                case '6':
                    opts->family = 6;
                    break;
                case 'n':
                    opts->numeric = true;
                    break;
                default:
                    return Fail(t, "invalid flag", "-4, -6 or -n (combinable, e.g. -4n)");
            }
        }
    }
    return true;
}

namespace
{

/// parse_addr(): getaddrinfo() on a numeric host; no name resolution in the simulator.
bool
ResolveHost(const std::string& host,
            const SetkeyAddressOptions& opts,
            IpsecAddress* out,
            std::string* error)
{
    auto a = IpsecAddress::Parse(host);
    if (!a)
    {
        *error = "hostname nor servname provided, or not known (host names are not resolved "
                 "in the simulator; use a numeric IPv4 or IPv6 address)";
        return false;
    }
    if ((opts.family == 4 && !a->IsV4()) || (opts.family == 6 && !a->IsV6()))
    {
        *error = std::string("address family for hostname not supported (")
               + (opts.family == 4 ? "-4" : "-6") + " given)";
        return false;
    }
    *out = *a;
    return true;
}

} // namespace

// addr ::= STRING [ port ]   (the port only in ipsec-tools, for NAT-T)
bool
SetkeyParser::ParseSaAddress(const SetkeyAddressOptions& opts,
                             bool allowPort,
                             IpsecAddress* addr,
                             uint16_t* port)
{
    SetkeyToken t = Take();
    if (t.kind != SetkeyTokenKind::WORD || IsKeyword(t.text))
    {
        return SyntaxError(t, "an IPv4 or IPv6 address");
    }
    std::string error;
    if (!ResolveHost(t.text, opts, addr, &error))
    {
        return Fail(t, error, "a numeric IPv4 or IPv6 address");
    }
    if (allowPort && Peek().kind == SetkeyTokenKind::LBRACKET)
    {
        return ParsePort(port);
    }
    return true;
}

bool
SetkeyParser::ParseSameFamily(const IpsecAddress& src,
                              const IpsecAddress& dst,
                              const SetkeyToken& at)
{
    if (src.GetFamily() != dst.GetFamily())
    {
        // KAME's setkeymsg_*() skip pairs of different families and then fail
        // without a message; name the problem instead.
        return Fail(at, "Family mismatch", "source and destination of the same address family");
    }
    return true;
}

// range ::= STRING [ "/" DEC ] [ port ]
bool
SetkeyParser::ParseAddressRange(const SetkeyAddressOptions& opts,
                                IpsecAddress* addr,
                                uint8_t* prefix,
                                uint16_t* port)
{
    SetkeyToken t = Take();
    if (t.kind != SetkeyTokenKind::WORD || IsKeyword(t.text))
    {
        return SyntaxError(t, "an IPv4 or IPv6 address (optionally /prefix and [port])");
    }
    std::string error;
    if (!ResolveHost(t.text, opts, addr, &error))
    {
        return Fail(t, error, "a numeric IPv4 or IPv6 address");
    }
    if (!ParsePrefix(*addr, prefix))
    {
        return false;
    }
    *port = 0;
    if (Peek().kind == SetkeyTokenKind::LBRACKET)
    {
        return ParsePort(port);
    }
    return true;
}

// prefix ::= /*NOTHING*/ | "/" DEC
bool
SetkeyParser::ParsePrefix(const IpsecAddress& addr, uint8_t* prefix)
{
    *prefix = addr.GetBits();
    if (Peek().kind != SetkeyTokenKind::SLASH)
    {
        return true;
    }
    Take();
    SetkeyToken t = Take();
    if (t.kind != SetkeyTokenKind::DECIMAL)
    {
        return SyntaxError(t, "a prefix length after '/'");
    }
    // The kernel refuses a prefix longer than the address (EINVAL); keep such
    // values out of range instead of wrapping them into the 8-bit field.
    uint64_t v = ParseUnsigned(t.text);
    *prefix = v > 255 ? 255 : static_cast<uint8_t>(v);
    return true;
}

// port ::= "[" ( "any" | DEC | STRING ) "]"
bool
SetkeyParser::ParsePort(uint16_t* port)
{
    Take(); // '['
    SetkeyToken t = Take();
    const char* const expected = "a port: [any], [number] or [service name]";
    if (t.kind == SetkeyTokenKind::WORD && t.text == "any")
    {
        *port = 0;
    }
    else if (t.kind == SetkeyTokenKind::DECIMAL)
    {
        uint64_t v = ParseUnsigned(t.text);
        if (v > 65535)
        {
            return Fail(t, "servname not supported for ai_socktype", expected);
        }
        *port = static_cast<uint16_t>(v);
    }
    else if (t.kind == SetkeyTokenKind::WORD && !IsKeyword(t.text))
    {
        const NamedNumber* s
            = FindNamed(kServices, sizeof(kServices) / sizeof(kServices[0]), t.text);
        if (!s)
        {
            return Fail(t,
                        "servname not supported for ai_socktype (unknown service name; use "
                        "the port number)",
                        expected);
        }
        *port = s->number;
    }
    else
    {
        return SyntaxError(t, expected);
    }
    SetkeyToken close = Take();
    if (close.kind != SetkeyTokenKind::RBRACKET)
    {
        return SyntaxError(close, "']'");
    }
    return true;
}

// upper ::= DEC | "any" | STRING
bool
SetkeyParser::ParseUpperSpec(uint8_t* ulproto)
{
    SetkeyToken t = Take();
    const char* const expected
        = "an upper-layer protocol: any, a number or a name (tcp, udp, icmp, icmp6, gre, ...)";
    if (t.kind == SetkeyTokenKind::DECIMAL)
    {
        uint64_t v = ParseUnsigned(t.text);
        if (v > 255)
        {
            return Fail(t, "invalid upper layer protocol", "a protocol number from 0 to 255");
        }
        *ulproto = static_cast<uint8_t>(v);
        return true;
    }
    if (t.kind == SetkeyTokenKind::WORD && t.text == "any")
    {
        *ulproto = IPSEC_ULPROTO_ANY;
        return true;
    }
    if (t.kind != SetkeyTokenKind::WORD || IsKeyword(t.text))
    {
        return SyntaxError(t,
                           t.kind == SetkeyTokenKind::WORD
                               ? std::string(expected)
                                     + "; setkey keywords such as esp cannot be used here, write "
                                       "the number (e.g. 50)"
                               : std::string(expected));
    }
    const NamedNumber* p
        = FindNamed(kProtocols, sizeof(kProtocols) / sizeof(kProtocols[0]), t.text);
    if (!p)
    {
        return Fail(t, "invalid upper layer protocol", expected);
    }
    *ulproto = static_cast<uint8_t>(p->number);
    return true;
}

// misc ::= TYPE "," CODE   (one STRING token, e.g. 135,0)
bool
SetkeyParser::ParseUpperMiscSpec(IpsecSelector* sel)
{
    const SetkeyToken& peek = Peek();
    if (peek.kind != SetkeyTokenKind::WORD || IsKeyword(peek.text))
    {
        return true;
    }
    SetkeyToken t = Take();
    const char* const message = "invalid an upper layer protocol spec";
    if (sel->ulproto != 1 && sel->ulproto != 58 && sel->ulproto != 135)
    {
        return Fail(
            t, message, "-P (TYPE,CODE is only allowed after icmp, icmp6 or mobility-header)");
    }
    size_t comma = t.text.find(',');
    std::string type = t.text.substr(0, comma);
    std::string code = comma == std::string::npos ? "" : t.text.substr(comma + 1);
    if (!AllDigits(type) || !AllDigits(code) || ParseUnsigned(type) > 255
        || ParseUnsigned(code) > 255)
    {
        return Fail(t, message, "TYPE,CODE with two numbers from 0 to 255, e.g. 135,0");
    }
    // KAME encodes the type in the source port and the code in the destination port.
    sel->sport = static_cast<uint16_t>(ParseUnsigned(type));
    sel->dport = static_cast<uint16_t>(ParseUnsigned(code));
    return true;
}

// ctx ::= /*NOTHING*/ | "-ctx" DEC DEC QUOTED    (ipsec-tools, SELinux only)
bool
SetkeyParser::ParseContextSpec(SetkeySaSpec* ctx)
{
    if (!PeekIsOption("-ctx"))
    {
        return true;
    }
    Take();
    uint64_t doi = 0;
    uint64_t alg = 0;
    if (!ParseDecimal("the security context DOI", &doi)
        || !ParseDecimal("the security context algorithm", &alg))
    {
        return false;
    }
    SetkeyToken t = Take();
    if (t.kind != SetkeyTokenKind::QUOTED)
    {
        return SyntaxError(t, "the \"quoted\" security context");
    }
    ctx->hasContext = true;
    ctx->contextDoi = static_cast<uint8_t>(doi);
    ctx->contextAlg = static_cast<uint8_t>(alg);
    ctx->context = t.value;
    return true;
}

// policy ::= "-P" <policy string up to ';'>
bool
SetkeyParser::ParsePolicySpec(SetkeySpdSpec* spd)
{
    SetkeyToken opt = Take();
    if (!(opt.kind == SetkeyTokenKind::OPTION && opt.text == "-P"))
    {
        return SyntaxError(opt, "-P and a policy (e.g. -P out ipsec esp/transport//require)");
    }
    NS_ASSERT_MSG(!m_peek, "no token may be read ahead of a policy");
    SetkeyToken text = m_lexer.NextPolicy();
    if (text.kind == SetkeyTokenKind::INVALID)
    {
        return SyntaxError(text, "a policy (letters, digits, : . - _ / %)");
    }
    if (text.text.empty())
    {
        return SyntaxError(Peek(), "a policy after -P (e.g. out ipsec esp/transport//require)");
    }
    spd->policyText = text.text;
    IpsecPolicyParseError perr;
    if (!ParseIpsecPolicy(text.text, &spd->policy, &perr))
    {
        // setkey: yyerror(ipsec_strerror()) while yytext is the policy text.
        FailAt(m_lexer.GetLine(),
               Trim(text.text),
               perr.message,
               perr.expected
                   + (perr.token.empty() ? std::string(" at the end of the policy")
                                         : " at \"" + perr.token + "\""));
        if (!perr.diagnostic.empty())
        {
            m_error.notes.push_back(perr.diagnostic);
        }
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------------
// SA parameters
// ---------------------------------------------------------------------------

// proto ::= /*NOTHING*/ | esp | esp-old | ah | ah-old | ipcomp
//         | [IT] esp-udp [ addr ]      (RFC 3948 ESP in UDP; addr: the NAT-OA)
bool
SetkeyParser::ParseProtocolSpec(SetkeySaSpec* sa)
{
    const SetkeyToken& t = Peek();
    if (t.kind != SetkeyTokenKind::WORD)
    {
        return true;
    }
    if (t.text == "esp-udp")
    {
        // parse.y: satype ESP, SADB_X_EXT_OLD cleared, NAT-T type
        // UDP_ENCAP_ESPINUDP; an address right after it is the NAT-OA.
        Take();
        sa->proto = IpsecProto::ESP;
        sa->hasProto = true;
        sa->old = false;
        sa->flags &= ~IpsecSaFlags::OLD;
        sa->espUdp = true;
        const SetkeyToken& next = Peek();
        if (next.kind == SetkeyTokenKind::WORD && !IsKeyword(next.text))
        {
            SetkeyToken oa = Take();
            std::string error;
            if (!ResolveHost(oa.text, SetkeyAddressOptions(), &sa->natOa, &error))
            {
                return Fail(oa, error, "a numeric NAT-OA address after esp-udp, or an SPI");
            }
        }
        return true;
    }
    if (t.text == "esp" || t.text == "esp-old")
    {
        sa->proto = IpsecProto::ESP;
    }
    else if (t.text == "ah" || t.text == "ah-old")
    {
        sa->proto = IpsecProto::AH;
    }
    else if (t.text == "ipcomp")
    {
        sa->proto = IpsecProto::IPCOMP;
    }
    else
    {
        return true;
    }
    sa->hasProto = true;
    if (sa->proto != IpsecProto::IPCOMP)
    {
        sa->old = t.text.size() > 4 && t.text.compare(t.text.size() - 4, 4, "-old") == 0;
        if (sa->old)
        {
            sa->flags |= IpsecSaFlags::OLD;
        }
        else
        {
            sa->flags &= ~IpsecSaFlags::OLD;
        }
    }
    Take();
    return true;
}

// spi ::= DEC | HEX
bool
SetkeyParser::ParseSpi(SetkeySaSpec* sa)
{
    SetkeyToken t = Take();
    const char* const expected = "an SPI (decimal or 0x hex)";
    if (t.kind == SetkeyTokenKind::DECIMAL)
    {
        uint64_t v = ParseUnsigned(t.text);
        if (v > 0xffffffffULL)
        {
            return Fail(t, "SPI too big.", "an SPI of at most 32 bits");
        }
        sa->spi = static_cast<uint32_t>(v);
        return true;
    }
    if (t.kind == SetkeyTokenKind::HEX)
    {
        uint64_t v = 0;
        for (char c : t.value)
        {
            if (v > 0xffffffffULL)
            {
                break;
            }
            v = (v << 4) | HexNibble(c);
        }
        if (v > 0xffffffffULL)
        {
            return Fail(t, "SPI too big.", "an SPI of at most 32 bits");
        }
        sa->spi = static_cast<uint32_t>(v);
        return true;
    }
    if (t.kind == SetkeyTokenKind::WORD && t.text.size() > 1 && t.text[0] == '0'
        && (t.text[1] == 'x' || t.text[1] == 'X'))
    {
        return Fail(t, "invalid SPI", expected);
    }
    return SyntaxError(t, expected);
}

// {ext}
bool
SetkeyParser::ParseExtensions(SetkeySaSpec* sa)
{
    static const char* const kExtensionOptions[]
        = {"-m", "-r", "-u", "-f", "-lh", "-ls", "-bh", "-bs", "-ctx"};
    while (Peek().kind == SetkeyTokenKind::OPTION)
    {
        bool known = false;
        for (const char* o : kExtensionOptions)
        {
            known = known || Peek().text == o;
        }
        if (!known)
        {
            return true;
        }
        if (!ParseExtension(sa))
        {
            return false;
        }
    }
    return true;
}

bool
SetkeyParser::ParseDecimal(const char* what, uint64_t* value)
{
    SetkeyToken t = Take();
    if (t.kind != SetkeyTokenKind::DECIMAL)
    {
        return SyntaxError(t, what);
    }
    *value = ParseUnsigned(t.text);
    return true;
}

/*
 * ext ::= "-m" (transport|tunnel|any) | "-r" DEC | "-u" DEC
 *       | "-f" (zero-pad|random-pad|seq-pad|nocyclic-seq)
 *       | "-lh" DEC | "-ls" DEC | "-bh" DEC | "-bs" DEC | "-ctx" DEC DEC QUOTED
 */
bool
SetkeyParser::ParseExtension(SetkeySaSpec* sa)
{
    const std::string opt = Peek().text;
    if (opt == "-ctx")
    {
        return ParseContextSpec(sa);
    }
    Take();
    uint64_t v = 0;
    if (opt == "-m")
    {
        SetkeyToken t = Take();
        if (t.kind == SetkeyTokenKind::WORD && t.text == "transport")
        {
            sa->mode = IpsecMode::TRANSPORT;
        }
        else if (t.kind == SetkeyTokenKind::WORD && t.text == "tunnel")
        {
            sa->mode = IpsecMode::TUNNEL;
        }
        else if (t.kind == SetkeyTokenKind::WORD && t.text == "any")
        {
            sa->mode = IpsecMode::ANY;
        }
        else
        {
            return SyntaxError(t, "a mode after -m (transport, tunnel or any)");
        }
        return true;
    }
    if (opt == "-f")
    {
        SetkeyToken t = Take();
        if (t.kind == SetkeyTokenKind::WORD && t.text == "zero-pad")
        {
            sa->flags |= IpsecSaFlags::PZERO;
        }
        else if (t.kind == SetkeyTokenKind::WORD && t.text == "random-pad")
        {
            sa->flags |= IpsecSaFlags::PRAND;
        }
        else if (t.kind == SetkeyTokenKind::WORD && t.text == "seq-pad")
        {
            sa->flags |= IpsecSaFlags::PSEQ; // 0: cannot undo an earlier choice
        }
        else if (t.kind == SetkeyTokenKind::WORD && t.text == "nocyclic-seq")
        {
            sa->flags &= ~IpsecSaFlags::CYCSEQ;
        }
        else
        {
            return SyntaxError(t, "zero-pad, random-pad, seq-pad or nocyclic-seq after -f");
        }
        return true;
    }
    if (opt == "-r")
    {
        SetkeyToken t = Peek();
        if (!ParseDecimal("a replay window size (bytes) after -r", &v))
        {
            return false;
        }
        if (sa->old)
        {
            return Fail(
                t, "replay prevention cannot be used with ah/esp-old", "no -r with ah-old/esp-old");
        }
        sa->replay = v > 0xffffffffULL ? 0xffffffffU : static_cast<uint32_t>(v);
        return true;
    }
    if (opt == "-u")
    {
        if (!ParseDecimal("a reqid after -u", &v))
        {
            return false;
        }
        sa->reqid = static_cast<uint32_t>(v); // p_reqid is 32 bits
        return true;
    }
    if (!ParseDecimal("a number after the lifetime option", &v))
    {
        return false;
    }
    if (opt == "-lh")
    {
        sa->hardAddTime = v;
    }
    else if (opt == "-ls")
    {
        sa->softAddTime = v;
    }
    else if (opt == "-bh")
    {
        sa->hardBytes = v;
    }
    else
    {
        sa->softBytes = v;
    }
    return true;
}

// ---------------------------------------------------------------------------
// Algorithms and keys
// ---------------------------------------------------------------------------

// algspec ::= "-E" ealg [key] [ "-A" aalg [key] ] | "-A" aalg [key] | "-C" calg [ "-R" ]
bool
SetkeyParser::ParseAlgorithmSpec(SetkeySaSpec* sa, std::vector<SetkeyDiagnostic>* warnings)
{
    const std::string opt = Peek().text;
    if (opt == "-E")
    {
        if (!ParseEncAlgorithm(sa, warnings))
        {
            return false;
        }
        if (PeekIsOption("-A"))
        {
            return ParseAuthAlgorithm(sa);
        }
        return true;
    }
    if (opt == "-A")
    {
        return ParseAuthAlgorithm(sa);
    }
    return ParseCompAlgorithm(sa);
}

bool
SetkeyParser::ParseKeyString(const SetkeyToken& t, std::vector<uint8_t>* key)
{
    key->clear();
    if (t.kind == SetkeyTokenKind::QUOTED)
    {
        key->assign(t.value.begin(), t.value.end());
        return true;
    }
    // HEX: two digits a byte; an odd count gets a leading 0 nibble.
    const std::string& d = t.value;
    size_t i = 0;
    if (d.size() % 2)
    {
        key->push_back(HexNibble(d[0]));
        i = 1;
    }
    for (; i + 1 < d.size(); i += 2)
    {
        key->push_back(static_cast<uint8_t>((HexNibble(d[i]) << 4) | HexNibble(d[i + 1])));
    }
    return true;
}

bool
SetkeyParser::ParseOptionalKey(bool required, std::vector<uint8_t>* key, SetkeyToken* keyToken)
{
    const SetkeyToken& t = Peek();
    if (t.kind == SetkeyTokenKind::QUOTED || t.kind == SetkeyTokenKind::HEX)
    {
        *keyToken = Take();
        return ParseKeyString(*keyToken, key);
    }
    if (required)
    {
        return SyntaxError(t, kExpectKey);
    }
    key->clear();
    return true;
}

bool
SetkeyParser::ParseEncAlgorithm(SetkeySaSpec* sa, std::vector<SetkeyDiagnostic>* warnings)
{
    Take(); // -E
    SetkeyToken name = Take();
    if (name.kind != SetkeyTokenKind::WORD)
    {
        return SyntaxError(name, "an encryption algorithm after -E (e.g. 3des-cbc, rijndael-cbc)");
    }
    sa->encName = name.text;
    bool keyAllowed = true;
    bool keyRequired = true;
    if (name.text == "simple")
    {
        // obsolete alias of the null cipher, takes no key
        sa->enc = FindEncAlgorithm("null");
        keyAllowed = false;
        warnings->push_back({name.line, "WARNING: obsolete algorithm", name.text});
    }
    else if (name.text == "des-deriv" || name.text == "des-32iv")
    {
        sa->enc = FindEncAlgorithm("des-cbc");
        bool deriv = name.text == "des-deriv";
        if (sa->old == deriv)
        {
            return Fail(name,
                        "algorithm mismatched",
                        deriv ? "des-deriv only with esp" : "des-32iv only with esp-old");
        }
        sa->flags |= deriv ? IpsecSaFlags::DERIV : IpsecSaFlags::IV4B;
    }
    else
    {
        sa->enc = FindEncAlgorithm(name.text);
    }
    if (!sa->enc)
    {
        std::string known;
        for (const auto& a : IpsecEncAlgorithms())
        {
            known += (known.empty() ? "" : ", ") + std::string(a.name);
        }
        return Fail(name, "Not supported", "an encryption algorithm (" + known + ")");
    }
    if (sa->enc->kind == IpsecCipherKind::NONE_CIPHER)
    {
        keyRequired = false; // -E null with or without ""
    }
    SetkeyToken keyToken = name;
    sa->encKey.clear();
    if (keyAllowed && !ParseOptionalKey(keyRequired, &sa->encKey, &keyToken))
    {
        return false;
    }
    sa->hasEncKey = true; // an (empty for null) encryption-key extension is sent
    size_t bits = sa->encKey.size() * 8;
    if (bits < sa->enc->minKeyBits || bits > sa->enc->maxKeyBits)
    {
        return Fail(
            keyToken,
            KeyLengthMessage(CheckEncKey(*sa->enc, sa->encKey),
                             sa->enc->name,
                             sa->enc->minKeyBits,
                             sa->enc->maxKeyBits,
                             sa->enc->exactKeyBits,
                             bits),
            std::string("a key of ")
                + DescribeKeyBits(sa->enc->minKeyBits, sa->enc->maxKeyBits, sa->enc->exactKeyBits)
                + " for " + sa->enc->name);
    }
    return true;
}

bool
SetkeyParser::ParseAuthAlgorithm(SetkeySaSpec* sa)
{
    Take(); // -A
    SetkeyToken name = Take();
    if (name.kind != SetkeyTokenKind::WORD)
    {
        return SyntaxError(name, "an authentication algorithm after -A (e.g. hmac-sha1)");
    }
    sa->authName = name.text;
    sa->auth = FindAuthAlgorithm(name.text);
    if (!sa->auth)
    {
        std::string known;
        for (const auto& a : IpsecAuthAlgorithms())
        {
            known += (known.empty() ? "" : ", ") + std::string(a.name);
        }
        return Fail(name, "Not supported", "an authentication algorithm (" + known + ")");
    }
    bool keyRequired = sa->auth->kind != IpsecAuthKind::NONE_AUTH;
    SetkeyToken keyToken = name;
    if (!ParseOptionalKey(keyRequired, &sa->authKey, &keyToken))
    {
        return false;
    }
    sa->hasAuthKey
        = keyToken.kind == SetkeyTokenKind::QUOTED || keyToken.kind == SetkeyTokenKind::HEX;
    size_t bits = sa->authKey.size() * 8;
    if (bits < sa->auth->minKeyBits || bits > sa->auth->maxKeyBits)
    {
        return Fail(keyToken,
                    KeyLengthMessage(CheckAuthKey(*sa->auth, sa->authKey),
                                     sa->auth->name,
                                     sa->auth->minKeyBits,
                                     sa->auth->maxKeyBits,
                                     {},
                                     bits),
                    std::string("a key of ")
                        + DescribeKeyBits(sa->auth->minKeyBits, sa->auth->maxKeyBits, {}) + " for "
                        + sa->auth->name);
    }
    return true;
}

bool
SetkeyParser::ParseCompAlgorithm(SetkeySaSpec* sa)
{
    Take(); // -C
    SetkeyToken name = Take();
    if (name.kind != SetkeyTokenKind::WORD)
    {
        return SyntaxError(name, "a compression algorithm after -C (deflate)");
    }
    sa->compName = name.text;
    sa->comp = FindCompAlgorithm(name.text);
    if (!sa->comp)
    {
        return Fail(name, "Not supported", "a compression algorithm (deflate, oui, lzs)");
    }
    if (PeekIsOption("-R"))
    {
        Take();
        sa->flags |= IpsecSaFlags::RAWCPI;
    }
    return true;
}

} // namespace ns3
