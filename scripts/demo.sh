#!/usr/bin/env bash
# Quick start (a): install dependencies, build, and launch Vigil connected to its built-in demo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash packaging/install-deps.sh
[[ -f build/CMakeCache.txt ]] || cmake --preset default
cmake --build --preset default --target vigil
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
  echo "demo: no display found; starting under a virtual X server (xvfb-run)." >&2
  exec xvfb-run -a build/bin/vigil --demo "$@"
fi
exec build/bin/vigil --demo "$@"
