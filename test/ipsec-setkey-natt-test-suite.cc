/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * NAT-T SAs (RFC 3948 ESP in UDP) in the configuration layer: NetBSD's
 * SADB_X_EXT_NAT_T_* extensions on the PF_KEY wire (checked against
 * messages assembled byte by byte from sys/net/pfkeyv2.h's structures, not
 * from the encoder), the key engine's acceptance rules and its GET/DUMP
 * replies (key_setdumpsa), ipsec-tools' setkey grammar ("esp-udp [OA]",
 * "addr[port]") and its `setkey -D` layout (pfkey_sadump1 with NAT-T).
 */
#include "ipsec-test-base.h"
#include "ipsec-test-bytes.h"
#include "ns3/ipsec-module.h"
#include "ns3/simulator.h"
#include "ns3/test.h"

#include <cerrno>
#include <map>
#include <sstream>

using namespace ns3;

namespace
{

/// The suite's PF_KEY writer: the fields (PfKeyFieldWriter, as a C program
/// on a little-endian NetBSD host fills struct sadb_*) and the extensions
/// this suite writes.
struct Bytes : ipsectest::PfKeyFieldWriter<Bytes>
{
    /// struct sadb_sa.
    Bytes& Sa(uint32_t spi, uint8_t auth, uint8_t enc)
    {
        return U16(2).U16(1).N32(spi).U8(0).U8(0).U8(auth).U8(enc).U32(0x40);
    }

    /// struct sadb_x_sa2.
    Bytes& Sa2(uint8_t mode)
    {
        return U16(2).U16(19).U8(mode).U8(0).U16(0).U32(0).U32(0);
    }

    /// struct sadb_address + sockaddr_in (NetBSD: sin_len 16, AF_INET 2).
    Bytes& Address4(uint16_t exttype, uint32_t addr, uint16_t port)
    {
        U16(3).U16(exttype).U8(255).U8(32).U16(0);
        return U8(16).U8(2).N16(port).N32(addr).Zero(8);
    }

    /// struct sadb_key with @p n bytes 0x11, 0x22, ... padded to 64 bits.
    Bytes& Key(uint16_t exttype, uint16_t n)
    {
        uint16_t words = static_cast<uint16_t>((8 + n + 7) / 8);
        U16(words).U16(exttype).U16(n * 8).U16(0);
        for (uint16_t i = 0; i < n; ++i)
        {
            U8(static_cast<uint8_t>(0x11 * (i % 15 + 1)));
        }
        return Zero(words * 8 - 8 - n);
    }

    /// struct sadb_x_nat_t_type.
    Bytes& NattType(uint8_t type)
    {
        return U16(1).U16(20).U8(type).Zero(3);
    }

    /// struct sadb_x_nat_t_port (SPORT 21, DPORT 22).
    Bytes& NattPort(uint16_t exttype, uint16_t port)
    {
        return U16(1).U16(exttype).N16(port).U16(0);
    }

    /// struct sadb_x_nat_t_frag.
    Bytes& NattFrag(uint16_t fraglen)
    {
        return U16(1).U16(25).U16(fraglen).U16(0);
    }

