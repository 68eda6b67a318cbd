/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ns3ipsec._core for studies: traffic whose payload bytes are chosen and
 * measured at the sockets, a device's transmit counter, neighbour caches
 * filled beforehand, plain FIFO device queues.
 *
 * ns-3's applications send zero-filled payloads, which deflate shrinks to
 * almost nothing, so IPComp would look far better than it is.  The
 * PayloadSender sends constant-rate UDP datagrams whose content is
 * English-like text (compressible about as English is, from a fixed
 * generator: the same bytes in every run) or random bytes (incompressible,
 * from an ns-3 random stream); every datagram starts with a 16-byte header:
 * its sequence number, its send time and a checksum of its content.  The
 * PayloadReceiver measures at its socket, after a warm-up of a number of
 * datagrams, the goodput, the one-way delays and the loss of a number of
 * datagrams, the share of time the crypto processors of chosen nodes were
 * busy meanwhile, and stops the simulation when it has them.
 */
#include "common/ipsec-example-report.h"
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/network-module.h"
#include "ns3/traffic-control-module.h"
#include "py-module.h"

#include <algorithm>
#include <map>
#include <memory>

namespace py = pybind11;
using namespace ns3;

namespace ns3ipsec
{

namespace
{

/// The header every payload datagram starts with: sequence number (4
/// bytes), send time in ns (8), FNV-1a of the rest (4), all big-endian.
constexpr uint32_t kHeaderBytes = 16;

/// FNV-1a, 32 bits.
uint32_t
Fnv1a(const uint8_t* data, size_t n)
{
    uint32_t h = 2166136261U;
    for (size_t i = 0; i < n; ++i)
    {
        h = (h ^ data[i]) * 16777619U;
    }
    return h;
}

void
PutBe(uint8_t* p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; --i)
    {
        p[i] = static_cast<uint8_t>(v);
        v >>= 8;
    }
}

uint64_t
GetBe(const uint8_t* p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
    {
        v = (v << 8) | p[i];
    }
    return v;
}

/**
 * English-like text of @p bytes bytes: sentences of words drawn from a
 * fixed vocabulary of 162 words with Zipf-like frequencies (the k-th word
 * (k+1)/(k+2) as often as the one before), capitals, commas, full stops and
 * paragraphs, from a fixed 64-bit xorshift generator, so every run, machine
 * and build gets the same bytes.  Raw deflate (a 4 KiB window) shrinks a
 * 984-byte piece of it to about 0.50 of its size, as it shrinks English
 * prose (the GPL's text: 0.51).
 */
std::string
StudyText(size_t bytes)
{
    static const char* const kWords[] = {
        "the",       "of",       "and",       "to",        "a",         "in",        "is",
        "that",      "it",       "for",       "as",        "with",      "was",       "on",
        "be",        "by",       "at",        "this",      "from",      "or",        "which",
        "an",        "are",      "not",       "but",       "have",      "all",       "were",
        "they",      "one",      "their",     "there",     "been",      "has",       "when",
        "more",      "would",    "who",       "will",      "its",       "into",      "some",
        "than",      "other",    "time",      "could",     "only",      "then",      "first",
        "over",      "after",    "these",     "two",       "may",       "any",       "most",
        "where",     "through",  "before",    "between",   "while",     "each",      "every",
        "under",     "long",     "never",     "packet",    "network",   "message",   "gateway",
        "link",      "host",     "key",       "policy",    "tunnel",    "header",    "datagram",
        "route",     "machine",  "road",      "river",     "house",     "window",    "letter",
        "morning",   "evening",  "country",   "village",   "garden",    "water",     "little",
        "great",     "small",    "old",       "new",       "good",      "slow",      "quiet",
        "careful",   "early",    "late",      "certain",   "said",      "made",      "found",
        "came",      "went",     "saw",       "knew",      "thought",   "took",      "left",
        "kept",      "brought",  "sent",      "received",  "answered",  "followed",  "carried",
        "waited",    "people",   "work",      "day",       "year",      "way",       "hand",
        "place",     "number",   "part",      "world",     "question",  "answer",    "reason",
        "moment",    "evidence", "engineer",  "station",   "office",    "although",  "because",
        "however",   "perhaps",  "therefore", "indeed",    "quickly",   "slowly",    "again",
        "always",    "often",    "almost",    "telegraph", "operator",  "schedule",  "distance",
        "signal",    "weather",  "afternoon", "committee", "procedure", "different", "important",
        "necessary",
    };
    constexpr size_t kCount = sizeof(kWords) / sizeof(kWords[0]);
    // Cumulative Zipf-Mandelbrot weights 1/(k+2).
    std::vector<double> cumulative(kCount);
    double sum = 0;
    for (size_t k = 0; k < kCount; ++k)
    {
        sum += 1.0 / static_cast<double>(k + 2);
        cumulative[k] = sum;
    }
    uint64_t state = 0x9e3779b97f4a7c15ULL;
    auto next = [&state]()
    {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    auto uniform = [&next]()
    {
        return static_cast<double>(next() >> 11) / 9007199254740992.0; // [0, 1)
    };
    std::string out;
    out.reserve(bytes + 64);
    uint32_t sentencesInParagraph = 0;
    while (out.size() < bytes)
    {
        uint32_t words = 5 + static_cast<uint32_t>(next() % 14);
        for (uint32_t w = 0; w < words; ++w)
        {
            double u = uniform() * sum;
            size_t k
                = std::lower_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin();
            std::string word = kWords[std::min(k, kCount - 1)];
            if (w == 0)
            {
                word[0] = static_cast<char>(word[0] - 'a' + 'A');
            }
            out += word;
            if (w + 1 < words)
            {
                out += (w > 2 && next() % 9 == 0) ? ", " : " ";
            }
        }
        out += ".";
        if (++sentencesInParagraph >= 3 + next() % 5)
        {
            out += "\n\n";
            sentencesInParagraph = 0;
        }
        else
        {
            out += " ";
        }
    }
    out.resize(bytes);
    return out;
}

/// The study text, made once per process (64 KiB; datagrams walk through it).
const std::string&
SharedText()
{
    static const std::string text = StudyText(65536);
    return text;
}

/// What a payload's content is.
enum class Content
{
    TEXT,   ///< the study text (compressible)
    RANDOM, ///< random bytes (incompressible)
    ZERO,   ///< zeros, as ns-3's applications send
};

Content
ParseContent(const std::string& name)
{
    if (name == "text")
    {
        return Content::TEXT;
    }
    if (name == "random")
    {
        return Content::RANDOM;
    }
    if (name == "zero")
    {
        return Content::ZERO;
    }
    throw py::value_error("payload content \"" + name + "\": expected text, random or zero");
}

Address
SocketAddress(const std::string& addr, uint16_t port)
{
    if (addr.find(':') != std::string::npos)
    {
        return Inet6SocketAddress(Ipv6Address(addr.c_str()), port);
    }
    return InetSocketAddress(Ipv4Address(addr.c_str()), port);
}

/**
 * Constant-rate UDP datagrams of a fixed size whose content is chosen,
 * each with the payload header (sequence number, send time, checksum).
 */
class PayloadSender : public Application
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid
            = TypeId("ns3ipsec::PayloadSender").SetParent<Application>().SetGroupName("Ipsec");
        return tid;
    }

