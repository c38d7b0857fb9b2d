using System.Collections.Concurrent;
using Rnn.MLNet.Tests.TestKit;
using Rnn.Tests.Shared;
using Rnn.MLNet.Tests.Trainers;
using Review = Rnn.MLNet.Tests.Trainers.RecurrentTrainerTest.Review;
using ReviewPrediction = Rnn.MLNet.Tests.Trainers.RecurrentTrainerTest.ReviewPrediction;

namespace Rnn.MLNet.Tests.Concurrency;

/// <summary>
/// One recurrent sentiment model serves many threads: PredictionEngines on separate threads, several cursors open at once,
/// cursors on parallel threads and ML.NET's cursor sets all give, bit for bit, what sequential scoring gives. Both the
/// loaded model (ML.NET's chain of built-ins, scored row by row) and the fitted one (its Transform batch-scores) are
/// covered. docs/reliability.md, "Concurrency".
/// </summary>
[TestClass]
public sealed class ConcurrentScoringTest
{
    private static readonly Lazy<SentimentModel> Shared = new(SentimentModel.Train);

    [TestMethod]
    public void PredictionEngines_EightThreadsTenThousandEachFromColdStart_SameAsSequential()
    {
        SentimentModel model = Shared.Value;
        Review[] rows = model.Rows;
        // The sequential answers come from another load of the same zip: the threads below are the first to score with
        // theirs, so they race to parse the payload and to build their network copies.
        var sequential = new MLContext().Model.CreatePredictionEngine<Review, ReviewPrediction>(model.Load());
        float[] expected = rows.Select(r => sequential.Predict(r).Probability).ToArray();

        var ml = new MLContext();
        ITransformer loaded = model.Load();
        var engines = new PredictionEngine<Review, ReviewPrediction>[8];
        int mismatches = 0;
        Together.Run(8, prepare: thread => engines[thread] = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(loaded), body: thread =>
        {
            var engine = engines[thread];   // one engine per thread, as ML.NET says
            for (int i = 0; i < 10_000; i++)
            {
                int k = (i * 7 + thread * 131) % rows.Length;
                if (BitConverter.SingleToInt32Bits(engine.Predict(rows[k]).Probability) != BitConverter.SingleToInt32Bits(expected[k]))
                    Interlocked.Increment(ref mismatches);
            }
        });
        Assert.AreEqual(0, mismatches);
    }

    [TestMethod]
    public void Cursors_SeveralOpenAtOnceOnOneThread_SameAsSequential()
    {
        SentimentModel model = Shared.Value;
        foreach (var (name, scored) in model.Views())
        {
            float[] expected = [.. Rows.Column<float>(scored, "Probability")];
            // Three cursors, moved in turn at different paces (1, 2 and 3 rows a turn), all open until the end.
            var column = scored.Schema["Probability"];
            var cursors = Enumerable.Range(0, 3).Select(_ => scored.GetRowCursor([column])).ToArray();
            try
            {
                var getters = cursors.Select(c => c.GetGetter<float>(column)).ToArray();
                var seen = cursors.Select(_ => new List<float>()).ToArray();
                bool any = true;
                while (any)
                {
                    any = false;
                    for (int c = 0; c < cursors.Length; c++)
                    {
                        for (int step = 0; step <= c && cursors[c].MoveNext(); step++, any = true)
                        {
                            float v = 0;
                            getters[c](ref v);
                            seen[c].Add(v);
                        }
                    }
                }
                foreach (var values in seen) AssertBits(expected, values, name);
            }
            finally
            {
                foreach (var c in cursors) c.Dispose();
            }
        }
    }

    [TestMethod]
    public void Cursors_OneCursorPerThreadOnEightThreads_SameAsSequential()
    {
        SentimentModel model = Shared.Value;
        foreach (var (name, scored) in model.Views())
        {
            float[] expected = [.. Rows.Column<float>(scored, "Probability")];
            var results = new List<float>[8];
            Together.Run(8, thread =>
            {
                // Two passes each, so a thread's second cursor reuses what its first one left behind.
                _ = Rows.Column<float>(scored, "Probability");
                results[thread] = Rows.Column<float>(scored, "Probability");
            });
            foreach (var values in results) AssertBits(expected, values, name);
        }
    }

