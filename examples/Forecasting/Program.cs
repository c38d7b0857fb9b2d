// Forecasting a series with ml.Forecasting.ForecastByRecurrent: a rolling-origin backtest against the naive and
// seasonal naive baselines, a 12-step forecast with 90% bounds, a checkpoint saved and reloaded, and forecast.png/.svg.
// Without --data it uses a generated monthly series (trend + yearly season + noise; --multiplicative: the season and the
// noise scale with the level), --length steps (default 180) drawn with --series-seed (default --seed).
// Usage: dotnet run -c Release --project examples/Forecasting [-- --data PATH --column NAME] [--season N]
//        [--window W] [--horizon H] [--epochs E] [--folds K] [--test-size N] [--seed S] [--log] [--baseline] [--out DIR]
// --folds K --test-size N: the backtest refits K times, each fold scoring N forecast origins (default N = horizon).
// --log models ln y (positive series whose swings grow with the level, such as airline passengers).
// --baseline: the hold-out comparison only, with ForecastByRecurrent's defaults (only window, horizon, 90% bounds and
// the seed given): fit on all but the last --test-size steps (default 24), forecast H steps from each of those origins
// feeding the actual values, and print ours beside naive, seasonal naive and the linear AR (same window) on the same
// points: MAE, its spread over origins, coverage of our bounds, and the fit time.
// e.g.   --data ../shared/data/airline-passengers.csv --column Passengers --season 12
//        --data ../shared/data/daily-min-temperatures.csv --column Temp --season 365
using System.Globalization;
using Microsoft.ML;
using Rnn.Cli.Reporting;
using Rnn.MLNet;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var settings = Settings.Parse(args);
if (settings is null) return 2;

var ml = new MLContext(seed: settings.Seed);
IDataView series;
string description;
if (settings.DataPath is { } path)
{
    series = CsvSeries.Load(ml, path, settings.Column!);
    description = $"{Path.GetFileName(path)}, column {settings.Column}";
}
else
{
    series = ml.Data.LoadFromEnumerable(GeneratedSeries(settings.Length, settings.SeriesSeed ?? settings.Seed, settings.Multiplicative));
    description = $"generated monthly series ({(settings.Multiplicative ? "trend × season 12 × noise" : "trend + season 12 + noise")}, seed {settings.SeriesSeed ?? settings.Seed})";
}
float[] history = ml.Data.CreateEnumerable<Observation>(series, reuseRowObject: false, ignoreMissingColumns: true).Select(o => o.Value).ToArray();
int season = settings.Season ?? (settings.DataPath is null ? 12 : 1);
int window = settings.Window ?? (season is > 1 and <= 24 ? 2 * season : 30);

// A window shorter than the season cannot see where in the season it is: give the network the position in the
// season as two covariates (sin and cos of 2πt/season), known for every step including the ones fed later.
bool calendar = season > window && !settings.Baseline;
var observations = history.Select((v, t) => Observation.At(t, v, season)).ToList();
series = ml.Data.LoadFromEnumerable(observations);
Console.WriteLine($"Series: {description}: {history.Length} steps; season {season}, window {window}, horizon {settings.Horizon}{(settings.Log ? ", log scale" : "")}{(calendar ? ", season position as covariates" : "")}");

if (settings.Baseline)
{
    var defaults = new RecurrentForecasterOptions
    {
        OutputColumnName = "Forecast", InputColumnName = nameof(Observation.Value), WindowSize = window, Horizon = settings.Horizon,
        ConfidenceLevel = 0.9f, ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper", Seed = settings.Seed,
    };
    if (settings.BoundsHalfLife is { } halfLife) defaults.AdaptiveBoundsHalfLife = halfLife;
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var holdOut = ml.Forecasting.Backtest(series, defaults, numberOfFolds: 1, testSize: settings.TestSize ?? 24, seasonLength: season);
    Console.WriteLine();
    Console.WriteLine(holdOut);
    Console.WriteLine($"fit + backtest: {clock.Elapsed.TotalSeconds:F1} s (one fit)");
    return 0;
}

