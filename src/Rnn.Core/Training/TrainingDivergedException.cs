namespace Rnn.Core.Training;

/// <summary>
/// Training stopped because a batch's loss or gradient norm became NaN or infinite (or the weights did). The message names
/// the epoch and batch and suggests a fix; the model holds the weights of the last completed epoch (its starting weights
/// when the first epoch diverged), never non-finite ones.
/// </summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public TrainingDivergedException()
        : base("Training diverged.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a run that diverged at <paramref name="batch"/> of <paramref name="epoch"/>.</summary>
    /// <param name="message">What happened and how to fix it.</param>
    /// <param name="epoch">The epoch (1-based) in which training diverged.</param>
    /// <param name="batch">The batch (1-based, within the epoch) whose loss or gradient norm was not finite.</param>
    /// <param name="restoredEpoch">The epoch whose weights the model now holds (0: its starting weights).</param>
    public TrainingDivergedException(string message, int epoch, int batch, int restoredEpoch)
        : base(message)
    {
        Epoch = epoch;
        Batch = batch;
        RestoredEpoch = restoredEpoch;
    }

    /// <summary>The epoch (1-based) in which training diverged.</summary>
    public int Epoch { get; }

    /// <summary>The batch (1-based, within <see cref="Epoch"/>) whose loss or gradient norm was not finite.</summary>
    public int Batch { get; }

    /// <summary>The epoch whose weights the model holds after the failure: the last completed one, or 0 for its starting weights.</summary>
    public int RestoredEpoch { get; }
}
