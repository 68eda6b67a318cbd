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

/**
 * @ingroup ipsec-helpers
 * A configuration error: what() is the full text setkey (or the SAD/SPD)
 * gave, one message a line, so that a simulation stops before it starts
 * on a node that is not configured as its script says.
 */
class IpsecConfigError : public std::runtime_error
{
  public:
    /**
     * An error with its text.
     * @param what setkey's messages, or the SAD's / SPD's refusal with its
     *        errno text
     */
    explicit IpsecConfigError(const std::string& what);
};

/**
 * @ingroup ipsec-helpers
 * Configures the IPsec of nodes that IpsecStackHelper installed: setkey
 * scripts (setkey -f, now, at boot or at a simulated time), SAs and
 * policies from C++, per-socket policies; and reads the counters back
 * (`netstat -s`, JSON).  A refusal raises IpsecConfigError.
 */
class IpsecHelper
{
  public:
    IpsecHelper();

    /**
     * Accept scripts whose statements the "kernel" refused ("The result of
     * line N: ..."), as setkey itself does.  Default false: such a script
     * raises IpsecConfigError too.
     * @param tolerate true to accept them (the messages are still logged)
     */
    void SetTolerateKernelErrors(bool tolerate);
    /**
     * setkey dialect and -n (see SetkeyOptions) for the scripts run from
     * now on.
     * @param options the dialect, parse-only and dump options
     */
    void SetSetkeyOptions(const SetkeyOptions& options);

    /**
     * Runs the setkey script in @p path on @p node (setkey -f PATH), now.
     * @param node the node (it must have an IpsecStack)
     * @param path the script's file
     * @return what setkey did and printed
     * @throws IpsecConfigError when the file cannot be read, the node has
     *         no IpsecStack, or the script has an error (see RunSetkeyString)
     */
    SetkeyResult RunSetkeyFile(Ptr<Node> node, const std::string& path) const;
    /**
     * Runs setkey script @p text on @p node, now, through its key engine
     * (Setkey::Run).  A client-side error (or, unless tolerated, a
     * statement the kernel refused) raises IpsecConfigError with setkey's
     * messages, saying when statements before the error had taken effect.
     * @param node the node (it must have an IpsecStack)
     * @param text the script
     * @param name labels the messages (a file name; "" for none)
     * @return what setkey did and printed
     * @throws IpsecConfigError on an error, as above
     */
    SetkeyResult RunSetkeyString(Ptr<Node> node,
                                 const std::string& text,
                                 const std::string& name = "") const;

    /**
     * Boot-time configuration, like rc.conf's ipsec=YES running
     * `setkey -f /etc/ipsec.conf` before any network activity: the script
     * is checked now (a parse error raises IpsecConfigError before the
     * simulation starts) and run on @p node when the simulation starts.
     * @param node the node (it must have an IpsecStack)
     * @param path the script's file (read now)
     * @throws IpsecConfigError when the file cannot be read or does not parse
     */
    void SetBootConfig(Ptr<Node> node, const std::string& path) const;
    /**
     * Runs the setkey script in @p path on @p node at simulated time @p at
     * (an administrator typing `setkey -f`).  The script is checked now; its
     * messages are logged when it runs.  Statements the kernel refuses at
     * run time are logged, not raised, as setkey goes on.
     * @param node the node (it must have an IpsecStack)
     * @param path the script's file (read now)
     * @param at when to run it (simulated time, from now)
     * @throws IpsecConfigError when the file cannot be read or does not parse
     */
    void ScheduleSetkeyFile(Ptr<Node> node, const std::string& path, Time at) const;

    /**
     * Adds an SA (SADB_ADD, IpsecSad::Add); raises IpsecConfigError if the
     * SAD refuses it.
     * @param node the node (it must have an IpsecStack)
     * @param params the SA, as setkey's "add" gives it
     * @throws IpsecConfigError naming the SA and the errno (EINVAL, EEXIST)
     */
    void AddSa(Ptr<Node> node, const IpsecSaParams& params) const;
    /**
     * Adds a policy (spdadd, IpsecSpd::Add); raises IpsecConfigError if the
     * SPD refuses it.
     * @param node the node (it must have an IpsecStack)
     * @param policy the policy
     * @throws IpsecConfigError naming the policy and the errno
     */
    void AddPolicy(Ptr<Node> node, Ptr<IpsecPolicy> policy) const;

    /**
     * Per-socket policy, setsockopt(IP_IPSEC_POLICY / IPV6_IPSEC_POLICY): sets
     * one direction of @p socket's policy from ipsec_set_policy(3) text, e.g.
     * "out ipsec esp/transport//require", "in bypass", "in entrust".
     * @p privileged: set by root (only root may set bypass).  Raises
     * IpsecConfigError naming the policy and what was wrong if refused.
     * @param socket a UDP, TCP or raw socket of a node with an IpsecStack
     * @param policy the policy text, direction first
     * @param privileged whether root sets it
     * @throws IpsecConfigError with the errno (EINVAL, EACCES, ENOPROTOOPT)
     *         and the reason, or for a null socket or one without a node
     */
    void SetSocketPolicy(Ptr<Socket> socket,
                         const std::string& policy,
                         bool privileged = true) const;
    /**
     * ipsec_get_policy(3): @p socket's policy in @p dir.
     * @param socket a socket of a node with an IpsecStack
     * @param dir inbound or outbound
     * @return the policy text ("in entrust" or "out entrust" if none was set)
     * @throws IpsecConfigError for a null socket, one without a node, or a
     *         node without an IpsecStack
     */
    static std::string GetSocketPolicy(Ptr<Socket> socket, IpsecDirection dir);

    /**
     * The node's IPsec stack; raises IpsecConfigError if it has none.
     * @param node the node
     * @return its IpsecStack (never null)
     * @throws IpsecConfigError when IpsecStackHelper did not install it
     */
    static Ptr<IpsecStack> GetStack(Ptr<Node> node);
    /**
     * netstat -s's ipsec:, ipsec6: and pfkey: sections for @p node
     * (IpsecStack::PrintStats).
     * @param node the node (it must have an IpsecStack)
     * @param os where to print
     * @param omitZero leave out the counters that are zero (netstat -s -z)
     */
    static void PrintNetstat(Ptr<Node> node, std::ostream& os, bool omitZero = false);
    /**
     * The node's counters as one JSON object:
     * {"ipsec": {...}, "ipsec6": {...}, "pfkey": {...}} with KAME's field
     * names.
     * @param node the node (it must have an IpsecStack)
     * @param os where to print (no newline at the end)
     */
    static void PrintStatsJson(Ptr<Node> node, std::ostream& os);

  private:
    bool m_tolerateKernelErrors; ///< accept kernel-side errors of scripts
    SetkeyOptions m_options;     ///< setkey's dialect and options
};

} // namespace ns3

#endif /* IPSEC_HELPER_H */
