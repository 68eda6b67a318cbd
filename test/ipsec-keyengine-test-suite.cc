/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The key engine and its PF_KEY sockets: the RFC 2367 wire layout (checked
 * against messages assembled byte by byte from the RFC's structures, not
 * from the encoder), KAME's refusals of malformed messages and their
 * pfkeystat counters, who receives which reply, GETSPI/UPDATE, REGISTER,
 * ACQUIRE throttling, EXPIRE, preferred_oldsa, dead SAs and promiscuous
 * sockets -- in simulated time, with real traffic where the kernel side
 * reacts to packets.
 */
#include "ipsec-test-base.h"
#include "ipsec-test-bytes.h"
#include "ns3/boolean.h"
#include "ns3/callback.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipsec-module.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cerrno>
#include <sstream>

using namespace ns3;

namespace
{

/// The suite's PF_KEY writer: the fields (PfKeyFieldWriter, as a C program
/// on a little-endian NetBSD host fills struct sadb_*) and the extensions
/// this suite writes.
struct Bytes : ipsectest::PfKeyFieldWriter<Bytes>
{
    /// struct sadb_address + sockaddr_in (NetBSD: sin_len 16, AF_INET 2).
    Bytes& Address4(uint16_t exttype, uint8_t a, uint8_t b2, uint8_t c, uint8_t d, uint8_t plen)
    {
        U16(3).U16(exttype).U8(255).U8(plen).U16(0);
        return U8(16).U8(2).N16(0).U8(a).U8(b2).U8(c).U8(d).Zero(8);
    }
};

bool
Contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/// Everything queued on @p so, parsed.
std::vector<PfKeyMessage>
Drain(Ptr<IpsecPfKeySocket> so)
{
    std::vector<PfKeyMessage> out;
    PfKeyMessage m;
    while (so->GetRxAvailable() > 0)
    {
        if (so->Recv(&m))
        {
            out.push_back(m);
        }
    }
    return out;
}

/// Messages a daemon read, with the simulated time it read them.
using Timeline = std::vector<std::pair<Time, PfKeyMessage>>;

/**
 * Makes @p so's daemon keep, in @p got, every message of the @p types it
 * reads (in simulated time, from its receive callback).
 */
void
Record(Ptr<IpsecPfKeySocket> so, std::vector<PfKeyType> types, Timeline* got)
{
    so->SetRecvCallback(Callback<void, Ptr<IpsecPfKeySocket>>(
        [types, got](Ptr<IpsecPfKeySocket> s)
        {
            for (const auto& m : Drain(s))
            {
                if (std::find(types.begin(), types.end(), m.GetType()) != types.end())
                {
                    got->emplace_back(Simulator::Now(), m);
                }
            }
        }));
}

PfKeyAddress
Addr(const std::string& text)
{
    PfKeyAddress a;
    a.addr = *IpsecAddress::Parse(text);
    a.prefixlen = a.addr.GetBits();
    return a;
}

/// SADB_ADD/UPDATE of an ESP 3des-cbc + hmac-sha1 SA src -> dst.
PfKeyMessage
EspSa(PfKeyType type, const std::string& src, const std::string& dst, uint32_t spi)
{
    PfKeyMessage m(type, PfKeySaType::ESP);
    PfKeySa sa;
    sa.spi = spi;
    sa.encrypt = 3; // SADB_EALG_3DESCBC
    sa.auth = 3;    // SADB_AALG_SHA1HMAC
    sa.flags = IpsecSaFlags::CYCSEQ;
    m.sa = sa;
    m.sa2 = PfKeySa2{};
    m.src = Addr(src);
    m.dst = Addr(dst);
    m.encKey = PfKeyKey{192, std::vector<uint8_t>(24, 0x5a)};
    m.encKey->data[0] = 0x01; // not a DES weak key
    m.authKey = PfKeyKey{160, std::vector<uint8_t>(20, 0x33)};
    return m;
}

Ptr<IpsecKeyEngine>
NewEngine()
{
    auto engine = CreateObject<IpsecKeyEngine>();
    engine->SetDatabases(CreateObject<IpsecSad>(), CreateObject<IpsecSpd>());
    return engine;
}

} // namespace

/// The encoder writes, and the parser reads, exactly the RFC 2367 layout.
class PfKeyWireLayoutTestCase : public TestCase
{
  public:
    PfKeyWireLayoutTestCase()
        : TestCase("RFC 2367 wire layout of a GETSPI, both ways")
    {
    }

  private:
    void DoRun() override
    {
        // SADB_GETSPI for ESP 10.0.0.1 -> 10.0.0.2 with SPIRANGE 0x1000-0x1000:
        // 16 (sadb_msg) + 24 + 24 (sadb_address + sockaddr_in) + 16 (sadb_spirange).
        Bytes ref;
        ref.Header(1, 3, 10, 7, 42)
            .Address4(5, 10, 0, 0, 1, 32)
            .Address4(6, 10, 0, 0, 2, 32)
            .U16(2)
            .U16(16)
            .U32(0x1000)
            .U32(0x1000)
            .U32(0);
        NS_TEST_ASSERT_MSG_EQ(ref.b.size(), 80u, "80 bytes, 10 64-bit words");

        PfKeyMessage m(PfKeyType::GETSPI, PfKeySaType::ESP, 7, 42);
        m.src = Addr("10.0.0.1");
        m.dst = Addr("10.0.0.2");
        m.spirange = PfKeySpiRange{0x1000, 0x1000};
        NS_TEST_EXPECT_MSG_EQ((m.Serialize() == ref.b), true, "encoder = RFC layout");

        PfKeyMessage back;
        NS_TEST_ASSERT_MSG_EQ(PfKeyMessage::Parse(ref.b.data(), ref.b.size(), &back), 0, "parses");
        NS_TEST_EXPECT_MSG_EQ(unsigned(back.type), 1u, "type");
        NS_TEST_EXPECT_MSG_EQ(back.seq, 7u, "seq");
        NS_TEST_EXPECT_MSG_EQ(back.pid, 42u, "pid");
        NS_TEST_EXPECT_MSG_EQ(back.dst->addr, *IpsecAddress::Parse("10.0.0.2"), "dst");
        NS_TEST_EXPECT_MSG_EQ(back.spirange->max, 0x1000u, "spirange");

        // The SPI of an SA extension is in network order.
        PfKeyMessage add = EspSa(PfKeyType::ADD, "10.0.0.1", "10.0.0.2", 0x01020304);
        std::vector<uint8_t> wire = add.Serialize();
        // sadb_msg (16) then sadb_sa: len, exttype, then sadb_sa_spi.
        NS_TEST_EXPECT_MSG_EQ(unsigned(wire[16]), 2u, "sadb_sa is 2 words");
        NS_TEST_EXPECT_MSG_EQ(unsigned(wire[18]), 1u, "SADB_EXT_SA");
        NS_TEST_EXPECT_MSG_EQ(unsigned(wire[20]), 0x01u, "spi byte 0 (network order)");
        NS_TEST_EXPECT_MSG_EQ(unsigned(wire[23]), 0x04u, "spi byte 3");
        NS_TEST_EXPECT_MSG_EQ(wire.size() % 8, 0u, "64-bit aligned");
        NS_TEST_EXPECT_MSG_EQ(size_t(wire[4] | (wire[5] << 8)) * 8, wire.size(), "sadb_msg_len");
        PfKeyMessage round;
        NS_TEST_ASSERT_MSG_EQ(PfKeyMessage::Parse(wire.data(), wire.size(), &round), 0, "round");
        NS_TEST_EXPECT_MSG_EQ((round.Serialize() == wire), true, "round trip is exact");
        NS_TEST_EXPECT_MSG_EQ(round.encKey->bits, 192u, "key bits");

        // X_POLICY with a tunnel request keeps its endpoints.
        IpsecRequest req;
        req.proto = IpsecProto::ESP;
        req.mode = IpsecMode::TUNNEL;
        req.level = IpsecLevel::UNIQUE;
        req.reqid = 7;
        req.tunnelSrc = *IpsecAddress::Parse("fd00::1");
        req.tunnelDst = *IpsecAddress::Parse("fd00::2");
        PfKeyMessage spd(PfKeyType::X_SPDADD, PfKeySaType::UNSPEC);
        spd.src = Addr("fd01::");
        spd.src->prefixlen = 64;
        spd.dst = Addr("fd02::");
        spd.dst->prefixlen = 64;
        spd.policy = PfKeyPolicy{2, 2, 0, {req}};
        wire = spd.Serialize();
        NS_TEST_ASSERT_MSG_EQ(PfKeyMessage::Parse(wire.data(), wire.size(), &round), 0, "policy");
        NS_TEST_ASSERT_MSG_EQ(round.policy->requests.size(), 1u, "one request");
        NS_TEST_EXPECT_MSG_EQ(round.policy->requests[0].ToString(),
                              "esp/tunnel/fd00::1-fd00::2/unique:7",
                              "request survives");
    }
};

