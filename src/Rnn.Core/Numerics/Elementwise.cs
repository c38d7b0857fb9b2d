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
    public static void TanhGrad(ReadOnlySpan<float> t, Span<float> d)
    {
        ref float tr = ref MemoryMarshal.GetReference(t);
        ref float dr = ref MemoryMarshal.GetReference(d);
        int n = d.Length, j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var one = Vector512<float>.One;
            for (; j <= n - 16; j += 16)
            {
                var tv = Vector512.LoadUnsafe(ref tr, (nuint)j);
                var dv = Vector512.LoadUnsafe(ref dr, (nuint)j);
                (dv * (one - tv * tv)).StoreUnsafe(ref dr, (nuint)j);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256<float>.One;
            for (; j <= n - 8; j += 8)
            {
                var tv = Vector256.LoadUnsafe(ref tr, (nuint)j);
                var dv = Vector256.LoadUnsafe(ref dr, (nuint)j);
                (dv * (one - tv * tv)).StoreUnsafe(ref dr, (nuint)j);
            }
        }
        for (; j < n; j++) Unsafe.Add(ref dr, j) *= 1f - Unsafe.Add(ref tr, j) * Unsafe.Add(ref tr, j);
    }
}
