// A term map: the values seen in training, in key order; key k (1..Count) is Terms[k-1], 0 is missing.
// Missing values (empty text, NaN) and values not in the map map to 0. Lookups of text use the span of the
// value (Dictionary alternate lookup), so mapping a token allocates nothing.
using System.Globalization;
using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;

namespace Rnn.MLNet.Conversion;

internal abstract class TermMap
{
    public abstract int Count { get; }

    public abstract PrimitiveDataViewType ItemType { get; }

    /// <summary>The terms in key order, as invariant strings (saved in the model zip).</summary>
    public abstract string[] ToStrings();

    /// <summary>A getter of keys (uint, scalar or vector like <paramref name="column"/>) reading <paramref name="column"/>.</summary>
    public abstract Delegate MakeGetter(DataViewRow input, DataViewSchema.Column column);

    /// <summary>Adds the KeyValues annotation: the terms, or their text when <paramref name="asText"/>.</summary>
    public abstract void AddKeyValues(DataViewSchema.Annotations.Builder builder, bool asText);

    /// <summary>Trains a map for <paramref name="column"/> of <paramref name="data"/>.</summary>
    public static TermMap Train(IDataView data, DataViewSchema.Column column, int maximumNumberOfKeys, ValueToKeyMappingEstimator.KeyOrdinality ordinality) =>
        TypeDispatch.Visit(Columns.ItemType(column.Type).RawType, new Trainer(data, column, maximumNumberOfKeys, ordinality));

    /// <summary>Rebuilds a map from saved strings; throws <see cref="InvalidDataException"/> on a value that does not parse.</summary>
    public static TermMap Parse(PrimitiveDataViewType itemType, IReadOnlyList<string> terms, string what) =>
        TypeDispatch.Visit(itemType.RawType, new Parser(itemType, terms, what));

    private sealed class Trainer(IDataView data, DataViewSchema.Column column, int max, ValueToKeyMappingEstimator.KeyOrdinality ordinality) : ITypeVisitor<TermMap>
    {
        public TermMap Visit<T>()
            where T : notnull
        {
            var map = new TermMap<T>(Columns.ItemType(column.Type));
            using DataViewRowCursor cursor = data.GetRowCursor([column]);
            bool any = false;
            if (column.Type is VectorDataViewType)
            {
                ValueGetter<VBuffer<T>> get = cursor.GetGetter<VBuffer<T>>(column);
                VBuffer<T> buffer = default;
                while (cursor.MoveNext() && map.Count < max)
                {
                    any = true;
                    get(ref buffer);
                    foreach (T v in buffer.GetValues())
                        if (map.Count < max)
                            map.TryAdd(v);
                }
            }
            else
            {
                ValueGetter<T> get = cursor.GetGetter<T>(column);
                T value = default!;
                while (cursor.MoveNext() && map.Count < max)
                {
                    any = true;
                    get(ref value);
                    map.TryAdd(value);
                }
            }
            if (!any)
                throw new InvalidOperationException($"Cannot map values of '{column.Name}' to keys: the data view has no rows.");
            if (map.Count == 0)
                throw new InvalidOperationException($"Cannot map values of '{column.Name}' to keys: every value is missing.");
            if (ordinality == ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
                map.SortByValue();
            return map;
        }
    }

