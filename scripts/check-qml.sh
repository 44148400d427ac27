#!/usr/bin/env bash
# Lints every QML file of the window (qml/) with qmllint against the type information the
# build generated (BUILD_DIR/qml: the modules Vigil and Vigil.Models). Fails on any warning,
# naming the file and line. Run after the build; scripts/test.sh (and so CI) does.
#   scripts/check-qml.sh [BUILD_DIR]    (default: build)
# Exceptions live in the QML files as "// qmllint disable" comments, each with its reason.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=${1:-build}
imports="$build/qml"
if [[ ! -f "$imports/Vigil/Models/vigil_models.qmltypes" || ! -f "$imports/Vigil/qmldir" ]]; then
  echo "check-qml: no QML type information in $imports: build first (cmake --build $build)" >&2
  exit 1
fi

qmllint=${QMLLINT:-}
if [[ -z "$qmllint" ]]; then
  for candidate in /usr/lib/qt6/bin/qmllint "$(command -v qmllint6 || true)" \
                   "$(command -v qmllint || true)"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then qmllint=$candidate; break; fi
  done
fi
if [[ -z "$qmllint" ]]; then
  echo "check-qml: qmllint not found (Debian: qt6-declarative-dev-tools); set QMLLINT" >&2
  exit 1
fi

mapfile -t files < <(find qml -name '*.qml' | sort)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "check-qml: no QML files found" >&2
  exit 1
fi

# qmllint exits non-zero on a warning; the output is checked too, so a warning never passes
# whatever the exit code says.
status=0
output=$("$qmllint" -I "$imports" "${files[@]}" 2>&1) || status=$?
if [[ $status -ne 0 ]] || grep -q '^Warning' <<<"$output"; then
  printf '%s\n' "$output" >&2
  echo "check-qml: qmllint found problems in the QML above (exit $status)" >&2
  exit 1
fi
[[ -z "$output" ]] || printf '%s\n' "$output"
echo "check-qml: ${#files[@]} QML files, no qmllint warnings"
