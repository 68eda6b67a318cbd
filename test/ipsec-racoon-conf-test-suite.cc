/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Tests of racoon's configuration: racoon.conf (the shipped sample, every
 * statement of the modelled subset, racoon's defaults, units and names,
 * include, the remote and sainfo lookups, the statements accepted and
 * ignored or refused, errors with their file, line and token) and psk.txt
 * (racoon's getpsk() reading and safefile()'s permission rule).
 */
#include "ipsec-test-base.h"
#include "ipsec-test-util.h"
#include "ns3/racoon-conf.h"
#include "ns3/test.h"

#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// Joins @p lines with newlines (line i+1 of the text is lines[i]).
std::string
Lines(std::initializer_list<const char*> lines)
{
    std::string s;
    for (const char* l : lines)
    {
        s += l;
        s += '\n';
    }
    return s;
}

IpsecAddress
Addr(const char* text)
{
    return *IpsecAddress::Parse(text);
}

std::string
Str(const std::vector<uint8_t>& v)
{
    return std::string(v.begin(), v.end());
}

bool
Contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

/// Files in memory, for include and keyid file.
struct MemoryFiles
{
    std::map<std::string, std::string> files;

    RacoonConfFiles Hooks() const
    {
        RacoonConfFiles h;
        const auto* m = &files;
        h.glob = [m](const std::string& pattern)
        {
            std::vector<std::string> out;
            if (m->count(pattern) != 0)
            {
                out.push_back(pattern);
            }
            return out;
        };
        h.read = [m](const std::string& path, std::string* why) -> std::optional<std::string>
        {
            auto i = m->find(path);
            if (i == m->end())
            {
                *why = "no such file";
                return std::nullopt;
            }
            return i->second;
        };
        return h;
    }
};

/// The error ParseRacoonConf throws for @p text, if any.
std::optional<RacoonConfError>
ParseError(const std::string& text, const RacoonConfFiles& files = RacoonConfDiskFiles())
{
    try
    {
        ParseRacoonConf(text, "racoon.conf", ".", files);
    }
    catch (const RacoonConfError& e)
    {
        return e;
    }
    return std::nullopt;
}

/// A remote block and an sainfo block that parse, for wrapping other statements.
const char* const kProposal = "proposal { encryption_algorithm 3des; hash_algorithm sha1; "
                              "authentication_method pre_shared_key; dh_group 2; }";

std::string
RemoteWith(const std::string& statements)
{
    return "remote anonymous {\n exchange_mode main;\n " + statements + "\n " + kProposal + "\n}\n";
}

std::string
SainfoWith(const std::string& head, const std::string& statements = "")
{
    return "sainfo " + head + " {\n " + statements
         + "\n encryption_algorithm 3des; authentication_algorithm hmac_sha1; "
           "compression_algorithm deflate;\n}\n";
}

// ===========================================================================

/// The shipped sample (ipsec-tools' racoon.conf.sample, the FAQ's copy) and psk.txt.
class RacoonSampleTestCase : public TestCase
{
  public:
    RacoonSampleTestCase()
        : TestCase("the shipped racoon.conf and psk.txt parse to the sample's values")
    {
    }

  private:
    void DoRun() override
    {
        const std::string dir = std::string(NS3_IPSEC_SOURCE_DIR) + "/examples/ike/";
        RacoonConf c = ReadRacoonConf(dir + "racoon.conf");
        NS_TEST_EXPECT_MSG_EQ(c.pskPath, "/usr/local/v6/etc/psk.txt", "path pre_shared_key");
        NS_TEST_EXPECT_MSG_EQ(c.ignored.size(), 0, "nothing ignored");
        NS_TEST_EXPECT_MSG_EQ(c.listen.size(), 0, "no listen: every address");
        NS_TEST_ASSERT_MSG_EQ(c.remotes.size(), 1, "one remote");
        const RacoonRemote& r = c.remotes[0];
        NS_TEST_EXPECT_MSG_EQ(r.anonymous, true, "remote anonymous");
        NS_TEST_EXPECT_MSG_EQ(r.line, 21, "remote at line 21");
        NS_TEST_EXPECT_MSG_EQ(r.file, dir + "racoon.conf", "its file");
        NS_TEST_ASSERT_MSG_EQ(r.exchangeModes.size(), 2, "main,base");
        NS_TEST_EXPECT_MSG_EQ(r.exchangeModes[0], "main", "main first");
        NS_TEST_EXPECT_MSG_EQ(r.exchangeModes[1], "base", "then base");
        NS_TEST_EXPECT_MSG_EQ(r.lifetime, Hours(24), "lifetime time 24 hour");
        NS_TEST_EXPECT_MSG_EQ(r.proposalCheck, "strict", "proposal_check strict");
        NS_TEST_EXPECT_MSG_EQ(r.initialContact, true, "initial_contact default on");
        NS_TEST_EXPECT_MSG_EQ(r.passive, false, "passive default off");
        NS_TEST_EXPECT_MSG_EQ(r.nonceSize, 16, "nonce_size default");
        NS_TEST_EXPECT_MSG_EQ(r.myIdentifier.has_value(), false, "no my_identifier");
        NS_TEST_ASSERT_MSG_EQ(r.proposals.size(), 1, "one proposal");
        const RacoonProposal& p = r.proposals[0];
        NS_TEST_EXPECT_MSG_EQ(p.encryption, "3des", "3des");
        NS_TEST_EXPECT_MSG_EQ(p.keyLength, 0, "3des has no key length");
        NS_TEST_EXPECT_MSG_EQ(p.hash, "sha1", "sha1");
        NS_TEST_EXPECT_MSG_EQ(p.authMethod, "pre_shared_key", "psk");
        NS_TEST_EXPECT_MSG_EQ(p.dhGroup, 2, "dh_group 2");
        NS_TEST_EXPECT_MSG_EQ(p.lifetime, Seconds(0), "the remote's lifetime");

        NS_TEST_ASSERT_MSG_EQ(c.sainfos.size(), 1, "one sainfo");
        const RacoonSainfo& s = c.sainfos[0];
        NS_TEST_EXPECT_MSG_EQ(s.local.anonymous && s.remote.anonymous, true, "sainfo anonymous");
        NS_TEST_EXPECT_MSG_EQ(s.pfsGroup.value_or(0), 2, "pfs_group 2");
        NS_TEST_EXPECT_MSG_EQ(s.lifetime, Hours(12), "lifetime time 12 hour");
        const std::vector<std::pair<std::string, uint32_t>> enc
            = {{"3des", 0}, {"cast128", 128}, {"blowfish", 448}, {"des", 0}, {"aes", 128}};
        NS_TEST_ASSERT_MSG_EQ(s.encryption.size(), enc.size(), "five ciphers");
        for (size_t i = 0; i < enc.size(); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(s.encryption[i].first, enc[i].first, "cipher " << i);
            NS_TEST_EXPECT_MSG_EQ(s.encryption[i].second, enc[i].second, "key length " << i);
        }
        NS_TEST_ASSERT_MSG_EQ(s.authentication.size(), 2, "two");
        NS_TEST_EXPECT_MSG_EQ(s.authentication[0], "hmac_sha1", "hmac_sha1 first");
        NS_TEST_EXPECT_MSG_EQ(s.authentication[1], "hmac_md5", "then hmac_md5");
        NS_TEST_ASSERT_MSG_EQ(s.compression.size(), 1, "deflate");
        NS_TEST_EXPECT_MSG_EQ(s.compression[0], "deflate", "deflate");

        // The FAQ's two hosts both find these blocks.
        NS_TEST_EXPECT_MSG_EQ(c.FindRemote(Addr("10.1.1.1")), &r, "A's peer");
        NS_TEST_EXPECT_MSG_EQ(c.FindRemote(Addr("20.1.1.1")), &r, "B's peer");
        RacoonSainfoId a;
        a.anonymous = false;
        a.address = Addr("10.1.1.1");
        a.prefix = 32;
        RacoonSainfoId b = a;
        b.address = Addr("20.1.1.1");
        NS_TEST_EXPECT_MSG_EQ(c.FindSainfo(a, b), &s, "phase 2 A-B");

        // psk.txt: the FAQ's key for both hosts' addresses.
        RacoonPskFile psk = RacoonPskFile::Read(dir + "psk.txt");
        NS_TEST_EXPECT_MSG_EQ(psk.GetN(), 2, "two keys");
        NS_TEST_EXPECT_MSG_EQ(psk.GetNotes().size(), 0, "nothing odd");
        NS_TEST_EXPECT_MSG_EQ(
            Str(psk.Lookup("10.1.1.1").value_or(std::vector<uint8_t>{})), "spamspamspam", "A");
        NS_TEST_EXPECT_MSG_EQ(
            Str(psk.Lookup("20.1.1.1").value_or(std::vector<uint8_t>{})), "spamspamspam", "B");
        NS_TEST_EXPECT_MSG_EQ(psk.Lookup("30.1.1.1").has_value(), false, "no one else");
    }
};

/// Every statement of the modelled subset.
class RacoonStatementsTestCase : public TestCase
{
  public:
    RacoonStatementsTestCase()
        : TestCase("every statement of the subset sets its value")
    {
    }

