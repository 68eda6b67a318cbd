/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Tests of setkey -D / -DP (SetkeyDump): the line layout of libipsec's
 * pfkey_sadump and pfkey_spdump (their format strings typed in here), the
 * dump order of key_dump and key_spddump (see "Dumps" in doc/ipsec.rst),
 * and a worked example reproduced byte for byte: host 10.0.0.1 with two
 * 3DES transport SAs and two policies to and from 10.0.0.2, dumped nine
 * seconds after the script ran on a freshly booted system (so the policies
 * get spids 16389 and 16388), then again after one ICMP echo.
 *
 * The example's clock and processes come from SetkeyDumpOptions and nothing
 * else: the epoch is set to Mar  5 14:02:11 2004 (UTC; KAME's ctime() uses
 * the local time zone) so that simulated time 0 is the moment the script
 * ran, and the pids are 1240 (-D) and 1241 (-DP).
 */
#include "ipsec-test-base.h"
#include "ns3/ipsec-sad.h"
#include "ns3/ipsec-spd.h"
#include "ns3/setkey-dump.h"
#include "ns3/setkey.h"
#include "ns3/simulator.h"
#include "ns3/test.h"

#include <set>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// Mar  5 14:02:11 2004 UTC: when the example's script ran.
const int64_t kExampleEpoch = 1078495331;

/// The example's script.
const char* const kExampleScript
    = "add 10.0.0.1 10.0.0.2 esp 0x1001 -m transport -E 3des-cbc \"123456789012345678901234\";\n"
      "add 10.0.0.2 10.0.0.1 esp 0x1002 -m transport -E 3des-cbc \"123456789012345678901234\";\n"
      "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;\n"
      "spdadd 10.0.0.2 10.0.0.1 any -P in  ipsec esp/transport//require;\n";

/// The SAD and SPD of one simulated node.
struct KeyNode
{
    Ptr<IpsecSad> sad = CreateObject<IpsecSad>();
    Ptr<IpsecSpd> spd = CreateObject<IpsecSpd>();

    SetkeyResult Run(const std::string& text, const SetkeyDumpOptions& dump = SetkeyDumpOptions())
    {
        SetkeyOptions opts;
        opts.dump = dump;
        return Setkey::Run(sad, spd, text, "", opts);
    }
};

IpsecAddress
Addr(const char* text)
{
    return *IpsecAddress::Parse(text);
}

/// Joins lines, each followed by a newline.
std::string
Lines(const std::vector<std::string>& lines)
{
    std::string s;
    for (const auto& l : lines)
    {
        s += l;
        s += '\n';
    }
    return s;
}

size_t
Count(const std::string& text, const std::string& what)
{
    size_t n = 0;
    for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1))
    {
        ++n;
    }
    return n;
}

bool
Contains(const std::string& text, const std::string& what)
{
    return text.find(what) != std::string::npos;
}

/// The example: setkey -D and setkey -DP nine seconds after the script.
class DumpExampleTestCase : public TestCase
{
  public:
    DumpExampleTestCase()
        : TestCase("worked example dumps, byte for byte")
    {
    }

  private:
    void DoRun() override
    {
        KeyNode n;
        SetkeyResult r = n.Run(kExampleScript);
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "the example script loads");
        SetkeyDumpOptions sadOpts;
        sadOpts.epoch = kExampleEpoch;
        sadOpts.pid = 1240;
        SetkeyDumpOptions spdOpts = sadOpts;
        spdOpts.pid = 1241;

        std::string sad;
        std::string spd;
        Simulator::Schedule(Seconds(9),
                            [&]()
                            {
                                sad = SetkeyDump::SadToString(n.sad, sadOpts);
                                spd = SetkeyDump::SpdToString(n.spd, spdOpts);
                            });
        Simulator::Run();

