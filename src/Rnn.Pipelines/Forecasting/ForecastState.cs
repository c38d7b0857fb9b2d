using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet;

namespace Rnn.Pipelines.Forecasting;

// W = window size, C = channels per step (target + covariates), H = horizon.

/// <summary>
/// The online part of scale-adaptive bounds (<see cref="AdaptiveBounds"/>): σ̂, the exponentially weighted mean
/// absolute one-step error in internal units, and the one-step forecast made from the current state whose truth has not
/// arrived yet (null when none was made). Zero and null for static bounds.
/// </summary>
internal sealed record BoundsState(float Scale, float? Pending)
{
    public static readonly BoundsState None = new(0f, null);
}

/// <summary>
/// A forecaster's moving state: the last W observations [W, C], oldest first, how many were seen, and the online
/// bounds state. Feeding an observation drops the oldest, so forecasting from the state equals forecasting from the
/// last W steps of the whole series seen so far; with <see cref="AdaptiveBounds"/> the observation's target first updates
/// σ̂ with the error of the one-step forecast pending for it.
/// </summary>
internal sealed class ForecastState
{
    private readonly ForecastSpec _spec;
    private readonly int _channels;
    private readonly AdaptiveBounds? _adaptive;

    public ForecastState(float[] window, ForecastModel model, long observations, BoundsState bounds)
    {
        Window = (float[])window.Clone();
        _spec = model.Spec;
        _channels = _spec.Channels;
        _adaptive = model.Adaptive;
        Observations = observations;
        Bounds = bounds;
    }

    public float[] Window { get; }

    public long Observations { get; private set; }

    /// <summary>σ̂ and the pending one-step forecast (saved with the state).</summary>
    public BoundsState Bounds { get; private set; }

    /// <summary>
    /// The forecast [H] from the state and its bounds [H] (static, or scaled by σ̂), in the series' units; with adaptive
    /// bounds the one-step forecast becomes pending for the next observation.
    /// </summary>
    public void Forecast(Forecaster forecaster, Span<float> forecast, Span<float> lower, Span<float> upper)
    {
        forecaster.Forecast(Window, forecast);
        forecaster.Bounds(lower, upper, Bounds.Scale);
        if (_adaptive is not null) Bounds = Bounds with { Pending = forecaster.OneStepInternal };
    }

    /// <summary>Appends one observation [C]; throws on a missing value (the state must stay valid).</summary>
    public void Push(ReadOnlySpan<float> step)
    {
        foreach (float v in step)
            if (!float.IsFinite(v))
                throw new ArgumentException($"Observation {Observations} holds a missing value ({v}); a forecaster needs every step.", nameof(step));
        float z = _spec.ToInternal(step[0]); // throws before the state moves when LogTransform meets a value ≤ 0
        if (_adaptive is not null && Bounds.Pending is float pending)
            Bounds = new BoundsState(_adaptive.Update(Bounds.Scale, MathF.Abs(z - pending)), null);
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
