using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

/// <summary>
/// A view over objects of a user class: one column per public field or property. Streaming: each cursor
/// enumerates the source again, so a lazily produced sequence is never held in memory.
/// </summary>
internal sealed class EnumerableDataView<TRow> : IDataView
    where TRow : class
{
    private readonly IEnumerable<TRow> _data;
    private readonly MemberColumn<TRow>[] _members;

    public EnumerableDataView(IEnumerable<TRow> data)
    {
        _data = data;
        _members = RowTypeMapping.Columns<TRow>(forWriting: false);
        var builder = new DataViewSchema.Builder();
        foreach (MemberColumn<TRow> m in _members)
            builder.AddColumn(m.Name, m.Type);
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _data is IReadOnlyCollection<TRow> c ? c.Count : _data is ICollection<TRow> d ? d.Count : null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, Columns.Active(Schema, columnsNeeded));

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : CursorBase
    {
        private readonly IEnumerator<TRow> _enumerator;
        private TRow? _current;

        public Cursor(EnumerableDataView<TRow> view, bool[] active) : base(view.Schema, active)
        {
            _enumerator = view._data.GetEnumerator();
            for (int i = 0; i < active.Length; i++)
                if (active[i])
                    Getters[i] = view._members[i].MakeGetter(Current);
        }

        private TRow Current() => _current ?? throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");

        protected override bool MoveNextCore()
        {
            if (!_enumerator.MoveNext())
                return false;
            _current = _enumerator.Current ?? throw new InvalidOperationException($"Row {Position + 1} of the enumerable is null.");
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _enumerator.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>Reads the rows of a view into objects of a user class.</summary>
internal static class RowObjects
{
    /// <summary>
    /// Setters copying the columns of <paramref name="row"/> into the writable members of <typeparamref name="TRow"/>
    /// matched by name; throws on a missing column (unless <paramref name="ignoreMissingColumns"/>) or a type mismatch.
    /// </summary>
    public static Action<TRow>[] MakeSetters<TRow>(DataViewRow row, Func<DataViewSchema.Column, bool>? activate, bool ignoreMissingColumns)
        where TRow : class
    {
        var setters = new List<Action<TRow>>();
        foreach (MemberColumn<TRow> m in RowTypeMapping.Columns<TRow>(forWriting: true))
        {
            DataViewSchema.Column? c = row.Schema.GetColumnOrNull(m.Name);
            if (c is null)
            {
                if (ignoreMissingColumns)
                    continue;
                Throw.ColumnNotFound(row.Schema, m.Name, $"data (needed by {typeof(TRow).Name}.{m.Member.Name})");
            }
            if (!m.Accepts(c.Value.Type))
                throw new ArgumentException($"Column '{m.Name}' has type {c.Value.Type} but {typeof(TRow).Name}.{m.Member.Name} needs {m.Type}.");
            setters.Add(m.MakeSetter(row, c.Value));
        }
        return [.. setters];
    }

    /// <summary>The columns <typeparamref name="TRow"/>'s writable members read.</summary>
    public static IEnumerable<DataViewSchema.Column> Needed<TRow>(DataViewSchema schema, bool ignoreMissingColumns)
        where TRow : class
    {
        foreach (MemberColumn<TRow> m in RowTypeMapping.Columns<TRow>(forWriting: true))
        {
            DataViewSchema.Column? c = schema.GetColumnOrNull(m.Name);
            if (c is not null)
                yield return c.Value;
            else if (!ignoreMissingColumns)
                Throw.ColumnNotFound(schema, m.Name, $"data (needed by {typeof(TRow).Name}.{m.Member.Name})");
        }
    }

    public static IEnumerable<TRow> Enumerate<TRow>(IDataView data, bool reuseRowObject, bool ignoreMissingColumns)
        where TRow : class, new()
    {
        DataViewSchema.Column[] needed = Needed<TRow>(data.Schema, ignoreMissingColumns).ToArray();
        return EnumerateCore();

        IEnumerable<TRow> EnumerateCore()
        {
            using DataViewRowCursor cursor = data.GetRowCursor(needed);
            Action<TRow>[] setters = MakeSetters<TRow>(cursor, null, ignoreMissingColumns);
            TRow? shared = null;
            while (cursor.MoveNext())
            {
                TRow obj = reuseRowObject ? shared ??= new TRow() : new TRow();
                foreach (Action<TRow> set in setters)
                    set(obj);
                yield return obj;
            }
        }
    }
}