var options = new RecurrentForecasterOptions
{
    OutputColumnName = "Forecast", InputColumnName = nameof(Observation.Value),
    WindowSize = window, Horizon = settings.Horizon, ConfidenceLevel = 0.9f,
    ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper",
    Cell = RecurrentCellType.Gru, HiddenSize = 32, Epochs = settings.Epochs, LearningRate = 0.005f, Seed = settings.Seed,
    LogTransform = settings.Log ? true : null,
    CovariateColumnNames = calendar ? [nameof(Observation.SeasonSin), nameof(Observation.SeasonCos)] : [],
};

// 1. Backtest: refit on each fold's past only, score the network and both baselines on the same points.
var backtest = ml.Forecasting.Backtest(series, options, numberOfFolds: settings.Folds, testSize: settings.TestSize ?? settings.Horizon, seasonLength: season);
Console.WriteLine();
Console.WriteLine(backtest);

// 2. Fit on the whole series and forecast the next steps from its end.
var model = ml.Forecasting.ForecastByRecurrent(options).Fit(series);
using var engine = model.CreateForecastEngine<Observation, ForecastOutput>(ml);
ForecastOutput forecast = engine.Predict();
Console.WriteLine();
Console.WriteLine($"Next {settings.Horizon} steps (90% bounds):");
Console.WriteLine($"{"step",6}{"forecast",12}{"lower",12}{"upper",12}");
for (int h = 0; h < forecast.Forecast.Length; h++)
    Console.WriteLine($"{history.Length + h + 1,6}{forecast.Forecast[h],12:F2}{forecast.Lower[h],12:F2}{forecast.Upper[h],12:F2}");

// 3. Checkpoint: model + state; ml.Model.Load brings the engine back where it was.
Directory.CreateDirectory(settings.OutputDirectory);
string checkpoint = Path.Combine(settings.OutputDirectory, "forecaster.zip");
engine.CheckPoint(ml, checkpoint);
ITransformer loaded = ml.Model.Load(checkpoint, out _);
using var resumed = loaded.CreateForecastEngine<Observation, ForecastOutput>(ml);
bool same = resumed.Predict().Forecast.SequenceEqual(forecast.Forecast);
Console.WriteLine();
Console.WriteLine($"Checkpoint: wrote {checkpoint}; reloaded after {resumed.Observations} observations, same forecast: {(same ? "yes" : "NO")}");
var next = resumed.Predict(Observation.At(history.Length, forecast.Forecast[0], season));
Console.WriteLine($"Fed the first forecast back as an observation: next step {next.Forecast[0]:F2} [{next.Lower[0]:F2}, {next.Upper[0]:F2}]");

// 4. forecast.png and forecast.svg: the recent history, the forecast and its bounds.
int shown = Math.Max(4 * settings.Horizon, 3 * Math.Min(season, 60));
Plots.Forecast(settings.OutputDirectory, "forecast", $"ForecastByRecurrent: {description}", "step", "value",
    history, shown, forecast.Forecast, forecast.Lower, forecast.Upper, "90% bounds");
return 0;

static List<Observation> GeneratedSeries(int months, int seed, bool multiplicative)
{
    var rng = new Random(seed);
    return Enumerable.Range(0, months).Select(t =>
    {
        double gauss = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        double season = Math.Sin(2 * Math.PI * t / 12);
        return new Observation
        {
            Value = (float)(multiplicative
                ? (100 + (1.2 * t)) * (1 + (0.15 * season)) * Math.Exp(0.04 * gauss)
                : 100 + (0.8 * t) + (12 * season) + (3 * gauss)),
        };
    }).ToList();
}

internal sealed class Observation
{
    public float Value { get; set; }

    public float SeasonSin { get; set; }

    public float SeasonCos { get; set; }

    /// <summary>The observation of step <paramref name="t"/> with its position in the season.</summary>
    public static Observation At(int t, float value, int season) => new()
    {
        Value = value,
        SeasonSin = MathF.Sin(2 * MathF.PI * (t % season) / season),
        SeasonCos = MathF.Cos(2 * MathF.PI * (t % season) / season),
    };
}

internal sealed class ForecastOutput
{
    public float[] Forecast { get; set; } = [];

    public float[] Lower { get; set; } = [];

    public float[] Upper { get; set; } = [];
}
