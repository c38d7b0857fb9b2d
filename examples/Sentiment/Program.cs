// Sentiment classification of sentences with a recurrent network, the ML.NET way:
// load a TSV (text<TAB>label), split, normalise + tokenise + map tokens to keys, train an LSTM, evaluate,
// save the pipeline to sentiment.zip, reload it and predict.
// Usage: dotnet run -c Release --project examples/Sentiment [-- --data PATH] [--cell lstm|gru|rnn]
//        [--bidirectional] [--epochs N] [--hidden N] [--embedding N] [--splits N] [--short] [--out DIR]
//   --splits N   repeat with N random 80/20 splits (seeds 1..N) and print the mean metrics
//   --short      use the short overload's defaults: Recurrent(labelColumnName, featureColumnName)
//   --api        use API.md's options snippet (LSTM, embedding 64, hidden 128, 10 epochs, the rest default)
//   --tune       never score the test part: train on 80 % of each training part, score on the other 20 % (for choosing settings)
//   --wide N, --char-ngrams N, --wide-scale X, --average N: the wide path's buckets (0 off), character n-grams and feature
//                scale, and the epochs averaged
//   --baseline   also run ML.NET's own text pipelines on the same splits: FeaturizeText + SdcaLogisticRegression and
//                FeaturizeText + AveragedPerceptron (what an ML.NET user already has), printed beside the recurrent model
//   --validation F  hold out F of the training part for early stopping (best epoch restored)
//   --embeddings PATH  initialise the embedding from GloVe/word2vec text vectors (--embedding must match their width);
//                      --freeze keeps them fixed
//   --explain TEXT     print each token's contribution to the prediction for TEXT
//   --lr, --pooling, --dropout, --embedding-dropout, --token-dropout, --weight-decay: training settings
//                      (defaults 3e-3, mean, 0.3, 0.3, 0.2, 0)
using System.Diagnostics;
using System.Globalization;
using Rnn.Cli.Reporting;
using Rnn.Core.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
// --onnx PATH: after training, also write the model as an ONNX graph (docs/onnx.md).
int onnxAt = Array.IndexOf(args, "--onnx");
string? onnxPath = onnxAt >= 0 && onnxAt + 1 < args.Length ? args[onnxAt + 1] : null;
if (onnxAt >= 0) args = [.. args[..onnxAt], .. args[Math.Min(args.Length, onnxAt + 2)..]];
var arguments = SentimentArguments.Parse(args);
if (arguments is null) return 2;

var ml = new MLContext(seed: 1);
// A line with the wrong number of fields stops the load with the file and line number.
IDataView data = ml.Data.LoadFromTextFile<Review>(arguments.DataPath, separatorChar: '\t', hasHeader: false);
Console.WriteLine($"training on {arguments.DataName} ({arguments.Describe()})");

