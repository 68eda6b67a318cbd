/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A key management daemon talking PF_KEY to the kernel, in simulated time.
 *
 *   host A 10.1.1.1 ---- router ---- host B 20.1.1.1
 *
 * Both hosts require ESP transport between them (the FAQ's host-to-host
 * policies) but have no SA.  Each runs a toy daemon that does what racoon
 * does with the kernel -- and only that; the exchange between the two
 * daemons is not simulated on the wire, it just takes --delay seconds:
 *
 *   1. REGISTER for ESP on the node's PF_KEY socket;
 *   2. A's first ping needs an SA: A's kernel sends SADB_ACQUIRE (then holds
 *      further ACQUIREs back: blockacq_count / blockacq_lifetime);
 *   3. each daemon reserves an inbound SPI with SADB_GETSPI (a larval SA);
 *   4. --delay seconds later the keys are "agreed": each daemon fills its
 *      larval SA with SADB_UPDATE and installs the outbound SA with SADB_ADD.
 *
 * Pings sent before that are dropped (out_nosa: no SA under require, never
 * queued).  With --delay above net.key.larval_lifetime (30 s) the larval
 * SAs are gone when the keys arrive, UPDATE fails with ENOENT, and the
 * hosts never talk: the FAQ's warning about slow machines and IKE.  Raise
 * the lifetime with --larvalLifetime and the same delay works.
 *
 * Every message the daemons read is printed (--verbose), then the pings
 * answered and netstat -s's pfkey: section of host A; --json=FILE writes
 * the summary and every node's counters.
 */
#include "common/ipsec-example-output.h"
#include "common/ipsec-example-report.h"
#include "ns3/core-module.h"
#include "ns3/ipsec-module.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("IpsecPfKeyDaemon");

namespace
{

/// One host's daemon: its PF_KEY socket and what it has done.
struct Daemon
{
    std::string name;
    Ptr<Node> node;
    IpsecAddress self;
    IpsecAddress peer;
    Ptr<IpsecPfKeySocket> so;
    uint32_t inboundSpi{0}; ///< the larval SA reserved with GETSPI (peer -> self)
    uint32_t acquires{0};
    uint32_t updateErrors{0};
    bool negotiating{false};
};

/// The toy exchange between two daemons.
class ToyExchange
{
  public:
    ToyExchange(Daemon* a, Daemon* b, Time delay, bool verbose)
        : m_a(a)
        , m_b(b)
        , m_delay(delay)
        , m_verbose(verbose)
        , m_keys(CreateObject<UniformRandomVariable>())
    {
        m_keys->SetStream(4242); // deterministic keys
        for (Daemon* d : {a, b})
        {
            d->so = d->node->GetObject<IpsecStack>()->GetKeyEngine()->Open(500);
            d->so->SetRecvCallback(MakeBoundCallback(&ToyExchange::OnMessages, this, d));
            d->so->Send(PfKeyMessage(PfKeyType::REGISTER, PfKeySaType::ESP));
        }
    }

    static void OnMessages(ToyExchange* self, Daemon* d, Ptr<IpsecPfKeySocket> so)
    {
        PfKeyMessage m;
        while (so->Recv(&m))
        {
            self->Handle(d, m);
        }
    }

    uint32_t GetNegotiations() const
    {
        return m_negotiations;
    }

    uint32_t GetCompleted() const
    {
        return m_completed;
    }

  private:
    void Log(const Daemon& d, const std::string& text) const
    {
        if (m_verbose)
        {
            std::cout << std::fixed << std::setprecision(3) << std::setw(8)
                      << Simulator::Now().GetSeconds() << " s  " << d.name << "'s daemon: " << text
                      << "\n";
        }
    }