    PayloadSender()
        : m_rng(CreateObject<UniformRandomVariable>())
    {
    }

    void Configure(const Address& peer, DataRate rate, uint32_t size, Content content)
    {
        m_peer = peer;
        m_interval = rate.CalculateBytesTxTime(size);
        m_size = size;
        m_content = content;
    }

    int64_t AssignStreams(int64_t stream)
    {
        m_rng->SetStream(stream);
        return 1;
    }

    uint64_t Sent() const
    {
        return m_sent;
    }

    Time Interval() const
    {
        return m_interval;
    }

  private:
    void StartApplication() override
    {
        m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
        if (Inet6SocketAddress::IsMatchingType(m_peer))
        {
            m_socket->Bind6();
        }
        else
        {
            m_socket->Bind();
        }
        m_socket->Connect(m_peer);
        SendOne();
    }

    void StopApplication() override
    {
        m_next.Cancel();
        if (m_socket)
        {
            m_socket->Close();
            m_socket = nullptr;
        }
    }

    void DoDispose() override
    {
        m_socket = nullptr;
        m_rng = nullptr;
        Application::DoDispose();
    }

    void SendOne()
    {
        std::vector<uint8_t> buf(m_size, 0);
        uint8_t* body = buf.data() + kHeaderBytes;
        size_t n = m_size - kHeaderBytes;
        if (m_content == Content::TEXT)
        {
            const std::string& text = SharedText();
            // One continuous stream of text, datagram after datagram.
            uint64_t offset = static_cast<uint64_t>(m_seq) * n;
            for (size_t i = 0; i < n; ++i)
            {
                body[i] = static_cast<uint8_t>(text[(offset + i) % text.size()]);
            }
        }
        else if (m_content == Content::RANDOM)
        {
            for (size_t i = 0; i < n; ++i)
            {
                body[i] = static_cast<uint8_t>(m_rng->GetInteger(0, 255));
            }
        }
        PutBe(buf.data(), m_seq, 4);
        PutBe(buf.data() + 4, static_cast<uint64_t>(Simulator::Now().GetNanoSeconds()), 8);
        PutBe(buf.data() + 12, Fnv1a(body, n), 4);
        if (m_socket->Send(Create<Packet>(buf.data(), m_size)) >= 0)
        {
            ++m_sent;
        }
        ++m_seq;
        m_next = Simulator::Schedule(m_interval, &PayloadSender::SendOne, this);
    }

