using System.Numerics.Tensors;
using Rnn.Core.Numerics;

namespace Rnn.Core.Layers;

// B = batch, T = steps, N = packed rows (Σ lengths), I = layer input size, H = hidden size,
// G = gate rows (H for RNN, 4H for LSTM, 3H for GRU), D = directions.

/// <summary>
/// Scans one direction of one layer over a packed batch: forward fills a cache, backward consumes it.
/// </summary>
/// <remarks>
/// Forward hoists the input projection of every step into one product
/// (<c>gates[N, G] = x[N, I]·W_ihᵀ + biases</c>), then per step does one small product
/// (<c>gates[t] += h[n_t, H]·W_hhᵀ</c>) and the fused cell arithmetic. Inference on a batch of at least
/// <see cref="StepwiseInputRows"/> rows keeps no gates, so each row range projects its own rows step by step instead,
/// into a one-step buffer that stays in cache (the same sums in the same order). The state rows h (and c) live in
/// one contiguous buffer in sorted order and are updated in place: rows that are not active at a step
/// keep their value, so after the scan the buffer holds each example's state at its own last step, for
/// either direction. Backward runs the steps in reverse order with the same trick for dh (and dc), then
/// forms the weight gradients with one product each over all packed rows.
/// Threads: every row of the batch is its own recurrence, so a large scan runs as one row range per thread from the
/// first step to the last with no synchronisation per step (<see cref="RunRowRanges"/>); a batch of one is split by
/// hidden units instead, the parts meeting once per step (SequenceRunner.Single.cs).
/// Not thread-safe; every buffer is reused from call to call.
/// </remarks>
internal sealed partial class SequenceRunner
{
    private readonly CellType _cell;
    private readonly Nonlinearity _nonlinearity;
    private readonly int _hidden, _gates, _inputSize;
    private readonly bool _reverse;
    private readonly Parameter _wIh, _wHh, _bIh, _bHh;

    // Cache (packed rows)
    private float[] _gateValues = [];   // [N, G]: activated gates (RNN: h itself)
    private float[] _hPrev = [];        // [N, P]: state before each step at columns PrevOffset.. +H (see PrevStride)
    private float[] _dW = [];           // [G, I + H]: RNN/LSTM weight gradients of one backward pass, before they are added
    private float[] _dB = [];           // [G]: RNN/LSTM bias gradient of one backward pass, before it is added to both biases
    private float[] _cPrev = [];        // [N, H]: LSTM cell state before each step
    private float[] _aux = [];          // [N, H]: LSTM tanh(c'), GRU W_hn h + b_hn
    private float[] _hh = [];           // [B, G]: GRU per-step hidden product
    private float[] _bias = [];         // [G]: b_ih + b_hh (GRU: n block b_in only)
    // State (sorted order)
    private float[] _h = [];            // [B, H]
    private float[] _c = [];            // [B, H]
    // Gradients
    private float[] _dGx = [];          // [N, G]
    private float[] _dGh = [];          // [N, G] (GRU only; otherwise dGx serves both sides)
    private float[] _dh = [];           // [B, H]
    private float[] _dc = [];           // [B, H]

    // W_hh packed once per pass for the per-step products (Gemm.PackB): op = W_hhᵀ [H, G] forward, W_hh [G, H] backward.
    private PackedMatrix? _packedForward, _packedBackward;
    // Inference: W_ihᵀ [I, G] packed once per pass, and each row range's workspace for one step (see RangeWorkspace).
    private PackedMatrix? _packedInput;
    private float[][] _rangeWork = [];
    private bool _stepwiseInput;        // this forward pass projects the inputs step by step (see StepwiseInputRows)
    private float[] _dhNorms = [];      // [T]: ‖∂L/∂h_t‖ over the batch, when recording gradient flow

    private int[] _rowSplit = [];        // [ranges + 1]: sorted-row boundaries of the scan's row ranges
    private ScanArguments _scan;        // set for the duration of a scan

    private int _rows, _batch, _steps;
    private bool _hasCache;

