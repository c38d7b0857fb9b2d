using System.Runtime.InteropServices;
using Rnn.Core.Internals;

namespace Rnn.Core.Numerics;

// K, N = rows and columns of op(B); KC, NR = Gemm's k block and register-tile width.

/// <summary>
/// The right operand op(B) [k, n] of a matrix product, packed once into the micro-kernel's layout so that
/// products reusing it (a recurrent weight W_hhᵀ every time step) pack only their left operand.
/// Made by <see cref="Gemm.PackB"/>, used by <see cref="Gemm.Multiply(bool, int, ReadOnlySpan{float}, int, PackedMatrix, Span{float}, int, bool)"/>.
/// </summary>
/// <remarks>
/// Layout (64-byte aligned native memory, <c>K · ⌈N/NR⌉ · NR</c> floats): k blocks of <c>kc = min(KC, K − pc)</c>
/// rows one after the other; within a block, panels of NR columns, each <c>(kc, NR)</c> row-major, missing
/// columns zero. Not thread-safe while <see cref="Pack"/> runs; any number of products may read it at once.
/// </remarks>
internal sealed unsafe class PackedMatrix : IDisposable
{
    private float* _data;

    /// <summary>Allocates an (unfilled) packed matrix for op(B) of shape [k, n].</summary>
    /// <param name="k">Rows of op(B) (the shared dimension of the product).</param>
    /// <param name="n">Columns of op(B) (the columns of the product).</param>
    public PackedMatrix(int k, int n)
    {
        if (k < 0 || n < 0) ThrowHelper.ThrowArgument(nameof(k), $"matrix sizes must be non-negative, got k={k}, n={n}");
        K = k;
        N = n;
        Panels = (n + Gemm.NR - 1) / Gemm.NR;
        long floats = Math.Max(1L, (long)k * Panels * Gemm.NR);
        _data = (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);
    }

    /// <summary>Rows of op(B).</summary>
    public int K { get; }

    /// <summary>Columns of op(B).</summary>
    public int N { get; }

    /// <summary>Number of NR-column panels.</summary>
    internal int Panels { get; }

    /// <summary>The packed floats; throws once disposed.</summary>
    internal float* Data
    {
        get
        {
            ObjectDisposedException.ThrowIf(_data == null, this);
            return _data;
        }
    }

    /// <summary>(Re)fills this matrix from B — e.g. after an optimiser step changed the weight. Allocates nothing.</summary>
    /// <param name="b">B, row-major with row stride <paramref name="ldb"/>: [K, N], or [N, K] when <paramref name="transB"/>.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="transB">Use Bᵀ: B is stored [N, K] (a PyTorch weight applied as x·Wᵀ).</param>
    public void Pack(ReadOnlySpan<float> b, int ldb, bool transB) => PackColumns(b, ldb, transB, 0, N);

    /// <summary>
    /// (Re)fills columns [<paramref name="firstColumn"/>, +<paramref name="columns"/>) of this matrix from a B that holds
    /// just those columns: [K, columns], or [columns, K] when <paramref name="transB"/> — so one packed matrix can gather
    /// column blocks from different places (a part's rows of every gate block of W_hh). Allocates nothing.
    /// </summary>
    /// <param name="b">The columns' source, row-major with row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of b.</param>
    /// <param name="transB">b holds the columns as rows.</param>
    /// <param name="firstColumn">First column to fill, a multiple of 32 (the panel width).</param>
    /// <param name="columns">Columns to fill; a multiple of 32 unless the block ends at <see cref="N"/>.</param>
    public void PackColumns(ReadOnlySpan<float> b, int ldb, bool transB, int firstColumn, int columns)
    {
        if (firstColumn < 0 || columns < 0 || firstColumn + columns > N || firstColumn % Gemm.NR != 0
            || (columns % Gemm.NR != 0 && firstColumn + columns != N))
            ThrowHelper.ThrowArgument(nameof(firstColumn), $"columns [{firstColumn}, {firstColumn + columns}) are not whole {Gemm.NR}-column panels of a matrix with {N} columns");
        int rows = transB ? columns : K, cols = transB ? K : columns;
        if (rows > 0 && cols > 0)
        {
            if (ldb < cols)
                ThrowHelper.ThrowArgument(nameof(ldb), $"leading dimension of b is {ldb}, smaller than its {cols} columns");
            long needed = (long)(rows - 1) * ldb + cols;
            if (b.Length < needed)
                ThrowHelper.ThrowArgument(nameof(b), $"b has {b.Length} elements, a [{rows}, {cols}] matrix with row stride {ldb} needs {needed}");
        }
        if (K == 0 || columns == 0) return;
        fixed (float* pb = b) Gemm.PackColumns(transB, K, firstColumn, columns, pb, ldb, Data, Panels);
    }

    /// <summary>Frees the native memory.</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~PackedMatrix() => Free();

    private void Free()
    {
        if (_data == null) return;
        NativeMemory.AlignedFree(_data);
        _data = null;
    }
}
