/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A recursive-descent parser for setkey's script language: the KAME-2003
 * grammar (setkey/parse.y 1.81) with the ipsec-tools additions (getspi,
 * spdupdate, exit/quit/bye, -bh/-bs, -ctx, ports after SA addresses).  It
 * produces one SetkeyStatement per command and performs setkey's
 * client-side checks (address syntax, algorithm names, key lengths, SPI
 * range, policy strings), reporting them with setkey's texts.  It never
 * touches the SAD or SPD: see Setkey for that.
 */
#ifndef SETKEY_PARSER_H
#define SETKEY_PARSER_H

#include "ipsec-address.h"
#include "ipsec-algorithms.h"
#include "ipsec-policy-parser.h"
#include "ipsec-policy.h"
#include "ipsec-types.h"
#include "setkey-lexer.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-setkey
 * The setkey commands.
 */
enum class SetkeyCommand : uint8_t
{
    ADD,       ///< add: SADB_ADD
    GET,       ///< get: SADB_GET
    GETSPI,    ///< getspi: SADB_GETSPI (ipsec-tools)
    DELETE,    ///< delete: SADB_DELETE
    DELETEALL, ///< deleteall: SADB_DELETE without an SPI
    FLUSH,     ///< flush: SADB_FLUSH
    DUMP,      ///< dump: the SAD
    SPDADD,    ///< spdadd: SADB_X_SPDADD
    SPDUPDATE, ///< spdupdate: SADB_X_SPDUPDATE (ipsec-tools)
    SPDDELETE, ///< spddelete: SADB_X_SPDDELETE
    SPDFLUSH,  ///< spdflush: SADB_X_SPDFLUSH
    SPDDUMP,   ///< spddump: the SPD
    EXIT,      ///< exit, quit, bye (ipsec-tools)
};

/**
 * @ingroup ipsec-setkey
 * The keyword of a command.
 * @param c the command
 * @return "add", "spdadd", ...
 */
std::string SetkeyCommandName(SetkeyCommand c);

/**
 * @ingroup ipsec-setkey
 * The address options -4, -6 and -n (combinable: -4n).
 */
struct SetkeyAddressOptions
{
    uint8_t family{0};   ///< 0 any, 4 IPv4 only, 6 IPv6 only
    bool numeric{false}; ///< -n: numeric addresses only (no name lookup)
};

/**
 * @ingroup ipsec-setkey
 * A non-fatal message of the parser ("WARNING: mode is obsolete"), printed as KAME's yyerror().
 */
struct SetkeyDiagnostic
{
    uint32_t line{0};    ///< the line
    std::string message; ///< the message
    std::string token;   ///< what goes in "at [...]"
};

/**
 * @ingroup ipsec-setkey
 * The SA part of add, get, getspi, delete, deleteall, flush and dump: what
 * setkey puts into the SA, SA2, address, key and lifetime extensions.
 */
struct SetkeySaSpec
{
    IpsecAddress src;                  ///< source address
    IpsecAddress dst;                  ///< destination address
    uint16_t srcPort{0};               ///< [IT] "addr[port]" (NAT-T); KAME kernels ignore SA ports
    uint16_t dstPort{0};               ///< [IT] destination port, as srcPort
    bool hasProto{false};              ///< false: no protocol given, satype UNSPEC
    IpsecProto proto{IpsecProto::ESP}; ///< the protocol
    bool old{false};                   ///< esp-old / ah-old (sets SADB_X_EXT_OLD in flags)
    /// [IT] "esp-udp": ESP in UDP (RFC 3948); add and getspi send the NAT-T
    /// extensions (type UDP_ENCAP_ESPINUDP, ports from srcPort/dstPort or 4500).
    bool espUdp{false};
    /// [IT] "esp-udp ADDRESS": the NAT-OA, sent as SADB_X_EXT_NAT_T_OA (none: family NONE).
    IpsecAddress natOa;
    uint32_t spi{0};                      ///< the SPI
    IpsecMode mode{IpsecMode::ANY};       ///< -m
    uint32_t reqid{0};                    ///< -u
    uint32_t flags{IpsecSaFlags::CYCSEQ}; ///< sadb_sa_flags as setkey sends them
    uint32_t replay{0};                   ///< -r as written; the kernel field keeps the low 8 bits
    uint64_t hardAddTime{0};              ///< -lh
    uint64_t softAddTime{0};              ///< -ls
    uint64_t hardBytes{0};                ///< [IT] -bh
    uint64_t softBytes{0};                ///< [IT] -bs
    bool hasContext{false};               ///< [IT] -ctx DOI ALG "context"
    uint8_t contextDoi{0};                ///< [IT] -ctx: the DOI
    uint8_t contextAlg{0};                ///< [IT] -ctx: the algorithm
    std::string context;                  ///< [IT] -ctx: the context string

