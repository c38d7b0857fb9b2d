// Quickstart: the engine tour on built-in data (the pipeline tour replaces it when the ML.NET layer lands).
// Trains the trend classifier, saves its weights as safetensors with PyTorch names, reloads them and predicts.
using System.Globalization;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Serialization;
using Rnn.Core.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
float[][] sequences =
[
    [1.0f, 1.2f, 1.3f, 1.1f, 1.0f], [-1.0f, -1.1f, -1.3f, -0.9f, -1.2f],
    [0.8f, 0.7f, 1.0f, 0.9f, 1.1f], [-0.6f, -0.7f, -0.9f, -1.0f, -0.8f],
];
int[] labels = [1, 0, 1, 0];
var options = new SequenceModelOptions { Cell = CellType.Rnn, InputSize = 1, HiddenSize = 8, OutputSize = 2, Seed = 42 };
var model = new SequenceModel(options);
var result = SequenceTrainer.Fit(model, SequenceDataset.FromValues(sequences, 1, labels),
    new TrainerOptions { Epochs = 100, BatchSize = 4, LearningRate = 0.05f, GradientClipNorm = 0f });
Console.WriteLine($"trained {result.Epochs.Count} epochs, final loss {result.Epochs[^1].TrainingLoss:F6}");

string path = Path.Combine(Path.GetTempPath(), "rnnml-quickstart.safetensors");
SafeTensors.SaveParameters(model.Parameters, path);
var reloaded = new SequenceModel(options);
SafeTensors.LoadInto(reloaded.Parameters, path);
Console.WriteLine($"saved and reloaded {reloaded.Parameters.Count} tensors ({string.Join(", ", reloaded.Parameters.Keys)})");

float[][] fresh = [[0.9f, 1.1f, 1.2f, 1.0f, 1.1f], [-0.9f, -1.0f, -1.2f, -1.1f, -0.9f]];
var scores = SequenceTrainer.Predict(reloaded, SequenceDataset.FromValues(fresh, 1));
for (int i = 0; i < fresh.Length; i++)
    Console.WriteLine($"[{string.Join(", ", fresh[i])}] -> {(scores[i, 1] > scores[i, 0] ? "up" : "down")}");
return 0;
