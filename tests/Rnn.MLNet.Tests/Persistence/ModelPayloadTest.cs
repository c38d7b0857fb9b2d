using System.IO.Compression;
using Rnn.MLNet.Persistence;

namespace Rnn.MLNet.Tests.Persistence;

/// <summary>The payload RnnMl carries inside ML.NET's zip: damaged or foreign content is a clear InvalidDataException.</summary>
[TestClass]
public sealed class ModelPayloadTest
{
    public sealed class Row
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }

    private static (MLContext Ml, ITransformer Model, IDataView Data) Fitted()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => new Row { Text = i % 2 == 0 ? "good food" : "bad food", Label = i % 2 == 0 }));
        var model = ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Row.Text)).Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.BinaryClassification.Trainers.Recurrent(featureColumnName: "Tokens", hiddenSize: 4, epochs: 1)).Fit(data);
        return (ml, model, data);
    }

    [TestMethod]
    [DataRow("", "empty")]
    [DataRow("not base64 at all!", "not base64")]
    [DataRow("AAAA", "RnnMl model payload")]
    public void FromPayload_Garbage_ThrowsInvalidDataNamingTheProblem(string text, string expected)
    {
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => RecurrentModel.FromPayload(text));
        StringAssert.Contains(ex.Message, expected);
    }

    [TestMethod]
    public void FromPayload_AnotherKindOrANewerVersion_ThrowsSayingWhich()
    {
        var (_, model, _) = Fitted();
        var typed = RecurrentModel.FromTransformer(model);
        string otherKind = ModelPayload.Write("recurrent-forecaster", 1, new { }, typed.Parameters.Select(p => KeyValuePair.Create(p.Key, p.Value.Value)));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => RecurrentModel.FromPayload(otherKind)).Message, "holds a recurrent-forecaster");
        string newer = ModelPayload.Write(Rnn.MLNet.Scoring.PredictorSettings.Kind, 99, new { }, typed.Parameters.Select(p => KeyValuePair.Create(p.Key, p.Value.Value)));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => RecurrentModel.FromPayload(newer)).Message, "version 99");
    }

    [TestMethod]
    public void PeekKind_FromTheHeaderAlone_KindOfAnRnnMlPayloadAndNullForAnythingElse()
    {
        var (_, model, _) = Fitted();
        var typed = RecurrentModel.FromTransformer(model);
        string payload = typed.ToPayload();
        Assert.AreEqual(Rnn.MLNet.Scoring.PredictorSettings.Kind, ModelPayload.PeekKind(payload));
        // The weights are not read: a payload cut after its header still names its kind (Read rejects it).
        Assert.AreEqual(Rnn.MLNet.Scoring.PredictorSettings.Kind, ModelPayload.PeekKind(payload.AsSpan(0, payload.Length / 2 / 4 * 4)));
        Assert.ThrowsExactly<InvalidDataException>(() => ModelPayload.Read(payload.AsSpan(0, payload.Length / 2 / 4 * 4), null, 1));
        Assert.IsNull(ModelPayload.PeekKind(""));
        Assert.IsNull(ModelPayload.PeekKind("not base64 at all!"));
        Assert.IsNull(ModelPayload.PeekKind(Convert.ToBase64String(new byte[64])));
    }

    [TestMethod]
    public void FromPayload_WeightOfTheWrongShape_ThrowsNamingTheParameter()
    {
        var (_, model, _) = Fitted();
        var typed = RecurrentModel.FromTransformer(model);
        var settings = new Rnn.MLNet.Scoring.PredictorSettings(typed.Task, typed.Features, typed.NetworkOptions, null);
        var tensors = typed.Parameters.ToDictionary(p => p.Key, p => p.Key == "fc.weight" ? new Rnn.Core.Tensor(3, 3) : p.Value.Value);
        string payload = ModelPayload.Write(Rnn.MLNet.Scoring.PredictorSettings.Kind, 1, settings, tensors);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => RecurrentModel.FromPayload(payload)).Message, "'fc.weight'");
    }

    // Regression (fuzzing, issue 16): settings declaring a network far larger than the payload's weights (hidden 16384:
    // 4 GB of weight_hh) made the reader allocate it before checking a single tensor.
    [TestMethod]
    public void FromPayload_SettingsDeclareAHugeNetwork_ThrowsBeforeAllocatingIt()
    {
        var (_, model, _) = Fitted();
        var typed = RecurrentModel.FromTransformer(model);
        var huge = typed.NetworkOptions with { HiddenSize = 16384 };
        var settings = new Rnn.MLNet.Scoring.PredictorSettings(typed.Task, typed.Features, huge, null);
        string payload = ModelPayload.Write(Rnn.MLNet.Scoring.PredictorSettings.Kind, 1, settings, typed.Parameters.Select(p => KeyValuePair.Create(p.Key, p.Value.Value)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => RecurrentModel.FromPayload(payload));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        StringAssert.Contains(ex.Message, "declare networks of");
        Assert.IsLessThan(64L * payload.Length + (1 << 20), allocated, $"allocated {allocated} bytes for a {payload.Length}-character payload");
    }

    [TestMethod]
    [DataRow(0, 3, Rnn.Core.Layers.CellType.Lstm, 1, false, 2, 0)]
    [DataRow(12, 5, Rnn.Core.Layers.CellType.Gru, 2, true, 3, 0)]
    [DataRow(7, 1, Rnn.Core.Layers.CellType.Rnn, 3, false, 1, 0)]
    [DataRow(9, 0, Rnn.Core.Layers.CellType.Lstm, 1, false, 2, 64)]
    public void ParameterCount_WithoutBuilding_EqualsTheBuiltNetworks(int vocabulary, int inputSize, Rnn.Core.Layers.CellType cell, int layers, bool bidirectional, int outputs,
        int wideBuckets)
    {
        var options = new Rnn.Core.Models.SequenceModelOptions
        {
            Cell = cell, VocabularySize = vocabulary, EmbeddingSize = 6, InputSize = inputSize, HiddenSize = 4,
            NumLayers = layers, Bidirectional = bidirectional, OutputSize = outputs, PaddingIndex = vocabulary > 0 ? 0 : null,
            WideBuckets = wideBuckets, WideCharNGrams = wideBuckets > 0 ? 4 : 0,
        };
        long built = new Rnn.Core.Models.SequenceModel(options).Parameters.Sum(p => (long)p.Value.Value.Length);
        Assert.AreEqual(built, ModelPayload.ParameterCount(options));
    }

    // Regression (fuzzing, issue 16, full run): three flipped bits, one in the checksum's key name and one in a weight,
    // loaded a different model (a payload without the checksum loads unchecked). Unknown metadata keys are now damage.
    [TestMethod]
    public void FromPayload_ChecksumKeyNameDamaged_ThrowsNamingTheKey()
    {
        var (_, model, _) = Fitted();
        string payload = RecurrentModel.FromTransformer(model).ToPayload();
        string text = System.Text.Encoding.Latin1.GetString(Convert.FromBase64String(payload)).Replace("rnnml.sha256", "rnnml.sha2v6", StringComparison.Ordinal);
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => RecurrentModel.FromPayload(Convert.ToBase64String(System.Text.Encoding.Latin1.GetBytes(text))));
        StringAssert.Contains(ex.Message, "'rnnml.sha2v6'");
    }

    // Regression (fuzzing, issue 16): invalid UTF-8 in the header's kind made PeekKind throw InvalidOperationException.
    [TestMethod]
    public void PeekKind_HeaderNotUtf8_IsNull()
    {
        byte[] json = [.. "{\"__metadata__\":{\"format\":\"rnnml\",\"kind\":\"k?\"}}"u8];
        json[Array.IndexOf(json, (byte)'?')] = 0xFF;
        string text = Convert.ToBase64String([.. BitConverter.GetBytes((ulong)json.Length), .. json]);
        Assert.IsNull(ModelPayload.PeekKind(text));
    }

    // Regression (fuzzing, issue 16): a payload whose kind the damage changed was reported as "holds no recurrent
    // predictor" (ArgumentException) rather than as damage.
    [TestMethod]
    public void FromTransformer_PayloadKindChangedByDamage_ThrowsInvalidDataNamingTheChecksum()
    {
        var (ml, model, data) = Fitted();
        string payload = RecurrentModel.FromTransformer(model).ToPayload();
        byte[] bytes = Convert.FromBase64String(payload);
        string text = System.Text.Encoding.Latin1.GetString(bytes).Replace("recurrent-predictor", "recurrent-forecastr", StringComparison.Ordinal);
        var damaged = Rnn.MLNet.Persistence.PayloadCarrier.Create(ml, Convert.ToBase64String(System.Text.Encoding.Latin1.GetBytes(text))).Fit(data);
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => RecurrentModel.FromTransformer(damaged));
        StringAssert.Contains(ex.Message, "rnnml.sha256");
    }

    [TestMethod]
    public void Load_ZipWithItsPayloadTableReplaced_FailsClearlyInsteadOfScoring()
    {
        var (ml, model, data) = Fitted();
        string zip = Path.Combine(Path.GetTempPath(), $"rnnml-damaged-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, zip);
            // Swap the payload table (the ValueMapping's DefaultMap.idv) for one holding garbage text.
            var garbage = ml.Data.LoadFromEnumerable(new[] { new KeyValue { Key = "model", Value = "this is not a model" } });
            using (var archive = ZipFile.Open(zip, ZipArchiveMode.Update))
            {
                var entry = archive.Entries.Single(e => e.FullName.EndsWith("DefaultMap.idv", StringComparison.Ordinal));
                string name = entry.FullName;
                entry.Delete();
                using var stream = archive.CreateEntry(name).Open();
                ml.Data.SaveAsBinary(garbage, stream);
            }
            var loaded = new MLContext().Model.Load(zip, out _);
            // ML.NET may wrap it (its parallel cursors rethrow as InvalidOperationException); the cause is ours and says so.
            var ex = Assert.Throws<Exception>(() => ml.Data.CreateEnumerable<Prediction>(loaded.Transform(data), false).ToList());
            while (ex is not InvalidDataException && ex.InnerException is not null) ex = ex.InnerException;
            Assert.IsInstanceOfType<InvalidDataException>(ex);
            StringAssert.Contains(ex.Message, "RnnMl model payload");
            Assert.ThrowsExactly<InvalidDataException>(() => RecurrentModel.FromTransformer(loaded));
        }
        finally
        {
            File.Delete(zip);
        }
    }

    public sealed class KeyValue
    {
        public string Key { get; set; } = "";

        public string Value { get; set; } = "";
    }

    public sealed class Prediction
    {
        public float Score { get; set; }
    }
}
