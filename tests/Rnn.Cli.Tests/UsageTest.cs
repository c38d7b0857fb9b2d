using Rnn.Cli.Tests.TestKit;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.Cli.Tests;

/// <summary>Help, exit codes (0 ok, 1 failure, 2 usage) and one-line errors.</summary>
[TestClass]
public sealed class UsageTest
{
    [TestMethod]
    public void Help_EveryCommand_ListedWithAnExample()
    {
        using var dir = new TempDirectory();
        var run = Rnnml.Run(dir.Path, "--help");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        foreach (string command in new[] { "classify", "evaluate", "predict", "forecast", "train-char", "generate" })
        {
            StringAssert.Contains(run.Stdout, command);
            var help = Rnnml.Run(dir.Path, command, "--help");
            Assert.AreEqual(0, help.ExitCode, help.ToString());
            StringAssert.Matches(help.Stdout, new System.Text.RegularExpressions.Regex($"Example: .*rnnml {command} "));
        }
        StringAssert.Contains(run.Stdout, "Exit codes: 0 success, 1 failure while running, 2 bad usage or input");
        StringAssert.Contains(Rnnml.Run(dir.Path, "classify", "--help").Stdout, "--plot");
    }

    [TestMethod]
    public void Classify_MissingDataset_ExitCode2AndOneLine()
    {
        using var dir = new TempDirectory();
        var run = Rnnml.Run(dir.Path, "classify", "--dataset", dir.File("missing.tsv"));
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        Assert.AreEqual(1, run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, run.ToString());
        StringAssert.StartsWith(run.Stderr, "rnnml: ");
    }

    [TestMethod]
    public void Classify_UnknownOption_ExitCode2()
    {
        using var dir = new TempDirectory();
        var run = Rnnml.Run(dir.Path, "classify", "--dataset", Rnnml.Reviews(dir.Path), "--no-such-option");
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Stderr, "--no-such-option");
    }

    [TestMethod]
    public void Classify_ValidationFractionOutOfRange_ExitCode2NamingTheOption()
    {
        using var dir = new TempDirectory();
        var run = Rnnml.Run(dir.Path, Rnnml.Classify(dir.Path, "--validation-fraction", "1.5"));
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        Assert.AreEqual("rnnml: --validation-fraction must be in [0, 1), got 1.5", run.Stderr.Trim());
    }

    [TestMethod]
    public void Classify_PlotDirectoryIsAFile_ExitCode1AndOneLine()
    {
        using var dir = new TempDirectory();
        string file = dir.File("not-a-directory");
        File.WriteAllText(file, "");
        var run = Rnnml.Run(dir.Path, Rnnml.Classify(dir.Path, "--epochs", "1", "--plot", file));
        Assert.AreEqual(1, run.ExitCode, run.ToString());
        Assert.AreEqual(1, run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, run.ToString());
        StringAssert.StartsWith(run.Stderr, "rnnml: could not write the plots");
    }
}
