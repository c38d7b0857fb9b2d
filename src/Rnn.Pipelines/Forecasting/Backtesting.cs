using System.Globalization;
using System.Text;
using Microsoft.ML;
using Rnn.Pipelines.Forecasting;

namespace Rnn.MLNet;

/// <summary>Point-forecast errors over a set of (origin, step) pairs.</summary>
/// <param name="MeanAbsoluteError">MAE = mean |y − ŷ|.</param>
/// <param name="RootMeanSquaredError">RMSE = √mean (y − ŷ)².</param>
/// <param name="SymmetricMeanAbsolutePercentageError">sMAPE in percent = mean 200·|y − ŷ| / (|y| + |ŷ|) (0 when both are 0).</param>
/// <param name="MeanAbsoluteScaledError">
/// MASE = mean |y − ŷ| / s, with s the in-sample MAE of the seasonal naive forecast (lag m = season length, 1 without
/// season) on the fold's training part (Hyndman and Koehler, 2006); NaN when that baseline fits the training part exactly.
/// Below 1: better than that in-sample baseline.
/// </param>
/// <param name="MeanAbsoluteErrorSpread">The standard deviation, over forecast origins, of each origin's MAE (NaN for fewer than 2 origins).</param>
public sealed record ForecastMetrics(double MeanAbsoluteError, double RootMeanSquaredError, double SymmetricMeanAbsolutePercentageError, double MeanAbsoluteScaledError,
    double MeanAbsoluteErrorSpread = double.NaN);

/// <summary>One fold of a rolling-origin backtest.</summary>
/// <param name="TrainingSteps">Steps the forecaster was fitted on (the series before the fold's first origin).</param>
/// <param name="Origins">Forecast origins in the fold (each forecasts H steps).</param>
/// <param name="Points">(origin, step) pairs scored.</param>
/// <param name="Model">The recurrent forecaster's errors.</param>
/// <param name="Naive">The naive forecast's errors (every step = the last observed value).</param>
/// <param name="SeasonalNaive">The seasonal naive forecast's errors (each step = the value one season earlier).</param>
/// <param name="Coverage">Share of actual values inside the forecaster's confidence bounds.</param>
/// <param name="Autoregression">The linear autoregression's errors (least squares with intercept on the same window, fitted on the fold's training part, iterated over the horizon).</param>
public sealed record BacktestFold(int TrainingSteps, int Origins, int Points, ForecastMetrics Model, ForecastMetrics Naive, ForecastMetrics SeasonalNaive, double Coverage,
    ForecastMetrics Autoregression);

/// <summary>
/// The result of <c>ml.Forecasting.Backtest</c>: the recurrent forecaster's errors next to the naive and seasonal
/// naive baselines on exactly the same (origin, step) pairs, overall and per fold. <see cref="ToString"/> prints the table.
/// </summary>
public sealed class ForecastBacktestResult
{
    internal ForecastBacktestResult(ForecastMetrics model, ForecastMetrics naive, ForecastMetrics seasonalNaive, ForecastMetrics autoregression, double coverage,
        float confidenceLevel, int seasonLength, int horizon, IReadOnlyList<BacktestFold> folds)
    {
        Model = model;
        Naive = naive;
        SeasonalNaive = seasonalNaive;
        Autoregression = autoregression;
        Coverage = coverage;
        ConfidenceLevel = confidenceLevel;
        SeasonLength = seasonLength;
        Horizon = horizon;
        Folds = folds;
    }

    /// <summary>The recurrent forecaster's errors over every fold.</summary>
    public ForecastMetrics Model { get; }

    /// <summary>Naive baseline: every step forecast as the last observed value.</summary>
    public ForecastMetrics Naive { get; }

    /// <summary>Seasonal naive baseline: step h forecast as the last observed value of the same season.</summary>
    public ForecastMetrics SeasonalNaive { get; }

    /// <summary>
    /// Linear autoregression baseline: least squares with intercept on the same window of W past values, fitted on each
    /// fold's training part, one step ahead, iterated over the horizon.
    /// </summary>
    public ForecastMetrics Autoregression { get; }

    /// <summary>Share of actual values inside the forecaster's bounds (compare with <see cref="ConfidenceLevel"/>).</summary>
    public double Coverage { get; }

    /// <summary>The nominal coverage of the bounds.</summary>
    public float ConfidenceLevel { get; }

    /// <summary>The season length m of the seasonal naive baseline and of MASE.</summary>
    public int SeasonLength { get; }

    /// <summary>H.</summary>
    public int Horizon { get; }

    /// <summary>Per-fold figures, oldest first.</summary>
    public IReadOnlyList<BacktestFold> Folds { get; }

    /// <summary>(origin, step) pairs scored.</summary>
    public int Points => Folds.Sum(f => f.Points);

