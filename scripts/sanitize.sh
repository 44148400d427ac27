#!/usr/bin/env bash
# The sanitizer runs (docs/reliability.md, "Sanitizers"):
#  1. AddressSanitizer + UndefinedBehaviorSanitizer: the asan preset built from scratch
#     (build-asan, which also holds the fuzz targets for scripts/fuzz.sh) and every test run in it;
#  2. ThreadSanitizer: the tsan preset (build-tsan), building and running only the tests whose
#     code crosses threads (the preset lists them).
# Exits non-zero when a build fails, a test fails or a sanitizer reports anything.
# Run by CI (.ci/run) after scripts/test.sh; scripts/fuzz.sh then reuses build-asan.
#
# Usage: scripts/sanitize.sh [asan|tsan]   (default: both)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

which=${1:-all}
case $which in
  all|asan|tsan) ;;
  *) echo "usage: scripts/sanitize.sh [asan|tsan]" >&2; exit 2 ;;
esac

bash packaging/install-deps.sh
# ccache hits across clones in other folders (CI) and the developers' trees.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1

phase() {
  local name=$1 preset=$2 started=$SECONDS
  echo "== sanitize: $name"
  rm -rf "build-$preset"
  cmake --preset "$preset"
  cmake --build --preset "$preset"
  local built=$SECONDS
  ctest --preset "$preset"
  echo "== sanitize: $name: built in $((built - started))s, tested in $((SECONDS - built))s"
}

if [[ $which != tsan ]]; then
  phase "AddressSanitizer + UndefinedBehaviorSanitizer, every test" asan
fi
if [[ $which != asan ]]; then
  phase "ThreadSanitizer, the tests that cross threads" tsan
fi
