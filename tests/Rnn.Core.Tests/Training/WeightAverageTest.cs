using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Training;

namespace Rnn.Core.Tests.Training;

[TestClass]
public sealed class WeightAverageTest
{
    [TestMethod]
    public void Fit_AverageLastEpochs_EndsWithTheMeanOfThoseEpochsWeights()
    {
        var model = new SequenceModel(new SequenceModelOptions { Cell = CellType.Gru, InputSize = 1, HiddenSize = 5, OutputSize = 2, Seed = 1 });
        var atEpochEnd = new List<float[]>();
        var options = new TrainerOptions
        {
            Epochs = 4, BatchSize = 16, LearningRate = 1e-2f, Seed = 2, AverageLastEpochs = 3,
            Progress = p =>
            {
                if (p.IsEpochEnd) atEpochEnd.Add(model.Parameters.SelectMany(kv => kv.Value.Value.Span.ToArray()).ToArray());
            },
        };
        SequenceTrainer.Fit(model, SequenceTrainerTest.SignOfSum(80, 3), options);
        float[] final = model.Parameters.SelectMany(kv => kv.Value.Value.Span.ToArray()).ToArray();
        Assert.AreEqual(4, atEpochEnd.Count);
        for (int i = 0; i < final.Length; i++)
        {
            float mean = (atEpochEnd[1][i] + atEpochEnd[2][i] + atEpochEnd[3][i]) / 3f;
            Assert.AreEqual(mean, final[i], 1e-5f, $"weight {i}");
        }
        CollectionAssert.AreNotEqual(atEpochEnd[3], final, "the average differs from the last epoch");
    }

    [TestMethod]
    public void Fit_NegativeAverageLastEpochs_ThrowsNamingIt()
    {
        var model = new SequenceModel(new SequenceModelOptions { InputSize = 1, HiddenSize = 3, OutputSize = 2 });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            SequenceTrainer.Fit(model, SequenceTrainerTest.SignOfSum(10, 1), new TrainerOptions { AverageLastEpochs = -1 }));
        Assert.AreEqual("AverageLastEpochs", e.ParamName);
    }
}
