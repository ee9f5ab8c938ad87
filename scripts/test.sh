#!/usr/bin/env bash
# The README's test command: make sure the real parts are there, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-test-deps.sh
exec npx mocha "$@"
