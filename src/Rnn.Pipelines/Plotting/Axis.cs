using System.Globalization;

namespace Rnn.Pipelines.Plotting;

/// <summary>How a chart axis maps values to positions.</summary>
public enum AxisScale
{
    /// <summary>Evenly spaced values; ticks at "nice" steps of 1, 2 or 5 × 10^k.</summary>
    Linear,

    /// <summary>Evenly spaced decades (log10); ticks at powers of 10. Every value must be positive.</summary>
    Log10,
}

/// <summary>
/// One axis of a chart: the domain that covers the data, and the ticks with their labels.
/// </summary>
/// <remarks>
/// Linear ticks follow Heckbert's "nice numbers" (Graphics Gems, 1990): a step of 1, 2 or 5 × 10^k giving about
/// <see cref="TargetTicks"/> ticks, with the domain widened to the first and last tick, or (tight) kept to the data
/// with the ticks that fall inside it. Log10 ticks are the powers of
/// ten from the decade below the smallest value to the decade above the largest, thinned to every k-th decade when
/// there are many.
/// </remarks>
internal sealed class Axis
{
    private const int TargetTicks = 6;
    private const int MaxLogLabels = 9;

    private Axis(AxisScale scale, double min, double max, IReadOnlyList<double> ticks)
    {
        Scale = scale;
        Min = min;
        Max = max;
        Ticks = ticks;
    }

    public AxisScale Scale { get; }

    /// <summary>Lower end of the domain.</summary>
    public double Min { get; }

    /// <summary>Upper end of the domain.</summary>
    public double Max { get; }

    /// <summary>Tick values, ascending, within [<see cref="Min"/>, <see cref="Max"/>].</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>
    /// The axis covering [<paramref name="dataMin"/>, <paramref name="dataMax"/>] (finite; positive for log): rounded out
    /// to ticks, or with <paramref name="tight"/> (linear only) exactly the data range.
    /// </summary>
    public static Axis Covering(double dataMin, double dataMax, AxisScale scale, bool tight = false) =>
        scale == AxisScale.Log10 ? LogCovering(dataMin, dataMax) : LinearCovering(dataMin, dataMax, tight);

    /// <summary>Where <paramref name="value"/> falls on the axis: 0 at <see cref="Min"/>, 1 at <see cref="Max"/>.</summary>
    public double Fraction(double value) => Scale == AxisScale.Log10
        ? (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min))
        : (value - Min) / (Max - Min);

    /// <summary>A tick's label: plain decimals on a linear axis; 0.01 … 1000 or 1e-5 style on a log axis.</summary>
    public string Label(double tick)
    {
        if (Scale == AxisScale.Log10)
        {
            int exponent = (int)Math.Round(Math.Log10(tick));
            return exponent is >= -2 and <= 3 ? tick.ToString("0.###", CultureInfo.InvariantCulture) : $"1e{exponent}";
        }
        double step = Ticks.Count > 1 ? Ticks[1] - Ticks[0] : 1;
        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step) + 1e-9));
        return tick.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static Axis LinearCovering(double min, double max, bool tight)
    {
        if (min == max)
        {
            // One value: centre it in a range of ±1 (or ±10% of its size).
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            (min, max) = (min - pad, max + pad);
        }
        double step = NiceNumber(NiceNumber(max - min, round: false) / (TargetTicks - 1), round: true);
        double lo = (tight ? Math.Ceiling(min / step - 1e-9) : Math.Floor(min / step)) * step;
        double hi = (tight ? Math.Floor(max / step + 1e-9) : Math.Ceiling(max / step)) * step;
        int count = (int)Math.Round((hi - lo) / step) + 1;
        var ticks = new double[count];
        // Rounding to the step's decimals keeps 0.1 + 0.2 from printing as 0.30000000000000004.
        int decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(step)) + 1, 0, 15);
        for (int i = 0; i < count; i++) ticks[i] = Math.Round(lo + i * step, decimals);
        return tight ? new Axis(AxisScale.Linear, min, max, ticks) : new Axis(AxisScale.Linear, ticks[0], ticks[^1], ticks);
    }

    private static Axis LogCovering(double min, double max)
    {
        int lo = (int)Math.Floor(Math.Log10(min)), hi = (int)Math.Ceiling(Math.Log10(max));
        if (hi == lo) hi++;   // one decade at least
        int stride = (int)Math.Ceiling((hi - lo + 1) / (double)MaxLogLabels);
        hi = lo + (int)Math.Ceiling((hi - lo) / (double)stride) * stride;   // end on a labelled decade
        var ticks = new List<double>();
        for (int k = lo; k <= hi; k += stride) ticks.Add(Math.Pow(10, k));
        return new Axis(AxisScale.Log10, ticks[0], ticks[^1], ticks);
    }

    /// <summary>1, 2, 5 or 10 × 10^k near <paramref name="range"/> (rounded to the nearest, or the next one up).</summary>
    private static double NiceNumber(double range, bool round)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(range)));
        double fraction = range / power;
        double nice = round
            ? fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
            : fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }
}
