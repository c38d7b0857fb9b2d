using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Rnn.Benchmarks.Measurement;
using Rnn.Core.Numerics;

namespace Rnn.Benchmarks;

/// <summary>
/// Quick GEMM table (not BenchmarkDotNet): for each shape, median time and GFLOP/s of Simple, Blocked and the
/// pre-packed path with 1 and 2 threads, optionally beside torch.mm run by torch_gemm_shapes.py.
/// </summary>
internal static class GemmSweep
{
    private delegate void Product(float[] a, float[] b, float[] c, PackedMatrix packed);

    public static int Run(double secondsPerCase, string? torchScript)
    {
        bool withTorch = torchScript is not null;
        Console.WriteLine("| shape | use | kernel | 1 thread µs | 1 thread GFLOP/s | 2 threads µs | 2 threads GFLOP/s |" +
                          (withTorch ? " torch.mm 1t µs | torch.mm 1t GFLOP/s | torch.mm 2t µs | torch.mm 2t GFLOP/s |" : ""));
        Console.WriteLine("|---|---|---|---|---|---|---|" + (withTorch ? "---|---|---|---|" : ""));
        foreach (GemmShape s in GemmShape.Workloads)
        {
            // torch.mm for this shape right before ours (alternating per shape, so load changes hit both alike).
            Dictionary<(string, int), double>? torch = withTorch ? RunTorch(torchScript!, secondsPerCase, s) : null;
            var rng = new Rng(s.M + s.N + s.K);
            var a = new float[s.M * s.K];
            var b = new float[s.K * s.N];
            var c = new float[s.M * s.N];
            rng.FillNormal(a);
            rng.FillNormal(b);
            using PackedMatrix packed = Gemm.PackB(b, s.TransB ? s.K : s.N, s.TransB, s.K, s.N);
            var kernels = new List<(string Name, Product Run)>
            {
                ("Multiply", (a, b, c, _) => Gemm.Multiply(s.TransA, s.TransB, s.M, s.N, s.K, a, b, c, false)),
                ("Blocked", (a, b, c, _) => Gemm.Blocked(s.TransA, s.TransB, s.M, s.N, s.K, a, s.TransA ? s.M : s.K, b, s.TransB ? s.K : s.N, c, s.N, false)),
                ("Packed B", (a, _, c, p) => Gemm.Multiply(s.TransA, s.M, a, s.TransA ? s.M : s.K, p, c, s.N, false)),
            };
            if (s.Flops < 2e8) kernels.Add(("Simple", (a, b, c, _) => Gemm.Simple(s.TransA, s.TransB, s.M, s.N, s.K, a, s.TransA ? s.M : s.K, b, s.TransB ? s.K : s.N, c, s.N, false)));
            foreach (var (name, run) in kernels)
            {
                double t1 = Time(run, a, b, c, packed, 1, secondsPerCase);
                double t2 = Time(run, a, b, c, packed, 2, secondsPerCase);
                string row = string.Create(CultureInfo.InvariantCulture,
                    $"| {s.Name} | {s.Label} | {name} | {t1 * 1e6:F1} | {s.Flops / t1 / 1e9:F1} | {t2 * 1e6:F1} | {s.Flops / t2 / 1e9:F1} |");
                if (torch is not null)
                {
                    row += $" {Torch(torch, s, 1)} | {Torch(torch, s, 2)} |";
                }
                Console.WriteLine(row);
            }
        }
        return 0;
    }

    private static string Torch(Dictionary<(string, int), double> torch, GemmShape s, int threads) =>
        torch.TryGetValue((s.Name, threads), out double t)
            ? string.Create(CultureInfo.InvariantCulture, $"{t * 1e6:F1} | {s.Flops / t / 1e9:F1}")
            : "- | -";

    /// <summary>Median seconds of one product with <paramref name="threads"/> threads, after a warm-up, over ~<paramref name="budget"/> s.</summary>
    private static double Time(Product run, float[] a, float[] b, float[] c, PackedMatrix packed, int threads, double budget)
    {
        int saved = Parallelism.MaxThreads;
        Parallelism.MaxThreads = threads;
        try
        {
            long w0 = Stopwatch.GetTimestamp();
            int warm = 0;
            while (warm < 5 || (warm < 1000 && Stopwatch.GetElapsedTime(w0).TotalSeconds < budget / 4))
            {
                run(a, b, c, packed);
                warm++;
            }
            var samples = new List<double>();
            long t0 = Stopwatch.GetTimestamp();
            while (samples.Count < 5 || (samples.Count < 20000 && Stopwatch.GetElapsedTime(t0).TotalSeconds < budget))
            {
                long s = Stopwatch.GetTimestamp();
                run(a, b, c, packed);
                samples.Add(Stopwatch.GetElapsedTime(s).TotalSeconds);
            }
            return SampleStats.Of(samples).Median;
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    private static Dictionary<(string, int), double> RunTorch(string script, double budget, GemmShape shape)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("--budget");
        psi.ArgumentList.Add(budget.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add($"{shape.M},{shape.N},{shape.K},{(shape.TransA ? 1 : 0)},{(shape.TransB ? 1 : 0)}");
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start python3");
        var result = new Dictionary<(string, int), double>();
        while (process.StandardOutput.ReadLine() is { } text)
        {
            if (JsonNode.Parse(text) is not JsonObject o) continue;
            var timed = new GemmShape("", (int)o["ta"]! == 1, (int)o["tb"]! == 1, (int)o["m"]!, (int)o["n"]!, (int)o["k"]!);
            result[(timed.Name, (int)o["threads"]!)] = (double)o["median_s"]!;
        }
        process.WaitForExit();
        return result;
    }
}