ITransformer model = null!;
var runs = new List<(double Accuracy, double Auc, double F1, double Seconds)>();
var baselines = new Dictionary<string, List<(double Accuracy, double Auc, double F1, double Seconds)>>();
for (int run = 0; run < arguments.Splits; run++)
{
    var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1 + run);
    // --tune: never look at the test part; train on 80 % of the training part and score on the other 20 %.
    if (arguments.Tune) split = ml.Data.TrainTestSplit(split.TrainSet, testFraction: 0.2, seed: 100 + run);
    var clock = Stopwatch.StartNew();
    var epochLosses = new List<double>();
    model = ConsoleProgress.Run($"split {run + 1}", progress => BuildPipeline(ml, arguments, seed: 1 + run, report =>
    {
        progress.Report(report);
        if (report.IsEpochEnd) epochLosses.Add(report.TrainingLoss);
    }).Fit(split.TrainSet), everyEpoch: arguments.Verbose);
    if (run == 0 && epochLosses.Count > 0)
    {
        Plots.Lines(arguments.OutDir, "loss", $"Training loss, {arguments.DataName}", "epoch", "cross-entropy (nats)",
            [PlotSeries.Steps("training loss", epochLosses)], markers: true);
    }
    double seconds = clock.Elapsed.TotalSeconds;
    BinaryClassificationMetrics m = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
    runs.Add((m.Accuracy, m.AreaUnderRocCurve, m.F1Score, seconds));
    Console.WriteLine($"split {run + 1}: Accuracy: {m.Accuracy:F3}  AUC: {m.AreaUnderRocCurve:F3}  F1: {m.F1Score:F3}  (test rows: {m.ConfusionMatrix.Counts.Sum(r => r.Sum())}, training {seconds:F1}s)");
    if (arguments.Baseline)
    {
        foreach (var (name, baseline) in MlNetBaselines(ml))
        {
            var baselineClock = Stopwatch.StartNew();
            ITransformer fitted = baseline.Fit(split.TrainSet);
            double baselineSeconds = baselineClock.Elapsed.TotalSeconds;
            BinaryClassificationMetrics b = ml.BinaryClassification.EvaluateNonCalibrated(fitted.Transform(split.TestSet));
            (baselines.TryGetValue(name, out var list) ? list : baselines[name] = []).Add((b.Accuracy, b.AreaUnderRocCurve, b.F1Score, baselineSeconds));
            Console.WriteLine($"         {name}: Accuracy: {b.Accuracy:F3}  AUC: {b.AreaUnderRocCurve:F3}  F1: {b.F1Score:F3}  (training {baselineSeconds:F1}s)");
        }
    }
}
if (runs.Count > 1 || baselines.Count > 0)
{
    Console.WriteLine($"mean over {runs.Count} splits (± standard deviation of accuracy):");
    PrintMean("RnnMl recurrent", runs);
    foreach (var (name, list) in baselines) PrintMean(name, list);
}

string zip = Path.Combine(arguments.OutDir, "sentiment.zip");
ml.Model.Save(model, data.Schema, zip);
Console.WriteLine($"wrote {zip}");
if (onnxPath is not null)
{
    model.ExportOnnx(onnxPath);
    Console.WriteLine($"wrote {onnxPath}");
}
ITransformer loaded = ml.Model.Load(zip, out DataViewSchema inputSchema);
var engine = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(loaded);
foreach (string text in new[] { "the soup was delicious and we loved it", "our waiter was rude, never again", "the pasta was not fresh at all", "the music was noisy but the staff was lovely" })
{
    ReviewPrediction p = engine.Predict(new Review { Text = text });
    Console.WriteLine($"{(p.PredictedLabel ? "positive" : "negative"),-8} {p.Probability:F3}  {text}");
}
if (arguments.Explain is { } sentence)
{
    TokenExplanation explanation = ml.Model.ExplainTokens(loaded, new Review { Text = sentence });
    Console.WriteLine($"explain \"{sentence}\": score {explanation.Score:F3} (all tokens occluded: {explanation.BaselineScore:F3})");
    foreach (TokenContribution t in explanation.Tokens)
        Console.WriteLine($"  {t.Token,-16} {t.Contribution,8:+0.000;-0.000}  {new string(t.Contribution >= 0 ? '+' : '-', Math.Min(40, (int)Math.Round(Math.Abs(t.Contribution) * 10)))}");
}
return 0;

static void PrintMean(string name, List<(double Accuracy, double Auc, double F1, double Seconds)> runs)
{
    double mean = runs.Average(r => r.Accuracy);
    double sd = Math.Sqrt(runs.Sum(r => (r.Accuracy - mean) * (r.Accuracy - mean)) / Math.Max(1, runs.Count - 1));
    Console.WriteLine($"  {name,-46} Accuracy: {mean:F3} ± {sd:F3}  AUC: {runs.Average(r => r.Auc):F3}  F1: {runs.Average(r => r.F1):F3}  training {runs.Average(r => r.Seconds):F1}s");
}

