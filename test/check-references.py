#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The ipsec-references CTest test: the repository is self-contained.

Comments and documents cite RFC sections, KAME/NetBSD function names, man
pages or the project's own doc/; none may point at the background documents
the model was written from, which are not in the repository (a behaviour
specification, notes on ns-3's hooks and on the IKE model, and a directory
of reference and seed texts).  This script fails, listing file:line and the
text, when a file mentions one of them.

Which files: every file git tracks when the source tree is a git checkout
(`git ls-files`, read from the working tree, so uncommitted edits count);
otherwise (a tarball, a copy inside an ns-3 tree) every file under the
source directory except .git and CMake build trees (directories holding a
CMakeCache.txt).  Binary files (a NUL byte in their first 8000 bytes, git's
own test) are skipped; nothing else is.

The patterns are assembled from pieces below, so this file does not match
them itself and needs no exception.

Before scanning, the script checks itself on a scratch tree (one planted
mention of each pattern, in text, and one in a binary file that must be
ignored), so a broken pattern cannot make the test pass silently.

Usage: check-references.py SOURCE_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

# The names of the background documents and of the directory holding them,
# split so that this file does not contain them.
FORBIDDEN = [
    r"kame" + r"-spec",
    r"ns3" + r"-hooks",
    r"\bike" + r"-model",
    r"shared/" + r"reference",
    r"shared/" + r"seeds",
]
PATTERN = re.compile("|".join(FORBIDDEN), re.IGNORECASE)


def git_files(root):
    """The files git tracks under root, or None when root is not a checkout."""
    try:
        out = subprocess.run(
            ["git", "-C", root, "ls-files", "-z"],
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    files = [os.path.join(root, p) for p in out.decode("utf-8", "surrogateescape").split("\0") if p]
    # A module copied, untracked, into another repository (contrib/ipsec in
    # an ns-3 checkout) lists nothing: walk the tree instead.
    return files or None


def walked_files(root):
    """Every file under root but .git and CMake build trees."""
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        if "CMakeCache.txt" in filenames and dirpath != root:
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        files.extend(os.path.join(dirpath, f) for f in sorted(filenames))
    return files


def is_binary(data):
    return b"\0" in data[:8000]


def scan(root, files):
    """(path relative to root, line number, line) of every mention."""
    hits = []
    for path in files:
        if not os.path.isfile(path):
            continue  # tracked but deleted in the working tree
        with open(path, "rb") as f:
            data = f.read()
        if is_binary(data):
            continue
        text = data.decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), 1):
            if PATTERN.search(line):
                hits.append((os.path.relpath(path, root), number, line.strip()))
    return hits


def self_test():
    """The scan finds each pattern in a text file and ignores binary files."""
    examples = [
        "see " + "kame" + "-spec" + ".md 2.10",
        "// " + "ns3" + "-hooks" + ".md Q7",
        "the " + "IKE" + "-model" + " notes",
        "/work/" + "shared/" + "reference" + "/x.md",
        "from " + "shared/" + "seeds" + "/000.txt",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for i, line in enumerate(examples):
            with open(os.path.join(tmp, f"text{i}.cc"), "w", encoding="utf-8") as f:
                f.write("clean line\n" + line + "\n")
        with open(os.path.join(tmp, "clean.md"), "w", encoding="utf-8") as f:
            f.write("RFC 4303 section 2; esp4_input; doc/ipsec.rst; the IKE model; key_spdadd\n")
        with open(os.path.join(tmp, "image.png"), "wb") as f:
            f.write(b"\x89PNG\0\0" + examples[0].encode())
        build = os.path.join(tmp, "build")
        os.mkdir(build)
        with open(os.path.join(build, "CMakeCache.txt"), "w", encoding="utf-8") as f:
            f.write(examples[0] + "\n")
        hits = scan(tmp, walked_files(tmp))
    found = sorted((path, number) for path, number, _ in hits)
    expected = sorted((f"text{i}.cc", 2) for i in range(len(examples)))
    if found != expected:
        print(f"ipsec-references: self-test failed: found {found}, expected {expected}")
        sys.exit(1)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    root = os.path.abspath(sys.argv[1])
    self_test()
    files = git_files(root)
    how = "tracked files"
    if files is None:
        files = walked_files(root)
        how = "files (no git checkout)"
    hits = scan(root, files)
    for path, number, line in hits:
        print(f"{path}:{number}: {line}")
    if hits:
        print(
            f"ipsec-references: {len(hits)} line(s) point at documents outside the "
            "repository; cite RFC sections, KAME/NetBSD function names, man pages or "
            "a section of doc/ipsec.rst instead"
        )
        sys.exit(1)
    print(f"ipsec-references: {len(files)} {how} checked, none points outside the repository")


if __name__ == "__main__":
    main()
