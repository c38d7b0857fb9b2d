using Rnn.Core.Internals;
using Rnn.Core.Layers;

namespace Rnn.Core.Models;

// B = batch, T = steps, F = features per step (E after an embedding), H = hidden, D = directions, O = outputs.

/// <summary>
/// The network behind every recurrent trainer: an optional embedding, a <see cref="RecurrentLayer"/>,
/// then either pooling over each sequence's valid steps and a linear head (many-to-one: classification,
/// regression, forecasting) or a linear head at every step (many-to-many: language models).
/// </summary>
/// <remarks>
/// <para>Parameters are named as a PyTorch module with attributes <c>embedding</c>, <c>rnn</c> and <c>fc</c> would name
/// them (<c>embedding.weight</c>, <c>rnn.weight_ih_l0</c>, <c>fc.weight</c>, <c>fc.bias</c>), so a state dict moves between
/// the two.</para>
/// <para>Forward keeps what backward needs; every buffer is reused, so a training step allocates nothing once
/// the buffers have grown to the largest batch. Not thread-safe.</para>
/// </remarks>
public sealed partial class SequenceModel : Module
{
    private readonly Embedding? _embedding;
    private readonly Dropout? _embeddingDropout;         // element-wise
    private readonly Numerics.Rng? _tokenDropoutRng;     // whole tokens (word dropout)
    private float[] _tokenMask = [];                     // [valid tokens]: 0 or 1/(1-p)
    private readonly SequencePooling? _pooling;
    private readonly Dropout? _headDropout;

    // Workspace, reused: x [B, T, F], out [B, T, D·H], states [L·D, B, H], pooled [B, D·H], logits [B, O] or [B, T, O]
    private readonly Tensor _x = new(0), _out = new(0), _hN = new(0), _cN = new(0);
    private readonly Tensor _headInput = new(0), _logits = new(0);
    private readonly Tensor _dHeadInput = new(0), _dOut = new(0), _dX = new(0), _dHN = new(0);
    private int[] _lengths = [];
    private int[] _flatTokens = [];
    private int _batch, _steps, _validTokens;
    private bool _fullLength, _cached;

    /// <summary>Builds the model from its options (PyTorch's default initialisation, seeded).</summary>
    public SequenceModel(SequenceModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        Options = options;
        var rng = new Numerics.Rng(options.Seed);
        int inputSize = options.InputSize;
        if (options.UsesTokens)
        {
            _embedding = new Embedding(options.VocabularySize, options.EmbeddingSize, options.PaddingIndex, rng.Fork());
            Parameters.AddRange("embedding", _embedding.Parameters);
            inputSize = options.EmbeddingSize;
        }
        Rnn = new RecurrentLayer(options.Cell, inputSize, options.HiddenSize, options.NumLayers, options.Bidirectional,
            options.Dropout, options.Nonlinearity, unchecked((int)rng.NextUInt()));
        Parameters.AddRange("rnn", Rnn.Parameters);
        if (options.Pooling is PoolingKind kind)
            _pooling = new SequencePooling(kind, options.Bidirectional ? options.HiddenSize : null);
        var headRng = rng.Fork();
        Head = new Linear(Rnn.OutputSize, options.OutputSize, true, rng.Fork());
        Parameters.AddRange("fc", Head.Parameters);
        Wide = CreateWide(options);
        if (Wide is not null) Parameters.AddRange("wide", Wide.Parameters);
        // Dropout streams come last, so the initial weights do not depend on the dropout settings.
        if (options.Dropout > 0f) _headDropout = new Dropout(options.Dropout, headRng);
        if (options.UsesTokens && options.EmbeddingDropout > 0f) _embeddingDropout = new Dropout(options.EmbeddingDropout, rng.Fork());
        if (options.UsesTokens && options.TokenDropout > 0f) _tokenDropoutRng = rng.Fork();
    }

    /// <summary>The options the model was built with.</summary>
    public SequenceModelOptions Options { get; }

    /// <summary>The recurrent layer (named <c>rnn</c>).</summary>
    public RecurrentLayer Rnn { get; }

