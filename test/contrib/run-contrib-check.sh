#!/usr/bin/env bash
# The ipsec-contrib CTest test: this tree as contrib/ipsec of an ns-3 source
# tree, built by ns-3's own CMake (cmake/ns3-contrib.cmake: build_lib), its
# suites run by ns-3's own test.py.  It uses the ns-3 3.37 source tree and
# build directory scripts/setup-ns3-mpi.sh keeps (ROOT/source/ns-3.37,
# ROOT/build): contrib/ipsec is linked to SOURCE_DIR, the build directory
# configured again with ipsec among its modules, its examples on and ns-3's
# examples and tests filtered to the module's (NS3_FILTER_MODULE_EXAMPLES_AND_TESTS),
# and built (ns-3 itself is already built there: only the module, its
# examples, its test library and ns-3's test runner are made), then test.py
# --no-build runs every suite of the module (not ipsec-pcap and
# ipsec-examples, which drive the standalone build's example programs).
# Afterwards the link is removed and the build directory configured as it was.
#
#   run-contrib-check.sh ROOT SOURCE_DIR
#
# Exit status 77 (CTest's SKIP_RETURN_CODE) when ROOT holds no such tree
# (`bash scripts/setup.sh --mpi` makes it).
set -uo pipefail

root=${1:?usage: run-contrib-check.sh ROOT SOURCE_DIR}
src=${2:?usage: run-contrib-check.sh ROOT SOURCE_DIR}
skip=77
ns3="$root/source/ns-3.37"
build="$root/build"

if [ ! -x "$ns3/test.py" ] || [ ! -f "$build/CMakeCache.txt" ]; then
  echo "ipsec-contrib: SKIPPED: no ns-3 source tree and build in $root (bash scripts/setup.sh --mpi makes them)"
  exit $skip
fi
exec 9>"$root/contrib.lock"
flock 9

modules=$(sed -n 's/^NS3_ENABLED_MODULES:STRING=//p' "$build/CMakeCache.txt")
base_modules=$(echo "$modules" | tr ';' '\n' | grep -vx ipsec | paste -sd ';')
# ns-3 mirrors a module's headers as stubs in its output directory
# (build/include/ns3/NAME.h: an #include of the real one) and never rewrites
# an existing stub: those of contrib/ipsec go before and after each check.
remove_stubs() {
  grep -l "contrib/ipsec/" "$ns3"/build/include/ns3/*.h 2>/dev/null | xargs -r rm -f
  rm -f "$ns3/build/include/ns3/ipsec-module.h"
}
restore() {
  rm -f "$ns3/contrib/ipsec"
  remove_stubs
  cmake -S "$ns3" -B "$build" -DNS3_ENABLED_MODULES="$base_modules" -DNS3_EXAMPLES=OFF \
    -DNS3_FILTER_MODULE_EXAMPLES_AND_TESTS="" >/dev/null 2>&1 || true
}
trap restore EXIT

rm -f "$ns3/contrib/ipsec"
remove_stubs
# make goes by timestamps: objects compiled from another checkout (the link
# pointed there) may look newer than this one's sources.  They go.
me=$(cd "$src" && pwd)
if [ "$(cat "$build/ipsec-contrib-source" 2>/dev/null)" != "$me" ]; then
  rm -rf "$build/contrib/ipsec"
  echo "$me" >"$build/ipsec-contrib-source"
fi
ln -s "$(cd "$src" && pwd)" "$ns3/contrib/ipsec"
log="$build/ipsec-contrib"
# The module's examples too, and only the module's examples and tests (ns-3's
# own were built, without examples, by the set-up).
if ! cmake -S "$ns3" -B "$build" -DNS3_ENABLED_MODULES="$base_modules;ipsec" -DNS3_EXAMPLES=ON \
    -DNS3_FILTER_MODULE_EXAMPLES_AND_TESTS=ipsec >"$log-configure.log" 2>&1; then
  cat "$log-configure.log"
  echo "ipsec-contrib: ns-3's CMake refused contrib/ipsec"
  exit 1
fi
if ! grep -q "ipsec" <(sed -n '/Modules configured to be built/,/^$/p' "$log-configure.log"); then
  sed -n '/Modules configured to be built/,/^$/p' "$log-configure.log"
  echo "ipsec-contrib: ns-3 did not take contrib/ipsec among its modules"
  exit 1
fi
echo "ipsec-contrib: building ns-3 with contrib/ipsec in $build"
if ! cmake --build "$build" -j2 >"$log-build.log" 2>&1; then
  grep -E "error|Error" "$log-build.log" | head -40
  echo "ipsec-contrib: ns-3's build of contrib/ipsec failed (log: $log-build.log)"
  exit 1
fi

suites=$(sed -n 's/.*TestSuite("\([A-Za-z0-9_-]*\)".*/\1/p' "$src"/test/*-test-suite.cc \
  | grep -vx -e ipsec-pcap -e ipsec-examples | sort)
status=0
count=0
cd "$ns3" || exit 1
for s in $suites; do
  count=$((count + 1))
  # test.py colours its verdicts even into a file: the escapes go first.
  if ! ./test.py --no-build --suite="$s" >"$log-$s.log" 2>&1 \
      || ! sed 's/\x1b\[[0-9;]*m//g' "$log-$s.log" | grep -q "PASS: TestSuite $s\$"; then
    cat "$log-$s.log"
    echo "ipsec-contrib: $s failed under test.py"
    status=1
  else
    sed 's/\x1b\[[0-9;]*m//g' "$log-$s.log" | grep "PASS: TestSuite $s\$"
  fi
done
echo "ipsec-contrib: $count suites run by ns-3's test.py"
exit $status
