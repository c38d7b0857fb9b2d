using System.Diagnostics;
using System.Numerics.Tensors;
using Rnn.Core.Internals;
using Rnn.Core.Layers;
using Rnn.Core.Losses;
using Rnn.Core.Models;
using Rnn.Core.Optimizers;

namespace Rnn.Core.Training;

// N = tokens, B = streams (batch), S = steps per stream, T = steps per chunk, V = vocabulary, L = layers, H = hidden.

/// <summary>
/// Trains a many-to-many <see cref="SequenceModel"/> (token input, a head at every step) as a language model over one
/// token stream, with truncated backpropagation through time: next-token cross-entropy at every position.
/// </summary>
/// <remarks>
/// <para>Streams (PyTorch's word_language_model <c>batchify</c>, karpathy's char-rnn): the last
/// <see cref="LanguageModelOptions.ValidationFraction"/> of the tokens is the validation part; the rest is cut into B
/// contiguous streams of S = ⌊(N_train − 1) / B⌋ inputs each, stream b reading tokens <c>[b·S, b·S + S]</c>
/// (inputs <c>[b·S, b·S + S)</c>, targets shifted by one). The streams advance together in chunks of T steps, so chunk k
/// of stream b continues chunk k − 1 of the same stream.</para>
/// <para>Per chunk: x [B, T] → logits [B, T, V]; loss = mean over the B·T positions of −log softmax(logits)[target]
/// (nats per token); backward through the chunk only; clip the global gradient norm; one optimiser step.</para>
/// <para>State: the final state of chunk k (h, and c for an LSTM, [L, B, H]) is copied in as the initial state of chunk k + 1
/// — carried forward but detached, as PyTorch's <c>hidden = repackage_hidden(hidden)</c>: the gradient stops at the chunk
/// boundary. The state is zero at the start of every epoch and of the validation pass.</para>
/// <para>Validation runs the same streams over the validation part in evaluation mode with the state carried through; with
/// <see cref="LanguageModelOptions.RestoreBestWeights"/> the model ends with the weights of its best validation epoch.</para>
/// <para>A training step allocates nothing: the batch, targets, gradient and state buffers are reused.</para>
/// </remarks>
public static partial class LanguageModelTrainer
{
    /// <summary>Trains <paramref name="model"/> in place on <paramref name="tokens"/>.</summary>
    /// <param name="model">A unidirectional model with an embedding (token input) and a head at every step (no pooling), O = V.</param>
    /// <param name="tokens">The corpus as token ids, each in 0..V−1; at least two tokens must remain for training.</param>
    /// <param name="options">How to train.</param>
    /// <param name="cancellationToken">Stops training at the next chunk boundary (as the time budget does).</param>
    /// <exception cref="ArgumentException">The model, tokens and options do not fit together; the message says how.</exception>
    /// <exception cref="FileNotFoundException"><see cref="LanguageModelOptions.ResumeFrom"/> names no file.</exception>
    /// <exception cref="InvalidDataException"><see cref="LanguageModelOptions.ResumeFrom"/> is not a checkpoint of this run; the message names what differs.</exception>
    public static LanguageModelResult Fit(SequenceModel model, ReadOnlySpan<int> tokens, LanguageModelOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        Validate(model, tokens, options);
        int held = (int)(tokens.Length * (double)options.ValidationFraction);
        ReadOnlySpan<int> train = tokens[..^held], validation = tokens[^held..];
        if (train.Length < 2)
            ThrowHelper.ThrowArgument(nameof(tokens), $"the training part holds {train.Length} token(s) after holding out {held} for validation; at least 2 are needed");

        var streams = new Streams(train, options.BatchSize, options.SequenceLength);
        using var session = CreateSession(model, options, streams.Batch);
        var managed = session as ManagedSession;   // checkpoints need the managed engine (CheckOptions says so otherwise)
        var batch = new SequenceBatch();
        var targets = new int[streams.Batch * streams.Steps];
        var history = new List<LanguageModelEpoch>();
        var clock = Stopwatch.StartNew();
        TimeSpan budget = options.TimeBudget ?? TimeSpan.MaxValue;
        TimeSpan trainingTime = TimeSpan.Zero;
        long tokensTrained = 0;
        bool stoppedByBudget = false;
        float[][]? best = null;              // parameter values of the best validation epoch
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0;
        var checkpoints = managed is null ? null : ChunkCheckpointWriter.Create(model, tokens, options);
        var resume = managed is null ? null : Resume(model, managed.Optimizer, managed.State, tokens, options, ref best);
        if (resume is not null) (bestLoss, bestEpoch, tokensTrained) = (resume.BestLoss, resume.BestEpoch, resume.TokensTrained);
        history.AddRange(resume?.History ?? []);

        for (int epoch = resume?.Epoch ?? 1; epoch <= options.Epochs && !stoppedByBudget; epoch++)
        {
            var epochStart = clock.Elapsed;
            double lossSum = resume?.LossSum ?? 0;
            long epochTokens = resume?.EpochTokens ?? 0;
            float gradNorm = resume?.GradientNorm ?? 0;
            int chunk = resume?.Chunk ?? 0;
            bool hasState = resume?.HasState ?? false;   // the state is zero at the start of every epoch
            resume = null;
            for (; chunk < streams.Chunks; chunk++)
            {
                var chunkStart = clock.Elapsed;
                int positions = streams.Fill(chunk, batch, targets);
                double loss = session.Step(batch, targets.AsSpan(0, positions), hasState && options.CarryState, out gradNorm);
                hasState = true;

                lossSum += loss * positions;
                epochTokens += positions;
                tokensTrained += positions;
                trainingTime += clock.Elapsed - chunkStart;
                if (checkpoints?.IsDue(chunk + 1, streams.Chunks) == true)
                    checkpoints.Save(managed!.Optimizer, managed.State, best, new ChunkPosition(epoch, chunk + 1, lossSum, epochTokens, tokensTrained, gradNorm,
                        hasState, bestLoss, bestEpoch, history));
                bool outOfTime = clock.Elapsed >= budget || cancellationToken.IsCancellationRequested;
                options.Progress?.Invoke(new LanguageModelProgress(epoch, chunk + 1, streams.Chunks, lossSum / epochTokens, null, gradNorm,
                    tokensTrained / Math.Max(trainingTime.TotalSeconds, 1e-9), clock.Elapsed, false));
                if (outOfTime)
                {
                    stoppedByBudget = true;
                    chunk++;
                    break;
                }
            }

            double? validationLoss = validation.Length >= 2
                ? Evaluate(session, validation, Math.Min(options.BatchSize, validation.Length - 1), options.SequenceLength, carryState: true)
                : null;
            if (validationLoss < bestLoss)
            {
                bestLoss = validationLoss.Value;
                bestEpoch = epoch;
                if (options.RestoreBestWeights) best = session.Snapshot(best);
            }
            double trainingLoss = lossSum / Math.Max(1, epochTokens);
            history.Add(new LanguageModelEpoch(epoch, trainingLoss, validationLoss, (clock.Elapsed - epochStart).TotalSeconds, epochTokens,
                chunk == streams.Chunks));
            if (options.Progress is not null)
            {
                session.Complete();   // the managed model holds the epoch's weights for the report (a backend trains a copy)
                options.Progress(new LanguageModelProgress(epoch, chunk, streams.Chunks, trainingLoss, validationLoss, gradNorm,
                    tokensTrained / Math.Max(trainingTime.TotalSeconds, 1e-9), clock.Elapsed, true));
            }
        }
        if (best is not null && bestEpoch != history.Count) session.Restore(best);
        else bestEpoch = history.Count;
        session.Complete();
        model.Eval();
        return new LanguageModelResult(history, tokensTrained / Math.Max(trainingTime.TotalSeconds, 1e-9), stoppedByBudget, bestEpoch);
    }

