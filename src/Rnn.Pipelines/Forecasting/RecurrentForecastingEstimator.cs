using Microsoft.ML;
using Microsoft.ML.Runtime;
using Rnn.Core.Models;
using Rnn.Core.Training;
using Rnn.MLNet.Persistence;
using Rnn.Pipelines.Forecasting;
using Rnn.Pipelines.Windowing;

namespace Rnn.MLNet;

/// <summary>
/// Forecasts a series with a recurrent network (<c>ml.Forecasting.ForecastByRecurrent</c>), mirroring ML.NET's
/// ForecastBySsa: Fit on the series (one step per row, in order) gives a <see cref="RecurrentForecastingTransformer"/>
/// whose <c>CreateForecastEngine</c> forecasts the next H steps with confidence bounds and moves on as observations
/// arrive. Scaling, network, training and bounds are described on <see cref="RecurrentForecasterOptions"/>.
/// </summary>
/// <remarks>
/// Estimator characteristics: needs training; input: a Single or Double target column (and covariate columns), one
/// step per row; output: the input columns plus the forecast (and bound) columns, each a vector of H Single values.
/// </remarks>
public sealed class RecurrentForecastingEstimator : IEstimator<RecurrentForecastingTransformer>
{
    /// <summary>Fewest calibration origins (the bounds are quantiles of as many residuals per step), and fewest windows to train on before them.</summary>
    internal const int MinimumCalibrationWindows = 10;

    private readonly IHostEnvironment? _environment;
    private readonly RecurrentForecasterOptions _options;

    internal RecurrentForecastingEstimator(IHostEnvironment? environment, RecurrentForecasterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _environment = environment;
        _options = options.Clone();
        Validate(_options);
    }

    /// <summary>The outcome of the final training run of the last <see cref="Fit(IDataView)"/>.</summary>
    public TrainingResult? LastTrainingResult { get; private set; }

    internal ForecastSpec Spec => new(_options.InputColumnName, [.. _options.CovariateColumnNames], _options.WindowSize, _options.Horizon,
        _options.Strategy, _options.ConfidenceLevel, _options.OutputColumnName, _options.ConfidenceLowerBoundColumn, _options.ConfidenceUpperBoundColumn,
        _options.LogTransform ?? false);

