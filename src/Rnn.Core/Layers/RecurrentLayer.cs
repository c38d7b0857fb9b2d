using Rnn.Core.Diagnostics;
using Rnn.Core.Internals;
using Rnn.Core.Numerics;

namespace Rnn.Core.Layers;

// B = batch, T = steps, N = packed rows (Σ lengths), I = input size, H = hidden size,
// L = layers, D = directions (1, or 2 when bidirectional), G = gate rows (H RNN, 4H LSTM, 3H GRU).

/// <summary>
/// A multi-layer, optionally bidirectional recurrent layer with PyTorch's <c>nn.RNN</c> / <c>nn.LSTM</c> /
/// <c>nn.GRU</c> semantics (batch-first), forward and backpropagation through time.
/// </summary>
/// <remarks>
/// <para>Shapes: input <c>x [B, T, I]</c>; output <c>[B, T, D·H]</c> (the last layer's h at every step, forward
/// direction in columns 0..H, reverse in H..2H); final states <c>h_n</c> (and LSTM <c>c_n</c>)
/// <c>[L·D, B, H]</c>, slot <c>l·D + d</c> for layer l, direction d.</para>
/// <para>Parameters, named and laid out as PyTorch's <c>state_dict</c>, for layer l and suffix s ("" or "_reverse"):
/// <c>weight_ih_l{l}{s} [G, I_l]</c>, <c>weight_hh_l{l}{s} [G, H]</c>, <c>bias_ih_l{l}{s} [G]</c>, <c>bias_hh_l{l}{s} [G]</c>,
/// with I_0 = I and I_l = D·H above. Gate blocks of H rows are stacked in PyTorch's order: LSTM
/// <c>(W_ii|W_if|W_ig|W_io)</c>, GRU <c>(W_ir|W_iz|W_in)</c>. Every value is initialised from U(−1/√H, 1/√H).</para>
/// <para>Cells (σ the logistic sigmoid, ⊙ element-wise):
/// RNN <c>h' = tanh(W_ih x + b_ih + W_hh h + b_hh)</c> (or relu);
/// LSTM <c>i,f,o = σ(…)</c>, <c>g = tanh(…)</c>, <c>c' = f⊙c + i⊙g</c>, <c>h' = o⊙tanh(c')</c>;
/// GRU <c>r,z = σ(…)</c>, <c>n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn))</c>, <c>h' = (1−z)⊙n + z⊙h</c>.</para>
/// <para>Variable-length batches (PyTorch's <c>pack_padded_sequence</c>): with <c>lengths[b]</c> valid steps, outputs
/// past the length are zero, the final state is taken at each example's last valid step, and the reverse
/// direction starts there. Padding is never computed.</para>
/// <para>Efficient implementation equivalent to, per layer and direction (the reference loop):</para>
/// <code>
/// h = h0
/// for t in 0..T-1 (T-1..0 for the reverse direction):
///     h = cell(x[:, t], h)
///     out[:, t] = h
/// h_n = h
/// </code>
/// <para>Truncated BPTT: pass <see cref="RecurrentOutput.FinalState"/> of one chunk as the initial state of the next;
/// the gradient stops at the chunk boundary (<see cref="RecurrentGradients.InitialH"/> is simply not used).</para>
/// <para>Dropout (probability <see cref="Dropout"/>) applies to every layer's output but the last's, in training mode only.</para>
/// <para>A layer keeps the cache of its last training-mode <see cref="Forward(Tensor, RecurrentState, int[])"/> for
/// <see cref="Backward(Tensor, Tensor, Tensor)"/> and reuses its buffers across calls; it is not thread-safe.</para>
/// </remarks>
public sealed class RecurrentLayer : Module
{
    private readonly SequenceRunner[] _runners;   // [L·D], slot l·D + d
    private readonly PackedBatch _batch = new();
    private readonly Rng _dropoutRng;
    private float[] _x0 = [];                     // [N, I]: packed input
    private float[][] _y;                         // per layer [N, D·H]: packed output (before dropout)
    private float[][] _dropped;                   // per layer < L-1 [N, D·H]: output after dropout (next layer's input)
    private float[][] _mask;                      // per layer < L-1 [N, D·H]: dropout scale (0 or 1/(1-p))
    private float[] _dyA = [], _dyB = [];         // [N, max(D·H, I)]: gradient ping-pong between layers
    private float[] _sortedState = [];            // [B, H]: scratch for state reordering
    private bool _cached;
    private bool _cachedDropout;

