using System.Globalization;
using System.Runtime.CompilerServices;
using Rnn.Core;
using Rnn.MLNet.Data;

namespace Rnn.MLNet;

/// <summary>
/// A reference (non-recurrent) binary classifier: logistic regression on bag-of-n-grams of a token key vector.
/// It is the baseline the recurrent trainers are measured against on text.
/// </summary>
/// <remarks>
/// <para>Features: the presence (0/1) of every unigram and, with <c>ngramLength</c> 2, every bigram of keys seen in
/// training (key 0, missing, is skipped; n-grams not seen in training are ignored at prediction).</para>
/// <para>Objective: <c>Σᵢ log(1 + exp(−yᵢ (w·xᵢ + b))) + ½ λ ‖w‖²</c> with yᵢ ∈ {−1, +1} and λ = <c>l2Regularization</c>
/// (scikit-learn's LogisticRegression with C = 1/λ), minimised by L-BFGS. Score = w·x + b, Probability = σ(Score).</para>
/// </remarks>
public sealed class BagOfWordsLogisticRegressionTrainer : IEstimator<BagOfWordsPredictionTransformer>
{
    private readonly string _label, _features;
    private readonly int _ngramLength, _maximumIterations;
    private readonly float _l2;

    internal BagOfWordsLogisticRegressionTrainer(string labelColumnName, string featureColumnName, int ngramLength, float l2Regularization, int maximumIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(labelColumnName);
        ArgumentException.ThrowIfNullOrEmpty(featureColumnName);
        if (ngramLength is < 1 or > 2) throw new ArgumentOutOfRangeException(nameof(ngramLength), ngramLength, "ngramLength must be 1 (unigrams) or 2 (unigrams and bigrams).");
        if (!(l2Regularization >= 0f)) throw new ArgumentOutOfRangeException(nameof(l2Regularization), l2Regularization, "l2Regularization must be non-negative.");
        if (maximumIterations <= 0) throw new ArgumentOutOfRangeException(nameof(maximumIterations), maximumIterations, "maximumIterations must be positive.");
        (_label, _features, _ngramLength, _l2, _maximumIterations) = (labelColumnName, featureColumnName, ngramLength, l2Regularization, maximumIterations);
    }

    /// <inheritdoc/>
    public BagOfWordsPredictionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var spec = SequenceFeatures.FromSchema(input.Schema, _features, 1, 0);
        if (!spec.IsKey) throw new ArgumentException($"Feature column '{_features}' must be a vector of keys (token ids) for a bag of words.", nameof(input));
        var labelColumn = SequenceFeatures.FindColumn(input.Schema, _label, "label");
        var labels = TrainingLabelReader.Create(RecurrentTask.BinaryClassification, labelColumn);
        var featureColumn = input.Schema[_features];

        var dictionary = new Dictionary<long, int>();
        var rows = new List<int[]>();
        var targets = new List<int>();
        using (var cursor = input.GetRowCursor([featureColumn, labelColumn]))
        {
            var reader = spec.CreateReader(cursor, featureColumn);
            var label = labels.Bind(cursor);
            while (cursor.MoveNext())
            {
                rows.Add(NgramSet(reader.ReadTokens(cursor.Position), spec.KeyCount, _ngramLength, dictionary, grow: true));
                targets.Add(label.ReadClass(cursor.Position));
            }
        }
        if (rows.Count == 0) throw new ArgumentException($"The training data has no rows (feature column '{_features}', label column '{_label}').", nameof(input));

        int features = dictionary.Count;
        double lambda = _l2;
        // x = [w (F), b]
        var x = new double[features + 1];
        Lbfgs.Minimize((p, grad) =>
        {
            Array.Clear(grad);
            double loss = 0;
            for (int i = 0; i < rows.Count; i++)
            {
                double z = p[features];
                foreach (int f in rows[i]) z += p[f];
                double y = targets[i] == 1 ? 1 : -1;
                double m = y * z;
                // log(1 + e^{-m}) and its derivative, computed stably
                loss += m > 0 ? double.LogP1(Math.Exp(-m)) : -m + double.LogP1(Math.Exp(m));
                double d = -y / (1 + Math.Exp(m));
                foreach (int f in rows[i]) grad[f] += d;
                grad[features] += d;
            }
            for (int f = 0; f < features; f++)
            {
                loss += 0.5 * lambda * p[f] * p[f];
                grad[f] += lambda * p[f];
            }
            return loss;
        }, x, _maximumIterations);

