#!/usr/bin/env bash
# Installs whatever the project needs and this machine lacks, then runs one of
# the project's tasks. Idempotent: each tool is checked first and installed
# only where missing or at the wrong version, so a warm run costs seconds.
#
#   .ci/setup.sh serve   the app on http://127.0.0.1:8080 (trunk serve)
#   .ci/setup.sh test    every test (see .ci/test.sh)
#   .ci/setup.sh bench   every benchmark (see benches/run.sh)
#   .ci/setup.sh tools   only the set-up
#
# Everything comes from the package registries (crates.io, npm, Debian);
# nothing is downloaded at build time: Trunk runs with --offline and finds the
# exact wasm-bindgen and wasm-opt versions on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

task="${1:-tools}"
TRUNK_VERSION=0.21.14           # 0.22 needs a newer rustc than 1.95
WASM_TARGET=wasm32-unknown-unknown
# The CLI must equal the wasm-bindgen crate in Cargo.lock, or Trunk refuses it.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)

cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$cargo_bin:$PWD/node_modules/.bin:$PATH"

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
version_of() { "$1" --version 2>/dev/null | awk '{print $2}' || true; }

if ! rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
  step "adding the Rust target $WASM_TARGET"
  rustup target add "$WASM_TARGET"
fi

if [ "$(version_of trunk)" != "$TRUNK_VERSION" ]; then
  step "installing trunk $TRUNK_VERSION (about 8 minutes on 2 cores, once)"
  cargo install --locked "trunk@$TRUNK_VERSION"
fi

if [ "$(version_of wasm-bindgen)" != "$WASM_BINDGEN_VERSION" ]; then
  # Without --locked: the CLI's own lock file names a crate the registry no longer has.
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once)"
  cargo install --force "wasm-bindgen-cli@$WASM_BINDGEN_VERSION"
fi

# npm packages: wasm-opt (binaryen; Debian's is too old for Rust 1.95 output),
# playwright-core and axe-core (the accessibility checks). Reinstalled only
# when the lock file changed.
if ! cmp -s package-lock.json node_modules/.package-lock.json.installed 2>/dev/null; then
  step "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.package-lock.json.installed
fi

if [ "$task" != serve ]; then
  if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
    step "installing Debian's chromium and chromium-driver"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi

case "$task" in
  tools) step "tools ready" ;;
  # No autoreload: Trunk injects it as an inline <script>, which the page's
  # Content-Security-Policy (index.html) refuses. Reload by hand after a change.
  serve) exec trunk serve --offline --no-autoreload --address 127.0.0.1 --port 8080 ;;
  test) exec bash .ci/test.sh ;;
  bench) exec bash benches/run.sh ;;
  *) echo "usage: $0 serve|test|bench|tools" >&2; exit 2 ;;
esac
