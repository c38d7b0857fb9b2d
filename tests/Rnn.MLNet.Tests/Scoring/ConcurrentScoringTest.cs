namespace Rnn.MLNet.Tests.Scoring;

/// <summary>One loaded model serves many threads: each thread's PredictionEngine, and parallel cursors, agree with sequential scoring.</summary>
[TestClass]
public sealed class ConcurrentScoringTest
{
    public sealed class Row
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }

    public sealed class Prediction
    {
        public float Score { get; set; }
    }

    private static readonly string[] Words = ["good", "bad", "food", "staff", "cold", "tasty", "slow", "the"];

    private static (MLContext Ml, ITransformer Loaded, Row[] Rows) LoadedModel()
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(3);
        var rows = Enumerable.Range(0, 500).Select(i => new Row
        {
            Text = string.Join(' ', Enumerable.Range(0, 1 + rng.Next(12)).Select(_ => Words[rng.Next(Words.Length)])),
            Label = i % 2 == 0,
        }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Row.Text)).Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.BinaryClassification.Trainers.Recurrent(featureColumnName: "Tokens", hiddenSize: 16, epochs: 1)).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        return (ml, new MLContext().Model.Load(stream, out _), rows);
    }

    [TestMethod]
    public void PredictionEngines_EightThreadsTenThousandEach_SameAsSequential()
    {
        var (ml, loaded, rows) = LoadedModel();
        var sequential = ml.Model.CreatePredictionEngine<Row, Prediction>(loaded);
        float[] expected = rows.Select(r => sequential.Predict(r).Score).ToArray();

        int mismatches = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
        {
            var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(loaded);   // PredictionEngine is per thread, as ML.NET says
            for (int i = 0; i < 10_000; i++)
            {
                int k = (i * 7 + thread * 131) % rows.Length;
                if (BitConverter.SingleToInt32Bits(engine.Predict(rows[k]).Score) != BitConverter.SingleToInt32Bits(expected[k]))
                    Interlocked.Increment(ref mismatches);
            }
        });
        Assert.AreEqual(0, mismatches);
    }

    [TestMethod]
    public void CursorSet_ParallelCursorsOverOneTransform_SameRowsAndScoresAsOneCursor()
    {
        var (ml, loaded, rows) = LoadedModel();
        var scored = loaded.Transform(ml.Data.LoadFromEnumerable(rows));
        var expected = TestKit.Rows.Column<float>(scored, "Score");

        var columns = new[] { scored.Schema["Score"] };
        var cursors = scored.GetRowCursorSet(columns, 4);
        var byRow = new System.Collections.Concurrent.ConcurrentDictionary<long, float>();
        Parallel.ForEach(cursors, cursor =>
        {
            using (cursor)
            {
                var score = cursor.GetGetter<float>(columns[0]);
                var id = cursor.GetIdGetter();
                float v = 0;
                DataViewRowId rowId = default;
                while (cursor.MoveNext())
                {
                    score(ref v);
                    id(ref rowId);
                    Assert.IsTrue(byRow.TryAdd((long)rowId.Low, v), "a row was served twice");
                }
            }
        });
        Assert.HasCount(expected.Count, byRow);
        foreach (var (row, value) in byRow) Assert.AreEqual(BitConverter.SingleToInt32Bits(expected[(int)row]), BitConverter.SingleToInt32Bits(value), $"row {row}");
    }
}
