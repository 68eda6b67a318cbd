/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "setkey-lexer.h"

#include "ns3/log.h"

#include <cctype>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SetkeyLexer");

namespace
{

bool
IsDigit(char c)
{
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

bool
IsHexDigit(char c)
{
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

bool
IsAlnum(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

/// First character of token.l's STRING: [A-Za-z0-9:]
bool
IsWordFirst(char c)
{
    return IsAlnum(c) || c == ':';
}

/// Following characters of STRING: [A-Za-z0-9:%.-]
bool
IsWordRest(char c)
{
    return IsAlnum(c) || c == ':' || c == '%' || c == '.' || c == '-';
}

/// The second STRING pattern: [0-9,]+
bool
IsDigitOrComma(char c)
{
    return IsDigit(c) || c == ',';
}

/// Characters token.l's policy mode accepts (KAME plus ipsec-tools' "+[]").
bool
IsPolicyChar(char c)
{
    return IsAlnum(c) || c == ':' || c == '.' || c == '-' || c == '_' || c == '/' || c == ' '
        || c == '\t' || c == '\n' || c == '\r' || c == '%' || c == '+' || c == '[' || c == ']';
}

} // namespace

std::string
SetkeyToken::Display() const
{
    // token.l strips the quotes of a QUOTEDSTRING in yytext itself.
    return kind == SetkeyTokenKind::QUOTED ? value : text;
}

SetkeyLexer::SetkeyLexer(const std::string& text)
    : m_text(text)
    , m_pos(0)
    , m_line(1)
{
}

uint32_t
SetkeyLexer::GetLine() const
{
    return m_line;
}

void
SetkeyLexer::SkipBlanksAndComments()
{
    while (m_pos < m_text.size())
    {
        char c = m_text[m_pos];
        if (c == '\n')
        {
            ++m_line;
            ++m_pos;
        }
        else if (c == ' ' || c == '\t' || c == '\r')
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

SetkeyToken
SetkeyLexer::Make(SetkeyTokenKind kind, size_t begin, uint32_t line)
{
    SetkeyToken t;
    t.kind = kind;
    t.text = m_text.substr(begin, m_pos - begin);
    t.value = t.text;
    t.line = line;
    return t;
}

size_t
SetkeyLexer::MatchLength(bool (*first)(char), bool (*rest)(char), size_t at) const
{
    if (at >= m_text.size() || !first(m_text[at]))
    {
        return 0;
    }
    size_t n = 1;
    while (at + n < m_text.size() && rest(m_text[at + n]))
    {
        ++n;
    }
    return n;
}

SetkeyToken
SetkeyLexer::Next()
{
    SkipBlanksAndComments();
    size_t begin = m_pos;
    uint32_t line = m_line;
    if (m_pos >= m_text.size())
    {
        return Make(SetkeyTokenKind::END, begin, line);
    }
    char c = m_text[m_pos];
    switch (c)
    {
        case ';':
            ++m_pos;
            return Make(SetkeyTokenKind::SEMICOLON, begin, line);
        case '/':
            ++m_pos;
            return Make(SetkeyTokenKind::SLASH, begin, line);
        case '[':
            ++m_pos;
            return Make(SetkeyTokenKind::LBRACKET, begin, line);
        case ']':
            ++m_pos;
            return Make(SetkeyTokenKind::RBRACKET, begin, line);
        case '"':
            return ScanQuoted(begin, line);
        case '-':
            return ScanOption(begin, line);
        default:
            break;
    }
    if (IsWordFirst(c) || c == ',')
    {
        return ScanWordOrNumber(begin, line);
    }
    ++m_pos;
    return Make(SetkeyTokenKind::INVALID, begin, line);
}

SetkeyToken
SetkeyLexer::ScanQuoted(size_t begin, uint32_t line)
{
    size_t close = m_text.find('"', begin + 1);
    if (close == std::string::npos)
    {
        // A lone '"' matches no rule of token.l.
        ++m_pos;
        return Make(SetkeyTokenKind::INVALID, begin, line);
    }
    for (size_t i = begin + 1; i < close; ++i)
    {
        if (m_text[i] == '\n')
        {
            ++m_line;
        }
    }
    m_pos = close + 1;
    SetkeyToken t = Make(SetkeyTokenKind::QUOTED, begin, line);
    t.value = m_text.substr(begin + 1, close - begin - 1);
    return t;
}

SetkeyToken
SetkeyLexer::ScanOption(size_t begin, uint32_t line)
{
    ++m_pos;
    if (m_pos >= m_text.size() || !IsAlnum(m_text[m_pos]))
    {
        // A lone '-' matches no rule of token.l.
        return Make(SetkeyTokenKind::INVALID, begin, line);
    }
    if (m_text[m_pos] == 'P')
    {
        // "-P" switches to policy mode at once, even without white space after it.
        ++m_pos;
        return Make(SetkeyTokenKind::OPTION, begin, line);
    }
    while (m_pos < m_text.size() && IsAlnum(m_text[m_pos]))
    {
        ++m_pos;
    }
    return Make(SetkeyTokenKind::OPTION, begin, line);
}

SetkeyToken
SetkeyLexer::ScanWordOrNumber(size_t begin, uint32_t line)
{
    // flex semantics: the longest match wins, ties go to the earlier rule
    // (decstring, hexstring, then the two STRING patterns).
    size_t dec = MatchLength(IsDigit, IsDigit, begin);
    size_t hex = 0;
    if (begin + 2 < m_text.size() && m_text[begin] == '0'
        && (m_text[begin + 1] == 'x' || m_text[begin + 1] == 'X') && IsHexDigit(m_text[begin + 2]))
    {
        hex = 2 + MatchLength(IsHexDigit, IsHexDigit, begin + 2);
    }
    size_t word = MatchLength(IsWordFirst, IsWordRest, begin);
    size_t list = MatchLength(IsDigitOrComma, IsDigitOrComma, begin);

    SetkeyTokenKind kind = SetkeyTokenKind::DECIMAL;
    size_t len = dec;
    if (hex > len)
    {
        kind = SetkeyTokenKind::HEX;
        len = hex;
    }
    if (word > len)
    {
        kind = SetkeyTokenKind::WORD;
        len = word;
    }
    if (list > len)
    {
        kind = SetkeyTokenKind::WORD;
        len = list;
    }
    m_pos = begin + len;
    SetkeyToken t = Make(kind, begin, line);
    if (kind == SetkeyTokenKind::HEX)
    {
        t.value = t.text.substr(2);
    }
    return t;
}

SetkeyToken
SetkeyLexer::NextPolicy()
{
    size_t begin = m_pos;
    uint32_t line = m_line;
    std::string policy;
    while (m_pos < m_text.size())
    {
        char c = m_text[m_pos];
        if (c == ';')
        {
            break;
        }
        if (c == '#')
        {
            while (m_pos < m_text.size() && m_text[m_pos] != '\n')
            {
                ++m_pos;
            }
            continue;
        }
        if (!IsPolicyChar(c))
        {
            size_t bad = m_pos++;
            SetkeyToken t = Make(SetkeyTokenKind::INVALID, bad, m_line);
            return t;
        }
        if (c == '\n')
        {
            ++m_line;
        }
        policy.push_back(c);
        ++m_pos;
    }
    SetkeyToken t;
    t.kind = SetkeyTokenKind::POLICY;
    t.text = policy;
    t.value = policy;
    t.line = line;
    NS_LOG_LOGIC("policy text from offset " << begin << ": \"" << policy << "\"");
    return t;
}

void
SetkeyLexer::SkipPastSemicolon()
{
    while (m_pos < m_text.size())
    {
        char c = m_text[m_pos++];
        if (c == ';')
        {
            return;
        }
        if (c == '\n')
        {
            ++m_line;
        }
        else if (c == '#')
        {
            while (m_pos < m_text.size() && m_text[m_pos] != '\n')
            {
                ++m_pos;
            }
        }
        else if (c == '"')
        {
            size_t close = m_text.find('"', m_pos);
            if (close == std::string::npos)
            {
                continue;
            }
            for (size_t i = m_pos; i < close; ++i)
            {
                if (m_text[i] == '\n')
                {
                    ++m_line;
                }
            }
            m_pos = close + 1;
        }
    }
}

} // namespace ns3
