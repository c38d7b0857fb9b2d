using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet.Persistence;

namespace Rnn.MLNet.Scoring;

/// <summary>
/// The chain of ML.NET built-ins a recurrent predictor is made of, and saved as:
/// <code>
/// CustomMapping (constant key) → ValueMapping (key → payload)            PayloadCarrier
/// → ConvertType UInt32 (keys) or CopyColumns (floats): __rnnml_features ← the feature column
/// → CustomMapping "Rnn.MLNet.Score.{Tokens|Steps}.v1"                     ScoringKernel
/// → binary:     CopyColumns Score, Probability, PredictedLabel
///   multiclass: Concatenate Score ← probability blocks (Vector&lt;Single, K&gt;); MapValueToKey PredictedLabel ← class (keys = labels)
///   regression: CopyColumns Score
/// → DropColumns (every __rnnml_ column)
/// </code>
/// </summary>
internal static class ScoringChain
{
    public static IEstimator<ITransformer> Create(MLContext ml, RecurrentTask task, bool tokens, string featureColumn, string payload, IReadOnlyList<string>? labelNames)
    {
        // Keys are converted to UInt32 by name only: ML.NET keeps them keys (same raw values), but the CustomMapping
        // estimator's schema check, which tells keys from UInt32, then accepts them for the kernel's VBuffer<uint>.
        IEstimator<ITransformer> chain = PayloadCarrier.Create(ml, payload)
            .Append(tokens
                ? (IEstimator<ITransformer>)ml.Transforms.Conversion.ConvertType(ScoringKernel.FeaturesColumn, featureColumn, DataKind.UInt32)
                : ml.Transforms.CopyColumns(ScoringKernel.FeaturesColumn, featureColumn));
        chain = tokens
            ? chain.Append(ml.Transforms.CustomMapping<ScoringKernel.TokenRow, ScoringKernel.ScoreRow>(ScoringKernel.MapTokens, ScoringKernel.TokensContract))
            : chain.Append(ml.Transforms.CustomMapping<ScoringKernel.StepRow, ScoringKernel.ScoreRow>(ScoringKernel.MapSteps, ScoringKernel.StepsContract));
        switch (task)
        {
            case RecurrentTask.BinaryClassification:
                chain = chain.Append(ml.Transforms.CopyColumns("Score", ScoringKernel.ScoreColumn))
                    .Append(ml.Transforms.CopyColumns("Probability", ScoringKernel.ProbabilityColumn))
                    .Append(ml.Transforms.CopyColumns("PredictedLabel", ScoringKernel.PositiveColumn));
                break;
            case RecurrentTask.MulticlassClassification:
                var names = labelNames ?? throw new ArgumentNullException(nameof(labelNames));
                var keys = ml.Data.LoadFromEnumerable(names.Select(n => new LabelRow { Label = n }));
                chain = chain
                    .Append(ml.Transforms.Concatenate("Score", FixedVector.BlockColumns(ScoringKernel.ProbabilitiesPrefix, names.Count)))
                    .Append(ml.Transforms.Conversion.MapValueToKey("PredictedLabel", ScoringKernel.ClassColumn, keyData: keys));
                break;
            default:
                chain = chain.Append(ml.Transforms.CopyColumns("Score", ScoringKernel.ScoreColumn));
                break;
        }
        string[] internals = [PayloadCarrier.KeyColumn, PayloadCarrier.StateColumn, ScoringKernel.FeaturesColumn, .. ScoringKernel.OutputColumns];
        return chain.Append(ml.Transforms.DropColumns(internals));
    }

    private sealed class LabelRow
    {
        public string Label { get; set; } = "";
    }
}
