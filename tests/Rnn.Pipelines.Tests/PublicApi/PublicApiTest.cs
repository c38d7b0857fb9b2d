using System.Runtime.CompilerServices;
using Rnn.Tests.Shared;

namespace Rnn.Pipelines.Tests.PublicApi;

/// <summary>The public surface of the assembly under test against the approved snapshot beside this file.</summary>
[TestClass]
public sealed class PublicApiTest
{
    [TestMethod]
    public void PublicApi_MatchesApprovedSnapshot() => PublicApiSnapshot.Verify(typeof(Rnn.MLNet.RecurrentForecastingEstimator).Assembly, ThisFile());

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