    Ptr<Socket> m_socket;
    Ptr<UniformRandomVariable> m_rng;
    Address m_peer;
    Time m_interval;
    uint32_t m_size{0};
    Content m_content{Content::TEXT};
    uint32_t m_seq{0};
    uint64_t m_sent{0};
    EventId m_next;
};

/// What a PayloadReceiver measured (kept apart so Python can read it after
/// the simulation is destroyed).
struct ReceiverState
{
    uint32_t warmup{0};  ///< datagrams received before measuring
    uint32_t measure{0}; ///< datagrams measured
    bool stopWhenDone{true};
    uint64_t received{0};  ///< every datagram received
    uint64_t corrupted{0}; ///< short or failing their checksum
    uint64_t reordered{0}; ///< a sequence number not above the previous one
    int64_t lastSeq{-1};
    // The measured datagrams.
    std::vector<double> delays;
    std::vector<uint32_t> seqs;     ///< their sequence numbers
    std::vector<double> arrivals;   ///< their arrival times
    uint64_t measuredBytes{0};      ///< their UDP payload bytes
    uint64_t firstMeasuredBytes{0}; ///< the first one's
    uint32_t firstSeq{0};
    uint32_t lastMeasuredSeq{0};
    double firstArrival{0};
    double lastArrival{0};
    uint64_t totalBytes{0};
    // The crypto processors watched: busy time at the first and the last
    // measured arrival.
    std::vector<Ptr<Node>> cpus;
    std::vector<double> busyAtFirst;
    std::vector<double> busyAtLast;
};

double
CryptoBusy(Ptr<Node> node)
{
    return IpsecCpu::Of(node)->GetCryptoBusyTime().GetSeconds();
}

