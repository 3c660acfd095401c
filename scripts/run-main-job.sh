#!/usr/bin/env bash
# The README's first command: install what is needed, build in Release, and run
# the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)"
./build/kindling demo "$@"
