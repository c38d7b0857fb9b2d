using Rnn.MLNet.Data;

namespace Rnn.MLNet.Internals;

/// <summary>Runs generic code for a column's raw item type, chosen from a fixed list (no reflection).</summary>
internal interface ITypeVisitor<out TResult>
{
    TResult Visit<T>()
        where T : notnull;
}

internal static class TypeDispatch
{
    public static TResult Visit<TResult>(Type rawItemType, ITypeVisitor<TResult> visitor) => rawItemType switch
    {
        Type t when t == typeof(float) => visitor.Visit<float>(),
        Type t when t == typeof(double) => visitor.Visit<double>(),
        Type t when t == typeof(int) => visitor.Visit<int>(),
        Type t when t == typeof(long) => visitor.Visit<long>(),
        Type t when t == typeof(uint) => visitor.Visit<uint>(),
        Type t when t == typeof(ulong) => visitor.Visit<ulong>(),
        Type t when t == typeof(ushort) => visitor.Visit<ushort>(),
        Type t when t == typeof(byte) => visitor.Visit<byte>(),
        Type t when t == typeof(bool) => visitor.Visit<bool>(),
        Type t when t == typeof(ReadOnlyMemory<char>) => visitor.Visit<ReadOnlyMemory<char>>(),
        _ => throw new NotSupportedException($"Item type {rawItemType.Name} is not supported here."),
    };

    /// <summary>The getter of <paramref name="column"/> as a <see cref="Delegate"/>, whatever its type.</summary>
    public static Delegate GetGetter(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType v)
            return Visit(v.ItemType.RawType, new VectorGetter(row, column));
        return Visit(column.Type.RawType, new ScalarGetter(row, column));
    }

    private sealed class ScalarGetter(DataViewRow row, DataViewSchema.Column column) : ITypeVisitor<Delegate>
    {
        public Delegate Visit<T>()
            where T : notnull => row.GetGetter<T>(column);
    }

    private sealed class VectorGetter(DataViewRow row, DataViewSchema.Column column) : ITypeVisitor<Delegate>
    {
        public Delegate Visit<T>()
            where T : notnull => row.GetGetter<VBuffer<T>>(column);
    }
}
