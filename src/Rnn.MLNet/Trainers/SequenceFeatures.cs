using Microsoft.ML;
using Microsoft.ML.Data;

namespace Rnn.MLNet;

/// <summary>
/// How a recurrent model reads its feature column: a key vector (token ids) or a float vector of
/// T steps × F features. Saved with the model so prediction reads exactly what training read.
/// </summary>
/// <remarks>
/// Keys k in 1..Count become token ids k; key 0 (missing) becomes id 0, whose embedding row is zero. At prediction a
/// key row with no tokens is read as one missing token (training skips such rows). At most <see cref="MaximumLength"/>
/// steps (the first ones) are kept when it is positive.
/// </remarks>
/// <param name="ColumnName">The feature column.</param>
/// <param name="IsKey">Key vector (true) or Single vector (false).</param>
/// <param name="KeyCount">Keys of the column's type (key features).</param>
/// <param name="StepSize">Features per step F (float features; 1 for keys).</param>
/// <param name="MaximumLength">Steps kept per sequence, 0 for all.</param>
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
                throw new ArgumentException($"Feature column '{columnName}' holds keys of type {key.RawType.Name}; the recurrent trainers read UInt32 keys (from MapValueToKey).", nameof(schema));
            if (key.Count == 0 || key.Count > int.MaxValue - 1)
                throw new ArgumentException($"Feature column '{columnName}' has {key.Count} keys; an embedding needs a known key count (MapValueToKey gives one).", nameof(schema));
            return new SequenceFeatures(columnName, true, (int)key.Count, 1, maximumLength);
        }
        if (column.Type is VectorDataViewType { ItemType: NumberDataViewType number } && number.RawType == typeof(float))
        {
            if (stepSize <= 0)
                throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "StepSize must be positive.");
            return new SequenceFeatures(columnName, false, 0, stepSize, maximumLength);
        }
        string hint = column.Type is TextDataViewType
            ? " It holds text: tokenize it (Transforms.Text.TokenizeIntoWords) and map the tokens to keys (Transforms.Conversion.MapValueToKey) first."
            : "";
        throw new ArgumentException(
            $"Feature column '{columnName}' has type {column.Type}; the recurrent trainers need a vector of keys (token ids, e.g. from MapValueToKey) or a vector of Single (T steps × StepSize features).{hint}",
            nameof(schema));
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

    internal static DataViewSchema.Column FindColumn(DataViewSchema schema, string name, string role)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.GetColumnOrNull(name) ?? throw new ArgumentException(
            $"{char.ToUpperInvariant(role[0])}{role[1..]} column '{name}' not found in the input schema (columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}).",
            nameof(schema));
    }

    /// <summary>Reads sequences into token ids or float steps; buffers are owned by the reader and reused.</summary>
    internal sealed class Reader(SequenceFeatures spec)
    {
        private int[] _tokens = new int[16];
        private float[] _steps = new float[16];

        /// <summary>Token ids [T] of one row's keys (at least one: an empty row reads as one missing token).</summary>
        public ReadOnlySpan<int> ReadTokens(in VBuffer<uint> keys, long row = -1)
        {
            int length = keys.Length;
            if (length == 0)
            {
                _tokens[0] = 0;
                return _tokens.AsSpan(0, 1);
            }
            if (spec.MaximumLength > 0) length = Math.Min(length, spec.MaximumLength);
            if (_tokens.Length < length) _tokens = new int[Math.Max(length, _tokens.Length * 2)];
            Span<int> tokens = _tokens.AsSpan(0, length);
            tokens.Clear();
            ReadOnlySpan<uint> values = keys.GetValues();
            ReadOnlySpan<int> indices = keys.GetIndices();
            for (int i = 0; i < values.Length; i++)
            {
                int slot = keys.IsDense ? i : indices[i];
                if (slot >= length) break;
                uint key = values[i];
                if (key > spec.KeyCount)
                    throw new InvalidDataException($"{RowText(row)}key {key} in feature column '{spec.ColumnName}' is outside 0..{spec.KeyCount}.");
                tokens[slot] = (int)key;
            }
            return tokens;
        }

        /// <summary>Float steps [T, F] flattened of one row.</summary>
        public ReadOnlySpan<float> ReadSteps(in VBuffer<float> buffer, long row = -1)
        {
            int length = buffer.Length, f = spec.StepSize;
            if (length == 0)
                throw new InvalidDataException($"{RowText(row)}feature column '{spec.ColumnName}' is empty; a sequence needs at least one step.");
            if (length % f != 0)
                throw new InvalidDataException($"{RowText(row)}feature column '{spec.ColumnName}' has {length} values, not a multiple of StepSize = {f}.");
            if (spec.MaximumLength > 0) length = Math.Min(length, spec.MaximumLength * f);
            if (_steps.Length < length) _steps = new float[Math.Max(length, _steps.Length * 2)];
            Span<float> steps = _steps.AsSpan(0, length);
            if (buffer.IsDense)
            {
                buffer.GetValues()[..length].CopyTo(steps);
            }
            else
            {
                steps.Clear();
                ReadOnlySpan<float> values = buffer.GetValues();
                ReadOnlySpan<int> indices = buffer.GetIndices();
                for (int i = 0; i < values.Length && indices[i] < length; i++) steps[indices[i]] = values[i];
            }
            foreach (float v in steps)
                if (!float.IsFinite(v))
                    throw new InvalidDataException($"{RowText(row)}feature column '{spec.ColumnName}' holds a non-finite value ({v}).");
            return steps;
        }

        private static string RowText(long row) => row >= 0 ? $"Row {row}: " : "";
    }

    /// <summary>A reader bound to a cursor's feature getter.</summary>
    internal sealed class RowReader
    {
        private readonly ValueGetter<VBuffer<uint>>? _keys;
        private readonly ValueGetter<VBuffer<float>>? _values;
        private readonly Reader _reader;
        private VBuffer<uint> _keyBuffer;
        private VBuffer<float> _valueBuffer;

        public RowReader(SequenceFeatures spec, DataViewRow row, DataViewSchema.Column column)
        {
            _reader = new Reader(spec);
            if (spec.IsKey) _keys = row.GetGetter<VBuffer<uint>>(column);
            else _values = row.GetGetter<VBuffer<float>>(column);
        }

        /// <summary>Steps in the current row's raw vector (before the length limit): 0 for an empty row.</summary>
        public int RawLength()
        {
            if (_keys is not null)
            {
                _keys(ref _keyBuffer);
                return _keyBuffer.Length;
            }
            _values!(ref _valueBuffer);
            return _valueBuffer.Length;
        }

        /// <summary>The current row's tokens; call <see cref="RawLength"/> first.</summary>
        public ReadOnlySpan<int> Tokens(long row) => _reader.ReadTokens(_keyBuffer, row);

        /// <summary>The current row's steps; call <see cref="RawLength"/> first.</summary>
        public ReadOnlySpan<float> Steps(long row) => _reader.ReadSteps(_valueBuffer, row);
    }
}
