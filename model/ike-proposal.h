/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IKEv1 proposals as racoon builds and checks them.
 *
 * Phase 1: the initiator offers one ISAKMP proposal whose transforms are the
 * remote block's proposal { } sections, in order; the responder takes the
 * first offered transform that equals one of its own (cipher and key
 * length, hash, authentication method, group) and whose lifetime its
 * proposal_check accepts (racoon's ipsecdoi_checkph1proposal).
 *
 * Phase 2: the offer comes from the security policy's requests (which
 * protocols, in which mode -- racoon's set_proposal_from_policy) and the
 * sainfo's algorithm lists (every combination, as racoon's permutations);
 * the responder builds its own the same way from its inbound policy and
 * accepts the first offered proposal it can match (ipsecdoi_selectph2proposal
 * with proposal_check).
 */
#ifndef IKE_PROPOSAL_H
#define IKE_PROPOSAL_H

#include "ipsec-policy.h"
#include "isakmp-message.h"
#include "racoon-conf.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-ike
 * One phase-1 transform, decoded.
 */
struct IkePh1Transform
{
    uint8_t number{0};       ///< the transform number
    uint16_t cipher{0};      ///< Oakley encryption algorithm
    uint16_t keyBits{0};     ///< 0: the cipher's default
    uint16_t hash{0};        ///< Oakley hash algorithm
    uint16_t auth{0};        ///< Oakley authentication method
    uint16_t group{0};       ///< Oakley group
    uint32_t lifeSeconds{0}; ///< the lifetime in seconds (0: none)

    /**
     * The transform in words.
     * @return e.g. "3des/sha1/psk/modp1024/28800s"
     */
    std::string ToString() const;
};

/**
 * @ingroup ipsec-ike
 * The initiator's phase-1 SA payload: one proposal whose transforms are the
 * remote block's proposal { } sections, in order.
 * @param rm the remote block
 * @return the SA payload
 */
IsakmpSa IkePhase1Offer(const RacoonRemote& rm);
/**
 * @ingroup ipsec-ike
 * Decodes an ISAKMP phase-1 transform.
 * @param t the transform
 * @param out the decoded transform
 * @param why set when an attribute is bad or missing
 * @return false when an attribute is bad or missing
 */
bool IkeDecodePh1Transform(const IsakmpTransform& t, IkePh1Transform* out, std::string* why);
/**
 * @ingroup ipsec-ike
 * Encodes a phase-1 transform (the responder echoes the chosen one).
 * @param p the transform
 * @return the ISAKMP transform
 */
IsakmpTransform IkeEncodePh1Transform(const IkePh1Transform& p);
/**
 * @ingroup ipsec-ike
 * The responder's phase-1 choice (ipsecdoi_checkph1proposal): the first
 * offered transform that equals one of the remote block's and whose
 * lifetime its proposal_check accepts.
 * @param sa the offered SA payload
 * @param rm the remote block
 * @param chosen the transform chosen
 * @param why set when nothing matches
 * @return false when nothing matches (NO-PROPOSAL-CHOSEN)
 */
bool IkeSelectPhase1(const IsakmpSa& sa,
                     const RacoonRemote& rm,
                     IkePh1Transform* chosen,
                     std::string* why);

/**
 * @ingroup ipsec-ike
 * One protocol of a phase-2 proposal (an SA to install), decoded.
 */
struct IkePh2Sa
{
    IpsecProto proto{IpsecProto::ESP};    ///< ESP, AH or IPComp
    IpsecMode mode{IpsecMode::TRANSPORT}; ///< the encapsulation mode
    uint8_t transformId{0}; ///< ESP cipher, AH algorithm, IPComp algorithm (ISAKMP ids)
    uint16_t authAlg{0};    ///< IPsec DOI authentication algorithm (0 none)
    uint16_t keyBits{0};    ///< cipher key length attribute (0: none)
    uint32_t spi{0};        ///< the SPI (or CPI) the receiving side of the offer chose
    /// UDP-encapsulated (RFC 3947 section 5.1): mode is then the mode inside
    /// (racoon's udp_encap with its encmode adjusted back).
    bool udpEncap{false};
};

/**
 * @ingroup ipsec-ike
 * A phase-2 proposal: the protocols of one bundle, with one transform each.
 */