  private:
    void DoRun() override
    {
        MemoryFiles mem;
        mem.files["./keyid.bin"] = "key-id-from-file\n";
        const std::string text = Lines({
            "# every statement",                                    // 1
            "path pre_shared_key \"/etc/racoon/psk.txt\";",         // 2
            "listen {",                                             // 3
            "  isakmp 10.0.0.1;",                                   // 4
            "  isakmp 2001:db8::1 [7000];",                         // 5
            "}",                                                    // 6
            "timer {",                                              // 7
            "  counter 7; interval 20 sec; persend 2;",             // 8
            "  phase1 15 sec; phase2 1 min; natt_keepalive 2 min;", // 9
            "}",                                                    // 10
            "remote 10.0.0.2 [4500] {",                             // 11
            "  exchange_mode aggressive, main;",                    // 12
            "  my_identifier fqdn \"a.example\";",                  // 13
            "  peers_identifier user_fqdn \"b@example\";",          // 14
            "  peers_identifier keyid tag \"kid\";",                // 15
            "  verify_identifier on;",                              // 16
            "  lifetime time 2 hours;",                             // 17
            "  nonce_size 32;",                                     // 18
            "  initial_contact off;",                               // 19
            "  passive on;",                                        // 20
            "  proposal_check claim;",                              // 21
            "  generate_policy require;",                           // 22
            "  proposal {",                                         // 23
            "    encryption_algorithm aes 256; hash_algorithm sha256;",
            "    authentication_method pre_shared_key; dh_group modp2048;",
            "    lifetime time 30 min;",
            "  }",
            "  proposal { encryption_algorithm blowfish; hash_algorithm md5;",
            "    authentication_method pre_shared_key; dh_group 14; }",
            "}",                                                              // 30
            "remote \"gw\" {",                                                // 31
            "  remote_address 2001:db8::2;",                                  // 32
            "  exchange_mode base;",                                          // 33
            "  my_identifier address;",                                       // 34
            "  peers_identifier address 2001:db8::2;",                        // 35
            "  my_identifier keyid \"keyid.bin\";",                           // 36
            std::string(std::string("  ") + kProposal).c_str(),               // 37
            "}",                                                              // 38
            "sainfo address 10.1.0.0/16 [any] tcp address 10.2.0.1 [80] 6 {", // 39
            "  pfs_group modp1536;",
            "  lifetime time 10 minutes;",
            "  encryption_algorithm aes 192, 3des;",
            "  authentication_algorithm hmac_sha256, non_auth;",
            "  compression_algorithm deflate;",
            "}",
            "sainfo subnet 2001:db8:1::/48 any anonymous {", // 46
            "  pfs_group 5;",
            "  encryption_algorithm null_enc; authentication_algorithm hmac_sha512;",
            "  compression_algorithm deflate;",
            "}",
        });
        RacoonConf c = ParseRacoonConf(text, "racoon.conf", ".", mem.Hooks());
        NS_TEST_EXPECT_MSG_EQ(c.pskPath, "/etc/racoon/psk.txt", "psk path");
        NS_TEST_ASSERT_MSG_EQ(c.listen.size(), 2, "two listen addresses");
        NS_TEST_EXPECT_MSG_EQ(c.listen[0].first, Addr("10.0.0.1"), "first");
        NS_TEST_EXPECT_MSG_EQ(c.listen[0].second, 500, "ISAKMP's port");
        NS_TEST_EXPECT_MSG_EQ(c.listen[1].first, Addr("2001:db8::1"), "IPv6");
        NS_TEST_EXPECT_MSG_EQ(c.listen[1].second, 7000, "[7000]");

        NS_TEST_EXPECT_MSG_EQ(c.timer.counter, 7, "counter");
        NS_TEST_EXPECT_MSG_EQ(c.timer.interval, Seconds(20), "interval");
        NS_TEST_EXPECT_MSG_EQ(c.timer.persend, 2, "persend");
        NS_TEST_EXPECT_MSG_EQ(c.timer.phase1, Seconds(15), "phase1");
        NS_TEST_EXPECT_MSG_EQ(c.timer.phase2, Seconds(60), "phase2");
        NS_TEST_EXPECT_MSG_EQ(c.timer.nattKeepalive, Seconds(120), "natt_keepalive");

        NS_TEST_ASSERT_MSG_EQ(c.remotes.size(), 2, "two remotes");
        const RacoonRemote& r = c.remotes[0];
        NS_TEST_EXPECT_MSG_EQ(r.anonymous, false, "an address");
        NS_TEST_EXPECT_MSG_EQ(r.address, Addr("10.0.0.2"), "10.0.0.2");
        NS_TEST_EXPECT_MSG_EQ(r.port, 4500, "[4500]");
        NS_TEST_EXPECT_MSG_EQ(r.line, 11, "line");
        NS_TEST_ASSERT_MSG_EQ(r.exchangeModes.size(), 2, "two modes");
        NS_TEST_EXPECT_MSG_EQ(r.exchangeModes[0], "aggressive", "as written");
        NS_TEST_ASSERT_MSG_EQ(r.myIdentifier.has_value(), true, "my_identifier");
        NS_TEST_EXPECT_MSG_EQ(int(r.myIdentifier->type), int(RacoonIdentifier::Type::FQDN), "fqdn");
        NS_TEST_EXPECT_MSG_EQ(r.myIdentifier->value, "a.example", "its value");
        NS_TEST_ASSERT_MSG_EQ(r.peersIdentifiers.size(), 2, "two peers_identifier");
        NS_TEST_EXPECT_MSG_EQ(
            int(r.peersIdentifier->type), int(RacoonIdentifier::Type::USER_FQDN), "the first");
        NS_TEST_EXPECT_MSG_EQ(r.peersIdentifier->value, "b@example", "user_fqdn");
        NS_TEST_EXPECT_MSG_EQ(
            int(r.peersIdentifiers[1].type), int(RacoonIdentifier::Type::KEYID), "keyid");
        NS_TEST_EXPECT_MSG_EQ(r.peersIdentifiers[1].value, "kid", "keyid tag: in place");
        NS_TEST_EXPECT_MSG_EQ(r.verifyIdentifier, true, "verify_identifier");
        NS_TEST_EXPECT_MSG_EQ(r.lifetime, Hours(2), "lifetime");
        NS_TEST_EXPECT_MSG_EQ(r.nonceSize, 32, "nonce_size");
        NS_TEST_EXPECT_MSG_EQ(r.initialContact, false, "initial_contact");
        NS_TEST_EXPECT_MSG_EQ(r.passive, true, "passive");
        NS_TEST_EXPECT_MSG_EQ(r.proposalCheck, "claim", "proposal_check");
        NS_TEST_EXPECT_MSG_EQ(r.generatePolicy, true, "require is on");
        NS_TEST_ASSERT_MSG_EQ(r.proposals.size(), 2, "two proposals");
        NS_TEST_EXPECT_MSG_EQ(r.proposals[0].encryption, "aes", "first as written");
        NS_TEST_EXPECT_MSG_EQ(r.proposals[0].keyLength, 256, "aes 256");
        NS_TEST_EXPECT_MSG_EQ(r.proposals[0].hash, "sha256", "sha256");
        NS_TEST_EXPECT_MSG_EQ(r.proposals[0].dhGroup, 14, "modp2048");
        NS_TEST_EXPECT_MSG_EQ(r.proposals[0].lifetime, Minutes(30), "its own lifetime");
        NS_TEST_EXPECT_MSG_EQ(r.proposals[1].encryption, "blowfish", "second");
        NS_TEST_EXPECT_MSG_EQ(r.proposals[1].keyLength, 128, "blowfish's default length");
        NS_TEST_EXPECT_MSG_EQ(r.proposals[1].hash, "md5", "md5");
        NS_TEST_EXPECT_MSG_EQ(r.proposals[1].dhGroup, 14, "14");

        const RacoonRemote& g = c.remotes[1];
        NS_TEST_EXPECT_MSG_EQ(g.name, "gw", "named remote");
        NS_TEST_EXPECT_MSG_EQ(g.anonymous, false, "remote_address");
        NS_TEST_EXPECT_MSG_EQ(g.address, Addr("2001:db8::2"), "its address");
        NS_TEST_EXPECT_MSG_EQ(g.exchangeModes.size(), 1, "base");
        NS_TEST_EXPECT_MSG_EQ(int(g.myIdentifier->type),
                              int(RacoonIdentifier::Type::KEYID),
                              "the last my_identifier wins");
        NS_TEST_EXPECT_MSG_EQ(g.myIdentifier->value, "key-id-from-file\n", "keyid: a file");
        NS_TEST_EXPECT_MSG_EQ(
            int(g.peersIdentifier->type), int(RacoonIdentifier::Type::ADDRESS), "address");
        NS_TEST_EXPECT_MSG_EQ(g.peersIdentifier->value, "2001:db8::2", "the address");

        NS_TEST_ASSERT_MSG_EQ(c.sainfos.size(), 2, "two sainfo");
        const RacoonSainfo& s = c.sainfos[0];
        NS_TEST_EXPECT_MSG_EQ(s.local.anonymous, false, "local id");
        NS_TEST_EXPECT_MSG_EQ(s.local.address, Addr("10.1.0.0"), "local address");
        NS_TEST_EXPECT_MSG_EQ(int(s.local.prefix), 16, "/16");
        NS_TEST_EXPECT_MSG_EQ(s.local.port, 0, "[any]");
        NS_TEST_EXPECT_MSG_EQ(int(s.local.protocol), 6, "tcp");
        NS_TEST_EXPECT_MSG_EQ(s.remote.address, Addr("10.2.0.1"), "remote address");
        NS_TEST_EXPECT_MSG_EQ(int(s.remote.prefix), 32, "full length");
        NS_TEST_EXPECT_MSG_EQ(s.remote.port, 80, "[80]");
        NS_TEST_EXPECT_MSG_EQ(int(s.remote.protocol), 6, "6");
        NS_TEST_EXPECT_MSG_EQ(s.pfsGroup.value_or(0), 5, "modp1536");
        NS_TEST_EXPECT_MSG_EQ(s.lifetime, Minutes(10), "lifetime");
        NS_TEST_ASSERT_MSG_EQ(s.encryption.size(), 2, "two");
        NS_TEST_EXPECT_MSG_EQ(s.encryption[0].second, 192, "aes 192");
        NS_TEST_EXPECT_MSG_EQ(s.authentication[1], "non_auth", "non_auth");
        const RacoonSainfo& t = c.sainfos[1];
        NS_TEST_EXPECT_MSG_EQ(int(t.local.prefix), 48, "IPv6 /48");
        NS_TEST_EXPECT_MSG_EQ(int(t.local.protocol), 255, "any");
        NS_TEST_EXPECT_MSG_EQ(t.remote.anonymous, true, "anonymous remote");
        NS_TEST_EXPECT_MSG_EQ(t.encryption[0].first, "null_enc", "null_enc");
        NS_TEST_EXPECT_MSG_EQ(t.encryption[0].second, 0, "no length");
        NS_TEST_EXPECT_MSG_EQ(c.ignored.size(), 0, "nothing ignored");
    }
};

