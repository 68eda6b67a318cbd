/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The ISAKMP codec (model/isakmp-message.*): messages laid out byte by byte
 * from RFC 2408 3.1 - 3.15, RFC 2407 4.6 and RFC 2409 appendix A here in
 * the test (never by the encoder) as racoon sends them; random well-formed
 * structures through Encode and Decode; a battery of malformed input, every
 * piece refused with a reason; and tshark, an independent dissector,
 * reading what the encoder wrote.
 */
#include "ipsec-test-base.h"
#include "ipsec-test-util.h"
#include "ns3/ipsec-module.h"
#include "ns3/test.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

using namespace ns3;
using namespace ns3::ipsectest;

namespace
{

/// Appends network-order fields, as a C program filling RFC 2408's structures.
struct Bytes
{
    std::vector<uint8_t> b;

    Bytes& U8(uint8_t v)
    {
        b.push_back(v);
        return *this;
    }

    Bytes& N16(uint16_t v)
    {
        return U8(v >> 8).U8(v & 0xff);
    }

    Bytes& N32(uint32_t v)
    {
        return N16(v >> 16).N16(v & 0xffff);
    }

    Bytes& Raw(const std::vector<uint8_t>& v)
    {
        b.insert(b.end(), v.begin(), v.end());
        return *this;
    }

    Bytes& Cookie(const std::array<uint8_t, 8>& c)
    {
        b.insert(b.end(), c.begin(), c.end());
        return *this;
    }

    /// A generic payload header (RFC 2408 3.2).
    Bytes& Generic(uint8_t next, uint16_t length)
    {
        return U8(next).U8(0).N16(length);
    }

    /// A basic (TV) attribute: AF bit set (RFC 2408 3.3).
    Bytes& Tv(uint16_t type, uint16_t value)
    {
        return N16(0x8000 | type).N16(value);
    }
};

/// @p n bytes start, start + step, ... (mod 256).
std::vector<uint8_t>
Pattern(size_t n, uint8_t start, uint8_t step)
{
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i)
    {
        v[i] = static_cast<uint8_t>(start + i * step);
    }
    return v;
}

bool
Contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

const std::array<uint8_t, 8> ICOOKIE = {0x8a, 0x3f, 0x1c, 0x55, 0x02, 0xd4, 0x9e, 0x61};
const std::array<uint8_t, 8> RCOOKIE = {0x4b, 0x70, 0xe2, 0x19, 0xc6, 0x0d, 0x38, 0xa7};
const std::array<uint8_t, 8> ZERO_COOKIE = {};
const uint32_t QUICK_MSGID = 0x5eed1e55;
const uint32_t INFO_MSGID = 0x71c0ffee;
const uint32_t ESP_SPI = 0x0a1b2c3d;
/// RFC 3706's dead peer detection vendor ID (racoon sends it with "dpd_delay").
const std::vector<uint8_t> DPD_VID = {
    0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9, 0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00};

// ===========================================================================
// Reference messages, hand-laid from the RFC layouts
// ===========================================================================

/**
 * Main mode message 1 as racoon sends it for the sample racoon.conf's
 * proposal (3des, sha1, pre_shared_key, dh_group 2, lifetime time 8 hour),
 * attributes in racoon's setph1attr order: life type and duration, then
 * encryption, authentication method, hash, group.  28800 fits 16 bits: basic.
 */
std::vector<uint8_t>
RefMainMode1()
{
    Bytes m;
    m.Cookie(ICOOKIE).Cookie(ZERO_COOKIE);
    m.U8(1).U8(0x10).U8(2).U8(0).N32(0).N32(80); // next SA, 1.0, main mode, no flags, msgid 0
    m.Generic(0, 52);                            // SA payload
    m.N32(1).N32(1);                             // IPsec DOI, SIT_IDENTITY_ONLY
    m.Generic(0, 40).U8(1).U8(1).U8(0).U8(1);    // proposal 1, PROTO_ISAKMP, no SPI, 1 transform
    m.Generic(0, 32).U8(1).U8(1).N16(0);         // transform 1, KEY_IKE
    m.Tv(11, 1);                                 // life type: seconds
    m.Tv(12, 0x7080);                            // life duration: 28800
    m.Tv(1, 5);                                  // encryption: 3DES-CBC
    m.Tv(3, 1);                                  // authentication: pre-shared key
    m.Tv(2, 2);                                  // hash: SHA
    m.Tv(4, 2);                                  // group: MODP 1024 (group 2)
    return m.b;
}

/// The initiator's DH public value (128 bytes: MODP 1024) and nonce (16, racoon's default).
std::vector<uint8_t>
KeValue()
{
    return Pattern(128, 0x03, 7);
}

std::vector<uint8_t>
NonceValue()
{
    return Pattern(16, 0xa0, 3);
}

/// Main mode message 3: KE, NONCE and the DPD vendor ID.
std::vector<uint8_t>
RefMainMode3()
{
    Bytes m;
    m.Cookie(ICOOKIE).Cookie(RCOOKIE);
    m.U8(4).U8(0x10).U8(2).U8(0).N32(0).N32(28 + 132 + 20 + 20);
    m.Generic(10, 132).Raw(KeValue());
    m.Generic(13, 20).Raw(NonceValue());
    m.Generic(0, 20).Raw(DPD_VID);
    return m.b;
}

/**
 * Quick mode message 1, the plaintext the initiator encrypts (E flag):
 * HASH(1), SA, Ni, IDci, IDcr.  The ESP proposal is racoon's
 * setph2proposal0 for "encryption_algorithm aes 128; authentication_algorithm
 * hmac_sha1; lifetime time 24 hour" in transport mode: life type, life
 * duration (86400 > 0xffff: a variable attribute of 4 bytes), encapsulation
 * mode, key length, authentication algorithm.
 */
std::vector<uint8_t>
RefQuick1()
{
    Bytes m;
    m.Cookie(ICOOKIE).Cookie(RCOOKIE);
    m.U8(8).U8(0x10).U8(32).U8(1).N32(QUICK_MSGID).N32(28 + 24 + 56 + 20 + 12 + 12);
    m.Generic(1, 24).Raw(Pattern(20, 0x11, 1)); // HASH(1): an HMAC-SHA1
    m.Generic(10, 56);                          // SA
    m.N32(1).N32(1);
    m.Generic(0, 44).U8(1).U8(3).U8(4).U8(1).N32(ESP_SPI); // proposal 1, ESP, 4-byte SPI
    m.Generic(0, 32).U8(1).U8(12).N16(0);                  // transform 1, ESP_AES
    m.Tv(1, 1);                                            // SA life type: seconds
    m.N16(2).N16(4).N32(86400);                            // SA life duration: TLV, 4 bytes
    m.Tv(4, 2);                                            // encapsulation mode: transport
    m.Tv(6, 128);                                          // key length
    m.Tv(5, 2);                                            // authentication: HMAC-SHA1
    m.Generic(5, 20).Raw(NonceValue());
    m.Generic(5, 12).U8(1).U8(0).N16(0).U8(10).U8(1).U8(1).U8(1); // IDci ID_IPV4_ADDR 10.1.1.1
    m.Generic(0, 12).U8(1).U8(0).N16(0).U8(10).U8(2).U8(2).U8(2); // IDcr ID_IPV4_ADDR 10.2.2.2
    return m.b;
}

/**
 * NO-PROPOSAL-CHOSEN as racoon's isakmp_info_send_nx sends it (before an
 * ISAKMP SA exists, so in the clear): IPsec DOI, protocol ISAKMP, no SPI.
 */
std::vector<uint8_t>
RefInfoNotify()
{
    Bytes m;
    m.Cookie(ICOOKIE).Cookie(RCOOKIE);
    m.U8(11).U8(0x10).U8(5).U8(0).N32(INFO_MSGID).N32(28 + 12);
    m.Generic(0, 12).N32(1).U8(1).U8(0).N16(14);
    return m.b;
}

/**
 * A Delete of one ESP SA (racoon's isakmp_info_send_d2), here in the clear
 * (racoon encrypts it behind a HASH(1), which is the caller's business).
 */
std::vector<uint8_t>
RefInfoDelete()
{
    Bytes m;
    m.Cookie(ICOOKIE).Cookie(RCOOKIE);
    m.U8(12).U8(0x10).U8(5).U8(0).N32(INFO_MSGID + 1).N32(28 + 16);
    m.Generic(0, 16).N32(1).U8(3).U8(4).N16(1).N32(ESP_SPI);
    return m.b;
}

// ===========================================================================
// The same messages from the encoder
// ===========================================================================

IsakmpSa
Phase1Sa()
{
    IsakmpTransform t;
    t.number = 1;
    t.id = isakmp::KEY_IKE;
    t.attributes = {IsakmpAttribute::Make(isakmp::OAKLEY_LIFE_TYPE, isakmp::OAKLEY_LIFE_SECONDS),
                    IsakmpAttribute::Make(isakmp::OAKLEY_LIFE_DURATION, 28800),
                    IsakmpAttribute::Make(isakmp::OAKLEY_ENC, isakmp::OAKLEY_ENC_3DES),
                    IsakmpAttribute::Make(isakmp::OAKLEY_AUTH, isakmp::OAKLEY_AUTH_PSK),
                    IsakmpAttribute::Make(isakmp::OAKLEY_HASH, isakmp::OAKLEY_HASH_SHA1),
                    IsakmpAttribute::Make(isakmp::OAKLEY_GROUP, 2)};
    IsakmpProposal p;
    p.number = 1;
    p.protocol = isakmp::PROTO_ISAKMP;
    p.transforms = {t};
    IsakmpSa sa;
    sa.proposals = {p};
    return sa;
}

IsakmpSa
QuickSa()
{
    IsakmpTransform t;
    t.number = 1;
    t.id = isakmp::ESP_AES;
    t.attributes = {IsakmpAttribute::Make(isakmp::IPSEC_LIFE_TYPE, isakmp::OAKLEY_LIFE_SECONDS),
                    IsakmpAttribute::Make(isakmp::IPSEC_LIFE_DURATION, 86400),
                    IsakmpAttribute::Make(isakmp::IPSEC_ENC_MODE, isakmp::IPSEC_ENC_MODE_TRANSPORT),
                    IsakmpAttribute::Make(isakmp::IPSEC_KEY_LENGTH, 128),
                    IsakmpAttribute::Make(isakmp::IPSEC_AUTH_ALG, isakmp::IPSEC_AUTH_HMAC_SHA1)};
    IsakmpProposal p;
    p.number = 1;
    p.protocol = isakmp::PROTO_IPSEC_ESP;
    p.spi = {0x0a, 0x1b, 0x2c, 0x3d};
    p.transforms = {t};
    IsakmpSa sa;
    sa.proposals = {p};
    return sa;
}

