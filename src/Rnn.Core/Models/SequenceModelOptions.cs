using Rnn.Core.Layers;

namespace Rnn.Core.Models;

/// <summary>
/// The shape of a <see cref="SequenceModel"/>: input (tokens or float steps) → recurrent layer → head.
/// </summary>
public sealed record SequenceModelOptions
{
    /// <summary>The recurrent cell. Default <see cref="CellType.Lstm"/>.</summary>
    public CellType Cell { get; init; } = CellType.Lstm;

    /// <summary>Activation of a vanilla RNN cell. Default tanh.</summary>
    public Nonlinearity Nonlinearity { get; init; } = Nonlinearity.Tanh;

    /// <summary>
    /// Vocabulary size V for token input (ids in 0..V−1 go through an embedding); 0 for float input. Default 0.
    /// </summary>
    public int VocabularySize { get; init; }

    /// <summary>
    /// A token id whose embedding is the zero vector and never trained (PyTorch's <c>padding_idx</c>), or null for none.
    /// The recurrent trainers use 0, the id of a missing or unknown key, so such tokens carry no information. Default null.
    /// </summary>
    public int? PaddingIndex { get; init; }

    /// <summary>E, the embedding width for token input. Default 64.</summary>
    public int EmbeddingSize { get; init; } = 64;

    /// <summary>F, features per step for float input (ignored for token input). Default 1.</summary>
    public int InputSize { get; init; } = 1;

    /// <summary>H, hidden units per direction. Default 64.</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Stacked recurrent layers. Default 1.</summary>
    public int NumLayers { get; init; } = 1;

    /// <summary>Run a reverse direction too. Default false.</summary>
    public bool Bidirectional { get; init; }

    /// <summary>Dropout between recurrent layers and before the head, in [0, 1). Default 0.</summary>
    public float Dropout { get; init; }

    /// <summary>Dropout on the embedded tokens (whole vectors are kept or dropped per element), in [0, 1). Default 0.</summary>
    public float EmbeddingDropout { get; init; }

    /// <summary>
    /// Word dropout on token input: each token is replaced by a zero vector (as an unknown word) with this probability during
    /// training, the others scaled by 1/(1−p), in [0, 1). Default 0.
    /// </summary>
    public float TokenDropout { get; init; }

    /// <summary>
    /// How the step outputs become one vector per sequence (many-to-one), or null for a head at every step
    /// (many-to-many, e.g. a character language model). Default <see cref="PoolingKind.Last"/>.
    /// </summary>
    public PoolingKind? Pooling { get; init; } = PoolingKind.Last;

    /// <summary>O, outputs of the linear head (classes, or regression targets). Default 1.</summary>
    public int OutputSize { get; init; } = 1;

    /// <summary>
    /// N, hash buckets of the wide path (token input with pooling only): a linear bag of the sequence's words, adjacent-word
    /// bigrams and character n-grams (<see cref="HashedTokenFeatures"/>) whose scores are added to the head's logits
    /// (parameter <c>wide.weight</c> [N, O]); 0 for none. Default 0.
    /// </summary>
    public int WideBuckets { get; init; }

    /// <summary>
    /// Longest character n-gram of the wide path's words (n-grams of length 3..this of each token's text), 0 for none;
    /// needs <see cref="TokenTexts"/>. Default 0.
    /// </summary>
    public int WideCharNGrams { get; init; }

    /// <summary>
    /// The value of a present wide-path feature before its group's L2 normalisation (see <see cref="Layers.HashedBag"/>); with
    /// Adam it multiplies how fast the wide logits move. Default 1.
    /// </summary>
    public float WideFeatureScale { get; init; } = 1f;

    /// <summary>
    /// The text of each token id [V] (entry 0, the missing key, is ignored), from which the wide path derives word and
    /// character features; null hashes the ids instead. Default null.
    /// </summary>
    public TokenTextTable? TokenTexts { get; init; }

    /// <summary>Seed of the initialisation and of dropout. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>True when the input is token ids.</summary>
    public bool UsesTokens => VocabularySize > 0;
}
