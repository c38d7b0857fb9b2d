using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

/// <summary>Copies of one column's values for several rows, deep for vectors.</summary>
internal abstract class RowSlots
{
    protected RowSlots(DataViewSchema.Column column) => Column = column;

    public DataViewSchema.Column Column { get; }

    /// <summary>Copies the source row's value into <paramref name="slot"/>.</summary>
    public abstract void Load(int slot);

    /// <summary>A getter of the value in slot <paramref name="currentSlot"/>().</summary>
    public abstract Delegate MakeGetter(Func<int> currentSlot);

    /// <summary>Grows the storage to at least <paramref name="slots"/> slots.</summary>
    public abstract void EnsureCapacity(int slots);

    public static RowSlots Create(DataViewRow row, DataViewSchema.Column column, int slots) =>
        TypeDispatch.Visit(Columns.ItemType(column.Type).RawType, new Factory(row, column, slots));

    private sealed class Factory(DataViewRow row, DataViewSchema.Column column, int slots) : ITypeVisitor<RowSlots>
    {
        public RowSlots Visit<T>()
            where T : notnull =>
            column.Type is VectorDataViewType ? new VectorSlots<T>(row, column, slots) : new ScalarSlots<T>(row, column, slots);
    }

    private sealed class ScalarSlots<T>(DataViewRow row, DataViewSchema.Column column, int slots) : RowSlots(column)
    {
        private readonly ValueGetter<T> _get = row.GetGetter<T>(column);
        private T[] _values = new T[slots];

        public override void Load(int slot) => _get(ref _values[slot]);

        public override void EnsureCapacity(int slots)
        {
            if (_values.Length < slots)
                Array.Resize(ref _values, Math.Max(slots, 2 * _values.Length));
        }

        public override Delegate MakeGetter(Func<int> currentSlot) => (ValueGetter<T>)((ref T v) => v = _values[currentSlot()]);
    }

    private sealed class VectorSlots<T>(DataViewRow row, DataViewSchema.Column column, int slots) : RowSlots(column)
    {
        private readonly ValueGetter<VBuffer<T>> _get = row.GetGetter<VBuffer<T>>(column);
        private VBuffer<T>[] _values = new VBuffer<T>[slots];
        private VBuffer<T> _scratch;

        public override void EnsureCapacity(int slots)
        {
            if (_values.Length < slots)
                Array.Resize(ref _values, Math.Max(slots, 2 * _values.Length));
        }

        public override void Load(int slot)
        {
            _get(ref _scratch);
            _scratch.CopyTo(ref _values[slot]);
        }

        public override Delegate MakeGetter(Func<int> currentSlot) =>
            (ValueGetter<VBuffer<T>>)((ref VBuffer<T> v) => _values[currentSlot()].CopyTo(ref v));
    }
}
