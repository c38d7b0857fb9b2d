using Rnn.MLNet.Data;
using Rnn.MLNet.Tests.Data;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.DataView;

[TestClass]
public sealed class EnumerableDataViewTest
{
    private static readonly Point[] Points =
    [
        new() { X = 1, Features = [1, 2, 3], Label = true },
        new() { X = 2, Features = [4, 5, 6], Label = false },
    ];

    [TestMethod]
    public void LoadFromEnumerable_Class_SchemaFollowsMembers()
    {
        IDataView view = new MLContext().Data.LoadFromEnumerable(Points);

        Assert.AreEqual(NumberDataViewType.Single, view.Schema["X"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3), view.Schema["Features"].Type);
        Assert.AreEqual(BooleanDataViewType.Instance, view.Schema["Label"].Type);
        Assert.AreEqual(2L, view.GetRowCount());
    }

    [TestMethod]
    public void CreateEnumerable_RoundTrip_ReturnsSameValues()
    {
        var ml = new MLContext();
        List<Point> back = ml.Data.CreateEnumerable<Point>(ml.Data.LoadFromEnumerable(Points), reuseRowObject: false).ToList();

        Assert.HasCount(2, back);
        CollectionAssert.AreEqual(new float[] { 4, 5, 6 }, back[1].Features);
        Assert.IsTrue(back[0].Label);
        Assert.AreEqual(2f, back[1].X);
    }

    [TestMethod]
    public void CreateEnumerable_ReuseRowObject_ReturnsOneObject()
    {
        var ml = new MLContext();
        List<Point> back = ml.Data.CreateEnumerable<Point>(ml.Data.LoadFromEnumerable(Points), reuseRowObject: true).ToList();

        Assert.AreSame(back[0], back[1]);
    }

    [TestMethod]
    public void CreateEnumerable_MissingColumn_ThrowsNamingIt()
    {
        var ml = new MLContext();
        IDataView view = ml.Data.LoadFromEnumerable(new[] { new Review { Text = "a" } });

        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Data.CreateEnumerable<Point>(view, false).ToList());
        StringAssert.Contains(e.Message, "'X'");
    }

    [TestMethod]
    public void GetRowCursor_LazySequence_EnumeratesOnlyWhatIsRead()
    {
        int produced = 0;
        IEnumerable<Point> Source()
        {
            for (int i = 0; i < 1000; i++)
            {
                produced++;
                yield return new Point { X = i, Features = [0, 0, 0] };
            }
        }
        IDataView view = new MLContext().Data.LoadFromEnumerable(Source());

        using DataViewRowCursor cursor = view.GetRowCursor(view.Schema);
        cursor.MoveNext();
        cursor.MoveNext();

        Assert.AreEqual(2, produced);
        Assert.AreEqual(1L, cursor.Position);
    }

    [TestMethod]
    public void GetGetter_InactiveColumn_Throws()
    {
        IDataView view = new MLContext().Data.LoadFromEnumerable(Points);
        using DataViewRowCursor cursor = view.GetRowCursor([view.Schema["X"]]);

        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<bool>(view.Schema["Label"]));
    }

    [TestMethod]
    public void GetGetter_WrongType_ThrowsNamingType()
    {
        IDataView view = new MLContext().Data.LoadFromEnumerable(Points);
        using DataViewRowCursor cursor = view.GetRowCursor(view.Schema);

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<double>(view.Schema["X"]));
        StringAssert.Contains(e.Message, "Single");
    }
}
