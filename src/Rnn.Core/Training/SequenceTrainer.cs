using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Rnn.Core.Internals;
using Rnn.Core.Losses;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.Core.Optimizers;

namespace Rnn.Core.Training;

// N = examples, B = batch, T = longest length in a batch, O = outputs of the model.

/// <summary>
/// Trains a many-to-one <see cref="SequenceModel"/> on a <see cref="SequenceDataset"/>: seeded shuffling into
/// length-bucketed mini-batches (sequences of similar length share a batch, so little padding is even
/// gathered), the chosen loss and optimiser, gradient clipping, an optional validation part with early
/// stopping and best-epoch restore, and progress reports.
/// </summary>
/// <remarks>
/// <para>Numerical faults: when a batch's loss or gradient norm is NaN or infinite, training stops with a
/// <see cref="TrainingDivergedException"/> naming the epoch and batch, and the model is set back to the weights of the last
/// completed epoch (its starting weights when the first epoch diverges), so it never holds non-finite weights. Those are
/// the only weights kept for it: a copy at the end of every epoch, not one per step.</para>
/// <para>Cancellation: <see cref="TrainerOptions.CancellationToken"/> is checked before every batch.</para>
/// </remarks>
public static partial class SequenceTrainer
{
    /// <summary>Examples per sorting pool when bucketing by length: batches come from pools of this many batches.</summary>
    private const int PoolBatches = 32;

    /// <summary>Trains <paramref name="model"/> in place.</summary>
    /// <param name="model">A many-to-one model (with pooling) whose output width fits the targets.</param>
    /// <param name="data">Training examples with targets.</param>
    /// <param name="options">How to train.</param>
    /// <param name="validation">Explicit validation examples; when null, <see cref="TrainerOptions.ValidationFraction"/> of <paramref name="data"/> is held out.</param>
    /// <exception cref="ArgumentException">The data, targets and model do not fit together; the message says how.</exception>
    /// <exception cref="TrainingDivergedException">A batch's loss or gradient norm was not finite; the model holds the weights of the last completed epoch.</exception>
    /// <exception cref="OperationCanceledException"><see cref="TrainerOptions.CancellationToken"/> was cancelled.</exception>
    /// <exception cref="FileNotFoundException"><see cref="TrainerOptions.ResumeFrom"/> names no file.</exception>
    /// <exception cref="InvalidDataException"><see cref="TrainerOptions.ResumeFrom"/> is not a checkpoint of this run; the message names what differs.</exception>
    public static TrainingResult Fit(SequenceModel model, SequenceDataset data, TrainerOptions options, SequenceDataset? validation = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        Validate(model, data, options);
        var rng = new Rng(options.Seed);
        var train = data;
        if (validation is null && options.ValidationFraction > 0f)
            (train, validation) = Split(data, options.ValidationFraction, rng);
        if (train.Count == 0) ThrowHelper.ThrowArgument(nameof(data), "no training examples are left after the validation split");

        using var session = CreateSession(model, options);
        var lastGood = new LastGoodWeights(session);
        var average = new WeightAverage(session, options.Epochs, options.AverageLastEpochs);
        var batch = new SequenceBatch();
        var classTargets = new int[options.BatchSize];
        var valueTargets = new float[options.BatchSize * train.TargetWidth];
        var order = new int[train.Count];
        float[][]? best = null;
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = options.Epochs, sinceBest = 0;
        bool stoppedEarly = false;
        var history = new List<EpochSummary>();
        var clock = Stopwatch.StartNew();
        var checkpoints = CheckpointWriter.Create(model, train, validation, options);
        var resume = Resume(model, session, lastGood, train, validation, options, ref best);
        if (resume is not null) (bestLoss, bestEpoch, sinceBest) = (resume.BestLoss, resume.BestEpoch, resume.SinceBest);
        history.AddRange(resume?.History ?? []);

        for (int epoch = resume?.Epoch ?? 1; epoch <= options.Epochs; epoch++)
        {
            if (options.Schedule is not null) session.LearningRate = options.Schedule.GetLearningRate(epoch - 1);
            var epochStart = clock.Elapsed;
            if (resume is not null) rng.State = resume.EpochRng;
            var epochRng = rng.State;
            var batches = PlanBatches(train, options.BatchSize, rng, order);
            double lossSum = resume?.LossSum ?? 0;
            int seen = resume?.Seen ?? 0;
            float gradNorm = resume?.GradientNorm ?? 0;
            int firstBatch = resume?.Batch ?? 0;
            resume = null;
            for (int k = firstBatch; k < batches.Count; k++)
            {
                CheckCancelled(options, session, model, epoch, k + 1);
                var (start, count) = batches[k];
                ReadOnlySpan<int> members = order.AsSpan(start, count);
                Fill(batch, train, members, classTargets, valueTargets);
                double loss = session.Step(batch, classTargets.AsSpan(0, count), valueTargets.AsSpan(0, count * train.TargetWidth), out gradNorm);
                CheckFinite(loss, gradNorm, options, session, model, lastGood, epoch, k + 1);
                lossSum += loss * count;
                seen += count;
                if (checkpoints?.IsDue(k + 1, batches.Count) == true)
                    checkpoints.Save(session, lastGood, best, new FitPosition(epoch, k + 1, epochRng, lossSum, seen, gradNorm, bestLoss, bestEpoch, sinceBest, history));
                options.Progress?.Invoke(new TrainingProgress(epoch, options.Epochs, k + 1, batches.Count, lossSum / seen,
                    null, null, gradNorm, clock.Elapsed, false));
            }
            if (!lastGood.Commit(epoch))
                Diverge(options, session, model, lastGood, epoch, batches.Count, "the weights hold NaN or infinite values at the end of the epoch");
            average.Add(epoch);

            double? validationLoss = null, validationAccuracy = null;
            if (validation is not null && validation.Count > 0)
            {
                (validationLoss, validationAccuracy) = Score(Predict(session.Predict, validation, PredictionBatchSize, model.Options.OutputSize), validation, options);
                if (validationLoss < bestLoss)
                {
                    bestLoss = validationLoss.Value;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    if (options.RestoreBestWeights) best = session.Snapshot(best);
                }
                else
                {
                    sinceBest++;
                }
            }
            double trainingLoss = lossSum / Math.Max(1, seen);
            history.Add(new EpochSummary(epoch, trainingLoss, validationLoss, validationAccuracy, (clock.Elapsed - epochStart).TotalSeconds));
            options.Progress?.Invoke(new TrainingProgress(epoch, options.Epochs, batches.Count, batches.Count, trainingLoss,
                validationLoss, validationAccuracy, gradNorm, clock.Elapsed, true));
            if (options.EarlyStoppingPatience > 0 && sinceBest >= options.EarlyStoppingPatience && epoch < options.Epochs)
            {
                stoppedEarly = true;
                break;
            }
        }
        if (best is not null && bestEpoch != history.Count) session.Restore(best);
        else if (best is null) bestEpoch = history.Count;
        if (best is null) average.Apply();
        session.Complete();
        model.Eval();
        return new TrainingResult(history, bestEpoch, stoppedEarly);
    }

