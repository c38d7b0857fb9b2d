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
        if (PreferBlocked(m, n, k)) BlockedCore(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        else Simple(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
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
