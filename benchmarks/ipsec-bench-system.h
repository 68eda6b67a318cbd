/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * What the benchmark reports about where it ran (CPU, cores, compiler,
 * build, library versions, git commit) and the process's memory (glibc's
 * heap in use, resident set size).
 */
#ifndef IPSEC_BENCH_SYSTEM_H
#define IPSEC_BENCH_SYSTEM_H

#include <cstddef>
#include <string>

namespace ns3
{
namespace ipsecbench
{

/**
 * The machine and build in one line: CPU model (/proc/cpuinfo), cores,
 * compiler and version, build type and flags, ns-3, OpenSSL and zlib
 * versions, the git commit the build was configured at.
 * @return the line
 */
std::string MachineLine();

/**
 * Bytes of glibc's heap in use (mallinfo2: uordblks, plus hblkhd for the
 * blocks it mmapped).
 * @return the bytes allocated and not freed
 */
size_t HeapInUse();

/**
 * The resident set size (/proc/self/statm).
 * @return bytes, 0 if unknown
 */
size_t ResidentBytes();

/**
 * Memory the system can still give (MemAvailable of /proc/meminfo).
 * @return bytes, 0 if unknown
 */
size_t AvailableBytes();

} // namespace ipsecbench
} // namespace ns3

#endif /* IPSEC_BENCH_SYSTEM_H */
