#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The ipsec-doc CTest test: doc/ipsec.rst must be valid reStructuredText.

Parses the file with docutils (Sphinx-only directives such as highlight and
include, and the |ns3| substitution ns-3's conf.py defines, are stood in
for) and fails on any warning or error, e.g. a malformed table.  Exit
status 77 (CTest's SKIP_RETURN_CODE) when docutils is missing (Debian:
python3-docutils).
"""
import io
import re
import sys

try:
    import docutils.core
except ImportError:
    print("ipsec-doc: SKIPPED: docutils is missing (apt-get install python3-docutils)")
    sys.exit(77)

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    text = f.read()
# Sphinx/ns-3 additions plain docutils does not know; line numbers are kept.
text = re.sub(r"^\.\. (highlight|include)::.*$", "", text, flags=re.M)
text = text.replace("|ns3|", "ns-3")
warnings = io.StringIO()
docutils.core.publish_string(
    text,
    source_path=path,
    writer_name="null",
    settings_overrides={"warning_stream": warnings, "report_level": 2, "halt_level": 5},
)
report = warnings.getvalue()
if report:
    print(report)
    print(f"ipsec-doc: {path} has reStructuredText problems")
    sys.exit(1)
print(f"ipsec-doc: {path} is valid reStructuredText")
