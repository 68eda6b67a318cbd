/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The processor of a node, as a cost model.  Everything the IKE daemon
 * computes (Diffie-Hellman, PRF and cipher work) is a job on one
 * non-preemptive FIFO processor: racoon is single threaded, so while it
 * computes a modexp, its other negotiations, PF_KEY messages and
 * retransmissions wait.  With DataPath on, every datagram's ESP, AH and
 * IPComp work is a job on the node's crypto processor, a FIFO queue served
 * by CryptoCores cores, so a slow gateway caps throughput and adds latency
 * (off by default: KAME's transforms take no simulated time).
 *
 * A job's duration comes from the model only, never from the host: the
 * real cryptography is computed for the bytes, and simulated time is the
 * operation's cycle count in the node's profile divided by its clock.
 * Profiles (IpsecCpuProfile) describe machines from a current server to a
 * 25 MHz MIPS R3000 and a microcontroller, each with the source of its
 * numbers (doc/ipsec.rst, "CPU cost model", tabulates them); every cost can be overridden by
 * attribute, and separate scale factors apply to public-key and symmetric work (one factor cannot
 * describe an old machine: its modexps are about 1000 times slower than
 * today's, its ciphers about 40 times).
 */
#ifndef IPSEC_CPU_H
#define IPSEC_CPU_H

#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"
#include "ns3/traced-value.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace ns3
{

class Node;
class IpsecSa;

/**
 * @ingroup ipsec
 * The cycle costs of one kind of machine.
 */
struct IpsecCpuProfile
{
    std::string name;        ///< "Reference2020s", "Pentium100", ...
    std::string description; ///< the machine, and where its numbers come from
    double clockHz{0};       ///< the clock
    /**
     * Modular exponentiation: cycles per exponent bit, by modulus size in
     * bits (sizes in between are interpolated on a log-log scale, sizes
     * outside extrapolated), plus a fixed cost per operation.
     */
    std::map<uint32_t, double> modexpCyclesPerExponentBit;
    /**
     * The work of a modexp that does not depend on the exponent's length
     * (window precomputation, conversions into and out of Montgomery form),
     * in exponent bits of the same modulus: an operation costs
     * perBit(modulus) * (exponentBits + modexpOverheadBits) + modexpFixedCycles.
     */
    double modexpOverheadBits{0};
    double modexpFixedCycles{0}; ///< a modexp's fixed cost, in cycles
    /// Block ciphers (CBC): cycles per byte by algorithm ("des", "3des",
    /// "blowfish", "cast128", "aes").
    std::map<std::string, double> cipherCyclesPerByte;
    double cipherCyclesPerMessage{0}; ///< a cipher call's fixed cost, in cycles
    /// Hashes: cycles per byte by algorithm ("md5", "sha1", "sha256", "sha384", "sha512").
    std::map<std::string, double> hashCyclesPerByte;
    /// A PRF/HMAC call's fixed cost (key pads, the second hash, finalisation).
    double hmacCyclesPerCall{0};
    /// Parsing or building one IKE message (everything but the cryptography).
    double messageCycles{0};
    /// The data path's fixed work per transform and datagram beyond the
    /// cryptography (SA lookup, headers, buffers).
    double packetCycles{0};
    /// IPComp output: deflate, cycles per byte of the uncompressed payload.
    double deflateCyclesPerByte{0};
    /// IPComp input: inflate, cycles per byte of the decompressed payload.
    double inflateCyclesPerByte{0};

    /**
     * A shipped profile.
     * @param name e.g. "Reference2020s"
     * @return the profile, or nullptr if none has that name
     */
    static const IpsecCpuProfile* Find(const std::string& name);
    /**
     * The shipped profiles.
     * @return their names
     */
    static std::vector<std::string> Names();
};

/**
 * @ingroup ipsec
 * The processor of a node, as a cost model: everything a node computes
 * (the IKE daemon's Diffie-Hellman, PRF and cipher work) is a job on one
 * non-preemptive FIFO processor, whose duration comes from the node's
 * profile, never from the host.
 */
class IpsecCpu : public Object
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    IpsecCpu();

    /**
     * The node's processor.
     * @param node the node
     * @return its IpsecCpu, aggregated to it on first use
     */
    static Ptr<IpsecCpu> Of(Ptr<Node> node);

    /**
     * The profile in use.
     * @return the Profile attribute's profile, with the overrides applied
     */
    const IpsecCpuProfile& GetProfile() const;

    // ---- costs (simulated time) ----------------------------------------
    /**
     * One modular exponentiation (public-key scale applied).
     * @param modulusBits the modulus length
     * @param exponentBits the exponent length; 0 means a full-length
     *        exponent, the modulus length less one (classic racoon, as IkeDh)
     * @return its duration
     */
    Time ModexpTime(uint32_t modulusBits, uint32_t exponentBits = 0) const;
    /**
     * CBC encryption or decryption (symmetric scale): the per-message cost
     * and the bytes.
     * @param alg "des", "3des", "blowfish", "cast128" or "aes"
     * @param bytes the bytes
     * @param keyBits matters for "aes" only (10, 12 or 14 rounds for 128,
     *        192 or 256 bits; 0: 128)
     * @return its duration
     */
    Time CipherTime(const std::string& alg, uint32_t bytes, uint32_t keyBits = 0) const;
    /**
     * One hash (symmetric scale): the bytes the compression function
     * processes, padding and length field included.
     * @param alg "md5", "sha1", "sha256", "sha384" or "sha512"
     * @param bytes the bytes hashed
     * @return its duration
     */
    Time HashTime(const std::string& alg, uint32_t bytes) const;
    /**
     * One HMAC (PRF) (symmetric scale): the call cost and the hash of the
     * padded key blocks and the data (inner hash: key block and data; outer
     * hash: key block and the inner digest; keys no longer than a block).
     * @param alg the hash, as HashTime
     * @param bytes the data
     * @return its duration
     */
    Time PrfTime(const std::string& alg, uint32_t bytes) const;
    /**
     * Parsing or building one IKE message (no scale factor: not cryptography).
     * @return its duration
     */
    Time MessageTime() const;
    /**
     * One datagram's work for one transform of @p sa (symmetric scale for
     * the cryptography and compression): the profile's packetCycles, plus
     * for ESP the cipher over the encrypted part (the ESP payload less its
     * header, IV and ICV) and the MAC over everything but the ICV; for AH
     * the MAC over @p wireBytes; for IPComp deflate over @p plainBytes
     * (output) or inflate producing them (input).
     * @param sa the SA (its algorithms and key sizes)
     * @param wireBytes ESP: the ESP header to the ICV; AH: the bytes the
     *        ICV covers (IP header included)
     * @param plainBytes IPComp: the uncompressed payload
     * @param outbound IPComp: deflate (true) or inflate (false)
     * @return its duration
     */
    Time TransformTime(const IpsecSa& sa,
                       uint32_t wireBytes,
                       uint32_t plainBytes,
                       bool outbound) const;
    /**
     * IPComp's compression work (symmetric scale), without the fixed work
     * per datagram.
     * @param plainBytes the uncompressed payload
     * @param deflate deflate (output) or inflate (input)
     * @return its duration
     */
    Time CompressionTime(uint32_t plainBytes, bool deflate) const;
    /**
     * Other work, at the node's clock, no scale factor.
     * @param cycles the cycles
     * @return their duration
     */
    Time CyclesTime(double cycles) const;

    // ---- the processor ---------------------------------------------------
    /**
     * Queues a job of duration @p cost named @p what (e.g. "modexp 1024");
     * @p done runs when it has finished.  Jobs run one at a time, in the
     * order they were submitted, without preemption.  Returns the job's id.
     * The cost is fixed at submission (a later profile change does not
     * alter it).  @p done never runs inside Submit: a zero-cost job finishes
     * in an event at the current time.  A job submitted from a done
     * callback waits behind the jobs already queued.
     * @param what the job's name, for the Job trace
     * @param cost its duration
     * @param done what runs when it has finished
     * @return the job's id
     */
    uint64_t Submit(const std::string& what, Time cost, std::function<void()> done);
    /**
     * Queues a job whose cost is known only once it runs: @p work runs when
     * the job starts (the processor is free) and returns its duration;
     * @p done runs when that has elapsed.  With @p front the job goes
     * before every job still waiting (the continuation of the one that just
     * ended).
     * @param what the job's name, for the Job trace
     * @param work runs when the job starts; returns its duration
     * @param done what runs when it has finished
     * @param front whether it goes before the waiting jobs
     * @return the job's id
     */
    uint64_t SubmitWork(const std::string& what,
                        std::function<Time()> work,
                        std::function<void()> done,
                        bool front = false);

    /**
     * Whether a job is running.
     * @return true while the processor computes
     */
    bool IsBusy() const;
    /**
     * The backlog.
     * @return the time still needed for the queued and the running jobs
     */
    Time GetBacklog() const;
    /**
     * The busy time.
     * @return the total time spent computing, the elapsed part of the
     *         running job included
     */
    Time GetBusyTime() const;
    /**
     * The jobs finished.
     * @return the jobs whose done callbacks have run or are running
     */
    uint64_t GetJobsDone() const;

    // ---- the crypto processor (the data path) ------------------------------
    /**
     * Whether the data path's transforms take simulated time here.
     * @return the DataPath attribute
     */
    bool IsDataPathTimed() const
    {
        return m_dataPath;
    }

    /**
     * Queues a datagram's transform work on the crypto processor: @p work
     * runs when a core takes the job and returns its duration (the
     * transforms are computed then, so a datagram that fails them has
     * still cost its time); @p done runs when that has elapsed.  Jobs start
     * in the order they were queued; up to CryptoCores run at once.
     * @param work computes the datagram and returns its cost
     * @param done what runs when it has finished
     * @return false, with nothing queued, when CryptoQueueLimit jobs are
     *         already waiting (the caller drops the datagram)
     */
    bool SubmitCrypto(std::function<Time()> work, std::function<void()> done);
    /**
     * Whether SubmitCrypto would refuse a job now.
     * @return true when every core is busy and CryptoQueueLimit jobs wait
     */
    bool IsCryptoQueueFull() const;
    /**
     * Counts a datagram refused because IsCryptoQueueFull (GetCryptoDrops),
     * for a caller that checked before submitting.
     */
    void CountCryptoRefusal();
    /**
     * The crypto processor's busy time.
     * @return the time its cores have spent computing, summed over the
     *         cores, the elapsed part of running jobs included
     */
    Time GetCryptoBusyTime() const;
    /**
     * The crypto processor's finished jobs.
     * @return their number
     */
    uint64_t GetCryptoJobs() const;
    /**
     * The datagrams refused for a full crypto queue.
     * @return their number
     */
    uint64_t GetCryptoDrops() const;
    /**
     * The jobs waiting for a core.
     * @return their number (the CryptoQueue trace's value)
     */
    uint32_t GetCryptoQueueLength() const;

    /// The stages a job goes through (the Job trace).
    enum class JobEvent : uint8_t
    {
        QUEUED,   ///< submitted
        STARTED,  ///< the processor took it
        FINISHED, ///< its cost has elapsed
    };

    /// Signature of the Job trace: event, job id, what, cost.
    typedef void (*JobTracedCallback)(JobEvent, uint64_t, const std::string&, Time);
    /// Signature of the CryptoJob trace: event, job id, cost (zero when queued).
    typedef void (*CryptoJobTracedCallback)(JobEvent, uint64_t, Time);

  protected:
    void DoDispose() override;

  private:
    /// A datagram's job on the crypto processor.
    struct CryptoJob
    {
        uint64_t id;                ///< 1, 2, ... in the order queued
        std::function<Time()> work; ///< runs at the start, gives the cost
        std::function<void()> done; ///< runs at the end
    };

    /// Starts waiting crypto jobs while a core is free.
    void StartCrypto();
    /// The running crypto job @p id has finished.
    void FinishCrypto(uint64_t id, std::function<void()> done);

    struct Job
    {
        uint64_t id;
        std::string what;
        Time cost;
        std::function<void()> done;
        std::function<Time()> work; ///< SubmitWork: runs at the start, gives the cost
    };

    void SetProfileName(const std::string& name);
    std::string GetProfileName() const;
    /// The accessors of the override attributes (ClockHz, MessageCycles, ...):
    /// setting one rebuilds the effective profile.
    template <double IpsecCpu::*Field>
    void SetOverride(double value)
    {
        this->*Field = value;
        ApplyOverrides();
    }

    template <double IpsecCpu::*Field>
    double GetOverride() const
    {
        return this->*Field;
    }

    /// Rebuilds m_profile: the named profile with the overrides applied.
    void ApplyOverrides();
    /// Cycles to simulated time at the profile's clock, times @p scale.
    Time ToTime(double cycles, double scale) const;
    void StartNext();
    void Finish();
    double Cycles(const std::map<std::string, double>& table, const std::string& alg) const;

    const IpsecCpuProfile* m_base; ///< the named profile (the Profile attribute)
    IpsecCpuProfile m_profile;     ///< m_base with the overrides applied
    double m_publicKeyScale{1};
    double m_symmetricScale{1};
    double m_clockHz{0};                 ///< attribute override (0: the profile's)
    double m_messageCycles{-1};          ///< attribute override (negative: the profile's)
    double m_modexpFixedCycles{-1};      ///< attribute override (negative: the profile's)
    double m_hmacCyclesPerCall{-1};      ///< attribute override (negative: the profile's)
    double m_cipherCyclesPerMessage{-1}; ///< attribute override (negative: the profile's)
    double m_packetCycles{-1};           ///< attribute override (negative: the profile's)
    bool m_dataPath{false};              ///< the DataPath attribute
    uint32_t m_cryptoCores{1};           ///< the CryptoCores attribute
    uint32_t m_cryptoQueueLimit{256};    ///< the CryptoQueueLimit attribute
    std::deque<CryptoJob> m_cryptoQueue; ///< the jobs waiting for a core
    uint64_t m_cryptoNextId{1};
    uint64_t m_cryptoJobs{0};  ///< finished
    uint64_t m_cryptoDrops{0}; ///< refused
    Time m_cryptoBusy;         ///< the costs of the finished jobs
    /// A running crypto job: its id, end and cost (for the elapsed busy time).
    struct RunningCryptoJob
    {
        uint64_t id;
        Time end;
        Time cost;
        EventId finish;
    };

    std::vector<RunningCryptoJob> m_cryptoRunningJobs; ///< the jobs running
    TracedValue<uint32_t> m_cryptoQueueLength;         ///< the CryptoQueue trace
    /// The CryptoJob trace: event, job id, cost.
    TracedCallback<JobEvent, uint64_t, Time> m_cryptoJobTrace;
    std::deque<Job> m_queue; ///< the running job (if any) first, then the waiting ones
    bool m_running{false};
    Time m_runningUntil;
    Time m_waiting; ///< the costs of the waiting jobs
    Time m_busy;    ///< the costs of the finished jobs
    EventId m_finishEvent;
    uint64_t m_nextId{1};
    uint64_t m_done{0};
    TracedCallback<JobEvent, uint64_t, const std::string&, Time> m_jobTrace;
};

/**
 * @ingroup ipsec
 * Writes a job event's name.
 * @param os the stream
 * @param e the event
 * @return the stream
 */
std::ostream& operator<<(std::ostream& os, IpsecCpu::JobEvent e);

} // namespace ns3

#endif /* IPSEC_CPU_H */
