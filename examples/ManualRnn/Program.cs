// The first lesson: what a recurrent cell computes, by hand and with the engine.
//   1. The scalar update h_t = tanh(W_x x_t + W_h h_{t-1} + b), one line per step.
//   2. The shapes of a 1-layer RNN(4 -> 6) on a [2, 5, 4] batch, and that the last output step is h_n.
//   3. With --plot: the hidden state of the first sequence at every step, as a heatmap (hidden units x steps).
// Usage: dotnet run -c Release --project examples/ManualRnn [-- --plot [--out DIR]]
using System.Globalization;
using Rnn.Cli.Reporting;
using Rnn.Core;
using Rnn.Core.Layers;
using Rnn.Core.Numerics;
using Rnn.Examples.Common;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var outputDirectory = OutputDirectory.FromArgs(args, out string[] rest);
bool plot = rest is ["--plot"];
if (rest.Length > 0 && !plot)
{
    Console.Error.WriteLine($"unknown arguments '{string.Join(" ", rest)}'; usage: ManualRnn [--plot [--out DIR]]");
    return 2;
}

// 1. By hand.
float[] xs = [1.0f, 0.5f, -1.0f, 2.0f];
const float wx = 0.8f, wh = 0.5f, b = 0.1f;
float h = 0f;
var manual = new float[xs.Length];
for (int t = 0; t < xs.Length; t++)
{
    float prev = h;
    h = MathF.Tanh(wx * xs[t] + wh * prev + b);
    manual[t] = h;
    Console.WriteLine($"step={t + 1} x={xs[t],4:F1} prev_h={prev,7:F4} h={h,7:F4}");
}

// The same four steps with the engine's RNN(1 -> 1): weight_ih = W_x, weight_hh = W_h, bias_ih = b, bias_hh = 0.
var cell = new RecurrentLayer(CellType.Rnn, inputSize: 1, hiddenSize: 1);
cell.Parameters["weight_ih_l0"].Value.Span[0] = wx;
cell.Parameters["weight_hh_l0"].Value.Span[0] = wh;
cell.Parameters["bias_ih_l0"].Value.Span[0] = b;
cell.Parameters["bias_hh_l0"].Value.Span[0] = 0f;
var engine = cell.Forward(Tensor.From(xs, 1, xs.Length, 1)).Output.Span;
for (int t = 0; t < xs.Length; t++)
{
    if (MathF.Abs(engine[t] - manual[t]) > 1e-6f)
    {
        Console.Error.WriteLine($"engine disagrees with the hand computation at step {t + 1}: {engine[t]} vs {manual[t]}");
        return 1;
    }
}

// 2. Shapes: batch-first input [batch, seq, input], output [batch, seq, hidden], h_n [layers, batch, hidden].
var rnn = new RecurrentLayer(CellType.Rnn, inputSize: 4, hiddenSize: 6, seed: 42);
var x = new Tensor(2, 5, 4);
new Rng(42).FillNormal(x.Span);
var (output, hN) = rnn.Forward(x);
bool lastEqual = true;
for (int i = 0; i < 2; i++)
    for (int j = 0; j < 6; j++)
        lastEqual &= output[i, 4, j] == hN[0, i, j];
Console.WriteLine($"x: {x.ShapeString}");
Console.WriteLine($"out: {output.ShapeString}");
Console.WriteLine($"h: {hN.ShapeString}");
Console.WriteLine($"last_equal: {(lastEqual ? "True" : "False")}");

// 3. Watch the memory fill: h_t of the first sequence at every step, units as rows, steps as columns.
if (plot)
{
    var trace = rnn.Trace(Tensor.From(x.Span[..(5 * 4)], 5, 4));   // [T, H] = [5, 6]
    var hidden = trace.Hidden(0);
    var units = new double[rnn.HiddenSize, trace.Steps];
    for (int t = 0; t < trace.Steps; t++)
        for (int j = 0; j < rnn.HiddenSize; j++)
            units[j, t] = hidden[t, j];
    Plots.Heatmap(outputDirectory.FullPath, "hidden-state-heatmap", "RNN(4 -> 6) hidden state, first sequence (seed 42)",
        "time step t", "hidden unit", units,
        [.. Enumerable.Range(0, rnn.HiddenSize).Select(j => $"h{j}")],
        [.. Enumerable.Range(1, trace.Steps).Select(t => $"t={t}")], "h_t (tanh)", showValues: true);
}
return 0;