/// racoon's defaults (its code's, where the man page differs).
class RacoonDefaultsTestCase : public TestCase
{
  public:
    RacoonDefaultsTestCase()
        : TestCase("racoon's code defaults")
    {
    }

  private:
    void DoRun() override
    {
        RacoonConf empty = ParseRacoonConf("# nothing\n", "racoon.conf");
        NS_TEST_EXPECT_MSG_EQ(empty.remotes.size() + empty.sainfos.size(), 0, "empty");
        NS_TEST_EXPECT_MSG_EQ(empty.pskPath, "", "no psk path");
        NS_TEST_EXPECT_MSG_EQ(empty.timer.counter, 5, "counter 5");
        NS_TEST_EXPECT_MSG_EQ(empty.timer.interval, Seconds(10), "interval 10 s");
        NS_TEST_EXPECT_MSG_EQ(empty.timer.persend, 1, "persend 1");
        // racoon.conf(5) says 15 s and 10 s; racoon's localconf.h, 30 and 30.
        NS_TEST_EXPECT_MSG_EQ(empty.timer.phase1, Seconds(30), "phase1 30 s");
        NS_TEST_EXPECT_MSG_EQ(empty.timer.phase2, Seconds(30), "phase2 30 s");
        NS_TEST_EXPECT_MSG_EQ(empty.timer.nattKeepalive, Seconds(20), "natt_keepalive 20 s");
        NS_TEST_EXPECT_MSG_EQ(empty.FindRemote(Addr("10.0.0.1")), nullptr, "no remote");
        NS_TEST_EXPECT_MSG_EQ(
            empty.FindSainfo(RacoonSainfoId(), RacoonSainfoId()), nullptr, "no sainfo");

        RacoonConf c = ParseRacoonConf(RemoteWith("") + SainfoWith("anonymous") + "timer { }\n",
                                       "racoon.conf");
        const RacoonRemote& r = c.remotes.at(0);
        NS_TEST_EXPECT_MSG_EQ(r.port, 500, "port 500");
        NS_TEST_EXPECT_MSG_EQ(r.lifetime, Seconds(28800), "lifetime 8 h");
        NS_TEST_EXPECT_MSG_EQ(r.nonceSize, 16, "nonce 16");
        NS_TEST_EXPECT_MSG_EQ(r.proposalCheck, "strict", "strict");
        NS_TEST_EXPECT_MSG_EQ(r.initialContact, true, "initial_contact on");
        NS_TEST_EXPECT_MSG_EQ(r.passive, false, "passive off");
        NS_TEST_EXPECT_MSG_EQ(r.verifyIdentifier, false, "verify_identifier off");
        NS_TEST_EXPECT_MSG_EQ(r.generatePolicy, false, "generate_policy off");
        NS_TEST_EXPECT_MSG_EQ(r.myIdentifier.has_value(), false, "my address");
        NS_TEST_EXPECT_MSG_EQ(r.peersIdentifiers.size(), 0, "none");
        NS_TEST_EXPECT_MSG_EQ(r.proposals.at(0).lifetime, Seconds(0), "the remote's");
        const RacoonSainfo& s = c.sainfos.at(0);
        NS_TEST_EXPECT_MSG_EQ(s.lifetime, Seconds(28800), "phase 2 lifetime 8 h");
        NS_TEST_EXPECT_MSG_EQ(s.pfsGroup.has_value(), false, "no PFS");
        NS_TEST_EXPECT_MSG_EQ(c.timer.phase1, Seconds(30), "an empty timer block");

        // racoon has no default exchange mode.
        auto e = ParseError("remote anonymous {\n " + std::string(kProposal) + "\n}\n");
        NS_TEST_ASSERT_MSG_EQ(e.has_value(), true, "no exchange_mode");
        NS_TEST_EXPECT_MSG_EQ(e->GetLine(), 3, "at the '}'");
        NS_TEST_EXPECT_MSG_EQ(e->GetToken(), "}", "'}'");
        NS_TEST_EXPECT_MSG_EQ(Contains(e->what(), "no exchange mode specified"),
                              true,
                              "racoon's words: " << e->what());
    }
};

/// Time units, group and algorithm names.
class RacoonNamesTestCase : public TestCase
{
  public:
    RacoonNamesTestCase()
        : TestCase("time units, DH groups and algorithm names as racoon spells them")
    {
    }

