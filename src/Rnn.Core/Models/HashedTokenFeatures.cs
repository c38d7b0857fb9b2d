using System.Globalization;
using System.Text;

namespace Rnn.Core.Models;

// V = vocabulary size (token ids 0..V−1; id 0 is the missing key), N = buckets.

/// <summary>
/// The sparse features of the wide (bag-of-words) path of a <see cref="SequenceModel"/>, hashed into N buckets: for every
/// token id its word feature and the character n-grams of its text, and for every pair of adjacent tokens a bigram feature.
/// Deterministic (its own hash, not <see cref="string.GetHashCode()"/>), so a saved model rebuilds the same table from the
/// same vocabulary in any process.
/// </summary>
/// <remarks>
/// <para>A token's text is normalised first: lower-cased (invariant culture), letters and digits kept, so "Great!" and
/// "great" share their features (a token of punctuation only keeps its lower-cased text). Without texts, a token's word
/// feature is a hash of its id and it has no character n-grams.</para>
/// <code>
/// word(v)        = Fnv("w", norm(v))                                  (32-bit, mixed)
/// word bucket    = word(v) mod N
/// char buckets   = Fnv("c", g) mod N   for each n-gram g of "&lt;" + norm(v) + "&gt;", n = 3..CharNGrams
/// bigram bucket  = (word(a) · 2654435761 + word(b)) mod N     (int64 arithmetic, so ONNX can compute it)
/// </code>
/// <para>Id 0 (the missing key) has no feature and breaks bigrams.</para>
/// </remarks>
public sealed class HashedTokenFeatures
{
    /// <summary>The multiplier of the bigram hash.</summary>
    public const long BigramMultiplier = 2654435761L;

    private readonly int[] _wordHash;       // [V] word(v) in [0, 2³¹), 0 for id 0
    private readonly int[] _charOffsets;    // [V + 1] CSR offsets into _charBuckets
    private readonly int[] _charBuckets;    // char n-gram buckets of every token, in id order

    /// <summary>Builds the table.</summary>
    /// <param name="vocabularySize">V, token ids 0..V−1.</param>
    /// <param name="buckets">N, the number of hash buckets (positive).</param>
    /// <param name="charNGrams">Longest character n-gram (3..8), or 0 for none; n-grams of length 3..charNGrams are used.</param>
    /// <param name="texts">Token text per id [V] (entry 0 ignored), or null to hash ids.</param>
    public HashedTokenFeatures(int vocabularySize, int buckets, int charNGrams, IReadOnlyList<string?>? texts)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(buckets);
        if (charNGrams != 0 && charNGrams is < 3 or > 8)
            throw new ArgumentOutOfRangeException(nameof(charNGrams), charNGrams, "charNGrams must be 0 (none) or in 3..8.");
        if (texts is not null && texts.Count != vocabularySize)
            throw new ArgumentException($"texts has {texts.Count} entries, the vocabulary {vocabularySize}.", nameof(texts));
        Buckets = buckets;
        VocabularySize = vocabularySize;
        _wordHash = new int[vocabularySize];
        _charOffsets = new int[vocabularySize + 1];
        var chars = new List<int>();
        for (int v = 1; v < vocabularySize; v++)
        {
            string? text = texts?[v];
            if (text is null)
            {
                _wordHash[v] = Positive(Mix(Fnv(2166136261u, 'i') ^ (uint)v));
            }
            else
            {
                string norm = Normalize(text);
                _wordHash[v] = Positive(Mix(Fnv(Fnv(2166136261u, 'w'), norm)));
                if (charNGrams > 0)
                {
                    string marked = "<" + norm + ">";
                    for (int n = 3; n <= charNGrams; n++)
                        for (int i = 0; i + n <= marked.Length; i++)
                            chars.Add((int)(Mix(Fnv(Fnv(2166136261u, 'c'), marked.AsSpan(i, n))) % (uint)buckets));
                }
            }
            _charOffsets[v + 1] = chars.Count;
        }
        _charBuckets = [.. chars];
    }

    /// <summary>N, the number of buckets.</summary>
    public int Buckets { get; }

    /// <summary>V.</summary>
    public int VocabularySize { get; }

    /// <summary>word(v) in [0, 2³¹) for ids ≥ 1 (the bigram hash's input).</summary>
    public int WordHash(int token) => _wordHash[token];

    /// <summary>The bucket of token <paramref name="token"/>'s word feature.</summary>
    public int WordBucket(int token) => _wordHash[token] % Buckets;

    /// <summary>The buckets of token <paramref name="token"/>'s character n-grams (empty without texts or n-grams).</summary>
    public ReadOnlySpan<int> CharBuckets(int token) => _charBuckets.AsSpan(_charOffsets[token], _charOffsets[token + 1] - _charOffsets[token]);

    /// <summary>The bucket of the bigram (<paramref name="first"/>, <paramref name="second"/>), both ids ≥ 1.</summary>
    public int BigramBucket(int first, int second) =>
        (int)(((long)_wordHash[first] * BigramMultiplier + _wordHash[second]) % Buckets);

    /// <summary>Lower-cased letters and digits of <paramref name="text"/>; punctuation-only text keeps its lower-cased form.</summary>
    public static string Normalize(string text)
    {
        var kept = new StringBuilder(text.Length);
        foreach (char c in text)
            if (char.IsLetterOrDigit(c)) kept.Append(char.ToLowerInvariant(c));
        return kept.Length > 0 ? kept.ToString() : text.ToLower(CultureInfo.InvariantCulture);
    }

    // FNV-1a over UTF-16 code units, then a murmur3 finaliser so the low bits (the bucket) are well mixed.
    private static uint Fnv(uint hash, char c) => (hash ^ c) * 16777619u;

    private static uint Fnv(uint hash, ReadOnlySpan<char> text)
    {
        foreach (char c in text) hash = Fnv(hash, c);
        return hash;
    }

    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85ebca6bu;
        h ^= h >> 13;
        h *= 0xc2b2ae35u;
        h ^= h >> 16;
        return h;
    }

    private static int Positive(uint h) => (int)(h & 0x7fffffffu);
}
