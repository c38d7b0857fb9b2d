using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.Core.Training;
using Rnn.Examples.Common;
using Rnn.Pipelines.Plotting;

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
        var stats = runs.Select(run => Train(run.Label, run.Clip, hidden, data)).ToArray();

        Console.WriteLine();
        Console.WriteLine("epoch " + string.Concat(runs.Select(r => $"{r.Label + ": max grad norm",-28}{"loss",-12}")));
        for (int e = 0; e < Epochs; e++)
            Console.WriteLine($"{e + 1,-6}" + string.Concat(stats.Select(s => e < s.Count ? $"{s[e].MaxGradNorm,-28:E2}{s[e].Loss,-12:G4}" : "")));
        for (int r = 0; r < runs.Length; r++)
        {
            var broken = stats[r].FirstOrDefault(s => !double.IsFinite(s.Loss) || !double.IsFinite(s.MaxGradNorm));
            Console.WriteLine(broken is null
                ? $"{runs[r].Label}: stayed finite; largest gradient norm {stats[r].Max(s => s.MaxGradNorm):E2}, final loss {stats[r][^1].Loss:G4}"
                : $"{runs[r].Label}: non-finite from epoch {broken.Epoch} (gradient norm {broken.MaxGradNorm:E2}, loss {broken.Loss:G4})");
        }

        var chart = new LineChart
        {
            Title = "Exploding gradients with and without clipping", XLabel = "epoch",
            YLabel = "largest gradient norm in the epoch (log scale)", YScale = AxisScale.Log10, Markers = true,
        };
        for (int r = 0; r < runs.Length; r++)
        {
            // Non-finite norms cannot be drawn: the line stops where the run broke.
            var finite = stats[r].Where(s => double.IsFinite(s.MaxGradNorm) && s.MaxGradNorm > 0).ToArray();
            if (finite.Length > 0) chart.Add(runs[r].Label, [.. finite.Select(s => (double)s.Epoch)], [.. finite.Select(s => s.MaxGradNorm)]);
        }
        if (chart.Series.Count > 0) output.Write("gradient-clipping.svg", chart.ToSvg());
    }

    private static List<EpochStats> Train(string label, float clip, int hidden, SequenceDataset data)
    {
        var model = new SequenceModel(new SequenceModelOptions
        {
            Cell = CellType.Rnn, Nonlinearity = Nonlinearity.Relu, InputSize = FirstSymbolTask.Features, HiddenSize = hidden,
            OutputSize = FirstSymbolTask.Symbols, Seed = Seed,
        });
        var weightHh = model.Rnn.Parameters["weight_hh_l0"].Value.Span;
        for (int i = 0; i < weightHh.Length; i++) weightHh[i] *= WeightScale;

        var stats = new List<EpochStats>();
        double largest = 0;
        ConsoleProgress.Run(label, progress => SequenceTrainer.Fit(model, data, new TrainerOptions
        {
            Epochs = Epochs, BatchSize = 32, LearningRate = LearningRate, Optimizer = OptimizerKind.Sgd, GradientClipNorm = clip,
            EarlyStoppingPatience = 0, RestoreBestWeights = false, Seed = Seed,
            Progress = p =>
            {
                largest = double.IsNaN(p.GradientNorm) ? double.NaN : Math.Max(largest, p.GradientNorm);
                if (p.IsEpochEnd)
                {
                    stats.Add(new EpochStats(p.Epoch, largest, p.TrainingLoss));
                    largest = 0;
                }
                progress.Report(p);
            },
        }));
        return stats;
    }

    private sealed record EpochStats(int Epoch, double MaxGradNorm, double Loss);
}
