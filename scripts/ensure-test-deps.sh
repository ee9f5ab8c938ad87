#!/usr/bin/env bash
# Installs and starts what the tests need on a fresh Debian machine, when it is missing:
# PostgreSQL's binaries (the tests start a throwaway server from them), a Docker engine (the
# agent tests run real containers), openssl, promtool (Debian's prometheus package), sshd (the
# backups' SFTP target), debootstrap (the installer's test) and Chromium (the panel UI's browser
# tests). Idempotent; needs root only when something is missing.
set -euo pipefail

missing=()
if [ -z "${DATABASE_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if ! command -v dockerd >/dev/null 2>&1; then
  missing+=(docker.io)
fi
# The agent's TLS test makes a self-signed certificate with it.
if ! command -v openssl >/dev/null 2>&1; then
  missing+=(openssl)
fi
# promtool checks the panel's /metrics exposition.
if ! command -v promtool >/dev/null 2>&1; then
  missing+=(prometheus)
fi

# The backups tests run a real sshd on loopback as their SFTP target (ssh-keygen comes with it).
if [ ! -x /usr/sbin/sshd ]; then
  missing+=(openssh-server)
fi

# The installer's end-to-end test builds a fresh Debian root filesystem with it.
if ! command -v debootstrap >/dev/null 2>&1; then
  missing+=(debootstrap)
fi

# The panel UI's browser tests drive Debian's Chromium through playwright-core (no browser download).
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium)
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

if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "No Docker engine answers. Start one (sudo dockerd >/tmp/dockerd.log 2>&1 &) and run the tests again." >&2
    exit 1
  fi
  echo "Starting dockerd (log: /tmp/dockerd.log)"
  nohup dockerd >/tmp/dockerd.log 2>&1 &
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  if ! docker info >/dev/null 2>&1; then
    echo "dockerd did not come up; its log:" >&2
    tail -n 30 /tmp/dockerd.log >&2
    exit 1
  fi
fi
