/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "setkey-dump.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SetkeyDump");

namespace
{

/// "%u(0x%08x)", as pfkey_sadump prints spi and reqid.
std::string
DecHex(uint32_t v)
{
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%u(0x%08x)", v, v);
    return buf;
}

std::string
Hex8(uint32_t v)
{
    char buf[16];
    std::snprintf(buf, sizeof(buf), "0x%08x", v);
    return buf;
}

/// The states in the order key_dump() walks them.
const IpsecSaState kDumpStates[] = {
    IpsecSaState::MATURE,
    IpsecSaState::DYING,
    IpsecSaState::LARVAL,
    IpsecSaState::DEAD,
};

bool
HeadSelected(const IpsecSaHead& head, const SetkeyDumpOptions& opts)
{
    return !opts.proto || head.proto == *opts.proto;
}

/// Did @p sa carry outbound traffic (so the policy request holds a reference)?
bool
UsedOutbound(const IpsecSa& sa, const SetkeyDumpOptions& opts)
{
    if (sa.allocations == 0)
    {
        return false;
    }
    if (!opts.localAddresses.empty())
    {
        return opts.localAddresses.count(sa.params.src) > 0;
    }
    return sa.seqCounter > 0;
}

} // namespace

int64_t
SetkeyDump::WallClock(Time t, const SetkeyDumpOptions& opts)
{
    int64_t ns = t.GetNanoSeconds();
    int64_t s = ns / 1000000000;
    if (ns < 0 && ns % 1000000000 != 0)
    {
        --s; // floor
    }
    return opts.epoch + s;
}

std::string
SetkeyDump::FormatDate(int64_t wallSeconds)
{
    if (wallSeconds == 0)
    {
        return std::string(20, ' ');
    }
    static const char* const kMonths[]
        = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t t = static_cast<std::time_t>(wallSeconds);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr)
    {
        return std::string(20, '?');
    }
    // ctime(): "Www Mmm dd hh:mm:ss yyyy\n" with %3d day; characters 4..23.
    char buf[64];
    std::snprintf(buf,
                  sizeof(buf),
                  "%s %2d %02d:%02d:%02d %d",
                  kMonths[tm.tm_mon],
                  tm.tm_mday,
                  tm.tm_hour,
                  tm.tm_min,
                  tm.tm_sec,
                  tm.tm_year + 1900);
    return buf;
}

std::string
SetkeyDump::HexKey(const std::vector<uint8_t>& key)
{
    std::string s;
    s.reserve(key.size() * 2 + key.size() / 4 + key.size() / 32 + 2);
    static const char* const kDigits = "0123456789abcdef";
    for (size_t i = 0; i < key.size(); ++i)
    {
        if (i != 0 && i % 32 == 0)
        {
            s += '\n';
        }
        if (i % 4 == 0)
        {
            s += ' ';
        }
        s += kDigits[key[i] >> 4];
        s += kDigits[key[i] & 0xf];
    }
    return s;
}

std::string
SetkeyDump::EncAlgorithmName(uint8_t sadbId)
{
    // libipsec pfkey_dump.c str_alg_enc (KAME names; rijndael-cbc, not aes-cbc).
    switch (sadbId)
    {
        case 0:
            return "none";
        case 2:
            return "des-cbc";
        case 3:
            return "3des-cbc";
        case 6:
            return "cast128-cbc";
        case 7:
            return "blowfish-cbc";
        case 11:
            return "null";
        case 12:
            return "rijndael-cbc";
        case 249:
            return "aes-ctr";
        case 253:
            return "twofish-cbc";
        default:
            break;
    }
    // Algorithms beyond KAME (aes-gcm-16, chacha20-poly1305): the model's name,
    // as ipsec-tools prints them.
    if (const IpsecEncAlgorithm* alg = FindEncAlgorithmById(sadbId))
    {
        return alg->name;
    }
    return std::to_string(sadbId);
}

