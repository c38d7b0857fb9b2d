using Rnn.MLNet.Data;

namespace Rnn.MLNet;

/// <summary>Reads a label column for a recurrent task, checking every value and naming the row at fault.</summary>
internal sealed class TrainingLabelReader
{
    private readonly RecurrentTask _task;
    private readonly DataViewSchema.Column _column;

    private TrainingLabelReader(RecurrentTask task, DataViewSchema.Column column, int classCount, string[]? keyValues)
    {
        _task = task;
        _column = column;
        ClassCount = classCount;
        KeyValues = keyValues;
    }

    /// <summary>Number of classes (2 for binary, the key count for multiclass, 0 for regression).</summary>
    public int ClassCount { get; }

    /// <summary>The label's key values as text (multiclass), so PredictedLabel maps back with MapKeyToValue; or null.</summary>
    public string[]? KeyValues { get; }

    public static TrainingLabelReader Create(RecurrentTask task, DataViewSchema.Column column)
    {
        var type = column.Type;
        switch (task)
        {
            case RecurrentTask.BinaryClassification:
                if (type is BooleanDataViewType || (type is NumberDataViewType n && (n.RawType == typeof(float) || n.RawType == typeof(double))))
                    return new TrainingLabelReader(task, column, 2, null);
                throw WrongType(column, "Boolean, or Single/Double holding 0 and 1");
            case RecurrentTask.MulticlassClassification:
                if (type is KeyDataViewType key && key.RawType == typeof(uint))
                {
                    if (key.Count > 100_000) throw new ArgumentException($"Label column '{column.Name}' has {key.Count} classes; at most 100000 are supported.", nameof(column));
                    string[]? names = null;
                    if (column.HasKeyValues(TextDataViewType.Instance))
                    {
                        VBuffer<ReadOnlyMemory<char>> values = default;
                        column.GetKeyValues(ref values);
                        names = values.DenseValues().Select(v => v.ToString()).ToArray();
                    }
                    return new TrainingLabelReader(task, column, (int)key.Count, names);
                }
                throw WrongType(column, "a key (use Transforms.Conversion.MapValueToKey on the label)");
            default:
                if (type is NumberDataViewType r && (r.RawType == typeof(float) || r.RawType == typeof(double)))
                    return new TrainingLabelReader(task, column, 0, null);
                throw WrongType(column, "Single or Double");
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

        /// <summary>The class index of the current row.</summary>
        public int ReadClass(long position)
        {
            string name = _owner._column.Name;
            if (_key is not null)
            {
                uint key = 0;
                _key(ref key);
                if (key == 0 || key > _owner.ClassCount)
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
            if (v == 0) return 0;
            if (v == 1) return 1;
            throw new InvalidDataException($"Row {position}: label column '{name}' holds {v}; a binary label must be 0 or 1 (or Boolean).");
        }

        /// <summary>The regression target of the current row.</summary>
        public float ReadValue(long position)
        {
            double v = ReadNumber();
            if (!double.IsFinite(v))
                throw new InvalidDataException($"Row {position}: label column '{_owner._column.Name}' holds {v}; a regression label must be finite.");
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
