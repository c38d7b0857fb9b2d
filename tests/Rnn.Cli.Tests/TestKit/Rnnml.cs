using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Rnn.Cli.Tests.TestKit;

/// <summary>What one run of the tool gave: its exit code and its two output streams.</summary>
internal sealed record RnnmlRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The non-empty lines of standard output.</summary>
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs the rnnml tool (src/Rnn.Cli's build of the same configuration) with <c>dotnet rnnml.dll ARGS</c> in a fresh
/// process whose standard output and error are redirected, as in a CI log or a pipe.
/// </summary>
internal static class Rnnml
{
    public static RnnmlRun Run(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory, StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(ToolPath());
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"rnnml {string.Join(' ', args)} did not end within 2 minutes");
        }
        return new RnnmlRun(process.ExitCode, stdout, stderr.Result);
    }

    /// <summary>
    /// <c>classify</c> on <see cref="Reviews"/> in <paramref name="directory"/> with 8 hidden units, writing
    /// <c>m.zip</c> there, followed by <paramref name="more"/>.
    /// </summary>
    public static string[] Classify(string directory, params string[] more) =>
        ["classify", "--dataset", Reviews(directory), "--has-header", "--text-col", "text", "--label-col", "label", "--hidden", "8",
            "--output", Path.Combine(directory, "m.zip"), .. more];

    /// <summary>A TSV of <paramref name="repeats"/> × 2 reviews (text⇥label, with a header).</summary>
    public static string Reviews(string directory, int repeats = 30)
    {
        string path = Path.Combine(directory, "reviews.tsv");
        var text = new StringBuilder("text\tlabel\n");
        for (int i = 0; i < repeats; i++) text.Append("great food and lovely staff\t1\ncold soup and a rude waiter\t0\n");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>A CSV (month,value) of a trend with a 12-step season.</summary>
    public static string Series(string directory, int steps = 96)
    {
        string path = Path.Combine(directory, "series.csv");
        var text = new StringBuilder("month,value\n");
        for (int t = 0; t < steps; t++)
            text.Append(CultureInfo.InvariantCulture, $"{t},{100 + t + 10 * Math.Sin(2 * Math.PI * t / 12):F3}\n");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static string ToolPath()
    {
        // bin/<Configuration>/net10.0 of this test project → the tool's output of the same configuration.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        string framework = dir.Name, configuration = dir.Parent!.Name;
        var root = dir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "RnnMl.sln"))) root = root.Parent;
        string path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("RnnMl.sln not found above " + AppContext.BaseDirectory),
            "src", "Rnn.Cli", "bin", configuration, framework, "rnnml.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"rnnml is not built at {path}.", path);
    }
}
