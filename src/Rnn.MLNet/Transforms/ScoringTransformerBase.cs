// Scoring transformers: a fitted model that reads one feature column and adds ML.NET's prediction columns.
//
//   kind                       added columns (ML.NET names and types)
//   BinaryClassification       Score: Single (raw margin), Probability: Single, PredictedLabel: Boolean (Score > Threshold)
//   MulticlassClassification   Score: Vector<Single, K> (class scores), PredictedLabel: Key<UInt32, K> (argmax + 1)
//   Regression                 Score: Single
//
// To plug a model in (e.g. a recurrent network), derive from ScoringTransformerBase<TFeature> where the feature
// column holds VBuffer<TFeature> (uint for token keys, float for T x F steps):
//   - CheckFeatureColumn: reject a wrong feature type with ArgumentException naming the column;
//   - Score(features, scores): fill `scores` (length ScoreSize: 1, or K for multiclass) for one row;
//   - optionally ScoreBatch + BatchSize > 1: Transform then reads BatchSize rows ahead on a second cursor of the
//     same (unshuffled) source and scores them in one call; PredictionEngine always scores one row;
//   - multiclass: pass ScoringSchema.GetClassNames(label column) as classNames, so PredictedLabel maps back to labels;
//   - the estimator's GetOutputSchema returns ScoringSchema.Append(input, feature, kind, label); its Fit can check
//     and read labels with Internals/LabelReader (same messages as the evaluators);
//   - Save: SetVersionInfo(id, version), WriteSettings(...), WriteTensors(...) + ModelRegistry.Register(id, version, Load).
// Scores are computed once per row, whichever of the added columns are read.
// tests/Rnn.MLNet.Tests/TestKit/{CentroidTrainer,TokenVoteTrainer}.cs are small complete examples.
using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

/// <summary>The kind of prediction a scoring transformer makes, which fixes its output columns.</summary>
public enum PredictionKind
{
    /// <summary>Score, Probability, PredictedLabel (Boolean).</summary>
    BinaryClassification,
    /// <summary>Score (vector of class scores), PredictedLabel (key).</summary>
    MulticlassClassification,
    /// <summary>Score.</summary>
    Regression,
}

/// <summary>Helpers for scoring estimators: the columns they promise, and the class names of a key label.</summary>
public static class ScoringSchema
{
    /// <summary>
    /// The values of a key label column (its KeyValues annotation) as invariant strings, in key order; null when the
    /// column has no key values. Pass them to <see cref="ScoringTransformerBase{TFeature}"/> as class names.
    /// </summary>
    public static IReadOnlyList<string>? GetClassNames(DataViewSchema.Column labelColumn) =>
        labelColumn.HasKeyValues()
            ? TypeDispatch.Visit(((VectorDataViewType)labelColumn.Annotations.Schema[AnnotationUtils.Kinds.KeyValues].Type).ItemType.RawType, new ClassNameReader(labelColumn))
            : null;

    private sealed class ClassNameReader(DataViewSchema.Column column) : ITypeVisitor<IReadOnlyList<string>>
    {
        public IReadOnlyList<string> Visit<T>()
            where T : notnull
        {
            VBuffer<T> values = default;
            column.GetKeyValues(ref values);
            return values.DenseValues().Select(v => v switch
            {
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => v.ToString() ?? "",
            }).ToArray();
        }
    }

    /// <summary>
    /// <paramref name="inputSchema"/> with the prediction columns of <paramref name="kind"/> appended; checks the feature
    /// column exists. For multiclass, when <paramref name="labelColumnName"/> has KeyValues, PredictedLabel promises
    /// KeyValues and Score slot names (pass the label's class names to the transformer).
    /// </summary>
    public static SchemaShape Append(SchemaShape inputSchema, string featureColumnName, PredictionKind kind, string? labelColumnName = null)
    {
        SchemaShape.Column feature = SchemaShapes.Find(inputSchema, featureColumnName);
        bool named = labelColumnName is not null && SchemaShapes.Find(inputSchema, labelColumnName).Annotations.TryFindColumn(AnnotationUtils.Kinds.KeyValues, out _);
        if (!feature.IsVector)
            Throw.WrongType(feature.Name, feature.ItemType, "a vector");
        SchemaShape.Column single = new("Score", SchemaShape.VectorKind.Scalar, NumberDataViewType.Single, false);
        return SchemaShapes.With(inputSchema, kind switch
        {
            PredictionKind.BinaryClassification =>
            [
                single,
                new SchemaShape.Column("Probability", SchemaShape.VectorKind.Scalar, NumberDataViewType.Single, false),
                new SchemaShape.Column("PredictedLabel", SchemaShape.VectorKind.Scalar, BooleanDataViewType.Instance, false),
            ],
            PredictionKind.MulticlassClassification =>
            [
                new SchemaShape.Column("Score", SchemaShape.VectorKind.Vector, NumberDataViewType.Single, false, named ? SchemaShapes.Annotations(AnnotationUtils.Kinds.SlotNames) : null),
                new SchemaShape.Column("PredictedLabel", SchemaShape.VectorKind.Scalar, NumberDataViewType.UInt32, true, named ? SchemaShapes.Annotations(AnnotationUtils.Kinds.KeyValues) : null),
            ],
            _ => [single],
        });
    }
}

