using System.Globalization;
using ScottPlot;

namespace Rnn.Cli.Reporting;

/// <summary>One line of a <see cref="Plots.Lines"/> chart.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">Positions along the x axis.</param>
/// <param name="Y">Values, one per position.</param>
/// <param name="Dashed">Draw a dashed line (e.g. held-out beside a solid training curve).</param>
/// <param name="ColorIndex">Palette colour; default the series' index, so two series can share a colour.</param>
public sealed record PlotSeries(string Name, double[] X, double[] Y, bool Dashed = false, int? ColorIndex = null)
{
    /// <summary>A series with x = 1, 2, …, n (epochs or time steps).</summary>
    public static PlotSeries Steps(string name, IEnumerable<double> y, bool dashed = false, int? colorIndex = null)
    {
        double[] values = [.. y];
        return new PlotSeries(name, [.. Enumerable.Range(1, values.Length).Select(i => (double)i)], values, dashed, colorIndex);
    }
}

/// <summary>
/// The plots of the rnnml tool (<c>--plot DIR</c>) and of the examples (which compile this file too), drawn with
/// ScottPlot and saved twice, as <c>STEM.png</c> and <c>STEM.svg</c>: line charts (loss curves, gradient norms on a log
/// axis), a forecast with its bound band, and a heatmap with a colour bar.
/// </summary>
public static class Plots
{
    /// <summary>Print <c>wrote PATH</c> for every file written (default true; the tool's <c>--json</c> turns it off).</summary>
    public static bool Announce { get; set; } = true;

