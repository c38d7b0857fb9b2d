using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.MLNet.Persistence;

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

    /// <summary>Explains the first row of <paramref name="data"/> by occlusion.</summary>
    internal static TokenExplanation Explain(RecurrentModel model, IDataView data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var features = model.Features;
        var column = features.Check(data.Schema);
        string[]? names = features.IsKey ? TrainingLabelReader.KeyValueNames(column, features.KeyCount) : null;
        int[] tokens;
        float[] steps;
        using (var cursor = data.GetRowCursor([column]))
        {
            if (!cursor.MoveNext()) throw new ArgumentException("There is no row to explain.", nameof(data));
            var reader = new SequenceFeatures.RowReader(features, cursor, column);
            reader.RawLength();
            tokens = features.IsKey ? reader.Tokens(0).ToArray() : [];
            steps = features.IsKey ? [] : reader.Steps(0).ToArray();
        }
        var network = model.Network.Clone();
        network.Eval();
        var batch = new SequenceBatch();
        var logits = new float[network.Options.OutputSize];
        int f = features.StepSize;
        int length = features.IsKey ? tokens.Length : steps.Length / f;
        int? explainedClass = null;

        float Score()
        {
            if (features.IsKey)
            {
                batch.ResetTokens(1, tokens.Length);
                tokens.CopyTo(batch.Tokens);
            }
            else
            {
                batch.ResetValues(1, length, f);
                steps.CopyTo(batch.Values);
            }
            batch.Seal();
            network.Forward(batch).Span.CopyTo(logits);
            switch (model.Task)
            {
                case RecurrentTask.BinaryClassification:
                    return logits[1] - logits[0];
                case RecurrentTask.MulticlassClassification:
                    if (explainedClass is null)
                    {
                        int arg = 0;
                        for (int c = 1; c < logits.Length; c++) if (logits[c] > logits[arg]) arg = c;
                        explainedClass = arg;
                    }
                    var logProbabilities = new float[logits.Length];
                    Activations.LogSoftmax(logits, logits.Length, logProbabilities);
                    return logProbabilities[explainedClass.Value];
                default:
                    return logits[0];
            }
        }

        float full = Score();
        var contributions = new TokenContribution[length];
        for (int t = 0; t < length; t++)
        {
            int savedToken = 0;
            float[] savedStep = [];
            if (features.IsKey)
            {
                savedToken = tokens[t];
                tokens[t] = 0;
            }
            else
            {
                savedStep = steps.AsSpan(t * f, f).ToArray();
                steps.AsSpan(t * f, f).Clear();
            }
            float occluded = Score();
            if (features.IsKey) tokens[t] = savedToken;
            else savedStep.CopyTo(steps.AsSpan(t * f));
            string text = !features.IsKey ? $"step {t}"
                : tokens[t] == 0 ? "<missing>"
                : names is not null && tokens[t] - 1 < names.Length ? names[tokens[t] - 1] : $"key {tokens[t]}";
            contributions[t] = new TokenContribution(t, text, full - occluded);
        }
        if (features.IsKey) Array.Clear(tokens);
        else Array.Clear(steps);
        float baseline = Score();
        return new TokenExplanation(full, baseline, contributions, explainedClass);
    }
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
        var steps = model is IEnumerable<ITransformer> chain ? chain.ToList() : [model];
        int last = steps.FindLastIndex(t => t is RecurrentPredictionTransformer
            || PayloadCarrier.FindPayloads(t).Any(p => RecurrentModel.PayloadKind(p) == Scoring.PredictorSettings.Kind));
        if (last < 0) throw new ArgumentException("The model has no recurrent scoring step (a transformer from a Recurrent trainer) to explain.", nameof(model));
        var recurrent = RecurrentModel.FromTransformer(steps[last]);

        IDataView data = new MLContext().Data.LoadFromEnumerable([example]);
        for (int i = 0; i < last; i++) data = steps[i].Transform(data);
        return TokenExplanation.Explain(recurrent, data);
    }
}
