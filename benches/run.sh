#!/usr/bin/env bash
# Every benchmark of issue 7, one after the other: figures, not tests (the
# machine is shared and noisy; nothing here fails on a number). `npm run
# bench` calls this after .ci/setup.sh has installed what was missing.
# Takes about 5 minutes after the builds; the figures of a run are kept in
# benches/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH"
step() { printf '\n==> %s\n' "$*"; }

# The machine, for benches/RESULTS.md; the load average says how much else
# was running (other people's builds make every timing here slower).
machine() {
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1))," \
    "$(free -g | awk '/^Mem:/ {print $2}') GiB memory; load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
step "machine"
machine
step "release build (trunk build --release --public-url ./)"
trunk build --release --public-url ./
step "engine and whole model, native (cargo bench --bench engine)"
cargo bench --bench engine
step "engine vs SimPy: SimPy, cplab native, cplab wasm in Chromium (benches/simpy_vs_cplab.sh)"
bash benches/simpy_vs_cplab.sh
step "whole model in Chromium (e2e/bench-inpage.mjs model)"
node e2e/bench-inpage.mjs model
step "frame time (e2e/bench-frames.mjs)"
node e2e/bench-frames.mjs
step "responsiveness (e2e/bench-responsiveness.mjs)"
node e2e/bench-responsiveness.mjs
step "start-up and size (e2e/bench-startup.mjs)"
node e2e/bench-startup.mjs
step "memory over a simulated hour (e2e/bench-memory.mjs)"
node e2e/bench-memory.mjs
step "sweep in the worker (e2e/bench-sweep.mjs)"
node e2e/bench-sweep.mjs
step "machine, at the end"
machine