struct IkePh2Proposal
{
    std::vector<IkePh2Sa> sas; ///< the protocols, in request order
    uint32_t lifeSeconds{0};   ///< the lifetime in seconds (0: none)
    uint16_t pfsGroup{0};      ///< 0: no PFS

    /**
     * The proposal in words.
     * @return e.g. "esp/transport 3des hmac-sha1; ... 28800s pfs modp1024"
     */
    std::string ToString() const;
};

/**
 * @ingroup ipsec-ike
 * The phase-2 proposals for a policy (set_proposal_from_policy): every
 * combination of the sainfo's algorithm lists (cipher x authentication for
 * ESP, authentication for AH, compression for IPComp).
 * @param requests the policy's requests
 * @param si the sainfo
 * @param spis the SPIs, one per request, in request order
 * @return the proposals
 */
std::vector<IkePh2Proposal> IkePhase2Proposals(const std::vector<IpsecRequest>& requests,
                                               const RacoonSainfo& si,
                                               const std::vector<uint32_t>& spis);
/**
 * @ingroup ipsec-ike
 * Encodes phase-2 proposals (proposal numbers from 1, transforms in order).
 * A UDP-encapsulated SA's mode is its mode plus @p udpModeDiff (racoon's
 * mode_udp_diff: 2 with RFC 3947, tunnel 1 becoming 3 and transport 2
 * becoming 4; 61442 with the drafts, 61443 and 61444).
 * @param proposals the proposals
 * @param udpModeDiff what UDP encapsulation adds to the mode
 * @return the SA payload offering them
 */
IsakmpSa IkeEncodePhase2(const std::vector<IkePh2Proposal>& proposals, uint16_t udpModeDiff = 2);
/**
 * @ingroup ipsec-ike
 * Decodes a phase-2 SA payload into its alternatives (one per proposal
 * number; a proposal number with several protocols is a bundle, one
 * alternative per combination of their transforms).  The UDP-encapsulated
 * modes (RFC 3947's 3 and 4, the drafts' 61443 and 61444) decode into
 * tunnel or transport with IkePh2Sa::udpEncap set.
 * @param sa the SA payload
 * @param out the alternatives
 * @param why set when the payload is not acceptable
 * @return false when the payload is not acceptable
 */
bool IkeDecodePhase2(const IsakmpSa& sa, std::vector<IkePh2Proposal>* out, std::string* why);
/**
 * @ingroup ipsec-ike
 * The responder's phase-2 choice (ipsecdoi_selectph2proposal): the first
 * offered alternative equal, protocol by protocol, to one of its own, with
 * a lifetime the proposal check accepts and the same PFS group.
 * @param offered the alternatives offered, in order
 * @param mine the responder's own
 * @param check racoon's proposal_check: "obey", "strict", "claim" or "exact"
 * @param chosen the chosen one, with the offer's SPIs and the lifetime to use
 * @param why set when nothing matches
 * @return false when nothing matches (NO-PROPOSAL-CHOSEN)
 */
bool IkeSelectPhase2(const std::vector<IkePh2Proposal>& offered,
                     const std::vector<IkePh2Proposal>& mine,
                     const std::string& check,
                     IkePh2Proposal* chosen,
                     std::string* why);

/**
 * @ingroup ipsec-ike
 * PF_KEY's algorithm numbers and key lengths of a negotiated SA.
 */
struct IkeSadbAlgorithms
{
    uint8_t satype{0};        ///< SADB_SATYPE_*
    uint8_t encrypt{0};       ///< SADB_EALG_* (ESP) or SADB_X_CALG_* (IPComp)
    uint8_t auth{0};          ///< SADB_AALG_*
    uint32_t encKeyBytes{0};  ///< encryption key bytes (of KEYMAT)
    uint32_t authKeyBytes{0}; ///< authentication key bytes (of KEYMAT)
};

/**
 * @ingroup ipsec-ike
 * The PF_KEY algorithms of a negotiated SA.
 * @param sa the SA
 * @param out the algorithms
 * @param why set when the model has no such algorithm
 * @return false when the model has no such algorithm
 */
bool IkeSadbAlgorithmsOf(const IkePh2Sa& sa, IkeSadbAlgorithms* out, std::string* why);

} // namespace ns3

#endif /* IKE_PROPOSAL_H */
