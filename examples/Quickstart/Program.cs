// Quickstart: a tour of RnnMl on built-in data, in well under a minute.
// 1. Sentiment: load labelled sentences, split, run ML.NET's own text transforms, train an LSTM classifier after them,
//    evaluate with ML.NET's evaluator beside ML.NET's own FeaturizeText + SdcaLogisticRegression, save the fitted
//    pipeline as an ML.NET zip, load it back with a plain ml.Model.Load and predict new sentences.
// 2. Forecasting: a monthly series with trend and season, backtested against naive and seasonal naive,
//    fitted, checkpointed with its state, resumed from the zip, forecasting the next months with 90% bounds.
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var clock = Stopwatch.StartNew();
var ml = new MLContext(seed: 1);
string outDir = args.Length == 2 && args[0] == "--out" ? args[1] : Path.GetTempPath();
Directory.CreateDirectory(outDir);

Console.WriteLine("== Sentiment: an LSTM over word tokens");
IDataView data = ml.Data.LoadFromTextFile<Review>(Path.Combine(AppContext.BaseDirectory, "Data", "reviews.tsv"), separatorChar: '\t', hasHeader: false);
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
var pipeline = ml.Transforms.Text.NormalizeText("NormText", nameof(Review.Text), keepPunctuations: false)
    .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
    .Append(ml.Transforms.Conversion.MapValueToKey("Tokens", maximumNumberOfKeys: 20000))
    .Append(ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
    {
        LabelColumnName = "Label", FeatureColumnName = "Tokens",
        Cell = RecurrentCellType.Lstm, EmbeddingSize = 64, HiddenSize = 64, Epochs = 10,
        LearningRate = 3e-3f, Pooling = RecurrentPooling.Mean, Dropout = 0.3f,
    }));
ITransformer model = pipeline.Fit(split.TrainSet);
CalibratedBinaryClassificationMetrics m = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"held-out accuracy {m.Accuracy:F3}, AUC {m.AreaUnderRocCurve:F3}, F1 {m.F1Score:F3}");
var baseline = ml.Transforms.Text.FeaturizeText("Features", nameof(Review.Text))
    .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression()).Fit(split.TrainSet);
CalibratedBinaryClassificationMetrics b = ml.BinaryClassification.Evaluate(baseline.Transform(split.TestSet));
Console.WriteLine($"ML.NET's FeaturizeText + SdcaLogisticRegression on the same split: accuracy {b.Accuracy:F3}, AUC {b.AreaUnderRocCurve:F3}, F1 {b.F1Score:F3}");

string zip = Path.Combine(outDir, "sentiment.zip");
ml.Model.Save(model, data.Schema, zip);
// What an app does: a new MLContext, a plain ml.Model.Load, no registration call.
var app = new MLContext();
ITransformer loaded = app.Model.Load(zip, out DataViewSchema inputSchema);
RecurrentModel typed = RecurrentModel.FromTransformer(loaded);
Console.WriteLine($"saved and reloaded {zip} ({new FileInfo(zip).Length / 1024} KiB; input columns: {string.Join(", ", inputSchema.Select(c => c.Name))}; " +
    $"{typed.NetworkOptions.Cell} {typed.NetworkOptions.HiddenSize}, {typed.Parameters.ElementCount:N0} weights)");
var engine = app.Model.CreatePredictionEngine<Review, ReviewPrediction>(loaded);
foreach (string text in new[] { "the soup was delicious and we loved it", "our waiter was rude, never again", "the pasta was not fresh at all", "the music was noisy but the staff was lovely" })
{
    ReviewPrediction p = engine.Predict(new Review { Text = text });
    Console.WriteLine($"  {(p.PredictedLabel ? "positive" : "negative"),-8} {p.Probability:F3}  \"{text}\"");
}
Console.WriteLine("== Forecasting: a GRU forecaster against the naive baselines");
var noise = new Random(7); // trend + season + a second cycle + noise: without noise a linear recurrence fits it exactly
var months = Enumerable.Range(0, 144)
    .Select(t => new Obs { Value = (float)(100 + (0.8 * t) + (12 * Math.Sin(2 * Math.PI * t / 12)) + (3 * Math.Sin(1.7 * t)) + (2 * (noise.NextDouble() - 0.5) * 3)) })
    .ToList();
IDataView series = ml.Data.LoadFromEnumerable(months);
var fo = new RecurrentForecasterOptions
{
    InputColumnName = nameof(Obs.Value), WindowSize = 24, Horizon = 6, ConfidenceLevel = 0.9f,
    ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper", Epochs = 30,
};
ForecastBacktestResult bt = ml.Forecasting.Backtest(series, fo, numberOfFolds: 2, seasonLength: 12);
Console.WriteLine($"backtest sMAPE: recurrent {bt.Model.SymmetricMeanAbsolutePercentageError:F2}%, naive {bt.Naive.SymmetricMeanAbsolutePercentageError:F2}%, seasonal naive {bt.SeasonalNaive.SymmetricMeanAbsolutePercentageError:F2}%");
var forecaster = ml.Forecasting.ForecastByRecurrent(fo).Fit(series);
var forecastEngine = forecaster.CreateForecastEngine<Obs, ObsForecast>(ml);
string forecasterZip = Path.Combine(outDir, "forecaster.zip");
forecastEngine.CheckPoint(ml, forecasterZip);
var resumed = ml.Model.Load(forecasterZip, out _).CreateForecastEngine<Obs, ObsForecast>(ml);
ObsForecast next = resumed.Predict();
Console.WriteLine($"checkpointed to {forecasterZip} and resumed; next {fo.Horizon} months: " + string.Join(", ", next.Forecast.Select((v, i) => $"{v:F1} [{next.Lower[i]:F1}, {next.Upper[i]:F1}]")));

Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1}s");
return 0;

/// <summary>One labelled sentence.</summary>
public sealed class Review
{
    /// <summary>The sentence.</summary>
    [LoadColumn(0)]
    public string Text { get; set; } = "";

    /// <summary>True for a positive sentence.</summary>
    [LoadColumn(1)]
    public bool Label { get; set; }
}

/// <summary>The classifier's output.</summary>
public sealed class ReviewPrediction
{
    /// <summary>Positive or not.</summary>
    public bool PredictedLabel { get; set; }

    /// <summary>P(positive).</summary>
    public float Probability { get; set; }
}

/// <summary>One month of the series.</summary>
public sealed class Obs
{
    /// <summary>The value.</summary>
    public float Value { get; set; }
}

/// <summary>The forecaster's output.</summary>
public sealed class ObsForecast
{
    /// <summary>Next values.</summary>
    public float[] Forecast { get; set; } = [];

    /// <summary>90% lower bounds.</summary>
    public float[] Lower { get; set; } = [];

    /// <summary>90% upper bounds.</summary>
    public float[] Upper { get; set; } = [];
}
