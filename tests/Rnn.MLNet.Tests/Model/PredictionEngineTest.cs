using Rnn.MLNet.Data;
using Rnn.MLNet.Tests.TestKit;
using Rnn.MLNet.Tests.Transforms;

namespace Rnn.MLNet.Tests.Model;

[TestClass]
public sealed class PredictionEngineTest
{
    private static readonly MLContext Ml = new(seed: 1);

    internal sealed class Input
    {
        [VectorType(2)]
        [ColumnName("Features")]
        public float[] Values { get; set; } = [];
    }

    internal sealed class Output
    {
        public bool PredictedLabel { get; set; }

        [ColumnName("Score")]
        public float Margin { get; set; }

        public float Probability = float.NaN;

        public string Unused { get; set; } = "untouched";
    }

    private static ITransformer Model() =>
        Ml.Transforms.NormalizeMinMax("Features").Append(new CentroidTrainer()).Fit(ScoringTransformerBaseTest.Blobs(20));

    [TestMethod]
    public void Predict_MapsMembersByNameAndColumnName()
    {
        using var engine = Ml.Model.CreatePredictionEngine<Input, Output>(Model());

        Output positive = engine.Predict(new Input { Values = [2, 2] });
        Output negative = engine.Predict(new Input { Values = [-2, -1] });

        Assert.IsTrue(positive.PredictedLabel);
        Assert.IsGreaterThan(0f, positive.Margin);
        Assert.IsGreaterThan(0.5f, positive.Probability);
        Assert.IsFalse(negative.PredictedLabel);
        Assert.AreEqual("untouched", positive.Unused);
    }

    [TestMethod]
    public void Predict_SameAsTransform()
    {
        ITransformer model = Model();
        IDataView data = ScoringTransformerBaseTest.Blobs(20);
        List<float> scores = Rows.Column<float>(model.Transform(data), "Score");
        using var engine = Ml.Model.CreatePredictionEngine<Input, Output>(model);

        List<float> predicted = Ml.Data.CreateEnumerable<ScoringTransformerBaseTest.Row>(data, false)
            .Select(r => engine.Predict(new Input { Values = r.Features }).Margin).ToList();

        CollectionAssert.AreEqual(scores, predicted);
    }

    [TestMethod]
    public void Predict_ManyCalls_AllocatesOnlyTheOutput()
    {
        using var engine = Ml.Model.CreatePredictionEngine<Input, Output>(Model());
        var input = new Input { Values = [1, 1] };
        for (int i = 0; i < 100; i++)
            engine.Predict(input);

        const int calls = 10_000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
            engine.Predict(input);
        long perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / calls;

        long outputSize = 48; // object header + bool + float + float + string reference, rounded
        Assert.IsLessThanOrEqualTo(outputSize, perCall, $"allocated {perCall} bytes per call");
    }

    [TestMethod]
    public void Predict_ReusedOutput_AllocatesNothing()
    {
        using var engine = Ml.Model.CreatePredictionEngine<Input, Output>(Model());
        var input = new Input { Values = [1, 1] };
        var output = new Output();
        engine.Predict(input, ref output);

        const int calls = 5000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
            engine.Predict(input, ref output);

        // Less than one byte per call: no per-call allocation (a one-time runtime allocation would not fail the test).
        Assert.IsLessThan(calls, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public void Predict_TextPipeline_AllocatesOnlyTheOutput()
    {
        var rows = new[] { new Tests.Data.Review { Text = "good food" }, new Tests.Data.Review { Text = "bad food" } };
        IDataView data = Ml.Data.LoadFromEnumerable(rows);
        ITransformer model = Ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(Ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Fit(data);
        using var engine = Ml.Model.CreatePredictionEngine<Tests.Data.Review, TokenOutput>(model);
        var input = new Tests.Data.Review { Text = "good bad food" };
        var output = new TokenOutput { Tokens = new uint[3] };
        engine.Predict(input, ref output);

        const int calls = 5000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
            engine.Predict(input, ref output);

        Assert.IsLessThan(calls, GC.GetAllocatedBytesForCurrentThread() - before);
        CollectionAssert.AreEqual(new uint[] { 1, 3, 2 }, output.Tokens);
    }

    internal sealed class TokenOutput
    {
        public uint[] Tokens { get; set; } = [];
    }

    internal sealed class LooseInput
    {
        public float[] Features { get; set; } = [];
    }

    [TestMethod]
    public void CreatePredictionEngine_InputSchema_GivesLooseMemberTheModelsVectorSize()
    {
        var ml = new MLContext();
        using var stream = new MemoryStream();
        ml.Model.Save(Model(), ScoringTransformerBaseTest.Blobs(2).Schema, stream);
        stream.Position = 0;
        ITransformer loaded = ml.Model.Load(stream, out DataViewSchema inputSchema);
        Assert.ThrowsExactly<ArgumentException>(() => ml.Model.CreatePredictionEngine<LooseInput, Output>(loaded));

        using var engine = ml.Model.CreatePredictionEngine<LooseInput, Output>(loaded, inputSchema);

        Assert.IsTrue(engine.Predict(new LooseInput { Features = [2, 2] }).PredictedLabel);
        var e = Assert.ThrowsExactly<ArgumentException>(() => engine.Predict(new LooseInput { Features = [2, 2, 2] }));
        StringAssert.Contains(e.Message, "Column 'Features' has 3 values, the model expects 2");
    }

    [TestMethod]
    public void CreatePredictionEngine_MissingInputColumn_ThrowsNamingIt()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.Model.CreatePredictionEngine<Tests.Data.Review, Output>(Model()));

        StringAssert.Contains(e.Message, "'Features'");
    }

    [TestMethod]
    public void ThreadSafeEngine_ManyThreads_MatchSingleThreadedResults()
    {
        ITransformer model = Model();
        using var single = Ml.Model.CreatePredictionEngine<Input, Output>(model);
        Input[] inputs = Enumerable.Range(0, 64).Select(i => new Input { Values = [i % 9 - 4f, i % 5 - 2f] }).ToArray();
        float[] expected = inputs.Select(x => single.Predict(x).Margin).ToArray();
        using var shared = Ml.Model.CreateThreadSafePredictionEngine<Input, Output>(model);

        var actual = new float[inputs.Length * 50];
        Parallel.For(0, actual.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = shared.Predict(inputs[i % inputs.Length]).Margin);

        for (int i = 0; i < actual.Length; i++)
            Assert.AreEqual(expected[i % inputs.Length], actual[i]);
    }
}
