using Rnn.Core.Internals;

namespace Rnn.Core;

/// <summary>
/// A trainable tensor with its gradient, named as in PyTorch's <c>state_dict</c> (e.g. <c>weight_ih_l0</c>).
/// </summary>
/// <remarks>Backward passes accumulate (<c>+=</c>) into <see cref="Grad"/>; <see cref="ZeroGrad"/> resets it.</remarks>
public sealed class Parameter
{
    /// <summary>Creates a parameter of the given shape, zero-filled.</summary>
    public Parameter(string name, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Value = new Tensor(shape);
        Grad = new Tensor(shape);
    }

    /// <summary>The parameter's name relative to its module (PyTorch's naming).</summary>
    public string Name { get; }

    /// <summary>The values.</summary>
    public Tensor Value { get; }

    /// <summary>The accumulated gradient, same shape as <see cref="Value"/>.</summary>
    public Tensor Grad { get; }

    /// <summary>When false, optimisers leave the parameter unchanged (e.g. a frozen pretrained embedding). Default true.</summary>
    public bool RequiresGrad { get; set; } = true;

    /// <summary>Sets the gradient to zero.</summary>
    public void ZeroGrad() => Grad.Clear();

    /// <summary>Copies values from <paramref name="source"/>, checking the shape and rejecting NaN/∞.</summary>
    /// <param name="source">Values to load.</param>
    /// <param name="origin">Where the values come from, for error messages (e.g. a file name).</param>
    public void Load(Tensor source, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        string where = origin is null ? "" : $" in {origin}";
        if (!source.SameShape(Value))
            ThrowHelper.ThrowArgument(nameof(source), $"parameter '{Name}'{where} has shape {source.ShapeString}, expected {Value.ShapeString}");
        var span = source.Span;
        for (int i = 0; i < span.Length; i++)
        {
            if (!float.IsFinite(span[i]))
                ThrowHelper.ThrowArgument(nameof(source), $"parameter '{Name}'{where} holds a non-finite value ({span[i]}) at flat index {i}");
        }
        span.CopyTo(Value.Span);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Value.ShapeString}";
}
