using System.Runtime.CompilerServices;
using Rnn.Core;
using Rnn.MLNet.Data;

namespace Rnn.MLNet.Tests.TestKit;

/// <summary>
/// A test-only binary trainer on a variable-length key vector (token ids), plugged in the way the recurrent trainers
/// will be: an extension method on <c>ml.BinaryClassification.Trainers</c>, a <see cref="ScoringTransformerBase{TFeature}"/>
/// of uint, weights saved as safetensors, a loader registered from a module initializer.
/// Score = Σ over tokens of log((pos + 1) / (neg + 1)) for the token's counts in positive and negative rows.
/// </summary>
internal static class TokenVoteExtensions
{
    public static TokenVoteTrainer TokenVote(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, string labelColumnName = "Label", string featureColumnName = "Features") =>
        new(labelColumnName, featureColumnName);
}

internal sealed class TokenVoteTrainer(string labelColumnName, string featureColumnName) : IEstimator<TokenVoteTransformer>
{
    public TokenVoteTransformer Fit(IDataView input)
    {
        DataViewSchema.Column label = input.Schema[labelColumnName];
        DataViewSchema.Column features = input.Schema[featureColumnName];
        if (label.Type is not BooleanDataViewType)
            throw new ArgumentException($"Column '{labelColumnName}' has type {label.Type}, expected Boolean.");
        if (features.Type is not VectorDataViewType { ItemType: KeyDataViewType key })
            throw new ArgumentException($"Column '{featureColumnName}' has type {features.Type}, expected a vector of keys.");
        var counts = new float[2, (int)key.Count + 1];
        using (DataViewRowCursor cursor = input.GetRowCursor([label, features]))
        {
            ValueGetter<bool> getLabel = cursor.GetGetter<bool>(label);
            ValueGetter<VBuffer<uint>> getTokens = cursor.GetGetter<VBuffer<uint>>(features);
            bool y = false;
            VBuffer<uint> tokens = default;
            while (cursor.MoveNext())
            {
                getLabel(ref y);
                getTokens(ref tokens);
                foreach (uint t in tokens.GetValues())
                    counts[y ? 0 : 1, t]++;
            }
        }
        var weights = new float[counts.GetLength(1)];
        for (int t = 0; t < weights.Length; t++)
            weights[t] = MathF.Log((counts[0, t] + 1) / (counts[1, t] + 1));
        return new TokenVoteTransformer(featureColumnName, Tensor.FromArray(weights, weights.Length));
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        ScoringSchema.Append(inputSchema, featureColumnName, PredictionKind.BinaryClassification);
}

internal sealed class TokenVoteTransformer(string featureColumnName, Tensor weights) : ScoringTransformerBase<uint>(featureColumnName, PredictionKind.BinaryClassification)
{
    public const string TypeId = "Tests.TokenVote";

    [ModuleInitializer]
    internal static void Register() => ModelRegistry.Register(TypeId, 1, ctx =>
        new TokenVoteTransformer(ctx.ReadSettings<string>(), ctx.ReadTensors("weights")["w"]));

    protected override void Score(in VBuffer<uint> features, Span<float> scores)
    {
        Span<float> w = weights.Span;
        float s = 0;
        foreach (uint t in features.GetValues())
            s += t < w.Length ? w[(int)t] : 0;
        scores[0] = s;
    }

    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(TypeId, 1);
        ctx.WriteSettings(FeatureColumnName);
        ctx.WriteTensors("weights", new Dictionary<string, Tensor> { ["w"] = weights });
    }
}
