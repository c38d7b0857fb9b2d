using System.Globalization;
using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.TestSupport;

/// <summary>
/// Finite-difference gradient checker (the idea of <c>torch.autograd.gradcheck</c>): perturbs each value by ±eps,
/// evaluates a scalar loss in double and compares <c>(L(v+eps) − L(v−eps)) / 2eps</c> with the analytic gradient.
/// </summary>
/// <remarks>
/// Typical use: loss = Σ output ⊙ R for fixed random weights R (see <see cref="WeightedSum"/>), so that ∂loss/∂output = R
/// is the dY fed to Backward. Values are float32, so eps defaults to 1e-3 and the tolerance is
/// <c>|numeric − analytic| ≤ atol + rtol·max(|numeric|, |analytic|)</c>.
/// </remarks>
internal static class GradCheck
{
    /// <summary>
    /// Checks <paramref name="analyticGrad"/> against central differences of <paramref name="loss"/> with respect to every
    /// element of <paramref name="values"/> (which <paramref name="loss"/> must read). Restores each value after perturbing it.
    /// Fails with the worst element's index, both gradients and the number of failures.
    /// </summary>
    /// <param name="loss">Recomputes the scalar loss from the current values (forward only, no side effects that matter).</param>
    /// <param name="values">The input or parameter values to perturb, in place.</param>
    /// <param name="analyticGrad">The gradient computed by backward, same length as <paramref name="values"/>.</param>
    /// <param name="label">Name for the message, e.g. "weight".</param>
    /// <param name="eps">Perturbation. Default 1e-3.</param>
    /// <param name="rtol">Relative tolerance. Default 1e-2.</param>
    /// <param name="atol">Absolute tolerance. Default 1e-3.</param>
    public static void Check(Func<double> loss, Span<float> values, ReadOnlySpan<float> analyticGrad, string label,
        float eps = 1e-3f, double rtol = 1e-2, double atol = 1e-3)
    {
        Assert.AreEqual(values.Length, analyticGrad.Length, $"{label}: gradient length differs from value length");
        int worst = -1, failures = 0;
        double worstExcess = double.NegativeInfinity, worstNumeric = 0;
        for (int i = 0; i < values.Length; i++)
        {
            float original = values[i];
            float plus = original + eps, minus = original - eps;
            values[i] = plus;
            double lossPlus = loss();
            values[i] = minus;
            double lossMinus = loss();
            values[i] = original;
            double numeric = (lossPlus - lossMinus) / ((double)plus - minus); // the float steps actually taken
            double analytic = analyticGrad[i];
            double tolerance = atol + rtol * Math.Max(Math.Abs(numeric), Math.Abs(analytic));
            double excess = Math.Abs(numeric - analytic) - tolerance;
            if (!(excess <= 0)) failures++;
            if (!(excess <= worstExcess))
            {
                worstExcess = double.IsNaN(excess) ? double.PositiveInfinity : excess;
                worst = i;
                worstNumeric = numeric;
            }
        }
        if (failures > 0)
        {
            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{label}: {failures} of {values.Length} gradient elements differ; worst {label}[{worst}]: analytic {analyticGrad[worst]:G6}, numeric {worstNumeric:G6} (eps {eps}, rtol {rtol}, atol {atol})"));
        }
    }

    /// <summary>
    /// Runs <see cref="Check"/> on every parameter of <paramref name="parameters"/> against its accumulated
    /// <see cref="Parameter.Grad"/>, labelled with the registered name (e.g. <c>weight_hh_l0_reverse</c>). Zero the gradients
    /// and run one backward pass with dY = ∂loss/∂output before calling.
    /// </summary>
    public static void CheckParameters(Func<double> loss, ParameterCollection parameters, float eps = 1e-3f, double rtol = 1e-2, double atol = 1e-3)
    {
        for (int i = 0; i < parameters.Count; i++)
            Check(loss, parameters[i].Value.Span, parameters[i].Grad.Span, parameters.NameAt(i), eps, rtol, atol);
    }

    /// <summary><c>Σ output[n]·weights[n]</c> in double: a scalar loss whose gradient with respect to the output is the weights.</summary>
    public static double WeightedSum(ReadOnlySpan<float> output, ReadOnlySpan<float> weights)
    {
        Assert.AreEqual(weights.Length, output.Length, "output and weights lengths differ");
        double sum = 0;
        for (int i = 0; i < output.Length; i++) sum += (double)output[i] * weights[i];
        return sum;
    }

    /// <summary>Seeded standard-normal values, e.g. the weights of <see cref="WeightedSum"/> or a random input.</summary>
    public static float[] RandomValues(int length, int seed)
    {
        var values = new float[length];
        new Rng(seed).FillNormal(values);
        return values;
    }
}
