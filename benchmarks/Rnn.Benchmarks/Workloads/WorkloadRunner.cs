using System.Diagnostics;
using System.Text.Json.Nodes;
using Rnn.Benchmarks.Measurement;
using Rnn.Core.Numerics;

namespace Rnn.Benchmarks.Workloads;

/// <summary>The implemented workloads and how one is run (threads set, contention fields added).</summary>
internal static class WorkloadRunner
{
    /// <summary>
    /// Implemented workloads by name, in WORKLOADS.md order. Every workload of WORKLOADS.md (EngineWorkloads.cs, MatmulRef.cs).
    /// </summary>
    private static readonly Dictionary<string, Func<Workload>> s_factories = new()
    {
        ["seed_trend"] = () => new SeedTrend(),
        ["sine"] = () => new Sine(),
        ["lstm_cls"] = TokenTraining.LstmCls,
        ["gru_cls"] = TokenTraining.GruCls,
        ["charlm"] = TokenTraining.CharLm,
        ["rnn_big"] = () => new RnnBig(),
        ["infer_latency"] = () => new InferLatency(),
        ["infer_batch256"] = () => new InferBatch256(),
        ["matmul_ref"] = () => new MatmulRef(),
    };

    /// <summary>Names of the implemented workloads, in WORKLOADS.md order.</summary>
    public static IReadOnlyList<string> Implemented =>
        [.. FlopCounts.All.Select(e => e.Name).Where(s_factories.ContainsKey)];

    /// <summary>Every workload of WORKLOADS.md, implemented or not.</summary>
    public static IReadOnlyList<string> Known => [.. FlopCounts.All.Select(e => e.Name)];

    public static bool IsImplemented(string name) => s_factories.ContainsKey(name);

    /// <summary>Creates the workload (for <see cref="Workload.HigherIsBetter"/> and friends).</summary>
    public static Workload Create(string name) => s_factories[name]();

    /// <summary>Runs one workload with <see cref="BenchSettings.Threads"/> threads and returns its full result line.</summary>
    public static JsonObject Run(string name, BenchSettings settings)
    {
        Workload workload = Create(name);
        int saved = Parallelism.MaxThreads;
        Parallelism.MaxThreads = settings.Threads;
        try
        {
            var before = CpuSnapshot.Take();
            long t0 = Stopwatch.GetTimestamp();
            JsonObject line = workload.Measure(settings);
            double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            ResultLine.AddContention(line, wall, before, CpuSnapshot.Take());
            line["impl"] = "RnnMl";
            return line;
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    /// <summary>A header line: date, runtime, CPU, vector width, threads (torch_bench.py's header, for our side).</summary>
    public static JsonObject Header(BenchSettings settings) => new()
    {
        ["type"] = "header",
        ["impl"] = "RnnMl",
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture),
        ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        ["cpu_model"] = CpuModel(),
        ["logical_cpus"] = Environment.ProcessorCount,
        ["vector512"] = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated,
        ["threads"] = settings.Threads,
        ["loadavg_start"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[..3].Aggregate((x, y) => x + " " + y) : null,
    };

    private static string? CpuModel()
    {
        if (!File.Exists("/proc/cpuinfo")) return null;
        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim();
    }
}
