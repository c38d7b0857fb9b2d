using Rnn.Core;
using Rnn.Core.Layers;
using Rnn.TorchSharp.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;
using ManagedTensor = Rnn.Core.Tensor;

namespace Rnn.TorchSharp.Tests.Layers;

// B = batch, T = steps, I = input, H = hidden, L = layers, D = directions.

/// <summary>
/// The managed <see cref="RecurrentLayer"/> against libtorch's nn.RNN / nn.LSTM / nn.GRU holding the same weights: outputs,
/// final states and every gradient (parameters, input, initial state) after a backward pass from random output weights,
/// for every cell × layers {1, 2} × {uni, bi} × {full, variable length} × {h0 or not}, on sizes drawn per run.
/// </summary>
[TestClass]
public sealed class RecurrentLayerParityTest
{
    public TestContext TestContext { get; set; } = null!;

    public static IEnumerable<object[]> Cases()
    {
        foreach (var cell in new[] { CellType.Rnn, CellType.Lstm, CellType.Gru })
            foreach (int layers in new[] { 1, 2 })
                foreach (bool bidirectional in new[] { false, true })
                    foreach (bool variable in new[] { false, true })
                        foreach (bool initialState in new[] { false, true })
                            yield return [cell, layers, bidirectional, variable, initialState];
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void ForwardBackward_MatchesLibtorch(CellType cell, int layers, bool bidirectional, bool variable, bool initialState)
    {
        int salt = HashCode.Combine(cell, layers, bidirectional, variable, initialState);
        var rng = Oracle.Rng(salt);
        int b = 1 + rng.NextInt(5), t = 1 + rng.NextInt(9), i = 1 + rng.NextInt(7), h = 1 + rng.NextInt(12);
        int d = bidirectional ? 2 : 1, states = layers * d;
        TestContext.WriteLine($"seed {Oracle.Seed}: {cell} L={layers} D={d} B={b} T={t} I={i} H={h} variable={variable} h0={initialState}");

        var managed = new RecurrentLayer(cell, i, h, layers, bidirectional, seed: rng.NextInt(1 << 30));
        using var torchLayer = new TorchRecurrentLayer(cell, i, h, layers, bidirectional);
        TorchParameters.LoadFrom(torchLayer.Module, managed.Parameters);

        var x = Oracle.Uniform(rng, b, t, i);                         // [B, T, I]
        int[]? lengths = variable ? Oracle.Lengths(rng, b, t) : null;
        var h0 = initialState ? Oracle.Uniform(rng, states, b, h) : null;
        var c0 = initialState && cell == CellType.Lstm ? Oracle.Uniform(rng, states, b, h) : null;
        var gOut = Oracle.Uniform(rng, b, t, d * h);                  // dL/d output [B, T, D·H]
        var gH = Oracle.Uniform(rng, states, b, h);                   // dL/d h_n [L·D, B, H]
        var gC = cell == CellType.Lstm ? Oracle.Uniform(rng, states, b, h) : null;

        // Managed: forward, then backward from L = Σ out·gOut + Σ h_n·gH (+ Σ c_n·gC).
        managed.Train();
        var result = managed.Forward(x, h0 is null ? null : new RecurrentState(h0, c0), lengths);
        var grads = managed.Backward(gOut, gH, gC);

        // libtorch: the same, by autograd.
        using var scope = NewDisposeScope();
        var tx = Oracle.Leaf(x);
        var th0 = h0 is null ? null : Oracle.Leaf(h0);
        var tc0 = c0 is null ? null : Oracle.Leaf(c0);
        var r = torchLayer.Forward(tx, lengths?.Select(n => (long)n).ToArray(), th0, tc0);
        var loss = r.Output.mul(TorchParameters.FromManaged(gOut)).sum().add(r.HN.mul(TorchParameters.FromManaged(gH)).sum());
        if (gC is not null) loss = loss.add(r.CN!.mul(TorchParameters.FromManaged(gC)).sum());
        loss.backward();

        Oracle.Close(r.Output, result.Output.Span, "output");
        Oracle.Close(r.HN, result.HN.Span, "h_n");
        if (cell == CellType.Lstm) Oracle.Close(r.CN!, result.CN!.Span, "c_n");
        foreach (var (name, parameter) in torchLayer.Module.named_parameters())
            Oracle.Close(parameter.grad!, managed.Parameters[name].Grad.Span, $"d{name}");
        Oracle.Close(tx.grad!, grads.Input.Span, "dx");
        if (th0 is not null) Oracle.Close(th0.grad!, grads.InitialH.Span, "dh0");
        if (tc0 is not null) Oracle.Close(tc0.grad!, grads.InitialC!.Span, "dc0");
    }

    [TestMethod]
    public void ReluRnn_Bidirectional_VariableLength_MatchesLibtorch()
    {
        var rng = Oracle.Rng(977);
        int b = 2 + rng.NextInt(4), t = 2 + rng.NextInt(8), i = 1 + rng.NextInt(6), h = 1 + rng.NextInt(10);
        var managed = new RecurrentLayer(CellType.Rnn, i, h, 2, true, nonlinearity: Nonlinearity.Relu, seed: 5);
        using var torchLayer = new TorchRecurrentLayer(CellType.Rnn, i, h, 2, true, nonlinearity: Nonlinearity.Relu);
        TorchParameters.LoadFrom(torchLayer.Module, managed.Parameters);
        var x = Oracle.Uniform(rng, b, t, i);
        var lengths = Oracle.Lengths(rng, b, t);
        var gOut = Oracle.Uniform(rng, b, t, 2 * h);

        var result = managed.Forward(x, null, lengths);
        managed.Backward(gOut);
        using var scope = NewDisposeScope();
        var r = torchLayer.Forward(TorchParameters.FromManaged(x), lengths.Select(n => (long)n).ToArray());
        r.Output.mul(TorchParameters.FromManaged(gOut)).sum().backward();

        Oracle.Close(r.Output, result.Output.Span, "output");
        Oracle.Close(r.HN, result.HN.Span, "h_n");
        foreach (var (name, parameter) in torchLayer.Module.named_parameters())
            Oracle.Close(parameter.grad!, managed.Parameters[name].Grad.Span, $"d{name}");
    }

    [TestMethod]
    public void LoadFrom_WrongShape_NamesTheParameter()
    {
        var managed = new RecurrentLayer(CellType.Gru, 3, 4);
        using var torchLayer = new TorchRecurrentLayer(CellType.Gru, 5, 4);
        var e = Assert.ThrowsExactly<ArgumentException>(() => TorchParameters.LoadFrom(torchLayer.Module, managed.Parameters));
        StringAssert.Contains(e.Message, "'weight_ih_l0'");
    }

    [TestMethod]
    public void LoadFrom_MissingParameter_NamesIt()
    {
        var managed = new RecurrentLayer(CellType.Lstm, 3, 4, numLayers: 1);
        using var torchLayer = new TorchRecurrentLayer(CellType.Lstm, 3, 4, numLayers: 2);
        var e = Assert.ThrowsExactly<ArgumentException>(() => TorchParameters.LoadFrom(torchLayer.Module, managed.Parameters));
        StringAssert.Contains(e.Message, "'weight_ih_l1'");
    }
}
