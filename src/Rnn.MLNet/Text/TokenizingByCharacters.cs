using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;
using Rnn.MLNet.Transforms;

namespace Rnn.MLNet;

/// <summary>
/// Splits text into characters as keys (<c>ml.Transforms.Text.TokenizeIntoCharactersAsKeys</c>): key = char code + 1
/// (Key&lt;UInt16, 65535&gt;; 0 is missing), with start (U+0002) and end (U+0003) markers when
/// <c>useMarkerCharacters</c>. KeyValues hold each character as text. Needs no training.
/// </summary>
public sealed class TokenizingByCharactersEstimator : TrivialEstimator<TokenizingByCharactersTransformer>
{
    internal TokenizingByCharactersEstimator(InputOutputColumnPair column, bool useMarkerCharacters)
        : base(new TokenizingByCharactersTransformer(column, useMarkerCharacters)) { }

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        SchemaShapes.MapPairs(inputSchema, Transformer.ColumnPairs, c =>
        {
            TextShapes.RequireScalarText(c);
            return new SchemaShape.Column(c.Name, SchemaShape.VectorKind.VariableVector, NumberDataViewType.UInt16, true, SchemaShapes.Annotations(AnnotationUtils.Kinds.KeyValues));
        });
}

/// <summary>The character tokenizer.</summary>
public sealed class TokenizingByCharactersTransformer : OneToOneTransformerBase
{
    internal const string TypeId = "Rnn.TokenizeIntoCharactersAsKeys";
    internal const char StartMarker = '\u0002';
    internal const char EndMarker = '\u0003';
    internal static readonly KeyDataViewType KeyType = new(typeof(ushort), ushort.MaxValue);
    private static readonly Lazy<ReadOnlyMemory<char>[]> CharValues = new(() =>
        Enumerable.Range(0, ushort.MaxValue).Select(c => ((char)c).ToString().AsMemory()).ToArray());

    internal TokenizingByCharactersTransformer(InputOutputColumnPair column, bool useMarkerCharacters) : base([column]) =>
        UseMarkerCharacters = useMarkerCharacters;

    /// <summary>Whether start and end markers surround each text.</summary>
    public bool UseMarkerCharacters { get; }

    /// <inheritdoc/>
    protected override DataViewSchema.DetachedColumn GetOutputColumn(int pairIndex, DataViewSchema.Column input)
    {
        TextShapes.RequireScalarText(input);
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.AddKeyValues(ushort.MaxValue, TextDataViewType.Instance, (ref VBuffer<ReadOnlyMemory<char>> v) => RowTypeMapping.CopyDense<ReadOnlyMemory<char>>(CharValues.Value, ref v));
        return new(input.Name, new VectorDataViewType(KeyType), annotations.ToAnnotations());
    }

    /// <inheritdoc/>
    protected override Delegate MakeGetter(int pairIndex, DataViewRow input, DataViewSchema.Column inputColumn)
    {
        ValueGetter<ReadOnlyMemory<char>> get = input.GetGetter<ReadOnlyMemory<char>>(inputColumn);
        ReadOnlyMemory<char> text = default;
        int markers = UseMarkerCharacters ? 2 : 0;
        return (ValueGetter<VBuffer<ushort>>)((ref VBuffer<ushort> dst) =>
        {
            get(ref text);
            ReadOnlySpan<char> span = text.Span;
            VBufferEditor<ushort> editor = VBufferEditor.Create(ref dst, span.Length + markers);
            int at = 0;
            if (markers > 0)
                editor.Values[at++] = StartMarker + 1;
            foreach (char c in span)
                editor.Values[at++] = c == char.MaxValue ? (ushort)0 : (ushort)(c + 1);
            if (markers > 0)
                editor.Values[at] = EndMarker + 1;
            dst = editor.Commit();
        });
    }

    // Format: settings.json { "columns": [ { "output", "input" } ], "useMarkerCharacters": bool }
    /// <inheritdoc/>
    public override void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetVersionInfo(TypeId, 1);
        ctx.WriteSettings(new Settings(ColumnPairRecord.From(ColumnPairs), UseMarkerCharacters));
    }

    internal static TokenizingByCharactersTransformer Load(ModelLoadContext ctx)
    {
        Settings s = ctx.ReadSettings<Settings>();
        InputOutputColumnPair[] pairs = ColumnPairRecord.ToPairs(s.Columns, ctx);
        ctx.Check(pairs.Length == 1, "expects one column.");
        return new TokenizingByCharactersTransformer(pairs[0], s.UseMarkerCharacters);
    }

    private sealed record Settings(ColumnPairRecord[] Columns, bool UseMarkerCharacters);
}
