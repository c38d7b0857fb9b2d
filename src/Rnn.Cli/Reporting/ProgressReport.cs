using System.Globalization;
using Rnn.Core.Training;

namespace Rnn.Cli.Reporting;

/// <summary>
/// A training run's progress as the console shows it. Any trainer can produce one: <see cref="From"/> maps the engine's
/// <see cref="TrainingProgress"/>; a trainer without per-batch reports passes <c>Batch = Batches = 1</c>; a run bounded
/// by time rather than epochs sets <see cref="Budget"/>.
/// </summary>
/// <param name="Epoch">Current epoch, 1-based.</param>
/// <param name="Epochs">Planned epochs.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Mean training loss over the epoch so far.</param>
/// <param name="ValidationLoss">Validation loss, when known (end of epoch).</param>
/// <param name="ValidationAccuracy">Validation accuracy, when known (classification, end of epoch).</param>
/// <param name="GradientNorm">Global gradient norm of the last batch (before clipping), when the trainer measures it.</param>
/// <param name="Elapsed">Time since training started.</param>
/// <param name="IsEpochEnd">True for the report that closes an epoch.</param>
public sealed record ProgressReport(int Epoch, int Epochs, int Batch, int Batches, double Loss,
    double? ValidationLoss, double? ValidationAccuracy, double? GradientNorm, TimeSpan Elapsed, bool IsEpochEnd)
{
    /// <summary>The report for one of <see cref="SequenceTrainer"/>'s progress callbacks.</summary>
    public static ProgressReport From(TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return new(progress.Epoch, progress.Epochs, progress.Batch, progress.Batches, progress.TrainingLoss,
            progress.ValidationLoss, progress.ValidationAccuracy, progress.GradientNorm, progress.Elapsed, progress.IsEpochEnd);
    }

    /// <summary>The time the run may take, when time rather than <see cref="Epochs"/> ends it (e.g. <c>--minutes</c>); default null.</summary>
    public TimeSpan? Budget { get; init; }

    /// <summary>Batches done over the whole run.</summary>
    public int Done => (Epoch - 1) * Batches + Batch;

    /// <summary>Batches in the whole run (if it is not stopped early).</summary>
    public int Total => Epochs * Batches;

    /// <summary>Share of the run done, in [0, 1]: of the <see cref="Budget"/> when set, else of the batches.</summary>
    public double Fraction => Math.Clamp(Budget is TimeSpan budget ? Elapsed / budget : Total > 0 ? Done / (double)Total : 0, 0, 1);

    /// <summary>
    /// Estimated time to the end: what is left of the <see cref="Budget"/>, or the time to the last epoch at the pace so
    /// far; null before the first batch is done.
    /// </summary>
    public TimeSpan? Remaining => Budget is TimeSpan budget ? (budget > Elapsed ? budget - Elapsed : TimeSpan.Zero)
        : Done > 0 ? Elapsed * ((Total - Done) / (double)Done) : null;

    /// <summary>True while the run has more to do (epochs left, or budget left).</summary>
    public bool IsUnfinished => Budget is TimeSpan budget ? Elapsed < budget && Epoch < Epochs : Epoch < Epochs;

    /// <summary>
    /// One line: <c>epoch 3/20 batch 40/40 loss 0.4321 val_loss 0.5012 val_acc 0.870 grad 1.23</c> (with a
    /// <see cref="Budget"/>: <c>epoch 3 batch …</c>, the epochs being open-ended).
    /// </summary>
    public string Describe()
    {
        string epochs = Budget is null ? FormattableString.Invariant($"/{Epochs}") : "";
        var text = FormattableString.Invariant($"epoch {Epoch}{epochs} batch {Batch}/{Batches} loss {Loss:F4}");
        if (ValidationLoss is double vl) text += FormattableString.Invariant($" val_loss {vl:F4}");
        if (ValidationAccuracy is double va) text += FormattableString.Invariant($" val_acc {va:F3}");
        if (GradientNorm is double g) text += " grad " + g.ToString("G3", CultureInfo.InvariantCulture);
        return text;
    }
}
