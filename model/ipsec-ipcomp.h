// SPDX-License-Identifier: GPL-2.0-only
/*
 * IPComp (RFC 3173 / RFC 2393 header, RFC 2394 deflate; KAME
 * ipcomp_output/ipcomp4_input/ipcomp6_input and ipcomp_core.c rules):
 *   [next header 1][flags 1 = 0][CPI 2][compressed payload]
 *
 * Output: the CPI on the wire is the algorithm number (well-known CPI, 2 for
 * deflate) unless the SA has the RAWCPI flag (setkey -R), then the low 16
 * bits of the SPI; an SPI >= 0x10000 drops the packet (out_inval).  Payloads
 * shorter than 90 bytes are left alone (no header, no counters).  Deflate is
 * raw (RFC 1951, no zlib header or Adler-32), window 2^12, default level,
 * memory level 9.  out_comphist[alg] counts every compression; a result
 * larger than the original is thrown away and the original sent without
 * IPComp header (equal size is still sent compressed); otherwise the header
 * is inserted and out_success counted.
 *
 * Input: the caller resolves the algorithm from the CPI (AlgorithmForCpi:
 * CPI < 256 is the algorithm number without any SA lookup; CPI >= 256 is
 * looked up in the SAD as (dst, IPComp, CPI)).  Decompression accepts a
 * 2^15 window and is bounded: the output never exceeds the maximum IP
 * datagram (65535 bytes), a stream that would inflate further is dropped as
 * soon as it crosses the limit (in_inval), as are garbage, truncated
 * streams and bytes after the end of the stream.  in_comphist[alg] counts
 * each decompression, the packet gets the DECRYPTED mark; in_success is
 * left to the caller (as for ESP and AH).
 */
#ifndef IPSEC_IPCOMP_H
#define IPSEC_IPCOMP_H

#include "ipsec-sa.h"
#include "ipsec-transform.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-transforms
 * The IPComp transform (RFC 3173; KAME ipcomp_output, ipcomp4_input/
 * ipcomp6_input): the payload deflated behind a 4-byte header carrying the
 * next header and the CPI, or sent as it was when short or incompressible.
 */
class IpsecIpcomp : public IpsecTransform
{
  public:
    /// Bytes of the IPComp header.
    static constexpr uint32_t HEADER_SIZE = 4;
    /// Shortest payload KAME compresses (ipcomp_algorithms[].minplen of deflate).
    static constexpr uint32_t MIN_PAYLOAD = 90;
    /// CPIs below this are well-known (the algorithm number), IPCOMP_CPI_NEGOTIATE_MIN.
    static constexpr uint16_t CPI_NEGOTIATE_MIN = 256;
    /// Largest decompressed payload ever produced (IP_MAXPACKET).
    static constexpr uint32_t MAX_DECOMPRESSED = 65535;

    /**
     * Compresses a payload in place and prepends the IPComp header.  The
     * result is at most 4 bytes longer than the input.
     * @param sa the SA (algorithm, CPI, flags)
     * @param packet the bytes after the insertion point
     * @param nextHeader the protocol the IPComp header carries
     * @param stats the family's counters
     * @param applied if not null, set on success to whether the header was
     *        added: false when the transform was skipped (payload shorter than
     *        MIN_PAYLOAD: no counters; compressed payload larger than the
     *        original: out_comphist counted); the packet is then unchanged
     *        and the caller keeps its next header
     * @param codec the node's deflate streams to reuse, or nullptr for a
     *        stream of its own
     * @return success, or a failed verdict (out_inval counted; drop the
     *         packet): SPI >= 0x10000, no usable algorithm, or a compressor error
     */
    static IpsecVerdict Compress(const IpsecSa& sa,
                                 Ptr<Packet>& packet,
                                 uint8_t nextHeader,
                                 IpsecStats& stats,
                                 bool* applied,
                                 IpsecDeflate* codec = nullptr);

    /**
     * The CPI of an IPComp packet.
     * @param packet the packet, starting with an IPComp header; the caller
     *        checked that it holds at least HEADER_SIZE bytes (else in_inval)
     * @return the CPI (host order)
     */
    static uint16_t PeekCpi(Ptr<const Packet> packet);
    /**
     * The next-header field of an IPComp header.
     * @param packet the packet, starting with an IPComp header of HEADER_SIZE bytes
     * @return the next-header field
     */
    static uint8_t PeekNextHeader(Ptr<const Packet> packet);