std::string
SetkeyDump::AuthAlgorithmName(uint8_t sadbId)
{
    // libipsec str_alg_auth: keyed-md5 / keyed-sha1 print as md5 / sha.
    switch (sadbId)
    {
        case 0:
            return "none";
        case 2:
            return "hmac-md5";
        case 3:
            return "hmac-sha1";
        case 5:
            return "hmac-sha2-256";
        case 6:
            return "hmac-sha2-384";
        case 7:
            return "hmac-sha2-512";
        case 8:
            return "hmac-ripemd160";
        case 9:
            return "aes-xcbc-mac";
        case 249:
            return "md5";
        case 250:
            return "sha";
        case 251:
            return "null";
        default:
            break;
    }
    if (const IpsecAuthAlgorithm* alg = FindAuthAlgorithmById(sadbId))
    {
        return alg->name;
    }
    return std::to_string(sadbId);
}

std::string
SetkeyDump::CompAlgorithmName(uint8_t sadbId)
{
    switch (sadbId)
    {
        case 0:
            return "none";
        case 1:
            return "oui";
        case 2:
            return "deflate";
        case 3:
            return "lzs";
        default:
            return std::to_string(sadbId);
    }
}

void
SetkeyDump::PrintSa(std::ostream& os,
                    const IpsecSa& sa,
                    uint32_t sadbSeq,
                    const SetkeyDumpOptions& opts)
{
    const IpsecSaParams& p = sa.params;
    // L1, L2.  A NAT-T SA (ipsec-tools' pfkey_sadump1 with
    // SADB_X_EXT_NAT_T_TYPE non-zero): "[port]" after each address, the
    // protocol printed as "esp-udp" ("natt+" before any other protocol), and
    // "NAT OA=" after L2 when the dump carries the original address.
    bool natt = p.nattType != 0;
    os << p.src;
    if (natt)
    {
        os << "[" << p.nattSport << "]";
    }
    os << " " << p.dst;
    if (natt)
    {
        os << "[" << p.nattDport << "]";
    }
    os << " \n\t";
    if (natt && p.proto == IpsecProto::ESP)
    {
        os << "esp-udp";
    }
    else
    {
        os << (natt ? "natt+" : "") << IpsecProtoName(p.proto);
    }
    os << " mode=" << IpsecModeName(p.mode) << " spi=" << DecHex(p.spi)
       << " reqid=" << DecHex(p.reqid) << "\n";
    if (natt && opts.natOa && p.nattOai.GetFamily() != IpsecAddress::NONE)
    {
        os << "\tNAT OA=" << p.nattOai << "\n";
    }
    // L3 / L3' and L4
    if (p.proto == IpsecProto::IPCOMP)
    {
        // No newline: the seq line follows on the same line.
        os << "\tC: " << CompAlgorithmName(p.comp ? p.comp->sadbId : 0) << " ";
    }
    else if (p.proto == IpsecProto::ESP && p.hasEncKey)
    {
        os << "\tE: " << EncAlgorithmName(p.enc ? p.enc->sadbId : 0) << " " << HexKey(p.encKey)
           << "\n";
    }
    if (p.auth && (p.auth->kind != IpsecAuthKind::NONE_AUTH || !p.authKey.empty()))
    {
        os << "\tA: " << AuthAlgorithmName(p.auth->sadbId) << " " << HexKey(p.authKey) << "\n";
    }
    // L5
    uint32_t seq = static_cast<uint32_t>(sa.seqCounter + sa.replay.GetCount());
    os << "\tseq=" << Hex8(seq) << " replay=" << static_cast<unsigned>(sa.replay.GetWindowBytes())
       << " flags=" << Hex8(p.flags) << " state=" << IpsecSaStateName(sa.state) << " \n";
    // L6..L10
    int64_t now = WallClock(Simulator::Now(), opts);
    int64_t created = WallClock(sa.created, opts);
    bool used = sa.allocations > 0 || !sa.lastUsed.IsZero();
    int64_t last = used ? WallClock(sa.lastUsed, opts) : 0;
    os << "\tcreated: " << FormatDate(created) << "\tcurrent: " << FormatDate(now) << "\n";
    os << "\tdiff: " << (created == 0 ? 0 : now - created) << "(s)\thard: " << p.hardAddTime
       << "(s)\tsoft: " << p.softAddTime << "(s)\n";
    os << "\tlast: " << FormatDate(last) << "\thard: " << p.hardUseTime
       << "(s)\tsoft: " << p.softUseTime << "(s)\n";
    os << "\tcurrent: " << sa.bytes << "(bytes)\thard: " << p.hardBytes
       << "(bytes)\tsoft: " << p.softBytes << "(bytes)\n";
    os << "\tallocated: " << sa.allocations << "\thard: " << p.hardAllocations
       << "\tsoft: " << p.softAllocations << "\n";
    // L11
    uint32_t refcnt = std::max<uint32_t>(sa.refcnt, UsedOutbound(sa, opts) ? 2 : 1);
    os << "\tsadb_seq=" << sadbSeq << " pid=" << opts.pid << " refcnt=" << refcnt << "\n";
}

