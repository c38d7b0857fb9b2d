namespace Rnn.Core.Training;

/// <summary>How <see cref="LanguageModelTrainer"/> trains. Every default is stated on its property.</summary>
public sealed record LanguageModelOptions
{
    /// <summary>T, steps per chunk: the window of truncated backpropagation through time. Default 100.</summary>
    public int SequenceLength { get; init; } = 100;

    /// <summary>B, parallel streams the token stream is cut into (the batch). Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Passes over the training part. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>
    /// Wall-clock budget of training, or null for none. Training stops at the first chunk boundary past the budget
    /// (mid-epoch if need be), then runs one last validation pass. Default null.
    /// </summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Learning rate. Default 2e-3.</summary>
    public float LearningRate { get; init; } = 2e-3f;

    /// <summary>Optimiser. Default <see cref="OptimizerKind.Adam"/>.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Weight decay (L2 for Adam and SGD, decoupled for AdamW). Default 0.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Clip the global gradient norm to this value; 0 disables clipping. Default 5.</summary>
    public float GradientClipNorm { get; init; } = 5f;

    /// <summary>The last share of the token stream held out for validation, in [0, 1). Default 0.1.</summary>
    public float ValidationFraction { get; init; } = 0.1f;

    /// <summary>
    /// With a validation part, end with the weights of the epoch whose validation loss was lowest (a long run starts to
    /// overfit: the training loss keeps falling while the validation loss turns up). Default true.
    /// </summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>
    /// Carry the final state of each chunk into the next (truncated BPTT). False starts every chunk from the zero state,
    /// so nothing is remembered past T steps: useful only to measure what the carried state is worth. Default true.
    /// </summary>
    public bool CarryState { get; init; } = true;

    /// <summary>Called after every chunk and at the end of every epoch. Default null.</summary>
    public Action<LanguageModelProgress>? Progress { get; init; }

    /// <summary>
    /// A file the training state is saved to, or null for none. Default null. It is written after every
    /// <see cref="CheckpointEveryBatches"/> chunks and after the last chunk of every epoch, atomically (a temporary file in the
    /// same directory, flushed, then moved over the old one). It holds the weights, the optimiser's moments and step counts,
    /// the dropout generators, the epoch and chunk, the state carried into the next chunk, the best-epoch bookkeeping and the
    /// history. Pass it as <see cref="ResumeFrom"/> to continue.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Chunks (batches) between two checkpoints written to <see cref="CheckpointPath"/> (one is also written at every epoch's end); positive. Default 100.</summary>
    public int CheckpointEveryBatches { get; init; } = 100;

    /// <summary>
    /// A checkpoint written through <see cref="CheckpointPath"/> to continue from, or null to start afresh. Default null. The
    /// model must be built with the same options, and the tokens and every option that shapes training must be the same
    /// (<see cref="TimeBudget"/>, <see cref="Progress"/> and the checkpoint options may differ; the budget counts from the
    /// resumed start); then the resumed run ends with the weights of an uninterrupted one, bit for bit. <c>Fit</c> throws a
    /// <see cref="FileNotFoundException"/> when the file is missing and an <see cref="InvalidDataException"/> naming every
    /// difference when it is from another model, corpus or options.
    /// </summary>
    public string? ResumeFrom { get; init; }

    /// <summary>
    /// The engine that computes the chunks: null for the managed engine of Rnn.Core, or another backend (libtorch through
    /// <c>Rnn.TorchSharp</c>'s <c>TorchTrainingBackend</c>). The loop is the same either way (streams, carried state,
    /// validation, best weights, time budget, progress), and the trained weights end up in the managed model. With a
    /// backend the managed model holds the current weights at the end of every epoch, before the epoch-end
    /// <see cref="Progress"/> report (so the report may sample from it); <see cref="CheckpointPath"/> and
    /// <see cref="ResumeFrom"/> need the managed engine. Default null.
    /// </summary>
    public ITrainingBackend? Backend { get; init; }
}

/// <summary>Progress of a language-model run, reported after every chunk and at the end of every epoch.</summary>
/// <param name="Epoch">Current epoch, 1-based.</param>
/// <param name="Chunk">Chunks done in this epoch.</param>
/// <param name="Chunks">Chunks per epoch.</param>
/// <param name="TrainingLoss">Mean cross-entropy per predicted token over the epoch so far (nats per token).</param>
/// <param name="ValidationLoss">Mean cross-entropy per token on the validation part (epoch end only, when there is one).</param>
/// <param name="GradientNorm">Global gradient norm of the last chunk, before clipping.</param>
/// <param name="TokensPerSecond">Training throughput so far (predicted tokens per second of training, validation excluded).</param>
/// <param name="Elapsed">Time since training started.</param>
/// <param name="IsEpochEnd">True for the report that closes an epoch (also when the time budget cuts it short).</param>
public readonly record struct LanguageModelProgress(int Epoch, int Chunk, int Chunks, double TrainingLoss, double? ValidationLoss,
    double GradientNorm, double TokensPerSecond, TimeSpan Elapsed, bool IsEpochEnd);

/// <summary>One epoch of a finished language-model run.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="TrainingLoss">Mean training cross-entropy per token (nats).</param>
/// <param name="ValidationLoss">Validation cross-entropy per token (nats), or null without a validation part.</param>
/// <param name="Seconds">Wall-clock seconds of the epoch, validation included.</param>
/// <param name="Tokens">Tokens predicted in training during the epoch.</param>
/// <param name="Complete">False when the time budget ended the epoch early.</param>
public sealed record LanguageModelEpoch(int Epoch, double TrainingLoss, double? ValidationLoss, double Seconds, long Tokens, bool Complete);

/// <summary>The outcome of <see cref="LanguageModelTrainer.Fit"/>.</summary>
/// <param name="Epochs">Per-epoch figures.</param>
/// <param name="TokensPerSecond">Training throughput (predicted tokens per second of training, validation excluded).</param>
/// <param name="StoppedByBudget">True when the time budget (or the cancellation token) ended training before the planned epochs.</param>
/// <param name="BestEpoch">The epoch whose weights the model holds: the lowest validation loss with
/// <see cref="LanguageModelOptions.RestoreBestWeights"/>, otherwise the last epoch.</param>
public sealed record LanguageModelResult(IReadOnlyList<LanguageModelEpoch> Epochs, double TokensPerSecond, bool StoppedByBudget, int BestEpoch)
{
    /// <summary>Training loss of the last epoch (nats per token).</summary>
    public double TrainingLoss => Epochs.Count == 0 ? double.NaN : Epochs[^1].TrainingLoss;

    /// <summary>Validation loss of the weights the model holds (those of <see cref="BestEpoch"/>; nats per token), or null without a validation part.</summary>
    public double? ValidationLoss => BestEpoch < 1 ? null : Epochs[BestEpoch - 1].ValidationLoss;
}
