using Rnn.Core.Training;

namespace Rnn.MLNet;

/// <summary>The recurrent cell of a recurrent trainer.</summary>
public enum RecurrentCellType
{
    /// <summary>Vanilla (Elman) RNN, PyTorch's <c>nn.RNN</c>.</summary>
    Rnn,

    /// <summary>Long short-term memory, PyTorch's <c>nn.LSTM</c>.</summary>
    Lstm,

    /// <summary>Gated recurrent unit, PyTorch's <c>nn.GRU</c>.</summary>
    Gru,
}

/// <summary>Activation of a vanilla <see cref="RecurrentCellType.Rnn"/> cell.</summary>
public enum RecurrentNonlinearity
{
    /// <summary>tanh (PyTorch's default).</summary>
    Tanh,

    /// <summary>max(0, x).</summary>
    Relu,
}

/// <summary>How the outputs of a sequence's steps become one vector for the prediction head.</summary>
public enum RecurrentPooling
{
    /// <summary>The last valid step (for a bidirectional layer: forward at the last step, reverse at the first).</summary>
    Last,

    /// <summary>The mean over the valid steps.</summary>
    Mean,

    /// <summary>The element-wise maximum over the valid steps.</summary>
    Max,
}

/// <summary>The optimiser of a recurrent trainer.</summary>
public enum RecurrentOptimizer
{
    /// <summary>Adam (weight decay as L2 added to the gradient).</summary>
    Adam,

    /// <summary>AdamW (decoupled weight decay).</summary>
    AdamW,

    /// <summary>SGD with momentum 0.9.</summary>
    Sgd,
}

/// <summary>
/// Options of the recurrent trainers (<c>BinaryClassification.Trainers.Recurrent</c>,
/// <c>MulticlassClassification.Trainers.Recurrent</c>, <c>Regression.Trainers.Recurrent</c>).
/// Every default is stated on its property.
/// </summary>
/// <remarks>
/// <para>The feature column holds one sequence per row, either a vector of keys (token ids from
/// <c>MapValueToKey</c>; an embedding of <see cref="EmbeddingSize"/> is learned, key 0 — missing — gets a row of
/// its own) or a vector of <see cref="float"/> holding T steps × <see cref="StepSize"/> features. Vectors may
/// have variable length; a row with no steps counts as one missing token (keys) and is an error (floats).</para>
/// <para>The network: embedding (keys) → <see cref="NumberOfLayers"/> recurrent layers of <see cref="HiddenSize"/>
/// units (twice with <see cref="Bidirectional"/>) → <see cref="Pooling"/> over the valid steps → dropout → linear head.</para>
/// </remarks>
public sealed class RecurrentTrainerOptions
{
    /// <summary>The label column. Default "Label".</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>The feature column (a key vector or a float vector). Default "Features".</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The recurrent cell. Default <see cref="RecurrentCellType.Lstm"/>.</summary>
    public RecurrentCellType Cell { get; set; } = RecurrentCellType.Lstm;

    /// <summary>Activation of the <see cref="RecurrentCellType.Rnn"/> cell. Default tanh.</summary>
    public RecurrentNonlinearity Nonlinearity { get; set; } = RecurrentNonlinearity.Tanh;

    /// <summary>Hidden units per direction. Default 64.</summary>
    public int HiddenSize { get; set; } = 64;

    /// <summary>Stacked recurrent layers. Default 1.</summary>
    public int NumberOfLayers { get; set; } = 1;

    /// <summary>Read each sequence in both directions. Default false.</summary>
    public bool Bidirectional { get; set; }

    /// <summary>Dropout between recurrent layers and before the head, in [0, 1). Default 0.</summary>
    public float Dropout { get; set; }

    /// <summary>Width of the learned token embedding (key features only). Default 64.</summary>
    public int EmbeddingSize { get; set; } = 64;

    /// <summary>
    /// Dropout on the embedded tokens, in [0, 1) (key features only). Default 0.3: small text sets overfit on their rare
    /// words without it (on yelp_labelled it lifts held-out accuracy by about 4 points).
    /// </summary>
    public float EmbeddingDropout { get; set; } = 0.3f;

    /// <summary>
    /// A word-vector text file (GloVe or word2vec text format: <c>word v1 ... vd</c> per line) to initialise the embedding
    /// from, aligned to the key column's vocabulary (its key values); <see cref="EmbeddingSize"/> must equal the file's
    /// dimension. Words the file lacks keep a random initialisation. Null for none. Default null.
    /// </summary>
    public string? PretrainedEmbeddingsPath { get; set; }

