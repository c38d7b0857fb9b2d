// The vanishing-gradient experiment: can a recurrent net remember the first symbol of a sequence?
// Step 1 holds one of 4 symbols, the other T-1 steps are noise, the label is the first symbol (chance = 0.25).
// A vanilla RNN, an LSTM and a GRU (same hidden size, fresh training batches, steps, optimiser and seeds) are
// trained at each length T; the table shows the held-out accuracy, and the gradient probe shows why:
// ||dL/dh_t|| per step t, at initialisation and after training.
// The gated cells start with their carry gate open (LSTM forget gate, GRU update gate: bias 3, so f, z ~ 0.95);
// --carry-bias 0 keeps PyTorch's initialisation (f, z ~ 0.5: the state halves every step, and within this budget
// the gated cells then fail at long lengths too). The vanilla RNN has no gate to open: that is the lesson.
// With --clip N: the exploding set-up instead (relu RNN with large recurrent weights), trained with and without
// clipping the gradient norm at N.
// Usage: dotnet run -c Release --project examples/VanishingGradient [-- --seeds 3 --lengths 5,20,50,100
//        --epochs 15 --steps 100 --hidden 32 --carry-bias 3 --out DIR] | [-- --clip 1 --out DIR]
using System.Globalization;
using Rnn.Cli.Reporting;
using Rnn.Core;
using Rnn.Core.Layers;
using Rnn.Core.Losses;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.Core.Training;
using Rnn.Examples.Common;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var output = OutputDirectory.FromArgs(args, out string[] rest);
int seeds = 3, epochs = 15, stepsPerEpoch = 100, hidden = 32;
const int TestCount = 512;
int[] lengths = [5, 20, 50, 100];
float? clip = null;
float carryBias = 3f;
for (int i = 0; i < rest.Length; i++)
{
    string value = i + 1 < rest.Length ? rest[i + 1] : "";
    switch (rest[i])
    {
        case "--seeds": seeds = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
        case "--epochs": epochs = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
        case "--hidden": hidden = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
        case "--steps": stepsPerEpoch = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
        case "--lengths": lengths = [.. value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))]; i++; break;
        case "--carry-bias": carryBias = float.Parse(value, CultureInfo.InvariantCulture); i++; break;
        case "--clip": clip = float.Parse(value, CultureInfo.InvariantCulture); i++; break;
        default:
            Console.Error.WriteLine($"unknown argument '{rest[i]}'; usage: VanishingGradient [--seeds N] [--lengths 5,20,50,100] " +
                "[--epochs N] [--steps N] [--hidden H] [--carry-bias B] [--clip N] [--out DIR]");
            return 2;
    }
}

if (clip is float maxNorm)
{
    ExplodingGradient.Run(maxNorm, hidden, output);
    return 0;
}

CellType[] cells = [CellType.Rnn, CellType.Lstm, CellType.Gru];
int longest = lengths.Max();
var options = new OnlineOptions(epochs, stepsPerEpoch, BatchSize: 32, LearningRate: 3e-3f, ClipNorm: 1f);
Console.WriteLine($"first-symbol task: {FirstSymbolTask.Symbols} symbols, chance 0.25; hidden {hidden}; LSTM forget / GRU update gate bias {carryBias}; " +
    $"Adam lr {options.LearningRate}, clip {options.ClipNorm}; {epochs} epochs x {stepsPerEpoch} steps x {options.BatchSize} fresh sequences; " +
    $"{TestCount} held-out sequences per length; seeds 1..{seeds}");

var accuracy = cells.SelectMany(c => lengths.Select(t => (c, t))).ToDictionary(key => key, _ => new List<double>());
var curves = new Dictionary<CellType, IReadOnlyList<EpochSummary>>();                 // longest length, seed 1
var flowAtInit = new Dictionary<CellType, float[]>();
var flowTrained = new Dictionary<CellType, float[]>();
foreach (int length in lengths)
{
    for (int seed = 1; seed <= seeds; seed++)
    {
        var test = FirstSymbolTask.Generate(TestCount, length, new Rng(-seed));
        foreach (var cell in cells)
        {
            var model = new SequenceModel(new SequenceModelOptions
            {
                Cell = cell, InputSize = FirstSymbolTask.Features, HiddenSize = hidden, OutputSize = FirstSymbolTask.Symbols, Seed = seed,
            });
            SetCarryBias(model.Rnn, carryBias);
            bool probe = length == longest && seed == 1;
            if (probe) flowAtInit[cell] = HiddenGradientNorms(model, test);
            var result = ConsoleProgress.Run($"{Name(cell),-4} T={length,-3} seed {seed}", progress =>
                OnlineTrainer.Train(model, length, dataSeed: 1000 + seed, options, test, progress),
                everyEpoch: false);
            accuracy[(cell, length)].Add(result[^1].ValidationAccuracy!.Value);
            if (!probe) continue;
            curves[cell] = result;
            flowTrained[cell] = HiddenGradientNorms(model, test);
        }
    }
}

