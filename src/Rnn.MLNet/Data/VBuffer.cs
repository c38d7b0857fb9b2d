namespace Rnn.MLNet.Data;

/// <summary>
/// A vector value: <see cref="Length"/> logical items, stored dense (every item) or sparse
/// (explicit values at ascending indices, all others default). As in ML.NET, buffers are reused by
/// getters: <c>getter(ref buffer)</c> may fill the arrays already held by <c>buffer</c>.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public readonly struct VBuffer<T>
{
    private readonly int _count;
    private readonly T[]? _values;
    private readonly int[]? _indices;

    /// <summary>Creates a dense vector over the first <paramref name="length"/> items of <paramref name="values"/> (no copy).</summary>
    public VBuffer(int length, T[] values, int[]? indices = null)
        : this(length, length, values, indices) { }

    /// <summary>
    /// Creates a vector of <paramref name="length"/> items holding <paramref name="count"/> explicit values;
    /// dense when <paramref name="count"/> equals <paramref name="length"/>, otherwise sparse at <paramref name="indices"/>.
    /// </summary>
    public VBuffer(int length, int count, T[] values, int[]? indices = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, length);
        if (count > 0 && (values is null || values.Length < count))
            throw new ArgumentException($"values must hold at least {count} items.", nameof(values));
        if (count < length && count > 0 && (indices is null || indices.Length < count))
            throw new ArgumentException($"A sparse vector needs at least {count} indices.", nameof(indices));
        Length = length;
        _count = count;
        _values = values;
        _indices = indices;
    }

    /// <summary>The logical number of items.</summary>
    public int Length { get; }

    /// <summary>Whether every item is stored explicitly.</summary>
    public bool IsDense => _count == Length;

    /// <summary>The explicitly stored values (all items when dense).</summary>
    public ReadOnlySpan<T> GetValues() => _values is null ? default : _values.AsSpan(0, _count);

    /// <summary>The indices of the stored values (empty when dense).</summary>
    public ReadOnlySpan<int> GetIndices() => IsDense || _indices is null ? default : _indices.AsSpan(0, _count);

    /// <summary>The item at <paramref name="index"/>, or default when a sparse vector does not store it.</summary>
    public T GetItemOrDefault(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Length);
        if (IsDense)
            return _values![index];
        int at = GetIndices().BinarySearch(index);
        return at >= 0 ? _values![at] : default!;
    }

    /// <summary>All <see cref="Length"/> items in order, defaults included.</summary>
    public IEnumerable<T> DenseValues()
    {
        for (int i = 0; i < Length; i++)
            yield return GetItemOrDefault(i);
    }

    /// <summary>Writes all <see cref="Length"/> items, defaults included, into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<T> destination)
    {
        if (destination.Length < Length)
            throw new ArgumentException($"destination holds {destination.Length} items, the vector has {Length}.", nameof(destination));
        if (IsDense)
        {
            GetValues().CopyTo(destination);
            return;
        }
        destination[..Length].Clear();
        ReadOnlySpan<T> values = GetValues();
        ReadOnlySpan<int> indices = GetIndices();
        for (int i = 0; i < values.Length; i++)
            destination[indices[i]] = values[i];
    }

    /// <summary>Copies this vector into <paramref name="destination"/>, reusing its arrays when large enough.</summary>
    public void CopyTo(ref VBuffer<T> destination)
    {
        T[] values = destination._values is { } v && v.Length >= _count ? v : new T[_count];
        GetValues().CopyTo(values);
        int[]? indices = destination._indices;
        if (!IsDense)
        {
            if (indices is null || indices.Length < _count)
                indices = new int[_count];
            GetIndices().CopyTo(indices);
        }
        destination = new VBuffer<T>(Length, _count, values, indices);
    }

    /// <summary>The arrays backing this buffer (may be longer than needed); used to reuse storage.</summary>
    internal (T[]? Values, int[]? Indices) Storage => (_values, _indices);
}

/// <summary>Creates <see cref="VBufferEditor{T}"/>s.</summary>
public static class VBufferEditor
{
    /// <summary>
    /// An editor writing a vector of <paramref name="newLength"/> items into <paramref name="destination"/>'s arrays
    /// (reallocated only when too small); dense unless <paramref name="valuesCount"/> is smaller than <paramref name="newLength"/>.
    /// </summary>
    public static VBufferEditor<T> Create<T>(ref VBuffer<T> destination, int newLength, int? valuesCount = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(newLength);
        int count = valuesCount ?? newLength;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, newLength, nameof(valuesCount));
        (T[]? values, int[]? indices) = destination.Storage;
        bool created = false;
        if (values is null || values.Length < count)
        {
            values = new T[Math.Max(count, 1)];
            created = true;
        }
        if (count < newLength && (indices is null || indices.Length < count))
            indices = new int[Math.Max(count, 1)];
        return new VBufferEditor<T>(newLength, count, values, indices, created);
    }
}

/// <summary>Writes the values (and, when sparse, indices) of a vector, then <see cref="Commit"/>s it.</summary>
/// <typeparam name="T">The item type.</typeparam>
public readonly ref struct VBufferEditor<T>
{
    private readonly int _length;
    private readonly int _count;
    private readonly T[] _values;
    private readonly int[]? _indices;

    internal VBufferEditor(int length, int count, T[] values, int[]? indices, bool createdNewValues)
    {
        _length = length;
        _count = count;
        _values = values;
        _indices = indices;
        CreatedNewValues = createdNewValues;
    }

    /// <summary>The values to write.</summary>
    public Span<T> Values => _values.AsSpan(0, _count);

    /// <summary>The indices to write (empty when dense).</summary>
    public Span<int> Indices => _count < _length && _indices is not null ? _indices.AsSpan(0, _count) : default;

    /// <summary>Whether a new values array had to be allocated.</summary>
    public bool CreatedNewValues { get; }

    /// <summary>The finished vector.</summary>
    public VBuffer<T> Commit() => new(_length, _count, _values, _indices);
}
