/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IpsecAdversary: an attacker on a shared link.  An ns-3 Application on a
 * node attached to the same link as its victim (a CSMA segment is the
 * natural medium): it sniffs the link promiscuously, keeps the ESP and AH
 * datagrams sent to the victim, and on a schedule sends attack datagrams
 * that it writes byte by byte itself -- IPv4/IPv6 headers with their
 * checksums, ESP/AH/IPComp headers, UDP/ICMP, extension headers, raw
 * deflate streams (zlib) -- never through the module's own transforms, so
 * that the attacks do not depend on the encoder they attack.  The frames
 * leave through the link's device (SendFrom with the IP EtherType, the
 * victim's MAC as destination, the MAC of the spoofed IP source when it
 * has been seen), so the victim's IP layer receives them as if from the
 * wire.  See "Adversary" in doc/ipsec.rst for each attack and the KAME
 * counter it must end in.
 */
#ifndef IPSEC_ADVERSARY_H
#define IPSEC_ADVERSARY_H

#include "ns3/address.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/ipsec-address.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec
 * The kinds of attack datagram an IpsecAdversary sends.
 */
enum class IpsecAttack : uint8_t
{
    /// ESP (or AH, ForgedProtocol) with an SPI no SA of the victim has: KAME in_nosa.
    FORGED_GUESSED_SPI,
    /// An SPI sniffed from the wire, a sequence number past the highest seen, random
    /// ciphertext and ICV: in_espauthfail (in_ahauthfail), in_inval without authentication.
    FORGED_REAL_SPI,
    /// A captured ESP/AH datagram re-sent unchanged (ReplayCopies times): in_espreplay.
    REPLAY,
    /// A captured datagram with one bit flipped (BitFlipField): sequence number ->
    /// in_espauthfail, payload or ICV -> in_espreplay (the replay check comes first), SPI ->
    /// in_nosa.
    BIT_FLIP,
    /// A captured datagram cut short (ESP: to a length not a multiple of 4; AH: inside
    /// its header or ICV): in_inval.
    TRUNCATE,
    /// Plain UDP or ICMP from an address of a prefix the victim's policy protects: in_polvio.
    PLAINTEXT_SPOOF,
    /// The same plaintext inside IPComp with the well-known deflate CPI (no SA needed): the
    /// decompression's "decrypted" mark satisfies KAME's flag-based ESP check; in_polvio with
    /// the decapsulation history.
    IPCOMP_SPOOF,
    /// IPComp whose next header is IPComp: in_inval ("nested ipcomp").
    NESTED_IPCOMP,
    /// IPComp with a deflate stream that inflates beyond 64 KiB: in_comphist, in_inval.
    DECOMPRESSION_BOMB,
    /// IPsec and plaintext behind long IPv6 extension-header chains and routing headers,
    /// fragments overlapping an ESP header, IPv4 options (ExtHdrTrick).
    EXTHDR_TRICKS,
    /// A rate-limited burst (FloodCount datagrams at FloodRate) of FloodAttack.
    FLOOD,
};

/// The number of IpsecAttack kinds.
constexpr std::size_t IPSEC_ATTACK_KINDS = 11;

/**
 * @ingroup ipsec
 * The name of an attack.
 * @param attack the kind
 * @return "forged-guessed-spi", "replay", ...
 */
std::string IpsecAttackName(IpsecAttack attack);
/**
 * @ingroup ipsec
 * Every kind of attack.
 * @return the kinds, in declaration order
 */
std::vector<IpsecAttack> IpsecAllAttacks();
/**
 * @ingroup ipsec
 * Parses a comma-separated list of attack names.
 * @param list e.g. "replay,bit-flip"; "all" for every kind
 * @param attacks set to the kinds
 * @param error set to a sentence on an unknown name
 * @return false on an unknown name
 */
bool IpsecParseAttacks(const std::string& list,
                       std::vector<IpsecAttack>* attacks,
                       std::string* error);
/**
 * @ingroup ipsec
 * Writes an attack's name.
 * @param os the stream
 * @param attack the kind
 * @return the stream
 */
