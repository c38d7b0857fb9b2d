using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Core.Numerics;

namespace Rnn.Core.Layers;

// n = active rows at this step, H = hidden size, G = 3H (gate blocks r, z, n).

/// <summary>
/// One time step of the GRU cell for n rows at once, forward and backward (fused gate arithmetic).
/// </summary>
/// <remarks>
/// <code>
/// r = σ(W_ir x + b_ir + W_hr h + b_hr)      z = σ(W_iz x + b_iz + W_hz h + b_hz)
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
/// h' = (1 − z) ⊙ n + z ⊙ h
/// </code>
/// The reset gate multiplies <c>W_hn h + b_hn</c>, bias included, so the two products are kept apart:
/// <c>gx</c> holds the input side with b_ih and b_hr, b_hz folded in; <c>hh</c> holds <c>W_hh h</c>.
/// </remarks>
internal static class GruCell
{
    /// <summary>Activates the gates and advances h: the fused one-pass kernel where AVX-512 applies, else <see cref="ForwardSimple"/>.</summary>
    /// <inheritdoc cref="ForwardSimple"/>
    public static void Forward(int n, int hidden, Span<float> gx, Span<float> hh, ReadOnlySpan<float> biasHn,
        Span<float> hn, Span<float> hState, Span<float> y, int ldy)
    {
        if (!Vector512.IsHardwareAccelerated || hidden % 16 != 0)
        {
            ForwardSimple(n, hidden, gx, hh, biasHn, hn, hState, y, ldy);
            return;
        }
        int g3 = 3 * hidden, nh = n * hidden;
        _ = gx[n * g3 - 1]; _ = hh[n * g3 - 1]; _ = biasHn[hidden - 1]; _ = hn[nh - 1]; _ = hState[nh - 1];
        _ = y[(n - 1) * ldy + hidden - 1];
        ref float gr = ref MemoryMarshal.GetReference(gx);
        ref float hhr = ref MemoryMarshal.GetReference(hh);
        ref float br = ref MemoryMarshal.GetReference(biasHn);
        ref float hnr = ref MemoryMarshal.GetReference(hn);
        ref float hr = ref MemoryMarshal.GetReference(hState);
        ref float yr = ref MemoryMarshal.GetReference(y);
        nuint h1 = (nuint)hidden, h2 = (nuint)(2 * hidden);
        for (int row = 0; row < n; row++)
        {
            nuint gRow = (nuint)(row * g3), sRow = (nuint)(row * hidden), yRow = (nuint)(row * ldy);
            for (int j = 0; j < hidden; j += 16)
            {
                nuint gi = gRow + (nuint)j, si = sRow + (nuint)j;
                var r = FastMath.Sigmoid(Vector512.LoadUnsafe(ref gr, gi) + Vector512.LoadUnsafe(ref hhr, gi));
                var z = FastMath.Sigmoid(Vector512.LoadUnsafe(ref gr, gi + h1) + Vector512.LoadUnsafe(ref hhr, gi + h1));
                var hnv = Vector512.LoadUnsafe(ref hhr, gi + h2) + Vector512.LoadUnsafe(ref br, (nuint)j);
                var ng = FastMath.Tanh(Vector512.FusedMultiplyAdd(r, hnv, Vector512.LoadUnsafe(ref gr, gi + h2)));
                var h = Vector512.FusedMultiplyAdd(z, Vector512.LoadUnsafe(ref hr, si) - ng, ng);
                r.StoreUnsafe(ref gr, gi);
                z.StoreUnsafe(ref gr, gi + h1);
                ng.StoreUnsafe(ref gr, gi + h2);
                hnv.StoreUnsafe(ref hnr, si);
                h.StoreUnsafe(ref hr, si);
                h.StoreUnsafe(ref yr, yRow + (nuint)j);
            }
        }
    }