    /// <summary>The linear head (named <c>fc</c>).</summary>
    public Linear Head { get; }

    /// <summary>The embedding (named <c>embedding</c>), or null for float input.</summary>
    public Embedding? Embedding => _embedding;

    /// <summary>True when the head runs at every step (no pooling).</summary>
    public bool IsPerStep => _pooling is null;

    /// <summary>The final recurrent state of the last forward pass [L·D, B, H] (for carrying state across chunks).</summary>
    public RecurrentState FinalState => new(_hN, Options.Cell == CellType.Lstm ? _cN : null);

    /// <summary>A new model with the same options and a copy of every parameter value (own workspace, no gradients).</summary>
    public SequenceModel Clone()
    {
        var copy = new SequenceModel(Options);
        for (int i = 0; i < Parameters.Count; i++)
        {
            Parameters[i].Value.Span.CopyTo(copy.Parameters[i].Value.Span);
            copy.Parameters[i].RequiresGrad = Parameters[i].RequiresGrad;
        }
        if (!Training) copy.Eval();
        return copy;
    }

    /// <inheritdoc />
    public override void Train()
    {
        base.Train();
        foreach (var m in Children()) m.Train();
    }

    /// <inheritdoc />
    public override void Eval()
    {
        base.Eval();
        foreach (var m in Children()) m.Eval();
    }

    /// <summary>
    /// Runs the model. Returns logits [B, O] (pooled) or [B, T, O] (per step; zero at padded steps). The returned
    /// tensor is owned by the model and overwritten by the next call.
    /// </summary>
    /// <param name="batch">The input sequences.</param>
    /// <param name="initialState">Initial recurrent state [L·D, B, H], or null for zeros.</param>
    public Tensor Forward(SequenceBatch batch, RecurrentState? initialState = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int b = batch.Batch, t = batch.Steps, f = Rnn.InputSize, o = Options.OutputSize, w = Rnn.OutputSize;
        int states = Rnn.NumLayers * Rnn.NumDirections;
        _batch = b;
        _steps = t;
        _fullLength = batch.IsFullLength;
        if (_lengths.Length < b) _lengths = new int[b];
        batch.Lengths.CopyTo(_lengths);

        // Inference on a large batch of tokens: the recurrent layer's row ranges read the embedding rows themselves.
        bool embedInLayer = _embedding is not null && !Training && Rnn.GathersInputRows(b);
        if (_embedding is not null)
        {
            if (batch.Features != 0) ThrowHelper.ThrowArgument(nameof(batch), "the model takes token ids, the batch holds float values");
            if (embedInLayer)
            {
                CheckValidTokens(batch);
            }
            else
            {
                _x.Resize(b, t, f);
                EmbedValidTokens(batch);
            }
        }
        else
        {
            if (batch.Features != f) ThrowHelper.ThrowArgument(nameof(batch), $"the model takes {f} features per step, the batch has {batch.Features}");
            _x.Resize(b, t, f);
            batch.Values.CopyTo(_x.Span);
        }

        _hN.Resize(states, b, Rnn.HiddenSize);
        _cN.Resize(states, b, Rnn.HiddenSize);
        ReadOnlySpan<int> lengths = _fullLength ? default : _lengths.AsSpan(0, b);
        if (PoolsFinalStates)
        {
            // Last pooling is the last layer's final state(s): the layer need not write every step's output.
            RecurrentForward(batch, embedInLayer, initialState, lengths, null);
            _headInput.Resize(b, w);
            FinalStatesToHeadInput(b);
            _headDropout?.Forward(_headInput.Span, _headInput.Span);
            _logits.Resize(b, o);
            Head.Forward(_headInput.Span, b, _logits.Span);
            Wide?.Forward(batch.Tokens, t, batch.Lengths, _logits.Span);
            _cached = Training;
            return _logits;
        }
        _out.Resize(b, t, w);
        RecurrentForward(batch, embedInLayer, initialState, lengths, _out);

        if (_pooling is not null)
        {
            _headInput.Resize(b, w);
            _pooling.Forward(_out.Span, b, t, w, lengths, _headInput.Span);
            _headDropout?.Forward(_headInput.Span, _headInput.Span);
            _logits.Resize(b, o);
            Head.Forward(_headInput.Span, b, _logits.Span);
            Wide?.Forward(batch.Tokens, t, batch.Lengths, _logits.Span);
        }
        else
        {
            // Without head dropout the head reads the recurrent output itself (no copy of every step's output).
            _logits.Resize(b, t, o);
            if (_headDropout is null)
            {
                Head.Forward(_out.Span, b * t, _logits.Span);
            }
            else
            {
                _headInput.Resize(b, t, w);
                _headDropout.Forward(_out.Span, _headInput.Span);
                Head.Forward(_headInput.Span, b * t, _logits.Span);
            }
            if (!_fullLength) ZeroPadding(_logits.Span, o);
        }
        _cached = Training;
        return _logits;
    }

