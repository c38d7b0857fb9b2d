using Rnn.MLNet.Persistence;
using Rnn.MLNet.Scoring;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Trainers;

/// <summary>The wide (bag-of-words) path of the recurrent text classifier: on by default for key features, saved, refused where it cannot run.</summary>
[TestClass]
public sealed class RecurrentTrainerWideTest
{
    private static ITransformer Fit(MLContext ml, RecurrentTrainerOptions options)
    {
        var data = ml.Data.LoadFromEnumerable(Corpora.Sentences(60));
        return ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Corpora.Sentence.Text))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.BinaryClassification.Trainers.Recurrent(options))
            .Fit(data);
    }

    private static RecurrentTrainerOptions Small() => new() { FeatureColumnName = "Tokens", EmbeddingSize = 8, HiddenSize = 8, Epochs = 2, Seed = 1 };

    [TestMethod]
    public void Fit_Defaults_TrainsAWidePathOnTheKeyTextsAndSavesItAsVersion2()
    {
        var model = RecurrentModel.FromTransformer(Fit(new MLContext(seed: 1), Small()));
        Assert.AreEqual(131072, model.NetworkOptions.WideBuckets);
        Assert.AreEqual(5, model.NetworkOptions.WideCharNGrams);
        CollectionAssert.Contains(model.NetworkOptions.TokenTexts!.ToList(), "great!");
        Assert.IsNull(model.NetworkOptions.TokenTexts![0], "id 0 is the missing key");
        var wide = model.Parameters["wide.weight"].Value;
        Assert.AreEqual("(131072, 2)", wide.ShapeString);
        Assert.IsTrue(wide.Span.ToArray().Any(v => v != 0f), "the wide path learned");
        Assert.AreEqual(2, ModelPayload.Read(model.ToPayload(), PredictorSettings.Kind, PredictorSettings.Version).Version);

        var reread = RecurrentModel.FromPayload(model.ToPayload());
        CollectionAssert.AreEqual(model.NetworkOptions.TokenTexts!.ToArray(), reread.NetworkOptions.TokenTexts!.ToArray());
        CollectionAssert.AreEqual(wide.Span.ToArray(), reread.Parameters["wide.weight"].Value.Span.ToArray());
    }

    [TestMethod]
    public void ModelOptions_DefaultWideBuckets_OnTheManagedEngineForKeysOnly()
    {
        var keys = new SequenceFeatures("Tokens", true, 10, 1, 0);
        var steps = new SequenceFeatures("Steps", false, 0, 2, 0);
        Assert.AreEqual(131072, RecurrentTrainer.ModelOptions(new RecurrentTrainerOptions(), keys, 2, 1).WideBuckets);
        Assert.AreEqual(0, RecurrentTrainer.ModelOptions(new RecurrentTrainerOptions { Backend = RecurrentBackend.TorchSharp }, keys, 2, 1).WideBuckets);
        Assert.AreEqual(0, RecurrentTrainer.ModelOptions(new RecurrentTrainerOptions { WideBuckets = 1024 }, steps, 2, 1).WideBuckets);
    }

    [TestMethod]
    public void Fit_WideBucketsZero_NoWidePathAndAVersion1Payload()
    {
        var options = Small();
        options.WideBuckets = 0;
        var model = RecurrentModel.FromTransformer(Fit(new MLContext(seed: 1), options));
        Assert.IsFalse(model.Parameters.Keys.Contains("wide.weight"));
        Assert.AreEqual(1, ModelPayload.Read(model.ToPayload(), PredictorSettings.Kind, PredictorSettings.Version).Version);
    }

    [TestMethod]
    public void SaveLoad_WidePath_FreshProcessScoresBitIdentically()
    {
        var ml = new MLContext(seed: 3);
        var rows = ml.Data.LoadFromEnumerable(Corpora.Sentences(20, seed: 9));
        var fitted = Fit(ml, Small());
        string zip = Path.Combine(Path.GetTempPath(), $"rnnml-wide-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(fitted, rows.Schema, zip);
            var inProcess = ml.Model.Load(zip, out _).Transform(rows);
            var elsewhere = LoadHost.Transform(ml, zip, rows);
            CollectionAssert.AreEqual(ViewDump.Dump(inProcess), ViewDump.Dump(elsewhere), "in-process load vs fresh-process load");
            ViewDump.AssertClose(fitted.Transform(rows), inProcess, 1e-5f);
        }
        finally
        {
            File.Delete(zip);
        }
    }

    [TestMethod]
    [DataRow(nameof(RecurrentTrainerOptions.WideBuckets), -1)]
    [DataRow(nameof(RecurrentTrainerOptions.WideBuckets), (1 << 24) + 1)]
    [DataRow(nameof(RecurrentTrainerOptions.WideCharNGrams), 2)]
    [DataRow(nameof(RecurrentTrainerOptions.WideCharNGrams), 9)]
    [DataRow(nameof(RecurrentTrainerOptions.WideFeatureScale), 0)]
    [DataRow(nameof(RecurrentTrainerOptions.AverageLastEpochs), -1)]
    public void Constructor_BadWideOrAveragingOption_ThrowsNamingIt(string option, int value)
    {
        var options = Small();
        switch (option)
        {
            case nameof(RecurrentTrainerOptions.WideBuckets): options.WideBuckets = value; break;
            case nameof(RecurrentTrainerOptions.WideCharNGrams): options.WideCharNGrams = value; break;
            case nameof(RecurrentTrainerOptions.WideFeatureScale): options.WideFeatureScale = value; break;
            default: options.AverageLastEpochs = value; break;
        }
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MLContext().BinaryClassification.Trainers.Recurrent(options));
        StringAssert.Contains(e.Message, $"RecurrentTrainerOptions.{option}");
    }

    [TestMethod]
    public void Constructor_WidePathOnTorchSharp_ThrowsNotSupportedNamingWideBuckets()
    {
        var options = Small();
        options.Backend = RecurrentBackend.TorchSharp;
        options.WideBuckets = 1024;
        var e = Assert.ThrowsExactly<NotSupportedException>(() => new MLContext().BinaryClassification.Trainers.Recurrent(options));
        StringAssert.Contains(e.Message, "WideBuckets");
    }
}
