// y = (x - offset) * scale, per slot, fitted in one pass over at most maximumExampleCount rows (NaN skipped):
//   MinMax,   fixZero:  offset = 0,    scale = 1 / max(|min|, |max|)       (maps into [-1, 1], 0 stays 0)
//   MinMax,  !fixZero:  offset = min,  scale = 1 / (max - min)             (maps into [0, 1])
//   MeanVar,  fixZero:  offset = 0,    scale = 1 / sqrt(var + mean^2)      (ML.NET's zero-preserving variant)
//   MeanVar, !fixZero:  offset = mean, scale = 1 / sqrt(var)               (var with n - 1)
//   a zero denominator gives scale 1.
using Rnn.Core;
using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;
using Rnn.MLNet.Transforms;

namespace Rnn.MLNet;

/// <summary>
/// Normalizes Single columns (scalar or known-size vector) per slot (<c>ml.Transforms.NormalizeMinMax</c>,
/// <c>NormalizeMeanVariance</c>). Trains: one pass over the data.
/// </summary>
public sealed class NormalizingEstimator : IEstimator<NormalizingTransformer>
{
    internal NormalizingEstimator(NormalizerMode mode, InputOutputColumnPair column, long maximumExampleCount, bool fixZero, bool useCdf)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maximumExampleCount);
        if (useCdf)
            throw new NotSupportedException("useCdf: CDF normalization is not supported.");
        Mode = mode;
        Column = column;
        MaximumExampleCount = maximumExampleCount;
        FixZero = fixZero;
    }

    internal NormalizerMode Mode { get; }

    internal InputOutputColumnPair Column { get; }

    internal long MaximumExampleCount { get; }

    internal bool FixZero { get; }

    /// <inheritdoc/>
    public NormalizingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        DataViewSchema.Column column = Columns.Find(input.Schema, Column.InputColumnName);
        int size = NormalizingTransformer.CheckType(column.Name, column.Type);
        var stats = new SlotStats(size);
        using (DataViewRowCursor cursor = input.GetRowCursor([column]))
        {
            ValueGetter<VBuffer<float>>? vector = column.Type is VectorDataViewType ? cursor.GetGetter<VBuffer<float>>(column) : null;
            ValueGetter<float>? scalar = vector is null ? cursor.GetGetter<float>(column) : null;
            VBuffer<float> buffer = default;
            float one = 0;
            var dense = new float[size];
            while (stats.Rows < MaximumExampleCount && cursor.MoveNext())
            {
                if (vector is not null)
                {
                    vector(ref buffer);
                    buffer.CopyTo(dense);
                }
                else
                {
                    scalar!(ref one);
                    dense[0] = one;
                }
                stats.Add(dense);
            }
        }
        if (stats.Rows == 0)
            throw new InvalidOperationException($"Cannot fit a normalizer for '{Column.InputColumnName}': the data view has no rows.");
        (float[] scale, float[] offset) = stats.ScaleAndOffset(Mode, FixZero);
        return new NormalizingTransformer(Column, scale, offset);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        SchemaShapes.MapPairs(inputSchema, [Column], c =>
        {
            if (!c.ItemType.Equals(NumberDataViewType.Single) || c.Kind == SchemaShape.VectorKind.VariableVector)
                Throw.WrongType(c.Name, c.ItemType, "Single or a known-size vector of Single");
            return new SchemaShape.Column(c.Name, c.Kind, c.ItemType, false, SchemaShapes.Annotations(AnnotationUtils.Kinds.IsNormalized));
        });

    private sealed class SlotStats(int size)
    {
        private readonly double[] _min = Enumerable.Repeat(double.PositiveInfinity, size).ToArray();
        private readonly double[] _max = Enumerable.Repeat(double.NegativeInfinity, size).ToArray();
        private readonly double[] _mean = new double[size];
        private readonly double[] _m2 = new double[size];
        private readonly long[] _count = new long[size];

        public long Rows { get; private set; }

        public void Add(ReadOnlySpan<float> x)
        {
            Rows++;
            for (int i = 0; i < x.Length; i++)
            {
                double v = x[i];
                if (double.IsNaN(v))
                    continue;
                _min[i] = Math.Min(_min[i], v);
                _max[i] = Math.Max(_max[i], v);
                long n = ++_count[i];
                double delta = v - _mean[i];
                _mean[i] += delta / n;
                _m2[i] += delta * (v - _mean[i]);
            }
        }

        public (float[] Scale, float[] Offset) ScaleAndOffset(NormalizerMode mode, bool fixZero)
        {
            var scale = new float[size];
            var offset = new float[size];
            for (int i = 0; i < size; i++)
            {
                if (_count[i] == 0)
                {
                    scale[i] = 1;
                    continue;
                }
                double variance = _count[i] > 1 ? _m2[i] / (_count[i] - 1) : 0;
                (double denominator, double shift) = (mode, fixZero) switch
                {
                    (NormalizerMode.MinMax, true) => (Math.Max(Math.Abs(_min[i]), Math.Abs(_max[i])), 0.0),
                    (NormalizerMode.MinMax, false) => (_max[i] - _min[i], _min[i]),
                    (_, true) => (Math.Sqrt(variance + _mean[i] * _mean[i]), 0.0),
                    _ => (Math.Sqrt(variance), _mean[i]),
                };
                scale[i] = denominator > 0 ? (float)(1 / denominator) : 1;
                offset[i] = (float)shift;
            }
            return (scale, offset);
        }
    }
}

