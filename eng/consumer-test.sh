#!/usr/bin/env bash
# Packs RnnMl's libraries into artifacts/packages under a fresh version, then builds tests/PackageConsumer (outside the
# solution, restoring Rnn.MLNet by package id from that folder), trains and saves a model with it, loads the zip in a
# second process and checks both printed the same predictions. Then the same app on the Rnn.TorchSharp package
# (tests/PackageConsumer/TorchConsumer) trains on libtorch and PackageConsumer, which has no TorchSharp, loads and scores its
# zip; and the rnnml tool, installed from the folder, is driven end to end (with --plot). Prints "consumer: passed",
# "torchsharp: passed", "tool: passed" (and the seconds each part took), or "…: failed (why)".
set -uo pipefail
cd "$(dirname "$0")/.."
version="0.1.0-ci.$(date +%Y%m%d%H%M%S)"
out="$(pwd)/artifacts/packages"
work="$(pwd)/artifacts/consumer"
rm -rf "$out" "$work"; mkdir -p "$out" "$work"
fail() { echo "consumer: failed ($1)"; exit 1; }
SECONDS=0
for p in src/Rnn.Core src/Rnn.MLNet src/Rnn.Pipelines src/Rnn.TorchSharp src/Rnn.Cli; do
  dotnet pack "$p" -c Release -o "$out" -p:PackageVersion="$version" --nologo -v q >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; fail "pack $p"; }
done
ls "$out"
echo "packed in ${SECONDS}s"
# Rnn.MLNet finds the libtorch backend by name at Fit: its package must not depend on TorchSharp (nor pull libtorch).
nuspec() { python3 -c "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read(next(n for n in z.namelist() if n.endswith('.nuspec'))).decode())" "$1"; }
grep -qi torch <<<"$(nuspec "$out/Rnn.MLNet.$version.nupkg")" && fail "Rnn.MLNet's package depends on TorchSharp"
grep -q 'id="TorchSharp-cpu"' <<<"$(nuspec "$out/Rnn.TorchSharp.$version.nupkg")" || fail "Rnn.TorchSharp's package does not depend on TorchSharp-cpu"
# Builds the consumer project $1 into $work/$2, trains with it into $work/$2.zip, loads that zip in a second process of
# PackageConsumer (no TorchSharp in its output) and checks both printed the same predictions.
round_trip() {
  dotnet build "$1" -c Release -p:RnnMlVersion="$version" -o "$work/$2" --nologo -v q >"$work/$2-build.log" 2>&1 || { cat "$work/$2-build.log"; fail "build of $1"; }
  dotnet "$work/$2/$(basename "$1").dll" train "$work/$2.zip" >"$work/$2-train.txt" || fail "train with $1"
  dotnet "$work/bin/PackageConsumer.dll" load "$work/$2.zip" >"$work/$2-load.txt" || fail "load of the zip $1 trained"
  cat "$work/$2-load.txt"
  diff "$work/$2-train.txt" "$work/$2-load.txt" >/dev/null || { diff "$work/$2-train.txt" "$work/$2-load.txt"; fail "the zip $1 trained predicts differently once loaded"; }
}
round_trip tests/PackageConsumer bin
echo "consumer: passed (${SECONDS}s)"

# Rnn.TorchSharp from its package: the same app built with RNNML_TORCH trains with Backend = TorchSharp (its build runs
# the package's buildTransitive step, which patches libLibTorchSharp.so in its output where libstdc++ predates GCC 13);
# PackageConsumer, with no TorchSharp in its output, loads the zip and must print the same predictions.
SECONDS=0
round_trip tests/PackageConsumer/TorchConsumer torch-bin
echo "torchsharp: passed (${SECONDS}s)"
SECONDS=0

# The rnnml tool, installed from the same folder as a user installs it: train, predict, and one-line errors with exit code 2.
tools="$work/tools"
dotnet tool install Rnn.Cli --version "$version" --tool-path "$tools" --add-source "$out" >"$work/tool-install.log" 2>&1 || { cat "$work/tool-install.log"; fail "tool install"; }
printf 'text\tlabel\n' >"$work/reviews.tsv"
for i in $(seq 1 30); do printf 'great food and lovely staff\t1\ncold soup and a rude waiter\t0\n' >>"$work/reviews.tsv"; done
"$tools/rnnml" classify --dataset "$work/reviews.tsv" --has-header --text-col text --label-col label --hidden 16 --epochs 5 --output "$work/tool.zip" --plot "$work/plots" --json >"$work/tool-train.json" || fail "rnnml classify"
grep -q '"task":"binary"' "$work/tool-train.json" || fail "rnnml classify --json printed no task"
# --plot from the installed tool: SkiaSharp's native library came with the package; the PNG starts with PNG's signature.
[ "$(head -c 8 "$work/plots/loss.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "rnnml classify --plot wrote no valid loss.png"
grep -q '<svg' "$work/plots/loss.svg" || fail "rnnml classify --plot wrote no loss.svg"
printf 'great food\nrude waiter\n' | "$tools/rnnml" predict --model "$work/tool.zip" >"$work/tool-predict.txt" || fail "rnnml predict"
[ "$(wc -l <"$work/tool-predict.txt")" -eq 2 ] || fail "rnnml predict printed $(wc -l <"$work/tool-predict.txt") lines for 2 inputs"
"$tools/rnnml" classify --dataset "$work/missing.tsv" 2>"$work/tool-error.txt"; code=$?
[ "$code" -eq 2 ] && [ "$(wc -l <"$work/tool-error.txt")" -eq 1 ] || fail "a missing dataset gave exit $code and $(wc -l <"$work/tool-error.txt") lines"
"$tools/rnnml" predict --model "$work/reviews.tsv" </dev/null 2>/dev/null; code=$?
[ "$code" -eq 2 ] || fail "a non-model file given to predict gave exit $code"
python3 -c "import math; print('month,value'); [print(f'{t},{100 + t + 10*math.sin(2*math.pi*t/12):.3f}') for t in range(96)]" >"$work/series.csv"
"$tools/rnnml" forecast --dataset "$work/series.csv" --has-header --column value --horizon 4 --window 12 --epochs 5 --output "$work/forecast.zip" >"$work/tool-forecast.txt" || fail "rnnml forecast"
[ "$(grep -c '^t+' "$work/tool-forecast.txt")" -eq 4 ] || fail "rnnml forecast printed no 4 forecasts"
head -c 4000 README.md >"$work/corpus.txt"
"$tools/rnnml" train-char --dataset "$work/corpus.txt" --minutes 0.05 --hidden 16 --output "$work/char.zip" >/dev/null || fail "rnnml train-char"
[ "$("$tools/rnnml" generate --model "$work/char.zip" --prompt "The " --length 40 --temperature 0 | wc -c)" -ge 40 ] || fail "rnnml generate"
"$tools/rnnml" generate --model "$work/forecast.zip" 2>/dev/null; code=$?
[ "$code" -eq 2 ] || fail "a forecaster zip given to generate gave exit $code"
echo "tool: passed (${SECONDS}s)"
