using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.Core.Training;
using Rnn.MLNet;

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

    public sealed class CorpusAndPrompt
    {
        public string Text { get; set; } = "";

        public string Prompt { get; set; } = "";
    }

    public sealed class RawRow
    {
        public string Raw { get; set; } = "";
    }

    public sealed class RawAndPrompt
    {
        public string Raw { get; set; } = "";

        public string Prompt { get; set; } = "";
    }

    public sealed class CopyRow
    {
        public string B { get; set; } = "";
    }

    public sealed class NumericPrompt
    {
        public float Prompt { get; set; }
    }

    private static List<string> GeneratedTexts(IDataView view) =>
        new MLContext().Data.CreateEnumerable<Generated>(view, reuseRowObject: false).Select(r => r.GeneratedText).ToList();

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
        Assert.IsTrue(rows.All(r => r.GeneratedText.Length == 40 && r.GeneratedText.All(c => s_model.Model.Vocabulary.TryGetId(c, out _))));
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
        Assert.AreEqual(0f, s_model.Model.Temperature);
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
    public void SaveLoad_Zip_GeneratesTheSameText_AndRecoversTheTypedModel()
    {
        var ml = new MLContext(seed: 1);
        var sampling = s_model.WithGeneration(temperature: 0.8f, topK: 5, generationSeed: 3);
        var schema = ml.Data.LoadFromEnumerable([new PromptRow()]).Schema;
        using var zip = new MemoryStream();
        ml.Model.Save(sampling, schema, zip);
        zip.Position = 0;
        var loaded = new MLContext().Model.Load(zip, out var inputSchema);

        // ML.NET loads the built-ins the transformer is made of; the typed model comes back from the payload they carry.
        var model = CharRecurrentModel.FromTransformer(loaded);
        Assert.AreEqual("Prompt", inputSchema[0].Name);
        Assert.AreEqual(s_model.Model.Vocabulary.ToString(), model.Vocabulary.ToString());
        Assert.AreEqual((0.8f, 5, 3, 40), (model.Temperature, model.TopK, model.GenerationSeed, model.GeneratedLength));
        Assert.AreEqual(("Prompt", "GeneratedText"), (model.PromptColumnName, model.OutputColumnName));
        Assert.IsNull(model.TrainingResult);
        foreach (var (name, p) in sampling.Model.Parameters)
            CollectionAssert.AreEqual(p.Value.Span.ToArray(), model.Parameters[name].Value.Span.ToArray(), name);
        Assert.AreEqual(sampling.Generate("the"), model.Generate("the"));
        Assert.AreEqual(sampling.Model.Generate("the", 100, 1.2f, 3, 9), model.Generate("the", 100, 1.2f, 3, 9));

        CollectionAssert.AreEqual(Transform(ml, sampling, "the", "mat").Select(r => r.GeneratedText).ToList(),
            Transform(ml, loaded, "the", "mat").Select(r => r.GeneratedText).ToList());
        var engine = ml.Model.CreatePredictionEngine<PromptRow, Generated>(loaded);
        Assert.AreEqual(sampling.Generate("sat"), engine.Predict(new PromptRow { Prompt = "sat" }).GeneratedText);
    }

    [TestMethod]
    public void SaveLoad_FreshProcess_TransformsAndGeneratesTheSameText()
    {
        var ml = new MLContext(seed: 1);
        var sampling = s_model.WithGeneration(temperature: 1f, topK: 4, generationSeed: 5, generatedLength: 60);
        string folder = Directory.CreateTempSubdirectory("rnnml-chargen-").FullName;
        try
        {
            string zip = Path.Combine(folder, "chargen.zip");
            var prompts = ml.Data.LoadFromEnumerable(new[] { "the cat", "", "on the mat", "the cat" }.Select(p => new PromptRow { Prompt = p }));
            ml.Model.Save(sampling, prompts.Schema, zip);
            var expected = Transform(ml, sampling, "the cat", "", "on the mat", "the cat").Select(r => r.GeneratedText).ToList();
            Assert.AreEqual(expected[0], expected[3], "deterministic per row: the same prompt gives the same text in any row");

            // Plain ml.Model.Load + Transform in a process that never touched RnnMl before.
            var transformed = LoadHostProcess.Run(ml, "transform", zip, prompts, folder);
            CollectionAssert.AreEqual(expected, GeneratedTexts(transformed));
            // Typed model recovered there from the loaded pipeline (CharRecurrentModel.FromTransformer), then Generate.
            var generated = LoadHostProcess.Run(ml, "generate", zip, prompts, folder);
            CollectionAssert.AreEqual(expected, GeneratedTexts(generated));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void GetOutputSchema_EqualsTheTransformedSchema()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable([new CorpusAndPrompt { Text = "the cat", Prompt = "the" }]);
        var trainer = ml.TextGeneration.Trainers.CharRecurrent("Text", SmallOptions());
        var promised = Shapes.Describe(trainer.GetOutputSchema(Shapes.Of(data.Schema)));
        var actual = Shapes.Describe(Shapes.Of(s_model.Transform(data).Schema));
        CollectionAssert.AreEqual(actual, promised);
        CollectionAssert.Contains(promised, "GeneratedText: Scalar String key=False");

        // A corpus without a prompt column fails the schema check (before any training in an estimator chain).
        var corpusOnly = ml.Data.LoadFromEnumerable([new TextRow { Text = "abc" }]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => trainer.GetOutputSchema(Shapes.Of(corpusOnly.Schema))).Message, "'Prompt'");
        var chain = ml.Transforms.CopyColumns("Copy", "Text").Append(trainer);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => chain.Fit(corpusOnly)).Message, "'Prompt'");
    }

    [TestMethod]
    public void Transform_PromptColumnMissingOrNotText_ThrowsNamingIt()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => s_model.Transform(ml.Data.LoadFromEnumerable([new TextRow { Text = "abc" }])));
        StringAssert.Contains(e.Message, "'Prompt'");
        e = Assert.ThrowsExactly<ArgumentException>(() => s_model.Transform(ml.Data.LoadFromEnumerable([new NumericPrompt { Prompt = 1f }])));
        StringAssert.Contains(e.Message, "'Prompt'");
        StringAssert.Contains(e.Message, "String");
    }

    [TestMethod]
    public void Transform_UnknownCharacterWithThrowPolicy_ThrowsNamingIt()
    {
        var ml = new MLContext(seed: 1);
        var strict = s_model.WithGeneration(unknownCharacters: UnknownCharacterHandling.Throw);
        // ML.NET's parallel cursors wrap what a mapping throws in an InvalidOperationException; the cause is inside.
        Exception? e = Assert.Throws<Exception>(() => Transform(ml, strict, "the cat#"));
        while (e is not null and not ArgumentException) e = e.InnerException;
        Assert.IsNotNull(e, "an ArgumentException is the cause");
        Assert.AreEqual("prompt", ((ArgumentException)e).ParamName);
        StringAssert.Contains(e.Message, "U+0023");
        StringAssert.Contains(e.Message, "position 7");
    }

    [TestMethod]
    public void Generate_ExplicitSettingsOutOfRange_ThrowNamingTheParameter()
    {
        var model = s_model.Model;
        Assert.AreEqual("length", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Generate("a", -1)).ParamName);
        Assert.AreEqual("temperature", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Generate("a", 5, float.NaN)).ParamName);
        Assert.AreEqual("topK", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Generate("a", 5, 1f, -2)).ParamName);
        Assert.AreEqual(model.Generate("the", 50, 0.9f, 2, 4), s_model.WithGeneration(50, 0.9f, 2, 4).Generate("the"));
    }

    [TestMethod]
    public void Pipeline_AfterAnotherTransform_FitsSavesLoadsAndRecoversTheModel()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallOptions();
        options.Epochs = 2;
        options.GeneratedLength = 20;
        // In an estimator chain the corpus view needs a prompt column (EstimatorChain.Fit transforms after fitting).
        var pipeline = ml.Transforms.Text.NormalizeText("Text", "Raw", keepDiacritics: true, keepPunctuations: true, keepNumbers: true)
            .Append(ml.TextGeneration.Trainers.CharRecurrent("Text", options));
        var fitted = pipeline.Fit(ml.Data.LoadFromEnumerable([new RawAndPrompt { Raw = "The Cat Sat On The Mat.\nThe Cat." }]));
        var prompts = ml.Data.LoadFromEnumerable([new RawAndPrompt { Raw = "x", Prompt = "the c" }]);
        using var zip = new MemoryStream();
        ml.Model.Save(fitted, prompts.Schema, zip);
        zip.Position = 0;
        var loaded = new MLContext().Model.Load(zip, out _);

        var model = CharRecurrentModel.FromTransformer(loaded);
        Assert.AreEqual(fitted.LastTransformer.Model.Vocabulary.ToString(), model.Vocabulary.ToString());
        Assert.AreEqual(fitted.LastTransformer.Generate("the c"), model.Generate("the c"));
        Assert.AreSame(fitted.LastTransformer.Model, CharRecurrentModel.FromTransformer(fitted));
        CollectionAssert.AreEqual(GeneratedTexts(fitted.Transform(prompts)), GeneratedTexts(loaded.Transform(prompts)));

        // On a corpus alone: fit the trainer on its own and append the fitted transformer (same seed, same model).
        var corpusOnly = ml.Data.LoadFromEnumerable([new RawRow { Raw = "The Cat Sat On The Mat.\nThe Cat." }]);
        var prefix = ml.Transforms.Text.NormalizeText("Text", "Raw", keepDiacritics: true, keepPunctuations: true, keepNumbers: true).Fit(corpusOnly);
        var composed = prefix.Append(ml.TextGeneration.Trainers.CharRecurrent("Text", options).Fit(prefix.Transform(corpusOnly)));
        CollectionAssert.AreEqual(GeneratedTexts(fitted.Transform(prompts)), GeneratedTexts(composed.Transform(prompts)));
    }

    [TestMethod]
    public void FromPayload_DamagedOrForeign_ThrowsInvalidData()
    {
        string payload = s_model.Payload;
        Assert.AreEqual(s_model.Generate("the"), CharRecurrentModel.FromPayload(payload).Generate("the"));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => CharRecurrentModel.FromPayload("not base64!")).Message, "base64");
        Assert.ThrowsExactly<InvalidDataException>(() => CharRecurrentModel.FromPayload(payload.AsSpan(0, payload.Length / 2 / 4 * 4)));
        // A predictor's payload is not a character model.
        var other = Rnn.MLNet.Persistence.ModelPayload.Write("recurrent-predictor", 1, new { }, []);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => CharRecurrentModel.FromPayload(other)).Message, "expected a char-language-model");
        var ml = new MLContext();
        var copy = ml.Transforms.CopyColumns("A", "B").Fit(ml.Data.LoadFromEnumerable([new CopyRow()]));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => CharRecurrentModel.FromTransformer(copy)).Message, "no character-level model");
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
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => wrong.Fit(data)).Message, "'Body'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => wrong.GetOutputSchema(Shapes.Of(data.Schema))).Message, "'Body'");
        var numbers = ml.Data.LoadFromEnumerable([new NumericPrompt { Prompt = 1f }]);
        var onNumbers = ml.TextGeneration.Trainers.CharRecurrent("Prompt", SmallOptions());
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => onNumbers.Fit(numbers)).Message, "'Prompt'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => onNumbers.GetOutputSchema(Shapes.Of(numbers.Schema))).Message, "'Prompt'");
    }

    [TestMethod]
    public void Options_OutOfRange_Throw()
    {
        var ml = new MLContext();
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.TextGeneration.Trainers.CharRecurrent("Text", new CharRecurrentTrainerOptions { Temperature = -1f }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.TextGeneration.Trainers.CharRecurrent("Text", new CharRecurrentTrainerOptions { SequenceLength = 0 }));
        Assert.AreEqual("topK", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_model.WithGeneration(topK: -1)).ParamName);
        Assert.AreEqual("generatedLength", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_model.WithGeneration(generatedLength: -1)).ParamName);
        Assert.AreEqual("textColumnName", Assert.ThrowsExactly<ArgumentException>(() => ml.TextGeneration.Trainers.CharRecurrent("")).ParamName);
    }
}
