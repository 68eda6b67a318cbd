/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-cpu.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <iterator>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecCpu");
NS_OBJECT_ENSURE_REGISTERED(IpsecCpu);

namespace
{

/**
 * A modexp's exponent-independent work in exponent bits.  Fitted to the
 * reference machine's short-exponent measurements: MODP-1024 with a 160-bit
 * exponent 0.20 M cycles and MODP-2048 with a 225-bit one 0.85 M (the model
 * gives 0.198 M and 0.860 M); MODP-768/160, 1536/200 and 3072/275 come out
 * within 12 %.  The same 80 bits are assumed for the old machines (the
 * window precomputation and Montgomery conversions are modular
 * multiplications, so they scale with the per-bit cost).
 */
constexpr double OVERHEAD_BITS = 80;

/**
 * SHA-256 / SHA-1 cycles per byte in software (no SHA instructions), on the
 * reference machine with SHA-NI masked off: SHA-1 1.02-1.09 GB/s (2.5
 * cycles/byte), SHA-256 0.63 GB/s (4.1 cycles/byte).  Used to estimate
 * SHA-256 on machines that predate it.
 */
constexpr double SHA256_PER_SHA1 = 4.14 / 2.5;

/**
 * SHA-384/512 / SHA-256 cycles per byte on a 32-bit CPU (estimate): 0.625
 * rounds per byte instead of 1, but each 64-bit rotation, addition and
 * logical operation takes two to three 32-bit instructions.
 */
constexpr double SHA512_PER_SHA256_32BIT = 1.8;

/// Cycles per exponent bit from full-length modexp costs (exponent: modulus bits less one).
std::map<uint32_t, double>
PerBit(std::initializer_list<std::pair<const uint32_t, double>> fullCycles)
{
    std::map<uint32_t, double> perBit;
    for (const auto& [bits, cycles] : fullCycles)
    {
        perBit[bits] = cycles / (bits - 1 + OVERHEAD_BITS);
    }
    return perBit;
}

IpsecCpuProfile
Reference2020s()
{
    IpsecCpuProfile p;
    p.name = "Reference2020s";
    p.description
        = "AMD EPYC (Zen 4) under KVM, 2.6 GHz, OpenSSL 3.0; measured. Modexp with a "
          "full-length exponent (constant-time Montgomery micro-benchmark): MODP-768 0.57 M "
          "cycles, 1024 0.91 M, 1536 2.75 M, 2048 6 M, 3072 19 M; short exponents (1024/160 "
          "bits 0.20 M, 2048/225 bits 0.85 M) set the 80-bit overhead. openssl speed, cycles "
          "per byte: AES-128-CBC 1.9 (AES-NI), 3DES 87, DES 33, Blowfish 16.5, MD5 3.6, SHA-1 "
          "1.4, SHA-256 1.6, SHA-384/512 2.6; CAST-128 estimated as Blowfish (not measured). "
          "One-shot calls as racoon makes them: a cipher call (new context, key schedule, IV) "
          "1.2 k cycles, an HMAC call 2.5 k beyond the hashed blocks. IKE message parse/build "
          "80 k cycles (20-50 us). The data path's additions, measured on an Intel Xeon VM at "
          "2.6 GHz (openssl speed -evp, 1024-byte blocks, cycles per byte): AES-128-CTR 0.29, "
          "AES-128-GCM 1.26, ChaCha20-Poly1305 0.73, RIPEMD-160 9.0; zlib's deflate (default "
          "level, 4 KB window, a stream reset per 1400-byte datagram) 64 cycles per input "
          "byte of English text (72 for random bytes), inflate 17 per output byte. ESTIMATE: "
          "2 k cycles per transform and datagram beyond the cryptography (SA lookup, headers, "
          "buffers).";
    p.clockHz = 2.6e9;
    p.modexpCyclesPerExponentBit
        = PerBit({{768, 0.57e6}, {1024, 0.91e6}, {1536, 2.75e6}, {2048, 6.0e6}, {3072, 19e6}});
    p.modexpOverheadBits = OVERHEAD_BITS;
    p.modexpFixedCycles = 0;
    p.cipherCyclesPerByte = {
        {"aes", 1.9},
        {"3des", 87},
        {"des", 33},
        {"blowfish", 16.5},
        {"cast128", 16.5},
        {"aes-ctr", 0.29},
        {"aes-gcm", 1.26},
        {"chacha20-poly1305", 0.73},
    };
    p.cipherCyclesPerMessage = 1200;
    p.hashCyclesPerByte = {
        {"md5", 3.6},
        {"sha1", 1.4},
        {"sha256", 1.6},
        {"sha384", 2.6},
        {"sha512", 2.6},
        {"ripemd160", 9.0},
    };
    p.hmacCyclesPerCall = 2500;
    p.messageCycles = 80e3;
    p.packetCycles = 2000;
    p.deflateCyclesPerByte = 64;
    p.inflateCyclesPerByte = 17;
    return p;
}

/// A machine of the 1990s as SSLeay's `speed` measured it.
struct Historical
{
    const char* name;
    const char* description;
    double clockHz;
    double modexp1024; ///< seconds, full-length exponent
    double modexp2048; ///< seconds, full-length exponent
    double des3;       ///< bytes per second (CBC)
    double blowfish;   ///< bytes per second (CBC)
    double md5;        ///< bytes per second
    double sha1;       ///< bytes per second
};

/**
 * The profile of a historical machine: the measured costs, the others
 * estimated from the nearest documented ratio (DES from 3DES as on the
 * reference machine; AES and CAST-128 as Blowfish; SHA-2 from SHA-1), and
 * the fixed costs (cipher and HMAC calls, IKE messages) as the reference
 * machine's times the machine's ratio of cycles for integer code: the
 * geometric mean of its cycles-per-byte ratios to the reference for 3DES,
 * Blowfish and MD5 (plain integer code on both; AES and SHA-1 use
 * instructions the old machines lack).
 */
IpsecCpuProfile
FromHistorical(const Historical& h, const IpsecCpuProfile& ref)
{
    IpsecCpuProfile p;
    p.name = h.name;
    p.description = h.description;
    p.clockHz = h.clockHz;
    p.modexpCyclesPerExponentBit
        = PerBit({{1024, h.modexp1024 * h.clockHz}, {2048, h.modexp2048 * h.clockHz}});
    p.modexpOverheadBits = OVERHEAD_BITS;
    p.modexpFixedCycles = 0;
    double des3 = h.clockHz / h.des3;
    double blowfish = h.clockHz / h.blowfish;
    double md5 = h.clockHz / h.md5;
    double sha1 = h.clockHz / h.sha1;
    double sha256 = sha1 * SHA256_PER_SHA1;
    p.cipherCyclesPerByte = {
        {"3des", des3},
        {"des", des3 * ref.cipherCyclesPerByte.at("des") / ref.cipherCyclesPerByte.at("3des")},
        {"blowfish", blowfish},
        // Table-driven AES does about as many table look-ups and operations
        // per byte as Blowfish on a 32-bit CPU without AES instructions.
        {"aes", blowfish},
        {"cast128", blowfish},
        {"aes-ctr", blowfish},
        // GHASH with 4-bit tables: about half of table-driven AES's work.
        {"aes-gcm", blowfish * 1.5},
        {"chacha20-poly1305", blowfish},
    };
    p.hashCyclesPerByte = {
        {"md5", md5},
        {"sha1", sha1},
        {"sha256", sha256},
        {"sha384", sha256 * SHA512_PER_SHA256_32BIT},
        {"sha512", sha256 * SHA512_PER_SHA256_32BIT},
        {"ripemd160", sha1 * 1.2},
    };
    double integer = std::cbrt(des3 / ref.cipherCyclesPerByte.at("3des") * blowfish
                               / ref.cipherCyclesPerByte.at("blowfish") * md5
                               / ref.hashCyclesPerByte.at("md5"));
    p.cipherCyclesPerMessage = ref.cipherCyclesPerMessage * integer;
    p.hmacCyclesPerCall = ref.hmacCyclesPerCall * integer;
    p.messageCycles = ref.messageCycles * integer;
    p.packetCycles = ref.packetCycles * integer;
    p.deflateCyclesPerByte = ref.deflateCyclesPerByte * integer;
    p.inflateCyclesPerByte = ref.inflateCyclesPerByte * integer;
    return p;
}

std::vector<IpsecCpuProfile>
BuildProfiles()
{
    std::vector<IpsecCpuProfile> profiles;
    const IpsecCpuProfile ref = Reference2020s();
    profiles.push_back(ref);
    const char* estimates
        = " Estimated: DES as 3DES x 33/87 (the reference's ratio), AES-128 and CAST-128 as "
          "Blowfish, SHA-256 as SHA-1 x 1.66 (software ratio on the reference), SHA-384/512 "
          "as SHA-256 x 1.8 (64-bit words on a 32-bit CPU); cipher and HMAC call and IKE "
          "message costs as the reference's times the integer-code cycle ratio (geometric "
          "mean of 3DES, Blowfish and MD5). Data path: AES-CTR and ChaCha20-Poly1305 as "
          "Blowfish, AES-GCM as Blowfish x 1.5 (GHASH with 4-bit tables), RIPEMD-160 as SHA-1 "
          "x 1.2; the per-datagram work, deflate and inflate as the reference's times the "
          "integer-code cycle ratio.";
    const Historical pentiumPro{
        "PentiumPro200",
        "Intel Pentium Pro, 200 MHz, SSLeay 0.9.0d (speed output in the OpenSSL repository's "
        "historical times/ files). Full-length modexp from RSA private-key (CRT) times: "
        "1024 bits 0.10 s, 2048 bits 0.735 s; 3DES-CBC 1.64 MB/s, Blowfish-CBC 7.1 MB/s, "
        "MD5 32.7 MB/s, SHA-1 15.8 MB/s.",
        200e6,
        0.10,
        0.735,
        1.64e6,
        7.1e6,
        32.7e6,
        15.8e6,
    };
    const Historical pentium{
        "Pentium100",
        "Intel Pentium, 100 MHz, the NetBSD IPsec FAQ's 'slow machine'; SSLeay 0.8 with "
        "assembler (speed output in the OpenSSL repository's historical times/ files). "
        "Full-length modexp from RSA private-key (CRT) times: 1024 bits 0.34 s, 2048 bits "
        "2.47 s (768 about 0.15 s, 1536 about 1.08 s interpolated); 3DES-CBC 0.78 MB/s, "
        "Blowfish-CBC 4.4 MB/s, MD5 18.3 MB/s, SHA-1 7.4 MB/s. Public-key work about 1000 "
        "times the reference's time, symmetric about 35-40 times.",
        100e6,
        0.34,
        2.47,
        0.78e6,
        4.4e6,
        18.3e6,
        7.4e6,
    };
    const Historical mips{
        "MipsR3000_25MHz",
        "MIPS R3000, 25 MHz, a 'very slow' machine; SSLeay 0.9.0b, C only (speed output in "
        "the OpenSSL repository's historical times/ files). Full-length modexp from RSA "
        "private-key (CRT) times: 1024 bits 1.64 s, 2048 bits 12.0 s (768 about 0.7 s, "
        "1536 about 5.2 s interpolated); 3DES-CBC 80 kB/s, Blowfish-CBC 0.41 MB/s, MD5 "
        "1.8 MB/s, SHA-1 0.70 MB/s.",
        25e6,
        1.64,
        12.0,
        80e3,
        0.41e6,
        1.8e6,
        0.70e6,
    };
    for (const Historical* h : {&pentiumPro, &pentium, &mips})
    {
        profiles.push_back(FromHistorical(*h, ref));
        profiles.back().description += estimates;
    }
    // No MODP or symmetric measurements exist for this class: every cost is
    // the R3000's cycle count (both 32-bit, single issue, no fast
    // multiply-accumulate), at 48 MHz.
    IpsecCpuProfile m0 = profiles.back();
    m0.name = "CortexM0_48MHz";
    m0.description
        = "ARM Cortex-M0 microcontroller, 48 MHz. ESTIMATE: no MODP, cipher or hash "
          "measurement; every cycle count is the MIPS R3000's (SSLeay 0.9.0b, C only: "
          "full-length MODP-1024 41 M cycles, MODP-2048 300 M; both 32-bit without fast "
          "multiply-accumulate), so MODP-1024 takes about 0.85 s, MODP-2048 about 6.3 s. "
          "Cross-check: X25519 on a Cortex-M0 takes 3.59 M cycles (Duell et al., High-speed "
          "Curve25519 on 8-bit, 16-bit and 32-bit microcontrollers, DCC 2015), about 40 "
          "times the reference machine's 90 k, close to the R3000's 45 times the reference's "
          "MODP-1024 cycles.";
    m0.clockHz = 48e6;
    profiles.push_back(m0);
    return profiles;
}

/// The shipped profiles (constant once built).
const std::vector<IpsecCpuProfile>&
Profiles()
{
    static const std::vector<IpsecCpuProfile> profiles = BuildProfiles();
    return profiles;
}

/// The block structure of a hash (Merkle-Damgard padding).
struct HashGeometry
{
    const char* name;
    uint32_t block;       ///< bytes per compression
    uint32_t digest;      ///< output bytes
    uint32_t lengthField; ///< bytes of the message length in the last block
};

const HashGeometry HASHES[] = {
    {"md5", 64, 16, 8},
    {"sha1", 64, 20, 8},
    {"sha256", 64, 32, 8},
    {"sha384", 128, 48, 16},
    {"sha512", 128, 64, 16},
    {"ripemd160", 64, 20, 8},
};

/// Bytes the compression function processes for a @p bytes message: the
/// message, the 0x80 byte and the length field, rounded up to blocks.
double
PaddedBytes(const HashGeometry& h, double bytes)
{
    return std::ceil((bytes + 1 + h.lengthField) / h.block) * h.block;
}

std::string
JoinKeys(const std::map<std::string, double>& table)
{
    std::string s;
    for (const auto& [k, v] : table)
    {
        s += (s.empty() ? "" : ", ") + k;
    }
    return s;
}

/**
 * Cycles per exponent bit for a @p bits modulus: the table's value, or a
 * straight line on a log-log scale through the neighbouring sizes (the two
 * smallest or largest outside the table).  One size only: per-bit cost
 * proportional to the square of the modulus length (schoolbook
 * multiplication).
 */
double
ModexpPerBit(const std::map<uint32_t, double>& table, uint32_t bits)
{
    if (table.empty() || bits == 0)
    {
        return 0;
    }
    if (table.size() == 1)
    {
        double r = double(bits) / table.begin()->first;
        return table.begin()->second * r * r;
    }
    auto hi = table.lower_bound(bits);
    if (hi != table.end() && hi->first == bits)
    {
        return hi->second;
    }
    if (hi == table.begin())
    {
        ++hi;
    }
    else if (hi == table.end())
    {
        --hi;
    }
    auto lo = std::prev(hi);
    if (lo->second <= 0 || hi->second <= 0)
    {
        return 0;
    }
    double slope
        = std::log(hi->second / lo->second) / std::log(double(hi->first) / double(lo->first));
    return lo->second * std::pow(double(bits) / lo->first, slope);
}

} // namespace