IsakmpMessage
NewMessage(uint8_t exchange, bool responderCookie, uint32_t msgid)
{
    IsakmpMessage m;
    m.header.icookie = ICOOKIE;
    m.header.rcookie = responderCookie ? RCOOKIE : ZERO_COOKIE;
    m.header.exchange = exchange;
    m.header.messageId = msgid;
    return m;
}

IsakmpMessage
MainMode1()
{
    IsakmpMessage m = NewMessage(isakmp::EXCH_IDENT, false, 0);
    m.Add(isakmp::PL_SA, Phase1Sa().Encode());
    return m;
}

/// The responder's choice: the same transform, its cookie.
IsakmpMessage
MainMode2()
{
    IsakmpMessage m = NewMessage(isakmp::EXCH_IDENT, true, 0);
    m.Add(isakmp::PL_SA, Phase1Sa().Encode());
    return m;
}

IsakmpMessage
MainMode3()
{
    IsakmpMessage m = NewMessage(isakmp::EXCH_IDENT, true, 0);
    m.Add(isakmp::PL_KE, KeValue());
    m.Add(isakmp::PL_NONCE, NonceValue());
    m.Add(isakmp::PL_VID, DPD_VID);
    return m;
}

IsakmpMessage
Quick1()
{
    IsakmpMessage m = NewMessage(isakmp::EXCH_QUICK, true, QUICK_MSGID);
    m.header.flags = isakmp::FLAG_ENC;
    m.Add(isakmp::PL_HASH, Pattern(20, 0x11, 1));
    m.Add(isakmp::PL_SA, QuickSa().Encode());
    m.Add(isakmp::PL_NONCE, NonceValue());
    m.Add(isakmp::PL_ID, IsakmpId::Address(*IpsecAddress::Parse("10.1.1.1")).Encode());
    m.Add(isakmp::PL_ID, IsakmpId::Address(*IpsecAddress::Parse("10.2.2.2")).Encode());
    return m;
}

IsakmpMessage
InfoNotify()
{
    IsakmpMessage m = NewMessage(isakmp::EXCH_INFO, true, INFO_MSGID);
    IsakmpNotify n;
    n.protocol = isakmp::PROTO_ISAKMP;
    n.type = isakmp::N_NO_PROPOSAL_CHOSEN;
    m.Add(isakmp::PL_NOTIFY, n.Encode());
    return m;
}

IsakmpMessage
InfoDelete()
{
    IsakmpMessage m = NewMessage(isakmp::EXCH_INFO, true, INFO_MSGID + 1);
    IsakmpDelete d;
    d.protocol = isakmp::PROTO_IPSEC_ESP;
    d.spiSize = 4;
    d.spis = {{0x0a, 0x1b, 0x2c, 0x3d}};
    m.Add(isakmp::PL_DELETE, d.Encode());
    return m;
}

/// Aggressive mode message 1 (racoon's agg_i1send): SA, KE, NONCE, ID (FQDN).
IsakmpMessage
Aggressive1()
{
    IsakmpMessage m = NewMessage(isakmp::EXCH_AGGRESSIVE, false, 0);
    m.Add(isakmp::PL_SA, Phase1Sa().Encode());
    m.Add(isakmp::PL_KE, KeValue());
    m.Add(isakmp::PL_NONCE, NonceValue());
    IsakmpId id;
    id.type = isakmp::ID_FQDN;
    std::string fqdn = "west.example";
    id.data.assign(fqdn.begin(), fqdn.end());
    m.Add(isakmp::PL_ID, id.Encode());
    return m;
}

/// INITIAL-CONTACT (racoon's isakmp_info_send_n1): the cookies as a 16-byte SPI.
IsakmpMessage
InfoInitialContact()
{
    IsakmpMessage m = NewMessage(isakmp::EXCH_INFO, true, INFO_MSGID + 2);
    IsakmpNotify n;
    n.protocol = isakmp::PROTO_ISAKMP;
    n.type = isakmp::N_INITIAL_CONTACT;
    // byte by byte: GCC 12 at -O3 warns (array-bounds) about a range insert here
    for (uint8_t b : ICOOKIE)
    {
        n.spi.push_back(b);
    }
    for (uint8_t b : RCOOKIE)
    {
        n.spi.push_back(b);
    }
    m.Add(isakmp::PL_NOTIFY, n.Encode());
    return m;
}

/**
 * Everything a receiver would decode: the header, the chain (with padding
 * allowed when encrypted: the plaintext chain is given here), and every
 * payload with a typed decoder.
 */
bool
DecodeAll(const std::vector<uint8_t>& bytes, std::string* why)
{
    IsakmpHeader h;
    if (!IsakmpMessage::ParseHeader(bytes, &h, why))
    {
        return false;
    }
    std::vector<IsakmpPayload> payloads;
    if (h.flags & isakmp::FLAG_ENC)
    {
        std::vector<uint8_t> chain(bytes.begin() + IsakmpHeader::SIZE, bytes.end());
        if (!IsakmpMessage::ParsePayloads(h.nextPayload, chain, &payloads, why))
        {
            return false;
        }
    }
    else
    {
        IsakmpMessage m;
        if (!IsakmpMessage::Parse(bytes, &m, why))
        {
            return false;
        }
        payloads = m.payloads;
    }
    for (const IsakmpPayload& p : payloads)
    {
        bool ok = true;
        switch (p.type)
        {
            case isakmp::PL_SA:
                ok = IsakmpSa::Decode(p.body, nullptr, why);
                break;
            case isakmp::PL_ID:
                ok = IsakmpId::Decode(p.body, nullptr, why);
                break;
            case isakmp::PL_NOTIFY:
                ok = IsakmpNotify::Decode(p.body, nullptr, why);
                break;
            case isakmp::PL_DELETE:
                ok = IsakmpDelete::Decode(p.body, nullptr, why);
                break;
            default:
                break;
        }
        if (!ok)
        {
            return false;
        }
    }
    return true;
}

/// Offsets of the 16-bit length fields of @p bytes' payloads, proposals,
/// transforms and variable attributes, found by walking the reference layout.
std::vector<size_t>
LengthFields(const std::vector<uint8_t>& bytes)
{
    auto n16 = [&bytes](size_t at)
    {
        return size_t(bytes[at] << 8 | bytes[at + 1]);
    };
    std::vector<size_t> at;
    uint8_t type = bytes[16];
    size_t off = IsakmpHeader::SIZE;
    while (type != 0)
    {
        size_t len = n16(off + 2);
        at.push_back(off + 2);
        if (type == isakmp::PL_SA)
        {
            size_t p = off + 12;
            while (p < off + len)
            {
                size_t plen = n16(p + 2);
                at.push_back(p + 2);
                size_t t = p + 8 + bytes[p + 6];
                while (t < p + plen)
                {
                    size_t tlen = n16(t + 2);
                    at.push_back(t + 2);
                    for (size_t a = t + 8; a < t + tlen;)
                    {
                        if (bytes[a] & 0x80)
                        {
                            a += 4;
                        }
                        else
                        {
                            at.push_back(a + 2);
                            a += 4 + n16(a + 2);
                        }
                    }
                    t += tlen;
                }
                p += plen;
            }
        }
        type = bytes[off];
        off += len;
    }
    return at;
}

// ===========================================================================
// Random well-formed structures (a deterministic generator)
// ===========================================================================

class Random
{
  public:
    explicit Random(uint32_t seed)
        : m_rng(seed)
    {
    }

    /// Uniform in [0, n).
    uint32_t Below(uint32_t n)
    {
        return static_cast<uint32_t>(m_rng() % n);
    }

    std::vector<uint8_t> Data(size_t n)
    {
        std::vector<uint8_t> v(n);
        for (auto& b : v)
        {
            b = static_cast<uint8_t>(m_rng());
        }
        return v;
    }

    IsakmpAttribute Attribute()
    {
        IsakmpAttribute a;
        a.type = 1 + Below(0x7fff);
        a.basic = Below(2) == 0;
        if (a.basic)
        {
            a.value = Below(0x10000);
        }
        else
        {
            a.bytes = Data(Below(13));
        }
        return a;
    }

    IsakmpSa Sa()
    {
        IsakmpSa sa;
        sa.situation = m_rng() & ~(isakmp::SIT_SECRECY | isakmp::SIT_INTEGRITY);
        size_t np = 1 + Below(4);
        for (size_t i = 0; i < np; ++i)
        {
            IsakmpProposal p;
            p.number = Below(256);
            p.protocol = 1 + Below(4);
            size_t spi = 0;
            switch (p.protocol)
            {
                case isakmp::PROTO_ISAKMP:
                    spi = Below(17);
                    break;
                case isakmp::PROTO_IPCOMP:
                    spi = Below(2) ? 2 : 4;
                    break;
                default:
                    spi = 4;
            }
            p.spi = Data(spi);
            size_t nt = 1 + Below(5);
            for (size_t j = 0; j < nt; ++j)
            {
                IsakmpTransform t;
                t.number = Below(256);
                t.id = Below(256);
                size_t na = Below(7);
                for (size_t k = 0; k < na; ++k)
                {
                    t.attributes.push_back(Attribute());
                }
                p.transforms.push_back(t);
            }
            sa.proposals.push_back(p);
        }
        return sa;
    }

    IsakmpId Id()
    {
        IsakmpId id;
        id.type = 1 + Below(11);
        id.protocol = Below(256);
        id.port = Below(0x10000);
        switch (id.type)
        {
            case isakmp::ID_IPV4_ADDR:
                id.data = Data(4);
                break;
            case isakmp::ID_IPV4_ADDR_SUBNET:
            case isakmp::ID_IPV4_ADDR_RANGE:
                id.data = Data(8);
                break;
            case isakmp::ID_IPV6_ADDR:
                id.data = Data(16);
                break;
            case isakmp::ID_IPV6_ADDR_SUBNET:
            case isakmp::ID_IPV6_ADDR_RANGE:
                id.data = Data(32);
                break;
            default:
                id.data = Data(Below(40));
        }
        return id;
    }

    IsakmpNotify Notify()
    {
        IsakmpNotify n;
        n.doi = Below(2);
        n.protocol = 1 + Below(4);
        n.type = 1 + Below(0xffff);
        switch (n.protocol)
        {
            case isakmp::PROTO_ISAKMP:
                n.spi = Data(Below(17));
                break;
            case isakmp::PROTO_IPCOMP:
                n.spi = Data(2 * Below(3));
                break;
            default:
                n.spi = Data(4 * Below(2));
        }
        n.data = Data(Below(40));
        return n;
    }