/// key_parse's refusals, their errno and pfkeystat counters.
class PfKeyMalformedTestCase : public TestCase
{
  public:
    PfKeyMalformedTestCase()
        : TestCase("malformed messages are refused and counted")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecKeyEngine> engine = NewEngine();
        Ptr<IpsecPfKeySocket> so = engine->Open(100);
        Ptr<IpsecPfKeySocket> other = engine->Open(200);
        const IpsecPfKeyStats& st = engine->GetStats();

        std::vector<uint8_t> shortMsg(8, 0);
        NS_TEST_EXPECT_MSG_EQ(so->Send(shortMsg), EINVAL, "too short");
        NS_TEST_EXPECT_MSG_EQ(st.out_tooshort, 1u, "out_tooshort");

        Bytes badLen;
        badLen.Header(9, 0, 3, 0, 100); // says 24 bytes, has 16
        NS_TEST_EXPECT_MSG_EQ(so->Send(badLen.b), EINVAL, "length");
        NS_TEST_EXPECT_MSG_EQ(st.out_invlen, 1u, "out_invlen");

        Bytes badVer;
        badVer.Header(9, 0, 2, 0, 100);
        badVer.b[0] = 1;
        NS_TEST_EXPECT_MSG_EQ(so->Send(badVer.b), EINVAL, "version");
        NS_TEST_EXPECT_MSG_EQ(st.out_invver, 1u, "out_invver");

        for (uint8_t type : {uint8_t(0), uint8_t(23), uint8_t(200)})
        {
            Bytes badType;
            badType.Header(type, 0, 2, 0, 100);
            NS_TEST_EXPECT_MSG_EQ(so->Send(badType.b), EINVAL, "type " << unsigned(type));
        }
        NS_TEST_EXPECT_MSG_EQ(st.out_invmsgtype, 3u, "out_invmsgtype");

        Bytes dup;
        dup.Header(4, 3, 8, 0, 100).Address4(5, 10, 0, 0, 1, 32).Address4(5, 10, 0, 0, 2, 32);
        NS_TEST_EXPECT_MSG_EQ(so->Send(dup.b), EINVAL, "duplicate");
        NS_TEST_EXPECT_MSG_EQ(st.out_dupext, 1u, "out_dupext");

        Bytes badExt;
        badExt.Header(4, 3, 3, 0, 100).U16(1).U16(99).U32(0);
        NS_TEST_EXPECT_MSG_EQ(so->Send(badExt.b), EINVAL, "extension type");
        NS_TEST_EXPECT_MSG_EQ(st.out_invexttype, 1u, "out_invexttype");

        Bytes overrun;
        overrun.Header(4, 3, 3, 0, 100).U16(4).U16(5).U32(0); // ext claims 32 bytes
        NS_TEST_EXPECT_MSG_EQ(so->Send(overrun.b), EINVAL, "extension past the end");
        NS_TEST_EXPECT_MSG_EQ(st.out_invlen, 2u, "out_invlen again");

        Bytes noSatype;
        noSatype.Header(3, 0, 2, 0, 100); // ADD without an SA type
        NS_TEST_EXPECT_MSG_EQ(so->Send(noSatype.b), EINVAL, "ADD needs an satype");
        Bytes rsvp;
        rsvp.Header(3, 5, 2, 0, 100);
        NS_TEST_EXPECT_MSG_EQ(so->Send(rsvp.b), EOPNOTSUPP, "RSVP satype");
        Bytes spdWithSatype;
        spdWithSatype.Header(19, 3, 2, 0, 100); // X_SPDFLUSH with satype ESP
        NS_TEST_EXPECT_MSG_EQ(so->Send(spdWithSatype.b), EINVAL, "SPD message with satype");
        NS_TEST_EXPECT_MSG_EQ(st.out_invsatype, 3u, "out_invsatype");

        Bytes badFamily;
        badFamily.Header(4, 3, 8, 0, 100).Address4(5, 10, 0, 0, 1, 32).Address4(6, 10, 0, 0, 2, 32);
        badFamily.b[16 + 8 + 1] = 99; // sa_family of the source
        NS_TEST_EXPECT_MSG_EQ(so->Send(badFamily.b), EINVAL, "unknown family");
        Bytes badPrefix;
        badPrefix.Header(4, 3, 8, 0, 100).Address4(5, 10, 0, 0, 1, 33).Address4(6, 10, 0, 0, 2, 32);
        NS_TEST_EXPECT_MSG_EQ(so->Send(badPrefix.b), EINVAL, "prefix 33 on IPv4");
        PfKeyMessage mixed(PfKeyType::DELETE, PfKeySaType::ESP);
        mixed.src = Addr("10.0.0.1");
        mixed.dst = Addr("fd00::2");
        NS_TEST_EXPECT_MSG_EQ(so->Send(mixed), EINVAL, "families differ");
        NS_TEST_EXPECT_MSG_EQ(st.out_invaddr, 3u, "out_invaddr");

        // Kernel-originated types cannot be sent; X_PCHANGE is not implemented.
        NS_TEST_EXPECT_MSG_EQ(so->Send(PfKeyMessage(PfKeyType::EXPIRE, PfKeySaType::ESP)),
                              EOPNOTSUPP,
                              "EXPIRE from userland");
        NS_TEST_EXPECT_MSG_EQ(
            so->Send(PfKeyMessage(PfKeyType::X_PCHANGE, PfKeySaType::UNSPEC)), EINVAL, "X_PCHANGE");