/// Receives the PayloadSender's datagrams on a UDP port and measures them.
class PayloadReceiver : public Application
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid
            = TypeId("ns3ipsec::PayloadReceiver").SetParent<Application>().SetGroupName("Ipsec");
        return tid;
    }

    void Configure(const Address& local, std::shared_ptr<ReceiverState> state)
    {
        m_local = local;
        m_state = std::move(state);
    }

  private:
    void StartApplication() override
    {
        m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
        m_socket->Bind(m_local);
        m_socket->SetRecvCallback(MakeCallback(&PayloadReceiver::Receive, this));
    }

    void StopApplication() override
    {
        if (m_socket)
        {
            m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
            m_socket->Close();
            m_socket = nullptr;
        }
    }

    void DoDispose() override
    {
        m_socket = nullptr;
        Application::DoDispose();
    }

    void Receive(Ptr<Socket> socket)
    {
        Address from;
        while (Ptr<Packet> p = socket->RecvFrom(from))
        {
            Handle(p);
        }
    }

    void Handle(Ptr<Packet> p)
    {
        ReceiverState& s = *m_state;
        double now = Simulator::Now().GetSeconds();
        uint32_t size = p->GetSize();
        ++s.received;
        s.totalBytes += size;
        if (size < kHeaderBytes)
        {
            ++s.corrupted;
            return;
        }
        std::vector<uint8_t> buf(size);
        p->CopyData(buf.data(), size);
        auto seq = static_cast<uint32_t>(GetBe(buf.data(), 4));
        double sentAt = static_cast<double>(GetBe(buf.data() + 4, 8)) * 1e-9;
        if (GetBe(buf.data() + 12, 4) != Fnv1a(buf.data() + kHeaderBytes, size - kHeaderBytes))
        {
            ++s.corrupted;
            return;
        }
        if (static_cast<int64_t>(seq) <= s.lastSeq)
        {
            ++s.reordered;
        }
        s.lastSeq = std::max<int64_t>(s.lastSeq, seq);
        uint64_t good = s.received - s.corrupted;
        if (good <= s.warmup || s.delays.size() >= s.measure)
        {
            return;
        }
        if (s.delays.empty())
        {
            s.firstSeq = seq;
            s.firstArrival = now;
            s.firstMeasuredBytes = size;
            for (Ptr<Node> n : s.cpus)
            {
                s.busyAtFirst.push_back(CryptoBusy(n));
            }
        }
        s.delays.push_back(now - sentAt);
        s.seqs.push_back(seq);
        s.arrivals.push_back(now);
        s.measuredBytes += size;
        s.lastMeasuredSeq = seq;
        s.lastArrival = now;
        if (s.delays.size() == s.measure)
        {
            for (Ptr<Node> n : s.cpus)
            {
                s.busyAtLast.push_back(CryptoBusy(n));
            }
            if (s.stopWhenDone)
            {
                Simulator::Stop();
            }
        }
    }

    Ptr<Socket> m_socket;
    Address m_local;
    std::shared_ptr<ReceiverState> m_state;
};

/// A payload flow as Python holds it.
struct PyPayloadFlow
{
    Ptr<PayloadSender> sender;
    std::shared_ptr<ReceiverState> state;
    uint64_t sentAtEnd{0};
};

PyPayloadFlow
InstallPayloadFlow(const PyNode& client,
                   const PyNode& server,
                   const std::string& addr,
                   const std::string& rate,
                   uint32_t size,
                   const std::string& content,
                   double start,
                   double stop,
                   uint16_t port,
                   uint32_t warmup,
                   uint32_t measure,
                   bool stopWhenDone,
                   const std::vector<PyNode>& cpus,
                   int64_t stream)
{
    if (size < kHeaderBytes)
    {
        throw py::value_error("payload datagrams carry a " + std::to_string(kHeaderBytes)
                              + "-byte header: size must be at least that");
    }
    if (measure < 2)
    {
        throw py::value_error("measure at least 2 datagrams (goodput is over their gaps)");
    }
    PyPayloadFlow f;
    f.state = std::make_shared<ReceiverState>();
    f.state->warmup = warmup;
    f.state->measure = measure;
    f.state->stopWhenDone = stopWhenDone;
    for (const PyNode& n : cpus)
    {
        f.state->cpus.push_back(n.node);
    }
    Ptr<PayloadReceiver> rx = CreateObject<PayloadReceiver>();
    Address local = addr.find(':') != std::string::npos
                      ? Address(Inet6SocketAddress(Ipv6Address::GetAny(), port))
                      : Address(InetSocketAddress(Ipv4Address::GetAny(), port));
    rx->Configure(local, f.state);
    server.node->AddApplication(rx);
    rx->SetStartTime(Seconds(0));
    f.sender = CreateObject<PayloadSender>();
    f.sender->Configure(SocketAddress(addr, port), DataRate(rate), size, ParseContent(content));
    f.sender->AssignStreams(stream);
    client.node->AddApplication(f.sender);
    f.sender->SetStartTime(Seconds(start));
    f.sender->SetStopTime(Seconds(stop));
    return f;
}

