/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Tests of the setkey language: the policy string parser, the setkey lexer
 * and parser, and Setkey::Run's KAME semantics.  Effects are checked through
 * the IpsecSad/IpsecSpd objects, not through the parser's own output.
 */
#include "ipsec-test-base.h"
#include "ns3/ipsec-policy-parser.h"
#include "ns3/ipsec-sad.h"
#include "ns3/ipsec-spd.h"
#include "ns3/setkey-lexer.h"
#include "ns3/setkey-parser.h"
#include "ns3/setkey.h"
#include "ns3/simulator.h"
#include "ns3/test.h"

#include <cerrno>
#include <initializer_list>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// The SAD and SPD of one simulated node.
struct KeyNode
{
    Ptr<IpsecSad> sad = CreateObject<IpsecSad>();
    Ptr<IpsecSpd> spd = CreateObject<IpsecSpd>();

    SetkeyResult Run(const std::string& text,
                     SetkeyDialect dialect = SetkeyDialect::KAME,
                     bool parseOnly = false)
    {
        SetkeyOptions opts;
        opts.dialect = dialect;
        opts.parseOnly = parseOnly;
        return Setkey::Run(sad, spd, text, "ipsec.conf", opts);
    }

    Ptr<IpsecSa> Sa(const char* src, const char* dst, IpsecProto proto, uint32_t spi) const
    {
        return sad->Get(Addr(src), Addr(dst), proto, spi);
    }

    const std::vector<Ptr<IpsecPolicy>>& Out() const
    {
        return spd->GetPolicies(IpsecDirection::OUTBOUND);
    }

    const std::vector<Ptr<IpsecPolicy>>& In() const
    {
        return spd->GetPolicies(IpsecDirection::INBOUND);
    }

    static IpsecAddress Addr(const char* text)
    {
        return *IpsecAddress::Parse(text);
    }
};

/// Joins @p lines with newlines (line i+1 of the script is lines[i]).
std::string
Script(std::initializer_list<const char*> lines)
{
    std::string s;
    for (const char* l : lines)
    {
        s += l;
        s += '\n';
    }
    return s;
}

std::vector<uint8_t>
Bytes(const std::string& s)
{
    return std::vector<uint8_t>(s.begin(), s.end());
}

/// Enumerations as numbers, for the test macros' messages.
template <typename E>
int
I(E e)
{
    return static_cast<int>(e);
}

bool
Contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

} // namespace

/// Every setkey statement of the NetBSD IPsec FAQ parses and takes effect.
class SetkeyFaqTestCase : public TestCase
{
  public:
    SetkeyFaqTestCase()
        : TestCase("FAQ scripts parse and execute")
    {
    }

  private:
    void DoRun() override
    {
        HostToHostEsp();
        HostToHostEspPeer();
        Rijndael();
        HostToHostAh();
        AhAndEsp();
        Vpn();
        LeafNode();
        IkePolicies();
        PopPolicies();
        Simulator::Destroy();
    }

