#!/usr/bin/env bash
# The ipsec-sanitize CTest test: builds the whole project again with
# AddressSanitizer and UndefinedBehaviorSanitizer (-DNS3_IPSEC_SANITIZE=ON)
# in a separate sub-build -- the module, the test runner and the example
# programs and the tool the suites start (the test runner's dependencies) --
# then runs every ns-3 suite of it (the tests labelled ns3-suite) there.  Any sanitizer report (a memory error, undefined
# behaviour -- fatal, -fno-sanitize-recover -- or a leak) or any failing
# suite fails the test.
#
#   run-sanitized-suites.sh SOURCE_DIR WORK_DIR
#
# IPSEC_SANITIZE_CXX: the compiler (default: c++); IPSEC_SANITIZE_LAUNCHER:
# its launcher (e.g. ccache; the ipsec-sanitize test passes the normal
# build's).  IPSEC_SANITIZE_SUITES (a regular expression, ctest -R) runs only
# the matching suites; IPSEC_SANITIZE_JOBS (default 2) is the parallelism
# of the build and of the suites.
# Exit status 77 (CTest's SKIP_RETURN_CODE) when the compiler cannot link a
# program with -fsanitize=address,undefined (Debian: the libasan and
# libubsan of the compiler, which build-essential brings).  The sub-build in
# WORK_DIR is kept, so later runs only rebuild what changed.
#
# Leaks: LeakSanitizer is on (detect_leaks=1); test/sanitize/lsan.supp
# suppresses, each with its reason, what ns-3 itself (not instrumented,
# Debian's 3.37) never frees.
set -uo pipefail

src=${1:?usage: run-sanitized-suites.sh SOURCE_DIR WORK_DIR}
work=${2:?usage: run-sanitized-suites.sh SOURCE_DIR WORK_DIR}
cxx=${IPSEC_SANITIZE_CXX:-c++}
jobs=${IPSEC_SANITIZE_JOBS:-2}
flags="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
skip=77

mkdir -p "$work"
probe="$work/probe"
cat >"$probe.cc" <<'EOF'
#include <vector>
int main() { std::vector<int> v(4); return v[1]; }
EOF
# shellcheck disable=SC2086
if ! "$cxx" $flags "$probe.cc" -o "$probe" >"$probe.log" 2>&1 || ! "$probe" >>"$probe.log" 2>&1; then
  echo "ipsec-sanitize: SKIPPED: $cxx cannot build and run a program with $flags:"
  cat "$probe.log"
  exit $skip
fi

launcher=()
if [ -n "${IPSEC_SANITIZE_LAUNCHER:-}" ] && command -v "${IPSEC_SANITIZE_LAUNCHER}" >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER="$IPSEC_SANITIZE_LAUNCHER")
fi
build="$work"
start=$SECONDS
if ! cmake -S "$src" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" \
    -DNS3_IPSEC_SANITIZE=ON -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -g1" \
    >"$work/configure.log" 2>&1; then
  cat "$work/configure.log"
  echo "ipsec-sanitize: configuring the sanitizer build failed"
  exit 1
fi
# -O1 (as the sanitizers' documentation advises) and line tables only
# (-g1: reports name file and line) keep the build short.
# Only what the suites run: the test runner, which depends on the module and
# on the example programs and the tool that some suites start.
if ! cmake --build "$build" -j"$jobs" --target ns3-ipsec-test-runner >"$work/build.log" 2>&1; then
  tail -n 50 "$work/build.log"
  echo "ipsec-sanitize: building the sanitizer build failed"
  exit 1
fi
echo "ipsec-sanitize: built in $((SECONDS - start)) s"

supp="$(cd "$(dirname "$0")" && pwd)/lsan.supp"
# halt_on_error and abort_on_error=0: the first report ends the process with
# status 1, which fails the suite.  A suite's child processes (the examples
# and tools some suites start) inherit these and fail the same way.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=0:strict_string_checks=1:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
args=(--test-dir "$build" -L ns3-suite -j"$jobs" --output-on-failure)
if [ -n "${IPSEC_SANITIZE_SUITES:-}" ]; then
  args+=(-R "$IPSEC_SANITIZE_SUITES")
fi
start=$SECONDS
ctest "${args[@]}" >"$work/ctest.log" 2>&1
status=$?
# Every sanitizer report in the suites' output, whatever their exit status.
reports=$(grep -cE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$work/ctest.log")
tail -n 40 "$work/ctest.log"
echo "ipsec-sanitize: the suites ran in $((SECONDS - start)) s; $reports sanitizer reports"
if [ "$status" -ne 0 ] || [ "$reports" -ne 0 ]; then
  grep -nE -A30 "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$work/ctest.log" | head -n 200
  echo "ipsec-sanitize: FAILED (the whole log: $work/ctest.log)"
  exit 1
fi
exit 0
