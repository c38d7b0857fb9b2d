using System.Xml.Linq;

namespace Rnn.Pipelines.Plotting;

/// <summary>
/// A line chart of named series written as a standalone SVG file: loss and validation curves per epoch, or
/// gradient norms per time step on a log axis.
/// </summary>
/// <remarks>
/// <para>The x axis spans the data exactly; the y axis covers every series, rounded out to tick values
/// (<see cref="AxisScale"/>). A legend to the right of
/// the plot names each series in its colour. Each series is one <c>&lt;polyline class="series"&gt;</c>, each legend
/// entry a <c>&lt;g class="legend-entry"&gt;</c>, each tick label a <c>&lt;text class="x-tick"&gt;</c> or
/// <c>&lt;text class="y-tick"&gt;</c>.</para>
/// <para>Bad values are refused when a series is added, never silently dropped: an empty series, x and y of different
/// lengths, a NaN or infinite value, or (on a log axis) a value ≤ 0 throws <see cref="ArgumentException"/> naming the
/// series and the index. Leave such points out (give the x values of the points you keep) to draw the rest.</para>
/// <example>
/// <code>
/// var chart = new LineChart { Title = "Loss", XLabel = "epoch", YLabel = "cross-entropy" };
/// chart.Add("train", [0.9, 0.5, 0.3]).Add("validation", [1.0, 0.6, 0.45]);
/// chart.Save("loss.svg");
/// </code>
/// </example>
/// </remarks>
public sealed class LineChart
{
    // Tableau 10: distinct hues that stay apart for most colour-blind readers.
    private static readonly string[] Palette =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    private const double MarginLeft = 76, MarginTop = 44, MarginBottom = 56;

    private readonly List<LineSeries> _series = [];

    /// <summary>Title above the plot. Default empty (none).</summary>
    public string Title { get; init; } = "";

    /// <summary>Label under the x axis. Default empty (none).</summary>
    public string XLabel { get; init; } = "";

    /// <summary>Label beside the y axis. Default empty (none).</summary>
    public string YLabel { get; init; } = "";

    /// <summary>Scale of the y axis. Default <see cref="AxisScale.Linear"/>; with <see cref="AxisScale.Log10"/> every y must be positive.</summary>
    public AxisScale YScale { get; init; } = AxisScale.Linear;

    /// <summary>Draw a dot at every point (useful for short series; a one-point series shows only as a dot). Default false.</summary>
    public bool Markers { get; init; }

    /// <summary>Width of the image in pixels. Default 720.</summary>
    public int Width { get; init; } = 720;

    /// <summary>Height of the image in pixels. Default 420.</summary>
    public int Height { get; init; } = 420;

    /// <summary>The series added so far, in legend order.</summary>
    public IReadOnlyList<LineSeries> Series => _series;

    /// <summary>The colour the chart gives the series at <paramref name="index"/> (Tableau 10, repeating), to pair series by colour.</summary>
    public static string PaletteColor(int index) => Palette[Math.Abs(index % Palette.Length)];

    /// <summary>Adds a series with x = 1, 2, …, n (epochs or time steps).</summary>
    /// <param name="name">Legend text.</param>
    /// <param name="y">The values, one per point.</param>
    /// <param name="dashed">Draw a dashed line (e.g. validation beside a solid training curve). Default false.</param>
    /// <param name="color">A CSS colour; default the palette colour of the series' index (<see cref="PaletteColor"/>).</param>
    /// <returns>This chart, to chain calls.</returns>
    /// <exception cref="ArgumentException">The series is empty or holds a value the axis cannot show; the message names the series and index.</exception>
    public LineChart Add(string name, ReadOnlySpan<double> y, bool dashed = false, string? color = null)
    {
        var x = new double[y.Length];
        for (int i = 0; i < x.Length; i++) x[i] = i + 1;
        return Add(name, x, y, dashed, color);
    }

    /// <summary>Adds a series of points (x[i], y[i]).</summary>
    /// <param name="name">Legend text.</param>
    /// <param name="x">Positions along the x axis.</param>
    /// <param name="y">Values, as many as <paramref name="x"/>.</param>
    /// <param name="dashed">Draw a dashed line. Default false.</param>
    /// <param name="color">A CSS colour; default the palette colour of the series' index (<see cref="PaletteColor"/>).</param>
    /// <returns>This chart, to chain calls.</returns>
    /// <exception cref="ArgumentException">The series is empty, its lengths differ, or it holds a value the axes cannot show.</exception>
    public LineChart Add(string name, ReadOnlySpan<double> x, ReadOnlySpan<double> y, bool dashed = false, string? color = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (y.IsEmpty) throw new ArgumentException($"series '{name}' is empty; a series needs at least one point", nameof(y));
        if (x.Length != y.Length)
            throw new ArgumentException($"series '{name}' has {x.Length} x values and {y.Length} y values; they must pair up", nameof(x));
        for (int i = 0; i < y.Length; i++)
        {
            if (!double.IsFinite(x[i])) throw new ArgumentException($"series '{name}' has x[{i}] = {x[i]}; every value must be finite", nameof(x));
            if (!double.IsFinite(y[i])) throw new ArgumentException($"series '{name}' has y[{i}] = {y[i]}; every value must be finite", nameof(y));
            if (YScale == AxisScale.Log10 && y[i] <= 0)
                throw new ArgumentException($"series '{name}' has y[{i}] = {y[i]}; a log10 axis shows positive values only", nameof(y));
        }
        _series.Add(new LineSeries(name, x.ToArray(), y.ToArray(), color ?? PaletteColor(_series.Count), dashed));
        return this;
    }

