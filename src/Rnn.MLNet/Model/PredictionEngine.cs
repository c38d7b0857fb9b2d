using System.Collections.Concurrent;
using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

/// <summary>
/// Predicts one object at a time with a fitted model (<c>ml.Model.CreatePredictionEngine</c>).
/// <b>Not thread-safe</b>: it reuses one input row, its getters and buffers across calls, so a call allocates
/// nothing beyond the output object (and the output's arrays/strings). Use one engine per thread, or
/// <see cref="ThreadSafePredictionEngine{TSrc, TDst}"/> to share one object between threads.
/// </summary>
/// <typeparam name="TSrc">The input class: members map to the model's input columns by name or [ColumnName].</typeparam>
/// <typeparam name="TDst">The output class: writable members are filled from output columns of the same name.</typeparam>
public sealed class PredictionEngine<TSrc, TDst> : IDisposable
    where TSrc : class
    where TDst : class, new()
{
    private readonly ObjectRow<TSrc> _source;
    private readonly DataViewRow _output;
    private readonly Action<TDst>[] _setters;

    internal PredictionEngine(ITransformer transformer, bool ignoreMissingColumns, DataViewSchema? inputSchema = null)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        _source = new ObjectRow<TSrc>(inputSchema);
        IRowToRowMapper mapper = transformer.GetRowToRowMapper(_source.Schema);
        DataViewSchema.Column[] needed = RowObjects.Needed<TDst>(mapper.OutputSchema, ignoreMissingColumns).ToArray();
        _output = mapper.GetRow(_source, needed);
        _setters = RowObjects.MakeSetters<TDst>(_output, null, ignoreMissingColumns);
        OutputSchema = mapper.OutputSchema;
    }

    /// <summary>The schema of the model's output for a <typeparamref name="TSrc"/> input.</summary>
    public DataViewSchema OutputSchema { get; }

    /// <summary>Predicts for <paramref name="example"/> into a new <typeparamref name="TDst"/>.</summary>
    public TDst Predict(TSrc example)
    {
        var prediction = new TDst();
        Predict(example, ref prediction);
        return prediction;
    }

    /// <summary>Predicts for <paramref name="example"/> into <paramref name="prediction"/> (reused: no allocation for scalar outputs).</summary>
    public void Predict(TSrc example, ref TDst prediction)
    {
        ArgumentNullException.ThrowIfNull(example);
        prediction ??= new TDst();
        _source.MoveTo(example);
        foreach (Action<TDst> set in _setters)
            set(prediction);
    }

    /// <summary>Releases the engine's row.</summary>
    public void Dispose() => _output.Dispose();
}

/// <summary>
/// A prediction engine that may be called from many threads at once (<c>ml.Model.CreateThreadSafePredictionEngine</c>).
/// <b>Thread-safe</b>: each call borrows a <see cref="PredictionEngine{TSrc, TDst}"/> from a pool (creating one when all
/// are busy) and returns it; the model itself is immutable and shared.
/// </summary>
/// <typeparam name="TSrc">The input class.</typeparam>
/// <typeparam name="TDst">The output class.</typeparam>
public sealed class ThreadSafePredictionEngine<TSrc, TDst> : IDisposable
    where TSrc : class
    where TDst : class, new()
{
    private readonly ITransformer _model;
    private readonly bool _ignoreMissingColumns;
    private readonly ConcurrentBag<PredictionEngine<TSrc, TDst>> _pool = [];

    private readonly DataViewSchema? _inputSchema;

    internal ThreadSafePredictionEngine(ITransformer model, bool ignoreMissingColumns, DataViewSchema? inputSchema)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _ignoreMissingColumns = ignoreMissingColumns;
        _inputSchema = inputSchema;
        _pool.Add(new PredictionEngine<TSrc, TDst>(model, ignoreMissingColumns, inputSchema)); // fail early on a schema mismatch
    }

    /// <summary>Predicts for <paramref name="example"/>; safe to call concurrently.</summary>
    public TDst Predict(TSrc example)
    {
        if (!_pool.TryTake(out PredictionEngine<TSrc, TDst>? engine))
            engine = new PredictionEngine<TSrc, TDst>(_model, _ignoreMissingColumns, _inputSchema);
        try
        {
            return engine.Predict(example);
        }
        finally
        {
            _pool.Add(engine);
        }
    }

    /// <summary>Releases the pooled engines.</summary>
    public void Dispose()
    {
        while (_pool.TryTake(out PredictionEngine<TSrc, TDst>? engine))
            engine.Dispose();
    }
}

/// <summary>
/// A one-row source whose values come from a settable object; moving to a new object advances <see cref="Position"/>.
/// With a <c>schemaHint</c> (the model's saved input schema), a member typed less precisely than the model expects takes
/// the model's type: a variable vector becomes the known-size vector (its length is checked per call), a number the key.
/// </summary>
internal sealed class ObjectRow<TRow> : DataViewRow
    where TRow : class
{
    private readonly Delegate[] _getters;
    private TRow? _current;
    private long _position = -1;

    public ObjectRow(DataViewSchema? schemaHint = null)
    {
        MemberColumn<TRow>[] members = RowTypeMapping.Columns<TRow>(forWriting: false);
        var builder = new DataViewSchema.Builder();
        _getters = new Delegate[members.Length];
        for (int i = 0; i < members.Length; i++)
        {
            MemberColumn<TRow> m = members[i];
            DataViewType type = m.Type;
            _getters[i] = m.MakeGetter(Current);
            if (schemaHint?.GetColumnOrNull(m.Name) is { } hint && IsRefinement(m.Type, hint.Type))
            {
                type = hint.Type;
                if (type is Data.VectorDataViewType { IsKnownSize: true } v)
                    _getters[i] = TypeDispatch.Visit(v.ItemType.RawType, new SizeChecked(_getters[i], m.Name, v.Size));
            }
            builder.AddColumn(m.Name, type);
        }
        Schema = builder.ToSchema();
    }

    /// <summary>Whether <paramref name="hint"/> is <paramref name="member"/> with a known size or a key where the member has neither.</summary>
    private static bool IsRefinement(DataViewType member, DataViewType hint)
    {
        if (member.Equals(hint) || member.RawType != hint.RawType)
            return false;
        if (member is Data.VectorDataViewType mv && hint is Data.VectorDataViewType hv)
            return (mv.Size == hv.Size || !mv.IsKnownSize) && (mv.ItemType.Equals(hv.ItemType) || IsRefinement(mv.ItemType, hv.ItemType));
        return member is Data.NumberDataViewType && hint is Data.KeyDataViewType;
    }

    private sealed class SizeChecked(Delegate inner, string name, int size) : ITypeVisitor<Delegate>
    {
        public Delegate Visit<T>()
            where T : notnull
        {
            var get = (ValueGetter<Data.VBuffer<T>>)inner;
            return (ValueGetter<Data.VBuffer<T>>)((ref Data.VBuffer<T> v) =>
            {
                get(ref v);
                if (v.Length != size)
                    throw new ArgumentException($"Column '{name}' has {v.Length} values, the model expects {size}.");
            });
        }
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _position;

    public void MoveTo(TRow row)
    {
        _current = row;
        _position++;
    }

    private TRow Current() => _current ?? throw new InvalidOperationException("No input object yet.");

    public override bool IsColumnActive(DataViewSchema.Column column) => true;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => RowGetters.Get<TValue>(Schema, _getters, column);
}
