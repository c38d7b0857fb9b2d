using System.Diagnostics;

namespace Rnn.MLNet.Tests.TestKit;

/// <summary>
/// Runs tests/Rnn.LoadHost, a process that has RnnMl's assemblies but has not touched them: it loads a zip with a plain
/// <c>ml.Model.Load</c> (no registration call) and transforms rows saved as an ML.NET binary .idv.
/// </summary>
internal static class LoadHost
{
    /// <summary>The output of <paramref name="zip"/>'s model over <paramref name="rows"/>, computed in a fresh process.</summary>
    public static IDataView Transform(MLContext ml, string zip, IDataView rows)
    {
        string input = Path.Combine(Path.GetTempPath(), $"rnnml-in-{Guid.NewGuid():N}.idv");
        string output = Path.ChangeExtension(input, ".out.idv");
        using (var stream = File.Create(input))
            ml.Data.SaveAsBinary(rows, stream, keepHidden: false);
        Run("transform", zip, input, output);
        File.Delete(input);
        // Read it all now so the file can go.
        var view = ml.Data.LoadFromBinary(output);
        var cached = ml.Data.Cache(view);
        _ = ViewDump.Dump(cached);
        return cached;
    }

    /// <summary>Runs a mode of the host; throws with its error output when it fails.</summary>
    public static void Run(params string[] args) => Run(TimeSpan.FromMinutes(2), args);

    /// <summary>Runs a mode of the host with a time limit; throws with its error output when it fails.</summary>
    public static void Run(TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(HostPath());
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(limit)) process.Kill(entireProcessTree: true);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"Rnn.LoadHost {string.Join(' ', args)} exited with {process.ExitCode}:\n{stderr}\n{stdout}");
    }

    private static string HostPath()
    {
        // bin/<Configuration>/net10.0 of this test project → the host's output of the same configuration.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        string framework = dir.Name, configuration = dir.Parent!.Name;
        var tests = dir;
        while (tests is not null && tests.Name != "tests") tests = tests.Parent;
        string path = Path.Combine(tests?.FullName ?? throw new InvalidOperationException("tests folder not found above " + AppContext.BaseDirectory),
            "Rnn.LoadHost", "bin", configuration, framework, "Rnn.LoadHost.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Rnn.LoadHost is not built at {path}.", path);
    }
}
