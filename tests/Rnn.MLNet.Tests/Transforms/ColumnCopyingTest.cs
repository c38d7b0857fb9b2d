using Rnn.MLNet.Tests.Data;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Transforms;

[TestClass]
public sealed class ColumnCopyingTest
{
    private static readonly MLContext Ml = new(seed: 1);
    internal static readonly IDataView Points = Ml.Data.LoadFromEnumerable(new[]
    {
        new Point { X = 1, Features = [1, -2, 3], Label = true },
        new Point { X = -4, Features = [4, 5, -6], Label = false },
        new Point { X = 2, Features = [0, 8, 9], Label = true },
    });
    internal static readonly IDataView Reviews = Ml.Data.LoadFromEnumerable(new[] { new Review { Text = "hello" } });

    [TestMethod]
    public void CopyColumns_Contract_Holds() =>
        EstimatorContract.Verify(Ml.Transforms.CopyColumns("F2", "Features"), Points, Reviews);

    [TestMethod]
    public void CopyColumns_SameName_HidesOriginal()
    {
        IDataView output = Ml.Transforms.CopyColumns("X", "Label").Fit(Points).Transform(Points);

        Assert.AreEqual(Rnn.MLNet.Data.BooleanDataViewType.Instance, output.Schema["X"].Type);
        Assert.IsTrue(output.Schema[0].IsHidden);
    }

    [TestMethod]
    public void Transform_MissingColumn_ThrowsNamingColumnAndAvailableColumns()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.Transforms.CopyColumns("Y", "Nope").Fit(Reviews));

        StringAssert.Contains(e.Message, "Column 'Nope' not found in the input schema (columns: Text, Label)");
    }
}
