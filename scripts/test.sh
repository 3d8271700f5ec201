#!/bin/bash
# Every test on a fresh Debian 12 machine, as root: install what is missing, build with gcc and run
# the tests; then build with clang under AddressSanitizer and UndefinedBehaviorSanitizer (with the
# libFuzzer targets) in a second tree and run the tests again. OMS_LONG_TESTS=1 adds the long fuzz,
# crash and soak runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
jobs=$(nproc)
long=OFF; [ "${OMS_LONG_TESTS:-0}" = 1 ] && long=ON

echo "== gcc, RelWithDebInfo: build/"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOMS_LONG_TESTS=$long >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

echo "== clang, ASan+UBSan, fuzz targets: build-asan/"
CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DOMS_SANITIZE=ON -DOMS_FUZZ=ON \
  -DOMS_LONG_TESTS=$long >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure -j"$jobs")
