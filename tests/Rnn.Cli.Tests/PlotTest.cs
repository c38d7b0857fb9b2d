using System.Buffers.Binary;
using System.Text.Json;
using Rnn.Cli.Tests.TestKit;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.Cli.Tests;

/// <summary>--plot DIR: PNG and SVG files, named in the output (wrote PATH, or "plots" with --json).</summary>
[TestClass]
public sealed class PlotTest
{
    [TestMethod]
    public void Classify_Plot_WritesLossAndGradientNormAsPngAndSvg()
    {
        using var dir = new TempDirectory();
        string plots = dir.File("plots");
        var run = Rnnml.Run(dir.Path, Rnnml.Classify(dir.Path, "--epochs", "3", "--plot", plots));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        foreach (string stem in new[] { "loss", "gradient-norm" })
        {
            AssertPng(Path.Combine(plots, stem + ".png"), 800, 450);
            AssertSvg(Path.Combine(plots, stem + ".svg"));
            CollectionAssert.Contains(run.Lines, $"wrote {Path.Combine(plots, stem + ".png")}", run.ToString());
        }
    }

    [TestMethod]
    public void Forecast_PlotAndJson_ForecastAndLossFilesListedInTheJson()
    {
        using var dir = new TempDirectory();
        string plots = dir.File("plots");
        var run = Rnnml.Run(dir.Path, "forecast", "--dataset", Rnnml.Series(dir.Path), "--has-header", "--column", "value", "--horizon", "4",
            "--window", "12", "--epochs", "3", "--output", dir.File("f.zip"), "--plot", plots, "--json");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        Assert.HasCount(1, run.Lines, run.ToString());
        using var json = JsonDocument.Parse(run.Lines[0]);
        string[] listed = [.. json.RootElement.GetProperty("plots").EnumerateArray().Select(p => p.GetString()!)];
        CollectionAssert.AreEquivalent(
            new[] { "forecast.png", "forecast.svg", "loss.png", "loss.svg", "gradient-norm.png", "gradient-norm.svg" },
            listed.Select(Path.GetFileName).ToArray());
        AssertPng(Path.Combine(plots, "forecast.png"), 900, 450);
        AssertSvg(Path.Combine(plots, "forecast.svg"));
    }

    // A PNG: the 8-byte signature, then the IHDR chunk with the width and height (big-endian).
    private static void AssertPng(string path, int width, int height)
    {
        Assert.IsTrue(File.Exists(path), path);
        byte[] bytes = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8], path);
        Assert.AreEqual("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4), path);
        Assert.AreEqual(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), path);
        Assert.AreEqual(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)), path);
        Assert.IsGreaterThan(5_000, bytes.Length, $"{path}: {bytes.Length} bytes, too small for a drawn chart");
    }

    private static void AssertSvg(string path)
    {
        Assert.IsTrue(File.Exists(path), path);
        StringAssert.Contains(File.ReadAllText(path), "<svg");
    }
}