        const std::string stamps = "\tcreated: Mar  5 14:02:11 2004\tcurrent: Mar  5 14:02:20 2004";
        const std::string never(20, ' ');
        std::string expectedSad = Lines({
            "10.0.0.2 10.0.0.1 ",
            "\tesp mode=transport spi=4098(0x00001002) reqid=0(0x00000000)",
            "\tE: 3des-cbc  31323334 35363738 39303132 33343536 37383930 31323334",
            "\tseq=0x00000000 replay=0 flags=0x00000040 state=mature ",
            stamps,
            "\tdiff: 9(s)\thard: 0(s)\tsoft: 0(s)",
            "\tlast:                     \thard: 0(s)\tsoft: 0(s)",
            "\tcurrent: 0(bytes)\thard: 0(bytes)\tsoft: 0(bytes)",
            "\tallocated: 0\thard: 0\tsoft: 0",
            "\tsadb_seq=1 pid=1240 refcnt=1",
            "10.0.0.1 10.0.0.2 ",
            "\tesp mode=transport spi=4097(0x00001001) reqid=0(0x00000000)",
            "\tE: 3des-cbc  31323334 35363738 39303132 33343536 37383930 31323334",
            "\tseq=0x00000000 replay=0 flags=0x00000040 state=mature ",
            stamps,
            "\tdiff: 9(s)\thard: 0(s)\tsoft: 0(s)",
            "\tlast:                     \thard: 0(s)\tsoft: 0(s)",
            "\tcurrent: 0(bytes)\thard: 0(bytes)\tsoft: 0(bytes)",
            "\tallocated: 0\thard: 0\tsoft: 0",
            "\tsadb_seq=0 pid=1240 refcnt=1",
        });
        NS_TEST_EXPECT_MSG_EQ(sad, expectedSad, "setkey -D of the example");

        std::string expectedSpd = Lines({
            "10.0.0.2[any] 10.0.0.1[any] any",
            "\tin ipsec",
            "\tesp/transport//require",
            "\tcreated: Mar  5 14:02:11 2004  lastused: Mar  5 14:02:11 2004",
            "\tlifetime: 0(s) validtime: 0(s)",
            "\tspid=16389 seq=1 pid=1241",
            "\trefcnt=1",
            "10.0.0.1[any] 10.0.0.2[any] any",
            "\tout ipsec",
            "\tesp/transport//require",
            "\tcreated: Mar  5 14:02:11 2004  lastused: Mar  5 14:02:11 2004",
            "\tlifetime: 0(s) validtime: 0(s)",
            "\tspid=16388 seq=0 pid=1241",
            "\trefcnt=1",
        });
        NS_TEST_EXPECT_MSG_EQ(spd, expectedSpd, "setkey -DP of the example");

        // The example continued: one ICMP echo A->B (IP total length 108) at
        // 14:02:25.
        // On A the outbound SA sends sequence number 1 and carries the packet;
        // the policy request keeps a reference (refcnt=2).
        Ptr<IpsecSa> out = n.sad->Get(Addr("10.0.0.1"), Addr("10.0.0.2"), IpsecProto::ESP, 0x1001);
        NS_TEST_ASSERT_MSG_NE(out, nullptr, "A->B SA");
        Simulator::Schedule(Seconds(5),
                            [&]()
                            {
                                uint32_t seq = 0;
                                out->NextSequence(&seq);
                                out->RecordUse(108, Simulator::Now());
                            });
        Simulator::Schedule(Seconds(7),
                            [&]()
                            {
                                sad = SetkeyDump::SadToString(n.sad, sadOpts);
                            });
        Simulator::Run();
        std::string afterPing = Lines({
            "10.0.0.1 10.0.0.2 ",
            "\tesp mode=transport spi=4097(0x00001001) reqid=0(0x00000000)",
            "\tE: 3des-cbc  31323334 35363738 39303132 33343536 37383930 31323334",
            "\tseq=0x00000001 replay=0 flags=0x00000040 state=mature ",
            "\tcreated: Mar  5 14:02:11 2004\tcurrent: Mar  5 14:02:27 2004",
            "\tdiff: 16(s)\thard: 0(s)\tsoft: 0(s)",
            "\tlast: Mar  5 14:02:25 2004\thard: 0(s)\tsoft: 0(s)",
            "\tcurrent: 108(bytes)\thard: 0(bytes)\tsoft: 0(bytes)",
            "\tallocated: 1\thard: 0\tsoft: 0",
            "\tsadb_seq=0 pid=1240 refcnt=2",
        });
        NS_TEST_EXPECT_MSG_EQ(Contains(sad, afterPing), true, "A->B after one ping:\n" << sad);
        NS_TEST_EXPECT_MSG_EQ(
            Contains(sad, "\tseq=0x00000000 replay=0 flags=0x00000040"), true, "B->A untouched");
        Simulator::Destroy();
    }
};

