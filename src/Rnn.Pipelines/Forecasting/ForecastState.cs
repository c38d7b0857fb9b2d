using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet;

namespace Rnn.Pipelines.Forecasting;

// W = window size, C = channels per step (target + covariates), H = horizon.

/// <summary>
/// The online part of scale-adaptive bounds (<see cref="AdaptiveBounds"/>): σ̂, the exponentially weighted mean
/// absolute one-step error in internal units, the one-step forecast made from the current state whose truth has not
/// arrived yet (null when none was made), and with adaptive coverage the levels and the intervals awaiting their truths.
/// Zero and null for static bounds.
/// </summary>
internal sealed record BoundsState(float Scale, float? Pending, CoverageState? Coverage = null)
{
    public static readonly BoundsState None = new(0f, null);
}

/// <summary>
/// Adaptive coverage's state: α_h per horizon step [H], and the intervals of the last H forecasts in internal units,
/// slot o mod H for the forecast made after o observations: <paramref name="Origins"/> [H] (−1: empty),
/// <paramref name="Lower"/> and <paramref name="Upper"/> [H slots · H steps].
/// </summary>
internal sealed record CoverageState(float[] Alpha, long[] Origins, float[] Lower, float[] Upper)
{
    /// <summary>Every level at α = 1 − <paramref name="level"/>, no interval pending.</summary>
    public static CoverageState Initial(int horizon, float level) =>
        new(Enumerable.Repeat(1f - level, horizon).ToArray(), Enumerable.Repeat(-1L, horizon).ToArray(), new float[horizon * horizon], new float[horizon * horizon]);

    public CoverageState Copy() => new((float[])Alpha.Clone(), (long[])Origins.Clone(), (float[])Lower.Clone(), (float[])Upper.Clone());

    /// <summary>Whether the arrays fit horizon <paramref name="h"/> and hold finite values.</summary>
    public bool Fits(int h) => Alpha?.Length == h && Origins?.Length == h && Lower?.Length == h * h && Upper?.Length == h * h
        && Alpha.All(a => a is >= AdaptiveBounds.MinimumAlpha and <= AdaptiveBounds.MaximumAlpha) && Origins.All(o => o >= -1)
        && Lower.All(float.IsFinite) && Upper.All(float.IsFinite);
}

/// <summary>
/// A forecaster's moving state: the last W observations [W, C], oldest first, how many were seen, and the online
/// bounds state. Feeding an observation drops the oldest, so forecasting from the state equals forecasting from the
/// last W steps of the whole series seen so far; with <see cref="AdaptiveBounds"/> the observation's target first updates
/// σ̂ with the error of the one-step forecast pending for it, and with adaptive coverage each level α_h with whether it fell
/// inside the interval forecast for it h steps before.
/// </summary>
internal sealed class ForecastState
{
    private readonly ForecastSpec _spec;
    private readonly int _channels;
    private readonly AdaptiveBounds? _adaptive;
    private readonly CoverageState? _coverage; // mutated in place: no allocation per step
    private readonly float[] _lowerInternal;
    private readonly float[] _upperInternal;
    private float _scale;
    private float? _pending;

    public ForecastState(float[] window, ForecastModel model, long observations, BoundsState bounds)
    {
        Window = (float[])window.Clone();
        _spec = model.Spec;
        _channels = _spec.Channels;
        _adaptive = model.Adaptive;
        Observations = observations;
        (_scale, _pending) = (bounds.Scale, bounds.Pending);
        if (_adaptive is { AdaptsCoverage: true })
            _coverage = bounds.Coverage?.Copy() ?? CoverageState.Initial(_spec.Horizon, _spec.ConfidenceLevel);
        _lowerInternal = new float[_spec.Horizon];
        _upperInternal = new float[_spec.Horizon];
    }

    public float[] Window { get; }

    public long Observations { get; private set; }

    /// <summary>σ̂, the pending forecast and the coverage state (a copy; saved with the state).</summary>
    public BoundsState Bounds => new(_scale, _pending, _coverage?.Copy());

    /// <summary>
    /// The forecast [H] from the state and its bounds [H] (static, or scaled by σ̂ at the current levels), in the series'
    /// units; with adaptive bounds the one-step forecast becomes pending for the next observation, and with adaptive
    /// coverage the intervals wait for their truths.
    /// </summary>
    public void Forecast(Forecaster forecaster, Span<float> forecast, Span<float> lower, Span<float> upper)
    {
        forecaster.Forecast(Window, forecast);
        forecaster.Bounds(lower, upper, _scale, _coverage is null ? default : _coverage.Alpha, _lowerInternal, _upperInternal);
        if (_adaptive is null) return;
        _pending = forecaster.OneStepInternal;
        if (_coverage is null) return;
        int h = _spec.Horizon, slot = (int)(Observations % h);
        _coverage.Origins[slot] = Observations;
        _lowerInternal.CopyTo(_coverage.Lower.AsSpan(slot * h, h));
        _upperInternal.CopyTo(_coverage.Upper.AsSpan(slot * h, h));
    }

    /// <summary>Appends one observation [C]; throws on a missing value (the state must stay valid).</summary>
    public void Push(ReadOnlySpan<float> step)
    {
        foreach (float v in step)
            if (!float.IsFinite(v))
                throw new ArgumentException($"Observation {Observations} holds a missing value ({v}); a forecaster needs every step.", nameof(step));
        float z = _spec.ToInternal(step[0]); // throws before the state moves when LogTransform meets a value ≤ 0
        if (_adaptive is not null && _pending is float pending)
            (_scale, _pending) = (_adaptive.Update(_scale, MathF.Abs(z - pending)), null);
        if (_coverage is not null) Score(z);
        Window.AsSpan(_channels).CopyTo(Window);
        step.CopyTo(Window.AsSpan(Window.Length - _channels));
        Observations++;
    }

    /// <summary>Each pending interval whose step this observation (<paramref name="z"/>, internal units) is moves its level; finished slots empty.</summary>
    private void Score(float z)
    {
        CoverageState c = _coverage!;
        int h = _spec.Horizon;
        for (int slot = 0; slot < h; slot++)
        {
            long origin = c.Origins[slot];
            if (origin < 0) continue;
            long step = Observations - origin;
            if (step is >= 0 && step < h)
            {
                int i = (slot * h) + (int)step;
                c.Alpha[step] = _adaptive!.UpdateAlpha(c.Alpha[step], z < c.Lower[i] || z > c.Upper[i], _spec.ConfidenceLevel);
            }
            if (step >= h - 1) c.Origins[slot] = -1;
        }
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
