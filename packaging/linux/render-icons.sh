#!/usr/bin/env bash
# Renders resources/icons/vigil.svg into the hicolor PNG sizes under packaging/linux/icons/.
#
# The PNGs are committed so that building the package needs no SVG renderer; run this by hand
# (it needs rsvg-convert from librsvg2-bin) whenever the SVG changes, and commit the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

command -v rsvg-convert >/dev/null || {
  echo "render-icons: rsvg-convert is missing (apt-get install librsvg2-bin)" >&2
  exit 1
}
for size in 16 24 32 48 64 128 256 512; do
  dir=packaging/linux/icons/hicolor/${size}x${size}/apps
  mkdir -p "$dir"
  rsvg-convert -w "$size" -h "$size" resources/icons/vigil.svg -o "$dir/org.vigil.Vigil.png"
done
echo "render-icons: done; commit packaging/linux/icons/"
