#!/usr/bin/env bash
# scripts/setup.sh — make this checkout ready to run (idempotent).
#
#   1. Debian dev packages needed by the `canvas` native module (a dependency
#      of chartjs-node-canvas) are installed — via apt-get when root, otherwise
#      the exact command to run is printed and the script fails.
#      The CJK font (fonts-wqy-microhei) is among them: charts and reports
#      draw the seed's Chinese terms, which render as empty boxes without it.
#      With --browser (as `npm test` calls it), Debian's chromium is added:
#      the browser tests drive it through playwright-core, never a download.
#   2. node_modules is installed with `npm ci` when it is missing or stale
#      (package.json / package-lock.json changed since the last successful
#      setup, or canvas' native addon was never built), then canvas is checked
#      to load, with one `npm rebuild canvas` as a fallback.
#   3. The CLI build in dist/ (which bin/urd.mjs runs, so `urd` starts without compiling
#      TypeScript) is made by scripts/build.mjs when it is missing or stale.
#
# canvas is always built from source here: prebuild-install cannot download a
# prebuilt binary (only the npm registry and Debian's apt repositories are
# reachable), so it falls back to node-gyp. That takes a few minutes, once.
#
# When everything is already in place this returns in a few tens of ms and
# prints nothing. Messages go to stderr (prefixed "setup:"); nothing is ever
# written to stdout, which carries program output for `npm run demo`.
#
# Testing hook: URD_SETUP_EXTRA_PKGS="pkg1 pkg2" adds Debian packages to the
# required list (used to exercise the "missing package" path).
set -euo pipefail

# Nothing this script or its children print may reach stdout.
exec 1>&2

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

APT_PKGS=(libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev libpixman-1-dev fonts-wqy-microhei)
for arg in "$@"; do
  case "$arg" in
    --browser) APT_PKGS+=(chromium) ;;
    *) die "unknown option $arg (expected --browser)" ;;
  esac
done
# shellcheck disable=SC2206  # word splitting intended
APT_PKGS+=(${URD_SETUP_EXTRA_PKGS:-})

STAMP=node_modules/.urd-setup-stamp
CANVAS_NODE=node_modules/canvas/build/Release/canvas.node
APT_LOG=/tmp/urd-setup-apt.log

# ---------------------------------------------------------------- apt packages

is_root() { [[ "$(id -u)" == 0 ]]; }

pkg_installed() {
  local status
  # Not piped into grep -q: under pipefail an early grep exit could SIGPIPE
  # dpkg-query and report a false "missing".
  status="$(dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null || true)"
  [[ "$status" == *"install ok installed"* ]]
}

APT_UPDATED=0
# apt_install PKG... — install missing Debian packages (root) or explain how.
apt_install() {
  if ! is_root; then
    say "missing Debian packages: $*"
    say "install them with:"
    printf '  sudo apt-get install -y --no-install-recommends %s\n' "$*" >&2
    exit 1
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing packages ($*) and apt-get is not available"
  say "installing Debian packages: $* (log: $APT_LOG)"
  if [[ $APT_UPDATED == 0 ]]; then
    if ! apt-get update >"$APT_LOG" 2>&1; then
      # Stale or partial lists may still be enough; the install decides.
      say "warning: apt-get update failed, trying the install anyway (see $APT_LOG)"
    fi
    APT_UPDATED=1
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
       </dev/null >>"$APT_LOG" 2>&1; then
    say "apt-get install failed; last lines of $APT_LOG:"
    tail -n 25 "$APT_LOG" >&2 || true
    exit 1
  fi
}

check_apt_pkgs() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian-based: can't check; the canvas build reports what is missing.
    [[ "${1:-}" == quiet ]] || say "warning: dpkg-query not found; not checking for ${APT_PKGS[*]}"
    return 0
  fi
  local missing=() p
  for p in "${APT_PKGS[@]}"; do
    pkg_installed "$p" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    apt_install "${missing[@]}"
    for p in "${missing[@]}"; do
      pkg_installed "$p" || die "package $p is still not installed after apt-get (see $APT_LOG)"
    done
  fi
}

