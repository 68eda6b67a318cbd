// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the IPComp transform (model/ipsec-ipcomp.{h,cc}) against the
 * rules of KAME's ipcomp_output, ipcomp4_input and ipcomp_core.c (see
 * "IPComp" in doc/ipsec.rst) and RFC 2393/2394/3173.
 *
 * Every compressed stream the transform emits is decoded here with zlib's
 * inflate called directly (RawInflate below), never with IpsecIpcomp::Input,
 * so the round trip does not vouch for itself; streams fed to Input are
 * made with zlib's deflate called directly (RawDeflate) or written out by
 * hand from RFC 1951 (stored and fixed-Huffman blocks).
 */
#include "ipsec-test-base.h"
#include "ns3/ipsec-address.h"
#include "ns3/ipsec-algorithms.h"
#include "ns3/ipsec-deflate.h"
#include "ns3/ipsec-history-tag.h"
#include "ns3/ipsec-ipcomp.h"
#include "ns3/ipsec-sa.h"
#include "ns3/ipsec-stats.h"
#include "ns3/ipv4-address.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/test.h"

#include <cstring>
#include <random>
#include <string>
#include <vector>
#include <zlib.h>

using namespace ns3;

namespace
{

using Bytes = std::vector<uint8_t>;

constexpr uint8_t UDP = 17;
constexpr uint8_t TCP = 6;

/// @p n bytes of English-like text: compresses well.
Bytes
Compressible(size_t n)
{
    static const char* words[] = {"IPComp ", "deflate ", "payload ", "KAME ", "header ", "CPI "};
    Bytes b;
    for (size_t i = 0; b.size() < n; ++i)
    {
        const char* w = words[(i * 7 + i / 3) % 6];
        b.insert(b.end(), w, w + std::strlen(w));
    }
    b.resize(n);
    return b;
}

/// @p n pseudo-random bytes (mt19937 is fully specified by the standard).
Bytes
Random(size_t n, uint32_t seed)
{
    std::mt19937 gen(seed);
    Bytes b(n);
    for (auto& x : b)
    {
        x = static_cast<uint8_t>(gen() & 0xff);
    }
    return b;
}

/**
 * zlib's deflate called directly: a raw stream when @p windowBits < 0, a
 * zlib-wrapped one when > 0.
 */
Bytes
RawDeflate(const Bytes& data, int windowBits, int level = Z_DEFAULT_COMPRESSION, int memLevel = 9)
{
    z_stream zs{};
    if (deflateInit2(&zs, level, Z_DEFLATED, windowBits, memLevel, Z_DEFAULT_STRATEGY) != Z_OK)
    {
        return {};
    }
    Bytes out(deflateBound(&zs, data.size()));
    zs.next_in = const_cast<Bytef*>(data.data());
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    int ret = deflate(&zs, Z_FINISH);
    out.resize(ret == Z_STREAM_END ? zs.total_out : 0);
    deflateEnd(&zs);
    return out;
}

/**
 * zlib's inflate called directly on a raw stream (window 2^|windowBits|),
 * independent of IpsecIpcomp::Input.  True when the stream is complete,
 * consumed entirely and decodes to at most 1 MiB.
 */
bool
RawInflate(const Bytes& stream, Bytes* out, int windowBits = -15)
{
    z_stream zs{};
    if (inflateInit2(&zs, windowBits) != Z_OK)
    {
        return false;
    }
    out->assign(1 << 20, 0);
    zs.next_in = const_cast<Bytef*>(stream.data());
    zs.avail_in = static_cast<uInt>(stream.size());
    zs.next_out = out->data();
    zs.avail_out = static_cast<uInt>(out->size());
    int ret = inflate(&zs, Z_FINISH);
    bool ok = ret == Z_STREAM_END && zs.avail_in == 0;
    out->resize(ok ? zs.total_out : 0);
    inflateEnd(&zs);
    return ok;
}

Bytes
PacketBytes(Ptr<const Packet> p)
{
    Bytes b(p->GetSize());
    p->CopyData(b.data(), b.size());
    return b;
}

Ptr<Packet>
MakePacket(const Bytes& b)
{
    return Create<Packet>(b.data(), b.size());
}

/// An IPComp packet: header [nh][0][cpi] followed by @p stream.
Ptr<Packet>
IpcompPacket(uint8_t nh, uint16_t cpi, const Bytes& stream)
{
    Bytes b = {nh, 0, static_cast<uint8_t>(cpi >> 8), static_cast<uint8_t>(cpi & 0xff)};
    b.insert(b.end(), stream.begin(), stream.end());
    return MakePacket(b);
}

/// A mature IPComp SA.
Ptr<IpsecSa>
MakeSa(uint32_t spi,
       uint32_t flags = IpsecSaFlags::CYCSEQ,
       const char* alg = "deflate",
       IpsecSaState state = IpsecSaState::MATURE)
{
    IpsecSaParams p;
    p.src = IpsecAddress(Ipv4Address("10.0.0.1"));
    p.dst = IpsecAddress(Ipv4Address("10.0.0.2"));
    p.proto = IpsecProto::IPCOMP;
    p.spi = spi;
    p.flags = flags;
    p.comp = FindCompAlgorithm(alg);
    Ptr<IpsecSa> sa = Create<IpsecSa>(p, Seconds(0));
    sa->state = state;
    return sa;
}

/// Sum of a histogram.
uint64_t
Sum(const std::array<uint64_t, 256>& h)
{
    uint64_t s = 0;
    for (uint64_t v : h)
    {
        s += v;
    }
    return s;
}

/// Output, compressible payload, well-known CPI, decoded independently; then Input.
class IpcompRoundTripTestCase : public TestCase
{
  public:
    IpcompRoundTripTestCase()
        : TestCase("1000-byte payload: header [nh][0][CPI 2], raw deflate, Input restores it")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecSa> sa = MakeSa(0x1234); // no -R: the SPI is not on the wire
        Bytes payload = Compressible(1000);
        Ptr<Packet> p = MakePacket(payload);
        IpsecStats st;
        bool applied = false;
        IpsecVerdict v = IpsecIpcomp::Compress(*sa, p, UDP, st, &applied);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, v.reason);
        NS_TEST_ASSERT_MSG_EQ(applied, true, "compressed");
        Bytes wire = PacketBytes(p);
        NS_TEST_ASSERT_MSG_LT(wire.size(), payload.size(), "smaller than the original");
        NS_TEST_EXPECT_MSG_EQ(+wire[0], +UDP, "next header");
        NS_TEST_EXPECT_MSG_EQ(+wire[1], 0, "flags");
        NS_TEST_EXPECT_MSG_EQ(+wire[2], 0x00, "CPI high byte");
        NS_TEST_EXPECT_MSG_EQ(+wire[3], 0x02, "CPI low byte: well-known CPI of deflate");
        NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::PeekCpi(p), 2, "PeekCpi");
        NS_TEST_EXPECT_MSG_EQ(st.out_comphist[2], 1, "out_comphist[deflate]");
        NS_TEST_EXPECT_MSG_EQ(Sum(st.out_comphist), 1, "only deflate counted");
        NS_TEST_EXPECT_MSG_EQ(st.out_success, 1, "out_success");
        NS_TEST_EXPECT_MSG_EQ(st.out_inval, 0, "out_inval");

        // RFC 2394: raw deflate, no zlib header or Adler-32, decodable with
        // a 4 KiB window (the sender's).
        Bytes stream(wire.begin() + 4, wire.end());
        Bytes decoded;
        NS_TEST_ASSERT_MSG_EQ(RawInflate(stream, &decoded), true, "zlib raw inflate");
        NS_TEST_EXPECT_MSG_EQ((decoded == payload), true, "independent decode = original");
        NS_TEST_EXPECT_MSG_EQ(RawInflate(stream, &decoded, -12), true, "4 KiB window suffices");
        NS_TEST_EXPECT_MSG_EQ(
            RawInflate(stream, &decoded, 15), false, "not a zlib-wrapped (RFC 1950) stream");

        IpsecStats in;
        uint8_t nh = 0;
        uint8_t marks = 0;
        v = IpsecIpcomp::Decompress(2, p, &nh, &marks, in);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, v.reason);
        NS_TEST_EXPECT_MSG_EQ((PacketBytes(p) == payload), true, "payload restored");
        NS_TEST_EXPECT_MSG_EQ(+nh, +UDP, "next header restored");
        NS_TEST_EXPECT_MSG_EQ(((marks & IpsecHistoryTag::DECRYPTED) != 0), true, "DECRYPTED mark");
        NS_TEST_EXPECT_MSG_EQ(+marks, +IpsecHistoryTag::DECRYPTED, "no other mark");
        NS_TEST_EXPECT_MSG_EQ(in.in_comphist[2], 1, "in_comphist[deflate]");
        NS_TEST_EXPECT_MSG_EQ(Sum(in.in_comphist), 1, "only deflate counted");
        NS_TEST_EXPECT_MSG_EQ(in.in_success, 0, "in_success is the caller's");
        NS_TEST_EXPECT_MSG_EQ(in.in_inval + in.in_nosa + in.in_nomem, 0, "no error counter");
    }
};

