/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Configuring a node's IPsec: setkey scripts (from a file or a string, as
 * `setkey -f`), or the C++ API (SAs, policies, per-socket policies), and
 * reading the state back (`netstat -s`, JSON).  Errors never leave a node
 * silently half-configured: a script with an error raises IpsecConfigError
 * carrying setkey's messages, so a simulation does not start on it.
 */
#ifndef IPSEC_HELPER_H
#define IPSEC_HELPER_H

#include "ns3/ipsec-policy.h"
#include "ns3/ipsec-sa.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/setkey.h"
#include "ns3/socket.h"

#include <ostream>
#include <stdexcept>
#include <string>

namespace ns3
{

class IpsecStack;

/// A configuration error: what() is the full text setkey (or the SAD/SPD) gave.
class IpsecConfigError : public std::runtime_error
{
  public:
    explicit IpsecConfigError(const std::string& what);
};

class IpsecHelper
{
  public:
    IpsecHelper();

    /// Accept scripts whose statements the "kernel" refused ("The result of
    /// line N: ..."), as setkey itself does.  Default false: such a script
    /// raises IpsecConfigError too.
    void SetTolerateKernelErrors(bool tolerate);
    /// setkey dialect and -n (see SetkeyOptions).
    void SetSetkeyOptions(const SetkeyOptions& options);

    /// Runs the setkey script in @p path on @p node (setkey -f PATH).
    SetkeyResult RunSetkeyFile(Ptr<Node> node, const std::string& path) const;
    /// Runs setkey script @p text on @p node; @p name labels messages.
    SetkeyResult RunSetkeyString(Ptr<Node> node,
                                 const std::string& text,
                                 const std::string& name = "") const;

    /**
     * Boot-time configuration, like rc.conf's ipsec=YES running
     * `setkey -f /etc/ipsec.conf` before any network activity: the script
     * is checked now (a parse error raises IpsecConfigError before the
     * simulation starts) and run on @p node when the simulation starts.
     */
    void SetBootConfig(Ptr<Node> node, const std::string& path) const;
    /**
     * Runs the setkey script in @p path on @p node at simulated time @p at
     * (an administrator typing `setkey -f`).  The script is checked now; its
     * messages are logged when it runs.
     */
    void ScheduleSetkeyFile(Ptr<Node> node, const std::string& path, Time at) const;

    /// Adds an SA (SADB_ADD); raises IpsecConfigError if the SAD refuses it.
    void AddSa(Ptr<Node> node, const IpsecSaParams& params) const;
    /// Adds a policy (spdadd); raises IpsecConfigError if the SPD refuses it.
    void AddPolicy(Ptr<Node> node, Ptr<IpsecPolicy> policy) const;

    /**
     * Per-socket policy, setsockopt(IP_IPSEC_POLICY / IPV6_IPSEC_POLICY): sets
     * one direction of @p socket's policy from ipsec_set_policy(3) text, e.g.
     * "out ipsec esp/transport//require", "in bypass", "in entrust".
     * @p privileged: set by root (only root may set bypass).  Raises
     * IpsecConfigError naming the policy and what was wrong if refused.
     */
    void SetSocketPolicy(Ptr<Socket> socket,
                         const std::string& policy,
                         bool privileged = true) const;
    /// ipsec_get_policy(3): @p socket's policy in @p dir ("in entrust" if none).
    static std::string GetSocketPolicy(Ptr<Socket> socket, IpsecDirection dir);

    /// The node's IPsec stack; raises IpsecConfigError if it has none.
    static Ptr<IpsecStack> GetStack(Ptr<Node> node);
    /// netstat -s's ipsec:, ipsec6: and pfkey: sections for @p node.
    static void PrintNetstat(Ptr<Node> node, std::ostream& os, bool omitZero = false);
    /// {"ipsec": {...}, "ipsec6": {...}, "pfkey": {...}} with KAME's field names.
    static void PrintStatsJson(Ptr<Node> node, std::ostream& os);

  private:
    bool m_tolerateKernelErrors;
    SetkeyOptions m_options;
};

} // namespace ns3

#endif /* IPSEC_HELPER_H */