    void Handle(Daemon* d, const PfKeyMessage& m)
    {
        Log(*d, "<- " + m.ToString());
        if (m.GetType() == PfKeyType::ACQUIRE)
        {
            d->acquires++;
            Daemon* other = d == m_a ? m_b : m_a;
            if (!d->negotiating && !other->negotiating)
            {
                Start(d, other);
            }
        }
        else if (m.GetType() == PfKeyType::GETSPI && m.errnum == 0 && m.sa)
        {
            d->inboundSpi = m.sa->spi;
        }
        else if (m.GetType() == PfKeyType::UPDATE && m.errnum != 0)
        {
            d->updateErrors++;
            Log(*d,
                std::string("UPDATE refused: ") + std::strerror(m.errnum)
                    + " -- the larval SA is gone (net.key.larval_lifetime)");
        }
    }

    /// Phase 2 begins: both sides reserve their inbound SPI at once.
    void Start(Daemon* initiator, Daemon* responder)
    {
        ++m_negotiations;
        for (Daemon* d : {initiator, responder})
        {
            d->negotiating = true;
            d->inboundSpi = 0;
            PfKeyMessage getspi(PfKeyType::GETSPI, PfKeySaType::ESP);
            getspi.src = Address(d->peer);
            getspi.dst = Address(d->self);
            d->so->Send(getspi);
        }
        std::ostringstream text;
        text << "negotiating with " << responder->name << " (takes " << m_delay.GetSeconds()
             << " s)";
        Log(*initiator, text.str());
        Simulator::Schedule(m_delay, &ToyExchange::Finish, this, initiator, responder);
    }

    /// The keys are agreed: UPDATE the larval inbound SAs, ADD the outbound ones.
    void Finish(Daemon* initiator, Daemon* responder)
    {
        std::vector<uint8_t> encAB = Key(16);
        std::vector<uint8_t> authAB = Key(20);
        std::vector<uint8_t> encBA = Key(16);
        std::vector<uint8_t> authBA = Key(20);
        // initiator -> responder uses the responder's SPI, and back.  The
        // larval inbound SAs are filled first; only if both are still there
        // are the outbound SAs added (racoon gives up the other way).
        bool ok = Install(responder, PfKeyType::UPDATE, *initiator, *responder, encAB, authAB)
               && Install(initiator, PfKeyType::UPDATE, *responder, *initiator, encBA, authBA)
               && Install(initiator, PfKeyType::ADD, *initiator, *responder, encAB, authAB)
               && Install(responder, PfKeyType::ADD, *responder, *initiator, encBA, authBA);
        if (ok)
        {
            ++m_completed;
            Log(*initiator, "SAs installed on both hosts");
        }
        initiator->negotiating = false;
        responder->negotiating = false;
    }

    /// Sends an UPDATE or ADD for the SA from @p src to @p dst on @p on's socket.
    bool Install(Daemon* on,
                 PfKeyType type,
                 const Daemon& src,
                 const Daemon& dst,
                 const std::vector<uint8_t>& enc,
                 const std::vector<uint8_t>& auth)
    {
        PfKeyMessage m(type, PfKeySaType::ESP);
        PfKeySa sa;
        sa.spi = dst.inboundSpi;
        sa.encrypt = 12; // rijndael-cbc
        sa.auth = 3;     // hmac-sha1
        sa.flags = IpsecSaFlags::CYCSEQ;
        sa.replay = 4;
        m.sa = sa;
        m.sa2 = PfKeySa2{};
        m.src = Address(src.self);
        m.dst = Address(dst.self);
        m.encKey = PfKeyKey{static_cast<uint16_t>(enc.size() * 8), enc};
        m.authKey = PfKeyKey{static_cast<uint16_t>(auth.size() * 8), auth};
        return dst.inboundSpi != 0 && on->so->Send(m) == 0;
    }

    std::vector<uint8_t> Key(size_t bytes)
    {
        std::vector<uint8_t> k(bytes);
        for (auto& b : k)
        {
            b = static_cast<uint8_t>(m_keys->GetInteger(0, 255));
        }
        return k;
    }

    static PfKeyAddress Address(const IpsecAddress& a)
    {
        PfKeyAddress x;
        x.addr = a;
        x.prefixlen = a.GetBits();
        return x;
    }

