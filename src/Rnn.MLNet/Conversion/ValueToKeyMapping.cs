using Rnn.MLNet.Conversion;
using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;
using Rnn.MLNet.Model;
using Rnn.MLNet.Transforms;

namespace Rnn.MLNet;

/// <summary>
/// Maps values (text, numbers, booleans; scalar or vector) to keys (<c>ml.Transforms.Conversion.MapValueToKey</c>):
/// trains a dictionary of the values seen, key k = k-th value (by occurrence or sorted by value), 0 = missing or unseen.
/// The output is Key&lt;UInt32, Count&gt; with a KeyValues annotation.
/// </summary>
public sealed class ValueToKeyMappingEstimator : IEstimator<ValueToKeyMappingTransformer>
{
    /// <summary>How keys are ordered.</summary>
    public enum KeyOrdinality
    {
        /// <summary>In the order values are first seen.</summary>
        ByOccurrence = 0,
        /// <summary>In the natural (ordinal for text) order of the values.</summary>
        ByValue = 1,
    }

    private readonly InputOutputColumnPair[] _columns;
    private readonly int _maximumNumberOfKeys;
    private readonly KeyOrdinality _ordinality;
    private readonly bool _asText;
    private readonly IDataView? _keyData;

    internal ValueToKeyMappingEstimator(InputOutputColumnPair[] columns, int maximumNumberOfKeys, KeyOrdinality keyOrdinality, bool addKeyValueAnnotationsAsText, IDataView? keyData)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maximumNumberOfKeys);
        if (columns.Length == 0)
            throw new ArgumentException("At least one column is needed.", nameof(columns));
        _columns = columns;
        _maximumNumberOfKeys = maximumNumberOfKeys;
        _ordinality = keyOrdinality;
        _asText = addKeyValueAnnotationsAsText;
        _keyData = keyData;
    }

    /// <inheritdoc/>
    public ValueToKeyMappingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShape.Create(input.Schema));
        var maps = new TermMap[_columns.Length];
        for (int i = 0; i < maps.Length; i++)
        {
            DataViewSchema.Column column = Columns.Find(input.Schema, _columns[i].InputColumnName);
            ValueToKeyMappingTransformer.CheckType(column.Name, column.Type);
            if (_keyData is null)
            {
                maps[i] = TermMap.Train(input, column, _maximumNumberOfKeys, _ordinality);
                continue;
            }
            if (_keyData.Schema.Count != 1)
                throw new InvalidOperationException($"keyData must have exactly one column, it has {_keyData.Schema.Count}.");
            DataViewSchema.Column keyColumn = _keyData.Schema[0];
            if (!Columns.ItemType(keyColumn.Type).Equals(Columns.ItemType(column.Type)))
                Throw.WrongType(keyColumn.Name, keyColumn.Type, $"{Columns.ItemType(column.Type)} like input column '{column.Name}'");
            maps[i] = TermMap.Train(_keyData, keyColumn, _maximumNumberOfKeys, _ordinality);
        }
        return new ValueToKeyMappingTransformer(_columns, maps, _asText);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        SchemaShapes.MapPairs(inputSchema, _columns, c =>
        {
            if (!ValueToKeyMappingTransformer.IsSupported(c.ItemType))
                Throw.WrongType(c.Name, c.ItemType, "text, a number or a boolean (scalar or vector)");
            return new SchemaShape.Column(c.Name, c.Kind, NumberDataViewType.UInt32, true, SchemaShapes.Annotations(AnnotationUtils.Kinds.KeyValues));
        });
}

/// <summary>The fitted value-to-key mapping.</summary>
public sealed class ValueToKeyMappingTransformer : OneToOneTransformerBase
{
    internal const string TypeId = "Rnn.MapValueToKey";
    private readonly TermMap[] _maps;
    private readonly bool _asText;

    internal ValueToKeyMappingTransformer(IReadOnlyList<InputOutputColumnPair> columns, TermMap[] maps, bool addKeyValueAnnotationsAsText) : base(columns)
    {
        _maps = maps;
        _asText = addKeyValueAnnotationsAsText;
    }

    /// <summary>The number of keys of each column pair.</summary>
    public IReadOnlyList<int> KeyCounts => _maps.Select(m => m.Count).ToArray();

    internal static bool IsSupported(DataViewType item) =>
        item is TextDataViewType or BooleanDataViewType || (item is NumberDataViewType);

    internal static void CheckType(string name, DataViewType type)
    {
        if (!IsSupported(Columns.ItemType(type)))
            Throw.WrongType(name, type, "text, a number or a boolean (scalar or vector)");
    }

    /// <inheritdoc/>
    protected override DataViewSchema.DetachedColumn GetOutputColumn(int pairIndex, DataViewSchema.Column input)
    {
        CheckType(input.Name, input.Type);
        TermMap map = _maps[pairIndex];
        if (!Columns.ItemType(input.Type).Equals(map.ItemType))
            Throw.WrongType(input.Name, input.Type, $"{map.ItemType} (the type the key mapping was fitted on)");
        var key = new KeyDataViewType(typeof(uint), map.Count);
        var annotations = new DataViewSchema.Annotations.Builder();
        map.AddKeyValues(annotations, _asText);
        return new(input.Name, input.Type is VectorDataViewType v ? new VectorDataViewType(key, [.. v.Dimensions]) : key, annotations.ToAnnotations());
    }

    /// <inheritdoc/>
    protected override Delegate MakeGetter(int pairIndex, DataViewRow input, DataViewSchema.Column inputColumn) =>
        _maps[pairIndex].MakeGetter(input, inputColumn);

    // Format: settings.json { "columns": [ { "output", "input" } ], "itemTypes": ["String", ...], "keyValuesAsText": bool };
    //         terms{i}.json: the terms of pair i in key order (key k = entry k-1), numbers in invariant round-trip form.
    /// <inheritdoc/>
    public override void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetVersionInfo(TypeId, 1);
        ctx.WriteSettings(new Settings(ColumnPairRecord.From(ColumnPairs), _maps.Select(m => ModelJson.PrimitiveName(m.ItemType)).ToArray(), _asText));
        for (int i = 0; i < _maps.Length; i++)
            ctx.WriteStrings($"terms{i}", _maps[i].ToStrings());
    }

    internal static ValueToKeyMappingTransformer Load(ModelLoadContext ctx)
    {
        Settings s = ctx.ReadSettings<Settings>();
        InputOutputColumnPair[] pairs = ColumnPairRecord.ToPairs(s.Columns, ctx);
        ctx.Check(s.ItemTypes is not null && s.ItemTypes.Length == pairs.Length, "itemTypes must list one type per column.");
        var maps = new TermMap[pairs.Length];
        for (int i = 0; i < maps.Length; i++)
        {
            PrimitiveDataViewType? type = ModelJson.PrimitiveByName(s.ItemTypes![i]);
            ctx.Check(type is not null, $"unknown item type '{s.ItemTypes[i]}'.");
            IReadOnlyList<string> terms = ctx.ReadStrings($"terms{i}");
            ctx.Check(terms.Count > 0, $"terms{i}.json is empty.");
            maps[i] = TermMap.Parse(type!, terms, $"{ctx.TypeId} terms{i}.json");
        }
        return new ValueToKeyMappingTransformer(pairs, maps, s.KeyValuesAsText);
    }

    private sealed record Settings(ColumnPairRecord[] Columns, string[]? ItemTypes, bool KeyValuesAsText);
}
