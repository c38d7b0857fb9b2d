using System.Text.Json;
using System.Text.RegularExpressions;
using Rnn.Cli.Tests.TestKit;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.Cli.Tests;

/// <summary>Training progress when the output is redirected: one plain line per epoch; with --json, the JSON alone.</summary>
[TestClass]
public sealed partial class ProgressTest
{
    [TestMethod]
    public void Classify_Redirected_OnePlainLinePerEpoch()
    {
        using var dir = new TempDirectory();
        var run = Rnnml.Run(dir.Path, Rnnml.Classify(dir.Path, "--epochs", "3"));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        string[] epochs = [.. run.Lines.Where(l => l.StartsWith("classify epoch", StringComparison.Ordinal))];
        Assert.HasCount(3, epochs, run.ToString());
        for (int e = 0; e < 3; e++)
            Assert.IsTrue(EpochLine().IsMatch(epochs[e]) && epochs[e].StartsWith($"classify epoch {e + 1}/3 ", StringComparison.Ordinal), epochs[e]);
        StringAssert.Contains(epochs[0], " eta ");                        // epochs left: an estimate
        Assert.IsFalse(epochs[2].Contains(" eta ", StringComparison.Ordinal), epochs[2]);
        Assert.IsFalse(run.Stdout.Contains('\r', StringComparison.Ordinal) || run.Stdout.Contains('\u001b', StringComparison.Ordinal),
            "redirected output holds carriage returns or ANSI escapes");
    }

    [TestMethod]
    public void TrainChar_Redirected_LinesCarryTheOpenEndedEpochAndTheBudget()
    {
        using var dir = new TempDirectory();
        string corpus = dir.File("corpus.txt");
        File.WriteAllText(corpus, string.Concat(Enumerable.Repeat("the cat sat on the mat. ", 40)));
        var run = Rnnml.Run(dir.Path, "train-char", "--dataset", corpus, "--minutes", "0.02", "--output", dir.File("c.zip"));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        string[] epochs = [.. run.Lines.Where(l => l.StartsWith("train-char epoch ", StringComparison.Ordinal))];
        Assert.IsNotEmpty(epochs, run.ToString());
        Assert.IsTrue(epochs.All(l => CharLine().IsMatch(l)), run.ToString());
    }

    [TestMethod]
    public void Classify_Json_PrintsOneJsonObjectAndNoProgress()
    {
        using var dir = new TempDirectory();
        var run = Rnnml.Run(dir.Path, Rnnml.Classify(dir.Path, "--epochs", "2", "--json"));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        Assert.HasCount(1, run.Lines, run.ToString());
        using var json = JsonDocument.Parse(run.Lines[0]);
        Assert.AreEqual("binary", json.RootElement.GetProperty("task").GetString());
        Assert.IsFalse(json.RootElement.TryGetProperty("plots", out _));
    }

    // classify epoch 2/3 batch 2/2 loss 0.6931 val_loss 0.6930 val_acc 0.500 grad 0.0123 elapsed 0:01 eta 0:00
    [GeneratedRegex(@"^classify epoch \d+/\d+ batch \d+/\d+ loss \d+\.\d{4} val_loss \d+\.\d{4} val_acc \d\.\d{3} grad \S+ elapsed \d+:\d\d( eta \d+:\d\d)?$")]
    private static partial Regex EpochLine();

    // train-char epoch 7 batch 1/1 loss 2.1234 val_loss 2.3456 grad 0.5 elapsed 0:00 eta 0:01
    [GeneratedRegex(@"^train-char epoch \d+ batch \d+/\d+ loss \d+\.\d{4}( val_loss \d+\.\d{4})? grad \S+ elapsed \d+:\d\d( eta \d+:\d\d)?$")]
    private static partial Regex CharLine();
}
