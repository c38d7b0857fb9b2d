using Rnn.Core.Layers;
using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.Diagnostics;

[TestClass]
public sealed class GradientFlowTest
{
    /// <summary>
    /// ∂L/∂h_t estimated independently: split the sequence after step t, carry the state, and perturb the
    /// second chunk's initial h by finite differences; add the direct term from the output at t.
    /// </summary>
    [TestMethod]
    [DataRow(CellType.Rnn), DataRow(CellType.Lstm), DataRow(CellType.Gru)]
    public void HiddenGradNorms_EqualFiniteDifferenceEstimates(CellType cell)
    {
        const int batch = 2, steps = 5, input = 2, hidden = 3;
        var rng = new Rng(3);
        var layer = new RecurrentLayer(cell, input, hidden, seed: 4);
        var x = Random(rng, batch, steps, input);
        var g = Random(rng, batch, steps, hidden);
        var gh = Random(rng, 1, batch, hidden);

        layer.RecordGradientFlow = true;
        layer.Forward(x);
        layer.Backward(g, gh);
        var probed = layer.GetGradientFlow().HiddenGradNorms(0).ToArray();

        for (int t = 0; t < steps - 1; t++)
        {
            var first = Slice(x, 0, t + 1);
            var second = Slice(x, t + 1, steps);
            var g2 = Slice(g, t + 1, steps);
            var carried = layer.Forward(first).FinalState;
            var h = carried.H.Span;
            double sumSquares = 0;
            for (int i = 0; i < h.Length; i++)
            {
                float saved = h[i];
                const float eps = 1e-2f;
                h[i] = saved + eps;
                double plus = Loss(layer, second, carried, g2, gh);
                h[i] = saved - eps;
                double minus = Loss(layer, second, carried, g2, gh);
                h[i] = saved;
                int b = i / hidden, j = i % hidden;
                double total = (plus - minus) / (2 * eps) + g[b, t, j];   // via later steps + via out[t]
                sumSquares += total * total;
            }
            Assert.AreEqual(Math.Sqrt(sumSquares), probed[t], 2e-3 + 1e-2 * probed[t], $"step {t}");
        }
        // The last step sees only the output gradient and the final-state gradient.
        double last = 0;
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < hidden; j++) last += Math.Pow(g[b, steps - 1, j] + gh[0, b, j], 2);
        Assert.AreEqual(Math.Sqrt(last), probed[steps - 1], 1e-5);
    }

    [TestMethod]
    public void ParameterGradNorms_EqualNormOfEachGradient()
    {
        var layer = new RecurrentLayer(CellType.Gru, 2, 3, numLayers: 2, bidirectional: true, seed: 1) { RecordGradientFlow = true };
        var rng = new Rng(2);
        layer.Forward(Random(rng, 2, 4, 2));
        layer.Backward(Random(rng, 2, 4, 6));
        var flow = layer.GetGradientFlow();
        Assert.AreEqual(2, flow.Layers);
        Assert.AreEqual(2, flow.Directions);
        foreach (var (name, p) in layer.Parameters)
        {
            double expected = Math.Sqrt(p.Grad.Span.ToArray().Sum(v => (double)v * v));
            Assert.AreEqual(expected, flow.ParameterGradNorms[name], 1e-4 * (1 + expected), name);
        }
        Assert.AreEqual(4, flow.HiddenGradNorms(1, 1).Length);
    }

    [TestMethod]
    public void GetGradientFlow_WithoutRecording_Throws()
    {
        var layer = new RecurrentLayer(CellType.Rnn, 1, 2);
        Assert.ThrowsExactly<InvalidOperationException>(() => layer.GetGradientFlow());
    }

    private static double Loss(RecurrentLayer layer, Tensor x, RecurrentState state, Tensor g, Tensor gh)
    {
        var r = layer.Forward(x, state);
        double s = 0;
        for (int i = 0; i < g.Length; i++) s += (double)r.Output.Span[i] * g.Span[i];
        for (int i = 0; i < gh.Length; i++) s += (double)r.HN.Span[i] * gh.Span[i];
        return s;
    }

    private static Tensor Slice(Tensor x, int from, int to)
    {
        int b = x.Size(0), f = x.Size(2);
        var y = new Tensor(b, to - from, f);
        for (int i = 0; i < b; i++)
            for (int t = from; t < to; t++)
                for (int j = 0; j < f; j++) y[i, t - from, j] = x[i, t, j];
        return y;
    }

    private static Tensor Random(Rng rng, params int[] shape)
    {
        var t = new Tensor(shape);
        rng.FillNormal(t.Span);
        return t;
    }
}
