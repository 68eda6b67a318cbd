/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ipsec-doc-tables: the attribute and trace-source tables of the model
 * documentation, written from the TypeIds themselves.
 *
 *   ipsec-doc-tables OUTPUT_DIR
 *
 * Walks every TypeId registered in the process (TypeId::GetRegisteredN,
 * TypeId::GetRegistered) and keeps those of the module's group, "Ipsec" (the
 * SetGroupName of every TypeId in model/ and helper/); this program links
 * the ns3-ipsec library only, so the examples' scaffolding, which uses the
 * same group, is not registered here.  It writes two reStructuredText files
 * that doc/ipsec.rst includes:
 *
 *   OUTPUT_DIR/ipsec-attributes.inc     per TypeId: name, description, value
 *                                       type and accepted values, initial value
 *   OUTPUT_DIR/ipsec-trace-sources.inc  per TypeId: name, description,
 *                                       callback signature
 *
 * Only a TypeId's own attributes and trace sources are listed (those of its
 * parents are the parents' documentation); TypeIds with none are named in a
 * sentence after the tables, so every TypeId of the module appears.
 *
 * Exit status 1 when a file cannot be written, when no TypeId of the group
 * is registered (the library was not loaded), or when a TypeId named like
 * the module's (ns3::Ipsec..., ns3::Ike...) is in another group, which
 * would leave it out of the tables.
 */
#include "ns3/ipsec-stack.h"
#include "ns3/type-id.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// The group name the module's TypeIds are registered with.
const std::string kGroup = "Ipsec";

/**
 * Text for a table cell, with every character reStructuredText would take
 * for markup escaped, and newlines folded into spaces.
 *
 * @param text the text
 * @return the escaped text
 */
std::string
Escape(const std::string& text)
{
    std::string out;
    for (char c : text)
    {
        if (c == '\n' || c == '\r' || c == '\t')
        {
            c = ' ';
        }
        // What starts or ends inline markup (emphasis, literals, interpreted
        // text and roles, substitutions, references) and the escape
        // character itself.
        if (c == '\\' || c == '*' || c == '`' || c == '|' || c == '_')
        {
            out += '\\';
        }
        out += c;
    }
    // A cell that starts like a list item, an enumeration, a comment or a
    // field list would become one: escape its first character.
    if (!out.empty() && !std::isalnum(static_cast<unsigned char>(out[0])) && out[0] != '\\')
    {
        out = "\\" + out;
    }
    else if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0])))
    {
        // "1. use" or "2) require" would be an enumerated list.
        std::size_t i = 0;
        while (i < out.size() && std::isdigit(static_cast<unsigned char>(out[i])))
        {
            ++i;
        }
        if (i < out.size() && (out[i] == '.' || out[i] == ')'))
        {
            out.insert(i, "\\");
        }
    }
    return out;
}

/**
 * An inline literal of the text, or the escaped text when it cannot be one
 * (empty, spaces at either end, backquotes).
 *
 * @param text the text
 * @return reStructuredText for it
 */
std::string
Literal(const std::string& text)
{
    if (text.empty())
    {
        return "(empty)";
    }
    if (text.find('`') != std::string::npos || std::isspace(static_cast<unsigned char>(text[0]))
        || std::isspace(static_cast<unsigned char>(text.back()))
        || text.find('\n') != std::string::npos)
    {
        return Escape(text);
    }
    return "``" + text + "``";
}

/**
 * A sentence on a deprecated or obsolete attribute or trace source.
 *
 * @param level its support level
 * @param message its support message
 * @return the sentence, or nothing when supported
 */
std::string
Support(TypeId::SupportLevel level, const std::string& message)
{
    switch (level)
    {
        case TypeId::SUPPORTED:
            return "";
        case TypeId::DEPRECATED:
            return " (deprecated: " + Escape(message) + ")";
        case TypeId::OBSOLETE:
            return " (obsolete: " + Escape(message) + ")";
    }
    return "";
}

