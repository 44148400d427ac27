#!/usr/bin/env bash
# The load benchmark of docs/scaling.md ("Measured load"): thousands of WebSocket clients on
# this machine, first split half and half over two vigil-relay nodes sharing one redis-server
# (--broker), connecting to each node directly (no load balancer in between), then all on ONE
# node without Redis, for comparison. For each: connection set-up rate, fan-out deliveries per
# second, publish-to-delivery latency (p50, p99) and each node's resident memory per idle
# connection. Prints a table, then one JSON line (the last line). Everything on 127.0.0.1, in a
# temporary directory. A benchmark, not a test: nothing here passes or fails on speed.
#
# Usage: scripts/bench-scale.sh [--clients N] [--messages M] [--quick] [--rate R] [--window W]
#                               [--threads T] [--inflight K] [--settle-ms MS]
#                               [--only two-nodes|one-node]
#                               [--relay-env NAME=VALUE] [--build-dir DIR] [--no-build] [--keep]
#   --clients N      WebSocket clients in all (default 10000); the file limit must allow them
#   --messages M     messages published in each phase (default 50): paced, then a flood
#   --quick          1000 clients, 20 messages at 5 per second: a fast try
#   --rate R         messages per second of the paced phase (default 1)
#   --settle-ms MS   idle time with every client connected before the memory is read
#                    (default 10000: two of the relay's 5 s heartbeat rounds)
#   --window W       unacknowledged messages at most during the flood (default 100)
#   --threads T      bench threads holding the clients (default 2)
#   --inflight K     WebSocket handshakes under way at once (default 40, below the relay's
#                    listen backlog of 50: more overflow it, see docs/scaling.md)
#   --only RUN       run only two-nodes or only one-node
#   --relay-env NAME=VALUE  an environment variable for every vigil-relay (repeatable), for
#                    example QT_NO_GLIB=1 (docs/scaling.md, "Measured load")
#   --build-dir DIR  the build to use (default: build); built first unless --no-build
#   --keep           keep the temporary directory (logs of Redis, the relays and the bench)
# Exit code 0 when every run finished with every client subscribed and nothing lost, 1 when a
# run lost clients or messages, 2 when it could not be made.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=build
do_build=1
clients=10000
messages=50
rate=1
settle=10000
window=100
threads=2
inflight=40
only=
keep=0
relay_env=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --clients|--messages|--rate|--window|--threads|--inflight|--settle-ms|--only|--relay-env|--build-dir)
      if [[ $# -lt 2 ]]; then
        echo "bench-scale.sh: $1 needs a value (see --help)" >&2
        exit 2
      fi ;;
  esac
  case $1 in
    --clients) clients=$2; shift 2 ;;
    --messages) messages=$2; shift 2 ;;
    --quick) clients=1000; messages=20; rate=5; shift ;;
    --settle-ms) settle=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --inflight) inflight=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --relay-env)
      [[ $2 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || { echo "bench-scale.sh: --relay-env takes NAME=VALUE" >&2; exit 2; }
      relay_env+=("$2"); shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "bench-scale.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for value in "$clients" "$messages" "$window" "$threads" "$inflight" "$settle"; do
  if ! [[ $value =~ ^[1-9][0-9]*$ ]]; then
    echo "bench-scale.sh: '$value' is not a whole number above 0" >&2
    exit 2
  fi
done
if [[ -n $only && $only != two-nodes && $only != one-node ]]; then
  echo "bench-scale.sh: --only takes two-nodes or one-node" >&2
  exit 2
fi

if [[ $do_build == 1 ]]; then
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
  [[ -f $build/CMakeCache.txt ]] || cmake --preset default -B "$build"
  cmake --build "$build" -j2 --target vigil-relay vigil-scale-bench
fi
bin=$(cd "$build/bin" 2>/dev/null && pwd) || { echo "bench-scale.sh: no $build/bin" >&2; exit 2; }
for program in vigil-relay vigil-scale-bench; do
  if [[ ! -x $bin/$program ]]; then
    echo "bench-scale.sh: $bin/$program is missing; build it (vigil-scale-bench needs" \
         "VIGIL_BUILD_BENCH and Google Benchmark) or drop --no-build" >&2
    exit 2
  fi
done
for program in redis-server redis-cli; do
  command -v "$program" >/dev/null || { echo "bench-scale.sh: $program is not installed" >&2; exit 2; }
done

# Every client is a descriptor in the bench, and in the node that holds it: the single node
# holds all N, plus its HTTP connections (1024 by default) and some spare.
hard=$(ulimit -Hn)
if [[ $hard == unlimited ]]; then
  ulimit -n 1048576 2>/dev/null || true
else
  ulimit -n "$hard"
fi
soft=$(ulimit -n)
needed=$((clients + 1024 + 128))
if [[ $soft != unlimited && $soft -lt $needed ]]; then
  echo "bench-scale.sh: $clients clients need $needed open files per process (the bench, and" \
       "the single node), but the hard limit is $hard: the most this machine allows is" \
       "$((soft - 1024 - 128)) clients. Raise the hard limit (limits.conf, LimitNOFILE=, or" \
       "ulimit -Hn as root) or ask for fewer with --clients." >&2
  exit 2
fi
echo "open-file limit: $soft (hard $hard), enough for $clients clients" >&2

tmp=$(mktemp -d /tmp/vigil-bench-scale.XXXXXX)
pids=()
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ $keep == 1 ]]; then
    echo "bench-scale.sh: logs kept in $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Stops one process this script started and forgets it.