    void HostToHostEsp()
    {
        KeyNode a;
        SetkeyResult r = a.Run(Script({
            "# packet will look like this: IPv4 ESP payload",
            "# the node is on 10.1.1.1, peer is on 20.1.1.1",
            "add 10.1.1.1 20.1.1.1 esp 9876 -E 3des-cbc \"hogehogehogehogehogehoge\";",
            "add 20.1.1.1 10.1.1.1 esp 10000 -E 3des-cbc "
            "0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef;",
            "spdadd 10.1.1.1 20.1.1.1 any -P out ipsec esp/transport//use;",
            "spdadd 20.1.1.1 10.1.1.1 any -P in ipsec esp/transport//require;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "host A script");
        NS_TEST_ASSERT_MSG_EQ(r.statementsExecuted, 4, "four statements");
        NS_TEST_ASSERT_MSG_EQ(r.messages.size(), 0, "setkey prints nothing");
        NS_TEST_ASSERT_MSG_EQ(a.sad->GetN(), 2, "two SAs");
        NS_TEST_ASSERT_MSG_EQ(a.sad->GetHeads().size(), 2, "one head per direction");
        Ptr<IpsecSa> sa = a.Sa("10.1.1.1", "20.1.1.1", IpsecProto::ESP, 9876);
        NS_TEST_ASSERT_MSG_NE(sa, nullptr, "SA 9876 installed");
        NS_TEST_ASSERT_MSG_EQ(std::string(sa->params.enc->name), "3des-cbc", "cipher");
        NS_TEST_ASSERT_MSG_EQ(
            (sa->params.encKey == Bytes("hogehogehogehogehogehoge")), true, "quoted key bytes");
        NS_TEST_ASSERT_MSG_EQ(sa->params.flags, 0x40, "flags=0x00000040 (CYCSEQ)");
        NS_TEST_ASSERT_MSG_EQ(I(sa->params.mode), I(IpsecMode::ANY), "mode any by default");
        NS_TEST_ASSERT_MSG_EQ(sa->params.reqid, 0, "reqid 0");
        NS_TEST_ASSERT_MSG_EQ(sa->params.replayWindow, 0, "no replay window");
        NS_TEST_ASSERT_MSG_EQ(sa->params.auth, nullptr, "no authenticator");
        NS_TEST_ASSERT_MSG_EQ(I(sa->state), I(IpsecSaState::MATURE), "mature");
        Ptr<IpsecSa> back = a.Sa("20.1.1.1", "10.1.1.1", IpsecProto::ESP, 10000);
        NS_TEST_ASSERT_MSG_NE(back, nullptr, "SA 10000 installed");
        NS_TEST_ASSERT_MSG_EQ(back->params.encKey.size(), 24, "hex key of 24 bytes");
        NS_TEST_ASSERT_MSG_EQ(+back->params.encKey[0], 0xde, "hex key first byte");
        NS_TEST_ASSERT_MSG_EQ(+back->params.encKey[23], 0xef, "hex key last byte");

        NS_TEST_ASSERT_MSG_EQ(a.Out().size(), 1, "one outbound policy");
        NS_TEST_ASSERT_MSG_EQ(a.In().size(), 1, "one inbound policy");
        Ptr<IpsecPolicy> out = a.Out()[0];
        NS_TEST_ASSERT_MSG_EQ(out->id, 16388, "first spid");
        NS_TEST_ASSERT_MSG_EQ(a.In()[0]->id, 16389, "second spid");
        NS_TEST_ASSERT_MSG_EQ(out->setkeyLine, 5, "setkey line of the policy");
        NS_TEST_ASSERT_MSG_EQ(I(out->action), I(IpsecPolicyAction::IPSEC), "ipsec action");
        NS_TEST_ASSERT_MSG_EQ(out->selector.src, KeyNode::Addr("10.1.1.1"), "selector src");
        NS_TEST_ASSERT_MSG_EQ(out->selector.dst, KeyNode::Addr("20.1.1.1"), "selector dst");
        NS_TEST_ASSERT_MSG_EQ(+out->selector.prefs, 32, "full source prefix");
        NS_TEST_ASSERT_MSG_EQ(+out->selector.prefd, 32, "full destination prefix");
        NS_TEST_ASSERT_MSG_EQ(+out->selector.ulproto, 255, "any upper layer");
        NS_TEST_ASSERT_MSG_EQ(out->requests.size(), 1, "one request");
        NS_TEST_ASSERT_MSG_EQ(I(out->requests[0].proto), I(IpsecProto::ESP), "esp");
        NS_TEST_ASSERT_MSG_EQ(I(out->requests[0].mode), I(IpsecMode::TRANSPORT), "transport");
        NS_TEST_ASSERT_MSG_EQ(I(out->requests[0].level), I(IpsecLevel::USE), "use");
        NS_TEST_ASSERT_MSG_EQ(out->requests[0].HasEndpoints(), false, "no endpoints");
        NS_TEST_ASSERT_MSG_EQ(I(a.In()[0]->requests[0].level), I(IpsecLevel::REQUIRE), "require");
    }

    void HostToHostEspPeer()
    {
        KeyNode b;
        SetkeyResult r = b.Run(Script({
            "add 10.1.1.1 20.1.1.1 esp 9876 -E 3des-cbc \"hogehogehogehogehogehoge\";",
            "add 20.1.1.1 10.1.1.1 esp 10000 -E 3des-cbc "
            "0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef;",
            "spdadd 20.1.1.1 10.1.1.1 any -P out ipsec esp/transport//use;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "host B script");
        NS_TEST_ASSERT_MSG_EQ(b.sad->GetN(), 2, "two SAs");
        NS_TEST_ASSERT_MSG_EQ(b.Out().size(), 1, "one policy");
        NS_TEST_ASSERT_MSG_EQ(b.Out()[0]->selector.src, KeyNode::Addr("20.1.1.1"), "B's src");
    }

    void Rijndael()
    {
        KeyNode a;
        SetkeyResult r = a.Run(Script({
            "# rijndael-cbc with 128bit key",
            "add 10.1.1.1 20.1.1.1 esp 9876 -E rijndael-cbc \"hogehogehogehoge\";",
            "add 20.1.1.1 10.1.1.1 esp 10000 -E rijndael-cbc 0xdeadbeefdeadbeefdeadbeefdeadbeef;",
            "spdadd 10.1.1.1 20.1.1.1 any -P out ipsec esp/transport//use;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "rijndael script");
        Ptr<IpsecSa> sa = a.Sa("20.1.1.1", "10.1.1.1", IpsecProto::ESP, 10000);
        NS_TEST_ASSERT_MSG_NE(sa, nullptr, "SA installed");
        NS_TEST_ASSERT_MSG_EQ(std::string(sa->params.enc->name), "rijndael-cbc", "cipher");
        NS_TEST_ASSERT_MSG_EQ(sa->params.encKey.size(), 16, "128-bit key");
    }

    void HostToHostAh()
    {
        KeyNode a;
        SetkeyResult r = a.Run(Script({
            "add 10.1.1.1 20.1.1.1 ah 9877 -A hmac-md5 \"hogehogehogehoge\";",
            "add 20.1.1.1 10.1.1.1 ah 10001 -A hmac-md5 \"mogamogamogamoga\";",
            "spdadd 10.1.1.1 20.1.1.1 any -P out ipsec ah/transport//use;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "AH script");
        Ptr<IpsecSa> sa = a.Sa("20.1.1.1", "10.1.1.1", IpsecProto::AH, 10001);
        NS_TEST_ASSERT_MSG_NE(sa, nullptr, "AH SA installed");
        NS_TEST_ASSERT_MSG_EQ(std::string(sa->params.auth->name), "hmac-md5", "authenticator");
        NS_TEST_ASSERT_MSG_EQ((sa->params.authKey == Bytes("mogamogamogamoga")), true, "key");
        NS_TEST_ASSERT_MSG_EQ(sa->params.enc, nullptr, "no cipher");
        NS_TEST_ASSERT_MSG_EQ(I(a.Out()[0]->requests[0].proto), I(IpsecProto::AH), "ah request");
    }

    void AhAndEsp()
    {
        KeyNode a;
        SetkeyResult r = a.Run(Script({
            "add 10.1.1.1 20.1.1.1 esp 9876 -E 3des-cbc \"hogehogehogehogehogehoge\";",
            "add 20.1.1.1 10.1.1.1 esp 10000 -E 3des-cbc "
            "0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef;",
            "add 10.1.1.1 20.1.1.1 ah 9877 -A hmac-md5 \"hogehogehogehoge\";",
            "add 20.1.1.1 10.1.1.1 ah 10001 -A hmac-md5 \"mogamogamogamoga\";",
            "spdadd 10.1.1.1 20.1.1.1 any -P out ipsec esp/transport//use ah/transport//use;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "AH+ESP script");
        NS_TEST_ASSERT_MSG_EQ(a.sad->GetN(), 4, "four SAs");
        NS_TEST_ASSERT_MSG_EQ(a.sad->GetHeads().size(), 4, "four heads");
        // KAME inserts new heads at the front: the last add is the first head.
        NS_TEST_ASSERT_MSG_EQ(
            I(a.sad->GetHeads().front()->proto), I(IpsecProto::AH), "newest head");
        NS_TEST_ASSERT_MSG_EQ(
            a.sad->GetHeads().front()->src, KeyNode::Addr("20.1.1.1"), "newest head src");
        const auto& req = a.Out()[0]->requests;
        NS_TEST_ASSERT_MSG_EQ(req.size(), 2, "two requests");
        NS_TEST_ASSERT_MSG_EQ(I(req[0].proto), I(IpsecProto::ESP), "esp first (textual order)");
        NS_TEST_ASSERT_MSG_EQ(I(req[1].proto), I(IpsecProto::AH), "ah second");
    }

    void Vpn()
    {
        KeyNode gw;
        SetkeyResult r = gw.Run(Script({
            "add 20.0.0.1 20.0.0.2 esp 13245 -E blowfish-cbc \"blowfishtest.001\" ;",
            "add 20.0.0.2 20.0.0.1 esp 13246 -E blowfish-cbc 0xdeadbeefdeadbeefdeadbeefdeadbeef;",
            "spdadd 10.0.1.0/24 10.0.2.0/24 any -P out ipsec "
            "esp/tunnel/20.0.0.1-20.0.0.2/require ;",
            "spdadd 10.0.2.0/24 10.0.1.0/24 any -P in ipsec "
            "esp/tunnel/20.0.0.2-20.0.0.1/require ;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "VPN gateway script");
        NS_TEST_ASSERT_MSG_EQ(gw.sad->GetN(), 2, "two SAs");
        Ptr<IpsecSa> sa = gw.Sa("20.0.0.1", "20.0.0.2", IpsecProto::ESP, 13245);
        NS_TEST_ASSERT_MSG_NE(sa, nullptr, "blowfish SA");
        NS_TEST_ASSERT_MSG_EQ(std::string(sa->params.enc->name), "blowfish-cbc", "cipher");
        Ptr<IpsecPolicy> out = gw.Out()[0];
        NS_TEST_ASSERT_MSG_EQ(+out->selector.prefs, 24, "src /24");
        NS_TEST_ASSERT_MSG_EQ(+out->selector.prefd, 24, "dst /24");
        NS_TEST_ASSERT_MSG_EQ(out->selector.src, KeyNode::Addr("10.0.1.0"), "src net");
        NS_TEST_ASSERT_MSG_EQ(I(out->requests[0].mode), I(IpsecMode::TUNNEL), "tunnel");
        NS_TEST_ASSERT_MSG_EQ(out->requests[0].tunnelSrc, KeyNode::Addr("20.0.0.1"), "outer src");
        NS_TEST_ASSERT_MSG_EQ(out->requests[0].tunnelDst, KeyNode::Addr("20.0.0.2"), "outer dst");
        Ptr<IpsecPolicy> in = gw.In()[0];
        NS_TEST_ASSERT_MSG_EQ(in->requests[0].tunnelSrc, KeyNode::Addr("20.0.0.2"), "in outer src");
        NS_TEST_ASSERT_MSG_EQ(I(in->requests[0].level), I(IpsecLevel::REQUIRE), "require");
    }

    void LeafNode()
    {
        KeyNode host;
        SetkeyResult r = host.Run(Script({
            "add 10.0.1.1 10.0.1.5 esp 1011 -E rijndael-cbc \"rijndaeltest.001\" ;",
            "add 10.0.1.5 10.0.1.1 esp 1012 -E rijndael-cbc 0xdeadbeefdeadbeefdeadbeefdeadbeef;",
            "spdadd 10.0.1.5/32 0.0.0.0/0 any -P out ipsec esp/tunnel/10.0.1.5-10.0.1.1/require;",
            "spdadd 0.0.0.0/0 10.0.1.5/32 any -P in ipsec esp/tunnel/10.0.1.1-10.0.1.5/require;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "leaf node script");
        NS_TEST_ASSERT_MSG_EQ(host.sad->GetN(), 2, "two SAs");
        NS_TEST_ASSERT_MSG_EQ(+host.Out()[0]->selector.prefs, 32, "/32");
        NS_TEST_ASSERT_MSG_EQ(+host.Out()[0]->selector.prefd, 0, "/0");
        NS_TEST_ASSERT_MSG_EQ(+host.In()[0]->selector.prefs, 0, "in /0");

        // "On the router, swap 'out' and 'in' in the spdadd commands."
        KeyNode router;
        r = router.Run(Script({
            "add 10.0.1.1 10.0.1.5 esp 1011 -E rijndael-cbc \"rijndaeltest.001\" ;",
            "add 10.0.1.5 10.0.1.1 esp 1012 -E rijndael-cbc 0xdeadbeefdeadbeefdeadbeefdeadbeef;",
            "spdadd 10.0.1.5/32 0.0.0.0/0 any -P in ipsec esp/tunnel/10.0.1.5-10.0.1.1/require;",
            "spdadd 0.0.0.0/0 10.0.1.5/32 any -P out ipsec esp/tunnel/10.0.1.1-10.0.1.5/require;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "router script");
        NS_TEST_ASSERT_MSG_EQ(router.In().size(), 1, "router inbound policy");
    }

    void IkePolicies()
    {
        for (auto ab :
             {std::make_pair("10.1.1.1", "20.1.1.1"), std::make_pair("fec0::1", "fec0::2")})
        {
            std::string a = ab.first;
            std::string b = ab.second;
            KeyNode nodeA;
            SetkeyResult r
                = nodeA.Run("spdadd " + a + " " + b
                            + " any -P out ipsec esp/transport//require;\n"
                              "spdadd "
                            + b + " " + a + " any -P in ipsec esp/transport//require;\n");
            NS_TEST_ASSERT_MSG_EQ(r.ok, true, "IKE policies on A (" << a << ")");
            NS_TEST_ASSERT_MSG_EQ(nodeA.spd->GetN(), 2, "two policies");
            NS_TEST_ASSERT_MSG_EQ(nodeA.Out()[0]->selector.dst, KeyNode::Addr(b.c_str()), "dst B");
            NS_TEST_ASSERT_MSG_EQ(+nodeA.Out()[0]->selector.prefs,
                                  +nodeA.Out()[0]->selector.src.GetBits(),
                                  "full prefix");
            KeyNode nodeB;
            r = nodeB.Run("spdadd " + b + " " + a + " any -P out ipsec esp/transport//require;\n"
                          + "spdadd " + a + " " + b + " any -P in ipsec esp/transport//require;\n");
            NS_TEST_ASSERT_MSG_EQ(r.ok, true, "IKE policies on B");
        }
    }

    void PopPolicies()
    {
        KeyNode a;
        SetkeyResult r = a.Run(Script({
            "spdadd 10.1.1.1[110] 10.1.1.1 tcp -P out none;",
            "spdadd 10.1.1.1 10.1.1.1[110] tcp -P in none;",
            "spdadd 10.1.1.1[110] 0.0.0.0/0 tcp -P out ipsec ah/transport//require;",
            "spdadd 0.0.0.0/0 10.1.1.1[110] tcp -P in ipsec ah/transport//require;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "POP server policies");
        NS_TEST_ASSERT_MSG_EQ(a.Out().size(), 2, "two outbound");
        NS_TEST_ASSERT_MSG_EQ(
            I(a.Out()[0]->action), I(IpsecPolicyAction::NONE), "none first (order)");
        NS_TEST_ASSERT_MSG_EQ(a.Out()[0]->requests.size(), 0, "none has no requests");
        NS_TEST_ASSERT_MSG_EQ(a.Out()[0]->selector.sport, 110, "source port 110");
        NS_TEST_ASSERT_MSG_EQ(a.Out()[0]->selector.dport, 0, "any destination port");
        NS_TEST_ASSERT_MSG_EQ(+a.Out()[0]->selector.ulproto, 6, "tcp");
        NS_TEST_ASSERT_MSG_EQ(I(a.Out()[1]->action), I(IpsecPolicyAction::IPSEC), "then ipsec");
        NS_TEST_ASSERT_MSG_EQ(I(a.Out()[1]->requests[0].proto), I(IpsecProto::AH), "ah");
        NS_TEST_ASSERT_MSG_EQ(a.In()[1]->selector.dport, 110, "inbound dst port 110");
        NS_TEST_ASSERT_MSG_EQ(a.Out()[0]->id, 16388, "ids in statement order");
        NS_TEST_ASSERT_MSG_EQ(a.In()[0]->id, 16389, "ids in statement order");
        NS_TEST_ASSERT_MSG_EQ(a.Out()[1]->id, 16390, "ids in statement order");

        KeyNode b;
        r = b.Run(Script({
            "spdadd 20.1.1.1 10.1.1.1[110] tcp -P out ipsec ah/transport//require;",
            "spdadd 10.1.1.1[110] 20.1.1.1 tcp -P in ipsec ah/transport//require;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "POP client policies");
        NS_TEST_ASSERT_MSG_EQ(b.In()[0]->selector.sport, 110, "client inbound src port");
    }
};

/// The FAQ's first host-A script carries a 128-bit key for 3des-cbc.
class SetkeyFaqKeyLengthTestCase : public TestCase
{
  public:
    SetkeyFaqKeyLengthTestCase()
        : TestCase("FAQ 3des key of 128 bits: Invalid key length, earlier add kept")
    {
    }

  private:
    void DoRun() override
    {
        KeyNode a;
        SetkeyResult r = a.Run(Script({
            "# packet will look like this: IPv4 ESP payload",
            "# the node is on 10.1.1.1, peer is on 20.1.1.1",
            "add 10.1.1.1 20.1.1.1 esp 9876 -E 3des-cbc \"hogehogehogehogehogehoge\";",
            "add 20.1.1.1 10.1.1.1 esp 10000 -E 3des-cbc 0xdeadbeefdeadbeefdeadbeefdeadbeef;",
            "spdadd 10.1.1.1 20.1.1.1 any -P out ipsec esp/transport//use;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.ok, false, "the script fails");
        NS_TEST_ASSERT_MSG_EQ(r.aborted, true, "parse errors abort (KAME)");
        NS_TEST_ASSERT_MSG_EQ(r.ExitStatus(), 1, "exit status 1");
        NS_TEST_ASSERT_MSG_EQ(r.PartiallyApplied(), true, "half-loaded node");
        NS_TEST_ASSERT_MSG_EQ(r.statementsExecuted, 1, "only the first add ran");
        NS_TEST_ASSERT_MSG_EQ(r.error.line, 4, "error on the line of the statement");
        NS_TEST_ASSERT_MSG_EQ(r.error.fileName, "ipsec.conf", "file name kept");
        NS_TEST_ASSERT_MSG_EQ(r.error.token, "0xdeadbeefdeadbeefdeadbeefdeadbeef", "the key");
        NS_TEST_ASSERT_MSG_EQ(Contains(r.error.message, "Invalid key length"), true, "message");
        NS_TEST_ASSERT_MSG_EQ(Contains(r.error.message, "3des-cbc"), true, "names algorithm");
        NS_TEST_ASSERT_MSG_EQ(Contains(r.error.message, "192"), true, "names expected size");
        NS_TEST_ASSERT_MSG_EQ(Contains(r.error.message, "128"), true, "names given size");
        NS_TEST_ASSERT_MSG_EQ(r.messages.size(), 2, "error line and parse failed line");
        NS_TEST_ASSERT_MSG_EQ(r.messages[0],
                              "line 4: " + r.error.message
                                  + " at [0xdeadbeefdeadbeefdeadbeefdeadbeef]",
                              "KAME error format");
        NS_TEST_ASSERT_MSG_EQ(r.messages[1], "parse failed, line 4.", "KAME trailer");
        NS_TEST_ASSERT_MSG_EQ(r.error.ToString(),
                              "ipsec.conf:4: " + r.error.message
                                  + " at [0xdeadbeefdeadbeefdeadbeefdeadbeef]",
                              "FILE:N format");
        // The first add took effect, the rest did not.
        NS_TEST_ASSERT_MSG_EQ(a.sad->GetN(), 1, "one SA");
        NS_TEST_ASSERT_MSG_NE(
            a.Sa("10.1.1.1", "20.1.1.1", IpsecProto::ESP, 9876), nullptr, "SA 9876 installed");
        NS_TEST_ASSERT_MSG_EQ(a.Sa("20.1.1.1", "10.1.1.1", IpsecProto::ESP, 10000),
                              nullptr,
                              "SA 10000 not installed");
        NS_TEST_ASSERT_MSG_EQ(a.spd->GetN(), 0, "the spdadd after the error never ran");
        Simulator::Destroy();
    }
};

/// Client-side errors: line, token, message, expected.
class SetkeyClientErrorTestCase : public TestCase
{
  public:
    SetkeyClientErrorTestCase()
        : TestCase("syntax and client-side errors")
    {
    }

  private:
    struct Case
    {
        const char* script;
        uint32_t line;
        const char* token;
        const char* message; ///< exact, or prefix when ending in '*'
    };

    void DoRun() override
    {
        const Case cases[] = {
            {"addd 10.0.0.1 10.0.0.2 esp 0x1000 -E null;", 1, "addd", "syntax error"},
            {"flush;\n\nadd 10.0.0.1 10.0.0.2 esp -E null;", 3, "-E", "syntax error"},
            {"add 10.0.0.1 10.0.0.2\n  esp 0x1000\n  -E null", 3, "", "syntax error"},
            {"add 10.0.0.1 10.0.0.2 esp 0x1000 -E 3des-cbc;", 1, ";", "syntax error"},
            {"add 10.0.0.1 10.0.0.2 esp 0x1000 -E null -m tunnel;", 1, "-m", "syntax error"},
            {"add 10.0.0.1 10.0.0.2 esp 0x1000 -E blowfish \"1234567890\";",
             1,
             "blowfish",
             "Not supported"},
            {"add 10.0.0.1 10.0.0.2 ah 0x1000 -A hmac-sha3 \"x\";",
             1,
             "hmac-sha3",
             "Not supported"},
            {"add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -C gzip;", 1, "gzip", "Not supported"},
            {"add 10.0.0.1 10.0.0.2 ah 0x1000 -A hmac-sha1 \"tooshort\";",
             1,
             "tooshort",
             "Invalid key length (hmac-sha1 needs a 160-bit key, got 64 bits)"},
            {"add 10.0.0.1 10.0.0.2 esp 0x100000000 -E null;", 1, "0x100000000", "SPI too big."},
            {"add 10.0.0.1 10.0.0.2 esp 4294967296 -E null;", 1, "4294967296", "SPI too big."},
            {"add 10.0.0.1 10.0.0.2 esp 0x12g4 -E null;", 1, "0x12g4", "invalid SPI"},
            {"add -4q 10.0.0.1 10.0.0.2 esp 0x1000 -E null;", 1, "-4q", "invalid flag"},
            {"add 10.0.0.1 10.0.0.2 esp-old 0x1000 -r 4 -E des-cbc 0x0123456789abcdef;",
             1,
             "4",
             "replay prevention cannot be used with ah/esp-old"},
            {"add 10.0.0.1 10.0.0.2 ah-old 0x1000 -r 4 -A keyed-md5 \"0123456789abcdef\";",
             1,
             "4",
             "replay prevention cannot be used with ah/esp-old"},
            {"spdadd 10.0.0.1 10.0.0.2 foo -P out none;", 1, "foo", "invalid upper layer protocol"},
            {"spdadd 10.0.0.1 10.0.0.2 300 -P out none;", 1, "300", "invalid upper layer protocol"},
            {"spdadd 10.0.0.1 10.0.0.2 esp -P out none;", 1, "esp", "syntax error"},
            {"spdadd 10.0.0.1 10.0.0.2 icmp6 1x -P out none;",
             1,
             "1x",
             "invalid an upper layer protocol spec"},
            {"spdadd gw.example.org 10.0.0.2 any -P out none;",
             1,
             "gw.example.org",
             "hostname nor servname provided, or not known*"},
            {"add 10.0.0.1 10.0.0.2 esp 0x1000 -E des-32iv 0x0123456789abcdef;",
             1,
             "des-32iv",
             "algorithm mismatched"},
            {"spdadd 10.0.0.1[nosuchsvc] 10.0.0.2 any -P out none;",
             1,
             "nosuchsvc",
             "servname not supported for ai_socktype*"},
            {"add 10.0.0.1 fec0::2 esp 0x1000 -E null;", 1, "fec0::2", "Family mismatch"},
            {"spdadd -4 fec0::1 fec0::2 any -P out none;",
             1,
             "fec0::1",
             "address family for hostname not supported*"},
        };
        for (const auto& c : cases)
        {
            KeyNode n;
            SetkeyResult r = n.Run(c.script);
            std::string msg = c.message;
            bool prefix = !msg.empty() && msg.back() == '*';
            if (prefix)
            {
                msg.pop_back();
            }
            NS_TEST_EXPECT_MSG_EQ(r.aborted, true, c.script);
            NS_TEST_EXPECT_MSG_EQ(r.error.line, c.line, c.script);
            NS_TEST_EXPECT_MSG_EQ(r.error.token, c.token, c.script);
            if (prefix)
            {
                NS_TEST_EXPECT_MSG_EQ(r.error.message.substr(0, msg.size()), msg, c.script);
            }
            else
            {
                NS_TEST_EXPECT_MSG_EQ(r.error.message, msg, c.script);
            }
            NS_TEST_EXPECT_MSG_EQ(r.error.expected.empty(), false, c.script);
            NS_TEST_EXPECT_MSG_EQ(
                r.messages.back(), "parse failed, line " + std::to_string(c.line) + ".", c.script);
            NS_TEST_EXPECT_MSG_EQ(n.sad->GetN() + n.spd->GetN(), 0, c.script);
        }

        // "expected" explains what was missing.
        KeyNode n;
        SetkeyResult r = n.Run("add 10.0.0.1 10.0.0.2 esp -E null;");
        NS_TEST_ASSERT_MSG_EQ(Contains(r.error.expected, "SPI"), true, "expected an SPI");
        r = n.Run("add 10.0.0.1 10.0.0.2 esp 0x1000 -E null -m tunnel;");
        NS_TEST_ASSERT_MSG_EQ(Contains(r.error.expected, "before the algorithm"),
                              true,
                              "options must precede the algorithm part");
        r = n.Run("spdadd 10.0.0.1 10.0.0.2 any -P ipsec esp/transport//use;");
        NS_TEST_ASSERT_MSG_EQ(Contains(r.error.expected, "direction"), true, "a direction");
        r = n.Run("spdadd 10.0.0.1 10.0.0.2 any\n -P out ipsec\n esp/tunnel//require;");
        NS_TEST_ASSERT_MSG_EQ(r.error.line, 3, "policy errors report the line of its end");

        // token.l's fatal "Syntax error": no "parse failed" line.
        r = n.Run("flush;\nadd 10.0.0.1 10.0.0.2 esp 0x1000 @ -E null;\nspdflush;");
        NS_TEST_ASSERT_MSG_EQ(r.aborted, true, "fatal");
        NS_TEST_ASSERT_MSG_EQ(r.error.fatal, true, "lexer error");
        NS_TEST_ASSERT_MSG_EQ(r.messages.size(), 1, "one line");
        NS_TEST_ASSERT_MSG_EQ(r.messages[0], "line 2: Syntax error at [@]", "fatal format");
        NS_TEST_ASSERT_MSG_EQ(r.statementsExecuted, 1, "flush ran");
        Simulator::Destroy();
    }
};

/// Kernel-side errors are reported and the script goes on.
class SetkeyKernelErrorTestCase : public TestCase
{
  public:
    SetkeyKernelErrorTestCase()
        : TestCase("kernel errors: The result of line N")
    {
    }

  private:
    void DoRun() override
    {
        KeyNode n;
        SetkeyResult r = n.Run(Script({
            "add 10.0.0.1 10.0.0.2 esp 0x1000 -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x1000 -E null;",
            "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;",
            "spdadd 10.0.0.1 10.0.0.2 any -P out discard;",
            "spddelete 10.0.0.9 10.0.0.2 any -P out;",
            "delete 10.0.0.1 10.0.0.2 esp 0x2000;",
            "get 10.0.0.1 10.0.0.2 esp 0x2000;",
            "spdadd 10.0.0.1 10.0.0.3 any -P out entrust;",
            "spdadd 10.0.0.1 10.0.0.4 any -P in bypass;",
            "add 10.0.0.1 10.0.0.2 esp 0x10 -E null;",
            "add 10.0.0.1 10.0.0.2 ah 0x3000 -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x3001 -A hmac-sha1 \"12345678901234567890\";",
            "add 10.0.0.1 10.0.0.2 esp 0x3002 -lh 100 -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x3003 -bh 1000 -bs 500 -E null;",
            "add 10.0.0.1 10.0.0.2 0x3004 -E null;",
            "spdadd 10.0.0.1 10.0.0.5 any -P out ipsec;",
            "spdadd 10.0.0.1[80] 10.0.0.6 tcp -P out ipsec esp/tunnel/10.0.0.1-10.0.0.6/use;",
            "spdadd 10.0.0.1/40 10.0.0.7 any -P out none;",
            "spdadd tagged \"web\" -P out ipsec esp/transport//require;",
            "add 10.0.0.1 10.0.0.2 esp 0x4000 -E null;",
        }));
        struct Expect
        {
            uint32_t line;
            int errnum;
            const char* text;
        };

        const Expect expect[] = {
            {2, EEXIST, "File exists"},
            {4, EEXIST, "File exists"},
            {5, EINVAL, "Invalid argument"}, // spddelete of a missing policy: EINVAL
            {6, ENOENT, "No entry"},
            {7, ENOENT, "No entry"},
            {8, EINVAL, "Invalid argument"},  // entrust is per-socket only
            {9, EINVAL, "Invalid argument"},  // bypass too
            {10, EINVAL, "Invalid argument"}, // SPI below 256
            {11, EINVAL, "Invalid argument"}, // ah with -E: the grammar allows it
            {12, EINVAL, "Invalid argument"}, // esp without -E
            {13, EINVAL, "Invalid argument"}, // -lh without -ls
            {14, EINVAL, "Invalid argument"}, // byte lifetimes
            {15, EINVAL, "Invalid argument"}, // no protocol: satype unspec
            {16, EINVAL, "Invalid argument"}, // ipsec without requests
            {17, EINVAL, "Invalid argument"}, // tunnel request with a port in the selector
            {18, EINVAL, "Invalid argument"}, // prefix longer than the address
            // tagged: NetBSD has no SADB_X_EXT_TAG (20 is NAT-T's), so
            // setkey sends the policy without addresses.
            {19, EINVAL, "Invalid argument"},
        };
        NS_TEST_ASSERT_MSG_EQ(r.aborted, false, "kernel errors do not abort");
        NS_TEST_ASSERT_MSG_EQ(r.ok, false, "but the run is not ok");
        NS_TEST_ASSERT_MSG_EQ(r.statementsExecuted, 20, "every statement ran");
        NS_TEST_ASSERT_MSG_EQ(r.kernelErrors.size(),
                              sizeof(expect) / sizeof(expect[0]),
                              "one error per failing line");
        NS_TEST_ASSERT_MSG_EQ(r.messages.size(), r.kernelErrors.size(), "one message each");
        for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); ++i)
        {
            const auto& k = r.kernelErrors[i];
            NS_TEST_EXPECT_MSG_EQ(k.line, expect[i].line, "line of error " << i);
            NS_TEST_EXPECT_MSG_EQ(k.errnum, expect[i].errnum, "errno of line " << k.line);
            NS_TEST_EXPECT_MSG_EQ(k.text, expect[i].text, "text of line " << k.line);
            NS_TEST_EXPECT_MSG_EQ(r.messages[i],
                                  "The result of line " + std::to_string(expect[i].line) + ": "
                                      + expect[i].text + ".",
                                  "message of line " << k.line);
        }
        NS_TEST_ASSERT_MSG_EQ(
            I(r.kernelErrors[3].command), I(SetkeyCommand::DELETE), "command kept");
        NS_TEST_ASSERT_MSG_EQ(r.kernelErrors[7].reason.empty(), false, "reason kept");
        // The script continued after every error.
        NS_TEST_ASSERT_MSG_NE(
            n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::ESP, 0x4000), nullptr, "last add ran");
        NS_TEST_ASSERT_MSG_EQ(n.sad->GetN(), 2, "0x1000 and 0x4000");
        NS_TEST_ASSERT_MSG_EQ(n.spd->GetN(), 1, "only the first policy");
        Simulator::Destroy();
    }
};

/// SA options: flags, replay, reqid, mode, lifetimes, keys.
class SetkeySaOptionsTestCase : public TestCase
{
  public:
    SetkeySaOptionsTestCase()
        : TestCase("SA options: -f flags, -r, -u, -m, -lh and -ls, keys, null")
    {
    }

  private:
    void DoRun() override
    {
        KeyNode n;
        SetkeyResult r = n.Run(Script({
            "add 10.0.0.1 10.0.0.2 esp 0x1001 -f zero-pad -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x1002 -f random-pad -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x1003 -f zero-pad -f random-pad -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x1004 -f zero-pad -f seq-pad -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x1005 -f nocyclic-seq -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x1006 -r 300 -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x1007 -r 255 -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x1008 -r 256 -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x100a -E null \"\";",
            "add 10.0.0.1 10.0.0.2 esp 0x100b -E null -A null;",
            "add 10.0.0.1 10.0.0.2 esp 0x100c -E null -A null \"\";",
            "add 10.0.0.1 10.0.0.2 ah 0x100d -A hmac-md5 0x123456789abcdef0123456789abcdef;",
            "add 10.0.0.1 10.0.0.2 esp 0x100e -E aes-cbc 0x00112233445566778899aabbccddeeff "
            "-A hmac-sha256 0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f;",
            "add 10.0.0.1 10.0.0.3 esp 0x2001 -m transport -u 5 -lh 100 -ls 50 -E null;",
            "add 10.0.0.1 10.0.0.4 esp 0x2002 -m tunnel -E null;",
            "add 10.0.0.1 10.0.0.2 ipcomp 0x3001 -C deflate;",
            "add 10.0.0.1 10.0.0.2 ipcomp 0x23001 -C deflate -R;",
            "add 10.0.0.1 10.0.0.2 esp 0x1010 -E simple;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.aborted, false, "parses");
        NS_TEST_ASSERT_MSG_EQ(r.kernelErrors.size(), 0, "every SA accepted");
        struct Flag
        {
            uint32_t spi;
            uint32_t flags;
        };

        const Flag flags[] = {
            {0x1001, 0x240},
            {0x1002, 0x140},
            {0x1003, 0x340},
            {0x1004, 0x240}, // seq-pad (0) cannot undo zero-pad
            {0x1005, 0x000},
        };
        for (const auto& f : flags)
        {
            Ptr<IpsecSa> sa = n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::ESP, f.spi);
            NS_TEST_ASSERT_MSG_NE(sa, nullptr, "SA " << f.spi);
            NS_TEST_EXPECT_MSG_EQ(sa->params.flags, f.flags, "flags of SA " << f.spi);
        }
        // The RFC 1826/1827 formats parse, but their wire formats are not
        // modelled: the "kernel" refuses the SAs rather than send new-format bytes.
        SetkeyResult old = n.Run(Script({
            "add 10.0.0.1 10.0.0.2 esp-old 0x1009 -E des-cbc 0x0123456789abcdef;",
            "add 10.0.0.1 10.0.0.2 esp 4113 -E des-deriv 0x0123456789abcdef;",
            "add 10.0.0.1 10.0.0.2 esp-old 0x1012 -E des-32iv 0x0123456789abcdef;",
        }));
        NS_TEST_EXPECT_MSG_EQ(old.aborted, false, "the old formats parse");
        NS_TEST_ASSERT_MSG_EQ(old.kernelErrors.size(), 3u, "and are refused");
        for (const auto& e : old.kernelErrors)
        {
            NS_TEST_EXPECT_MSG_EQ(e.errnum, EINVAL, "Invalid argument");
        }
        // -r is a byte count kept in an 8-bit field.
        NS_TEST_EXPECT_MSG_EQ(
            +n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::ESP, 0x1006)->params.replayWindow,
            44,
            "300 & 0xff");
        NS_TEST_EXPECT_MSG_EQ(
            +n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::ESP, 0x1006)->replay.GetWindowBytes(),
            44,
            "window of the SA");
        NS_TEST_EXPECT_MSG_EQ(
            +n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::ESP, 0x1007)->params.replayWindow,
            255,
            "255 kept");
        NS_TEST_EXPECT_MSG_EQ(
            +n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::ESP, 0x1008)->params.replayWindow,
            0,
            "256 wraps to 0");
        // null cipher with and without "", null authenticator.
        for (uint32_t spi : {0x100aU, 0x100bU, 0x100cU, 0x1010U})
        {
            Ptr<IpsecSa> sa = n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::ESP, spi);
            NS_TEST_ASSERT_MSG_NE(sa, nullptr, "null SA " << spi);
            NS_TEST_EXPECT_MSG_EQ(std::string(sa->params.enc->name), "null", "null cipher");
            NS_TEST_EXPECT_MSG_EQ(sa->params.encKey.size(), 0, "empty key");
        }
        Ptr<IpsecSa> nullAuth = n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::ESP, 0x100b);
        NS_TEST_EXPECT_MSG_EQ(std::string(nullAuth->params.auth->name), "null", "null auth");
        // Odd hex digit count: a leading 0 nibble.
        Ptr<IpsecSa> ah = n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::AH, 0x100d);
        NS_TEST_ASSERT_MSG_NE(ah, nullptr, "AH SA with a 31-digit key");
        NS_TEST_ASSERT_MSG_EQ(ah->params.authKey.size(), 16, "16 bytes");
        NS_TEST_EXPECT_MSG_EQ(+ah->params.authKey[0], 0x01, "leading nibble 0");
        NS_TEST_EXPECT_MSG_EQ(+ah->params.authKey[1], 0x23, "then pairs");
        NS_TEST_EXPECT_MSG_EQ(+ah->params.authKey[15], 0xef, "last byte");
        // Aliases.
        Ptr<IpsecSa> aes = n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::ESP, 0x100e);
        NS_TEST_ASSERT_MSG_NE(aes, nullptr, "aes-cbc alias");
        NS_TEST_EXPECT_MSG_EQ(std::string(aes->params.enc->name), "rijndael-cbc", "alias");
        NS_TEST_EXPECT_MSG_EQ(std::string(aes->params.auth->name), "hmac-sha2-256", "alias");
        // Mode, reqid and lifetimes go to the head / the SA.
        Ptr<IpsecSa> t = n.Sa("10.0.0.1", "10.0.0.3", IpsecProto::ESP, 0x2001);
        NS_TEST_ASSERT_MSG_NE(t, nullptr, "SA with options");
        NS_TEST_EXPECT_MSG_EQ(I(t->params.mode), I(IpsecMode::TRANSPORT), "-m transport");
        NS_TEST_EXPECT_MSG_EQ(t->params.reqid, 5, "-u 5");
        NS_TEST_EXPECT_MSG_EQ(t->params.hardAddTime, 100, "-lh");
        NS_TEST_EXPECT_MSG_EQ(t->params.softAddTime, 50, "-ls");
        NS_TEST_EXPECT_MSG_EQ(I(n.Sa("10.0.0.1", "10.0.0.4", IpsecProto::ESP, 0x2002)->params.mode),
                              I(IpsecMode::TUNNEL),
                              "-m tunnel");
        // IPComp, with and without -R.
        Ptr<IpsecSa> comp = n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::IPCOMP, 0x3001);
        NS_TEST_ASSERT_MSG_NE(comp, nullptr, "IPComp SA");
        NS_TEST_EXPECT_MSG_EQ(std::string(comp->params.comp->name), "deflate", "deflate");
        NS_TEST_EXPECT_MSG_EQ(comp->params.flags, 0x40, "no RAWCPI");
        Ptr<IpsecSa> raw = n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::IPCOMP, 0x23001);
        NS_TEST_ASSERT_MSG_NE(raw, nullptr, "IPComp SA with a raw CPI");
        NS_TEST_EXPECT_MSG_EQ(raw->params.flags, 0xc0, "RAWCPI");
        // "simple" prints KAME's warning.
        NS_TEST_ASSERT_MSG_EQ(r.messages.size(), 1, "one warning");
        NS_TEST_EXPECT_MSG_EQ(r.messages[0],
                              "line 18: WARNING: obsolete algorithm at [simple]",
                              "obsolete algorithm warning");

        // An IPComp CPI above 16 bits needs -R.
        r = n.Run("add 10.0.0.1 10.0.0.2 ipcomp 0x23002 -C deflate;");
        NS_TEST_EXPECT_MSG_EQ(r.kernelErrors.size(), 1, "EINVAL without -R");
        // oui and lzs parse but the kernel knows only deflate.
        r = n.Run("add 10.0.0.1 10.0.0.2 ipcomp 0x3003 -C lzs;");
        NS_TEST_EXPECT_MSG_EQ(r.aborted, false, "lzs parses");
        NS_TEST_EXPECT_MSG_EQ(r.kernelErrors.size(), 1, "lzs refused by the kernel");
        Simulator::Destroy();
    }
};

/// Policy strings (libipsec's grammar) through ParseIpsecPolicy and spdadd.
class SetkeyPolicyStringTestCase : public TestCase
{
  public:
    SetkeyPolicyStringTestCase()
        : TestCase("policy strings")
    {
    }

  private:
    void DoRun() override
    {
        IpsecPolicySpec p;
        std::string err;
        std::string tok;
        NS_TEST_ASSERT_MSG_EQ(
            ParseIpsecPolicy(
                "out ipsec esp/tunnel/10.0.0.1-10.0.0.2/require ah/transport//use", &p, &err, &tok),
            true,
            "bundle");
        NS_TEST_ASSERT_MSG_EQ(I(p.direction), I(IpsecDirection::OUTBOUND), "out");
        NS_TEST_ASSERT_MSG_EQ(p.hasAction, true, "action given");
        NS_TEST_ASSERT_MSG_EQ(I(p.action), I(IpsecPolicyAction::IPSEC), "ipsec");
        NS_TEST_ASSERT_MSG_EQ(p.requests.size(), 2, "two requests");
        NS_TEST_ASSERT_MSG_EQ(p.requests[0].tunnelDst, KeyNode::Addr("10.0.0.2"), "endpoint");
        NS_TEST_ASSERT_MSG_EQ(I(p.requests[1].proto), I(IpsecProto::AH), "ah");
        NS_TEST_ASSERT_MSG_EQ(I(p.requests[1].level), I(IpsecLevel::USE), "use");

        struct Good
        {
            const char* text;
            IpsecDirection dir;
            IpsecPolicyAction action;
            size_t requests;
        };

        const Good good[] = {
            {"in none", IpsecDirection::INBOUND, IpsecPolicyAction::NONE, 0},
            {"out discard", IpsecDirection::OUTBOUND, IpsecPolicyAction::DISCARD, 0},
            {"in bypass", IpsecDirection::INBOUND, IpsecPolicyAction::BYPASS, 0},
            {"out entrust", IpsecDirection::OUTBOUND, IpsecPolicyAction::ENTRUST, 0},
            {"out ipsec", IpsecDirection::OUTBOUND, IpsecPolicyAction::IPSEC, 0},
            {"fwd none", IpsecDirection::INBOUND, IpsecPolicyAction::NONE, 0},
            {"in ipsec esp/transport", IpsecDirection::INBOUND, IpsecPolicyAction::IPSEC, 1},
            {"in ipsec esp/transport/", IpsecDirection::INBOUND, IpsecPolicyAction::IPSEC, 1},
            {"out ipsec esp/tunnel/fec0::1-fec0::2",
             IpsecDirection::OUTBOUND,
             IpsecPolicyAction::IPSEC,
             1},
            {"out ipsec esp/tunnel/10.0.0.1-10.0.0.2/",
             IpsecDirection::OUTBOUND,
             IpsecPolicyAction::IPSEC,
             1},
            {"out ipsec\n  ipcomp/transport//use\n  esp/transport//use ah/transport//require",
             IpsecDirection::OUTBOUND,
             IpsecPolicyAction::IPSEC,
             3},
            {"out none esp/tunnel//require", // requests after none: parsed, unchecked
             IpsecDirection::OUTBOUND,
             IpsecPolicyAction::NONE,
             1},
        };
        for (const auto& g : good)
        {
            IpsecPolicySpec s;
            NS_TEST_EXPECT_MSG_EQ(ParseIpsecPolicy(g.text, &s, &err, &tok), true, g.text);
            NS_TEST_EXPECT_MSG_EQ(I(s.direction), I(g.dir), g.text);
            NS_TEST_EXPECT_MSG_EQ(I(s.action), I(g.action), g.text);
            NS_TEST_EXPECT_MSG_EQ(s.requests.size(), g.requests, g.text);
        }

        IpsecPolicySpec s;
        NS_TEST_ASSERT_MSG_EQ(ParseIpsecPolicy("in", &s, &err, &tok), true, "direction only");
        NS_TEST_ASSERT_MSG_EQ(s.hasAction, false, "no action");
        NS_TEST_ASSERT_MSG_EQ(I(s.direction), I(IpsecDirection::INBOUND), "in");

        NS_TEST_ASSERT_MSG_EQ(
            ParseIpsecPolicy("in ipsec esp/transport//unique:5", &s, &err, &tok), true, "unique:5");
        NS_TEST_ASSERT_MSG_EQ(I(s.requests[0].level), I(IpsecLevel::UNIQUE), "unique");
        NS_TEST_ASSERT_MSG_EQ(s.requests[0].reqid, 5, "reqid 5");
        NS_TEST_ASSERT_MSG_EQ(
            ParseIpsecPolicy("out ipsec esp/transport/me-any/require", &s, &err, &tok),
            true,
            "me-any for out");
        NS_TEST_ASSERT_MSG_EQ(s.requests[0].HasEndpoints(), false, "me-any gives no addresses");
        NS_TEST_ASSERT_MSG_EQ(I(s.requests[0].level), I(IpsecLevel::REQUIRE), "level after me-any");
        NS_TEST_ASSERT_MSG_EQ(ParseIpsecPolicy("in ipsec ah/transport/any-me/use", &s, &err, &tok),
                              true,
                              "any-me for in");
        NS_TEST_ASSERT_MSG_EQ(s.requests[0].HasEndpoints(), false, "any-me gives no addresses");

        struct Bad
        {
            const char* text;
            const char* message;
            const char* token;
            bool diagnostic;
        };

        const Bad bad[] = {
            {"out ipsec esp/tunnel//require",
             "Invalid address specification",
             "esp/tunnel//require",
             false},
            {"out ipsec esp/tunnel", "Invalid address specification", "esp/tunnel", false},
            {"in ipsec esp/transport/me-any/require", "Invalid direciton", "me-any", false},
            {"out ipsec esp/transport/any-me/require", "Invalid direciton", "any-me", false},
            {"out ipsec esp/tunnel/10.0.0.1-fec0::2/require",
             "Family mismatch",
             "esp/tunnel/10.0.0.1-fec0::2/require",
             false},
            {"out ipsec esp", "Too few arguments", "esp", false},
            {"out ipsec esp/", "Too few arguments", "esp/", false},
            {"out ipsec transport//require", "No protocol specified", "transport", false},
            {"out ipsec esp/transport/require", "Invalid argument", "require", true},
            {"out ipsec esp/transport//", "Invalid argument", "", true},
            {"inbound none", "Invalid argument", "inbound", true},
            {"ipsec esp/transport//use", "Invalid argument", "ipsec", true},
            {"out drop", "Invalid argument", "drop", true},
            {"out ipsec esp/any//use", "Too few arguments", "esp/", false},
            {"out ipsec esp/tunnel/10.0.0.1/require", "Invalid argument", "/", true},
            {"out ipsec esp/tunnel/gw-10.0.0.2/require",
             "hostname nor servname provided, or not known",
             "gw",
             true},
            {"out ipsec esp/transport//unique:", "Invalid argument", "unique:", true},
            {"out priority 10 ipsec esp/transport//use",
             "Policy priority not compiled in",
             "priority",
             false},
            {"", "Invalid argument", "", true},
        };
        for (const auto& b : bad)
        {
            IpsecPolicyParseError e;
            NS_TEST_EXPECT_MSG_EQ(ParseIpsecPolicy(b.text, &s, &e), false, b.text);
            NS_TEST_EXPECT_MSG_EQ(e.message, b.message, b.text);
            NS_TEST_EXPECT_MSG_EQ(e.token, b.token, b.text);
            NS_TEST_EXPECT_MSG_EQ(e.diagnostic.empty(), !b.diagnostic, b.text);
        }
        IpsecPolicyParseError e;
        ParseIpsecPolicy("out ipsec esp/transport/require", &s, &e);
        NS_TEST_EXPECT_MSG_EQ(e.diagnostic,
                              "libipsec: syntax error while parsing \"require\"",
                              "libipsec's diagnostic");

        // Through setkey: the policy text is the token, libipsec's line comes first.
        KeyNode n;
        SetkeyResult r = n.Run(Script({
            "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;",
            "spdadd 10.0.1.0/24 10.0.2.0/24 any -P out ipsec esp/tunnel//require;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.aborted, true, "tunnel without endpoints is a parse error");
        NS_TEST_ASSERT_MSG_EQ(r.error.message, "Invalid address specification", "message");
        NS_TEST_ASSERT_MSG_EQ(r.error.token, "out ipsec esp/tunnel//require", "token");
        NS_TEST_ASSERT_MSG_EQ(r.error.line, 2, "line");
        NS_TEST_ASSERT_MSG_EQ(n.spd->GetN(), 1, "first policy installed");
        r = n.Run("spdadd 10.0.0.3 10.0.0.4 any -P out ipsec esp/transport/require;");
        NS_TEST_ASSERT_MSG_EQ(r.messages.size(), 3, "libipsec line, error, parse failed");
        NS_TEST_ASSERT_MSG_EQ(
            r.messages[0], "libipsec: syntax error while parsing \"require\"", "libipsec line");
        NS_TEST_ASSERT_MSG_EQ(r.messages[1],
                              "line 1: Invalid argument at [out ipsec esp/transport/require]",
                              "setkey line");

        // unique:N binds the request to reqid N; larger values get an automatic id.
        r = n.Run(Script({
            "spdadd 10.0.5.1 10.0.5.2 any -P out ipsec esp/transport//unique:5;",
            "spdadd 10.0.5.1 10.0.5.3 any -P out ipsec esp/transport//unique:20000;",
            "spdadd 10.0.5.1 10.0.5.4 any -P out ipsec esp/transport//unique;",
            "spdadd 10.0.5.1 10.0.5.5 any -P out ipsec esp/transport//require;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "unique policies");
        const auto& out = n.Out();
        NS_TEST_ASSERT_MSG_EQ(out.size(), 5, "five outbound policies");
        NS_TEST_EXPECT_MSG_EQ(I(out[1]->requests[0].level), I(IpsecLevel::UNIQUE), "unique");
        NS_TEST_EXPECT_MSG_EQ(out[1]->requests[0].reqid, 5, "manual reqid");
        NS_TEST_EXPECT_MSG_EQ(out[2]->requests[0].reqid, 0x4001, "automatic reqid");
        NS_TEST_EXPECT_MSG_EQ(out[3]->requests[0].reqid, 0x4002, "next automatic reqid");
        NS_TEST_EXPECT_MSG_EQ(out[4]->requests[0].reqid, 0, "require has no reqid");

        // A direction alone makes libipsec send type 0: spdadd installs a discard policy.
        r = n.Run("spdadd 10.0.6.1 10.0.6.2 any -P out;");
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "direction-only spdadd");
        NS_TEST_EXPECT_MSG_EQ(I(n.Out().back()->action), I(IpsecPolicyAction::DISCARD), "discard");
        Simulator::Destroy();
    }
};

/// spddelete, spdupdate, spdflush, selectors with ports, icmp6 and IPv6.
class SetkeySpdCommandsTestCase : public TestCase
{
  public:
    SetkeySpdCommandsTestCase()
        : TestCase("SPD commands and selectors")
    {
    }

  private:
    void DoRun() override
    {
        KeyNode n;
        SetkeyResult r = n.Run(Script({
            "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;",
            "spdadd 10.0.0.1 10.0.0.3 any -P out ipsec esp/transport//require;",
            "spdadd 10.0.0.1 10.0.0.4 any -P out none;",
            "spdadd 10.0.0.2 10.0.0.1 any -P in ipsec esp/transport//require;",
            "spddelete 10.0.0.1 10.0.0.3 any -P out ipsec anything/is/ignored;",
            "spddelete 10.0.0.2 10.0.0.1 any -P out;", // wrong direction
            "spdupdate 10.0.0.1 10.0.0.2 any -P out ipsec ah/transport//use;",
            "spdupdate 10.0.0.1 10.0.0.9 any -P out discard;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.aborted, true, "anything/is/ignored still has to parse");
        NS_TEST_ASSERT_MSG_EQ(r.error.line, 5, "line 5");
        NS_TEST_ASSERT_MSG_EQ(n.spd->GetN(), 4, "first four installed");

        n.Run("spdflush;");
        NS_TEST_ASSERT_MSG_EQ(n.spd->GetN(), 0, "spdflush");
        r = n.Run(Script({
            "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;",
            "spdadd 10.0.0.1 10.0.0.3 any -P out ipsec esp/transport//require;",
            "spdadd 10.0.0.1 10.0.0.4 any -P out none;",
            "spdadd 10.0.0.2 10.0.0.1 any -P in ipsec esp/transport//require;",
            "spddelete 10.0.0.1 10.0.0.3 any -P out ipsec esp/transport//use;",
            "spddelete 10.0.0.2 10.0.0.1 any -P out;",
            "spdupdate 10.0.0.1 10.0.0.2 any -P out ipsec ah/transport//use;",
            "spdupdate 10.0.0.1 10.0.0.9 any -P out discard;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.aborted, false, "parses");
        NS_TEST_ASSERT_MSG_EQ(r.kernelErrors.size(), 1, "only the wrong-direction spddelete");
        NS_TEST_ASSERT_MSG_EQ(r.kernelErrors[0].line, 6, "line 6");
        NS_TEST_ASSERT_MSG_EQ(r.kernelErrors[0].text, "Invalid argument", "EINVAL");
        const auto& out = n.Out();
        NS_TEST_ASSERT_MSG_EQ(out.size(), 3, "10.0.0.4, updated 10.0.0.2, 10.0.0.9");
        NS_TEST_EXPECT_MSG_EQ(out[0]->selector.dst, KeyNode::Addr("10.0.0.4"), "untouched first");
        NS_TEST_EXPECT_MSG_EQ(out[1]->selector.dst, KeyNode::Addr("10.0.0.2"), "moved to tail");
        NS_TEST_EXPECT_MSG_EQ(I(out[1]->requests[0].proto), I(IpsecProto::AH), "new contents");
        NS_TEST_EXPECT_MSG_EQ(out[1]->setkeyLine, 7, "new line");
        NS_TEST_EXPECT_MSG_EQ(I(out[2]->action), I(IpsecPolicyAction::DISCARD), "spdupdate adds");
        NS_TEST_EXPECT_MSG_EQ(n.In().size(), 1, "inbound policy kept");

        // Selectors: ports (number, any, service name), icmp6 type/code, IPv6, numbers.
        n.Run("spdflush;");
        r = n.Run(Script({
            "spdadd 10.0.0.1[any] 10.0.0.2[https] tcp -P out none;",
            "spdadd 10.0.0.1[pop3] 10.0.0.2[53] 17 -P out none;",
            "spdadd fec0::1/64 ::/0 icmp6 135,0 -P out ipsec esp/transport//require;",
            "spdadd -6n fe80::1%lo0 fe80::2 ipv6-icmp -P in none;",
            "spdadd 10.0.0.0/8[isakmp] 0.0.0.0/0[isakmp] udp -P out none;",
            "spdadd 10.1.0.0/16 10.2.0.0/16 gre -P out none;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "selectors");
        NS_TEST_ASSERT_MSG_EQ(out.size(), 5, "five outbound");
        NS_TEST_EXPECT_MSG_EQ(out[0]->selector.sport, 0, "[any]");
        NS_TEST_EXPECT_MSG_EQ(out[0]->selector.dport, 443, "[https]");
        NS_TEST_EXPECT_MSG_EQ(out[1]->selector.sport, 110, "[pop3]");
        NS_TEST_EXPECT_MSG_EQ(out[1]->selector.dport, 53, "[53]");
        NS_TEST_EXPECT_MSG_EQ(+out[1]->selector.ulproto, 17, "numeric upper layer");
        NS_TEST_EXPECT_MSG_EQ(+out[2]->selector.ulproto, 58, "icmp6");
        NS_TEST_EXPECT_MSG_EQ(out[2]->selector.sport, 135, "type in the source port");
        NS_TEST_EXPECT_MSG_EQ(out[2]->selector.dport, 0, "code in the destination port");
        NS_TEST_EXPECT_MSG_EQ(+out[2]->selector.prefs, 64, "/64");
        NS_TEST_EXPECT_MSG_EQ(+out[2]->selector.prefd, 0, "/0");
        NS_TEST_EXPECT_MSG_EQ(+n.In()[0]->selector.ulproto, 58, "ipv6-icmp");
        NS_TEST_EXPECT_MSG_EQ(+n.In()[0]->selector.prefs, 128, "full IPv6 prefix");
        NS_TEST_EXPECT_MSG_EQ(out[3]->selector.sport, 500, "[isakmp]");
        NS_TEST_EXPECT_MSG_EQ(+out[4]->selector.ulproto, 47, "gre");

        // spdadd duplicate: File exists; same selector other direction is fine.
        r = n.Run(Script({
            "spdadd 10.1.0.0/16 10.2.0.0/16 gre -P out ipsec esp/transport//use;",
            "spdadd 10.1.0.0/16 10.2.0.0/16 gre -P in none;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.kernelErrors.size(), 1, "one duplicate");
        NS_TEST_EXPECT_MSG_EQ(r.messages[0], "The result of line 1: File exists.", "EEXIST");
        NS_TEST_EXPECT_MSG_EQ(n.In().size(), 2, "other direction added");

        // spddump on an empty SPD.
        n.Run("spdflush;");
        r = n.Run("spddump;");
        NS_TEST_EXPECT_MSG_EQ(r.messages[0], "The result of line 1: No SPD entries.", "empty");
        Simulator::Destroy();
    }
};

/// delete, deleteall, get, flush, dump.
class SetkeySadCommandsTestCase : public TestCase
{
  public:
    SetkeySadCommandsTestCase()
        : TestCase("SAD commands")
    {
    }

  private:
    void DoRun() override
    {
        KeyNode n;
        SetkeyResult r = n.Run(Script({
            "add 10.0.0.1 10.0.0.2 esp 0x1001 -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x1002 -m transport -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x1003 -u 9 -E null;",
            "add 10.0.0.2 10.0.0.1 esp 0x2001 -E null;",
            "add 10.0.0.1 10.0.0.2 ah 0x3001 -A hmac-sha1 \"12345678901234567890\";",
            "add fec0::1 fec0::2 esp 0x4001 -E null;",
            "get 10.0.0.1 10.0.0.2 esp 0x1002;",
            "get 10.0.0.1 10.0.0.2 ah 0x1002;",
            "delete 10.0.0.1 10.0.0.2 esp 0x1001;",
            "delete 10.0.0.1 10.0.0.2 esp 0x1001;",
            "delete -6 fec0::1 fec0::2 esp 0x4001 -m tunnel;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.aborted, false, "parses");
        NS_TEST_ASSERT_MSG_EQ(r.retrieved.size(), 1, "get found one SA");
        NS_TEST_EXPECT_MSG_EQ(r.retrieved[0]->params.spi, 0x1002, "the right SA");
        // SA 0x1002 (-m transport) went to the existing any head.
        NS_TEST_EXPECT_MSG_EQ(
            I(r.retrieved[0]->params.mode), I(IpsecMode::ANY), "filed under any head");
        // get prints the SA it found as pfkey_sadump does (ten lines here; the
        // key extension of -E null is empty), with sadb_seq 0.
        NS_TEST_ASSERT_MSG_EQ(r.messages.size(), 13, "an SA of 10 lines, two errors, a warning");
        NS_TEST_EXPECT_MSG_EQ(r.messages[0], "10.0.0.1 10.0.0.2 ", "L1 addresses");
        NS_TEST_EXPECT_MSG_EQ(r.messages[1],
                              "\tesp mode=any spi=4098(0x00001002) reqid=0(0x00000000)",
                              "L2: the head's mode");
        NS_TEST_EXPECT_MSG_EQ(r.messages[2], "\tE: null ", "L3 null cipher, no key bytes");
        NS_TEST_EXPECT_MSG_EQ(
            r.messages[3], "\tseq=0x00000000 replay=0 flags=0x00000040 state=mature ", "L5");
        NS_TEST_EXPECT_MSG_EQ(r.messages[9].rfind("\tsadb_seq=0 pid=", 0), 0, "L11: get is seq 0");
        NS_TEST_EXPECT_MSG_EQ(r.messages[10], "The result of line 8: No entry.", "get miss");
        NS_TEST_EXPECT_MSG_EQ(r.messages[11], "The result of line 10: No entry.", "delete miss");
        NS_TEST_EXPECT_MSG_EQ(
            r.messages[12], "line 11: WARNING: mode is obsolete at [;]", "mode warning");
        NS_TEST_EXPECT_MSG_EQ(
            n.Sa("fec0::1", "fec0::2", IpsecProto::ESP, 0x4001), nullptr, "IPv6 SA deleted");
        NS_TEST_EXPECT_MSG_EQ(n.sad->GetN(), 4, "0x1002 0x1003 0x2001 0x3001");

        // deleteall: every SA src->dst of that protocol, heads stay.
        size_t heads = n.sad->GetHeads().size();
        r = n.Run("deleteall 10.0.0.1 10.0.0.2 esp;\ndeleteall 10.0.0.7 10.0.0.8 esp;");
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, "deleteall succeeds even without matches");
        NS_TEST_EXPECT_MSG_EQ(n.sad->GetN(), 2, "0x2001 and 0x3001 remain");
        NS_TEST_EXPECT_MSG_NE(n.Sa("10.0.0.2", "10.0.0.1", IpsecProto::ESP, 0x2001),
                              nullptr,
                              "reverse direction kept");
        NS_TEST_EXPECT_MSG_NE(
            n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::AH, 0x3001), nullptr, "other protocol kept");
        NS_TEST_EXPECT_MSG_EQ(n.sad->GetHeads().size(), heads, "heads stay");

        // flush PROTO, dump, flush.
        r = n.Run("flush ah;\ndump ah;\ndump esp;");
        NS_TEST_EXPECT_MSG_EQ(n.sad->GetN(), 1, "ah flushed");
        NS_TEST_EXPECT_MSG_EQ(r.messages[0], "The result of line 2: No SAD entries.", "dump ah");
        NS_TEST_EXPECT_MSG_EQ(r.messages[1], "10.0.0.2 10.0.0.1 ", "dump esp prints SA 0x2001");
        r = n.Run("flush;\ndump;");
        NS_TEST_EXPECT_MSG_EQ(n.sad->GetN(), 0, "flushed");
        NS_TEST_EXPECT_MSG_EQ(r.messages[0], "The result of line 2: No SAD entries.", "empty");

        // Duplicate add: File exists, the script goes on.
        r = n.Run(Script({
            "add 10.0.0.1 10.0.0.2 esp 0x5001 -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x5001 -E rijndael-cbc \"0123456789abcdef\";",
            "add 10.0.0.1 10.0.0.2 esp 0x5002 -E null;",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.messages.size(), 1, "one error");
        NS_TEST_EXPECT_MSG_EQ(r.messages[0], "The result of line 2: File exists.", "EEXIST");
        NS_TEST_EXPECT_MSG_EQ(
            std::string(n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::ESP, 0x5001)->params.enc->name),
            "null",
            "first SA kept");
        NS_TEST_EXPECT_MSG_NE(
            n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::ESP, 0x5002), nullptr, "script continued");

        // getspi (SADB_GETSPI, SPIRANGE min = max = 0x6000): a larval SA.
        r = n.Run("getspi 10.0.0.1 10.0.0.2 esp 0x6000;");
        NS_TEST_EXPECT_MSG_EQ(r.aborted, false, "getspi parses");
        NS_TEST_EXPECT_MSG_EQ(r.kernelErrors.size(), 0u, "getspi accepted");
        Ptr<IpsecSa> larval = n.Sa("10.0.0.1", "10.0.0.2", IpsecProto::ESP, 0x6000);
        NS_TEST_ASSERT_MSG_NE(larval, nullptr, "larval SA created");
        NS_TEST_EXPECT_MSG_EQ(IpsecSaStateName(larval->state), "larval", "state larval");
        NS_TEST_EXPECT_MSG_EQ(
            n.sad->LookupInbound(*IpsecAddress::Parse("10.0.0.2"), IpsecProto::ESP, 0x6000),
            nullptr,
            "larval SAs are invisible to input");
        r = n.Run("getspi 10.0.0.1 10.0.0.2 esp 0x6000;");
        bool exists = !r.messages.empty() && Contains(r.messages[0], "File exists");
        NS_TEST_EXPECT_MSG_EQ(exists, true, "the same SPI again: File exists");
        Simulator::Destroy();
    }
};

/// Comments, multi-line statements, line numbers, exit, -n.
class SetkeyLexicalTestCase : public TestCase
{
  public:
    SetkeyLexicalTestCase()
        : TestCase("comments, multi-line statements, exit, parse-only")
    {
    }

  private:
    void DoRun() override
    {
        KeyNode n;
        SetkeyResult r = n.Run(Script({
            "# a comment; with a semicolon",
            "add 10.0.0.1 10.0.0.2   # trailing comment",
            "    esp 0x1000",
            "\t-m any   # the mode",
            "    -E null;",
            "spdadd 10.0.0.1/32[any] 10.0.0.2 any -P out ipsec",
            "    esp/transport//require   # first request",
            "    ah/transport//require",
            "    ;",
            "add 10.0.0.1 10.0.0.2",
            "    esp 0x1000 -E null;add 10.0.0.1 10.0.0.2 esp 0x1001 -E null; # two on a line",
        }));
        NS_TEST_ASSERT_MSG_EQ(r.aborted, false, "parses");
        NS_TEST_ASSERT_MSG_EQ(r.statementsExecuted, 4, "four statements");
        NS_TEST_ASSERT_MSG_EQ(n.sad->GetN(), 2, "two SAs");
        NS_TEST_ASSERT_MSG_EQ(n.Out().size(), 1, "one policy");
        NS_TEST_EXPECT_MSG_EQ(n.Out()[0]->requests.size(), 2, "comment inside the policy");
        NS_TEST_EXPECT_MSG_EQ(n.Out()[0]->setkeyLine, 6, "policy from line 6");
        NS_TEST_ASSERT_MSG_EQ(r.messages.size(), 1, "one kernel error");
        // KAME reports the line of the ';' (its lineno when the message is sent).
        NS_TEST_EXPECT_MSG_EQ(r.messages[0], "The result of line 11: File exists.", "line of ;");

        // The statement AST carries both lines.
        std::vector<SetkeyStatement> ast;
        SetkeyParseError pe;
        NS_TEST_ASSERT_MSG_EQ(SetkeyParser::ParseAll("flush;\nadd 10.0.0.1\n10.0.0.2 esp 300\n"
                                                     "-E null\n;\n",
                                                     &ast,
                                                     &pe),
                              true,
                              "AST");
        NS_TEST_ASSERT_MSG_EQ(ast.size(), 2, "two statements");
        NS_TEST_EXPECT_MSG_EQ(I(ast[1].command), I(SetkeyCommand::ADD), "add");
        NS_TEST_EXPECT_MSG_EQ(ast[1].firstLine, 2, "starts on line 2");
        NS_TEST_EXPECT_MSG_EQ(ast[1].line, 5, "ends on line 5");
        NS_TEST_EXPECT_MSG_EQ(ast[1].sa.spi, 300, "decimal SPI");

        // Keywords are case-sensitive.
        r = n.Run("ADD 10.0.0.1 10.0.0.2 esp 0x1000 -E null;");
        NS_TEST_EXPECT_MSG_EQ(r.error.message, "syntax error", "ADD is not add");
        r = n.Run("add 10.0.0.1 10.0.0.2 ESP 0x1000 -E null;");
        NS_TEST_EXPECT_MSG_EQ(r.error.token, "ESP", "ESP is not esp");

        // exit/quit/bye end the run; what follows is not even parsed.
        KeyNode e;
        r = e.Run("add 10.0.0.1 10.0.0.2 esp 0x1000 -E null;\nquit;\nthis is not setkey");
        NS_TEST_EXPECT_MSG_EQ(r.ok, true, "exit is clean");
        NS_TEST_EXPECT_MSG_EQ(r.exited, true, "exited");
        NS_TEST_EXPECT_MSG_EQ(e.sad->GetN(), 1, "statement before exit ran");

        // -n: everything is parsed and checked, nothing changes.
        KeyNode p;
        r = p.Run(Script({
                      "add 10.0.0.1 10.0.0.2 esp 0x1000 -E null;",
                      "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;",
                  }),
                  SetkeyDialect::KAME,
                  true);
        NS_TEST_EXPECT_MSG_EQ(r.ok, true, "parse only");
        NS_TEST_EXPECT_MSG_EQ(r.statementsParsed, 2, "parsed");
        NS_TEST_EXPECT_MSG_EQ(r.statementsExecuted, 0, "not executed");
        NS_TEST_EXPECT_MSG_EQ(p.sad->GetN() + p.spd->GetN(), 0, "nothing installed");
        r = p.Run(
            "add 10.0.0.1 10.0.0.2 esp 0x1000 -E 3des-cbc \"short\";", SetkeyDialect::KAME, true);
        NS_TEST_EXPECT_MSG_EQ(r.aborted, true, "-n still checks keys");

        // ipsec-tools' -ctx (SELinux contexts) parses and is ignored by a KAME kernel.
        KeyNode c;
        r = c.Run(Script({
            "add 10.0.0.1 10.0.0.2 esp 0x1000 -ctx 1 2 \"system_u:object_r:ipsec_spd_t\" -E null;",
            "spdadd 10.0.0.1 10.0.0.2 any -ctx 1 2 \"system_u\" -P out none;",
            "spdadd fec0::1 fec0::2 any -P fwd none;",
        }));
        NS_TEST_EXPECT_MSG_EQ(r.ok, true, "-ctx and fwd");
        NS_TEST_EXPECT_MSG_EQ(c.sad->GetN(), 1, "SA with a context");
        NS_TEST_EXPECT_MSG_EQ(c.In().size(), 1, "fwd is in on NetBSD");

        // Structured errors for callers that print their own way.
        r = c.Run("\nadd 10.0.0.1 10.0.0.2 esp;");
        NS_TEST_EXPECT_MSG_EQ(r.error.ToString(), "ipsec.conf:2: syntax error at [;]", "ToString");
        NS_TEST_EXPECT_MSG_EQ(
            r.error.Describe(),
            "ipsec.conf:2: syntax error at [;] (expected an SPI (decimal or 0x hex))",
            "Describe");

        // Lexer classes.
        SetkeyLexer lx("add 10.0.0.1/24[80] 135,0 0x1F 42 \"a\nb\" -4n -P out none;\n3des-cbc");
        const SetkeyTokenKind kinds[] = {
            SetkeyTokenKind::WORD,
            SetkeyTokenKind::WORD,
            SetkeyTokenKind::SLASH,
            SetkeyTokenKind::DECIMAL,
            SetkeyTokenKind::LBRACKET,
            SetkeyTokenKind::DECIMAL,
            SetkeyTokenKind::RBRACKET,
            SetkeyTokenKind::WORD,
            SetkeyTokenKind::HEX,
            SetkeyTokenKind::DECIMAL,
            SetkeyTokenKind::QUOTED,
            SetkeyTokenKind::OPTION,
            SetkeyTokenKind::OPTION,
        };
        for (auto k : kinds)
        {
            NS_TEST_EXPECT_MSG_EQ(I(lx.Next().kind), I(k), "token kind");
        }
        SetkeyToken pol = lx.NextPolicy();
        NS_TEST_EXPECT_MSG_EQ(pol.text, " out none", "policy text");
        NS_TEST_EXPECT_MSG_EQ(I(lx.Next().kind), I(SetkeyTokenKind::SEMICOLON), "';'");
        SetkeyToken last = lx.Next();
        NS_TEST_EXPECT_MSG_EQ(last.text, "3des-cbc", "word");
        NS_TEST_EXPECT_MSG_EQ(last.line, 3, "quoted newline counted");
        Simulator::Destroy();
    }
};

/// The ipsec-tools dialect drops only the bad statement.
class SetkeyIpsecToolsDialectTestCase : public TestCase
{
  public:
    SetkeyIpsecToolsDialectTestCase()
        : TestCase("ipsec-tools dialect recovers after a bad statement")
    {
    }

  private:
    void DoRun() override
    {
        const std::string script = Script({
            "add 10.0.0.1 10.0.0.2 esp 0x1000 -E null;",
            "add 10.0.0.1 10.0.0.2 esp 0x1001 -E 3des-cbc \"too short\";",
            "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel//require;",
            "add 10.0.0.1 10.0.0.2 esp 0x1002 -E nosuch-cbc \"x\";",
            "add 10.0.0.1 10.0.0.2 esp 0x1003 -E null;",
            "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;",
        });
        KeyNode it;
        SetkeyResult r = it.Run(script, SetkeyDialect::IPSEC_TOOLS);
        NS_TEST_ASSERT_MSG_EQ(r.aborted, false, "not aborted");
        NS_TEST_ASSERT_MSG_EQ(r.ok, false, "not ok either");
        NS_TEST_ASSERT_MSG_EQ(r.errors.size(), 3, "three bad statements");
        NS_TEST_EXPECT_MSG_EQ(r.errors[0].line, 2, "first error");
        NS_TEST_EXPECT_MSG_EQ(r.errors[1].line, 3, "second error");
        NS_TEST_EXPECT_MSG_EQ(r.errors[2].line, 4, "third error");
        NS_TEST_EXPECT_MSG_EQ(r.error.line, 2, "error = first error");
        NS_TEST_EXPECT_MSG_EQ(r.statementsExecuted, 3, "good statements ran");
        NS_TEST_EXPECT_MSG_EQ(it.sad->GetN(), 2, "0x1000 and 0x1003");
        NS_TEST_EXPECT_MSG_EQ(it.spd->GetN(), 1, "the good policy");
        NS_TEST_EXPECT_MSG_EQ(r.ExitStatus(), 0, "setkey -c exits 0");
        for (const auto& m : r.messages)
        {
            NS_TEST_EXPECT_MSG_EQ(Contains(m, "parse failed"), false, "no parse failed line");
        }

        // The same script under KAME stops at line 2.
        KeyNode kame;
        r = kame.Run(script);
        NS_TEST_EXPECT_MSG_EQ(r.aborted, true, "KAME aborts");
        NS_TEST_EXPECT_MSG_EQ(kame.sad->GetN(), 1, "only the first add");

        // A missing ';' swallows the next statement, as in setkey -c.
        KeyNode j;
        r = j.Run(Script({
                      "add 10.0.0.1 10.0.0.2 esp 0x1000 -E null",
                      "add 10.0.0.1 10.0.0.2 esp 0x1001 -E null;",
                      "add 10.0.0.1 10.0.0.2 esp 0x1002 -E null;",
                  }),
                  SetkeyDialect::IPSEC_TOOLS);
        NS_TEST_EXPECT_MSG_EQ(r.errors.size(), 1, "one error");
        NS_TEST_EXPECT_MSG_EQ(r.error.token, "add", "at the second add");
        NS_TEST_EXPECT_MSG_EQ(j.sad->GetN(), 1, "only the third add");
        NS_TEST_EXPECT_MSG_NE(
            j.Sa("10.0.0.1", "10.0.0.2", IpsecProto::ESP, 0x1002), nullptr, "third add");

        // An unknown character is fatal in both dialects (token.l's yyfatal).
        r = j.Run("flush;\nadd 10.0.0.1 10.0.0.2 esp 0x1000 $ -E null;\nspdflush;",
                  SetkeyDialect::IPSEC_TOOLS);
        NS_TEST_EXPECT_MSG_EQ(r.aborted, true, "fatal");
        NS_TEST_EXPECT_MSG_EQ(r.statementsExecuted, 1, "only flush");
        Simulator::Destroy();
    }
};

/// The ipsec-setkey test suite.
class IpsecSetkeyTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecSetkeyTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-setkey", UNIT)
    {
        AddTestCase(new SetkeyFaqTestCase(), TestCase::QUICK);
        AddTestCase(new SetkeyFaqKeyLengthTestCase(), TestCase::QUICK);
        AddTestCase(new SetkeyClientErrorTestCase(), TestCase::QUICK);
        AddTestCase(new SetkeyKernelErrorTestCase(), TestCase::QUICK);
        AddTestCase(new SetkeySaOptionsTestCase(), TestCase::QUICK);
        AddTestCase(new SetkeyPolicyStringTestCase(), TestCase::QUICK);
        AddTestCase(new SetkeySpdCommandsTestCase(), TestCase::QUICK);
        AddTestCase(new SetkeySadCommandsTestCase(), TestCase::QUICK);
        AddTestCase(new SetkeyLexicalTestCase(), TestCase::QUICK);
        AddTestCase(new SetkeyIpsecToolsDialectTestCase(), TestCase::QUICK);
    }
};

/// Static instance registering the suite.
static IpsecSetkeyTestSuite g_ipsecSetkeyTestSuite;
