using Rnn.Core.Layers;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Layers;

[TestClass]
public sealed class EmbeddingTest
{
    [TestMethod]
    public void Constructor_PaddingIdx_ZeroRowAndPyTorchName()
    {
        var emb = new Embedding(5, 3, paddingIdx: 1, seed: 2);
        CollectionAssert.AreEqual(new[] { "weight" }, emb.Parameters.Keys.ToArray());
        Assert.AreEqual("(5, 3)", emb.Weight.Value.ShapeString);
        CollectionAssert.AreEqual(new float[3], emb.Weight.Value.Row(1).ToArray());
        Assert.IsTrue(emb.Weight.Value.Row(0).ToArray().Any(v => v != 0));
    }

    [TestMethod]
    public void Constructor_NegativePaddingIdx_CountsFromEnd()
    {
        var emb = new Embedding(5, 3, paddingIdx: -1);
        Assert.AreEqual(4, emb.PaddingIdx);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Embedding(5, 3, paddingIdx: 5));
    }

    [TestMethod]
    public void Constructor_SameSeed_BitIdenticalStandardNormalWeights()
    {
        var a = new Embedding(200, 50, seed: 7);
        var b = new Embedding(200, 50, seed: 7);
        CollectionAssert.AreEqual(a.Weight.Value.Span.ToArray(), b.Weight.Value.Span.ToArray());
        var w = a.Weight.Value.Span.ToArray();
        double mean = w.Average(), variance = w.Select(v => (v - mean) * (v - mean)).Average();
        Assert.AreEqual(0.0, mean, 0.03);
        Assert.AreEqual(1.0, variance, 0.05);
    }

    [TestMethod]
    public void Forward_Ids_CopiesRows()
    {
        var emb = new Embedding(4, 2, seed: 1);
        var y = emb.Forward([3, 0, 3]);
        Assert.AreEqual("(3, 2)", y.ShapeString);
        CollectionAssert.AreEqual(emb.Weight.Value.Row(3).ToArray(), y.Row(0).ToArray());
        CollectionAssert.AreEqual(emb.Weight.Value.Row(0).ToArray(), y.Row(1).ToArray());
        CollectionAssert.AreEqual(emb.Weight.Value.Row(3).ToArray(), y.Row(2).ToArray());
    }

    [TestMethod]
    public void Forward_IdOutOfRange_ThrowsNamingIdAndPosition()
    {
        var emb = new Embedding(4, 2);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => emb.Forward([1, 2, 4]));
        Assert.AreEqual("ids", ex.ParamName);
        StringAssert.Contains(ex.Message, "id 4 at position 2");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => emb.Forward([-1]));
    }

    [TestMethod]
    public void Backward_RepeatedIds_MatchesFiniteDifferences()
    {
        var emb = new Embedding(6, 3, seed: 4);
        int[] ids = [1, 2, 5, 1, 0, 2];
        var r = GradCheck.RandomValues(ids.Length * 3, 8);
        var y = new float[ids.Length * 3];
        emb.Backward(r, ids);
        GradCheck.Check(() => { emb.Forward(ids, y); return GradCheck.WeightedSum(y, r); },
            emb.Weight.Value.Span, emb.Weight.Grad.Span, "weight");
    }

    [TestMethod]
    public void Backward_PaddingId_RowGradStaysZero()
    {
        var emb = new Embedding(6, 3, paddingIdx: 2, seed: 4);
        int[] ids = [1, 2, 5, 2];
        emb.Backward(GradCheck.RandomValues(ids.Length * 3, 8), ids);
        CollectionAssert.AreEqual(new float[3], emb.Weight.Grad.Row(2).ToArray());
        Assert.IsTrue(emb.Weight.Grad.Row(1).ToArray().All(v => v != 0));
    }

    [TestMethod]
    public void Backward_FrozenWeight_AccumulatesNothing()
    {
        var emb = new Embedding(3, 2, seed: 1);
        emb.Weight.RequiresGrad = false;
        emb.Backward([1f, 1f], [0]);
        Assert.IsTrue(emb.Weight.Grad.Span.ToArray().All(v => v == 0));
    }
}
