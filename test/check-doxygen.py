#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""ipsec-doxygen: the module's public API is documented as ns-3's own headers are.

Runs Doxygen over the headers of DOC_DIRS with WARN_IF_UNDOCUMENTED,
WARN_NO_PARAMDOC, WARN_IF_INCOMPLETE_DOC and WARN_IF_DOC_ERROR and fails on
any warning about them: every class, struct, enum, function, member and
field has a description, every parameter a @param and every return value a
@return.  Then, from Doxygen's XML: every class, struct, enum and free
function at namespace scope must belong to a group (@ingroup ipsec or one of
its sub-groups), every description must have a brief (its first sentence),
and every enumerator a description (Doxygen 1.9.4 does not warn of those).

Overrides of ns-3 members inherit ns-3's documentation, as in ns-3's own
Doxygen run: the ns-3 headers that declare the base classes of the module's
classes are read too (from the include directories given on the command
line), and their own warnings are not counted.

Usage: check-doxygen.py SOURCE_DIR [NS3_INCLUDE_DIR...]
Exit status 0 when clean, 1 on a finding, 77 (skipped) without doxygen.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

# The directories whose headers are checked, relative to the source tree.
DOC_DIRS = ["model", "helper"]

SKIP = 77


def headers(source_dir):
    """The checked headers, absolute paths."""
    found = []
    for d in DOC_DIRS:
        for name in sorted(os.listdir(os.path.join(source_dir, d))):
            rel = d + "/" + name
            if name.endswith(".h"):
                found.append(os.path.realpath(os.path.join(source_dir, rel)))
    return found


DEFINITION = re.compile(
    r"^\s*(?:class|struct)\s+(?:NS3_\w+\s+)?(\w+)\s*(?:final\s*)?(?::([^{;]*))?\{", re.M | re.S
)


def bases_of(text):
    """(class name, [base names]) of each class or struct defined in text."""
    result = []
    for m in DEFINITION.finditer(text):
        names = []
        for base in (m.group(2) or "").split(","):
            base = re.sub(r"<.*", "", base)  # template arguments
            words = base.replace("ns3::", "").split()
            if words:
                names.append(words[-1])
        result.append((m.group(1), names))
    return result


def ns3_base_headers(own, include_dirs):
    """The ns-3 headers declaring the base classes of the classes in own, recursively."""
    index = {}
    for d in include_dirs:
        ns3 = os.path.join(d, "ns3")
        if not os.path.isdir(ns3):
            continue
        for name in os.listdir(ns3):
            if name.endswith(".h") and not name.endswith("-module.h"):
                index.setdefault(name, os.path.join(ns3, name))
    texts = {path: open(path, encoding="utf-8", errors="replace").read() for path in index.values()}
    defined_in = {}
    for path, text in texts.items():
        for cls, _ in bases_of(text):
            defined_in.setdefault(cls, path)
    own_classes = set()
    todo = []
    for path in own:
        for cls, bases in bases_of(open(path, encoding="utf-8").read()):
            own_classes.add(cls)
            todo.extend(bases)
    chosen = set()
    seen = set()
    while todo:
        base = todo.pop()
        if base in seen or base in own_classes:
            continue
        seen.add(base)
        path = defined_in.get(base)
        if path is None or path in chosen:
            continue
        chosen.add(path)
        for cls, bases in bases_of(texts[path]):
            if cls == base:
                todo.extend(bases)
    return sorted(chosen)