/// The dump and spddump statements of a script print the same text, line by line.
class DumpStatementTestCase : public TestCase
{
  public:
    DumpStatementTestCase()
        : TestCase("dump and spddump statements")
    {
    }

  private:
    void DoRun() override
    {
        KeyNode n;
        SetkeyDumpOptions opts;
        opts.pid = 77;
        SetkeyResult r = n.Run(std::string(kExampleScript) + "dump;\nspddump;\n", opts);
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "no error");
        std::string printed = Lines(r.messages);
        NS_TEST_EXPECT_MSG_EQ(printed,
                              SetkeyDump::SadToString(n.sad, opts)
                                  + SetkeyDump::SpdToString(n.spd, opts),
                              "messages = the dumps");
        NS_TEST_EXPECT_MSG_EQ(r.messages.size(), 20u + 14u, "one message per line");
        NS_TEST_EXPECT_MSG_EQ(r.messages[0], "10.0.0.2 10.0.0.1 ", "first line");
        NS_TEST_EXPECT_MSG_EQ(Contains(printed, "pid=77 "), true, "options reach the dump");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(printed, "created: Jan  1 00:00:00 2026"), true, "default epoch");

        // "dump esp;" / "dump ah;": the protocol filter and its empty case.
        r = n.Run("dump ah;\ndump esp;\n");
        NS_TEST_EXPECT_MSG_EQ(r.messages[0], "The result of line 1: No SAD entries.", "no ah SA");
        NS_TEST_EXPECT_MSG_EQ(r.messages[1], "10.0.0.2 10.0.0.1 ", "esp SAs dumped");
        NS_TEST_EXPECT_MSG_EQ(r.messages.size(), 21u, "error + two SAs");

        // -n: nothing runs, nothing is dumped.
        SetkeyOptions parseOnly;
        parseOnly.parseOnly = true;
        r = Setkey::Run(n.sad, n.spd, "dump;\nspddump;\n", "", parseOnly);
        NS_TEST_EXPECT_MSG_EQ(r.messages.size(), 0u, "-n prints nothing");

        // Empty databases, statement and command-line form.
        n.Run("flush;\nspdflush;\n");
        r = n.Run("dump;\nspddump;\n");
        NS_TEST_ASSERT_MSG_EQ(r.messages.size(), 2u, "two errors");
        NS_TEST_EXPECT_MSG_EQ(r.messages[0], "The result of line 1: No SAD entries.", "SAD");
        NS_TEST_EXPECT_MSG_EQ(r.messages[1], "The result of line 2: No SPD entries.", "SPD");
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::SadToString(n.sad), "No SAD entries.\n", "-D empty");
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::SpdToString(n.spd), "No SPD entries.\n", "-DP empty");
        SetkeyDumpOptions ahOnly;
        n.Run("add 10.0.0.1 10.0.0.2 esp 0x1001 -E null;");
        ahOnly.proto = IpsecProto::AH;
        NS_TEST_EXPECT_MSG_EQ(
            SetkeyDump::SadToString(n.sad, ahOnly), "No SAD entries.\n", "no SA of that protocol");
        Simulator::Destroy();
    }
};

/// ipsec_hexdump's layout, and the E:/A:/C: lines.
class DumpKeysTestCase : public TestCase
{
  public:
    DumpKeysTestCase()
        : TestCase("key hex layout, algorithm names, IPComp line")
    {
    }

  private:
    static std::vector<uint8_t> Seq(size_t n)
    {
        std::vector<uint8_t> v(n);
        for (size_t i = 0; i < n; ++i)
        {
            v[i] = static_cast<uint8_t>(i);
        }
        return v;
    }