    private sealed class Parser(PrimitiveDataViewType itemType, IReadOnlyList<string> terms, string what) : ITypeVisitor<TermMap>
    {
        public TermMap Visit<T>()
            where T : notnull
        {
            var map = new TermMap<T>(itemType);
            foreach (string s in terms)
            {
                object value = itemType.RawType switch
                {
                    Type t when t == typeof(ReadOnlyMemory<char>) => s.AsMemory(),
                    Type t when t == typeof(float) => float.Parse(s, CultureInfo.InvariantCulture),
                    Type t when t == typeof(double) => double.Parse(s, CultureInfo.InvariantCulture),
                    Type t when t == typeof(int) => int.Parse(s, CultureInfo.InvariantCulture),
                    Type t when t == typeof(long) => long.Parse(s, CultureInfo.InvariantCulture),
                    Type t when t == typeof(uint) => uint.Parse(s, CultureInfo.InvariantCulture),
                    Type t when t == typeof(ulong) => ulong.Parse(s, CultureInfo.InvariantCulture),
                    Type t when t == typeof(bool) => bool.Parse(s),
                    _ => throw new InvalidDataException($"{what}: terms of type {itemType} cannot be loaded."),
                };
                if (!map.TryAdd((T)value))
                    throw new InvalidDataException($"{what}: term '{s}' is missing or repeated.");
            }
            return map;
        }
    }
}

internal sealed class TermMap<T> : TermMap
    where T : notnull
{
    private readonly List<T> _terms = [];
    private readonly Dictionary<T, uint>? _keys;
    private readonly Dictionary<string, uint>? _textKeys;
    private readonly Dictionary<string, uint>.AlternateLookup<ReadOnlySpan<char>> _textLookup;

    public TermMap(PrimitiveDataViewType itemType)
    {
        ItemType = itemType;
        if (typeof(T) == typeof(ReadOnlyMemory<char>))
        {
            _textKeys = new Dictionary<string, uint>(StringComparer.Ordinal);
            _textLookup = _textKeys.GetAlternateLookup<ReadOnlySpan<char>>();
        }
        else
        {
            _keys = [];
        }
    }

    public override int Count => _terms.Count;

    public override PrimitiveDataViewType ItemType { get; }

    public IReadOnlyList<T> Terms => _terms;

    private static bool IsMissing(T value) => value switch
    {
        ReadOnlyMemory<char> m => m.IsEmpty,
        float f => float.IsNaN(f),
        double d => double.IsNaN(d),
        _ => false,
    };

    /// <summary>Adds a new, non-missing value; false when missing or already present.</summary>
    public bool TryAdd(T value)
    {
        if (IsMissing(value))
            return false;
        uint key = (uint)_terms.Count + 1;
        if (_textKeys is not null)
        {
            ReadOnlySpan<char> span = ((ReadOnlyMemory<char>)(object)value).Span;
            if (!_textLookup.TryAdd(span, key))
                return false;
            _textLookup.TryGetValue(span, out string? stored, out _);
            _terms.Add((T)(object)stored!.AsMemory());
            return true;
        }
        if (!_keys!.TryAdd(value, key))
            return false;
        _terms.Add(value);
        return true;
    }

    public uint Lookup(in T value)
    {
        if (_textKeys is not null)
            return _textLookup.TryGetValue(((ReadOnlyMemory<char>)(object)value!).Span, out uint k) ? k : 0;
        return !IsMissing(value) && _keys!.TryGetValue(value, out uint key) ? key : 0;
    }

    public void SortByValue()
    {
        T[] sorted = [.. _terms];
        if (typeof(T) == typeof(ReadOnlyMemory<char>))
            Array.Sort(sorted, (a, b) => ((ReadOnlyMemory<char>)(object)a!).Span.SequenceCompareTo(((ReadOnlyMemory<char>)(object)b!).Span));
        else
            Array.Sort(sorted);
        _terms.Clear();
        _keys?.Clear();
        _textKeys?.Clear();
        foreach (T t in sorted)
            TryAdd(t);
    }

    public override string[] ToStrings() => _terms.Select(Format).ToArray();

    private static string Format(T value) => value switch
    {
        ReadOnlyMemory<char> m => m.ToString(),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };

    public override Delegate MakeGetter(DataViewRow input, DataViewSchema.Column column)
    {
        if (column.Type is not VectorDataViewType)
        {
            ValueGetter<T> get = input.GetGetter<T>(column);
            T value = default!;
            return (ValueGetter<uint>)((ref uint key) =>
            {
                get(ref value);
                key = Lookup(value);
            });
        }
        ValueGetter<VBuffer<T>> getVector = input.GetGetter<VBuffer<T>>(column);
        VBuffer<T> src = default;
        return (ValueGetter<VBuffer<uint>>)((ref VBuffer<uint> dst) =>
        {
            getVector(ref src);
            VBufferEditor<uint> editor = VBufferEditor.Create(ref dst, src.Length);
            if (src.IsDense)
            {
                ReadOnlySpan<T> values = src.GetValues();
                for (int i = 0; i < values.Length; i++)
                    editor.Values[i] = Lookup(values[i]);
            }
            else
            {
                for (int i = 0; i < src.Length; i++)
                    editor.Values[i] = Lookup(src.GetItemOrDefault(i));
            }
            dst = editor.Commit();
        });
    }

    public override void AddKeyValues(DataViewSchema.Annotations.Builder builder, bool asText)
    {
        if (asText || typeof(T) == typeof(ReadOnlyMemory<char>))
        {
            ReadOnlyMemory<char>[] text = _terms.Select(t => Format(t).AsMemory()).ToArray();
            builder.AddKeyValues(text.Length, TextDataViewType.Instance, (ref VBuffer<ReadOnlyMemory<char>> v) => RowTypeMapping.CopyDense<ReadOnlyMemory<char>>(text, ref v));
            return;
        }
        T[] terms = [.. _terms];
        builder.AddKeyValues(terms.Length, ItemType, (ref VBuffer<T> v) => RowTypeMapping.CopyDense<T>(terms, ref v));
    }
}
