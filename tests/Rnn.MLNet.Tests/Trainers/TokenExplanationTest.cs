using Rnn.Core.Layers;
using Rnn.Core.Models;

namespace Rnn.MLNet.Tests.Trainers;

[TestClass]
public sealed class TokenExplanationTest
{
    public sealed class Sentence
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }

    /// <summary>
    /// An additive model built by hand: 1-d embeddings, a relu RNN with W_ih = W_hh = 1 and no bias, the last step, and a
    /// head whose margin is h_T. Then h_T is the sum of the (positive) embeddings, so occlusion recovers each token's
    /// embedding exactly and the contributions add up to Score − BaselineScore.
    /// </summary>
    [TestMethod]
    public void ExplainTokens_AdditiveModel_ContributionsAreTheTokensAndSumToTheScore()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { new Sentence { Text = "low high mid" } };
        var text = ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Sentence.Text))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Fit(ml.Data.LoadFromEnumerable(rows));
        // Keys by occurrence: low = 1, high = 2, mid = 3; embedding rows 1..3.
        var model = new SequenceModel(new SequenceModelOptions
        {
            Cell = CellType.Rnn, Nonlinearity = Nonlinearity.Relu, VocabularySize = 4, EmbeddingSize = 1, PaddingIndex = 0,
            HiddenSize = 1, OutputSize = 2, Pooling = PoolingKind.Last,
        });
        float[] embedding = [0f, 0.5f, 2f, 1f];
        embedding.CopyTo(model.Parameters["embedding.weight"].Value.Span);
        model.Parameters["rnn.weight_ih_l0"].Value.Span[0] = 1f;
        model.Parameters["rnn.weight_hh_l0"].Value.Span[0] = 1f;
        model.Parameters["rnn.bias_ih_l0"].Value.Span.Clear();
        model.Parameters["rnn.bias_hh_l0"].Value.Span.Clear();
        float[] head = [0f, 1f];
        head.CopyTo(model.Parameters["fc.weight"].Value.Span);
        model.Parameters["fc.bias"].Value.Span.Clear();
        var scorer = RecurrentTrainer.Create(new RecurrentModel(RecurrentTask.BinaryClassification, new SequenceFeatures("Tokens", true, 3, 1, 0), model, null),
            text.Transform(ml.Data.LoadFromEnumerable([new Sentence { Text = "mid" }])));
        var pipeline = new TransformerChain<ITransformer>(text, scorer);

        var explanation = ml.Model.ExplainTokens(pipeline, new Sentence { Text = "mid low high unseen" });

        CollectionAssert.AreEqual(new[] { "mid", "low", "high", "<missing>" }, explanation.Tokens.Select(t => t.Token).ToArray());
        CollectionAssert.AreEqual(new[] { 1f, 0.5f, 2f, 0f }, explanation.Tokens.Select(t => t.Contribution).ToArray());
        Assert.AreEqual(3.5f, explanation.Score, 1e-6f);
        Assert.AreEqual(0f, explanation.BaselineScore, 1e-6f);
        Assert.AreEqual(explanation.Score - explanation.BaselineScore, explanation.Tokens.Sum(t => t.Contribution), 1e-6f);
        CollectionAssert.AreEqual(new[] { "high", "mid", "low", "<missing>" }, explanation.Ranked.Select(t => t.Token).ToArray());
    }

    [TestMethod]
    public void ExplainTokens_TrainedSentimentModel_RanksTheSentimentWordFirst()
    {
        var ml = new MLContext(seed: 3);
        string[] good = ["great", "delicious", "lovely"], bad = ["awful", "bland", "rude"], things = ["food", "soup", "staff", "room"];
        var rng = new Random(2);
        var rows = Enumerable.Range(0, 300).Select(i =>
        {
            bool positive = i % 2 == 0;
            string word = positive ? good[rng.Next(3)] : bad[rng.Next(3)];
            return new Sentence { Text = $"the {things[rng.Next(4)]} was {word}", Label = positive };
        }).ToArray();
        var model = ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Sentence.Text))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions { FeatureColumnName = "Tokens", Cell = RecurrentCellType.Gru, HiddenSize = 16, EmbeddingSize = 8, Epochs = 8, LearningRate = 1e-2f }))
            .Fit(ml.Data.LoadFromEnumerable(rows));
        var positive = ml.Model.ExplainTokens(model, new Sentence { Text = "the soup was delicious" });
        Assert.AreEqual("delicious", positive.Ranked.First().Token);
        Assert.IsTrue(positive.Ranked.First().Contribution > 0);
        var negative = ml.Model.ExplainTokens(model, new Sentence { Text = "the staff was rude" });
        Assert.AreEqual("rude", negative.Ranked.First().Token);
        Assert.IsTrue(negative.Ranked.First().Contribution < 0);
    }

    [TestMethod]
    public void ExplainTokens_ModelWithoutRecurrentStep_Throws()
    {
        var ml = new MLContext();
        var text = ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Sentence.Text)).Fit(ml.Data.LoadFromEnumerable(new[] { new Sentence { Text = "a b" } }));
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.Model.ExplainTokens(text, new Sentence { Text = "a" }));
        StringAssert.Contains(ex.Message, "recurrent");
    }
}
