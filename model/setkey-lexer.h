/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The tokenizer of setkey's script language (KAME setkey/token.l, 2003,
 * plus the ipsec-tools additions).  Keywords are not classified here: the
 * parser decides from context, so the lexer only knows the lexical classes
 * of token.l (numbers, hex strings, quoted strings, words, options, the
 * punctuation of addresses) and the "policy mode" entered after -P.
 */
#ifndef SETKEY_LEXER_H
#define SETKEY_LEXER_H

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * @ingroup ipsec-setkey
 * Lexical classes of setkey's scanner.
 */
enum class SetkeyTokenKind : uint8_t
{
    END,       ///< end of the text
    WORD,      ///< STRING: [A-Za-z0-9:][A-Za-z0-9:%.-]* or [0-9,]+ (addresses, names, "135,0")
    DECIMAL,   ///< DECSTRING: [0-9]+
    HEX,       ///< HEXSTRING: 0x[0-9A-Fa-f]+
    QUOTED,    ///< QUOTEDSTRING: "..." (may span lines)
    OPTION,    ///< '-' followed by letters/digits: -E, -m, -lh, -4n, -P ...
    SLASH,     ///< '/' (prefix length)
    LBRACKET,  ///< '[' (port)
    RBRACKET,  ///< ']'
    SEMICOLON, ///< ';' (EOT, end of a statement)
    POLICY,    ///< the verbatim text after -P, up to (excluding) the next ';'
    INVALID,   ///< a character no rule accepts: token.l's fatal "Syntax error"
};

/**
 * @ingroup ipsec-setkey
 * One token with the line it starts on.
 */
struct SetkeyToken
{
    SetkeyTokenKind kind{SetkeyTokenKind::END}; ///< the lexical class
    /// The source text (QUOTED: with the quotes; HEX: with "0x").
    std::string text;
    /// QUOTED: the bytes between the quotes; HEX: the digits after "0x"; else as @c text.
    std::string value;
    uint32_t line{1}; ///< the line the token starts on

    /**
     * The token as KAME's yyerror() shows it.
     * @return what goes in "at [...]" (yytext)
     */
    std::string Display() const;
};

/**
 * @ingroup ipsec-setkey
 * Scans a setkey script.  Next() returns the tokens of the normal mode;
 * after the parser has consumed "-P" it calls NextPolicy() once to get the
 * policy text.  Comments (# to end of line) and white space are skipped;
 * newlines advance the line counter (also inside quoted strings and policy
 * text).
 */
class SetkeyLexer
{
  public:
    /**
     * A scanner at the start of a script.
     * @param text the script
     */
    explicit SetkeyLexer(const std::string& text);

    /**
     * The next token in normal mode.
     * @return the token (END at the end of the text)
     */
    SetkeyToken Next();
    /**
     * Policy mode: everything up to the next ';' (not consumed).  Comments
     * inside are dropped.
     * @return one POLICY token, or INVALID for a character outside the
     *         policy character set
     */
    SetkeyToken NextPolicy();
    /// Error recovery: skips everything up to and including the next ';'.
    void SkipPastSemicolon();
    /**
     * KAME's lineno.
     * @return the line of the current scan position
     */
    uint32_t GetLine() const;

  private:
    void SkipBlanksAndComments();
    SetkeyToken Make(SetkeyTokenKind kind, size_t begin, uint32_t line);
    SetkeyToken ScanQuoted(size_t begin, uint32_t line);
    SetkeyToken ScanOption(size_t begin, uint32_t line);
    SetkeyToken ScanWordOrNumber(size_t begin, uint32_t line);
    size_t MatchLength(bool (*first)(char), bool (*rest)(char), size_t at) const;

    std::string m_text;
    size_t m_pos;
    uint32_t m_line;
};

} // namespace ns3

#endif /* SETKEY_LEXER_H */