/// Window sizes: 2^12 on output, 2^15 accepted on input.
class IpcompWindowTestCase : public TestCase
{
  public:
    IpcompWindowTestCase()
        : TestCase("deflate window 2^12 on output, 2^15 accepted on input")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecSa> sa = MakeSa(2);
        // Repetition 3000 bytes back: inside a 4 KiB window.
        Bytes near = Random(3000, 7);
        near.insert(near.end(), near.begin(), near.end());
        Ptr<Packet> p = MakePacket(near);
        IpsecStats st;
        bool applied = false;
        IpsecVerdict v = IpsecIpcomp::Compress(*sa, p, TCP, st, &applied);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, v.reason);
        NS_TEST_ASSERT_MSG_EQ(applied, true, "distance 3000 is found");
        Bytes wire = PacketBytes(p);
        NS_TEST_EXPECT_MSG_LT(wire.size(), 3200u, "second copy coded as matches");
        Bytes decoded;
        NS_TEST_EXPECT_MSG_EQ(RawInflate(Bytes(wire.begin() + 4, wire.end()), &decoded, -12),
                              true,
                              "decodable with a 4 KiB window");
        NS_TEST_EXPECT_MSG_EQ((decoded == near), true, "decoded");

        // Repetition 5000 bytes back: beyond a 4 KiB window, so random data
        // stays incompressible and the packet leaves without IPComp.
        Bytes far = Random(5000, 8);
        far.insert(far.end(), far.begin(), far.end());
        p = MakePacket(far);
        v = IpsecIpcomp::Compress(*sa, p, TCP, st, &applied);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, v.reason);
        NS_TEST_EXPECT_MSG_EQ(applied, false, "a 2^12 window cannot reach 5000 bytes back");
        NS_TEST_EXPECT_MSG_EQ((PacketBytes(p) == far), true, "packet unchanged");
        NS_TEST_EXPECT_MSG_EQ(st.out_comphist[2], 2, "both attempts counted");
        NS_TEST_EXPECT_MSG_EQ(st.out_success, 1, "only the first one sent");

        // The same data deflated by another implementation with a 2^15
        // window uses distance 5000; Input must accept it.
        Bytes stream = RawDeflate(far, -15);
        NS_TEST_ASSERT_MSG_LT(stream.size(), 5200u, "peer's stream uses the 32 KiB window");
        p = IpcompPacket(TCP, 2, stream);
        IpsecStats in;
        uint8_t nh = 0;
        uint8_t marks = 0;
        v = IpsecIpcomp::Decompress(2, p, &nh, &marks, in);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, v.reason);
        NS_TEST_EXPECT_MSG_EQ((PacketBytes(p) == far), true, "decoded with a 2^15 window");
        NS_TEST_EXPECT_MSG_EQ(+nh, +TCP, "next header");
        NS_TEST_EXPECT_MSG_EQ(in.in_comphist[2], 1, "in_comphist");
    }
};

