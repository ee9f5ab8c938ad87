#!/usr/bin/env bash
# Packs a release: the tracked files of this checkout plus what the build makes (each server
# package's dist/, the UI's dist/ and plugin ui-dist/), without dependencies, as
# conductor/… in a .tar.gz. The server's TypeScript and the tests stay out: a release runs only
# its compiled JavaScript (the test workspace keeps its package.json, which npm ci needs). Installed with `npm ci --omit=dev && npm start` or
# `installer/install.sh panel --source FILE`; neither needs the development dependencies.
# Usage: scripts/pack-release.sh [OUTPUT.tar.gz] (default artifacts/conductor-<version>.tar.gz).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node.sh
out="${1:-artifacts/conductor-$(node -p 'require("./package.json").version').tar.gz}"
node scripts/build-server.mjs
node scripts/build-ui.mjs
mkdir -p "$(dirname "$out")"
list="$(mktemp)"
trap 'rm -f "$list"' EXIT
{
  git ls-files --cached --others --exclude-standard
  find core/dist wings-agent/dist plugins/*/dist panel-ui/dist plugins/*/ui-dist -type f 2>/dev/null
} | grep -Ev '^((core|wings-agent|plugins/[^/]+)/src/|core/test/|test/[^/]+/)' |
  while read -r file; do [ -f "$file" ] && printf '%s\n' "$file"; done | sort -u >"$list"
tar --transform 's,^,conductor/,' --owner=0 --group=0 --numeric-owner -czf "$out" -T "$list"
echo "$out"
