using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

/// <summary>
/// A one-row source whose values come from a settable object; moving to a new object advances <see cref="Position"/>.
/// With a <c>schemaHint</c> (the model's saved input schema), a member typed less precisely than the model expects takes
/// the model's type: a variable vector becomes the known-size vector (its length is checked per call), a number the key.
/// </summary>
internal sealed class ObjectRow<TRow> : DataViewRow
    where TRow : class
{
    private readonly Delegate[] _getters;
    private TRow? _current;
    private long _position = -1;

    public ObjectRow(DataViewSchema? schemaHint = null)
    {
        MemberColumn<TRow>[] members = RowTypeMapping.Columns<TRow>(forWriting: false);
        var builder = new DataViewSchema.Builder();
        _getters = new Delegate[members.Length];
        for (int i = 0; i < members.Length; i++)
        {
            MemberColumn<TRow> m = members[i];
            DataViewType type = m.Type;
            _getters[i] = m.MakeGetter(Current);
            if (schemaHint?.GetColumnOrNull(m.Name) is { } hint && IsRefinement(m.Type, hint.Type))
            {
                type = hint.Type;
                if (type is Data.VectorDataViewType { IsKnownSize: true } v)
                    _getters[i] = TypeDispatch.Visit(v.ItemType.RawType, new SizeChecked(_getters[i], m.Name, v.Size));
            }
            builder.AddColumn(m.Name, type);
        }
        Schema = builder.ToSchema();
    }

    /// <summary>Whether <paramref name="hint"/> is <paramref name="member"/> with a known size or a key where the member has neither.</summary>
    private static bool IsRefinement(DataViewType member, DataViewType hint)
    {
        if (member.Equals(hint) || member.RawType != hint.RawType)
            return false;
        if (member is Data.VectorDataViewType mv && hint is Data.VectorDataViewType hv)
            return (mv.Size == hv.Size || !mv.IsKnownSize) && (mv.ItemType.Equals(hv.ItemType) || IsRefinement(mv.ItemType, hv.ItemType));
        return member is Data.NumberDataViewType && hint is Data.KeyDataViewType;
    }

    private sealed class SizeChecked(Delegate inner, string name, int size) : ITypeVisitor<Delegate>
    {
        public Delegate Visit<T>()
            where T : notnull
        {
            var get = (ValueGetter<Data.VBuffer<T>>)inner;
            return (ValueGetter<Data.VBuffer<T>>)((ref Data.VBuffer<T> v) =>
            {
                get(ref v);
                if (v.Length != size)
                    throw new ArgumentException($"Column '{name}' has {v.Length} values, the model expects {size}.");
            });
        }
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _position;

    public void MoveTo(TRow row)
    {
        _current = row;
        _position++;
    }

    private TRow Current() => _current ?? throw new InvalidOperationException("No input object yet.");

    public override bool IsColumnActive(DataViewSchema.Column column) => true;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => RowGetters.Get<TValue>(Schema, _getters, column);
}
