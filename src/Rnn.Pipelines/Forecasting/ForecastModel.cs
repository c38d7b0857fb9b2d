using Rnn.Core;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Training;
using Rnn.MLNet;

namespace Rnn.Pipelines.Forecasting;

// N = steps of the series, W = window size, H = horizon, C = channels per raw step (target + K covariates),
// I = network inputs per step (2 + K), O = network outputs (H direct, C recursive).

/// <summary>What a forecaster reads and writes: columns, window, horizon, strategy, bounds.</summary>
internal sealed record ForecastSpec(string Target, string[] Covariates, int WindowSize, int Horizon, ForecastStrategy Strategy,
    float ConfidenceLevel, string OutputColumn, string? LowerColumn, string? UpperColumn, bool LogTarget = false)
{
    /// <summary>The target in the network's units: ln y with <see cref="LogTarget"/>, else y.</summary>
    public float ToInternal(float y)
    {
        if (!LogTarget) return y;
        if (!(y > 0f))
            throw new ArgumentException($"LogTransform needs positive values of '{Target}', got {y}.", nameof(y));
        return MathF.Log(y);
    }

    /// <summary>The target back in the series' units.</summary>
    public float FromInternal(float v) => LogTarget ? MathF.Exp(v) : v;

    /// <summary>A copy of a raw series or window [·, C] with the target in the network's units.</summary>
    public float[] ToInternal(ReadOnlySpan<float> raw)
    {
        float[] copy = raw.ToArray();
        if (LogTarget)
            for (int i = 0; i < copy.Length; i += Channels) copy[i] = ToInternal(copy[i]);
        return copy;
    }

    /// <summary>C, raw values per step: the target then each covariate.</summary>
    public int Channels => 1 + Covariates.Length;

    /// <summary>I, network inputs per step.</summary>
    public int InputSize => 2 + Covariates.Length;

    /// <summary>O, network outputs.</summary>
    public int OutputSize => Strategy == ForecastStrategy.Direct ? Horizon : Channels;

    /// <summary>Target steps a training window needs after it: H (direct) or 1 (recursive).</summary>
    public int TrainingTargets => Strategy == ForecastStrategy.Direct ? Horizon : 1;

    /// <summary>Every column the forecaster reads, target first.</summary>
    public IEnumerable<string> InputColumns => Covariates.Prepend(Target);
}

/// <summary>
/// The scaling statistics of a series (from the training data only): the target's mean μ, standard deviation σ and
/// standard deviation of one-step changes σ_Δ, and each covariate's mean and standard deviation. Zero spreads become 1.
/// </summary>
internal sealed record SeriesScaler(float Mean, float Std, float DiffStd, float[] CovariateMeans, float[] CovariateStds)
{
    /// <summary>Statistics of <paramref name="raw"/> [N, C].</summary>
    public static SeriesScaler Fit(ReadOnlySpan<float> raw, int channels)
    {
        int n = raw.Length / channels;
        var means = new float[channels];
        var stds = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, sq = 0;
            for (int t = 0; t < n; t++) sum += raw[(t * channels) + c];
            double mean = sum / n;
            for (int t = 0; t < n; t++) sq += Math.Pow(raw[(t * channels) + c] - mean, 2);
            means[c] = (float)mean;
            stds[c] = Spread(Math.Sqrt(sq / Math.Max(1, n - 1)));
        }
        double dSum = 0, dSq = 0;
        for (int t = 1; t < n; t++) dSum += raw[t * channels] - raw[(t - 1) * channels];
        double dMean = dSum / Math.Max(1, n - 1);
        for (int t = 1; t < n; t++) dSq += Math.Pow(raw[t * channels] - raw[(t - 1) * channels] - dMean, 2);
        float diffStd = Spread(Math.Sqrt(dSq / Math.Max(1, n - 2)));
        return new SeriesScaler(means[0], stds[0], diffStd, means[1..], stds[1..]);
    }

    private static float Spread(double s) => s > 1e-12 && double.IsFinite(s) ? (float)s : 1f;

    /// <summary>Network inputs [W, I] of a raw window [W, C].</summary>
    public void Encode(ReadOnlySpan<float> window, int channels, Span<float> inputs)
    {
        int w = window.Length / channels, k = channels - 1, inputSize = 2 + k;
        float last = window[(w - 1) * channels];
        for (int t = 0; t < w; t++)
        {
            ReadOnlySpan<float> step = window.Slice(t * channels, channels);
            Span<float> x = inputs.Slice(t * inputSize, inputSize);
            x[0] = (step[0] - last) / DiffStd;
            x[1] = (step[0] - Mean) / Std;
            for (int j = 0; j < k; j++) x[2 + j] = (step[1 + j] - CovariateMeans[j]) / CovariateStds[j];
        }
    }
}