    public SequenceRunner(CellType cell, Nonlinearity nonlinearity, int inputSize, int hidden, bool reverse,
        Parameter weightIh, Parameter weightHh, Parameter biasIh, Parameter biasHh)
    {
        _cell = cell;
        _nonlinearity = nonlinearity;
        _inputSize = inputSize;
        _hidden = hidden;
        _gates = RecurrentLayer.GateCountOf(cell) * hidden;
        _reverse = reverse;
        _wIh = weightIh; _wHh = weightHh; _bIh = biasIh; _bHh = biasHh;
    }

    /// <summary>State after the last forward scan, sorted order [B, H].</summary>
    public ReadOnlySpan<float> FinalH => _h.AsSpan(0, _batch * _hidden);

    /// <summary>LSTM cell state after the last forward scan, sorted order [B, H].</summary>
    public ReadOnlySpan<float> FinalC => _c.AsSpan(0, _batch * _hidden);

    /// <summary>Gradient of the initial state after the last backward scan, sorted order [B, H].</summary>
    public ReadOnlySpan<float> InitialHGrad => _dh.AsSpan(0, _batch * _hidden);

    /// <summary>Gradient of the initial cell state after the last backward scan, sorted order [B, H].</summary>
    public ReadOnlySpan<float> InitialCGrad => _dc.AsSpan(0, _batch * _hidden);

    /// <summary>Initial h rows to fill before <see cref="Forward"/> (sorted order [B, H]); zeroed by <see cref="Prepare"/>.</summary>
    public Span<float> InitialH => _h.AsSpan(0, _batch * _hidden);

    /// <summary>Initial c rows (LSTM), as <see cref="InitialH"/>.</summary>
    public Span<float> InitialC => _c.AsSpan(0, _batch * _hidden);

    /// <summary>When true, <see cref="Backward"/> records ‖∂L/∂h_t‖ per step in <see cref="HiddenGradNorms"/>.</summary>
    public bool RecordGradientFlow { get; set; }

    /// <summary>‖∂L/∂h_t‖ (L2 over the batch and hidden units) per step t of the last recorded backward pass [T].</summary>
    public ReadOnlySpan<float> HiddenGradNorms => _dhNorms.AsSpan(0, _steps);

    /// <summary>LSTM: the cell state before each step, packed [N, H] (training-mode cache).</summary>
    public ReadOnlySpan<float> CellStatesBefore => _cPrev.AsSpan(0, _rows * _hidden);

    /// <summary>Sizes the buffers for a batch and zeroes the initial state.</summary>
    public void Prepare(PackedBatch batch, bool training)
    {
        _rows = batch.Rows;
        _batch = batch.Batch;
        _steps = batch.Steps;
        int nh = _rows * _hidden, bh = _batch * _hidden;
        // Inference on a large batch keeps the gates and aux values of one step per row range only (see ForwardRows).
        bool stepwise = GathersInputRows(_batch, training);
        if (!stepwise) Grow(ref _gateValues, _rows * _gates);
        Grow(ref _h, bh);
        _h.AsSpan(0, bh).Clear();
        if (_cell == CellType.Lstm)
        {
            Grow(ref _c, bh);
            _c.AsSpan(0, bh).Clear();
        }
        if (_cell != CellType.Rnn && !stepwise) Grow(ref _aux, nh);
        if (_cell == CellType.Gru) Grow(ref _hh, _batch * _gates);
        if (training)
        {
            Grow(ref _hPrev, _rows * PrevStride);
            if (_cell == CellType.Lstm) Grow(ref _cPrev, nh);
        }
        _hasCache = false;
    }

    /// <summary>
    /// RNN and LSTM with an input of at least 16 features keep each row's layer input beside its previous state in the
    /// hPrev cache, <c>[x_t | h_{t−1}]</c>, so that backward forms dW_ih and dW_hh with one product over the same dGᵀ
    /// (packed once instead of twice). Not the GRU (its two weight gradients have different left operands, dGx and dGh),
    /// nor a narrow input (a univariate series: its dW_ih is a cheap matrix-vector product, and the copies would cost more).
    /// </summary>
    private bool CombinedWeightGradient => _combineWeightGradients && _cell != CellType.Gru && _inputSize >= 16;