    /// Sets sadb_msg_len from the size.
    Bytes& Seal()
    {
        uint16_t words = static_cast<uint16_t>(b.size() / 8);
        b[4] = words & 0xff;
        b[5] = words >> 8;
        return *this;
    }
};

constexpr uint32_t IP_192_0_2_1 = 0xc0000201;
constexpr uint32_t IP_198_51_100_7 = 0xc6336407;
constexpr uint32_t IP_10_0_0_5 = 0x0a000005;
constexpr uint32_t IP_10_0_0_9 = 0x0a000009;

/// SADB_ADD of an ESP SA in UDP with every NAT-T extension, in type order.
Bytes
NattAdd(uint8_t satype, uint8_t nattType, uint32_t spi)
{
    Bytes m;
    m.Header(3, satype, 0, 1, 100);
    m.Sa(spi, 3, satype == 3 ? 12 : 0); // hmac-sha1, aes-cbc (none for AH)
    m.Address4(5, IP_192_0_2_1, 4500).Address4(6, IP_198_51_100_7, 4500);
    m.Key(8, 20);
    if (satype == 3)
    {
        m.Key(9, 16);
    }
    m.Sa2(2);
    m.NattType(nattType).NattPort(21, 4500).NattPort(22, 4500);
    m.Address4(23, IP_10_0_0_5, 0).Address4(24, IP_10_0_0_9, 0);
    m.NattFrag(552);
    return m.Seal();
}

/// The extensions of a message, walked by hand: type -> whole extension bytes.
std::map<uint16_t, std::vector<uint8_t>>
Extensions(const std::vector<uint8_t>& msg)
{
    std::map<uint16_t, std::vector<uint8_t>> out;
    size_t at = 16;
    while (at + 4 <= msg.size())
    {
        size_t len = size_t(msg[at] | (msg[at + 1] << 8)) * 8;
        uint16_t type = static_cast<uint16_t>(msg[at + 2] | (msg[at + 3] << 8));
        if (len == 0 || at + len > msg.size())
        {
            break;
        }
        out[type].assign(msg.begin() + at, msg.begin() + at + len);
        at += len;
    }
    return out;
}

Ptr<IpsecKeyEngine>
NewEngine()
{
    Ptr<IpsecKeyEngine> engine = CreateObject<IpsecKeyEngine>();
    engine->SetDatabases(CreateObject<IpsecSad>(), CreateObject<IpsecSpd>());
    return engine;
}

void
DrainAll(Ptr<IpsecPfKeySocket> so)
{
    std::vector<uint8_t> b;
    while (so->Recv(&b))
    {
    }
}

IpsecAddress
Addr(const char* s)
{
    return *IpsecAddress::Parse(s);
}

bool
Contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

std::string
Lines(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& l : v)
    {
        s += l + "\n";
    }
    return s;
}

/// The six extensions parse into their members and serialize to the same bytes.
class NattWireTestCase : public TestCase
{
  public:
    NattWireTestCase()
        : TestCase("NAT-T extensions: hand-built bytes parse and re-serialise")
    {
    }

