/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The benchmark's sections, one file each, and their sizes.
 */
#ifndef IPSEC_BENCH_SECTIONS_H
#define IPSEC_BENCH_SECTIONS_H

#include "ipsec-bench-framework.h"
#include "ipsec-bench-net.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{
namespace ipsecbench
{

/// The sizes of the sections (the command line's knobs).
struct BenchConfig
{
    uint32_t payload{1400};       ///< UDP payload bytes of every datagram section
    uint32_t datagrams{30000};    ///< datagrams of the 1-hop, gateway and OpenSSL sections
    uint32_t maxPolicies{100000}; ///< the SPD sweep's largest size
    uint32_t maxFlows{10000};     ///< the SPD sweep's cap on distinct flows
    uint32_t spdDatagrams{20000}; ///< datagrams per SPD run
    uint32_t maxSas{1000000};     ///< the SAD sweep's largest size
    uint32_t sadDatagrams{20000}; ///< datagrams per SAD run
    uint32_t maxSpokes{10000};    ///< the hub-and-spoke sweep's largest size
    uint32_t hubDatagrams{20000}; ///< datagrams per hub-and-spoke run, all spokes together
    uint64_t tcpBytes{20000000};  ///< bytes of the TCP transfer
};

/// One protection of the 1-hop section (and its OpenSSL-alone twin).
struct ProtectionCase
{
    std::string name;  ///< the row's variant, e.g. "esp-aes-gcm-16"
    Protection p;      ///< what setkey configures
    bool compressible; ///< the payload is text (else random bytes)
    Target target;     ///< the project's goal for its ratio to plain ns-3
};

/**
 * The protections of the 1-hop section, in order.
 * @return the cases
 */
std::vector<ProtectionCase> OneHopCases();

/**
 * The param column of the datagram sections.
 * @param payload bytes
 * @param datagrams how many
 * @return e.g. "1400 B x 30000"
 */
std::string DatagramParam(uint32_t payload, uint64_t datagrams);

/**
 * The sizes of a sweep: 1, 10, 100, ... up to @p max (and @p max itself
 * when it is not a power of ten), from @p first.
 * @param first the smallest size
 * @param max the largest
 * @return the sizes
 */
std::vector<uint32_t> Decades(uint32_t first, uint32_t max);

/**
 * Section 1 ("1hop"): per-datagram cost between two hosts, plain ns-3,
 * the hooks only, and every protection of OneHopCases.  With
 * @p withOpenssl the variants of section 3 ("openssl") run interleaved
 * with these, each next to its protection, so that the module's own work
 * (AddModuleWork) is a difference within each repetition.
 * @param bench the runner
 * @param cfg the sizes
 * @param withOpenssl run section 3's variants with these
 */
void RunOneHopSection(Bench& bench, const BenchConfig& cfg, bool withOpenssl);
/**
 * Section 2 ("gateways"): host - gateway - gateway - host, plain and an
 * ESP aes-gcm-16 tunnel between the gateways.
 * @param bench the runner
 * @param cfg the sizes
 */
void RunGatewaySection(Bench& bench, const BenchConfig& cfg);
/**
 * Section 3 ("openssl"): the cryptography and compression of each
 * protection of OneHopCases, OpenSSL's EVP API and zlib called directly.
 * @param bench the runner
 * @param cfg the sizes
 */
void RunOpensslSection(Bench& bench, const BenchConfig& cfg);
/**
 * The title of section 3.
 * @return the title
 */
std::string OpensslTitle();
/**
 * Section 3's variants (rows in section "openssl"), in order, each with
 * its row's name: a protection of OneHopCases (not ESP null, which has no
 * cryptography), then deflate-compressible and deflate-incompressible.
 * @param cfg the sizes (kept by reference)
 * @param random the incompressible payload (kept by reference)
 * @param text the compressible payload (kept by reference)
 * @return the variants
 */
std::vector<std::pair<std::string, Variant>> OpensslVariants(const BenchConfig& cfg,
                                                             const std::vector<uint8_t>& random,
                                                             const std::vector<uint8_t>& text);
/**
 * The derived section "module": each protection's 1-hop cost less plain
 * ns-3's and less OpenSSL's alone, and IPComp with an incompressible
 * payload against ESP and deflate alone; each a difference within every
 * repetition, then the median (when "1hop" ran with "openssl").
 * @param bench the runner
 * @param cfg the sizes
 */
void AddModuleWork(Bench& bench, const BenchConfig& cfg);
/**
 * Section 4 ("spd"): SPD sweeps at a host and at a gateway, few and many
 * flows.
 * @param bench the runner
 * @param cfg the sizes
 */
void RunSpdSection(Bench& bench, const BenchConfig& cfg);
/**
 * Section 5 ("sad"): SAD sweep: time and memory to add SAs, one ESP
 * flow's cost with them installed.
 * @param bench the runner
 * @param cfg the sizes
 */
void RunSadSection(Bench& bench, const BenchConfig& cfg);
/**
 * Section 6 ("hub"): hub and spoke gateways.
 * @param bench the runner
 * @param cfg the sizes
 */
void RunHubSection(Bench& bench, const BenchConfig& cfg);
/**
 * Section 7 ("tcp"): a bulk TCP transfer through ESP aes-gcm-16 and plain.
 * @param bench the runner
 * @param cfg the sizes
 */
void RunTcpSection(Bench& bench, const BenchConfig& cfg);

} // namespace ipsecbench
} // namespace ns3

#endif /* IPSEC_BENCH_SECTIONS_H */
