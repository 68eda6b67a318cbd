/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-bench-system.h"

#include "ns3/version-defines.h"

#include <fstream>
#include <malloc.h>
#include <openssl/crypto.h>
#include <sstream>
#include <thread>
#include <unistd.h>
#include <zlib.h>

#ifndef IPSEC_BENCH_BUILD_TYPE
#define IPSEC_BENCH_BUILD_TYPE "unknown"
#endif
#ifndef IPSEC_BENCH_CXX_FLAGS
#define IPSEC_BENCH_CXX_FLAGS ""
#endif
#ifndef IPSEC_BENCH_GIT_COMMIT
#define IPSEC_BENCH_GIT_COMMIT "unknown"
#endif

namespace ns3
{
namespace ipsecbench
{

namespace
{

/// The first "model name" of /proc/cpuinfo.
std::string
CpuModel()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
    {
        if (line.rfind("model name", 0) == 0)
        {
            auto colon = line.find(':');
            if (colon != std::string::npos)
            {
                return line.substr(line.find_first_not_of(" \t", colon + 1));
            }
        }
    }
    return "unknown CPU";
}

} // namespace

std::string
MachineLine()
{
    std::ostringstream os;
    os << CpuModel() << ", " << std::thread::hardware_concurrency() << " cores; g++ " << __VERSION__
       << "; " << IPSEC_BENCH_BUILD_TYPE;
    std::string flags = IPSEC_BENCH_CXX_FLAGS;
    if (flags.find_first_not_of(' ') != std::string::npos)
    {
        os << " (" << flags.substr(flags.find_first_not_of(' ')) << ")";
    }
    os << "; ns-3 " << NS3_VERSION_MAJOR << "." << NS3_VERSION_MINOR << " ("
       << NS3_VERSION_BUILD_PROFILE << "); " << OpenSSL_version(OPENSSL_VERSION) << "; zlib "
       << zlibVersion() << "; commit " << IPSEC_BENCH_GIT_COMMIT;
    return os.str();
}

size_t
HeapInUse()
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

size_t
ResidentBytes()
{
    std::ifstream in("/proc/self/statm");
    size_t pages = 0;
    size_t resident = 0;
    if (!(in >> pages >> resident))
    {
        return 0;
    }
    return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

size_t
AvailableBytes()
{
    std::ifstream in("/proc/meminfo");
    std::string key;
    size_t kb = 0;
    std::string unit;
    while (in >> key >> kb >> unit)
    {
        if (key == "MemAvailable:")
        {
            return kb * 1024;
        }
    }
    return 0;
}

} // namespace ipsecbench
} // namespace ns3