/// <summary>
/// Scale-adaptive conformal bounds: the calibration residuals r_h were divided by σ̂, the exponentially weighted mean
/// absolute one-step error known at their origin (half-life <paramref name="HalfLife"/> observations), and the bounds are
/// <c>forecast + σ̂ · q(r_h / σ̂)</c> with σ̂ updated online as each observation arrives (its error against the one-step
/// forecast made just before it). <paramref name="LowerScores"/> and <paramref name="UpperScores"/> [H] are the
/// quantiles of the scaled residuals at the confidence level.
/// </summary>
/// <remarks>
/// With a positive <paramref name="CoverageRate"/> γ the quantile level moves online as well (adaptive conformal inference,
/// Gibbs and Candès 2021, one level per horizon step): when the truth of step h arrives, α_h ← α_h + γ(α − miss), α = 1 − c,
/// miss = 1 when it fell outside the interval forecast for it; the bounds of step h are the scores' quantiles at level
/// 1 − α_h (<paramref name="SortedScores"/> [H][K], sorted: |r/σ̂| when <paramref name="Symmetric"/>, else r/σ̂), clamped
/// to the smallest and largest score. γ = 0 keeps the level fixed at c (the scores above).
/// </remarks>
internal sealed record AdaptiveBounds(int HalfLife, float[] LowerScores, float[] UpperScores, float CoverageRate = 0f,
    float[][]? SortedScores = null, bool Symmetric = true)
{
    /// <summary>Bounds on α_h: far enough for any run of hits or misses to saturate the quantiles, finite for the state.</summary>
    public const float MinimumAlpha = -1f, MaximumAlpha = 2f;

    /// <summary>λ = 2^(−1/half-life), the weight σ̂ keeps per observation.</summary>
    public float Decay { get; } = (float)Math.Pow(0.5, 1.0 / HalfLife);

    /// <summary>Whether the quantile level moves online (γ &gt; 0 and the scores kept).</summary>
    public bool AdaptsCoverage => CoverageRate > 0f && SortedScores is not null;

    /// <summary>σ̂ after one more absolute one-step error <paramref name="error"/>: λ·σ̂ + (1 − λ)·error (kept above 0).</summary>
    public float Update(float scale, float error) => Math.Max((Decay * scale) + ((1f - Decay) * error), float.Epsilon);

    /// <summary>α_h after the truth of step h fell inside (<paramref name="miss"/> false) or outside its interval, at nominal α = 1 − <paramref name="level"/>.</summary>
    public float UpdateAlpha(float alpha, bool miss, float level) =>
        Math.Clamp(alpha + (CoverageRate * ((1f - level) - (miss ? 1f : 0f))), MinimumAlpha, MaximumAlpha);

    /// <summary>
    /// The lower and upper scaled scores of step <paramref name="h"/> at level 1 − <paramref name="alpha"/>: order statistics of
    /// ranks ⌈(K+1)(1−α)⌉ (symmetric, ∓) or ⌊(K+1)α/2⌋ and ⌈(K+1)(1−α/2)⌉, clamped to 1..K — at α = 1 − c the
    /// calibrated <see cref="LowerScores"/> and <see cref="UpperScores"/>.
    /// </summary>
    public (float Lower, float Upper) Scores(int h, float alpha)
    {
        if (!AdaptsCoverage) return (LowerScores[h], UpperScores[h]);
        float[] sorted = SortedScores![h];
        int k = sorted.Length;
        double a = Math.Round(alpha, 6); // as the calibration: 0.1f is 0.100000001, and exact ranks stay exact
        if (Symmetric)
        {
            float q = sorted[Math.Clamp((int)Math.Ceiling(((k + 1) * (1 - a)) - 1e-9), 1, k) - 1];
            return (-q, q);
        }
        int lo = Math.Clamp((int)Math.Floor(((k + 1) * a / 2) + 1e-9), 1, k);
        int hi = Math.Clamp((int)Math.Ceiling(((k + 1) * (1 - (a / 2))) - 1e-9), 1, k);
        return (sorted[lo - 1], sorted[hi - 1]);
    }
}

