using Rnn.Core.Layers;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Layers;

[TestClass]
public sealed class SequencePoolingTest
{
    private const int B = 3, T = 4, F = 4;

    public static IEnumerable<object?[]> Cases()
    {
        foreach (var kind in new[] { PoolingKind.Last, PoolingKind.Mean, PoolingKind.Max })
        {
            yield return [kind, null, null];
            yield return [kind, new[] { 4, 1, 2 }, null];
            yield return [kind, new[] { 3, 4, 1 }, 2];
        }
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Backward_AnyKindAndLengths_MatchesFiniteDifferences(PoolingKind kind, int[]? lengths, int? bidirectionalHidden)
    {
        var pooling = new SequencePooling(kind, bidirectionalHidden);
        var x = GradCheck.RandomValues(B * T * F, 1);
        var r = GradCheck.RandomValues(B * F, 2);
        var y = new float[B * F];
        double Loss()
        {
            pooling.Forward(x, B, T, F, lengths, y);
            return GradCheck.WeightedSum(y, r);
        }
        Loss();
        var dX = new float[B * T * F];
        pooling.Backward(dX, r, B, T, F, lengths);
        GradCheck.Check(Loss, x, dX, $"{kind} x");
        // Padding steps get exactly zero.
        for (int b = 0; b < B; b++)
        for (int t = lengths?[b] ?? T; t < T; t++)
        for (int f = 0; f < F; f++)
            Assert.AreEqual(0f, dX[(b * T + t) * F + f], $"dX[{b}, {t}, {f}]");
    }

    [TestMethod]
    public void Forward_Lengths_PoolsValidStepsOnly()
    {
        // x[b, t, f] = 10·t + f (+100 on padding steps, which must never be read)
        var x = new Tensor(2, 3, 2);
        int[] lengths = [2, 3];
        for (int b = 0; b < 2; b++)
        for (int t = 0; t < 3; t++)
        for (int f = 0; f < 2; f++)
            x[b, t, f] = 10 * t + f + (t >= lengths[b] ? 100 : 0);
        CollectionAssert.AreEqual(new float[] { 10, 11, 20, 21 }, new SequencePooling(PoolingKind.Last).Forward(x, lengths).Span.ToArray());
        CollectionAssert.AreEqual(new float[] { 5, 6, 10, 11 }, new SequencePooling(PoolingKind.Mean).Forward(x, lengths).Span.ToArray());
        CollectionAssert.AreEqual(new float[] { 10, 11, 20, 21 }, new SequencePooling(PoolingKind.Max).Forward(x, lengths).Span.ToArray());
    }

    [TestMethod]
    public void Forward_BidirectionalLast_ConcatenatesForwardLastAndReverseFirst()
    {
        var x = new Tensor(1, 3, 4); // H = 2: features [fwd0, fwd1, rev0, rev1]
        for (int t = 0; t < 3; t++)
        for (int f = 0; f < 4; f++)
            x[0, t, f] = 10 * t + f;
        var y = new SequencePooling(PoolingKind.Last, bidirectionalHidden: 2).Forward(x, [2]);
        CollectionAssert.AreEqual(new float[] { 10, 11, 2, 3 }, y.Span.ToArray());
    }

    [TestMethod]
    public void Forward_LengthOutOfRange_ThrowsNamingExample()
    {
        var pooling = new SequencePooling(PoolingKind.Mean);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => pooling.Forward(new Tensor(2, 3, 1), [3, 0]));
        Assert.AreEqual("lengths", ex.ParamName);
        StringAssert.Contains(ex.Message, "lengths[1] = 0");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => pooling.Forward(new Tensor(2, 3, 1), [4, 1]));
    }

    [TestMethod]
    public void Forward_BidirectionalWrongFeatureCount_Throws()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new SequencePooling(PoolingKind.Last, 3).Forward(new Tensor(1, 2, 4)));
        Assert.AreEqual("features", ex.ParamName);
    }

    [TestMethod]
    public void Backward_TensorOverload_ShapeOfInput()
    {
        var pooling = new SequencePooling(PoolingKind.Max);
        var x = Tensor.From(GradCheck.RandomValues(2 * 3 * 5, 3), 2, 3, 5);
        var y = pooling.Forward(x);
        var dX = pooling.Backward(y, x);
        Assert.AreEqual("(2, 3, 5)", dX.ShapeString);
    }
}
