using System.Collections;

namespace Rnn.MLNet;

/// <summary>Lets the model zip see the steps of any <see cref="TransformerChain{TLastTransformer}"/>.</summary>
internal interface ITransformerChainAccessor
{
    IReadOnlyList<ITransformer> Transformers { get; }
}

/// <summary>A sequence of fitted transformers applied in order; what <see cref="EstimatorChain{TLastTransformer}.Fit"/> returns.</summary>
/// <typeparam name="TLastTransformer">The type of the last transformer.</typeparam>
public sealed class TransformerChain<TLastTransformer> : ITransformer, IEnumerable<ITransformer>, ITransformerChainAccessor
    where TLastTransformer : class, ITransformer
{
    private readonly ITransformer[] _transformers;

    /// <summary>A chain of <paramref name="transformers"/>; the last must be a <typeparamref name="TLastTransformer"/>.</summary>
    public TransformerChain(params ITransformer[] transformers)
    {
        ArgumentNullException.ThrowIfNull(transformers);
        _transformers = (ITransformer[])transformers.Clone();
        if (_transformers.Any(t => t is null))
            throw new ArgumentException("A chain cannot hold null transformers.", nameof(transformers));
        if (_transformers.Length > 0)
            LastTransformer = _transformers[^1] as TLastTransformer
                ?? throw new ArgumentException($"The last transformer is a {_transformers[^1].GetType().Name}, not a {typeof(TLastTransformer).Name}.", nameof(transformers));
        else
            LastTransformer = null!;
    }

    /// <summary>A chain of <paramref name="transformers"/>.</summary>
    public TransformerChain(IEnumerable<ITransformer> transformers) : this(transformers?.ToArray() ?? throw new ArgumentNullException(nameof(transformers))) { }

    /// <summary>The last transformer (null for an empty chain).</summary>
    public TLastTransformer LastTransformer { get; }

    IReadOnlyList<ITransformer> ITransformerChainAccessor.Transformers => _transformers;

    /// <inheritdoc/>
    public bool IsRowToRowMapper => _transformers.All(t => t.IsRowToRowMapper);

    /// <summary>A chain with <paramref name="transformer"/> appended.</summary>
    public TransformerChain<TNewLast> Append<TNewLast>(TNewLast transformer)
        where TNewLast : class, ITransformer =>
        new([.. _transformers, transformer]);

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (ITransformer t in _transformers)
            inputSchema = t.GetOutputSchema(inputSchema);
        return inputSchema;
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (ITransformer t in _transformers)
            input = t.Transform(input);
        return input;
    }

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var mappers = new IRowToRowMapper[_transformers.Length];
        for (int i = 0; i < mappers.Length; i++)
        {
            if (!_transformers[i].IsRowToRowMapper)
                throw new InvalidOperationException($"{_transformers[i].GetType().Name} (step {i}) does not map rows one to one.");
            mappers[i] = _transformers[i].GetRowToRowMapper(inputSchema);
            inputSchema = mappers[i].OutputSchema;
        }
        return new ChainedRowMapper(mappers, inputSchema);
    }

    /// <summary>Chains are saved step by step by <c>ml.Model.Save</c>; a chain cannot be saved inside another transformer.</summary>
    public void Save(ModelSaveContext ctx) =>
        throw new InvalidOperationException("Save a chain with ml.Model.Save, which writes its transformers one by one.");

    /// <inheritdoc/>
    public IEnumerator<ITransformer> GetEnumerator() => ((IEnumerable<ITransformer>)_transformers).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Row mappers applied in sequence, each computing only what the next one needs.</summary>
internal sealed class ChainedRowMapper(IRowToRowMapper[] mappers, DataViewSchema outputSchema) : IRowToRowMapper
{
    public DataViewSchema InputSchema => mappers.Length > 0 ? mappers[0].InputSchema : outputSchema;

    public DataViewSchema OutputSchema => outputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        for (int i = mappers.Length - 1; i >= 0; i--)
            dependingColumns = mappers[i].GetDependencies(dependingColumns).ToArray();
        return dependingColumns;
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        var active = new IEnumerable<DataViewSchema.Column>[mappers.Length];
        IEnumerable<DataViewSchema.Column> needed = activeColumns.ToArray();
        for (int i = mappers.Length - 1; i >= 0; i--)
        {
            active[i] = needed;
            needed = mappers[i].GetDependencies(needed).ToArray();
        }
        DataViewRow row = input;
        for (int i = 0; i < mappers.Length; i++)
            row = mappers[i].GetRow(row, active[i]);
        return row;
    }
}