  private:
    void DoRun() override
    {
        Bytes in = NattAdd(3, 2, 0x1001);
        NS_TEST_ASSERT_MSG_EQ(in.b.size(), 29u * 8, "hand-built length");
        PfKeyMessage m;
        PfKeyParseError e;
        NS_TEST_ASSERT_MSG_EQ(PfKeyMessage::Parse(in.b.data(), in.b.size(), &m, &e), 0, "parses");
        NS_TEST_ASSERT_MSG_EQ(m.nattType.has_value(), true, "TYPE");
        NS_TEST_EXPECT_MSG_EQ(unsigned(*m.nattType), 2u, "UDP_ENCAP_ESPINUDP");
        NS_TEST_EXPECT_MSG_EQ(m.nattSport.value_or(0), 4500, "SPORT in host order");
        NS_TEST_EXPECT_MSG_EQ(m.nattDport.value_or(0), 4500, "DPORT");
        NS_TEST_ASSERT_MSG_EQ(m.nattOai.has_value() && m.nattOar.has_value(), true, "OAI, OAR");
        NS_TEST_EXPECT_MSG_EQ(m.nattOai->addr, Addr("10.0.0.5"), "OAI address");
        NS_TEST_EXPECT_MSG_EQ(m.nattOar->addr, Addr("10.0.0.9"), "OAR address");
        NS_TEST_EXPECT_MSG_EQ(m.nattFrag.value_or(0), 552, "FRAG in host order");
        NS_TEST_EXPECT_MSG_EQ(m.src->port, 4500, "the address keeps its port");
        NS_TEST_EXPECT_MSG_EQ(m.opaque.empty(), true, "nothing left opaque");
        NS_TEST_EXPECT_MSG_EQ((m.Serialize() == in.b), true, "re-serialises to the same bytes");

        // Each fixed-size extension must be exactly 8 bytes (key_align's maxsize).
        struct Bad
        {
            const char* what;
            uint16_t exttype;
        };

        for (const Bad& bad :
             {Bad{"TYPE", 20}, Bad{"SPORT", 21}, Bad{"DPORT", 22}, Bad{"FRAG", 25}})
        {
            Bytes b;
            b.Header(3, 3, 0, 0, 100).U16(2).U16(bad.exttype).Zero(12).Seal();
            int rc = PfKeyMessage::Parse(b.b.data(), b.b.size(), nullptr, &e);
            NS_TEST_EXPECT_MSG_EQ(rc, EINVAL, bad.what << " of 16 bytes");
            NS_TEST_EXPECT_MSG_EQ(PfKeyParseErrorCounter(e), "out_invlen", bad.what);
        }
        // An original address whose sockaddr is not one: out_invaddr.
        Bytes badOa;
        badOa.Header(3, 3, 0, 0, 100).U16(3).U16(23).U8(255).U8(32).U16(0);
        badOa.U8(16).U8(99).Zero(14).Seal();
        NS_TEST_EXPECT_MSG_EQ(PfKeyMessage::Parse(badOa.b.data(), badOa.b.size(), nullptr, &e),
                              EINVAL,
                              "OAI of family 99");
        NS_TEST_EXPECT_MSG_EQ(PfKeyParseErrorCounter(e), "out_invaddr", "OAI");
        // 25 is the last known extension; 26 is not.
        Bytes beyond;
        beyond.Header(3, 3, 0, 0, 100).U16(1).U16(26).Zero(4).Seal();
        NS_TEST_EXPECT_MSG_EQ(PfKeyMessage::Parse(beyond.b.data(), beyond.b.size(), nullptr, &e),
                              EINVAL,
                              "extension 26");
        NS_TEST_EXPECT_MSG_EQ(PfKeyParseErrorCounter(e), "out_invexttype", "26");
        Bytes twice;
        twice.Header(3, 3, 0, 0, 100).NattType(2).NattType(2).Seal();
        NS_TEST_EXPECT_MSG_EQ(
            PfKeyMessage::Parse(twice.b.data(), twice.b.size(), nullptr, &e), EINVAL, "two TYPEs");
        NS_TEST_EXPECT_MSG_EQ(PfKeyParseErrorCounter(e), "out_dupext", "TYPE twice");

        // The engine counts them as for other extensions.
        Ptr<IpsecKeyEngine> engine = NewEngine();
        Ptr<IpsecPfKeySocket> so = engine->Open(100);
        Bytes longType;
        longType.Header(3, 3, 0, 0, 100).U16(2).U16(20).Zero(12).Seal();
        NS_TEST_EXPECT_MSG_EQ(so->Send(longType.b), EINVAL, "engine: long TYPE");
        NS_TEST_EXPECT_MSG_EQ(engine->GetStats().out_invlen, 1u, "engine: out_invlen");
        NS_TEST_EXPECT_MSG_EQ(so->Send(badOa.b), EINVAL, "engine: bad OAI");
        NS_TEST_EXPECT_MSG_EQ(engine->GetStats().out_invaddr, 1u, "engine: out_invaddr");
        engine->Dispose();
        Simulator::Destroy();
    }
};

/// SADB_ADD/UPDATE take the NAT-T extensions; GET and DUMP return them.
class NattKeyEngineTestCase : public TestCase
{
  public:
    NattKeyEngineTestCase()
        : TestCase("key engine: NAT-T SAs added, refused, updated and dumped")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecKeyEngine> engine = NewEngine();
        Ptr<IpsecSad> sad = engine->GetSad();
        Ptr<IpsecPfKeySocket> so = engine->Open(100);

