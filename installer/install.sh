#!/usr/bin/env bash
# Conductor's one-command installer for Debian 12 and Ubuntu 24.04 (docs/operations.md).
#
#   install.sh panel [--postgres] [--port N] [--public-url URL] [--source DIR|URL]
#   install.sh node --panel URL --token TOKEN [--port N] [--source DIR|URL]
#   install.sh upgrade [--source DIR|URL]
#   install.sh uninstall [--purge]
#
# A second run with the same arguments changes nothing and says so. The application goes to
# /opt/conductor/releases/<id> (current -> the running one), configuration to /etc/conductor,
# data to /var/lib/conductor; the services run as the system user `conductor` under systemd.
set -euo pipefail

# Paths and sources, overridable so a test or an unusual host can move them.
PREFIX="${CONDUCTOR_PREFIX:-/opt/conductor}"
ETC_DIR="${CONDUCTOR_ETC_DIR:-/etc/conductor}"
DATA_DIR="${CONDUCTOR_DATA_DIR:-/var/lib/conductor}"
UNIT_DIR="${CONDUCTOR_UNIT_DIR:-/etc/systemd/system}"
SERVICE_USER=conductor
# Node.js: the host's own when it is 22 or newer, else this version from the npm registry's
# node-linux-<arch> package (checked against the registry's sha512), or CONDUCTOR_NODE_URL: a
# tarball (.tar.gz or .tar.xz, such as nodejs.org's) whose top folder holds bin/node; optionally
# CONDUCTOR_NODE_SHA256 to check it.
NODE_VERSION="${CONDUCTOR_NODE_VERSION:-24.22.3}"
NPM_VERSION="${CONDUCTOR_NPM_VERSION:-11.19.1}"
REGISTRY="${CONDUCTOR_REGISTRY:-https://registry.npmjs.org}"
NODE_URL="${CONDUCTOR_NODE_URL:-}"
NODE_SHA256="${CONDUCTOR_NODE_SHA256:-}"
MIN_MEMORY_MB="${CONDUCTOR_MIN_MEMORY_MB:-}"
KEEP_RELEASES=2

NODE_BIN="$PREFIX/node/bin/node"
# How the services run the compiled release (core/src/kernel/compiled.ts says why: COMPILED_FLAGS).
NODE_FLAGS="--conditions=conductor-compiled --max-semi-space-size=2"
PANEL_ENV="$ETC_DIR/panel.env"
AGENT_ENV="$ETC_DIR/agent.env"
PANEL_UNIT=conductor-panel.service
AGENT_UNIT=conductor-agent.service
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

CHANGES=0
say() { printf '%s\n' "$*"; }
changed() { CHANGES=$((CHANGES + 1)); say "  changed: $*"; }
kept() { say "  unchanged: $*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
have_systemd() { [ -d /run/systemd/system ]; }

usage() {
  sed -n '4,7p' "${BASH_SOURCE[0]}" | sed 's/^#  //'
  exit 2
}

# --- checks ------------------------------------------------------------------------------------

check_root() { [ "$(id -u)" = 0 ] || die "run me as root (sudo $0 $*)"; }

check_os() {
  [ -r /etc/os-release ] || die "cannot read /etc/os-release: this installer supports Debian 12 and Ubuntu 24.04"
  local id version
  id="$(sed -n 's/^ID=//p' /etc/os-release | tr -d '"')"
  version="$(sed -n 's/^VERSION_ID=//p' /etc/os-release | tr -d '"')"
  case "$id $version" in
    "debian 12" | "ubuntu 24.04") ;;
    *) die "this is ${id:-an unknown system} ${version:-}; the installer supports Debian 12 and Ubuntu 24.04 only" ;;
  esac
}

node_arch() {
  case "$(uname -m)" in
    x86_64 | amd64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) die "the $(uname -m) architecture is not supported (x86_64 and aarch64 are)" ;;
  esac
}

check_memory() {
  local role="$1" need total
  need="${MIN_MEMORY_MB:-$([ "$role" = node ] && echo 2048 || echo 1024)}"
  total=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024))
  [ "$total" -ge "$need" ] || die "this machine has ${total} MB of memory; a Conductor $role needs at least ${need} MB"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_port() {
  local port="$1" what="$2"
  if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then die "--port: expected a port number from 1 to 65535, got $port"; fi
  if port_in_use "$port"; then die "port $port (the $what) is already in use by another program; stop it or choose another with --port"; fi
}

# --- packages, user, folders --------------------------------------------------------------------

