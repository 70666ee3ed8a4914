#!/bin/sh
# kombify agent installer, served by the kombify edge at /install.sh:
#
#   curl -fsSL <edge>/install.sh | sh -s -- --token <enrollment token>
#
# Puts the kombify agent (its own Node runtime plus the agent bundle, both checked against a
# manifest the edge signs with Ed25519) into /opt/kombify-agent, enrolls this node with the
# token, and runs the agent as a systemd service. Safe to run again: a re-run upgrades in place
# and keeps the node's identity (no token needed then) and its job policy. --uninstall removes
# what it installed.
#
# POSIX sh (dash, busybox ash): checked with `shellcheck -s sh`. Everything runs from main() at
# the very end, so a download cut short by the network never runs half a script.

set -eu

# Filled in by the edge that serves this script.
EDGE_DEFAULT='@@KOMBIFY_EDGE_URL@@'
RELEASE_PUBLIC_KEY='@@KOMBIFY_RELEASE_PUBLIC_KEY@@'

UNIT_NAME=kombify-agent.service
UNIT_PATH=/etc/systemd/system/kombify-agent.service
LINK_PATH=/usr/local/bin/kombify-agent
PREFIX_MARKER=.kombify-agent-install
DATA_MARKER=.kombify-agent-data

# Exit codes (also in --help).
E_FAIL=1
E_USAGE=2
E_ENROLL=3
E_PLATFORM=4
E_PREREQ=5
E_VERIFY=6
E_DOWNLOAD=7

usage() {
  cat <<EOF
kombify agent installer

  curl -fsSL $EDGE_DEFAULT/install.sh | sh -s -- --token <enrollment token> [options]

Options:
  --token <token>     one-time enrollment token (kfe_…); not needed when this node is enrolled
  --name <name>       worker name (default: the host name)
  --prefix <dir>      where the agent is installed (default /opt/kombify-agent)
  --data-dir <dir>    identity and outbox (default /var/lib/kombify-agent as root)
  --policy <file>     this node's job policy: what the edge may make the agent do (default
                      /etc/kombify/policy.json as root, <data dir>/policy.json otherwise);
                      written once, never replaced: edit it to allow more
  --edge <url>        the kombify edge (default $EDGE_DEFAULT)
  --no-service        no systemd unit: run the agent in the foreground (containers, tests)
  --uninstall         stop the agent and remove everything this installer put in place
  -h, --help          this help

Running it again upgrades in place and keeps this node's identity and job policy.
Exit codes: 0 ok, 1 failed, 2 usage, 3 enrollment refused, 4 unsupported system,
            5 missing prerequisite, 6 download failed verification, 7 download failed.
EOF
}

info() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  code=$1
  shift
  printf 'error: %s\n' "$*" >&2
  exit "$code"
}

# ---------------------------------------------------------------------------------------------
# State for cleanup: what this run created, so a failure leaves the machine as it found it.
TMP=
STAGES=
CREATED_PREFIX=0
CREATED_DATA=0
CREATED_POLICY=0
FINISHED=0

cleanup() {
  status=$?
  [ -n "$TMP" ] && rm -rf "$TMP"
  if [ "$FINISHED" -eq 0 ]; then
    for stage in $STAGES; do rm -rf "$stage"; done
    if [ "$CREATED_PREFIX" -eq 1 ] && [ -d "$PREFIX" ]; then rm -rf "$PREFIX"; fi
    if [ "$CREATED_DATA" -eq 1 ] && [ -d "$DATA_DIR" ]; then rm -rf "$DATA_DIR"; fi
    if [ "$CREATED_POLICY" -eq 1 ]; then rm -f "$POLICY"; fi
    if [ "$status" -ne 0 ] && { [ "$CREATED_PREFIX" -eq 1 ] || [ -n "$STAGES" ]; }; then
      printf 'Nothing was installed: this run removed what it had put in place.\n' >&2
    fi
  fi
  return "$status"
}

