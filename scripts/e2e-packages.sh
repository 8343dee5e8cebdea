#!/usr/bin/env bash
# The browser tests' front-end package: axe-core, from the npm registry, at the
# version package-lock.json pins (npm ci checks its integrity hash). Needs Node.js
# and npm (Debian's nodejs and npm packages, installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
    scripts/system-packages.sh nodejs npm
fi
folder=tests/e2e/axe
if [[ -f $folder/node_modules/axe-core/axe.min.js && $folder/node_modules/.package-lock.json -nt $folder/package-lock.json ]]; then
    exit 0
fi
npm ci --prefix "$folder" --no-audit --no-fund --ignore-scripts --loglevel error
