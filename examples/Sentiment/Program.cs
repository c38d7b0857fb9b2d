// Sentiment classification of sentences with a recurrent network, the ML.NET way:
// load a TSV (text<TAB>label), split, normalise + tokenise + map tokens to keys, train an LSTM, evaluate,
// save the pipeline to sentiment.zip, reload it and predict.
// Usage: dotnet run -c Release --project examples/Sentiment [-- --data PATH] [--cell lstm|gru|rnn]
//        [--bidirectional] [--epochs N] [--hidden N] [--embedding N] [--out DIR]
using System.Diagnostics;
using System.Globalization;
using Rnn.MLNet;
using Rnn.MLNet.Data;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var arguments = SentimentArguments.Parse(args);
if (arguments is null) return 2;

var ml = new MLContext(seed: 1);
// A line with the wrong number of fields stops the load with the file and line number.
IDataView data = ml.Data.LoadFromTextFile<Review>(arguments.DataPath, separatorChar: '\t', hasHeader: false);
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
var pipeline = ml.Transforms.Text.NormalizeText("NormText", nameof(Review.Text), keepPunctuations: false)
    .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
    .Append(ml.Transforms.Conversion.MapValueToKey("Tokens", maximumNumberOfKeys: 20000))
    .Append(ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
    {
        LabelColumnName = "Label", FeatureColumnName = "Tokens",
        Cell = arguments.Cell, Bidirectional = arguments.Bidirectional,
        EmbeddingSize = arguments.Embedding, HiddenSize = arguments.Hidden, Epochs = arguments.Epochs,
        LearningRate = 3e-3f, Pooling = RecurrentPooling.Mean, Dropout = 0.3f,
        Progress = p =>
        {
            if (p.IsEpochEnd) Console.WriteLine($"epoch {p.Epoch,2}/{p.Epochs}  loss {p.TrainingLoss:F4}  {p.Elapsed.TotalSeconds,5:F1}s");
        },
    }));

Console.WriteLine($"training on {arguments.DataName} ({arguments.Cell}{(arguments.Bidirectional ? ", bidirectional" : "")})");
var clock = Stopwatch.StartNew();
ITransformer model = pipeline.Fit(split.TrainSet);
double seconds = clock.Elapsed.TotalSeconds;
BinaryClassificationMetrics m = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"Accuracy: {m.Accuracy:F3}  AUC: {m.AreaUnderRocCurve:F3}  F1: {m.F1Score:F3}  (test rows: {m.ConfusionMatrix.Counts.Sum(r => r.Sum())}, training {seconds:F1}s)");

string zip = Path.Combine(arguments.OutDir, "sentiment.zip");
ml.Model.Save(model, data.Schema, zip);
Console.WriteLine($"wrote {zip}");
ITransformer loaded = ml.Model.Load(zip, out DataViewSchema inputSchema);
var engine = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(loaded);
foreach (string text in new[] { "the soup was delicious and we loved it", "our waiter was rude, never again", "the pasta was not fresh at all", "the music was noisy but the staff was lovely" })
{
    ReviewPrediction p = engine.Predict(new Review { Text = text });
    Console.WriteLine($"{(p.PredictedLabel ? "positive" : "negative"),-8} {p.Probability:F3}  {text}");
}
return 0;

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
internal sealed record SentimentArguments(string DataPath, string DataName, RecurrentCellType Cell, bool Bidirectional, int Epochs, int Hidden, int Embedding, string OutDir)
{
    public static SentimentArguments? Parse(string[] args)
    {
        string? data = null, outDir = ".";
        var cell = RecurrentCellType.Lstm;
        bool bidirectional = false;
        int epochs = 10, hidden = 64, embedding = 64;
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
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'");
                    Console.Error.WriteLine("usage: Sentiment [--data PATH] [--cell lstm|gru|rnn] [--bidirectional] [--epochs N] [--hidden N] [--embedding N] [--out DIR]");
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
        return new SentimentArguments(path, data is null ? "the built-in corpus" : Path.GetFileName(data), cell, bidirectional, epochs, hidden, embedding, outDir);
    }
}
