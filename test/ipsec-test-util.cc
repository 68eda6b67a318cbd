// SPDX-License-Identifier: GPL-2.0-only
/*
 * Utilities shared by the test suites that run the example programs and the
 * tools (see ipsec-test-util.h).
 */

#include "ipsec-test-util.h"

#include "ns3/ipsec-algorithms.h"
#include "ns3/ipsec-key-log-helper.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/wait.h>
#include <tuple>

#ifdef NS3_IPSEC_BINARY_DIR // defined by test/CMakeLists.txt: the standalone build
#define NS3_IPSEC_STANDALONE 1
#else
#define NS3_IPSEC_STANDALONE 0
#define NS3_IPSEC_BINARY_DIR "build"
#endif

namespace ns3
{
namespace ipsectest
{

// ===========================================================================
// Running programs
// ===========================================================================

/// @p s quoted for a POSIX shell.
std::string
Quote(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
    {
        if (c == '\'')
        {
            out += "'\\''";
        }
        else
        {
            out += c;
        }
    }
    return out + "'";
}

std::string
ReadFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

RunResult
RunShell(const std::string& command, const std::string& errFile)
{
    RunResult r;
    r.command = command;
    std::string cmd = command + " 2>" + Quote(errFile);
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr)
    {
        return r;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
    {
        r.out.append(buf, n);
    }
    int st = pclose(p);
    if (st != -1 && WIFEXITED(st))
    {
        r.status = WEXITSTATUS(st);
    }
    r.err = ReadFile(errFile);
    return r;
}

RunResult
RunProgram(const std::vector<std::string>& argv, const std::string& errFile)
{
    std::string command;
    for (const auto& a : argv)
    {
        command += (command.empty() ? "" : " ") + Quote(a);
    }
    RunResult r = RunShell(command + " </dev/null", errFile);
    r.command = command;
    return r;
}

bool
HaveTshark()
{
    return std::system("command -v tshark >/dev/null 2>&1") == 0;
}

TempDir::TempDir(const std::string& name)
{
    std::string base = std::string(NS3_IPSEC_BINARY_DIR) + "/test";
    std::error_code ec;
    std::filesystem::create_directories(base, ec);
    std::string tmpl = base + "/" + name + "-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) != nullptr)
    {
        m_path = buf.data();
    }
}

TempDir::~TempDir()
{
    if (!m_path.empty())
    {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
}

std::string
TempDir::SubDir(const std::string& name) const
{
    std::string path = File(name);
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    return path;
}

std::set<std::string>
FilesIn(const std::string& dir)
{
    std::set<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    {
        if (e.is_regular_file())
        {
            names.insert(e.path().filename().string());
        }
    }
    return names;
}

std::string
PcapFile(const std::string& dir, const std::string& prefix, int node, int dev)
{
    return dir + "/" + prefix + "-" + std::to_string(node) + "-" + std::to_string(dev) + ".pcap";
}

std::string
CanonicalAddress(const std::string& text)
{
    unsigned char bin[16];
    char out[INET6_ADDRSTRLEN];
    int af = text.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    if (inet_pton(af, text.c_str(), bin) == 1 && inet_ntop(af, bin, out, sizeof(out)) != nullptr)
    {
        return out;
    }
    return text;
}

std::vector<std::string>
Split(const std::string& s, char sep)
{
    std::vector<std::string> parts;
    size_t start = 0;
    while (true)
    {
        size_t end = s.find(sep, start);
        parts.push_back(
            s.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos)
        {
            return parts;
        }
        start = end + 1;
    }
}

// ===========================================================================
// A tiny reader of the setkey scripts
// ===========================================================================

bool
ScriptSa::operator<(const ScriptSa& o) const
{
    return std::tie(src, dst, proto, spi, mode, encAlg, encKey, authAlg, authKey)
         < std::tie(o.src, o.dst, o.proto, o.spi, o.mode, o.encAlg, o.encKey, o.authAlg, o.authKey);
}

bool
ScriptSa::operator==(const ScriptSa& o) const
{
    return !(*this < o) && !(o < *this);
}

std::vector<ScriptToken>
TokenizeScript(const std::string& text)
{
    std::vector<ScriptToken> tokens;
    size_t i = 0;
    while (i < text.size())
    {
        char c = text[i];
        if (isspace(static_cast<unsigned char>(c)))
        {
            ++i;
        }
        else if (c == '#')
        {
            while (i < text.size() && text[i] != '\n')
            {
                ++i;
            }
        }
        else if (c == ';')
        {
            tokens.push_back({";", false});
            ++i;
        }
        else if (c == '"')
        {
            size_t end = text.find('"', i + 1);
            if (end == std::string::npos)
            {
                end = text.size();
            }
            tokens.push_back({text.substr(i + 1, end - i - 1), true});
            i = end + 1;
        }
        else
        {
            size_t start = i;
            while (i < text.size() && !isspace(static_cast<unsigned char>(text[i]))
                   && text[i] != ';' && text[i] != '"' && text[i] != '#')
            {
                ++i;
            }
            tokens.push_back({text.substr(start, i - start), false});
        }
    }
    return tokens;
}

std::vector<std::vector<ScriptToken>>
ScriptStatements(const std::string& text)
{
    std::vector<std::vector<ScriptToken>> stmts;
    std::vector<ScriptToken> stmt;
    for (const auto& t : TokenizeScript(text))
    {
        if (t.text == ";" && !t.quoted)
        {
            if (!stmt.empty())
            {
                stmts.push_back(stmt);
            }
            stmt.clear();
        }
        else
        {
            stmt.push_back(t);
        }
    }
    if (!stmt.empty())
    {
        stmts.push_back(stmt);
    }
    return stmts;
}

bool
KeyToHex(const ScriptToken& key, std::string& hex)
{
    hex.clear();
    if (key.quoted)
    {
        hex = ToHex(Ascii(key.text));
        return true;
    }
    if (key.text.size() < 3 || key.text[0] != '0' || (key.text[1] != 'x' && key.text[1] != 'X'))
    {
        return false;
    }
    for (size_t i = 2; i < key.text.size(); ++i)
    {
        char c = static_cast<char>(tolower(static_cast<unsigned char>(key.text[i])));
        if (!isxdigit(static_cast<unsigned char>(c)))
        {
            return false;
        }
        hex += c;
    }
    return hex.size() % 2 == 0;
}

std::vector<ScriptSa>
ReadScriptSas(const std::string& path, std::string& error)
{
    std::vector<ScriptSa> sas;
    std::ifstream in(path);
    if (!in)
    {
        error = "cannot read " + path;
        return sas;
    }
    for (const auto& stmt : ScriptStatements(ReadFile(path)))
    {
        if (stmt[0].text != "add")
        {
            continue;
        }
        if (stmt.size() < 5)
        {
            error = "short add statement in " + path;
            return sas;
        }
        ScriptSa sa;
        sa.src = CanonicalAddress(stmt[1].text);
        sa.dst = CanonicalAddress(stmt[2].text);
        sa.proto = stmt[3].text;
        sa.spi = static_cast<uint32_t>(std::strtoul(stmt[4].text.c_str(), nullptr, 0));
        for (size_t i = 5; i < stmt.size(); i += 3)
        {
            if (stmt[i].text == "-m" && i + 1 < stmt.size())
            {
                sa.mode = stmt[i + 1].text;
                i -= 1; // -m takes one argument, -E and -A two
                continue;
            }
            if ((stmt[i].text != "-E" && stmt[i].text != "-A") || i + 2 >= stmt.size())
            {
                error = "unexpected '" + stmt[i].text + "' in an add statement of " + path;
                return sas;
            }
            std::string& alg = stmt[i].text == "-E" ? sa.encAlg : sa.authAlg;
            std::string& key = stmt[i].text == "-E" ? sa.encKey : sa.authKey;
            alg = stmt[i + 1].text;
            if (!KeyToHex(stmt[i + 2], key))
            {
                error = "bad key '" + stmt[i + 2].text + "' in " + path;
                return sas;
            }
        }
        sas.push_back(sa);
    }
    return sas;
}

const ScriptSa*
FindSa(const std::vector<ScriptSa>& sas,
       const std::string& proto,
       const std::string& src,
       const std::string& dst)
{
    for (const auto& sa : sas)
    {
        if (sa.proto == proto && sa.src == CanonicalAddress(src) && sa.dst == CanonicalAddress(dst))
        {
            return &sa;
        }
    }
    return nullptr;
}

// ===========================================================================
// tshark
// ===========================================================================

// The names come from the module's one table (IpsecKeyLogHelper), which
// the key log Wireshark decrypts the examples' pcaps with uses too.

std::string
TsharkEncryption(const std::string& alg, unsigned keyBits)
{
    const IpsecEncAlgorithm* row = FindEncAlgorithm(alg);
    return row != nullptr ? IpsecKeyLogHelper::WiresharkEncryption(*row, keyBits) : "";
}

std::string
TsharkAuthentication(const std::string& alg, unsigned icvBytes)
{
    if (alg.empty())
    {
        return "NULL";
    }
    const IpsecAuthAlgorithm* row = FindAuthAlgorithm(alg);
    return row != nullptr ? IpsecKeyLogHelper::WiresharkAuthentication(row, icvBytes) : "";
}

std::string
TsharkUncheckedAuthentication(unsigned icvBytes)
{
    return IpsecKeyLogHelper::WiresharkUncheckedAuthentication(icvBytes);
}

std::vector<std::string>
TsharkCommand(const std::string& pcap,
              bool ipv6,
              const std::vector<ScriptSa>& sas,
              const std::vector<std::string>& fields,
              const std::string& occurrence)
{
    std::vector<TsharkEspSa> rows;
    for (const auto& sa : sas)
    {
        if (sa.proto != "esp")
        {
            continue;
        }
        TsharkEspSa row;
        row.ipv6 = ipv6;
        row.src = sa.src;
        row.dst = sa.dst;
        row.spi = sa.spi;
        row.encryption = TsharkEncryption(sa.encAlg);
        row.encKey = sa.encKey;
        row.authentication = TsharkAuthentication(sa.authAlg);
        row.authKey = sa.authKey;
        rows.push_back(row);
    }
    return TsharkCommand(pcap, rows, fields, occurrence);
}

std::vector<std::string>
TsharkCommand(const std::string& pcap,
              const std::vector<TsharkEspSa>& sas,
              const std::vector<std::string>& fields,
              const std::string& occurrence)
{
    std::vector<std::string> argv = {
        "tshark",
        "-n",
        "-r",
        pcap,
        "-o",
        "esp.enable_encryption_decode:TRUE",
        "-o",
        "esp.enable_authentication_check:TRUE",
        "-o",
        "ip.check_checksum:TRUE",
        "-o",
        "tcp.check_checksum:TRUE",
        "-o",
        "udp.check_checksum:TRUE",
    };
    for (const auto& sa : sas)
    {
        char spi[16];
        std::snprintf(spi, sizeof(spi), "0x%08x", sa.spi);
        std::string auth = sa.authKey.empty() ? "" : "0x" + sa.authKey;
        std::string key = "0x" + sa.encKey;
        argv.push_back("-o");
        argv.push_back(std::string("uat:esp_sa:\"") + (sa.ipv6 ? "IPv6" : "IPv4") + "\",\"" + sa.src
                       + "\",\"" + sa.dst + "\",\"" + spi + "\",\"" + sa.encryption + "\",\"" + key
                       + "\",\"" + sa.authentication + "\",\"" + auth + "\"");
    }
    for (std::string opt : {"-T", "fields", "-E", "separator=/t", "-E"})
    {
        argv.push_back(opt);
    }
    argv.push_back("occurrence=" + occurrence);
    for (const auto& f : fields)
    {
        argv.push_back("-e");
        argv.push_back(f);
    }
    return argv;
}

// ===========================================================================
// A minimal JSON reader
// ===========================================================================

const Json*
Json::Find(const std::string& key) const
{
    for (const auto& [k, v] : members)
    {
        if (k == key)
        {
            return &v;
        }
    }
    return nullptr;
}

long long
Json::Integer() const
{
    if (kind != NUMBER || text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    {
        return -1;
    }
    return std::strtoll(text.c_str(), nullptr, 10);
}

bool
JsonReader::Read(Json& out)
{
    if (!Value(out, 0))
    {
        return false;
    }
    Space();
    return m_pos == m_s.size();
}

void
JsonReader::Space()
{
    while (m_pos < m_s.size() && isspace(static_cast<unsigned char>(m_s[m_pos])))
    {
        ++m_pos;
    }
}

bool
JsonReader::Literal(const char* word)
{
    std::string w(word);
    if (m_s.compare(m_pos, w.size(), w) != 0)
    {
        return false;
    }
    m_pos += w.size();
    return true;
}

bool
JsonReader::String(std::string& out)
{
    if (m_pos >= m_s.size() || m_s[m_pos] != '"')
    {
        return false;
    }
    ++m_pos;
    while (m_pos < m_s.size() && m_s[m_pos] != '"')
    {
        char c = m_s[m_pos++];
        if (c != '\\')
        {
            out += c;
            continue;
        }
        if (m_pos >= m_s.size())
        {
            return false;
        }
        char e = m_s[m_pos++];
        switch (e)
        {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'u':
                if (m_pos + 4 > m_s.size())
                {
                    return false;
                }
                out += static_cast<char>(std::strtol(m_s.substr(m_pos, 4).c_str(), nullptr, 16));
                m_pos += 4;
                break;
            default:
                out += e;
        }
    }
    if (m_pos >= m_s.size())
    {
        return false;
    }
    ++m_pos;
    return true;
}

bool
JsonReader::Value(Json& out, int depth)
{
    Space();
    if (m_pos >= m_s.size() || depth > 64)
    {
        return false;
    }
    char c = m_s[m_pos];
    if (c == '{' || c == '[')
    {
        const bool object = c == '{';
        const char close = object ? '}' : ']';
        out.kind = object ? Json::OBJECT : Json::ARRAY;
        ++m_pos;
        Space();
        if (m_pos < m_s.size() && m_s[m_pos] == close)
        {
            ++m_pos;
            return true;
        }
        while (true)
        {
            std::string key;
            if (object)
            {
                Space();
                if (!String(key))
                {
                    return false;
                }
                Space();
                if (m_pos >= m_s.size() || m_s[m_pos] != ':')
                {
                    return false;
                }
                ++m_pos;
            }
            Json v;
            if (!Value(v, depth + 1))
            {
                return false;
            }
            if (object)
            {
                out.members.emplace_back(key, v);
            }
            else
            {
                out.items.push_back(v);
            }
            Space();
            if (m_pos < m_s.size() && m_s[m_pos] == ',')
            {
                ++m_pos;
                continue;
            }
            if (m_pos < m_s.size() && m_s[m_pos] == close)
            {
                ++m_pos;
                return true;
            }
            return false;
        }
    }
    if (c == '"')
    {
        out.kind = Json::STRING;
        return String(out.text);
    }
    if (c == 't' || c == 'f')
    {
        out.kind = Json::BOOLEAN;
        out.text = c == 't' ? "true" : "false";
        return Literal(c == 't' ? "true" : "false");
    }
    if (c == 'n')
    {
        out.kind = Json::NUL;
        return Literal("null");
    }
    size_t start = m_pos;
    while (m_pos < m_s.size()
           && std::string("+-0123456789.eE").find(m_s[m_pos]) != std::string::npos)
    {
        ++m_pos;
    }
    if (m_pos == start)
    {
        return false;
    }
    out.kind = Json::NUMBER;
    out.text = m_s.substr(start, m_pos - start);
    return true;
}

bool
FlowResult::operator==(const FlowResult& o) const
{
    return name == o.name && from == o.from && to == o.to && unit == o.unit && sent == o.sent
        && received == o.received;
}

std::ostream&
operator<<(std::ostream& os, const FlowResult& f)
{
    return os << f.name << " " << f.from << " -> " << f.to << ": " << f.received << " of " << f.sent
              << " " << f.unit;
}

std::vector<FlowResult>
JsonFlows(const Json& doc)
{
    std::vector<FlowResult> flows;
    const Json* arr = doc.Find("flows");
    if (arr == nullptr)
    {
        return flows;
    }
    for (const auto& f : arr->items)
    {
        FlowResult r;
        for (auto [key, field] : {std::make_pair("name", &r.name),
                                  std::make_pair("from", &r.from),
                                  std::make_pair("to", &r.to),
                                  std::make_pair("unit", &r.unit)})
        {
            if (const Json* v = f.Find(key))
            {
                *field = v->text;
            }
        }
        if (const Json* v = f.Find("sent"))
        {
            r.sent = v->Integer();
        }
        if (const Json* v = f.Find("received"))
        {
            r.received = v->Integer();
        }
        flows.push_back(r);
    }
    return flows;
}

const Json*
JsonNode(const Json& doc, const std::string& name)
{
    const Json* nodes = doc.Find("nodes");
    if (nodes == nullptr)
    {
        return nullptr;
    }
    for (const auto& n : nodes->items)
    {
        const Json* nm = n.Find("name");
        if (nm != nullptr && nm->text == name)
        {
            return &n;
        }
    }
    return nullptr;
}

const std::vector<std::string>&
CleanRunZeroCounters()
{
    static const std::vector<std::string> counters = {"in_polvio",
                                                      "in_nosa",
                                                      "in_inval",
                                                      "in_nomem",
                                                      "in_badspi",
                                                      "in_ahreplay",
                                                      "in_espreplay",
                                                      "in_ahauthfail",
                                                      "in_espauthfail",
                                                      "out_polvio",
                                                      "out_nosa",
                                                      "out_inval",
                                                      "out_nomem",
                                                      "out_noroute"};
    return counters;
}

const Json*
JsonCounters(const Json& doc, const std::string& name)
{
    const Json* node = JsonNode(doc, name);
    return node != nullptr ? node->Find("counters") : nullptr;
}

const Json*
JsonCounters(const Json& doc, const std::string& name, const std::string& group)
{
    const Json* node = JsonNode(doc, name);
    const Json* counters = node != nullptr ? node->Find("counters") : nullptr;
    return counters != nullptr ? counters->Find(group) : nullptr;
}

// ===========================================================================
// pcap files
// ===========================================================================

bool
ReadPcap(const std::string& path, uint32_t& linkType, std::vector<PcapRecord>& records)
{
    std::string bytes = ReadFile(path);
    if (bytes.size() < 24)
    {
        return false;
    }
    auto u32 = [&bytes](size_t at, bool swap)
    {
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i)
        {
            uint32_t byte = static_cast<unsigned char>(bytes[at + (swap ? 3 - i : i)]);
            v |= byte << (8 * i);
        }
        return v;
    };
    bool swap;
    if (u32(0, false) == 0xa1b2c3d4)
    {
        swap = false;
    }
    else if (u32(0, true) == 0xa1b2c3d4)
    {
        swap = true;
    }
    else
    {
        return false;
    }
    linkType = u32(20, swap);
    size_t at = 24;
    while (at + 16 <= bytes.size())
    {
        PcapRecord r;
        r.sec = u32(at, swap);
        r.usec = u32(at + 4, swap);
        uint32_t incl = u32(at + 8, swap);
        r.origLen = u32(at + 12, swap);
        at += 16;
        if (at + incl > bytes.size())
        {
            return false;
        }
        r.data = bytes.substr(at, incl);
        at += incl;
        records.push_back(r);
    }
    return at == bytes.size();
}

bool
ReadEthernetIpv4(const std::string& path, std::vector<CapturedIpv4>& out)
{
    uint32_t linkType = 0;
    std::vector<PcapRecord> records;
    if (!ReadPcap(path, linkType, records) || linkType != 1)
    {
        return false;
    }
    for (const auto& r : records)
    {
        const std::string& f = r.data;
        if (f.size() < 34 || static_cast<uint8_t>(f[12]) != 0x08 || f[13] != 0x00)
        {
            continue; // not IPv4 (ARP)
        }
        CapturedIpv4 d;
        d.time = r.sec + r.usec / 1e6;
        std::string ip = f.substr(14);
        size_t total = (static_cast<uint8_t>(ip[2]) << 8) | static_cast<uint8_t>(ip[3]);
        d.bytes = ip.substr(0, std::min(total, ip.size()));
        char text[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, d.bytes.data() + 12, text, sizeof(text));
        d.src = text;
        inet_ntop(AF_INET, d.bytes.data() + 16, text, sizeof(text));
        d.dst = text;
        d.protocol = static_cast<uint8_t>(d.bytes[9]);
        out.push_back(d);
    }
    return true;
}

// ===========================================================================
// Test cases that run programs
// ===========================================================================

bool
ExampleTestCase::RunExample(const std::vector<std::string>& argv, const TempDir& tmp, RunResult& r)
{
    r = RunProgram(argv, tmp.File("example.stderr"));
    NS_TEST_EXPECT_MSG_EQ(r.status,
                          0,
                          "the example failed: " << r.command << "\nstderr:\n"
                                                 << r.err);
    return r.status == 0;
}

bool
ExampleTestCase::RunExampleJson(const std::string& binary,
                                const std::vector<std::string>& args,
                                const TempDir& tmp,
                                Json& doc,
                                std::string& pcaps)
{
    bool exists = std::filesystem::exists(binary);
    NS_TEST_EXPECT_MSG_EQ(exists, true, binary << " is missing: build the examples");
    if (!exists || !tmp.Ok())
    {
        return false;
    }
    pcaps = tmp.SubDir("pcap");
    const std::string json = tmp.File("summary.json");
    std::vector<std::string> argv = {binary, "--json=" + json, "--pcapDir=" + pcaps};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r;
    if (!RunExample(argv, tmp, r))
    {
        return false;
    }
    std::string text = ReadFile(json);
    bool parsed = JsonReader(text).Read(doc);
    NS_TEST_EXPECT_MSG_EQ(parsed, true, "bad JSON in " << json << ":\n" << text);
    return parsed;
}

bool
ExampleTestCase::RunStandaloneExample(const std::string& suite,
                                      const std::string& program,
                                      const std::vector<std::string>& args,
                                      const TempDir& tmp,
                                      Json& doc,
                                      std::string& pcaps)
{
    if (!NS3_IPSEC_STANDALONE)
    {
        ReportSkip(suite, "\"" + GetName() + "\": it runs the standalone build's example program");
        return false;
    }
    return RunExampleJson(
        std::string(NS3_IPSEC_BINARY_DIR) + "/examples/" + program, args, tmp, doc, pcaps);
}

bool
ExampleTestCase::RunThreeSeeds(const std::vector<std::string>& argv,
                               const TempDir& tmp,
                               std::map<std::string, std::string>& dirs)
{
    for (const std::string run : {"1a", "1b", "2"})
    {
        std::string dir = tmp.SubDir("run" + run);
        dirs[run] = dir;
        std::vector<std::string> command = argv;
        command.insert(command.end(),
                       {"--RngRun=" + run.substr(0, 1),
                        "--pcapDir=" + dir,
                        "--json=" + dir + "/summary.json"});
        RunResult r;
        bool ok = RunExample(command, tmp, r);
        NS_TEST_EXPECT_MSG_EQ(ok, true, "run " << run);
        if (!ok)
        {
            return false;
        }
    }
    return true;
}

std::set<std::string>
ExampleTestCase::ExpectSameFiles(const std::string& a, const std::string& b)
{
    std::set<std::string> files = FilesIn(a);
    NS_TEST_EXPECT_MSG_EQ((files == FilesIn(b)), true, "different file sets");
    for (const auto& name : files)
    {
        std::string x = ReadFile(a + "/" + name);
        std::string y = ReadFile(b + "/" + name);
        NS_TEST_EXPECT_MSG_GT(x.size(), 0, name << " is empty");
        NS_TEST_EXPECT_MSG_EQ((x == y), true, name << " differs between two --RngRun=1 runs");
    }
    return files;
}

bool
ExampleTestCase::RunTshark(const std::string& pcap,
                           bool ipv6,
                           const std::vector<ScriptSa>& sas,
                           const std::vector<std::string>& fields,
                           const std::string& occurrence,
                           const TempDir& tmp,
                           const std::function<void(const std::vector<std::string>&)>& row)
{
    RunResult r
        = RunProgram(TsharkCommand(pcap, ipv6, sas, fields, occurrence), tmp.File("tshark.stderr"));
    NS_TEST_EXPECT_MSG_EQ(r.status, 0, "tshark failed: " << r.command << "\n" << r.err);
    if (r.status != 0)
    {
        return false;
    }
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line))
    {
        if (line.empty())
        {
            continue;
        }
        std::vector<std::string> values = Split(line, '\t');
        NS_TEST_EXPECT_MSG_EQ(values.size(), fields.size(), "tshark line: " << line);
        if (values.size() != fields.size())
        {
            return false;
        }
        row(values);
    }
    return true;
}

namespace
{
bool g_skipped = false; ///< the test runner's own state (one process per CTest test)
} // namespace

void
ReportSkip(const std::string& suite, const std::string& what)
{
    std::cerr << suite << ": SKIPPED " << what << "\n";
    g_skipped = true;
}

bool
AnySkipped()
{
    return g_skipped;
}

IpsecVerdict
TransformOutput(IpsecSa& sa,
                Ptr<Packet>& packet,
                uint8_t nextHeader,
                IpsecStats& stats,
                Ptr<UniformRandomVariable> rng,
                bool ipv6,
                IpsecIcvHeaderBuilder icvHeader,
                bool* applied)
{
    IpsecTransformOutput out;
    out.packet = packet;
    out.nextHeader = nextHeader;
    out.ipv6 = ipv6;
    out.stats = &stats;
    out.rng = rng ? rng : CreateObject<UniformRandomVariable>();
    out.icvHeader = std::move(icvHeader);
    IpsecVerdict v = IpsecTransform::Get(sa.params.proto).Output(sa, out);
    if (v.Ok())
    {
        packet = out.packet;
    }
    if (applied)
    {
        *applied = v.Ok() && out.applied;
    }
    return v;
}

IpsecVerdict
TransformInput(IpsecSa& sa,
               Ptr<Packet>& packet,
               IpsecStats& stats,
               uint8_t* next,
               uint8_t* marks,
               bool ipv6,
               IpsecIcvHeaderBuilder icvHeader)
{
    const IpsecTransform& xf = IpsecTransform::Get(sa.params.proto);
    uint32_t spi = 0;
    IpsecVerdict v = xf.PeekSpi(packet, stats, &spi);
    if (!v.Ok())
    {
        return v;
    }
    uint32_t seq = 0;
    bool check = false;
    v = xf.PeekSequence(sa, packet, stats, &seq, &check);
    if (!v.Ok())
    {
        return v;
    }
    IpsecInboundReplay replay;
    if (check)
    {
        replay = IpsecInboundReplay(&sa, seq, &stats, xf.ReplayCounter());
        if (v = replay.Check(); !v.Ok())
        {
            return v;
        }
    }
    IpsecTransformInput in;
    in.packet = packet;
    in.ipv6 = ipv6;
    in.outerHeaderSize = ipv6 ? 40 : 20;
    in.stats = &stats;
    in.icvHeader = std::move(icvHeader);
    in.replay = &replay;
    in.spi = spi;
    v = xf.Input(&sa, in);
    if (v.Ok())
    {
        packet = in.packet;
        *next = in.nextHeader;
    }
    *marks |= in.marks;
    return v;
}

} // namespace ipsectest
} // namespace ns3