    /// <summary>The table: one line per method (MAE, its spread over origins, RMSE, sMAPE, MASE), the coverage and which baselines the network beats.</summary>
    public override string ToString()
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.AppendLine(inv, $"Rolling-origin backtest: {Folds.Count} folds, {Folds.Sum(f => f.Origins)} origins, horizon {Horizon}, {Points} points, season {SeasonLength}");
        s.AppendLine(inv, $"{"method",-16}{"MAE",12}{"± origins",11}{"RMSE",12}{"sMAPE %",10}{"MASE",9}");
        foreach (var (name, m) in new[] { ("recurrent", Model), ("naive", Naive), ("seasonal naive", SeasonalNaive), ("linear AR", Autoregression) })
            s.AppendLine(inv, $"{name,-16}{m.MeanAbsoluteError,12:F4}{m.MeanAbsoluteErrorSpread,11:F4}{m.RootMeanSquaredError,12:F4}{m.SymmetricMeanAbsolutePercentageError,10:F2}{m.MeanAbsoluteScaledError,9:F3}");
        s.AppendLine(inv, $"{ConfidenceLevel * 100:F0}% interval coverage: {Coverage * 100:F1}%");
        s.Append(inv, $"recurrent vs naive: {Verdict(Model, Naive)}; vs seasonal naive: {Verdict(Model, SeasonalNaive)}; vs linear AR: {Verdict(Model, Autoregression)}");
        return s.ToString();
    }

    private static string Verdict(ForecastMetrics a, ForecastMetrics b)
    {
        int wins = (a.MeanAbsoluteError < b.MeanAbsoluteError ? 1 : 0) + (a.RootMeanSquaredError < b.RootMeanSquaredError ? 1 : 0)
            + (a.SymmetricMeanAbsolutePercentageError < b.SymmetricMeanAbsolutePercentageError ? 1 : 0) + (a.MeanAbsoluteScaledError < b.MeanAbsoluteScaledError ? 1 : 0);
        return wins switch { 4 => "better on all 4 metrics", 0 => "WORSE on all 4 metrics", _ => $"better on {wins} of 4 metrics" };
    }
}

