using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Rnn.Pipelines.Windowing;

/// <summary>
/// The values of one scalar column (a group or time key), read row by row into memory with their own raw type,
/// compared (numbers by value, text ordinally) and handed back through typed getters.
/// </summary>
internal abstract class ScalarColumnValues
{
    public abstract int Count { get; }

    /// <summary>Appends the current row's value.</summary>
    public abstract void Read();

    /// <summary>Orders values <paramref name="i"/> and <paramref name="j"/>: numbers by value, text ordinally.</summary>
    public abstract int Compare(int i, int j);

    /// <summary>Value <paramref name="i"/> as text (for messages and identity).</summary>
    public abstract string Display(int i);

    /// <summary>Whether value <paramref name="i"/> is NaN (never for non-floating types).</summary>
    public abstract bool IsNaN(int i);

    /// <summary>A <see cref="ValueGetter{TValue}"/> of the column's raw type returning value <c>index()</c>.</summary>
    public abstract Delegate MakeGetter(Func<int> index);

    public static ScalarColumnValues Create(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType)
            throw new ArgumentException($"Column '{column.Name}' is a vector ({column.Type}); a group or time column must be a scalar.", nameof(column));
        // Once per column and cursor: the typed reader of the column's raw type.
        return (ScalarColumnValues)CreateTypedMethod.MakeGenericMethod(column.Type.RawType).Invoke(null, [row, column])!;
    }

    private static readonly MethodInfo CreateTypedMethod =
        typeof(ScalarColumnValues).GetMethod(nameof(CreateTyped), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static Typed<T> CreateTyped<T>(DataViewRow row, DataViewSchema.Column column)
        where T : notnull => new(row.GetGetter<T>(column));

    private sealed class Typed<T>(ValueGetter<T> getter) : ScalarColumnValues
        where T : notnull
    {
        private readonly List<T> _values = [];

        public override int Count => _values.Count;

        public override void Read()
        {
            T value = default!;
            getter(ref value);
            _values.Add(value);
        }

        public override int Compare(int i, int j)
        {
            if (_values[i] is ReadOnlyMemory<char> a && _values[j] is ReadOnlyMemory<char> b)
                return a.Span.SequenceCompareTo(b.Span);
            return Comparer<T>.Default.Compare(_values[i], _values[j]);
        }

        public override string Display(int i) => _values[i] switch
        {
            ReadOnlyMemory<char> text => text.ToString(),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString() ?? "",
        };

        public override bool IsNaN(int i) => _values[i] switch
        {
            float f => float.IsNaN(f),
            double d => double.IsNaN(d),
            _ => false,
        };

        public override Delegate MakeGetter(Func<int> index) => (ValueGetter<T>)((ref T v) => v = _values[index()]);
    }
}