# Compilers and tools node-gyp needs to build canvas (only when building).
check_build_tools() {
  local missing=() tool
  for tool in python3 make g++ pkg-config; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if ((${#missing[@]})); then
    say "build tools needed to compile canvas are missing: ${missing[*]}"
    command -v dpkg-query >/dev/null 2>&1 \
      || die "install ${missing[*]} with your system's package manager and re-run"
    # The Debian package names equal the command names for all four.
    apt_install "${missing[@]}"
    for tool in "${missing[@]}"; do
      command -v "$tool" >/dev/null 2>&1 || die "$tool is still not on PATH after installing it"
    done
  fi
}

# ---------------------------------------------------------------- node_modules

uses_canvas() { grep -q '"node_modules/canvas"' package-lock.json; }

lock_hash() { sha256sum package.json package-lock.json; }

# Prints why an install is needed, or nothing when node_modules is current.
install_reason() {
  if [[ ! -d node_modules ]]; then
    echo "node_modules is missing"
  elif [[ ! -f $STAMP ]]; then
    echo "node_modules was not installed by this script (no stamp)"
  elif [[ "$(<"$STAMP")" != "$(lock_hash)" ]]; then
    echo "package.json/package-lock.json changed since the last install"
  elif uses_canvas && [[ ! -f $CANVAS_NODE ]]; then
    echo "canvas' native module was never built"
  fi
}

# First error line of a failed require (the stack trace is noise here).
err_summary() {
  local line
  line="$(grep -m1 -E '^[A-Za-z]*Error' <<<"$1" || true)"
  if [[ -n "$line" ]]; then printf '  %s\n' "$line" >&2; else head -n 5 <<<"$1" >&2; fi
}

canvas_loads() {
  local out
  if out="$(node -e "require('canvas')" 2>&1)"; then
    return 0
  fi
  CANVAS_ERR="$out"
  return 1
}

# ------------------------------------------------------------------------ main

[[ -f package.json && -f package-lock.json ]] || die "package.json or package-lock.json missing in $ROOT"
command -v node >/dev/null 2>&1 || die "node is not on PATH (Node >= 20 required)"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH"

# Runtime libraries for canvas come with these -dev packages, so this runs
# every time (cheap: one dpkg-query per package).
check_apt_pkgs quiet

# Step 3, on every successful exit: one node start when dist/ is current (it stats the sources).
build_and_exit() {
  node scripts/build.mjs --if-stale || die "building dist/ failed (see the output above)"
  exit 0
}

reason="$(install_reason)"
[[ -z "$reason" ]] && build_and_exit   # fast path: all done, print nothing

# Serialise concurrent setups (e.g. `npm test` and `npm run demo` at once),
# then look again: the other run may have done the work meanwhile.
if command -v flock >/dev/null 2>&1; then
  lockfile="/tmp/urd-setup.$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1).lock"
  exec 9>"$lockfile"
  flock 9
  reason="$(install_reason)"
  [[ -z "$reason" ]] && build_and_exit
fi

check_apt_pkgs
uses_canvas && check_build_tools

# node-gyp otherwise tries to download Node's headers, which cannot work here;
# use the headers that ship with the running node when they exist.
if [[ -z "${npm_config_nodedir:-}" && -z "${NPM_CONFIG_NODEDIR:-}" ]]; then
  node_prefix="$(node -p 'require("path").resolve(process.execPath, "../..")')"
  if [[ -f "$node_prefix/include/node/node_api.h" ]]; then
    export npm_config_nodedir="$node_prefix"
  fi
fi

start=$SECONDS
say "$reason: running npm ci (builds canvas from source; may take a few minutes)"
rm -f "$STAMP"
npm ci --no-audit --no-fund </dev/null || die "npm ci failed (see the output above)"

if uses_canvas; then
  CANVAS_ERR=""
  if ! canvas_loads; then
    say "canvas does not load after npm ci; running npm rebuild canvas"
    err_summary "$CANVAS_ERR"
    npm rebuild canvas </dev/null || true
    if ! canvas_loads; then
      err_summary "$CANVAS_ERR"
      die "canvas (needed by chartjs-node-canvas) still fails to load after 'npm rebuild canvas'. Check that ${APT_PKGS[*]} and python3/make/g++/pkg-config are installed, then run: npm rebuild canvas --foreground-scripts"
    fi
  fi
fi

lock_hash >"$STAMP"
say "dependencies ready ($((SECONDS - start))s)"
build_and_exit