  private:
    void DoRun() override
    {
        const std::pair<const char*, int64_t> units[] = {
            {"sec", 1},
            {"secs", 1},
            {"second", 1},
            {"seconds", 1},
            {"min", 60},
            {"mins", 60},
            {"minute", 60},
            {"minutes", 60},
            {"hour", 3600},
            {"hours", 3600},
        };
        for (const auto& u : units)
        {
            RacoonConf c = ParseRacoonConf(std::string("timer { phase1 3 ") + u.first + "; }",
                                           "racoon.conf");
            NS_TEST_EXPECT_MSG_EQ(c.timer.phase1, Seconds(3 * u.second), u.first);
        }
        RacoonConf big = ParseRacoonConf("timer { phase2 4294967295 sec; }", "racoon.conf");
        NS_TEST_EXPECT_MSG_EQ(big.timer.phase2.GetSeconds(), 4294967295.0, "32 bits of seconds");

        const std::pair<const char*, uint16_t> groups[] = {
            {"modp768", 1},
            {"modp1024", 2},
            {"modp1536", 5},
            {"modp2048", 14},
            {"modp3072", 15},
            {"modp4096", 16},
            {"modp6144", 17},
            {"modp8192", 18},
            {"1", 1},
            {"2", 2},
            {"5", 5},
            {"14", 14},
            {"15", 15},
            {"16", 16},
            {"17", 17},
            {"18", 18},
        };
        for (const auto& g : groups)
        {
            RacoonConf c = ParseRacoonConf(
                SainfoWith("anonymous", std::string("pfs_group ") + g.first + ";"), "racoon.conf");
            NS_TEST_EXPECT_MSG_EQ(c.sainfos.at(0).pfsGroup.value_or(0), g.second, g.first);
        }

        // Phase 1: names, aliases, key lengths.
        struct P1
        {
            const char* text;
            const char* enc;
            uint32_t keyLength;
            const char* hash;
        };
        const P1 p1[] = {
            {"des; hash_algorithm md5", "des", 0, "md5"},
            {"3des; hash_algorithm sha1", "3des", 0, "sha1"},
            {"blowfish 448; hash_algorithm sha2_256", "blowfish", 448, "sha256"},
            {"cast128 40; hash_algorithm sha384", "cast128", 40, "sha384"},
            {"aes; hash_algorithm sha2_384", "aes", 128, "sha384"},
            {"rijndael 192; hash_algorithm sha512", "aes", 192, "sha512"},
            {"aes 256; hash_algorithm sha2_512", "aes", 256, "sha512"},
        };
        for (const auto& p : p1)
        {
            RacoonConf c = ParseRacoonConf(
                std::string("remote anonymous { exchange_mode main; proposal { "
                            "encryption_algorithm ")
                    + p.text + "; authentication_method pre_shared_key; dh_group 2; } }",
                "racoon.conf");
            const RacoonProposal& q = c.remotes.at(0).proposals.at(0);
            NS_TEST_EXPECT_MSG_EQ(q.encryption, p.enc, p.text);
            NS_TEST_EXPECT_MSG_EQ(q.keyLength, p.keyLength, p.text);
            NS_TEST_EXPECT_MSG_EQ(q.hash, p.hash, p.text);
        }

        // Phase 2 names and aliases.
        RacoonConf c = ParseRacoonConf(
            "sainfo anonymous { encryption_algorithm des, 3des, blowfish 40, cast128 128, "
            "rijndael, aes 256, null, null_enc;\n"
            "authentication_algorithm hmac_md5, hmac_sha1, hmac_sha2_256, hmac_sha256, "
            "hmac_sha2_384, hmac_sha384, hmac_sha2_512, hmac_sha512, non_auth;\n"
            "compression_algorithm deflate; }",
            "racoon.conf");
        const RacoonSainfo& s = c.sainfos.at(0);
        const std::vector<std::pair<std::string, uint32_t>> enc = {{"des", 0},
                                                                   {"3des", 0},
                                                                   {"blowfish", 40},
                                                                   {"cast128", 128},
                                                                   {"aes", 128},
                                                                   {"aes", 256},
                                                                   {"null_enc", 0},
                                                                   {"null_enc", 0}};
        NS_TEST_ASSERT_MSG_EQ(s.encryption.size(), enc.size(), "every cipher");
        for (size_t i = 0; i < enc.size(); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(s.encryption[i].first, enc[i].first, i);
            NS_TEST_EXPECT_MSG_EQ(s.encryption[i].second, enc[i].second, i);
        }
        const std::vector<std::string> auth = {"hmac_md5",
                                               "hmac_sha1",
                                               "hmac_sha256",
                                               "hmac_sha256",
                                               "hmac_sha384",
                                               "hmac_sha384",
                                               "hmac_sha512",
                                               "hmac_sha512",
                                               "non_auth"};
        NS_TEST_ASSERT_MSG_EQ(s.authentication.size(), auth.size(), "every MAC");
        for (size_t i = 0; i < auth.size(); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(s.authentication[i], auth[i], i);
        }

        // Names racoon has and the model does not: refused.
        for (const char* refused : {"camellia", "idea", "rc5"})
        {
            auto e = ParseError(std::string("remote anonymous { exchange_mode main; proposal { "
                                            "encryption_algorithm ")
                                + refused + "; } }");
            NS_TEST_ASSERT_MSG_EQ(e.has_value(), true, refused);
            NS_TEST_EXPECT_MSG_EQ(e->GetToken(), refused, refused);
            NS_TEST_EXPECT_MSG_EQ(Contains(e->what(), "is not supported"), true, e->what());
        }
        for (const char* refused : {"twofish", "des_iv64", "rc4"})
        {
            auto e = ParseError(
                SainfoWith("anonymous", std::string("encryption_algorithm ") + refused + ";"));
            NS_TEST_EXPECT_MSG_EQ(e.has_value() && e->GetToken() == refused, true, refused);
        }
        auto lzs = ParseError("sainfo anonymous { compression_algorithm lzs; }");
        NS_TEST_EXPECT_MSG_EQ(lzs.has_value() && lzs->GetToken() == "lzs", true, "lzs");
        auto ec2n = ParseError(SainfoWith("anonymous", "pfs_group ec2n155;"));
        NS_TEST_EXPECT_MSG_EQ(ec2n.has_value() && Contains(ec2n->what(), "EC2N"), true, "EC2N");
        auto three = ParseError(SainfoWith("anonymous", "pfs_group 3;"));
        NS_TEST_EXPECT_MSG_EQ(three.has_value() && Contains(three->what(), "EC2N"), true, "3");
        auto seven = ParseError(SainfoWith("anonymous", "pfs_group 7;"));
        NS_TEST_ASSERT_MSG_EQ(seven.has_value(), true, "7 is no group");
        NS_TEST_EXPECT_MSG_EQ(seven->GetToken(), "7", "at 7");
        NS_TEST_EXPECT_MSG_EQ(Contains(seven->GetExpected(), "modp2048"), true, "lists the names");
    }
};

/// Algorithm lists in sainfo.
class RacoonSainfoListsTestCase : public TestCase
{
  public:
    RacoonSainfoListsTestCase()
        : TestCase("sainfo algorithm lists: order, repetition, commas")
    {
    }

  private:
    void DoRun() override
    {
        RacoonConf c = ParseRacoonConf(Lines({
                                           "sainfo anonymous {",
                                           "  encryption_algorithm aes 256,",
                                           "                       3des;",
                                           "  encryption_algorithm blowfish;",
                                           "  authentication_algorithm hmac_sha1;",
                                           "  authentication_algorithm hmac_md5, hmac_sha256;",
                                           "  compression_algorithm deflate;",
                                           "}",
                                       }),
                                       "racoon.conf");
        const RacoonSainfo& s = c.sainfos.at(0);
        NS_TEST_ASSERT_MSG_EQ(s.encryption.size(), 3, "a repeated statement appends");
        NS_TEST_EXPECT_MSG_EQ(s.encryption[0].first + s.encryption[1].first + s.encryption[2].first,
                              "aes3desblowfish",
                              "in order");
        NS_TEST_ASSERT_MSG_EQ(s.authentication.size(), 3, "three MACs");
        NS_TEST_EXPECT_MSG_EQ(s.authentication[2], "hmac_sha256", "last");

        auto noComma = ParseError("sainfo anonymous {\n encryption_algorithm 3des des;\n}\n");
        NS_TEST_ASSERT_MSG_EQ(noComma.has_value(), true, "a comma is needed");
        NS_TEST_EXPECT_MSG_EQ(noComma->GetLine(), 2, "line 2");
        NS_TEST_EXPECT_MSG_EQ(noComma->GetToken(), "des", "at des");
        NS_TEST_EXPECT_MSG_EQ(Contains(noComma->GetExpected(), "';'"), true, "',' or ';'");
        auto keylen = ParseError("sainfo anonymous {\n encryption_algorithm 3des 168;\n}\n");
        NS_TEST_ASSERT_MSG_EQ(keylen.has_value(), true, "3des takes no length");
        NS_TEST_EXPECT_MSG_EQ(keylen->GetToken(), "168", "at 168");
        auto aes = ParseError("sainfo anonymous {\n encryption_algorithm aes 100;\n}\n");
        NS_TEST_ASSERT_MSG_EQ(aes.has_value(), true, "aes 100");
        NS_TEST_EXPECT_MSG_EQ(Contains(aes->GetExpected(), "128, 192 or 256"), true, "lengths");
        auto bf = ParseError("sainfo anonymous {\n encryption_algorithm blowfish 452;\n}\n");
        NS_TEST_EXPECT_MSG_EQ(bf.has_value() && bf->GetToken() == "452", true, "blowfish 452");
        auto mac = ParseError("sainfo anonymous {\n authentication_algorithm hmac_sha1 160;\n}\n");
        NS_TEST_EXPECT_MSG_EQ(mac.has_value() && mac->GetToken() == "160", true, "no MAC length");
        auto empty = ParseError("sainfo anonymous {\n encryption_algorithm ;\n}\n");
        NS_TEST_EXPECT_MSG_EQ(empty.has_value() && empty->GetToken() == ";", true, "empty list");
        auto missing
            = ParseError("sainfo anonymous {\n encryption_algorithm 3des; authentication_algorithm "
                         "hmac_sha1;\n}\n");
        NS_TEST_ASSERT_MSG_EQ(missing.has_value(), true, "compression is required");
        NS_TEST_EXPECT_MSG_EQ(missing->GetLine(), 3, "at the '}'");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(missing->what(), "no compression algorithm"), true, missing->what());
    }
};

/// include: relative to the base directory or "path include", glob, nesting.
class RacoonIncludeTestCase : public TestCase
{
  public:
    RacoonIncludeTestCase()
        : TestCase("include reads files, globs, and refuses loops and missing files")
    {
    }

  private:
    static void Write(const std::string& path, const std::string& text)
    {
        std::ofstream(path) << text;
    }

    void DoRun() override
    {
        ipsectest::TempDir tmp("racoon-include");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "a temporary directory");
        const std::string main = tmp.File("racoon.conf");
        Write(main,
              Lines({
                  "path pre_shared_key \"psk.txt\";",
                  "include \"remote.conf\";",
                  "path include \"conf.d\";",
                  "include \"*.conf\";",
                  "timer { counter 9; }",
              }));
        Write(tmp.File("remote.conf"), RemoteWith("passive on;"));
        const std::string dir = tmp.SubDir("conf.d");
        Write(dir + "/b.conf", SainfoWith("address 10.0.0.2 any address 10.0.1.2 any"));
        Write(dir + "/a.conf", SainfoWith("address 10.0.0.1 any address 10.0.1.1 any"));
        RacoonConf c = ReadRacoonConf(main);
        NS_TEST_EXPECT_MSG_EQ(c.pskPath, "psk.txt", "as written");
        NS_TEST_ASSERT_MSG_EQ(c.remotes.size(), 1, "the included remote");
        NS_TEST_EXPECT_MSG_EQ(c.remotes[0].passive, true, "its statements");
        NS_TEST_EXPECT_MSG_EQ(c.remotes[0].file, tmp.File("remote.conf"), "its file");
        NS_TEST_EXPECT_MSG_EQ(c.remotes[0].line, 1, "its line");
        NS_TEST_ASSERT_MSG_EQ(c.sainfos.size(), 2, "two from the glob");
        NS_TEST_EXPECT_MSG_EQ(c.sainfos[0].local.address, Addr("10.0.0.1"), "sorted: a.conf");
        NS_TEST_EXPECT_MSG_EQ(c.sainfos[0].file, dir + "/a.conf", "a.conf");
        NS_TEST_EXPECT_MSG_EQ(c.sainfos[1].local.address, Addr("10.0.0.2"), "then b.conf");
        NS_TEST_EXPECT_MSG_EQ(c.timer.counter, 9, "the rest of the main file");

