/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * libFuzzer target receive-path: arbitrary bytes as whole IP datagrams
 * (IPv4 or IPv6 by their version nibble: extension headers, fragments,
 * tunnels in tunnels, anything) delivered to a device of the victim of
 * datapath-scenario.h (SAs for every algorithm, policies that require them,
 * UDP and TCP sockets listening, ESP in UDP on port 4500 with a NAT-T SA,
 * a host behind it), one after the other in
 * simulated time, then the simulation runs to completion.
 *
 * The input:
 *   byte 0        V's knobs (DecodeKnobs: ECN, KAME's decapsulation
 *                 history, ah_cleartos, checksums)
 *   then records  [op] [length, 2 bytes big-endian] [length bytes]
 *                 (at most 8; a short last record takes what is left)
 *   op bit 0      fix the IPv4 total length and header checksum / the
 *                 IPv6 payload length before delivery
 *   op bit 1      deliver on V's LAN device (from H's side), else its WAN
 *   op bits 2-4   delay after the previous record: 0, 1 ms, 10 ms, 100 ms,
 *                 1 s, 10 s, 31 s (past IPv4 reassembly's 30 s), 61 s
 *
 * Checks: datapath-scenario.h's (counters and Drop traces agree, nothing
 * reaches V's or H's sockets without the transforms their policies
 * require).
 *
 * Seeds: DATAPATH_FUZZER_SEEDS=DIR ./receive-path-fuzzer writes the
 * corpora (see datapath-seeds.cc).
 */
#include "datapath-scenario.h"
#include "ns3/simulator.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace ipsecfuzz;

namespace
{

constexpr size_t MAX_RECORDS = 8;

const ns3::Time DELAYS[8] = {ns3::Seconds(0),
                             ns3::MilliSeconds(1),
                             ns3::MilliSeconds(10),
                             ns3::MilliSeconds(100),
                             ns3::Seconds(1),
                             ns3::Seconds(10),
                             ns3::Seconds(31),
                             ns3::Seconds(61)};

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
    if (size < 1)
    {
        return 0;
    }
    Scenario::RunInput(DecodeKnobs(data[0]),
                       [&](Scenario& scenario)
                       {
                           ns3::Time at = ns3::MilliSeconds(1);
                           size_t off = 1;
                           size_t records = 0;
                           while (off < size && records < MAX_RECORDS)
                           {
                               uint8_t op = data[off++];
                               size_t len = 0;
                               if (off + 2 <= size)
                               {
                                   len = (size_t(data[off]) << 8) | data[off + 1];
                                   off += 2;
                               }
                               len = std::min(len, size - off);
                               Bytes d(data + off, data + off + len);
                               off += len;
                               if (op & 0x01)
                               {
                                   FixLength(d);
                                   FixIpv4Checksum(d);
                               }
                               at += DELAYS[(op >> 2) & 0x07];
                               scenario.Inject(d, at, op & 0x02, false);
                               records++;
                           }
                       });
    return 0;
}
