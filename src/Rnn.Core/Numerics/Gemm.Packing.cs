using System.Runtime.InteropServices;

namespace Rnn.Core.Numerics;

// M, N, K = rows of op(A) and C, columns of op(B) and C, shared dimension; kc = depth of one k block,
// mc = rows of one A block. MR/NR = register tile (Gemm.Kernels.cs).
//
// Packed layouts (what the micro-kernels read, contiguous and zero-padded so every tile is full):
//   A block, (mc, kc) → row tiles of MR rows (then MRTail rows for the rest, the last padded with zero rows);
//     the tile starting at row r is at aPack + r * kc, laid out (kc, tileRows): column p of its rows together.
//   B block, (kc, nc) → column panels of NR columns (the last padded with zero columns);
//     panel j is at bPack + j * kc * NR, laid out (kc, NR): row p of its columns together.

internal static partial class Gemm
{
    /// <summary>
    /// Packs <c>op(A)[0:rows, 0:kc]</c> (A already offset to the block's first row and column) into
    /// MR-row tiles, then MRTail-row tiles; missing rows of the last tile are zero.
    /// </summary>
    private static unsafe void PackABlock(bool transA, int rows, int kc, float* a, int lda, float* dst)
    {
        int r = 0;
        for (; r + MR <= rows; r += MR) PackATile(transA, MR, MR, kc, a, lda, r, dst + (nint)r * kc);
        for (; r < rows; r += MRTail) PackATile(transA, MRTail, Math.Min(MRTail, rows - r), kc, a, lda, r, dst + (nint)r * kc);
    }

    // One tile, (kc, tileRows): dst[p * tileRows + i] = op(A)[r0 + i, p].
    private static unsafe void PackATile(bool transA, int tileRows, int valid, int kc, float* a, int lda, int r0, float* dst)
    {
        if (transA)
        {
            // A stored (K, M): the tile's rows at one p are contiguous.
            float* src = a + r0;
            for (int p = 0; p < kc; p++, src += lda, dst += tileRows)
            {
                int i = 0;
                for (; i < valid; i++) dst[i] = src[i];
                for (; i < tileRows; i++) dst[i] = 0f;
            }
            return;
        }
        // A stored (M, K): read each row contiguously, write it with stride tileRows.
        for (int i = 0; i < valid; i++)
        {
            float* src = a + (nint)(r0 + i) * lda;
            float* d = dst + i;
            for (int p = 0; p < kc; p++) d[p * tileRows] = src[p];
        }
        for (int i = valid; i < tileRows; i++)
        {
            float* d = dst + i;
            for (int p = 0; p < kc; p++) d[p * tileRows] = 0f;
        }
    }

    /// <summary>
    /// Packs <c>op(B)[0:kc, 0:cols]</c> (B already offset to the block's first row and column of op(B))
    /// into NR-column panels; missing columns of the last panel are zero.
    /// </summary>
    private static unsafe void PackBBlock(bool transB, int kc, int cols, float* b, int ldb, float* dst)
    {
        for (int j0 = 0; j0 < cols; j0 += NR, dst += (nint)kc * NR)
        {
            int valid = Math.Min(NR, cols - j0);
            if (transB)
            {
                // B stored (N, K): column j of op(B) is row j of B, contiguous over p.
                for (int j = 0; j < valid; j++)
                {
                    float* src = b + (nint)(j0 + j) * ldb;
                    float* d = dst + j;
                    for (int p = 0; p < kc; p++) d[p * NR] = src[p];
                }
                for (int j = valid; j < NR; j++)
                {
                    float* d = dst + j;
                    for (int p = 0; p < kc; p++) d[p * NR] = 0f;
                }
            }
            else
            {
                // B stored (K, N): the panel's columns at one p are contiguous.
                float* src = b + j0;
                float* d = dst;
                for (int p = 0; p < kc; p++, src += ldb, d += NR)
                {
                    new ReadOnlySpan<float>(src, valid).CopyTo(new Span<float>(d, valid));
                    if (valid < NR) new Span<float>(d + valid, NR - valid).Clear();
                }
            }
        }
    }

    /// <summary>
    /// Per-thread packing buffers, 64-byte aligned native memory allocated on first use and reused by every
    /// call on that thread (no allocation in steady state); freed by the finalizer when the thread is gone.
    /// </summary>
    private sealed unsafe class PackBuffers
    {
        [ThreadStatic] private static PackBuffers? t_current;

        /// <summary>A block, (MC + MRTail, KC).</summary>
        public readonly float* A;

        /// <summary>B block, (KC, NC) in NR panels.</summary>
        public readonly float* B;

        /// <summary>One register tile for edges, (MR, NR).</summary>
        public readonly float* Scratch;

        private PackBuffers()
        {
            A = Allocate((MC + MRTail) * KC);
            B = Allocate(KC * NC);
            Scratch = Allocate(MR * NR);
        }

        private float* _shared;
        private int _sharedFloats;

        public static PackBuffers Current => t_current ??= new PackBuffers();

        /// <summary>A buffer of at least <paramref name="floats"/> floats for a whole packed A, grown on demand.</summary>
        public float* Shared(int floats)
        {
            if (floats > _sharedFloats)
            {
                NativeMemory.AlignedFree(_shared);
                _sharedFloats = Math.Max(floats, 2 * _sharedFloats);
                _shared = Allocate(_sharedFloats);
            }
            return _shared;
        }

        private static float* Allocate(int floats) => (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);

        ~PackBuffers()
        {
            NativeMemory.AlignedFree(A);
            NativeMemory.AlignedFree(B);
            NativeMemory.AlignedFree(Scratch);
            NativeMemory.AlignedFree(_shared);
        }
    }
}
