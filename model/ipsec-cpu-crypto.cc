/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The data path's side of IpsecCpu: what one transform of one datagram
 * costs (TransformTime, from the algorithm tables below and the node's
 * profile) and the crypto processor that charges it (a FIFO queue served by
 * CryptoCores cores, bounded by CryptoQueueLimit).
 */
#include "ipsec-cpu.h"
#include "ipsec-sa.h"
#include "ns3/abort.h"
#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cstring>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecCpuCrypto");

namespace
{

/// An ESP cipher's entry in the profile's cipherCyclesPerByte.
struct CipherCost
{
    const char* setkeyName; ///< IpsecEncAlgorithm::name
    const char* costKey;    ///< the profile's key; "" costs nothing (null)
    bool aes;               ///< the rounds follow the AES key size
};

const CipherCost CIPHER_COSTS[] = {
    {"des-cbc", "des", false},
    {"3des-cbc", "3des", false},
    {"cast128-cbc", "cast128", false},
    {"blowfish-cbc", "blowfish", false},
    {"null", "", false},
    {"rijndael-cbc", "aes", true},
    {"aes-ctr", "aes-ctr", true},
    // AEAD: the tag's computation (GHASH, Poly1305) is in the per-byte cost.
    {"aes-gcm-16", "aes-gcm", true},
    {"chacha20-poly1305", "chacha20-poly1305", false},
};

/// How an authentication algorithm is charged.
enum class MacCost : uint8_t
{
    NONE,  ///< null
    HMAC,  ///< PrfTime of the hash
    KEYED, ///< one hash over key, data and key (KAME's keyed-md5/-sha1)
    XCBC,  ///< one AES-128 CBC pass over the data
};

/// An authentication algorithm's entry in the profile's hashCyclesPerByte.
struct AuthCost
{
    const char* setkeyName; ///< IpsecAuthAlgorithm::name
    MacCost kind;           ///< how it is charged
    const char* hash;       ///< the profile's hash key
};

const AuthCost AUTH_COSTS[] = {
    {"hmac-md5", MacCost::HMAC, "md5"},
    {"hmac-sha1", MacCost::HMAC, "sha1"},
    {"hmac-sha2-256", MacCost::HMAC, "sha256"},
    {"hmac-sha2-384", MacCost::HMAC, "sha384"},
    {"hmac-sha2-512", MacCost::HMAC, "sha512"},
    {"hmac-ripemd160", MacCost::HMAC, "ripemd160"},
    {"aes-xcbc-mac", MacCost::XCBC, "aes"},
    {"keyed-md5", MacCost::KEYED, "md5"},
    {"keyed-sha1", MacCost::KEYED, "sha1"},
    {"null", MacCost::NONE, ""},
};

template <typename Entry, size_t N>
const Entry&
FindCost(const Entry (&table)[N], const char* name)
{
    for (const Entry& e : table)
    {
        if (std::strcmp(e.setkeyName, name) == 0)
        {
            return e;
        }
    }
    NS_ABORT_MSG("IpsecCpu: the data path has no cost for algorithm \"" << name << "\"");
    return table[0];
}

constexpr uint32_t ESP_HEADER = 8; ///< SPI and sequence number

} // namespace

Time
IpsecCpu::TransformTime(const IpsecSa& sa,
                        uint32_t wireBytes,
                        uint32_t plainBytes,
                        bool outbound) const
{
    Time t = CyclesTime(m_profile.packetCycles);
    const IpsecSaParams& p = sa.params;
    if (p.proto == IpsecProto::IPCOMP)
    {
        return t + CompressionTime(plainBytes, outbound);
    }
    uint32_t macBytes = wireBytes > sa.icvLen ? wireBytes - uint32_t(sa.icvLen) : 0;
    if (p.proto == IpsecProto::ESP && p.enc)
    {
        const CipherCost& c = FindCost(CIPHER_COSTS, p.enc->name);
        uint32_t overhead = ESP_HEADER + p.enc->ivLen;
        uint32_t cipherBytes = macBytes > overhead ? macBytes - overhead : 0;
        if (c.costKey[0] != '\0')
        {
            uint32_t keyBits = c.aes ? uint32_t(p.encKey.size() - p.enc->saltLen) * 8 : 0;
            t += CipherTime(c.costKey, cipherBytes, keyBits);
        }
    }
    if (p.auth)
    {
        const AuthCost& a = FindCost(AUTH_COSTS, p.auth->name);
        switch (a.kind)
        {
            case MacCost::NONE:
                break;
            case MacCost::HMAC:
                t += PrfTime(a.hash, macBytes);
                break;
            case MacCost::KEYED:
                t += HashTime(a.hash, macBytes + 2 * uint32_t(p.authKey.size()));
                break;
            case MacCost::XCBC:
                t += CipherTime(a.hash, macBytes, 128);
                break;
        }
    }
    return t;
}

