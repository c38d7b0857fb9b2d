using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Training;
using Rnn.Pipelines.Text;

namespace Rnn.MLNet;

/// <summary>
/// Trains a character-level recurrent language model on a text column and yields a <see cref="CharRecurrentTransformer"/>
/// that continues prompts (<c>ml.TextGeneration.Trainers.CharRecurrent</c>).
/// </summary>
/// <remarks>
/// <para>Estimator characteristics: needs training; input: a scalar text column holding the corpus (rows are joined with
/// '\n' in row order, so a file loaded one line per row reads as the file); output of the fitted transformer: a text column
/// (<see cref="CharRecurrentTrainerOptions.OutputColumnName"/>) generated from the prompt column
/// (<see cref="CharRecurrentTrainerOptions.PromptColumnName"/>), which must be present when transforming (and, in an
/// estimator chain, in the corpus view too: see <see cref="GetOutputSchema"/>).</para>
/// <para>The vocabulary is the corpus's distinct characters (<see cref="CharVocabulary"/>). An empty corpus, or one of a
/// single character, is an error. Losses are in nats per character; <see cref="LastTrainingResult"/> holds them per epoch.</para>
/// <para>Seeds: the network's initialisation and dropout use <see cref="CharRecurrentTrainerOptions.Seed"/>, or else the next
/// seed of the <see cref="MLContext"/> (so <c>new MLContext(seed: 1)</c> makes fitting reproducible). Generation uses its own
/// seed, <see cref="CharRecurrentTrainerOptions.GenerationSeed"/>, for every row (see <see cref="CharRecurrentTransformer"/>).</para>
/// <para>The fitted transformer is made of ML.NET built-ins, so <c>ml.Model.Save</c>/<c>ml.Model.Load</c> handle it like
/// any other; <see cref="CharRecurrentModel.FromTransformer"/> recovers the typed model after a load.</para>
/// </remarks>
public sealed class CharRecurrentTrainer : IEstimator<CharRecurrentTransformer>
{
    private readonly IHostEnvironment _environment;
    private readonly CharRecurrentTrainerOptions _options;

    internal CharRecurrentTrainer(IHostEnvironment environment, string textColumnName, CharRecurrentTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (string.IsNullOrEmpty(textColumnName)) throw new ArgumentException("textColumnName must name the corpus column.", nameof(textColumnName));
        ArgumentNullException.ThrowIfNull(options);
        _environment = environment;
        TextColumnName = textColumnName;
        _options = options.Clone();
        Validate(_options);
    }

    /// <summary>The corpus column.</summary>
    public string TextColumnName { get; }

    /// <summary>The outcome of the last <see cref="Fit"/>: per-epoch training and validation loss (nats per character), throughput.</summary>
    public LanguageModelResult? LastTrainingResult { get; private set; }

    /// <summary>Learns the vocabulary and trains the network on the corpus in <see cref="TextColumnName"/>.</summary>
    /// <exception cref="ArgumentException">The column is missing or not scalar text, or the corpus has fewer than two characters (the message names the column); or <see cref="CharRecurrentTrainerOptions.Device"/> is not "cpu", "cuda" or "cuda:N".</exception>
    /// <exception cref="InvalidOperationException"><see cref="CharRecurrentTrainerOptions.Backend"/> is TorchSharp and Rnn.TorchSharp, TorchSharp or libtorch cannot be loaded, or the device is not available (the message says what to reference).</exception>
    public CharRecurrentTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string corpus = ReadCorpus(input);
        if (corpus.Length < 2)
            throw new ArgumentException(corpus.Length == 0
                ? $"The corpus in column '{TextColumnName}' is empty: a character model needs text to learn from."
                : $"The corpus in column '{TextColumnName}' has a single character: a character model needs at least two.", nameof(input));

        var vocabulary = CharVocabulary.FromText(corpus);
        int[] tokens = vocabulary.Encode(corpus, UnknownCharacterHandling.Throw);
        int seed = _options.Seed ?? CatalogContext.Host(_environment, nameof(CharRecurrentTrainer)).Rand.Next();
        var model = new SequenceModel(CharRecurrentModel.Options((CellType)_options.Cell, vocabulary.Count, _options.EmbeddingSize,
            _options.HiddenSize, _options.NumberOfLayers, _options.Dropout, seed));
        var generation = Generation(_options);
        var progress = _options.Progress;
        CharGenerator? sampler = progress is not null && _options.EpochSampleLength > 0 ? new CharGenerator(vocabulary, model) : null;
        var sampleSettings = generation with { Length = _options.EpochSampleLength };

