/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * racoon's configuration: the subset of racoon.conf(5) the simulated IKE
 * daemon understands, and psk.txt.  The parser follows racoon's cfparse.y
 * grammar and defaults (ipsec-tools 0.7/0.8): statements end with ';',
 * blocks are in braces, '#' starts a comment, strings are quoted, "include"
 * reads other files (a glob(3) pattern, at most 10 deep, loops refused);
 * units "sec(s)", "second(s)", "min(s)", "minute(s)", "hour(s)"; algorithm
 * and group names as racoon spells them.  Of racoon's other statements,
 * those that cannot change a negotiation in this model are accepted and
 * noted in RacoonConf::ignored; the others are refused as not supported.
 * A statement racoon does not know is an error that names the file, the
 * line, the token and what was expected (racoon would stop there too);
 * nothing half-parsed is ever used.
 *
 * psk.txt: one "identifier key" per line, '#' comments, the key is
 * everything after the first run of blanks, "0x..." keys are hex, "*"
 * matches any peer, the first match wins; racoon refuses the file (as if
 * it had no key) when group or others have any permission bit, which the
 * file's mode models.
 */
#ifndef RACOON_CONF_H
#define RACOON_CONF_H

#include "ipsec-address.h"
#include "ns3/nstime.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-ike
 * A configuration error: where, and what was expected.  what() reads
 * "FILE:LINE: unexpected 'TOKEN', expected EXPECTED" for a syntax error
 * (the token "" and "end of file" at the end of a file), or
 * "FILE:LINE: MESSAGE" when a message is given (a statement racoon would
 * refuse too, or one this model does not support, or an include problem).
 */
class RacoonConfError : public std::runtime_error
{
  public:
    /**
     * An error at a place.
     * @param file the file
     * @param line the line
     * @param token the token as written ("" at the end of the file)
     * @param expected what the grammar wanted there, in words
     * @param message the message of a non-syntax error ("" for a syntax error)
     */
    RacoonConfError(const std::string& file,
                    uint32_t line,
                    const std::string& token,
                    const std::string& expected,
                    const std::string& message = "");
    /**
     * The file.
     * @return the file the error is in
     */
    const std::string& GetFile() const;
    /**
     * The line.
     * @return the line the error is on
     */
    uint32_t GetLine() const;
    /**
     * The token.
     * @return the token as written ("" at the end of the file)
     */
    const std::string& GetToken() const;
    /**
     * What was expected.
     * @return what the grammar wanted there, in words ("" if nothing in particular)
     */
    const std::string& GetExpected() const;
    /**
     * The message.
     * @return the message of a non-syntax error ("" for a syntax error)
     */
    const std::string& GetMessage() const;

  private:
    std::string m_file;
    uint32_t m_line;
    std::string m_token;
    std::string m_expected;
    std::string m_message;
};

/**
 * @ingroup ipsec-ike
 * An identifier (my_identifier, peers_identifier, sainfo ids).
 */
struct RacoonIdentifier
{
    /// The identifier's type.
    enum class Type : uint8_t
    {
        ADDRESS,   ///< "address [a.b.c.d]" (none: the interface's address)
        FQDN,      ///< "fqdn \"host.example\""
        USER_FQDN, ///< "user_fqdn \"user@host.example\""
        KEYID,     ///< "keyid \"...\""
    };
    Type type{Type::ADDRESS}; ///< the type
    /// Empty for "address" without a value.  keyid: racoon's "keyid tag \"x\"" is x;
    /// "keyid \"f\"" and "keyid file \"f\"" are the contents of the file f.
    std::string value;
};

/**
 * @ingroup ipsec-ike
 * One phase-1 proposal (proposal { ... }).
 */
struct RacoonProposal
{
    std::string encryption{"3des"}; ///< des, 3des, blowfish, cast128, aes ("rijndael" is aes)
    /// Bits, as racoon's encklen: the length written, else the algorithm's
    /// default (128 for blowfish, cast128, aes); 0 for des and 3des.
    uint32_t keyLength{0};
    std::string hash{"sha1"}; ///< md5, sha1, sha256, sha384, sha512 ("sha2_256" is sha256, ...)
    std::string authMethod{"pre_shared_key"}; ///< authentication_method
    uint16_t dhGroup{2};                      ///< Oakley group number
    Time lifetime{Seconds(0)};                ///< 0: the remote's lifetime
};

/**
 * @ingroup ipsec-ike
 * A remote block's nat_traversal (RFC 3947 NAT traversal).
 */
enum class RacoonNatTraversal : uint8_t
{
    OFF,   ///< "off" (racoon's default): no NAT-T vendor IDs, no NAT-D
    ON,    ///< "on": NAT-T announced, UDP encapsulation when a NAT is detected
    FORCE, ///< "force": UDP encapsulation whether or not there is a NAT
};

/**
 * @ingroup ipsec-ike
 * A remote block.
 */
