#!/usr/bin/env bash
# Fits the working tree to what travels to the GPU machine (the device tool copies tracked and
# not-ignored files plus the carried bundle, 64 MiB in all; the fixtures alone are 83 MB).
#   bash scripts/device-tree.sh slim     # untrack and ignore the fixtures the GPU check does not read
#   bash scripts/device-tree.sh restore  # track them again; run it right after the device call
# Nothing is deleted and nothing is committed: slim only takes the folders out of the index and
# lists them in .git/info/exclude; restore undoes both. Never commit while slim.
set -euo pipefail
cd "$(dirname "$0")/.."
exclude=.git/info/exclude
marker="# device-tree.sh slim"
# What the GPU check reads: the Cuda tests' fixtures (CudaDetectionTests, the tiny FPN and DCNv2
# cases) and the config and checkpoint scripts/device-check.sh benchmarks.
keep=(tiny_r50_fpn tiny_r50_fpn_dcnv2_g2 tiny_r50_c4 det_faster_rcnn_r50_fpn det_faster_rcnn_r50_c4 det_mask_rcnn_r50_fpn)

case ${1:-} in
  slim)
    grep -qxF "$marker" "$exclude" 2>/dev/null && { echo "already slim: run restore first" >&2; exit 1; }
    echo "$marker" >> "$exclude"
    for dir in tests/fixtures/*/; do
      name=$(basename "$dir")
      [[ " ${keep[*]} " == *" $name "* ]] && continue
      compgen -G "$dir*.pkl" > /dev/null || continue   # small cases without a checkpoint cost nothing
      git rm -r -q --cached "$dir"
      echo "/$dir" >> "$exclude"
    done
    bundle=$(stat -c %s artifacts/device/d2sharp-device.tar.xz 2>/dev/null || echo 0)
    tree=$(git ls-files -z | xargs -0 stat -c %s | awk '{s += $1} END {print s}')
    echo "carried: tree $((tree >> 20)) MiB + bundle $((bundle >> 20)) MiB (at most 64 MiB)"
    (( (tree + bundle) >> 20 < 64 )) || echo "over 64 MiB: restore, then take a det_* case out of keep for this call" >&2
    ;;
  restore)
    grep -qxF "$marker" "$exclude" 2>/dev/null || { echo "not slim" >&2; exit 1; }
    sed -i "/^$marker\$/,\$d" "$exclude"
    git reset -q -- tests/fixtures
    git status --short | grep -v '^??' || echo "restored: the index matches HEAD again"
    ;;
  *) echo "usage: $0 slim|restore" >&2; exit 2 ;;
esac
