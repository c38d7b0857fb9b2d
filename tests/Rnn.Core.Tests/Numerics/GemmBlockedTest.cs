using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.Numerics;

[TestClass]
public sealed class GemmBlockedTest
{
    // (m, n, k): tile edges (MR = 12, 8 = two 4-row tails, 4; NR = 32), k blocks (KC = 256), A blocks (MC = 192), B blocks (NC = 4096),
    // and shapes large enough for the two-thread path (split along n, and along m when n is narrow; the last one
    // is split even when WorkerPool sees a busy machine: 2·m·n·k ≥ Gemm.ContendedParallelFlops).
    private static readonly (int M, int N, int K)[] s_shapes =
    [
        (1, 1, 1), (7, 15, 16), (16, 16, 16), (17, 31, 33), (12, 32, 8), (4, 33, 1), (63, 65, 129),
        (257, 33, 7), (1, 257, 65), (65, 1, 257), (129, 257, 63), (33, 63, 513), (5, 4100, 9),
        (64, 512, 128), (32, 96, 70), (20, 40, 3), (600, 40, 100), (200, 300, 260), (260, 520, 250),
    ];

    public static IEnumerable<object[]> Shapes()
    {
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        foreach (var (m, n, k) in s_shapes)
            yield return [ta, tb, m, n, k];
    }

    public static IEnumerable<object[]> RecurrentShapes()
    {
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        foreach (var (m, n, k) in new[] { (1, 512, 128), (7, 24, 8), (32, 512, 128), (64, 384, 128), (33, 100, 300), (64, 2048, 64), (400, 70, 33), (500, 300, 100) })
            yield return [ta, tb, m, n, k];
    }

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void Blocked_AnyTransposeAndShape_MatchesNaive(bool transA, bool transB, int m, int n, int k)
    {
        var p = new Problem(transA, transB, m, n, k);
        p.Check((c, accumulate) => Gemm.Blocked(transA, transB, m, n, k, p.A, p.Lda, p.B, p.Ldb, c, p.Ldc, accumulate));
    }

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void Multiply_AnyTransposeAndShape_MatchesNaive(bool transA, bool transB, int m, int n, int k)
    {
        var p = new Problem(transA, transB, m, n, k);
        p.Check((c, accumulate) => Gemm.Multiply(transA, transB, m, n, k, p.A, p.Lda, p.B, p.Ldb, c, p.Ldc, accumulate));
    }

    [TestMethod]
    [DynamicData(nameof(RecurrentShapes))]
    public void MultiplyPacked_AnyTransposeAndShape_MatchesNaive(bool transA, bool transB, int m, int n, int k)
    {
        var p = new Problem(transA, transB, m, n, k);
        using PackedMatrix packed = Gemm.PackB(p.B, p.Ldb, transB, k, n);
        Assert.AreEqual(k, packed.K);
        Assert.AreEqual(n, packed.N);
        p.Check((c, accumulate) => Gemm.Multiply(transA, m, p.A, p.Lda, packed, c, p.Ldc, accumulate));
    }

    [TestMethod]
    public void PackedMatrixPack_NewWeight_ProductUsesIt()
    {
        var p = new Problem(false, true, 9, 70, 40);
        using var packed = new PackedMatrix(40, 70);
        packed.Pack(new float[p.B.Length], p.Ldb, transB: true);
        packed.Pack(p.B, p.Ldb, transB: true);
        p.Check((c, accumulate) => Gemm.Multiply(false, 9, p.A, p.Lda, packed, c, p.Ldc, accumulate));
    }

    [TestMethod]
    public void MultiplyPacked_Disposed_Throws()
    {
        var packed = new PackedMatrix(4, 4);
        packed.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() =>
            Gemm.Multiply(false, 2, new float[8], 4, packed, new float[8], 4, accumulate: false));
    }

    [TestMethod]
    public void MultiplyPacked_OutputTooShort_ThrowsNamingOperand()
    {
        using var packed = new PackedMatrix(3, 5);
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            Gemm.Multiply(false, 2, new float[6], 3, packed, new float[9], 5, accumulate: false));
        Assert.AreEqual("c", ex.ParamName);
    }

    [TestMethod]
    public void Blocked_KIsZero_ClearsOrKeepsC()
    {
        float[] c = [1, 2, 3, 4];
        Gemm.Blocked(false, false, 2, 2, 0, [], 0, [], 2, c, 2, accumulate: true);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4 }, c);
        Gemm.Blocked(false, false, 2, 2, 0, [], 0, [], 2, c, 2, accumulate: false);
        CollectionAssert.AreEqual(new float[4], c);
    }

    [TestMethod]
    public void Blocked_ManyThreadsCallingAtOnce_AllMatchNaive()
    {
        // Concurrent callers share the worker pool: all but one run inline; every result must still be right.
        var p = new Problem(false, true, 64, 512, 128);
        var expected = new float[p.CLength];
        Gemm.Naive(false, true, 64, 512, 128, p.A, p.Lda, p.B, p.Ldb, expected, p.Ldc, accumulate: false);
        Parallel.For(0, 8, _ =>
        {
            var c = new float[p.CLength];
            for (int rep = 0; rep < 20; rep++)
            {
                Gemm.Blocked(false, true, 64, 512, 128, p.A, p.Lda, p.B, p.Ldb, c, p.Ldc, accumulate: false);
                Problem.AssertClose(expected, c, 128, "concurrent");
            }
        });
    }

    /// <summary>Random operands with padded leading dimensions, checked against <see cref="Gemm.Naive"/>.</summary>
    private sealed class Problem
    {
        private readonly bool _transA, _transB;
        private readonly int _m, _n, _k;

        public Problem(bool transA, bool transB, int m, int n, int k)
        {
            (_transA, _transB, _m, _n, _k) = (transA, transB, m, n, k);
            var rng = new Rng(m * 7919 + n * 31 + k + (transA ? 1 : 0) + (transB ? 2 : 0));
            Lda = (transA ? m : k) + 3;
            Ldb = (transB ? k : n) + 5;
            Ldc = n + 2;
            A = new float[(transA ? k : m) * Lda];
            B = new float[(transB ? n : k) * Ldb];
            rng.FillNormal(A);
            rng.FillNormal(B);
            C0 = new float[CLength];
            rng.FillNormal(C0);
        }

        public float[] A { get; }
        public float[] B { get; }
        public float[] C0 { get; }
        public int Lda { get; }
        public int Ldb { get; }
        public int Ldc { get; }
        public int CLength => _m * Ldc;

        public void Check(Action<float[], bool> multiply)
        {
            foreach (bool accumulate in new[] { false, true })
            {
                var expected = (float[])C0.Clone();
                var actual = (float[])C0.Clone();
                Gemm.Naive(_transA, _transB, _m, _n, _k, A, Lda, B, Ldb, expected, Ldc, accumulate);
                multiply(actual, accumulate);
                AssertClose(expected, actual, _k, $"transA={_transA} transB={_transB} m={_m} n={_n} k={_k} accumulate={accumulate}");
            }
        }

        // Elements outside the n columns of each row (the padding) must be untouched: expected keeps C0 there.
        public static void AssertClose(float[] expected, float[] actual, int k, string label)
        {
            float tolerance = 1e-4f * MathF.Sqrt(k);
            for (int i = 0; i < expected.Length; i++)
            {
                float diff = Math.Abs(expected[i] - actual[i]);
                if (diff > tolerance * (1 + Math.Abs(expected[i])))
                    Assert.Fail($"{label}: element {i} expected {expected[i]}, got {actual[i]} (diff {diff})");
            }
        }
    }
}
