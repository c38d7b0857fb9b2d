#!/usr/bin/env bash
# Packs RnnMl's libraries into artifacts/packages under a fresh version, then builds tests/PackageConsumer (outside the
# solution, restoring Rnn.MLNet by package id from that folder), trains and saves a model with it, loads the zip in a
# second process and checks both printed the same predictions. Prints "consumer: passed" or "consumer: failed".
set -uo pipefail
cd "$(dirname "$0")/.."
version="0.1.0-ci.$(date +%Y%m%d%H%M%S)"
out="$(pwd)/artifacts/packages"
work="$(pwd)/artifacts/consumer"
rm -rf "$out" "$work"; mkdir -p "$out" "$work"
fail() { echo "consumer: failed ($1)"; exit 1; }
for p in src/Rnn.Core src/Rnn.MLNet src/Rnn.Pipelines src/Rnn.Cli; do
  dotnet pack "$p" -c Release -o "$out" -p:PackageVersion="$version" --nologo -v q >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; fail "pack $p"; }
done
ls "$out"
dotnet build tests/PackageConsumer -c Release -p:RnnMlVersion="$version" -o "$work/bin" --nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
dotnet "$work/bin/PackageConsumer.dll" train "$work/model.zip" >"$work/train.txt" || fail "train"
dotnet "$work/bin/PackageConsumer.dll" load "$work/model.zip" >"$work/load.txt" || fail "load"
cat "$work/load.txt"
diff "$work/train.txt" "$work/load.txt" >/dev/null || { diff "$work/train.txt" "$work/load.txt"; fail "the loaded model predicts differently"; }
echo "consumer: passed"

# The rnnml tool, installed from the same folder as a user installs it: train, predict, and one-line errors with exit code 2.
tools="$work/tools"
dotnet tool install Rnn.Cli --version "$version" --tool-path "$tools" --add-source "$out" >"$work/tool-install.log" 2>&1 || { cat "$work/tool-install.log"; fail "tool install"; }
printf 'text\tlabel\n' >"$work/reviews.tsv"
for i in $(seq 1 30); do printf 'great food and lovely staff\t1\ncold soup and a rude waiter\t0\n' >>"$work/reviews.tsv"; done
"$tools/rnnml" classify --dataset "$work/reviews.tsv" --has-header --text-col text --label-col label --hidden 16 --epochs 5 --output "$work/tool.zip" --json >"$work/tool-train.json" || fail "rnnml classify"
grep -q '"task":"binary"' "$work/tool-train.json" || fail "rnnml classify --json printed no task"
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
echo "tool: passed"
