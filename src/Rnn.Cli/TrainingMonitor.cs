using Rnn.Cli.Reporting;
using Rnn.Core.Training;

namespace Rnn.Cli;

/// <summary>
/// What a training command shows and keeps of its run: a live bar (epoch, loss, validation, ETA) on a terminal, one
/// plain line per epoch when the output is redirected, nothing with <c>--json</c>; and the curves <c>--plot</c> draws
/// (training and validation loss per epoch, the gradient norm per batch).
/// </summary>
internal sealed class TrainingMonitor
{
    private readonly List<ProgressReport> _epochs = [];
    private readonly List<double> _gradientNorms = [];
    private ConsoleProgress? _display;

    /// <summary>Runs <paramref name="train"/> with a monitor that shows its progress unless <paramref name="quiet"/>.</summary>
    public static T Run<T>(string label, bool quiet, Func<TrainingMonitor, T> train)
    {
        var monitor = new TrainingMonitor();
        if (quiet) return train(monitor);
        return ConsoleProgress.Run(label, display =>
        {
            monitor._display = display;
            return train(monitor);
        });
    }

    /// <summary>Takes a report of <see cref="SequenceTrainer"/> (the ML.NET trainers' and the forecaster's <c>Progress</c>).</summary>
    public void Report(TrainingProgress progress) => Report(ProgressReport.From(progress));

    /// <summary>Takes a report of any trainer.</summary>
    public void Report(ProgressReport report)
    {
        _display?.Report(report);
        if (!report.IsEpochEnd && report.Epoch == 1 && report.Batch == 1 && _epochs.Count > 0)
        {
            // A new training run (the forecaster trains one network to calibrate its bounds, then refits): the curves
            // show the last run.
            _epochs.Clear();
            _gradientNorms.Clear();
        }
        if (report.IsEpochEnd) _epochs.Add(report);
        else if (report.GradientNorm is double norm) _gradientNorms.Add(norm);
    }

    /// <summary>
    /// Writes <c>loss.png/.svg</c> (training and, when measured, validation loss per epoch) and
    /// <c>gradient-norm.png/.svg</c> (per batch; a log scale when the norms span decades) to <paramref name="directory"/>; returns the paths.
    /// </summary>
    public IEnumerable<string> Plot(string directory, string title, string lossName)
    {
        if (_epochs.Count == 0) return [];
        var series = new List<PlotSeries> { PlotSeries.Steps("training", _epochs.Select(e => e.Loss)) };
        if (_epochs.All(e => e.ValidationLoss is not null))
            series.Add(PlotSeries.Steps("validation", _epochs.Select(e => e.ValidationLoss!.Value), dashed: true));
        var paths = Plots.Lines(directory, "loss", $"{title}: loss per epoch", "epoch", lossName, series, markers: _epochs.Count <= 30).ToList();
        var positive = _gradientNorms.Where(n => n > 0 && double.IsFinite(n)).ToList();
        if (positive.Count > 0)
        {
            bool logY = positive.Max() > 30 * positive.Min();   // a log axis only when the norms span decades
            paths.AddRange(Plots.Lines(directory, "gradient-norm", $"{title}: gradient norm per batch (before clipping)", "batch", "global L2 norm",
                [PlotSeries.Steps("gradient norm", _gradientNorms)], logY: logY));
        }
        return paths;
    }
}
