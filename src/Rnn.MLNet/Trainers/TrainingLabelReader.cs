using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Rnn.MLNet;

/// <summary>Reads a label column for a recurrent task, checking every value and naming the row at fault.</summary>
/// <remarks>A missing label (NaN, or key 0) is reported as missing so the trainer skips the row, as ML.NET's trainers do.</remarks>
internal sealed class TrainingLabelReader
{
    /// <summary>ML.NET's annotation kind of a key column's values.</summary>
    internal const string KeyValuesKind = "KeyValues";

    private readonly DataViewSchema.Column _column;

    private TrainingLabelReader(DataViewSchema.Column column, int classCount, string[]? names)
    {
        _column = column;
        ClassCount = classCount;
        Names = names;
    }

    /// <summary>Number of classes (2 for binary, the key count for multiclass, 0 for regression).</summary>
    public int ClassCount { get; }

    /// <summary>Multiclass: the label's values in key order as text (its key values, or the key numbers without them).</summary>
    public string[]? Names { get; }

    public static TrainingLabelReader Create(RecurrentTask task, DataViewSchema.Column column)
    {
        var type = column.Type;
        switch (task)
        {
            case RecurrentTask.BinaryClassification:
                if (type is BooleanDataViewType || (type is NumberDataViewType n && (n.RawType == typeof(float) || n.RawType == typeof(double))))
                    return new TrainingLabelReader(column, 2, null);
                throw WrongType(column, "Boolean, or Single/Double holding 0 and 1");
            case RecurrentTask.MulticlassClassification:
                if (type is KeyDataViewType key && key.RawType == typeof(uint))
                {
                    if (key.Count is 0 or > Persistence.FixedVector.MaxLength)
                        throw new ArgumentException($"Label column '{column.Name}' has {key.Count} classes; a recurrent classifier takes 2..{Persistence.FixedVector.MaxLength} (MapValueToKey gives a known count).", nameof(column));
                    return new TrainingLabelReader(column, (int)key.Count, KeyValueNames(column, (int)key.Count));
                }
                throw WrongType(column, "a key (use Transforms.Conversion.MapValueToKey on the label)");
            default:
                if (type is NumberDataViewType r && (r.RawType == typeof(float) || r.RawType == typeof(double)))
                    return new TrainingLabelReader(column, 0, null);
                throw WrongType(column, "Single or Double");
        }
    }

    /// <summary>The key values of a key column as text, or "1".."count" when it has none.</summary>
    internal static string[] KeyValueNames(DataViewSchema.Column column, int count)
    {
        var kind = KeyValuesKind;
        var annotation = column.Annotations.Schema.GetColumnOrNull(kind);
        if (annotation?.Type is VectorDataViewType { ItemType: TextDataViewType })
        {
            VBuffer<ReadOnlyMemory<char>> values = default;
            column.Annotations.GetValue(kind, ref values);
            var names = values.DenseValues().Select(v => v.ToString()).ToArray();
            if (names.Length == count) return names;
        }
        else if (annotation?.Type is VectorDataViewType { ItemType: NumberDataViewType number })
        {
            string[]? names = number.RawType == typeof(float) ? Read<float>(column, kind)
                : number.RawType == typeof(double) ? Read<double>(column, kind)
                : number.RawType == typeof(int) ? Read<int>(column, kind)
                : number.RawType == typeof(uint) ? Read<uint>(column, kind)
                : number.RawType == typeof(long) ? Read<long>(column, kind)
                : null;
            if (names is not null && names.Length == count) return names;
        }
        return Enumerable.Range(1, count).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();

        static string[] Read<T>(DataViewSchema.Column column, string kind) where T : IFormattable
        {
            VBuffer<T> values = default;
            column.Annotations.GetValue(kind, ref values);
            return values.DenseValues().Select(v => v.ToString(null, CultureInfo.InvariantCulture)).ToArray();
        }
    }

    public Bound Bind(DataViewRow row) => new(this, row);

    private static ArgumentException WrongType(DataViewSchema.Column column, string expected) =>
        new($"Label column '{column.Name}' has type {column.Type}, expected {expected}.", nameof(column));

    /// <summary>A label reader bound to a cursor.</summary>
    internal sealed class Bound
    {
        private readonly TrainingLabelReader _owner;
        private readonly ValueGetter<bool>? _bool;
        private readonly ValueGetter<float>? _single;
        private readonly ValueGetter<double>? _double;
        private readonly ValueGetter<uint>? _key;

        public Bound(TrainingLabelReader owner, DataViewRow row)
        {
            _owner = owner;
            var raw = owner._column.Type.RawType;
            if (owner._column.Type is KeyDataViewType) _key = row.GetGetter<uint>(owner._column);
            else if (raw == typeof(bool)) _bool = row.GetGetter<bool>(owner._column);
            else if (raw == typeof(float)) _single = row.GetGetter<float>(owner._column);
            else _double = row.GetGetter<double>(owner._column);
        }

        /// <summary>The class index of the current row, or -1 when its label is missing (key 0 or NaN).</summary>
        public int ReadClass(long position)
        {
            string name = _owner._column.Name;
            if (_key is not null)
            {
                uint key = 0;
                _key(ref key);
                if (key == 0) return -1;
                if (key > _owner.ClassCount)
                    throw new InvalidDataException($"Row {position}: label column '{name}' holds key {key}; a class label must be a key in 1..{_owner.ClassCount} (0 means missing).");
                return (int)key - 1;
            }
            if (_bool is not null)
            {
                bool b = false;
                _bool(ref b);
                return b ? 1 : 0;
            }
            double v = ReadNumber();
            if (double.IsNaN(v)) return -1;
            if (v == 0) return 0;
            if (v == 1) return 1;
            throw new InvalidDataException($"Row {position}: label column '{name}' holds {v}; a binary label must be 0 or 1 (or Boolean).");
        }

        /// <summary>The regression target of the current row, or NaN when it is missing.</summary>
        public float ReadValue(long position)
        {
            double v = ReadNumber();
            if (double.IsInfinity(v) || (!double.IsNaN(v) && !float.IsFinite((float)v)))
                throw new InvalidDataException($"Row {position}: label column '{_owner._column.Name}' holds {v}; a regression label must be finite (NaN marks a missing label, and the row is skipped).");
            return (float)v;
        }

        private double ReadNumber()
        {
            if (_single is not null)
            {
                float f = 0;
                _single(ref f);
                return f;
            }
            double d = 0;
            _double!(ref d);
            return d;
        }
    }
}
