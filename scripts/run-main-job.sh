#!/usr/bin/env bash
# The README's first command: install what is needed, build in Release, and run
# the main job: `kindling train` with its defaults (Fashion-MNIST, small-cnn).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)"
# Train the default CNN on Fashion-MNIST and report its test metrics; extra
# arguments go to `kindling train` (e.g. --epochs 5).
./build/kindling train "$@"