        var codes = new long[features];
        foreach (var (code, index) in dictionary) codes[index] = code;
        return new BagOfWordsPredictionTransformer(spec, _ngramLength, codes, x.Take(features).Select(v => (float)v).ToArray(), (float)x[features]);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (!inputSchema.TryFindColumn(_features, out var feature) || !feature.IsVector || !feature.IsKey)
            throw new ArgumentException($"Feature column '{_features}' must exist and be a vector of keys.", nameof(inputSchema));
        if (!inputSchema.TryFindColumn(_label, out _))
            throw new ArgumentException($"Label column '{_label}' not found in the input schema.", nameof(inputSchema));
        var columns = inputSchema.Where(c => !RecurrentPredictionTransformer.OutputNames(RecurrentTask.BinaryClassification).Contains(c.Name)).ToList();
        columns.AddRange(RecurrentPredictionTransformer.OutputShape(RecurrentTask.BinaryClassification));
        return new SchemaShape(columns);
    }

    /// <summary>
    /// The distinct n-gram feature indices of one token sequence: unigram k has code k, bigram (k₁, k₂) code
    /// (K+1)·(1 + k₁) + k₂, K the key count; key 0 (missing) forms no n-gram.
    /// </summary>
    internal static int[] NgramSet(ReadOnlySpan<int> tokens, int keyCount, int ngramLength, Dictionary<long, int> dictionary, bool grow)
    {
        var set = new HashSet<int>();
        for (int t = 0; t < tokens.Length; t++)
        {
            if (tokens[t] == 0) continue;
            Add(tokens[t]);
            if (ngramLength >= 2 && t + 1 < tokens.Length && tokens[t + 1] != 0)
                Add((keyCount + 1L) * (1 + tokens[t]) + tokens[t + 1]);
        }
        var result = set.ToArray();
        Array.Sort(result);
        return result;

        void Add(long code)
        {
            if (!dictionary.TryGetValue(code, out int index))
            {
                if (!grow) return;
                index = dictionary.Count;
                dictionary[code] = index;
            }
            set.Add(index);
        }
    }
}

/// <summary>A fitted bag-of-n-grams logistic regression: Score, Probability, PredictedLabel.</summary>
public sealed class BagOfWordsPredictionTransformer : RowToRowTransformerBase
{
    internal const string TypeId = "Rnn.BagOfWordsLogisticRegression";
    private readonly SequenceFeatures _features;
    private readonly int _ngramLength;
    private readonly long[] _codes;
    private readonly Dictionary<long, int> _dictionary;
    private readonly float[] _weights;
    private readonly float _bias;

    internal BagOfWordsPredictionTransformer(SequenceFeatures features, int ngramLength, long[] codes, float[] weights, float bias)
    {
        _features = features;
        _ngramLength = ngramLength;
        _codes = codes;
        _weights = weights;
        _bias = bias;
        _dictionary = new Dictionary<long, int>(codes.Length);
        for (int i = 0; i < codes.Length; i++) _dictionary[codes[i]] = i;
    }

    /// <summary>Number of n-gram features.</summary>
    public int FeatureCount => _weights.Length;

    /// <inheritdoc/>
    protected internal override Mapper Bind(DataViewSchema inputSchema) => new ScoreMapper(this, inputSchema);

    // *** Model zip format (version 1) ***
    // settings.json: { features: {columnName, isKey, keyCount, ...}, ngramLength, bias }
    // ngrams.json: the n-gram code of every feature, as invariant decimal strings; weights.safetensors: "weight" [F].
    /// <inheritdoc/>
    public override void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetVersionInfo(TypeId, 1);
        ctx.WriteSettings(new Settings(_features, _ngramLength, _bias));
        ctx.WriteStrings("ngrams", _codes.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
        ctx.WriteTensors("weights", new Dictionary<string, Tensor> { ["weight"] = Tensor.From(_weights, _weights.Length) });
    }

