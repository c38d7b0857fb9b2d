using Rnn.MLNet.Data;

namespace Rnn.MLNet;

/// <summary>How much one token (or step) of a sequence moved a recurrent model's score.</summary>
/// <param name="Position">0-based position in the sequence the model read.</param>
/// <param name="Token">The token's text (its key value), or <c>step N</c> for float features.</param>
/// <param name="Contribution">Score with the token minus score with the token replaced by the missing key (zero input).</param>
public sealed record TokenContribution(int Position, string Token, float Contribution);

/// <summary>
/// A per-token explanation of one prediction by occlusion: each token in turn is replaced by the missing key
/// (whose embedding is zero; for float features, the step is set to zero) and the change of the score is that
/// token's contribution.
/// </summary>
/// <remarks>
/// The explained score is the binary margin (Score), the log-probability of the predicted class (multiclass) or the
/// predicted value (regression). Occlusion is exact for models that add up their inputs and an approximation for
/// others: <see cref="Score"/> − <see cref="BaselineScore"/> equals the sum of the contributions only for additive models.
/// </remarks>
public sealed class TokenExplanation
{
    internal TokenExplanation(float score, float baselineScore, IReadOnlyList<TokenContribution> tokens, int? explainedClass)
    {
        Score = score;
        BaselineScore = baselineScore;
        Tokens = tokens;
        ExplainedClass = explainedClass;
    }

    /// <summary>The explained score of the full sequence.</summary>
    public float Score { get; }

    /// <summary>The score with every token occluded.</summary>
    public float BaselineScore { get; }

    /// <summary>One entry per token, in sequence order.</summary>
    public IReadOnlyList<TokenContribution> Tokens { get; }

    /// <summary>Multiclass: the 0-based class whose log-probability is explained; otherwise null.</summary>
    public int? ExplainedClass { get; }

    /// <summary>Tokens by decreasing absolute contribution.</summary>
    public IEnumerable<TokenContribution> Ranked => Tokens.OrderByDescending(t => Math.Abs(t.Contribution));
}

/// <summary>Explanations of recurrent predictions on <see cref="ModelOperationsCatalog"/>.</summary>
public static class TokenExplanationExtensions
{
    /// <summary>
    /// Explains the prediction of <paramref name="model"/> (a fitted pipeline whose scoring step is a recurrent trainer's
    /// transformer) for <paramref name="example"/>, token by token.
    /// </summary>
    /// <exception cref="ArgumentException">The model has no recurrent scoring step.</exception>
    public static TokenExplanation ExplainTokens<TSrc>(this ModelOperationsCatalog catalog, ITransformer model, TSrc example)
        where TSrc : class
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(example);
        var steps = Flatten(model).ToList();
        int last = steps.FindLastIndex(t => t is RecurrentPredictionTransformer);
        if (last < 0) throw new ArgumentException("The model has no recurrent scoring step (a transformer from a Recurrent trainer) to explain.", nameof(model));
        var scorer = (RecurrentPredictionTransformer)steps[last];

        IDataView data = catalog.Context.Data.LoadFromEnumerable([example]);
        for (int i = 0; i < last; i++) data = steps[i].Transform(data);
        return scorer.Explain(data);
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer model)
    {
        if (model is IEnumerable<ITransformer> chain)
        {
            foreach (var t in chain)
                foreach (var inner in Flatten(t)) yield return inner;
        }
        else
        {
            yield return model;
        }
    }
}
