namespace Rnn.MLNet;

/// <summary>
/// Rows read ahead, a batch at a time, on a second cursor of the same (unshuffled) source: for scorers whose model
/// scores many rows per call (<see cref="ScoringTransformerBase{TFeature}"/> with a batch size, the recurrent scorer).
/// The consumer's cursor asks for row positions in increasing order; rows it skips (getters not called) are passed
/// over unread, so every score stays on its own row.
/// </summary>
internal sealed class ReadAheadRows
{
    private readonly DataViewRowCursor _ahead;
    private readonly string _column;
    private readonly int _capacity;

    /// <param name="ahead">The second cursor (caller-owned; dispose it with the consumer's cursor).</param>
    /// <param name="column">The feature column's name, for messages.</param>
    /// <param name="capacity">Rows per batch.</param>
    public ReadAheadRows(DataViewRowCursor ahead, string column, int capacity)
    {
        ArgumentNullException.ThrowIfNull(ahead);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ahead = ahead;
        _column = column;
        _capacity = capacity;
    }

    /// <summary>Position of the batch's first row.</summary>
    public long First { get; private set; }

    /// <summary>Rows in the batch.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Makes sure the batch holds row <paramref name="position"/>. When it does not, moves the second cursor to that row
    /// and calls <paramref name="readRow"/>(i) with the cursor on each of the next rows (up to the capacity), i = 0, 1, …
    /// </summary>
    /// <returns>True when a new batch was read (the caller scores it), false when the row was already in the batch.</returns>
    public bool Cover(long position, Action<int> readRow)
    {
        if (position >= First && position < First + Count) return false;
        if (_ahead.Position >= position)
            throw new InvalidOperationException($"Row {position} of '{_column}' was asked for after row {_ahead.Position}; rows are scored in order.");
        while (_ahead.Position < position)
        {
            if (!_ahead.MoveNext())
                throw new InvalidOperationException($"The source of '{_column}' gave different rows to two cursors (row {position} is missing from the second); batch scoring needs a repeatable source.");
        }
        First = position;
        Count = 0;
        do readRow(Count++);
        while (Count < _capacity && _ahead.MoveNext());
        return true;
    }
}
