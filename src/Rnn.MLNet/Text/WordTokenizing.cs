using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;
using Rnn.MLNet.Transforms;

namespace Rnn.MLNet;

/// <summary>
/// Splits text into words at separator characters (<c>ml.Transforms.Text.TokenizeIntoWords</c>); empty tokens are
/// dropped. Needs no training; text in, variable-size vector of text out. Tokens are slices of the input (no copy).
/// </summary>
public sealed class WordTokenizingEstimator : TrivialEstimator<WordTokenizingTransformer>
{
    internal WordTokenizingEstimator(InputOutputColumnPair column, char[]? separators)
        : base(new WordTokenizingTransformer(column, separators ?? [' '])) { }

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        SchemaShapes.MapPairs(inputSchema, Transformer.ColumnPairs, c =>
        {
            TextShapes.RequireScalarText(c);
            return new SchemaShape.Column(c.Name, SchemaShape.VectorKind.VariableVector, TextDataViewType.Instance, false);
        });
}

/// <summary>The word tokenizer.</summary>
public sealed class WordTokenizingTransformer : OneToOneTransformerBase
{
    internal const string TypeId = "Rnn.TokenizeIntoWords";
    private readonly char[] _separators;

    internal WordTokenizingTransformer(InputOutputColumnPair column, char[] separators) : base([column])
    {
        if (separators.Length == 0)
            throw new ArgumentException("At least one separator is needed.", nameof(separators));
        _separators = [.. separators];
    }

    /// <summary>The separator characters.</summary>
    public IReadOnlyList<char> Separators => _separators;

    /// <inheritdoc/>
    protected override DataViewSchema.DetachedColumn GetOutputColumn(int pairIndex, DataViewSchema.Column input)
    {
        TextShapes.RequireScalarText(input);
        return new(input.Name, new VectorDataViewType(TextDataViewType.Instance));
    }

    /// <inheritdoc/>
    protected override Delegate MakeGetter(int pairIndex, DataViewRow input, DataViewSchema.Column inputColumn)
    {
        ValueGetter<ReadOnlyMemory<char>> get = input.GetGetter<ReadOnlyMemory<char>>(inputColumn);
        ReadOnlyMemory<char> text = default;
        var tokens = new List<ReadOnlyMemory<char>>();
        return (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> dst) =>
        {
            get(ref text);
            tokens.Clear();
            ReadOnlySpan<char> span = text.Span;
            int start = 0;
            while (start < span.Length)
            {
                int end = span[start..].IndexOfAny(_separators);
                end = end < 0 ? span.Length : start + end;
                if (end > start)
                    tokens.Add(text[start..end]);
                start = end + 1;
            }
            VBufferEditor<ReadOnlyMemory<char>> editor = VBufferEditor.Create(ref dst, tokens.Count);
            for (int i = 0; i < tokens.Count; i++)
                editor.Values[i] = tokens[i];
            dst = editor.Commit();
        });
    }

    // Format: settings.json { "columns": [ { "output", "input" } ], "separators": "chars" }
    /// <inheritdoc/>
    public override void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetVersionInfo(TypeId, 1);
        ctx.WriteSettings(new Settings(ColumnPairRecord.From(ColumnPairs), new string(_separators)));
    }

    internal static WordTokenizingTransformer Load(ModelLoadContext ctx)
    {
        Settings s = ctx.ReadSettings<Settings>();
        InputOutputColumnPair[] pairs = ColumnPairRecord.ToPairs(s.Columns, ctx);
        ctx.Check(pairs.Length == 1 && !string.IsNullOrEmpty(s.Separators), "expects one column and at least one separator.");
        return new WordTokenizingTransformer(pairs[0], s.Separators!.ToCharArray());
    }

    private sealed record Settings(ColumnPairRecord[] Columns, string? Separators);
}
