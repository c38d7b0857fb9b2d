using Rnn.Cli.Reporting;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.Core.Training;
using Rnn.Examples.Common;

/// <summary>
/// The other face of the same product of Jacobians: a relu RNN whose recurrent weights are scaled up (spectral radius
/// well above 1) multiplies the gradient at every step back in time, so it explodes instead of vanishing. Plain SGD
/// then takes steps as large as the gradient and the weights overflow; clipping the global gradient norm at N bounds
/// every step to lr·N. (Adam would partly hide the explosion: it divides each step by the gradient's running scale.)
/// </summary>
internal static class ExplodingGradient
{
    private const int Steps = 30, Count = 512, Epochs = 10, Seed = 1;
    private const float WeightScale = 4f, LearningRate = 0.01f;

    public static void Run(float maxNorm, int hidden, OutputDirectory output)
    {
        var data = FirstSymbolTask.Generate(Count, Steps, new Rng(1000 + Seed));
        Console.WriteLine($"exploding set-up: relu RNN, hidden {hidden}, weight_hh x{WeightScale}; first-symbol task T={Steps}, " +
            $"{Count} sequences; SGD (momentum 0.9) lr {LearningRate}, batch 32, {Epochs} epochs");
        (string Label, float Clip)[] runs = [("no clipping", 0f), ($"clip {maxNorm}", maxNorm)];
        var batches = runs.Select(run => Train(run.Label, run.Clip, hidden, data)).ToArray();
        var stats = batches.Select(PerEpoch).ToArray();

        Console.WriteLine();
        Console.WriteLine("first batches (gradient norm before clipping / running loss):");
        for (int r = 0; r < runs.Length; r++)
        {
            int shown = Math.Min(batches[r].FindIndex(b => !b.IsFinite) is int k and >= 0 ? k + 1 : 6, 6);
            Console.WriteLine($"  {runs[r].Label,-12}" + string.Join("  ", batches[r].Take(shown).Select(b => $"{Sci(b.GradientNorm)} / {Sci(b.Loss)}")));
        }
        Console.WriteLine("epoch " + string.Concat(runs.Select(r => $"{r.Label + ": max grad norm",-28}{"loss",-12}")));
        for (int e = 0; e < Epochs; e++)
            Console.WriteLine($"{e + 1,-6}" + string.Concat(stats.Select(s => e < s.Count ? $"{Sci(s[e].MaxGradNorm),-28}{Sci(s[e].Loss),-12}" : "")));
        for (int r = 0; r < runs.Length; r++)
        {
            var broken = batches[r].FirstOrDefault(b => !b.IsFinite);
            Console.WriteLine(broken is null
                ? $"{runs[r].Label}: stayed finite; largest gradient norm {Sci(batches[r].Max(b => b.GradientNorm))}, final loss {stats[r][^1].Loss:F4}"
                : $"{runs[r].Label}: non-finite from epoch {broken.Epoch}, batch {broken.Batch} (gradient norm {broken.GradientNorm}, loss {broken.Loss})");
        }

        // Non-finite norms cannot be drawn: the line stops where the run broke (Plots.Lines leaves them out).
        var series = new List<PlotSeries>();
        for (int r = 0; r < runs.Length; r++)
        {
            int broken = batches[r].FindIndex(b => !b.IsFinite);
            string name = broken < 0 ? runs[r].Label : $"{runs[r].Label} (NaN from batch {broken + 1})";
            series.Add(PlotSeries.Steps(name, batches[r].Select(b => (double)b.GradientNorm)));
        }
        if (series.Any(s => s.Y.Any(y => double.IsFinite(y) && y > 0)))
        {
            Plots.Lines(output.FullPath, "gradient-clipping", $"Exploding gradients: relu RNN, weight_hh x{WeightScale}, SGD", "batch",
                "gradient norm before clipping (log scale)", series, markers: true, logY: true);
        }
    }

    private static List<BatchStats> Train(string label, float clip, int hidden, SequenceDataset data)
    {
        var model = new SequenceModel(new SequenceModelOptions
        {
            Cell = CellType.Rnn, Nonlinearity = Nonlinearity.Relu, InputSize = FirstSymbolTask.Features, HiddenSize = hidden,
            OutputSize = FirstSymbolTask.Symbols, Seed = Seed,
        });
        var weightHh = model.Rnn.Parameters["weight_hh_l0"].Value.Span;
        for (int i = 0; i < weightHh.Length; i++) weightHh[i] *= WeightScale;

        var stats = new List<BatchStats>();
        ConsoleProgress.Run(label, progress => SequenceTrainer.Fit(model, data, new TrainerOptions
        {
            Epochs = Epochs, BatchSize = 32, LearningRate = LearningRate, Optimizer = OptimizerKind.Sgd, GradientClipNorm = clip,
            EarlyStoppingPatience = 0, RestoreBestWeights = false, Seed = Seed,
            Progress = p =>
            {
                if (!p.IsEpochEnd) stats.Add(new BatchStats(p.Epoch, p.Batch, p.GradientNorm, p.TrainingLoss));
                progress.Report(p);
            },
        }), everyEpoch: false);
        return stats;
    }

    // The largest gradient norm of each epoch (NaN once any is NaN) and its mean loss.
    private static List<EpochStats> PerEpoch(List<BatchStats> batches) =>
        [.. batches.GroupBy(b => b.Epoch).Select(g => new EpochStats(g.Key,
            g.Any(b => double.IsNaN(b.GradientNorm)) ? double.NaN : g.Max(b => b.GradientNorm), g.Last().Loss))];

    private static string Sci(double value) => value.ToString("0.00e+00", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One batch: its gradient norm before clipping and the epoch's running mean loss.</summary>
    private sealed record BatchStats(int Epoch, int Batch, double GradientNorm, double Loss)
    {
        public bool IsFinite => double.IsFinite(GradientNorm) && double.IsFinite(Loss);
    }

    private sealed record EpochStats(int Epoch, double MaxGradNorm, double Loss);
}
