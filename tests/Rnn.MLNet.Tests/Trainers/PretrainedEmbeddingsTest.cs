
namespace Rnn.MLNet.Tests.Trainers;

[TestClass]
public sealed class PretrainedEmbeddingsTest
{
    public sealed class Sentence
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }

    private static readonly Sentence[] Rows =
    [
        new() { Text = "good food", Label = true }, new() { Text = "bad food", Label = false },
        new() { Text = "Good service", Label = true }, new() { Text = "bad service", Label = false },
    ];

    private static string WriteVectors(string content)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnnml-vectors-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, content);
        return path;
    }

    private static (RecurrentTrainer Trainer, RecurrentPredictionTransformer Model) Fit(string path, bool freeze, int epochs = 2)
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
        {
            FeatureColumnName = "Tokens", EmbeddingSize = 3, HiddenSize = 4, Epochs = epochs, PretrainedEmbeddingsPath = path, FreezeEmbeddings = freeze,
        });
        var chain = ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Sentence.Text))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(trainer)
            .Fit(ml.Data.LoadFromEnumerable(Rows));
        return (trainer, chain.LastTransformer);
    }

    [TestMethod]
    public void Fit_GloveFileFrozen_EmbeddingRowsAreTheFileVectorsAlignedToKeys()
    {
        // word2vec header, a word not in the vocabulary, and "good" matching "Good" through its lower case.
        string path = WriteVectors("4 3\ngood 1 2 3\nfood 0.5 0.5 0.5\nzebra 9 9 9\nbad -1 -2 -3\n");
        try
        {
            var (trainer, model) = Fit(path, freeze: true);
            Assert.AreEqual((4, 5), trainer.PretrainedCoverage, "good, food, bad and Good (through good) of 5 keys");
            var table = model.Model.Parameters["embedding.weight"].Value;
            // Keys by occurrence: good = 1, food = 2, bad = 3, Good = 4, service = 5; row 0 is the missing key (zero).
            CollectionAssert.AreEqual(new[] { 0f, 0f, 0f }, table.Row(0).ToArray());
            CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, table.Row(1).ToArray());
            CollectionAssert.AreEqual(new[] { 0.5f, 0.5f, 0.5f }, table.Row(2).ToArray());
            CollectionAssert.AreEqual(new[] { -1f, -2f, -3f }, table.Row(3).ToArray());
            CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, table.Row(4).ToArray(), "Good takes good's vector");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Fit_NotFrozen_FineTunesThePretrainedRows()
    {
        string path = WriteVectors("good 1 2 3\nbad -1 -2 -3\n");
        try
        {
            var (_, model) = Fit(path, freeze: false, epochs: 5);
            CollectionAssert.AreNotEqual(new[] { 1f, 2f, 3f }, model.Model.Parameters["embedding.weight"].Value.Row(1).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Fit_WrongWidth_ThrowsNamingFileAndLine()
    {
        string path = WriteVectors("good 1 2 3\nbad 1 2\n");
        try
        {
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => Fit(path, freeze: true));
            StringAssert.Contains(ex.Message, path);
            StringAssert.Contains(ex.Message, "line 2");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