    /// <summary>
    /// Mean next-token cross-entropy (nats per token) of <paramref name="model"/> over <paramref name="tokens"/>, in
    /// evaluation mode: <paramref name="batchSize"/> streams, chunks of <paramref name="sequenceLength"/>, state carried
    /// through from zero. Leaves the model in evaluation mode.
    /// </summary>
    /// <param name="model">A unidirectional per-step model with token input.</param>
    /// <param name="tokens">At least two token ids, each in 0..V−1.</param>
    /// <param name="batchSize">Streams (reduced to N − 1 when the text is shorter). Default 32.</param>
    /// <param name="sequenceLength">Steps per chunk. Default 100.</param>
    /// <param name="carryState">False starts every chunk from the zero state (to measure what the carried state is worth). Default true.</param>
    public static double Evaluate(SequenceModel model, ReadOnlySpan<int> tokens, int batchSize = 32, int sequenceLength = 100, bool carryState = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckModel(model);
        if (tokens.Length < 2) ThrowHelper.ThrowArgument(nameof(tokens), $"evaluation needs at least 2 tokens, got {tokens.Length}");
        if (batchSize <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(batchSize), batchSize, "batchSize must be positive");
        if (sequenceLength <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(sequenceLength), sequenceLength, "sequenceLength must be positive");
        CheckTokens(tokens, model.Options.VocabularySize);
        using var session = new ManagedSession(model, options: null, batchSize);
        double loss = Evaluate(session, tokens, batchSize, sequenceLength, carryState);
        model.Eval();
        return loss;
    }