    IsakmpDelete Delete()
    {
        IsakmpDelete d;
        d.doi = Below(2);
        d.protocol = 1 + Below(4);
        switch (d.protocol)
        {
            case isakmp::PROTO_ISAKMP:
                d.spiSize = 1 + Below(16);
                break;
            case isakmp::PROTO_IPCOMP:
                d.spiSize = Below(2) ? 2 : 4;
                break;
            default:
                d.spiSize = 4;
        }
        size_t n = 1 + Below(6);
        for (size_t i = 0; i < n; ++i)
        {
            d.spis.push_back(Data(d.spiSize));
        }
        return d;
    }

    /// A message of typed, raw and unknown payloads (no E flag).
    IsakmpMessage Message()
    {
        IsakmpMessage m;
        for (auto& b : m.header.icookie)
        {
            b = Below(256);
        }
        for (auto& b : m.header.rcookie)
        {
            b = Below(256);
        }
        m.header.exchange = Below(256);
        m.header.flags = Below(256) & ~isakmp::FLAG_ENC;
        m.header.version = 0x10 | Below(16);
        m.header.messageId = m_rng();
        size_t n = Below(8);
        for (size_t i = 0; i < n; ++i)
        {
            switch (Below(9))
            {
                case 0:
                    m.Add(isakmp::PL_SA, Sa().Encode());
                    break;
                case 1:
                    m.Add(isakmp::PL_ID, Id().Encode());
                    break;
                case 2:
                    m.Add(isakmp::PL_NOTIFY, Notify().Encode());
                    break;
                case 3:
                    m.Add(isakmp::PL_DELETE, Delete().Encode());
                    break;
                case 4:
                    m.Add(isakmp::PL_KE, Data(1 + Below(256)));
                    break;
                case 5:
                    m.Add(isakmp::PL_NONCE, Data(8 + Below(249)));
                    break;
                case 6:
                    m.Add(isakmp::PL_HASH, Data(1 + Below(64)));
                    break;
                case 7:
                    m.Add(isakmp::PL_VID, Data(1 + Below(32)));
                    break;
                default:
                    // Types this codec has no structure for (14 - 255): kept as they are.
                    m.Add(14 + Below(242), Data(Below(20)));
            }
        }
        return m;
    }

  private:
    std::mt19937 m_rng;
};

// ===========================================================================
// pcap for tshark
// ===========================================================================

void
Le16(std::vector<uint8_t>& b, uint16_t v)
{
    b.push_back(v & 0xff);
    b.push_back(v >> 8);
}

void
Le32(std::vector<uint8_t>& b, uint32_t v)
{
    Le16(b, v & 0xffff);
    Le16(b, v >> 16);
}

/// A classic pcap (link type 101, raw IP) of IPv4/UDP 500 -> 500 datagrams carrying @p messages.
std::vector<uint8_t>
IsakmpPcap(const std::vector<std::vector<uint8_t>>& messages)
{
    std::vector<uint8_t> f;
    Le32(f, 0xa1b2c3d4);
    Le16(f, 2);
    Le16(f, 4);
    Le32(f, 0);
    Le32(f, 0);
    Le32(f, 65535);
    Le32(f, 101);
    uint32_t sec = 1;
    for (const auto& msg : messages)
    {
        Bytes ip;
        uint16_t total = 20 + 8 + msg.size();
        ip.U8(0x45).U8(0).N16(total).N16(static_cast<uint16_t>(sec)).N16(0x4000);
        ip.U8(64).U8(17).N16(0); // checksum below
        ip.U8(10).U8(0).U8(0).U8(1).U8(10).U8(0).U8(0).U8(2);
        uint32_t sum = 0;
        for (size_t i = 0; i < 20; i += 2)
        {
            sum += (ip.b[i] << 8) | ip.b[i + 1];
        }
        while (sum >> 16)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        ip.b[10] = static_cast<uint8_t>(~sum >> 8);
        ip.b[11] = static_cast<uint8_t>(~sum & 0xff);
        ip.N16(500).N16(500).N16(8 + msg.size()).N16(0); // no UDP checksum (IPv4)
        ip.Raw(msg);
        Le32(f, sec++);
        Le32(f, 0);
        Le32(f, ip.b.size());
        Le32(f, ip.b.size());
        f.insert(f.end(), ip.b.begin(), ip.b.end());
    }
    return f;
}

} // namespace

// ===========================================================================
// Test cases
// ===========================================================================

/// Known-answer messages: the encoder writes, and the decoder reads, the RFC layouts.
class IsakmpKnownAnswerTestCase : public TestCase
{
  public:
    IsakmpKnownAnswerTestCase()
        : TestCase("known-answer messages: main mode 1 and 3, quick mode 1, Notification, Delete")
    {
    }

  private:
    void Same(const IsakmpMessage& m, const std::vector<uint8_t>& ref, const std::string& what)
    {
        std::vector<uint8_t> enc = m.Serialize();
        NS_TEST_EXPECT_MSG_EQ(ToHex(enc), ToHex(ref), what << ": encoder = RFC layout");
    }

    void DoRun() override
    {
        // Main mode 1: the whole proposal back.
        std::vector<uint8_t> mm1 = RefMainMode1();
        NS_TEST_ASSERT_MSG_EQ(mm1.size(), 80u, "MM1 is 80 bytes");
        Same(MainMode1(), mm1, "main mode 1");
        IsakmpMessage m;
        std::string why;
        NS_TEST_ASSERT_MSG_EQ(IsakmpMessage::Parse(mm1, &m, &why), true, why);
        NS_TEST_EXPECT_MSG_EQ((m.header.icookie == ICOOKIE), true, "icookie");
        NS_TEST_EXPECT_MSG_EQ((m.header.rcookie == ZERO_COOKIE), true, "rcookie");
        NS_TEST_EXPECT_MSG_EQ(unsigned(m.header.exchange), 2u, "main mode");
        NS_TEST_EXPECT_MSG_EQ(unsigned(m.header.version), 0x10u, "version 1.0");
        NS_TEST_EXPECT_MSG_EQ(m.header.length, 80u, "length");
        NS_TEST_EXPECT_MSG_EQ(unsigned(m.header.nextPayload), 1u, "first payload SA");
        NS_TEST_ASSERT_MSG_EQ(m.payloads.size(), 1u, "one payload");
        IsakmpSa sa;
        NS_TEST_ASSERT_MSG_EQ(IsakmpSa::Decode(m.payloads[0].body, &sa, &why), true, why);
        NS_TEST_EXPECT_MSG_EQ((sa == Phase1Sa()), true, "the proposal reads back");
        NS_TEST_ASSERT_MSG_EQ(sa.proposals.size(), 1u, "one proposal");
        const IsakmpTransform& t = sa.proposals[0].transforms.at(0);
        NS_TEST_EXPECT_MSG_EQ(t.Find(isakmp::OAKLEY_LIFE_DURATION)->basic, true, "28800: basic");
        NS_TEST_EXPECT_MSG_EQ(t.Find(isakmp::OAKLEY_LIFE_DURATION)->Number(), 28800u, "28800");
        NS_TEST_EXPECT_MSG_EQ(t.Find(isakmp::OAKLEY_ENC)->Number(), 5u, "3DES");
        NS_TEST_EXPECT_MSG_EQ(t.Find(isakmp::OAKLEY_GROUP)->Number(), 2u, "group 2");
        NS_TEST_EXPECT_MSG_EQ(
            (t.Find(isakmp::OAKLEY_KEY_LENGTH) == nullptr), true, "no key length");
        NS_TEST_EXPECT_MSG_EQ(
            m.Summary(), "Identity Protection (Main Mode) I->R len 80: SA", "summary");

        // Main mode 3: raw KE, NONCE, VID bodies.
        std::vector<uint8_t> mm3 = RefMainMode3();
        Same(MainMode3(), mm3, "main mode 3");
        NS_TEST_ASSERT_MSG_EQ(IsakmpMessage::Parse(mm3, &m, &why), true, why);
        NS_TEST_ASSERT_MSG_EQ(m.payloads.size(), 3u, "KE NONCE VID");
        NS_TEST_EXPECT_MSG_EQ((m.Find(isakmp::PL_KE)->body == KeValue()), true, "KE");
        NS_TEST_EXPECT_MSG_EQ((m.Find(isakmp::PL_NONCE)->body == NonceValue()), true, "NONCE");
        NS_TEST_EXPECT_MSG_EQ((m.Find(isakmp::PL_VID)->body == DPD_VID), true, "VID");
        NS_TEST_EXPECT_MSG_EQ((m.Find(isakmp::PL_SA) == nullptr), true, "no SA");
        NS_TEST_EXPECT_MSG_EQ(
            m.Summary(), "Identity Protection (Main Mode) len 200: KE NONCE VID", "summary");

        // Quick mode 1 (plaintext; E flag): Serialize writes the header and the chain.
        std::vector<uint8_t> qm1 = RefQuick1();
        Same(Quick1(), qm1, "quick mode 1");
        IsakmpHeader h;
        NS_TEST_ASSERT_MSG_EQ(IsakmpMessage::ParseHeader(qm1, &h, &why), true, why);
        NS_TEST_EXPECT_MSG_EQ(unsigned(h.flags), 1u, "E flag");
        NS_TEST_EXPECT_MSG_EQ(h.messageId, QUICK_MSGID, "message id");
        NS_TEST_EXPECT_MSG_EQ(IsakmpMessage::Parse(qm1, &m, &why), false, "Parse refuses E");
        NS_TEST_EXPECT_MSG_EQ(Contains(why, "encrypted"), true, why);
        std::vector<uint8_t> chain(qm1.begin() + 28, qm1.end());
        NS_TEST_EXPECT_MSG_EQ(ToHex(Quick1().SerializePayloads()), ToHex(chain), "the chain alone");
        std::vector<IsakmpPayload> pls;
        NS_TEST_ASSERT_MSG_EQ(
            IsakmpMessage::ParsePayloads(h.nextPayload, chain, &pls, &why), true, why);
        NS_TEST_ASSERT_MSG_EQ(pls.size(), 5u, "HASH SA NONCE ID ID");
        NS_TEST_ASSERT_MSG_EQ(IsakmpSa::Decode(pls[1].body, &sa, &why), true, why);
        NS_TEST_EXPECT_MSG_EQ((sa == QuickSa()), true, "the ESP proposal reads back");
        const IsakmpProposal& p = sa.proposals.at(0);
        NS_TEST_EXPECT_MSG_EQ(ToHex(p.spi), "0a1b2c3d", "SPI");
        const IsakmpAttribute* life = p.transforms.at(0).Find(isakmp::IPSEC_LIFE_DURATION);
        NS_TEST_ASSERT_MSG_NE(life, nullptr, "life duration");
        NS_TEST_EXPECT_MSG_EQ(life->basic, false, "86400: variable");
        NS_TEST_EXPECT_MSG_EQ(ToHex(life->bytes), "00015180", "4 bytes, as racoon");
        NS_TEST_EXPECT_MSG_EQ(life->Number(), 86400u, "86400");
        IsakmpId id;
        NS_TEST_ASSERT_MSG_EQ(IsakmpId::Decode(pls[3].body, &id, &why), true, why);
        NS_TEST_EXPECT_MSG_EQ(id.ToString(), "10.1.1.1", "IDci");
        NS_TEST_ASSERT_MSG_EQ(IsakmpId::Decode(pls[4].body, &id, &why), true, why);
        NS_TEST_EXPECT_MSG_EQ(id.ToString(), "10.2.2.2", "IDcr");
        // An encrypted chain is padded to the cipher block (RFC 2409 5.3).
        std::vector<uint8_t> padded = chain;
        padded.resize(chain.size() + 7, 0);
        NS_TEST_EXPECT_MSG_EQ(
            IsakmpMessage::ParsePayloads(h.nextPayload, padded, &pls, &why), true, why);
        NS_TEST_EXPECT_MSG_EQ(pls.size(), 5u, "padding is not a payload");
        IsakmpMessage q = Quick1();
        q.header.length = 160;
        NS_TEST_EXPECT_MSG_EQ(
            q.Summary(), "Quick Mode E msgid 0x5eed1e55 len 160: HASH SA NONCE ID ID", "summary");
        std::vector<uint8_t> sealed = q.Serialize(padded);
        NS_TEST_EXPECT_MSG_EQ(sealed.size(), qm1.size() + 7, "Serialize(body) length");
        NS_TEST_EXPECT_MSG_EQ(unsigned(sealed[27]), unsigned(qm1.size() + 7), "length field");
        NS_TEST_EXPECT_MSG_EQ(unsigned(sealed[16]), 8u, "next payload: HASH");

        // Notification.
        std::vector<uint8_t> info = RefInfoNotify();
        Same(InfoNotify(), info, "NO-PROPOSAL-CHOSEN");
        NS_TEST_ASSERT_MSG_EQ(IsakmpMessage::Parse(info, &m, &why), true, why);
        IsakmpNotify n;
        NS_TEST_ASSERT_MSG_EQ(IsakmpNotify::Decode(m.payloads.at(0).body, &n, &why), true, why);
        NS_TEST_EXPECT_MSG_EQ(n.type, isakmp::N_NO_PROPOSAL_CHOSEN, "type");
        NS_TEST_EXPECT_MSG_EQ(n.doi, 1u, "DOI");
        NS_TEST_EXPECT_MSG_EQ(unsigned(n.protocol), 1u, "protocol");
        NS_TEST_EXPECT_MSG_EQ(n.spi.size() + n.data.size(), 0u, "no SPI, no data");

        // Delete.
        std::vector<uint8_t> del = RefInfoDelete();
        Same(InfoDelete(), del, "Delete");
        NS_TEST_ASSERT_MSG_EQ(IsakmpMessage::Parse(del, &m, &why), true, why);
        IsakmpDelete d;
        NS_TEST_ASSERT_MSG_EQ(IsakmpDelete::Decode(m.payloads.at(0).body, &d, &why), true, why);
        NS_TEST_EXPECT_MSG_EQ(unsigned(d.protocol), 3u, "ESP");
        NS_TEST_EXPECT_MSG_EQ(unsigned(d.spiSize), 4u, "4-byte SPIs");
        NS_TEST_ASSERT_MSG_EQ(d.spis.size(), 1u, "one SPI");
        NS_TEST_EXPECT_MSG_EQ(ToHex(d.spis[0]), "0a1b2c3d", "SPI");
    }
};