def doxyfile(inputs, out_dir, log):
    return "\n".join(
        [
            "PROJECT_NAME = ns3-ipsec",
            "INPUT = " + " ".join('"%s"' % p for p in inputs),
            "OUTPUT_DIRECTORY = " + out_dir,
            # Doxygen 1.9.4 reports documented parameters as undocumented
            # when only XML is generated: HTML is generated too.
            "GENERATE_HTML = YES",
            "GENERATE_XML = YES",
            "GENERATE_LATEX = NO",
            "HAVE_DOT = NO",
            "EXTRACT_ALL = NO",
            "EXTRACT_PRIVATE = NO",
            "EXTRACT_STATIC = NO",
            "EXTRACT_ANON_NSPACES = NO",
            "INHERIT_DOCS = YES",
            # The first sentence is the brief description, as in ns-3.
            "JAVADOC_AUTOBRIEF = YES",
            "ENABLE_PREPROCESSING = YES",
            "PREDEFINED = NS3_LOG_ENABLE",
            "WARN_IF_UNDOCUMENTED = YES",
            "WARN_NO_PARAMDOC = YES",
            "WARN_IF_INCOMPLETE_DOC = YES",
            "WARN_IF_DOC_ERROR = YES",
            "WARN_LOGFILE = " + log,
            "QUIET = YES",
            "",
        ]
    )


def member_locations(xml_dir):
    """Qualified member name -> set of files declaring it."""
    where = {}
    for name in os.listdir(xml_dir):
        if not name.endswith(".xml") or name == "index.xml":
            continue
        root = ET.parse(os.path.join(xml_dir, name)).getroot()
        for m in root.iter("memberdef"):
            q = m.findtext("qualifiedname") or m.findtext("name")
            loc = m.find("location")
            if q and loc is not None:
                where.setdefault(q, set()).add(os.path.realpath(loc.get("file", "")))
    return where


def warnings_about(log, own, where):
    """The warnings of the log that concern the checked headers."""
    entries = []
    for line in open(log, encoding="utf-8", errors="replace").read().splitlines():
        if line.startswith((" ", "\t")) and entries:
            entries[-1] += "\n" + line
        elif line.strip():
            entries.append(line)
    own = set(own)
    result = []
    for e in entries:
        m = re.match(r"^(/[^:]+):\d+:", e)
        if m:
            if os.path.realpath(m.group(1)) in own:
                result.append(e)
            continue
        # "<Name>:1: ..." warnings name the member instead of the file.
        q = re.search(r"member (ns3::[\w:<>=!+\-*/&|~\[\]]+)", e)
        if q is None or where.get(q.group(1), set()) & own:
            result.append(e)
    return result


def text_of(element):
    return "".join(element.itertext()).strip() if element is not None else ""


def without_brief(xml_dir, own):
    """Documented classes, structs, enums and members that have no brief
    (a description that starts with @param or @return, say), and enumerators
    without a description; what has no documentation at all is Doxygen's
    WARN_IF_UNDOCUMENTED's."""
    own = set(own)
    missing = []
    roots = [ET.parse(os.path.join(xml_dir, name)).getroot()
             for name in sorted(os.listdir(xml_dir))
             if name.endswith(".xml") and name != "index.xml"]
    file_of = {}
    for root in roots:
        for m in root.iter("memberdef"):
            loc = m.find("location")
            file_of[m.get("id")] = os.path.realpath(loc.get("file", "")) if loc is not None else ""
    for root in roots:
        for c in root.iter("compounddef"):
            loc = c.find("location")
            if (c.get("kind") in ("class", "struct", "union")
                    and loc is not None and os.path.realpath(loc.get("file", "")) in own
                    and not text_of(c.find("briefdescription"))
                    and text_of(c.find("detaileddescription"))):
                missing.append("%s:%s: %s %s has no brief description"
                               % (loc.get("file"), loc.get("line"), c.get("kind"),
                                  c.findtext("compoundname")))
        for m in root.iter("memberdef"):
            loc = m.find("location")
            if loc is None or os.path.realpath(loc.get("file", "")) not in own:
                continue
            if m.get("prot") == "private":
                continue
            bases = [r.get("refid") for r in m.findall("reimplements")]
            if bases and not any(file_of.get(b) in own for b in bases):
                continue  # an override of an ns-3 member, with ns-3's documentation
            if m.get("kind") == "enum":
                # Doxygen 1.9.4 says nothing of undocumented enumerators.
                for v in m.findall("enumvalue"):
                    if not (text_of(v.find("briefdescription"))
                            or text_of(v.find("detaileddescription"))):
                        missing.append("%s:%s: enumerator %s::%s is not documented"
                                       % (loc.get("file"), loc.get("line"),
                                          m.findtext("qualifiedname"), v.findtext("name")))
            if not text_of(m.find("briefdescription")) and (
                    text_of(m.find("detaileddescription")) or text_of(m.find("inbodydescription"))):
                missing.append("%s:%s: %s %s has no brief description"
                               % (loc.get("file"), loc.get("line"), m.get("kind"),
                                  m.findtext("qualifiedname")))
    return sorted(set(missing))


