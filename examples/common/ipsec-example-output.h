/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Example scaffolding (examples/common, not part of the module): the
 * examples' output options (--pcapDir, --json, --csv, key logs, ...) made
 * ready before the simulation starts -- their folders created like
 * mkdir -p, or a clear message and exit status 1.
 */
#ifndef IPSEC_EXAMPLE_OUTPUT_H
#define IPSEC_EXAMPLE_OUTPUT_H

#include <string>
#include <vector>

namespace ns3
{

/// One output option of an example program.
struct IpsecOutputOption
{
    std::string option; ///< its name without the dashes, e.g. "pcapDir"
    std::string path;   ///< its value ("" : not given, nothing to do)
    bool folder;        ///< the path is a folder (else a file, whose folder is made)
};

/**
 * Makes every given output ready: a folder option's folder, a file
 * option's parent folder, each with the missing folders above it (mkdir
 * -p); a file option that names an existing folder, or a folder or file
 * that cannot be written, is an error too.  On the first error it prints
 * `PROGRAM: --OPTION=PATH: cannot create the folder F: WHY` (or `cannot
 * write ...`) and `The simulation was not started.` on std::cerr.
 * @param program the program's name, for the message
 * @param outputs the options
 * @return false on an error (the program then exits with status 1)
 */
bool IpsecPrepareOutputs(const std::string& program, const std::vector<IpsecOutputOption>& outputs);

/**
 * Creates @p dir and the missing folders above it (mkdir -p).
 * @param dir the folder
 * @param why set to the reason on failure, naming the path that is in the
 *        way (e.g. "/tmp/x is a file, not a folder")
 * @return true when @p dir is a folder that can be written
 */
bool IpsecMakeFolder(const std::string& dir, std::string& why);

} // namespace ns3

#endif /* IPSEC_EXAMPLE_OUTPUT_H */
