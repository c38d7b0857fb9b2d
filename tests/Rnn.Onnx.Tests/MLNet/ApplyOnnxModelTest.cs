using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Rnn.MLNet;
using Rnn.Onnx.Tests.TestKit;

namespace Rnn.Onnx.Tests.MLNet;

/// <summary>
/// The exported model scored by ML.NET itself: <c>NormalizeText → TokenizeIntoWords → MapValueToKey → CustomMapping
/// (keys → int64 ids + length) → ApplyOnnxModel</c> gives the RnnMl transformer's scores. Both patterns of docs/onnx.md:
/// variable-length ids (no padding, no shape dictionary), and ids padded to a fixed length with a shape dictionary.
/// </summary>
[TestClass]
public sealed class ApplyOnnxModelTest
{
    private static readonly string CorpusPath = Path.Combine(AppContext.BaseDirectory, "TestData", "reviews.tsv");

    /// <summary>Steps the fixed-size pattern pads to (≥ the longest review, so nothing is cut).</summary>
    public const int MaxSteps = 64;

    public sealed class Review
    {
        [LoadColumn(0)]
        public string Text { get; set; } = "";

        [LoadColumn(1)]
        public bool Label { get; set; }
    }

    /// <summary>The key column, converted to UInt32 so CustomMapping accepts it.</summary>
    public sealed class TokenKeys
    {
        public VBuffer<uint> TokenKeys32 { get; set; }
    }

    /// <summary>The exported model's inputs, one sequence per row: the ids as they are (variable length) and the length.</summary>
    public sealed class OnnxTokenInputs
    {
        [ColumnName(RecurrentOnnx.TokensInput)]
        public long[] Tokens { get; set; } = [];

        [ColumnName(RecurrentOnnx.LengthsInput), VectorType(1)]
        public long[] Lengths { get; set; } = new long[1];

        /// <summary>Key k → id k (0 = missing); an empty row is one missing token, as the transformer reads it.</summary>
        public static void Map(TokenKeys input, OnnxTokenInputs output)
        {
            var keys = input.TokenKeys32;
            output.Tokens = new long[Math.Max(keys.Length, 1)];
            CopyIds(keys, output.Tokens);
            output.Lengths[0] = output.Tokens.Length;
        }
    }

    /// <summary>The same inputs padded with 0 to <see cref="MaxSteps"/> (a fixed-size column).</summary>
    public sealed class PaddedTokenInputs
    {
        [ColumnName(RecurrentOnnx.TokensInput), VectorType(MaxSteps)]
        public long[] Tokens { get; set; } = new long[MaxSteps];

        [ColumnName(RecurrentOnnx.LengthsInput), VectorType(1)]
        public long[] Lengths { get; set; } = new long[1];

        /// <summary>As <see cref="OnnxTokenInputs.Map"/>, but rows longer than <see cref="MaxSteps"/> keep their first MaxSteps ids.</summary>
        public static void Map(TokenKeys input, PaddedTokenInputs output)
        {
            Array.Clear(output.Tokens);
            var keys = input.TokenKeys32;
            CopyIds(keys, output.Tokens);
            output.Lengths[0] = Math.Clamp(keys.Length, 1, MaxSteps);
        }
    }

    /// <summary>ids[i] = key i of the row (sparse slots stay 0), for the first ids.Length slots.</summary>
    private static void CopyIds(in VBuffer<uint> keys, long[] ids)
    {
        var values = keys.GetValues();
        var indices = keys.GetIndices();
        for (int i = 0; i < values.Length; i++)
        {
            int slot = keys.IsDense ? i : indices[i];
            if (slot < ids.Length) ids[slot] = values[i];
        }
    }

    public sealed class RnnScores
    {
        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    public sealed class OnnxScores
    {
        [ColumnName(RecurrentOnnx.ScoreOutput), VectorType(1)]
        public float[] Score { get; set; } = [];

        [ColumnName(RecurrentOnnx.ProbabilityOutput), VectorType(1)]
        public float[] Probability { get; set; } = [];

        [ColumnName(RecurrentOnnx.PredictedLabelOutput), VectorType(1)]
        public bool[] PredictedLabel { get; set; } = [];
    }

