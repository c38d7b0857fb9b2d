using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.Core.Layers;
using Rnn.Core.Models;

namespace Rnn.MLNet.Scoring;

/// <summary>
/// The output of a fitted <see cref="RecurrentPredictionTransformer"/>'s Transform: the inner chain's view (same schema,
/// same values), except that a sequential cursor asking for the scoring columns gets them from a batch scorer instead of
/// the per-row CustomMapping kernel. The scorer reads rows ahead on a second cursor of the source and runs
/// <see cref="Rows"/> of them through the network at once (matrix products instead of one matrix-vector product per step).
/// </summary>
/// <remarks>
/// Batched and per-row scores agree to within float rounding (|Δ| ≤ 1e-6 on the tests' models), not bit for bit: the products
/// sum in another order. A model loaded with <c>ml.Model.Load</c> is ML.NET's chain of built-ins and scores row by row;
/// PredictionEngine always scores one row. Shuffled cursors and cursor sets also score row by row.
/// </remarks>
internal sealed class BatchScoredView : IDataView
{
    /// <summary>Rows per network pass.</summary>
    public const int Rows = 128;

    private readonly RecurrentModel _model;
    private readonly IDataView _source;
    private readonly IDataView _inner;
    private readonly int[] _scored;   // indices in Schema of the scoring columns (Score, Probability, PredictedLabel)

    public BatchScoredView(RecurrentModel model, IDataView source, IDataView inner)
    {
        _model = model;
        _source = source;
        _inner = inner;
        string[] names = model.Task switch
        {
            RecurrentTask.BinaryClassification => ["Score", "Probability", "PredictedLabel"],
            RecurrentTask.MulticlassClassification => ["Score", "PredictedLabel"],
            _ => ["Score"],
        };
        _scored = names.Select(n => inner.Schema[n].Index).ToArray();
    }

    public bool CanShuffle => _inner.CanShuffle;

    public DataViewSchema Schema => _inner.Schema;

    public long? GetRowCount() => _inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToList();
        if (rand is not null || !needed.Any(c => _scored.Contains(c.Index))) return _inner.GetRowCursor(needed, rand);
        var passThrough = needed.Where(c => !_scored.Contains(c.Index)).ToList();
        var feature = _model.Features.Check(_source.Schema);
        return new Cursor(this, _inner.GetRowCursor(passThrough), _source.GetRowCursor([feature]), feature,
            needed.Select(c => c.Index).Where(_scored.Contains).ToHashSet());
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchScoredView _view;
        private readonly DataViewRowCursor _rows;     // the inner view's cursor, for every other column
        private readonly DataViewRowCursor _ahead;    // the source's cursor, read ahead for the features
        private readonly HashSet<int> _active;
        private readonly SequenceFeatures.RowReader _reader;
        private readonly SequenceModel _network;
        private readonly SequenceBatch _batch = new();
        private readonly bool _isKey;
        private readonly int _stepSize, _outputs;
        private readonly float[] _logits;
        private readonly float[] _probabilities;
        private readonly int[] _lengths = new int[Rows];
        private readonly int[] _offsets = new int[Rows];
        private int[] _tokens = new int[1024];
        private float[] _values = new float[1024];
        private long _first = -1;
        private int _count;

        public Cursor(BatchScoredView view, DataViewRowCursor rows, DataViewRowCursor ahead, DataViewSchema.Column feature, HashSet<int> active)
        {
            _view = view;
            _rows = rows;
            _ahead = ahead;
            _active = active;
            var model = view._model;
            _reader = new SequenceFeatures.RowReader(model.Features, ahead, feature);
            _network = model.Network.Clone();
            _network.Eval();
            _isKey = model.Features.IsKey;
            _stepSize = _isKey ? 1 : model.Features.StepSize;
            _outputs = model.Network.Options.OutputSize;
            _logits = new float[Rows * _outputs];
            _probabilities = new float[_outputs];
        }

        public override DataViewSchema Schema => _view.Schema;

        public override long Position => _rows.Position;

        public override long Batch => _rows.Batch;

        public override bool MoveNext() => _rows.MoveNext();