        NS_TEST_EXPECT_MSG_EQ(st.out_total, 17u, "every write counted");
        // Errors go back to the requester only, with sadb_msg_errno set.
        // (Raw bytes: an echo of a message with a bad type or satype does
        // not parse either.)
        uint32_t echoes = 0;
        bool allErrors = true;
        std::vector<uint8_t> raw;
        while (so->Recv(&raw))
        {
            ++echoes;
            allErrors = allErrors && raw.size() >= 16 && raw[2] != 0;
        }
        NS_TEST_EXPECT_MSG_EQ(echoes, 16u, "an echo per message with a header");
        NS_TEST_EXPECT_MSG_EQ(allErrors, true, "all carry an errno");
        NS_TEST_EXPECT_MSG_EQ(other->GetRxAvailable(), 0u, "nothing for the other socket");
        NS_TEST_EXPECT_MSG_EQ(engine->GetSad()->GetN(), 0u, "nothing changed");

        // The pfkey: section of netstat -s (netstat's pfkey_stats).
        std::ostringstream os;
        engine->PrintStats(os, true);
        std::string text = os.str();
        NS_TEST_EXPECT_MSG_EQ(text.rfind("pfkey:\n\t17 requests sent from userland\n", 0),
                              0u,
                              "header and out_total");
        NS_TEST_EXPECT_MSG_EQ(Contains(text, "\t3 messages with invalid message type field\n"),
                              true,
                              "out_invmsgtype line");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(text, "\t1 message with duplicate extension\n"), true, "singular");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(text, "\t16 messages toward single socket\n"), true, "in_msgtarget[0]");
        NS_TEST_EXPECT_MSG_EQ(!Contains(text, "too short\n\t0"), true, "-ss omits zeros");
    }
};

/// ADD, GET, DUMP, DELETE and who hears about them.
class PfKeySaMessagesTestCase : public TestCase
{
  public:
    PfKeySaMessagesTestCase()
        : TestCase("ADD, GET, DUMP, DELETE: replies and their recipients")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecKeyEngine> engine = NewEngine();
        Ptr<IpsecPfKeySocket> setkey = engine->Open(100);
        Ptr<IpsecPfKeySocket> daemon = engine->Open(200);

        NS_TEST_ASSERT_MSG_EQ(
            setkey->Send(EspSa(PfKeyType::ADD, "10.0.0.1", "10.0.0.2", 0x1001)), 0, "add");
        NS_TEST_ASSERT_MSG_EQ(
            setkey->Send(EspSa(PfKeyType::ADD, "10.0.0.2", "10.0.0.1", 0x1002)), 0, "add");
        NS_TEST_EXPECT_MSG_EQ(setkey->Send(EspSa(PfKeyType::ADD, "10.0.0.1", "10.0.0.2", 0x1001)),
                              EEXIST,
                              "duplicate SPI in the head");
        std::vector<PfKeyMessage> toDaemon = Drain(daemon);
        NS_TEST_ASSERT_MSG_EQ(toDaemon.size(), 2u, "add results go to every socket");
        NS_TEST_EXPECT_MSG_EQ(toDaemon[0].encKey.has_value() || toDaemon[0].authKey.has_value(),
                              false,
                              "keys stripped from the broadcast");
        NS_TEST_EXPECT_MSG_EQ(Drain(setkey).size(), 3u, "two results and one error");

        PfKeyMessage get(PfKeyType::GET, PfKeySaType::ESP, 5, 0);
        get.sa = PfKeySa{};
        get.sa->spi = 0x1001;
        get.src = Addr("10.0.0.1");
        get.dst = Addr("10.0.0.2");
        NS_TEST_ASSERT_MSG_EQ(setkey->Send(get), 0, "get");
        std::vector<PfKeyMessage> r = Drain(setkey);
        NS_TEST_ASSERT_MSG_EQ(r.size(), 1u, "get answer");
        NS_TEST_EXPECT_MSG_EQ(r[0].seq, 5u, "seq echoed");
        NS_TEST_EXPECT_MSG_EQ(r[0].encKey->data[0], 0x01, "GET carries the keys");
        NS_TEST_EXPECT_MSG_EQ(unsigned(r[0].sa->state), 1u, "mature");
        NS_TEST_EXPECT_MSG_EQ(daemon->GetRxAvailable(), 0u, "get answers the requester only");

        NS_TEST_ASSERT_MSG_EQ(
            daemon->Send(PfKeyMessage(PfKeyType::DUMP, PfKeySaType::UNSPEC)), 0, "dump");
        r = Drain(daemon);
        NS_TEST_ASSERT_MSG_EQ(r.size(), 2u, "one message per SA");
        NS_TEST_EXPECT_MSG_EQ(r[0].seq, 1u, "seq counts down");
        NS_TEST_EXPECT_MSG_EQ(r[1].seq, 0u, "to 0 on the last");
        NS_TEST_EXPECT_MSG_EQ(r[0].pid, 200u, "requester's pid");
        // A small receive buffer loses what does not fit (KAME's truncated dumps).
        UintegerValue big;
        daemon->GetAttribute("RcvBufSize", big);
        NS_TEST_EXPECT_MSG_EQ(big.Get(), 2u * 1024 * 1024, "2 MiB by default");
        daemon->SetAttribute("RcvBufSize", UintegerValue(250));
        uint64_t nomem = engine->GetStats().in_nomem;
        NS_TEST_ASSERT_MSG_EQ(daemon->Send(PfKeyMessage(PfKeyType::DUMP, PfKeySaType::UNSPEC)),
                              0,
                              "dump into a small buffer");
        r = Drain(daemon);
        NS_TEST_EXPECT_MSG_EQ(r.size(), 1u, "the second SA message did not fit");
        NS_TEST_EXPECT_MSG_EQ(r[0].seq, 1u, "the first one did");
        NS_TEST_EXPECT_MSG_EQ(engine->GetStats().in_nomem, nomem + 1, "in_nomem");
        daemon->SetAttribute("RcvBufSize", UintegerValue(0));

        PfKeyMessage del(PfKeyType::DELETE, PfKeySaType::ESP);
        del.sa = PfKeySa{};
        del.sa->spi = 0x1001;
        del.src = Addr("10.0.0.1");
        del.dst = Addr("10.0.0.2");
        NS_TEST_EXPECT_MSG_EQ(setkey->Send(del), 0, "delete");
        NS_TEST_EXPECT_MSG_EQ(setkey->Send(del), ENOENT, "gone");
        NS_TEST_EXPECT_MSG_EQ(Drain(daemon).size(), 1u, "the delete result only");
        NS_TEST_EXPECT_MSG_EQ(engine->GetSad()->GetN(), 1u, "one SA left");

        NS_TEST_EXPECT_MSG_EQ(
            setkey->Send(PfKeyMessage(PfKeyType::FLUSH, PfKeySaType::UNSPEC)), 0, "flush");
        NS_TEST_EXPECT_MSG_EQ(engine->GetSad()->GetN(), 0u, "empty");
        Drain(setkey);
        NS_TEST_EXPECT_MSG_EQ(setkey->Send(PfKeyMessage(PfKeyType::DUMP, PfKeySaType::UNSPEC)),
                              ENOENT,
                              "dump of nothing");
        setkey->Close();
        NS_TEST_EXPECT_MSG_EQ(
            setkey->Send(PfKeyMessage(PfKeyType::DUMP, PfKeySaType::UNSPEC)), EBADF, "closed");
        Simulator::Destroy();
    }
};