        NS_TEST_ASSERT_MSG_EQ(so->Send(NattAdd(3, 2, 0x1001).b), 0, "ESP in UDP accepted");
        DrainAll(so);
        Ptr<IpsecSa> sa
            = sad->Get(Addr("192.0.2.1"), Addr("198.51.100.7"), IpsecProto::ESP, 0x1001);
        NS_TEST_ASSERT_MSG_EQ((sa != nullptr), true, "the SA is in the SAD");
        const IpsecSaParams& p = sa->params;
        NS_TEST_EXPECT_MSG_EQ(p.IsUdpEncapsulated(), true, "type 2");
        NS_TEST_EXPECT_MSG_EQ(p.nattSport, 4500, "sport");
        NS_TEST_EXPECT_MSG_EQ(p.nattDport, 4500, "dport");
        NS_TEST_EXPECT_MSG_EQ(p.nattOai, Addr("10.0.0.5"), "OAI stored");
        NS_TEST_EXPECT_MSG_EQ(p.nattOar, Addr("10.0.0.9"), "OAR stored");
        NS_TEST_EXPECT_MSG_EQ(p.nattFrag, 552, "FRAG stored");

        // SADB_GET, built by hand; the reply's extensions read by hand.
        Bytes get;
        get.Header(5, 3, 0, 7, 100).Sa(0x1001, 0, 0);
        get.Address4(5, IP_192_0_2_1, 0).Address4(6, IP_198_51_100_7, 0).Seal();
        NS_TEST_ASSERT_MSG_EQ(so->Send(get.b), 0, "get");
        std::vector<uint8_t> reply;
        NS_TEST_ASSERT_MSG_EQ(so->Recv(&reply), true, "a reply");
        auto ext = Extensions(reply);
        const std::vector<uint8_t> type2 = {1, 0, 20, 0, 2, 0, 0, 0};
        const std::vector<uint8_t> sport = {1, 0, 21, 0, 0x11, 0x94, 0, 0};
        const std::vector<uint8_t> dport = {1, 0, 22, 0, 0x11, 0x94, 0, 0};
        const std::vector<uint8_t> frag = {1, 0, 25, 0, 0x28, 0x02, 0, 0};
        NS_TEST_EXPECT_MSG_EQ((ext[20] == type2), true, "NAT_T_TYPE 2");
        NS_TEST_EXPECT_MSG_EQ((ext[21] == sport), true, "NAT_T_SPORT 4500, network order");
        NS_TEST_EXPECT_MSG_EQ((ext[22] == dport), true, "NAT_T_DPORT");
        NS_TEST_EXPECT_MSG_EQ((ext[25] == frag), true, "NAT_T_FRAG 552");
        NS_TEST_EXPECT_MSG_EQ(ext.count(23) + ext.count(24), 0u, "key_setdumpsa skips OAI/OAR");
        NS_TEST_ASSERT_MSG_EQ(ext[5].size(), 24u, "source address");
        NS_TEST_EXPECT_MSG_EQ(ext[5][10] * 256 + ext[5][11], 4500, "the SA index carries sport");
        NS_TEST_EXPECT_MSG_EQ(ext[6][10] * 256 + ext[6][11], 4500, "and dport");

