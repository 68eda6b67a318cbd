/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * setkey -f for a simulated node: parses a script statement by statement and
 * sends each one to the node's key engine as soon as it is parsed, as the
 * PF_KEY message KAME's setkey builds (setkeymsg_* in setkey's parse.y),
 * with KAME setkey's semantics and messages.  "dump" and "spddump" read the
 * databases the way KHEAD's setkey does (the sysctl/kernfs path), so they
 * are never truncated.
 *
 *  - A client-side error (syntax, address, algorithm, key length, policy
 *    string) prints "line N: MESSAGE at [TOKEN]" and "parse failed, line N."
 *    and stops the run (KAME).  Statements before it have already taken
 *    effect: the result says so (aborted, statementsExecuted) and the caller
 *    decides what to do with the half-loaded node.  The ipsec-tools dialect
 *    instead drops only the failing statement, like "setkey -c".
 *  - A kernel-side error (an errno from IpsecSad/IpsecSpd) prints
 *    "The result of line N: TEXT." and the run continues.
 */
#ifndef SETKEY_H
#define SETKEY_H

#include "ipsec-key-engine.h"
#include "ipsec-sad.h"
#include "ipsec-spd.h"
#include "ns3/ptr.h"
#include "setkey-dump.h"
#include "setkey-parser.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * @defgroup ipsec-setkey setkey
 * @ingroup ipsec
 * setkey -f for a simulated node: the script language (lexer, parser), the
 * PF_KEY messages setkey sends, and the setkey -D / -DP dumps.
 */

/**
 * @ingroup ipsec-setkey
 * Which setkey the run behaves like.
 */
enum class SetkeyDialect : uint8_t
{
    KAME,        ///< setkey -f: the first client-side error aborts the run
    IPSEC_TOOLS, ///< setkey -c (ipsec-tools): a bad statement is dropped, the rest runs
};

/**
 * @ingroup ipsec-setkey
 * Options of a run.
 */
struct SetkeyOptions
{
    SetkeyDialect dialect{SetkeyDialect::KAME}; ///< which setkey
    /// setkey -n: parse and check everything, change nothing.
    bool parseOnly{false};
    /// How "dump" and "spddump" statements print (dates, pid, -a); their
    /// protocol filter comes from the statement.
    SetkeyDumpOptions dump;
};

/**
 * @ingroup ipsec-setkey
 * A client-side error, with the fields a caller needs to print it its own way.
 */
struct SetkeyError
{
    std::string fileName; ///< the script's name ("" for none)
    uint32_t line{0};     ///< the line of the error
    std::string token;    ///< what KAME prints in "at [...]"
    std::string message;  ///< setkey's text, e.g. "syntax error", "Invalid key length (...)"
    std::string expected; ///< what the parser expected there, e.g. "an SPI", "';'"
    bool fatal{false};    ///< token.l's "Syntax error" (unknown character)

    /**
     * The error as setkey prints it.
     * @return "FILE:N: MESSAGE at [TOKEN]" ("line N: ..." without a file name)
     */
    std::string ToString() const;
    /**
     * The error with what was expected.
     * @return ToString() plus " (expected EXPECTED)"
     */
    std::string Describe() const;
};

/**
 * @ingroup ipsec-setkey
 * A kernel-side error of one statement (sadb_msg_errno).
 */
struct SetkeyKernelError
{
    uint32_t line{0};                          ///< the statement's line (of its ';')
    SetkeyCommand command{SetkeyCommand::ADD}; ///< the statement
    int errnum{0};                             ///< the errno
    std::string text;   ///< as setkey prints it: strerror(), or "No entry" for ENOENT...
    std::string reason; ///< the model's explanation (KAME only logs it with ipseclog)
};

/**
 * @ingroup ipsec-setkey
 * What a run did.
 */
struct SetkeyResult
{
    /// Nothing failed: no client-side and no kernel-side error.
    bool ok{true};
    /// A client-side error stopped the run; statements before it did take effect.
    bool aborted{false};
    /// An exit/quit/bye statement ended the run.
    bool exited{false};
    uint32_t statementsParsed{0}; ///< statements parsed
    /// Statements handed to the SAD/SPD (successful or not).
    uint32_t statementsExecuted{0};
    /// Everything setkey would print, in order.
    std::vector<std::string> messages;
    /// The first client-side error (line 0 if none).
    SetkeyError error;
    /// All client-side errors (more than one only in the ipsec-tools dialect).
    std::vector<SetkeyError> errors;
    std::vector<SetkeyKernelError> kernelErrors; ///< the kernel-side errors, in order
    /// SAs returned by "get", in statement order.
    std::vector<Ptr<IpsecSa>> retrieved;

