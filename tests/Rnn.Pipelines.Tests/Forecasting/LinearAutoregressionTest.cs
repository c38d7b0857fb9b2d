using Rnn.Pipelines.Forecasting;

namespace Rnn.Pipelines.Tests.Forecasting;

[TestClass]
public sealed class LinearAutoregressionTest
{
    /// <summary>y_t = 5 + 0.6·y_{t−1} − 0.3·y_{t−2} + N(0, σ²).</summary>
    internal static float[] Ar2(int n, float noise, int seed)
    {
        var rng = new Random(seed);
        var y = new float[n];
        y[0] = y[1] = 7f;
        for (int t = 2; t < n; t++)
        {
            double gauss = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            y[t] = (float)(5 + (0.6 * y[t - 1]) - (0.3 * y[t - 2]) + (noise * gauss));
        }
        return y;
    }

    [TestMethod]
    public void Fit_Ar2Series_RecoversCoefficientsAndIntercept()
    {
        var ar = LinearAutoregression.Fit(Ar2(5000, 1f, 1), windowSize: 4, outputs: 1);
        // [a_oldest .. a_newest, b]: lags 4 and 3 are 0, lag 2 is −0.3, lag 1 is 0.6, intercept 5.
        float[] expected = [0f, 0f, -0.3f, 0.6f, 5f];
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], ar.Coefficients[i], i == 4 ? 0.3f : 0.03f, $"coefficient {i}");
    }

    [TestMethod]
    public void Forecast_NoiselessRecurrence_ReproducesTheSeriesOverTheHorizon()
    {
        // Two sinusoids and a level satisfy a linear recurrence of order 5 with intercept: W = 8 holds it exactly.
        float[] y = [.. Enumerable.Range(0, 200).Select(t => (float)(10 + (3 * Math.Sin(2 * Math.PI * t / 12)) + (2 * Math.Sin(2 * Math.PI * t / 5))))];
        var iterated = LinearAutoregression.Fit(y.AsSpan(0, 150), 8, 1);
        var direct = LinearAutoregression.Fit(y.AsSpan(0, 150), 8, 6);
        var forecast = new float[6];
        foreach (var model in new[] { iterated, direct })
        {
            model.Forecast(y.AsSpan(150 - 8, 8), forecast);
            for (int h = 0; h < 6; h++) Assert.AreEqual(y[150 + h], forecast[h], 2e-3f, $"{model.Outputs} outputs, h={h + 1}");
        }
    }

    [TestMethod]
    public void Fit_TooFewWindows_NamesWhatItNeeds()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => LinearAutoregression.Fit(new float[10], 8, 1));
        StringAssert.Contains(e.Message, "needs at least 9 windows");
        Assert.IsNotNull(LinearAutoregression.Fit(new float[10], 8, 1, ridge: 1e-3), "a ridge makes a short series solvable");
    }
}
