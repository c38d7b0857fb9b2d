using Rnn.MLNet;
using Rnn.Pipelines.Tests.Forecasting;
using Rnn.Pipelines.Tests.Text;
using Rnn.Tests.Shared;

namespace Rnn.Pipelines.Tests.Reliability;

/// <summary>
/// Every trainer gives the same weights, bit for bit, for the same seed on one thread and on two (ML.NET's
/// binary, multiclass and regression Recurrent, CharRecurrent, ForecastByRecurrent); the engine-level cases are in
/// Rnn.Core.Tests' TrainingDeterminismTest.
/// </summary>
[TestClass]
public sealed class DeterminismTest
{
    private sealed class Row
    {
        [VectorType(16)]
        public float[] Features { get; set; } = [];

        public bool Binary { get; set; }

        public uint Class { get; set; }

        public float Value { get; set; }
    }

    private static void AssertSameOnOneAndTwoThreads(Func<Rnn.Core.ParameterCollection> fit, string label) =>
        OneAndTwoThreads.AssertSameWeights(fit, p => p, label);

    // 64 rows of 16 steps, batches of 32, LSTM 48 wide (two directions): each scan is split into row ranges on two threads.
    private static IDataView Rows(MLContext ml)
    {
        var rng = new Random(4);
        return ml.Data.LoadFromEnumerable(Enumerable.Range(0, 64).Select(_ =>
        {
            var x = Enumerable.Range(0, 16).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            return new Row { Features = x, Binary = x.Sum() > 0, Class = (uint)(1 + rng.Next(3)), Value = x.Sum() };
        }).ToList());
    }

    private static RecurrentTrainerOptions Options(string label) => new()
    {
        LabelColumnName = label, Cell = RecurrentCellType.Lstm, HiddenSize = 48, NumberOfLayers = 2, Bidirectional = true, Dropout = 0.2f,
        Epochs = 1, BatchSize = 32, Seed = 3,
    };

    [TestMethod]
    public void RecurrentTrainers_OneAndTwoThreads_BitIdenticalWeights()
    {
        AssertSameOnOneAndTwoThreads(() =>
        {
            var ml = new MLContext(seed: 1);
            return RecurrentModel.FromTransformer(ml.BinaryClassification.Trainers.Recurrent(Options(nameof(Row.Binary))).Fit(Rows(ml))).Parameters;
        }, "binary");
        AssertSameOnOneAndTwoThreads(() =>
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Transforms.Conversion.MapValueToKey(nameof(Row.Class)).Fit(Rows(ml)).Transform(Rows(ml));
            return RecurrentModel.FromTransformer(ml.MulticlassClassification.Trainers.Recurrent(Options(nameof(Row.Class))).Fit(data)).Parameters;
        }, "multiclass");
        AssertSameOnOneAndTwoThreads(() =>
        {
            var ml = new MLContext(seed: 1);
            return RecurrentModel.FromTransformer(ml.Regression.Trainers.Recurrent(Options(nameof(Row.Value))).Fit(Rows(ml))).Parameters;
        }, "regression");
    }

    [TestMethod]
    public void CharRecurrentAndForecastByRecurrent_OneAndTwoThreads_BitIdenticalWeights()
    {
        AssertSameOnOneAndTwoThreads(() =>
        {
            var ml = new MLContext(seed: 1);
            var corpus = ml.Data.LoadFromEnumerable([new CharRecurrentTrainerTest.TextRow { Text = string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog; ", 20)) }]);
            return CharRecurrentModel.FromTransformer(ml.TextGeneration.Trainers.CharRecurrent("Text", new CharRecurrentTrainerOptions
            {
                Cell = RecurrentCellType.Lstm, EmbeddingSize = 16, HiddenSize = 64, NumberOfLayers = 2, Dropout = 0.1f, SequenceLength = 24, BatchSize = 16, Epochs = 1, Seed = 2,
            }).Fit(corpus)).Parameters;
        }, "char model");
        AssertSameOnOneAndTwoThreads(() =>
        {
            var ml = new MLContext(seed: 1);
            return ml.Forecasting.ForecastByRecurrent(new RecurrentForecasterOptions
            {
                InputColumnName = nameof(Obs.Value), WindowSize = 24, Horizon = 3, Cell = RecurrentCellType.Gru, HiddenSize = 64, NumberOfLayers = 2,
                Epochs = 2, Seed = 5, NetworkWeight = 1f,
            }).Fit(RecurrentForecastingTest.View(ml, RecurrentForecastingTest.Seasonal(150, 0.1f, 21))).Model.Networks[0].Parameters;
        }, "forecaster");
    }
}
