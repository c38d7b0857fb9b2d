using System.Numerics.Tensors;
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
    /// <summary>Activates the gates and advances h.</summary>
    /// <param name="gx">In: input-side pre-activations [n, 3H]; out: r, z, n (kept for backward).</param>
    /// <param name="hh">W_hh·h for the step [n, 3H] (no bias); its n block is destroyed.</param>
    /// <param name="biasHn">b_hn [H].</param>
    /// <param name="hn">Out: W_hn h + b_hn [n, H] (kept for backward).</param>
    /// <param name="hState">h rows [n, H], overwritten with h'.</param>
    /// <param name="y">Output rows, row i at <c>y[i * ldy]</c>.</param>
    public static void Forward(int n, int hidden, Span<float> gx, Span<float> hh, ReadOnlySpan<float> biasHn,
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

    /// <summary>Back-propagates through one step.</summary>
    /// <param name="dGx">Out: gradient of the input-side pre-activations [n, 3H] (for W_ih, b_ih, x).</param>
    /// <param name="dGh">Out: gradient of the hidden-side products [n, 3H] (for W_hh, b_hh, h).</param>
    /// <param name="dh">In: gradient of h' [n, H]; out: its direct part z ⊙ dh toward h (the product part is added by the caller).</param>
    /// <param name="gates">r, z, n from the forward pass [n, 3H].</param>
    /// <param name="hn">W_hn h + b_hn from the forward pass [n, H].</param>
    /// <param name="hPrev">The previous state h [n, H].</param>
    public static void Backward(int n, int hidden, Span<float> dGx, Span<float> dGh, Span<float> dh,
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
