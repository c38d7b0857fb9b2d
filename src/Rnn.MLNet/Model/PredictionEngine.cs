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
