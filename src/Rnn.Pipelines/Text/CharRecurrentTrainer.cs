using System.Text;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Training;
using Rnn.MLNet.Data;
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
/// (<see cref="CharRecurrentTrainerOptions.PromptColumnName"/>), which must be present when transforming.</para>
/// <para>The vocabulary is the corpus's distinct characters (<see cref="CharVocabulary"/>). An empty corpus, or one of a
/// single character, is an error. Losses are in nats per character; <see cref="LastTrainingResult"/> holds them per epoch.</para>
/// </remarks>
public sealed class CharRecurrentTrainer : IEstimator<CharRecurrentTransformer>
{
    private readonly MLContext _context;
    private readonly CharRecurrentTrainerOptions _options;

    internal CharRecurrentTrainer(MLContext context, string textColumnName, CharRecurrentTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(textColumnName);
        ArgumentNullException.ThrowIfNull(options);
        _context = context;
        TextColumnName = textColumnName;
        _options = options.Clone();
        Validate(_options);
    }

    /// <summary>The corpus column.</summary>
    public string TextColumnName { get; }

    /// <summary>The outcome of the last <see cref="Fit"/>: per-epoch training and validation loss (nats per character), throughput.</summary>
    public LanguageModelResult? LastTrainingResult { get; private set; }

    /// <summary>Learns the vocabulary and trains the network on the corpus in <see cref="TextColumnName"/>.</summary>
    /// <exception cref="ArgumentException">The column is missing or not text, or the corpus is empty.</exception>
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
        int seed = _options.Seed ?? _context.NextSeed();
        var model = new SequenceModel(CharRecurrentTransformer.NetworkOptions((CellType)_options.Cell, vocabulary.Count, _options.EmbeddingSize,
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
            Progress = progress is null ? null : p => progress(new CharRecurrentProgress(p, p.IsEpochEnd ? sampler?.Generate("", sampleSettings) : null)),
        });
        return new CharRecurrentTransformer(vocabulary, model, generation, _options.PromptColumnName, _options.OutputColumnName);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (!inputSchema.TryFindColumn(TextColumnName, out var text))
            throw new ArgumentException($"Text column '{TextColumnName}' not found in the input schema.", nameof(inputSchema));
        if (text.IsVector || text.ItemType is not TextDataViewType)
            throw new ArgumentException($"Text column '{TextColumnName}' is {text}; the character model reads a scalar String column.", nameof(inputSchema));
        var columns = inputSchema.Where(c => c.Name != _options.OutputColumnName).ToList();
        columns.Add(new SchemaShape.Column(_options.OutputColumnName, SchemaShape.VectorKind.Scalar, TextDataViewType.Instance, false));
        return new SchemaShape(columns);
    }

    private string ReadCorpus(IDataView input)
    {
        var column = Internals.Columns.Find(input.Schema, TextColumnName, "text");
        TextShapes.RequireScalarText(column);
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
        if (Generation(options).Problem() is { } problem) Check(false, problem, problem);

        static void Check(bool ok, object value, string message)
        {
            if (!ok) throw new ArgumentOutOfRangeException(nameof(options), value, $"CharRecurrentTrainerOptions.{message}, got {value}.");
        }
    }
}

/// <summary>The character-level language model on ML.NET's text generation catalog.</summary>
/// <example>
/// <code>
/// var trainer = ml.TextGeneration.Trainers.CharRecurrent("Text", new CharRecurrentTrainerOptions { HiddenSize = 256, Epochs = 5 });
/// CharRecurrentTransformer model = trainer.Fit(corpus);          // one text column, the whole corpus
/// string next = model.Generate("ROMEO:");                      // or model.Transform(prompts): Prompt -> GeneratedText
/// </code>
/// See examples/CharRnn.
/// </example>
public static class CharRecurrentCatalogExtensions
{
    /// <summary>A character-level recurrent language model trained on <paramref name="textColumnName"/>.</summary>
    /// <param name="catalog">The text generation trainers.</param>
    /// <param name="textColumnName">The corpus column (scalar text; rows are joined with '\n'). Default "Text".</param>
    /// <param name="options">Network, training and generation options; null for the defaults.</param>
    public static CharRecurrentTrainer CharRecurrent(this TextGenerationCatalog.TextGenerationTrainers catalog, string textColumnName = "Text",
        CharRecurrentTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new CharRecurrentTrainer(catalog.Context, textColumnName, options ?? new CharRecurrentTrainerOptions());
    }
}
