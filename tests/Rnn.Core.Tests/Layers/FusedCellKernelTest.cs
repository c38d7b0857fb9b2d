using Rnn.Core.Layers;
using Rnn.Core.Numerics;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Layers;

/// <summary>The fused one-pass cell kernels against their readable TensorPrimitives versions.</summary>
[TestClass]
public sealed class FusedCellKernelTest
{
    private static float[] Random(int length, float scale, int seed)
    {
        var v = new float[length];
        new Rng(seed).FillUniform(v, -scale, scale);
        return v;
    }

    [TestMethod]
    public void FastMath_SigmoidTanh_MatchDouble()
    {
        if (!System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) Assert.Inconclusive("no AVX-512");
        double worstS = 0, worstT = 0;
        for (float x = -40f; x <= 40f; x += 0.00137f)
        {
            var v = System.Runtime.Intrinsics.Vector512.Create(x);
            worstS = Math.Max(worstS, Math.Abs(FastMath.Sigmoid(v)[3] - 1.0 / (1.0 + Math.Exp(-x))));
            worstT = Math.Max(worstT, Math.Abs(FastMath.Tanh(v)[5] - Math.Tanh(x)));
        }
        double worstExp = 0;
        for (float x = -80f; x <= 80f; x += 0.00731f)
        {
            double e = Math.Exp(x);
            worstExp = Math.Max(worstExp, Math.Abs(FastMath.Exp(System.Runtime.Intrinsics.Vector512.Create(x))[7] - e) / e);
        }
        Assert.IsLessThan(5e-7, worstExp, $"exp relative {worstExp}");
        Assert.IsLessThan(1e-6, worstS, $"sigmoid {worstS}");
        Assert.IsLessThan(1e-6, worstT, $"tanh {worstT}");
    }

    [TestMethod]
    [DataRow(1, 16)]
    [DataRow(5, 128)]
    [DataRow(3, 24)]
    public void Lstm_Fused_MatchesSimple(int n, int h)
    {
        int ldy = 2 * h + 3;
        float[] gates = Random(n * 4 * h, 6f, 1), c = Random(n * h, 2f, 2), hs = new float[n * h];
        float[] gates2 = (float[])gates.Clone(), c2 = (float[])c.Clone(), hs2 = new float[n * h];
        float[] tc = new float[n * h], tc2 = new float[n * h], y = new float[n * ldy], y2 = new float[n * ldy];
        LstmCell.Forward(n, h, gates, hs, c, tc, y, ldy);
        LstmCell.ForwardSimple(n, h, gates2, hs2, c2, tc2, y2, ldy);
        TensorAssert.Close(gates2, gates, 1e-6, "gates");
        TensorAssert.Close(c2, c, 1e-6, "c");
        TensorAssert.Close(tc2, tc, 1e-6, "tanh c");
        TensorAssert.Close(hs2, hs, 1e-6, "h");
        TensorAssert.Close(y2, y, 1e-6, "y");

        float[] cPrev = Random(n * h, 2f, 3), dh = Random(n * h, 1f, 4), dc = Random(n * h, 1f, 5);
        float[] dh2 = (float[])dh.Clone(), dc2 = (float[])dc.Clone(), dG = new float[n * 4 * h], dG2 = new float[n * 4 * h];
        LstmCell.Backward(n, h, dG, dh, dc, gates, cPrev, tc);
        LstmCell.BackwardSimple(n, h, dG2, dh2, dc2, gates, cPrev, tc);
        TensorAssert.Close(dG2, dG, 1e-6, "dGates");
        TensorAssert.Close(dc2, dc, 1e-6, "dc");
    }