const IpsecCpuProfile*
IpsecCpuProfile::Find(const std::string& name)
{
    for (const IpsecCpuProfile& p : Profiles())
    {
        if (p.name == name)
        {
            return &p;
        }
    }
    return nullptr;
}

std::vector<std::string>
IpsecCpuProfile::Names()
{
    std::vector<std::string> names;
    for (const IpsecCpuProfile& p : Profiles())
    {
        names.push_back(p.name);
    }
    return names;
}

TypeId
IpsecCpu::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::IpsecCpu")
              .SetParent<Object>()
              .SetGroupName("Ipsec")
              .AddConstructor<IpsecCpu>()
              .AddAttribute(
                  "Profile",
                  "The machine: Reference2020s, PentiumPro200, Pentium100 (the 'slow "
                  "machine'), MipsR3000_25MHz ('very slow') or CortexM0_48MHz "
                  "(estimated); an unknown name stops the program.",
                  StringValue("Reference2020s"),
                  MakeStringAccessor(&IpsecCpu::SetProfileName, &IpsecCpu::GetProfileName),
                  MakeStringChecker())
              .AddAttribute("PublicKeyScale",
                            "Multiplies the time of modular exponentiations.",
                            DoubleValue(1),
                            MakeDoubleAccessor(&IpsecCpu::m_publicKeyScale),
                            MakeDoubleChecker<double>(0))
              .AddAttribute("SymmetricScale",
                            "Multiplies the time of ciphers, hashes and PRFs (HMAC).",
                            DoubleValue(1),
                            MakeDoubleAccessor(&IpsecCpu::m_symmetricScale),
                            MakeDoubleChecker<double>(0))
              .AddAttribute("ClockHz",
                            "The clock, overriding the profile's (0: the profile's).",
                            DoubleValue(0),
                            MakeDoubleAccessor(&IpsecCpu::SetOverride<&IpsecCpu::m_clockHz>,
                                               &IpsecCpu::GetOverride<&IpsecCpu::m_clockHz>),
                            MakeDoubleChecker<double>(0))
              .AddAttribute("MessageCycles",
                            "Cycles to parse or build one IKE message, overriding the "
                            "profile's (negative: the profile's).",
                            DoubleValue(-1),
                            MakeDoubleAccessor(&IpsecCpu::SetOverride<&IpsecCpu::m_messageCycles>,
                                               &IpsecCpu::GetOverride<&IpsecCpu::m_messageCycles>),
                            MakeDoubleChecker<double>())
              .AddAttribute(
                  "ModexpFixedCycles",
                  "Cycles added to every modular exponentiation, overriding the "
                  "profile's (negative: the profile's).",
                  DoubleValue(-1),
                  MakeDoubleAccessor(&IpsecCpu::SetOverride<&IpsecCpu::m_modexpFixedCycles>,
                                     &IpsecCpu::GetOverride<&IpsecCpu::m_modexpFixedCycles>),
                  MakeDoubleChecker<double>())
              .AddAttribute(
                  "HmacCyclesPerCall",
                  "Cycles of one PRF (HMAC) call beyond the hashed blocks, overriding "
                  "the profile's (negative: the profile's).",
                  DoubleValue(-1),
                  MakeDoubleAccessor(&IpsecCpu::SetOverride<&IpsecCpu::m_hmacCyclesPerCall>,
                                     &IpsecCpu::GetOverride<&IpsecCpu::m_hmacCyclesPerCall>),
                  MakeDoubleChecker<double>())
              .AddAttribute(
                  "CipherCyclesPerMessage",
                  "Cycles of one cipher call beyond its bytes (context, key schedule, "
                  "IV), overriding the profile's (negative: the profile's).",
                  DoubleValue(-1),
                  MakeDoubleAccessor(&IpsecCpu::SetOverride<&IpsecCpu::m_cipherCyclesPerMessage>,
                                     &IpsecCpu::GetOverride<&IpsecCpu::m_cipherCyclesPerMessage>),
                  MakeDoubleChecker<double>())
              .AddAttribute(
                  "PacketCycles",
                  "Cycles of the data path's fixed work per transform and datagram "
                  "(SA lookup, headers, buffers), overriding the profile's (negative: the "
                  "profile's).",
                  DoubleValue(-1),
                  MakeDoubleAccessor(&IpsecCpu::SetOverride<&IpsecCpu::m_packetCycles>,
                                     &IpsecCpu::GetOverride<&IpsecCpu::m_packetCycles>),
                  MakeDoubleChecker<double>())
              .AddAttribute("DataPath",
                            "Whether ESP, AH and IPComp take simulated time on this node: "
                            "each datagram's transforms are a job on the crypto processor. "
                            "Off, as in KAME's model of zero processing time.",
                            BooleanValue(false),
                            MakeBooleanAccessor(&IpsecCpu::m_dataPath),
                            MakeBooleanChecker())
              .AddAttribute("CryptoCores",
                            "The crypto processor's cores: jobs running at once.",
                            UintegerValue(1),
                            MakeUintegerAccessor(&IpsecCpu::m_cryptoCores),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("CryptoQueueLimit",
                            "Datagrams that may wait for a core; one more is dropped "
                            "(in_nomem / out_nomem). 256, as NetBSD's IP input queue "
                            "(net.inet.ip.ifq.maxlen).",
                            UintegerValue(256),
                            MakeUintegerAccessor(&IpsecCpu::m_cryptoQueueLimit),
                            MakeUintegerChecker<uint32_t>())
              .AddTraceSource("CryptoQueue",
                              "The datagrams waiting for a core of the crypto processor.",
                              MakeTraceSourceAccessor(&IpsecCpu::m_cryptoQueueLength),
                              "ns3::TracedValueCallback::Uint32")
              .AddTraceSource("CryptoJob",
                              "A datagram's job on the crypto processor was queued, started "
                              "or finished: the event, the job's id and its cost (zero when "
                              "queued; the busy time is the sum of the finished costs).",
                              MakeTraceSourceAccessor(&IpsecCpu::m_cryptoJobTrace),
                              "ns3::IpsecCpu::CryptoJobTracedCallback")
              .AddTraceSource("Job",
                              "A job was queued, started or finished: the event, the job's id, "
                              "what it computes and its cost.",
                              MakeTraceSourceAccessor(&IpsecCpu::m_jobTrace),
                              "ns3::IpsecCpu::JobTracedCallback");
    return tid;
}

