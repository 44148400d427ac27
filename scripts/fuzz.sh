#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for a bounded time (docs/reliability.md, "Fuzzing").
# Exits non-zero when any target crashes, leaks, hangs or runs out of memory, and says where the
# input that did it was kept. Used by CI through .ci/run, after scripts/test.sh.
#
# Usage: scripts/fuzz.sh [--seconds N] [TARGET...]
#   --seconds N   time per target (default 60)
#   TARGET        envelope, sse, poll, tokens, relay_frame, outbox, positions (default: all)
#
# The targets come from the asan build (build-asan, VIGIL_BUILD_FUZZ=ON): reused when it is
# there, configured with the asan preset when it is not; only the fuzz targets are built. Each
# target starts from a copy of fuzz/corpus/<target>, so the seeds in the repository never change.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

seconds=60
targets=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --seconds=*) seconds=${1#--seconds=}; shift ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(find fuzz/corpus -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
fi

# ccache hits across clones in other folders (CI) and the developers' trees.
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
build=$root/build-asan
if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake --preset asan
elif ! grep -q '^VIGIL_BUILD_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
  cmake "$build" -DVIGIL_BUILD_FUZZ=ON
fi
cmake --build "$build" -j2 --target vigil_fuzzers

# The SQLite targets write a file per input: on a tmpfs when there is one.
scratch_parent=${TMPDIR:-/tmp}
if [[ -d /dev/shm && -w /dev/shm ]]; then scratch_parent=/dev/shm; fi
work=$(mktemp -d "$scratch_parent/vigil-fuzz.XXXXXX")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/cmake/lsan.supp:print_suppressions=0}
export QT_QPA_PLATFORM=offscreen

failed=()
for target in "${targets[@]}"; do
  binary=$build/bin/fuzz_$target
  if [[ ! -x $binary || ! -d fuzz/corpus/$target ]]; then
    echo "fuzz: no target \"$target\" (no $binary or no fuzz/corpus/$target)" >&2
    failed+=("$target")
    continue
  fi
  dir=$work/$target
  mkdir -p "$dir/corpus" "$dir/crashes" "$dir/tmp"
  cp -R "fuzz/corpus/$target/." "$dir/corpus/"
  dict=()
  [[ -f fuzz/vigil.dict && $target != sse && $target != outbox && $target != positions ]] &&
    dict=(-dict="$root/fuzz/vigil.dict")
  echo "== fuzz_$target: ${seconds}s from $(find "$dir/corpus" -type f | wc -l) seeds"
  rc=0
  # -timeout: one input taking this long is a hang; -rss_limit_mb: one that grows past this is
  # a memory bomb. Both are findings, like a crash.
  TMPDIR=$dir/tmp "$binary" "${dict[@]}" -max_total_time="$seconds" -timeout=30 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/crashes/" \
    "$dir/corpus" >"$dir/log" 2>&1 || rc=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)' "$dir/log" |
    sed 's/^/   /' || true
  mapfile -t found < <(find "$dir/crashes" -type f)
  if [[ $rc -ne 0 || ${#found[@]} -gt 0 ]]; then
    failed+=("$target")
    echo "FAIL: fuzz_$target exited with $rc; the end of its log ($dir/log):"
    tail -n 60 "$dir/log" | sed 's/^/   /'
    for input in "${found[@]}"; do
      echo "   input kept: $input"
      echo "   reproduce:  $binary $input"
    done
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]} (logs and inputs kept in $work)"
  exit 1
fi
rm -rf "$work"
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each without a finding"
