using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet;

/// <summary>Loads one numeric column of a comma-separated file with a header (quoted names allowed) as a series "Value".</summary>
internal static class CsvSeries
{
    public static IDataView Load(MLContext ml, string path, string column)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file '{path}' not found.", path);
        string header = File.ReadLines(path).FirstOrDefault() ?? throw new InvalidDataException($"'{path}' is empty.");
        string[] names = header.Split(',').Select(n => n.Trim().Trim('"')).ToArray();
        int index = Array.IndexOf(names, column);
        if (index < 0)
            throw new ArgumentException($"'{path}' has no column '{column}' (header: {string.Join(", ", names)}).", nameof(column));
        // The text loader reads quoted fields, CRLF line ends and a last line without a newline.
        return ml.Data.LoadFromTextFile(path, [new TextLoader.Column("Value", DataKind.Single, index)], separatorChar: ',', hasHeader: true, allowQuoting: true);
    }
}
