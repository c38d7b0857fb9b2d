#!/bin/bash
# Usage: OUT=DIR [WORKLOADS="lstm_cls charlm"] bash alternate.sh. Alternating per workload: managed, torch default, torch passive; 2 threads then 1.
dll=${DLL:-benchmarks/Rnn.Benchmarks/bin/Release/net10.0/Rnn.Benchmarks.dll}   # run from the repository root
out=${OUT:-results-engines}
mkdir -p $out
for w in ${WORKLOADS:-seed_trend sine lstm_cls gru_cls charlm rnn_big infer_latency infer_batch256 matmul_ref}; do
  for t in 2 1; do
    dotnet $dll --workload $w --engine managed --threads $t --json >> $out/managed-${t}t.jsonl 2>&1
    dotnet $dll --workload $w --engine torchsharp --threads $t --json >> $out/torch-${t}t-default.jsonl 2>&1
    OMP_WAIT_POLICY=PASSIVE dotnet $dll --workload $w --engine torchsharp --threads $t --json >> $out/torch-${t}t-passive.jsonl 2>&1
  done
  echo "$w $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/progress
done
echo finished >> $out/progress
