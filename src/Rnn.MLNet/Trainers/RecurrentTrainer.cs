using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Training;
using Rnn.MLNet.Scoring;

namespace Rnn.MLNet;

/// <summary>What a recurrent trainer predicts.</summary>
public enum RecurrentTask
{
    /// <summary>Two classes: Score, Probability, PredictedLabel (Boolean).</summary>
    BinaryClassification,

    /// <summary>K classes: Score (vector of K probabilities), PredictedLabel (key).</summary>
    MulticlassClassification,

    /// <summary>A real value: Score.</summary>
    Regression,
}

/// <summary>
/// The recurrent trainer behind <c>BinaryClassification.Trainers.Recurrent</c>, <c>MulticlassClassification.Trainers.Recurrent</c>
/// and <c>Regression.Trainers.Recurrent</c>: an estimator that reads one sequence per row from the feature column, trains
/// an RNN/LSTM/GRU network on it (see <see cref="RecurrentTrainerOptions"/>) and yields a <see cref="RecurrentPredictionTransformer"/>
/// made of ML.NET built-ins, so <c>ml.Model.Save</c> and <c>ml.Model.Load</c> handle it like any other transformer.
/// </summary>
/// <remarks>
/// <para>Estimator characteristics: needs training; input: a key vector or a Single vector feature column and a label
/// column (binary: Boolean, or Single/Double with values 0 and 1; multiclass: a key; regression: Single or Double);
/// output: ML.NET's scoring columns for the task.</para>
/// <para>Training reads every row into memory once, then trains on length-bucketed mini-batches.</para>
/// </remarks>
public sealed partial class RecurrentTrainer : IEstimator<RecurrentPredictionTransformer>
{
    private readonly RecurrentTrainerOptions _options;
    private readonly IHostEnvironment? _environment;

    internal RecurrentTrainer(IHostEnvironment? environment, RecurrentTask task, RecurrentTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _environment = environment;
        Task = task;
        _options = options.Clone();
        Validate(_options);
    }

    /// <summary>What the trainer predicts.</summary>
    public RecurrentTask Task { get; }

    /// <summary>How many vocabulary words the pretrained embeddings file covered in the last <see cref="Fit"/>, or null without one.</summary>
    public (int Found, int Vocabulary)? PretrainedCoverage { get; private set; }

    /// <summary>The outcome of the last <see cref="Fit"/>: per-epoch losses, the epoch kept, whether it stopped early.</summary>
    public TrainingResult? LastTrainingResult { get; private set; }

    /// <inheritdoc/>
    public RecurrentPredictionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var features = SequenceFeatures.FromSchema(input.Schema, _options.FeatureColumnName, _options.StepSize, _options.MaximumSequenceLength);
        var labelColumn = SequenceFeatures.FindColumn(input.Schema, _options.LabelColumnName, "label");
        var labels = TrainingLabelReader.Create(Task, labelColumn);
        var featureColumn = input.Schema[_options.FeatureColumnName];