    /// <summary>Mean next-token cross-entropy of a session's network over <paramref name="tokens"/>, chunk by chunk, in evaluation mode.</summary>
    private static double Evaluate(ILanguageModelSession session, ReadOnlySpan<int> tokens, int batchSize, int sequenceLength, bool carryState)
    {
        var streams = new Streams(tokens, batchSize, sequenceLength);
        var batch = new SequenceBatch();
        var targets = new int[streams.Batch * streams.Steps];
        double lossSum = 0;
        long count = 0;
        for (int chunk = 0; chunk < streams.Chunks; chunk++)
        {
            int positions = streams.Fill(chunk, batch, targets);
            lossSum += session.Loss(batch, targets.AsSpan(0, positions), chunk > 0 && carryState) * positions;
            count += positions;
        }
        return lossSum / count;
    }

    /// <summary>
    /// PyTorch's <c>clip_grad_norm_</c> without allocation: scales every gradient by <c>maxNorm / (norm + 1e-6)</c> when that
    /// is below 1 (0 disables); returns the global norm before clipping.
    /// </summary>
    private static float ClipGradNorm(Parameter[] parameters, float maxNorm)
    {
        double sum = 0;
        foreach (var p in parameters)
        {
            double n = TensorPrimitives.Norm(p.Grad.Span);
            sum += n * n;
        }
        double norm = Math.Sqrt(sum);
        double coefficient = maxNorm / (norm + 1e-6);
        if (maxNorm > 0f && coefficient < 1.0 && double.IsFinite(norm))
            foreach (var p in parameters) TensorPrimitives.Multiply(p.Grad.Span, (float)coefficient, p.Grad.Span);
        return (float)norm;
    }

    private static Optimizer CreateOptimizer(SequenceModel model, LanguageModelOptions options) => options.Optimizer switch
    {
        OptimizerKind.Adam => new Adam(model.Parameters.Values, options.LearningRate, weightDecay: options.WeightDecay),
        OptimizerKind.AdamW => new AdamW(model.Parameters.Values, options.LearningRate, weightDecay: options.WeightDecay),
        _ => new Sgd(model.Parameters.Values, options.LearningRate, momentum: 0.9f, weightDecay: options.WeightDecay),
    };