        // Only ESP travels in UDP; only UDP_ENCAP_ESPINUDP is modelled.
        NS_TEST_EXPECT_MSG_EQ(so->Send(NattAdd(2, 2, 0x2001).b), EINVAL, "AH with NAT-T");
        NS_TEST_EXPECT_MSG_EQ(so->Send(NattAdd(3, 1, 0x2002).b), EINVAL, "ESPINUDP_NON_IKE");
        NS_TEST_EXPECT_MSG_EQ(so->Send(NattAdd(3, 7, 0x2003).b), EINVAL, "type 7");
        NS_TEST_EXPECT_MSG_EQ(sad->GetN(), 1u, "none of them added");
        // Type 0: an ordinary SA (the ports are not NAT-T ports).
        NS_TEST_ASSERT_MSG_EQ(so->Send(NattAdd(3, 0, 0x2004).b), 0, "type 0 accepted");
        Ptr<IpsecSa> plain
            = sad->Get(Addr("192.0.2.1"), Addr("198.51.100.7"), IpsecProto::ESP, 0x2004);
        NS_TEST_ASSERT_MSG_EQ((plain != nullptr), true, "type 0 SA");
        NS_TEST_EXPECT_MSG_EQ(plain->params.nattType, 0, "not in UDP");
        NS_TEST_EXPECT_MSG_EQ(plain->params.nattSport, 0, "no NAT-T port");
        DrainAll(so);

        // SADB_DUMP: TYPE on every SA (0 for the ordinary one), ports only on NAT-T.
        Bytes dump;
        dump.Header(10, 0, 2, 0, 100);
        NS_TEST_ASSERT_MSG_EQ(so->Send(dump.b), 0, "dump");
        int natt = 0;
        int ordinary = 0;
        while (so->Recv(&reply))
        {
            ext = Extensions(reply);
            NS_TEST_ASSERT_MSG_EQ(ext[20].size(), 8u, "TYPE in every dump reply");
            if (ext[20][4] == 2)
            {
                ++natt;
                NS_TEST_EXPECT_MSG_EQ((ext[21] == sport && ext[22] == dport), true, "ports");
            }
            else
            {
                ++ordinary;
                NS_TEST_EXPECT_MSG_EQ(ext[20][4], 0, "type 0");
                NS_TEST_EXPECT_MSG_EQ(ext.count(21) + ext.count(22) + ext.count(25), 0u, "none");
                NS_TEST_EXPECT_MSG_EQ(ext[5][10] * 256 + ext[5][11], 0, "no port in the index");
            }
        }
        NS_TEST_EXPECT_MSG_EQ(natt, 1, "one NAT-T SA dumped");
        NS_TEST_EXPECT_MSG_EQ(ordinary, 1, "one ordinary SA dumped");

        // GETSPI, then UPDATE with NAT-T (racoon's order).
        PfKeyMessage getspi(PfKeyType::GETSPI, PfKeySaType::ESP, 9, 100);
        getspi.src = PfKeyAddress{255, 32, Addr("10.1.0.1"), 0};
        getspi.dst = PfKeyAddress{255, 32, Addr("10.2.0.1"), 0};
        getspi.spirange = PfKeySpiRange{0x3000, 0x3000};
        NS_TEST_ASSERT_MSG_EQ(so->Send(getspi), 0, "getspi");
        DrainAll(so);
        PfKeyMessage update(PfKeyType::UPDATE, PfKeySaType::ESP, 9, 100);
        update.sa = PfKeySa{0x3000, 0, 0, 0, 12, 0x40};
        update.src = getspi.src;
        update.dst = getspi.dst;
        update.encKey = PfKeyKey{128, std::vector<uint8_t>(16, 0x42)};
        update.nattType = 2;
        update.nattSport = 4500;
        update.nattDport = 61000;
        NS_TEST_ASSERT_MSG_EQ(so->Send(update), 0, "update");
        Ptr<IpsecSa> updated
            = sad->Get(Addr("10.1.0.1"), Addr("10.2.0.1"), IpsecProto::ESP, 0x3000);
        NS_TEST_ASSERT_MSG_EQ((updated != nullptr), true, "updated SA");
        NS_TEST_EXPECT_MSG_EQ((updated->state == IpsecSaState::MATURE), true, "mature");
        NS_TEST_EXPECT_MSG_EQ(updated->params.IsUdpEncapsulated(), true, "in UDP");
        NS_TEST_EXPECT_MSG_EQ(updated->params.nattDport, 61000, "the NAT's port");
        NS_TEST_EXPECT_MSG_EQ(updated->params.nattFrag, 0, "no FRAG: none");
        engine->Dispose();
        Simulator::Destroy();
    }
};