        int outputs = Task switch
        {
            RecurrentTask.BinaryClassification => 2,
            RecurrentTask.MulticlassClassification => labels.ClassCount,
            _ => 1,
        };
        var host = CatalogContext.Host(_environment, nameof(RecurrentTrainer));
        int seed = _options.Seed ?? host.Rand.Next();
        var modelOptions = ModelOptions(_options, features, outputs, seed);
        if (modelOptions.WideBuckets > 0) modelOptions = modelOptions with { TokenTexts = TokenTexts(featureColumn, features.KeyCount) };
        if (_options.ClassWeights is { } weights && weights.Length != outputs && Task != RecurrentTask.Regression)
            throw new ArgumentException($"ClassWeights has {weights.Length} entries, the task has {outputs} classes.", nameof(input));
        if (!_options.CacheData && _options.ValidationFraction > 0f)
            throw new ArgumentException("ValidationFraction needs CacheData = true (a streamed view has no held-out part).", nameof(input));
        if (!_options.CacheData && (_options.CheckpointPath is not null || _options.ResumeFrom is not null))
            throw new ArgumentException("CheckpointPath and ResumeFrom need CacheData = true (a resumed fit cannot seek back into a streamed view).", nameof(input));
        var model = new SequenceModel(modelOptions);
        if (features.IsKey) PrepareEmbedding(model, featureColumn);
        // One token for both ways to stop: the option's token, and the context's cancellation (ML.NET exposes no token for
        // it), polled before the first batch and after every batch, so the trainer's check before the next batch sees it.
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_options.CancellationToken);
        void PollContext()
        {
            if (CatalogContext.IsCanceled(host)) cancellation.Cancel();
        }
        PollContext();
        var userProgress = _options.Progress;
        Action<TrainingProgress> progress = p =>
        {
            userProgress?.Invoke(p);
            PollContext();
        };
        var trainerOptions = new TrainerOptions
        {
            Epochs = _options.Epochs,
            BatchSize = _options.BatchSize,
            LearningRate = _options.LearningRate,
            Optimizer = (OptimizerKind)_options.Optimizer,
            WeightDecay = _options.L2Regularization,
            GradientClipNorm = _options.GradientClipNorm,
            Loss = Task == RecurrentTask.Regression ? LossKind.Mse : LossKind.CrossEntropy,
            ClassWeights = Task == RecurrentTask.Regression ? null : _options.ClassWeights,
            ValidationFraction = _options.ValidationFraction,
            EarlyStoppingPatience = _options.EarlyStoppingPatience,
            AverageLastEpochs = Math.Min(_options.AverageLastEpochs ?? (features.IsKey ? _options.Epochs : 0), _options.Epochs / 2),
            Seed = seed,
            Progress = progress,
            CancellationToken = cancellation.Token,
            CheckpointPath = _options.CheckpointPath,
            CheckpointEveryBatches = _options.CheckpointEveryBatches,
            ResumeFrom = _options.ResumeFrom,
            Backend = TrainingBackendLoader.Create(_options, _environment),
        };
        _skipped = 0;
        try
        {
            Train(model, input, features, featureColumn, labelColumn, labels, trainerOptions, seed);
        }
        catch (OperationCanceledException e) when (e.CancellationToken == cancellation.Token)
        {
            // Report the caller's own token (or none when the context was cancelled), not the linked one.
            bool byContext = !_options.CancellationToken.IsCancellationRequested;
            throw new OperationCanceledException(
                byContext ? $"{e.Message} Cancelled by the MLContext's CancelExecution." : e.Message, e,
                byContext ? CancellationToken.None : _options.CancellationToken);
        }
        if (_skipped > 0)
            CatalogContext.Info(host, $"RecurrentTrainer: skipped {_skipped} training rows with a missing label or an empty sequence.");
        LastSkippedRows = _skipped;
        var recurrent = new RecurrentModel(Task, features, model, labels.Names, LastTrainingResult, _skipped);
        return Create(recurrent, input);
    }

    /// <summary>Reads the rows (once, or every epoch when streaming) and trains <paramref name="model"/>; sets <see cref="LastTrainingResult"/>.</summary>
    private void Train(SequenceModel model, IDataView input, SequenceFeatures features, DataViewSchema.Column featureColumn,
        DataViewSchema.Column labelColumn, TrainingLabelReader labels, TrainerOptions trainerOptions, int seed)
    {
        if (_options.CacheData)
        {
            var data = ReadChunks(input, features, featureColumn, labelColumn, labels, int.MaxValue).FirstOrDefault()
                ?? throw new ArgumentException($"The training data has no usable rows (feature column '{_options.FeatureColumnName}', label column '{_options.LabelColumnName}'; {_skipped} rows skipped for a missing label or an empty sequence).", nameof(input));
            LastTrainingResult = SequenceTrainer.Fit(model, data, trainerOptions);
        }
        else
        {
            int chunk = SequenceTrainer.StreamingChunkSize(_options.BatchSize);
            var ml = new MLContext(seed);
            LastTrainingResult = SequenceTrainer.FitStreaming(model, epoch =>
            {
                // Each epoch reads the view again through a bounded shuffle pool (a fresh order per epoch).
                _skipped = 0;
                var shuffled = ml.Data.ShuffleRows(input, seed: unchecked(seed + epoch), shufflePoolSize: chunk);
                return ReadChunks(shuffled, features, shuffled.Schema[_options.FeatureColumnName], shuffled.Schema[_options.LabelColumnName], labels, chunk);
            }, trainerOptions);
        }
    }

    /// <summary>
    /// The transformer of a fitted model: the chain of ML.NET built-ins that carries and scores it, fitted on
    /// <paramref name="input"/> (for its schema: none of them reads a row to fit).
    /// </summary>
    internal static RecurrentPredictionTransformer Create(RecurrentModel model, IDataView input)
    {
        string payload = model.ToPayload();
        var estimator = ScoringChain.Create(new MLContext(), model.Task, model.UsesTokens, model.FeatureColumnName, payload, model.LabelNames);
        return new RecurrentPredictionTransformer(model, payload, estimator.Fit(input));
    }

    /// <summary>Rows skipped in the last <see cref="Fit"/> for a missing label or an empty sequence.</summary>
    public long LastSkippedRows { get; private set; }

    private long _skipped;

    /// <summary>
    /// Reads the rows of <paramref name="input"/> as datasets of at most <paramref name="chunkSize"/> examples. A chunk's
    /// sequence arrays are reused by the next chunk (slot by slot, when the length matches), so a consumer must be done
    /// with one chunk before asking for the next: streaming then allocates no array per row once the first chunk is read,
    /// instead of leaving a chunk's worth of them (long-lived, so promoted to generation 2) as garbage every chunk.
    /// </summary>
    private IEnumerable<SequenceDataset> ReadChunks(IDataView input, SequenceFeatures features, DataViewSchema.Column featureColumn,
        DataViewSchema.Column labelColumn, TrainingLabelReader labels, int chunkSize)
    {
        var tokens = new List<int[]>();
        var values = new List<float[]>();
        int count = 0; // rows in the current chunk; tokens or values may hold more slots, from the previous chunk
        var classTargets = new List<int>();
        var valueTargets = new List<float>();
        using var cursor = input.GetRowCursor([featureColumn, labelColumn]);
        var reader = new SequenceFeatures.RowReader(features, cursor, featureColumn);
        var labelGetter = labels.Bind(cursor);
        while (true)
        {
            bool more = cursor.MoveNext();
            if (more)
            {
                long row = cursor.Position;
                float value = 0;
                int label = 0;
                if (Task == RecurrentTask.Regression) value = labelGetter.ReadValue(row);
                else label = labelGetter.ReadClass(row);
                if (float.IsNaN(value) || label < 0 || reader.RawLength() == 0)
                {
                    _skipped++; // ML.NET's trainers skip rows with a missing label; an empty sequence has nothing to learn from
                    continue;
                }
                if (features.IsKey) Put(tokens, count, reader.Tokens(row));
                else Put(values, count, reader.Steps(row));
                count++;
                if (Task == RecurrentTask.Regression) valueTargets.Add(value);
                else classTargets.Add(label);
            }
            if (count > 0 && (!more || count == chunkSize))
            {
                Trim(tokens, count); // only the last chunk can be shorter than the one before it
                Trim(values, count);
                yield return Task == RecurrentTask.Regression
                    ? (features.IsKey ? SequenceDataset.FromTokens(tokens, valueTargets.ToArray(), 1) : SequenceDataset.FromValues(values, features.StepSize, valueTargets.ToArray(), 1))
                    : (features.IsKey ? SequenceDataset.FromTokens(tokens, classTargets.ToArray()) : SequenceDataset.FromValues(values, features.StepSize, classTargets.ToArray()));
                count = 0;
                classTargets.Clear();
                valueTargets.Clear();
            }
            if (!more) yield break;
        }
    }

    /// <summary>Puts <paramref name="row"/> in slot <paramref name="index"/>, reusing the array there when it has the row's length.</summary>
    private static void Put<T>(List<T[]> rows, int index, ReadOnlySpan<T> row)
    {
        if (index == rows.Count) rows.Add(row.ToArray());
        else if (rows[index].Length == row.Length) row.CopyTo(rows[index]);
        else rows[index] = row.ToArray();
    }

    private static void Trim<T>(List<T[]> rows, int count)
    {
        if (rows.Count > count) rows.RemoveRange(count, rows.Count - count);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var feature = inputSchema.FirstOrDefault(c => c.Name == _options.FeatureColumnName);
        if (feature.Name is null)
            throw new ArgumentException($"Feature column '{_options.FeatureColumnName}' not found in the input schema.", nameof(inputSchema));
        bool keyVector = feature.Kind != SchemaShape.Column.VectorKind.Scalar && feature.IsKey;
        bool floatVector = feature.Kind != SchemaShape.Column.VectorKind.Scalar && !feature.IsKey && feature.ItemType.RawType == typeof(float);
        if (!keyVector && !floatVector)
            throw new ArgumentException($"Feature column '{_options.FeatureColumnName}' is {feature}; the recurrent trainers need a vector of keys or a vector of Single.", nameof(inputSchema));
        var label = inputSchema.FirstOrDefault(c => c.Name == _options.LabelColumnName);
        if (label.Name is null)
            throw new ArgumentException($"Label column '{_options.LabelColumnName}' not found in the input schema.", nameof(inputSchema));
        if (Task == RecurrentTask.MulticlassClassification && !label.IsKey)
            throw new ArgumentException($"Label column '{_options.LabelColumnName}' is {label}, expected a key (use Transforms.Conversion.MapValueToKey on the label).", nameof(inputSchema));
        // The shape of the same chain of built-ins the fitted transformer is made of.
        string[]? names = Task == RecurrentTask.MulticlassClassification ? ["1", "2"] : null;
        return ScoringChain.Create(new MLContext(), Task, keyVector, _options.FeatureColumnName, "", names).GetOutputSchema(inputSchema);
    }

    private void PrepareEmbedding(SequenceModel model, DataViewSchema.Column featureColumn)
    {
        var embedding = model.Embedding!.Weight;
        if (_options.PretrainedEmbeddingsPath is { } path)
        {
            if (featureColumn.Annotations.Schema.GetColumnOrNull(TrainingLabelReader.KeyValuesKind)?.Type is not VectorDataViewType { ItemType: TextDataViewType })
                throw new ArgumentException($"Feature column '{featureColumn.Name}' has no text key values, so pretrained word vectors cannot be aligned to it (MapValueToKey on text keeps them).");
            VBuffer<ReadOnlyMemory<char>> keyValues = default;
            featureColumn.Annotations.GetValue(TrainingLabelReader.KeyValuesKind, ref keyValues);
            var vocabulary = keyValues.DenseValues().Select(v => v.ToString()).ToArray();
            // Key k (1..Count) is embedding row k; row 0 is the missing key.
            int found = WordVectors.LoadInto(path, vocabulary, embedding.Value, rowOffset: 1);
            PretrainedCoverage = (found, vocabulary.Length);
        }
        else
        {
            PretrainedCoverage = null;
        }
        embedding.RequiresGrad = !_options.FreezeEmbeddings;
    }

    internal static SequenceModelOptions ModelOptions(RecurrentTrainerOptions o, SequenceFeatures features, int outputs, int seed) => new()
    {
        Cell = (CellType)o.Cell,
        Nonlinearity = (Nonlinearity)o.Nonlinearity,
        VocabularySize = features.VocabularySize,
        PaddingIndex = features.IsKey ? 0 : null,
        EmbeddingSize = o.EmbeddingSize,
        InputSize = features.StepSize,
        HiddenSize = o.HiddenSize,
        NumLayers = o.NumberOfLayers,
        Bidirectional = o.Bidirectional,
        Dropout = o.Dropout,
        EmbeddingDropout = features.IsKey ? o.EmbeddingDropout : 0f,
        TokenDropout = features.IsKey ? o.TokenDropout : 0f,
        Pooling = (PoolingKind)(o.Pooling ?? (features.IsKey ? RecurrentPooling.Mean : RecurrentPooling.Last)),
        WideBuckets = features.IsKey ? WideBuckets(o) : 0,
        WideCharNGrams = features.IsKey ? o.WideCharNGrams : 0,
        WideFeatureScale = o.WideFeatureScale,
        OutputSize = outputs,
        Seed = seed,
    };

    private static void Validate(RecurrentTrainerOptions options)
    {
        if (string.IsNullOrEmpty(options.LabelColumnName)) throw new ArgumentException("LabelColumnName must name a column.", nameof(options));
        if (string.IsNullOrEmpty(options.FeatureColumnName)) throw new ArgumentException("FeatureColumnName must name a column.", nameof(options));
        Check(options.HiddenSize > 0, options.HiddenSize, "HiddenSize must be positive");
        Check(options.NumberOfLayers > 0, options.NumberOfLayers, "NumberOfLayers must be positive");
        Check(options.EmbeddingSize > 0, options.EmbeddingSize, "EmbeddingSize must be positive");
        Check(options.StepSize > 0, options.StepSize, "StepSize must be positive");
        Check(options.Epochs > 0, options.Epochs, "Epochs must be positive");
        Check(options.BatchSize > 0, options.BatchSize, "BatchSize must be positive");
        Check(options.MaximumSequenceLength >= 0, options.MaximumSequenceLength, "MaximumSequenceLength must be 0 (no limit) or positive");
        Check(options.LearningRate > 0f, options.LearningRate, "LearningRate must be positive");
        Check(options.Dropout >= 0f && options.Dropout < 1f, options.Dropout, "Dropout must be in [0, 1)");
        Check(options.EmbeddingDropout >= 0f && options.EmbeddingDropout < 1f, options.EmbeddingDropout, "EmbeddingDropout must be in [0, 1)");
        Check(options.TokenDropout >= 0f && options.TokenDropout < 1f, options.TokenDropout, "TokenDropout must be in [0, 1)");
        Check(options.ValidationFraction >= 0f && options.ValidationFraction < 1f, options.ValidationFraction, "ValidationFraction must be in [0, 1)");
        Check(options.GradientClipNorm >= 0f, options.GradientClipNorm, "GradientClipNorm must be 0 (off) or positive");
        Check(options.WideBuckets is null or (>= 0 and <= MaxWideBuckets), options.WideBuckets ?? 0, $"WideBuckets must be null (automatic), 0 (off) or in 1..{MaxWideBuckets}");
        CheckWideBackend(options);
        Check(options.WideCharNGrams is 0 or (>= 3 and <= 8), options.WideCharNGrams, "WideCharNGrams must be 0 (none) or in 3..8");
        Check(options.WideFeatureScale > 0f && float.IsFinite(options.WideFeatureScale), options.WideFeatureScale, "WideFeatureScale must be positive and finite");
        Check(options.AverageLastEpochs is null or >= 0, options.AverageLastEpochs ?? 0, "AverageLastEpochs must be null (automatic), 0 (off) or positive");
        Check(options.EarlyStoppingPatience >= 0, options.EarlyStoppingPatience, "EarlyStoppingPatience must be 0 (off) or positive");

        static void Check(bool ok, object value, string message)
        {
            if (!ok) throw new ArgumentOutOfRangeException(nameof(options), value, $"RecurrentTrainerOptions.{message}, got {value}.");
        }
    }
}
