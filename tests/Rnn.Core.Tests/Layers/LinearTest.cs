using Rnn.Core.Layers;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Layers;

[TestClass]
public sealed class LinearTest
{
    [TestMethod]
    public void Constructor_Default_NamesParametersAsPyTorch()
    {
        var layer = new Linear(4, 3);
        CollectionAssert.AreEqual(new[] { "weight", "bias" }, layer.Parameters.Keys.ToArray());
        Assert.AreEqual("(3, 4)", layer.Weight.Value.ShapeString);
        Assert.AreEqual("(3,)", layer.Bias!.Value.ShapeString);
        CollectionAssert.AreEqual(new[] { "weight" }, new Linear(4, 3, bias: false).Parameters.Keys.ToArray());
    }

    [TestMethod]
    public void Constructor_SameSeed_BitIdenticalWeights()
    {
        var a = new Linear(7, 5, seed: 3);
        var b = new Linear(7, 5, seed: 3);
        var c = new Linear(7, 5, seed: 4);
        CollectionAssert.AreEqual(a.Weight.Value.Span.ToArray(), b.Weight.Value.Span.ToArray());
        CollectionAssert.AreEqual(a.Bias!.Value.Span.ToArray(), b.Bias!.Value.Span.ToArray());
        CollectionAssert.AreNotEqual(a.Weight.Value.Span.ToArray(), c.Weight.Value.Span.ToArray());
    }

    [TestMethod]
    public void Constructor_Init_UniformWithinOneOverSqrtIn()
    {
        var layer = new Linear(16, 64, seed: 1);
        float bound = 1f / MathF.Sqrt(16);
        foreach (var p in layer.Parameters.Values)
        {
            var v = p.Value.Span;
            Assert.IsTrue(v.ToArray().All(x => x >= -bound && x < bound), $"{p.Name} outside ±{bound}");
        }
        var w = layer.Weight.Value.Span.ToArray();
        Assert.IsTrue(w.Max() > 0.9f * bound && w.Min() < -0.9f * bound, "weights do not span the range");
        Assert.AreEqual(0.0, w.Average(), 0.03);
    }

    [TestMethod]
    public void Forward_SmallInput_MatchesFormula()
    {
        var layer = new Linear(3, 2, seed: 5);
        float[] x = [1f, 2f, 3f, -1f, 0.5f, 0f]; // [2, 3]
        var y = new float[4];
        layer.Forward(x, 2, y);
        var w = layer.Weight.Value;
        var b = layer.Bias!.Value;
        var expected = new float[4];
        for (int n = 0; n < 2; n++)
        for (int o = 0; o < 2; o++)
        {
            double s = b[o];
            for (int i = 0; i < 3; i++) s += x[n * 3 + i] * (double)w[o, i];
            expected[n * 2 + o] = (float)s;
        }
        TensorAssert.Close(expected, y, 1e-6, "y");
    }

    [TestMethod]
    public void Forward_TensorOfRankThree_KeepsLeadingDimensions()
    {
        var layer = new Linear(4, 6, seed: 2);
        var x = Tensor.From(GradCheck.RandomValues(2 * 5 * 4, 9), 2, 5, 4);
        var y = layer.Forward(x);
        Assert.AreEqual("(2, 5, 6)", y.ShapeString);
        var flat = new float[10 * 6];
        layer.Forward(x.Span, 10, flat);
        CollectionAssert.AreEqual(flat, y.Span.ToArray());
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Backward_RandomInput_MatchesFiniteDifferences(bool bias)
    {
        const int rows = 3, inF = 4, outF = 5;
        var layer = new Linear(inF, outF, bias, seed: 11);
        var x = GradCheck.RandomValues(rows * inF, 1);
        var r = GradCheck.RandomValues(rows * outF, 2); // dL/dy
        var y = new float[rows * outF];
        double Loss()
        {
            layer.Forward(x, rows, y);
            return GradCheck.WeightedSum(y, r);
        }
        var dX = new float[rows * inF];
        layer.Backward(dX, r, x, rows);
        GradCheck.Check(Loss, x, dX, "x");
        GradCheck.CheckParameters(Loss, layer.Parameters);
    }

    [TestMethod]
    public void Backward_CalledTwice_AccumulatesParameterGradients()
    {
        var layer = new Linear(3, 2, seed: 1);
        var x = GradCheck.RandomValues(6, 3);
        var dY = GradCheck.RandomValues(4, 4);
        layer.Backward([], dY, x, 2);
        var once = layer.Weight.Grad.Span.ToArray();
        var onceBias = layer.Bias!.Grad.Span.ToArray();
        layer.Backward([], dY, x, 2);
        TensorAssert.Close(once.Select(v => 2 * v).ToArray(), layer.Weight.Grad.Span, 1e-6, "weight grad");
        TensorAssert.Close(onceBias.Select(v => 2 * v).ToArray(), layer.Bias.Grad.Span, 1e-6, "bias grad");
        layer.ZeroGrad();
        Assert.IsTrue(layer.Weight.Grad.Span.ToArray().All(v => v == 0));
    }

    [TestMethod]
    public void Backward_FrozenWeight_LeavesGradZero()
    {
        var layer = new Linear(3, 2, seed: 1);
        layer.Weight.RequiresGrad = false;
        layer.Backward([], GradCheck.RandomValues(2, 1), GradCheck.RandomValues(3, 2), 1);
        Assert.IsTrue(layer.Weight.Grad.Span.ToArray().All(v => v == 0));
        Assert.IsTrue(layer.Bias!.Grad.Span.ToArray().Any(v => v != 0));
    }

    [TestMethod]
    public void Forward_WrongInputLength_ThrowsNamingX()
    {
        var layer = new Linear(3, 2);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => layer.Forward(new float[5], 2, new float[4]));
        Assert.AreEqual("x", ex.ParamName);
        StringAssert.Contains(ex.Message, "6");
        var ex2 = Assert.ThrowsExactly<ArgumentException>(() => layer.Forward(new Tensor(2, 4)));
        Assert.AreEqual("x", ex2.ParamName);
    }

    [TestMethod]
    public void Constructor_NonPositiveSize_Throws()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Linear(0, 2));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Linear(2, -1));
    }
}
