using Rnn.MLNet.Tests.TestKit;
using static Rnn.MLNet.Tests.TestKit.Corpora;

namespace Rnn.MLNet.Tests;

[TestClass]
public sealed class RecurrentModelTest
{
    private static (MLContext Ml, IDataView Data, ITransformer Model) FitColours(int seed)
    {
        var ml = new MLContext(seed: seed);
        var data = ml.Data.LoadFromEnumerable(Colours(40));
        var model = TokenKeys(ml)
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", nameof(Colour.Name)))
            .Append(ml.MulticlassClassification.Trainers.Recurrent(Small("Tokens", epochs: 2)))
            .Fit(data);
        return (ml, data, model);
    }

    private static void AssertSameWeights(RecurrentModel expected, RecurrentModel actual)
    {
        CollectionAssert.AreEqual(expected.Parameters.Select(p => p.Key).ToArray(), actual.Parameters.Select(p => p.Key).ToArray());
        foreach (var (name, parameter) in expected.Parameters)
            CollectionAssert.AreEqual(parameter.Value.Span.ToArray(), actual.Parameters[name].Value.Span.ToArray(), name);
    }

    [TestMethod]
    public void FromTransformer_PipelineLoadedByModelLoad_RecoversTaskShapesAndWeights()
    {
        var (ml, data, model) = FitColours(seed: 1);
        var fitted = RecurrentModel.FromTransformer(model);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = RecurrentModel.FromTransformer(new MLContext().Model.Load(stream, out _));

        Assert.AreEqual(RecurrentTask.MulticlassClassification, loaded.Task);
        Assert.AreEqual("Tokens", loaded.FeatureColumnName);
        Assert.IsTrue(loaded.UsesTokens);
        Assert.AreEqual(fitted.NetworkOptions, loaded.NetworkOptions);
        CollectionAssert.AreEqual(fitted.LabelNames!.ToArray(), loaded.LabelNames!.ToArray());
        AssertSameWeights(fitted, loaded);
        Assert.IsNotNull(fitted.TrainingResult);
        Assert.IsNull(loaded.TrainingResult);
    }

    [TestMethod]
    public void FromTransformer_NoRecurrentStep_ThrowsArgumentException()
    {
        var ml = new MLContext();
        var text = TokenKeys(ml).Fit(ml.Data.LoadFromEnumerable(Sentences(4)));
        var ex = Assert.ThrowsExactly<ArgumentException>(() => RecurrentModel.FromTransformer(text));
        StringAssert.Contains(ex.Message, "no recurrent predictor");
    }

    [TestMethod]
    [DataRow("not base64 at all!"), DataRow("aGVsbG8gd29ybGQ="), DataRow("")]
    public void FromPayload_Garbage_ThrowsInvalidDataExceptionNamingThePayload(string garbage)
    {
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => RecurrentModel.FromPayload(garbage));
        StringAssert.StartsWith(ex.Message, "RnnMl model payload:");
    }

    [TestMethod]
    public void FromPayload_TruncatedRealPayload_ThrowsInvalidDataException()
    {
        var (_, _, model) = FitColours(seed: 1);
        string payload = RecurrentModel.FromTransformer(model).ToPayload();
        byte[] bytes = Convert.FromBase64String(payload);
        string truncated = Convert.ToBase64String(bytes.AsSpan(0, bytes.Length * 2 / 3));
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => RecurrentModel.FromPayload(truncated));
        StringAssert.StartsWith(ex.Message, "RnnMl model payload:");
    }
}
