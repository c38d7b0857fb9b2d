using System.Diagnostics;
using System.Text.Json.Nodes;
using Rnn.Benchmarks.Measurement;
using Rnn.Core.Numerics;

namespace Rnn.Benchmarks.Workloads;

/// <summary>
/// matmul_ref: one 1024×1024·1024×1024 product into a preallocated output through <see cref="Gemm.Multiply(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int, bool)"/>;
/// 10 untimed products, 50 timed single products with the configured threads, then the same with 1 thread.
/// </summary>
internal sealed class MatmulRef() : Workload("matmul_ref")
{
    private const int Size = 1024;

    public override string Metric => "gflops";
    public override string Unit => "GFLOP/s";
    public override string TimedUnit => "one 1024x1024x1024 Gemm.Multiply";
    public override bool HigherIsBetter => true;

    public override JsonObject Measure(BenchSettings settings)
    {
        var rng = new Rng(6);
        var a = new float[Size * Size];
        var b = new float[Size * Size];
        var c = new float[Size * Size];
        rng.FillNormal(a);
        rng.FillNormal(b);
        int repeats = settings.Repeats ?? 50;
        long flops = Flops.PerRepeat;

        List<double> MeasureProducts(int threads)
        {
            int saved = Parallelism.MaxThreads;
            Parallelism.MaxThreads = threads;
            try
            {
                for (int i = 0; i < 10; i++) Gemm.Multiply(false, false, Size, Size, Size, a, b, c, accumulate: false);
                var samples = new List<double>(repeats);
                for (int r = 0; r < repeats; r++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    Gemm.Multiply(false, false, Size, Size, Size, a, b, c, accumulate: false);
                    samples.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
                }
                return samples;
            }
            finally
            {
                Parallelism.MaxThreads = saved;
            }
        }

        List<double> samplesN = MeasureProducts(settings.Threads);
        List<double> samples1 = MeasureProducts(1);
        var stN = SampleStats.Of(samplesN);
        var st1 = SampleStats.Of(samples1);
        var config = new JsonObject { ["op"] = "Gemm.Multiply float32 (row-major, NN)", ["m"] = Size, ["n"] = Size, ["k"] = Size };
        var line = ResultLine.Create(this, flops / stN.Median / 1e9, samplesN, "10 calls", flops, settings.Threads, config);
        line["gflops_1thread"] = flops / st1.Median / 1e9;
        line["samples_1thread_s"] = ResultLine.Rounded(samples1);
        line["gflops_best"] = flops / stN.Min / 1e9;
        line["gflops_1thread_best"] = flops / st1.Min / 1e9;
        return line;
    }
}
