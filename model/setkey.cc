/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "setkey.h"

#include "ns3/log.h"
#include "ns3/nstime.h"
#include "ns3/uinteger.h"

#include <cerrno>
#include <cstring>
#include <sstream>

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

namespace
{

PfKeyAddress
SaAddress(const IpsecAddress& a, uint16_t port)
{
    PfKeyAddress x;
    x.addr = a;
    x.prefixlen = a.GetBits();
    x.proto = IPSEC_ULPROTO_ANY;
    x.port = port;
    return x;
}

/// The SA, X_SA2 and address extensions of an SA statement.
void
SaIndex(const SetkeySaSpec& sa, bool withSa, PfKeyMessage* m)
{
    if (withSa)
    {
        PfKeySa x;
        x.spi = sa.spi;
        m->sa = x;
    }
    PfKeySa2 sa2;
    sa2.mode = static_cast<uint8_t>(sa.mode);
    sa2.reqid = sa.reqid;
    m->sa2 = sa2;
    m->src = SaAddress(sa.src, sa.srcPort);
    m->dst = SaAddress(sa.dst, sa.dstPort);
}

/// setkeymsg_add()'s NAT-T extensions for "esp-udp" (ipsec-tools with
/// SADB_X_EXT_NAT_T_TYPE): the type, the NAT-OA when one was written, and the
/// two ports, each the address's "[port]" or 4500 when none (get_port()).
void
NattExtensions(const SetkeySaSpec& sa, PfKeyMessage* m)
{
    if (!sa.espUdp)
    {
        return;
    }
    m->nattType = static_cast<uint8_t>(IpsecSaParams::UDP_ENCAP_ESPINUDP);
    if (!(sa.natOa.GetFamily() == IpsecAddress::NONE))
    {
        m->nattOai = SaAddress(sa.natOa, 0);
    }
    m->nattSport = sa.srcPort != 0 ? sa.srcPort : IpsecSaParams::NATT_PORT;
    m->nattDport = sa.dstPort != 0 ? sa.dstPort : IpsecSaParams::NATT_PORT;
}

PfKeyLifetime
AddLifetime(uint64_t addtime, uint64_t bytes)
{
    PfKeyLifetime l;
    l.addtime = addtime;
    l.bytes = bytes;
    return l;
}

} // namespace

