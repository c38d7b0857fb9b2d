using Rnn.Core.Layers;
using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.Diagnostics;

[TestClass]
public sealed class HiddenStateTraceTest
{
    [TestMethod]
    [DataRow(CellType.Rnn, false), DataRow(CellType.Lstm, false), DataRow(CellType.Gru, false), DataRow(CellType.Lstm, true), DataRow(CellType.Gru, true)]
    public void Trace_LastTracedStateEqualsFinalState(CellType cell, bool bidirectional)
    {
        var layer = new RecurrentLayer(cell, 3, 4, numLayers: 2, bidirectional: bidirectional, dropout: 0.3f, seed: 6);
        var x = new Tensor(6, 3);
        new Rng(1).FillNormal(x.Span);
        var trace = layer.Trace(x);
        layer.Eval();
        var reference = layer.Forward(x.Reshape(1, 6, 3));
        int d = bidirectional ? 2 : 1;
        Assert.AreEqual(2, trace.Layers);
        Assert.AreEqual(6, trace.Steps);
        for (int l = 0; l < 2; l++)
        {
            var h = trace.Hidden(l);
            for (int j = 0; j < 4; j++)
            {
                Assert.AreEqual(reference.HN[l * d, 0, j], h[5, j], 1e-6f, $"layer {l} forward h_n");
                if (bidirectional) Assert.AreEqual(reference.HN[l * d + 1, 0, j], h[0, 4 + j], 1e-6f, $"layer {l} reverse h_n");
                if (cell != CellType.Lstm) continue;
                var c = trace.Cell(l);
                Assert.AreEqual(reference.CN![l * d, 0, j], c[5, j], 1e-6f, $"layer {l} forward c_n");
                if (bidirectional) Assert.AreEqual(reference.CN![l * d + 1, 0, j], c[0, 4 + j], 1e-6f, $"layer {l} reverse c_n");
            }
        }
        var top = trace.Hidden(1);
        for (int t = 0; t < 6; t++)
            for (int j = 0; j < 4 * d; j++) Assert.AreEqual(reference.Output[0, t, j], top[t, j], 1e-6f, "top layer equals the output");
    }

    [TestMethod]
    public void Trace_LstmCellStateFollowsRecurrence()
    {
        // c_t = f ⊙ c_{t-1} + i ⊙ g: one step run alone from the traced state reproduces the next traced state.
        var layer = new RecurrentLayer(CellType.Lstm, 2, 3, seed: 2);
        var x = new Tensor(4, 2);
        new Rng(5).FillNormal(x.Span);
        var trace = layer.Trace(x);
        var h = trace.Hidden(0);
        var c = trace.Cell(0);
        var h1 = Tensor.From(h.Row(1), 1, 1, 3);
        var c1 = Tensor.From(c.Row(1), 1, 1, 3);
        layer.Eval();
        var step = layer.Forward(Tensor.From(x.Row(2), 1, 1, 2), new RecurrentState(h1, c1));
        for (int j = 0; j < 3; j++)
        {
            Assert.AreEqual(c[2, j], step.CN![0, 0, j], 1e-6f);
            Assert.AreEqual(h[2, j], step.HN[0, 0, j], 1e-6f);
        }
    }

    [TestMethod]
    public void Cell_OnGru_Throws()
    {
        var trace = new RecurrentLayer(CellType.Gru, 1, 2).Trace(new Tensor(3, 1));
        Assert.IsFalse(trace.HasCellState);
        Assert.ThrowsExactly<InvalidOperationException>(() => trace.Cell(0));
    }
}