/// setkey -R: the CPI on the wire is the SPI; SPIs beyond 16 bits drop.
class IpcompRawCpiTestCase : public TestCase
{
  public:
    IpcompRawCpiTestCase()
        : TestCase("-R: CPI = low 16 bits of the SPI; SPI >= 0x10000 -> out_inval")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t rawFlags = IpsecSaFlags::CYCSEQ | IpsecSaFlags::RAWCPI;
        Bytes payload = Compressible(400);
        for (uint32_t spi : {0x1234u, 0xffffu, 0x0100u, 0x0003u})
        {
            Ptr<IpsecSa> sa = MakeSa(spi, rawFlags);
            Ptr<Packet> p = MakePacket(payload);
            IpsecStats st;
            bool applied = false;
            IpsecVerdict v = IpsecIpcomp::Compress(*sa, p, UDP, st, &applied);
            NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, v.reason);
            NS_TEST_ASSERT_MSG_EQ(applied, true, "compressed");
            Bytes wire = PacketBytes(p);
            NS_TEST_EXPECT_MSG_EQ(+wire[2], +((spi >> 8) & 0xff), "CPI high byte = SPI");
            NS_TEST_EXPECT_MSG_EQ(+wire[3], +(spi & 0xff), "CPI low byte = SPI");
            NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::PeekCpi(p), spi, "PeekCpi");
            NS_TEST_EXPECT_MSG_EQ(
                st.out_comphist[2], 1, "counted under the algorithm, not the CPI");
        }

        // SPI 0x10000 (and beyond): dropped before anything else, with -R...
        struct Case
        {
            uint32_t spi;
            uint32_t flags;
            size_t len;
            const char* what;
        };

        const Case cases[] = {
            {0x10000, rawFlags, 400, "SPI 0x10000 with -R"},
            {0x12345678, rawFlags, 400, "SPI 0x12345678 with -R"},
            // ...and without it (ipcomp_output tests the SPI whatever the flag)...
            {0x10000, IpsecSaFlags::CYCSEQ, 400, "SPI 0x10000 without -R"},
            // ...and before the short-payload shortcut.
            {0x10000, rawFlags, 10, "SPI 0x10000, 10-byte payload"},
        };
        for (const Case& c : cases)
        {
            Ptr<IpsecSa> sa = MakeSa(c.spi, c.flags);
            Bytes original = Compressible(c.len);
            Ptr<Packet> p = MakePacket(original);
            IpsecStats st;
            bool applied = true;
            IpsecVerdict v = IpsecIpcomp::Compress(*sa, p, UDP, st, &applied);
            NS_TEST_EXPECT_MSG_EQ(v.Ok(), false, c.what);
            NS_TEST_EXPECT_MSG_EQ(std::string(v.counter ? v.counter : ""), "out_inval", c.what);
            NS_TEST_EXPECT_MSG_EQ(st.out_inval, 1, c.what);
            NS_TEST_EXPECT_MSG_EQ(st.out_success + Sum(st.out_comphist), 0, c.what);
            NS_TEST_EXPECT_MSG_EQ(applied, false, c.what);
            NS_TEST_EXPECT_MSG_EQ((PacketBytes(p) == original), true, c.what);
        }

        // An SA whose algorithm KAME does not implement (oui) -> out_inval.
        Ptr<IpsecSa> oui = MakeSa(0x1000, IpsecSaFlags::CYCSEQ, "oui");
        Ptr<Packet> p = MakePacket(payload);
        IpsecStats st;
        bool applied = true;
        IpsecVerdict v = IpsecIpcomp::Compress(*oui, p, UDP, st, &applied);
        NS_TEST_EXPECT_MSG_EQ(v.Ok(), false, "oui not implemented");
        NS_TEST_EXPECT_MSG_EQ(st.out_inval, 1, "out_inval");
        NS_TEST_EXPECT_MSG_EQ(applied, false, "not applied");
    }
};