    /// <summary>Tests: false forms dW_ih and dW_hh with separate products (the reference the combined one is checked against).</summary>
    internal static bool CombineWeightGradients { get; set; } = true;

    private readonly bool _combineWeightGradients = CombineWeightGradients;

    /// <summary>Row stride of the hPrev cache: I + H when <see cref="CombinedWeightGradient"/>, else H.</summary>
    private int PrevStride => CombinedWeightGradient ? _inputSize + _hidden : _hidden;

    /// <summary>Column of h_{t−1} within a row of the hPrev cache.</summary>
    private int PrevOffset => CombinedWeightGradient ? _inputSize : 0;

    /// <summary>Runs the direction over the packed input and writes its half of the packed output.</summary>
    /// <param name="x">Packed layer input [N, I].</param>
    /// <param name="y">Packed layer output [N, D·H]; this direction writes columns <paramref name="yColumn"/>.. +H. Empty in
    /// inference when only the final states are wanted (the steps' outputs are not written).</param>
    /// <param name="ldy">Row stride of y (D·H).</param>
    public void Forward(PackedBatch batch, ReadOnlySpan<float> x, Span<float> y, int ldy, int yColumn, bool training) =>
        ForwardCore(batch, x, default, gather: false, y, ldy, yColumn, training);

    /// <summary>
    /// Inference on a batch of at least <see cref="StepwiseInputRows"/> rows (see <see cref="GathersInputRows"/>) whose
    /// input is not packed: each row range copies its own rows of each step from the source into its workspace just
    /// before projecting them, so no serial pass packs the whole input first. Row (b, t) of the input is row b·T + t of
    /// <paramref name="table"/> (a batch-major [B, T, I] input) when <paramref name="ids"/> is empty, else row
    /// ids[b·T + t] (an embedding table [V, I] and token ids [B, T], each checked by the caller to lie in [0, V)).
    /// </summary>
    /// <inheritdoc cref="Forward"/>
    public void ForwardGathered(PackedBatch batch, ReadOnlySpan<float> table, ReadOnlySpan<int> ids, Span<float> y, int ldy, int yColumn)
    {
        if (!GathersInputRows(batch.Batch, training: false))
            throw new InvalidOperationException($"a batch of {batch.Batch} rows projects its packed input (see GathersInputRows)");
        ForwardCore(batch, table, ids, gather: true, y, ldy, yColumn, training: false);
    }

    /// <summary>
    /// Whether a forward pass over <paramref name="batch"/> rows projects its inputs step by step inside the row ranges,
    /// so that the input may be given unpacked (<see cref="ForwardGathered"/>).
    /// </summary>
    public static bool GathersInputRows(int batch, bool training) => !training && batch >= StepwiseInputRows;

    private unsafe void ForwardCore(PackedBatch batch, ReadOnlySpan<float> x, ReadOnlySpan<int> ids, bool gather,
        Span<float> y, int ldy, int yColumn, bool training)
    {
        int g = _gates, h = _hidden, rows = _rows;
        FoldedBias();
        bool single = UseSingleSequenceParts(training);
        LastSingleSequenceThreads = 0;
        _stepwiseInput = !single && GathersInputRows(_batch, training);
        if (!single && !_stepwiseInput)
        {
            // Input projection of every step at once: gates[N, G] = x[N, I]·W_ihᵀ (the scan adds the biases step by step).
            // (The split single-sequence scan has each part project its own columns.)
            Gemm.Multiply(false, true, rows, g, _inputSize, x, _inputSize, _wIh.Value.Span, _inputSize,
                _gateValues.AsSpan(0, rows * g), g, accumulate: false);
        }
        else if (_stepwiseInput)
        {
            // Inference keeps no gates: each row range projects its own rows step by step into a buffer of one step
            // (x_t·W_ihᵀ just before h·W_hhᵀ), so both cores share the projection and the gates stay in cache.
            _packedInput ??= new PackedMatrix(_inputSize, g);
            _packedInput.Pack(_wIh.Value.Span, _inputSize, transB: true);
            if (_rangeWork.Length < WorkerPool.Threads)
            {
                Array.Resize(ref _rangeWork, WorkerPool.Threads);
                for (int i = 0; i < _rangeWork.Length; i++) _rangeWork[i] ??= [];
            }
        }
        if (!single)
        {
            _packedForward ??= new PackedMatrix(h, g);
            _packedForward.Pack(_wHh.Value.Span, h, transB: true);
        }
        fixed (float* py = y, px = x)
        fixed (int* pids = ids)
        {
            _scan = new ScanArguments(batch, py, y.Length, ldy, yColumn, training)
            {
                X = px, XLength = x.Length, Ids = pids, IdsLength = ids.Length, Gather = gather,
            };
            if (single) ForwardSingleSequence();
            else RunRowRanges(&ForwardPart);
            _scan = default;
        }
        _hasCache = training;
    }