Time
IpsecCpu::CompressionTime(uint32_t plainBytes, bool deflate) const
{
    double perByte = deflate ? m_profile.deflateCyclesPerByte : m_profile.inflateCyclesPerByte;
    return ToTime(perByte * plainBytes, m_symmetricScale);
}

bool
IpsecCpu::IsCryptoQueueFull() const
{
    return m_cryptoQueue.size() >= m_cryptoQueueLimit && m_cryptoRunningJobs.size() >= m_cryptoCores;
}

void
IpsecCpu::CountCryptoRefusal()
{
    ++m_cryptoDrops;
}

bool
IpsecCpu::SubmitCrypto(std::function<Time()> work, std::function<void()> done)
{
    if (IsCryptoQueueFull())
    {
        ++m_cryptoDrops;
        NS_LOG_LOGIC("crypto queue full: " << m_cryptoQueue.size() << " waiting");
        return false;
    }
    uint64_t id = m_cryptoNextId++;
    m_cryptoQueue.push_back(CryptoJob{id, std::move(work), std::move(done)});
    m_cryptoQueueLength = uint32_t(m_cryptoQueue.size());
    m_cryptoJobTrace(JobEvent::QUEUED, id, Time(0));
    StartCrypto();
    return true;
}

void
IpsecCpu::StartCrypto()
{
    while (!m_cryptoQueue.empty() && m_cryptoRunningJobs.size() < m_cryptoCores)
    {
        CryptoJob job = std::move(m_cryptoQueue.front());
        m_cryptoQueue.pop_front();
        m_cryptoQueueLength = uint32_t(m_cryptoQueue.size());
        // The work happens now, on the core that took the job.
        Time cost = job.work ? job.work() : Time(0);
        NS_ABORT_MSG_IF(cost.IsStrictlyNegative(), "IpsecCpu::SubmitCrypto: negative cost");
        EventId finish
            = Simulator::Schedule(cost, &IpsecCpu::FinishCrypto, this, job.id, std::move(job.done));
        m_cryptoRunningJobs.push_back({job.id, Simulator::Now() + cost, cost, finish});
        m_cryptoJobTrace(JobEvent::STARTED, job.id, cost);
    }
}

void
IpsecCpu::FinishCrypto(uint64_t id, std::function<void()> done)
{
    auto it = std::find_if(m_cryptoRunningJobs.begin(),
                           m_cryptoRunningJobs.end(),
                           [id](const RunningCryptoJob& j)
                           {
                               return j.id == id;
                           });
    NS_ASSERT(it != m_cryptoRunningJobs.end());
    Time cost = it->cost;
    m_cryptoRunningJobs.erase(it);
    m_cryptoBusy += cost;
    ++m_cryptoJobs;
    m_cryptoJobTrace(JobEvent::FINISHED, id, cost);
    if (done)
    {
        done();
    }
    StartCrypto();
}

Time
IpsecCpu::GetCryptoBusyTime() const
{
    Time busy = m_cryptoBusy;
    Time now = Simulator::Now();
    for (const RunningCryptoJob& j : m_cryptoRunningJobs)
    {
        busy += j.cost - (j.end - now);
    }
    return busy;
}

uint64_t
IpsecCpu::GetCryptoJobs() const
{
    return m_cryptoJobs;
}

uint64_t
IpsecCpu::GetCryptoDrops() const
{
    return m_cryptoDrops;
}

uint32_t
IpsecCpu::GetCryptoQueueLength() const
{
    return m_cryptoQueueLength;
}

} // namespace ns3
