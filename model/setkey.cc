/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "setkey.h"

#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <cerrno>
#include <cstring>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("Setkey");

namespace
{

/// NetBSD's strerror() texts for the errnos the SAD/SPD return (independent of the host libc).
std::string
NetbsdStrerror(int errnum)
{
    switch (errnum)
    {
        case EPERM:
            return "Operation not permitted";
        case ENOENT:
            return "No such file or directory";
        case ESRCH:
            return "No such process";
        case ENOMEM:
            return "Cannot allocate memory";
        case EACCES:
            return "Permission denied";
        case EEXIST:
            return "File exists";
        case EINVAL:
            return "Invalid argument";
        case ENOBUFS:
            return "No buffer space available";
        case EPROTONOSUPPORT:
            return "Protocol not supported";
        case EOPNOTSUPP:
            return "Operation not supported";
        case EAFNOSUPPORT:
            return "Address family not supported by protocol family";
        case EHOSTUNREACH:
            return "No route to host";
        default:
            return std::strerror(errnum);
    }
}

std::string
LinePrefix(const std::string& fileName, uint32_t line)
{
    if (fileName.empty())
    {
        return "line " + std::to_string(line);
    }
    return fileName + ":" + std::to_string(line);
}

/// @p text split at its newlines (a final newline ends the last line).
std::vector<std::string>
SplitLines(const std::string& text)
{
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size())
    {
        size_t nl = text.find('\n', start);
        if (nl == std::string::npos)
        {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

bool
IsSaCommand(SetkeyCommand c)
{
    return c == SetkeyCommand::ADD || c == SetkeyCommand::GET || c == SetkeyCommand::GETSPI
        || c == SetkeyCommand::DELETE || c == SetkeyCommand::DELETEALL;
}

} // namespace

std::string
SetkeyError::ToString() const
{
    return LinePrefix(fileName, line) + ": " + message + " at [" + token + "]";
}

std::string
SetkeyError::Describe() const
{
    std::string s = ToString();
    if (!expected.empty())
    {
        s += " (expected " + expected + ")";
    }
    return s;
}

int
SetkeyResult::ExitStatus() const
{
    return aborted ? 1 : 0;
}

bool
SetkeyResult::PartiallyApplied() const
{
    return aborted && statementsExecuted > 0;
}

std::string
Setkey::ErrorText(SetkeyCommand command, int errnum)
{
    if (errnum == ENOENT)
    {
        switch (command)
        {
            case SetkeyCommand::DELETE:
            case SetkeyCommand::GET:
            case SetkeyCommand::SPDDELETE:
                return "No entry";
            case SetkeyCommand::DUMP:
                return "No SAD entries";
            case SetkeyCommand::SPDDUMP:
                return "No SPD entries";
            default:
                break;
        }
    }
    return NetbsdStrerror(errnum);
}

Setkey::Outcome
Setkey::Fail(SetkeyCommand command, int errnum, const std::string& reason)
{
    Outcome o;
    o.errnum = errnum;
    o.text = ErrorText(command, errnum);
    o.reason = reason;
    return o;
}

IpsecSaParams
Setkey::ToSaParams(const SetkeySaSpec& sa)
{
    IpsecSaParams p;
    p.src = sa.src;
    p.dst = sa.dst;
    p.proto = sa.proto;
    p.spi = sa.spi;
    p.mode = sa.mode;
    p.reqid = sa.reqid;
    p.flags = sa.flags;
    p.replayWindow = static_cast<uint8_t>(sa.replay & 0xff); // sadb_sa_replay is 8 bits
    p.enc = sa.enc;
    // setkey never sends an encryption key for IPComp.
    p.hasEncKey = sa.hasEncKey && sa.proto != IpsecProto::IPCOMP;
    p.encKey = p.hasEncKey ? sa.encKey : std::vector<uint8_t>();
    p.auth = sa.auth;
    p.authKey = sa.authKey;
    p.comp = sa.comp;
    p.hardAddTime = sa.hardAddTime;
    p.softAddTime = sa.softAddTime;
    return p;
}

Ptr<IpsecPolicy>
Setkey::ToPolicy(const SetkeyStatement& st)
{
    auto policy = Create<IpsecPolicy>();
    policy->selector = st.spd.selector;
    policy->direction = st.spd.policy.direction;
    policy->action = st.spd.policy.action;
    if (policy->action == IpsecPolicyAction::IPSEC)
    {
        // key_msg2sp() keeps requests only for ipsec policies.
        policy->requests = st.spd.policy.requests;
    }
    policy->setkeyLine = st.firstLine;
    return policy;
}

Setkey::Outcome
Setkey::Execute(Ptr<IpsecSad> sad,
                Ptr<IpsecSpd> spd,
                const SetkeyStatement& st,
                std::vector<Ptr<IpsecSa>>* retrieved,
                const SetkeyDumpOptions& dump)
{
    NS_LOG_FUNCTION(SetkeyCommandName(st.command) << st.line);
    if (IsSaCommand(st.command) && !st.sa.hasProto)
    {
        // No protocol keyword: satype UNSPEC, which key_parse() refuses.
        return Fail(st.command, EINVAL, "no SA type (esp, ah, ipcomp) given");
    }
    switch (st.command)
    {
        case SetkeyCommand::ADD:
            return ExecAdd(sad, st);
        case SetkeyCommand::GET:
            return ExecGet(sad, st, retrieved);
        case SetkeyCommand::DELETE:
            return ExecDelete(sad, st);
        case SetkeyCommand::DELETEALL:
            return ExecDeleteAll(sad, st);
        case SetkeyCommand::FLUSH:
            return ExecFlush(sad, st);
        case SetkeyCommand::DUMP:
            return ExecDump(sad, st, dump);
        case SetkeyCommand::GETSPI:
        {
            // ipsec-tools: SPIRANGE min = max = spi when an SPI is given.
            uint32_t spi = 0;
            uint32_t lo = st.sa.spi;
            uint32_t hi = st.sa.spi;
            if (st.sa.spi == 0)
            {
                UintegerValue v;
                sad->GetAttribute("SpiMinValue", v);
                lo = v.Get();
                sad->GetAttribute("SpiMaxValue", v);
                hi = v.Get();
            }
            int rc = sad->GetSpi(
                st.sa.src, st.sa.dst, st.sa.proto, st.sa.mode, st.sa.reqid, lo, hi, &spi);
            return rc == 0 ? Outcome() : Fail(st.command, rc, "no free SPI in the range");
        }
        case SetkeyCommand::SPDADD:
            return ExecSpdAdd(spd, st);
        case SetkeyCommand::SPDUPDATE:
            return ExecSpdUpdate(spd, st);
        case SetkeyCommand::SPDDELETE:
            return ExecSpdDelete(spd, st);
        case SetkeyCommand::SPDFLUSH:
            spd->Flush();
            return Outcome();
        case SetkeyCommand::SPDDUMP:
            return ExecSpdDump(spd, st, dump);
        case SetkeyCommand::EXIT:
            return Outcome();
    }
    return Outcome();
}

Setkey::Outcome
Setkey::ExecAdd(Ptr<IpsecSad> sad, const SetkeyStatement& st)
{
    if (st.sa.hardBytes != 0 || st.sa.softBytes != 0)
    {
        return Fail(st.command, EINVAL, "we no longer support byte lifetime");
    }
    std::string why;
    int rc = sad->Add(ToSaParams(st.sa), &why);
    if (rc != 0)
    {
        return Fail(st.command, rc, why);
    }
    return Outcome();
}

Setkey::Outcome
Setkey::ExecGet(Ptr<IpsecSad> sad, const SetkeyStatement& st, std::vector<Ptr<IpsecSa>>* retrieved)
{
    Ptr<IpsecSa> sa = sad->Get(st.sa.src, st.sa.dst, st.sa.proto, st.sa.spi);
    if (!sa)
    {
        return Fail(st.command, ENOENT, "no such SA");
    }
    if (retrieved)
    {
        retrieved->push_back(sa);
    }
    return Outcome();
}

Setkey::Outcome
Setkey::ExecDelete(Ptr<IpsecSad> sad, const SetkeyStatement& st)
{
    int rc = sad->Delete(st.sa.src, st.sa.dst, st.sa.proto, st.sa.spi);
    if (rc != 0)
    {
        return Fail(st.command, rc, "no such SA");
    }
    return Outcome();
}

Setkey::Outcome
Setkey::ExecDeleteAll(Ptr<IpsecSad> sad, const SetkeyStatement& st)
{
    // key_delete_all(): every mature and dying SA of every matching head; larval
    // SAs and the heads stay; success even when nothing matched.
    std::vector<uint32_t> spis;
    for (const auto& head : sad->GetHeads())
    {
        if (head->proto != st.sa.proto || head->src != st.sa.src || head->dst != st.sa.dst)
        {
            continue;
        }
        for (auto state : {IpsecSaState::MATURE, IpsecSaState::DYING})
        {
            for (const auto& sa : head->sas[static_cast<int>(state)])
            {
                spis.push_back(sa->params.spi);
            }
        }
    }
    for (uint32_t spi : spis)
    {
        sad->Delete(st.sa.src, st.sa.dst, st.sa.proto, spi);
    }
    return Outcome();
}

Setkey::Outcome
Setkey::ExecFlush(Ptr<IpsecSad> sad, const SetkeyStatement& st)
{
    sad->Flush(!st.sa.hasProto, st.sa.proto);
    return Outcome();
}

Setkey::Outcome
Setkey::ExecDump(Ptr<IpsecSad> sad, const SetkeyStatement& st, const SetkeyDumpOptions& dump)
{
    uint32_t n = 0;
    for (const auto& head : sad->GetHeads())
    {
        if (st.sa.hasProto && head->proto != st.sa.proto)
        {
            continue;
        }
        for (const auto& list : head->sas)
        {
            n += list.size();
        }
    }
    if (n == 0)
    {
        return Fail(st.command, ENOENT, "SAD empty");
    }
    SetkeyDumpOptions opts = dump;
    if (st.sa.hasProto)
    {
        opts.proto = st.sa.proto;
    }
    Outcome o;
    o.output = SplitLines(SetkeyDump::SadToString(sad, opts));
    return o;
}

Setkey::Outcome
Setkey::ExecSpdAdd(Ptr<IpsecSpd> spd, const SetkeyStatement& st)
{
    if (st.spd.tagged)
    {
        return Fail(st.command, EOPNOTSUPP, "tagged policies need pf, which the model lacks");
    }
    std::string why;
    int rc = spd->Add(ToPolicy(st), &why);
    if (rc != 0)
    {
        return Fail(st.command, rc, why);
    }
    return Outcome();
}

Setkey::Outcome
Setkey::ExecSpdUpdate(Ptr<IpsecSpd> spd, const SetkeyStatement& st)
{
    if (st.spd.tagged)
    {
        return Fail(st.command, EOPNOTSUPP, "tagged policies need pf, which the model lacks");
    }
    // key_spdadd(SADB_X_SPDUPDATE): the selector checks come first; then an
    // existing exact match is removed, and the new policy is appended at the
    // tail (even if it then fails validation).
    const IpsecSelector& sel = st.spd.selector;
    bool selectorOk = sel.src.GetFamily() == sel.dst.GetFamily() && sel.prefs <= sel.src.GetBits()
                   && sel.prefd <= sel.dst.GetBits();
    if (selectorOk)
    {
        spd->Delete(sel, st.spd.policy.direction);
    }
    std::string why;
    int rc = spd->Add(ToPolicy(st), &why);
    if (rc != 0)
    {
        return Fail(st.command, rc, why);
    }
    return Outcome();
}

Setkey::Outcome
Setkey::ExecSpdDelete(Ptr<IpsecSpd> spd, const SetkeyStatement& st)
{
    // Only the direction of the policy matters; not found is EINVAL in KAME.
    int rc = spd->Delete(st.spd.selector, st.spd.policy.direction);
    if (rc != 0)
    {
        return Fail(st.command, rc, "no such policy");
    }
    return Outcome();
}

Setkey::Outcome
Setkey::ExecSpdDump(Ptr<IpsecSpd> spd, const SetkeyStatement& st, const SetkeyDumpOptions& dump)
{
    if (spd->GetN() == 0)
    {
        return Fail(st.command, ENOENT, "SPD empty");
    }
    Outcome o;
    o.output = SplitLines(SetkeyDump::SpdToString(spd, dump));
    return o;
}

SetkeyResult
Setkey::Run(Ptr<IpsecSad> sad,
            Ptr<IpsecSpd> spd,
            const std::string& text,
            const std::string& fileName,
            const SetkeyOptions& opts)
{
    NS_LOG_FUNCTION(fileName << (opts.dialect == SetkeyDialect::KAME ? "kame" : "ipsec-tools")
                             << opts.parseOnly);
    SetkeyResult r;
    SetkeyParser parser(text);
    auto say = [&r](const std::string& line)
    {
        NS_LOG_INFO(line);
        r.messages.push_back(line);
    };
    while (true)
    {
        SetkeyStatement st;
        SetkeyParseError pe;
        SetkeyParser::Status status = parser.Next(&st, &pe);
        if (status == SetkeyParser::Status::END)
        {
            break;
        }
        if (status == SetkeyParser::Status::ERROR)
        {
            SetkeyError e;
            e.fileName = fileName;
            e.line = pe.line;
            e.token = pe.token;
            e.message = pe.message;
            e.expected = pe.expected;
            e.fatal = pe.fatal;
            for (const auto& note : pe.notes)
            {
                say(note);
            }
            say("line " + std::to_string(pe.line) + ": " + pe.message + " at [" + pe.token + "]");
            r.ok = false;
            if (r.errors.empty())
            {
                r.error = e;
            }
            r.errors.push_back(e);
            if (opts.dialect == SetkeyDialect::KAME || pe.fatal)
            {
                // token.l's yyfatal() exits without the "parse failed" line.
                if (!pe.fatal)
                {
                    say("parse failed, line " + std::to_string(parser.GetLine()) + ".");
                }
                r.aborted = true;
                break;
            }
            parser.Recover();
            continue;
        }
        ++r.statementsParsed;
        for (const auto& w : st.warnings)
        {
            say("line " + std::to_string(w.line) + ": " + w.message + " at [" + w.token + "]");
        }
        if (st.command == SetkeyCommand::EXIT)
        {
            r.exited = true;
            break;
        }
        if (opts.parseOnly)
        {
            continue;
        }
        Outcome o = Execute(sad, spd, st, &r.retrieved, opts.dump);
        ++r.statementsExecuted;
        for (const auto& line : o.output)
        {
            say(line);
        }
        if (o.errnum != 0)
        {
            r.ok = false;
            SetkeyKernelError k;
            k.line = st.line;
            k.command = st.command;
            k.errnum = o.errnum;
            k.text = o.text;
            k.reason = o.reason;
            r.kernelErrors.push_back(k);
            NS_LOG_LOGIC("line " << st.line << ": " << o.reason);
            say("The result of line " + std::to_string(st.line) + ": " + o.text + ".");
        }
    }
    return r;
}

} // namespace ns3
