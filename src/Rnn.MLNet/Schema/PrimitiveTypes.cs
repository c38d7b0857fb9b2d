namespace Rnn.MLNet.Data;

/// <summary>The numeric column types: <see cref="float"/>, <see cref="double"/>, <see cref="int"/>, <see cref="long"/>, <see cref="uint"/>, <see cref="ulong"/>, <see cref="byte"/>, <see cref="ushort"/>.</summary>
public sealed class NumberDataViewType : PrimitiveDataViewType
{
    private NumberDataViewType(Type rawType) : base(rawType) { }

    /// <summary>32-bit floating point (<see cref="float"/>).</summary>
    public static NumberDataViewType Single { get; } = new(typeof(float));

    /// <summary>64-bit floating point (<see cref="double"/>).</summary>
    public static NumberDataViewType Double { get; } = new(typeof(double));

    /// <summary>32-bit signed integer.</summary>
    public static NumberDataViewType Int32 { get; } = new(typeof(int));

    /// <summary>64-bit signed integer.</summary>
    public static NumberDataViewType Int64 { get; } = new(typeof(long));

    /// <summary>32-bit unsigned integer.</summary>
    public static NumberDataViewType UInt32 { get; } = new(typeof(uint));

    /// <summary>64-bit unsigned integer.</summary>
    public static NumberDataViewType UInt64 { get; } = new(typeof(ulong));

    /// <summary>8-bit unsigned integer.</summary>
    public static NumberDataViewType Byte { get; } = new(typeof(byte));

    /// <summary>16-bit unsigned integer.</summary>
    public static NumberDataViewType UInt16 { get; } = new(typeof(ushort));

    /// <summary>The number type whose raw type is <paramref name="rawType"/>, or null.</summary>
    internal static NumberDataViewType? FromRawType(Type rawType) =>
        new[] { Single, Double, Int32, Int64, UInt32, UInt64, Byte, UInt16 }.FirstOrDefault(t => t.RawType == rawType);

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => RawType.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => RawType.Name;
}

/// <summary>The boolean column type.</summary>
public sealed class BooleanDataViewType : PrimitiveDataViewType
{
    private BooleanDataViewType() : base(typeof(bool)) { }

    /// <summary>The single instance.</summary>
    public static BooleanDataViewType Instance { get; } = new();

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => RawType.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => "Boolean";
}

/// <summary>The text column type; values are <see cref="ReadOnlyMemory{T}"/> of <see cref="char"/>.</summary>
public sealed class TextDataViewType : PrimitiveDataViewType
{
    private TextDataViewType() : base(typeof(ReadOnlyMemory<char>)) { }

    /// <summary>The single instance.</summary>
    public static TextDataViewType Instance { get; } = new();

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => RawType.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => "String";
}

/// <summary>
/// A key column type: an index into a set of <see cref="Count"/> values. 0 means missing; valid keys are 1..Count.
/// The set's values, if known, sit in the column's KeyValues annotation (<see cref="AnnotationUtils.Kinds.KeyValues"/>).
/// </summary>
public sealed class KeyDataViewType : PrimitiveDataViewType
{
    /// <summary>Creates a key type with raw type <paramref name="type"/> (byte, ushort, uint or ulong) and <paramref name="count"/> valid keys.</summary>
    public KeyDataViewType(Type type, ulong count) : base(type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type != typeof(byte) && type != typeof(ushort) && type != typeof(uint) && type != typeof(ulong))
            throw new ArgumentException($"A key's raw type must be Byte, UInt16, UInt32 or UInt64, got {type.Name}.", nameof(type));
        if (count == 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, "A key type needs a positive count.");
        if (count > GetMaxCount(type))
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Count exceeds what {type.Name} can hold ({GetMaxCount(type)}).");
        Count = count;
    }

    /// <summary>Creates a key type with raw type <paramref name="type"/> and <paramref name="count"/> valid keys.</summary>
    public KeyDataViewType(Type type, int count) : this(type, count > 0 ? (ulong)count : throw new ArgumentOutOfRangeException(nameof(count), count, "A key type needs a positive count.")) { }

    /// <summary>The number of valid keys (1..Count).</summary>
    public ulong Count { get; }

    /// <summary>The largest count a key of raw type <paramref name="type"/> can have.</summary>
    public static ulong GetMaxCount(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type == typeof(byte) ? byte.MaxValue
            : type == typeof(ushort) ? ushort.MaxValue
            : type == typeof(uint) ? uint.MaxValue
            : type == typeof(ulong) ? ulong.MaxValue
            : 0;
    }

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) =>
        other is KeyDataViewType k && k.RawType == RawType && k.Count == Count;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(RawType, Count);

    /// <inheritdoc/>
    public override string ToString() => $"Key<{RawType.Name}, 0-{Count - 1}>";
}
