using Rnn.Pipelines.Plotting;

namespace Rnn.Pipelines.Tests.Plotting;

[TestClass]
public sealed class HeatmapTest
{
    private static readonly double[,] Matrix = { { -1, -0.5, 0, 0.5 }, { 1, 0.25, -0.25, 0 }, { 0.9, -0.9, 0.1, -0.1 } };

    [TestMethod]
    public void ToSvg_Matrix_WellFormedWithOneRectPerCellAndOneColorBar()
    {
        var svg = new SvgQuery(new Heatmap(Matrix) { Title = "h", XLabel = "step", YLabel = "unit" }.ToSvg());

        Assert.HasCount(12, svg.All("rect", "cell"));
        Assert.HasCount(1, svg.All("rect", "colorbar"));
        Assert.HasCount(3, svg.Texts("row-label"));
        Assert.HasCount(4, svg.Texts("column-label"));
        Assert.AreEqual("step", svg.Texts("x-label").Single());
    }

    [TestMethod]
    public void ToSvg_Cells_RowMajorWithColourAndTooltipOfTheirValue()
    {
        var map = new Heatmap(Matrix) { RowLabels = ["h0", "h1", "h2"], ColumnLabels = ["t1", "t2", "t3", "t4"] };

        var cells = new SvgQuery(map.ToSvg()).All("rect", "cell");

        Assert.AreEqual(map.ColorOf(0.5), (string)cells[3].Attribute("fill")!);
        Assert.AreEqual(map.ColorOf(1), (string)cells[4].Attribute("fill")!);
        Assert.AreEqual("h1, t1: 1", cells[4].Value);
    }

    [TestMethod]
    public void ColorOf_RangeEndsAndZero_DivergingBlueWhiteRed()
    {
        var map = new Heatmap(Matrix);

        Assert.AreEqual("#2166ac", map.ColorOf(-1));
        Assert.AreEqual("#f7f7f7", map.ColorOf(0));
        Assert.AreEqual("#b2182b", map.ColorOf(1));
        Assert.AreEqual(map.ColorOf(1), map.ColorOf(7), "values beyond the range take the end colour");
    }

    [TestMethod]
    public void ToSvg_ColorBar_TicksSpanMinusRangeToRange()
    {
        var svg = new SvgQuery(new Heatmap(Matrix) { Range = 2 }.ToSvg());

        CollectionAssert.AreEqual(new[] { "2", "1", "0", "-1", "-2" }, svg.Texts("colorbar-tick"));
    }

    [TestMethod]
    public void ToSvg_HundredColumns_LabelsEveryKthColumnOnly()
    {
        var svg = new SvgQuery(new Heatmap(new double[32, 100]).ToSvg());

        Assert.HasCount(3200, svg.All("rect", "cell"));
        int labels = svg.Texts("column-label").Count;
        Assert.IsTrue(labels is >= 5 and < 100, $"{labels} column labels");
        Assert.AreEqual("0", svg.Texts("column-label")[0]);
    }

    [TestMethod]
    public void ToSvg_ShowValues_OneValueTextPerCell()
    {
        var svg = new SvgQuery(new Heatmap(Matrix) { ShowValues = true }.ToSvg());

        CollectionAssert.AreEqual(new[] { "-1", "-0.5", "0", "0.5" }, svg.Texts("value").Take(4).ToArray());
        Assert.HasCount(12, svg.Texts("value"));
    }

    [TestMethod]
    public void ToSvg_MarkupInLabels_IsEscaped()
    {
        var map = new Heatmap(new double[,] { { 0.5 } }) { Title = "c < 1 & h > 0", RowLabels = ["<h0>"] };

        var svg = new SvgQuery(map.ToSvg());

        Assert.AreEqual("c < 1 & h > 0", svg.Texts("title").Single());
        Assert.AreEqual("<h0>", svg.Texts("row-label").Single());
    }

    [TestMethod]
    public void Ctor_NaN_ThrowsNamingRowAndColumn()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new Heatmap(new double[,] { { 0, 1 }, { double.NaN, 0 } }));
        StringAssert.Contains(ex.Message, "values[1, 0] = NaN");
    }

    [TestMethod]
    public void Ctor_EmptyMatrix_Throws()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new Heatmap(new double[0, 3]));
        StringAssert.Contains(ex.Message, "empty");
    }

    [TestMethod]
    public void RowLabels_WrongCount_Throws()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new Heatmap(Matrix) { RowLabels = ["a", "b"] });
        StringAssert.Contains(ex.Message, "2 row labels for 3 rows");
    }

    [TestMethod]
    public void Range_NotPositive_Throws()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Heatmap(Matrix) { Range = 0 });
    }
}
