#!/usr/bin/env bash
# The page's tests in a real browser: builds the server and the page, installs
# playwright-core (npm) and Debian's chromium when missing, then runs node --test.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! [ -x /usr/bin/chromium ]; then
    apt-get update >/dev/null && apt-get install -y chromium chromium-driver >/dev/null
fi
cargo build -p enswitch-people-server
bash web/build.sh
(cd web && { { [ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ]; } || npm ci --no-audit --no-fund; } && node --test tests/)