IpsecCpu::IpsecCpu()
    : m_base(IpsecCpuProfile::Find("Reference2020s"))
{
    NS_LOG_FUNCTION(this);
    ApplyOverrides();
}

Ptr<IpsecCpu>
IpsecCpu::Of(Ptr<Node> node)
{
    NS_ABORT_MSG_UNLESS(node, "IpsecCpu::Of: no node");
    Ptr<IpsecCpu> cpu = node->GetObject<IpsecCpu>();
    if (!cpu)
    {
        cpu = CreateObject<IpsecCpu>();
        node->AggregateObject(cpu);
    }
    return cpu;
}

void
IpsecCpu::DoDispose()
{
    NS_LOG_FUNCTION(this);
    Simulator::Cancel(m_finishEvent);
    m_queue.clear();
    m_running = false;
    for (RunningCryptoJob& j : m_cryptoRunningJobs)
    {
        Simulator::Cancel(j.finish);
    }
    m_cryptoRunningJobs.clear();
    m_cryptoQueue.clear();
    Object::DoDispose();
}

void
IpsecCpu::SetProfileName(const std::string& name)
{
    const IpsecCpuProfile* p = IpsecCpuProfile::Find(name);
    if (!p)
    {
        std::string known;
        for (const std::string& n : IpsecCpuProfile::Names())
        {
            known += (known.empty() ? "" : ", ") + n;
        }
        NS_ABORT_MSG("IpsecCpu: unknown Profile \"" << name << "\"; the profiles are " << known);
    }
    m_base = p;
    ApplyOverrides();
}

