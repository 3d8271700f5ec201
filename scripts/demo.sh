#!/bin/bash
# The main job on a fresh Debian 12 machine, as root: install what is missing, build, run `oms demo`.
# Arguments are passed to `oms demo` (for example --out DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target oms >/dev/null
exec build/oms demo "$@"
