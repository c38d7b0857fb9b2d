using Rnn.MLNet.Data;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Catalogs;

[TestClass]
public sealed class DataOperationsCatalogTest
{
    internal sealed class Item
    {
        public float Id { get; set; }

        public string Group { get; set; } = "";

        [VectorType(2)]
        public float[] V { get; set; } = [0, 0];
    }

    private static IDataView Items(MLContext ml, int n) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, n).Select(i => new Item { Id = i, Group = "g" + (i / 10), V = [i, -i] }).ToArray());

    [TestMethod]
    public void TrainTestSplit_SameSeed_SameSplitAndPartition()
    {
        var ml = new MLContext();
        IDataView data = Items(ml, 1000);

        var a = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 5);
        var b = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 5);
        List<float> train = Rows.Column<float>(a.TrainSet, "Id"), test = Rows.Column<float>(a.TestSet, "Id");

        CollectionAssert.AreEqual(test, Rows.Column<float>(b.TestSet, "Id"));
        Assert.AreEqual(1000, train.Count + test.Count);
        Assert.IsEmpty(train.Intersect(test));
        Assert.IsTrue(test.Count is > 150 and < 250, $"test has {test.Count} rows");
    }

    [TestMethod]
    public void TrainTestSplit_DifferentSeed_DifferentSplit()
    {
        var ml = new MLContext();
        IDataView data = Items(ml, 200);

        CollectionAssert.AreNotEqual(
            Rows.Column<float>(ml.Data.TrainTestSplit(data, seed: 1).TestSet, "Id"),
            Rows.Column<float>(ml.Data.TrainTestSplit(data, seed: 2).TestSet, "Id"));
    }

    [TestMethod]
    public void TrainTestSplit_ContextSeed_Repeatable()
    {
        List<float> First() => Rows.Column<float>(new MLContext(seed: 7).Data.TrainTestSplit(Items(new MLContext(), 300)).TestSet, "Id");

        CollectionAssert.AreEqual(First(), First());
    }

    [TestMethod]
    public void TrainTestSplit_SamplingKey_KeepsGroupsTogether()
    {
        var ml = new MLContext();
        var split = ml.Data.TrainTestSplit(Items(ml, 500), testFraction: 0.3, samplingKeyColumnName: "Group", seed: 3);

        HashSet<string> trainGroups = [.. Rows.Texts(split.TrainSet, "Group")];
        HashSet<string> testGroups = [.. Rows.Texts(split.TestSet, "Group")];

        Assert.IsEmpty(trainGroups.Intersect(testGroups));
        Assert.IsNotEmpty(testGroups);
    }

    [TestMethod]
    public void TrainTestSplit_BadFraction_Throws()
    {
        var ml = new MLContext();

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Data.TrainTestSplit(Items(ml, 3), testFraction: 1.5));
    }

    [TestMethod]
    public void ShuffleRows_Seed_RepeatablePermutation()
    {
        var ml = new MLContext();
        IDataView data = Items(ml, 100);

        List<float> a = Rows.Column<float>(ml.Data.ShuffleRows(data, seed: 4, shufflePoolSize: 10), "Id");
        List<float> b = Rows.Column<float>(ml.Data.ShuffleRows(data, seed: 4, shufflePoolSize: 10), "Id");

        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 100).Select(i => (float)i).ToList(), a);
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 100).Select(i => (float)i).ToList(), a);
    }

    [TestMethod]
    public void ShuffleRows_Vectors_CopiedWithTheirRow()
    {
        var ml = new MLContext();
        IDataView shuffled = ml.Data.ShuffleRows(Items(ml, 50), seed: 2);

        List<float> ids = Rows.Column<float>(shuffled, "Id");
        List<float[]> v = Rows.Vectors<float>(shuffled, "V");

        for (int i = 0; i < ids.Count; i++)
            CollectionAssert.AreEqual(new[] { ids[i], -ids[i] }, v[i]);
    }

    [TestMethod]
    public void TakeRows_StopsReadingAfterCount()
    {
        var ml = new MLContext();
        int produced = 0;
        IEnumerable<Item> Source()
        {
            for (int i = 0; ; i++)
            {
                produced++;
                yield return new Item { Id = i };
            }
        }

        List<float> taken = Rows.Column<float>(ml.Data.TakeRows(ml.Data.LoadFromEnumerable(Source()), 5), "Id");

        CollectionAssert.AreEqual(new float[] { 0, 1, 2, 3, 4 }, taken);
        Assert.AreEqual(6, produced);
    }

    [TestMethod]
    public void SkipRows_SkipsFirstRows()
    {
        var ml = new MLContext();

        CollectionAssert.AreEqual(new float[] { 3, 4 }, Rows.Column<float>(ml.Data.SkipRows(Items(ml, 5), 3), "Id"));
    }

    [TestMethod]
    public void FilterRowsByColumn_Range_KeepsLowerInclusiveUpperExclusive()
    {
        var ml = new MLContext();

        CollectionAssert.AreEqual(new float[] { 2, 3 }, Rows.Column<float>(ml.Data.FilterRowsByColumn(Items(ml, 6), "Id", 2, 4), "Id"));
    }

    [TestMethod]
    public void FilterRowsByColumn_TextColumn_ThrowsNamingType()
    {
        var ml = new MLContext();

        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Data.FilterRowsByColumn(Items(ml, 6), "Group"));
        StringAssert.Contains(e.Message, "Column 'Group' has type String, expected a number or a key");
    }

    [TestMethod]
    public void LoadFromTextFile_Columns_LoadsDeclaredColumns()
    {
        using var file = new TempFile("1,2,3,x\n4,5,6,y\n");
        var ml = new MLContext();

        IDataView view = ml.Data.LoadFromTextFile(file.Path, [new TextLoader.Column("V", DataKind.Single, 0, 2), new TextLoader.Column("Name", DataKind.String, 3)], separatorChar: ',');

        CollectionAssert.AreEqual(new float[] { 4, 5, 6 }, Rows.Vectors<float>(view, "V")[1]);
        CollectionAssert.AreEqual(new[] { "x", "y" }, Rows.Texts(view, "Name"));
    }
}
