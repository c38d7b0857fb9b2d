using System.Globalization;

namespace Rnn.TorchSharp.Tests.TestSupport;

/// <summary>Prints the run's oracle seed, the number of tensors compared with libtorch and the largest difference seen.</summary>
[TestClass]
public static class OracleReport
{
    [AssemblyCleanup]
    public static void Report()
    {
        var (maxError, count) = Oracle.Summary;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"libtorch oracle: seed {Oracle.Seed}, {count} tensors compared, max |torch - managed| = {maxError:G3} (tolerance {Oracle.Tolerance} relative to max(1, |torch|))"));
    }
}
