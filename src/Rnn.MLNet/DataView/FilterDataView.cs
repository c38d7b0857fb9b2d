using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

/// <summary>What a row filter decides for the current source row.</summary>
internal enum RowDecision
{
    Keep,
    Skip,
    Stop,
}

/// <summary>
/// The rows of a source a predicate keeps, lazily. The source is read in its own order (never shuffled: filters
/// such as splits depend on it), with <paramref name="predicateColumns"/> active besides the requested ones.
/// </summary>
internal sealed class FilterDataView(IDataView source, IReadOnlyList<DataViewSchema.Column> predicateColumns, Func<DataViewRowCursor, Func<RowDecision>> makePredicate) : IDataView
{
    public bool CanShuffle => false;

    public DataViewSchema Schema => source.Schema;

    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        DataViewSchema.Column[] needed = [.. columnsNeeded, .. predicateColumns];
        DataViewRowCursor input = source.GetRowCursor(needed.DistinctBy(c => c.Index));
        return new Cursor(input, makePredicate(input), Columns.Active(Schema, columnsNeeded));
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(DataViewRowCursor input, Func<RowDecision> predicate, bool[] active) : CursorBase(input.Schema, active)
    {
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; pass it in columnsNeeded.");
            return input.GetGetter<TValue>(column);
        }

        protected override bool MoveNextCore()
        {
            while (input.MoveNext())
            {
                switch (predicate())
                {
                    case RowDecision.Keep:
                        return true;
                    case RowDecision.Stop:
                        return false;
                }
            }
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                input.Dispose();
            base.Dispose(disposing);
        }
    }
}