    /// <summary>
    /// True when the head reads each example's last valid step (<see cref="PoolingKind.Last"/>): that is the last layer's
    /// final state (both directions' for a bidirectional layer, as PyTorch's <c>h_n</c>), so the model takes h_n
    /// instead of having the layer write, and later read back gradients for, every step's output.
    /// </summary>
    private bool PoolsFinalStates => Options.Pooling == PoolingKind.Last;

    // headInput[b, d·H .. +H] = h_n[(L − 1)·D + d, b, :]
    private void FinalStatesToHeadInput(int b)
    {
        int h = Rnn.HiddenSize, d = Rnn.NumDirections, top = (Rnn.NumLayers - 1) * d;
        ReadOnlySpan<float> hN = _hN.Span;
        Span<float> head = _headInput.Span;
        for (int dir = 0; dir < d; dir++)
            for (int i = 0; i < b; i++)
                hN.Slice(((top + dir) * b + i) * h, h).CopyTo(head.Slice((i * d + dir) * h, h));
    }

    // dh_n[(L − 1)·D + d, b, :] = dHeadInput[b, d·H .. +H]; the lower layers' final states get no gradient.
    private void HeadInputGradToFinalStates(int b)
    {
        int h = Rnn.HiddenSize, d = Rnn.NumDirections, top = (Rnn.NumLayers - 1) * d;
        Span<float> dHN = _dHN.Span;
        ReadOnlySpan<float> dHead = _dHeadInput.Span;
        dHN.Slice(0, top * b * h).Clear();
        for (int dir = 0; dir < d; dir++)
            for (int i = 0; i < b; i++)
                dHead.Slice((i * d + dir) * h, h).CopyTo(dHN.Slice(((top + dir) * b + i) * h, h));
    }

    /// <summary>
    /// Back-propagates <paramref name="logitsGrad"/> (same shape as the last forward's logits; padded steps ignored)
    /// and accumulates every parameter's gradient.
    /// </summary>
    /// <exception cref="InvalidOperationException">No training-mode forward pass precedes the call.</exception>
    public void Backward(Tensor logitsGrad)
    {
        ArgumentNullException.ThrowIfNull(logitsGrad);
        if (!_cached) ThrowHelper.ThrowInvalidOperation("Backward needs a Forward in training mode first.");
        if (!logitsGrad.SameShape(_logits))
            ThrowHelper.ThrowArgument(nameof(logitsGrad), $"logitsGrad has shape {logitsGrad.ShapeString}, the logits were {_logits.ShapeString}");
        int b = _batch, t = _steps, w = Rnn.OutputSize;
        ReadOnlySpan<int> lengths = _fullLength ? default : _lengths.AsSpan(0, b);
        Wide?.Backward(logitsGrad.Span);
        if (_pooling is not null) _dHeadInput.Resize(b, w);
        else if (_headDropout is not null) _dHeadInput.Resize(b, t, w);
        if (PoolsFinalStates)
        {
            Head.Backward(_dHeadInput.Span, logitsGrad.Span, _headInput.Span, b);
            _headDropout?.Backward(_dHeadInput.Span, _dHeadInput.Span);
            _dHN.Resize(Rnn.NumLayers * Rnn.NumDirections, b, Rnn.HiddenSize);
            HeadInputGradToFinalStates(b);
            RecurrentBackward(null, _dHN, b, t);
            return;
        }
        _dOut.Resize(b, t, w);
        if (_pooling is not null)
        {
            Head.Backward(_dHeadInput.Span, logitsGrad.Span, _headInput.Span, b);
            _headDropout?.Backward(_dHeadInput.Span, _dHeadInput.Span);
            _pooling.Backward(_dOut.Span, _dHeadInput.Span, b, t, w, lengths);
        }
        else
        {
            if (!_fullLength) ZeroPadding(logitsGrad.Span, Options.OutputSize);
            if (_headDropout is null)
            {
                Head.Backward(_dOut.Span, logitsGrad.Span, _out.Span, b * t);
            }
            else
            {
                Head.Backward(_dHeadInput.Span, logitsGrad.Span, _headInput.Span, b * t);
                _headDropout.Backward(_dOut.Span, _dHeadInput.Span);
            }
        }

        RecurrentBackward(_dOut, null, b, t);
    }

