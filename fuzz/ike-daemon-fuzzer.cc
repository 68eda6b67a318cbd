/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * libFuzzer target: the simulated racoon (model/ike-daemon.*, ike-phase1.cc,
 * ike-phase2.cc) fed arbitrary ISAKMP datagrams, with the whole stack under
 * it.  Each input builds the NetBSD FAQ's IKE example (IpsecIkeFaqHelper: A
 * -- router -- B, racoon's sample racoon.conf, the FAQ's keys, pings from A
 * to B), lets it negotiate, and has the router send the input's datagrams
 * to A's or B's UDP port 500 (or 4500) straight onto the link, then runs the
 * simulation until every retransmission and timer the datagrams may have
 * started is over (a bounded simulated time).
 *
 * The input:
 *   byte 0         variant: bit 0 IPv6, bit 1 aggressive mode,
 *                  bit 2 NAT-T (racoon.conf's nat_traversal force on both
 *                  sides: vendor IDs, NAT-D, the float to UDP 4500 after
 *                  main mode 4 / aggressive mode 2, NAT-OA in quick mode,
 *                  keepalives), bit 3 the records go to port 4500 (from
 *                  4500): modes 1-3 behind the non-ESP marker, mode 0 as
 *                  it is (a marker, a keepalive, ESP in UDP or garbage)
 *   then records   [op] [length, 2 bytes big-endian] [length bytes]
 *                  (at most 16; a short last record takes what is left)
 *   op bits 0-3    when: 0-7 as soon as the router sees the exchange's
 *                  datagram number 0-7 go by (main mode 1 ... 6, then
 *                  the two INITIAL-CONTACT informational exchanges),
 *                  8-15 at 2 s + 3 s x (n - 8) (after the negotiation)
 *   op bit 4       to A (else to B)
 *   op bit 5       from a third party's address (else from the peer's)
 *   op bits 6-7    0: the bytes as they are
 *                  1: the bytes with the ISAKMP SA's cookies (or the last
 *                     seen ones) in place and the length field fixed
 *                  2: [exchange] [message id, 4] [first payload] [chain]:
 *                     encrypted under the target's ISAKMP SA (the Phase1Keys
 *                     trace), the IV of RFC 2409 appendix B
 *                  3: the same with HASH(1) computed and put first (an
 *                     authenticated quick mode 1 or informational exchange)
 * Modes 2 and 3 before phase 1 is established send nothing.
 *
 * Checks, besides the sanitizers: per daemon, dropped is the sum of the
 * typed drops and the Drop trace fired once per drop; no more drops and
 * duplicates than datagrams received.
 *
 * Seeds: IKE_DAEMON_FUZZER_SEEDS=DIR ./ike-daemon-fuzzer writes the seed
 * corpus (fuzz/ike-daemon-seeds/) from a run: each real message replayed
 * after the negotiation, echoed from a third party as it goes by, and sent
 * ahead of the real one (as soon as the message before it went by: mutated,
 * it reaches the handler of each state), the decrypted quick mode 1 and an
 * informational exchange re-encrypted, cookies put back into an old
 * message, garbage of a few sizes.
 */
