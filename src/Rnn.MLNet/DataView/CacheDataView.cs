// ml.Data.Cache: the rows of a source read once, on the first cursor, into memory (all columns, vectors deep-copied).
// Later cursors (epochs) read the copies; a cursor given a Random visits the rows in a random permutation.
using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

internal sealed class CacheDataView(IDataView source) : IDataView
{
    private readonly Lazy<(RowSlots[] Columns, int Rows)> _cache = new(() => Fill(source), LazyThreadSafetyMode.ExecutionAndPublication);

    public bool CanShuffle => true;

    public DataViewSchema Schema => source.Schema;

    public long? GetRowCount() => _cache.IsValueCreated ? _cache.Value.Rows : source.GetRowCount();

    private static (RowSlots[], int) Fill(IDataView source)
    {
        using DataViewRowCursor cursor = source.GetRowCursor(source.Schema);
        RowSlots[] columns = source.Schema.Select(c => RowSlots.Create(cursor, c, 1024)).ToArray();
        int rows = 0;
        while (cursor.MoveNext())
        {
            foreach (RowSlots s in columns)
            {
                s.EnsureCapacity(rows + 1);
                s.Load(rows);
            }
            rows++;
        }
        return (columns, rows);
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        bool[] active = Columns.Active(Schema, columnsNeeded);
        (RowSlots[] columns, int rows) = _cache.Value;
        int[]? order = null;
        if (rand is not null)
        {
            order = Enumerable.Range(0, rows).ToArray();
            rand.Shuffle(order);
        }
        return new Cursor(Schema, active, columns, rows, order);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : CursorBase
    {
        private readonly int _rows;
        private readonly int[]? _order;
        private int _row = -1;

        public Cursor(DataViewSchema schema, bool[] active, RowSlots[] columns, int rows, int[]? order) : base(schema, active)
        {
            _rows = rows;
            _order = order;
            for (int i = 0; i < columns.Length; i++)
                if (active[i])
                    Getters[i] = columns[i].MakeGetter(() => _order is null ? _row : _order[_row]);
        }

        protected override bool MoveNextCore() => ++_row < _rows;
    }
}
