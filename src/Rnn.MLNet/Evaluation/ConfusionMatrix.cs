using System.Globalization;
using System.Text;

namespace Rnn.MLNet.Data;

/// <summary>
/// Counts of (actual, predicted) class pairs, with per-class precision and recall. For binary classification the
/// classes are ordered positive, negative (as ML.NET does).
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly string[] _classNames;
    private readonly bool _isBinary;

    internal ConfusionMatrix(double[][] counts, string[] classNames, bool isBinary)
    {
        _classNames = classNames;
        _isBinary = isBinary;
        Counts = counts;
        int k = counts.Length;
        var precision = new double[k];
        var recall = new double[k];
        for (int c = 0; c < k; c++)
        {
            double predicted = 0, actual = 0;
            for (int j = 0; j < k; j++)
            {
                predicted += counts[j][c];
                actual += counts[c][j];
            }
            precision[c] = predicted > 0 ? counts[c][c] / predicted : 0;
            recall[c] = actual > 0 ? counts[c][c] / actual : 0;
        }
        PerClassPrecision = precision;
        PerClassRecall = recall;
    }

    /// <summary>The precision of each class: correct predictions of it / all predictions of it.</summary>
    public IReadOnlyList<double> PerClassPrecision { get; }

    /// <summary>The recall of each class: correct predictions of it / all rows of it.</summary>
    public IReadOnlyList<double> PerClassRecall { get; }

    /// <summary>Counts[actual][predicted].</summary>
    public IReadOnlyList<IReadOnlyList<double>> Counts { get; }

    /// <summary>The number of classes.</summary>
    public int NumberOfClasses => _classNames.Length;

    /// <summary>The count of rows of class <paramref name="actualClassIndicatorIndex"/> predicted as <paramref name="predictedClassIndicatorIndex"/>.</summary>
    public double GetCountForClassPair(int predictedClassIndicatorIndex, int actualClassIndicatorIndex) =>
        Counts[actualClassIndicatorIndex][predictedClassIndicatorIndex];

    /// <summary>The matrix as a text table: rows are the truth, columns the prediction, with recall and precision.</summary>
    public string GetFormattedConfusionTable()
    {
        var sb = new StringBuilder();
        int width = Math.Max(9, _classNames.Max(n => n.Length) + 1);
        string Cell(string s) => s.PadLeft(width);
        if (_isBinary)
        {
            double positives = Counts[0].Sum(), total = Counts.Sum(r => r.Sum());
            sb.Append(CultureInfo.InvariantCulture, $"TEST POSITIVE RATIO:\t{(total > 0 ? positives / total : 0):0.0000} ({positives:0.0}/({positives:0.0}+{total - positives:0.0}))\n");
        }
        string rule = new('=', (width + 3) * NumberOfClasses + 8);
        sb.Append("Confusion table\n");
        sb.Append(CultureInfo.InvariantCulture, $"          ||{rule}\n");
        sb.Append("PREDICTED ||");
        foreach (string n in _classNames)
            sb.Append(CultureInfo.InvariantCulture, $"{Cell(n)} |");
        sb.Append(" Recall\n");
        sb.Append(CultureInfo.InvariantCulture, $"TRUTH     ||{rule}\n");
        for (int a = 0; a < NumberOfClasses; a++)
        {
            sb.Append(_classNames[a].PadLeft(9)).Append(" ||");
            for (int p = 0; p < NumberOfClasses; p++)
                sb.Append(CultureInfo.InvariantCulture, $"{Cell(Counts[a][p].ToString("0", CultureInfo.InvariantCulture))} |");
            sb.Append(CultureInfo.InvariantCulture, $" {PerClassRecall[a]:0.0000}\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"          ||{rule}\n");
        sb.Append("Precision ||");
        foreach (double p in PerClassPrecision)
            sb.Append(CultureInfo.InvariantCulture, $"{Cell(p.ToString("0.0000", CultureInfo.InvariantCulture))} |");
        sb.Append('\n');
        return sb.ToString();
    }
}
