/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Example scaffolding (examples/common, not part of the module): the
 * comma-separated lists the example programs take on their command lines.
 */
#ifndef IPSEC_EXAMPLE_ARGS_H
#define IPSEC_EXAMPLE_ARGS_H

#include <string>
#include <vector>

namespace ns3
{

/**
 * The items of a comma-separated list, empty items left out.
 * @param list e.g. "2ms,250ms"
 * @return the items
 */
std::vector<std::string> IpsecSplitList(const std::string& list);

/**
 * The times of a comma-separated list of seconds ("5,30.5").
 * @param list the list
 * @param times where the times are appended
 * @return false on an item that is not a non-negative number
 */
bool IpsecParseTimes(const std::string& list, std::vector<double>& times);

} // namespace ns3

#endif /* IPSEC_EXAMPLE_ARGS_H */
