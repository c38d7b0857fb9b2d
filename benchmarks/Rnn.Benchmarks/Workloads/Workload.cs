using System.Diagnostics;
using System.Text.Json.Nodes;
using Rnn.Benchmarks.Measurement;
using Rnn.Core.Numerics;

namespace Rnn.Benchmarks.Workloads;

/// <summary>Settings shared by every workload (torch_bench.py's command-line options, same defaults).</summary>
internal sealed record BenchSettings
{
    /// <summary>Threads (<see cref="Parallelism.MaxThreads"/>); default 2.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Timed repeats; null = the workload's default.</summary>
    public int? Repeats { get; init; }

    /// <summary>Training steps per timed repeat (lstm_cls, gru_cls, charlm, rnn_big); default 30.</summary>
    public int Steps { get; init; } = 30;

    /// <summary>Untimed training steps before timing; default 5.</summary>
    public int WarmupSteps { get; init; } = 5;

    /// <summary>Untimed full runs before timing (seed_trend, sine); default 1.</summary>
    public int WarmupRuns { get; init; } = 1;

    /// <summary>Single-sequence calls per repeat (infer_latency); default 2000.</summary>
    public int LatencyCalls { get; init; } = 2000;

    /// <summary>Untimed single-sequence calls (infer_latency); default 200.</summary>
    public int LatencyWarmup { get; init; } = 200;

    /// <summary>Batch-256 calls per repeat (infer_batch256); default 10.</summary>
    public int BatchCalls { get; init; } = 10;
}

/// <summary>
/// One workload of WORKLOADS.md: its name, headline metric, timed unit, warm-up and repeats, and the FLOP count
/// of one timed repeat. <see cref="Measure"/> runs warm-up and timed repeats and returns the result line; the
/// runner adds the contention fields. Subclass one of the patterns (<see cref="TrainingWorkload"/>,
/// <see cref="FullRunWorkload"/>, <see cref="LatencyWorkload"/>, <see cref="BatchInferenceWorkload"/>) or this.
/// </summary>
internal abstract class Workload
{
    protected Workload(string name) => Flops = FlopCounts.Of(name);

    /// <summary>Name as in WORKLOADS.md.</summary>
    public string Name => Flops.Name;

    /// <summary>FLOP counts (WORKLOADS.md convention).</summary>
    public FlopCounts.Entry Flops { get; }

    /// <summary>The headline metric's name (<c>train_seq_per_s</c>, …).</summary>
    public abstract string Metric { get; }

    /// <summary>Unit of <see cref="Metric"/>.</summary>
    public abstract string Unit { get; }

    /// <summary>What one timed repeat covers.</summary>
    public abstract string TimedUnit { get; }

    /// <summary>True for throughputs, false for times and latencies.</summary>
    public abstract bool HigherIsBetter { get; }

    /// <summary>Runs the workload and returns its result line.</summary>
    public abstract JsonObject Measure(BenchSettings settings);

    /// <summary>Seconds taken by <paramref name="body"/>, after a full garbage collection (torch_bench's <c>time_block</c>).</summary>
    protected static double TimeBlock(Action body)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long t0 = Stopwatch.GetTimestamp();
        body();
        return Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }
}

/// <summary>
/// The block pattern: a model built once, some untimed steps (or calls), then <c>repeats</c> blocks of a fixed number
/// of steps, the same model continuing; the metric is items per second over the median block.
/// </summary>
internal abstract class BlockWorkload(string name) : Workload(name)
{
    public override bool HigherIsBetter => true;

    /// <summary>Sequences (or tokens) per step.</summary>
    protected abstract int ItemsPerStep { get; }

    /// <summary>Sizes, optimiser, loss, mode.</summary>
    protected abstract JsonObject Config { get; }

    /// <summary>Builds the model, the optimiser and the data (untimed).</summary>
    protected abstract void Setup();

    /// <summary>One unit of work: a training step, or an inference call.</summary>
    protected abstract void Step();

    /// <summary>Untimed steps, steps per timed block, default repeats and the warm-up's description.</summary>
    protected abstract (int Warmup, int PerBlock, int Repeats, string WarmupText) Plan(BenchSettings settings);

    /// <summary>Adds the pattern's extra fields.</summary>
    protected abstract void AddExtras(JsonObject line, int steps, double medianSeconds);

    public override JsonObject Measure(BenchSettings settings)
    {
        var (warmup, steps, repeats, warmupText) = Plan(settings);
        Setup();
        for (int i = 0; i < warmup; i++) Step();
        var samples = new List<double>();
        for (int r = 0; r < (settings.Repeats ?? repeats); r++)
            samples.Add(TimeBlock(() => { for (int s = 0; s < steps; s++) Step(); }));
        double median = SampleStats.Of(samples).Median;
        var line = ResultLine.Create(this, (double)ItemsPerStep * steps / median, samples, warmupText,
            Flops.PerStep * steps, settings.Threads, Config);
        AddExtras(line, steps, median);
        return line;
    }
}

/// <summary>
/// lstm_cls, gru_cls, charlm, rnn_big: <c>WarmupSteps</c> untimed training steps, then 5 blocks of <c>Steps</c>
/// steps. <see cref="BlockWorkload.Step"/> is one full training step: zero grads, forward, loss, backward, optimiser step.
/// </summary>
internal abstract class TrainingWorkload(string name) : BlockWorkload(name)
{
    public override string Metric => "train_seq_per_s";
    public override string Unit => "seq/s";
    public override string TimedUnit => "30 training steps";

    /// <summary>Number of trainable parameters.</summary>
    protected abstract long Parameters { get; }