std::string
IpsecCpu::GetProfileName() const
{
    return m_base->name;
}

void
IpsecCpu::ApplyOverrides()
{
    m_profile = *m_base;
    if (m_clockHz > 0)
    {
        m_profile.clockHz = m_clockHz;
    }
    if (m_messageCycles >= 0)
    {
        m_profile.messageCycles = m_messageCycles;
    }
    if (m_modexpFixedCycles >= 0)
    {
        m_profile.modexpFixedCycles = m_modexpFixedCycles;
    }
    if (m_hmacCyclesPerCall >= 0)
    {
        m_profile.hmacCyclesPerCall = m_hmacCyclesPerCall;
    }
    if (m_cipherCyclesPerMessage >= 0)
    {
        m_profile.cipherCyclesPerMessage = m_cipherCyclesPerMessage;
    }
    if (m_packetCycles >= 0)
    {
        m_profile.packetCycles = m_packetCycles;
    }
}

const IpsecCpuProfile&
IpsecCpu::GetProfile() const
{
    return m_profile;
}

Time
IpsecCpu::ToTime(double cycles, double scale) const
{
    return Seconds(cycles * scale / m_profile.clockHz);
}

double
IpsecCpu::Cycles(const std::map<std::string, double>& table, const std::string& alg) const
{
    auto it = table.find(alg);
    NS_ABORT_MSG_IF(it == table.end(),
                    "IpsecCpu: no cost for \"" << alg << "\" in profile " << m_profile.name
                                               << "; known: " << JoinKeys(table));
    return it->second;
}