/// Attributes' forms (racoon's), identities, names.
class IsakmpFieldsTestCase : public TestCase
{
  public:
    IsakmpFieldsTestCase()
        : TestCase("attribute forms, identification data, names")
    {
    }

  private:
    void DoRun() override
    {
        struct Case
        {
            uint64_t v;
            bool basic;
            std::string bytes;
        };

        for (const Case& c : std::vector<Case>{{0, true, ""},
                                               {28800, true, ""},
                                               {0xffff, true, ""},
                                               {0x10000, false, "00010000"},
                                               {86400, false, "00015180"},
                                               {0xffffffffULL, false, "ffffffff"},
                                               {0x100000000ULL, false, "0100000000"},
                                               {~0ULL, false, "ffffffffffffffff"}})
        {
            IsakmpAttribute a = IsakmpAttribute::Make(isakmp::IPSEC_LIFE_DURATION, c.v);
            NS_TEST_EXPECT_MSG_EQ(a.type, isakmp::IPSEC_LIFE_DURATION, "type");
            NS_TEST_EXPECT_MSG_EQ(a.basic, c.basic, "form of " << c.v);
            if (!c.basic)
            {
                NS_TEST_EXPECT_MSG_EQ(ToHex(a.bytes), c.bytes, "bytes of " << c.v);
            }
            NS_TEST_EXPECT_MSG_EQ(a.HasNumber(), true, "a number");
            NS_TEST_EXPECT_MSG_EQ(a.Number(), c.v, "value");
        }
        IsakmpAttribute long9;
        long9.basic = false;
        long9.bytes = Pattern(9, 1, 1);
        NS_TEST_EXPECT_MSG_EQ(long9.HasNumber(), false, "9 bytes are not a number");
        NS_TEST_EXPECT_MSG_EQ(long9.Number(), 0u, "9 bytes: 0");

        // Identification data (RFC 2407 4.6.2): address then mask.
        IpsecAddress v4 = *IpsecAddress::Parse("10.0.1.0");
        IpsecAddress v6 = *IpsecAddress::Parse("2001:db8:1::");
        IsakmpId id = IsakmpId::Address(*IpsecAddress::Parse("192.0.2.7"), 17, 500);
        NS_TEST_EXPECT_MSG_EQ(ToHex(id.Encode()), "011101f4c0000207", "ID_IPV4_ADDR");
        NS_TEST_EXPECT_MSG_EQ(id.ToString(), "192.0.2.7[17:500]", "text");
        id = IsakmpId::Address(*IpsecAddress::Parse("2001:db8::1"));
        NS_TEST_EXPECT_MSG_EQ(
            ToHex(id.Encode()), "0500000020010db8000000000000000000000001", "ID_IPV6_ADDR");
        id = IsakmpId::Subnet(v4, 24);
        NS_TEST_EXPECT_MSG_EQ(
            ToHex(id.Encode()), "040000000a000100ffffff00", "ID_IPV4_ADDR_SUBNET");
        NS_TEST_EXPECT_MSG_EQ(id.ToString(), "10.0.1.0/24", "text");
        NS_TEST_EXPECT_MSG_EQ(ToHex(IsakmpId::Subnet(v4, 20).data), "0a000100fffff000", "/20");
        NS_TEST_EXPECT_MSG_EQ(ToHex(IsakmpId::Subnet(v4, 0).data), "0a00010000000000", "/0");
        NS_TEST_EXPECT_MSG_EQ(ToHex(IsakmpId::Subnet(v4, 32).data), "0a000100ffffffff", "/32");
        id = IsakmpId::Subnet(v6, 64, 6, 80);
        NS_TEST_EXPECT_MSG_EQ(ToHex(id.Encode()),
                              "06060050"
                              "20010db8000100000000000000000000"
                              "ffffffffffffffff0000000000000000",
                              "ID_IPV6_ADDR_SUBNET");
        NS_TEST_EXPECT_MSG_EQ(id.ToString(), "2001:db8:1::/64[6:80]", "text");
        NS_TEST_EXPECT_MSG_EQ(ToHex(IsakmpId::Subnet(v6, 127).data).substr(32),
                              "fffffffffffffffffffffffffffffffe",
                              "/127");
        IsakmpId back;
        std::string why;
        NS_TEST_EXPECT_MSG_EQ(IsakmpId::Decode(id.Encode(), &back, &why), true, why);
        NS_TEST_EXPECT_MSG_EQ((back == id), true, "reads back");
        // racoon's ipsecdoi_sockaddr2id: a host prefix is an address identity.
        NS_TEST_EXPECT_MSG_EQ(unsigned(IsakmpId::Selector(v4, 32).type), 1u, "/32: address");
        NS_TEST_EXPECT_MSG_EQ(unsigned(IsakmpId::Selector(v6, 128).type), 5u, "/128: address");
        id = IsakmpId::Selector(v4, 24, 255, 0);
        NS_TEST_EXPECT_MSG_EQ(unsigned(id.type), 4u, "/24: subnet");
        NS_TEST_EXPECT_MSG_EQ(unsigned(id.protocol), 0u, "any protocol: 0");
        id.data[7] = 0x0f; // a mask with holes
        NS_TEST_EXPECT_MSG_EQ(id.ToString(), "10.0.1.0/255.255.255.15", "non-contiguous mask");
        id.type = isakmp::ID_FQDN;
        id.data = {'g', 'w', '.', 'e', 'x'};
        NS_TEST_EXPECT_MSG_EQ(id.ToString(), "gw.ex", "FQDN");

        // Names as Wireshark prints them.
        NS_TEST_EXPECT_MSG_EQ(isakmp::ExchangeName(2), "Identity Protection (Main Mode)", "MM");
        NS_TEST_EXPECT_MSG_EQ(isakmp::ExchangeName(4), "Aggressive", "AM");
        NS_TEST_EXPECT_MSG_EQ(isakmp::ExchangeName(5), "Informational", "info");
        NS_TEST_EXPECT_MSG_EQ(isakmp::ExchangeName(32), "Quick Mode", "QM");
        NS_TEST_EXPECT_MSG_EQ(isakmp::ExchangeName(33), "New Group Mode", "NGM");
        NS_TEST_EXPECT_MSG_EQ(isakmp::ExchangeName(99), "99", "unknown");
        NS_TEST_EXPECT_MSG_EQ(isakmp::PayloadName(1), "Security Association", "SA");
        NS_TEST_EXPECT_MSG_EQ(isakmp::PayloadName(4), "Key Exchange", "KE");
        NS_TEST_EXPECT_MSG_EQ(isakmp::PayloadName(11), "Notification", "N");
        NS_TEST_EXPECT_MSG_EQ(isakmp::PayloadName(13), "Vendor ID", "VID");
        NS_TEST_EXPECT_MSG_EQ(isakmp::PayloadName(200), "200", "unknown");
        NS_TEST_EXPECT_MSG_EQ(isakmp::NotifyName(14), "NO-PROPOSAL-CHOSEN", "14");
        NS_TEST_EXPECT_MSG_EQ(isakmp::NotifyName(24), "AUTHENTICATION-FAILED", "24");
        NS_TEST_EXPECT_MSG_EQ(isakmp::NotifyName(24576), "RESPONDER-LIFETIME", "24576");
        NS_TEST_EXPECT_MSG_EQ(isakmp::NotifyName(24578), "INITIAL-CONTACT", "24578");
        NS_TEST_EXPECT_MSG_EQ(isakmp::NotifyName(36136), "R-U-THERE", "DPD");
        NS_TEST_EXPECT_MSG_EQ(isakmp::NotifyName(9999), "9999", "unknown");
    }
};

