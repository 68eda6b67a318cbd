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
 * @ingroup ipsec
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
     * Compresses @p packet (the bytes after the insertion point) in place and
     * prepends the IPComp header carrying @p nextHeader.
     *
     * On success *@p applied (if not null) tells whether the header was
     * added: false when the transform was skipped (payload shorter than
     * MIN_PAYLOAD: no counters; compressed payload larger than the original:
     * out_comphist counted), the packet is then unchanged and the caller
     * keeps its next header.  A failed verdict (out_inval counted) means the
     * packet must be dropped: SPI >= 0x10000, no usable algorithm, or a
     * compressor error.  The result is at most 4 bytes longer than the input.
     */
    static IpsecVerdict Compress(const IpsecSa& sa,
                                 Ptr<Packet>& packet,
                                 uint8_t nextHeader,
                                 IpsecStats& stats,
                                 bool* applied);

    /// The CPI (host order) of an IPComp packet; the caller checked that
    /// the packet holds at least HEADER_SIZE bytes (else in_inval).
    static uint16_t PeekCpi(Ptr<const Packet> packet);
    /// The next-header field of an IPComp header (same precondition).
    static uint8_t PeekNextHeader(Ptr<const Packet> packet);

    /**
     * The algorithm a received @p cpi designates (ipcomp4_input):
     * CPI < 256: the CPI itself as algorithm number, @p saOrNull ignored;
     * CPI >= 256: the algorithm of @p saOrNull (the SAD hit for (dst, IPComp,
     * CPI)) when it is mature or dying, else the CPI tried as algorithm
     * number, which never exists.  nullptr means "unknown CPI": the caller
     * counts in_nosa and drops.  Only deflate (2) is implemented; oui (1)
     * and lzs (3) give nullptr like KAME's ipcomp_algorithm_lookup.
     */
    static const IpsecCompAlgorithm* AlgorithmForCpi(uint16_t cpi, Ptr<IpsecSa> saOrNull);

    /**
     * Decompresses and strips IPComp in place (@p packet starts with the
     * IPComp header).  Sets @p nextHeader from the header, adds DECRYPTED
     * to @p marks and counts in_comphist[@p algorithm].  @p maxSize bounds
     * the decompressed payload (clamped to MAX_DECOMPRESSED); the caller
     * may pass 65535 minus the IPv4 header length to reproduce KAME's
     * ip_len overflow check exactly.  On failure the packet is left as it
     * was and the counter named by the verdict has been incremented:
     * in_inval (short packet, bad/truncated stream, trailing bytes, result
     * larger than @p maxSize), in_nosa (@p algorithm unknown), in_nomem
     * (zlib could not allocate its state).  in_success is the caller's.
     */
    static IpsecVerdict Decompress(uint8_t algorithm,
                                   Ptr<Packet>& packet,
                                   uint8_t* nextHeader,
                                   uint8_t* marks,
                                   IpsecStats& stats,
                                   uint32_t maxSize = MAX_DECOMPRESSED);

    IpsecProto GetProto() const override;
    std::string InitState(IpsecSa& sa, IpsecIcvTruncation truncation) const override;
    uint32_t HeaderOverhead(const IpsecSa* sa, bool ipv6) const override;
    /// Compress, and the SA's lifetime counts the uncompressed bytes (KAME).
    IpsecVerdict Output(IpsecSa& sa, IpsecTransformOutput& out) const override;
    IpsecVerdict PeekSpi(Ptr<const Packet> packet, IpsecStats& stats, uint32_t* spi) const override;
    /// Only negotiated CPIs (256 and above) name an SA.
    bool SpiNamesSa(uint32_t spi) const override;
    /// A well-known CPI needs no SA.
    bool NeedsSa() const override;
    /// ipcomp4_input: nested IPComp refused, the algorithm from the CPI
    /// (AlgorithmForCpi), then Decompress bounded by the IP datagram size.
    IpsecVerdict Input(IpsecSa* sa, IpsecTransformInput& in) const override;
    /// key_getcomb_ipcomp: every implemented algorithm.
    void AddProposalCombs(const IpsecProposalLimits& limits,
                          std::vector<PfKeyComb>* combs) const override;
};

} // namespace ns3

#endif /* IPSEC_IPCOMP_H */
