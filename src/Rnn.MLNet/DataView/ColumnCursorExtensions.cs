using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

/// <summary>Reads one column of a view as a sequence (ML.NET's <c>data.GetColumn&lt;T&gt;(name)</c>).</summary>
public static class ColumnCursorExtensions
{
    /// <summary>
    /// The values of <paramref name="columnName"/>, lazily. <typeparamref name="T"/> is the column's .NET type as a class
    /// member would have it: <see cref="float"/>, <see cref="bool"/>, ...; <see cref="string"/> for text; arrays
    /// (<c>float[]</c>, <c>string[]</c>) or <see cref="Data.VBuffer{T}"/> for vectors.
    /// </summary>
    public static IEnumerable<T> GetColumn<T>(this IDataView data, string columnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataViewSchema.Column column = Columns.Find(data.Schema, columnName);
        MemberColumn<Holder<T>> member = RowTypeMapping.Columns<Holder<T>>(forWriting: true)[0];
        if (!member.Accepts(column.Type))
            throw new ArgumentException($"Column '{columnName}' has type {column.Type}; it cannot be read as {typeof(T).Name}.", nameof(columnName));
        return Read();

        IEnumerable<T> Read()
        {
            using DataViewRowCursor cursor = data.GetRowCursor([column]);
            Action<Holder<T>> set = member.MakeSetter(cursor, column);
            while (cursor.MoveNext())
            {
                var holder = new Holder<T>();
                set(holder);
                yield return holder.Value;
            }
        }
    }

    private sealed class Holder<T>
    {
        public T Value { get; set; } = default!;
    }
}