Console.WriteLine();
Console.WriteLine($"held-out accuracy after {epochs} epochs: mean [min-max] over {seeds} seed(s); chance 0.25");
Console.WriteLine("cell  " + string.Concat(lengths.Select(t => $"{"T=" + t,-20}")));
foreach (var cell in cells)
{
    Console.WriteLine($"{Name(cell),-6}" + string.Concat(lengths.Select(t =>
    {
        var a = accuracy[(cell, t)];
        return $"{$"{a.Average():F3} [{a.Min():F2}-{a.Max():F2}]",-20}";
    })));
}

// Why: the gradient of the loss with respect to each hidden state h_t. The loss reads h_T only, so the gradient
// enters at t = T and flows back through every step; a vanilla RNN multiplies it by W_hh^T diag(tanh') per step.
Console.WriteLine();
Console.WriteLine($"||dL/dh_t|| at T={longest} (batch of {TestCount} held-out sequences, seed 1), at initialisation and after training");
Console.WriteLine("t     " + string.Concat(cells.Select(c => $"{Name(c) + " init",-14}{Name(c) + " trained",-14}")));
int stride = Math.Max(1, longest / 10);
foreach (int t in Enumerable.Range(1, longest).Where(t => t == 1 || t % stride == 0 || t == longest))
    Console.WriteLine($"{t,-6}" + string.Concat(cells.Select(c => $"{Sci(flowAtInit[c][t - 1]),-14}{Sci(flowTrained[c][t - 1]),-14}")));
Console.WriteLine("||dL/dh_1|| / ||dL/dh_T||: " + string.Join(", ", cells.Select(c =>
    $"{Name(c)} {Ratio(flowAtInit[c])} at init, {Ratio(flowTrained[c])} trained")));

foreach (var (file, when, flow) in new[] { ("gradient-flow", "trained", flowTrained), ("gradient-flow-init", "at initialisation", flowAtInit) })
{
    Plots.Lines(output.FullPath, file, $"Gradient reaching h_t from the loss at step {longest} ({when}, seed 1)",
        "time step t", "‖∂L/∂h_t‖ (log scale)", [.. cells.Select(cell => Positive(Name(cell), flow[cell], file))], logY: true);
}

// One colour per cell: training loss solid, held-out loss dashed.
Plots.Lines(output.FullPath, "loss", $"Loss per epoch at T={longest} (seed 1)", "epoch", "cross-entropy",
    [.. cells.SelectMany((cell, c) => new[]
    {
        PlotSeries.Steps($"{Name(cell)} train", curves[cell].Select(e => e.TrainingLoss), colorIndex: c),
        PlotSeries.Steps($"{Name(cell)} held-out", curves[cell].Select(e => e.ValidationLoss!.Value), dashed: true, colorIndex: c),
    })], markers: epochs <= 40);
return 0;

// LSTM forget gate f (rows H..2H of i|f|g|o) or GRU update gate z (rows H..2H of r|z|n): a positive bias makes the
// cell start out carrying its state (f, z near 1) instead of halving it every step (f, z near 0.5 at PyTorch's init).
static void SetCarryBias(RecurrentLayer rnn, float bias)
{
    if (rnn.CellType == CellType.Rnn || bias == 0f) return;
    int h = rnn.HiddenSize;
    rnn.Parameters["bias_ih_l0"].Value.Span.Slice(h, h).Fill(bias);
    rnn.Parameters["bias_hh_l0"].Value.Span.Slice(h, h).Clear();
}

static string Name(CellType cell) => cell.ToString().ToLowerInvariant();

// ||dL/dh_t|| for t = 1..T of the cross-entropy on one batch (the model's gradients are left accumulated).
static float[] HiddenGradientNorms(SequenceModel model, SequenceDataset data)
{
    var batch = SequenceBatch.FromValues(data.Values!, data.Features);
    model.Train();
    model.ZeroGrad();
    model.Rnn.RecordGradientFlow = true;
    Tensor logits = model.Forward(batch);                                   // [N, K]
    var dLogits = new Tensor(logits.Size(0), logits.Size(1));
    CrossEntropyLoss.Forward(logits.Span, logits.Size(1), data.ClassTargets, dLogits.Span);
    model.Backward(dLogits);
    float[] norms = model.Rnn.GetGradientFlow().HiddenGradNorms(0).ToArray();
    model.Rnn.RecordGradientFlow = false;
    model.ZeroGrad();
    model.Eval();
    return norms;
}

static string Sci(double value) => value.ToString("0.00e+00", CultureInfo.InvariantCulture);

static string Ratio(float[] norms) => norms[0] > 0 ? Sci(norms[0] / norms[^1]) : "0 (h_1's gradient underflowed float)";

// A log axis shows positive values only: a norm that underflowed to 0 (below float's 1e-45) is left out of the line.
static PlotSeries Positive(string name, float[] norms, string file)
{
    int zeros = norms.Count(n => n <= 0);
    if (zeros > 0)
        Console.WriteLine($"{file}: {name} has ||dL/dh_t|| = 0 (float underflow) at {zeros} step(s), left out of the log plot");
    return PlotSeries.Steps(name, norms.Select(n => (double)n));
}
