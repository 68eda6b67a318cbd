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

class IpsecIkeHelper
{
  public:
    IpsecIkeHelper();

    /// Sets an attribute of the daemons it installs (ns3::IkeDaemon).
    void SetAttribute(const std::string& name, const AttributeValue& value);

    /**
     * Installs a daemon on @p node with the racoon.conf in @p confPath and
     * the pre-shared keys in @p pskPath (with file mode @p pskMode: racoon
     * refuses a psk.txt group or others may read).  Without @p pskPath the
     * configuration's `path pre_shared_key` is used: that file if it exists,
     * else a file of that name beside the racoon.conf.
     */
    Ptr<IkeDaemon> Install(Ptr<Node> node,
                           const std::string& confPath,
                           const std::string& pskPath = "",
                           uint32_t pskMode = 0600) const;
    /// The same with a configuration and keys already at hand.
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
     */
    void EnableKeyLog(const NodeContainer& nodes, const std::string& dir) const;

    /// Assigns fixed random streams to the daemons on @p nodes; returns how many.
    int64_t AssignStreams(const NodeContainer& nodes, int64_t stream) const;

  private:
    ObjectFactory m_factory;
};

} // namespace ns3

#endif /* IPSEC_IKE_HELPER_H */