    /**
     * The algorithm a received CPI designates (ipcomp4_input).  Only deflate
     * (2) is implemented; oui (1) and lzs (3) give nullptr like KAME's
     * ipcomp_algorithm_lookup.
     * @param cpi the CPI: below 256 the algorithm number itself
     * @param saOrNull for a CPI of 256 or more, the SAD hit for (dst, IPComp,
     *        CPI), whose algorithm counts when it is mature or dying (else
     *        the CPI is tried as algorithm number, which never exists);
     *        ignored for a CPI below 256
     * @return the algorithm, or nullptr for an unknown CPI (the caller
     *         counts in_nosa and drops)
     */
    static const IpsecCompAlgorithm* AlgorithmForCpi(uint16_t cpi, Ptr<IpsecSa> saOrNull);

    /**
     * Decompresses and strips IPComp in place; counts in_comphist[algorithm]
     * (in_success is the caller's).
     * @param algorithm the algorithm (AlgorithmForCpi)
     * @param packet starts with the IPComp header; on success, what followed it
     *        decompressed; on failure left as it was
     * @param nextHeader set from the header
     * @param marks DECRYPTED is added
     * @param stats the family's counters
     * @param maxSize bound on the decompressed payload (clamped to
     *        MAX_DECOMPRESSED); 65535 minus the IPv4 header length reproduces
     *        KAME's ip_len overflow check exactly
     * @param codec the node's inflate streams to reuse, or nullptr for a
     *        stream of its own
     * @return success, or the failed verdict whose counter has been
     *         incremented: in_inval (short packet, bad/truncated stream,
     *         trailing bytes, result larger than @p maxSize), in_nosa
     *         (@p algorithm unknown), in_nomem (zlib could not allocate its state)
     */
    static IpsecVerdict Decompress(uint8_t algorithm,
                                   Ptr<Packet>& packet,
                                   uint8_t* nextHeader,
                                   uint8_t* marks,
                                   IpsecStats& stats,
                                   uint32_t maxSize = MAX_DECOMPRESSED,
                                   IpsecDeflate* codec = nullptr);

    IpsecProto GetProto() const override;
    std::string InitState(IpsecSa& sa, IpsecIcvTruncation truncation) const override;
    uint32_t HeaderOverhead(const IpsecSa* sa, bool ipv6) const override;
    /**
     * Compress; the SA's lifetime counts the uncompressed bytes (KAME).
     * @param sa the outbound SA
     * @param out the datagram and what the loop knows about it
     * @return success, or the failed verdict (counted; drop the datagram)
     */
    IpsecVerdict Output(IpsecSa& sa, IpsecTransformOutput& out) const override;
    IpsecVerdict PeekSpi(Ptr<const Packet> packet, IpsecStats& stats, uint32_t* spi) const override;
    /**
     * Whether a CPI names an SA.
     * @param spi the CPI
     * @return true for negotiated CPIs (256 and above) only
     */
    bool SpiNamesSa(uint32_t spi) const override;
    /**
     * Whether a datagram needs an SA.
     * @return false: a well-known CPI needs none
     */
    bool NeedsSa() const override;
    /**
     * ipcomp4_input: nested IPComp refused, the algorithm from the CPI
     * (AlgorithmForCpi), then Decompress bounded by the IP datagram size.
     * @param sa the SA of a negotiated CPI, or nullptr
     * @param in the datagram and what the loop knows
     * @return success, or the failed verdict (counted)
     */
    IpsecVerdict Input(IpsecSa* sa, IpsecTransformInput& in) const override;
    /**
     * key_getcomb_ipcomp: every implemented algorithm.
     * @param limits the key engine's limits (not used by IPComp)
     * @param combs the combinations are appended here
     */
    void AddProposalCombs(const IpsecProposalLimits& limits,
                          std::vector<PfKeyComb>* combs) const override;
};

} // namespace ns3

#endif /* IPSEC_IPCOMP_H */
