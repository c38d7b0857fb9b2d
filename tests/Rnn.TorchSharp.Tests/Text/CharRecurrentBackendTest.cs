using Rnn.MLNet;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.TorchSharp.Tests.Text;

/// <summary>
/// <c>ml.TextGeneration.Trainers.CharRecurrent</c> with <see cref="CharRecurrentTrainerOptions.Backend"/> = TorchSharp: trained
/// on libtorch, saved by <c>ml.Model.Save</c>, and generating the same text in a fresh process that has no libtorch.
/// </summary>
[TestClass]
public sealed class CharRecurrentBackendTest
{
    public TestContext TestContext { get; set; } = null!;

    public sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    public sealed class PromptRow
    {
        public string Prompt { get; set; } = "";
    }

    public sealed class GeneratedRow
    {
        public string Prompt { get; set; } = "";

        public string GeneratedText { get; set; } = "";
    }

    [TestMethod]
    public void Fit_TorchSharpBackend_SavedZipGeneratesTheSameTextInAFreshProcess()
    {
        var ml = new MLContext(seed: 1);
        var corpus = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i => new TextRow { Text = i % 2 == 0 ? "the cat sat on the mat." : "a dog ran to the cat." }));
        var trainer = ml.TextGeneration.Trainers.CharRecurrent(nameof(TextRow.Text), Options(RecurrentBackend.TorchSharp, "cpu"));
        var model = trainer.Fit(corpus);
        var history = trainer.LastTrainingResult!.Epochs;
        Assert.AreEqual(3, history.Count);
        Assert.IsLessThan(history[0].TrainingLoss, history[^1].TrainingLoss, "training on libtorch lowers the loss");

        string[] prompts = ["the ", "", "a dog", "the "];
        var expected = prompts.Select(model.Generate).ToArray();
        Assert.AreEqual(expected[0], expected[3], "the same prompt gives the same text");
        string folder = Directory.CreateTempSubdirectory("rnnml-charlm-torch-").FullName;
        try
        {
            string zip = Path.Combine(folder, "char.zip"), input = Path.Combine(folder, "in.idv"), output = Path.Combine(folder, "out.idv");
            var rows = ml.Data.LoadFromEnumerable(prompts.Select(p => new PromptRow { Prompt = p }));
            ml.Model.Save(model, rows.Schema, zip);
            using (var stream = File.Create(input)) ml.Data.SaveAsBinary(rows, stream, keepHidden: false);
            // tests/Rnn.LoadHost: RnnMl's managed assemblies, no TorchSharp; ml.Model.Load, CharRecurrentModel.FromTransformer, Generate.
            LoadHost.Run("generate", zip, input, output);
            var generated = ml.Data.CreateEnumerable<GeneratedRow>(ml.Data.LoadFromBinary(output), reuseRowObject: false).ToList();
            CollectionAssert.AreEqual(prompts, generated.Select(r => r.Prompt).ToArray());
            CollectionAssert.AreEqual(expected, generated.Select(r => r.GeneratedText).ToArray(), "in memory vs a fresh process without libtorch");
            TestContext.WriteLine($"loss {history[0].TrainingLoss:F3} → {history[^1].TrainingLoss:F3}; 'the ' → '{expected[0]}'");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void Fit_TorchSharpBackend_SameSeedSameText()
    {
        var ml = new MLContext(seed: 1);
        var corpus = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(_ => new TextRow { Text = "to be or not to be" }));
        var options = Options(RecurrentBackend.TorchSharp, "cpu");
        string first = ml.TextGeneration.Trainers.CharRecurrent(nameof(TextRow.Text), options).Fit(corpus).Generate("to");
        string second = ml.TextGeneration.Trainers.CharRecurrent(nameof(TextRow.Text), options).Fit(corpus).Generate("to");
        Assert.AreEqual(first, second);
    }

    [TestMethod]
    public void Fit_BadDevice_ThrowsNamingIt()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => FitOn("tpu"));
        StringAssert.Contains(e.Message, "'tpu'");
        var unavailable = Assert.ThrowsExactly<InvalidOperationException>(() => FitOn("cuda:7"));
        StringAssert.Contains(unavailable.Message, "cuda:7");

        static void FitOn(string device)
        {
            var ml = new MLContext(seed: 1);
            var corpus = ml.Data.LoadFromEnumerable([new TextRow { Text = "abcabc" }]);
            ml.TextGeneration.Trainers.CharRecurrent(nameof(TextRow.Text), Options(RecurrentBackend.TorchSharp, device)).Fit(corpus);
        }
    }

    [TestMethod]
    public void Constructor_CheckpointOnTorchSharp_ThrowsNamingTheOption()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(RecurrentBackend.TorchSharp, "cpu");
        options.ResumeFrom = "char.ckpt";
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.TextGeneration.Trainers.CharRecurrent(nameof(TextRow.Text), options));
        StringAssert.Contains(e.Message, "CharRecurrentTrainerOptions.ResumeFrom");
        options.CheckpointPath = "char.ckpt";
        e = Assert.ThrowsExactly<ArgumentException>(() => ml.TextGeneration.Trainers.CharRecurrent(nameof(TextRow.Text), options));
        StringAssert.Contains(e.Message, "CharRecurrentTrainerOptions.CheckpointPath");
    }

    private static CharRecurrentTrainerOptions Options(RecurrentBackend backend, string device) => new()
    {
        Cell = RecurrentCellType.Lstm, EmbeddingSize = 8, HiddenSize = 24, SequenceLength = 16, BatchSize = 4, Epochs = 3,
        LearningRate = 1e-2f, Seed = 3, Dropout = 0.1f, NumberOfLayers = 2,
        GeneratedLength = 40, Temperature = 0.8f, TopK = 5, GenerationSeed = 2, Backend = backend, Device = device,
    };
}