struct RacoonRemote
{
    /// "remote \"name\" { remote_address ...; }" (racoon 0.8); empty for
    /// "remote ADDRESS" and "remote anonymous".
    std::string name;
    bool anonymous{false}; ///< "remote anonymous", or a named remote without remote_address
    IpsecAddress address;  ///< the peer's address
    uint16_t port{500};    ///< the peer's port
    /// exchange_mode: in the order written, the first is what the initiator uses.  racoon
    /// has no default: a remote without exchange_mode is an error.
    std::vector<std::string> exchangeModes{"main"};  ///< "main", "aggressive", "base"
    std::optional<RacoonIdentifier> myIdentifier;    ///< my_identifier
    std::optional<RacoonIdentifier> peersIdentifier; ///< the first peers_identifier
    /// Every peers_identifier, in order (racoon accepts any of them).
    std::vector<RacoonIdentifier> peersIdentifiers;
    bool verifyIdentifier{false};        ///< verify_identifier
    Time lifetime{Seconds(28800)};       ///< lifetime time (phase 1)
    uint32_t nonceSize{16};              ///< nonce_size
    bool initialContact{true};           ///< initial_contact
    bool passive{false};                 ///< passive
    std::string proposalCheck{"strict"}; ///< obey, strict, claim, exact
    bool generatePolicy{false};          ///< "on" and "require" (racoon: the same thing)
    RacoonNatTraversal natTraversal{RacoonNatTraversal::OFF}; ///< nat_traversal
    /// esp_frag: the size above which the peer may fragment ESP-in-UDP
    /// (PF_KEY's NAT_T_FRAG of UDP-encapsulated SAs); racoon's default IP_MAXPACKET.
    uint16_t espFrag{65535};
    std::vector<RacoonProposal> proposals; ///< in the order written (at least one)
    std::string file;                      ///< where the block starts
    uint32_t line{0};                      ///< the line it starts on
};

/**
 * @ingroup ipsec-ike
 * An sainfo block's identity: "anonymous" or "address A[/prefix] [[port]]
 * proto" ("subnet" is the same).  As a FindSainfo query, "anonymous" stands
 * for a phase 2 without that identity, which racoon matches with anything.
 */
struct RacoonSainfoId
{
    bool anonymous{true};  ///< "anonymous"
    IpsecAddress address;  ///< the address
    uint8_t prefix{0};     ///< full length when none is written
    uint16_t port{0};      ///< 0: any (racoon never compares ports)
    uint8_t protocol{255}; ///< "any"
};

/**
 * @ingroup ipsec-ike
 * An sainfo block.
 */
struct RacoonSainfo
{
    RacoonSainfoId local;             ///< the local identity
    RacoonSainfoId remote;            ///< the remote identity
    std::optional<uint16_t> pfsGroup; ///< pfs_group (Oakley group number)
    Time lifetime{Seconds(28800)};    ///< lifetime time (phase 2)
    /// encryption_algorithm list: name and key length in bits, as racoon's
    /// encklen (as written, else the cipher's default; 0 for des, 3des, null_enc).
    std::vector<std::pair<std::string, uint32_t>> encryption;
    std::vector<std::string> authentication; ///< hmac_md5, hmac_sha1, hmac_sha256, ..., non_auth
    std::vector<std::string> compression;    ///< deflate
    std::string file;                        ///< where the block starts
    uint32_t line{0};                        ///< the line it starts on
};

/**
 * @ingroup ipsec-ike
 * timer { ... } (racoon's code defaults; the man page documents 15 s and 10 s
 * for phase1 and phase2).
 */
struct RacoonTimer
{
    uint32_t counter{5};        ///< retransmissions of a message
    Time interval{Seconds(10)}; ///< time between retransmissions
    uint32_t persend{1};        ///< copies of each message sent
    Time phase1{Seconds(30)};   ///< how long phase 1 may take
    Time phase2{Seconds(30)};   ///< how long phase 2 may take
    bool phase1Set{false};      ///< phase1 written in the file (IkeDaemon::TimerDefaults leaves it)
    bool phase2Set{false};      ///< phase2 written in the file
    /// natt_keepalive: the interval of NAT-T keepalives (0: none)
    Time nattKeepalive{Seconds(20)};
};

/**
 * @ingroup ipsec-ike
 * A whole configuration.
 */
struct RacoonConf
{
    std::string pskPath;                                   ///< path pre_shared_key, as written
    std::vector<std::pair<IpsecAddress, uint16_t>> listen; ///< listen { isakmp ...; }
    /// listen { isakmp_natt ADDRESS [PORT]; }: the NAT-T sockets (UDP_ENCAP_ESPINUDP)
    std::vector<std::pair<IpsecAddress, uint16_t>> listenNatt;
    RacoonTimer timer;                 ///< timer { ... }
    std::vector<RacoonRemote> remotes; ///< in the order written
    std::vector<RacoonSainfo> sainfos; ///< in the order written
    /// Statements accepted but without effect in this model, one note each
    /// ("racoon.conf:19: log debug: ignored (the simulated daemon keeps no log)").
    std::vector<std::string> ignored;