/// <summary>
/// A trained forecaster: spec, scaler, autoregressive highway, networks and calibrated residual quantiles per horizon
/// step. In internal units z (ln y with <see cref="ForecastSpec.LogTarget"/>) a direct forecast is
/// <c>ẑ_{t+h} = base_h + g · σ_Δ · mean_m(out_{m,h})</c>, with base_h the highway's forecast (the last value without one),
/// g the <see cref="NetworkWeight"/> and out_m the outputs of ensemble member m. Immutable and shared; each user
/// forecasts through its own <see cref="Forecaster"/> (private copies of the networks).
/// </summary>
internal sealed class ForecastModel
{
    public ForecastModel(ForecastSpec spec, SeriesScaler scaler, IReadOnlyList<SequenceModel> networks, float[] lowerOffsets, float[] upperOffsets,
        LinearAutoregression? highway = null, float networkWeight = 1f, AdaptiveBounds? adaptive = null)
    {
        Adaptive = adaptive;
        Spec = spec;
        Scaler = scaler;
        Networks = networks;
        foreach (var network in networks) network.Eval();
        LowerOffsets = lowerOffsets;
        UpperOffsets = upperOffsets;
        Highway = highway;
        NetworkWeight = networkWeight;
    }

    public ForecastSpec Spec { get; }

    public SeriesScaler Scaler { get; }

    /// <summary>The ensemble: the forecast averages their outputs. At least one.</summary>
    public IReadOnlyList<SequenceModel> Networks { get; }

    /// <summary>The linear autoregression the networks correct (one output: iterated; H outputs: direct), or null: the networks correct the last value.</summary>
    public LinearAutoregression? Highway { get; }

    /// <summary>g, the share of the networks' correction in the forecast (0: the highway alone).</summary>
    public float NetworkWeight { get; }

    /// <summary>q_{(1−c)/2} of the calibration residuals per horizon step [H].</summary>
    public float[] LowerOffsets { get; }

    /// <summary>q_{(1+c)/2} of the calibration residuals per horizon step [H].</summary>
    public float[] UpperOffsets { get; }

    /// <summary>Scale-adaptive bounds, or null: the static offsets above.</summary>
    public AdaptiveBounds? Adaptive { get; }

    public Forecaster CreateForecaster() => new(this);

    /// <summary>The network's shape for <paramref name="spec"/>.</summary>
    public static SequenceModelOptions NetworkOptions(ForecastSpec spec, RecurrentCellType cell, int hidden, int layers, int seed) => new()
    {
        Cell = (CellType)cell, InputSize = spec.InputSize, HiddenSize = hidden, NumLayers = layers,
        Pooling = PoolingKind.Last, OutputSize = spec.OutputSize, Seed = seed,
    };

