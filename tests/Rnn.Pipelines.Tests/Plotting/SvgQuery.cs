using System.Globalization;
using System.Xml.Linq;

namespace Rnn.Pipelines.Tests.Plotting;

/// <summary>Parses chart output as XML (failing the test if it is not well-formed) and finds elements by tag and class.</summary>
internal sealed class SvgQuery
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    public SvgQuery(string svg)
    {
        Root = XDocument.Parse(svg).Root!;
        Assert.AreEqual(Ns + "svg", Root.Name, "the root element is an SVG element");
    }

    public XElement Root { get; }

    /// <summary>Every element named <paramref name="tag"/> with the given class (any class when null).</summary>
    public List<XElement> All(string tag, string? cssClass = null) =>
        Root.Descendants(Ns + tag).Where(e => cssClass is null || (string?)e.Attribute("class") == cssClass).ToList();

    /// <summary>The text of every <c>&lt;text&gt;</c> with the given class, in document order.</summary>
    public List<string> Texts(string cssClass) => All("text", cssClass).Select(e => e.Value).ToList();

    public static double Number(XElement element, string attribute) =>
        double.Parse((string)element.Attribute(attribute)!, CultureInfo.InvariantCulture);
}