#include "ipsec-ike-faq-helper.h"
#include "ns3/core-module.h"
#include "ns3/error-model.h"
#include "ns3/ike-crypto.h"
#include "ns3/ike-daemon.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace
{

using namespace ns3;
using Bytes = std::vector<uint8_t>;

constexpr size_t MAX_RECORDS = 16;
constexpr uint8_t ET_QUICK = 32;
constexpr uint8_t ET_INFO = 5;

[[noreturn]] void
Die(const std::string& what)
{
    std::fprintf(stderr, "ike-daemon-fuzzer: %s\n", what.c_str());
    std::abort();
}

struct Record
{
    uint8_t op{0};
    Bytes data;
};

/// Records an ISAKMP datagram a router's device receives (UDP 500 -> 500,
/// or 4500 -> 4500 behind the non-ESP marker).
class TapErrorModel : public ErrorModel
{
  public:
    std::function<void(const Bytes&, uint16_t port)> onIsakmp;

  private:
    bool DoCorrupt(Ptr<Packet> p) override
    {
        Bytes f(p->GetSize());
        p->CopyData(f.data(), f.size());
        if (f.size() < 2)
        {
            return false;
        }
        uint16_t proto = (f[0] << 8) | f[1];
        size_t udp = 0;
        if (proto == 0x0021 && f.size() >= 22 && f[11] == 17 && (f[8] & 0x3f) == 0 && f[9] == 0
            && !(f[8] & 0x20))
        {
            udp = 2 + 4 * (f[2] & 0x0f);
        }
        else if (proto == 0x0057 && f.size() >= 42 && f[8] == 17)
        {
            udp = 42;
        }
        if (udp == 0 || f.size() < udp + 8)
        {
            return false;
        }
        uint16_t sport = (f[udp] << 8) | f[udp + 1];
        uint16_t dport = (f[udp + 2] << 8) | f[udp + 3];
        uint16_t len = (f[udp + 4] << 8) | f[udp + 5];
        if (sport != dport || (sport != 500 && sport != 4500) || len < 8 || udp + len > f.size())
        {
            return false;
        }
        size_t isakmp = udp + 8;
        if (sport == 4500)
        {
            // RFC 3948 section 2.2: IKE behind four zero bytes; ESP and keepalives ignored
            if (len < 12 || f[isakmp] != 0 || f[isakmp + 1] != 0 || f[isakmp + 2] != 0
                || f[isakmp + 3] != 0)
            {
                return false;
            }
            isakmp += 4;
        }
        if (onIsakmp)
        {
            onIsakmp(Bytes(f.begin() + isakmp, f.begin() + udp + len), sport);
        }
        return false;
    }

    void DoReset() override {}
};

/// One run of the FAQ's example with the records injected.
class Run
{
  public:
    Run(uint8_t variant, std::vector<Record> records)
        : m_v6(variant & 1)
        , m_natt(variant & 4)
        , m_port(variant & 8 ? 4500 : 500)
        , m_records(std::move(records))
        , m_faq(IPSEC_FUZZ_EXAMPLES "/ike")
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(1);
        m_faq.SetIpv6(m_v6);
        m_faq.SetExchangeMode(variant & 2 ? "aggressive" : "");
        m_faq.SetPings(2);
        std::string psk = m_v6 ? "fd00:10:1::1 spamspamspam\nfd00:20:1::1 spamspamspam\n"
                               : "10.1.1.1 spamspamspam\n20.1.1.1 spamspamspam\n";
        m_faq.SetPsk('A', RacoonPskFile(psk, "psk.txt", 0600));
        m_faq.SetPsk('B', RacoonPskFile(psk, "psk.txt", 0600));
        if (m_natt)
        {
            m_faq.SetNatTraversal(RacoonNatTraversal::FORCE);
        }
        m_faq.Build();
        m_peer[0] = m_faq.GetHostA();
        m_peer[1] = m_faq.GetHostB();
        Ptr<Node> router = m_faq.GetNodes().Get(1);
        for (uint32_t i = 0; i < router->GetNDevices(); ++i)
        {
            Ptr<PointToPointNetDevice> d = DynamicCast<PointToPointNetDevice>(router->GetDevice(i));
            if (!d)
            {
                continue;
            }
            Ptr<Channel> ch = d->GetChannel();
            for (std::size_t j = 0; j < ch->GetNDevices(); ++j)
            {
                for (int k = 0; k < 2; ++k)
                {
                    if (ch->GetDevice(j)->GetNode() == m_peer[k])
                    {
                        m_dev[k] = d;
                    }
                }
            }
            Ptr<TapErrorModel> tap = CreateObject<TapErrorModel>();
            bool fromA = m_dev[0] == d; // what this device receives comes from A
            tap->onIsakmp = [this, fromA](const Bytes& b, uint16_t port)
            {
                Seen(b, port, fromA);
            };
            d->SetReceiveErrorModel(tap);
        }
        for (int k = 0; k < 2; ++k)
        {
            Ptr<IkeDaemon> d = m_faq.GetDaemon(k == 0 ? 'A' : 'B');
            d->TraceConnectWithoutContext(
                "Drop",
                Callback<void, IkeDrop, const IpsecAddress&, const Bytes&>(
                    [this, k](IkeDrop r, const IpsecAddress&, const Bytes&)
                    {
                        if (r >= IkeDrop::COUNT)
                        {
                            Die("a drop reason out of range");
                        }
                        m_dropTraces[k]++;
                    }));
            d->TraceConnectWithoutContext("Phase1Keys",
                                          Callback<void, const IkeDaemon::Phase1Keys&>(
                                              [this, k](const IkeDaemon::Phase1Keys& keys)
                                              {
                                                  m_keys[k] = keys;
                                                  m_haveKeys[k] = true;
                                              }));
            m_daemon[k] = d;
        }
        Time last = Seconds(2);
        for (size_t i = 0; i < m_records.size(); ++i)
        {
            uint8_t when = m_records[i].op & 0x0f;
            if (when >= 8)
            {
                Time t = Seconds(2 + 3 * (when - 8));
                last = std::max(last, t);
                Simulator::Schedule(t, &Run::Inject, this, i);
            }
        }
        // Long enough for racoon's five transmissions 10 s apart, and for a
        // quick mode's phase2 wait, after the last datagram.
        m_end = std::max(last, Seconds(12)) + Seconds(55);
    }

    void Go()
    {
        Simulator::Stop(m_end);
        Simulator::Run();
        for (int k = 0; k < 2; ++k)
        {
            const IkeDaemonStats& s = m_daemon[k]->GetStats();
            uint64_t sum = 0;
            for (uint64_t n : s.drops)
            {
                sum += n;
            }
            if (sum != s.dropped)
            {
                Die("dropped is not the sum of the typed drops");
            }
            if (m_dropTraces[k] != s.dropped)
            {
                Die("the Drop trace did not fire once per drop");
            }
            if (s.dropped + s.duplicates > s.messagesReceived)
            {
                Die("more drops and duplicates than datagrams received");
            }
        }
    }

  private:
    void Seen(const Bytes& b, uint16_t port, bool fromA)
    {
        m_seenBytes.push_back(b);
        m_seenPorts.push_back(port);
        m_seenFromA.push_back(fromA);
        if (b.size() >= 16)
        {
            m_lastCookies.assign(b.begin(), b.begin() + 16);
        }
        uint32_t n = m_seen++;
        for (size_t i = 0; i < m_records.size(); ++i)
        {
            if ((m_records[i].op & 0x0f) == n)
            {
                Simulator::ScheduleNow(&Run::Inject, this, i);
            }
        }
    }

    IpsecAddress Address(int k, bool thirdParty) const
    {
        const char* v4[] = {"10.1.1.1", "20.1.1.1", "10.1.1.77"};
        const char* v6[] = {"fd00:10:1::1", "fd00:20:1::1", "fd00:10:1::77"};
        int i = thirdParty ? 2 : k;
        return *IpsecAddress::Parse(m_v6 ? v6[i] : v4[i]);
    }

    void Inject(size_t i)
    {
        const Record& r = m_records[i];
        int to = (r.op & 0x10) ? 0 : 1;
        bool third = r.op & 0x20;
        Bytes bytes;
        if (!Build(r, to, &bytes))
        {
            return;
        }
        IpsecAddress src = Address(1 - to, third);
        IpsecAddress dst = Address(to, false);
        if (m_port == 4500 && (r.op >> 6) != 0)
        {
            bytes.insert(bytes.begin(), 4, 0); // the non-ESP marker
        }
        Ptr<Packet> p = Create<Packet>(bytes.data(), bytes.size());
        UdpHeader udp;
        udp.SetSourcePort(m_port);
        udp.SetDestinationPort(m_port);
        uint16_t protocol;
        if (m_v6)
        {
            udp.InitializeChecksum(src.ToIpv6(), dst.ToIpv6(), 17);
            udp.EnableChecksums();
            p->AddHeader(udp);
            Ipv6Header ip;
            ip.SetSource(src.ToIpv6());
            ip.SetDestination(dst.ToIpv6());
            ip.SetNextHeader(17);
            ip.SetHopLimit(64);
            ip.SetPayloadLength(static_cast<uint16_t>(p->GetSize()));
            p->AddHeader(ip);
            protocol = Ipv6L3Protocol::PROT_NUMBER;
        }
        else
        {
            udp.InitializeChecksum(src.ToIpv4(), dst.ToIpv4(), 17);
            udp.EnableChecksums();
            p->AddHeader(udp);
            Ipv4Header ip;
            ip.SetSource(src.ToIpv4());
            ip.SetDestination(dst.ToIpv4());
            ip.SetProtocol(17);
            ip.SetTtl(64);
            ip.SetIdentification(static_cast<uint16_t>(40000 + i));
            ip.SetPayloadSize(p->GetSize());
            ip.EnableChecksum();
            p->AddHeader(ip);
            protocol = Ipv4L3Protocol::PROT_NUMBER;
        }
        m_dev[to]->Send(p, m_dev[to]->GetBroadcast(), protocol);
    }

    /// The datagram record @p r makes for daemon @p to; false: none.
    bool Build(const Record& r, int to, Bytes* out) const
    {
        uint8_t mode = r.op >> 6;
        const Bytes& d = r.data;
        if (mode == 0)
        {
            *out = d;
            return true;
        }
        if (mode == 1)
        {
            *out = d;
            Bytes cookies = m_lastCookies;
            if (m_haveKeys[to])
            {
                cookies = m_keys[to].icookie;
                cookies.insert(cookies.end(), m_keys[to].rcookie.begin(), m_keys[to].rcookie.end());
            }
            for (size_t i = 0; i < cookies.size() && i < out->size(); ++i)
            {
                (*out)[i] = cookies[i];
            }
            if (out->size() >= 28)
            {
                uint32_t n = static_cast<uint32_t>(out->size());
                (*out)[24] = static_cast<uint8_t>(n >> 24);
                (*out)[25] = static_cast<uint8_t>(n >> 16);
                (*out)[26] = static_cast<uint8_t>(n >> 8);
                (*out)[27] = static_cast<uint8_t>(n);
            }
            return true;
        }
        if (!m_haveKeys[to] || d.size() < 6)
        {
            return false;
        }
        const IkeDaemon::Phase1Keys& k = m_keys[to];
        const IkeHashAlg* hash = IkeHashAlg::ByName(k.hash);
        const IkeCipherAlg* cipher = IkeCipherAlg::ByName(k.cipher);
        if (!hash || !cipher)
        {
            Die("the Phase1Keys trace names an unknown algorithm");
        }
        uint8_t exchange = d[0];
        uint32_t msgid = (uint32_t(d[1]) << 24) | (d[2] << 16) | (d[3] << 8) | d[4];
        uint8_t first = d[5];
        Bytes chain(d.begin() + 6, d.end());
        if (mode == 3)
        {
            // HASH(1) / the informational HASH: prf(SKEYID_a, M-ID | the chain).
            Bytes h = IkePrf(*hash, k.skeyidA, IkeConcat({{d[1], d[2], d[3], d[4]}, chain}));
            Bytes withHash{first,
                           0,
                           static_cast<uint8_t>((4 + h.size()) >> 8),
                           static_cast<uint8_t>(4 + h.size())};
            withHash.insert(withHash.end(), h.begin(), h.end());
            withHash.insert(withHash.end(), chain.begin(), chain.end());
            chain = withHash;
            first = 8;
        }
        uint32_t bs = cipher->blockSize;
        size_t pad = bs - chain.size() % bs;
        chain.insert(chain.end(), pad, 0);
        chain.back() = static_cast<uint8_t>(pad - 1);
        Bytes iv = (exchange == ET_QUICK || exchange == ET_INFO || msgid != 0)
                     ? IkePhase2Iv(*hash, *cipher, k.iv, msgid)
                     : k.iv;
        Bytes enc;
        if (!IkeCbcEncrypt(*cipher, k.encKey, iv, chain, &enc))
        {
            Die("encryption failed");
        }
        Bytes h = k.icookie;
        h.insert(h.end(), k.rcookie.begin(), k.rcookie.end());
        uint32_t n = static_cast<uint32_t>(28 + enc.size());
        Bytes rest{first,
                   0x10,
                   exchange,
                   0x01,
                   d[1],
                   d[2],
                   d[3],
                   d[4],
                   static_cast<uint8_t>(n >> 24),
                   static_cast<uint8_t>(n >> 16),
                   static_cast<uint8_t>(n >> 8),
                   static_cast<uint8_t>(n)};
        h.insert(h.end(), rest.begin(), rest.end());
        h.insert(h.end(), enc.begin(), enc.end());
        *out = h;
        return true;
    }

    bool m_v6;
    bool m_natt;
    uint16_t m_port;
    std::vector<Record> m_records;
    IpsecIkeFaqHelper m_faq;
    Ptr<Node> m_peer[2];
    Ptr<PointToPointNetDevice> m_dev[2];
    Ptr<IkeDaemon> m_daemon[2];
    IkeDaemon::Phase1Keys m_keys[2];
    bool m_haveKeys[2]{false, false};
    uint64_t m_dropTraces[2]{0, 0};
    uint32_t m_seen{0};
    Bytes m_lastCookies;
    Time m_end;
    std::vector<Bytes> m_seenBytes;
    std::vector<uint16_t> m_seenPorts;
    std::vector<bool> m_seenFromA;

  public:
    /// What the router saw.
    const std::vector<Bytes>& GetSeen() const
    {
        return m_seenBytes;
    }

    /// The port (500 or 4500) each datagram the router saw went to.
    const std::vector<uint16_t>& GetSeenPorts() const
    {
        return m_seenPorts;
    }

    /// Whether each datagram the router saw came from A.
    const std::vector<bool>& GetSeenFromA() const
    {
        return m_seenFromA;
    }

    /// B's ISAKMP SA keys (empty before phase 1).
    const IkeDaemon::Phase1Keys& GetKeysB() const
    {
        return m_keys[1];
    }
};