    Daemon* m_a;
    Daemon* m_b;
    Time m_delay;
    bool m_verbose;
    Ptr<UniformRandomVariable> m_keys;
    uint32_t m_negotiations{0};
    uint32_t m_completed{0};
};

std::string
Policies(const IpsecAddress& self, const IpsecAddress& peer)
{
    return "spdadd " + self.ToString() + " " + peer.ToString()
         + " any -P out ipsec esp/transport//require;\n" + "spdadd " + peer.ToString() + " "
         + self.ToString() + " any -P in ipsec esp/transport//require;\n";
}

} // namespace

int
main(int argc, char* argv[])
{
    double delay = 2;
    uint32_t larvalLifetime = 30;
    uint32_t pings = 20;
    bool ipv6 = false;
    bool verbose = true;
    std::string json;

    CommandLine cmd(__FILE__);
    cmd.AddValue("delay", "seconds the daemons' key exchange takes", delay);
    cmd.AddValue("larvalLifetime", "net.key.larval_lifetime on both hosts (s)", larvalLifetime);
    cmd.AddValue("pings", "pings from A to B, one per second", pings);
    cmd.AddValue("ipv6", "run over IPv6", ipv6);
    cmd.AddValue("verbose", "print every PF_KEY message the daemons read", verbose);
    cmd.AddValue("json", "write a JSON summary to this file", json);
    cmd.Parse(argc, argv);
    if (!IpsecPrepareOutputs("ipsec-pfkey-daemon", {{"json", json, false}}))
    {
        return 1;
    }

    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    IpsecHostToHostHelper topology;
    topology.SetIpv6(ipv6);
    topology.Build();
    IpsecStackHelper().AssignStreams(topology.GetNodes(), 100);
    Daemon a{"A", topology.GetHostA(), topology.GetAddressA(), topology.GetAddressB()};
    Daemon b{"B", topology.GetHostB(), topology.GetAddressB(), topology.GetAddressA()};
    IpsecHelper ipsec;
    for (Daemon* d : {&a, &b})
    {
        IpsecSysctl::Set(d->node, "net.key.larval_lifetime", std::to_string(larvalLifetime));
        ipsec.RunSetkeyString(d->node, Policies(d->self, d->peer), d->name);
    }
    ToyExchange exchange(&a, &b, Seconds(delay), verbose);

    IpsecTrafficHelper traffic;
    traffic.SetPingCount(pings);
    traffic.SetUdpEchoCount(0);
    traffic.SetTcpBytes(0);
    Simulator::Stop(traffic.Install(a.node, a.self, b.node, b.self));
    Simulator::Run();

    std::vector<IpsecFlowResult> flows = traffic.GetResults();
    std::cout << std::defaultfloat << "ipsec-pfkey-daemon: key exchange of " << delay
              << " s, net.key.larval_lifetime " << larvalLifetime << " s\n";
    std::vector<IpsecReportFlow> flowEntries;
    for (const auto& f : flows)
    {
        if (f.sent != 0) // only pings here
        {
            IpsecPrintFlowLine(std::cout, f, "A", "B");
            flowEntries.push_back({"A", "B", f});
        }
    }
    std::cout << "negotiations: " << exchange.GetNegotiations()
              << ", completed: " << exchange.GetCompleted()
              << ", ACQUIREs read by A's daemon: " << a.acquires
              << ", UPDATEs refused: " << a.updateErrors + b.updateErrors << "\n";
    std::cout << "\nhost A, netstat -ss (non-zero counters):\n";
    IpsecHelper::PrintNetstat(a.node, std::cout, true);
    if (!json.empty())
    {
        std::vector<IpsecReportNode> hosts = {{"A", a.node, {a.self}}, {"B", b.node, {b.self}}};
        IpsecWriteReportJsonFile(json, hosts, flowEntries);
    }
    Simulator::Destroy();
    return 0;
}
