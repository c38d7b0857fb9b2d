using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Rnn.Pipelines.Plotting;

/// <summary>
/// The few SVG elements the charts draw, built with <see cref="System.Xml.Linq"/> (which escapes every label) and
/// with coordinates written in the invariant culture, rounded to 0.01 px.
/// </summary>
internal static class Svg
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    public const string Font = "font-family:DejaVu Sans,Helvetica,Arial,sans-serif";

    /// <summary>Average glyph width at 12 px, for sizing legends and margins without measuring text.</summary>
    public const double CharWidth = 7;

    /// <summary>The root element: a white canvas of the given size with a title for screen readers.</summary>
    public static XElement Document(double width, double height, string title) =>
        new(Ns + "svg",
            new XAttribute("width", N(width)), new XAttribute("height", N(height)),
            new XAttribute("viewBox", $"0 0 {N(width)} {N(height)}"),
            new XAttribute("style", Font),
            new XElement(Ns + "title", title),
            Rect(0, 0, width, height, "#ffffff", "background"));

    public static XElement Rect(double x, double y, double width, double height, string fill, string? cssClass = null) =>
        new(Ns + "rect", Class(cssClass),
            new XAttribute("x", N(x)), new XAttribute("y", N(y)),
            new XAttribute("width", N(width)), new XAttribute("height", N(height)),
            new XAttribute("fill", fill));

    public static XElement Line(double x1, double y1, double x2, double y2, string stroke, double strokeWidth = 1, string? cssClass = null) =>
        new(Ns + "line", Class(cssClass),
            new XAttribute("x1", N(x1)), new XAttribute("y1", N(y1)),
            new XAttribute("x2", N(x2)), new XAttribute("y2", N(y2)),
            new XAttribute("stroke", stroke), new XAttribute("stroke-width", N(strokeWidth)));

    /// <summary>Text at (x, y); <paramref name="anchor"/> is start, middle or end; <paramref name="rotate"/> turns it about (x, y).</summary>
    public static XElement Text(double x, double y, string text, string anchor = "start", double size = 12,
        string? cssClass = null, double rotate = 0, string fill = "#222222")
    {
        var element = new XElement(Ns + "text", Class(cssClass),
            new XAttribute("x", N(x)), new XAttribute("y", N(y)),
            new XAttribute("font-size", N(size)), new XAttribute("text-anchor", anchor),
            new XAttribute("fill", fill), text);
        if (rotate != 0) element.Add(new XAttribute("transform", $"rotate({N(rotate)} {N(x)} {N(y)})"));
        return element;
    }

    /// <summary>A number for an attribute: invariant culture, at most two decimals.</summary>
    public static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Writes the document to <paramref name="path"/> as UTF-8 without a byte-order mark, replacing the file.</summary>
    public static void Save(string svg, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        File.WriteAllText(path, svg, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    private static XAttribute? Class(string? cssClass) => cssClass is null ? null : new XAttribute("class", cssClass);
}
