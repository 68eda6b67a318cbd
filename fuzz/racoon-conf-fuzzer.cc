/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * libFuzzer target: racoon's configuration (model/racoon-conf.cc) on
 * arbitrary text, read both as racoon.conf and as psk.txt.  Included files
 * come from memory, never from the disk: "inc.conf" (a valid remote block),
 * "keyid" (for my_identifier keyid) and "racoon.conf", the input itself, so
 * that includes nest and loop.  Besides the sanitizers' findings it checks
 * that an error names a line inside its file, that what was parsed is what
 * racoon would accept (a remote has an exchange mode and a proposal, an
 * sainfo its three algorithm classes) and that each sainfo is found for its
 * own identities.
 */
#include "racoon-conf.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace
{

[[noreturn]] void
Fail(const std::string& what)
{
    std::fprintf(stderr, "racoon-conf-fuzzer: %s\n", what.c_str());
    std::abort();
}

uint32_t
LineCount(const std::string& text)
{
    uint32_t lines = 1;
    for (char c : text)
    {
        lines += c == '\n' ? 1 : 0;
    }
    return lines;
}

void
ParseConf(const std::string& text)
{
    const std::map<std::string, std::string> files = {
        {"./racoon.conf", text},
        {"./inc.conf",
         "remote 10.0.0.9 { exchange_mode main; proposal { encryption_algorithm aes; "
         "hash_algorithm sha1; authentication_method pre_shared_key; dh_group 2; } }\n"},
        {"./keyid", "key-id\n"},
    };
    ns3::RacoonConfFiles hooks;
    hooks.glob = [&files](const std::string& pattern)
    {
        std::vector<std::string> out;
        if (files.count(pattern) != 0)
        {
            out.push_back(pattern);
        }
        return out;
    };
    hooks.read = [&files](const std::string& path, std::string* why) -> std::optional<std::string>
    {
        auto i = files.find(path);
        if (i == files.end())
        {
            *why = "no such file";
            return std::nullopt;
        }
        return i->second;
    };
    ns3::RacoonConf conf;
    try
    {
        conf = ns3::ParseRacoonConf(text, "racoon.conf", ".", hooks);
    }
    catch (const ns3::RacoonConfError& e)
    {
        auto i = files.find(e.GetFile() == "racoon.conf" ? "./racoon.conf" : e.GetFile());
        if (i == files.end())
        {
            Fail("an error in an unknown file: " + e.GetFile());
        }
        if (e.GetLine() < 1 || e.GetLine() > LineCount(i->second))
        {
            Fail(std::string("an error outside its file: ") + e.what());
        }
        if (std::string(e.what()).empty())
        {
            Fail("an empty message");
        }
        return;
    }
    for (const auto& r : conf.remotes)
    {
        if (r.exchangeModes.empty() || r.proposals.empty())
        {
            Fail("a remote racoon would refuse");
        }
        const ns3::RacoonRemote* found = conf.FindRemote(r.address);
        if (!r.anonymous && found && found->address != r.address && !found->anonymous)
        {
            Fail("FindRemote returned another address");
        }
    }
    for (const auto& s : conf.sainfos)
    {
        if (s.encryption.empty() || s.authentication.empty() || s.compression.empty())
        {
            Fail("an sainfo racoon would refuse");
        }
        if (!conf.FindSainfo(s.local, s.remote))
        {
            Fail("an sainfo not found for its own identities");
        }
    }
    for (const auto& note : conf.ignored)
    {
        if (note.find(": ignored (") == std::string::npos)
        {
            Fail("a malformed note: " + note);
        }
    }
}

void
ParsePsk(const std::string& text)
{
    try
    {
        ns3::RacoonPskFile psk(text);
        std::string why;
        for (const char* id : {"10.0.0.1", "*", "", "host.example"})
        {
            auto key = psk.Lookup(id, &why);
            if (!key && why.empty())
            {
                Fail("no key and no reason");
            }
        }
        psk.SetMode(0644);
        if (psk.Lookup("10.0.0.1"))
        {
            Fail("a key from a file with weak permissions");
        }
    }
    catch (const ns3::RacoonConfError& e)
    {
        if (e.GetLine() < 1 || e.GetLine() > LineCount(text))
        {
            Fail(std::string("a psk.txt error outside the text: ") + e.what());
        }
    }
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string text(reinterpret_cast<const char*>(data), size);
    ParseConf(text);
    ParsePsk(text);
    return 0;
}
