using Rnn.MLNet.Data;
using Rnn.Pipelines.Forecasting;

namespace Rnn.MLNet;

/// <summary>
/// Forecasts from a fitted forecaster's state and moves the state on as observations arrive (ML.NET's
/// TimeSeriesPredictionEngine). Create it with <c>model.CreateTimeSeriesEngine&lt;TSrc, TDst&gt;(ml)</c>.
/// </summary>
/// <remarks>
/// <para>The state is the last W observations (W = the window size): <see cref="Predict(TSrc)"/> appends one and drops
/// the oldest, so after feeding o₁..o_k the forecast equals the one a freshly loaded model makes from the last W steps
/// of the training series followed by o₁..o_k. <see cref="CheckPoint(MLContext, string)"/> saves the model with this
/// state; <c>ml.Model.Load</c> then <c>CreateTimeSeriesEngine</c> resumes exactly there.</para>
/// <para><b>Not thread-safe</b>: the state belongs to one engine; use one engine per series and thread.</para>
/// </remarks>
/// <typeparam name="TSrc">Observation class: members named as the target and covariate columns (Single or Double).</typeparam>
/// <typeparam name="TDst">Forecast class: writable float[] members named as the forecast and bound columns.</typeparam>
public sealed class TimeSeriesPredictionEngine<TSrc, TDst> : IDisposable
    where TSrc : class
    where TDst : class, new()
{
    private readonly ITransformer[] _prefix;
    private readonly RecurrentForecastingTransformer _forecaster;
    private readonly ObjectRow<TSrc> _source;
    private readonly DataViewRow _row;
    private readonly ObservationReader _reader;
    private readonly ForecastState _state;
    private readonly ForecastOutputs _outputs;
    private readonly OutputRow _output;
    private readonly Action<TDst>[] _setters;

    internal TimeSeriesPredictionEngine(ITransformer model, bool ignoreMissingColumns)
    {
        ArgumentNullException.ThrowIfNull(model);
        var steps = new List<ITransformer>();
        Flatten(model, steps);
        _forecaster = steps.Count > 0 && steps[^1] is RecurrentForecastingTransformer f ? f : throw new ArgumentException(
            $"CreateTimeSeriesEngine needs a model ending with a forecaster (ml.Forecasting.ForecastByRecurrent); got {string.Join(" -> ", steps.Select(s => s.GetType().Name))}.", nameof(model));
        _prefix = [.. steps.Take(steps.Count - 1)];
        if (_prefix.FirstOrDefault(t => !t.IsRowToRowMapper) is { } bad)
            throw new ArgumentException($"{bad.GetType().Name} before the forecaster is not a row-to-row transformer; an engine feeds one observation at a time.", nameof(model));

        _source = new ObjectRow<TSrc>();
        ForecastSpec spec = _forecaster.Model.Spec;
        if (_prefix.Length == 0)
        {
            _row = _source;
        }
        else
        {
            IRowToRowMapper mapper = new TransformerChain<ITransformer>(_prefix).GetRowToRowMapper(_source.Schema);
            DataViewSchema.Column[] wanted = RecurrentForecastingTransformer.CheckInput(mapper.OutputSchema, spec);
            _row = mapper.GetRow(_source, wanted);
        }
        _reader = new ObservationReader(_row, RecurrentForecastingTransformer.CheckInput(_row.Schema, spec));
        _state = new ForecastState(_forecaster.State, spec, _forecaster.Observations);
        _outputs = new ForecastOutputs(_forecaster.Model.CreateForecaster(), _state);
        _output = new OutputRow(spec, _outputs.Getters());
        _setters = RowObjects.MakeSetters<TDst>(_output, null, ignoreMissingColumns);
    }

    /// <summary>Observations seen: the training series plus every one fed since.</summary>
    public long Observations => _state.Observations;

    /// <summary>The next H values (and bounds) after the current state; the state does not move.</summary>
    public TDst Predict()
    {
        var result = new TDst();
        _output.Advance();
        foreach (Action<TDst> set in _setters) set(result);
        return result;
    }

    /// <summary>Feeds one observation (the state moves on by one step), then forecasts the H values after it.</summary>
    /// <exception cref="ArgumentException">The observation holds a NaN or infinite value (or a value ≤ 0 with LogTransform); the state does not move.</exception>
    public TDst Predict(TSrc example)
    {
        ArgumentNullException.ThrowIfNull(example);
        _source.MoveTo(example);
        _state.Push(_reader.Read());
        return Predict();
    }

    /// <summary>Saves the model with the engine's current state to <paramref name="modelPath"/>; <c>ml.Model.Load</c> brings it back.</summary>
    public void CheckPoint(MLContext env, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(env);
        env.Model.Save(CurrentModel(), _source.Schema, modelPath);
    }

    /// <summary>Saves the model with the engine's current state into <paramref name="stream"/>.</summary>
    public void CheckPoint(MLContext env, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(env);
        env.Model.Save(CurrentModel(), _source.Schema, stream);
    }

    /// <summary>Releases the engine's rows.</summary>
    public void Dispose()
    {
        if (!ReferenceEquals(_row, _source)) _row.Dispose();
        _output.Dispose();
    }

    private ITransformer CurrentModel()
    {
        var current = _forecaster.WithState((float[])_state.Window.Clone(), _state.Observations);
        return _prefix.Length == 0 ? current : new TransformerChain<ITransformer>([.. _prefix, current]);
    }

    private static void Flatten(ITransformer t, List<ITransformer> into)
    {
        if (t is ITransformerChainAccessor chain)
            foreach (ITransformer inner in chain.Transformers) Flatten(inner, into);
        else
            into.Add(t);
    }

    /// <summary>A one-row view of the forecast columns; each prediction is a new position.</summary>
    private sealed class OutputRow : DataViewRow
    {
        private readonly Delegate[] _getters;
        private long _position = -1;

        public OutputRow(ForecastSpec spec, Delegate[] getters)
        {
            _getters = getters;
            var builder = new DataViewSchema.Builder();
            foreach (string name in RecurrentForecastingTransformer.OutputNames(spec))
                builder.AddColumn(name, new VectorDataViewType(NumberDataViewType.Single, spec.Horizon));
            Schema = builder.ToSchema();
        }

        public override long Position => _position;

        public override DataViewSchema Schema { get; }

        public void Advance() => _position++;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            _getters[column.Index] as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' is a vector of Single, not {typeof(TValue).Name}.");
    }
}
