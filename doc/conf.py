# SPDX-License-Identifier: GPL-2.0-only
# Sphinx configuration of the ns3-ipsec documentation (doc/index.rst).
#
# Build it with the CMake target ipsec-doc-html (build/doc/html/index.html):
# doc/build-html.py copies doc/ into the build tree, adds the attribute and
# trace-source tables that ipsec-doc-tables writes from the TypeIds
# (ipsec-attributes.inc, ipsec-trace-sources.inc, included by ipsec.rst) and
# runs sphinx-build there, so the source tree never holds generated files.
# The ipsec-doc test builds it the same way with warnings as errors.

project = "ns3-ipsec"
author = "the ns3-ipsec authors"
copyright = "the ns3-ipsec authors"
# build-html.py passes the CMake project version (-D version=, -D release=).
version = ""
release = ""

master_doc = "index"
source_suffix = ".rst"
# The generated tables end in .inc and are read only where ipsec.rst
# includes them; replace.txt holds the |ns3| substitution (as in ns-3's
# own documentation, every page includes it).
exclude_patterns = ["_build"]

# The packet-path figure (figures/ipsec-packet-path.dot) is drawn by
# Graphviz's dot (Debian: graphviz) at build time.
extensions = ["sphinx.ext.graphviz"]
graphviz_output_format = "svg"

# Literal blocks are C++ unless a code-block says otherwise (ns-3's pages
# set the same with ".. highlight:: cpp").
highlight_language = "cpp"
pygments_style = "sphinx"

html_theme = "alabaster"
html_title = "ns3-ipsec: IPsec (KAME model) for ns-3"
html_short_title = "ns3-ipsec"
html_static_path = []
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
