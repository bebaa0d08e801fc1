#!/usr/bin/env bash
# Re-vendors the PWA's one third-party library into frontend/vendor/ from the pinned npm
# package (package.json / package-lock.json): qrcode-generator (MIT), the ES module build.
# Usage: scripts/vendor.sh   (runs `npm ci` first when node_modules is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/qrcode-generator ] || npm ci --no-audit --no-fund --loglevel=error
src=node_modules/qrcode-generator
version=$(node -p "require('./$src/package.json').version")
dest=frontend/vendor/qrcode-generator
mkdir -p "$dest"
{
  echo "// qrcode-generator $version (MIT, Kazuhiko Arase), vendored by scripts/vendor.sh: do not edit."
  cat "$src/dist/qrcode.mjs"
} > "$dest/qrcode.js"
cp "$src/LICENSE" "$dest/LICENSE.txt" 2>/dev/null || true
echo "vendored qrcode-generator $version into $dest"
