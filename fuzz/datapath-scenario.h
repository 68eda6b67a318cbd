/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The node the data-path fuzzers attack (esp-input, ah-input, ipcomp-input,
 * receive-path; see doc/ipsec.rst, "Fuzzing").  Three nodes with the whole
 * IPsec stack on point-to-point links:
 *
 *     P (peer) 10.0.0.1, fd00::1 -- V (victim) 10.0.0.2, fd00::2
 *     P also has 10.1.0.1, fd00:1::1 (a network behind it)
 *     V also has 10.3.0.4-8, fd00:3::4-8 (where its tunnels end)
 *     V -- H (a host behind V): V 10.2.0.1, fd00:2::1; H 10.2.0.2, fd00:2::2
 *
 * V has an inbound SA for every algorithm of model/ipsec-algorithms.cc
 * (the SA table below: ESP with every encryption algorithm and several
 * authentication algorithms, AH with every authentication algorithm, IPComp
 * deflate with a well-known CPI and with a negotiated one, transport and
 * tunnel SAs, IPv4 and IPv6, with and without replay windows) and policies
 * that require them for every socket it has and for H's network, so that
 * no plaintext may reach a socket (see VictimScript()).  V listens with UDP on ports
 * 7000-7003 of its WAN address and 7000 of each tunnel's address, with
 * TCP on 7010 of its WAN address; H with UDP on 7000; both families.
 *
 * What a fuzzer checks beyond the sanitizers (a failed check traps):
 *  - every Drop trace of V's IpsecStack that names a KAME counter came with
 *    exactly one increment of that counter, and every KAME drop counter
 *    (in_* but the successes, out_* but out_success) grew only with a trace;
 *  - a socket of V receives a datagram (or a TCP SYN is accepted) only if,
 *    since the datagram that delivered it was injected, the protocols the
 *    socket's policy requires (ESP, AH) removed a transform (in_esphist /
 *    in_ahhist grew; with KameDecapHistory, KAME's flag-based check, IPComp
 *    input counts as ESP: it sets the "decrypted" mark an ESP require
 *    wants); a socket of H only if V decapsulated ESP since the input began
 *    (V's policy requires an ESP tunnel for H's network);
 *  - (the input fuzzers) every datagram injected is accounted for: V
 *    removed a transform (in_success), counted a drop, traced an uncounted
 *    drop (a tunnel KAME hands to a missing gif), or ns-3's layer 3 dropped it.
 *
 * Determinism: fixed RNG seed and run, the stacks' random streams assigned;
 * one simulation serves every input, brought back to the same state after
 * each (see Scenario), or, with DATAPATH_FUZZER_FRESH=1, a fresh simulation
 * per input (Simulator::Destroy after each).
 */
#ifndef IPSEC_DATAPATH_SCENARIO_H
#define IPSEC_DATAPATH_SCENARIO_H

