using System.Runtime.CompilerServices;
using Rnn.Core;
using Rnn.MLNet.Data;

namespace Rnn.MLNet.Tests.TestKit;

/// <summary>
/// A tiny test-only trainer: nearest centroid on a Single vector. Binary (Boolean label): Score = d²(negative) - d²(positive).
/// Multiclass (key label, K classes): Score = softmax(-d²) over the K centroids. Exercises ScoringTransformerBase,
/// the registry (registered by a module initializer) and CrossValidate.
/// </summary>
internal sealed class CentroidTrainer(string labelColumnName = "Label", string featureColumnName = "Features", int batchSize = 1) : IEstimator<CentroidTransformer>
{
    public CentroidTransformer Fit(IDataView input)
    {
        DataViewSchema.Column label = input.Schema[labelColumnName];
        DataViewSchema.Column features = input.Schema[featureColumnName];
        bool binary = label.Type is BooleanDataViewType;
        int k = binary ? 2 : (int)((KeyDataViewType)label.Type).Count;
        int size = ((VectorDataViewType)features.Type).Size;
        var sums = new double[k, size];
        var counts = new int[k];
        using (DataViewRowCursor cursor = input.GetRowCursor([label, features]))
        {
            ValueGetter<VBuffer<float>> getFeatures = cursor.GetGetter<VBuffer<float>>(features);
            Func<int> getClass = binary ? BoolClass(cursor.GetGetter<bool>(label)) : KeyClass(cursor.GetGetter<uint>(label));
            VBuffer<float> x = default;
            while (cursor.MoveNext())
            {
                int c = getClass();
                if (c < 0)
                    continue;
                getFeatures(ref x);
                counts[c]++;
                for (int i = 0; i < size; i++)
                    sums[c, i] += x.GetItemOrDefault(i);
            }
        }
        if (counts.Sum() == 0)
            throw new InvalidOperationException("No rows to train on.");
        var centroids = new float[k * size];
        for (int c = 0; c < k; c++)
            for (int i = 0; i < size; i++)
                centroids[c * size + i] = counts[c] > 0 ? (float)(sums[c, i] / counts[c]) : 0;
        return new CentroidTransformer(featureColumnName, binary, Tensor.FromArray(centroids, k, size), batchSize, binary ? null : ScoringSchema.GetClassNames(label));
    }

    private static Func<int> BoolClass(ValueGetter<bool> get)
    {
        bool v = false;
        return () =>
        {
            get(ref v);
            return v ? 0 : 1; // centroid 0 = positive
        };
    }

    private static Func<int> KeyClass(ValueGetter<uint> get)
    {
        uint v = 0;
        return () =>
        {
            get(ref v);
            return (int)v - 1;
        };
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        bool binary = inputSchema.First(c => c.Name == labelColumnName).ItemType is BooleanDataViewType;
        return ScoringSchema.Append(inputSchema, featureColumnName, binary ? PredictionKind.BinaryClassification : PredictionKind.MulticlassClassification, labelColumnName);
    }
}

internal sealed class CentroidTransformer : ScoringTransformerBase<float>
{
    public const string TypeId = "Tests.Centroid";
    private readonly Tensor _centroids; // (K, F)
    private readonly bool _binary;
    private readonly int _batchSize;

    public CentroidTransformer(string featureColumnName, bool binary, Tensor centroids, int batchSize, IReadOnlyList<string>? classNames = null)
        : base(featureColumnName, binary ? PredictionKind.BinaryClassification : PredictionKind.MulticlassClassification, binary ? 0 : centroids.Size(0), classNames)
    {
        _binary = binary;
        _centroids = centroids;
        _batchSize = batchSize;
    }

    public int ScoreCalls { get; private set; }

    public int BatchCalls { get; private set; }

    protected override int BatchSize => _batchSize;

    [ModuleInitializer]
    internal static void Register() => ModelRegistry.Register(TypeId, 1, Load);

    private float Distance(int c, in VBuffer<float> x)
    {
        Span<float> row = _centroids.Row(c);
        float d = 0;
        for (int i = 0; i < row.Length; i++)
        {
            float diff = x.GetItemOrDefault(i) - row[i];
            d += diff * diff;
        }
        return d;
    }

    protected override void Score(in VBuffer<float> features, Span<float> scores)
    {
        ScoreCalls++;
        if (_binary)
        {
            scores[0] = Distance(1, features) - Distance(0, features);
            return;
        }
        float max = float.NegativeInfinity;
        for (int c = 0; c < scores.Length; c++)
            max = Math.Max(max, scores[c] = -Distance(c, features));
        float sum = 0;
        for (int c = 0; c < scores.Length; c++)
            sum += scores[c] = MathF.Exp(scores[c] - max);
        for (int c = 0; c < scores.Length; c++)
            scores[c] /= sum;
    }

    protected override void ScoreBatch(ReadOnlySpan<VBuffer<float>> features, Span<float> scores)
    {
        BatchCalls++;
        base.ScoreBatch(features, scores);
    }

    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(TypeId, 1);
        ctx.WriteSettings(new Settings(FeatureColumnName, _binary));
        ctx.WriteTensors("weights", new Dictionary<string, Tensor> { ["centroids"] = _centroids });
        if (ClassNames is not null)
            ctx.WriteStrings("classes", ClassNames);
    }

    private static CentroidTransformer Load(ModelLoadContext ctx)
    {
        Settings s = ctx.ReadSettings<Settings>();
        Tensor centroids = ctx.ReadTensors("weights")["centroids"];
        ctx.Check(centroids.Rank == 2 && centroids.Size(0) >= 2, "centroids must be (K >= 2, F).");
        return new CentroidTransformer(s.Feature, s.Binary, centroids, 1, s.Binary ? null : ctx.ReadStrings("classes"));
    }

    private sealed record Settings(string Feature, bool Binary);
}