/// Random well-formed structures survive Encode and Decode unchanged.
class IsakmpRoundTripTestCase : public TestCase
{
  public:
    IsakmpRoundTripTestCase()
        : TestCase("random well-formed structures round-trip")
    {
    }

  private:
    void DoRun() override
    {
        Random rng(2408);
        std::string why;
        for (int i = 0; i < 1000; ++i)
        {
            IsakmpSa sa = rng.Sa();
            IsakmpSa sa2;
            NS_TEST_ASSERT_MSG_EQ(
                IsakmpSa::Decode(sa.Encode(), &sa2, &why), true, i << ": " << why);
            NS_TEST_ASSERT_MSG_EQ((sa2 == sa), true, "SA " << i);

            IsakmpId id = rng.Id();
            IsakmpId id2;
            NS_TEST_ASSERT_MSG_EQ(
                IsakmpId::Decode(id.Encode(), &id2, &why), true, i << ": " << why);
            NS_TEST_ASSERT_MSG_EQ((id2 == id), true, "ID " << i);

            IsakmpNotify n = rng.Notify();
            IsakmpNotify n2;
            NS_TEST_ASSERT_MSG_EQ(
                IsakmpNotify::Decode(n.Encode(), &n2, &why), true, i << ": " << why);
            NS_TEST_ASSERT_MSG_EQ((n2 == n), true, "Notification " << i);

            IsakmpDelete d = rng.Delete();
            IsakmpDelete d2;
            NS_TEST_ASSERT_MSG_EQ(
                IsakmpDelete::Decode(d.Encode(), &d2, &why), true, i << ": " << why);
            NS_TEST_ASSERT_MSG_EQ((d2 == d), true, "Delete " << i);

            IsakmpMessage m = rng.Message();
            std::vector<uint8_t> bytes = m.Serialize();
            IsakmpMessage m2;
            NS_TEST_ASSERT_MSG_EQ(IsakmpMessage::Parse(bytes, &m2, &why), true, i << ": " << why);
            NS_TEST_ASSERT_MSG_EQ((m2.payloads == m.payloads), true, "payloads " << i);
            IsakmpHeader h = m.header;
            h.length = bytes.size();
            h.nextPayload = m.payloads.empty() ? 0 : m.payloads[0].type;
            NS_TEST_ASSERT_MSG_EQ((m2.header == h), true, "header " << i);
            NS_TEST_ASSERT_MSG_EQ(DecodeAll(bytes, &why), true, i << ": " << why);
            NS_TEST_ASSERT_MSG_EQ(ToHex(m2.Serialize()), ToHex(bytes), "canonical " << i);

            // The same chain encrypted: padded, E flag, read with ParsePayloads.
            std::vector<uint8_t> chain = m.SerializePayloads();
            std::vector<uint8_t> padded = chain;
            padded.resize(chain.size() + rng.Below(16), 0);
            std::vector<IsakmpPayload> pls;
            NS_TEST_ASSERT_MSG_EQ(IsakmpMessage::ParsePayloads(h.nextPayload, padded, &pls, &why),
                                  true,
                                  i << ": " << why);
            NS_TEST_ASSERT_MSG_EQ((pls == m.payloads), true, "padded chain " << i);
        }
    }
};

/// Malformed input: every piece refused with a reason, nothing read past the end.
class IsakmpMalformedTestCase : public TestCase
{
  public:
    IsakmpMalformedTestCase()
        : TestCase("malformed messages are refused with a reason")
    {
    }

  private:
    /// @p bytes must be refused, with a reason containing @p part.
    void Refused(const std::vector<uint8_t>& bytes,
                 const std::string& what,
                 const std::string& part)
    {
        std::string why;
        bool ok = DecodeAll(bytes, &why);
        NS_TEST_EXPECT_MSG_EQ(ok, false, what << ": accepted");
        NS_TEST_EXPECT_MSG_EQ(why.empty(), false, what << ": no reason");
        NS_TEST_EXPECT_MSG_EQ(Contains(why, part), true, what << ": \"" << why << "\"");
    }

    /// @p m with the 16-bit field at @p at set to @p v.
    static std::vector<uint8_t> With16(std::vector<uint8_t> m, size_t at, uint16_t v)
    {
        m[at] = v >> 8;
        m[at + 1] = v & 0xff;
        return m;
    }

    static std::vector<uint8_t> With8(std::vector<uint8_t> m, size_t at, uint8_t v)
    {
        m[at] = v;
        return m;
    }

    /// @p m with its header length field fixed to its size.
    static std::vector<uint8_t> FixLength(std::vector<uint8_t> m)
    {
        uint32_t n = m.size();
        m[24] = n >> 24;
        m[25] = n >> 16;
        m[26] = n >> 8;
        m[27] = n;
        return m;
    }