/// ipsec-tools' setkey: esp-udp, [port], the NAT-OA, the -D layout and errors.
class NattSetkeyTestCase : public TestCase
{
  public:
    NattSetkeyTestCase()
        : TestCase("setkey: esp-udp SAs, their messages, dump and errors")
    {
    }

  private:
    void DoRun() override
    {
        // The message setkeymsg_add() sends.
        std::vector<SetkeyStatement> sts;
        SetkeyParseError err;
        NS_TEST_ASSERT_MSG_EQ(
            SetkeyParser::ParseAll("add 192.0.2.1 198.51.100.7[1025] esp-udp 10.0.0.5 0x1001 "
                                   "-E null;\nget 192.0.2.1 198.51.100.7 esp-udp 0x1001;\n",
                                   &sts,
                                   &err),
            true,
            err.message);
        PfKeyMessage m;
        NS_TEST_ASSERT_MSG_EQ(Setkey::ToMessage(sts[0], &m), true, "add sends");
        NS_TEST_EXPECT_MSG_EQ(unsigned(m.satype), 3u, "satype ESP");
        NS_TEST_EXPECT_MSG_EQ(unsigned(m.nattType.value_or(0)), 2u, "type");
        NS_TEST_EXPECT_MSG_EQ(m.nattSport.value_or(0), 4500, "no [port]: 4500 (get_port)");
        NS_TEST_EXPECT_MSG_EQ(m.nattDport.value_or(0), 1025, "[1025]");
        NS_TEST_ASSERT_MSG_EQ(m.nattOai.has_value(), true, "the NAT-OA");
        NS_TEST_EXPECT_MSG_EQ(m.nattOai->addr, Addr("10.0.0.5"), "OA address");
        NS_TEST_EXPECT_MSG_EQ(m.dst->port, 1025, "the port is in the address too");
        NS_TEST_ASSERT_MSG_EQ(Setkey::ToMessage(sts[1], &m), true, "get sends");
        NS_TEST_EXPECT_MSG_EQ(m.nattType.has_value(), false, "setkeymsg_addr: no NAT-T");

        // The SA and `setkey -D`.
        Ptr<IpsecSad> sad = CreateObject<IpsecSad>();
        Ptr<IpsecSpd> spd = CreateObject<IpsecSpd>();
        SetkeyResult r = Setkey::Run(
            sad,
            spd,
            "add 192.0.2.1[4500] 198.51.100.7[4500] esp-udp 10.0.0.5 0x1001 -m tunnel "
            "-E aes-cbc 0x00112233445566778899aabbccddeeff "
            "-A hmac-sha1 0x00112233445566778899aabbccddeeff00112233;\n"
            "get 192.0.2.1 198.51.100.7 esp-udp 0x1001;\n",
            "natt.conf");
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, Lines(r.messages));
        const std::string sa = "192.0.2.1[4500] 198.51.100.7[4500] \n"
                               "\tesp-udp mode=tunnel spi=4097(0x00001001) reqid=0(0x00000000)\n"
                               "\tE: rijndael-cbc  00112233 44556677 8899aabb ccddeeff\n"
                               "\tA: hmac-sha1  00112233 44556677 8899aabb ccddeeff 00112233\n"
                               "\tseq=0x00000000 replay=0 flags=0x00000040 state=mature \n"
                               "\tcreated: Jan  1 00:00:00 2026\tcurrent: Jan  1 00:00:00 2026\n"
                               "\tdiff: 0(s)\thard: 0(s)\tsoft: 0(s)\n"
                               "\tlast:                     \thard: 0(s)\tsoft: 0(s)\n"
                               "\tcurrent: 0(bytes)\thard: 0(bytes)\tsoft: 0(bytes)\n"
                               "\tallocated: 0\thard: 0\tsoft: 0\n"
                               "\tsadb_seq=0 pid=0 refcnt=1\n";
        NS_TEST_EXPECT_MSG_EQ(SetkeyDump::SadToString(sad), sa, "setkey -D of a NAT-T SA");
        NS_TEST_EXPECT_MSG_EQ(Lines(r.messages), sa, "get prints the same");
        SetkeyDumpOptions withOa;
        withOa.natOa = true;
        NS_TEST_EXPECT_MSG_EQ(Contains(SetkeyDump::SadToString(sad, withOa),
                                       "reqid=0(0x00000000)\n\tNAT OA=10.0.0.5\n\tE: rijndael-cbc"),
                              true,
                              "NAT OA= line after the protocol line when the dump carries it");