    [TestMethod]
    public void CursorSet_LoadedModelOverCachedRows_SeveralCursorsTogetherServeEveryRowOnceAsSequential()
    {
        SentimentModel model = Shared.Value;
        var ml = new MLContext();
        // A cached source can be split, so ML.NET hands out several cursors.
        IDataView scored = model.Load().Transform(ml.Data.Cache(ml.Data.LoadFromEnumerable(model.Rows)));
        float[] expected = [.. Rows.Column<float>(scored, "Probability")];

        var column = scored.Schema["Probability"];
        DataViewRowCursor[] cursors = scored.GetRowCursorSet([column], 4);
        Assert.IsGreaterThan(1, cursors.Length, "the cursor set of a cached source has one cursor");
        var byRow = new ConcurrentDictionary<long, float>();
        Parallel.ForEach(cursors, new ParallelOptions { MaxDegreeOfParallelism = cursors.Length }, cursor =>
        {
            using (cursor)
            {
                var probability = cursor.GetGetter<float>(column);
                var id = cursor.GetIdGetter();
                float v = 0;
                DataViewRowId rowId = default;
                while (cursor.MoveNext())
                {
                    probability(ref v);
                    id(ref rowId);
                    Assert.IsTrue(byRow.TryAdd((long)rowId.Low, v), $"row {rowId.Low} was served twice");
                }
            }
        });
        Assert.HasCount(expected.Length, byRow);
        foreach (var (row, value) in byRow) Assert.AreEqual(BitConverter.SingleToInt32Bits(expected[(int)row]), BitConverter.SingleToInt32Bits(value), $"row {row}");
    }

    [TestMethod]
    public void CursorSet_FittedModelBatchScores_OneCursorSameAsSequential()
    {
        SentimentModel model = Shared.Value;
        var ml = new MLContext();
        IDataView scored = model.Fitted.Transform(ml.Data.Cache(ml.Data.LoadFromEnumerable(model.Rows)));
        float[] expected = [.. Rows.Column<float>(scored, "Probability")];

        var column = scored.Schema["Probability"];
        DataViewRowCursor[] cursors = scored.GetRowCursorSet([column], 4);
        Assert.HasCount(1, cursors, "the batch-scored view gives one cursor (it reads rows ahead in order)");
        using DataViewRowCursor cursor = cursors[0];
        var probability = cursor.GetGetter<float>(column);
        var values = new List<float>();
        while (cursor.MoveNext())
        {
            float v = 0;
            probability(ref v);
            values.Add(v);
        }
        AssertBits(expected, values, "fitted");
    }

    private static void AssertBits(IReadOnlyList<float> expected, IReadOnlyList<float> actual, string view)
    {
        Assert.HasCount(expected.Count, actual, view);
        for (int i = 0; i < expected.Count; i++)
            Assert.AreEqual(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]), $"{view}, row {i}: {expected[i]:R} vs {actual[i]:R}");
    }

    /// <summary>A small GRU sentiment model trained on the built-in corpus, as fitted and as saved bytes.</summary>
    private sealed class SentimentModel
    {
        private byte[] _zip = [];

        public Review[] Rows { get; private set; } = [];

        public ITransformer Fitted { get; private set; } = null!;

        public static SentimentModel Train()
        {
            var ml = new MLContext(seed: 1);
            IDataView data = ml.Data.LoadFromTextFile<Review>(RecurrentTrainerTest.CorpusPath, separatorChar: '\t');
            var model = new SentimentModel
            {
                Rows = ml.Data.CreateEnumerable<Review>(data, reuseRowObject: false).ToArray(),
                Fitted = Corpora.TokenKeys(ml).Append(ml.BinaryClassification.Trainers.Recurrent(Corpora.Small("Tokens", epochs: 2))).Fit(data),
            };
            using var stream = new MemoryStream();
            ml.Model.Save(model.Fitted, data.Schema, stream);
            model._zip = stream.ToArray();
            return model;
        }

        /// <summary>A new <c>ml.Model.Load</c> of the saved zip (its own payload instance).</summary>
        public ITransformer Load()
        {
            using var stream = new MemoryStream(_zip, writable: false);
            return new MLContext().Model.Load(stream, out _);
        }

        /// <summary>One Transform result each of the loaded model (scored row by row) and the fitted one (batch-scored).</summary>
        public IEnumerable<(string Name, IDataView Scored)> Views()
        {
            var ml = new MLContext();
            IDataView rows = ml.Data.LoadFromEnumerable(Rows);
            yield return ("loaded", Load().Transform(rows));
            yield return ("fitted", Fitted.Transform(rows));
        }
    }
}