    /**
     * The remote block for @p peer, as racoon 0.8's getrmconf(): the one
     * with that address, else the anonymous one; nullptr if none, or if two
     * blocks match equally well (racoon: "multiple ... configurations").
     * Ports are not compared.
     * @param peer the peer's address
     * @return the block, or nullptr
     */
    const RacoonRemote* FindRemote(const IpsecAddress& peer) const;
    /**
     * The sainfo for a phase 2 between @p local and @p remote, as racoon
     * 0.8's getsainfo(): blocks with both identities first, then those with
     * one anonymous side, then "sainfo anonymous", each group in the order
     * written; the first whose identities match (an anonymous side matches
     * anything; otherwise address, prefix and protocol must be equal, ports
     * are not compared).
     * @param local the phase 2's local identity
     * @param remote its remote identity
     * @return the block, or nullptr if none matches
     */
    const RacoonSainfo* FindSainfo(const RacoonSainfoId& local, const RacoonSainfoId& remote) const;
};

/**
 * @ingroup ipsec-ike
 * How "include" (and "my_identifier keyid \"file\"") reach files: the real
 * file system by default (RacoonConfDiskFiles), anything else in tests and
 * fuzzers.
 */
struct RacoonConfFiles
{
    /// The files a pattern names, sorted, as glob(3) lists them; empty if none.
    std::function<std::vector<std::string>(const std::string& pattern)> glob;
    /// The text of a file; nullopt, with the reason in the string, if it
    /// cannot be read.
    std::function<std::optional<std::string>(const std::string& path, std::string* why)> read;
};

/**
 * @ingroup ipsec-ike
 * The real file system (glob(3); regular files only).
 * @return the accessors
 */
RacoonConfFiles RacoonConfDiskFiles();

/**
 * @ingroup ipsec-ike
 * Parses a racoon.conf.
 * @param text the contents
 * @param fileName the file's name, for messages
 * @param baseDir where "include" reads files from (unless "path include" says)
 * @return the configuration
 * @throws RacoonConfError on an error
 */
RacoonConf ParseRacoonConf(const std::string& text,
                           const std::string& fileName,
                           const std::string& baseDir = ".");
/**
 * @ingroup ipsec-ike
 * Parses a racoon.conf, reaching included files through accessors.
 * @param text the contents
 * @param fileName the file's name, for messages
 * @param baseDir where "include" reads files from (unless "path include" says)
 * @param files how files are listed and read
 * @return the configuration
 * @throws RacoonConfError on an error
 */
RacoonConf ParseRacoonConf(const std::string& text,
                           const std::string& fileName,
                           const std::string& baseDir,
                           const RacoonConfFiles& files);
/**
 * @ingroup ipsec-ike
 * Reads and parses a racoon.conf (includes relative to its directory).
 * @param path the file
 * @return the configuration
 * @throws RacoonConfError on an error
 */
RacoonConf ReadRacoonConf(const std::string& path);

/**
 * @ingroup ipsec-ike
 * psk.txt: one "identifier key" per line, the first match wins; refused
 * (as if it had no key) when group or others have any permission bit.
 */
class RacoonPskFile
{
  public:
    /**
     * Parses a psk.txt.
     * @param text the contents
     * @param fileName the file's name, for messages
     * @param mode its permission bits
     * @throws RacoonConfError on a line without a key (racoon skips such a
     *         line silently)
     */
    RacoonPskFile(const std::string& text,
                  const std::string& fileName = "psk.txt",
                  uint32_t mode = 0600);
    /**
     * Reads the real file @p path.  Its permissions are @p mode, not the
     * file's own (stat(2)): a simulation decides what the simulated file
     * system holds, whatever the checkout's umask.
     * @param path the file
     * @param mode its permission bits
     * @return the parsed file
     * @throws RacoonConfError if the file cannot be read
     */
    static RacoonPskFile Read(const std::string& path, uint32_t mode = 0600);

    /**
     * The key for an identifier, "*" entries matching anything, first match
     * wins.
     * @param identifier an address as text, an FQDN, ...
     * @param why set when there is no key
     * @return the key; empty when none matches, or when the file's mode
     *         gives group or others any permission ("has weak file permission")
     */
    std::optional<std::vector<uint8_t>> Lookup(const std::string& identifier,
                                               std::string* why = nullptr) const;
    /**
     * The file's mode.
     * @return its permission bits
     */
    uint32_t GetMode() const;
    /**
     * Sets the file's mode.
     * @param mode its permission bits
     */
    void SetMode(uint32_t mode);
    /**
     * The entries.
     * @return the number of lines with an identifier and a key
     */
    size_t GetN() const;
    /**
     * Lines racoon reads differently from what they may seem to say: a
     * leading blank (an empty identifier, never matched), blanks or a CR
     * ending a key (kept in it), a malformed hex key (racoon fails when it
     * is the match).
     * @return one "psk.txt:LINE: ..." note each
     */
    const std::vector<std::string>& GetNotes() const;

  private:
    struct Entry
    {
        std::string identifier;
        std::vector<uint8_t> key;
        uint32_t line{0};
        bool valid{true}; ///< false: a "0x" key racoon cannot decode
    };

    std::string m_file;
    uint32_t m_mode;
    std::vector<Entry> m_entries;
    std::vector<std::string> m_notes;
};

} // namespace ns3

#endif /* RACOON_CONF_H */