// What an ML.NET user already has for text: FeaturizeText (normalised word 1-2-grams + char 3-grams) and a linear trainer.
static IEnumerable<(string Name, IEstimator<ITransformer> Pipeline)> MlNetBaselines(MLContext ml)
{
    var features = ml.Transforms.Text.FeaturizeText("Features", nameof(Review.Text));
    yield return ("ML.NET FeaturizeText + SdcaLogisticRegression", features.Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression()));
    yield return ("ML.NET FeaturizeText + AveragedPerceptron", features.Append(ml.BinaryClassification.Trainers.AveragedPerceptron()));
}

static IEstimator<ITransformer> BuildPipeline(MLContext ml, SentimentArguments a, int seed, Action<TrainingProgress> progress)
{
    var text = ml.Transforms.Text.NormalizeText("NormText", nameof(Review.Text), keepPunctuations: false)
        .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
        .Append(ml.Transforms.Conversion.MapValueToKey("Tokens", maximumNumberOfKeys: 20000));
    if (a.Api)
    {
        // API.md's snippet, exactly: every other option at its default.
        return text.Append(ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions {
            LabelColumnName = "Label", FeatureColumnName = "Tokens",
            Cell = RecurrentCellType.Lstm, EmbeddingSize = 64, HiddenSize = 128, Epochs = 10 }));
    }
    if (a.Short)
    {
        var trainer = ml.BinaryClassification.Trainers.Recurrent(labelColumnName: "Label", featureColumnName: "Tokens");
        return text.Append(trainer);
    }
    return text.Append(ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
    {
        LabelColumnName = "Label", FeatureColumnName = "Tokens",
        Cell = a.Cell, Bidirectional = a.Bidirectional,
        EmbeddingSize = a.Embedding, HiddenSize = a.Hidden, Epochs = a.Epochs,
        PretrainedEmbeddingsPath = a.EmbeddingsPath, FreezeEmbeddings = a.Freeze,
        LearningRate = a.LearningRate, Pooling = a.Pooling, Dropout = a.Dropout, EmbeddingDropout = a.EmbeddingDropout, TokenDropout = a.TokenDropout,
        WideBuckets = a.WideBuckets, WideCharNGrams = a.CharNGrams ?? new RecurrentTrainerOptions().WideCharNGrams, AverageLastEpochs = a.Average, WideFeatureScale = a.WideScale ?? new RecurrentTrainerOptions().WideFeatureScale,
        L2Regularization = a.WeightDecay, ValidationFraction = a.Validation, Optimizer = a.WeightDecay > 0 ? RecurrentOptimizer.AdamW : RecurrentOptimizer.Adam, Seed = seed,
        Progress = progress,
    }));
}

/// <summary>One labelled sentence: text, tab, 0/1.</summary>
public sealed class Review
{
    /// <summary>The sentence.</summary>
    [LoadColumn(0)]
    public string Text { get; set; } = "";

    /// <summary>True for a positive sentence.</summary>
    [LoadColumn(1)]
    public bool Label { get; set; }
}

/// <summary>The trainer's output columns.</summary>
public sealed class ReviewPrediction
{
    /// <summary>Positive or not.</summary>
    public bool PredictedLabel { get; set; }

    /// <summary>P(positive).</summary>
    public float Probability { get; set; }

    /// <summary>The raw margin.</summary>
    public float Score { get; set; }
}

