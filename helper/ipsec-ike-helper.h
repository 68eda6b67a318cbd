/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Installs the simulated IKE daemon (IkeDaemon, racoon's behaviour) on
 * nodes, with a racoon.conf and a psk.txt, as an administrator starts
 * `racoon -f /etc/racoon/racoon.conf`.  The configuration is read and
 * checked at installation: an error names the file, the line and the token
 * (RacoonConfError), before the simulation starts.
 */
#ifndef IPSEC_IKE_HELPER_H
#define IPSEC_IKE_HELPER_H

#include "ns3/ike-daemon.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"
#include "ns3/racoon-conf.h"

#include <optional>
#include <string>

namespace ns3
{

/**
 * @ingroup ipsec-helpers
 * Installs the simulated racoon (IkeDaemon, an Application) on nodes with
 * their racoon.conf and psk.txt, writes the keys the daemons negotiate in
 * Wireshark's formats, and assigns the daemons' random streams.  The nodes
 * need an IpsecStack (IpsecStackHelper): the daemon talks to its key
 * engine over PF_KEY.
 */
class IpsecIkeHelper
{
  public:
    IpsecIkeHelper();

    /**
     * Sets an attribute of the daemons it installs (ns3::IkeDaemon).
     * @param name the attribute's name
     * @param value its value
     */
    void SetAttribute(const std::string& name, const AttributeValue& value);

    /**
     * Installs a daemon on @p node with the racoon.conf in @p confPath and
     * the pre-shared keys in @p pskPath (with file mode @p pskMode: racoon
     * refuses a psk.txt group or others may read).  Without @p pskPath the
     * configuration's `path pre_shared_key` is used: that file if it exists,
     * else a file of that name beside the racoon.conf.
     * @param node the node (the daemon is added as an application)
     * @param confPath the racoon.conf (includes relative to its directory)
     * @param pskPath the psk.txt, or "" for the configuration's
     * @param pskMode the psk.txt's permission bits in the simulated file
     *        system (racoon ignores the keys unless only the owner may read)
     * @return the daemon
     * @throws RacoonConfError naming the file, line and token of an error in
     *         either file, or a file that cannot be read
     */
    Ptr<IkeDaemon> Install(Ptr<Node> node,
                           const std::string& confPath,
                           const std::string& pskPath = "",
                           uint32_t pskMode = 0600) const;
    /**
     * The same with a configuration and keys already at hand.
     * @param node the node (the daemon is added as an application)
     * @param conf the parsed racoon.conf
     * @param psk the pre-shared keys, or none (no peer then has a key)
     * @return the daemon
     */
    Ptr<IkeDaemon> Install(Ptr<Node> node,
                           const RacoonConf& conf,
                           const std::optional<RacoonPskFile>& psk) const;

    /**
     * Writes the keys of every ISAKMP SA and SA the daemons on @p nodes
     * establish into @p dir, in the files Wireshark reads from a profile
     * directory: `ikev1_decryption_table` (the initiator's cookie and the
     * phase-1 encryption key: Wireshark decrypts the ISAKMP payloads) and
     * `esp_sa` (Wireshark decrypts the ESP that follows).  Copy them into a
     * Wireshark profile, or pass each line to tshark as
     * -o "uat:ikev1_decryption_table:LINE" / -o "uat:esp_sa:LINE".
     * Only the daemons already installed are followed; each line is written
     * once, as soon as the keys exist.  The `esp_sa` file is
     * IpsecKeyLogHelper's: it has every ESP SA of the nodes, those the
     * daemons install and any other (e.g. a setkey script's).
     * @param nodes the nodes whose daemons are followed
     * @param dir an existing directory (the ISAKMP file is created or
     *        truncated, `esp_sa` as IpsecKeyLogHelper::EnableKeyLog says;
     *        one that cannot be written aborts the program)
     */
    void EnableKeyLog(const NodeContainer& nodes, const std::string& dir) const;

    /**
     * Assigns fixed random streams to the daemons on @p nodes (their
     * cookies, nonces, message ids and Diffie-Hellman exponents; see
     * IkeDaemon::AssignStreams).
     * @param nodes the nodes (those without a daemon are skipped)
     * @param stream the first stream index to use
     * @return the number of streams used (1 per daemon)
     */
    int64_t AssignStreams(const NodeContainer& nodes, int64_t stream) const;

  private:
    ObjectFactory m_factory; ///< creates the daemons
};

} // namespace ns3

#endif /* IPSEC_IKE_HELPER_H */