        // [port] on an SA that is not esp-udp: sent in the address, ignored by the kernel.
        r = Setkey::Run(sad, spd, "add 10.0.0.1[500] 10.0.0.2[500] esp 0x1002 -E null;\n");
        NS_TEST_ASSERT_MSG_EQ(r.ok, true, Lines(r.messages));
        Ptr<IpsecSa> plain = sad->Get(Addr("10.0.0.1"), Addr("10.0.0.2"), IpsecProto::ESP, 0x1002);
        NS_TEST_ASSERT_MSG_EQ((plain != nullptr), true, "added");
        NS_TEST_EXPECT_MSG_EQ(plain->params.nattType, 0, "not NAT-T");
        NS_TEST_EXPECT_MSG_EQ(Contains(SetkeyDump::SadToString(sad),
                                       "10.0.0.1 10.0.0.2 \n\tesp mode=any spi=4098(0x00001002)"),
                              true,
                              "no ports, plain esp");

        // Errors name the file, line and token.
        r = Setkey::Run(sad,
                        spd,
                        "flush;\nadd 10.0.0.1 10.0.0.2 esp-udp 10.0.0.300 0x1004 -E null;\n",
                        "natt.conf");
        NS_TEST_EXPECT_MSG_EQ(r.aborted, true, "a bad NAT-OA aborts the run");
        NS_TEST_EXPECT_MSG_EQ(r.error.fileName, "natt.conf", "file");
        NS_TEST_EXPECT_MSG_EQ(r.error.line, 2, "line");
        NS_TEST_EXPECT_MSG_EQ(r.error.token, "10.0.0.300", "token");
        NS_TEST_EXPECT_MSG_EQ(Contains(r.error.expected, "NAT-OA"), true, r.error.Describe());
        r = Setkey::Run(sad, spd, "add 10.0.0.1 10.0.0.2 esp-udp;\n", "natt.conf");
        NS_TEST_EXPECT_MSG_EQ(r.aborted, true, "esp-udp without an SPI");
        NS_TEST_EXPECT_MSG_EQ(r.error.token, ";", "at the ';'");
        NS_TEST_EXPECT_MSG_EQ(r.error.line, 1, "line 1");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(r.error.ToString(), "natt.conf:1:"), true, r.error.ToString());
        // esp-udp is a protocol everywhere one is allowed.
        r = Setkey::Run(sad, spd, "flush esp-udp;\n");
        NS_TEST_EXPECT_MSG_EQ(r.ok, true, Lines(r.messages));
        NS_TEST_EXPECT_MSG_EQ(sad->GetN(), 0u, "flush esp-udp flushes ESP");
        Simulator::Destroy();
    }
};

class IpsecSetkeyNattTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecSetkeyNattTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-setkey-natt", UNIT)
    {
        AddTestCase(new NattWireTestCase, TestCase::QUICK);
        AddTestCase(new NattKeyEngineTestCase, TestCase::QUICK);
        AddTestCase(new NattSetkeyTestCase, TestCase::QUICK);
    }
};

/// The suite's instance.
IpsecSetkeyNattTestSuite g_ipsecSetkeyNattTestSuite;

} // namespace
