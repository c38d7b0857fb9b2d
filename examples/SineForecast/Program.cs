// The sine lesson: predict the next value of a sine wave from the 20 values before it.
// 500 points of sin(x) over [0, 4π] (x = linspace(0, 4π, 500)), windows of 20 with the next value as target
// (480 windows), RNN(1 -> 32) + Linear(32 -> 1) on the last step, MSE, Adam lr 0.01, full-batch epochs.
// Built from the pipeline API: ml.Transforms.Sequence.SlidingWindow + ml.Regression.Trainers.Recurrent.
// Usage: dotnet run -c Release --project examples/SineForecast [-- --epochs N] [--seed S]
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int epochs = 10, seed = 0;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--epochs" && i + 1 < args.Length && int.TryParse(args[i + 1], out int e) && e > 0) { epochs = e; i++; }
    else if (args[i] == "--seed" && i + 1 < args.Length && int.TryParse(args[i + 1], out int s)) { seed = s; i++; }
    else
    {
        Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: SineForecast [--epochs N] [--seed S]");
        return 2;
    }
}

const int points = 500, window = 20;
var ml = new MLContext(seed);
var series = Enumerable.Range(0, points)
    .Select(i => new Point { Value = MathF.Sin((float)(i * 4 * Math.PI / (points - 1))) })
    .ToList();
IDataView data = ml.Data.LoadFromEnumerable(series);

var pipeline = ml.Transforms.Sequence.SlidingWindow(outputColumnName: "Features", inputColumnName: nameof(Point.Value), windowSize: window)
    .Append(ml.Regression.Trainers.Recurrent(new RecurrentTrainerOptions
    {
        LabelColumnName = "Label", FeatureColumnName = "Features",
        Cell = RecurrentCellType.Rnn, HiddenSize = 32, Epochs = epochs,
        BatchSize = points - window,           // full batch: all 480 windows in one step
        LearningRate = 0.01f, GradientClipNorm = 0f, Seed = seed,
        Progress = p => { if (p.IsEpochEnd) Console.WriteLine($"Epoch {p.Epoch,2} | Loss: {p.TrainingLoss:F6}"); },
    }));
var model = pipeline.Fit(data);

// Window 0 holds sin(x_0..x_19); its target is sin(x_20) = sin(20 · 4π/499) = 0.4826.
var first = ml.Data.CreateEnumerable<WindowPrediction>(model.Transform(data), reuseRowObject: false).First();
Console.WriteLine($"Predicted: {first.Score:F4} | Actual: {first.Label:F4}");
return 0;

internal sealed class Point
{
    public float Value { get; set; }
}

internal sealed class WindowPrediction
{
    public float Label { get; set; }

    public float Score { get; set; }
}
