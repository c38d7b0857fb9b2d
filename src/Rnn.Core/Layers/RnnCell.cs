using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Core.Numerics;

namespace Rnn.Core.Layers;

// n = active rows at this step, H = hidden size.

/// <summary>
/// One time step of the Elman cell for n rows at once, forward and backward.
/// </summary>
/// <remarks>
/// <c>h' = tanh(W_ih x + b_ih + W_hh h + b_hh)</c> (or <c>max(0, ·)</c> for <see cref="Nonlinearity.Relu"/>).
/// The runner has already summed both products and both biases into <c>gates</c>.
/// </remarks>
internal static class RnnCell
{
    /// <summary>Activates the pre-activations and writes the new state (fused where AVX-512 applies, else <see cref="ForwardSimple"/>).</summary>
    /// <param name="gates">In: pre-activations [n, H]; out: unspecified (h' or unchanged).</param>
    /// <param name="hState">State rows [n, H] (row stride H), overwritten with h'.</param>
    /// <param name="y">Output rows, row i at <c>y[i * ldy]</c>, H values each.</param>
    public static void Forward(int n, int hidden, Nonlinearity nonlinearity,
        Span<float> gates, Span<float> hState, Span<float> y, int ldy)
    {
        if (nonlinearity == Nonlinearity.Tanh && Vector512.IsHardwareAccelerated && hidden % 16 == 0)
        {
            // Fused: one pass, tanh from FastMath, h' written to the state and the output (gates are left as they are).
            _ = gates[n * hidden - 1]; _ = hState[n * hidden - 1]; _ = y[(n - 1) * ldy + hidden - 1];
            ref float gr = ref MemoryMarshal.GetReference(gates);
            ref float hr = ref MemoryMarshal.GetReference(hState);
            ref float yr = ref MemoryMarshal.GetReference(y);
            for (int r = 0; r < n; r++)
            {
                nuint row = (nuint)(r * hidden), yRow = (nuint)(r * ldy);
                for (int j = 0; j < hidden; j += 16)
                {
                    var h = FastMath.Tanh(Vector512.LoadUnsafe(ref gr, row + (nuint)j));
                    h.StoreUnsafe(ref hr, row + (nuint)j);
                    h.StoreUnsafe(ref yr, yRow + (nuint)j);
                }
            }
            return;
        }
        ForwardSimple(n, hidden, nonlinearity, gates, hState, y, ldy);
    }

    /// <summary>The readable reference of <see cref="Forward"/> (TensorPrimitives); also relu, and hidden sizes that are not a multiple of 16.</summary>
    /// <param name="gates">In: pre-activations [n, H]; out: h' [n, H].</param>
    /// <param name="hState">State rows [n, H] (row stride H), overwritten with h'.</param>
    /// <param name="y">Output rows, row i at <c>y[i * ldy]</c>, H values each.</param>
    public static void ForwardSimple(int n, int hidden, Nonlinearity nonlinearity,
        Span<float> gates, Span<float> hState, Span<float> y, int ldy)
    {
        Span<float> pre = gates.Slice(0, n * hidden);
        if (nonlinearity == Nonlinearity.Tanh) TensorPrimitives.Tanh(pre, pre);
        else TensorPrimitives.Max(pre, 0f, pre);
        pre.CopyTo(hState);
        if (ldy == hidden) pre.CopyTo(y);   // one direction: the output rows are contiguous
        else for (int i = 0; i < n; i++) pre.Slice(i * hidden, hidden).CopyTo(y.Slice(i * ldy, hidden));
    }

    /// <summary>Back-propagates through one step: <c>dPre = dh ⊙ act'(pre)</c>, expressed with h'.</summary>
    /// <param name="dGates">Out: gradient of the pre-activations [n, H].</param>
    /// <param name="dh">Gradient of h' [n, H].</param>
    /// <param name="h">h' as cached by the forward pass [n, H] (row stride ldh).</param>
    public static void Backward(int n, int hidden, Nonlinearity nonlinearity,
        Span<float> dGates, ReadOnlySpan<float> dh, ReadOnlySpan<float> h, int ldh)
    {
        if (ldh == hidden && nonlinearity == Nonlinearity.Tanh)
        {
            // one direction: rows contiguous, one pass over all n·H values: dPre = dh ⊙ (1 − h'²)
            int count = n * hidden;
            Elementwise.TanhGrad(h.Slice(0, count), dh.Slice(0, count), dGates.Slice(0, count));
            return;
        }
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> hi = h.Slice(i * ldh, hidden), dhi = dh.Slice(i * hidden, hidden);
            Span<float> d = dGates.Slice(i * hidden, hidden);
            if (nonlinearity == Nonlinearity.Tanh)
            {
                // tanh'(pre) = 1 - h'^2
                dhi.CopyTo(d);
                Elementwise.TanhGrad(hi, d);
            }
            else
            {
                for (int j = 0; j < hidden; j++) d[j] = hi[j] > 0f ? dhi[j] : 0f;
            }
        }
    }
}
