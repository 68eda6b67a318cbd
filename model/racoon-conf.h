/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * racoon's configuration: the subset of racoon.conf(5) the simulated IKE
 * daemon understands, and psk.txt.  The parser follows racoon's cfparse.y
 * grammar and defaults (ipsec-tools 0.7/0.8): statements end with ';',
 * blocks are in braces, '#' starts a comment, strings are quoted, "include"
 * reads another file; units "sec(s)", "min(s)", "hour(s)"; algorithm and
 * group names as racoon spells them.  A statement it does not know is an
 * error that names the file, the line, the token and what was expected
 * (racoon would stop there too); nothing half-parsed is ever used.
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
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ns3
{

/// A configuration error: where, and what was expected.
class RacoonConfError : public std::runtime_error
{
  public:
    RacoonConfError(const std::string& file,
                    uint32_t line,
                    const std::string& token,
                    const std::string& expected);
    const std::string& GetFile() const;
    uint32_t GetLine() const;
    const std::string& GetToken() const;

  private:
    std::string m_file;
    uint32_t m_line;
    std::string m_token;
};

/// An identifier (my_identifier, peers_identifier, sainfo ids).
struct RacoonIdentifier
{
    enum class Type : uint8_t
    {
        ADDRESS,    ///< "address [a.b.c.d]" (none: the interface's address)
        FQDN,       ///< "fqdn \"host.example\""
        USER_FQDN,  ///< "user_fqdn \"user@host.example\""
        KEYID,      ///< "keyid \"...\""
    };
    Type type{Type::ADDRESS};
    std::string value; ///< empty for "address" without a value
};

/// One phase-1 proposal (proposal { ... }).
struct RacoonProposal
{
    std::string encryption{"3des"}; ///< des, 3des, blowfish, cast128, aes
    uint32_t keyLength{0};          ///< bits; 0 = the algorithm's default
    std::string hash{"sha1"};       ///< md5, sha1, sha256, sha384, sha512
    std::string authMethod{"pre_shared_key"};
    uint16_t dhGroup{2};   ///< Oakley group number
    Time lifetime{Seconds(0)}; ///< 0: the remote's lifetime
};

/// A remote block.
struct RacoonRemote
{
    bool anonymous{false};
    IpsecAddress address;
    uint16_t port{500};
    std::vector<std::string> exchangeModes{"main"}; ///< "main", "aggressive", "base"
    std::optional<RacoonIdentifier> myIdentifier;
    std::optional<RacoonIdentifier> peersIdentifier;
    bool verifyIdentifier{false};
    Time lifetime{Seconds(28800)};
    uint32_t nonceSize{16};
    bool initialContact{true};
    bool passive{false};
    std::string proposalCheck{"strict"}; ///< obey, strict, claim, exact
    bool generatePolicy{false};
    std::vector<RacoonProposal> proposals;
};

/// An sainfo block's identity: "anonymous" or "address A/prefix [port] proto".
struct RacoonSainfoId
{
    bool anonymous{true};
    IpsecAddress address;
    uint8_t prefix{0}; ///< full length when none is written
    uint16_t port{0};
    uint8_t protocol{255}; ///< "any"
};

/// An sainfo block.
struct RacoonSainfo
{
    RacoonSainfoId local;
    RacoonSainfoId remote;
    std::optional<uint16_t> pfsGroup;
    Time lifetime{Seconds(28800)};
    /// encryption_algorithm list: name and key length (0 = default).
    std::vector<std::pair<std::string, uint32_t>> encryption;
    std::vector<std::string> authentication; ///< hmac_md5, hmac_sha1, hmac_sha256, ..., non_auth
    std::vector<std::string> compression;    ///< deflate
};

/// timer { ... } (racoon's code defaults; the man page documents 15 s and 10 s
/// for phase1 and phase2).
struct RacoonTimer
{
    uint32_t counter{5};
    Time interval{Seconds(10)};
    uint32_t persend{1};
    Time phase1{Seconds(30)};
    Time phase2{Seconds(30)};
};

/// A whole configuration.
struct RacoonConf
{
    std::string pskPath; ///< path pre_shared_key
    std::vector<std::pair<IpsecAddress, uint16_t>> listen;
    RacoonTimer timer;
    std::vector<RacoonRemote> remotes;
    std::vector<RacoonSainfo> sainfos;

    /// The remote block for @p peer (its address, else an anonymous one; nullptr if none).
    const RacoonRemote* FindRemote(const IpsecAddress& peer) const;
    /// The sainfo for a phase 2 between @p local and @p remote (racoon's
    /// getsainfo: an exact match, then anonymous sides; nullptr if none).
    const RacoonSainfo* FindSainfo(const RacoonSainfoId& local, const RacoonSainfoId& remote) const;
};

/**
 * Parses @p text as the contents of file @p fileName; "include" reads
 * files relative to @p baseDir.  Throws RacoonConfError.
 */
RacoonConf ParseRacoonConf(const std::string& text,
                           const std::string& fileName,
                           const std::string& baseDir = ".");
/// Reads and parses the file @p path.
RacoonConf ReadRacoonConf(const std::string& path);

/// psk.txt.
class RacoonPskFile
{
  public:
    /// Parses @p text (file @p fileName, for messages); @p mode is its
    /// permission bits (0600 by default).  Throws RacoonConfError on a line
    /// without a key.
    RacoonPskFile(const std::string& text,
                  const std::string& fileName = "psk.txt",
                  uint32_t mode = 0600);
    static RacoonPskFile Read(const std::string& path, uint32_t mode = 0600);

    /**
     * The key for @p identifier (an address as text, an FQDN, ...), "*"
     * entries matching anything, first match wins.  Empty with @p why when
     * none matches, or when the file's mode gives group or others any
     * permission ("has weak file permission").
     */
    std::optional<std::vector<uint8_t>> Lookup(const std::string& identifier,
                                               std::string* why = nullptr) const;
    uint32_t GetMode() const;
    void SetMode(uint32_t mode);

  private:
    std::string m_file;
    uint32_t m_mode;
    std::vector<std::pair<std::string, std::vector<uint8_t>>> m_entries;
};

} // namespace ns3

#endif /* RACOON_CONF_H */