    [TestMethod]
    [DataRow(1, 16, 16)]
    [DataRow(5, 32, 32)]
    [DataRow(4, 32, 67)]
    [DataRow(3, 24, 24)]
    public void Rnn_Fused_MatchesSimple(int n, int h, int ldy)
    {
        float[] gates = Random(n * h, 6f, 1), gates2 = (float[])gates.Clone();
        float[] hs = new float[n * h], hs2 = new float[n * h], y = new float[n * ldy], y2 = new float[n * ldy];
        RnnCell.Forward(n, h, Nonlinearity.Tanh, gates, hs, y, ldy);
        RnnCell.ForwardSimple(n, h, Nonlinearity.Tanh, gates2, hs2, y2, ldy);
        TensorAssert.Close(hs2, hs, 1e-6, "h");
        TensorAssert.Close(y2, y, 1e-6, "y");

        // Backward: dPre = dh ⊙ (1 − h'²), from h' as stored in y (row stride ldy), against the in-place definition.
        float[] dh = Random(n * h, 1f, 4), dG = new float[n * h], expected = new float[n * h];
        RnnCell.Backward(n, h, Nonlinearity.Tanh, dG, dh, y, ldy);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < h; j++)
                expected[i * h + j] = dh[i * h + j] * (1f - y[i * ldy + j] * y[i * ldy + j]);
        TensorAssert.Close(expected, dG, 1e-6, "dPre");
    }

    [TestMethod]
    [DataRow(1, 16)]
    [DataRow(5, 128)]
    [DataRow(3, 24)]
    public void Gru_Fused_MatchesSimple(int n, int h)
    {
        int ldy = 2 * h + 3;
        float[] gx = Random(n * 3 * h, 6f, 1), hh = Random(n * 3 * h, 3f, 2), bias = Random(h, 1f, 3), hs = Random(n * h, 1f, 4);
        float[] gx2 = (float[])gx.Clone(), hh2 = (float[])hh.Clone(), hs2 = (float[])hs.Clone(), hPrev = (float[])hs.Clone();
        float[] hn = new float[n * h], hn2 = new float[n * h], y = new float[n * ldy], y2 = new float[n * ldy];
        GruCell.Forward(n, h, gx, hh, bias, hn, hs, y, ldy);
        GruCell.ForwardSimple(n, h, gx2, hh2, bias, hn2, hs2, y2, ldy);
        TensorAssert.Close(gx2, gx, 1e-6, "gates");
        TensorAssert.Close(hn2, hn, 1e-6, "hn");
        TensorAssert.Close(hs2, hs, 1e-6, "h");
        TensorAssert.Close(y2, y, 1e-6, "y");

        float[] dh = Random(n * h, 1f, 5), dh2 = (float[])dh.Clone();
        float[] dGx = new float[n * 3 * h], dGx2 = new float[n * 3 * h], dGh = new float[n * 3 * h], dGh2 = new float[n * 3 * h];
        GruCell.Backward(n, h, dGx, dGh, dh, gx, hn, hPrev);
        GruCell.BackwardSimple(n, h, dGx2, dGh2, dh2, gx, hn, hPrev);
        TensorAssert.Close(dGx2, dGx, 1e-6, "dGx");
        TensorAssert.Close(dGh2, dGh, 1e-6, "dGh");
        TensorAssert.Close(dh2, dh, 1e-6, "dh (direct part)");
    }
}

/// <summary>The row/column kernels of <see cref="Elementwise"/> against plain loops.</summary>
[TestClass]
public sealed class RowKernelTest
{
    [TestMethod]
    [DataRow(7, 32)]
    [DataRow(3, 8)]
    [DataRow(50, 512)]
    [DataRow(600, 480)]
    [DataRow(2000, 144)]
    public void AddToRows_AddColumnSums_MatchLoops(int rows, int cols)
    {
        var rng = new Rng(9);
        var m = new float[rows * cols];
        var v = new float[cols];
        var sums = new float[cols];
        rng.FillUniform(m, -1f, 1f);
        rng.FillUniform(v, -1f, 1f);
        rng.FillUniform(sums, -1f, 1f);
        var expectedM = (float[])m.Clone();
        // The column sums add row after row in float, whether one thread or several (split by columns) do it.
        var expectedSums = (float[])sums.Clone();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                expectedSums[c] += m[r * cols + c];
                expectedM[r * cols + c] += v[c];
            }
        }
        Elementwise.AddColumnSums(m, rows, cols, sums);
        Elementwise.AddToRows(m, rows, cols, v);
        TensorAssert.Close(expectedM, m, 1e-6, "rows");
        CollectionAssert.AreEqual(expectedSums, sums, "column sums");
    }
}