    /// <summary>Draws the chart.</summary>
    /// <returns>A standalone SVG document.</returns>
    /// <exception cref="InvalidOperationException">No series was added, or the chart is too small for its legend.</exception>
    public string ToSvg()
    {
        if (_series.Count == 0) throw new InvalidOperationException("the chart has no series; add at least one before drawing it");
        var xAxis = Axis.Covering(_series.Min(s => s.X.Min()), _series.Max(s => s.X.Max()), AxisScale.Linear, tight: true);
        var yAxis = Axis.Covering(_series.Min(s => s.Y.Min()), _series.Max(s => s.Y.Max()), YScale);

        double legendWidth = 40 + Svg.CharWidth * _series.Max(s => s.Name.Length);
        double left = MarginLeft, right = Width - legendWidth - 24, top = MarginTop, bottom = Height - MarginBottom;
        if (right - left < 60 || bottom - top < 60)
            throw new InvalidOperationException($"a {Width} x {Height} chart leaves no room to plot beside the legend; make it larger or the series names shorter");
        double Px(double x) => left + xAxis.Fraction(x) * (right - left);
        double Py(double y) => bottom - yAxis.Fraction(y) * (bottom - top);

        var svg = Svg.Document(Width, Height, Title.Length > 0 ? Title : "line chart");
        if (Title.Length > 0) svg.Add(Svg.Text(Width / 2.0, 26, Title, "middle", 15, "title"));

        // Grid and ticks, then the frame on top of the grid.
        foreach (double tick in xAxis.Ticks)
        {
            svg.Add(Svg.Line(Px(tick), top, Px(tick), bottom, "#e6e6e6", 1, "grid"));
            svg.Add(Svg.Text(Px(tick), bottom + 18, xAxis.Label(tick), "middle", 11, "x-tick"));
        }
        foreach (double tick in yAxis.Ticks)
        {
            svg.Add(Svg.Line(left, Py(tick), right, Py(tick), "#e6e6e6", 1, "grid"));
            svg.Add(Svg.Text(left - 8, Py(tick) + 4, yAxis.Label(tick), "end", 11, "y-tick"));
        }
        svg.Add(Svg.Line(left, bottom, right, bottom, "#444444", 1, "axis"));
        svg.Add(Svg.Line(left, top, left, bottom, "#444444", 1, "axis"));
        if (XLabel.Length > 0) svg.Add(Svg.Text((left + right) / 2, Height - 14, XLabel, "middle", 13, "x-label"));
        if (YLabel.Length > 0) svg.Add(Svg.Text(20, (top + bottom) / 2, YLabel, "middle", 13, "y-label", rotate: -90));

        var legend = new XElement(Svg.Ns + "g", new XAttribute("class", "legend"));
        for (int s = 0; s < _series.Count; s++)
        {
            var series = _series[s];
            string color = series.Color;
            string points = string.Join(" ", series.X.Zip(series.Y, (x, y) => $"{Svg.N(Px(x))},{Svg.N(Py(y))}"));
            svg.Add(new XElement(Svg.Ns + "polyline",
                new XAttribute("class", "series"), new XAttribute("points", points),
                new XAttribute("fill", "none"), new XAttribute("stroke", color), new XAttribute("stroke-width", "2"),
                new XAttribute("stroke-linejoin", "round"),
                series.Dashed ? new XAttribute("stroke-dasharray", "6 4") : null,
                new XElement(Svg.Ns + "title", series.Name)));
            if (Markers)
            {
                for (int i = 0; i < series.X.Count; i++)
                    svg.Add(new XElement(Svg.Ns + "circle", new XAttribute("class", "marker"),
                        new XAttribute("cx", Svg.N(Px(series.X[i]))), new XAttribute("cy", Svg.N(Py(series.Y[i]))),
                        new XAttribute("r", "3"), new XAttribute("fill", color)));
            }
            double ly = top + 8 + 20 * s;
            var sample = Svg.Line(right + 16, ly, right + 40, ly, color, 3);
            if (series.Dashed) sample.Add(new XAttribute("stroke-dasharray", "6 4"));
            legend.Add(new XElement(Svg.Ns + "g", new XAttribute("class", "legend-entry"), sample, Svg.Text(right + 46, ly + 4, series.Name)));
        }
        svg.Add(legend);
        return svg.ToString();
    }

    /// <summary>Writes <see cref="ToSvg"/> to <paramref name="path"/> (UTF-8), replacing any file there.</summary>
    /// <param name="path">The file to write, conventionally ending in <c>.svg</c>.</param>
    public void Save(string path) => Svg.Save(ToSvg(), path);
}

/// <summary>One line of a <see cref="LineChart"/>.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">Positions along the x axis.</param>
/// <param name="Y">Values, one per position.</param>
/// <param name="Color">Stroke colour (CSS).</param>
/// <param name="Dashed">True for a dashed line.</param>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, string Color, bool Dashed);
