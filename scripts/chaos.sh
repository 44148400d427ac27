#!/usr/bin/env bash
# The chaos harness (docs/reliability.md, "Chaos runs"): the real vigil-relay and clients
# behind fault proxies, faults drawn from a seed, then a check of the whole history. The last
# line printed is the result as one JSON object; exit 0 only when nothing was lost or
# duplicated and per-channel order held, 1 when something was, 2 when the run could not be made.
#
# Usage: scripts/chaos.sh [--short | --soak MINUTES] [--hostile] [--seed N] [--out DIR]
#                         [--build-dir DIR] [--no-build] [vigil-chaos options...]
#   --short          the CI run: fixed seed (1), under 3 minutes
#   --soak MINUTES   MINUTES of faults; also reports RSS and open files of every process
#   --hostile        hostile peers beside the normal clients (with --short or --soak too);
#                    the run fails if the relay's RSS passes --relay-rss-limit-mb (512)
#   --seed N         the seed of the fault schedule and workload (a run is repeated with it)
#   --out DIR        the run directory (default: BUILD/chaos/<mode>[-hostile]-<time>-<pid>)
#   --build-dir DIR  the build to use (default: build); built first unless --no-build
# Everything else goes to vigil-chaos (see `vigil-chaos --help`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# --hostile-server: Vigil's clients against hostile servers instead of a chaos run
# (docs/reliability-hostile-server.md). It takes --short, --build-dir, --no-build and --out as
# above; everything else goes to vigil-chaos-hostile-server (see its --help). The last line
# printed is its result as one JSON object; exit 0 only when every case passed.
hostile_server() {
  local build=build do_build=1 out= bin
  local -a rest=()
  while [[ $# -gt 0 ]]; do
    case $1 in
      --hostile-server) shift ;;
      --build-dir) build=$2; shift 2 ;;
      --no-build) do_build=0; shift ;;
      --out) out=$2; shift 2 ;;
      *) rest+=("$1"); shift ;;
    esac
  done
  if [[ $do_build == 1 ]]; then
    export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
    [[ -f $build/CMakeCache.txt ]] || cmake --preset default -B "$build"
    cmake --build "$build" -j2 --target vigil-chaos-hostile-server vigil-chaos-client vigil-cli
  fi
  bin=$(cd "$build/bin" && pwd)
  if [[ ! -x $bin/vigil-chaos-hostile-server ]]; then
    echo "chaos.sh: $bin/vigil-chaos-hostile-server is missing; build it or drop --no-build" >&2
    exit 2
  fi
  [[ -n $out ]] || out=$(cd "$build" && pwd)/chaos/hostile-server-$(date +%Y%m%d-%H%M%S)-$$
  exec "$bin/vigil-chaos-hostile-server" --bin-dir "$bin" --out "$out" "${rest[@]}"
}
for arg in "$@"; do
  if [[ $arg == --hostile-server ]]; then
    hostile_server "$@"
  fi
done

build=build
do_build=1
mode=
hostile=
args=()
out=
while [[ $# -gt 0 ]]; do
  case $1 in
    --build-dir) build=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --out) out=$2; shift 2 ;;
    --short) mode=short; args+=("$1"); shift ;;
    --soak) mode=soak; args+=("$1" "$2"); shift 2 ;;
    --hostile) hostile=-hostile; args+=("$1"); shift ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done

if [[ $do_build == 1 ]]; then
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
  [[ -f $build/CMakeCache.txt ]] || cmake --preset default -B "$build"
  cmake --build "$build" -j2 --target vigil-chaos vigil-chaos-client vigil-chaos-hostile \
    vigil-relay vigil-cli
fi
bin=$(cd "$build/bin" && pwd)
for program in vigil-chaos vigil-chaos-client vigil-chaos-hostile vigil-relay vigil-cli; do
  if [[ ! -x $bin/$program ]]; then
    echo "chaos.sh: $bin/$program is missing; build it or drop --no-build" >&2
    exit 2
  fi
done

if [[ -z $out ]]; then
  out=$(cd "$build" && pwd)/chaos/${mode:-custom}$hostile-$(date +%Y%m%d-%H%M%S)-$$
fi
mkdir -p "$(dirname "$out")"
# A tmpfs the run mounted for its full-disk fault must not outlive it, whatever happens. The
# clean-up never changes the exit status: with nothing left mounted, grep finds nothing, which
# under pipefail would turn a passing run into exit 1.
cleanup() {
  local mounted
  if [[ -r /proc/mounts ]]; then
    for mounted in $(awk -v dir="$out/" 'index($2, dir) == 1 {print $2}' /proc/mounts); do
      umount -l "$mounted" 2>/dev/null || true
    done
  fi
  return 0
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# vigil-chaos names the run directory on stderr first; its last line on stdout is the result.
set +e
"$bin/vigil-chaos" --bin-dir "$bin" --out "$out" "${args[@]}"
status=$?
set -e
exit $status
