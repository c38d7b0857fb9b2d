// Metric definitions (hand-checkable; tests compute them by hand):
//   binary:     AUC = P(score+ > score-) + 0.5 P(tie) over all positive/negative pairs; PredictedLabel decides the
//               confusion counts; LogLoss = -mean(log2 p_true), p clamped to [1e-15, 1-1e-15];
//               Entropy = H2(positive rate); LogLossReduction = (Entropy - LogLoss) / Entropy.
//   multiclass: label key k in 1..K (0 = missing, skipped); Score[k-1] is the class probability;
//               LogLoss = -mean(ln max(Score[label], 1e-15)); MacroAccuracy = mean recall over classes present.
//   regression: MAE, MSE, RMSE, R² = 1 - SS_res / SS_tot.
using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;

namespace Rnn.MLNet.Evaluation;

internal static class Evaluators
{
    private const double Epsilon = 1e-15;

    public static CalibratedBinaryClassificationMetrics Binary(IDataView data, string label, string score, string? probability, string predictedLabel)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataViewSchema.Column labelColumn = LabelReader.CheckBinary(data.Schema, label);
        DataViewSchema.Column scoreColumn = RequireSingle(data.Schema, score);
        DataViewSchema.Column? probabilityColumn = probability is null ? null : RequireSingle(data.Schema, probability);
        DataViewSchema.Column predictedColumn = Columns.Find(data.Schema, predictedLabel);
        if (predictedColumn.Type is not BooleanDataViewType)
            Throw.WrongType(predictedLabel, predictedColumn.Type, "Boolean");

        var rows = new List<(bool Label, float Score, float Probability, bool Predicted)>();
        using (DataViewRowCursor cursor = data.GetRowCursor(new[] { labelColumn, scoreColumn, predictedColumn }.Concat(probabilityColumn is { } p ? [p] : [])))
        {
            Func<bool?> readLabel = LabelReader.Binary(cursor, labelColumn);
            ValueGetter<float> getScore = cursor.GetGetter<float>(scoreColumn);
            ValueGetter<float>? getProbability = probabilityColumn is { } pc ? cursor.GetGetter<float>(pc) : null;
            ValueGetter<bool> getPredicted = cursor.GetGetter<bool>(predictedColumn);
            float s = 0, pr = float.NaN;
            bool predicted = false;
            while (cursor.MoveNext())
            {
                if (readLabel() is not { } l)
                    continue;
                getScore(ref s);
                getProbability?.Invoke(ref pr);
                getPredicted(ref predicted);
                rows.Add((l, s, pr, predicted));
            }
        }
        if (rows.Count == 0)
            throw new InvalidOperationException($"Cannot evaluate: the data view has no rows with a label in '{label}'.");

        double tp = rows.Count(r => r.Label && r.Predicted), fn = rows.Count(r => r.Label && !r.Predicted);
        double fp = rows.Count(r => !r.Label && r.Predicted), tn = rows.Count(r => !r.Label && !r.Predicted);
        double precision = Ratio(tp, tp + fp), recall = Ratio(tp, tp + fn);
        var confusion = new ConfusionMatrix([[tp, fn], [fp, tn]], ["positive", "negative"], isBinary: true);
        var metrics = new BinaryClassificationMetrics(Auc(rows.Select(r => (r.Label, (double)r.Score)).ToList()),
            (tp + tn) / rows.Count, precision, recall, Ratio(tn, tn + fn), Ratio(tn, tn + fp),
            precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0,
            AveragePrecision(rows.Select(r => (r.Label, (double)r.Score)).ToList()), confusion);