        // An error in an included file names that file and its line.
        Write(tmp.File("bad.conf"), "timer {\n  counter x;\n}\n");
        Write(main, "log debug;\ninclude \"bad.conf\";\n");
        try
        {
            ReadRacoonConf(main);
            NS_TEST_EXPECT_MSG_EQ(true, false, "bad.conf must fail");
        }
        catch (const RacoonConfError& e)
        {
            NS_TEST_EXPECT_MSG_EQ(e.GetFile(), tmp.File("bad.conf"), "the included file");
            NS_TEST_EXPECT_MSG_EQ(e.GetLine(), 2, "its line");
            NS_TEST_EXPECT_MSG_EQ(e.GetToken(), "x", "its token");
        }

        // A missing file.
        Write(main, "timer { counter 1; }\n\ninclude \"nosuch.conf\";\n");
        try
        {
            ReadRacoonConf(main);
            NS_TEST_EXPECT_MSG_EQ(true, false, "a missing file must fail");
        }
        catch (const RacoonConfError& e)
        {
            NS_TEST_EXPECT_MSG_EQ(e.GetFile(), main, "the including file");
            NS_TEST_EXPECT_MSG_EQ(e.GetLine(), 3, "the include's line");
            NS_TEST_EXPECT_MSG_EQ(e.GetToken(), "\"nosuch.conf\"", "the file name");
            NS_TEST_EXPECT_MSG_EQ(Contains(e.what(), "no file matches"), true, e.what());
        }

        // A loop: racoon.conf -> a.conf -> b.conf -> a.conf.
        Write(main, "include \"loop-a.conf\";\n");
        Write(tmp.File("loop-a.conf"), "# a\ninclude \"loop-b.conf\";\n");
        Write(tmp.File("loop-b.conf"), "# b\n# b\ninclude \"loop-a.conf\";\n");
        try
        {
            ReadRacoonConf(main);
            NS_TEST_EXPECT_MSG_EQ(true, false, "a loop must fail");
        }
        catch (const RacoonConfError& e)
        {
            NS_TEST_EXPECT_MSG_EQ(e.GetFile(), tmp.File("loop-b.conf"), "where it closes");
            NS_TEST_EXPECT_MSG_EQ(e.GetLine(), 3, "line 3");
            NS_TEST_EXPECT_MSG_EQ(e.GetToken(), "\"loop-a.conf\"", "the name");
            NS_TEST_EXPECT_MSG_EQ(Contains(e.what(), "include loop"), true, e.what());
        }

        // In memory: a file including itself, and racoon's depth limit.
        MemoryFiles mem;
        mem.files["./self.conf"] = "include \"self.conf\";\n";
        auto self = ParseError("include \"self.conf\";\n", mem.Hooks());
        NS_TEST_ASSERT_MSG_EQ(self.has_value(), true, "self inclusion");
        NS_TEST_EXPECT_MSG_EQ(self->GetFile(), "./self.conf", "in self.conf");
        NS_TEST_EXPECT_MSG_EQ(Contains(self->what(), "include loop"), true, self->what());
        auto back = ParseError("include \"racoon.conf\";\n", mem.Hooks());
        mem.files["./racoon.conf"] = "";
        back = ParseError("\ninclude \"racoon.conf\";\n", mem.Hooks());
        NS_TEST_ASSERT_MSG_EQ(back.has_value(), true, "the main file again");
        NS_TEST_EXPECT_MSG_EQ(back->GetLine(), 2, "line 2");
        for (int i = 1; i < 10; ++i)
        {
            mem.files["./d" + std::to_string(i) + ".conf"]
                = "include \"d" + std::to_string(i + 1) + ".conf\";\n";
        }
        mem.files["./d10.conf"] = "timer { counter 3; }\n";
        mem.files["./d9.conf"] = "timer { counter 2; }\n";
        RacoonConf nine = ParseRacoonConf("include \"d1.conf\";", "racoon.conf", ".", mem.Hooks());
        NS_TEST_EXPECT_MSG_EQ(nine.timer.counter, 2, "the main file and 9 includes");
        mem.files["./d9.conf"] = "include \"d10.conf\";\n";
        auto deep = ParseError("include \"d1.conf\";", mem.Hooks());
        NS_TEST_ASSERT_MSG_EQ(deep.has_value(), true, "too deep");
        NS_TEST_EXPECT_MSG_EQ(deep->GetFile(), "./d9.conf", "at the tenth file");
        NS_TEST_EXPECT_MSG_EQ(Contains(deep->what(), "nested too deeply"), true, deep->what());
    }
};

/// FindRemote: racoon 0.8's getrmconf().
class RacoonFindRemoteTestCase : public TestCase
{
  public:
    RacoonFindRemoteTestCase()
        : TestCase("FindRemote: the peer's address, then anonymous; ties are ambiguous")
    {
    }

  private:
    void DoRun() override
    {
        const std::string p = std::string(" exchange_mode main; ") + kProposal;
        RacoonConf c = ParseRacoonConf(
            "remote anonymous {" + p + " nonce_size 8; }\n" + "remote 10.0.0.1 {" + p
                + " nonce_size 9; }\n" + "remote 2001:db8::1 [4500] {" + p + " nonce_size 10; }\n"
                + "remote \"named\" {" + p + " remote_address 10.0.0.3; nonce_size 11; }\n",
            "racoon.conf");
        NS_TEST_ASSERT_MSG_EQ(c.remotes.size(), 4, "four");
        NS_TEST_EXPECT_MSG_EQ(c.FindRemote(Addr("10.0.0.1")), &c.remotes[1], "exact first");
        NS_TEST_EXPECT_MSG_EQ(c.FindRemote(Addr("2001:db8::1")), &c.remotes[2], "ports ignored");
        NS_TEST_EXPECT_MSG_EQ(c.FindRemote(Addr("10.0.0.3")), &c.remotes[3], "remote_address");
        NS_TEST_EXPECT_MSG_EQ(c.FindRemote(Addr("10.0.0.9")), &c.remotes[0], "anonymous");
        NS_TEST_EXPECT_MSG_EQ(c.FindRemote(Addr("::1")), &c.remotes[0], "any family");

        RacoonConf none = ParseRacoonConf("remote 10.0.0.1 {" + p + "}\n", "racoon.conf");
        NS_TEST_EXPECT_MSG_EQ(none.FindRemote(Addr("10.0.0.2")), nullptr, "no anonymous");
        RacoonConf twice = ParseRacoonConf("remote 10.0.0.1 {" + p + "}\nremote anonymous {" + p
                                               + "}\nremote 10.0.0.1 [4500] {" + p + "}\n",
                                           "racoon.conf");
        NS_TEST_EXPECT_MSG_EQ(twice.FindRemote(Addr("10.0.0.1")), nullptr, "ambiguous");
        NS_TEST_EXPECT_MSG_EQ(twice.FindRemote(Addr("10.0.0.2")), &twice.remotes[1], "anon");
        RacoonConf anon2 = ParseRacoonConf(
            "remote anonymous {" + p + "}\nremote anonymous {" + p + "}\n", "racoon.conf");
        NS_TEST_EXPECT_MSG_EQ(anon2.FindRemote(Addr("10.0.0.2")), nullptr, "two anonymous");
        RacoonConf unnamed = ParseRacoonConf("remote \"x\" {" + p + "}\n", "racoon.conf");
        NS_TEST_EXPECT_MSG_EQ(unnamed.remotes[0].anonymous, true, "no remote_address");
        NS_TEST_EXPECT_MSG_EQ(unnamed.FindRemote(Addr("10.9.9.9")), &unnamed.remotes[0], "any");
    }
};

/// FindSainfo: racoon 0.8's getsainfo() order.
class RacoonFindSainfoTestCase : public TestCase
{
  public:
    RacoonFindSainfoTestCase()
        : TestCase("FindSainfo: both identities, then one, then anonymous; duplicates refused")
    {
    }

  private:
    static RacoonSainfoId Id(const char* address, uint8_t prefix = 32, uint8_t proto = 255)
    {
        RacoonSainfoId id;
        id.anonymous = false;
        id.address = Addr(address);
        id.prefix = prefix;
        id.protocol = proto;
        return id;
    }