/// <summary>Rolling-origin backtesting on <c>ml.Forecasting</c>.</summary>
public static class ForecastBacktestCatalogExtensions
{
    /// <summary>
    /// Rolling-origin backtest of a recurrent forecaster against the naive, seasonal naive and linear autoregression baselines. The last
    /// <paramref name="numberOfFolds"/> × <paramref name="testSize"/> steps are split into folds; for fold k the forecaster
    /// is fitted (scaling included) on every step before the fold only, then forecasts H steps from each of the fold's
    /// <paramref name="testSize"/> origins, reading the actual observations up to the origin. Every (origin, step) pair whose
    /// actual value exists is scored for the network and every baseline alike.
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="series">The series, one step per row, in order (the target and covariate columns of <paramref name="options"/>).</param>
    /// <param name="options">The forecaster to test.</param>
    /// <param name="numberOfFolds">Folds (fits). Default 3.</param>
    /// <param name="testSize">Origins per fold; null for the horizon. Default null.</param>
    /// <param name="seasonLength">Season length m of the seasonal naive baseline and of MASE (1: none). Default 1.</param>
    /// <returns>The errors of the network and the baselines, overall and per fold.</returns>
    public static ForecastBacktestResult Backtest(this ForecastingCatalog catalog, IDataView series, RecurrentForecasterOptions options,
        int numberOfFolds = 3, int? testSize = null, int seasonLength = 1)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numberOfFolds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seasonLength);
        var fixedSeed = options.Clone();
        var environment = CatalogContext.Of(catalog);
        fixedSeed.Seed ??= CatalogContext.Host(environment, nameof(Backtest)).Rand.Next();
        fixedSeed.Progress = null;
        var estimator = new RecurrentForecastingEstimator(environment, fixedSeed);
        ForecastSpec spec = estimator.Spec;
        RecurrentForecastingTransformer.CheckInput(series.Schema, spec);
        float[] raw = RecurrentForecastingEstimator.ReadSeries(series, spec, options.MissingValues);
        int size = testSize ?? spec.Horizon;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size, nameof(testSize));
        return Run(estimator, spec, raw, numberOfFolds, size, seasonLength);
    }

    internal static ForecastBacktestResult Run(RecurrentForecastingEstimator estimator, ForecastSpec spec, float[] raw, int folds, int testSize, int season)
    {
        int c = spec.Channels, n = raw.Length / c, w = spec.WindowSize, h = spec.Horizon;
        int firstOrigin = n - (folds * testSize);
        if (firstOrigin < Math.Max(w, season) + 1)
            throw new ArgumentException($"The series has {n} steps: {folds} folds of {testSize} origins leave {Math.Max(0, firstOrigin)} steps to fit the first fold on.", nameof(raw));
        var all = new Scores();
        var foldResults = new List<BacktestFold>();
        var forecast = new float[h];
        var lower = new float[h];
        var upper = new float[h];
        for (int k = 0; k < folds; k++)
        {
            int origin = firstOrigin + (k * testSize);
            var model = estimator.FitSeries(raw[..(origin * c)], spec);
            var forecaster = model.Model.CreateForecaster();
            // The state moves on with each actual value, as an engine fed the truth (adaptive bounds follow it).
            var state = new ForecastState(model.State, model.Model, model.Observations, model.Bounds);
            float[] targets = [.. Enumerable.Range(0, n).Select(t => raw[t * c])];
            // Ordinary least squares; a short fold (fewer windows than W + 1 unknowns) takes the highway's small ridge.
            var autoregression = LinearAutoregression.Fit(targets.AsSpan(0, origin), w, 1, origin - w >= w + 1 ? 0 : RecurrentForecastingEstimator.HighwayRidge);
            var linear = new float[h];
            double scale = InSampleSeasonalMae(raw, c, origin, season);
            var fold = new Scores();
            int origins = 0;
            for (int t = origin; t < origin + testSize && t < n; t++)
            {
                origins++;
                if (t > origin) state.Push(raw.AsSpan((t - 1) * c, c));
                state.Forecast(forecaster, forecast, lower, upper);
                autoregression.Forecast(targets.AsSpan(t - w, w), linear);
                float last = raw[(t - 1) * c];
                for (int j = 0; j < h && t + j < n; j++)
                {
                    float actual = raw[(t + j) * c];
                    float seasonal = raw[(t + j - (((j / season) + 1) * season)) * c];
                    foreach (var s in new[] { fold, all })
                        s.Add(actual, forecast[j], last, seasonal, linear[j], scale, lower[j] <= actual && actual <= upper[j]);
                }
                fold.EndOrigin();
                all.EndOrigin();
            }
            foldResults.Add(new BacktestFold(origin, origins, fold.Count, fold.Model.Metrics(), fold.Naive.Metrics(), fold.Seasonal.Metrics(), fold.Coverage, fold.Linear.Metrics()));
        }
        return new ForecastBacktestResult(all.Model.Metrics(), all.Naive.Metrics(), all.Seasonal.Metrics(), all.Linear.Metrics(), all.Coverage, spec.ConfidenceLevel, season, h, foldResults);
    }

    /// <summary>
    /// Mean |y_t − y_{t−m}| over the first <paramref name="steps"/> steps (MASE's scale); NaN when it is (within float
    /// rounding) 0, as MASE is undefined for a series the seasonal naive forecast fits exactly.
    /// </summary>
    private static double InSampleSeasonalMae(float[] raw, int channels, int steps, int season)
    {
        double sum = 0, level = 0;
        int count = 0;
        for (int t = season; t < steps; t++, count++)
        {
            sum += Math.Abs(raw[t * channels] - raw[(t - season) * channels]);
            level += Math.Abs(raw[t * channels]);
        }
        if (count == 0) return double.NaN;
        double mae = sum / count;
        return mae > 1e-6 * Math.Max(1, level / count) ? mae : double.NaN;
    }

    private sealed class Scores
    {
        public ErrorSums Model { get; } = new();

        public ErrorSums Naive { get; } = new();

        public ErrorSums Seasonal { get; } = new();

        public ErrorSums Linear { get; } = new();

        public int Count { get; private set; }

        private int _covered;

        public double Coverage => Count == 0 ? double.NaN : _covered / (double)Count;

        public void Add(float actual, float model, float naive, float seasonal, float linear, double scale, bool covered)
        {
            Model.Add(actual, model, scale);
            Naive.Add(actual, naive, scale);
            Seasonal.Add(actual, seasonal, scale);
            Linear.Add(actual, linear, scale);
            Count++;
            if (covered) _covered++;
        }

        public void EndOrigin()
        {
            foreach (var e in new[] { Model, Naive, Seasonal, Linear }) e.EndOrigin();
        }
    }

    private sealed class ErrorSums
    {
        private readonly List<double> _originMae = [];
        private double _abs, _sq, _smape, _scaled, _originAbs;
        private int _count, _originCount;

        public void Add(double actual, double predicted, double scale)
        {
            double e = actual - predicted, denominator = Math.Abs(actual) + Math.Abs(predicted);
            _abs += Math.Abs(e);
            _sq += e * e;
            _smape += denominator == 0 ? 0 : 200 * Math.Abs(e) / denominator;
            _scaled += Math.Abs(e) / scale;
            _count++;
            _originAbs += Math.Abs(e);
            _originCount++;
        }

        /// <summary>Closes one origin's points: its MAE joins the spread.</summary>
        public void EndOrigin()
        {
            if (_originCount > 0) _originMae.Add(_originAbs / _originCount);
            (_originAbs, _originCount) = (0, 0);
        }

        public ForecastMetrics Metrics() => _count == 0
            ? new ForecastMetrics(double.NaN, double.NaN, double.NaN, double.NaN)
            : new ForecastMetrics(_abs / _count, Math.Sqrt(_sq / _count), _smape / _count, _scaled / _count, Spread(_originMae));

        private static double Spread(List<double> values)
        {
            if (values.Count < 2) return double.NaN;
            double mean = values.Average();
            return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        }
    }
}