    void DoRun() override
    {
        const std::string row0 = " 00010203 04050607 08090a0b 0c0d0e0f 10111213 14151617 18191a1b "
                                 "1c1d1e1f";
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::HexKey({}), "", "empty key");
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::HexKey({0xab}), " ab", "one byte");
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::HexKey(Seq(6)), " 00010203 0405", "partial group");
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::HexKey(Seq(32)), row0, "32 bytes: no newline");
        NS_TEST_EXPECT_MSG_EQ(
            SetkeyDump::HexKey(Seq(36)), row0 + "\n 20212223", "bare newline before byte 32");
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::HexKey(Seq(64)),
                              row0
                                  + "\n 20212223 24252627 28292a2b 2c2d2e2f 30313233 34353637 "
                                    "38393a3b 3c3d3e3f",
                              "two full rows, no trailing newline");
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::HexKey({0xff, 0x0a}), " ff0a", "lower case");

        KeyNode n;
        SetkeyResult r = n.Run(
            "add 10.0.0.1 10.0.0.3 esp 0x1003 -m tunnel -u 7 -r 4 -E blowfish-cbc "
            "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223 "
            "-A hmac-sha2-512 "
            "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f;\n"
            "add 10.0.0.1 10.0.0.4 ah 0x2000 -lh 300 -ls 200 -A keyed-md5 \"0123456789abcdef\";\n"
            "add 10.0.0.1 10.0.0.5 esp 0x3000 -E rijndael-cbc \"0123456789abcdef\" -A keyed-sha1 "
            "\"01234567890123456789\";\n"
            "add 10.0.0.1 10.0.0.6 ipcomp 0x4000 -C deflate;\n"
            "add 10.0.0.1 10.0.0.7 ipcomp 0x10000 -C deflate -R;\n"
            "add 10.0.0.1 10.0.0.8 esp 0x5000 -E null;\n"
            "add 10.0.0.1 10.0.0.9 esp 0x6000 -f nocyclic-seq -E aes-cbc \"0123456789abcdef\";\n");
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "loads: " << Lines(r.messages));
        std::string d = SetkeyDump::SadToString(n.sad);

        NS_TEST_EXPECT_MSG_EQ(
            Contains(d,
                     "10.0.0.1 10.0.0.3 \n"
                     "\tesp mode=tunnel spi=4099(0x00001003) reqid=7(0x00000007)\n"
                     "\tE: blowfish-cbc "
                         + row0 + "\n 20212223\n\tA: hmac-sha2-512 " + row0 + "\n" + row0
                         + "\n\tseq=0x00000000 replay=4 flags=0x00000040 "
                           "state=mature \n"),
            true,
            "two-row keys, mode, reqid, replay:\n"
                << d);
        NS_TEST_EXPECT_MSG_EQ(Contains(d,
                                       "\tah mode=any spi=8192(0x00002000) reqid=0(0x00000000)\n"
                                       "\tA: md5  30313233 34353637 38396162 63646566\n"
                                       "\tseq=0x00000000"),
                              true,
                              "AH: no E: line, keyed-md5 prints as md5");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(d, "\tdiff: 0(s)\thard: 300(s)\tsoft: 200(s)\n"), true, "add-time lifetimes");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(d, "\tE: rijndael-cbc  30313233 34353637 38396162 63646566\n\tA: sha  "),
            true,
            "rijndael-cbc (KAME name), keyed-sha1 prints as sha");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(d,
                     "10.0.0.1 10.0.0.6 \n"
                     "\tipcomp mode=any spi=16384(0x00004000) reqid=0(0x00000000)\n"
                     "\tC: deflate \tseq=0x00000000 replay=0 flags=0x00000040 state=mature \n"
                     "\tcreated: "),
            true,
            "IPComp: C: line joined with the seq line");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(d,
                     "\tipcomp mode=any spi=65536(0x00010000) reqid=0(0x00000000)\n"
                     "\tC: deflate \tseq=0x00000000 replay=0 flags=0x000000c0 state=mature \n"),
            true,
            "IPComp -R: raw CPI flag");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(d, "\tE: null \n\tseq=0x00000000"), true, "null cipher: empty key");
        NS_TEST_EXPECT_MSG_EQ(Contains(d,
                                       "\tE: rijndael-cbc  30313233 34353637 38396162 63646566\n"
                                       "\tseq=0x00000000 replay=0 flags=0x00000000 state=mature "),
                              true,
                              "aes-cbc dumps as rijndael-cbc; nocyclic-seq clears 0x40");
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::EncAlgorithmName(253), "twofish-cbc", "twofish");
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::EncAlgorithmName(99), "99", "unknown id");
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::AuthAlgorithmName(250), "sha", "keyed-sha1");
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::CompAlgorithmName(2), "deflate", "deflate");
        Simulator::Destroy();
    }
};

