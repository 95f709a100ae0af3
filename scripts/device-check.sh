#!/usr/bin/env bash
# The GPU check: one command on a GPU machine that has no .NET and no network (see README, CUDA).
# Run from the repository root after `dotnet cake --target=DeviceBundle` made
# artifacts/device/d2sharp-device.tar.xz here and it was carried there. Within about 6 minutes it
# runs every Cuda test, compute-sanitizer memcheck and racecheck on end-to-end runs, an
# out-of-memory probe, the GPU benchmarks and
# the PyTorch peer timings, and writes summary.txt and logs.tgz (every log) to $OUT (default
# ./artifacts/device/out); the summary is printed last.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
results=${OUT:-$root/artifacts/device/out}
out=$(mktemp -d)
mkdir -p "$results"
bundle=$root/artifacts/device/bundle
summary=$out/summary.txt
: > "$summary"
note() { echo "$*" >> "$summary"; }
step() { # step NAME SECONDS COMMAND...: runs with a time limit, logs to $out/NAME.log, notes the exit code
  local name=$1 limit=$2; shift 2
  local start=$SECONDS
  timeout "$limit" "$@" > "$out/$name.log" 2>&1
  local rc=$?
  note "$name: exit $rc in $((SECONDS - start)) s"
  return $rc
}

rm -rf "$bundle" && mkdir -p "$bundle"
tar -xJf "$root/artifacts/device/d2sharp-device.tar.xz" -C "$bundle" || { echo "cannot unpack artifacts/device/d2sharp-device.tar.xz: build it with dotnet cake --target=DeviceBundle"; exit 1; }
export PATH=$PATH:/usr/local/cuda/bin

# cuDNN 9 and cuBLAS come with the CUDA toolkit or PyTorch's wheels; point D2Sharp's resolver and
# the loader (cuDNN loads its sub-libraries by name) at the first copy found.
for lib in libcudnn.so.9 libcublas.so.13 libcublas.so.12; do
  found=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')
  [ -n "$found" ] || found=$(find /usr/local/cuda*/ /opt /usr/lib /usr/local/lib -name "$lib" 2>/dev/null | head -n1)
  if [ -n "$found" ]; then
    export LD_LIBRARY_PATH="$(dirname "$found")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    case $lib in libcudnn*) export D2SHARP_LIBCUDNN=$found ;; libcublas*) export D2SHARP_LIBCUBLAS=${D2SHARP_LIBCUBLAS:-$found} ;; esac
  fi
done
note "cudnn: ${D2SHARP_LIBCUDNN:-not found}; cublas: ${D2SHARP_LIBCUBLAS:-not found}"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv > "$out/nvidia-smi.txt" 2>&1

d2sharp=$bundle/D2Sharp.Cli
widths=(MODEL.RESNETS.STEM_OUT_CHANNELS 64 MODEL.RESNETS.RES2_OUT_CHANNELS 256 MODEL.RESNETS.WIDTH_PER_GROUP 64 MODEL.FPN.OUT_CHANNELS 256)
dcn=(MODEL.RESNETS.DEFORM_ON_PER_STAGE "[False,True,True,True]" MODEL.RESNETS.DEFORM_MODULATED True)
bench=("$d2sharp" bench --device cuda --config configs/tiny_r50_fpn.yaml --warmup 5 --iters 50 --format json)

step info 60 "$d2sharp" info
step cuda-tests 240 "$bundle/d2sharp-tests" --category Cuda --results "$out/cuda-tests.xml"
note "cuda tests: $(tail -n1 "$out/cuda-tests.log")"
grep -E -A3 "^(FAILED|ERROR)" "$out/cuda-tests.log" | head -60 >> "$summary"
step memcheck 120 compute-sanitizer --tool memcheck --error-exitcode 9 \
  "$d2sharp" bench --device cuda --config configs/tiny_r50_fpn.yaml --size 320x480 --warmup 0 --iters 2
grep -E "ERROR SUMMARY|error:" "$out/memcheck.log" | head -5 >> "$summary"
# group_norm's block reduction is the kernel with shared memory: racecheck runs it on a GN model.
step racecheck 120 compute-sanitizer --tool racecheck --error-exitcode 9 \
  "$d2sharp" bench --device cuda --config configs/tiny_r50_fpn.yaml --opts "${widths[@]}" MODEL.RESNETS.NORM GN MODEL.FPN.NORM GN --size 320x480 --warmup 0 --iters 1
grep -E "RACECHECK SUMMARY|ERROR SUMMARY|error:" "$out/racecheck.log" | head -5 >> "$summary"
# Out of device memory must be a one-line error saying what was asked for and what is free (exit 1).
step oom-probe 120 "$d2sharp" bench --device cuda --config configs/tiny_r50_fpn.yaml --opts "${widths[@]}" --size 8192x8192 --batch 8 --warmup 0 --iters 1
grep -E "d2sharp: .*error" "$out/oom-probe.log" | head -2 >> "$summary"
step bench-r50-fp32 90 "${bench[@]}" --opts "${widths[@]}" --size 800x1344
step bench-r50-tf32 90 "${bench[@]}" --opts "${widths[@]}" --size 800x1344 --precision tf32
step bench-r50-fp32-b4 90 "${bench[@]}" --opts "${widths[@]}" --size 800x1344 --batch 4
step bench-dcn-fp32 90 "${bench[@]}" --opts "${widths[@]}" "${dcn[@]}" --size 800x1344
step bench-dcn-tf32 90 "${bench[@]}" --opts "${widths[@]}" "${dcn[@]}" --size 800x1344 --precision tf32
# Detections: segments alternating GPU/CPU (HybridBackend): backbone + RPN head and ROIAlign + the box
# head's FC layers on the GPU, top-k, proposals and fast_rcnn_inference on the CPU; the fixture's
# checkpoint on its narrow widths, then the full R50-FPN widths with deterministic weights.
det=tests/fixtures/det_faster_rcnn_r50_fpn
step bench-det-fixture 90 "$d2sharp" bench --device cuda --config $det/config_resolved.yaml --weights $det/model.pkl \
  --scope detections --size 800x1216 --warmup 3 --iters 20 --format json
step bench-det-r50-tf32 120 "$d2sharp" bench --device cuda --precision tf32 --config $det/config_resolved.yaml \
  --opts "${widths[@]}" MODEL.ROI_BOX_HEAD.FC_DIM 1024 --scope detections --size 800x1344 --warmup 3 --iters 20 --format json
for f in "$out"/bench-*.log; do
  note "$(basename "$f" .log): $(grep -E '^(latency|rate):' "$f" | tr '\n' ' ')"
done
export PYTHONUNBUFFERED=1
# PyTorch brings its own cuDNN: keep the one found above off its path.
step torch-peer 150 env -u LD_LIBRARY_PATH python3 bench/peers/torch_peer.py 800x1344
cat "$out/torch-peer.log" >> "$summary"

tar -czf "$results/logs.tgz" -C "$out" .
cp "$summary" "$results/summary.txt"
echo "==== summary"
cat "$summary"
