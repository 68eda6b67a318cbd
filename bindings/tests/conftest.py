# SPDX-License-Identifier: GPL-2.0-only
"""pytest set-up of the bindings' tests: every test gets a fresh simulator
(ns-3 keeps its nodes until Simulator::Destroy) and seed/run 1/1, and the
paths of the source and build trees (environment variables that the CTest
test ipsec-python sets; defaults: this checkout and its build/)."""
import os

import pytest

import ns3ipsec as ipsec

SOURCE = os.environ.get("NS3IPSEC_SOURCE_DIR",
                        os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.environ.get("NS3IPSEC_BUILD_DIR", os.path.join(SOURCE, "build"))


@pytest.fixture(autouse=True)
def fresh_simulator():
    ipsec.set_seed(1)
    ipsec.set_run(1)
    yield
    ipsec.destroy()


@pytest.fixture
def source_dir():
    return SOURCE


@pytest.fixture
def build_dir():
    return BUILD
