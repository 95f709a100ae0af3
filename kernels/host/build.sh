#!/usr/bin/env bash
# Builds the host-emulation library: kernels/*.cu compiled as C++ with the emulator.
# usage: kernels/host/build.sh OUTPUT.so   (CXX overrides g++)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$1"
mkdir -p "$(dirname "$out")"
"${CXX:-g++}" -std=c++17 -O2 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror \
    -I"$here/.." -o "$out" \
    -x c++ "$here"/../*.cu "$here"/emulator.cpp "$here"/kernel_table.cpp