# ---------------------------------------------------------------------------------------------
parse_args() {
  TOKEN=
  NAME=
  PREFIX=/opt/kombify-agent
  DATA_DIR=
  POLICY=
  EDGE=$EDGE_DEFAULT
  SERVICE=1
  UNINSTALL=0
  while [ $# -gt 0 ]; do
    case $1 in
      --token | --name | --prefix | --data-dir | --policy | --edge)
        [ $# -ge 2 ] || die "$E_USAGE" "$1 needs a value"
        case $1 in
          --token) TOKEN=$2 ;;
          --name) NAME=$2 ;;
          --prefix) PREFIX=$2 ;;
          --data-dir) DATA_DIR=$2 ;;
          --policy) POLICY=$2 ;;
          --edge) EDGE=$2 ;;
        esac
        shift 2
        ;;
      --token=*) TOKEN=${1#*=} && shift ;;
      --name=*) NAME=${1#*=} && shift ;;
      --prefix=*) PREFIX=${1#*=} && shift ;;
      --data-dir=*) DATA_DIR=${1#*=} && shift ;;
      --policy=*) POLICY=${1#*=} && shift ;;
      --edge=*) EDGE=${1#*=} && shift ;;
      --no-service) SERVICE=0 && shift ;;
      --uninstall) UNINSTALL=1 && shift ;;
      -h | --help)
        usage
        exit 0
        ;;
      *)
        usage >&2
        die "$E_USAGE" "unknown option: $1"
        ;;
    esac
  done
  PREFIX=$(checked_path --prefix "$PREFIX") || exit "$E_USAGE"
  if [ -z "$DATA_DIR" ]; then
    if [ "$(id -u)" -eq 0 ]; then DATA_DIR=/var/lib/kombify-agent; else DATA_DIR=${HOME:?}/.kombify-agent; fi
  fi
  DATA_DIR=$(checked_path --data-dir "$DATA_DIR") || exit "$E_USAGE"
  if [ -z "$POLICY" ]; then
    if [ "$(id -u)" -eq 0 ]; then POLICY=/etc/kombify/policy.json; else POLICY=$DATA_DIR/policy.json; fi
  fi
  POLICY=$(checked_path --policy "$POLICY") || exit "$E_USAGE"
  EDGE=${EDGE%/}
  case $EDGE in
    http://* | https://*) ;;
    *) die "$E_USAGE" "--edge must be an http(s) URL, got: $EDGE" ;;
  esac
  case $EDGE in *[!A-Za-z0-9.:/_-]*) die "$E_USAGE" "--edge has characters a URL here may not: $EDGE" ;; esac
  # Plain http only to this machine itself: the agent's token and its jobs cross this connection
  # (issue 20, L9). KOMBIFY_ALLOW_HTTP_EDGE=1 says a trusted network on purpose.
  case $EDGE in
    https://*) ;;
    *)
      edge_host=${EDGE#http://}
      edge_host=${edge_host%%/*}
      edge_host=${edge_host%%:*}
      case $edge_host in
        localhost) ;;
        127.*[!0-9.]* | *[!0-9.]*) insecure_edge ;;
        127.*) ;;
        *) insecure_edge ;;
      esac
      ;;
  esac
  if [ -n "$NAME" ]; then
    case $NAME in
      [A-Za-z0-9]*) ;;
      *) die "$E_USAGE" "--name must start with a letter or digit" ;;
    esac
    case $NAME in *[!A-Za-z0-9._-]*) die "$E_USAGE" "--name may use letters, digits, '.', '_' and '-'" ;; esac
  fi
}

insecure_edge() {
  [ "${KOMBIFY_ALLOW_HTTP_EDGE:-}" = 1 ] ||
    die "$E_USAGE" "--edge $EDGE is plain http on another machine: this node's token and jobs would cross the network unencrypted; use https:// (or set KOMBIFY_ALLOW_HTTP_EDGE=1 on a network you trust)"
}

# Absolute, not the root, no characters that would need quoting in the files we write.
checked_path() {
  path=$2
  while [ "${#path}" -gt 1 ] && [ "${path%/}" != "$path" ]; do path=${path%/}; done
  case $path in
    /) die "$E_USAGE" "$1 may not be /" ;;
    /*) ;;
    *) die "$E_USAGE" "$1 must be an absolute path, got: $path" ;;
  esac
  case $path in *[!A-Za-z0-9./_-]*) die "$E_USAGE" "$1 may use letters, digits, '.', '/', '_' and '-': $path" ;; esac
  printf '%s\n' "$path"
}

# ---------------------------------------------------------------------------------------------
# Checks, in order, before anything is written.

detect_platform() {
  os=$(uname -s)
  machine=$(uname -m)
  [ "$os" = Linux ] ||
    die "$E_PLATFORM" "kombify-agent runs on Linux (amd64 or arm64); this machine runs $os. Use a Linux VM or server."
  case $machine in
    x86_64 | amd64) ARCH=x64 ;;
    aarch64 | arm64) ARCH=arm64 ;;
    *) die "$E_PLATFORM" "kombify-agent runs on Linux amd64 (x86_64) and arm64 (aarch64); this machine is $machine." ;;
  esac
  # The Node runtime shipped is linked against glibc; musl systems (Alpine) cannot run it.
  for loader in /lib/ld-musl-*.so.1; do
    [ -e "$loader" ] &&
      die "$E_PLATFORM" "this system uses musl libc (Alpine?); the agent's Node runtime needs glibc (Debian, Ubuntu, Fedora, …)."
  done
  return 0
}

check_tools() {
  missing=
  for tool in curl openssl tar gzip mktemp; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
  done
  [ -z "$missing" ] ||
    die "$E_PREREQ" "missing tools:$missing. Install them (Debian/Ubuntu: apt-get install -y curl openssl coreutils tar gzip) and run this again."
  major=$(openssl version | sed -n 's/^OpenSSL \([0-9][0-9]*\)\..*/\1/p')
  [ "${major:-0}" -ge 3 ] ||
    die "$E_PREREQ" "OpenSSL 3 or newer is needed to check the release signature (Ed25519); this system has: $(openssl version)."
}

docker_reachable() {
  sock=/var/run/docker.sock
  case ${DOCKER_HOST:-} in
    tcp://*) curl -fsS --max-time 5 "http://${DOCKER_HOST#tcp://}/_ping" >/dev/null 2>&1 && return 0 ;;
    unix://*) sock=${DOCKER_HOST#unix://} ;;
  esac
  if [ -S "$sock" ] && curl -fsS --max-time 5 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1; then
    return 0
  fi
  command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1
}

check_docker() {
  docker_reachable && return 0
  if [ -S "${sock:-/var/run/docker.sock}" ]; then
    why="the Docker socket ${sock:-/var/run/docker.sock} exists but the engine did not answer (is it running? can this user use it?)"
    fix="Start it with: systemctl start docker   (or run this installer as root)"
  else
    why="no Docker Engine is reachable on this machine (no ${sock:-/var/run/docker.sock}, DOCKER_HOST not reachable)"
    fix="Install Docker Engine, for example with Docker's script:
    curl -fsSL https://get.docker.com | sh
  or your distribution's package (Debian/Ubuntu: apt-get install -y docker.io),
  then start it: systemctl enable --now docker"
  fi
  die "$E_PREREQ" "$why.
The kombify agent runs your services with Docker, so it needs a running Docker Engine.
  $fix
Then run this installer again. Nothing was installed."
}

check_service_manager() {
  [ "$SERVICE" -eq 1 ] || return 0
  if [ ! -d /run/systemd/system ] || ! command -v systemctl >/dev/null 2>&1; then
    die "$E_PREREQ" "systemd is not running on this machine (a container?), so no service can be set up.
Run with --no-service to start the agent in the foreground, under your own supervisor."
  fi
  [ "$(id -u)" -eq 0 ] || die "$E_PREREQ" "installing a systemd service needs root: curl -fsSL $EDGE/install.sh | sudo sh -s -- …"
}

# The closest existing parent of $1 must be writable, or nothing can be installed there.
check_writable() {
  dir=$1
  while [ ! -e "$dir" ]; do dir=$(dirname "$dir"); done
  [ -w "$dir" ] ||
    die "$E_PREREQ" "cannot write to $dir (for $1): run as root (… | sudo sh -s -- …) or choose another $2."
}

check_token() {
  if [ -f "$DATA_DIR/identity.json" ]; then
    ENROLLED=1
    [ -z "$TOKEN" ] || note "this node is already enrolled: keeping its identity; the token is not used"
    return 0
  fi
  ENROLLED=0
  [ -n "$TOKEN" ] ||
    die "$E_USAGE" "--token is needed to enroll this node. Create an enrollment token in the kombify dashboard (Nodes → Add node) or with POST /v1/orchestrator/enrollment-tokens."
  # The shape is checked here so a mistyped token fails before anything is downloaded.
  case $TOKEN in
    kfe_*) ;;
    *) die "$E_ENROLL" "the enrollment token is malformed (it starts with kfe_). Copy it again from the dashboard." ;;
  esac
  if [ "${#TOKEN}" -ne 47 ] || [ -n "$(printf '%s' "${TOKEN#kfe_}" | tr -d 'A-Za-z0-9_-')" ]; then
    die "$E_ENROLL" "the enrollment token is malformed (kfe_ and 43 letters, digits, '-' or '_'). Copy it again from the dashboard."
  fi
}

# ---------------------------------------------------------------------------------------------
# Download and verify.

download() {
  if [ -t 2 ] && [ "${3:-}" = progress ]; then
    curl -fL --progress-bar --proto '=http,https' --connect-timeout 15 --retry 2 -o "$2" "$1" ||
      die "$E_DOWNLOAD" "could not download $1"
  else
    err=$(curl -fsSL --proto '=http,https' --connect-timeout 15 --retry 2 -o "$2" "$1" 2>&1) ||
      die "$E_DOWNLOAD" "could not download $1: ${err:-curl failed}"
  fi
}

# A node keeps the release key it was first installed with (issue 20, H3, in part): an edge (or
# whoever can change what it serves) offering another key cannot re-pin the node by serving a new
# installer. Replacing it is said on the node: KOMBIFY_REPLACE_RELEASE_KEY=1.
check_pinned_key() {
  pinned=$PREFIX/release-key.pem
  [ -f "$pinned" ] || return 0
  [ "$(cat "$pinned")" = "$RELEASE_PUBLIC_KEY" ] && return 0
  [ "${KOMBIFY_REPLACE_RELEASE_KEY:-}" = 1 ] && return 0
  die "$E_VERIFY" "this edge's release key differs from the one this node was installed with ($pinned): nothing was changed. If the key was rotated on purpose, run again with KOMBIFY_REPLACE_RELEASE_KEY=1."
}

fetch_release() {
  info "fetching the release manifest from $EDGE"
  download "$EDGE/agent/manifest.json" "$TMP/manifest.json"
  VERSION=$(sed -n 's/^{"version":"\([^"]*\)".*/\1/p' "$TMP/manifest.json")
  case $VERSION in
    '' | *[!0-9A-Za-z.-]*) die "$E_VERIFY" "the release manifest from $EDGE is not one this installer can read" ;;
  esac
  download "$EDGE/agent/releases/$VERSION/manifest.json.sig" "$TMP/manifest.sig.b64"
  printf '%s\n' "$RELEASE_PUBLIC_KEY" >"$TMP/release-key.pem"
  tr -d '\n' <"$TMP/manifest.sig.b64" | openssl base64 -d -A -out "$TMP/manifest.sig" 2>/dev/null ||
    die "$E_VERIFY" "the release signature from $EDGE is not base64"
  if ! openssl pkeyutl -verify -pubin -inkey "$TMP/release-key.pem" -rawin \
    -in "$TMP/manifest.json" -sigfile "$TMP/manifest.sig" >/dev/null 2>&1; then
    die "$E_VERIFY" "the release manifest's signature does not match this edge's release key: the download was altered on the way, or the edge's key changed. Nothing was installed."
  fi
  # Canonical manifest lines: {"name":…,"kind":…,"os":…,"arch":…,"sha256":…,"size":…} → fields.
  sed -n 's/^{"name":"\([^"]*\)","kind":"\([^"]*\)","os":"\([^"]*\)","arch":"\([^"]*\)","sha256":"\([0-9a-f]*\)","size":\([0-9]*\)}.*$/\2 \3 \4 \1 \5 \6/p' \
    "$TMP/manifest.json" >"$TMP/files"
  agent_line=$(awk '$1 == "agent" { print; exit }' "$TMP/files")
  runtime_line=$(awk -v arch="$ARCH" '$1 == "runtime" && $2 == "linux" && $3 == arch { print; exit }' "$TMP/files")
  [ -n "$agent_line" ] || die "$E_VERIFY" "release $VERSION lists no agent bundle"
  [ -n "$runtime_line" ] || die "$E_PLATFORM" "release $VERSION has no Node runtime for linux-$ARCH"
  read -r _ _ _ AGENT_FILE AGENT_SHA AGENT_SIZE <<EOF
$agent_line
EOF
  read -r _ _ _ RUNTIME_FILE RUNTIME_SHA RUNTIME_SIZE <<EOF
$runtime_line
EOF
  RUNTIME_DIR=${RUNTIME_FILE%.tar.gz}
  info "release $VERSION: signature verified"
}