bool
Setkey::ToMessage(const SetkeyStatement& st, PfKeyMessage* m)
{
    const SetkeySaSpec& sa = st.sa;
    uint8_t satype = sa.hasProto ? PfKeySaTypeOf(sa.proto) : PfKeySaType::UNSPEC;
    switch (st.command)
    {
        case SetkeyCommand::ADD:
        {
            *m = PfKeyMessage(PfKeyType::ADD, satype);
            SaIndex(sa, true, m);
            m->sa->replay = static_cast<uint8_t>(sa.replay & 0xff); // sadb_sa_replay is 8 bits
            m->sa->flags = sa.flags;
            m->sa->auth = sa.auth ? sa.auth->sadbId : 0;
            m->sa->encrypt = sa.proto == IpsecProto::IPCOMP ? (sa.comp ? sa.comp->sadbId : 0)
                                                            : (sa.enc ? sa.enc->sadbId : 0);
            // setkey never sends an encryption key for IPComp.
            if (sa.hasEncKey && sa.proto != IpsecProto::IPCOMP)
            {
                m->encKey = PfKeyKey{static_cast<uint16_t>(sa.encKey.size() * 8), sa.encKey};
            }
            if (sa.auth && (sa.hasAuthKey || !sa.authKey.empty()))
            {
                m->authKey = PfKeyKey{static_cast<uint16_t>(sa.authKey.size() * 8), sa.authKey};
            }
            // A lifetime extension is only sent when its value is non-zero.
            if (sa.hardAddTime != 0 || sa.hardBytes != 0)
            {
                m->hard = AddLifetime(sa.hardAddTime, sa.hardBytes);
            }
            if (sa.softAddTime != 0 || sa.softBytes != 0)
            {
                m->soft = AddLifetime(sa.softAddTime, sa.softBytes);
            }
            NattExtensions(sa, m);
            return true;
        }
        case SetkeyCommand::GET:
        case SetkeyCommand::DELETE:
            *m = PfKeyMessage(st.command == SetkeyCommand::GET ? PfKeyType::GET : PfKeyType::DELETE,
                              satype);
            SaIndex(sa, true, m);
            return true;
        case SetkeyCommand::DELETEALL:
            *m = PfKeyMessage(PfKeyType::DELETE, satype);
            m->src = SaAddress(sa.src, 0);
            m->dst = SaAddress(sa.dst, 0);
            return true;
        case SetkeyCommand::GETSPI:
            *m = PfKeyMessage(PfKeyType::GETSPI, satype);
            SaIndex(sa, true, m);
            if (sa.spi != 0)
            {
                // ipsec-tools: SPIRANGE min = max = spi when an SPI is given.
                m->spirange = PfKeySpiRange{sa.spi, sa.spi};
            }
            NattExtensions(sa, m);
            return true;
        case SetkeyCommand::FLUSH:
            *m = PfKeyMessage(PfKeyType::FLUSH, satype);
            return true;
        case SetkeyCommand::SPDADD:
        case SetkeyCommand::SPDUPDATE:
        case SetkeyCommand::SPDDELETE:
        {
            PfKeyType type = st.command == SetkeyCommand::SPDADD    ? PfKeyType::X_SPDADD
                           : st.command == SetkeyCommand::SPDUPDATE ? PfKeyType::X_SPDUPDATE
                                                                    : PfKeyType::X_SPDDELETE;
            auto policy = Create<IpsecPolicy>();
            policy->selector = st.spd.selector;
            policy->direction = st.spd.policy.direction;
            policy->action = st.spd.policy.action;
            policy->requests = st.spd.policy.requests;
            *m = IpsecKeyEngine::PolicyMessage(type, *policy);
            m->reserved = 0;
            if (st.spd.tagged)
            {
                // setkeymsg_spdaddr_tag() without SADB_X_EXT_TAG, which
                // NetBSD's pfkeyv2.h lacks (its number is NAT-T's there):
                // the policy alone, no addresses, so the kernel says EINVAL.
                m->src.reset();
                m->dst.reset();
            }
            return true;
        }
        case SetkeyCommand::SPDFLUSH:
            *m = PfKeyMessage(PfKeyType::X_SPDFLUSH, PfKeySaType::UNSPEC);
            return true;
        case SetkeyCommand::DUMP:
        case SetkeyCommand::SPDDUMP:
        case SetkeyCommand::EXIT:
            return false;
    }
    return false;
}

std::vector<std::string>
Setkey::PrintGetReply(Ptr<IpsecKeyEngine> engine,
                      const PfKeyMessage& reply,
                      const SetkeyDumpOptions& dump)
{
    IpsecSaParams p;
    if (engine->ToSaParams(reply, &p, nullptr) != 0)
    {
        return {"setkey: invalid keymsg length"};
    }
    SetkeyDumpOptions opts = dump;
    int64_t created = reply.current ? static_cast<int64_t>(reply.current->addtime) : opts.epoch;
    IpsecSa sa(p, Seconds(created - opts.epoch));
    sa.state = static_cast<IpsecSaState>(reply.sa->state & 3);
    if (reply.current)
    {
        sa.allocations = reply.current->allocations;
        sa.bytes = reply.current->bytes;
        if (reply.current->usetime != 0)
        {
            sa.lastUsed = Seconds(static_cast<int64_t>(reply.current->usetime) - opts.epoch);
        }
    }
    sa.seqCounter = reply.sa2 ? reply.sa2->sequence : 0;
    sa.refcnt = std::max<uint32_t>(1, reply.reserved);
    std::ostringstream os;
    SetkeyDump::PrintSa(os, sa, 0, opts);
    return SplitLines(os.str());
}