    /// <summary>Creates the layer with PyTorch's default initialisation, drawn from <paramref name="seed"/>.</summary>
    /// <param name="cellType">RNN, LSTM or GRU.</param>
    /// <param name="inputSize">I, features per step of the input.</param>
    /// <param name="hiddenSize">H, features of the hidden state.</param>
    /// <param name="numLayers">L, stacked layers (default 1).</param>
    /// <param name="bidirectional">Run a reverse direction too (default false).</param>
    /// <param name="dropout">Dropout probability on the outputs of every layer but the last, in [0, 1) (default 0).</param>
    /// <param name="nonlinearity">Activation of the RNN cell (default tanh); ignored for LSTM and GRU.</param>
    /// <param name="seed">Seed for initialisation and dropout (default 0); the same seed gives bit-identical weights.</param>
    public RecurrentLayer(CellType cellType, int inputSize, int hiddenSize, int numLayers = 1, bool bidirectional = false,
        float dropout = 0f, Nonlinearity nonlinearity = Nonlinearity.Tanh, int seed = 0)
    {
        if (inputSize <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(inputSize), inputSize, "inputSize must be positive");
        if (hiddenSize <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(hiddenSize), hiddenSize, "hiddenSize must be positive");
        if (numLayers <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(numLayers), numLayers, "numLayers must be at least 1");
        if (!(dropout >= 0f && dropout < 1f)) ThrowHelper.ThrowArgumentOutOfRange(nameof(dropout), dropout, "dropout must be in [0, 1)");
        if (!Enum.IsDefined(cellType)) ThrowHelper.ThrowArgumentOutOfRange(nameof(cellType), cellType, "unknown cell type");

        CellType = cellType;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        Bidirectional = bidirectional;
        Dropout = dropout;
        Nonlinearity = nonlinearity;
        int d = NumDirections, g = GateCountOf(cellType) * hiddenSize;

        var rng = new Rng(seed);
        float bound = 1f / MathF.Sqrt(hiddenSize);
        _runners = new SequenceRunner[numLayers * d];
        for (int l = 0; l < numLayers; l++)
        {
            int layerInput = l == 0 ? inputSize : d * hiddenSize;
            for (int dir = 0; dir < d; dir++)
            {
                string suffix = $"l{l}{(dir == 1 ? "_reverse" : "")}";
                var wIh = AddParameter($"weight_ih_{suffix}", g, layerInput);
                var wHh = AddParameter($"weight_hh_{suffix}", g, hiddenSize);
                var bIh = AddParameter($"bias_ih_{suffix}", g);
                var bHh = AddParameter($"bias_hh_{suffix}", g);
                foreach (var p in new[] { wIh, wHh, bIh, bHh }) rng.FillUniform(p.Value.Span, -bound, bound);
                _runners[l * d + dir] = new SequenceRunner(cellType, nonlinearity, layerInput, hiddenSize, dir == 1, wIh, wHh, bIh, bHh);
            }
        }
        _dropoutRng = rng.Fork();
        _y = new float[numLayers][];
        _dropped = new float[numLayers][];
        _mask = new float[numLayers][];
        for (int l = 0; l < numLayers; l++) { _y[l] = []; _dropped[l] = []; _mask[l] = []; }
    }

    /// <summary>The cell.</summary>
    public CellType CellType { get; }

    /// <summary>I, features per input step.</summary>
    public int InputSize { get; }