/// GETSPI creates a larval SA; only its creator may UPDATE it; REGISTER.
class PfKeyGetSpiUpdateTestCase : public TestCase
{
  public:
    PfKeyGetSpiUpdateTestCase()
        : TestCase("GETSPI, UPDATE by the same pid, larval expiry, REGISTER")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecKeyEngine> engine = NewEngine();
        Ptr<IpsecSad> sad = engine->GetSad();
        Ptr<IpsecPfKeySocket> racoon = engine->Open(300);
        Ptr<IpsecPfKeySocket> intruder = engine->Open(400);

        // REGISTER: the supported algorithms, to the registered sockets only.
        NS_TEST_ASSERT_MSG_EQ(
            racoon->Send(PfKeyMessage(PfKeyType::REGISTER, PfKeySaType::ESP)), 0, "register");
        std::vector<PfKeyMessage> r = Drain(racoon);
        NS_TEST_ASSERT_MSG_EQ(r.size(), 1u, "register reply");
        bool has3des = false;
        for (const PfKeyAlg& a : *r[0].supportedEncrypt)
        {
            has3des = has3des || (a.id == 3 && a.minbits == 192 && a.maxbits == 192);
        }
        NS_TEST_EXPECT_MSG_EQ(has3des, true, "3des-cbc, 192 bits, is supported");
        NS_TEST_EXPECT_MSG_EQ(racoon->IsRegistered(PfKeySaType::ESP), true, "registered");
        NS_TEST_EXPECT_MSG_EQ(intruder->GetRxAvailable(), 0u, "unregistered: no copy");
        NS_TEST_ASSERT_MSG_EQ(
            intruder->Send(PfKeyMessage(PfKeyType::REGISTER, PfKeySaType::UNSPEC)),
            0,
            "register unspec");
        NS_TEST_EXPECT_MSG_EQ(Drain(intruder).size(), 1u, "lists only");
        NS_TEST_EXPECT_MSG_EQ(intruder->IsRegisteredAny(), false, "not registered");

        PfKeyMessage getspi(PfKeyType::GETSPI, PfKeySaType::ESP, 9, 0);
        getspi.src = Addr("10.0.0.2");
        getspi.dst = Addr("10.0.0.1");
        NS_TEST_ASSERT_MSG_EQ(racoon->Send(getspi), 0, "getspi");
        r = Drain(racoon);
        NS_TEST_ASSERT_MSG_EQ(r.size(), 1u, "getspi answers the requester");
        uint32_t spi = r[0].sa->spi;
        NS_TEST_EXPECT_MSG_GT_OR_EQ(spi, 0x100u, "spi_min_value");
        NS_TEST_EXPECT_MSG_LT_OR_EQ(spi, 0x0fffffffu, "spi_max_value");
        IpsecAddress me = *IpsecAddress::Parse("10.0.0.1");
        NS_TEST_EXPECT_MSG_EQ(sad->LookupInbound(me, IpsecProto::ESP, spi), nullptr, "larval");

        PfKeyMessage update = EspSa(PfKeyType::UPDATE, "10.0.0.2", "10.0.0.1", spi);
        NS_TEST_EXPECT_MSG_EQ(intruder->Send(update), EINVAL, "another pid may not update");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(engine->GetLastReason(), "pid"), true, "reason names the pid");
        PfKeyMessage weak = update;
        weak.encKey->data = std::vector<uint8_t>(8, 0x01); // 64 bits for 3des
        weak.encKey->bits = 64;
        NS_TEST_EXPECT_MSG_EQ(racoon->Send(weak), EINVAL, "key_mature refuses the key");
        NS_TEST_EXPECT_MSG_EQ(
            sad->LookupInbound(me, IpsecProto::ESP, spi), nullptr, "still larval");
        NS_TEST_EXPECT_MSG_EQ(racoon->Send(update), 0, "the creator updates");
        Ptr<IpsecSa> sa = sad->LookupInbound(me, IpsecProto::ESP, spi);
        NS_TEST_ASSERT_MSG_NE(sa, nullptr, "mature now");
        NS_TEST_EXPECT_MSG_EQ(racoon->Send(update), EINVAL, "not larval any more");
        PfKeyMessage none = EspSa(PfKeyType::UPDATE, "10.0.0.2", "10.0.0.1", 0x4242);
        NS_TEST_EXPECT_MSG_EQ(racoon->Send(none), ENOENT, "no such SA");

        // A larval SA nobody updates is gone after net.key.larval_lifetime (30 s).
        NS_TEST_ASSERT_MSG_EQ(racoon->Send(getspi), 0, "second getspi");
        uint32_t before = sad->GetN();
        uint32_t at30 = 0;
        uint32_t at32 = 0;
        Simulator::Schedule(Seconds(30.5),
                            [&]()
                            {
                                at30 = sad->GetN();
                            });
        Simulator::Schedule(Seconds(32.5),
                            [&]()
                            {
                                at32 = sad->GetN();
                            });
        Simulator::Stop(Seconds(40));
        Simulator::Run();
        NS_TEST_EXPECT_MSG_EQ(before, 2u, "mature + larval");
        NS_TEST_EXPECT_MSG_EQ(at30, 2u, "still there at 30 s");
        NS_TEST_EXPECT_MSG_EQ(at32, 1u, "silently removed after 30 s");
        Simulator::Destroy();
    }
};

/**
 * Host A requires (or uses) ESP to B without any SA; a daemon is
 * registered on A.  With blockacq_count 10 (key_acquire sends one ACQUIRE,
 * then holds back the next 11 triggers), 30 packets at 10 per second give
 * ACQUIREs for packets 1, 13 and 25; require drops them all (out_nosa),
 * use sends them in clear.  After blockacq_lifetime the next packet
 * triggers an ACQUIRE at once, with a new sequence number.
 */
class PfKeyAcquireTestCase : public TestCase
{
  public:
    PfKeyAcquireTestCase(bool require)
        : TestCase(std::string("ACQUIRE throttling in simulated time, level ")
                   + (require ? "require" : "use"))
        , m_require(require)
    {
    }

