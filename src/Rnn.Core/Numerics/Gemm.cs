using System.Numerics.Tensors;
using Rnn.Core.Internals;

namespace Rnn.Core.Numerics;

// M, N, K = rows of op(A) and C, columns of op(B) and C, shared dimension.
// Row-major storage with leading dimensions: A[i, p] = a[i * lda + p] (or a[p * lda + i] when transposed).

/// <summary>
/// General matrix product <c>C = op(A)·op(B)</c> or <c>C += op(A)·op(B)</c> over row-major spans,
/// where op(X) is X or Xᵀ. The one entry point every layer uses; it picks the kernel.
/// </summary>
internal static partial class Gemm
{
    /// <summary>
    /// Computes <c>C[m, n] (+)= op(A)[m, k] · op(B)[k, n]</c>.
    /// </summary>
    /// <param name="transA">Use Aᵀ: A is stored [k, m].</param>
    /// <param name="transB">Use Bᵀ: B is stored [n, k] (the layout of a PyTorch weight applied as x·Wᵀ).</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">Shared dimension.</param>
    /// <param name="a">A, row-major with row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">B, row-major with row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="c">C, row-major with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="accumulate">Add into C instead of overwriting it.</param>
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        CheckArguments(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) ClearC(m, n, c, ldc);
            return;
        }
        if (k == 1 && n <= VectorPathLimit) OuterProduct(transA, transB, m, n, a, lda, b, ldb, c, ldc, accumulate);
        else if (n == 1 && m <= VectorPathLimit) MatrixVector(transA, transB, m, k, a, lda, b, ldb, c, ldc, accumulate);
        else if (PreferBlocked(m, n, k)) BlockedCore(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        else Simple(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    /// <summary>Largest vector (a row of B, or the column of C) the rank-1 and matrix-vector paths keep on the stack.</summary>
    private const int VectorPathLimit = 2048;

    /// <summary>
    /// k = 1: <c>C[i, :] (+)= op(A)[i, 0] · op(B)[0, :]</c>, one vectorised row update per row. (A layer whose input has one
    /// feature — a univariate series — projects its input this way; the blocked kernel would pack for a single k step.)
    /// </summary>
    private static void OuterProduct(bool transA, bool transB, int m, int n,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        Span<float> row = stackalloc float[n];
        for (int j = 0; j < n; j++) row[j] = transB ? b[j * ldb] : b[j];
        for (int i = 0; i < m; i++)
        {
            float ai = transA ? a[i] : a[i * lda];
            Span<float> ci = c.Slice(i * ldc, n);
            if (accumulate) TensorPrimitives.MultiplyAdd(row, ai, ci, ci);
            else TensorPrimitives.Multiply(row, ai, ci);
        }
    }

    /// <summary>
    /// n = 1: <c>C[:, 0] (+)= op(A) · op(B)[:, 0]</c>. With Aᵀ (a weight gradient dGᵀ·x for a one-feature input) A's stored
    /// rows are contiguous along m: one axpy per k; otherwise one dot product per row of A.
    /// </summary>
    private static void MatrixVector(bool transA, bool transB, int m, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        Span<float> sums = stackalloc float[m];
        sums.Clear();
        if (transA)
        {
            for (int p = 0; p < k; p++)
            {
                float bp = transB ? b[p] : b[p * ldb];
                if (bp != 0f) TensorPrimitives.MultiplyAdd(a.Slice(p * lda, m), bp, sums, sums);
            }
        }
        else
        {
            float[]? rented = null;
            Span<float> column = k <= VectorPathLimit ? stackalloc float[k] : (rented = System.Buffers.ArrayPool<float>.Shared.Rent(k));
            column = column.Slice(0, k);
            for (int p = 0; p < k; p++) column[p] = transB ? b[p] : b[p * ldb];
            for (int i = 0; i < m; i++) sums[i] = TensorPrimitives.Dot(a.Slice(i * lda, k), column);
            if (rented is not null) System.Buffers.ArrayPool<float>.Shared.Return(rented);
        }
        for (int i = 0; i < m; i++) c[i * ldc] = accumulate ? c[i * ldc] + sums[i] : sums[i];
    }

    /// <summary>Contiguous convenience overload: leading dimensions are the stored row lengths.</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate) =>
        Multiply(transA, transB, m, n, k, a, transA ? m : k, b, transB ? k : n, c, n, accumulate);

    /// <summary>
    /// The reference: a triple loop in double precision. Slow; the oracle every fast kernel is tested against.
    /// </summary>
    public static void Naive(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        CheckArguments(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? c[i * ldc + j] : 0.0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }
                c[i * ldc + j] = (float)sum;
            }
        }
    }

    /// <summary>
    /// Straightforward vectorised kernel: row axpy for NN/TN, dot products for NT. Correct for every
    /// shape and stride; the blocked kernel takes over where it is faster.
    /// </summary>
    internal static void Simple(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        if (!accumulate) ClearC(m, n, c, ldc);
        if (transB)
        {
            // C[i, j] += dot(op(A)[i, :], B[j, :]) — B rows are contiguous.
            Span<float> column = transA ? new float[k] : default;
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<float> ai;
                if (transA)
                {
                    for (int p = 0; p < k; p++) column[p] = a[p * lda + i];
                    ai = column;
                }
                else
                {
                    ai = a.Slice(i * lda, k);
                }
                Span<float> ci = c.Slice(i * ldc, n);
                for (int j = 0; j < n; j++) ci[j] += TensorPrimitives.Dot(ai, b.Slice(j * ldb, k));
            }
            return;
        }
        // C[i, :] += op(A)[i, p] * B[p, :] — B rows and C rows are contiguous.
        for (int i = 0; i < m; i++)
        {
            Span<float> ci = c.Slice(i * ldc, n);
            for (int p = 0; p < k; p++)
            {
                float av = transA ? a[p * lda + i] : a[i * lda + p];
                if (av == 0f) continue;
                TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), av, ci, ci);
            }
        }
    }

    private static void ClearC(int m, int n, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
    }

    private static void CheckArguments(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
            ThrowHelper.ThrowArgument(nameof(m), $"matrix sizes must be non-negative, got m={m}, n={n}, k={k}");
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        CheckOperand(nameof(a), a.Length, aRows, aCols, lda);
        CheckOperand(nameof(b), b.Length, bRows, bCols, ldb);
        CheckOperand(nameof(c), c.Length, m, n, ldc);
    }

    private static void CheckOperand(string name, int length, int rows, int cols, int ld)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols)
            ThrowHelper.ThrowArgument(name, $"leading dimension of {name} is {ld}, smaller than its {cols} columns");
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
            ThrowHelper.ThrowArgument(name, $"{name} has {length} elements, a [{rows}, {cols}] matrix with row stride {ld} needs {needed}");
    }
}