    /// <summary>
    /// What the network corrects, in internal units, from a window [W, C]: the highway's (or the last value's) forecast of
    /// the O target outputs (H direct; 1 recursive). <paramref name="targets"/> [W] is scratch space.
    /// </summary>
    public static void Baseline(ForecastSpec spec, LinearAutoregression? highway, ReadOnlySpan<float> window, Span<float> targets, Span<float> baseline)
    {
        int c = spec.Channels, w = spec.WindowSize;
        for (int t = 0; t < w; t++) targets[t] = window[t * c];
        int outputs = spec.Strategy == ForecastStrategy.Direct ? spec.Horizon : 1;
        if (highway is null)
            baseline[..outputs].Fill(targets[w - 1]);
        else
            highway.Forecast(targets, baseline[..outputs]);
    }

    /// <summary>
    /// Training windows starting at <paramref name="first"/>..<paramref name="end"/>−1 of <paramref name="raw"/> [N, C]
    /// (internal units): inputs and scaled targets, the target's being what the highway leaves, (z − base)/σ_Δ.
    /// </summary>
    public static SequenceDataset Windows(ForecastSpec spec, SeriesScaler scaler, LinearAutoregression? highway, float[] raw, int first, int end)
    {
        int c = spec.Channels, w = spec.WindowSize, o = spec.OutputSize;
        var inputs = new List<float[]>(end - first);
        var targets = new float[(end - first) * o];
        var scratch = new float[w];
        var baseline = new float[spec.Horizon];
        for (int s = first; s < end; s++)
        {
            ReadOnlySpan<float> window = raw.AsSpan(s * c, w * c);
            var x = new float[w * spec.InputSize];
            scaler.Encode(window, c, x);
            inputs.Add(x);
            Baseline(spec, highway, window, scratch, baseline);
            Span<float> y = targets.AsSpan((s - first) * o, o);
            if (spec.Strategy == ForecastStrategy.Direct)
            {
                for (int h = 0; h < spec.Horizon; h++) y[h] = (raw[(s + w + h) * c] - baseline[h]) / scaler.DiffStd;
            }
            else
            {
                ReadOnlySpan<float> next = raw.AsSpan((s + w) * c, c);
                y[0] = (next[0] - baseline[0]) / scaler.DiffStd;
                for (int j = 1; j < c; j++) y[j] = (next[j] - scaler.CovariateMeans[j - 1]) / scaler.CovariateStds[j - 1];
            }
        }
        return SequenceDataset.FromValues(inputs, spec.InputSize, targets, o);
    }
}

/// <summary>
/// Forecasts from raw windows with private copies of the networks and reused buffers. Not thread-safe. The networks
/// work in internal units (ln y with <see cref="ForecastSpec.LogTarget"/>); forecasts and bounds come back in the series' units.
/// </summary>
internal sealed class Forecaster
{
    private readonly ForecastModel _model;
    private readonly SequenceModel[] _networks;
    private readonly SequenceBatch _batch = new();
    private readonly float[] _window;
    private readonly float[] _outputs;
    private readonly float[] _internal;
    private readonly float[] _targets;
    private readonly float[] _baseline;

    public Forecaster(ForecastModel model)
    {
        _model = model;
        _networks = [.. model.Networks.Select(n => n.Clone())];
        foreach (var network in _networks) network.Eval();
        _window = new float[model.Spec.WindowSize * model.Spec.Channels];
        _outputs = new float[model.Spec.OutputSize];
        _internal = new float[model.Spec.Horizon];
        _targets = new float[model.Spec.WindowSize];
        _baseline = new float[model.Spec.Horizon];
    }

    public ForecastModel Model => _model;

    /// <summary>The next H target values after <paramref name="window"/> [W, C] (its last W raw steps, oldest first).</summary>
    public void Forecast(ReadOnlySpan<float> window, Span<float> forecast)
    {
        ForecastSpec spec = _model.Spec;
        if (window.Length != _window.Length)
            throw new ArgumentException($"A forecast reads {spec.WindowSize} steps of {spec.Channels} values, got {window.Length} values.", nameof(window));
        window.CopyTo(_window);
        if (spec.LogTarget)
            for (int i = 0; i < _window.Length; i += spec.Channels) _window[i] = spec.ToInternal(_window[i]);
        ForecastInternal(_window, _internal);
        for (int h = 0; h < spec.Horizon; h++) forecast[h] = spec.FromInternal(_internal[h]);
    }