  private:
    void DoRun() override
    {
        IpsecHostToHostHelper topo;
        topo.Build();
        IpsecHelper ipsec;
        std::string a = topo.GetAddressA().ToString();
        std::string b = topo.GetAddressB().ToString();
        ipsec.RunSetkeyString(topo.GetHostA(),
                              "spdadd " + a + " " + b + " udp -P out ipsec esp/transport//"
                                  + (m_require ? "require" : "use") + ";\n",
                              "A");
        Ptr<IpsecStack> stack = topo.GetHostA()->GetObject<IpsecStack>();
        Ptr<IpsecKeyEngine> engine = stack->GetKeyEngine();
        Ptr<IpsecPfKeySocket> racoon = engine->Open(500);
        racoon->Send(PfKeyMessage(PfKeyType::REGISTER, PfKeySaType::ESP));
        Drain(racoon);
        Ptr<IpsecPfKeySocket> bystander = engine->Open(600);

        Timeline acquires;
        Record(racoon, {PfKeyType::ACQUIRE}, &acquires);

        Ptr<Socket> rx = Socket::CreateSocket(topo.GetHostB(), UdpSocketFactory::GetTypeId());
        rx->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
        uint32_t received = 0;
        rx->SetRecvCallback(Callback<void, Ptr<Socket>>(
            [&received](Ptr<Socket> s)
            {
                while (s->Recv())
                {
                    ++received;
                }
            }));
        Ptr<Socket> tx = Socket::CreateSocket(topo.GetHostA(), UdpSocketFactory::GetTypeId());
        tx->Connect(InetSocketAddress(topo.GetAddressB().ToIpv4(), 9));
        // 30 packets, 10 per second from t = 1 s; one more at t = 30 s.
        for (int i = 0; i < 30; ++i)
        {
            Simulator::Schedule(Seconds(1.0 + 0.1 * i),
                                [tx]()
                                {
                                    tx->Send(Create<Packet>(100));
                                });
        }
        Simulator::Schedule(Seconds(30.0),
                            [tx]()
                            {
                                tx->Send(Create<Packet>(100));
                            });
        Simulator::Stop(Seconds(31));
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(acquires.size(), 4u, "packets 1, 13, 25 and the late one");
        NS_TEST_EXPECT_MSG_EQ(acquires[0].first, Seconds(1.0), "packet 1");
        NS_TEST_EXPECT_MSG_EQ(acquires[1].first, Seconds(2.2), "packet 13");
        NS_TEST_EXPECT_MSG_EQ(acquires[2].first, Seconds(3.4), "packet 25");
        NS_TEST_EXPECT_MSG_EQ(acquires[3].first, Seconds(30.0), "after blockacq_lifetime");
        NS_TEST_EXPECT_MSG_EQ(acquires[1].second.seq, acquires[0].second.seq, "same entry");
        NS_TEST_EXPECT_MSG_NE(acquires[3].second.seq, acquires[0].second.seq, "a new entry");
        const PfKeyMessage& m = acquires[0].second;
        NS_TEST_EXPECT_MSG_EQ(unsigned(m.satype), unsigned(PfKeySaType::ESP), "ESP");
        NS_TEST_EXPECT_MSG_EQ(m.src->addr, topo.GetAddressA(), "wanted source");
        NS_TEST_EXPECT_MSG_EQ(m.dst->addr, topo.GetAddressB(), "wanted destination");
        NS_TEST_ASSERT_MSG_EQ(m.policy.has_value(), true, "X_POLICY");
        NS_TEST_EXPECT_MSG_EQ(m.policy->id, 16388u, "the policy that asked");
        NS_TEST_ASSERT_MSG_EQ(m.proposal.has_value(), true, "PROPOSAL");
        bool des3 = false;
        bool rijndael = false;
        for (const PfKeyComb& c : m.proposal->combs)
        {
            des3 = des3 || c.encrypt == 3;
            rijndael = rijndael || (c.encrypt == 12 && c.encMinBits == 256);
            NS_TEST_EXPECT_MSG_EQ(c.hardAddtime, 86400u, "proposal hard lifetime");
        }
        NS_TEST_EXPECT_MSG_EQ(des3, false, "esp_keymin 256: no 3des");
        NS_TEST_EXPECT_MSG_EQ(rijndael, true, "rijndael-cbc from 256 bits");
        NS_TEST_EXPECT_MSG_EQ(bystander->GetRxAvailable(), 0u, "unregistered: nothing");

        const IpsecStats& st = stack->GetStats(false);
        if (m_require)
        {
            NS_TEST_EXPECT_MSG_EQ(st.out_nosa, 31u, "every packet dropped");
            NS_TEST_EXPECT_MSG_EQ(received, 0u, "nothing reached B");
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(st.out_nosa, 0u, "use: no drop");
            NS_TEST_EXPECT_MSG_EQ(received, 31u, "sent in clear, not queued");
        }
        NS_TEST_EXPECT_MSG_EQ(engine->GetStats().in_msgtype[6], 4u, "acquire histogram");
        Simulator::Destroy();
    }

    bool m_require;
};

/**
 * KAME's ipsec6_output_trans: an IPv6 datagram dropped for want of a transport
 * SA is answered with an ICMPv6 destination unreachable, administratively
 * prohibited, to its local sender; a tunnel request that lacks its SA, and
 * IPv4, drop silently.
 */
class PfKeyNoSaIcmp6TestCase : public TestCase
{
  public:
    PfKeyNoSaIcmp6TestCase(bool v6, bool tunnel)
        : TestCase(std::string("no SA under require: ") + (v6 ? "IPv6 " : "IPv4 ")
                   + (tunnel ? "tunnel" : "transport") + " request, ICMP to the sender or not")
        , m_v6(v6)
        , m_tunnel(tunnel)
    {
    }

  private:
    void DoRun() override
    {
        IpsecHostToHostHelper topo;
        topo.SetIpv6(m_v6);
        topo.Build();
        std::string a = topo.GetAddressA().ToString();
        std::string b = topo.GetAddressB().ToString();
        std::string req = m_tunnel ? "esp/tunnel/" + a + "-" + b + "/require"
                                   : std::string("esp/transport//require");
        IpsecHelper().RunSetkeyString(
            topo.GetHostA(), "spdadd " + a + " " + b + " udp -P out ipsec " + req + ";\n", "A");
        Ptr<Socket> tx = Socket::CreateSocket(topo.GetHostA(), UdpSocketFactory::GetTypeId());
        std::vector<std::pair<uint8_t, uint8_t>> icmp; // type, code
        if (m_v6)
        {
            bool ok = tx->SetAttributeFailSafe(
                "IcmpCallback6",
                CallbackValue(Callback<void, Ipv6Address, uint8_t, uint8_t, uint8_t, uint32_t>(
                    [&icmp](Ipv6Address, uint8_t, uint8_t type, uint8_t code, uint32_t)
                    {
                        icmp.emplace_back(type, code);
                    })));
            NS_TEST_ASSERT_MSG_EQ(ok, true, "UDP sockets report ICMPv6 errors");
            tx->Connect(Inet6SocketAddress(topo.GetAddressB().ToIpv6(), 9));
        }
        else
        {
            bool ok = tx->SetAttributeFailSafe(
                "IcmpCallback",
                CallbackValue(Callback<void, Ipv4Address, uint8_t, uint8_t, uint8_t, uint32_t>(
                    [&icmp](Ipv4Address, uint8_t, uint8_t type, uint8_t code, uint32_t)
                    {
                        icmp.emplace_back(type, code);
                    })));
            NS_TEST_ASSERT_MSG_EQ(ok, true, "UDP sockets report ICMP errors");
            tx->Connect(InetSocketAddress(topo.GetAddressB().ToIpv4(), 9));
        }
        for (int i = 0; i < 3; ++i)
        {
            Simulator::Schedule(Seconds(1 + i),
                                [tx]()
                                {
                                    tx->Send(Create<Packet>(100));
                                });
        }
        Simulator::Stop(Seconds(5));
        Simulator::Run();
        Ptr<IpsecStack> stack = topo.GetHostA()->GetObject<IpsecStack>();
        NS_TEST_EXPECT_MSG_EQ(stack->GetStats(m_v6).out_nosa, 3u, "all three dropped");
        if (m_v6 && !m_tunnel)
        {
            NS_TEST_EXPECT_MSG_EQ(icmp.size(), 3u, "one ICMPv6 error per datagram");
            for (const auto& [type, code] : icmp)
            {
                NS_TEST_EXPECT_MSG_EQ(unsigned(type), 1u, "destination unreachable");
                NS_TEST_EXPECT_MSG_EQ(unsigned(code), 1u, "administratively prohibited");
            }
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0u, "the sender is not told");
        }
        Simulator::Destroy();
    }

    bool m_v6;
    bool m_tunnel;
};