    /// <summary>Back-propagates through the recurrent layer (from the steps' outputs or the final states) and the embedding.</summary>
    private void RecurrentBackward(Tensor? outputGrad, Tensor? hNGrad, int b, int t)
    {
        if (_embedding is null)
        {
            Rnn.Backward(outputGrad, hNGrad, null, null, null, null);
            return;
        }
        _dX.Resize(b, t, Rnn.InputSize);
        Rnn.Backward(outputGrad, hNGrad, null, _dX, null, null);
        // Gradient of the embedded tokens, valid positions only, in the order they were embedded.
        int e = Options.EmbeddingSize, n = 0;
        Span<float> dx = _dX.Span;
        for (int i = 0; i < b; i++)
        {
            int len = _fullLength ? t : _lengths[i];
            dx.Slice(i * t * e, len * e).CopyTo(dx.Slice(n * e, len * e));
            n += len;
        }
        Span<float> dValid = dx.Slice(0, _validTokens * e);
        _embeddingDropout?.Backward(dValid, dValid);
        if (_tokenDropoutRng is not null && _tokenMaskActive) ScaleTokens(dValid, e);
        _embedding.Backward(dValid, _flatTokens.AsSpan(0, _validTokens));
    }

    // The recurrent layer on the embedded input _x, or (embedInLayer) on the token ids through the embedding table.
    private void RecurrentForward(SequenceBatch batch, bool embedInLayer, RecurrentState? initialState, ReadOnlySpan<int> lengths, Tensor? output)
    {
        Tensor? cN = Options.Cell == CellType.Lstm ? _cN : null;
        if (embedInLayer)
            Rnn.ForwardEmbedded(_embedding!.Weight.Value.Span, batch.Tokens, batch.Batch, batch.Steps, initialState, lengths, output, _hN, cN);
        else
            Rnn.Forward(_x, initialState, lengths, output, _hN, cN);
    }

    // The checks of Embedding.Forward for the ids at valid steps (position = index among them), when the layer gathers them.
    private void CheckValidTokens(SequenceBatch batch)
    {
        int t = batch.Steps, n = 0;
        ReadOnlySpan<int> tokens = batch.Tokens;
        for (int i = 0; i < batch.Batch; i++)
        {
            int len = batch.Lengths[i];
            for (int s = 0; s < len; s++) _embedding!.CheckId(tokens[i * t + s], n++);
        }
    }