Time
IpsecCpu::ModexpTime(uint32_t modulusBits, uint32_t exponentBits) const
{
    if (modulusBits == 0)
    {
        return Time(0);
    }
    if (exponentBits == 0)
    {
        exponentBits = modulusBits - 1;
    }
    double cycles = ModexpPerBit(m_profile.modexpCyclesPerExponentBit, modulusBits)
                      * (exponentBits + m_profile.modexpOverheadBits)
                  + m_profile.modexpFixedCycles;
    return ToTime(cycles, m_publicKeyScale);
}

Time
IpsecCpu::CipherTime(const std::string& alg, uint32_t bytes, uint32_t keyBits) const
{
    double perByte = Cycles(m_profile.cipherCyclesPerByte, alg);
    if (alg == "aes" && keyBits > 128)
    {
        // 10 rounds for 128-bit keys, 12 for 192, 14 for 256 (FIPS 197).
        perByte *= (6.0 + keyBits / 32) / 10.0;
    }
    return ToTime(m_profile.cipherCyclesPerMessage + perByte * bytes, m_symmetricScale);
}

Time
IpsecCpu::HashTime(const std::string& alg, uint32_t bytes) const
{
    double perByte = Cycles(m_profile.hashCyclesPerByte, alg);
    for (const HashGeometry& h : HASHES)
    {
        if (alg == h.name)
        {
            return ToTime(perByte * PaddedBytes(h, bytes), m_symmetricScale);
        }
    }
    NS_ABORT_MSG("IpsecCpu: no block structure for hash \"" << alg << "\"");
    return Time(0);
}