# openssl rather than sha256sum: it uses the CPU's SHA instructions, 3-4× faster on the runtime.
verify_file() {
  actual=$(openssl dgst -sha256 -r "$1" | cut -d' ' -f1)
  size=$(wc -c <"$1" | tr -d ' ')
  if [ "$actual" != "$3" ] || [ "$size" != "$4" ]; then
    die "$E_VERIFY" "checksum mismatch for $2: the signed manifest says sha256 $3 ($4 bytes), the download is sha256 $actual ($size bytes). It was altered or damaged on the way. Nothing was installed."
  fi
}

# ---------------------------------------------------------------------------------------------
# Install.

# A zombie (exited, not yet reaped: PID 1 in a container may never reap) counts as stopped.
running() {
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null)
  [ "$state" != Z ]
}

stop_foreground_agent() {
  pidfile="$PREFIX/agent.pid"
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  rm -f "$pidfile"
  case $pid in '' | *[!0-9]*) return 0 ;; esac
  # Only our agent: the pid file may be stale and the number reused by something else.
  if running "$pid" && grep -q kombify-agent "/proc/$pid/cmdline" 2>/dev/null; then
    info "stopping the running agent (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    i=0
    while running "$pid" && [ "$i" -lt 100 ]; do
      sleep 0.2
      i=$((i + 1))
    done
    if running "$pid"; then
      warn "the agent did not stop within 20 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
}