std::vector<Record>
Split(const uint8_t* p, size_t n)
{
    std::vector<Record> out;
    size_t off = 0;
    while (off < n && out.size() < MAX_RECORDS)
    {
        Record r;
        r.op = p[off++];
        size_t len = 0;
        if (off + 2 <= n)
        {
            len = (size_t(p[off]) << 8) | p[off + 1];
            off += 2;
        }
        len = std::min(len, n - off);
        r.data.assign(p + off, p + off + len);
        off += len;
        out.push_back(std::move(r));
    }
    return out;
}

// ---- the seed writer -----------------------------------------------------------

void
Put(std::vector<uint8_t>& b, uint8_t op, const Bytes& data)
{
    b.push_back(op);
    b.push_back(static_cast<uint8_t>(data.size() >> 8));
    b.push_back(static_cast<uint8_t>(data.size()));
    b.insert(b.end(), data.begin(), data.end());
}

void
WriteSeed(const std::string& dir, const std::string& name, const Bytes& b)
{
    std::ofstream f(dir + "/" + name, std::ios::binary);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    if (!f)
    {
        Die("cannot write " + dir + "/" + name);
    }
}

/// The datagrams the router sees in a run without records, and B's keys.
struct Recording
{
    std::vector<Bytes> seen;
    std::vector<uint16_t> ports;
    std::vector<bool> fromA;
    IkeDaemon::Phase1Keys keys;
};

