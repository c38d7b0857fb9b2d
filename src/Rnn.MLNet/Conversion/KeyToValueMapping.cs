using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;
using Rnn.MLNet.Transforms;

namespace Rnn.MLNet;

/// <summary>
/// Maps keys back to their values using the input's KeyValues annotation (<c>ml.Transforms.Conversion.MapKeyToValue</c>).
/// Needs no training. Key 0 (missing) and keys past the annotation give the default value (empty text, 0, NaN for floats).
/// </summary>
public sealed class KeyToValueMappingEstimator : TrivialEstimator<KeyToValueMappingTransformer>
{
    internal KeyToValueMappingEstimator(params InputOutputColumnPair[] columns) : base(new KeyToValueMappingTransformer(columns)) { }

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        SchemaShapes.MapPairs(inputSchema, Transformer.ColumnPairs, c =>
        {
            if (!c.IsKey || !c.Annotations.TryFindColumn(AnnotationUtils.Kinds.KeyValues, out SchemaShape.Column values))
                throw Throw.WrongTypeError(c.Name, c.ItemType, "a key with KeyValues annotations");
            return new SchemaShape.Column(c.Name, c.Kind, values.ItemType, false);
        });
}

/// <summary>The fitted key-to-value mapping.</summary>
public sealed class KeyToValueMappingTransformer : OneToOneTransformerBase
{
    internal const string TypeId = "Rnn.MapKeyToValue";

    internal KeyToValueMappingTransformer(IReadOnlyList<InputOutputColumnPair> columns) : base(columns) { }

    private static VectorDataViewType KeyValuesType(DataViewSchema.Column input)
    {
        if (Columns.ItemType(input.Type) is not KeyDataViewType || !input.HasKeyValues())
            Throw.WrongType(input.Name, input.Type, "a key with KeyValues annotations");
        return (VectorDataViewType)input.Annotations.Schema[AnnotationUtils.Kinds.KeyValues].Type;
    }

    /// <inheritdoc/>
    protected override DataViewSchema.DetachedColumn GetOutputColumn(int pairIndex, DataViewSchema.Column input)
    {
        PrimitiveDataViewType item = KeyValuesType(input).ItemType;
        return new(input.Name, input.Type is VectorDataViewType v ? new VectorDataViewType(item, [.. v.Dimensions]) : item);
    }

    /// <inheritdoc/>
    protected override Delegate MakeGetter(int pairIndex, DataViewRow input, DataViewSchema.Column inputColumn) =>
        TypeDispatch.Visit(KeyValuesType(inputColumn).ItemType.RawType, new Maker(input, inputColumn));

    private sealed class Maker(DataViewRow input, DataViewSchema.Column column) : ITypeVisitor<Delegate>
    {
        public Delegate Visit<T>()
            where T : notnull
        {
            VBuffer<T> keyValues = default;
            column.GetKeyValues(ref keyValues);
            T[] values = keyValues.DenseValues().ToArray();
            T missing = typeof(T) == typeof(float) ? (T)(object)float.NaN : typeof(T) == typeof(double) ? (T)(object)double.NaN : default!;
            Func<ulong>? scalarKey = null;
            KeyReader reader = KeyReader.Create(input, column);
            if (column.Type is not VectorDataViewType)
            {
                scalarKey = reader.Scalar;
                return (ValueGetter<T>)((ref T v) =>
                {
                    ulong k = scalarKey();
                    v = k >= 1 && k <= (ulong)values.Length ? values[k - 1] : missing;
                });
            }
            var keys = new List<ulong>();
            return (ValueGetter<VBuffer<T>>)((ref VBuffer<T> v) =>
            {
                reader.Vector(keys);
                VBufferEditor<T> editor = VBufferEditor.Create(ref v, keys.Count);
                for (int i = 0; i < keys.Count; i++)
                    editor.Values[i] = keys[i] >= 1 && keys[i] <= (ulong)values.Length ? values[keys[i] - 1] : missing;
                v = editor.Commit();
            });
        }
    }

    // Format: settings.json { "columns": [ { "output", "input" } ] } (the values come from the input's KeyValues annotation)
    /// <inheritdoc/>
    public override void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetVersionInfo(TypeId, 1);
        ctx.WriteSettings(new Settings(ColumnPairRecord.From(ColumnPairs)));
    }

    internal static KeyToValueMappingTransformer Load(ModelLoadContext ctx) =>
        new(ColumnPairRecord.ToPairs(ctx.ReadSettings<Settings>().Columns, ctx));

    private sealed record Settings(ColumnPairRecord[] Columns);
}

/// <summary>Reads keys of any raw type (byte, ushort, uint, ulong) as ulong, scalar or vector.</summary>
internal sealed class KeyReader
{
    private KeyReader(Func<ulong> scalar, Action<List<ulong>> vector)
    {
        Scalar = scalar;
        Vector = vector;
    }

    public Func<ulong> Scalar { get; }

    public Action<List<ulong>> Vector { get; }

    public static KeyReader Create(DataViewRow input, DataViewSchema.Column column) =>
        TypeDispatch.Visit(Columns.ItemType(column.Type).RawType, new Factory(input, column));

    private sealed class Factory(DataViewRow input, DataViewSchema.Column column) : ITypeVisitor<KeyReader>
    {
        public KeyReader Visit<T>()
            where T : notnull
        {
            if (column.Type is VectorDataViewType)
            {
                ValueGetter<VBuffer<T>> get = input.GetGetter<VBuffer<T>>(column);
                VBuffer<T> buffer = default;
                return new KeyReader(() => throw new InvalidOperationException("Vector column."), keys =>
                {
                    get(ref buffer);
                    keys.Clear();
                    for (int i = 0; i < buffer.Length; i++)
                        keys.Add(ToUInt64(buffer.GetItemOrDefault(i)));
                });
            }
            ValueGetter<T> getScalar = input.GetGetter<T>(column);
            T value = default!;
            return new KeyReader(() =>
            {
                getScalar(ref value);
                return ToUInt64(value);
            }, _ => throw new InvalidOperationException("Scalar column."));
        }

        private static ulong ToUInt64<TKey>(TKey value) => value switch
        {
            uint u => u,
            ushort s => s,
            byte b => b,
            ulong l => l,
            _ => 0,
        };
    }
}
