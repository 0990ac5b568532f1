#!/usr/bin/env bash
# The engine against SimPy on the same M/M/c workload: SimPy 4.1.2, the
# native `cplab`, and the wasm build timed inside headless Chromium (a
# benchmark: prints figures, never fails on them). Installs SimPy 4.1.2 from
# PyPI into benches/.venv the first time. Needs the release build in dist/
# (`trunk build --release --public-url ./`, which `npm run bench` does) for
# the wasm figure; without it, that line is skipped.
#   bash benches/simpy_vs_cplab.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv=benches/.venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! "$venv/bin/python" -c 'import simpy, sys; sys.exit(simpy.__version__ != "4.1.2")' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check simpy==4.1.2
fi
cargo build --quiet --release --bin cplab
exec "$venv/bin/python" benches/simpy_vs_cplab.py