Recording
Recorded(uint8_t variant)
{
    Recording rec;
    {
        Run run(variant, {});
        run.Go();
        rec.seen = run.GetSeen();
        rec.ports = run.GetSeenPorts();
        rec.fromA = run.GetSeenFromA();
        rec.keys = run.GetKeysB();
    }
    Simulator::Destroy();
    return rec;
}

void
WriteSeeds(const std::string& dir)
{
    for (uint8_t variant : {0, 1, 2, 4, 6})
    {
        Recording rec = Recorded(variant);
        std::string v = variant == 0 ? "v4-main"
                      : variant == 1 ? "v6-main"
                      : variant == 2 ? "v4-aggressive"
                      : variant == 4 ? "v4-main-natt"
                                     : "v4-aggressive-natt";
        // Phase 1, both INITIAL-CONTACTs and quick mode: replayed after
        // the negotiation; the first eight (ops 0-7 name them) also echoed
        // and raced.
        for (size_t n = 0; n < rec.seen.size() && n < 11; ++n)
        {
            // Messages that went to port 4500 go there again, behind the
            // marker (mode 1: the cookies are the exchange's own anyway).
            bool floated = rec.ports[n] == 4500;
            uint8_t var = floated ? variant | 8 : variant;
            uint8_t mode = floated ? 0x40 : 0;
            // Replay message n to its receiver after the negotiation.
            bool toA = !rec.fromA[n];
            Bytes b{var};
            Put(b, static_cast<uint8_t>(mode | 8 | (toA ? 0x10 : 0)), rec.seen[n]);
            WriteSeed(dir, v + "-replay-" + std::to_string(n), b);
            if (n >= 8)
            {
                continue;
            }
            // The same, as soon as it went by, from a third party.
            Bytes c{var};
            Put(c, static_cast<uint8_t>(mode | n | (toA ? 0x10 : 0) | 0x20), rec.seen[n]);
            WriteSeed(dir, v + "-echo-" + std::to_string(n), c);
            // The same ahead of the real one: as soon as the message before it went by.
            if (n > 0)
            {
                Bytes a{var};
                Put(a, static_cast<uint8_t>(mode | (n - 1) | (toA ? 0x10 : 0)), rec.seen[n]);
                WriteSeed(dir, v + "-race-" + std::to_string(n), a);
            }
        }
        if (variant == 4)
        {
            // Port 4500 as it is: a keepalive (RFC 3948 section 2.3), a bare
            // marker, a marker before a cut ISAKMP header, ESP in UDP for no
            // SA, a keepalive of two bytes; during and after the negotiation.
            Bytes k{static_cast<uint8_t>(variant | 8)};
            Put(k, 0x10 | 5, Bytes{0xff});
            Put(k, 5, Bytes(4, 0));
            Bytes cut(4, 0);
            cut.insert(cut.end(), rec.seen[0].begin(), rec.seen[0].begin() + 20);
            Put(k, 8, cut);
            Put(k, 0x10 | 9, Bytes{0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd});
            Put(k, 10, Bytes{0xff, 0xff});
            WriteSeed(dir, v + "-port-4500", k);
        }
        if (variant != 0)
        {
            continue;
        }
        // Quick mode 1 decrypted, re-encrypted and re-hashed by the harness.
        size_t q1 = 0;
        while (q1 < rec.seen.size() && (rec.seen[q1].size() < 28 || rec.seen[q1][18] != ET_QUICK))
        {
            ++q1;
        }
        if (q1 == rec.seen.size())
        {
            Die("no quick mode in the recorded run");
        }
        const Bytes& qm1 = rec.seen[q1];
        const IkeHashAlg* hash = IkeHashAlg::ByName(rec.keys.hash);
        const IkeCipherAlg* cipher = IkeCipherAlg::ByName(rec.keys.cipher);
        uint32_t msgid = (uint32_t(qm1[20]) << 24) | (qm1[21] << 16) | (qm1[22] << 8) | qm1[23];
        Bytes plain;
        IkeCbcDecrypt(*cipher,
                      rec.keys.encKey,
                      IkePhase2Iv(*hash, *cipher, rec.keys.iv, msgid),
                      Bytes(qm1.begin() + 28, qm1.end()),
                      &plain);
        // The HASH payload first: what follows it is the chain.
        size_t hashLen = (plain[2] << 8) | plain[3];
        uint8_t next = plain[0];
        Bytes chain(plain.begin() + hashLen, plain.end());
        chain.resize(chain.size() - (chain.back() + 1)); // racoon's padding
        Bytes body{ET_QUICK, 0x12, 0x34, 0x56, 0x78, next};
        body.insert(body.end(), chain.begin(), chain.end());
        Bytes q{variant};
        Put(q, 0xc0 | 8, body);
        WriteSeed(dir, "v4-main-quick-1-authenticated", q);
        Bytes u{variant};
        Put(u, 0x80 | 8, body);
        WriteSeed(dir, "v4-main-quick-1-wrong-hash", u);
        // An authenticated informational exchange (RFC 2408 3.14, 3.15):
        // INITIAL-CONTACT about the ISAKMP SA, then a Delete of an ESP SPI.
        Bytes n{ET_INFO, 0x0a, 0x0b, 0x0c, 0x0d, 11};
        Bytes notify{12, 0, 0, 28, 0, 0, 0, 1, 1, 16, 0x60, 0x02};
        notify.insert(notify.end(), rec.keys.icookie.begin(), rec.keys.icookie.end());
        notify.insert(notify.end(), rec.keys.rcookie.begin(), rec.keys.rcookie.end());
        Bytes del{0, 0, 0, 16, 0, 0, 0, 1, 3, 4, 0, 1, 0, 0, 0x12, 0x34};
        n.insert(n.end(), notify.begin(), notify.end());
        n.insert(n.end(), del.begin(), del.end());
        Bytes info{variant};
        Put(info, 0xc0 | 9, n);
        WriteSeed(dir, "v4-main-info-authenticated", info);
        // Main mode 3 with the SA's cookies put back, to B, after the negotiation.
        Bytes c{variant};
        Put(c, 0x40 | 9, rec.seen[2]);
        WriteSeed(dir, "v4-main-cookies-3", c);
        // Garbage of a few sizes, and a bare header.
        Bytes g{variant};
        Put(g, 8, Bytes(27, 0x41));
        Put(g, 9, Bytes(1, 0xff));
        Put(g, 10, Bytes(300, 0));
        Bytes hdr(rec.seen[0].begin(), rec.seen[0].begin() + 28);
        hdr[27] = 28;
        Put(g, 0x40 | 11, hdr);
        WriteSeed(dir, "v4-main-garbage", g);
    }
}

} // namespace

extern "C" int
LLVMFuzzerInitialize(int*, char***)
{
    if (const char* dir = std::getenv("IKE_DAEMON_FUZZER_SEEDS"))
    {
        WriteSeeds(dir);
        std::exit(0);
    }
    return 0;
}

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
    {
        return 0;
    }
    {
        Run run(data[0], Split(data + 1, size - 1));
        run.Go();
    }
    ns3::Simulator::Destroy();
    return 0;
}