    /// <summary>
    /// Floats of a row range's inference workspace: the gates of one step [rows, G], then the cell's aux values of one step
    /// [rows, H] (LSTM tanh(c'), GRU W_hn h + b_hn), which backward would read and inference does not keep, then the
    /// gathered input rows of one step [rows, I] (<see cref="ForwardGathered"/>).
    /// </summary>
    private int RangeWorkspace(int rows) => rows * (_gates + _hidden + _inputSize);

    /// <summary>
    /// Copies the input rows of sorted rows [r0, r0 + m) at step t from the unpacked source (see <see cref="ForwardGathered"/>)
    /// into <paramref name="rows"/> [m, I]: the same values the packed input holds at packed rows Offsets[t] + r0 ...
    /// </summary>
    private unsafe ReadOnlySpan<float> GatherInputRows(int r0, int m, int t, Span<float> rows)
    {
        ScanArguments args = _scan;
        var table = new ReadOnlySpan<float>(args.X, args.XLength);
        var ids = new ReadOnlySpan<int>(args.Ids, args.IdsLength);
        ReadOnlySpan<int> order = args.Batch.SortedToBatch;
        int width = _inputSize, steps = args.Batch.Steps;
        for (int k = 0; k < m; k++)
        {
            int at = order[r0 + k] * steps + t;   // (b, t) in the batch-major [B, T] grid
            int row = ids.IsEmpty ? at : ids[at];
            table.Slice(row * width, width).CopyTo(rows.Slice(k * width, width));
        }
        return rows.Slice(0, m * width);
    }

    private static void ForwardPart(object runner, int part)
    {
        var self = (SequenceRunner)runner;
        self.ForwardRows(part, self._rowSplit[part], self._rowSplit[part + 1]);
    }

