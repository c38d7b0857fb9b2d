using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.MLNet;
using Rnn.Onnx.Tests.TestKit;

namespace Rnn.Onnx.Tests.Export;

/// <summary>
/// Models fitted by the ML.NET trainers (binary, multiclass, regression; token and float-step features), exported and run
/// in ONNX Runtime: the task outputs equal the RnnMl transformer's scoring columns; bad input and unsupported features fail
/// clearly.
/// </summary>
[TestClass]
public sealed class RecurrentOnnxTest
{
    private const float Tolerance = 1e-5f;

    public sealed class TextRow
    {
        public string Text { get; set; } = "";

        public float Value { get; set; }

        public string Category { get; set; } = "";
    }

    public sealed class StepRow
    {
        public float[] Features { get; set; } = [];

        public float Value { get; set; }

        public string Category { get; set; } = "";
    }

    private static readonly string[] Words = ["good", "bad", "great", "awful", "fine", "meh", "ok", "nice", "poor", "superb", "dull", "warm"];

    private static List<TextRow> TextRows(int count, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<TextRow>();
        for (int i = 0; i < count; i++)
        {
            int length = rng.Next(1, 9);
            var words = Enumerable.Range(0, length).Select(_ => Words[rng.Next(Words.Length)]).ToArray();
            int positives = words.Count(w => w is "good" or "great" or "fine" or "nice" or "superb");
            rows.Add(new TextRow
            {
                Text = string.Join(' ', words),
                Value = positives - 0.5f * length,
                Category = (positives % 3) switch { 0 => "zero", 1 => "one", _ => "two" },
            });
        }
        rows.Add(new TextRow { Text = "", Value = 0, Category = "zero" }); // an empty row scores as one missing token
        return rows;
    }

    private static List<StepRow> StepRows(int count, int seed, int f)
    {
        var rng = new Random(seed);
        var rows = new List<StepRow>();
        for (int i = 0; i < count; i++)
        {
            int length = rng.Next(1, 8);
            var values = Enumerable.Range(0, length * f).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            float sum = values.Sum();
            rows.Add(new StepRow { Features = values, Value = sum, Category = sum > 0.5f ? "up" : sum < -0.5f ? "down" : "flat" });
        }
        return rows;
    }

    private static RecurrentTrainer Trainer(MLContext ml, RecurrentTask task, RecurrentTrainerOptions options) => task switch
    {
        RecurrentTask.BinaryClassification => ml.BinaryClassification.Trainers.Recurrent(options),
        RecurrentTask.MulticlassClassification => ml.MulticlassClassification.Trainers.Recurrent(options),
        _ => ml.Regression.Trainers.Recurrent(options),
    };

    /// <summary>Label "Label" for the task: Boolean (binary), key (multiclass), Single (regression).</summary>
    private static IEstimator<ITransformer> Label(MLContext ml, RecurrentTask task) => task switch
    {
        RecurrentTask.BinaryClassification => ml.Transforms.CustomMapping<ValueRow, BoolLabel>((i, o) => o.Label = i.Value > 0, null),
        RecurrentTask.MulticlassClassification => ml.Transforms.Conversion.MapValueToKey("Label", "Category"),
        _ => ml.Transforms.CopyColumns("Label", "Value"),
    };

    public sealed class ValueRow
    {
        public float Value { get; set; }
    }

    public sealed class BoolLabel
    {
        public bool Label { get; set; }
    }