std::ostream& operator<<(std::ostream& os, IpsecAttack attack);

/**
 * @ingroup ipsec
 * The extension-header and option tricks of IpsecAttack::EXTHDR_TRICKS.
 */
enum class IpsecExtHdrTrick : uint8_t
{
    ALL,              ///< cycle through the tricks of the victim's family
    V6_CHAIN_IPSEC,   ///< Hop-by-Hop + ChainLength Destination Options, then forged real-SPI IPsec
    V6_CHAIN_PLAIN,   ///< the same chain, then plain UDP from a protected prefix
    V6_ROUTING_IPSEC, ///< a type 0 Routing header (segments left 0), then forged real-SPI IPsec
    V6_ROUTING_PLAIN, ///< the same Routing header, then plain UDP from a protected prefix
    V6_FRAGMENT_OVERLAP, ///< three fragments: a guessed-SPI ESP, a second first fragment with the
                         ///< real SPI overlapping it, the tail
    V4_OPTIONS_IPSEC,    ///< an IPv4 header with options (Router Alert), forged real-SPI IPsec
    V4_OPTIONS_PLAIN,    ///< the same header, plain UDP from a protected prefix
};

/**
 * @ingroup ipsec
 * The name of a trick.
 * @param trick the trick
 * @return "v6-chain-ipsec", ...
 */
std::string IpsecExtHdrTrickName(IpsecExtHdrTrick trick);

/**
 * @ingroup ipsec
 * Which field a BIT_FLIP attack flips a bit in.
 */
enum class IpsecBitFlipField : uint8_t
{
    SEQUENCE, ///< a 0 bit of the sequence number's bits 16-30 (the number grows past the window)
    PAYLOAD,  ///< a bit after the ESP header (IV, ciphertext, ICV) or behind the AH ICV
    ICV,      ///< a bit of the last 12 bytes of ESP, or of AH's ICV field
    SPI,      ///< a bit of the SPI
};

/**
 * @ingroup ipsec
 * An attacker on a shared link (see the file comment and doc/ipsec.rst).
 *
 * The adversary is configured with its device (SetDevice), the IPsec
 * endpoint it attacks (SetVictim: the destination of forged ESP, AH and
 * IPComp), the prefixes the victim's policy protects (AddProtectedPrefix:
 * the sources of spoofed plaintext) and the list of attacks.  From its start
 * time it sends one attack every Interval, cycling through the list, Count
 * attacks of each kind.  Attacks that need a captured datagram (real SPI,
 * replay, bit flip, truncation, the IPsec tricks) are skipped, and counted
 * as skipped, until one has been seen.
 */