    /// <summary>Activates the gates and advances h: the readable reference (TensorPrimitives per row).</summary>
    /// <param name="gx">In: input-side pre-activations [n, 3H]; out: r, z, n (kept for backward).</param>
    /// <param name="hh">W_hh·h for the step [n, 3H] (no bias); its n block is destroyed.</param>
    /// <param name="biasHn">b_hn [H].</param>
    /// <param name="hn">Out: W_hn h + b_hn [n, H] (kept for backward).</param>
    /// <param name="hState">h rows [n, H], overwritten with h'.</param>
    /// <param name="y">Output rows, row i at <c>y[i * ldy]</c>.</param>
    public static void ForwardSimple(int n, int hidden, Span<float> gx, Span<float> hh, ReadOnlySpan<float> biasHn,
        Span<float> hn, Span<float> hState, Span<float> y, int ldy)
    {
        int g3 = 3 * hidden;
        for (int r = 0; r < n; r++)
        {
            Span<float> row = gx.Slice(r * g3, g3);
            Span<float> hrow = hh.Slice(r * g3, g3);
            Span<float> rz = row.Slice(0, 2 * hidden);
            Span<float> rg = row.Slice(0, hidden), z = row.Slice(hidden, hidden), ng = row.Slice(2 * hidden, hidden);
            TensorPrimitives.Add(rz, hrow.Slice(0, 2 * hidden), rz);
            TensorPrimitives.Sigmoid(rz, rz);
            Span<float> hnr = hn.Slice(r * hidden, hidden);
            TensorPrimitives.Add(hrow.Slice(2 * hidden, hidden), biasHn, hnr);     // hn = W_hn h + b_hn
            TensorPrimitives.MultiplyAdd(rg, hnr, ng, ng);                          // n_pre = gx_n + r ⊙ hn
            TensorPrimitives.Tanh(ng, ng);
            Span<float> h = hState.Slice(r * hidden, hidden);
            // h' = n + z ⊙ (h − n)
            TensorPrimitives.Subtract(h, ng, h);
            TensorPrimitives.MultiplyAdd(z, h, ng, h);
            h.CopyTo(y.Slice(r * ldy, hidden));
        }
    }

    /// <summary>Back-propagates through one step: the fused one-pass kernel where AVX-512 applies, else <see cref="BackwardSimple"/>.</summary>
    /// <inheritdoc cref="BackwardSimple"/>
    public static void Backward(int n, int hidden, Span<float> dGx, Span<float> dGh, Span<float> dh,
        ReadOnlySpan<float> gates, ReadOnlySpan<float> hn, ReadOnlySpan<float> hPrev)
    {
        if (!Vector512.IsHardwareAccelerated || hidden % 16 != 0)
        {
            BackwardSimple(n, hidden, dGx, dGh, dh, gates, hn, hPrev);
            return;
        }
        int g3 = 3 * hidden, nh = n * hidden;
        _ = dGx[n * g3 - 1]; _ = dGh[n * g3 - 1]; _ = dh[nh - 1]; _ = gates[n * g3 - 1]; _ = hn[nh - 1]; _ = hPrev[nh - 1];
        ref float dxr = ref MemoryMarshal.GetReference(dGx);
        ref float dhhr = ref MemoryMarshal.GetReference(dGh);
        ref float dhr = ref MemoryMarshal.GetReference(dh);
        ref float gr = ref MemoryMarshal.GetReference(gates);
        ref float hnr = ref MemoryMarshal.GetReference(hn);
        ref float hpr = ref MemoryMarshal.GetReference(hPrev);
        nuint h1 = (nuint)hidden, h2 = (nuint)(2 * hidden);
        var one = Vector512<float>.One;
        for (int row = 0; row < n; row++)
        {
            nuint gRow = (nuint)(row * g3), sRow = (nuint)(row * hidden);
            for (int j = 0; j < hidden; j += 16)
            {
                nuint gi = gRow + (nuint)j, si = sRow + (nuint)j;
                var r = Vector512.LoadUnsafe(ref gr, gi);
                var z = Vector512.LoadUnsafe(ref gr, gi + h1);
                var ng = Vector512.LoadUnsafe(ref gr, gi + h2);
                var dhv = Vector512.LoadUnsafe(ref dhr, si);
                var dz = (Vector512.LoadUnsafe(ref hpr, si) - ng) * dhv * z * (one - z);
                var dn = dhv - dhv * z;
                var dnPre = dn * (one - ng * ng);
                var dr = dnPre * Vector512.LoadUnsafe(ref hnr, si) * r * (one - r);
                (dhv - dn).StoreUnsafe(ref dhr, si);
                dr.StoreUnsafe(ref dxr, gi);
                dz.StoreUnsafe(ref dxr, gi + h1);
                dnPre.StoreUnsafe(ref dxr, gi + h2);
                dr.StoreUnsafe(ref dhhr, gi);
                dz.StoreUnsafe(ref dhhr, gi + h1);
                (dnPre * r).StoreUnsafe(ref dhhr, gi + h2);
            }
        }
    }