    /**
     * setkey's exit status.
     * @return 1 when the run was aborted by a parse error, else 0
     */
    int ExitStatus() const;
    /**
     * Whether the run left the node half-loaded.
     * @return true when it was aborted after some statements had already
     *         changed the node
     */
    bool PartiallyApplied() const;
};

/**
 * @ingroup ipsec-setkey
 * setkey for one node's key engine: parses a script statement by statement
 * and sends each one to the key engine as soon as it is parsed, as the
 * PF_KEY message KAME's setkey builds, with KAME setkey's semantics and
 * messages.
 */
class Setkey
{
  public:
    /**
     * Runs a setkey script through a key engine, on a PF_KEY socket of
     * process SetkeyOptions::dump.pid.
     * @param engine the node's key engine
     * @param text the script
     * @param fileName the script's name, only used in SetkeyError ("" for none)
     * @param opts the run's options
     * @return what the run did
     */
    static SetkeyResult Run(Ptr<IpsecKeyEngine> engine,
                            const std::string& text,
                            const std::string& fileName = "",
                            const SetkeyOptions& opts = SetkeyOptions());
    /**
     * Runs a setkey script on a standalone SAD and SPD (a node-less check, as
     * ipsec-setkey does): a key engine is made for the run.
     * @param sad the SAD
     * @param spd the SPD
     * @param text the script
     * @param fileName the script's name, only used in SetkeyError ("" for none)
     * @param opts the run's options
     * @return what the run did
     */
    static SetkeyResult Run(Ptr<IpsecSad> sad,
                            Ptr<IpsecSpd> spd,
                            const std::string& text,
                            const std::string& fileName = "",
                            const SetkeyOptions& opts = SetkeyOptions());

    /// The outcome of one statement on the "kernel".
    struct Outcome
    {
        int errnum{0};      ///< 0 or an errno
        std::string text;   ///< setkey's rendering of errnum ("" when 0)
        std::string reason; ///< the model's explanation
        /// What the statement prints when it succeeds (get, dump, spddump), one line each.
        std::vector<std::string> output;
    };

    /**
     * Applies one parsed statement.
     * @param engine the key engine
     * @param socket a PF_KEY socket of @p engine
     * @param st the statement
     * @param retrieved receives the SA a "get" found (may be nullptr)
     * @param dump how get/dump/spddump output is rendered
     * @return the statement's outcome
     */
    static Outcome Execute(Ptr<IpsecKeyEngine> engine,
                           Ptr<IpsecPfKeySocket> socket,
                           const SetkeyStatement& st,
                           std::vector<Ptr<IpsecSa>>* retrieved,
                           const SetkeyDumpOptions& dump = SetkeyDumpOptions());

    /**
     * How setkey renders a kernel errno (postproc()).
     * @param command the statement
     * @param errnum the errno
     * @return e.g. strerror()'s text, "No entry" for ENOENT
     */
    static std::string ErrorText(SetkeyCommand command, int errnum);

    /**
     * The PF_KEY message setkey sends for a statement (parse.y's setkeymsg_*).
     * @param st the statement
     * @param msg set to the message
     * @return false for the statements that send none (dump and spddump
     *         read the databases, exit)
     */
    static bool ToMessage(const SetkeyStatement& st, PfKeyMessage* msg);

  private:
    static Outcome Fail(SetkeyCommand command, int errnum, const std::string& reason);
    static Outcome ExecDump(Ptr<IpsecSad> sad,
                            const SetkeyStatement& st,
                            const SetkeyDumpOptions& dump);
    static Outcome ExecSpdDump(Ptr<IpsecSpd> spd,
                               const SetkeyStatement& st,
                               const SetkeyDumpOptions& dump);
    /// Prints the SA of a GET reply as pfkey_sadump does.
    static std::vector<std::string> PrintGetReply(Ptr<IpsecKeyEngine> engine,
                                                  const PfKeyMessage& reply,
                                                  const SetkeyDumpOptions& dump);
};

} // namespace ns3

#endif /* SETKEY_H */
