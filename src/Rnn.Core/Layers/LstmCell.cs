using System.Numerics.Tensors;
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
    /// <summary>Activates the gates in place and advances (h, c).</summary>
    /// <param name="gates">In: pre-activations [n, 4H]; out: activated i, f, g, o (kept for backward).</param>
    /// <param name="hState">h rows [n, H], overwritten with h'.</param>
    /// <param name="cState">c rows [n, H], overwritten with c'.</param>
    /// <param name="tanhC">Out: tanh(c') [n, H] (kept for backward).</param>
    /// <param name="y">Output rows, row i at <c>y[i * ldy]</c>.</param>
    public static void Forward(int n, int hidden, Span<float> gates, Span<float> hState, Span<float> cState,
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

    /// <summary>Back-propagates through one step.</summary>
    /// <param name="dGates">Out: gradient of the pre-activations [n, 4H].</param>
    /// <param name="dh">Gradient of h' [n, H] (destroyed).</param>
    /// <param name="dc">In: gradient of c' from later steps [n, H]; out: gradient of c (the previous cell state).</param>
    /// <param name="gates">Activated gates from the forward pass [n, 4H].</param>
    /// <param name="cPrev">The previous cell state c [n, H].</param>
    /// <param name="tanhC">tanh(c') from the forward pass [n, H].</param>
    public static void Backward(int n, int hidden, Span<float> dGates, Span<float> dh, Span<float> dc,
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
