using Rnn.Core.Layers;
using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.Layers;

/// <summary>
/// Finite-difference checks of backpropagation through time: for the loss
/// <c>L = Σ out⊙G + Σ h_n⊙Gh (+ Σ c_n⊙Gc)</c>, every analytic gradient (input, initial state, each parameter)
/// matches central differences.
/// </summary>
[TestClass]
public sealed class RecurrentLayerGradientTest
{
    public static IEnumerable<object[]> Configurations()
    {
        foreach (var (cell, nl) in new[] { (CellType.Rnn, Nonlinearity.Tanh), (CellType.Rnn, Nonlinearity.Relu), (CellType.Lstm, Nonlinearity.Tanh), (CellType.Gru, Nonlinearity.Tanh) })
            foreach (int layers in new[] { 1, 2 })
                foreach (bool bi in new[] { false, true })
                    foreach (bool variable in new[] { false, true })
                        yield return [cell, nl, layers, bi, variable];
    }

    [TestMethod]
    [DynamicData(nameof(Configurations))]
    public void Backward_MatchesFiniteDifferences(CellType cell, Nonlinearity nonlinearity, int layers, bool bidirectional, bool variableLength)
    {
        const int batch = 3, steps = 4, input = 3, hidden = 4;
        var layer = new RecurrentLayer(cell, input, hidden, layers, bidirectional, nonlinearity: nonlinearity, seed: 17);
        var rng = new Rng(23);
        int d = bidirectional ? 2 : 1;
        var x = Random(rng, batch, steps, input);
        var h0 = Random(rng, layers * d, batch, hidden);
        var c0 = cell == CellType.Lstm ? Random(rng, layers * d, batch, hidden) : null;
        var g = Random(rng, batch, steps, d * hidden);
        var gh = Random(rng, layers * d, batch, hidden);
        var gc = cell == CellType.Lstm ? Random(rng, layers * d, batch, hidden) : null;
        int[]? lengths = variableLength ? [2, 4, 1] : null;
        var state = new RecurrentState(h0, c0);

        double Loss()
        {
            var r = layer.Forward(x, state, lengths);
            double sum = Dot(r.Output, g) + Dot(r.HN, gh);
            if (r.CN is not null) sum += Dot(r.CN, gc!);
            return sum;
        }

        Loss();
        layer.ZeroGrad();
        var grads = layer.Backward(g, gh, gc);
        var checks = new List<(string, Tensor, Tensor)> { ("x", x, grads.Input), ("h0", h0, grads.InitialH) };
        if (c0 is not null) checks.Add(("c0", c0, grads.InitialC!));
        foreach (var (name, p) in layer.Parameters) checks.Add((name, p.Value, p.Grad.Clone()));

        // relu has kinks: where the one-sided differences disagree a perturbation crossed one, and that
        // element says nothing about the gradient. Such elements are skipped (and counted).
        bool kinked = nonlinearity == Nonlinearity.Relu;
        int checkedCount = 0, skipped = 0;
        foreach (var (name, values, analytic) in checks)
        {
            var v = values.Span;
            for (int i = 0; i < v.Length; i++)
            {
                float saved = v[i];
                float eps = kinked ? 1e-3f : 1e-2f;
                v[i] = saved + eps;
                double plus = Loss();
                v[i] = saved - eps;
                double minus = Loss();
                v[i] = saved;
                double numeric = (plus - minus) / (2 * eps);
                if (kinked)
                {
                    double center = Loss();
                    double forward = (plus - center) / eps, backward = (center - minus) / eps;
                    if (Math.Abs(forward - backward) > 1e-2 + 1e-2 * Math.Abs(numeric)) { skipped++; continue; }
                }
                double a = analytic.Span[i];
                Assert.IsTrue(Math.Abs(numeric - a) <= 5e-3 + 2e-2 * Math.Abs(numeric),
                    $"{name}[{i}]: analytic {a:G6}, numeric {numeric:G6}");
                checkedCount++;
            }
        }
        Assert.IsTrue(skipped <= checkedCount / 10, $"{skipped} elements skipped at kinks, {checkedCount} checked");
    }

    private static Tensor Random(Rng rng, params int[] shape)
    {
        var t = new Tensor(shape);
        rng.FillNormal(t.Span);
        return t;
    }

    private static double Dot(Tensor a, Tensor b)
    {
        double s = 0;
        var x = a.Span;
        var y = b.Span;
        for (int i = 0; i < x.Length; i++) s += (double)x[i] * y[i];
        return s;
    }
}
