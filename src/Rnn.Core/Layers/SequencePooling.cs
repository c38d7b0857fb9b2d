using System.Numerics.Tensors;
using Rnn.Core.Internals;

namespace Rnn.Core.Layers;

// B = batch, T = steps, F = features per step (H, or 2H for a bidirectional output), L_b = lengths[b] in [1, T]

/// <summary>
/// Reduces recurrent outputs x [B, T, F] to one vector per example y [B, F], over each example's valid steps only.
/// </summary>
/// <remarks>
/// <para>With lengths L (each in [1, T]; empty means every example has T steps), steps t ≥ L_b are padding and never read:</para>
/// <list type="bullet">
/// <item><see cref="PoolingKind.Last"/>: <c>y[b, :] = x[b, L_b − 1, :]</c>.</item>
/// <item><see cref="PoolingKind.Mean"/>: <c>y[b, :] = (1/L_b) Σ_{t &lt; L_b} x[b, t, :]</c>.</item>
/// <item><see cref="PoolingKind.Max"/>: <c>y[b, f] = max_{t &lt; L_b} x[b, t, f]</c>; the first step reaching the maximum
/// (the argmax) is kept for backward, which routes the whole gradient to it.</item>
/// </list>
/// <para>Bidirectional "last": a bidirectional layer's output is <c>[forward H | reverse H]</c> per step, and the reverse
/// direction's final state sits at step 0. With <c>bidirectionalHidden</c> = H (so F = 2H), <see cref="PoolingKind.Last"/> gives
/// <c>y[b, :H] = x[b, L_b − 1, :H]</c> and <c>y[b, H:] = x[b, 0, H:]</c>: the concatenation of both directions' final
/// states, PyTorch's <c>h_n</c> of a packed sequence. Mean and Max treat all F features alike.</para>
/// <para>Backward overwrites dX [B, T, F]: the pooled gradient goes to the steps it came from, every other step gets zero.</para>
/// </remarks>
public sealed class SequencePooling
{
    private int[] _argmax = []; // [B, F], Max only
    private int _argmaxLength;  // B·F of the latest forward pass

    /// <summary>Creates a pooling step.</summary>
    /// <param name="kind">Which reduction to apply.</param>
    /// <param name="bidirectionalHidden">H of a bidirectional output (F = 2H): "last" then takes the reverse half at step 0. Default null (unidirectional).</param>
    public SequencePooling(PoolingKind kind, int? bidirectionalHidden = null)
    {
        if (!Enum.IsDefined(kind))
            ThrowHelper.ThrowArgumentOutOfRange(nameof(kind), kind, $"unknown pooling kind {kind}");
        if (bidirectionalHidden is int h && h <= 0)
            ThrowHelper.ThrowArgumentOutOfRange(nameof(bidirectionalHidden), h, $"bidirectionalHidden must be positive, got {h}");
        Kind = kind;
        BidirectionalHidden = bidirectionalHidden;
    }

    /// <summary>The reduction.</summary>
    public PoolingKind Kind { get; }

    /// <summary>H of a bidirectional output (F = 2H), or null for a unidirectional one.</summary>
    public int? BidirectionalHidden { get; }

    /// <summary>Pools x [B, T, F] into y [B, F]. Allocates only when B·F exceeds every earlier B·F (Max keeps its argmax).</summary>
    /// <param name="x">Step outputs, [B, T, F].</param>
    /// <param name="batch">B.</param>
    /// <param name="steps">T.</param>
    /// <param name="features">F (2H when <see cref="BidirectionalHidden"/> is H).</param>
    /// <param name="lengths">Valid steps per example, [B], each in [1, T]; empty means all T.</param>
    /// <param name="y">Pooled output, [B, F], overwritten.</param>
    /// <exception cref="ArgumentException">A buffer length does not match the sizes, or F ≠ 2H for a bidirectional pooling.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length is outside [1, T]; the message names the example.</exception>
    public void Forward(ReadOnlySpan<float> x, int batch, int steps, int features, ReadOnlySpan<int> lengths, Span<float> y)
    {
        CheckArguments(x.Length, batch, steps, features, lengths, y.Length, nameof(x), nameof(y));
        if (Kind == PoolingKind.Max && _argmax.Length < batch * features) _argmax = new int[batch * features];
        _argmaxLength = batch * features;
        for (int b = 0; b < batch; b++)
        {
            int length = lengths.IsEmpty ? steps : lengths[b];
            var xb = x.Slice(b * steps * features, steps * features); // [T, F]
            var yb = y.Slice(b * features, features);                 // [F]
            switch (Kind)
            {
                case PoolingKind.Last:
                    int reverse = ReverseOffset(features);
                    xb.Slice((length - 1) * features, reverse).CopyTo(yb);
                    xb.Slice(reverse, features - reverse).CopyTo(yb[reverse..]);
                    break;
                case PoolingKind.Mean:
                    xb[..features].CopyTo(yb);
                    for (int t = 1; t < length; t++) TensorPrimitives.Add(yb, xb.Slice(t * features, features), yb);
                    TensorPrimitives.Multiply(yb, 1f / length, yb);
                    break;
                default: // Max
                    var argmax = _argmax.AsSpan(b * features, features); // [F]
                    xb[..features].CopyTo(yb);
                    argmax.Clear();
                    for (int t = 1; t < length; t++)
                    {
                        var xt = xb.Slice(t * features, features); // [F]
                        for (int f = 0; f < features; f++)
                        {
                            if (xt[f] > yb[f])
                            {
                                yb[f] = xt[f];
                                argmax[f] = t;
                            }
                        }
                    }
                    break;
            }
        }
    }

