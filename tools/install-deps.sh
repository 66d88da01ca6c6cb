#!/usr/bin/env bash
# Installs the Debian packages shapelint needs to build and test, only when
# some are missing; with --bench, also those the benchmarks need. Debian 12;
# run as root (or with sudo available).
set -euo pipefail

packages=(
  cmake make g++ pkg-config
  libonnx-dev libprotobuf-dev protobuf-compiler
  libfmt-dev libspdlog-dev
  libcli11-dev nlohmann-json3-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libonnx-testdata python3-onnx python3-numpy python3-jsonschema
  pre-commit git
  # make fuzz (libFuzzer) and make test-sanitize: clang, its sanitizer runtimes, llvm-symbolizer
  clang clang-14 libclang-rt-14-dev llvm llvm-14
  help2man dpkg-dev
)
# `make bench` (--bench): bench/generate exports torchvision's ResNet-50.
if [ "${1:-}" = "--bench" ]; then
  packages+=(python3-torch python3-torchvision)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "shapelint: installing missing Debian packages: ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "shapelint: not root and no sudo; install these packages: ${missing[*]}" >&2
    exit 2
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