/// <summary>
/// Base of transformers that score a vector feature column into ML.NET's Score / Probability / PredictedLabel columns.
/// Derived classes implement <see cref="Score"/> (one row) and optionally <see cref="ScoreBatch"/> (many rows).
/// </summary>
/// <typeparam name="TFeature">The item type of the feature vector (uint for keys, float for values).</typeparam>
public abstract class ScoringTransformerBase<TFeature> : RowToRowTransformerBase
{
    /// <summary>
    /// Creates a scorer of <paramref name="featureColumnName"/>; <paramref name="classCount"/> is K for multiclass, and
    /// <paramref name="classNames"/> (K names, e.g. from <see cref="ScoringSchema.GetClassNames"/> on the label) become the
    /// KeyValues of PredictedLabel and the slot names of Score, so MapKeyToValue can turn predictions back into labels.
    /// </summary>
    protected ScoringTransformerBase(string featureColumnName, PredictionKind kind, int classCount = 0, IReadOnlyList<string>? classNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(featureColumnName);
        if (kind == PredictionKind.MulticlassClassification)
            ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (classNames is not null && (kind != PredictionKind.MulticlassClassification || classNames.Count != classCount))
            throw new ArgumentException($"classNames needs one name per class ({classCount}) and a multiclass kind.", nameof(classNames));
        FeatureColumnName = featureColumnName;
        Kind = kind;
        ClassCount = kind == PredictionKind.MulticlassClassification ? classCount : 0;
        ClassNames = classNames?.ToArray();
    }

    /// <summary>The class names of a multiclass scorer (key k = ClassNames[k-1]), or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The feature column read.</summary>
    public string FeatureColumnName { get; }

    /// <summary>The prediction kind.</summary>
    public PredictionKind Kind { get; }

    /// <summary>K for multiclass, else 0.</summary>
    public int ClassCount { get; }

    /// <summary>Scores per row: K for multiclass, else 1.</summary>
    protected int ScoreSize => Kind == PredictionKind.MulticlassClassification ? ClassCount : 1;

    /// <summary>Rows scored per <see cref="ScoreBatch"/> call by <c>Transform</c>; 1 (the default) scores row by row.</summary>
    protected virtual int BatchSize => 1;

    /// <summary>The binary decision threshold on Score (default 0).</summary>
    protected virtual float Threshold => 0;

    /// <summary>Throws <see cref="ArgumentException"/> (naming the column) when <paramref name="feature"/> cannot be scored.</summary>
    protected virtual void CheckFeatureColumn(DataViewSchema.Column feature)
    {
        if (feature.Type is not VectorDataViewType v || v.ItemType.RawType != typeof(TFeature))
            Throw.WrongType(feature.Name, feature.Type, $"a vector of {typeof(TFeature).Name}");
    }

    /// <summary>Scores one row: writes <see cref="ScoreSize"/> values into <paramref name="scores"/>.</summary>
    protected abstract void Score(in VBuffer<TFeature> features, Span<float> scores);

    /// <summary>Scores many rows: row i's scores go to <paramref name="scores"/>[i * ScoreSize ..]. The default calls <see cref="Score"/> per row.</summary>
    protected virtual void ScoreBatch(ReadOnlySpan<VBuffer<TFeature>> features, Span<float> scores)
    {
        int size = ScoreSize;
        for (int i = 0; i < features.Length; i++)
            Score(features[i], scores.Slice(i * size, size));
    }

    /// <summary>The probability of a binary Score (default: the logistic sigmoid).</summary>
    protected virtual float ToProbability(float score) => 1f / (1f + MathF.Exp(-score));


    /// <inheritdoc/>
    protected internal sealed override Mapper Bind(DataViewSchema inputSchema) => new ScoringMapper(this, inputSchema);

    private sealed class ScoringMapper : Mapper
    {
        private readonly ScoringTransformerBase<TFeature> _parent;
        private readonly DataViewSchema.Column _feature;
        private readonly DataViewSchema.DetachedColumn[] _added;

