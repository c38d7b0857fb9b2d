namespace Rnn.MLNet.Data;

/// <summary>Which field(s) of a text file a member loads from (<c>LoadFromTextFile&lt;T&gt;</c>); fields count from 0.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class LoadColumnAttribute : Attribute
{
    /// <summary>Loads field <paramref name="fieldIndex"/>.</summary>
    public LoadColumnAttribute(int fieldIndex) : this([fieldIndex]) => IsRange = false;

    /// <summary>Loads fields <paramref name="start"/> to <paramref name="end"/> (inclusive) as a vector.</summary>
    public LoadColumnAttribute(int start, int end)
        : this(end >= start && start >= 0 ? Enumerable.Range(start, end - start + 1).ToArray() : throw new ArgumentOutOfRangeException(nameof(end), $"Field range {start}..{end} is empty or negative.")) => IsRange = true;

    /// <summary>Loads the listed fields as a vector.</summary>
    public LoadColumnAttribute(int[] columnIndexes)
    {
        ArgumentNullException.ThrowIfNull(columnIndexes);
        if (columnIndexes.Length == 0 || columnIndexes.Any(i => i < 0))
            throw new ArgumentOutOfRangeException(nameof(columnIndexes), "Field indexes must be non-negative, at least one.");
        FieldIndexes = (int[])columnIndexes.Clone();
        IsRange = true;
    }

    /// <summary>The fields loaded.</summary>
    public IReadOnlyList<int> FieldIndexes { get; }

    /// <summary>Whether the member is loaded as a vector (a range or list of fields).</summary>
    internal bool IsRange { get; }
}

/// <summary>The column name of a member (default: the member's name).</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class ColumnNameAttribute(string name) : Attribute
{
    /// <summary>The column name.</summary>
    public string Name { get; } = name ?? throw new ArgumentNullException(nameof(name));
}

/// <summary>Marks an array or <see cref="VBuffer{T}"/> member as a vector column of known size (or variable when no dimension is given).</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class VectorTypeAttribute : Attribute
{
    /// <summary>A variable-size vector.</summary>
    public VectorTypeAttribute() => Dimensions = [];

    /// <summary>A vector of the given dimensions.</summary>
    public VectorTypeAttribute(params int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        Dimensions = (int[])dimensions.Clone();
    }

    /// <summary>The dimensions (empty: variable size).</summary>
    public IReadOnlyList<int> Dimensions { get; }
}

/// <summary>Marks an unsigned integer member as a key with <see cref="Count"/> valid values (0 missing, 1..Count).</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class KeyTypeAttribute(ulong count) : Attribute
{
    /// <summary>The number of valid keys.</summary>
    public ulong Count { get; } = count;
}

/// <summary>Excludes a member from the columns of its class.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class NoColumnAttribute : Attribute
{
}