# Downloads into the temporary directory and checks every byte before anything is installed.
download_files() {
  # The runtime is shared by agent versions: download it only when this one is not in place.
  if [ "$(cat "$PREFIX/runtimes/$RUNTIME_DIR/.sha256" 2>/dev/null)" = "$RUNTIME_SHA" ] &&
    [ -x "$PREFIX/runtimes/$RUNTIME_DIR/bin/node" ]; then
    NEW_RUNTIME=0
  else
    NEW_RUNTIME=1
    info "downloading $RUNTIME_FILE ($((RUNTIME_SIZE / 1048576)) MB)"
    download "$EDGE/agent/files/$RUNTIME_FILE" "$TMP/$RUNTIME_FILE" progress
    verify_file "$TMP/$RUNTIME_FILE" "$RUNTIME_FILE" "$RUNTIME_SHA" "$RUNTIME_SIZE"
  fi
  info "downloading $AGENT_FILE"
  download "$EDGE/agent/files/$AGENT_FILE" "$TMP/$AGENT_FILE"
  verify_file "$TMP/$AGENT_FILE" "$AGENT_FILE" "$AGENT_SHA" "$AGENT_SIZE"
  note "sha256 checksums match the signed manifest"
}

# The runtime tarball is a few gzip members one after the other (scripts/lib/agent-build.ts), a
# valid .tar.gz for any tar. Decoding them one gzip each, in parallel, is what makes a fresh
# install fast: one gzip alone spends most of a second on the runtime. Member starts are found by
# their fixed header (gzip -n: no name, mtime 0, Unix), which the build checks occurs nowhere else.
# The file was verified against the signed manifest before this runs; on anything unexpected
# (no grep -P, one member) it falls back to one `tar -xzf`.
unpack_runtime() {
  file=$1
  dest=$2
  offsets=$(LC_ALL=C grep -obaP '\x1f\x8b\x08\x00\x00\x00\x00\x00[\x00\x02\x04]\x03' "$file" 2>/dev/null |
    cut -d: -f1) || offsets=
  # shellcheck disable=SC2086 # one offset per word
  set -- $offsets
  if [ $# -lt 2 ] || [ "$1" != 0 ]; then
    tar -xzf "$file" -C "$dest"
    return
  fi
  total=$(wc -c <"$file" | tr -d ' ')
  shift
  first_end=$1
  # Member 0 streams straight into tar; the others decode into files meanwhile and follow it.
  # Paths here have no spaces (checked_path), so the lists split on them.
  {
    n=1
    pids=
    parts=
    while [ $# -gt 0 ]; do
      start=$1
      shift
      end=${1:-$total}
      tail -c +$((start + 1)) "$file" | head -c $((end - start)) | gzip -dc >"$dest/.part.$n" &
      pids="$pids $!"
      parts="$parts $dest/.part.$n"
      n=$((n + 1))
    done
    head -c "$first_end" "$file" | gzip -dc
    failed=0
    for pid in $pids; do wait "$pid" || failed=1; done
    # A member that did not decode ends the stream early: tar then fails on the short archive.
    [ "$failed" -eq 0 ] || exit 1
    # One part at a time, each removed once read: the disk holds little more than bin/node.
    for part in $parts; do
      cat "$part"
      rm -f "$part"
    done
  } | tar -xf - -C "$dest"
}

# Unpacks into staging directories beside their final places (same filesystem: renames are atomic).
stage_files() {
  if [ ! -d "$PREFIX" ]; then CREATED_PREFIX=1; fi
  mkdir -p "$PREFIX/versions" "$PREFIX/runtimes" "$PREFIX/bin"
  : >"$PREFIX/$PREFIX_MARKER"
  rt_stage=
  if [ "$NEW_RUNTIME" -eq 1 ]; then
    rt_stage="$PREFIX/runtimes/.stage.$$"
    STAGES="$STAGES $rt_stage"
    mkdir -p "$rt_stage"
    unpack_runtime "$TMP/$RUNTIME_FILE" "$rt_stage"
    [ -x "$rt_stage/bin/node" ] || die "$E_VERIFY" "$RUNTIME_FILE has no bin/node"
    printf '%s\n' "$RUNTIME_SHA" >"$rt_stage/.sha256"
  fi
  # A version neither `current` nor `previous` uses is staged at its final path (what is there is
  # a leftover of a run cut short): the V8 compile cache enroll leaves is keyed by the script's
  # path, so the agent's first start then finds it. Only activate moves `current`; a failed run
  # removes the directory (STAGES).
  STAGE_DIR="$PREFIX/versions/$VERSION"
  case "$(readlink "$PREFIX/current" 2>/dev/null) $(readlink "$PREFIX/previous" 2>/dev/null)" in
    "versions/$VERSION "* | *" versions/$VERSION") STAGE_DIR="$PREFIX/versions/.stage.$$" ;;
    *) rm -rf "$STAGE_DIR" ;;
  esac
  STAGES="$STAGES $STAGE_DIR"
  mkdir -p "$STAGE_DIR"
  cp "$TMP/$AGENT_FILE" "$STAGE_DIR/kombify-agent.mjs"
  printf '%s\n' "$AGENT_SHA" >"$STAGE_DIR/.sha256"
  ln -s "../../runtimes/$RUNTIME_DIR" "$STAGE_DIR/runtime"
  STAGE_NODE="${rt_stage:-$PREFIX/runtimes/$RUNTIME_DIR}/bin/node"
}

