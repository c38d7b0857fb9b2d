using Rnn.MLNet;
using Rnn.Core.Training;

namespace Rnn.Pipelines.Tests.Text;

[TestClass]
public sealed class CharRecurrentTrainerTest
{
    private static readonly string Corpus = string.Concat(Enumerable.Repeat("the cat sat on the mat.\n", 60));
    private static CharRecurrentTransformer s_model = null!;
    private static LanguageModelResult s_result = null!;
    private static List<CharRecurrentProgress> s_reports = null!;

    public sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    public sealed class PromptRow
    {
        public string Prompt { get; set; } = "";
    }

    public sealed class Generated
    {
        public string Prompt { get; set; } = "";

        public string GeneratedText { get; set; } = "";
    }

    private static CharRecurrentTrainerOptions SmallOptions(List<CharRecurrentProgress>? reports = null) => new()
    {
        EmbeddingSize = 16, HiddenSize = 48, SequenceLength = 24, BatchSize = 8, Epochs = 25, LearningRate = 1e-2f, Seed = 7,
        GeneratedLength = 40, Temperature = 0f, EpochSampleLength = reports is null ? 0 : 30, Progress = reports is null ? null : reports.Add,
    };

    [ClassInitialize]
    public static void TrainOnce(TestContext _)
    {
        var ml = new MLContext(seed: 1);
        s_reports = [];
        var trainer = ml.TextGeneration.Trainers.CharRecurrent("Text", SmallOptions(s_reports));
        s_model = trainer.Fit(ml.Data.LoadFromEnumerable([new TextRow { Text = Corpus }]));
        s_result = trainer.LastTrainingResult!;
    }

    private static List<Generated> Transform(MLContext ml, ITransformer model, params string[] prompts) =>
        ml.Data.CreateEnumerable<Generated>(model.Transform(ml.Data.LoadFromEnumerable(prompts.Select(p => new PromptRow { Prompt = p }))), reuseRowObject: false).ToList();

    [TestMethod]
    public void Fit_RepetitiveCorpus_LearnsToContinueIt()
    {
        Assert.IsTrue(s_result.ValidationLoss < 0.3, $"validation loss {s_result.ValidationLoss:F3} nats/char");
        Assert.IsTrue(s_result.TrainingLoss < s_result.Epochs[0].TrainingLoss);
        string next = s_model.Generate("the cat sat on the m");
        StringAssert.StartsWith(next, "at.\nthe cat", $"greedy continuation: '{next}'");
    }

    [TestMethod]
    public void Fit_Progress_ReportsEpochEndsWithSamples()
    {
        var ends = s_reports.Where(r => r.Training.IsEpochEnd).ToList();
        Assert.HasCount(25, ends);
        Assert.IsTrue(ends.All(r => r.Sample is { Length: 30 } && r.Training.ValidationLoss is > 0));
        Assert.IsTrue(s_reports.Where(r => !r.Training.IsEpochEnd).All(r => r.Sample is null));
    }

    [TestMethod]
    public void Transform_PromptColumn_AddsGeneratedTextOfTheRequestedLength()
    {
        var ml = new MLContext(seed: 1);
        var rows = Transform(ml, s_model, "the ", "", "on the mat");
        Assert.HasCount(3, rows);
        Assert.IsTrue(rows.All(r => r.GeneratedText.Length == 40 && r.GeneratedText.All(c => s_model.Vocabulary.TryGetId(c, out _))));
        Assert.AreEqual(s_model.Generate("on the mat"), rows[2].GeneratedText);
    }

    [TestMethod]
    public void Generate_SameSeed_SameText_OtherSeed_OtherText()
    {
        var sampling = s_model.WithGeneration(temperature: 1.5f, generationSeed: 11, generatedLength: 200);
        string first = sampling.Generate("the");
        Assert.AreEqual(first, sampling.Generate("the"));
        Assert.AreEqual(first, s_model.WithGeneration(temperature: 1.5f, generationSeed: 11, generatedLength: 200).Generate("the"));
        Assert.AreNotEqual(first, sampling.WithGeneration(generationSeed: 12).Generate("the"));
    }

