using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.TorchSharp;
using Rnn.MLNet;

namespace Rnn.TorchSharp.Tests.Interop;

/// <summary>
/// An app that uses ML.NET's own TorchSharp trainers (Microsoft.ML.TorchSharp 0.24, built against TorchSharp 0.102.7) and
/// RnnMl's libtorch backend (TorchSharp 0.107) together: one pipeline holds both estimators, ours fits on libtorch, and one
/// TorchSharp and one libtorch are loaded. ML.NET's text classifier is constructed, not fitted: its Fit downloads
/// pretrained weights, which cannot be done offline.
/// </summary>
[TestClass]
public sealed class MicrosoftMlTorchSharpTest
{
    public sealed class Review
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }

        public string Topic { get; set; } = "";
    }

    [TestMethod]
    public void Pipeline_MlNetTextClassifierBesideRecurrentTorchBackend_FitsOursWithOneTorchSharpAndOneLibtorch()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 60).Select(i => i % 2 == 0
            ? new Review { Text = "great food and lovely staff", Label = true, Topic = "praise" }
            : new Review { Text = "cold soup and a rude waiter", Label = false, Topic = "complaint" }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var text = ml.Transforms.Text.NormalizeText("NormText", nameof(Review.Text))
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"));
        var ours = ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
        {
            FeatureColumnName = "Tokens", HiddenSize = 8, EmbeddingSize = 8, Epochs = 2, Seed = 1, Backend = RecurrentBackend.TorchSharp, Device = "cpu",
        });
        var theirs = ml.MulticlassClassification.Trainers.TextClassification(labelColumnName: "TopicKey", scoreColumnName: "BertScore",
            outputColumnName: "BertPredictedLabel", sentence1ColumnName: nameof(Review.Text));
        var pipeline = text.Append(ours)
            .Append(ml.Transforms.Conversion.MapValueToKey("TopicKey", nameof(Review.Topic)))
            .Append(theirs);

        // The whole pipeline composes: ML.NET's estimator accepts what ours outputs.
        var shape = pipeline.GetOutputSchema(TestSupportShapes.Of(data.Schema));
        CollectionAssert.IsSubsetOf(new[] { "Score", "Probability", "PredictedLabel", "BertScore", "BertPredictedLabel" }, shape.Select(c => c.Name).ToArray());

        // Ours fits on libtorch inside that app and scores.
        var model = text.Append(ours).Fit(data);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(data));
        Assert.IsGreaterThan(0.5, metrics.AreaUnderRocCurve);

        // One TorchSharp assembly (the newer one, 0.107) and one libtorch in the process.
        var torchSharp = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "TorchSharp").ToList();
        Assert.HasCount(1, torchSharp);
        Assert.AreEqual(new Version(0, 107, 0, 0), torchSharp[0].GetName().Version);
        Assert.AreEqual(torchSharp[0], theirs.GetType().Assembly.GetReferencedAssemblies()
            .Where(r => r.Name == "TorchSharp").Select(r => Assembly.Load(r)).Single(), "Microsoft.ML.TorchSharp binds to the same TorchSharp");
        var libtorch = File.ReadAllLines("/proc/self/maps").Where(l => l.EndsWith("libtorch_cpu.so", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf('/', StringComparison.Ordinal))..]).Distinct().ToList();
        Assert.HasCount(1, libtorch, string.Join(", ", libtorch));
    }

    /// <summary>SchemaShape.Create is internal in ML.NET; the tests call it by reflection.</summary>
    private static class TestSupportShapes
    {
        public static SchemaShape Of(DataViewSchema schema) => (SchemaShape)typeof(SchemaShape)
            .GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])!
            .Invoke(null, [schema])!;
    }
}
