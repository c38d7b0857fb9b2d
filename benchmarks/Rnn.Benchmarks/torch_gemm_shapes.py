#!/usr/bin/env python3
"""torch.mm timings for the GEMM shapes of GemmShape.Workloads, with torch_bench.py's settings
(OPENBLAS_CORETYPE from the CPU flags, OMP_WAIT_POLICY=PASSIVE), 1 and 2 threads.

Usage: /usr/bin/python3 torch_gemm_shapes.py [--budget S] M,N,K,TA,TB ...   (TB=1: B stored [N,K], used as B.t())
Prints one JSON line per shape and thread count: {"m","n","k","ta","tb","threads","median_s","gflops"}.
"""
import json
import os
import statistics
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
if "OPENBLAS_CORETYPE" not in os.environ:
    flags = open("/proc/cpuinfo").read()
    if "avx512f" in flags:
        os.environ["OPENBLAS_CORETYPE"] = "Cooperlake" if "avx512_bf16" in flags else "SkylakeX"

import ctypes  # noqa: E402
import torch  # noqa: E402


def openblas():
    for line in open("/proc/self/maps"):
        p = line.split()[-1]
        if os.path.basename(p).lower().startswith("libopenblas") and ".so" in p:
            return ctypes.CDLL(p)
    return None


def main():
    args = sys.argv[1:]
    budget = 0.3
    if args and args[0] == "--budget":
        budget = float(args[1])
        args = args[2:]
    blas = openblas()
    for spec in args:
        m, n, k, ta, tb = (int(x) for x in spec.split(","))
        a = torch.randn(k, m) if ta else torch.randn(m, k)
        b = torch.randn(n, k) if tb else torch.randn(k, n)
        opa = a.t() if ta else a
        opb = b.t() if tb else b
        c = torch.empty(m, n)
        for threads in (1, 2):
            torch.set_num_threads(threads)
            if blas:
                blas.openblas_set_num_threads(threads)
            t0 = time.perf_counter()
            warm = 0
            while warm < 5 or (warm < 1000 and time.perf_counter() - t0 < budget / 4):
                torch.mm(opa, opb, out=c)
                warm += 1
            samples = []
            t0 = time.perf_counter()
            while len(samples) < 5 or (len(samples) < 20000 and time.perf_counter() - t0 < budget):
                s = time.perf_counter()
                torch.mm(opa, opb, out=c)
                samples.append(time.perf_counter() - s)
            med = statistics.median(samples)
            print(json.dumps({"m": m, "n": n, "k": k, "ta": ta, "tb": tb, "threads": threads,
                              "median_s": med, "gflops": 2 * m * n * k / med / 1e9}), flush=True)


if __name__ == "__main__":
    main()
