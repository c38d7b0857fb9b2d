using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Core.Numerics;

// MR = rows of a register tile (12, or 4 for the last rows), NR = 32 columns (two Vector512 lanes of 16 floats).
// kc = depth of the k block. Packed operands (see Gemm.Packing.cs):
//   a: one A micro-panel, (kc, MR) — column p of the tile's rows is a[p * MR .. p * MR + MR)
//   b: one B micro-panel, (kc, NR) — row p of the tile's columns is b[p * NR .. p * NR + NR)
//   c: the C tile, row stride ldc.

internal static partial class Gemm
{
    /// <summary>Columns of a register tile: two 16-float vectors.</summary>
    internal const int NR = 32;

    /// <summary>Rows of the main register tile: 12 × 2 accumulators + 2 B vectors + 1 broadcast = 27 of the 32 zmm registers.</summary>
    internal const int MR = 12;

    /// <summary>Rows of the tail register tile, for the last <c>m mod 12</c> rows (padded to a multiple of 4).</summary>
    internal const int MRTail = 4;

    /// <summary>
    /// C[0:12, 0:32] (+)= A·B over one k block: per k step, two B vectors and twelve broadcast A values
    /// feed 24 fused multiply-adds into 24 register accumulators.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel12x32(int kc, float* a, float* b, float* c, nint ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        Vector512<float> c80 = default, c81 = default, c90 = default, c91 = default;
        Vector512<float> cA0 = default, cA1 = default, cB0 = default, cB1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
            av = Vector512.Create(a[8]);
            c80 = Vector512.FusedMultiplyAdd(av, b0, c80);
            c81 = Vector512.FusedMultiplyAdd(av, b1, c81);
            av = Vector512.Create(a[9]);
            c90 = Vector512.FusedMultiplyAdd(av, b0, c90);
            c91 = Vector512.FusedMultiplyAdd(av, b1, c91);
            av = Vector512.Create(a[10]);
            cA0 = Vector512.FusedMultiplyAdd(av, b0, cA0);
            cA1 = Vector512.FusedMultiplyAdd(av, b1, cA1);
            av = Vector512.Create(a[11]);
            cB0 = Vector512.FusedMultiplyAdd(av, b0, cB0);
            cB1 = Vector512.FusedMultiplyAdd(av, b1, cB1);
            a += 12;
            b += NR;
        }
        StoreRow(c, c00, c01, add); c += ldc;
        StoreRow(c, c10, c11, add); c += ldc;
        StoreRow(c, c20, c21, add); c += ldc;
        StoreRow(c, c30, c31, add); c += ldc;
        StoreRow(c, c40, c41, add); c += ldc;
        StoreRow(c, c50, c51, add); c += ldc;
        StoreRow(c, c60, c61, add); c += ldc;
        StoreRow(c, c70, c71, add); c += ldc;
        StoreRow(c, c80, c81, add); c += ldc;
        StoreRow(c, c90, c91, add); c += ldc;
        StoreRow(c, cA0, cA1, add); c += ldc;
        StoreRow(c, cB0, cB1, add);
    }

    /// <summary>
    /// C[0:8, 0:32] (+)= A·B over one k block from two consecutive packed 4-row tail tiles (<paramref name="a"/> holds
    /// rows 0–3, <paramref name="a"/> + 4·kc rows 4–7): 16 accumulators keep both FMA ports busy where two separate
    /// 4×32 tiles (8 accumulators each) are bound by the FMA latency. A batch of 32 rows is 12 + 12 + 8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel8x32(int kc, float* a, float* b, float* c, nint ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        float* a2 = a + (nint)kc * MRTail;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a2[0]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a2[1]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a2[2]);
            c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a2[3]);
            c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
            a += MRTail;
            a2 += MRTail;
            b += NR;
        }
        StoreRow(c, c00, c01, add); c += ldc;
        StoreRow(c, c10, c11, add); c += ldc;
        StoreRow(c, c20, c21, add); c += ldc;
        StoreRow(c, c30, c31, add); c += ldc;
        StoreRow(c, c40, c41, add); c += ldc;
        StoreRow(c, c50, c51, add); c += ldc;
        StoreRow(c, c60, c61, add); c += ldc;
        StoreRow(c, c70, c71, add);
    }

    /// <summary>C[0:4, 0:32] (+)= A·B over one k block: the tail tile for the last rows (8 accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel4x32(int kc, float* a, float* b, float* c, nint ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            a += 4;
            b += NR;
        }
        StoreRow(c, c00, c01, add); c += ldc;
        StoreRow(c, c10, c11, add); c += ldc;
        StoreRow(c, c20, c21, add); c += ldc;
        StoreRow(c, c30, c31, add);
    }

    /// <summary>
    /// C[0, 0:128] (+)= a·B over one k block for a single row (a matrix-vector product): four consecutive B panels
    /// at once so that 8 independent accumulators hide the FMA latency. <paramref name="a"/> is a packed tail tile
    /// (stride MRTail; only row 0 is used); <paramref name="b"/> is the first of four panels, each (kc, NR).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel1x128(int kc, float* a, float* b, float* c, bool add) => Kernel1x128(kc, a, MRTail, b, c, add);

    /// <summary>As above, with the row's k-th value at <c>a[k · aStride]</c> (1: a plain contiguous row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel1x128(int kc, float* a, nint aStride, float* b, float* c, bool add)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        nint panel = (nint)kc * NR;
        float* b1 = b + panel, b2 = b + 2 * panel, b3 = b + 3 * panel;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> av = Vector512.Create(a[0]);
            c0 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b), c0);
            c1 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b + 16), c1);
            c2 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b1), c2);
            c3 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b1 + 16), c3);
            c4 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b2), c4);
            c5 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b2 + 16), c5);
            c6 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b3), c6);
            c7 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b3 + 16), c7);
            a += aStride;
            b += NR;
            b1 += NR;
            b2 += NR;
            b3 += NR;
        }
        StoreRow(c, c0, c1, add);
        StoreRow(c + 32, c2, c3, add);
        StoreRow(c + 64, c4, c5, add);
        StoreRow(c + 96, c6, c7, add);
    }

    /// <summary>C[0, 0:32] (+)= a·B over one k block for a single contiguous row and one panel (the rest after Kernel1x128).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel1x32(int kc, float* a, float* b, float* c, bool add)
    {
        Vector512<float> c0 = default, c1 = default, d0 = default, d1 = default;
        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            // Two k steps into separate accumulators: four chains instead of two.
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[p]), Vector512.Load(b), c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[p]), Vector512.Load(b + 16), c1);
            d0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[p + 1]), Vector512.Load(b + NR), d0);
            d1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[p + 1]), Vector512.Load(b + NR + 16), d1);
            b += 2 * NR;
        }
        if (p < kc)
        {
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[p]), Vector512.Load(b), c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[p]), Vector512.Load(b + 16), c1);
        }
        StoreRow(c, c0 + d0, c1 + d1, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow(float* c, Vector512<float> lo, Vector512<float> hi, bool add)
    {
        if (add)
        {
            lo += Vector512.Load(c);
            hi += Vector512.Load(c + 16);
        }
        lo.Store(c);
        hi.Store(c + 16);
    }

    /// <summary>
    /// One register tile with its edges: a full tile goes straight to C; a partial one (fewer than
    /// <paramref name="tileRows"/> rows or <see cref="NR"/> columns) is computed in <paramref name="scratch"/>
    /// (<c>(MR, NR)</c>) and only its valid part is copied to C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile(int tileRows, int rows, int cols, int kc, float* a, float* b,
        float* c, int ldc, bool add, float* scratch)
    {
        if (rows == tileRows && cols == NR)
        {
            if (tileRows == MR) Kernel12x32(kc, a, b, c, ldc, add);
            else Kernel4x32(kc, a, b, c, ldc, add);
            return;
        }
        if (add)
        {
            for (int i = 0; i < rows; i++)
                new ReadOnlySpan<float>(c + (nint)i * ldc, cols).CopyTo(new Span<float>(scratch + i * NR, cols));
        }
        if (tileRows == MR) Kernel12x32(kc, a, b, scratch, NR, add);
        else Kernel4x32(kc, a, b, scratch, NR, add);
        for (int i = 0; i < rows; i++)
            new ReadOnlySpan<float>(scratch + i * NR, cols).CopyTo(new Span<float>(c + (nint)i * ldc, cols));
    }
}
