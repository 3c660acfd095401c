#!/usr/bin/env bash
# The README's second command (and CI's): install what is needed, build, and run
# the whole test suite twice — an optimised Release build, then a build under
# AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash scripts/setup-debian.sh

# Unity builds (CMAKE_UNITY_BUILD) compile several .cpp files of a target as
# one: headers are parsed once per batch, which matters on CI's 2 cores. A
# developer's incremental build keeps one object per file (the default).
echo "== Release build and tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_UNITY_BUILD=ON
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== AddressSanitizer + UBSan build and tests"
# Benchmarks and tutorials are not built here: benchmarks are timed in
# Release, and the tutorials run the library code that these tests cover.
# -O1 -g1: fast enough to run, line numbers in the sanitizers' reports, and
# no full debug information to generate. Each test program runs once, all its
# tests in one process: starting a sanitized process per test (as ctest does)
# cost a minute on its own.
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DKINDLING_SANITIZE=ON \
  -DKINDLING_BUILD_BENCHMARKS=OFF -DKINDLING_BUILD_TUTORIALS=OFF -DCMAKE_UNITY_BUILD=ON
cmake --build build-sanitize -j "$jobs"
for module in tensor autograd nn metrics datasets cli testing; do
  program=build-sanitize/tests/test_$module
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$program" --gtest_brief=1
done

echo "== Installed package: find_package(kindling) from projects outside the tree"
rm -rf build/install build/consumer build/coursework
cmake --install build --prefix build/install >/dev/null
cmake -S examples/consumer -B build/consumer -DCMAKE_PREFIX_PATH="$PWD/build/install" -DCMAKE_BUILD_TYPE=Release
cmake --build build/consumer -j "$jobs"
./build/consumer/consumer
# The coursework example as a student builds it: a custom layer, its tests on
# <kindling/testing.hpp> (kindling::testing), and a program that trains with it.
cmake -S examples/coursework -B build/coursework -DCMAKE_PREFIX_PATH="$PWD/build/install" -DCMAKE_BUILD_TYPE=Release
cmake --build build/coursework -j "$jobs"
ctest --test-dir build/coursework --output-on-failure
./build/coursework/fit_curve