/// Dates, seq= and refcnt= rules.
class DumpCountersTestCase : public TestCase
{
  public:
    DumpCountersTestCase()
        : TestCase("dates, seq and refcnt")
    {
    }

  private:
    void DoRun() override
    {
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::FormatDate(0), std::string(20, ' '), "zero: blanks");
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::FormatDate(SetkeyDumpOptions::DEFAULT_EPOCH),
                              "Jan  1 00:00:00 2026",
                              "default epoch");
        NS_TEST_EXPECT_MSG_EQ(
            SetkeyDump::FormatDate(kExampleEpoch), "Mar  5 14:02:11 2004", "example");
        NS_TEST_EXPECT_MSG_EQ(
            SetkeyDump::FormatDate(1700000000), "Nov 14 22:13:20 2023", "two-digit day");
        SetkeyDumpOptions opts;
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::WallClock(MilliSeconds(9700), opts),
                              SetkeyDumpOptions::DEFAULT_EPOCH + 9,
                              "whole seconds");

        KeyNode n;
        SetkeyResult r = n.Run(
            "add 10.0.0.1 10.0.0.2 esp 0x1001 -r 8 -E null -A hmac-sha1 \"12345678901234567890\";\n"
            "add 10.0.0.2 10.0.0.1 esp 0x1002 -r 8 -E null -A hmac-sha1 \"12345678901234567890\";\n"
            "add 10.0.0.1 10.0.0.2 ipcomp 0x4000 -C deflate;\n");
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "loads");
        Ptr<IpsecSa> out = n.sad->Get(Addr("10.0.0.1"), Addr("10.0.0.2"), IpsecProto::ESP, 0x1001);
        Ptr<IpsecSa> in = n.sad->Get(Addr("10.0.0.2"), Addr("10.0.0.1"), IpsecProto::ESP, 0x1002);
        Ptr<IpsecSa> comp
            = n.sad->Get(Addr("10.0.0.1"), Addr("10.0.0.2"), IpsecProto::IPCOMP, 0x4000);
        // Outbound: three packets sent; inbound: 0x11 packets accepted.
        for (int i = 0; i < 3; ++i)
        {
            uint32_t seq;
            out->NextSequence(&seq);
            out->RecordUse(100, Seconds(0));
        }
        for (uint32_t s = 1; s <= 0x11; ++s)
        {
            in->replay.Update(s, true);
            in->RecordUse(100, Seconds(0));
        }
        comp->RecordUse(500, Seconds(0));

        std::string d = SetkeyDump::SadToString(n.sad, opts);
        NS_TEST_EXPECT_MSG_EQ(Contains(d, "spi=4097(0x00001001)"), true, "outbound SA dumped");
        auto block = [&d](uint32_t spi)
        {
            std::string key = "spi=" + std::to_string(spi) + "(";
            size_t from = d.find(key);
            size_t to = d.find("refcnt=", from);
            return d.substr(from, d.find('\n', to) - from);
        };
        std::string o = block(0x1001);
        std::string i = block(0x1002);
        std::string c = block(0x4000);
        NS_TEST_EXPECT_MSG_EQ(Contains(o, "seq=0x00000003 replay=8 "), true, "sent: " << o);
        NS_TEST_EXPECT_MSG_EQ(Contains(o, "refcnt=2"), true, "outbound use");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(o, "\tlast: Jan  1 00:00:00 2026\t"), true, "used at time 0: last is set");
        NS_TEST_EXPECT_MSG_EQ(Contains(i, "seq=0x00000011 replay=8 "), true, "accepted: " << i);
        NS_TEST_EXPECT_MSG_EQ(Contains(i, "refcnt=1"), true, "inbound only");
        NS_TEST_EXPECT_MSG_EQ(Contains(i, "\tcurrent: 1700(bytes)"), true, "bytes");
        NS_TEST_EXPECT_MSG_EQ(Contains(i, "\tallocated: 17\t"), true, "allocations");
        NS_TEST_EXPECT_MSG_EQ(Contains(c, "refcnt=1"), true, "IPComp: no sequence numbers");
        // With the node's addresses known, the outbound IPComp SA is recognised.
        opts.localAddresses.insert(Addr("10.0.0.1"));
        d = SetkeyDump::SadToString(n.sad, opts);
        NS_TEST_EXPECT_MSG_EQ(Contains(block(0x4000), "refcnt=2"), true, "IPComp outbound");
        NS_TEST_EXPECT_MSG_EQ(Contains(block(0x1002), "refcnt=1"), true, "inbound stays 1");
        // An SA a node both sends and receives on: KAME's one counter counts both.
        out->replay.Update(1, true);
        NS_TEST_EXPECT_MSG_EQ(Contains(SetkeyDump::SadToString(n.sad), "seq=0x00000004 "),
                              true,
                              "sum of both counters");
        Simulator::Destroy();
    }
};

