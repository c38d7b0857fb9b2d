using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Rnn.Benchmarks.Measurement;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.MLNet;

namespace Rnn.Benchmarks.Workloads;

/// <summary>
/// The lstm_cls model (same options and seed as <see cref="InferLatency"/> and <see cref="InferBatch256"/>, so the same
/// weights), exported with <see cref="RecurrentOnnx.ToOnnx(SequenceModel)"/> and run by ONNX Runtime's CPU provider:
/// graph optimisations on (ORT_ENABLE_ALL), <c>threads</c> intra-op threads, sequential execution, and pre-bound
/// OrtValues over fixed arrays (no allocation per call on our side).
/// </summary>
internal sealed class OnnxRuntimeLstmCls : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private static readonly string[] InputNames = [RecurrentOnnx.TokensInput, RecurrentOnnx.LengthsInput];
    private static readonly string[] OutputNames = [RecurrentOnnx.LogitsOutput];

    public OnnxRuntimeLstmCls(int batch, int steps, Rng rng, int threads)
    {
        var network = WorkloadModels.TokenModel(CellType.Lstm, 5000, 64, 128, 2, false);
        network.Eval();
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        _session = new InferenceSession(network.ToOnnx(), options);
        // The same token ids as the managed workload (same Rng seed, same draw order).
        var ids = WorkloadModels.RandomTokens(batch, steps, 5000, rng).Tokens.ToArray().Select(t => (long)t).ToArray();
        var lengths = Enumerable.Repeat((long)steps, batch).ToArray();
        Logits = new float[batch * 2];
        _inputs =
        [
            OrtValue.CreateTensorValueFromMemory(ids, [batch, steps]),
            OrtValue.CreateTensorValueFromMemory(lengths, [batch]),
        ];
        _outputs = [OrtValue.CreateTensorValueFromMemory(Logits, [batch, 2])];
    }

    /// <summary>The config field of a result line.</summary>
    public static JsonObject Config(int batch, int threads) => new()
    {
        ["model"] = "lstm_cls (Embedding(5000,64)+LSTM(64->128)+Linear(128->2)), exported to ONNX", ["batch"] = batch, ["seq"] = 50,
        ["engine"] = $"onnxruntime {OrtEnv.Instance().GetVersionString()} CPU, ORT_ENABLE_ALL, intra-op threads {threads}",
    };

    /// <summary>The last call's logits [B, 2].</summary>
    public float[] Logits { get; }

    public void Run() => _session.Run(_runOptions, InputNames, _inputs, OutputNames, _outputs);

    public void Dispose()
    {
        foreach (var v in _inputs) v.Dispose();
        foreach (var v in _outputs) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}

/// <summary>infer_latency on ONNX Runtime: one sequence [1, 50] per call.</summary>
internal sealed class OnnxInferLatency(int threads) : LatencyWorkload("infer_latency"), IDisposable
{
    private OnnxRuntimeLstmCls? _model;

    protected override JsonObject Config => OnnxRuntimeLstmCls.Config(1, threads);

    protected override void Setup() => _model = new OnnxRuntimeLstmCls(1, 50, new Rng(4), threads);

    protected override void Call() => _model!.Run();

    public void Dispose() => _model?.Dispose();
}

/// <summary>infer_batch256 on ONNX Runtime: [256, 50] token ids per call.</summary>
internal sealed class OnnxInferBatch256(int threads) : BatchInferenceWorkload("infer_batch256"), IDisposable
{
    private OnnxRuntimeLstmCls? _model;

    protected override int ItemsPerStep => 256;

    protected override JsonObject Config => OnnxRuntimeLstmCls.Config(256, threads);

    protected override void Setup() => _model = new OnnxRuntimeLstmCls(256, 50, new Rng(5), threads);

    protected override void Step() => _model!.Run();

    public void Dispose() => _model?.Dispose();
}

/// <summary>
/// <c>--engine onnxruntime</c>: infer_latency and infer_batch256 on the managed engine and on ONNX Runtime, alternating
/// within one process for <c>rounds</c> rounds, then the medians side by side (managed / ONNX Runtime).
/// </summary>
internal static class OnnxRuntimeComparison
{
    public static readonly string[] Supported = ["infer_latency", "infer_batch256"];

    public static int Run(IReadOnlyList<string> names, BenchSettings settings, int rounds, bool json)
    {
        foreach (string name in names)
        {
            if (Supported.Contains(name)) continue;
            Console.Error.WriteLine($"--engine onnxruntime runs {string.Join(" and ", Supported)}; '{name}' has no ONNX Runtime version.");
            return 2;
        }
        foreach (string name in names)
        {
            var managed = new List<JsonObject>();
            var ort = new List<JsonObject>();
            for (int round = 0; round < rounds; round++)
            {
                managed.Add(WorkloadRunner.Run(name, settings));
                ort.Add(RunOnnx(name, settings));
                foreach (var line in new[] { managed[^1], ort[^1] })
                    Console.WriteLine(json ? ResultLine.ToJson(line) : Describe(line));
            }
            string[] fields = name == "infer_latency" ? ["value", "latency_p99_us"] : ["value"];
            foreach (string field in fields)
            {
                double ours = Median(managed.Select(l => (double)l[field]!)), theirs = Median(ort.Select(l => (double)l[field]!));
                Console.WriteLine($"{name} {(field == "value" ? managed[0]["metric"] : field)} median of {rounds} rounds, {settings.Threads} thread(s): " +
                    $"managed {ours:G4}, onnxruntime {theirs:G4}, managed/onnxruntime {ours / theirs:F2}");
            }
        }
        return 0;
    }

    private static JsonObject RunOnnx(string name, BenchSettings settings)
    {
        using var workload = name == "infer_latency" ? (IDisposable)new OnnxInferLatency(settings.Threads) : new OnnxInferBatch256(settings.Threads);
        var before = CpuSnapshot.Take();
        long t0 = Stopwatch.GetTimestamp();
        JsonObject line = ((Workload)workload).Measure(settings);
        ResultLine.AddContention(line, Stopwatch.GetElapsedTime(t0).TotalSeconds, before, CpuSnapshot.Take());
        line["impl"] = "onnxruntime";
        return line;
    }

    private static string Describe(JsonObject line) =>
        $"{line["impl"],-11} {line["workload"]}: {line["metric"]} = {(double)line["value"]!:G4} {line["unit"]}" +
        (line["latency_p99_us"] is { } p99 ? $" (p99 {(double)p99!:G4} us)" : "") +
        $", spread {line["spread_pct"]} %, foreign CPU {line["foreign_cpu_s"]} s";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
