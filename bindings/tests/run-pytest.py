#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The ipsec-python CTest test: the bindings' pytest suite (bindings/tests).

    run-pytest.py SOURCE_DIR BUILD_DIR

Runs Debian's pytest on bindings/tests with the package this build wrote
(BUILD_DIR/bindings) first on the path.  Exit status 77 (CTest's
SKIP_RETURN_CODE) when pytest (Debian: python3-pytest) or the package is
missing (a build without pybind11-dev); otherwise pytest's.
"""
import os
import subprocess
import sys

source, build = sys.argv[1], sys.argv[2]
package = os.path.join(build, "bindings")
try:
    import pytest  # noqa: F401
except ImportError:
    print("ipsec-python: SKIPPED: pytest is missing (apt-get install python3-pytest)")
    sys.exit(77)
if not os.path.isdir(os.path.join(package, "ns3ipsec")):
    print("ipsec-python: SKIPPED: the bindings were not built (apt-get install pybind11-dev)")
    sys.exit(77)
env = dict(os.environ, PYTHONPATH=package, NS3IPSEC_SOURCE_DIR=source, NS3IPSEC_BUILD_DIR=build)
sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          os.path.join(source, "bindings", "tests")], env=env))