/// The 90-byte threshold.
class IpcompThresholdTestCase : public TestCase
{
  public:
    IpcompThresholdTestCase()
        : TestCase("payloads under 90 bytes are not compressed and not counted")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecSa> sa = MakeSa(2);
        Bytes b89(89, 'a');
        Ptr<Packet> p = MakePacket(b89);
        Ptr<Packet> before = p;
        IpsecStats st;
        bool applied = true;
        IpsecVerdict v = IpsecIpcomp::Compress(*sa, p, UDP, st, &applied);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, v.reason);
        NS_TEST_EXPECT_MSG_EQ(applied, false, "89 bytes: skipped");
        NS_TEST_EXPECT_MSG_EQ(p, before, "same packet object");
        NS_TEST_EXPECT_MSG_EQ((PacketBytes(p) == b89), true, "bytes unchanged");
        NS_TEST_EXPECT_MSG_EQ(Sum(st.out_comphist), 0, "no out_comphist");
        NS_TEST_EXPECT_MSG_EQ(st.out_success + st.out_inval, 0, "no counters");

        Bytes b90(90, 'a');
        p = MakePacket(b90);
        v = IpsecIpcomp::Compress(*sa, p, UDP, st, &applied);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, v.reason);
        NS_TEST_EXPECT_MSG_EQ(applied, true, "90 bytes: compressed");
        Bytes wire = PacketBytes(p);
        NS_TEST_EXPECT_MSG_LT(wire.size(), 90u, "smaller");
        Bytes decoded;
        NS_TEST_EXPECT_MSG_EQ(
            RawInflate(Bytes(wire.begin() + 4, wire.end()), &decoded), true, "raw deflate");
        NS_TEST_EXPECT_MSG_EQ((decoded == b90), true, "decoded");
        NS_TEST_EXPECT_MSG_EQ(st.out_comphist[2], 1, "out_comphist");
        NS_TEST_EXPECT_MSG_EQ(st.out_success, 1, "out_success");
    }
};

/// Incompressible payloads, and the equal-size boundary.
class IpcompIncompressibleTestCase : public TestCase
{
  public:
    IpcompIncompressibleTestCase()
        : TestCase("larger result: sent uncompressed but counted; equal size: sent compressed")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecSa> sa = MakeSa(2);
        Bytes random = Random(500, 1);
        Ptr<Packet> p = MakePacket(random);
        IpsecStats st;
        bool applied = true;
        IpsecVerdict v = IpsecIpcomp::Compress(*sa, p, UDP, st, &applied);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, v.reason);
        NS_TEST_EXPECT_MSG_EQ(applied, false, "random data: not applied");
        NS_TEST_EXPECT_MSG_EQ((PacketBytes(p) == random), true, "packet unchanged");
        NS_TEST_EXPECT_MSG_EQ(st.out_comphist[2], 1, "the attempt is counted");
        NS_TEST_EXPECT_MSG_EQ(st.out_success, 0, "no out_success");
        NS_TEST_EXPECT_MSG_EQ(st.out_inval, 0, "no out_inval");

        // Search payloads "random head + run of zeros" whose raw deflate
        // (same parameters as KAME's output, zlib called directly) is
        // exactly as long as the payload, and one that is one byte longer.
        const size_t len = 500;
        Bytes equal;
        Bytes oneMore;
        for (uint32_t seed = 1; seed < 50 && (equal.empty() || oneMore.empty()); ++seed)
        {
            Bytes head = Random(len, seed);
            for (size_t k = 0; k < 200; ++k)
            {
                Bytes d(head.begin(), head.begin() + (len - k));
                d.resize(len, 0);
                size_t c = RawDeflate(d, -12).size();
                if (c == len && equal.empty())
                {
                    equal = d;
                }
                else if (c == len + 1 && oneMore.empty())
                {
                    oneMore = d;
                }
            }
        }
        NS_TEST_ASSERT_MSG_EQ(equal.empty(), false, "found a payload compressing to its size");
        NS_TEST_ASSERT_MSG_EQ(oneMore.empty(), false, "found one compressing to size + 1");

        IpsecStats st2;
        p = MakePacket(equal);
        v = IpsecIpcomp::Compress(*sa, p, UDP, st2, &applied);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, v.reason);
        NS_TEST_EXPECT_MSG_EQ(applied, true, "equal size: still compressed");
        Bytes wire = PacketBytes(p);
        NS_TEST_EXPECT_MSG_EQ(wire.size(), len + 4, "4 bytes bigger than the original");
        Bytes decoded;
        NS_TEST_EXPECT_MSG_EQ(
            RawInflate(Bytes(wire.begin() + 4, wire.end()), &decoded), true, "raw deflate");
        NS_TEST_EXPECT_MSG_EQ((decoded == equal), true, "decoded");
        NS_TEST_EXPECT_MSG_EQ(st2.out_success, 1, "out_success");

        p = MakePacket(oneMore);
        v = IpsecIpcomp::Compress(*sa, p, UDP, st2, &applied);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, v.reason);
        NS_TEST_EXPECT_MSG_EQ(applied, false, "one byte larger: sent uncompressed");
        NS_TEST_EXPECT_MSG_EQ((PacketBytes(p) == oneMore), true, "packet unchanged");
        NS_TEST_EXPECT_MSG_EQ(st2.out_comphist[2], 2, "both attempts counted");
        NS_TEST_EXPECT_MSG_EQ(st2.out_success, 1, "only the equal one sent");
    }
};