enroll() {
  [ "$ENROLLED" -eq 0 ] || return 0
  info "enrolling this node with $EDGE"
  [ -d "$DATA_DIR" ] || CREATED_DATA=1
  # --init-policy: the same process writes the default job policy (write_policy) once enrolled,
  # which spares a Node start of its own (~0.4 s) on a fresh install.
  set -- enroll --edge "$EDGE" --token "$TOKEN" --data-dir "$DATA_DIR"
  [ -f "$POLICY" ] || { CREATED_POLICY=1 && set -- "$@" --policy "$POLICY" --init-policy; }
  [ -z "$NAME" ] || set -- "$@" --name "$NAME"
  # NODE_COMPILE_CACHE: this first start leaves V8's compiled code for the agent's next starts
  # (the bundle is at its final path: stage_files).
  if out=$(NODE_COMPILE_CACHE="$PREFIX/cache" "$STAGE_NODE" "$STAGE_DIR/kombify-agent.mjs" "$@" 2>&1); then
    return 0
  else
    code=$?
  fi
  printf '%s\n' "$out" | sed 's/^/    /' >&2
  [ "$code" -eq 3 ] &&
    die "$E_ENROLL" "the edge refused the enrollment token (see above). Create a new token and run this again."
  die "$E_FAIL" "enrollment failed (see above)"
}