Time
IpsecCpu::PrfTime(const std::string& alg, uint32_t bytes) const
{
    double perByte = Cycles(m_profile.hashCyclesPerByte, alg);
    for (const HashGeometry& h : HASHES)
    {
        if (alg == h.name)
        {
            double hashed
                = PaddedBytes(h, double(h.block) + bytes) + PaddedBytes(h, h.block + h.digest);
            return ToTime(m_profile.hmacCyclesPerCall + perByte * hashed, m_symmetricScale);
        }
    }
    NS_ABORT_MSG("IpsecCpu: no block structure for hash \"" << alg << "\"");
    return Time(0);
}

Time
IpsecCpu::MessageTime() const
{
    return ToTime(m_profile.messageCycles, 1);
}

Time
IpsecCpu::CyclesTime(double cycles) const
{
    return ToTime(cycles, 1);
}

uint64_t
IpsecCpu::Submit(const std::string& what, Time cost, std::function<void()> done)
{
    NS_LOG_FUNCTION(this << what << cost);
    NS_ABORT_MSG_IF(cost.IsStrictlyNegative(), "IpsecCpu::Submit: negative cost for " << what);
    uint64_t id = m_nextId++;
    m_queue.push_back(Job{id, what, cost, std::move(done), {}});
    m_waiting += cost;
    m_jobTrace(JobEvent::QUEUED, id, what, cost);
    StartNext();
    return id;
}