    void DoRun() override
    {
        const std::vector<std::pair<std::string, std::vector<uint8_t>>> refs
            = {{"MM1", RefMainMode1()},
               {"MM3", RefMainMode3()},
               {"QM1", RefQuick1()},
               {"Notification", RefInfoNotify()},
               {"Delete", RefInfoDelete()}};
        std::string why;
        for (const auto& [name, ref] : refs)
        {
            NS_TEST_ASSERT_MSG_EQ(DecodeAll(ref, &why), true, name << ": " << why);
            // Truncated at every length: the header's length disagrees...
            for (size_t n = 0; n < ref.size(); ++n)
            {
                std::vector<uint8_t> cut(ref.begin(), ref.begin() + n);
                Refused(cut, name + " cut at " + std::to_string(n), n < 28 ? "header" : "length");
                // ...and with the header's length agreeing, the chain itself is cut.
                if (n >= 28)
                {
                    std::vector<uint8_t> fixed = FixLength(cut);
                    std::string w;
                    NS_TEST_EXPECT_MSG_EQ(
                        DecodeAll(fixed, &w), false, name << " chain cut at " << n);
                    NS_TEST_EXPECT_MSG_EQ(w.empty(), false, name << " chain cut at " << n);
                }
            }
            // Every length one too long or too short, zero, and huge.
            for (size_t at : LengthFields(ref))
            {
                uint16_t len = (ref[at] << 8) | ref[at + 1];
                for (uint16_t v :
                     {uint16_t(len + 1), uint16_t(len - 1), uint16_t(0), uint16_t(0xffff)})
                {
                    std::string what = name + " length at " + std::to_string(at) + " = "
                                     + std::to_string(len) + " -> " + std::to_string(v);
                    Refused(With16(ref, at, v), what, "");
                }
            }
            // The header's length, one off either way, and huge.
            std::vector<uint8_t> longer = ref;
            longer[27]++;
            Refused(longer, name + " header length + 1", "length field");
            std::vector<uint8_t> shorter = ref;
            shorter[27]--;
            Refused(shorter, name + " header length - 1", "length field");
            std::vector<uint8_t> huge = ref;
            huge[24] = huge[25] = huge[26] = huge[27] = 0xff;
            Refused(huge, name + " header length 0xffffffff", "4294967295");
            Refused(With8(ref, 17, 0x20), name + " version 2.0", "version");
            Refused(With8(ref, 17, 0x00), name + " version 0.0", "version");
        }

        std::vector<uint8_t> mm1 = RefMainMode1();
        // Offsets in MM1: SA payload at 28, proposal at 40, transform at 48, attributes from 56.
        Refused(With16(mm1, 30, 0), "zero-length payload", "shorter than its generic header");
        Refused(With16(mm1, 30, 3), "3-byte payload", "shorter than its generic header");
        // An empty SA body, the rest as trailing bytes of an unencrypted message.
        Refused(With16(mm1, 30, 4), "empty SA payload", "fixed part");
        Refused(With16(mm1, 30, 12), "SA without a proposal", "bytes after the last payload");
        Refused(With8(mm1, 47, 0), "# of transforms 0", "# of transforms is 0");
        Refused(With8(mm1, 47, 2), "# of transforms 2 for 1", "# of transforms is 2");
        Refused(With8(mm1, 40, 2), "a proposal that says another follows", "the SA payload ends");
        Refused(With8(mm1, 40, 3), "a proposal whose next is a transform", "not 0 or 2");
        Refused(With8(mm1, 48, 3), "a transform that says another follows", "the proposal ends");
        Refused(With8(mm1, 48, 1), "a transform whose next is an SA", "not 0 or 3");
        Refused(With8(mm1, 35, 0), "DOI 0 in an SA", "DOI 0");
        Refused(With8(mm1, 39, 2), "SIT_SECRECY", "labelled");
        Refused(With8(mm1, 45, 9), "protocol 9", "protocol id 9");
        Refused(With8(mm1, 45, 3), "ESP without an SPI", "ESP SPI of 0 bytes");
        Refused(With8(mm1, 45, 2), "AH without an SPI", "AH SPI of 0 bytes");
        Refused(With8(mm1, 45, 4), "IPComp without a CPI", "IPComp CPI of 0 bytes");
        Refused(With8(mm1, 46, 4), "an SPI eating the transform", "");
        Refused(With16(With8(mm1, 46, 16), 42, 20), "an SPI past the proposal", "does not fit");
        Refused(With8(mm1, 46, 200), "an ISAKMP SPI of 200 bytes", "at most 16");
        // The last attribute made variable with a length past the transform.
        std::vector<uint8_t> tlv = With8(mm1, 76, 0x00);
        Refused(tlv, "TLV of 2 bytes with 0 left", "runs past the transform");
        Refused(With16(tlv, 78, 0xffff), "TLV of 65535 bytes", "runs past the transform");
        // A TLV that fits, with the transform's length cut so it does not.
        std::vector<uint8_t> qm1 = RefQuick1();
        // QM1: SA payload at 52, proposal at 64, transform at 76, attributes from 84;
        // the life duration TLV at 88 (length at 90), its value 92 - 95.
        NS_TEST_ASSERT_MSG_EQ(unsigned(qm1[88]), 0u, "the TLV is where expected");
        Refused(With16(qm1, 90, 5), "TLV one too long", "");
        Refused(With16(qm1, 90, 0xffff), "TLV far too long", "runs past the transform");
        Refused(
            With16(qm1, 78, 18), "a transform that ends inside a TLV", "runs past the transform");
        Refused(With16(qm1, 78, 15),
                "a transform that ends inside an attribute",
                "shorter than an attribute");
        // ESP with a 2-byte SPI (the lengths kept consistent).
        {
            std::vector<uint8_t> m = With8(qm1, 70, 2);
            m.erase(m.begin() + 72, m.begin() + 74);
            m = With16(m, 66, 42);
            m = With16(m, 54, 54);
            Refused(FixLength(m), "ESP with a 2-byte SPI", "ESP SPI of 2 bytes");
        }
        // Trailing bytes after the last proposal, the last transform, the last payload.
        {
            std::vector<uint8_t> m = mm1;
            m.insert(m.end(), {0, 0, 0, 0});
            m = With16(m, 30, 56);
            Refused(FixLength(m), "bytes after the last proposal", "after the last proposal");
            m = With16(m, 42, 44);
            Refused(FixLength(m), "bytes after the last transform", "after the last transform");
            m = With16(mm1, 30, 52);
            m.push_back(0);
            Refused(FixLength(m), "a byte after the last payload", "not encrypted");
        }

        // Notification and Delete bodies.
        auto notify = [](uint32_t doi, uint8_t proto, uint8_t spiSize, uint16_t type, size_t extra)
        {
            Bytes b;
            b.N32(doi).U8(proto).U8(spiSize).N16(type).Raw(Pattern(extra, 1, 1));
            return b.b;
        };
        auto refusedN = [this](const std::vector<uint8_t>& body,
                               const std::string& what,
                               const std::string& part)
        {
            std::string w;
            NS_TEST_EXPECT_MSG_EQ(IsakmpNotify::Decode(body, nullptr, &w), false, what);
            NS_TEST_EXPECT_MSG_EQ(Contains(w, part), true, what << ": \"" << w << "\"");
        };
        refusedN(std::vector<uint8_t>(7, 0), "7 bytes", "shorter");
        refusedN(notify(1, 1, 17, 14, 17), "ISAKMP SPI of 17", "at most 16");
        refusedN(notify(1, 1, 16, 14, 15), "SPI past the body", "runs past the body");
        refusedN(notify(1, 1, 255, 14, 0), "SPI size 255", "at most 16");
        refusedN(notify(1, 3, 255, 14, 300), "ESP SPI size 255", "ESP SPI of 255");
        refusedN(notify(1, 3, 2, 14, 2), "ESP SPI size 2", "ESP SPI of 2");
        refusedN(notify(1, 0, 4, 14, 4), "protocol 0 with an SPI", "protocol id 0");
        refusedN(notify(2, 1, 0, 14, 0), "DOI 2", "DOI 2");
        refusedN(notify(1, 1, 0, 0, 0), "type 0", "reserved");
        NS_TEST_EXPECT_MSG_EQ(
            IsakmpNotify::Decode(notify(0, 0, 0, 14, 3), nullptr, &why), true, why);
        NS_TEST_EXPECT_MSG_EQ(
            IsakmpNotify::Decode(notify(1, 3, 4, 24576, 8), nullptr, &why), true, why);

        auto del = [](uint8_t proto, uint8_t spiSize, uint16_t count, size_t bytes)
        {
            Bytes b;
            b.N32(1).U8(proto).U8(spiSize).N16(count).Raw(Pattern(bytes, 1, 1));
            return b.b;
        };
        auto refusedD = [this](const std::vector<uint8_t>& body,
                               const std::string& what,
                               const std::string& part)
        {
            std::string w;
            NS_TEST_EXPECT_MSG_EQ(IsakmpDelete::Decode(body, nullptr, &w), false, what);
            NS_TEST_EXPECT_MSG_EQ(Contains(w, part), true, what << ": \"" << w << "\"");
        };
        refusedD(del(3, 4, 2, 4), "2 SPIs, 1 present", "need 8 bytes");
        refusedD(del(3, 4, 1, 5), "a byte too many", "need 4 bytes");
        refusedD(del(3, 4, 0xffff, 4), "65535 SPIs", "65535 SPIs");
        refusedD(del(3, 4, 0, 0), "no SPI", "# of SPIs is 0");
        refusedD(del(1, 0, 1, 0), "SPI size 0", "SPI size 0");
        refusedD(del(2, 16, 1, 16), "AH SPI of 16", "AH SPI of 16");
        refusedD(del(4, 3, 1, 3), "IPComp CPI of 3", "IPComp CPI of 3");
        refusedD(del(7, 4, 1, 4), "protocol 7", "protocol id 7");
        refusedD(std::vector<uint8_t>(7, 0), "7 bytes", "shorter");
        NS_TEST_EXPECT_MSG_EQ(IsakmpDelete::Decode(del(1, 16, 1, 16), nullptr, &why), true, why);
        NS_TEST_EXPECT_MSG_EQ(IsakmpDelete::Decode(del(4, 2, 3, 6), nullptr, &why), true, why);

        // Identification data of the wrong size for its type.
        for (auto [type, size] : std::vector<std::pair<uint8_t, size_t>>{
                 {1, 3}, {1, 5}, {4, 4}, {5, 4}, {6, 16}, {7, 4}, {8, 16}, {1, 0}})
        {
            Bytes b;
            b.U8(type).U8(0).N16(0).Raw(Pattern(size, 9, 1));
            std::string w;
            NS_TEST_EXPECT_MSG_EQ(IsakmpId::Decode(b.b, nullptr, &w),
                                  false,
                                  "ID type " << unsigned(type) << " with " << size << " bytes");
            NS_TEST_EXPECT_MSG_EQ(Contains(w, "bytes of data"), true, w);
        }
        NS_TEST_EXPECT_MSG_EQ(IsakmpId::Decode({0, 0, 0, 0}, nullptr, &why), false, "ID type 0");
        NS_TEST_EXPECT_MSG_EQ(IsakmpId::Decode({1, 0, 0}, nullptr, &why), false, "3 bytes");
        NS_TEST_EXPECT_MSG_EQ(IsakmpSa::Decode({0, 0, 0, 1}, nullptr, &why), false, "4-byte SA");
        NS_TEST_EXPECT_MSG_EQ(IsakmpSa::Decode({0, 0, 0, 1, 0, 0, 0, 1}, nullptr, &why),
                              false,
                              "SA without a proposal");
        NS_TEST_EXPECT_MSG_EQ(why, "SA payload without a proposal", "reason");

        // Unknown payload types: the chain is generic.
        {
            IsakmpMessage m = MainMode3();
            m.payloads.insert(m.payloads.begin() + 1, IsakmpPayload{77, {1, 2, 3}});
            m.payloads.insert(m.payloads.begin(), IsakmpPayload{200, {}});
            m.payloads.push_back(IsakmpPayload{14, Pattern(40, 0, 1)});
            std::vector<uint8_t> bytes = m.Serialize();
            NS_TEST_EXPECT_MSG_EQ(unsigned(bytes[16]), 200u, "the first payload's type");
            IsakmpMessage back;
            NS_TEST_ASSERT_MSG_EQ(IsakmpMessage::Parse(bytes, &back, &why), true, why);
            NS_TEST_EXPECT_MSG_EQ((back.payloads == m.payloads), true, "unknown types kept");
            NS_TEST_EXPECT_MSG_EQ(
                back.Summary(),
                "Identity Protection (Main Mode) len 255: #200 KE #77 NONCE VID #14",
                "summary");
        }
        // The chain is linear: 1000 payloads naming the next one's type, then the end...
        {
            IsakmpMessage m = NewMessage(isakmp::EXCH_IDENT, true, 0);
            for (int i = 0; i < 1000; ++i)
            {
                m.Add(isakmp::PL_VID, {uint8_t(i)});
            }
            std::vector<uint8_t> bytes = m.Serialize();
            IsakmpMessage back;
            NS_TEST_ASSERT_MSG_EQ(IsakmpMessage::Parse(bytes, &back, &why), true, why);
            NS_TEST_EXPECT_MSG_EQ(back.payloads.size(), 1000u, "1000 payloads, once each");
            // ...or, with the last one naming a next payload, nothing left to read.
            bytes[bytes.size() - 5] = isakmp::PL_SA;
            Refused(bytes, "a chain whose last payload names another", "ends after 1000 payloads");
            // A payload naming its own type and length cannot point back at itself.
            std::vector<uint8_t> self = RefInfoNotify();
            self[28] = isakmp::PL_NOTIFY;
            Refused(self, "a Notification naming a Notification next", "ends after 1 payload,");
        }
        // Zero-length bodies of payloads whose data is their point.
        for (uint8_t type : {isakmp::PL_KE,
                             isakmp::PL_NONCE,
                             isakmp::PL_HASH,
                             isakmp::PL_VID,
                             isakmp::PL_ID,
                             isakmp::PL_NOTIFY,
                             isakmp::PL_DELETE})
        {
            IsakmpMessage m = NewMessage(isakmp::EXCH_IDENT, true, 0);
            m.Add(type, {});
            Refused(m.Serialize(), "an empty " + isakmp::PayloadName(type), "fixed part");
        }
        // A huge payload length in the middle of a chain.
        std::vector<uint8_t> mm3 = RefMainMode3();
        Refused(With16(mm3, 30, 0xffff), "KE of 65535 bytes", "runs past the end");
    }
};

/// Random corruption of the reference messages: refused with a reason, or
/// accepted and then re-encoded to the same structures.
class IsakmpMutationTestCase : public TestCase
{
  public:
    IsakmpMutationTestCase()
        : TestCase("corrupted messages: refused with a reason or consistent")
    {
    }

