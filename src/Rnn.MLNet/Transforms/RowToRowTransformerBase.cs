// How a transformer is built (read this before adding one, e.g. a recurrent scorer):
//
//   RowToRowTransformerBase         every output row comes from one input row. Derive, implement
//     Bind(inputSchema) -> Mapper   Bind (validate the input columns, say which columns you add and which
//                                   inputs they read, make getters) and Save. Transform, GetOutputSchema,
//                                   GetRowToRowMapper and PredictionEngine support come for free, lazily:
//                                   a value is computed only when a cursor asks for it.
//   OneToOneTransformerBase         one output column per (output, input) pair: implement GetOutputColumn and
//                                   MakeGetter per pair (CopyColumns, text, key mapping, normalizers).
//   ScoringTransformerBase<T>       a model scoring a feature column into Score / Probability / PredictedLabel
//                                   (Transforms/ScoringTransformerBase.cs): implement Score for one row,
//                                   optionally ScoreBatch for a many-rows fast path.
//   Mapper.CreateCursorGetters      hook for getters that read ahead on a second cursor of the source (batching).
//
// Saving: Save calls ctx.SetVersionInfo(typeId, version) then WriteSettings / WriteTensors / WriteStrings; the
// loader is one line in Model/BuiltInLoaders.cs (Rnn.MLNet) or ModelRegistry.Register from a [ModuleInitializer].
//
// Added columns are appended after the input columns; an added column with an input's name hides it
// (ML.NET's rule), so `Tokens -> Tokens` replaces the column for every later step.
using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

/// <summary>
/// Base of transformers whose every output row is computed from one input row. Derived classes bind to an
/// input schema (<see cref="Bind"/>), returning a <see cref="Mapper"/> that lists the added columns and
/// makes their getters; this class supplies lazy <see cref="Transform"/>, schema propagation and row mapping.
/// </summary>
public abstract class RowToRowTransformerBase : ITransformer
{
    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => BindChecked(inputSchema).OutputSchema;

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => BindChecked(inputSchema);

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new RowToRowMappedDataView(input, BindChecked(input.Schema));
    }

    /// <inheritdoc/>
    public abstract void Save(ModelSaveContext ctx);

    /// <summary>
    /// Validates <paramref name="inputSchema"/> (throw <see cref="ArgumentException"/> naming the column when a
    /// column is missing or has the wrong type) and returns the mapper bound to it.
    /// </summary>
    protected internal abstract Mapper Bind(DataViewSchema inputSchema);

    private BoundRowMapper BindChecked(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new BoundRowMapper(inputSchema, Bind(inputSchema));
    }

    /// <summary>A transformer bound to one input schema: the columns it adds and how to compute them.</summary>
    protected internal abstract class Mapper
    {
        /// <summary>Binds to <paramref name="inputSchema"/>.</summary>
        protected Mapper(DataViewSchema inputSchema)
        {
            ArgumentNullException.ThrowIfNull(inputSchema);
            InputSchema = inputSchema;
        }

        /// <summary>The input schema.</summary>
        public DataViewSchema InputSchema { get; }

        /// <summary>The columns appended to the input columns.</summary>
        public abstract IReadOnlyList<DataViewSchema.DetachedColumn> AddedColumns { get; }

        /// <summary>The input column indices added column <paramref name="addedIndex"/> reads.</summary>
        public abstract IEnumerable<int> GetDependencies(int addedIndex);

        /// <summary>
        /// Getters (<see cref="ValueGetter{TValue}"/> of each added column's raw type) for the added columns
        /// with <paramref name="isActive"/> true, reading from <paramref name="input"/>; null for the others.
        /// Called once per cursor: allocate buffers here, not in the getters.
        /// </summary>
        public abstract Delegate?[] CreateGetters(DataViewRow input, Func<int, bool> isActive);

        /// <summary>
        /// Getters for a cursor over a whole view (<see cref="Transform"/>): <paramref name="input"/> is a cursor of
        /// <paramref name="source"/> opened with <paramref name="rand"/>. Override to read ahead on a second cursor of
        /// <paramref name="source"/> (e.g. to score rows in batches); put what must be disposed with the cursor in
        /// <paramref name="resources"/>. The default calls <see cref="CreateGetters"/>.
        /// </summary>
        public virtual Delegate?[] CreateCursorGetters(DataViewRowCursor input, IDataView source, Random? rand, Func<int, bool> isActive, IList<IDisposable> resources) =>
            CreateGetters(input, isActive);
    }
}

