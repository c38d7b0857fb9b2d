// A user's app that gets RnnMl from NuGet: `train ZIP` fits a recurrent sentiment classifier after ML.NET's text
// transforms and saves it; `load ZIP`, in another process, loads it with a plain ml.Model.Load. Both print the same
// predictions, which eng/consumer-test.sh compares. Built as TorchConsumer/TorchConsumer.csproj (RNNML_TORCH: the Rnn.TorchSharp
// package too), `train` fits on libtorch; this app, which has no TorchSharp, loads that zip and scores it.
using System.Globalization;
using Microsoft.ML;
using Rnn.MLNet;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length != 2 || (args[0] != "train" && args[0] != "load"))
{
    Console.Error.WriteLine("usage: PackageConsumer train|load ZIP");
    return 2;
}
var ml = new MLContext(seed: 1);
string[] probes = ["the food was great and the staff lovely", "cold soup and a rude waiter", "never again"];
ITransformer model;
if (args[0] == "train")
{
    string[] good = ["great food", "lovely staff", "the soup was delicious", "we loved it", "friendly and fast", "amazing pasta"];
    string[] bad = ["rude waiter", "cold food", "never again", "the soup was awful", "slow and noisy", "terrible pasta"];
    var rows = Enumerable.Range(0, 20).SelectMany(_ => good.Select(t => new Review { Text = t, Label = true })
        .Concat(bad.Select(t => new Review { Text = t, Label = false }))).ToList();
    IDataView data = ml.Data.LoadFromEnumerable(rows);
    var pipeline = ml.Transforms.Text.NormalizeText("NormText", nameof(Review.Text))
        .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
        .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
        .Append(ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
        {
            LabelColumnName = "Label", FeatureColumnName = "Tokens", HiddenSize = 16, Epochs = 5,
#if RNNML_TORCH
            Backend = RecurrentBackend.TorchSharp,
#endif
        }));
    model = pipeline.Fit(data);
#if RNNML_TORCH
    if (!Loaded("TorchSharp")) throw new InvalidOperationException("Backend = TorchSharp trained without loading TorchSharp");
#endif
    ml.Model.Save(model, data.Schema, args[1]);
}
else
{
    model = ml.Model.Load(args[1], out _);
}
var engine = ml.Model.CreatePredictionEngine<Review, Prediction>(model);
foreach (string text in probes)
{
    Prediction p = engine.Predict(new Review { Text = text });
    Console.WriteLine($"{p.Score:R}\t{p.Probability:R}\t{p.PredictedLabel}\t{text}");
}
#if !RNNML_TORCH
if (Loaded("TorchSharp") || File.Exists(Path.Combine(AppContext.BaseDirectory, "TorchSharp.dll")))
    throw new InvalidOperationException("PackageConsumer loaded TorchSharp or has it in its output: Rnn.MLNet alone must not bring libtorch");
#endif
return 0;

static bool Loaded(string assembly) => AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == assembly);

/// <summary>A sentence and its label.</summary>
public sealed class Review
{
    public string Text { get; set; } = "";

    public bool Label { get; set; }
}

/// <summary>The recurrent classifier's columns.</summary>
public sealed class Prediction
{
    public float Score { get; set; }

    public float Probability { get; set; }

    public bool PredictedLabel { get; set; }
}