py::dict
PayloadResults(const PyPayloadFlow& f)
{
    const ReceiverState& s = *f.state;
    py::dict d;
    d["sent"] = f.sender ? f.sender->Sent() : f.sentAtEnd;
    d["received"] = s.received;
    d["received_bytes"] = s.totalBytes;
    d["corrupted"] = s.corrupted;
    d["reordered"] = s.reordered;
    d["measured"] = s.delays.size();
    d["complete"] = s.delays.size() == s.measure;
    double mean = 0;
    double median = 0;
    double p95 = 0;
    IpsecDelayStatistics(s.delays, mean, median, p95);
    d["delay_mean_s"] = mean;
    d["delay_median_s"] = median;
    d["delay_p95_s"] = p95;
    // Goodput: the bytes that arrived after the first measured datagram,
    // over the time from its arrival to the last one's.
    double span = s.lastArrival - s.firstArrival;
    d["goodput_bps"] = s.delays.size() >= 2 && span > 0
                         ? static_cast<double>(s.measuredBytes - s.firstMeasuredBytes) * 8 / span
                         : 0.0;
    d["first_arrival_s"] = s.firstArrival;
    d["last_arrival_s"] = s.lastArrival;
    // Loss among the sequence numbers the measured datagrams span.
    uint64_t spanned = s.delays.empty() ? 0 : uint64_t(s.lastMeasuredSeq) - s.firstSeq + 1;
    d["loss"] = spanned ? 1.0 - static_cast<double>(s.delays.size()) / spanned : 0.0;
    py::list busy;
    for (size_t i = 0; i < s.busyAtLast.size() && i < s.busyAtFirst.size(); ++i)
    {
        busy.append(span > 0 ? (s.busyAtLast[i] - s.busyAtFirst[i]) / span : 0.0);
    }
    d["cpu_busy"] = busy;
    return d;
}

/// Frames and bytes a device transmitted (its PhyTxEnd trace: whole frames,
/// link header included).
struct TxCounter
{
    std::shared_ptr<std::pair<uint64_t, uint64_t>> counts
        = std::make_shared<std::pair<uint64_t, uint64_t>>(0, 0);
};

Ptr<NetDevice>
DeviceWithAddress(const PyNode& n, const std::string& addr)
{
    if (addr.find(':') != std::string::npos)
    {
        Ptr<Ipv6> ip = n.node->GetObject<Ipv6>();
        Ipv6Address a(addr.c_str());
        for (uint32_t i = 0; ip && i < ip->GetNInterfaces(); ++i)
        {
            for (uint32_t j = 0; j < ip->GetNAddresses(i); ++j)
            {
                if (ip->GetAddress(i, j).GetAddress() == a)
                {
                    return ip->GetNetDevice(i);
                }
            }
        }
    }
    else
    {
        Ptr<Ipv4> ip = n.node->GetObject<Ipv4>();
        Ipv4Address a(addr.c_str());
        for (uint32_t i = 0; ip && i < ip->GetNInterfaces(); ++i)
        {
            for (uint32_t j = 0; j < ip->GetNAddresses(i); ++j)
            {
                if (ip->GetAddress(i, j).GetLocal() == a)
                {
                    return ip->GetNetDevice(i);
                }
            }
        }
    }
    throw py::value_error("node " + std::to_string(n.node->GetId()) + " has no address " + addr);
}

