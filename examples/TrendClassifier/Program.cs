// The trend lesson: classify whether a short sequence trends up (positive) or down (negative).
// RNN(1 -> 8) + Linear(8 -> 2) on the last step (or, with --pooling mean, the mean over steps),
// cross-entropy, Adam lr 0.05, 100 full-batch epochs.
// With --plot: writes loss.png and loss.svg, the training loss per epoch.
// Usage: dotnet run -c Release --project examples/TrendClassifier [-- --pooling last|mean|max] [--plot [--out DIR]]
using System.Globalization;
using Rnn.Cli.Reporting;
using Rnn.Core;
using Rnn.Core.Layers;
using Rnn.Core.Losses;
using Rnn.Core.Models;
using Rnn.Core.Optimizers;
using Rnn.Examples.Common;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var outputDirectory = OutputDirectory.FromArgs(args, out string[] rest);
var pooling = PoolingKind.Last;
bool plot = false;
for (int i = 0; i < rest.Length; i++)
{
    if (rest[i] == "--plot")
    {
        plot = true;
    }
    else if (rest[i] == "--pooling" && i + 1 < rest.Length)
    {
        string value = rest[++i];
        pooling = value switch
        {
            "last" => PoolingKind.Last,
            "mean" => PoolingKind.Mean,
            "max" => PoolingKind.Max,
            _ => throw new ArgumentException($"--pooling must be last, mean or max, got '{value}'"),
        };
    }
    else
    {
        Console.Error.WriteLine($"unknown argument '{rest[i]}'; usage: TrendClassifier [--pooling last|mean|max] [--plot [--out DIR]]");
        return 2;
    }
}

float[][] sequences =
[
    [1.0f, 1.2f, 1.3f, 1.1f, 1.0f],
    [-1.0f, -1.1f, -1.3f, -0.9f, -1.2f],
    [0.8f, 0.7f, 1.0f, 0.9f, 1.1f],
    [-0.6f, -0.7f, -0.9f, -1.0f, -0.8f],
];
int[] labels = [1, 0, 1, 0];

var model = new SequenceModel(new SequenceModelOptions
{
    Cell = CellType.Rnn, InputSize = 1, HiddenSize = 8, OutputSize = 2, Pooling = pooling, Seed = 42,
});
var optimizer = new Adam(model.Parameters.Values, learningRate: 0.05f);
var batch = SequenceBatch.FromValues(sequences, features: 1);
var dLogits = new Tensor(sequences.Length, 2);
var losses = new List<double>();

for (int epoch = 1; epoch <= 100; epoch++)
{
    optimizer.ZeroGrad();
    Tensor logits = model.Forward(batch);                       // [4, 2]
    float loss = CrossEntropyLoss.Forward(logits.Span, 2, labels, dLogits.Span);
    double accuracy = Accuracy(logits, labels);                  // of this epoch's forward, before its step
    model.Backward(dLogits);
    optimizer.Step();
    losses.Add(loss);
    if (epoch == 1 || epoch % 25 == 0)
        Console.WriteLine($"trend epoch={epoch:D3} loss={loss:F4} acc={accuracy:F2}");
}

model.Eval();
int[] predictions = Predict(model.Forward(batch));
Console.WriteLine($"predictions: [{string.Join(", ", predictions)}]");
Console.WriteLine($"truth: [{string.Join(", ", labels)}]");
if (plot)
{
    Plots.Lines(outputDirectory.FullPath, "loss", $"Trend classifier: training loss ({pooling.ToString().ToLowerInvariant()} pooling)",
        "epoch", "cross-entropy", [PlotSeries.Steps("training loss", losses.Select(l => (double)l))]);
}
return 0;

static int[] Predict(Tensor logits)
{
    var p = new int[logits.Size(0)];
    for (int b = 0; b < p.Length; b++) p[b] = logits[b, 1] > logits[b, 0] ? 1 : 0;
    return p;
}

static double Accuracy(Tensor logits, int[] labels) =>
    Predict(logits).Zip(labels).Count(pair => pair.First == pair.Second) / (double)labels.Length;
