namespace Rnn.MLNet.Data;

/// <summary>Binary classification metrics from the predicted labels and scores.</summary>
public class BinaryClassificationMetrics
{
    internal BinaryClassificationMetrics(double auc, double accuracy, double positivePrecision, double positiveRecall,
        double negativePrecision, double negativeRecall, double f1Score, double auprc, ConfusionMatrix confusionMatrix)
    {
        AreaUnderRocCurve = auc;
        Accuracy = accuracy;
        PositivePrecision = positivePrecision;
        PositiveRecall = positiveRecall;
        NegativePrecision = negativePrecision;
        NegativeRecall = negativeRecall;
        F1Score = f1Score;
        AreaUnderPrecisionRecallCurve = auprc;
        ConfusionMatrix = confusionMatrix;
    }

    /// <summary>The area under the ROC curve: the probability that a random positive scores above a random negative (ties count half). NaN with one class only.</summary>
    public double AreaUnderRocCurve { get; }

    /// <summary>The fraction of rows predicted correctly.</summary>
    public double Accuracy { get; }

    /// <summary>TP / (TP + FP).</summary>
    public double PositivePrecision { get; }

    /// <summary>TP / (TP + FN).</summary>
    public double PositiveRecall { get; }

    /// <summary>TN / (TN + FN).</summary>
    public double NegativePrecision { get; }

    /// <summary>TN / (TN + FP).</summary>
    public double NegativeRecall { get; }

    /// <summary>The harmonic mean of <see cref="PositivePrecision"/> and <see cref="PositiveRecall"/>.</summary>
    public double F1Score { get; }

    /// <summary>The area under the precision-recall curve (average precision over the positives, ties grouped).</summary>
    public double AreaUnderPrecisionRecallCurve { get; }

    /// <summary>The confusion matrix (classes: positive, negative).</summary>
    public ConfusionMatrix ConfusionMatrix { get; }
}

/// <summary>Binary metrics that also use the predicted probability.</summary>
public sealed class CalibratedBinaryClassificationMetrics : BinaryClassificationMetrics
{
    internal CalibratedBinaryClassificationMetrics(BinaryClassificationMetrics m, double logLoss, double logLossReduction, double entropy)
        : base(m.AreaUnderRocCurve, m.Accuracy, m.PositivePrecision, m.PositiveRecall, m.NegativePrecision, m.NegativeRecall, m.F1Score, m.AreaUnderPrecisionRecallCurve, m.ConfusionMatrix)
    {
        LogLoss = logLoss;
        LogLossReduction = logLossReduction;
        Entropy = entropy;
    }

    /// <summary>-mean(log2 p) where p is the probability given to the true class (clamped to [1e-15, 1 - 1e-15]); in bits, as ML.NET.</summary>
    public double LogLoss { get; }

    /// <summary>(Entropy - LogLoss) / Entropy: the improvement over always predicting the prior.</summary>
    public double LogLossReduction { get; }

    /// <summary>The entropy of the label prior in bits (the log-loss of predicting the positive rate).</summary>
    public double Entropy { get; }
}

/// <summary>Multiclass classification metrics.</summary>
public sealed class MulticlassClassificationMetrics
{
    internal MulticlassClassificationMetrics(double micro, double macro, double logLoss, double logLossReduction, int topK, double topKAccuracy, double[] perClassLogLoss, ConfusionMatrix confusionMatrix)
    {
        MicroAccuracy = micro;
        MacroAccuracy = macro;
        LogLoss = logLoss;
        LogLossReduction = logLossReduction;
        TopKPredictionCount = topK;
        TopKAccuracy = topKAccuracy;
        PerClassLogLoss = perClassLogLoss;
        ConfusionMatrix = confusionMatrix;
    }

    /// <summary>The fraction of rows predicted correctly.</summary>
    public double MicroAccuracy { get; }

    /// <summary>The mean over classes (present in the labels) of each class's accuracy (recall).</summary>
    public double MacroAccuracy { get; }

    /// <summary>-mean(ln p) where p is the score of the true class (clamped to 1e-15); natural log, as ML.NET.</summary>
    public double LogLoss { get; }

    /// <summary>(prior log-loss - LogLoss) / prior log-loss.</summary>
    public double LogLossReduction { get; }

    /// <summary>The k of <see cref="TopKAccuracy"/> (0: not computed).</summary>
    public int TopKPredictionCount { get; }

    /// <summary>The fraction of rows whose true class is among the k highest scores.</summary>
    public double TopKAccuracy { get; }

    /// <summary>The log-loss of the rows of each class (NaN for a class without rows).</summary>
    public IReadOnlyList<double> PerClassLogLoss { get; }

    /// <summary>The confusion matrix.</summary>
    public ConfusionMatrix ConfusionMatrix { get; }
}

/// <summary>Regression metrics.</summary>
public sealed class RegressionMetrics
{
    internal RegressionMetrics(double mae, double mse, double rSquared)
    {
        MeanAbsoluteError = mae;
        MeanSquaredError = mse;
        RootMeanSquaredError = Math.Sqrt(mse);
        LossFunction = mse;
        RSquared = rSquared;
    }

    /// <summary>mean |label - score|.</summary>
    public double MeanAbsoluteError { get; }

    /// <summary>mean (label - score)².</summary>
    public double MeanSquaredError { get; }

    /// <summary>sqrt(<see cref="MeanSquaredError"/>).</summary>
    public double RootMeanSquaredError { get; }

    /// <summary>The mean loss (squared loss).</summary>
    public double LossFunction { get; }

    /// <summary>1 - Σ(label - score)² / Σ(label - mean label)².</summary>
    public double RSquared { get; }
}

/// <summary>One fold of a cross-validation: the model trained without the fold, its scores on the fold, and their metrics.</summary>
/// <typeparam name="TMetrics">The metrics type.</typeparam>
public sealed class CrossValidationResult<TMetrics>
    where TMetrics : class
{
    internal CrossValidationResult(ITransformer model, TMetrics metrics, IDataView scoredHoldOutSet, int fold)
    {
        Model = model;
        Metrics = metrics;
        ScoredHoldOutSet = scoredHoldOutSet;
        Fold = fold;
    }

    /// <summary>The model trained on the other folds.</summary>
    public ITransformer Model { get; }

    /// <summary>The metrics on this fold.</summary>
    public TMetrics Metrics { get; }

    /// <summary>This fold, scored by <see cref="Model"/>.</summary>
    public IDataView ScoredHoldOutSet { get; }

    /// <summary>The fold's index (0-based).</summary>
    public int Fold { get; }
}