    /// <summary>Keep the embedding fixed during training (useful with <see cref="PretrainedEmbeddingsPath"/>). Default false.</summary>
    public bool FreezeEmbeddings { get; set; }

    /// <summary>
    /// Word dropout, in [0, 1) (key features only): during training each token is replaced by the missing key (a zero
    /// embedding, like a word never seen) with this probability. Default 0.2 (with <see cref="EmbeddingDropout"/> 0.3 the
    /// best of the settings tried on yelp_labelled over 10 splits).
    /// </summary>
    public float TokenDropout { get; set; } = 0.2f;

    /// <summary>
    /// Hash buckets N of the wide path (key features only; ignored for float steps): a linear bag of each sequence's words,
    /// adjacent-word bigrams and (see <see cref="WideCharNGrams"/>) the character n-grams of its words, read from the key
    /// column's text key values, trained with the network and added to its logits (wide and deep), so the model contains a
    /// linear bag-of-words classifier as ML.NET's FeaturizeText + a linear trainer builds one. It costs N × classes floats
    /// in the saved model (1 MB for binary at 2^17); ONNX export writes it into the graph. 0 turns it off. Null (the
    /// default) is 131072 (2^17) on <see cref="RecurrentBackend.Managed"/> and 0 on
    /// <see cref="RecurrentBackend.TorchSharp"/>, which does not train the wide path (a positive value with it throws a
    /// <see cref="NotSupportedException"/>). On yelp_labelled the wide path lifts accuracy from 0.78 to 0.83
    /// (docs/text-classification.md). Default null.
    /// </summary>
    public int? WideBuckets { get; set; }

    /// <summary>
    /// Longest character n-gram of the wide path's words: n-grams of length 3..this of each vocabulary word (marked
    /// "&lt;word&gt;", as fastText does), so rare forms of a word share weights with common ones; 0 for none; 0 or 3..8.
    /// Needs text key values (MapValueToKey on text), else only word and bigram features are used. Default 5.
    /// </summary>
    public int WideCharNGrams { get; set; } = 5;

    /// <summary>
    /// The value of a present wide-path feature before each feature group's L2 normalisation, positive. Adam's steps do not
    /// depend on the gradient's scale, so this multiplies how fast the wide path learns relative to the network (it is a
    /// per-path learning-rate factor that the saved model carries). Default 10 (3 to 10 were best on yelp_labelled's
    /// validation parts, 30 over-fitted).
    /// </summary>
    public float WideFeatureScale { get; set; } = 10f;

    /// <summary>
    /// Polyak (stochastic weight) averaging: the model ends with the mean of its weights at the end of each of the last
    /// this many epochs (at most half of <see cref="Epochs"/>); 0 keeps the last epoch's weights. Ignored with a
    /// <see cref="ValidationFraction"/> (the best epoch is kept) and when streaming (<see cref="CacheData"/> false). Null averages the last half of the epochs for key
    /// features and none for float steps. Default null.
    /// </summary>
    public int? AverageLastEpochs { get; set; }

    /// <summary>Features per step F of a float feature vector (T × F values, step-major). Default 1.</summary>
    public int StepSize { get; set; } = 1;

    /// <summary>Keep at most this many steps of each sequence (the first ones); 0 keeps all. Default 0.</summary>
    public int MaximumSequenceLength { get; set; }

    /// <summary>
    /// How step outputs are pooled; null picks by the feature column: <see cref="RecurrentPooling.Mean"/> for token keys
    /// (every word counts), <see cref="RecurrentPooling.Last"/> for float steps (the latest state, as forecasting wants).
    /// Default null.
    /// </summary>
    public RecurrentPooling? Pooling { get; set; }

    /// <summary>Passes over the training data. Default 10.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Sequences per mini-batch (grouped by similar length). Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Learning rate. Default 3e-3.</summary>
    public float LearningRate { get; set; } = 3e-3f;

    /// <summary>Optimiser. Default <see cref="RecurrentOptimizer.Adam"/>.</summary>
    public RecurrentOptimizer Optimizer { get; set; } = RecurrentOptimizer.Adam;

    /// <summary>Clip the global gradient norm to this value; 0 disables clipping. Default 5.</summary>
    public float GradientClipNorm { get; set; } = 5f;

