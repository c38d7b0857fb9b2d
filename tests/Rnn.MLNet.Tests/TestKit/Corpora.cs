namespace Rnn.MLNet.Tests.TestKit;

/// <summary>Small synthetic data sets for the recurrent trainers: fast to fit, easy to learn.</summary>
internal static class Corpora
{
    /// <summary>A sentence and its sentiment (binary, on token keys).</summary>
    public sealed class Sentence
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }

    /// <summary>A sentence naming a colour (multiclass, on token keys; the label is text, mapped to a key).</summary>
    public sealed class Colour
    {
        public string Text { get; set; } = "";

        public string Name { get; set; } = "";
    }

    /// <summary>A variable-length sequence of steps of two floats and a real label.</summary>
    public sealed class Steps
    {
        [VectorType]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    public static Sentence[] Sentences(int count, int seed = 1)
    {
        string[] good = ["great", "tasty", "lovely"], bad = ["awful", "bland", "rude"], things = ["food", "soup", "staff"];
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            bool positive = i % 2 == 0;
            string word = positive ? good[rng.Next(3)] : bad[rng.Next(3)];
            return new Sentence { Text = $"The {things[rng.Next(3)]} was {word}!", Label = positive };
        }).ToArray();
    }

    public static Colour[] Colours(int count, int seed = 1)
    {
        string[] names = ["red", "green", "blue"];
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            string name = names[rng.Next(3)];
            return new Colour { Text = $"the colour is {name}", Name = name };
        }).ToArray();
    }

    /// <summary>Steps of (x, 1 − x); the label is the last x (regression) or whether it is above 0 (binary, 0/1).</summary>
    public static Steps[] StepSequences(int count, bool binary, int seed = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int length = 1 + rng.Next(5);
            var features = new float[2 * length];
            for (int t = 0; t < length; t++)
            {
                features[2 * t] = (float)(rng.NextDouble() * 2 - 1);
                features[2 * t + 1] = 1 - features[2 * t];
            }
            float last = features[^2];
            return new Steps { Features = features, Label = binary ? (last > 0 ? 1f : 0f) : last };
        }).ToArray();
    }

    /// <summary>NormalizeText → TokenizeIntoWords → MapValueToKey into "Tokens" from <paramref name="textColumn"/>.</summary>
    public static IEstimator<ITransformer> TokenKeys(MLContext ml, string textColumn = "Text") =>
        ml.Transforms.Text.NormalizeText("NormText", textColumn, keepPunctuations: false)
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"));

    /// <summary>Small, fast options reading <paramref name="featureColumn"/>.</summary>
    public static RecurrentTrainerOptions Small(string featureColumn, int stepSize = 1, int epochs = 3) => new()
    {
        FeatureColumnName = featureColumn, StepSize = stepSize, Cell = RecurrentCellType.Gru, EmbeddingSize = 8, HiddenSize = 8,
        Epochs = epochs, LearningRate = 1e-2f, BatchSize = 16,
    };
}
