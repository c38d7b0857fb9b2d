using Rnn.MLNet.Data;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Transforms;

[TestClass]
public sealed class ScoringTransformerBaseTest
{
    private static readonly MLContext Ml = new(seed: 1);

    internal sealed class Row
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    internal static IDataView Blobs(int n)
    {
        var rows = new List<Row>();
        for (int i = 0; i < n; i++)
        {
            bool positive = i % 2 == 0;
            float jitter = (i % 7) * 0.1f;
            rows.Add(new Row { Features = positive ? [2 + jitter, 2 - jitter] : [-2 + jitter, -1 - jitter], Label = positive });
        }
        return Ml.Data.LoadFromEnumerable(rows);
    }

    [TestMethod]
    public void Transform_Binary_AddsScoreProbabilityPredictedLabel()
    {
        IDataView output = new CentroidTrainer().Fit(Blobs(10)).Transform(Blobs(10));

        Assert.AreEqual(NumberDataViewType.Single, output.Schema["Score"].Type);
        Assert.AreEqual(NumberDataViewType.Single, output.Schema["Probability"].Type);
        Assert.AreEqual(BooleanDataViewType.Instance, output.Schema["PredictedLabel"].Type);
        CollectionAssert.AreEqual(Rows.Column<bool>(output, "Label"), Rows.Column<bool>(output, "PredictedLabel"));
        Assert.IsTrue(Rows.Column<float>(output, "Probability").All(p => p is >= 0 and <= 1));
    }

    [TestMethod]
    public void Transform_ReadingAllColumns_ScoresEachRowOnce()
    {
        CentroidTransformer model = new CentroidTrainer().Fit(Blobs(10));
        IDataView output = model.Transform(Blobs(10));

        Assert.HasCount(10, ViewDump.Dump(output));
        Assert.AreEqual(10, model.ScoreCalls);
    }

    [TestMethod]
    public void Transform_BatchSize_ScoresInBatchesWithSameResults()
    {
        IDataView data = Blobs(25);
        CentroidTransformer single = new CentroidTrainer().Fit(data);
        CentroidTransformer batched = new CentroidTrainer(batchSize: 8).Fit(data);

        List<string> expected = ViewDump.Dump(single.Transform(data));
        List<string> actual = ViewDump.Dump(batched.Transform(data));

        CollectionAssert.AreEqual(expected, actual);
        Assert.AreEqual(4, batched.BatchCalls);
    }

    [TestMethod]
    public void Transform_BatchSize_RowsSkippedUnread_ScoresStayOnTheirRows()
    {
        // A consumer that reads Score only on some rows (every fifth here) must still get each row's own score: the
        // read-ahead cursor has to pass over the skipped rows rather than hand their successors' scores out.
        IDataView data = Blobs(40);
        CentroidTransformer single = new CentroidTrainer().Fit(data);
        CentroidTransformer batched = new CentroidTrainer(batchSize: 8).Fit(data);
        var expected = new List<float>();
        IDataView all = single.Transform(data);
        using (var cursor = all.GetRowCursor(all.Schema))
        {
            var score = cursor.GetGetter<float>(all.Schema["Score"]);
            float v = 0;
            while (cursor.MoveNext()) { score(ref v); expected.Add(v); }
        }

        IDataView skipping = batched.Transform(data);
        using var rows = skipping.GetRowCursor(skipping.Schema);
        var getScore = rows.GetGetter<float>(skipping.Schema["Score"]);
        float value = 0;
        int read = 0;
        while (rows.MoveNext())
        {
            if (rows.Position % 5 != 0) continue;
            getScore(ref value);
            Assert.AreEqual(expected[(int)rows.Position], value, $"row {rows.Position}");
            read++;
        }
        Assert.AreEqual(8, read);
    }

    [TestMethod]
    public void Transform_WrongFeatureType_ThrowsNamingColumn()
    {
        CentroidTransformer model = new CentroidTrainer().Fit(Blobs(4));
        IDataView bad = Ml.Data.LoadFromEnumerable(new[] { new Tests.Data.Review { Text = "x" } });
        IDataView renamed = Ml.Transforms.CopyColumns("Features", "Text").Fit(bad).Transform(bad);

        var e = Assert.ThrowsExactly<ArgumentException>(() => model.Transform(renamed));
        StringAssert.Contains(e.Message, "Column 'Features' has type String, expected a vector of Single");
    }

    [TestMethod]
    public void SaveLoad_Scorer_PredictsIdentically() =>
        EstimatorContract.Verify(new CentroidTrainer(), Blobs(12), Ml.Data.LoadFromEnumerable(new[] { new Tests.Data.Review { Text = "x" } }));
}