    void DoRun() override
    {
        // Written least specific first: the order of the file does not matter
        // between groups.
        RacoonConf c
            = ParseRacoonConf(SainfoWith("anonymous", "pfs_group 1;")
                                  + SainfoWith("anonymous address 10.0.1.0/24 any", "pfs_group 2;")
                                  + SainfoWith("address 10.0.0.1 any anonymous", "pfs_group 5;")
                                  + SainfoWith("address 10.0.0.1 any address "
                                               "10.0.1.0/24 any",
                                               "pfs_group 14;")
                                  + SainfoWith("address 10.0.0.1 tcp address "
                                               "10.0.1.0/24 tcp",
                                               "pfs_group 15;"),
                              "racoon.conf");
        auto pfs = [&c](const RacoonSainfoId& l, const RacoonSainfoId& r)
        {
            const RacoonSainfo* s = c.FindSainfo(l, r);
            return s ? s->pfsGroup.value_or(0) : 0;
        };
        const RacoonSainfoId a = Id("10.0.0.1");
        const RacoonSainfoId net = Id("10.0.1.0", 24);
        NS_TEST_EXPECT_MSG_EQ(pfs(a, net), 14, "both identities");
        NS_TEST_EXPECT_MSG_EQ(pfs(Id("10.0.0.1", 32, 6), Id("10.0.1.0", 24, 6)), 15, "tcp");
        NS_TEST_EXPECT_MSG_EQ(pfs(Id("10.0.0.1", 32, 17), Id("10.0.1.0", 24, 17)),
                              1,
                              "udp: the protocols differ from every block but the anonymous");
        NS_TEST_EXPECT_MSG_EQ(pfs(a, Id("10.0.2.0", 24)), 5, "anonymous remote");
        NS_TEST_EXPECT_MSG_EQ(pfs(Id("10.0.0.7"), net), 2, "anonymous local");
        NS_TEST_EXPECT_MSG_EQ(pfs(Id("10.0.0.7"), Id("10.0.2.0", 24)), 1, "anonymous both");
        NS_TEST_EXPECT_MSG_EQ(pfs(a, Id("10.0.1.0", 25)), 5, "prefixes must be equal");
        NS_TEST_EXPECT_MSG_EQ(pfs(Id("10.0.1.1"), Id("10.0.0.1")), 1, "no direction swap");
        RacoonSainfoId port = net;
        port.port = 80;
        NS_TEST_EXPECT_MSG_EQ(pfs(a, port), 14, "ports are not compared");
        NS_TEST_EXPECT_MSG_EQ(pfs(RacoonSainfoId(), RacoonSainfoId()),
                              14,
                              "a phase 2 without identities: the first by priority");

        // Between one-sided blocks, the order written decides.
        RacoonConf order
            = ParseRacoonConf(SainfoWith("anonymous address 10.0.1.0/24 any", "pfs_group 2;")
                                  + SainfoWith("address 10.0.0.1 any anonymous", "pfs_group 5;"),
                              "racoon.conf");
        NS_TEST_EXPECT_MSG_EQ(order.FindSainfo(a, net)->pfsGroup.value_or(0), 2, "first written");

        // racoon's duplicate check.
        auto dup = ParseError(SainfoWith("address 10.0.0.1 any address 10.0.1.1 any") + "\n"
                              + SainfoWith("address 10.0.0.1 any address 10.0.1.1 any"));
        NS_TEST_ASSERT_MSG_EQ(dup.has_value(), true, "the same identities twice");
        NS_TEST_EXPECT_MSG_EQ(dup->GetLine(), 9, "at the second '}'");
        NS_TEST_EXPECT_MSG_EQ(Contains(dup->what(), "duplicated sainfo"), true, dup->what());
        auto overlap = ParseError(SainfoWith("address 10.0.0.1 any address 10.0.1.1 any")
                                  + SainfoWith("address 10.0.0.1 any anonymous"));
        NS_TEST_EXPECT_MSG_EQ(overlap.has_value(), true, "racoon 0.8 refuses this too");
        RacoonConf ok = ParseRacoonConf(SainfoWith("anonymous") + SainfoWith("anonymous")
                                            + SainfoWith("address 10.0.0.1 any address 10.0.1.1 "
                                                         "any")
                                            + SainfoWith("anonymous address 10.0.1.1 any"),
                                        "racoon.conf");
        NS_TEST_EXPECT_MSG_EQ(ok.sainfos.size(), 4, "anonymous local sides are never duplicates");
    }
};

/// Syntax and value errors: file, line, token, what was expected.
class RacoonErrorsTestCase : public TestCase
{
  public:
    RacoonErrorsTestCase()
        : TestCase("errors name the file, the line, the token and what was expected")
    {
    }

  private:
    struct Case
    {
        std::string text;
        uint32_t line;
        std::string token;
        std::string part; ///< a part of what() (or "")
    };

    void DoRun() override
    {
        const std::vector<Case> cases = {
            // unknown keyword in a block
            {Lines({"remote anonymous {", "  exchange_mode main;", "  foo on;", "}"}),
             3,
             "foo",
             "racoon.conf:3: unexpected 'foo', expected 'exchange_mode', 'my_identifier'"},
            // unknown top-level keyword, with a guess
            {"\nremtoe anonymous { }\n", 2, "remtoe", "(did you mean 'remote'?)"},
            // missing ';'
            {Lines({"timer {", "  counter 5", "  interval 10 sec;", "}"}),
             3,
             "interval",
             "expected ';' to end the 'counter' statement of line 2"},
            // missing '}'
            {Lines({"remote anonymous {", "  exchange_mode main;"}),
             2,
             "",
             "racoon.conf:2: unexpected end of file, expected '}' to close the 'remote' block "
             "of line 1"},
            // bad number
            {"timer { counter 5x; }", 1, "5x", "expected a number"},
            {"timer {\n counter 99999999999; }", 2, "99999999999", "at most 4294967295"},
            // bad unit
            {"timer {\n\n interval 10 fortnights; }", 3, "fortnights", "'minutes', 'hour'"},
            {"timer { phase1 10; }", 1, ";", "a time unit"},
            {"timer { phase1 4294967296 sec; }", 1, "4294967296", "at most 4294967295"},
            {"timer { phase1 2000000 hours; }", 1, "hours", "is too long"},
            // bad algorithm
            {"remote anonymous {\n exchange_mode main;\n proposal {\n  encryption_algorithm "
             "rot13;\n }\n}",
             4,
             "rot13",
             "expected a phase 1 encryption algorithm: 'des', '3des', 'blowfish', 'cast128', "
             "'aes' or 'rijndael'"},
            {"sainfo anonymous {\n encryption_algorithm hmac_sha1; }", 2, "hmac_sha1", "phase 2"},
            // unterminated string
            {"log debug;\npath pre_shared_key \"/etc/psk.txt;\n\nlog notify;\n",
             2,
             "\"/etc/psk.txt;",
             "unterminated string"},
            // a character racoon's lexer has no rule for
            {"log debug;\n$", 2, "$", "unexpected character '$'"},
            {"log debug;\r\n", 1, "\r", "unexpected carriage return"},
            // values
            {"listen { isakmp 10.0.0.300; }", 1, "10.0.0.300", "an address"},
            {"listen { isakmp 10.0.0.1 [70000]; }", 1, "70000", "at most 65535"},
            {"remote 10.0.0.1 ; ", 1, ";", "'{' to open the 'remote' block"},
            {RemoteWith("passive yes;"), 3, "yes", "'on' or 'off'"},
            {RemoteWith("proposal_check loose;"), 3, "loose", "'exact'"},
            {RemoteWith("exchange_mode main, quick;"), 3, "quick", "an exchange mode"},
            {RemoteWith("my_identifier fqdn \"\";"), 3, "\"\"", "empty fqdn"},
            {RemoteWith("my_identifier address 10.0.0;"), 3, "10.0.0", "an address"},
            {RemoteWith("my_identifier keyid \"nosuch\";"), 3, "\"nosuch\"", "cannot read"},
            {RemoteWith("lifetime time 1 day;"), 3, "day", "a time unit"},
            {SainfoWith("address 10.0.0.0/33 any anonymous"), 1, "33", "longer than an IPv4"},
            {SainfoWith("address 10.0.0.1 [80] icmp anonymous"), 1, "icmp", "must be \"any\""},
            {SainfoWith("address ::1 icmp anonymous"), 1, "icmp", "mismatched"},
            {SainfoWith("address 10.0.0.1 300 anonymous"), 1, "300", "0 to 255"},
            {SainfoWith("address 10.0.0.1 anonymous"), 1, "anonymous", "upper-layer protocol"},
            {"sainfo anonymous foo { }", 1, "foo", "'address', 'subnet' or '{'"},
            // racoon's own checks at a block's end
            {RemoteWith("") + "remote 10.0.0.1 {\n exchange_mode main;\n}\n",
             8,
             "}",
             "has no proposal"},
            {"remote anonymous {\n exchange_mode main;\n proposal {\n  encryption_algorithm "
             "3des;\n  dh_group 2;\n  authentication_method pre_shared_key;\n }\n}",
             7,
             "}",
             "the proposal of line 3 has no hash_algorithm"},
            {"remote anonymous {\n exchange_mode aggressive;\n " + std::string(kProposal)
                 + "\n proposal { encryption_algorithm aes; hash_algorithm sha1; "
                   "authentication_method pre_shared_key; dh_group 14; }\n}\n",
             5,
             "}",
             "DH group must be equal"},
            {RemoteWith("dh_group 2;"), 3, "dh_group", "dh_group cannot be defined here"},
            {RemoteWith("encryption_algorithm 3des;"),
             3,
             "encryption_algorithm",
             "only in a proposal"},
            {RemoteWith("lifetime byte 1 MB;"), 3, "byte", "deprecated in Phase1"},
            {RemoteWith("remote_address 10.0.0.1;"), 3, "remote_address", "already specified"},
        };
        for (const auto& c : cases)
        {
            auto e = ParseError(c.text);
            NS_TEST_ASSERT_MSG_EQ(e.has_value(), true, "must fail: " << c.text);
            NS_TEST_EXPECT_MSG_EQ(e->GetFile(), "racoon.conf", c.text);
            NS_TEST_EXPECT_MSG_EQ(e->GetLine(), c.line, e->what());
            NS_TEST_EXPECT_MSG_EQ(e->GetToken(), c.token, e->what());
            NS_TEST_EXPECT_MSG_EQ(Contains(e->what(), c.part), true, e->what());
        }

        // The whole message of doc/ipsec.rst's example (racoon.conf and psk.txt).
        auto e = ParseError(Lines({
            "remote anonymous {",
            "  exchange_mode main;",
            "  proposal {",
            "    lifetme time 1 hour;",
            "  }",
            "}",
        }));
        NS_TEST_ASSERT_MSG_EQ(e.has_value(), true, "a typo in a proposal");
        NS_TEST_EXPECT_MSG_EQ(std::string(e->what()),
                              "racoon.conf:4: unexpected 'lifetme', expected "
                              "'encryption_algorithm', 'hash_algorithm', "
                              "'authentication_method', 'dh_group', 'lifetime' or '}' (did you "
                              "mean 'lifetime'?)",
                              "the message");
        NS_TEST_EXPECT_MSG_EQ(e->GetMessage(), "", "a syntax error");
    }
};