# Swaps the new version in: a rename of a symlink, so `current` is always a whole version.
activate() {
  if [ -n "$rt_stage" ]; then
    rm -rf "$PREFIX/runtimes/$RUNTIME_DIR"
    mv "$rt_stage" "$PREFIX/runtimes/$RUNTIME_DIR"
  fi
  previous=$(readlink "$PREFIX/current" 2>/dev/null || true)
  previous=${previous#versions/}
  if [ "$STAGE_DIR" != "$PREFIX/versions/$VERSION" ]; then
    if [ -e "$PREFIX/versions/$VERSION" ]; then
      # The same version again with other bytes (a re-published build): keep it as the fallback.
      rm -rf "$PREFIX/versions/$VERSION.previous"
      mv "$PREFIX/versions/$VERSION" "$PREFIX/versions/$VERSION.previous"
      previous="$VERSION.previous"
    fi
    mv "$STAGE_DIR" "$PREFIX/versions/$VERSION"
  fi
  ln -s "versions/$VERSION" "$PREFIX/.current.$$"
  mv -T "$PREFIX/.current.$$" "$PREFIX/current" 2>/dev/null || {
    rm -f "$PREFIX/current"
    mv "$PREFIX/.current.$$" "$PREFIX/current"
  }
  if [ -n "$previous" ] && [ "$previous" != "$VERSION" ] && [ -d "$PREFIX/versions/$previous" ]; then
    rm -f "$PREFIX/previous"
    ln -s "versions/$previous" "$PREFIX/previous"
  fi
  FINISHED=1
  prune
}

# Keeps the current and the previous version (the upgrade fallback) and the runtimes they use.
prune() {
  keep_prev=$(readlink "$PREFIX/previous" 2>/dev/null || true)
  for dir in "$PREFIX"/versions/*; do
    [ -d "$dir" ] || continue
    case "versions/${dir##*/}" in
      "versions/$VERSION" | "$keep_prev") ;;
      *) rm -rf "$dir" ;;
    esac
  done
  for dir in "$PREFIX"/runtimes/*; do
    [ -d "$dir" ] || continue
    used=0
    for link in "$PREFIX"/versions/*/runtime; do
      [ "$(readlink "$link" 2>/dev/null)" = "../../runtimes/${dir##*/}" ] && used=1
    done
    [ "$used" -eq 1 ] || rm -rf "$dir"
  done
}

