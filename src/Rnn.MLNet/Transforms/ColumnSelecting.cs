using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

/// <summary>Drops (or keeps only) named columns (<c>ml.Transforms.DropColumns</c>, <c>SelectColumns</c>). Needs no training.</summary>
public sealed class ColumnSelectingEstimator : TrivialEstimator<ColumnSelectingTransformer>
{
    internal ColumnSelectingEstimator(string[] columnNames, bool keep) : base(new ColumnSelectingTransformer(columnNames, keep)) { }

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (string name in Transformer.ColumnNames)
            SchemaShapes.Find(inputSchema, name);
        return new SchemaShape(inputSchema.Where(c => Transformer.ColumnNames.Contains(c.Name) == Transformer.Keep));
    }
}

/// <summary>The fitted column selection: the visible input columns, without the dropped ones (or only the kept ones).</summary>
public sealed class ColumnSelectingTransformer : ITransformer
{
    internal const string TypeId = "Rnn.SelectColumns";

    internal ColumnSelectingTransformer(string[] columnNames, bool keep)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        if (columnNames.Length == 0 || columnNames.Any(string.IsNullOrEmpty))
            throw new ArgumentException("Name at least one column, and no empty names.", nameof(columnNames));
        ColumnNames = [.. columnNames];
        Keep = keep;
    }

    /// <summary>The columns named.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>True: keep only <see cref="ColumnNames"/>; false: drop them.</summary>
    public bool Keep { get; }

    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Bind(inputSchema);

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new SelectedDataView(input, Bind(input.Schema));
    }

    private SelectionMapper Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (string name in ColumnNames)
            Columns.Find(inputSchema, name);
        int[] kept = inputSchema.Where(c => !c.IsHidden && ColumnNames.Contains(c.Name) == Keep).Select(c => c.Index).ToArray();
        return new SelectionMapper(inputSchema, kept);
    }

    // Format: settings.json { "columns": [names], "keep": bool }
    /// <inheritdoc/>
    public void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetVersionInfo(TypeId, 1);
        ctx.WriteSettings(new Settings([.. ColumnNames], Keep));
    }

    internal static ColumnSelectingTransformer Load(ModelLoadContext ctx)
    {
        Settings s = ctx.ReadSettings<Settings>();
        ctx.Check(s.Columns is { Length: > 0 } && s.Columns.All(c => !string.IsNullOrEmpty(c)), "column names missing.");
        return new ColumnSelectingTransformer(s.Columns!, s.Keep);
    }

    private sealed record Settings(string[]? Columns, bool Keep);

    private sealed class SelectionMapper : IRowToRowMapper
    {
        private readonly int[] _kept;

        public SelectionMapper(DataViewSchema inputSchema, int[] kept)
        {
            InputSchema = inputSchema;
            _kept = kept;
            var builder = new DataViewSchema.Builder();
            builder.AddColumns(kept.Select(i => inputSchema[i]));
            OutputSchema = builder.ToSchema();
        }

        public DataViewSchema InputSchema { get; }

        public DataViewSchema OutputSchema { get; }

        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
            dependingColumns.Select(c => InputSchema[_kept[c.Index]]).ToArray();

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
            new SelectedCursor(input, this, Columns.Active(OutputSchema, activeColumns), ownsInput: false);

        public DataViewSchema.Column InputOf(DataViewSchema.Column output) => InputSchema[_kept[output.Index]];
    }

    private sealed class SelectedDataView(IDataView source, SelectionMapper mapper) : IDataView
    {
        public bool CanShuffle => source.CanShuffle;

        public DataViewSchema Schema => mapper.OutputSchema;

        public long? GetRowCount() => source.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            bool[] active = Columns.Active(Schema, columnsNeeded);
            DataViewRowCursor input = source.GetRowCursor(mapper.GetDependencies(Columns.Selected(Schema, active)), rand);
            return new SelectedCursor(input, mapper, active, ownsInput: true);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            [GetRowCursor(columnsNeeded, rand)];
    }

    private sealed class SelectedCursor(DataViewRow input, SelectionMapper mapper, bool[] active, bool ownsInput) : DataViewRowCursor
    {
        public override long Position => input.Position;

        public override DataViewSchema Schema => mapper.OutputSchema;

        public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; pass it in columnsNeeded.");
            return input.GetGetter<TValue>(mapper.InputOf(column));
        }

        public override bool MoveNext() => input is DataViewRowCursor cursor && cursor.MoveNext();

        protected override void Dispose(bool disposing)
        {
            if (disposing && ownsInput)
                input.Dispose();
            base.Dispose(disposing);
        }
    }
}
