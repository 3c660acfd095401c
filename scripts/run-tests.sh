#!/usr/bin/env bash
# The README's second command (and CI's): install what is needed, build, and run
# the whole test suite twice — an optimised Release build, then a build under
# AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash scripts/setup-debian.sh

echo "== Release build and tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== AddressSanitizer + UBSan build and tests"
# Benchmarks and tutorials are not built here: benchmarks are timed in
# Release, and the tutorials run the library code that these tests cover.
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DKINDLING_SANITIZE=ON -DKINDLING_BUILD_BENCHMARKS=OFF \
  -DKINDLING_BUILD_TUTORIALS=OFF -DCMAKE_CXX_FLAGS="-O1"
cmake --build build-sanitize -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-sanitize --output-on-failure -j "$jobs"

echo "== Installed package: find_package(kindling) from a project outside the tree"
rm -rf build/install build/consumer
cmake --install build --prefix build/install >/dev/null
cmake -S examples/consumer -B build/consumer -DCMAKE_PREFIX_PATH="$PWD/build/install" -DCMAKE_BUILD_TYPE=Release
cmake --build build/consumer -j "$jobs"
./build/consumer/consumer