    /// <summary>Back-propagates through one step: the readable reference (TensorPrimitives per row).</summary>
    /// <param name="dGx">Out: gradient of the input-side pre-activations [n, 3H] (for W_ih, b_ih, x).</param>
    /// <param name="dGh">Out: gradient of the hidden-side products [n, 3H] (for W_hh, b_hh, h).</param>
    /// <param name="dh">In: gradient of h' [n, H]; out: its direct part z ⊙ dh toward h (the product part is added by the caller).</param>
    /// <param name="gates">r, z, n from the forward pass [n, 3H].</param>
    /// <param name="hn">W_hn h + b_hn from the forward pass [n, H].</param>
    /// <param name="hPrev">The previous state h [n, H].</param>
    public static void BackwardSimple(int n, int hidden, Span<float> dGx, Span<float> dGh, Span<float> dh,
        ReadOnlySpan<float> gates, ReadOnlySpan<float> hn, ReadOnlySpan<float> hPrev)
    {
        int g3 = 3 * hidden;
        for (int r = 0; r < n; r++)
        {
            ReadOnlySpan<float> row = gates.Slice(r * g3, g3);
            ReadOnlySpan<float> rg = row.Slice(0, hidden), z = row.Slice(hidden, hidden), ng = row.Slice(2 * hidden, hidden);
            ReadOnlySpan<float> hnr = hn.Slice(r * hidden, hidden), hp = hPrev.Slice(r * hidden, hidden);
            Span<float> dx = dGx.Slice(r * g3, g3), dhh = dGh.Slice(r * g3, g3);
            Span<float> dr = dx.Slice(0, hidden), dz = dx.Slice(hidden, hidden), dn = dx.Slice(2 * hidden, hidden);
            Span<float> dhr = dh.Slice(r * hidden, hidden);

            // dz_pre = dh ⊙ (h − n) ⊙ σ'(z)
            TensorPrimitives.Subtract(hp, ng, dz);
            TensorPrimitives.Multiply(dz, dhr, dz);
            Elementwise.SigmoidGrad(z, dz);
            // dn = dh ⊙ (1 − z), then dh ← dh − dn = z ⊙ dh, the direct path to h
            TensorPrimitives.Multiply(dhr, z, dn);
            TensorPrimitives.Subtract(dhr, dn, dn);
            TensorPrimitives.Subtract(dhr, dn, dhr);
            Elementwise.TanhGrad(ng, dn);                              // dn_pre = dn ⊙ (1 − n²)
            TensorPrimitives.Multiply(dn, rg, dhh.Slice(2 * hidden, hidden)); // d(W_hn h + b_hn) = dn_pre ⊙ r
            TensorPrimitives.Multiply(dn, hnr, dr);                    // dr_pre = dn_pre ⊙ hn ⊙ σ'(r)
            Elementwise.SigmoidGrad(rg, dr);
            dx.Slice(0, 2 * hidden).CopyTo(dhh);                       // r and z see the same pre-activation on both sides
        }
    }
}
