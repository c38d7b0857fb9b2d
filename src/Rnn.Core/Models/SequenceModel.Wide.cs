using Rnn.Core.Internals;
using Rnn.Core.Layers;

namespace Rnn.Core.Models;

// The wide path of a wide-and-deep text model (SequenceModelOptions.WideBuckets): logits = fc(pool(rnn(embedding(x)))) + wide(x).
public sealed partial class SequenceModel
{
    /// <summary>The wide path (named <c>wide</c>), or null when <see cref="SequenceModelOptions.WideBuckets"/> is 0.</summary>
    public HashedBag? Wide { get; }

    private static HashedBag? CreateWide(SequenceModelOptions o) => o.WideBuckets > 0
        ? new HashedBag(new HashedTokenFeatures(o.VocabularySize, o.WideBuckets, o.WideCharNGrams, o.TokenTexts), o.OutputSize, o.WideFeatureScale)
        : null;

    private static void ValidateWide(SequenceModelOptions o)
    {
        if (o.WideBuckets < 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(o.WideBuckets), o.WideBuckets, "WideBuckets must be 0 (no wide path) or positive");
        if (o.WideCharNGrams != 0 && o.WideCharNGrams is < 3 or > 8)
            ThrowHelper.ThrowArgumentOutOfRange(nameof(o.WideCharNGrams), o.WideCharNGrams, "WideCharNGrams must be 0 (none) or in 3..8");
        if (!(o.WideFeatureScale > 0f && float.IsFinite(o.WideFeatureScale)))
            ThrowHelper.ThrowArgumentOutOfRange(nameof(o.WideFeatureScale), o.WideFeatureScale, "WideFeatureScale must be positive and finite");
        if (o.TokenTexts is { } texts && texts.Count != o.VocabularySize)
            ThrowHelper.ThrowArgument(nameof(o.TokenTexts), $"TokenTexts has {texts.Count} entries, the vocabulary {o.VocabularySize}");
        if (o.WideBuckets == 0) return;
        if (!o.UsesTokens) ThrowHelper.ThrowArgument(nameof(o.WideBuckets), "the wide path reads token ids; this model takes float steps (set WideBuckets to 0)");
        if (o.Pooling is null) ThrowHelper.ThrowArgument(nameof(o.WideBuckets), "the wide path scores whole sequences; this model has a head at every step (set WideBuckets to 0)");
    }
}
