// Pool shuffle (ML.NET's RowShufflingTransformer idea): keep a pool of up to P rows; each step emits a random
// row of the pool and refills its place with the next source row. Streaming (memory = P rows), and repeatable:
// every cursor draws from a new Random(seed).
using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

internal sealed class ShuffleDataView(IDataView source, int seed, int poolSize, bool shuffleSource) : IDataView
{
    public bool CanShuffle => true;

    public DataViewSchema Schema => source.Schema;

    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        bool[] active = Columns.Active(Schema, columnsNeeded);
        var random = rand ?? new Random(seed);
        DataViewRowCursor input = source.GetRowCursor(Columns.Selected(Schema, active), shuffleSource && source.CanShuffle ? new Random(random.Next()) : null);
        return new Cursor(input, active, poolSize, random);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : CursorBase
    {
        private readonly DataViewRowCursor _input;
        private readonly Random _random;
        private readonly RowSlots[] _columns;
        private readonly List<int> _pool = [];
        private int _current = -1;
        private bool _sourceDone;

        public Cursor(DataViewRowCursor input, bool[] active, int poolSize, Random random) : base(input.Schema, active)
        {
            _input = input;
            _random = random;
            _columns = input.Schema.Where(c => active[c.Index]).Select(c => RowSlots.Create(input, c, poolSize + 1)).ToArray();
            foreach (RowSlots s in _columns)
                Getters[s.Column.Index] = s.MakeGetter(() => _current);
            for (int slot = 0; slot < poolSize && Load(slot); slot++)
                _pool.Add(slot);
        }

        private bool Load(int slot)
        {
            if (_sourceDone || !_input.MoveNext())
            {
                _sourceDone = true;
                return false;
            }
            foreach (RowSlots s in _columns)
                s.Load(slot);
            return true;
        }

        protected override bool MoveNextCore()
        {
            if (_current >= 0 && Load(_current))
                _pool.Add(_current);
            if (_pool.Count == 0)
                return false;
            int j = _random.Next(_pool.Count);
            _current = _pool[j];
            _pool[j] = _pool[^1];
            _pool.RemoveAt(_pool.Count - 1);
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
