/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * NAT traversal in IKEv1 (RFC 3947) as racoon implements it
 * (nattraversal.c): the NAT-T vendor IDs and the version they announce,
 * what each version puts on the wire (racoon's natt_fill_options), and the
 * NAT-D hash.
 */
#ifndef IKE_NATT_H
#define IKE_NATT_H

#include "ike-crypto.h"
#include "ipsec-address.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-ike
 * The NAT-T versions racoon knows, in racoon's order (vendorid.h): a
 * higher number is a later version, and racoon uses the highest one both
 * sides announce.  racoon's default build (configure's
 * --enable-natt-versions default "02,rfc") sends and recognises
 * DRAFT_02, DRAFT_02_N and RFC only; the others are listed for their
 * names and hashes.
 */
enum class IkeNattVersion : uint8_t
{
    NONE = 0,       ///< no NAT-T
    DRAFT_00 = 4,   ///< draft-ietf-ipsec-nat-t-ike-00 (no port floating)
    DRAFT_01 = 5,   ///< draft-ietf-ipsec-nat-t-ike-01 (no port floating)
    DRAFT_02 = 6,   ///< draft-ietf-ipsec-nat-t-ike-02
    DRAFT_02_N = 7, ///< "draft-ietf-ipsec-nat-t-ike-02\n" (a known misspelling)
    DRAFT_03 = 8,   ///< draft-ietf-ipsec-nat-t-ike-03
    RFC = 14,       ///< RFC 3947
};

/**
 * @ingroup ipsec-ike
 * One NAT-T vendor ID.
 */
struct IkeNattVendorId
{
    IkeNattVersion version; ///< the version it announces
    std::string text;       ///< the string hashed (MD5) into the payload
    bool enabled;           ///< in racoon's default build (sent and recognised)
};

/**
 * @ingroup ipsec-ike
 * The NAT-T vendor IDs racoon knows, in racoon's sending order (the RFC
 * first, then the drafts newest first).
 * @return the table
 */
const std::vector<IkeNattVendorId>& IkeNattVendorIds();

/**
 * @ingroup ipsec-ike
 * A vendor ID payload's body: MD5 of the text (RFC 3947 section 3.1).
 * @param text the vendor's string, e.g. "RFC 3947"
 * @return the 16 bytes
 */
std::vector<uint8_t> IkeVendorIdHash(const std::string& text);

/**
 * @ingroup ipsec-ike
 * The NAT-T version a received vendor ID announces, among the enabled ones.
 * @param body the Vendor ID payload's body
 * @return the version, NONE when it is not an enabled NAT-T vendor ID
 */
IkeNattVersion IkeNattVersionOf(const std::vector<uint8_t>& body);

/**
 * @ingroup ipsec-ike
 * The name of a NAT-T version, as racoon logs it (vid_string_by_id).
 * @param v the version
 * @return "RFC 3947", "draft-ietf-ipsec-nat-t-ike-02\\n", ...
 */
std::string IkeNattVersionName(IkeNattVersion v);

/**
 * @ingroup ipsec-ike
 * What a NAT-T version puts on the wire (racoon's struct ph1natt_options,
 * natt_fill_options).
 */
struct IkeNattOptions
{
    IkeNattVersion version{IkeNattVersion::NONE}; ///< the version in use
    bool floatPort{false};                        ///< switch to the NAT-T port once NAT is detected
    uint8_t payloadNatD{0};                       ///< the NAT-D payload type (20 or 130)
    uint8_t payloadNatOa{0};                      ///< the NAT-OA payload type (21 or 131)
    uint16_t modeUdpTunnel{0};                    ///< UDP-Encapsulated-Tunnel (3 or 61443)
    uint16_t modeUdpTransport{0};                 ///< UDP-Encapsulated-Transport (4 or 61444)

    /**
     * What tunnel mode becomes with UDP encapsulation, less tunnel mode
     * (racoon's mode_udp_diff): 2 for the RFC, 61442 for the drafts.
     * @return the difference
     */
    uint16_t ModeDiff() const;
};

/**
 * @ingroup ipsec-ike
 * racoon's natt_fill_options.
 * @param v the version
 * @return its options
 */
IkeNattOptions IkeNattOptionsFor(IkeNattVersion v);

/**
 * @ingroup ipsec-ike
 * A NAT-D payload's body (RFC 3947 section 3.2): HASH(CKY-I | CKY-R | IP |
 * Port) with the phase 1's negotiated hash; the address as sent on the wire
 * (4 or 16 bytes), the port in network order.  racoon's natt_hash_addr
 * hashes zeros instead of the address when nat_traversal is "force".
 * @param h the negotiated hash
 * @param icookie the initiator's cookie
 * @param rcookie the responder's cookie
 * @param addr the address
 * @param port the UDP port
 * @param zeroAddress hash zeros in place of the address (nat_traversal force)
 * @return the hash
 */
IkeBytes IkeNatDHash(const IkeHashAlg& h,
                     const std::array<uint8_t, 8>& icookie,
                     const std::array<uint8_t, 8>& rcookie,
                     const IpsecAddress& addr,
                     uint16_t port,
                     bool zeroAddress = false);

} // namespace ns3

#endif /* IKE_NATT_H */
