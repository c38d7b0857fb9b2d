using Rnn.MLNet.Data;

namespace Rnn.MLNet;

/// <summary>
/// How a recurrent model reads its feature column: a key vector (token ids) or a float vector of
/// T steps × F features. Saved with the model so prediction reads exactly what training read.
/// </summary>
/// <remarks>
/// Keys k in 1..Count become token ids k; key 0 (missing) becomes id 0, which has an embedding row of its
/// own. A key row with no tokens is read as one missing token. At most <see cref="MaximumLength"/> steps (the
/// first ones) are kept when it is positive.
/// </remarks>
internal sealed record SequenceFeatures(string ColumnName, bool IsKey, int KeyCount, int StepSize, int MaximumLength)
{
    /// <summary>Vocabulary size of the embedding: every key plus the missing id 0.</summary>
    public int VocabularySize => IsKey ? KeyCount + 1 : 0;

    /// <summary>Reads the column's type, or throws naming the column and what it holds.</summary>
    public static SequenceFeatures FromSchema(DataViewSchema schema, string columnName, int stepSize, int maximumLength)
    {
        var column = FindColumn(schema, columnName, "feature");
        if (column.Type is VectorDataViewType { ItemType: KeyDataViewType key })
        {
            if (key.RawType != typeof(uint))
                throw new ArgumentException($"Feature column '{columnName}' holds keys of type {key.RawType.Name}; the recurrent trainers read UInt32 keys (from MapValueToKey).", nameof(columnName));
            if (key.Count > int.MaxValue - 1)
                throw new ArgumentException($"Feature column '{columnName}' has {key.Count} keys, more than an embedding can hold.", nameof(columnName));
            return new SequenceFeatures(columnName, true, (int)key.Count, 1, maximumLength);
        }
        if (column.Type is VectorDataViewType { ItemType: NumberDataViewType number } && number.RawType == typeof(float))
        {
            if (stepSize <= 0)
                throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "StepSize must be positive.");
            return new SequenceFeatures(columnName, false, 0, stepSize, maximumLength);
        }
        throw new ArgumentException(
            $"Feature column '{columnName}' has type {column.Type}; the recurrent trainers need a vector of keys (token ids, e.g. from MapValueToKey) or a vector of Single (T steps × StepSize features).",
            nameof(columnName));
    }

    /// <summary>Checks that <paramref name="schema"/> offers the feature column with the trained type.</summary>
    public DataViewSchema.Column Check(DataViewSchema schema)
    {
        var column = FindColumn(schema, ColumnName, "feature");
        var actual = FromSchema(schema, ColumnName, StepSize, MaximumLength);
        if (actual.IsKey != IsKey || actual.KeyCount != KeyCount)
        {
            string expected = IsKey ? $"a vector of {KeyCount} keys" : "a vector of Single";
            throw new ArgumentException($"Feature column '{ColumnName}' has type {column.Type}, but the model was trained on {expected}.", nameof(schema));
        }
        return column;
    }

    /// <summary>Makes a reader of one row's sequence; buffers are owned by the reader and reused.</summary>
    public Reader CreateReader(DataViewRow row, DataViewSchema.Column column) => new(this, row, column);

    internal static DataViewSchema.Column FindColumn(DataViewSchema schema, string name, string role)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.GetColumnOrNull(name) ?? throw new ArgumentException(
            $"{char.ToUpperInvariant(role[0])}{role[1..]} column '{name}' not found in the input schema (columns: {string.Join(", ", schema.Select(c => c.Name))}).",
            nameof(schema));
    }

    /// <summary>Reads one row's sequence into token ids or float steps.</summary>
    internal sealed class Reader
    {
        private readonly SequenceFeatures _spec;
        private readonly ValueGetter<VBuffer<uint>>? _keys;
        private readonly ValueGetter<VBuffer<float>>? _values;
        private VBuffer<uint> _keyBuffer;
        private VBuffer<float> _valueBuffer;
        private int[] _tokens = new int[16];
        private float[] _steps = new float[16];

        public Reader(SequenceFeatures spec, DataViewRow row, DataViewSchema.Column column)
        {
            _spec = spec;
            if (spec.IsKey) _keys = row.GetGetter<VBuffer<uint>>(column);
            else _values = row.GetGetter<VBuffer<float>>(column);
        }

        /// <summary>Token ids of the current row [T] (key features).</summary>
        public ReadOnlySpan<int> ReadTokens(long position)
        {
            _keys!(ref _keyBuffer);
            int length = _keyBuffer.Length;
            if (length == 0)
            {
                _tokens[0] = 0;
                return _tokens.AsSpan(0, 1);
            }
            if (_spec.MaximumLength > 0) length = Math.Min(length, _spec.MaximumLength);
            if (_tokens.Length < length) _tokens = new int[Math.Max(length, _tokens.Length * 2)];
            Span<int> tokens = _tokens.AsSpan(0, length);
            tokens.Clear();
            ReadOnlySpan<uint> values = _keyBuffer.GetValues();
            ReadOnlySpan<int> indices = _keyBuffer.GetIndices();
            for (int i = 0; i < values.Length; i++)
            {
                int slot = _keyBuffer.IsDense ? i : indices[i];
                if (slot >= length) break;
                uint key = values[i];
                if (key > _spec.KeyCount)
                    throw new InvalidDataException($"Row {position}: key {key} in column '{_spec.ColumnName}' is outside 0..{_spec.KeyCount}.");
                tokens[slot] = (int)key;
            }
            return tokens;
        }

        /// <summary>Float steps of the current row [T, F] flattened (float features).</summary>
        public ReadOnlySpan<float> ReadSteps(long position)
        {
            _values!(ref _valueBuffer);
            int length = _valueBuffer.Length, f = _spec.StepSize;
            if (length == 0)
                throw new InvalidDataException($"Row {position}: column '{_spec.ColumnName}' is empty; a sequence needs at least one step.");
            if (length % f != 0)
                throw new InvalidDataException($"Row {position}: column '{_spec.ColumnName}' has {length} values, not a multiple of StepSize = {f}.");
            if (_spec.MaximumLength > 0) length = Math.Min(length, _spec.MaximumLength * f);
            if (_steps.Length < length) _steps = new float[Math.Max(length, _steps.Length * 2)];
            Span<float> steps = _steps.AsSpan(0, length);
            if (_valueBuffer.IsDense)
            {
                _valueBuffer.GetValues()[..length].CopyTo(steps);
            }
            else
            {
                steps.Clear();
                ReadOnlySpan<float> values = _valueBuffer.GetValues();
                ReadOnlySpan<int> indices = _valueBuffer.GetIndices();
                for (int i = 0; i < values.Length && indices[i] < length; i++) steps[indices[i]] = values[i];
            }
            foreach (float v in steps)
                if (!float.IsFinite(v))
                    throw new InvalidDataException($"Row {position}: column '{_spec.ColumnName}' holds a non-finite value ({v}).");
            return steps;
        }
    }
}