        double logLoss = double.NaN, entropy = double.NaN, reduction = double.NaN;
        if (probabilityColumn is not null)
        {
            logLoss = rows.Average(r =>
            {
                double pTrue = Math.Clamp(r.Label ? r.Probability : 1 - r.Probability, Epsilon, 1 - Epsilon);
                return -Math.Log2(pTrue);
            });
            double prior = (tp + fn) / rows.Count;
            entropy = prior is 0 or 1 ? 0 : -(prior * Math.Log2(prior) + (1 - prior) * Math.Log2(1 - prior));
            reduction = entropy > 0 ? (entropy - logLoss) / entropy : double.NaN;
        }
        return new CalibratedBinaryClassificationMetrics(metrics, logLoss, reduction, entropy);
    }

    private static double Ratio(double a, double b) => b > 0 ? a / b : 0;

    private static DataViewSchema.Column RequireSingle(DataViewSchema schema, string name)
    {
        DataViewSchema.Column c = Columns.Find(schema, name);
        if (!c.Type.Equals(NumberDataViewType.Single))
            Throw.WrongType(name, c.Type, "Single");
        return c;
    }

    /// <summary>P(score of a positive > score of a negative), ties counting half; NaN without both classes.</summary>
    internal static double Auc(List<(bool Label, double Score)> rows)
    {
        rows.Sort((a, b) => a.Score.CompareTo(b.Score));
        double positives = rows.Count(r => r.Label), negatives = rows.Count - positives;
        if (positives == 0 || negatives == 0)
            return double.NaN;
        double wins = 0, negativesBelow = 0;
        for (int i = 0; i < rows.Count;)
        {
            int j = i;
            double pos = 0, neg = 0;
            while (j < rows.Count && rows[j].Score.Equals(rows[i].Score))
            {
                if (rows[j].Label)
                    pos++;
                else
                    neg++;
                j++;
            }
            wins += pos * (negativesBelow + 0.5 * neg);
            negativesBelow += neg;
            i = j;
        }
        return wins / (positives * negatives);
    }

    /// <summary>Average precision: mean over positives of the precision at their score (tied scores form one threshold).</summary>
    internal static double AveragePrecision(List<(bool Label, double Score)> rows)
    {
        rows.Sort((a, b) => b.Score.CompareTo(a.Score));
        double positives = rows.Count(r => r.Label);
        if (positives == 0)
            return double.NaN;
        double seen = 0, truePositives = 0, sum = 0;
        for (int i = 0; i < rows.Count;)
        {
            int j = i;
            double pos = 0;
            while (j < rows.Count && rows[j].Score.Equals(rows[i].Score))
            {
                if (rows[j].Label)
                    pos++;
                j++;
            }
            seen += j - i;
            truePositives += pos;
            sum += pos * (truePositives / seen);
            i = j;
        }
        return sum / positives;
    }

    public static MulticlassClassificationMetrics Multiclass(IDataView data, string label, string score, string predictedLabel, int topKPredictionCount)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(topKPredictionCount);
        DataViewSchema.Column labelColumn = LabelReader.CheckMulticlass(data.Schema, label);
        DataViewSchema.Column scoreColumn = Columns.Find(data.Schema, score);
        if (scoreColumn.Type is not VectorDataViewType { IsKnownSize: true } sv || !sv.ItemType.Equals(NumberDataViewType.Single))
            throw Throw.WrongTypeError(score, scoreColumn.Type, "a known-size vector of Single");
        DataViewSchema.Column predictedColumn = Columns.Find(data.Schema, predictedLabel);
        if (predictedColumn.Type is not KeyDataViewType { RawType: var pt } || pt != typeof(uint))
            throw Throw.WrongTypeError(predictedLabel, predictedColumn.Type, "a key of UInt32");
        int k = sv.Size;
        if ((ulong)k != ((KeyDataViewType)labelColumn.Type).Count)
            throw new ArgumentException($"Column '{score}' has {k} scores but label '{label}' has {((KeyDataViewType)labelColumn.Type).Count} classes.");

        var counts = Enumerable.Range(0, k).Select(_ => new double[k]).ToArray();
        var classLoss = new double[k];
        var classRows = new double[k];
        double rows = 0, correct = 0, loss = 0, topK = 0;
        using (DataViewRowCursor cursor = data.GetRowCursor([labelColumn, scoreColumn, predictedColumn]))
        {
            ValueGetter<uint> getLabel = cursor.GetGetter<uint>(labelColumn);
            ValueGetter<VBuffer<float>> getScore = cursor.GetGetter<VBuffer<float>>(scoreColumn);
            ValueGetter<uint> getPredicted = cursor.GetGetter<uint>(predictedColumn);
            uint l = 0, p = 0;
            VBuffer<float> s = default;
            var dense = new float[k];
            while (cursor.MoveNext())
            {
                getLabel(ref l);
                if (l == 0)
                    continue;
                if (l > k)
                    throw new ArgumentException($"Column '{label}' row {cursor.Position}: key {l} is outside 1..{k}.");
                getScore(ref s);
                getPredicted(ref p);
                s.CopyTo(dense);
                int actual = (int)l - 1;
                rows++;
                if (p >= 1 && p <= k)
                    counts[actual][p - 1]++;
                if (p == l)
                    correct++;
                double rowLoss = -Math.Log(Math.Max(dense[actual], Epsilon));
                loss += rowLoss;
                classLoss[actual] += rowLoss;
                classRows[actual]++;
                if (topKPredictionCount > 0 && dense.Count(v => v > dense[actual]) < topKPredictionCount)
                    topK++;
            }
        }
        if (rows == 0)
            throw new InvalidOperationException($"Cannot evaluate: the data view has no rows with a label in '{label}'.");
        string[] names = ScoringSchema.GetClassNames(labelColumn) is { } known && known.Count == k
            ? [.. known]
            : Enumerable.Range(0, k).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var confusion = new ConfusionMatrix(counts, names, isBinary: false);
        double macro = Enumerable.Range(0, k).Where(c => classRows[c] > 0).Average(c => confusion.PerClassRecall[c]);
        double priorLoss = -classRows.Where(n => n > 0).Sum(n => n / rows * Math.Log(n / rows));
        double logLoss = loss / rows;
        return new MulticlassClassificationMetrics(correct / rows, macro, logLoss, priorLoss > 0 ? (priorLoss - logLoss) / priorLoss : double.NaN,
            topKPredictionCount, topKPredictionCount > 0 ? topK / rows : double.NaN,
            Enumerable.Range(0, k).Select(c => classRows[c] > 0 ? classLoss[c] / classRows[c] : double.NaN).ToArray(), confusion);
    }

    public static RegressionMetrics Regression(IDataView data, string label, string score)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataViewSchema.Column labelColumn = RequireSingle(data.Schema, label);
        DataViewSchema.Column scoreColumn = RequireSingle(data.Schema, score);
        var pairs = new List<(double Label, double Score)>();
        using (DataViewRowCursor cursor = data.GetRowCursor([labelColumn, scoreColumn]))
        {
            ValueGetter<float> getLabel = cursor.GetGetter<float>(labelColumn);
            ValueGetter<float> getScore = cursor.GetGetter<float>(scoreColumn);
            float l = 0, s = 0;
            while (cursor.MoveNext())
            {
                getLabel(ref l);
                if (float.IsNaN(l))
                    continue;
                getScore(ref s);
                pairs.Add((l, s));
            }
        }
        if (pairs.Count == 0)
            throw new InvalidOperationException($"Cannot evaluate: the data view has no rows with a label in '{label}'.");
        double mean = pairs.Average(p => p.Label);
        double ssRes = pairs.Sum(p => (p.Label - p.Score) * (p.Label - p.Score));
        double ssTot = pairs.Sum(p => (p.Label - mean) * (p.Label - mean));
        return new RegressionMetrics(pairs.Average(p => Math.Abs(p.Label - p.Score)), ssRes / pairs.Count, ssTot > 0 ? 1 - ssRes / ssTot : double.NaN);
    }

    /// <summary>Fits on all folds but one and evaluates on it, for each fold (folds by the split hash of each row).</summary>
    public static IReadOnlyList<CrossValidationResult<TMetrics>> CrossValidate<TMetrics>(MLContext context, IDataView data, IEstimator<ITransformer> estimator,
        int numberOfFolds, string? samplingKeyColumnName, int? seed, Func<IDataView, TMetrics> evaluate)
        where TMetrics : class
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentOutOfRangeException.ThrowIfLessThan(numberOfFolds, 2);
        int s = seed ?? context.NextSeed();
        var results = new CrossValidationResult<TMetrics>[numberOfFolds];
        for (int fold = 0; fold < numberOfFolds; fold++)
        {
            double lower = (double)fold / numberOfFolds, upper = (double)(fold + 1) / numberOfFolds;
            IDataView test = DataOperationsCatalog.Range(data, samplingKeyColumnName, s, lower, upper);
            IDataView train = DataOperationsCatalog.Range(data, samplingKeyColumnName, s, lower, upper, complement: true);
            ITransformer model = estimator.Fit(train);
            IDataView scored = model.Transform(test);
            results[fold] = new CrossValidationResult<TMetrics>(model, evaluate(scored), scored, fold);
        }
        return results;
    }
}