/// Dump order (heads newest first; mature, dying, larval, dead), sadb_seq and -a.
class DumpOrderTestCase : public TestCase
{
  public:
    DumpOrderTestCase()
        : TestCase("dump order, sadb_seq and -a")
    {
    }

  private:
    /// The SPIs in dump order.
    static std::vector<uint32_t> Spis(const std::string& d)
    {
        std::vector<uint32_t> v;
        for (size_t pos = d.find(" spi="); pos != std::string::npos; pos = d.find(" spi=", pos + 1))
        {
            v.push_back(std::stoul(d.substr(pos + 5)));
        }
        return v;
    }

    void DoRun() override
    {
        KeyNode n;
        SetkeyResult r = n.Run("add 10.0.0.1 10.0.0.2 esp 0x101 -E null;\n"
                               "add 10.0.0.1 10.0.0.2 esp 0x102 -E null;\n"
                               "add 10.0.0.1 10.0.0.2 esp 0x103 -E null;\n"
                               "add 10.0.0.1 10.0.0.2 esp 0x104 -E null;\n"
                               "add 10.0.0.3 10.0.0.4 esp 0x201 -E null;\n");
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "loads");
        // Move SAs of the first head into the other states, as the timer would.
        Ptr<IpsecSaHead> head;
        for (const auto& h : n.sad->GetHeads())
        {
            if (h->dst == Addr("10.0.0.2"))
            {
                head = h;
            }
        }
        NS_TEST_ASSERT_MSG_NE(head, nullptr, "head");
        auto move = [&head](uint32_t spi, IpsecSaState to)
        {
            auto& from = head->sas[static_cast<int>(IpsecSaState::MATURE)];
            for (auto it = from.begin(); it != from.end(); ++it)
            {
                if ((*it)->params.spi == spi)
                {
                    (*it)->state = to;
                    head->sas[static_cast<int>(to)].push_front(*it);
                    from.erase(it);
                    return;
                }
            }
        };
        move(0x101, IpsecSaState::DEAD);
        move(0x102, IpsecSaState::LARVAL);
        move(0x103, IpsecSaState::DYING);

        SetkeyDumpOptions all;
        all.showDead = true;
        std::string d = SetkeyDump::SadToString(n.sad, all);
        std::vector<uint32_t> expected = {0x201, 0x104, 0x103, 0x102, 0x101};
        NS_TEST_EXPECT_MSG_EQ((Spis(d) == expected), true, "order with -a:\n" << d);
        NS_TEST_EXPECT_MSG_EQ(Contains(d, "state=dead \n"), true, "dead shown with -a");
        NS_TEST_EXPECT_MSG_EQ(Contains(d, "state=dying \n"), true, "dying");
        NS_TEST_EXPECT_MSG_EQ(Contains(d, "state=larval \n"), true, "larval");
        NS_TEST_EXPECT_MSG_EQ(Contains(d, "\tsadb_seq=0 "), true, "last is 0");
        NS_TEST_EXPECT_MSG_EQ(Contains(d, "\tsadb_seq=4 "), true, "first is 4");

        d = SetkeyDump::SadToString(n.sad);
        expected = {0x201, 0x104, 0x103, 0x102};
        NS_TEST_EXPECT_MSG_EQ((Spis(d) == expected), true, "dead hidden without -a:\n" << d);
        NS_TEST_EXPECT_MSG_EQ(Contains(d, "state=dead"), false, "no dead SA");
        // The kernel numbered the dead SA too: the last one shown has sadb_seq 1.
        NS_TEST_EXPECT_MSG_EQ(Contains(d, "\tsadb_seq=1 "), true, "larval SA is 1");
        NS_TEST_EXPECT_MSG_EQ(Contains(d, "\tsadb_seq=0 "), false, "0 was the dead SA");