TxCounter
CountTx(const PyNode& n, const std::string& addr)
{
    Ptr<NetDevice> dev = DeviceWithAddress(n, addr);
    TxCounter c;
    auto counts = c.counts;
    std::function<void(Ptr<const Packet>)> f = [counts](Ptr<const Packet> p)
    {
        counts->first += 1;
        counts->second += p->GetSize();
    };
    if (!dev->TraceConnectWithoutContext("PhyTxEnd", Callback<void, Ptr<const Packet>>(f)))
    {
        throw py::value_error("the device of " + addr + " has no PhyTxEnd trace");
    }
    return c;
}

/// Permanent ARP / neighbour entries between the devices of @p nodes that
/// share a channel.
void
FillNeighbourCaches(const std::vector<PyNode>& nodes)
{
    std::map<Ptr<Channel>, NetDeviceContainer> links;
    std::vector<Ptr<Channel>> order;
    for (const PyNode& n : nodes)
    {
        for (uint32_t i = 0; i < n.node->GetNDevices(); ++i)
        {
            Ptr<NetDevice> d = n.node->GetDevice(i);
            Ptr<Channel> ch = d->GetChannel();
            if (!ch)
            {
                continue;
            }
            if (!links.count(ch))
            {
                order.push_back(ch);
            }
            links[ch].Add(d);
        }
    }
    for (const Ptr<Channel>& ch : order)
    {
        if (links[ch].GetN() >= 2)
        {
            IpsecFillNeighbourCaches(links[ch]);
        }
    }
}

/// One DropTail FIFO of @p packets per device of @p nodes (loopback
/// aside): the queue disc IPv4/IPv6 address assignment installed (ns-3's
/// FqCoDel) removed, the device's own queue limited to @p packets.
void
FifoQueues(const std::vector<PyNode>& nodes, uint32_t packets)
{
    for (const PyNode& n : nodes)
    {
        Ptr<TrafficControlLayer> tc = n.node->GetObject<TrafficControlLayer>();
        for (uint32_t i = 0; i < n.node->GetNDevices(); ++i)
        {
            Ptr<NetDevice> d = n.node->GetDevice(i);
            if (DynamicCast<LoopbackNetDevice>(d))
            {
                continue;
            }
            if (tc && tc->GetRootQueueDiscOnDevice(d))
            {
                tc->DeleteRootQueueDiscOnDevice(d);
            }
            PointerValue queue;
            if (!d->GetAttributeFailSafe("TxQueue", queue) || !queue.Get<QueueBase>())
            {
                throw py::value_error("a device of node " + std::to_string(n.node->GetId())
                                      + " has no TxQueue");
            }
            queue.Get<QueueBase>()->SetMaxSize(QueueSize(QueueSizeUnit::PACKETS, packets));
        }
    }
}

} // namespace

void
RegisterStudy(py::module_& m)
{
    m.def("payload_text", &StudyText, py::arg("bytes"));
    py::class_<PyPayloadFlow>(m, "PayloadFlow")
        .def("results", &PayloadResults)
        .def("samples",
             [](const PyPayloadFlow& f)
             {
                 py::list out;
                 for (size_t i = 0; i < f.state->delays.size(); ++i)
                 {
                     out.append(py::make_tuple(
                         f.state->seqs[i], f.state->arrivals[i], f.state->delays[i]));
                 }
                 return out;
             })
        .def_property_readonly("interval_s",
                               [](const PyPayloadFlow& f)
                               {
                                   return f.sender->Interval().GetSeconds();
                               });
    m.def("payload_flow", &InstallPayloadFlow);
    py::class_<TxCounter>(m, "TxCounter")
        .def_property_readonly("frames",
                               [](const TxCounter& c)
                               {
                                   return c.counts->first;
                               })
        .def_property_readonly("bytes",
                               [](const TxCounter& c)
                               {
                                   return c.counts->second;
                               });
    m.def("count_tx", &CountTx);
    m.def("fill_neighbour_caches", &FillNeighbourCaches);
    m.def("fifo_queues", &FifoQueues);
}

} // namespace ns3ipsec
