using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Transforms;

[TestClass]
public sealed class NormalizingTest
{
    private static readonly MLContext Ml = new(seed: 1);

    [TestMethod]
    public void NormalizeMinMax_Contract_Holds() =>
        EstimatorContract.Verify(Ml.Transforms.NormalizeMinMax("Features"), ColumnCopyingTest.Points, ColumnCopyingTest.Reviews);

    [TestMethod]
    public void NormalizeMeanVariance_Contract_Holds() =>
        EstimatorContract.Verify(Ml.Transforms.NormalizeMeanVariance("N", "X"), ColumnCopyingTest.Points, ColumnCopyingTest.Reviews);

    [TestMethod]
    public void NormalizeMinMax_FixZero_DividesByMaxAbs()
    {
        IDataView output = Ml.Transforms.NormalizeMinMax("Features").Fit(ColumnCopyingTest.Points).Transform(ColumnCopyingTest.Points);

        // slot maxima of |x|: 4, 8, 9
        CollectionAssert.AreEqual(new[] { 1 / 4f, -2 / 8f, 3 / 9f }, Rows.Vectors<float>(output, "Features")[0]);
    }

    [TestMethod]
    public void NormalizeMinMax_NoFixZero_MapsToUnitInterval()
    {
        IDataView output = Ml.Transforms.NormalizeMinMax("N", "X", fixZero: false).Fit(ColumnCopyingTest.Points).Transform(ColumnCopyingTest.Points);

        // X = 1, -4, 2: min -4, max 2
        List<float> n = Rows.Column<float>(output, "N");
        Assert.AreEqual(5 / 6f, n[0], 1e-6);
        Assert.AreEqual(0f, n[1], 1e-6);
        Assert.AreEqual(1f, n[2], 1e-6);
    }

    [TestMethod]
    public void NormalizeMeanVariance_NoFixZero_Standardizes()
    {
        IDataView output = Ml.Transforms.NormalizeMeanVariance("N", "X", fixZero: false).Fit(ColumnCopyingTest.Points).Transform(ColumnCopyingTest.Points);

        // X = 1, -4, 2: mean -1/3, sample variance ((4/3)^2 + (11/3)^2 + (7/3)^2) / 2 = 31/3
        double sd = Math.Sqrt(31.0 / 3);
        List<float> n = Rows.Column<float>(output, "N");
        Assert.AreEqual((1 + 1 / 3.0) / sd, n[0], 1e-6);
        Assert.AreEqual((-4 + 1 / 3.0) / sd, n[1], 1e-6);
    }

    [TestMethod]
    public void Fit_EmptyView_ThrowsClearError()
    {
        IDataView empty = Ml.Data.LoadFromEnumerable(Array.Empty<Rnn.MLNet.Tests.Data.Point>());

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Ml.Transforms.NormalizeMinMax("X").Fit(empty));
        StringAssert.Contains(e.Message, "no rows");
    }
}
