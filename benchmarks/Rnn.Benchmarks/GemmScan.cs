using System.Diagnostics;
using System.Globalization;
using Rnn.Benchmarks.Measurement;
using Rnn.Core.Numerics;

namespace Rnn.Benchmarks;

/// <summary>
/// Break-even scans: (1) one vs two threads for the pre-packed per-step product and for the per-call blocked
/// product, over growing sizes (the threshold <c>Gemm.ParallelFlops</c>); (2) Simple vs Blocked for small
/// products (the <c>PreferBlocked</c> rule). Each case alternates the contenders and reports median µs.
/// </summary>
internal static unsafe class GemmScan
{
    public static int Run(double secondsPerCase)
    {
        PoolOverhead(secondsPerCase);
        Console.WriteLine("## 1 vs 2 threads (NT, B stored [n, k]); median µs, alternating");
        Console.WriteLine("| m x n x k | MFLOP | packed 1t | packed 2t | packed 2t/1t | blocked 1t | blocked 2t | blocked 2t/1t |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (m, n, k) in new[]
        {
            (1, 512, 128), (8, 256, 64), (16, 256, 128), (32, 256, 128), (64, 128, 128), (64, 256, 64), (64, 256, 128),
            (64, 384, 128), (64, 512, 128), (32, 1024, 256), (64, 512, 512), (256, 512, 128), (1024, 1024, 64),
        })
        {
            var (a, b, c) = Operands(m, n, k);
            using var packed = Gemm.PackB(b, k, true, k, n);
            void Packed() => Gemm.Multiply(false, m, a, k, packed, c, n, false);
            void Blocked() => Gemm.Blocked(false, true, m, n, k, a, k, b, k, c, n, false);
            var (p1, p2) = Alternate(WithThreads(1, Packed), WithThreads(2, Packed), secondsPerCase);
            var (b1, b2) = Alternate(WithThreads(1, Blocked), WithThreads(2, Blocked), secondsPerCase);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {m}x{n}x{k} | {2.0 * m * n * k / 1e6:F2} | {p1 * 1e6:F1} | {p2 * 1e6:F1} | {p2 / p1:F2} | {b1 * 1e6:F1} | {b2 * 1e6:F1} | {b2 / b1:F2} |"));
        }

        Console.WriteLine();
        Console.WriteLine("## Simple vs Blocked, 1 thread; median µs, alternating");
        Console.WriteLine("| m x n x k | op | m·n·k | Simple | Blocked | Blocked/Simple |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (m, n, k, ta, tb) in new[]
        {
            (4, 8, 8, false, true), (4, 8, 1, false, true), (4, 16, 8, false, false), (8, 16, 16, false, true), (16, 16, 16, false, true),
            (1, 32, 32, false, true), (1, 128, 32, false, true), (1, 512, 128, false, true), (4, 64, 64, false, true), (16, 64, 32, false, false),
            (32, 96, 32, false, true), (480, 32, 32, false, true), (9600, 32, 1, false, true), (32, 32, 480, true, false),
        })
        {
            var (a, b, c) = Operands(m, n, k);
            int lda = ta ? m : k, ldb = tb ? k : n;
            void Simple() => Gemm.Simple(ta, tb, m, n, k, a, lda, b, ldb, c, n, false);
            void Blocked() => Gemm.Blocked(ta, tb, m, n, k, a, lda, b, ldb, c, n, false);
            var (s, bl) = Alternate(WithThreads(1, Simple), WithThreads(1, Blocked), secondsPerCase);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {m}x{n}x{k} | {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} | {(long)m * n * k} | {s * 1e6:F2} | {bl * 1e6:F2} | {bl / s:F2} |"));
        }
        return 0;
    }

    private static void EmptyPart(void* context, int part)
    {
    }

    /// <summary>Cost of one WorkerPool dispatch with empty parts: back to back (worker spinning) and after a pause (worker asleep).</summary>
    private static void PoolOverhead(double budget)
    {
        Console.WriteLine("## WorkerPool dispatch, 2 empty parts; median µs");
        void Dispatch() => WorkerPool.Run(2, &EmptyPart, null);
        var (hot, _) = Alternate(WithThreads(2, Dispatch), () => { }, budget);
        var cold = new List<double>();
        for (int i = 0; i < 200; i++)
        {
            Thread.Sleep(1);
            cold.Add(TimeOne(WithThreads(2, Dispatch)));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"back to back (worker spinning): {hot * 1e6:F2} µs; after 1 ms idle (worker asleep): {SampleStats.Of(cold).Median * 1e6:F2} µs"));
        Console.WriteLine();
    }

    private static (float[] A, float[] B, float[] C) Operands(int m, int n, int k)
    {
        var rng = new Rng(m * 31 + n * 7 + k);
        var a = new float[m * k];
        var b = new float[n * k];
        rng.FillNormal(a);
        rng.FillNormal(b);
        return (a, b, new float[m * n]);
    }

    /// <summary>Runs <paramref name="body"/> with <paramref name="threads"/> threads, forcing the split when 2.</summary>
    private static Action WithThreads(int threads, Action body) => () =>
    {
        int saved = Parallelism.MaxThreads;
        long savedFlops = Gemm.ParallelFlops;
        Parallelism.MaxThreads = threads;
        Gemm.ParallelFlops = 0;
        try
        {
            body();
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            Gemm.ParallelFlops = savedFlops;
        }
    };

    /// <summary>Median seconds of x and y, timed in alternating batches for ~<paramref name="budget"/> s in all.</summary>
    private static (double X, double Y) Alternate(Action x, Action y, double budget)
    {
        for (int i = 0; i < 20; i++)
        {
            x();
            y();
        }
        var xs = new List<double>();
        var ys = new List<double>();
        long t0 = Stopwatch.GetTimestamp();
        while (xs.Count < 10 || (xs.Count < 100000 && Stopwatch.GetElapsedTime(t0).TotalSeconds < budget))
        {
            xs.Add(TimeOne(x));
            ys.Add(TimeOne(y));
        }
        return (SampleStats.Of(xs).Median, SampleStats.Of(ys).Median);
    }

    private static double TimeOne(Action body)
    {
        long s = Stopwatch.GetTimestamp();
        body();
        return Stopwatch.GetElapsedTime(s).TotalSeconds;
    }
}
