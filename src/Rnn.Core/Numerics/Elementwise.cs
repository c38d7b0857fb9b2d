using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Core.Numerics;

/// <summary>
/// Fused element-wise kernels the cells' backward passes need and TensorPrimitives does not offer
/// as one pass. Each effectively computes the formula in its summary; spans must have equal length.
/// </summary>
internal static class Elementwise
{
    /// <summary>d[j] ← d[j] · s[j] · (1 − s[j]): the chain rule through σ given its output s.</summary>
    public static void SigmoidGrad(ReadOnlySpan<float> s, Span<float> d)
    {
        ref float sr = ref MemoryMarshal.GetReference(s);
        ref float dr = ref MemoryMarshal.GetReference(d);
        int n = d.Length, j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var one = Vector512<float>.One;
            for (; j <= n - 16; j += 16)
            {
                var sv = Vector512.LoadUnsafe(ref sr, (nuint)j);
                var dv = Vector512.LoadUnsafe(ref dr, (nuint)j);
                (dv * sv * (one - sv)).StoreUnsafe(ref dr, (nuint)j);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256<float>.One;
            for (; j <= n - 8; j += 8)
            {
                var sv = Vector256.LoadUnsafe(ref sr, (nuint)j);
                var dv = Vector256.LoadUnsafe(ref dr, (nuint)j);
                (dv * sv * (one - sv)).StoreUnsafe(ref dr, (nuint)j);
            }
        }
        for (; j < n; j++) Unsafe.Add(ref dr, j) *= Unsafe.Add(ref sr, j) * (1f - Unsafe.Add(ref sr, j));
    }

    /// <summary>d[j] ← d[j] · (1 − t[j]²): the chain rule through tanh given its output t.</summary>
    public static void TanhGrad(ReadOnlySpan<float> t, Span<float> d) => TanhGrad(t, d, d);

    /// <summary>d[j] ← g[j] · (1 − t[j]²): as above from a separate incoming gradient g (same length as d; may be d).</summary>
    public static void TanhGrad(ReadOnlySpan<float> t, ReadOnlySpan<float> g, Span<float> d)
    {
        if (g.Length < d.Length || t.Length < d.Length)
            Internals.ThrowHelper.ThrowArgument(nameof(g), $"t and g need at least {d.Length} values, got {t.Length} and {g.Length}");
        ref float tr = ref MemoryMarshal.GetReference(t);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float dr = ref MemoryMarshal.GetReference(d);
        int n = d.Length, j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var one = Vector512<float>.One;
            for (; j <= n - 16; j += 16)
            {
                var tv = Vector512.LoadUnsafe(ref tr, (nuint)j);
                var dv = Vector512.LoadUnsafe(ref gr, (nuint)j);
                (dv * (one - tv * tv)).StoreUnsafe(ref dr, (nuint)j);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256<float>.One;
            for (; j <= n - 8; j += 8)
            {
                var tv = Vector256.LoadUnsafe(ref tr, (nuint)j);
                var dv = Vector256.LoadUnsafe(ref gr, (nuint)j);
                (dv * (one - tv * tv)).StoreUnsafe(ref dr, (nuint)j);
            }
        }
        for (; j < n; j++) Unsafe.Add(ref dr, j) = Unsafe.Add(ref gr, j) * (1f - Unsafe.Add(ref tr, j) * Unsafe.Add(ref tr, j));
    }

    /// <summary>
    /// <c>m[r, :] += v</c> for every row of <c>m</c> [rows, cols]: one pass with Vector512 when cols is a multiple of 16
    /// (no per-row call), else TensorPrimitives per row.
    /// </summary>
    public static void AddToRows(Span<float> m, int rows, int cols, ReadOnlySpan<float> v)
    {
        if (!Vector512.IsHardwareAccelerated || cols % 16 != 0)
        {
            for (int r = 0; r < rows; r++) System.Numerics.Tensors.TensorPrimitives.Add(m.Slice(r * cols, cols), v, m.Slice(r * cols, cols));
            return;
        }
        _ = m[rows * cols - 1]; _ = v[cols - 1];
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j += 16)
            {
                nuint at = (nuint)(r * cols + j);
                (Vector512.LoadUnsafe(ref mr, at) + Vector512.LoadUnsafe(ref vr, (nuint)j)).StoreUnsafe(ref mr, at);
            }
        }
    }

    /// <summary>
    /// <c>sums[c] += Σ_r m[r, c]</c> over <c>m</c> [rows, cols]: one pass with Vector512 when cols is a multiple of 16
    /// (no per-row call), else TensorPrimitives per row.
    /// </summary>
    public static unsafe void AddColumnSums(ReadOnlySpan<float> m, int rows, int cols, Span<float> sums)
    {
        if (!Vector512.IsHardwareAccelerated || cols % 16 != 0)
        {
            for (int r = 0; r < rows; r++) System.Numerics.Tensors.TensorPrimitives.Add(sums, m.Slice(r * cols, cols), sums);
            return;
        }
        if (rows == 0) return;
        _ = m[rows * cols - 1]; _ = sums[cols - 1];
        fixed (float* pm = m, ps = sums)
        {
            var job = new ColumnSumsJob { M = pm, Sums = ps, Rows = rows, Cols = cols };
            // A large matrix (a layer's gate gradients over all packed rows) is read by every thread, each summing its own
            // columns: the same additions in the same order as one thread, over half the memory traffic per core.
            int parts = (long)rows * cols >= ParallelColumnSums && cols >= 32 ? Math.Min(WorkerPool.Threads, cols / 16) : 1;
            job.Parts = parts;
            if (parts <= 1) ColumnSumsJob.Run(&job, 0, cols);
            else WorkerPool.Run(parts, &ColumnSumsPart, &job);
        }
    }

    /// <summary>Matrices with at least this many elements have their column sums split by columns across the threads.</summary>
    internal const long ParallelColumnSums = 1 << 18;

    private static unsafe void ColumnSumsPart(void* context, int part)
    {
        var job = (ColumnSumsJob*)context;
        int vectors = job->Cols / 16;
        ColumnSumsJob.Run(job, WorkerPool.ShareStart(vectors, part, job->Parts) * 16, WorkerPool.ShareStart(vectors, part + 1, job->Parts) * 16);
    }

    private unsafe struct ColumnSumsJob
    {
        public float* M, Sums;
        public int Rows, Cols, Parts;

        // Columns [c0, c1), multiples of 16: row by row (the matrix is read in order); the sums stay in L1.
        public static void Run(ColumnSumsJob* job, int c0, int c1)
        {
            float* m = job->M, sums = job->Sums;
            nint cols = job->Cols;
            for (int r = 0; r < job->Rows; r++)
            {
                float* row = m + r * cols;
                for (int j = c0; j < c1; j += 16)
                    (Vector512.Load(sums + j) + Vector512.Load(row + j)).Store(sums + j);
            }
        }
    }
}
