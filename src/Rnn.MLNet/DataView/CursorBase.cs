namespace Rnn.MLNet;

/// <summary>
/// Common cursor plumbing: the active-column mask, the getter table and typed access with clear errors.
/// Subclasses fill <see cref="Getters"/> for active columns and implement <see cref="MoveNextCore"/>.
/// </summary>
internal abstract class CursorBase : DataViewRowCursor
{
    private long _position = -1;

    protected CursorBase(DataViewSchema schema, bool[] active)
    {
        Schema = schema;
        Active = active;
        Getters = new Delegate?[schema.Count];
    }

    protected bool[] Active { get; }

    protected Delegate?[] Getters { get; }

    public override DataViewSchema Schema { get; }

    public override long Position => _position;

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index >= 0 && column.Index < Active.Length && Active[column.Index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
        RowGetters.Get<TValue>(Schema, Getters, column);

    public sealed override bool MoveNext()
    {
        if (_position == long.MinValue)
            return false;
        if (MoveNextCore())
        {
            _position++;
            return true;
        }
        _position = long.MinValue;
        return false;
    }

    /// <summary>Advances the underlying data; false at the end.</summary>
    protected abstract bool MoveNextCore();
}

/// <summary>Typed getter lookup shared by rows and cursors.</summary>
internal static class RowGetters
{
    public static ValueGetter<TValue> Get<TValue>(DataViewSchema schema, Delegate?[] getters, DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= getters.Length)
            throw new ArgumentOutOfRangeException(nameof(column), column.Name, "Column is not part of this row's schema.");
        Delegate? getter = getters[column.Index];
        if (getter is null)
            throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; pass it in columnsNeeded.");
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' has type {schema[column.Index].Type} (values are {schema[column.Index].Type.RawType.Name}), not {typeof(TValue).Name}.");
    }
}
