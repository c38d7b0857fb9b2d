namespace Rnn.Benchmarks.Measurement;

/// <summary>Median, extremes and spread of timed repeats (torch_bench.py's <c>stats</c>).</summary>
/// <param name="Median">Median of the samples.</param>
/// <param name="Min">Fastest sample.</param>
/// <param name="Max">Slowest sample.</param>
/// <param name="SpreadPct">(max − min) / median × 100.</param>
internal readonly record struct SampleStats(double Median, double Min, double Max, double SpreadPct)
{
    public static SampleStats Of(IReadOnlyList<double> samples)
    {
        double[] sorted = [.. samples.Order()];
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double spread = median > 0 ? (sorted[^1] - sorted[0]) / median * 100 : 0;
        return new SampleStats(median, sorted[0], sorted[^1], spread);
    }

    /// <summary>Nearest-rank percentile (q in (0, 1]) of already sorted values.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double q)
    {
        int k = Math.Max(1, (int)Math.Ceiling(q * sorted.Count));
        return sorted[k - 1];
    }
}
