using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet.Persistence;

namespace Rnn.MLNet;

/// <summary>
/// A fitted recurrent model scoring one sequence per row with ML.NET's scoring columns for its task
/// (binary: Score, Probability, PredictedLabel; multiclass: Score vector of K, PredictedLabel key; regression: Score).
/// </summary>
/// <remarks>
/// <para>It is made of ML.NET built-ins (see docs/model-format.md): <c>ml.Model.Save</c> writes it into ML.NET's zip, and
/// <c>ml.Model.Load</c> in any process that has the Rnn.MLNet assembly gives back a pipeline that scores identically, with
/// no registration call. <see cref="RecurrentModel.FromTransformer"/> recovers the typed model from either.</para>
/// <para>Binary: Score = logit₁ − logit₀, Probability = σ(Score), PredictedLabel = Score &gt; 0. Multiclass: Score = softmax
/// probabilities, PredictedLabel = the argmax as a key whose values are the label's values.</para>
/// <para>Immutable once fitted; thread-safe (each thread scores with its own copy of the network's workspace).</para>
/// </remarks>
public sealed class RecurrentPredictionTransformer : ITransformer, IPayloadOwner
{
    private readonly ITransformer _inner;

    internal RecurrentPredictionTransformer(RecurrentModel model, string payload, ITransformer inner)
    {
        Model = model;
        Payload = payload;
        _inner = inner;
    }

    /// <summary>The typed model: task, feature column, network shape, PyTorch-named weights, training history.</summary>
    public RecurrentModel Model { get; }

    /// <summary>What the model predicts.</summary>
    public RecurrentTask Task => Model.Task;

    /// <summary>The feature column the model reads.</summary>
    public string FeatureColumnName => Model.FeatureColumnName;

    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    string IPayloadOwner.Payload => Payload;

    internal string Payload { get; }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        Model.Features.Check(inputSchema);
        return _inner.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        Model.Features.Check(inputSchema);
        return _inner.GetRowToRowMapper(inputSchema);
    }

    /// <summary>
    /// Scores <paramref name="input"/> lazily. A sequential cursor scores 128 rows per network pass (read ahead on a second
    /// cursor of <paramref name="input"/>, which must give the same rows twice); the values equal the per-row scores of
    /// PredictionEngine and of the saved model to within float rounding (see docs/model-format.md).
    /// </summary>
    /// <param name="input">Rows holding the feature column.</param>
    /// <returns>The input columns and the scoring columns.</returns>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Model.Features.Check(input.Schema);
        return new Scoring.BatchScoredView(Model, input, _inner.Transform(input));
    }

    /// <summary>Saves the built-ins the transformer is made of (ML.NET calls this from <c>ml.Model.Save</c>).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => _inner.Save(ctx);

    /// <summary>
    /// Explains the first row of <paramref name="data"/> (already through the upstream transforms) by occlusion: each token
    /// in turn is replaced by the missing key and the change of the score is its contribution.
    /// </summary>
    /// <param name="data">A view holding the feature column; its first row is explained.</param>
    /// <returns>The contributions, in sequence order.</returns>
    public TokenExplanation Explain(IDataView data) => TokenExplanation.Explain(Model, data);
}