    /// <summary>
    /// Lines (optionally with markers) and a legend at the right; with <paramref name="logY"/> the y axis is log10
    /// and values ≤ 0 or non-finite are left out of their line.
    /// </summary>
    /// <returns>The paths written (PNG, SVG).</returns>
    public static string[] Lines(string directory, string stem, string title, string xLabel, string yLabel,
        IEnumerable<PlotSeries> series, bool markers = false, bool logY = false, int width = 800, int height = 450)
    {
        ArgumentNullException.ThrowIfNull(series);
        var plot = Titled(title, xLabel, yLabel);
        int index = 0;
        var dashed = new List<ScottPlot.Plottables.Scatter>();
        bool allIntegerX = true;   // epochs, steps, batches: no tick at 1.5
        foreach (var s in series)
        {
            var keep = Enumerable.Range(0, s.Y.Length).Where(i => double.IsFinite(s.Y[i]) && (!logY || s.Y[i] > 0)).ToArray();
            double[] x = [.. keep.Select(i => s.X[i])];
            allIntegerX &= x.All(v => v == Math.Round(v));
            double[] y = [.. keep.Select(i => logY ? Math.Log10(s.Y[i]) : s.Y[i])];
            var color = plot.Add.Palette.GetColor(s.ColorIndex ?? index);
            var line = plot.Add.Scatter(x, y, s.Dashed ? color.Lighten(0.35) : color);
            line.LegendText = s.Name;
            line.LineWidth = 2;
            line.MarkerSize = markers ? 6 : 0;
            if (s.Dashed)
            {
                // Also a lighter shade and open markers: SkiaSharp's SVG canvas cannot draw dashes (Save).
                line.LinePattern = LinePattern.Dashed;
                line.MarkerShape = MarkerShape.OpenCircle;
                dashed.Add(line);
            }
            index++;
        }
        if (logY) LogAxis(plot.Axes.Left);
        if (allIntegerX) plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Edge.Right);
        return Save(plot, directory, stem, width, height, dashed);
    }

    /// <summary>
    /// The recent history, the forecast continuing from its last value, and the band between the lower and upper
    /// bounds shaded, with a legend at the right.
    /// </summary>
    /// <returns>The paths written (PNG, SVG).</returns>
    public static string[] Forecast(string directory, string stem, string title, string xLabel, string yLabel,
        double[] historyX, double[] history, double[] forecastX, double[] forecast, double[] lower, double[] upper,
        string boundsName, int width = 900, int height = 450)
    {
        var plot = Titled(title, xLabel, yLabel);
        var band = plot.Add.FillY(forecastX, lower, upper);
        band.FillColor = plot.Add.Palette.GetColor(1).WithAlpha(0.25);
        band.LineColor = plot.Add.Palette.GetColor(1).WithAlpha(0.6);
        band.LegendText = boundsName;
        var past = plot.Add.Scatter(historyX, history, plot.Add.Palette.GetColor(0));
        past.LegendText = "history";
        past.LineWidth = 2;
        past.MarkerSize = 0;
        var next = plot.Add.Scatter(forecastX, forecast, plot.Add.Palette.GetColor(1));
        next.LegendText = "forecast";
        next.LineWidth = 2;
        next.MarkerSize = 4;
        plot.ShowLegend(Edge.Right);
        return Save(plot, directory, stem, width, height);
    }

    /// <summary>
    /// A series of <paramref name="history"/> values at steps 1…n, of which the last <paramref name="shown"/> are drawn,
    /// and its next values at steps n+1…n+H with their bounds, drawn from the last observed value on.
    /// </summary>
    /// <returns>The paths written (PNG, SVG).</returns>
    public static string[] Forecast(string directory, string stem, string title, string xLabel, string yLabel,
        IReadOnlyList<float> history, int shown, float[] forecast, float[] lower, float[] upper, string boundsName)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfZero(history.Count);
        int n = history.Count;
        shown = Math.Clamp(shown, 1, n);
        double last = history[n - 1];
        double[] Continued(float[] values) => [last, .. values.Select(v => (double)v)];
        return Forecast(directory, stem, title, xLabel, yLabel,
            [.. Enumerable.Range(n - shown + 1, shown).Select(t => (double)t)], [.. history.Skip(n - shown).Select(v => (double)v)],
            [.. Enumerable.Range(n, forecast.Length + 1).Select(t => (double)t)], Continued(forecast), Continued(lower), Continued(upper), boundsName);
    }

    /// <summary>
    /// <paramref name="values"/>[r, c] as a cell in row r (top to bottom) and column c, coloured on a diverging
    /// blue–white–red scale over [−<paramref name="range"/>, +<paramref name="range"/>], with a labelled colour bar;
    /// with <paramref name="showValues"/> each value is written in its cell.
    /// </summary>
    /// <returns>The paths written (PNG, SVG).</returns>
    public static string[] Heatmap(string directory, string stem, string title, string xLabel, string yLabel,
        double[,] values, string[] rowLabels, string[] columnLabels, string colorBarLabel, double range = 1,
        bool showValues = false, int width = 720, int height = 480)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), columns = values.GetLength(1);
        var plot = Titled(title, xLabel, yLabel);
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Balance();
        map.ManualRange = new ScottPlot.Range(-range, range);
        // Extent runs through the centres of the corner cells: cell (r, c) then spans [c, c + 1] x [rows - r - 1, rows - r].
        map.Extent = new CoordinateRect(0.5, columns - 0.5, 0.5, rows - 0.5);
        plot.Add.ColorBar(map).Label = colorBarLabel;
        if (showValues)
        {
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++)
                {
                    var text = plot.Add.Text(values[r, c].ToString("F2", CultureInfo.InvariantCulture), c + 0.5, rows - r - 0.5);
                    text.LabelAlignment = Alignment.MiddleCenter;
                    text.LabelFontSize = 12;
                    text.LabelFontColor = Math.Abs(values[r, c]) > 0.6 * range ? Colors.White : Colors.Black;
                }
        }
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, columns).Select(c => c + 0.5)], columnLabels);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, rows).Select(r => rows - r - 0.5)], rowLabels);
        plot.Axes.SetLimits(0, columns, 0, rows);
        plot.HideGrid();
        return Save(plot, directory, stem, width, height);
    }

    private static Plot Titled(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    // The data are log10 values: whole decades labelled 1e-3, 1e-2, …, with minor ticks at 2..9 × each decade.
    private static void LogAxis(ScottPlot.IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => "1e" + Math.Round(y).ToString("0", CultureInfo.InvariantCulture),
        };
    }

    // SkiaSharp's SVG canvas has no dash effect (it prints "Unsupported path effect" and draws the line solid), so the
    // SVG draws dashed lines solid on purpose; their lighter shade and open markers still tell them apart.
    private static string[] Save(Plot plot, string directory, string stem, int width, int height,
        IReadOnlyList<ScottPlot.Plottables.Scatter>? dashed = null)
    {
        Directory.CreateDirectory(directory);
        string png = Path.GetFullPath(Path.Combine(directory, stem + ".png"));
        string svg = Path.GetFullPath(Path.Combine(directory, stem + ".svg"));
        plot.SavePng(png, width, height);
        foreach (var line in dashed ?? []) line.LinePattern = LinePattern.Solid;
        plot.SaveSvg(svg, width, height);
        if (Announce)
        {
            Console.WriteLine($"wrote {png}");
            Console.WriteLine($"wrote {svg}");
        }
        return [png, svg];
    }
}