    /// <summary>The forward scan for sorted rows [r0, r1) of the batch: every row is its own sequence, so row ranges run on different threads without synchronising.</summary>
    private unsafe void ForwardRows(int part, int r0, int r1)
    {
        int g = _gates, h = _hidden;
        ScanArguments args = _scan;
        int ldy = args.Ldy;
        bool training = args.Training;
        var y = new Span<float>(args.Y, args.YLength);
        var x = new ReadOnlySpan<float>(args.X, args.XLength);
        Span<float> gates = _stepwiseInput ? default : _gateValues.AsSpan(0, _rows * g);
        if (_stepwiseInput) Grow(ref _rangeWork[part], RangeWorkspace(r1 - r0));
        // Inference keeps neither the aux values nor (when y is empty) the outputs: they go to memory of this range alone
        // (aux to its workspace, outputs onto its state rows), not to packed rows interleaved with the other ranges'.
        bool keepAux = !_stepwiseInput;
        bool keepOutput = !y.IsEmpty;
        if (!keepOutput) ldy = h;
        ReadOnlySpan<float> bias = _bias.AsSpan(0, g);
        ReadOnlySpan<float> biasHn = _cell == CellType.Gru ? _bHh.Value.Span.Slice(2 * h, h) : default;
        ReadOnlySpan<int> sizes = args.Batch.BatchSizes, offsets = args.Batch.Offsets;
        int steps = sizes.Length;
        for (int s = 0; s < steps; s++)
        {
            int t = _reverse ? steps - 1 - s : s;
            // Rows are sorted longest first: this range's active rows at step t are [r0, min(n_t, r1)).
            int m = Math.Min(sizes[t], r1) - r0;
            if (m <= 0) continue;
            int rowBase = offsets[t] + r0;
            Span<float> hState = _h.AsSpan(r0 * h, m * h);
            Span<float> stepGates, aux = default;
            if (!_stepwiseInput)
            {
                stepGates = gates.Slice(rowBase * g, m * g);
            }
            else
            {
                Span<float> work = _rangeWork[part];
                stepGates = work.Slice(0, m * g);
                ReadOnlySpan<float> xStep = args.Gather
                    ? GatherInputRows(r0, m, t, work.Slice((r1 - r0) * (g + h), m * _inputSize))
                    : x.Slice(rowBase * _inputSize, m * _inputSize);
                Gemm.Multiply(false, m, xStep, _inputSize, _packedInput!, stepGates, g, accumulate: false);
            }
            if (_cell != CellType.Rnn) aux = keepAux ? _aux.AsSpan(rowBase * h, m * h) : _rangeWork[part].AsSpan((r1 - r0) * g, m * h);
            // h' goes to the state rows and the output rows; an output nobody reads is written onto the state row itself.
            Span<float> yStep = keepOutput ? y.Slice(rowBase * ldy + args.YColumn) : hState;
            Elementwise.AddToRows(stepGates, m, g, bias);
            if (training) SavePrevious(hState, rowBase, m);
            switch (_cell)
            {
                case CellType.Rnn:
                    Gemm.Multiply(false, m, hState, h, _packedForward!, stepGates, g, accumulate: true);
                    RnnCell.Forward(m, h, _nonlinearity, stepGates, hState, yStep, ldy);
                    break;
                case CellType.Lstm:
                    Span<float> cState = _c.AsSpan(r0 * h, m * h);
                    if (training) cState.CopyTo(_cPrev.AsSpan(rowBase * h, m * h));
                    Gemm.Multiply(false, m, hState, h, _packedForward!, stepGates, g, accumulate: true);
                    LstmCell.Forward(m, h, stepGates, hState, cState, aux, yStep, ldy);
                    break;
                default:
                    Span<float> hh = _hh.AsSpan(r0 * g, m * g);
                    Gemm.Multiply(false, m, hState, h, _packedForward!, hh, g, accumulate: false);
                    GruCell.Forward(m, h, stepGates, hh, biasHn, aux, hState, yStep, ldy);
                    break;
            }
        }
    }