    /// <summary>H, features of the hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>L, stacked layers.</summary>
    public int NumLayers { get; }

    /// <summary>True when each layer runs a reverse direction too.</summary>
    public bool Bidirectional { get; }

    /// <summary>D: 2 when bidirectional, else 1.</summary>
    public int NumDirections => Bidirectional ? 2 : 1;

    internal override IEnumerable<KeyValuePair<string, Rng>> RandomStreams() => [KeyValuePair.Create("dropout", _dropoutRng)];

    /// <summary>Dropout probability between layers.</summary>
    public float Dropout { get; }

    /// <summary>Activation of the RNN cell.</summary>
    public Nonlinearity Nonlinearity { get; }

    /// <summary>D·H, features per output step.</summary>
    public int OutputSize => NumDirections * HiddenSize;

    /// <summary>Gate blocks per cell: 1 (RNN), 4 (LSTM), 3 (GRU).</summary>
    public static int GateCountOf(CellType cell) => cell switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 };

    /// <summary>
    /// Runs the layer. In training mode the activations are cached for <see cref="Backward(Tensor, Tensor, Tensor)"/>.
    /// </summary>
    /// <param name="input">x [B, T, I].</param>
    /// <param name="initialState">h0 (and c0 for LSTM) [L·D, B, H]; zeros when null.</param>
    /// <param name="lengths">Valid steps per example [B], each in 1..T; full length when null.</param>
    /// <returns>Output [B, T, D·H] and final states [L·D, B, H].</returns>
    /// <exception cref="ArgumentException">A shape does not fit the layer, or a length is out of range.</exception>
    public RecurrentOutput Forward(Tensor input, RecurrentState? initialState = null, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ThrowHelper.CheckRank(input, 3, nameof(input), "[batch, seq, input]");
        int b = input.Size(0), t = input.Size(1);
        var output = new Tensor(b, t, OutputSize);
        var hN = new Tensor(NumLayers * NumDirections, b, HiddenSize);
        var cN = CellType == CellType.Lstm ? new Tensor(NumLayers * NumDirections, b, HiddenSize) : null;
        Forward(input, initialState, lengths, output, hN, cN);
        return new RecurrentOutput(output, hN, cN);
    }

    /// <summary>
    /// Runs the layer into caller-owned tensors (no allocation once the layer's buffers have grown to the batch size).
    /// </summary>
    /// <param name="input">x [B, T, I].</param>
    /// <param name="initialState">h0 (and c0 for LSTM) [L·D, B, H]; zeros when null.</param>
    /// <param name="lengths">Valid steps per example [B], or null.</param>
    /// <param name="output">Receives [B, T, D·H]; null when only the final states are wanted (skips writing every step's output).</param>
    /// <param name="hN">Receives [L·D, B, H].</param>
    /// <param name="cN">LSTM: receives [L·D, B, H]; may be null.</param>
    public void Forward(Tensor input, RecurrentState? initialState, ReadOnlySpan<int> lengths, Tensor? output, Tensor hN, Tensor? cN)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(hN);
        ThrowHelper.CheckRank(input, 3, nameof(input), "[batch, seq, input]");
        ThrowHelper.CheckDim(input, 2, InputSize, nameof(input), "the last dimension (input size)");
        int b = input.Size(0), t = input.Size(1), d = NumDirections, h = HiddenSize;
        if (b == 0 || t == 0) ThrowHelper.ThrowArgument(nameof(input), $"input must have at least one example and one step, got shape {input.ShapeString}");
        if (output is not null) ThrowHelper.CheckShape(output, nameof(output), b, t, OutputSize);
        ThrowHelper.CheckShape(hN, nameof(hN), NumLayers * d, b, h);
        if (cN is not null) ThrowHelper.CheckShape(cN, nameof(cN), NumLayers * d, b, h);
        CheckInitialState(initialState, b);

        ForwardCore(input.Span, default, b, t, initialState, lengths, output, hN, cN, keepCache: Training, dropout: Training && Dropout > 0f);
    }

    /// <summary>
    /// Whether an inference pass over <paramref name="batch"/> examples reads its input unpacked (each row range gathers
    /// its own rows, see <see cref="ForwardEmbedded"/>); false in training mode and for small batches.
    /// </summary>
    internal bool GathersInputRows(int batch) => SequenceRunner.GathersInputRows(batch, Training);

    /// <summary>
    /// Inference on token ids through an embedding table, without materialising the embedded input: row (b, t) of the
    /// layer input is <c>table[ids[b·T + t]]</c>, gathered by each row range as it scans (when <see cref="GathersInputRows"/>).
    /// The outputs are those of <see cref="Forward(Tensor, RecurrentState?, ReadOnlySpan{int}, Tensor?, Tensor, Tensor?)"/>
    /// on the embedded input [B, T, I].
    /// </summary>
    /// <param name="table">Embedding table [V, I].</param>
    /// <param name="ids">Token ids [B, T]; every id at a valid step must lie in [0, V) (checked by the caller).</param>
    internal void ForwardEmbedded(ReadOnlySpan<float> table, ReadOnlySpan<int> ids, int batch, int steps, RecurrentState? initialState,
        ReadOnlySpan<int> lengths, Tensor? output, Tensor hN, Tensor? cN)
    {
        if (!GathersInputRows(batch)) ThrowHelper.ThrowInvalidOperation($"a batch of {batch} examples in this mode needs its embedded input packed");
        if (table.Length % InputSize != 0) ThrowHelper.ThrowArgument(nameof(table), $"the table must have rows of {InputSize} values");
        if (ids.Length != batch * steps) ThrowHelper.ThrowArgument(nameof(ids), $"ids must hold [B, T] = [{batch}, {steps}] values, got {ids.Length}");
        ThrowHelper.CheckShape(hN, nameof(hN), NumLayers * NumDirections, batch, HiddenSize);
        if (output is not null) ThrowHelper.CheckShape(output, nameof(output), batch, steps, OutputSize);
        if (cN is not null) ThrowHelper.CheckShape(cN, nameof(cN), NumLayers * NumDirections, batch, HiddenSize);
        CheckInitialState(initialState, batch);
        ForwardCore(table, ids, batch, steps, initialState, lengths, output, hN, cN, keepCache: false, dropout: false);
    }

    // input: x [B, T, I] (batch-major) when ids is empty, else an embedding table [V, I] indexed by ids [B, T].
    private void ForwardCore(ReadOnlySpan<float> input, ReadOnlySpan<int> ids, int b, int t, RecurrentState? initialState,
        ReadOnlySpan<int> lengths, Tensor? output, Tensor hN, Tensor? cN, bool keepCache, bool dropout)
    {
        int d = NumDirections, h = HiddenSize;
        _batch.Set(b, t, lengths);
        int rows = _batch.Rows;
        bool training = keepCache;
        // Inference on a large batch: the first layer's row ranges gather their own input rows (no serial packing pass).
        bool gather = SequenceRunner.GathersInputRows(b, training);
        if (!gather)
        {
            Grow(ref _x0, rows * InputSize);
            if (!ids.IsEmpty) ThrowHelper.ThrowInvalidOperation("an embedded input is gathered by the scan only");
            _batch.Gather(input, InputSize, _x0);
        }

        ReadOnlySpan<float> layerInput = gather ? default : _x0.AsSpan(0, rows * InputSize);
        for (int l = 0; l < NumLayers; l++)
        {
            // Inference that wants only the final states needs no output rows from the last layer.
            bool keepOutput = training || output is not null || l < NumLayers - 1;
            if (keepOutput) Grow(ref _y[l], rows * OutputSize);
            Span<float> y = keepOutput ? _y[l].AsSpan(0, rows * OutputSize) : default;
            for (int dir = 0; dir < d; dir++)
            {
                var runner = _runners[l * d + dir];
                runner.Prepare(_batch, training);
                if (initialState is not null)
                {
                    ToSorted(initialState.H, l * d + dir, runner.InitialH);
                    if (CellType == CellType.Lstm) ToSorted(initialState.C!, l * d + dir, runner.InitialC);
                }
                if (l == 0 && gather) runner.ForwardGathered(_batch, input, ids, y, OutputSize, dir * h);
                else runner.Forward(_batch, layerInput, y, OutputSize, dir * h, training);
                FromSorted(runner.FinalH, hN, l * d + dir);
                if (cN is not null && CellType == CellType.Lstm) FromSorted(runner.FinalC, cN, l * d + dir);
            }
            if (l < NumLayers - 1 && dropout)
            {
                ApplyDropout(l, rows);
                layerInput = _dropped[l].AsSpan(0, rows * OutputSize);
            }
            else
            {
                layerInput = y;
            }
        }
        if (output is not null) _batch.Scatter(_y[NumLayers - 1], OutputSize, output.Span);
        _cached = training;
        _cachedDropout = dropout;
    }

    /// <summary>
    /// Backpropagation through time for the last training-mode forward pass: accumulates every parameter's
    /// gradient and returns the gradients of the input and of the initial state.
    /// </summary>
    /// <param name="outputGrad">dL/d output [B, T, D·H], or null when only the final state is in the loss.</param>
    /// <param name="hNGrad">dL/d h_n [L·D, B, H], or null.</param>
    /// <param name="cNGrad">LSTM: dL/d c_n [L·D, B, H], or null.</param>
    /// <returns>dL/dx [B, T, I] (zero at padded steps) and dL/dh0 (and dL/dc0) [L·D, B, H].</returns>
    /// <exception cref="InvalidOperationException">No training-mode forward pass precedes the call.</exception>
    public RecurrentGradients Backward(Tensor? outputGrad, Tensor? hNGrad = null, Tensor? cNGrad = null)
    {
        if (!_cached) ThrowHelper.ThrowInvalidOperation("Backward needs a Forward in training mode first (call Train() before Forward).");
        var dx = new Tensor(_batch.Batch, _batch.Steps, InputSize);
        var dh0 = new Tensor(NumLayers * NumDirections, _batch.Batch, HiddenSize);
        var dc0 = CellType == CellType.Lstm ? new Tensor(NumLayers * NumDirections, _batch.Batch, HiddenSize) : null;
        Backward(outputGrad, hNGrad, cNGrad, dx, dh0, dc0);
        return new RecurrentGradients(dx, dh0, dc0);
    }

    /// <summary>
    /// Backpropagation into caller-owned tensors; <paramref name="inputGrad"/>, <paramref name="h0Grad"/> and
    /// <paramref name="c0Grad"/> may be null when not needed (an input without gradient skips that product).
    /// </summary>
    public void Backward(Tensor? outputGrad, Tensor? hNGrad, Tensor? cNGrad, Tensor? inputGrad, Tensor? h0Grad, Tensor? c0Grad)
    {
        if (!_cached) ThrowHelper.ThrowInvalidOperation("Backward needs a Forward in training mode first (call Train() before Forward).");
        int b = _batch.Batch, t = _batch.Steps, d = NumDirections, h = HiddenSize, rows = _batch.Rows;
        int states = NumLayers * d;
        if (outputGrad is not null) ThrowHelper.CheckShape(outputGrad, nameof(outputGrad), b, t, OutputSize);
        if (hNGrad is not null) ThrowHelper.CheckShape(hNGrad, nameof(hNGrad), states, b, h);
        if (cNGrad is not null) ThrowHelper.CheckShape(cNGrad, nameof(cNGrad), states, b, h);
        if (inputGrad is not null) ThrowHelper.CheckShape(inputGrad, nameof(inputGrad), b, t, InputSize);
        if (h0Grad is not null) ThrowHelper.CheckShape(h0Grad, nameof(h0Grad), states, b, h);
        if (c0Grad is not null) ThrowHelper.CheckShape(c0Grad, nameof(c0Grad), states, b, h);

        // dy (and the dx of every layer but a bottom one whose input needs no gradient) ping-pong between two buffers.
        int width = Math.Max(OutputSize, InputSize);
        if (outputGrad is not null || NumLayers > 1 || inputGrad is not null)
        {
            Grow(ref _dyA, rows * width);
            Grow(ref _dyB, rows * width);
        }
        // No output gradient: the top layer's runners see an empty dy (nothing flows in from the steps' outputs).
        Span<float> dy = outputGrad is null ? default : _dyA.AsSpan(0, rows * OutputSize);
        if (outputGrad is not null) _batch.Gather(outputGrad.Span, OutputSize, dy);
        Grow(ref _sortedState, 2 * b * h);
        Span<float> dHN = _sortedState.AsSpan(0, b * h), dCN = _sortedState.AsSpan(b * h, b * h);

        for (int l = NumLayers - 1; l >= 0; l--)
        {
            int layerInputSize = l == 0 ? InputSize : OutputSize;
            ReadOnlySpan<float> x = l == 0 ? _x0.AsSpan(0, rows * InputSize)
                : (_cachedDropout ? _dropped[l - 1] : _y[l - 1]).AsSpan(0, rows * OutputSize);
            bool needDx = l > 0 || inputGrad is not null;
            Span<float> dx = needDx ? (dy.Overlaps(_dyA) ? _dyB : _dyA).AsSpan(0, rows * layerInputSize) : default;
            ReadOnlySpan<float> y = _y[l].AsSpan(0, rows * OutputSize);
            for (int dir = 0; dir < d; dir++)
            {
                int slot = l * d + dir;
                var runner = _runners[slot];
                ReadOnlySpan<float> dhn = default, dcn = default;
                if (hNGrad is not null) { ToSorted(hNGrad, slot, dHN); dhn = dHN; }
                if (cNGrad is not null && CellType == CellType.Lstm) { ToSorted(cNGrad, slot, dCN); dcn = dCN; }
                runner.Backward(_batch, dy, OutputSize, dir * h, dhn, dcn, y, x, dx, accumulateDx: dir > 0);
                if (h0Grad is not null) FromSorted(runner.InitialHGrad, h0Grad, slot);
                if (c0Grad is not null && CellType == CellType.Lstm) FromSorted(runner.InitialCGrad, c0Grad, slot);
            }
            if (l > 0)
            {
                if (_cachedDropout) System.Numerics.Tensors.TensorPrimitives.Multiply(dx, _mask[l - 1].AsSpan(0, dx.Length), dx);
                dy = dx;
            }
            else if (inputGrad is not null)
            {
                _batch.Scatter(dx, InputSize, inputGrad.Span);
            }
        }
    }

    /// <summary>
    /// When true, <see cref="Backward(Tensor, Tensor, Tensor)"/> records <c>‖∂L/∂h_t‖</c> per step, layer and direction,
    /// read back with <see cref="GetGradientFlow"/>. Default false (it costs one norm per step).
    /// </summary>
    public bool RecordGradientFlow
    {
        get => _runners[0].RecordGradientFlow;
        set
        {
            foreach (var r in _runners) r.RecordGradientFlow = value;
        }
    }

    /// <summary>
    /// The gradient flow of the last backward pass: hidden-state gradient norms per step (needs
    /// <see cref="RecordGradientFlow"/>) and the norms of the accumulated parameter gradients.
    /// </summary>
    /// <exception cref="InvalidOperationException">No backward pass was recorded.</exception>
    public GradientFlow GetGradientFlow()
    {
        if (!RecordGradientFlow || _runners[0].HiddenGradNorms.Length == 0)
            ThrowHelper.ThrowInvalidOperation("set RecordGradientFlow = true, then run Forward and Backward, before reading the gradient flow");
        int steps = _runners[0].HiddenGradNorms.Length;
        var norms = new float[_runners.Length * steps];
        for (int i = 0; i < _runners.Length; i++) _runners[i].HiddenGradNorms.CopyTo(norms.AsSpan(i * steps, steps));
        var parameterNorms = new Dictionary<string, double>();
        foreach (var (name, p) in Parameters) parameterNorms[name] = System.Numerics.Tensors.TensorPrimitives.Norm(p.Grad.Span);
        return new GradientFlow(NumLayers, NumDirections, steps, norms, parameterNorms);
    }

    /// <summary>
    /// Runs one sequence and returns every layer's hidden state (and LSTM cell state) at every step.
    /// No dropout is applied, and the layer's training cache is replaced.
    /// </summary>
    /// <param name="sequence">One sequence, [T, I] or [1, T, I].</param>
    /// <param name="initialState">h0 (and c0) [L·D, 1, H], or null for zeros.</param>
    public HiddenStateTrace Trace(Tensor sequence, RecurrentState? initialState = null)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var x = sequence.Rank == 2 ? sequence.Reshape(1, sequence.Size(0), sequence.Size(1)) : sequence;
        ThrowHelper.CheckRank(x, 3, nameof(sequence), "[seq, input] or [1, seq, input]");
        ThrowHelper.CheckDim(x, 0, 1, nameof(sequence), "the batch dimension");
        ThrowHelper.CheckDim(x, 2, InputSize, nameof(sequence), "the last dimension (input size)");
        CheckInitialState(initialState, 1);
        int steps = x.Size(1), d = NumDirections, h = HiddenSize, width = OutputSize;
        var output = new Tensor(1, steps, width);
        var hN = new Tensor(NumLayers * d, 1, h);
        var cN = CellType == CellType.Lstm ? new Tensor(NumLayers * d, 1, h) : null;
        ForwardCore(x.Span, default, 1, steps, initialState, default, output, hN, cN, keepCache: true, dropout: false);
        _cached = false;   // the trace is not a training batch
        var hidden = new float[NumLayers][];
        float[][]? cells = cN is null ? null : new float[NumLayers][];
        for (int l = 0; l < NumLayers; l++)
        {
            // One example: packed rows are the time steps in order.
            hidden[l] = _y[l].AsSpan(0, steps * width).ToArray();
            if (cells is null) continue;
            cells[l] = new float[steps * width];
            for (int dir = 0; dir < d; dir++)
            {
                // c after step t is the state before the next step in the direction's order, or c_n after the last.
                ReadOnlySpan<float> before = _runners[l * d + dir].CellStatesBefore;
                for (int s = 0; s < steps; s++)
                {
                    int next = dir == 0 ? s + 1 : s - 1;
                    ReadOnlySpan<float> c = next >= 0 && next < steps ? before.Slice(next * h, h) : cN!.Span.Slice((l * d + dir) * h, h);
                    c.CopyTo(cells[l].AsSpan(s * width + dir * h, h));
                }
            }
        }
        return new HiddenStateTrace(steps, width, hidden, cells);
    }

    /// <summary>Per-layer, per-direction runners (diagnostics: gate gradients after backward).</summary>
    internal SequenceRunner RunnerAt(int layer, int direction) => _runners[layer * NumDirections + direction];

    /// <summary>The packed schedule of the last forward pass.</summary>
    internal PackedBatch Batch => _batch;

    private void ApplyDropout(int layer, int rows)
    {
        int size = rows * OutputSize;
        Grow(ref _dropped[layer], size);
        Grow(ref _mask[layer], size);
        Span<float> mask = _mask[layer].AsSpan(0, size);
        float keep = 1f / (1f - Dropout);
        for (int i = 0; i < size; i++) mask[i] = _dropoutRng.NextFloat() < Dropout ? 0f : keep;
        System.Numerics.Tensors.TensorPrimitives.Multiply(_y[layer].AsSpan(0, size), mask, _dropped[layer].AsSpan(0, size));
    }

    private void CheckInitialState(RecurrentState? state, int batch)
    {
        if (state is null) return;
        int states = NumLayers * NumDirections;
        ThrowHelper.CheckShape(state.H, "initialState.H", states, batch, HiddenSize);
        if (CellType == CellType.Lstm)
        {
            if (state.C is null) ThrowHelper.ThrowArgument(nameof(state), "an LSTM's initial state needs both h0 and c0 (initialState.C is null)");
            ThrowHelper.CheckShape(state.C, "initialState.C", states, batch, HiddenSize);
        }
        CheckFinite(state.H, "initialState.H");
        if (state.C is not null) CheckFinite(state.C, "initialState.C");
    }

    private static void CheckFinite(Tensor tensor, string name)
    {
        var span = tensor.Span;
        for (int i = 0; i < span.Length; i++)
            if (!float.IsFinite(span[i])) ThrowHelper.ThrowArgument(name, $"{name} holds a non-finite value ({span[i]}) at flat index {i}");
    }

    // state[slot] (caller's batch order) -> sorted [B, H]
    private void ToSorted(Tensor state, int slot, Span<float> sorted)
    {
        int b = _batch.Batch, h = HiddenSize;
        ReadOnlySpan<int> order = _batch.SortedToBatch;
        ReadOnlySpan<float> src = state.Span.Slice(slot * b * h, b * h);
        for (int i = 0; i < b; i++) src.Slice(order[i] * h, h).CopyTo(sorted.Slice(i * h, h));
    }

    // sorted [B, H] -> state[slot] (caller's batch order)
    private void FromSorted(ReadOnlySpan<float> sorted, Tensor state, int slot)
    {
        int b = _batch.Batch, h = HiddenSize;
        ReadOnlySpan<int> order = _batch.SortedToBatch;
        Span<float> dst = state.Span.Slice(slot * b * h, b * h);
        for (int i = 0; i < b; i++) sorted.Slice(i * h, h).CopyTo(dst.Slice(order[i] * h, h));
    }

    private static void Grow(ref float[] array, int size)
    {
        if (array.Length < size) array = new float[size];
    }
}