    [TestMethod]
    public void Generate_TemperatureZero_IgnoresTheSeed()
    {
        Assert.AreEqual(0f, s_model.Temperature);
        Assert.AreEqual(s_model.Generate("the c"), s_model.WithGeneration(generationSeed: 99).Generate("the c"));
    }

    [TestMethod]
    public void Generate_UnknownCharacters_SkippedByDefault_ThrownOnRequest()
    {
        Assert.AreEqual(s_model.Generate("the cat"), s_model.Generate("the cat#"));
        Assert.AreEqual(s_model.Generate(""), s_model.Generate("###"), "no known character: start from the newline");
        var strict = s_model.WithGeneration(unknownCharacters: UnknownCharacterHandling.Throw);
        var e = Assert.ThrowsExactly<ArgumentException>(() => strict.Generate("the cat#"));
        StringAssert.Contains(e.Message, "U+0023");
    }

    [TestMethod]
    public void SaveLoad_Zip_GeneratesTheSameText()
    {
        var ml = new MLContext(seed: 1);
        var sampling = s_model.WithGeneration(temperature: 0.8f, topK: 5, generationSeed: 3);
        var schema = ml.Data.LoadFromEnumerable([new PromptRow()]).Schema;
        using var zip = new MemoryStream();
        ml.Model.Save(sampling, schema, zip);
        zip.Position = 0;
        var loaded = ml.Model.Load(zip, out var inputSchema);

        // A saved model loads as a chain (ML.NET's behaviour); the generator is its only step.
        var generator = (CharRecurrentTransformer)((TransformerChain<ITransformer>)loaded).LastTransformer;
        Assert.AreEqual("Prompt", inputSchema[0].Name);
        Assert.AreEqual(s_model.Vocabulary.ToString(), generator.Vocabulary.ToString());
        Assert.AreEqual((0.8f, 5, 3, 40), (generator.Temperature, generator.TopK, generator.GenerationSeed, generator.GeneratedLength));
        foreach (var (name, p) in sampling.Parameters)
            CollectionAssert.AreEqual(p.Value.Span.ToArray(), generator.Parameters[name].Value.Span.ToArray(), name);
        CollectionAssert.AreEqual(Transform(ml, sampling, "the", "mat").Select(r => r.GeneratedText).ToList(),
            Transform(ml, loaded, "the", "mat").Select(r => r.GeneratedText).ToList());
        var engine = ml.Model.CreatePredictionEngine<PromptRow, Generated>(loaded);
        Assert.AreEqual(sampling.Generate("sat"), engine.Predict(new PromptRow { Prompt = "sat" }).GeneratedText);
    }

    [TestMethod]
    public void Fit_EmptyCorpus_Throws()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.TextGeneration.Trainers.CharRecurrent("Text", SmallOptions());
        var e = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(ml.Data.LoadFromEnumerable([new TextRow { Text = "" }])));
        StringAssert.Contains(e.Message, "empty");
        Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(Array.Empty<TextRow>())));
    }

    [TestMethod]
    public void FitAndGetOutputSchema_MissingOrNonTextColumn_Throw()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable([new TextRow { Text = "abc" }]);
        var wrong = ml.TextGeneration.Trainers.CharRecurrent("Body", SmallOptions());
        Assert.ThrowsExactly<ArgumentException>(() => wrong.Fit(data));
        Assert.ThrowsExactly<ArgumentException>(() => wrong.GetOutputSchema(SchemaShape.Create(data.Schema)));
        var shape = ml.TextGeneration.Trainers.CharRecurrent("Text", SmallOptions()).GetOutputSchema(SchemaShape.Create(data.Schema));
        Assert.IsTrue(shape.TryFindColumn("GeneratedText", out _));
        Assert.ThrowsExactly<ArgumentException>(() => s_model.Transform(data), "the prompt column is missing");
    }

    [TestMethod]
    public void Options_OutOfRange_Throw()
    {
        var ml = new MLContext();
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.TextGeneration.Trainers.CharRecurrent("Text", new CharRecurrentTrainerOptions { Temperature = -1f }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.TextGeneration.Trainers.CharRecurrent("Text", new CharRecurrentTrainerOptions { SequenceLength = 0 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_model.WithGeneration(topK: -1));
    }
}
