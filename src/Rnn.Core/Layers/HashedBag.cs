using System.Numerics.Tensors;
using Rnn.Core.Models;

namespace Rnn.Core.Layers;

// B = batch, T = steps, N = buckets, O = outputs, K = features of the batch (all examples, flattened)

/// <summary>
/// The wide path of a wide-and-deep text model: a linear model over each sequence's bag of hashed features (words,
/// adjacent-word bigrams, character n-grams of the words; see <see cref="HashedTokenFeatures"/>), whose output is added to
/// the recurrent head's logits. PyTorch's <c>nn.EmbeddingBag(N, O, mode="sum")</c> with per-sample weights.
/// </summary>
/// <remarks>
/// <para>Parameter, named as PyTorch's <c>state_dict</c>: <c>weight</c> [N, O], initialised to zero (so the path starts
/// silent and the model starts as the recurrent one).</para>
/// <para>Two groups of features per sequence, each L2-normalised as ML.NET's <c>FeaturizeText</c> normalises its word and
/// character parts: the word group (every valid token's word feature and every adjacent pair's bigram) weighs each
/// feature v/√(word features), the character group (every token's n-grams) v/√(character features). v (default 1) only
/// sets the scale: Adam's steps do not depend on the gradient's scale, so v multiplies how fast the path's logits move.</para>
/// <para>Forward: <c>y[b, :] += Σ_k s_k · W[id_k, :]</c> over the features k of sequence b.</para>
/// <para>Backward: <c>dW[id_k, :] += s_k · dY[b, :]</c>.</para>
/// </remarks>
public sealed class HashedBag : Module
{
    private int[] _ids = [];          // [K] bucket of each feature of the last batch
    private float[] _scales = [];     // [K] its weight s_k
    private int[] _starts = [];       // [B + 1] first feature of each example
    private int _batch;

    /// <summary>Creates the path with zero weights.</summary>
    /// <param name="features">The feature table (vocabulary and buckets).</param>
    /// <param name="outputs">O, the logits it adds to.</param>
    /// <param name="featureScale">v, the value of a present feature before the per-group normalisation. Default 1.</param>
    public HashedBag(HashedTokenFeatures features, int outputs, float featureScale = 1f)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        if (!(featureScale > 0f && float.IsFinite(featureScale)))
            throw new ArgumentOutOfRangeException(nameof(featureScale), featureScale, "featureScale must be positive and finite.");
        Features = features;
        Outputs = outputs;
        FeatureScale = featureScale;
        Weight = AddParameter("weight", features.Buckets, outputs); // W: [N, O]
    }

    /// <summary>The feature table.</summary>
    public HashedTokenFeatures Features { get; }

    /// <summary>v, the value of a present feature before the per-group normalisation.</summary>
    public float FeatureScale { get; }

    /// <summary>O.</summary>
    public int Outputs { get; }

    /// <summary>The weights W, shape [N, O] (PyTorch's <c>weight</c> of an <c>EmbeddingBag</c>).</summary>
    public Parameter Weight { get; }

    /// <summary>Adds each sequence's bag score to <paramref name="logits"/>; keeps the features for <see cref="Backward"/>.</summary>
    /// <param name="tokens">Token ids [B, T]; positions past a sequence's length are not read.</param>
    /// <param name="steps">T.</param>
    /// <param name="lengths">Valid steps per sequence [B].</param>
    /// <param name="logits">[B, O], accumulated into.</param>
    public void Forward(ReadOnlySpan<int> tokens, int steps, ReadOnlySpan<int> lengths, Span<float> logits)
    {
        int b = lengths.Length, o = Outputs;
        _batch = b;
        if (_starts.Length < b + 1) _starts = new int[b + 1];
        int k = 0;
        ReadOnlySpan<float> w = Weight.Value.Span; // [N, O]
        for (int i = 0; i < b; i++)
        {
            _starts[i] = k;
            Collect(tokens.Slice(i * steps, lengths[i]), ref k);
            Span<float> y = logits.Slice(i * o, o); // [O]
            for (int f = _starts[i]; f < k; f++) TensorPrimitives.MultiplyAdd(w.Slice(_ids[f] * o, o), _scales[f], y, y);
        }
        _starts[b] = k;
    }

    /// <summary>Accumulates <c>dW[id_k, :] += s_k · dY[b, :]</c> for the features of the last <see cref="Forward"/>.</summary>
    /// <param name="logitsGrad">dY [B, O].</param>
    public void Backward(ReadOnlySpan<float> logitsGrad)
    {
        if (!Weight.RequiresGrad) return;
        int o = Outputs;
        Span<float> dw = Weight.Grad.Span; // [N, O]
        for (int i = 0; i < _batch; i++)
        {
            ReadOnlySpan<float> dy = logitsGrad.Slice(i * o, o); // [O]
            for (int f = _starts[i]; f < _starts[i + 1]; f++)
            {
                Span<float> row = dw.Slice(_ids[f] * o, o);
                TensorPrimitives.MultiplyAdd(dy, _scales[f], row, row);
            }
        }
    }

    // The features of one sequence at _ids[k..], with their weights: the word group (unigrams and bigrams of known
    // tokens), then the character group.
    private void Collect(ReadOnlySpan<int> seq, ref int k)
    {
        int words = k;
        for (int t = 0; t < seq.Length; t++)
        {
            if (seq[t] == 0) continue;
            Add(ref k, Features.WordBucket(seq[t]));
            if (t + 1 < seq.Length && seq[t + 1] != 0) Add(ref k, Features.BigramBucket(seq[t], seq[t + 1]));
        }
        int chars = k;
        foreach (int token in seq)
            if (token != 0)
                foreach (int id in Features.CharBuckets(token)) Add(ref k, id);
        Scale(words, chars);
        Scale(chars, k);
    }

    private void Add(ref int k, int id)
    {
        if (_ids.Length == k)
        {
            Array.Resize(ref _ids, Math.Max(256, 2 * k));
            Array.Resize(ref _scales, _ids.Length);
        }
        _ids[k++] = id;
    }

    // Weighs the features [from, to) of one group v/√count.
    private void Scale(int from, int to)
    {
        if (to > from) _scales.AsSpan(from, to - from).Fill(FeatureScale / MathF.Sqrt(to - from));
    }
}