    /// <summary>Writes dX [B, T, F] from dY [B, F]: each pooled step receives its share, every other step zero. Allocates nothing.</summary>
    /// <param name="dX">Gradient with respect to the step outputs, [B, T, F], overwritten.</param>
    /// <param name="dY">Gradient with respect to the pooled output, [B, F].</param>
    /// <param name="batch">B.</param>
    /// <param name="steps">T.</param>
    /// <param name="features">F.</param>
    /// <param name="lengths">The lengths given to forward, [B]; empty means all T.</param>
    /// <remarks>For <see cref="PoolingKind.Max"/>, uses the argmax of the latest <see cref="Forward(ReadOnlySpan{float}, int, int, int, ReadOnlySpan{int}, Span{float})"/>.</remarks>
    public void Backward(Span<float> dX, ReadOnlySpan<float> dY, int batch, int steps, int features, ReadOnlySpan<int> lengths)
    {
        CheckArguments(dX.Length, batch, steps, features, lengths, dY.Length, nameof(dX), nameof(dY));
        if (Kind == PoolingKind.Max && _argmaxLength != batch * features)
            ThrowHelper.ThrowInvalidOperation($"max pooling backward needs the forward pass of the same batch first (forward pooled {_argmaxLength} values, backward has {batch * features})");
        dX.Clear();
        for (int b = 0; b < batch; b++)
        {
            int length = lengths.IsEmpty ? steps : lengths[b];
            var dXb = dX.Slice(b * steps * features, steps * features); // [T, F]
            var dYb = dY.Slice(b * features, features);                 // [F]
            switch (Kind)
            {
                case PoolingKind.Last:
                    int reverse = ReverseOffset(features);
                    dYb[..reverse].CopyTo(dXb.Slice((length - 1) * features, reverse));
                    dYb[reverse..].CopyTo(dXb.Slice(reverse, features - reverse));
                    break;
                case PoolingKind.Mean:
                    for (int t = 0; t < length; t++) TensorPrimitives.Multiply(dYb, 1f / length, dXb.Slice(t * features, features));
                    break;
                default: // Max
                    var argmax = _argmax.AsSpan(b * features, features); // [F]
                    for (int f = 0; f < features; f++) dXb[argmax[f] * features + f] = dYb[f];
                    break;
            }
        }
    }

    /// <summary>Pools x [B, T, F] into a new y [B, F].</summary>
    /// <param name="x">Step outputs, [B, T, F].</param>
    /// <param name="lengths">Valid steps per example, [B], each in [1, T]; null means all T.</param>
    public Tensor Forward(Tensor x, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ThrowHelper.CheckRank(x, 3, nameof(x), "[B, T, F]");
        var y = new Tensor(x.Size(0), x.Size(2)); // [B, F]
        Forward(x.Span, x.Size(0), x.Size(1), x.Size(2), lengths, y.Span);
        return y;
    }

    /// <summary>Returns a new dX with <paramref name="x"/>'s shape [B, T, F] from dY [B, F].</summary>
    /// <param name="dY">Gradient with respect to the pooled output, [B, F].</param>
    /// <param name="x">The input given to <see cref="Forward(Tensor, int[])"/> (only its shape is used), [B, T, F].</param>
    /// <param name="lengths">The lengths given to forward; null means all T.</param>
    public Tensor Backward(Tensor dY, Tensor x, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(dY);
        ArgumentNullException.ThrowIfNull(x);
        ThrowHelper.CheckRank(x, 3, nameof(x), "[B, T, F]");
        var dX = new Tensor(x.Shape.ToArray()); // [B, T, F]
        Backward(dX.Span, dY.Span, x.Size(0), x.Size(1), x.Size(2), lengths);
        return dX;
    }

    // Features [0, ReverseOffset) are read at the last valid step, [ReverseOffset, F) at step 0.
    private int ReverseOffset(int features) => BidirectionalHidden ?? features;

    private void CheckArguments(int stepsLength, int batch, int steps, int features, ReadOnlySpan<int> lengths, int pooledLength,
        string stepsName, string pooledName)
    {
        SpanChecks.NonNegative(batch, nameof(batch));
        if (steps <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(steps), steps, $"steps must be positive, got {steps}");
        SpanChecks.NonNegative(features, nameof(features));
        if (BidirectionalHidden is int h && features != 2 * h)
            ThrowHelper.ThrowArgument(nameof(features), $"a bidirectional output with hidden size {h} has F = 2H = {2 * h} features, got {features}");
        SpanChecks.Length(stepsLength, (long)batch * steps * features, stepsName, $"[B, T, F] = [{batch}, {steps}, {features}]");
        SpanChecks.Length(pooledLength, (long)batch * features, pooledName, $"[B, F] = [{batch}, {features}]");
        if (lengths.IsEmpty) return;
        SpanChecks.Length(lengths.Length, batch, nameof(lengths), $"[B] = [{batch}]");
        for (int b = 0; b < batch; b++)
        {
            if (lengths[b] < 1 || lengths[b] > steps)
                ThrowHelper.ThrowArgumentOutOfRange(nameof(lengths), lengths[b], $"lengths[{b}] = {lengths[b]} is outside [1, {steps}]");
        }
    }
}
