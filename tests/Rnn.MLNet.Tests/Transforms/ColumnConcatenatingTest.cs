using Rnn.MLNet.Data;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Transforms;

[TestClass]
public sealed class ColumnConcatenatingTest
{
    private static readonly MLContext Ml = new(seed: 1);

    [TestMethod]
    public void Concatenate_Contract_Holds() =>
        EstimatorContract.Verify(Ml.Transforms.Concatenate("All", "X", "Features"), ColumnCopyingTest.Points, ColumnCopyingTest.Reviews);

    [TestMethod]
    public void Concatenate_ScalarAndVector_JoinsInOrder()
    {
        IDataView output = Ml.Transforms.Concatenate("All", "Features", "X").Fit(ColumnCopyingTest.Points).Transform(ColumnCopyingTest.Points);

        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 4), output.Schema["All"].Type);
        CollectionAssert.AreEqual(new float[] { 1, -2, 3, 1 }, Rows.Vectors<float>(output, "All")[0]);
    }

    [TestMethod]
    public void Concatenate_MixedItemTypes_ThrowsNamingColumn()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.Transforms.Concatenate("All", "X", "Label").Fit(ColumnCopyingTest.Points));

        StringAssert.Contains(e.Message, "'Label'");
    }
}
