#!/usr/bin/env bash
# Quick start (b): install dependencies, build from a clean build directory, run every test.
# Exits non-zero when any step or any test fails. Used by CI through .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash packaging/install-deps.sh
bash scripts/check-format.sh
rm -rf build
cmake --preset default
cmake --build --preset default
bash scripts/check-qml.sh build
ctest --preset default