internal enum NormalizerMode
{
    MinMax,
    MeanVariance,
}

/// <summary>The fitted normalizer: y = (x - offset) * scale per slot.</summary>
public sealed class NormalizingTransformer : OneToOneTransformerBase
{
    internal const string TypeId = "Rnn.Normalize";
    private readonly float[] _scale;
    private readonly float[] _offset;

    internal NormalizingTransformer(InputOutputColumnPair column, float[] scale, float[] offset) : base([column])
    {
        _scale = scale;
        _offset = offset;
    }

    /// <summary>The per-slot scales.</summary>
    public IReadOnlyList<float> Scale => _scale;

    /// <summary>The per-slot offsets.</summary>
    public IReadOnlyList<float> Offset => _offset;

    internal static int CheckType(string name, DataViewType type)
    {
        if (type.Equals(NumberDataViewType.Single))
            return 1;
        if (type is VectorDataViewType { IsKnownSize: true } v && v.ItemType.Equals(NumberDataViewType.Single))
            return v.Size;
        Throw.WrongType(name, type, "Single or a known-size vector of Single");
        return 0;
    }

    /// <inheritdoc/>
    protected override DataViewSchema.DetachedColumn GetOutputColumn(int pairIndex, DataViewSchema.Column input)
    {
        int size = CheckType(input.Name, input.Type);
        if (size != _scale.Length)
            Throw.WrongType(input.Name, input.Type, $"a vector of {_scale.Length} Single (the size the normalizer was fitted on)");
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.Add(AnnotationUtils.Kinds.IsNormalized, BooleanDataViewType.Instance, (ref bool v) => v = true);
        return new DataViewSchema.DetachedColumn(input.Name, input.Type, annotations.ToAnnotations());
    }

    /// <inheritdoc/>
    protected override Delegate MakeGetter(int pairIndex, DataViewRow input, DataViewSchema.Column inputColumn)
    {
        if (inputColumn.Type is not VectorDataViewType)
        {
            ValueGetter<float> get = input.GetGetter<float>(inputColumn);
            float scale = _scale[0], offset = _offset[0];
            return (ValueGetter<float>)((ref float v) =>
            {
                get(ref v);
                v = (v - offset) * scale;
            });
        }
        ValueGetter<VBuffer<float>> getVector = input.GetGetter<VBuffer<float>>(inputColumn);
        VBuffer<float> src = default;
        return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
        {
            getVector(ref src);
            VBufferEditor<float> editor = VBufferEditor.Create(ref dst, src.Length);
            src.CopyTo(editor.Values);
            for (int i = 0; i < editor.Values.Length; i++)
                editor.Values[i] = (editor.Values[i] - _offset[i]) * _scale[i];
            dst = editor.Commit();
        });
    }

    // Format: settings.json { "columns": [ { "output", "input" } ] }; affine.safetensors { "scale": [n], "offset": [n] }
    /// <inheritdoc/>
    public override void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetVersionInfo(TypeId, 1);
        ctx.WriteSettings(new Settings(ColumnPairRecord.From(ColumnPairs)));
        ctx.WriteTensors("affine", new Dictionary<string, Tensor>
        {
            ["scale"] = Tensor.From(_scale, _scale.Length),
            ["offset"] = Tensor.From(_offset, _offset.Length),
        });
    }

    internal static NormalizingTransformer Load(ModelLoadContext ctx)
    {
        InputOutputColumnPair[] pairs = ColumnPairRecord.ToPairs(ctx.ReadSettings<Settings>().Columns, ctx);
        IReadOnlyDictionary<string, Tensor> t = ctx.ReadTensors("affine");
        ctx.Check(t.TryGetValue("scale", out Tensor? scale) && t.TryGetValue("offset", out Tensor? offset)
            && scale.Rank == 1 && offset!.Rank == 1 && scale.Length == offset.Length && scale.Length > 0 && pairs.Length == 1,
            "affine.safetensors needs 1-D 'scale' and 'offset' of one length, for one column.");
        return new NormalizingTransformer(pairs[0], t["scale"].Span.ToArray(), t["offset"].Span.ToArray());
    }

    private sealed record Settings(ColumnPairRecord[] Columns);
}
