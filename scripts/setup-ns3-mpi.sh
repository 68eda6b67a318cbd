#!/usr/bin/env bash
# Builds and installs an MPI-enabled ns-3 3.37 beside Debian's (which is built
# without MPI): Debian's own source package ns3 3.37-2, with Debian's OpenMPI,
# only the modules ns3-ipsec and its distributed example need, Debian's
# build profile (release, logs on), ns-3's tests on (for test.py).
#
#   scripts/setup-ns3-mpi.sh            (what `scripts/setup.sh --mpi` runs)
#
# Layout under NS3_MPI_ROOT (default /opt/ns3-3.37-mpi):
#   source/ns-3.37   the unpacked source package (dpkg-source -x: Debian's patches applied)
#   build/           its CMake build directory, kept: the ipsec-contrib test builds
#                    this project there as contrib/ipsec and runs ns-3's test.py
#   install/         the installed ns-3 (lib/, include/, lib/cmake/ns3): build this
#                    project against it with -DNS3_IPSEC_NS3_PREFIX=NS3_MPI_ROOT/install
# Idempotent: when install/.ns3-ipsec-mpi-stamp records the same configuration
# it returns at once.  Everything comes from Debian's archive (the deb-src line
# below); nothing is downloaded from anywhere else.
set -euo pipefail

ROOT=${NS3_MPI_ROOT:-/opt/ns3-3.37-mpi}
VERSION=3.37-2
# The modules: what the model links (ns-3's dependencies follow: stats, bridge,
# traffic-control, config-store) and mpi.  No wifi: the model builds without it.
MODULES="core;network;internet;applications;internet-apps;point-to-point;csma;flow-monitor;mpi"
CONFIG="ns3 $VERSION release logs tests mpi modules=$MODULES"
STAMP="$ROOT/install/.ns3-ipsec-mpi-stamp"
JOBS=${NS3_MPI_JOBS:-$(nproc)}

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$CONFIG" ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

# Debian's source packages: the same archive as the binary packages.
src_list=/etc/apt/sources.list.d/ns3ipsec-src.sources
if [ ! -f "$src_list" ]; then
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  uri=${uri:-http://deb.debian.org/debian}
  printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" | $SUDO tee "$src_list" >/dev/null
  $SUDO apt-get update -o Dir::Etc::sourcelist="$src_list" -o Dir::Etc::sourceparts=- \
    -o APT::Get::List-Cleanup=0 >/dev/null
fi
need=()
for p in dpkg-dev libopenmpi-dev openmpi-bin cmake build-essential libgsl-dev python3; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    need+=("$p")
  fi
done
if [ ${#need[@]} -ne 0 ]; then
  $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi

$SUDO mkdir -p "$ROOT"
$SUDO chown "$(id -u):$(id -g)" "$ROOT"
if [ ! -x "$ROOT/source/ns-3.37/ns3" ]; then
  rm -rf "$ROOT/source" "$ROOT/download"
  mkdir -p "$ROOT/download"
  (cd "$ROOT/download" && apt-get source --download-only "ns3=$VERSION" 2>&1 | grep -v "^W: Download is performed unsandboxed" || true)
  dpkg-source -x "$ROOT/download/ns3_$VERSION.dsc" "$ROOT/source" >/dev/null
  rm -rf "$ROOT/download"
  # debian/rules: the version module's cache (a source package has no git).
  sed -e "s/@NS3_VERSION_CLOSEST_TAG@/ns-3.37/" -e "s/@NS3_VERSION_COMMIT_HASH@//" \
      -e "s/@NS3_VERSION_DIRTY_FLAG@/0/" -e "s/@NS3_VERSION_MAJOR@/3/" \
      -e "s/@NS3_VERSION_MINOR@/37/" -e "s/@NS3_VERSION_PATCH@/0/" \
      -e "s/@NS3_VERSION_RELEASE_CANDIDATE@//" -e "s/@NS3_VERSION_TAG@/ns-3.37/" \
      -e "s/@NS3_VERSION_TAG_DISTANCE@/00/" -e "s/@NS3_VERSION_BUILD_PROFILE@/release/" \
      "$ROOT/source/ns-3.37/build-support/version.cache.in" \
      > "$ROOT/source/ns-3.37/src/core/model/version.cache"
fi

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# Debian's debian/rules configures with --build-profile=release --enable-logs;
# here with MPI, tests (test.py needs the test runner), no examples, no Python.
cmake -S "$ROOT/source/ns-3.37" -B "$ROOT/build" -G "Unix Makefiles" \
  -DCMAKE_BUILD_TYPE=release -DNS3_LOG=ON -DNS3_MPI=ON -DNS3_TESTS=ON \
  -DNS3_EXAMPLES=OFF -DNS3_PYTHON_BINDINGS=OFF -DNS3_ENABLED_MODULES="$MODULES" \
  -DCMAKE_INSTALL_PREFIX="$ROOT/install" "${launcher[@]}" >/dev/null
cmake --build "$ROOT/build" -j"$JOBS"
cmake --install "$ROOT/build" >/dev/null
echo "$CONFIG" > "$STAMP"
echo "ns-3 3.37 with MPI installed in $ROOT/install"
