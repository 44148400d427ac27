#!/usr/bin/env bash
# Refreshes docs/screenshots/ from the screenshots the visual checks saved (tests/app/tst_visual.cpp,
# kept by CI as artifacts). Run the test first: ctest --preset default -R tst_visual
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() {
  cat <<'EOF'
Usage: scripts/refresh-screenshots.sh [options] [PAGE...]

Copies PAGE-THEME-SIZE.png, saved by tst_visual, into docs/screenshots/ as PAGE-THEME.png, in the
light and the dark theme. The light one also replaces PAGE.png where the docs already show one
(dashboard.png in the README and the AppStream metainfo, logs.png, health.png...).

PAGE defaults to: dashboard incidents chat logs health settings

Options:
  --from DIR   where tst_visual saved its screenshots
               (default: $VIGIL_ARTIFACTS_DIR, else build/artifacts/screenshots)
  --to DIR     where to copy them (default: docs/screenshots)
  --size WxH   which window size (default: 1280x800; tst_visual also makes 800x600 and 1920x1080)
  --dry-run    say what would be copied, copy nothing
  -h, --help   this help

The copy is refused when a screenshot is missing. Frames whose checks failed are copied all the
same, with a warning naming them (see visual-report.txt next to the screenshots).
EOF
}

from="${VIGIL_ARTIFACTS_DIR:-build/artifacts/screenshots}"
to="docs/screenshots"
size="1280x800"
dry_run=0
pages=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --from) from="${2:?--from needs a directory}"; shift 2 ;;
    --to) to="${2:?--to needs a directory}"; shift 2 ;;
    --size) size="${2:?--size needs WxH}"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "refresh-screenshots: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) pages+=("$1"); shift ;;
  esac
done
[[ ${#pages[@]} -gt 0 ]] || pages=(dashboard incidents chat logs health settings)
if [[ ! "$size" =~ ^[0-9]+x[0-9]+$ ]]; then
  echo "refresh-screenshots: --size must be WxH, like 1280x800" >&2
  exit 2
fi

# Everything must be there before anything is copied: no half-refreshed docs.
missing=0
for page in "${pages[@]}"; do
  for theme in light dark; do
    source="$from/$page-$theme-$size.png"
    if [[ ! -f "$source" ]]; then
      echo "refresh-screenshots: $source is missing (run tst_visual first)" >&2
      missing=1
    fi
  done
done
[[ $missing -eq 0 ]] || exit 1

report="$from/visual-report.txt"
[[ $dry_run -eq 1 ]] || mkdir -p "$to"
for page in "${pages[@]}"; do
  for theme in light dark; do
    row="$page-$theme-$size"
    targets=("$to/$page-$theme.png")
    if [[ $theme == light && -f "$to/$page.png" ]]; then
      targets+=("$to/$page.png")
    fi
    if [[ -f "$report" ]] && grep -qx "$row:" "$report"; then
      echo "refresh-screenshots: warning: the visual checks found problems in $row" >&2
    fi
    for target in "${targets[@]}"; do
      echo "$from/$row.png -> $target"
      [[ $dry_run -eq 1 ]] || cp "$from/$row.png" "$target"
    done
  done
done