uint64_t
IpsecCpu::SubmitWork(const std::string& what,
                     std::function<Time()> work,
                     std::function<void()> done,
                     bool front)
{
    NS_LOG_FUNCTION(this << what << front);
    uint64_t id = m_nextId++;
    Job job{id, what, Time(0), std::move(done), std::move(work)};
    if (front)
    {
        m_queue.insert(m_running ? std::next(m_queue.begin()) : m_queue.begin(), std::move(job));
    }
    else
    {
        m_queue.push_back(std::move(job));
    }
    m_jobTrace(JobEvent::QUEUED, id, what, Time(0));
    StartNext();
    return id;
}

void
IpsecCpu::StartNext()
{
    if (m_running || m_queue.empty())
    {
        return;
    }
    Job& job = m_queue.front();
    m_running = true;
    if (job.work)
    {
        // The work happens now; what it computed decides how long it takes.
        std::function<Time()> work = std::move(job.work);
        Time cost = work();
        NS_ABORT_MSG_IF(cost.IsStrictlyNegative(),
                        "IpsecCpu::SubmitWork: negative cost for " << m_queue.front().what);
        m_queue.front().cost = cost;
        m_waiting += cost;
    }
    const Job& started = m_queue.front();
    m_waiting -= started.cost;
    m_runningUntil = Simulator::Now() + started.cost;
    NS_LOG_LOGIC("job " << started.id << " (" << started.what << ") runs until " << m_runningUntil);
    m_jobTrace(JobEvent::STARTED, started.id, started.what, started.cost);
    m_finishEvent = Simulator::Schedule(started.cost, &IpsecCpu::Finish, this);
}

