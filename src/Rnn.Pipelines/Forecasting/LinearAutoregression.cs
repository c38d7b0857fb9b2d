namespace Rnn.Pipelines.Forecasting;

// N = steps of the series, W = window size (lags), O = outputs (1 one-step, H direct).

/// <summary>
/// A linear autoregression on the last W values with an intercept, fitted by least squares:
/// <c>ŷ_{t+k} = b_k + Σ_{i=0}^{W−1} a_{k,i} · y_{t−W+1+i}</c> for each output k. One output (<see cref="Outputs"/> = 1) is
/// the one-step model, iterated for several steps; H outputs are direct models, one per horizon step. The forecaster's
/// autoregressive highway (LSTNet: the network learns what this leaves) and the linear baseline of the example.
/// </summary>
/// <param name="WindowSize">W, the lags.</param>
/// <param name="Outputs">O, the steps predicted by one evaluation.</param>
/// <param name="Coefficients">[O, W + 1]: per output, the W lag weights (oldest first), then the intercept.</param>
internal sealed record LinearAutoregression(int WindowSize, int Outputs, float[] Coefficients)
{
    /// <summary>
    /// Least squares over every window of <paramref name="series"/> [N] (one value per step) whose O targets exist, with a
    /// ridge of <paramref name="ridge"/> × (mean squared lag value) on the lag weights only (0: ordinary least squares; a
    /// tiny jitter keeps a singular system solvable).
    /// </summary>
    /// <exception cref="ArgumentException">No window, or (without a ridge) fewer windows than W + 1 unknowns.</exception>
    public static LinearAutoregression Fit(ReadOnlySpan<float> series, int windowSize, int outputs, double ridge = 0)
    {
        int w = windowSize, p = w + 1, windows = series.Length - w - outputs + 1;
        if (windows < 1 || (ridge <= 0 && windows < p))
            throw new ArgumentException($"A linear autoregression on {w} lags needs at least {(ridge > 0 ? 1 : p)} windows, the series gives {Math.Max(0, windows)}.", nameof(series));
        // Values relative to the series mean keep the normal equations well conditioned; the intercept absorbs the shift.
        double mean = 0;
        foreach (float v in series) mean += v;
        mean /= series.Length;
        var gram = new double[p, p];   // XᵀX, X rows = [lags..., 1]
        var cross = new double[outputs, p]; // Xᵀy per output
        var x = new double[p];
        for (int s = 0; s < windows; s++)
        {
            for (int i = 0; i < w; i++) x[i] = series[s + i] - mean;
            x[w] = 1;
            for (int i = 0; i < p; i++)
                for (int j = 0; j <= i; j++) gram[i, j] += x[i] * x[j];
            for (int k = 0; k < outputs; k++)
            {
                double y = series[s + w + k] - mean;
                for (int i = 0; i < p; i++) cross[k, i] += x[i] * y;
            }
        }
        double scale = 0;
        for (int i = 0; i < w; i++) scale += gram[i, i];
        scale = Math.Max(scale / Math.Max(1, w), 1e-12);
        for (int i = 0; i < w; i++) gram[i, i] += (ridge + 1e-9) * scale;
        gram[w, w] += 1e-9 * windows;
        double[,] factor = Cholesky(gram);
        var coefficients = new float[outputs * p];
        var solution = new double[p];
        for (int k = 0; k < outputs; k++)
        {
            for (int i = 0; i < p; i++) solution[i] = cross[k, i];
            Solve(factor, solution);
            // Undo the centring: ŷ − m = Σ a_i (y_i − m) + b' ⇒ ŷ = Σ a_i y_i + b' + m (1 − Σ a_i).
            double sum = 0;
            for (int i = 0; i < w; i++)
            {
                coefficients[(k * p) + i] = (float)solution[i];
                sum += solution[i];
            }
            coefficients[(k * p) + w] = (float)(solution[w] + (mean * (1 - sum)));
        }
        return new LinearAutoregression(w, outputs, coefficients);
    }

    /// <summary>Output <paramref name="k"/> from the last W values <paramref name="window"/> [W], oldest first.</summary>
    public float Predict(ReadOnlySpan<float> window, int k)
    {
        int p = WindowSize + 1;
        ReadOnlySpan<float> a = Coefficients.AsSpan(k * p, p);
        double y = a[WindowSize];
        for (int i = 0; i < WindowSize; i++) y += a[i] * (double)window[i];
        return (float)y;
    }

    /// <summary>
    /// The next H values after <paramref name="window"/> [W]: output h of a direct model (O ≥ H), or the one-step model
    /// iterated, each forecast appended to the window.
    /// </summary>
    public void Forecast(ReadOnlySpan<float> window, Span<float> forecast)
    {
        if (Outputs >= forecast.Length)
        {
            for (int h = 0; h < forecast.Length; h++) forecast[h] = Predict(window, h);
            return;
        }
        var moving = new float[WindowSize + forecast.Length]; // [W + H]: the window, then the forecasts
        window.CopyTo(moving);
        for (int h = 0; h < forecast.Length; h++)
            forecast[h] = moving[WindowSize + h] = Predict(moving.AsSpan(h, WindowSize), 0);
    }

    /// <summary>The lower-triangular L of a symmetric positive definite A = L·Lᵀ (only A's lower triangle is read).</summary>
    private static double[,] Cholesky(double[,] a)
    {
        int n = a.GetLength(0);
        var l = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i, j];
                for (int k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                if (i == j)
                    l[i, i] = Math.Sqrt(Math.Max(sum, 1e-300));
                else
                    l[i, j] = sum / l[j, j];
            }
        }
        return l;
    }

    /// <summary>Solves L·Lᵀ·x = b in place.</summary>
    private static void Solve(double[,] l, double[] b)
    {
        int n = b.Length;
        for (int i = 0; i < n; i++)
        {
            double sum = b[i];
            for (int k = 0; k < i; k++) sum -= l[i, k] * b[k];
            b[i] = sum / l[i, i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = b[i];
            for (int k = i + 1; k < n; k++) sum -= l[k, i] * b[k];
            b[i] = sum / l[i, i];
        }
    }
}