    /// <summary>
    /// Back-propagates through the scan. Accumulates the parameter gradients and writes (or adds) dx.
    /// </summary>
    /// <param name="dy">Gradient of the packed output [N, D·H] (this direction's columns are read), or empty for none.</param>
    /// <param name="dHN">Gradient of the final state, sorted order [B, H], or empty for zero.</param>
    /// <param name="dCN">LSTM: gradient of the final cell state, sorted order [B, H], or empty.</param>
    /// <param name="x">The packed input the forward pass saw [N, I].</param>
    /// <param name="dx">Gradient of the packed input [N, I]; empty when not needed.</param>
    /// <param name="accumulateDx">Add into dx (the second direction of a layer) instead of overwriting it.</param>
    public unsafe void Backward(PackedBatch batch, ReadOnlySpan<float> dy, int ldy, int yColumn,
        ReadOnlySpan<float> dHN, ReadOnlySpan<float> dCN, ReadOnlySpan<float> y,
        ReadOnlySpan<float> x, Span<float> dx, bool accumulateDx)
    {
        if (!_hasCache)
            throw new InvalidOperationException("Backward needs a Forward in training mode on the same batch first.");
        int g = _gates, h = _hidden, rows = _rows, bh = _batch * h;
        Grow(ref _dGx, rows * g);
        Grow(ref _dh, bh);
        if (_cell == CellType.Gru) Grow(ref _dGh, rows * g);
        if (_cell == CellType.Lstm) Grow(ref _dc, bh);

        Span<float> dhAll = _dh.AsSpan(0, bh);
        if (dHN.IsEmpty) dhAll.Clear(); else dHN.CopyTo(dhAll);
        if (_cell == CellType.Lstm)
        {
            Span<float> dcAll = _dc.AsSpan(0, bh);
            if (dCN.IsEmpty) dcAll.Clear(); else dCN.CopyTo(dcAll);
        }

        if (RecordGradientFlow)
        {
            Grow(ref _dhNorms, batch.Steps);
            _dhNorms.AsSpan(0, batch.Steps).Clear();
        }
        _packedBackward ??= new PackedMatrix(g, h);
        _packedBackward.Pack(_wHh.Value.Span, h, transB: false);
        fixed (float* pdy = dy, py = y)
        {
            _scan = new ScanArguments(batch, py, y.Length, ldy, yColumn, training: true) { Dy = pdy, DyLength = dy.Length };
            RunRowRanges(&BackwardPart);
            _scan = default;
        }

        // Weight gradients over all packed rows at once.
        Span<float> dGx = _dGx.AsSpan(0, rows * g);
        Span<float> dGh = _cell == CellType.Gru ? _dGh.AsSpan(0, rows * g) : dGx;
        if (!CombinedWeightGradient)
        {
            Gemm.Multiply(true, false, g, _inputSize, rows, dGx, g, x, _inputSize, _wIh.Grad.Span, _inputSize, accumulate: true);
            Gemm.Multiply(true, false, g, h, rows, dGh, g, _hPrev.AsSpan(0, rows * h), h, _wHh.Grad.Span, h, accumulate: true);
        }
        else
        {
            // One gate gradient for both sides: [dW_ih | dW_hh] = dGᵀ·[x | h_prev].
            int stride = _inputSize + h;
            Span<float> xh = _hPrev.AsSpan(0, rows * stride);
            for (int r = 0; r < rows; r++) x.Slice(r * _inputSize, _inputSize).CopyTo(xh.Slice(r * stride, _inputSize));
            Grow(ref _dW, g * stride);
            Span<float> dW = _dW.AsSpan(0, g * stride);
            Gemm.Multiply(true, false, g, stride, rows, dGx, g, xh, stride, dW, stride, accumulate: false);
            Span<float> gIh = _wIh.Grad.Span, gHh = _wHh.Grad.Span;
            for (int j = 0; j < g; j++)
            {
                Span<float> row = dW.Slice(j * stride, stride);
                Span<float> ih = gIh.Slice(j * _inputSize, _inputSize), hh = gHh.Slice(j * h, h);
                TensorPrimitives.Add(ih, row.Slice(0, _inputSize), ih);
                TensorPrimitives.Add(hh, row.Slice(_inputSize, h), hh);
            }
        }
        // Bias gradients: the gate gradients' column sums. RNN and LSTM have one gate gradient for both biases, so one
        // sum serves both; the GRU's differ (dGh carries b_hn's r ⊙ …).
        if (_cell == CellType.Gru)
        {
            AddColumnSums(dGx, rows, g, _bIh.Grad.Span);
            AddColumnSums(dGh, rows, g, _bHh.Grad.Span);
        }
        else
        {
            Grow(ref _dB, g);
            Span<float> dB = _dB.AsSpan(0, g);
            dB.Clear();
            AddColumnSums(dGx, rows, g, dB);
            TensorPrimitives.Add(_bIh.Grad.Span, dB, _bIh.Grad.Span);
            TensorPrimitives.Add(_bHh.Grad.Span, dB, _bHh.Grad.Span);
        }
        if (!dx.IsEmpty)
            Gemm.Multiply(false, false, rows, _inputSize, g, dGx, g, _wIh.Value.Span, _inputSize, dx, _inputSize, accumulateDx);
    }

    private static void BackwardPart(object runner, int part)
    {
        var self = (SequenceRunner)runner;
        self.BackwardRows(self._rowSplit[part], self._rowSplit[part + 1]);
    }

