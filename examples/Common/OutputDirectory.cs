namespace Rnn.Examples.Common;

/// <summary>
/// Where an example writes its plots: the <c>--out DIR</c> argument, or the current directory. Every file written is
/// announced as <c>wrote PATH</c>.
/// </summary>
public sealed class OutputDirectory
{
    /// <summary>The directory <paramref name="path"/> (made absolute; created on the first write).</summary>
    public OutputDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FullPath = Path.GetFullPath(path);
    }

    /// <summary>The absolute path of the directory.</summary>
    public string FullPath { get; }

    /// <summary>
    /// Takes <c>--out DIR</c> out of <paramref name="args"/>: the directory (the current one when absent) and, in
    /// <paramref name="rest"/>, the other arguments in their order.
    /// </summary>
    /// <exception cref="ArgumentException"><c>--out</c> is the last argument (no directory follows).</exception>
    public static OutputDirectory FromArgs(string[] args, out string[] rest)
    {
        ArgumentNullException.ThrowIfNull(args);
        string path = Directory.GetCurrentDirectory();
        var others = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] != "--out") { others.Add(args[i]); continue; }
            if (i + 1 >= args.Length) throw new ArgumentException("--out needs a directory, e.g. --out plots", nameof(args));
            path = args[++i];
        }
        rest = [.. others];
        return new OutputDirectory(path);
    }

    /// <summary>Writes <paramref name="content"/> (UTF-8) to <paramref name="fileName"/> in the directory, prints <c>wrote PATH</c>, and returns the path.</summary>
    public string Write(string fileName, string content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        Directory.CreateDirectory(FullPath);
        string path = Path.Combine(FullPath, fileName);
        File.WriteAllText(path, content);
        Console.WriteLine($"wrote {path}");
        return path;
    }
}