/// Streams written by hand (RFC 1951) and by zlib with other settings.
class IpcompInteropTestCase : public TestCase
{
  public:
    IpcompInteropTestCase()
        : TestCase("Input decodes RFC 1951 streams from other encoders")
    {
    }

  private:
    void Check(const Bytes& stream, const Bytes& expected, const std::string& what)
    {
        Ptr<Packet> p = IpcompPacket(UDP, 2, stream);
        IpsecStats in;
        uint8_t nh = 0;
        uint8_t marks = 0;
        IpsecVerdict v = IpsecIpcomp::Decompress(2, p, &nh, &marks, in);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, what + ": " + v.reason);
        NS_TEST_EXPECT_MSG_EQ((PacketBytes(p) == expected), true, what);
        NS_TEST_EXPECT_MSG_EQ(+nh, +UDP, what);
        NS_TEST_EXPECT_MSG_EQ(in.in_comphist[2], 1, what);
    }

    void DoRun() override
    {
        // RFC 1951 3.2.4: one final stored block, LEN 5, NLEN ~5, "hello".
        Check({0x01, 0x05, 0x00, 0xfa, 0xff, 'h', 'e', 'l', 'l', 'o'},
              {'h', 'e', 'l', 'l', 'o'},
              "stored block");
        // RFC 1951 3.2.6: final fixed-Huffman block holding only the
        // end-of-block code (BFINAL 1, BTYPE 01, code 0000000): 03 00.
        Check({0x03, 0x00}, {}, "empty fixed-Huffman block");
        // Two stored blocks, the first not final.
        Check({0x00, 0x02, 0x00, 0xfd, 0xff, 'a', 'b', 0x01, 0x01, 0x00, 0xfe, 0xff, 'c'},
              {'a', 'b', 'c'},
              "two stored blocks");
        Bytes data = Compressible(3000);
        Check(RawDeflate(data, -15, 9, 8), data, "zlib level 9, window 2^15");
        Check(RawDeflate(data, -9, 1, 1), data, "zlib level 1, window 2^9");
        Check(RawDeflate(data, -15, 0, 8), data, "zlib level 0 (stored blocks)");
        Bytes big = Compressible(60000);
        Check(RawDeflate(big, -15), big, "60000 bytes");
    }
};

/// Malformed and hostile input.
class IpcompInputErrorTestCase : public TestCase
{
  public:
    IpcompInputErrorTestCase()
        : TestCase("Input: garbage, truncation, trailing bytes, bombs -> in_inval")
    {
    }