        LastTrainingResult = LanguageModelTrainer.Fit(model, tokens, new LanguageModelOptions
        {
            SequenceLength = _options.SequenceLength,
            BatchSize = _options.BatchSize,
            Epochs = _options.Epochs,
            TimeBudget = _options.TimeBudget,
            LearningRate = _options.LearningRate,
            Optimizer = (OptimizerKind)_options.Optimizer,
            GradientClipNorm = _options.GradientClipNorm,
            ValidationFraction = _options.ValidationFraction,
            RestoreBestWeights = _options.RestoreBestWeights,
            CheckpointPath = _options.CheckpointPath,
            CheckpointEveryBatches = _options.CheckpointEveryBatches,
            ResumeFrom = _options.ResumeFrom,
            Backend = TrainingBackendLoader.Create(_options.Backend, _options.Device, _environment, nameof(CharRecurrentTrainerOptions)),
            Progress = progress is null ? null : p => progress(new CharRecurrentProgress(p, p.IsEpochEnd ? sampler?.Generate("", sampleSettings) : null)),
        });
        return new CharRecurrentTransformer(new CharRecurrentModel(vocabulary, model, generation, _options.PromptColumnName, _options.OutputColumnName, LastTrainingResult));
    }

    /// <summary>
    /// The schema of the fitted transformer's output on data of <paramref name="inputSchema"/>: the input's columns plus
    /// the generated text column (<see cref="CharRecurrentTrainerOptions.OutputColumnName"/>, String).
    /// </summary>
    /// <remarks>
    /// Both the corpus column and the prompt column must be scalar text: ML.NET's <c>EstimatorChain.Fit</c> checks the
    /// schema first and applies every fitted transformer to the data it was fitted on, so a pipeline ending in this trainer
    /// needs a prompt column in the corpus view (an empty one will do) and fails here, before training, without it. To fit
    /// on a corpus alone, fit the trainer on its own and append the result: <c>prefix.Append(trainer.Fit(corpus))</c>.
    /// </remarks>
    /// <exception cref="ArgumentException">The text or prompt column is missing or not scalar text (the message names it).</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        TextColumns.Require(inputSchema, TextColumnName, "text");
        TextColumns.Require(inputSchema, _options.PromptColumnName, "prompt");
        // The shape of the same chain of built-ins the fitted transformer is made of.
        return CharGenerationKernel.Create(new MLContext(), "", _options.PromptColumnName, _options.OutputColumnName).GetOutputSchema(inputSchema);
    }

    private string ReadCorpus(IDataView input)
    {
        var column = TextColumns.Require(input.Schema, TextColumnName, "text");
        var corpus = new StringBuilder();
        using var cursor = input.GetRowCursor([column]);
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> value = default;
        bool first = true;
        while (cursor.MoveNext())
        {
            getter(ref value);
            if (!first) corpus.Append('\n');
            corpus.Append(value.Span);
            first = false;
        }
        return corpus.ToString();
    }

    private static GenerationSettings Generation(CharRecurrentTrainerOptions o) =>
        new(o.GeneratedLength, o.Temperature, o.TopK, o.GenerationSeed, o.UnknownCharacters);

    private static void Validate(CharRecurrentTrainerOptions options)
    {
        if (string.IsNullOrEmpty(options.PromptColumnName)) throw new ArgumentException("PromptColumnName must name a column.", nameof(options));
        if (string.IsNullOrEmpty(options.OutputColumnName)) throw new ArgumentException("OutputColumnName must name a column.", nameof(options));
        Check(Enum.IsDefined(options.Cell), options.Cell, "Cell must be Rnn, Lstm or Gru");
        Check(Enum.IsDefined(options.Backend), options.Backend, "Backend must be Managed or TorchSharp");
        if (options.Backend != RecurrentBackend.Managed && (options.CheckpointPath ?? options.ResumeFrom) is not null)
            throw new ArgumentException($"CharRecurrentTrainerOptions.{(options.CheckpointPath is not null ? nameof(options.CheckpointPath) : nameof(options.ResumeFrom))} " +
                $"needs Backend = Managed: the {options.Backend} backend keeps its own optimiser state and does not write or resume checkpoints.", nameof(options));
        Check(options.EmbeddingSize > 0, options.EmbeddingSize, "EmbeddingSize must be positive");
        Check(options.HiddenSize > 0, options.HiddenSize, "HiddenSize must be positive");
        Check(options.NumberOfLayers > 0, options.NumberOfLayers, "NumberOfLayers must be positive");
        Check(options.Dropout >= 0f && options.Dropout < 1f, options.Dropout, "Dropout must be in [0, 1)");
        Check(options.SequenceLength > 0, options.SequenceLength, "SequenceLength must be positive");
        Check(options.BatchSize > 0, options.BatchSize, "BatchSize must be positive");
        Check(options.Epochs > 0, options.Epochs, "Epochs must be positive");
        Check(options.TimeBudget is null || options.TimeBudget > TimeSpan.Zero, options.TimeBudget ?? TimeSpan.Zero, "TimeBudget must be positive (or null for none)");
        Check(options.LearningRate > 0f, options.LearningRate, "LearningRate must be positive");
        Check(options.GradientClipNorm >= 0f, options.GradientClipNorm, "GradientClipNorm must be 0 (off) or positive");
        Check(options.ValidationFraction >= 0f && options.ValidationFraction < 1f, options.ValidationFraction, "ValidationFraction must be in [0, 1)");
        Check(options.EpochSampleLength is >= 0 and <= GenerationSettings.MaxLength, options.EpochSampleLength, $"EpochSampleLength must be in 0..{GenerationSettings.MaxLength}");
        if (Generation(options).Problem() is { } problem) throw new ArgumentOutOfRangeException(nameof(options), $"CharRecurrentTrainerOptions.{problem}.");

        static void Check(bool ok, object value, string message)
        {
            if (!ok) throw new ArgumentOutOfRangeException(nameof(options), value, $"CharRecurrentTrainerOptions.{message}, got {value}.");
        }
    }
}