/// <summary>A recurrent state: h (and c for LSTM), each [L·D, B, H].</summary>
/// <param name="H">Hidden state.</param>
/// <param name="C">LSTM cell state; null for RNN and GRU.</param>
public sealed record RecurrentState(Tensor H, Tensor? C = null);

/// <summary>The result of <see cref="RecurrentLayer.Forward(Tensor, RecurrentState, int[])"/>.</summary>
/// <param name="Output">The last layer's h at every step [B, T, D·H]; zero past each example's length.</param>
/// <param name="HN">Final hidden state of every layer and direction [L·D, B, H].</param>
/// <param name="CN">LSTM: final cell state [L·D, B, H]; otherwise null.</param>
public sealed record RecurrentOutput(Tensor Output, Tensor HN, Tensor? CN)
{
    /// <summary>The final state, ready to seed the next chunk (truncated BPTT).</summary>
    public RecurrentState FinalState => new(HN, CN);

    /// <summary>Deconstructs into (output, h_n), as PyTorch's <c>out, h_n = rnn(x)</c>.</summary>
    public void Deconstruct(out Tensor output, out Tensor hN)
    {
        output = Output;
        hN = HN;
    }
}

/// <summary>The result of <see cref="RecurrentLayer.Backward(Tensor?, Tensor?, Tensor?)"/>.</summary>
/// <param name="Input">dL/dx [B, T, I].</param>
/// <param name="InitialH">dL/dh0 [L·D, B, H].</param>
/// <param name="InitialC">LSTM: dL/dc0 [L·D, B, H]; otherwise null.</param>
public sealed record RecurrentGradients(Tensor Input, Tensor InitialH, Tensor? InitialC);
