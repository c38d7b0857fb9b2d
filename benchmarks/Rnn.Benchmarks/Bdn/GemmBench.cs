using BenchmarkDotNet.Attributes;
using Rnn.Core.Numerics;

namespace Rnn.Benchmarks.Bdn;

/// <summary>
/// Gemm kernels over the workloads' shapes (<see cref="GemmShape.Workloads"/>): the dispatching entry point, the
/// blocked kernel, the pre-packed path, and Naive as the baseline where it finishes in reasonable time.
/// Run: <c>dotnet run -c Release --project benchmarks/Rnn.Benchmarks -- bdn --filter '*Gemm*'</c>.
/// </summary>
/// <remarks>
/// Reference (ShortRun medians, 1 thread; Intel Xeon family 6 model 207, 2 vCPUs, .NET 10.0.12, 2026-11-21, machine
/// loaded to ~8 runnable threads by other jobs, so absolute figures are ~1.3× the quiet ones; Allocated: 0 B everywhere):
/// <code>
/// | Shape             | Naive      | Multiply  | PackedB   |
/// | 1x512x128 NT      |  258.3 µs  |  13.8 µs  |   5.6 µs  |
/// | 64x512x128 NT     | 10259 µs   |  63.5 µs  |  63.6 µs  |
/// | 32x1024x256 NT    | 27022 µs   | 264.0 µs  | 170.2 µs  |
/// | 64x512x512 NT     |     -      | 462.9 µs  | 309.2 µs  |
/// | 3200x1024x64 NT   |     -      |  6.68 ms  |  5.68 ms  |
/// | 1024x1024x1024 NN |     -      | 50.96 ms  | 34.14 ms  |
/// </code>
/// </remarks>
[MemoryDiagnoser]
[ShortRunJob]
public class GemmBench
{
    private float[] _a = [], _b = [], _c = [];
    private PackedMatrix? _packed;

    /// <summary>Shapes: per-step recurrent products, input projections, 1024³.</summary>
    public static IEnumerable<GemmShape> Shapes => GemmShape.Workloads.Where(s => s.Name is
        "1x512x128 NT" or "64x512x128 NT" or "32x1024x256 NT" or "64x512x512 NT" or "3200x1024x64 NT" or "1024x1024x1024 NN");

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.Workloads[0];

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(1);
        _a = new float[Shape.M * Shape.K];
        _b = new float[Shape.K * Shape.N];
        _c = new float[Shape.M * Shape.N];
        rng.FillNormal(_a);
        rng.FillNormal(_b);
        _packed = Gemm.PackB(_b, Ldb, Shape.TransB, Shape.K, Shape.N);
        Parallelism.MaxThreads = Threads;
    }

    [GlobalCleanup]
    public void Cleanup() => _packed?.Dispose();

    private int Lda => Shape.TransA ? Shape.M : Shape.K;
    private int Ldb => Shape.TransB ? Shape.K : Shape.N;

    /// <summary>The oracle; only for shapes under 20 MFLOP (larger ones take seconds).</summary>
    [Benchmark(Baseline = true)]
    public void Naive()
    {
        if (Shape.Flops > 20_000_000) return;
        Gemm.Naive(Shape.TransA, Shape.TransB, Shape.M, Shape.N, Shape.K, _a, Lda, _b, Ldb, _c, Shape.N, false);
    }

    [Benchmark]
    public void Multiply() => Gemm.Multiply(Shape.TransA, Shape.TransB, Shape.M, Shape.N, Shape.K, _a, Lda, _b, Ldb, _c, Shape.N, false);

    [Benchmark]
    public void Blocked() => Gemm.Blocked(Shape.TransA, Shape.TransB, Shape.M, Shape.N, Shape.K, _a, Lda, _b, Ldb, _c, Shape.N, false);

    [Benchmark]
    public void PackedB() => Gemm.Multiply(Shape.TransA, Shape.M, _a, Lda, _packed!, _c, Shape.N, false);
}