    private static IEstimator<ITransformer> Featurize(MLContext ml) =>
        ml.Transforms.Text.NormalizeText("NormText", nameof(Review.Text), keepPunctuations: false)
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens", maximumNumberOfKeys: 20000));

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void ApplyOnnxModel_ExportedSentimentModel_SameScoresAsRnnMlTransformer(bool padded)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromTextFile<Review>(CorpusPath, separatorChar: '\t');
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        var model = Featurize(ml)
            .Append(ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
            {
                FeatureColumnName = "Tokens", Cell = RecurrentCellType.Lstm, EmbeddingSize = 16, HiddenSize = 16, Bidirectional = true,
                Pooling = RecurrentPooling.Mean, Epochs = 2, Seed = 3,
            }))
            .Fit(split.TrainSet);
        string path = Path.Combine(Path.GetTempPath(), $"rnnml-sentiment-{Guid.NewGuid():N}.onnx");
        try
        {
            model.ExportOnnx(path);

            // ML.NET's own pipeline: the same text transforms, then the ONNX model.
            Ort.TakeLog();
            var inputs = Featurize(ml).Append(ml.Transforms.Conversion.ConvertType("TokenKeys32", "Tokens", DataKind.UInt32));
            IEstimator<ITransformer> ids = padded
                ? inputs.Append(ml.Transforms.CustomMapping<TokenKeys, PaddedTokenInputs>(PaddedTokenInputs.Map, contractName: null))
                : inputs.Append(ml.Transforms.CustomMapping<TokenKeys, OnnxTokenInputs>(OnnxTokenInputs.Map, contractName: null));
            var onnxModel = ids
                .Append(ml.Transforms.ApplyOnnxModel(
                    outputColumnNames: [RecurrentOnnx.ScoreOutput, RecurrentOnnx.ProbabilityOutput, RecurrentOnnx.PredictedLabelOutput],
                    inputColumnNames: [RecurrentOnnx.TokensInput, RecurrentOnnx.LengthsInput],
                    modelFile: path,
                    // A fixed-size column needs the shapes spelled out (ML.NET cannot split [batch, steps] by itself); a variable one does not.
                    shapeDictionary: padded ? new Dictionary<string, int[]> { [RecurrentOnnx.TokensInput] = [1, MaxSteps], [RecurrentOnnx.LengthsInput] = [1] } : null,
                    gpuDeviceId: null, fallbackToCpu: false))
                .Fit(split.TrainSet);

            var expected = ml.Data.CreateEnumerable<RnnScores>(model.Transform(split.TestSet), reuseRowObject: false).ToList();
            var actual = ml.Data.CreateEnumerable<OnnxScores>(onnxModel.Transform(split.TestSet), reuseRowObject: false).ToList();
            CollectionAssert.AreEqual(Array.Empty<string>(), Ort.TakeLog(), "ONNX Runtime logged warnings");
            Assert.AreEqual(expected.Count, actual.Count);
            Assert.IsTrue(expected.Count > 50);
            TensorAssert.Close(expected.Select(r => r.Score).ToArray(), actual.Select(r => r.Score[0]).ToArray(), 1e-5, "score");
            TensorAssert.Close(expected.Select(r => r.Probability).ToArray(), actual.Select(r => r.Probability[0]).ToArray(), 1e-5, "probability");
            CollectionAssert.AreEqual(expected.Select(r => r.PredictedLabel).ToArray(), actual.Select(r => r.PredictedLabel[0]).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    public sealed class Series
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    /// <summary>A float-step model's inputs: the feature vector as it is (T·F values) and T.</summary>
    public sealed class OnnxStepInputs
    {
        public const int StepSize = 2;

        [ColumnName(RecurrentOnnx.StepsInput)]
        public float[] Steps { get; set; } = [];

        [ColumnName(RecurrentOnnx.LengthsInput), VectorType(1)]
        public long[] Lengths { get; set; } = new long[1];

        public static void Map(Series input, OnnxStepInputs output)
        {
            output.Steps = input.Features;
            output.Lengths[0] = input.Features.Length / StepSize;
        }
    }

    public sealed class RegressionScore
    {
        public float Score { get; set; }
    }

    public sealed class OnnxRegressionScore
    {
        [ColumnName(RecurrentOnnx.ScoreOutput), VectorType(1)]
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void ApplyOnnxModel_ExportedFloatStepRegressor_SameScoresAsRnnMlTransformer()
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(9);
        var rows = Enumerable.Range(0, 80).Select(_ =>
        {
            var values = Enumerable.Range(0, rng.Next(1, 9) * OnnxStepInputs.StepSize).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            return new Series { Features = values, Label = values.Sum() };
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Regression.Trainers.Recurrent(new RecurrentTrainerOptions
        {
            FeatureColumnName = "Features", StepSize = OnnxStepInputs.StepSize, Cell = RecurrentCellType.Gru, HiddenSize = 6, NumberOfLayers = 2, Epochs = 2, Seed = 4,
        }).Fit(data);
        string path = Path.Combine(Path.GetTempPath(), $"rnnml-series-{Guid.NewGuid():N}.onnx");
        try
        {
            model.ExportOnnx(path);
            var onnxModel = ml.Transforms.CustomMapping<Series, OnnxStepInputs>(OnnxStepInputs.Map, contractName: null)
                .Append(ml.Transforms.ApplyOnnxModel([RecurrentOnnx.ScoreOutput], [RecurrentOnnx.StepsInput, RecurrentOnnx.LengthsInput], path))
                .Fit(data);
            var expected = ml.Data.CreateEnumerable<RegressionScore>(model.Transform(data), reuseRowObject: false).Select(r => r.Score).ToArray();
            var actual = ml.Data.CreateEnumerable<OnnxRegressionScore>(onnxModel.Transform(data), reuseRowObject: false).Select(r => r.Score[0]).ToArray();
            TensorAssert.Close(expected, actual, 1e-5, "regression score");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void RecurrentOnnxTokenInputs_SavedAndLoadedPipeline_SameScoresAsRnnMlTransformer()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromTextFile<Review>(CorpusPath, separatorChar: '\t');
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 2);
        var model = Featurize(ml)
            .Append(ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
            {
                FeatureColumnName = "Tokens", Cell = RecurrentCellType.Gru, EmbeddingSize = 8, HiddenSize = 8, Pooling = RecurrentPooling.Max, Epochs = 1, Seed = 7,
            }))
            .Fit(split.TrainSet);
        string path = Path.Combine(Path.GetTempPath(), $"rnnml-sentiment-{Guid.NewGuid():N}.onnx");
        try
        {
            model.ExportOnnx(path);
            var onnxModel = Featurize(ml)
                .Append(ml.Transforms.RecurrentOnnxTokenInputs("Tokens"))
                .Append(ml.Transforms.ApplyOnnxModel([RecurrentOnnx.ScoreOutput, RecurrentOnnx.ProbabilityOutput, RecurrentOnnx.PredictedLabelOutput],
                    [RecurrentOnnx.TokensInput, RecurrentOnnx.LengthsInput], path))
                .Fit(split.TrainSet);
            // The ONNX pipeline (ONNX bytes included) saved as an ML.NET zip and loaded in a fresh context.
            using var stream = new MemoryStream();
            ml.Model.Save(onnxModel, split.TrainSet.Schema, stream);
            stream.Position = 0;
            var loaded = new MLContext().Model.Load(stream, out _);

            var expected = ml.Data.CreateEnumerable<RnnScores>(model.Transform(split.TestSet), reuseRowObject: false).ToList();
            var actual = ml.Data.CreateEnumerable<OnnxScores>(loaded.Transform(split.TestSet), reuseRowObject: false).ToList();
            TensorAssert.Close(expected.Select(r => r.Score).ToArray(), actual.Select(r => r.Score[0]).ToArray(), 1e-5, "score");
            TensorAssert.Close(expected.Select(r => r.Probability).ToArray(), actual.Select(r => r.Probability[0]).ToArray(), 1e-5, "probability");
            CollectionAssert.AreEqual(expected.Select(r => r.PredictedLabel).ToArray(), actual.Select(r => r.PredictedLabel[0]).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