    private static void Validate(SequenceModel model, ReadOnlySpan<int> tokens, LanguageModelOptions o)
    {
        CheckModel(model);
        if (o.SequenceLength <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.SequenceLength), o.SequenceLength, "SequenceLength must be positive");
        if (o.BatchSize <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.BatchSize), o.BatchSize, "BatchSize must be positive");
        if (o.CheckpointEveryBatches <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.CheckpointEveryBatches), o.CheckpointEveryBatches, "CheckpointEveryBatches must be positive");
        if (o.Epochs <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.Epochs), o.Epochs, "Epochs must be positive");
        if (o.TimeBudget is { } t && t <= TimeSpan.Zero) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.TimeBudget), t, "TimeBudget must be positive (or null for none)");
        if (!(o.LearningRate > 0f)) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.LearningRate), o.LearningRate, "LearningRate must be positive");
        if (!(o.GradientClipNorm >= 0f)) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.GradientClipNorm), o.GradientClipNorm, "GradientClipNorm must be 0 (off) or positive");
        if (!(o.ValidationFraction >= 0f && o.ValidationFraction < 1f)) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.ValidationFraction), o.ValidationFraction, "ValidationFraction must be in [0, 1)");
        if (tokens.IsEmpty) ThrowHelper.ThrowArgument(nameof(tokens), "the corpus is empty");
        CheckTokens(tokens, model.Options.VocabularySize);
    }

    private static void CheckModel(SequenceModel model)
    {
        if (!model.Options.UsesTokens) ThrowHelper.ThrowArgument(nameof(model), "a language model takes token ids; this model takes float steps (VocabularySize = 0)");
        if (!model.IsPerStep) ThrowHelper.ThrowArgument(nameof(model), "a language model needs a head at every step (Pooling = null)");
        if (model.Options.Bidirectional) ThrowHelper.ThrowArgument(nameof(model), "a language model reads left to right; this model is bidirectional");
        if (model.Options.OutputSize != model.Options.VocabularySize)
            ThrowHelper.ThrowArgument(nameof(model), $"the head has {model.Options.OutputSize} outputs, the vocabulary {model.Options.VocabularySize} tokens; a language model predicts the next token");
    }

    private static void CheckTokens(ReadOnlySpan<int> tokens, int vocabulary)
    {
        for (int i = 0; i < tokens.Length; i++)
            if ((uint)tokens[i] >= (uint)vocabulary)
                ThrowHelper.ThrowArgumentOutOfRange(nameof(tokens), tokens[i], $"tokens[{i}] = {tokens[i]} is outside 0..{vocabulary - 1}");
    }

    /// <summary>
    /// The token stream cut into B contiguous streams of S inputs, read in chunks of T steps: chunk k holds steps
    /// [k·T, min((k+1)·T, S)) of every stream. The last chunk may be shorter.
    /// </summary>
    private sealed class Streams
    {
        private readonly int[] _tokens;
        private readonly int _length;   // S
        private readonly int _steps;    // T

        public Streams(ReadOnlySpan<int> tokens, int batch, int steps)
        {
            _tokens = tokens.ToArray();
            Batch = Math.Min(batch, tokens.Length - 1);
            _length = (tokens.Length - 1) / Batch;
            _steps = Math.Min(steps, _length);
            Chunks = (_length + _steps - 1) / _steps;
        }

        public int Batch { get; }

        public int Steps => _steps;

        public int Chunks { get; }

        /// <summary>Fills inputs [B, n] and targets [B·n] (row-major, the logits' order) for chunk k; returns B·n.</summary>
        public int Fill(int chunk, SequenceBatch batch, int[] targets)
        {
            int start = chunk * _steps, n = Math.Min(_steps, _length - start), b = Batch;
            batch.ResetTokens(b, n);
            Span<int> x = batch.Tokens;
            for (int i = 0; i < b; i++)
            {
                ReadOnlySpan<int> stream = _tokens.AsSpan(i * _length + start, n + 1);
                stream[..n].CopyTo(x.Slice(i * n, n));
                stream[1..].CopyTo(targets.AsSpan(i * n, n));
            }
            batch.Seal();
            return b * n;
        }
    }

    private static ILanguageModelSession CreateSession(SequenceModel model, LanguageModelOptions options, int batchSize)
    {
        if (options.Backend is null) return new ManagedSession(model, options, batchSize);
        if (options.CheckpointPath is not null)
            ThrowHelper.ThrowArgument(nameof(options), $"LanguageModelOptions.CheckpointPath needs the managed engine; the {options.Backend.Name} backend keeps its own optimiser state. Set CheckpointPath to null or Backend to null");
        if (options.ResumeFrom is not null)
            ThrowHelper.ThrowArgument(nameof(options), $"LanguageModelOptions.ResumeFrom needs the managed engine; the {options.Backend.Name} backend cannot resume from a checkpoint. Set ResumeFrom to null or Backend to null");
        return options.Backend.CreateLanguageModelSession(model, options);
    }

    /// <summary>
    /// The managed engine: trains the model in place with Rnn.Core's optimisers. A training step allocates nothing: the
    /// logits gradient and the carried state are reused.
    /// </summary>
    private sealed class ManagedSession : ILanguageModelSession
    {
        private readonly SequenceModel _model;
        private readonly Optimizer? _optimizer;        // null when the session only evaluates
        private readonly Parameter[] _parameters;      // the trainable ones (clipping)
        private readonly float _clipNorm;
        private readonly Tensor _logitsGrad = new(0);  // [B, T, V]

        public ManagedSession(SequenceModel model, LanguageModelOptions? options, int batchSize)
        {
            _model = model;
            _optimizer = options is null ? null : CreateOptimizer(model, options);
            _clipNorm = options?.GradientClipNorm ?? 0f;
            _parameters = model.Parameters.Values.Where(p => p.RequiresGrad).ToArray();
            State = new CarriedState(model, batchSize);
        }

        /// <summary>The optimiser, whose state a checkpoint saves.</summary>
        public Optimizer Optimizer => _optimizer ?? throw new InvalidOperationException("this session only evaluates");

        /// <summary>The state carried into the next chunk, which a checkpoint saves.</summary>
        public CarriedState State { get; }

        public double Step(SequenceBatch batch, ReadOnlySpan<int> targets, bool fromCarriedState, out float gradientNorm)
        {
            if (!_model.Training) _model.Train();
            Optimizer.ZeroGrad();
            Tensor logits = _model.Forward(batch, fromCarriedState ? State.Value : null);   // [B, T, V]
            State.CopyFinalState();
            _logitsGrad.Resize(logits.Shape);
            double loss = CrossEntropyLoss.Forward(logits.Span, logits.Size(2), targets, _logitsGrad.Span);
            _model.Backward(_logitsGrad);
            gradientNorm = ClipGradNorm(_parameters, _clipNorm);
            Optimizer.Step();
            return loss;
        }

        public double Loss(SequenceBatch batch, ReadOnlySpan<int> targets, bool fromCarriedState)
        {
            if (_model.Training) _model.Eval();
            Tensor logits = _model.Forward(batch, fromCarriedState ? State.Value : null);   // [B, T, V]
            State.CopyFinalState();
            return CrossEntropyLoss.Forward(logits.Span, logits.Size(2), targets, default);
        }

        public float[][] Snapshot(float[][]? into) => ParameterValues.Snapshot(_model.Parameters, into);

        public void Restore(float[][] saved) => ParameterValues.Restore(_model.Parameters, saved);

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }

    /// <summary>The recurrent state carried from one chunk into the next: h, and c for an LSTM, [L, B, H].</summary>
    private sealed class CarriedState
    {
        private readonly RecurrentState _final;

        public CarriedState(SequenceModel model, int batch)
        {
            int layers = model.Rnn.NumLayers, h = model.Rnn.HiddenSize;
            // The model's final-state tensors are resized in place, never replaced: one view serves every step.
            _final = model.FinalState;
            Value = new RecurrentState(new Tensor(layers, batch, h), model.Options.Cell == CellType.Lstm ? new Tensor(layers, batch, h) : null);
        }

        public RecurrentState Value { get; }

        public Tensor H => Value.H;

        public Tensor? C => Value.C;

        /// <summary>Copies the model's final state in (detached: values only), taking its shape (validation may use fewer streams).</summary>
        public void CopyFinalState()
        {
            Value.H.Resize(_final.H.Shape);
            _final.H.Span.CopyTo(Value.H.Span);
            if (Value.C is not null)
            {
                Value.C.Resize(_final.C!.Shape);
                _final.C.Span.CopyTo(Value.C.Span);
            }
        }
    }
}