  private:
    /// Runs Input on @p p and expects a drop counted as @p counter.
    void Expect(Ptr<Packet> p,
                uint8_t algorithm,
                const std::string& counter,
                const std::string& what,
                const std::string& reasonPart = "",
                uint32_t maxSize = IpsecIpcomp::MAX_DECOMPRESSED)
    {
        Bytes before = PacketBytes(p);
        IpsecStats in;
        uint8_t nh = 0;
        uint8_t marks = 0;
        IpsecVerdict v = IpsecIpcomp::Decompress(algorithm, p, &nh, &marks, in, maxSize);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), false, what);
        NS_TEST_EXPECT_MSG_EQ(
            std::string(v.counter ? v.counter : "(none)"), counter, what + ": " + v.reason);
        uint64_t count = counter == "in_inval" ? in.in_inval
                       : counter == "in_nosa"  ? in.in_nosa
                                               : in.in_nomem;
        NS_TEST_EXPECT_MSG_EQ(count, 1, what);
        NS_TEST_EXPECT_MSG_EQ(in.in_inval + in.in_nosa + in.in_nomem, 1, what + ": one counter");
        NS_TEST_EXPECT_MSG_EQ(in.in_success, 0, what);
        NS_TEST_EXPECT_MSG_EQ(+marks, 0, what + ": no mark");
        NS_TEST_EXPECT_MSG_EQ((PacketBytes(p) == before), true, what + ": packet untouched");
        if (!reasonPart.empty())
        {
            NS_TEST_EXPECT_MSG_EQ((v.reason.find(reasonPart) != std::string::npos),
                                  true,
                                  what + ": reason \"" + v.reason + "\"");
        }
        m_lastComphist = Sum(in.in_comphist);
    }

    void DoRun() override
    {
        Bytes data = Compressible(1000);
        Bytes good = RawDeflate(data, -15);

        Expect(MakePacket({UDP, 0, 0}), 2, "in_inval", "3-byte packet", "too short");
        Expect(IpcompPacket(UDP, 2, {}), 2, "in_inval", "header only", "truncated");
        // BTYPE 11 is reserved (RFC 1951 3.2.3).
        Expect(IpcompPacket(UDP, 2, Bytes(100, 0xff)), 2, "in_inval", "garbage", "invalid");
        NS_TEST_EXPECT_MSG_EQ(m_lastComphist, 0, "no in_comphist for garbage");
        // Stored block whose NLEN is not the complement of LEN.
        Expect(IpcompPacket(UDP, 2, {0x01, 0x05, 0x00, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o'}),
               2,
               "in_inval",
               "bad stored block");
        // A zlib-wrapped stream (RFC 1950 header 78 9c) is not raw deflate.
        Expect(IpcompPacket(UDP, 2, RawDeflate(data, 15)), 2, "in_inval", "zlib-wrapped stream");
        Expect(IpcompPacket(UDP, 2, Bytes(good.begin(), good.begin() + good.size() / 2)),
               2,
               "in_inval",
               "truncated stream",
               "truncated");
        Expect(IpcompPacket(UDP, 2, Bytes(good.begin(), good.end() - 1)),
               2,
               "in_inval",
               "last byte missing");
        Bytes trailing = good;
        trailing.insert(trailing.end(), {'X', 'Y', 'Z'});
        Expect(IpcompPacket(UDP, 2, trailing), 2, "in_inval", "trailing bytes", "after the end");
        // Stored block claiming 5 bytes but carrying 3.
        Expect(IpcompPacket(UDP, 2, {0x01, 0x05, 0x00, 0xfa, 0xff, 'h', 'e', 'l'}),
               2,
               "in_inval",
               "short stored block",
               "truncated");
        // The algorithm the caller passes must be deflate.
        Expect(IpcompPacket(UDP, 2, good), 3, "in_nosa", "lzs", "unknown compression algorithm");
        Expect(IpcompPacket(UDP, 2, good), 1, "in_nosa", "oui", "unknown compression algorithm");

        // Decompression bomb: 200 kB of zeros deflate to a few hundred bytes.
        Bytes zeros(200000, 0);
        Bytes bomb = RawDeflate(zeros, -15, 9);
        NS_TEST_ASSERT_MSG_LT(bomb.size(), 1000u, "the bomb is small");
        Expect(IpcompPacket(UDP, 2, bomb),
               2,
               "in_inval",
               "200 kB bomb",
               "inflates beyond the maximum IP datagram");
        // As KAME (decompress, in_comphist++, then the length check).
        NS_TEST_EXPECT_MSG_EQ(m_lastComphist, 1, "bomb: in_comphist as in KAME");
        // Memory bound: the output buffer of a rejected stream is never
        // allocated (the first pass only counts, into an 8 KiB stack
        // buffer, and stops after 65536 bytes); an accepted one is exactly
        // as large as the datagram, at most 65535 bytes.
        Bytes out;
        std::string why;
        IpsecDeflate::InflateStatus s
            = IpsecDeflate::Inflate(bomb.data(), bomb.size(), 65535, &out, &why);
        NS_TEST_EXPECT_MSG_EQ((s == IpsecDeflate::InflateStatus::TOO_BIG), true, why);
        NS_TEST_EXPECT_MSG_EQ(out.capacity(), 0u, "no output buffer allocated for the bomb");
        // A 4 MB bomb (about 4 KB of input, near deflate's 1032:1 limit) is
        // stopped after the same 65536 bytes of output.
        Bytes zeros2(4000000, 0);
        Bytes bigBomb = RawDeflate(zeros2, -15, 9);
        NS_TEST_ASSERT_MSG_LT(bigBomb.size(), 8000u, "4 MB bomb is small");
        s = IpsecDeflate::Inflate(bigBomb.data(), bigBomb.size(), 65535, &out, &why);
        NS_TEST_EXPECT_MSG_EQ((s == IpsecDeflate::InflateStatus::TOO_BIG), true, why);
        NS_TEST_EXPECT_MSG_EQ(out.capacity(), 0u, "no output buffer allocated for the bomb");

        // The exact limit: 65535 bytes pass, 65536 do not.
        Bytes max(65535, 0);
        Ptr<Packet> p = IpcompPacket(UDP, 2, RawDeflate(max, -15));
        IpsecStats in;
        uint8_t nh = 0;
        uint8_t marks = 0;
        IpsecVerdict v = IpsecIpcomp::Decompress(2, p, &nh, &marks, in);
        NS_TEST_EXPECT_MSG_EQ(v.Ok(), true, "65535 bytes: " + v.reason);
        NS_TEST_EXPECT_MSG_EQ(p->GetSize(), 65535u, "65535 bytes out");
        s = IpsecDeflate::Inflate(max.data(), 0, 65535, &out, &why); // empty input
        NS_TEST_EXPECT_MSG_EQ((s == IpsecDeflate::InflateStatus::TRUNCATED), true, why);
        Bytes maxStream = RawDeflate(max, -15);
        s = IpsecDeflate::Inflate(maxStream.data(), maxStream.size(), 65535, &out, &why);
        NS_TEST_EXPECT_MSG_EQ((s == IpsecDeflate::InflateStatus::OK), true, why);
        NS_TEST_EXPECT_MSG_EQ(out.size(), 65535u, "size");
        NS_TEST_EXPECT_MSG_EQ(out.capacity(), 65535u, "exactly sized output buffer");

        Bytes over(65536, 0);
        Expect(IpcompPacket(UDP, 2, RawDeflate(over, -15)),
               2,
               "in_inval",
               "65536 bytes",
               "inflates beyond the maximum IP datagram");
        // The caller's tighter bound (65535 - IPv4 header).
        Bytes v4max(65515, 'x');
        Bytes v4over(65516, 'x');
        Expect(IpcompPacket(UDP, 2, RawDeflate(v4over, -15)),
               2,
               "in_inval",
               "65516 bytes with maxSize 65515",
               "65515 bytes",
               65515);
        p = IpcompPacket(UDP, 2, RawDeflate(v4max, -15));
        v = IpsecIpcomp::Decompress(2, p, &nh, &marks, in, 65515);
        NS_TEST_EXPECT_MSG_EQ(v.Ok(), true, "65515 bytes with maxSize 65515: " + v.reason);
        // maxSize above 65535 is clamped.
        Expect(IpcompPacket(UDP, 2, RawDeflate(over, -15)),
               2,
               "in_inval",
               "65536 bytes with maxSize 100000",
               "65535 bytes",
               100000);
    }

    uint64_t m_lastComphist{0};
};

/// CPI -> algorithm resolution.
class IpcompCpiTestCase : public TestCase
{
  public:
    IpcompCpiTestCase()
        : TestCase("AlgorithmForCpi: well-known CPIs, SA lookup for CPI >= 256")
    {
    }

  private:
    void DoRun() override
    {
        const IpsecCompAlgorithm* deflate = FindCompAlgorithm("deflate");
        NS_TEST_ASSERT_MSG_NE(deflate, nullptr, "deflate in the table");
        NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::AlgorithmForCpi(2, nullptr), deflate, "CPI 2");
        NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::AlgorithmForCpi(1, nullptr), nullptr, "CPI 1 (oui)");
        NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::AlgorithmForCpi(3, nullptr), nullptr, "CPI 3 (lzs)");
        NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::AlgorithmForCpi(0, nullptr), nullptr, "CPI 0");
        NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::AlgorithmForCpi(255, nullptr), nullptr, "CPI 255");
        NS_TEST_EXPECT_MSG_EQ(
            IpsecIpcomp::AlgorithmForCpi(256, nullptr), nullptr, "CPI 256 without SA");
        NS_TEST_EXPECT_MSG_EQ(
            IpsecIpcomp::AlgorithmForCpi(0x1234, nullptr), nullptr, "CPI 0x1234 without SA");
        NS_TEST_EXPECT_MSG_EQ(
            IpsecIpcomp::AlgorithmForCpi(0xffff, nullptr), nullptr, "CPI 0xffff without SA");

        Ptr<IpsecSa> sa = MakeSa(0x1234, IpsecSaFlags::CYCSEQ | IpsecSaFlags::RAWCPI);
        NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::AlgorithmForCpi(0x1234, sa), deflate, "mature SA");
        sa->state = IpsecSaState::DYING;
        NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::AlgorithmForCpi(0x1234, sa), deflate, "dying SA");
        sa->state = IpsecSaState::LARVAL;
        NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::AlgorithmForCpi(0x1234, sa), nullptr, "larval SA");
        sa->state = IpsecSaState::DEAD;
        NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::AlgorithmForCpi(0x1234, sa), nullptr, "dead SA");
        Ptr<IpsecSa> lzs = MakeSa(0x2000, IpsecSaFlags::CYCSEQ, "lzs");
        NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::AlgorithmForCpi(0x2000, lzs),
                              nullptr,
                              "SA with an unimplemented algorithm");
        // CPI < 256: no SA consulted, even a dead one passed by mistake.
        NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::AlgorithmForCpi(2, sa), deflate, "CPI 2, SA ignored");
        NS_TEST_EXPECT_MSG_EQ(
            IpsecIpcomp::AlgorithmForCpi(3, MakeSa(3)), nullptr, "CPI 3, SA ignored");

        // The CPI of a received packet, and the full caller sequence for a
        // -R peer: PeekCpi -> SA -> algorithm -> Input.
        Bytes data = Compressible(500);
        Ptr<Packet> p = IpcompPacket(TCP, 0x1234, RawDeflate(data, -15));
        NS_TEST_EXPECT_MSG_EQ(IpsecIpcomp::PeekCpi(p), 0x1234, "PeekCpi");
        sa->state = IpsecSaState::MATURE;
        const IpsecCompAlgorithm* alg = IpsecIpcomp::AlgorithmForCpi(IpsecIpcomp::PeekCpi(p), sa);
        NS_TEST_ASSERT_MSG_NE(alg, nullptr, "resolved");
        IpsecStats in;
        uint8_t nh = 0;
        uint8_t marks = 0;
        IpsecVerdict v = IpsecIpcomp::Decompress(alg->sadbId, p, &nh, &marks, in);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, v.reason);
        NS_TEST_EXPECT_MSG_EQ((PacketBytes(p) == data), true, "decoded");
        NS_TEST_EXPECT_MSG_EQ(in.in_comphist[2], 1, "counted under the algorithm, not the CPI");
        NS_TEST_EXPECT_MSG_EQ(Sum(in.in_comphist), 1, "only there");
    }
};

