namespace Rnn.MLNet;

/// <summary>Reads a value into <paramref name="value"/>, reusing its buffers when it holds any.</summary>
public delegate void ValueGetter<TValue>(ref TValue value);

/// <summary>
/// A lazy, possibly streaming table: a schema and cursors over its rows. Values are computed as a cursor
/// moves, and only for the columns the cursor was asked for.
/// </summary>
public interface IDataView
{
    /// <summary>Whether <see cref="GetRowCursor"/> honours a <see cref="Random"/> to visit rows in random order.</summary>
    bool CanShuffle { get; }

    /// <summary>The columns.</summary>
    DataViewSchema Schema { get; }

    /// <summary>The number of rows when known cheaply, else null.</summary>
    long? GetRowCount();

    /// <summary>A cursor over the rows computing only <paramref name="columnsNeeded"/>; rows in random order when <paramref name="rand"/> is given and <see cref="CanShuffle"/>.</summary>
    DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null);

    /// <summary>Up to <paramref name="n"/> cursors that together visit every row once (this implementation returns one).</summary>
    DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null);
}

/// <summary>One row: typed getters for its active columns.</summary>
public abstract class DataViewRow : IDisposable
{
    /// <summary>The row's position: -1 before the first row, then 0, 1, ...; used to know when a value changed.</summary>
    public abstract long Position { get; }

    /// <summary>The batch this row belongs to (0: one cursor per view here).</summary>
    public virtual long Batch => 0;

    /// <summary>The row's columns.</summary>
    public abstract DataViewSchema Schema { get; }

    /// <summary>Whether <paramref name="column"/> is computed by this row.</summary>
    public abstract bool IsColumnActive(DataViewSchema.Column column);

    /// <summary>The getter of an active column; <typeparamref name="TValue"/> must be its type's raw type.</summary>
    public abstract ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column);

    /// <summary>Releases the row's resources.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    protected virtual void Dispose(bool disposing) { }
}

/// <summary>A row that moves over the rows of a view.</summary>
public abstract class DataViewRowCursor : DataViewRow
{
    /// <summary>Moves to the next row; false at the end.</summary>
    public abstract bool MoveNext();
}
