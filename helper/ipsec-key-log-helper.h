/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Wireshark's ESP SA table (its esp_sa UAT file) of nodes' SAs: every ESP
 * SA a node holds or installs during the run (setkey add, UPDATE/ADD of a
 * key daemon), one line per SA, so that Wireshark decrypts a simulation's
 * pcaps; and the one table of Wireshark 4.0's names of setkey's algorithms.
 */
#ifndef IPSEC_KEY_LOG_HELPER_H
#define IPSEC_KEY_LOG_HELPER_H

#include "ns3/ipsec-algorithms.h"
#include "ns3/ipsec-sa.h"
#include "ns3/node-container.h"

#include <cstddef>
#include <string>

namespace ns3
{

/**
 * @ingroup ipsec-helpers
 * Writes Wireshark's ESP SA table of nodes' SAs.
 *
 * EnableKeyLog(nodes, dir) writes `DIR/esp_sa`, the file Wireshark 4.0
 * reads from a profile (Preferences > Protocols > ESP > ESP SAs): a line
 * per ESP SA, `"IPv4","SRC","DST","0xSPI","CIPHER","0xKEY","AUTH","0xKEY"`.
 * It holds the ESP SAs each node has when it is called (the setkey scripts
 * run so far) and every one a node's key engine installs afterwards (an
 * SADB_ADD or SADB_UPDATE that succeeds: setkey at run time, a key
 * daemon, IKE), IPv4 and IPv6, each once.  An SA whose cipher Wireshark
 * 4.0 cannot decrypt (chacha20-poly1305, Blowfish and CAST5 keys other than
 * 128 bits) is left out; one whose authenticator it has no row for is
 * written with "ANY N bit authentication [no checking]" (decrypted, its ICV
 * not checked).  Open a pcap with it:
 *
 *     wireshark -o esp.enable_encryption_decode:TRUE -o uat:esp_sa:LINE ...
 *
 * or copy the file into a Wireshark profile (`tshark -C PROFILE`,
 * WIRESHARK_CONFIG_DIR).  A file is truncated the first time a process
 * writes it and appended to by further calls for the same directory (e.g.
 * a second simulation of the same program, or IpsecIkeHelper::EnableKeyLog
 * into the same directory), each line still written once.
 */
class IpsecKeyLogHelper
{
  public:
    /**
     * Writes the ESP SAs of @p nodes, now and when installed, into
     * `dir/esp_sa` (the directory must exist; aborts if the file cannot be
     * written).
     * @param nodes the nodes (those without an IpsecStack are skipped, so
     *        NodeContainer::GetGlobal() will do)
     * @param dir the directory
     */
    void EnableKeyLog(const NodeContainer& nodes, const std::string& dir) const;

    /**
     * The esp_sa line of an ESP SA.
     * @param sa the SA (mature: its ICV length is known)
     * @return the line without a newline, or "" when Wireshark 4.0 cannot
     *         decrypt the SA or it is not ESP
     */
    static std::string EspSaLine(const IpsecSa& sa);
    /**
     * Bytes as Wireshark's key tables write them: lower-case hexadecimal,
     * two digits a byte, nothing between (without the "0x").
     * @param bytes the bytes
     * @return the digits
     */
    static std::string Hex(const std::vector<uint8_t>& bytes);

    /**
     * Wireshark 4.0's name (esp_sa UAT) of an encryption algorithm.
     * @param alg the algorithm (setkey's row)
     * @param keyBits the key's length with any nonce or salt, 0 when not
     *        known (Wireshark takes Blowfish and CAST5 keys of 128 bits only)
     * @return the name, e.g. "AES-CBC [RFC3602]", or "" if Wireshark 4.0
     *         cannot decrypt it
     */
    static std::string WiresharkEncryption(const IpsecEncAlgorithm& alg, size_t keyBits = 0);

    /**
     * Wireshark 4.0's name (esp_sa UAT) of an authentication algorithm.
     * @param alg the algorithm (setkey's row), nullptr for none
     * @param icvBytes the SA's ICV length (12 as KAME sends; 16, 24 or 32
     *        for RFC 4868's HMAC-SHA-2 truncations)
     * @return the name, "NULL" for none, or "" if Wireshark 4.0 cannot
     *         check it
     */
    static std::string WiresharkAuthentication(const IpsecAuthAlgorithm* alg, size_t icvBytes = 12);

    /**
     * Wireshark's row that decrypts an ESP SA whose ICV it cannot check.
     * @param icvBytes the ICV length
     * @return "ANY N bit authentication [no checking]", or "" for a length
     *         Wireshark has no row for
     */
    static std::string WiresharkUncheckedAuthentication(size_t icvBytes);
};

} // namespace ns3

#endif /* IPSEC_KEY_LOG_HELPER_H */