    /// <summary>The one-step forecast of the last <see cref="Forecast"/> in internal units.</summary>
    public float OneStepInternal => _internal[0];

    /// <summary>
    /// The calibrated bounds [H] of the last <see cref="Forecast"/>: its static offsets, or with
    /// <see cref="ForecastModel.Adaptive"/> the scaled scores times σ̂ = <paramref name="scale"/>, at the levels
    /// 1 − <paramref name="alpha"/>[h] when the coverage adapts. <paramref name="lowerInternal"/> and
    /// <paramref name="upperInternal"/> [H] receive them in internal units.
    /// </summary>
    public void Bounds(Span<float> lower, Span<float> upper, float scale = 0f, ReadOnlySpan<float> alpha = default,
        Span<float> lowerInternal = default, Span<float> upperInternal = default)
    {
        ForecastSpec spec = _model.Spec;
        AdaptiveBounds? adaptive = _model.Adaptive;
        for (int h = 0; h < spec.Horizon; h++)
        {
            float lo, hi;
            if (adaptive is null)
                (lo, hi) = (_model.LowerOffsets[h], _model.UpperOffsets[h]);
            else
            {
                var (l, u) = alpha.IsEmpty ? (adaptive.LowerScores[h], adaptive.UpperScores[h]) : adaptive.Scores(h, alpha[h]);
                (lo, hi) = (scale * l, scale * u);
            }
            lo += _internal[h];
            hi += _internal[h];
            if (!lowerInternal.IsEmpty) (lowerInternal[h], upperInternal[h]) = (lo, hi);
            lower[h] = spec.FromInternal(lo);
            upper[h] = spec.FromInternal(hi);
        }
    }

    /// <summary>The next H values in internal units from a window [W, C] in internal units (overwritten for the recursive strategy).</summary>
    public void ForecastInternal(Span<float> window, Span<float> forecast)
    {
        ForecastSpec spec = _model.Spec;
        SeriesScaler scaler = _model.Scaler;
        int c = spec.Channels, w = spec.WindowSize;
        float g = _model.NetworkWeight;
        if (spec.Strategy == ForecastStrategy.Direct)
        {
            ForecastModel.Baseline(spec, _model.Highway, window, _targets, _baseline);
            Run(window);
            for (int h = 0; h < spec.Horizon; h++) forecast[h] = _baseline[h] + (g * _outputs[h] * scaler.DiffStd);
            return;
        }
        for (int h = 0; h < spec.Horizon; h++)
        {
            ForecastModel.Baseline(spec, _model.Highway, window, _targets, _baseline);
            Run(window);
            // Slide the window one step and append the prediction (target, then covariates).
            window[c..].CopyTo(window);
            Span<float> next = window.Slice((w - 1) * c, c);
            next[0] = _baseline[0] + (g * _outputs[0] * scaler.DiffStd);
            for (int j = 1; j < c; j++) next[j] = (_outputs[j] * scaler.CovariateStds[j - 1]) + scaler.CovariateMeans[j - 1];
            forecast[h] = next[0];
        }
    }

    /// <summary>The ensemble's mean output [O] for one window [W, C] (internal units).</summary>
    private void Run(ReadOnlySpan<float> window)
    {
        ForecastSpec spec = _model.Spec;
        _batch.ResetValues(1, spec.WindowSize, spec.InputSize);
        _model.Scaler.Encode(window, spec.Channels, _batch.Values);
        _batch.Seal();
        _outputs.AsSpan().Clear();
        foreach (var network in _networks)
        {
            ReadOnlySpan<float> output = network.Forward(_batch).Span;
            for (int o = 0; o < _outputs.Length; o++) _outputs[o] += output[o] / _networks.Length;
        }
    }
}
