using Rnn.MLNet;
using Rnn.MLNet.Data;

namespace Rnn.Pipelines.Forecasting;

// W = window size, C = channels per step (target + covariates), H = horizon.

/// <summary>
/// A forecaster's moving state: the last W observations [W, C], oldest first, and how many were seen. Feeding an
/// observation drops the oldest, so forecasting from the state equals forecasting from the last W steps of the
/// whole series seen so far.
/// </summary>
internal sealed class ForecastState
{
    private readonly ForecastSpec _spec;
    private readonly int _channels;

    public ForecastState(float[] window, ForecastSpec spec, long observations)
    {
        Window = (float[])window.Clone();
        _spec = spec;
        _channels = spec.Channels;
        Observations = observations;
    }

    public float[] Window { get; }

    public long Observations { get; private set; }

    /// <summary>Appends one observation [C]; throws on a missing value (the state must stay valid).</summary>
    public void Push(ReadOnlySpan<float> step)
    {
        foreach (float v in step)
            if (!float.IsFinite(v))
                throw new ArgumentException($"Observation {Observations} holds a missing value ({v}); a forecaster needs every step.", nameof(step));
        _spec.ToInternal(step[0]); // throws before the state moves when LogTransform meets a value ≤ 0
        Window.AsSpan(_channels).CopyTo(Window);
        step.CopyTo(Window.AsSpan(Window.Length - _channels));
        Observations++;
    }
}

/// <summary>Reads the target and covariate values of the current row as floats [C].</summary>
internal sealed class ObservationReader
{
    private readonly Func<float>[] _readers;
    private readonly float[] _step;

    public ObservationReader(DataViewRow row, IReadOnlyList<DataViewSchema.Column> columns)
    {
        _step = new float[columns.Count];
        _readers = columns.Select(c => Reader(row, c)).ToArray();
    }

    public ReadOnlySpan<float> Read()
    {
        for (int j = 0; j < _readers.Length; j++) _step[j] = _readers[j]();
        return _step;
    }

    private static Func<float> Reader(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type.RawType == typeof(double))
        {
            ValueGetter<double> get = row.GetGetter<double>(column);
            return () =>
            {
                double v = 0;
                get(ref v);
                return (float)v;
            };
        }
        ValueGetter<float> getSingle = row.GetGetter<float>(column);
        return () =>
        {
            float v = 0;
            getSingle(ref v);
            return v;
        };
    }
}

/// <summary>One forecast with its bounds [H] each, recomputed when the state moves.</summary>
internal sealed class ForecastOutputs
{
    private readonly Forecaster _forecaster;
    private readonly ForecastState _state;
    private long _computedAt = -1;

    public ForecastOutputs(Forecaster forecaster, ForecastState state)
    {
        _forecaster = forecaster;
        _state = state;
        int h = forecaster.Model.Spec.Horizon;
        Forecast = new float[h];
        Lower = new float[h];
        Upper = new float[h];
    }

    public float[] Forecast { get; }

    public float[] Lower { get; }

    public float[] Upper { get; }

    /// <summary>Brings the outputs up to date with the state.</summary>
    public void Update()
    {
        if (_computedAt == _state.Observations)
            return;
        _forecaster.Forecast(_state.Window, Forecast);
        _forecaster.Bounds(Lower, Upper);
        _computedAt = _state.Observations;
    }

    /// <summary>Getters of the added columns in <see cref="RecurrentForecastingTransformer.OutputNames"/> order.</summary>
    public Delegate[] Getters()
    {
        ForecastSpec spec = _forecaster.Model.Spec;
        var getters = new List<Delegate> { Getter(Forecast) };
        if (spec.LowerColumn is not null) getters.Add(Getter(Lower));
        if (spec.UpperColumn is not null) getters.Add(Getter(Upper));
        return [.. getters];
    }

    private ValueGetter<VBuffer<float>> Getter(float[] values) => (ref VBuffer<float> v) =>
    {
        Update();
        var editor = VBufferEditor.Create(ref v, values.Length);
        values.CopyTo(editor.Values);
        v = editor.Commit();
    };
}

/// <summary>The forecaster's output over a view of observations: input columns plus forecast and bounds, state moving row by row.</summary>
internal sealed class ForecastDataView(IDataView source, RecurrentForecastingTransformer transformer, DataViewSchema schema) : IDataView
{
    public bool CanShuffle => false;

    public DataViewSchema Schema => schema;

    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        int inputCount = source.Schema.Count;
        var active = new bool[schema.Count];
        foreach (DataViewSchema.Column c in columnsNeeded) active[c.Index] = true;
        DataViewSchema.Column[] series = RecurrentForecastingTransformer.CheckInput(source.Schema, transformer.Model.Spec);
        var needed = source.Schema.Where(c => active[c.Index]).Concat(series).Distinct().ToList();
        return new Cursor(source.GetRowCursor(needed), transformer, series, active, inputCount, schema);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor _input;
        private readonly ObservationReader _reader;
        private readonly ForecastState _state;
        private readonly Delegate[] _added;
        private readonly bool[] _active;
        private readonly int _inputCount;

        public Cursor(DataViewRowCursor input, RecurrentForecastingTransformer transformer, DataViewSchema.Column[] series, bool[] active, int inputCount, DataViewSchema schema)
        {
            _input = input;
            _active = active;
            _inputCount = inputCount;
            Schema = schema;
            _reader = new ObservationReader(input, series);
            _state = new ForecastState(transformer.State, transformer.Model.Spec, transformer.Observations);
            _added = new ForecastOutputs(transformer.Model.CreateForecaster(), _state).Getters();
        }

        public override long Position => _input.Position;

        public override DataViewSchema Schema { get; }

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; pass it in columnsNeeded.");
            if (column.Index < _inputCount)
                return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            return _added[column.Index - _inputCount] as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is a vector of Single, not {typeof(TValue).Name}.");
        }

        public override bool MoveNext()
        {
            if (!_input.MoveNext())
                return false;
            _state.Push(_reader.Read());
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
