/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * libFuzzer targets esp-input, ah-input and ipcomp-input (this file built
 * three times, IPSEC_FUZZ_PROTO 50, 51 or 108): the input's bytes are the
 * payload of an IPv4 or IPv6 datagram with protocol ESP, AH or IPComp from
 * the peer to the victim of datapath-scenario.h, which has SAs for every
 * algorithm; the datagram enters through V's point-to-point device, so it
 * takes the whole receive path (ns-3's IP input, IpsecL4Protocol or
 * IpsecIpv6Extension, IpsecStack::Decapsulate, the re-injection of what is
 * inside, the inbound policy check, the sockets).
 *
 * The input:
 *   byte 0   flags
 *            bit 0     IPv6 (else IPv4)
 *            bit 1     put the SPI (ESP, AH) or CPI (IPComp) of SA number
 *                      byte 1 (modulo the SAs of this protocol and family,
 *                      in SaTable() order) into the payload, which is
 *                      lengthened with zeros to hold it
 *            bit 2     the outer header carries ECN CE
 *            bit 3     the outer source is a third party (10.0.0.77,
 *                      fd00::77), not the SAs' peer
 *            bits 4-5  the datagram is delivered 1 + n times (replays)
 *            bit 6     IPv4: DF set; IPv6: a Destination Options header
 *                      (PadN) in front of the IPsec header
 *   byte 1   SA number (bit 1)
 *   byte 2   V's knobs (DecodeKnobs: ECN, KAME's decapsulation history,
 *            ah_cleartos, checksums)
 *   rest     the payload (at most 65000 bytes are used)
 *
 * Checks: datapath-scenario.h's (counters and Drop traces agree, no
 * delivery without the transforms the port requires, every datagram
 * accounted for).
 *
 * Seeds: DATAPATH_FUZZER_SEEDS=DIR ./esp-input-fuzzer writes the corpora of
 * all four data-path fuzzers (fuzz/datapath-seeds/) and exits; see
 * datapath-seeds.cc.
 */
#include "datapath-scenario.h"
#include "ns3/simulator.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#ifndef IPSEC_FUZZ_PROTO
#error "IPSEC_FUZZ_PROTO (50, 51 or 108) must be defined"
#endif

using namespace ipsecfuzz;

namespace
{

constexpr uint8_t PROTO = IPSEC_FUZZ_PROTO;
constexpr size_t MAX_PAYLOAD = 65000;

/// Writes @p id (SPI, or CPI for IPComp) where the protocol carries it.
void
PutId(Bytes& payload, uint32_t id)
{
    size_t off = PROTO == 50 ? 0 : PROTO == 51 ? 4 : 2;
    size_t len = PROTO == 108 ? 2 : 4;
    if (payload.size() < off + len)
    {
        payload.resize(off + len, 0);
    }
    for (size_t i = 0; i < len; ++i)
    {
        payload[off + i] = static_cast<uint8_t>(id >> (8 * (len - 1 - i)));
    }
}

Bytes
Datagram(uint8_t flags, const Bytes& payload)
{
    bool v6 = flags & 0x01;
    bool ce = flags & 0x04;
    bool third = flags & 0x08;
    bool extra = flags & 0x40;
    Bytes d;
    if (!v6)
    {
        d = {0x45,
             static_cast<uint8_t>(ce ? 0x03 : 0x00),
             0,
             0,
             0x12,
             0x34,
             static_cast<uint8_t>(extra ? 0x40 : 0x00),
             0,
             64,
             PROTO,
             0,
             0,
             10,
             0,
             0,
             static_cast<uint8_t>(third ? 77 : 1),
             10,
             0,
             0,
             2};
        d.insert(d.end(), payload.begin(), payload.end());
        FixLength(d);
        FixIpv4Checksum(d);
        return d;
    }
    // Traffic class 0x03 (CE) spans the first two bytes.
    d = {0x60,
         static_cast<uint8_t>(ce ? 0x30 : 0x00),
         0,
         0,
         0,
         0,
         static_cast<uint8_t>(extra ? 60 : PROTO),
         64};
    const uint8_t src[16]
        = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, static_cast<uint8_t>(third ? 0x77 : 1)};
    const uint8_t dst[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    d.insert(d.end(), src, src + 16);
    d.insert(d.end(), dst, dst + 16);
    if (extra)
    {
        // Destination Options, 8 bytes: PadN of 4 (RFC 8200 section 4.2).
        Bytes opts = {PROTO, 0, 1, 4, 0, 0, 0, 0};
        d.insert(d.end(), opts.begin(), opts.end());
    }
    d.insert(d.end(), payload.begin(), payload.end());
    FixLength(d);
    return d;
}

} // namespace

extern "C" int
LLVMFuzzerInitialize(int*, char***)
{
    InitializeFromEnvironment();
    return 0;
}

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 3)
    {
        return 0;
    }
    uint8_t flags = data[0];
    Bytes payload(data + 3, data + std::min(size, MAX_PAYLOAD + 3));
    if (flags & 0x02)
    {
        std::vector<const SaRow*> rows = SaRows(PROTO, flags & 0x01);
        PutId(payload, rows[data[1] % rows.size()]->WireId());
    }
    Bytes datagram = Datagram(flags, payload);
    uint32_t copies = 1 + ((flags >> 4) & 0x03);
    Scenario::RunInput(DecodeKnobs(data[2]),
                       [&](Scenario& scenario)
                       {
                           for (uint32_t i = 0; i < copies; ++i)
                           {
                               scenario.Inject(datagram, ns3::MilliSeconds(1 + i), false, true);
                           }
                       });
    return 0;
}