#include "ns3/ipsec-drop-reason.h"
#include "ns3/ipsec-stack.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/socket.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ipsecfuzz
{

using Bytes = std::vector<uint8_t>;

/**
 * A finding: prints @p what and traps, so that libFuzzer keeps the input
 * (long runs go on past findings in libFuzzer's fork mode, -fork=1
 * -ignore_crashes=1: see the README, "Fuzzing").
 */
void Finding(const std::string& what);

/// One inbound SA of the victim.
struct SaRow
{
    uint8_t proto;    ///< 50 ESP, 51 AH, 108 IPComp
    bool v6;          ///< the SA's addresses are IPv6
    uint32_t spi;     ///< SPI; IPComp: the SA's SPI (CPI on the wire: 2, or spi with -R)
    const char* mode; ///< setkey -m: "transport", "tunnel" or "any"
    const char* enc;  ///< ESP: setkey -E name
    const char* auth; ///< ESP, AH: setkey -A name ("" none)
    bool rawCpi;      ///< IPComp: -R (the CPI on the wire is the SPI, >= 256)
    uint16_t replay;  ///< -r (0: no replay check)
    bool nestedInner; ///< the inner tunnel of the nested-tunnel policy (from 10.1.0.1 / fd00:1::1)

    /// The value an inbound datagram carries: the SPI, or the CPI on the wire.
    uint32_t WireId() const;
    /// The SA's source and destination as setkey writes them.
    std::string Src() const;
    std::string Dst() const;
    /// setkey's add statement for this SA.
    std::string AddLine() const;
    /// A short name for seeds ("esp-v4-rijndael-cbc-hmac-sha1-transport").
    std::string Name() const;
};

/// Every inbound SA of the victim.
const std::vector<SaRow>& SaTable();
/// The rows of protocol @p proto and family @p v6.
std::vector<const SaRow*> SaRows(uint8_t proto, bool v6);

/// The victim's setkey script: every SA of the table and the inbound policies.
std::string VictimScript();

/// The UDP-encapsulated ESP SA from P to V (RFC 3948, port 4500 both ways,
/// IPv4), as setkey's "add" line; V decapsulates ESP in UDP on port 4500.
std::string NattSaLine();

/// The SPI of NattSaLine's SA.
constexpr uint32_t NATT_SPI = 0x5001;

/// A socket of V (bound to one address and port) and what V's policy
/// requires of the datagrams it may receive.
struct SocketRule
{
    const char* address; ///< V's address the socket is bound to
    uint16_t port;
    bool tcp;     ///< a TCP listener (else UDP)
    bool needEsp; ///< the policy requires ESP (transport or tunnel)
    bool needAh;  ///< the policy requires AH
};
/// V's sockets, both families.
const std::vector<SocketRule>& VictimSockets();
/**
 * V's addresses that tunnels end at (each with its own inbound policy, as
 * KAME takes no ports in a tunnel policy's selector): ESP tunnel, AH
 * tunnel, IPComp tunnel inside ESP, the other family's ESP tunnel, nested
 * ESP tunnels; 10.3.0.4-8 and fd00:3::4-8, on V's WAN interface.
 */
std::string TunnelAddress(bool v6, int n);
constexpr uint16_t TCP_PORT = 7010;   ///< V's TCP listeners (ESP required)
constexpr uint16_t H_PORT = 7000;     ///< H's UDP sockets (V's tunnel policy: ESP)
constexpr uint16_t STREAM_BASE = 100; ///< first random stream assigned to the stacks
/// Inputs one persistent scenario serves before a new one is built.
constexpr uint32_t INPUTS_PER_SCENARIO = 5000;

/// Knobs of V an input chooses.
struct Knobs
{
    bool checksums{true};         ///< GlobalValue ChecksumEnabled
    int32_t ecn{1};               ///< IpsecStack Ecn / Ipv6Ecn (-1, 0, 1)
    bool kameDecapHistory{false}; ///< IpsecStack KameDecapHistory
    bool ahClearTos{true};        ///< IpsecStack AhCleartos
};

/**
 * The knobs an input's knob byte chooses: bits 0-1 Ecn (0: 1, 1: 0,
 * 2: -1, 3: 1), bit 2 KameDecapHistory, bit 3 AhCleartos off, bit 7
 * checksums off (ns-3's ChecksumEnabled false: IPv4 header, UDP and TCP
 * checksums are neither written nor checked).
 */
Knobs DecodeKnobs(uint8_t b);

/**
 * The simulation: builds the nodes (the constructor); then, per input,
 * Begin, datagrams to inject at V's devices (Inject), Run (to completion,
 * with the checks) and End.  The destructor disposes of the whole
 * simulation (Simulator::Destroy).
 *
 * A scenario serves one input (fresh) or the inputs of a fuzzer's process
 * (persistent; RunInput): End then undoes what an input may leave behind --
 * the SAs with a replay window are installed anew when a transform succeeded
 * (their windows moved), the sockets' policy caches are invalidated, and
 * Begin gives every node an empty IPv6 reassembly -- and the simulation has
 * run to completion (no event left: reassembly timers, retransmissions), so
 * the next input meets the same V: an input gives the same counters, traces
 * and deliveries in either mode (DATAPATH_FUZZER_TRACE=1 prints them, one
 * line an input, to compare).  An input after which V has an accepted TCP
 * connection gets the next input a new scenario.
 */
class Scenario
{
  public:
    /// @p peerScript: a setkey script for P (the seed writer's sender), or "".
    explicit Scenario(const Knobs& knobs, const std::string& peerScript = "");
    ~Scenario();

    /// Starts an input: V's knobs, the checks' reference counts.
    void Begin(const Knobs& knobs);

    /**
     * Delivers the whole IP datagram @p datagram (IPv6 when its version
     * nibble is 6) to V's WAN device (or LAN device, @p lan) @p at from
     * now, through PointToPointNetDevice::Receive, as if it came off the
     * link.  With @p mustAccount, checks that V accounted for it (see above).
     */
    void Inject(const Bytes& datagram, ns3::Time at, bool lan = false, bool mustAccount = false);

    /// Runs the simulation until no event is left, and checks.
    void Run();

    /// Ends an input (see the class comment); false when V cannot serve
    /// another input (it accepted a TCP connection, which stays).
    bool End();

    /**
     * Runs one input: @p inject calls Inject on the scenario, then Run.
     * With DATAPATH_FUZZER_FRESH set in the environment every input gets a
     * scenario of its own (slower; the reference for reproducing a
     * finding), else one scenario serves every input of the process.
     */
    static void RunInput(const Knobs& knobs, const std::function<void(Scenario&)>& inject);

    ns3::Ptr<ns3::Node> GetPeer() const
    {
        return m_p;
    }
    ns3::Ptr<ns3::Node> GetVictim() const
    {
        return m_v;
    }
    ns3::Ptr<ns3::Node> GetHost() const
    {
        return m_h;
    }
    /// V's device toward P (the seed writer taps what it receives).
    ns3::Ptr<ns3::PointToPointNetDevice> GetVictimWan() const
    {
        return m_vWan;
    }
    /// Datagrams delivered to V's and H's sockets so far.
    uint32_t GetDelivered() const
    {
        return m_delivered;
    }
    /// TCP connections V accepted so far.
    uint32_t GetAccepted() const
    {
        return m_accepted;
    }

  private:
    struct Snapshot
    {
        ns3::IpsecStats s4;
        ns3::IpsecStats s6;
        uint64_t uncounted{0};
        uint64_t l3Drops{0};
        uint32_t delivered{0};
    };
    Snapshot Take() const;
    void DoInject(Bytes datagram, bool lan, bool mustAccount);
    void OnDrop(ns3::Ptr<const ns3::Packet> p, bool v6, ns3::IpsecDropReason reason);
    void CheckCounters();
    void Receive(ns3::Ptr<ns3::Socket> s);
    void CheckJustified(const SocketRule& rule, const std::string& what);

    ns3::Ptr<ns3::Node> m_p;
    ns3::Ptr<ns3::Node> m_v;
    ns3::Ptr<ns3::Node> m_h;
    ns3::Ptr<ns3::PointToPointNetDevice> m_vWan;
    ns3::Ptr<ns3::PointToPointNetDevice> m_vLan;
    ns3::Ptr<ns3::IpsecStack> m_ipsec;
    std::vector<ns3::Ptr<ns3::Socket>> m_sockets;
    std::map<ns3::Ptr<ns3::Socket>, SocketRule> m_ruleOf; ///< V's sockets
    std::map<ns3::Ptr<ns3::Socket>, bool> m_hostSocket;   ///< H's sockets
    std::vector<ns3::Ptr<ns3::Socket>> m_connections;     ///< TCP connections V accepted
    /// Drop traces per (family, counter name) since Begin.
    std::map<std::pair<bool, std::string>, uint64_t> m_traces;
    Knobs m_knobs;                  ///< this input's
    Snapshot m_start;               ///< at Begin
    Snapshot m_recordStart;         ///< before the datagram being injected
    bool m_injecting{false};        ///< inside a device Receive of DoInject
    uint64_t m_uncounted{0};        ///< Drop traces of no ipsecstat counter
    uint64_t m_l3Drops{0};          ///< ns-3 Ipv4/Ipv6 layer-3 Drop traces on V
    std::string m_l3Reasons;        ///< their reasons this input (DATAPATH_FUZZER_TRACE)
    std::string m_uncountedReasons; ///< the uncounted drops' reasons this input (idem)
    uint32_t m_delivered{0};
    uint32_t m_skipped{0}; ///< datagrams not delivered: !Ns3CanParse
    uint32_t m_accepted{0};
};

/// IPv4 header checksum of @p b's first @p len bytes (the field itself zeroed first).
void FixIpv4Checksum(Bytes& b);
/// Sets the IPv4 total length / IPv6 payload length from b.size().
void FixLength(Bytes& b);

/**
 * Whether ns-3 3.37 can take datagram @p d off a device: ns-3 reads every
 * header it is told is there without looking at what is left, so the IPv4
 * header and the IPv6 extension headers (within the first 255 bytes too:
 * ns-3 walks them with 8-bit offsets), which ns-3 reads before any code of
 * the module, must fit the datagram, and ns-3 loops forever on an IPv6
 * option that overruns its header (Ipv6Extension::ProcessOptions).  The
 * upper layer is the module's to check (its policed UDP, TCP, ICMP and
 * ICMPv6 drop what ns-3 cannot read and rewrite TCP options ns-3 cannot
 * parse), but ns-3 alone parses a TCP header V forwards (its queue disc's
 * flow hash) with the same loop on an option of length 0 and abort on an
 * MSS option of another length than 4: plaintext TCP with such options is
 * not delivered either, nor an IPv6 datagram from a multicast source other
 * than an IPsec one (ns-3 answers it with ICMPv6 errors, and crashes
 * choosing their source address; the module drops an IPsec one first,
 * ip6s_badscope).  Bugs of ns-3 on its own input path:
 * Scenario::Inject delivers only datagrams for which this is true (the
 * others are counted as skipped); what the module hands back to ns-3 after
 * decapsulation is not filtered.
 */
bool Ns3CanParse(const Bytes& d);

/**
 * The seed writer: runs P's traffic through each SA of the table (and the
 * bundles, fragments, tunnels and plaintext a receive path should see),
 * records what V's WAN device receives, and writes the corpora
 * DIR/esp-input, DIR/ah-input, DIR/ipcomp-input and DIR/receive-path in the
 * fuzzers' input formats.  Aborts if a datagram from a real SA was not
 * accepted by V (the table or the scripts would be wrong).
 */
void WriteSeeds(const std::string& dir);

/**
 * The fuzzers' LLVMFuzzerInitialize: with DATAPATH_FUZZER_SEEDS=DIR writes
 * the seeds (WriteSeeds) and exits; with DATAPATH_FUZZER_SCRIPT=1 prints
 * the victim's setkey script and exits; otherwise does nothing.
 */
void InitializeFromEnvironment();

} // namespace ipsecfuzz

#endif /* IPSEC_DATAPATH_SCENARIO_H */
