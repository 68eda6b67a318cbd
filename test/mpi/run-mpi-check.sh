#!/usr/bin/env bash
# The ipsec-mpi CTest test: the distributed example under ns-3's distributed
# simulator gives what the sequential run gives.  Builds this project again
# in a sub-build against the MPI-enabled ns-3 that scripts/setup-ns3-mpi.sh
# installs (-DNS3_IPSEC_NS3_PREFIX; only the module and ipsec-distributed),
# runs ipsec-distributed sequentially, then with mpirun -np 2 under the
# granted-time-window and the null-message algorithms, and compares each
# distributed run with the sequential one (test/mpi/compare-ranks.py: every
# node's report once and the same, every pcap byte for byte).
#
#   run-mpi-check.sh SOURCE_DIR WORK_DIR NS3_PREFIX
#
# IPSEC_MPI_LAUNCHER: the sub-build's compiler launcher (e.g. ccache; the
# test passes the normal build's).  Exit status 77 (CTest's
# SKIP_RETURN_CODE) when NS3_PREFIX holds no ns-3 with the mpi module or
# mpirun is missing: `bash scripts/setup.sh --mpi` installs both.
set -uo pipefail

src=${1:?usage: run-mpi-check.sh SOURCE_DIR WORK_DIR NS3_PREFIX}
work=${2:?usage: run-mpi-check.sh SOURCE_DIR WORK_DIR NS3_PREFIX}
prefix=${3:?usage: run-mpi-check.sh SOURCE_DIR WORK_DIR NS3_PREFIX}
skip=77

config=$(find "$prefix" -name ns3Config.cmake -path "*cmake/ns3/*" 2>/dev/null | head -1)
if [ -z "$config" ] || ! ls "$prefix"/lib*/libns3*-mpi.so >/dev/null 2>&1; then
  echo "ipsec-mpi: SKIPPED: no ns-3 with its mpi module in $prefix (bash scripts/setup.sh --mpi builds one)"
  exit $skip
fi
if ! command -v mpirun >/dev/null 2>&1; then
  echo "ipsec-mpi: SKIPPED: mpirun not found (Debian: openmpi-bin; bash scripts/setup.sh --mpi)"
  exit $skip
fi

launcher=()
if [ -n "${IPSEC_MPI_LAUNCHER:-}" ] && command -v "${IPSEC_MPI_LAUNCHER}" >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER="$IPSEC_MPI_LAUNCHER")
fi
build="$work/build"
mkdir -p "$work"
if ! cmake -S "$src" -B "$build" "${launcher[@]}" -DNS3_IPSEC_NS3_PREFIX="$prefix" \
    -DNS3_IPSEC_BUILD_TESTS=OFF -DNS3_IPSEC_PYTHON=OFF >"$work/configure.log" 2>&1; then
  cat "$work/configure.log"
  echo "ipsec-mpi: configuring against $prefix failed"
  exit 1
fi
if ! grep -q "mpi ON" "$work/configure.log"; then
  cat "$work/configure.log"
  echo "ipsec-mpi: the build against $prefix found no mpi module"
  exit 1
fi
if ! cmake --build "$build" -j2 --target ipsec-distributed >"$work/build.log" 2>&1; then
  tail -50 "$work/build.log"
  echo "ipsec-mpi: building ipsec-distributed against $prefix failed"
  exit 1
fi

bin="$build/examples/ipsec-distributed"
args=(--sites=8 --hostsPerSite=2 --pings=8 --echoes=8)
# OpenMPI refuses to run as root unless told; the ranks may share cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi=(mpirun -np 2 --oversubscribe --mca btl self,vader --mca btl_vader_single_copy_mechanism none)

run() { # DIR COMMAND...: runs with the report and the pcaps in DIR
  local dir=$1
  shift
  rm -rf "$dir"
  mkdir -p "$dir/pcap"
  if ! "$@" --outDir="$dir" --pcapDir="$dir/pcap" >"$dir.log" 2>&1; then
    cat "$dir.log"
    echo "ipsec-mpi: $* failed"
    exit 1
  fi
  cat "$dir.log"
}

run "$work/sequential" "$bin" "${args[@]}"
status=0
for alg in granted-time-window null-message; do
  extra=(--mpi)
  if [ "$alg" = null-message ]; then extra+=(--nullmsg); fi
  run "$work/$alg" "${mpi[@]}" "$bin" "${args[@]}" "${extra[@]}"
  if ! grep -q "2 rank(s)" "$work/$alg.log"; then
    echo "ipsec-mpi: $alg: the run did not report 2 ranks"
    status=1
    continue
  fi
  echo "ipsec-mpi: $alg, 2 ranks against the sequential run:"
  if ! python3 "$src/test/mpi/compare-ranks.py" "$work/sequential" "$work/$alg" 2; then
    status=1
  fi
done
exit $status
