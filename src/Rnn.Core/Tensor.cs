using System.Diagnostics;
using System.Text;
using Rnn.Core.Internals;

namespace Rnn.Core;

/// <summary>
/// A dense, row-major float32 tensor: a flat buffer and a shape. The engine's only data type.
/// </summary>
/// <remarks>
/// The element at index (i0, i1, ..., ik) sits at <c>((i0 * s1 + i1) * s2 + ...) + ik</c> of <see cref="Span"/>.
/// Tensors own their buffer; <see cref="Reshape"/> returns a view sharing it.
/// </remarks>
[DebuggerDisplay("{ShapeString,nq}")]
public sealed class Tensor
{
    private float[] _data;
    private int[] _shape;

    /// <summary>Creates a zero-filled tensor of the given shape.</summary>
    /// <param name="shape">Sizes of each dimension; every size must be non-negative.</param>
    public Tensor(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        _shape = (int[])shape.Clone();
        _data = new float[CheckedLength(_shape)];
    }

    private Tensor(float[] data, int[] shape)
    {
        _data = data;
        _shape = shape;
    }

    /// <summary>Wraps an existing buffer (no copy). Its length must equal the product of <paramref name="shape"/>.</summary>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        long length = CheckedLength(shape);
        if (length != data.Length)
            ThrowHelper.ThrowArgument(nameof(data), $"buffer has {data.Length} elements but shape {FormatShape(shape)} needs {length}");
        return new Tensor(data, (int[])shape.Clone());
    }

    /// <summary>A zero-filled tensor of the given shape.</summary>
    public static Tensor Zeros(params int[] shape) => new(shape);

    /// <summary>A tensor holding a copy of <paramref name="values"/> with the given shape.</summary>
    public static Tensor From(ReadOnlySpan<float> values, params int[] shape)
    {
        var t = new Tensor(shape);
        if (values.Length != t.Length)
            ThrowHelper.ThrowArgument(nameof(values), $"got {values.Length} values but shape {FormatShape(shape)} needs {t.Length}");
        values.CopyTo(t.Span);
        return t;
    }

    /// <summary>The sizes of the dimensions.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Total number of elements.</summary>
    public int Length => _shape.Length == 0 ? 1 : ProductOf(_shape);

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public int Size(int dim) => _shape[dim < 0 ? _shape.Length + dim : dim];

    /// <summary>The elements, row-major.</summary>
    public Span<float> Span => _data.AsSpan(0, Length);

    /// <summary>The backing array (may be longer than <see cref="Length"/> for engine-owned buffers).</summary>
    internal float[] Buffer => _data;

    /// <summary>Element access by full index.</summary>
    public float this[params int[] index]
    {
        get => _data[Offset(index)];
        set => _data[Offset(index)] = value;
    }

    /// <summary>Shape as text, e.g. <c>(2, 5, 4)</c>, the way PyTorch prints <c>tuple(t.shape)</c>.</summary>
    public string ShapeString => FormatShape(_shape);

    /// <summary>A view with another shape over the same buffer.</summary>
    public Tensor Reshape(params int[] shape)
    {
        long length = CheckedLength(shape);
        if (length != Length)
            ThrowHelper.ThrowArgument(nameof(shape), $"cannot reshape {ShapeString} ({Length} elements) to {FormatShape(shape)} ({length} elements)");
        return new Tensor(_data, (int[])shape.Clone());
    }

    /// <summary>A deep copy.</summary>
    public Tensor Clone() => From(Span, _shape);

    /// <summary>Sets every element to zero.</summary>
    public void Clear() => Span.Clear();

    /// <summary>Copies <paramref name="source"/>'s elements into this tensor; shapes must match.</summary>
    public void CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!SameShape(source))
            ThrowHelper.ThrowArgument(nameof(source), $"shape {source.ShapeString} does not match {ShapeString}");
        source.Span.CopyTo(Span);
    }

    /// <summary>True when both tensors have the same shape.</summary>
    public bool SameShape(Tensor other) => other is not null && _shape.AsSpan().SequenceEqual(other._shape);

    /// <summary>True when the shape equals <paramref name="shape"/>.</summary>
    public bool HasShape(params int[] shape) => _shape.AsSpan().SequenceEqual(shape);

    /// <summary>Re-shapes an engine-owned tensor in place, growing its buffer only when needed (workspace reuse).</summary>
    internal void Resize(params ReadOnlySpan<int> shape)
    {
        long length = 1;
        foreach (int s in shape)
        {
            if (s < 0) ThrowHelper.ThrowArgument(nameof(shape), $"negative dimension {s} in {FormatShape(shape)}");
            length *= s;
        }
        if (length > Array.MaxLength) ThrowHelper.ThrowArgument(nameof(shape), $"shape {FormatShape(shape)} has more elements than an array can hold");
        if (_data.Length < length) _data = new float[length];
        if (!_shape.AsSpan().SequenceEqual(shape)) _shape = shape.ToArray();
    }

    /// <summary>A span over the row <paramref name="i"/> of a tensor viewed as [Size(0), rest].</summary>
    public Span<float> Row(int i)
    {
        int rowLength = _shape.Length == 0 ? 1 : Length / _shape[0];
        return _data.AsSpan(i * rowLength, rowLength);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Tensor").Append(ShapeString).Append(" [");
        int n = Math.Min(Length, 8);
        for (int i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(_data[i].ToString("G6", System.Globalization.CultureInfo.InvariantCulture));
        }
        if (Length > n) sb.Append(", ...");
        return sb.Append(']').ToString();
    }

    private int Offset(int[] index)
    {
        if (index.Length != _shape.Length)
            ThrowHelper.ThrowArgument(nameof(index), $"tensor of rank {_shape.Length} indexed with {index.Length} indices");
        int offset = 0;
        for (int d = 0; d < index.Length; d++)
        {
            if ((uint)index[d] >= (uint)_shape[d])
                throw new ArgumentOutOfRangeException(nameof(index), $"index {index[d]} is out of range for dimension {d} of size {_shape[d]}");
            offset = offset * _shape[d] + index[d];
        }
        return offset;
    }

    internal static string FormatShape(ReadOnlySpan<int> shape)
    {
        if (shape.Length == 1) return $"({shape[0]},)";
        var sb = new StringBuilder("(");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i]);
        }
        return sb.Append(')').ToString();
    }

    private static int ProductOf(int[] shape)
    {
        int p = 1;
        foreach (int s in shape) p *= s;
        return p;
    }

    private static int CheckedLength(int[] shape)
    {
        long length = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] < 0)
                ThrowHelper.ThrowArgument(nameof(shape), $"dimension {d} has negative size {shape[d]}");
            length *= shape[d];
            if (length > Array.MaxLength)
                ThrowHelper.ThrowArgument(nameof(shape), $"shape {FormatShape(shape)} has more elements than an array can hold");
        }
        return (int)length;
    }
}
