using Microsoft.ML;
using Rnn.Core.Training;

namespace Rnn.MLNet;

/// <summary>
/// Options of the character-level language model (<c>ml.TextGeneration.Trainers.CharRecurrent</c>): the network, how it is
/// trained (truncated backpropagation through time over parallel streams) and how the fitted transformer generates text.
/// Every default is stated on its property.
/// </summary>
/// <remarks>
/// <para>The network: embedding of the V corpus characters (<see cref="EmbeddingSize"/>) → <see cref="NumberOfLayers"/>
/// recurrent layers of <see cref="HiddenSize"/> units → a linear head at every step giving the logits of the next character.</para>
/// <para>Training (see <c>Rnn.Core.Training.LanguageModelTrainer</c>): the corpus minus its last <see cref="ValidationFraction"/>
/// is cut into <see cref="BatchSize"/> parallel streams read in chunks of <see cref="SequenceLength"/> characters; the hidden
/// state is carried from chunk to chunk (detached), the loss is the mean next-character cross-entropy in nats per character.</para>
/// <para>Generation: the prompt (unknown characters handled by <see cref="UnknownCharacters"/>) warms up the state, then
/// <see cref="GeneratedLength"/> characters are drawn with <see cref="Temperature"/> and <see cref="TopK"/> from a generator
/// seeded with <see cref="GenerationSeed"/> for every row: the same prompt and seed give the same text.</para>
/// </remarks>
public sealed class CharRecurrentTrainerOptions
{
    /// <summary>The text column the fitted transformer reads prompts from. Default "Prompt".</summary>
    public string PromptColumnName { get; set; } = "Prompt";

    /// <summary>The text column the fitted transformer writes the generated continuation to (the prompt not repeated). Default "GeneratedText".</summary>
    public string OutputColumnName { get; set; } = "GeneratedText";

    /// <summary>The recurrent cell. Default <see cref="RecurrentCellType.Lstm"/>.</summary>
    public RecurrentCellType Cell { get; set; } = RecurrentCellType.Lstm;

    /// <summary>E, the character embedding width. Default 64.</summary>
    public int EmbeddingSize { get; set; } = 64;

    /// <summary>H, hidden units per layer. Default 256.</summary>
    public int HiddenSize { get; set; } = 256;

    /// <summary>Stacked recurrent layers. Default 1.</summary>
    public int NumberOfLayers { get; set; } = 1;

    /// <summary>Dropout between recurrent layers and before the head, in [0, 1). Default 0.</summary>
    public float Dropout { get; set; }

    /// <summary>T, characters per chunk: the window of truncated backpropagation through time. Default 100.</summary>
    public int SequenceLength { get; set; } = 100;

    /// <summary>B, parallel streams the corpus is cut into. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Passes over the training part of the corpus. Default 10.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>
    /// Wall-clock budget of training, or null for none: training stops at the first chunk past it (even mid-epoch), or after
    /// <see cref="Epochs"/>, whichever comes first. Default null.
    /// </summary>
    public TimeSpan? TimeBudget { get; set; }

    /// <summary>Learning rate. Default 2e-3.</summary>
    public float LearningRate { get; set; } = 2e-3f;

    /// <summary>Optimiser. Default <see cref="RecurrentOptimizer.Adam"/>.</summary>
    public RecurrentOptimizer Optimizer { get; set; } = RecurrentOptimizer.Adam;

    /// <summary>Clip the global gradient norm to this value; 0 disables clipping. Default 5.</summary>
    public float GradientClipNorm { get; set; } = 5f;

    /// <summary>The last share of the corpus held out for the validation loss, in [0, 1). Default 0.1.</summary>
    public float ValidationFraction { get; set; } = 0.1f;

    /// <summary>End with the weights of the epoch with the lowest validation loss (when there is a validation part). Default true.</summary>
    public bool RestoreBestWeights { get; set; } = true;

    /// <summary>Seed of the initialisation and dropout; null takes the next seed of the <see cref="MLContext"/>. Default null.</summary>
    public int? Seed { get; set; }

    /// <summary>Called after every chunk and at the end of every epoch (with a sample when <see cref="EpochSampleLength"/> &gt; 0). Default null.</summary>
    public Action<CharRecurrentProgress>? Progress { get; set; }

