using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Core.Numerics;

namespace Rnn.Core.Layers;

// n = active rows at this step, H = hidden size, G = 4H (gate blocks i, f, g, o).

/// <summary>
/// One time step of the LSTM cell for n rows at once, forward and backward (fused gate arithmetic).
/// </summary>
/// <remarks>
/// <code>
/// i = σ(W_ii x + b_ii + W_hi h + b_hi)      f = σ(W_if x + b_if + W_hf h + b_hf)
/// g = tanh(W_ig x + b_ig + W_hg h + b_hg)   o = σ(W_io x + b_io + W_ho h + b_ho)
/// c' = f ⊙ c + i ⊙ g                        h' = o ⊙ tanh(c')
/// </code>
/// The runner has summed both products and both biases into <c>gates</c> (rows <c>[i | f | g | o]</c>).
/// </remarks>
internal static class LstmCell
{
    /// <summary>Activates the gates in place and advances (h, c): the fused one-pass kernel where AVX-512 applies, else <see cref="ForwardSimple"/>.</summary>
    /// <inheritdoc cref="ForwardSimple"/>
    public static void Forward(int n, int hidden, Span<float> gates, Span<float> hState, Span<float> cState,
        Span<float> tanhC, Span<float> y, int ldy)
    {
        if (!Vector512.IsHardwareAccelerated || hidden % 16 != 0)
        {
            ForwardSimple(n, hidden, gates, hState, cState, tanhC, y, ldy);
            return;
        }
        int g4 = 4 * hidden;
        ref float gr = ref MemoryMarshal.GetReference(gates);
        ref float hr = ref MemoryMarshal.GetReference(hState);
        ref float cr = ref MemoryMarshal.GetReference(cState);
        ref float tr = ref MemoryMarshal.GetReference(tanhC);
        ref float yr = ref MemoryMarshal.GetReference(y);
        _ = gates[n * g4 - 1]; _ = hState[n * hidden - 1]; _ = cState[n * hidden - 1]; _ = tanhC[n * hidden - 1];
        _ = y[(n - 1) * ldy + hidden - 1];
        for (int r = 0; r < n; r++)
        {
            nuint gRow = (nuint)(r * g4), sRow = (nuint)(r * hidden), yRow = (nuint)(r * ldy);
            for (int j = 0; j < hidden; j += 16)
            {
                nuint gi = gRow + (nuint)j, si = sRow + (nuint)j;
                var i = FastMath.Sigmoid(Vector512.LoadUnsafe(ref gr, gi));
                var f = FastMath.Sigmoid(Vector512.LoadUnsafe(ref gr, gi + (nuint)hidden));
                var g = FastMath.Tanh(Vector512.LoadUnsafe(ref gr, gi + (nuint)(2 * hidden)));
                var o = FastMath.Sigmoid(Vector512.LoadUnsafe(ref gr, gi + (nuint)(3 * hidden)));
                i.StoreUnsafe(ref gr, gi);
                f.StoreUnsafe(ref gr, gi + (nuint)hidden);
                g.StoreUnsafe(ref gr, gi + (nuint)(2 * hidden));
                o.StoreUnsafe(ref gr, gi + (nuint)(3 * hidden));
                var c = Vector512.FusedMultiplyAdd(i, g, f * Vector512.LoadUnsafe(ref cr, si));
                var tc = FastMath.Tanh(c);
                var h = o * tc;
                c.StoreUnsafe(ref cr, si);
                tc.StoreUnsafe(ref tr, si);
                h.StoreUnsafe(ref hr, si);
                h.StoreUnsafe(ref yr, yRow + (nuint)j);
            }
        }
    }

    /// <summary>Activates the gates in place and advances (h, c): the readable reference (TensorPrimitives per row).</summary>
    /// <param name="gates">In: pre-activations [n, 4H]; out: activated i, f, g, o (kept for backward).</param>
    /// <param name="hState">h rows [n, H], overwritten with h'.</param>
    /// <param name="cState">c rows [n, H], overwritten with c'.</param>
    /// <param name="tanhC">Out: tanh(c') [n, H] (kept for backward).</param>
    /// <param name="y">Output rows, row i at <c>y[i * ldy]</c>.</param>
    public static void ForwardSimple(int n, int hidden, Span<float> gates, Span<float> hState, Span<float> cState,
        Span<float> tanhC, Span<float> y, int ldy)
    {
        int g4 = 4 * hidden;
        for (int r = 0; r < n; r++)
        {
            Span<float> row = gates.Slice(r * g4, g4);
            Span<float> ifGates = row.Slice(0, 2 * hidden);
            Span<float> i = row.Slice(0, hidden), f = row.Slice(hidden, hidden);
            Span<float> g = row.Slice(2 * hidden, hidden), o = row.Slice(3 * hidden, hidden);
            TensorPrimitives.Sigmoid(ifGates, ifGates);
            TensorPrimitives.Tanh(g, g);
            TensorPrimitives.Sigmoid(o, o);

            Span<float> c = cState.Slice(r * hidden, hidden);
            Span<float> tc = tanhC.Slice(r * hidden, hidden);
            Span<float> h = hState.Slice(r * hidden, hidden);
            TensorPrimitives.Multiply(f, c, c);              // c = f ⊙ c
            TensorPrimitives.MultiplyAdd(i, g, c, c);        // c += i ⊙ g
            TensorPrimitives.Tanh(c, tc);
            TensorPrimitives.Multiply(o, tc, h);             // h = o ⊙ tanh(c)
            h.CopyTo(y.Slice(r * ldy, hidden));
        }
    }

