using System.Globalization;
using Rnn.Pipelines.Plotting;

namespace Rnn.Pipelines.Tests.Plotting;

[TestClass]
public sealed class LineChartTest
{
    [TestMethod]
    public void ToSvg_TwoSeries_WellFormedWithOnePolylineAndLegendEntryPerSeries()
    {
        var chart = new LineChart { Title = "Loss", XLabel = "epoch", YLabel = "cross-entropy" }
            .Add("train", [1.2, 0.8, 0.5, 0.4])
            .Add("validation", [1.3, 0.9, 0.7, 0.65]);

        var svg = new SvgQuery(chart.ToSvg());

        Assert.HasCount(2, svg.All("polyline", "series"));
        var entries = svg.All("g", "legend-entry");
        CollectionAssert.AreEqual(new[] { "train", "validation" }, entries.Select(e => e.Value).ToArray());
        Assert.AreEqual("Loss", svg.Texts("title").Single());
        Assert.AreEqual("epoch", svg.Texts("x-label").Single());
        Assert.AreEqual("cross-entropy", svg.Texts("y-label").Single());
    }

    [TestMethod]
    public void ToSvg_Series_OnePointPerValueAndOneMarkerPerPointWhenAsked()
    {
        var chart = new LineChart { Markers = true }.Add("a", [3, 1, 2]).Add("b", [1, 1]);

        var svg = new SvgQuery(chart.ToSvg());

        var counts = svg.All("polyline", "series").Select(p => ((string)p.Attribute("points")!).Split(' ').Length);
        CollectionAssert.AreEqual(new[] { 3, 2 }, counts.ToArray());
        Assert.HasCount(5, svg.All("circle", "marker"));
    }

    [TestMethod]
    public void ToSvg_DashedSeriesWithColour_DrawnAndShownInTheLegendSo()
    {
        var chart = new LineChart()
            .Add("lstm train", [1, 0.5])
            .Add("lstm held-out", [1.1, 0.6], dashed: true, color: LineChart.PaletteColor(0));

        var svg = new SvgQuery(chart.ToSvg());

        var lines = svg.All("polyline", "series");
        Assert.AreEqual((string)lines[0].Attribute("stroke")!, (string)lines[1].Attribute("stroke")!);
        Assert.IsNull(lines[0].Attribute("stroke-dasharray"));
        Assert.IsNotNull(lines[1].Attribute("stroke-dasharray"));
        Assert.IsNotNull(svg.All("g", "legend-entry")[1].Elements().First().Attribute("stroke-dasharray"));
    }

    [TestMethod]
    public void ToSvg_LinearAxis_NiceTicksCoverTheData()
    {
        var chart = new LineChart().Add("a", [0.13, 0.5, 0.87]);

        var svg = new SvgQuery(chart.ToSvg());

        CollectionAssert.AreEqual(new[] { "0.0", "0.2", "0.4", "0.6", "0.8", "1.0" }, svg.Texts("y-tick"));
    }

    [TestMethod]
    public void ToSvg_XAxis_SpansTheDataExactlyWithTicksInside()
    {
        var chart = new LineChart().Add("steps", Enumerable.Range(1, 100).Select(t => (double)t).ToArray());

        var svg = new SvgQuery(chart.ToSvg());

        var xAxis = svg.All("line", "axis")[0];
        var xs = PointsOf(svg.All("polyline", "series")[0]).Select(p => p.X).ToList();
        Assert.AreEqual(SvgQuery.Number(xAxis, "x1"), xs.Min(), 1e-9);
        Assert.AreEqual(SvgQuery.Number(xAxis, "x2"), xs.Max(), 1e-9);
        CollectionAssert.AreEqual(new[] { "20", "40", "60", "80", "100" }, svg.Texts("x-tick"));
    }

    [TestMethod]
    public void ToSvg_LogAxis_TicksArePowersOfTenSpanningTheData()
    {
        var chart = new LineChart { YScale = AxisScale.Log10 }.Add("norm", [3e-5, 2e-3, 0.4]);

        var svg = new SvgQuery(chart.ToSvg());

        CollectionAssert.AreEqual(new[] { "1e-5", "1e-4", "1e-3", "0.01", "0.1", "1" }, svg.Texts("y-tick"));
    }