    /// <summary>
    /// Trains on a stream of examples read afresh every epoch (for data larger than memory): <paramref name="epochSource"/>
    /// yields the examples of one epoch (in any order; a shuffling source gives better batches), and each run of
    /// <see cref="TrainerOptions.BatchSize"/> × 32 of them is sorted by length into mini-batches, so at most that many
    /// examples are held at once. No validation part: early stopping needs <see cref="Fit"/>.
    /// </summary>
    /// <param name="model">A many-to-one model.</param>
    /// <param name="epochSource">Called once per epoch (epoch number 1-based) to enumerate that epoch's examples in chunks.</param>
    /// <param name="options">How to train (<see cref="TrainerOptions.ValidationFraction"/> must be 0).</param>
    /// <exception cref="TrainingDivergedException">A batch's loss or gradient norm was not finite; the model holds the weights of the last completed epoch.</exception>
    /// <exception cref="OperationCanceledException"><see cref="TrainerOptions.CancellationToken"/> was cancelled.</exception>
    public static TrainingResult FitStreaming(SequenceModel model, Func<int, IEnumerable<SequenceDataset>> epochSource, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(epochSource);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ValidationFraction > 0f)
            ThrowHelper.ThrowArgument(nameof(options), "streaming training has no validation part; set ValidationFraction to 0");
        if (options.CheckpointPath is not null || options.ResumeFrom is not null)
            ThrowHelper.ThrowArgument(nameof(options), "streaming training cannot checkpoint (it cannot seek back into the stream); set CheckpointPath and ResumeFrom to null, or train with Fit");
        var rng = new Rng(options.Seed);
        using var session = CreateSession(model, options);
        var lastGood = new LastGoodWeights(session);
        var batch = new SequenceBatch();
        var classTargets = new int[options.BatchSize];
        float[] valueTargets = [];
        int[] order = [];
        var history = new List<EpochSummary>();
        var clock = Stopwatch.StartNew();
        bool validated = false;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            if (options.Schedule is not null) session.LearningRate = options.Schedule.GetLearningRate(epoch - 1);
            var epochStart = clock.Elapsed;
            double lossSum = 0;
            int seen = 0, batches = 0;
            float gradNorm = 0;
            foreach (var chunk in epochSource(epoch))
            {
                if (chunk.Count == 0) continue;
                if (!validated) { Validate(model, chunk, options); validated = true; }
                if (valueTargets.Length < options.BatchSize * chunk.TargetWidth) valueTargets = new float[options.BatchSize * chunk.TargetWidth];
                if (order.Length != chunk.Count) order = new int[chunk.Count]; // every chunk but the last has the same size
                foreach (var (start, count) in PlanBatches(chunk, options.BatchSize, rng, order))
                {
                    CheckCancelled(options, session, model, epoch, batches + 1);
                    Fill(batch, chunk, order.AsSpan(start, count), classTargets, valueTargets);
                    double loss = session.Step(batch, classTargets.AsSpan(0, count), valueTargets.AsSpan(0, count * chunk.TargetWidth), out gradNorm);
                    CheckFinite(loss, gradNorm, options, session, model, lastGood, epoch, batches + 1);
                    lossSum += loss * count;
                    seen += count;
                    batches++;
                    options.Progress?.Invoke(new TrainingProgress(epoch, options.Epochs, batches, 0, lossSum / seen, null, null, gradNorm, clock.Elapsed, false));
                }
            }
            if (seen == 0) ThrowHelper.ThrowArgument(nameof(epochSource), $"epoch {epoch} had no examples");
            if (!lastGood.Commit(epoch))
                Diverge(options, session, model, lastGood, epoch, batches, "the weights hold NaN or infinite values at the end of the epoch");
            double trainingLoss = lossSum / seen;
            history.Add(new EpochSummary(epoch, trainingLoss, null, null, (clock.Elapsed - epochStart).TotalSeconds));
            options.Progress?.Invoke(new TrainingProgress(epoch, options.Epochs, batches, batches, trainingLoss, null, null, gradNorm, clock.Elapsed, true));
        }
        session.Complete();
        model.Eval();
        return new TrainingResult(history, history.Count, false);
    }

    /// <summary>The number of examples <see cref="FitStreaming"/> sorts together: 32 batches.</summary>
    public static int StreamingChunkSize(int batchSize) => batchSize * PoolBatches;

    /// <summary>Runs <paramref name="model"/> in evaluation mode over every example: outputs [N, O] in the data's order.</summary>
    public static Tensor Predict(SequenceModel model, SequenceDataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(batchSize), batchSize, "batchSize must be positive");
        bool wasTraining = model.Training;
        model.Eval();
        var result = Predict(b => model.Forward(b), data, batchSize, model.Options.OutputSize);
        if (wasTraining) model.Train();
        return result;
    }

    /// <summary>Examples per batch when the trainer predicts (validation).</summary>
    private const int PredictionBatchSize = 256;

    /// <summary>Runs <paramref name="forward"/> (evaluation mode) over every example, longest first: outputs [N, O] in the data's order.</summary>
    private static Tensor Predict(Func<SequenceBatch, Tensor> forward, SequenceDataset data, int batchSize, int outputs)
    {
        var result = new Tensor(data.Count, outputs);
        var order = Enumerable.Range(0, data.Count).OrderByDescending(data.LengthOf).ToArray();
        var batch = new SequenceBatch();
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int count = Math.Min(batchSize, order.Length - start);
            ReadOnlySpan<int> members = order.AsSpan(start, count);
            Fill(batch, data, members, null, null);
            Tensor logits = forward(batch);
            for (int b = 0; b < count; b++) logits.Row(b).CopyTo(result.Row(members[b]));
        }
        return result;
    }

    /// <summary>Mean loss (and accuracy for cross-entropy) of <paramref name="model"/> on <paramref name="data"/>, in evaluation mode.</summary>
    public static (double Loss, double? Accuracy) Evaluate(SequenceModel model, SequenceDataset data, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        return Score(Predict(model, data), data, options);
    }

    /// <summary>Mean loss (and accuracy for cross-entropy) of the outputs [N, O] against the data's targets.</summary>
    private static (double Loss, double? Accuracy) Score(Tensor outputs, SequenceDataset data, TrainerOptions options)
    {
        int n = data.Count, o = outputs.Size(1);
        if (options.Loss == LossKind.CrossEntropy)
        {
            double loss = CrossEntropyLoss.Forward(outputs.Span, o, data.ClassTargets, default, options.ClassWeights);
            int correct = 0;
            for (int i = 0; i < n; i++)
            {
                var row = outputs.Row(i);
                int arg = 0;
                for (int c = 1; c < o; c++) if (row[c] > row[arg]) arg = c;
                if (arg == data.ClassTargets![i]) correct++;
            }
            return (loss, correct / (double)n);
        }
        return (ComputeLoss(options, outputs, default, data.ValueTargets, default), null);
    }

    /// <summary>Throws an <see cref="OperationCanceledException"/> before batch <paramref name="batch"/> when the run is cancelled, leaving the model with the weights after the last completed batch.</summary>
    private static void CheckCancelled(TrainerOptions options, ITrainingSession session, SequenceModel model, int epoch, int batch)
    {
        var token = options.CancellationToken;
        if (!token.IsCancellationRequested) return;
        session.Complete();
        model.Eval();
        throw new OperationCanceledException(
            $"Training was cancelled before batch {batch} of epoch {epoch} ({batch - 1} batches of that epoch done); the model holds the weights after the last completed batch.",
            token);
    }

    /// <summary>Stops a run whose batch <paramref name="batch"/> had a non-finite loss or gradient norm.</summary>
    private static void CheckFinite(double loss, float gradientNorm, TrainerOptions options, ITrainingSession session, SequenceModel model,
        LastGoodWeights lastGood, int epoch, int batch)
    {
        if (double.IsFinite(loss) && float.IsFinite(gradientNorm)) return;
        Diverge(options, session, model, lastGood, epoch, batch,
            $"the loss is {loss.ToString(CultureInfo.InvariantCulture)} and the gradient norm {gradientNorm.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>Sets the model back to the weights of the last completed epoch and throws a <see cref="TrainingDivergedException"/>.</summary>
    [DoesNotReturn]
    private static void Diverge(TrainerOptions options, ITrainingSession session, SequenceModel model, LastGoodWeights lastGood,
        int epoch, int batch, string what)
    {
        float learningRate = session.LearningRate;
        lastGood.Restore();
        session.Complete();
        model.Eval();
        string clip = options.GradientClipNorm > 0f
            ? $"lower GradientClipNorm (now {options.GradientClipNorm.ToString(CultureInfo.InvariantCulture)})"
            : "set GradientClipNorm (now 0, off; 5 is a common value)";
        string kept = lastGood.Epoch == 0 ? "its starting weights" : $"the weights of epoch {lastGood.Epoch}, the last completed one";
        throw new TrainingDivergedException(
            $"Training diverged at epoch {epoch}, batch {batch}: {what}. Lower LearningRate (now {learningRate.ToString(CultureInfo.InvariantCulture)}) or {clip}, "
            + $"and check the data for NaN or infinite values. The model keeps {kept}.",
            epoch, batch, lastGood.Epoch);
    }

    /// <summary>
    /// The weights of the last completed epoch (the starting weights before the first), copied at the end of every epoch
    /// (two buffers, swapped), so a diverging run can be set back to finite weights.
    /// </summary>
    private sealed class LastGoodWeights(ITrainingSession session)
    {
        private float[][] _weights = session.Snapshot(null);
        private float[][]? _spare;

        /// <summary>The epoch the kept weights are from; 0 for the starting weights.</summary>
        public int Epoch { get; private set; }

        /// <summary>The kept weights, in parameter order.</summary>
        public float[][] Weights => _weights;

        /// <summary>Replaces the kept weights with those of <paramref name="epoch"/> (from a checkpoint).</summary>
        public void Set(float[][] weights, int epoch) => (_weights, Epoch) = (weights, epoch);

        /// <summary>Keeps the current weights as those of <paramref name="epoch"/>; false (keeping the older ones) when any is not finite.</summary>
        public bool Commit(int epoch)
        {
            _spare = session.Snapshot(_spare);
            foreach (var tensor in _spare)
                if (!AllFinite(tensor)) return false;
            (_weights, _spare) = (_spare, _weights);
            Epoch = epoch;
            return true;
        }

        public void Restore() => session.Restore(_weights);

        private static bool AllFinite(ReadOnlySpan<float> values)
        {
            foreach (float v in values)
                if (!float.IsFinite(v)) return false;
            return true;
        }
    }

    private static ITrainingSession CreateSession(SequenceModel model, TrainerOptions options) =>
        options.Backend?.CreateSession(model, options) ?? new ManagedSession(model, options);

    private static double ComputeLoss(TrainerOptions options, Tensor logits, ReadOnlySpan<int> classTargets, ReadOnlySpan<float> valueTargets,
        Span<float> dLogits) => options.Loss switch
        {
            LossKind.CrossEntropy => CrossEntropyLoss.Forward(logits.Span, logits.Size(1), classTargets, dLogits, options.ClassWeights),
            LossKind.Mse => MseLoss.Forward(logits.Span, valueTargets, dLogits),
            _ => HuberLoss.Forward(logits.Span, valueTargets, dLogits, options.HuberDelta),
        };

    /// <summary>The managed engine: trains the model in place with Rnn.Core's optimisers.</summary>
    private sealed class ManagedSession(SequenceModel model, TrainerOptions options) : ITrainingSession
    {
        private readonly Optimizer _optimizer = CreateOptimizer(model, options);
        private readonly Tensor _dLogits = new(0);

        /// <summary>The optimiser, whose state a checkpoint saves.</summary>
        public Optimizer Optimizer => _optimizer;


        public float LearningRate
        {
            get => _optimizer.LearningRate;
            set => _optimizer.LearningRate = value;
        }

        public double Step(SequenceBatch batch, ReadOnlySpan<int> classTargets, ReadOnlySpan<float> valueTargets, out float gradientNorm)
        {
            if (!model.Training) model.Train();
            _optimizer.ZeroGrad();
            Tensor logits = model.Forward(batch);
            _dLogits.Resize(logits.Shape);
            double loss = ComputeLoss(options, logits, classTargets, valueTargets, _dLogits.Span);
            model.Backward(_dLogits);
            gradientNorm = options.GradientClipNorm > 0f
                ? GradientClipping.ClipGradNorm(model.Parameters.Values, options.GradientClipNorm)
                : GradientClipping.GlobalGradNorm(model.Parameters.Values);
            _optimizer.Step();
            return loss;
        }

        public Tensor Predict(SequenceBatch batch)
        {
            if (model.Training) model.Eval();
            return model.Forward(batch);
        }

        public float[][] Snapshot(float[][]? into) => ParameterValues.Snapshot(model.Parameters, into);

        public void Restore(float[][] saved) => ParameterValues.Restore(model.Parameters, saved);

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }

    private static void Fill(SequenceBatch batch, SequenceDataset data, ReadOnlySpan<int> members, int[]? classTargets, float[]? valueTargets)
    {
        int steps = 0;
        foreach (int i in members) steps = Math.Max(steps, data.LengthOf(i));
        if (data.Tokens is not null) batch.ResetTokens(members.Length, steps);
        else batch.ResetValues(members.Length, steps, data.Features);
        for (int b = 0; b < members.Length; b++)
        {
            int i = members[b];
            if (data.Tokens is not null) data.Tokens[i].CopyTo(batch.Tokens.Slice(b * steps));
            else data.Values![i].CopyTo(batch.Values.Slice(b * steps * data.Features));
            batch.Lengths[b] = data.LengthOf(i);
            if (classTargets is not null && data.ClassTargets is not null) classTargets[b] = data.ClassTargets[i];
            if (valueTargets is not null && data.ValueTargets is not null)
                data.ValueTargets.AsSpan(i * data.TargetWidth, data.TargetWidth).CopyTo(valueTargets.AsSpan(b * data.TargetWidth));
        }
        batch.Seal();
    }

    /// <summary>
    /// Shuffles the examples, sorts each pool of <see cref="PoolBatches"/> batches by length, cuts it into batches and
    /// shuffles the batch order: every batch holds sequences of similar length, and the epoch stays random.
    /// </summary>
    private static List<(int Start, int Count)> PlanBatches(SequenceDataset data, int batchSize, Rng rng, int[] order)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        rng.Shuffle(order.AsSpan());
        int pool = batchSize * PoolBatches;
        var keys = new int[Math.Min(pool, order.Length)];
        for (int start = 0; start < order.Length; start += pool)
        {
            int count = Math.Min(pool, order.Length - start);
            Span<int> slice = order.AsSpan(start, count);
            for (int i = 0; i < count; i++) keys[i] = -data.LengthOf(slice[i]);
            keys.AsSpan(0, count).Sort(slice);
        }
        var batches = new List<(int, int)>();
        for (int start = 0; start < order.Length; start += batchSize) batches.Add((start, Math.Min(batchSize, order.Length - start)));
        var shuffled = batches.ToArray();
        rng.Shuffle(shuffled.AsSpan());
        return [.. shuffled];
    }

    private static (SequenceDataset Train, SequenceDataset Validation) Split(SequenceDataset data, float fraction, Rng rng)
    {
        var order = Enumerable.Range(0, data.Count).ToArray();
        rng.Shuffle(order.AsSpan());
        int held = Math.Clamp((int)Math.Round(data.Count * fraction), 1, data.Count - 1);
        return (data.Subset(order.AsSpan(held)), data.Subset(order.AsSpan(0, held)));
    }

    private static Optimizer CreateOptimizer(SequenceModel model, TrainerOptions options) => options.Optimizer switch
    {
        OptimizerKind.Adam => new Adam(model.Parameters.Values, options.LearningRate, weightDecay: options.WeightDecay),
        OptimizerKind.AdamW => new AdamW(model.Parameters.Values, options.LearningRate, weightDecay: options.WeightDecay),
        _ => new Sgd(model.Parameters.Values, options.LearningRate, momentum: 0.9f, weightDecay: options.WeightDecay),
    };

    private static void Validate(SequenceModel model, SequenceDataset data, TrainerOptions o)
    {
        if (model.IsPerStep) ThrowHelper.ThrowArgument(nameof(model), "SequenceTrainer trains many-to-one models; this model has a head at every step");
        if (o.Epochs <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.Epochs), o.Epochs, "Epochs must be positive");
        if (o.BatchSize <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.BatchSize), o.BatchSize, "BatchSize must be positive");
        if (o.CheckpointEveryBatches <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.CheckpointEveryBatches), o.CheckpointEveryBatches, "CheckpointEveryBatches must be positive");
        if (!(o.LearningRate > 0f)) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.LearningRate), o.LearningRate, "LearningRate must be positive");
        if (!(o.ValidationFraction >= 0f && o.ValidationFraction < 1f)) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.ValidationFraction), o.ValidationFraction, "ValidationFraction must be in [0, 1)");
        if (o.AverageLastEpochs < 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.AverageLastEpochs), o.AverageLastEpochs, "AverageLastEpochs must be 0 (off) or positive");
        if (data.Count == 0) ThrowHelper.ThrowArgument(nameof(data), "the training data is empty");
        if (model.Options.UsesTokens != (data.Tokens is not null))
            ThrowHelper.ThrowArgument(nameof(data), model.Options.UsesTokens ? "the model takes token ids, the data holds float steps" : "the model takes float steps, the data holds token ids");
        if (o.Loss == LossKind.CrossEntropy)
        {
            if (data.ClassTargets is null) ThrowHelper.ThrowArgument(nameof(data), "cross-entropy needs class targets");
            int classes = model.Options.OutputSize;
            for (int i = 0; i < data.Count; i++)
                if ((uint)data.ClassTargets[i] >= (uint)classes)
                    ThrowHelper.ThrowArgumentOutOfRange(nameof(data), data.ClassTargets[i], $"example {i} has class {data.ClassTargets[i]}, outside 0..{classes - 1}");
        }
        else
        {
            if (data.ValueTargets is null) ThrowHelper.ThrowArgument(nameof(data), $"{o.Loss} needs float targets");
            if (data.TargetWidth != model.Options.OutputSize)
                ThrowHelper.ThrowArgument(nameof(data), $"targets have width {data.TargetWidth}, the model outputs {model.Options.OutputSize}");
        }
    }
}
