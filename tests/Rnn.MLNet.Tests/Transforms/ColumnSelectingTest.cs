using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Transforms;

[TestClass]
public sealed class ColumnSelectingTest
{
    private static readonly MLContext Ml = new(seed: 1);

    [TestMethod]
    public void DropColumns_Contract_Holds() =>
        EstimatorContract.Verify(Ml.Transforms.DropColumns("X"), ColumnCopyingTest.Points, ColumnCopyingTest.Reviews);

    [TestMethod]
    public void SelectColumns_Contract_Holds() =>
        EstimatorContract.Verify(Ml.Transforms.SelectColumns("Label", "X"), ColumnCopyingTest.Points, ColumnCopyingTest.Reviews);

    [TestMethod]
    public void DropColumns_Column_IsGone()
    {
        IDataView output = Ml.Transforms.DropColumns("X", "Label").Fit(ColumnCopyingTest.Points).Transform(ColumnCopyingTest.Points);

        Assert.AreEqual("Features", string.Join(",", output.Schema.Select(c => c.Name)));
        Assert.HasCount(3, Rows.Vectors<float>(output, "Features"));
    }

    [TestMethod]
    public void SelectColumns_Column_KeepsOnlyIt()
    {
        IDataView output = Ml.Transforms.SelectColumns("Label").Fit(ColumnCopyingTest.Points).Transform(ColumnCopyingTest.Points);

        Assert.AreEqual("Label", string.Join(",", output.Schema.Select(c => c.Name)));
    }
}