/// Packet tags survive both directions (FlowMonitor, socket tags).
/**
 * The streams a node keeps (IpsecDeflate::Compress and Decompress, reset for
 * every datagram) give, datagram after datagram, the bytes zlib's own fresh
 * stream gives (RawDeflate, window 2^12, level default, memory level 9), and
 * decode what zlib's fresh stream decodes, also after a refused stream.
 */
class IpcompReusedStreamTestCase : public TestCase
{
  public:
    IpcompReusedStreamTestCase()
        : TestCase("streams kept from datagram to datagram: fresh-stream bytes, bombs between")
    {
    }

  private:
    void DoRun() override
    {
        IpsecDeflate codec;
        Bytes zeros(200000, 0);
        Bytes bomb = RawDeflate(zeros, -15, 9);
        for (uint32_t i = 0; i < 6; ++i)
        {
            Bytes payload(200 + 300 * i);
            for (size_t j = 0; j < payload.size(); ++j)
            {
                payload[j] = static_cast<uint8_t>("IPComp over a slow link "[j % 24] + (i & 1) * j);
            }
            Bytes out;
            std::string why;
            NS_TEST_ASSERT_MSG_EQ(
                codec.Compress(payload.data(), payload.size(), &out, &why, 4), true, why);
            Bytes expect = RawDeflate(payload, -12);
            NS_TEST_ASSERT_MSG_EQ(expect.empty(), false, "zlib's own deflate");
            NS_TEST_EXPECT_MSG_EQ((Bytes(out.begin() + 4, out.end()) == expect),
                                  true,
                                  "datagram " << i << ": the bytes of a fresh stream");
            Bytes back;
            IpsecDeflate::InflateStatus st
                = codec.Decompress(expect.data(), expect.size(), 65535, &back, &why);
            NS_TEST_EXPECT_MSG_EQ((st == IpsecDeflate::InflateStatus::OK), true, why);
            NS_TEST_EXPECT_MSG_EQ((back == payload), true, "datagram " << i << " round trip");
            // A refused stream between two good ones leaves nothing behind.
            st = codec.Decompress(bomb.data(), bomb.size(), 65535, &back, &why);
            NS_TEST_EXPECT_MSG_EQ((st == IpsecDeflate::InflateStatus::TOO_BIG), true, why);
            st = codec.Decompress(expect.data(), expect.size() / 2, 65535, &back, &why);
            NS_TEST_EXPECT_MSG_EQ((st == IpsecDeflate::InflateStatus::TRUNCATED), true, why);
        }
    }
};

