using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Layers;

[TestClass]
public sealed class HashedBagTest
{
    private static readonly string?[] Texts = [null, "The", "food", "was", "GREAT!", "great", "!"];

    private static HashedBag Bag(int buckets = 64, int charNGrams = 4, float scale = 1f, int outputs = 2) =>
        new(new HashedTokenFeatures(Texts.Length, buckets, charNGrams, Texts), outputs, scale);

    [TestMethod]
    public void Constructor_ZeroWeightsNamedAsEmbeddingBag()
    {
        var bag = Bag();
        CollectionAssert.AreEqual(new[] { "weight" }, bag.Parameters.Keys.ToArray());
        Assert.AreEqual("(64, 2)", bag.Weight.Value.ShapeString);
        Assert.IsTrue(bag.Weight.Value.Span.ToArray().All(v => v == 0f));
    }

    [TestMethod]
    public void Backward_Weight_MatchesFiniteDifferences()
    {
        var bag = Bag(buckets: 32, scale: 3f, outputs: 3);
        GradCheck.RandomValues(bag.Weight.Value.Length, 4).CopyTo(bag.Weight.Value.Span);
        var batch = SequenceBatch.FromTokens([[1, 2, 3, 4], [5, 0, 6], [2]]);
        var logits = new float[batch.Batch * 3];
        var dY = GradCheck.RandomValues(logits.Length, 7);
        double Loss()
        {
            Array.Clear(logits);
            bag.Forward(batch.Tokens, batch.Steps, batch.Lengths, logits);
            return GradCheck.WeightedSum(logits, dY);
        }

        Loss();
        bag.ZeroGrad();
        bag.Backward(dY);
        GradCheck.Check(Loss, bag.Weight.Value.Span, bag.Weight.Grad.Clone().Span, "wide.weight", eps: 1e-2f);
    }

    [TestMethod]
    public void Forward_AddsToLogits_EachGroupL2Normalised()
    {
        // One bucket: every feature lands in it, so the score is v·(words/√words + chars/√chars) = v·(√words + √chars).
        var bag = Bag(buckets: 1, charNGrams: 3, scale: 2f, outputs: 1);
        bag.Weight.Value.Span.Fill(1f);
        var batch = SequenceBatch.FromTokens([[2, 3]]); // "food", "was": 2 words + 1 bigram; "<food>" 4 + "<was>" 3 trigrams
        float[] logits = [0.5f];
        bag.Forward(batch.Tokens, batch.Steps, batch.Lengths, logits);
        Assert.AreEqual(0.5 + 2 * (Math.Sqrt(3) + Math.Sqrt(7)), logits[0], 1e-5);
    }

    [TestMethod]
    public void Features_NormalisedTextAndDeterministic()
    {
        var a = new HashedTokenFeatures(Texts.Length, 1 << 17, 5, Texts);
        var b = new HashedTokenFeatures(Texts.Length, 1 << 17, 5, [.. Texts]);
        Assert.AreEqual(a.WordBucket(4), a.WordBucket(5), "\"GREAT!\" and \"great\" are one word");
        CollectionAssert.AreEqual(a.CharBuckets(4).ToArray(), a.CharBuckets(5).ToArray());
        Assert.AreNotEqual(a.WordBucket(5), a.WordBucket(6), "punctuation keeps its own feature");
        Assert.AreNotEqual(a.BigramBucket(2, 3), a.BigramBucket(3, 2), "bigrams are ordered");
        for (int v = 1; v < Texts.Length; v++)
        {
            Assert.AreEqual(a.WordBucket(v), b.WordBucket(v));
            CollectionAssert.AreEqual(a.CharBuckets(v).ToArray(), b.CharBuckets(v).ToArray());
        }
        // Pinned: a change to the hash would silently change every saved model's scores.
        Assert.AreEqual(HashedTokenFeaturesPin, (a.WordBucket(2), a.BigramBucket(2, 3), a.CharBuckets(2)[0]));
    }

    private static readonly (int, int, int) HashedTokenFeaturesPin = (25124, 38097, 25152);

    [TestMethod]
    public void Features_WithoutTexts_HashIdsWithoutCharNGrams()
    {
        var f = new HashedTokenFeatures(5, 1000, 5, null);
        Assert.AreEqual(0, f.CharBuckets(3).Length);
        Assert.AreNotEqual(f.WordBucket(1), f.WordBucket(2));
    }

    [TestMethod]
    public void Constructor_BadSettings_ThrowNamingThem()
    {
        Assert.AreEqual("charNGrams", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HashedTokenFeatures(5, 10, 2, null)).ParamName);
        Assert.AreEqual("texts", Assert.ThrowsExactly<ArgumentException>(() => new HashedTokenFeatures(5, 10, 3, ["a"])).ParamName);
        Assert.AreEqual("featureScale", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Bag(scale: 0f)).ParamName);
    }
}