APT_UPDATED=0
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    kept "packages $*"
    return
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [ "$APT_UPDATED" = 0 ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  # (Read to the end, not with grep -q: under pipefail, apt-cache's SIGPIPE would fail the test.)
  local candidate
  for pkg in "${missing[@]}"; do
    candidate="$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')"
    if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
      die "the package $pkg is not available from this machine's apt sources (on Ubuntu it is in the universe component: add-apt-repository universe)"
    fi
  done
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  changed "installed packages ${missing[*]}"
}

ensure_user() {
  if id -u "$SERVICE_USER" >/dev/null 2>&1; then
    kept "system user $SERVICE_USER"
  else
    useradd --system --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin --user-group "$SERVICE_USER"
    changed "created the system user $SERVICE_USER"
  fi
}

# ensure_dir PATH MODE OWNER:GROUP
ensure_dir() {
  local dir="$1" mode="$2" owner="$3"
  if [ -d "$dir" ] && [ "$(stat -c '%a %U:%G' "$dir")" = "${mode#0} $owner" ]; then
    return
  fi
  install -d -m "$mode" -o "${owner%%:*}" -g "${owner##*:}" "$dir"
  changed "folder $dir ($mode, $owner)"
}

ensure_folders() {
  ensure_dir "$PREFIX" 0755 root:root
  ensure_dir "$ETC_DIR" 0750 "root:$SERVICE_USER"
  ensure_dir "$DATA_DIR" 0750 "$SERVICE_USER:$SERVICE_USER"
}

secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# write_config FILE: the config from stdin, only when FILE does not exist yet (it holds secrets
# that data depends on, so a rerun never regenerates them; edit the file to change a setting).
write_config() {
  local file="$1"
  if [ -e "$file" ]; then
    cat >/dev/null
    kept "configuration $file (edit it to change a setting)"
    return
  fi
  local tmp
  tmp="$(mktemp "$ETC_DIR/.new.XXXXXX")"
  cat >"$tmp"
  chown "root:$SERVICE_USER" "$tmp"
  chmod 0640 "$tmp"
  mv "$tmp" "$file"
  changed "wrote $file (0640)"
}

# --- Node.js --------------------------------------------------------------------------------------

host_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# fetch_verified URL FILE [sha512-BASE64|sha256-HEX]
fetch_verified() {
  local url="$1" file="$2" sum="${3:-}"
  curl -fsSL --retry 3 -o "$file" "$url" || die "could not download $url"
  case "$sum" in
    sha512-*)
      local want got
      want="$(printf '%s' "${sum#sha512-}" | base64 -d | od -An -tx1 | tr -d ' \n')"
      got="$(sha512sum "$file" | cut -d' ' -f1)"
      [ "$want" = "$got" ] || die "$url does not match the registry's checksum"
      ;;
    "") ;;
    *) [ "$(sha256sum "$file" | cut -d' ' -f1)" = "$sum" ] || die "$url does not match CONDUCTOR_NODE_SHA256" ;;
  esac
}

