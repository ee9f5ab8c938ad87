#!/usr/bin/env bash
# The README's test command: make sure the real parts are there, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-test-deps.sh
# Node 22 or newer first on PATH (installed into .tools/ when the machine has an older one).
. scripts/node.sh
echo "== tests on node $(node --version)"
exec npx mocha "$@"