/// racoon's other statements: accepted and noted, or refused.
class RacoonIgnoredTestCase : public TestCase
{
  public:
    RacoonIgnoredTestCase()
        : TestCase("racoon's other statements: ignored with a note, or refused")
    {
    }

  private:
    void DoRun() override
    {
        const std::string text = Lines({
            "log debug;",                                          // 1
            "path certificate \"/etc/cert\";",                     // 2
            "padding { maximum_length 20; randomize off; }",       // 3
            "privsep { user \"racoon\"; chroot \"/var/empty\"; }", // 4
            "listen { strict_address; adminsock disabled; }",      // 5
            "pfkey_buffer 1024;",                                  // 6
            "remote anonymous {",                                  // 7
            " exchange_mode main;",                                // 8
            " doi ipsec_doi; situation identity_only;",            // 9
            " nat_traversal off; dpd_delay 0; dpd_retry 5;",       // 10
            " verify_cert on; script \"up.sh\" phase1_up;",        // 11
            std::string(std::string(" ") + kProposal).c_str(),     // 12
            "}",                                                   // 13
        });
        RacoonConf c = ParseRacoonConf(text, "racoon.conf");
        const std::vector<std::string> notes = {
            "racoon.conf:1: log debug: ignored",
            "racoon.conf:2: path certificate \"/etc/cert\": ignored",
            "racoon.conf:3: padding maximum_length 20: ignored",
            "racoon.conf:3: padding randomize off: ignored",
            "racoon.conf:4: privsep user \"racoon\": ignored",
            "racoon.conf:4: privsep chroot \"/var/empty\": ignored",
            "racoon.conf:5: strict_address: ignored",
            "racoon.conf:5: adminsock: ignored",
            "racoon.conf:6: pfkey_buffer 1024: ignored",
            "racoon.conf:9: doi ipsec_doi: ignored",
            "racoon.conf:9: situation identity_only: ignored",
            "racoon.conf:10: dpd_delay 0: ignored",
            "racoon.conf:10: dpd_retry 5: ignored",
            "racoon.conf:11: verify_cert on: ignored",
            "racoon.conf:11: script \"up.sh\" phase1_up: ignored",
        };
        NS_TEST_ASSERT_MSG_EQ(c.ignored.size(), notes.size(), "one note each");
        for (size_t i = 0; i < notes.size(); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(
                c.ignored[i].compare(0, notes[i].size(), notes[i]), 0, c.ignored[i]);
        }
        NS_TEST_EXPECT_MSG_EQ(c.remotes.size(), 1, "the remote is used");

        const std::pair<std::string, std::string> refused[] = {
            {RemoteWith("certificate_type x509 \"c\" \"k\";"), "certificate_type"},
            {RemoteWith("dpd_delay 30;"), "30"},
            {RemoteWith("my_identifier asn1dn;"), "asn1dn"},
            {RemoteWith("generate_policy unique;"), "unique"},
            {RemoteWith("support_proxy on;"), "on"},
            {RemoteWith("rekey force;"), "force"},
            {RemoteWith("mode_cfg on;"), "on"},
            {RemoteWith("xauth_login \"u\";"), "xauth_login"},
            {RemoteWith("ph1id 3;"), "3"},
            {RemoteWith("situation secrecy;"), "secrecy"},
            {"remote 10.0.0.1 inherit anonymous { }", "inherit"},
            {"listen { isakmp_natt 10.0.0.1; }", ";"},
            {"complex_bundle on;", "complex_bundle"},
            {"mode_cfg { }", "mode_cfg"},
            {"remote anonymous { exchange_mode main; proposal { authentication_method rsasig; } }",
             "rsasig"},
            {"remote anonymous { exchange_mode main; proposal { gss_id \"x\"; } }", "gss_id"},
            {"sainfo address 10.0.0.1-10.0.0.9 any anonymous { }", "10.0.0.1-10.0.0.9"},
            {"sainfo fqdn \"x\" anonymous { }", "fqdn"},
            {"sainfo anonymous clientaddr { }", "clientaddr"},
            {"sainfo anonymous from address 10.0.0.1 { }", "from"},
            {"sainfo anonymous { remoteid 2; }", "2"},
        };
        for (const auto& r : refused)
        {
            auto e = ParseError(r.first);
            NS_TEST_ASSERT_MSG_EQ(e.has_value(), true, r.first);
            NS_TEST_EXPECT_MSG_EQ(e->GetToken(), r.second, e->what());
            NS_TEST_EXPECT_MSG_EQ(Contains(e->what(), "is not supported"), true, e->what());
        }
    }
};

/// NAT traversal: nat_traversal, esp_frag, isakmp_natt, natt_keepalive.
class RacoonNattTestCase : public TestCase
{
  public:
    RacoonNattTestCase()
        : TestCase("NAT-T settings: nat_traversal on, off and force, esp_frag, isakmp_natt, "
                   "natt_keepalive")
    {
    }

  private:
    void DoRun() override
    {
        RacoonConf d = ParseRacoonConf(RemoteWith(""), "racoon.conf");
        NS_TEST_ASSERT_MSG_EQ(d.remotes.size(), 1, "one remote");
        NS_TEST_EXPECT_MSG_EQ(static_cast<int>(d.remotes[0].natTraversal),
                              static_cast<int>(RacoonNatTraversal::OFF),
                              "racoon's default is off");
        NS_TEST_EXPECT_MSG_EQ(d.remotes[0].espFrag, 65535, "esp_frag defaults to IP_MAXPACKET");
        NS_TEST_EXPECT_MSG_EQ(d.timer.nattKeepalive, Seconds(20), "natt_keepalive 20 s");
        NS_TEST_EXPECT_MSG_EQ(d.listenNatt.empty(), true, "no NAT-T socket written");

        const std::pair<std::string, RacoonNatTraversal> modes[] = {
            {"on", RacoonNatTraversal::ON},
            {"off", RacoonNatTraversal::OFF},
            {"force", RacoonNatTraversal::FORCE},
        };
        for (const auto& [word, mode] : modes)
        {
            RacoonConf c = ParseRacoonConf(RemoteWith("nat_traversal " + word + "; esp_frag 552;"),
                                           "r.conf");
            NS_TEST_EXPECT_MSG_EQ(
                static_cast<int>(c.remotes[0].natTraversal), static_cast<int>(mode), word);
            NS_TEST_EXPECT_MSG_EQ(c.remotes[0].espFrag, 552, "esp_frag as written");
            NS_TEST_EXPECT_MSG_EQ(c.ignored.empty(), true, "nothing ignored: " + word);
        }

        RacoonConf l = ParseRacoonConf("listen { isakmp 10.0.0.1 [500]; isakmp_natt 10.0.0.1 "
                                       "[4500]; }\ntimer { natt_keepalive 15 sec; }\n",
                                       "racoon.conf");
        NS_TEST_ASSERT_MSG_EQ(l.listenNatt.size(), 1, "one NAT-T socket");
        NS_TEST_EXPECT_MSG_EQ(l.listenNatt[0].first, IpsecAddress(Ipv4Address("10.0.0.1")), "addr");
        NS_TEST_EXPECT_MSG_EQ(l.listenNatt[0].second, 4500, "its port");
        NS_TEST_EXPECT_MSG_EQ(l.listen.size(), 1, "the isakmp socket stays apart");
        NS_TEST_EXPECT_MSG_EQ(l.timer.nattKeepalive, Seconds(15), "natt_keepalive as written");
        RacoonConf z = ParseRacoonConf("timer { natt_keepalive 0 sec; }\n", "racoon.conf");
        NS_TEST_EXPECT_MSG_EQ(z.timer.nattKeepalive, Seconds(0), "0 disables the keepalives");

        auto bad = ParseError(RemoteWith("nat_traversal yes;"));
        NS_TEST_ASSERT_MSG_EQ(bad.has_value(), true, "racoon's SWITCH is on/off only");
        NS_TEST_EXPECT_MSG_EQ(bad->GetToken(), "yes", bad->what());
        NS_TEST_EXPECT_MSG_EQ(Contains(bad->GetExpected(), "force"), true, bad->what());
    }
};