        public ScoringMapper(ScoringTransformerBase<TFeature> parent, DataViewSchema inputSchema) : base(inputSchema)
        {
            _parent = parent;
            _feature = Columns.Find(inputSchema, parent.FeatureColumnName);
            parent.CheckFeatureColumn(_feature);
            _added = parent.Kind switch
            {
                PredictionKind.BinaryClassification =>
                [
                    new("Score", NumberDataViewType.Single),
                    new("Probability", NumberDataViewType.Single),
                    new("PredictedLabel", BooleanDataViewType.Instance),
                ],
                PredictionKind.MulticlassClassification =>
                [
                    new("Score", new VectorDataViewType(NumberDataViewType.Single, parent.ClassCount), ClassAnnotations(parent, AnnotationUtils.Kinds.SlotNames)),
                    new("PredictedLabel", new KeyDataViewType(typeof(uint), parent.ClassCount), ClassAnnotations(parent, AnnotationUtils.Kinds.KeyValues)),
                ],
                _ => [new("Score", NumberDataViewType.Single)],
            };
        }

        private static DataViewSchema.Annotations? ClassAnnotations(ScoringTransformerBase<TFeature> parent, string kind)
        {
            if (parent.ClassNames is null)
                return null;
            ReadOnlyMemory<char>[] names = parent.ClassNames.Select(n => n.AsMemory()).ToArray();
            var builder = new DataViewSchema.Annotations.Builder();
            builder.Add(kind, new VectorDataViewType(TextDataViewType.Instance, names.Length),
                (ref VBuffer<ReadOnlyMemory<char>> v) => RowTypeMapping.CopyDense<ReadOnlyMemory<char>>(names, ref v));
            return builder.ToAnnotations();
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> AddedColumns => _added;

        public override IEnumerable<int> GetDependencies(int addedIndex) => [_feature.Index];

        public override Delegate?[] CreateGetters(DataViewRow input, Func<int, bool> isActive)
        {
            if (!Enumerable.Range(0, _added.Length).Any(isActive))
                return new Delegate?[_added.Length];
            ValueGetter<VBuffer<TFeature>> features = input.GetGetter<VBuffer<TFeature>>(_feature);
            VBuffer<TFeature> buffer = default;
            float[] scores = new float[_parent.ScoreSize];
            long scored = -1;
            return MakeGetters(isActive, () =>
            {
                if (scored != input.Position)
                {
                    features(ref buffer);
                    _parent.Score(buffer, scores);
                    scored = input.Position;
                }
                return scores;
            });
        }

        public override Delegate?[] CreateCursorGetters(DataViewRowCursor input, IDataView source, Random? rand, Func<int, bool> isActive, IList<IDisposable> resources)
        {
            int batch = _parent.BatchSize;
            if (batch <= 1 || rand is not null || !Enumerable.Range(0, _added.Length).Any(isActive))
                return CreateGetters(input, isActive);
            // Read ahead on a second cursor of the same source, in the same order, with only the features active.
            DataViewRowCursor ahead = source.GetRowCursor([_feature]);
            resources.Add(ahead);
            ValueGetter<VBuffer<TFeature>> features = ahead.GetGetter<VBuffer<TFeature>>(_feature);
            var buffers = new VBuffer<TFeature>[batch];
            var rows = new ReadAheadRows(ahead, _feature.Name, batch);
            Action<int> readRow = i => features(ref buffers[i]);
            int size = _parent.ScoreSize;
            float[] scores = new float[batch * size];
            float[] row = new float[size];
            long copied = -1;
            return MakeGetters(isActive, () =>
            {
                long position = input.Position;
                if (position != copied)
                {
                    if (rows.Cover(position, readRow))
                        _parent.ScoreBatch(buffers.AsSpan(0, rows.Count), scores.AsSpan(0, rows.Count * size));
                    scores.AsSpan((int)(position - rows.First) * size, size).CopyTo(row);
                    copied = position;
                }
                return row;
            });
        }

        private Delegate?[] MakeGetters(Func<int, bool> isActive, Func<float[]> current)
        {
            var getters = new Delegate?[_added.Length];
            float threshold = _parent.Threshold;
            switch (_parent.Kind)
            {
                case PredictionKind.BinaryClassification:
                    getters[0] = (ValueGetter<float>)((ref float v) => v = current()[0]);
                    getters[1] = (ValueGetter<float>)((ref float v) => v = _parent.ToProbability(current()[0]));
                    getters[2] = (ValueGetter<bool>)((ref bool v) => v = current()[0] > threshold);
                    break;
                case PredictionKind.MulticlassClassification:
                    getters[0] = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) => RowTypeMapping.CopyDense<float>(current(), ref v));
                    getters[1] = (ValueGetter<uint>)((ref uint v) =>
                    {
                        float[] s = current();
                        int best = 0;
                        for (int i = 1; i < s.Length; i++)
                            if (s[i] > s[best])
                                best = i;
                        v = (uint)best + 1;
                    });
                    break;
                default:
                    getters[0] = (ValueGetter<float>)((ref float v) => v = current()[0]);
                    break;
            }
            for (int i = 0; i < getters.Length; i++)
                if (!isActive(i))
                    getters[i] = null;
            return getters;
        }
    }
}
