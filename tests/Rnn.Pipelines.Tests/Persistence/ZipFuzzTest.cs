using Rnn.MLNet;
using Rnn.Pipelines.Tests.Forecasting;
using Rnn.Tests.Shared;

namespace Rnn.Pipelines.Tests.Persistence;

/// <summary>
/// Damaged and hostile zips of the pipeline components (sliding window, ForecastByRecurrent, CharRecurrent text
/// generation) end in a documented exception or load identically (<see cref="ZipFuzzer"/>; docs/reliability.md). The
/// CI run is a seeded subset; the full run is <c>RNNML_FUZZ_CASES=2000 dotnet test tests/Rnn.Pipelines.Tests --filter ZipFuzzTest</c>.
/// </summary>
[TestClass]
public sealed class ZipFuzzTest
{
    public TestContext TestContext { get; set; } = null!;

    public sealed class Line
    {
        public string Text { get; set; } = "";
    }

    public sealed class PromptRow
    {
        public string Prompt { get; set; } = "";
    }

    [TestMethod]
    [DataRow("window"), DataRow("forecaster"), DataRow("chargen")]
    public void Load_MutatedSavedPipeline_EndsInDocumentedExceptionOrIdenticalScores(string kind) =>
        ZipFuzzer.Verify(Target(kind), ciCases: 40, TestContext.WriteLine);

    private static FuzzTarget Target(string kind)
    {
        var ml = new MLContext(seed: 1);
        switch (kind)
        {
            case "window":
            {
                var series = RecurrentForecastingTest.View(ml, RecurrentForecastingTest.Seasonal(30, 0.1f, 1));
                var model = ml.Transforms.Sequence.SlidingWindow("Features", nameof(Obs.Value), windowSize: 4, horizon: 2, stride: 1).Fit(series);
                return ZipFuzzer.ZipOf(kind, ml, model, series.Schema, loaded => ZipFuzzer.Fingerprint(loaded.Transform(series)));
            }
            case "forecaster":
            {
                var series = RecurrentForecastingTest.View(ml, RecurrentForecastingTest.Seasonal(60, 0.1f, 1));
                var model = ml.Forecasting.ForecastByRecurrent(new RecurrentForecasterOptions
                {
                    InputColumnName = nameof(Obs.Value), WindowSize = 8, Horizon = 3, ConfidenceLevel = 0.9f,
                    ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper",
                    HiddenSize = 6, Epochs = 1, BatchSize = 32, LearningRate = 0.01f, Seed = 7,
                }).Fit(series);
                return ZipFuzzer.ZipOf(kind, ml, model, series.Schema, loaded =>
                {
                    var context = new MLContext();
                    using var engine = loaded.CreateForecastEngine<Obs, ForecastOut>(context);
                    var f = engine.Predict();
                    var g = engine.Predict(new Obs { Value = 11f });
                    return ZipFuzzer.Bits([.. f.Forecast, .. f.Lower, .. f.Upper, .. g.Forecast, .. g.Lower, .. g.Upper]);
                });
            }
            default:
            {
                var corpus = ml.Data.LoadFromEnumerable([new Line { Text = string.Concat(Enumerable.Repeat("the cat sat on the mat.\n", 10)) }]);
                var model = ml.TextGeneration.Trainers.CharRecurrent("Text", new CharRecurrentTrainerOptions
                {
                    EmbeddingSize = 8, HiddenSize = 12, SequenceLength = 16, BatchSize = 8, Epochs = 1, Seed = 7,
                    GeneratedLength = 12, Temperature = 0f, EpochSampleLength = 0,
                }).Fit(corpus);
                var prompts = ml.Data.LoadFromEnumerable(new[] { "the ", "", "mat" }.Select(p => new PromptRow { Prompt = p }));
                return ZipFuzzer.ZipOf(kind, ml, model, prompts.Schema, loaded => ZipFuzzer.Fingerprint(loaded.Transform(prompts)));
            }
        }
    }
}
