/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Example scaffolding (examples/common, not part of the module): the FAQ's
 * IKE example as one object, for the ipsec-ike example, the ipsec-ike-slow
 * study, the IKE daemon's tests and the ike-daemon fuzzer.
 */
#ifndef IPSEC_IKE_FAQ_HELPER_H
#define IPSEC_IKE_FAQ_HELPER_H

#include "ipsec-traffic-helper.h"
#include "ns3/ike-daemon.h"
#include "ns3/ipsec-host-to-host-helper.h"
#include "ns3/racoon-conf.h"

#include <functional>
#include <optional>
#include <string>

namespace ns3
{

/**
 * The NetBSD IPsec FAQ's "Configuring AH/ESP keys by using IKE" as one
 * object: hosts A and B through a router (IpsecHostToHostHelper), the FAQ's
 * ESP transport policies (examples/ike/A.conf, B.conf or their -v6
 * versions), a simulated racoon on each host with racoon's sample
 * racoon.conf and the FAQ's psk.txt, and pings from A to B.  The ipsec-ike
 * example, the ipsec-ike-slow study, the daemon's tests and the ike-daemon
 * fuzzer all build their runs with it; every knob they turn is a setter.
 * A user's simulation would rather combine IpsecHostToHostHelper (or its
 * own topology), IpsecHelper and IpsecIkeHelper as Build() does.
 */
class IpsecIkeFaqHelper
{
  public:
    /// The example files' directory (racoon.conf, psk.txt, A.conf, ...).
    explicit IpsecIkeFaqHelper(const std::string& filesDir);

    void SetIpv6(bool ipv6);
    void SetLinkRate(const std::string& rate);
    void SetLinkDelay(const std::string& delay);
    void SetLinkLoss(double rate); ///< packet error rate on every device (0..1)
    void SetCpuProfile(const std::string& profile);
    void SetDhGroup(uint16_t group);               ///< phase 1 and PFS; 0 = racoon.conf's
    void SetExchangeMode(const std::string& mode); ///< "main", "aggressive"; "" = racoon.conf's
    /// nat_traversal of every remote on both hosts (default: racoon.conf's, off).
    void SetNatTraversal(RacoonNatTraversal natt);
    void SetLarvalLifetime(uint32_t seconds);
    void SetPhase2Wait(uint32_t seconds); ///< racoon's timer { phase2 }; 0 = racoon.conf's
    void SetRacoonConf(const std::string& pathA, const std::string& pathB);
    void SetPskFile(const std::string& path, uint32_t mode); ///< "" = psk.txt / psk-v6.txt
    /// Keys of one host ('A' or 'B') given as a file already parsed.
    void SetPsk(char host, const RacoonPskFile& psk);
    /// Runs on each host's parsed racoon.conf before its daemon is installed.
    void SetConfigHook(std::function<void(char host, RacoonConf& conf)> hook);
    /// No daemon on B (A's negotiation meets silence).
    void SetDaemonOnB(bool run);
    void SetPings(uint32_t n);
    void SetPingReplyCallback(std::function<void(uint16_t seq)> cb);

    /**
     * Builds the nodes, runs the setkey scripts and installs the daemons and
     * the pings.  Throws IpsecConfigError or RacoonConfError naming the file,
     * line and token of a bad configuration.
     */
    void Build();

    Ptr<Node> GetHostA() const;
    Ptr<Node> GetHostB() const;
    NodeContainer GetNodes() const;
    Ptr<IkeDaemon> GetDaemon(char host) const; ///< null when none runs there
    /// When the last ping's reply is due (Simulator::Stop time).
    Time GetEndTime() const;
    const IpsecTrafficHelper& GetTraffic() const;

    /// What a run gave.
    struct Result
    {
        uint64_t pingsSent{0};
        uint64_t repliesReceived{0};
        Time firstReply{Seconds(-1)}; ///< negative when none came
        uint16_t firstReplySeq{0};
        uint64_t outNosaA{0}; ///< A's out_nosa: pings dropped for want of an SA
        IkeDaemonStats a;
        IkeDaemonStats b;
        Time cpuBusyA;
        Time cpuBusyB;
    };

    /// Runs the simulation to GetEndTime() and collects the result (no Simulator::Destroy).
    Result Run();

  private:
    std::string File(const std::string& name) const;

    std::string m_dir;
    IpsecHostToHostHelper m_topology;
    bool m_ipv6{false};
    double m_loss{0};
    std::string m_cpu{"Reference2020s"};
    uint16_t m_dhGroup{0};
    std::string m_mode;
    std::optional<RacoonNatTraversal> m_natt;
    uint32_t m_larvalLifetime{30};
    uint32_t m_phase2Wait{0};
    std::string m_confA;
    std::string m_confB;
    std::string m_pskPath;
    uint32_t m_pskMode{0600};
    std::optional<RacoonPskFile> m_pskA;
    std::optional<RacoonPskFile> m_pskB;
    std::function<void(char, RacoonConf&)> m_hook;
    bool m_daemonOnB{true};
    uint32_t m_pings{20};
    std::function<void(uint16_t)> m_replyCb;
    Ptr<IkeDaemon> m_daemonA;
    Ptr<IkeDaemon> m_daemonB;
    IpsecTrafficHelper m_traffic;
    Time m_end;
    Time m_firstReply{Seconds(-1)};
    uint16_t m_firstSeq{0};
};

} // namespace ns3

#endif
