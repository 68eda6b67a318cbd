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

/// One phase-1 transform, decoded.
struct IkePh1Transform
{
    uint8_t number{0};
    uint16_t cipher{0};  ///< Oakley encryption algorithm
    uint16_t keyBits{0}; ///< 0: the cipher's default
    uint16_t hash{0};    ///< Oakley hash algorithm
    uint16_t auth{0};    ///< Oakley authentication method
    uint16_t group{0};   ///< Oakley group
    uint32_t lifeSeconds{0};

    /// "3des/sha1/psk/modp1024/28800s"
    std::string ToString() const;
};

/// The initiator's phase-1 SA payload for remote block @p rm.
IsakmpSa IkePhase1Offer(const RacoonRemote& rm);
/// Decodes an ISAKMP transform (false with @p why when an attribute is bad or missing).
bool IkeDecodePh1Transform(const IsakmpTransform& t, IkePh1Transform* out, std::string* why);
/// The transform of @p p, encoded (the responder echoes the chosen one).
IsakmpTransform IkeEncodePh1Transform(const IkePh1Transform& p);
/**
 * The responder's choice among the offered @p sa for remote block @p rm:
 * false (with @p why) when nothing matches (NO-PROPOSAL-CHOSEN).
 */
bool IkeSelectPhase1(const IsakmpSa& sa,
                     const RacoonRemote& rm,
                     IkePh1Transform* chosen,
                     std::string* why);

/// One protocol of a phase-2 proposal (an SA to install), decoded.
struct IkePh2Sa
{
    IpsecProto proto{IpsecProto::ESP};
    IpsecMode mode{IpsecMode::TRANSPORT};
    uint8_t transformId{0}; ///< ESP cipher, AH algorithm, IPComp algorithm (ISAKMP ids)
    uint16_t authAlg{0};    ///< IPsec DOI authentication algorithm (0 none)
    uint16_t keyBits{0};    ///< cipher key length attribute (0: none)
    uint32_t spi{0};        ///< the SPI (or CPI) the receiving side of the offer chose
};

/// A phase-2 proposal: the protocols of one bundle, with one transform each.
struct IkePh2Proposal
{
    std::vector<IkePh2Sa> sas;
    uint32_t lifeSeconds{0};
    uint16_t pfsGroup{0}; ///< 0: no PFS

    /// "esp/transport 3des hmac-sha1; ... 28800s pfs modp1024"
    std::string ToString() const;
};

/**
 * The phase-2 proposals for the policy requests @p requests and sainfo
 * @p si: every combination of the sainfo's algorithm lists (cipher x
 * authentication for ESP, authentication for AH, compression for IPComp),
 * each with @p spis (one per request, in request order) as the SPIs.
 */
std::vector<IkePh2Proposal> IkePhase2Proposals(const std::vector<IpsecRequest>& requests,
                                               const RacoonSainfo& si,
                                               const std::vector<uint32_t>& spis);
/// The SA payload offering @p proposals (proposal numbers from 1, transforms in order).
IsakmpSa IkeEncodePhase2(const std::vector<IkePh2Proposal>& proposals);
/**
 * Decodes the phase-2 SA payload @p sa into its alternatives (one per
 * proposal number; a proposal number with several protocols is a bundle,
 * one alternative per combination of their transforms).
 */
bool IkeDecodePhase2(const IsakmpSa& sa, std::vector<IkePh2Proposal>* out, std::string* why);
/**
 * The responder's choice: the first offered alternative (in @p offered's
 * order) equal, protocol by protocol, to one of @p mine, with a lifetime
 * @p check ("obey", "strict", "claim", "exact") accepts and the same PFS
 * group; the chosen one has the offer's SPIs and the lifetime to use.
 */
bool IkeSelectPhase2(const std::vector<IkePh2Proposal>& offered,
                     const std::vector<IkePh2Proposal>& mine,
                     const std::string& check,
                     IkePh2Proposal* chosen,
                     std::string* why);

/// PF_KEY's algorithm numbers and key lengths of a negotiated SA.
struct IkeSadbAlgorithms
{
    uint8_t satype{0};
    uint8_t encrypt{0}; ///< SADB_EALG_* (ESP) or SADB_X_CALG_* (IPComp)
    uint8_t auth{0};    ///< SADB_AALG_*
    uint32_t encKeyBytes{0};
    uint32_t authKeyBytes{0};
};

/// False (with @p why) when the model has no such algorithm.
bool IkeSadbAlgorithmsOf(const IkePh2Sa& sa, IkeSadbAlgorithms* out, std::string* why);

} // namespace ns3

#endif /* IKE_PROPOSAL_H */
