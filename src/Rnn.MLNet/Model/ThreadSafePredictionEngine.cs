using System.Collections.Concurrent;

namespace Rnn.MLNet;

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
