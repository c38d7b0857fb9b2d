using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.Numerics;

[TestClass]
public sealed class GemmTest
{
    public static IEnumerable<object[]> Shapes()
    {
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        foreach (var (m, n, k) in new[] { (1, 1, 1), (3, 5, 7), (17, 33, 9), (64, 48, 130), (5, 1, 40) })
            yield return [ta, tb, m, n, k];
    }

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void Multiply_AnyTransposeAndShape_MatchesNaive(bool transA, bool transB, int m, int n, int k)
    {
        var rng = new Rng(m * 1000 + n * 10 + k);
        // Padded leading dimensions exercise the strides.
        int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 1;
        var a = new float[(transA ? k : m) * lda];
        var b = new float[(transB ? n : k) * ldb];
        rng.FillNormal(a);
        rng.FillNormal(b);
        foreach (bool accumulate in new[] { false, true })
        {
            var expected = new float[m * ldc];
            rng.FillNormal(expected);
            var actual = (float[])expected.Clone();
            Gemm.Naive(transA, transB, m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
            Gemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, actual, ldc, accumulate);
            for (int i = 0; i < expected.Length; i++)
                Assert.AreEqual(expected[i], actual[i], 1e-4f * (1 + Math.Abs(expected[i])), $"element {i}, accumulate={accumulate}");
        }
    }

    [TestMethod]
    public void Multiply_OperandTooShort_ThrowsNamingOperand()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            Gemm.Multiply(false, false, 2, 2, 2, new float[3], new float[4], new float[4], accumulate: false));
        Assert.AreEqual("a", ex.ParamName);
    }
}
