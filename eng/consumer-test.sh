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
for p in src/Rnn.Core src/Rnn.MLNet; do
  dotnet pack "$p" -c Release -o "$out" -p:PackageVersion="$version" --nologo -v q >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; fail "pack $p"; }
done
ls "$out"
dotnet build tests/PackageConsumer -c Release -p:RnnMlVersion="$version" -o "$work/bin" --nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
dotnet "$work/bin/PackageConsumer.dll" train "$work/model.zip" >"$work/train.txt" || fail "train"
dotnet "$work/bin/PackageConsumer.dll" load "$work/model.zip" >"$work/load.txt" || fail "load"
cat "$work/load.txt"
diff "$work/train.txt" "$work/load.txt" >/dev/null || { diff "$work/train.txt" "$work/load.txt"; fail "the loaded model predicts differently"; }
echo "consumer: passed"