write_wrapper() {
  cat >"$PREFIX/bin/.kombify-agent.$$" <<EOF
#!/bin/sh
# Written by the kombify installer: the current agent version on its own Node runtime.
KOMBIFY_AGENT_DATA_DIR=\${KOMBIFY_AGENT_DATA_DIR:-$DATA_DIR}
KOMBIFY_AGENT_POLICY=\${KOMBIFY_AGENT_POLICY:-$POLICY}
KOMBIFY_AGENT_PREFIX=$PREFIX
NODE_COMPILE_CACHE=\${NODE_COMPILE_CACHE:-$PREFIX/cache}
export KOMBIFY_AGENT_DATA_DIR KOMBIFY_AGENT_POLICY KOMBIFY_AGENT_PREFIX NODE_COMPILE_CACHE
exec $PREFIX/current/runtime/bin/node $PREFIX/current/kombify-agent.mjs "\$@"
EOF
  chmod 0755 "$PREFIX/bin/.kombify-agent.$$"
  mv -f "$PREFIX/bin/.kombify-agent.$$" "$PREFIX/bin/kombify-agent"
  # The agent's own upgrades trust the same key as this installer, never one offered later.
  printf '%s\n' "$RELEASE_PUBLIC_KEY" >"$PREFIX/release-key.pem"
  service=none
  [ "$SERVICE" -eq 0 ] || service=systemd
  cat >"$PREFIX/install.env" <<EOF
# Written by the kombify installer; read by --uninstall and by the agent's upgrades.
KOMBIFY_EDGE_URL=$EDGE
KOMBIFY_AGENT_DATA_DIR=$DATA_DIR
KOMBIFY_AGENT_POLICY=$POLICY
KOMBIFY_SERVICE=$service
KOMBIFY_VERSION=$VERSION
EOF
  : >"$DATA_DIR/$DATA_MARKER"
  LINKED=0
  if [ -d "$(dirname "$LINK_PATH")" ] && [ -w "$(dirname "$LINK_PATH")" ]; then
    if [ ! -e "$LINK_PATH" ] || [ "$(readlink "$LINK_PATH" 2>/dev/null)" = "$PREFIX/bin/kombify-agent" ]; then
      ln -sf "$PREFIX/bin/kombify-agent" "$LINK_PATH"
      LINKED=1
    fi
  fi
}

# The node's job policy (issue 20, H2) belongs to the machine's owner: written once with the
# agent's defaults (the stack workflow's jobs only), never replaced by a re-run or an upgrade.
write_policy() {
  POLICY_NOTE="kept (yours)"
  [ "$CREATED_POLICY" -eq 0 ] || POLICY_NOTE="default: the stack workflow's jobs only; edit it to allow more"
  [ -f "$POLICY" ] && return 0
  "$PREFIX/bin/kombify-agent" policy init --policy "$POLICY" >/dev/null ||
    die "$E_FAIL" "could not write the job policy $POLICY"
  POLICY_NOTE="default: the stack workflow's jobs only; edit it to allow more"
}

write_unit() {
  cat >"$UNIT_PATH.tmp" <<EOF
# Written by the kombify installer.
[Unit]
Description=kombify agent (dials out to $EDGE and runs jobs with Docker)
Documentation=$EDGE/install.sh
After=network-online.target docker.service
Wants=network-online.target

[Service]
Type=simple
ExecStart=$PREFIX/bin/kombify-agent run --data-dir $DATA_DIR
Restart=always
RestartSec=5
TimeoutStopSec=20

[Install]
WantedBy=multi-user.target
EOF
  mv -f "$UNIT_PATH.tmp" "$UNIT_PATH"
  systemctl daemon-reload
  systemctl enable "$UNIT_NAME" >/dev/null 2>&1
  systemctl restart "$UNIT_NAME" ||
    die "$E_FAIL" "the agent service did not start: see systemctl status $UNIT_NAME and journalctl -u $UNIT_NAME"
}

identity_field() {
  sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$DATA_DIR/identity.json" 2>/dev/null | head -n 1
}

summary() {
  worker_id=$(identity_field agent_id)
  worker_name=$(identity_field name)
  if [ "$ENROLLED" -eq 1 ]; then how="kept its identity"; else how="enrolled"; fi
  if [ "$SERVICE" -eq 1 ]; then
    service="systemd unit $UNIT_NAME (enabled, started): journalctl -u $UNIT_NAME -f"
  else
    service="in the foreground (--no-service); this shell runs it now"
  fi
  command="$PREFIX/bin/kombify-agent"
  [ "$LINKED" -eq 0 ] || command=$LINK_PATH
  remove="curl -fsSL $EDGE/install.sh | sh -s -- --uninstall"
  [ "$PREFIX" = /opt/kombify-agent ] || remove="$remove --prefix $PREFIX"
  cat <<EOF

kombify agent $VERSION installed ($how).
  worker    $worker_name ($worker_id)
  edge      $EDGE
  files     $PREFIX (Node runtime $RUNTIME_DIR)
  data      $DATA_DIR (identity, outbox)
  policy    $POLICY ($POLICY_NOTE)
  agent     $service
  status    $command status
  remove    $remove

EOF
}

