using Microsoft.ML;
using Microsoft.ML.Data;

namespace Rnn.Cli;

/// <summary>A delimited text file with a text column and a label column, named by index or by header name.</summary>
internal sealed class TextTable
{
    private TextTable(string path, char separator, bool hasHeader, int textIndex, int labelIndex, string[] labels)
    {
        Path = path;
        Separator = separator;
        HasHeader = hasHeader;
        TextIndex = textIndex;
        LabelIndex = labelIndex;
        Labels = labels;
    }

    public string Path { get; }

    public char Separator { get; }

    public bool HasHeader { get; }

    public int TextIndex { get; }

    public int LabelIndex { get; }

    /// <summary>The distinct label values, in order of first occurrence.</summary>
    public string[] Labels { get; }

    /// <summary>True when every label is 0/1 or true/false: a binary task.</summary>
    public bool IsBinary => Labels.All(l => l is "0" or "1" || bool.TryParse(l, out _)) && Labels.Length <= 2;

    /// <summary>Reads the header (if any) and the label values; throws <see cref="CliException"/> naming the file, line or column at fault.</summary>
    public static TextTable Open(string path, string textColumn, string labelColumn, char? separator, bool hasHeader)
    {
        if (!File.Exists(path)) throw new CliException($"dataset not found: {path}");
        using var reader = new StreamReader(path);
        string? first = reader.ReadLine() ?? throw new CliException($"dataset {path} is empty");
        char sep = separator ?? (first.Contains('\t') ? '\t' : ',');
        string[] header = first.Split(sep);
        int text = Resolve(textColumn, header, hasHeader, path, "--text-col");
        int label = Resolve(labelColumn, header, hasHeader, path, "--label-col");
        if (text == label) throw new CliException("--text-col and --label-col name the same column");
        var labels = new List<string>();
        var seen = new HashSet<string>();
        int lineNumber = hasHeader ? 1 : 0;
        for (string? line = hasHeader ? reader.ReadLine() : first; line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Length == 0) continue;
            string[] fields = line.Split(sep);
            if (fields.Length <= Math.Max(text, label))
                throw new CliException($"{path}, line {lineNumber}: {fields.Length} fields, but column {Math.Max(text, label)} is needed (separator '{(sep == '\t' ? "\\t" : sep.ToString())}')");
            string value = fields[label].Trim();
            if (seen.Add(value)) labels.Add(value);
        }
        if (labels.Count == 0) throw new CliException($"dataset {path} has no rows");
        if (labels.Count == 1) throw new CliException($"label column of {path} holds one value only ('{labels[0]}'); a classifier needs two or more");
        return new TextTable(path, sep, hasHeader, text, label, [.. labels]);
    }

    /// <summary>The file as an IDataView with columns Text (string) and Label (Boolean for binary, string otherwise).</summary>
    public IDataView Load(MLContext ml)
    {
        var loader = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Separators = [Separator],
            HasHeader = HasHeader,
            AllowQuoting = Separator == ',',
            Columns =
            [
                new TextLoader.Column("Text", DataKind.String, TextIndex),
                new TextLoader.Column("Label", IsBinary ? DataKind.Boolean : DataKind.String, LabelIndex),
            ],
        });
        return loader.Load(Path);
    }

    private static int Resolve(string column, string[] header, bool hasHeader, string path, string option)
    {
        if (int.TryParse(column, out int index))
        {
            if (index < 0 || index >= header.Length) throw new CliException($"{option} {index}: {path} has columns 0..{header.Length - 1}");
            return index;
        }
        if (!hasHeader) throw new CliException($"{option} '{column}' is a name, but {path} has no header (pass --has-header, or a 0-based index)");
        int found = Array.FindIndex(header, h => string.Equals(h.Trim().Trim('"'), column, StringComparison.OrdinalIgnoreCase));
        return found >= 0 ? found : throw new CliException($"{option} '{column}': no such column in {path} (columns: {string.Join(", ", header.Select(h => h.Trim()))})");
    }
}

/// <summary>A user error: printed as one line, exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message);
