using Rnn.Core.Layers;
using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.Layers;

[TestClass]
public sealed class PackedBatchTest
{
    [TestMethod]
    [DataRow(3, 5, 4)]          // small: one thread
    [DataRow(40, 30, 256)]      // 307,200 floats: split by steps over the threads
    public void GatherThenScatter_VariableLengths_PackedRowsAsPyTorchAndPaddingZero(int batch, int steps, int features)
    {
        var rng = new Rng(7);
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) lengths[b] = 1 + (b * 13 + 5) % steps;
        var packed = new PackedBatch();
        packed.Set(batch, steps, lengths);
        var x = new float[batch * steps * features];
        rng.FillNormal(x);

        var rows = new float[packed.Rows * features];
        packed.Gather(x, features, rows);
        // Packed row Offsets[t] + i holds the i-th longest example at step t (ties keep the caller's order).
        int[] order = Enumerable.Range(0, batch).OrderByDescending(b => lengths[b]).ToArray();
        for (int t = 0; t < steps; t++)
            for (int i = 0; i < packed.BatchSizes[t]; i++)
                for (int f = 0; f < features; f += 37)
                    Assert.AreEqual(x[(order[i] * steps + t) * features + f], rows[(packed.Offsets[t] + i) * features + f], $"t={t} i={i} f={f}");

        var y = new float[x.Length];
        Array.Fill(y, float.NaN);
        packed.Scatter(rows, features, y);
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < steps; t++)
                for (int f = 0; f < features; f++)
                {
                    int at = (b * steps + t) * features + f;
                    Assert.AreEqual(t < lengths[b] ? x[at] : 0f, y[at], $"b={b} t={t} f={f}");
                }
    }
}