/**
 * A label for a TypeId's table, for :ref: from the documentation.
 *
 * @param kind "attributes" or "traces"
 * @param tid the TypeId
 * @return the label, without the leading underscore
 */
std::string
Label(const std::string& kind, TypeId tid)
{
    std::string name = tid.GetName();
    if (name.rfind("ns3::", 0) == 0)
    {
        name = name.substr(5);
    }
    std::string label = "ipsec-" + kind + "-";
    for (char c : name)
    {
        label += std::isalnum(static_cast<unsigned char>(c))
                   ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                   : '-';
    }
    return label;
}

/**
 * The value type and accepted values of an attribute.
 *
 * @param info the attribute
 * @return reStructuredText for the cell
 */
std::string
TypeCell(const TypeId::AttributeInformation& info)
{
    std::string type = info.checker->GetValueTypeName();
    if (type.rfind("ns3::", 0) == 0)
    {
        type = type.substr(5);
    }
    std::string cell = Literal(type);
    if (info.checker->HasUnderlyingTypeInformation())
    {
        std::string under = info.checker->GetUnderlyingTypeInformation();
        if (!under.empty())
        {
            cell += ": " + Literal(under);
        }
    }
    return cell;
}

/**
 * Writes a list-table row.
 *
 * @param os the stream
 * @param cells the cells, already reStructuredText
 */
void
Row(std::ostream& os, const std::vector<std::string>& cells)
{
    for (std::size_t i = 0; i < cells.size(); ++i)
    {
        os << (i == 0 ? "   * - " : "     - ") << cells[i] << "\n";
    }
}

/**
 * The title of a TypeId's table.
 *
 * @param what "Attributes" or "Trace sources"
 * @param tid the TypeId
 * @return the title
 */
std::string
Title(const std::string& what, TypeId tid)
{
    std::string title = what + " of ``" + tid.GetName() + "``";
    if (tid.HasParent() && tid.GetParent() != tid)
    {
        title += " (parent ``" + tid.GetParent().GetName() + "``)";
    }
    return title;
}

/**
 * The sentence naming the TypeIds without a table.
 *
 * @param os the stream
 * @param what "attributes" or "trace sources"
 * @param none the TypeIds
 */
void
NoneSentence(std::ostream& os, const std::string& what, const std::vector<TypeId>& none)
{
    if (none.empty())
    {
        return;
    }
    os << "These TypeIds of the module have no " << what << " of their own: ";
    for (std::size_t i = 0; i < none.size(); ++i)
    {
        os << (i == 0 ? "" : (i + 1 == none.size() ? " and " : ", ")) << "``" << none[i].GetName()
           << "``";
    }
    os << ".\n";
}

/**
 * Writes the attribute tables.
 *
 * @param os the stream
 * @param tids the module's TypeIds, sorted by name
 */
void
WriteAttributes(std::ostream& os, const std::vector<TypeId>& tids)
{
    os << ".. This file is generated by ipsec-doc-tables from the TypeIds; do not edit.\n\n";
    std::vector<TypeId> none;
    for (TypeId tid : tids)
    {
        if (tid.GetAttributeN() == 0)
        {
            none.push_back(tid);
            continue;
        }
        os << ".. _" << Label("attributes", tid) << ":\n\n";
        os << ".. list-table:: " << Title("Attributes", tid) << "\n";
        os << "   :header-rows: 1\n";
        os << "   :widths: 18 46 20 16\n\n";
        Row(os, {"Attribute", "Description", "Type and accepted values", "Initial value"});
        for (std::size_t i = 0; i < tid.GetAttributeN(); ++i)
        {
            TypeId::AttributeInformation info = tid.GetAttribute(i);
            std::string initial = info.originalInitialValue->SerializeToString(info.checker);
            Row(os,
                {Literal(info.name),
                 Escape(info.help) + Support(info.supportLevel, info.supportMsg),
                 TypeCell(info),
                 Literal(initial)});
        }
        os << "\n";
    }
    NoneSentence(os, "attributes", none);
}

