using Rnn.Core.Optimizers;

namespace Rnn.Core.Training;

/// <summary>The optimiser a <see cref="SequenceTrainer"/> uses.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (PyTorch's <c>torch.optim.Adam</c>; weight decay as L2 added to the gradient).</summary>
    Adam,

    /// <summary>AdamW (decoupled weight decay).</summary>
    AdamW,

    /// <summary>SGD with momentum 0.9.</summary>
    Sgd,
}

/// <summary>The loss a <see cref="SequenceTrainer"/> minimises.</summary>
public enum LossKind
{
    /// <summary>Cross-entropy from logits against class indices (optionally class-weighted).</summary>
    CrossEntropy,

    /// <summary>Mean squared error.</summary>
    Mse,

    /// <summary>Huber loss (delta <see cref="TrainerOptions.HuberDelta"/>).</summary>
    Huber,
}

/// <summary>Progress of a training run, reported after every batch and at the end of every epoch.</summary>
/// <param name="Epoch">Current epoch, 1-based.</param>
/// <param name="Epochs">Planned epochs.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="TrainingLoss">Mean training loss over the epoch so far.</param>
/// <param name="ValidationLoss">Validation loss (end of epoch only, when there is a validation part).</param>
/// <param name="ValidationAccuracy">Validation accuracy for classification (end of epoch only).</param>
/// <param name="GradientNorm">Global gradient norm of the last batch, before clipping.</param>
/// <param name="Elapsed">Time since training started.</param>
/// <param name="IsEpochEnd">True for the report that closes an epoch.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double TrainingLoss,
    double? ValidationLoss, double? ValidationAccuracy, double GradientNorm, TimeSpan Elapsed, bool IsEpochEnd);

/// <summary>One epoch of a finished run.</summary>
public sealed record EpochSummary(int Epoch, double TrainingLoss, double? ValidationLoss, double? ValidationAccuracy, double Seconds);

/// <summary>The outcome of <see cref="SequenceTrainer.Fit"/>.</summary>
/// <param name="Epochs">Per-epoch figures.</param>
/// <param name="BestEpoch">The epoch whose weights the model holds (the best validation loss, or the last epoch).</param>
/// <param name="StoppedEarly">True when early stopping ended the run before the planned epochs.</param>
public sealed record TrainingResult(IReadOnlyList<EpochSummary> Epochs, int BestEpoch, bool StoppedEarly);

/// <summary>How <see cref="SequenceTrainer"/> trains. Every default is stated on its property.</summary>
public sealed record TrainerOptions
{
    /// <summary>Passes over the training data. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Sequences per mini-batch. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Learning rate. Default 1e-3.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Optimiser. Default <see cref="OptimizerKind.Adam"/>.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Weight decay (L2 for Adam and SGD, decoupled for AdamW). Default 0.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Clip the global gradient norm to this value; 0 disables clipping. Default 5.</summary>
    public float GradientClipNorm { get; init; } = 5f;

    /// <summary>Loss. Default <see cref="LossKind.CrossEntropy"/>.</summary>
    public LossKind Loss { get; init; } = LossKind.CrossEntropy;

    /// <summary>Delta of the Huber loss. Default 1.</summary>
    public float HuberDelta { get; init; } = 1f;

    /// <summary>Weight per class for cross-entropy [C], or null for equal weights. Default null.</summary>
    public float[]? ClassWeights { get; init; }

    /// <summary>
    /// Share of the training data held out for validation (early stopping, best-epoch restore), in [0, 1). Default 0.
    /// </summary>
    public float ValidationFraction { get; init; }

    /// <summary>Stop after this many epochs without a better validation loss; 0 never stops early. Default 3.</summary>
    public int EarlyStoppingPatience { get; init; } = 3;

    /// <summary>With validation data, end with the weights of the best validation epoch. Default true.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>
    /// Polyak (stochastic weight) averaging: end with the mean of the weights at the end of each of the last this many
    /// epochs (all of them when it exceeds <see cref="Epochs"/>); 0 or 1 keeps the last epoch's weights. Ignored when a
    /// validation part picks the best epoch, and by <see cref="SequenceTrainer.FitStreaming"/>. Default 0.
    /// </summary>
    public int AverageLastEpochs { get; init; }

    /// <summary>Learning-rate schedule by epoch (0-based), or null for a constant rate. Default null.</summary>
    public ILearningRateSchedule? Schedule { get; init; }

    /// <summary>Seed of shuffling and the validation split. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Called after every batch and every epoch. Default null.</summary>
    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>
    /// Stops training: checked before every batch, so a cancelled run ends within one batch with an
    /// <see cref="OperationCanceledException"/> naming the epoch and batch. The model then holds the weights after the last
    /// completed batch. Default <see cref="CancellationToken.None"/>.
    /// </summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// A file the training state is saved to, or null for none. Default null. It is written after every
    /// <see cref="CheckpointEveryBatches"/> batches and after the last batch of every epoch, atomically (a temporary file in
    /// the same directory, flushed, then moved over the old one, so a run killed mid-save leaves the previous checkpoint
    /// whole). It holds everything the run depends on: the weights, the optimiser's moments and step counts, the shuffling
    /// and dropout generators, the epoch and batch, the early-stopping bookkeeping (best weights, best validation loss,
    /// epochs since) and the per-epoch history; the learning-rate schedule position is the epoch. Pass it as
    /// <see cref="ResumeFrom"/> to continue. Needs the managed engine (<see cref="Backend"/> null) and
    /// <see cref="SequenceTrainer.Fit"/> (not <see cref="SequenceTrainer.FitStreaming"/>).
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Batches between two checkpoints written to <see cref="CheckpointPath"/> (one is also written at every epoch's end); positive. Default 100.</summary>
    public int CheckpointEveryBatches { get; init; } = 100;

    /// <summary>
    /// A checkpoint written through <see cref="CheckpointPath"/> to continue from, or null to start afresh. Default null. The
    /// model passed to <c>Fit</c> must be built with the same options (its weights are replaced by the checkpoint's), and the
    /// data and every option that shapes training must be the same; then the resumed run ends with the weights an
    /// uninterrupted run would have, bit for bit. To restart a killed run, pass the same path as both
    /// <see cref="CheckpointPath"/> and <see cref="ResumeFrom"/>. <c>Fit</c> throws a <see cref="FileNotFoundException"/>
    /// when the file is missing and an <see cref="InvalidDataException"/> naming every difference when it is from another
    /// model, data or options (<see cref="Progress"/>, <see cref="CancellationToken"/> and the checkpoint options may differ).
    /// </summary>
    public string? ResumeFrom { get; init; }

    /// <summary>
    /// The engine that computes the steps: null for the managed engine of Rnn.Core, or another backend (libtorch through
    /// <c>Rnn.TorchSharp</c>). The trained weights end up in the managed model either way. Default null.
    /// </summary>
    public ITrainingBackend? Backend { get; init; }
}