stop() {
  local pid=$1 kept=() p
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${pids[@]}"; do
    [[ $p == "$pid" ]] || kept+=("$p")
  done
  pids=("${kept[@]}")
}

# redis-server on a free loopback port, without persistence; sets redis_port and redis_pid.
start_redis() {
  local port
  for _ in $(seq 1 20); do
    port=$((20000 + RANDOM % 30000))
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" \
      --logfile "$tmp/redis.log" --daemonize no &
    redis_pid=$!
    pids+=("$redis_pid")
    for _ in $(seq 1 50); do
      if [[ $(redis-cli -p "$port" ping 2>/dev/null) == PONG ]]; then
        redis_port=$port
        return 0
      fi
      kill -0 "$redis_pid" 2>/dev/null || break
      sleep 0.1
    done
    stop "$redis_pid"
  done
  echo "bench-scale.sh: redis-server did not start (see $tmp/redis.log)" >&2
  keep=1
  exit 2
}

# vigil-relay on a free loopback port; sets relay_port and relay_pid. The limits that would
# refuse a benchmark's traffic are raised: every client comes from 127.0.0.1 (a load balancer
# looks the same), and one publisher sends the whole flood.
start_relay() {
  local name=$1
  shift
  env ${relay_env[@]+"${relay_env[@]}"} "$bin/vigil-relay" --port 0 \
    --max-connections $((clients + 16)) --rate-limit 1000000 \
    --http-max-connections-per-address 1024 "$@" >"$tmp/$name.out" 2>"$tmp/$name.log" &
  relay_pid=$!
  pids+=("$relay_pid")
  for _ in $(seq 1 100); do
    relay_port=$(sed -n 's/.*"event":"listening".*"port":\([0-9]*\).*/\1/p' "$tmp/$name.out")
    [[ -n $relay_port ]] && return 0
    kill -0 "$relay_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench-scale.sh: vigil-relay ($name) did not start:" >&2
  tail -5 "$tmp/$name.log" >&2
  keep=1
  exit 2
}

bench_args=(--clients "$clients" --messages "$messages" --rate "$rate" --window "$window"
            --threads "$threads" --inflight "$inflight" --settle-ms "$settle")
results=()
status=0

run_bench() {
  local label=$1
  shift
  echo "== $label: $clients clients, $messages messages per phase" >&2
  set +e
  "$bin/vigil-scale-bench" "${bench_args[@]}" --label "$label" "$@" >"$tmp/$label.json"
  local rc=$?
  set -e
  if [[ $rc -ge 2 || ! -s $tmp/$label.json ]]; then
    echo "bench-scale.sh: the $label run could not be made (exit $rc)" >&2
    keep=1
    exit 2
  fi
  [[ $rc == 0 ]] || status=1
  results+=("$tmp/$label.json")
}

if [[ $only != one-node ]]; then
  start_redis
  broker=redis://127.0.0.1:$redis_port
  start_relay node-a --broker "$broker" --node a
  port_a=$relay_port pid_a=$relay_pid
  start_relay node-b --broker "$broker" --node b
  port_b=$relay_port pid_b=$relay_pid
  run_bench two-nodes --url "ws://127.0.0.1:$port_a/ws" --pid "$pid_a" \
    --url "ws://127.0.0.1:$port_b/ws" --pid "$pid_b" --redis-pid "$redis_pid"
  stop "$pid_a"
  stop "$pid_b"
  stop "$redis_pid"
fi

if [[ $only != two-nodes ]]; then
  start_relay one-node
  run_bench one-node --url "ws://127.0.0.1:$relay_port/ws" --pid "$relay_pid"
  stop "$relay_pid"
fi

echo >&2
"$bin/vigil-scale-bench" --report "${results[@]}"
exit $status
