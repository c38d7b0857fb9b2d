using Rnn.MLNet.Internals;
using Rnn.MLNet.Transforms;

namespace Rnn.MLNet;

/// <summary>Copies columns (<c>ml.Transforms.CopyColumns</c>). Needs no training; any type; annotations are copied.</summary>
public sealed class ColumnCopyingEstimator : TrivialEstimator<ColumnCopyingTransformer>
{
    internal ColumnCopyingEstimator(params InputOutputColumnPair[] columns) : base(new ColumnCopyingTransformer(columns)) { }

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        SchemaShapes.MapPairs(inputSchema, Transformer.ColumnPairs, c => c);
}

/// <summary>The fitted copy transform.</summary>
public sealed class ColumnCopyingTransformer : OneToOneTransformerBase
{
    internal const string TypeId = "Rnn.CopyColumns";

    internal ColumnCopyingTransformer(IReadOnlyList<InputOutputColumnPair> columns) : base(columns) { }

    /// <inheritdoc/>
    protected override DataViewSchema.DetachedColumn GetOutputColumn(int pairIndex, DataViewSchema.Column input) => new(input);

    /// <inheritdoc/>
    protected override Delegate MakeGetter(int pairIndex, DataViewRow input, DataViewSchema.Column inputColumn) =>
        TypeDispatch.GetGetter(input, inputColumn);

    // Format: settings.json { "columns": [ { "output", "input" } ] }
    /// <inheritdoc/>
    public override void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetVersionInfo(TypeId, 1);
        ctx.WriteSettings(new Settings(ColumnPairRecord.From(ColumnPairs)));
    }

    internal static ColumnCopyingTransformer Load(ModelLoadContext ctx) =>
        new(ColumnPairRecord.ToPairs(ctx.ReadSettings<Settings>().Columns, ctx));

    private sealed record Settings(ColumnPairRecord[] Columns);
}
