using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace SentimentService;

/// <summary>
/// One loaded model and its own pool of PredictionEngines. A request takes the store's current <see cref="ServedModel"/>
/// once and rents from its pool, so it finishes on the model it started with even if a newer one is swapped in
/// meanwhile; an old model is collected when its last request has returned its engine.
/// </summary>
/// <remarks>
/// A PredictionEngine is not thread-safe (ML.NET): one engine serves one request at a time, and the pool keeps the
/// engines between requests so that each request does not build one (building one costs far more than a prediction).
/// </remarks>
public sealed class ServedModel
{
    private readonly ObjectPool<PredictionEngine<Review, ReviewPrediction>> _engines;

    private ServedModel(MLContext ml, ITransformer transformer, DataViewSchema inputSchema, int version, string sha256, string file)
    {
        Transformer = transformer;
        InputSchema = inputSchema;
        Version = version;
        Sha256 = sha256;
        File = file;
        LoadedAt = DateTimeOffset.UtcNow;
        _engines = new DefaultObjectPool<PredictionEngine<Review, ReviewPrediction>>(
            new EnginePolicy(ml, transformer), maximumRetained: Environment.ProcessorCount * 4);
    }

    /// <summary>The pipeline <c>ml.Model.Load</c> returned.</summary>
    public ITransformer Transformer { get; }

    /// <summary>The input schema saved with the model.</summary>
    public DataViewSchema InputSchema { get; }

    /// <summary>1 for the model the service started with, then one more per swap.</summary>
    public int Version { get; }

    /// <summary>SHA-256 of the zip's bytes (hex, lower case).</summary>
    public string Sha256 { get; }

    /// <summary>The file it was read from.</summary>
    public string File { get; }

    /// <summary>When it was loaded.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>Loads a model zip from its bytes (<c>ml.Model.Load</c>); the model is not yet validated.</summary>
    public static ServedModel Load(byte[] zip, int version, string file)
    {
        ArgumentNullException.ThrowIfNull(zip);
        var ml = new MLContext();
        using var stream = new MemoryStream(zip, writable: false);
        ITransformer transformer = ml.Model.Load(stream, out DataViewSchema inputSchema);
        return new ServedModel(ml, transformer, inputSchema, version, Hash(zip), file);
    }

    /// <summary>SHA-256 of <paramref name="bytes"/>, as <see cref="Sha256"/> gives it.</summary>
    public static string Hash(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <summary>Scores <paramref name="texts"/> with one engine rented from this model's pool.</summary>
    public PredictResponse Predict(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var engine = _engines.Get();
        try
        {
            var predictions = new SentencePrediction[texts.Count];
            var input = new Review();
            var output = new ReviewPrediction();
            for (int i = 0; i < texts.Count; i++)
            {
                input.Text = texts[i];
                engine.Predict(input, ref output);
                predictions[i] = new SentencePrediction(texts[i], output.PredictedLabel, output.Probability, output.Score);
            }
            return new PredictResponse(Version, Sha256, predictions);
        }
        finally
        {
            _engines.Return(engine);
        }
    }

    /// <summary>
    /// Checks that the model is a binary classifier of <see cref="Review.Text"/> and scores a probe sentence, so that a zip
    /// that loads but cannot serve is refused before it is swapped in: ML.NET parses RnnMl's payload only at the first
    /// prediction, and a PredictionEngine leaves an output property whose column the model lacks at its default.
    /// </summary>
    /// <exception cref="InvalidDataException">A column is missing or has another type, or the probe's probability is not in [0, 1].</exception>
    public void Validate(string probe)
    {
        DataViewSchema output = Transformer.GetOutputSchema(InputSchema);
        foreach (var (name, type) in new (string, DataViewType)[]
        {
            (nameof(ReviewPrediction.PredictedLabel), BooleanDataViewType.Instance),
            (nameof(ReviewPrediction.Probability), NumberDataViewType.Single),
            (nameof(ReviewPrediction.Score), NumberDataViewType.Single),
        })
        {
            if (output.GetColumnOrNull(name) is not { } column || !column.Type.Equals(type))
                throw new InvalidDataException($"the model has no {type} column {name}: it is not a binary classifier");
        }
        var answer = Predict([probe]).Predictions[0];
        if (!(answer.Probability >= 0f && answer.Probability <= 1f) || !float.IsFinite(answer.Score))
            throw new InvalidDataException($"the probe \"{probe}\" scored probability {answer.Probability}, score {answer.Score}");
    }

    /// <summary>Creates engines from this model; an engine comes back to the pool after each request.</summary>
    private sealed class EnginePolicy(MLContext ml, ITransformer transformer) : PooledObjectPolicy<PredictionEngine<Review, ReviewPrediction>>
    {
        public override PredictionEngine<Review, ReviewPrediction> Create() =>
            ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(transformer);

        public override bool Return(PredictionEngine<Review, ReviewPrediction> obj) => true;
    }
}
