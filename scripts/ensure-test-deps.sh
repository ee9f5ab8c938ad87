#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, when it is missing:
# PostgreSQL's binaries (the tests start a throwaway server from them).
# Idempotent; needs root only when something is missing.
set -euo pipefail

missing=()
if [ -z "${DATABASE_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "The tests need: ${missing[*]}. Install them (Debian: sudo apt-get install -y ${missing[*]}) or run as root." >&2
    exit 1
  fi
  echo "Installing test dependencies: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
