#!/usr/bin/env bash
# Coverage-guided fuzzing of D2Sharp's loaders with AFL++ and SharpFuzz.
#   fuzz/run.sh [SECONDS] [TARGET ...]
# SECONDS per target (default 60); targets: config checkpoint pth npy npz png jpeg (default: all).
# Publishes fuzz/D2Sharp.Fuzz, instruments D2Sharp.dll (our own PNG, EXIF and npy readers) and the
# managed parsers it hands untrusted bytes to (YamlDotNet, Razorvine.Pickle) with sharpfuzz; JPEG
# pixels come from Skia's native libjpeg-turbo, which is fuzzed as a black box. Seeds each target with
# fuzz/seeds.py, runs afl-fuzz for SECONDS, and prints one line per target (executions, edges
# covered, crashes, hangs). Findings stay in artifacts/fuzz/<target>/findings; replay one with
#   dotnet run --project fuzz/D2Sharp.Fuzz -- TARGET FILE   (uninstrumented: the instrumented build
#   runs only under afl-fuzz)
# Exits 1 when any target found a crash or a hang. Needs afl++ (Debian) and the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config checkpoint pth npy npz png jpeg)
command -v afl-fuzz >/dev/null || { echo "fuzz: afl-fuzz not found (apt-get install afl++)" >&2; exit 1; }

out=artifacts/fuzz
bin=$out/bin
rm -rf "$bin"
dotnet publish fuzz/D2Sharp.Fuzz -c Release -o "$bin" --nologo -v quiet >/dev/null
dotnet tool restore >/dev/null
# D2Sharp and the parsers it hands untrusted bytes to are instrumented: their branches steer the fuzzer.
for assembly in D2Sharp YamlDotNet Razorvine.Pickle; do
  dotnet sharpfuzz "$bin/$assembly.dll" >/dev/null
done
python3 fuzz/seeds.py "$out/seeds"

# A container has no CPU-frequency governor to read, and its core pattern may pipe to a handler.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
export DOTNET_TieredPGO=0 DOTNET_CLI_TELEMETRY_OPTOUT=1
found=0
for target in "${targets[@]}"; do
  findings=$out/$target/findings
  rm -rf "$findings"
  mkdir -p "$findings"
  # -s 1: the same mutations on every run, so CI is repeatable; -t: a load slower than 5 s is a hang;
  # -m none: .NET reserves far more address space than it uses.
  afl-fuzz -V "$seconds" -s 1 -t 5000 -m none -i "$out/seeds/$target" -o "$findings" -- dotnet "$bin/D2Sharp.Fuzz.dll" "$target" \
    > "$out/$target/afl.log" 2>&1 || { echo "fuzz: afl-fuzz failed for $target (see $out/$target/afl.log)" >&2; tail -5 "$out/$target/afl.log" >&2; exit 1; }
  stats=$findings/default/fuzzer_stats
  stat() { grep -E "^$1 *:" "$stats" | sed 's/.*: *//'; }
  crashes=$(stat saved_crashes); hangs=$(stat saved_hangs)
  echo "fuzz: $target: $(stat execs_done) executions in $(stat run_time) s, $(stat corpus_count) inputs in the corpus, $(stat bitmap_cvg) of the edge map covered, $crashes crashes, $hangs hangs"
  if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then found=1; fi
done
exit $found