class IpsecAdversary : public Application
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    IpsecAdversary();
    ~IpsecAdversary() override;

    /**
     * Sets the device on the victim's link: sniffed promiscuously, and sent through.
     * @param device the device
     */
    void SetDevice(Ptr<NetDevice> device);
    /**
     * The device on the victim's link.
     * @return the device
     */
    Ptr<NetDevice> GetDevice() const;
    /**
     * Sets the IPsec endpoint attacked: the destination of forged ESP, AH and IPComp.
     * @param address the victim's address
     */
    void SetVictim(const IpsecAddress& address);
    /**
     * Sets the victim's MAC on the link (else learned from its frames, else broadcast).
     * @param mac the MAC
     */
    void SetVictimMac(const Address& mac);
    /**
     * Sets the victim's IPsec peer, the source of forged ESP, AH and IPComp
     * (else the source of the captured datagrams, else an address of a
     * protected prefix).
     * @param address the peer's address
     */
    void SetPeer(const IpsecAddress& address);
    /**
     * Adds a prefix the victim requires IPsec from: spoofed plaintext comes from it.
     * @param prefix the prefix
     * @param length its length in bits
     */
    void AddProtectedPrefix(const IpsecAddress& prefix, uint8_t length);
    /**
     * Sets where spoofed plaintext goes (default: the victim; a host behind a gateway).
     * @param address the destination
     */
    void SetSpoofDestination(const IpsecAddress& address);

    /**
     * Sets the attacks.
     * @param attacks the kinds, in the order they are made
     */
    void SetAttacks(const std::vector<IpsecAttack>& attacks);
    /**
     * The attacks.
     * @return the kinds, in the order they are made
     */
    const std::vector<IpsecAttack>& GetAttacks() const;

    /**
     * The attack datagrams sent, as the victim's IP layer sees them (a set
     * of fragments is one, each replayed copy one, each datagram of a flood
     * one).
     * @param kind the attack
     * @return the datagrams of @p kind sent
     */
    uint64_t GetSent(IpsecAttack kind) const;
    /**
     * The link-layer frames sent (fragments counted one by one).
     * @param kind the attack
     * @return the frames of @p kind sent
     */
    uint64_t GetFrames(IpsecAttack kind) const;
    /**
     * The attacks that could not be made (nothing captured yet, a trick of
     * the other family).
     * @param kind the attack
     * @return the attacks of @p kind skipped
     */
    uint64_t GetSkipped(IpsecAttack kind) const;
    /**
     * The captures.
     * @return the ESP/AH datagrams to the victim captured so far
     */
    uint64_t GetCaptured() const;
    /**
     * The tricks sent.
     * @return the extension-header trick of each EXTHDR_TRICKS datagram sent, in order
     */
    const std::vector<IpsecExtHdrTrick>& GetTricksSent() const;

    /**
     * Assigns the random stream (SPIs, bit positions, addresses, payloads).
     * @param stream the first stream index to use
     * @return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

    /// Signature of the Attack trace: kind, the IP datagram (or fragment) sent.
    typedef void (*AttackTracedCallback)(IpsecAttack, Ptr<const Packet>);

    /// The marker at the start of every plaintext the adversary writes; the
    /// attack's name follows it ("ns3-ipsec adversary replay #3 at 1550000us").
    static const std::string MARKER;

  protected:
    void DoDispose() override;

  private:
    /// One frame to send: an IP datagram (or fragment) and the source MAC.
    struct Frame
    {
        std::vector<uint8_t> ip;
        bool ipv6{false};
        Address srcMac;
    };

    /// A datagram to the victim seen on the link.
    struct Capture
    {
        std::vector<uint8_t> ip; ///< the whole IP datagram
        bool ipv6{false};
        uint32_t ipsecOffset{0}; ///< where the ESP/AH header starts
        uint8_t protocol{0};     ///< 50 or 51
        uint32_t spi{0};
        uint32_t seq{0};
        Address srcMac;
        IpsecAddress src;
    };

    void StartApplication() override;
    void StopApplication() override;

    /// The promiscuous sniffer.
    void Sniff(Ptr<NetDevice> device,
               Ptr<const Packet> packet,
               uint16_t protocol,
               const Address& from,
               const Address& to,
               NetDevice::PacketType type);

    /// The next scheduled attack.
    void Shoot();
    /// One datagram of a flood.
    void FloodOne(uint32_t left);
    /// Builds and sends one attack of @p kind, counted under @p as.
    void Attack(IpsecAttack kind, IpsecAttack as);
    /// Builds the frames of one attack datagram of @p kind; false when it cannot be made.
    bool Build(IpsecAttack kind, std::vector<Frame>* frames);
    void Send(IpsecAttack as, const Frame& frame);

    bool BuildForged(bool realSpi, std::vector<Frame>* frames);
    bool BuildFromCapture(IpsecAttack kind, std::vector<Frame>* frames);
    bool BuildSpoof(bool ipcomp, std::vector<Frame>* frames);
    bool BuildNestedIpcomp(std::vector<Frame>* frames);
    bool BuildBomb(std::vector<Frame>* frames);
    bool BuildTrick(std::vector<Frame>* frames);
    bool BuildTrick(IpsecExtHdrTrick trick, std::vector<Frame>* frames);

    /// The ESP or AH header and body of a forged datagram: the SPI and protocol of the
    /// latest capture (@p realSpi) or a guessed SPI; @p protocol receives 50 or 51.
    bool ForgedIpsecPayload(bool realSpi, std::vector<uint8_t>* payload, uint8_t* protocol);
    /// A plain UDP datagram (or ICMP echo request, SpoofProtocol) as an upper-layer
    /// payload from @p src to @p dst; @p protocol receives 17, 1 or 58.
    std::vector<uint8_t> PlainPayload(const IpsecAddress& src,
                                      const IpsecAddress& dst,
                                      uint8_t* protocol);
    /// A UDP datagram to SpoofPort carrying the marker.
    std::vector<uint8_t> UdpPayload(const IpsecAddress& src, const IpsecAddress& dst);
    /// A complete IP datagram (IPv4 header with @p options, or IPv6 header).
    std::vector<uint8_t> IpDatagram(const IpsecAddress& src,
                                    const IpsecAddress& dst,
                                    uint8_t protocol,
                                    const std::vector<uint8_t>& payload,
                                    const std::vector<uint8_t>& v4options = {});
    /// A random address of a protected prefix (the peer's when there is none).
    IpsecAddress SpoofedSource();
    /// The source of forged IPsec datagrams.
    IpsecAddress PeerAddress();
    /// The MAC frames from @p ip are sent with (learned, else our own).
    Address MacFor(const IpsecAddress& ip) const;
    /// The text of a plaintext payload: MARKER, the attack and a number.
    std::vector<uint8_t> MarkerText();
    uint32_t RandomU32();
    std::vector<uint8_t> RandomBytes(uint32_t n);

    Ptr<NetDevice> m_device;
    IpsecAddress m_victim;
    Address m_victimMac;
    bool m_victimMacSet{false};
    IpsecAddress m_peer;
    std::vector<std::pair<IpsecAddress, uint8_t>> m_prefixes;
    IpsecAddress m_spoofDestination;
    std::vector<IpsecAttack> m_attacks;

    // attributes
    Time m_interval;
    uint32_t m_count{3};
    uint32_t m_forgedSize{76};
    int m_forgedProtocol{50};
    uint32_t m_sequenceAdvance{1000};
    uint32_t m_replayCopies{1};
    int m_bitFlipField{static_cast<int>(IpsecBitFlipField::SEQUENCE)};
    int m_spoofProtocol{17};
    uint16_t m_spoofPort{9};
    uint32_t m_bombSize{1 << 20};
    int m_trick{static_cast<int>(IpsecExtHdrTrick::ALL)};
    uint32_t m_chainLength{8};
    int m_floodAttack{static_cast<int>(IpsecAttack::FORGED_GUESSED_SPI)};
    double m_floodRate{1000};
    uint32_t m_floodCount{100};
    uint32_t m_maxCaptures{64};
    bool m_spoofMac{true};

    Ptr<UniformRandomVariable> m_rng;
    std::deque<Capture> m_captures;
    uint64_t m_captured{0};
    std::map<uint32_t, uint32_t> m_maxSeq; ///< per SPI seen, the highest sequence number
    std::map<IpsecAddress, Address> m_macs;
    uint32_t m_shot{0};
    uint32_t m_trickIndex{0};
    uint64_t m_text{0};
    IpsecAttack m_current{IpsecAttack::FORGED_GUESSED_SPI}; ///< the attack being built
    EventId m_next;
    std::vector<EventId> m_floods;
    bool m_sniffing{false};
    /// What we sent lately: a copy coming back from the channel is not a capture.
    std::deque<std::vector<uint8_t>> m_echoGuard;
    std::vector<IpsecExtHdrTrick> m_tricksSent;
    std::array<uint64_t, IPSEC_ATTACK_KINDS> m_sent{};
    std::array<uint64_t, IPSEC_ATTACK_KINDS> m_frames{};
    std::array<uint64_t, IPSEC_ATTACK_KINDS> m_skipped{};
    TracedCallback<IpsecAttack, Ptr<const Packet>> m_attackTrace;
};

} // namespace ns3

#endif /* IPSEC_ADVERSARY_H */
