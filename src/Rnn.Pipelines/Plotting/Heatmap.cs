using System.Globalization;
using System.Xml.Linq;

namespace Rnn.Pipelines.Plotting;

/// <summary>
/// A matrix drawn as coloured cells with a diverging colour scale, written as a standalone SVG file: for example
/// hidden units (rows) × time steps (columns) of a recurrent layer.
/// </summary>
/// <remarks>
/// <para>Colours run from blue (−<see cref="Range"/>) through white (0) to red (+<see cref="Range"/>), ColorBrewer's
/// RdBu scale, with a colour bar at the right. The default range 1 suits tanh and sigmoid-gated hidden states, which
/// lie in [−1, 1]; values beyond the range take the end colour (an LSTM's cell state can exceed 1).</para>
/// <para>Each cell is one <c>&lt;rect class="cell"&gt;</c> with a tooltip giving its row, column and value; the colour
/// bar is one <c>&lt;rect class="colorbar"&gt;</c>. Long axes label every k-th row or column so labels never overlap.</para>
/// <example>
/// <code>
/// var map = new Heatmap(new double[,] { { 0.1, -0.5 }, { 0.9, 0.0 } }) { Title = "h_t", XLabel = "step", YLabel = "unit" };
/// map.Save("hidden.svg");
/// </code>
/// </example>
/// </remarks>
public sealed class Heatmap
{
    // ColorBrewer RdBu (7 classes), from −Range to +Range.
    private static readonly (byte R, byte G, byte B)[] Scale =
        [(0x21, 0x66, 0xac), (0x67, 0xa9, 0xcf), (0xd1, 0xe5, 0xf0), (0xf7, 0xf7, 0xf7), (0xfd, 0xdb, 0xc7), (0xef, 0x8a, 0x62), (0xb2, 0x18, 0x2b)];

    private const double MarginLeft = 70, MarginTop = 44, MarginBottom = 56, ColorBarWidth = 16;

    private readonly double[,] _values;
    private readonly string[] _rowLabels, _columnLabels;
    private readonly double _range = 1;