class IpcompTagTestCase : public TestCase
{
  public:
    IpcompTagTestCase()
        : TestCase("packet tags are carried through Output and Input")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<IpsecSa> sa = MakeSa(2);
        Bytes payload = Compressible(800);
        Ptr<Packet> p = MakePacket(payload);
        IpsecHistoryEntry esp{IpsecProto::ESP,
                              42,
                              IpsecMode::TRANSPORT,
                              IpsecAddress(Ipv4Address("10.0.0.1")),
                              IpsecAddress(Ipv4Address("10.0.0.2"))};
        p->AddPacketTag(IpsecHistoryTag(7, IpsecHistoryTag::AUTH_DGRAM, {esp}));
        IpsecStats st;
        bool applied = false;
        IpsecVerdict v = IpsecIpcomp::Compress(*sa, p, UDP, st, &applied);
        NS_TEST_ASSERT_MSG_EQ((v.Ok() && applied), true, v.reason);
        IpsecHistoryTag tag;
        NS_TEST_EXPECT_MSG_EQ(p->PeekPacketTag(tag), true, "tag after Output");
        uint8_t nh = 0;
        uint8_t marks = 0;
        v = IpsecIpcomp::Decompress(2, p, &nh, &marks, st);
        NS_TEST_ASSERT_MSG_EQ(v.Ok(), true, v.reason);
        NS_TEST_EXPECT_MSG_EQ(p->PeekPacketTag(tag), true, "tag after Input");
        NS_TEST_ASSERT_MSG_EQ(tag.GetHistory().size(), 1u, "tag content");
        NS_TEST_EXPECT_MSG_EQ(tag.GetHistory()[0].spi, 42u, "tag content");
    }
};

class IpsecIpcompTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IpsecIpcompTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-ipcomp", UNIT)
    {
        AddTestCase(new IpcompRoundTripTestCase, TestCase::QUICK);
        AddTestCase(new IpcompWindowTestCase, TestCase::QUICK);
        AddTestCase(new IpcompRawCpiTestCase, TestCase::QUICK);
        AddTestCase(new IpcompThresholdTestCase, TestCase::QUICK);
        AddTestCase(new IpcompIncompressibleTestCase, TestCase::QUICK);
        AddTestCase(new IpcompInteropTestCase, TestCase::QUICK);
        AddTestCase(new IpcompInputErrorTestCase, TestCase::QUICK);
        AddTestCase(new IpcompCpiTestCase, TestCase::QUICK);
        AddTestCase(new IpcompTagTestCase, TestCase::QUICK);
        AddTestCase(new IpcompReusedStreamTestCase, TestCase::QUICK);
    }
};

IpsecIpcompTestSuite g_ipsecIpcompTestSuite;

} // namespace
