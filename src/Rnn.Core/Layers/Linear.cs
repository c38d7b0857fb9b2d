using System.Numerics.Tensors;
using Rnn.Core.Internals;
using Rnn.Core.Numerics;

namespace Rnn.Core.Layers;

// N = rows (every leading dimension flattened, e.g. batch × steps), I = in features, O = out features

/// <summary>
/// Fully connected layer <c>y = x·Wᵀ + b</c>, PyTorch's <c>nn.Linear</c>.
/// </summary>
/// <remarks>
/// <para>Parameters, named as PyTorch's <c>state_dict</c>: <c>weight</c> [O, I] and, when <c>bias</c> is true, <c>bias</c> [O].
/// Both are initialised from U(−1/√I, 1/√I), PyTorch's default (<c>kaiming_uniform_(a=√5)</c> for the weight),
/// weight first, then bias, from the same generator.</para>
/// <para>Forward: <c>y[n, o] = Σ_i x[n, i]·W[o, i] + b[o]</c>.</para>
/// <para>Backward, given dY = ∂L/∂y: <c>dW += dYᵀ·x</c>, <c>db += Σ_n dY[n, :]</c>, <c>dX = dY·W</c>.</para>
/// </remarks>
public sealed class Linear : Module
{
    /// <summary>Creates a linear layer initialised from a seed.</summary>
    /// <param name="inFeatures">I, the size of each input row.</param>
    /// <param name="outFeatures">O, the size of each output row.</param>
    /// <param name="bias">Whether to learn an additive bias. Default true.</param>
    /// <param name="seed">Seed of the initialisation; the same seed gives bit-identical weights. Default 0.</param>
    public Linear(int inFeatures, int outFeatures, bool bias = true, int seed = 0)
        : this(inFeatures, outFeatures, bias, new Rng(seed))
    {
    }

    /// <summary>Creates a linear layer initialised from <paramref name="rng"/>.</summary>
    /// <param name="inFeatures">I, the size of each input row.</param>
    /// <param name="outFeatures">O, the size of each output row.</param>
    /// <param name="bias">Whether to learn an additive bias.</param>
    /// <param name="rng">Generator drawing the initial values (I·O weight values, then O bias values).</param>
    public Linear(int inFeatures, int outFeatures, bool bias, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        ArgumentNullException.ThrowIfNull(rng);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = AddParameter("weight", outFeatures, inFeatures); // W: [O, I]
        Bias = bias ? AddParameter("bias", outFeatures) : null;    // b: [O]
        float bound = 1f / MathF.Sqrt(inFeatures);
        rng.FillUniform(Weight.Value.Span, -bound, bound);
        if (Bias is not null) rng.FillUniform(Bias.Value.Span, -bound, bound);
    }

    /// <summary>I, the size of each input row.</summary>
    public int InFeatures { get; }

    /// <summary>O, the size of each output row.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight W, shape [O, I] (PyTorch's <c>weight</c>).</summary>
    public Parameter Weight { get; }

    /// <summary>The bias b, shape [O] (PyTorch's <c>bias</c>), or null when created without bias.</summary>
    public Parameter? Bias { get; }

    /// <summary>Computes <c>y = x·Wᵀ + b</c> for <paramref name="rows"/> rows. Allocates nothing.</summary>
    /// <param name="x">Input, [N, I] row-major.</param>
    /// <param name="rows">N, the number of rows.</param>
    /// <param name="y">Output, [N, O] row-major, overwritten.</param>
    /// <exception cref="ArgumentException">A buffer length does not match N, I or O.</exception>
    public void Forward(ReadOnlySpan<float> x, int rows, Span<float> y)
    {
        CheckRows(x, rows, y.Length, nameof(y));
        var w = Weight.Value.Span; // [O, I]
        Gemm.Multiply(transA: false, transB: true, rows, OutFeatures, InFeatures, x, w, y, accumulate: false);
        if (Bias is null) return;
        var b = Bias.Value.Span;   // [O]
        for (int n = 0; n < rows; n++)
        {
            var yn = y.Slice(n * OutFeatures, OutFeatures); // [O]
            TensorPrimitives.Add(yn, b, yn);
        }
    }

    /// <summary>
    /// Accumulates <c>dW += dYᵀ·x</c> and <c>db += colsum(dY)</c>, and writes <c>dX = dY·W</c>. Allocates nothing.
    /// </summary>
    /// <param name="dX">Gradient with respect to the input, [N, I], overwritten; empty when not needed.</param>
    /// <param name="dY">Gradient with respect to the output, [N, O].</param>
    /// <param name="x">The input given to <see cref="Forward(ReadOnlySpan{float}, int, Span{float})"/>, [N, I].</param>
    /// <param name="rows">N, the number of rows.</param>
    /// <remarks>Parameters with <see cref="Parameter.RequiresGrad"/> false get no gradient (as in PyTorch, where their grad stays None).</remarks>
    /// <exception cref="ArgumentException">A buffer length does not match N, I or O.</exception>
    public void Backward(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, int rows)
    {
        CheckRows(x, rows, dY.Length, nameof(dY));
        if (!dX.IsEmpty) SpanChecks.Length(dX.Length, (long)rows * InFeatures, nameof(dX), $"[N, I] = [{rows}, {InFeatures}]");
        if (Weight.RequiresGrad)
        {
            // dW[O, I] += dYᵀ[O, N] · x[N, I]
            Gemm.Multiply(transA: true, transB: false, OutFeatures, InFeatures, rows, dY, x, Weight.Grad.Span, accumulate: true);
        }
        if (Bias is not null && Bias.RequiresGrad)
        {
            var db = Bias.Grad.Span; // [O]
            for (int n = 0; n < rows; n++) TensorPrimitives.Add(db, dY.Slice(n * OutFeatures, OutFeatures), db);
        }
        if (!dX.IsEmpty)
        {
            // dX[N, I] = dY[N, O] · W[O, I]
            Gemm.Multiply(transA: false, transB: false, rows, InFeatures, OutFeatures, dY, Weight.Value.Span, dX, accumulate: false);
        }
    }

    /// <summary>Computes <c>y = x·Wᵀ + b</c> over the last dimension: x [..., I] gives a new y [..., O].</summary>
    /// <param name="x">Input whose last dimension is I (e.g. [N, I] or [B, T, I]).</param>
    public Tensor Forward(Tensor x)
    {
        int rows = SpanChecks.Rows(x, InFeatures, nameof(x));
        var y = new Tensor(SpanChecks.WithLastDim(x, OutFeatures)); // [..., O]
        Forward(x.Span, rows, y.Span);
        return y;
    }

    /// <summary>Accumulates parameter gradients and returns a new dX with <paramref name="x"/>'s shape.</summary>
    /// <param name="dY">Gradient with respect to the output, [..., O].</param>
    /// <param name="x">The input given to <see cref="Forward(Tensor)"/>, [..., I].</param>
    public Tensor Backward(Tensor dY, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(dY);
        int rows = SpanChecks.Rows(x, InFeatures, nameof(x));
        var dX = new Tensor(x.Shape.ToArray()); // [..., I]
        Backward(dX.Span, dY.Span, x.Span, rows);
        return dX;
    }

    private void CheckRows(ReadOnlySpan<float> x, int rows, int outLength, string outName)
    {
        SpanChecks.NonNegative(rows, nameof(rows));
        SpanChecks.Length(x.Length, (long)rows * InFeatures, nameof(x), $"[N, I] = [{rows}, {InFeatures}]");
        SpanChecks.Length(outLength, (long)rows * OutFeatures, outName, $"[N, O] = [{rows}, {OutFeatures}]");
    }
}