    /// <summary>The backward scan for sorted rows [r0, r1), in reverse step order (see <see cref="ForwardRows"/>).</summary>
    private unsafe void BackwardRows(int r0, int r1)
    {
        int g = _gates, h = _hidden;
        ScanArguments args = _scan;
        int ldy = args.Ldy, yColumn = args.YColumn;
        var dy = new ReadOnlySpan<float>(args.Dy, args.DyLength);
        var y = new ReadOnlySpan<float>(args.Y, args.YLength);
        Span<float> dGx = _dGx.AsSpan(0, _rows * g);
        Span<float> dGh = _cell == CellType.Gru ? _dGh.AsSpan(0, _rows * g) : dGx;
        ReadOnlySpan<float> gates = _gateValues.AsSpan(0, _rows * g);
        ReadOnlySpan<int> sizes = args.Batch.BatchSizes, offsets = args.Batch.Offsets;
        int steps = sizes.Length;
        for (int s = steps - 1; s >= 0; s--)
        {
            int t = _reverse ? steps - 1 - s : s;
            int m = Math.Min(sizes[t], r1) - r0;
            if (m <= 0) continue;
            int rowBase = offsets[t] + r0;
            Span<float> dh = _dh.AsSpan(r0 * h, m * h);
            // dh += gradient flowing into this step's output (one call when the output rows are contiguous; none when
            // only the final state has a gradient)
            if (dy.IsEmpty) { }
            else if (ldy == h) TensorPrimitives.Add(dh, dy.Slice(rowBase * ldy, m * h), dh);
            else for (int i = 0; i < m; i++)
            {
                Span<float> dhi = dh.Slice(i * h, h);
                TensorPrimitives.Add(dhi, dy.Slice((rowBase + i) * ldy + yColumn, h), dhi);
            }
            // ∂L/∂h_t is complete here: what flows in from the output plus what flows back from step t+1
            // (recorded only by a single range over all rows; see RowParts).
            if (RecordGradientFlow) _dhNorms[t] = TensorPrimitives.Norm(dh);
            Span<float> stepDGx = dGx.Slice(rowBase * g, m * g);
            Span<float> stepDGh = dGh.Slice(rowBase * g, m * g);
            ReadOnlySpan<float> stepGates = gates.Slice(rowBase * g, m * g);
            bool accumulateDh = false;
            switch (_cell)
            {
                case CellType.Rnn:
                    RnnCell.Backward(m, h, _nonlinearity, stepDGx, dh, y.Slice(rowBase * ldy + yColumn), ldy);
                    break;
                case CellType.Lstm:
                    LstmCell.Backward(m, h, stepDGx, dh, _dc.AsSpan(r0 * h, m * h), stepGates,
                        _cPrev.AsSpan(rowBase * h, m * h), _aux.AsSpan(rowBase * h, m * h));
                    break;
                default:
                    GruCell.Backward(m, h, stepDGx, stepDGh, dh, stepGates,
                        _aux.AsSpan(rowBase * h, m * h), _hPrev.AsSpan(rowBase * h, m * h));
                    accumulateDh = true;   // dh holds z ⊙ dh, the direct path
                    break;
            }
            // dh_prev (+)= dGh[m, G]·W_hh[G, H]
            Gemm.Multiply(false, m, stepDGh, g, _packedBackward!, dh, h, accumulateDh);
        }
    }

    /// <summary>
    /// Inference batches of at least this many rows project their inputs step by step inside the scan; smaller ones (a
    /// few rows per step: one-row products cost more per FLOP than one product over all steps) project all steps at once.
    /// </summary>
    internal const int StepwiseInputRows = 16;

    /// <summary>
    /// Scans of at least this many FLOPs (recurrent products over all packed rows) are split into row ranges that run
    /// on <see cref="WorkerPool.Threads"/> threads from start to end, with no synchronisation per step.
    /// </summary>
    internal static long RowSplitFlops { get; set; } = 2_000_000;

    /// <summary>How many row ranges the last scan (forward or backward) ran (diagnostics and tests).</summary>
    internal int LastRowRanges { get; private set; }

    /// <summary>Fewest rows per range: below it each step's product is split by columns instead (small batch, large hidden).</summary>
    internal const int MinRowsPerRange = 8;