Setkey::Outcome
Setkey::Execute(Ptr<IpsecKeyEngine> engine,
                Ptr<IpsecPfKeySocket> socket,
                const SetkeyStatement& st,
                std::vector<Ptr<IpsecSa>>* retrieved,
                const SetkeyDumpOptions& dump)
{
    NS_LOG_FUNCTION(SetkeyCommandName(st.command) << st.line);
    if (st.command == SetkeyCommand::DUMP)
    {
        return ExecDump(engine->GetSad(), st, dump);
    }
    if (st.command == SetkeyCommand::SPDDUMP)
    {
        return ExecSpdDump(engine->GetSpd(), st, dump);
    }
    PfKeyMessage msg;
    if (!ToMessage(st, &msg))
    {
        return Outcome();
    }
    msg.seq = 0;
    int rc = socket->Send(msg);
    std::string reason = engine->GetLastReason();
    // setkey reads its reply (and whatever else was broadcast meanwhile).
    Outcome o;
    PfKeyMessage reply;
    while (socket->GetRxAvailable() > 0)
    {
        if (!socket->Recv(&reply))
        {
            continue;
        }
        if (rc == 0
            && (reply.GetType() == PfKeyType::X_SPDADD || reply.GetType() == PfKeyType::X_SPDUPDATE)
            && reply.policy && reply.pid == socket->GetPid())
        {
            // Not part of PF_KEY: the model remembers which line added a
            // policy, for the PolicyMatch log and the lint.
            if (Ptr<IpsecPolicy> added = engine->GetSpd()->GetById(reply.policy->id))
            {
                added->setkeyLine = st.firstLine;
            }
        }
        if (rc == 0 && st.command == SetkeyCommand::GET && reply.GetType() == PfKeyType::GET
            && reply.errnum == 0 && reply.sa)
        {
            o.output = PrintGetReply(engine, reply, dump);
            if (retrieved)
            {
                IpsecProto proto = IpsecProto::ESP;
                PfKeyProtoOf(reply.satype, &proto);
                Ptr<IpsecSa> live
                    = engine->GetSad()->Get(st.sa.src, st.sa.dst, proto, reply.sa->spi);
                if (live)
                {
                    retrieved->push_back(live);
                }
            }
        }
    }
    if (rc != 0)
    {
        if (!st.sa.hasProto && IsSaCommand(st.command))
        {
            reason = "no SA type (esp, ah, ipcomp) given";
        }
        return Fail(st.command, rc, reason);
    }
    return o;
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
    auto engine = CreateObject<IpsecKeyEngine>();
    engine->SetDatabases(sad, spd, false);
    SetkeyResult r = Run(engine, text, fileName, opts);
    engine->Dispose();
    return r;
}

SetkeyResult
Setkey::Run(Ptr<IpsecKeyEngine> engine,
            const std::string& text,
            const std::string& fileName,
            const SetkeyOptions& opts)
{
    Ptr<IpsecPfKeySocket> socket = opts.parseOnly ? nullptr : engine->Open(opts.dump.pid);
    NS_LOG_FUNCTION(fileName << (opts.dialect == SetkeyDialect::KAME ? "kame" : "ipsec-tools")
                             << opts.parseOnly);
    SetkeyResult r;
    SetkeyParser parser(text);
    auto say = [&r](const std::string& line)
    {
        NS_LOG_INFO(line);
        r.messages.push_back(line);
    };
    if (!opts.parseOnly && !socket)
    {
        // setkey's pfkey_open failed (the key engine counted sockerr).
        r.ok = false;
        say("pfkey_open: No buffer space available");
        return r;
    }
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
        Outcome o = Execute(engine, socket, st, &r.retrieved, opts.dump);
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
    if (socket)
    {
        socket->Close();
    }
    return r;
}

} // namespace ns3
