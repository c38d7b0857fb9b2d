using System.Diagnostics;
using System.Reflection;
using Microsoft.ML;

namespace Rnn.Pipelines.Tests.Text;

/// <summary>
/// Runs tests/Rnn.LoadHost (built beside this project through a ProjectReference that references no assembly) in a fresh
/// process: <c>dotnet Rnn.LoadHost.dll MODE ZIP IN.idv OUT.idv</c>.
/// </summary>
internal static class LoadHostProcess
{
    /// <summary>Writes <paramref name="input"/> to an .idv, runs the host and returns its output view (read in this process).</summary>
    public static IDataView Run(MLContext ml, string mode, string zip, IDataView input, string folder)
    {
        string inPath = Path.Combine(folder, mode + "-in.idv"), outPath = Path.Combine(folder, mode + "-out.idv");
        using (var stream = File.Create(inPath)) ml.Data.SaveAsBinary(input, stream, keepHidden: false);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { HostPath(), mode, zip, inPath, outPath }) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("Rnn.LoadHost did not finish in 2 minutes");
        }
        Assert.AreEqual(0, process.ExitCode, $"Rnn.LoadHost {mode} failed: {stdout}{stderr.Result}");
        return ml.Data.LoadFromBinary(outPath);
    }

    /// <summary>
    /// tests/Rnn.LoadHost/bin/CONFIG/TFM/Rnn.LoadHost.dll, found from this assembly's tests/Rnn.Pipelines.Tests/bin/CONFIG/TFM.
    /// </summary>
    private static string HostPath()
    {
        var here = new DirectoryInfo(Path.GetDirectoryName(Assembly.GetExecutingAssembly().Location)!);
        string tfm = here.Name, configuration = here.Parent!.Name;
        var tests = here.Parent.Parent!.Parent!.Parent!;
        string path = Path.Combine(tests.FullName, "Rnn.LoadHost", "bin", configuration, tfm, "Rnn.LoadHost.dll");
        Assert.IsTrue(File.Exists(path), $"Rnn.LoadHost not built at {path}");
        return path;
    }
}

/// <summary>Schema shapes of views (ML.NET keeps <c>SchemaShape.Create(DataViewSchema)</c> internal).</summary>
internal static class Shapes
{
    private static readonly MethodInfo Create = typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])
        ?? throw new InvalidOperationException("SchemaShape.Create(DataViewSchema) not found");

    public static SchemaShape Of(DataViewSchema schema) => (SchemaShape)Create.Invoke(null, [schema])!;

    /// <summary>Name, vector kind, item type and key-ness of every column, for comparing two shapes.</summary>
    public static List<string> Describe(SchemaShape shape) =>
        shape.Select(c => $"{c.Name}: {c.Kind} {c.ItemType} key={c.IsKey}").ToList();
}