    /// <summary>
    /// A file the training state is saved to, or null for none. Default null. It is written after every
    /// <see cref="CheckpointEveryBatches"/> chunks and after the last chunk of every epoch, atomically (a temporary file in the
    /// same directory, flushed, then moved over the old one). It holds the weights, the optimiser's moments and step counts, the
    /// dropout generators, the epoch and chunk, the state carried into the next chunk, the best-epoch bookkeeping and the
    /// history (Rnn.Core's <c>LanguageModelOptions.CheckpointPath</c>).
    /// </summary>
    public string? CheckpointPath { get; set; }

    /// <summary>Chunks (batches) between two checkpoints written to <see cref="CheckpointPath"/> (one is also written at every epoch's end); positive. Default 100.</summary>
    public int CheckpointEveryBatches { get; set; } = 100;

    /// <summary>
    /// A checkpoint written through <see cref="CheckpointPath"/> to continue from, or null to start afresh. Default null. With
    /// the same corpus, options and seed, the resumed <c>Fit</c> ends with the weights of an uninterrupted one, bit for bit
    /// (<see cref="TimeBudget"/> counts from the resumed start). <c>Fit</c> throws a <see cref="FileNotFoundException"/> when the
    /// file is missing and an <see cref="InvalidDataException"/> naming every difference when it is from another run.
    /// </summary>
    public string? ResumeFrom { get; set; }

    /// <summary>
    /// The engine that trains: <see cref="RecurrentBackend.Managed"/> or <see cref="RecurrentBackend.TorchSharp"/> (libtorch;
    /// the application references Rnn.TorchSharp and a TorchSharp build). The loop and its semantics are the same (streams,
    /// carried state detached between chunks, clipping, validation, best weights, time budget); the fitted transformer is the
    /// same type, generates with the managed engine and saves the same zip. <see cref="CheckpointPath"/> and
    /// <see cref="ResumeFrom"/> need the managed engine. Default <see cref="RecurrentBackend.Managed"/>.
    /// </summary>
    public RecurrentBackend Backend { get; set; } = RecurrentBackend.Managed;

    /// <summary>
    /// The libtorch device for <see cref="RecurrentBackend.TorchSharp"/>: "cpu", "cuda" or "cuda:N"; null takes "cuda:N" from
    /// <c>MLContext.GpuDeviceId</c> when set (falling back to "cpu" when <c>MLContext.FallbackToCpu</c> is set and no GPU is
    /// usable), else "cpu". Ignored by the managed engine. Default null.
    /// </summary>
    public string? Device { get; set; }

    /// <summary>Characters of text generated at the end of every epoch for <see cref="Progress"/> (0 = none). Default 0.</summary>
    public int EpochSampleLength { get; set; }

    /// <summary>Characters the transformer generates per row. Default 200.</summary>
    public int GeneratedLength { get; set; } = 200;

    /// <summary>Sampling temperature τ ≥ 0: below 1 is more conservative, above 1 more varied, 0 always picks the most likely character. Default 1.</summary>
    public float Temperature { get; set; } = 1f;

    /// <summary>Draw only among the k most likely characters; 0 allows all. Default 0.</summary>
    public int TopK { get; set; }

    /// <summary>Seed of the generator each row is sampled with: the same prompt and seed give the same text. Default 0.</summary>
    public int GenerationSeed { get; set; }

    /// <summary>What happens to prompt characters missing from the corpus. Default <see cref="UnknownCharacterHandling.Skip"/>.</summary>
    public UnknownCharacterHandling UnknownCharacters { get; set; } = UnknownCharacterHandling.Skip;

    internal CharRecurrentTrainerOptions Clone() => (CharRecurrentTrainerOptions)MemberwiseClone();
}

/// <summary>Progress of a character-level model's training.</summary>
/// <param name="Training">Epoch, chunk, training loss and (at epoch end) validation loss, in nats per character; throughput.</param>
/// <param name="Sample">At the end of an epoch with <see cref="CharRecurrentTrainerOptions.EpochSampleLength"/> &gt; 0: text generated by the model so far; otherwise null.</param>
public readonly record struct CharRecurrentProgress(LanguageModelProgress Training, string? Sample);