    [TestMethod]
    public void ToSvg_LogAxisOverThirtyDecades_ThinsTicksToAtMostNinePowersOfTen()
    {
        var chart = new LineChart { YScale = AxisScale.Log10 }.Add("rnn", [1e-30, 1e-12, 0.5]);

        var ticks = new SvgQuery(chart.ToSvg()).Texts("y-tick");

        Assert.IsLessThanOrEqualTo(9, ticks.Count);
        var exponents = ticks.Select(t => (int)Math.Round(Math.Log10(double.Parse(t, CultureInfo.InvariantCulture)))).ToList();
        Assert.IsLessThanOrEqualTo(-30, exponents[0]);
        Assert.IsGreaterThanOrEqualTo(0, exponents[^1]);
        Assert.IsTrue(exponents.Zip(exponents.Skip(1), (a, b) => b - a).Distinct().Count() == 1, "evenly spaced decades");
    }

    [TestMethod]
    public void ToSvg_LogAxis_PointsSitBetweenTheFirstAndLastTick()
    {
        var chart = new LineChart { YScale = AxisScale.Log10 }.Add("norm", [3e-5, 0.4]);

        var svg = new SvgQuery(chart.ToSvg());

        var tickYs = svg.All("line", "grid").Where(l => l.Attribute("x1")!.Value != l.Attribute("x2")!.Value).Select(l => SvgQuery.Number(l, "y1")).ToList();
        foreach (var (_, y) in PointsOf(svg.All("polyline", "series")[0]))
        {
            Assert.IsGreaterThan(tickYs.Min(), y);
            Assert.IsLessThan(tickYs.Max(), y);
        }
    }

    [TestMethod]
    public void ToSvg_MarkupInLabels_IsEscaped()
    {
        var chart = new LineChart { Title = "a < b & \"c\"", XLabel = "<x>" }.Add("h<t>", [1, 2]);

        string text = chart.ToSvg();
        var svg = new SvgQuery(text);

        StringAssert.Contains(text, "a &lt; b &amp; \"c\"");
        Assert.AreEqual("a < b & \"c\"", svg.Texts("title").Single());
        Assert.AreEqual("<x>", svg.Texts("x-label").Single());
        Assert.AreEqual("h<t>", svg.All("g", "legend-entry").Single().Value);
    }

    [TestMethod]
    public void ToSvg_NoSeries_ThrowsInvalidOperation()
    {
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => new LineChart().ToSvg());
        StringAssert.Contains(ex.Message, "no series");
    }

    [TestMethod]
    public void ToSvg_TooSmallForTheLegend_ThrowsInvalidOperation()
    {
        var chart = new LineChart { Width = 200 }.Add("a rather long series name", [1, 2]);
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => chart.ToSvg());
        StringAssert.Contains(ex.Message, "200 x 420");
    }

    [TestMethod]
    public void Add_EmptySeries_ThrowsNamingTheSeries()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new LineChart().Add("loss", ReadOnlySpan<double>.Empty));
        StringAssert.Contains(ex.Message, "'loss' is empty");
    }

    [TestMethod]
    public void Add_NaN_ThrowsNamingSeriesAndIndex()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new LineChart().Add("train", [0.5, 0.4, double.NaN]));
        StringAssert.Contains(ex.Message, "'train' has y[2] = NaN");
    }

    [TestMethod]
    public void Add_InfiniteX_ThrowsNamingSeriesAndIndex()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new LineChart().Add("a", [1, double.PositiveInfinity], [1, 2]));
        StringAssert.Contains(ex.Message, "'a' has x[1]");
    }

    [TestMethod]
    public void Add_MismatchedLengths_Throws()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new LineChart().Add("a", [1, 2, 3], [1, 2]));
        StringAssert.Contains(ex.Message, "3 x values and 2 y values");
    }

    [TestMethod]
    public void Add_ZeroOnLogAxis_ThrowsNamingSeriesAndIndex()
    {
        var chart = new LineChart { YScale = AxisScale.Log10 };
        var ex = Assert.ThrowsExactly<ArgumentException>(() => chart.Add("rnn", [1e-3, 0]));
        StringAssert.Contains(ex.Message, "'rnn' has y[1] = 0");
        Assert.IsEmpty(chart.Series);
    }

    [TestMethod]
    public void Save_WritesTheDocument()
    {
        var chart = new LineChart().Add("a", [1, 2]);
        string path = Path.Combine(Path.GetTempPath(), $"linechart-{Guid.NewGuid():N}.svg");
        try
        {
            chart.Save(path);
            Assert.AreEqual(chart.ToSvg(), File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<(double X, double Y)> PointsOf(System.Xml.Linq.XElement polyline) =>
        ((string)polyline.Attribute("points")!).Split(' ')
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();
}
