/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * libFuzzer target: the setkey script parser (model/setkey-parser.cc and
 * its lexer) on arbitrary text, statement by statement, the way KAME's
 * setkey -f (stop at the first error) and ipsec-tools' setkey -c (drop the
 * failed statement, go on) use it.  Besides the sanitizers' findings it
 * checks that the parser always makes progress and that the line numbers
 * it reports lie inside the text.
 */
#include "setkey-parser.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace
{

[[noreturn]] void
Fail(const char* what, uint32_t line, uint32_t lines)
{
    std::fprintf(
        stderr, "setkey-parser-fuzzer: %s (line %u, the text has %u)\n", what, line, lines);
    std::abort();
}

void
Parse(const std::string& text, bool recover, uint32_t lines)
{
    ns3::SetkeyParser parser(text);
    ns3::SetkeyStatement st;
    ns3::SetkeyParseError error;
    // Every statement or error consumes at least one token, i.e. a byte.
    for (size_t round = 0; round <= text.size() + 1; ++round)
    {
        switch (parser.Next(&st, &error))
        {
            case ns3::SetkeyParser::Status::END:
                return;
            case ns3::SetkeyParser::Status::STATEMENT:
                if (st.firstLine > st.line || st.line > lines)
                {
                    Fail("statement outside the text", st.line, lines);
                }
                if (st.command == ns3::SetkeyCommand::EXIT)
                {
                    return;
                }
                break;
            case ns3::SetkeyParser::Status::ERROR:
                if (error.line > lines)
                {
                    Fail("error outside the text", error.line, lines);
                }
                if (!recover || error.fatal)
                {
                    return;
                }
                parser.Recover();
                break;
        }
        st = ns3::SetkeyStatement();
        error = ns3::SetkeyParseError();
    }
    Fail("the parser stopped making progress", parser.GetLine(), lines);
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string text(reinterpret_cast<const char*>(data), size);
    uint32_t lines = 1;
    for (char c : text)
    {
        lines += c == '\n' ? 1 : 0;
    }
    Parse(text, false, lines); // KAME: setkey -f
    Parse(text, true, lines);  // ipsec-tools: setkey -c
    return 0;
}