    private void EmbedValidTokens(SequenceBatch batch)
    {
        int b = batch.Batch, t = batch.Steps, e = Options.EmbeddingSize;
        // Gather the valid ids into one flat list so the embedding and its dropout run once.
        int valid = 0;
        for (int i = 0; i < b; i++) valid += batch.Lengths[i];
        if (_flatTokens.Length < valid) _flatTokens = new int[valid];
        int n = 0;
        for (int i = 0; i < b; i++)
        {
            int len = batch.Lengths[i];
            batch.Tokens.Slice(i * t, len).CopyTo(_flatTokens.AsSpan(n, len));
            n += len;
        }
        _validTokens = valid;
        Span<float> x = _x.Span;
        Span<float> embedded = x.Slice(0, valid * e);
        _embedding!.Forward(_flatTokens.AsSpan(0, valid), embedded);
        _embeddingDropout?.Forward(embedded, embedded);
        _tokenMaskActive = _tokenDropoutRng is not null && Training;
        if (_tokenMaskActive)
        {
            // Word dropout: a dropped token looks like an unknown word (zero vector); kept ones are scaled by 1/(1-p).
            if (_tokenMask.Length < valid) _tokenMask = new float[Math.Max(valid, 2 * _tokenMask.Length)];
            float p = Options.TokenDropout, keep = 1f / (1f - p);
            for (int i = 0; i < valid; i++) _tokenMask[i] = _tokenDropoutRng!.NextFloat() < p ? 0f : keep;
            ScaleTokens(embedded, e);
        }
        // Spread the rows to their batch-major positions, last example first so nothing is overwritten early.
        for (int i = b - 1; i >= 0; i--)
        {
            int len = batch.Lengths[i];
            n -= len;
            embedded.Slice(n * e, len * e).CopyTo(x.Slice(i * t * e, len * e));
        }
    }

    private bool _tokenMaskActive;

    private void ScaleTokens(Span<float> rows, int width)
    {
        for (int i = 0; i < _validTokens; i++)
        {
            Span<float> row = rows.Slice(i * width, width);
            System.Numerics.Tensors.TensorPrimitives.Multiply(row, _tokenMask[i], row);
        }
    }

    private void ZeroPadding(Span<float> perStep, int width)
    {
        for (int i = 0; i < _batch; i++)
            perStep.Slice((i * _steps + _lengths[i]) * width, (_steps - _lengths[i]) * width).Clear();
    }

    private IEnumerable<Module> Children()
    {
        if (_embedding is not null) yield return _embedding;
        if (_embeddingDropout is not null) yield return _embeddingDropout;
        yield return Rnn;
        if (_headDropout is not null) yield return _headDropout;
        yield return Head;
        if (Wide is not null) yield return Wide;
    }

    internal override IEnumerable<KeyValuePair<string, Numerics.Rng>> RandomStreams()
    {
        static IEnumerable<KeyValuePair<string, Numerics.Rng>> Prefixed(string prefix, Module? child) =>
            child is null ? [] : child.RandomStreams().Select(s => KeyValuePair.Create(prefix + "." + s.Key, s.Value));
        if (_tokenDropoutRng is not null) yield return KeyValuePair.Create("token_dropout", _tokenDropoutRng);
        foreach (var s in Prefixed("embedding_dropout", _embeddingDropout)) yield return s;
        foreach (var s in Prefixed("rnn", Rnn)) yield return s;
        foreach (var s in Prefixed("head_dropout", _headDropout)) yield return s;
    }

    private static void Validate(SequenceModelOptions o)
    {
        if (o.VocabularySize < 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.VocabularySize), o.VocabularySize, "VocabularySize must be 0 (float input) or positive");
        if (o.UsesTokens && o.EmbeddingSize <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.EmbeddingSize), o.EmbeddingSize, "EmbeddingSize must be positive");
        if (!o.UsesTokens && o.InputSize <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.InputSize), o.InputSize, "InputSize must be positive");
        if (o.OutputSize <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.OutputSize), o.OutputSize, "OutputSize must be positive");
        if (!(o.TokenDropout >= 0f && o.TokenDropout < 1f)) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.TokenDropout), o.TokenDropout, "TokenDropout must be in [0, 1)");
        if (!(o.EmbeddingDropout >= 0f && o.EmbeddingDropout < 1f)) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.EmbeddingDropout), o.EmbeddingDropout, "EmbeddingDropout must be in [0, 1)");
        ValidateWide(o);
    }
}
