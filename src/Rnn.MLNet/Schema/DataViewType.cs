namespace Rnn.MLNet;

/// <summary>
/// The type of a column of an <see cref="IDataView"/>: its representation (<see cref="RawType"/>) and meaning.
/// </summary>
/// <remarks>
/// As in ML.NET: numbers, <see cref="Data.BooleanDataViewType"/>, <see cref="Data.TextDataViewType"/>
/// (values are <see cref="ReadOnlyMemory{T}"/> of char), <see cref="Data.KeyDataViewType"/> (0 is missing,
/// 1..Count are valid) and <see cref="Data.VectorDataViewType"/> (values are <see cref="Data.VBuffer{T}"/>).
/// </remarks>
public abstract class DataViewType : IEquatable<DataViewType>
{
    /// <summary>Creates a type whose values are represented by <paramref name="rawType"/>.</summary>
    protected DataViewType(Type rawType)
    {
        ArgumentNullException.ThrowIfNull(rawType);
        RawType = rawType;
    }

    /// <summary>The .NET type of a value of this column type.</summary>
    public Type RawType { get; }

    /// <summary>Whether <paramref name="other"/> is the same column type.</summary>
    public abstract bool Equals(DataViewType? other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DataViewType other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => RawType.GetHashCode();
}

/// <summary>A type whose values are single, immutable items (numbers, booleans, text, keys).</summary>
public abstract class PrimitiveDataViewType : DataViewType
{
    /// <summary>Creates a primitive type represented by <paramref name="rawType"/>.</summary>
    protected PrimitiveDataViewType(Type rawType) : base(rawType) { }
}

/// <summary>A type whose values are buffers (vectors).</summary>
public abstract class StructuredDataViewType : DataViewType
{
    /// <summary>Creates a structured type represented by <paramref name="rawType"/>.</summary>
    protected StructuredDataViewType(Type rawType) : base(rawType) { }
}