/**
 * A daemon's GETSPI with the ACQUIRE's sequence number restarts the block
 * entry's lifetime; BlockAcqCount changes the period.
 */
class PfKeyAcquireKnobsTestCase : public TestCase
{
  public:
    PfKeyAcquireKnobsTestCase()
        : TestCase("blockacq_count and GETSPI refreshing the acquire entry")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecKeyEngine> engine = NewEngine();
        engine->SetAttribute("BlockAcqCount", UintegerValue(2));
        Ptr<IpsecPfKeySocket> racoon = engine->Open(1);
        racoon->Send(PfKeyMessage(PfKeyType::REGISTER, PfKeySaType::AH));
        Drain(racoon);
        IpsecRequest req;
        req.proto = IpsecProto::AH;
        IpsecAddress a = *IpsecAddress::Parse("10.0.0.1");
        IpsecAddress b = *IpsecAddress::Parse("10.0.0.2");
        std::vector<bool> sent;
        for (int i = 0; i < 9; ++i)
        {
            sent.push_back(engine->Acquire(a, b, req, nullptr));
        }
        // count 2: one message per 4 triggers.
        std::vector<bool> expected{true, false, false, false, true, false, false, false, true};
        NS_TEST_EXPECT_MSG_EQ((sent == expected), true, "1, 5, 9");
        std::vector<PfKeyMessage> acq = Drain(racoon);
        NS_TEST_ASSERT_MSG_EQ(acq.size(), 3u, "three ACQUIREs");
        bool hmacOnly = true;
        for (const PfKeyComb& c : acq[0].proposal->combs)
        {
            hmacOnly = hmacOnly && (c.auth == 2 || c.auth == 3) && c.authMinBits >= 128;
        }
        NS_TEST_EXPECT_MSG_EQ(hmacOnly, true, "AH proposals: HMAC-MD5/SHA1, ah_keymin");

        // The entry is created at 0 s; at 15 s the daemon's GETSPI refreshes
        // it, so at 30 s (> 20 s after creation) it still holds back.
        uint32_t seq = acq[0].seq;
        Simulator::Schedule(Seconds(15),
                            [&]()
                            {
                                PfKeyMessage getspi(PfKeyType::GETSPI, PfKeySaType::AH, seq, 0);
                                getspi.src = Addr("10.0.0.1");
                                getspi.dst = Addr("10.0.0.2");
                                racoon->Send(getspi);
                            });
        bool at30 = true;
        bool at40 = false;
        Simulator::Schedule(Seconds(30),
                            [&]()
                            {
                                at30 = engine->Acquire(a, b, req, nullptr);
                            });
        Simulator::Schedule(Seconds(40),
                            [&]()
                            {
                                at40 = engine->Acquire(a, b, req, nullptr);
                            });
        Simulator::Stop(Seconds(41));
        Simulator::Run();
        NS_TEST_EXPECT_MSG_EQ(at30, false, "refreshed at 15 s: still blocked at 30 s");
        NS_TEST_EXPECT_MSG_EQ(at40, true, "more than 20 s after the refresh: sent");
        Simulator::Destroy();
    }
};

/**
 * Soft expiry of a used SA sends SADB_EXPIRE to registered sockets; a
 * never-used one dies silently; preferred_oldsa = 0 prefers the newest SA
 * and retires the older one with SADB_DELETE; a deleted SA that carried
 * traffic stays dead until the next packet of its policy.
 */
class PfKeyLifeCycleTestCase : public TestCase
{
  public:
    PfKeyLifeCycleTestCase(bool preferOld)
        : TestCase(std::string("EXPIRE, dead SAs and SA preference, preferred_oldsa=")
                   + (preferOld ? "1" : "0"))
        , m_preferOld(preferOld)
    {
    }

