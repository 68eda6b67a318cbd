/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-example-output.h"

#include <cerrno>
#include <cstring>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

namespace ns3
{

namespace
{

/// The folder part of a file path ("." for none).
std::string
ParentOf(const std::string& path)
{
    size_t slash = path.find_last_of('/');
    if (slash == std::string::npos)
    {
        return ".";
    }
    return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

bool
IpsecMakeFolder(const std::string& dir, std::string& why)
{
    // Each prefix ending before a '/', then the whole path: made if missing.
    for (size_t end = 1; end <= dir.size(); ++end)
    {
        if (end < dir.size() && dir[end] != '/')
        {
            continue;
        }
        std::string prefix = dir.substr(0, end);
        struct stat st;
        if (::stat(prefix.c_str(), &st) == 0)
        {
            if (!S_ISDIR(st.st_mode))
            {
                why = prefix + " is a file, not a folder";
                return false;
            }
            continue;
        }
        if (errno != ENOENT)
        {
            why = prefix + ": " + std::strerror(errno);
            return false;
        }
        if (::mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST)
        {
            why = "cannot create " + prefix + ": " + std::strerror(errno);
            return false;
        }
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
    {
        why = dir + " cannot be written: " + std::strerror(errno);
        return false;
    }
    return true;
}

bool
IpsecPrepareOutputs(const std::string& program, const std::vector<IpsecOutputOption>& outputs)
{
    for (const IpsecOutputOption& o : outputs)
    {
        if (o.path.empty())
        {
            continue;
        }
        std::string dir = o.folder ? o.path : ParentOf(o.path);
        std::string why;
        bool ok = IpsecMakeFolder(dir, why);
        std::string what = "cannot create the folder " + dir;
        if (ok && !o.folder)
        {
            struct stat st;
            what = "cannot write " + o.path;
            if (::stat(o.path.c_str(), &st) == 0)
            {
                if (S_ISDIR(st.st_mode))
                {
                    ok = false;
                    why = "it is a folder";
                }
                else if (::access(o.path.c_str(), W_OK) != 0)
                {
                    ok = false;
                    why = std::strerror(errno);
                }
            }
        }
        if (!ok)
        {
            std::cerr << program << ": --" << o.option << "=" << o.path << ": " << what << ": "
                      << why << "\nThe simulation was not started.\n";
            return false;
        }
    }
    return true;
}

} // namespace ns3
