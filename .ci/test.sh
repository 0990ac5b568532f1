#!/usr/bin/env bash
# Every test of the project, in order of cost. Called by `npm test` after
# .ci/setup.sh has installed what was missing. Ends with one line
# "N passed, N failed" that totals every test runner's counts.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
step() { printf '\n==> %s\n' "$*"; }
failed_step() { echo; echo "0 passed, 1 failed: $1"; exit 1; }
# Runs a step, keeps its output for the totals, stops at the first failure.
run() {
  local name=$1; shift
  step "$name"
  "$@" 2>&1 | tee "$logs/$name.log" || failed_step "$name"
}

run format cargo fmt --check
run clippy-native cargo clippy --locked --all-targets -- -D warnings
run clippy-wasm cargo clippy --locked --target wasm32-unknown-unknown --all-targets -- -D warnings
run native-tests cargo test --locked
# wasm-bindgen-test suites, in headless Chromium.
run wasm-tests cargo test --locked --target wasm32-unknown-unknown --test golden --test ui
# The release build, with relative URLs, served from a sub-path by e2e/run.mjs.
run release-build trunk build --release --public-url ./
# The download budget (wasm + JS + CSS + HTML, gzipped): deterministic.
run bundle-size node e2e/bundle-size.mjs
run e2e node e2e/run.mjs

# Totals over every runner: cargo's "test result: ... N passed; M failed"
# lines and the end-to-end runner's "N passed, M failed".
cat "$logs"/*.log | awk '
  /^test result: / { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  /^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3 }
  END { printf "\n%d passed, %d failed\n", p, f; exit (f > 0) }'