  private:
    void DoRun() override
    {
        IpsecHostToHostHelper topo;
        topo.Build();
        std::string a = topo.GetAddressA().ToString();
        std::string b = topo.GetAddressB().ToString();
        Ptr<IpsecStack> stack = topo.GetHostA()->GetObject<IpsecStack>();
        Ptr<IpsecKeyEngine> engine = stack->GetKeyEngine();
        engine->SetAttribute("PreferredOldSa", BooleanValue(m_preferOld));
        IpsecHelper ipsec;
        std::string key = " -E rijndael-cbc \"0123456789abcdef\"";
        // 0x100: soft 5 s, used -> EXPIRE; 0x300: soft 5 s, never used -> silent.
        ipsec.RunSetkeyString(topo.GetHostA(),
                              "add " + a + " " + b + " esp 0x100 -ls 5 -lh 100" + key + ";\n"
                                  + "add " + b + " " + a + " esp 0x300 -ls 5 -lh 100" + key + ";\n"
                                  + "spdadd " + a + " " + b
                                  + " udp -P out ipsec esp/transport//require;\n",
                              "A");
        // 0x200: a second, newer SA for the same head, added at 2 s.
        Simulator::Schedule(Seconds(2),
                            [&]()
                            {
                                ipsec.RunSetkeyString(topo.GetHostA(),
                                                      "add " + a + " " + b
                                                          + " esp 0x200 -ls 50 -lh 100" + key
                                                          + ";\n",
                                                      "A2");
                            });
        Ptr<IpsecPfKeySocket> racoon = engine->Open(500);
        racoon->Send(PfKeyMessage(PfKeyType::REGISTER, PfKeySaType::ESP));
        Drain(racoon);
        Timeline got;
        Record(racoon, {PfKeyType::EXPIRE, PfKeyType::DELETE}, &got);
        std::vector<uint32_t> spis;
        stack->TraceConnectWithoutContext("Output",
                                          Callback<void, Ptr<const Packet>, uint8_t, uint32_t>(
                                              [&spis](Ptr<const Packet>, uint8_t, uint32_t spi)
                                              {
                                                  spis.push_back(spi);
                                              }));
        Ptr<Socket> tx = Socket::CreateSocket(topo.GetHostA(), UdpSocketFactory::GetTypeId());
        tx->Connect(InetSocketAddress(topo.GetAddressB().ToIpv4(), 9));
        auto send = [tx]()
        {
            tx->Send(Create<Packet>(64));
        };
        Simulator::Schedule(Seconds(1), send);
        Simulator::Schedule(Seconds(3), send);
        std::string deadDump;
        std::string afterDump;
        uint32_t nBefore = 0;
        uint32_t nAfter = 0;
        Simulator::Schedule(Seconds(8),
                            [&]()
                            {
                                // Delete the SA in use; it stays dead while the request holds it.
                                ipsec.RunSetkeyString(topo.GetHostA(),
                                                      "delete " + a + " " + b + " esp "
                                                          + (m_preferOld ? "0x100" : "0x200")
                                                          + ";\n",
                                                      "A3");
                                SetkeyDumpOptions opts;
                                opts.showDead = true;
                                deadDump = SetkeyDump::SadToString(stack->GetSad(), opts);
                                nBefore = stack->GetSad()->GetN();
                            });
        Simulator::Schedule(Seconds(9), send);
        Simulator::Schedule(Seconds(9.5),
                            [&]()
                            {
                                SetkeyDumpOptions opts;
                                opts.showDead = true;
                                afterDump = SetkeyDump::SadToString(stack->GetSad(), opts);
                                nAfter = stack->GetSad()->GetN();
                            });
        Simulator::Stop(Seconds(10));
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(spis.size(), (m_preferOld ? 3u : 2u), "protected datagrams");
        if (m_preferOld)
        {
            NS_TEST_EXPECT_MSG_EQ(spis[1], 0x100u, "oldest SA preferred at 3 s");
            NS_TEST_EXPECT_MSG_EQ(spis[2], 0x200u, "after 0x100 is deleted: 0x200");
            // 0x100 was used: soft expiry at the first tick with age >= 6 s.
            // One EXPIRE (none for the unused SA), then setkey's delete at
            // 8 s, whose result goes to every socket.
            NS_TEST_ASSERT_MSG_EQ(got.size(), 2u, "EXPIRE, then the delete broadcast");
            NS_TEST_EXPECT_MSG_EQ(unsigned(got[1].second.type), 4u, "SADB_DELETE");
            NS_TEST_EXPECT_MSG_EQ(got[1].first, Seconds(8), "from setkey");
            NS_TEST_EXPECT_MSG_EQ(unsigned(got[0].second.type), 8u, "SADB_EXPIRE");
            NS_TEST_EXPECT_MSG_EQ(got[0].first, Seconds(6), "at 6 s");
            NS_TEST_EXPECT_MSG_EQ(got[0].second.sa->spi, 0x100u, "for 0x100");
            NS_TEST_EXPECT_MSG_EQ(got[0].second.soft->addtime, 5u, "the soft lifetime");
            NS_TEST_EXPECT_MSG_EQ(got[0].second.current->allocations, 2u, "used twice");
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(spis[1], 0x200u, "newest SA preferred at 3 s");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(got.size(), 1u, "a DELETE");
            NS_TEST_EXPECT_MSG_EQ(unsigned(got[0].second.type), 4u, "SADB_DELETE");
            NS_TEST_EXPECT_MSG_EQ(got[0].first, Seconds(3), "when 0x200 won");
            NS_TEST_EXPECT_MSG_EQ(got[0].second.sa->spi, 0x100u, "the older SA retired");
            // 0x200 is deleted at 8 s and 0x100 is dead: the 9 s datagram
            // finds no SA (a dead SA is never used).
            NS_TEST_EXPECT_MSG_EQ(stack->GetStats(false).out_nosa, 1u, "no SA left at 9 s");
        }
        NS_TEST_EXPECT_MSG_EQ(Contains(deadDump, "state=dead"), true, "dead, shown by -a");
        NS_TEST_EXPECT_MSG_EQ(
            !Contains(afterDump, "state=dead"), true, "released at the next packet of its policy");
        // Dead SAs still count in the SAD until their reference goes:
        // preferred_oldsa=1 keeps 0x200; =0 had 0x100 and 0x200 dead.
        NS_TEST_EXPECT_MSG_EQ(nBefore, 2u, "before the packet");
        NS_TEST_EXPECT_MSG_EQ(nAfter, (m_preferOld ? 1u : 0u), "dead ones released");
        Simulator::Destroy();
    }

    bool m_preferOld;
};

/**
 * Byte lifetimes: refused by default (NetBSD 2.0); with ByteLifetimes
 * (KAME 2001) the bytes an SA processed end its life like add-time
 * lifetimes do: soft -> dying and EXPIRE, hard -> dead.
 */
class PfKeyByteLifetimeTestCase : public TestCase
{
  public:
    PfKeyByteLifetimeTestCase()
        : TestCase("byte lifetimes: refused, or enforced with ByteLifetimes")
    {
    }

  private:
    void DoRun() override
    {
        IpsecHostToHostHelper topo;
        topo.Build();
        std::string a = topo.GetAddressA().ToString();
        std::string b = topo.GetAddressB().ToString();
        Ptr<IpsecStack> stack = topo.GetHostA()->GetObject<IpsecStack>();
        Ptr<IpsecKeyEngine> engine = stack->GetKeyEngine();
        Ptr<IpsecPfKeySocket> racoon = engine->Open(500);
        PfKeyMessage add = EspSa(PfKeyType::ADD, a, b, 0x700);
        add.soft = PfKeyLifetime{};
        add.soft->bytes = 1000;
        add.hard = PfKeyLifetime{};
        add.hard->bytes = 2000;
        NS_TEST_EXPECT_MSG_EQ(racoon->Send(add), EINVAL, "refused by default");
        NS_TEST_EXPECT_MSG_EQ(
            engine->GetLastReason(), "we no longer support byte lifetime", "KAME's reason");
        engine->SetAttribute("ByteLifetimes", BooleanValue(true));
        NS_TEST_ASSERT_MSG_EQ(racoon->Send(add), 0, "accepted with ByteLifetimes");
        racoon->Send(PfKeyMessage(PfKeyType::REGISTER, PfKeySaType::ESP));
        Drain(racoon);
        IpsecHelper().RunSetkeyString(topo.GetHostA(),
                                      "spdadd " + a + " " + b
                                          + " udp -P out ipsec esp/transport//require;\n",
                                      "A");
        Timeline expires;
        Record(racoon, {PfKeyType::EXPIRE}, &expires);
        Ptr<Socket> tx = Socket::CreateSocket(topo.GetHostA(), UdpSocketFactory::GetTypeId());
        tx->Connect(InetSocketAddress(topo.GetAddressB().ToIpv4(), 9));
        for (int i = 0; i < 40; ++i)
        {
            Simulator::Schedule(Seconds(0.5 + 0.5 * i),
                                [tx]()
                                {
                                    tx->Send(Create<Packet>(92));
                                });
        }
        Simulator::Stop(Seconds(21));
        Simulator::Run();
        const IpsecStats& st = stack->GetStats(false);
        NS_TEST_ASSERT_MSG_EQ(expires.size(), 1u, "one EXPIRE");
        NS_TEST_EXPECT_MSG_GT(expires[0].second.current->bytes, 1000u, "past the soft bytes");
        NS_TEST_EXPECT_MSG_EQ(expires[0].second.soft->bytes, 1000u, "soft byte lifetime");
        NS_TEST_EXPECT_MSG_GT(st.out_success, 0u, "some datagrams protected");
        NS_TEST_EXPECT_MSG_GT(st.out_nosa, 0u, "then the SA died of its hard byte lifetime");
        NS_TEST_EXPECT_MSG_EQ(st.out_success + st.out_nosa, 40u, "every datagram accounted for");
        Simulator::Destroy();
    }
};