  private:
    void DoRun() override
    {
        Random rng(2409);
        std::vector<std::vector<uint8_t>> refs = {RefMainMode1(),
                                                  RefMainMode3(),
                                                  RefQuick1(),
                                                  RefInfoNotify(),
                                                  RefInfoDelete(),
                                                  Aggressive1().Serialize(),
                                                  InfoInitialContact().Serialize()};
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 20000; ++i)
        {
            std::vector<uint8_t> m = refs[rng.Below(refs.size())];
            size_t edits = 1 + rng.Below(3);
            for (size_t e = 0; e < edits; ++e)
            {
                size_t at = rng.Below(m.size());
                switch (rng.Below(4))
                {
                    case 0:
                        m[at] ^= 1 << rng.Below(8);
                        break;
                    case 1:
                        m[at] = rng.Below(256);
                        break;
                    case 2:
                        m.erase(m.begin() + at);
                        break;
                    default:
                        m.insert(m.begin() + at, rng.Below(256));
                }
                if (m.size() < 28)
                {
                    break;
                }
            }
            if (rng.Below(2) == 0 && m.size() >= 28)
            {
                uint32_t n = m.size();
                m[24] = n >> 24;
                m[25] = n >> 16;
                m[26] = n >> 8;
                m[27] = n;
            }
            std::string why;
            if (!DecodeAll(m, &why))
            {
                NS_TEST_ASSERT_MSG_EQ(why.empty(), false, "refused without a reason");
                ++refused;
                continue;
            }
            ++accepted;
            IsakmpHeader h;
            IsakmpMessage::ParseHeader(m, &h, nullptr);
            std::vector<IsakmpPayload> pls;
            std::vector<uint8_t> chain(m.begin() + 28, m.end());
            IsakmpMessage::ParsePayloads(h.nextPayload, chain, &pls, nullptr);
            for (const IsakmpPayload& p : pls)
            {
                if (p.type == isakmp::PL_SA)
                {
                    IsakmpSa a;
                    IsakmpSa b;
                    IsakmpSa::Decode(p.body, &a, nullptr);
                    NS_TEST_ASSERT_MSG_EQ(IsakmpSa::Decode(a.Encode(), &b, &why), true, why);
                    NS_TEST_ASSERT_MSG_EQ((a == b), true, "SA re-encoded");
                }
            }
        }
        NS_TEST_EXPECT_MSG_GT(refused, 1000, "most corruptions are refused");
        NS_TEST_EXPECT_MSG_GT(accepted, 100, "some corruptions are harmless");
    }
};

/// tshark dissects what the encoder writes, with no malformed packet or expert error.
class IsakmpTsharkTestCase : public TestCase
{
  public:
    IsakmpTsharkTestCase()
        : TestCase("tshark dissects the encoder's messages")
    {
    }

  private:
    void DoRun() override
    {
        if (!HaveTshark())
        {
            ipsectest::ReportSkip(
                "ipsec-isakmp",
                "\"" + GetName() + "\": tshark is not on PATH (install tshark to run this test)");
            return;
        }
        TempDir tmp("ipsec-isakmp");
        NS_TEST_ASSERT_MSG_EQ(tmp.Ok(), true, "temporary directory");
        std::vector<std::vector<uint8_t>> msgs = {MainMode1().Serialize(),
                                                  MainMode2().Serialize(),
                                                  MainMode3().Serialize(),
                                                  Aggressive1().Serialize(),
                                                  InfoNotify().Serialize(),
                                                  InfoInitialContact().Serialize(),
                                                  InfoDelete().Serialize()};
        std::string pcap = tmp.File("isakmp.pcap");
        {
            std::vector<uint8_t> f = IsakmpPcap(msgs);
            std::ofstream out(pcap, std::ios::binary);
            out.write(reinterpret_cast<const char*>(f.data()), f.size());
        }

        // The whole dissection: nothing malformed, no expert error.
        RunResult v = RunProgram({"tshark", "-n", "-r", pcap, "-V"}, tmp.File("v.stderr"));
        NS_TEST_ASSERT_MSG_EQ(v.status, 0, "tshark -V: " << v.err);
        NS_TEST_EXPECT_MSG_EQ(Contains(v.out, "Malformed"), false, v.out);
        NS_TEST_EXPECT_MSG_EQ(Contains(v.out, "[Expert Info (Error"), false, v.out);
        NS_TEST_EXPECT_MSG_EQ(Contains(v.out, "Exchange type: Identity Protection (Main Mode) (2)"),
                              true,
                              "main mode");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(v.out, "Next payload: Security Association (1)"), true, "SA");
        NS_TEST_EXPECT_MSG_EQ(Contains(v.out, "Vendor ID: RFC 3706 DPD (Dead Peer Detection)"),
                              true,
                              "the DPD vendor ID");

        // Field by field, one line per frame.
        // isakmp.typepayload: every payload's type, proposals and transforms
        // included; isakmp.nextpayload: the header's field, then every payload's.
        std::vector<std::string> fields = {"isakmp.exchangetype",
                                           "isakmp.typepayload",
                                           "isakmp.nextpayload",
                                           "isakmp.length",
                                           "isakmp.messageid",
                                           "isakmp.ispi",
                                           "isakmp.rspi",
                                           "isakmp.prop.protoid",
                                           "isakmp.trans.id",
                                           "isakmp.ike.attr.life_type",
                                           "isakmp.ike.attr.life_duration",
                                           "isakmp.ike.attr.encryption_algorithm",
                                           "isakmp.ike.attr.hash_algorithm",
                                           "isakmp.ike.attr.authentication_method",
                                           "isakmp.ike.attr.group_description",
                                           "isakmp.nonce",
                                           "isakmp.id.type",
                                           "isakmp.id.data.fqdn",
                                           "isakmp.notify.msgtype",
                                           "isakmp.spisize",
                                           "isakmp.delete.spi",
                                           "isakmp.spinum",
                                           "_ws.malformed",
                                           "_ws.expert.severity"};
        std::vector<std::string> argv = {"tshark",
                                         "-n",
                                         "-r",
                                         pcap,
                                         "-T",
                                         "fields",
                                         "-E",
                                         "separator=/t",
                                         "-E",
                                         "occurrence=a",
                                         "-E",
                                         "aggregator=,"};
        for (const auto& f : fields)
        {
            argv.push_back("-e");
            argv.push_back(f);
        }
        RunResult r = RunProgram(argv, tmp.File("f.stderr"));
        NS_TEST_ASSERT_MSG_EQ(r.status, 0, "tshark -T fields: " << r.err);
        std::vector<std::vector<std::string>> rows;
        std::istringstream lines(r.out);
        std::string line;
        while (std::getline(lines, line))
        {
            std::vector<std::string> values = Split(line, '\t');
            values.resize(fields.size());
            rows.push_back(values);
        }
        NS_TEST_ASSERT_MSG_EQ(rows.size(), msgs.size(), "one line per frame:\n" << r.out);
        auto field = [&](size_t frame, const std::string& name)
        {
            for (size_t i = 0; i < fields.size(); ++i)
            {
                if (fields[i] == name)
                {
                    return rows[frame][i];
                }
            }
            return std::string("?");
        };
        for (size_t i = 0; i < rows.size(); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(field(i, "_ws.malformed"), "", "frame " << i + 1);
            NS_TEST_EXPECT_MSG_EQ(field(i, "_ws.expert.severity"), "", "frame " << i + 1);
            NS_TEST_EXPECT_MSG_EQ(
                field(i, "isakmp.length"), std::to_string(msgs[i].size()), "frame " << i + 1);
            NS_TEST_EXPECT_MSG_EQ(
                field(i, "isakmp.ispi"), ToHex({ICOOKIE.begin(), ICOOKIE.end()}), "icookie");
        }
        // MM1 and MM2: the proposal, attribute by attribute.
        for (size_t i : {0, 1})
        {
            NS_TEST_EXPECT_MSG_EQ(field(i, "isakmp.exchangetype"), "2", "main mode");
            NS_TEST_EXPECT_MSG_EQ(field(i, "isakmp.typepayload"), "1,2,3", "SA (P (T))");
            NS_TEST_EXPECT_MSG_EQ(field(i, "isakmp.nextpayload"), "1,0,0,0", "SA, end");
            NS_TEST_EXPECT_MSG_EQ(field(i, "isakmp.prop.protoid"), "1", "ISAKMP");
            NS_TEST_EXPECT_MSG_EQ(field(i, "isakmp.trans.id"), "1", "KEY_IKE");
            NS_TEST_EXPECT_MSG_EQ(field(i, "isakmp.ike.attr.life_type"), "1", "seconds");
            NS_TEST_EXPECT_MSG_EQ(field(i, "isakmp.ike.attr.life_duration"), "28800", "8 hours");
            NS_TEST_EXPECT_MSG_EQ(field(i, "isakmp.ike.attr.encryption_algorithm"), "5", "3DES");
            NS_TEST_EXPECT_MSG_EQ(field(i, "isakmp.ike.attr.hash_algorithm"), "2", "SHA");
            NS_TEST_EXPECT_MSG_EQ(field(i, "isakmp.ike.attr.authentication_method"), "1", "PSK");
            NS_TEST_EXPECT_MSG_EQ(field(i, "isakmp.ike.attr.group_description"), "2", "group 2");
        }
        NS_TEST_EXPECT_MSG_EQ(field(0, "isakmp.rspi"), "0000000000000000", "MM1 rcookie");
        NS_TEST_EXPECT_MSG_EQ(
            field(1, "isakmp.rspi"), ToHex({RCOOKIE.begin(), RCOOKIE.end()}), "MM2");
        // MM3: KE NONCE VID.
        NS_TEST_EXPECT_MSG_EQ(field(2, "isakmp.typepayload"), "4,10,13", "KE NONCE VID");
        NS_TEST_EXPECT_MSG_EQ(field(2, "isakmp.nextpayload"), "4,10,13,0", "KE NONCE VID");
        NS_TEST_EXPECT_MSG_EQ(field(2, "isakmp.nonce"), ToHex(NonceValue()), "nonce");
        // AM1: SA KE NONCE ID.
        NS_TEST_EXPECT_MSG_EQ(field(3, "isakmp.exchangetype"), "4", "aggressive");
        NS_TEST_EXPECT_MSG_EQ(field(3, "isakmp.typepayload"), "1,2,3,4,10,5", "SA KE NONCE ID");
        NS_TEST_EXPECT_MSG_EQ(field(3, "isakmp.nextpayload"), "1,4,0,0,10,5,0", "SA KE NONCE ID");
        NS_TEST_EXPECT_MSG_EQ(field(3, "isakmp.id.type"), "2", "ID_FQDN");
        NS_TEST_EXPECT_MSG_EQ(field(3, "isakmp.id.data.fqdn"), "west.example", "FQDN");
        // Informational: Notifications and a Delete.
        NS_TEST_EXPECT_MSG_EQ(field(4, "isakmp.exchangetype"), "5", "informational");
        NS_TEST_EXPECT_MSG_EQ(field(4, "isakmp.messageid"), "0x71c0ffee", "message id");
        NS_TEST_EXPECT_MSG_EQ(field(4, "isakmp.typepayload"), "11", "N");
        NS_TEST_EXPECT_MSG_EQ(field(4, "isakmp.nextpayload"), "11,0", "N");
        NS_TEST_EXPECT_MSG_EQ(field(4, "isakmp.notify.msgtype"), "14", "NO-PROPOSAL-CHOSEN");
        NS_TEST_EXPECT_MSG_EQ(field(5, "isakmp.notify.msgtype"), "24578", "INITIAL-CONTACT");
        NS_TEST_EXPECT_MSG_EQ(field(5, "isakmp.spisize"), "16", "the cookies as SPI");
        NS_TEST_EXPECT_MSG_EQ(field(6, "isakmp.typepayload"), "12", "D");
        NS_TEST_EXPECT_MSG_EQ(field(6, "isakmp.nextpayload"), "12,0", "D");
        NS_TEST_EXPECT_MSG_EQ(field(6, "isakmp.spinum"), "1", "one SPI");
        NS_TEST_EXPECT_MSG_EQ(field(6, "isakmp.delete.spi"), "0a1b2c3d", "the SPI");
        NS_TEST_EXPECT_MSG_EQ(Contains(v.out, "Notify Message Type: NO-PROPOSAL-CHOSEN (14)"),
                              true,
                              "NotifyName agrees with Wireshark");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(v.out, "Notify Message Type: " + isakmp::NotifyName(24578) + " (24578)"),
            true,
            "INITIAL-CONTACT");
        for (uint8_t t : {isakmp::PL_SA,
                          isakmp::PL_KE,
                          isakmp::PL_NONCE,
                          isakmp::PL_VID,
                          isakmp::PL_ID,
                          isakmp::PL_NOTIFY,
                          isakmp::PL_DELETE})
        {
            std::string want
                = "Payload: " + isakmp::PayloadName(t) + " (" + std::to_string(t) + ")";
            NS_TEST_EXPECT_MSG_EQ(Contains(v.out, want), true, "Wireshark prints " << want);
        }
        for (uint8_t e : {isakmp::EXCH_IDENT, isakmp::EXCH_AGGRESSIVE, isakmp::EXCH_INFO})
        {
            std::string want
                = "Exchange type: " + isakmp::ExchangeName(e) + " (" + std::to_string(e) + ")";
            NS_TEST_EXPECT_MSG_EQ(Contains(v.out, want), true, "Wireshark prints " << want);
        }
    }
};