/// <summary>Unfitted steps applied in order; <see cref="Fit"/> fits each on the previous one's output.</summary>
/// <typeparam name="TLastTransformer">The type of the last step's transformer.</typeparam>
public sealed class EstimatorChain<TLastTransformer> : IEstimator<TransformerChain<TLastTransformer>>
    where TLastTransformer : class, ITransformer
{
    private readonly IEstimator<ITransformer>[] _estimators;
    private readonly bool[] _cacheAfter;

    /// <summary>An empty chain.</summary>
    public EstimatorChain()
    {
        _estimators = [];
        _cacheAfter = [];
    }

    private EstimatorChain(IEstimator<ITransformer>[] estimators, bool[] cacheAfter)
    {
        _estimators = estimators;
        _cacheAfter = cacheAfter;
    }

    /// <summary>The steps.</summary>
    public IReadOnlyList<IEstimator<ITransformer>> Estimators => _estimators;

    /// <summary>A chain with <paramref name="estimator"/> appended.</summary>
    public EstimatorChain<TNewTrans> Append<TNewTrans>(IEstimator<TNewTrans> estimator)
        where TNewTrans : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return new EstimatorChain<TNewTrans>([.. _estimators, estimator], [.. _cacheAfter, false]);
    }

    /// <summary>
    /// Marks the data reaching the next step for caching in memory (<c>ml.Data.Cache</c>) while fitting, so a trainer's
    /// epochs do not recompute the steps before it. The fitted chain is unchanged.
    /// </summary>
    public EstimatorChain<TLastTransformer> AppendCacheCheckpoint(MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_estimators.Length == 0)
            return this;
        bool[] cache = [.. _cacheAfter];
        cache[^1] = true;
        return new EstimatorChain<TLastTransformer>(_estimators, cache);
    }

    /// <inheritdoc/>
    public TransformerChain<TLastTransformer> Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShape.Create(input.Schema));
        var fitted = new ITransformer[_estimators.Length];
        IDataView current = input;
        for (int i = 0; i < _estimators.Length; i++)
        {
            fitted[i] = _estimators[i].Fit(current);
            if (i < _estimators.Length - 1)
            {
                current = fitted[i].Transform(current);
                if (_cacheAfter[i])
                    current = new CacheDataView(current);
            }
        }
        return new TransformerChain<TLastTransformer>(fitted);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (IEstimator<ITransformer> e in _estimators)
            inputSchema = e.GetOutputSchema(inputSchema);
        return inputSchema;
    }
}

/// <summary>Builds pipelines: <c>estimator.Append(next)</c>.</summary>
public static class LearningPipelineExtensions
{
    /// <summary>A chain of <paramref name="start"/> then <paramref name="estimator"/>.</summary>
    public static EstimatorChain<TTrans> Append<TTrans>(this IEstimator<ITransformer> start, IEstimator<TTrans> estimator)
        where TTrans : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(start);
        return start is EstimatorChain<ITransformer> chain && chain.Estimators.Count == 0
            ? chain.Append(estimator)
            : new EstimatorChain<ITransformer>().Append(start).Append(estimator);
    }

    /// <summary>A chain of <paramref name="start"/> whose output is cached in memory while the next step fits.</summary>
    public static EstimatorChain<TTrans> AppendCacheCheckpoint<TTrans>(this IEstimator<TTrans> start, MLContext context)
        where TTrans : class, ITransformer =>
        start is EstimatorChain<TTrans> chain ? chain.AppendCacheCheckpoint(context) : new EstimatorChain<ITransformer>().Append(start).AppendCacheCheckpoint(context);

    /// <summary>A chain of <paramref name="start"/> then <paramref name="transformer"/>.</summary>
    public static TransformerChain<TTrans> Append<TTrans>(this ITransformer start, TTrans transformer)
        where TTrans : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(transformer);
        return new TransformerChain<TTrans>(start, transformer);
    }
}
