using Rnn.Core.Models;
using Rnn.MLNet;

namespace Rnn.Pipelines.Forecasting;

// N = steps, C = channels per step, W = window size, H = horizon, K = origins.

/// <summary>
/// Forecasts from the calibration origins <c>first..last</c> (window starts) of a series in internal units, as a
/// rolling-origin backtest would make them: the highway is refitted on the steps up to each origin (every
/// ⌈K / <see cref="MaximumRefits"/>⌉ origins, each fit reading only steps before that group's first origin's target), the
/// networks are the ones trained before the first calibration target. The estimator chooses the log transform, the
/// highway and the network weight by these forecasts' error, and calibrates the bounds on their residuals, so the
/// offsets carry no bias of a highway fitted on the early steps only.
/// </summary>
internal sealed class RollingOrigins
{
    /// <summary>Most highway fits along the origins.</summary>
    public const int MaximumRefits = 24;

    private readonly ForecastSpec _spec;
    private readonly SeriesScaler _scaler;
    private readonly float[] _series;
    private readonly IReadOnlyList<SequenceModel> _networks;
    private readonly LinearAutoregression?[] _highways;
    private readonly int _first, _last, _every;

    /// <param name="spec">The forecaster's spec (its LogTarget says what <paramref name="series"/> holds).</param>
    /// <param name="scaler">The scaler of <paramref name="series"/>.</param>
    /// <param name="series">[N, C], internal units.</param>
    /// <param name="networks">The ensemble trained before the first calibration target (may be empty).</param>
    /// <param name="highway">The highway's kind.</param>
    /// <param name="first">The first origin (window start).</param>
    /// <param name="last">The last origin (window start); its H targets exist.</param>
    public RollingOrigins(ForecastSpec spec, SeriesScaler scaler, float[] series, IReadOnlyList<SequenceModel> networks, AutoregressiveHighway highway, int first, int last)
    {
        (_spec, _scaler, _series, _networks, _first, _last) = (spec, scaler, series, networks, first, last);
        int count = last - first + 1;
        _every = (count + MaximumRefits - 1) / MaximumRefits;
        _highways = new LinearAutoregression?[(count + _every - 1) / _every];
        for (int g = 0; g < _highways.Length; g++)
            _highways[g] = RecurrentForecastingEstimator.FitHighway(spec, series, first + (g * _every) + spec.WindowSize, highway);
    }

    public int Count => _last - _first + 1;

    /// <summary>The forecasts [K][H] (internal units) with network weight <paramref name="weight"/>.</summary>
    public float[][] Forecasts(float weight)
    {
        int c = _spec.Channels, w = _spec.WindowSize, h = _spec.Horizon;
        var forecasts = new float[Count][];
        var window = new float[w * c];
        var zeros = new float[h];
        for (int group = 0; group < _highways.Length; group++)
        {
            var forecaster = new ForecastModel(_spec, _scaler, _networks, zeros, zeros, _highways[group], weight).CreateForecaster();
            for (int s = _first + (group * _every); s <= Math.Min(_last, _first + ((group + 1) * _every) - 1); s++)
            {
                _series.AsSpan(s * c, w * c).CopyTo(window);
                forecaster.ForecastInternal(window, forecasts[s - _first] = new float[h]);
            }
        }
        return forecasts;
    }

    /// <summary>Mean |y − ŷ| in the series' units over every (origin, step) with network weight <paramref name="weight"/>.</summary>
    public double MeanAbsoluteError(float weight)
    {
        int c = _spec.Channels, w = _spec.WindowSize;
        double sum = 0;
        int points = 0;
        float[][] forecasts = Forecasts(weight);
        for (int k = 0; k < forecasts.Length; k++)
            for (int j = 0; j < forecasts[k].Length; j++, points++)
                sum += Math.Abs(_spec.FromInternal(_series[(_first + k + w + j) * c]) - _spec.FromInternal(forecasts[k][j]));
        return sum / points;
    }

    /// <summary>Residuals [H][K] (internal units, actual − forecast) with network weight <paramref name="weight"/>.</summary>
    public float[][] Residuals(float weight)
    {
        int c = _spec.Channels, w = _spec.WindowSize, h = _spec.Horizon;
        float[][] forecasts = Forecasts(weight);
        var residuals = new float[h][];
        for (int j = 0; j < h; j++)
        {
            residuals[j] = new float[Count];
            for (int k = 0; k < Count; k++) residuals[j][k] = _series[(_first + k + w + j) * c] - forecasts[k][j];
        }
        return residuals;
    }
}
