using System.Diagnostics;
using System.Reflection;

namespace Rnn.Pipelines.Tests.TestKit;

/// <summary>Runs tests/Rnn.LoadHost (built next to this project, same configuration) in a fresh process.</summary>
internal static class LoadHost
{
    /// <summary>Rnn.LoadHost.dll: up from this assembly's directory to the tests folder, then Rnn.LoadHost/bin/&lt;configuration&gt;/&lt;framework&gt;/.</summary>
    public static string DllPath()
    {
        var here = new DirectoryInfo(Path.GetDirectoryName(typeof(LoadHost).Assembly.Location)!);
        string framework = here.Name, configuration = here.Parent!.Name;
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "Rnn.LoadHost", "bin", configuration, framework, "Rnn.LoadHost.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"Rnn.LoadHost.dll ({configuration}/{framework}) not found above {here.FullName}; build tests/Rnn.LoadHost.");
    }

    /// <summary>Runs <c>dotnet Rnn.LoadHost.dll MODE ZIP INPUT OUTPUT</c> and fails the test on a non-zero exit.</summary>
    public static void Run(string mode, string zip, string input, string output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[] { DllPath(), mode, zip, input, output }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, $"Rnn.LoadHost {mode} failed:\n{stdout}\n{stderr}");
    }

    /// <summary>A fresh temporary directory, deleted by the returned handle.</summary>
    public static TempDirectory TempDirectory() => new(Path.Combine(Path.GetTempPath(), $"rnnml-{Guid.NewGuid():N}"));
}

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string path)
    {
        Path = path;
        Directory.CreateDirectory(path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
