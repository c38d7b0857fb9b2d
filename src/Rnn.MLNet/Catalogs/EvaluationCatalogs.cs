using Rnn.MLNet.Data;
using Rnn.MLNet.Evaluation;

namespace Rnn.MLNet;

public sealed partial class BinaryClassificationCatalog
{
    /// <summary>
    /// Evaluates scored data: the label (Boolean, or Single 0/1 — another value is an error naming the row) against
    /// Score, Probability and PredictedLabel. Metrics are defined in Evaluation/Evaluators.cs.
    /// </summary>
    public CalibratedBinaryClassificationMetrics Evaluate(IDataView data, string labelColumnName = "Label", string scoreColumnName = "Score",
        string probabilityColumnName = "Probability", string predictedLabelColumnName = "PredictedLabel") =>
        Evaluators.Binary(data, labelColumnName, scoreColumnName, probabilityColumnName, predictedLabelColumnName);

    /// <summary>Evaluates scored data without a probability column (no log-loss).</summary>
    public BinaryClassificationMetrics EvaluateNonCalibrated(IDataView data, string labelColumnName = "Label", string scoreColumnName = "Score",
        string predictedLabelColumnName = "PredictedLabel") =>
        Evaluators.Binary(data, labelColumnName, scoreColumnName, null, predictedLabelColumnName);

    /// <summary>
    /// Cross-validates <paramref name="estimator"/>: for each of <paramref name="numberOfFolds"/> folds, fits on the others and
    /// evaluates on it. Rows with equal <paramref name="samplingKeyColumnName"/> values share a fold.
    /// </summary>
    public IReadOnlyList<CrossValidationResult<CalibratedBinaryClassificationMetrics>> CrossValidate(IDataView data, IEstimator<ITransformer> estimator,
        int numberOfFolds = 5, string labelColumnName = "Label", string? samplingKeyColumnName = null, int? seed = null) =>
        Evaluators.CrossValidate(Context, data, estimator, numberOfFolds, samplingKeyColumnName, seed, scored => Evaluate(scored, labelColumnName));

    /// <summary>Cross-validates an estimator whose output has no Probability column.</summary>
    public IReadOnlyList<CrossValidationResult<BinaryClassificationMetrics>> CrossValidateNonCalibrated(IDataView data, IEstimator<ITransformer> estimator,
        int numberOfFolds = 5, string labelColumnName = "Label", string? samplingKeyColumnName = null, int? seed = null) =>
        Evaluators.CrossValidate(Context, data, estimator, numberOfFolds, samplingKeyColumnName, seed, scored => EvaluateNonCalibrated(scored, labelColumnName));
}

public sealed partial class MulticlassClassificationCatalog
{
    /// <summary>Evaluates scored data: a key label against the Score vector and the PredictedLabel key.</summary>
    public MulticlassClassificationMetrics Evaluate(IDataView data, string labelColumnName = "Label", string scoreColumnName = "Score",
        string predictedLabelColumnName = "PredictedLabel", int topKPredictionCount = 0) =>
        Evaluators.Multiclass(data, labelColumnName, scoreColumnName, predictedLabelColumnName, topKPredictionCount);

    /// <summary>Cross-validates <paramref name="estimator"/> over <paramref name="numberOfFolds"/> folds.</summary>
    public IReadOnlyList<CrossValidationResult<MulticlassClassificationMetrics>> CrossValidate(IDataView data, IEstimator<ITransformer> estimator,
        int numberOfFolds = 5, string labelColumnName = "Label", string? samplingKeyColumnName = null, int? seed = null) =>
        Evaluators.CrossValidate(Context, data, estimator, numberOfFolds, samplingKeyColumnName, seed, scored => Evaluate(scored, labelColumnName));
}

public sealed partial class RegressionCatalog
{
    /// <summary>Evaluates scored data: a Single label against the Single Score.</summary>
    public RegressionMetrics Evaluate(IDataView data, string labelColumnName = "Label", string scoreColumnName = "Score") =>
        Evaluators.Regression(data, labelColumnName, scoreColumnName);

    /// <summary>Cross-validates <paramref name="estimator"/> over <paramref name="numberOfFolds"/> folds.</summary>
    public IReadOnlyList<CrossValidationResult<RegressionMetrics>> CrossValidate(IDataView data, IEstimator<ITransformer> estimator,
        int numberOfFolds = 5, string labelColumnName = "Label", string? samplingKeyColumnName = null, int? seed = null) =>
        Evaluators.CrossValidate(Context, data, estimator, numberOfFolds, samplingKeyColumnName, seed, scored => Evaluate(scored, labelColumnName));
}
