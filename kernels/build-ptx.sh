#!/usr/bin/env bash
# Compiles kernels to PTX for compute_80 and compute_90 and checks the sm_90 PTX with ptxas:
# the build fails when ptxas fails or reports any spill. Used by the engine's MSBuild target
# (engine/D2Sharp/D2Sharp.csproj) and Cake's Kernels target, so both build the same way.
# usage: kernels/build-ptx.sh OUT_DIR FILE.cu...   (NVCC overrides nvcc; PTXAS overrides ptxas)
# Writes OUT_DIR/<stem>.sm80.ptx and OUT_DIR/<stem>.sm90.ptx; prints ptxas's register counts.
set -euo pipefail
out="$1"
shift
nvcc="${NVCC:-nvcc}"
ptxas="${PTXAS:-$(dirname "$(command -v "$nvcc")")/ptxas}"
[ -x "$ptxas" ] || ptxas=ptxas
# Debian's CUDA 11.8 rejects its default g++ 12 as host compiler; clang-14 is accepted. Newer
# toolkits do not need it.
host=()
if command -v clang-14 >/dev/null 2>&1; then host=(-ccbin clang-14); fi
mkdir -p "$out"
for cu in "$@"; do
    stem="$(basename "$cu" .cu)"
    for arch in 80 90; do
        "$nvcc" "${host[@]}" -std=c++17 -ptx -arch=compute_$arch -o "$out/$stem.sm$arch.ptx" "$cu"
    done
    report="$("$ptxas" -arch=sm_90 -v -o /dev/null "$out/$stem.sm90.ptx" 2>&1)" || {
        echo "$report" >&2
        echo "error: ptxas rejected $stem.sm90.ptx" >&2
        rm -f "$out/$stem.sm80.ptx" "$out/$stem.sm90.ptx"
        exit 1
    }
    if echo "$report" | grep -Eq '[1-9][0-9]* bytes spill'; then
        echo "$report" >&2
        echo "error: $stem spills registers on sm_90" >&2
        rm -f "$out/$stem.sm80.ptx" "$out/$stem.sm90.ptx"
        exit 1
    fi
    echo "$report" | awk -v stem="$stem" '/Compiling entry function/ { split($0, quoted, "\047"); fn = quoted[2] }
                                           /Used [0-9]+ registers/ { for (i = 1; i <= NF; i++) if ($i == "Used") print stem ": " fn " " $(i + 1) " registers" }'
done