    [TestMethod]
    [DataRow(RecurrentTask.BinaryClassification, RecurrentCellType.Lstm, RecurrentPooling.Mean, false, 0)]
    [DataRow(RecurrentTask.MulticlassClassification, RecurrentCellType.Gru, RecurrentPooling.Max, true, 0)]
    [DataRow(RecurrentTask.Regression, RecurrentCellType.Rnn, RecurrentPooling.Last, true, 0)]
    [DataRow(RecurrentTask.BinaryClassification, RecurrentCellType.Gru, RecurrentPooling.Last, true, 3)]
    public void ToOnnx_TokenModelFittedByMLNet_SameScoresAsTransformer(RecurrentTask task, RecurrentCellType cell, RecurrentPooling pooling, bool bidirectional, int maximumLength)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(TextRows(120, 3));
        var model = ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(TextRow.Text))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(Label(ml, task))
            .Append(Trainer(ml, task, new RecurrentTrainerOptions
            {
                FeatureColumnName = "Tokens", Cell = cell, Pooling = pooling, Bidirectional = bidirectional, NumberOfLayers = 2,
                EmbeddingSize = 6, HiddenSize = 7, Epochs = 1, Seed = 5, MaximumSequenceLength = maximumLength,
            }))
            .Fit(data);
        var scored = model.Transform(data);
        var recurrent = RecurrentModel.FromTransformer(model);

        // Token ids straight from the key column: key k is id k, an empty row is one missing token.
        var rows = ml.Data.CreateEnumerable<KeyRow>(scored, reuseRowObject: false).ToList();
        var sequences = rows.Select(r => r.Tokens.Length == 0 ? new long[] { 0 } : r.Tokens.Select(k => (long)k).ToArray()).ToList();
        CompareTask(ml, recurrent, scored, sequences, null, 0);
    }

    [TestMethod]
    [DataRow(RecurrentTask.BinaryClassification, RecurrentCellType.Gru, RecurrentPooling.Last, true)]
    [DataRow(RecurrentTask.MulticlassClassification, RecurrentCellType.Lstm, RecurrentPooling.Mean, false)]
    [DataRow(RecurrentTask.Regression, RecurrentCellType.Lstm, RecurrentPooling.Max, true)]
    public void ToOnnx_StepModelFittedByMLNet_SameScoresAsTransformer(RecurrentTask task, RecurrentCellType cell, RecurrentPooling pooling, bool bidirectional)
    {
        const int F = 2;
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(StepRows(90, 4, F));
        var model = Label(ml, task)
            .Append(Trainer(ml, task, new RecurrentTrainerOptions
            {
                FeatureColumnName = "Features", StepSize = F, Cell = cell, Pooling = pooling, Bidirectional = bidirectional,
                HiddenSize = 5, Epochs = 1, Seed = 6,
            }))
            .Fit(data);
        var scored = model.Transform(data);
        var rows = ml.Data.CreateEnumerable<StepRow>(scored, reuseRowObject: false).ToList();
        CompareTask(ml, RecurrentModel.FromTransformer(model), scored, null, rows.Select(r => r.Features).ToList(), F);
    }

    public sealed class KeyRow
    {
        [KeyType(1000)]
        public uint[] Tokens { get; set; } = [];
    }

    public sealed class BinaryScores
    {
        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    public sealed class MulticlassScores
    {
        public float[] Score { get; set; } = [];

        [KeyType(3)]
        public uint PredictedLabel { get; set; }
    }

    public sealed class RegressionScores
    {
        public float Score { get; set; }
    }

    /// <summary>Runs the exported model on the padded batch and compares every task output with the transformer's columns.</summary>
    private static void CompareTask(MLContext ml, RecurrentModel recurrent, IDataView scored, List<long[]>? tokens, List<float[]>? steps, int f)
    {
        int b = tokens?.Count ?? steps!.Count;
        var lengths = tokens is not null ? tokens.Select(s => (long)s.Length).ToArray() : steps!.Select(s => (long)(s.Length / f)).ToArray();
        int t = (int)lengths.Max();
        Ort.TakeLog();
        using var session = Ort.Session(recurrent.ToOnnx());
        CollectionAssert.AreEqual(Array.Empty<string>(), Ort.TakeLog(), "ONNX Runtime logged warnings at session creation");
        Dictionary<string, Array> outputs;
        if (tokens is not null)
        {
            var padded = new long[b * t];
            for (int i = 0; i < b; i++) tokens[i].CopyTo(padded, i * t);
            outputs = Ort.RunTokens(session, padded, lengths, t);
        }
        else
        {
            var padded = new float[b * t * f];
            for (int i = 0; i < b; i++) steps![i].CopyTo(padded, i * t * f);
            outputs = Ort.RunSteps(session, padded, lengths, t, f);
        }

        string label = $"{recurrent.Task} {recurrent.NetworkOptions.Cell}";
        switch (recurrent.Task)
        {
            case RecurrentTask.BinaryClassification:
                var binary = ml.Data.CreateEnumerable<BinaryScores>(scored, reuseRowObject: false).ToList();
                TensorAssert.Close(binary.Select(r => r.Score).ToArray(), (float[])outputs[RecurrentOnnx.ScoreOutput], Tolerance, $"{label} score");
                TensorAssert.Close(binary.Select(r => r.Probability).ToArray(), (float[])outputs[RecurrentOnnx.ProbabilityOutput], Tolerance, $"{label} probability");
                CollectionAssert.AreEqual(binary.Select(r => r.PredictedLabel).ToArray(), (bool[])outputs[RecurrentOnnx.PredictedLabelOutput], $"{label} predicted label");
                break;
            case RecurrentTask.MulticlassClassification:
                var multi = ml.Data.CreateEnumerable<MulticlassScores>(scored, reuseRowObject: false).ToList();
                TensorAssert.Close(multi.SelectMany(r => r.Score).ToArray(), (float[])outputs[RecurrentOnnx.ProbabilitiesOutput], Tolerance, $"{label} probabilities");
                CollectionAssert.AreEqual(multi.Select(r => (long)r.PredictedLabel - 1).ToArray(), (long[])outputs[RecurrentOnnx.PredictedClassOutput], $"{label} predicted class");
                break;
            default:
                var regression = ml.Data.CreateEnumerable<RegressionScores>(scored, reuseRowObject: false).ToList();
                TensorAssert.Close(regression.Select(r => r.Score).ToArray(), (float[])outputs[RecurrentOnnx.ScoreOutput], Tolerance, $"{label} score");
                break;
        }
    }

    [TestMethod]
    [DataRow(23L)]
    [DataRow(-1L)]
    public void Run_TokenIdOutsideVocabulary_FailsLikeTheTransformer(long badId)
    {
        var network = RecurrentGraphTest.Network(CellType.Lstm, 1, false, PoolingKind.Mean, true, Nonlinearity.Tanh); // V = 23
        using var session = Ort.Session(network.ToOnnx());
        Assert.ThrowsExactly<OnnxRuntimeException>(() => Ort.RunTokens(session, [1, badId, 2], [3], 3));
    }

    [TestMethod]
    public void ToOnnx_TaskModelWithPerStepHead_ThrowsNotSupportedNamingIt()
    {
        var network = RecurrentGraphTest.Network(CellType.Gru, 1, false, null, true, Nonlinearity.Tanh);
        var model = new RecurrentModel(RecurrentTask.Regression, new SequenceFeatures("Tokens", true, 22, 1, 0), network, null);
        var ex = Assert.ThrowsExactly<NotSupportedException>(() => model.ToOnnx());
        StringAssert.Contains(ex.Message, "per-step head");
    }

    private static (ITransformer Model, IDataView Data) SmallTokenRegression(MLContext ml, int? wideBuckets)
    {
        var data = ml.Data.LoadFromEnumerable(TextRows(40, 8));
        var model = ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(TextRow.Text))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.Transforms.CopyColumns("Label", "Value"))
            .Append(ml.Regression.Trainers.Recurrent(new RecurrentTrainerOptions { FeatureColumnName = "Tokens", HiddenSize = 4, EmbeddingSize = 3, Epochs = 1, Seed = 2, WideBuckets = wideBuckets }))
            .Fit(data);
        return (model, data);
    }

    [TestMethod]
    public void ToOnnx_DefaultTextModel_ExportsTheWidePathAndOnlyThen()
    {
        // A default text model has the wide (bag-of-words) path; the graph carries it (ToOnnx_TokenModelFittedByMLNet checks the scores).
        var ml = new MLContext(seed: 1);
        var (wide, _) = SmallTokenRegression(ml, wideBuckets: null);
        var (plain, _) = SmallTokenRegression(ml, wideBuckets: 0);
        Assert.IsNotNull(RecurrentModel.FromTransformer(wide).Network.Wide);
        var withWide = Rnn.Onnx.Protobuf.ModelProto.Parser.ParseFrom(RecurrentModel.FromTransformer(wide).ToOnnx());
        var without = Rnn.Onnx.Protobuf.ModelProto.Parser.ParseFrom(RecurrentModel.FromTransformer(plain).ToOnnx());
        CollectionAssert.Contains(withWide.Graph.Initializer.Select(i => i.Name).ToList(), "wide.weight");
        Assert.IsFalse(without.Graph.Initializer.Any(i => i.Name.StartsWith("wide", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void ExportOnnx_LoadedPipeline_WritesTheSameModelAsTheFittedOne()
    {
        var ml = new MLContext(seed: 1);
        var (model, data) = SmallTokenRegression(ml, wideBuckets: null);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext().Model.Load(stream, out _);
        string dir = Path.Combine(Path.GetTempPath(), $"rnnml-onnx-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            model.ExportOnnx(Path.Combine(dir, "fitted.onnx"));
            loaded.ExportOnnx(Path.Combine(dir, "loaded.onnx"));
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(dir, "fitted.onnx")), File.ReadAllBytes(Path.Combine(dir, "loaded.onnx")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void ExportOnnx_TransformerWithoutRecurrentModel_ThrowsNamingTheTransformer()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(TextRows(3, 1));
        var plain = ml.Transforms.CopyColumns("Copy", "Value").Fit(data);
        Assert.ThrowsExactly<ArgumentException>(() => plain.ExportOnnx("never.onnx"));
    }
}
