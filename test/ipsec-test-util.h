// SPDX-License-Identifier: GPL-2.0-only
/*
 * Utilities shared by the test suites that judge the example programs and
 * the tools from the outside (ipsec-pcap, ipsec-examples, ipsec-lint):
 * running a program and capturing its output and exit status, temporary
 * directories under the build directory, a tiny reader of the setkey
 * scripts' keys (never the module's parser), tshark's command line, a
 * minimal JSON reader for the examples' summaries and a classic pcap reader.
 */
#ifndef IPSEC_TEST_UTIL_H
#define IPSEC_TEST_UTIL_H

#include "ipsec-test-bytes.h"
#include "ns3/ipsec-sa.h"
#include "ns3/ipsec-transform.h"
#include "ns3/test.h"

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{
namespace ipsectest
{

// ===========================================================================
// Running programs
// ===========================================================================

/// @p s quoted for a POSIX shell.
std::string Quote(const std::string& s);

/// The contents of the file @p path ("" if it cannot be read).
std::string ReadFile(const std::string& path);

struct RunResult
{
    int status{-1};  ///< the exit status, -1 if the program did not exit normally
    std::string out; ///< its standard output
    std::string err; ///< its standard error
    std::string command;
};

/// Runs @p command with the shell, capturing its standard output, and its
/// standard error through @p errFile.
RunResult RunShell(const std::string& command, const std::string& errFile);

/// Runs @p argv (no shell interpretation of the arguments), with standard
/// input from /dev/null, capturing its standard output, and its standard
/// error through @p errFile.
RunResult RunProgram(const std::vector<std::string>& argv, const std::string& errFile);

bool HaveTshark();

/// A fresh directory NS3_IPSEC_BINARY_DIR/test/NAME-XXXXXX, removed with its
/// contents when this object goes away.
class TempDir
{
  public:
    explicit TempDir(const std::string& name);
    ~TempDir();

    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    bool Ok() const
    {
        return !m_path.empty();
    }

    std::string Path() const
    {
        return m_path;
    }

    std::string File(const std::string& name) const
    {
        return m_path + "/" + name;
    }

    /// A new empty subdirectory.
    std::string SubDir(const std::string& name) const;

  private:
    std::string m_path;
};

/// The regular files of @p dir, by name.
std::set<std::string> FilesIn(const std::string& dir);

/// The pcap an example writes for device @p dev of node @p node.
std::string PcapFile(const std::string& dir, const std::string& prefix, int node, int dev);

/// @p text's address in canonical form (inet_ntop of inet_pton), or @p text.
std::string CanonicalAddress(const std::string& text);

std::vector<std::string> Split(const std::string& s, char sep);

// ===========================================================================
// A tiny reader of the setkey scripts
// ===========================================================================

/// One `add SRC DST PROTO SPI [-m MODE] [-E ALG KEY] [-A ALG KEY];` statement.
struct ScriptSa
{
    std::string src;
    std::string dst;
    std::string proto; ///< "esp" or "ah"
    uint32_t spi{0};
    std::string encAlg;  ///< -E
    std::string encKey;  ///< lower-case hex, no 0x
    std::string authAlg; ///< -A
    std::string authKey; ///< lower-case hex, no 0x
    std::string mode;    ///< -m, "" if not given

    bool operator<(const ScriptSa& o) const;
    bool operator==(const ScriptSa& o) const;
};

struct ScriptToken
{
    std::string text;
    bool quoted;
};

/// Words, "strings" and `;` of a setkey script; `#` starts a comment.
std::vector<ScriptToken> TokenizeScript(const std::string& text);

/// The statements of a setkey script, as token lists without the `;`.
std::vector<std::vector<ScriptToken>> ScriptStatements(const std::string& text);

/// setkey's key syntax: a "string" is its bytes, 0x... is hex.
bool KeyToHex(const ScriptToken& key, std::string& hex);

/// The SAs added by the script @p path; @p error says what went wrong.
std::vector<ScriptSa> ReadScriptSas(const std::string& path, std::string& error);

/// The SA of @p proto from @p src to @p dst, or nullptr.
const ScriptSa* FindSa(const std::vector<ScriptSa>& sas,
                       const std::string& proto,
                       const std::string& src,
                       const std::string& dst);

// ===========================================================================
// tshark
// ===========================================================================

/**
 * Wireshark 4.0's names (the esp_sa UAT) of setkey's algorithms; "" if
 * tshark cannot decrypt / authenticate them.  @p keyBits is the encryption
 * key's length with any trailing nonce or salt (tshark takes Blowfish and
 * CAST5 keys of 128 bits only); @p icvBytes the ICV length of the SA
 * (12 as KAME sends; 16, 24 or 32 for RFC 4868's HMAC-SHA-2 truncations).
 */
std::string TsharkEncryption(const std::string& alg, unsigned keyBits = 0);
std::string TsharkAuthentication(const std::string& alg, unsigned icvBytes = 12);
/// tshark's "ANY N bit authentication [no checking]": decrypts an ESP SA
/// whose ICV of @p icvBytes it cannot check; "" for a length it has no row for.
std::string TsharkUncheckedAuthentication(unsigned icvBytes);

/// One row of tshark's esp_sa UAT, with tshark's algorithm names.
struct TsharkEspSa
{
    bool ipv6{false};
    std::string src;
    std::string dst;
    uint32_t spi{0};
    std::string encryption;     ///< e.g. "AES-CBC [RFC3602]"
    std::string encKey;         ///< lower-case hex, no 0x
    std::string authentication; ///< e.g. "HMAC-SHA-1-96 [RFC2404]"
    std::string authKey;        ///< lower-case hex, no 0x; "" for none
};

/// The tshark command line that dissects @p pcap, decrypting ESP with the
/// ESP SAs of @p sas, and printing @p fields per frame, tab-separated, with
/// the occurrences @p occurrence ("f": the first, "a": all).
std::vector<std::string> TsharkCommand(const std::string& pcap,
                                       bool ipv6,
                                       const std::vector<ScriptSa>& sas,
                                       const std::vector<std::string>& fields,
                                       const std::string& occurrence);

/// The same with the esp_sa rows given directly (tshark's names).
std::vector<std::string> TsharkCommand(const std::string& pcap,
                                       const std::vector<TsharkEspSa>& sas,
                                       const std::vector<std::string>& fields,
                                       const std::string& occurrence);

// ===========================================================================
// A minimal JSON reader
// ===========================================================================

struct Json
{
    enum Kind
    {
        NUL,
        BOOLEAN,
        NUMBER,
        STRING,
        ARRAY,
        OBJECT
    };

    Kind kind{NUL};
    std::string text; ///< a string's value, a number's or boolean's literal
    std::vector<Json> items;
    std::vector<std::pair<std::string, Json>> members;

    /// The member @p key of an object, or nullptr.
    const Json* Find(const std::string& key) const;

    /// A non-negative integer, or -1.
    long long Integer() const;
};

class JsonReader
{
  public:
    explicit JsonReader(const std::string& s)
        : m_s(s)
        , m_pos(0)
    {
    }

    /// Reads the whole document into @p out; false on a syntax error.
    bool Read(Json& out);

  private:
    void Space();
    bool Literal(const char* word);
    bool String(std::string& out);
    bool Value(Json& out, int depth);

    const std::string& m_s;
    size_t m_pos;
};

/// One flow of a JSON summary or of the program's `flow ...` lines.
struct FlowResult
{
    std::string name;
    std::string from;
    std::string to;
    std::string unit;
    long long sent{-1};
    long long received{-1};

    bool operator==(const FlowResult& o) const;
};

std::ostream& operator<<(std::ostream& os, const FlowResult& f);

/// The "flows" of a JSON summary (or of one run of it); empty if it has none.
std::vector<FlowResult> JsonFlows(const Json& doc);

/// The node @p name of a JSON summary, or nullptr.
const Json* JsonNode(const Json& doc, const std::string& name);

/// The KAME counters (ipsecstat) a clean run of an example leaves at zero.
const std::vector<std::string>& CleanRunZeroCounters();

/// The "counters" object of node @p name in a JSON summary, or nullptr.
const Json* JsonCounters(const Json& doc, const std::string& name);

/// The counter group @p group ("ipsec", "ipsec6") of node @p name, or nullptr.
const Json* JsonCounters(const Json& doc, const std::string& name, const std::string& group);

// ===========================================================================
// pcap files
// ===========================================================================

struct PcapRecord
{
    uint32_t sec{0};
    uint32_t usec{0};
    uint32_t origLen{0};
    std::string data;
};

/// Reads a classic pcap file; false if it is not one.
bool ReadPcap(const std::string& path, uint32_t& linkType, std::vector<PcapRecord>& records);

/// An IPv4 datagram of an Ethernet capture.
struct CapturedIpv4
{
    double time{0};      ///< the capture time, in seconds
    std::string src;     ///< the source address, dotted
    std::string dst;     ///< the destination address, dotted
    uint8_t protocol{0}; ///< the IP protocol
    std::string bytes;   ///< the datagram, IP header first, trimmed to its total length
};

/// The IPv4 datagrams of the Ethernet capture @p path (other frames, ARP,
/// skipped); false if it is not an Ethernet pcap.
bool ReadEthernetIpv4(const std::string& path, std::vector<CapturedIpv4>& out);

// ===========================================================================
// Test cases that run programs
// ===========================================================================

/// A test case that runs an example program and tshark, with assertions.
class ExampleTestCase : public TestCase
{
  public:
    explicit ExampleTestCase(const std::string& name)
        : TestCase(name)
    {
    }

  protected:
    /// Runs the example; true if it exited with status 0.
    bool RunExample(const std::vector<std::string>& argv, const TempDir& tmp, RunResult& r);

    /**
     * Runs the example program @p binary with @p args plus --json and
     * --pcapDir (a new directory of @p tmp, returned in @p pcaps) and reads
     * its JSON summary into @p doc; false (reported) if the program is
     * missing, fails or writes bad JSON.
     */
    bool RunExampleJson(const std::string& binary,
                        const std::vector<std::string>& args,
                        const TempDir& tmp,
                        Json& doc,
                        std::string& pcaps);

    /**
     * The determinism check's runs: @p argv three times, with --RngRun=1
     * twice (runs "1a" and "1b") and --RngRun=2 once ("2"), each with
     * --pcapDir and --json (summary.json) into its own directory of @p tmp,
     * given in @p dirs by run; false (reported) if a run fails.
     */
    bool RunThreeSeeds(const std::vector<std::string>& argv,
                       const TempDir& tmp,
                       std::map<std::string, std::string>& dirs);

    /**
     * Expects the directories @p a and @p b (two runs with one --RngRun)
     * to hold the same files, none empty, equal byte for byte.
     * @return the files of @p a
     */
    std::set<std::string> ExpectSameFiles(const std::string& a, const std::string& b);

    /**
     * RunExampleJson of the standalone build's example program @p program
     * (NS3_IPSEC_BINARY_DIR/examples/PROGRAM).  Inside an ns-3 source tree,
     * whose examples are ns-3's, reports the case skipped for @p suite
     * (ReportSkip) and returns false.
     */
    bool RunStandaloneExample(const std::string& suite,
                              const std::string& program,
                              const std::vector<std::string>& args,
                              const TempDir& tmp,
                              Json& doc,
                              std::string& pcaps);

    /// Runs tshark over @p pcap (TsharkCommand) and gives each non-empty
    /// line's @p fields.size() tab-separated values to @p row, in order;
    /// false if tshark failed or printed a line with another number of values.
    bool RunTshark(const std::string& pcap,
                   bool ipv6,
                   const std::vector<ScriptSa>& sas,
                   const std::vector<std::string>& fields,
                   const std::string& occurrence,
                   const TempDir& tmp,
                   const std::function<void(const std::vector<std::string>&)>& row);
};

/**
 * Reports on stderr that part of a test did not run ("SUITE: SKIPPED
 * WHAT") and marks the run: the test runner then exits with status 77 when
 * nothing failed, which CTest shows as skipped (SKIP_RETURN_CODE), never as
 * passed.  A failure still fails the run.
 */
void ReportSkip(const std::string& suite, const std::string& what);
/// Whether ReportSkip was called in this process.
bool AnySkipped();

/**
 * Applies the transform of @p sa to @p packet through the one transform
 * interface (IpsecTransform::Output), as the output loop does: the header
 * in front carries @p nextHeader; @p icvHeader is the IP header an AH ICV
 * covers.  @p applied (if not null) tells whether IPComp added its header.
 */
IpsecVerdict TransformOutput(IpsecSa& sa,
                             Ptr<Packet>& packet,
                             uint8_t nextHeader,
                             IpsecStats& stats,
                             Ptr<UniformRandomVariable> rng = nullptr,
                             bool ipv6 = false,
                             IpsecIcvHeaderBuilder icvHeader = nullptr,
                             bool* applied = nullptr);

/**
 * Removes the transform of @p sa from @p packet as the input loop does
 * (PeekSpi, PeekSequence, the replay check, Input); @p next and @p marks
 * receive what the transform found.
 */
IpsecVerdict TransformInput(IpsecSa& sa,
                            Ptr<Packet>& packet,
                            IpsecStats& stats,
                            uint8_t* next,
                            uint8_t* marks,
                            bool ipv6 = false,
                            IpsecIcvHeaderBuilder icvHeader = nullptr);

} // namespace ipsectest
} // namespace ns3

#endif /* IPSEC_TEST_UTIL_H */