install() {
  detect_platform
  check_tools
  check_docker
  check_service_manager
  check_writable "$PREFIX" --prefix
  check_writable "$DATA_DIR" --data-dir
  check_token
  check_pinned_key
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/kombify-install.XXXXXX")
  fetch_release
  installed=$(readlink "$PREFIX/current" 2>/dev/null || true)
  if [ "$installed" = "versions/$VERSION" ] &&
    [ "$(cat "$PREFIX/versions/$VERSION/.sha256" 2>/dev/null)" = "$AGENT_SHA" ] &&
    [ "$(cat "$PREFIX/runtimes/$RUNTIME_DIR/.sha256" 2>/dev/null)" = "$RUNTIME_SHA" ]; then
    info "agent $VERSION is already installed in $PREFIX"
    FINISHED=1
  else
    [ -z "$installed" ] || info "upgrading ${installed#versions/} → $VERSION"
    download_files
    stage_files
    enroll
    [ "$SERVICE" -eq 1 ] || stop_foreground_agent
    activate
  fi
  write_wrapper
  write_policy
  if [ "$SERVICE" -eq 1 ]; then
    stop_foreground_agent
    write_unit
    summary
    return 0
  fi
  # A service from an earlier install would run a second agent with the same identity.
  if [ -f "$UNIT_PATH" ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now "$UNIT_NAME" >/dev/null 2>&1 || true
    rm -f "$UNIT_PATH"
  fi
  stop_foreground_agent
  summary
  rm -rf "$TMP"
  TMP=
  trap - EXIT
  # The pid is this shell's: exec keeps it, so a later run or --uninstall can stop the agent.
  echo $$ >"$PREFIX/agent.pid"
  exec "$PREFIX/bin/kombify-agent" run --data-dir "$DATA_DIR"
}

uninstall() {
  wrote_policy=
  if [ -f "$PREFIX/install.env" ]; then
    recorded=$(sed -n 's/^KOMBIFY_AGENT_DATA_DIR=//p' "$PREFIX/install.env")
    [ -z "$recorded" ] || DATA_DIR=$recorded
    wrote_policy=$(sed -n 's/^KOMBIFY_AGENT_POLICY=//p' "$PREFIX/install.env")
  fi
  removed=
  if [ -f "$UNIT_PATH" ]; then
    if command -v systemctl >/dev/null 2>&1; then
      systemctl disable --now "$UNIT_NAME" >/dev/null 2>&1 || true
    fi
    rm -f "$UNIT_PATH"
    if command -v systemctl >/dev/null 2>&1; then systemctl daemon-reload >/dev/null 2>&1 || true; fi
    removed="$removed $UNIT_PATH"
  fi
  stop_foreground_agent
  if [ "$(readlink "$LINK_PATH" 2>/dev/null)" = "$PREFIX/bin/kombify-agent" ]; then
    rm -f "$LINK_PATH"
    removed="$removed $LINK_PATH"
  fi
  # The policy file an install put in place (install.env names it), and its folder once empty.
  if [ -n "$wrote_policy" ] && [ -f "$wrote_policy" ]; then
    rm -f "$wrote_policy"
    rmdir "$(dirname "$wrote_policy")" 2>/dev/null || true
    removed="$removed $wrote_policy"
  fi
  worker=
  if [ -d "$DATA_DIR" ]; then
    if [ ! -f "$DATA_DIR/$DATA_MARKER" ] && [ ! -f "$DATA_DIR/identity.json" ]; then
      die "$E_FAIL" "$DATA_DIR does not look like a kombify agent data directory; not removing it"
    fi
    worker=$(identity_field agent_id)
    rm -rf "$DATA_DIR"
    removed="$removed $DATA_DIR"
  fi
  if [ -d "$PREFIX" ]; then
    [ -f "$PREFIX/$PREFIX_MARKER" ] || die "$E_FAIL" "$PREFIX was not made by this installer (no $PREFIX_MARKER); not removing it"
    rm -rf "$PREFIX"
    removed="$removed $PREFIX"
  fi
  if [ -z "$removed" ]; then
    info "nothing to remove: no kombify agent is installed in $PREFIX"
    return 0
  fi
  info "removed:"
  for path in $removed; do note "$path"; done
  [ -z "$worker" ] || note "worker $worker stays listed on the edge (offline); remove it there if you no longer need it"
}

main() {
  parse_args "$@"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  if [ "$UNINSTALL" -eq 1 ]; then
    uninstall
  else
    install
  fi
}

main "$@"