        // Only dead SAs: setkey prints nothing (the kernel did send them).
        r = n.Run("flush;\nadd 10.0.0.1 10.0.0.2 esp 0x301 -E null;\n");
        head = n.sad->GetHeads().front();
        move(0x301, IpsecSaState::DEAD);
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::SadToString(n.sad), "", "dead only, no -a");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(SetkeyDump::SadToString(n.sad, all), "state=dead"), true, "dead only, -a");
        // -a in a script.
        SetkeyDumpOptions scriptAll;
        scriptAll.showDead = true;
        r = n.Run("dump;", scriptAll);
        NS_TEST_EXPECT_MSG_EQ(Contains(Lines(r.messages), "state=dead"), true, "dump with -a");
        Simulator::Destroy();
    }
};

/// setkey -DP: prefixes, ports, upper-layer names, requests.
class DumpSpdTestCase : public TestCase
{
  public:
    DumpSpdTestCase()
        : TestCase("SPD dump selectors and requests")
    {
    }

  private:
    void DoRun() override
    {
        KeyNode n;
        SetkeyResult r = n.Run(
            "spdadd 10.1.0.0/16[any] 10.2.0.5[80] tcp -P out discard;\n"
            "spdadd 10.1.0.0/16 10.2.0.0/16 udp -P out none;\n"
            "spdadd 10.1.0.0/16 10.2.0.0/16 gre -P out ipsec "
            "esp/tunnel/192.0.2.1-192.0.2.2/unique ah/transport//use;\n"
            "spdadd 10.1.0.0/16 10.2.0.0/16 200 -P out ipsec "
            "esp/tunnel/192.0.2.1-192.0.2.2/unique:5;\n"
            "spdadd fec0::/64[53] fec0::1 udp -P in none;\n"
            "spdadd fec0::1 fec0::2 icmp6 135,0 -P in discard;\n"
            "spdadd fec0::1 fec0::2 icmp6 -P in ipsec esp/transport/fec0::1-fec0::2/require;\n"
            "spdadd 10.0.0.0/8 10.0.0.0/8 any -P in ipsec ipcomp/transport//use "
            "esp/transport//default;\n");
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "loads: " << Lines(r.messages));
        std::string d = SetkeyDump::SpdToString(n.spd);
        const std::string t = "\tcreated: Jan  1 00:00:00 2026  lastused: Jan  1 00:00:00 2026\n"
                              "\tlifetime: 0(s) validtime: 0(s)\n";
        std::string expected =
            // inbound list first
            "fec0::/64[53] fec0::1[any] udp\n\tin none\n" + t
            + "\tspid=16392 seq=7 pid=0\n\trefcnt=1\n"
              "fec0::1 fec0::2 icmp6 135,0\n\tin discard\n"
            + t
            + "\tspid=16393 seq=6 pid=0\n\trefcnt=1\n"
              "fec0::1 fec0::2 icmp6\n\tin ipsec\n\tesp/transport/fec0::1-fec0::2/require\n"
            + t
            + "\tspid=16394 seq=5 pid=0\n\trefcnt=1\n"
              "10.0.0.0/8[any] 10.0.0.0/8[any] any\n\tin ipsec\n\tipcomp/transport//use\n"
              "\tesp/transport//default\n"
            + t
            + "\tspid=16395 seq=4 pid=0\n\trefcnt=1\n"
              // then outbound
              "10.1.0.0/16[any] 10.2.0.5[80] tcp\n\tout discard\n"
            + t
            + "\tspid=16388 seq=3 pid=0\n\trefcnt=1\n"
              "10.1.0.0/16[any] 10.2.0.0/16[any] udp\n\tout none\n"
            + t
            + "\tspid=16389 seq=2 pid=0\n\trefcnt=1\n"
              "10.1.0.0/16[any] 10.2.0.0/16[any] gre\n\tout ipsec\n"
              "\tesp/tunnel/192.0.2.1-192.0.2.2/unique#16385\n\tah/transport//use\n"
            + t
            + "\tspid=16390 seq=1 pid=0\n\trefcnt=1\n"
              "10.1.0.0/16[any] 10.2.0.0/16[any] 200\n\tout ipsec\n"
              "\tesp/tunnel/192.0.2.1-192.0.2.2/unique:5\n"
            + t + "\tspid=16391 seq=0 pid=0\n\trefcnt=1\n";
        NS_TEST_EXPECT_MSG_EQ(d, expected, "setkey -DP");