    internal static BagOfWordsPredictionTransformer Load(ModelLoadContext ctx)
    {
        var s = ctx.ReadSettings<Settings>();
        ctx.Check(s.Features is { IsKey: true } && s.Features.KeyCount > 0, "the feature settings are missing or not keys");
        ctx.Check(s.NgramLength is 1 or 2 && float.IsFinite(s.Bias), "bad n-gram length or bias");
        var strings = ctx.ReadStrings("ngrams");
        var codes = new long[strings.Count];
        for (int i = 0; i < codes.Length; i++)
            ctx.Check(long.TryParse(strings[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out codes[i]) && codes[i] > 0, $"n-gram code {i} is not a positive integer");
        ctx.Check(codes.Distinct().Count() == codes.Length, "n-gram codes repeat");
        var tensors = ctx.ReadTensors("weights");
        ctx.Check(tensors.TryGetValue("weight", out var w) && w!.Rank == 1 && w.Length == codes.Length, "weight must be a vector with one value per n-gram");
        var weights = w!.Span.ToArray();
        ctx.Check(weights.All(float.IsFinite), "weights hold a non-finite value");
        return new BagOfWordsPredictionTransformer(s.Features, s.NgramLength, codes, weights, s.Bias);
    }

#pragma warning disable CA2255 // registered when Rnn.MLNet loads (see RecurrentPredictionTransformer)
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => ModelRegistry.Register(TypeId, 1, Load);

    internal sealed record Settings(SequenceFeatures Features, int NgramLength, float Bias);

    private sealed class ScoreMapper : Mapper
    {
        private readonly BagOfWordsPredictionTransformer _owner;
        private readonly DataViewSchema.Column _feature;
        private static readonly DataViewSchema.DetachedColumn[] Added =
        [
            new("Score", NumberDataViewType.Single), new("Probability", NumberDataViewType.Single), new("PredictedLabel", BooleanDataViewType.Instance),
        ];

        public ScoreMapper(BagOfWordsPredictionTransformer owner, DataViewSchema inputSchema) : base(inputSchema)
        {
            _owner = owner;
            _feature = owner._features.Check(inputSchema);
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> AddedColumns => Added;

        public override IEnumerable<int> GetDependencies(int addedIndex) => [_feature.Index];

        public override Delegate?[] CreateGetters(DataViewRow input, Func<int, bool> isActive)
        {
            var reader = _owner._features.CreateReader(input, _feature);
            long position = -1;
            float score = 0;
            float Score()
            {
                if (input.Position != position)
                {
                    position = input.Position;
                    score = _owner._bias;
                    foreach (int f in BagOfWordsLogisticRegressionTrainer.NgramSet(reader.ReadTokens(position), _owner._features.KeyCount, _owner._ngramLength, _owner._dictionary, grow: false))
                        score += _owner._weights[f];
                }
                return score;
            }
            return
            [
                isActive(0) ? (ValueGetter<float>)((ref float v) => v = Score()) : null,
                isActive(1) ? (ValueGetter<float>)((ref float v) => v = 1f / (1f + MathF.Exp(-Score()))) : null,
                isActive(2) ? (ValueGetter<bool>)((ref bool v) => v = Score() > 0) : null,
            ];
        }
    }
}

/// <summary>The bag-of-words reference trainer on the binary classification catalog.</summary>
public static class BagOfWordsCatalogExtensions
{
    /// <summary>
    /// Logistic regression on bag-of-n-grams of a token key vector (see <see cref="BagOfWordsLogisticRegressionTrainer"/>),
    /// the reference the recurrent classifiers are measured against.
    /// </summary>
    /// <param name="catalog">The binary classification trainers.</param>
    /// <param name="labelColumnName">Label column: Boolean, or Single/Double holding 0 and 1. Default "Label".</param>
    /// <param name="featureColumnName">Feature column: a key vector of tokens. Default "Features".</param>
    /// <param name="ngramLength">1: unigrams; 2: unigrams and bigrams. Default 2.</param>
    /// <param name="l2Regularization">λ of ½λ‖w‖² (scikit-learn's 1/C). Default 1.</param>
    /// <param name="maximumIterations">L-BFGS iterations at most. Default 200.</param>
    public static BagOfWordsLogisticRegressionTrainer BagOfWordsLogisticRegression(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", int ngramLength = 2, float l2Regularization = 1f, int maximumIterations = 200)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new BagOfWordsLogisticRegressionTrainer(labelColumnName, featureColumnName, ngramLength, l2Regularization, maximumIterations);
    }
}