void
IpsecCpu::Finish()
{
    NS_ASSERT(m_running && !m_queue.empty());
    Job job = std::move(m_queue.front());
    m_queue.pop_front();
    m_running = false;
    m_busy += job.cost;
    ++m_done;
    NS_LOG_LOGIC("job " << job.id << " (" << job.what << ") finished");
    m_jobTrace(JobEvent::FINISHED, job.id, job.what, job.cost);
    if (job.done)
    {
        job.done();
    }
    // The done callback may have submitted (and so started) a job.
    StartNext();
}

bool
IpsecCpu::IsBusy() const
{
    return m_running;
}

Time
IpsecCpu::GetBacklog() const
{
    Time backlog = m_waiting;
    if (m_running)
    {
        backlog += m_runningUntil - Simulator::Now();
    }
    return backlog;
}

Time
IpsecCpu::GetBusyTime() const
{
    Time busy = m_busy;
    if (m_running)
    {
        busy += m_queue.front().cost - (m_runningUntil - Simulator::Now());
    }
    return busy;
}

uint64_t
IpsecCpu::GetJobsDone() const
{
    return m_done;
}

std::ostream&
operator<<(std::ostream& os, IpsecCpu::JobEvent e)
{
    switch (e)
    {
        case IpsecCpu::JobEvent::QUEUED:
            return os << "QUEUED";
        case IpsecCpu::JobEvent::STARTED:
            return os << "STARTED";
        case IpsecCpu::JobEvent::FINISHED:
            return os << "FINISHED";
    }
    return os << "JobEvent(" << int(e) << ")";
}

} // namespace ns3
