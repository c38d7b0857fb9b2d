using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.DataView;

[TestClass]
public sealed class CacheDataViewTest
{
    private sealed class Counted
    {
        public static int Reads;
        private readonly float _x;

        public Counted(float x) => _x = x;

        public float X
        {
            get
            {
                Interlocked.Increment(ref Reads);
                return _x;
            }
        }
    }

    [TestMethod]
    public void Cache_SecondPass_DoesNotReadSource()
    {
        var ml = new MLContext();
        IDataView cached = ml.Data.Cache(ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(i => new Counted(i)).ToArray()));

        List<float> first = Rows.Column<float>(cached, "X");
        int reads = Counted.Reads;
        List<float> second = Rows.Column<float>(cached, "X");

        CollectionAssert.AreEqual(first, second);
        Assert.AreEqual(reads, Counted.Reads);
        Assert.AreEqual(50L, cached.GetRowCount());
    }

    [TestMethod]
    public void Cache_RandomCursor_VisitsAPermutation()
    {
        var ml = new MLContext();
        IDataView cached = ml.Data.Cache(Rnn.MLNet.Tests.Transforms.ScoringTransformerBaseTest.Blobs(30));
        DataViewSchema.Column features = cached.Schema["Features"];

        using DataViewRowCursor cursor = cached.GetRowCursor([features], new Random(3));
        var get = cursor.GetGetter<Rnn.MLNet.Data.VBuffer<float>>(features);
        var seen = new List<float>();
        Rnn.MLNet.Data.VBuffer<float> v = default;
        while (cursor.MoveNext())
        {
            get(ref v);
            seen.Add(v.GetItemOrDefault(0));
        }

        CollectionAssert.AreEquivalent(Rows.Vectors<float>(cached, "Features").Select(x => x[0]).ToList(), seen);
        Assert.IsTrue(cached.CanShuffle);
    }

    [TestMethod]
    public void AppendCacheCheckpoint_Pipeline_FitsTheSame()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Rnn.MLNet.Tests.Transforms.ScoringTransformerBaseTest.Blobs(20);

        var cached = ml.Transforms.NormalizeMinMax("Features").AppendCacheCheckpoint(ml).Append(new CentroidTrainer()).Fit(data);
        var plain = ml.Transforms.NormalizeMinMax("Features").Append(new CentroidTrainer()).Fit(data);

        CollectionAssert.AreEqual(ViewDump.Dump(plain.Transform(data)), ViewDump.Dump(cached.Transform(data)));
    }
}