# registry_tarball NAME VERSION FILE: a package's tarball from the registry, checked with its integrity.
registry_tarball() {
  local doc integrity
  doc="$(curl -fsSL --retry 3 "$REGISTRY/$1/$2")" || die "the registry $REGISTRY has no $1@$2"
  integrity="$(printf '%s' "$doc" | tr -d '\n' | sed -n 's/.*"integrity": *"\(sha512-[^"]*\)".*/\1/p')"
  [ -n "$integrity" ] || die "the registry's answer for $1@$2 has no sha512 integrity"
  fetch_verified "$REGISTRY/$1/-/$1-$2.tgz" "$3" "$integrity"
}

ensure_node() {
  local arch want tmp
  arch="$(node_arch)"
  if [ "$(host_node_major)" -ge 22 ] && command -v npm >/dev/null 2>&1; then
    want="host $(command -v node)"
  else
    want="${NODE_URL:-node-linux-$arch@$NODE_VERSION} + npm@$NPM_VERSION"
  fi
  if [ -x "$NODE_BIN" ] && [ "$(cat "$PREFIX/node/.source" 2>/dev/null)" = "$want" ]; then
    kept "Node.js $("$NODE_BIN" --version) in $PREFIX/node"
    return
  fi
  rm -rf "$PREFIX/node.new" "$PREFIX/npm.new"
  mkdir -p "$PREFIX/node.new/bin"
  if [[ "$want" == host* ]]; then
    ln -s "$(command -v node)" "$PREFIX/node.new/bin/node"
  else
    tmp="$(mktemp -d)"
    if [ -n "$NODE_URL" ]; then
      fetch_verified "$NODE_URL" "$tmp/node.tgz" "$NODE_SHA256"
    else
      registry_tarball "node-linux-$arch" "$NODE_VERSION" "$tmp/node.tgz"
    fi
    tar -xf "$tmp/node.tgz" -C "$PREFIX/node.new" --strip-components=1 --no-same-owner
    registry_tarball npm "$NPM_VERSION" "$tmp/npm.tgz"
    mkdir -p "$PREFIX/npm.new"
    tar -xzf "$tmp/npm.tgz" -C "$PREFIX/npm.new" --strip-components=1 --no-same-owner
    rm -rf "$tmp"
    [ -x "$PREFIX/node.new/bin/node" ] || die "the Node.js download has no bin/node"
    rm -rf "$PREFIX/npm"
    mv "$PREFIX/npm.new" "$PREFIX/npm"
  fi
  printf '%s\n' "$want" >"$PREFIX/node.new/.source"
  rm -rf "$PREFIX/node"
  mv "$PREFIX/node.new" "$PREFIX/node"
  changed "Node.js $("$NODE_BIN" --version) in $PREFIX/node ($want)"
}

# npm with our Node first on PATH (node-gyp and install scripts run `node`), building native
# modules against its headers, and trusting the system's certificates (a host behind a
# TLS-inspecting proxy has its CA there, not in Node's bundled list).
run_npm() {
  local npm=(npm)
  [ -f "$PREFIX/npm/bin/npm-cli.js" ] && [ ! -L "$NODE_BIN" ] && npm=("$NODE_BIN" "$PREFIX/npm/bin/npm-cli.js")
  local env=(PATH="$PREFIX/node/bin:$PATH" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false)
  [ -d "$PREFIX/node/include/node" ] && env+=(npm_config_nodedir="$PREFIX/node")
  [ -f /etc/ssl/certs/ca-certificates.crt ] && env+=(npm_config_cafile=/etc/ssl/certs/ca-certificates.crt)
  env "${env[@]}" "${npm[@]}" --loglevel=error "$@"
}

# --- the application -----------------------------------------------------------------------------

SOURCE=""
SOURCE_TMP=""
cleanup() { if [ -n "$SOURCE_TMP" ]; then rm -rf "$SOURCE_TMP"; fi; }
trap cleanup EXIT

# resolve_source DIR|URL: sets SOURCE to a folder holding the Conductor repository or release.
resolve_source() {
  local given="$1"
  if [ -z "$given" ]; then
    given="$(cd "$SCRIPT_DIR/.." && pwd)"
  fi
  case "$given" in
    http://* | https://*)
      SOURCE_TMP="$(mktemp -d)"
      curl -fsSL --retry 3 -o "$SOURCE_TMP/source.tgz" "$given" || die "could not download $given"
      mkdir "$SOURCE_TMP/src"
      tar -xf "$SOURCE_TMP/source.tgz" -C "$SOURCE_TMP/src" --no-same-owner || die "$given is not a tarball of Conductor"
      SOURCE="$SOURCE_TMP/src"
      # A GitHub archive has one top folder.
      if [ ! -f "$SOURCE/package.json" ] && [ "$(find "$SOURCE" -mindepth 1 -maxdepth 1 | wc -l)" = 1 ]; then
        SOURCE="$(find "$SOURCE" -mindepth 1 -maxdepth 1)"
      fi
      ;;
    *) SOURCE="$(cd "$given" 2>/dev/null && pwd)" || die "--source: no folder $given" ;;
  esac
  grep -q '"name": "conductor"' "$SOURCE/package.json" 2>/dev/null || die "--source: $given is not a Conductor source (no package.json named conductor)"
}

# What is copied from a source: everything but dependencies, VCS data, local tools and data.
source_tar() {
  tar -C "$SOURCE" --exclude=node_modules --exclude=./.git --exclude=./.tools --exclude=./data --exclude=./artifacts --exclude=.cache \
    --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - .
}

source_fingerprint() { source_tar | sha256sum | cut -c1-16; }

current_release() { readlink "$PREFIX/current" 2>/dev/null || true; }

# built DIR: the release's UI and its compiled server (each package's dist/, fresh) are there.
built() {
  local dir="$1" plugin
  [ -f "$dir/panel-ui/dist/index.html" ] || return 1
  for plugin in "$dir"/plugins/*/; do
    if [ -f "$plugin/ui/index.ts" ] && [ ! -f "$plugin/ui-dist/index.js" ]; then return 1; fi
  done
  "$NODE_BIN" "$dir/scripts/build-server.mjs" --check
}

# What the installed dependencies depend on: the lockfile, every package.json and the Node.js.
deps_fingerprint() {
  { "$NODE_BIN" --version; cat "$1/package-lock.json"; find "$1" -name package.json -not -path '*/node_modules/*' | sort | xargs cat; } | sha256sum | cut -c1-16
}

# reuse_deps FROM TO: hard-links FROM's node_modules folders into TO (nothing writes to them).
reuse_deps() {
  (cd "$1" && find . -name node_modules -type d -prune) | while read -r dir; do
    cp -al "$1/$dir" "$2/$dir"
  done
}

# stage_release FINGERPRINT: copies the source to a new release folder and installs its
# production dependencies; prints the folder. Dependencies the running release has for the same
# lockfile and Node.js are reused (an upgrade then takes seconds, without building sqlite3 again).
# A source without its built UI or compiled server is built here (with the development dependencies,
# pruned afterwards).
stage_release() {
  local release previous deps
  release="$PREFIX/releases/$(date -u +%Y%m%d%H%M%S)-$1"
  previous="$(current_release)"
  rm -rf "$release"
  mkdir -p "$release"
  source_tar | tar -C "$release" -xf -
  deps="$(deps_fingerprint "$release")"
  if [ -n "$previous" ] && [ "$(cat "$previous/.conductor-deps" 2>/dev/null)" = "$deps" ] && built "$release"; then
    reuse_deps "$previous" "$release"
    say "  dependencies unchanged: reused those of $previous" >&2
  elif built "$release"; then
    (cd "$release" && run_npm ci --omit=dev >&2) || { rm -rf "$release"; die "npm ci failed in $release"; }
  else
    say "  the source is not built (UI or server): building it (needs the development dependencies once)" >&2
    (cd "$release" && run_npm ci >&2 && PATH="$PREFIX/node/bin:$PATH" sh -c 'node scripts/build-server.mjs && node scripts/build-ui.mjs' >&2 && run_npm prune --omit=dev >&2) || { rm -rf "$release"; die "building $release failed"; }
  fi
  printf '%s\n' "$1" >"$release/.conductor-source"
  printf '%s\n' "$deps" >"$release/.conductor-deps"
  chmod -R go-w "$release"
  printf '%s' "$release"
}

switch_release() {
  ln -sfn "$1" "$PREFIX/current.new"
  mv -T "$PREFIX/current.new" "$PREFIX/current"
}

prune_releases() {
  local keep current
  current="$(current_release)"
  keep="$(find "$PREFIX/releases" -mindepth 1 -maxdepth 1 -type d | sort -r | head -n "$KEEP_RELEASES")"
  find "$PREFIX/releases" -mindepth 1 -maxdepth 1 -type d | while read -r dir; do
    if [ "$dir" != "$current" ] && ! grep -qxF "$dir" <<<"$keep"; then rm -rf "$dir"; fi
  done
}

ensure_app() {
  if [ -n "$(current_release)" ] && [ -d "$(current_release)" ]; then
    kept "application $(current_release) (install.sh upgrade installs another version)"
    return
  fi
  resolve_source "$SOURCE_ARG"
  local release
  release="$(stage_release "$(source_fingerprint)")"
  switch_release "$release"
  changed "installed the application in $release ($PREFIX/current)"
}

ensure_cli() {
  local want tmp
  want="$(cat <<EOF
#!/bin/sh
# Conductor's command line (migrate, user:create, config check, ...) with the installed panel's
# configuration, run as the $SERVICE_USER user. Installed by installer/install.sh.
set -eu
[ "\$(id -u)" = 0 ] || { echo "run me as root: sudo conductor \$*" >&2; exit 1; }
set -a
. "$PANEL_ENV"
set +a
cd "$PREFIX/current"
exec setpriv --reuid=$SERVICE_USER --regid=$SERVICE_USER --init-groups "$NODE_BIN" --conditions=conductor-compiled core/dist/cli.js "\$@"
EOF
)"
  mkdir -p "$PREFIX/bin"
  if [ "$(cat "$PREFIX/bin/conductor" 2>/dev/null)" = "$want" ]; then
    kept "command $PREFIX/bin/conductor"
  else
    tmp="$(mktemp "$PREFIX/bin/.new.XXXXXX")"
    printf '%s\n' "$want" >"$tmp"
    chmod 0755 "$tmp"
    mv "$tmp" "$PREFIX/bin/conductor"
    changed "command $PREFIX/bin/conductor"
  fi
  if [ "$(readlink /usr/local/bin/conductor 2>/dev/null)" != "$PREFIX/bin/conductor" ]; then
    ln -sfn "$PREFIX/bin/conductor" /usr/local/bin/conductor
    changed "linked /usr/local/bin/conductor"
  fi
}

# --- systemd -------------------------------------------------------------------------------------

# The hardening both services share: read-only system, no home folders, a private /tmp, writes
# only under the data folder.
hardening() {
  cat <<EOF
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
RestrictNamespaces=yes
LockPersonality=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
CapabilityBoundingSet=
UMask=0027
ReadWritePaths=$DATA_DIR
Restart=on-failure
RestartSec=5s
TimeoutStopSec=30s
EOF
}

# unit_file DESCRIPTION UNIT-LINES SERVICE-LINES ENVIRONMENT-FILE ENTRY: a Conductor service.
unit_file() {
  cat <<EOF
# Installed by Conductor's installer/install.sh; a rerun rewrites it.
[Unit]
Description=$1
Documentation=https://github.com/conductor/conductor/blob/main/docs/operations.md
Wants=network-online.target
StartLimitIntervalSec=300
StartLimitBurst=5
$2

[Service]
Type=simple
User=$SERVICE_USER
Group=$SERVICE_USER
WorkingDirectory=$PREFIX/current
EnvironmentFile=$4
Environment=NODE_ENV=production
ExecStart=$NODE_BIN $NODE_FLAGS $5
$(hardening)
$3

[Install]
WantedBy=multi-user.target
EOF
}

panel_unit() {
  unit_file "Conductor panel" "After=network-online.target postgresql.service" "" "$PANEL_ENV" core/dist/main.js
}

# The agent talks to Docker through its socket (the docker group); game containers are Docker's
# own, so they keep running while the agent restarts.
agent_unit() {
  unit_file "Conductor node agent" $'After=network-online.target docker.service\nRequires=docker.service' \
    $'SupplementaryGroups=docker\nReadWritePaths=-/run/docker.sock' "$AGENT_ENV" wings-agent/dist/main.js
}

# ensure_unit NAME CONTENT
ensure_unit() {
  local file="$UNIT_DIR/$1"
  if [ "$(cat "$file" 2>/dev/null)" = "$2" ]; then
    kept "unit $file"
  else
    mkdir -p "$UNIT_DIR"
    printf '%s\n' "$2" >"$file.new"
    chmod 0644 "$file.new"
    mv "$file.new" "$file"
    changed "unit $file"
    if have_systemd; then systemctl daemon-reload; fi
  fi
  if have_systemd; then
    if ! systemctl is-enabled --quiet "$1"; then
      systemctl enable --quiet "$1"
      changed "enabled $1"
    fi
    if ! systemctl is-active --quiet "$1"; then
      systemctl start "$1"
      changed "started $1"
    fi
  else
    say "  systemd is not running here: start the service yourself (see $file)"
  fi
}

service_installed() { [ -f "$UNIT_DIR/$1" ]; }

services_do() {
  local verb="$1" unit
  have_systemd || return 0
  for unit in "$PANEL_UNIT" "$AGENT_UNIT"; do
    if service_installed "$unit"; then systemctl "$verb" "$unit" || true; fi
  done
}

# --- PostgreSQL ------------------------------------------------------------------------------------

as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

ensure_postgres() {
  apt_install postgresql
  if [ -z "$(pg_lsclusters -h | awk '$4 == "online"')" ]; then
    local cluster
    cluster="$(pg_lsclusters -h | awk 'NR == 1 { print $1 " " $2 }')"
    [ -n "$cluster" ] || die "PostgreSQL is installed but has no cluster (pg_createcluster 15 main --start)"
    # shellcheck disable=SC2086 # version and name
    pg_ctlcluster $cluster start
    changed "started PostgreSQL cluster $cluster"
  fi
  local role_exists
  role_exists="$(cd / && as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$SERVICE_USER'")"
  if [ "$role_exists" = 1 ] && grep -q '^DATABASE_URL=' "$PANEL_ENV" 2>/dev/null; then
    kept "PostgreSQL role and database $SERVICE_USER"
    DATABASE_URL="$(sed -n 's/^DATABASE_URL=//p' "$PANEL_ENV")"
    return
  fi
  local password
  password="$(secret)"
  if [ "$role_exists" = 1 ]; then
    (cd / && as_postgres psql -qc "ALTER ROLE $SERVICE_USER WITH LOGIN PASSWORD '$password'")
  else
    (cd / && as_postgres psql -qc "CREATE ROLE $SERVICE_USER WITH LOGIN PASSWORD '$password'")
  fi
  if [ "$(cd / && as_postgres psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$SERVICE_USER'")" != 1 ]; then
    (cd / && as_postgres createdb -O "$SERVICE_USER" "$SERVICE_USER")
  fi
  DATABASE_URL="postgresql://$SERVICE_USER:$password@127.0.0.1:5432/$SERVICE_USER"
  changed "PostgreSQL role and database $SERVICE_USER (random password, in $PANEL_ENV)"
}

# --- roles ---------------------------------------------------------------------------------------

already_installed() { [ -f "$UNIT_DIR/$1" ] || [ -f "$2" ]; }

default_public_url() {
  local ip
  ip="$(hostname -I 2>/dev/null | awk '{ print $1 }')"
  printf 'http://%s:%s' "${ip:-127.0.0.1}" "$1"
}

install_panel() {
  local port="${PORT_ARG:-8080}" public_url
  check_os
  node_arch >/dev/null
  check_memory panel
  if ! already_installed "$PANEL_UNIT" "$PANEL_ENV"; then check_port "$port" "panel's port"; fi
  if [ "$POSTGRES" = 1 ] && [ -f "$PANEL_ENV" ] && ! grep -q '^DATABASE_URL=' "$PANEL_ENV"; then
    die "--postgres: this panel is installed with SQLite ($DATA_DIR/panel); moving its data to PostgreSQL is not automated, so nothing was changed"
  fi
  say "Installing the Conductor panel"
  apt_install ca-certificates curl python3 make g++
  ensure_user
  ensure_folders
  ensure_dir "$DATA_DIR/panel" 0750 "$SERVICE_USER:$SERVICE_USER"
  DATABASE_URL=""
  if [ "$POSTGRES" = 1 ]; then ensure_postgres; fi
  public_url="${PUBLIC_URL_ARG:-$(default_public_url "$port")}"
  write_config "$PANEL_ENV" <<EOF
# Conductor panel configuration (docs/configuration.md). Read by $PANEL_UNIT and by
# the \`conductor\` command. SECRET_KEY seals node tokens in the database: keep it with the backups.
HOST=0.0.0.0
PORT=$port
PUBLIC_URL=$public_url
DATA_DIR=$DATA_DIR/panel
SECRET_KEY=$(secret)
METRICS_TOKEN=$(secret)
LOG_FORMAT=json
# Nodes are installed with \`install.sh node\`, also on this machine.
LOCAL_AGENT=off
${DATABASE_URL:+DATABASE_URL=$DATABASE_URL}
EOF
  ensure_node
  ensure_app
  ensure_cli
  ensure_unit "$PANEL_UNIT" "$(panel_unit)"
  public_url="$(sed -n 's/^PUBLIC_URL=//p' "$PANEL_ENV")"
  finish "The panel: $public_url (health: $public_url/readyz)
Make the first administrator:
  sudo conductor user:create --email you@example.com --password 'a long password' --admin
Sign in; the panel asks who may create an account (sign-up stays closed until you answer).
Then add nodes in the panel (Admin > Nodes) and run on each: install.sh node --panel $public_url --token <the node's token>"
}

install_node() {
  local port="${PORT_ARG:-8443}" uid gid
  [ -n "$PANEL_URL_ARG" ] || die "node: --panel URL is required (the panel's address)"
  [[ "$PANEL_URL_ARG" =~ ^https?://[^[:space:]]+$ ]] || die "--panel: expected an http(s) URL, got $PANEL_URL_ARG"
  [ -n "$TOKEN_ARG" ] || die "node: --token TOKEN is required (shown once when the node is added in the panel)"
  [[ "$TOKEN_ARG" =~ ^[A-Za-z0-9_.~-]{32,}$ ]] || die "--token: expected the node token the panel showed (32 or more letters, digits, - _ . ~)"
  check_os
  node_arch >/dev/null
  check_memory node
  if ! already_installed "$AGENT_UNIT" "$AGENT_ENV"; then check_port "$port" "agent's port"; fi
  say "Installing a Conductor node"
  apt_install ca-certificates curl python3 make g++ docker.io
  if have_systemd && ! systemctl is-active --quiet docker; then
    systemctl enable --now docker
    changed "started Docker"
  fi
  ensure_user
  if [[ " $(id -nG "$SERVICE_USER") " == *" docker "* ]]; then
    kept "$SERVICE_USER is in the docker group"
  else
    usermod -aG docker "$SERVICE_USER"
    changed "added $SERVICE_USER to the docker group"
  fi
  ensure_folders
  ensure_dir "$DATA_DIR/agent" 0750 "$SERVICE_USER:$SERVICE_USER"
  uid="$(id -u "$SERVICE_USER")"
  gid="$(id -g "$SERVICE_USER")"
  # A join token (cdj_..., in the user data of a machine the panel provisioned) is traded by the
  # agent on its first start for a node of its own; any other token is the node's token itself.
  local token_line="AGENT_TOKEN=$TOKEN_ARG"
  if [[ "$TOKEN_ARG" == cdj_* ]]; then token_line="AGENT_JOIN_TOKEN=$TOKEN_ARG"; fi
  if [ -f "$AGENT_ENV" ] && ! grep -qxF "$token_line" "$AGENT_ENV"; then
    say "  note: $AGENT_ENV has another token; the agent keeps its own (rotate tokens from the panel)"
  fi
  # Game processes run as the service user, so the agent owns and can manage their files.
  write_config "$AGENT_ENV" <<EOF
# Conductor node agent configuration (wings-agent/src/config.ts). The token seeds the agent's
# store on first start; the panel rotates it later without touching this file.
$token_line
AGENT_HOST=0.0.0.0
AGENT_PORT=$port
AGENT_DATA_DIR=$DATA_DIR/agent
AGENT_SERVER_USER=$uid:$gid
LOG_FORMAT=json
# The panel this node was installed for (the panel connects to the agent, not the other way).
CONDUCTOR_PANEL_URL=$PANEL_URL_ARG
EOF
  ensure_node
  ensure_app
  ensure_unit "$AGENT_UNIT" "$(agent_unit)"
  if ! curl -fsS -o /dev/null --max-time 10 "${PANEL_URL_ARG%/}/healthz"; then
    say "  warning: the panel at $PANEL_URL_ARG does not answer from here; check the address"
  fi
  finish "The agent listens on port $port. The panel must reach this machine on that port: in the panel, set this node's address and agent port $port, then Check."
}

finish() {
  say ""
  if [ "$CHANGES" = 0 ]; then
    say "Nothing changed: Conductor is already installed as asked."
  else
    say "Done ($CHANGES changes)."
  fi
  say "$1"
}

# --- upgrade --------------------------------------------------------------------------------------

panel_db_backup() {
  local dir="$1" url
  url="$(sed -n 's/^DATABASE_URL=//p' "$PANEL_ENV")"
  if [ -n "$url" ]; then
    command -v pg_dump >/dev/null || { say "backing up the panel's PostgreSQL database needs pg_dump (apt-get install postgresql-client)" >&2; return 1; }
    pg_dump -Fc -f "$dir/panel.pgdump" "$url"
  else
    # The panel is stopped by now; its write-ahead log, if any, belongs with the file.
    local file
    for file in conductor.sqlite conductor.sqlite-wal conductor.sqlite-shm; do
      if [ -f "$DATA_DIR/panel/$file" ]; then cp -a "$DATA_DIR/panel/$file" "$dir/$file" || return 1; fi
    done
  fi
}

panel_db_restore() {
  local dir="$1" url
  url="$(sed -n 's/^DATABASE_URL=//p' "$PANEL_ENV")"
  if [ -f "$dir/panel.pgdump" ]; then
    pg_restore --clean --if-exists --no-owner -d "$url" "$dir/panel.pgdump"
  elif [ -f "$dir/conductor.sqlite" ]; then
    rm -f "$DATA_DIR/panel/conductor.sqlite-wal" "$DATA_DIR/panel/conductor.sqlite-shm"
    cp -a "$dir"/conductor.sqlite* "$DATA_DIR/panel/"
  fi
}

panel_ready() {
  local port
  port="$(sed -n 's/^PORT=//p' "$PANEL_ENV")"
  for _ in $(seq 1 60); do
    if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/readyz"; then return 0; fi
    sleep 1
  done
  return 1
}

upgrade() {
  local previous fingerprint release backup
  previous="$(current_release)"
  [ -n "$previous" ] || die "upgrade: Conductor is not installed here (run install.sh panel or node first)"
  check_os
  resolve_source "$SOURCE_ARG"
  fingerprint="$(source_fingerprint)"
  if [ "$(cat "$previous/.conductor-source" 2>/dev/null)" = "$fingerprint" ]; then
    say "Nothing changed: $previous is already this version."
    return
  fi
  say "Upgrading Conductor from $previous"
  ensure_node
  release="$(stage_release "$fingerprint")"
  backup="$DATA_DIR/backups/upgrade-$(date -u +%Y%m%d%H%M%S)"
  install -d -m 0700 "$DATA_DIR/backups"
  install -d -m 0700 "$backup"
  services_do stop
  if ! tar -C "$(dirname "$ETC_DIR")" -cf "$backup/etc-conductor.tar" "$(basename "$ETC_DIR")" || { [ -f "$PANEL_ENV" ] && ! panel_db_backup "$backup"; }; then
    services_do start
    rm -rf "$release"
    die "upgrade: the backup to $backup failed; nothing was changed"
  fi
  say "  backed up the configuration and the panel's database to $backup"
  switch_release "$release"
  local failed=""
  if [ -f "$PANEL_ENV" ] && ! "$PREFIX/bin/conductor" migrate; then failed="the migrations failed"; fi
  if [ -z "$failed" ]; then
    services_do start
    if have_systemd && service_installed "$PANEL_UNIT" && ! panel_ready; then failed="the new panel did not become ready in 60 s"; fi
  fi
  if [ -n "$failed" ]; then
    say "Upgrade failed: $failed. Rolling back to $previous." >&2
    services_do stop
    switch_release "$previous"
    if [ -f "$PANEL_ENV" ]; then panel_db_restore "$backup"; fi
    services_do start
    rm -rf "$release"
    die "rolled back to $previous (the backup stays in $backup)"
  fi
  prune_releases
  say "Upgraded to $release (backup in $backup; the previous release is kept for a manual rollback)."
}

# --- uninstall ------------------------------------------------------------------------------------

uninstall() {
  local unit
  for unit in "$PANEL_UNIT" "$AGENT_UNIT"; do
    if service_installed "$unit"; then
      if have_systemd; then systemctl disable --now --quiet "$unit" || true; fi
      rm -f "$UNIT_DIR/$unit"
      changed "removed $unit"
    fi
  done
  if have_systemd; then systemctl daemon-reload; fi
  if [ -L /usr/local/bin/conductor ]; then rm -f /usr/local/bin/conductor && changed "removed /usr/local/bin/conductor"; fi
  if [ -d "$PREFIX" ]; then rm -rf "$PREFIX" && changed "removed $PREFIX"; fi
  if [ "$PURGE" = 1 ]; then
    if grep -q '^DATABASE_URL=postgresql://conductor:.*@127.0.0.1:5432/conductor$' "$PANEL_ENV" 2>/dev/null && command -v psql >/dev/null; then
      (cd / && as_postgres dropdb --if-exists "$SERVICE_USER" && as_postgres dropuser --if-exists "$SERVICE_USER") && changed "dropped the PostgreSQL database and role $SERVICE_USER"
    fi
    if [ -d "$DATA_DIR" ]; then rm -rf "$DATA_DIR" && changed "removed $DATA_DIR"; fi
    if [ -d "$ETC_DIR" ]; then rm -rf "$ETC_DIR" && changed "removed $ETC_DIR"; fi
    if id -u "$SERVICE_USER" >/dev/null 2>&1; then userdel "$SERVICE_USER" && changed "removed the user $SERVICE_USER"; fi
    finish "Conductor is removed with its data. Docker and PostgreSQL stay installed."
  else
    finish "Conductor is removed; its data ($DATA_DIR) and configuration ($ETC_DIR) are kept. install.sh uninstall --purge removes them."
  fi
}

# --- arguments ------------------------------------------------------------------------------------

COMMAND="${1:-}"
[ -n "$COMMAND" ] || usage
shift
POSTGRES=0
PURGE=0
SOURCE_ARG=""
PANEL_URL_ARG=""
TOKEN_ARG=""
PORT_ARG=""
PUBLIC_URL_ARG=""
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) [ "$COMMAND" = panel ] || die "--postgres is for install.sh panel"; POSTGRES=1 ;;
    --purge) [ "$COMMAND" = uninstall ] || die "--purge is for install.sh uninstall"; PURGE=1 ;;
    --source | --panel | --token | --port | --public-url)
      [ $# -ge 2 ] || die "$1 needs a value"
      case "$1" in
        --source) SOURCE_ARG="$2" ;;
        --panel) PANEL_URL_ARG="$2" ;;
        --token) TOKEN_ARG="$2" ;;
        --port) PORT_ARG="$2" ;;
        --public-url) PUBLIC_URL_ARG="$2" ;;
      esac
      shift
      ;;
    -h | --help) usage ;;
    *) die "unknown option $1 (install.sh --help)" ;;
  esac
  shift
done

case "$COMMAND" in
  panel) [ -z "$PANEL_URL_ARG$TOKEN_ARG" ] || die "--panel and --token are for install.sh node" ;;
  node) [ -z "$PUBLIC_URL_ARG" ] || die "--public-url is for install.sh panel" ;;
  upgrade | uninstall) [ -z "$PANEL_URL_ARG$TOKEN_ARG$PORT_ARG$PUBLIC_URL_ARG" ] || die "$COMMAND takes no --panel, --token, --port or --public-url" ;;
esac
if [ -n "$PUBLIC_URL_ARG" ] && ! [[ "$PUBLIC_URL_ARG" =~ ^https?://[^[:space:]]+$ ]]; then die "--public-url: expected an http(s) URL, got $PUBLIC_URL_ARG"; fi
check_root "$COMMAND"
case "$COMMAND" in
  panel) install_panel ;;
  node) install_node ;;
  upgrade) upgrade ;;
  uninstall) uninstall ;;
  *) usage ;;
esac