    protected override (int, int, int, string) Plan(BenchSettings settings) =>
        (settings.WarmupSteps, settings.Steps, 5, $"{settings.WarmupSteps} steps");

    protected override void AddExtras(JsonObject line, int steps, double medianSeconds)
    {
        line["timed_unit"] = $"{steps} training steps";
        line["steps"] = steps;
        line["step_ms"] = medianSeconds / steps * 1e3;
        line["flops_per_step"] = Flops.PerStep;
        line["params"] = Parameters;
    }
}

/// <summary>
/// seed_trend, sine: <c>WarmupRuns</c> untimed full runs, then <c>repeats</c> (default 11) full runs, each with a
/// freshly built model (seed 42). The metric is the median run time.
/// </summary>
internal abstract class FullRunWorkload(string name) : Workload(name)
{
    public override string Metric => "train_seconds";
    public override string Unit => "s";
    public override bool HigherIsBetter => false;

    /// <summary>Sizes, optimiser, loss, data.</summary>
    protected abstract JsonObject Config { get; }

    /// <summary>
    /// Builds a fresh model (untimed), trains it for all epochs (timed, through <see cref="Workload.TimeBlock"/>) and
    /// returns the seconds and the extras to report (final_loss, final_acc or loss_per_epoch).
    /// </summary>
    protected abstract (double Seconds, JsonObject Extras) RunOnce();

    public override JsonObject Measure(BenchSettings settings)
    {
        for (int i = 0; i < settings.WarmupRuns; i++) RunOnce();
        int repeats = settings.Repeats ?? 11;
        var samples = new List<double>();
        JsonObject extras = [];
        for (int r = 0; r < repeats; r++)
        {
            (double seconds, extras) = RunOnce();
            samples.Add(seconds);
        }
        double median = SampleStats.Of(samples).Median;
        var line = ResultLine.Create(this, median, samples, $"{settings.WarmupRuns} full run(s)", Flops.PerRepeat, settings.Threads, Config);
        line["epochs_per_s"] = Flops.StepsPerRepeat / median;
        line["flops_per_step"] = Flops.PerStep;
        foreach (var (key, value) in extras) line[key] = value?.DeepClone();
        return line;
    }
}

/// <summary>
/// infer_latency: <c>LatencyWarmup</c> untimed calls, then <c>repeats</c> blocks of <c>LatencyCalls</c> calls each
/// timed on its own; p50 and p99 (nearest rank) per block, medians over blocks reported.
/// </summary>
internal abstract class LatencyWorkload(string name) : Workload(name)
{
    public override string Metric => "latency_p50_us";
    public override string TimedUnit => "2000 single-sequence calls";
    public override string Unit => "us";
    public override bool HigherIsBetter => false;

    /// <summary>Model and mode.</summary>
    protected abstract JsonObject Config { get; }

    /// <summary>Builds the model and the input (untimed).</summary>
    protected abstract void Setup();

    /// <summary>One inference call.</summary>
    protected abstract void Call();

    public override JsonObject Measure(BenchSettings settings)
    {
        Setup();
        for (int i = 0; i < settings.LatencyWarmup; i++) Call();
        int calls = settings.LatencyCalls, repeats = settings.Repeats ?? 5;
        var p50s = new List<double>();
        var p99s = new List<double>();
        var means = new List<double>();
        var samples = new List<double>();
        var latencies = new double[calls];
        for (int r = 0; r < repeats; r++)
        {
            GC.Collect();
            for (int c = 0; c < calls; c++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Call();
                latencies[c] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
            Array.Sort(latencies);
            p50s.Add(SampleStats.NearestRank(latencies, 0.50));
            p99s.Add(SampleStats.NearestRank(latencies, 0.99));
            means.Add(latencies.Average());
            samples.Add(latencies.Sum() / 1e6);
        }
        double p50 = SampleStats.Of(p50s).Median;
        var line = ResultLine.Create(this, p50, samples, $"{settings.LatencyWarmup} calls", Flops.PerStep * calls, settings.Threads, Config);
        line["timed_unit"] = $"{calls} single-sequence calls";
        line["latency_p99_us"] = SampleStats.Of(p99s).Median;
        line["latency_mean_us"] = SampleStats.Of(means).Median;
        line["p50_us_per_repeat"] = new JsonArray([.. p50s.Select(v => (JsonNode?)Math.Round(v, 3))]);
        line["p99_us_per_repeat"] = new JsonArray([.. p99s.Select(v => (JsonNode?)Math.Round(v, 3))]);
        line["flops_per_call"] = Flops.PerStep;
        line["gflops"] = Flops.PerStep / (p50 * 1e-6) / 1e9;
        line["gflops_basis"] = "flops_per_call / p50";
        return line;
    }
}

/// <summary>infer_batch256: 3 untimed calls, then 5 blocks of <c>BatchCalls</c> calls (<see cref="BlockWorkload.Step"/> = one call).</summary>
internal abstract class BatchInferenceWorkload(string name) : BlockWorkload(name)
{
    public override string Metric => "infer_seq_per_s";
    public override string Unit => "seq/s";
    public override string TimedUnit => "10 batch-256 calls";

    protected override (int, int, int, string) Plan(BenchSettings settings) => (3, settings.BatchCalls, 5, "3 calls");

    protected override void AddExtras(JsonObject line, int steps, double medianSeconds)
    {
        line["timed_unit"] = $"{steps} batch-{ItemsPerStep} calls";
        line["call_ms"] = medianSeconds / steps * 1e3;
        line["flops_per_call"] = Flops.PerStep;
    }
}
