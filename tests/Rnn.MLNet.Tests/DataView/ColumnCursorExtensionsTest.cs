using Rnn.MLNet.Tests.Data;

namespace Rnn.MLNet.Tests.DataView;

[TestClass]
public sealed class ColumnCursorExtensionsTest
{
    private static readonly MLContext Ml = new();
    private static readonly IDataView Points = Ml.Data.LoadFromEnumerable(new[]
    {
        new Point { X = 1, Features = [1, 2, 3], Label = true },
        new Point { X = 2, Features = [4, 5, 6] },
    });

    [TestMethod]
    public void GetColumn_ScalarAndVector_ReadsValues()
    {
        CollectionAssert.AreEqual(new float[] { 1, 2 }, Points.GetColumn<float>("X").ToList());
        CollectionAssert.AreEqual(new float[] { 4, 5, 6 }, Points.GetColumn<float[]>("Features").Last());
        Assert.AreEqual(3, Points.GetColumn<Rnn.MLNet.Data.VBuffer<float>>("Features").First().Length);
    }

    [TestMethod]
    public void GetColumn_Text_AsString()
    {
        IDataView reviews = Ml.Data.LoadFromEnumerable(new[] { new Review { Text = "hi" } });

        Assert.AreEqual("hi", reviews.GetColumn<string>("Text").Single());
    }

    [TestMethod]
    public void GetColumn_WrongType_ThrowsNamingColumn()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Points.GetColumn<double>("X"));

        StringAssert.Contains(e.Message, "Column 'X' has type Single");
    }
}
