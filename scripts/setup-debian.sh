#!/usr/bin/env bash
# Installs everything Kindling needs on Debian 12, as root. Safe to run again:
# when every package is already there it does nothing (not even apt-get update).
set -euo pipefail

packages=(
  cmake g++ make pkg-config git
  libopenblas-dev        # BLAS for matmul and the convolution GEMMs
  libstb-dev             # stb_image: JPEG/PNG decoding for image folders
  zlib1g-dev             # reading gzipped MNIST/Fashion-MNIST IDX files
  nlohmann-json3-dev     # JSON for safetensors headers, summary.json, --json output
  libcli11-dev           # the kindling command line's options and subcommands
  libgtest-dev           # the test suite
  libbenchmark-dev       # the benchmarks
  dataset-fashion-mnist  # the default data: /usr/share/datasets/fashion-mnist/
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  echo "setup-debian: all ${#packages[@]} packages are installed"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "setup-debian: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
