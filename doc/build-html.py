#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Builds the ns3-ipsec documentation (doc/index.rst) into HTML with Sphinx.

    build-html.py --tables PROGRAM --source DOC_DIR [--work DIR --html DIR]
                  [--version V] [--strict] [--ctest-dir BUILD_DIR [--ctest CTEST]]

The source tree stays free of generated files: DOC_DIR is copied to the work
directory, where PROGRAM (ipsec-doc-tables) writes the attribute and
trace-source tables ipsec.rst includes (ipsec-attributes.inc,
ipsec-trace-sources.inc); sphinx-build then reads the copy, with -n
(nitpicky: every cross reference must resolve) and writes HTML to --html.

The CMake target ipsec-doc-html runs it into build/doc/ (the copy in
build/doc/source, the HTML in build/doc/html).  The ipsec-doc CTest test
runs it with --strict and without --work and --html: the copy and the HTML
go to a temporary directory, removed afterwards.  --strict adds:

* sphinx-build -W --keep-going: any warning fails the test, after all of
  them are printed;
* every CTest test of the project must be named, as ``name``, in the
  Validation section of ipsec.rst.  The names are those of the
  add_test(NAME ...) calls in every CMakeLists.txt and *.cmake file of the
  source tree, the ns-3 suites (the TestSuite("name" declarations of
  test/*-test-suite.cc, registered one CTest test each by
  test/CMakeLists.txt), and, with --ctest-dir, what
  `ctest --show-only=json-v1` lists for that build (so a test registered
  under a computed name is not missed).

Exit status: 0 built; 1 failed; 77 (CTest's SKIP_RETURN_CODE, with the
reason) under --strict when sphinx-build or Graphviz's dot is missing
(Debian: python3-sphinx, graphviz).
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def find_sphinx_build():
    """The sphinx-build command, or None.

    The sphinx-build beside this interpreter first (CMake runs Debian's
    /usr/bin/python3, whose sphinx-build is /usr/bin/sphinx-build), then
    PATH's.
    """
    here = os.path.join(os.path.dirname(os.path.realpath(sys.executable)), "sphinx-build")
    if os.access(here, os.X_OK):
        return [here]
    found = shutil.which("sphinx-build")
    return [found] if found else None


def test_names(source_dir, ctest_dir, ctest):
    """Every CTest test name of the project."""
    names = set()
    add_test = re.compile(r"add_test\s*\(\s*NAME\s+([A-Za-z0-9_.+-]+)")
    for root, dirs, files in os.walk(source_dir):
        # Skip .git and CMake build trees (a directory with a CMakeCache.txt).
        dirs[:] = [
            d
            for d in dirs
            if d != ".git" and not os.path.exists(os.path.join(root, d, "CMakeCache.txt"))
        ]
        for name in files:
            if name == "CMakeLists.txt" or name.endswith(".cmake"):
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    names.update(add_test.findall(f.read()))
    suite = re.compile(r'TestSuite\("([A-Za-z0-9_-]+)"')
    for path in glob.glob(os.path.join(source_dir, "test", "*-test-suite.cc")):
        with open(path, encoding="utf-8") as f:
            names.update(suite.findall(f.read()))
    if ctest_dir:
        out = subprocess.run(
            [ctest, "--show-only=json-v1"],
            cwd=ctest_dir,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        names.update(t["name"] for t in json.loads(out).get("tests", []))
    return names


def validation_section(rst_path):
    """The text of the Validation section of ipsec.rst (to the next section)."""
    with open(rst_path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    start = None
    for i in range(len(lines) - 1):
        if lines[i].strip() == "Validation" and re.fullmatch(r"\*{10,}", lines[i + 1].strip()):
            start = i + 2
            break
    if start is None:
        return None
    end = len(lines)
    for i in range(start, len(lines) - 1):
        # The next heading of the same level: a title underlined with '*'.
        if lines[i].strip() and re.fullmatch(r"\*{3,}", lines[i + 1].strip()) and len(
            lines[i + 1].strip()
        ) >= len(lines[i].strip()):
            end = i
            break
    return "\n".join(lines[start:end])


def check_validation(source_dir, doc_dir, ctest_dir, ctest):
    """Fails when a CTest test is not named in the Validation section."""
    rst = os.path.join(doc_dir, "ipsec.rst")
    text = validation_section(rst)
    if text is None:
        print(f"ipsec-doc: {rst} has no Validation section")
        return False
    names = test_names(source_dir, ctest_dir, ctest)
    missing = sorted(n for n in names if f"``{n}``" not in text)
    if missing:
        for n in missing:
            print(f"ipsec-doc: the CTest test {n} is not named (as ``{n}``) in the Validation section")
        return False
    print(f"ipsec-doc: all {len(names)} CTest tests are named in the Validation section")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", required=True, help="the ipsec-doc-tables program")
    ap.add_argument("--source", required=True, help="doc/ of the source tree")
    ap.add_argument("--work", help="where the copy of doc/ is built (default: a temporary directory)")
    ap.add_argument("--html", help="where the HTML goes (default: a temporary directory)")
    ap.add_argument("--version", default="", help="the project's version")
    ap.add_argument("--strict", action="store_true", help="the ipsec-doc test")
    ap.add_argument("--ctest-dir", help="a build directory whose CTest tests to check")
    ap.add_argument("--ctest", default="ctest", help="the ctest program (default: PATH's)")
    args = ap.parse_args()

    sphinx = find_sphinx_build()
    if sphinx is None:
        print("ipsec-doc: SKIPPED: sphinx-build is missing (apt-get install python3-sphinx)")
        return SKIP if args.strict else 1
    if shutil.which("dot") is None:
        print("ipsec-doc: SKIPPED: Graphviz's dot is missing (apt-get install graphviz)")
        return SKIP if args.strict else 1

    source = os.path.abspath(args.source)
    ok = True
    if args.strict:
        ok = check_validation(os.path.dirname(source), source, args.ctest_dir, args.ctest)

    if args.work and args.html:
        return build(args, sphinx, source, os.path.abspath(args.work), os.path.abspath(args.html), ok)
    if args.work or args.html:
        ap.error("--work and --html go together")
    with tempfile.TemporaryDirectory(prefix="ipsec-doc-") as tmp:
        return build(args, sphinx, source, os.path.join(tmp, "source"), os.path.join(tmp, "html"), ok)


def build(args, sphinx, source, work, html, ok):
    """Copies doc/ to work, adds the tables, runs sphinx-build into html."""
    if os.path.exists(work):
        shutil.rmtree(work)
    shutil.copytree(
        source, work, ignore=shutil.ignore_patterns("build-html.py", "CMakeLists.txt", "__pycache__")
    )
    tables = subprocess.run([args.tables, work])
    if tables.returncode != 0:
        print("ipsec-doc: ipsec-doc-tables failed")
        return 1

    doctrees = os.path.join(os.path.dirname(work), "doctrees")
    if os.path.exists(doctrees):
        shutil.rmtree(doctrees)  # every build reads every page, and warns again
    command = sphinx + ["-b", "html", "-n", "-q", "-d", doctrees]
    if args.strict:
        command += ["-W", "--keep-going"]
    if args.version:
        command += ["-D", f"version={args.version}", "-D", f"release={args.version}"]
    command += [work, html]
    print("ipsec-doc: " + " ".join(command), flush=True)
    built = subprocess.run(command)
    if built.returncode != 0:
        print("ipsec-doc: sphinx-build failed (warnings are errors)" if args.strict else
              "ipsec-doc: sphinx-build failed")
        return 1
    if not ok:
        return 1
    print(f"ipsec-doc: HTML in {os.path.join(html, 'index.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