    /// <summary>Weight decay (L2 for Adam and SGD, decoupled for AdamW). Default 0.</summary>
    public float L2Regularization { get; set; }

    /// <summary>Share of the training rows held out for early stopping, in [0, 1); 0 trains on all rows. Default 0.</summary>
    public float ValidationFraction { get; set; }

    /// <summary>Epochs without a better validation loss before training stops (0: never). Default 3.</summary>
    public int EarlyStoppingPatience { get; set; } = 3;

    /// <summary>Per-class loss weights for classification ([2] for binary: negative, positive), or null. Default null.</summary>
    public float[]? ClassWeights { get; set; }

    /// <summary>
    /// Read every row into memory once (fast epochs, full shuffles, a validation part possible). False streams the data
    /// view afresh every epoch through a bounded shuffle pool and holds only a few hundred sequences at a time, so a file
    /// larger than memory (<c>LoadFromTextFile</c> streams it) can be trained on; <see cref="ValidationFraction"/> must
    /// then be 0. Default true.
    /// </summary>
    public bool CacheData { get; set; } = true;

    /// <summary>Seed of initialisation, shuffling and dropout; null takes the next seed of the MLContext (so <c>new MLContext(seed: 1)</c> makes training repeatable). Default null.</summary>
    public int? Seed { get; set; }

    /// <summary>Called after every batch and at the end of every epoch. Default null.</summary>
    public Action<TrainingProgress>? Progress { get; set; }

    /// <summary>
    /// Stops <c>Fit</c>: checked before every batch, so a cancelled fit ends within one batch with an
    /// <see cref="OperationCanceledException"/> naming the epoch and batch. Cancelling the MLContext's execution (ML.NET's
    /// convention, <c>MLContext.CancelExecution</c>, as ML.NET's own components and AutoML use it) stops the fit the same way.
    /// Default <see cref="CancellationToken.None"/>.
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>
    /// A file the training state is saved to, or null for none. Default null. It is written after every
    /// <see cref="CheckpointEveryBatches"/> batches and after the last batch of every epoch, atomically (a temporary file in
    /// the same directory, flushed, then moved over the old one, so a fit killed mid-save leaves the previous checkpoint whole).
    /// It holds the weights, the optimiser's moments and step counts, the shuffling and dropout generators, the epoch and
    /// batch, the early-stopping bookkeeping and the history (Rnn.Core's <c>TrainerOptions.CheckpointPath</c>). Needs
    /// <see cref="CacheData"/> and the managed engine.
    /// </summary>
    public string? CheckpointPath { get; set; }

    /// <summary>Batches between two checkpoints written to <see cref="CheckpointPath"/> (one is also written at every epoch's end); positive. Default 100.</summary>
    public int CheckpointEveryBatches { get; set; } = 100;

    /// <summary>
    /// A checkpoint written through <see cref="CheckpointPath"/> to continue from, or null to start afresh. Default null. With
    /// the same data, options and seed (set <see cref="Seed"/>, or use an MLContext of the same seed), the resumed <c>Fit</c>
    /// ends with the weights of an uninterrupted one, bit for bit. To restart a killed fit, pass the same path as both.
    /// <c>Fit</c> throws a <see cref="FileNotFoundException"/> when the file is missing and an
    /// <see cref="InvalidDataException"/> naming every difference when it is from another model, data or options.
    /// </summary>
    public string? ResumeFrom { get; set; }

    /// <summary>
    /// The engine that trains: <see cref="RecurrentBackend.Managed"/> or <see cref="RecurrentBackend.TorchSharp"/> (libtorch;
    /// the application references Rnn.TorchSharp and a TorchSharp build). Either way the fitted transformer scores with the
    /// managed engine and saves the same zip. Default <see cref="RecurrentBackend.Managed"/>.
    /// </summary>
    public RecurrentBackend Backend { get; set; } = RecurrentBackend.Managed;

    /// <summary>
    /// The libtorch device for <see cref="RecurrentBackend.TorchSharp"/>: "cpu", "cuda" or "cuda:N"; null takes "cuda:N" from
    /// <c>MLContext.GpuDeviceId</c> when set (falling back to "cpu" when <c>MLContext.FallbackToCpu</c> is set and no GPU is
    /// usable), else "cpu". Ignored by the managed engine. Default null.
    /// </summary>
    public string? Device { get; set; }

    internal RecurrentTrainerOptions Clone() => (RecurrentTrainerOptions)MemberwiseClone();
}
