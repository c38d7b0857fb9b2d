namespace Rnn.MLNet;

public sealed partial class DataOperationsCatalog
{
    /// <summary>
    /// A view over <paramref name="data"/>: one column per public field or property of <typeparamref name="TRow"/>
    /// (named by <see cref="Data.ColumnNameAttribute"/> or the member; see the type mapping in Internals/RowTypeMapping.cs).
    /// The sequence is enumerated again by each cursor, lazily.
    /// </summary>
    public IDataView LoadFromEnumerable<TRow>(IEnumerable<TRow> data)
        where TRow : class
    {
        ArgumentNullException.ThrowIfNull(data);
        return new EnumerableDataView<TRow>(data);
    }

    /// <summary>
    /// The rows of <paramref name="data"/> as objects, lazily. With <paramref name="reuseRowObject"/> one object is
    /// filled again for every row (copy what you keep). Members are matched to columns by name; a member without
    /// a column is an error unless <paramref name="ignoreMissingColumns"/>.
    /// </summary>
    public IEnumerable<TRow> CreateEnumerable<TRow>(IDataView data, bool reuseRowObject, bool ignoreMissingColumns = false)
        where TRow : class, new()
    {
        ArgumentNullException.ThrowIfNull(data);
        return RowObjects.Enumerate<TRow>(data, reuseRowObject, ignoreMissingColumns);
    }
}
