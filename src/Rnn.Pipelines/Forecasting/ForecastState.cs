using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet;

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