/// <summary>Command-line options of the example.</summary>
internal sealed record SentimentArguments(string DataPath, string DataName, RecurrentCellType Cell, bool Bidirectional, int Epochs, int Hidden, int Embedding, string OutDir,
    int Splits, bool Short, bool Verbose, float LearningRate, RecurrentPooling Pooling, float Dropout, float EmbeddingDropout, float WeightDecay,
    string? EmbeddingsPath, bool Freeze, string? Explain, float TokenDropout, bool Baseline, float Validation, int? WideBuckets, int? CharNGrams, bool Tune, bool Api, int? Average, float? WideScale)
{
    public string Describe() => (Tune ? "TUNING on a validation part of each training split; " : "") + (Baseline ? "with ML.NET's FeaturizeText baselines; " : "") + (Api ? "API.md's options snippet: LSTM, embedding 64, hidden 128, 10 epochs, other options at their defaults" : Short
        ? "short overload defaults: LSTM, hidden 64, 10 epochs"
        : $"{Cell}{(Bidirectional ? ", bidirectional" : "")}, embedding {Embedding}, hidden {Hidden}, {Epochs} epochs, {Pooling} pooling, " +
          $"dropout {Dropout}, embedding dropout {EmbeddingDropout}, token dropout {TokenDropout}, lr {LearningRate}, weight decay {WeightDecay}, wide buckets {WideBuckets?.ToString() ?? "default"}, char n-grams {CharNGrams?.ToString() ?? "default"}, averaged epochs {Average?.ToString() ?? "default"}");

    public static SentimentArguments? Parse(string[] args)
    {
        string? data = null, outDir = ".";
        var cell = RecurrentCellType.Lstm;
        bool bidirectional = false, useShort = false, verbose = true;
        int epochs = 10, hidden = 64, embedding = 64, splits = 1;
        string? embeddingsPath = null, explain = null;
        bool freeze = false, baseline = false;
        float validation = 0f;
        int? wideBuckets = null, charNGrams = null;
        bool tune = false, api = false;
        int? average = null;
        float? wideScale = null;
        float learningRate = 3e-3f, dropout = 0.3f, embeddingDropout = 0.3f, weightDecay = 0f, tokenDropout = 0.2f;
        var pooling = RecurrentPooling.Mean;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--data": data = Next(); break;
                case "--out": outDir = Next(); break;
                case "--cell": cell = Enum.Parse<RecurrentCellType>(Next(), ignoreCase: true); break;
                case "--bidirectional": bidirectional = true; break;
                case "--epochs": epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--hidden": hidden = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--embedding": embedding = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--splits": splits = int.Parse(Next(), CultureInfo.InvariantCulture); verbose = false; break;
                case "--short": useShort = true; break;
                case "--tune": tune = true; break;
                case "--api": api = true; break;
                case "--wide-scale": wideScale = float.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--average": average = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--wide": wideBuckets = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--char-ngrams": charNGrams = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--baseline": baseline = true; break;
                case "--validation": validation = float.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--embeddings": embeddingsPath = Next(); break;
                case "--freeze": freeze = true; break;
                case "--explain": explain = Next(); break;
                case "--lr": learningRate = float.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--dropout": dropout = float.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--embedding-dropout": embeddingDropout = float.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--token-dropout": tokenDropout = float.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--weight-decay": weightDecay = float.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pooling": pooling = Enum.Parse<RecurrentPooling>(Next(), ignoreCase: true); break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'");
                    Console.Error.WriteLine("usage: Sentiment [--data PATH] [--cell lstm|gru|rnn] [--bidirectional] [--epochs N] [--hidden N] [--embedding N] [--lr X] [--pooling last|mean|max] [--dropout P] [--embedding-dropout P] [--token-dropout P] [--weight-decay X] [--embeddings PATH [--freeze]] [--explain TEXT] [--validation F] [--splits N] [--short] [--api] [--tune] [--wide N] [--char-ngrams N] [--wide-scale X] [--average N] [--baseline] [--out DIR]");
                    return null;
            }
        }
        if (data is not null && !File.Exists(data))
        {
            Console.Error.WriteLine($"data file not found: {data}");
            return null;
        }
        Directory.CreateDirectory(outDir);
        string path = data ?? Path.Combine(AppContext.BaseDirectory, "Data", "reviews.tsv");
        return new SentimentArguments(path, data is null ? "the built-in corpus" : Path.GetFileName(data), cell, bidirectional, epochs, hidden, embedding, outDir, splits, useShort, verbose,
            learningRate, pooling, dropout, embeddingDropout, weightDecay, embeddingsPath, freeze, explain, tokenDropout, baseline, validation, wideBuckets, charNGrams, tune, api, average, wideScale);
    }
}