    /// <summary>Back-propagates through one step: the fused one-pass kernel where AVX-512 applies, else <see cref="BackwardSimple"/>.</summary>
    /// <inheritdoc cref="BackwardSimple"/>
    public static void Backward(int n, int hidden, Span<float> dGates, Span<float> dh, Span<float> dc,
        ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> tanhC)
    {
        if (!Vector512.IsHardwareAccelerated || hidden % 16 != 0)
        {
            BackwardSimple(n, hidden, dGates, dh, dc, gates, cPrev, tanhC);
            return;
        }
        int g4 = 4 * hidden, nh = n * hidden;
        _ = dGates[n * g4 - 1]; _ = dh[nh - 1]; _ = dc[nh - 1]; _ = gates[n * g4 - 1]; _ = cPrev[nh - 1]; _ = tanhC[nh - 1];
        ref float dgr = ref MemoryMarshal.GetReference(dGates);
        ref float dhr = ref MemoryMarshal.GetReference(dh);
        ref float dcr = ref MemoryMarshal.GetReference(dc);
        ref float gr = ref MemoryMarshal.GetReference(gates);
        ref float cpr = ref MemoryMarshal.GetReference(cPrev);
        ref float tr = ref MemoryMarshal.GetReference(tanhC);
        var one = Vector512<float>.One;
        for (int r = 0; r < n; r++)
        {
            nuint gRow = (nuint)(r * g4), sRow = (nuint)(r * hidden);
            for (int j = 0; j < hidden; j += 16)
            {
                nuint gi = gRow + (nuint)j, si = sRow + (nuint)j;
                var i = Vector512.LoadUnsafe(ref gr, gi);
                var f = Vector512.LoadUnsafe(ref gr, gi + (nuint)hidden);
                var g = Vector512.LoadUnsafe(ref gr, gi + (nuint)(2 * hidden));
                var o = Vector512.LoadUnsafe(ref gr, gi + (nuint)(3 * hidden));
                var tc = Vector512.LoadUnsafe(ref tr, si);
                var dhv = Vector512.LoadUnsafe(ref dhr, si);
                var dO = dhv * tc * o * (one - o);
                var dcTotal = Vector512.LoadUnsafe(ref dcr, si) + dhv * o * (one - tc * tc);
                var di = dcTotal * g * i * (one - i);
                var df = dcTotal * Vector512.LoadUnsafe(ref cpr, si) * f * (one - f);
                var dg = dcTotal * i * (one - g * g);
                di.StoreUnsafe(ref dgr, gi);
                df.StoreUnsafe(ref dgr, gi + (nuint)hidden);
                dg.StoreUnsafe(ref dgr, gi + (nuint)(2 * hidden));
                dO.StoreUnsafe(ref dgr, gi + (nuint)(3 * hidden));
                (dcTotal * f).StoreUnsafe(ref dcr, si);
            }
        }
    }

    /// <summary>Back-propagates through one step: the readable reference (TensorPrimitives per row).</summary>
    /// <param name="dGates">Out: gradient of the pre-activations [n, 4H].</param>
    /// <param name="dh">Gradient of h' [n, H] (destroyed).</param>
    /// <param name="dc">In: gradient of c' from later steps [n, H]; out: gradient of c (the previous cell state).</param>
    /// <param name="gates">Activated gates from the forward pass [n, 4H].</param>
    /// <param name="cPrev">The previous cell state c [n, H].</param>
    /// <param name="tanhC">tanh(c') from the forward pass [n, H].</param>
    public static void BackwardSimple(int n, int hidden, Span<float> dGates, Span<float> dh, Span<float> dc,
        ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> tanhC)
    {
        int g4 = 4 * hidden;
        for (int r = 0; r < n; r++)
        {
            ReadOnlySpan<float> row = gates.Slice(r * g4, g4);
            ReadOnlySpan<float> i = row.Slice(0, hidden), f = row.Slice(hidden, hidden);
            ReadOnlySpan<float> g = row.Slice(2 * hidden, hidden), o = row.Slice(3 * hidden, hidden);
            ReadOnlySpan<float> tc = tanhC.Slice(r * hidden, hidden), cp = cPrev.Slice(r * hidden, hidden);
            Span<float> dRow = dGates.Slice(r * g4, g4);
            Span<float> di = dRow.Slice(0, hidden), df = dRow.Slice(hidden, hidden);
            Span<float> dg = dRow.Slice(2 * hidden, hidden), dO = dRow.Slice(3 * hidden, hidden);
            Span<float> dhr = dh.Slice(r * hidden, hidden), dcr = dc.Slice(r * hidden, hidden);

            // dO = dh ⊙ tanh(c') ⊙ σ'(o)
            TensorPrimitives.Multiply(dhr, tc, dO);
            Elementwise.SigmoidGrad(o, dO);
            // dc_total = dc + dh ⊙ o ⊙ (1 - tanh²(c'))   (dh is free after this: used as scratch)
            TensorPrimitives.Multiply(dhr, o, dhr);
            Elementwise.TanhGrad(tc, dhr);
            TensorPrimitives.Add(dcr, dhr, dcr);
            // di = dc_total ⊙ g ⊙ σ'(i);  df = dc_total ⊙ c ⊙ σ'(f);  dg = dc_total ⊙ i ⊙ tanh'(g)
            TensorPrimitives.Multiply(dcr, g, di);
            Elementwise.SigmoidGrad(i, di);
            TensorPrimitives.Multiply(dcr, cp, df);
            Elementwise.SigmoidGrad(f, df);
            TensorPrimitives.Multiply(dcr, i, dg);
            Elementwise.TanhGrad(g, dg);
            // dc for the previous step = dc_total ⊙ f
            TensorPrimitives.Multiply(dcr, f, dcr);
        }
    }
}