/// SPD messages and promiscuous sockets.
class PfKeySpdMessagesTestCase : public TestCase
{
  public:
    PfKeySpdMessagesTestCase()
        : TestCase("SPD messages (add, get, dump, delete2, flush) and X_PROMISC")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecKeyEngine> engine = NewEngine();
        Ptr<IpsecPfKeySocket> setkey = engine->Open(100);
        Ptr<IpsecPfKeySocket> watcher = engine->Open(0);
        PfKeyMessage promisc(PfKeyType::X_PROMISC, 1);
        NS_TEST_ASSERT_MSG_EQ(watcher->Send(promisc), 0, "promiscuous on");
        NS_TEST_EXPECT_MSG_EQ(watcher->IsPromiscuous(), true, "on");

        IpsecRequest req;
        req.proto = IpsecProto::ESP;
        req.level = IpsecLevel::REQUIRE;
        PfKeyMessage add(PfKeyType::X_SPDADD, PfKeySaType::UNSPEC);
        add.src = Addr("10.0.0.0");
        add.src->prefixlen = 24;
        add.dst = Addr("10.0.1.0");
        add.dst->prefixlen = 24;
        add.src->proto = add.dst->proto = 17;
        add.policy = PfKeyPolicy{2, 2, 0, {req}};
        NS_TEST_ASSERT_MSG_EQ(setkey->Send(add), 0, "spdadd");
        NS_TEST_EXPECT_MSG_EQ(setkey->Send(add), EEXIST, "duplicate");
        std::vector<PfKeyMessage> r = Drain(setkey);
        NS_TEST_ASSERT_MSG_EQ(r.size(), 2u, "result and error");
        uint32_t id = r[0].policy->id;
        NS_TEST_EXPECT_MSG_EQ(id, 16388u, "the first spid");

        // The watcher saw the broadcast result once directly (ALL) and once
        // wrapped, plus the wrapped error meant for setkey.
        std::vector<std::vector<uint8_t>> raw;
        std::vector<uint8_t> bytes;
        while (watcher->Recv(&bytes))
        {
            raw.push_back(bytes);
        }
        NS_TEST_ASSERT_MSG_EQ(raw.size(), 3u, "copy + own + copy of the error");
        NS_TEST_EXPECT_MSG_EQ(unsigned(raw[0][1]), 11u, "wrapped in SADB_X_PROMISC");
        NS_TEST_EXPECT_MSG_EQ(unsigned(raw[0][16 + 1]), 14u, "around an X_SPDADD");
        NS_TEST_EXPECT_MSG_EQ(unsigned(raw[1][1]), 14u, "the broadcast itself");
        NS_TEST_EXPECT_MSG_EQ(unsigned(raw[2][16 + 2]), unsigned(EEXIST), "the error's copy");

        PfKeyMessage get(PfKeyType::X_SPDGET, PfKeySaType::UNSPEC);
        get.policy = PfKeyPolicy{0, 0, id, {}};
        NS_TEST_EXPECT_MSG_EQ(setkey->Send(get), 0, "spdget");
        r = Drain(setkey);
        NS_TEST_ASSERT_MSG_EQ(r.size(), 1u, "spdget reply");
        NS_TEST_EXPECT_MSG_EQ(unsigned(r[0].src->prefixlen), 24u, "selector");
        NS_TEST_EXPECT_MSG_EQ(r[0].policy->requests.size(), 1u, "requests");

        add.src = Addr("10.0.2.0");
        add.src->proto = add.dst->proto = 17;
        add.policy->dir = 1;
        NS_TEST_EXPECT_MSG_EQ(setkey->Send(add), 0, "an inbound one");
        Drain(setkey);
        NS_TEST_EXPECT_MSG_EQ(setkey->Send(PfKeyMessage(PfKeyType::X_SPDDUMP, 0)), 0, "dump");
        r = Drain(setkey);
        NS_TEST_ASSERT_MSG_EQ(r.size(), 2u, "two policies");
        NS_TEST_EXPECT_MSG_EQ(unsigned(r[0].policy->dir), 1u, "inbound list first");
        NS_TEST_EXPECT_MSG_EQ(r[1].seq, 0u, "seq down to 0");

        PfKeyMessage del2(PfKeyType::X_SPDDELETE2, PfKeySaType::UNSPEC);
        del2.policy = PfKeyPolicy{0, 0, id, {}};
        NS_TEST_EXPECT_MSG_EQ(setkey->Send(del2), 0, "delete by id");
        NS_TEST_EXPECT_MSG_EQ(setkey->Send(del2), EINVAL, "unknown id: EINVAL");
        NS_TEST_EXPECT_MSG_EQ(setkey->Send(get), ENOENT, "spdget of a deleted id: ENOENT");
        NS_TEST_EXPECT_MSG_EQ(setkey->Send(PfKeyMessage(PfKeyType::X_SPDFLUSH, 0)), 0, "flush");
        NS_TEST_EXPECT_MSG_EQ(engine->GetSpd()->GetN(), 0u, "empty");

        promisc.satype = 0;
        NS_TEST_EXPECT_MSG_EQ(watcher->Send(promisc), 0, "promiscuous off");
        Drain(watcher);
        setkey->Send(PfKeyMessage(PfKeyType::X_SPDFLUSH, 0));
        NS_TEST_EXPECT_MSG_EQ(watcher->GetRxAvailable(), 1u, "only the broadcast now");
        Simulator::Destroy();
    }
};

class IpsecKeyEngineTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecKeyEngineTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-keyengine", UNIT)
    {
        AddTestCase(new PfKeyWireLayoutTestCase, TestCase::QUICK);
        AddTestCase(new PfKeyMalformedTestCase, TestCase::QUICK);
        AddTestCase(new PfKeySaMessagesTestCase, TestCase::QUICK);
        AddTestCase(new PfKeyGetSpiUpdateTestCase, TestCase::QUICK);
        AddTestCase(new PfKeyAcquireTestCase(true), TestCase::QUICK);
        AddTestCase(new PfKeyAcquireTestCase(false), TestCase::QUICK);
        AddTestCase(new PfKeyAcquireKnobsTestCase, TestCase::QUICK);
        AddTestCase(new PfKeyNoSaIcmp6TestCase(true, false), TestCase::QUICK);
        AddTestCase(new PfKeyNoSaIcmp6TestCase(true, true), TestCase::QUICK);
        AddTestCase(new PfKeyNoSaIcmp6TestCase(false, false), TestCase::QUICK);
        AddTestCase(new PfKeyLifeCycleTestCase(true), TestCase::QUICK);
        AddTestCase(new PfKeyLifeCycleTestCase(false), TestCase::QUICK);
        AddTestCase(new PfKeyByteLifetimeTestCase, TestCase::QUICK);
        AddTestCase(new PfKeySpdMessagesTestCase, TestCase::QUICK);
    }
};

static IpsecKeyEngineTestSuite g_ipsecKeyEngineTestSuite;
