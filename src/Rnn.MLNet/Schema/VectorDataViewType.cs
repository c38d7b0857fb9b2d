using System.Collections.Immutable;

namespace Rnn.MLNet.Data;

/// <summary>
/// A vector column type: values are <see cref="VBuffer{T}"/> of <see cref="ItemType"/>. The size is known
/// (<see cref="IsKnownSize"/>, every row has <see cref="Size"/> items) or variable (<see cref="Size"/> is 0).
/// </summary>
public sealed class VectorDataViewType : StructuredDataViewType
{
    /// <summary>Creates a vector type of <paramref name="size"/> items; 0 means variable size.</summary>
    public VectorDataViewType(PrimitiveDataViewType itemType, int size = 0)
        : this(itemType, [size]) { }

    /// <summary>Creates a vector type with the given dimensions; a 0 dimension means variable size.</summary>
    public VectorDataViewType(PrimitiveDataViewType itemType, params int[] dimensions)
        : base(MakeRawType(itemType))
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Length == 0)
            throw new ArgumentException("A vector type needs at least one dimension.", nameof(dimensions));
        long size = 1;
        foreach (int d in dimensions)
        {
            if (d < 0)
                throw new ArgumentOutOfRangeException(nameof(dimensions), d, "Vector dimensions must be non-negative.");
            size *= d;
            if (size > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(dimensions), "Vector size exceeds Int32.MaxValue.");
        }
        ItemType = itemType;
        Dimensions = [.. dimensions];
        Size = (int)size;
    }

    /// <summary>The type of the items.</summary>
    public PrimitiveDataViewType ItemType { get; }

    /// <summary>The dimensions (a 0 marks a variable size).</summary>
    public ImmutableArray<int> Dimensions { get; }

    /// <summary>The number of items, or 0 for a variable-size vector.</summary>
    public int Size { get; }

    /// <summary>Whether every value has <see cref="Size"/> items.</summary>
    public bool IsKnownSize => Size > 0;

    private static Type MakeRawType(PrimitiveDataViewType itemType)
    {
        ArgumentNullException.ThrowIfNull(itemType);
        return typeof(VBuffer<>).MakeGenericType(itemType.RawType);
    }

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) =>
        other is VectorDataViewType v && v.ItemType.Equals(ItemType) && v.Dimensions.SequenceEqual(Dimensions);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(ItemType, Size);

    /// <inheritdoc/>
    public override string ToString() => $"Vector<{ItemType}{(IsKnownSize ? ", " + string.Join(", ", Dimensions) : "")}>";
}
