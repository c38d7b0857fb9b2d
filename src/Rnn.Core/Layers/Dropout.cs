using System.Numerics.Tensors;
using Rnn.Core.Internals;
using Rnn.Core.Numerics;

namespace Rnn.Core.Layers;

// N = number of values (any shape, flattened)

/// <summary>
/// Inverted dropout, PyTorch's <c>nn.Dropout</c>: in training each value is zeroed with probability p and the
/// survivors are scaled by 1/(1−p); in evaluation it is the identity.
/// </summary>
/// <remarks>
/// <para>Training forward: <c>mask[n] = 0 with probability p, else 1/(1−p)</c>; <c>y = x ⊙ mask</c>.
/// Backward: <c>dX = dY ⊙ mask</c>. Evaluation (or p = 0): <c>y = x</c>, <c>dX = dY</c>.</para>
/// <para>The convenience overloads keep the mask of the latest forward pass in <see cref="Mask"/>; callers that apply
/// dropout several times before one backward pass (e.g. once per step) pass their own mask buffers.
/// The mode (<see cref="Module.Training"/>) must not change between a forward pass and its backward pass.</para>
/// <para>Masks come from the layer's own seeded generator: the same seed and the same sequence of calls give the same masks.</para>
/// </remarks>
public sealed class Dropout : Module
{
    private readonly Rng _rng;
    private readonly float _scale;
    private float[] _mask = [];
    private int _maskLength;

    /// <summary>Creates a dropout layer drawing its masks from a seed.</summary>
    /// <param name="p">Probability of zeroing a value, in [0, 1). Default 0.5 (PyTorch).</param>
    /// <param name="seed">Seed of the mask generator. Default 0.</param>
    public Dropout(float p = 0.5f, int seed = 0)
        : this(p, new Rng(seed))
    {
    }

    /// <summary>Creates a dropout layer drawing its masks from <paramref name="rng"/>.</summary>
    /// <param name="p">Probability of zeroing a value, in [0, 1).</param>
    /// <param name="rng">Generator of the masks (one draw per value per training forward pass when p &gt; 0).</param>
    public Dropout(float p, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(p >= 0f && p < 1f))
            ThrowHelper.ThrowArgumentOutOfRange(nameof(p), p, $"dropout probability p must be in [0, 1), got {p}");
        P = p;
        _rng = rng;
        _scale = 1f / (1f - p);
    }

    /// <summary>Probability of zeroing a value.</summary>
    public float P { get; }

    /// <summary>The mask (0 or 1/(1−p) per value) of the latest training forward pass through the convenience overloads.</summary>
    public ReadOnlySpan<float> Mask => _mask.AsSpan(0, _maskLength);

    private bool Active => Training && P > 0f;

    internal override IEnumerable<KeyValuePair<string, Rng>> RandomStreams() => [KeyValuePair.Create("mask", _rng)];

    /// <summary>Applies dropout, keeping the mask in <see cref="Mask"/> for <see cref="Backward(Span{float}, ReadOnlySpan{float})"/>.</summary>
    /// <param name="x">Input, [N].</param>
    /// <param name="y">Output, [N]; may be <paramref name="x"/>'s memory (in place).</param>
    /// <remarks>Allocates only when N exceeds every earlier N.</remarks>
    public void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        if (_mask.Length < x.Length) _mask = new float[x.Length];
        _maskLength = x.Length;
        Forward(x, y, _mask.AsSpan(0, x.Length));
    }

    /// <summary>Backward of <see cref="Forward(ReadOnlySpan{float}, Span{float})"/>: <c>dX = dY ⊙ Mask</c>.</summary>
    /// <param name="dX">Gradient with respect to the input, [N], overwritten; may be <paramref name="dY"/>'s memory.</param>
    /// <param name="dY">Gradient with respect to the output, [N].</param>
    public void Backward(Span<float> dX, ReadOnlySpan<float> dY) => Backward(dX, dY, Mask);

    /// <summary>Applies dropout with a caller-owned mask buffer, which training mode fills. Allocates nothing.</summary>
    /// <param name="x">Input, [N].</param>
    /// <param name="y">Output, [N]; may be <paramref name="x"/>'s memory (in place).</param>
    /// <param name="mask">Mask, [N]: written in training mode (p &gt; 0), untouched otherwise.</param>
    public void Forward(ReadOnlySpan<float> x, Span<float> y, Span<float> mask)
    {
        SpanChecks.Length(y.Length, x.Length, nameof(y), $"[N] = [{x.Length}]"); // before drawing a mask
        if (Active)
        {
            SpanChecks.Length(mask.Length, x.Length, nameof(mask), $"[N] = [{x.Length}]");
            for (int n = 0; n < mask.Length; n++) mask[n] = _rng.NextFloat() < P ? 0f : _scale;
        }
        ApplyMask(x, y, mask, nameof(y));
    }

    /// <summary>Backward with a caller-owned mask: <c>dX = dY ⊙ mask</c> in training mode, <c>dX = dY</c> otherwise.</summary>
    /// <param name="dX">Gradient with respect to the input, [N], overwritten; may be <paramref name="dY"/>'s memory.</param>
    /// <param name="dY">Gradient with respect to the output, [N].</param>
    /// <param name="mask">The mask filled by the matching forward pass, [N].</param>
    public void Backward(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> mask) => ApplyMask(dY, dX, mask, nameof(dX));

    /// <summary>Applies dropout to a new tensor of <paramref name="x"/>'s shape, keeping the mask in <see cref="Mask"/>.</summary>
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = new Tensor(x.Shape.ToArray());
        Forward(x.Span, y.Span);
        return y;
    }

    /// <summary>Backward of <see cref="Forward(Tensor)"/>: a new dX = dY ⊙ Mask.</summary>
    public Tensor Backward(Tensor dY)
    {
        ArgumentNullException.ThrowIfNull(dY);
        var dX = new Tensor(dY.Shape.ToArray());
        Backward(dX.Span, dY.Span);
        return dX;
    }

    // output = input ⊙ mask in training mode, a copy otherwise: the forward pass on x and the backward pass on dY alike.
    private void ApplyMask(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> mask, string outputName)
    {
        SpanChecks.Length(output.Length, input.Length, outputName, $"[N] = [{input.Length}]");
        if (!Active)
        {
            input.CopyTo(output);
            return;
        }
        SpanChecks.Length(mask.Length, input.Length, nameof(mask), $"[N] = [{input.Length}]");
        TensorPrimitives.Multiply(input, mask, output);
    }
}