/// <summary>A <see cref="RowToRowTransformerBase.Mapper"/> seen as an <see cref="IRowToRowMapper"/>: input columns, then the added ones.</summary>
internal sealed class BoundRowMapper : IRowToRowMapper
{
    internal BoundRowMapper(DataViewSchema inputSchema, RowToRowTransformerBase.Mapper mapper)
    {
        InputSchema = inputSchema;
        Core = mapper;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumns(mapper.AddedColumns);
        OutputSchema = builder.ToSchema();
    }

    public RowToRowTransformerBase.Mapper Core { get; }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        Columns.Selected(InputSchema, InputActive(Columns.Active(OutputSchema, dependingColumns)));

    /// <summary>Which input columns the active output columns read.</summary>
    public bool[] InputActive(bool[] outputActive)
    {
        int n = InputSchema.Count;
        var inputActive = new bool[n];
        for (int i = 0; i < outputActive.Length; i++)
        {
            if (!outputActive[i])
                continue;
            if (i < n)
                inputActive[i] = true;
            else
                foreach (int d in Core.GetDependencies(i - n))
                    inputActive[d] = true;
        }
        return inputActive;
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        bool[] active = Columns.Active(OutputSchema, activeColumns);
        return new MappedCursor(input, this, active, CreateGetters(input, active), []);
    }

    /// <summary>Getters of the active added columns, indexed like the output schema (input slots left null).</summary>
    public Delegate?[] CreateGetters(DataViewRow input, bool[] outputActive) => Place(Core.CreateGetters(input, i => outputActive[InputSchema.Count + i]));

    /// <summary>As <see cref="CreateGetters"/> for a cursor over <paramref name="source"/>.</summary>
    public Delegate?[] CreateCursorGetters(DataViewRowCursor input, IDataView source, Random? rand, bool[] outputActive, IList<IDisposable> resources) =>
        Place(Core.CreateCursorGetters(input, source, rand, i => outputActive[InputSchema.Count + i], resources));

    private Delegate?[] Place(Delegate?[] added)
    {
        int n = InputSchema.Count;
        var getters = new Delegate?[OutputSchema.Count];
        Array.Copy(added, 0, getters, n, added.Length);
        return getters;
    }

    /// <summary>The getter of output <paramref name="column"/>: the input's for passed-through columns.</summary>
    public ValueGetter<TValue> GetGetter<TValue>(DataViewRow input, Delegate?[] getters, bool[] active, DataViewSchema.Column column)
    {
        if (column.Index >= 0 && column.Index < InputSchema.Count)
        {
            if (!active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; pass it in columnsNeeded.");
            return input.GetGetter<TValue>(InputSchema[column.Index]);
        }
        return RowGetters.Get<TValue>(OutputSchema, getters, column);
    }
}

/// <summary>The lazy output of a row-to-row transformer over a source view.</summary>
internal sealed class RowToRowMappedDataView(IDataView source, BoundRowMapper mapper) : IDataView
{
    public bool CanShuffle => source.CanShuffle;

    public DataViewSchema Schema => mapper.OutputSchema;

    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        bool[] active = Columns.Active(Schema, columnsNeeded);
        DataViewRowCursor input = source.GetRowCursor(Columns.Selected(source.Schema, mapper.InputActive(active)), rand);
        var resources = new List<IDisposable> { input };
        Delegate?[] getters = mapper.CreateCursorGetters(input, source, rand, active, resources);
        return new MappedCursor(input, mapper, active, getters, resources);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}

/// <summary>Output row over an input row (or cursor): passed-through columns read the input, added ones the mapper's getters.</summary>
internal sealed class MappedCursor : DataViewRowCursor
{
    private readonly DataViewRow _input;
    private readonly BoundRowMapper _mapper;
    private readonly bool[] _active;
    private readonly Delegate?[] _getters;
    private readonly IList<IDisposable> _resources;

    public MappedCursor(DataViewRow input, BoundRowMapper mapper, bool[] active, Delegate?[] getters, IList<IDisposable> resources)
    {
        _input = input;
        _mapper = mapper;
        _active = active;
        _getters = getters;
        _resources = resources;
    }

    public override long Position => _input.Position;

    public override DataViewSchema Schema => _mapper.OutputSchema;

    public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
        _mapper.GetGetter<TValue>(_input, _getters, _active, column);

    public override bool MoveNext() => _input is DataViewRowCursor cursor && cursor.MoveNext();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (IDisposable r in _resources)
                r.Dispose();
        base.Dispose(disposing);
    }
}