        public override ValueGetter<DataViewRowId> GetIdGetter() => _rows.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            _active.Contains(column.Index) || (!_view._scored.Contains(column.Index) && _rows.IsColumnActive(column));

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int slot = Array.IndexOf(_view._scored, column.Index);
            if (slot < 0) return _rows.GetGetter<TValue>(column);
            if (!_active.Contains(column.Index))
                throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the cursor was made.");
            Delegate getter = (_view._model.Task, slot) switch
            {
                (RecurrentTask.BinaryClassification, 0) => (ValueGetter<float>)((ref float v) => v = Margin()),
                (RecurrentTask.BinaryClassification, 1) => (ValueGetter<float>)((ref float v) => v = 1f / (1f + MathF.Exp(-Margin()))),
                (RecurrentTask.BinaryClassification, _) => (ValueGetter<bool>)((ref bool v) => v = Margin() > 0),
                (RecurrentTask.MulticlassClassification, 0) => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) =>
                {
                    Activations.Softmax(Logits(), _outputs, _probabilities);
                    var editor = VBufferEditor.Create(ref v, _outputs);
                    _probabilities.CopyTo(editor.Values);
                    v = editor.Commit();
                }),
                (RecurrentTask.MulticlassClassification, _) => (ValueGetter<uint>)((ref uint v) =>
                {
                    ReadOnlySpan<float> l = Logits();
                    int arg = 0;
                    for (int c = 1; c < l.Length; c++) if (l[c] > l[arg]) arg = c;
                    v = (uint)(arg + 1);
                }),
                _ => (ValueGetter<float>)((ref float v) => v = Logits()[0]),
            };
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
                $"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _rows.Dispose();
                _ahead.Dispose();
            }
            base.Dispose(disposing);
        }

        private float Margin()
        {
            ReadOnlySpan<float> l = Logits();
            return l[1] - l[0];
        }

        // The logits of the current row: scored with the rows after it when it is past the current batch.
        private ReadOnlySpan<float> Logits()
        {
            long position = _rows.Position;
            if (position < _first || position >= _first + _count) ReadBatch(position);
            return _logits.AsSpan((int)(position - _first) * _outputs, _outputs);
        }

        private void ReadBatch(long position)
        {
            if (_ahead.Position >= position)
                throw new InvalidOperationException($"Row {position} was asked for after row {_ahead.Position}; rows are scored in order.");
            while (_ahead.Position < position)
            {
                if (!_ahead.MoveNext())
                    throw new InvalidOperationException($"The source gave different rows to two cursors (row {position} is missing from the second); batch scoring needs a repeatable source.");
            }
            _first = position;
            _count = 0;
            int maxSteps = 0, used = 0;
            do
            {
                long row = _ahead.Position;
                _reader.RawLength();
                int length;
                if (_isKey)
                {
                    ReadOnlySpan<int> tokens = _reader.Tokens(row);
                    length = tokens.Length;
                    if (_tokens.Length < used + length) Array.Resize(ref _tokens, Math.Max(used + length, _tokens.Length * 2));
                    tokens.CopyTo(_tokens.AsSpan(used));
                }
                else
                {
                    ReadOnlySpan<float> steps = _reader.Steps(row);
                    length = steps.Length;
                    if (_values.Length < used + length) Array.Resize(ref _values, Math.Max(used + length, _values.Length * 2));
                    steps.CopyTo(_values.AsSpan(used));
                }
                _offsets[_count] = used;
                _lengths[_count] = length / _stepSize;
                maxSteps = Math.Max(maxSteps, _lengths[_count]);
                used += length;
                _count++;
            }
            while (_count < Rows && _ahead.MoveNext());
            Score(maxSteps);
        }

        // The batch's rows through the network at once (length-bucketed inside: padding is never computed).
        private void Score(int maxSteps)
        {
            int rows = _count, f = _stepSize;
            if (_isKey) _batch.ResetTokens(rows, maxSteps);
            else _batch.ResetValues(rows, maxSteps, f);
            for (int b = 0; b < rows; b++)
            {
                int n = _lengths[b], offset = _offsets[b];
                if (_isKey)
                {
                    Span<int> row = _batch.Tokens.Slice(b * maxSteps, maxSteps);
                    _tokens.AsSpan(offset, n).CopyTo(row);
                    row.Slice(n).Clear();
                }
                else
                {
                    Span<float> row = _batch.Values.Slice(b * maxSteps * f, maxSteps * f);
                    _values.AsSpan(offset, n * f).CopyTo(row);
                    row.Slice(n * f).Clear();
                }
                _batch.Lengths[b] = n;
            }
            _batch.Seal();
            _network.Forward(_batch).Span.CopyTo(_logits);
        }
    }
}
