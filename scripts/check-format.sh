#!/usr/bin/env bash
# Fails when a C++ source differs from the house .clang-format, naming the files.
# Run by scripts/test.sh (and so by CI); fix with: clang-format -i FILE...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mapfile -t files < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find src tests bench -name '*.cpp' -o -name '*.h')
if [[ ${#files[@]} -eq 0 ]]; then
  echo "check-format: no C++ sources found" >&2
  exit 1
fi
drift=$(clang-format --dry-run "${files[@]}" 2>&1 | grep -E '^[^ ]+:[0-9]+:[0-9]+: warning' | cut -d: -f1 | sort -u || true)
if [[ -n "$drift" ]]; then
  echo "check-format: these files differ from .clang-format (run clang-format -i on them):" >&2
  printf '  %s\n' $drift >&2
  exit 1
fi
echo "check-format: ${#files[@]} files follow .clang-format"