        // lastused follows the last lookup hit.
        Ptr<IpsecPolicy> p = n.spd->GetPolicies(IpsecDirection::OUTBOUND)[0];
        p->lastUsed = Seconds(61);
        NS_TEST_EXPECT_MSG_EQ(
            Contains(SetkeyDump::SpdToString(n.spd),
                     "\tcreated: Jan  1 00:00:00 2026  lastused: Jan  1 00:01:01 2026\n"),
            true,
            "lastused");
        Simulator::Destroy();
    }
};

/// A large SAD is dumped completely (KAME would truncate it).
class DumpManyTestCase : public TestCase
{
  public:
    DumpManyTestCase()
        : TestCase("5000 SAs dumped completely")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t kSas = 5000;
        KeyNode n;
        const IpsecEncAlgorithm* null = FindEncAlgorithm("null");
        for (uint32_t i = 0; i < kSas; ++i)
        {
            IpsecSaParams p;
            p.src = Addr("10.0.0.1");
            p.dst = Ipv4Address(0x0a010000 + i / 100);
            p.proto = IpsecProto::ESP;
            p.spi = 0x10000 + i;
            p.enc = null;
            p.hasEncKey = true;
            NS_TEST_ASSERT_MSG_EQ(n.sad->Add(p), 0, "SA " << i);
        }
        std::string d = SetkeyDump::SadToString(n.sad);
        NS_TEST_EXPECT_MSG_EQ(Count(d, "\tsadb_seq="), kSas, "every SA");
        NS_TEST_EXPECT_MSG_EQ(Count(d, "\n"), kSas * 10, "10 lines each (L1..L11 without A:)");
        NS_TEST_EXPECT_MSG_EQ(d.compare(0, 20, "10.0.0.1 10.1.0.49 \n"), 0, "newest head first");
        NS_TEST_EXPECT_MSG_EQ(Contains(d, "\tsadb_seq=4999 pid=0 refcnt=1\n"), true, "first");
        NS_TEST_EXPECT_MSG_EQ((d.size() > 128 * 1024), true, "larger than KAME's socket buffer");
        const std::string lastLine = "\tsadb_seq=0 pid=0 refcnt=1\n";
        NS_TEST_EXPECT_MSG_EQ(d.substr(d.size() - lastLine.size()), lastLine, "last");
        std::set<uint32_t> spis;
        for (size_t pos = d.find(" spi="); pos != std::string::npos; pos = d.find(" spi=", pos + 1))
        {
            spis.insert(std::stoul(d.substr(pos + 5, 12)));
        }
        NS_TEST_EXPECT_MSG_EQ(spis.size(), kSas, "every SPI once");
        NS_TEST_EXPECT_MSG_EQ(*spis.begin(), 0x10000u, "lowest");
        NS_TEST_EXPECT_MSG_EQ(*spis.rbegin(), 0x10000u + kSas - 1, "highest");

        SetkeyResult r = n.Run("dump;");
        NS_TEST_EXPECT_MSG_EQ(r.messages.size(), kSas * 10, "statement: every line");
        Simulator::Destroy();
    }
};

} // namespace

/// The setkey -D / -DP suite.
class IpsecDumpTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecDumpTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-dump", UNIT)
    {
        AddTestCase(new DumpExampleTestCase, TestCase::QUICK);
        AddTestCase(new DumpStatementTestCase, TestCase::QUICK);
        AddTestCase(new DumpKeysTestCase, TestCase::QUICK);
        AddTestCase(new DumpCountersTestCase, TestCase::QUICK);
        AddTestCase(new DumpOrderTestCase, TestCase::QUICK);
        AddTestCase(new DumpSpdTestCase, TestCase::QUICK);
        AddTestCase(new DumpManyTestCase, TestCase::QUICK);
    }
};

static IpsecDumpTestSuite g_ipsecDumpTestSuite;