def ungrouped(xml_dir, own):
    """Namespace-scope classes, structs, enums and functions in no group."""
    own = set(own)
    index = ET.parse(os.path.join(xml_dir, "index.xml")).getroot()
    grouped = set()
    for c in index.findall("compound"):
        if c.get("kind") != "group":
            continue
        g = ET.parse(os.path.join(xml_dir, c.get("refid") + ".xml")).getroot()
        for inner in g.iter("innerclass"):
            grouped.add(inner.get("refid"))
        for m in g.iter("memberdef"):
            grouped.add(m.get("id"))
    missing = []
    for c in index.findall("compound"):
        kind = c.get("kind")
        name = c.findtext("name")
        if kind in ("class", "struct", "union") and name.count("::") == 1:
            root = ET.parse(os.path.join(xml_dir, c.get("refid") + ".xml")).getroot()
            loc = root.find("compounddef/location")
            if loc is not None and os.path.realpath(loc.get("file", "")) in own:
                if c.get("refid") not in grouped:
                    missing.append("%s:%s: %s %s is in no group (@ingroup)"
                                   % (loc.get("file"), loc.get("line"), kind, name))
        elif kind == "namespace":
            root = ET.parse(os.path.join(xml_dir, c.get("refid") + ".xml")).getroot()
            for m in root.iter("memberdef"):
                if m.get("kind") not in ("function", "enum"):
                    continue
                loc = m.find("location")
                if loc is None or os.path.realpath(loc.get("file", "")) not in own:
                    continue
                if m.get("id") not in grouped:
                    missing.append("%s:%s: %s %s is in no group (@ingroup)"
                                   % (loc.get("file"), loc.get("line"), m.get("kind"),
                                      m.findtext("qualifiedname")))
    return sorted(set(missing))


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    source_dir = os.path.realpath(sys.argv[1])
    include_dirs = sys.argv[2:] or ["/usr/include"]
    doxygen = shutil.which("doxygen")
    if doxygen is None:
        print("SKIPPED: doxygen is not installed (Debian package doxygen, scripts/setup.sh)")
        return SKIP
    own = headers(source_dir)
    bases = ns3_base_headers(own, include_dirs)
    with tempfile.TemporaryDirectory(prefix="ipsec-doxygen-") as tmp:
        log = os.path.join(tmp, "warnings.txt")
        config = os.path.join(tmp, "Doxyfile")
        # Doxygen says nothing of the undocumented members of an
        # undocumented namespace: ns3 is documented in ns-3's core, which is
        # not read here, so it gets a line of its own.
        namespace = os.path.join(tmp, "ns3.dox")
        with open(namespace, "w", encoding="utf-8") as f:
            f.write("/** @namespace ns3\n * ns-3's namespace.\n */\n")
        with open(config, "w", encoding="utf-8") as f:
            f.write(doxyfile(own + bases + [namespace], os.path.join(tmp, "out"), log))
        run = subprocess.run([doxygen, config], cwd=tmp, capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stdout + run.stderr)
            print("FAIL: doxygen exited with %d" % run.returncode)
            return 1
        xml_dir = os.path.join(tmp, "out", "xml")
        # Each output format repeats some warnings: each is reported once.
        found = list(dict.fromkeys(warnings_about(log, own, member_locations(xml_dir))))
        found += ungrouped(xml_dir, own)
        found += without_brief(xml_dir, own)
    for w in found:
        print(w.replace(source_dir + "/", ""))
    print("%d headers of %s checked, %d ns-3 base headers read: %d finding(s)"
          % (len(own), ", ".join(DOC_DIRS), len(bases), len(found)))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