/// NAT-T (RFC 3947): vendor IDs, NAT-D, the UDP-encapsulated modes, against
/// values computed apart (python's hashlib: md5/sha1 of the bytes spelled out).
class IsakmpNattTestCase : public TestCase
{
  public:
    IsakmpNattTestCase()
        : TestCase("NAT-T: vendor IDs, NAT-D hashes, UDP-encapsulated modes, NAT-OA")
    {
    }

  private:
    static std::vector<uint8_t> Hex(const std::string& h)
    {
        std::vector<uint8_t> out;
        for (size_t i = 0; i + 1 < h.size(); i += 2)
        {
            out.push_back(static_cast<uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
        }
        return out;
    }

    void DoRun() override
    {
        // md5("RFC 3947"), md5("draft-ietf-ipsec-nat-t-ike-02"), and with "\n".
        NS_TEST_EXPECT_MSG_EQ(
            (IkeVendorIdHash("RFC 3947") == Hex("4a131c81070358455c5728f20e95452f")),
            true,
            "RFC 3947 VID");
        NS_TEST_EXPECT_MSG_EQ(
            (IkeNattVersionOf(Hex("4a131c81070358455c5728f20e95452f")) == IkeNattVersion::RFC),
            true,
            "recognised");
        NS_TEST_EXPECT_MSG_EQ(
            (IkeNattVersionOf(Hex("cd60464335df21f87cfdb2fc68b6a448")) == IkeNattVersion::DRAFT_02),
            true,
            "draft 02");
        NS_TEST_EXPECT_MSG_EQ((IkeNattVersionOf(Hex("90cb80913ebb696e086381b5ec427b1f"))
                               == IkeNattVersion::DRAFT_02_N),
                              true,
                              "draft 02 with its newline");
        NS_TEST_EXPECT_MSG_EQ((IkeNattVersionOf(IkeVendorIdHash("draft-ietf-ipsec-nat-t-ike-03"))
                               == IkeNattVersion::NONE),
                              true,
                              "draft 03 is not in racoon's default build");
        // The versions' wire numbers (racoon's natt_fill_options).
        IkeNattOptions rfc = IkeNattOptionsFor(IkeNattVersion::RFC);
        NS_TEST_EXPECT_MSG_EQ(unsigned(rfc.payloadNatD), 20u, "NAT-D");
        NS_TEST_EXPECT_MSG_EQ(unsigned(rfc.payloadNatOa), 21u, "NAT-OA");
        NS_TEST_EXPECT_MSG_EQ(rfc.modeUdpTunnel, 3, "UDP-Encapsulated-Tunnel");
        NS_TEST_EXPECT_MSG_EQ(rfc.modeUdpTransport, 4, "UDP-Encapsulated-Transport");
        IkeNattOptions d2 = IkeNattOptionsFor(IkeNattVersion::DRAFT_02);
        NS_TEST_EXPECT_MSG_EQ(unsigned(d2.payloadNatD), 130u, "draft NAT-D");
        NS_TEST_EXPECT_MSG_EQ(unsigned(d2.payloadNatOa), 131u, "draft NAT-OA");
        NS_TEST_EXPECT_MSG_EQ(d2.modeUdpTunnel, 61443, "draft UDP tunnel");
        NS_TEST_EXPECT_MSG_EQ(d2.modeUdpTransport, 61444, "draft UDP transport");

        // NAT-D = HASH(CKY-I | CKY-R | IP | Port), RFC 3947 section 3.2.
        std::array<uint8_t, 8> ic{1, 2, 3, 4, 5, 6, 7, 8};
        std::array<uint8_t, 8> rc{0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18};
        const IkeHashAlg& sha1 = *IkeHashAlg::ByName("sha1");
        const IkeHashAlg& md5 = *IkeHashAlg::ByName("md5");
        NS_TEST_EXPECT_MSG_EQ((IkeNatDHash(sha1, ic, rc, IpsecAddress(Ipv4Address("10.1.1.1")), 500)
                               == Hex("7366c627f8f2707e8c9e2d6ff0cb950d74110b3f")),
                              true,
                              "sha1 of 10.1.1.1:500");
        NS_TEST_EXPECT_MSG_EQ((IkeNatDHash(md5, ic, rc, IpsecAddress(Ipv4Address("20.1.1.1")), 4500)
                               == Hex("c92be5235b95f97d5549e25afed1ba09")),
                              true,
                              "md5 of 20.1.1.1:4500");
        NS_TEST_EXPECT_MSG_EQ(
            (IkeNatDHash(sha1, ic, rc, IpsecAddress(Ipv4Address("10.1.1.1")), 4500, true)
             == Hex("5b7e4bbcb83506579153b3d88ff06711e3208111")),
            true,
            "force: zeros for the address");

        // A UDP-encapsulated proposal: transport 2 + 2 = 4 (RFC), + 61442 = 61444 (draft).
        IkePh2Proposal p;
        IkePh2Sa sa;
        sa.proto = IpsecProto::ESP;
        sa.mode = IpsecMode::TRANSPORT;
        sa.transformId = isakmp::ESP_3DES;
        sa.authAlg = isakmp::IPSEC_AUTH_HMAC_SHA1;
        sa.spi = 0x01020304;
        sa.udpEncap = true;
        p.sas.push_back(sa);
        p.lifeSeconds = 3600;
        for (uint16_t diff : {uint16_t(2), uint16_t(61442)})
        {
            IsakmpSa enc = IkeEncodePhase2({p}, diff);
            const IsakmpAttribute* mode
                = enc.proposals[0].transforms[0].Find(isakmp::IPSEC_ENC_MODE);
            NS_TEST_ASSERT_MSG_NE(mode, nullptr, "mode attribute");
            NS_TEST_EXPECT_MSG_EQ(mode->Number(), 2u + diff, "encoded mode");
            std::vector<IkePh2Proposal> back;
            std::string why;
            NS_TEST_ASSERT_MSG_EQ(IkeDecodePhase2(enc, &back, &why), true, why);
            NS_TEST_EXPECT_MSG_EQ(back[0].sas[0].udpEncap, true, "decoded as UDP");
            NS_TEST_EXPECT_MSG_EQ((back[0].sas[0].mode == IpsecMode::TRANSPORT), true, "mode");
        }
        // NAT-OA's body is an ID payload's: type 1, two reserved fields, the address.
        NS_TEST_EXPECT_MSG_EQ((IsakmpId::Address(IpsecAddress(Ipv4Address("10.1.1.1"))).Encode()
                               == std::vector<uint8_t>{1, 0, 0, 0, 10, 1, 1, 1}),
                              true,
                              "NAT-OA body");
        NS_TEST_EXPECT_MSG_EQ(isakmp::PayloadName(isakmp::PL_NATD), "NAT-D", "name");
        NS_TEST_EXPECT_MSG_EQ(isakmp::PayloadName(isakmp::PL_NATOA_DRAFT), "NAT-OA", "name");
    }
};

class IsakmpTestSuite : public ns3::ipsectest::IpsecTestSuite
{
  public:
    IsakmpTestSuite()
        : ns3::ipsectest::IpsecTestSuite("ipsec-isakmp", UNIT)
    {
        AddTestCase(new IsakmpKnownAnswerTestCase, TestCase::QUICK);
        AddTestCase(new IsakmpFieldsTestCase, TestCase::QUICK);
        AddTestCase(new IsakmpRoundTripTestCase, TestCase::QUICK);
        AddTestCase(new IsakmpMalformedTestCase, TestCase::QUICK);
        AddTestCase(new IsakmpMutationTestCase, TestCase::QUICK);
        AddTestCase(new IsakmpTsharkTestCase, TestCase::QUICK);
        AddTestCase(new IsakmpNattTestCase, TestCase::QUICK);
    }
};

static IsakmpTestSuite g_isakmpTestSuite;