    /// -E: the row (nullptr when no -E was given).
    const IpsecEncAlgorithm* enc{nullptr};
    std::string encName;         ///< -E: the name as written (an alias, "simple", "des-deriv", ...)
    bool hasEncKey{false};       ///< an encryption-key extension is sent (also empty, for null)
    std::vector<uint8_t> encKey; ///< the encryption key
    /// -A: the row.
    const IpsecAuthAlgorithm* auth{nullptr};
    std::string authName;         ///< -A: the name as written
    bool hasAuthKey{false};       ///< an authentication-key extension is sent
    std::vector<uint8_t> authKey; ///< the authentication key
    /// -C: the row.
    const IpsecCompAlgorithm* comp{nullptr};
    std::string compName; ///< -C: the name as written
};

/**
 * @ingroup ipsec-setkey
 * The SPD part of spdadd, spdupdate and spddelete.
 */
struct SetkeySpdSpec
{
    bool tagged{false}; ///< "spdadd tagged "name" policy" form
    std::string tag;    ///< the tag of that form
    /// Addresses, prefixes (full length when not written), ports and upper protocol.
    IpsecSelector selector;
    /// The text after -P, verbatim, and what ipsec_set_policy() made of it.
    std::string policyText;
    IpsecPolicySpec policy; ///< what ipsec_set_policy() made of policyText
};

/**
 * @ingroup ipsec-setkey
 * One parsed command.
 */
struct SetkeyStatement
{
    SetkeyCommand command{SetkeyCommand::EXIT}; ///< the command
    /// Line of the terminating ';' (KAME's lineno when the command is sent: "The result of line
    /// N").
    uint32_t line{0};
    /// Line of the command keyword.
    uint32_t firstLine{0};
    SetkeyAddressOptions addressOptions; ///< -4, -6, -n
    SetkeySaSpec sa;                     ///< the SA part (SA commands)
    SetkeySpdSpec spd;                   ///< the SPD part (SPD commands)
    /// Warnings the parser printed for this statement, in order.
    std::vector<SetkeyDiagnostic> warnings;
};

/**
 * @ingroup ipsec-setkey
 * A client-side error: setkey prints "line N: MESSAGE at [TOKEN]".
 */
struct SetkeyParseError
{
    uint32_t line{0};     ///< the line
    std::string token;    ///< KAME's yytext ("" at the end of the text)
    std::string message;  ///< "syntax error", "Invalid key length (...)", "Not supported", ...
    std::string expected; ///< what the grammar expected there, in words ("an SPI", "';'")
    /// Lines printed before the error line (libipsec's `libipsec: ... while parsing "x"`).
    std::vector<std::string> notes;
    /// token.l's fatal "Syntax error" (unknown character): KAME exits at once.
    bool fatal{false};
};

/**
 * @ingroup ipsec-setkey
 * Parses a script one statement at a time, so that a caller can execute each
 * statement before the next one is parsed (as setkey does).
 */
class SetkeyParser
{
  public:
    /// What Next found.
    enum class Status : uint8_t
    {
        STATEMENT, ///< the statement was filled
        END,       ///< no statement left
        ERROR,     ///< the error was filled
    };

    /**
     * A parser at the start of a script.
     * @param text the script
     */
    explicit SetkeyParser(const std::string& text);

