using System.Text.Json;
using System.Text.Json.Nodes;
using Rnn.Benchmarks.Workloads;

namespace Rnn.Benchmarks.Measurement;

/// <summary>Builds the JSON result line with torch_bench.py's field names and computations.</summary>
internal static class ResultLine
{
    private static readonly JsonSerializerOptions s_compact = new() { WriteIndented = false };

    /// <summary>
    /// The common fields: type, workload, metric, value, unit, timed_unit, median_s, min_s, max_s, spread_pct,
    /// samples_s, repeats, warmup, flops, gflops, threads, config. Extras are appended by the caller.
    /// </summary>
    public static JsonObject Create(Workload workload, double value, IReadOnlyList<double> samples, string warmup,
        long flopsPerRepeat, int threads, JsonObject config)
    {
        var st = SampleStats.Of(samples);
        return new JsonObject
        {
            ["type"] = "result",
            ["workload"] = workload.Name,
            ["metric"] = workload.Metric,
            ["value"] = value,
            ["unit"] = workload.Unit,
            ["timed_unit"] = workload.TimedUnit,
            ["median_s"] = st.Median,
            ["min_s"] = st.Min,
            ["max_s"] = st.Max,
            ["spread_pct"] = Math.Round(st.SpreadPct, 3),
            ["samples_s"] = Rounded(samples),
            ["repeats"] = samples.Count,
            ["warmup"] = warmup,
            ["flops"] = flopsPerRepeat,
            ["gflops"] = st.Median > 0 ? flopsPerRepeat / st.Median / 1e9 : null,
            ["threads"] = threads,
            ["config"] = config,
        };
    }

    /// <summary>Samples rounded to 9 decimals, as torch_bench.py prints them.</summary>
    public static JsonArray Rounded(IEnumerable<double> samples) =>
        [.. samples.Select(s => (JsonNode?)JsonValue.Create(Math.Round(s, 9)))];

    /// <summary>Adds wall_s, own_cpu_s, foreign_cpu_s, steal_s from two snapshots around the workload.</summary>
    public static void AddContention(JsonObject line, double wallSeconds, CpuSnapshot before, CpuSnapshot after)
    {
        double own = after.OwnSeconds - before.OwnSeconds;
        line["wall_s"] = Math.Round(wallSeconds, 3);
        line["own_cpu_s"] = Math.Round(own, 3);
        line["foreign_cpu_s"] = Math.Round(Math.Max(0, after.BusySeconds - before.BusySeconds - own), 3);
        line["steal_s"] = Math.Round(after.StealSeconds - before.StealSeconds, 3);
    }

    public static string ToJson(JsonNode node) => node.ToJsonString(s_compact);
}