/// psk.txt.
class RacoonPskTestCase : public TestCase
{
  public:
    RacoonPskTestCase()
        : TestCase("psk.txt: racoon's getpsk() and its permission rule")
    {
    }

  private:
    void DoRun() override
    {
        const std::string text = Lines({
            "# comment",                    // 1
            "10.0.0.1\tkey one",            // 2: spaces inside kept
            "10.0.0.2    0x0123abCD",       // 3: hex
            "10.0.0.1 second",              // 4: not reached (first wins)
            "",                             // 5
            "host.example  0x01 23",        // 6: blanks between hex digits
            "user@host.example trailing  ", // 7: trailing blanks kept
            "  10.0.0.5 indented",          // 8: leading blank
            "10.0.0.6 0xabc",               // 9: odd hex
            "10.0.0.7 0X41",                // 10: "0X" is no hex prefix
            "crlf key\r",                   // 11
            "*\tdefault",                   // 12
            "10.0.0.8 after-star",          // 13
        });
        RacoonPskFile psk(text);
        auto key = [&psk](const char* id)
        {
            auto k = psk.Lookup(id);
            return k ? Str(*k) : std::string("<none>");
        };
        NS_TEST_EXPECT_MSG_EQ(psk.GetN(), 11, "eleven entries");
        NS_TEST_EXPECT_MSG_EQ(key("10.0.0.1"), "key one", "spaces inside the key");
        NS_TEST_EXPECT_MSG_EQ(key("10.0.0.2"), std::string("\x01\x23\xab\xcd"), "hex");
        NS_TEST_EXPECT_MSG_EQ(key("host.example"), std::string("\x01\x23"), "hex with blanks");
        NS_TEST_EXPECT_MSG_EQ(key("user@host.example"), "trailing  ", "trailing blanks kept");
        NS_TEST_EXPECT_MSG_EQ(key("10.0.0.5"), "default", "an indented line never matches");
        NS_TEST_EXPECT_MSG_EQ(key("10.0.0.7"), "0X41", "0X is literal");
        NS_TEST_EXPECT_MSG_EQ(key("crlf"), "key\r", "CR kept");
        NS_TEST_EXPECT_MSG_EQ(key("10.0.0.8"), "default", "'*' matches first");
        NS_TEST_EXPECT_MSG_EQ(key("# comment"), "default", "comments are no identifiers");
        std::string why;
        NS_TEST_EXPECT_MSG_EQ(psk.Lookup("10.0.0.6", &why).has_value(), false, "odd hex");
        NS_TEST_EXPECT_MSG_EQ(Contains(why, "psk.txt:9"), true, why);
        NS_TEST_EXPECT_MSG_EQ(Contains(why, "failed to get psk buffer"), true, why);
        NS_TEST_ASSERT_MSG_EQ(psk.GetNotes().size(), 4, "indent, trailing blanks, odd hex, CR");
        NS_TEST_EXPECT_MSG_EQ(psk.GetNotes()[0].compare(0, 10, "psk.txt:7:"), 0, "line 7");
        NS_TEST_EXPECT_MSG_EQ(psk.GetNotes()[1].compare(0, 10, "psk.txt:8:"), 0, "line 8");

        RacoonPskFile noStar("10.0.0.1 k\n");
        NS_TEST_EXPECT_MSG_EQ(noStar.Lookup("10.0.0.2", &why).has_value(), false, "no match");
        NS_TEST_EXPECT_MSG_EQ(why, "no key for '10.0.0.2' in psk.txt", "why");

        // safefile(): any group or other bit refuses the whole file.
        for (uint32_t mode : {0640u, 0604u, 0644u, 0660u, 0606u, 0610u, 0601u, 0700u | 07u})
        {
            RacoonPskFile weak(text, "psk.txt", mode);
            std::string w;
            NS_TEST_EXPECT_MSG_EQ(weak.Lookup("10.0.0.1", &w).has_value(), false, mode);
            NS_TEST_EXPECT_MSG_EQ(Contains(w, "psk.txt has weak file permission"), true, w);
        }
        for (uint32_t mode : {0600u, 0400u, 0200u, 0700u, 0000u})
        {
            RacoonPskFile strong(text, "psk.txt", mode);
            NS_TEST_EXPECT_MSG_EQ(strong.Lookup("10.0.0.1").has_value(), true, mode);
        }
        RacoonPskFile chmod(text, "psk.txt", 0644);
        NS_TEST_EXPECT_MSG_EQ(chmod.Lookup("10.0.0.1").has_value(), false, "0644");
        chmod.SetMode(0600);
        NS_TEST_EXPECT_MSG_EQ(chmod.GetMode(), 0600u, "chmod 600");
        NS_TEST_EXPECT_MSG_EQ(chmod.Lookup("10.0.0.1").has_value(), true, "now readable");

        // A line without a key.
        try
        {
            RacoonPskFile bad("10.0.0.1 k\n\n10.0.0.2   \n", "keys.txt");
            NS_TEST_EXPECT_MSG_EQ(true, false, "a line without a key must fail");
        }
        catch (const RacoonConfError& e)
        {
            NS_TEST_EXPECT_MSG_EQ(e.GetFile(), "keys.txt", "file");
            NS_TEST_EXPECT_MSG_EQ(e.GetLine(), 3, "line 3");
            NS_TEST_EXPECT_MSG_EQ(e.GetToken(), "10.0.0.2", "its identifier");
        }
        bool threw = false;
        try
        {
            RacoonPskFile bad("lonely");
        }
        catch (const RacoonConfError& e)
        {
            threw = e.GetLine() == 1 && e.GetToken() == "lonely";
        }
        NS_TEST_EXPECT_MSG_EQ(threw, true, "an identifier alone");

        // Read(): a real file, the mode given (not the file's own).
        ipsectest::TempDir tmp("racoon-psk");
        std::ofstream(tmp.File("psk.txt")) << "10.1.1.1 spamspamspam\n";
        RacoonPskFile disk = RacoonPskFile::Read(tmp.File("psk.txt"), 0644);
        NS_TEST_EXPECT_MSG_EQ(disk.GetMode(), 0644u, "the mode given");
        NS_TEST_EXPECT_MSG_EQ(disk.Lookup("10.1.1.1", &why).has_value(), false, "weak");
        NS_TEST_EXPECT_MSG_EQ(Contains(why, tmp.File("psk.txt")), true, why);
        NS_TEST_EXPECT_MSG_EQ(
            RacoonPskFile::Read(tmp.File("psk.txt")).Lookup("10.1.1.1").has_value(),
            true,
            "0600 by default");
        bool missing = false;
        try
        {
            RacoonPskFile::Read(tmp.File("nosuch.txt"));
        }
        catch (const RacoonConfError& e)
        {
            missing = e.GetFile() == tmp.File("nosuch.txt");
        }
        NS_TEST_EXPECT_MSG_EQ(missing, true, "a missing file");
    }
};

/// The ipsec-racoon-conf test suite.
class IpsecRacoonConfTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecRacoonConfTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-racoon-conf", UNIT)
    {
        AddTestCase(new RacoonSampleTestCase(), TestCase::QUICK);
        AddTestCase(new RacoonStatementsTestCase(), TestCase::QUICK);
        AddTestCase(new RacoonDefaultsTestCase(), TestCase::QUICK);
        AddTestCase(new RacoonNamesTestCase(), TestCase::QUICK);
        AddTestCase(new RacoonSainfoListsTestCase(), TestCase::QUICK);
        AddTestCase(new RacoonIncludeTestCase(), TestCase::QUICK);
        AddTestCase(new RacoonFindRemoteTestCase(), TestCase::QUICK);
        AddTestCase(new RacoonFindSainfoTestCase(), TestCase::QUICK);
        AddTestCase(new RacoonErrorsTestCase(), TestCase::QUICK);
        AddTestCase(new RacoonIgnoredTestCase(), TestCase::QUICK);
        AddTestCase(new RacoonNattTestCase(), TestCase::QUICK);
        AddTestCase(new RacoonPskTestCase(), TestCase::QUICK);
    }
};

/// Static instance registering the suite.
static IpsecRacoonConfTestSuite g_ipsecRacoonConfTestSuite;

} // namespace