    /// <summary>Creates the heatmap of a rows × columns matrix (copied).</summary>
    /// <param name="values">The matrix; <c>values[r, c]</c> is drawn in row r (top to bottom), column c (left to right).</param>
    /// <exception cref="ArgumentException">The matrix is empty or holds NaN or an infinity; the message gives the row and column.</exception>
    public Heatmap(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0) throw new ArgumentException($"the matrix is empty ({values.GetLength(0)} x {values.GetLength(1)})", nameof(values));
        for (int r = 0; r < values.GetLength(0); r++)
            for (int c = 0; c < values.GetLength(1); c++)
                if (!double.IsFinite(values[r, c]))
                    throw new ArgumentException($"values[{r}, {c}] = {values[r, c]}; every value must be finite", nameof(values));
        _values = (double[,])values.Clone();
        _rowLabels = Indices(Rows);
        _columnLabels = Indices(Columns);
    }

    /// <summary>Rows of the matrix.</summary>
    public int Rows => _values.GetLength(0);

    /// <summary>Columns of the matrix.</summary>
    public int Columns => _values.GetLength(1);

    /// <summary>Title above the map. Default empty (none).</summary>
    public string Title { get; init; } = "";

    /// <summary>Label under the columns. Default empty (none).</summary>
    public string XLabel { get; init; } = "";

    /// <summary>Label beside the rows. Default empty (none).</summary>
    public string YLabel { get; init; } = "";

    /// <summary>Label of the colour bar. Default empty (none).</summary>
    public string ColorBarLabel { get; init; } = "";

    /// <summary>Write each value inside its cell (for small matrices). Default false.</summary>
    public bool ShowValues { get; init; }

    /// <summary>The colour scale spans [−Range, +Range]. Default 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and finite.</exception>
    public double Range
    {
        get => _range;
        init
        {
            if (!(value > 0 && double.IsFinite(value))) throw new ArgumentOutOfRangeException(nameof(Range), value, "Range must be positive and finite");
            _range = value;
        }
    }

    /// <summary>Row labels, one per row. Default "0", "1", ….</summary>
    /// <exception cref="ArgumentException">The count differs from <see cref="Rows"/>.</exception>
    public IReadOnlyList<string> RowLabels
    {
        get => _rowLabels;
        init => _rowLabels = CheckLabels(value, Rows, "row");
    }

    /// <summary>Column labels, one per column. Default "0", "1", ….</summary>
    /// <exception cref="ArgumentException">The count differs from <see cref="Columns"/>.</exception>
    public IReadOnlyList<string> ColumnLabels
    {
        get => _columnLabels;
        init => _columnLabels = CheckLabels(value, Columns, "column");
    }

    /// <summary>The colour of <paramref name="value"/> as <c>#rrggbb</c>: blue below 0, white at 0, red above.</summary>
    public string ColorOf(double value)
    {
        double t = Math.Clamp((value / _range + 1) / 2, 0, 1) * (Scale.Length - 1);
        int i = Math.Min((int)t, Scale.Length - 2);
        double f = t - i;
        var (a, b) = (Scale[i], Scale[i + 1]);
        static int Mix(byte x, byte y, double f) => (int)Math.Round(x + (y - x) * f);
        return $"#{Mix(a.R, b.R, f):x2}{Mix(a.G, b.G, f):x2}{Mix(a.B, b.B, f):x2}";
    }

    /// <summary>Draws the heatmap.</summary>
    /// <returns>A standalone SVG document.</returns>
    public string ToSvg()
    {
        // Cells fill about 640 × 360 px, within readable bounds.
        double cellWidth = Math.Clamp(640.0 / Columns, 4, 56), cellHeight = Math.Clamp(360.0 / Rows, 4, 40);
        double labelWidth = Svg.CharWidth * _rowLabels.Max(l => l.Length);
        double left = MarginLeft + labelWidth, top = MarginTop;
        double right = left + cellWidth * Columns, bottom = top + cellHeight * Rows;
        // Room for the colour bar, and for the title (15 px glyphs) when it is wider than the map.
        double width = Math.Max(right + 110, 1.25 * Svg.CharWidth * Title.Length + 40), height = bottom + MarginBottom;

        var svg = Svg.Document(width, height, Title.Length > 0 ? Title : "heatmap");
        if (Title.Length > 0) svg.Add(Svg.Text(width / 2, 26, Title, "middle", 15, "title"));

        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                double x = left + c * cellWidth, y = top + r * cellHeight, v = _values[r, c];
                var cell = Svg.Rect(x, y, cellWidth, cellHeight, ColorOf(v), "cell");
                cell.Add(new XAttribute("shape-rendering", "crispEdges"));   // no hairline seams between cells
                cell.Add(new XElement(Svg.Ns + "title", $"{_rowLabels[r]}, {_columnLabels[c]}: {Format(v)}"));
                svg.Add(cell);
                if (ShowValues)
                {
                    string ink = Math.Abs(v) > 0.6 * _range ? "#ffffff" : "#222222";
                    svg.Add(Svg.Text(x + cellWidth / 2, y + cellHeight / 2 + 4, Format(v), "middle",
                        Math.Min(11, cellHeight * 0.4), "value", fill: ink));
                }
            }
        }

        // Labels every k-th row/column, so that neighbouring labels never overlap.
        int rowStride = (int)Math.Ceiling(13 / cellHeight);
        for (int r = 0; r < Rows; r += rowStride)
            svg.Add(Svg.Text(left - 6, top + (r + 0.5) * cellHeight + 4, _rowLabels[r], "end", 11, "row-label"));
        int columnStride = (int)Math.Ceiling((Svg.CharWidth * _columnLabels.Max(l => l.Length) + 8) / cellWidth);
        for (int c = 0; c < Columns; c += columnStride)
            svg.Add(Svg.Text(left + (c + 0.5) * cellWidth, bottom + 16, _columnLabels[c], "middle", 11, "column-label"));
        if (XLabel.Length > 0) svg.Add(Svg.Text((left + right) / 2, height - 14, XLabel, "middle", 13, "x-label"));
        if (YLabel.Length > 0) svg.Add(Svg.Text(20, (top + bottom) / 2, YLabel, "middle", 13, "y-label", rotate: -90));

        AddColorBar(svg, right + 24, top, Math.Max(bottom - top, 120));
        return svg.ToString();
    }

    /// <summary>Writes <see cref="ToSvg"/> to <paramref name="path"/> (UTF-8), replacing any file there.</summary>
    /// <param name="path">The file to write, conventionally ending in <c>.svg</c>.</param>
    public void Save(string path) => Svg.Save(ToSvg(), path);

    // A vertical gradient, +Range at the top, with five ticks.
    private void AddColorBar(XElement svg, double x, double top, double height)
    {
        var gradient = new XElement(Svg.Ns + "linearGradient", new XAttribute("id", "colorbar-gradient"),
            new XAttribute("x1", "0"), new XAttribute("y1", "1"), new XAttribute("x2", "0"), new XAttribute("y2", "0"));
        for (int i = 0; i < Scale.Length; i++)
        {
            double offset = i / (double)(Scale.Length - 1);
            gradient.Add(new XElement(Svg.Ns + "stop", new XAttribute("offset", Svg.N(offset)),
                new XAttribute("stop-color", ColorOf((2 * offset - 1) * _range))));
        }
        svg.Add(new XElement(Svg.Ns + "defs", gradient));
        var bar = Svg.Rect(x, top, ColorBarWidth, height, "url(#colorbar-gradient)", "colorbar");
        bar.Add(new XAttribute("stroke", "#444444"), new XAttribute("stroke-width", "0.5"));
        svg.Add(bar);
        for (int i = 0; i <= 4; i++)
        {
            double value = _range * (1 - i / 2.0), y = top + height * i / 4;
            svg.Add(Svg.Line(x + ColorBarWidth, y, x + ColorBarWidth + 4, y, "#444444"));
            svg.Add(Svg.Text(x + ColorBarWidth + 7, y + 4, Format(value), "start", 11, "colorbar-tick"));
        }
        if (ColorBarLabel.Length > 0)
            svg.Add(Svg.Text(x + ColorBarWidth + 52, top + height / 2, ColorBarLabel, "middle", 12, "colorbar-label", rotate: 90));
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string[] Indices(int count) => Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private static string[] CheckLabels(IReadOnlyList<string> labels, int count, string what)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != count) throw new ArgumentException($"{labels.Count} {what} labels for {count} {what}s; give one per {what}", what + "Labels");
        return [.. labels];
    }
}