    /// <inheritdoc/>
    public RecurrentForecastingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ForecastSpec spec = Spec;
        RecurrentForecastingTransformer.CheckInput(input.Schema, spec);
        float[] raw = ReadSeries(input, spec, _options.MissingValues);
        var fitted = FitSeries(raw, spec);
        return new RecurrentForecastingTransformer(fitted.Model, fitted.State, fitted.Observations, input, fitted.Bounds);
    }

    /// <summary>Fits on a raw series [N, C] (target, then covariates, per step).</summary>
    internal ParsedForecast FitSeries(float[] raw, ForecastSpec spec)
    {
        int c = spec.Channels, n = raw.Length / c, w = spec.WindowSize, h = spec.Horizon;
        // Windows start at 0..trainingWindows−1; calibration origins are the latest starts whose H targets exist, and the
        // first network trains only on windows whose targets all come before the first calibration target.
        int trainingWindows = n - w - spec.TrainingTargets + 1, lastCalibration = n - w - h;
        int calibrationWindows = Math.Max(MinimumCalibrationWindows, (int)Math.Ceiling(trainingWindows * (double)_options.CalibrationFraction));
        int firstCalibration = lastCalibration - calibrationWindows + 1;
        int split = firstCalibration - spec.TrainingTargets + 1;
        if (split < MinimumCalibrationWindows)
            throw new ArgumentException(
                $"The series has {n} steps: too short for windows of {w}, horizon {h} and calibration fraction {_options.CalibrationFraction} " +
                $"({Math.Max(0, split)} windows to train on before {calibrationWindows} calibration origins; at least {MinimumCalibrationWindows} are needed). " +
                "Use a longer series or a smaller window or horizon.", nameof(raw));

        int seed = _options.Seed ?? CatalogContext.Host(_environment, nameof(RecurrentForecastingEstimator)).Rand.Next();
        var (log, highwayKind) = ChooseLinear(raw, spec, firstCalibration, lastCalibration);
        spec = spec with { LogTarget = log };
        float[] series = spec.ToInternal(raw); // the network's units (ln y with LogTransform)
        var scaler = SeriesScaler.Fit(series, c);

        // 1. Networks on the windows before the first calibration target (each learning what the highway fitted on the
        // same steps leaves), 2. rolling forecasts from the calibration origins: the network weight, then residual
        // quantiles per step.
        if (_options.ResumeFrom is { } resume && !File.Exists(resume) && !File.Exists(resume + CalibrationSuffix))
            throw new FileNotFoundException($"There is no checkpoint to resume from at '{resume}' (nor '{resume}{CalibrationSuffix}').", resume);
        var early = TrainEnsemble(spec, scaler, FitHighway(spec, series, firstCalibration + w, highwayKind), series, split, seed,
            _options.Progress, _options.RefitAfterCalibration ? CalibrationSuffix : "");
        var rolling = new RollingOrigins(spec, scaler, series, early, highwayKind, firstCalibration, lastCalibration);
        float weight = _options.NetworkWeight ?? NetworkWeights.MinBy(rolling.MeanAbsoluteError);
        float[][] residuals = rolling.Residuals(weight);
        var lower = new float[h];
        var upper = new float[h];
        for (int k = 0; k < h; k++)
            (lower[k], upper[k]) = _options.SymmetricBounds ? SymmetricConformalQuantile(residuals[k], spec.ConfidenceLevel) : ConformalQuantiles(residuals[k], spec.ConfidenceLevel);

        // 2b. Scale-adaptive bounds: the same residuals divided by σ̂ known at their origin, and σ̂ after the last one.
        var (adaptive, bounds) = _options.AdaptiveBoundsHalfLife > 0
            ? ScaledBounds(residuals, _options.AdaptiveBoundsHalfLife, spec.ConfidenceLevel, _options.SymmetricBounds, _options.AdaptiveCoverageRate)
            : (null, BoundsState.None);

        // 3. Highway and networks on every window (same seeds), with the calibrated offsets and the weight; without the
        // refit, the early networks and the highway on the same steps as they. Networks left out (weight 0) are not
        // trained again.
        var highway = FitHighway(spec, series, _options.RefitAfterCalibration ? n : firstCalibration + w, highwayKind);
        var networks = _options.RefitAfterCalibration && weight > 0f ? TrainEnsemble(spec, scaler, highway, series, trainingWindows, seed, _options.Progress, "") : early;
        var model = new ForecastModel(spec, scaler, networks, lower, upper, highway, weight, adaptive);
        if (adaptive is not null) bounds = CatchUp(model, series, lastCalibration + 1, bounds);
        return new ParsedForecast(model, raw.AsSpan((n - w) * c).ToArray(), n, bounds);
    }

    /// <summary>
    /// σ̂ moved on with the final model's one-step errors from window starts <paramref name="first"/>..N − W − 1 (the
    /// truths after the last calibration origin's), and the one-step forecast from the last window pending, as if an
    /// engine had been fed those steps; the coverage levels start at the confidence level (the calibration origins set
    /// the scores; these steps are in the final model's own training data).
    /// </summary>
    private static BoundsState CatchUp(ForecastModel model, float[] series, int first, BoundsState bounds)
    {
        ForecastSpec spec = model.Spec;
        int c = spec.Channels, w = spec.WindowSize, n = series.Length / c;
        var forecaster = model.CreateForecaster();
        var window = new float[w * c];
        var forecast = new float[spec.Horizon];
        float scale = bounds.Scale;
        for (int s = first; s <= n - w; s++)
        {
            series.AsSpan(s * c, w * c).CopyTo(window);
            forecaster.ForecastInternal(window, forecast);
            if (s < n - w) scale = model.Adaptive!.Update(scale, MathF.Abs(series[(s + w) * c] - forecast[0]));
        }
        return bounds with { Scale = scale, Pending = forecast[0] };
    }

    /// <summary>
    /// Scale-adaptive conformal scores from the calibration residuals [H][K] (origins in order): σ̂ starts at the mean
    /// absolute one-step residual and follows each origin's one-step error once its truth is known (at the next origin),
    /// with weight λ = 2^(−1/<paramref name="halfLife"/>); the scores are the quantiles of r_{h,k} / σ̂_k, and the state
    /// keeps σ̂ after the last origin's error. With a positive <paramref name="coverageRate"/> the sorted scores are kept for
    /// adaptive coverage (<see cref="AdaptiveBounds"/>).
    /// </summary>
    internal static (AdaptiveBounds Adaptive, BoundsState State) ScaledBounds(float[][] residuals, int halfLife, float level, bool symmetric, float coverageRate = 0f)
    {
        int h = residuals.Length, k = residuals[0].Length;
        var sorted = coverageRate > 0f ? new float[h][] : null;
        var adaptive = new AdaptiveBounds(halfLife, new float[h], new float[h], coverageRate, sorted, symmetric);
        float scale = 0f;
        foreach (float r in residuals[0]) scale += MathF.Abs(r) / k;
        scale = Math.Max(scale, float.Epsilon);
        var scaled = new float[h][];
        for (int j = 0; j < h; j++) scaled[j] = new float[k];
        for (int o = 0; o < k; o++)
        {
            for (int j = 0; j < h; j++) scaled[j][o] = residuals[j][o] / scale;
            scale = adaptive.Update(scale, MathF.Abs(residuals[0][o]));
        }
        for (int j = 0; j < h; j++)
        {
            (adaptive.LowerScores[j], adaptive.UpperScores[j]) = symmetric ? SymmetricConformalQuantile(scaled[j], level) : ConformalQuantiles(scaled[j], level);
            if (sorted is null) continue;
            sorted[j] = symmetric ? [.. scaled[j].Select(MathF.Abs)] : (float[])scaled[j].Clone();
            Array.Sort(sorted[j]);
            sorted[j] = Thin(sorted[j], MaxCoverageScores);
        }
        return (adaptive, new BoundsState(scale, null, sorted is null ? null : CoverageState.Initial(h, level)));
    }

    /// <summary>Most scores kept per horizon step for adaptive coverage (the payload carries them).</summary>
    internal const int MaxCoverageScores = 2048;

    /// <summary>
    /// <paramref name="sorted"/> itself when it holds at most <paramref name="count"/> values, else <paramref name="count"/>
    /// evenly spaced order statistics of it, the smallest and the largest included.
    /// </summary>
    internal static float[] Thin(float[] sorted, int count)
    {
        if (sorted.Length <= count) return sorted;
        var kept = new float[count];
        for (int i = 0; i < count; i++) kept[i] = sorted[(int)Math.Round(i * (sorted.Length - 1) / (double)(count - 1))];
        return kept;
    }

    /// <summary>The network weights tried when <see cref="RecurrentForecasterOptions.NetworkWeight"/> is null.</summary>
    private static readonly float[] NetworkWeights = [0f, 0.25f, 0.5f, 0.75f, 1f];

    /// <summary>Ridge on the highway's lag weights, relative to their mean square: a tie-breaker for short series.</summary>
    internal const double HighwayRidge = 1e-3;

    /// <summary>The highway of kind <paramref name="kind"/> fitted on the targets of the first <paramref name="steps"/> steps of <paramref name="series"/> [N, C] (internal units), or null.</summary>
    internal static LinearAutoregression? FitHighway(ForecastSpec spec, float[] series, int steps, AutoregressiveHighway kind)
    {
        if (kind == AutoregressiveHighway.None) return null;
        var targets = new float[steps];
        for (int t = 0; t < steps; t++) targets[t] = series[t * spec.Channels];
        int outputs = kind == AutoregressiveHighway.Direct && spec.Strategy == ForecastStrategy.Direct ? spec.Horizon : 1;
        return LinearAutoregression.Fit(targets, spec.WindowSize, outputs, HighwayRidge);
    }

    /// <summary>
    /// The log transform and highway kind, each fixed by the options or chosen: every candidate autoregression (on y, and
    /// on ln y when every value is positive; one-step and direct) forecasts calibration origins
    /// <paramref name="first"/>..<paramref name="last"/> refitted along them (<see cref="RollingOrigins"/>); the smallest
    /// mean absolute error in the series' units wins. Without a highway the log choice uses the one-step autoregression.
    /// </summary>
    private (bool Log, AutoregressiveHighway Highway) ChooseLinear(float[] raw, ForecastSpec spec, int first, int last)
    {
        bool positive = true;
        for (int t = 0; t < raw.Length; t += spec.Channels) positive &= raw[t] > 0f;
        bool[] logs = _options.LogTransform is { } fixedLog ? [fixedLog] : positive ? [false, true] : [false];
        AutoregressiveHighway[] kinds = _options.Highway == AutoregressiveHighway.Automatic
            ? [AutoregressiveHighway.Recursive, AutoregressiveHighway.Direct]
            : [_options.Highway];
        if (logs.Length == 1 && kinds.Length == 1) return (logs[0], kinds[0]);
        return logs.SelectMany(log => kinds.Select(kind => (Log: log, Highway: kind))).MinBy(candidate =>
        {
            ForecastSpec s = spec with { LogTarget = candidate.Log };
            float[] series = s.ToInternal(raw);
            var kind = candidate.Highway == AutoregressiveHighway.None ? AutoregressiveHighway.Recursive : candidate.Highway;
            return new RollingOrigins(s, SeriesScaler.Fit(series, spec.Channels), series, [], kind, first, last).MeanAbsoluteError(0f);
        });
    }

    /// <summary>Suffix of the checkpoints of the networks trained only to calibrate the bounds.</summary>
    private const string CalibrationSuffix = ".calibration";

    /// <summary>
    /// <see cref="RecurrentForecasterOptions.EnsembleSize"/> networks (seeds <paramref name="seed"/> + m); checkpoints (when
    /// asked) go to the checkpoint path + <paramref name="checkpointSuffix"/>, member m ≥ 1 with ".m" appended.
    /// </summary>
    private SequenceModel[] TrainEnsemble(ForecastSpec spec, SeriesScaler scaler, LinearAutoregression? highway, float[] series, int windows, int seed,
        Action<TrainingProgress>? progress, string checkpointSuffix) =>
        [.. Enumerable.Range(0, _options.EnsembleSize).Select(m =>
            Train(spec, scaler, highway, series, windows, seed + m, progress, m == 0 ? checkpointSuffix : $"{checkpointSuffix}.{m}"))];

    private SequenceModel Train(ForecastSpec spec, SeriesScaler scaler, LinearAutoregression? highway, float[] raw, int windows, int seed,
        Action<TrainingProgress>? progress, string checkpointSuffix)
    {
        var network = new SequenceModel(ForecastModel.NetworkOptions(spec, _options.Cell, _options.HiddenSize, _options.NumberOfLayers, seed));
        string? resume = _options.ResumeFrom + checkpointSuffix;
        LastTrainingResult = SequenceTrainer.Fit(network, ForecastModel.Windows(spec, scaler, highway, raw, 0, windows), new TrainerOptions
        {
            Epochs = _options.Epochs, BatchSize = _options.BatchSize, LearningRate = _options.LearningRate,
            Loss = LossKind.Mse, GradientClipNorm = 5f, Seed = seed, Progress = progress,
            CheckpointPath = _options.CheckpointPath is null ? null : _options.CheckpointPath + checkpointSuffix,
            CheckpointEveryBatches = _options.CheckpointEveryBatches,
            ResumeFrom = _options.ResumeFrom is not null && File.Exists(resume) ? resume : null,
        });
        return network;
    }

    /// <summary>
    /// The (1−c)/2 and (1+c)/2 quantiles of <paramref name="residuals"/> as order statistics of ranks ⌊(n+1)(1−c)/2⌋ and
    /// ⌈(n+1)(1+c)/2⌉ (1-based, clamped to 1..n): split conformal prediction's finite-sample correction.
    /// </summary>
    internal static (float Lower, float Upper) ConformalQuantiles(float[] residuals, float level)
    {
        var sorted = (float[])residuals.Clone();
        Array.Sort(sorted);
        int n = sorted.Length;
        double c = Math.Round(level, 6); // 0.9f is 0.899999976: round so that exact ranks stay exact
        int lo = Math.Clamp((int)Math.Floor(((n + 1) * (1 - c) / 2) + 1e-9), 1, n);
        int hi = Math.Clamp((int)Math.Ceiling(((n + 1) * (1 + c) / 2) - 1e-9), 1, n);
        return (sorted[lo - 1], sorted[hi - 1]);
    }

    /// <summary>
    /// ∓ the c quantile of |<paramref name="residuals"/>| as the order statistic of rank ⌈(n+1)c⌉ (1-based, clamped to
    /// 1..n): split conformal prediction's symmetric interval (Lei et al., 2018).
    /// </summary>
    internal static (float Lower, float Upper) SymmetricConformalQuantile(float[] residuals, float level)
    {
        float[] sorted = [.. residuals.Select(MathF.Abs)];
        Array.Sort(sorted);
        int n = sorted.Length;
        double c = Math.Round(level, 6); // 0.9f is 0.899999976: round so that exact ranks stay exact
        int rank = Math.Clamp((int)Math.Ceiling(((n + 1) * c) - 1e-9), 1, n);
        return (-sorted[rank - 1], sorted[rank - 1]);
    }

    /// <summary>The target and covariate columns of every row, [N, C].</summary>
    internal static float[] ReadSeries(IDataView input, ForecastSpec spec, MissingValuePolicy missing)
    {
        var columns = spec.InputColumns.Select(name => SeriesTable.Read(input, name, null, null, missing).Values).ToArray();
        int n = columns[0].Length, c = columns.Length;
        var raw = new float[n * c];
        for (int t = 0; t < n; t++)
            for (int j = 0; j < c; j++) raw[(t * c) + j] = columns[j][t];
        return raw;
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ForecastSpec spec = Spec;
        foreach (string name in spec.InputColumns)
        {
            var column = inputSchema.FirstOrDefault(c => c.Name == name);
            if (column.Name is null)
                throw new ArgumentException($"Series column '{name}' not found in the input schema.", nameof(inputSchema));
            if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.IsKey || (column.ItemType.RawType != typeof(float) && column.ItemType.RawType != typeof(double)))
                throw new ArgumentException($"Series column '{name}' is {column}; expected Single or Double, one step per row.", nameof(inputSchema));
        }
        // The shape of the same chain of built-ins the fitted transformer is made of.
        return ForecastChain.Create(new MLContext(), spec, "").GetOutputSchema(inputSchema);
    }

    private static void Validate(RecurrentForecasterOptions o)
    {
        if (string.IsNullOrEmpty(o.InputColumnName)) throw new ArgumentException("InputColumnName must name the series column.", nameof(o));
        if (string.IsNullOrEmpty(o.OutputColumnName)) throw new ArgumentException("OutputColumnName must name a column.", nameof(o));
        ArgumentNullException.ThrowIfNull(o.CovariateColumnNames, nameof(o.CovariateColumnNames));
        Check(o.WindowSize is > 0 and <= 100_000, o.WindowSize, "WindowSize must be in 1..100000");
        Check(o.Horizon is > 0 and <= FixedVector.MaxLength, o.Horizon, $"Horizon must be in 1..{FixedVector.MaxLength}");
        Check(o.ConfidenceLevel is > 0f and < 1f, o.ConfidenceLevel, "ConfidenceLevel must be in (0, 1)");
        Check(o.CalibrationFraction is > 0f and < 1f, o.CalibrationFraction, "CalibrationFraction must be in (0, 1)");
        Check(o.AdaptiveBoundsHalfLife is >= 0 and <= 1_000_000, o.AdaptiveBoundsHalfLife, "AdaptiveBoundsHalfLife must be in 0..1000000");
        Check(o.AdaptiveCoverageRate is >= 0f and <= 1f, o.AdaptiveCoverageRate, "AdaptiveCoverageRate must be in [0, 1]");
        Check(o.HiddenSize > 0, o.HiddenSize, "HiddenSize must be positive");
        Check(o.NumberOfLayers > 0, o.NumberOfLayers, "NumberOfLayers must be positive");
        Check(o.Epochs > 0, o.Epochs, "Epochs must be positive");
        Check(o.BatchSize > 0, o.BatchSize, "BatchSize must be positive");
        Check(o.LearningRate > 0f, o.LearningRate, "LearningRate must be positive");
        Check(Enum.IsDefined(o.Highway), o.Highway, "Highway is not defined");
        Check(o.NetworkWeight is null or (>= 0f and <= 1f), o.NetworkWeight!, "NetworkWeight must be null (chosen) or in [0, 1]");
        Check(o.EnsembleSize is > 0 and <= 64, o.EnsembleSize, "EnsembleSize must be in 1..64");
        Check(Enum.IsDefined(o.Strategy), o.Strategy, "Strategy is not defined");
        Check(Enum.IsDefined(o.Cell), o.Cell, "Cell is not defined");
        Check(o.MissingValues is MissingValuePolicy.Error or MissingValuePolicy.Interpolate, o.MissingValues, "MissingValues must be Error or Interpolate (a forecaster needs every step)");
        var inputs = o.CovariateColumnNames.Prepend(o.InputColumnName).ToList();
        if (inputs.Any(string.IsNullOrEmpty) || inputs.Distinct(StringComparer.Ordinal).Count() != inputs.Count)
            throw new ArgumentException($"The target and covariate columns must be distinct, non-empty names (got {string.Join(", ", inputs)}).", nameof(o));
        var outputs = new[] { o.OutputColumnName, o.ConfidenceLowerBoundColumn, o.ConfidenceUpperBoundColumn }.Where(n => n is not null).ToList();
        if (outputs.Distinct(StringComparer.Ordinal).Count() != outputs.Count || outputs.Any(n => inputs.Contains(n!)))
            throw new ArgumentException($"The forecast and bound columns must differ from each other and from the input columns (got {string.Join(", ", outputs)}).", nameof(o));

        static void Check(bool ok, object value, string message)
        {
            if (!ok) throw new ArgumentOutOfRangeException(nameof(o), value, $"RecurrentForecasterOptions.{message}, got {value}.");
        }
    }
}