/**
 * Writes the trace-source tables.
 *
 * @param os the stream
 * @param tids the module's TypeIds, sorted by name
 */
void
WriteTraceSources(std::ostream& os, const std::vector<TypeId>& tids)
{
    os << ".. This file is generated by ipsec-doc-tables from the TypeIds; do not edit.\n\n";
    std::vector<TypeId> none;
    for (TypeId tid : tids)
    {
        if (tid.GetTraceSourceN() == 0)
        {
            none.push_back(tid);
            continue;
        }
        os << ".. _" << Label("traces", tid) << ":\n\n";
        os << ".. list-table:: " << Title("Trace sources", tid) << "\n";
        os << "   :header-rows: 1\n";
        os << "   :widths: 18 52 30\n\n";
        Row(os, {"Trace source", "Description", "Callback signature"});
        for (std::size_t i = 0; i < tid.GetTraceSourceN(); ++i)
        {
            TypeId::TraceSourceInformation info = tid.GetTraceSource(i);
            Row(os,
                {Literal(info.name),
                 Escape(info.help) + Support(info.supportLevel, info.supportMsg),
                 Literal(info.callback)});
        }
        os << "\n";
    }
    NoneSentence(os, "trace sources", none);
}

/**
 * Writes a file through a writer.
 *
 * @param path the file
 * @param tids the module's TypeIds
 * @param writer WriteAttributes or WriteTraceSources
 * @return whether the file was written
 */
bool
WriteFile(const std::string& path,
          const std::vector<TypeId>& tids,
          void (*writer)(std::ostream&, const std::vector<TypeId>&))
{
    std::ofstream out(path);
    if (!out)
    {
        std::cerr << "ipsec-doc-tables: cannot write " << path << "\n";
        return false;
    }
    writer(out, tids);
    out.close();
    if (!out)
    {
        std::cerr << "ipsec-doc-tables: cannot write " << path << "\n";
        return false;
    }
    return true;
}

} // namespace

int
main(int argc, char* argv[])
{
    if (argc != 2)
    {
        std::cerr << "usage: ipsec-doc-tables OUTPUT_DIR\n";
        return 2;
    }
    // Uses the library, so that it is loaded (and its TypeIds registered)
    // whatever the linker does with libraries no symbol is taken from.
    TypeId stack = IpsecStack::GetTypeId();

    std::vector<TypeId> tids;
    bool misfiled = false;
    for (uint16_t i = 0; i < TypeId::GetRegisteredN(); ++i)
    {
        TypeId tid = TypeId::GetRegistered(i);
        const std::string name = tid.GetName();
        if (tid.GetGroupName() == kGroup)
        {
            tids.push_back(tid);
        }
        else if (name.rfind("ns3::Ipsec", 0) == 0 || name.rfind("ns3::Ike", 0) == 0)
        {
            std::cerr << "ipsec-doc-tables: " << name << " is in group \"" << tid.GetGroupName()
                      << "\", not \"" << kGroup << "\"\n";
            misfiled = true;
        }
    }
    if (misfiled || std::find(tids.begin(), tids.end(), stack) == tids.end())
    {
        std::cerr << "ipsec-doc-tables: the module's TypeIds are not all in group " << kGroup
                  << "\n";
        return 1;
    }
    std::sort(tids.begin(),
              tids.end(),
              [](TypeId a, TypeId b)
              {
                  return a.GetName() < b.GetName();
              });

    const std::string dir = argv[1];
    if (!WriteFile(dir + "/ipsec-attributes.inc", tids, WriteAttributes)
        || !WriteFile(dir + "/ipsec-trace-sources.inc", tids, WriteTraceSources))
    {
        return 1;
    }
    std::cout << "ipsec-doc-tables: " << tids.size() << " TypeIds of group " << kGroup
              << " written to " << dir << "\n";
    return 0;
}