    /**
     * Parses the next statement.
     * @param statement filled on STATEMENT
     * @param error filled on ERROR
     * @return STATEMENT, END or ERROR
     */
    Status Next(SetkeyStatement* statement, SetkeyParseError* error);
    /**
     * Error recovery (ipsec-tools' line mode): drops the rest of the failed
     * statement, up to and including its ';'.
     */
    void Recover();
    /**
     * KAME's lineno.
     * @return the line the scanner is on
     */
    uint32_t GetLine() const;

    /**
     * Parses a whole script; stops at the first error.
     * @param text the script
     * @param statements the statements parsed
     * @param error filled on failure
     * @return true when the whole script parsed
     */
    static bool ParseAll(const std::string& text,
                         std::vector<SetkeyStatement>* statements,
                         SetkeyParseError* error);

  private:
    // token access
    const SetkeyToken& Peek();
    SetkeyToken Take();
    bool PeekIsOption(const char* option);
    bool PeekIsWord(const char* word);
    bool SyntaxError(const SetkeyToken& at, const std::string& expected);
    bool Fail(const SetkeyToken& at, const std::string& message, const std::string& expected);
    bool FailAt(uint32_t line,
                const std::string& token,
                const std::string& message,
                const std::string& expected);

    // grammar rules (parse.y), one function each
    bool ParseStatement(SetkeyStatement* st);
    bool ParseSaIndex(SetkeyStatement* st);
    bool ParseAddCommand(SetkeyStatement* st);
    bool ParseSaCommand(SetkeyStatement* st);
    bool ParseDeleteAllCommand(SetkeyStatement* st);
    bool ParseFlushDumpCommand(SetkeyStatement* st);
    bool ParseSpdCommand(SetkeyStatement* st);
    bool ParseBareCommand(SetkeyStatement* st);
    bool ParseAddressOptions(SetkeyAddressOptions* opts);
    bool ParseSaAddress(const SetkeyAddressOptions& opts,
                        bool allowPort,
                        IpsecAddress* addr,
                        uint16_t* port);
    bool ParseSameFamily(const IpsecAddress& src, const IpsecAddress& dst, const SetkeyToken& at);
    bool ParseProtocolSpec(SetkeySaSpec* sa);
    bool ParseSpi(SetkeySaSpec* sa);
    bool ParseExtensions(SetkeySaSpec* sa);
    bool ParseExtension(SetkeySaSpec* sa);
    bool ParseAlgorithmSpec(SetkeySaSpec* sa, std::vector<SetkeyDiagnostic>* warnings);
    bool ParseEncAlgorithm(SetkeySaSpec* sa, std::vector<SetkeyDiagnostic>* warnings);
    bool ParseAuthAlgorithm(SetkeySaSpec* sa);
    bool ParseCompAlgorithm(SetkeySaSpec* sa);
    bool ParseOptionalKey(bool required, std::vector<uint8_t>* key, SetkeyToken* keyToken);
    bool ParseKeyString(const SetkeyToken& t, std::vector<uint8_t>* key);
    bool ParseAddressRange(const SetkeyAddressOptions& opts,
                           IpsecAddress* addr,
                           uint8_t* prefix,
                           uint16_t* port);
    bool ParsePrefix(const IpsecAddress& addr, uint8_t* prefix);
    bool ParsePort(uint16_t* port);
    bool ParseUpperSpec(uint8_t* ulproto);
    bool ParseUpperMiscSpec(IpsecSelector* sel);
    bool ParseContextSpec(SetkeySaSpec* ctx);
    bool ParsePolicySpec(SetkeySpdSpec* spd);
    bool ParseDecimal(const char* what, uint64_t* value);
    bool ParseEndOfStatement(SetkeyStatement* st, const std::string& expected);

    SetkeyLexer m_lexer;
    std::optional<SetkeyToken> m_peek;
    bool m_lastWasSemicolon;
    SetkeyParseError m_error;
};

} // namespace ns3

#endif /* SETKEY_PARSER_H */