    /// <summary>
    /// Runs the scan body over row ranges: one per thread when the batch and the scan are large enough (each sequence of
    /// the batch is independent, so the ranges never wait for one another), else one range over all rows — whose
    /// per-step products then split their columns across the threads instead.
    /// </summary>
    private unsafe void RunRowRanges(delegate*<object, int, void> part)
    {
        int parts = RowRanges();
        LastRowRanges = parts;
        if (parts <= 1) part(this, 0);
        else WorkerPool.Run(parts, this, part);
    }

    /// <summary>Fills <see cref="_rowSplit"/> with ranges of about equal work (Σ lengths) and returns their count.</summary>
    private int RowRanges()
    {
        int threads = WorkerPool.Threads;
        int parts = Math.Min(threads, _batch / MinRowsPerRange);
        if (parts < 2 || RecordGradientFlow || WorkerPool.InJob || 2L * _rows * _gates * _hidden < RowSplitFlops) parts = 1;
        Grow(ref _rowSplit, parts + 1);
        _rowSplit[0] = 0;
        _rowSplit[parts] = _batch;
        if (parts == 1) return 1;
        // Rows are sorted longest first; a range ends where the running sum of lengths reaches its share of N.
        ReadOnlySpan<int> lengths = _scan.Batch.Lengths, order = _scan.Batch.SortedToBatch;
        long sum = 0;
        int next = 1;
        for (int r = 0; r < _batch && next < parts; r++)
        {
            sum += lengths[order[r]];
            while (next < parts && sum * parts >= (long)_rows * next) _rowSplit[next++] = r + 1;
        }
        return parts;
    }

    /// <summary>What the row-range scans read besides the runner's own buffers (pinned by the caller for the scan).</summary>
    private unsafe struct ScanArguments
    {
        public ScanArguments(PackedBatch batch, float* y, int yLength, int ldy, int yColumn, bool training)
        {
            Batch = batch; Y = y; YLength = yLength; Ldy = ldy; YColumn = yColumn; Training = training;
        }

        public PackedBatch Batch;
        public float* X, Y, Dy;           // X: packed [N, I], or the source rows are gathered from (Gather)
        public int* Ids;                  // Gather: token ids [B, T] into X, or null (X is batch-major [B, T, I])
        public int XLength, YLength, DyLength, IdsLength, Ldy, YColumn;
        public bool Training, Gather;
    }

    /// <summary>The gradient of the layer's pre-activations at every packed row [N, G], after <see cref="Backward"/> (diagnostics).</summary>
    public ReadOnlySpan<float> GateGradients => _dGx.AsSpan(0, _rows * _gates);

    /// <summary>Caches h_{t−1} of rows [rowBase, rowBase + m) for backward (see <see cref="PrevStride"/>).</summary>
    private void SavePrevious(ReadOnlySpan<float> hState, int rowBase, int m)
    {
        int h = _hidden, stride = PrevStride, offset = PrevOffset;
        if (stride == h)
        {
            hState.Slice(0, m * h).CopyTo(_hPrev.AsSpan(rowBase * h, m * h));
            return;
        }
        for (int i = 0; i < m; i++) hState.Slice(i * h, h).CopyTo(_hPrev.AsSpan((rowBase + i) * stride + offset, h));
    }

    private Span<float> FoldedBias()
    {
        Grow(ref _bias, _gates);
        Span<float> bias = _bias.AsSpan(0, _gates);
        ReadOnlySpan<float> bIh = _bIh.Value.Span, bHh = _bHh.Value.Span;
        // RNN, LSTM: both biases sum. GRU: b_hn stays on the hidden side (it is multiplied by r).
        int folded = _cell == CellType.Gru ? 2 * _hidden : _gates;
        TensorPrimitives.Add(bIh.Slice(0, folded), bHh.Slice(0, folded), bias.Slice(0, folded));
        bIh.Slice(folded).CopyTo(bias.Slice(folded));
        return bias;
    }

    private static void AddColumnSums(ReadOnlySpan<float> m, int rows, int cols, Span<float> sums) =>
        Elementwise.AddColumnSums(m, rows, cols, sums);

    private static void Grow(ref float[] array, int size)
    {
        if (array.Length < size) array = new float[size];
    }

    private static void Grow(ref int[] array, int size)
    {
        if (array.Length < size) array = new int[size];
    }
}
