using Rnn.Core.Models;
using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.Models;

[TestClass]
public sealed class TextSamplerTest
{
    private static SequenceModel LanguageModel(int vocabulary = 6, int seed = 3) => new(new SequenceModelOptions
    {
        VocabularySize = vocabulary, EmbeddingSize = 8, HiddenSize = 16, Pooling = null, OutputSize = vocabulary, Seed = seed,
    });

    [TestMethod]
    public void Pick_TemperatureZero_IsTheArgmax()
    {
        float[] logits = [0.5f, 2f, -1f, 2f, 1.9f];
        var scratch = new float[logits.Length];
        var rng = new Rng(1);
        for (int i = 0; i < 20; i++) Assert.AreEqual(1, TextSampler.Pick(logits, 0f, 0, rng, scratch), "first of the tied maxima");
    }

    [TestMethod]
    public void Pick_TopK_NeverDrawsOutsideTheKLargest()
    {
        float[] logits = [3f, 2.9f, 2.8f, 0f, 0f, 0f];
        var scratch = new float[logits.Length];
        var rng = new Rng(7);
        var seen = new HashSet<int>();
        for (int i = 0; i < 500; i++) seen.Add(TextSampler.Pick(logits, 5f, 2, rng, scratch));
        CollectionAssert.AreEquivalent(new[] { 0, 1 }, seen.ToArray());
    }

    [TestMethod]
    public void Pick_TemperatureOne_FollowsTheSoftmax()
    {
        float[] logits = [0f, MathF.Log(3f)];   // probabilities 1/4, 3/4
        var scratch = new float[2];
        var rng = new Rng(11);
        int ones = 0;
        const int draws = 20000;
        for (int i = 0; i < draws; i++) ones += TextSampler.Pick(logits, 1f, 0, rng, scratch);
        Assert.AreEqual(0.75, ones / (double)draws, 0.015);
    }

    [TestMethod]
    public void Generate_SameSeed_SameTokens_OtherSeed_OtherTokens()
    {
        var sampler = new TextSampler(LanguageModel());
        int[] Run(int seed)
        {
            var tokens = new int[64];
            sampler.Generate([1, 2, 3], tokens, 1f, 0, new Rng(seed));
            return tokens;
        }
        var first = Run(42);
        CollectionAssert.AreEqual(first, Run(42));
        CollectionAssert.AreEqual(first, new TextSampler(LanguageModel()).Generate(42));
        CollectionAssert.AreNotEqual(first, Run(43));
        Assert.IsTrue(first.All(t => t is >= 0 and < 6));
    }

    [TestMethod]
    public void Generate_TemperatureZero_FollowsTheArgmaxOfAStepByStepForward()
    {
        var model = LanguageModel();
        var generated = new int[10];
        new TextSampler(model).Generate([4], generated, 0f, 0, new Rng(0));
        // Reference: run prompt + generated prefix from scratch each time and take the argmax of the last step.
        model.Eval();
        var context = new List<int> { 4 };
        for (int i = 0; i < generated.Length; i++)
        {
            var logits = model.Forward(SequenceBatch.FromTokens([context.ToArray()]));
            var last = logits.Span.Slice((context.Count - 1) * 6, 6);
            int arg = 0;
            for (int c = 1; c < 6; c++) if (last[c] > last[arg]) arg = c;
            Assert.AreEqual(arg, generated[i], $"step {i}");
            context.Add(arg);
        }
    }

    [TestMethod]
    public void Generate_EmptyPromptOrUnknownId_Throws()
    {
        var sampler = new TextSampler(LanguageModel());
        var dst = new int[4];
        Assert.ThrowsExactly<ArgumentException>(() => sampler.Generate([], dst, 1f, 0, new Rng(0)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => sampler.Generate([6], dst, 1f, 0, new Rng(0)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => sampler.Generate([1], dst, -1f, 0, new Rng(0)));
    }
}

internal static class TextSamplerTestExtensions
{
    public static int[] Generate(this TextSampler sampler, int seed)
    {
        var tokens = new int[64];
        sampler.Generate([1, 2, 3], tokens, 1f, 0, new Rng(seed));
        return tokens;
    }
}
