/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The one interface behind which ESP, AH and IPComp sit, as FreeBSD's
 * struct xformsw and Linux's struct xfrm_type: an SA is matured by its
 * transform, the output and input loops of IpsecStack (ipsec-output.cc,
 * ipsec-decapsulate.cc) call the transform of the SA's protocol without
 * knowing which it is, and the anti-replay check and the lifetime
 * accounting stay in those loops.  Adding a transform is one file
 * implementing IpsecTransform plus one line in IpsecTransform::Get.
 */
#ifndef IPSEC_TRANSFORM_H
#define IPSEC_TRANSFORM_H

#include "ipsec-algorithms.h"
#include "ipsec-stats.h"
#include "ipsec-types.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"
#include "pfkey-message.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ns3
{

class IpsecDeflate;

/**
 * @defgroup ipsec IPsec (KAME)
 * The IPsec model: SPD and SAD, the key engine (PF_KEY), the transforms
 * ESP, AH and IPComp, the glue to ns-3's IPv4 and IPv6 layers, setkey,
 * the IKE daemon and the helpers.  See doc/ipsec.rst.
 */

/**
 * @defgroup ipsec-transforms Transforms and algorithms
 * @ingroup ipsec
 * ESP, AH and IPComp behind one interface (IpsecTransform), the algorithm
 * tables and the crypto backend that computes them, and the IP headers the
 * transforms write and read.
 */

class IpsecSa;

/**
 * @ingroup ipsec-transforms
 * The key engine's limits on what an ACQUIRE proposes (net.key.esp_keymin,
 * net.key.esp_auth, net.key.ah_keymin).
 */
struct IpsecProposalLimits
{
    uint32_t espKeyMin{0}; ///< smallest ESP key in bits
    bool espAuth{false};   ///< propose ESP with authentication
    uint32_t ahKeyMin{0};  ///< smallest AH key in bits
};

/**
 * @ingroup ipsec-transforms
 * The IP header an AH ICV covers, built for a payload of the given length.
 */
using IpsecIcvHeaderBuilder = std::function<std::vector<uint8_t>(uint32_t payloadLength)>;

/**
 * @ingroup ipsec-transforms
 * What a transform's Output works on: the bytes behind the insertion point
 * of one datagram, and what the output loop knows about the header in front.
 */
struct IpsecTransformOutput
{
    /// In: the bytes behind the insertion point; out: with the transform applied.
    Ptr<Packet> packet;
    /// The protocol the transform's header will carry (the header in front's protocol).
    uint8_t nextHeader{0};
    /// Family of the IP header in front (AH aligns to 64 bits behind IPv6).
    bool ipv6{false};
    /// Size of that IP header with its extension headers (lifetime accounting).
    uint32_t headerSize{0};
    /// The family's counters (ipsecstat / ipsec6stat).
    IpsecStats* stats{nullptr};
    /// The node's stream for IVs and random padding.
    Ptr<UniformRandomVariable> rng;
    /// The node's deflate streams (IPComp), reused from datagram to datagram;
    /// nullptr: a stream of its own for each datagram.
    IpsecDeflate* deflate{nullptr};
    /// The node's scratch buffer for building the transformed bytes (ESP, AH;
    /// reused from datagram to datagram); nullptr: a buffer of its own.
    std::vector<uint8_t>* scratch{nullptr};
    /// Transforms that cover the IP header (AH): that header, as the ICV sees it.
    IpsecIcvHeaderBuilder icvHeader;
    /// Out: false when the transform left the packet as it was (IPComp of a
    /// short or incompressible payload); the header in front keeps its protocol.
    bool applied{true};
    /// Out: the bytes KAME counts against the SA's byte lifetime.
    uint32_t lifetimeBytes{0};
};

/**
 * @ingroup ipsec-transforms
 * The anti-replay step of the input loop (ipsec_chkreplay before
 * authentication, ipsec_updatereplay after it), kept out of the transforms:
 * the loop checks the sequence number before calling Input, and the
 * transform calls Advance once the datagram is authenticated.
 */
class IpsecInboundReplay
{
  public:
    /// A step that is not armed: Check and Advance accept everything.
    IpsecInboundReplay() = default;
    /**
     * Arms the step for one datagram.
     * @param sa the SA whose window is checked and advanced
     * @param seq the datagram's sequence number
     * @param stats the family's counters
     * @param counter the transform's replay counter (in_espreplay or in_ahreplay)
     */
    IpsecInboundReplay(IpsecSa* sa, uint32_t seq, IpsecStats* stats, IpsecStatsField counter);
    /**
     * ipsec_chkreplay.
     * @return success, or a failed verdict (counted) for a replayed or too old number
     */
    IpsecVerdict Check() const;
    /**
     * ipsec_updatereplay, called by the transform after authentication (a
     * no-op when the step is not armed).
     * @return success, or a failed verdict (counted) when the number was
     *         replayed meanwhile
     */
    IpsecVerdict Advance() const;

  private:
    IpsecSa* m_sa{nullptr};
    uint32_t m_seq{0};
    IpsecStats* m_stats{nullptr};
    IpsecStatsField m_counter{};
};

/**
 * @ingroup ipsec-transforms
 * What a transform's Input works on: a datagram starting with the
 * transform's header, as the input loop found it.
 */
struct IpsecTransformInput
{
    /// In: starts with the transform's header; out: what follows it.
    Ptr<Packet> packet;
    /// Family of the outer IP header.
    bool ipv6{false};
    /// Size of the outer IP header (IPComp's bound on the decompressed size).
    uint32_t outerHeaderSize{0};
    /// The family's counters.
    IpsecStats* stats{nullptr};
    /// Transforms that cover the IP header (AH): the outer header as the ICV sees it.
    IpsecIcvHeaderBuilder icvHeader;
    /// The anti-replay step (never null when Input is called).
    const IpsecInboundReplay* replay{nullptr};
    /// The SPI or CPI found by PeekSpi.
    uint32_t spi{0};
    /// The node's inflate streams (IPComp); nullptr: a stream per datagram.
    IpsecDeflate* deflate{nullptr};
    /// The node's scratch buffer for the datagram's bytes (ESP, AH); nullptr:
    /// a buffer of its own.
    std::vector<uint8_t>* scratch{nullptr};
    /// Out: the protocol of what follows the transform's header.
    uint8_t nextHeader{0};
    /// Out: IpsecHistoryTag::Mark bits the transform earned (decrypted, authenticated).
    uint8_t marks{0};
};

/**
 * @ingroup ipsec-transforms
 * One IPsec transform (ESP, AH, IPComp).  Stateless: the per-SA state
 * (keys, crypto contexts, sequence numbers) lives in IpsecSa, which the
 * transform initialises once (InitState) and then gets with every packet.
 * Failed verdicts have incremented the KAME counter they name.
 */
class IpsecTransform
{
  public:
    virtual ~IpsecTransform() = default;

    /**
     * The transform table.
     * @param proto ESP, AH or IPCOMP
     * @return the transform of @p proto (one immutable instance per protocol)
     */
    static const IpsecTransform& Get(IpsecProto proto);

    /**
     * The transform's protocol.
     * @return the IP protocol number of the transform's header
     */
    virtual IpsecProto GetProto() const = 0;

    /**
     * key_mature's per-protocol part: checks the algorithms and keys of
     * @p sa (params), builds its crypto contexts and sets its ICV length.
     * @param sa the SA being matured
     * @param truncation how HMAC-SHA-2 ICVs are truncated (IcvTruncation)
     * @return "" when the SA is valid, else why not (setkey's message)
     */
    virtual std::string InitState(IpsecSa& sa, IpsecIcvTruncation truncation) const = 0;

    /**
     * ipsec_hdrsiz's share of this transform: the most bytes it adds.
     * @param sa the outbound SA, or nullptr when none is known yet (then
     *        the largest any algorithm needs)
     * @param ipv6 family of the header in front
     * @return the bytes
     */
    virtual uint32_t HeaderOverhead(const IpsecSa* sa, bool ipv6) const = 0;

    /**
     * Whether the transform's integrity check covers the IP header in front
     * (AH): the output loop then fixes that header and passes it.
     * @return true for AH
     */
    virtual bool CoversIpHeader() const;

    /**
     * Applies the transform of @p sa to out.packet (the output half of
     * xf_output / xfrm_type.output); counts out_success and the histogram.
     * @param sa the outbound SA
     * @param out the datagram and what the loop knows about it
     * @return success, or the failed verdict (counted; drop the datagram)
     */
    virtual IpsecVerdict Output(IpsecSa& sa, IpsecTransformOutput& out) const = 0;

    /**
     * The length checks that precede the SA lookup, and the SPI (or CPI)
     * of a received datagram.
     * @param packet the datagram, starting with the transform's header
     * @param stats the family's counters
     * @param spi set to the SPI or CPI
     * @return success, or the failed verdict (counted)
     */
    virtual IpsecVerdict PeekSpi(Ptr<const Packet> packet,
                                 IpsecStats& stats,
                                 uint32_t* spi) const = 0;

    /**
     * Whether an SPI designates an SA to look up.
     * @param spi the SPI or CPI PeekSpi found
     * @return false for IPComp's well-known CPIs below 256
     */
    virtual bool SpiNamesSa(uint32_t spi) const;
    /**
     * Whether a datagram needs an SA at all.
     * @return true when a datagram whose SA is not found is dropped (in_nosa)
     */
    virtual bool NeedsSa() const;

    /**
     * The checks between the SA lookup and the replay check, and the
     * sequence number to check.
     * @param sa the SA found
     * @param packet the datagram, starting with the transform's header
     * @param stats the family's counters
     * @param seq set to the sequence number
     * @param check set to false when @p sa keeps no replay state for this
     *        datagram (ESP without authentication, IPComp)
     * @return success, or the failed verdict (counted)
     */
    virtual IpsecVerdict PeekSequence(const IpsecSa& sa,
                                      Ptr<const Packet> packet,
                                      IpsecStats& stats,
                                      uint32_t* seq,
                                      bool* check) const;

    /**
     * The counter of replayed datagrams.
     * @return in_espreplay, in_ahreplay, or none
     */
    virtual IpsecStatsField ReplayCounter() const;

    /**
     * Verifies and removes the transform (xf_input / xfrm_type.input).
     * @param sa the SA found (nullptr only when NeedsSa() is false)
     * @param in the datagram and what the loop knows; in.replay->Advance()
     *        is called once the datagram is authenticated
     * @return success (in_success is the loop's), or the failed verdict
     */
    virtual IpsecVerdict Input(IpsecSa* sa, IpsecTransformInput& in) const = 0;

    /**
     * key_getcomb_*: the algorithm combinations an ACQUIRE proposes for this
     * protocol, within the key engine's limits.
     * @param limits the key engine's limits
     * @param combs the combinations are appended here
     */
    virtual void AddProposalCombs(const IpsecProposalLimits& limits,
                                  std::vector<PfKeyComb>* combs) const = 0;
};

/**
 * @ingroup ipsec-transforms
 * The authentication algorithms KAME proposes in an ACQUIRE for AH and for
 * ESP with authentication (key_getcomb_ah).
 * @return hmac-md5, hmac-sha1
 */
std::vector<const IpsecAuthAlgorithm*> IpsecProposalAuthAlgorithms();

} // namespace ns3

#endif /* IPSEC_TRANSFORM_H */
