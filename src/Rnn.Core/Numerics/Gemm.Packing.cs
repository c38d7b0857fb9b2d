using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackABlock(bool transA, int rows, int kc, float* a, int lda, float* dst)
    {
        int r = 0;
        for (; r + MR <= rows; r += MR) PackATile(transA, MR, MR, kc, a, lda, r, dst + (nint)r * kc);
        for (; r < rows; r += MRTail) PackATile(transA, MRTail, Math.Min(MRTail, rows - r), kc, a, lda, r, dst + (nint)r * kc);
    }

    // One tile, (kc, tileRows): dst[p * tileRows + i] = op(A)[r0 + i, p].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackATile(bool transA, int tileRows, int valid, int kc, float* a, int lda, int r0, float* dst)
    {
        if (transA)
        {
            // A stored (K, M): the tile's rows at one p are contiguous.
            float* src = a + r0;
            if (valid == MR && tileRows == MR)
            {
                for (int p = 0; p < kc; p++, src += lda, dst += MR)
                {
                    Vector256.Store(Vector256.Load(src), dst);
                    Vector128.Store(Vector128.Load(src + 8), dst + 8);
                }
                return;
            }
            for (int p = 0; p < kc; p++, src += lda, dst += tileRows)
            {
                int i = 0;
                for (; i < valid; i++) dst[i] = src[i];
                for (; i < tileRows; i++) dst[i] = 0f;
            }
            return;
        }
        // A stored (M, K): transpose row-major rows into the tile's column-major order.
        if (valid == tileRows)
        {
            TransposeRows(a + (nint)r0 * lda, lda, tileRows, kc, dst, tileRows);
            return;
        }
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackBBlock(bool transB, int kc, int cols, float* b, int ldb, float* dst)
    {
        for (int j0 = 0; j0 < cols; j0 += NR, dst += (nint)kc * NR)
        {
            int valid = Math.Min(NR, cols - j0);
            if (transB)
            {
                // B stored (N, K): column j of op(B) is row j of B, contiguous over p.
                if (valid == NR)
                {
                    TransposeRows(b + (nint)j0 * ldb, ldb, NR, kc, dst, NR);
                    continue;
                }
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
                if (valid == NR)
                {
                    for (int p = 0; p < kc; p++, src += ldb, d += NR)
                    {
                        Vector512.Store(Vector512.Load(src), d);
                        Vector512.Store(Vector512.Load(src + 16), d + 16);
                    }
                    continue;
                }
                for (int p = 0; p < kc; p++, src += ldb, d += NR)
                {
                    new ReadOnlySpan<float>(src, valid).CopyTo(new Span<float>(d, valid));
                    if (valid < NR) new Span<float>(d + valid, NR - valid).Clear();
                }
            }
        }
    }

    /// <summary>
    /// dst[p * ldd + i] = src[i * lds + p] for i in [0, rows), p in [0, cols): <paramref name="rows"/> row-major rows
    /// written column by column. Rows go 8 at a time through an AVX 8×8 transpose, then 4 at a time through an SSE
    /// 4×4 one; leftovers (and machines without AVX) go element by element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TransposeRows(float* src, int lds, int rows, int cols, float* dst, int ldd)
    {
        int i = 0;
        if (Avx.IsSupported)
        {
            for (; i + 8 <= rows; i += 8)
            {
                int p = 0;
                for (; p + 8 <= cols; p += 8) Transpose8x8(src + (nint)i * lds + p, lds, dst + (nint)p * ldd + i, ldd);
                TransposeScalar(src + (nint)i * lds, lds, 8, p, cols, dst + i, ldd);
            }
        }
        if (Sse.IsSupported)
        {
            for (; i + 4 <= rows; i += 4)
            {
                int p = 0;
                for (; p + 4 <= cols; p += 4) Transpose4x4(src + (nint)i * lds + p, lds, dst + (nint)p * ldd + i, ldd);
                TransposeScalar(src + (nint)i * lds, lds, 4, p, cols, dst + i, ldd);
            }
        }
        TransposeScalar(src + (nint)i * lds, lds, rows - i, 0, cols, dst + i, ldd);
    }

    // dst[p * ldd + i] = src[i * lds + p] for i in [0, rows), p in [p0, cols).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TransposeScalar(float* src, int lds, int rows, int p0, int cols, float* dst, int ldd)
    {
        for (int i = 0; i < rows; i++)
        {
            float* s = src + (nint)i * lds;
            for (int p = p0; p < cols; p++) dst[(nint)p * ldd + i] = s[p];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Transpose8x8(float* src, int lds, float* dst, int ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * lds), r3 = Avx.LoadVector256(src + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * lds), r5 = Avx.LoadVector256(src + 5 * lds);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * lds), r7 = Avx.LoadVector256(src + 7 * lds);
        // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Transpose4x4(float* src, int lds, float* dst, int ldd)
    {
        Vector128<float> r0 = Sse.LoadVector128(src), r1 = Sse.LoadVector128(src + lds);
        Vector128<float> r2 = Sse.LoadVector128(src + 2 * lds), r3 = Sse.LoadVector128(src + 3 * lds);
        Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackHigh(r0, r1);
        Vector128<float> t2 = Sse.UnpackLow(r2, r3), t3 = Sse.UnpackHigh(r2, r3);
        Sse.Store(dst, Sse.MoveLowToHigh(t0, t2));
        Sse.Store(dst + ldd, Sse.MoveHighToLow(t2, t0));
        Sse.Store(dst + 2 * ldd, Sse.MoveLowToHigh(t1, t3));
        Sse.Store(dst + 3 * ldd, Sse.MoveHighToLow(t3, t1));
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