void
SetkeyDump::PrintSad(std::ostream& os, Ptr<IpsecSad> sad, const SetkeyDumpOptions& opts)
{
    NS_LOG_FUNCTION(sad << opts.showDead);
    uint64_t total = 0;
    for (const auto& head : sad->GetHeads())
    {
        if (HeadSelected(*head, opts))
        {
            for (const auto& list : head->sas)
            {
                total += list.size();
            }
        }
    }
    if (total == 0)
    {
        os << "No SAD entries.\n";
        return;
    }
    uint64_t remaining = total;
    for (const auto& head : sad->GetHeads())
    {
        if (!HeadSelected(*head, opts))
        {
            continue;
        }
        for (IpsecSaState state : kDumpStates)
        {
            for (const auto& sa : head->sas[static_cast<int>(state)])
            {
                --remaining;
                // setkey drops dead SAs unless -a; the kernel still numbered them.
                if (sa->state == IpsecSaState::DEAD && !opts.showDead)
                {
                    continue;
                }
                PrintSa(os, *sa, static_cast<uint32_t>(remaining), opts);
            }
        }
    }
}

void
SetkeyDump::PrintPolicy(std::ostream& os,
                        const IpsecPolicy& policy,
                        uint32_t seq,
                        const SetkeyDumpOptions& opts)
{
    os << policy.SelectorString() << "\n";
    // ipsec_dump_policy(..., "\n\t")
    os << "\t" << IpsecDirectionName(policy.direction) << " "
       << IpsecPolicyActionName(policy.action) << "\n";
    if (policy.action == IpsecPolicyAction::IPSEC)
    {
        for (const auto& r : policy.requests)
        {
            os << "\t" << r.ToString() << "\n";
        }
    }
    // lastused starts out equal to created (key_spdadd).
    Time lastUsed = std::max(policy.lastUsed, policy.created);
    os << "\tcreated: " << FormatDate(WallClock(policy.created, opts))
       << "  lastused: " << FormatDate(WallClock(lastUsed, opts)) << "\n";
    os << "\tlifetime: 0(s) validtime: 0(s)\n";
    os << "\tspid=" << policy.id << " seq=" << seq << " pid=" << opts.pid << "\n";
    os << "\trefcnt=1\n";
}

void
SetkeyDump::PrintSpd(std::ostream& os, Ptr<IpsecSpd> spd, const SetkeyDumpOptions& opts)
{
    NS_LOG_FUNCTION(spd);
    const auto& in = spd->GetPolicies(IpsecDirection::INBOUND);
    const auto& out = spd->GetPolicies(IpsecDirection::OUTBOUND);
    uint64_t total = in.size() + out.size();
    if (total == 0)
    {
        os << "No SPD entries.\n";
        return;
    }
    uint64_t remaining = total;
    for (const auto* list : {&in, &out})
    {
        for (const auto& policy : *list)
        {
            PrintPolicy(os, *policy, static_cast<uint32_t>(--remaining), opts);
        }
    }
}

std::string
SetkeyDump::SadToString(Ptr<IpsecSad> sad, const SetkeyDumpOptions& opts)
{
    std::ostringstream os;
    PrintSad(os, sad, opts);
    return os.str();
}

std::string
SetkeyDump::SpdToString(Ptr<IpsecSpd> spd, const SetkeyDumpOptions& opts)
{
    std::ostringstream os;
    PrintSpd(os, spd, opts);
    return os.str();
}

} // namespace ns3
